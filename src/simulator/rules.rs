//! The rules that change the simulator state: promote, release, rollback, tag and property
//! updates, and settling asynchronous operations — each checked the way AppTrust checks it.

use serde_json::{Value, json};

use super::state::{
    ApiError, Evaluations, Gate, InFlight, OpContext, OpOutcome, Operation, PatchBody, Project,
    PromoteBody, PromotionRecord, RELEASE_PRE, RELEASE_RELEASED, RollbackBody, STATUS_COMPLETED,
    State, VersionState, display_stage, iso, now_real_millis,
};

impl State {
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
        let promotion_type = promotion_type(body)?;
        let options = body.options()?;
        let target = hop_target(&project, body, op)?;
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
        let is_dry_run = promotion_type == "dry_run";
        if is_dry_run {
            check_ahead(&project, &current, &target)?;
        } else {
            check_order(&project, &current, &target, op)?;
        }
        // A dry run leaves no trace: the ids and the clock it uses are given back.
        let counters = (self.id_counter, self.last_millis);
        let failure = self.policy_failures.get(&target).cloned();
        let evaluations = self.evaluate(&current, &target, failure.as_deref());
        let now = self.next_millis();
        if is_dry_run {
            (self.id_counter, self.last_millis) = counters;
        }
        let mut response = json!({
            "application_key": app,
            "version": version,
            "project_key": project.key,
            "source_stage": current,
            "target_stage": target,
            "promotion_type": promotion_type,
            "included_repository_keys": body.included_repository_keys,
            "excluded_repository_keys": body.excluded_repository_keys,
            "artifact_additional_properties": body.artifact_additional_properties,
            "overwrite_strategy": body.overwrite_strategy,
            "timestamp": iso(now),
            "evaluations": evaluations,
        });
        let route = format!("from '{}' to '{target}'", display_stage(&current));
        let mut record = PromotionRecord {
            status: "FAILED".into(),
            operation: op.as_str().into(),
            source_stage: current,
            target_stage: target,
            promotion_type,
            promoted_by: ctx.user.clone(),
            created_millis: now,
            message: None,
            evaluations: Some(evaluations),
            options,
        };
        if failure.is_some() {
            let message = format!(
                "{} promotion from '{}' to '{}' failed due to policy violations",
                record.promotion_type, record.source_stage, record.target_stage
            );
            set_status(&mut response, "failed", message.clone());
            if !is_dry_run {
                record.message = Some(message);
                self.version_mut(app, version)?.history.push(record);
            }
            return Ok(OpOutcome {
                http_status: 422,
                body: response,
            });
        }
        if is_dry_run {
            set_status(
                &mut response,
                "success",
                format!("dry run: {} {route} would succeed", op.as_str()),
            );
            return Ok(OpOutcome {
                http_status: 200,
                body: response,
            });
        }
        record.status = if ctx.is_async { "PENDING" } else { "SUCCESS" }.into();
        self.apply(app, version, record, op, ctx, &route, response)
    }

    /// Both gate evaluations of a hop: the exit gate of `current` passes, the entry gate of
    /// `target` fails when a policy failure was configured for it.
    fn evaluate(&mut self, current: &str, target: &str, failure: Option<&str>) -> Evaluations {
        let exit_id = self.next_id("eval");
        let entry_id = self.next_id("eval");
        let passed = |stage: &str, id: String, what: &str| Gate {
            stage: stage.to_string(),
            eval_id: id,
            decision: "pass".into(),
            explanation: format!("all {what} policies passed"),
        };
        Evaluations {
            exit_gate: passed(current, exit_id, "exit gate"),
            entry_gate: match failure {
                Some(expl) => Gate {
                    stage: target.to_string(),
                    eval_id: entry_id,
                    decision: "fail".into(),
                    explanation: expl.to_string(),
                },
                None => passed(target, entry_id, "entry gate"),
            },
        }
    }

    /// Applies an accepted hop: recorded, then moved now, or started (async) to settle later.
    #[allow(clippy::too_many_arguments)] // one call site: the hop as `promote` checked it
    fn apply(
        &mut self,
        app: &str,
        version: &str,
        record: PromotionRecord,
        op: Operation,
        ctx: &OpContext,
        route: &str,
        mut response: Value,
    ) -> Result<OpOutcome, ApiError> {
        let (now, target) = (record.created_millis, record.target_stage.clone());
        let promotion_type = record.promotion_type.clone();
        let v = self.version_mut(app, version)?;
        v.history.push(record);
        if ctx.is_async {
            v.in_flight = Some(InFlight {
                operation: op.as_str().into(),
                target_stage: target,
                completes_at_millis: now_real_millis() + ctx.async_delay_ms,
                record_millis: Some(now),
            });
            set_status(
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
        set_status(
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
pub(super) fn apply_rollback(v: &mut VersionState) {
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

pub(super) fn tag_matches(pattern: &str, tag: &str) -> bool {
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

/// `promotion_type`, lower-cased; `copy` when absent.
fn promotion_type(body: &PromoteBody) -> Result<String, ApiError> {
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
    Ok(promotion_type)
}

/// The stage a promote (its `target_stage`, a promote stage of the project) or a release (the
/// release stage) goes to.
fn hop_target(project: &Project, body: &PromoteBody, op: Operation) -> Result<String, ApiError> {
    match op {
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
            Ok(target)
        }
        Operation::Release => Ok(project.release_stage.clone()),
    }
}

/// Stage order: a promote goes to the next promote stage, a release only from the last one.
fn check_order(
    project: &Project,
    current: &str,
    target: &str,
    op: Operation,
) -> Result<(), ApiError> {
    match op {
        Operation::Promote => {
            let expected = if current.is_empty() {
                project.promote_stages.first().cloned()
            } else {
                let idx = project.promote_stages.iter().position(|s| *s == current);
                idx.and_then(|i| project.promote_stages.get(i + 1).cloned())
            };
            if expected.as_deref() != Some(target) {
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
                    display_stage(current)
                )));
            }
        }
        Operation::Release => {
            let last = project.promote_stages.last().cloned().unwrap_or_default();
            if current != last {
                return Err(ApiError::conflict(format!(
                    "cannot release from '{}' to '{target}': release is only allowed from '{last}'",
                    display_stage(current)
                )));
            }
        }
    }
    Ok(())
}

/// What a dry run may ask about: any stage after the one the version is in, judged from where
/// it is (its exit gate, then the target's entry gate). **\[INFERRED\]**: AppTrust's docs describe
/// a dry run as "simulates the promotion" and say nothing of stage order; a `plan` asks about
/// every hop of its path this way (`action::dry_run`), so a stage behind the version, or the
/// one it is in, is refused as a real promotion would be.
fn check_ahead(project: &Project, current: &str, target: &str) -> Result<(), ApiError> {
    let order: Vec<&String> = project
        .promote_stages
        .iter()
        .chain(std::iter::once(&project.release_stage))
        .collect();
    let at = |stage: &str| order.iter().position(|s| s.as_str() == stage);
    let ahead = match (current.is_empty(), at(current), at(target)) {
        (true, _, Some(_)) => true,
        (false, Some(c), Some(t)) => t > c,
        _ => false,
    };
    if !ahead {
        let why = if current == target {
            "the version is already at that stage"
        } else {
            "the stage is not ahead of the version"
        };
        return Err(ApiError::conflict(format!(
            "cannot dry-run a promotion from '{}' to '{target}': {why}",
            display_stage(current)
        )));
    }
    Ok(())
}

/// Sets the answer's `status` and `message`.
fn set_status(response: &mut Value, status: &str, message: String) {
    if let Some(o) = response.as_object_mut() {
        o.insert("status".into(), json!(status));
        o.insert("message".into(), json!(message));
    }
}
