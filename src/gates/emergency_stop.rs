//! The emergency stop ("stop the line"): whether open issues carrying the policy's label block
//! this promotion, decided as one `emergency-stop` row on the first stage of the path.
//!
//! Pure: the issues were read by `github/stop_issues.rs`; a read that failed arrives as its
//! reason and counts as a stop in force (fail closed). A hotfix passes only when every stage it
//! would enter lists `emergency-stop` in `hotfix.skip`.

use crate::gates::{GateResult, GateStatus};
use crate::policy::Policy;

/// The issue type is the client's: the gate reads it as GitHub listed it.
pub(crate) use crate::github::stop_issues::StopIssue;

/// Gate name and kind of the row.
pub(crate) const GATE: &str = "emergency-stop";

/// Longest issue title quoted in the row, in characters: the row ends up in the `::error`.
const MAX_TITLE: usize = 120;
/// Other open issues named by number after the first.
const MAX_OTHERS: usize = 5;

/// What the read found: the open issues with the label (pull requests excluded), newest first,
/// or why they could not be read.
pub(crate) type StopRead = Result<Vec<StopIssue>, String>;

/// How a hotfix run meets the stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HotfixRule {
    /// Not a hotfix: the stop applies.
    NotHotfix,
    /// A hotfix, and every stage on the path lists `emergency-stop` in `hotfix.skip`.
    Skips {
        /// The hotfix `reason`.
        reason: String,
    },
    /// A hotfix, but these stages (display names) do not list it.
    Refused {
        /// Stages on the path without `emergency-stop` in `hotfix.skip`.
        stages: Vec<String>,
    },
}

/// The hotfix rule for `path` (full stage names, the stages the run would enter); `display`
/// gives a stage's display name for the wording.
///
/// The fail-safe reading of "a hotfix passes only if `hotfix.skip` lists `emergency-stop`": the
/// stop guards the whole run, so every stage the run would enter must allow it; a stage without
/// a policy entry allows nothing.
pub(crate) fn hotfix_rule(
    policy: &Policy,
    path: &[String],
    hotfix: bool,
    reason: Option<&str>,
    display: impl Fn(&str) -> String,
) -> HotfixRule {
    if !hotfix {
        return HotfixRule::NotHotfix;
    }
    let stages: Vec<String> = path
        .iter()
        .filter(|stage| !policy.stage(stage).is_some_and(|sp| sp.hotfix_skips(GATE)))
        .map(|stage| display(stage))
        .collect();
    if stages.is_empty() {
        HotfixRule::Skips {
            reason: reason.unwrap_or_default().to_string(),
        }
    } else {
        HotfixRule::Refused { stages }
    }
}

/// The `emergency-stop` row for `stage` (the first stage of the path).
pub(crate) fn decide(stage: &str, label: &str, read: &StopRead, hotfix: &HotfixRule) -> GateResult {
    let threshold = format!("no open issue labelled `{label}`");
    let (status, figure, detail) = match (read, hotfix) {
        (Ok(issues), _) if issues.is_empty() => (
            GateStatus::Pass,
            "none open".to_string(),
            format!("no open issue is labelled `{label}`"),
        ),
        (Ok(issues), HotfixRule::Skips { reason }) => (
            GateStatus::Skip,
            open_figure(issues),
            format!(
                "skipped by hotfix: {reason}; stop in force: {}",
                describe(issues)
            ),
        ),
        (Ok(issues), rule) => (
            GateStatus::Fail,
            open_figure(issues),
            format!("{}{}", describe(issues), refusal(rule)),
        ),
        (Err(why), HotfixRule::Skips { reason }) => (
            GateStatus::Skip,
            "unverified".to_string(),
            format!("skipped by hotfix: {reason}; the stop could not be read: {why}"),
        ),
        (Err(why), rule) => (
            GateStatus::Fail,
            "unverified".to_string(),
            format!(
                "the stop counts as in force because open `{label}` issues could not be read: {why}{}",
                refusal(rule)
            ),
        ),
    };
    GateResult {
        stage: stage.to_string(),
        gate: GATE.to_string(),
        kind: GATE.to_string(),
        status,
        detail,
        figure,
        threshold,
    }
}

/// `#12 open`, or `3 open: #12, #15, #20`.
fn open_figure(issues: &[StopIssue]) -> String {
    match issues {
        [one] => format!("#{} open", one.number),
        many => {
            let numbers: Vec<String> = many
                .iter()
                .take(MAX_OTHERS + 1)
                .map(|i| format!("#{}", i.number))
                .collect();
            let more = if many.len() > numbers.len() {
                ", …"
            } else {
                ""
            };
            format!("{} open: {}{more}", many.len(), numbers.join(", "))
        }
    }
}

/// `issue #12 "Payments outage" opened by @alice on 2026-05-01 10:00 UTC: <url>`, then the other
/// open ones by number. Callers pass a non-empty list.
fn describe(issues: &[StopIssue]) -> String {
    let Some(first) = issues.first() else {
        return String::new();
    };
    let mut title: String = first.title.chars().take(MAX_TITLE).collect();
    if first.title.chars().count() > MAX_TITLE {
        title.push('…');
    }
    let mut out = format!(
        "issue #{} \"{}\" opened by @{} on {}: {}",
        first.number,
        title.trim(),
        first.author,
        when(&first.opened_at),
        first.url
    );
    if issues.len() > 1 {
        let others: Vec<String> = issues[1..]
            .iter()
            .take(MAX_OTHERS)
            .map(|i| format!("#{}", i.number))
            .collect();
        let more = issues.len() - 1 - others.len();
        out.push_str(&format!("; also open: {}", others.join(", ")));
        if more > 0 {
            out.push_str(&format!(" and {more} more"));
        }
    }
    out
}

/// `2026-05-01 10:00 UTC` from GitHub's RFC 3339 instant; the text as given if it is not one.
fn when(opened_at: &str) -> String {
    match opened_at.parse::<jiff::Timestamp>() {
        Ok(t) => t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => opened_at.chars().take(40).collect(),
    }
}

fn refusal(rule: &HotfixRule) -> String {
    match rule {
        HotfixRule::Refused { stages } => format!(
            "; a hotfix passes only when every stage it enters lists `{GATE}` in `hotfix.skip`, and {} {} not",
            stages.join(", "),
            if stages.len() == 1 { "does" } else { "do" }
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(number: u64, title: &str) -> StopIssue {
        StopIssue {
            number,
            title: title.into(),
            url: format!("https://github.com/bookverse/inventory/issues/{number}"),
            author: "alice".into(),
            opened_at: "2026-05-01T10:00:00Z".into(),
        }
    }

    fn rule(hotfix: bool, every_stage_skips: bool) -> HotfixRule {
        match (hotfix, every_stage_skips) {
            (false, _) => HotfixRule::NotHotfix,
            (true, true) => HotfixRule::Skips {
                reason: "CVE-2026-1".into(),
            },
            (true, false) => HotfixRule::Refused {
                stages: vec!["PROD".into()],
            },
        }
    }

    #[test]
    fn decisions() {
        use GateStatus::*;
        let one = Ok(vec![issue(12, "Payments outage")]);
        let none: StopRead = Ok(vec![]);
        let unreadable: StopRead = Err("HTTP 403: add `permissions: issues: read`".into());
        // (name, read, hotfix, every stage skips, status, figure, detail fragments)
        type Case<'a> = (
            &'a str,
            &'a StopRead,
            bool,
            bool,
            GateStatus,
            &'a str,
            &'a [&'a str],
        );
        let table: [Case; 9] = [
            (
                "no issue",
                &none,
                false,
                false,
                Pass,
                "none open",
                &["no open issue is labelled `promotion-freeze`"],
            ),
            (
                "no issue, hotfix refused",
                &none,
                true,
                false,
                Pass,
                "none open",
                &[],
            ),
            (
                "open issue",
                &one,
                false,
                false,
                Fail,
                "#12 open",
                &[
                    "issue #12 \"Payments outage\" opened by @alice on 2026-05-01 10:00 UTC: https://github.com/bookverse/inventory/issues/12",
                ],
            ),
            (
                "open issue, hotfix allowed",
                &one,
                true,
                true,
                Skip,
                "#12 open",
                &["skipped by hotfix: CVE-2026-1", "issue #12"],
            ),
            (
                "open issue, hotfix refused",
                &one,
                true,
                false,
                Fail,
                "#12 open",
                &["issue #12", "PROD does not"],
            ),
            (
                "unreadable",
                &unreadable,
                false,
                false,
                Fail,
                "unverified",
                &["counts as in force", "issues: read"],
            ),
            (
                "unreadable, not a hotfix even if allowed",
                &unreadable,
                false,
                true,
                Fail,
                "unverified",
                &["issues: read"],
            ),
            (
                "unreadable, hotfix refused",
                &unreadable,
                true,
                false,
                Fail,
                "unverified",
                &["issues: read", "PROD does not"],
            ),
            (
                "unreadable, hotfix allowed",
                &unreadable,
                true,
                true,
                Skip,
                "unverified",
                &["could not be read", "issues: read"],
            ),
        ];
        for (name, read, hotfix, skips, status, figure, fragments) in table {
            let row = decide(
                "bookverse-QA",
                "promotion-freeze",
                read,
                &rule(hotfix, skips),
            );
            assert_eq!(row.status, status, "{name}");
            assert_eq!(row.figure, figure, "{name}");
            assert_eq!(
                (row.gate.as_str(), row.kind.as_str()),
                (GATE, GATE),
                "{name}"
            );
            assert_eq!(row.stage, "bookverse-QA", "{name}");
            for f in fragments {
                assert!(row.detail.contains(f), "{name}: {}", row.detail);
            }
        }
    }

    #[test]
    fn several_issues_are_counted_and_named() {
        let many: StopRead = Ok((1..=8).map(|n| issue(n, "x")).collect());
        let row = decide("QA", "freeze", &many, &HotfixRule::NotHotfix);
        assert_eq!(row.figure, "8 open: #1, #2, #3, #4, #5, #6, …");
        assert!(
            row.detail
                .ends_with("; also open: #2, #3, #4, #5, #6 and 2 more"),
            "{}",
            row.detail
        );
    }

    #[test]
    fn long_titles_are_cut_and_odd_dates_kept() {
        let mut i = issue(7, &"t".repeat(500));
        i.opened_at = "yesterday".into();
        let row = decide("QA", "freeze", &Ok(vec![i]), &HotfixRule::NotHotfix);
        assert!(row.detail.chars().count() < 300, "{}", row.detail);
        assert!(
            row.detail.contains("…\" opened by @alice on yesterday"),
            "{}",
            row.detail
        );
    }

    #[test]
    fn the_hotfix_rule_needs_every_stage_on_the_path() {
        let text = "version: 1\nstages:\n  QA:\n    hotfix: { skip: [emergency-stop] }\n  STAGING:\n    hotfix: { skip: [windows] }\n  PROD:\n    hotfix: { skip: [emergency-stop, approvals] }\n";
        let mut policy = crate::policy::parse("p.yml", text).expect("policy");
        let stages: Vec<String> = ["DEV", "QA", "STAGING", "PROD", "UAT"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        policy.resolve_stages(&stages, None).expect("stages");
        let path = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let table = [
            (path(&["QA"]), true, rule(true, true)),
            (
                path(&["QA", "STAGING", "PROD"]),
                true,
                HotfixRule::Refused {
                    stages: vec!["STAGING".into()],
                },
            ),
            (path(&["PROD"]), true, rule(true, true)),
            // A stage without a policy entry allows nothing.
            (
                path(&["PROD", "UAT"]),
                true,
                HotfixRule::Refused {
                    stages: vec!["UAT".into()],
                },
            ),
            (path(&["QA"]), false, HotfixRule::NotHotfix),
        ];
        for (p, hotfix, want) in table {
            assert_eq!(
                hotfix_rule(&policy, &p, hotfix, Some("CVE-2026-1"), |s| s.to_string()),
                want,
                "{p:?}"
            );
        }
    }
}
