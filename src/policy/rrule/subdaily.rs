//! The occurrences of an `HOURLY`, `MINUTELY` or `SECONDLY` rule on one day.
//!
//! Periods start on a grid: the anchor cut to the hour (minute, second) plus multiples of
//! `INTERVAL` units, counted on the wall clock. `BYHOUR`/`BYMINUTE`/`BYSECOND` at or above the
//! unit limit which periods count; the ones below it expand each period (the rest come from the
//! anchor). A day is searched either grid point by grid point or through the times the limits
//! allow, whichever is fewer, so a rule such as `FREQ=SECONDLY;BYHOUR=9;BYMINUTE=0;BYSECOND=0`
//! costs one test a day, not 86,400.

use jiff::civil::{Date, DateTime, Time};

use super::{Freq, RRule};

const DAY: i64 = 86_400;

impl RRule {
    /// Pushes the rule's occurrences on `date` (a day the date parts allow), ascending.
    pub(super) fn day_candidates(&self, anchor: DateTime, date: Date, out: &mut Vec<DateTime>) {
        let unit: i64 = match self.freq {
            Freq::Hourly => 3600,
            Freq::Minutely => 60,
            _ => 1,
        };
        let step = unit * i64::from(self.interval.max(1));
        let base = match self.freq {
            Freq::Hourly => anchor.date().to_datetime(clock(anchor.hour(), 0, 0)),
            Freq::Minutely => anchor
                .date()
                .to_datetime(clock(anchor.hour(), anchor.minute(), 0)),
            _ => anchor
                .date()
                .to_datetime(clock(anchor.hour(), anchor.minute(), anchor.second())),
        };
        // Seconds from the grid's origin to this day's midnight.
        let off = date
            .to_datetime(Time::midnight())
            .duration_since(base)
            .as_secs();
        let on_grid = |sod: i64| (off + sod) >= 0 && (off + sod) % step == 0;
        let mut starts: Vec<i64> = Vec::new();
        let first_k = (off.max(0) + step - 1) / step;
        let first = first_k * step - off;
        let grid_count = if first >= DAY {
            0
        } else {
            (DAY - 1 - first) / step + 1
        };
        if grid_count <= self.limit_count(unit) {
            let mut sod = first;
            while sod < DAY {
                if self.within_limits(sod, unit) {
                    starts.push(sod);
                }
                sod += step;
            }
        } else {
            starts.extend(
                self.limit_times(unit)
                    .into_iter()
                    .filter(|&sod| on_grid(sod)),
            );
        }
        for sod in starts {
            let from = out.len();
            self.expand_period(anchor, date, sod, out);
            let mut period = out.split_off(from);
            self.apply_set_pos(&mut period);
            out.extend(period);
        }
    }

    /// How many times of day [`RRule::limit_times`] lists.
    fn limit_count(&self, unit: i64) -> i64 {
        let n = |v: &Vec<i8>, all: i64| if v.is_empty() { all } else { v.len() as i64 };
        let minutes = if unit <= 60 {
            n(&self.by_minute, 60)
        } else {
            1
        };
        let seconds = if unit == 1 { n(&self.by_second, 60) } else { 1 };
        n(&self.by_hour, 24) * minutes * seconds
    }

    /// Every second-of-day at which a period may start under the limiting parts (`BYHOUR` for
    /// `HOURLY`; also `BYMINUTE` for `MINUTELY`; also `BYSECOND` for `SECONDLY`), ascending.
    fn limit_times(&self, unit: i64) -> Vec<i64> {
        let all = |v: &Vec<i8>, n: i8| -> Vec<i64> {
            if v.is_empty() {
                (0..i64::from(n)).collect()
            } else {
                v.iter().map(|&x| i64::from(x)).collect()
            }
        };
        let hours = all(&self.by_hour, 24);
        let minutes = if unit <= 60 {
            all(&self.by_minute, 60)
        } else {
            vec![0]
        };
        let seconds = if unit == 1 {
            all(&self.by_second, 60)
        } else {
            vec![0]
        };
        let mut out = Vec::with_capacity(hours.len() * minutes.len() * seconds.len());
        for h in &hours {
            for m in &minutes {
                for s in &seconds {
                    out.push(h * 3600 + m * 60 + s);
                }
            }
        }
        out
    }

    /// Whether a period starting at second-of-day `sod` passes the limiting parts.
    fn within_limits(&self, sod: i64, unit: i64) -> bool {
        let has = |v: &Vec<i8>, x: i64| v.is_empty() || v.iter().any(|&y| i64::from(y) == x);
        has(&self.by_hour, sod / 3600)
            && (unit > 60 || has(&self.by_minute, sod / 60 % 60))
            && (unit > 1 || has(&self.by_second, sod % 60))
    }

    /// Pushes the occurrences of the period starting at `sod` on `date`: the finer parts
    /// (`BYMINUTE`/`BYSECOND` below the unit) or the anchor's minute and second.
    fn expand_period(&self, anchor: DateTime, date: Date, sod: i64, out: &mut Vec<DateTime>) {
        let or_anchor = |v: &Vec<i8>, a: i8| if v.is_empty() { vec![a] } else { v.clone() };
        let hour = small(sod / 3600);
        let (minutes, seconds) = match self.freq {
            Freq::Hourly => (
                or_anchor(&self.by_minute, anchor.minute()),
                or_anchor(&self.by_second, anchor.second()),
            ),
            Freq::Minutely => (
                vec![small(sod / 60 % 60)],
                or_anchor(&self.by_second, anchor.second()),
            ),
            _ => (vec![small(sod / 60 % 60)], vec![small(sod % 60)]),
        };
        for &m in &minutes {
            for &s in &seconds {
                if let Ok(t) = Time::new(hour, m, s, 0) {
                    out.push(date.to_datetime(t));
                }
            }
        }
    }
}

/// A time of day from parts already in range.
fn clock(h: i8, m: i8, s: i8) -> Time {
    Time::new(h, m, s, 0).unwrap_or(Time::midnight())
}

/// Narrows an hour, minute or second computed from a second-of-day.
fn small(n: i64) -> i8 {
    i8::try_from(n).unwrap_or(0)
}
