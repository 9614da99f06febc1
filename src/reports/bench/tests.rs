//! Unit tests of `bench.rs`, apart so that the reader's own file stays short.

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
