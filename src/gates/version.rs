//! Gates on the AppTrust version itself: content integrity (complete, every sha256 present,
//! local files matching) and the evidence attached to it.

use super::{Decision, pass_fail};
use crate::evidence::facts::IntegrityFacts;

pub(super) fn evidence_types(
    required: &[String],
    present: &[String],
    threshold: String,
) -> Decision {
    let missing: Vec<&String> = required
        .iter()
        .filter(|r| !present.iter().any(|p| p == *r))
        .collect();
    let figure = format!(
        "{} of {} present",
        required.len() - missing.len(),
        required.len()
    );
    let detail = if missing.is_empty() {
        "every required evidence type is attached to the version".to_string()
    } else {
        format!(
            "missing evidence: {}",
            missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    (
        pass_fail(missing.is_empty()),
        figure,
        threshold,
        detail,
        Vec::new(),
        0,
    )
}

pub(super) fn integrity(f: &IntegrityFacts) -> Decision {
    let mut problems = Vec::new();
    if f.status != "COMPLETED" {
        problems.push(format!(
            "content status is {} (not COMPLETED)",
            if f.status.is_empty() {
                "unknown"
            } else {
                &f.status
            }
        ));
    }
    if f.artifacts == 0 {
        problems.push("the version has no artifacts".to_string());
    }
    if !f.missing_sha.is_empty() {
        problems.push(format!(
            "{} artifacts have no sha256 (first: {})",
            f.missing_sha.len(),
            f.missing_sha[0]
        ));
    }
    for (file, sha) in f.local_mismatches.iter().take(3) {
        problems.push(format!(
            "local file {file} (sha256 {}…) is not in the version",
            &sha[..sha.len().min(12)]
        ));
    }
    let figure = format!(
        "{}, {} artifacts, {} local files checked",
        f.status, f.artifacts, f.local_checked
    );
    let ok = problems.is_empty();
    let detail = if ok {
        "content complete and every sha256 matches".into()
    } else {
        problems.join("; ")
    };
    (
        pass_fail(ok),
        figure,
        "COMPLETED · sha256 everywhere · local files match".into(),
        detail,
        Vec::new(),
        0,
    )
}
