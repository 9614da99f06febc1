//! The hostile-input catalogue, secret hygiene of the OIDC path: no token ever shows, whatever
//! the exchange answers.

use crate::common::{Action, IdTokenServer, Sim};
use crate::hostile::*;

// ------------------------------------------------------------------ secret hygiene (OIDC)

const ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.eyJzdWIiOiJyZXBvOmJvb2t2ZXJzZS9pbnZlbnRvcnk6cmVmOnJlZnMvaGVhZHMvbWFpbiJ9.c2lnbmF0dXJlLW5vdC1yZWFsbHktYS1zaWduYXR1cmU";
const REQUEST_TOKEN: &str = "ghs_IdTokenRequestTokenThatMustNeverShow";

fn oidc_action(sim: &Sim, idp: &IdTokenServer) -> Action {
    let mut a = Action::new(sim, APP);
    a.input("access-token", "")
        .input("oidc-provider-name", "github-oidc")
        .input("oidc-audience", "jfrog-github")
        .input("version", "1.2.0")
        .input("github-token", "ghs_GitHubTokenThatMustNeverShow1234")
        .env("ACTIONS_ID_TOKEN_REQUEST_URL", &idp.url)
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", REQUEST_TOKEN)
        .secret(ID_TOKEN)
        .secret(REQUEST_TOKEN);
    a
}

#[test]
fn oidc_promotion_never_shows_a_token() {
    let sim = Sim::start();
    let idp = IdTokenServer::start(REQUEST_TOKEN, ID_TOKEN);
    let run = oidc_action(&sim, &idp).run(); // scans for the ID and request tokens
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.out("result"), "promoted");
    assert_eq!(
        sim.sim
            .version(APP, "1.2.0")
            .expect("version")
            .current_stage,
        "bookverse-QA"
    );
    assert_eq!(
        *idp.queries.lock().expect("lock"),
        vec![Some("audience=jfrog-github".to_string())],
        "one ID-token request, with the audience"
    );
    let minted: Vec<String> = sim.sim.state().minted_tokens.keys().cloned().collect();
    assert_eq!(minted.len(), 1, "one JFrog token minted");
    run.assert_no_secret(&minted);
    // The requests after the exchange used the minted token (the simulator accepted them).
    let log = sim.sim.requests();
    assert!(
        log.iter()
            .filter(|r| r.path != "/access/api/v1/oidc/token")
            .all(|r| r.had_valid_auth),
        "{log:?}"
    );
    // Masks come first, before anything else is printed.
    let first_other = run
        .stdout
        .lines()
        .position(|l| !l.starts_with("::add-mask::"))
        .unwrap_or(usize::MAX);
    for secret in [REQUEST_TOKEN, minted[0].as_str()] {
        let mask = run
            .stdout
            .lines()
            .position(|l| l == format!("::add-mask::{secret}"))
            .unwrap_or_else(|| panic!("no ::add-mask:: for a secret\n{}", run.stdout));
        assert!(mask < first_other, "masked after something was printed");
    }
}

#[test]
fn oidc_id_token_is_masked() {
    let sim = Sim::start();
    let idp = IdTokenServer::start(REQUEST_TOKEN, ID_TOKEN);
    let run = oidc_action(&sim, &idp).run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout
            .lines()
            .any(|l| l == format!("::add-mask::{ID_TOKEN}")),
        "{}",
        run.stdout
    );
}

#[test]
fn oidc_failures_never_show_a_token() {
    // The ID-token endpoint refuses (wrong request token), then the exchange is refused.
    let sim = Sim::start();
    let idp = IdTokenServer::start("some-other-request-token", ID_TOKEN);
    let run = oidc_action(&sim, &idp).run();
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert!(run.stdout.contains("id-token: write"), "{}", run.stdout);

    let sim = Sim::with(promote_action::simulator::SimConfig {
        oidc_provider: "another-provider".into(),
        ..Default::default()
    });
    let idp = IdTokenServer::start(REQUEST_TOKEN, ID_TOKEN);
    let run = oidc_action(&sim, &idp).run();
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert!(run.stdout.contains("github-oidc"), "{}", run.stdout);
    assert!(sim.sim.state().minted_tokens.is_empty());
    assert_eq!(sim.sim.promotions_applied(), 0);
}

#[test]
fn oidc_without_id_token_permission_exits_2_saying_so() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("access-token", "")
        .input("oidc-provider-name", "github-oidc")
        .input("version", "1.2.0")
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", REQUEST_TOKEN)
        .secret(REQUEST_TOKEN)
        .run();
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.out("result"), "failed");
    let error = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error"))
        .expect("an ::error line");
    assert!(error.contains("id-token: write"), "{error}");
    assert!(
        sim.sim.requests().is_empty(),
        "nothing sent without a token"
    );
}
