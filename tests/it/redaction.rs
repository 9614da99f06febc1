//! A JFrog and a GitHub that echo every secret back, in every error shape they send: the JFrog
//! and GitHub tokens, the webhook URL, the OIDC tokens and the signing key's lines may reach no
//! output, log line, summary, record, the signed attestation uploaded to JFrog, or anything sent
//! to GitHub (check run, failure issue, deployment statuses, webhook).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use promote_action::simulator::{
    DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, EVIDENCE_TEST_RESULT, EchoShape, Fault, FaultKind, SimConfig,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{Action, Gh, IdTokenServer, Run, Sim};

const APP: &str = "bookverse-inventory";
const VERSION: &str = "1.2.0";
const ACCESS: &str = "jfrog-at-7Hq2Lx9Vw4Rt8Yz1Kp3M";
const GITHUB: &str = "ghs_RedactMe0123456789abcdefXYZ";
const HOOK_PATH: &str = "/hooks/T0AAA/B1BBB/hookSecretXyz42";
const PREDICATE: &str = "https://github.com/bookverse/promote-action/attestation/gates/v1";

fn policy() -> String {
    format!(
        "version: 1\nstages:\n  QA:\n    gates:\n      - name: evidence\n        evidence: {{ required: [\"{EVIDENCE_TEST_RESULT}\"], signed-by: [.github/keys/ci.pub] }}\n"
    )
}

/// A GitHub whose every answer is a 403 quoting the token it was sent.
fn echoing_github() -> Gh {
    let gh = Gh::start();
    let echo = ResponseTemplate::new(403).set_body_json(json!({
        "message": format!("Bad credentials: token {GITHUB} lacks permission"),
        "documentation_url": "https://docs.github.com/rest"
    }));
    gh.mount(
        Mock::given(method("GET"))
            .and(path_regex("^/repos/.*/issues$"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([]))),
    );
    gh.mount(Mock::given(path_regex("^/repos/")).respond_with(echo));
    gh.mount(
        Mock::given(method("POST"))
            .and(path_regex("^/hooks/"))
            .respond_with(
                ResponseTemplate::new(500)
                    .set_body_string(format!("no_service for {HOOK_PATH} with {GITHUB}")),
            ),
    );
    gh
}

fn action(sim: &Sim, gh: &Gh) -> Action {
    let mut a = Action::new(sim, APP);
    a.input("version", VERSION)
        .input("access-token", ACCESS)
        .input("github-token", GITHUB)
        .input("notify-webhook", &format!("{}{HOOK_PATH}", gh.server.uri()))
        .input("check-run", "true")
        .input("deployment", "true")
        .input("notify-issue", "true")
        .input("evidence-key", DEMO_PRIVATE_KEY)
        .input("evidence-key-alias", "bookverse-ci")
        .env("GITHUB_API_URL", &gh.server.uri())
        .fast()
        .file(".github/promotion-policy.yml", &policy())
        .file(".github/keys/ci.pub", DEMO_PUBLIC_KEY);
    for line in DEMO_PRIVATE_KEY.lines().filter(|l| !l.starts_with("-----")) {
        a.secret(line);
    }
    a
}

/// Every secret the JFrog side may echo, in one message.
fn all_secrets_message(webhook: &str) -> String {
    format!("token {ACCESS} (github {GITHUB}, hook {webhook}) lacks read")
}

fn sim() -> Sim {
    Sim::with(SimConfig {
        tokens: vec![ACCESS.to_string()],
        ..SimConfig::default()
    })
}

/// Our attestations on the version, decoded to their statement text.
fn attestations(sim: &Sim) -> Vec<String> {
    sim.sim
        .evidence(APP, VERSION)
        .into_iter()
        .filter(|r| r.predicate_type == PREDICATE)
        .map(|r| {
            let env: Value = serde_json::from_str(&r.file).expect("envelope");
            let payload = STANDARD
                .decode(env["payload"].as_str().expect("payload"))
                .expect("b64");
            String::from_utf8(payload).expect("utf8")
        })
        .collect()
}

/// No secret anywhere: what the run left (checked by `collect`), what JFrog holds, and what
/// GitHub received.
fn assert_nowhere(sim: &Sim, gh: &Gh, run: &Run, secrets: &[String]) {
    run.assert_no_secret(secrets);
    for statement in attestations(sim) {
        for s in secrets {
            assert!(
                !statement.contains(s.as_str()),
                "a secret is in the signed attestation"
            );
        }
    }
    for r in sim.sim.requests() {
        let body = r.body.unwrap_or_default();
        for s in secrets {
            assert!(
                !body.contains(s.as_str()),
                "a secret was sent to JFrog in {} {}",
                r.method,
                r.path
            );
        }
    }
    for r in gh.requests() {
        let body = String::from_utf8_lossy(&r.body).to_string();
        for s in secrets {
            assert!(
                !body.contains(s.as_str()),
                "a secret was sent to {} {}",
                r.method,
                r.url.path()
            );
        }
    }
}

/// Every secret of the run, as it is and with each character a JSON `\uXXXX` escape (the
/// form an `escaped` echo quotes it in).
fn secrets(gh: &Gh) -> Vec<String> {
    let plain = [
        ACCESS.to_string(),
        GITHUB.to_string(),
        format!("{}{HOOK_PATH}", gh.server.uri()),
        HOOK_PATH.trim_start_matches('/').to_string(),
    ];
    let escaped = plain.clone().map(|s| {
        s.encode_utf16()
            .map(|unit| format!("\\u{unit:04x}"))
            .collect::<String>()
    });
    plain.into_iter().chain(escaped).collect()
}

/// A fault, given the webhook URL of the run (which the JFrog side quotes too).
type MakeFault = Box<dyn Fn(&str) -> Fault>;

fn status(path: &str, code: u16, body: Value) -> Fault {
    Fault::on(
        path,
        FaultKind::Status {
            code,
            retry_after: None,
            body: Some(body.to_string()),
        },
    )
}

fn echo(path: &str, code: u16, shape: EchoShape) -> Fault {
    Fault::on(path, FaultKind::Echo { code, shape })
}

#[test]
fn secrets_echoed_in_every_error_shape_reach_nothing_written_signed_or_sent() {
    const AQL: &str = "/artifactory/api/search/aql";
    const GRAPHQL: &str = "/onemodel/api/v1/graphql";
    // Each shape on the call it is typical for. The evidence read fails at that call, the gate
    // names the echo, and the run is blocked, attested and reported to GitHub — except the last
    // case, where the attestation upload itself is refused with the echo.
    let cases: Vec<(&str, MakeFault)> = vec![
        (
            "AQL 403, JFrog's errors list, every secret",
            Box::new(|hook| {
                status(
                    AQL,
                    403,
                    json!({"errors": [{"status": 403, "message": all_secrets_message(hook)}]}),
                )
                .times(1)
            }),
        ),
        (
            "GraphQL 200 with errors, every secret",
            Box::new(|hook| {
                status(
                    GRAPHQL,
                    200,
                    json!({"errors": [{"message": all_secrets_message(hook)}], "data": null}),
                )
            }),
        ),
        (
            "GraphQL 200 echoing the bearer token",
            Box::new(|_| echo(GRAPHQL, 200, EchoShape::Graphql)),
        ),
        (
            "GraphQL 401 message echoing the bearer token",
            Box::new(|_| echo(GRAPHQL, 401, EchoShape::Message)),
        ),
        (
            "download 403 as plain text",
            Box::new(|_| echo("/.evidence/", 403, EchoShape::Text).method("GET")),
        ),
        (
            "a 300-character error page with the token where a message is cut",
            Box::new(|_| echo(AQL, 401, EchoShape::Long).times(1)),
        ),
        (
            "a 401 body of no known shape with the bearer token in JSON \\u escapes",
            Box::new(|_| echo(GRAPHQL, 401, EchoShape::Escaped)),
        ),
        (
            "a message-shaped 400 on the attestation upload",
            Box::new(|_| echo("/evidence/api/v1/subject/", 400, EchoShape::Message)),
        ),
    ];
    for (name, make) in cases {
        let sim = sim();
        let gh = echoing_github();
        let fault = make(&format!("{}{HOOK_PATH}", gh.server.uri()));
        let upload_refused = fault.path_contains.starts_with("/evidence/api/");
        sim.sim.inject(fault);
        let run = action(&sim, &gh).run();
        assert_eq!(
            run.code,
            if upload_refused { 0 } else { 1 },
            "{name}: {}",
            run.stdout
        );
        // The echo arrived, and shows redacted where the failure is explained.
        let told = if upload_refused {
            run.record.as_ref().expect("record")["outcome"]["attestation"]["error"].to_string()
        } else {
            run.out("gates").to_string()
        };
        assert!(
            told.contains("***"),
            "{name}: the echo is not shown redacted: {told}"
        );
        assert_nowhere(&sim, &gh, &run, &secrets(&gh));
        assert!(
            sim.sim
                .requests()
                .iter()
                .any(|r| r.path.starts_with("/evidence/api/v1/subject/")),
            "{name}: no attestation was sent"
        );
        let sent: Vec<String> = gh
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.url.path()))
            .collect();
        assert!(
            sent.iter()
                .any(|s| s == "POST /repos/bookverse/inventory/check-runs"),
            "{name}: {sent:?}"
        );
        if !upload_refused {
            // Signed with the redacted detail in it.
            let statements = attestations(&sim);
            assert_eq!(statements.len(), 1, "{name}");
            assert!(statements[0].contains("***"), "{name}: {}", statements[0]);
            for want in ["POST /repos/bookverse/inventory/issues", "POST /hooks/"] {
                assert!(
                    sent.iter().any(|s| s.starts_with(want)),
                    "{name}: {want} not sent: {sent:?}"
                );
            }
        }
    }
}

#[test]
fn an_oidc_minted_token_echoed_by_jfrog_reaches_nothing() {
    const ID_TOKEN: &str =
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmJvb2t2ZXJzZSJ9.c2lnLWVjaG8tdGVzdA";
    const REQUEST_TOKEN: &str = "ghs_IdTokenRequestTokenEchoTest0001";
    let sim = Sim::start();
    let gh = echoing_github();
    let idp = IdTokenServer::start(REQUEST_TOKEN, ID_TOKEN);
    sim.sim.inject(Fault::on(
        "/onemodel/api/v1/graphql",
        FaultKind::Echo {
            code: 200,
            shape: EchoShape::Graphql,
        },
    ));
    let mut a = action(&sim, &gh);
    a.input("access-token", "")
        .input("oidc-provider-name", "github-oidc")
        .env("ACTIONS_ID_TOKEN_REQUEST_URL", &idp.url)
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", REQUEST_TOKEN)
        .secret(ID_TOKEN)
        .secret(REQUEST_TOKEN);
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let minted: Vec<String> = sim.sim.state().minted_tokens.keys().cloned().collect();
    assert_eq!(minted.len(), 1);
    assert!(
        run.out("gates").contains("token *** lacks read"),
        "{}",
        run.out("gates")
    );
    let mut all = secrets(&gh);
    all.retain(|s| s != ACCESS);
    all.extend(minted);
    all.push(REQUEST_TOKEN.into());
    assert_nowhere(&sim, &gh, &run, &all);
    // The ID token was sent where it belongs, the exchange, and nowhere else.
    let exchanges = sim
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.body.as_deref().is_some_and(|b| b.contains(ID_TOKEN)))
        .map(|r| r.path)
        .collect::<Vec<_>>();
    assert_eq!(exchanges, ["/access/api/v1/oidc/token"]);
    assert_eq!(attestations(&sim).len(), 1);
}
