//! Validated promotion windows and freezes.
//!
//! Each comes in two forms: the classic one (weekly `days`/`start`/`end`, or a fixed
//! `from`/`to` freeze) and a calendar recurrence (`rrule` + `duration` + `timezone`, see
//! `recurrence.rs`); a freeze may also be every event of an iCalendar file (`ics`, see
//! `ics/`). `schedule.rs` evaluates them all together.

use std::fmt;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Serialize, Serializer};

use super::ics::CalendarFreeze;
use super::recurrence::Recurrence;

/// A day of the week, as written in `windows[].days`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// The name as written in the policy file.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }

    /// The matching `jiff` weekday.
    pub(crate) fn to_jiff(self) -> jiff::civil::Weekday {
        match self {
            Weekday::Mon => jiff::civil::Weekday::Monday,
            Weekday::Tue => jiff::civil::Weekday::Tuesday,
            Weekday::Wed => jiff::civil::Weekday::Wednesday,
            Weekday::Thu => jiff::civil::Weekday::Thursday,
            Weekday::Fri => jiff::civil::Weekday::Friday,
            Weekday::Sat => jiff::civil::Weekday::Saturday,
            Weekday::Sun => jiff::civil::Weekday::Sunday,
        }
    }
}

/// A wall-clock time of day with minute precision, `00:00` to `24:00` (the latter only as a
/// window end, meaning midnight at the end of the day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct TimeOfDay {
    /// Minutes since midnight, 0–1440.
    minutes: u16,
}

impl TimeOfDay {
    /// Parses `HH:MM` (24-hour, two digits each; `24:00` allowed).
    pub(crate) fn parse(s: &str) -> Option<TimeOfDay> {
        let b = s.as_bytes();
        if b.len() != 5
            || b[2] != b':'
            || !b
                .iter()
                .enumerate()
                .all(|(i, c)| i == 2 || c.is_ascii_digit())
        {
            return None;
        }
        let h = u16::from(b[0] - b'0') * 10 + u16::from(b[1] - b'0');
        let m = u16::from(b[3] - b'0') * 10 + u16::from(b[4] - b'0');
        if m > 59 || h > 24 || (h == 24 && m != 0) {
            return None;
        }
        Some(TimeOfDay {
            minutes: h * 60 + m,
        })
    }

    /// Minutes since midnight (0–1440).
    pub(crate) fn minutes(self) -> u16 {
        self.minutes
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A promotion window: weekly (`days`, `start`, `end`) or a recurrence (`rrule`, `duration`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum Window {
    /// `days` + `start` + `end` + `timezone`.
    Weekly(WeeklyWindow),
    /// `rrule` + `duration` + `timezone` (+ `dtstart`).
    Recurring(Recurrence),
}

impl Window {
    /// Builds a weekly window, checking the same rules as the policy parser.
    #[cfg(test)]
    pub(crate) fn new(
        days: &[Weekday],
        start: &str,
        end: &str,
        timezone: &str,
    ) -> Result<Window, String> {
        WeeklyWindow::new(days, start, end, timezone).map(Window::Weekly)
    }

    /// Builds a recurring window (`rrule`, `duration`, `timezone`, optional `dtstart`).
    #[cfg(test)]
    pub(crate) fn recurring(
        rrule: &str,
        duration: &str,
        timezone: &str,
        dtstart: Option<&str>,
    ) -> Result<Window, String> {
        Recurrence::new(rrule, duration, timezone, dtstart).map(Window::Recurring)
    }

    /// Human description, e.g. `mon,tue 09:00-16:00 America/New_York` or
    /// `FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10 for 4h Europe/Berlin`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Window::Weekly(w) => w.describe(),
            Window::Recurring(r) => r.describe(),
        }
    }

    /// The window's time zone.
    pub(crate) fn tz(&self) -> &TimeZone {
        match self {
            Window::Weekly(w) => &w.tz,
            Window::Recurring(r) => &r.tz,
        }
    }

    /// The time zone name as written.
    pub(crate) fn timezone(&self) -> &str {
        match self {
            Window::Weekly(w) => &w.timezone,
            Window::Recurring(r) => &r.timezone,
        }
    }
}

/// A weekly promotion window: on `days`, from `start` (inclusive) to `end` (exclusive),
/// wall-clock time in `timezone`.
///
/// A window never crosses midnight: an overnight window is written as two windows
/// (`22:00`–`24:00` on one day and `00:00`–`06:00` on the next).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct WeeklyWindow {
    /// Days on which the window opens.
    pub(crate) days: Vec<Weekday>,
    /// Opening wall-clock time (inclusive).
    pub(crate) start: TimeOfDay,
    /// Closing wall-clock time (exclusive), later than `start`.
    pub(crate) end: TimeOfDay,
    /// IANA time zone name as written.
    pub(crate) timezone: String,
    /// The resolved time zone.
    #[serde(skip)]
    pub(crate) tz: TimeZone,
}

impl WeeklyWindow {
    /// Builds a window, checking the same rules as the policy parser.
    #[cfg(test)]
    pub(crate) fn new(
        days: &[Weekday],
        start: &str,
        end: &str,
        timezone: &str,
    ) -> Result<WeeklyWindow, String> {
        if days.is_empty() {
            return Err("`days` is empty".into());
        }
        let start_t = TimeOfDay::parse(start)
            .filter(|t| t.minutes < 24 * 60)
            .ok_or_else(|| format!("`start` {start:?} is not a time of day HH:MM"))?;
        let end_t = TimeOfDay::parse(end)
            .ok_or_else(|| format!("`end` {end:?} is not a time of day HH:MM"))?;
        if end_t <= start_t {
            return Err(format!("`end` {end} is not after `start` {start}"));
        }
        let tz =
            TimeZone::get(timezone).map_err(|e| format!("unknown time zone {timezone:?}: {e}"))?;
        Ok(WeeklyWindow {
            days: days.to_vec(),
            start: start_t,
            end: end_t,
            timezone: timezone.to_string(),
            tz,
        })
    }

    /// Human description, e.g. `mon,tue,wed,thu 09:00-16:00 America/New_York`.
    pub(crate) fn describe(&self) -> String {
        let days: Vec<&str> = self.days.iter().map(|d| d.as_str()).collect();
        format!(
            "{} {}-{} {}",
            days.join(","),
            self.start,
            self.end,
            self.timezone
        )
    }
}

/// A period during which promotion to the stage is blocked: fixed (`from`/`to`), recurring,
/// or the events of a calendar file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum Freeze {
    /// `from` + `to` + `reason`.
    Period(FreezePeriod),
    /// `rrule` + `duration` + `timezone` + `reason` (+ `dtstart`, `exdate`).
    Recurring(RecurringFreeze),
    /// `ics` (+ `timezone`, `reason`): each event of the file, its SUMMARY the reason.
    Calendar(CalendarFreeze),
}

impl Freeze {
    /// A fixed freeze from `from` (inclusive) to `to` (exclusive).
    #[cfg(test)]
    pub(crate) fn period(from: Timestamp, to: Timestamp, reason: &str) -> Freeze {
        Freeze::Period(FreezePeriod {
            from,
            to,
            reason: reason.to_string(),
        })
    }

    /// Why the stage is frozen (for a calendar freeze, its `reason` or file; each event has
    /// its own).
    pub(crate) fn reason(&self) -> &str {
        match self {
            Freeze::Period(p) => &p.reason,
            Freeze::Recurring(r) => &r.reason,
            Freeze::Calendar(c) => c.reason.as_deref().unwrap_or(&c.ics),
        }
    }
}

/// A fixed freeze: `from` inclusive, `to` exclusive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FreezePeriod {
    /// Start of the freeze (inclusive).
    #[serde(serialize_with = "ser_timestamp")]
    pub(crate) from: Timestamp,
    /// End of the freeze (exclusive), later than `from`.
    #[serde(serialize_with = "ser_timestamp")]
    pub(crate) to: Timestamp,
    /// Why the stage is frozen (shown to users).
    pub(crate) reason: String,
}

/// A recurring freeze: each occurrence of the rule blocks promotion for `duration`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct RecurringFreeze {
    /// When each freeze starts and how long it lasts.
    #[serde(flatten)]
    pub(crate) recurrence: Recurrence,
    /// Why the stage is frozen (shown to users).
    pub(crate) reason: String,
}

/// What a scheduled run does when the stage's windows are closed.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub(crate) enum OnWindowClosed {
    /// Exit 0 with `result=deferred`; a later scheduled run retries.
    Defer,
    /// Block the promotion (exit 1).
    #[default]
    Fail,
}

/// Serializes a timestamp as RFC 3339 (jiff's `serde` feature is not enabled).
pub(crate) fn ser_timestamp<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(t)
}

/// Serializes an optional timestamp as RFC 3339 or `null`.
pub(crate) fn ser_opt_timestamp<S: Serializer>(
    t: &Option<Timestamp>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.collect_str(t),
        None => s.serialize_none(),
    }
}
