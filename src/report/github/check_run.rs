//! The check run `promotion: <stage>`: the verdict, the job summary (cut to GitHub's limit) and
//! one annotation per failing test or finding, 50 per request as the API allows.
//!
//! [`render`] words the whole check run (pure); [`check_run`] only sends it.

use reqwest::Method;
use serde_json::{Value, json};

use super::ReportRequest;
use super::text::{bounded, conclusion, cut_bytes, stage_of, verdict_line, warning};
use crate::gates::Severity;
use crate::github::GitHubClient;
use crate::promotion::outcome::Outcome;
use crate::report::markdown::cut;

/// GitHub's limit for a check run's `output.summary`, in characters.
pub const MAX_CHECK_SUMMARY: usize = 65_535;
/// GitHub accepts at most this many annotations per check-run request; more need PATCHes.
pub const ANNOTATIONS_PER_REQUEST: usize = 50;
/// GitHub's limit for one annotation's message (64 KB).
const MAX_ANNOTATION_MESSAGE: usize = 64 * 1024 - 1;

fn annotations(o: &Outcome) -> Vec<Value> {
    o.findings
        .iter()
        .filter_map(|f| {
            // The API needs a path; findings without one are in the summary instead.
            let path = f.file.as_deref().filter(|p| !p.is_empty())?;
            let line = f.line.filter(|l| *l > 0).unwrap_or(1);
            let message = if f.message.trim().is_empty() {
                &f.title
            } else {
                &f.message
            };
            Some(json!({
                "path": path,
                "start_line": line,
                "end_line": line,
                "annotation_level": match f.severity {
                    Severity::Error => "failure",
                    Severity::Warning => "warning",
                    Severity::Notice => "notice",
                },
                "title": cut(&f.title, 255),
                "message": cut_bytes(message, MAX_ANNOTATION_MESSAGE),
            }))
        })
        .collect()
}

/// The check run as GitHub is asked to create it: its name, the create request (with the
/// first [`ANNOTATIONS_PER_REQUEST`] annotations) and one PATCH body per further batch.
pub(super) struct CheckRun {
    pub(super) name: String,
    pub(super) create: Value,
    pub(super) patches: Vec<Value>,
    /// All annotations, for the warning when a PATCH fails.
    pub(super) annotations: usize,
}

/// The name of the check run about `o` (also what its warnings name).
pub(super) fn name(o: &Outcome) -> String {
    format!("promotion: {}", stage_of(o))
}

/// Words the check run on commit `sha`, completed at `completed_at`.
pub(super) fn render(
    req: &ReportRequest<'_>,
    o: &Outcome,
    sha: &str,
    completed_at: jiff::Timestamp,
) -> CheckRun {
    let name = name(o);
    let note = match req.run_url {
        Some(u) => {
            format!("_Cut to fit a check run; the whole summary is on the [workflow run]({u})._")
        }
        None => "_Cut to fit a check run; the whole summary is on the workflow run._".to_string(),
    };
    let summary = bounded(req.summary, MAX_CHECK_SUMMARY, &note);
    let title = cut(&verdict_line(o), 200);
    let all = annotations(o);
    let mut batches = all.chunks(ANNOTATIONS_PER_REQUEST);
    let first: Vec<Value> = batches.next().map(<[Value]>::to_vec).unwrap_or_default();
    let mut create = json!({
        "name": name,
        "head_sha": sha,
        "status": "completed",
        "conclusion": conclusion(o.result),
        "completed_at": completed_at.to_string(),
        "output": { "title": title, "summary": summary, "annotations": first },
    });
    if let Some(u) = req.run_url {
        create["details_url"] = json!(u);
    }
    // Each PATCH appends its annotations; the API requires title and summary every time.
    let patches = batches
        .map(|batch| json!({ "output": { "title": title, "summary": summary, "annotations": batch } }))
        .collect();
    CheckRun {
        name,
        create,
        patches,
        annotations: all.len(),
    }
}

pub(super) async fn check_run(
    client: &GitHubClient,
    req: &ReportRequest<'_>,
    o: &Outcome,
) -> Result<(), String> {
    let Some(sha) = req.sha else {
        return Err(format!(
            "check run `{}` was not created: GITHUB_SHA is not set, so there is no commit to attach it to; run the action inside a workflow or set `check-run: false`",
            name(o)
        ));
    };
    let run = render(req, o, sha, jiff::Timestamp::now());
    let what = format!("check run `{}` was not created", run.name);
    let created = client
        .call(
            Method::POST,
            &format!("/repos/{}/check-runs", req.repo),
            Some(&run.create),
        )
        .await
        .map_err(|e| warning(&what, "checks: write", "check-run", &e))?;
    let Some(id) = created.get("id").and_then(Value::as_u64) else {
        return Err(format!(
            "{what}: GitHub's answer has no check-run id; the annotations beyond the first {ANNOTATIONS_PER_REQUEST} were not added"
        ));
    };
    for (i, patch) in run.patches.iter().enumerate() {
        if let Err(e) = client
            .call(
                Method::PATCH,
                &format!("/repos/{}/check-runs/{id}", req.repo),
                Some(patch),
            )
            .await
        {
            let done = ANNOTATIONS_PER_REQUEST * (i + 1);
            return Err(warning(
                &format!(
                    "check run `{}`: only {done} of {} annotations were added",
                    run.name, run.annotations
                ),
                "checks: write",
                "check-run",
                &e,
            ));
        }
    }
    Ok(())
}
