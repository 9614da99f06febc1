//! The evidence gate against a hostile JFrog or evidence author, through the binary: downloads
//! that would leave `/artifactory/`, bodies that drip or never end, more bytes than a run may
//! read, the newest of two scans, an empty signature, base64 as `openssl` wraps it, and a
//! statement with a duplicate key.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use promote_action::simulator::{
    DEMO_PUBLIC_KEY, EVIDENCE_TEST_RESULT, Fault, FaultKind, signed_statement,
};
use serde_json::{Value, json};

use crate::common::{Action, Run, Sim};

const APP: &str = "bookverse-inventory";
/// 1.2.0 is in DEV with one seeded test-result record signed by the demo key.
const VERSION: &str = "1.2.0";
const SUBJECT: &str =
    "bookverse-application-versions/bookverse-inventory/1.2.0/release-bundle.json.evd";
const SCAN: &str = "https://jfrog.com/evidence/security/scan/v1";

fn action(sim: &Sim, evidence: &str) -> Action {
    let mut a = Action::new(sim, APP);
    a.input("version", VERSION)
        .file(
            ".github/promotion-policy.yml",
            &format!("version: 1\nstages:\n  QA:\n    gates:\n      - name: evidence\n        evidence:\n{evidence}"),
        )
        .file(".github/keys/ci.pub", DEMO_PUBLIC_KEY);
    a
}

fn signed_by(t: &str) -> String {
    format!("          required: [\"{t}\"]\n          signed-by: [.github/keys/ci.pub]\n")
}

fn gate(run: &Run) -> Value {
    let gates: Value = serde_json::from_str(run.out("gates")).expect("gates JSON");
    gates
        .as_array()
        .expect("array")
        .iter()
        .find(|g| g["kind"] == "evidence")
        .cloned()
        .unwrap_or_else(|| panic!("no evidence gate: {gates}"))
}

fn detail(run: &Run) -> String {
    gate(run)["detail"].as_str().expect("detail").to_string()
}

fn rows(run: &Run) -> Vec<Value> {
    run.record.as_ref().expect("record")["outcome"]["evidence"]
        .as_array()
        .expect("rows")
        .clone()
}

fn sha(sim: &Sim) -> String {
    sim.sim
        .version(APP, VERSION)
        .expect("version")
        .application_version_sha256
}

fn downloads(sim: &Sim) -> usize {
    sim.sim
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/.evidence/"))
        .count()
}

#[test]
fn a_download_path_that_leaves_artifactory_is_never_requested() {
    for hostile in [
        "../../x",
        "./../x",
        "../api/security/apiKey",
        "bookverse-application-versions/../../api/security/apiKey",
        "https://evil.example/x",
        "//evil.example/x",
        "bookverse-application-versions//x",
    ] {
        let sim = Sim::start();
        sim.sim.clear_evidence(APP, VERSION);
        let file = signed_statement(
            SUBJECT,
            &sha(&sim),
            EVIDENCE_TEST_RESULT,
            json!({"result": "PASSED"}),
        );
        sim.sim
            .insert_evidence_at(APP, VERSION, EVIDENCE_TEST_RESULT, hostile, &file);
        let run = action(&sim, &signed_by(EVIDENCE_TEST_RESULT)).run();
        assert_eq!(run.code, 1, "{hostile}: {}", run.stdout);
        let row = &rows(&run)[0];
        assert_eq!(row["verdict"], "unreadable", "{hostile}");
        let reason = row["reason"].as_str().expect("reason");
        assert!(
            reason.contains("is refused") && reason.contains("nothing was requested"),
            "{hostile}: {reason}"
        );
        let strays: Vec<String> = sim
            .sim
            .requests()
            .into_iter()
            .filter(|r| {
                r.method == "GET"
                    && !r.path.starts_with("/apptrust/")
                    && !r.path.starts_with("/access/")
            })
            .map(|r| r.path)
            .collect();
        assert_eq!(
            strays,
            Vec::<String>::new(),
            "{hostile}: requested outside the API"
        );
    }
}

#[test]
fn a_body_that_drips_fails_its_record_at_the_minimum_rate_and_is_not_retried() {
    let sim = Sim::start();
    sim.sim.inject(
        Fault::on(
            "/.evidence/",
            FaultKind::Drip {
                bytes: 1,
                every_ms: 200,
                endless: false,
            },
        )
        .method("GET"),
    );
    let started = std::time::Instant::now();
    let run = action(&sim, &signed_by(EVIDENCE_TEST_RESULT))
        .env("PROMOTE_ACTION_EVIDENCE_MIN_RATE", "1000")
        .env("PROMOTE_ACTION_EVIDENCE_RATE_GRACE_MS", "300")
        .run();
    let took = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let reason = rows(&run)[0]["reason"]
        .as_str()
        .expect("reason")
        .to_string();
    assert!(
        reason.contains("too slowly")
            && reason.contains(
                "below the minimum of 1000 bytes per second (PROMOTE_ACTION_EVIDENCE_MIN_RATE)"
            ),
        "{reason}"
    );
    assert!(
        reason.contains("/.evidence/"),
        "the record is named: {reason}"
    );
    assert_eq!(
        downloads(&sim),
        1,
        "a body too slow once is too slow again: not retried"
    );
    // Not a timing test: a bound that catches the 4 × 30 s the drip used to cost.
    assert!(took < std::time::Duration::from_secs(60), "{took:?}");
}

#[test]
fn an_endless_body_stops_at_the_deadline_naming_the_record() {
    let sim = Sim::start();
    sim.sim.inject(
        Fault::on(
            "/.evidence/",
            FaultKind::Drip {
                bytes: 4096,
                every_ms: 5,
                endless: true,
            },
        )
        .method("GET"),
    );
    let run = action(&sim, &signed_by(EVIDENCE_TEST_RESULT))
        .env("PROMOTE_ACTION_EVIDENCE_DEADLINE_S", "2")
        .env("PROMOTE_ACTION_HTTP_TIMEOUT_MS", "60000")
        .run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let d = detail(&run);
    assert!(
        d.contains("passed its deadline of 2 s (PROMOTE_ACTION_EVIDENCE_DEADLINE_S)"),
        "{d}"
    );
    assert!(
        d.contains("record 1 of 1") && d.contains("/.evidence/") && d.contains("too slow"),
        "{d}"
    );
    assert_eq!(run.out("failed-gates"), "evidence");
    assert_eq!(sim.sim.promotions_applied(), 0);
}

#[test]
fn more_bytes_than_the_run_may_read_fail_closed_naming_the_budget() {
    let sim = Sim::start();
    sim.sim
        .add_large_evidence(APP, VERSION, EVIDENCE_TEST_RESULT, 3, 600 * 1024, false);
    let run = action(&sim, &signed_by(EVIDENCE_TEST_RESULT))
        .env("PROMOTE_ACTION_EVIDENCE_MAX_MIB", "1")
        .run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let d = detail(&run);
    assert!(d.contains("the evidence download budget of 1 MiB per run (PROMOTE_ACTION_EVIDENCE_MAX_MIB) is spent"), "{d}");
    assert!(d.contains("the read stopped at record"), "{d}");
    // Within the budget the same records verify, padding and all.
    let sim = Sim::start();
    sim.sim
        .add_large_evidence(APP, VERSION, EVIDENCE_TEST_RESULT, 3, 600 * 1024, false);
    let run = action(&sim, &signed_by(EVIDENCE_TEST_RESULT)).run();
    assert_eq!(run.code, 0, "{}", detail(&run));
    let verdicts: Vec<Value> = rows(&run).iter().map(|r| r["verdict"].clone()).collect();
    assert_eq!(verdicts, vec![json!("verified"); 4]);
}

#[test]
fn answers_are_kept_in_jfrogs_order_whatever_order_they_arrive_in() {
    let sim = Sim::start();
    for _ in 0..5 {
        sim.sim.add_evidence(APP, VERSION, EVIDENCE_TEST_RESULT);
    }
    let listed: Vec<String> = sim
        .sim
        .evidence(APP, VERSION)
        .iter()
        .map(|r| r.download_path.clone())
        .collect();
    // The first record arrives last; one in the middle is refused.
    sim.sim
        .inject(Fault::on(&listed[0], FaultKind::Delay { ms: 400 }).method("GET"));
    sim.sim.inject(
        Fault::on(
            &listed[3],
            FaultKind::Status {
                code: 404,
                retry_after: None,
                body: None,
            },
        )
        .method("GET"),
    );
    let run = action(&sim, &signed_by(EVIDENCE_TEST_RESULT)).run();
    assert_eq!(run.code, 0, "{}", detail(&run));
    let verdicts: Vec<String> = rows(&run)
        .iter()
        .map(|r| r["verdict"].as_str().expect("verdict").to_string())
        .collect();
    assert_eq!(
        verdicts,
        [
            "verified",
            "verified",
            "verified",
            "unreadable",
            "verified",
            "verified"
        ]
    );
}

fn scan(sim: &Sim, critical: u32) -> String {
    signed_statement(
        SUBJECT,
        &sha(sim),
        SCAN,
        json!({"summary": {"critical": critical}}),
    )
}

#[test]
fn the_newest_scan_decides_a_condition_and_the_summary_says_so() {
    let where_max_0 = format!(
        "{}          where:\n            - {{ predicate-type: \"{SCAN}\", pointer: /summary/critical, max: 0 }}\n",
        signed_by(SCAN)
    );
    let sim = Sim::start();
    let (old, new) = (scan(&sim, 0), scan(&sim, 5));
    sim.sim.insert_evidence_file(APP, VERSION, SCAN, &old, true);
    sim.sim.insert_evidence_file(APP, VERSION, SCAN, &new, true);
    let run = action(&sim, &where_max_0).run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.out("result"), "blocked");
    let d = detail(&run);
    assert!(
        d.contains("condition failed — `/summary/critical` is 5, above 0"),
        "{d}"
    );
    assert!(
        d.contains("the newest record that verifies (created")
            && d.contains("1 older record ignored"),
        "{d}"
    );
    let verdicts: Vec<Value> = rows(&run).iter().map(|r| r["verdict"].clone()).collect();
    assert_eq!(
        verdicts,
        [json!("older, ignored"), json!("condition failed")]
    );
    assert!(run.summary.contains("older, ignored"), "{}", run.summary);
    assert!(
        run.summary.contains("the newest record that verifies"),
        "{}",
        run.summary
    );
    assert_eq!(sim.sim.promotions_applied(), 0);
    // `records: any` is the explicit choice of the old behaviour: one clean scan suffices.
    let any = where_max_0.replace(
        "          where:",
        "          records: any\n          where:",
    );
    let run = action(&sim, &any).run();
    assert_eq!(run.code, 0, "{}", detail(&run));
    assert_eq!(run.out("result"), "promoted");
}

#[test]
fn an_empty_signature_is_refused_like_no_signature() {
    for (name, signatures) in [
        ("an empty list", json!([])),
        ("an empty sig", json!([{"keyid": "ci-key", "sig": ""}])),
    ] {
        // Without signed-by, JFrog says verified: that must not make either count.
        for evidence in [
            format!("          required: [\"{EVIDENCE_TEST_RESULT}\"]\n"),
            signed_by(EVIDENCE_TEST_RESULT),
        ] {
            let sim = Sim::start();
            sim.sim.clear_evidence(APP, VERSION);
            let mut env: Value = serde_json::from_str(&signed_statement(
                SUBJECT,
                &sha(&sim),
                EVIDENCE_TEST_RESULT,
                json!({"result": "PASSED"}),
            ))
            .expect("envelope");
            env["signatures"] = signatures.clone();
            sim.sim.insert_evidence_file(
                APP,
                VERSION,
                EVIDENCE_TEST_RESULT,
                &env.to_string(),
                true,
            );
            let run = action(&sim, &evidence).run();
            assert_eq!(run.code, 1, "{name}: {}", run.stdout);
            assert_eq!(rows(&run)[0]["verdict"], "unsigned", "{name}");
        }
    }
}

#[test]
fn base64_wrapped_at_64_columns_verifies_and_other_whitespace_does_not() {
    let wrap = |b64: &str, sep: &str| -> String {
        b64.as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).expect("ascii"))
            .collect::<Vec<_>>()
            .join(sep)
            + sep
    };
    for (sep, verdict) in [
        ("\n", "verified"),
        ("\r\n", "verified"),
        (" ", "unreadable"),
        ("\t", "unreadable"),
    ] {
        let sim = Sim::start();
        sim.sim.clear_evidence(APP, VERSION);
        let mut env: Value = serde_json::from_str(&signed_statement(
            SUBJECT,
            &sha(&sim),
            EVIDENCE_TEST_RESULT,
            json!({"result": "PASSED"}),
        ))
        .expect("envelope");
        env["payload"] = json!(wrap(env["payload"].as_str().expect("payload"), sep));
        env["signatures"][0]["sig"] = json!(wrap(
            env["signatures"][0]["sig"].as_str().expect("sig"),
            sep
        ));
        sim.sim
            .insert_evidence_file(APP, VERSION, EVIDENCE_TEST_RESULT, &env.to_string(), false);
        let run = action(&sim, &signed_by(EVIDENCE_TEST_RESULT)).run();
        assert_eq!(
            rows(&run)[0]["verdict"],
            verdict,
            "{sep:?}: {}",
            detail(&run)
        );
        assert_eq!(
            run.code,
            if verdict == "verified" { 0 } else { 1 },
            "{sep:?}"
        );
    }
}

#[test]
fn a_duplicate_key_is_named_as_one() {
    let sim = Sim::start();
    sim.sim.clear_evidence(APP, VERSION);
    let statement = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"{SUBJECT}","digest":{{"sha256":"{}"}}}}],"predicateType":"{EVIDENCE_TEST_RESULT}","predicateType":"https://example.com/other","predicate":{{}}}}"#,
        sha(&sim)
    );
    let env = json!({
        "payloadType": "application/vnd.in-toto+json",
        "payload": STANDARD.encode(statement),
        "signatures": [{"keyid": "k", "sig": "AAAA"}],
    });
    sim.sim
        .insert_evidence_file(APP, VERSION, EVIDENCE_TEST_RESULT, &env.to_string(), true);
    let run = action(
        &sim,
        &format!("          required: [\"{EVIDENCE_TEST_RESULT}\"]\n"),
    )
    .run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let reason = rows(&run)[0]["reason"]
        .as_str()
        .expect("reason")
        .to_string();
    assert!(reason.contains("duplicate key `predicateType`"), "{reason}");
    assert!(
        !reason.contains("missing or has the wrong type"),
        "{reason}"
    );
}
