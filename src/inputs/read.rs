//! Reading the `INPUT_*` strings into [`Inputs`]: each value trimmed (empty = unset) and checked,
//! then the combinations (credentials, hotfix and rollback reasons, the signing key and its
//! alias), in a fixed order so the first problem is the one reported.

use serde::Deserialize;

use super::{
    Command, DEFAULT_POLICY, InputError, Inputs, PolicySource, PromotionType, Selection, shorten,
};
use crate::secret::Secret;

/// Inputs as strings, straight from the environment.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct RawInputs {
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
fn parse_bool(
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
    /// Checks every value and the combinations, in a fixed order: the first problem is the
    /// error.
    pub(super) fn validate(self) -> Result<Inputs, InputError> {
        let jfrog_url = jfrog_url(self.jfrog_url)?;
        let application = plain(
            "application",
            Some(required(self.application, "application")?),
            "an AppTrust application key (letters, digits, hyphens)",
        )?
        .ok_or(InputError::Missing {
            input: "application",
        })?;
        let command = command(self.command)?;
        let promotion_type = promotion_type(self.promotion_type)?;
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
        to_version_fits(command, version.as_deref(), to_version.as_deref())?;
        if command == Command::Rollback {
            rollback_has_what_it_needs(
                version.as_deref(),
                to_version.as_deref(),
                reason.as_deref(),
            )?;
        }
        let notify_webhook = notify_webhook(self.notify_webhook)?;
        let (evidence_key, evidence_key_alias) =
            signing_key(self.evidence_key, self.evidence_key_alias)?;
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
            policy: policy_source(self.policy),
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

/// `jfrog-url`: an http(s) URL, kept without its trailing slash.
fn jfrog_url(value: Option<String>) -> Result<String, InputError> {
    let jfrog_url = required(value, "jfrog-url")?;
    if !(jfrog_url.starts_with("https://") || jfrog_url.starts_with("http://"))
        || jfrog_url.chars().any(char::is_whitespace)
    {
        return Err(InputError::Invalid {
            input: "jfrog-url",
            value: shorten(&jfrog_url),
            accepted: "an http(s) URL such as https://acme.jfrog.io",
        });
    }
    Ok(jfrog_url.trim_end_matches('/').to_string())
}

/// `command`; empty = `promote`.
fn command(value: Option<String>) -> Result<Command, InputError> {
    match set(value).as_deref() {
        None | Some("promote") => Ok(Command::Promote),
        Some("rollback") => Ok(Command::Rollback),
        Some("plan") => Ok(Command::Plan),
        Some("status") => Ok(Command::Status),
        Some(other) => Err(InputError::Invalid {
            input: "command",
            value: shorten(other),
            accepted: "promote, rollback, plan, status",
        }),
    }
}

/// `promotion-type`; empty = `copy`.
fn promotion_type(value: Option<String>) -> Result<PromotionType, InputError> {
    match set(value).as_deref() {
        None | Some("copy") => Ok(PromotionType::Copy),
        Some("move") => Ok(PromotionType::Move),
        Some("keep") => Ok(PromotionType::Keep),
        Some(other) => Err(InputError::Invalid {
            input: "promotion-type",
            value: shorten(other),
            accepted: "copy, move, keep",
        }),
    }
}

/// `to-version` goes with a rollback (or its plan) and instead of `version`.
fn to_version_fits(
    command: Command,
    version: Option<&str>,
    to_version: Option<&str>,
) -> Result<(), InputError> {
    if to_version.is_none() {
        return Ok(());
    }
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
    Ok(())
}

/// A rollback names its version (or the version to roll back to) and says why.
fn rollback_has_what_it_needs(
    version: Option<&str>,
    to_version: Option<&str>,
    reason: Option<&str>,
) -> Result<(), InputError> {
    if version.is_none() && to_version.is_none() {
        return Err(InputError::Combination {
            message: "input `command` is rollback but `version` and `to-version` are empty: name the version to roll back, or the version to roll back to".into(),
        });
    }
    if reason.is_none() {
        return Err(InputError::Combination {
            message: "input `command` is rollback but `reason` is empty: a rollback must say why"
                .into(),
        });
    }
    Ok(())
}

/// `notify-webhook`: an http(s) URL, never echoed (it is a secret).
fn notify_webhook(value: Option<String>) -> Result<Option<Secret>, InputError> {
    match set(value) {
        Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => {
            Err(InputError::Invalid {
                input: "notify-webhook",
                value: "(hidden: the webhook URL is a secret)".into(),
                accepted: "an http(s) URL",
            })
        }
        other => Ok(other.map(Secret::new)),
    }
}

/// `evidence-key` (a private key that must parse) and `evidence-key-alias` (required with it).
fn signing_key(
    key: Option<String>,
    alias: Option<String>,
) -> Result<(Option<Secret>, Option<String>), InputError> {
    let evidence_key = set(key).map(Secret::new);
    let evidence_key_alias = plain(
        "evidence-key-alias",
        alias,
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
    Ok((evidence_key, evidence_key_alias))
}

/// `policy`: the path given, or the default one (whose absence is only a warning).
fn policy_source(value: Option<String>) -> PolicySource {
    match set(value) {
        Some(path) => PolicySource {
            explicit: path != DEFAULT_POLICY,
            path,
        },
        None => PolicySource {
            path: DEFAULT_POLICY.into(),
            explicit: false,
        },
    }
}
