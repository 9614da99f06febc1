//! Parsing of RRULE text into [`RRule`], naming the offending part (and its offset) of a rule
//! that is not RFC 5545 or not supported; the checks of parts against each other are in
//! `check.rs`.

use jiff::civil::{Date, Time, Weekday};

use super::{ByDay, Freq, MAX_COUNT, RRuleError, Until, WEEKDAYS};

pub(super) const SUPPORTED: &str = "Supported parts: FREQ (SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL, COUNT, UNTIL, BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY, BYHOUR, BYMINUTE, BYSECOND, BYSETPOS, WKST.";

/// Largest `INTERVAL` (every 999,999 seconds is about every 11.6 days).
const MAX_INTERVAL: i64 = 999_999;

impl super::RRule {
    /// Parses `FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10` (an `RRULE:` prefix is accepted; part names
    /// and values are case-insensitive).
    pub fn parse(text: &str) -> Result<super::RRule, RRuleError> {
        let mut b = Builder::default();
        let lead = text.len() - text.trim_start().len();
        let mut body = &text[lead..];
        let mut base = lead;
        if body.len() >= 6 && body[..6].eq_ignore_ascii_case("RRULE:") {
            body = &body[6..];
            base += 6;
        }
        let body_trimmed = body.trim_end();
        if body_trimmed.is_empty() {
            return Err(whole(
                "the rule is empty",
                "Write a rule such as `FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10`.",
            ));
        }
        let mut offset = base;
        for raw in body_trimmed.split(';') {
            let part_offset = offset;
            offset += raw.len() + 1;
            if raw.trim().is_empty() {
                // `FREQ=DAILY;` — a trailing separator is harmless.
                continue;
            }
            b.part(
                raw.trim(),
                part_offset + (raw.len() - raw.trim_start().len()),
            )?;
        }
        b.finish()
    }
}

/// An error about the rule as a whole.
pub(super) fn whole(message: &str, help: &str) -> RRuleError {
    RRuleError {
        offset: 0,
        part: String::new(),
        message: message.to_string(),
        help: help.to_string(),
    }
}

/// Where a part was written: its offset and text, for errors about combinations.
pub(super) type At = (usize, String);

/// Parts seen so far, with where each was written (for errors about combinations).
#[derive(Default)]
pub(super) struct Builder {
    pub(super) freq: Option<(Freq, At)>,
    pub(super) interval: Option<(u32, At)>,
    pub(super) count: Option<(u32, At)>,
    pub(super) until: Option<(Until, At)>,
    pub(super) by_month: Vec<i8>,
    pub(super) by_week_no: Option<(Vec<i8>, At)>,
    pub(super) by_year_day: Option<(Vec<i16>, At)>,
    pub(super) by_month_day: Option<(Vec<i8>, At)>,
    pub(super) by_day: Option<(Vec<ByDay>, At)>,
    pub(super) by_hour: Vec<i8>,
    pub(super) by_minute: Vec<i8>,
    pub(super) by_second: Vec<i8>,
    /// Where the finest of `BYHOUR`, `BYMINUTE`, `BYSECOND` was written, for the
    /// starts-per-day limit.
    pub(super) times_at: Option<At>,
    pub(super) by_set_pos: Option<(Vec<i16>, At)>,
    pub(super) wkst: Option<Weekday>,
    seen: Vec<String>,
}

impl Builder {
    /// Reads one `NAME=VALUE` part written at `offset`.
    fn part(&mut self, part: &str, offset: usize) -> Result<(), RRuleError> {
        let err = |message: String, help: &str| RRuleError {
            offset,
            part: part.to_string(),
            message,
            help: help.to_string(),
        };
        let Some((name, value)) = part.split_once('=') else {
            return Err(err(
                format!("`{part}` is not a NAME=VALUE part"),
                "Separate parts with `;` and write each as NAME=VALUE, e.g. `FREQ=WEEKLY;BYDAY=MO`.",
            ));
        };
        let name = name.trim().to_ascii_uppercase();
        let value = value.trim();
        if self.seen.contains(&name) {
            return Err(err(
                format!("{name} is given twice"),
                "Give each part once; list several values with commas, e.g. `BYDAY=MO,WE`.",
            ));
        }
        self.seen.push(name.clone());
        if value.is_empty() {
            return Err(err(
                format!("{name} has no value"),
                "Write a value after `=`.",
            ));
        }
        let list = || value.split(',').map(str::trim);
        let at = (offset, part.to_string());
        match name.as_str() {
            "FREQ" => {
                let freq = match value.to_ascii_uppercase().as_str() {
                    "SECONDLY" => Freq::Secondly,
                    "MINUTELY" => Freq::Minutely,
                    "HOURLY" => Freq::Hourly,
                    "DAILY" => Freq::Daily,
                    "WEEKLY" => Freq::Weekly,
                    "MONTHLY" => Freq::Monthly,
                    "YEARLY" => Freq::Yearly,
                    _ => {
                        return Err(err(
                            format!("FREQ \"{value}\" is not a frequency"),
                            "Write FREQ=SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY.",
                        ));
                    }
                };
                self.freq = Some((freq, at));
            }
            "INTERVAL" => {
                let n = number(value, 1, MAX_INTERVAL).ok_or_else(|| {
                    err(
                        format!(
                            "INTERVAL \"{value}\" is not a whole number from 1 to {MAX_INTERVAL}"
                        ),
                        "Write e.g. `INTERVAL=2` for every second period.",
                    )
                })?;
                self.interval = Some((u32::try_from(n).unwrap_or(1), at));
            }
            "COUNT" => {
                let n = number(value, 1, i64::from(MAX_COUNT)).ok_or_else(|| {
                    err(
                        format!("COUNT \"{value}\" is not a whole number from 1 to {MAX_COUNT}"),
                        "COUNT is how many occurrences the rule has in all; use UNTIL or no limit for longer series.",
                    )
                })?;
                self.count = Some((u32::try_from(n).unwrap_or(1), at));
            }
            "UNTIL" => {
                let u = until(value).ok_or_else(|| {
                    err(
                        format!("UNTIL \"{value}\" is not a date or date-time"),
                        "Write UNTIL=YYYYMMDD, UNTIL=YYYYMMDDTHHMMSS (wall clock in `timezone`) or UNTIL=YYYYMMDDTHHMMSSZ (UTC).",
                    )
                })?;
                self.until = Some((u, at));
            }
            "BYMONTH" => {
                for v in list() {
                    let n = number(v, 1, 12).ok_or_else(|| {
                        err(
                            format!("BYMONTH \"{v}\" is not a month number 1-12"),
                            "Write month numbers, e.g. `BYMONTH=3,9`.",
                        )
                    })?;
                    self.by_month.push(small(n));
                }
            }
            "BYWEEKNO" => {
                let mut weeks = Vec::new();
                for v in list() {
                    let n = signed(v, 53).ok_or_else(|| {
                        err(format!("BYWEEKNO \"{v}\" is not a week of the year (1 to 53, or -1 to -53 from the end)"), "Write e.g. `BYWEEKNO=20` (weeks start on WKST; week 1 is the first with four days in the year).")
                    })?;
                    weeks.push(small(n));
                }
                self.by_week_no = Some((weeks, at));
            }
            "BYYEARDAY" => {
                let mut days = Vec::new();
                for v in list() {
                    let n = signed(v, 366).ok_or_else(|| {
                        err(format!("BYYEARDAY \"{v}\" is not a day of the year (1 to 366, or -1 to -366 from the end)"), "Write e.g. `BYYEARDAY=1,100` or `BYYEARDAY=-1` for the last day of the year.")
                    })?;
                    days.push(i16::try_from(n).unwrap_or(1));
                }
                self.by_year_day = Some((days, at));
            }
            "BYMONTHDAY" => {
                let mut days = Vec::new();
                for v in list() {
                    let n = signed(v, 31).ok_or_else(|| {
                        err(format!("BYMONTHDAY \"{v}\" is not a day of the month (1 to 31, or -1 to -31 from the end)"), "Write e.g. `BYMONTHDAY=1,15` or `BYMONTHDAY=-1` for the last day.")
                    })?;
                    days.push(small(n));
                }
                self.by_month_day = Some((days, at));
            }
            "BYDAY" => {
                let mut days = Vec::new();
                for v in list() {
                    days.push(by_day(v).ok_or_else(|| {
                        err(format!("BYDAY \"{v}\" is not a weekday"), "Write MO, TU, WE, TH, FR, SA or SU, optionally after an ordinal such as 1 (first) or -1 (last): `BYDAY=1SA`, `BYDAY=-1FR`.")
                    })?);
                }
                self.by_day = Some((days, at));
            }
            "BYHOUR" => {
                for v in list() {
                    let n = number(v, 0, 23).ok_or_else(|| {
                        err(
                            format!("BYHOUR \"{v}\" is not an hour 0-23"),
                            "Write hours of the 24-hour clock, e.g. `BYHOUR=10` or `BYHOUR=9,14`.",
                        )
                    })?;
                    self.by_hour.push(small(n));
                }
                if self.times_at.is_none() {
                    self.times_at = Some(at);
                }
            }
            "BYMINUTE" => {
                for v in list() {
                    let n = number(v, 0, 59).ok_or_else(|| {
                        err(
                            format!("BYMINUTE \"{v}\" is not a minute 0-59"),
                            "Write minutes, e.g. `BYMINUTE=30`.",
                        )
                    })?;
                    self.by_minute.push(small(n));
                }
                if self.by_second.is_empty() {
                    self.times_at = Some(at);
                }
            }
            "BYSECOND" => {
                for v in list() {
                    let n = number(v, 0, 59).ok_or_else(|| {
                        err(
                            format!("BYSECOND \"{v}\" is not a second 0-59"),
                            "Write seconds, e.g. `BYSECOND=0`; the clocks here have no leap second 60.",
                        )
                    })?;
                    self.by_second.push(small(n));
                }
                self.times_at = Some(at);
            }
            "BYSETPOS" => {
                let mut pos = Vec::new();
                for v in list() {
                    let n = signed(v, 366).ok_or_else(|| {
                        err(format!("BYSETPOS \"{v}\" is not a position (1 to 366, or -1 to -366 from the end)"), "Write e.g. `BYSETPOS=-1` for the last occurrence of each period.")
                    })?;
                    pos.push(i16::try_from(n).unwrap_or(1));
                }
                self.by_set_pos = Some((pos, at));
            }
            "WKST" => {
                self.wkst = Some(weekday(value).ok_or_else(|| {
                    err(
                        format!("WKST \"{value}\" is not a weekday"),
                        "Write MO, TU, WE, TH, FR, SA or SU.",
                    )
                })?);
            }
            "BYEASTER" | "RSCALE" | "SKIP" => {
                return Err(err(
                    format!("{name} is not supported here (it is not part of RFC 5545)"),
                    SUPPORTED,
                ));
            }
            "DTSTART" => {
                return Err(err(
                    "DTSTART is not an RRULE part".to_string(),
                    "Give the anchor as the entry's `dtstart` key (a wall-clock time in `timezone`), e.g. `dtstart: \"2026-01-05T09:00\"`.",
                ));
            }
            _ => {
                return Err(err(format!("`{name}` is not an RRULE part"), SUPPORTED));
            }
        }
        Ok(())
    }
}

/// `FREQ` value as written.
pub fn freq_name(f: Freq) -> &'static str {
    match f {
        Freq::Secondly => "SECONDLY",
        Freq::Minutely => "MINUTELY",
        Freq::Hourly => "HOURLY",
        Freq::Daily => "DAILY",
        Freq::Weekly => "WEEKLY",
        Freq::Monthly => "MONTHLY",
        Freq::Yearly => "YEARLY",
    }
}

/// Narrows a checked small number.
pub(super) fn small(n: i64) -> i8 {
    i8::try_from(n).unwrap_or(0)
}

/// A plain decimal number in `lo..=hi` (no sign).
fn number(s: &str, lo: i64, hi: i64) -> Option<i64> {
    if s.is_empty() || s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok().filter(|n| (lo..=hi).contains(n))
}

/// `±1..=max` with an optional sign; never 0.
fn signed(s: &str, max: i64) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n = number(digits, 1, max)?;
    Some(if neg { -n } else { n })
}

/// `MO`…`SU`, any case.
pub(super) fn weekday(s: &str) -> Option<Weekday> {
    WEEKDAYS
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(s))
        .map(|(_, d)| *d)
}

/// `SA`, `1SA`, `-1FR`, `+2MO`.
fn by_day(s: &str) -> Option<ByDay> {
    if s.len() < 2 || !s.is_char_boundary(s.len() - 2) {
        return None;
    }
    let (num, day) = s.split_at(s.len() - 2);
    let weekday = weekday(day)?;
    let ordinal = if num.is_empty() {
        None
    } else {
        Some(small(signed(num, 53)?))
    };
    Some(ByDay { ordinal, weekday })
}

/// `YYYYMMDD`, `YYYYMMDDTHHMMSS` or `YYYYMMDDTHHMMSSZ`.
fn until(s: &str) -> Option<Until> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let date = Date::new(
        i16::try_from(digits(0..4)?).ok()?,
        small(digits(4..6)?),
        small(digits(6..8)?),
    )
    .ok()?;
    match b.len() {
        8 => Some(Until::Local(
            date.to_datetime(Time::new(23, 59, 59, 999_999_999).ok()?),
        )),
        15 | 16 if b[8].eq_ignore_ascii_case(&b'T') => {
            let t = Time::new(
                small(digits(9..11)?),
                small(digits(11..13)?),
                small(digits(13..15)?),
                0,
            )
            .ok()?;
            let dt = date.to_datetime(t);
            match b.get(15) {
                None => Some(Until::Local(dt)),
                Some(z) if z.eq_ignore_ascii_case(&b'Z') => Some(Until::Utc(dt)),
                Some(_) => None,
            }
        }
        _ => None,
    }
}
