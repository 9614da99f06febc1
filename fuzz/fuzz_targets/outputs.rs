#![no_main]
//! Outputs writer: any values round-trip through the runner's parser, and no value can add an
//! output of its own.

use libfuzzer_sys::fuzz_target;
use promote_action::report::outputs;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(2, '\u{0}');
    let a = parts.next().unwrap_or_default().to_string();
    let b = parts.next().unwrap_or_default().to_string();
    let entries = vec![("result", a), ("to-stage", b), ("after", "x".to_string())];
    let rendered = outputs::render(&entries);
    let parsed = outputs::parse(&rendered).expect("our own outputs parse");
    let want: Vec<(String, String)> = entries
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    assert_eq!(parsed, want);
});
