//! The checks of a rule's parts against each other (RFC 5545 §3.3.10: one limit per rule,
//! parts that are N/A for a frequency, ordinals where they mean something) and the
//! starts-per-day bound, then the [`RRule`] itself.

use jiff::civil::Weekday;

use super::parse::{At, Builder, freq_name, whole};
use super::{Freq, MAX_STARTS_PER_DAY, RRule, RRuleError};

/// An error at the part written at `at`.
fn at(o: &At, message: impl Into<String>, help: &str) -> RRuleError {
    RRuleError {
        offset: o.0,
        part: o.1.clone(),
        message: message.into(),
        help: help.to_string(),
    }
}

impl Builder {
    /// Checks combinations and builds the rule.
    pub(super) fn finish(self) -> Result<RRule, RRuleError> {
        let Some((freq, freq_at)) = self.freq.clone() else {
            return Err(whole(
                "the rule has no FREQ",
                "Start the rule with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY (or HOURLY, MINUTELY, SECONDLY).",
            ));
        };
        let name = freq_name(freq);
        if let (Some(_), Some((_, o))) = (&self.count, &self.until) {
            return Err(at(
                o,
                "COUNT and UNTIL cannot both be given",
                "RFC 5545 allows one limit per rule: keep COUNT or UNTIL.",
            ));
        }
        if let Some((_, o)) = &self.by_month_day
            && freq == Freq::Weekly
        {
            return Err(at(
                o,
                "BYMONTHDAY cannot be used with FREQ=WEEKLY",
                "Use FREQ=MONTHLY with BYMONTHDAY, or BYDAY for days of the week.",
            ));
        }
        if let Some((_, o)) = &self.by_week_no
            && freq != Freq::Yearly
        {
            return Err(at(
                o,
                format!("BYWEEKNO cannot be used with FREQ={name}"),
                "RFC 5545 numbers weeks within a year: use FREQ=YEARLY with BYWEEKNO (and BYDAY for the days of that week).",
            ));
        }
        if let Some((_, o)) = &self.by_year_day
            && matches!(freq, Freq::Daily | Freq::Weekly | Freq::Monthly)
        {
            return Err(at(
                o,
                format!("BYYEARDAY cannot be used with FREQ={name}"),
                "RFC 5545 allows BYYEARDAY with FREQ=YEARLY (and HOURLY, MINUTELY, SECONDLY): write e.g. `FREQ=YEARLY;BYYEARDAY=100`.",
            ));
        }
        self.check_ordinals(freq)?;
        let rule = self.build(freq);
        let per_day = rule.starts_per_day();
        if per_day > MAX_STARTS_PER_DAY {
            let o = self.times_at.as_ref().unwrap_or(&freq_at);
            return Err(at(
                o,
                format!(
                    "the rule starts up to {per_day} times a day, more than {MAX_STARTS_PER_DAY}"
                ),
                "A promotion window or freeze opens a few times a day at most: give INTERVAL (e.g. `FREQ=MINUTELY;INTERVAL=30`), or fewer BYHOUR/BYMINUTE/BYSECOND values, and let each occurrence last longer (`duration`).",
            ));
        }
        Ok(rule)
    }

    /// `BYDAY` ordinals (`1SA`, `-1FR`) only within a month or a year, and not with BYWEEKNO.
    fn check_ordinals(&self, freq: Freq) -> Result<(), RRuleError> {
        let Some((days, o)) = &self.by_day else {
            return Ok(());
        };
        let limit: i8 = match freq {
            Freq::Monthly => 5,
            Freq::Yearly if self.by_week_no.is_some() => 0,
            Freq::Yearly if self.by_month.is_empty() => 53,
            Freq::Yearly => 5,
            _ => 0,
        };
        let Some(n) = days
            .iter()
            .filter_map(|d| d.ordinal)
            .find(|n| n.abs() > limit)
        else {
            return Ok(());
        };
        let name = freq_name(freq);
        let message = if limit > 0 {
            format!("BYDAY ordinal {n} is out of range for FREQ={name} (±1 to ±{limit})")
        } else if freq == Freq::Yearly {
            format!("BYDAY ordinal {n} cannot be used with BYWEEKNO")
        } else {
            format!("BYDAY ordinal {n} cannot be used with FREQ={name}")
        };
        Err(at(
            o,
            message,
            "Ordinals such as 1SA (first Saturday) or -1FR (last Friday) count within a month (FREQ=MONTHLY, or YEARLY with BYMONTH) or a year (FREQ=YEARLY without BYWEEKNO).",
        ))
    }

    /// The rule, lists sorted where order does not matter.
    fn build(&self, freq: Freq) -> RRule {
        let sorted = |v: &Vec<i8>| {
            let mut v = v.clone();
            v.sort_unstable();
            v.dedup();
            v
        };
        RRule {
            freq,
            interval: self.interval.as_ref().map_or(1, |i| i.0),
            count: self.count.as_ref().map(|c| c.0),
            until: self.until.as_ref().map(|u| u.0),
            by_month: sorted(&self.by_month),
            by_week_no: self
                .by_week_no
                .as_ref()
                .map(|d| d.0.clone())
                .unwrap_or_default(),
            by_year_day: self
                .by_year_day
                .as_ref()
                .map(|d| d.0.clone())
                .unwrap_or_default(),
            by_month_day: self
                .by_month_day
                .as_ref()
                .map(|d| d.0.clone())
                .unwrap_or_default(),
            by_day: self
                .by_day
                .as_ref()
                .map(|d| d.0.clone())
                .unwrap_or_default(),
            by_hour: sorted(&self.by_hour),
            by_minute: sorted(&self.by_minute),
            by_second: sorted(&self.by_second),
            by_set_pos: self
                .by_set_pos
                .as_ref()
                .map(|d| d.0.clone())
                .unwrap_or_default(),
            wkst: self.wkst.unwrap_or(Weekday::Monday),
        }
    }
}
