//! Validated policy types.
//!
//! These are what the rest of the action works with: every value has been checked (ranges,
//! formats, time zones, cross-references such as `hotfix.skip` → gate names), defaults are
//! filled in and gate names are unique within a stage. They are built only by
//! [`crate::policy::parse`] (or the constructors here), never deserialized directly.

use std::fmt;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Serialize, Serializer};

/// A parsed and validated `.github/promotion-policy.yml`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    /// Name of the file the policy came from (as given to `parse`), used in later errors.
    pub source_name: String,
    /// Policy format version (always 1).
    pub version: u32,
    /// Per-stage policies, in file order.
    pub stages: Vec<StagePolicy>,
}

/// The policy for one stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StagePolicy {
    /// The stage key as written in the file (`QA`, `bookverse-qa`, `PROD`).
    pub key: String,
    /// The key in normalized form (ASCII lowercase, trimmed), for case-insensitive comparison.
    pub normalized_key: String,
    /// The full API stage name (`bookverse-QA`), once [`Policy::resolve_stages`] has run.
    pub full_name: Option<String>,
    /// 1-based line of the stage key in the file.
    pub line: usize,
    /// 1-based column of the stage key in the file.
    pub column: usize,
    /// Quality gates, in file order, with unique names.
    pub gates: Vec<Gate>,
    /// Required approvals, if any.
    pub approvals: Option<Approvals>,
    /// Promotion windows; empty means "always open".
    pub windows: Vec<Window>,
    /// Freeze periods during which the stage cannot be promoted to.
    pub freezes: Vec<Freeze>,
    /// What a scheduled run does outside every window.
    pub on_window_closed: OnWindowClosed,
    /// What a hotfix promotion may bypass: `windows`, `freezes`, `approvals` or gate names.
    pub hotfix_skip: Vec<String>,
}

impl StagePolicy {
    /// Whether a hotfix promotion may skip `what` (`windows`, `freezes`, `approvals` or a gate
    /// name).
    pub fn hotfix_skips(&self, what: &str) -> bool {
        self.hotfix_skip.iter().any(|s| s == what)
    }
}

/// One quality gate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gate {
    /// Gate name: as written, or derived from the kind (`junit`, `junit #2`, …).
    pub name: String,
    /// What the gate checks.
    pub spec: GateSpec,
}

/// The kind of a gate and its validated settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum GateSpec {
    /// JUnit XML reports: failures + errors at most `max_failures`, at least `min_tests` tests.
    Junit {
        /// Glob patterns of report files.
        paths: Vec<String>,
        /// Maximum failures + errors.
        max_failures: u64,
        /// Minimum number of tests.
        min_tests: u64,
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
        /// Predicate types that must be present.
        required: Vec<String>,
    },
}

impl GateSpec {
    /// The gate kind as written in the policy file (`junit`, `coverage`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            GateSpec::Junit { .. } => "junit",
            GateSpec::Coverage { .. } => "coverage",
            GateSpec::Sarif { .. } => "sarif",
            GateSpec::Checks { .. } => "checks",
            GateSpec::Benchmark { .. } => "benchmark",
            GateSpec::Json { .. } => "json",
            GateSpec::Integrity { .. } => "integrity",
            GateSpec::Evidence { .. } => "evidence",
        }
    }
}

/// Maximum SARIF result counts per level; `None` = unbounded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LevelBounds {
    /// Maximum `error` results.
    pub error: Option<u64>,
    /// Maximum `warning` results.
    pub warning: Option<u64>,
    /// Maximum `note` results.
    pub note: Option<u64>,
}

/// Maximum SARIF result counts per security-severity bucket; `None` = unbounded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SeverityBounds {
    /// Maximum critical results (security-severity ≥ 9.0).
    pub critical: Option<u64>,
    /// Maximum high results (7.0–8.9).
    pub high: Option<u64>,
    /// Maximum medium results (4.0–6.9).
    pub medium: Option<u64>,
    /// Maximum low results (0.1–3.9).
    pub low: Option<u64>,
}

/// Required approvals of the run's environment gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approvals {
    /// GitHub environment whose deployment-protection approvals count.
    pub environment: String,
    /// Minimum number of distinct approvers (1–10).
    pub min: u32,
    /// Whether the actor who triggered the run is excluded from the count.
    pub forbid_self_approval: bool,
}

/// A day of the week, as written in `windows[].days`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// The name as written in the policy file.
    pub fn as_str(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }

    /// The matching `jiff` weekday.
    pub fn to_jiff(self) -> jiff::civil::Weekday {
        match self {
            Weekday::Mon => jiff::civil::Weekday::Monday,
            Weekday::Tue => jiff::civil::Weekday::Tuesday,
            Weekday::Wed => jiff::civil::Weekday::Wednesday,
            Weekday::Thu => jiff::civil::Weekday::Thursday,
            Weekday::Fri => jiff::civil::Weekday::Friday,
            Weekday::Sat => jiff::civil::Weekday::Saturday,
            Weekday::Sun => jiff::civil::Weekday::Sunday,
        }
    }
}

/// A wall-clock time of day with minute precision, `00:00` to `24:00` (the latter only as a
/// window end, meaning midnight at the end of the day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay {
    /// Minutes since midnight, 0–1440.
    minutes: u16,
}

impl TimeOfDay {
    /// Parses `HH:MM` (24-hour, two digits each; `24:00` allowed).
    pub fn parse(s: &str) -> Option<TimeOfDay> {
        let b = s.as_bytes();
        if b.len() != 5
            || b[2] != b':'
            || !b
                .iter()
                .enumerate()
                .all(|(i, c)| i == 2 || c.is_ascii_digit())
        {
            return None;
        }
        let h = u16::from(b[0] - b'0') * 10 + u16::from(b[1] - b'0');
        let m = u16::from(b[3] - b'0') * 10 + u16::from(b[4] - b'0');
        if m > 59 || h > 24 || (h == 24 && m != 0) {
            return None;
        }
        Some(TimeOfDay {
            minutes: h * 60 + m,
        })
    }

    /// Minutes since midnight (0–1440).
    pub fn minutes(self) -> u16 {
        self.minutes
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A recurring promotion window: on `days`, from `start` (inclusive) to `end` (exclusive),
/// wall-clock time in `timezone`.
///
/// A window never crosses midnight: an overnight window is written as two windows
/// (`22:00`–`24:00` on one day and `00:00`–`06:00` on the next).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Window {
    /// Days on which the window opens.
    pub days: Vec<Weekday>,
    /// Opening wall-clock time (inclusive).
    pub start: TimeOfDay,
    /// Closing wall-clock time (exclusive), later than `start`.
    pub end: TimeOfDay,
    /// IANA time zone name as written.
    pub timezone: String,
    /// The resolved time zone.
    #[serde(skip)]
    pub tz: TimeZone,
}

impl Window {
    /// Builds a window, checking the same rules as the policy parser.
    pub fn new(days: &[Weekday], start: &str, end: &str, timezone: &str) -> Result<Window, String> {
        if days.is_empty() {
            return Err("`days` is empty".into());
        }
        let start_t = TimeOfDay::parse(start)
            .filter(|t| t.minutes < 24 * 60)
            .ok_or_else(|| format!("`start` {start:?} is not a time of day HH:MM"))?;
        let end_t = TimeOfDay::parse(end)
            .ok_or_else(|| format!("`end` {end:?} is not a time of day HH:MM"))?;
        if end_t <= start_t {
            return Err(format!("`end` {end} is not after `start` {start}"));
        }
        let tz =
            TimeZone::get(timezone).map_err(|e| format!("unknown time zone {timezone:?}: {e}"))?;
        Ok(Window {
            days: days.to_vec(),
            start: start_t,
            end: end_t,
            timezone: timezone.to_string(),
            tz,
        })
    }

    /// Human description, e.g. `mon,tue,wed,thu 09:00-16:00 America/New_York`.
    pub fn describe(&self) -> String {
        let days: Vec<&str> = self.days.iter().map(|d| d.as_str()).collect();
        format!(
            "{} {}-{} {}",
            days.join(","),
            self.start,
            self.end,
            self.timezone
        )
    }
}

/// A period during which promotion to the stage is blocked: `from` inclusive, `to` exclusive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Freeze {
    /// Start of the freeze (inclusive).
    #[serde(serialize_with = "ser_timestamp")]
    pub from: Timestamp,
    /// End of the freeze (exclusive), later than `from`.
    #[serde(serialize_with = "ser_timestamp")]
    pub to: Timestamp,
    /// Why the stage is frozen (shown to users).
    pub reason: String,
}

/// What a scheduled run does when the stage's windows are closed.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum OnWindowClosed {
    /// Exit 0 with `result=deferred`; a later scheduled run retries.
    Defer,
    /// Block the promotion (exit 1).
    #[default]
    Fail,
}

/// Serializes a timestamp as RFC 3339 (jiff's `serde` feature is not enabled).
pub(crate) fn ser_timestamp<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(t)
}

/// Serializes an optional timestamp as RFC 3339 or `null`.
pub(crate) fn ser_opt_timestamp<S: Serializer>(
    t: &Option<Timestamp>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.collect_str(t),
        None => s.serialize_none(),
    }
}
