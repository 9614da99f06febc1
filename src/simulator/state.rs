//! The simulator's persistent model and the rules that change it.
//!
//! Everything a test may want to inspect or save to a state file lives in [`State`], and every
//! state-changing rule (promote, release, rollback, tag/property updates, async settlement) is a
//! method here so that the HTTP layer stays a thin translation and the rules can be read in one
//! place. Timestamps are stored as Unix milliseconds so the state file needs no jiff serde support.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::seed;

pub const STATUS_COMPLETED: &str = "COMPLETED";
pub const RELEASE_PRE: &str = "pre_release";
pub const RELEASE_RELEASED: &str = "released";

/// An error the API reports as `{"errors":[{"status":N,"message":…}]}`. Domain rules carry their
/// HTTP status because the simulator exists only to be spoken to over HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, message)
    }
    pub fn body(&self) -> Value {
        json!({"errors": [{"status": self.status, "message": self.message}]})
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub key: String,
    pub name: String,
    /// Ordered project promote stages, without the release stage.
    pub promote_stages: Vec<String>,
    pub release_stage: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub application_key: String,
    pub application_name: String,
    pub project_key: String,
    pub description: String,
    pub maturity: String,
    pub criticality: String,
    pub labels: BTreeMap<String, String>,
    pub user_owners: Vec<String>,
    pub group_owners: Vec<String>,
    pub signing_key: String,
    pub created_millis: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Releasable {
    pub name: String,
    pub version: String,
    pub package_type: String,
    pub sha256: String,
    pub artifacts: Vec<Artifact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub predicate_type: String,
    pub predicate_slug: String,
    pub created_millis: i64,
    pub created_by: String,
    pub verified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gate {
    pub stage: String,
    pub eval_id: String,
    pub decision: String,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluations {
    pub exit_gate: Gate,
    pub entry_gate: Gate,
}

/// One promotion attempt as `GET …/promotions` reports it. The successful ones, oldest first, are
/// also the stack that rollback pops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionRecord {
    /// `SUCCESS`, `FAILED`, or `PENDING` while an async operation is in flight.
    pub status: String,
    /// `promote` or `release`.
    pub operation: String,
    pub source_stage: String,
    pub target_stage: String,
    pub promotion_type: String,
    pub promoted_by: String,
    pub created_millis: i64,
    pub message: Option<String>,
    pub evaluations: Option<Evaluations>,
}

/// Marks an accepted `async=true` operation that has not landed yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlight {
    /// `promote`, `release` or `rollback`.
    pub operation: String,
    pub target_stage: String,
    pub completes_at_millis: i64,
    /// `created_millis` of the PENDING record to flip (promote/release only).
    pub record_millis: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionState {
    pub application_key: String,
    pub version: String,
    pub created_millis: i64,
    pub created_by: String,
    /// Content status: `COMPLETED`, `IN_PROGRESS`, `STARTED`, `DRAFT`, `FAILED`.
    pub status: String,
    /// `""` means no tag.
    pub tag: String,
    pub release_status: String,
    /// `""` means never promoted.
    pub current_stage: String,
    pub properties: BTreeMap<String, Vec<String>>,
    /// Every promotion attempt, oldest first.
    pub history: Vec<PromotionRecord>,
    pub releasables: Vec<Releasable>,
    pub application_version_sha256: String,
    pub evidence: Vec<Evidence>,
    pub in_flight: Option<InFlight>,
    pub modified_by: Option<String>,
    pub modified_millis: Option<i64>,
}

impl VersionState {
    fn summary(&self) -> Value {
        json!({
            "version": self.version,
            "tag": self.tag,
            "status": self.status,
            "release_status": self.release_status,
            "current_stage": self.current_stage,
            "created_by": self.created_by,
            "created": iso(self.created_millis),
        })
    }
}

/// Operation kinds for the promote-shaped endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Promote,
    Release,
}

impl Operation {
    fn as_str(self) -> &'static str {
        match self {
            Operation::Promote => "promote",
            Operation::Release => "release",
        }
    }
}

/// Body of promote and release (release has no `target_stage`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PromoteBody {
    #[serde(default)]
    pub target_stage: Option<String>,
    #[serde(default)]
    pub promotion_type: Option<String>,
    #[serde(default)]
    pub included_repository_keys: Vec<String>,
    #[serde(default)]
    pub excluded_repository_keys: Vec<String>,
    #[serde(default)]
    pub artifact_additional_properties: Option<Value>,
    #[serde(default)]
    pub overwrite_strategy: Option<String>,
}

/// Who asked, whether to answer before applying, and how long the async work takes.
#[derive(Debug, Clone)]
pub struct OpContext {
    pub user: String,
    pub is_async: bool,
    pub async_delay_ms: i64,
}

/// A successful HTTP answer chosen by a rule (200, 202, or 422 for a policy failure).
#[derive(Debug, Clone)]
pub struct OpOutcome {
    pub http_status: u16,
    pub body: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub projects: BTreeMap<String, Project>,
    pub applications: BTreeMap<String, Application>,
    /// application key → version → state.
    pub versions: BTreeMap<String, BTreeMap<String, VersionState>>,
    /// stage → explanation of why its entry gate fails.
    pub policy_failures: BTreeMap<String, String>,
    /// OIDC-minted access tokens → username.
    pub minted_tokens: BTreeMap<String, String>,
    pub promotions_applied: usize,
    /// Highest timestamp handed out; keeps `created_millis` unique per state.
    pub last_millis: i64,
    pub id_counter: u64,
}

/// Formats Unix milliseconds as ISO-8601 with millisecond precision, the way JFrog prints times.
pub fn iso(ms: i64) -> String {
    let ts = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub fn now_real_millis() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

fn display_stage(stage: &str) -> &str {
    if stage.is_empty() {
        "UNASSIGNED"
    } else {
        stage
    }
}

impl State {
    /// A unique, increasing timestamp (real time unless two events share a millisecond).
    pub fn next_millis(&mut self) -> i64 {
        let t = now_real_millis().max(self.last_millis + 1);
        self.last_millis = t;
        t
    }

    pub fn next_id(&mut self, prefix: &str) -> String {
        self.id_counter += 1;
        format!("{prefix}-{}", seed::random_hex(self.id_counter, 8))
    }

    pub fn application(&self, app: &str) -> Result<&Application, ApiError> {
        self.applications
            .get(app)
            .ok_or_else(|| ApiError::not_found(format!("Application '{app}' not found")))
    }

    pub fn version(&self, app: &str, version: &str) -> Result<&VersionState, ApiError> {
        self.application(app)?;
        self.versions
            .get(app)
            .and_then(|m| m.get(version))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "Application version '{version}' of application '{app}' not found"
                ))
            })
    }

    fn version_mut(&mut self, app: &str, version: &str) -> Result<&mut VersionState, ApiError> {
        self.version(app, version)?;
        self.versions
            .get_mut(app)
            .and_then(|m| m.get_mut(version))
            .ok_or_else(|| {
                ApiError::not_found(format!("Application version '{version}' not found"))
            })
    }

    fn project_of(&self, app: &str) -> Result<Project, ApiError> {
        let key = self.application(app)?.project_key.clone();
        self.projects
            .get(&key)
            .cloned()
            .ok_or_else(|| ApiError::not_found(format!("Project '{key}' not found")))
    }

    /// Maps `QA`, `qa` or `bookverse-QA` to the canonical stage name, when one exists.
    pub fn canonical_stage(&self, stage: &str) -> String {
        for p in self.projects.values() {
            for s in p
                .promote_stages
                .iter()
                .chain(std::iter::once(&p.release_stage))
            {
                let short = s.strip_prefix(&format!("{}-", p.key)).unwrap_or(s);
                if s.eq_ignore_ascii_case(stage) || short.eq_ignore_ascii_case(stage) {
                    return s.clone();
                }
            }
        }
        stage.to_string()
    }

    /// Lands every async operation whose delay has elapsed. Called before every read so that
    /// callers never observe a stale in-flight marker.
    pub fn settle(&mut self, now_ms: i64) {
        let mut landed = 0;
        for versions in self.versions.values_mut() {
            for v in versions.values_mut() {
                let due = v
                    .in_flight
                    .as_ref()
                    .is_some_and(|f| f.completes_at_millis <= now_ms);
                if !due {
                    continue;
                }
                if let Some(f) = v.in_flight.take() {
                    match f.operation.as_str() {
                        "rollback" => apply_rollback(v),
                        op => {
                            if let Some(r) = v
                                .history
                                .iter_mut()
                                .find(|r| Some(r.created_millis) == f.record_millis)
                            {
                                r.status = "SUCCESS".into();
                            }
                            v.current_stage = f.target_stage.clone();
                            if op == "release" {
                                v.release_status = RELEASE_RELEASED.into();
                            }
                        }
                    }
                    landed += 1;
                }
            }
        }
        self.promotions_applied += landed;
    }

    pub fn lifecycle_json(&self, project_key: Option<&str>) -> Result<Value, ApiError> {
        let code = json!({"category": "code", "stages": [
            {"name": "PR", "scope": "global"}, {"name": "COMMIT", "scope": "global"}]});
        let Some(key) = project_key.filter(|k| !k.is_empty()) else {
            return Ok(json!({"release_stage": "PROD", "categories": [code,
                {"category": "promote", "stages": [{"name": "PROD", "scope": "global"}]}]}));
        };
        let p = self
            .projects
            .get(key)
            .ok_or_else(|| ApiError::not_found(format!("Project '{key}' not found")))?;
        let mut stages: Vec<Value> = p
            .promote_stages
            .iter()
            .map(|s| {
                let scope = if s.starts_with(&format!("{}-", p.key)) {
                    "project"
                } else {
                    "global"
                };
                json!({"name": s, "scope": scope})
            })
            .collect();
        stages.push(json!({"name": p.release_stage, "scope": "global"}));
        Ok(
            json!({"release_stage": p.release_stage, "categories": [code,
            {"category": "promote", "stages": stages}]}),
        )
    }

    pub fn application_json(&self, app: &str) -> Result<Value, ApiError> {
        let a = self.application(app)?;
        let project_name = self
            .projects
            .get(&a.project_key)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        Ok(json!({
            "project_name": project_name,
            "project_key": a.project_key,
            "application_name": a.application_name,
            "application_key": a.application_key,
            "signing_key": a.signing_key,
            "description": a.description,
            "maturity": a.maturity,
            "criticality": a.criticality,
            "labels": a.labels,
            "user_owners": a.user_owners,
            "group_owners": a.group_owners,
        }))
    }

    pub fn applications_json(&self, project_key: Option<&str>) -> Value {
        let apps: Vec<Value> = self
            .applications
            .values()
            .filter(|a| project_key.is_none_or(|k| k.is_empty() || a.project_key == k))
            .map(|a| {
                let versions = self.versions.get(&a.application_key);
                let latest = versions.and_then(|m| m.values().max_by_key(|v| v.created_millis));
                json!({
                    "project_key": a.project_key,
                    "project_name": self.projects.get(&a.project_key).map(|p| p.name.clone()).unwrap_or_default(),
                    "created": iso(a.created_millis),
                    "application_name": a.application_name,
                    "application_key": a.application_key,
                    "application_version_latest": latest.map(|v| v.version.clone()).unwrap_or_default(),
                    "application_version_tag": latest.map(|v| v.tag.clone()).unwrap_or_default(),
                    "application_versions_count": versions.map_or(0, |m| m.len()),
                })
            })
            .collect();
        json!({"applications": apps, "total": apps.len()})
    }

    pub fn versions_json(&self, app: &str, q: &ListQuery) -> Result<Value, ApiError> {
        self.application(app)?;
        let wanted: Option<Vec<String>> = q.release_status.as_ref().map(|s| {
            s.split(',')
                .map(|x| x.trim().to_ascii_lowercase())
                .filter(|x| !x.is_empty())
                .collect()
        });
        let tags: Option<Vec<String>> = q
            .tag
            .as_ref()
            .map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
        let mut list: Vec<&VersionState> = self
            .versions
            .get(app)
            .map(|m| m.values().collect())
            .unwrap_or_default();
        list.retain(|v| {
            wanted
                .as_ref()
                .is_none_or(|w| w.is_empty() || w.contains(&v.release_status.to_ascii_lowercase()))
                && tags
                    .as_ref()
                    .is_none_or(|t| t.iter().any(|p| tag_matches(p, &v.tag)))
                && q.created_by
                    .as_ref()
                    .is_none_or(|c| c.is_empty() || *c == v.created_by)
        });
        match q.order_by.as_deref().unwrap_or("created") {
            "version" => list.sort_by(|a, b| a.version.cmp(&b.version)),
            _ => list.sort_by_key(|v| v.created_millis),
        }
        if !q.order_asc {
            list.reverse();
        }
        let total = list.len();
        let page: Vec<Value> = list
            .into_iter()
            .skip(q.offset)
            .take(q.limit)
            .map(VersionState::summary)
            .collect();
        Ok(json!({"versions": page, "total": total, "limit": q.limit, "offset": q.offset}))
    }

    pub fn version_json(&self, app: &str, version: &str) -> Result<Value, ApiError> {
        let v = self.version(app, version)?;
        let mut out = v.summary();
        if let Some(o) = out.as_object_mut() {
            o.insert("application_key".into(), json!(v.application_key));
            o.insert("properties".into(), json!(v.properties));
        }
        Ok(out)
    }

    pub fn content_json(&self, app: &str, version: &str) -> Result<Value, ApiError> {
        let v = self.version(app, version)?;
        let project_key = self.application(app)?.project_key.clone();
        let artifacts_count: usize = v.releasables.iter().map(|r| r.artifacts.len()).sum();
        let total_size: u64 = v
            .releasables
            .iter()
            .flat_map(|r| r.artifacts.iter())
            .map(|a| a.size)
            .sum();
        let releasables: Vec<Value> = v
            .releasables
            .iter()
            .map(|r| {
                json!({
                    "name": r.name,
                    "version": r.version,
                    "sha256": r.sha256,
                    "package_type": r.package_type,
                    "artifacts": r.artifacts.iter()
                        .map(|a| json!({"path": a.path, "sha256": a.sha256, "size": a.size}))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        Ok(json!({
            "application_key": v.application_key,
            "version": v.version,
            "project_key": project_key,
            "application_version_sha256": v.application_version_sha256,
            "status": v.status,
            "created_by": v.created_by,
            "created_at": iso(v.created_millis),
            "tag": v.tag,
            "release_status": v.release_status,
            "current_stage": v.current_stage,
            "releasables_count": v.releasables.len(),
            "artifacts_count": artifacts_count,
            "total_size": total_size,
            "releasables": releasables,
        }))
    }

    pub fn evidence_json(&self, app: &str, version: &str) -> Result<Value, ApiError> {
        let v = self.version(app, version)?;
        let list: Vec<Value> = v
            .evidence
            .iter()
            .map(|e| {
                json!({
                    "predicate_type": e.predicate_type,
                    "predicate_slug": e.predicate_slug,
                    "created_at": iso(e.created_millis),
                    "created_by": e.created_by,
                    "verified": e.verified,
                })
            })
            .collect();
        Ok(json!({"evidence": list}))
    }

    pub fn promotions_json(
        &self,
        app: &str,
        version: &str,
        q: &ListQuery,
        include_message: bool,
    ) -> Result<Value, ApiError> {
        let v = self.version(app, version)?;
        let project_key = self.application(app)?.project_key.clone();
        let mut list: Vec<&PromotionRecord> = v.history.iter().collect();
        if !q.order_asc {
            list.reverse();
        }
        let total = list.len();
        let page: Vec<Value> = list
            .into_iter()
            .skip(q.offset)
            .take(q.limit)
            .map(|r| {
                let mut item = json!({
                    "status": r.status,
                    "project_key": project_key,
                    "application_key": v.application_key,
                    "application_version": v.version,
                    "source_stage": r.source_stage,
                    "target_stage": r.target_stage,
                    "promotion_type": r.promotion_type,
                    "promoted_by": r.promoted_by,
                    "promoted": iso(r.created_millis),
                    "created_millis": r.created_millis,
                });
                if let Some(o) = item.as_object_mut() {
                    if let Some(e) = &r.evaluations {
                        o.insert("evaluations".into(), json!(e));
                    }
                    if let Some(m) = r.message.as_ref().filter(|_| include_message) {
                        o.insert("messages".into(), json!([{"text": m}]));
                    }
                }
                item
            })
            .collect();
        Ok(json!({"promotions": page, "total": total, "limit": q.limit, "offset": q.offset}))
    }

    pub fn promotion_detail_json(
        &self,
        app: &str,
        version: &str,
        created_millis: i64,
    ) -> Result<Value, ApiError> {
        let v = self.version(app, version)?;
        let r = v
            .history
            .iter()
            .find(|r| r.created_millis == created_millis)
            .ok_or_else(|| {
                ApiError::not_found(format!("Promotion '{created_millis}' not found"))
            })?;
        let artifacts: Vec<Value> = v
            .releasables
            .iter()
            .flat_map(|rel| {
                rel.artifacts.iter().map(move |a| {
                    json!({"path": a.path, "checksum": a.sha256, "package_type": rel.package_type,
                           "package_name": rel.name, "package_version": rel.version})
                })
            })
            .collect();
        Ok(json!({
            "target_stage": r.target_stage,
            "created_by": r.promoted_by,
            "created": iso(r.created_millis),
            "created_millis": r.created_millis,
            "artifacts": artifacts,
        }))
    }

    pub fn patch_version(
        &mut self,
        app: &str,
        version: &str,
        body: &PatchBody,
        user: &str,
    ) -> Result<Value, ApiError> {
        if let Some(tag) = &body.tag {
            validate_tag(tag)?;
        }
        let now = self.next_millis();
        let v = self.version_mut(app, version)?;
        if let Some(tag) = &body.tag {
            v.tag = tag.clone();
        }
        if let Some(props) = &body.properties {
            for (k, vals) in props {
                v.properties.insert(k.clone(), vals.clone());
            }
        }
        for k in body.delete_properties.iter().flatten() {
            v.properties.remove(k);
        }
        v.modified_by = Some(user.to_string());
        v.modified_millis = Some(now);
        let tag = if v.tag.is_empty() {
            Value::Null
        } else {
            json!(v.tag)
        };
        Ok(json!({
            "application_key": v.application_key,
            "version": v.version,
            "tag": tag,
            "properties": v.properties,
            "modified_by": user,
            "modified_at": iso(now),
            "status": v.status,
        }))
    }

    /// Promote or release. See the module docs of `routes` for the status-code contract.
    pub fn promote(
        &mut self,
        app: &str,
        version: &str,
        body: &PromoteBody,
        op: Operation,
        ctx: &OpContext,
    ) -> Result<OpOutcome, ApiError> {
        let project = self.project_of(app)?;
        let current = self.version(app, version)?.current_stage.clone();
        let promotion_type = body
            .promotion_type
            .clone()
            .unwrap_or_else(|| "copy".into())
            .to_ascii_lowercase();
        if !["copy", "move", "keep", "dry_run"].contains(&promotion_type.as_str()) {
            return Err(ApiError::bad_request(format!(
                "invalid promotion_type '{promotion_type}': expected copy, move, keep or dry_run"
            )));
        }
        let target = match op {
            Operation::Promote => {
                let target = body
                    .target_stage
                    .clone()
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| ApiError::bad_request("target_stage is required"))?;
                if target == project.release_stage {
                    return Err(ApiError::bad_request(format!(
                        "'{target}' is the release stage: use release (POST …/release) to move a version to it"
                    )));
                }
                if !project.promote_stages.contains(&target) {
                    return Err(ApiError::bad_request(format!(
                        "stage '{target}' is not part of the lifecycle of project '{}'",
                        project.key
                    )));
                }
                target
            }
            Operation::Release => project.release_stage.clone(),
        };
        let v = self.version(app, version)?;
        if v.in_flight.is_some() {
            return Err(ApiError::conflict(format!(
                "promotion already in progress for application version '{version}'"
            )));
        }
        if v.status != STATUS_COMPLETED {
            return Err(ApiError::conflict(format!(
                "application version '{version}' is not ready: status is {} (expected COMPLETED)",
                v.status
            )));
        }
        match op {
            Operation::Promote => {
                let expected = if current.is_empty() {
                    project.promote_stages.first().cloned()
                } else {
                    let idx = project.promote_stages.iter().position(|s| *s == current);
                    idx.and_then(|i| project.promote_stages.get(i + 1).cloned())
                };
                if expected.as_deref() != Some(target.as_str()) {
                    let why = if current == target {
                        "the version is already at that stage".to_string()
                    } else {
                        match &expected {
                            Some(n) => format!("the next stage is '{n}'"),
                            None if current == project.release_stage => {
                                "the version is already released".to_string()
                            }
                            None => "there is no next promote stage; use release".to_string(),
                        }
                    };
                    return Err(ApiError::conflict(format!(
                        "cannot promote from '{}' to '{target}': {why}",
                        display_stage(&current)
                    )));
                }
            }
            Operation::Release => {
                let last = project.promote_stages.last().cloned().unwrap_or_default();
                if current != last {
                    return Err(ApiError::conflict(format!(
                        "cannot release from '{}' to '{target}': release is only allowed from '{last}'",
                        display_stage(&current)
                    )));
                }
            }
        }

        let exit_id = self.next_id("eval");
        let entry_id = self.next_id("eval");
        let failure = self.policy_failures.get(&target).cloned();
        let passed = |stage: &str, id: String, what: &str| Gate {
            stage: stage.to_string(),
            eval_id: id,
            decision: "pass".into(),
            explanation: format!("all {what} policies passed"),
        };
        let evaluations = Evaluations {
            exit_gate: passed(&current, exit_id, "exit gate"),
            entry_gate: match &failure {
                Some(expl) => Gate {
                    stage: target.clone(),
                    eval_id: entry_id,
                    decision: "fail".into(),
                    explanation: expl.clone(),
                },
                None => passed(&target, entry_id, "entry gate"),
            },
        };
        let now = self.next_millis();
        let is_dry_run = promotion_type == "dry_run";
        let mut response = json!({
            "application_key": app,
            "version": version,
            "project_key": project.key,
            "source_stage": current,
            "target_stage": target,
            "promotion_type": promotion_type,
            "included_repository_keys": body.included_repository_keys,
            "excluded_repository_keys": body.excluded_repository_keys,
            "artifact_additional_properties": body.artifact_additional_properties.clone().unwrap_or_else(|| json!([])),
            "timestamp": iso(now),
            "evaluations": evaluations,
        });
        let set = |response: &mut Value, status: &str, message: String| {
            if let Some(o) = response.as_object_mut() {
                o.insert("status".into(), json!(status));
                o.insert("message".into(), json!(message));
            }
        };
        let route = format!("from '{}' to '{target}'", display_stage(&current));
        if failure.is_some() {
            let message = format!(
                "{promotion_type} promotion from '{current}' to '{target}' failed due to policy violations"
            );
            set(&mut response, "failed", message.clone());
            if !is_dry_run {
                let user = ctx.user.clone();
                let v = self.version_mut(app, version)?;
                v.history.push(PromotionRecord {
                    status: "FAILED".into(),
                    operation: op.as_str().into(),
                    source_stage: current,
                    target_stage: target,
                    promotion_type,
                    promoted_by: user,
                    created_millis: now,
                    message: Some(message),
                    evaluations: Some(evaluations),
                });
            }
            return Ok(OpOutcome {
                http_status: 422,
                body: response,
            });
        }
        if is_dry_run {
            set(
                &mut response,
                "success",
                format!("dry run: {} {route} would succeed", op.as_str()),
            );
            return Ok(OpOutcome {
                http_status: 200,
                body: response,
            });
        }
        let record = PromotionRecord {
            status: if ctx.is_async { "PENDING" } else { "SUCCESS" }.into(),
            operation: op.as_str().into(),
            source_stage: current.clone(),
            target_stage: target.clone(),
            promotion_type: promotion_type.clone(),
            promoted_by: ctx.user.clone(),
            created_millis: now,
            message: None,
            evaluations: Some(evaluations),
        };
        let v = self.version_mut(app, version)?;
        v.history.push(record);
        if ctx.is_async {
            v.in_flight = Some(InFlight {
                operation: op.as_str().into(),
                target_stage: target.clone(),
                completes_at_millis: now_real_millis() + ctx.async_delay_ms,
                record_millis: Some(now),
            });
            set(
                &mut response,
                "in_progress",
                format!("{promotion_type} {} {route} started", op.as_str()),
            );
            return Ok(OpOutcome {
                http_status: 202,
                body: response,
            });
        }
        v.current_stage = target;
        if op == Operation::Release {
            v.release_status = RELEASE_RELEASED.into();
        }
        self.promotions_applied += 1;
        set(
            &mut response,
            "success",
            format!("{promotion_type} {} {route} completed", op.as_str()),
        );
        if let Some(o) = response
            .as_object_mut()
            .filter(|_| op == Operation::Release)
        {
            o.insert("release_status".into(), json!(RELEASE_RELEASED));
        }
        Ok(OpOutcome {
            http_status: 200,
            body: response,
        })
    }

    pub fn rollback(
        &mut self,
        app: &str,
        version: &str,
        body: &RollbackBody,
        ctx: &OpContext,
    ) -> Result<OpOutcome, ApiError> {
        let project = self.project_of(app)?;
        let from = body
            .from_stage
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::bad_request("from_stage is required"))?;
        let v = self.version(app, version)?;
        if v.in_flight.is_some() {
            return Err(ApiError::conflict(format!(
                "promotion already in progress for application version '{version}'"
            )));
        }
        if v.current_stage != from {
            return Err(ApiError::conflict(format!(
                "cannot roll back from '{from}': the version's current stage is '{}'",
                display_stage(&v.current_stage)
            )));
        }
        let to = v
            .history
            .iter()
            .rev()
            .find(|r| r.status == "SUCCESS")
            .map(|r| r.source_stage.clone())
            .unwrap_or_default();
        let v = self.version_mut(app, version)?;
        let response = json!({
            "application_key": app,
            "version": version,
            "project_key": project.key,
            "rollback_from_stage": from,
            "rollback_to_stage": to,
        });
        if ctx.is_async {
            v.in_flight = Some(InFlight {
                operation: "rollback".into(),
                target_stage: to,
                completes_at_millis: now_real_millis() + ctx.async_delay_ms,
                record_millis: None,
            });
            return Ok(OpOutcome {
                http_status: 202,
                body: response,
            });
        }
        apply_rollback(v);
        self.promotions_applied += 1;
        Ok(OpOutcome {
            http_status: 200,
            body: response,
        })
    }
}

/// Pops the latest successful promotion and returns the version to that promotion's source.
fn apply_rollback(v: &mut VersionState) {
    match v.history.iter().rposition(|r| r.status == "SUCCESS") {
        Some(i) => {
            let popped = v.history.remove(i);
            v.current_stage = popped.source_stage;
            // Leaving the release stage withdraws the release.
            if popped.operation == "release" {
                v.release_status = RELEASE_PRE.into();
            }
        }
        None => v.current_stage.clear(),
    }
}

fn tag_matches(pattern: &str, tag: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => tag.starts_with(prefix),
        None => pattern == tag,
    }
}

fn validate_tag(tag: &str) -> Result<(), ApiError> {
    if tag.is_empty() {
        return Ok(());
    }
    let ok_edges = tag
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && tag
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    let ok_chars = tag
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if tag.len() > 128 || !ok_edges || !ok_chars {
        return Err(ApiError::bad_request(format!(
            "invalid tag '{tag}': at most 128 characters, alphanumeric at both ends, '-', '_' or '.' inside"
        )));
    }
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PatchBody {
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub properties: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    pub delete_properties: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RollbackBody {
    #[serde(default)]
    pub from_stage: Option<String>,
}

/// Paging and filters shared by the list endpoints.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub limit: usize,
    pub offset: usize,
    pub order_by: Option<String>,
    pub order_asc: bool,
    pub release_status: Option<String>,
    pub tag: Option<String>,
    pub created_by: Option<String>,
}
