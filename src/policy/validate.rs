//! Turns the raw serde view into the validated model.
//!
//! Serde checks shapes and types; this checks meaning: ranges, formats, time zones, exactly one
//! gate kind per item, unique gate names, `hotfix.skip` entries. Each failure is located in the
//! source text (see `locate.rs`) so the error names line, column and key path.

use std::collections::HashSet;

use jiff::Timestamp;

use super::error::{ErrorKind, PolicyError, backticked, closest};
use super::locate::{At, KeyPath, locate};
use super::model::{
    Approvals, Freeze, Gate, GateSpec, LevelBounds, Policy, SeverityBounds, StagePolicy, TimeOfDay,
    Window,
};
use super::raw::{Paths, RawGate, RawPolicy, RawStage};

/// Supported policy format version.
pub(crate) const SUPPORTED_VERSION: u64 = 1;

/// Gate kind keys, in documentation order.
pub(crate) const GATE_KINDS: [&str; 8] = [
    "junit",
    "coverage",
    "sarif",
    "checks",
    "benchmark",
    "json",
    "integrity",
    "evidence",
];

/// Fixed (non-gate) entries allowed in `hotfix.skip`.
pub(crate) const HOTFIX_FIXED: [&str; 3] = ["windows", "freezes", "approvals"];

/// Validation context: the file name and text, for locating errors.
pub(crate) struct Ctx<'a> {
    /// File name for messages.
    pub(crate) source_name: &'a str,
    /// The policy text, for locating errors.
    pub(crate) text: &'a str,
}

impl Ctx<'_> {
    /// Builds an error of `kind` located at `path`.
    fn err(
        &self,
        kind: ErrorKind,
        path: &KeyPath,
        at: At,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> PolicyError {
        PolicyError::new(
            kind,
            self.source_name,
            locate(self.text, path, at),
            path.to_string(),
            message,
            help,
        )
    }

    /// Builds an `InvalidValue` error located at `path`.
    fn invalid(
        &self,
        path: &KeyPath,
        at: At,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> PolicyError {
        self.err(ErrorKind::InvalidValue, path, at, message, help)
    }

    /// Validates the whole policy.
    pub(crate) fn policy(&self, raw: RawPolicy) -> Result<Policy, PolicyError> {
        let root = KeyPath::root();
        if raw.version != SUPPORTED_VERSION {
            return Err(self.err(
                ErrorKind::UnsupportedVersion,
                &root.key("version"),
                At::Value,
                format!("unsupported policy version {}", raw.version),
                format!("This action supports policy `version: {SUPPORTED_VERSION}` only; set `version: {SUPPORTED_VERSION}`."),
            ));
        }
        let stages_path = root.key("stages");
        let mut stages = Vec::with_capacity(raw.stages.0.len());
        for (key, stage) in raw.stages.0 {
            stages.push(self.stage(&stages_path, key, stage)?);
        }
        Ok(Policy {
            source_name: self.source_name.to_string(),
            version: 1,
            stages,
        })
    }

    /// Validates one stage.
    fn stage(
        &self,
        stages_path: &KeyPath,
        key: String,
        raw: RawStage,
    ) -> Result<StagePolicy, PolicyError> {
        let path = stages_path.key(&key);
        let (line, column) = locate(self.text, &path, At::Key);

        // Gates: kind, settings, names.
        let gates_path = path.key("gates");
        let mut specs = Vec::with_capacity(raw.gates.len());
        for (i, g) in raw.gates.into_iter().enumerate() {
            let gp = gates_path.index(i);
            let name = match g.name.as_deref().map(str::trim) {
                Some("") => {
                    return Err(self.invalid(
                        &gp.key("name"),
                        At::Value,
                        "gate `name` is empty",
                        "Give the gate a name, or remove `name` to use the kind as its name.",
                    ));
                }
                Some(n) => Some(n.to_string()),
                None => None,
            };
            let spec = self.gate_spec(&gp, g)?;
            specs.push((i, name, spec));
        }
        let gates = self.name_gates(&gates_path, specs)?;

        let approvals = match raw.approvals {
            None => None,
            Some(a) => {
                let ap = path.key("approvals");
                let environment = a.environment.trim().to_string();
                if environment.is_empty() {
                    return Err(self.invalid(
                        &ap.key("environment"),
                        At::Value,
                        "`environment` is empty",
                        "Name the GitHub environment whose reviewers approve this stage, e.g. `production`.",
                    ));
                }
                if !(1..=10).contains(&a.min) {
                    return Err(self.invalid(
                        &ap.key("min"),
                        At::Value,
                        format!("`min` is {}, but must be between 1 and 10", a.min),
                        "GitHub environments allow at most 10 reviewers; use a number from 1 to 10, or remove `approvals`.",
                    ));
                }
                Some(Approvals {
                    environment,
                    min: u32::try_from(a.min).unwrap_or(1),
                    forbid_self_approval: a.forbid_self_approval,
                })
            }
        };

        let windows_path = path.key("windows");
        let mut windows = Vec::with_capacity(raw.windows.len());
        for (i, w) in raw.windows.into_iter().enumerate() {
            let wp = windows_path.index(i);
            if w.days.is_empty() {
                return Err(self.invalid(
                    &wp.key("days"),
                    At::Value,
                    "`days` is empty",
                    "List the days the window opens, e.g. `days: [mon, tue, wed, thu, fri]`.",
                ));
            }
            let mut seen = HashSet::new();
            for (j, d) in w.days.iter().enumerate() {
                if !seen.insert(*d) {
                    return Err(self.err(
                        ErrorKind::DuplicateKey,
                        &wp.key("days").index(j),
                        At::Value,
                        format!("day `{}` is listed twice", d.as_str()),
                        "List each day once.",
                    ));
                }
            }
            let start = self.time_of_day(&wp.key("start"), &w.start, false)?;
            let end = self.time_of_day(&wp.key("end"), &w.end, true)?;
            if end <= start {
                return Err(self.invalid(
                    &wp.key("end"),
                    At::Value,
                    format!("window `end` {end} is not after `start` {start}"),
                    "A window cannot cross midnight: write an overnight window as two windows (e.g. 22:00-24:00 and 00:00-06:00 on the following days).",
                ));
            }
            let tz = jiff::tz::TimeZone::get(w.timezone.trim()).map_err(|_| {
                self.invalid(
                    &wp.key("timezone"),
                    At::Value,
                    format!("unknown time zone `{}`", w.timezone),
                    "Use an IANA time zone name such as `UTC`, `Europe/London`, `America/New_York` or `Asia/Kolkata`.",
                )
            })?;
            windows.push(Window {
                days: w.days,
                start,
                end,
                timezone: w.timezone.trim().to_string(),
                tz,
            });
        }

        let freezes_path = path.key("freezes");
        let mut freezes = Vec::with_capacity(raw.freezes.len());
        for (i, f) in raw.freezes.into_iter().enumerate() {
            let fp = freezes_path.index(i);
            let from = self.timestamp(&fp.key("from"), &f.from)?;
            let to = self.timestamp(&fp.key("to"), &f.to)?;
            if to <= from {
                return Err(self.invalid(
                    &fp.key("to"),
                    At::Value,
                    format!("freeze `to` ({to}) is not after `from` ({from})"),
                    "`to` is the end of the freeze (exclusive) and must be later than `from`.",
                ));
            }
            let reason = f.reason.trim().to_string();
            if reason.is_empty() {
                return Err(self.invalid(
                    &fp.key("reason"),
                    At::Value,
                    "freeze `reason` is empty",
                    "Say why the stage is frozen, e.g. `reason: year-end freeze`; it is shown to whoever is blocked.",
                ));
            }
            freezes.push(Freeze { from, to, reason });
        }

        let mut hotfix_skip = Vec::new();
        if let Some(h) = raw.hotfix {
            let hp = path.key("hotfix").key("skip");
            for (i, entry) in h.skip.into_iter().enumerate() {
                let e = entry.trim();
                let ok = HOTFIX_FIXED.contains(&e) || gates.iter().any(|g| g.name == e);
                if !ok {
                    let mut valid: Vec<&str> = HOTFIX_FIXED.to_vec();
                    valid.extend(gates.iter().map(|g| g.name.as_str()));
                    let hint = closest(e, valid.iter().copied())
                        .map(|c| format!("Did you mean `{c}`? "))
                        .unwrap_or_default();
                    return Err(self.invalid(
                        &hp.index(i),
                        At::Value,
                        format!("unknown hotfix skip entry `{e}`"),
                        format!(
                            "{hint}Valid entries for this stage: {}.",
                            backticked(valid.iter().copied())
                        ),
                    ));
                }
                if !hotfix_skip.iter().any(|s: &String| s == e) {
                    hotfix_skip.push(e.to_string());
                }
            }
        }

        Ok(StagePolicy {
            normalized_key: key.trim().to_ascii_lowercase(),
            key,
            full_name: None,
            line,
            column,
            gates,
            approvals,
            windows,
            freezes,
            on_window_closed: raw.on_window_closed.unwrap_or_default(),
            hotfix_skip,
        })
    }

    /// Checks that exactly one kind key is present and validates its settings.
    fn gate_spec(&self, gp: &KeyPath, g: RawGate) -> Result<GateSpec, PolicyError> {
        let present: Vec<&str> = [
            g.junit.is_some(),
            g.coverage.is_some(),
            g.sarif.is_some(),
            g.checks.is_some(),
            g.benchmark.is_some(),
            g.json.is_some(),
            g.integrity.is_some(),
            g.evidence.is_some(),
        ]
        .iter()
        .zip(GATE_KINDS)
        .filter(|(p, _)| **p)
        .map(|(_, k)| k)
        .collect();
        match present.as_slice() {
            [] => {
                return Err(self.err(
                    ErrorKind::MissingKey,
                    gp,
                    At::Value,
                    "gate has no kind key",
                    format!(
                        "Add exactly one of {}.",
                        backticked(GATE_KINDS.iter().copied())
                    ),
                ));
            }
            [_] => {}
            [a, b, ..] => {
                return Err(self.invalid(
                    &gp.key(b),
                    At::Key,
                    format!("gate has two kind keys, `{a}` and `{b}`"),
                    "A gate item has exactly one kind key: split it into two gate items (`- junit: …` and `- coverage: …`).",
                ));
            }
        }

        if let Some(j) = g.junit {
            let p = gp.key("junit");
            return Ok(GateSpec::Junit {
                paths: self.paths(&p.key("paths"), j.paths, true)?,
                max_failures: j.max_failures,
                min_tests: j.min_tests,
            });
        }
        if let Some(c) = g.coverage {
            let p = gp.key("coverage");
            let path = self.non_empty(&p.key("path"), &c.path, "the coverage report file")?;
            let min_line = self.percent(&p.key("min-line"), c.min_line)?;
            let min_branch = self.percent(&p.key("min-branch"), c.min_branch)?;
            if min_line.is_none() && min_branch.is_none() {
                return Err(self.err(
                    ErrorKind::MissingKey,
                    &p,
                    At::Key,
                    "coverage gate has no threshold",
                    "Add `min-line` and/or `min-branch` (percent, 0-100).",
                ));
            }
            return Ok(GateSpec::Coverage {
                path,
                min_line,
                min_branch,
            });
        }
        if let Some(s) = g.sarif {
            let p = gp.key("sarif");
            let paths = self.paths(&p.key("paths"), s.paths, true)?;
            let max_level = s
                .max_level
                .map(|l| LevelBounds {
                    error: l.error,
                    warning: l.warning,
                    note: l.note,
                })
                .unwrap_or_default();
            let max_severity = s
                .max_severity
                .map(|l| SeverityBounds {
                    critical: l.critical,
                    high: l.high,
                    medium: l.medium,
                    low: l.low,
                })
                .unwrap_or_default();
            if max_level == LevelBounds::default() && max_severity == SeverityBounds::default() {
                return Err(self.err(
                    ErrorKind::MissingKey,
                    &p,
                    At::Key,
                    "sarif gate has no bound",
                    "Add at least one bound, e.g. `max-level: { error: 0 }` or `max-severity: { critical: 0, high: 0 }`.",
                ));
            }
            return Ok(GateSpec::Sarif {
                paths,
                max_level,
                max_severity,
            });
        }
        if let Some(c) = g.checks {
            let p = gp.key("checks");
            let required = self.names(
                &p.key("required"),
                c.required,
                "check run names",
                "`required: [build, integration-tests]`",
            )?;
            return Ok(GateSpec::Checks {
                required,
                allow_neutral: c.allow_neutral,
                allow_skipped: c.allow_skipped,
            });
        }
        if let Some(b) = g.benchmark {
            let p = gp.key("benchmark");
            let path = self.non_empty(&p.key("path"), &b.path, "the benchmark report file")?;
            let metric = self.non_empty(
                &p.key("metric"),
                &b.metric,
                "a metric such as `mean` or `p95`",
            )?;
            if !b.max.is_finite() || b.max < 0.0 {
                return Err(self.invalid(
                    &p.key("max"),
                    At::Value,
                    format!("`max` is {}, but must be a finite number ≥ 0", b.max),
                    "Give the largest acceptable value of the metric, e.g. `max: 0.250` (seconds).",
                ));
            }
            return Ok(GateSpec::Benchmark {
                path,
                metric,
                max: b.max,
            });
        }
        if let Some(j) = g.json {
            let p = gp.key("json");
            let path = self.non_empty(&p.key("path"), &j.path, "the JSON file")?;
            if !(j.pointer.is_empty() || j.pointer.starts_with('/')) {
                return Err(self.invalid(
                    &p.key("pointer"),
                    At::Value,
                    format!("`pointer` `{}` is not a JSON pointer", j.pointer),
                    format!(
                        "A JSON pointer starts with `/` (RFC 6901), e.g. `/{}`; `\"\"` is the whole document.",
                        j.pointer.replace('.', "/")
                    ),
                ));
            }
            for (k, v) in [("max", j.max), ("min", j.min)] {
                if let Some(v) = v.filter(|v| !v.is_finite()) {
                    return Err(self.invalid(
                        &p.key(k),
                        At::Value,
                        format!("`{k}` is {v}, but must be a finite number"),
                        "Write a plain number.",
                    ));
                }
            }
            if j.max.is_none() && j.min.is_none() {
                return Err(self.err(
                    ErrorKind::MissingKey,
                    &p,
                    At::Key,
                    "json gate has no bound",
                    "Add `max` and/or `min`.",
                ));
            }
            if let Some((lo, hi)) = j.min.zip(j.max).filter(|(lo, hi)| lo > hi) {
                return Err(self.invalid(
                    &p.key("min"),
                    At::Value,
                    format!("`min` ({lo}) is greater than `max` ({hi})"),
                    "No value can pass; swap or correct the bounds.",
                ));
            }
            return Ok(GateSpec::Json {
                path,
                pointer: j.pointer,
                max: j.max,
                min: j.min,
            });
        }
        if let Some(i) = g.integrity {
            let p = gp.key("integrity");
            return Ok(GateSpec::Integrity {
                files: self.paths(&p.key("files"), i.files, false)?,
            });
        }
        if let Some(e) = g.evidence {
            let p = gp.key("evidence");
            let required = self.names(
                &p.key("required"),
                e.required,
                "predicate types",
                "`required: [\"https://in-toto.io/attestation/test-result/v0.1\"]`",
            )?;
            return Ok(GateSpec::Evidence { required });
        }
        // Unreachable: exactly one kind is present (checked above).
        Err(self.err(
            ErrorKind::MissingKey,
            gp,
            At::Value,
            "gate has no kind key",
            format!(
                "Add exactly one of {}.",
                backticked(GATE_KINDS.iter().copied())
            ),
        ))
    }

    /// Assigns default names and rejects duplicate explicit names.
    fn name_gates(
        &self,
        gates_path: &KeyPath,
        specs: Vec<(usize, Option<String>, GateSpec)>,
    ) -> Result<Vec<Gate>, PolicyError> {
        let mut explicit: Vec<(&str, usize)> = Vec::new();
        for (i, name, _) in &specs {
            if let Some(n) = name {
                if let Some((_, first)) = explicit.iter().find(|(e, _)| e == n) {
                    return Err(self.err(
                        ErrorKind::DuplicateKey,
                        &gates_path.index(*i).key("name"),
                        At::Value,
                        format!("duplicate gate name `{n}` (also used by gates[{first}])"),
                        "Gate names must be unique within a stage; rename one of them.",
                    ));
                }
                explicit.push((n.as_str(), *i));
            }
        }
        let mut used: HashSet<String> = explicit.iter().map(|(n, _)| n.to_string()).collect();
        let mut gates = Vec::with_capacity(specs.len());
        for (_, name, spec) in specs {
            let name = match name {
                Some(n) => n,
                None => {
                    let kind = spec.kind();
                    let mut candidate = kind.to_string();
                    let mut n = 1;
                    while used.contains(&candidate) {
                        n += 1;
                        candidate = format!("{kind} #{n}");
                    }
                    used.insert(candidate.clone());
                    candidate
                }
            };
            gates.push(Gate { name, spec });
        }
        Ok(gates)
    }

    /// Validates glob patterns (non-empty list when `required`, no empty pattern).
    fn paths(&self, p: &KeyPath, paths: Paths, required: bool) -> Result<Vec<String>, PolicyError> {
        if required && paths.0.is_empty() {
            return Err(self.invalid(
                p,
                At::Value,
                "`paths` is empty",
                "Give at least one glob pattern, e.g. `paths: [\"reports/**/*.xml\"]`.",
            ));
        }
        for (i, s) in paths.0.iter().enumerate() {
            if s.trim().is_empty() {
                return Err(self.invalid(
                    &p.index(i),
                    At::Value,
                    "empty path pattern",
                    "Remove it or write a glob pattern relative to the workspace.",
                ));
            }
        }
        Ok(paths.0.into_iter().map(|s| s.trim().to_string()).collect())
    }

    /// Validates a non-empty list of non-empty names.
    fn names(
        &self,
        p: &KeyPath,
        names: Vec<String>,
        what: &str,
        example: &str,
    ) -> Result<Vec<String>, PolicyError> {
        if names.is_empty() {
            return Err(self.invalid(
                p,
                At::Value,
                "`required` is empty",
                format!("List at least one of the {what}, e.g. {example}."),
            ));
        }
        for (i, s) in names.iter().enumerate() {
            if s.trim().is_empty() {
                return Err(self.invalid(
                    &p.index(i),
                    At::Value,
                    "empty entry",
                    format!("Remove it or write one of the {what}."),
                ));
            }
        }
        Ok(names.into_iter().map(|s| s.trim().to_string()).collect())
    }

    /// Validates a non-empty string (trimmed).
    fn non_empty(&self, p: &KeyPath, v: &str, what: &str) -> Result<String, PolicyError> {
        let t = v.trim();
        if t.is_empty() {
            let key = p.0.last().map(|s| match s {
                super::locate::Seg::Key(k) => k.clone(),
                super::locate::Seg::Index(i) => i.to_string(),
            });
            return Err(self.invalid(
                p,
                At::Value,
                format!("`{}` is empty", key.unwrap_or_default()),
                format!("Give {what}."),
            ));
        }
        Ok(t.to_string())
    }

    /// Validates an optional percentage: finite, 0–100.
    fn percent(&self, p: &KeyPath, v: Option<f64>) -> Result<Option<f64>, PolicyError> {
        match v {
            Some(x) if !x.is_finite() || !(0.0..=100.0).contains(&x) => {
                let key = p.to_string();
                let key = key.rsplit('.').next().unwrap_or("value").to_string();
                Err(self.invalid(
                    p,
                    At::Value,
                    format!("`{key}` is {x}, but a percentage must be between 0 and 100"),
                    format!("Write the minimum percentage as a number, e.g. `{key}: 80`."),
                ))
            }
            other => Ok(other),
        }
    }

    /// Parses `HH:MM` (`24:00` only as an end).
    fn time_of_day(&self, p: &KeyPath, v: &str, is_end: bool) -> Result<TimeOfDay, PolicyError> {
        let key = if is_end { "end" } else { "start" };
        match TimeOfDay::parse(v.trim()) {
            Some(t) if is_end || t.minutes() < 24 * 60 => Ok(t),
            _ => Err(self.invalid(
                p,
                At::Value,
                format!("`{key}` {v:?} is not a time of day"),
                if is_end {
                    "Write a quoted 24-hour time \"HH:MM\", e.g. \"16:00\" (\"24:00\" = end of the day)."
                } else {
                    "Write a quoted 24-hour time \"HH:MM\", e.g. \"09:00\"."
                },
            )),
        }
    }

    /// Parses an RFC 3339 timestamp.
    fn timestamp(&self, p: &KeyPath, v: &str) -> Result<Timestamp, PolicyError> {
        let key = p.to_string();
        let key = key.rsplit('.').next().unwrap_or("value").to_string();
        v.trim().parse::<Timestamp>().map_err(|_| {
            self.invalid(
                p,
                At::Value,
                format!("`{key}` {v:?} is not an RFC 3339 timestamp"),
                "Write a date, time and offset, e.g. `2026-12-20T00:00:00Z` or `2026-12-20T09:00:00-05:00`.",
            )
        })
    }
}
