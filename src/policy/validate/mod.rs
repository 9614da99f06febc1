//! Turns what the reader could read into the validated model, collecting every error.
//!
//! Serde checks shapes and types; this checks meaning: ranges, formats, time zones, exactly one
//! gate kind per item, unique gate names, `hotfix.skip` entries. Each failure is located in the
//! source text (see `locate.rs`) so the error names line, column and key path, and recorded;
//! validation goes on with the next gate, window or freeze, so one run reports every problem.
//! The policy and stage level live here; gate settings in `gates.rs` (the `evidence` gate's in
//! `evidence_gate.rs`), windows and freezes in `schedule.rs`, applications and the stage-name
//! checks in `apps.rs`.

mod apps;
mod attestations;
mod calendar;
mod evidence_gate;
mod gates;
mod health;
mod schedule;
mod tests_gate;

use std::cell::RefCell;

use super::assemble::{Doc, StageInput};
use super::error::{ErrorKind, MAX_ERRORS, PolicyError, backticked, closest};
use super::locate::{At, KeyPath, locate};
use super::model::{Approvals, EmergencyStop, Gate, Policy, StagePolicy};
use super::raw::{RawApprovals, RawHotfix};

/// Supported policy format version.
pub(crate) const SUPPORTED_VERSION: u64 = 1;

/// Fixed (non-gate) entries allowed in `hotfix.skip`.
pub(crate) const HOTFIX_FIXED: [&str; 4] = ["windows", "freezes", "approvals", "emergency-stop"];

/// Validation context: the file name and text, for locating errors, and what was found.
pub(crate) struct Ctx<'a> {
    /// File name for messages.
    pub(crate) source_name: &'a str,
    /// The policy text, for locating errors.
    pub(crate) text: &'a str,
    /// Errors found so far.
    errors: RefCell<Vec<PolicyError>>,
    /// Warnings found so far (likely typos that are not errors).
    warnings: RefCell<Vec<PolicyError>>,
}

impl<'a> Ctx<'a> {
    /// A context with nothing found yet.
    pub(crate) fn new(source_name: &'a str, text: &'a str) -> Self {
        Ctx {
            source_name,
            text,
            errors: RefCell::new(Vec::new()),
            warnings: RefCell::new(Vec::new()),
        }
    }

    /// The errors found.
    pub(crate) fn into_errors(self) -> Vec<PolicyError> {
        self.errors.into_inner()
    }

    /// Records an error.
    pub(super) fn report(&self, e: PolicyError) {
        self.errors.borrow_mut().push(e);
    }

    /// Records a warning.
    pub(super) fn warn(&self, w: PolicyError) {
        self.warnings.borrow_mut().push(w);
    }

    /// The value, or `None` with its error recorded.
    pub(super) fn keep<T>(&self, r: Result<T, PolicyError>) -> Option<T> {
        r.map_err(|e| self.report(e)).ok()
    }

    /// Records errors found before validation (by the reader).
    pub(crate) fn report_all(&self, errors: Vec<PolicyError>) {
        self.errors.borrow_mut().extend(errors);
    }

    /// Builds an error of `kind` located at `path`. Past [`MAX_ERRORS`] errors it is not
    /// located (each location is a pass over the text) and sorts last, to be dropped.
    pub(super) fn err(
        &self,
        kind: ErrorKind,
        path: &KeyPath,
        at: At,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> PolicyError {
        let pos = if self.errors.borrow().len() >= MAX_ERRORS {
            (usize::MAX, usize::MAX)
        } else {
            locate(self.text, path, at)
        };
        PolicyError::new(kind, self.source_name, pos, path.to_string(), message, help)
    }

    /// Builds an `InvalidValue` error located at `path`.
    pub(super) fn invalid(
        &self,
        path: &KeyPath,
        at: At,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> PolicyError {
        self.err(ErrorKind::InvalidValue, path, at, message, help)
    }

    /// Validates the whole policy; what is wrong is recorded, what is right is kept.
    pub(crate) fn policy(&self, doc: Doc) -> Policy {
        let root = KeyPath::root();
        if let Some(v) = doc.version.filter(|v| *v != SUPPORTED_VERSION) {
            self.report(self.err(
                ErrorKind::UnsupportedVersion,
                &root.key("version"),
                At::Value,
                format!("unsupported policy version {v}"),
                format!("This action supports policy `version: {SUPPORTED_VERSION}` only; set `version: {SUPPORTED_VERSION}`."),
            ));
        }
        let emergency_stop = doc.emergency_stop.and_then(|e| {
            let label =
                self.keep(self.stop_label(&root.key("emergency-stop").key("label"), &e.label))?;
            Some(EmergencyStop { label })
        });
        let stages: Vec<StagePolicy> = doc.stages.iter().map(|s| self.stage(s.clone())).collect();
        self.stage_name_warnings(&doc.stages, &doc.applications);
        let applications = self.applications(&doc.stages, &stages, doc.applications);
        Policy {
            source_name: self.source_name.to_string(),
            version: 1,
            emergency_stop,
            stages,
            applications,
            application: None,
            warnings: self.warnings.take(),
        }
    }

    /// Validates one stage entry (an application's entry already merged with the shared one).
    fn stage(&self, input: StageInput) -> StagePolicy {
        let (line, column) = locate(self.text, &input.path, At::Key);
        let mut complete = input.complete;

        let (gates_path, raw_gates) = match input.gates {
            Some(f) => (f.path, f.value),
            None => (input.path.key("gates"), Vec::new()),
        };
        let mut specs = Vec::with_capacity(raw_gates.len());
        for (i, g) in raw_gates {
            let gp = gates_path.index(i);
            let name = match g.name.as_deref().map(str::trim) {
                Some("") => {
                    self.report(self.invalid(
                        &gp.key("name"),
                        At::Value,
                        "gate `name` is empty",
                        "Give the gate a name, or remove `name` to use the kind as its name.",
                    ));
                    complete = false;
                    continue;
                }
                Some(n) => Some(n.to_string()),
                None => None,
            };
            match self.keep(self.gate_spec(&gp, g)) {
                Some(spec) => specs.push((i, name, spec)),
                None => complete = false,
            }
        }
        let gates = self.name_gates(&gates_path, specs);

        let approvals = input
            .approvals
            .and_then(|f| f.value.map(|a| (f.path, a)))
            .and_then(|(p, a)| self.approvals(&p, a));
        let windows = input
            .windows
            .map(|f| self.windows(&f.path, f.value))
            .unwrap_or_default();
        let freezes = input
            .freezes
            .map(|f| self.freezes(&f.path, f.value))
            .unwrap_or_default();
        let hotfix_skip = input
            .hotfix
            .and_then(|f| f.value.map(|h| (f.path, h)))
            .map(|(p, h)| self.hotfix_skip(&p.key("skip"), h, &gates, complete))
            .unwrap_or_default();
        let verify = input
            .verify
            .and_then(|f| f.value.map(|v| (f.path, v)))
            .and_then(|(p, v)| self.verify(&p, v));

        StagePolicy {
            normalized_key: input.key.to_ascii_lowercase(),
            key: input.key,
            full_name: None,
            line,
            column,
            path: input.path.to_string(),
            gates,
            approvals,
            windows,
            freezes,
            on_window_closed: input
                .on_window_closed
                .and_then(|f| f.value)
                .unwrap_or_default(),
            hotfix_skip,
            verify,
        }
    }

    /// Validates `approvals`: a named environment and 1–10 approvers.
    fn approvals(&self, ap: &KeyPath, a: RawApprovals) -> Option<Approvals> {
        let environment = a.environment.trim().to_string();
        let mut ok = true;
        if environment.is_empty() {
            ok = false;
            self.report(self.invalid(
                &ap.key("environment"),
                At::Value,
                "`environment` is empty",
                "Name the GitHub environment whose reviewers approve this stage, e.g. `production`.",
            ));
        }
        if !(1..=10).contains(&a.min) {
            ok = false;
            self.report(self.invalid(
                &ap.key("min"),
                At::Value,
                format!("`min` is {}, but must be between 1 and 10", a.min),
                "GitHub environments allow at most 10 reviewers; use a number from 1 to 10, or remove `approvals`.",
            ));
        }
        ok.then(|| Approvals {
            environment,
            min: u32::try_from(a.min).unwrap_or(1),
            forbid_self_approval: a.forbid_self_approval,
        })
    }

    /// Validates `hotfix.skip`: fixed entries or gate names of the stage. When some gate of
    /// the stage could not be read, names are not checked (the missing gate may be the one).
    fn hotfix_skip(
        &self,
        hp: &KeyPath,
        h: RawHotfix,
        gates: &[Gate],
        gates_complete: bool,
    ) -> Vec<String> {
        let mut skip: Vec<String> = Vec::new();
        for (i, entry) in h.skip.into_iter().enumerate() {
            let e = entry.trim();
            let known = HOTFIX_FIXED.contains(&e) || gates.iter().any(|g| g.name == e);
            if !known && gates_complete {
                let mut valid: Vec<&str> = HOTFIX_FIXED.to_vec();
                valid.extend(gates.iter().map(|g| g.name.as_str()));
                let hint = closest(e, valid.iter().copied())
                    .map(|c| format!("Did you mean `{c}`? "))
                    .unwrap_or_default();
                self.report(self.invalid(
                    &hp.index(i),
                    At::Value,
                    format!("unknown hotfix skip entry `{e}`"),
                    format!(
                        "{hint}Valid entries for this stage: {}.",
                        backticked(valid.iter().copied())
                    ),
                ));
                continue;
            }
            if known && !skip.iter().any(|s| s == e) {
                skip.push(e.to_string());
            }
        }
        skip
    }

    /// The emergency stop's label: non-empty, and without a comma, because GitHub's issues list
    /// takes `labels` as a comma-separated list and could not look such a label up.
    fn stop_label(&self, p: &KeyPath, v: &str) -> Result<String, PolicyError> {
        let label = self.non_empty(
            p,
            v,
            "the label of the issue that stops promotions, e.g. `label: promotion-freeze`",
        )?;
        if label.contains(',') {
            return Err(self.invalid(
                p,
                At::Value,
                format!("the emergency-stop label `{label}` contains a comma"),
                "GitHub's issues API reads commas as separators between labels, so this label cannot be looked up; use a label without a comma, e.g. `label: promotion-freeze`.",
            ));
        }
        Ok(label)
    }

    /// Validates a non-empty string (trimmed).
    pub(super) fn non_empty(
        &self,
        p: &KeyPath,
        v: &str,
        what: &str,
    ) -> Result<String, PolicyError> {
        let t = v.trim();
        if t.is_empty() {
            let key = p.0.last().map(|s| match s {
                crate::policy::locate::Seg::Key(k) => k.clone(),
                crate::policy::locate::Seg::Index(i) => i.to_string(),
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
}
