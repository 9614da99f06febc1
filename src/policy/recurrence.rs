//! A recurring opening: an RRULE's occurrences on the wall clock of a time zone, each lasting
//! `duration`, as intervals of instants.
//!
//! This is where calendar rules meet DST. An occurrence starts at its wall-clock time and ends at
//! that wall-clock time plus `duration` (so `duration: 24h` from 00:00 ends at 00:00 the next
//! day even across a clock change); each of the two wall-clock times becomes the **first instant
//! at which the clock shows that time or later**: a time skipped by a spring-forward gap maps to
//! the transition instant, a time repeated by a fall-back fold maps to its first occurrence.
//!
//! `exdate` (RFC 5545 EXDATE) leaves occurrences out by their wall-clock start: a date-time
//! removes the occurrence starting exactly then, a date every occurrence starting that day.
//! `COUNT` counts the removed ones too, as in RFC 5545 (EXDATE applies to the rule's set).

use std::fmt;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use serde::{Serialize, Serializer};

use super::rrule::{Freq, RRule, RRuleError, Until};

/// Longest `duration` accepted (366 days): it bounds how far back an evaluation looks.
pub(crate) const MAX_DURATION: SignedDuration = SignedDuration::from_hours(366 * 24);

/// The wall-clock anchor of a rule without `dtstart`.
const DEFAULT_ANCHOR: DateTime = DateTime::constant(1970, 1, 1, 0, 0, 0, 0);

/// An RRULE with a duration, a time zone and an optional anchor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Recurrence {
    /// The rule as written (`FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10`).
    pub(crate) rrule: String,
    /// How long each occurrence lasts (wall-clock time added to its start).
    #[serde(serialize_with = "ser_duration")]
    pub(crate) duration: SignedDuration,
    /// IANA time zone name as written.
    pub(crate) timezone: String,
    /// The anchor (RFC 5545 DTSTART), a wall-clock time in `timezone`; `None` = 1970-01-01
    /// 00:00.
    #[serde(serialize_with = "ser_opt_datetime")]
    pub(crate) dtstart: Option<DateTime>,
    /// Occurrences left out (`exdate`), sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) exdate: Vec<ExDate>,
    /// The parsed rule.
    #[serde(skip)]
    pub(crate) rule: Box<RRule>,
    /// The resolved time zone.
    #[serde(skip)]
    pub(crate) tz: TimeZone,
}

impl Recurrence {
    /// Builds a recurrence, checking the same rules as the policy parser (errors as text).
    #[cfg(test)]
    pub(crate) fn new(
        rrule: &str,
        duration: &str,
        timezone: &str,
        dtstart: Option<&str>,
    ) -> Result<Recurrence, String> {
        let rule = RRule::parse(rrule).map_err(|e| e.to_string())?;
        let duration = parse_duration(duration).map_err(|(m, h)| format!("{m}. {h}"))?;
        let tz =
            TimeZone::get(timezone).map_err(|e| format!("unknown time zone {timezone:?}: {e}"))?;
        let dtstart = dtstart
            .map(parse_dtstart)
            .transpose()
            .map_err(|(m, h)| format!("{m}. {h}"))?;
        check_anchor(rrule, &rule, dtstart.is_some()).map_err(|e| e.to_string())?;
        Ok(Recurrence {
            rrule: rrule.trim().to_string(),
            duration,
            timezone: timezone.to_string(),
            dtstart,
            exdate: Vec::new(),
            rule: Box::new(rule),
            tz,
        })
    }

    /// The same recurrence without the occurrences `exdate` names (see [`parse_exdate`]).
    #[cfg(test)]
    pub(crate) fn with_exdates(mut self, exdate: &[&str]) -> Result<Recurrence, String> {
        let mut list = exdate
            .iter()
            .map(|s| parse_exdate(s).map_err(|(m, h)| format!("{m}. {h}")))
            .collect::<Result<Vec<_>, _>>()?;
        list.sort();
        list.dedup();
        self.exdate = list;
        Ok(self)
    }

    /// Whether `exdate` removes the occurrence starting at `start`.
    fn excluded(&self, start: DateTime) -> bool {
        !self.exdate.is_empty()
            && (self.exdate.binary_search(&ExDate::At(start)).is_ok()
                || self
                    .exdate
                    .binary_search(&ExDate::Day(start.date()))
                    .is_ok())
    }

    /// The anchor the rule is expanded from.
    fn anchor(&self) -> DateTime {
        self.dtstart.unwrap_or(DEFAULT_ANCHOR)
    }

    /// Occurrences as `[start, end)` instants that overlap `[lo, hi]`, ascending by start.
    /// Occurrences that vanish in a gap (start and end both skipped) are left out.
    pub(crate) fn intervals(&self, lo: Timestamp, hi: Timestamp) -> Vec<(Timestamp, Timestamp)> {
        let wall = |t: Timestamp| t.to_zoned(self.tz.clone()).datetime();
        let day = SignedDuration::from_hours(24);
        // A day of margin on each side covers offset changes between instants and wall clock.
        let from = wall(lo)
            .checked_sub(self.duration)
            .and_then(|d| d.checked_sub(day))
            .unwrap_or(DateTime::MIN);
        let to = wall(hi).checked_add(day).unwrap_or(DateTime::MAX);
        let until = self.rule.until.map(|u| match u {
            Until::Local(dt) => dt,
            Until::Utc(dt) => jiff::tz::Offset::UTC
                .to_timestamp(dt)
                .map(wall)
                .unwrap_or(dt),
        });
        let mut out = Vec::new();
        for start in self.rule.occurrences(self.anchor(), until, from, to) {
            if self.excluded(start) {
                continue;
            }
            let Ok(end) = start.checked_add(self.duration) else {
                continue;
            };
            let (Some(s), Some(e)) = (first_instant(&self.tz, start), first_instant(&self.tz, end))
            else {
                continue;
            };
            if s < e && e > lo && s <= hi {
                out.push((s, e));
            }
        }
        out
    }

    /// `FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10 for 4h Europe/Berlin`.
    pub(crate) fn describe(&self) -> String {
        let from = self
            .dtstart
            .map(|d| format!(" from {}", d.strftime("%Y-%m-%dT%H:%M")))
            .unwrap_or_default();
        let except = match self.exdate.as_slice() {
            [] => String::new(),
            [one] => format!(" except {one}"),
            many => format!(" except {} dates", many.len()),
        };
        format!(
            "{} for {:#} {}{from}{except}",
            self.rrule, self.duration, self.timezone
        )
    }
}

/// The first instant at which the wall clock of `tz` shows `dt` or a later time: `dt` itself
/// when unambiguous, the first of the two in a fold, the transition instant in a gap.
pub(crate) fn first_instant(tz: &TimeZone, dt: DateTime) -> Option<Timestamp> {
    match tz.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(dt).ok(),
        AmbiguousOffset::Fold { before, after } => {
            let a = before.to_timestamp(dt).ok()?;
            let b = after.to_timestamp(dt).ok()?;
            Some(a.min(b))
        }
        AmbiguousOffset::Gap { before, after } => {
            // `dt` read with the later offset is an instant just before the jump.
            let probe = after.to_timestamp(dt).ok()?;
            match tz.following(probe).next() {
                Some(tr) => Some(tr.timestamp()),
                None => before.to_timestamp(dt).ok(),
            }
        }
    }
}

/// Parses `4h`, `30m`, `1h30m`, `24h`, `90 minutes` or ISO 8601 `PT4H`; must be positive and at
/// most [`MAX_DURATION`]. Errors are (message, help).
pub(crate) fn parse_duration(s: &str) -> Result<SignedDuration, (String, String)> {
    let help = "Write hours and minutes such as `4h`, `30m`, `1h30m`, `24h` or ISO 8601 `PT4H` (days: `48h`).";
    let d: SignedDuration = s.trim().parse().map_err(|_| {
        (
            format!("`duration` {s:?} is not a duration"),
            help.to_string(),
        )
    })?;
    if d <= SignedDuration::ZERO {
        return Err((
            format!("`duration` {s:?} is not longer than zero"),
            "Give how long each opening lasts, e.g. `duration: 4h`.".to_string(),
        ));
    }
    if d > MAX_DURATION {
        return Err((
            format!("`duration` {s:?} is longer than 366 days"),
            "An opening lasts at most a year; use a classic `from`/`to` freeze for longer periods."
                .to_string(),
        ));
    }
    Ok(d)
}

/// Parses a wall-clock `dtstart`: `2026-01-05T09:00`, `2026-01-05T09:00:00` or `2026-01-05`
/// (midnight), in the years 1900 to 2200 (which bounds how far a COUNT rule is walked). An
/// offset or `Z` is refused: the time zone is the entry's `timezone`.
pub(crate) fn parse_dtstart(s: &str) -> Result<DateTime, (String, String)> {
    let t = s.trim();
    let help = "Write a wall-clock date and time in the entry's `timezone`, without offset, e.g. `dtstart: \"2026-01-05T09:00\"` or `dtstart: 2026-01-05`.";
    let has_offset = t
        .split_once(['T', 't', ' '])
        .is_some_and(|(_, time)| time.contains(['Z', 'z', '+', '-', '[']));
    if has_offset {
        return Err((
            format!("`dtstart` {s:?} has a UTC offset"),
            help.to_string(),
        ));
    }
    let dt = match t.parse::<DateTime>() {
        Ok(dt) => dt,
        Err(_) => t
            .parse::<Date>()
            .map(|d| d.to_datetime(Time::midnight()))
            .map_err(|_| {
                (
                    format!("`dtstart` {s:?} is not a date-time"),
                    help.to_string(),
                )
            })?,
    };
    if !(1900..=2200).contains(&dt.year()) {
        return Err((
            format!("`dtstart` {s:?} is outside the years 1900 to 2200"),
            "Anchor the rule near when it applies, e.g. at its first real opening.".to_string(),
        ));
    }
    Ok(dt)
}

/// Most `exdate` entries one window or freeze may list.
pub(crate) const MAX_EXDATES: usize = 1000;

/// One `exdate` entry: a wall-clock occurrence start to leave out, or a whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ExDate {
    /// Every occurrence starting on this day (`2026-12-25`).
    Day(Date),
    /// The occurrence starting exactly then (`2026-12-25T10:00`).
    At(DateTime),
}

impl fmt::Display for ExDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExDate::Day(d) => write!(f, "{d}"),
            ExDate::At(dt) => write!(f, "{}", dt.strftime("%Y-%m-%dT%H:%M:%S")),
        }
    }
}

impl Serialize for ExDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Parses an `exdate` entry: a wall-clock date-time (`2026-12-25T10:00`, `2026-12-25T10:00:00`,
/// or RFC 5545's `20261225T100000`) or a date (`2026-12-25`, `20261225`) for the whole day. An
/// offset or `Z` is refused: the time zone is the entry's `timezone`. Errors are (message, help).
pub(crate) fn parse_exdate(s: &str) -> Result<ExDate, (String, String)> {
    let t = s.trim();
    let help = "Write the wall-clock start of the occurrence to leave out, in the entry's `timezone` and without offset, e.g. `2026-12-25T10:00`, or a date such as `2026-12-25` to leave out every occurrence starting that day.";
    let bad = |what: &str| (format!("`exdate` {s:?} {what}"), help.to_string());
    if t.split_once(['T', 't'])
        .is_some_and(|(_, time)| time.contains(['Z', 'z', '+', '-', '[']))
    {
        return Err(bad("has a UTC offset"));
    }
    let compact = t.len() >= 8 && t.bytes().take(8).all(|b| b.is_ascii_digit());
    let expanded;
    let text = if compact {
        let (date, time) = t.split_at(8);
        expanded = match time.strip_prefix(['T', 't']) {
            Some(hms) if hms.len() == 6 && hms.bytes().all(|b| b.is_ascii_digit()) => format!(
                "{}-{}-{}T{}:{}:{}",
                &date[..4],
                &date[4..6],
                &date[6..],
                &hms[..2],
                &hms[2..4],
                &hms[4..]
            ),
            None if time.is_empty() => format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..]),
            _ => return Err(bad("is not a date or date-time")),
        };
        expanded.as_str()
    } else {
        t
    };
    let parsed = if text.contains(['T', 't', ' ']) {
        text.parse::<DateTime>().map(ExDate::At)
    } else {
        text.parse::<Date>().map(ExDate::Day)
    };
    let x = parsed.map_err(|_| bad("is not a date or date-time"))?;
    let year = match x {
        ExDate::Day(d) => d.year(),
        ExDate::At(dt) => dt.year(),
    };
    if !(1900..=2200).contains(&year) {
        return Err(bad("is outside the years 1900 to 2200"));
    }
    Ok(x)
}

/// Rules whose meaning depends on where they start need `dtstart`: COUNT (counted from the
/// anchor), INTERVAL > 1 (which periods), and FREQ=WEEKLY without BYDAY (which weekday).
pub(crate) fn check_anchor(text: &str, rule: &RRule, has_dtstart: bool) -> Result<(), RRuleError> {
    if has_dtstart {
        return Ok(());
    }
    let at = |name: &str, message: String, help: &str| {
        let upper = text.to_ascii_uppercase();
        let offset = upper.find(&format!("{name}=")).unwrap_or(0);
        let part = text
            .get(offset..)
            .and_then(|rest| rest.split(';').next())
            .unwrap_or_default()
            .trim()
            .to_string();
        RRuleError {
            offset,
            part,
            message,
            help: help.to_string(),
        }
    };
    if rule.count.is_some() {
        return Err(at(
            "COUNT",
            "COUNT needs `dtstart`".into(),
            "COUNT counts occurrences from the anchor: add `dtstart` (e.g. `dtstart: \"2026-01-05T09:00\"`), or use UNTIL.",
        ));
    }
    if rule.interval > 1 {
        return Err(at(
            "INTERVAL",
            format!("INTERVAL={} needs `dtstart`", rule.interval),
            "Say which period the series starts in: add `dtstart` (e.g. `dtstart: 2026-01-05`).",
        ));
    }
    if rule.freq == Freq::Weekly && rule.by_day.is_empty() {
        return Err(at(
            "FREQ",
            "FREQ=WEEKLY without BYDAY needs `dtstart`".into(),
            "Name the days (e.g. `FREQ=WEEKLY;BYDAY=MO,WE`) or add `dtstart` on the weekday the series repeats.",
        ));
    }
    Ok(())
}

impl fmt::Display for Recurrence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Serializes a duration in the friendly form (`4h`, `1h 30m`).
fn ser_duration<S: Serializer>(d: &SignedDuration, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{d:#}"))
}

/// Serializes an optional civil date-time as `2026-01-05T09:00:00` or `null`.
fn ser_opt_datetime<S: Serializer>(d: &Option<DateTime>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}
