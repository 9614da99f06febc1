//! Wire shapes of AppTrust and Access responses, tolerant by design.
//!
//! Every field is optional with a default, unknown fields are ignored and enum-like values are
//! normalised (casing differs between docs, Terraform and BookVerse, see `apptrust-api.md`), so an
//! extra or missing field never turns a successful promotion into a failure.

use serde::Deserialize;
use serde_json::Value;

use super::{Artifact, Evaluation, PromotionEntry, VersionContent};
use crate::lifecycle::Lifecycle;

/// `GET /access/api/v2/lifecycle`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LifecycleBody {
    /// The release stage (`PROD`).
    pub(crate) release_stage: Option<String>,
    /// Stage categories.
    pub(crate) categories: Vec<Category>,
}

/// One lifecycle category.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Category {
    /// `code` or `promote` (any case).
    pub(crate) category: String,
    /// Ordered stages.
    pub(crate) stages: Vec<StageRef>,
}

/// A stage in a category.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct StageRef {
    /// Full stage name.
    pub(crate) name: String,
}

impl LifecycleBody {
    /// The ordered promote stages, the release stage last (appended if the server left it out).
    pub(crate) fn into_lifecycle(self, project: Option<&str>) -> Option<Lifecycle> {
        let mut stages: Vec<String> = self
            .categories
            .into_iter()
            .filter(|c| c.category.eq_ignore_ascii_case("promote"))
            .flat_map(|c| c.stages.into_iter().map(|s| s.name))
            .filter(|n| !n.is_empty())
            .collect();
        let release_stage = self
            .release_stage
            .filter(|s| !s.is_empty())
            .or_else(|| stages.last().cloned())?;
        if stages.last() != Some(&release_stage) {
            stages.retain(|s| s != &release_stage);
            stages.push(release_stage.clone());
        }
        Some(Lifecycle {
            stages,
            release_stage,
            project: project.map(str::to_string),
        })
    }
}

/// `GET …/versions`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct VersionList {
    /// Items, newest first when ordered by `created` descending. `None` when the key is absent,
    /// which is an unexpected answer, not an empty application.
    pub(crate) versions: Option<Vec<VersionItem>>,
}

/// `GET …/versions/{v}`: the version with its properties (\[INFERRED\]: a list item plus
/// `properties`, the shape the update answers with). Values are lists of strings as documented;
/// a single string is read as one value, anything else is ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct VersionBody {
    /// Property key → values; absent = none.
    pub(crate) properties: Option<std::collections::BTreeMap<String, serde_json::Value>>,
}

/// A property's values as strings.
pub(crate) fn property_values(v: serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) => vec![s],
        serde_json::Value::Array(items) => items
            .into_iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// One item of the version list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct VersionItem {
    /// Version string.
    pub(crate) version: String,
    /// Tag.
    pub(crate) tag: Option<String>,
    /// Release status, any case.
    pub(crate) release_status: Option<String>,
    /// Current stage.
    pub(crate) current_stage: Option<String>,
    /// Content status (`COMPLETED`, `IN_PROGRESS`, …), any case.
    pub(crate) status: Option<String>,
}

/// `GET …/versions/{v}/content`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ContentBody {
    /// Version string.
    pub(crate) version: Option<String>,
    /// Full stage name or empty.
    pub(crate) current_stage: Option<String>,
    /// Release status, any case.
    pub(crate) release_status: Option<String>,
    /// Content status, any case.
    pub(crate) status: Option<String>,
    /// Tag.
    pub(crate) tag: Option<String>,
    /// Releasables with their artifacts.
    pub(crate) releasables: Vec<Releasable>,
}

/// One releasable.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Releasable {
    /// Name.
    pub(crate) name: String,
    /// sha256 of the releasable.
    pub(crate) sha256: Option<String>,
    /// Its artifacts.
    pub(crate) artifacts: Vec<ArtifactBody>,
}

/// One artifact.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ArtifactBody {
    /// Repository path.
    pub(crate) path: String,
    /// sha256.
    pub(crate) sha256: Option<String>,
}

impl ContentBody {
    /// Normalised content; `requested` fills in a missing `version`.
    pub(crate) fn into_content(self, requested: &str) -> VersionContent {
        let mut artifacts = Vec::new();
        for r in self.releasables {
            if r.artifacts.is_empty() {
                artifacts.push(Artifact {
                    path: r.name,
                    sha256: r.sha256,
                });
            } else {
                artifacts.extend(r.artifacts.into_iter().map(|a| Artifact {
                    path: a.path,
                    sha256: a.sha256,
                }));
            }
        }
        VersionContent {
            version: self
                .version
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| requested.to_string()),
            current_stage: self.current_stage.unwrap_or_default(),
            release_status: self.release_status.unwrap_or_default().to_ascii_lowercase(),
            status: self.status.unwrap_or_default().to_ascii_uppercase(),
            tag: self.tag.filter(|t| !t.is_empty()),
            artifacts,
        }
    }
}

/// Promote/release response (success or policy failure).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct HopBody {
    /// `success`, `failed`, `in_progress`, … (any case).
    pub(crate) status: Option<String>,
    /// Message.
    pub(crate) message: Option<String>,
    /// `{exit_gate: {...}, entry_gate: {...}}` (or a list of such objects).
    pub(crate) evaluations: Option<Value>,
}

impl HopBody {
    /// The evaluations as a flat list, whatever the nesting.
    pub(crate) fn evaluations(&self) -> Vec<Evaluation> {
        let mut out = Vec::new();
        if let Some(v) = &self.evaluations {
            collect_evaluations(v, "", &mut out);
        }
        out
    }
}

fn collect_evaluations(v: &Value, gate: &str, out: &mut Vec<Evaluation>) {
    match v {
        Value::Object(map) if map.contains_key("decision") => {
            let s = |k: &str| {
                map.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            out.push(Evaluation {
                gate: gate.to_string(),
                stage: s("stage"),
                decision: s("decision").to_ascii_lowercase(),
                explanation: s("explanation"),
                eval_id: Some(s("eval_id"))
                    .filter(|id| !id.is_empty())
                    .unwrap_or_else(|| s("evaluation_id")),
            });
        }
        Value::Object(map) => {
            for (k, inner) in map {
                collect_evaluations(inner, k, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_evaluations(i, gate, out)),
        _ => {}
    }
}

/// Rollback response.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RollbackBody {
    /// Stage rolled back from.
    pub(crate) rollback_from_stage: Option<String>,
    /// Stage rolled back to.
    pub(crate) rollback_to_stage: Option<String>,
}

/// `GET …/promotions`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PromotionsBody {
    /// Entries.
    pub(crate) promotions: Vec<PromotionBody>,
}

/// One promotion entry (docs and Terraform disagree on names; both are read).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PromotionBody {
    /// Status.
    pub(crate) status: String,
    /// Source stage.
    pub(crate) source_stage: String,
    /// Target stage.
    pub(crate) target_stage: String,
    /// Who (docs).
    pub(crate) promoted_by: Option<String>,
    /// Who (Terraform).
    pub(crate) created_by: Option<String>,
    /// When (docs).
    pub(crate) promoted: Option<String>,
    /// When (Terraform).
    pub(crate) created: Option<String>,
}

impl From<PromotionBody> for PromotionEntry {
    fn from(p: PromotionBody) -> Self {
        PromotionEntry {
            status: p.status.to_ascii_uppercase(),
            source_stage: p.source_stage,
            target_stage: p.target_stage,
            promoted_by: p.promoted_by.or(p.created_by).unwrap_or_default(),
            promoted: p.promoted.or(p.created).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_keeps_order_and_release_stage() {
        let body: LifecycleBody = serde_json::from_str(
            r#"{"release_stage":"PROD","categories":[{"category":"code","stages":[{"name":"PR"}]},
            {"category":"PROMOTE","stages":[{"name":"p-DEV","scope":"project"},{"name":"p-QA"},{"name":"PROD"}]}]}"#,
        )
        .unwrap();
        let l = body.into_lifecycle(Some("p")).unwrap();
        assert_eq!(l.stages, ["p-DEV", "p-QA", "PROD"]);
        let body: LifecycleBody = serde_json::from_str(r#"{"release_stage":"PROD","categories":[{"category":"promote","stages":[{"name":"p-DEV"}]}]}"#).unwrap();
        assert_eq!(body.into_lifecycle(None).unwrap().stages, ["p-DEV", "PROD"]);
        assert!(LifecycleBody::default().into_lifecycle(None).is_none());
    }

    #[test]
    fn content_is_normalised() {
        let body: ContentBody = serde_json::from_str(
            r#"{"version":"1.0.0","current_stage":"PROD","release_status":"RELEASED","status":"completed","extra":1,
            "releasables":[{"name":"img","sha256":"ab","artifacts":[{"path":"r/a","sha256":"cd"}]},{"name":"lib","sha256":"ef"}]}"#,
        )
        .unwrap();
        let c = body.into_content("1.0.0");
        assert_eq!(c.release_status, "released");
        assert_eq!(c.status, "COMPLETED");
        assert_eq!(c.artifacts.len(), 2);
        let empty = ContentBody::default().into_content("9.9.9");
        assert_eq!(empty.version, "9.9.9");
        assert_eq!(empty.current_stage, "");
    }

    #[test]
    fn evaluations_flatten() {
        let body: HopBody = serde_json::from_str(
            r#"{"status":"failed","evaluations":{"exit_gate":{"stage":"p-DEV","eval_id":"1","decision":"pass","explanation":"ok"},
            "entry_gate":{"stage":"p-QA","eval_id":"2","decision":"FAIL","explanation":"no tests"}}}"#,
        )
        .unwrap();
        let e = body.evaluations();
        assert_eq!(e.len(), 2);
        let fail = e.iter().find(|e| e.gate == "entry_gate").unwrap();
        assert_eq!(fail.decision, "fail");
        assert_eq!(fail.explanation, "no tests");
    }
}
