//! Promotion windows and freezes at a given instant.
//!
//! Pure logic, no clock reads: the caller passes `now`. Kept apart from the policy parser so
//! the time arithmetic (time zones, DST, freeze overlaps, recurrences) can be tested on its own.
//!
//! # Semantics
//!
//! * A **weekly** window is open at instant `t` when, on the wall clock of the window's time
//!   zone, the weekday of `t` is one of `days` and `start <= time < end`. Wall-clock membership
//!   makes DST behave the way people read a window: a `09:00`–`16:00` America/New_York window
//!   opens at 09:00 local time on both sides of a DST change (its length in UTC does not matter).
//! * Around DST transitions: if `start` falls in a spring-forward **gap** (e.g. `02:30` on the
//!   day New York jumps from 02:00 to 03:00), the window opens when the clock jumps past it
//!   (03:00 local = the transition instant), because that is the first moment the wall clock
//!   shows a time `>= start`. If `start` falls in a fall-back **fold** (a time that happens
//!   twice), the window opens at the first occurrence; when the clock is set back before
//!   `start`, the window closes and opens again at the second occurrence.
//! * A **recurring** window or freeze (`rrule`) is a series of intervals: each occurrence
//!   starts at its wall-clock time and ends at that wall-clock time plus `duration`; each end
//!   maps to the first instant the wall clock shows it (a gap time → the transition instant, a
//!   fold time → its first occurrence; see `recurrence.rs`). Overlapping occurrences merge.
//! * A **calendar** freeze (`ics`) is each event of its file, with the event's own reason
//!   (SUMMARY); the file is read before evaluation (see `ics/`), so evaluation stays pure.
//! * A freeze blocks from its start (inclusive) to its end (exclusive) and wins over every
//!   window. Back-to-back or overlapping freezes (of either kind) are merged when reporting
//!   `until`.
//! * `next_open` is the earliest instant after `now` at which a window is open and no freeze is
//!   in force: a window opening, or a freeze ending inside an open window. The search covers
//!   [`SEARCH_DAYS`] days.

use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use super::windows::{Freeze, WeeklyWindow, Window, ser_opt_timestamp, ser_timestamp};

/// How far ahead `next_open` is searched.
pub(crate) const SEARCH_DAYS: i64 = 400;
/// The first, short search; it grows sevenfold (to [`SEARCH_DAYS`] once that is near) only
/// when nothing is found, so the usual evaluation expands a week of recurrences, not a year.
const FIRST_SEARCH_DAYS: i64 = 8;

/// The result of evaluating windows and freezes at an instant.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub(crate) enum WindowDecision {
    /// A window is open and no freeze is in force.
    Open {
        /// The open window, e.g. `mon,tue 09:00-16:00 America/New_York`.
        window: String,
    },
    /// The stage has no windows (always open) and no freeze is in force.
    NoWindows,
    /// No window is open.
    Closed {
        /// When promotion next becomes possible (within [`SEARCH_DAYS`] days), if ever.
        #[serde(serialize_with = "ser_opt_timestamp")]
        next_open: Option<Timestamp>,
        /// Human description of the windows and when the next one opens.
        description: String,
    },
    /// A freeze is in force.
    Frozen {
        /// The freeze's reason.
        reason: String,
        /// When the freeze (merged with any back-to-back freezes) ends.
        #[serde(serialize_with = "ser_timestamp")]
        until: Timestamp,
    },
}

impl WindowDecision {
    /// Whether promotion may proceed now (`Open` or `NoWindows`).
    #[cfg(test)]
    pub(crate) fn allows_promotion(&self) -> bool {
        matches!(
            self,
            WindowDecision::Open { .. } | WindowDecision::NoWindows
        )
    }
}

/// Evaluates `windows` and `freezes` at `now`.
pub(crate) fn evaluate(windows: &[Window], freezes: &[Freeze], now: Timestamp) -> WindowDecision {
    let mut days = FIRST_SEARCH_DAYS;
    loop {
        let last = days >= SEARCH_DAYS;
        let tl = Timeline::new(windows, freezes, now, days.min(SEARCH_DAYS));
        days = days.saturating_mul(7);
        // A step nearly as long as the whole search costs as much: take the whole at once
        // (8, 56, then 400 days rather than 8, 56, 392, 400).
        if days.saturating_mul(2) > SEARCH_DAYS {
            days = days.max(SEARCH_DAYS);
        }
        if let Some((reason, end)) = tl.freeze_at(now) {
            let until = tl.freeze_end(end);
            // A chain of freezes reaching the horizon may go on past it: look further.
            if until < tl.horizon || last {
                return WindowDecision::Frozen {
                    reason: reason.to_string(),
                    until,
                };
            }
            continue;
        }
        if windows.is_empty() {
            return WindowDecision::NoWindows;
        }
        if let Some(i) = tl.open_window(now) {
            return WindowDecision::Open {
                window: tl.describe_open(i, now),
            };
        }
        let next_open = tl.next_open();
        if next_open.is_none() && !last {
            continue;
        }
        let list: Vec<String> = windows.iter().map(Window::describe).collect();
        let description = match next_open {
            Some(t) => format!(
                "outside the promotion windows ({}); next opening {}",
                list.join("; "),
                tl.describe_instant(t)
            ),
            None => format!(
                "outside the promotion windows ({}); no window opens outside a freeze in the next {SEARCH_DAYS} days",
                list.join("; ")
            ),
        };
        return WindowDecision::Closed {
            next_open,
            description,
        };
    }
}

/// Windows and freezes with their recurrences expanded over `[now, now + days]`, so that each
/// instant is checked against precomputed intervals.
struct Timeline<'a> {
    windows: &'a [Window],
    now: Timestamp,
    /// How many days after `now` are searched.
    days: i64,
    horizon: Timestamp,
    /// Per window: its occurrences, sorted and merged (empty for weekly windows).
    window_intervals: Vec<Vec<(Timestamp, Timestamp)>>,
    /// Per freeze (per event of a calendar freeze): its reason and occurrences, sorted and
    /// merged (the one period for a fixed freeze).
    freeze_intervals: Vec<(&'a str, Vec<(Timestamp, Timestamp)>)>,
}

impl<'a> Timeline<'a> {
    fn new(
        windows: &'a [Window],
        freezes: &'a [Freeze],
        now: Timestamp,
        days: i64,
    ) -> Timeline<'a> {
        let horizon = now
            .checked_add(SignedDuration::from_hours(24 * days))
            .unwrap_or(Timestamp::MAX);
        let window_intervals = windows
            .iter()
            .map(|w| match w {
                Window::Weekly(_) => Vec::new(),
                Window::Recurring(r) => merged(r.intervals(now, horizon)),
            })
            .collect();
        let mut freeze_intervals = Vec::new();
        for f in freezes {
            match f {
                Freeze::Period(p) => freeze_intervals.push((f.reason(), vec![(p.from, p.to)])),
                Freeze::Recurring(r) => freeze_intervals
                    .push((f.reason(), merged(r.recurrence.intervals(now, horizon)))),
                Freeze::Calendar(c) => freeze_intervals.extend(
                    c.events
                        .iter()
                        .map(|e| (e.reason.as_str(), merged(e.intervals(now, horizon))))
                        .filter(|(_, ivs)| !ivs.is_empty()),
                ),
            }
        }
        Timeline {
            windows,
            now,
            days,
            horizon,
            window_intervals,
            freeze_intervals,
        }
    }

    /// The first freeze in force at `t`: its reason and the end of that occurrence.
    fn freeze_at(&self, t: Timestamp) -> Option<(&'a str, Timestamp)> {
        self.freeze_intervals
            .iter()
            .find_map(|(reason, ivs)| containing(ivs, t).map(|(_, end)| (*reason, end)))
    }

    /// Extends `until` through freezes in force at it. Each step moves strictly later, and
    /// recurrences are expanded only up to the horizon, so this ends.
    fn freeze_end(&self, mut until: Timestamp) -> Timestamp {
        while let Some((_, end)) = self.freeze_at(until) {
            until = end;
        }
        until
    }

    /// The index of a window open at `t`.
    fn open_window(&self, t: Timestamp) -> Option<usize> {
        self.windows
            .iter()
            .zip(&self.window_intervals)
            .position(|(w, ivs)| match w {
                Window::Weekly(w) => is_open(w, t),
                Window::Recurring(_) => containing(ivs, t).is_some(),
            })
    }

    /// Earliest instant after `now` at which some window is open and no freeze is in force.
    fn next_open(&self) -> Option<Timestamp> {
        let mut candidates: Vec<Timestamp> = Vec::new();
        let mut zones: Vec<&TimeZone> = Vec::new();
        for (w, ivs) in self.windows.iter().zip(&self.window_intervals) {
            match w {
                Window::Weekly(w) => {
                    if !zones.contains(&&w.tz) {
                        zones.push(&w.tz);
                    }
                    weekly_openings(w, self.now, self.days, &mut candidates);
                }
                Window::Recurring(_) => candidates.extend(ivs.iter().map(|(s, _)| *s)),
            }
        }
        // Clock changes can move the wall clock into a weekly window (a start inside a gap, or
        // a fold that sets the clock back into the window).
        for tz in zones {
            for tr in tz.following(self.now) {
                if tr.timestamp() > self.horizon {
                    break;
                }
                candidates.push(tr.timestamp());
            }
        }
        // A freeze ending inside an open window opens promotion.
        for (_, ivs) in &self.freeze_intervals {
            candidates.extend(ivs.iter().map(|(_, e)| *e));
        }
        candidates.sort();
        candidates.dedup();
        candidates
            .into_iter()
            .filter(|t| *t > self.now && *t <= self.horizon)
            .find(|t| self.freeze_at(*t).is_none() && self.open_window(*t).is_some())
    }

    /// The open window at `now`, with the current occurrence for a recurring one.
    fn describe_open(&self, i: usize, t: Timestamp) -> String {
        let w = &self.windows[i];
        match (
            w,
            self.window_intervals
                .get(i)
                .and_then(|ivs| containing(ivs, t)),
        ) {
            (Window::Recurring(r), Some((s, e))) => {
                let fmt = |x: Timestamp| x.to_zoned(r.tz.clone()).strftime("%a %Y-%m-%d %H:%M %Z");
                format!("{} (this opening: {} to {})", w.describe(), fmt(s), fmt(e))
            }
            _ => w.describe(),
        }
    }

    /// `at 2026-03-09T13:00:00Z (Mon 2026-03-09 09:00 EDT America/New_York)` for the window open
    /// at `t`.
    fn describe_instant(&self, t: Timestamp) -> String {
        match self.open_window(t).map(|i| &self.windows[i]) {
            Some(w) => {
                let z = t.to_zoned(w.tz().clone());
                format!(
                    "at {t} ({} {} {})",
                    z.strftime("%a %Y-%m-%d %H:%M"),
                    z.strftime("%Z"),
                    w.timezone()
                )
            }
            None => format!("at {t}"),
        }
    }
}

/// Sorts intervals and merges those that overlap or touch, so that lookups can bisect.
fn merged(mut ivs: Vec<(Timestamp, Timestamp)>) -> Vec<(Timestamp, Timestamp)> {
    ivs.sort();
    let mut out: Vec<(Timestamp, Timestamp)> = Vec::with_capacity(ivs.len());
    for (s, e) in ivs {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// The interval of sorted, disjoint `ivs` containing `t` (start inclusive, end exclusive).
fn containing(ivs: &[(Timestamp, Timestamp)], t: Timestamp) -> Option<(Timestamp, Timestamp)> {
    let i = ivs.partition_point(|(s, _)| *s <= t);
    let (s, e) = *ivs.get(i.checked_sub(1)?)?;
    (s <= t && t < e).then_some((s, e))
}

/// Whether the weekly window is open at `t` (wall-clock membership in the window's time zone).
pub(crate) fn is_open(w: &WeeklyWindow, t: Timestamp) -> bool {
    let z = t.to_zoned(w.tz.clone());
    let day = z.weekday();
    if !w.days.iter().any(|d| d.to_jiff() == day) {
        return false;
    }
    let time = z.time();
    let secs =
        i32::from(time.hour()) * 3600 + i32::from(time.minute()) * 60 + i32::from(time.second());
    let start = i32::from(w.start.minutes()) * 60;
    let end = i32::from(w.end.minutes()) * 60;
    start <= secs && secs < end
}

/// The instants at which the wall clock of `tz` shows `dt`: none (gap), one, or two (fold).
fn instants(tz: &TimeZone, dt: DateTime) -> Vec<Timestamp> {
    let amb = tz.to_ambiguous_timestamp(dt);
    let offsets = match amb.offset() {
        AmbiguousOffset::Unambiguous { offset } => vec![offset],
        AmbiguousOffset::Gap { .. } => vec![],
        AmbiguousOffset::Fold { before, after } => vec![before, after],
    };
    offsets
        .into_iter()
        .filter_map(|o| o.to_timestamp(dt).ok())
        .collect()
}

/// Pushes the instants at which the weekly window's `start` shows on its days, from the day
/// before `now` for `days` + 2 days (the extra days cover time zone offsets).
fn weekly_openings(w: &WeeklyWindow, now: Timestamp, days: i64, out: &mut Vec<Timestamp>) {
    let Some(mut date) = first_date(&w.tz, now) else {
        return;
    };
    let Ok(start) = jiff::civil::Time::new(
        i8::try_from(w.start.minutes() / 60).unwrap_or(0),
        i8::try_from(w.start.minutes() % 60).unwrap_or(0),
        0,
        0,
    ) else {
        return;
    };
    for _ in 0..(days + 2) {
        if w.days.iter().any(|d| d.to_jiff() == date.weekday()) {
            out.extend(instants(&w.tz, date.to_datetime(start)));
        }
        match date.tomorrow() {
            Ok(d) => date = d,
            Err(_) => break,
        }
    }
}

/// The local date of `now` in `tz`, minus one day.
fn first_date(tz: &TimeZone, now: Timestamp) -> Option<Date> {
    now.to_zoned(tz.clone()).date().yesterday().ok()
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_calendar;
