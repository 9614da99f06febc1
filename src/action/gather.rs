//! Gathering every fact the stage decisions need, before any is decided: report files, the
//! version's content and evidence from AppTrust, check runs and approvals from GitHub.
//!
//! This is the I/O half of deciding; the pure half is [`crate::gates::stage`]. Evidence is
//! gathered once, up front, so a plan shows every stage and a promotion never stops half-way
//! because a later report is unreadable only after an earlier hop went through.

use std::collections::BTreeMap;
use std::path::Path;

use crate::apptrust::{AppTrustApi, VersionContent};
use crate::evidence::facts::{Evidence, GitHubFacts, IntegrityFacts};
use crate::evidence::gather;
use crate::github::GitHubClient;
use crate::http::ClientOptions;
use crate::inputs::{Inputs, RunContext};
use crate::policy::{GateSpec, Policy};

/// The evidence of every gate of every stage of `path` that the policy names, in gate order.
pub(super) async fn stage_evidence<A: AppTrustApi>(
    policy: &Policy,
    path: &[String],
    api: &A,
    app: &str,
    content: &VersionContent,
    github: &GitHubFacts,
    workspace: &Path,
) -> BTreeMap<String, Vec<Evidence>> {
    let mut out = BTreeMap::new();
    let mut attached: Option<Evidence> = None;
    for stage in path {
        let Some(sp) = policy.stage(stage) else {
            continue;
        };
        let mut evidence = Vec::new();
        for gate in &sp.gates {
            let e = match &gate.spec {
                GateSpec::Integrity { files } => integrity(workspace, content, files),
                GateSpec::Evidence { .. } => match &attached {
                    Some(e) => e.clone(),
                    None => {
                        // Read once per run, however many stages require evidence.
                        let e = match api.evidence_types(app, &content.version).await {
                            Ok(types) => Evidence::EvidenceTypes(types),
                            Err(e) => Evidence::Unavailable(format!(
                                "cannot read the version's evidence from AppTrust: {e}"
                            )),
                        };
                        attached = Some(e.clone());
                        e
                    }
                },
                GateSpec::Checks { .. } => github.checks.clone(),
                spec => gather::file_evidence(workspace, spec)
                    .unwrap_or_else(|| Evidence::Unavailable("no reader for this gate".into())),
            };
            evidence.push(e);
        }
        out.insert(stage.clone(), evidence);
    }
    out
}

fn integrity(workspace: &Path, content: &VersionContent, files: &[String]) -> Evidence {
    let mut facts = IntegrityFacts {
        status: content.status.clone(),
        artifacts: content.artifacts.len(),
        missing_sha: content
            .artifacts
            .iter()
            .filter(|a| a.sha256.as_deref().is_none_or(str::is_empty))
            .map(|a| a.path.clone())
            .collect(),
        ..IntegrityFacts::default()
    };
    if !files.is_empty() {
        match gather::local_digests(workspace, files) {
            Ok(digests) => {
                facts.local_checked = digests.len();
                facts.local_mismatches = digests
                    .into_iter()
                    .filter(|(_, sha)| {
                        !content.artifacts.iter().any(|a| {
                            a.sha256
                                .as_deref()
                                .is_some_and(|s| s.eq_ignore_ascii_case(sha))
                        })
                    })
                    .collect();
            }
            Err(e) => return Evidence::Unavailable(e.to_string()),
        }
    }
    Evidence::Integrity(facts)
}

/// Reads what the policy needs from GitHub on this path (nothing when it needs nothing).
pub(super) async fn github_facts(
    policy: &Policy,
    path: &[String],
    inputs: &Inputs,
    ctx: &RunContext,
    options: &ClientOptions,
) -> GitHubFacts {
    let stages: Vec<_> = path.iter().filter_map(|s| policy.stage(s)).collect();
    let needs_checks = stages.iter().any(|s| {
        s.gates
            .iter()
            .any(|g| matches!(g.spec, crate::policy::GateSpec::Checks { .. }))
    });
    let needs_approvals = stages.iter().any(|s| s.approvals.is_some());
    let mut facts = GitHubFacts::default();
    if !needs_checks && !needs_approvals {
        return facts;
    }
    let client = match (
        &inputs.github_token,
        &ctx.repository,
        crate::http::build_client(options),
    ) {
        (Some(token), Some(_), Ok(http)) => {
            GitHubClient::with_options(http, &ctx.api_url, token.clone(), options.clone())
        }
        (None, _, _) => {
            let why = "input `github-token` is empty: required checks and approvals are read from GitHub (pass `github-token: ${{ github.token }}`)".to_string();
            facts.checks = Evidence::Unavailable(why.clone());
            facts.approvals = Err(why);
            return facts;
        }
        _ => {
            let why =
                "GITHUB_REPOSITORY is not set: this gate needs the GitHub run context".to_string();
            facts.checks = Evidence::Unavailable(why.clone());
            facts.approvals = Err(why);
            return facts;
        }
    };
    let repo = ctx.repository.clone().unwrap_or_default();
    if needs_checks {
        let event = ctx
            .event_path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok());
        facts.checks = match crate::github::head_sha(
            ctx.event_name.as_deref(),
            event.as_deref(),
            ctx.sha.as_deref(),
        ) {
            Some(sha) => match client.check_runs(&repo, &sha).await {
                Ok(runs) => Evidence::Checks(runs),
                Err(e) => Evidence::Unavailable(e),
            },
            None => Evidence::Unavailable(
                "GITHUB_SHA is not set: cannot find the commit's check runs".into(),
            ),
        };
    }
    if needs_approvals {
        facts.approvals = match &ctx.run_id {
            Some(run) => client.approvals(&repo, run).await,
            None => {
                Err("GITHUB_RUN_ID is not set: approvals are read from the workflow run".into())
            }
        };
    }
    facts
}
