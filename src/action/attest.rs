//! Attaching our signed attestation of the decision to the version in JFrog, when
//! `evidence-key` is set: the manifest's sha256 (AQL), an in-toto statement about it signed as
//! DSSE with the key, one upload.
//!
//! It runs after the promotion: a failure here is a warning and is listed in the record, never
//! a "failed" for a promotion that happened. The key never leaves this process.

use crate::dsse::{SigningKey, Statement};
use crate::inputs::{Inputs, RunContext};
use crate::jfrog::evidence::{EvidenceClient, Subject};
use crate::promotion::outcome::{Attestation, Outcome};
use crate::report::attestation::{self, PREDICATE_TYPE};

/// Attests the outcome when the inputs ask for it and the run decided something.
pub(super) async fn attest(
    inputs: &Inputs,
    ctx: &RunContext,
    client: &EvidenceClient,
    now: jiff::Timestamp,
    outcome: &mut Outcome,
) {
    let (Some(pem), Some(alias)) = (&inputs.evidence_key, &inputs.evidence_key_alias) else {
        if inputs.evidence_key_alias.is_some() {
            outcome.warnings.push(
                "input `evidence-key-alias` is set but `evidence-key` is empty: no attestation is written (is the secret available to this workflow?)".into(),
            );
        }
        return;
    };
    if !attestation::wanted(outcome) {
        return;
    }
    let subject = Subject::manifest(
        inputs.project.as_deref(),
        &outcome.application,
        &outcome.version,
    );
    // The inputs already checked that the key parses; this cannot fail in practice.
    let key = match SigningKey::from_pem("input `evidence-key`", pem.expose().as_bytes()) {
        Ok(k) => k,
        Err(e) => {
            outcome
                .warnings
                .push(format!("no attestation was attached: {e}"));
            return;
        }
    };
    let mut record = Attestation {
        predicate_type: PREDICATE_TYPE.to_string(),
        subject: subject.full_path(),
        keyid: alias.clone(),
        key_fingerprint: key.fingerprint().to_string(),
        attached: false,
        verified: None,
        error: None,
    };
    let predicate = attestation::predicate(outcome, ctx, &now.to_string());
    match sign_and_upload(client, &subject, &key, alias, predicate).await {
        Ok(verified) => {
            record.attached = true;
            record.verified = verified;
            outcome.notes.push(format!(
                "A signed attestation of this decision ({PREDICATE_TYPE}, keyid `{alias}`) is attached to {}{}.",
                record.subject,
                match verified {
                    Some(true) => "; JFrog verified its signature",
                    Some(false) => "; JFrog did not verify its signature (is the key registered under that alias?)",
                    None => "",
                }
            ));
        }
        Err(e) => {
            outcome.warnings.push(format!(
                "the attestation of this decision was not attached to {}: {e}. The promotion itself is not affected.",
                record.subject
            ));
            record.error = Some(e);
        }
    }
    outcome.attestation = Some(record);
}

async fn sign_and_upload(
    client: &EvidenceClient,
    subject: &Subject,
    key: &SigningKey,
    alias: &str,
    predicate: serde_json::Value,
) -> Result<Option<bool>, String> {
    let sha = client
        .sha256(subject)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!(
                "the version manifest {} is not in Artifactory",
                subject.full_path()
            )
        })?;
    let statement = Statement::new(&subject.full_path(), &sha, PREDICATE_TYPE, predicate);
    client
        .attach_signed(subject, statement, key, alias)
        .await
        .map(|up| up.verified)
}
