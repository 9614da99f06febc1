//! The "bookverse" starting state, plus the small self-contained helpers it needs.
//!
//! Artifact digests are real SHA-256 digests of deterministic content
//! ([`seed_artifact_bytes`]), so a demo or test can write the same bytes to disk and have an
//! integrity check against the simulator pass.

use crate::digest::sha256_hex;
use std::collections::BTreeMap;

use super::state::{
    Application, Artifact, Evaluations, EvidenceRecord, Gate, Project, PromotionRecord,
    RELEASE_PRE, RELEASE_RELEASED, Releasable, STATUS_COMPLETED, State, VersionState,
};

pub(crate) const PROJECT: &str = "bookverse";
pub(crate) const STAGE_DEV: &str = "bookverse-DEV";
pub const STAGE_QA: &str = "bookverse-QA";
pub const STAGE_STAGING: &str = "bookverse-STAGING";
pub(crate) const STAGE_PROD: &str = "PROD";
pub const APP_INVENTORY: &str = "bookverse-inventory";
pub(crate) const APP_WEB: &str = "bookverse-web";
pub const EVIDENCE_TEST_RESULT: &str = "https://in-toto.io/attestation/test-result/v0.1";
pub const EVIDENCE_SLSA: &str = "https://slsa.dev/provenance/v1";

/// 2025-06-01T10:00:00Z: a fixed past instant so seeded data is stable across runs.
const SEED_EPOCH_MS: i64 = 1_748_772_000_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// The bytes whose SHA-256 the seed reports for the artifact at `path`.
pub fn seed_artifact_bytes(path: &str) -> Vec<u8> {
    format!("bookverse simulator artifact: {path}\n").into_bytes()
}

/// The starting state of AppTrust and JFrog's evidence; GitHub's attestations are seeded beside
/// it ([`super::attestations::seeded_attestations`], which builds on this file's artifacts).
pub(crate) fn seeded_state() -> State {
    let mut st = State::default();
    st.trusted_keys.insert(
        super::evidence::DEMO_KEY_ALIAS.into(),
        super::evidence::DEMO_PUBLIC_KEY.into(),
    );
    st.projects.insert(
        PROJECT.into(),
        Project {
            key: PROJECT.into(),
            name: "BookVerse".into(),
            promote_stages: vec![STAGE_DEV.into(), STAGE_QA.into(), STAGE_STAGING.into()],
            release_stage: STAGE_PROD.into(),
        },
    );
    for (i, (key, name, desc)) in [
        (
            APP_INVENTORY,
            "BookVerse Inventory",
            "Inventory service for the BookVerse demo",
        ),
        (
            APP_WEB,
            "BookVerse Web",
            "Web front end for the BookVerse demo",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        st.applications.insert(
            key.into(),
            Application {
                application_key: key.into(),
                application_name: name.into(),
                project_key: PROJECT.into(),
                description: desc.into(),
                maturity: "production".into(),
                criticality: "high".into(),
                labels: BTreeMap::from([("team".to_string(), "bookverse".to_string())]),
                user_owners: vec!["bookverse-admin".into()],
                group_owners: vec!["bookverse-devs".into()],
                signing_key: "bookverse-signing-key".into(),
                created_millis: SEED_EPOCH_MS - 30 * DAY_MS + i as i64 * HOUR_MS,
            },
        );
    }

    // (version, stages reached in order, status, tag, evidence)
    let inventory: [(&str, usize, &str, &str, &[&str]); 5] = [
        ("1.0.0", 4, STATUS_COMPLETED, "latest", &[]),
        (
            "1.1.0",
            3,
            STATUS_COMPLETED,
            "",
            &[EVIDENCE_TEST_RESULT, EVIDENCE_SLSA],
        ),
        ("1.2.0", 1, STATUS_COMPLETED, "", &[EVIDENCE_TEST_RESULT]),
        ("1.3.0", 0, STATUS_COMPLETED, "", &[EVIDENCE_TEST_RESULT]),
        ("1.4.0", 0, "IN_PROGRESS", "", &[]),
    ];
    let mut counter = 0u64;
    for (i, (ver, reached, status, tag, evidence)) in inventory.into_iter().enumerate() {
        let created = SEED_EPOCH_MS + i as i64 * DAY_MS;
        let v = build_version(
            APP_INVENTORY,
            ver,
            created,
            reached,
            status,
            tag,
            evidence,
            &mut counter,
        );
        st.versions
            .entry(APP_INVENTORY.into())
            .or_default()
            .insert(ver.into(), v);
    }
    let web = build_version(
        APP_WEB,
        "2.0.0",
        SEED_EPOCH_MS + 2 * DAY_MS,
        1,
        STATUS_COMPLETED,
        "",
        &[],
        &mut counter,
    );
    st.versions
        .entry(APP_WEB.into())
        .or_default()
        .insert("2.0.0".into(), web);
    st.id_counter = counter;
    st
}

/// A version of `app` created at `created` (Unix ms) that was never promoted, with content
/// status `status` (`COMPLETED`, `IN_PROGRESS`, `FAILED`, …) and no evidence: what a CI run that
/// is still creating a version, or whose creation failed, leaves behind.
pub(crate) fn unpromoted_version(
    app: &str,
    version: &str,
    created: i64,
    status: &str,
    counter: &mut u64,
) -> VersionState {
    build_version(app, version, created, 0, status, "", &[], counter)
}

#[allow(clippy::too_many_arguments)]
fn build_version(
    app: &str,
    version: &str,
    created: i64,
    reached: usize,
    status: &str,
    tag: &str,
    evidence: &[&str],
    counter: &mut u64,
) -> VersionState {
    let stages = [STAGE_DEV, STAGE_QA, STAGE_STAGING, STAGE_PROD];
    let mut history = Vec::new();
    let mut source = String::new();
    for (k, target) in stages.iter().take(reached).enumerate() {
        let at = created + (k as i64 + 1) * HOUR_MS;
        let gate = |stage: &str, n: u64| Gate {
            stage: stage.to_string(),
            eval_id: format!("eval-seed-{n:04}"),
            decision: "pass".into(),
            explanation: "all policies passed".into(),
        };
        *counter += 2;
        history.push(PromotionRecord {
            status: "SUCCESS".into(),
            operation: if *target == STAGE_PROD {
                "release"
            } else {
                "promote"
            }
            .into(),
            source_stage: source.clone(),
            target_stage: (*target).into(),
            promotion_type: "move".into(),
            promoted_by: "bookverse-ci".into(),
            created_millis: at,
            message: None,
            evaluations: Some(Evaluations {
                exit_gate: gate(&source, *counter - 1),
                entry_gate: gate(target, *counter),
            }),
            options: Default::default(),
        });
        source = (*target).into();
    }
    let releasables = seed_releasables(app, version);
    let joined: String = releasables.iter().map(|r| r.sha256.as_str()).collect();
    VersionState {
        application_key: app.into(),
        version: version.into(),
        created_millis: created,
        created_by: "bookverse-ci".into(),
        status: status.into(),
        tag: tag.into(),
        release_status: if reached == stages.len() {
            RELEASE_RELEASED
        } else {
            RELEASE_PRE
        }
        .into(),
        current_stage: source,
        properties: BTreeMap::from([("build.number".to_string(), vec![format!("{version}-1")])]),
        history,
        releasables,
        application_version_sha256: sha256_hex(joined.as_bytes()),
        evidence: evidence
            .iter()
            .enumerate()
            .map(|(k, p)| {
                seed_evidence(
                    app,
                    version,
                    &sha256_hex(joined.as_bytes()),
                    p,
                    created + 30 * 60_000 + k as i64 * 60_000,
                )
            })
            .collect(),
        in_flight: None,
        modified_by: None,
        modified_millis: None,
    }
}

/// The predicate the seed attests for a predicate type (in-toto test-result, SLSA provenance).
pub(crate) fn seed_predicate(predicate_type: &str, passed: bool) -> serde_json::Value {
    if predicate_type == EVIDENCE_SLSA {
        return serde_json::json!({
            "buildDefinition": {
                "buildType": "https://actions.github.io/buildtypes/workflow/v1",
                "externalParameters": {"workflow": {
                    "ref": "refs/heads/main",
                    "repository": "https://github.com/bookverse/inventory",
                    "path": ".github/workflows/ci.yml"
                }}
            },
            "runDetails": {"builder": {"id": "https://github.com/actions/runner"}}
        });
    }
    let failed: Vec<&str> = if passed {
        Vec::new()
    } else {
        vec!["tests/test_stock.py::test_grade_boundary[51-F]"]
    };
    serde_json::json!({
        "result": if passed { "PASSED" } else { "FAILED" },
        "configuration": [{"name": "pytest", "uri": "https://github.com/bookverse/inventory/blob/main/pytest.ini"}],
        "url": "https://github.com/bookverse/inventory/actions/runs/4242",
        "passedTests": ["tests/test_stock.py", "tests/test_api.py"],
        "warnedTests": [],
        "failedTests": failed
    })
}

/// A record of `predicate_type` about a seeded version, signed with the demo key and verified.
fn seed_evidence(
    app: &str,
    version: &str,
    sha: &str,
    predicate_type: &str,
    at: i64,
) -> EvidenceRecord {
    let repo = format!("{PROJECT}-application-versions");
    let subject = format!("{repo}/{app}/{version}/release-bundle.json.evd");
    let slug = super::evidence::predicate_slug(predicate_type);
    EvidenceRecord {
        id: format!("seed-{slug}"),
        predicate_type: predicate_type.into(),
        download_path: format!("{repo}/{app}/{version}/.evidence/{slug}-seed.json"),
        predicate_slug: slug,
        created_millis: at,
        created_by: "bookverse-ci".into(),
        verified: true,
        signing_key_alias: Some(super::evidence::DEMO_KEY_ALIAS.into()),
        subject_sha256: sha.into(),
        file: super::evidence::signed_statement(
            &subject,
            sha,
            predicate_type,
            seed_predicate(predicate_type, true),
        ),
        padded_to: None,
        pad_payload: false,
    }
}

fn seed_releasables(app: &str, version: &str) -> Vec<Releasable> {
    let artifact = |path: String| {
        let bytes = seed_artifact_bytes(&path);
        Artifact {
            sha256: sha256_hex(&bytes),
            size: bytes.len() as u64,
            path,
        }
    };
    let docker = vec![
        artifact(format!(
            "{app}-internal-docker-nonprod-local/{app}/{version}/manifest.json"
        )),
        artifact(format!(
            "{app}-internal-docker-nonprod-local/{app}/{version}/sha256__layer0"
        )),
    ];
    let generic = vec![artifact(format!(
        "{app}-internal-generic-nonprod-local/{app}/{version}/{app}-{version}.tar.gz"
    ))];
    [
        ("docker", app.to_string(), docker),
        ("generic", format!("{app}-bundle"), generic),
    ]
    .into_iter()
    .map(|(package_type, name, artifacts)| {
        let joined: String = artifacts.iter().map(|a| a.sha256.as_str()).collect();
        Releasable {
            name,
            version: version.into(),
            package_type: package_type.into(),
            sha256: sha256_hex(joined.as_bytes()),
            artifacts,
        }
    })
    .collect()
}

/// Random hex of `bytes` bytes (v4 UUIDs: the OS random source, through the uuid crate).
/// `_counter` is kept for call-site compatibility; randomness does not depend on it.
pub(crate) fn random_hex(_counter: u64, bytes: usize) -> String {
    let mut out = String::new();
    while out.len() < bytes * 2 {
        out.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    out.truncate(bytes * 2);
    out
}

/// base64url without padding (JWT segments).
pub(crate) fn base64url(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_without_padding() {
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn an_added_version_is_the_newest_and_never_promoted() {
        let sim = super::super::Simulator::seeded(super::super::SimConfig::default());
        sim.add_version(APP_INVENTORY, "1.5.0", "FAILED");
        sim.add_version(APP_INVENTORY, "1.0.0", "FAILED");
        sim.add_version("no-such-app", "9.0.0", "COMPLETED");
        let st = sim.state();
        let inv = &st.versions[APP_INVENTORY];
        let added = &inv["1.5.0"];
        assert_eq!(added.status, "FAILED");
        assert_eq!(added.current_stage, "");
        assert!(added.history.is_empty() && added.evidence.is_empty());
        assert!(
            inv.values()
                .all(|v| v.created_millis <= added.created_millis)
        );
        assert_eq!(
            inv["1.0.0"].status, STATUS_COMPLETED,
            "an existing version is left alone"
        );
        assert!(!st.versions.contains_key("no-such-app"));
    }

    #[test]
    fn seed_is_consistent() {
        let st = seeded_state();
        let inv = &st.versions[APP_INVENTORY];
        assert_eq!(inv["1.0.0"].current_stage, STAGE_PROD);
        assert_eq!(inv["1.0.0"].release_status, RELEASE_RELEASED);
        assert_eq!(inv["1.1.0"].current_stage, STAGE_STAGING);
        assert_eq!(inv["1.2.0"].current_stage, STAGE_DEV);
        assert_eq!(inv["1.3.0"].current_stage, "");
        assert_eq!(inv["1.4.0"].status, "IN_PROGRESS");
        for v in inv.values() {
            assert_eq!(
                v.history
                    .last()
                    .map(|r| r.target_stage.clone())
                    .unwrap_or_default(),
                v.current_stage
            );
            assert_eq!(v.releasables.len(), 2);
            assert!(v.releasables.iter().all(|r| r.sha256.len() == 64));
            assert_eq!(v.application_version_sha256.len(), 64);
        }
    }
}
