//! Reading AppTrust's promotion history (already fetched): when did the version enter a stage?
//! The newest successful entry into it, so a version that left and came back counts from its
//! return — the time the `bake` gate judges ([`crate::monitoring`] gathers it for the gates).

use super::PromotionEntry;

/// The instant of the version's last successful entry into `stage` (full or display name),
/// or why it cannot be told.
pub(crate) fn last_entry(
    history: &[PromotionEntry],
    stage: &str,
    display: &str,
) -> Result<jiff::Timestamp, String> {
    let into: Vec<&PromotionEntry> = history
        .iter()
        .filter(|p| {
            p.status.eq_ignore_ascii_case("SUCCESS") || p.status.eq_ignore_ascii_case("COMPLETED")
        })
        .filter(|p| {
            let t = p.target_stage.trim();
            t.eq_ignore_ascii_case(stage) || t.eq_ignore_ascii_case(display)
        })
        .collect();
    if into.is_empty() {
        return Err(format!(
            "AppTrust's promotion history has no successful promotion into {display}, so the time the version has spent there is unknown"
        ));
    }
    let mut unreadable = None;
    let newest = into
        .iter()
        .filter_map(|p| match p.promoted.trim().parse::<jiff::Timestamp>() {
            Ok(t) => Some(t),
            Err(_) => {
                unreadable = Some(p.promoted.clone());
                None
            }
        })
        .max();
    newest.ok_or_else(|| {
        format!(
            "AppTrust's promotion history names no readable time for the promotion into {display} (`{}`)",
            unreadable.unwrap_or_default()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(status: &str, to: &str, at: &str) -> PromotionEntry {
        PromotionEntry {
            status: status.into(),
            source_stage: String::new(),
            target_stage: to.into(),
            promoted_by: "ci".into(),
            promoted: at.into(),
        }
    }

    #[test]
    fn the_last_successful_entry_counts() {
        // Newest first, as AppTrust lists it: the version went STAGING → PROD, was rolled back,
        // failed to re-enter once, then came back into STAGING.
        let history = vec![
            entry("SUCCESS", "bookverse-STAGING", "2026-03-05T10:00:00.000Z"),
            entry("FAILED", "bookverse-STAGING", "2026-03-05T11:00:00.000Z"),
            entry("SUCCESS", "PROD", "2026-03-04T10:00:00.000Z"),
            entry("SUCCESS", "bookverse-STAGING", "2026-03-01T10:00:00.000Z"),
            entry("SUCCESS", "bookverse-QA", "2026-02-28T10:00:00.000Z"),
        ];
        let t = last_entry(&history, "bookverse-STAGING", "STAGING").unwrap();
        assert_eq!(t.to_string(), "2026-03-05T10:00:00Z");
        // Order does not matter: the newest wins.
        let mut reversed = history.clone();
        reversed.reverse();
        assert_eq!(
            last_entry(&reversed, "bookverse-STAGING", "STAGING").unwrap(),
            t
        );
    }

    #[test]
    fn no_entry_or_no_time_says_why() {
        let none = last_entry(
            &[entry("FAILED", "bookverse-STAGING", "2026-03-05T10:00:00Z")],
            "bookverse-STAGING",
            "STAGING",
        )
        .unwrap_err();
        assert!(
            none.contains("no successful promotion into STAGING"),
            "{none}"
        );
        let bad = last_entry(
            &[entry("SUCCESS", "STAGING", "yesterday")],
            "bookverse-STAGING",
            "STAGING",
        )
        .unwrap_err();
        assert!(bad.contains("`yesterday`"), "{bad}");
    }
}
