//! Gates on what the running system says: a Prometheus query's scalar or every series of its
//! vector within bounds (no data fails; each failing series is named by its labels), and a
//! health endpoint's status and JSON value.

use super::measures::measured;
use super::{Decision, pass_fail};
use crate::monitoring::{HealthFacts, MetricFacts, MetricResult, Series};
use crate::policy::{ConditionCheck, HealthGate, PrometheusGate};

/// Failing series named in the detail; the rest are counted.
const NAMED_SERIES: usize = 5;

/// A sample for people: `0.0523`, `NaN`, `+Inf`.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        measured(v, "")
    }
}

/// The bounds as the summary shows them.
pub(super) fn bounds_text(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{} ≤ value ≤ {}", number(a), number(b)),
        (Some(a), None) => format!("≥ {}", number(a)),
        (None, Some(b)) => format!("≤ {}", number(b)),
        (None, None) => String::new(),
    }
}

/// Why `v` is out of bounds, or `None` when within (`NaN` never is).
fn out_of_bounds(v: f64, min: Option<f64>, max: Option<f64>) -> Option<String> {
    if v.is_nan() {
        return Some("NaN (0/0: no samples in the window?)".into());
    }
    if let Some(m) = max.filter(|m| v > *m) {
        return Some(format!("{} > {}", number(v), number(m)));
    }
    if let Some(m) = min.filter(|m| v < *m) {
        return Some(format!("{} < {}", number(v), number(m)));
    }
    None
}

pub(super) fn prometheus(f: &MetricFacts, g: &PrometheusGate) -> Decision {
    let threshold = bounds_text(g.min, g.max);
    let series: Vec<Series> = match &f.result {
        MetricResult::Scalar(v) => vec![Series {
            labels: Default::default(),
            value: *v,
        }],
        MetricResult::Vector(s) => s.clone(),
    };
    if series.is_empty() {
        let detail = format!(
            "the query returned no series from {}: no data fails the gate — check the query's metric names and labels, and that the service reports them",
            f.endpoint
        );
        return (
            pass_fail(false),
            "no data".into(),
            threshold,
            detail,
            Vec::new(),
            0,
        );
    }
    let scalar = matches!(f.result, MetricResult::Scalar(_));
    let failing: Vec<(&Series, String)> = series
        .iter()
        .filter_map(|s| out_of_bounds(s.value, g.min, g.max).map(|why| (s, why)))
        .collect();
    let ok = failing.is_empty();
    let figure = match (series.as_slice(), ok) {
        ([one], _) => number(one.value),
        (_, false) => format!("{} of {} series out of bounds", failing.len(), series.len()),
        (all, true) => {
            // The series nearest its bound stands for them all.
            let near = if g.max.is_some() {
                all.iter()
                    .map(|s| s.value)
                    .fold(f64::NEG_INFINITY, f64::max)
            } else {
                all.iter().map(|s| s.value).fold(f64::INFINITY, f64::min)
            };
            let word = if g.max.is_some() { "max" } else { "min" };
            format!("{word} {} of {} series", number(near), all.len())
        }
    };
    let detail = if ok && scalar {
        format!("{} is within {threshold}", number(series[0].value))
    } else if ok {
        format!("every series is within {threshold} ({})", series.len())
    } else {
        let mut named: Vec<String> = failing
            .iter()
            .take(NAMED_SERIES)
            .map(|(s, why)| {
                if scalar {
                    why.clone()
                } else {
                    format!("{} {why}", s.selector())
                }
            })
            .collect();
        if failing.len() > NAMED_SERIES {
            named.push(format!("and {} more", failing.len() - NAMED_SERIES));
        }
        named.join("; ")
    };
    (pass_fail(ok), figure, threshold, detail, Vec::new(), 0)
}

/// The health gate's threshold: the status and the condition.
pub(super) fn health_threshold(g: &HealthGate) -> String {
    let mut t = format!("HTTP {}", g.status);
    match &g.condition {
        Some((p, ConditionCheck::Equals(v))) => t.push_str(&format!(" · {p} = {v}")),
        Some((p, ConditionCheck::Range { min, max })) => {
            t.push_str(&format!(" · {p} {}", bounds_text(*min, *max)))
        }
        None => {}
    }
    t
}

pub(super) fn health(f: &HealthFacts, g: &HealthGate) -> Decision {
    let threshold = health_threshold(g);
    let fail = |figure: String, detail: String| {
        (
            pass_fail(false),
            figure,
            threshold.clone(),
            detail,
            Vec::new(),
            0,
        )
    };
    let status = format!("HTTP {}", f.status);
    if f.status != g.status {
        let why = match &f.redirected_to {
            Some(to) => format!(
                "GET {} redirected to {to}, another host, which is not followed",
                f.url
            ),
            None => format!("GET {} answered {}, expected {}", f.url, f.status, g.status),
        };
        return fail(status, why);
    }
    let Some((pointer, check)) = &g.condition else {
        let detail = format!("GET {} answered {} in {} ms", f.url, f.status, f.elapsed_ms);
        return (pass_fail(true), status, threshold, detail, Vec::new(), 0);
    };
    let value = match &f.value {
        Some(Ok(v)) => v,
        Some(Err(why)) => return fail(format!("{status}, no value"), why.clone()),
        None => return fail(status, "the value was not read".into()),
    };
    let shown = crate::text::truncate_chars(&value.to_string(), 80);
    let figure = format!("{pointer} = {shown}");
    let why_not = match check {
        ConditionCheck::Equals(want) => {
            let same = match (value.as_f64(), want.as_f64()) {
                (Some(a), Some(b)) => a == b,
                _ => value == want,
            };
            (!same).then(|| format!("{pointer} is {shown}, expected {want}"))
        }
        ConditionCheck::Range { min, max } => match value.as_f64() {
            None => Some(format!("{pointer} is {shown}, not a number")),
            Some(n) => out_of_bounds(n, *min, *max).map(|why| format!("{pointer} is {why}")),
        },
    };
    match why_not {
        Some(why) => fail(figure, format!("GET {}: {why}", f.url)),
        None => {
            let detail = format!("GET {} answered {}; {pointer} is {shown}", f.url, f.status);
            (pass_fail(true), figure, threshold, detail, Vec::new(), 0)
        }
    }
}
