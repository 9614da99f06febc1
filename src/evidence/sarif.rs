//! SARIF 2.1.0 reader for the `sarif` gate: counts results by level and by
//! `security-severity` bucket across one or more static-analysis logs.
//!
//! Streaming: the log is parsed with serde_json's `Deserializer::from_reader` and a chain of
//! `DeserializeSeed`/`Visitor` implementations (log → runs → run → results). Each result is
//! deserialized into a small struct, counted, and dropped; everything not needed is skipped
//! with `IgnoredAny`. Only the rules of the current run (id, default level, severity) and the
//! top [`MAX_LISTED`] findings are held.
//!
//! Rules after results: when a run's `results` appear before its `tool` (legal in SARIF, rare
//! in practice), the first pass skips those results and records the run's rules; a second
//! pass over the file then counts exactly those runs. Memory stays bounded either way.
//!
//! Semantics:
//! - level = `result.level`; else `none` when `result.kind` is present and not `fail` (SARIF
//!   §3.27.10); else the rule's `defaultConfiguration.level` (rule found by
//!   `rule.toolComponent.index` + `rule.index`, `ruleIndex`, or `ruleId` — also its
//!   hierarchical prefix before `/` — in `tool.driver.rules` then `tool.extensions[].rules`);
//!   else `warning`. Unknown level strings count as `warning`.
//! - security severity = `properties.security-severity` (string or number) of the result, else
//!   of the rule; buckets: critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low > 0.
//! - a result with a non-empty `suppressions` array whose entries are not all
//!   `status: "rejected"` counts only in `suppressed`.
//! - `findings` keeps the most severe error/warning results: errors before warnings, then
//!   higher security severity, then file order.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::Serialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::json::{json_error, open_json};
use super::{EvidenceError, MAX_LISTED, MAX_MESSAGE_CHARS, first_line, truncate_chars};

const FORMAT: &str = "SARIF";
const EXPECTED: &str = "a SARIF 2.1.0 log";

/// Totals over every SARIF file read (suppressed results excluded from all but `suppressed`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SarifSummary {
    pub errors: u64,
    pub warnings: u64,
    pub notes: u64,
    pub nones: u64,
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub suppressed: u64,
    /// `tool.driver.name` of every run, deduplicated, in order of appearance.
    pub tools: Vec<String>,
    /// Up to [`MAX_LISTED`] error/warning results, most severe first.
    pub findings: Vec<Finding>,
    /// All unsuppressed error and warning results.
    pub findings_total: u64,
    pub files: Vec<PathBuf>,
}

/// One error- or warning-level result, for annotations and the job summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub level: String,
    pub security_severity: Option<f64>,
    /// First line of `message.text` (or `markdown`), at most [`MAX_MESSAGE_CHARS`] characters.
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub tool: String,
}

/// Reads and adds up every SARIF file, in the order given.
pub fn read_sarif(files: &[PathBuf]) -> Result<SarifSummary, EvidenceError> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    None,
    Note,
    Warning,
    Error,
}

impl Level {
    fn parse(s: &str) -> Level {
        match s {
            "error" => Level::Error,
            "note" => Level::Note,
            "none" => Level::None,
            _ => Level::Warning,
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
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

/// What a run's rules say about a result.
#[derive(Debug, Default, Clone)]
struct RuleInfo {
    id: String,
    level: Option<Level>,
    severity: Option<f64>,
}

/// Per-run data kept between the tool and results (and across passes).
#[derive(Debug, Default)]
struct RunMeta {
    tool: String,
    tool_seen: bool,
    driver: Vec<RuleInfo>,
    extensions: Vec<Vec<RuleInfo>>,
    /// rule id → (extension index or None for the driver, rule index)
    by_id: HashMap<String, (Option<usize>, usize)>,
    /// Results were skipped in pass 1 because they came before the rules.
    deferred: bool,
}

impl RunMeta {
    fn from_tool(tool: RawTool) -> RunMeta {
        let mut meta = RunMeta {
            tool: tool.driver.name.unwrap_or_default(),
            tool_seen: true,
            ..RunMeta::default()
        };
        meta.driver = tool.driver.rules.into_iter().map(RawRule::info).collect();
        meta.extensions = tool
            .extensions
            .into_iter()
            .map(|c| c.rules.into_iter().map(RawRule::info).collect())
            .collect();
        for (i, r) in meta.driver.iter().enumerate() {
            meta.by_id.entry(r.id.clone()).or_insert((None, i));
        }
        for (e, rules) in meta.extensions.iter().enumerate() {
            for (i, r) in rules.iter().enumerate() {
                meta.by_id.entry(r.id.clone()).or_insert((Some(e), i));
            }
        }
        meta
    }

    fn rule(&self, r: &RawResult) -> Option<&RuleInfo> {
        let rule_ref = r.rule.as_ref();
        let component = rule_ref
            .and_then(|x| x.tool_component.as_ref())
            .and_then(|c| c.index);
        let index = rule_ref.and_then(|x| x.index).or(r.rule_index);
        if let Some(i) = index.and_then(|i| usize::try_from(i).ok()) {
            let list = match component.and_then(|c| usize::try_from(c).ok()) {
                Some(c) => self.extensions.get(c),
                None => Some(&self.driver),
            };
            if let Some(rule) = list.and_then(|l| l.get(i)) {
                return Some(rule);
            }
        }
        let id = r
            .rule_id
            .as_deref()
            .or(rule_ref.and_then(|x| x.id.as_deref()))?;
        let hit = self
            .by_id
            .get(id)
            .or_else(|| id.split_once('/').and_then(|(p, _)| self.by_id.get(p)))?;
        match hit {
            (None, i) => self.driver.get(*i),
            (Some(e), i) => self.extensions.get(*e).and_then(|l| l.get(*i)),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Count runs whose rules precede their results; collect every run's rules.
    First,
    /// Count only runs deferred in the first pass.
    Second,
}

struct State<'a> {
    pass: Pass,
    acc: &'a mut Acc,
    runs: &'a mut Vec<RunMeta>,
    run_index: usize,
    saw_runs: bool,
}

fn read_one(path: &Path, acc: &mut Acc) -> Result<(), EvidenceError> {
    let mut runs = Vec::new();
    let saw_runs = pass(path, Pass::First, acc, &mut runs)?;
    if !saw_runs {
        return Err(EvidenceError::UnknownFormat {
            path: path.to_path_buf(),
            expected: EXPECTED,
            detail: "the JSON object has no `runs` array".into(),
        });
    }
    if runs.iter().any(|r| r.deferred) {
        pass(path, Pass::Second, acc, &mut runs)?;
    }
    for run in &runs {
        if !run.tool.is_empty() && !acc.summary.tools.contains(&run.tool) {
            acc.summary.tools.push(run.tool.clone());
        }
    }
    Ok(())
}

fn pass(
    path: &Path,
    which: Pass,
    acc: &mut Acc,
    runs: &mut Vec<RunMeta>,
) -> Result<bool, EvidenceError> {
    let reader = open_json(path, FORMAT, EXPECTED)?;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut state = State {
        pass: which,
        acc,
        runs,
        run_index: 0,
        saw_runs: false,
    };
    LogSeed(&mut state)
        .deserialize(&mut de)
        .map_err(|e| json_error(path, FORMAT, e))?;
    de.end().map_err(|e| json_error(path, FORMAT, e))?;
    Ok(state.saw_runs)
}

struct LogSeed<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for LogSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LogSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a SARIF log object with a `runs` array")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "runs" => {
                    self.0.saw_runs = true;
                    map.next_value_seed(RunsSeed(&mut *self.0))?;
                }
                "version" => {
                    let v: String = map.next_value()?;
                    if !v.starts_with("2.1") {
                        return Err(de::Error::custom(format!(
                            "SARIF version {v} is not supported (expected 2.1.0)"
                        )));
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct RunsSeed<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for RunsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RunsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of runs")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(RunSeed(&mut *self.0))?.is_some() {
            self.0.run_index += 1;
        }
        Ok(())
    }
}

struct RunSeed<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for RunSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RunSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a run object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.0;
        let idx = st.run_index;
        if st.pass == Pass::First && st.runs.len() <= idx {
            st.runs.push(RunMeta::default());
        }
        while let Some(key) = map.next_key::<String>()? {
            match (key.as_str(), st.pass) {
                ("tool", Pass::First) => {
                    let tool: RawTool = map.next_value()?;
                    let deferred = st.runs[idx].deferred;
                    st.runs[idx] = RunMeta::from_tool(tool);
                    st.runs[idx].deferred = deferred;
                }
                ("results", Pass::First) if st.runs[idx].tool_seen => {
                    map.next_value_seed(ResultsSeed { st: &mut *st, idx })?;
                }
                ("results", Pass::First) => {
                    st.runs[idx].deferred = true;
                    map.next_value::<IgnoredAny>()?;
                }
                ("results", Pass::Second) if st.runs.get(idx).is_some_and(|r| r.deferred) => {
                    map.next_value_seed(ResultsSeed { st: &mut *st, idx })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct ResultsSeed<'s, 'a> {
    st: &'s mut State<'a>,
    idx: usize,
}

impl<'de> DeserializeSeed<'de> for ResultsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for ResultsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of results or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let run = &self.st.runs[self.idx];
        let acc = &mut *self.st.acc;
        while let Some(result) = seq.next_element::<RawResult>()? {
            count(acc, run, result);
        }
        Ok(())
    }
}

fn count(acc: &mut Acc, run: &RunMeta, r: RawResult) {
    let suppressed = r.suppressions.as_ref().is_some_and(|list| {
        !list.is_empty() && !list.iter().all(|s| s.status.as_deref() == Some("rejected"))
    });
    if suppressed {
        acc.summary.suppressed += 1;
        return;
    }
    let rule = run.rule(&r);
    let level = match (&r.level, &r.kind) {
        (Some(l), _) => Level::parse(l),
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
    match severity {
        Some(v) if v >= 9.0 => s.critical += 1,
        Some(v) if v >= 7.0 => s.high += 1,
        Some(v) if v >= 4.0 => s.medium += 1,
        Some(v) if v > 0.0 => s.low += 1,
        _ => {}
    }
    if !matches!(level, Level::Error | Level::Warning) {
        return;
    }
    s.findings_total += 1;
    acc.seq += 1;
    let error = level == Level::Error;
    let sev_key = severity.unwrap_or(-1.0);
    if acc.top.len() >= MAX_LISTED {
        let Some(Reverse(least)) = acc.top.peek() else {
            return;
        };
        if Ranked::key_cmp(error, sev_key, acc.seq, least) != Ordering::Greater {
            return;
        }
        acc.top.pop();
    }
    let loc = r.locations.and_then(|l| l.physical_location);
    let rule_id = r
        .rule_id
        .or_else(|| r.rule.and_then(|x| x.id))
        .or_else(|| rule.map(|x| x.id.clone()))
        .unwrap_or_default();
    let text = r
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
                .and_then(|a| a.uri.clone()),
            line: loc
                .as_ref()
                .and_then(|p| p.region.as_ref())
                .and_then(|r| r.start_line)
                .and_then(|l| u32::try_from(l).ok()),
            tool: run.tool.clone(),
        },
    }));
}

// ---- the small parts of SARIF that are deserialized into structs ----------------------------

#[derive(Deserialize)]
struct RawTool {
    driver: RawComponent,
    #[serde(default)]
    extensions: Vec<RawComponent>,
}

#[derive(Deserialize)]
struct RawComponent {
    name: Option<String>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    #[serde(default)]
    id: String,
    default_configuration: Option<RawConfig>,
    properties: Option<RawProps>,
}

impl RawRule {
    fn info(self) -> RuleInfo {
        RuleInfo {
            id: self.id,
            level: self
                .default_configuration
                .and_then(|c| c.level)
                .map(|l| Level::parse(&l)),
            severity: self.properties.and_then(|p| p.security_severity),
        }
    }
}

#[derive(Deserialize)]
struct RawConfig {
    level: Option<String>,
}

#[derive(Deserialize)]
struct RawProps {
    #[serde(rename = "security-severity", default, deserialize_with = "severity")]
    security_severity: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawResult {
    rule_id: Option<String>,
    rule_index: Option<i64>,
    rule: Option<RawRuleRef>,
    level: Option<String>,
    kind: Option<String>,
    message: Option<RawMessage>,
    #[serde(default, deserialize_with = "first_location")]
    locations: Option<RawLocation>,
    properties: Option<RawProps>,
    suppressions: Option<Vec<RawSuppression>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRuleRef {
    id: Option<String>,
    index: Option<i64>,
    tool_component: Option<RawComponentRef>,
}

#[derive(Deserialize)]
struct RawComponentRef {
    index: Option<i64>,
}

#[derive(Deserialize)]
struct RawMessage {
    text: Option<String>,
    markdown: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLocation {
    physical_location: Option<RawPhysical>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPhysical {
    artifact_location: Option<RawArtifact>,
    region: Option<RawRegion>,
}

#[derive(Deserialize)]
struct RawArtifact {
    uri: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRegion {
    start_line: Option<u64>,
}

#[derive(Deserialize)]
struct RawSuppression {
    status: Option<String>,
}

/// `security-severity` as a number or a numeric string; anything unparseable is `None`.
fn severity<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number or numeric string")
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v).filter(|v| v.is_finite()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
            while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
            while s.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// Keeps `locations[0]` and skips the rest without allocating them.
fn first_location<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<RawLocation>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<RawLocation>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of locations")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
            let first = s.next_element::<RawLocation>()?;
            while s.next_element::<IgnoredAny>()?.is_some() {}
            Ok(first)
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::fixture;

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
        use EvidenceError as E;
        let table: &[(&str, crate::evidence::ErrCheck)] = &[
            (
                "hostile/truncated.json",
                |e| matches!(e, E::Malformed { detail, .. } if detail.contains("truncated")),
            ),
            ("hostile/invalid.json", |e| matches!(e, E::Malformed { .. })),
            ("hostile/deeply-nested.json", |e| {
                matches!(e, E::Malformed { .. })
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
        assert!(matches!(e, EvidenceError::Malformed { .. }), "{e:?}");
    }
}
