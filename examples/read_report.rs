//! Command-line front end to the report readers, used by `bench/readers.sh` to time them in
//! release mode and handy for poking at a report by hand:
//! `cargo run --release --example read_report -- tests|junit|sarif|coverage FILE...`,
//! `… -- bench FILE METRIC`, `… -- json FILE POINTER`. Prints the summary as JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use promote_action::reports::{
    read_benchmark, read_coverage, read_json_pointer, read_junit, read_sarif, read_test_results,
};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("read_report: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    let usage = "usage: read_report tests|junit|sarif|coverage FILE... | bench FILE METRIC | json FILE POINTER";
    let (kind, rest) = args.split_first().ok_or(usage)?;
    let files: Vec<PathBuf> = rest.iter().map(PathBuf::from).collect();
    let first = files.first().ok_or(usage)?;
    let to_json = |v: serde_json::Result<String>| v.map_err(|e| e.to_string());
    match kind.as_str() {
        "tests" => {
            let s = read_test_results(&files).map_err(|e| e.to_string())?;
            to_json(serde_json::to_string_pretty(&s))
        }
        "junit" => {
            let s = read_junit(&files).map_err(|e| e.to_string())?;
            to_json(serde_json::to_string_pretty(&s))
        }
        "sarif" => {
            let s = read_sarif(&files).map_err(|e| e.to_string())?;
            to_json(serde_json::to_string_pretty(&s))
        }
        "coverage" => {
            let s = read_coverage(first).map_err(|e| e.to_string())?;
            to_json(serde_json::to_string_pretty(&s))
        }
        "bench" => {
            let metric = rest.get(1).ok_or(usage)?;
            let s = read_benchmark(first, metric).map_err(|e| e.to_string())?;
            to_json(serde_json::to_string_pretty(&s))
        }
        "json" => {
            let pointer = rest.get(1).ok_or(usage)?;
            let v = read_json_pointer(first, pointer).map_err(|e| e.to_string())?;
            Ok(v.to_string())
        }
        _ => Err(usage.to_string()),
    }
}
