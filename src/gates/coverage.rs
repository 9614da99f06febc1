//! The coverage gate: line and branch percentages against their minimums, and a clear failure
//! when the report lacks the data a bound needs.

use super::{Decision, pass_fail, pct, threshold_of};
use crate::policy::GateSpec;
use crate::reports::CoverageSummary;

pub(super) fn coverage(
    c: &CoverageSummary,
    min_line: Option<f64>,
    min_branch: Option<f64>,
) -> Decision {
    let format = format!("{:?}", c.format).to_lowercase();
    let mut figure = Vec::new();
    let mut failures = Vec::new();
    if let Some(min) = min_line {
        match c.line_percent {
            Some(p) => {
                figure.push(format!("line {}", pct(p)));
                if p < min {
                    failures.push(format!("line coverage {} is below {min} %", pct(p)));
                }
            }
            None => failures.push(format!("the {format} report has no line data")),
        }
    }
    if let Some(min) = min_branch {
        match c.branch_percent {
            Some(p) => {
                figure.push(format!("branch {}", pct(p)));
                if p < min {
                    failures.push(format!("branch coverage {} is below {min} %", pct(p)));
                }
            }
            None => failures.push(format!(
                "the {format} report has no branch data (enable branch coverage in the tool)"
            )),
        }
    }
    let threshold = threshold_of(&GateSpec::Coverage {
        path: String::new(),
        min_line,
        min_branch,
    });
    let detail = if failures.is_empty() {
        format!("{} ({format})", figure.join(", "))
    } else {
        failures.join("; ")
    };
    (
        pass_fail(failures.is_empty()),
        format!("{} ({format})", figure.join(" · ")),
        threshold,
        detail,
        Vec::new(),
        0,
    )
}
