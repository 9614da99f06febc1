//! SARIF 2.1.0 reader for the `sarif` gate: counts results by level and by
//! `security-severity` bucket across one or more static-analysis logs.
//!
//! Split in three: [`model`] (the deserialized parts of SARIF and the per-run rule index),
//! [`stream`] (the walk over the log with the JSON pull scanner, one result read at a time
//! from a slice, member by member), and this module (the counting and the ranking of findings). Only the rules
//! of the current run and the top [`MAX_LISTED`] findings are held.
//!
//! Semantics:
//! - level = `result.level`; else `none` when `result.kind` is present and not `fail` (SARIF
//!   §3.27.10); else the rule's `defaultConfiguration.level` (rule found by
//!   `rule.toolComponent.index` + `rule.index`, `ruleIndex`, or `ruleId` — also its
//!   hierarchical prefix before `/` — in `tool.driver.rules` then `tool.extensions[].rules`);
//!   else `warning`. A level outside `none|note|warning|error` rejects the file, naming the
//!   value and the result (or rule), so a gate on errors never passes an unknown level.
//! - security severity = `properties.security-severity` (string or number) of the result, else
//!   of the rule; buckets: critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low > 0.
//! - a result with a non-empty `suppressions` array whose entries are not all
//!   `status: "rejected"` counts only in `suppressed`.
//! - `findings` keeps the most severe error/warning results: errors before warnings, then
//!   higher security severity, then file order.

mod model;
mod stream;

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{MAX_LISTED, MAX_MESSAGE_CHARS, ReportError, first_line};

use crate::reports::parse::jsonscan::first_value;
use crate::text::truncate_chars;
use model::{Level, RawDetail, RawResult, RunMeta};
use stream::Pass;

const FORMAT: &str = "SARIF";
const EXPECTED: &str = "a SARIF 2.1.0 log";

/// Totals over every SARIF file read (suppressed results excluded from all but `suppressed`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SarifSummary {
    pub(crate) errors: u64,
    pub(crate) warnings: u64,
    pub(crate) notes: u64,
    pub(crate) nones: u64,
    pub(crate) critical: u64,
    pub(crate) high: u64,
    pub(crate) medium: u64,
    pub(crate) low: u64,
    pub(crate) suppressed: u64,
    /// `tool.driver.name` of every run, deduplicated, in order of appearance.
    pub(crate) tools: Vec<String>,
    /// Up to [`MAX_LISTED`] error/warning results, most severe first.
    pub(crate) findings: Vec<Finding>,
    /// All unsuppressed error and warning results.
    pub(crate) findings_total: u64,
    pub(crate) files: Vec<PathBuf>,
    /// The gate's `paths` patterns that matched no file (the others did).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) unmatched: Vec<String>,
}

/// One error- or warning-level result, for annotations and the job summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Finding {
    pub(crate) rule_id: String,
    pub(crate) level: String,
    pub(crate) security_severity: Option<f64>,
    /// First line of `message.text` (or `markdown`), at most [`MAX_MESSAGE_CHARS`] characters.
    pub(crate) message: String,
    pub(crate) file: Option<String>,
    pub(crate) line: Option<u32>,
    pub(crate) tool: String,
}

/// The bucket of a `security-severity` score: `critical` ≥ 9.0, `high` ≥ 7.0, `medium` ≥ 4.0,
/// `low` > 0; `None` without a positive score.
pub(crate) fn severity_bucket(score: Option<f64>) -> Option<&'static str> {
    match score {
        Some(v) if v >= 9.0 => Some("critical"),
        Some(v) if v >= 7.0 => Some("high"),
        Some(v) if v >= 4.0 => Some("medium"),
        Some(v) if v > 0.0 => Some("low"),
        _ => None,
    }
}

/// Reads and adds up every SARIF file, in the order given.
pub fn read_sarif(files: &[PathBuf]) -> Result<SarifSummary, ReportError> {
    let mut acc = Acc::default();
    for path in files {
        read_one(path, &mut acc)?;
        acc.summary.files.push(path.clone());
    }
    let mut summary = acc.summary;
    summary.findings = acc
        .top
        .into_sorted_vec()
        .into_iter()
        .map(|Reverse(r)| r.finding)
        .collect();
    Ok(summary)
}

#[derive(Default)]
struct Acc {
    summary: SarifSummary,
    top: BinaryHeap<Reverse<Ranked>>,
    seq: u64,
}

/// A kept finding with its sort key; `Ord` is "more severe is greater".
struct Ranked {
    error: bool,
    severity: f64,
    seq: u64,
    finding: Finding,
}

impl Ranked {
    fn key_cmp(error: bool, severity: f64, seq: u64, other: &Ranked) -> Ordering {
        error
            .cmp(&other.error)
            .then(severity.total_cmp(&other.severity))
            .then(other.seq.cmp(&seq))
    }
}
impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        Ranked::key_cmp(self.error, self.severity, self.seq, other)
    }
}

fn read_one(path: &Path, acc: &mut Acc) -> Result<(), ReportError> {
    let mut runs = Vec::new();
    let saw_runs = stream::pass(path, Pass::First, acc, &mut runs)?;
    if !saw_runs {
        return Err(ReportError::UnknownFormat {
            path: path.to_path_buf(),
            expected: EXPECTED,
            detail: "the JSON object has no `runs` array".into(),
        });
    }
    if runs.iter().any(|r| r.deferred) {
        stream::pass(path, Pass::Second, acc, &mut runs)?;
    }
    for run in &runs {
        if !run.tool.is_empty() && !acc.summary.tools.contains(&run.tool) {
            acc.summary.tools.push(run.tool.clone());
        }
    }
    Ok(())
}

/// Counts one result; an invalid level is an error message (the caller names the result).
/// `bytes` is the result's JSON: its message and location are parsed only when the result is
/// kept as a finding.
fn count(acc: &mut Acc, run: &RunMeta, r: RawResult<'_>, bytes: &[u8]) -> Result<(), String> {
    let suppressed = r.suppressions.as_ref().is_some_and(|list| {
        !list.is_empty() && !list.iter().all(|s| s.status.as_deref() == Some("rejected"))
    });
    if suppressed {
        acc.summary.suppressed += 1;
        return Ok(());
    }
    let rule = run.rule(&r);
    let level = match (&r.level, &r.kind) {
        (Some(l), _) => Level::parse(l).ok_or_else(|| {
            format!(
                "level `{}` is not one of none, note, warning, error; fix the tool's output or \
                 its configuration",
                truncate_chars(l, 40)
            )
        })?,
        (None, Some(kind)) if kind != "fail" => Level::None,
        _ => rule.and_then(|x| x.level).unwrap_or(Level::Warning),
    };
    let severity = r
        .properties
        .as_ref()
        .and_then(|p| p.security_severity)
        .or_else(|| rule.and_then(|x| x.severity));
    let s = &mut acc.summary;
    match level {
        Level::Error => s.errors += 1,
        Level::Warning => s.warnings += 1,
        Level::Note => s.notes += 1,
        Level::None => s.nones += 1,
    }
    match severity_bucket(severity) {
        Some("critical") => s.critical += 1,
        Some("high") => s.high += 1,
        Some("medium") => s.medium += 1,
        Some(_) => s.low += 1,
        None => {}
    }
    if !matches!(level, Level::Error | Level::Warning) {
        return Ok(());
    }
    s.findings_total += 1;
    acc.seq += 1;
    let error = level == Level::Error;
    let sev_key = severity.unwrap_or(-1.0);
    if acc.top.len() >= MAX_LISTED {
        let Some(Reverse(least)) = acc.top.peek() else {
            return Ok(());
        };
        if Ranked::key_cmp(error, sev_key, acc.seq, least) != Ordering::Greater {
            return Ok(());
        }
        acc.top.pop();
    }
    let detail: RawDetail<'_> = first_value(bytes)
        .map(|(d, _)| d)
        .map_err(|e| e.to_string())?;
    let loc = detail.locations.and_then(|l| l.physical_location);
    let rule_id = r
        .rule_id
        .or_else(|| r.rule.and_then(|x| x.id))
        .map(|c| c.into_owned())
        .or_else(|| rule.map(|x| x.id.clone()))
        .unwrap_or_default();
    let text = detail
        .message
        .and_then(|m| m.text.or(m.markdown))
        .unwrap_or_default();
    acc.top.push(Reverse(Ranked {
        error,
        severity: sev_key,
        seq: acc.seq,
        finding: Finding {
            rule_id: truncate_chars(&rule_id, MAX_MESSAGE_CHARS),
            level: level.as_str().to_string(),
            security_severity: severity,
            message: first_line(&text),
            file: loc
                .as_ref()
                .and_then(|p| p.artifact_location.as_ref())
                .and_then(|a| a.uri.as_deref().map(str::to_string)),
            line: loc
                .as_ref()
                .and_then(|p| p.region.as_ref())
                .and_then(|r| r.start_line)
                .and_then(|l| u32::try_from(l).ok()),
            tool: run.tool.clone(),
        },
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::fixture;

    #[derive(Debug, PartialEq)]
    struct Counts {
        levels: (u64, u64, u64, u64),
        sev: (u64, u64, u64, u64),
        suppressed: u64,
        findings_total: u64,
    }

    fn counts(s: &SarifSummary) -> Counts {
        Counts {
            levels: (s.errors, s.warnings, s.notes, s.nones),
            sev: (s.critical, s.high, s.medium, s.low),
            suppressed: s.suppressed,
            findings_total: s.findings_total,
        }
    }

    #[test]
    fn exact_counts_for_fixtures() {
        let table: &[(&str, Counts, &[&str])] = &[
            (
                "sarif/bandit.sarif",
                Counts {
                    levels: BANDIT_LEVELS,
                    sev: (0, 0, 0, 0),
                    suppressed: 0,
                    findings_total: BANDIT_LEVELS.0 + BANDIT_LEVELS.1,
                },
                &["Bandit"],
            ),
            (
                "sarif/eslint.sarif",
                Counts {
                    levels: ESLINT_LEVELS,
                    sev: (0, 0, 0, 0),
                    suppressed: 0,
                    findings_total: ESLINT_LEVELS.0 + ESLINT_LEVELS.1,
                },
                &["ESLint"],
            ),
            (
                "sarif/codeql-shaped.sarif",
                Counts {
                    levels: (3, 2, 2, 1),
                    sev: (1, 1, 2, 1),
                    suppressed: 2,
                    findings_total: 5,
                },
                &["CodeQL", "Trivy"],
            ),
            (
                "sarif/rules-after-results.sarif",
                Counts {
                    levels: (2, 1, 2, 0),
                    sev: (1, 0, 1, 0),
                    suppressed: 0,
                    findings_total: 3,
                },
                &["LateRules", "Second"],
            ),
            (
                "hostile/single-line-5mb.sarif",
                Counts {
                    levels: (6667, 6667, 6666, 0),
                    sev: (0, 0, 0, 0),
                    suppressed: 0,
                    findings_total: 13334,
                },
                &["bigtool"],
            ),
        ];
        for (file, want, tools) in table {
            let s = read_sarif(&[fixture(file)]).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(counts(&s), *want, "{file}");
            assert_eq!(s.tools, *tools, "{file}");
            assert_eq!(
                s.findings.len() as u64,
                s.findings_total.min(MAX_LISTED as u64),
                "{file}"
            );
        }
    }

    // Produced by the real tools; see tests/fixtures/README.md.
    const BANDIT_LEVELS: (u64, u64, u64, u64) = (2, 1, 4, 0);
    const ESLINT_LEVELS: (u64, u64, u64, u64) = (15, 1, 0, 0);

    #[test]
    fn findings_are_most_severe_first_with_locations() {
        let s = read_sarif(&[fixture("sarif/codeql-shaped.sarif")]).unwrap();
        let got: Vec<(&str, &str, Option<f64>)> = s
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f.level.as_str(), f.security_severity))
            .collect();
        assert_eq!(
            got,
            vec![
                ("js/sql-injection", "error", Some(9.8)),
                ("js/xss", "error", Some(7.5)),
                ("js/unused-var", "error", None),
                ("CVE-2024-0001", "warning", Some(5.3)),
                ("js/weak-crypto", "warning", Some(4.0)),
            ]
        );
        let f = &s.findings[0];
        assert_eq!(f.file.as_deref(), Some("src/db.js"));
        assert_eq!(f.line, Some(42));
        assert_eq!(f.tool, "CodeQL");
        assert_eq!(f.message, "This query depends on a user-provided value.");
    }

    #[test]
    fn many_files_add_up_and_keep_top_findings() {
        let s = read_sarif(&[
            fixture("sarif/bandit.sarif"),
            fixture("sarif/eslint.sarif"),
            fixture("hostile/single-line-5mb.sarif"),
        ])
        .unwrap();
        assert_eq!(s.errors, BANDIT_LEVELS.0 + ESLINT_LEVELS.0 + 6667);
        assert_eq!(s.findings.len(), MAX_LISTED);
        assert!(s.findings.iter().all(|f| f.level == "error"));
        assert_eq!(s.files.len(), 3);
        assert_eq!(s.tools, vec!["Bandit", "ESLint", "bigtool"]);
    }

    #[test]
    fn hostile_inputs_give_errors_not_panics() {
        use ReportError as E;
        let table: &[(&str, crate::reports::ErrCheck)] = &[
            (
                "hostile/truncated.json",
                |e| matches!(e, E::Malformed { detail, .. } if detail.contains("truncated")),
            ),
            ("hostile/invalid.json", |e| matches!(e, E::Malformed { .. })),
            // 100,000 `[`: an array is not a log, refused before any nesting is walked.
            ("hostile/deeply-nested.json", |e| {
                matches!(e, E::UnknownFormat { .. })
            }),
            ("hostile/empty.json", |e| matches!(e, E::Malformed { .. })),
            ("hostile/utf16-bom.xml", |e| {
                matches!(e, E::Malformed { .. })
            }),
            ("hostile/xxe.xml", |e| matches!(e, E::UnknownFormat { .. })),
            ("coverage/coverage-py.json", |e| {
                matches!(e, E::UnknownFormat { .. })
            }),
            ("bench/hyperfine.json", |e| {
                matches!(e, E::UnknownFormat { .. })
            }),
        ];
        for (file, ok) in table {
            match read_sarif(&[fixture(file)]) {
                Ok(s) => panic!("{file}: expected an error, got {s:?}"),
                Err(e) => assert!(ok(&e), "{file}: unexpected error {e:?}"),
            }
        }
    }

    #[test]
    fn deep_nesting_is_skipped_without_recursion_and_limited_where_parsed() {
        // Inside values the reader skips, serde_json's IgnoredAny walks nesting iteratively:
        // no stack growth, no error. Where the reader does parse (a rule), the nesting is a
        // type error long before any recursion limit matters.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("deep.sarif");
        let deep = format!(
            "{{\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":{{\"name\":\"x\"}}}},\"results\":[{{\"properties\":{{\"x\":{}{}}}}}]}}]}}",
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        std::fs::write(&p, deep).unwrap();
        let s = read_sarif(std::slice::from_ref(&p)).unwrap();
        assert_eq!(s.warnings, 1);
        let unbalanced = format!(
            "{{\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":{{\"name\":\"x\",\"rules\":{}",
            "[".repeat(100_000)
        );
        std::fs::write(&p, unbalanced).unwrap();
        let e = read_sarif(&[p]).unwrap_err();
        assert!(matches!(e, ReportError::Malformed { .. }), "{e:?}");
    }

    #[test]
    fn a_level_outside_the_four_rejects_the_file_naming_value_and_result() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad-level.sarif");
        let cases: &[(&str, &[&str])] = &[
            (
                r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[
                    {"ruleId":"a","level":"error","message":{"text":"ok"}},
                    {"ruleId":"b","level":"critical","message":{"text":"bad"}}]}]}"#,
                &[
                    "bad-level.sarif",
                    "run 0, result 1",
                    "`critical`",
                    "none, note, warning, error",
                ],
            ),
            (
                r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[
                    {"id":"R9","defaultConfiguration":{"level":"high"}}]}},"results":[]}]}"#,
                &["bad-level.sarif", "run 0", "rule `R9`", "`high`"],
            ),
        ];
        for (text, wants) in cases {
            std::fs::write(&p, text).unwrap();
            let e = read_sarif(std::slice::from_ref(&p)).unwrap_err();
            assert!(matches!(e, ReportError::Malformed { .. }), "{e:?}");
            for w in *wants {
                assert!(e.to_string().contains(w), "{w}: {e}");
            }
        }
    }
}
