//! Serde view of the policy file, exactly as written.
//!
//! These structs mirror the YAML one to one (kebab-case keys, unknown keys rejected) so that
//! `yaml_serde` reports syntax, type and unknown-key errors with positions, and so that the
//! JSON Schema shipped for editors is generated from the same definitions (`///` docs become
//! schema descriptions). Semantic checks happen afterwards in `validate.rs`.

use std::fmt;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::model::{OnWindowClosed, Weekday};

/// Promotion policy for `bookverse/promote-action` (`.github/promotion-policy.yml`): quality
/// gates, approvals, promotion windows and freezes per lifecycle stage.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a policy mapping with `version: 1` and `stages`"
)]
#[schemars(title = "promote-action promotion policy")]
#[schemars(rename = "PromotionPolicy")]
pub struct RawPolicy {
    /// Policy format version. Must be `1`.
    #[schemars(range(min = 1, max = 1))]
    pub version: u64,
    /// Policy per stage. Keys are stage display names (`QA`) or full names (`bookverse-QA`),
    /// in any case; each stage may appear once.
    #[serde(default)]
    pub stages: RawStages,
}

/// The `stages` mapping, in file order; duplicate keys (also differing only in case) are errors.
#[derive(Debug, Default)]
pub struct RawStages(
    /// (stage key as written, stage policy) pairs.
    pub Vec<(String, RawStage)>,
);

impl JsonSchema for RawStages {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Stages".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let stage = generator.subschema_for::<RawStage>();
        schemars::json_schema!({
            "description": "Policy per stage, keyed by stage display name (`QA`) or full name (`bookverse-QA`).",
            "type": "object",
            "propertyNames": { "minLength": 1 },
            "additionalProperties": stage,
        })
    }
}

impl<'de> Deserialize<'de> for RawStages {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawStages;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a mapping from stage names (QA, bookverse-QA, PROD, …) to stage policies",
                )
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawStages, E> {
                Ok(RawStages::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawStages, A::Error> {
                let mut out: Vec<(String, RawStage)> = Vec::new();
                loop {
                    let seen: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
                    let Some(key) = map.next_key_seed(StageKey { seen: &seen })? else {
                        break;
                    };
                    let stage: RawStage = map.next_value()?;
                    out.push((key, stage));
                }
                Ok(RawStages(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Reads one stage key, rejecting duplicates at the key's own position.
struct StageKey<'a> {
    /// Keys already read, for the duplicate check.
    seen: &'a [&'a str],
}

impl<'de> DeserializeSeed<'de> for StageKey<'_> {
    type Value = String;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for StageKey<'_> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a stage name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        let k = v.trim();
        if k.is_empty() {
            return Err(E::custom("invalid value: empty stage name"));
        }
        if let Some(prev) = self.seen.iter().find(|s| s.eq_ignore_ascii_case(k)) {
            return Err(E::custom(format!(
                "duplicate stage `{v}` (already given as `{prev}`)"
            )));
        }
        Ok(k.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }
}

/// Policy for one stage: what must hold before a version is promoted into it.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a stage policy mapping (gates, approvals, windows, freezes, on-window-closed, hotfix)"
)]
#[schemars(rename = "Stage")]
pub struct RawStage {
    /// Quality gates evaluated in order; all must pass. Each item has an optional `name` and
    /// exactly one kind key (`junit`, `coverage`, `sarif`, `checks`, `benchmark`, `json`,
    /// `integrity`, `evidence`).
    #[serde(default)]
    pub gates: Vec<RawGate>,
    /// Approvals required from the GitHub environment's reviewers.
    pub approvals: Option<RawApprovals>,
    /// Promotion windows. When present, promotion happens only while one is open. A window does
    /// not cross midnight: write an overnight window as two windows.
    #[serde(default)]
    pub windows: Vec<RawWindow>,
    /// Freeze periods during which promotion into this stage is blocked (they win over windows).
    #[serde(default)]
    pub freezes: Vec<RawFreeze>,
    /// What a scheduled run does when no window is open: `defer` (exit 0, result=deferred) or
    /// `fail` (blocked, exit 1). Default `fail`.
    pub on_window_closed: Option<OnWindowClosed>,
    /// What a hotfix promotion (`hotfix: true`) may bypass.
    pub hotfix: Option<RawHotfix>,
}

/// One quality gate: an optional `name` and exactly one kind key.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a gate mapping with an optional `name` and one kind key (junit, coverage, sarif, checks, benchmark, json, integrity, evidence)"
)]
#[schemars(extend("oneOf" = [
    { "required": ["junit"] },
    { "required": ["coverage"] },
    { "required": ["sarif"] },
    { "required": ["checks"] },
    { "required": ["benchmark"] },
    { "required": ["json"] },
    { "required": ["integrity"] },
    { "required": ["evidence"] },
]))]
#[schemars(rename = "Gate")]
pub struct RawGate {
    /// Gate name shown in outputs and summaries; must be unique in the stage. Default: the kind
    /// (`junit`, then `junit #2`, …).
    pub name: Option<String>,
    /// JUnit XML test reports.
    #[serde(default, deserialize_with = "present")]
    pub junit: Option<RawJunit>,
    /// Coverage report (cobertura, lcov or jacoco; detected).
    #[serde(default, deserialize_with = "present")]
    pub coverage: Option<RawCoverage>,
    /// SARIF static-analysis reports.
    #[serde(default, deserialize_with = "present")]
    pub sarif: Option<RawSarif>,
    /// GitHub check runs on the commit.
    #[serde(default, deserialize_with = "present")]
    pub checks: Option<RawChecks>,
    /// Benchmark report (hyperfine, pytest-benchmark or k6 summary; detected).
    #[serde(default, deserialize_with = "present")]
    pub benchmark: Option<RawBenchmark>,
    /// A number in any JSON report, compared with bounds.
    #[serde(default, deserialize_with = "present")]
    pub json: Option<RawJson>,
    /// AppTrust version content integrity (status COMPLETED, sha256 on every artifact, optional
    /// local files matched).
    #[serde(default, deserialize_with = "present")]
    pub integrity: Option<RawIntegrity>,
    /// Evidence (attestations) required on the AppTrust version.
    #[serde(default, deserialize_with = "present")]
    pub evidence: Option<RawEvidence>,
}

/// Deserializes a key that is present as `Some`, even when its value is empty (`integrity:`).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: de::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// One glob pattern or a list of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paths(
    /// The patterns.
    pub Vec<String>,
);

impl JsonSchema for Paths {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Paths".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A glob pattern (relative to the workspace) or a list of them.",
            "anyOf": [
                { "type": "string", "minLength": 1 },
                { "type": "array", "items": { "type": "string", "minLength": 1 }, "minItems": 1 },
            ],
        })
    }
}

impl<'de> Deserialize<'de> for Paths {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Paths;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a glob pattern or a list of glob patterns")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Paths, E> {
                Ok(Paths(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Paths, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(Paths(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Serde default: 1.
fn default_one() -> u64 {
    1
}

/// Serde default: true.
fn default_true() -> bool {
    true
}

/// Serde default: `mean`.
fn default_mean() -> String {
    "mean".to_string()
}

/// JUnit gate settings.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a junit gate mapping (paths, max-failures, min-tests)"
)]
#[schemars(rename = "Junit")]
pub struct RawJunit {
    /// Glob pattern(s) of JUnit XML files; no matching file fails the gate.
    pub paths: Paths,
    /// Maximum failures + errors over all files. Default 0.
    #[serde(default)]
    pub max_failures: u64,
    /// Minimum number of tests over all files. Default 1.
    #[serde(default = "default_one")]
    pub min_tests: u64,
}

/// Coverage gate settings; at least one of `min-line`, `min-branch`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a coverage gate mapping (path, min-line, min-branch)"
)]
#[schemars(extend("anyOf" = [ { "required": ["min-line"] }, { "required": ["min-branch"] } ]))]
#[schemars(rename = "Coverage")]
pub struct RawCoverage {
    /// Coverage report file (cobertura XML, lcov or jacoco XML; detected from the content).
    pub path: String,
    /// Minimum line coverage in percent (0–100).
    #[schemars(range(min = 0, max = 100))]
    pub min_line: Option<f64>,
    /// Minimum branch coverage in percent (0–100).
    #[schemars(range(min = 0, max = 100))]
    pub min_branch: Option<f64>,
}

/// SARIF gate settings; at least one bound in `max-level` or `max-severity`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a sarif gate mapping (paths, max-level, max-severity)"
)]
#[schemars(extend("anyOf" = [ { "required": ["max-level"] }, { "required": ["max-severity"] } ]))]
#[schemars(rename = "Sarif")]
pub struct RawSarif {
    /// Glob pattern(s) of SARIF files; no matching file fails the gate.
    pub paths: Paths,
    /// Maximum number of results per SARIF `level`.
    pub max_level: Option<RawLevelBounds>,
    /// Maximum number of results per `properties.security-severity` bucket.
    pub max_severity: Option<RawSeverityBounds>,
}

/// Maximum result counts per SARIF level.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a mapping of SARIF levels (error, warning, note) to maximum counts"
)]
#[schemars(rename = "LevelBounds")]
pub struct RawLevelBounds {
    /// Maximum `error` results.
    pub error: Option<u64>,
    /// Maximum `warning` results.
    pub warning: Option<u64>,
    /// Maximum `note` results.
    pub note: Option<u64>,
}

/// Maximum result counts per security-severity bucket (CVSS-style score in
/// `properties.security-severity`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a mapping of severities (critical, high, medium, low) to maximum counts"
)]
#[schemars(rename = "SeverityBounds")]
pub struct RawSeverityBounds {
    /// Maximum critical results (score ≥ 9.0).
    pub critical: Option<u64>,
    /// Maximum high results (7.0–8.9).
    pub high: Option<u64>,
    /// Maximum medium results (4.0–6.9).
    pub medium: Option<u64>,
    /// Maximum low results (0.1–3.9).
    pub low: Option<u64>,
}

/// Checks gate settings.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a checks gate mapping (required, allow-neutral, allow-skipped)"
)]
#[schemars(rename = "Checks")]
pub struct RawChecks {
    /// Names of check runs on the commit that must have concluded `success`.
    #[schemars(length(min = 1))]
    pub required: Vec<String>,
    /// Count a `neutral` conclusion as success. Default false.
    #[serde(default)]
    pub allow_neutral: bool,
    /// Count a `skipped` conclusion as success. Default false.
    #[serde(default)]
    pub allow_skipped: bool,
}

/// Benchmark gate settings.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a benchmark gate mapping (path, metric, max)"
)]
#[schemars(rename = "Benchmark")]
pub struct RawBenchmark {
    /// Benchmark report (hyperfine JSON, pytest-benchmark JSON or k6 summary; detected).
    pub path: String,
    /// Metric to compare: `mean`, `median`, `p95`, … Default `mean`.
    #[serde(default = "default_mean")]
    pub metric: String,
    /// Maximum value of the metric, in seconds for hyperfine and pytest-benchmark, in the
    /// tool's unit (milliseconds) for k6.
    #[schemars(range(min = 0))]
    pub max: f64,
}

/// JSON gate settings; at least one of `max`, `min`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a json gate mapping (path, pointer, max, min)"
)]
#[schemars(extend("anyOf" = [ { "required": ["max"] }, { "required": ["min"] } ]))]
#[schemars(rename = "Json")]
pub struct RawJson {
    /// JSON file to read.
    pub path: String,
    /// RFC 6901 JSON pointer to a number, e.g. `/metrics/http_req_failed/rate` (`""` = the whole
    /// document).
    #[schemars(regex(pattern = r"^(/.*)?$"))]
    pub pointer: String,
    /// Maximum allowed value (inclusive).
    pub max: Option<f64>,
    /// Minimum allowed value (inclusive).
    pub min: Option<f64>,
}

/// Integrity gate settings.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "an integrity gate mapping (files), or `{}`"
)]
#[schemars(rename = "Integrity")]
pub struct RawIntegrity {
    /// Glob pattern(s) of local files whose sha256 must match an artifact of the version.
    #[serde(default)]
    pub files: Paths,
}

/// Evidence gate settings.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "an evidence gate mapping (required)"
)]
#[schemars(rename = "Evidence")]
pub struct RawEvidence {
    /// Predicate types (e.g. `https://in-toto.io/attestation/test-result/v0.1`) that must be
    /// present as evidence on the version.
    #[schemars(length(min = 1))]
    pub required: Vec<String>,
}

/// Required approvals.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "an approvals mapping (environment, min, forbid-self-approval)"
)]
#[schemars(rename = "Approvals")]
pub struct RawApprovals {
    /// GitHub environment (with required reviewers) whose approvals of this run count.
    #[schemars(length(min = 1))]
    pub environment: String,
    /// Minimum number of distinct approvers, 1–10. Default 1.
    #[serde(default = "default_one")]
    #[schemars(range(min = 1, max = 10))]
    pub min: u64,
    /// The actor who triggered the run does not count as an approver. Default true.
    #[serde(default = "default_true")]
    pub forbid_self_approval: bool,
}

/// A recurring promotion window. It does not cross midnight: write an overnight window as two
/// windows (`22:00`–`24:00`, then `00:00`–`06:00` on the next days).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a window mapping (days, start, end, timezone)"
)]
#[schemars(rename = "Window")]
pub struct RawWindow {
    /// Days of the week on which the window opens (`mon` … `sun`), no duplicates.
    #[schemars(length(min = 1))]
    pub days: Vec<Weekday>,
    /// Opening time, `HH:MM` 24-hour wall clock in `timezone` (inclusive). Quote it in YAML.
    #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub start: String,
    /// Closing time, `HH:MM` (exclusive), later than `start`; `24:00` = end of the day.
    #[schemars(regex(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"))]
    pub end: String,
    /// IANA time zone, e.g. `America/New_York`, `Europe/London`, `UTC`.
    #[schemars(length(min = 1))]
    pub timezone: String,
}

/// A freeze period: no promotion into the stage from `from` (inclusive) to `to` (exclusive).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a freeze mapping (from, to, reason)"
)]
#[schemars(rename = "Freeze")]
pub struct RawFreeze {
    /// Start, an RFC 3339 timestamp with offset, e.g. `2026-12-20T00:00:00Z`.
    #[schemars(extend("format" = "date-time"))]
    pub from: String,
    /// End (exclusive), an RFC 3339 timestamp later than `from`.
    #[schemars(extend("format" = "date-time"))]
    pub to: String,
    /// Why promotion is frozen; shown in the summary and errors.
    #[schemars(length(min = 1))]
    pub reason: String,
}

/// Hotfix settings.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a hotfix mapping (skip)"
)]
#[schemars(rename = "Hotfix")]
pub struct RawHotfix {
    /// What a hotfix may bypass: `windows`, `freezes`, `approvals`, or the name of a gate of
    /// this stage (quote names containing ` #`, such as the default `"junit #2"`).
    #[serde(default)]
    pub skip: Vec<String>,
}
