//! One policy for many applications, and the checks on stage names that need the whole file.
//!
//! An application's stage entry is merged key by key over the shared entry of the same stage
//! (keys compared without regard to case): what the application writes replaces, `null`
//! removes, the rest is inherited; stages only the application names are added. Each merged
//! stage is validated like any other, so a `hotfix.skip` inherited from the shared stage is
//! checked against the gates the application really has.
//!
//! Without the lifecycle, stage names cannot be checked against AppTrust here (that happens at
//! run time, naming every unknown stage); what can be checked is the file against itself:
//! stage keys that look like misspellings of each other, and application entries that name a
//! stage the shared section does not have but nearly does.

use super::Ctx;
use crate::policy::assemble::{AppInput, StageInput};
use crate::policy::error::{ErrorKind, PolicyError};
use crate::policy::locate::{At, locate};
use crate::policy::model::{ApplicationPolicy, StagePolicy};

/// Most stage keys (shared and per application together) compared for misspellings.
const MAX_COMPARED: usize = 200;

impl Ctx<'_> {
    /// Each application's effective stages: the shared ones with its entries merged in.
    pub(super) fn applications(
        &self,
        shared_in: &[StageInput],
        shared: &[StagePolicy],
        apps: Vec<AppInput>,
    ) -> Vec<ApplicationPolicy> {
        apps.into_iter()
            .map(|app| {
                let (line, column) = locate(self.text, &app.path, At::Key);
                let mut stages = Vec::with_capacity(shared.len() + app.stages.len());
                for (s_in, s) in shared_in.iter().zip(shared) {
                    match app
                        .stages
                        .iter()
                        .find(|o| o.key.eq_ignore_ascii_case(&s_in.key))
                    {
                        None => stages.push(s.clone()),
                        Some(o) => stages.push(self.in_application(&app.key, merge(s_in, o))),
                    }
                }
                for o in &app.stages {
                    if !shared_in.iter().any(|s| s.key.eq_ignore_ascii_case(&o.key)) {
                        stages.push(self.in_application(&app.key, o.clone()));
                    }
                }
                ApplicationPolicy {
                    key: app.key,
                    line,
                    column,
                    stages,
                }
            })
            .collect()
    }

    /// Validates an application's (merged) stage. A problem the shared stage has already
    /// reported is not repeated; one that only this application has, in a key it inherits,
    /// says which application.
    fn in_application(&self, app: &str, input: StageInput) -> StagePolicy {
        let sub = Ctx::new(self.source_name, self.text);
        let stage = sub.stage(input);
        for mut e in sub.into_errors() {
            let known = self.errors.borrow().iter().any(|o| {
                (o.line, o.column, &o.message, &o.path) == (e.line, e.column, &e.message, &e.path)
            });
            if known {
                continue;
            }
            if !e.path.starts_with("applications.") {
                e.message.push_str(&format!(" (for application `{app}`)"));
            }
            self.report(e);
        }
        stage
    }

    /// Warns about stage keys that look like misspellings of one another, in `stages` and in
    /// each application, and about application entries that nearly name a shared stage.
    pub(super) fn stage_name_warnings(&self, shared: &[StageInput], apps: &[AppInput]) {
        // Pairwise comparison: a lifecycle has a handful of stages; a file with hundreds of
        // stage keys is not a policy anyone writes by hand, and is not compared.
        if shared.len() + apps.iter().map(|a| a.stages.len()).sum::<usize>() > MAX_COMPARED {
            return;
        }
        self.similar_keys(shared);
        for app in apps {
            self.similar_keys(&app.stages);
            for o in &app.stages {
                if shared.iter().any(|s| s.key.eq_ignore_ascii_case(&o.key)) {
                    continue;
                }
                let Some(s) = shared.iter().find(|s| misspelt(&o.key, &s.key)) else {
                    continue;
                };
                let (line, _) = locate(self.text, &s.path, At::Key);
                self.warn(PolicyError::new(
                    ErrorKind::SuspiciousName,
                    self.source_name,
                    locate(self.text, &o.path, At::Key),
                    o.path.to_string(),
                    format!(
                        "application `{}` names stage `{}`, which `stages` does not have; it looks like a misspelling of `{}` (line {line})",
                        app.key, o.key, s.key
                    ),
                    format!(
                        "As written it adds a stage of its own instead of overriding `{}`: correct the name, or ignore this if `{}` is a stage of its own.",
                        s.key, o.key
                    ),
                ));
            }
        }
    }

    /// Warns about each key of `stages` that looks like a misspelling of an earlier one, or
    /// like the same stage with a project prefix.
    fn similar_keys(&self, stages: &[StageInput]) {
        for (i, b) in stages.iter().enumerate() {
            let Some((a, same)) = stages[..i].iter().find_map(|a| {
                if prefixed(&a.key, &b.key) {
                    Some((a, true))
                } else {
                    misspelt(&b.key, &a.key).then_some((a, false))
                }
            }) else {
                continue;
            };
            let (line, _) = locate(self.text, &a.path, At::Key);
            let (message, help) = if same {
                (
                    format!("stages `{}` and `{}` (line {line}) probably name the same stage", b.key, a.key),
                    "A stage may be written with or without its project prefix (`bookverse-QA` or `QA`), not both: merge the two entries.".to_string(),
                )
            } else {
                (
                    format!(
                        "stage `{}` looks like a misspelling of `{}` (line {line})",
                        b.key, a.key
                    ),
                    format!(
                        "Both are configured, as two different stages; correct the name, or ignore this if `{}` and `{}` really are two stages.",
                        a.key, b.key
                    ),
                )
            };
            self.warn(PolicyError::new(
                ErrorKind::SuspiciousName,
                self.source_name,
                locate(self.text, &b.path, At::Key),
                b.path.to_string(),
                message,
                help,
            ));
        }
    }
}

/// An application's entry merged over the shared entry of the same stage.
fn merge(shared: &StageInput, over: &StageInput) -> StageInput {
    StageInput {
        key: over.key.clone(),
        path: over.path.clone(),
        gates: over.gates.clone().or_else(|| shared.gates.clone()),
        approvals: over.approvals.clone().or_else(|| shared.approvals.clone()),
        windows: over.windows.clone().or_else(|| shared.windows.clone()),
        freezes: over.freezes.clone().or_else(|| shared.freezes.clone()),
        on_window_closed: over
            .on_window_closed
            .clone()
            .or_else(|| shared.on_window_closed.clone()),
        hotfix: over.hotfix.clone().or_else(|| shared.hotfix.clone()),
        verify: over.verify.clone().or_else(|| shared.verify.clone()),
        complete: over.complete && shared.complete,
    }
}

/// Whether one key is the other with a prefix (`bookverse-QA` and `QA`).
fn prefixed(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    a.ends_with(&format!("-{b}")) || b.ends_with(&format!("-{a}"))
}

/// Whether `a` looks like a misspelling of `b`: one or two letters apart (one for short
/// names), and not a numbered or suffixed variant (`QA1`/`QA2`, `STAGING-EU`/`STAGING-US`).
fn misspelt(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    if a == b {
        return false;
    }
    let stem = |s: &str| -> String {
        let s = s.trim_end_matches(|c: char| c.is_ascii_digit());
        s.rsplit_once(['-', '_'])
            .map_or(s, |(head, _)| head)
            .to_string()
    };
    let variant = |s: &str| s.contains(['-', '_']) || s.ends_with(|c: char| c.is_ascii_digit());
    if stem(&a) == stem(&b) && (variant(&a) || variant(&b)) {
        return false;
    }
    let shortest = a.chars().count().min(b.chars().count());
    let allowed = if shortest <= 4 { 1 } else { 2 };
    strsim::damerau_levenshtein(&a, &b) <= allowed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspellings_and_variants() {
        for (a, b) in [
            ("STAGNG", "STAGING"),
            ("PRDO", "PROD"),
            ("prd", "PROD"),
            ("QAA", "QA"),
        ] {
            assert!(misspelt(a, b), "{a} vs {b}");
        }
        for (a, b) in [
            ("QA", "qa"),
            ("QA1", "QA2"),
            ("STAGING-EU", "STAGING-US"),
            ("DEV", "QA"),
            ("PROD", "PREPROD"),
            ("UAT", "QA"),
        ] {
            assert!(!misspelt(a, b), "{a} vs {b}");
        }
        assert!(prefixed("bookverse-QA", "qa"));
        assert!(!prefixed("QA", "STAGING"));
    }
}
