//! The top-level error type and the exit-code contract of SPEC.md.
//!
//! Every failure the action can meet is one variant of [`Error`], and each variant maps to one
//! exit status: 2 for input and policy-file errors, 3 for remote errors. (Exit 1, "blocked", is
//! not an error: it is a successful evaluation whose answer was "no", carried by the outcome.)

use crate::http::RemoteError;
use crate::inputs::InputError;

/// Anything that stops the action before it reaches a verdict.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// An `INPUT_*` value is missing or malformed.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The policy file cannot be read, or is not where the input says.
    #[error(transparent)]
    PolicyRead(#[from] crate::policy::PolicyReadError),
    /// The policy file is invalid: every problem found, each with its line and column.
    #[error(transparent)]
    PolicyFile(#[from] crate::policy::PolicyErrors),
    /// A gate the policy describes cannot be asked as written (a monitoring query the server
    /// refuses, a `token-env` variable that is not set): the fix is in the policy or the step.
    #[error("{message}")]
    GateSetup {
        /// The policy file, the stage and gate, what is wrong and what to do.
        message: String,
    },
    /// JFrog (or GitHub) was unreachable, refused the request or answered something unexpected.
    #[error(transparent)]
    Remote(#[from] RemoteError),
    /// The promotion cannot be planned (unknown stage, target behind the current stage, …).
    #[error("{message}")]
    Plan {
        /// What is wrong and what to do.
        message: String,
    },
}

/// A problem at a line and column of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The file, relative to the workspace.
    pub(crate) file: String,
    /// 1-based line.
    pub(crate) line: u32,
    /// 1-based column.
    pub(crate) column: u32,
    /// What is wrong there and what to do.
    pub(crate) message: String,
}

impl Error {
    /// The process exit status for this error, per SPEC.md.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_)
            | Error::PolicyRead(_)
            | Error::PolicyFile(_)
            | Error::GateSetup { .. }
            | Error::Plan { .. } => 2,
            Error::Remote(_) => 3,
        }
    }

    /// A short title for the `::error` annotation.
    pub(crate) fn title(&self) -> &'static str {
        match self {
            Error::Input(_) => "promote-action: invalid input",
            Error::PolicyRead(_) | Error::PolicyFile(_) | Error::GateSetup { .. } => {
                "promote-action: invalid policy file"
            }
            Error::Remote(_) => "promote-action: remote error",
            Error::Plan { .. } => "promote-action: cannot plan the promotion",
        }
    }
}

impl Error {
    /// Each problem's place in a file (a policy error's line and column), so that each gets an
    /// annotation on that line; empty for errors that are not about a place in a file.
    pub(crate) fn places(&self) -> Vec<Place> {
        match self {
            Error::PolicyFile(errors) => errors
                .errors()
                .iter()
                .map(|e| Place {
                    file: e.source_name.clone(),
                    line: u32::try_from(e.line).unwrap_or(0),
                    column: u32::try_from(e.column).unwrap_or(0),
                    message: e.to_string(),
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_spec() {
        let input = Error::Input(InputError::Missing {
            input: "application",
        });
        assert_eq!(input.exit_code(), 2);
        let missing = crate::policy::PolicyReadError::Missing { path: "x".into() };
        assert_eq!(Error::PolicyRead(missing).exit_code(), 2);
        assert_eq!(
            Error::Plan {
                message: "x".into()
            }
            .exit_code(),
            2
        );
        let remote = Error::Remote(RemoteError::transport("GET /x", "connection refused", ""));
        assert_eq!(remote.exit_code(), 3);
    }
}
