#![no_main]
//! SARIF reader: a summary or an error naming the file, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = promote_action_fuzz::temp_file("scan.sarif", data);
    if let Err(e) = promote_action::reports::read_sarif(std::slice::from_ref(&path)) {
        assert!(e.to_string().contains("scan.sarif"), "{e}");
    }
});
