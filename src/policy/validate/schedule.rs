//! Validation of a stage's `windows` and `freezes`: weekly windows, fixed freezes and calendar
//! recurrences (`rrule` + `duration` + `timezone`).
//!
//! A bad recurrence rule is reported at the offending part of the rule (`BYDAY=1XX`), not just
//! at the start of the value, so the column points at what to fix. Calendar (`ics`) freezes
//! are checked in `calendar.rs`.

use std::collections::HashSet;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::Ctx;
use crate::policy::error::{ErrorKind, PolicyError, closest};
use crate::policy::locate::{At, KeyPath, locate};
use crate::policy::raw::{RawFreeze, RawWindow};
use crate::policy::recurrence::{
    ExDate, MAX_EXDATES, Recurrence, check_anchor, parse_dtstart, parse_duration, parse_exdate,
};
use crate::policy::rrule::{RRule, RRuleError};
use crate::policy::windows::{
    Freeze, FreezePeriod, RecurringFreeze, TimeOfDay, WeeklyWindow, Window,
};

/// Most windows, and most freezes, one stage may list: far more than any calendar needs, and
/// it keeps evaluating them fast and small.
pub(crate) const MAX_ENTRIES: usize = 50;

/// Help shown when an entry mixes the two forms.
const TWO_FORMS: &str = "An entry is either classic (`days`, `start`, `end` for a window; `from`, `to` for a freeze) or a recurrence (`rrule`, `duration`, `timezone`, optional `dtstart` and `exdate`); split it into two entries.";

/// The recurrence keys of one entry, as written.
struct RecurrenceKeys<'a> {
    rrule: &'a str,
    duration: Option<&'a str>,
    timezone: &'a str,
    dtstart: Option<&'a str>,
    exdate: Option<&'a [String]>,
}

impl Ctx<'_> {
    /// Validates `windows`: (index in the file's list, window) pairs; a bad window is
    /// recorded and left out.
    pub(super) fn windows(&self, path: &KeyPath, raw: Vec<(usize, RawWindow)>) -> Vec<Window> {
        if self
            .keep(self.at_most(path, "windows", count(&raw)))
            .is_none()
        {
            return Vec::new();
        }
        raw.into_iter()
            .filter_map(|(i, w)| self.keep(self.window(&path.index(i), w)))
            .collect()
    }

    /// Validates one window, weekly or recurring.
    fn window(&self, wp: &KeyPath, w: RawWindow) -> Result<Window, PolicyError> {
        if let Some(rrule) = w.rrule.as_deref() {
            let classic = [
                ("days", w.days.is_some()),
                ("start", w.start.is_some()),
                ("end", w.end.is_some()),
            ];
            self.refuse_mix(wp, "window", "rrule", &classic)?;
            let keys = RecurrenceKeys {
                rrule,
                duration: w.duration.as_deref(),
                timezone: &w.timezone,
                dtstart: w.dtstart.as_deref(),
                exdate: w.exdate.as_deref(),
            };
            return Ok(Window::Recurring(self.recurrence(wp, "window", keys)?));
        }
        let extra = [
            ("duration", w.duration.is_some()),
            ("dtstart", w.dtstart.is_some()),
            ("exdate", w.exdate.is_some()),
        ];
        self.refuse_mix(wp, "window", "days", &extra)?;
        Ok(Window::Weekly(self.weekly(wp, w)?))
    }

    /// Validates a weekly window (`days`, `start`, `end`, `timezone`).
    fn weekly(&self, wp: &KeyPath, w: RawWindow) -> Result<WeeklyWindow, PolicyError> {
        let missing = |key: &str| {
            self.err(
                ErrorKind::MissingKey,
                wp,
                At::Value,
                format!("window has no `{key}`"),
                "A weekly window needs `days`, `start`, `end` and `timezone`; a recurring one needs `rrule`, `duration` and `timezone`.",
            )
        };
        let days = w.days.ok_or_else(|| missing("days"))?;
        let start = w.start.ok_or_else(|| missing("start"))?;
        let end = w.end.ok_or_else(|| missing("end"))?;
        if days.is_empty() {
            return Err(self.invalid(
                &wp.key("days"),
                At::Value,
                "`days` is empty",
                "List the days the window opens, e.g. `days: [mon, tue, wed, thu, fri]`.",
            ));
        }
        let mut seen = HashSet::new();
        for (j, d) in days.iter().enumerate() {
            if !seen.insert(*d) {
                return Err(self.err(
                    ErrorKind::DuplicateKey,
                    &wp.key("days").index(j),
                    At::Value,
                    format!("day `{}` is listed twice", d.as_str()),
                    "List each day once.",
                ));
            }
        }
        let start = self.time_of_day(&wp.key("start"), &start, false)?;
        let end = self.time_of_day(&wp.key("end"), &end, true)?;
        if end <= start {
            return Err(self.invalid(
                &wp.key("end"),
                At::Value,
                format!("window `end` {end} is not after `start` {start}"),
                "A window cannot cross midnight: write an overnight window as two windows (e.g. 22:00-24:00 and 00:00-06:00 on the following days).",
            ));
        }
        let tz = self.time_zone(&wp.key("timezone"), &w.timezone)?;
        Ok(WeeklyWindow {
            days,
            start,
            end,
            timezone: w.timezone.trim().to_string(),
            tz,
        })
    }

    /// Validates `freezes`: (index, freeze) pairs; a bad freeze is recorded and left out.
    pub(super) fn freezes(&self, path: &KeyPath, raw: Vec<(usize, RawFreeze)>) -> Vec<Freeze> {
        if self
            .keep(self.at_most(path, "freezes", count(&raw)))
            .is_none()
        {
            return Vec::new();
        }
        raw.into_iter()
            .filter_map(|(i, f)| self.keep(self.freeze(&path.index(i), f)))
            .collect()
    }

    /// Validates one freeze, fixed or recurring.
    fn freeze(&self, fp: &KeyPath, f: RawFreeze) -> Result<Freeze, PolicyError> {
        if f.ics.is_some() {
            return self.calendar_freeze(fp, f).map(Freeze::Calendar);
        }
        let Some(reason) = f.reason.as_deref().map(|r| r.trim().to_string()) else {
            return Err(self.err(
                ErrorKind::MissingKey,
                fp,
                At::Value,
                "missing field `reason`",
                "Say why the stage is frozen, e.g. `reason: year-end freeze`; it is shown to whoever is blocked. (A calendar freeze, `ics`, takes each event's SUMMARY instead.)",
            ));
        };
        let freeze = if let Some(rrule) = f.rrule.as_deref() {
            let classic = [("from", f.from.is_some()), ("to", f.to.is_some())];
            self.refuse_mix(fp, "freeze", "rrule", &classic)?;
            let Some(timezone) = f.timezone.as_deref() else {
                return Err(self.err(
                    ErrorKind::MissingKey,
                    fp,
                    At::Value,
                    "freeze with `rrule` has no `timezone`",
                    "Add the IANA time zone of the rule's wall-clock times, e.g. `timezone: America/New_York`.",
                ));
            };
            let keys = RecurrenceKeys {
                rrule,
                duration: f.duration.as_deref(),
                timezone,
                dtstart: f.dtstart.as_deref(),
                exdate: f.exdate.as_deref(),
            };
            Freeze::Recurring(RecurringFreeze {
                recurrence: self.recurrence(fp, "freeze", keys)?,
                reason: reason.clone(),
            })
        } else {
            let extra = [
                ("timezone", f.timezone.is_some()),
                ("duration", f.duration.is_some()),
                ("dtstart", f.dtstart.is_some()),
                ("exdate", f.exdate.is_some()),
            ];
            self.refuse_mix(fp, "freeze", "from", &extra)?;
            let missing = |key: &str| {
                self.err(
                    ErrorKind::MissingKey,
                    fp,
                    At::Value,
                    format!("freeze has no `{key}`"),
                    "A fixed freeze needs `from`, `to` and `reason`; a recurring one needs `rrule`, `duration`, `timezone` and `reason`.",
                )
            };
            let from_s = f.from.as_deref().ok_or_else(|| missing("from"))?;
            let to_s = f.to.as_deref().ok_or_else(|| missing("to"))?;
            let from = self.timestamp(&fp.key("from"), from_s)?;
            let to = self.timestamp(&fp.key("to"), to_s)?;
            if to <= from {
                return Err(self.invalid(
                    &fp.key("to"),
                    At::Value,
                    format!("freeze `to` ({to}) is not after `from` ({from})"),
                    "`to` is the end of the freeze (exclusive) and must be later than `from`.",
                ));
            }
            Freeze::Period(FreezePeriod {
                from,
                to,
                reason: reason.clone(),
            })
        };
        if reason.is_empty() {
            return Err(self.invalid(
                &fp.key("reason"),
                At::Value,
                "freeze `reason` is empty",
                "Say why the stage is frozen, e.g. `reason: year-end freeze`; it is shown to whoever is blocked.",
            ));
        }
        Ok(freeze)
    }

    /// Rejects a list longer than [`MAX_ENTRIES`], at its first extra entry.
    fn at_most(&self, path: &KeyPath, what: &str, len: usize) -> Result<(), PolicyError> {
        if len <= MAX_ENTRIES {
            return Ok(());
        }
        Err(self.invalid(
            &path.index(MAX_ENTRIES),
            At::Value,
            format!("{len} {what}, more than the {MAX_ENTRIES} a stage may list"),
            "Combine entries: one window can list several `days`, and one `rrule` can name several days and times (e.g. `BYDAY=MO,WE;BYHOUR=9,14`).",
        ))
    }

    /// Rejects keys of the other form (`present` pairs of key name and presence).
    pub(super) fn refuse_mix(
        &self,
        p: &KeyPath,
        what: &str,
        form_key: &str,
        present: &[(&str, bool)],
    ) -> Result<(), PolicyError> {
        match present.iter().find(|(_, here)| *here) {
            None => Ok(()),
            Some((key, _)) => {
                let message = if form_key == "rrule" {
                    format!("`{key}` cannot be combined with `rrule` in one {what}")
                } else {
                    format!("`{key}` is only used with `rrule`")
                };
                Err(self.invalid(&p.key(key), At::Key, message, TWO_FORMS))
            }
        }
    }

    /// Validates the recurrence keys of a window or freeze at `p`.
    fn recurrence(
        &self,
        p: &KeyPath,
        what: &str,
        k: RecurrenceKeys<'_>,
    ) -> Result<Recurrence, PolicyError> {
        let rp = p.key("rrule");
        let rule = RRule::parse(k.rrule).map_err(|e| self.rule_error(&rp, k.rrule, e))?;
        let Some(duration) = k.duration else {
            return Err(self.err(
                ErrorKind::MissingKey,
                p,
                At::Value,
                format!("{what} with `rrule` has no `duration`"),
                "Add how long each occurrence lasts, e.g. `duration: 4h` (or `30m`, `1h30m`, `24h`, `PT4H`).",
            ));
        };
        let duration = parse_duration(duration)
            .map_err(|(m, h)| self.invalid(&p.key("duration"), At::Value, m, h))?;
        let tz = self.time_zone(&p.key("timezone"), k.timezone)?;
        let dtstart = match k.dtstart {
            None => None,
            Some(d) => Some(
                parse_dtstart(d)
                    .map_err(|(m, h)| self.invalid(&p.key("dtstart"), At::Value, m, h))?,
            ),
        };
        check_anchor(k.rrule, &rule, dtstart.is_some())
            .map_err(|e| self.rule_error(&rp, k.rrule, e))?;
        Ok(Recurrence {
            rrule: k.rrule.trim().to_string(),
            duration,
            timezone: k.timezone.trim().to_string(),
            dtstart,
            exdate: self.exdate(&p.key("exdate"), k.exdate.unwrap_or_default())?,
            rule: Box::new(rule),
            tz,
        })
    }

    /// Validates `exdate`: at most [`MAX_EXDATES`] dates or date-times, sorted for lookup.
    fn exdate(&self, p: &KeyPath, list: &[String]) -> Result<Vec<ExDate>, PolicyError> {
        if list.len() > MAX_EXDATES {
            return Err(self.invalid(
                &p.index(MAX_EXDATES),
                At::Value,
                format!("{} exdate entries, more than the {MAX_EXDATES} allowed", list.len()),
                "Leave out whole days (`2026-12-25`) rather than each occurrence, or narrow the rule (BYMONTH, UNTIL).",
            ));
        }
        let mut out = Vec::with_capacity(list.len());
        for (j, s) in list.iter().enumerate() {
            out.push(parse_exdate(s).map_err(|(m, h)| self.invalid(&p.index(j), At::Value, m, h))?);
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// An error in a rule, positioned at the offending part when the value is written on one
    /// line as parsed (plain or quoted without escapes), else at the value.
    fn rule_error(&self, p: &KeyPath, rule: &str, e: RRuleError) -> PolicyError {
        let (line, column) = locate(self.text, p, At::Value);
        let mut pos = (line, column);
        if let Some(text_line) = self.text.lines().nth(line.saturating_sub(1)) {
            let rest: String = text_line.chars().skip(column.saturating_sub(1)).collect();
            let quote = usize::from(rest.starts_with(['"', '\'']));
            let inner: String = rest.chars().skip(quote).collect();
            if inner.starts_with(rule)
                && let Some(before) = rule.get(..e.offset)
            {
                pos = (line, column + quote + before.chars().count());
            }
        }
        PolicyError::new(
            ErrorKind::InvalidValue,
            self.source_name,
            pos,
            p.to_string(),
            e.message,
            e.help,
        )
    }

    /// Resolves an IANA time zone name.
    pub(super) fn time_zone(&self, p: &KeyPath, name: &str) -> Result<TimeZone, PolicyError> {
        TimeZone::get(name.trim()).map_err(|_| {
            let names: Vec<String> = jiff::tz::db()
                .available()
                .map(|n| n.as_str().to_string())
                .collect();
            let hint = closest(name.trim(), names.iter().map(String::as_str))
                .map(|c| format!("Did you mean `{c}`? "))
                .unwrap_or_default();
            self.invalid(
                p,
                At::Value,
                format!("unknown time zone `{name}`"),
                format!("{hint}Use an IANA time zone name such as `UTC`, `Europe/London`, `America/New_York` or `Asia/Kolkata`."),
            )
        })
    }

    /// Parses `HH:MM` (`24:00` only as an end).
    fn time_of_day(&self, p: &KeyPath, v: &str, is_end: bool) -> Result<TimeOfDay, PolicyError> {
        let key = if is_end { "end" } else { "start" };
        match TimeOfDay::parse(v.trim()) {
            Some(t) if is_end || t.minutes() < 24 * 60 => Ok(t),
            _ => Err(self.invalid(
                p,
                At::Value,
                format!("`{key}` {v:?} is not a time of day"),
                if is_end {
                    "Write a quoted 24-hour time \"HH:MM\", e.g. \"16:00\" (\"24:00\" = end of the day)."
                } else {
                    "Write a quoted 24-hour time \"HH:MM\", e.g. \"09:00\"."
                },
            )),
        }
    }

    /// Parses an RFC 3339 timestamp.
    fn timestamp(&self, p: &KeyPath, v: &str) -> Result<Timestamp, PolicyError> {
        let key = p.to_string();
        let key = key.rsplit('.').next().unwrap_or("value").to_string();
        v.trim().parse::<Timestamp>().map_err(|_| {
            self.invalid(
                p,
                At::Value,
                format!("`{key}` {v:?} is not an RFC 3339 timestamp"),
                "Write a date, time and offset, e.g. `2026-12-20T00:00:00Z` or `2026-12-20T09:00:00-05:00`.",
            )
        })
    }
}

/// How many entries a list had in the file: one past the highest index read.
fn count<T>(items: &[(usize, T)]) -> usize {
    items.iter().map(|(i, _)| i + 1).max().unwrap_or(0)
}
