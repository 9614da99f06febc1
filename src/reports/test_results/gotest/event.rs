//! One `go test -json` (test2json) event, read from its line without a DOM: the members the
//! counter in `gotest.rs` needs.

use std::borrow::Cow;

use crate::reports::parse::jsonslice::{self, SliceError};

/// One test2json event: the members the counter reads, borrowed from the line where they
/// need no unescaping. Read with [`jsonslice`] — every line is a small flat object whose
/// `Time` and `Elapsed` are skipped, which serde would decode field by field.
pub(super) struct Event<'a> {
    pub(super) action: Cow<'a, str>,
    pub(super) package: Option<Cow<'a, str>>,
    pub(super) test: Option<Cow<'a, str>>,
    pub(super) output: Option<Cow<'a, str>>,
    pub(super) import_path: Option<Cow<'a, str>>,
}

impl<'a> Event<'a> {
    /// Reads the event object filling `line` (nothing but blanks may follow it). `Action` is
    /// required; a member given twice is an error, as serde reports it for a struct.
    pub(super) fn parse(line: &'a [u8], open: &mut Vec<u8>) -> Result<Self, SliceError> {
        const NAMES: [&str; 5] = ["Action", "Package", "Test", "Output", "ImportPath"];
        let mut fields: [Option<Cow<'a, str>>; 5] = Default::default();
        let used = jsonslice::wanted_members(line, open, &NAMES, |i, value| {
            fields[i] = jsonslice::string_or_null(value, NAMES[i])?;
            Ok(())
        })?;
        if let Some(&b) = line[used..].iter().find(|b| !b.is_ascii_whitespace()) {
            return Err(SliceError::Invalid(format!(
                "trailing characters after the event (found `{}`)",
                b.escape_ascii()
            )));
        }
        let [action, package, test, output, import_path] = fields;
        let action = action.ok_or_else(|| SliceError::Invalid("missing field `Action`".into()))?;
        Ok(Event {
            action,
            package,
            test,
            output,
            import_path,
        })
    }
}
