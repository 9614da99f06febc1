//! Gathering the facts of the gates that ask the running system — `bake` (from AppTrust's
//! promotion history, read once), `prometheus` and `health` (through [`crate::monitoring`]) —
//! for the stage gates before a promotion and for a `verify` watch after it.
//!
//! A health endpoint that does not answer fails its gate (that is its verdict). A Prometheus
//! query the server cannot use is the policy's error (exit 2, in the server's own words), and a
//! monitoring API that cannot be reached is a remote error (exit 3): neither says anything
//! about the version, so neither may pass or block it.

use std::io::Write;

use crate::error::Error;
use crate::gates::facts::Fact;
use crate::http::ClientOptions;
use crate::inputs::RunContext;
use crate::jfrog::apptrust::PromotionEntry;
use crate::lifecycle::Lifecycle;
use crate::monitoring::{self, BakeFacts, Entered, PrometheusClient, QueryError};
use crate::policy::{Gate, GateSpec, Policy, PrometheusGate};
use crate::report::commands;
use crate::secret::Secret;

/// What the live gates need: where the version is and is going, its history, the clock, and
/// the HTTP client and secrets for the monitoring APIs.
pub(super) struct Live<'a> {
    /// The lifecycle.
    pub(super) lifecycle: &'a Lifecycle,
    /// The version's stage when the run started (`""`: never promoted).
    pub(super) current: &'a str,
    /// AppTrust's promotion history of the version (read only when a `bake` gate needs it).
    pub(super) history: &'a Result<Vec<PromotionEntry>, String>,
    /// The instant gates are judged at.
    pub(super) now: jiff::Timestamp,
    /// A client that follows redirects only on the same host.
    pub(super) http: &'a Result<reqwest::Client, String>,
    /// Timeouts, retries and the run's redactor.
    pub(super) options: &'a ClientOptions,
    /// The run context (secrets named by `token-env`).
    pub(super) ctx: &'a RunContext,
    /// The policy file's name, for errors about it.
    pub(super) policy_name: &'a str,
}

/// Whether a gate is one of the kinds this module gathers.
pub(super) fn is_live(spec: &GateSpec) -> bool {
    matches!(
        spec,
        GateSpec::Bake { .. } | GateSpec::Prometheus(_) | GateSpec::Health(_)
    )
}

/// The facts of one live gate of `stage` (full name).
pub(super) async fn evidence(live: &Live<'_>, stage: &str, gate: &Gate) -> Result<Fact, Error> {
    match &gate.spec {
        GateSpec::Bake { .. } => Ok(bake(live, stage)),
        GateSpec::Prometheus(g) => {
            let http = match live.http {
                Ok(h) => h.clone(),
                Err(why) => return Ok(Fact::Unavailable(why.clone())),
            };
            let token = token(live, stage, gate, g)?;
            let client = PrometheusClient::new(http, g, token, live.options.clone());
            match client.query(&g.query).await {
                Ok(facts) => Ok(Fact::Metric(facts)),
                Err(QueryError::Query(words)) => Err(Error::GateSetup {
                    message: format!(
                        "{}: {} gate `{}`: {words} — fix its `query` (run it in the server's UI to try it)",
                        live.policy_name,
                        live.lifecycle.display(stage),
                        gate.name
                    ),
                }),
                Err(QueryError::Remote(e)) => Err(Error::Remote(e)),
            }
        }
        GateSpec::Health(g) => {
            let http = match live.http {
                Ok(h) => h.clone(),
                Err(why) => return Ok(Fact::Unavailable(why.clone())),
            };
            Ok(
                match monitoring::health::probe(http, g, live.options.clone()).await {
                    Ok(facts) => Fact::Health(facts),
                    Err(e) => Fact::Unavailable(e.to_string()),
                },
            )
        }
        _ => Ok(Fact::Unavailable("no reader for this gate".into())),
    }
}

/// The bake facts of a gate guarding `stage`: the stage before it in the lifecycle, and when
/// the version entered it (or that it enters it in this run).
fn bake(live: &Live<'_>, stage: &str) -> Fact {
    let lc = live.lifecycle;
    let Some(i) = lc.index(stage).filter(|i| *i > 0) else {
        return Fact::Unavailable(format!(
            "{} is the first stage of the lifecycle: there is no stage before it to bake in — move the `bake` gate to a later stage",
            lc.display(stage)
        ));
    };
    let before = &lc.stages[i - 1];
    let shown = lc.display(before).to_string();
    let entered = if live.current == before {
        match live.history {
            Ok(history) => {
                match crate::jfrog::apptrust::history::last_entry(history, before, &shown) {
                    Ok(t) => Entered::At(t),
                    Err(why) => return Fact::Unavailable(why),
                }
            }
            Err(why) => return Fact::Unavailable(why.clone()),
        }
    } else if !lc.reached(live.current, before) {
        Entered::ThisRun
    } else {
        return Fact::Unavailable(format!(
            "the version is in {}, past {shown}",
            lc.display(live.current)
        ));
    };
    Fact::Bake(BakeFacts {
        stage_before: shown,
        entered,
        now: live.now,
    })
}

/// The bearer token a gate names, from the run's secret variables.
fn token(
    live: &Live<'_>,
    stage: &str,
    gate: &Gate,
    g: &PrometheusGate,
) -> Result<Option<Secret>, Error> {
    let Some(name) = &g.token_env else {
        return Ok(None);
    };
    match live.ctx.secret_vars.get(name) {
        Some(s) => Ok(Some(s.clone())),
        None => Err(Error::GateSetup {
            message: format!(
                "{}: {} gate `{}` reads its token from the environment variable `{name}` (`token-env`), which is not set — add `env: {{ {name}: ${{{{ secrets.{name} }}}} }}` to the step",
                live.policy_name,
                live.lifecycle.display(stage),
                gate.name
            ),
        }),
    }
}

/// Whether any stage on `path` has a `bake` gate (then the history is read).
pub(super) fn needs_history(policy: &Policy, path: &[String]) -> bool {
    path.iter()
        .filter_map(|s| policy.stage(s))
        .flat_map(|sp| &sp.gates)
        .any(|g| matches!(g.spec, GateSpec::Bake { .. }))
}

/// Adds every token a `prometheus` gate on `path` names (stage and `verify` gates) to the run's
/// redactor and, when asked, masks it in the log, before any request carries it.
pub(super) fn mask_tokens(
    policy: &Policy,
    path: &[String],
    ctx: &RunContext,
    options: &ClientOptions,
    mask: bool,
    log: &mut impl Write,
) {
    for sp in path.iter().filter_map(|s| policy.stage(s)) {
        let verify = sp.verify.iter().flat_map(|v| &v.gates);
        for g in sp.gates.iter().chain(verify) {
            let GateSpec::Prometheus(p) = &g.spec else {
                continue;
            };
            let Some(secret) = p.token_env.as_deref().and_then(|n| ctx.secret_vars.get(n)) else {
                continue;
            };
            options.redactor.add(secret.expose());
            if mask {
                let _ = log.write_all(commands::add_mask(secret.expose()).as_bytes());
            }
        }
    }
}
