//! Gates on a single measured number: a benchmark metric (worst entry against a maximum) and a
//! value at a JSON pointer against its bounds.

use super::{Decision, pass_fail};
use crate::evidence::BenchSummary;

pub(super) fn benchmark(b: &BenchSummary, metric: &str, max: f64) -> Decision {
    let ok = b.worst <= max;
    let worst_name = b
        .entries
        .iter()
        .find(|(_, v)| *v == b.worst)
        .map(|(n, _)| n.as_str())
        .unwrap_or_default();
    let figure = format!(
        "{metric} {:.4} {} (worst of {}: {worst_name})",
        b.worst,
        b.unit,
        b.entries.len()
    );
    let detail = if ok {
        format!(
            "{metric} {:.4} {} is within {max} {}",
            b.worst, b.unit, b.unit
        )
    } else {
        format!(
            "{metric} {:.4} {} of `{worst_name}` exceeds {max} {}",
            b.worst, b.unit, b.unit
        )
    };
    (
        pass_fail(ok),
        figure,
        format!("≤ {max} {}", b.unit),
        detail,
        Vec::new(),
        0,
    )
}

pub(super) fn json(
    v: f64,
    pointer: &str,
    min: Option<f64>,
    max: Option<f64>,
    threshold: String,
) -> Decision {
    let too_high = max.is_some_and(|m| v > m);
    let too_low = min.is_some_and(|m| v < m);
    let detail = match (too_high, too_low) {
        (true, _) => format!(
            "value {v} at `{pointer}` exceeds {}",
            max.unwrap_or_default()
        ),
        (_, true) => format!(
            "value {v} at `{pointer}` is below {}",
            min.unwrap_or_default()
        ),
        _ => format!("value {v} at `{pointer}` is within bounds"),
    };
    (
        pass_fail(!too_high && !too_low),
        v.to_string(),
        threshold,
        detail,
        Vec::new(),
        0,
    )
}
