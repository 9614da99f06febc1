//! A structural JSON pull scanner for large reports: walks objects and arrays over a 256 KiB
//! buffer, skips values without parsing them and hands out one element at a time as raw bytes
//! for `serde_json::from_slice`.
//!
//! Why not `serde_json::from_reader`: its reader path pulls one byte at a time through
//! `io::Read` and runs at roughly a third of `from_slice` speed. The SARIF, mocha and RSpec
//! readers only need a few keys and a stream of array elements, so this scanner finds element
//! boundaries with a byte loop and lets serde parse each (small) element from a slice. Memory is
//! the buffer plus the largest single element captured, capped at [`MAX_ELEMENT_BYTES`].
//! Skipped values are checked structurally (brackets match, strings close, scalars use JSON's
//! alphabet); captured values are fully validated by serde. Nesting is tracked on a heap stack,
//! never by recursion.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::jsonslice::{SliceError, is_json_space, is_scalar_byte};
use crate::reports::ReportError;

/// Largest single value (one SARIF result or tool, one RSpec example, …) captured for parsing.
pub(crate) const MAX_ELEMENT_BYTES: usize = 32 * 1024 * 1024;

const BUF_SIZE: usize = 256 * 1024;

/// Longest object key kept; longer keys are still scanned but compared truncated.
const MAX_KEY_BYTES: usize = 256;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Object { first: bool },
    Array { first: bool },
}

pub(crate) struct JsonScanner<R> {
    src: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    /// Bytes consumed before `buf[0]`.
    base: u64,
    eof: bool,
    stack: Vec<Frame>,
    /// Open brackets of the value being scanned (reused).
    open: Vec<u8>,
    /// Raw bytes of the key being read (reused).
    key_buf: Vec<u8>,
    path: PathBuf,
    format: &'static str,
}

/// Bytes that end a scalar (number, `true`, `false`, `null`).
fn is_delim(b: u8) -> bool {
    matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t' | b':')
}

impl<R: Read> JsonScanner<R> {
    pub(crate) fn new(src: R, path: &Path, format: &'static str) -> Self {
        JsonScanner {
            src,
            buf: vec![0u8; BUF_SIZE].into_boxed_slice(),
            pos: 0,
            end: 0,
            base: 0,
            eof: false,
            stack: Vec::new(),
            open: Vec::new(),
            key_buf: Vec::new(),
            path: path.to_path_buf(),
            format,
        }
    }

    /// Byte offset of the next unread byte, for messages.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// A `Malformed` error at the current offset.
    pub(crate) fn error(&self, detail: impl std::fmt::Display) -> ReportError {
        ReportError::malformed(
            &self.path,
            self.format,
            format!("{detail} (near byte {})", self.offset()),
        )
    }

    fn truncated(&self) -> ReportError {
        ReportError::malformed(
            &self.path,
            self.format,
            format!(
                "unexpected end of file at byte {}; the file looks truncated",
                self.offset()
            ),
        )
    }

    /// Makes at least one unread byte available; `false` at end of file.
    fn fill(&mut self) -> Result<bool, ReportError> {
        if self.pos < self.end {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        self.base += self.end as u64;
        self.pos = 0;
        self.end = 0;
        loop {
            match self.src.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(ReportError::io(&self.path, e)),
            }
        }
    }

    /// Next non-whitespace byte without consuming it; `None` at end of file.
    fn peek(&mut self) -> Result<Option<u8>, ReportError> {
        loop {
            if !self.fill()? {
                return Ok(None);
            }
            let b = self.buf[self.pos];
            if is_json_space(b) {
                self.pos += 1;
            } else {
                return Ok(Some(b));
            }
        }
    }

    fn expect_byte(&mut self, want: u8, what: &str) -> Result<(), ReportError> {
        match self.peek()? {
            Some(b) if b == want => {
                self.pos += 1;
                Ok(())
            }
            Some(b) => Err(self.error(format!("expected {what}, found `{}`", b as char))),
            None => Err(self.truncated()),
        }
    }

    /// What kind of value comes next: `{`, `[`, `"`, or the first byte of a scalar.
    pub(crate) fn peek_value(&mut self) -> Result<u8, ReportError> {
        self.peek()?.ok_or_else(|| self.truncated())
    }

    /// Enters an object (`{`); then call [`Self::next_key`] until it returns `false`.
    pub(crate) fn begin_object(&mut self, what: &str) -> Result<(), ReportError> {
        self.expect_byte(b'{', what)?;
        self.stack.push(Frame::Object { first: true });
        Ok(())
    }

    /// Enters an array (`[`); then call [`Self::next_element`] until it returns `false`.
    pub(crate) fn begin_array(&mut self, what: &str) -> Result<(), ReportError> {
        self.expect_byte(b'[', what)?;
        self.stack.push(Frame::Array { first: true });
        Ok(())
    }

    /// Reads the next key of the current object into `key` (cleared first) and consumes the
    /// `:`; `false` (and the object is left) at `}`.
    pub(crate) fn next_key(&mut self, key: &mut String) -> Result<bool, ReportError> {
        if !matches!(self.stack.last(), Some(Frame::Object { .. })) {
            return Err(self.error("internal: next_key outside an object"));
        }
        if !self.next_member(b'}', "an object")? {
            return Ok(false);
        }
        if self.peek()? != Some(b'"') {
            return match self.peek()? {
                None => Err(self.truncated()),
                Some(b) => Err(self.error(format!("expected a string key, found `{}`", b as char))),
            };
        }
        let mut raw = std::mem::take(&mut self.key_buf);
        let scanned = self.capture_value(&mut raw);
        self.key_buf = raw;
        scanned?;
        let raw = &self.key_buf;
        key.clear();
        if raw.contains(&b'\\') {
            let s: String = serde_json::from_slice(raw)
                .map_err(|e| self.error(format!("bad object key: {e}")))?;
            key.push_str(&s);
        } else {
            let inner = &raw[1..raw.len() - 1];
            let s = std::str::from_utf8(inner)
                .map_err(|e| self.error(format!("object key is not UTF-8: {e}")))?;
            key.push_str(s);
        }
        if key.len() > MAX_KEY_BYTES {
            let mut cut = MAX_KEY_BYTES;
            while !key.is_char_boundary(cut) {
                cut -= 1;
            }
            key.truncate(cut);
        }
        self.expect_byte(b':', "`:` after an object key")?;
        Ok(true)
    }

    /// `true` if the current array has another element (positioned at it); `false` (and the
    /// array is left) at `]`.
    pub(crate) fn next_element(&mut self) -> Result<bool, ReportError> {
        if !matches!(self.stack.last(), Some(Frame::Array { .. })) {
            return Err(self.error("internal: next_element outside an array"));
        }
        self.next_member(b']', "an array")
    }

    /// Steps to the next member of the innermost object or array: `false` (and the container is
    /// left) at `close`; otherwise over the `,` that separates members (none before the first).
    fn next_member(&mut self, close: u8, container: &str) -> Result<bool, ReportError> {
        let first = match self.stack.last_mut() {
            Some(Frame::Object { first } | Frame::Array { first }) => first,
            None => return Err(self.error("internal: no open object or array")),
        };
        let was_first = std::mem::replace(first, false);
        match self.peek()? {
            None => Err(self.truncated()),
            Some(b) if b == close => {
                self.pos += 1;
                self.stack.pop();
                Ok(false)
            }
            Some(_) if was_first => Ok(true),
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) => Err(self.error(format!(
                "expected `,` or `{}` in {container}, found `{}`",
                close as char, b as char
            ))),
        }
    }

    /// Skips the next value.
    pub(crate) fn skip_value(&mut self) -> Result<(), ReportError> {
        let mut none = Vec::new();
        self.scan_value(false, &mut none)
    }

    /// Copies the next value's bytes into `out` (cleared first), for `serde_json::from_slice`.
    pub(crate) fn capture_value(&mut self, out: &mut Vec<u8>) -> Result<(), ReportError> {
        out.clear();
        self.scan_value(true, out)
    }

    /// Runs `parse` on the next value, which must be an object: directly on the read buffer
    /// when the object lies in it whole (no copy, no separate scan), else on a copy in
    /// `scratch`. `parse` gets bytes starting at the object and returns what it made of it and
    /// how many bytes the object took, or [`SliceError::Incomplete`] when the object runs past
    /// the bytes it got; its other errors are mapped to `Malformed` naming `what`.
    pub(crate) fn with_object<T>(
        &mut self,
        scratch: &mut Vec<u8>,
        what: &dyn std::fmt::Display,
        mut parse: impl FnMut(&[u8]) -> Result<(T, usize), SliceError>,
    ) -> Result<T, ReportError> {
        if self.peek_value()? != b'{' {
            return Err(self.error(format!("{what}: expected an object")));
        }
        match parse(&self.buf[self.pos..self.end]) {
            Ok((value, used)) => {
                self.pos += used;
                return Ok(value);
            }
            // The object runs past the buffer: copy it whole and parse the copy.
            Err(SliceError::Incomplete) => {}
            Err(SliceError::Invalid(e)) => return Err(self.error(format!("{what}: {e}"))),
        }
        self.capture_value(scratch)?;
        match parse(scratch) {
            Ok((value, _)) => Ok(value),
            Err(SliceError::Incomplete) => Err(self.truncated()),
            Err(SliceError::Invalid(e)) => Err(self.error(format!("{what}: {e}"))),
        }
    }

    /// After the top-level value: only whitespace may follow.
    pub(crate) fn finish(&mut self) -> Result<(), ReportError> {
        match self.peek()? {
            None => Ok(()),
            Some(b) => Err(self.error(format!(
                "trailing characters after the JSON document (found `{}`)",
                b as char
            ))),
        }
    }

    fn too_big(&self) -> ReportError {
        self.error(format!(
            "a single JSON value is larger than {} MiB; such a report is not supported",
            MAX_ELEMENT_BYTES / (1024 * 1024)
        ))
    }

    /// Appends `buf[from..to]` to a capture, within [`MAX_ELEMENT_BYTES`].
    fn flush(&self, out: &mut Vec<u8>, from: usize, to: usize) -> Result<(), ReportError> {
        if out.len() + (to - from) > MAX_ELEMENT_BYTES {
            return Err(self.too_big());
        }
        out.extend_from_slice(&self.buf[from..to]);
        Ok(())
    }

    /// Scans one complete value (string, scalar, object or array) starting at the next
    /// non-blank byte. Bytes are copied to `out` in whole runs (at a buffer refill and at the
    /// end) only when `capture`; strings are searched with `memchr`, nesting is counted on a
    /// reused heap stack.
    fn scan_value(&mut self, capture: bool, out: &mut Vec<u8>) -> Result<(), ReportError> {
        let first = self.peek_value()?;
        match first {
            b'"' | b'{' | b'[' => {}
            b'}' | b']' | b',' | b':' => {
                return Err(self.error(format!("expected a value, found `{}`", first as char)));
            }
            _ => return self.scan_scalar(capture, out),
        }
        let mut open = std::mem::take(&mut self.open);
        open.clear();
        let result = self.scan_nested(capture, out, &mut open);
        self.open = open;
        result
    }

    fn scan_nested(
        &mut self,
        capture: bool,
        out: &mut Vec<u8>,
        open: &mut Vec<u8>,
    ) -> Result<(), ReportError> {
        let mut seg = self.pos;
        let mut in_string = false;
        // The byte after a backslash at the very end of the buffer is skipped after refilling.
        let mut pending_escape = false;
        loop {
            if self.pos >= self.end {
                if capture {
                    self.flush(out, seg, self.end)?;
                }
                if !self.fill()? {
                    return Err(self.truncated());
                }
                seg = 0;
                if pending_escape {
                    self.pos += 1;
                    pending_escape = false;
                    continue;
                }
            }
            if in_string {
                let chunk = &self.buf[self.pos..self.end];
                match memchr::memchr2(b'"', b'\\', chunk) {
                    None => {
                        if !capture && chunk.iter().any(|&b| b < 0x20) {
                            return Err(self.error("control character inside a string"));
                        }
                        self.pos = self.end;
                    }
                    Some(j) => {
                        if !capture && chunk[..j].iter().any(|&b| b < 0x20) {
                            return Err(self.error("control character inside a string"));
                        }
                        if chunk[j] == b'"' {
                            self.pos += j + 1;
                            in_string = false;
                            if open.is_empty() {
                                break;
                            }
                        } else if self.pos + j + 1 < self.end {
                            self.pos += j + 2;
                        } else {
                            self.pos = self.end;
                            pending_escape = true;
                        }
                    }
                }
                continue;
            }
            let chunk = &self.buf[self.pos..self.end];
            let Some(j) = chunk
                .iter()
                .position(|&b| matches!(b, b'"' | b'{' | b'[' | b'}' | b']'))
            else {
                self.pos = self.end;
                continue;
            };
            let b = chunk[j];
            self.pos += j + 1;
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => open.push(b),
                _ => {
                    let want = if b == b'}' { b'{' } else { b'[' };
                    if open.pop() != Some(want) {
                        self.pos -= 1;
                        return Err(self.error(format!("mismatched `{}`", b as char)));
                    }
                    if open.is_empty() {
                        break;
                    }
                }
            }
        }
        if capture {
            self.flush(out, seg, self.pos)?;
        }
        Ok(())
    }

    fn scan_scalar(&mut self, capture: bool, out: &mut Vec<u8>) -> Result<(), ReportError> {
        let mut any = false;
        loop {
            if !self.fill()? {
                break;
            }
            let chunk = &self.buf[self.pos..self.end];
            let n = chunk
                .iter()
                .position(|&b| is_delim(b))
                .unwrap_or(chunk.len());
            if let Some(bad) = chunk[..n].iter().find(|&&b| !is_scalar_byte(b)) {
                return Err(self.error(format!(
                    "unexpected character `{}` in a value",
                    bad.escape_ascii()
                )));
            }
            if capture {
                self.flush(out, self.pos, self.pos + n)?;
            }
            any |= n > 0;
            self.pos += n;
            if self.pos < self.end {
                break;
            }
        }
        if !any {
            return Err(self.truncated());
        }
        Ok(())
    }
}

/// Deserializes the first JSON value of `bytes`, returning it and the bytes it took; for
/// [`JsonScanner::with_object`].
pub(crate) fn first_value<'a, T: serde::Deserialize<'a>>(
    bytes: &'a [u8],
) -> Result<(T, usize), serde_json::Error> {
    let mut it = serde_json::Deserializer::from_slice(bytes).into_iter::<T>();
    match it.next() {
        Some(Ok(v)) => Ok((v, it.byte_offset())),
        Some(Err(e)) => Err(e),
        None => Err(serde::de::Error::custom("no value")),
    }
}

/// Parses a captured element with serde, mapping errors to `Malformed` for `path`.
pub(crate) fn parse_element<'a, T: serde::Deserialize<'a>>(
    raw: &'a [u8],
    path: &Path,
    format: &'static str,
    what: &dyn std::fmt::Display,
) -> Result<T, ReportError> {
    serde_json::from_slice(raw)
        .map_err(|e| ReportError::malformed(path, format, format!("{what}: {e}")))
}

#[cfg(test)]
mod tests;
