//! RFC 5545 recurrence rules (`RRULE`) for promotion windows, freezes and calendar events.
//!
//! No maintained RRULE crate works with jiff (the ones on crates.io are built on chrono), so this
//! module parses the rule text and expands occurrences over jiff's civil (wall-clock) date-times;
//! turning those into instants in a time zone is `recurrence.rs`'s job. Expansion is bounded:
//! callers ask for occurrences in a range, the number of periods walked is capped, and a rule may
//! start at most [`MAX_STARTS_PER_DAY`] times a day.
//!
//! Supported: every `FREQ` (`SECONDLY` to `YEARLY`), `INTERVAL`, `COUNT`, `UNTIL`, `BYMONTH`,
//! `BYWEEKNO`, `BYYEARDAY`, `BYMONTHDAY` (negative counts from the end), `BYDAY` (with ordinals
//! such as `1SA` or `-1FR` for `MONTHLY` and `YEARLY`), `BYHOUR`, `BYMINUTE`, `BYSECOND`,
//! `BYSETPOS`, `WKST`. Each `BY…` part expands or limits the set the way RFC 5545 §3.3.10's
//! table says, and the parts it marks N/A are refused; days and times a rule does not give come
//! from its anchor (`dtstart`), as in python-dateutil, which the tests check against. Periods
//! are counted on the wall clock (an `HOURLY` rule steps through civil hours).

use std::fmt;

use jiff::civil::{Date, DateTime, Time, Weekday};

/// How often the rule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freq {
    /// Every second (times `INTERVAL`).
    Secondly,
    /// Every minute.
    Minutely,
    /// Every hour.
    Hourly,
    /// Every day.
    Daily,
    /// Every week.
    Weekly,
    /// Every month.
    Monthly,
    /// Every year.
    Yearly,
}

impl Freq {
    /// Whether a period is shorter than a day (`HOURLY`, `MINUTELY`, `SECONDLY`).
    pub(crate) fn is_sub_daily(self) -> bool {
        matches!(self, Freq::Hourly | Freq::Minutely | Freq::Secondly)
    }
}

/// One `BYDAY` entry: a weekday, optionally the n-th (or n-th from last) of the month or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ByDay {
    /// `Some(1)` = first, `Some(-1)` = last; `None` = every such weekday.
    pub(crate) ordinal: Option<i8>,
    /// The weekday.
    pub(crate) weekday: Weekday,
}

/// `UNTIL`: an instant (`…Z`), or a wall-clock date-time in the rule's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Until {
    /// `UNTIL=20261231T230000Z`.
    Utc(DateTime),
    /// `UNTIL=20261231T230000`, or `UNTIL=20261231` (the whole day, inclusive).
    Local(DateTime),
}

/// A parsed recurrence rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RRule {
    /// `FREQ`.
    pub(crate) freq: Freq,
    /// `INTERVAL` (≥ 1).
    pub(crate) interval: u32,
    /// `COUNT`: at most this many occurrences, counted from the anchor.
    pub(crate) count: Option<u32>,
    /// `UNTIL` (inclusive).
    pub(crate) until: Option<Until>,
    /// `BYMONTH` (1–12), sorted.
    pub(crate) by_month: Vec<i8>,
    /// `BYWEEKNO` (±1–53; `FREQ=YEARLY` only).
    pub(crate) by_week_no: Vec<i8>,
    /// `BYYEARDAY` (±1–366).
    pub(crate) by_year_day: Vec<i16>,
    /// `BYMONTHDAY` (±1–31).
    pub(crate) by_month_day: Vec<i8>,
    /// `BYDAY`.
    pub(crate) by_day: Vec<ByDay>,
    /// `BYHOUR` (0–23), sorted.
    pub(crate) by_hour: Vec<i8>,
    /// `BYMINUTE` (0–59), sorted.
    pub(crate) by_minute: Vec<i8>,
    /// `BYSECOND` (0–59), sorted.
    pub(crate) by_second: Vec<i8>,
    /// `BYSETPOS` (±1–366).
    pub(crate) by_set_pos: Vec<i16>,
    /// `WKST`: the first day of the week (default Monday).
    pub(crate) wkst: Weekday,
}

/// Why a rule text is not a supported RRULE, and where in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RRuleError {
    /// Byte offset of the offending part in the rule text.
    pub(crate) offset: usize,
    /// The offending part as written (`BYDAY=1XX`), empty when the whole rule is at fault.
    pub(crate) part: String,
    /// What is wrong.
    pub(crate) message: String,
    /// What to do about it.
    pub(crate) help: String,
}

/// Most occurrences `COUNT` may ask for.
pub(crate) const MAX_COUNT: u32 = 100_000;
/// Most start times a rule may have in one day (one every quarter of an hour): it bounds how
/// many occurrences an evaluation expands (with [`crate::policy::schedule::SEARCH_DAYS`]).
pub(crate) const MAX_STARTS_PER_DAY: usize = 96;
/// Most periods one expansion walks: more than the days from the earliest allowed anchor
/// (1900) to the latest (2200), so a safety net only.
const MAX_PERIODS: u32 = 200_000;

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("MO", Weekday::Monday),
    ("TU", Weekday::Tuesday),
    ("WE", Weekday::Wednesday),
    ("TH", Weekday::Thursday),
    ("FR", Weekday::Friday),
    ("SA", Weekday::Saturday),
    ("SU", Weekday::Sunday),
];

/// The two-letter RFC 5545 name of a weekday.
#[cfg(test)]
pub(crate) fn weekday_code(w: Weekday) -> &'static str {
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

/// Collects occurrences in order, applying `COUNT`, `UNTIL` and the asked range.
struct Sink {
    anchor: DateTime,
    count: Option<u32>,
    seen: u32,
    until: Option<DateTime>,
    lo: DateTime,
    hi: DateTime,
    out: Vec<DateTime>,
}

impl Sink {
    /// Takes the next candidate (ascending); `false` once the series has ended.
    fn push(&mut self, dt: DateTime) -> bool {
        if dt < self.anchor {
            return true;
        }
        if self.until.is_some_and(|u| dt > u) || dt >= self.hi {
            return false;
        }
        self.seen += 1;
        if self.count.is_some_and(|c| self.seen > c) {
            return false;
        }
        if dt >= self.lo {
            self.out.push(dt);
        }
        true
    }
}

impl RRule {
    /// Occurrence start times (wall clock) in `[lo, hi)`, ascending, for a rule anchored at
    /// `anchor` (the RFC's DTSTART; days and times the rule does not give come from it). `until`
    /// is `UNTIL` as a wall-clock time (the caller converts a UTC `UNTIL` into its time zone).
    pub(crate) fn occurrences(
        &self,
        anchor: DateTime,
        until: Option<DateTime>,
        lo: DateTime,
        hi: DateTime,
    ) -> Vec<DateTime> {
        let mut sink = Sink {
            anchor,
            count: self.count,
            seen: 0,
            until,
            lo,
            hi,
            out: Vec::new(),
        };
        if self.freq.is_sub_daily() {
            self.walk_days(&mut sink);
        } else {
            self.walk_periods(&mut sink);
        }
        sink.out
    }

    /// `DAILY` and longer: period by period from the anchor's (or from just before `lo`).
    fn walk_periods(&self, sink: &mut Sink) {
        let anchor = sink.anchor;
        let interval = i64::from(self.interval.max(1));
        // Without COUNT, periods before `lo` cannot matter: start one period early (a period's
        // start date can be a day before `lo` in another offset).
        let first_k = if self.count.is_none() && sink.lo > anchor {
            (self.periods_between(anchor.date(), sink.lo.date()) / interval - 1).max(0)
        } else {
            0
        };
        let mut candidates = Vec::new();
        for step in 0..MAX_PERIODS {
            let k = first_k + i64::from(step);
            let Some(start) = self.period_start(anchor.date(), k * interval) else {
                break;
            };
            if start.to_datetime(Time::midnight()) >= sink.hi {
                break;
            }
            candidates.clear();
            self.period_candidates(anchor, start, &mut candidates);
            for dt in candidates.iter().copied() {
                if !sink.push(dt) {
                    return;
                }
            }
        }
    }

    /// `HOURLY`, `MINUTELY`, `SECONDLY`: day by day (a period never spans two days), so that
    /// days the date parts exclude cost one check each.
    fn walk_days(&self, sink: &mut Sink) {
        let anchor = sink.anchor;
        let mut day = anchor.date();
        if self.count.is_none()
            && let Ok(before) = sink.lo.date().yesterday()
        {
            day = day.max(before);
        }
        let mut candidates = Vec::new();
        while day.to_datetime(Time::midnight()) < sink.hi {
            if self.date_matches(anchor.date(), day) {
                candidates.clear();
                self.day_candidates(anchor, day, &mut candidates);
                for dt in candidates.iter().copied() {
                    if !sink.push(dt) {
                        return;
                    }
                }
            }
            match day.tomorrow() {
                Ok(d) => day = d,
                Err(_) => return,
            }
        }
    }

    /// Whole periods (days, weeks, months, years) from the anchor's period to `to`'s.
    fn periods_between(&self, anchor: Date, to: Date) -> i64 {
        match self.freq {
            Freq::Weekly => {
                let a = days::week_start(anchor, self.wkst);
                let b = days::week_start(to, self.wkst);
                i64::from((b - a).get_days()) / 7
            }
            Freq::Monthly => {
                (i64::from(to.year()) - i64::from(anchor.year())) * 12 + i64::from(to.month())
                    - i64::from(anchor.month())
            }
            Freq::Yearly => i64::from(to.year()) - i64::from(anchor.year()),
            _ => i64::from((to - anchor).get_days()),
        }
    }

    /// First day of the period `n` periods after the anchor's.
    fn period_start(&self, anchor: Date, n: i64) -> Option<Date> {
        let (span, base) = match self.freq {
            Freq::Weekly => (
                jiff::Span::new().try_weeks(n).ok()?,
                days::week_start(anchor, self.wkst),
            ),
            Freq::Monthly => (
                jiff::Span::new().try_months(n).ok()?,
                anchor.first_of_month(),
            ),
            Freq::Yearly => (jiff::Span::new().try_years(n).ok()?, anchor.first_of_year()),
            _ => (jiff::Span::new().try_days(n).ok()?, anchor),
        };
        base.checked_add(span).ok()
    }

    /// The period's occurrences before `COUNT`/`UNTIL`, ascending (BYSETPOS applied).
    fn period_candidates(&self, anchor: DateTime, start: Date, out: &mut Vec<DateTime>) {
        let days: i16 = match self.freq {
            Freq::Weekly => 7,
            Freq::Monthly => i16::from(start.days_in_month()),
            Freq::Yearly => start.days_in_year(),
            _ => 1,
        };
        let or_anchor = |v: &Vec<i8>, a: i8| if v.is_empty() { vec![a] } else { v.clone() };
        let hours = or_anchor(&self.by_hour, anchor.hour());
        let minutes = or_anchor(&self.by_minute, anchor.minute());
        let seconds = or_anchor(&self.by_second, anchor.second());
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
                    for &s in &seconds {
                        if let Ok(t) = Time::new(h, m, s, 0) {
                            out.push(date.to_datetime(t));
                        }
                    }
                }
            }
        }
        self.apply_set_pos(out);
    }

    /// Keeps only the `BYSETPOS` positions of one period's candidates (sorted ascending).
    fn apply_set_pos(&self, out: &mut Vec<DateTime>) {
        if self.by_set_pos.is_empty() {
            return;
        }
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

    /// Most start times the rule can have in one day: what [`MAX_STARTS_PER_DAY`] bounds. For a
    /// sub-daily rule, a day holds at most its grid points, and each allowed hour (minute) at
    /// most the grid points that fit in an hour (minute).
    pub(crate) fn starts_per_day(&self) -> usize {
        let n = |v: &Vec<i8>, all: usize| if v.is_empty() { all } else { v.len() };
        let fit = |span: usize| span.div_ceil(self.interval.max(1) as usize);
        let (h, m, s) = (&self.by_hour, &self.by_minute, &self.by_second);
        match self.freq {
            Freq::Hourly => fit(24).min(n(h, 24)) * n(m, 1) * n(s, 1),
            Freq::Minutely => fit(1440).min(n(h, 24) * fit(60).min(n(m, 60))) * n(s, 1),
            Freq::Secondly => {
                fit(86_400).min(n(h, 24) * fit(3600).min(n(m, 60) * fit(60).min(n(s, 60))))
            }
            _ => n(h, 1) * n(m, 1) * n(s, 1),
        }
    }
}

mod check;
mod days;
mod parse;
mod subdaily;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_rfc;
