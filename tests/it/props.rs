//! Property tests for everything that turns untrusted text into runner input: the outputs file,
//! workflow commands, markdown escaping and the job summary. 256 cases each, so CI stays fast.

use proptest::prelude::*;

use promote_action::gates::{Finding, GateResult, GateStatus, Severity};
use promote_action::inputs::Command;
use promote_action::jfrog::apptrust::Evaluation;
use promote_action::lifecycle::HopAction;
use promote_action::promotion::outcome::{Failure, Hop, HopStatus, Outcome, RunResult};
use promote_action::report::commands::{self, Level};
use promote_action::report::{markdown, outputs, summary};

use crate::outcomes::hop;

/// Strings made of the pieces that break naive writers, mixed with arbitrary unicode.
fn nasty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\r".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("::".to_string()),
        Just("::error::x".to_string()),
        Just("::set-output name=result::promoted".to_string()),
        Just("##[error]".to_string()),
        Just("%".to_string()),
        Just("%0A".to_string()),
        Just("%25".to_string()),
        Just("ghadelimiter_".to_string()),
        Just("<<".to_string()),
        Just("=".to_string()),
        Just("EOF".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("<SCRIPT".to_string()),
        Just("|".to_string()),
        Just("@here".to_string()),
        Just("`".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{202e}".to_string()),
        Just("\t".to_string()),
        Just(" ".to_string()),
        any::<String>(),
        "[a-z:%<>|\\n\\r]{0,8}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn outputs_round_trip_through_the_runner_parser(
        a in nasty(),
        b in nasty(),
        c in nasty(),
    ) {
        let entries = vec![("result", a), ("to-stage", b), ("gates", c), ("record", "r".to_string())];
        let text = outputs::render(&entries);
        let parsed = outputs::parse(&text).expect("parses");
        let want: Vec<(String, String)> =
            entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        prop_assert_eq!(parsed, want);
    }

    #[test]
    fn annotations_are_one_line_that_untrusted_text_cannot_break(
        error in any::<bool>(),
        title in nasty(),
        message in nasty(),
        file in proptest::option::of(nasty()),
        line in proptest::option::of(any::<u32>()),
    ) {
        let level = if error { Level::Error } else { Level::Warning };
        let out = commands::annotation(level, &title, &message, file.as_deref(), line);
        let command = if error { "::error" } else { "::warning" };
        prop_assert!(out.starts_with(command), "{}", out);
        prop_assert!(out.ends_with('\n'));
        prop_assert_eq!(out.matches('\n').count(), 1, "one line: {:?}", out);
        prop_assert!(!out.contains('\r'), "{:?}", out);
        // The first `::` after the command is the separator: properties contain no `:`.
        let rest = &out[2..];
        let sep = rest.find("::").expect("separator");
        let head = &rest[..sep];
        prop_assert!(head == "error" || head == "warning" || head.starts_with("error ") || head.starts_with("warning "), "{:?}", head);
        let props = head.split_once(' ').map(|(_, p)| p).unwrap_or("");
        prop_assert!(!props.contains(':'), "{:?}", props);
        prop_assert!(props.is_empty() || props.split(',').all(|p| p.starts_with("file=") || p.starts_with("line=") || p.starts_with("title=")), "{:?}", props);
    }

    #[test]
    fn add_mask_lines_are_all_masks(secret in nasty()) {
        for line in commands::add_mask(&secret).lines() {
            prop_assert!(line.starts_with("::add-mask::"), "{:?}", line);
            prop_assert!(!line.contains('\r'));
        }
    }

    #[test]
    fn neutralised_log_text_starts_no_command(text in nasty()) {
        let n = commands::neutralise(&text);
        prop_assert!(!n.contains('\n') && !n.contains('\r'), "{:?}", n);
        prop_assert!(!n.trim_start().starts_with("::"), "{:?}", n);
        prop_assert!(!n.contains("##["), "{:?}", n);
    }

    #[test]
    fn markdown_escape_leaves_no_html_table_break_or_newline(text in nasty()) {
        let e = markdown::escape(&text);
        prop_assert!(!e.contains('<'), "{:?}", e);
        prop_assert!(!e.contains('|'), "{:?}", e);
        prop_assert!(!e.contains('\n') && !e.contains('\r'), "{:?}", e);
    }

    #[test]
    fn markdown_code_spans_cannot_be_closed(text in nasty()) {
        let c = markdown::code(&text);
        prop_assert!(c.starts_with('`') && c.ends_with('`'));
        prop_assert_eq!(c.matches('`').count(), 2, "{:?}", c);
        // `<` may stay: a code span is literal text in GitHub's renderer.
        prop_assert!(!c.contains('|') && !c.contains('\n') && !c.contains('\r'), "{:?}", c);
    }

    #[test]
    fn summary_never_starts_a_command_or_carries_a_script(
        app in nasty(),
        version in nasty(),
        titles in prop::collection::vec((nasty(), nasty(), proptest::option::of(nasty())), 0..4),
        gate in nasty(),
        detail in nasty(),
        hop_message in nasty(),
        explanation in nasty(),
        failure in proptest::option::of(nasty()),
        warning in nasty(),
        blocked in any::<bool>(),
    ) {
        let mut o = Outcome::new(Command::Promote, &app, &version);
        o.from_stage = "bookverse-DEV".into();
        o.to_stage = "bookverse-DEV".into();
        o.target_stage = Some("bookverse-QA".into());
        o.result = if blocked { RunResult::Blocked } else { RunResult::Failed };
        let status = if blocked { HopStatus::Blocked } else { HopStatus::Failed };
        o.hops.push(Hop {
            duration_ms: Some(3),
            evaluations: vec![Evaluation {
                gate: "entry_gate".into(),
                stage: "bookverse-QA".into(),
                decision: "fail".into(),
                explanation: explanation.clone(),
                eval_id: String::new(),
            }],
            message: hop_message,
            ..hop("bookverse-DEV", "bookverse-QA", HopAction::Promote, status)
        });
        o.gates.push(GateResult {
            stage: "bookverse-QA".into(),
            gate: gate.clone(),
            kind: "junit".into(),
            status: GateStatus::Fail,
            detail,
            figure: gate.clone(),
            threshold: explanation,
        });
        for (title, message, file) in titles {
            o.findings.push(Finding { category: "test", severity: Severity::Error, title, message, file, line: Some(7) });
            o.findings_total += 1;
        }
        o.warnings.push(warning);
        if let Some(message) = failure {
            o.failure = Some(Failure { title: "promote-action: remote error".into(), message, exit_code: 3, places: vec![] });
        }
        let md = summary::render(&o, &summary::Links::default());
        for line in md.lines() {
            prop_assert!(!line.trim_start().starts_with("::"), "line starts a command: {:?}", line);
        }
        // Outside code spans (literal text in GitHub's renderer) no tag can open.
        for line in md.lines() {
            let outside: String = line.split('`').step_by(2).collect();
            prop_assert!(!outside.to_ascii_lowercase().contains("<script"), "{:?}", line);
        }
        prop_assert!(md.len() <= summary::MAX_BYTES);
    }
}
