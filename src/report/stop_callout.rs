//! The emergency-stop callout at the top of the job summary: a run stopped by an open issue says
//! so first, naming the issue with a working link, instead of leaving it in a gate table.
//!
//! Pure; the title is untrusted and escaped, only a plain http(s) URL becomes a link.

use super::markdown::escape;
use crate::gates::GateStatus;
use crate::gates::emergency_stop::GATE;
use crate::promotion::outcome::Outcome;

/// The callout for the run's `emergency-stop` row, when it blocked the run or a hotfix passed it.
pub(crate) fn render(o: &Outcome) -> Option<String> {
    let row = o.gates.iter().find(|g| g.kind == GATE)?;
    let (head, tail) = match row.status {
        GateStatus::Fail if row.figure == "unverified" => (
            "🛑 **Emergency stop could not be checked, so it counts as in force**",
            "Nothing was promoted. Fix the cause above, then re-run.",
        ),
        GateStatus::Fail => (
            "🛑 **Emergency stop in force**",
            "Nothing was promoted. Close the issue (or remove its label) when promotions may resume, then re-run.",
        ),
        GateStatus::Skip => (
            "🚑 **A hotfix passed the emergency stop**",
            "The policy's `hotfix.skip` lists `emergency-stop` on every stage this run entered.",
        ),
        GateStatus::Pass | GateStatus::Warn => return None,
    };
    Some(format!(
        "> {head} — {}\n>\n> {tail}\n\n",
        linkify(&row.detail)
    ))
}

/// Escapes `text` for one markdown line, turning plain http(s) URLs into autolinks (a URL
/// escaped like text would not link).
fn linkify(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let core = word.trim_end_matches([';', ',', '.', ')']);
            let rest = &word[core.len()..];
            let is_url = (core.starts_with("https://") || core.starts_with("http://"))
                && core
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~:/?#=&%+".contains(c));
            if is_url {
                format!("<{core}>{}", escape(rest))
            } else {
                escape(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gates::GateResult;
    use crate::inputs::Command;

    fn outcome(status: GateStatus, figure: &str, detail: &str) -> Outcome {
        let mut o = Outcome::new(Command::Promote, "app", "1.0.0");
        o.gates.push(GateResult {
            stage: "QA".into(),
            gate: GATE.into(),
            kind: GATE.into(),
            status,
            detail: detail.into(),
            figure: figure.into(),
            threshold: String::new(),
        });
        o
    }

    #[test]
    fn urls_link_and_everything_else_is_text() {
        let table = [
            (
                "issue #12 \"<b>x</b>\" opened by @alice: https://github.com/o/r/issues/12; also open: #13",
                "issue \\#12 &quot;&lt;b&gt;x&lt;/b&gt;&quot; opened by @\u{200b}alice: <https://github.com/o/r/issues/12>; also open: \\#13",
            ),
            (
                "see https://evil.example/<script> and javascript:alert(1)",
                "see https://evil.example/&lt;script&gt; and javascript:alert(1)",
            ),
            ("[x](https://a.example)", "\\[x\\](https://a.example)"),
        ];
        for (text, want) in table {
            assert_eq!(linkify(text), want, "{text}");
        }
    }

    #[test]
    fn callouts_by_verdict() {
        let detail = "issue #12 \"Outage\" opened by @alice on 2026-05-01 10:00 UTC: https://github.com/o/r/issues/12";
        let fail = render(&outcome(GateStatus::Fail, "#12 open", detail)).expect("callout");
        assert!(
            fail.starts_with("> 🛑 **Emergency stop in force** — issue \\#12"),
            "{fail}"
        );
        assert!(
            fail.contains("<https://github.com/o/r/issues/12>"),
            "{fail}"
        );
        let unread = render(&outcome(GateStatus::Fail, "unverified", "HTTP 403")).expect("callout");
        assert!(unread.contains("could not be checked"), "{unread}");
        let skip = render(&outcome(GateStatus::Skip, "#12 open", detail)).expect("callout");
        assert!(skip.contains("hotfix passed"), "{skip}");
        assert_eq!(render(&outcome(GateStatus::Pass, "none open", "")), None);
        assert_eq!(render(&Outcome::new(Command::Promote, "a", "1")), None);
    }
}
