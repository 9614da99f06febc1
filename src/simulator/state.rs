//! The simulator's persistent model: everything a test may want to inspect or save to a state
//! file lives in [`State`]. Reads are in `views`, the rules that change it in `rules`, so the
//! HTTP layer stays a thin translation. Timestamps are stored as Unix milliseconds so the state
//! file needs no jiff serde support.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub(crate) const STATUS_COMPLETED: &str = "COMPLETED";
pub(crate) const RELEASE_PRE: &str = "pre_release";
pub(crate) const RELEASE_RELEASED: &str = "released";

/// An error the API reports as `{"errors":[{"status":N,"message":…}]}`. Domain rules carry their
/// HTTP status because the simulator exists only to be spoken to over HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub(crate) status: u16,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, message)
    }
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, message)
    }
    pub(crate) fn body(&self) -> Value {
        json!({"errors": [{"status": self.status, "message": self.message}]})
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Project {
    pub(crate) key: String,
    pub(crate) name: String,
    /// Ordered project promote stages, without the release stage.
    pub(crate) promote_stages: Vec<String>,
    pub(crate) release_stage: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub application_key: String,
    pub(crate) application_name: String,
    pub(crate) project_key: String,
    pub(crate) description: String,
    pub(crate) maturity: String,
    pub(crate) criticality: String,
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) user_owners: Vec<String>,
    pub(crate) group_owners: Vec<String>,
    pub(crate) signing_key: String,
    pub(crate) created_millis: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    pub path: String,
    pub(crate) sha256: String,
    pub(crate) size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Releasable {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) package_type: String,
    pub(crate) sha256: String,
    pub artifacts: Vec<Artifact>,
}

/// One evidence record attached to a version's manifest, as JFrog stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRecord {
    pub(crate) id: String,
    pub predicate_type: String,
    pub(crate) predicate_slug: String,
    pub(crate) created_millis: i64,
    pub(crate) created_by: String,
    /// JFrog's verdict: a signature verified with the trusted key whose alias is its keyid.
    pub verified: bool,
    /// The alias of that key (the first signature's keyid when none verified).
    pub signing_key_alias: Option<String>,
    /// The subject sha256 the record was attached to.
    pub(crate) subject_sha256: String,
    /// Where its file is, under `/artifactory/`.
    pub download_path: String,
    /// The file: the DSSE envelope (or Sigstore bundle) as uploaded.
    pub file: String,
    /// Served padded to this many bytes (an extra `x-padding` member generated as it is sent,
    /// never stored): a large record for memory and budget tests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) padded_to: Option<usize>,
    /// With `padded_to`: the padding is inside the payload (a statement far over the size limit,
    /// base64 like any payload) instead of beside it, so a reader must decode it to refuse it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) pad_payload: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Gate {
    pub(crate) stage: String,
    pub(crate) eval_id: String,
    pub(crate) decision: String,
    pub(crate) explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluations {
    pub(crate) exit_gate: Gate,
    pub(crate) entry_gate: Gate,
}

/// One promotion attempt as `GET …/promotions` reports it. The successful ones, oldest first, are
/// also the stack that rollback pops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionRecord {
    /// `SUCCESS`, `FAILED`, or `PENDING` while an async operation is in flight.
    pub status: String,
    /// `promote` or `release`.
    pub operation: String,
    pub source_stage: String,
    pub target_stage: String,
    pub promotion_type: String,
    pub promoted_by: String,
    pub created_millis: i64,
    pub message: Option<String>,
    pub evaluations: Option<Evaluations>,
    /// What the request carried besides its target (absent from state files written before).
    #[serde(default, flatten)]
    pub options: HopOptions,
}

/// What a promote or release carried besides its target, as the client sent it: the
/// repositories, the overwrite strategy and the properties for the promoted artifacts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HopOptions {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub included_repository_keys: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_repository_keys: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub artifact_additional_properties: Vec<ArtifactProperty>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overwrite_strategy: Option<String>,
}

/// One entry of `artifact_additional_properties`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactProperty {
    pub key: String,
    #[serde(default)]
    pub values: Vec<String>,
}

/// Marks an accepted `async=true` operation that has not landed yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct InFlight {
    /// `promote`, `release` or `rollback`.
    pub(crate) operation: String,
    pub(crate) target_stage: String,
    pub(crate) completes_at_millis: i64,
    /// `created_millis` of the PENDING record to flip (promote/release only).
    pub(crate) record_millis: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionState {
    pub application_key: String,
    pub(crate) version: String,
    pub(crate) created_millis: i64,
    pub(crate) created_by: String,
    /// Content status: `COMPLETED`, `IN_PROGRESS`, `STARTED`, `DRAFT`, `FAILED`.
    pub(crate) status: String,
    /// `""` means no tag.
    pub tag: String,
    pub(crate) release_status: String,
    /// `""` means never promoted.
    pub current_stage: String,
    pub properties: BTreeMap<String, Vec<String>>,
    /// Every promotion attempt, oldest first.
    pub history: Vec<PromotionRecord>,
    pub releasables: Vec<Releasable>,
    pub application_version_sha256: String,
    pub(crate) evidence: Vec<EvidenceRecord>,
    pub(crate) in_flight: Option<InFlight>,
    pub(crate) modified_by: Option<String>,
    pub(crate) modified_millis: Option<i64>,
}

impl VersionState {
    pub(super) fn summary(&self) -> Value {
        json!({
            "version": self.version,
            "tag": self.tag,
            "status": self.status,
            "release_status": self.release_status,
            "current_stage": self.current_stage,
            "created_by": self.created_by,
            "created": iso(self.created_millis),
        })
    }
}

/// Operation kinds for the promote-shaped endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Promote,
    Release,
}

impl Operation {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Operation::Promote => "promote",
            Operation::Release => "release",
        }
    }
}

/// Body of promote and release (release has no `target_stage`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PromoteBody {
    #[serde(default)]
    pub(crate) target_stage: Option<String>,
    #[serde(default)]
    pub(crate) promotion_type: Option<String>,
    #[serde(default)]
    pub(crate) included_repository_keys: Vec<String>,
    #[serde(default)]
    pub(crate) excluded_repository_keys: Vec<String>,
    #[serde(default)]
    pub(crate) artifact_additional_properties: Vec<ArtifactProperty>,
    #[serde(default)]
    pub(crate) overwrite_strategy: Option<String>,
}

impl PromoteBody {
    /// The request's options, checked as AppTrust checks them (\[INFERRED\] where it is silent):
    /// a known overwrite strategy (any case), no repository both included and excluded, no
    /// property without a key.
    pub(crate) fn options(&self) -> Result<HopOptions, ApiError> {
        if let Some(s) = &self.overwrite_strategy {
            if !["DISABLED", "LATEST", "ALL"].contains(&s.to_ascii_uppercase().as_str()) {
                return Err(ApiError::bad_request(format!(
                    "invalid overwrite_strategy '{s}': expected DISABLED, LATEST or ALL"
                )));
            }
        }
        if let Some(r) = self
            .included_repository_keys
            .iter()
            .find(|r| self.excluded_repository_keys.contains(r))
        {
            return Err(ApiError::bad_request(format!(
                "repository '{r}' is both included and excluded"
            )));
        }
        if self
            .artifact_additional_properties
            .iter()
            .any(|p| p.key.trim().is_empty())
        {
            return Err(ApiError::bad_request(
                "artifact_additional_properties: every property needs a key",
            ));
        }
        Ok(HopOptions {
            included_repository_keys: self.included_repository_keys.clone(),
            excluded_repository_keys: self.excluded_repository_keys.clone(),
            artifact_additional_properties: self.artifact_additional_properties.clone(),
            overwrite_strategy: self.overwrite_strategy.clone(),
        })
    }
}

/// Who asked, whether to answer before applying, and how long the async work takes.
#[derive(Debug, Clone)]
pub struct OpContext {
    pub(crate) user: String,
    pub(crate) is_async: bool,
    pub(crate) async_delay_ms: i64,
}

/// A successful HTTP answer chosen by a rule (200, 202, or 422 for a policy failure).
#[derive(Debug, Clone)]
pub struct OpOutcome {
    pub(crate) http_status: u16,
    pub(crate) body: Value,
}

/// One attestation as GitHub stores it: for a digest, in a repository (served by
/// `attestations.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitHubAttestation {
    /// `owner/repo` it was made in.
    pub(crate) repository: String,
    /// The subject digest (lower-case hex).
    pub sha256: String,
    /// The Sigstore bundle's JSON.
    pub(crate) bundle: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub(crate) projects: BTreeMap<String, Project>,
    pub applications: BTreeMap<String, Application>,
    /// application key → version → state.
    pub versions: BTreeMap<String, BTreeMap<String, VersionState>>,
    /// stage → explanation of why its entry gate fails.
    pub(crate) policy_failures: BTreeMap<String, String>,
    /// Public keys JFrog trusts for evidence (Trusted Keys): alias → PEM.
    #[serde(default)]
    pub(crate) trusted_keys: BTreeMap<String, String>,
    /// OIDC-minted access tokens → username.
    pub minted_tokens: BTreeMap<String, String>,
    /// GitHub's artifact attestations, served under `/github/` (see `attestations.rs`).
    #[serde(default)]
    pub attestations: Vec<GitHubAttestation>,
    pub(crate) promotions_applied: usize,
    /// What the monitoring endpoints answer.
    #[serde(default)]
    pub(crate) monitoring: super::monitoring::Monitoring,
    /// Highest timestamp handed out; keeps `created_millis` unique per state.
    pub(crate) last_millis: i64,
    pub(crate) id_counter: u64,
}

/// Formats Unix milliseconds as ISO-8601 with millisecond precision, the way JFrog prints times.
pub(crate) fn iso(ms: i64) -> String {
    let ts = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub(crate) fn now_real_millis() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

pub(super) fn display_stage(stage: &str) -> &str {
    if stage.is_empty() {
        "UNASSIGNED"
    } else {
        stage
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PatchBody {
    #[serde(default)]
    pub(crate) tag: Option<String>,
    #[serde(default)]
    pub(crate) properties: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    pub(crate) delete_properties: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RollbackBody {
    #[serde(default)]
    pub(crate) from_stage: Option<String>,
}

/// Paging and filters shared by the list endpoints.
#[derive(Debug, Clone)]
pub(crate) struct ListQuery {
    pub(crate) limit: usize,
    pub(crate) offset: usize,
    pub(crate) order_by: Option<String>,
    pub(crate) order_asc: bool,
    pub(crate) release_status: Option<String>,
    pub(crate) tag: Option<String>,
    pub(crate) created_by: Option<String>,
}
