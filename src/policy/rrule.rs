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
/// Most start times a rule may have in one day (`BYHOUR` × `BYMINUTE`): it bounds how many
/// occurrences an evaluation expands (with [`crate::policy::schedule::SEARCH_DAYS`]).
pub const MAX_STARTS_PER_DAY: usize = 24;
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
                (i64::from(to.year()) - i64::from(anchor.year())) * 12 + i64::from(to.month())
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
        (
            i32::from(date.day_of_year()),
            i32::from(date.days_in_year()),
        )
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

mod parse;

#[cfg(test)]
mod tests;
