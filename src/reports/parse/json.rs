//! The JSON plumbing shared by the JSON readers (SARIF, benchmarks, test reports, the `json`
//! gate): opening a file as JSON (refusing XML and empty or UTF-16 files), serde_json errors
//! mapped to an [`ReportError`] naming the file, and strings borrowed from the input.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use super::xml::{self, Sniffed};
use crate::reports::ReportError;

/// Opens a JSON report file: empty/UTF-16 files are errors, XML is `UnknownFormat`.
pub(crate) fn open_json(
    path: &Path,
    format: &'static str,
    expected: &'static str,
) -> Result<BufReader<File>, ReportError> {
    let (reader, sniffed) = xml::open_sniffed(path, format)?;
    match sniffed {
        Sniffed::Json => Ok(reader),
        Sniffed::Xml => Err(ReportError::UnknownFormat {
            path: path.to_path_buf(),
            expected,
            detail: "found XML".into(),
        }),
        Sniffed::Other => Err(ReportError::UnknownFormat {
            path: path.to_path_buf(),
            expected,
            detail: "the file does not start with `{` or `[`".into(),
        }),
    }
}

/// For `Option<Cow<str>>` fields: borrows the string from the input when it has no escapes.
/// serde's own `Cow` impl always allocates, and `#[serde(borrow)]` reaches a `Cow` only when
/// it is the field's type, not inside an `Option` — one allocation per string per event in the
/// line-per-event readers. Use with `#[serde(borrow, default, deserialize_with = …)]`.
pub(crate) fn borrowed_str<'de: 'a, 'a, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<std::borrow::Cow<'a, str>>, D::Error> {
    #[derive(serde::Deserialize)]
    struct Borrowed<'a>(#[serde(borrow)] std::borrow::Cow<'a, str>);
    Ok(<Option<Borrowed<'a>> as serde::Deserialize>::deserialize(d)?.map(|b| b.0))
}

/// Maps a serde_json error to `Io` or `Malformed` (serde_json reports line and column).
pub(crate) fn json_error(path: &Path, format: &'static str, e: serde_json::Error) -> ReportError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => ReportError::io(path, std::io::Error::other(e.to_string())),
        Category::Eof => ReportError::malformed(
            path,
            format,
            format!("unexpected end of file ({e}); the file looks truncated"),
        ),
        Category::Syntax | Category::Data => ReportError::malformed(path, format, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_strings_are_borrowed_unless_escaped() {
        use std::borrow::Cow;
        #[derive(serde::Deserialize)]
        struct T<'a> {
            #[serde(borrow, default, deserialize_with = "borrowed_str")]
            s: Option<Cow<'a, str>>,
        }
        let plain: T<'_> = serde_json::from_slice(br#"{"s":"pkg/a"}"#).unwrap();
        assert!(matches!(plain.s, Some(Cow::Borrowed("pkg/a"))));
        let escaped: T<'_> = serde_json::from_slice(br#"{"s":"line\n"}"#).unwrap();
        assert!(matches!(escaped.s, Some(Cow::Owned(ref o)) if o == "line\n"));
        for absent in [&br#"{"s":null}"#[..], b"{}"] {
            let t: T<'_> = serde_json::from_slice(absent).unwrap();
            assert!(t.s.is_none());
        }
        assert!(serde_json::from_slice::<T<'_>>(br#"{"s":5}"#).is_err());
    }
}
