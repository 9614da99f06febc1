//! The evidence gate: each required predicate type needs a record that is signed (verified
//! here with a `signed-by` key, or by JFrog against its trusted keys), is about this version's
//! manifest, and meets the `where` conditions on its predicate.
//!
//! Pure: each record was judged as it was read ([`super::evidence_record`]); this combines the
//! verdicts. Every record is shown. A record that does not verify never counts; one beside a
//! record that does is a warning. Which records the `where` conditions judge is the gate's
//! `records` rule: `newest` (the default) lets the newest record that verifies decide and
//! ignores older ones — a later scan that found problems is never outvoted by an earlier clean
//! one — and `any` lets one record that meets every condition suffice.

use super::{GateEval, pass_fail, thousands};
use crate::gates::facts::{AttachedFacts, JudgedRecord};
use crate::gates::{EvidenceRow, GateResult, GateStatus};
use crate::policy::{EvidenceCondition, Gate, RecordsRule};

/// The settings of one `evidence` gate.
pub(super) struct Spec<'a> {
    pub(super) required: &'a [String],
    pub(super) signed_by: &'a [String],
    pub(super) allow_unverified: bool,
    pub(super) conditions: &'a [EvidenceCondition],
    pub(super) records: RecordsRule,
}

/// One record's row: status, verdict, reason.
type Row = (GateStatus, String, String);

/// How the records of one required type decided.
struct TypeVerdict {
    ok: bool,
    /// One per record, in JFrog's order.
    rows: Vec<Row>,
    /// Why the type fails (when it does).
    why: String,
    /// Older records that verify but were ignored (`records: newest`).
    ignored: usize,
}

/// Decides an `evidence` gate over the judged records.
pub(super) fn evaluate(
    stage: &str,
    gate: &Gate,
    spec: Spec<'_>,
    facts: &AttachedFacts,
) -> GateEval {
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    let mut failed_types = Vec::new();
    let mut ignored = 0;
    for t in spec.required {
        let records: Vec<&JudgedRecord> = facts
            .records
            .iter()
            .filter(|r| &r.predicate_type == t)
            .collect();
        let row = |signer: &str, (status, verdict, reason): Row| EvidenceRow {
            stage: stage.to_string(),
            gate: gate.name.clone(),
            predicate_type: t.clone(),
            signer: signer.to_string(),
            status,
            verdict,
            reason,
        };
        if records.is_empty() {
            rows.push(row(
                "—",
                (
                    GateStatus::Fail,
                    "missing".into(),
                    format!("no record of this type is attached to {}", facts.subject),
                ),
            ));
            failed_types.push(format!(
                "{t}: missing — no record is attached to the version"
            ));
            continue;
        }
        let has_conditions = spec.conditions.iter().any(|c| &c.predicate_type == t);
        let v = decide_type(&records, has_conditions, spec.records);
        if !v.ok {
            failed_types.push(format!("{t}: {}", v.why));
        }
        ignored += v.ignored;
        for (r, (status, verdict, reason)) in records.iter().zip(v.rows) {
            if status == GateStatus::Warn {
                warnings.push(format!(
                    "evidence `{t}`: a record failed ({reason}), another one verifies"
                ));
            }
            rows.push(row(&r.signer, (status, verdict, reason)));
        }
    }
    let passed = spec.required.len() - failed_types.len();
    let how = if spec.allow_unverified {
        "present"
    } else if spec.signed_by.is_empty() {
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
        let mut d = format!("every required record is {how} ({})", dedup_join(&signers));
        if ignored > 0 {
            d.push_str(&format!(
                "; the newest record of each type decided its conditions, {} older record{} ignored",
                thousands(ignored as u64),
                if ignored == 1 { "" } else { "s" }
            ));
        }
        d
    } else {
        failed_types.join("; ")
    };
    let n = facts.total_records;
    let figure = format!(
        "{passed} of {} type{} {how} · {} record{}",
        spec.required.len(),
        if spec.required.len() == 1 { "" } else { "s" },
        thousands(n as u64),
        if n == 1 { "" } else { "s" }
    );
    GateEval {
        evidence: rows,
        warnings,
        ..GateEval::from(GateResult {
            detail,
            figure,
            threshold: threshold(&spec),
            ..GateResult::of(stage, gate, pass_fail(ok))
        })
    }
}

fn threshold(spec: &Spec<'_>) -> String {
    let mut threshold = if spec.allow_unverified {
        "present (unverified allowed)".to_string()
    } else if spec.signed_by.is_empty() {
        "verified by JFrog".to_string()
    } else {
        format!("signed by {}", spec.signed_by.join(", "))
    };
    let n = spec.conditions.len();
    if n > 0 {
        threshold.push_str(&format!(
            " · {n} condition{} on the {} record",
            if n == 1 { "" } else { "s" },
            match spec.records {
                RecordsRule::Newest => "newest",
                RecordsRule::Any => "any",
            }
        ));
    }
    threshold
}

/// `verdict — reason`, unless the reason already starts with the verdict.
fn verdict_and_reason(verdict: &str, reason: &str) -> String {
    if reason.starts_with(verdict) {
        reason.to_string()
    } else {
        format!("{verdict} — {reason}")
    }
}

/// Whether a trusted record meets its conditions (`true` when its type has none).
fn meets(r: &JudgedRecord) -> bool {
    r.conditions.as_ref().is_none_or(Result::is_ok)
}

/// The row of a trusted record that counts, with its conditions named.
fn counted(r: &JudgedRecord, extra: &str) -> Row {
    let met = |n: usize| format!("{n} condition{} met", if n == 1 { "" } else { "s" });
    let reason = match &r.conditions {
        // A verified Sigstore bundle's reason says who built it: kept, conditions added.
        Some(Ok(n)) if r.reason.starts_with("Sigstore bundle verified") => {
            format!("{} · {}", r.reason, met(*n))
        }
        Some(Ok(n)) if r.verdict != "accepted unverified" => format!(
            "signature verifies, the statement is about this version, {}",
            met(*n)
        ),
        _ => r.reason.clone(),
    };
    (
        GateStatus::Pass,
        r.verdict.clone(),
        format!("{reason}{extra}"),
    )
}

/// The row of a trusted record whose conditions fail.
fn condition_failed(r: &JudgedRecord, status: GateStatus, extra: &str) -> Row {
    let why = match &r.conditions {
        Some(Err(why)) => why.clone(),
        _ => String::new(),
    };
    (status, "condition failed".into(), format!("{why}{extra}"))
}

/// Decides one required type from its records' verdicts.
fn decide_type(records: &[&JudgedRecord], has_conditions: bool, rule: RecordsRule) -> TypeVerdict {
    let untrusted_row = |r: &JudgedRecord, ok: bool| -> Row {
        let status = if ok {
            GateStatus::Warn
        } else {
            GateStatus::Fail
        };
        (status, r.verdict.clone(), r.reason.clone())
    };
    let first_failure = |records: &[&JudgedRecord]| -> String {
        records
            .iter()
            .find(|r| !r.trusted)
            .map(|r| verdict_and_reason(&r.verdict, &r.reason))
            .unwrap_or_default()
    };
    let trusted: Vec<&JudgedRecord> = records.iter().copied().filter(|r| r.trusted).collect();
    if !has_conditions || rule == RecordsRule::Any {
        let ok = trusted.iter().any(|r| meets(r));
        let rows = records
            .iter()
            .map(|r| match (r.trusted, meets(r)) {
                (true, true) => counted(r, ""),
                (true, false) => condition_failed(
                    r,
                    if ok {
                        GateStatus::Warn
                    } else {
                        GateStatus::Fail
                    },
                    "",
                ),
                (false, _) => untrusted_row(r, ok),
            })
            .collect();
        let why = match trusted.first() {
            Some(r) if !ok => condition_failed(r, GateStatus::Fail, "").2,
            _ => first_failure(records),
        };
        let why = if trusted.is_empty() {
            why
        } else {
            format!("condition failed — {why}")
        };
        return TypeVerdict {
            ok,
            rows,
            why,
            ignored: 0,
        };
    }
    newest_decides(records, &trusted)
}

/// `records: newest`: the newest record that verifies decides the conditions; records of the
/// same, newest time all decide; older ones are ignored, and said to be.
fn newest_decides(records: &[&JudgedRecord], trusted: &[&JudgedRecord]) -> TypeVerdict {
    let fail_all = |why: String| TypeVerdict {
        ok: false,
        rows: records
            .iter()
            .map(|r| (GateStatus::Fail, r.verdict.clone(), r.reason.clone()))
            .collect(),
        why,
        ignored: 0,
    };
    if trusted.is_empty() {
        let r = records[0];
        return fail_all(verdict_and_reason(&r.verdict, &r.reason));
    }
    let mut times = Vec::with_capacity(trusted.len());
    for r in trusted {
        match r.created_at.trim().parse::<jiff::Timestamp>() {
            Ok(t) => times.push(t),
            // One trusted record needs no date; among several, an undated one could be the
            // newest: fail rather than guess.
            Err(_) if trusted.len() == 1 => times.push(jiff::Timestamp::MIN),
            Err(_) => {
                return fail_all(format!(
                    "cannot tell which record is newest: `{}` has createdAt `{}`, not an RFC 3339 time (`records: any` judges every record instead)",
                    r.download_path,
                    crate::text::truncate_chars(&r.created_at, 40)
                ));
            }
        }
    }
    let newest = times.iter().copied().max().unwrap_or(jiff::Timestamp::MIN);
    let deciding = |r: &JudgedRecord| -> bool {
        trusted
            .iter()
            .zip(&times)
            .any(|(t, at)| std::ptr::eq(*t, r) && *at == newest)
    };
    let decided_by: Vec<&JudgedRecord> = trusted.iter().copied().filter(|r| deciding(r)).collect();
    let ok = decided_by.iter().all(|r| meets(r));
    let ignored = trusted.len() - decided_by.len();
    let when = decided_by
        .first()
        .map(|r| r.created_at.as_str())
        .unwrap_or_default();
    let older = if ignored > 0 {
        format!(
            ", {ignored} older record{} ignored",
            if ignored == 1 { "" } else { "s" }
        )
    } else {
        String::new()
    };
    let decides = format!("; the newest record that verifies (created {when}) decides{older}");
    let rows = records
        .iter()
        .map(|r| {
            if !r.trusted {
                let status = if ok {
                    GateStatus::Warn
                } else {
                    GateStatus::Fail
                };
                (status, r.verdict.clone(), r.reason.clone())
            } else if deciding(r) {
                if meets(r) {
                    counted(r, &decides)
                } else {
                    condition_failed(r, GateStatus::Fail, &decides)
                }
            } else {
                (
                    GateStatus::Skip,
                    "older, ignored".into(),
                    format!(
                        "created {}; the newer record created {when} decides the `where` conditions (records: newest)",
                        r.created_at
                    ),
                )
            }
        })
        .collect();
    let why = decided_by
        .iter()
        .find(|r| !meets(r))
        .map(|r| {
            format!(
                "condition failed — {}{decides}",
                condition_failed(r, GateStatus::Fail, "").2
            )
        })
        .unwrap_or_default();
    TypeVerdict {
        ok,
        rows,
        why,
        ignored,
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

#[cfg(test)]
#[path = "evidence_tests.rs"]
mod tests;
