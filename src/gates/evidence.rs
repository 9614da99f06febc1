//! The evidence gate: each required predicate type needs one record that is signed (verified
//! here with a `signed-by` key, or by JFrog against its trusted keys), is about this version's
//! manifest, and meets the `where` conditions on its predicate.
//!
//! Pure: the records, their files and the keys were gathered before. Every record is judged and
//! shown; one good record of a type suffices, a bad one beside it is a warning. A Sigstore bundle
//! is never "verified" here (keyless bundles need a certificate chain and a transparency-log
//! proof, which this action does not check): it counts only with `allow-unverified`.

use serde_json::Value;

use super::{GateEval, thousands};
use crate::dsse::{self, NotVerified};
use crate::gates::facts::{AttachedFacts, RecordFile};
use crate::gates::{EvidenceRow, GateResult, GateStatus};
use crate::policy::{ConditionCheck, EvidenceCondition, Gate};

/// How a record was judged.
struct Judged {
    ok: bool,
    signer: String,
    verdict: &'static str,
    reason: String,
}

impl Judged {
    fn fail(signer: String, verdict: &'static str, reason: String) -> Judged {
        Judged {
            ok: false,
            signer,
            verdict,
            reason,
        }
    }
}

/// The settings of one `evidence` gate.
pub(super) struct Spec<'a> {
    pub(super) required: &'a [String],
    pub(super) signed_by: &'a [String],
    pub(super) allow_unverified: bool,
    pub(super) conditions: &'a [EvidenceCondition],
}

/// Decides an `evidence` gate over the attached records.
pub(super) fn evaluate(
    stage: &str,
    gate: &Gate,
    spec: Spec<'_>,
    facts: &AttachedFacts,
) -> GateEval {
    let Spec {
        required,
        signed_by,
        allow_unverified,
        conditions,
    } = spec;
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    let mut failed_types = Vec::new();
    for t in required {
        let records: Vec<&RecordFile> = facts
            .records
            .iter()
            .filter(|r| &r.record.predicate_type == t)
            .collect();
        let row = |signer: String, status, verdict: &str, reason: String| EvidenceRow {
            stage: stage.to_string(),
            gate: gate.name.clone(),
            predicate_type: t.clone(),
            signer,
            status,
            verdict: verdict.to_string(),
            reason,
        };
        if records.is_empty() {
            rows.push(row(
                "—".into(),
                GateStatus::Fail,
                "missing",
                format!("no record of this type is attached to {}", facts.subject),
            ));
            failed_types.push(format!(
                "{t}: missing — no record is attached to the version"
            ));
            continue;
        }
        let of_type: Vec<&EvidenceCondition> = conditions
            .iter()
            .filter(|c| &c.predicate_type == t)
            .collect();
        let judged: Vec<Judged> = records
            .iter()
            .map(|r| judge(r, facts, allow_unverified, &of_type))
            .collect();
        let any_ok = judged.iter().any(|j| j.ok);
        if !any_ok {
            let first = &judged[0];
            let why = if first.reason.starts_with(first.verdict) {
                first.reason.clone()
            } else {
                format!("{} — {}", first.verdict, first.reason)
            };
            failed_types.push(format!("{t}: {why}"));
        }
        for j in judged {
            let status = match (j.ok, any_ok) {
                (true, _) => GateStatus::Pass,
                (false, true) => {
                    warnings.push(format!(
                        "evidence `{t}`: a record failed ({}), another one verifies",
                        j.reason
                    ));
                    GateStatus::Warn
                }
                (false, false) => GateStatus::Fail,
            };
            rows.push(row(j.signer, status, j.verdict, j.reason));
        }
    }
    let passed = required.len() - failed_types.len();
    let how = if allow_unverified {
        "present"
    } else if signed_by.is_empty() {
        "verified by JFrog"
    } else {
        "verified with signed-by keys"
    };
    let ok = failed_types.is_empty();
    let detail = if ok {
        let signers: Vec<&str> = rows
            .iter()
            .filter(|r| r.status == GateStatus::Pass)
            .map(|r| r.signer.as_str())
            .collect();
        format!("every required record is {how} ({})", dedup_join(&signers))
    } else {
        failed_types.join("; ")
    };
    let n = facts.records.len();
    let figure = format!(
        "{passed} of {} types {how} · {} record{}",
        required.len(),
        thousands(n as u64),
        if n == 1 { "" } else { "s" }
    );
    let mut threshold = if allow_unverified {
        "present (unverified allowed)".to_string()
    } else if signed_by.is_empty() {
        "verified by JFrog".to_string()
    } else {
        format!("signed by {}", signed_by.join(", "))
    };
    if !conditions.is_empty() {
        threshold.push_str(&format!(
            " · {} condition{}",
            conditions.len(),
            if conditions.len() == 1 { "" } else { "s" }
        ));
    }
    GateEval {
        result: GateResult {
            stage: stage.to_string(),
            gate: gate.name.clone(),
            kind: gate.spec.kind().to_string(),
            status: if ok {
                GateStatus::Pass
            } else {
                GateStatus::Fail
            },
            detail,
            figure,
            threshold,
        },
        findings: Vec::new(),
        findings_total: 0,
        evidence: rows,
        warnings,
    }
}

fn dedup_join(items: &[&str]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for i in items {
        if !seen.contains(i) {
            seen.push(i);
        }
    }
    seen.join(", ")
}

/// Judges one record: readable, signed, about this manifest, meeting the conditions.
fn judge(
    r: &RecordFile,
    facts: &AttachedFacts,
    allow_unverified: bool,
    conditions: &[&EvidenceCondition],
) -> Judged {
    let alias = r
        .record
        .signing_key_alias
        .clone()
        .unwrap_or_else(|| "no key alias".into());
    let text = match &r.file {
        Some(Ok(text)) => text,
        Some(Err(e)) => return Judged::fail(alias, "unreadable", e.clone()),
        None => {
            return Judged::fail(alias, "unreadable", "the record's file was not read".into());
        }
    };
    let envelope = match dsse::parse_evidence(text.as_bytes()) {
        Ok(dsse::Evidence::Dsse(envelope)) => envelope,
        Ok(dsse::Evidence::SigstoreBundle(b)) => {
            if allow_unverified {
                return Judged {
                    ok: true,
                    signer: "Sigstore bundle".into(),
                    verdict: "accepted unverified",
                    reason: format!(
                        "a Sigstore bundle ({}), accepted without verification (allow-unverified)",
                        b.media_type
                    ),
                };
            }
            return Judged::fail(
                "Sigstore bundle".into(),
                "unverifiable here",
                format!(
                    "a Sigstore bundle ({}): its certificate chain and transparency-log entry are not checked by this action; attach a DSSE envelope signed with a key, or set allow-unverified",
                    b.media_type
                ),
            );
        }
        Err(e) => {
            return Judged::fail(
                alias,
                "unreadable",
                format!("{}: {e}", r.record.download_path),
            );
        }
    };
    let keyids: Vec<&str> = envelope
        .signatures
        .iter()
        .map(|s| s.keyid.as_str())
        .filter(|k| !k.is_empty())
        .collect();
    let shown_keyid = keyids.first().map(|k| k.to_string()).unwrap_or(alias);
    let (signer, verdict) = if allow_unverified {
        (shown_keyid.clone(), "accepted unverified")
    } else if !facts.keys.is_empty() {
        match dsse::verify_envelope(&envelope, &facts.keys) {
            Ok(v) => (
                format!("{} · {}", shown_or(&v.keyid), v.fingerprint),
                "verified",
            ),
            Err(e) => {
                let verdict = match e {
                    NotVerified::Unsigned => "unsigned",
                    NotVerified::NoKeys | NotVerified::UnknownKey { .. } => "unknown key",
                    NotVerified::BadSignature { .. } => "bad signature",
                };
                return Judged::fail(shown_keyid, verdict, e.to_string());
            }
        }
    } else if envelope.signatures.is_empty() {
        return Judged::fail(
            shown_keyid,
            "unsigned",
            "unsigned: the envelope carries no signature".into(),
        );
    } else if r.record.verified {
        (
            format!("{shown_keyid} (verified by JFrog)"),
            "verified by JFrog",
        )
    } else {
        return Judged::fail(
            shown_keyid,
            "unknown key",
            "JFrog did not verify its signature: register the signing key in JFrog (trusted keys), or list its public key in `signed-by`".into(),
        );
    };
    let statement = match envelope.statement() {
        Ok(s) => s,
        // Presence alone is what allow-unverified asks for, unless a condition must read it.
        Err(_) if allow_unverified && conditions.is_empty() => {
            return Judged {
                ok: true,
                signer,
                verdict,
                reason: "present; accepted without verification (allow-unverified)".into(),
            };
        }
        Err(e) => return Judged::fail(signer, "unreadable", format!("the statement: {e}")),
    };
    if !allow_unverified && statement.predicate_type != r.record.predicate_type {
        return Judged::fail(
            signer,
            "wrong type",
            format!(
                "the signed statement's predicate type is `{}`, not `{}`",
                statement.predicate_type, r.record.predicate_type
            ),
        );
    }
    if !allow_unverified && !statement.subject_matches(&facts.manifest_sha256) {
        let named: Vec<String> = statement
            .subject
            .iter()
            .filter_map(|s| s.digest.get("sha256").cloned())
            .collect();
        return Judged::fail(
            signer,
            "wrong subject",
            format!(
                "the statement is about sha256 {}, the version manifest is {}",
                if named.is_empty() {
                    "(none)".to_string()
                } else {
                    named.join(", ")
                },
                facts.manifest_sha256
            ),
        );
    }
    for c in conditions {
        if let Err(why) = condition_holds(&statement.predicate, c) {
            return Judged::fail(signer, "condition failed", why);
        }
    }
    let reason = match (verdict, conditions.len()) {
        ("accepted unverified", _) => {
            "present; accepted without verification (allow-unverified)".to_string()
        }
        (_, 0) => "signature verifies and the statement is about this version".to_string(),
        (_, n) => format!(
            "signature verifies, the statement is about this version, {n} condition{} met",
            if n == 1 { "" } else { "s" }
        ),
    };
    Judged {
        ok: true,
        signer,
        verdict,
        reason,
    }
}

fn shown_or(keyid: &str) -> &str {
    if keyid.is_empty() { "no keyid" } else { keyid }
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::dsse::PublicKey;
    use crate::gates::facts::EvidenceRecord;
    use crate::policy::GateSpec;
    use crate::simulator::{DEMO_PUBLIC_KEY, signed_statement};

    const TYPE: &str = "https://in-toto.io/attestation/test-result/v0.1";
    const SUBJECT: &str = "p-application-versions/app/1.0/release-bundle.json.evd";

    fn sha(c: char) -> String {
        c.to_string().repeat(64)
    }

    fn record(file: String, jfrog_verified: bool) -> RecordFile {
        RecordFile {
            record: EvidenceRecord {
                download_path: "p/x.json".into(),
                predicate_type: TYPE.into(),
                predicate_slug: "test-result".into(),
                verified: jfrog_verified,
                created_by: "ci".into(),
                created_at: String::new(),
                subject_sha256: sha('a'),
                signing_key_alias: Some("bookverse-ci".into()),
            },
            file: Some(Ok(file)),
        }
    }

    fn signed(about: &str, result: &str) -> String {
        signed_statement(SUBJECT, about, TYPE, json!({"result": result}))
    }

    fn judge_gate(
        records: Vec<RecordFile>,
        signed_by: bool,
        allow_unverified: bool,
        condition: bool,
    ) -> GateEval {
        let keys = if signed_by {
            PublicKey::from_pem("demo", DEMO_PUBLIC_KEY.as_bytes()).expect("key")
        } else {
            Vec::new()
        };
        let facts = AttachedFacts {
            subject: SUBJECT.into(),
            manifest_sha256: sha('a'),
            records: Arc::new(records),
            keys,
        };
        let conditions = if condition {
            vec![EvidenceCondition {
                predicate_type: TYPE.into(),
                pointer: "/result".into(),
                check: ConditionCheck::Equals(json!("PASSED")),
            }]
        } else {
            Vec::new()
        };
        let signed_by: Vec<String> = if signed_by {
            vec!["k.pub".into()]
        } else {
            Vec::new()
        };
        let gate = Gate {
            name: "evidence".into(),
            spec: GateSpec::Evidence {
                required: vec![TYPE.into()],
                signed_by: signed_by.clone(),
                allow_unverified,
                conditions: conditions.clone(),
            },
        };
        let spec = Spec {
            required: &[TYPE.to_string()],
            signed_by: &signed_by,
            allow_unverified,
            conditions: &conditions,
        };
        evaluate("QA", &gate, spec, &facts)
    }

    #[test]
    fn each_record_gets_a_verdict_and_one_good_record_suffices() {
        let mut tampered: serde_json::Value =
            serde_json::from_str(&signed(&sha('a'), "FAILED")).expect("envelope");
        tampered["payload"] = json!("e30=");
        let tampered = tampered.to_string();
        type Case = (
            &'static str,
            Vec<RecordFile>,
            bool,
            bool,
            bool,
            GateStatus,
            &'static [&'static str],
        );
        let cases: Vec<Case> = vec![
            (
                "verified locally",
                vec![record(signed(&sha('a'), "PASSED"), false)],
                true,
                false,
                true,
                GateStatus::Pass,
                &["verified"],
            ),
            (
                "verified by JFrog",
                vec![record(signed(&sha('a'), "PASSED"), true)],
                false,
                false,
                false,
                GateStatus::Pass,
                &["verified by JFrog"],
            ),
            (
                "JFrog did not verify",
                vec![record(signed(&sha('a'), "PASSED"), false)],
                false,
                false,
                false,
                GateStatus::Fail,
                &["unknown key"],
            ),
            (
                "missing",
                vec![],
                true,
                false,
                false,
                GateStatus::Fail,
                &["missing"],
            ),
            (
                "wrong subject",
                vec![record(signed(&sha('b'), "PASSED"), true)],
                true,
                false,
                false,
                GateStatus::Fail,
                &["wrong subject"],
            ),
            (
                "condition failed",
                vec![record(signed(&sha('a'), "FAILED"), true)],
                true,
                false,
                true,
                GateStatus::Fail,
                &["condition failed"],
            ),
            (
                "tampered",
                vec![record(tampered.clone(), true)],
                true,
                false,
                false,
                GateStatus::Fail,
                &["bad signature"],
            ),
            (
                "unverified allowed",
                vec![record(tampered.clone(), false)],
                true,
                true,
                false,
                GateStatus::Pass,
                &["accepted unverified"],
            ),
            (
                "unreadable",
                vec![record("{".into(), true)],
                true,
                false,
                false,
                GateStatus::Fail,
                &["unreadable"],
            ),
            (
                "one good beside a bad",
                vec![
                    record(tampered.clone(), true),
                    record(signed(&sha('a'), "PASSED"), true),
                ],
                true,
                false,
                true,
                GateStatus::Pass,
                &["bad signature", "verified"],
            ),
        ];
        for (name, records, signed_by, allow, condition, status, verdicts) in cases {
            let eval = judge_gate(records, signed_by, allow, condition);
            assert_eq!(eval.result.status, status, "{name}: {}", eval.result.detail);
            let got: Vec<&str> = eval.evidence.iter().map(|r| r.verdict.as_str()).collect();
            assert_eq!(got, verdicts, "{name}");
        }
    }

    #[test]
    fn a_bad_record_beside_a_good_one_is_a_warning() {
        let eval = judge_gate(
            vec![
                record("{".into(), true),
                record(signed(&sha('a'), "PASSED"), true),
            ],
            true,
            false,
            false,
        );
        assert_eq!(eval.evidence[0].status, GateStatus::Warn);
        assert_eq!(eval.warnings.len(), 1);
    }

    #[test]
    fn conditions_compare_numbers_and_scalars() {
        let p = json!({"summary": {"critical": 0, "high": 2}, "result": "PASSED", "ok": true});
        let c = |pointer: &str, check: ConditionCheck| EvidenceCondition {
            predicate_type: TYPE.into(),
            pointer: pointer.into(),
            check,
        };
        let range = |min: Option<f64>, max: Option<f64>| ConditionCheck::Range { min, max };
        let table = [
            (c("/summary/critical", range(None, Some(0.0))), true),
            (c("/summary/high", range(None, Some(1.0))), false),
            (c("/summary/high", range(Some(2.0), Some(2.0))), true),
            (c("/result", range(None, Some(1.0))), false),
            (c("/result", ConditionCheck::Equals(json!("PASSED"))), true),
            (c("/ok", ConditionCheck::Equals(json!(true))), true),
            (c("/summary/high", ConditionCheck::Equals(json!(2.0))), true),
            (c("/missing", ConditionCheck::Equals(json!(1))), false),
        ];
        for (cond, ok) in table {
            assert_eq!(condition_holds(&p, &cond).is_ok(), ok, "{}", cond.pointer);
        }
        let why = condition_holds(&p, &c("/nope", range(None, Some(0.0)))).unwrap_err();
        assert!(why.contains("pointer `/nope` does not resolve"), "{why}");
    }
}
