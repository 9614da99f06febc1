//! Serde view of each gate kind's settings, exactly as written.
//!
//! Split from `raw.rs` (the policy, stage and schedule shapes) so each stays readable; the same
//! rules apply: kebab-case keys, unknown keys rejected, `///` docs become JSON Schema
//! descriptions, meaning is checked later in `validate/gates.rs`.

use std::fmt;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, SeqAccess, Visitor};

/// Gate kind keys (the kind fields of a `RawGate`), in documentation order (`tests` and its
/// older name `junit` first).
pub(crate) const GATE_KINDS: [&str; 13] = [
    "tests",
    "junit",
    "coverage",
    "sarif",
    "checks",
    "benchmark",
    "json",
    "integrity",
    "evidence",
    "attestations",
    "bake",
    "prometheus",
    "health",
];

/// One glob pattern or a list of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Paths(
    /// The patterns.
    pub(crate) Vec<String>,
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
pub(super) fn default_one() -> u64 {
    1
}

/// Serde default: true.
pub(super) fn default_true() -> bool {
    true
}

/// Serde default: `mean`.
fn default_mean() -> String {
    "mean".to_string()
}

/// Test results gate settings (`tests:`, or `junit:` its older name).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a tests gate mapping (paths, max-failures, min-tests, max-new-failures, quarantine)"
)]
#[schemars(rename = "Tests")]
pub(crate) struct RawJunit {
    /// Glob pattern(s) of test result files (JUnit XML and the other formats the gate detects
    /// from each file's content), read as a union: a pattern matching nothing is a warning
    /// while another matched; no file at all fails the gate.
    pub(crate) paths: Paths,
    /// Maximum failures + errors over all files. Default 0.
    #[serde(default)]
    pub(crate) max_failures: u64,
    /// Minimum number of tests over all files. Default 1.
    #[serde(default = "default_one")]
    pub(crate) min_tests: u64,
    /// Regressions only: at most this many failing tests that did not also fail for the version
    /// now in the stage (read from that version's decision attestation). Without such a
    /// baseline the gate says so and applies `max-failures`.
    pub(crate) max_new_failures: Option<u64>,
    /// Tests that may fail without failing the gate, each with an expiry and a reason.
    pub(crate) quarantine: Option<Vec<RawQuarantine>>,
}

/// One quarantined test (or glob of tests).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a quarantine entry mapping (test, until, reason)"
)]
#[schemars(rename = "Quarantine")]
pub(crate) struct RawQuarantine {
    /// Glob on the full test name as the job summary prints it (`classname::name`, or the name
    /// alone): `*` matches any run of characters (`::`, `.` and `/` included), `?` one, `[ab]`
    /// a class, `{a,b}` alternatives.
    pub(crate) test: String,
    /// Last day (`YYYY-MM-DD`, UTC) the entry holds; from the next day on it is ignored, with a
    /// warning naming it.
    pub(crate) until: String,
    /// Why the test is quarantined (who owns the fix), shown with every failure it excuses.
    pub(crate) reason: String,
}

/// Coverage gate settings; at least one of `min-line`, `min-branch`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a coverage gate mapping (path, min-line, min-branch)"
)]
#[schemars(extend("anyOf" = [ { "required": ["min-line"] }, { "required": ["min-branch"] } ]))]
#[schemars(rename = "Coverage")]
pub(crate) struct RawCoverage {
    /// Coverage report file (cobertura XML, lcov or jacoco XML; detected from the content).
    pub(crate) path: String,
    /// Minimum line coverage in percent (0–100).
    #[schemars(range(min = 0, max = 100))]
    pub(crate) min_line: Option<f64>,
    /// Minimum branch coverage in percent (0–100).
    #[schemars(range(min = 0, max = 100))]
    pub(crate) min_branch: Option<f64>,
}

/// SARIF gate settings; at least one bound in `max-level` or `max-severity`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a sarif gate mapping (paths, max-level, max-severity)"
)]
#[schemars(extend("anyOf" = [ { "required": ["max-level"] }, { "required": ["max-severity"] } ]))]
#[schemars(rename = "Sarif")]
pub(crate) struct RawSarif {
    /// Glob pattern(s) of SARIF files, read as a union: a pattern matching nothing is a warning
    /// while another matched; no file at all fails the gate.
    pub(crate) paths: Paths,
    /// Maximum number of results per SARIF `level`.
    pub(crate) max_level: Option<RawLevelBounds>,
    /// Maximum number of results per `properties.security-severity` bucket.
    pub(crate) max_severity: Option<RawSeverityBounds>,
}

/// Maximum result counts per SARIF level.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a mapping of SARIF levels (error, warning, note) to maximum counts"
)]
#[schemars(rename = "LevelBounds")]
pub(crate) struct RawLevelBounds {
    /// Maximum `error` results.
    pub(crate) error: Option<u64>,
    /// Maximum `warning` results.
    pub(crate) warning: Option<u64>,
    /// Maximum `note` results.
    pub(crate) note: Option<u64>,
}

/// Maximum result counts per security-severity bucket (CVSS-style score in
/// `properties.security-severity`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a mapping of severities (critical, high, medium, low) to maximum counts"
)]
#[schemars(rename = "SeverityBounds")]
pub(crate) struct RawSeverityBounds {
    /// Maximum critical results (score ≥ 9.0).
    pub(crate) critical: Option<u64>,
    /// Maximum high results (7.0–8.9).
    pub(crate) high: Option<u64>,
    /// Maximum medium results (4.0–6.9).
    pub(crate) medium: Option<u64>,
    /// Maximum low results (0.1–3.9).
    pub(crate) low: Option<u64>,
}

/// Checks gate settings.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a checks gate mapping (required, allow-neutral, allow-skipped)"
)]
#[schemars(rename = "Checks")]
pub(crate) struct RawChecks {
    /// Names of check runs on the commit that must have concluded `success`.
    #[schemars(length(min = 1))]
    pub(crate) required: Vec<String>,
    /// Count a `neutral` conclusion as success. Default false.
    #[serde(default)]
    pub(crate) allow_neutral: bool,
    /// Count a `skipped` conclusion as success. Default false.
    #[serde(default)]
    pub(crate) allow_skipped: bool,
}

/// Benchmark gate settings.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a benchmark gate mapping (path, metric, max)"
)]
#[schemars(rename = "Benchmark")]
pub(crate) struct RawBenchmark {
    /// Benchmark report (hyperfine JSON, pytest-benchmark JSON or k6 summary; detected).
    pub(crate) path: String,
    /// Metric to compare: `mean`, `median`, `p95`, … (the worst over the report's benchmarks,
    /// for hyperfine and pytest-benchmark). For k6 name the metric and its stat,
    /// `http_req_duration:p95` (a tagged sub-metric works too,
    /// `http_req_duration{expected_response:true}:p95`); a bare stat that several k6 trends
    /// have is refused naming them. Default `mean`.
    #[serde(default = "default_mean")]
    pub(crate) metric: String,
    /// Maximum value of the metric, in seconds for hyperfine and pytest-benchmark, in the
    /// tool's unit (milliseconds) for k6.
    #[schemars(range(min = 0))]
    pub(crate) max: f64,
}

/// JSON gate settings; at least one of `max`, `min`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a json gate mapping (path, pointer, max, min)"
)]
#[schemars(extend("anyOf" = [ { "required": ["max"] }, { "required": ["min"] } ]))]
#[schemars(rename = "Json")]
pub(crate) struct RawJson {
    /// JSON file to read.
    pub(crate) path: String,
    /// RFC 6901 JSON pointer to a number, e.g. `/metrics/http_req_failed/rate` (`""` = the whole
    /// document).
    #[schemars(regex(pattern = r"^(/.*)?$"))]
    pub(crate) pointer: String,
    /// Maximum allowed value (inclusive).
    pub(crate) max: Option<f64>,
    /// Minimum allowed value (inclusive).
    pub(crate) min: Option<f64>,
}

/// Integrity gate settings.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "an integrity gate mapping (files), or `{}`"
)]
#[schemars(rename = "Integrity")]
pub(crate) struct RawIntegrity {
    /// Glob pattern(s) of local files whose sha256 must match an artifact of the version.
    #[serde(default)]
    pub(crate) files: Paths,
}

/// Evidence gate settings; at least one of `required`, `where`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "an evidence gate mapping (required, signed-by, identity, allow-unverified, records, where)"
)]
#[schemars(extend("anyOf" = [ { "required": ["required"] }, { "required": ["where"] } ]))]
#[schemars(rename = "Evidence")]
pub(crate) struct RawEvidence {
    /// Predicate types (e.g. `https://in-toto.io/attestation/test-result/v0.1`) that must be
    /// present as evidence on the version. A type named only in `where` is required too.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub(crate) required: Vec<String>,
    /// PEM public keys (workspace-relative paths, no `..`): each required record's DSSE
    /// signature must verify with one of them. Without it, JFrog's own `verified` must be true.
    #[serde(default)]
    pub(crate) signed_by: Vec<String>,
    /// Who must have signed a record that is a Sigstore bundle (GitHub artifact attestation,
    /// cosign keyless), verified offline as the `attestations` gate does. Without it such a
    /// record is "unverifiable here" unless `allow-unverified`.
    pub(crate) identity: Option<crate::sigstore::Identity>,
    /// Accept a record by its presence alone, unverified (the summary says so). Default false.
    #[serde(default)]
    pub(crate) allow_unverified: bool,
    /// Which records of a type the `where` conditions judge: `newest` (default: the newest
    /// record that verifies decides, older ones are ignored) or `any` (one record that verifies
    /// and meets every condition of its type suffices).
    #[serde(default)]
    pub(crate) records: crate::policy::RecordsRule,
    /// Conditions on what the evidence says: a value in a record's predicate vs a bound.
    #[serde(default, rename = "where")]
    pub(crate) conditions: Vec<RawWhere>,
}

/// One `where` condition: the value at `pointer` in the predicate of the record of
/// `predicate-type` must be ≥ `min` and/or ≤ `max`, or equal `equals`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a where condition mapping (predicate-type, pointer, min, max, equals)"
)]
#[schemars(extend("oneOf" = [
    { "anyOf": [ { "required": ["min"] }, { "required": ["max"] } ], "not": { "required": ["equals"] } },
    { "required": ["equals"], "not": { "anyOf": [ { "required": ["min"] }, { "required": ["max"] } ] } },
]))]
#[schemars(rename = "EvidenceWhere")]
pub(crate) struct RawWhere {
    /// Predicate type of the record whose predicate is read.
    #[schemars(length(min = 1))]
    pub(crate) predicate_type: String,
    /// RFC 6901 JSON pointer into the predicate, e.g. `/summary/critical` (`""` = the whole
    /// predicate).
    #[schemars(regex(pattern = r"^(/([^~]|~[01])*)*$"))]
    pub(crate) pointer: String,
    /// Smallest allowed number (inclusive); may be combined with `max`.
    pub(crate) min: Option<f64>,
    /// Largest allowed number (inclusive); may be combined with `min`.
    pub(crate) max: Option<f64>,
    /// The exact value required: a string, number, boolean or null.
    #[schemars(schema_with = "scalar_schema")]
    #[serde(default, deserialize_with = "scalar")]
    pub(crate) equals: Option<serde_json::Value>,
}

/// Schema of a JSON scalar (for `equals`).
fn scalar_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": ["string", "number", "boolean", "null"] })
}

/// Deserializes a present `equals` (even `null`) as `Some`.
fn scalar<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(Some)
}
