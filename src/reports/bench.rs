//! Benchmark reader for the `benchmark` gate: one metric per benchmark from a hyperfine,
//! pytest-benchmark or k6 summary JSON file, plus the worst (largest) of them.
//!
//! The format is detected from the content:
//! - hyperfine `--export-json`: top-level `results[]` with `command`, `mean`, … (seconds);
//! - pytest-benchmark `--benchmark-json`: `benchmarks[]` with `stats` (seconds);
//! - k6: `--summary-export` (flat `metrics.<name>.{avg,med,p(95),…}`) or the `handleSummary`
//!   data object (`metrics.<name>.{type,contains,values:{…}}`); trend times are milliseconds.
//!
//! Metric names: each format's own names plus aliases — `mean`/`avg`, `median`/`med`/`p50`,
//! `pNN` for k6's `p(NN)`. For k6 the policy names the metric and the stat,
//! `http_req_duration:p95` ([`k6`]: a bare stat several time trends have is refused naming
//! them). Only time-valued pytest-benchmark stats are offered (not `ops`, `rounds`,
//! `iterations`), so `unit` is always seconds there.
//!
//! Percentiles (`p90`, `p95`, `p99`, any `pNN`) for hyperfine and pytest-benchmark are computed
//! from the raw samples (hyperfine's `times`, pytest-benchmark's `stats.data`, which
//! `--benchmark-json` writes and `--benchmark-save` keeps only with `--benchmark-save-data`) by
//! linear interpolation between the two nearest ranks — numpy's default and Python's
//! `statistics.quantiles(method="inclusive")`: for sorted samples x₀…xₙ₋₁, h = (n−1)·p/100 and
//! the value is x⌊h⌋ + (h−⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋). Without samples the gate fails naming the
//! metrics the file has.
//!
//! Deserialization keeps only numbers, the few strings needed and the sample arrays, so
//! memory is proportional to the number of benchmarks and samples, not to the file size.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::ReportError;
use super::parse::json::{json_error, open_json};

mod k6;

const EXPECTED: &str = "a benchmark report (hyperfine, pytest-benchmark or k6 summary JSON)";

/// Which benchmark tool wrote the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum BenchFormat {
    Hyperfine,
    PytestBenchmark,
    K6,
}

impl BenchFormat {
    fn name(self) -> &'static str {
        match self {
            BenchFormat::Hyperfine => "hyperfine",
            BenchFormat::PytestBenchmark => "pytest-benchmark",
            BenchFormat::K6 => "k6 summary",
        }
    }
}

/// One metric across the benchmarks of a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchSummary {
    pub(crate) format: BenchFormat,
    /// The metric as the format names it (`mean`, `p(95)`, `http_req_duration:p(95)`…).
    pub(crate) metric: String,
    /// `"s"` for hyperfine and pytest-benchmark, `"ms"` for k6 time trends, `""` for other
    /// k6 metrics (rates, counts) picked by name.
    pub(crate) unit: &'static str,
    /// Per benchmark (command, test, or k6 metric) name → value, in file order.
    pub(crate) entries: Vec<(String, f64)>,
    /// The largest value in `entries`.
    pub(crate) worst: f64,
    pub(crate) file: PathBuf,
}

/// Reads `metric` from the benchmark report at `path`.
pub fn read_benchmark(path: &Path, metric: &str) -> Result<BenchSummary, ReportError> {
    let reader = open_json(path, "benchmark JSON", EXPECTED)?;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let report =
        RawReport::deserialize(&mut de).map_err(|e| json_error(path, "benchmark JSON", e))?;
    de.end()
        .map_err(|e| json_error(path, "benchmark JSON", e))?;
    let metric = metric.trim();
    let (format, name, unit, entries, available, no_samples) = if let Some(results) = report
        .results
        .filter(|r| r.iter().any(|x| x.contains_key("mean")))
    {
        hyperfine(results, metric)
    } else if let Some(benches) = report.benchmarks.filter(|b| !b.is_empty()) {
        pytest_benchmark(benches, metric)
    } else if let Some(metrics) = report.metrics {
        k6::k6(metrics, metric).map_err(|k6::Ambiguous(candidates)| {
            ReportError::AmbiguousMetric {
                path: path.to_path_buf(),
                format: BenchFormat::K6.name(),
                metric: metric.to_string(),
                candidates,
            }
        })?
    } else {
        return Err(ReportError::UnknownFormat {
            path: path.to_path_buf(),
            expected: EXPECTED,
            detail: "found JSON without `results` (hyperfine), `benchmarks` (pytest-benchmark) \
                     or `metrics` (k6)"
                .into(),
        });
    };
    if entries.is_empty() && no_samples {
        return Err(ReportError::NoSamples {
            path: path.to_path_buf(),
            format: format.name(),
            metric: metric.to_string(),
            available,
        });
    }
    if entries.is_empty() {
        return Err(ReportError::UnknownMetric {
            path: path.to_path_buf(),
            format: format.name(),
            metric: metric.to_string(),
            available,
        });
    }
    let worst = entries
        .iter()
        .map(|(_, v)| *v)
        .fold(f64::NEG_INFINITY, f64::max);
    Ok(BenchSummary {
        format,
        metric: name,
        unit,
        entries,
        worst,
        file: path.to_path_buf(),
    })
}

/// (format, metric as named, unit, entries, metrics available, a percentile was asked for
/// and no benchmark has raw samples).
type Picked = (
    BenchFormat,
    String,
    &'static str,
    Vec<(String, f64)>,
    Vec<String>,
    bool,
);

/// `p90` → 90.0 (any `pNN` or `pNN.N` in (0, 100]); `None` for other metrics.
fn percentile_of(metric: &str) -> Option<f64> {
    let digits = metric.strip_prefix('p')?;
    let digits = digits
        .strip_prefix('(')
        .and_then(|d| d.strip_suffix(')'))
        .unwrap_or(digits);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    digits
        .parse::<f64>()
        .ok()
        .filter(|p| *p > 0.0 && *p <= 100.0)
}

/// The `p`-th percentile of `samples` by linear interpolation between the nearest ranks
/// (numpy's default); `None` for no samples.
pub(crate) fn percentile(samples: &[f64], p: f64) -> Option<f64> {
    let mut sorted: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let h = (sorted.len() - 1) as f64 * p / 100.0;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Entries for percentile `p` over each benchmark's samples; the flag says no benchmark had
/// any.
fn percentile_entries<'a>(
    rows: impl Iterator<Item = (String, Option<&'a Num>)>,
    p: f64,
) -> (Vec<(String, f64)>, bool) {
    let mut entries = Vec::new();
    for (name, samples) in rows {
        if let Some(Num::Samples(v)) = samples {
            if let Some(x) = percentile(v, p) {
                entries.push((name, x));
            }
        }
    }
    let none = entries.is_empty();
    (entries, none)
}

fn alias(metric: &str) -> &str {
    match metric {
        "avg" | "average" => "mean",
        "med" | "p50" | "p(50)" => "median",
        other => other,
    }
}

fn hyperfine(results: Vec<BTreeMap<String, Num>>, metric: &str) -> Picked {
    const STATS: [&str; 7] = ["mean", "stddev", "median", "min", "max", "user", "system"];
    let want = alias(metric);
    let name_of = |i: usize, r: &BTreeMap<String, Num>| match r.get("command") {
        Some(Num::S(s)) => s.clone(),
        _ => format!("#{i}"),
    };
    let mut entries = Vec::new();
    let mut no_samples = false;
    if STATS.contains(&want) {
        for (i, r) in results.iter().enumerate() {
            if let Some(Num::N(v)) = r.get(want) {
                entries.push((name_of(i, r), *v));
            }
        }
    } else if let Some(p) = percentile_of(want) {
        let rows = results
            .iter()
            .enumerate()
            .map(|(i, r)| (name_of(i, r), r.get("times")));
        (entries, no_samples) = percentile_entries(rows, p);
    }
    let has_samples = results
        .iter()
        .any(|r| matches!(r.get("times"), Some(Num::Samples(v)) if !v.is_empty()));
    let available = with_percentiles(&STATS, has_samples);
    (
        BenchFormat::Hyperfine,
        want.to_string(),
        "s",
        entries,
        available,
        no_samples,
    )
}

fn pytest_benchmark(benches: Vec<RawPytestBench>, metric: &str) -> Picked {
    const STATS: [&str; 11] = [
        "mean", "median", "min", "max", "stddev", "iqr", "q1", "q3", "ld15iqr", "hd15iqr", "total",
    ];
    let want = alias(metric);
    let name_of = |b: &RawPytestBench| b.fullname.clone().unwrap_or_else(|| b.name.clone());
    let mut entries = Vec::new();
    let mut no_samples = false;
    if STATS.contains(&want) {
        for b in &benches {
            if let Some(Num::N(v)) = b.stats.get(want) {
                entries.push((name_of(b), *v));
            }
        }
    } else if let Some(p) = percentile_of(want) {
        let rows = benches.iter().map(|b| (name_of(b), b.stats.get("data")));
        (entries, no_samples) = percentile_entries(rows, p);
    }
    let has_samples = benches
        .iter()
        .any(|b| matches!(b.stats.get("data"), Some(Num::Samples(v)) if !v.is_empty()));
    let available = with_percentiles(&STATS, has_samples);
    (
        BenchFormat::PytestBenchmark,
        want.to_string(),
        "s",
        entries,
        available,
        no_samples,
    )
}

/// The stats a format reports, plus the percentiles when raw samples are there.
fn with_percentiles(stats: &[&str], has_samples: bool) -> Vec<String> {
    let mut out: Vec<String> = stats.iter().map(|s| s.to_string()).collect();
    if has_samples {
        out.extend(["p90", "p95", "p99"].map(String::from));
    }
    out
}

// ---- deserialization: numbers and short strings only --------------------------------------

#[derive(Deserialize)]
struct RawReport {
    results: Option<Vec<BTreeMap<String, Num>>>,
    benchmarks: Option<Vec<RawPytestBench>>,
    metrics: Option<BTreeMap<String, BTreeMap<String, Num>>>,
}

#[derive(Deserialize)]
struct RawPytestBench {
    #[serde(default)]
    name: String,
    fullname: Option<String>,
    #[serde(default)]
    stats: BTreeMap<String, Num>,
}

/// A JSON value reduced to what benchmark reports need: numbers, strings, one level of
/// nested object (k6 `values`); arrays and deeper structure are skipped, not stored.
enum Num {
    N(f64),
    S(String),
    Map(BTreeMap<String, Num>),
    /// The numbers of an array directly under a benchmark (hyperfine `times`,
    /// pytest-benchmark `stats.data`); deeper arrays are skipped.
    Samples(Vec<f64>),
    Skip,
}

impl Num {
    fn as_f64(&self) -> Option<f64> {
        match self {
            Num::N(v) => Some(*v),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        d.deserialize_any(NumVisitor { depth: 0 })
    }
}

struct NumVisitor {
    depth: u8,
}

impl<'de> Visitor<'de> for NumVisitor {
    type Value = Num;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
        Ok(Num::N(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
        Ok(Num::N(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
        Ok(Num::N(v as f64))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
        Ok(Num::S(crate::text::truncate_chars(v, 500)))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Num, E> {
        Ok(Num::Skip)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Num, E> {
        Ok(Num::Skip)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Num, A::Error> {
        if self.depth >= 1 {
            while s.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Num::Skip);
        }
        let mut out = Vec::new();
        while let Some(v) = s.next_element::<Sample>()? {
            if let Sample(Some(x)) = v {
                out.push(x);
            }
        }
        Ok(Num::Samples(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Num, A::Error> {
        if self.depth >= 1 {
            while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Num::Skip);
        }
        let mut out = BTreeMap::new();
        while let Some(k) = m.next_key::<String>()? {
            let v = m.next_value_seed(NumSeed {
                depth: self.depth + 1,
            })?;
            out.insert(k, v);
        }
        Ok(Num::Map(out))
    }
}

/// An array element kept as a sample when it is a number.
struct Sample(Option<f64>);

impl<'de> Deserialize<'de> for Sample {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Sample, D::Error> {
        Ok(Sample(Option::<f64>::deserialize(d).ok().flatten()))
    }
}

struct NumSeed {
    depth: u8,
}

impl<'de> de::DeserializeSeed<'de> for NumSeed {
    type Value = Num;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Num, D::Error> {
        d.deserialize_any(NumVisitor { depth: self.depth })
    }
}

#[cfg(test)]
mod tests;
