//! Detects a test-result file's format from its content and hands it to the right reader:
//! XML by its root element, JSON event streams (go test, Dart) by their first event, single
//! JSON documents (mocha, RSpec) by their keys. File names and extensions are never looked at.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::{FORMATS_TRIED, Tally, TestFormat, dart, gotest, jsondoc, junit, nunit, trx, xunit};
use crate::reports::ReportError;
use crate::reports::parse::xml::{self, Sniffed, XmlStream, display_name};

const FORMAT: &str = "test results";

/// Reads one file in whatever supported format it is in; returns the format.
pub(crate) fn read_any(path: &Path, t: &mut Tally) -> Result<TestFormat, ReportError> {
    let (reader, sniffed) = xml::open_sniffed(path, FORMAT)?;
    match sniffed {
        Sniffed::Xml => read_xml(path, reader, t),
        Sniffed::Json | Sniffed::Other => read_text(path, reader, t),
    }
}

fn unknown(path: &Path, detail: impl Into<String>) -> ReportError {
    ReportError::UnknownFormat {
        path: path.to_path_buf(),
        expected: FORMATS_TRIED,
        detail: detail.into(),
    }
}

fn read_xml(
    path: &Path,
    reader: BufReader<File>,
    t: &mut Tally,
) -> Result<TestFormat, ReportError> {
    let mut x = XmlStream::new(reader, path, FORMAT);
    let mut buf = Vec::new();
    let (root, empty) = super::xmldrive::read_root(&mut x, &mut buf)?;
    let local = root.local_name();
    let local = local.as_ref();
    if junit::is_root(local) {
        junit::read(&mut x, &mut buf, &root, empty, t)?;
        return Ok(TestFormat::Junit);
    }
    if trx::is_root(local) {
        trx::read(&mut x, &mut buf, &root, empty, t)?;
        return Ok(TestFormat::Trx);
    }
    if let Some(v) = nunit::version_of_root(local) {
        return nunit::read(&mut x, &mut buf, &root, empty, v, t);
    }
    if xunit::is_root(local) {
        return xunit::read(&mut x, &mut buf, &root, empty, t);
    }
    Err(unknown(
        path,
        format!("the root element is <{}>", display_name(&root)),
    ))
}

/// What the first lines of a non-XML file say it is.
#[derive(Debug, PartialEq, Eq)]
enum TextKind {
    GoTest,
    Dart,
    Document,
    Unknown(String),
}

/// Lines `go test -json` (Go < 1.24) prints as plain text next to its events.
pub(crate) fn is_go_text(line: &str) -> bool {
    line.starts_with("FAIL\t")
        || line.starts_with("ok  \t")
        || line.starts_with("?   \t")
        || line.starts_with("# ")
}

/// Classifies by the lines that fit in the first buffer: the first line that is a complete
/// JSON object decides between go test (`Action`) and Dart (`type`) event streams; a first
/// line that is not a complete object (pretty-printed JSON, one long line) is a document.
fn classify(head: &[u8], whole_file: bool) -> TextKind {
    let mut lines = head.split(|&b| b == b'\n').peekable();
    let mut saw_go_text = false;
    while let Some(raw) = lines.next() {
        let complete = lines.peek().is_some() || whole_file;
        let line = String::from_utf8_lossy(raw);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if is_go_text(line) {
            saw_go_text = true;
            continue;
        }
        if !line.starts_with('{') {
            let shown: String = line.chars().take(40).collect();
            return TextKind::Unknown(format!("found text starting with `{shown}`"));
        }
        if !complete {
            return TextKind::Document;
        }
        let Ok(serde_json::Value::Object(obj)) = serde_json::from_str::<serde_json::Value>(line)
        else {
            return TextKind::Document;
        };
        if obj.contains_key("Action") {
            return TextKind::GoTest;
        }
        if obj.get("type").is_some_and(|v| v.is_string())
            && (obj.contains_key("time") || obj.contains_key("protocolVersion"))
        {
            return TextKind::Dart;
        }
        if saw_go_text {
            return TextKind::Unknown("found JSON lines that are not go test events".into());
        }
        return TextKind::Document;
    }
    if saw_go_text {
        TextKind::GoTest
    } else {
        TextKind::Unknown("found no JSON".into())
    }
}

fn read_text(
    path: &Path,
    mut reader: BufReader<File>,
    t: &mut Tally,
) -> Result<TestFormat, ReportError> {
    let capacity = reader.capacity();
    let head = reader.fill_buf().map_err(|e| ReportError::io(path, e))?;
    let whole = head.len() < capacity;
    match classify(head, whole) {
        TextKind::GoTest => {
            gotest::read(path, reader, t)?;
            Ok(TestFormat::GoTest)
        }
        TextKind::Dart => {
            dart::read(path, reader, t)?;
            Ok(TestFormat::Dart)
        }
        TextKind::Document => jsondoc::read(path, reader, t),
        TextKind::Unknown(detail) => Err(unknown(path, detail)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_first_lines() {
        let cases: &[(&str, bool, TextKind)] = &[
            (
                "{\"Time\":\"t\",\"Action\":\"run\",\"Package\":\"p\"}\n{",
                false,
                TextKind::GoTest,
            ),
            (
                "FAIL\tx/broken [build failed]\n{\"Action\":\"run\"}\n",
                true,
                TextKind::GoTest,
            ),
            ("FAIL\tx/broken [build failed]\n", true, TextKind::GoTest),
            (
                "{\"protocolVersion\":\"0.1.1\",\"type\":\"start\",\"time\":0}\n",
                true,
                TextKind::Dart,
            ),
            ("{\n  \"stats\": {\n", false, TextKind::Document),
            (
                "{\"version\":\"3.12.0\",\"examples\":[{",
                false,
                TextKind::Document,
            ),
            (
                "{\"version\":\"3.12.0\",\"examples\":[]}",
                true,
                TextKind::Document,
            ),
            (
                "hello world\n",
                true,
                TextKind::Unknown("found text starting with `hello world`".into()),
            ),
            ("\n\n", true, TextKind::Unknown("found no JSON".into())),
        ];
        for (text, whole, want) in cases {
            assert_eq!(classify(text.as_bytes(), *whole), *want, "{text:?}");
        }
    }
}
