//! Unit tests of `xml.rs`, apart so that the reader's own file stays short.

use super::attrs::raw_attr;
use super::*;

#[test]
fn raw_attr_finds_values_or_defers_to_the_full_parser() {
    let tag = BytesStart::from_content(
        r#"UnitTestResult  testName="a b" x:outcome='Failed' empty="" amp="a&amp;b""#,
        14,
    );
    type Case<'a> = (&'a [u8], Result<Option<&'a [u8]>, ()>);
    let cases: &[Case<'_>] = &[
        (b"testName", Ok(Some(b"a b"))),
        (b"outcome", Ok(Some(b"Failed"))),
        (b"empty", Ok(Some(b""))),
        (b"missing", Ok(None)),
        (b"amp", Err(())),
    ];
    for (key, want) in cases {
        assert_eq!(
            raw_attr(&tag, key),
            *want,
            "{}",
            String::from_utf8_lossy(key)
        );
    }
    let bad = BytesStart::from_content("t a=1 outcome=\"x\"", 1);
    assert_eq!(raw_attr(&bad, b"outcome"), Err(()));
    let open = BytesStart::from_content("t outcome=\"x", 1);
    assert_eq!(raw_attr(&open, b"outcome"), Err(()));
    // Malformed names before the key send the tag to the full parser, as before.
    for bad in [
        "t a b=\"1\" k=\"v\"",
        "t a=b=\"1\" k=\"v\"",
        "t =\"1\" k=\"v\"",
        "t a\"1\" k=\"v\"",
    ] {
        let tag = BytesStart::from_content(bad, 1);
        assert_eq!(raw_attr(&tag, b"k"), Err(()), "{bad}");
    }
    let trailing = BytesStart::from_content("t a = 'x\"y' k=\"v\" z", 1);
    assert_eq!(raw_attr(&trailing, b"k"), Ok(Some(&b"v"[..])));
    assert_eq!(raw_attr(&trailing, b"q"), Err(()));
    let spaced = BytesStart::from_content("t a=\"1\"  ", 1);
    assert_eq!(raw_attr(&spaced, b"q"), Ok(None));
    assert_eq!(raw_attr(&spaced, b"a"), Ok(Some(&b"1"[..])));
}

/// The events of `path` as comparable lines, read with [`XmlStream::next_markup`] (`fast`)
/// or [`XmlStream::next`]; text is trimmed and blank text dropped, since the fast path
/// does not report whitespace between markup. An error becomes its message.
fn events(path: &Path, fast: bool) -> Result<Vec<String>, String> {
    let (inner, _) = open_sniffed(path, "test XML").map_err(|e| e.to_string())?;
    let mut x = XmlStream::new(inner, path, "test XML");
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        let event = if fast {
            x.next_markup(&mut buf)
        } else {
            x.next(&mut buf)
        };
        let line = match event.map_err(|e| e.to_string())? {
            Event::Eof => return Ok(out),
            Event::Text(t) => {
                let text = String::from_utf8_lossy(&t).trim().to_string();
                if text.is_empty() {
                    continue;
                }
                format!("text {text}")
            }
            other => format!("{other:?}"),
        };
        out.push(format!("{line} @{}", x.depth()));
    }
}

/// A document whose self-closing tags have every length modulo a few primes, so that over
/// several read buffers tags start, end and straddle each buffer boundary at every offset.
fn straddling_document() -> String {
    let mut doc = String::from("<?xml version=\"1.0\"?>\n<root a='1'>\n");
    for i in 0..6000 {
        let pad = "x".repeat(i % 37);
        let extra = match i % 7 {
            0 => " q='a\"b>c/>'".to_string(),
            1 => " g=\"&amp;&lt;\"".to_string(),
            2 => format!(" u=\"ünï{i}\""),
            3 => "\t\r\n  ".to_string(),
            _ => String::new(),
        };
        match i % 11 {
            0 => doc.push_str(&format!("  <open n=\"{i}\">text {pad} &amp; more</open>\n")),
            1 => doc.push_str("  <!-- a comment with <tags/> -->\n"),
            2 => doc.push_str(&format!("  <c><![CDATA[<not-a-tag {pad}/>]]></c>\n")),
            3 => doc.push_str(&format!("<e n=\"{i}\"{extra} />")),
            _ => doc.push_str(&format!("  <ns:e n=\"{i}\" p=\"{pad}\"{extra}/>\n")),
        }
    }
    doc.push_str("</root>\n");
    doc
}

#[test]
fn the_fast_path_gives_the_events_and_errors_of_the_full_parser() {
    // (document, whether the full parser refuses it); the fast path must agree on both the
    // events and the error, position included.
    let edges = [
        (straddling_document(), false),
        ("<r><a x=\"1\"/><b y=\"2\"/".to_string(), true),
        ("<r><a x=\"1\"/>\n  <b y=\"2\"/>\n".to_string(), true),
        ("<r><a x=\"1\"/>  </s>".to_string(), true),
        ("<r><a x=\"1\"/>  &bogus; <b/></r>".to_string(), true),
        ("<r>  <a x=\"1/>  </r>".to_string(), true),
        ("<r><a x=\"1\"/>  < b/></r>".to_string(), false),
        (
            "<r>  <a x=\"1\"/>  <b x='2' y=\"3/>\"/></r>".to_string(),
            false,
        ),
        (
            "<r>\n<a\u{00e9}/>\n<b\u{1f600} c=\"d\"/></r>".to_string(),
            false,
        ),
        // quick-xml reads a second root element; so does the fast path.
        ("<r>\n  <a/>\n</r>\n  <b/>".to_string(), false),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.xml");
    for (i, (doc, refused)) in edges.iter().enumerate() {
        std::fs::write(&path, doc).unwrap();
        let full = events(&path, false);
        assert_eq!(full.is_err(), *refused, "document {i}: {full:?}");
        assert_eq!(events(&path, true), full, "document {i}");
    }
    std::fs::write(&path, straddling_document()).unwrap();
    let events = events(&path, true).unwrap();
    assert!(events.len() > 6000, "{}", events.len());
    assert!(
        events.iter().any(|e| e.contains(r#"q='a\"b>c/>'"#)),
        "a quoted `>` stays inside its tag"
    );
}

#[test]
fn the_fast_path_reads_every_xml_fixture_as_the_full_parser_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut stack = vec![root];
    let mut read = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok((_, Sniffed::Xml)) = open_sniffed(&path, "test XML") else {
                continue;
            };
            assert_eq!(
                events(&path, true),
                events(&path, false),
                "{}",
                path.display()
            );
            read += 1;
        }
    }
    assert!(read >= 25, "only {read} XML fixtures found");
}
