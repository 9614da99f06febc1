//! The evidence gate through the binary against the simulator's evidence service: signatures
//! verified with `signed-by` keys or trusted from JFrog, every reason a record fails, `where`
//! conditions, hostile files and answers — and what the summary says about each record.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use promote_action::simulator::{
    DEMO_PUBLIC_KEY, EVIDENCE_SLSA, EVIDENCE_TEST_RESULT, Fault, FaultKind, signed_statement,
};
use serde_json::{Value, json};

use crate::common::{Action, Run, Sim, fixture};

const APP: &str = "bookverse-inventory";
/// 1.2.0 is in DEV with one seeded test-result record signed by the demo key.
const VERSION: &str = "1.2.0";
const SUBJECT: &str =
    "bookverse-application-versions/bookverse-inventory/1.2.0/release-bundle.json.evd";

fn policy(evidence: &str) -> String {
    format!(
        "version: 1\nstages:\n  QA:\n    gates:\n      - name: evidence\n        evidence:\n{evidence}"
    )
}

fn run(sim: &Sim, evidence: &str) -> Run {
    let mut a = Action::new(sim, APP);
    a.input("version", VERSION)
        .file(".github/promotion-policy.yml", &policy(evidence))
        .file(".github/keys/ci.pub", DEMO_PUBLIC_KEY)
        .file(
            ".github/keys/other.pub",
            &std::fs::read_to_string(fixture("keys/p256.pub")).expect("key"),
        );
    a.run()
}

const SIGNED: &str = "          required: [\"https://in-toto.io/attestation/test-result/v0.1\"]\n          signed-by: [.github/keys/ci.pub]\n";
const TRUST_JFROG: &str =
    "          required: [\"https://in-toto.io/attestation/test-result/v0.1\"]\n";

fn gate_row(run: &Run) -> Value {
    let gates: Value = serde_json::from_str(run.out("gates")).expect("gates JSON");
    gates
        .as_array()
        .expect("array")
        .iter()
        .find(|g| g["kind"] == "evidence")
        .cloned()
        .unwrap_or_else(|| panic!("no evidence gate: {gates}"))
}

fn records(run: &Run) -> Vec<Value> {
    run.record.as_ref().expect("record")["outcome"]["evidence"]
        .as_array()
        .expect("evidence rows")
        .clone()
}

fn sha(sim: &Sim, version: &str) -> String {
    sim.sim
        .version(APP, version)
        .expect("version")
        .application_version_sha256
}

/// A DSSE envelope signed by the demo key whose payload is then changed.
fn tampered(sim: &Sim) -> String {
    let good = signed_statement(
        SUBJECT,
        &sha(sim, VERSION),
        EVIDENCE_TEST_RESULT,
        json!({"result": "FAILED"}),
    );
    let mut env: Value = serde_json::from_str(&good).expect("envelope");
    let payload = STANDARD
        .decode(env["payload"].as_str().expect("payload"))
        .expect("b64");
    let changed = String::from_utf8(payload)
        .expect("utf8")
        .replace("FAILED", "PASSED");
    env["payload"] = json!(STANDARD.encode(changed));
    env.to_string()
}

#[test]
fn a_record_verified_with_the_signed_by_key_passes_and_names_its_signer() {
    let sim = Sim::start();
    let run = run(&sim, SIGNED);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.summary);
    assert_eq!(gate_row(&run)["status"], "pass");
    let rows = records(&run);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["verdict"], "verified");
    let signer = rows[0]["signer"].as_str().expect("signer");
    assert!(signer.starts_with("bookverse-ci · SHA256:"), "{signer}");
    assert!(
        run.summary
            .contains("| https://in-toto.io/attestation/test-result/v0.1 | bookverse-ci · SHA256:"),
        "{}",
        run.summary
    );
}

#[test]
fn without_signed_by_jfrogs_verdict_is_required() {
    let sim = Sim::start();
    let run1 = run(&sim, TRUST_JFROG);
    assert_eq!(run1.code, 0, "{}", run1.stdout);
    assert_eq!(records(&run1)[0]["verdict"], "verified by JFrog");
    // The same file, but JFrog did not verify it.
    let sim = Sim::start();
    sim.sim.clear_evidence(APP, VERSION);
    let file = signed_statement(
        SUBJECT,
        &sha(&sim, VERSION),
        EVIDENCE_TEST_RESULT,
        json!({"result": "PASSED"}),
    );
    sim.sim
        .insert_evidence_file(APP, VERSION, EVIDENCE_TEST_RESULT, &file, false);
    let run2 = run(&sim, TRUST_JFROG);
    assert_eq!(run2.code, 1);
    assert_eq!(records(&run2)[0]["verdict"], "unknown key");
    assert!(
        gate_row(&run2)["detail"]
            .as_str()
            .expect("detail")
            .contains("JFrog did not verify")
    );
}

/// A failing case: its name, how it changes the seeded evidence, the gate, the verdict expected.
type Case = (&'static str, Box<dyn Fn(&Sim)>, &'static str, &'static str);

#[test]
fn each_reason_a_record_fails_is_named() {
    let cases: Vec<Case> = vec![
        (
            "missing",
            Box::new(|s: &Sim| s.sim.clear_evidence(APP, VERSION)),
            SIGNED,
            "missing",
        ),
        (
            "another key signed it",
            Box::new(|_: &Sim| {}),
            "          required: [\"https://in-toto.io/attestation/test-result/v0.1\"]\n          signed-by: [.github/keys/other.pub]\n",
            "unknown key",
        ),
        (
            "tampered payload",
            Box::new(|s: &Sim| {
                s.sim.clear_evidence(APP, VERSION);
                s.sim
                    .insert_evidence_file(APP, VERSION, EVIDENCE_TEST_RESULT, &tampered(s), true);
            }),
            SIGNED,
            "bad signature",
        ),
        (
            "about another version",
            Box::new(|s: &Sim| {
                s.sim.clear_evidence(APP, VERSION);
                let other = signed_statement(
                    SUBJECT,
                    &sha(s, "1.1.0"),
                    EVIDENCE_TEST_RESULT,
                    json!({"result": "PASSED"}),
                );
                s.sim
                    .insert_evidence_file(APP, VERSION, EVIDENCE_TEST_RESULT, &other, true);
            }),
            SIGNED,
            "wrong subject",
        ),
        (
            "unsigned",
            Box::new(|s: &Sim| {
                s.sim.clear_evidence(APP, VERSION);
                let mut env: Value = serde_json::from_str(&signed_statement(
                    SUBJECT,
                    &sha(s, VERSION),
                    EVIDENCE_TEST_RESULT,
                    json!({}),
                ))
                .expect("env");
                env["signatures"] = json!([]);
                s.sim.insert_evidence_file(
                    APP,
                    VERSION,
                    EVIDENCE_TEST_RESULT,
                    &env.to_string(),
                    true,
                );
            }),
            SIGNED,
            "unsigned",
        ),
        (
            "a Sigstore bundle",
            Box::new(|s: &Sim| {
                s.sim.clear_evidence(APP, VERSION);
                let env: Value = serde_json::from_str(&signed_statement(
                    SUBJECT,
                    &sha(s, VERSION),
                    EVIDENCE_TEST_RESULT,
                    json!({}),
                ))
                .expect("env");
                let bundle = json!({"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json", "verificationMaterial": {}, "dsseEnvelope": env});
                s.sim.insert_evidence_file(
                    APP,
                    VERSION,
                    EVIDENCE_TEST_RESULT,
                    &bundle.to_string(),
                    true,
                );
            }),
            SIGNED,
            "unverifiable here",
        ),
    ];
    for (name, setup, evidence, verdict) in cases {
        let sim = Sim::start();
        setup(&sim);
        let run = run(&sim, evidence);
        assert_eq!(run.code, 1, "{name}: {}", run.stdout);
        assert_eq!(run.out("failed-gates"), "evidence", "{name}");
        let rows = records(&run);
        assert_eq!(rows[0]["verdict"], verdict, "{name}: {rows:?}");
        assert_eq!(rows[0]["status"], "fail", "{name}");
        assert!(
            run.summary.contains(&format!("❌\u{a0}{verdict}")),
            "{name}:\n{}",
            run.summary
        );
        assert_eq!(sim.sim.promotions_applied(), 0, "{name}");
    }
}

#[test]
fn where_conditions_read_the_verified_predicate() {
    let sim = Sim::start();
    let passing = format!(
        "{SIGNED}          where:\n            - {{ predicate-type: \"{EVIDENCE_TEST_RESULT}\", pointer: /result, equals: PASSED }}\n"
    );
    let run1 = run(&sim, &passing);
    assert_eq!(run1.code, 0, "{}", run1.stdout);
    // The version's tests failed: the signed record says so.
    let sim = Sim::start();
    sim.sim.clear_evidence(APP, VERSION);
    sim.sim.add_evidence_with(
        APP,
        VERSION,
        EVIDENCE_TEST_RESULT,
        json!({"result": "FAILED", "failedTests": ["t1"]}),
    );
    let run2 = run(&sim, &passing);
    assert_eq!(run2.code, 1);
    let row = &records(&run2)[0];
    assert_eq!(row["verdict"], "condition failed");
    assert!(
        row["reason"]
            .as_str()
            .expect("reason")
            .contains("`/result` is \"FAILED\", expected \"PASSED\""),
        "{row}"
    );
    // A pointer that does not resolve fails, naming it.
    let sim = Sim::start();
    let nowhere = format!(
        "{SIGNED}          where:\n            - {{ predicate-type: \"{EVIDENCE_TEST_RESULT}\", pointer: /summary/critical, max: 0 }}\n"
    );
    let run3 = run(&sim, &nowhere);
    assert_eq!(run3.code, 1);
    assert!(
        records(&run3)[0]["reason"]
            .as_str()
            .expect("reason")
            .contains("pointer `/summary/critical` does not resolve")
    );
}

#[test]
fn one_good_record_suffices_and_a_bad_one_beside_it_is_a_warning() {
    let sim = Sim::start();
    sim.sim
        .insert_evidence_file(APP, VERSION, EVIDENCE_TEST_RESULT, &tampered(&sim), true);
    let run = run(&sim, SIGNED);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let rows = records(&run);
    let statuses: Vec<&str> = rows
        .iter()
        .map(|r| r["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["pass", "warn"]);
    assert!(run.stdout.contains("::warning title=promote-action::evidence `https://in-toto.io/attestation/test-result/v0.1`: a record failed (bad signature"), "{}", run.stdout);
}

#[test]
fn allow_unverified_accepts_presence_and_says_so() {
    let sim = Sim::start();
    sim.sim.clear_evidence(APP, VERSION);
    sim.sim
        .insert_evidence_file(APP, VERSION, EVIDENCE_TEST_RESULT, &tampered(&sim), false);
    let run = run(
        &sim,
        "          required: [\"https://in-toto.io/attestation/test-result/v0.1\"]\n          allow-unverified: true\n",
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(records(&run)[0]["verdict"], "accepted unverified");
    assert!(
        run.summary.contains("accepted unverified"),
        "{}",
        run.summary
    );
}

#[test]
fn hostile_files_fail_the_record_cleanly() {
    let big = format!(
        "{{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"{}\",\"signatures\":[]}}",
        STANDARD.encode(format!(
            "{{\"predicate\":\"{}\"}}",
            "x".repeat(10 * 1024 * 1024)
        ))
    );
    let cases = [
        ("not JSON", "this is not an envelope".to_string()),
        (
            "payload not base64",
            r#"{"payloadType":"application/vnd.in-toto+json","payload":"%%%","signatures":[]}"#
                .to_string(),
        ),
        (
            "statement not JSON",
            format!(
                r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{}","signatures":[{{"keyid":"k","sig":"AAAA"}}]}}"#,
                STANDARD.encode("not json")
            ),
        ),
        ("10 MB predicate", big),
        ("empty", String::new()),
    ];
    for (name, file) in cases {
        let sim = Sim::start();
        sim.sim.clear_evidence(APP, VERSION);
        sim.sim
            .insert_evidence_file(APP, VERSION, EVIDENCE_TEST_RESULT, &file, true);
        let run = run(&sim, SIGNED);
        assert_eq!(run.code, 1, "{name}: {}", run.stdout);
        let row = &records(&run)[0];
        assert_eq!(row["status"], "fail", "{name}");
        assert!(
            !row["reason"].as_str().expect("reason").is_empty(),
            "{name}"
        );
    }
}

#[test]
fn key_files_that_are_not_public_keys_fail_the_gate_naming_the_file() {
    for (name, content, want) in [
        (
            "a private key",
            std::fs::read_to_string(fixture("keys/ed25519.key")).expect("key"),
            "private key",
        ),
        (
            "garbage",
            "hello".to_string(),
            "signed-by key `.github/keys/ci.pub`",
        ),
        (
            "an unsupported type",
            std::fs::read_to_string(fixture("keys/p384.pub")).expect("key"),
            "P-384",
        ),
    ] {
        let sim = Sim::start();
        let mut a = Action::new(&sim, APP);
        a.input("version", VERSION)
            .file(".github/promotion-policy.yml", &policy(SIGNED))
            .file(".github/keys/ci.pub", &content);
        let run = a.run();
        assert_eq!(run.code, 1, "{name}: {}", run.stdout);
        let detail = gate_row(&run)["detail"]
            .as_str()
            .expect("detail")
            .to_string();
        assert!(detail.contains(want), "{name}: {detail}");
    }
}

#[test]
fn broken_graphql_answers_fail_the_gate_clearly() {
    for (body, want) in [
        (
            r#"{"errors":[{"message":"Field 'searchEvidence' is not defined"}]}"#,
            "GraphQL answered errors",
        ),
        (r#"{"extensions":{}}"#, "no `data`"),
    ] {
        let sim = Sim::start();
        sim.sim.inject(Fault {
            method: Some("POST".into()),
            path_contains: "/onemodel/api/v1/graphql".into(),
            kind: FaultKind::Status {
                code: 200,
                retry_after: None,
                body: Some(body.into()),
            },
            times: None,
        });
        let run = run(&sim, SIGNED);
        assert_eq!(run.code, 1, "{}", run.stdout);
        let detail = gate_row(&run)["detail"]
            .as_str()
            .expect("detail")
            .to_string();
        assert!(detail.contains(want), "{detail}");
    }
}

#[test]
fn evidence_is_read_once_however_many_stages_require_it() {
    let policy = format!(
        "version: 1\nstages:\n  QA:\n    gates:\n      - evidence: {{ required: [\"{EVIDENCE_TEST_RESULT}\"] }}\n  STAGING:\n    gates:\n      - evidence: {{ required: [\"{EVIDENCE_TEST_RESULT}\"], signed-by: [.github/keys/ci.pub] }}\n"
    );
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", VERSION)
        .input("target-stage", "STAGING")
        .file(".github/promotion-policy.yml", &policy)
        .file(".github/keys/ci.pub", DEMO_PUBLIC_KEY);
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.out("gates"));
    let count = |p: &str| {
        sim.sim
            .requests()
            .iter()
            .filter(|r| r.path.starts_with(p))
            .count()
    };
    assert_eq!(count("/artifactory/api/search/aql"), 1);
    assert_eq!(count("/onemodel/api/v1/graphql"), 1);
    assert_eq!(
        count("/artifactory/bookverse-application-versions/"),
        1,
        "one download of the one record"
    );
}

#[test]
fn records_of_unrequired_types_are_not_downloaded_and_a_plan_mutates_nothing() {
    let sim = Sim::start();
    sim.sim.add_evidence(APP, VERSION, EVIDENCE_SLSA);
    let mut a = Action::new(&sim, APP);
    a.input("version", VERSION)
        .input("command", "plan")
        .file(".github/promotion-policy.yml", &policy(SIGNED))
        .file(".github/keys/ci.pub", DEMO_PUBLIC_KEY);
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "planned");
    assert!(run.summary.contains("Evidence for QA"), "{}", run.summary);
    let requests = sim.sim.requests();
    let downloads = requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/artifactory/"))
        .count();
    assert_eq!(downloads, 1, "only the test-result file");
    assert_eq!(crate::common::mutations(&sim), vec![]);
}

#[test]
fn a_thousand_records_are_read_page_by_page_and_all_judged() {
    let sim = Sim::start();
    for _ in 0..999 {
        sim.sim.add_evidence(APP, VERSION, EVIDENCE_TEST_RESULT);
    }
    let started = std::time::Instant::now();
    let run = run(&sim, SIGNED);
    let took = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(records(&run).len(), 1000);
    assert!(
        run.summary.contains("_and 950 more records"),
        "{}",
        run.summary
    );
    let graphql = sim
        .sim
        .requests()
        .iter()
        .filter(|r| r.path == "/onemodel/api/v1/graphql")
        .count();
    assert_eq!(graphql, 10, "100 per page");
    // Not a timing test (bench/evidence.sh measures it); a bound that catches a runaway.
    assert!(took < std::time::Duration::from_secs(60), "{took:?}");
}

#[test]
fn key_paths_are_found_like_report_files() {
    // Absent: the gate fails naming the path.
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", VERSION)
        .file(".github/promotion-policy.yml", &policy(SIGNED));
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let detail = gate_row(&run)["detail"]
        .as_str()
        .expect("detail")
        .to_string();
    assert!(
        detail.contains("signed-by: no file matches `.github/keys/ci.pub`"),
        "{detail}"
    );
    // A symlink leading out of the workspace is refused, saying so.
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("ci.pub"), DEMO_PUBLIC_KEY).expect("write");
    let mut a = Action::new(&sim, APP);
    a.input("version", VERSION)
        .file(".github/promotion-policy.yml", &policy(SIGNED));
    std::fs::create_dir_all(a.workspace().join(".github/keys")).expect("mkdir");
    std::os::unix::fs::symlink(
        outside.path().join("ci.pub"),
        a.workspace().join(".github/keys/ci.pub"),
    )
    .expect("symlink");
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let detail = gate_row(&run)["detail"]
        .as_str()
        .expect("detail")
        .to_string();
    assert!(detail.contains("outside the workspace"), "{detail}");
}
