//! The one place XML is read: a thin, safe wrapper over quick-xml's pull parser shared by the
//! test-result and coverage readers.
//!
//! Why a wrapper: every XML reader must behave the same on hostile input. This module
//! - streams events from a 64 KiB `BufReader` into a caller-owned, reused buffer (no DOM, so
//!   memory does not grow with the file);
//! - refuses any `<!DOCTYPE` carrying an internal subset or `<!ENTITY` declaration (`Unsafe`)
//!   — nothing is ever expanded or fetched; a DOCTYPE with only a PUBLIC/SYSTEM id (JaCoCo,
//!   coverage.py write one) is harmless and accepted without being resolved;
//! - accepts only the five predefined entities and character references, reporting any other
//!   `&name;` as `Malformed`;
//! - sniffs the first bytes so empty files, UTF-16 (refused with a conversion hint; only UTF-8
//!   is supported) and JSON-where-XML-was-expected give clear errors;
//! - turns an end of file with elements still open into a "truncated" error, and every parser
//!   error into `Malformed` with the byte offset;
//! - gives readers that ignore character data a fast path for self-closing tags
//!   ([`XmlStream::next_markup`]): one `<testcase …/>` per passing test is most of a large
//!   report, and taking it straight from the read buffer reads JUnit, NUnit and xUnit.net
//!   files about a third faster than quick-xml's general path, with the same events.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};
// quick-xml's own definitions, so the fast path splits names and skips blanks as it does.
use quick_xml::utils::{is_whitespace, name_len};

use super::bytescan::{find_byte, find_either3};
use crate::reports::ReportError;

pub(crate) use super::sniff::{Sniffed, open_sniffed};

/// Longest failure/message text collected from element content; the rest is skipped.
pub(crate) const MAX_TEXT_BYTES: usize = 16 * 1024;

/// A safe event stream over one XML file.
pub(crate) struct XmlStream {
    reader: Reader<BufReader<File>>,
    path: PathBuf,
    format: &'static str,
    depth: usize,
    seen_root: bool,
    /// Bytes [`XmlStream::next_markup`] consumed itself, which quick-xml's position does not
    /// count; added back wherever a position is reported.
    skipped: u64,
    /// Whether quick-xml's last event left it between markup (after a tag, comment,
    /// declaration…), the only state in which bytes may be taken from under it: after a text
    /// event it has already consumed the next `<`.
    between_markup: bool,
}

impl XmlStream {
    /// Wraps an already sniffed reader (see [`open_sniffed`]).
    pub(crate) fn new(inner: BufReader<File>, path: &Path, format: &'static str) -> Self {
        let mut reader = Reader::from_reader(inner);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        XmlStream {
            reader,
            path: path.to_path_buf(),
            format,
            depth: 0,
            seen_root: false,
            skipped: 0,
            between_markup: false,
        }
    }

    /// Byte offset just after the last event, counting what the fast path consumed.
    fn position(&self) -> u64 {
        self.reader.buffer_position() + self.skipped
    }

    /// Number of currently open elements (1 inside the root element).
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    /// A `Malformed` error for this file at the current position.
    pub(crate) fn malformed(&self, detail: impl std::fmt::Display) -> ReportError {
        ReportError::malformed(
            &self.path,
            self.format,
            format!("{detail} (near byte {})", self.position()),
        )
    }

    /// [`Self::next`] for a caller that ignores character data: whitespace between markup is
    /// not reported, and a self-closing tag found whole in the read buffer is taken from it
    /// directly instead of through quick-xml. That tag is the bulk of every large report (one
    /// `<testcase …/>` per passing test) and quick-xml's general path costs several times the
    /// scan; the event is the same one quick-xml would give (its content, and the name length by
    /// quick-xml's own `name_len`, as its `emit_start` computes it). Anything else — text,
    /// references, comments, start and end tags, a tag crossing the buffer's end, a tag with
    /// non-ASCII bytes — goes to [`Self::next`] with nothing consumed but whitespace.
    pub(crate) fn next_markup<'b>(
        &mut self,
        buf: &'b mut Vec<u8>,
    ) -> Result<Event<'b>, ReportError> {
        if self.between_markup {
            let (spaces, tag_len) = self.copy_empty_tag(buf);
            self.consume(spaces + tag_len);
            if tag_len > 0 {
                let content = std::str::from_utf8(buf)
                    .map_err(|e| self.malformed(format!("tag is not UTF-8: {e}")))?;
                let tag = BytesStart::from_content(content, name_len(content.as_bytes()));
                return Ok(Event::Empty(tag));
            }
        }
        self.next(buf)
    }

    /// Looks at the read buffer without consuming anything but whole runs of whitespace:
    /// returns the whitespace before the next markup and, when a whole self-closing ASCII tag
    /// follows it in the buffer, the tag's length (else 0), its content (between `<` and
    /// `/>`) copied into `buf`. Tags with other characters are left to quick-xml, which
    /// checks their encoding.
    fn copy_empty_tag(&mut self, buf: &mut Vec<u8>) -> (usize, usize) {
        loop {
            // An error is left for quick-xml to meet again and report with its position.
            let Ok(avail) = self.reader.get_mut().fill_buf() else {
                return (0, 0);
            };
            let spaces = avail.iter().take_while(|&&b| is_whitespace(b)).count();
            if spaces == avail.len() && !avail.is_empty() {
                self.consume(spaces);
                continue;
            }
            let rest = &avail[spaces..];
            let element =
                rest.len() > 1 && rest[0] == b'<' && !matches!(rest[1], b'!' | b'?' | b'/');
            // Only an element's tag is scanned for its end: text, comments and end tags go to
            // quick-xml untouched.
            let whole = element
                .then(|| tag_end(rest))
                .flatten()
                .filter(|&end| rest[end - 1] == b'/' && rest[1..end - 1].is_ascii());
            return match whole {
                Some(end) => {
                    buf.clear();
                    buf.extend_from_slice(&rest[1..end - 1]);
                    (spaces, end + 1)
                }
                None => (spaces, 0),
            };
        }
    }

    /// Consumes `n` bytes of the read buffer under quick-xml, keeping positions right.
    fn consume(&mut self, n: usize) {
        self.reader.get_mut().consume(n);
        self.skipped += n as u64;
    }

    /// Next event, with DTD/entity refusal, truncation detection and error mapping applied.
    /// `buf` is cleared first so callers can reuse one buffer for the whole file.
    pub(crate) fn next<'b>(&mut self, buf: &'b mut Vec<u8>) -> Result<Event<'b>, ReportError> {
        buf.clear();
        self.between_markup = false;
        let event = match self.reader.read_event_into(buf) {
            Ok(ev) => ev,
            Err(e) => {
                return Err(ReportError::malformed(
                    &self.path,
                    self.format,
                    format!(
                        "{e} at byte {}",
                        self.reader.error_position() + self.skipped
                    ),
                ));
            }
        };
        self.between_markup = !matches!(event, Event::Text(_) | Event::GeneralRef(_) | Event::Eof);
        match &event {
            Event::Start(_) => {
                self.depth += 1;
                self.seen_root = true;
            }
            Event::Empty(_) => self.seen_root = true,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::DocType(text) => {
                let raw: &[u8] = text;
                if raw.contains(&b'[') || contains(raw, b"ENTITY") {
                    return Err(ReportError::Unsafe {
                        path: self.path.clone(),
                        detail: format!(
                            "it has a <!DOCTYPE> with an internal subset or entity \
                             declarations (near byte {})",
                            self.position()
                        ),
                    });
                }
            }
            Event::GeneralRef(r) => {
                self.resolve_ref(r)?;
            }
            Event::Eof => {
                if self.depth > 0 {
                    return Err(self.malformed(format!(
                        "unexpected end of file with {} element(s) still open; the file looks \
                         truncated",
                        self.depth
                    )));
                }
                if !self.seen_root {
                    return Err(self.malformed("no root element"));
                }
            }
            _ => {}
        }
        Ok(event)
    }

    /// The text a `&...;` reference stands for: predefined entities and character references
    /// only; anything else is `Malformed` (no DTD means no other entity can be defined).
    pub(crate) fn resolve_ref(&self, r: &BytesRef<'_>) -> Result<char, ReportError> {
        if r.is_char_ref() {
            return match r.resolve_char_ref() {
                Ok(Some(c)) => Ok(c),
                Ok(None) => Err(self.malformed("character reference is not a number")),
                Err(e) => Err(self.malformed(format!("bad character reference: {e}"))),
            };
        }
        let name: &[u8] = r;
        match name {
            b"lt" => Ok('<'),
            b"gt" => Ok('>'),
            b"amp" => Ok('&'),
            b"apos" => Ok('\''),
            b"quot" => Ok('"'),
            other => Err(self.malformed(format!(
                "undefined entity `&{};` (custom entities need a DTD, which is not allowed)",
                String::from_utf8_lossy(other)
            ))),
        }
    }

    /// Appends the character content of `event` (text, CDATA or a reference) to `out`,
    /// keeping `out` under [`MAX_TEXT_BYTES`].
    pub(crate) fn append_text(
        &self,
        event: &Event<'_>,
        out: &mut String,
    ) -> Result<(), ReportError> {
        if out.len() >= MAX_TEXT_BYTES {
            return Ok(());
        }
        match event {
            Event::Text(t) => {
                let s = t
                    .decode()
                    .map_err(|e| self.malformed(format!("text is not UTF-8: {e}")))?;
                push_bounded(out, &s);
            }
            Event::CData(t) => {
                let s = t
                    .decode()
                    .map_err(|e| self.malformed(format!("CDATA is not UTF-8: {e}")))?;
                push_bounded(out, &s);
            }
            Event::GeneralRef(r) => {
                out.push(self.resolve_ref(r)?);
            }
            _ => {}
        }
        Ok(())
    }
}

fn push_bounded(out: &mut String, s: &str) {
    let room = MAX_TEXT_BYTES.saturating_sub(out.len());
    if s.len() <= room {
        out.push_str(s);
    } else {
        let mut end = room;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        out.push_str(&s[..end]);
    }
}

/// Index of the `>` closing the tag that starts `tag` (at its `<`), skipping `>` inside quoted
/// attribute values exactly as quick-xml's element parser does; `None` when the buffer ends
/// first.
fn tag_end(tag: &[u8]) -> Option<usize> {
    let mut i = 1;
    loop {
        i = find_either3(tag, i, b'>', b'"', b'\'')?;
        match tag[i] {
            b'>' => return Some(i),
            quote => i = find_byte(tag, i + 1, quote)? + 1,
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Local name of an element as UTF-8 for messages.
pub(crate) fn display_name(e: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

mod attrs;
#[cfg(test)]
mod tests;
