//! What a run decided and did: the single value every reporter renders.
//!
//! Promotion builds an [`Outcome`]; the outputs file, the job summary, the annotations, the
//! record and the exit status are all pure functions of it, so they can never disagree.

use crate::error::Place;
use crate::gates::{EvidenceRow, Finding, GateResult, GateStatus, StageVerdict, TestsReport};
use crate::inputs::Command;
use crate::jfrog::apptrust::{Evaluation, PromotionEntry};
use crate::lifecycle::{HopAction, Lifecycle};

/// The `result` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RunResult {
    /// Reached a project stage.
    Promoted,
    /// Reached the release stage.
    Released,
    /// Rolled back.
    RolledBack,
    /// Promoted, then rolled back out of the stage by a failed `verify`.
    Reverted,
    /// Dry run evaluated.
    Planned,
    /// Already at the target; nothing sent.
    Unchanged,
    /// Outside a window on a scheduled run; nothing promoted.
    Deferred,
    /// A gate or policy said no.
    Blocked,
    /// Input, config or remote error.
    Failed,
}

impl RunResult {
    /// The value written to the `result` output.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RunResult::Promoted => "promoted",
            RunResult::Released => "released",
            RunResult::RolledBack => "rolled-back",
            RunResult::Reverted => "reverted",
            RunResult::Planned => "planned",
            RunResult::Unchanged => "unchanged",
            RunResult::Deferred => "deferred",
            RunResult::Blocked => "blocked",
            RunResult::Failed => "failed",
        }
    }
}

/// How one hop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HopStatus {
    /// Applied and verified by re-reading the version.
    Done,
    /// Would be applied (plan).
    Planned,
    /// Stopped by our gates or AppTrust's policy.
    Blocked,
    /// A remote error; the version did not move.
    Failed,
    /// Not attempted because an earlier hop stopped.
    NotReached,
}

/// One stage-to-stage step.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Hop {
    /// Full stage name before (`""` = never promoted).
    pub from: String,
    /// Full stage name after.
    pub to: String,
    /// Promote, release or rollback.
    pub action: HopAction,
    /// `copy`, `move` or `keep`.
    pub promotion_type: String,
    /// How it ended.
    pub status: HopStatus,
    /// Wall time of the request and verification.
    pub duration_ms: Option<u64>,
    /// AppTrust's gate decisions.
    pub evaluations: Vec<Evaluation>,
    /// A one-line explanation (AppTrust's message, the error, or why it was skipped).
    pub message: String,
}

/// How one version's rollback of a `to-version` run went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RollbackStatus {
    /// Rolled back and verified by re-reading the version.
    RolledBack,
    /// Would be rolled back (plan).
    Planned,
    /// The rollback failed; where the version stands is in `now`.
    Failed,
    /// Not attempted: an earlier rollback failed.
    NotAttempted,
}

/// One version of a `to-version` rollback (newest first).
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct VersionRollback {
    /// The version.
    pub(crate) version: String,
    /// The stage it is rolled back from (full name).
    pub(crate) from: String,
    /// Where it stands after the run (full name, `""` = no stage), as last read.
    pub(crate) now: String,
    /// How it went.
    pub(crate) status: RollbackStatus,
    /// Wall time of the request and verification.
    pub(crate) duration_ms: Option<u64>,
    /// The error, or what retagging did.
    pub(crate) message: String,
}

/// The attestation of a run's decision, attached to the version in JFrog.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct Attestation {
    /// Its predicate type.
    pub(crate) predicate_type: String,
    /// The subject: the version manifest's path.
    pub(crate) subject: String,
    /// The DSSE keyid (`evidence-key-alias`).
    pub(crate) keyid: String,
    /// Fingerprint of the signing key's public half.
    pub(crate) key_fingerprint: String,
    /// Whether JFrog accepted it.
    pub(crate) attached: bool,
    /// JFrog's `verified` in its answer, when it said.
    pub(crate) verified: Option<bool>,
    /// Why it was not attached.
    pub(crate) error: Option<String>,
}

/// The error that ended a failed run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Failure {
    /// Annotation title.
    pub title: String,
    /// What happened and what to do.
    pub message: String,
    /// Exit status (2 or 3).
    pub exit_code: u8,
    /// Where in a file each problem is (a policy file's errors), for one annotation each;
    /// `message` above already lists them all.
    #[serde(skip)]
    #[schemars(skip)]
    pub places: Vec<Place>,
}

/// Everything a run decided and did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Outcome {
    /// The command run.
    pub command: Command,
    /// The verdict.
    pub result: RunResult,
    /// Application key.
    pub(crate) application: String,
    /// Version acted on (`""` when it could not be resolved).
    pub(crate) version: String,
    /// Stage before the run.
    pub from_stage: String,
    /// Stage after the run (where the version really is).
    pub to_stage: String,
    /// Whether `to_stage` was read from AppTrust. `false` when the run stopped before reading
    /// the version: then `to_stage` is `""` because it is unknown, not because the version was
    /// never promoted.
    pub(crate) stage_read: bool,
    /// Release status as last read (`pre_release`, `released`, `trusted_release`; `""` unknown).
    pub(crate) release_status: String,
    /// Requested target, full name when resolved.
    pub target_stage: Option<String>,
    /// The lifecycle, when it was read.
    pub lifecycle: Option<Lifecycle>,
    /// Hops attempted or planned.
    pub hops: Vec<Hop>,
    /// Gate results.
    pub gates: Vec<GateResult>,
    /// Failing tests and findings (first ones).
    pub findings: Vec<Finding>,
    /// Total failing items, including those not kept in `findings`.
    pub findings_total: usize,
    /// Evidence records judged by `evidence` gates.
    pub(crate) evidence: Vec<EvidenceRow>,
    /// Artifacts and records whose attestations `attestations` gates verified: who built each,
    /// or why it failed.
    pub(crate) attestations: Vec<crate::gates::AttestationRow>,
    /// What tests gates found beyond their counts: quarantined, flaky, new and known failures.
    pub(crate) tests: Vec<TestsReport>,
    /// Promotion history (status command).
    pub(crate) history: Vec<PromotionEntry>,
    /// A `to-version` rollback: each version rolled back (or to be), newest first.
    pub(crate) rollbacks: Vec<VersionRollback>,
    /// Promote and plan: what the promotion changes in its target stage.
    pub(crate) changes: Option<super::changes::ChangeSet>,
    /// Remarks for the summary (missing default policy, …).
    pub warnings: Vec<String>,
    /// Neutral facts for the summary (retagging done, …).
    pub(crate) notes: Vec<String>,
    /// The error, for failed runs.
    pub failure: Option<Failure>,
    /// Whether this was a hotfix run, and why.
    pub(crate) hotfix_reason: Option<String>,
    /// sha256 of the policy file the gates came from, when one was read.
    pub(crate) policy_sha256: Option<String>,
    /// Our own signed attestation of the decision, when `evidence-key` asked for one.
    pub(crate) attestation: Option<Attestation>,
    /// The `verify` watches after promotions of this run.
    pub(crate) verification: Vec<crate::gates::verify::Verification>,
    /// What the run cost on the network: requests sent and how many waited for one another.
    pub(crate) network: Option<crate::http::NetworkSummary>,
}

impl Outcome {
    /// An outcome that has done nothing yet.
    pub fn new(command: Command, application: &str, version: &str) -> Self {
        Outcome {
            command,
            result: RunResult::Failed,
            application: application.to_string(),
            version: version.to_string(),
            from_stage: String::new(),
            to_stage: String::new(),
            stage_read: false,
            release_status: String::new(),
            target_stage: None,
            lifecycle: None,
            hops: Vec::new(),
            gates: Vec::new(),
            findings: Vec::new(),
            findings_total: 0,
            evidence: Vec::new(),
            attestations: Vec::new(),
            tests: Vec::new(),
            history: Vec::new(),
            rollbacks: Vec::new(),
            changes: None,
            warnings: Vec::new(),
            notes: Vec::new(),
            failure: None,
            hotfix_reason: None,
            policy_sha256: None,
            attestation: None,
            verification: Vec::new(),
            network: None,
        }
    }

    /// Takes in what a stage's gates said: their rows, the evidence records and tests reports
    /// behind them, warnings and findings (whether it defers the run is the caller's to read).
    pub(crate) fn add_verdict(&mut self, verdict: StageVerdict) {
        self.gates.extend(verdict.gates);
        self.evidence.extend(verdict.evidence);
        self.tests.extend(verdict.tests);
        self.warnings.extend(verdict.warnings);
        self.findings.extend(verdict.findings);
        self.findings_total += verdict.findings_total;
    }

    /// Marks the run failed with an error.
    pub(crate) fn fail(&mut self, error: &crate::error::Error) {
        self.result = RunResult::Failed;
        self.failure = Some(Failure {
            title: error.title().to_string(),
            message: error.to_string(),
            exit_code: error.exit_code(),
            places: error.places(),
        });
    }

    /// Exit status per SPEC.md.
    pub(crate) fn exit_code(&self) -> u8 {
        match self.result {
            RunResult::Blocked | RunResult::Reverted => 1,
            RunResult::Failed => self.failure.as_ref().map_or(3, |f| f.exit_code),
            _ => 0,
        }
    }

    /// Says why the hop into `stage` was blocked, on the hop the walk recorded as blocked there
    /// (if any), so the hop line and the summary say why: `<why>; nothing was promoted to …`.
    pub(crate) fn name_on_blocked_hop(&mut self, lifecycle: &Lifecycle, stage: &str, why: &str) {
        if let Some(hop) = self
            .hops
            .iter_mut()
            .find(|h| h.status == HopStatus::Blocked && h.to == stage)
        {
            hop.message = format!(
                "{why}; nothing was promoted to {}",
                lifecycle.display(stage)
            );
        }
    }

    /// Display form of a stage name.
    pub(crate) fn display<'a>(&self, stage: &'a str) -> &'a str {
        match &self.lifecycle {
            Some(l) => l.display(stage),
            None => stage,
        }
    }

    /// Where the version is, for people: the stage's display name, `no stage (never promoted)`,
    /// or `an unknown stage (the run stopped before reading the version)`.
    pub(crate) fn whereabouts(&self) -> String {
        match (self.to_stage.is_empty(), self.stage_read) {
            (false, _) => self.display(&self.to_stage).to_string(),
            (true, true) => "no stage (never promoted)".to_string(),
            (true, false) => {
                "an unknown stage (the run stopped before reading the version)".to_string()
            }
        }
    }

    /// Names of failed gates.
    pub(crate) fn failed_gates(&self) -> Vec<&str> {
        self.gates
            .iter()
            .filter(|g| g.status == GateStatus::Fail)
            .map(|g| g.gate.as_str())
            .collect()
    }
}
