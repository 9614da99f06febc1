//! The JSON audit record: inputs (secrets redacted), every decision, every request, final state.
//!
//! Written next to the run (`$RUNNER_TEMP`, else the workspace) and named by the `record` output,
//! so a workflow can upload it as an artifact.

use std::path::{Path, PathBuf};

use crate::http::RequestLog;
use crate::inputs::{Inputs, RunContext};
use crate::promotion::outcome::Outcome;

/// Schema version of the record; bump on incompatible change.
pub(crate) const RECORD_VERSION: u32 = 1;

/// The record document.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct Record<'a> {
    /// Schema version.
    pub(crate) record_version: u32,
    /// Tool and version.
    pub(crate) tool: String,
    /// When the record was written (RFC 3339, UTC).
    pub(crate) written_at: String,
    /// Inputs, secrets shown only as set/unset.
    pub(crate) inputs: serde_json::Value,
    /// Run context.
    pub(crate) run: serde_json::Value,
    /// Decisions and final state.
    pub(crate) outcome: &'a Outcome,
    /// Requests made to AppTrust.
    pub(crate) requests: &'a [RequestLog],
}

/// Inputs as JSON with every secret replaced by `"***"` (or null when unset).
pub(crate) fn redacted_inputs(i: &Inputs) -> serde_json::Value {
    let secret = |s: &Option<crate::inputs::Secret>| {
        if s.is_some() {
            serde_json::json!("***")
        } else {
            serde_json::Value::Null
        }
    };
    serde_json::json!({
        "jfrog-url": i.jfrog_url,
        "access-token": secret(&i.access_token),
        "oidc-provider-name": i.oidc_provider_name,
        "oidc-audience": i.oidc_audience,
        "project": i.project,
        "application": i.application,
        "version": i.version,
        "command": i.command,
        "target-stage": i.target_stage,
        "policy": i.policy.path,
        "promotion-type": i.promotion_type,
        "include-repos": i.selection.include_repos,
        "exclude-repos": i.selection.exclude_repos,
        "overwrite-strategy": i.selection.overwrite_strategy,
        "properties": i.selection.properties,
        "hotfix": i.hotfix,
        "reason": i.reason,
        "from-stage": i.from_stage,
        "github-token": secret(&i.github_token),
        "check-run": i.check_run,
        "deployment": i.deployment,
        "notify-issue": i.notify_issue,
        "notify-webhook": secret(&i.notify_webhook),
        "summary": i.summary,
        "evidence-key": secret(&i.evidence_key),
        "evidence-key-alias": i.evidence_key_alias,
    })
}

/// Where the runner mounts the workspace inside a container action.
const CONTAINER_WORKSPACE: &str = "/github/workspace";

/// Where the record is written, and the path the `record` output gives for it.
///
/// On a host runner: `$RUNNER_TEMP/<name>`, absolute. Inside the action's container,
/// `$RUNNER_TEMP` is `/github/runner_temp`, a path later steps on the host cannot open (outputs
/// are not translated back), so the record goes into the workspace and the output is relative
/// to it: later steps run with the workspace as working directory, and `actions/upload-artifact`
/// resolves relative paths against it.
pub(crate) fn location(ctx: &RunContext, outcome: &Outcome) -> (PathBuf, String) {
    let name = file_name(ctx, outcome);
    if ctx.workspace.starts_with(CONTAINER_WORKSPACE) {
        return (ctx.workspace.join(&name), name);
    }
    let dir: &Path = ctx.runner_temp.as_deref().unwrap_or(&ctx.workspace);
    let path = dir.join(&name);
    let shown = path.display().to_string();
    (path, shown)
}

fn file_name(ctx: &RunContext, outcome: &Outcome) -> String {
    let safe: String = format!("{}-{}", outcome.application, outcome.version)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let run = ctx
        .run_id
        .clone()
        .unwrap_or_else(|| jiff::Timestamp::now().as_second().to_string());
    // A job may run the action several times for one version: never overwrite a record.
    let unique = uuid::Uuid::new_v4().simple().to_string();
    format!("promote-action-record-{safe}-{run}-{}.json", &unique[..8])
}

/// Serialises the record.
pub(crate) fn render(
    inputs: Option<&Inputs>,
    ctx: &RunContext,
    outcome: &Outcome,
    requests: &[RequestLog],
) -> String {
    let record = Record {
        record_version: RECORD_VERSION,
        tool: format!("promote-action {}", env!("CARGO_PKG_VERSION")),
        written_at: jiff::Timestamp::now().to_string(),
        inputs: inputs
            .map(redacted_inputs)
            .unwrap_or(serde_json::Value::Null),
        run: serde_json::json!({
            "repository": ctx.repository,
            "run_id": ctx.run_id,
            "run_url": ctx.run_url(),
            "sha": ctx.sha,
            "actor": ctx.actor,
            "event": ctx.event_name,
            "ref": ctx.git_ref,
        }),
        outcome,
        requests,
    };
    serde_json::to_string_pretty(&record)
        .unwrap_or_else(|e| format!("{{\"error\":\"cannot serialise the record: {e}\"}}"))
}

/// The JSON Schema of the record (committed as `schema/record.schema.json`).
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Record<'static>)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Command;

    fn ctx(workspace: &str, temp: Option<&str>) -> RunContext {
        RunContext {
            workspace: PathBuf::from(workspace),
            runner_temp: temp.map(PathBuf::from),
            run_id: Some("7".into()),
            ..RunContext::default()
        }
    }

    #[test]
    fn host_runs_use_runner_temp_and_container_runs_a_workspace_relative_path() {
        let o = Outcome::new(Command::Promote, "inv", "1.0.0+b/1");
        let (path, shown) = location(
            &ctx("/home/runner/work/r/r", Some("/home/runner/work/_temp")),
            &o,
        );
        assert!(path.starts_with("/home/runner/work/_temp"));
        assert_eq!(shown, path.display().to_string());
        assert!(
            shown.contains("promote-action-record-inv-1.0.0_b_1-7-"),
            "{shown}"
        );
        let (path, shown) = location(&ctx("/github/workspace", Some("/github/runner_temp")), &o);
        assert!(path.starts_with("/github/workspace"));
        assert!(
            !shown.starts_with('/'),
            "later host steps resolve it against the workspace: {shown}"
        );
    }
}
