//! Validated policy types.
//!
//! These are what the rest of the action works with: every value has been checked (ranges,
//! formats, time zones, cross-references such as `hotfix.skip` → gate names), defaults are
//! filled in and gate names are unique within a stage. They are built only by
//! [`crate::policy::parse`] (or the constructors here), never deserialized directly.

use std::time::Duration;

use serde::Serialize;

pub(crate) use super::condition::ConditionCheck;
use super::model_health::{HealthGate, OnVerifyFailure, PrometheusGate, ser_duration};
use super::windows::{Freeze, OnWindowClosed, Window};

/// A parsed and validated `.github/promotion-policy.yml`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    /// Name of the file the policy came from (as given to `parse`), used in later errors.
    pub(crate) source_name: String,
    /// Policy format version (always 1).
    pub(crate) version: u32,
    /// The stop-the-line switch: an open issue with this label blocks promotions.
    pub(crate) emergency_stop: Option<EmergencyStop>,
    /// Per-stage policies, in file order: the shared `stages`, or — after
    /// [`Policy::select_application`] — that application's effective stages.
    pub(crate) stages: Vec<StagePolicy>,
    /// `applications`: each application's effective stages (shared ones merged with its own
    /// entries), in file order.
    pub(crate) applications: Vec<ApplicationPolicy>,
    /// The application whose stages [`Policy::stages`] holds, when one was selected.
    pub(crate) application: Option<String>,
    /// Likely mistakes that are not errors (stage names that look like misspellings).
    #[serde(skip)]
    pub(crate) warnings: Vec<super::PolicyError>,
}

/// One entry of `applications`, merged over the shared stages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ApplicationPolicy {
    /// The application key as written.
    pub(crate) key: String,
    /// 1-based line of the key in the file.
    pub(crate) line: usize,
    /// 1-based column of the key in the file.
    pub(crate) column: usize,
    /// The application's effective stages.
    pub(crate) stages: Vec<StagePolicy>,
}

impl Policy {
    /// Makes [`Policy::stages`] the stages of `application` (the `application` input): its own
    /// entry under `applications` (the key as written, else without regard to case), or the
    /// shared stages when it has none. Returns a warning when it has none but a key nearly
    /// matches (a misspelt application key would silently fall back to the shared stages).
    pub(crate) fn select_application(&mut self, application: &str) -> Option<String> {
        let wanted = application.trim();
        let found = self
            .applications
            .iter()
            .find(|a| a.key == wanted)
            .or_else(|| {
                self.applications
                    .iter()
                    .find(|a| a.key.eq_ignore_ascii_case(wanted))
            });
        if let Some(app) = found {
            self.stages = app.stages.clone();
            self.application = Some(app.key.clone());
            return None;
        }
        let near = super::error::closest(wanted, self.applications.iter().map(|a| a.key.as_str()))?;
        Some(format!(
            "{}: `applications` has no entry for application `{wanted}`, so the shared `stages` apply; did you mean `{near}`? Rename the entry if it is meant for this application.",
            self.source_name
        ))
    }
}

/// `emergency-stop`: while an open issue in the repository carries `label`, every promote and
/// release is blocked (rollbacks are not; a hotfix only if `hotfix.skip` lists
/// `emergency-stop`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct EmergencyStop {
    /// The issue label that stops the line (non-empty, trimmed).
    pub(crate) label: String,
}

/// The policy for one stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct StagePolicy {
    /// The stage key as written in the file (`QA`, `bookverse-qa`, `PROD`).
    pub(crate) key: String,
    /// The key in normalized form (ASCII lowercase, trimmed), for case-insensitive comparison.
    pub(crate) normalized_key: String,
    /// The full API stage name (`bookverse-QA`), once [`Policy::resolve_stages`] has run.
    pub(crate) full_name: Option<String>,
    /// 1-based line of the stage key in the file.
    pub(crate) line: usize,
    /// 1-based column of the stage key in the file.
    pub(crate) column: usize,
    /// Key path of the stage entry (`stages.QA`, `applications.web.stages.QA`), for errors.
    pub(crate) path: String,
    /// Quality gates, in file order, with unique names.
    pub(crate) gates: Vec<Gate>,
    /// Required approvals, if any.
    pub(crate) approvals: Option<Approvals>,
    /// Promotion windows; empty means "always open".
    pub(crate) windows: Vec<Window>,
    /// Freeze periods during which the stage cannot be promoted to.
    pub(crate) freezes: Vec<Freeze>,
    /// What a scheduled run does outside every window.
    pub(crate) on_window_closed: OnWindowClosed,
    /// What a hotfix promotion may bypass: `windows`, `freezes`, `approvals`, `emergency-stop`
    /// or gate names.
    pub(crate) hotfix_skip: Vec<String>,
    /// The watch after a promotion into this stage, if any.
    pub(crate) verify: Option<Verify>,
}

impl StagePolicy {
    /// Whether a hotfix promotion may skip `what` (`windows`, `freezes`, `approvals`,
    /// `emergency-stop` or a gate name).
    pub(crate) fn hotfix_skips(&self, what: &str) -> bool {
        self.hotfix_skip.iter().any(|s| s == what)
    }
}

/// One quality gate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Gate {
    /// Gate name: as written, or derived from the kind (`tests`, `junit`, `junit #2`, …).
    pub(crate) name: String,
    /// What the gate checks.
    pub(crate) spec: GateSpec,
}

/// The kind of a gate and its validated settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum GateSpec {
    /// Test result reports (`tests:`, or `junit:` its older name): failures + errors at most
    /// `max_failures`, at least `min_tests` tests.
    Junit {
        /// Which key the policy used (decides [`GateSpec::kind`]).
        key: TestsKey,
        /// Glob patterns of report files.
        paths: Vec<String>,
        /// Maximum failures + errors.
        max_failures: u64,
        /// Minimum number of tests.
        min_tests: u64,
        /// `max-new-failures`: regressions only, against the version now in the stage.
        max_new_failures: Option<u64>,
        /// `quarantine`: tests that may fail without failing the gate.
        quarantine: Vec<Quarantine>,
    },
    /// A coverage report (cobertura, lcov or jacoco) with minimum percentages.
    Coverage {
        /// Report file.
        path: String,
        /// Minimum line coverage, percent.
        min_line: Option<f64>,
        /// Minimum branch coverage, percent.
        min_branch: Option<f64>,
    },
    /// SARIF reports: maximum result counts per level and per security severity.
    Sarif {
        /// Glob patterns of report files.
        paths: Vec<String>,
        /// Maximum results per SARIF level.
        max_level: LevelBounds,
        /// Maximum results per `security-severity` bucket.
        max_severity: SeverityBounds,
    },
    /// GitHub check runs on the commit.
    Checks {
        /// Names of check runs that must have succeeded.
        required: Vec<String>,
        /// Whether a `neutral` conclusion counts as success.
        allow_neutral: bool,
        /// Whether a `skipped` conclusion counts as success.
        allow_skipped: bool,
    },
    /// A benchmark report (hyperfine, pytest-benchmark, k6 summary).
    Benchmark {
        /// Report file.
        path: String,
        /// Metric to compare (`mean`, `p95`, `median`, …).
        metric: String,
        /// Maximum value of the metric.
        max: f64,
    },
    /// A number at a JSON pointer in any JSON file.
    Json {
        /// Report file.
        path: String,
        /// RFC 6901 JSON pointer (`""` is the whole document).
        pointer: String,
        /// Maximum allowed value.
        max: Option<f64>,
        /// Minimum allowed value.
        min: Option<f64>,
    },
    /// AppTrust version content integrity, optionally matched against local files.
    Integrity {
        /// Glob patterns of local files whose sha256 must match the version content.
        files: Vec<String>,
    },
    /// Required evidence (attestation predicate types) on the AppTrust version.
    Evidence {
        /// Predicate types that must be present: those listed under `required`, then those
        /// named by a `where` condition but not listed (a condition needs its record).
        required: Vec<String>,
        /// Workspace-relative PEM public keys (`signed-by`); a required record's DSSE
        /// signature must verify with one of them. Empty = JFrog's `verified` must be true.
        signed_by: Vec<String>,
        /// `allow-unverified`: presence of a record is enough.
        allow_unverified: bool,
        /// `where` conditions on the predicates, in file order.
        conditions: Vec<EvidenceCondition>,
        /// `records`: which records of a type the `where` conditions judge.
        records: RecordsRule,
        /// `identity`: who must have signed a Sigstore-bundle record (validated).
        identity: Option<crate::sigstore::Identity>,
    },
    /// Who built it: Sigstore bundles verified offline against an identity policy.
    Attestations {
        /// The in-toto predicate type every bundle's statement must have.
        predicate_type: String,
        /// Where the bundles come from.
        subjects: super::AttestationSubjects,
        /// Who must have signed (validated).
        identity: crate::sigstore::Identity,
        /// Workspace-relative trusted-root file; `None` = the roots built into the binary.
        trusted_root: Option<String>,
    },
    /// Bake time: the version has been in the stage before this one at least `min`.
    Bake {
        /// Shortest time in the stage before.
        #[serde(serialize_with = "ser_duration")]
        min: std::time::Duration,
    },
    /// A PromQL instant query whose scalar, or every series, lies within the bounds.
    Prometheus(PrometheusGate),
    /// An HTTP(S) GET answering the expected status, optionally with a value in its JSON body.
    Health(HealthGate),
}

/// Which records of a predicate type an evidence gate's `where` conditions judge.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RecordsRule {
    /// The newest record that verifies decides (by JFrog's `createdAt`); older ones are ignored
    /// and the summary says so. A later scan that found problems is never outvoted by an
    /// earlier clean one.
    #[default]
    Newest,
    /// Any record that verifies and meets every condition of its type suffices.
    Any,
}

impl GateSpec {
    /// The gate kind as written in the policy file (`tests`, `junit`, `coverage`, …).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            GateSpec::Junit {
                key: TestsKey::Tests,
                ..
            } => "tests",
            GateSpec::Junit { .. } => "junit",
            GateSpec::Coverage { .. } => "coverage",
            GateSpec::Sarif { .. } => "sarif",
            GateSpec::Checks { .. } => "checks",
            GateSpec::Benchmark { .. } => "benchmark",
            GateSpec::Json { .. } => "json",
            GateSpec::Integrity { .. } => "integrity",
            GateSpec::Evidence { .. } => "evidence",
            GateSpec::Attestations { .. } => "attestations",
            GateSpec::Bake { .. } => "bake",
            GateSpec::Prometheus(_) => "prometheus",
            GateSpec::Health(_) => "health",
        }
    }
}

/// One `quarantine` entry of a tests gate, validated: the glob compiles, `until` is a date,
/// `reason` is not empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Quarantine {
    /// Glob on the full test name (`classname::name`), as written.
    pub(crate) test: String,
    /// Last day the entry holds (UTC), `YYYY-MM-DD`.
    pub(crate) until: String,
    /// Why, and who owns the fix.
    pub(crate) reason: String,
}

impl Quarantine {
    /// The glob as a matcher: `*` crosses every separator (test names hold `::`, `.`, `/`).
    pub(crate) fn glob(&self) -> Result<globset::Glob, globset::Error> {
        globset::GlobBuilder::new(&self.test)
            .literal_separator(false)
            .backslash_escape(true)
            .build()
    }

    /// The last day the entry holds, when `until` is a date.
    pub(crate) fn last_day(&self) -> Option<jiff::civil::Date> {
        self.until.trim().parse().ok()
    }

    /// Whether the entry no longer holds at `now` (the day after `until`, UTC, has begun).
    pub(crate) fn expired(&self, now: jiff::Timestamp) -> bool {
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        self.last_day().is_none_or(|last| today > last)
    }
}

/// Which key a test-results gate was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum TestsKey {
    /// `tests:` (format detected from each file's content).
    Tests,
    /// `junit:`, the older name of the same gate.
    Junit,
}

/// One `where` condition of an evidence gate: the value at `pointer` in the predicate of the
/// `predicate_type` record must satisfy `check`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct EvidenceCondition {
    /// The record's predicate type.
    pub(crate) predicate_type: String,
    /// RFC 6901 pointer into the predicate (`""` = the whole predicate).
    pub(crate) pointer: String,
    /// What the value must be.
    pub(crate) check: ConditionCheck,
}

/// Maximum SARIF result counts per level; `None` = unbounded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct LevelBounds {
    /// Maximum `error` results.
    pub(crate) error: Option<u64>,
    /// Maximum `warning` results.
    pub(crate) warning: Option<u64>,
    /// Maximum `note` results.
    pub(crate) note: Option<u64>,
}

/// Maximum SARIF result counts per security-severity bucket; `None` = unbounded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct SeverityBounds {
    /// Maximum critical results (security-severity ≥ 9.0).
    pub(crate) critical: Option<u64>,
    /// Maximum high results (7.0–8.9).
    pub(crate) high: Option<u64>,
    /// Maximum medium results (4.0–6.9).
    pub(crate) medium: Option<u64>,
    /// Maximum low results (0.1–3.9).
    pub(crate) low: Option<u64>,
}

/// Required approvals of the run's environment gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Approvals {
    /// GitHub environment whose deployment-protection approvals count.
    pub(crate) environment: String,
    /// Minimum number of distinct approvers (1–10).
    pub(crate) min: u32,
    /// Whether the actor who triggered the run is excluded from the count.
    pub(crate) forbid_self_approval: bool,
}

/// `verify`: after a promotion into the stage, evaluate `gates` every `every` until `watch_for`
/// has passed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Verify {
    /// How long to watch.
    #[serde(rename = "for", serialize_with = "ser_duration")]
    pub(crate) watch_for: Duration,
    /// Time between checks (at most `watch_for`).
    #[serde(serialize_with = "ser_duration")]
    pub(crate) every: Duration,
    /// `prometheus` and `health` gates, with unique names.
    pub(crate) gates: Vec<Gate>,
    /// What a failed check does.
    pub(crate) on_failure: OnVerifyFailure,
}

impl Verify {
    /// How many checks a full watch makes: one every `every` from the promotion, the last at
    /// `watch_for` (so `for: 10m, every: 1m` checks at 1 m … 10 m).
    pub(crate) fn checks(&self) -> u64 {
        let every = self.every.as_millis().max(1);
        (self.watch_for.as_millis() / every).max(1) as u64
    }
}
