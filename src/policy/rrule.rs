//! RFC 5545 recurrence rules (`RRULE`), the subset promotion windows and freezes use.
//!
//! No maintained RRULE crate works with jiff (the ones on crates.io are built on chrono), so this
//! module parses the rule text and expands occurrences over jiff's civil (wall-clock) date-times;
//! turning those into instants in a time zone is `recurrence.rs`'s job. Expansion is bounded:
//! callers ask for occurrences in a range, and the number of periods walked is capped.
//!
//! Supported: `FREQ` (`DAILY`, `WEEKLY`, `MONTHLY`, `YEARLY`), `INTERVAL`, `COUNT`, `UNTIL`,
//! `BYMONTH`, `BYMONTHDAY` (negative counts from the month's end), `BYDAY` (with ordinals such
//! as `1SA` or `-1FR` for `MONTHLY` and `YEARLY`), `BYHOUR`, `BYMINUTE`, `BYSETPOS`, `WKST`.
//! Each `BY…` part narrows the days or times the way RFC 5545 §3.3.10 describes; days and times a
//! rule does not give come from its anchor (`dtstart`).

use std::fmt;

use jiff::civil::{Date, DateTime, Time, Weekday};

/// How often the rule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freq {
    /// Every day (times `INTERVAL`).
    Daily,
    /// Every week.
    Weekly,
    /// Every month.
    Monthly,
    /// Every year.
    Yearly,
}

/// One `BYDAY` entry: a weekday, optionally the n-th (or n-th from last) of the month or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByDay {
    /// `Some(1)` = first, `Some(-1)` = last; `None` = every such weekday.
    pub ordinal: Option<i8>,
    /// The weekday.
    pub weekday: Weekday,
}

/// `UNTIL`: an instant (`…Z`), or a wall-clock date-time in the rule's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// `UNTIL=20261231T230000Z`.
    Utc(DateTime),
    /// `UNTIL=20261231T230000`, or `UNTIL=20261231` (the whole day, inclusive).
    Local(DateTime),
}

/// A parsed recurrence rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RRule {
    /// `FREQ`.
    pub freq: Freq,
    /// `INTERVAL` (≥ 1).
    pub interval: u32,
    /// `COUNT`: at most this many occurrences, counted from the anchor.
    pub count: Option<u32>,
    /// `UNTIL` (inclusive).
    pub until: Option<Until>,
    /// `BYMONTH` (1–12), sorted.
    pub by_month: Vec<i8>,
    /// `BYMONTHDAY` (±1–31).
    pub by_month_day: Vec<i8>,
    /// `BYDAY`.
    pub by_day: Vec<ByDay>,
    /// `BYHOUR` (0–23), sorted.
    pub by_hour: Vec<i8>,
    /// `BYMINUTE` (0–59), sorted.
    pub by_minute: Vec<i8>,
    /// `BYSETPOS` (±1–366).
    pub by_set_pos: Vec<i16>,
    /// `WKST`: the first day of the week (default Monday).
    pub wkst: Weekday,
}

/// Why a rule text is not a supported RRULE, and where in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RRuleError {
    /// Byte offset of the offending part in the rule text.
    pub offset: usize,
    /// The offending part as written (`BYDAY=1XX`), empty when the whole rule is at fault.
    pub part: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

/// Most occurrences `COUNT` may ask for.
pub const MAX_COUNT: u32 = 100_000;
/// Most periods one expansion walks; a safety net far above any real policy's need.
const MAX_PERIODS: u32 = 1_000_000;

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("MO", Weekday::Monday),
    ("TU", Weekday::Tuesday),
    ("WE", Weekday::Wednesday),
    ("TH", Weekday::Thursday),
    ("FR", Weekday::Friday),
    ("SA", Weekday::Saturday),
    ("SU", Weekday::Sunday),
];

const SUPPORTED: &str = "Supported parts: FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY, BYDAY, BYHOUR, BYMINUTE, BYSETPOS, WKST.";

/// The two-letter RFC 5545 name of a weekday.
pub fn weekday_code(w: Weekday) -> &'static str {
    WEEKDAYS
        .iter()
        .find(|(_, d)| *d == w)
        .map_or("MO", |(c, _)| c)
}

impl fmt::Display for RRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.message, self.help)
    }
}

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
            b.part(raw.trim(), part_offset + (raw.len() - raw.trim_start().len()))?;
        }
        b.finish()
    }

    /// Occurrence start times (wall clock) in `[lo, hi)`, ascending, for a rule anchored at
    /// `anchor` (the RFC's DTSTART; days and times the rule does not give come from it). `until`
    /// is `UNTIL` as a wall-clock time (the caller converts a UTC `UNTIL` into its time zone).
    pub fn occurrences(
        &self,
        anchor: DateTime,
        until: Option<DateTime>,
        lo: DateTime,
        hi: DateTime,
    ) -> Vec<DateTime> {
        let mut out = Vec::new();
        let interval = i64::from(self.interval.max(1));
        // Without COUNT, periods before `lo` cannot matter: start one period early (an
        // occurrence can lie before its period's start only through nothing we support, but a
        // period's start date can be a day before `lo` in another offset).
        let first_k = if self.count.is_none() && lo > anchor {
            (self.periods_between(anchor.date(), lo.date()) / interval - 1).max(0)
        } else {
            0
        };
        let mut seen: u32 = 0;
        let mut candidates = Vec::new();
        for step in 0..MAX_PERIODS {
            let k = first_k + i64::from(step);
            let Some(start) = self.period_start(anchor.date(), k * interval) else {
                break;
            };
            if start.to_datetime(Time::midnight()) >= hi {
                break;
            }
            candidates.clear();
            self.period_candidates(anchor, start, &mut candidates);
            for dt in candidates.iter().copied() {
                if dt < anchor {
                    continue;
                }
                if until.is_some_and(|u| dt > u) || dt >= hi {
                    return out;
                }
                seen += 1;
                if self.count.is_some_and(|c| seen > c) {
                    return out;
                }
                if dt >= lo {
                    out.push(dt);
                }
            }
        }
        out
    }

    /// Whole periods (days, weeks, months, years) from the anchor's period to `to`'s.
    fn periods_between(&self, anchor: Date, to: Date) -> i64 {
        match self.freq {
            Freq::Daily => i64::from((to - anchor).get_days()),
            Freq::Weekly => {
                let a = week_start(anchor, self.wkst);
                let b = week_start(to, self.wkst);
                i64::from((b - a).get_days()) / 7
            }
            Freq::Monthly => {
                (i64::from(to.year()) - i64::from(anchor.year())) * 12
                    + i64::from(to.month())
                    - i64::from(anchor.month())
            }
            Freq::Yearly => i64::from(to.year()) - i64::from(anchor.year()),
        }
    }

    /// First day of the period `n` periods after the anchor's.
    fn period_start(&self, anchor: Date, n: i64) -> Option<Date> {
        let span = match self.freq {
            Freq::Daily => jiff::Span::new().try_days(n).ok()?,
            Freq::Weekly => jiff::Span::new().try_weeks(n).ok()?,
            Freq::Monthly => jiff::Span::new().try_months(n).ok()?,
            Freq::Yearly => jiff::Span::new().try_years(n).ok()?,
        };
        let base = match self.freq {
            Freq::Daily => anchor,
            Freq::Weekly => week_start(anchor, self.wkst),
            Freq::Monthly => anchor.first_of_month(),
            Freq::Yearly => anchor.first_of_year(),
        };
        base.checked_add(span).ok()
    }

    /// The period's occurrences before `COUNT`/`UNTIL`, ascending (BYSETPOS applied).
    fn period_candidates(&self, anchor: DateTime, start: Date, out: &mut Vec<DateTime>) {
        let days: i16 = match self.freq {
            Freq::Daily => 1,
            Freq::Weekly => 7,
            Freq::Monthly => i16::from(start.days_in_month()),
            Freq::Yearly => start.days_in_year(),
        };
        let hours = if self.by_hour.is_empty() {
            vec![anchor.hour()]
        } else {
            self.by_hour.clone()
        };
        let minutes = if self.by_minute.is_empty() {
            vec![anchor.minute()]
        } else {
            self.by_minute.clone()
        };
        let mut date = start;
        for i in 0..days {
            if i > 0 {
                match date.tomorrow() {
                    Ok(d) => date = d,
                    Err(_) => break,
                }
            }
            if !self.date_matches(anchor.date(), date) {
                continue;
            }
            for &h in &hours {
                for &m in &minutes {
                    if let Ok(t) = Time::new(h, m, anchor.second(), 0) {
                        out.push(date.to_datetime(t));
                    }
                }
            }
        }
        if !self.by_set_pos.is_empty() {
            let all = std::mem::take(out);
            let n = all.len() as i64;
            for &p in &self.by_set_pos {
                let idx = if p > 0 {
                    i64::from(p) - 1
                } else {
                    n + i64::from(p)
                };
                if let Some(dt) = usize::try_from(idx).ok().and_then(|i| all.get(i)) {
                    out.push(*dt);
                }
            }
            out.sort();
            out.dedup();
        }
    }

    /// Whether `date` is one of the rule's days (every `BY…` part given must match).
    fn date_matches(&self, anchor: Date, date: Date) -> bool {
        if !self.by_month.is_empty() && !self.by_month.contains(&date.month()) {
            return false;
        }
        if !self.by_month_day.is_empty() {
            let dim = date.days_in_month();
            let d = date.day();
            let from_end = d - dim - 1;
            if !self.by_month_day.iter().any(|&x| x == d || x == from_end) {
                return false;
            }
        }
        if !self.by_day.is_empty() {
            let in_year = self.freq == Freq::Yearly && self.by_month.is_empty();
            let ok = self.by_day.iter().any(|bd| {
                bd.weekday == date.weekday()
                    && bd.ordinal.is_none_or(|n| ordinal_matches(date, n, in_year))
            });
            if !ok {
                return false;
            }
        }
        if self.by_month_day.is_empty() && self.by_day.is_empty() {
            // Days not given by the rule come from the anchor.
            return match self.freq {
                Freq::Daily => true,
                Freq::Weekly => date.weekday() == anchor.weekday(),
                Freq::Monthly => date.day() == anchor.day(),
                Freq::Yearly if self.by_month.is_empty() => {
                    date.month() == anchor.month() && date.day() == anchor.day()
                }
                Freq::Yearly => date.day() == anchor.day(),
            };
        }
        true
    }
}

/// Whether `date` is the `n`-th (negative: from the end) of its weekday in its month (or year).
fn ordinal_matches(date: Date, n: i8, in_year: bool) -> bool {
    let (pos, len) = if in_year {
        (i32::from(date.day_of_year()), i32::from(date.days_in_year()))
    } else {
        (i32::from(date.day()), i32::from(date.days_in_month()))
    };
    let nth = (pos - 1) / 7 + 1;
    let nth_from_end = -((len - pos) / 7 + 1);
    i32::from(n) == nth || i32::from(n) == nth_from_end
}

/// The first day of the week containing `d`, weeks starting on `wkst`.
fn week_start(d: Date, wkst: Weekday) -> Date {
    let back = (d.weekday().to_monday_zero_offset() - wkst.to_monday_zero_offset()).rem_euclid(7);
    d.checked_sub(jiff::Span::new().days(i64::from(back)))
        .unwrap_or(d)
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
    by_set_pos: Option<(Vec<i16>, usize, String)>,
    wkst: Option<Weekday>,
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
        match name.as_str() {
            "FREQ" => {
                self.freq = Some(match value.to_ascii_uppercase().as_str() {
                    "DAILY" => Freq::Daily,
                    "WEEKLY" => Freq::Weekly,
                    "MONTHLY" => Freq::Monthly,
                    "YEARLY" => Freq::Yearly,
                    "HOURLY" | "MINUTELY" | "SECONDLY" => {
                        return Err(err(
                            format!("FREQ={value} is not supported here"),
                            "Promotion windows repeat by day at most: use FREQ=DAILY with BYHOUR (and BYMINUTE) for several openings a day.",
                        ));
                    }
                    _ => {
                        return Err(err(
                            format!("FREQ \"{value}\" is not a frequency"),
                            "Write FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.",
                        ));
                    }
                });
            }
            "INTERVAL" => {
                let n = number(value, 1, 1000)
                    .ok_or_else(|| err(format!("INTERVAL \"{value}\" is not a whole number from 1 to 1000"), "Write e.g. `INTERVAL=2` for every second period."))?;
                self.interval = Some((u32::try_from(n).unwrap_or(1), offset, part.to_string()));
            }
            "COUNT" => {
                let n = number(value, 1, i64::from(MAX_COUNT)).ok_or_else(|| {
                    err(
                        format!("COUNT \"{value}\" is not a whole number from 1 to {MAX_COUNT}"),
                        "COUNT is how many occurrences the rule has in all; use UNTIL or no limit for longer series.",
                    )
                })?;
                self.count = Some((u32::try_from(n).unwrap_or(1), offset, part.to_string()));
            }
            "UNTIL" => {
                let u = until(value).ok_or_else(|| {
                    err(
                        format!("UNTIL \"{value}\" is not a date or date-time"),
                        "Write UNTIL=YYYYMMDD, UNTIL=YYYYMMDDTHHMMSS (wall clock in `timezone`) or UNTIL=YYYYMMDDTHHMMSSZ (UTC).",
                    )
                })?;
                self.until = Some((u, offset, part.to_string()));
            }
            "BYMONTH" => {
                for v in list() {
                    let n = number(v, 1, 12).ok_or_else(|| {
                        err(format!("BYMONTH \"{v}\" is not a month number 1-12"), "Write month numbers, e.g. `BYMONTH=3,9`.")
                    })?;
                    self.by_month.push(small(n));
                }
            }
            "BYMONTHDAY" => {
                let mut days = Vec::new();
                for v in list() {
                    let n = signed(v, 31).ok_or_else(|| {
                        err(format!("BYMONTHDAY \"{v}\" is not a day of the month (1 to 31, or -1 to -31 from the end)"), "Write e.g. `BYMONTHDAY=1,15` or `BYMONTHDAY=-1` for the last day.")
                    })?;
                    days.push(small(n));
                }
                self.by_month_day = Some((days, offset, part.to_string()));
            }
            "BYDAY" => {
                let mut days = Vec::new();
                for v in list() {
                    days.push(by_day(v).ok_or_else(|| {
                        err(format!("BYDAY \"{v}\" is not a weekday"), "Write MO, TU, WE, TH, FR, SA or SU, optionally after an ordinal such as 1 (first) or -1 (last): `BYDAY=1SA`, `BYDAY=-1FR`.")
                    })?);
                }
                self.by_day = Some((days, offset, part.to_string()));
            }
            "BYHOUR" => {
                for v in list() {
                    let n = number(v, 0, 23).ok_or_else(|| {
                        err(format!("BYHOUR \"{v}\" is not an hour 0-23"), "Write hours of the 24-hour clock, e.g. `BYHOUR=10` or `BYHOUR=9,14`.")
                    })?;
                    self.by_hour.push(small(n));
                }
            }
            "BYMINUTE" => {
                for v in list() {
                    let n = number(v, 0, 59).ok_or_else(|| {
                        err(format!("BYMINUTE \"{v}\" is not a minute 0-59"), "Write minutes, e.g. `BYMINUTE=30`.")
                    })?;
                    self.by_minute.push(small(n));
                }
            }
            "BYSETPOS" => {
                let mut pos = Vec::new();
                for v in list() {
                    let n = signed(v, 366).ok_or_else(|| {
                        err(format!("BYSETPOS \"{v}\" is not a position (1 to 366, or -1 to -366 from the end)"), "Write e.g. `BYSETPOS=-1` for the last occurrence of each period.")
                    })?;
                    pos.push(i16::try_from(n).unwrap_or(1));
                }
                self.by_set_pos = Some((pos, offset, part.to_string()));
            }
            "WKST" => {
                self.wkst = Some(weekday(value).ok_or_else(|| {
                    err(format!("WKST \"{value}\" is not a weekday"), "Write MO, TU, WE, TH, FR, SA or SU.")
                })?);
            }
            "BYSECOND" | "BYWEEKNO" | "BYYEARDAY" | "BYEASTER" | "RSCALE" | "SKIP" => {
                return Err(err(format!("{name} is not supported here"), SUPPORTED));
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
            if let Some(bd) = days.iter().find(|d| d.ordinal.is_some_and(|n| n.abs() > limit)) {
                let n = bd.ordinal.unwrap_or(0);
                let message = if limit == 0 {
                    format!("BYDAY ordinal {n} cannot be used with FREQ={}", freq_name(freq))
                } else {
                    format!("BYDAY ordinal {n} is out of range for FREQ={} (±1 to ±{limit})", freq_name(freq))
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
        Ok(RRule {
            freq,
            interval: self.interval.map_or(1, |i| i.0),
            count: self.count.map(|c| c.0),
            until: self.until.map(|u| u.0),
            by_month: sorted(self.by_month),
            by_month_day: self.by_month_day.map(|d| d.0).unwrap_or_default(),
            by_day: self.by_day.map(|d| d.0).unwrap_or_default(),
            by_hour: sorted(self.by_hour),
            by_minute: sorted(self.by_minute),
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
fn weekday(s: &str) -> Option<Weekday> {
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
        8 => Some(Until::Local(date.to_datetime(Time::new(23, 59, 59, 999_999_999).ok()?))),
        15 | 16 if b[8].eq_ignore_ascii_case(&b'T') => {
            let t = Time::new(small(digits(9..11)?), small(digits(11..13)?), small(digits(13..15)?), 0)
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

#[cfg(test)]
mod tests;
