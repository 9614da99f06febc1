//! The checks gate: every required GitHub check run on the commit completed with success
//! (or neutral/skipped where allowed).

use super::{Decision, pass_fail};
use crate::gates::facts::CheckRun;

pub(super) fn checks(
    required: &[String],
    allow_neutral: bool,
    allow_skipped: bool,
    runs: &[CheckRun],
) -> Decision {
    let mut bad = Vec::new();
    let mut good = 0;
    for name in required {
        // Re-runs create several runs with one name; the newest (first listed) decides.
        match runs.iter().find(|r| &r.name == name) {
            None => bad.push(format!("`{name}` has not run on this commit")),
            Some(r) if r.status != "completed" => {
                bad.push(format!("`{name}` is still {}", r.status))
            }
            Some(r) => {
                let ok = r.conclusion == "success"
                    || (allow_neutral && r.conclusion == "neutral")
                    || (allow_skipped && r.conclusion == "skipped");
                if ok {
                    good += 1;
                } else {
                    bad.push(format!("`{name}` concluded {}", r.conclusion));
                }
            }
        }
    }
    let ok = bad.is_empty();
    let detail = if ok {
        "every required check succeeded".into()
    } else {
        bad.join("; ")
    };
    (
        pass_fail(ok),
        format!("{good} of {} succeeded", required.len()),
        format!("success: {}", required.join(", ")),
        detail,
        Vec::new(),
        0,
    )
}
