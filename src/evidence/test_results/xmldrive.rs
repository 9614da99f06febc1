//! The event loop shared by the XML test-result readers (JUnit, TRX, NUnit, xUnit.net): reads
//! the root element, then feeds start/end/text events to a format's handler.
//!
//! Keeping the loop in one place means every XML format gets the same safety (DTD refusal,
//! truncation detection, bounded text) from [`XmlStream`] and the same single reused buffer.

use quick_xml::events::{BytesStart, Event};

use super::Tally;
use crate::evidence::EvidenceError;
use crate::evidence::xml::XmlStream;

/// A format's reaction to XML events. `x.depth()` is the depth *after* the event (1 inside the
/// root element).
pub(crate) trait XmlHandler {
    fn start(
        &mut self,
        x: &XmlStream,
        e: &BytesStart<'_>,
        empty: bool,
        t: &mut Tally,
    ) -> Result<(), EvidenceError>;

    fn end(&mut self, x: &XmlStream, local: &[u8], t: &mut Tally) -> Result<(), EvidenceError>;

    /// Whether [`Self::text`] should see the next character data.
    fn wants_text(&self) -> bool {
        false
    }

    fn text(&mut self, _x: &XmlStream, _ev: &Event<'_>) -> Result<(), EvidenceError> {
        Ok(())
    }

    /// Called once at the end of the document.
    fn finish(&mut self, _x: &XmlStream, _t: &mut Tally) -> Result<(), EvidenceError> {
        Ok(())
    }
}

/// Reads events up to the root element; returns it (owned) and whether it was self-closing.
pub(crate) fn read_root(
    x: &mut XmlStream,
    buf: &mut Vec<u8>,
) -> Result<(BytesStart<'static>, bool), EvidenceError> {
    loop {
        match x.next(buf)? {
            Event::Start(e) => return Ok((e.into_owned(), false)),
            Event::Empty(e) => return Ok((e.into_owned(), true)),
            Event::Eof => return Err(x.malformed("no root element")),
            _ => {}
        }
    }
}

/// Runs `h` over the rest of the document, starting with the already read root element.
pub(crate) fn drive<H: XmlHandler>(
    x: &mut XmlStream,
    buf: &mut Vec<u8>,
    root: &BytesStart<'_>,
    root_empty: bool,
    h: &mut H,
    t: &mut Tally,
) -> Result<(), EvidenceError> {
    h.start(x, root, root_empty, t)?;
    if root_empty {
        h.end(x, root.local_name().as_ref(), t)?;
    }
    loop {
        let event = if h.wants_text() {
            x.next(buf)?
        } else {
            x.next_markup(buf)?
        };
        match &event {
            Event::Start(e) => h.start(x, e, false, t)?,
            Event::Empty(e) => h.start(x, e, true, t)?,
            Event::End(e) => h.end(x, e.local_name().as_ref(), t)?,
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) if h.wants_text() => {
                h.text(x, &event)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    h.finish(x, t)
}
