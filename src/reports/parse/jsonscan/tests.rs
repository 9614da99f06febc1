//! Unit tests of `jsonscan.rs`, apart so that the reader's own file stays short.

use super::*;

fn scanner(text: &str) -> JsonScanner<&[u8]> {
    JsonScanner::new(text.as_bytes(), Path::new("t.json"), "JSON")
}

#[test]
fn walks_keys_and_elements_and_captures_values() {
    let mut s = scanner(
        r#" {"a": [1, {"x": "y]}\"z"}, [2, 3], "s", true, null, -1.5e3],
                "b\u0041": {"deep": [[[]]]}, "c": "v"} "#,
    );
    s.begin_object("an object").unwrap();
    let mut key = String::new();
    assert!(s.next_key(&mut key).unwrap());
    assert_eq!(key, "a");
    s.begin_array("an array").unwrap();
    let mut got = Vec::new();
    let mut raw = Vec::new();
    while s.next_element().unwrap() {
        s.capture_value(&mut raw).unwrap();
        got.push(String::from_utf8(raw.clone()).unwrap());
    }
    assert_eq!(
        got,
        [
            "1",
            r#"{"x": "y]}\"z"}"#,
            "[2, 3]",
            "\"s\"",
            "true",
            "null",
            "-1.5e3"
        ]
    );
    assert!(s.next_key(&mut key).unwrap());
    assert_eq!(key, "bA");
    s.skip_value().unwrap();
    assert!(s.next_key(&mut key).unwrap());
    assert_eq!(key, "c");
    s.skip_value().unwrap();
    assert!(!s.next_key(&mut key).unwrap());
    s.finish().unwrap();
}

#[test]
fn values_split_across_buffer_refills() {
    // A long string and deep nesting force several refills of the 256 KiB buffer.
    let long = "é\\\"".repeat(200_000);
    let text = format!(
        r#"[{{"k": "{long}"}}, {}{}]"#,
        "[".repeat(70_000),
        "]".repeat(70_000)
    );
    let mut s = scanner(&text);
    s.begin_array("an array").unwrap();
    let mut raw = Vec::new();
    assert!(s.next_element().unwrap());
    s.capture_value(&mut raw).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(v["k"].as_str().unwrap().chars().count(), 400_000);
    assert!(s.next_element().unwrap());
    s.skip_value().unwrap();
    assert!(!s.next_element().unwrap());
    s.finish().unwrap();
}

#[test]
fn bad_input_is_an_error() {
    let cases: &[(&str, &str)] = &[
        (r#"{"a": [1, 2"#, "truncated"),
        (r#"{"a": "unterminated"#, "truncated"),
        (r#"{"a": [1}"#, "mismatched"),
        (r#"{"a" 1}"#, "`:`"),
        (r#"{"a": 1 "b": 2}"#, "`,` or `}`"),
        (r#"{"a": tru$}"#, "unexpected character"),
        (r#"{1: 2}"#, "string key"),
        (r#"{"a": 1} x"#, "trailing"),
        ("{\"a\": \"x\ny\"}", "control character"),
        (r#"{"a": ]}"#, "expected a value"),
    ];
    for (text, want) in cases {
        let mut s = scanner(text);
        let mut run = || -> Result<(), ReportError> {
            s.begin_object("an object")?;
            let mut key = String::new();
            while s.next_key(&mut key)? {
                s.skip_value()?;
            }
            s.finish()
        };
        let e = run().unwrap_err();
        assert!(e.to_string().contains(want), "{text}: {e}");
        assert!(e.to_string().contains("t.json"), "{text}: {e}");
    }
}
