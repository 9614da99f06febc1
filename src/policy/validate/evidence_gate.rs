//! Validation of an `evidence` gate's settings: the predicate types required, the `signed-by`
//! key files (inside the workspace), and the `where` conditions on a record's predicate.

use super::Ctx;
use crate::policy::error::{ErrorKind, PolicyError};
use crate::policy::locate::{At, KeyPath};
use crate::policy::model::{ConditionCheck, EvidenceCondition, GateSpec};
use crate::policy::raw_gates::{RawEvidence, RawWhere};

impl Ctx<'_> {
    /// Validates an evidence gate: `required`, `signed-by`, `allow-unverified`, `where`.
    pub(super) fn evidence(&self, p: &KeyPath, e: RawEvidence) -> Result<GateSpec, PolicyError> {
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
            records: e.records,
            conditions,
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
        self.finite(p, &[("min", w.min), ("max", w.max)])?;
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
                self.ordered(p, min, max)?;
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
