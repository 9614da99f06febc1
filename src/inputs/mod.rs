//! Typed action inputs (`INPUT_*`) and run context (`GITHUB_*`, `RUNNER_*`, `ACTIONS_*`).
//!
//! The runner sets every declared input, `""` when the workflow gave none, so empty means unset.
//! Values are trimmed like `@actions/core`'s `getInput`. Booleans accept exactly the YAML 1.2
//! core forms. Parsing takes an iterator of variables so that only `main.rs` touches the real
//! environment and tests can feed any set. The checks are in [`read`], the run context in
//! [`context`].

mod context;
mod read;
mod selection;

pub use crate::secret::Secret;
pub use context::RunContext;
use read::RawInputs;
pub use selection::{ArtifactProperty, OverwriteStrategy, Selection};

/// The default policy path; when it is absent the run has no gates (with a warning).
pub(crate) const DEFAULT_POLICY: &str = ".github/promotion-policy.yml";

/// An input that is missing or malformed. Names the input and what it accepts.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum InputError {
    /// A required input is empty.
    #[error("input `{input}` is required: set `with: {input}: …` in the workflow step")]
    Missing {
        /// The input name as written in the workflow.
        input: &'static str,
    },
    /// A value is not one of the accepted values.
    #[error(
        "input `{input}` has the value `{value}`, which is not accepted; use one of: {accepted}"
    )]
    Invalid {
        /// The input name.
        input: &'static str,
        /// The offending value (never a secret).
        value: String,
        /// The accepted values, human readable.
        accepted: &'static str,
    },
    /// Two inputs contradict each other or one needs another.
    #[error("{message}")]
    Combination {
        /// What is wrong and what to do, naming both inputs.
        message: String,
    },
}

/// What the run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Command {
    /// Evaluate the policy and promote up to the target stage.
    Promote,
    /// Roll back the latest promotion of a version.
    Rollback,
    /// Evaluate everything, change nothing.
    Plan,
    /// Report the current stage and history.
    Status,
}

/// AppTrust promotion type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum PromotionType {
    /// Copy artifacts to the target stage repositories (AppTrust's default).
    Copy,
    /// Move artifacts.
    Move,
    /// Keep artifacts where they are (stages without repositories).
    Keep,
}

impl PromotionType {
    /// The value AppTrust expects in `promotion_type`.
    pub(crate) fn as_api(self) -> &'static str {
        match self {
            PromotionType::Copy => "copy",
            PromotionType::Move => "move",
            PromotionType::Keep => "keep",
        }
    }
}

/// The policy file to load and whether the user named it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct PolicySource {
    /// Path as given (relative to the workspace unless absolute).
    pub(crate) path: String,
    /// True when the `policy` input was set; an explicit path that is absent is an error.
    pub(crate) explicit: bool,
}

/// Every input of SPEC.md, validated.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// JFrog platform base URL without a trailing slash.
    pub(crate) jfrog_url: String,
    /// JFrog access token.
    pub(crate) access_token: Option<Secret>,
    /// JFrog OIDC provider name (used when no access token is given).
    pub(crate) oidc_provider_name: Option<String>,
    /// Audience for the GitHub ID token.
    pub(crate) oidc_audience: Option<String>,
    /// JFrog project key.
    pub(crate) project: Option<String>,
    /// AppTrust application key.
    pub(crate) application: String,
    /// Application version; `None` = newest.
    pub(crate) version: Option<String>,
    /// What to do.
    pub(crate) command: Command,
    /// Stage to reach; `None` = next stage.
    pub(crate) target_stage: Option<String>,
    /// Policy file.
    pub(crate) policy: PolicySource,
    /// AppTrust promotion type.
    pub(crate) promotion_type: PromotionType,
    /// `include-repos`, `exclude-repos`, `overwrite-strategy`, `properties`: sent with every
    /// promote and release.
    pub(crate) selection: Selection,
    /// Emergency promotion.
    pub(crate) hotfix: bool,
    /// Justification for the audit trail.
    pub(crate) reason: Option<String>,
    /// Rollback: the stage to roll back from.
    pub(crate) from_stage: Option<String>,
    /// Rollback (or its plan): roll `from-stage` back until this version is its current one.
    pub(crate) to_version: Option<String>,
    /// Token for GitHub API calls.
    pub(crate) github_token: Option<Secret>,
    /// Create a check run.
    pub(crate) check_run: bool,
    /// Create deployments.
    pub(crate) deployment: bool,
    /// Open an issue on failure.
    pub(crate) notify_issue: bool,
    /// Webhook to notify on failure (a secret: it embeds credentials).
    pub(crate) notify_webhook: Option<Secret>,
    /// Write the job summary.
    pub(crate) summary: bool,
    /// PEM private key signing our attestation (checked to parse; a secret).
    pub(crate) evidence_key: Option<Secret>,
    /// Alias of its public key in JFrog (the DSSE keyid).
    pub(crate) evidence_key_alias: Option<String>,
}

impl Inputs {
    /// Every secret value held, for masking and for leak checks.
    pub(crate) fn secrets(&self) -> Vec<&Secret> {
        [
            self.access_token.as_ref(),
            self.github_token.as_ref(),
            self.notify_webhook.as_ref(),
            self.evidence_key.as_ref(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Parses the inputs from `INPUT_*` variables (other variables are ignored).
    pub fn from_vars<I>(vars: I) -> Result<Inputs, InputError>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        // envy lower-cases names, so `INPUT_JFROG-URL` becomes the field `jfrog-url`. Inputs with
        // spaces would arrive with `_`; ours have none.
        let only_inputs = vars.into_iter().filter(|(k, _)| k.starts_with("INPUT_"));
        let raw: RawInputs = envy::prefixed("INPUT_")
            .from_iter(only_inputs)
            .map_err(|e| InputError::Combination {
                message: format!("cannot read the action inputs: {e}"),
            })?;
        raw.validate()
    }
}

/// Echoing a huge or multi-line value back into an error helps no one; keep the first line, cut.
pub(crate) fn shorten(value: &str) -> String {
    let first = value.lines().next().unwrap_or_default();
    let mut out: String = first.chars().take(80).collect();
    if out.len() < value.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = [
            ("INPUT_JFROG-URL", "https://acme.jfrog.io/"),
            ("INPUT_ACCESS-TOKEN", "tok-123"),
            ("INPUT_APPLICATION", "inventory"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, val) in pairs {
            v.retain(|(key, _)| key != k);
            v.push((k.to_string(), val.to_string()));
        }
        v
    }

    #[test]
    fn minimal_inputs_take_the_defaults() {
        let i = Inputs::from_vars(vars(&[("INPUT_VERSION", ""), ("INPUT_SUMMARY", "")])).unwrap();
        assert_eq!(i.jfrog_url, "https://acme.jfrog.io");
        assert_eq!(i.command, Command::Promote);
        assert_eq!(i.promotion_type, PromotionType::Copy);
        assert_eq!(i.version, None);
        assert!(i.summary);
        assert!(!i.hotfix);
        assert_eq!(
            i.policy,
            PolicySource {
                path: DEFAULT_POLICY.into(),
                explicit: false
            }
        );
    }

    #[test]
    fn booleans_accept_exactly_the_yaml_core_forms() {
        for (value, expected) in [
            ("true", true),
            ("True", true),
            ("TRUE", true),
            ("false", false),
            ("False", false),
            ("FALSE", false),
            (" true ", true),
            ("", false),
        ] {
            let i = Inputs::from_vars(vars(&[("INPUT_CHECK-RUN", value)])).unwrap();
            assert_eq!(i.check_run, expected, "{value:?}");
        }
        for bad in ["yes", "1", "on", "tRue", "maybe"] {
            let err = Inputs::from_vars(vars(&[("INPUT_HOTFIX", bad)])).unwrap_err();
            assert!(
                matches!(
                    err,
                    InputError::Invalid {
                        input: "hotfix",
                        ..
                    }
                ),
                "{bad}: {err}"
            );
            assert!(err.to_string().contains("true, True, TRUE"), "{err}");
        }
    }

    #[test]
    fn bad_values_name_the_input() {
        let table: &[(&str, &str, &str)] = &[
            ("INPUT_JFROG-URL", "", "jfrog-url"),
            ("INPUT_JFROG-URL", "acme.jfrog.io", "jfrog-url"),
            ("INPUT_APPLICATION", "  ", "application"),
            ("INPUT_APPLICATION", "a/b", "application"),
            ("INPUT_COMMAND", "deploy", "command"),
            ("INPUT_PROMOTION-TYPE", "dry_run", "promotion-type"),
            ("INPUT_TARGET-STAGE", "QA\n::error::x", "target-stage"),
            ("INPUT_SUMMARY", "no", "summary"),
        ];
        for (var, value, input) in table {
            let err = Inputs::from_vars(vars(&[(var, value)])).unwrap_err();
            assert!(
                err.to_string().contains(&format!("`{input}`")),
                "{var}={value:?}: {err}"
            );
        }
    }

    #[test]
    fn combinations_are_checked() {
        let err = Inputs::from_vars(vars(&[("INPUT_ACCESS-TOKEN", "")])).unwrap_err();
        assert!(err.to_string().contains("oidc-provider-name"));
        let err = Inputs::from_vars(vars(&[("INPUT_HOTFIX", "true")])).unwrap_err();
        assert!(err.to_string().contains("`reason`"));
        let err = Inputs::from_vars(vars(&[
            ("INPUT_COMMAND", "rollback"),
            ("INPUT_REASON", "bad"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("`version`"));
        let err = Inputs::from_vars(vars(&[
            ("INPUT_COMMAND", "rollback"),
            ("INPUT_VERSION", "1.0.0"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("`reason`"));
        let ok = Inputs::from_vars(vars(&[
            ("INPUT_ACCESS-TOKEN", ""),
            ("INPUT_OIDC-PROVIDER-NAME", "gh"),
        ]))
        .unwrap();
        assert_eq!(ok.oidc_provider_name.as_deref(), Some("gh"));
    }

    #[test]
    fn debug_never_prints_secrets() {
        let i = Inputs::from_vars(vars(&[
            ("INPUT_GITHUB-TOKEN", "ghs_secret"),
            (
                "INPUT_NOTIFY-WEBHOOK",
                "https://hooks.example/T/secret-path",
            ),
        ]))
        .unwrap();
        let dbg = format!("{i:?}");
        for s in ["tok-123", "ghs_secret", "secret-path"] {
            assert!(!dbg.contains(s), "{s} leaked in {dbg}");
        }
        assert_eq!(i.secrets().len(), 3);
        let err =
            Inputs::from_vars(vars(&[("INPUT_NOTIFY-WEBHOOK", "ftp://secret-host")])).unwrap_err();
        assert!(!err.to_string().contains("secret-host"));
    }

    #[test]
    fn explicit_policy_path_is_remembered() {
        let i = Inputs::from_vars(vars(&[("INPUT_POLICY", "ci/policy.yml")])).unwrap();
        assert!(i.policy.explicit);
        let i = Inputs::from_vars(vars(&[("INPUT_POLICY", DEFAULT_POLICY)])).unwrap();
        assert!(!i.policy.explicit);
    }

    #[test]
    fn context_builds_the_run_url() {
        let ctx = RunContext::from_vars(
            [
                ("GITHUB_REPOSITORY", "o/r"),
                ("GITHUB_RUN_ID", "42"),
                ("GITHUB_SERVER_URL", "https://ghe.example/"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        assert_eq!(
            ctx.run_url().as_deref(),
            Some("https://ghe.example/o/r/actions/runs/42")
        );
        assert_eq!(ctx.api_url, "https://api.github.com");
    }
}
