//! Turns the raw serde view into the validated model.
//!
//! Serde checks shapes and types; this checks meaning: ranges, formats, time zones, exactly one
//! gate kind per item, unique gate names, `hotfix.skip` entries. Each failure is located in the
//! source text (see `locate.rs`) so the error names line, column and key path. The policy and
//! stage level live here; gate settings in `gates.rs`, windows and freezes in `schedule.rs`.

mod gates;
mod schedule;

use super::error::{ErrorKind, PolicyError, backticked, closest};
use super::locate::{At, KeyPath, locate};
use super::model::{Approvals, EmergencyStop, Policy, StagePolicy};
use super::raw::{RawPolicy, RawStage};

pub(crate) use gates::GATE_KINDS;

/// Supported policy format version.
pub(crate) const SUPPORTED_VERSION: u64 = 1;

/// Fixed (non-gate) entries allowed in `hotfix.skip`.
pub(crate) const HOTFIX_FIXED: [&str; 4] = ["windows", "freezes", "approvals", "emergency-stop"];

/// Validation context: the file name and text, for locating errors.
pub(crate) struct Ctx<'a> {
    /// File name for messages.
    pub(crate) source_name: &'a str,
    /// The policy text, for locating errors.
    pub(crate) text: &'a str,
}

impl Ctx<'_> {
    /// Builds an error of `kind` located at `path`.
    pub(super) fn err(
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
    pub(super) fn invalid(
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
        let emergency_stop = match raw.emergency_stop {
            None => None,
            Some(e) => Some(EmergencyStop {
                label: self.stop_label(&root.key("emergency-stop").key("label"), &e.label)?,
            }),
        };
        Ok(Policy {
            source_name: self.source_name.to_string(),
            version: 1,
            emergency_stop,
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

        let windows = self.windows(&path.key("windows"), raw.windows)?;
        let freezes = self.freezes(&path.key("freezes"), raw.freezes)?;

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

    /// Validates a non-empty string (trimmed).
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
