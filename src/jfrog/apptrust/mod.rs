//! The AppTrust (and JFrog Access lifecycle) API as the action needs it.
//!
//! [`AppTrustApi`] carries only the calls the action makes; [`client::HttpAppTrust`] is the real
//! implementation over reqwest. Everything the reference marks \[INFERRED\] (status codes of a
//! policy rejection, enum casing, wire shapes) is decided in `client.rs` and `wire.rs` only, so a
//! wrong guess is one place to change.

pub mod client;
pub mod history;
pub mod oidc;
pub(crate) mod wire;

use std::collections::BTreeMap;
use std::future::Future;

use crate::http::RemoteError;
use crate::lifecycle::Lifecycle;

/// What the action knows about one application version.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct VersionContent {
    /// The version string.
    pub version: String,
    /// Full stage name, `""` if never promoted.
    pub(crate) current_stage: String,
    /// `pre_release`, `released` or `trusted_release` (lower-cased).
    pub release_status: String,
    /// `COMPLETED`, `IN_PROGRESS`, … (upper-cased).
    pub(crate) status: String,
    /// Version tag, if any.
    pub(crate) tag: Option<String>,
    /// Every artifact of the version with its sha256 (empty string when AppTrust gave none).
    pub(crate) artifacts: Vec<Artifact>,
}

/// One artifact of a version's content.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct Artifact {
    /// Repository path.
    pub(crate) path: String,
    /// sha256 as AppTrust reports it.
    pub(crate) sha256: Option<String>,
}

/// One gate decision AppTrust reported with a promotion.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Evaluation {
    /// `exit_gate`, `entry_gate` or `release_gate`.
    pub gate: String,
    /// Stage the gate belongs to.
    pub stage: String,
    /// `pass`, `warn`, `fail` or `error` (lower-cased, as AppTrust spelt it).
    pub decision: String,
    /// AppTrust's explanation.
    pub explanation: String,
    /// AppTrust's evaluation id (`""` when it gave none), to find the evaluation in JFrog.
    #[serde(default)]
    pub eval_id: String,
}

/// AppTrust's answer to a promote or release request.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub enum HopReply {
    /// The request was accepted (it may still be applying when sent async).
    Accepted {
        /// AppTrust's `status` field, e.g. `success`.
        status: String,
        /// AppTrust's message.
        message: String,
        /// Gate decisions.
        evaluations: Vec<Evaluation>,
    },
    /// AppTrust's own policy refused the promotion: a blocked run, not a failed one.
    PolicyRejected {
        /// AppTrust's message.
        message: String,
        /// Gate decisions (at least one `fail`).
        evaluations: Vec<Evaluation>,
    },
}

/// AppTrust's answer to a rollback.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct RollbackReply {
    /// Stage rolled back from.
    pub(crate) from_stage: String,
    /// Stage the version is in now (`""` when rolled back from the first stage).
    pub to_stage: String,
}

/// One entry of a version's promotion history.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct PromotionEntry {
    /// `SUCCESS`, `FAILED`, … (upper-cased).
    pub status: String,
    /// Stage before.
    pub(crate) source_stage: String,
    /// Stage after.
    pub(crate) target_stage: String,
    /// Who promoted.
    pub promoted_by: String,
    /// When (ISO-8601 as AppTrust wrote it).
    pub(crate) promoted: String,
}

/// One item of the version list.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct VersionSummary {
    /// Version string.
    pub version: String,
    /// Tag (empty when none).
    pub(crate) tag: String,
    /// Release status, lower-cased.
    pub(crate) release_status: String,
    /// Current stage.
    pub(crate) current_stage: String,
    /// Content status, upper-cased (`COMPLETED`, `IN_PROGRESS`, …; `""` when AppTrust gave none).
    pub status: String,
}

/// Parameters of a promote or release request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HopRequest {
    /// Full target stage name (ignored by `/release`).
    pub target_stage: String,
    /// `copy`, `move` or `keep` (`dry_run` to ask AppTrust's verdict without promoting).
    pub promotion_type: String,
    /// Repositories, overwrite strategy and artifact properties, as the CLI sends them.
    pub selection: crate::inputs::Selection,
}

/// The AppTrust calls the action makes. Generic (not `dyn`) so implementations stay simple.
pub trait AppTrustApi {
    /// The project's lifecycle (ordered promote stages and release stage).
    fn lifecycle(
        &self,
        project: Option<&str>,
    ) -> impl Future<Output = Result<Lifecycle, RemoteError>> + Send;
    /// The newest version of an application (`None` when it has none).
    fn newest_version(
        &self,
        app: &str,
    ) -> impl Future<Output = Result<Option<String>, RemoteError>> + Send;
    /// One version's content and stage.
    fn content(
        &self,
        app: &str,
        version: &str,
    ) -> impl Future<Output = Result<VersionContent, RemoteError>> + Send;
    /// Promotes to a project stage.
    fn promote(
        &self,
        app: &str,
        version: &str,
        req: &HopRequest,
    ) -> impl Future<Output = Result<HopReply, RemoteError>> + Send;
    /// Releases to the release stage.
    fn release(
        &self,
        app: &str,
        version: &str,
        req: &HopRequest,
    ) -> impl Future<Output = Result<HopReply, RemoteError>> + Send;
    /// Rolls back the latest promotion.
    fn rollback(
        &self,
        app: &str,
        version: &str,
        from_stage: &str,
    ) -> impl Future<Output = Result<RollbackReply, RemoteError>> + Send;
    /// Promotion history, newest first.
    fn promotions(
        &self,
        app: &str,
        version: &str,
    ) -> impl Future<Output = Result<Vec<PromotionEntry>, RemoteError>> + Send;
    /// Every version (newest first) with tag and release status, for retagging.
    fn list_versions(
        &self,
        app: &str,
    ) -> impl Future<Output = Result<Vec<VersionSummary>, RemoteError>> + Send;
    /// A version's properties (our audit trail among them): `GET …/versions/{version}`, which
    /// BookVerse reads for the tag; \[INFERRED\] to carry `properties` as the update answers them.
    fn version_properties(
        &self,
        app: &str,
        version: &str,
    ) -> impl Future<Output = Result<BTreeMap<String, Vec<String>>, RemoteError>> + Send;
    /// Sets version properties (the audit trail) and, when given, the tag (`""` removes it).
    fn update_version(
        &self,
        app: &str,
        version: &str,
        tag: Option<&str>,
        properties: &BTreeMap<String, Vec<String>>,
    ) -> impl Future<Output = Result<(), RemoteError>> + Send;
}
