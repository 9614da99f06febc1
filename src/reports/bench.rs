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
pub enum BenchFormat {
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
    pub format: BenchFormat,
    /// The metric as the format names it (`mean`, `p(95)`, `http_req_duration:p(95)`…).
    pub metric: String,
    /// `"s"` for hyperfine and pytest-benchmark, `"ms"` for k6 time trends, `""` for other
    /// k6 metrics (rates, counts) picked by name.
    pub unit: &'static str,
    /// Per benchmark (command, test, or k6 metric) name → value, in file order.
    pub entries: Vec<(String, f64)>,
    /// The largest value in `entries`.
    pub worst: f64,
    pub file: PathBuf,
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
mod tests {
    use super::*;
    use crate::reports::fixture;

    #[test]
    fn formats_metrics_and_entries() {
        struct Row {
            file: &'static str,
            metric: &'static str,
            format: BenchFormat,
            unit: &'static str,
            names: &'static [&'static str],
        }
        let table = [
            Row {
                file: "bench/hyperfine.json",
                metric: "mean",
                format: BenchFormat::Hyperfine,
                unit: "s",
                names: &["sleep 0.01", "sleep 0.02"],
            },
            Row {
                file: "bench/hyperfine.json",
                metric: "p50",
                format: BenchFormat::Hyperfine,
                unit: "s",
                names: &["sleep 0.01", "sleep 0.02"],
            },
            Row {
                file: "bench/hyperfine.json",
                metric: "max",
                format: BenchFormat::Hyperfine,
                unit: "s",
                names: &["sleep 0.01", "sleep 0.02"],
            },
            Row {
                file: "bench/pytest-benchmark.json",
                metric: "median",
                format: BenchFormat::PytestBenchmark,
                unit: "s",
                names: &[
                    "benchmarks/test_bench.py::test_bench_add",
                    "benchmarks/test_bench.py::test_bench_clamp",
                    "benchmarks/test_bench.py::test_bench_sum",
                ],
            },
            Row {
                file: "bench/k6-summary-export.json",
                metric: "iteration_duration:p95",
                format: BenchFormat::K6,
                unit: "ms",
                names: &["iteration_duration"],
            },
            Row {
                file: "bench/k6-handle-summary.json",
                metric: "http_req_waiting:mean",
                format: BenchFormat::K6,
                unit: "ms",
                names: &["http_req_waiting"],
            },
            Row {
                file: "bench/k6-summary-export.json",
                metric: "http_req_duration:p99",
                format: BenchFormat::K6,
                unit: "ms",
                names: &["http_req_duration"],
            },
            Row {
                file: "bench/k6-handle-summary.json",
                metric: "http_req_failed:rate",
                format: BenchFormat::K6,
                unit: "",
                names: &["http_req_failed"],
            },
            Row {
                file: "bench/k6-handle-summary.json",
                metric: "http_req_duration{expected_response:true}:p95",
                format: BenchFormat::K6,
                unit: "ms",
                names: &["http_req_duration{expected_response:true}"],
            },
        ];
        for r in table {
            let s = read_benchmark(&fixture(r.file), r.metric)
                .unwrap_or_else(|e| panic!("{} {}: {e}", r.file, r.metric));
            assert_eq!(s.format, r.format, "{} {}", r.file, r.metric);
            assert_eq!(s.unit, r.unit, "{} {}", r.file, r.metric);
            let names: Vec<&str> = s.entries.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, r.names, "{} {}", r.file, r.metric);
            let max = s.entries.iter().map(|e| e.1).fold(f64::MIN, f64::max);
            assert_eq!(s.worst, max);
            assert!(s.entries.iter().all(|e| e.1.is_finite() && e.1 >= 0.0));
        }
    }

    const K6_TRENDS: &[&str] = &[
        "http_req_blocked",
        "http_req_connecting",
        "http_req_duration",
        "http_req_duration{expected_response:true}",
        "http_req_receiving",
        "http_req_sending",
        "http_req_tls_handshaking",
        "http_req_waiting",
        "iteration_duration",
    ];

    #[test]
    fn a_bare_k6_stat_of_several_trends_is_refused_naming_them() {
        for (file, metric) in [
            ("bench/k6-summary-export.json", "p95"),
            ("bench/k6-handle-summary.json", "p(95)"),
            ("bench/k6-handle-summary.json", "mean"),
        ] {
            let e = read_benchmark(&fixture(file), metric).unwrap_err();
            let ReportError::AmbiguousMetric { candidates, .. } = &e else {
                panic!("{file} {metric}: {e:?}");
            };
            let names: Vec<&str> = candidates
                .iter()
                .map(|c| c.rsplit_once(':').map(|(n, _)| n).unwrap_or(c))
                .collect();
            let mut sorted = names.clone();
            sorted.sort();
            assert_eq!(sorted, K6_TRENDS, "{file} {metric}");
            assert_eq!(names[0], "http_req_duration", "{file} {metric}");
            let msg = e.to_string();
            assert!(
                msg.contains(&format!("e.g. `metric: http_req_duration:{metric}`")),
                "{msg}"
            );
        }
    }

    #[test]
    fn exact_values() {
        let s = read_benchmark(
            &fixture("bench/k6-summary-export.json"),
            "http_req_duration:p(95)",
        )
        .unwrap();
        assert_eq!(s.entries, vec![("http_req_duration".to_string(), 187.32)]);
        let s = read_benchmark(
            &fixture("bench/k6-handle-summary.json"),
            "http_req_failed:rate",
        )
        .unwrap();
        assert_eq!(s.worst, 0.0125);
        let raw: serde_json::Value =
            serde_json::from_reader(std::fs::File::open(fixture("bench/hyperfine.json")).unwrap())
                .unwrap();
        let s = read_benchmark(&fixture("bench/hyperfine.json"), "mean").unwrap();
        assert_eq!(s.entries[1].1, raw["results"][1]["mean"].as_f64().unwrap());
    }

    #[test]
    fn unknown_metric_lists_available() {
        let table: &[(&str, &str, &str)] = &[
            ("bench/hyperfine.json", "p101", "p95"),
            ("bench/pytest-benchmark.json", "ops", "stddev"),
            ("bench/k6-summary-export.json", "p42", "p(95)"),
            (
                "bench/k6-handle-summary.json",
                "nope:avg",
                "http_req_failed:",
            ),
        ];
        for (file, metric, listed) in table {
            let e = read_benchmark(&fixture(file), metric).unwrap_err();
            assert!(
                matches!(e, ReportError::UnknownMetric { .. }),
                "{file}: {e:?}"
            );
            assert!(e.to_string().contains(listed), "{file}: {e}");
        }
    }

    #[test]
    fn wrong_and_hostile_inputs() {
        use ReportError as E;
        let table: &[(&str, crate::reports::ErrCheck)] = &[
            ("sarif/eslint.sarif", |e| {
                matches!(e, E::UnknownFormat { .. })
            }),
            ("coverage/coverage-py.json", |e| {
                matches!(e, E::UnknownFormat { .. })
            }),
            ("junit/nextest.xml", |e| {
                matches!(e, E::UnknownFormat { .. })
            }),
            ("hostile/truncated.json", |e| {
                matches!(e, E::Malformed { .. })
            }),
            ("hostile/invalid.json", |e| matches!(e, E::Malformed { .. })),
            ("hostile/deeply-nested.json", |e| {
                matches!(e, E::Malformed { .. })
            }),
            ("hostile/empty.json", |e| matches!(e, E::Malformed { .. })),
            ("hostile/single-line-5mb.sarif", |e| {
                matches!(e, E::UnknownFormat { .. })
            }),
        ];
        for (file, ok) in table {
            match read_benchmark(&fixture(file), "mean") {
                Ok(s) => panic!("{file}: expected an error, got {s:?}"),
                Err(e) => assert!(ok(&e), "{file}: unexpected {e:?}"),
            }
        }
    }

    /// Percentiles from the raw samples against Python's `statistics.quantiles(method=
    /// "inclusive")` over the same samples (tests/fixtures/bench/percentiles.txt, written by
    /// scripts/gen-fixtures.sh).
    #[test]
    fn percentiles_from_raw_samples_match_an_independent_computation() {
        let reference = std::fs::read_to_string(fixture("bench/percentiles.txt")).unwrap();
        let mut checked = 0;
        for line in reference.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (file, name, metric, want) = (cols[0], cols[1], cols[2], cols[3]);
            let want: f64 = want.parse().unwrap();
            let s = read_benchmark(&fixture(&format!("bench/{file}")), metric).unwrap();
            let got = s
                .entries
                .iter()
                .find(|(n, _)| n == name)
                .unwrap_or_else(|| panic!("{file} {name}"))
                .1;
            assert!(
                (got - want).abs() <= want.abs() * 1e-12,
                "{file} {name} {metric}: {got} vs {want}"
            );
            assert_eq!(s.unit, "s");
            checked += 1;
        }
        assert_eq!(
            checked, 15,
            "2 hyperfine commands and 3 pytest benchmarks × 3 percentiles"
        );
    }

    /// The 50th percentile of the samples is the median the tools print themselves.
    #[test]
    fn the_fiftieth_percentile_is_the_tools_median() {
        let raw: serde_json::Value = serde_json::from_reader(
            std::fs::File::open(fixture("bench/pytest-benchmark.json")).unwrap(),
        )
        .unwrap();
        for b in raw["benchmarks"].as_array().unwrap() {
            let data: Vec<f64> = b["stats"]["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            let median = b["stats"]["median"].as_f64().unwrap();
            let got = percentile(&data, 50.0).unwrap();
            assert!((got - median).abs() <= median * 1e-12, "{got} vs {median}");
        }
        let h: serde_json::Value =
            serde_json::from_reader(std::fs::File::open(fixture("bench/hyperfine.json")).unwrap())
                .unwrap();
        for r in h["results"].as_array().unwrap() {
            let times: Vec<f64> = r["times"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            let median = r["median"].as_f64().unwrap();
            assert!((percentile(&times, 50.0).unwrap() - median).abs() <= median * 1e-12);
        }
    }

    #[test]
    fn percentile_definition() {
        let cases: &[(&[f64], f64, Option<f64>)] = &[
            (&[], 95.0, None),
            (&[3.0], 95.0, Some(3.0)),
            (&[1.0, 2.0, 3.0, 4.0], 50.0, Some(2.5)),
            (&[4.0, 1.0, 3.0, 2.0], 100.0, Some(4.0)),
            (&[1.0, 2.0, 3.0, 4.0, 5.0], 90.0, Some(4.6)),
            (&[10.0, 20.0], 95.0, Some(19.5)),
        ];
        for (samples, p, want) in cases {
            let got = percentile(samples, *p);
            match (got, want) {
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-12, "{samples:?} p{p}: {g}"),
                _ => assert_eq!(got, *want, "{samples:?} p{p}"),
            }
        }
        let names: &[(&str, Option<f64>)] = &[
            ("p95", Some(95.0)),
            ("p99.9", Some(99.9)),
            ("p(90)", Some(90.0)),
            ("p0", None),
            ("p101", None),
            ("mean", None),
            ("p", None),
        ];
        for (m, want) in names {
            assert_eq!(percentile_of(m), *want, "{m}");
        }
    }

    #[test]
    fn a_percentile_without_samples_names_what_is_available() {
        let e = read_benchmark(&fixture("bench/pytest-benchmark-saved.json"), "p95").unwrap_err();
        assert!(matches!(e, ReportError::NoSamples { .. }), "{e:?}");
        let msg = e.to_string();
        for want in [
            "pytest-benchmark-saved.json",
            "`p95`",
            "--benchmark-save-data",
            "median",
        ] {
            assert!(msg.contains(want), "{want}: {msg}");
        }
        assert!(
            !msg.contains("p90"),
            "no percentile is offered without samples: {msg}"
        );
        // The stats the file does have still work.
        let s = read_benchmark(&fixture("bench/pytest-benchmark-saved.json"), "median").unwrap();
        assert_eq!(s.entries.len(), 3);
    }
}
