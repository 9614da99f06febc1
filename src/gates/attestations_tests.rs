//! The `attestations` gate decided from verification outcomes, table-style: every artifact
//! needs a passing bundle, one Sigstore record suffices, nothing to judge never passes, and each
//! failing subject is named with its reason.

use super::*;
use crate::gates::facts::Fact;
use crate::policy::{GateSpec, SLSA_PROVENANCE_V1};
use crate::sigstore::{Mismatch, ProofOfTime};

fn identity() -> Identity {
    yaml_serde::from_str(
        "signer-workflow: acme/app/.github/workflows/release.yml\nrunner: github-hosted\n",
    )
    .unwrap()
}

fn gate(subjects: AttestationSubjects) -> Gate {
    Gate {
        name: "provenance".into(),
        spec: GateSpec::Attestations {
            predicate_type: SLSA_PROVENANCE_V1.into(),
            subjects,
            identity: identity(),
            trusted_root: None,
        },
    }
}

fn verified() -> Verified {
    Verified {
        instance: "github".into(),
        media_type: "application/vnd.dev.sigstore.bundle.v0.3+json".into(),
        issuer: crate::sigstore::GITHUB_ACTIONS_ISSUER.into(),
        san: "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main".into(),
        signer_workflow: Some("acme/app/.github/workflows/release.yml@refs/heads/main".into()),
        signer_repo: Some("acme/app".into()),
        source_repo: Some("acme/app".into()),
        source_ref: Some("refs/heads/main".into()),
        source_commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        runner: Some("github-hosted".into()),
        predicate_type: Some(SLSA_PROVENANCE_V1.into()),
        proof_of_time: ProofOfTime::Timestamp {
            time: "2025-05-07T08:05:10Z".parse().unwrap(),
        },
    }
}

fn check(subject: &str, outcome: Result<Verified, Failure>) -> SubjectCheck {
    SubjectCheck {
        subject: subject.into(),
        sha256: "ab".repeat(32),
        about: None,
        bundles: 1,
        outcome,
    }
}

fn mismatch() -> Failure {
    Failure::IdentityMismatch(Mismatch {
        field: "signer-workflow",
        found: Some("evil/x/.github/workflows/a.yml@refs/heads/main".into()),
        wanted: "acme/app/.github/workflows/release.yml".into(),
    })
}

fn judge(subjects: AttestationSubjects, checks: Vec<SubjectCheck>) -> GateEval {
    let facts = AttestationFacts {
        source: "GitHub's attestations API, repos/acme/app".into(),
        checks,
        layers_skipped: 0,
        other_records: 0,
    };
    super::super::evaluate("PROD", &gate(subjects), &Fact::Attestations(facts))
}

#[test]
fn artifacts_need_every_one_attested_and_name_those_that_are_not() {
    let ok = || check("r/app.whl", Ok(verified()));
    let cases: Vec<(&str, Vec<SubjectCheck>, GateStatus, &[&str])> = vec![
        (
            "all attested",
            vec![ok(), check("r/app.tar.gz", Ok(verified()))],
            GateStatus::Pass,
            &[
                "every artifact's attestation is verified",
                "acme/app/.github/workflows/release.yml@refs/heads/main",
            ],
        ),
        (
            "one unsigned",
            vec![
                ok(),
                check(
                    "r/app.tar.gz",
                    Err(Failure::Unsigned("no attestation of sha256:ab…".into())),
                ),
            ],
            GateStatus::Fail,
            &[
                "1 of 2 artifacts without a passing attestation",
                "r/app.tar.gz: unsigned: no attestation",
            ],
        ),
        (
            "one signed by another workflow",
            vec![check("r/app.whl", Err(mismatch()))],
            GateStatus::Fail,
            &["r/app.whl: identity mismatch: signer-workflow is evil/x/"],
        ),
        (
            "nothing to attest",
            vec![],
            GateStatus::Fail,
            &["the version has no artifact to attest"],
        ),
    ];
    for (name, checks, status, needles) in cases {
        let n = checks.len();
        let eval = judge(AttestationSubjects::Artifacts, checks);
        assert_eq!(eval.result.status, status, "{name}: {:?}", eval.result);
        for needle in needles {
            assert!(
                eval.result.detail.contains(needle),
                "{name}: {}",
                eval.result.detail
            );
        }
        assert_eq!(eval.attestations.len(), n, "{name}");
        assert!(eval.warnings.is_empty(), "{name}");
        assert_eq!(eval.result.kind, "attestations");
    }
}

#[test]
fn failed_artifacts_beyond_three_are_counted_not_named() {
    let checks = (0..5)
        .map(|i| check(&format!("r/a{i}"), Err(Failure::Unsigned("none".into()))))
        .collect();
    let eval = judge(AttestationSubjects::Artifacts, checks);
    let d = &eval.result.detail;
    assert!(d.contains("r/a2: unsigned") && !d.contains("r/a3"), "{d}");
    assert!(d.contains("and 2 more"), "{d}");
    assert_eq!(eval.result.figure, "0 of 5 artifacts attested");
}

#[test]
fn one_sigstore_record_suffices_and_a_bad_one_beside_it_warns() {
    let eval = judge(
        AttestationSubjects::Evidence,
        vec![
            check("repo/.evidence/a.json", Err(mismatch())),
            check("repo/.evidence/b.json", Ok(verified())),
        ],
    );
    assert_eq!(eval.result.status, GateStatus::Pass);
    let statuses: Vec<GateStatus> = eval.attestations.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [GateStatus::Warn, GateStatus::Pass]);
    assert_eq!(eval.warnings.len(), 1);
    assert!(
        eval.warnings[0].contains("repo/.evidence/a.json"),
        "{:?}",
        eval.warnings
    );

    let none = judge(AttestationSubjects::Evidence, vec![]);
    assert_eq!(none.result.status, GateStatus::Fail);
    assert!(
        none.result
            .detail
            .starts_with("unsigned: no Sigstore bundle of type https://slsa.dev/provenance/v1"),
        "{}",
        none.result.detail
    );
    let bad = judge(
        AttestationSubjects::Evidence,
        vec![check("x.json", Err(mismatch()))],
    );
    assert_eq!(bad.result.status, GateStatus::Fail);
    assert_eq!(bad.attestations[0].status, GateStatus::Fail);
}

#[test]
fn rows_carry_who_built_it_or_the_reason() {
    let eval = judge(
        AttestationSubjects::Artifacts,
        vec![
            check("r/app.whl", Ok(verified())),
            check("r/b", Err(mismatch())),
        ],
    );
    let [ok, bad] = eval.attestations.as_slice() else {
        panic!("{:?}", eval.attestations)
    };
    assert_eq!(ok.verdict, "verified");
    assert_eq!(
        ok.source_commit.as_deref(),
        Some("0123456789abcdef0123456789abcdef01234567")
    );
    assert_eq!(ok.runner.as_deref(), Some("github-hosted"));
    assert_eq!(
        ok.proof_of_time.as_deref(),
        Some("timestamp 2025-05-07T08:05:10Z")
    );
    assert_eq!(ok.instance.as_deref(), Some("github"));
    assert_eq!(bad.verdict, "identity mismatch");
    assert!(
        bad.reason.contains("signer-workflow is evil/x/"),
        "{}",
        bad.reason
    );
    assert_eq!(bad.signer_workflow, None);
    assert_eq!(
        eval.result.threshold,
        "every artifact: https://slsa.dev/provenance/v1 by signer-workflow acme/app/.github/workflows/release.yml · runner github-hosted"
    );
}

#[test]
fn unreadable_facts_fail_the_gate_naming_why() {
    let eval = super::super::evaluate(
        "PROD",
        &gate(AttestationSubjects::Artifacts),
        &Fact::Unavailable("the token cannot read the attestations of repos/acme/app".into()),
    );
    assert_eq!(eval.result.status, GateStatus::Fail);
    assert_eq!(eval.result.figure, super::super::NO_EVIDENCE);
    assert!(
        eval.result
            .detail
            .contains("attestations of repos/acme/app")
    );
}
