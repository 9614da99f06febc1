//! Gates on a single measured number: a benchmark metric (worst entry against a maximum) and a
//! value at a JSON pointer against its bounds.

use super::{Decision, pass_fail};
use crate::reports::BenchSummary;

pub(super) fn benchmark(b: &BenchSummary, metric: &str, max: f64) -> Decision {
    let ok = b.worst <= max;
    let worst_name = b
        .entries
        .iter()
        .find(|(_, v)| *v == b.worst)
        .map(|(n, _)| n.as_str())
        .unwrap_or_default();
    let worst = measured(b.worst, b.unit);
    let bound = measured(max, b.unit);
    let figure = if b.entries.len() > 1 {
        format!(
            "{metric} {worst} (worst of {}: {worst_name})",
            b.entries.len()
        )
    } else {
        format!("{metric} {worst}")
    };
    let detail = if ok {
        format!("{metric} {worst} is within {bound}")
    } else {
        format!("{metric} {worst} of `{worst_name}` exceeds {bound}")
    };
    (
        pass_fail(ok),
        figure,
        format!("≤ {bound}"),
        detail,
        Vec::new(),
        0,
    )
}

/// A measured value in a unit that fits its size: a time in `s` or `ms` as ns, µs, ms or s
/// (pytest-benchmark's 142 µs is not `0.0001 s`), four significant digits, trailing zeros
/// dropped; a unit-less value as is.
pub(crate) fn measured(value: f64, unit: &str) -> String {
    let seconds = match unit {
        "s" => value,
        "ms" => value / 1e3,
        _ => return trimmed(value, significant_decimals(value)),
    };
    let size = seconds.abs();
    let (scaled, name) = if size == 0.0 {
        (value, unit)
    } else if size >= 1.0 {
        (seconds, "s")
    } else if size >= 1e-3 {
        (seconds * 1e3, "ms")
    } else if size >= 1e-6 {
        (seconds * 1e6, "µs")
    } else {
        (seconds * 1e9, "ns")
    };
    format!("{} {name}", trimmed(scaled, significant_decimals(scaled)))
}

/// Decimals that keep four significant digits of `v` (at most 6, none for large values).
fn significant_decimals(v: f64) -> usize {
    let size = v.abs();
    if size == 0.0 || size >= 1000.0 {
        0
    } else {
        let digits_before = size.log10().floor() as i32 + 1;
        (4 - digits_before).clamp(0, 6) as usize
    }
}

/// `v` with `decimals` decimals, trailing zeros (and a trailing `.`) dropped.
fn trimmed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measured_values_pick_a_unit_by_size() {
        let table = [
            (0.000_142_123, "s", "142.1 µs"),
            (0.0, "s", "0 s"),
            (2.0, "s", "2 s"),
            (1.234_56, "s", "1.235 s"),
            (0.25, "s", "250 ms"),
            (0.000_000_512, "s", "512 ns"),
            (187.32, "ms", "187.3 ms"),
            (1_500.0, "ms", "1.5 s"),
            (0.05, "ms", "50 µs"),
            (3_600.0, "s", "3600 s"),
            (0.0125, "", "0.0125"),
            (0.333_333, "", "0.3333"),
            (12_345.6, "", "12346"),
        ];
        for (v, unit, want) in table {
            assert_eq!(measured(v, unit), want, "{v} {unit}");
        }
    }
}
