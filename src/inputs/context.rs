//! The run context the runner provides (`GITHUB_*`, `RUNNER_*`, `ACTIONS_*`): where the run is,
//! who started it and why, read from the variables `main.rs` hands over.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::secret::Secret;

/// The run context the runner provides (`GITHUB_*`, `RUNNER_*`, `ACTIONS_*`).
#[derive(Debug, Clone, Default)]
pub struct RunContext {
    /// `owner/repo`.
    pub(crate) repository: Option<String>,
    /// Run id.
    pub(crate) run_id: Option<String>,
    /// Commit SHA.
    pub(crate) sha: Option<String>,
    /// Who triggered the run.
    pub(crate) actor: Option<String>,
    /// Event name (`schedule`, `workflow_dispatch`, …).
    pub(crate) event_name: Option<String>,
    /// Path of the event payload.
    pub(crate) event_path: Option<PathBuf>,
    /// `https://github.com` or the GHES URL.
    pub(crate) server_url: String,
    /// REST API base URL.
    pub(crate) api_url: String,
    /// Ref.
    pub(crate) git_ref: Option<String>,
    /// Short ref name (`main`, `v1.2.0`, `42/merge`).
    pub(crate) ref_name: Option<String>,
    /// Attempt number of this run (`GITHUB_RUN_ATTEMPT`).
    pub(crate) run_attempt: Option<String>,
    /// Workflow name (`GITHUB_WORKFLOW`).
    pub(crate) workflow: Option<String>,
    /// Workspace directory (relative report paths are resolved against it).
    pub(crate) workspace: PathBuf,
    /// Directory for the record file.
    pub(crate) runner_temp: Option<PathBuf>,
    /// `GITHUB_OUTPUT` file.
    pub(crate) output_file: Option<PathBuf>,
    /// `GITHUB_STEP_SUMMARY` file.
    pub(crate) summary_file: Option<PathBuf>,
    /// Whether the runner asked for debug logs.
    pub(crate) debug: bool,
    /// OIDC ID-token request URL (present only with `id-token: write`).
    pub(crate) id_token_request_url: Option<String>,
    /// OIDC ID-token request bearer token.
    pub(crate) id_token_request_token: Option<Secret>,
    /// PEM bundle file of extra CA certificates (`SSL_CERT_FILE`), for self-hosted JFrog.
    pub(crate) extra_ca_file: Option<PathBuf>,
    /// Job id.
    pub(crate) job: Option<String>,
    /// Variables a policy may name for a credential (`token-env`), as secrets.
    pub(crate) secret_vars: crate::secret::SecretVars,
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
    pub(crate) fn run_url(&self) -> Option<String> {
        Some(format!(
            "{}/{}/actions/runs/{}",
            self.server_url.trim_end_matches('/'),
            self.repository.as_ref()?,
            self.run_id.as_ref()?
        ))
    }
}
