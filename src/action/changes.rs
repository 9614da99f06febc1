//! The change set of a promote or plan ([`crate::promotion::changes`]): which version is now
//! current in the target stage (one version list), both versions' commits (our
//! `promote-action.commit` property, read with `GET …/versions/{v}`; for the candidate without
//! one, the commit of this run), then GitHub's comparison and merged pull requests between them.
//!
//! Every read here is informative: a failure is recorded as the change set's note plus one
//! warning, and never changes what the run decides or sends.

use super::run::Run;
use crate::inputs::RunContext;
use crate::jfrog::apptrust::AppTrustApi;
use crate::promotion::changes::{COMMIT_PROPERTY, ChangeSet, commit_of, current_in};

/// The change set of promoting `candidate` into `stage`, and the one warning to give when a
/// read failed (the change set's note then says what is missing).
pub(super) async fn read<A: AppTrustApi>(
    run: &Run<'_, A>,
    stage: &str,
    candidate: &str,
) -> (ChangeSet, Option<String>) {
    let Run {
        inputs, ctx, api, ..
    } = *run;
    let app = &inputs.application;
    let shown = run.lifecycle.display(stage).to_string();
    let mut set = ChangeSet {
        stage: stage.to_string(),
        repository_url: ctx
            .repository
            .as_ref()
            .map(|r| format!("{}/{r}", ctx.server_url.trim_end_matches('/'))),
        ..ChangeSet::default()
    };
    // The version list and the candidate's properties do not need each other.
    let (versions, candidate_props) = super::reads::both(
        run.settings.sequential_reads,
        api.list_versions(app),
        api.version_properties(app, candidate),
    )
    .await;
    let versions = match versions {
        Ok(v) => v,
        Err(e) => return warn(set, e.to_string()),
    };
    // The candidate's own commit: recorded by an earlier promotion, else this run's. Unread,
    // it stays unknown: the run's commit would overwrite a recorded one.
    set.head_commit = match candidate_props {
        Ok(p) => commit_of(p.get(COMMIT_PROPERTY)).or_else(|| run_commit(ctx)),
        Err(e) => {
            return warn(
                set,
                format!("the properties of {candidate} could not be read ({e})"),
            );
        }
    };
    let Some(base) = current_in(&versions, stage, candidate) else {
        set.note = Some(format!(
            "nothing is in {shown} yet: this is its first promotion, there is nothing to compare with"
        ));
        return (set, None);
    };
    set.base_version = Some(base.version.clone());
    match api.version_properties(app, &base.version).await {
        Ok(p) => set.base_commit = commit_of(p.get(COMMIT_PROPERTY)),
        Err(e) => {
            let what = format!("the properties of {} could not be read ({e})", base.version);
            return warn(set, what);
        }
    }
    let (Some(base_sha), Some(head_sha)) = (set.base_commit.clone(), set.head_commit.clone())
    else {
        set.note = Some(match set.base_commit {
            None => format!(
                "{} (now in {shown}) has no recorded commit (property {COMMIT_PROPERTY}, written when promote-action promotes a version), so the commits since it are not listed",
                base.version
            ),
            Some(_) => format!(
                "this version's commit is not known (no property {COMMIT_PROPERTY} and no GITHUB_SHA)"
            ),
        });
        return (set, None);
    };
    if base_sha == head_sha {
        set.status = Some("identical".into());
        return (set, None);
    }
    let (Some(_), Some(repo)) = (&inputs.github_token, &ctx.repository) else {
        set.note = Some(
            "no github-token (or GITHUB_REPOSITORY): the commits between the two versions were not read".into(),
        );
        return (set, None);
    };
    let client = match run.github {
        Ok(c) => c,
        Err(e) => return warn(set, e.clone()),
    };
    let repo = crate::github::changes::repo_path(repo);
    let compared = match client.compare(&repo, &base_sha, &head_sha).await {
        Ok(c) => c,
        Err(e) => return warn(set, e),
    };
    set.status = compared.status;
    set.commits = compared.total;
    set.commit_list = compared.commits;
    match client.merged_pulls(&repo, &set.commit_list).await {
        Ok((pulls, skipped)) => {
            set.pull_requests = pulls;
            set.commits_not_looked_up = skipped;
            (set, None)
        }
        Err(e) => warn(set, format!("its pull requests: {e}")),
    }
}

/// A change set missing what `what` says, and the one warning about it.
fn warn(mut set: ChangeSet, what: String) -> (ChangeSet, Option<String>) {
    let warning =
        format!("what this promotion changes was not read (the promotion is not affected): {what}");
    set.note = Some(what);
    (set, Some(warning))
}

/// The commit this run is about: the head of the CI run a `workflow_run` event reports, else
/// the pull request's head, else `GITHUB_SHA`.
fn run_commit(ctx: &RunContext) -> Option<String> {
    let event = ctx
        .event_path
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok());
    if ctx.event_name.as_deref() == Some("workflow_run") {
        let head = event
            .as_deref()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .and_then(|v| {
                v.pointer("/workflow_run/head_sha")
                    .and_then(|s| s.as_str())
                    .map(str::to_string)
            });
        if let Some(h) = head {
            return commit_of(Some(&vec![h]));
        }
    }
    let sha = crate::github::head_sha(
        ctx.event_name.as_deref(),
        event.as_deref(),
        ctx.sha.as_deref(),
    )?;
    commit_of(Some(&vec![sha]))
}
