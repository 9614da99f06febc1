//! The `attestations` gate: who built what. Each bundle was verified offline as it was read
//! ([`crate::sigstore`]: chain to a trusted root at the proven signing time, signature, subject,
//! predicate type, identity); this combines the outcomes and says, per artifact or record, who
//! signed and from what, or the exact reason it failed.
//!
//! `subjects: artifacts`: every artifact of the version needs one bundle that passes; one
//! without blocks the version, named. `subjects: evidence`: one Sigstore bundle among the
//! version's evidence records that passes suffices (as the `evidence` gate counts a type), a
//! failing one beside it is a warning.
//!
//! Pure: no I/O, no clock. The facts are gathered by `action::attestations_read`.

use super::{GateEval, GateResult, GateStatus, pass_fail, plural};
use crate::policy::{AttestationSubjects, Gate};
use crate::sigstore::{Failure, Identity, Verified};

/// Failing subjects named one by one in a failed gate's detail; the table lists them all.
const MAX_NAMED: usize = 3;

/// What an `attestations` gate was given to judge.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AttestationFacts {
    /// Where the bundles were looked for, as the summary says it (`GitHub's attestations API,
    /// repos/bookverse/inventory`).
    pub(crate) source: String,
    /// One per artifact (`subjects: artifacts`) or per Sigstore-bundle record (`evidence`), in
    /// the version's or JFrog's order.
    pub(crate) checks: Vec<SubjectCheck>,
    /// Docker layer and config blobs not looked up: an image is attested by its manifest's
    /// digest, never by its layers.
    pub(crate) layers_skipped: usize,
    /// `subjects: evidence`: records of the predicate type that are not Sigstore bundles (DSSE
    /// envelopes signed with a key, for the `evidence` gate).
    pub(crate) other_records: usize,
}

/// One artifact or record and how its bundles fared.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SubjectCheck {
    /// The artifact's path, or the record's download path.
    pub(crate) subject: String,
    /// The sha256 the bundle was verified against (`""` when there was none to look up).
    pub(crate) sha256: String,
    /// For a record: what its statement is about (`artifact docker/app/1.0/manifest.json`).
    pub(crate) about: Option<String>,
    /// How many bundles were tried.
    pub(crate) bundles: usize,
    /// The bundle that passed, or why none did (the most telling failure).
    pub(crate) outcome: Result<Verified, Failure>,
}

/// One artifact or record as the summary's attestation table and the record show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct AttestationRow {
    /// Full stage name of the gate.
    pub(crate) stage: String,
    /// Gate name.
    pub(crate) gate: String,
    /// The artifact's path, or the evidence record's download path.
    pub(crate) subject: String,
    /// The sha256 verified against (`""` when none).
    pub(crate) sha256: String,
    /// `pass` (counts), `warn` (failed, but another record passed), `fail`.
    pub(crate) status: GateStatus,
    /// `verified`, or the reason: `unsigned`, `bad signature`, `chain`, `no proof of time`,
    /// `expired at signing`, `identity mismatch`, `wrong subject`, `wrong predicate type`,
    /// `unknown bundle version`, `unreadable bundle`.
    pub(crate) verdict: String,
    /// What was verified, or the failure in full (an identity mismatch names the field).
    pub(crate) reason: String,
    /// The workflow that signed, `owner/repo/.github/workflows/file.yml@ref`.
    pub(crate) signer_workflow: Option<String>,
    /// The repository built from.
    pub(crate) source_repo: Option<String>,
    /// The ref built from.
    pub(crate) source_ref: Option<String>,
    /// The commit built from.
    pub(crate) source_commit: Option<String>,
    /// `github-hosted` or `self-hosted`.
    pub(crate) runner: Option<String>,
    /// The statement's predicate type.
    pub(crate) predicate_type: Option<String>,
    /// What proved the signing time: `log index N (time)` or `timestamp T`.
    pub(crate) proof_of_time: Option<String>,
    /// The trusted root it chains to (`public-good`, `github`, or a `trusted-root` file's).
    pub(crate) instance: Option<String>,
}

/// The settings of one `attestations` gate.
pub(super) struct Spec<'a> {
    pub(super) predicate_type: &'a str,
    pub(super) subjects: AttestationSubjects,
    pub(super) identity: &'a Identity,
}

/// The gate's threshold, as the summary shows it.
pub(super) fn threshold(
    predicate_type: &str,
    subjects: AttestationSubjects,
    identity: &Identity,
) -> String {
    let whose = match subjects {
        AttestationSubjects::Artifacts => "every artifact",
        AttestationSubjects::Evidence => "a Sigstore record",
    };
    format!("{whose}: {predicate_type} by {}", identity.describe())
}

/// Decides an `attestations` gate over the verified facts.
pub(super) fn evaluate(
    stage: &str,
    gate: &Gate,
    spec: Spec<'_>,
    facts: &AttestationFacts,
) -> GateEval {
    let n = facts.checks.len();
    let passed: Vec<&SubjectCheck> = facts.checks.iter().filter(|c| c.outcome.is_ok()).collect();
    let failed: Vec<&SubjectCheck> = facts.checks.iter().filter(|c| c.outcome.is_err()).collect();
    let ok = match spec.subjects {
        AttestationSubjects::Artifacts => n > 0 && failed.is_empty(),
        AttestationSubjects::Evidence => !passed.is_empty(),
    };
    let rows: Vec<AttestationRow> = facts
        .checks
        .iter()
        .map(|c| {
            let status = match (&c.outcome, ok) {
                (Ok(_), _) => GateStatus::Pass,
                (Err(_), true) => GateStatus::Warn,
                (Err(_), false) => GateStatus::Fail,
            };
            row(stage, &gate.name, c, status)
        })
        .collect();
    let warnings = rows
        .iter()
        .filter(|r| r.status == GateStatus::Warn)
        .map(|r| {
            format!(
                "attestations `{}`: the Sigstore record {} failed ({}), another one passes",
                gate.name, r.subject, r.reason
            )
        })
        .collect();
    let (noun, verb) = match spec.subjects {
        AttestationSubjects::Artifacts => ("artifact", "attested"),
        AttestationSubjects::Evidence => ("Sigstore bundle", "verified"),
    };
    let mut figure = format!("{} of {} {verb}", passed.len(), plural(n as u64, noun));
    if facts.layers_skipped > 0 {
        figure.push_str(&format!(
            " · {} not looked up",
            plural(facts.layers_skipped as u64, "docker layer")
        ));
    }
    let detail = if ok {
        let signers: Vec<String> = passed.iter().filter_map(|c| signer(c)).collect();
        let mut unique: Vec<&str> = Vec::new();
        for s in &signers {
            if !unique.contains(&s.as_str()) {
                unique.push(s);
            }
        }
        format!(
            "{} verified, signed by {} ({})",
            match spec.subjects {
                AttestationSubjects::Artifacts => "every artifact's attestation is",
                AttestationSubjects::Evidence => "a Sigstore bundle among the evidence is",
            },
            unique.join(", "),
            facts.source
        )
    } else {
        failure_detail(spec.predicate_type, spec.subjects, facts, &failed)
    };
    GateEval {
        attestations: rows,
        warnings,
        ..GateEval::from(GateResult {
            detail,
            figure,
            threshold: threshold(spec.predicate_type, spec.subjects, spec.identity),
            ..GateResult::of(stage, gate, pass_fail(ok))
        })
    }
}

/// Why the gate fails: the subjects without a passing bundle, named with their reason.
fn failure_detail(
    predicate_type: &str,
    subjects: AttestationSubjects,
    facts: &AttestationFacts,
    failed: &[&SubjectCheck],
) -> String {
    if facts.checks.is_empty() {
        return match subjects {
            AttestationSubjects::Artifacts => {
                format!("the version has no artifact to attest ({})", facts.source)
            }
            AttestationSubjects::Evidence => {
                let others = if facts.other_records > 0 {
                    format!(
                        "; {} of that type {} DSSE, not Sigstore bundles",
                        plural(facts.other_records as u64, "record"),
                        if facts.other_records == 1 {
                            "is"
                        } else {
                            "are"
                        }
                    )
                } else {
                    String::new()
                };
                format!(
                    "unsigned: no Sigstore bundle of type {predicate_type} among {}{others}",
                    facts.source
                )
            }
        };
    }
    let named: Vec<String> = failed
        .iter()
        .take(MAX_NAMED)
        .map(|c| match &c.outcome {
            Err(f) => format!("{}: {f}", c.subject),
            Ok(_) => String::new(),
        })
        .collect();
    let more = failed.len().saturating_sub(MAX_NAMED);
    let tail = if more > 0 {
        format!("; and {more} more (the attestations table lists them)")
    } else {
        String::new()
    };
    match subjects {
        AttestationSubjects::Artifacts => format!(
            "{} of {} without a passing attestation — {}{tail}",
            failed.len(),
            plural(facts.checks.len() as u64, "artifact"),
            named.join("; ")
        ),
        AttestationSubjects::Evidence => format!(
            "no Sigstore bundle among the evidence passes — {}{tail}",
            named.join("; ")
        ),
    }
}

/// `workflow@ref`, else the certificate's subject.
fn signer(c: &SubjectCheck) -> Option<String> {
    c.outcome
        .as_ref()
        .ok()
        .map(|v| v.signer_workflow.clone().unwrap_or_else(|| v.san.clone()))
}

fn row(stage: &str, gate: &str, c: &SubjectCheck, status: GateStatus) -> AttestationRow {
    let mut r = AttestationRow {
        stage: stage.to_string(),
        gate: gate.to_string(),
        subject: c.subject.clone(),
        sha256: c.sha256.clone(),
        status,
        verdict: String::new(),
        reason: String::new(),
        signer_workflow: None,
        source_repo: None,
        source_ref: None,
        source_commit: None,
        runner: None,
        predicate_type: None,
        proof_of_time: None,
        instance: None,
    };
    let about = c
        .about
        .as_ref()
        .map(|a| format!("; about {a}"))
        .unwrap_or_default();
    let tried = if c.bundles > 1 {
        format!(" ({} bundles tried)", c.bundles)
    } else {
        String::new()
    };
    match &c.outcome {
        Ok(v) => {
            r.verdict = "verified".into();
            r.reason = format!(
                "chains to the {} root at the signing time, signature and subject verify, identity matches{about}{tried}",
                v.instance
            );
            r.signer_workflow = Some(v.signer_workflow.clone().unwrap_or_else(|| v.san.clone()));
            r.source_repo = v.source_repo.clone();
            r.source_ref = v.source_ref.clone();
            r.source_commit = v.source_commit.clone();
            r.runner = v.runner.clone();
            r.predicate_type = v.predicate_type.clone();
            r.proof_of_time = Some(v.proof_of_time.to_string());
            r.instance = Some(v.instance.clone());
        }
        Err(f) => {
            r.verdict = f.reason().as_str().to_string();
            r.reason = format!("{f}{about}{tried}");
        }
    }
    r
}

#[cfg(test)]
#[path = "attestations_tests.rs"]
mod tests;
