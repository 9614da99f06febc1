//! The integrity gate on the AppTrust version itself: content complete, every sha256 present,
//! local files matching.

use super::{Decision, pass_fail, plural};
use crate::gates::facts::IntegrityFacts;

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
        let n = f.missing_sha.len();
        problems.push(format!(
            "{} {} no sha256 (first: {})",
            plural(n as u64, "artifact"),
            if n == 1 { "has" } else { "have" },
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
        "{}, {}, {} checked",
        f.status,
        plural(f.artifacts as u64, "artifact"),
        plural(f.local_checked as u64, "local file")
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
