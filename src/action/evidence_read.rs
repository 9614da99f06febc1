//! Reading the version's evidence from JFrog for every `evidence` gate on the path, once per
//! run and within bounds: the manifest's sha256 (AQL), the records (GraphQL), then the file of
//! each record of a type some gate requires — downloaded concurrently, judged by each gate that
//! wants it the moment it arrives, and dropped. What is kept per gate is each record's verdict
//! and the fields the summary shows, so memory does not grow with the number or size of records.
//!
//! The whole read has a deadline; files a minimum rate and a byte budget
//! ([`crate::jfrog::evidence::Limits`]). A bound that stops the whole read (the deadline, the
//! budget) fails every evidence gate naming it and the record it stopped at; a file too slow or
//! refused fails only its record.

use std::collections::BTreeSet;
use std::sync::Arc;

use tokio::time::Instant;

use super::attestations_read::RecordReader;
use crate::dsse::PublicKey;
use crate::gates::evidence_record::{self, Rules, SigstoreRules, VersionSubjects};
use crate::gates::facts::{EvidenceRecord, JudgedRecord};
use crate::jfrog::apptrust::Artifact;
use crate::jfrog::evidence::{EvidenceClient, Limits, Subject};
use crate::policy::EvidenceCondition;
use crate::sigstore::{Identity, TrustedRoots};

/// One `evidence` gate on the path, collecting its verdicts as records arrive.
pub(super) struct GateReader<'a> {
    /// The predicate types it requires.
    pub(super) required: &'a [String],
    /// Its `signed-by` keys, or why they could not be read (then it judges nothing).
    pub(super) keys: Result<Vec<PublicKey>, String>,
    /// `allow-unverified`.
    pub(super) allow_unverified: bool,
    /// Its `where` conditions.
    pub(super) conditions: &'a [EvidenceCondition],
    /// Its `identity` and the roots to verify Sigstore-bundle records with.
    sigstore: Option<(&'a Identity, Arc<TrustedRoots>)>,
    /// Verdicts by record index (of the downloaded records), filled as files arrive.
    judged: Vec<Option<JudgedRecord>>,
}

impl<'a> GateReader<'a> {
    pub(super) fn new(
        required: &'a [String],
        keys: Result<Vec<PublicKey>, String>,
        allow_unverified: bool,
        conditions: &'a [EvidenceCondition],
        sigstore: Option<(&'a Identity, Arc<TrustedRoots>)>,
    ) -> Self {
        GateReader {
            required,
            keys,
            allow_unverified,
            conditions,
            sigstore,
            judged: Vec::new(),
        }
    }

    fn wants(&self, predicate_type: &str) -> bool {
        self.keys.is_ok() && self.required.iter().any(|t| t == predicate_type)
    }

    /// The verdicts, in JFrog's order.
    pub(super) fn take_judged(&mut self) -> Vec<JudgedRecord> {
        std::mem::take(&mut self.judged)
            .into_iter()
            .flatten()
            .collect()
    }
}

/// What the read found besides the verdicts.
pub(super) struct ReadSummary {
    /// `repo/path/name` of the manifest.
    pub(super) subject: String,
    /// Its sha256.
    pub(super) manifest_sha256: String,
    /// Records attached, of every type.
    pub(super) total_records: usize,
}

/// Reads the manifest's evidence and has every gate in `gates` judge each record it wants, and
/// every `attestations` gate in `attest` verify each Sigstore record of its type. `artifacts`
/// are the version's: a Sigstore record's statement may be about one of them.
/// `Err` says why no gate can be decided (no manifest, a failed call, a bound of the whole read).
pub(super) async fn read(
    client: &EvidenceClient,
    subject: &Subject,
    gates: &mut [GateReader<'_>],
    attest: &mut [RecordReader<'_>],
    artifacts: &[Artifact],
    limits: &Limits,
) -> Result<ReadSummary, String> {
    let deadline = Instant::now() + limits.deadline;
    let late = |doing: &str| {
        format!(
            "the evidence read passed its deadline of {} s (PROMOTE_ACTION_EVIDENCE_DEADLINE_S) while {doing}",
            limits.deadline.as_secs()
        )
    };
    let shown = subject.full_path();
    let sha = match tokio::time::timeout_at(deadline, client.sha256(subject)).await {
        Err(_) => return Err(late("reading the manifest's sha256 (AQL)")),
        Ok(Ok(Some(sha))) => sha,
        Ok(Ok(None)) => {
            return Err(format!(
                "the version manifest {shown} is not in Artifactory, so no evidence can be attached to it; check `project` and that the version was created in AppTrust"
            ));
        }
        Ok(Err(e)) => return Err(format!("cannot read the version manifest's sha256: {e}")),
    };
    let records = match tokio::time::timeout_at(deadline, client.records(subject)).await {
        Err(_) => return Err(late("searching the version's evidence records (GraphQL)")),
        Ok(r) => r.map_err(|e| format!("cannot search the version's evidence: {e}"))?,
    };
    let wanted: BTreeSet<&str> = gates
        .iter()
        .filter(|g| g.keys.is_ok())
        .flat_map(|g| g.required.iter().map(String::as_str))
        .chain(attest.iter().filter_map(|a| a.wanted()))
        .collect();
    let version_subjects = VersionSubjects::new(
        &sha,
        artifacts
            .iter()
            .map(|a| (a.path.as_str(), a.sha256.as_deref().unwrap_or_default())),
    );
    let to_read: Vec<&EvidenceRecord> = records
        .iter()
        .filter(|r| wanted.contains(r.predicate_type.as_str()))
        .collect();
    for g in gates.iter_mut() {
        g.judged = vec![None; to_read.len()];
    }
    for a in attest.iter_mut() {
        a.expect(to_read.len());
    }
    let paths: Vec<&str> = to_read.iter().map(|r| r.download_path.as_str()).collect();
    client
        .download_each(&paths, limits, deadline, |i, file| {
            let record = to_read[i];
            // Parsed once for every gate that judges it; dropped with the file.
            let parsed = evidence_record::parse_file(record, file);
            for g in gates.iter_mut().filter(|g| g.wants(&record.predicate_type)) {
                let keys = g.keys.as_deref().unwrap_or_default();
                let rules = Rules {
                    manifest_sha256: &sha,
                    keys,
                    allow_unverified: g.allow_unverified,
                    conditions: g.conditions,
                    sigstore: g.sigstore.as_ref().map(|(identity, roots)| SigstoreRules {
                        identity,
                        roots,
                        subjects: &version_subjects,
                    }),
                };
                g.judged[i] = Some(evidence_record::judge(record, &parsed, &rules));
            }
            for a in attest.iter_mut() {
                a.judge(i, record, &parsed, &version_subjects);
            }
        })
        .await?;
    Ok(ReadSummary {
        subject: shown,
        manifest_sha256: sha,
        total_records: records.len(),
    })
}
