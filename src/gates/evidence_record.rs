//! Judging one evidence record for one `evidence` gate, the moment its file arrives: readable,
//! signed (with a `signed-by` key, or by JFrog), about this manifest, of its listed type, and
//! what the gate's `where` conditions say about its predicate.
//!
//! Pure, and called by the reader for each downloaded file so that only the verdict is kept and
//! the file is dropped at once: memory does not grow with the number of records. The gate then
//! decides from the verdicts ([`super::evidence`]). A Sigstore bundle is verified with the
//! gate's `identity` ([`crate::sigstore`], offline); without one it is "unverifiable here" and
//! counts only with `allow-unverified`.

use serde_json::Value;

use crate::dsse::{self, NotVerified, PublicKey};
use crate::gates::facts::{EvidenceRecord, JudgedRecord};
use crate::policy::{ConditionCheck, EvidenceCondition};
use crate::sigstore::{ArtifactSha256, Failure, Identity, TrustedRoots, Verified};

/// What one gate judges a record by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules<'a> {
    /// The manifest's sha256: what the statement must be about.
    pub(crate) manifest_sha256: &'a str,
    /// The gate's `signed-by` keys; empty = trust JFrog's own `verified`.
    pub(crate) keys: &'a [PublicKey],
    /// `allow-unverified`.
    pub(crate) allow_unverified: bool,
    /// The gate's `where` conditions (only those of the record's type are applied).
    pub(crate) conditions: &'a [EvidenceCondition],
    /// How to verify a Sigstore-bundle record: `None` when the gate has no `identity`.
    pub(crate) sigstore: Option<SigstoreRules<'a>>,
}

/// What a Sigstore-bundle record is verified against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SigstoreRules<'a> {
    /// Who must have signed.
    pub(crate) identity: &'a Identity,
    /// The trusted roots (built once per run).
    pub(crate) roots: &'a TrustedRoots,
    /// What a statement may be about: the version manifest, then each artifact of the version
    /// (a GitHub attestation names the artifact it was made for, never the manifest, which is
    /// created later).
    pub(crate) subjects: &'a VersionSubjects,
}

/// The digests a record's statement may be about, each with the words that name it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct VersionSubjects {
    digests: Vec<ArtifactSha256>,
    names: Vec<String>,
}

impl VersionSubjects {
    /// The manifest (when its sha256 is readable) and every artifact with a sha256, by path.
    pub(crate) fn new<'p>(
        manifest_sha256: &str,
        artifacts: impl IntoIterator<Item = (&'p str, &'p str)>,
    ) -> Self {
        let mut out = Self::default();
        if let Some(d) = ArtifactSha256::from_hex(manifest_sha256) {
            out.digests.push(d);
            out.names.push("the version manifest".into());
        }
        for (path, sha) in artifacts {
            if let Some(d) = ArtifactSha256::from_hex(sha) {
                out.digests.push(d);
                out.names.push(format!("artifact {path}"));
            }
        }
        out
    }
}

/// Verifies a Sigstore bundle found among the version's evidence: against whichever of the
/// version's digests its statement names, with `predicate_type` (the record's listed type, or
/// the gate's) and the identity. Returns what verified, the digest it is about and the words
/// naming it.
pub(crate) fn verify_record(
    bundle: &[u8],
    predicate_type: &str,
    rules: &SigstoreRules<'_>,
) -> Result<(Verified, ArtifactSha256, String), Failure> {
    let subjects = rules.subjects;
    let verified = crate::sigstore::verify_against_any(
        bundle,
        &subjects.digests,
        Some(predicate_type),
        rules.identity,
        rules.roots,
    );
    match verified {
        Ok((v, digest)) => {
            let at = subjects.digests.iter().position(|d| *d == digest);
            let name = at
                .and_then(|i| subjects.names.get(i))
                .cloned()
                .unwrap_or_default();
            Ok((v, digest, name))
        }
        Err(Failure::WrongSubject(why)) => Err(Failure::WrongSubject(format!(
            "{why}; it is about neither the version manifest nor any of its {} artifact{} with a sha256",
            subjects.digests.len().saturating_sub(1),
            if subjects.digests.len() == 2 { "" } else { "s" }
        ))),
        Err(f) => Err(f),
    }
}

/// What a verified bundle vouches for, as a record's reason: the root it chains to, what it is
/// about, where it was built and what proves when.
pub(crate) fn verified_reason(v: &Verified, about: &str) -> String {
    let mut parts = vec![format!(
        "Sigstore bundle verified against the {} root",
        v.instance
    )];
    if !about.is_empty() {
        parts.push(format!("about {about}"));
    }
    match (&v.source_repo, &v.source_commit) {
        (Some(repo), Some(commit)) => parts.push(format!("built from {repo}@{commit}")),
        (Some(repo), None) => parts.push(format!("built from {repo}")),
        _ => {}
    }
    if let Some(r) = &v.source_ref {
        parts.push(format!("ref {r}"));
    }
    if let Some(r) = &v.runner {
        parts.push(format!("{r} runner"));
    }
    parts.push(v.proof_of_time.to_string());
    parts.join(" · ")
}

/// A record's file, parsed once for every gate that judges it: the envelope or bundle, or why
/// it could not be read (not downloaded, not an envelope, …).
pub(crate) type ParsedFile = Result<dsse::Evidence, String>;

/// Parses a downloaded file (or carries the download error), naming the record's path.
pub(crate) fn parse_file(record: &EvidenceRecord, file: Result<&[u8], String>) -> ParsedFile {
    let bytes = file?;
    dsse::parse_evidence(bytes).map_err(|e| format!("{}: {e}", record.download_path))
}

/// A verdict on `record`, conditions not (yet) checked.
fn judged(
    record: &EvidenceRecord,
    signer: String,
    trusted: bool,
    verdict: &str,
    reason: String,
) -> JudgedRecord {
    JudgedRecord {
        predicate_type: record.predicate_type.clone(),
        download_path: record.download_path.clone(),
        created_at: record.created_at.clone(),
        signer,
        trusted,
        verdict: verdict.to_string(),
        reason,
        conditions: None,
    }
}

/// Judges `record` (its file parsed as `parsed`) by one gate's `rules`.
pub(crate) fn judge(
    record: &EvidenceRecord,
    parsed: &ParsedFile,
    rules: &Rules<'_>,
) -> JudgedRecord {
    let of_type: Vec<&EvidenceCondition> = rules
        .conditions
        .iter()
        .filter(|c| c.predicate_type == record.predicate_type)
        .collect();
    match parsed {
        Ok(dsse::Evidence::Dsse(envelope)) => judge_envelope(record, envelope, rules, &of_type),
        Ok(dsse::Evidence::SigstoreBundle(b)) => judge_bundle(record, b, rules, &of_type),
        Err(e) => judged(record, alias(record), false, "unreadable", e.clone()),
    }
}

fn alias(record: &EvidenceRecord) -> String {
    record
        .signing_key_alias
        .clone()
        .unwrap_or_else(|| "no key alias".into())
}

/// A Sigstore bundle: unverifiable here, so it counts only with `allow-unverified` — and then
/// its conditions still hold or not: presence is not a pass on them.
fn judge_bundle(
    record: &EvidenceRecord,
    b: &dsse::SigstoreBundle,
    rules: &Rules<'_>,
    of_type: &[&EvidenceCondition],
) -> JudgedRecord {
    let signer = "Sigstore bundle".to_string();
    if let (Some(sigstore), false) = (&rules.sigstore, rules.allow_unverified) {
        return judge_signed_bundle(record, b, sigstore, of_type);
    }
    if !rules.allow_unverified {
        return judged(
            record,
            signer,
            false,
            "unverifiable here",
            format!(
                "a Sigstore bundle ({}): the gate has no `identity`, so who signed it cannot be checked; add `identity` (who must have built it) to verify it offline, or set allow-unverified",
                b.media_type
            ),
        );
    }
    let mut out = judged(
        record,
        signer,
        true,
        "accepted unverified",
        format!(
            "a Sigstore bundle ({}), accepted without verification (allow-unverified)",
            b.media_type
        ),
    );
    if !of_type.is_empty() {
        out.conditions = Some(match b.envelope.as_ref().map(dsse::Envelope::statement) {
            Some(Ok(statement)) => all_hold(&statement.predicate, of_type),
            Some(Err(e)) => Err(format!("the statement: {e}")),
            None => Err("the bundle holds no DSSE envelope to read".into()),
        });
    }
    out
}

/// A Sigstore bundle verified with the gate's identity: signer = the workflow that signed,
/// then the conditions on its (now verified) statement.
fn judge_signed_bundle(
    record: &EvidenceRecord,
    b: &dsse::SigstoreBundle,
    sigstore: &SigstoreRules<'_>,
    of_type: &[&EvidenceCondition],
) -> JudgedRecord {
    match verify_record(&b.json, &record.predicate_type, sigstore) {
        Err(f) => judged(
            record,
            "Sigstore bundle".into(),
            false,
            f.reason().as_str(),
            f.to_string(),
        ),
        Ok((v, _, about)) => {
            let signer = v.signer_workflow.clone().unwrap_or_else(|| v.san.clone());
            let mut out = judged(
                record,
                signer,
                true,
                "verified",
                verified_reason(&v, &about),
            );
            if !of_type.is_empty() {
                out.conditions = Some(match b.envelope.as_ref().map(dsse::Envelope::statement) {
                    Some(Ok(statement)) => all_hold(&statement.predicate, of_type),
                    Some(Err(e)) => Err(format!("the statement: {e}")),
                    None => Err("the bundle signs a bare message, which has no predicate".into()),
                });
            }
            out
        }
    }
}

/// Who signed the envelope and how that was established, or why the record does not count
/// (signer, verdict, reason).
fn signature(
    record: &EvidenceRecord,
    envelope: &dsse::Envelope,
    rules: &Rules<'_>,
) -> Result<(String, &'static str), (String, &'static str, String)> {
    let shown_keyid = envelope
        .signatures
        .iter()
        .map(|s| s.keyid.as_str())
        .find(|k| !k.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| alias(record));
    let fail =
        |signer: String, verdict: &'static str, reason: String| Err((signer, verdict, reason));
    if rules.allow_unverified {
        return Ok((shown_keyid, "accepted unverified"));
    }
    if envelope.payload_type == dsse::IN_TOTO_PAYLOAD_TYPE
        && envelope.payload.len() > dsse::MAX_STATEMENT_BYTES
    {
        // Refused before verification: the statement could never be read, and building the
        // bytes a signature covers would copy megabytes for nothing.
        let e = dsse::StatementError::TooLarge {
            size: envelope.payload.len(),
            max: dsse::MAX_STATEMENT_BYTES,
        };
        return fail(shown_keyid, "unreadable", format!("the statement: {e}"));
    }
    if !rules.keys.is_empty() {
        return match dsse::verify_envelope(envelope, rules.keys) {
            Ok(v) => Ok((
                format!("{} · {}", shown_or(&v.keyid), v.fingerprint),
                "verified",
            )),
            Err(e) => {
                let verdict = match e {
                    NotVerified::Unsigned => "unsigned",
                    NotVerified::NoKeys | NotVerified::UnknownKey { .. } => "unknown key",
                    NotVerified::BadSignature { .. } => "bad signature",
                };
                fail(shown_keyid, verdict, e.to_string())
            }
        };
    }
    if envelope.signatures.is_empty() {
        return fail(
            shown_keyid,
            "unsigned",
            "unsigned: the envelope carries no signature".into(),
        );
    }
    if record.verified {
        return Ok((
            format!("{shown_keyid} (verified by JFrog)"),
            "verified by JFrog",
        ));
    }
    fail(
        shown_keyid,
        "unknown key",
        "JFrog did not verify its signature: register the signing key in JFrog (trusted keys), or list its public key in `signed-by`".into(),
    )
}

/// A DSSE envelope: signed, then its statement about this manifest, of the listed type, and
/// what the conditions say about its predicate.
fn judge_envelope(
    record: &EvidenceRecord,
    envelope: &dsse::Envelope,
    rules: &Rules<'_>,
    of_type: &[&EvidenceCondition],
) -> JudgedRecord {
    let (signer, verdict) = match signature(record, envelope, rules) {
        Ok(s) => s,
        Err((signer, verdict, reason)) => return judged(record, signer, false, verdict, reason),
    };
    let unverified = rules.allow_unverified;
    let statement = match envelope.statement() {
        Ok(s) => s,
        // Presence alone is what allow-unverified asks for, unless a condition must read it.
        Err(_) if unverified && of_type.is_empty() => {
            let reason = "present; accepted without verification (allow-unverified)";
            return judged(record, signer, true, verdict, reason.into());
        }
        Err(e) => {
            let reason = format!("the statement: {e}");
            return judged(record, signer, false, "unreadable", reason);
        }
    };
    if !unverified && statement.predicate_type != record.predicate_type {
        let reason = format!(
            "the signed statement's predicate type is `{}`, not `{}`",
            statement.predicate_type, record.predicate_type
        );
        return judged(record, signer, false, "wrong type", reason);
    }
    if !unverified && !statement.subject_matches(rules.manifest_sha256) {
        let named: Vec<String> = statement
            .subject
            .iter()
            .filter_map(|s| s.digest.get("sha256").cloned())
            .collect();
        let named = if named.is_empty() {
            "(none)".to_string()
        } else {
            named.join(", ")
        };
        let reason = format!(
            "the statement is about sha256 {named}, the version manifest is {}",
            rules.manifest_sha256
        );
        return judged(record, signer, false, "wrong subject", reason);
    }
    let reason = if unverified {
        "present; accepted without verification (allow-unverified)"
    } else {
        "signature verifies and the statement is about this version"
    };
    let mut out = judged(record, signer, true, verdict, reason.into());
    if !of_type.is_empty() {
        out.conditions = Some(all_hold(&statement.predicate, of_type));
    }
    out
}

fn shown_or(keyid: &str) -> &str {
    if keyid.is_empty() { "no keyid" } else { keyid }
}

/// How many conditions hold (all of them), or why the first that does not.
fn all_hold(predicate: &Value, conditions: &[&EvidenceCondition]) -> Result<usize, String> {
    for c in conditions {
        condition_holds(predicate, c)?;
    }
    Ok(conditions.len())
}

/// Whether the predicate meets a `where` condition; `Err` says why not.
pub(crate) fn condition_holds(predicate: &Value, c: &EvidenceCondition) -> Result<(), String> {
    let Some(value) = predicate.pointer(&c.pointer) else {
        return Err(format!(
            "pointer `{}` does not resolve in the `{}` predicate",
            c.pointer, c.predicate_type
        ));
    };
    let shown = crate::text::truncate_chars(&value.to_string(), 80);
    match &c.check {
        ConditionCheck::Range { min, max } => {
            let Some(n) = value.as_f64() else {
                return Err(format!("`{}` is {shown}, not a number", c.pointer));
            };
            if let Some(m) = min.filter(|m| n < *m) {
                return Err(format!("`{}` is {n}, below {m}", c.pointer));
            }
            if let Some(m) = max.filter(|m| n > *m) {
                return Err(format!("`{}` is {n}, above {m}", c.pointer));
            }
            Ok(())
        }
        ConditionCheck::Equals(want) => {
            let same = match (value.as_f64(), want.as_f64()) {
                (Some(a), Some(b)) => a == b,
                _ => value == want,
            };
            if same {
                Ok(())
            } else {
                Err(format!("`{}` is {shown}, expected {want}", c.pointer))
            }
        }
    }
}
