//! iCalendar property values: DATE, DATE-TIME (UTC, floating or with a TZID), DURATION and
//! TEXT, and the time zone a value is read in.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::IcsError;
use super::lines::{Prop, shorten};
use crate::policy::recurrence::first_instant;

/// A time zone and the name it goes by in messages and descriptions.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Zone {
    pub(super) tz: TimeZone,
    pub(super) name: String,
}

/// The zones a calendar's values are read in.
pub(super) struct Zones<'a> {
    /// For all-day dates and floating times: the freeze's `timezone`, else `X-WR-TIMEZONE`.
    pub(super) default: Option<Zone>,
    /// `TZID` → IANA name, from each VTIMEZONE's `X-LIC-LOCATION`.
    pub(super) aliases: &'a [(String, String)],
}

/// A date or date-time value, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum When {
    /// `VALUE=DATE`: a whole day.
    Date(Date),
    /// A wall-clock date-time; `utc` when written with `Z`.
    DateTime { dt: DateTime, utc: bool },
}

impl When {
    /// The wall-clock start (midnight for a date).
    pub(super) fn civil(self) -> DateTime {
        match self {
            When::Date(d) => d.to_datetime(Time::midnight()),
            When::DateTime { dt, .. } => dt,
        }
    }
}

/// Parses `20261225` or `20261225T100000` / `…Z`.
pub(super) fn when(s: &str) -> Option<When> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<i16> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let narrow = |n: i16| i8::try_from(n).ok();
    let date = Date::new(
        digits(0..4)?,
        narrow(digits(4..6)?)?,
        narrow(digits(6..8)?)?,
    )
    .ok()?;
    match b.len() {
        8 => Some(When::Date(date)),
        15 | 16 if b[8].eq_ignore_ascii_case(&b'T') => {
            let t = Time::new(
                narrow(digits(9..11)?)?,
                narrow(digits(11..13)?)?,
                narrow(digits(13..15)?)?,
                0,
            )
            .ok()?;
            let utc = match b.get(15) {
                None => false,
                Some(z) if z.eq_ignore_ascii_case(&b'Z') => true,
                Some(_) => return None,
            };
            Some(When::DateTime {
                dt: date.to_datetime(t),
                utc,
            })
        }
        _ => None,
    }
}

/// The date or date-time values of `prop` (one for DTSTART, a comma list for EXDATE/RDATE).
pub(super) fn whens(prop: &Prop) -> Result<Vec<When>, IcsError> {
    if prop
        .param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("PERIOD"))
    {
        return Err(IcsError::at(
            prop.line,
            &prop.name,
            format!("{} periods (VALUE=PERIOD) are not supported", prop.name),
            "Write each occurrence as its own event (DTSTART and DTEND), or RDATE as dates or date-times.",
        ));
    }
    let want_date = prop
        .param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
    prop.value
        .split(',')
        .map(|v| {
            let w = when(v.trim()).filter(|w| !want_date || matches!(w, When::Date(_)));
            w.ok_or_else(|| {
                IcsError::at(
                    prop.line,
                    &prop.name,
                    format!("{} `{}` is not a date or date-time", prop.name, shorten(v.trim())),
                    if want_date {
                        "With VALUE=DATE write the date as YYYYMMDD, e.g. `20261225`."
                    } else {
                        "Write YYYYMMDD for a whole day, or YYYYMMDDTHHMMSS (with `Z` for UTC, or a TZID parameter), e.g. `20261225T100000Z`."
                    },
                )
            })
        })
        .collect()
}

impl Zones<'_> {
    /// The zone of `prop`'s value `w`: UTC for `…Z`, its TZID, else the default zone.
    pub(super) fn of(&self, prop: &Prop, w: When) -> Result<Zone, IcsError> {
        if let When::DateTime { utc: true, .. } = w {
            return Ok(Zone {
                tz: TimeZone::UTC,
                name: "UTC".into(),
            });
        }
        if let (Some(tzid), When::DateTime { .. }) = (prop.param("TZID"), w) {
            return self.tzid(prop, tzid);
        }
        self.default.clone().ok_or_else(|| {
            let what = match w {
                When::Date(_) => "an all-day date",
                When::DateTime { .. } => "a time without time zone",
            };
            IcsError::at(
                prop.line,
                &prop.name,
                format!("{} is {what}, and the calendar names no time zone", prop.name),
                "Add `timezone:` to the freeze in the policy (the IANA zone whose days the calendar means, e.g. `timezone: Europe/London`), or X-WR-TIMEZONE to the calendar.",
            )
        })
    }

    /// Resolves a TZID: an IANA name, a VTIMEZONE's `X-LIC-LOCATION`, or an IANA name at the end
    /// of a path-like TZID (`/mozilla.org/20050126_1/Europe/Berlin`).
    fn tzid(&self, prop: &Prop, tzid: &str) -> Result<Zone, IcsError> {
        let found = |name: &str| {
            TimeZone::get(name).ok().map(|tz| Zone {
                tz,
                name: name.to_string(),
            })
        };
        let alias = self
            .aliases
            .iter()
            .find(|(id, _)| id == tzid)
            .and_then(|(_, loc)| found(loc));
        let suffix = || {
            tzid.match_indices('/')
                .find_map(|(i, _)| found(&tzid[i + 1..]).filter(|_| i + 1 < tzid.len()))
        };
        found(tzid).or(alias).or_else(suffix).ok_or_else(|| {
            IcsError::at(
                prop.line,
                &prop.name,
                format!("TZID `{}` is not an IANA time zone", shorten(tzid)),
                "Export the calendar with IANA zone names (such as `Europe/Berlin`), or give its VTIMEZONE an `X-LIC-LOCATION:` with one.",
            )
        })
    }
}

/// The instant at which the wall clock of `zone` shows `w` (midnight for a date).
pub(super) fn instant(zone: &Zone, w: When) -> Option<Timestamp> {
    first_instant(&zone.tz, w.civil())
}

/// Parses an RFC 5545 DURATION (`P1D`, `PT4H30M`, `P2W`, `P1DT12H`); never negative.
pub(super) fn duration(prop: &Prop) -> Result<SignedDuration, IcsError> {
    let bad = || {
        IcsError::at(
            prop.line,
            &prop.name,
            format!(
                "DURATION `{}` is not a positive duration",
                shorten(&prop.value)
            ),
            "Write e.g. `P1D` (a day), `PT4H30M` or `P2W`.",
        )
    };
    let v = prop.value.trim();
    let v = v.strip_prefix('+').unwrap_or(v);
    let body = v.strip_prefix(['P', 'p']).ok_or_else(bad)?;
    let mut secs: i64 = 0;
    let mut num = String::new();
    let mut in_time = false;
    let mut any = false;
    for c in body.chars() {
        match c.to_ascii_uppercase() {
            '0'..='9' if num.len() < 9 => num.push(c),
            'T' if num.is_empty() && !in_time => in_time = true,
            unit @ ('W' | 'D' | 'H' | 'M' | 'S') => {
                let n: i64 = num.parse().map_err(|_| bad())?;
                num.clear();
                let scale = match (unit, in_time) {
                    ('W', false) => 7 * 86_400,
                    ('D', false) => 86_400,
                    ('H', true) => 3600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return Err(bad()),
                };
                secs = secs
                    .checked_add(n.checked_mul(scale).ok_or_else(bad)?)
                    .ok_or_else(bad)?;
                any = true;
            }
            _ => return Err(bad()),
        }
    }
    if !any || !num.is_empty() {
        return Err(bad());
    }
    Ok(SignedDuration::from_secs(secs))
}

/// Unescapes TEXT (`\\,` `\\;` `\\n` `\\\\`) and folds it to one line of at most 200 characters
/// without control characters, fit for a freeze reason.
pub(super) fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        let c = if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => ' ',
                Some(other) => other,
                None => break,
            }
        } else {
            c
        };
        out.push(if c.is_control() { ' ' } else { c });
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    let one = words.join(" ");
    if one.chars().count() > 200 {
        let mut cut: String = one.chars().take(199).collect();
        cut.push('…');
        cut
    } else {
        one
    }
}
