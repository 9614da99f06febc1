//! Which days a rule selects: `BYMONTH`, `BYWEEKNO`, `BYYEARDAY`, `BYMONTHDAY` and `BYDAY`,
//! and the anchor's day when the rule names none.
//!
//! Every part given must match (RFC 5545 §3.3.10: within a period, an "expand" part and a
//! "limit" part both come down to a test on each day of the period).

use jiff::civil::{Date, Weekday};

use super::{Freq, RRule};

impl RRule {
    /// Whether `date` is one of the rule's days (every `BY…` part given must match).
    pub(super) fn date_matches(&self, anchor: Date, date: Date) -> bool {
        if !self.by_month.is_empty() && !self.by_month.contains(&date.month()) {
            return false;
        }
        if !self.by_week_no.is_empty() && !self.week_no_matches(date) {
            return false;
        }
        if !self.by_year_day.is_empty() {
            let doy = date.day_of_year();
            let from_end = doy - date.days_in_year() - 1;
            if !self.by_year_day.iter().any(|&x| x == doy || x == from_end) {
                return false;
            }
        }
        if !self.by_month_day.is_empty() {
            let d = date.day();
            let from_end = d - date.days_in_month() - 1;
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
        let names_days = !self.by_month_day.is_empty()
            || !self.by_day.is_empty()
            || !self.by_year_day.is_empty()
            || !self.by_week_no.is_empty();
        if names_days {
            return true;
        }
        // Days not given by the rule come from the anchor.
        match self.freq {
            Freq::Weekly => date.weekday() == anchor.weekday(),
            Freq::Monthly => date.day() == anchor.day(),
            Freq::Yearly if self.by_month.is_empty() => {
                date.month() == anchor.month() && date.day() == anchor.day()
            }
            Freq::Yearly => date.day() == anchor.day(),
            _ => true,
        }
    }

    /// Whether `date` lies in one of the `BYWEEKNO` weeks. Weeks start on `WKST`; week 1 is
    /// the first with at least four days in the year (ISO 8601 when `WKST=MO`); days before it
    /// belong to the previous year's last week, days after the last to the next year's week 1.
    fn week_no_matches(&self, date: Date) -> bool {
        let year = date.year();
        let (Some(this), Some(next)) = (
            week_one(year, self.wkst),
            year.checked_add(1).and_then(|y| week_one(y, self.wkst)),
        ) else {
            return false;
        };
        let weeks = |from: Date, to: Date| (to - from).get_days() / 7;
        let (pos, neg) = if date < this {
            let Some(prev) = year.checked_sub(1).and_then(|y| week_one(y, self.wkst)) else {
                return false;
            };
            (weeks(prev, this), -1)
        } else if date >= next {
            let after = year.checked_add(2).and_then(|y| week_one(y, self.wkst));
            (1, -after.map_or(52, |a| weeks(next, a)))
        } else {
            let n = weeks(this, date) + 1;
            (n, n - weeks(this, next) - 1)
        };
        self.by_week_no
            .iter()
            .any(|&w| i32::from(w) == pos || i32::from(w) == neg)
    }
}

/// The first day of week 1 of `year`, weeks starting on `wkst`.
fn week_one(year: i16, wkst: Weekday) -> Option<Date> {
    let jan1 = Date::new(year, 1, 1).ok()?;
    let start = week_start(jan1, wkst);
    let in_year = 7 - (jan1 - start).get_days();
    if in_year >= 4 {
        Some(start)
    } else {
        start.checked_add(jiff::Span::new().days(7)).ok()
    }
}

/// Whether `date` is the `n`-th (negative: from the end) of its weekday in its month (or year).
pub(super) fn ordinal_matches(date: Date, n: i8, in_year: bool) -> bool {
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
pub(super) fn week_start(d: Date, wkst: Weekday) -> Date {
    let back = (d.weekday().to_monday_zero_offset() - wkst.to_monday_zero_offset()).rem_euclid(7);
    d.checked_sub(jiff::Span::new().days(i64::from(back)))
        .unwrap_or(d)
}
