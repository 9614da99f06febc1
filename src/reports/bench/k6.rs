//! k6 summaries for the `benchmark` gate: `--summary-export` (flat `metrics.<name>.{avg,…}`)
//! and the `handleSummary` data object (`metrics.<name>.{type,contains,values:{…}}`).
//!
//! A k6 run has many time trends (`http_req_duration`, `iteration_duration`,
//! `http_req_waiting`, …) with the same stats, so the policy names the one it means:
//! `metric: http_req_duration:p95` (split at the last `:`, so tagged sub-metrics such as
//! `http_req_duration{expected_response:true}:p95` work; any metric type, a `rate` or `count` is
//! then unit-less). A bare stat (`p95`) is accepted only when exactly one time trend has it;
//! otherwise it is refused naming the candidates — taking the worst of all trends silently
//! gated on `iteration_duration` when the user meant the request time.

use std::collections::BTreeMap;

use super::{BenchFormat, Num, Picked};

/// Why a k6 metric could not be picked: a bare stat that several time trends have, with the
/// `name:stat` forms the policy could use instead.
pub(super) struct Ambiguous(pub(super) Vec<String>);

/// k6 stat name for a user-facing one: `mean`→`avg`, `median`→`med`, `p95`→`p(95)`.
fn k6_stat(stat: &str) -> String {
    match stat {
        "mean" | "average" => "avg".into(),
        "median" | "p50" => "med".into(),
        s if s.starts_with('p')
            && s.len() > 1
            && s[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.') =>
        {
            format!("p({})", &s[1..])
        }
        s => s.into(),
    }
}

/// One k6 metric: its name, whether it is a time trend, its numeric stats.
type Metric = (String, bool, BTreeMap<String, f64>);

fn flatten(metrics: BTreeMap<String, BTreeMap<String, Num>>) -> Vec<Metric> {
    let mut flat = Vec::new();
    for (name, fields) in metrics {
        let text = |key: &str| match fields.get(key) {
            Some(Num::S(s)) => Some(s.clone()),
            _ => None,
        };
        let (kind, contains) = (text("type"), text("contains"));
        let stats: BTreeMap<String, f64> = match fields.get("values") {
            Some(Num::Map(values)) => values
                .iter()
                .filter_map(|(k, v)| v.as_f64().map(|n| (k.clone(), n)))
                .collect(),
            _ => fields
                .iter()
                .filter_map(|(k, v)| v.as_f64().map(|n| (k.clone(), n)))
                .collect(),
        };
        let trend = match kind.as_deref() {
            Some(t) => t == "trend" && contains.as_deref().is_none_or(|c| c == "time"),
            None => stats.contains_key("avg") && stats.contains_key("med"),
        };
        flat.push((name, trend, stats));
    }
    flat
}

/// The stats of the time trends and one `name:stat` hint per other metric (at most 40).
fn available(flat: &[Metric]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (name, trend, stats) in flat {
        if *trend {
            for k in stats.keys() {
                if !out.contains(k) {
                    out.push(k.clone());
                }
            }
        } else if let Some(k) = stats.keys().next() {
            if out.len() < 40 {
                out.push(format!("{name}:{k}"));
            }
        }
    }
    out
}

pub(super) fn k6(
    metrics: BTreeMap<String, BTreeMap<String, Num>>,
    metric: &str,
) -> Result<Picked, Ambiguous> {
    let flat = flatten(metrics);
    let (only, stat) = match metric.rsplit_once(':') {
        Some((name, stat)) if !name.is_empty() => (Some(name), k6_stat(stat)),
        _ => (None, k6_stat(metric)),
    };
    let selected: Vec<&Metric> = flat
        .iter()
        .filter(|(name, trend, stats)| {
            stats.contains_key(&stat)
                && match only {
                    Some(o) => o == name,
                    None => *trend,
                }
        })
        .collect();
    if only.is_none() && selected.len() > 1 {
        // The request time first: what a load-test gate is usually about.
        let mut names: Vec<&str> = selected.iter().map(|(n, _, _)| n.as_str()).collect();
        names.sort_by_key(|n| *n != "http_req_duration");
        return Err(Ambiguous(
            names.iter().map(|n| format!("{n}:{metric}")).collect(),
        ));
    }
    let unit = match selected.first() {
        Some((_, false, _)) => "",
        _ => "ms",
    };
    let entries: Vec<(String, f64)> = selected
        .iter()
        .filter_map(|(name, _, stats)| stats.get(&stat).map(|v| (name.clone(), *v)))
        .collect();
    // A bare stat that one trend has is shown with that trend's name.
    let shown = match (only, selected.first()) {
        (Some(o), _) => format!("{o}:{stat}"),
        (None, Some((name, _, _))) => format!("{name}:{stat}"),
        (None, None) => stat,
    };
    Ok((
        BenchFormat::K6,
        shown,
        unit,
        entries,
        available(&flat),
        false,
    ))
}
