//! Validation of gate items: exactly one kind key each, every kind's settings, default names.

use std::collections::HashSet;

use super::Ctx;
use crate::policy::error::{ErrorKind, PolicyError, backticked};
use crate::policy::locate::{At, KeyPath};
use crate::policy::model::{
    ConditionCheck, EvidenceCondition, Gate, GateSpec, LevelBounds, SeverityBounds, TestsKey,
};
use crate::policy::raw::RawGate;
use crate::policy::raw_gates::{Paths, RawEvidence, RawWhere};

/// Gate kind keys, in documentation order (`tests` and its older name `junit` first).
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

impl Ctx<'_> {
    /// Checks that exactly one kind key is present and validates its settings.
    pub(super) fn gate_spec(&self, gp: &KeyPath, g: RawGate) -> Result<GateSpec, PolicyError> {
        let present: Vec<&str> = [
            g.tests.is_some(),
            g.junit.is_some(),
            g.coverage.is_some(),
            g.sarif.is_some(),
            g.checks.is_some(),
            g.benchmark.is_some(),
            g.json.is_some(),
            g.integrity.is_some(),
            g.evidence.is_some(),
            g.attestations.is_some(),
            g.bake.is_some(),
            g.prometheus.is_some(),
            g.health.is_some(),
        ]
        .iter()
        .zip(GATE_KINDS)
        .filter(|(p, _)| **p)
        .map(|(_, k)| k)
        .collect();
        match present.as_slice() {
            [] => return Err(self.no_kind(gp)),
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

        let tests = match (g.tests, g.junit) {
            (Some(t), _) => Some((TestsKey::Tests, "tests", t)),
            (None, Some(j)) => Some((TestsKey::Junit, "junit", j)),
            (None, None) => None,
        };
        if let Some((key, name, t)) = tests {
            return self.tests_gate(&gp.key(name), key, t);
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
            self.json_pointer(&p.key("pointer"), &j.pointer)?;
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
            return self.evidence(&gp.key("evidence"), e);
        }
        if let Some(a) = g.attestations {
            return self.attestations(&gp.key("attestations"), a);
        }
        if let Some(b) = g.bake {
            return self.bake(&gp.key("bake"), b);
        }
        if let Some(p) = g.prometheus {
            return self.prometheus(&gp.key("prometheus"), p);
        }
        if let Some(h) = g.health {
            return self.health(&gp.key("health"), h);
        }
        // Unreachable: exactly one kind is present (checked above).
        Err(self.no_kind(gp))
    }

    /// The error for a gate item without a kind key.
    fn no_kind(&self, gp: &KeyPath) -> PolicyError {
        let kinds = backticked(GATE_KINDS.iter().copied());
        let help = format!("Add exactly one of {kinds}.");
        self.err(
            ErrorKind::MissingKey,
            gp,
            At::Value,
            "gate has no kind key",
            help,
        )
    }

    /// Assigns default names and rejects duplicate explicit names.
    pub(super) fn name_gates(
        &self,
        gates_path: &KeyPath,
        specs: Vec<(usize, Option<String>, GateSpec)>,
    ) -> Vec<Gate> {
        let mut explicit: Vec<(&str, usize)> = Vec::new();
        for (i, name, _) in &specs {
            if let Some(n) = name {
                if let Some((_, first)) = explicit.iter().find(|(e, _)| e == n) {
                    self.report(self.err(
                        ErrorKind::DuplicateKey,
                        &gates_path.index(*i).key("name"),
                        At::Value,
                        format!("duplicate gate name `{n}` (also used by gates[{first}])"),
                        "Gate names must be unique within a stage; rename one of them.",
                    ));
                    continue;
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
        gates
    }

    /// Validates glob patterns (non-empty list when `required`, no empty pattern).
    pub(super) fn paths(
        &self,
        p: &KeyPath,
        paths: Paths,
        required: bool,
    ) -> Result<Vec<String>, PolicyError> {
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

    /// Validates an RFC 6901 JSON pointer: `""`, or `/`-separated tokens where `~` is only
    /// written as `~0` (`~`) or `~1` (`/`).
    pub(super) fn json_pointer(&self, p: &KeyPath, pointer: &str) -> Result<(), PolicyError> {
        if !(pointer.is_empty() || pointer.starts_with('/')) {
            return Err(self.invalid(
                p,
                At::Value,
                format!("`pointer` `{pointer}` is not a JSON pointer"),
                format!(
                    "A JSON pointer starts with `/` (RFC 6901), e.g. `/{}`; `\"\"` is the whole document.",
                    pointer.replace('.', "/")
                ),
            ));
        }
        let mut chars = pointer.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '~' && !matches!(chars.peek(), Some('0' | '1')) {
                return Err(self.invalid(
                    p,
                    At::Value,
                    format!("`pointer` `{pointer}` has a `~` that is not `~0` or `~1`"),
                    "In a JSON pointer (RFC 6901) write `~` as `~0` and a `/` inside a key as `~1`.",
                ));
            }
        }
        Ok(())
    }

    /// Validates an evidence gate: `required`, `signed-by`, `allow-unverified`, `where`.
    fn evidence(&self, p: &KeyPath, e: RawEvidence) -> Result<GateSpec, PolicyError> {
        if e.required.is_empty() && e.conditions.is_empty() {
            let (key, message) = if self.has_key(&p.key("required")) {
                (p.key("required"), "`required` is empty")
            } else {
                (
                    p.clone(),
                    "evidence gate has neither `required` nor `where`",
                )
            };
            return Err(self.err(
                if key == *p { ErrorKind::MissingKey } else { ErrorKind::InvalidValue },
                &key,
                At::Value,
                message,
                "List the predicate types that must be present, e.g. `required: [\"https://in-toto.io/attestation/test-result/v0.1\"]`, or a `where` condition.",
            ));
        }
        let mut required = if e.required.is_empty() {
            Vec::new()
        } else {
            self.names(
                &p.key("required"),
                e.required,
                "predicate types",
                "`required: [\"https://in-toto.io/attestation/test-result/v0.1\"]`",
            )?
        };
        let sp = p.key("signed-by");
        let mut signed_by = Vec::with_capacity(e.signed_by.len());
        for (i, k) in e.signed_by.iter().enumerate() {
            signed_by.push(self.key_path(&sp.index(i), k)?);
        }
        let wp = p.key("where");
        let mut conditions = Vec::with_capacity(e.conditions.len());
        for (i, w) in e.conditions.into_iter().enumerate() {
            let c = self.condition(&wp.index(i), w)?;
            if !required.contains(&c.predicate_type) {
                required.push(c.predicate_type.clone());
            }
            conditions.push(c);
        }
        let identity = e
            .identity
            .map(|i| self.identity(&p.key("identity"), i))
            .transpose()?;
        Ok(GateSpec::Evidence {
            required,
            signed_by,
            allow_unverified: e.allow_unverified,
            conditions,
            records: e.records,
            identity,
        })
    }

    /// Whether the key at `p` is written in the file (for choosing between two messages).
    fn has_key(&self, p: &KeyPath) -> bool {
        crate::policy::locate::exists(self.text, p)
    }

    /// A `signed-by` entry: a workspace-relative file path, no `..`, not absolute.
    fn key_path(&self, p: &KeyPath, v: &str) -> Result<String, PolicyError> {
        let t = v.trim();
        let help =
            "Give the public key file relative to the workspace, e.g. `.github/keys/ci.pub`.";
        if t.is_empty() {
            return Err(self.invalid(p, At::Value, "empty key path", help));
        }
        let windows_drive =
            t.len() >= 2 && t.as_bytes()[1] == b':' && t.as_bytes()[0].is_ascii_alphabetic();
        if t.starts_with(['/', '\\']) || t.starts_with('~') || windows_drive {
            return Err(self.invalid(p, At::Value, format!("key path `{t}` is absolute"), help));
        }
        if t.split(['/', '\\']).any(|seg| seg == "..") {
            return Err(self.invalid(
                p,
                At::Value,
                format!("key path `{t}` leaves the workspace (`..`)"),
                help,
            ));
        }
        Ok(t.to_string())
    }

    /// One `where` condition.
    fn condition(&self, p: &KeyPath, w: RawWhere) -> Result<EvidenceCondition, PolicyError> {
        let predicate_type = self.non_empty(
            &p.key("predicate-type"),
            &w.predicate_type,
            "the predicate type of the record to read",
        )?;
        self.json_pointer(&p.key("pointer"), &w.pointer)?;
        for (k, v) in [("min", w.min), ("max", w.max)] {
            if let Some(v) = v.filter(|v| !v.is_finite()) {
                return Err(self.invalid(
                    &p.key(k),
                    At::Value,
                    format!("`{k}` is {v}, but must be a finite number"),
                    "Write a plain number.",
                ));
            }
        }
        let check = match (w.equals, w.min, w.max) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                let key = if w.min.is_some() { "min" } else { "max" };
                return Err(self.invalid(
                    &p.key(key),
                    At::Key,
                    format!("`{key}` cannot be combined with `equals`"),
                    "A condition is either a range (`min` and/or `max`) or an exact value (`equals`); split it into two conditions.",
                ));
            }
            (Some(v), None, None) => {
                if v.is_array() || v.is_object() {
                    return Err(self.invalid(
                        &p.key("equals"),
                        At::Value,
                        "`equals` is a list or mapping",
                        "Compare with one value: a string, number, boolean or null.",
                    ));
                }
                ConditionCheck::Equals(v)
            }
            (None, None, None) => {
                return Err(self.err(
                    ErrorKind::MissingKey,
                    p,
                    At::Value,
                    "condition has no `min`, `max` or `equals`",
                    "Add a bound, e.g. `max: 0`, or `equals: PASSED`.",
                ));
            }
            (None, min, max) => {
                if let Some((lo, hi)) = min.zip(max).filter(|(lo, hi)| lo > hi) {
                    return Err(self.invalid(
                        &p.key("min"),
                        At::Value,
                        format!("`min` ({lo}) is greater than `max` ({hi})"),
                        "No value can pass; swap or correct the bounds.",
                    ));
                }
                ConditionCheck::Range { min, max }
            }
        };
        Ok(EvidenceCondition {
            predicate_type,
            pointer: w.pointer,
            check,
        })
    }
}
