//! What every format reader stands on, so that a reader holds only its format's rules: opening
//! a report bounded and sniffing what it is ([`sniff::open_sniffed`], [`json::open_json`]), the
//! safe XML pull parser ([`xml`]), the JSON pull scanner for large documents ([`jsonscan`]) and
//! the member walker for one object held in memory ([`jsonslice`]), bounded lines of event
//! streams ([`lines`]), and the byte searches under them ([`bytescan`]).
//!
//! Nothing here knows a report format or a gate; every error is a
//! [`super::ReportError`] naming the file.

pub(crate) mod bytescan;
pub(crate) mod json;
pub(crate) mod jsonscan;
pub(crate) mod jsonslice;
pub(crate) mod lines;
pub(crate) mod sniff;
pub(crate) mod xml;
