//! Line-per-event reports (`go test -json`, Dart's JSON reporter): one bounded line at a time,
//! trimmed, so a reader sees each event as a slice and memory stays bounded whatever the file.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::jsonscan::MAX_ELEMENT_BYTES;
use crate::reports::ReportError;

/// Reads one line into `out` (appending; `\n` kept), refusing one longer than
/// [`MAX_ELEMENT_BYTES`]; returns the bytes read, 0 at the end of the file.
pub(crate) fn read_line(
    path: &Path,
    format: &'static str,
    src: &mut BufReader<File>,
    out: &mut Vec<u8>,
) -> Result<usize, ReportError> {
    let mut total = 0;
    loop {
        let buf = src.fill_buf().map_err(|e| ReportError::io(path, e))?;
        if buf.is_empty() {
            return Ok(total);
        }
        let (take, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if out.len() + take > MAX_ELEMENT_BYTES {
            return Err(ReportError::malformed(
                path,
                format,
                format!(
                    "a line is longer than {} MiB; this is not a test event stream",
                    MAX_ELEMENT_BYTES / (1024 * 1024)
                ),
            ));
        }
        out.extend_from_slice(&buf[..take]);
        src.consume(take);
        total += take;
        if done {
            return Ok(total);
        }
    }
}

/// `line` without leading and trailing ASCII whitespace.
pub(crate) fn trim(line: &[u8]) -> &[u8] {
    let start = line
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &line[start..end.max(start)]
}
