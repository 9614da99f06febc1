//! What the gates read from GitHub: check runs on the commit and the approvals of this run's
//! environment gate, plus the commit a run is about.

use serde::Deserialize;

use super::GitHubClient;

/// One GitHub check run, reduced to what the gate reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CheckRun {
    /// Check name.
    pub(crate) name: String,
    /// `queued`, `in_progress`, `completed`.
    pub(crate) status: String,
    /// `success`, `failure`, `neutral`, `skipped`, … (empty while running).
    pub(crate) conclusion: String,
}

/// One approval of a run's environment gate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct Approval {
    /// Reviewer login.
    pub(crate) user: String,
    /// `approved` or `rejected`.
    pub(crate) state: String,
    /// Environments the review covered.
    pub(crate) environments: Vec<String>,
    /// Reviewer comment.
    pub(crate) comment: String,
}

#[derive(Deserialize)]
struct CheckRunsPage {
    #[serde(default)]
    total_count: u64,
    #[serde(default)]
    check_runs: Vec<CheckRunBody>,
}

#[derive(Deserialize)]
struct CheckRunBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    conclusion: Option<String>,
}

#[derive(Deserialize)]
struct ApprovalBody {
    #[serde(default)]
    state: String,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    environments: Vec<EnvBody>,
    user: Option<UserBody>,
}

#[derive(Deserialize)]
struct EnvBody {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct UserBody {
    #[serde(default)]
    login: String,
}

impl GitHubClient {
    /// Every check run on `sha`, all pages, newest first per name as GitHub lists them.
    pub(crate) async fn check_runs(&self, repo: &str, sha: &str) -> Result<Vec<CheckRun>, String> {
        let mut out = Vec::new();
        for page in 1..=20 {
            let text = self
                .get(&format!(
                    "/repos/{repo}/commits/{sha}/check-runs?per_page=100&page={page}"
                ))
                .await?;
            let body: CheckRunsPage = serde_json::from_str(&text)
                .map_err(|e| format!("check runs of {sha}: unexpected answer ({e})"))?;
            let n = body.check_runs.len();
            out.extend(body.check_runs.into_iter().map(|c| CheckRun {
                name: c.name,
                status: c.status,
                conclusion: c.conclusion.unwrap_or_default(),
            }));
            if n < 100 || out.len() as u64 >= body.total_count {
                break;
            }
        }
        Ok(out)
    }

    /// Approvals recorded on a workflow run.
    pub(crate) async fn approvals(
        &self,
        repo: &str,
        run_id: &str,
    ) -> Result<Vec<Approval>, String> {
        let text = self
            .get(&format!("/repos/{repo}/actions/runs/{run_id}/approvals"))
            .await?;
        let body: Vec<ApprovalBody> = serde_json::from_str(&text)
            .map_err(|e| format!("approvals of run {run_id}: unexpected answer ({e})"))?;
        Ok(body
            .into_iter()
            .map(|a| Approval {
                user: a.user.map(|u| u.login).unwrap_or_default(),
                state: a.state.to_ascii_lowercase(),
                environments: a.environments.into_iter().map(|e| e.name).collect(),
                comment: a.comment.unwrap_or_default(),
            })
            .collect())
    }
}

/// The commit to check: the PR head for `pull_request` events (not the merge commit).
pub(crate) fn head_sha(
    event_name: Option<&str>,
    event_json: Option<&str>,
    sha: Option<&str>,
) -> Option<String> {
    if matches!(event_name, Some("pull_request" | "pull_request_target")) {
        if let Some(v) = event_json.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        {
            if let Some(h) = v.pointer("/pull_request/head/sha").and_then(|s| s.as_str()) {
                return Some(h.to_string());
            }
        }
    }
    sha.map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_requests_use_the_head_sha() {
        let event = r#"{"pull_request":{"head":{"sha":"abc"}}}"#;
        assert_eq!(
            head_sha(Some("pull_request"), Some(event), Some("merge")).as_deref(),
            Some("abc")
        );
        assert_eq!(
            head_sha(Some("push"), Some(event), Some("merge")).as_deref(),
            Some("merge")
        );
        assert_eq!(
            head_sha(Some("pull_request"), None, Some("merge")).as_deref(),
            Some("merge")
        );
    }
}
