//! Parsing of RRULE text into [`RRule`](super::RRule), naming the offending part (and its offset) of a rule
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
    pub(crate) fn parse(text: &str) -> Result<super::RRule, RRuleError> {
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

/// A part as written, for its errors.
struct Part<'a> {
    offset: usize,
    text: &'a str,
    name: String,
    value: &'a str,
}

impl Part<'_> {
    fn err(&self, message: String, help: &str) -> RRuleError {
        RRuleError {
            offset: self.offset,
            part: self.text.to_string(),
            message,
            help: help.to_string(),
        }
    }

    fn at(&self) -> At {
        (self.offset, self.text.to_string())
    }

    /// The comma-separated numbers of a `BY…` list: each in `lo..=hi`, or with `signed`
    /// `±lo..=hi` (never 0); else the error for the first bad one, `"{NAME} \"v\" {what}"`.
    fn numbers(
        &self,
        (lo, hi): (i64, i64),
        signed_ok: bool,
        what: &str,
        help: &str,
    ) -> Result<Vec<i64>, RRuleError> {
        self.value
            .split(',')
            .map(str::trim)
            .map(|v| {
                let n = if signed_ok {
                    signed(v, hi)
                } else {
                    number(v, lo, hi)
                };
                n.ok_or_else(|| self.err(format!("{} \"{v}\" {what}", self.name), help))
            })
            .collect()
    }
}

impl Builder {
    /// Reads one `NAME=VALUE` part written at `offset`.
    fn part(&mut self, part: &str, offset: usize) -> Result<(), RRuleError> {
        let whole_err = |message: String, help: &str| RRuleError {
            offset,
            part: part.to_string(),
            message,
            help: help.to_string(),
        };
        let Some((name, value)) = part.split_once('=') else {
            return Err(whole_err(
                format!("`{part}` is not a NAME=VALUE part"),
                "Separate parts with `;` and write each as NAME=VALUE, e.g. `FREQ=WEEKLY;BYDAY=MO`.",
            ));
        };
        let p = Part {
            offset,
            text: part,
            name: name.trim().to_ascii_uppercase(),
            value: value.trim(),
        };
        if self.seen.contains(&p.name) {
            return Err(p.err(
                format!("{} is given twice", p.name),
                "Give each part once; list several values with commas, e.g. `BYDAY=MO,WE`.",
            ));
        }
        self.seen.push(p.name.clone());
        if p.value.is_empty() {
            return Err(p.err(
                format!("{} has no value", p.name),
                "Write a value after `=`.",
            ));
        }
        if p.name.starts_with("BY") {
            self.by_part(&p)
        } else {
            self.other_part(&p)
        }
    }

    /// `FREQ`, `INTERVAL`, `COUNT`, `UNTIL`, `WKST`, and what is not an RRULE part.
    fn other_part(&mut self, p: &Part<'_>) -> Result<(), RRuleError> {
        let value = p.value;
        match p.name.as_str() {
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
                        return Err(p.err(
                            format!("FREQ \"{value}\" is not a frequency"),
                            "Write FREQ=SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY.",
                        ));
                    }
                };
                self.freq = Some((freq, p.at()));
            }
            "INTERVAL" => {
                let n = number(value, 1, MAX_INTERVAL).ok_or_else(|| {
                    p.err(
                        format!(
                            "INTERVAL \"{value}\" is not a whole number from 1 to {MAX_INTERVAL}"
                        ),
                        "Write e.g. `INTERVAL=2` for every second period.",
                    )
                })?;
                self.interval = Some((u32::try_from(n).unwrap_or(1), p.at()));
            }
            "COUNT" => {
                let n = number(value, 1, i64::from(MAX_COUNT)).ok_or_else(|| {
                    p.err(
                        format!("COUNT \"{value}\" is not a whole number from 1 to {MAX_COUNT}"),
                        "COUNT is how many occurrences the rule has in all; use UNTIL or no limit for longer series.",
                    )
                })?;
                self.count = Some((u32::try_from(n).unwrap_or(1), p.at()));
            }
            "UNTIL" => {
                let u = until(value).ok_or_else(|| {
                    p.err(
                        format!("UNTIL \"{value}\" is not a date or date-time"),
                        "Write UNTIL=YYYYMMDD, UNTIL=YYYYMMDDTHHMMSS (wall clock in `timezone`) or UNTIL=YYYYMMDDTHHMMSSZ (UTC).",
                    )
                })?;
                self.until = Some((u, p.at()));
            }
            "WKST" => {
                self.wkst = Some(weekday(value).ok_or_else(|| {
                    p.err(
                        format!("WKST \"{value}\" is not a weekday"),
                        "Write MO, TU, WE, TH, FR, SA or SU.",
                    )
                })?);
            }
            "RSCALE" | "SKIP" => return Err(not_rfc(p)),
            "DTSTART" => {
                return Err(p.err(
                    "DTSTART is not an RRULE part".to_string(),
                    "Give the anchor as the entry's `dtstart` key (a wall-clock time in `timezone`), e.g. `dtstart: \"2026-01-05T09:00\"`.",
                ));
            }
            _ => return Err(p.err(format!("`{}` is not an RRULE part", p.name), SUPPORTED)),
        }
        Ok(())
    }

    /// The `BY…` parts.
    fn by_part(&mut self, p: &Part<'_>) -> Result<(), RRuleError> {
        let narrow = |v: Vec<i64>| v.into_iter().map(small).collect::<Vec<i8>>();
        match p.name.as_str() {
            "BYMONTH" => self.by_month.extend(narrow(p.numbers(
                (1, 12),
                false,
                "is not a month number 1-12",
                "Write month numbers, e.g. `BYMONTH=3,9`.",
            )?)),
            "BYWEEKNO" => {
                let weeks = p.numbers((1, 53), true, "is not a week of the year (1 to 53, or -1 to -53 from the end)", "Write e.g. `BYWEEKNO=20` (weeks start on WKST; week 1 is the first with four days in the year).")?;
                self.by_week_no = Some((narrow(weeks), p.at()));
            }
            "BYYEARDAY" => {
                let days = p.numbers(
                    (1, 366),
                    true,
                    "is not a day of the year (1 to 366, or -1 to -366 from the end)",
                    "Write e.g. `BYYEARDAY=1,100` or `BYYEARDAY=-1` for the last day of the year.",
                )?;
                let days = days
                    .into_iter()
                    .map(|n| i16::try_from(n).unwrap_or(1))
                    .collect();
                self.by_year_day = Some((days, p.at()));
            }
            "BYMONTHDAY" => {
                let days = p.numbers(
                    (1, 31),
                    true,
                    "is not a day of the month (1 to 31, or -1 to -31 from the end)",
                    "Write e.g. `BYMONTHDAY=1,15` or `BYMONTHDAY=-1` for the last day.",
                )?;
                self.by_month_day = Some((narrow(days), p.at()));
            }
            "BYDAY" => {
                let days = p
                    .value
                    .split(',')
                    .map(str::trim)
                    .map(|v| {
                        by_day(v).ok_or_else(|| p.err(format!("BYDAY \"{v}\" is not a weekday"), "Write MO, TU, WE, TH, FR, SA or SU, optionally after an ordinal such as 1 (first) or -1 (last): `BYDAY=1SA`, `BYDAY=-1FR`."))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                self.by_day = Some((days, p.at()));
            }
            "BYHOUR" => {
                self.by_hour.extend(narrow(p.numbers(
                    (0, 23),
                    false,
                    "is not an hour 0-23",
                    "Write hours of the 24-hour clock, e.g. `BYHOUR=10` or `BYHOUR=9,14`.",
                )?));
                if self.times_at.is_none() {
                    self.times_at = Some(p.at());
                }
            }
            "BYMINUTE" => {
                self.by_minute.extend(narrow(p.numbers(
                    (0, 59),
                    false,
                    "is not a minute 0-59",
                    "Write minutes, e.g. `BYMINUTE=30`.",
                )?));
                if self.by_second.is_empty() {
                    self.times_at = Some(p.at());
                }
            }
            "BYSECOND" => {
                self.by_second.extend(narrow(p.numbers(
                    (0, 59),
                    false,
                    "is not a second 0-59",
                    "Write seconds, e.g. `BYSECOND=0`; the clocks here have no leap second 60.",
                )?));
                self.times_at = Some(p.at());
            }
            "BYSETPOS" => {
                let pos = p.numbers(
                    (1, 366),
                    true,
                    "is not a position (1 to 366, or -1 to -366 from the end)",
                    "Write e.g. `BYSETPOS=-1` for the last occurrence of each period.",
                )?;
                let pos = pos
                    .into_iter()
                    .map(|n| i16::try_from(n).unwrap_or(1))
                    .collect();
                self.by_set_pos = Some((pos, p.at()));
            }
            "BYEASTER" => return Err(not_rfc(p)),
            _ => return Err(p.err(format!("`{}` is not an RRULE part", p.name), SUPPORTED)),
        }
        Ok(())
    }
}

/// The error for an RFC 7529 or vendor part (`BYEASTER`, `RSCALE`, `SKIP`).
fn not_rfc(p: &Part<'_>) -> RRuleError {
    p.err(
        format!(
            "{} is not supported here (it is not part of RFC 5545)",
            p.name
        ),
        SUPPORTED,
    )
}

/// `FREQ` value as written.
pub(crate) fn freq_name(f: Freq) -> &'static str {
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
