//! Whether AppTrust will promote a version at all: only a version whose content status is
//! `COMPLETED` can move (AppTrust answers anything else with 409). Checked before any gate, so a
//! plan never says `planned` for a version AppTrust would refuse, and a promotion says what to
//! wait for instead of failing on the 409.
//!
//! Pure: the status comes from the version's content (or the version list) already read.

use super::{GateResult, GateStatus};

/// Name and kind of the row the check adds to the first stage of the path.
pub(crate) const GATE: &str = "version status";
/// Kind of that row.
pub(crate) const KIND: &str = "version-status";

/// The only content status AppTrust promotes.
const READY: &str = "COMPLETED";

/// Whether a version with this content status can be promoted. An empty status means AppTrust
/// did not say; then AppTrust itself decides when asked.
pub(crate) fn ready(status: &str) -> bool {
    let s = status.trim();
    s.is_empty() || s.eq_ignore_ascii_case(READY)
}

/// What a status means and what to do about it, e.g. `IN_PROGRESS: AppTrust is still creating
/// it; wait until its status is COMPLETED, then re-run`.
pub(crate) fn why_not_ready(status: &str) -> String {
    let s = status.trim().to_ascii_uppercase();
    match s.as_str() {
        "DRAFT" | "STARTED" | "IN_PROGRESS" | "PENDING" | "CREATING" => format!(
            "{s}: AppTrust is still creating it and refuses to promote it (HTTP 409) until its status is COMPLETED; wait for the creation to finish, then re-run"
        ),
        "FAILED" => format!(
            "{s}: its creation failed, so it can never be promoted; create the version again (or set `version` to another one)"
        ),
        _ => format!(
            "{s}: AppTrust promotes only versions whose status is COMPLETED; check the version in JFrog"
        ),
    }
}

/// The failing `version status` row for `stage` (the first stage of the path) when `status`
/// cannot be promoted; `None` when it can.
pub(crate) fn check(stage: &str, version: &str, status: &str) -> Option<GateResult> {
    if ready(status) {
        return None;
    }
    Some(GateResult {
        stage: stage.to_string(),
        gate: GATE.to_string(),
        kind: KIND.to_string(),
        status: GateStatus::Fail,
        detail: format!("version {version} is {}", why_not_ready(status)),
        figure: status.trim().to_ascii_uppercase(),
        threshold: READY.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_completed_or_unknown_versions_are_ready() {
        let table = [
            ("COMPLETED", true),
            ("completed", true),
            ("", true),
            ("IN_PROGRESS", false),
            ("STARTED", false),
            ("DRAFT", false),
            ("FAILED", false),
            ("SOMETHING_NEW", false),
        ];
        for (status, want) in table {
            assert_eq!(ready(status), want, "{status}");
            assert_eq!(check("p-DEV", "1.0", status).is_none(), want, "{status}");
        }
    }

    #[test]
    fn the_row_says_what_to_wait_for() {
        let row = check("p-DEV", "1.4.0", "in_progress").expect("not ready");
        assert_eq!(row.status, GateStatus::Fail);
        assert_eq!(row.gate, GATE);
        assert_eq!(row.figure, "IN_PROGRESS");
        assert!(
            row.detail
                .starts_with("version 1.4.0 is IN_PROGRESS: AppTrust is still creating it"),
            "{}",
            row.detail
        );
        assert!(
            row.detail.contains("wait for the creation to finish"),
            "{}",
            row.detail
        );
        let failed = check("p-DEV", "1.4.0", "FAILED").expect("not ready");
        assert!(
            failed.detail.contains("create the version again"),
            "{}",
            failed.detail
        );
    }
}
