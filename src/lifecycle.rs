//! The lifecycle a promotion walks: ordered promote stages ending with the release stage, the
//! path between two stages, stage-name handling, and which call enters a stage ([`HopAction`]).
//!
//! A word of the domain, low in the house: the AppTrust client reads a lifecycle, promotion
//! walks it and every reporter names its stages, so it imports none of them.
//!
//! AppTrust names project stages with the project prefix (`bookverse-QA`) and global stages
//! without (`PROD`). Users may write either form; everything inside the action uses the full API
//! name and shows the display name (prefix stripped) to people.

/// The ordered promote stages of a project, the last being the release stage.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Lifecycle {
    /// Full API stage names, in promotion order (the release stage last).
    pub stages: Vec<String>,
    /// The release stage (reached through `/release`).
    pub release_stage: String,
    /// Project key used to strip and add prefixes.
    pub project: Option<String>,
}

/// What one hop was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HopAction {
    /// `/promote`.
    Promote,
    /// `/release`.
    Release,
    /// `/rollback`.
    Rollback,
}

/// Why a stage path cannot be planned.
#[derive(Debug, thiserror::Error, PartialEq)]
pub(crate) enum StageError {
    /// The name matches no stage of the lifecycle.
    #[error("stage `{name}` is not in the lifecycle ({known}); {hint}")]
    Unknown {
        /// The name as given.
        name: String,
        /// The lifecycle, display names.
        known: String,
        /// Closest-name suggestion or general advice.
        hint: String,
    },
    /// The target is behind the current stage.
    #[error(
        "target stage {target} is before the current stage {current}: promotion only moves forward (use `command: rollback` to go back)"
    )]
    Backwards {
        /// Current display name.
        current: String,
        /// Target display name.
        target: String,
    },
    /// The version already sits in the last stage and no target was given.
    #[error("version is already in the release stage {0}: there is no next stage")]
    AtEnd(String),
}

impl Lifecycle {
    /// The name people see: the project prefix stripped.
    pub(crate) fn display<'a>(&self, name: &'a str) -> &'a str {
        if let Some(p) = &self.project {
            if let Some(rest) = name
                .strip_prefix(p.as_str())
                .and_then(|r| r.strip_prefix('-'))
            {
                if !rest.is_empty() {
                    return rest;
                }
            }
        }
        name
    }

    /// Resolves a user-written stage name (display or full, any case) to the full API name.
    pub(crate) fn resolve(&self, name: &str) -> Result<&str, StageError> {
        let wanted = name.trim();
        let found = self.stages.iter().find(|s| {
            s.eq_ignore_ascii_case(wanted) || self.display(s).eq_ignore_ascii_case(wanted)
        });
        match found {
            Some(s) => Ok(s.as_str()),
            None => {
                let closest = self.stages.iter().map(|s| self.display(s)).min_by_key(|s| {
                    strsim::levenshtein(&s.to_ascii_lowercase(), &wanted.to_ascii_lowercase())
                });
                let hint = match closest {
                    Some(c)
                        if strsim::levenshtein(
                            &c.to_ascii_lowercase(),
                            &wanted.to_ascii_lowercase(),
                        ) <= 3 =>
                    {
                        format!("did you mean `{c}`?")
                    }
                    _ => "use one of the stages listed".to_string(),
                };
                Err(StageError::Unknown {
                    name: wanted.to_string(),
                    known: self.describe(),
                    hint,
                })
            }
        }
    }

    /// `DEV → QA → STAGING → PROD`.
    pub(crate) fn describe(&self) -> String {
        self.stages
            .iter()
            .map(|s| self.display(s))
            .collect::<Vec<_>>()
            .join(" → ")
    }

    /// Position of a full stage name; `None` for "" (never promoted) or unknown names.
    pub(crate) fn index(&self, full: &str) -> Option<usize> {
        self.stages.iter().position(|s| s == full)
    }

    /// Whether a version in `current` ("" = never promoted) is in `stage` or past it.
    pub(crate) fn reached(&self, current: &str, stage: &str) -> bool {
        match (self.index(current), self.index(stage)) {
            (Some(c), Some(s)) => c >= s,
            _ => false,
        }
    }

    /// `/release` for the release stage, `/promote` for every other.
    pub(crate) fn action_into(&self, stage: &str) -> HopAction {
        if self.is_release(stage) {
            HopAction::Release
        } else {
            HopAction::Promote
        }
    }

    /// Whether a stage is the release stage.
    pub(crate) fn is_release(&self, full: &str) -> bool {
        full == self.release_stage
    }

    /// The stages to enter, in order, to go from `current` ("" = never promoted) to the target
    /// (`None` = the next stage). Empty when already there.
    pub(crate) fn path(
        &self,
        current: &str,
        target: Option<&str>,
    ) -> Result<Vec<String>, StageError> {
        let start = if current.is_empty() {
            0
        } else {
            match self.index(current) {
                Some(i) => i + 1,
                None => {
                    return Err(StageError::Unknown {
                        name: current.to_string(),
                        known: self.describe(),
                        hint: "the version's current stage is not part of this project's lifecycle; check the `project` input".into(),
                    });
                }
            }
        };
        let end = match target {
            None => {
                if start >= self.stages.len() {
                    return Err(StageError::AtEnd(self.display(current).to_string()));
                }
                start
            }
            Some(t) => {
                let full = self.resolve(t)?;
                let idx = self.index(full).unwrap_or(0);
                if idx + 1 < start {
                    return Err(StageError::Backwards {
                        current: self.display(current).to_string(),
                        target: self.display(full).to_string(),
                    });
                }
                if idx + 1 == start {
                    return Ok(Vec::new());
                }
                idx
            }
        };
        Ok(self.stages[start..=end].to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bookverse() -> Lifecycle {
        Lifecycle {
            stages: ["bookverse-DEV", "bookverse-QA", "bookverse-STAGING", "PROD"]
                .map(String::from)
                .to_vec(),
            release_stage: "PROD".into(),
            project: Some("bookverse".into()),
        }
    }

    #[test]
    fn names_resolve_with_or_without_prefix() {
        let l = bookverse();
        for (given, full) in [
            ("QA", "bookverse-QA"),
            ("bookverse-QA", "bookverse-QA"),
            ("qa", "bookverse-QA"),
            ("prod", "PROD"),
            (" STAGING ", "bookverse-STAGING"),
        ] {
            assert_eq!(l.resolve(given).unwrap(), full, "{given}");
        }
        let err = l.resolve("STAGNG").unwrap_err().to_string();
        assert!(err.contains("did you mean `STAGING`"), "{err}");
        assert_eq!(l.display("bookverse-QA"), "QA");
        assert_eq!(l.display("PROD"), "PROD");
        assert_eq!(l.describe(), "DEV → QA → STAGING → PROD");
    }

    #[test]
    fn paths_walk_every_stage_in_between() {
        let l = bookverse();
        let table: &[(&str, Option<&str>, &[&str])] = &[
            ("", None, &["bookverse-DEV"]),
            ("bookverse-DEV", None, &["bookverse-QA"]),
            (
                "bookverse-DEV",
                Some("STAGING"),
                &["bookverse-QA", "bookverse-STAGING"],
            ),
            (
                "bookverse-DEV",
                Some("PROD"),
                &["bookverse-QA", "bookverse-STAGING", "PROD"],
            ),
            (
                "",
                Some("PROD"),
                &["bookverse-DEV", "bookverse-QA", "bookverse-STAGING", "PROD"],
            ),
            ("bookverse-QA", Some("QA"), &[]),
            ("PROD", Some("PROD"), &[]),
        ];
        for (current, target, expected) in table {
            let got = l.path(current, *target).unwrap();
            assert_eq!(
                got,
                expected.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                "{current} -> {target:?}"
            );
        }
    }

    #[test]
    fn impossible_paths_are_explained() {
        let l = bookverse();
        assert!(matches!(
            l.path("bookverse-STAGING", Some("QA")),
            Err(StageError::Backwards { .. })
        ));
        assert!(matches!(l.path("PROD", None), Err(StageError::AtEnd(_))));
        assert!(matches!(
            l.path("other-DEV", None),
            Err(StageError::Unknown { .. })
        ));
        assert!(matches!(
            l.path("", Some("UAT")),
            Err(StageError::Unknown { .. })
        ));
    }
}
