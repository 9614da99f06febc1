//! The check run `promotion: <stage>`: the verdict, the job summary (cut to GitHub's limit) and
//! one annotation per failing test or finding, 50 per request as the API allows.

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

pub(super) async fn check_run(
    client: &GitHubClient,
    req: &ReportRequest<'_>,
    o: &Outcome,
) -> Result<(), String> {
    let name = format!("promotion: {}", stage_of(o));
    let what = format!("check run `{name}` was not created");
    let Some(sha) = req.sha else {
        return Err(format!(
            "{what}: GITHUB_SHA is not set, so there is no commit to attach it to; run the action inside a workflow or set `check-run: false`"
        ));
    };
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
    let mut body = json!({
        "name": name,
        "head_sha": sha,
        "status": "completed",
        "conclusion": conclusion(o.result),
        "completed_at": jiff::Timestamp::now().to_string(),
        "output": { "title": title, "summary": summary, "annotations": first },
    });
    if let Some(u) = req.run_url {
        body["details_url"] = json!(u);
    }
    let created = client
        .call(
            Method::POST,
            &format!("/repos/{}/check-runs", req.repo),
            Some(&body),
        )
        .await
        .map_err(|e| warning(&what, "checks: write", "check-run", &e))?;
    let Some(id) = created.get("id").and_then(Value::as_u64) else {
        return Err(format!(
            "{what}: GitHub's answer has no check-run id; the annotations beyond the first {ANNOTATIONS_PER_REQUEST} were not added"
        ));
    };
    for (i, batch) in batches.enumerate() {
        // Each PATCH appends its annotations; the API requires title and summary every time.
        let patch = json!({
            "output": { "title": title, "summary": summary, "annotations": batch },
        });
        if let Err(e) = client
            .call(
                Method::PATCH,
                &format!("/repos/{}/check-runs/{id}", req.repo),
                Some(&patch),
            )
            .await
        {
            let done = ANNOTATIONS_PER_REQUEST * (i + 1);
            return Err(warning(
                &format!(
                    "check run `{name}`: only {done} of {} annotations were added",
                    all.len()
                ),
                "checks: write",
                "check-run",
                &e,
            ));
        }
    }
    Ok(())
}
