#![no_main]
//! Coverage reader (Cobertura, LCOV, JaCoCo, detected): a summary with sane percentages or an
//! error naming the file, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = promote_action_fuzz::temp_file("coverage.xml", data);
    match promote_action::reports::read_coverage(&path) {
        Ok(summary) => {
            if let Some(p) = summary.combined_percent() {
                assert!(p.is_finite() && (0.0..=100.0).contains(&p), "{p}");
            }
        }
        Err(e) => assert!(e.to_string().contains("coverage.xml"), "{e}"),
    }
});
