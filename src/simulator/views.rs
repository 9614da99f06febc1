//! Read views of the simulator state: the JSON bodies AppTrust and Access answer with (lifecycle,
//! applications, versions, content, promotions), and lookups the rules share.

use serde_json::{Value, json};

use super::rules::{apply_rollback, tag_matches};
use super::seed;
use super::state::{
    ApiError, Application, ListQuery, Project, PromotionRecord, RELEASE_RELEASED, State,
    VersionState, iso, now_real_millis,
};

impl State {
    /// A unique, increasing timestamp (real time unless two events share a millisecond).
    pub(crate) fn next_millis(&mut self) -> i64 {
        let t = now_real_millis().max(self.last_millis + 1);
        self.last_millis = t;
        t
    }

    pub(crate) fn next_id(&mut self, prefix: &str) -> String {
        self.id_counter += 1;
        format!("{prefix}-{}", seed::random_hex(self.id_counter, 8))
    }

    pub(crate) fn application(&self, app: &str) -> Result<&Application, ApiError> {
        self.applications
            .get(app)
            .ok_or_else(|| ApiError::not_found(format!("Application '{app}' not found")))
    }

    pub(crate) fn version(&self, app: &str, version: &str) -> Result<&VersionState, ApiError> {
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

    pub(super) fn version_mut(
        &mut self,
        app: &str,
        version: &str,
    ) -> Result<&mut VersionState, ApiError> {
        self.version(app, version)?;
        self.versions
            .get_mut(app)
            .and_then(|m| m.get_mut(version))
            .ok_or_else(|| {
                ApiError::not_found(format!("Application version '{version}' not found"))
            })
    }

    pub(super) fn project_of(&self, app: &str) -> Result<Project, ApiError> {
        let key = self.application(app)?.project_key.clone();
        self.projects
            .get(&key)
            .cloned()
            .ok_or_else(|| ApiError::not_found(format!("Project '{key}' not found")))
    }

    /// Maps `QA`, `qa` or `bookverse-QA` to the canonical stage name, when one exists.
    pub(crate) fn canonical_stage(&self, stage: &str) -> String {
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
    pub(crate) fn settle(&mut self, now_ms: i64) {
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

    pub(crate) fn lifecycle_json(&self, project_key: Option<&str>) -> Result<Value, ApiError> {
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

    pub(crate) fn application_json(&self, app: &str) -> Result<Value, ApiError> {
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

    pub(crate) fn applications_json(&self, project_key: Option<&str>) -> Value {
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

    pub(crate) fn versions_json(&self, app: &str, q: &ListQuery) -> Result<Value, ApiError> {
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
        Ok(page("versions", list, q, VersionState::summary))
    }

    pub(crate) fn version_json(&self, app: &str, version: &str) -> Result<Value, ApiError> {
        let v = self.version(app, version)?;
        let mut out = v.summary();
        if let Some(o) = out.as_object_mut() {
            o.insert("application_key".into(), json!(v.application_key));
            o.insert("properties".into(), json!(v.properties));
        }
        Ok(out)
    }

    pub(crate) fn content_json(&self, app: &str, version: &str) -> Result<Value, ApiError> {
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

    pub(crate) fn promotions_json(
        &self,
        app: &str,
        version: &str,
        q: &ListQuery,
        include_message: bool,
    ) -> Result<Value, ApiError> {
        let v = self.version(app, version)?;
        let project_key = self.application(app)?.project_key.clone();
        let list: Vec<&PromotionRecord> = v.history.iter().collect();
        Ok(page("promotions", list, q, |r| {
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
        }))
    }

    pub(crate) fn promotion_detail_json(
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
}

/// The page of `list` that `q` asks for, newest first unless `order_asc`, as the list endpoints
/// answer: `{<key>: [items], total, limit, offset}`.
fn page<T>(key: &str, mut list: Vec<T>, q: &ListQuery, item: impl FnMut(T) -> Value) -> Value {
    if !q.order_asc {
        list.reverse();
    }
    let total = list.len();
    let page: Vec<Value> = list
        .into_iter()
        .skip(q.offset)
        .take(q.limit)
        .map(item)
        .collect();
    json!({key: page, "total": total, "limit": q.limit, "offset": q.offset})
}
