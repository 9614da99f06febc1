//! The job summary's section on what tests gates found beyond their counts: for regression
//! mode the new failures, the failures the version now in the stage has too, and the ones it
//! had that pass now; the failures a quarantine entry excused (with the entry, its reason and
//! expiry); and the tests that passed on a rerun. One collapsed block per gate, open when it
//! holds new failures. Every name comes from a report file: escaped, in code spans.

use std::fmt::Write;

use super::markdown::{code, cut, escape};
use crate::gates::regressions::{Listed, TestsReport};
use crate::promotion::outcome::Outcome;

/// Renders the section (nothing when no gate has anything to show).
pub(super) fn render(o: &Outcome, out: &mut String) {
    for t in o.tests.iter().filter(|t| t.worth_showing()) {
        let stage = escape(o.display(&t.stage));
        let open = if t.new_failures.total > 0 {
            " open"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<details{open}><summary>{stage} · {}: {}</summary>\n",
            escape(&t.gate),
            escape(&headline(t))
        );
        if let Some(note) = &t.baseline_note {
            let _ = writeln!(out, "_{}_\n", escape(note));
        }
        if let Some(v) = &t.baseline_version {
            let v = escape(v);
            list(
                out,
                &format!("New failures (not failing in {v})"),
                &t.new_failures,
            );
            list(out, &format!("Failing in {v} too"), &t.known_failures);
            list(out, &format!("Fixed since {v}"), &t.fixed);
        }
        if t.quarantined_total > 0 {
            out.push_str("**Quarantined** (failed, excused by the policy)\n\n");
            out.push_str("| test | entry | until | reason |\n|---|---|---|---|\n");
            for q in &t.quarantined {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    code(&cut(&q.test, 200)),
                    code(&cut(&q.entry, 120)),
                    escape(&q.until),
                    escape(&cut(&q.reason, 200))
                );
            }
            more(out, t.quarantined_total, t.quarantined.len());
            out.push('\n');
        }
        list(out, "Flaky (passed on a rerun)", &t.flaky);
        out.push_str("</details>\n\n");
    }
}

fn headline(t: &TestsReport) -> String {
    let mut parts = Vec::new();
    if let Some(v) = &t.baseline_version {
        parts.push(format!(
            "{} new, {} failing in {v} too, {} fixed",
            t.new_failures.total, t.known_failures.total, t.fixed.total
        ));
    } else if t.baseline_note.is_some() {
        parts.push("no baseline".to_string());
    }
    if t.quarantined_total > 0 {
        parts.push(format!("{} quarantined", t.quarantined_total));
    }
    if t.flaky.total > 0 {
        parts.push(format!("{} flaky", t.flaky.total));
    }
    parts.join(" · ")
}

fn list(out: &mut String, title: &str, l: &Listed) {
    if l.total == 0 {
        return;
    }
    let _ = writeln!(out, "**{title}**: {}\n", l.total);
    for n in &l.names {
        let _ = writeln!(out, "- {}", code(&cut(n, 200)));
    }
    more(out, l.total, l.names.len());
    out.push('\n');
}

fn more(out: &mut String, total: u64, shown: usize) {
    if total > shown as u64 {
        let _ = writeln!(out, "\nand {} more", total - shown as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gates::regressions::Quarantined;
    use crate::inputs::Command;

    #[test]
    fn lists_new_known_fixed_quarantined_and_flaky_escaped() {
        let mut o = Outcome::new(Command::Promote, "inv", "1.3.0");
        let listed = |names: &[&str]| Listed {
            names: names.iter().map(|n| n.to_string()).collect(),
            total: names.len() as u64 + 1,
        };
        o.tests.push(TestsReport {
            stage: "bookverse-QA".into(),
            gate: "unit <tests>".into(),
            failing: Default::default(),
            baseline_version: Some("1.2.0".into()),
            baseline_note: None,
            new_failures: listed(&["a::`new`"]),
            known_failures: listed(&["a::old"]),
            fixed: listed(&["a::fixed"]),
            quarantined: vec![Quarantined {
                test: "net::flaky".into(),
                entry: "net::*".into(),
                reason: "@team <b>".into(),
                until: "2026-12-31".into(),
            }],
            quarantined_total: 1,
            flaky: listed(&["x::y"]),
        });
        let mut out = String::new();
        render(&o, &mut out);
        assert!(out.starts_with("<details open><summary>bookverse-QA · unit &lt;tests&gt;: 2 new, 2 failing in 1.2.0 too, 2 fixed · 1 quarantined · 2 flaky</summary>"), "{out}");
        assert!(out.contains("- `a::'new'`"), "{out}");
        assert!(out.contains("**Failing in 1.2.0 too**: 2"), "{out}");
        assert!(out.contains("and 1 more"), "{out}");
        assert!(out.contains("@\u{200b}team &lt;b&gt;"), "{out}");
        assert!(out.contains("**Flaky (passed on a rerun)**: 2"), "{out}");
        assert_eq!(
            out.matches("<details").count(),
            out.matches("</details>").count()
        );
    }
}
