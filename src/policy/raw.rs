//! Serde view of the policy file, exactly as written.
//!
//! These structs mirror the YAML one to one (kebab-case keys, unknown keys rejected) so that
//! `yaml_serde` reports syntax, type and unknown-key errors with positions, and so that the
//! JSON Schema shipped for editors is generated from the same definitions (`///` docs become
//! schema descriptions). Semantic checks happen afterwards in `validate/`; each gate kind's
//! settings live in `raw_gates.rs`.

use std::fmt;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};

use super::raw_attestations::RawAttestations;
use super::raw_gates::{
    RawBenchmark, RawChecks, RawCoverage, RawEvidence, RawIntegrity, RawJson, RawJunit, RawSarif,
    default_one, default_true,
};
use super::raw_health::{OnVerifyFailure, RawBake, RawHealth, RawPrometheus};
use super::windows::{OnWindowClosed, Weekday};

// The top level is read key by key (`assemble.rs`, which also accepts the `x-` keys); this
// derive serves the JSON Schema and the error for a document that is not a mapping.
/// Promotion policy for `bookverse/promote-action` (`.github/promotion-policy.yml`): quality
/// gates, approvals, promotion windows and freezes per lifecycle stage. Top-level keys starting
/// with `x-` are ignored: a place for YAML anchors (`x-unit-tests: &unit-tests { … }`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a policy mapping with `version: 1` and `stages`"
)]
#[schemars(title = "promote-action promotion policy")]
#[schemars(rename = "PromotionPolicy")]
#[schemars(extend("patternProperties" = { "^x-": {} }))]
#[expect(
    dead_code,
    reason = "read piece by piece by `assemble.rs`; the whole struct only types errors and the schema"
)]
pub(crate) struct RawPolicy {
    /// Policy format version. Must be `1`.
    #[schemars(range(min = 1, max = 1))]
    pub(crate) version: u64,
    /// Stop the line: while an OPEN issue in the repository carries this label, every promote
    /// and release is blocked (rollbacks never are).
    pub(crate) emergency_stop: Option<RawEmergencyStop>,
    /// Policy per stage. Keys are stage display names (`QA`) or full names (`bookverse-QA`),
    /// in any case; each stage may appear once.
    #[serde(default)]
    pub(crate) stages: RawStages,
    /// One policy for many applications: per application key (as in the `application` input),
    /// stage entries that override or extend `stages`. For a stage in both, each key the
    /// application writes replaces the shared one (`gates`, `windows`, `freezes` as a whole
    /// list); keys it does not write are inherited; `null` removes an inherited key. Stages
    /// only the application names are added; an application not listed uses `stages` as is.
    #[serde(default)]
    pub(crate) applications: std::collections::BTreeMap<String, RawApplication>,
}

/// One application's entry under `applications`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "an application mapping (stages)"
)]
#[schemars(rename = "Application")]
#[expect(
    dead_code,
    reason = "read piece by piece by `assemble.rs`; the whole struct only types errors and the schema"
)]
pub(crate) struct RawApplication {
    /// Stage entries of this application, keyed like `stages`; each overrides (key by key) or
    /// adds to the shared stage of the same name.
    #[serde(default)]
    pub(crate) stages: RawStages,
}

/// The `stages` mapping, in file order; duplicate keys (also differing only in case) are errors.
#[derive(Debug, Clone, Default)]
#[expect(
    dead_code,
    reason = "stages are read one by one by `assemble.rs`; this type checks keys and types errors"
)]
pub(crate) struct RawStages(
    /// (stage key as written, stage policy) pairs.
    pub(crate) Vec<(String, RawStage)>,
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
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a stage policy mapping (gates, approvals, windows, freezes, on-window-closed, hotfix)"
)]
#[schemars(rename = "Stage")]
pub(crate) struct RawStage {
    /// Quality gates evaluated in order; all must pass (`null` or absent: none; in an
    /// application's entry, `null` removes the shared gates). Each item has an optional `name` and
    /// exactly one kind key (`tests`, `junit`, `coverage`, `sarif`, `checks`, `benchmark`, `json`,
    /// `integrity`, `evidence`, `attestations`, `bake`, `prometheus`, `health`).
    #[serde(default)]
    #[schemars(extend("type" = ["array", "null"]))]
    pub(crate) gates: Vec<RawGate>,
    /// Approvals required from the GitHub environment's reviewers.
    pub(crate) approvals: Option<RawApprovals>,
    /// Promotion windows. When present, promotion happens only while one is open. A window does
    /// not cross midnight: write an overnight window as two windows.
    #[serde(default)]
    #[schemars(extend("type" = ["array", "null"]))]
    pub(crate) windows: Vec<RawWindow>,
    /// Freeze periods during which promotion into this stage is blocked (they win over windows).
    #[serde(default)]
    #[schemars(extend("type" = ["array", "null"]))]
    pub(crate) freezes: Vec<RawFreeze>,
    /// What a scheduled run does when no window is open: `defer` (exit 0, result=deferred) or
    /// `fail` (blocked, exit 1). Default `fail`.
    pub(crate) on_window_closed: Option<OnWindowClosed>,
    /// What a hotfix promotion (`hotfix: true`) may bypass.
    pub(crate) hotfix: Option<RawHotfix>,
    /// After promoting into this stage, watch it with `prometheus` / `health` gates and roll
    /// the version back out of it when one fails.
    pub(crate) verify: Option<RawVerify>,
}

/// One quality gate: an optional `name` and exactly one kind key.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a gate mapping with an optional `name` and one kind key (tests, junit, coverage, sarif, checks, benchmark, json, integrity, evidence, attestations, bake, prometheus, health)"
)]
#[schemars(extend("oneOf" = [
    { "required": ["tests"] },
    { "required": ["junit"] },
    { "required": ["coverage"] },
    { "required": ["sarif"] },
    { "required": ["checks"] },
    { "required": ["benchmark"] },
    { "required": ["json"] },
    { "required": ["integrity"] },
    { "required": ["evidence"] },
    { "required": ["attestations"] },
    { "required": ["bake"] },
    { "required": ["prometheus"] },
    { "required": ["health"] },
]))]
#[schemars(rename = "Gate")]
pub(crate) struct RawGate {
    /// Gate name shown in outputs and summaries; must be unique in the stage. Default: the kind
    /// (`tests`, then `tests #2`, …).
    pub(crate) name: Option<String>,
    /// Test result reports, format detected from each file's content (JUnit dialects, TRX,
    /// NUnit, xUnit.net, Go test JSON, mocha, RSpec, Dart/Flutter JSON).
    #[serde(default, deserialize_with = "present")]
    pub(crate) tests: Option<RawJunit>,
    /// JUnit XML test reports: the `tests` gate under its older name.
    #[serde(default, deserialize_with = "present")]
    pub(crate) junit: Option<RawJunit>,
    /// Coverage report (cobertura, lcov or jacoco; detected).
    #[serde(default, deserialize_with = "present")]
    pub(crate) coverage: Option<RawCoverage>,
    /// SARIF static-analysis reports.
    #[serde(default, deserialize_with = "present")]
    pub(crate) sarif: Option<RawSarif>,
    /// GitHub check runs on the commit.
    #[serde(default, deserialize_with = "present")]
    pub(crate) checks: Option<RawChecks>,
    /// Benchmark report (hyperfine, pytest-benchmark or k6 summary; detected).
    #[serde(default, deserialize_with = "present")]
    pub(crate) benchmark: Option<RawBenchmark>,
    /// A number in any JSON report, compared with bounds.
    #[serde(default, deserialize_with = "present")]
    pub(crate) json: Option<RawJson>,
    /// AppTrust version content integrity (status COMPLETED, sha256 on every artifact, optional
    /// local files matched).
    #[serde(default, deserialize_with = "present")]
    pub(crate) integrity: Option<RawIntegrity>,
    /// Evidence (attestations) required on the AppTrust version.
    #[serde(default, deserialize_with = "present")]
    pub(crate) evidence: Option<RawEvidence>,
    /// Who built it: Sigstore bundles (GitHub artifact attestations) verified offline with an
    /// identity policy, for every artifact of the version or among its evidence.
    #[serde(default, deserialize_with = "present")]
    pub(crate) attestations: Option<RawAttestations>,
    /// Bake time: how long the version has been in the stage before this one.
    #[serde(default, deserialize_with = "present")]
    pub(crate) bake: Option<RawBake>,
    /// A PromQL instant query against a Prometheus-compatible API, compared with bounds.
    #[serde(default, deserialize_with = "present")]
    pub(crate) prometheus: Option<RawPrometheus>,
    /// An HTTP(S) health endpoint: its status and, optionally, a value in its JSON body.
    #[serde(default, deserialize_with = "present")]
    pub(crate) health: Option<RawHealth>,
}

/// Deserializes a key that is present as `Some`, even when its value is empty (`integrity:`).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: de::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// Required approvals.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "an approvals mapping (environment, min, forbid-self-approval)"
)]
#[schemars(rename = "Approvals")]
pub(crate) struct RawApprovals {
    /// GitHub environment (with required reviewers) whose approvals of this run count.
    #[schemars(length(min = 1))]
    pub(crate) environment: String,
    /// Minimum number of distinct approvers, 1–10. Default 1.
    #[serde(default = "default_one")]
    #[schemars(range(min = 1, max = 10))]
    pub(crate) min: u64,
    /// The actor who triggered the run does not count as an approver. Default true.
    #[serde(default = "default_true")]
    pub(crate) forbid_self_approval: bool,
}

/// A promotion window: weekly (`days`, `start`, `end`, `timezone`) or a calendar recurrence
/// (`rrule`, `duration`, `timezone`, optional `dtstart`). A weekly window does not cross
/// midnight: write an overnight window as two windows (`22:00`–`24:00`, then `00:00`–`06:00`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a window mapping (days, start, end, timezone) or (rrule, duration, timezone)"
)]
#[schemars(extend("oneOf" = [
    { "required": ["days", "start", "end"], "not": { "anyOf": [ { "required": ["rrule"] }, { "required": ["duration"] }, { "required": ["dtstart"] }, { "required": ["exdate"] } ] } },
    { "required": ["rrule", "duration"], "not": { "anyOf": [ { "required": ["days"] }, { "required": ["start"] }, { "required": ["end"] } ] } },
]))]
#[schemars(rename = "Window")]
pub(crate) struct RawWindow {
    /// Weekly window: days of the week on which it opens (`mon` … `sun`), no duplicates.
    #[schemars(length(min = 1))]
    pub(crate) days: Option<Vec<Weekday>>,
    /// Weekly window: opening time, `HH:MM` 24-hour wall clock in `timezone` (inclusive).
    /// Quote it in YAML.
    #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub(crate) start: Option<String>,
    /// Weekly window: closing time, `HH:MM` (exclusive), later than `start`; `24:00` = end of
    /// the day.
    #[schemars(regex(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"))]
    pub(crate) end: Option<String>,
    /// IANA time zone, e.g. `America/New_York`, `Europe/London`, `UTC`.
    #[schemars(length(min = 1))]
    pub(crate) timezone: String,
    /// RFC 5545 recurrence rule saying when each opening starts, e.g.
    /// `FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10`. Every RFC 5545 part: FREQ (SECONDLY to YEARLY),
    /// INTERVAL, COUNT, UNTIL, BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY, BYHOUR,
    /// BYMINUTE, BYSECOND, BYSETPOS, WKST; at most 96 starts a day.
    #[schemars(length(min = 1))]
    pub(crate) rrule: Option<String>,
    /// How long each opening lasts, e.g. `4h`, `30m`, `1h30m`, `24h` or ISO 8601 `PT4H`; added
    /// to the wall-clock start time. Required with `rrule`.
    #[schemars(length(min = 1))]
    pub(crate) duration: Option<String>,
    /// Anchor of the rule (RFC 5545 DTSTART): a wall-clock date-time in `timezone` without
    /// offset, e.g. `2026-01-05T09:00`. Default 1970-01-01T00:00; required with COUNT,
    /// INTERVAL > 1, or FREQ=WEEKLY without BYDAY. Days and times the rule does not give come
    /// from it.
    #[schemars(length(min = 1))]
    pub(crate) dtstart: Option<String>,
    /// Occurrences to leave out (RFC 5545 EXDATE), wall clock in `timezone` without offset:
    /// `2026-12-25T10:00` removes the occurrence starting then, `2026-12-25` every occurrence
    /// starting that day. At most 1000.
    #[schemars(length(min = 1, max = 1000))]
    pub(crate) exdate: Option<Vec<String>>,
}

/// A freeze: fixed (`from`, `to`), recurring (`rrule`, `duration`, `timezone`, optional
/// `dtstart`, `exdate`), each with a `reason`; or every event of an iCalendar file (`ics`,
/// optional `timezone` and `reason`). No promotion into the stage while it is in force.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a freeze mapping (from, to, reason), (rrule, duration, timezone, reason) or (ics)"
)]
#[schemars(extend("oneOf" = [
    { "required": ["from", "to", "reason"], "not": { "anyOf": [ { "required": ["rrule"] }, { "required": ["duration"] }, { "required": ["dtstart"] }, { "required": ["exdate"] }, { "required": ["timezone"] }, { "required": ["ics"] } ] } },
    { "required": ["rrule", "duration", "timezone", "reason"], "not": { "anyOf": [ { "required": ["from"] }, { "required": ["to"] }, { "required": ["ics"] } ] } },
    { "required": ["ics"], "not": { "anyOf": [ { "required": ["from"] }, { "required": ["to"] }, { "required": ["rrule"] }, { "required": ["duration"] }, { "required": ["dtstart"] }, { "required": ["exdate"] } ] } },
]))]
#[schemars(rename = "Freeze")]
pub(crate) struct RawFreeze {
    /// Fixed freeze: start, an RFC 3339 timestamp with offset, e.g. `2026-12-20T00:00:00Z`.
    #[schemars(extend("format" = "date-time"))]
    pub(crate) from: Option<String>,
    /// Fixed freeze: end (exclusive), an RFC 3339 timestamp later than `from`.
    #[schemars(extend("format" = "date-time"))]
    pub(crate) to: Option<String>,
    /// Recurring freeze: IANA time zone of the rule's wall-clock times. Calendar freeze: the
    /// zone whose days all-day events cover and in which floating times are read (default: the
    /// calendar's `X-WR-TIMEZONE`).
    #[schemars(length(min = 1))]
    pub(crate) timezone: Option<String>,
    /// RFC 5545 recurrence rule saying when each freeze starts, e.g. `FREQ=MONTHLY;BYDAY=-1FR`.
    /// Every RFC 5545 part (as for windows); at most 96 starts a day.
    #[schemars(length(min = 1))]
    pub(crate) rrule: Option<String>,
    /// How long each freeze lasts, e.g. `4h`, `30m`, `1h30m`, `24h` or ISO 8601 `PT4H`; added
    /// to the wall-clock start time. Required with `rrule`.
    #[schemars(length(min = 1))]
    pub(crate) duration: Option<String>,
    /// Anchor of the rule (RFC 5545 DTSTART): a wall-clock date-time in `timezone` without
    /// offset, e.g. `2026-01-05T09:00`. Default 1970-01-01T00:00; required with COUNT,
    /// INTERVAL > 1, or FREQ=WEEKLY without BYDAY. Days and times the rule does not give come
    /// from it.
    #[schemars(length(min = 1))]
    pub(crate) dtstart: Option<String>,
    /// Occurrences to leave out (RFC 5545 EXDATE), wall clock in `timezone` without offset:
    /// `2026-12-25T10:00` removes the occurrence starting then, `2026-12-25` every occurrence
    /// starting that day. At most 1000.
    #[schemars(length(min = 1, max = 1000))]
    pub(crate) exdate: Option<Vec<String>>,
    /// Calendar freeze: an iCalendar (`.ics`) file in the workspace, e.g.
    /// `.github/holidays.ics`; every event (VEVENT) is a freeze, its SUMMARY the reason. Read
    /// when the action runs (and by `validate` when the file exists).
    #[schemars(length(min = 1))]
    pub(crate) ics: Option<String>,
    /// Why promotion is frozen; shown in the summary and errors. Required for fixed and
    /// recurring freezes; for a calendar freeze, an optional prefix to each event's SUMMARY.
    #[schemars(length(min = 1))]
    pub(crate) reason: Option<String>,
}

/// The stop-the-line switch.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "an emergency-stop mapping (label)"
)]
#[schemars(rename = "EmergencyStop")]
pub(crate) struct RawEmergencyStop {
    /// Label of an open issue that stops every promote and release, e.g. `promotion-freeze`.
    #[schemars(length(min = 1))]
    pub(crate) label: String,
}

/// Hotfix settings.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a hotfix mapping (skip)"
)]
#[schemars(rename = "Hotfix")]
pub(crate) struct RawHotfix {
    /// What a hotfix may bypass: `windows`, `freezes`, `approvals`, `emergency-stop`, or the
    /// name of a gate of this stage (quote names containing ` #`, such as the default `"junit #2"`).
    #[serde(default)]
    pub(crate) skip: Vec<String>,
}

/// After promoting into this stage, watch it: every `every` until `for` has passed, evaluate
/// `gates`; the first failure rolls the version back out of the stage (`on-failure: rollback`)
/// or is only reported (`report`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a verify mapping (for, every, gates, on-failure)"
)]
#[schemars(rename = "Verify")]
pub(crate) struct RawVerify {
    /// How long to watch after the promotion, e.g. `10m`. The job must outlive it (GitHub
    /// ends a job after 6 h, or its `timeout-minutes`).
    #[serde(rename = "for")]
    #[schemars(length(min = 1))]
    pub(crate) watch_for: String,
    /// Time between two evaluations, e.g. `1m`; at most `for`. Default `1m`.
    #[serde(default = "default_every")]
    #[schemars(length(min = 1))]
    pub(crate) every: String,
    /// `prometheus` and `health` gates evaluated at each check.
    #[schemars(length(min = 1))]
    pub(crate) gates: Vec<RawGate>,
    /// What a failed check does: `rollback` (roll the version back out of the stage; result
    /// `reverted`, exit 1) or `report` (say so, keep the version). Default `rollback`.
    #[serde(default)]
    pub(crate) on_failure: OnVerifyFailure,
}

/// Serde default: one minute.
fn default_every() -> String {
    "1m".to_string()
}
