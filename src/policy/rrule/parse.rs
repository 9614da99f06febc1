//! Parsing of RRULE text into [`RRule`], naming the offending part (and its offset) of a rule
//! that is not in the supported subset.

use jiff::civil::{Date, Time, Weekday};

use super::{ByDay, Freq, MAX_COUNT, MAX_STARTS_PER_DAY, RRule, RRuleError, Until, WEEKDAYS};

const SUPPORTED: &str = "Supported parts: FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY, BYDAY, BYHOUR, BYMINUTE, BYSETPOS, WKST.";

impl RRule {
    /// Parses `FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10` (an `RRULE:` prefix is accepted; part names
    /// and values are case-insensitive).
    pub fn parse(text: &str) -> Result<RRule, RRuleError> {
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
fn whole(message: &str, help: &str) -> RRuleError {
    RRuleError {
        offset: 0,
        part: String::new(),
        message: message.to_string(),
        help: help.to_string(),
    }
}

/// Parts seen so far, with where each was written (for errors about combinations).
#[derive(Default)]
struct Builder {
    freq: Option<Freq>,
    interval: Option<(u32, usize, String)>,
    count: Option<(u32, usize, String)>,
    until: Option<(Until, usize, String)>,
    by_month: Vec<i8>,
    by_month_day: Option<(Vec<i8>, usize, String)>,
    by_day: Option<(Vec<ByDay>, usize, String)>,
    by_hour: Vec<i8>,
    by_minute: Vec<i8>,
    /// Where `BYMINUTE` (else `BYHOUR`) was written, for the starts-per-day limit.
    times_at: Option<(usize, String)>,
    by_set_pos: Option<(Vec<i16>, usize, String)>,
    wkst: Option<Weekday>,
    seen: Vec<String>,
}

/// One `NAME=VALUE` part as written, for its errors.
struct Part<'a> {
    text: &'a str,
    offset: usize,
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

    /// A value read from this part, with where it was written.
    fn at<T>(&self, value: T) -> (T, usize, String) {
        (value, self.offset, self.text.to_string())
    }
}

/// Each comma-separated value of a list part, read by `read`; the error names the first value
/// it cannot read.
fn each<T>(
    value: &str,
    read: impl Fn(&str) -> Option<T>,
    bad: impl Fn(&str) -> RRuleError,
) -> Result<Vec<T>, RRuleError> {
    value
        .split(',')
        .map(str::trim)
        .map(|v| read(v).ok_or_else(|| bad(v)))
        .collect()
}

/// `FREQ`: a frequency of a day or longer.
fn frequency(value: &str, p: &Part<'_>) -> Result<Freq, RRuleError> {
    match value.to_ascii_uppercase().as_str() {
        "DAILY" => Ok(Freq::Daily),
        "WEEKLY" => Ok(Freq::Weekly),
        "MONTHLY" => Ok(Freq::Monthly),
        "YEARLY" => Ok(Freq::Yearly),
        "HOURLY" | "MINUTELY" | "SECONDLY" => Err(p.err(
            format!("FREQ={value} is not supported here"),
            "Promotion windows repeat by day at most: use FREQ=DAILY with BYHOUR (and BYMINUTE) for several openings a day.",
        )),
        _ => Err(p.err(
            format!("FREQ \"{value}\" is not a frequency"),
            "Write FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.",
        )),
    }
}

impl Builder {
    /// Reads one `NAME=VALUE` part written at `offset`.
    fn part(&mut self, part: &str, offset: usize) -> Result<(), RRuleError> {
        let p = Part { text: part, offset };
        let Some((name, value)) = part.split_once('=') else {
            return Err(p.err(
                format!("`{part}` is not a NAME=VALUE part"),
                "Separate parts with `;` and write each as NAME=VALUE, e.g. `FREQ=WEEKLY;BYDAY=MO`.",
            ));
        };
        let name = name.trim().to_ascii_uppercase();
        let value = value.trim();
        if self.seen.contains(&name) {
            return Err(p.err(
                format!("{name} is given twice"),
                "Give each part once; list several values with commas, e.g. `BYDAY=MO,WE`.",
            ));
        }
        self.seen.push(name.clone());
        if value.is_empty() {
            return Err(p.err(format!("{name} has no value"), "Write a value after `=`."));
        }
        match name.as_str() {
            "FREQ" | "INTERVAL" | "COUNT" | "UNTIL" | "WKST" => self.single(&name, value, &p),
            "BYMONTH" | "BYMONTHDAY" | "BYDAY" | "BYHOUR" | "BYMINUTE" | "BYSETPOS" => {
                self.list(&name, value, &p)
            }
            "BYSECOND" | "BYWEEKNO" | "BYYEARDAY" | "BYEASTER" | "RSCALE" | "SKIP" => {
                Err(p.err(format!("{name} is not supported here"), SUPPORTED))
            }
            "DTSTART" => Err(p.err(
                "DTSTART is not an RRULE part".to_string(),
                "Give the anchor as the entry's `dtstart` key (a wall-clock time in `timezone`), e.g. `dtstart: \"2026-01-05T09:00\"`.",
            )),
            _ => Err(p.err(format!("`{name}` is not an RRULE part"), SUPPORTED)),
        }
    }

    /// A part with one value: FREQ, INTERVAL, COUNT, UNTIL, WKST.
    fn single(&mut self, name: &str, value: &str, p: &Part<'_>) -> Result<(), RRuleError> {
        match name {
            "FREQ" => self.freq = Some(frequency(value, p)?),
            "INTERVAL" => {
                let n = number(value, 1, 1000).ok_or_else(|| {
                    p.err(
                        format!("INTERVAL \"{value}\" is not a whole number from 1 to 1000"),
                        "Write e.g. `INTERVAL=2` for every second period.",
                    )
                })?;
                self.interval = Some(p.at(u32::try_from(n).unwrap_or(1)));
            }
            "COUNT" => {
                let n = number(value, 1, i64::from(MAX_COUNT)).ok_or_else(|| {
                    p.err(
                        format!("COUNT \"{value}\" is not a whole number from 1 to {MAX_COUNT}"),
                        "COUNT is how many occurrences the rule has in all; use UNTIL or no limit for longer series.",
                    )
                })?;
                self.count = Some(p.at(u32::try_from(n).unwrap_or(1)));
            }
            "UNTIL" => {
                let u = until(value).ok_or_else(|| {
                    p.err(
                        format!("UNTIL \"{value}\" is not a date or date-time"),
                        "Write UNTIL=YYYYMMDD, UNTIL=YYYYMMDDTHHMMSS (wall clock in `timezone`) or UNTIL=YYYYMMDDTHHMMSSZ (UTC).",
                    )
                })?;
                self.until = Some(p.at(u));
            }
            _ => {
                self.wkst = Some(weekday(value).ok_or_else(|| {
                    p.err(
                        format!("WKST \"{value}\" is not a weekday"),
                        "Write MO, TU, WE, TH, FR, SA or SU.",
                    )
                })?);
            }
        }
        Ok(())
    }

    /// A part listing values: BYMONTH, BYMONTHDAY, BYDAY, BYHOUR, BYMINUTE, BYSETPOS.
    fn list(&mut self, name: &str, value: &str, p: &Part<'_>) -> Result<(), RRuleError> {
        match name {
            "BYMONTH" => {
                let months = each(
                    value,
                    |v| number(v, 1, 12),
                    |v| {
                        p.err(
                            format!("BYMONTH \"{v}\" is not a month number 1-12"),
                            "Write month numbers, e.g. `BYMONTH=3,9`.",
                        )
                    },
                )?;
                self.by_month.extend(months.into_iter().map(small));
            }
            "BYMONTHDAY" => {
                let days = each(
                    value,
                    |v| signed(v, 31),
                    |v| {
                        p.err(format!("BYMONTHDAY \"{v}\" is not a day of the month (1 to 31, or -1 to -31 from the end)"), "Write e.g. `BYMONTHDAY=1,15` or `BYMONTHDAY=-1` for the last day.")
                    },
                )?;
                self.by_month_day = Some(p.at(days.into_iter().map(small).collect()));
            }
            "BYDAY" => {
                let days = each(value, by_day, |v| {
                    p.err(format!("BYDAY \"{v}\" is not a weekday"), "Write MO, TU, WE, TH, FR, SA or SU, optionally after an ordinal such as 1 (first) or -1 (last): `BYDAY=1SA`, `BYDAY=-1FR`.")
                })?;
                self.by_day = Some(p.at(days));
            }
            "BYHOUR" => {
                let hours = each(
                    value,
                    |v| number(v, 0, 23),
                    |v| {
                        p.err(
                            format!("BYHOUR \"{v}\" is not an hour 0-23"),
                            "Write hours of the 24-hour clock, e.g. `BYHOUR=10` or `BYHOUR=9,14`.",
                        )
                    },
                )?;
                self.by_hour.extend(hours.into_iter().map(small));
                if self.times_at.is_none() {
                    self.times_at = Some((p.offset, p.text.to_string()));
                }
            }
            "BYMINUTE" => {
                let minutes = each(
                    value,
                    |v| number(v, 0, 59),
                    |v| {
                        p.err(
                            format!("BYMINUTE \"{v}\" is not a minute 0-59"),
                            "Write minutes, e.g. `BYMINUTE=30`.",
                        )
                    },
                )?;
                self.by_minute.extend(minutes.into_iter().map(small));
                self.times_at = Some((p.offset, p.text.to_string()));
            }
            _ => {
                let pos = each(
                    value,
                    |v| signed(v, 366),
                    |v| {
                        p.err(format!("BYSETPOS \"{v}\" is not a position (1 to 366, or -1 to -366 from the end)"), "Write e.g. `BYSETPOS=-1` for the last occurrence of each period.")
                    },
                )?;
                let pos = pos.into_iter().map(|n| i16::try_from(n).unwrap_or(1));
                self.by_set_pos = Some(p.at(pos.collect()));
            }
        }
        Ok(())
    }

    /// Checks combinations and builds the rule.
    fn finish(self) -> Result<RRule, RRuleError> {
        let Some(freq) = self.freq else {
            return Err(whole(
                "the rule has no FREQ",
                "Start the rule with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.",
            ));
        };
        let at = |o: &(usize, String), message: String, help: &str| RRuleError {
            offset: o.0,
            part: o.1.clone(),
            message,
            help: help.to_string(),
        };
        if let (Some((_, _, _)), Some((_, o, p))) = (&self.count, &self.until) {
            return Err(at(
                &(*o, p.clone()),
                "COUNT and UNTIL cannot both be given".into(),
                "RFC 5545 allows one limit per rule: keep COUNT or UNTIL.",
            ));
        }
        if let Some((_, o, p)) = &self.by_month_day
            && freq == Freq::Weekly
        {
            return Err(at(
                &(*o, p.clone()),
                "BYMONTHDAY cannot be used with FREQ=WEEKLY".into(),
                "Use FREQ=MONTHLY with BYMONTHDAY, or BYDAY for days of the week.",
            ));
        }
        if let Some((days, o, p)) = &self.by_day {
            let limit: i8 = match freq {
                Freq::Daily | Freq::Weekly => 0,
                Freq::Monthly => 5,
                Freq::Yearly if self.by_month.is_empty() => 53,
                Freq::Yearly => 5,
            };
            if let Some(bd) = days
                .iter()
                .find(|d| d.ordinal.is_some_and(|n| n.abs() > limit))
            {
                let n = bd.ordinal.unwrap_or(0);
                let message = if limit == 0 {
                    format!(
                        "BYDAY ordinal {n} cannot be used with FREQ={}",
                        freq_name(freq)
                    )
                } else {
                    format!(
                        "BYDAY ordinal {n} is out of range for FREQ={} (±1 to ±{limit})",
                        freq_name(freq)
                    )
                };
                return Err(at(
                    &(*o, p.clone()),
                    message,
                    "Ordinals such as 1SA (first Saturday) or -1FR (last Friday) count within a month (FREQ=MONTHLY, or YEARLY with BYMONTH) or a year (FREQ=YEARLY).",
                ));
            }
        }
        let sorted = |mut v: Vec<i8>| {
            v.sort_unstable();
            v.dedup();
            v
        };
        let (by_hour, by_minute) = (sorted(self.by_hour), sorted(self.by_minute));
        let per_day = by_hour.len().max(1) * by_minute.len().max(1);
        if let Some(o) = self
            .times_at
            .as_ref()
            .filter(|_| per_day > MAX_STARTS_PER_DAY)
        {
            return Err(at(
                o,
                format!(
                    "BYHOUR and BYMINUTE give {per_day} start times a day, more than {MAX_STARTS_PER_DAY}"
                ),
                "A promotion window opens a few times a day at most: list fewer hours or minutes, and give each opening a longer `duration`.",
            ));
        }
        Ok(RRule {
            freq,
            interval: self.interval.map_or(1, |i| i.0),
            count: self.count.map(|c| c.0),
            until: self.until.map(|u| u.0),
            by_month: sorted(self.by_month),
            by_month_day: self.by_month_day.map(|d| d.0).unwrap_or_default(),
            by_day: self.by_day.map(|d| d.0).unwrap_or_default(),
            by_hour,
            by_minute,
            by_set_pos: self.by_set_pos.map(|d| d.0).unwrap_or_default(),
            wkst: self.wkst.unwrap_or(Weekday::Monday),
        })
    }
}

/// `FREQ` value as written.
pub fn freq_name(f: Freq) -> &'static str {
    match f {
        Freq::Daily => "DAILY",
        Freq::Weekly => "WEEKLY",
        Freq::Monthly => "MONTHLY",
        Freq::Yearly => "YEARLY",
    }
}

/// Narrows a checked small number.
fn small(n: i64) -> i8 {
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
