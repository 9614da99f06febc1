#![no_main]
//! Benchmark reader (hyperfine, pytest-benchmark, k6) and JSON-pointer reader.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = promote_action_fuzz::temp_file("bench.json", data);
    for metric in ["mean", "p95", "p(99)"] {
        if let Err(e) = promote_action::reports::read_benchmark(&path, metric) {
            assert!(e.to_string().contains("bench.json"), "{e}");
        }
    }
    let _ = promote_action::reports::read_json_pointer(&path, "/metrics/http_req_failed/rate");
});
