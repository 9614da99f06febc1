//! Maps the policy's stage keys to the application's lifecycle stages.
//!
//! Authors write `QA`, `qa`, `bookverse-QA` or `PROD`; the AppTrust API speaks in full stage
//! names (`bookverse-QA`, `PROD`). Resolution happens after parsing, once the lifecycle and the
//! project key are known, and reports unknown or doubly-configured stages with the key's
//! position in the file.

use super::error::{ErrorKind, PolicyError, PolicyErrors, backticked, closest};
use super::model::{Policy, StagePolicy};

impl Policy {
    /// Resolves every stage key to its full lifecycle stage name (sets
    /// [`StagePolicy::full_name`]).
    ///
    /// `lifecycle` holds the full API stage names in order (e.g. `["bookverse-DEV",
    /// "bookverse-QA", "bookverse-STAGING", "PROD"]`); `project` is the JFrog project key. A key
    /// matches a stage, without regard to case, when it equals the full name, when
    /// `<project>-<key>` equals the full name, or when the full name without its project prefix
    /// equals the key (the prefix being `<project>-`, or — without a project — anything up to
    /// the first `-`). An exact full-name match wins over a prefix match.
    ///
    /// Errors on a key that names no stage (with the valid names and the closest one), on a key
    /// that matches several stages, and on two keys that name the same stage — every such key,
    /// not only the first.
    pub(crate) fn resolve_stages(
        &mut self,
        lifecycle: &[String],
        project: Option<&str>,
    ) -> Result<(), PolicyErrors> {
        let project = project.map(str::trim).filter(|p| !p.is_empty());
        let mut resolved: Vec<(usize, String)> = Vec::with_capacity(self.stages.len());
        let mut errors = Vec::new();
        for (i, stage) in self.stages.iter().enumerate() {
            let full = match resolve_one(&self.source_name, stage, lifecycle, project) {
                Ok(f) => f,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            if let Some((j, _)) = resolved.iter().find(|(_, f)| *f == full) {
                let first = &self.stages[*j];
                errors.push(PolicyError::new(
                    ErrorKind::DuplicateStage,
                    &self.source_name,
                    (stage.line, stage.column),
                    stage.path.clone(),
                    format!(
                        "stages `{}` (line {}) and `{}` both name stage `{full}`",
                        first.key, first.line, stage.key
                    ),
                    "Configure each stage once: merge the two entries.",
                ));
                continue;
            }
            resolved.push((i, full));
        }
        if let Some(e) = PolicyErrors::from_vec(errors) {
            return Err(e);
        }
        for (i, full) in resolved {
            self.stages[i].full_name = Some(full);
        }
        Ok(())
    }

    /// The policy for a stage, by full API name (`bookverse-QA`), without regard to case.
    ///
    /// Before [`Policy::resolve_stages`] has run, stage keys are compared with `full_name`
    /// directly (so `PROD` or a key written as a full name still matches).
    pub(crate) fn stage(&self, full_name: &str) -> Option<&StagePolicy> {
        self.stages.iter().find(|s| match &s.full_name {
            Some(f) => f.eq_ignore_ascii_case(full_name),
            None => s.key.eq_ignore_ascii_case(full_name),
        })
    }
}

/// The display name of a full stage name: without the project prefix.
fn display_name<'a>(full: &'a str, project: Option<&str>) -> &'a str {
    match project {
        Some(p) => {
            let lower = full.to_ascii_lowercase();
            let prefix = format!("{}-", p.to_ascii_lowercase());
            if lower.starts_with(&prefix) {
                full.get(prefix.len()..).unwrap_or(full)
            } else {
                full
            }
        }
        None => full.split_once('-').map_or(full, |(_, rest)| rest),
    }
}

/// Resolves one stage key to a full lifecycle stage name.
fn resolve_one(
    source_name: &str,
    stage: &StagePolicy,
    lifecycle: &[String],
    project: Option<&str>,
) -> Result<String, PolicyError> {
    let key = stage.key.trim();
    if let Some(exact) = lifecycle.iter().find(|f| f.eq_ignore_ascii_case(key)) {
        return Ok(exact.clone());
    }
    let matches: Vec<&String> = lifecycle
        .iter()
        .filter(|f| {
            let with_prefix =
                project.is_some_and(|p| f.eq_ignore_ascii_case(&format!("{p}-{key}")));
            with_prefix || display_name(f, project).eq_ignore_ascii_case(key)
        })
        .collect();
    let path = stage.path.clone();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let mut names: Vec<String> = Vec::new();
            for f in lifecycle {
                let d = display_name(f, project);
                if d != f && !names.iter().any(|n| n == d) {
                    names.push(d.to_string());
                }
            }
            for f in lifecycle {
                if !names.iter().any(|n| n == f) {
                    names.push(f.clone());
                }
            }
            let hint = closest(key, names.iter().map(String::as_str))
                .map(|c| format!("Did you mean `{c}`? "))
                .unwrap_or_default();
            let valid = if lifecycle.is_empty() {
                "The application's lifecycle has no stages.".to_string()
            } else {
                format!(
                    "Valid stages: {}.",
                    backticked(names.iter().map(String::as_str))
                )
            };
            Err(PolicyError::new(
                ErrorKind::UnknownStage,
                source_name,
                (stage.line, stage.column),
                path,
                format!("unknown stage `{}`", stage.key),
                format!("{hint}{valid}"),
            ))
        }
        many => Err(PolicyError::new(
            ErrorKind::UnknownStage,
            source_name,
            (stage.line, stage.column),
            path,
            format!(
                "stage `{}` is ambiguous: it matches {}",
                stage.key,
                backticked(many.iter().map(|s| s.as_str()))
            ),
            "Write the full stage name, or set the `project` input.",
        )),
    }
}
