//! Deployments: one per stage the run reached (or left, for a rollback), with `in_progress`
//! then its final status, so the repository's environments show where each version is.
//!
//! [`Deployment`] words each request (pure); [`deployments`] only sends them.

use reqwest::Method;
use serde_json::{Value, json};

use super::ReportRequest;
use super::text::{deployment_stage, warning};
use crate::github::GitHubClient;
use crate::lifecycle::HopAction;
use crate::promotion::outcome::{Hop, HopStatus, Outcome};
use crate::report::apptrust_version_url;
use crate::report::markdown::cut;

/// GitHub's limit for a deployment status description.
const MAX_DESCRIPTION: usize = 140;

pub(super) async fn deployments(
    client: &GitHubClient,
    req: &ReportRequest<'_>,
    o: &Outcome,
) -> Vec<String> {
    let hops: Vec<_> = o
        .hops
        .iter()
        .filter(|h| {
            matches!(
                h.status,
                HopStatus::Done | HopStatus::Blocked | HopStatus::Failed
            ) && !deployment_stage(h).is_empty()
        })
        .collect();
    if hops.is_empty() {
        return Vec::new();
    }
    let Some(sha) = req.sha else {
        return vec![
            "deployments were not created: GITHUB_SHA is not set, so there is no commit to deploy; run the action inside a workflow or set `deployment: false`".to_string(),
        ];
    };
    let env_url = apptrust_version_url(req.jfrog_url, &o.application, &o.version);
    let release_stage = o.lifecycle.as_ref().map(|l| l.release_stage.as_str());
    let mut warnings = Vec::new();
    for h in hops {
        let d = Deployment::of(o, h, sha, release_stage);
        let what = format!("deployment to environment `{}`", d.env);
        let created = match client
            .call(
                Method::POST,
                &format!("/repos/{}/deployments", req.repo),
                Some(&d.body),
            )
            .await
        {
            Ok(v) => v,
            Err(e) => {
                warnings.push(warning(
                    &format!("{what} was not created"),
                    "deployments: write",
                    "deployment",
                    &e,
                ));
                // A token that cannot create one deployment cannot create the next either.
                if matches!(e.status, Some(401 | 403 | 404)) {
                    break;
                }
                continue;
            }
        };
        let Some(id) = created.get("id").and_then(Value::as_u64) else {
            warnings.push(format!(
                "{what} was not created: GitHub answered without a deployment id ({}); the environment was left unchanged. The promotion itself is not affected.",
                cut(created.get("message").and_then(Value::as_str).unwrap_or(""), 200)
            ));
            continue;
        };
        for (state, status) in d.statuses(o, h, req.run_url, env_url.as_deref()) {
            if let Err(e) = client
                .call(
                    Method::POST,
                    &format!("/repos/{}/deployments/{id}/statuses", req.repo),
                    Some(&status),
                )
                .await
            {
                warnings.push(warning(
                    &format!("{what}: status `{state}` was not set"),
                    "deployments: write",
                    "deployment",
                    &e,
                ));
                break;
            }
        }
    }
    warnings
}

/// One deployment as GitHub is asked to create it: the environment, where the version went,
/// the description and the request body.
pub(super) struct Deployment {
    pub(super) env: String,
    to: String,
    description: String,
    rollback: bool,
    pub(super) body: Value,
}

impl Deployment {
    pub(super) fn of(o: &Outcome, h: &Hop, sha: &str, release_stage: Option<&str>) -> Deployment {
        let stage = deployment_stage(h);
        let env = o.display(stage).to_string();
        let production = h.action == HopAction::Release || release_stage == Some(stage);
        let rollback = h.action == HopAction::Rollback;
        let to = if h.to.is_empty() {
            "(no stage)".to_string()
        } else {
            o.display(&h.to).to_string()
        };
        let description = cut(
            &if rollback {
                format!("{} {}: rollback {env} → {to}", o.application, o.version)
            } else {
                format!(
                    "{} {}: {} → {env}",
                    o.application,
                    o.version,
                    if h.from.is_empty() {
                        "(no stage)"
                    } else {
                        o.display(&h.from)
                    }
                )
            },
            MAX_DESCRIPTION - 1,
        );
        let body = json!({
            "ref": sha,
            // A rollback is recorded as its own task so the environment's history says so.
            "task": if rollback { "rollback" } else { "deploy" },
            "auto_merge": false,
            "required_contexts": [],
            "environment": env,
            "description": description,
            "production_environment": production,
            "transient_environment": false,
            "payload": {
                "application": o.application,
                "version": o.version,
                "from_stage": h.from,
                "to_stage": h.to,
            },
        });
        Deployment {
            env,
            to,
            description,
            rollback,
            body,
        }
    }
}

impl Deployment {
    /// The two statuses set on the created deployment, in order: `in_progress`, then how the
    /// hop ended; each with its state.
    pub(super) fn statuses(
        &self,
        o: &Outcome,
        h: &Hop,
        run_url: Option<&str>,
        env_url: Option<&str>,
    ) -> [(&'static str, Value); 2] {
        let (state, final_description) = final_status(o, h, &self.env, &self.to, self.rollback);
        [
            ("in_progress", self.description.clone()),
            (state, final_description),
        ]
        .map(|(state, text)| {
            let mut status = json!({
                "state": state,
                "description": cut(&text, MAX_DESCRIPTION - 1),
                "environment": self.env,
            });
            if let Some(u) = run_url {
                status["log_url"] = json!(u);
            }
            if let Some(u) = env_url {
                status["environment_url"] = json!(u);
            }
            (state, status)
        })
    }
}

/// The deployment's final state and its description, from how the hop ended.
fn final_status(
    o: &Outcome,
    h: &Hop,
    env: &str,
    to: &str,
    rollback: bool,
) -> (&'static str, String) {
    match h.status {
        // The version left this stage: its deployment there is no longer live.
        HopStatus::Done if rollback => ("inactive", format!("rolled back to {to}")),
        HopStatus::Done if h.action == HopAction::Release => {
            ("success", format!("released {} to {env}", o.version))
        }
        HopStatus::Done => ("success", format!("promoted {} to {env}", o.version)),
        HopStatus::Blocked => ("failure", format!("blocked: {}", h.message)),
        _ => ("failure", format!("failed: {}", h.message)),
    }
}
