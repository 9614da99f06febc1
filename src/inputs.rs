//! Typed action inputs (`INPUT_*`) and run context (`GITHUB_*`, `RUNNER_*`, `ACTIONS_*`).
//!
//! The runner sets every declared input, `""` when the workflow gave none, so empty means unset.
//! Values are trimmed like `@actions/core`'s `getInput`. Booleans accept exactly the YAML 1.2
//! core forms. Parsing takes an iterator of variables so that only `main.rs` touches the real
//! environment and tests can feed any set.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

mod selection;

pub use crate::secret::Secret;
pub use selection::{ArtifactProperty, OverwriteStrategy, Selection};

/// The default policy path; when it is absent the run has no gates (with a warning).
pub const DEFAULT_POLICY: &str = ".github/promotion-policy.yml";

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
pub enum PromotionType {
    /// Copy artifacts to the target stage repositories (AppTrust's default).
    Copy,
    /// Move artifacts.
    Move,
    /// Keep artifacts where they are (stages without repositories).
    Keep,
}

impl PromotionType {
    /// The value AppTrust expects in `promotion_type`.
    pub fn as_api(self) -> &'static str {
        match self {
            PromotionType::Copy => "copy",
            PromotionType::Move => "move",
            PromotionType::Keep => "keep",
        }
    }
}

/// The policy file to load and whether the user named it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct PolicySource {
    /// Path as given (relative to the workspace unless absolute).
    pub path: String,
    /// True when the `policy` input was set; an explicit path that is absent is an error.
    pub explicit: bool,
}

/// Every input of SPEC.md, validated.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// JFrog platform base URL without a trailing slash.
    pub jfrog_url: String,
    /// JFrog access token.
    pub access_token: Option<Secret>,
    /// JFrog OIDC provider name (used when no access token is given).
    pub oidc_provider_name: Option<String>,
    /// Audience for the GitHub ID token.
    pub oidc_audience: Option<String>,
    /// JFrog project key.
    pub project: Option<String>,
    /// AppTrust application key.
    pub application: String,
    /// Application version; `None` = newest.
    pub version: Option<String>,
    /// What to do.
    pub command: Command,
    /// Stage to reach; `None` = next stage.
    pub target_stage: Option<String>,
    /// Policy file.
    pub policy: PolicySource,
    /// AppTrust promotion type.
    pub promotion_type: PromotionType,
    /// `include-repos`, `exclude-repos`, `overwrite-strategy`, `properties`: sent with every
    /// promote and release.
    pub selection: Selection,
    /// Emergency promotion.
    pub hotfix: bool,
    /// Justification for the audit trail.
    pub reason: Option<String>,
    /// Rollback: the stage to roll back from.
    pub from_stage: Option<String>,
    /// Rollback (or its plan): roll `from-stage` back until this version is its current one.
    pub to_version: Option<String>,
    /// Token for GitHub API calls.
    pub github_token: Option<Secret>,
    /// Create a check run.
    pub check_run: bool,
    /// Create deployments.
    pub deployment: bool,
    /// Open an issue on failure.
    pub notify_issue: bool,
    /// Webhook to notify on failure (a secret: it embeds credentials).
    pub notify_webhook: Option<Secret>,
    /// Write the job summary.
    pub summary: bool,
    /// PEM private key signing our attestation (checked to parse; a secret).
    pub evidence_key: Option<Secret>,
    /// Alias of its public key in JFrog (the DSSE keyid).
    pub evidence_key_alias: Option<String>,
}

impl Inputs {
    /// Every secret value held, for masking and for leak checks.
    pub fn secrets(&self) -> Vec<&Secret> {
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

/// Inputs as strings, straight from the environment.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawInputs {
    jfrog_url: Option<String>,
    access_token: Option<String>,
    oidc_provider_name: Option<String>,
    oidc_audience: Option<String>,
    project: Option<String>,
    application: Option<String>,
    version: Option<String>,
    command: Option<String>,
    target_stage: Option<String>,
    policy: Option<String>,
    promotion_type: Option<String>,
    include_repos: Option<String>,
    exclude_repos: Option<String>,
    overwrite_strategy: Option<String>,
    properties: Option<String>,
    hotfix: Option<String>,
    reason: Option<String>,
    from_stage: Option<String>,
    to_version: Option<String>,
    github_token: Option<String>,
    check_run: Option<String>,
    deployment: Option<String>,
    notify_issue: Option<String>,
    notify_webhook: Option<String>,
    summary: Option<String>,
    evidence_key: Option<String>,
    evidence_key_alias: Option<String>,
}

/// `""` and whitespace-only values are unset; others are trimmed.
fn set(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn required(value: Option<String>, input: &'static str) -> Result<String, InputError> {
    set(value).ok_or(InputError::Missing { input })
}

/// YAML 1.2 core booleans, exactly as `@actions/core` `getBooleanInput` accepts them.
pub fn parse_bool(
    input: &'static str,
    value: Option<String>,
    default: bool,
) -> Result<bool, InputError> {
    match set(value).as_deref() {
        None => Ok(default),
        Some("true" | "True" | "TRUE") => Ok(true),
        Some("false" | "False" | "FALSE") => Ok(false),
        Some(other) => Err(InputError::Invalid {
            input,
            value: shorten(other),
            accepted: "true, True, TRUE, false, False, FALSE",
        }),
    }
}

/// Echoing a huge or multi-line value back into an error helps no one; keep the first line, cut.
fn shorten(value: &str) -> String {
    let first = value.lines().next().unwrap_or_default();
    let mut out: String = first.chars().take(80).collect();
    if out.len() < value.len() {
        out.push('…');
    }
    out
}

/// Stage names, project keys and application keys travel in URL paths and JSON; control
/// characters there are never legitimate.
fn plain(
    input: &'static str,
    value: Option<String>,
    accepted: &'static str,
) -> Result<Option<String>, InputError> {
    match set(value) {
        Some(v)
            if v.chars()
                .any(|c| c.is_control() || c == '/' || c == '?' || c == '#')
                || v.len() > 256 =>
        {
            Err(InputError::Invalid {
                input,
                value: shorten(&v),
                accepted,
            })
        }
        other => Ok(other),
    }
}

impl RawInputs {
    fn validate(self) -> Result<Inputs, InputError> {
        let jfrog_url = required(self.jfrog_url, "jfrog-url")?;
        if !(jfrog_url.starts_with("https://") || jfrog_url.starts_with("http://"))
            || jfrog_url.chars().any(char::is_whitespace)
        {
            return Err(InputError::Invalid {
                input: "jfrog-url",
                value: shorten(&jfrog_url),
                accepted: "an http(s) URL such as https://acme.jfrog.io",
            });
        }
        let jfrog_url = jfrog_url.trim_end_matches('/').to_string();
        let application = plain(
            "application",
            Some(required(self.application, "application")?),
            "an AppTrust application key (letters, digits, hyphens)",
        )?
        .ok_or(InputError::Missing {
            input: "application",
        })?;
        let command = match set(self.command).as_deref() {
            None | Some("promote") => Command::Promote,
            Some("rollback") => Command::Rollback,
            Some("plan") => Command::Plan,
            Some("status") => Command::Status,
            Some(other) => {
                return Err(InputError::Invalid {
                    input: "command",
                    value: shorten(other),
                    accepted: "promote, rollback, plan, status",
                });
            }
        };
        let promotion_type = match set(self.promotion_type).as_deref() {
            None | Some("copy") => PromotionType::Copy,
            Some("move") => PromotionType::Move,
            Some("keep") => PromotionType::Keep,
            Some(other) => {
                return Err(InputError::Invalid {
                    input: "promotion-type",
                    value: shorten(other),
                    accepted: "copy, move, keep",
                });
            }
        };
        let selection = Selection::parse(
            set(self.include_repos).as_deref(),
            set(self.exclude_repos).as_deref(),
            set(self.overwrite_strategy).as_deref(),
            set(self.properties).as_deref(),
        )?;
        let hotfix = parse_bool("hotfix", self.hotfix, false)?;
        let check_run = parse_bool("check-run", self.check_run, false)?;
        let deployment = parse_bool("deployment", self.deployment, false)?;
        let notify_issue = parse_bool("notify-issue", self.notify_issue, false)?;
        let summary = parse_bool("summary", self.summary, true)?;
        let access_token = set(self.access_token).map(Secret::new);
        let oidc_provider_name = set(self.oidc_provider_name);
        if access_token.is_none() && oidc_provider_name.is_none() {
            return Err(InputError::Combination {
                message: "no JFrog credentials: set input `access-token` (a JFrog access token from a secret) \
                          or `oidc-provider-name` (with `permissions: id-token: write`)"
                    .into(),
            });
        }
        let reason = set(self.reason);
        if hotfix && reason.is_none() {
            return Err(InputError::Combination {
                message: "input `hotfix` is true but `reason` is empty: an emergency promotion must say why \
                          (set `reason: …`, it is recorded in the audit trail)"
                    .into(),
            });
        }
        let version = plain(
            "version",
            self.version,
            "an application version such as 1.2.3",
        )?;
        let to_version = plain(
            "to-version",
            self.to_version,
            "an application version such as 1.1.0",
        )?;
        if to_version.is_some() {
            if !matches!(command, Command::Rollback | Command::Plan) {
                return Err(InputError::Combination {
                    message: "input `to-version` is set but `command` is not rollback: `to-version` rolls a stage back until that version is current (`command: rollback`, or `command: plan` to see the list); remove it to promote".into(),
                });
            }
            if version.is_some() {
                return Err(InputError::Combination {
                    message: "inputs `version` and `to-version` are both set: give `version` to roll back one version, or `to-version` to roll the stage back until that version is current — not both".into(),
                });
            }
        }
        if command == Command::Rollback {
            if version.is_none() && to_version.is_none() {
                return Err(InputError::Combination {
                    message: "input `command` is rollback but `version` and `to-version` are empty: name the version to roll back, or the version to roll back to".into(),
                });
            }
            if reason.is_none() {
                return Err(InputError::Combination {
                    message:
                        "input `command` is rollback but `reason` is empty: a rollback must say why"
                            .into(),
                });
            }
        }
        let notify_webhook = match set(self.notify_webhook) {
            Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => {
                return Err(InputError::Invalid {
                    input: "notify-webhook",
                    value: "(hidden: the webhook URL is a secret)".into(),
                    accepted: "an http(s) URL",
                });
            }
            other => other.map(Secret::new),
        };
        let evidence_key = set(self.evidence_key).map(Secret::new);
        let evidence_key_alias = plain(
            "evidence-key-alias",
            self.evidence_key_alias,
            "the alias of a key registered in JFrog, such as ci-signing",
        )?;
        if let Some(key) = &evidence_key {
            // Parsed here only to fail before any request; the key is parsed again to sign.
            crate::dsse::SigningKey::from_pem("input `evidence-key`", key.expose().as_bytes())
                .map_err(|e| InputError::Combination {
                    message: e.to_string(),
                })?;
            if evidence_key_alias.is_none() {
                return Err(InputError::Combination {
                    message: "input `evidence-key` is set but `evidence-key-alias` is empty: give the alias under which its public key is registered in JFrog (Administration → Trusted Keys), so JFrog can verify the attestation".into(),
                });
            }
        }
        let policy = match set(self.policy) {
            Some(path) => PolicySource {
                explicit: path != DEFAULT_POLICY,
                path,
            },
            None => PolicySource {
                path: DEFAULT_POLICY.into(),
                explicit: false,
            },
        };
        Ok(Inputs {
            jfrog_url,
            access_token,
            oidc_provider_name,
            oidc_audience: set(self.oidc_audience),
            project: plain(
                "project",
                self.project,
                "a JFrog project key such as bookverse",
            )?,
            application,
            version,
            command,
            target_stage: plain(
                "target-stage",
                self.target_stage,
                "a stage name such as QA, bookverse-QA or PROD",
            )?,
            policy,
            promotion_type,
            selection,
            hotfix,
            reason,
            from_stage: plain("from-stage", self.from_stage, "a stage name such as PROD")?,
            to_version,
            github_token: set(self.github_token).map(Secret::new),
            check_run,
            deployment,
            notify_issue,
            notify_webhook,
            summary,
            evidence_key,
            evidence_key_alias,
        })
    }
}

/// The run context the runner provides (`GITHUB_*`, `RUNNER_*`, `ACTIONS_*`).
#[derive(Debug, Clone, Default)]
pub struct RunContext {
    /// `owner/repo`.
    pub repository: Option<String>,
    /// Run id.
    pub run_id: Option<String>,
    /// Commit SHA.
    pub sha: Option<String>,
    /// Who triggered the run.
    pub actor: Option<String>,
    /// Event name (`schedule`, `workflow_dispatch`, …).
    pub event_name: Option<String>,
    /// Path of the event payload.
    pub event_path: Option<PathBuf>,
    /// `https://github.com` or the GHES URL.
    pub server_url: String,
    /// REST API base URL.
    pub api_url: String,
    /// Ref.
    pub git_ref: Option<String>,
    /// Short ref name (`main`, `v1.2.0`, `42/merge`).
    pub ref_name: Option<String>,
    /// Attempt number of this run (`GITHUB_RUN_ATTEMPT`).
    pub run_attempt: Option<String>,
    /// Workflow name (`GITHUB_WORKFLOW`).
    pub workflow: Option<String>,
    /// Workspace directory (relative report paths are resolved against it).
    pub workspace: PathBuf,
    /// Directory for the record file.
    pub runner_temp: Option<PathBuf>,
    /// `GITHUB_OUTPUT` file.
    pub output_file: Option<PathBuf>,
    /// `GITHUB_STEP_SUMMARY` file.
    pub summary_file: Option<PathBuf>,
    /// Whether the runner asked for debug logs.
    pub debug: bool,
    /// OIDC ID-token request URL (present only with `id-token: write`).
    pub id_token_request_url: Option<String>,
    /// OIDC ID-token request bearer token.
    pub id_token_request_token: Option<Secret>,
    /// PEM bundle file of extra CA certificates (`SSL_CERT_FILE`), for self-hosted JFrog.
    pub extra_ca_file: Option<PathBuf>,
    /// Job id.
    pub job: Option<String>,
    /// Variables a policy may name for a credential (`token-env`), as secrets.
    pub secret_vars: crate::secret::SecretVars,
}

impl RunContext {
    /// Reads the context from environment-like pairs.
    pub fn from_vars<I>(vars: I) -> RunContext
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let map: BTreeMap<String, String> = vars
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        let secret_vars = crate::secret::SecretVars::from_vars(map.clone());
        let get = |k: &str| map.get(k).cloned();
        RunContext {
            repository: get("GITHUB_REPOSITORY"),
            run_id: get("GITHUB_RUN_ID"),
            sha: get("GITHUB_SHA"),
            actor: get("GITHUB_ACTOR"),
            event_name: get("GITHUB_EVENT_NAME"),
            event_path: get("GITHUB_EVENT_PATH").map(PathBuf::from),
            server_url: get("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into()),
            api_url: get("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into()),
            git_ref: get("GITHUB_REF"),
            ref_name: get("GITHUB_REF_NAME"),
            run_attempt: get("GITHUB_RUN_ATTEMPT"),
            workflow: get("GITHUB_WORKFLOW"),
            workspace: get("GITHUB_WORKSPACE")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(".")),
            runner_temp: get("RUNNER_TEMP").map(PathBuf::from),
            output_file: get("GITHUB_OUTPUT").map(PathBuf::from),
            summary_file: get("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            debug: get("RUNNER_DEBUG").as_deref() == Some("1"),
            id_token_request_url: get("ACTIONS_ID_TOKEN_REQUEST_URL"),
            id_token_request_token: get("ACTIONS_ID_TOKEN_REQUEST_TOKEN").map(Secret::new),
            extra_ca_file: get("SSL_CERT_FILE").map(PathBuf::from),
            job: get("GITHUB_JOB"),
            secret_vars,
        }
    }

    /// Link to this workflow run, when known.
    pub fn run_url(&self) -> Option<String> {
        Some(format!(
            "{}/{}/actions/runs/{}",
            self.server_url.trim_end_matches('/'),
            self.repository.as_ref()?,
            self.run_id.as_ref()?
        ))
    }
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
