//! A stateful, in-process imitation of the JFrog AppTrust and Access REST APIs and of JFrog's
//! evidence service (AQL, One Model GraphQL, evidence files and uploads).
//!
//! It exists so the real HTTP client, the integration tests and `promote-action demo` /
//! `promote-action simulator` can exercise promotions without a JFrog instance or network. It is
//! an axum server bound to loopback, seeded with the "bookverse" project (see [`seed`]), with
//! injectable faults (see [`faults`]) and a control API under `/_sim/`. The promotion rules and
//! the status codes chosen where the public documentation is silent are documented in `routes`.

pub mod attestations;
mod evidence;
mod faults;
mod monitoring;
mod routes;
mod rules;
mod seed;
mod state;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_control;
#[cfg(test)]
mod tests_evidence;
#[cfg(test)]
mod tests_faults;
#[cfg(test)]
mod tests_hops;
mod views;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub(crate) use evidence::DEMO_KEY_ALIAS;
pub use evidence::{DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, signed_statement};
pub use faults::{EchoShape, Fault, FaultKind};
pub use monitoring::{HEALTH_PATH, Monitoring, PROMETHEUS_BASE};
pub(crate) use seed::seed_predicate;
pub use seed::{
    APP_INVENTORY, EVIDENCE_SLSA, EVIDENCE_TEST_RESULT, STAGE_QA, STAGE_STAGING,
    seed_artifact_bytes,
};
#[cfg(test)]
pub(crate) use seed::{PROJECT, STAGE_DEV, STAGE_PROD};
pub(crate) use state::{EvidenceRecord, Releasable, VersionState};
pub use state::{PromotionRecord, State};

/// The username AppTrust reports for OIDC-minted tokens.
pub(crate) const OIDC_USERNAME: &str = "github-actions";
/// The username reported for the statically configured tokens.
pub(crate) const ADMIN_USERNAME: &str = "admin";

#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Accepted bearer tokens.
    pub tokens: Vec<String>,
    /// Accepted `provider_name` for the OIDC exchange.
    pub oidc_provider: String,
    /// How long an `async=true` operation stays in progress.
    pub async_delay: Duration,
    /// Added to every API answer (not to `/_sim/` control calls): a network's round-trip time,
    /// so benchmarks and tests see what a run costs away from loopback.
    pub latency: Duration,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            tokens: vec!["simulator-token".into()],
            oidc_provider: "github-oidc".into(),
            async_delay: Duration::from_millis(300),
            latency: Duration::ZERO,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum SimError {
    #[error("cannot access simulator state file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("simulator state file {path} is not valid simulator state: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// One request as the simulator saw and answered it (control-API calls under `/_sim/` are not
/// logged, so the log shows only what a client under test sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Status line sent; for dropped connections, the status in the headers before the drop.
    pub status: u16,
    pub had_valid_auth: bool,
    /// Request body, for POST/PUT/PATCH.
    pub body: Option<String>,
    /// The injected fault applied to this request, if any (e.g. `status 503`).
    pub fault: Option<String>,
    pub(crate) at: String,
}

struct Shared {
    config: SimConfig,
    /// What `POST /_sim/reset` goes back to: the seed or the loaded state file.
    initial: State,
    state: Mutex<State>,
    faults: Mutex<Vec<Fault>>,
    log: Mutex<Vec<LoggedRequest>>,
}

#[derive(Clone)]
pub struct Simulator {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator").finish_non_exhaustive()
    }
}

/// A poisoned lock only means a handler panicked mid-request; the data is still the best we have.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Simulator {
    /// The bookverse seed: project `bookverse`, apps `bookverse-inventory` and `bookverse-web`.
    pub fn seeded(config: SimConfig) -> Self {
        let state = State {
            attestations: attestations::seeded_attestations(),
            ..seed::seeded_state()
        };
        Self::with_initial_state(state, config)
    }

    pub fn with_initial_state(state: State, config: SimConfig) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                initial: state.clone(),
                state: Mutex::new(state),
                faults: Mutex::new(Vec::new()),
                log: Mutex::new(Vec::new()),
            }),
        }
    }

    pub(crate) fn from_state_file(path: &Path, config: SimConfig) -> Result<Self, SimError> {
        let text = std::fs::read_to_string(path).map_err(|source| SimError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let state: State = serde_json::from_str(&text).map_err(|source| SimError::Json {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self::with_initial_state(state, config))
    }

    pub(crate) fn save_state(&self, path: &Path) -> Result<(), SimError> {
        let state = self.state();
        let text = serde_json::to_string_pretty(&state).map_err(|source| SimError::Json {
            path: path.to_path_buf(),
            source,
        })?;
        std::fs::write(path, text).map_err(|source| SimError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    pub(crate) fn config(&self) -> &SimConfig {
        &self.shared.config
    }

    pub fn router(&self) -> axum::Router {
        routes::router(self.clone())
    }

    /// Serves on `listener` until this future is dropped.
    pub(crate) async fn serve(&self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        axum::serve(listener, self.router()).await
    }

    /// Binds `127.0.0.1:0`, serves on a background task, and returns the bound address.
    pub async fn spawn(&self) -> std::io::Result<SocketAddr> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let sim = self.clone();
        tokio::spawn(async move {
            // The task only ends on an accept-loop I/O error; there is no one left to tell.
            let _ = sim.serve(listener).await;
        });
        Ok(addr)
    }

    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    pub(crate) fn faults(&self) -> Vec<Fault> {
        lock(&self.shared.faults).clone()
    }

    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    pub fn promotions_applied(&self) -> usize {
        self.with_state(|s| s.promotions_applied)
    }

    pub fn version(&self, app: &str, version: &str) -> Option<VersionState> {
        self.with_state(|s| s.version(app, version).ok().cloned())
    }

    /// A snapshot of the whole state (after landing any due async operations).
    pub fn state(&self) -> State {
        self.with_state(|s| s.clone())
    }

    /// Makes AppTrust's own entry gate of `stage` fail (`QA` and `bookverse-QA` both work).
    pub fn set_stage_policy_failure(&self, stage: &str, explanation: Option<String>) {
        self.with_state(|s| {
            let stage = s.canonical_stage(stage);
            let explanation = explanation.unwrap_or_else(|| {
                format!("policy '{stage}-entry' failed: required evidence is missing")
            });
            s.policy_failures.insert(stage, explanation);
        });
    }

    pub(crate) fn clear_stage_policy_failure(&self, stage: &str) {
        self.with_state(|s| {
            let stage = s.canonical_stage(stage);
            s.policy_failures.remove(&stage);
        });
    }

    /// Sets the content status (e.g. `IN_PROGRESS`); unknown app/version is ignored.
    pub fn set_version_status(&self, app: &str, version: &str, status: &str) {
        self.with_version(app, version, |v| v.status = status.to_string());
    }

    /// Adds a never-promoted version of an existing application, created after every version it
    /// has (so it is the newest), with content status `status` — e.g. `IN_PROGRESS` for one CI
    /// is still creating, `FAILED` for one whose creation failed. An existing version is left
    /// alone.
    pub fn add_version(&self, app: &str, version: &str, status: &str) {
        self.with_state(|s| {
            let Some(existing) = s.versions.get(app) else {
                return;
            };
            if existing.contains_key(version) {
                return;
            }
            let created = existing
                .values()
                .map(|v| v.created_millis)
                .max()
                .unwrap_or(0)
                + 3_600_000;
            let mut counter = s.id_counter;
            let v = seed::unpromoted_version(app, version, created, status, &mut counter);
            s.id_counter = counter;
            s.versions
                .entry(app.to_string())
                .or_default()
                .insert(version.to_string(), v);
        });
    }

    /// Attaches a record of `predicate_type` about the version, signed with the demo key (so
    /// JFrog, and a gate with the demo key in `signed-by`, verify it). `passed` picks the
    /// test-result outcome it attests.
    pub fn add_evidence(&self, app: &str, version: &str, predicate_type: &str) {
        self.add_evidence_with(
            app,
            version,
            predicate_type,
            seed::seed_predicate(predicate_type, true),
        );
    }

    /// Like [`Simulator::add_evidence`] with a given predicate.
    pub fn add_evidence_with(
        &self,
        app: &str,
        version: &str,
        predicate_type: &str,
        predicate: serde_json::Value,
    ) {
        self.with_state(|s| {
            let (repo, path, name) = s.manifest_of(app, version);
            let Ok(v) = s.version(app, version) else {
                return;
            };
            let subject = format!("{repo}/{path}/{name}");
            let file = evidence::signed_statement(
                &subject,
                &v.application_version_sha256,
                predicate_type,
                predicate,
            );
            let _ = s.attach_evidence(&subject, &file, ADMIN_USERNAME);
        });
    }

    /// Stores an evidence file as it is, unchecked, as if JFrog held it: for tests of what a
    /// gate makes of hostile or tampered files. `verified` is JFrog's verdict to report.
    pub fn insert_evidence_file(
        &self,
        app: &str,
        version: &str,
        predicate_type: &str,
        file: &str,
        verified: bool,
    ) {
        self.with_state(|s| {
            let id = s.next_id("raw");
            let at = s.next_millis();
            let (repo, path, _) = s.manifest_of(app, version);
            let slug = evidence::predicate_slug(predicate_type);
            if let Some(v) = s.versions.get_mut(app).and_then(|m| m.get_mut(version)) {
                v.evidence.push(EvidenceRecord {
                    download_path: format!("{repo}/{path}/.evidence/{slug}-{id}.json"),
                    id,
                    predicate_type: predicate_type.to_string(),
                    predicate_slug: slug,
                    created_millis: at,
                    created_by: ADMIN_USERNAME.into(),
                    verified,
                    signing_key_alias: Some(DEMO_KEY_ALIAS.into()),
                    subject_sha256: v.application_version_sha256.clone(),
                    file: file.to_string(),
                    padded_to: None,
                    pad_payload: false,
                });
            }
        });
    }

    /// Like [`Simulator::insert_evidence_file`], listed with a `downloadPath` of the test's
    /// choosing (a hostile one: `../../x`, `https://…`).
    pub fn insert_evidence_at(
        &self,
        app: &str,
        version: &str,
        predicate_type: &str,
        download_path: &str,
        file: &str,
    ) {
        self.insert_evidence_file(app, version, predicate_type, file, true);
        self.with_version(app, version, |v| {
            if let Some(r) = v.evidence.last_mut() {
                r.download_path = download_path.to_string();
            }
        });
    }

    /// Attaches `count` records of `predicate_type` signed with the demo key (as
    /// [`Simulator::add_evidence`]), each served padded to `size` bytes — generated as it is
    /// sent, so a thousand 15 MiB records cost the simulator nothing to hold. `in_payload`: the
    /// padding is a huge statement in the payload (refused as too large) instead of an extra
    /// member beside a small signed one (which verifies).
    pub fn add_large_evidence(
        &self,
        app: &str,
        version: &str,
        predicate_type: &str,
        count: usize,
        size: usize,
        in_payload: bool,
    ) {
        for _ in 0..count {
            self.add_evidence(app, version, predicate_type);
            self.with_version(app, version, |v| {
                if let Some(r) = v.evidence.last_mut() {
                    r.padded_to = Some(size);
                    r.pad_payload = in_payload;
                }
            });
        }
    }

    /// Removes every evidence record of a version.
    pub fn clear_evidence(&self, app: &str, version: &str) {
        self.with_version(app, version, |v| v.evidence.clear());
    }

    /// The evidence records of a version.
    pub fn evidence(&self, app: &str, version: &str) -> Vec<EvidenceRecord> {
        self.version(app, version)
            .map(|v| v.evidence)
            .unwrap_or_default()
    }

    /// Registers a public key (PEM) JFrog trusts for evidence under `alias`.
    pub(crate) fn trust_key(&self, alias: &str, pem: &str) {
        self.with_state(|s| {
            s.trusted_keys.insert(alias.to_string(), pem.to_string());
        });
    }

    /// Back to the initial state (seed or loaded file), with no faults, log or minted tokens.
    pub(crate) fn reset(&self) {
        *lock(&self.shared.state) = self.shared.initial.clone();
        self.clear_faults();
        self.clear_requests();
    }

    fn with_version(&self, app: &str, version: &str, f: impl FnOnce(&mut VersionState)) {
        self.with_state(|s| {
            if let Some(v) = s.versions.get_mut(app).and_then(|m| m.get_mut(version)) {
                f(v);
            }
        });
    }

    /// Every state access goes through here so due async operations land first.
    fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut guard = lock(&self.shared.state);
        guard.settle(state::now_real_millis());
        f(&mut guard)
    }

    /// What the monitoring endpoints answer now (and how many queries they answered).
    pub fn monitoring(&self) -> Monitoring {
        self.with_state(|s| s.monitoring.clone())
    }

    /// Sets what the monitoring endpoints answer.
    pub fn set_monitoring(&self, m: Monitoring) {
        self.with_state(|s| s.monitoring = m);
    }

    /// The username behind an accepted bearer token.
    fn user_for_token(&self, token: &str) -> Option<String> {
        if self.shared.config.tokens.iter().any(|t| t == token) {
            return Some(ADMIN_USERNAME.into());
        }
        lock(&self.shared.state).minted_tokens.get(token).cloned()
    }

    fn take_fault(&self, method: &str, target: &str) -> Option<Fault> {
        faults::take_matching(&mut lock(&self.shared.faults), method, target)
    }

    fn log(&self, entry: LoggedRequest) {
        lock(&self.shared.log).push(entry);
    }
}
