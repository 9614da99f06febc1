//! Attaching calendar files to a parsed policy: the reader (the action, or `validate`) hands in
//! what it found at each `ics` path; this turns the text into events or into policy errors
//! that name the calendar file and line (or, for a missing file, the `ics` key).

use super::{CalendarFreeze, EventTimes, IcsError, MAX_STARTS_PER_DAY, parse_calendar};
use crate::policy::Policy;
use crate::policy::error::{ErrorKind, PolicyError, PolicyErrors};
use crate::policy::model::StagePolicy;
use crate::policy::windows::Freeze;

/// What a reader found at a calendar path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CalendarText {
    /// The file's text.
    Text(String),
    /// No file there.
    Missing,
    /// A file that cannot be used, and why (`it is not UTF-8 text`).
    Unreadable(String),
}

/// Which stages to load, and what a missing file means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoadMode {
    /// The action: the selected stages; a missing file is an error.
    Run,
    /// `validate`: every stage of every application; a missing file is only noted.
    Validate,
}

impl Policy {
    /// Reads the file of every calendar freeze through `read` (called once per path) and
    /// attaches its events. Returns notes (files `validate` could not check); errors name the
    /// calendar file and line, or the `ics` key for a file that is missing or unreadable.
    pub(crate) fn load_calendars(
        &mut self,
        mut read: impl FnMut(&str) -> CalendarText,
        mode: LoadMode,
    ) -> Result<Vec<String>, PolicyErrors> {
        let mut cache: Vec<(String, CalendarText)> = Vec::new();
        let mut errors = Vec::new();
        let mut notes = Vec::new();
        let mut stages: Vec<&mut StagePolicy> = self.stages.iter_mut().collect();
        if mode == LoadMode::Validate {
            stages.extend(
                self.applications
                    .iter_mut()
                    .flat_map(|a| a.stages.iter_mut()),
            );
        }
        for sp in stages {
            let mut per_day = 0;
            for f in &mut sp.freezes {
                let Freeze::Calendar(c) = f else { continue };
                let found = match cache.iter().find(|(p, _)| *p == c.ics) {
                    Some((_, t)) => t.clone(),
                    None => {
                        let t = read(&c.ics);
                        cache.push((c.ics.clone(), t.clone()));
                        t
                    }
                };
                match attach(c, found, mode) {
                    Ok(Some(note)) if !notes.contains(&note) => notes.push(note),
                    Ok(_) => {}
                    Err(e) => errors.push(e),
                }
            }
            if let Some(e) = over_budget(sp, &mut per_day) {
                errors.push(e);
            }
        }
        match PolicyErrors::from_vec(errors) {
            Some(e) => Err(e),
            None => Ok(notes),
        }
    }
}

/// The error when a stage's repeating freezes (its own rules and its calendars' together)
/// would start more often than 50 rules at their limit: evaluating them stays as cheap as the
/// policy's own limits promise.
fn over_budget(sp: &StagePolicy, per_day: &mut usize) -> Option<PolicyError> {
    for f in &sp.freezes {
        match f {
            Freeze::Recurring(r) => *per_day += r.recurrence.rule.starts_per_day(),
            Freeze::Calendar(c) => {
                for e in &c.events {
                    if let EventTimes::Recurring(r) = &e.times {
                        *per_day += r.rule.starts_per_day();
                    }
                }
            }
            Freeze::Period(_) => {}
        }
    }
    if *per_day <= MAX_STARTS_PER_DAY {
        return None;
    }
    let w = sp.freezes.iter().rev().find_map(|f| match f {
        Freeze::Calendar(c) => Some(&c.written_at),
        _ => None,
    })?;
    Some(PolicyError::new(
        ErrorKind::InvalidValue,
        &w.file,
        (w.line, w.column),
        w.path.clone(),
        format!(
            "the stage's repeating freezes, with its calendars', start up to {} times a day in all, more than {MAX_STARTS_PER_DAY}",
            *per_day
        ),
        "Use fewer or sparser repeating events (a larger INTERVAL, fewer BYHOUR/BYMINUTE values), or fewer calendars for this stage.",
    ))
}

/// Parses `found` into `c`'s events; a note when `validate` could not check it.
fn attach(
    c: &mut CalendarFreeze,
    found: CalendarText,
    mode: LoadMode,
) -> Result<Option<String>, PolicyError> {
    let at = |message: String, help: &str| {
        let w = &c.written_at;
        PolicyError::new(
            ErrorKind::InvalidValue,
            &w.file,
            (w.line, w.column),
            w.path.clone(),
            message,
            help,
        )
    };
    let text = match found {
        CalendarText::Text(t) => t,
        CalendarText::Missing if mode == LoadMode::Validate => {
            return Ok(Some(format!(
                "calendar file `{}` is not in this checkout; its events were not checked",
                c.ics
            )));
        }
        CalendarText::Missing => {
            return Err(at(
                format!("calendar file `{}` does not exist in the workspace", c.ics),
                "Commit the calendar at that path (relative to the repository root) and check out the repository before this step, or fix `ics`.",
            ));
        }
        CalendarText::Unreadable(why) => {
            return Err(at(
                format!("cannot read calendar file `{}`: {why}", c.ics),
                "Point `ics` at an iCalendar (.ics) text file inside the repository.",
            ));
        }
    };
    let tz = c.timezone.as_deref().zip(c.tz.as_ref());
    let events =
        parse_calendar(&c.ics, &text, tz, c.reason.as_deref()).map_err(|e| ics_error(&c.ics, e))?;
    c.events = events;
    c.loaded = true;
    Ok(None)
}

/// A calendar problem as a policy error on the calendar file's line.
fn ics_error(file: &str, e: IcsError) -> PolicyError {
    PolicyError::new(
        ErrorKind::InvalidValue,
        file,
        (e.line, 1),
        e.property,
        e.message,
        e.help,
    )
}
