//! Opening a report file the same way for every reader: a 64 KiB buffer and a look at its
//! first meaningful bytes, so empty files, UTF-16 (refused with a conversion hint) and JSON
//! where XML was expected (or the reverse) fail with a clear message before any parsing.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::reports::ReportError;

/// Read buffer size for every report file.
pub(crate) const BUF_CAPACITY: usize = 64 * 1024;

/// What the first meaningful bytes of a file look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Xml,
    Json,
    Other,
}

/// Opens `path` with a 64 KiB buffer and classifies its first non-blank byte. Empty and
/// UTF-16 files are errors; a UTF-8 byte order mark is skipped.
pub(crate) fn open_sniffed(
    path: &Path,
    format: &'static str,
) -> Result<(BufReader<File>, Sniffed), ReportError> {
    let file = File::open(path).map_err(|e| ReportError::io(path, e))?;
    let mut reader = BufReader::with_capacity(BUF_CAPACITY, file);
    let head = reader.fill_buf().map_err(|e| ReportError::io(path, e))?;
    if head.is_empty() {
        return Err(ReportError::malformed(path, format, "the file is empty"));
    }
    let utf16 = head.starts_with(&[0xFE, 0xFF])
        || head.starts_with(&[0xFF, 0xFE])
        || (head.len() >= 2 && (head[0] == 0 || head[1] == 0));
    if utf16 {
        return Err(ReportError::malformed(
            path,
            format,
            "the file is UTF-16 encoded and only UTF-8 is supported; convert it first \
             (e.g. `iconv -f UTF-16 -t UTF-8`)",
        ));
    }
    let bom = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let first = head[bom..]
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace());
    let kind = match first {
        Some(b'<') => Sniffed::Xml,
        Some(b'{') | Some(b'[') => Sniffed::Json,
        Some(_) => Sniffed::Other,
        None if head.len() < BUF_CAPACITY => {
            return Err(ReportError::malformed(
                path,
                format,
                "the file contains only whitespace",
            ));
        }
        None => Sniffed::Other,
    };
    reader.consume(bom);
    Ok((reader, kind))
}
