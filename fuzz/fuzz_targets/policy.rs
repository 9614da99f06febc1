#![no_main]
//! Policy parser: any text gives a policy or an error naming the file, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Bound the nesting the parser sees per input: deep nesting is slow (quadratic), which the
    // fuzzer would report as a timeout rather than explore further.
    if data.len() > 64 * 1024 {
        return;
    }
    let text = String::from_utf8_lossy(data);
    if let Err(e) = promote_action::policy::parse("fuzz-policy.yml", &text) {
        assert!(e.to_string().contains("fuzz-policy.yml"), "{e}");
    }
});
