//! Handlers of the GitHub attestations stand-in under `/github/` (see `simulator::attestations`):
//! GitHub's error shape (`{"message": …}`) and its `Link: rel="next"` paging.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde_json::json;

use super::{Q, json_response};
use crate::simulator::Simulator;
use crate::simulator::attestations::Scope;

pub(super) async fn repo_attestations(
    State(sim): State<Simulator>,
    Path((owner, repo, digest)): Path<(String, String, String)>,
    q: Q,
) -> Response {
    let path = format!("/github/repos/{owner}/{repo}/attestations/{digest}");
    list(&sim, &Scope::Repo(&owner, &repo), &digest, &q, &path)
}

pub(super) async fn org_attestations(
    State(sim): State<Simulator>,
    Path((org, digest)): Path<(String, String)>,
    q: Q,
) -> Response {
    let path = format!("/github/orgs/{org}/attestations/{digest}");
    list(&sim, &Scope::Org(&org), &digest, &q, &path)
}

fn list(sim: &Simulator, scope: &Scope<'_>, digest: &str, q: &Q, path: &str) -> Response {
    let per_page = q
        .get("per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(crate::simulator::attestations::DEFAULT_PER_PAGE);
    let after = q.get("after").map(String::as_str);
    match sim.with_state(|s| s.github_attestations(scope, digest, per_page, after)) {
        Ok((body, next)) => {
            let mut resp = json_response(200, &body);
            if let Some(cursor) = next {
                let link = format!("<{path}?per_page={per_page}&after={cursor}>; rel=\"next\"");
                if let Ok(v) = HeaderValue::from_str(&link) {
                    resp.headers_mut().insert(header::LINK, v);
                }
            }
            resp
        }
        Err(e) => json_response(
            e.status,
            &json!({"message": e.message, "documentation_url": "https://docs.github.com/rest/users/attestations"}),
        ),
    }
}
