//! The evidence gate table-style: records judged one by one ([`super::super::evidence_record`]),
//! then combined — every reason a record fails, one good record beside a bad one, and which
//! record decides the `where` conditions.

use serde_json::json;

use super::*;
use crate::dsse::PublicKey;
use crate::gates::evidence_record::{Rules, judge, parse_file};
use crate::gates::facts::EvidenceRecord;
use crate::policy::{ConditionCheck, GateSpec};
use crate::simulator::{DEMO_PUBLIC_KEY, signed_statement};

const TYPE: &str = "https://in-toto.io/attestation/test-result/v0.1";
const SUBJECT: &str = "p-application-versions/app/1.0/release-bundle.json.evd";

fn sha(c: char) -> String {
    c.to_string().repeat(64)
}

/// A record's listing and its file.
type Listed = (EvidenceRecord, String);

fn record(file: String, jfrog_verified: bool) -> Listed {
    dated(file, jfrog_verified, "")
}

fn dated(file: String, jfrog_verified: bool, created_at: &str) -> Listed {
    (
        EvidenceRecord {
            download_path: "p/x.json".into(),
            predicate_type: TYPE.into(),
            predicate_slug: "test-result".into(),
            verified: jfrog_verified,
            created_by: "ci".into(),
            created_at: created_at.into(),
            subject_sha256: sha('a'),
            signing_key_alias: Some("bookverse-ci".into()),
        },
        file,
    )
}

fn signed(about: &str, result: &str) -> String {
    signed_statement(SUBJECT, about, TYPE, json!({"result": result}))
}

fn scan(critical: u32) -> String {
    signed_statement(
        SUBJECT,
        &sha('a'),
        TYPE,
        json!({"summary": {"critical": critical}}),
    )
}

struct Case {
    signed_by: bool,
    allow_unverified: bool,
    conditions: Vec<EvidenceCondition>,
    records: RecordsRule,
}

fn passed_condition() -> Vec<EvidenceCondition> {
    vec![EvidenceCondition {
        predicate_type: TYPE.into(),
        pointer: "/result".into(),
        check: ConditionCheck::Equals(json!("PASSED")),
    }]
}

fn judge_with(listed: Vec<Listed>, case: &Case) -> GateEval {
    let keys = if case.signed_by {
        PublicKey::from_pem("demo", DEMO_PUBLIC_KEY.as_bytes()).expect("key")
    } else {
        Vec::new()
    };
    let manifest = sha('a');
    let rules = Rules {
        manifest_sha256: &manifest,
        keys: &keys,
        allow_unverified: case.allow_unverified,
        conditions: &case.conditions,
        sigstore: None,
    };
    let total = listed.len();
    let records = listed
        .iter()
        .map(|(r, file)| judge(r, &parse_file(r, Ok(file.as_bytes())), &rules))
        .collect();
    let facts = AttachedFacts {
        subject: SUBJECT.into(),
        manifest_sha256: manifest.clone(),
        total_records: total,
        records,
    };
    let signed_by: Vec<String> = if case.signed_by {
        vec!["k.pub".into()]
    } else {
        Vec::new()
    };
    let gate = Gate {
        name: "evidence".into(),
        spec: GateSpec::Evidence {
            required: vec![TYPE.into()],
            signed_by: signed_by.clone(),
            allow_unverified: case.allow_unverified,
            conditions: case.conditions.clone(),
            records: case.records,
            identity: None,
        },
    };
    let spec = Spec {
        required: &[TYPE.to_string()],
        signed_by: &signed_by,
        allow_unverified: case.allow_unverified,
        conditions: &case.conditions,
        records: case.records,
    };
    evaluate("QA", &gate, spec, &facts)
}

fn judge_gate(
    records: Vec<Listed>,
    signed_by: bool,
    allow_unverified: bool,
    condition: bool,
) -> GateEval {
    let case = Case {
        signed_by,
        allow_unverified,
        conditions: if condition {
            passed_condition()
        } else {
            Vec::new()
        },
        records: RecordsRule::Newest,
    };
    judge_with(records, &case)
}

/// A record's verdict table: name, records listed, `signed-by` given, `allow-unverified`,
/// a `where` condition, the gate's status, and each record's verdict in order.
type VerdictRow = (
    &'static str,
    Vec<Listed>,
    bool,
    bool,
    bool,
    GateStatus,
    &'static [&'static str],
);

fn assert_verdicts(cases: Vec<VerdictRow>) {
    for (name, records, signed_by, allow, condition, status, verdicts) in cases {
        let eval = judge_gate(records, signed_by, allow, condition);
        assert_eq!(eval.result.status, status, "{name}: {}", eval.result.detail);
        let got: Vec<&str> = eval.evidence.iter().map(|r| r.verdict.as_str()).collect();
        assert_eq!(got, verdicts, "{name}");
    }
}

/// A passing envelope whose one signature is empty.
fn empty_sig_envelope() -> String {
    let mut empty_sig: serde_json::Value =
        serde_json::from_str(&signed(&sha('a'), "PASSED")).expect("envelope");
    empty_sig["signatures"] = json!([{"keyid": "ci-key", "sig": ""}]);
    empty_sig.to_string()
}

/// `envelope` with its payload replaced after signing.
fn tampered(envelope: &str) -> String {
    let mut tampered: serde_json::Value = serde_json::from_str(envelope).expect("envelope");
    tampered["payload"] = json!("e30=");
    tampered.to_string()
}

#[test]
fn each_signature_gets_a_verdict() {
    let empty_sig = empty_sig_envelope();
    assert_verdicts(vec![
        (
            "verified locally",
            vec![record(signed(&sha('a'), "PASSED"), false)],
            true,
            false,
            true,
            GateStatus::Pass,
            &["verified"],
        ),
        (
            "verified by JFrog",
            vec![record(signed(&sha('a'), "PASSED"), true)],
            false,
            false,
            false,
            GateStatus::Pass,
            &["verified by JFrog"],
        ),
        (
            "JFrog did not verify",
            vec![record(signed(&sha('a'), "PASSED"), false)],
            false,
            false,
            false,
            GateStatus::Fail,
            &["unknown key"],
        ),
        (
            "an empty sig, though JFrog says verified",
            vec![record(empty_sig.clone(), true)],
            false,
            false,
            false,
            GateStatus::Fail,
            &["unsigned"],
        ),
        (
            "an empty sig, with signed-by",
            vec![record(empty_sig, true)],
            true,
            false,
            false,
            GateStatus::Fail,
            &["unsigned"],
        ),
    ]);
}

#[test]
fn each_record_gets_a_verdict_and_one_good_record_suffices() {
    let tampered = tampered(&signed(&sha('a'), "FAILED"));
    assert_verdicts(vec![
        (
            "missing",
            vec![],
            true,
            false,
            false,
            GateStatus::Fail,
            &["missing"],
        ),
        (
            "wrong subject",
            vec![record(signed(&sha('b'), "PASSED"), true)],
            true,
            false,
            false,
            GateStatus::Fail,
            &["wrong subject"],
        ),
        (
            "condition failed",
            vec![record(signed(&sha('a'), "FAILED"), true)],
            true,
            false,
            true,
            GateStatus::Fail,
            &["condition failed"],
        ),
        (
            "tampered",
            vec![record(tampered.clone(), true)],
            true,
            false,
            false,
            GateStatus::Fail,
            &["bad signature"],
        ),
        (
            "unverified allowed",
            vec![record(tampered.clone(), false)],
            true,
            true,
            false,
            GateStatus::Pass,
            &["accepted unverified"],
        ),
        (
            "unreadable",
            vec![record("{".into(), true)],
            true,
            false,
            false,
            GateStatus::Fail,
            &["unreadable"],
        ),
        (
            "one good beside a bad",
            vec![
                record(tampered.clone(), true),
                record(signed(&sha('a'), "PASSED"), true),
            ],
            true,
            false,
            true,
            GateStatus::Pass,
            &["bad signature", "verified"],
        ),
    ]);
}

#[test]
fn a_bad_record_beside_a_good_one_is_a_warning() {
    let eval = judge_gate(
        vec![
            record("{".into(), true),
            record(signed(&sha('a'), "PASSED"), true),
        ],
        true,
        false,
        false,
    );
    assert_eq!(eval.evidence[0].status, GateStatus::Warn);
    assert_eq!(eval.warnings.len(), 1);
}

fn critical_at_most_zero(records: RecordsRule) -> Case {
    Case {
        signed_by: true,
        allow_unverified: false,
        conditions: vec![EvidenceCondition {
            predicate_type: TYPE.into(),
            pointer: "/summary/critical".into(),
            check: ConditionCheck::Range {
                min: None,
                max: Some(0.0),
            },
        }],
        records,
    }
}

#[test]
fn the_newest_record_that_verifies_decides_the_conditions() {
    let older_clean = dated(scan(0), true, "2026-01-01T00:00:00Z");
    let newer_bad = dated(scan(5), true, "2026-02-01T00:00:00.000Z");
    // Newest (the default): the later scan's five criticals block, whatever the order listed.
    for records in [
        vec![older_clean.clone(), newer_bad.clone()],
        vec![newer_bad.clone(), older_clean.clone()],
    ] {
        let eval = judge_with(records, &critical_at_most_zero(RecordsRule::Newest));
        assert_eq!(eval.result.status, GateStatus::Fail);
        let detail = &eval.result.detail;
        assert!(
            detail.contains("condition failed — `/summary/critical` is 5, above 0"),
            "{detail}"
        );
        assert!(detail.contains("the newest record that verifies (created 2026-02-01T00:00:00.000Z) decides, 1 older record ignored"), "{detail}");
        let older = eval
            .evidence
            .iter()
            .find(|r| r.verdict == "older, ignored")
            .expect("the older record is shown as ignored");
        assert_eq!(older.status, GateStatus::Skip);
        assert!(
            older.reason.contains("created 2026-01-01T00:00:00Z"),
            "{}",
            older.reason
        );
        assert!(eval.warnings.is_empty(), "{:?}", eval.warnings);
    }
    // Any: one clean record suffices, and the other is a warning.
    let eval = judge_with(
        vec![older_clean.clone(), newer_bad.clone()],
        &critical_at_most_zero(RecordsRule::Any),
    );
    assert_eq!(
        eval.result.status,
        GateStatus::Pass,
        "{}",
        eval.result.detail
    );
    assert_eq!(eval.evidence[1].verdict, "condition failed");
    assert_eq!(eval.evidence[1].status, GateStatus::Warn);
    // Newest and clean: passes, saying the older one was ignored.
    let newer_clean = dated(scan(0), true, "2026-03-01T00:00:00Z");
    let eval = judge_with(
        vec![newer_bad.clone(), newer_clean],
        &critical_at_most_zero(RecordsRule::Newest),
    );
    assert_eq!(
        eval.result.status,
        GateStatus::Pass,
        "{}",
        eval.result.detail
    );
    assert!(
        eval.result.detail.contains("1 older record ignored"),
        "{}",
        eval.result.detail
    );
    let statuses: Vec<GateStatus> = eval.evidence.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [GateStatus::Skip, GateStatus::Pass]);
    assert!(
        eval.evidence[1]
            .reason
            .contains("decides, 1 older record ignored")
    );
}

#[test]
fn a_newer_record_that_does_not_verify_never_decides() {
    let records = vec![
        dated(scan(0), true, "2026-01-01T00:00:00Z"),
        dated(tampered(&scan(5)), true, "2026-02-01T00:00:00Z"),
    ];
    let eval = judge_with(records, &critical_at_most_zero(RecordsRule::Newest));
    assert_eq!(
        eval.result.status,
        GateStatus::Pass,
        "{}",
        eval.result.detail
    );
    assert_eq!(eval.evidence[1].verdict, "bad signature");
    assert_eq!(eval.evidence[1].status, GateStatus::Warn);
    assert_eq!(eval.warnings.len(), 1);
}

#[test]
fn undated_records_cannot_be_ordered_and_fail_closed() {
    let one = judge_with(
        vec![dated(scan(0), true, "")],
        &critical_at_most_zero(RecordsRule::Newest),
    );
    assert_eq!(one.result.status, GateStatus::Pass, "{}", one.result.detail);
    let two = judge_with(
        vec![
            dated(scan(0), true, "2026-01-01T00:00:00Z"),
            dated(scan(0), true, "yesterday"),
        ],
        &critical_at_most_zero(RecordsRule::Newest),
    );
    assert_eq!(two.result.status, GateStatus::Fail);
    assert!(
        two.result
            .detail
            .contains("cannot tell which record is newest"),
        "{}",
        two.result.detail
    );
}

#[test]
fn a_sigstore_bundle_accepted_unverified_still_meets_its_conditions_or_not() {
    let envelope: serde_json::Value = serde_json::from_str(&scan(5)).expect("envelope");
    let bundle = json!({"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json", "dsseEnvelope": envelope});
    let mut case = critical_at_most_zero(RecordsRule::Any);
    case.allow_unverified = true;
    let eval = judge_with(vec![record(bundle.to_string(), false)], &case);
    assert_eq!(
        eval.result.status,
        GateStatus::Fail,
        "{}",
        eval.result.detail
    );
    assert_eq!(eval.evidence[0].verdict, "condition failed");
}

#[test]
fn conditions_compare_numbers_and_scalars() {
    use crate::gates::evidence_record::condition_holds;
    let p = json!({"summary": {"critical": 0, "high": 2}, "result": "PASSED", "ok": true});
    let c = |pointer: &str, check: ConditionCheck| EvidenceCondition {
        predicate_type: TYPE.into(),
        pointer: pointer.into(),
        check,
    };
    let range = |min: Option<f64>, max: Option<f64>| ConditionCheck::Range { min, max };
    let table = [
        (c("/summary/critical", range(None, Some(0.0))), true),
        (c("/summary/high", range(None, Some(1.0))), false),
        (c("/summary/high", range(Some(2.0), Some(2.0))), true),
        (c("/result", range(None, Some(1.0))), false),
        (c("/result", ConditionCheck::Equals(json!("PASSED"))), true),
        (c("/ok", ConditionCheck::Equals(json!(true))), true),
        (c("/summary/high", ConditionCheck::Equals(json!(2.0))), true),
        (c("/missing", ConditionCheck::Equals(json!(1))), false),
    ];
    for (cond, ok) in table {
        assert_eq!(condition_holds(&p, &cond).is_ok(), ok, "{}", cond.pointer);
    }
    let why = condition_holds(&p, &c("/nope", range(None, Some(0.0)))).unwrap_err();
    assert!(why.contains("pointer `/nope` does not resolve"), "{why}");
}
