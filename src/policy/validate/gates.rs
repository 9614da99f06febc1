//! Validation of gate items: exactly one kind key each, every kind's settings, default names.
//! The `evidence` gate's settings (keys, `where` conditions) are in `evidence_gate.rs`.

use std::collections::HashSet;

use super::Ctx;
use crate::policy::error::{ErrorKind, PolicyError, backticked};
use crate::policy::locate::{At, KeyPath};
use crate::policy::model::{Gate, GateSpec, LevelBounds, SeverityBounds, TestsKey};
use crate::policy::raw::RawGate;
use crate::policy::raw_gates::{
    GATE_KINDS, Paths, RawBenchmark, RawChecks, RawCoverage, RawJson, RawSarif,
};

impl Ctx<'_> {
    /// Checks that exactly one kind key is present and validates its settings.
    pub(super) fn gate_spec(&self, gp: &KeyPath, g: RawGate) -> Result<GateSpec, PolicyError> {
        self.one_kind(gp, &g)?;
        let tests = match (g.tests, g.junit) {
            (Some(t), _) => Some((TestsKey::Tests, "tests", t)),
            (None, Some(j)) => Some((TestsKey::Junit, "junit", j)),
            (None, None) => None,
        };
        if let Some((key, name, t)) = tests {
            return self.tests_gate(&gp.key(name), key, t);
        }
        if let Some(c) = g.coverage {
            return self.coverage_gate(&gp.key("coverage"), c);
        }
        if let Some(s) = g.sarif {
            return self.sarif_gate(&gp.key("sarif"), s);
        }
        if let Some(c) = g.checks {
            return self.checks_gate(&gp.key("checks"), c);
        }
        if let Some(b) = g.benchmark {
            return self.benchmark_gate(&gp.key("benchmark"), b);
        }
        if let Some(j) = g.json {
            return self.json_gate(&gp.key("json"), j);
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

    /// Exactly one kind key in the gate item.
    fn one_kind(&self, gp: &KeyPath, g: &RawGate) -> Result<(), PolicyError> {
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
            [] => Err(self.no_kind(gp)),
            [_] => Ok(()),
            [a, b, ..] => Err(self.invalid(
                &gp.key(b),
                At::Key,
                format!("gate has two kind keys, `{a}` and `{b}`"),
                "A gate item has exactly one kind key: split it into two gate items (`- junit: …` and `- coverage: …`).",
            )),
        }
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

    /// A `coverage` gate: a report and at least one minimum percentage.
    fn coverage_gate(&self, p: &KeyPath, c: RawCoverage) -> Result<GateSpec, PolicyError> {
        let path = self.non_empty(&p.key("path"), &c.path, "the coverage report file")?;
        let min_line = self.percent(&p.key("min-line"), c.min_line)?;
        let min_branch = self.percent(&p.key("min-branch"), c.min_branch)?;
        if min_line.is_none() && min_branch.is_none() {
            return Err(self.err(
                ErrorKind::MissingKey,
                p,
                At::Key,
                "coverage gate has no threshold",
                "Add `min-line` and/or `min-branch` (percent, 0-100).",
            ));
        }
        Ok(GateSpec::Coverage {
            path,
            min_line,
            min_branch,
        })
    }

    /// A `sarif` gate: reports and at least one bound, by level or by severity.
    fn sarif_gate(&self, p: &KeyPath, s: RawSarif) -> Result<GateSpec, PolicyError> {
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
                p,
                At::Key,
                "sarif gate has no bound",
                "Add at least one bound, e.g. `max-level: { error: 0 }` or `max-severity: { critical: 0, high: 0 }`.",
            ));
        }
        Ok(GateSpec::Sarif {
            paths,
            max_level,
            max_severity,
        })
    }

    /// A `checks` gate: the check runs that must have succeeded.
    fn checks_gate(&self, p: &KeyPath, c: RawChecks) -> Result<GateSpec, PolicyError> {
        let required = self.names(
            &p.key("required"),
            c.required,
            "check run names",
            "`required: [build, integration-tests]`",
        )?;
        Ok(GateSpec::Checks {
            required,
            allow_neutral: c.allow_neutral,
            allow_skipped: c.allow_skipped,
        })
    }

    /// A `benchmark` gate: a report, a metric and its largest acceptable value.
    fn benchmark_gate(&self, p: &KeyPath, b: RawBenchmark) -> Result<GateSpec, PolicyError> {
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
        Ok(GateSpec::Benchmark {
            path,
            metric,
            max: b.max,
        })
    }

    /// A `json` gate: a file, a JSON pointer and at least one bound that some value can meet.
    fn json_gate(&self, p: &KeyPath, j: RawJson) -> Result<GateSpec, PolicyError> {
        let path = self.non_empty(&p.key("path"), &j.path, "the JSON file")?;
        self.json_pointer(&p.key("pointer"), &j.pointer)?;
        self.finite(p, &[("max", j.max), ("min", j.min)])?;
        if j.max.is_none() && j.min.is_none() {
            return Err(self.err(
                ErrorKind::MissingKey,
                p,
                At::Key,
                "json gate has no bound",
                "Add `max` and/or `min`.",
            ));
        }
        self.ordered(p, j.min, j.max)?;
        Ok(GateSpec::Json {
            path,
            pointer: j.pointer,
            max: j.max,
            min: j.min,
        })
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
    pub(super) fn names(
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

    /// Each `(key, value)` given is a finite number.
    pub(super) fn finite(
        &self,
        p: &KeyPath,
        bounds: &[(&str, Option<f64>)],
    ) -> Result<(), PolicyError> {
        for (k, v) in bounds {
            if let Some(v) = v.filter(|v| !v.is_finite()) {
                return Err(self.invalid(
                    &p.key(k),
                    At::Value,
                    format!("`{k}` is {v}, but must be a finite number"),
                    "Write a plain number.",
                ));
            }
        }
        Ok(())
    }

    /// `min` is not above `max` (some value can pass).
    pub(super) fn ordered(
        &self,
        p: &KeyPath,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<(), PolicyError> {
        match min.zip(max).filter(|(lo, hi)| lo > hi) {
            Some((lo, hi)) => Err(self.invalid(
                &p.key("min"),
                At::Value,
                format!("`min` ({lo}) is greater than `max` ({hi})"),
                "No value can pass; swap or correct the bounds.",
            )),
            None => Ok(()),
        }
    }
}
