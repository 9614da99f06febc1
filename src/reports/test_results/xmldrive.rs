//! The event loop shared by the XML test-result readers (JUnit, TRX, NUnit, xUnit.net): reads
//! the root element, then feeds start/end/text events to a format's handler.
//!
//! Keeping the loop in one place means every XML format gets the same safety (DTD refusal,
//! truncation detection, bounded text) from [`XmlStream`] and the same single reused buffer.

use quick_xml::events::{BytesStart, Event};

use super::Tally;
use crate::reports::ReportError;
use crate::reports::parse::xml::XmlStream;

/// A format's reaction to XML events. `x.depth()` is the depth *after* the event (1 inside the
/// root element).
pub(crate) trait XmlHandler {
    fn start(
        &mut self,
        x: &XmlStream,
        e: &BytesStart<'_>,
        empty: bool,
        t: &mut Tally,
    ) -> Result<(), ReportError>;

    fn end(&mut self, x: &XmlStream, local: &[u8], t: &mut Tally) -> Result<(), ReportError>;

    /// Whether [`Self::text`] should see the next character data.
    fn wants_text(&self) -> bool {
        false
    }

    fn text(&mut self, _x: &XmlStream, _ev: &Event<'_>) -> Result<(), ReportError> {
        Ok(())
    }

    /// Called once at the end of the document.
    fn finish(&mut self, _x: &XmlStream, _t: &mut Tally) -> Result<(), ReportError> {
        Ok(())
    }
}

/// Reads events up to the root element; returns it (owned) and whether it was self-closing.
pub(crate) fn read_root(
    x: &mut XmlStream,
    buf: &mut Vec<u8>,
) -> Result<(BytesStart<'static>, bool), ReportError> {
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
) -> Result<(), ReportError> {
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

/// The `<message>` and `<stack-trace>` text of the failure being read (NUnit, xUnit.net):
/// which of the two elements is open and at what depth, so text is collected only inside it
/// and stops when it closes.
#[derive(Default)]
pub(crate) struct FailureText {
    pub(crate) message: String,
    pub(crate) stack: String,
    /// Whether the open element is `<message>` (else `<stack-trace>`), and its depth.
    open: Option<(bool, usize)>,
}

impl FailureText {
    /// Empties the text for a new failure (which element is open is left to the events).
    pub(crate) fn clear(&mut self) {
        self.message.clear();
        self.stack.clear();
    }

    /// A `<message>` (`is_message`) or `<stack-trace>` element just opened.
    pub(crate) fn open(&mut self, x: &XmlStream, is_message: bool) {
        self.open = Some((is_message, x.depth()));
    }

    /// Stops collecting, whatever is open (the failure's element closed).
    pub(crate) fn stop(&mut self) {
        self.open = None;
    }

    /// An element ended: stops collecting when it is the open one.
    pub(crate) fn end(&mut self, x: &XmlStream) {
        if self.open.is_some_and(|(_, depth)| x.depth() + 1 == depth) {
            self.open = None;
        }
    }

    /// Whether text is being collected, and into the message (`Some(true)`) or the stack.
    pub(crate) fn collecting(&self) -> Option<bool> {
        self.open.map(|(is_message, _)| is_message)
    }

    /// Appends character data to the open element's text.
    pub(crate) fn text(&mut self, x: &XmlStream, ev: &Event<'_>) -> Result<(), ReportError> {
        match self.collecting() {
            Some(true) => x.append_text(ev, &mut self.message),
            Some(false) => x.append_text(ev, &mut self.stack),
            None => Ok(()),
        }
    }
}
