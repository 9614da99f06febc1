//! Freezes from an iCalendar file (`freezes: [{ ics: .github/holidays.ics }]`): every event
//! (VEVENT) of the file is a freeze, its SUMMARY the reason — the shape public holiday
//! calendars are published in.
//!
//! Pure like the rest of `policy`: the action reads the file (workspace I/O, see `load.rs` for
//! what the reader hands in) and this module turns its text into [`CalendarEvent`]s, each a
//! fixed interval or a [`Recurrence`] (RRULE with EXDATE). What the file means:
//!
//! * DTSTART with DTEND or DURATION; no end: an all-day event lasts its day, a timed one
//!   nothing (and freezes nothing).
//! * All-day dates (`VALUE=DATE`) are whole days, midnight to midnight, in the freeze's
//!   `timezone` if the policy gives one, else the calendar's `X-WR-TIMEZONE`; so are times
//!   without zone ("floating"). A date needing a zone where neither is given is an error.
//! * Times with `Z` are UTC; a `TZID` parameter names an IANA zone directly, through its
//!   VTIMEZONE's `X-LIC-LOCATION`, or at the end of a path-like TZID (`/…/Europe/Berlin`).
//! * RRULE (all of RFC 5545, as for policy rules), RDATE (dates and date-times), EXDATE, and
//!   RECURRENCE-ID (a moved or cancelled instance replaces the master's occurrence) are
//!   honoured; `STATUS:CANCELLED` events freeze nothing.
//!
//! A file that is not an iCalendar file, or an event that cannot be read, is a policy error
//! naming the file, the line and the fix; the file is bounded ([`MAX_ICS_BYTES`],
//! [`MAX_EVENTS`], [`MAX_STARTS_PER_DAY`] for its repeating events together) so that
//! evaluating it stays as cheap as a policy's own freezes.

use std::fmt;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use super::recurrence::Recurrence;

mod events;
mod lines;
pub(crate) mod load;
mod values;

/// Largest calendar file read, in bytes (public holiday calendars are tens of kilobytes).
pub(crate) const MAX_ICS_BYTES: usize = 1024 * 1024;
/// Most events one calendar may hold.
pub(crate) const MAX_EVENTS: usize = 5000;
/// Most starts a day all of a calendar's repeating events may have together: as many as a
/// stage's 50 recurring freezes at their limit, so a calendar costs no more to evaluate.
pub(crate) const MAX_STARTS_PER_DAY: usize = 50 * crate::policy::rrule::MAX_STARTS_PER_DAY;

/// `freezes[].ics`: a calendar file whose events are freezes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct CalendarFreeze {
    /// The file, workspace-relative, as written.
    pub(crate) ics: String,
    /// `timezone` as written: the zone of all-day dates and floating times.
    pub(crate) timezone: Option<String>,
    /// The resolved `timezone`.
    #[serde(skip)]
    pub(crate) tz: Option<TimeZone>,
    /// `reason` as written: put before each event's SUMMARY.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<String>,
    /// Where `ics` is written in the policy file, for errors about the file as a whole.
    #[serde(skip)]
    pub(crate) written_at: WrittenAt,
    /// The events, once the file is read (see [`crate::policy::Policy::load_calendars`]).
    #[serde(skip)]
    pub(crate) events: Vec<CalendarEvent>,
    /// Whether the file has been read.
    #[serde(skip)]
    pub(crate) loaded: bool,
}

/// Where a key is written: file, line, column and key path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct WrittenAt {
    /// The policy file.
    pub(crate) file: String,
    /// 1-based line.
    pub(crate) line: usize,
    /// 1-based column.
    pub(crate) column: usize,
    /// Key path, e.g. `stages.PROD.freezes[2].ics`.
    pub(crate) path: String,
}

/// One event of a calendar: why it freezes and when.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CalendarEvent {
    /// The freeze reason: SUMMARY (after the freeze's `reason`, if any).
    pub(crate) reason: String,
    /// The line of its `BEGIN:VEVENT`.
    pub(crate) line: usize,
    /// When it is in force.
    pub(crate) times: EventTimes,
}

/// When an event is in force.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EventTimes {
    /// Once, from (inclusive) to (exclusive).
    Once(Timestamp, Timestamp),
    /// Each occurrence of a rule.
    Recurring(Box<Recurrence>),
}

impl CalendarEvent {
    /// Its intervals that overlap `[lo, hi]`, ascending.
    pub(crate) fn intervals(&self, lo: Timestamp, hi: Timestamp) -> Vec<(Timestamp, Timestamp)> {
        match &self.times {
            EventTimes::Once(s, e) => {
                if *e > lo && *s <= hi {
                    vec![(*s, *e)]
                } else {
                    Vec::new()
                }
            }
            EventTimes::Recurring(r) => r.intervals(lo, hi),
        }
    }
}

/// A problem at a line of the calendar file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IcsError {
    /// 1-based physical line.
    pub(crate) line: usize,
    /// The property at fault (`DTSTART`), empty for the line as a whole.
    pub(crate) property: String,
    /// What is wrong.
    pub(crate) message: String,
    /// What to do about it.
    pub(crate) help: String,
}

impl IcsError {
    pub(crate) fn at(
        line: usize,
        property: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> IcsError {
        IcsError {
            line,
            property: property.to_string(),
            message: message.into(),
            help: help.into(),
        }
    }
}

impl fmt::Display for IcsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {} {}", self.line, self.message, self.help)
    }
}

/// The events of a calendar file's text. `file` names it in reasons of events without
/// SUMMARY; `timezone` is the freeze's zone for all-day dates and floating times (else the
/// calendar's `X-WR-TIMEZONE`); `prefix` the freeze's `reason`.
pub(crate) fn parse_calendar(
    file: &str,
    text: &str,
    timezone: Option<(&str, &TimeZone)>,
    prefix: Option<&str>,
) -> Result<Vec<CalendarEvent>, IcsError> {
    if text.len() > MAX_ICS_BYTES {
        return Err(IcsError::at(
            1,
            "",
            format!(
                "the calendar is {} bytes, more than the {MAX_ICS_BYTES} read",
                text.len()
            ),
            "Keep the years the freezes need (a public holiday calendar is tens of kilobytes), or check that `ics` names the right file.",
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let top = lines::components(text)?;
    if top.is_empty() {
        return Err(IcsError::at(
            1,
            "",
            "the file holds no calendar",
            "An iCalendar file starts with `BEGIN:VCALENDAR` and ends with `END:VCALENDAR`.",
        ));
    }
    if let Some(other) = top.iter().find(|c| c.name != "VCALENDAR") {
        return Err(IcsError::at(
            other.line,
            "BEGIN",
            format!(
                "`BEGIN:{}` is outside `BEGIN:VCALENDAR`",
                lines::shorten(&other.name)
            ),
            "Every component of an iCalendar file lies inside `BEGIN:VCALENDAR` … `END:VCALENDAR`.",
        ));
    }
    events::convert(file, &top, timezone, prefix)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_files;
#[cfg(test)]
mod tests_policy;
