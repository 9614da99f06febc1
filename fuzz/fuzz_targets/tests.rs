#![no_main]
//! Test-result readers with format detection: any bytes give a summary or an error naming the
//! file, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = promote_action_fuzz::temp_file("results.any", data);
    if let Err(e) = promote_action::reports::read_test_results(std::slice::from_ref(&path)) {
        assert!(e.to_string().contains("results.any"), "{e}");
    }
});
