//! Regression baselines: for every tests gate with `max-new-failures` on the path, the failing
//! tests of the version now in the gate's stage, read back from that version's decision
//! attestation in JFrog (the predicate's `failing-tests`, [`crate::report::attestation`]).
//!
//! The version now in a stage is the newest-created version whose `current_stage` is that
//! stage (one version list read). Its attestations are read the way evidence gates read
//! evidence, within the same bounds (deadline, byte budget, minimum rate, file size): the
//! manifest's sha256 (AQL), the records (GraphQL), then the newest [`MAX_READ`] files of our
//! predicate type. A record counts only when it is trusted: its signature verifies with the
//! public half of `evidence-key` when the run has one, else JFrog verified it; and its statement
//! is about that version's manifest. The newest trusted record that recorded the gate decides.
//! Anything missing is a [`Baseline::Missing`] saying why, and the gate falls back to
//! `max-failures`: a baseline never fails a promotion by itself.

use std::collections::BTreeMap;

use serde::Deserialize;
use tokio::time::Instant;

use super::run::Run;
use crate::dsse::{self, PublicKey, SigningKey};
use crate::gates::Baseline;
use crate::gates::evidence_record::{self, Rules};
use crate::gates::failing_tests::AttestedFailures;
use crate::jfrog::apptrust::AppTrustApi;
use crate::jfrog::evidence::{EvidenceRecord, Subject};
use crate::policy::{GateSpec, Policy};
use crate::report::attestation::PREDICATE_TYPE;

/// Attestations of one version read at most (the newest).
pub(super) const MAX_READ: usize = 20;

/// (full stage name, gate name) → the baseline of that gate.
pub(super) type Baselines = BTreeMap<(String, String), Baseline>;

/// One `failing-tests` entry of our predicate.
#[derive(Deserialize)]
struct Entry {
    stage: String,
    gate: String,
    #[serde(flatten)]
    failing: AttestedFailures,
}

/// The baselines of every regression-mode tests gate on `path`.
pub(super) async fn read<A: AppTrustApi>(
    run: &Run<'_, A>,
    policy: &Policy,
    path: &[String],
    candidate: &str,
) -> Baselines {
    let wanted: Vec<(String, String)> = path
        .iter()
        .filter_map(|s| policy.stage(s).map(|sp| (s, sp)))
        .flat_map(|(s, sp)| {
            sp.gates.iter().filter_map(move |g| match &g.spec {
                GateSpec::Junit {
                    max_new_failures: Some(_),
                    ..
                } => Some((s.clone(), g.name.clone())),
                _ => None,
            })
        })
        .collect();
    let mut out = Baselines::new();
    if wanted.is_empty() {
        return out;
    }
    let app = &run.inputs.application;
    let versions = match run.api.list_versions(app).await {
        Ok(v) => v,
        Err(e) => {
            for key in wanted {
                out.insert(
                    key,
                    Baseline::Missing(format!("the versions could not be listed ({e})")),
                );
            }
            return out;
        }
    };
    // Which version is in each stage, and the gates each version is a baseline for.
    let mut by_version: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (stage, gate) in wanted {
        let current = versions
            .iter()
            .find(|v| v.current_stage == stage && v.version != candidate);
        match current {
            Some(v) => by_version
                .entry(v.version.clone())
                .or_default()
                .push((stage, gate)),
            None => {
                let why = format!(
                    "no other version is in {} yet",
                    run.lifecycle.display(&stage)
                );
                out.insert((stage, gate), Baseline::Missing(why));
            }
        }
    }
    let keys = our_key(run);
    for (version, gates) in by_version {
        let found = attested(run, &version, &keys, &gates).await;
        for key in gates {
            let baseline = match &found {
                Err(why) => Baseline::Missing(why.clone()),
                Ok(entries) => match entries.get(&key) {
                    Some(failing) => Baseline::Found {
                        version: version.clone(),
                        failing: failing.clone(),
                    },
                    None => Baseline::Missing(format!(
                        "the decision attestations of {version} record no tests for gate `{}` in {}",
                        key.1,
                        run.lifecycle.display(&key.0)
                    )),
                },
            };
            out.insert(key, baseline);
        }
    }
    out
}

/// The public half of `evidence-key`, when the run has one: attestations must verify with it.
fn our_key<A>(run: &Run<'_, A>) -> Vec<PublicKey> {
    run.inputs
        .evidence_key
        .as_ref()
        .and_then(|pem| SigningKey::from_pem("input `evidence-key`", pem.expose().as_bytes()).ok())
        .map(|k| vec![k.public_key().clone()])
        .unwrap_or_default()
}

/// The failing tests each of `gates` has in the newest trusted attestation of `version` that
/// records it; `Err` says why none could be read.
async fn attested<A: AppTrustApi>(
    run: &Run<'_, A>,
    version: &str,
    keys: &[PublicKey],
    gates: &[(String, String)],
) -> Result<BTreeMap<(String, String), AttestedFailures>, String> {
    let limits = &run.settings.evidence;
    let deadline = Instant::now() + limits.deadline;
    let subject = Subject::manifest(
        run.inputs.project.as_deref(),
        &run.inputs.application,
        version,
    );
    let late = || {
        format!(
            "reading the attestations of {version} passed the evidence deadline of {} s",
            limits.deadline.as_secs()
        )
    };
    let client = run.evidence;
    let sha = match tokio::time::timeout_at(deadline, client.sha256(&subject)).await {
        Err(_) => return Err(late()),
        Ok(Ok(Some(sha))) => sha,
        Ok(Ok(None)) => {
            return Err(format!(
                "the manifest of {version} ({}) is not in Artifactory",
                subject.full_path()
            ));
        }
        Ok(Err(e)) => return Err(format!("the manifest of {version} could not be read ({e})")),
    };
    let records = match tokio::time::timeout_at(deadline, client.records(&subject)).await {
        Err(_) => return Err(late()),
        Ok(Err(e)) => {
            return Err(format!(
                "the evidence of {version} could not be searched ({e})"
            ));
        }
        Ok(Ok(r)) => r,
    };
    let mut ours: Vec<EvidenceRecord> = records
        .into_iter()
        .filter(|r| r.predicate_type == PREDICATE_TYPE)
        .collect();
    if ours.is_empty() {
        return Err(format!(
            "{version} has no decision attestation of promote-action (it is written when a promotion runs with `evidence-key`)"
        ));
    }
    // Newest first (JFrog's `createdAt`, ISO-8601, compares as text).
    ours.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    ours.truncate(MAX_READ);
    let paths: Vec<&str> = ours.iter().map(|r| r.download_path.as_str()).collect();
    let mut per_record: Vec<Option<Result<Vec<Entry>, String>>> = Vec::new();
    per_record.resize_with(ours.len(), || None);
    let rules = Rules {
        manifest_sha256: &sha,
        keys,
        allow_unverified: false,
        conditions: &[],
        // Our own decision attestations are DSSE envelopes signed with keys, never Sigstore.
        sigstore: None,
    };
    client
        .download_each(&paths, limits, deadline, |i, file| {
            let record = &ours[i];
            let parsed = evidence_record::parse_file(record, file);
            let judged = evidence_record::judge(record, &parsed, &rules);
            per_record[i] = Some(if judged.trusted {
                entries(&parsed)
            } else {
                Err(judged.reason)
            });
        })
        .await
        .map_err(|e| format!("the attestations of {version} could not be read: {e}"))?;
    let mut out = BTreeMap::new();
    let mut why_not = None;
    for result in per_record.into_iter().flatten() {
        match result {
            Ok(list) => {
                for e in list {
                    let key = (e.stage, e.gate);
                    if gates.contains(&key) && !out.contains_key(&key) {
                        out.insert(key, e.failing);
                    }
                }
            }
            Err(why) => {
                why_not.get_or_insert(why);
            }
        }
    }
    if out.is_empty() {
        if let Some(why) = why_not {
            return Err(format!(
                "no decision attestation of {version} can be trusted ({why})"
            ));
        }
    }
    Ok(out)
}

/// The `failing-tests` entries of a trusted record's predicate.
fn entries(parsed: &evidence_record::ParsedFile) -> Result<Vec<Entry>, String> {
    let Ok(dsse::Evidence::Dsse(envelope)) = parsed else {
        return Err("not a DSSE envelope".into());
    };
    let statement = envelope.statement().map_err(|e| e.to_string())?;
    match statement.predicate.get("failing-tests") {
        None => Ok(Vec::new()),
        Some(v) => serde_json::from_value(v.clone())
            .map_err(|e| format!("its `failing-tests` are not as this action writes them: {e}")),
    }
}
