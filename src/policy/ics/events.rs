//! From a calendar's components to freeze events: each VEVENT's start, end, rules, extra and
//! excluded dates, and the instances other VEVENTs move or cancel (RECURRENCE-ID).

use jiff::SignedDuration;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::lines::{Component, Prop, shorten};
use super::values::{self, When, Zone, Zones};
use super::{CalendarEvent, EventTimes, IcsError, MAX_EVENTS, MAX_STARTS_PER_DAY};
use crate::policy::recurrence::{ExDate, MAX_DURATION, Recurrence, first_instant};
use crate::policy::rrule::RRule;

/// One VEVENT, read.
struct Event<'a> {
    c: &'a Component,
    uid: Option<String>,
    /// RECURRENCE-ID as a wall-clock start, if this event replaces an instance.
    replaces: Option<(When, Zone)>,
    cancelled: bool,
    start: When,
    zone: Zone,
    /// Extra excluded starts (EXDATE, and instances other events replace).
    exdate: Vec<ExDate>,
}

/// The freeze events of the VCALENDARs `top` (already known to hold only VCALENDARs).
pub(super) fn convert(
    file: &str,
    top: &[Component],
    timezone: Option<(&str, &TimeZone)>,
    prefix: Option<&str>,
) -> Result<Vec<CalendarEvent>, IcsError> {
    let mut aliases = Vec::new();
    let mut wr_timezone: Option<&Prop> = None;
    let mut vevents: Vec<&Component> = Vec::new();
    for cal in top {
        wr_timezone = wr_timezone.or(cal.prop("X-WR-TIMEZONE"));
        for child in &cal.children {
            match child.name.as_str() {
                "VEVENT" => vevents.push(child),
                "VTIMEZONE" => {
                    if let (Some(id), Some(loc)) =
                        (child.prop("TZID"), child.prop("X-LIC-LOCATION"))
                    {
                        aliases.push((id.value.trim().to_string(), loc.value.trim().to_string()));
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(extra) = vevents.get(MAX_EVENTS) {
        return Err(IcsError::at(
            extra.line,
            "BEGIN",
            format!("the calendar has more than {MAX_EVENTS} events"),
            "Keep the years the freezes need, or split the calendar into several files.",
        ));
    }
    let default = match (timezone, wr_timezone) {
        (Some((name, tz)), _) => Some(Zone {
            tz: tz.clone(),
            name: name.to_string(),
        }),
        (None, Some(p)) => {
            let name = p.value.trim();
            Some(Zone {
                tz: TimeZone::get(name).map_err(|_| {
                    IcsError::at(
                        p.line,
                        &p.name,
                        format!("X-WR-TIMEZONE `{}` is not an IANA time zone", shorten(name)),
                        "Add `timezone:` with the zone the calendar means to the freeze in the policy (e.g. `timezone: Europe/Berlin`); it takes precedence.",
                    )
                })?,
                name: name.to_string(),
            })
        }
        (None, None) => None,
    };
    let zones = Zones {
        default,
        aliases: &aliases,
    };
    let mut events = vevents
        .iter()
        .map(|c| read_event(c, &zones))
        .collect::<Result<Vec<_>, _>>()?;
    replace_instances(&mut events);
    let mut out = Vec::new();
    let mut per_day = 0;
    for e in events.iter().filter(|e| !e.cancelled) {
        let reason = reason_of(e.c, file, prefix);
        let before = out.len();
        freeze_times(e, &zones, &reason, &mut out)?;
        for ev in &out[before..] {
            if let EventTimes::Recurring(r) = &ev.times {
                per_day += r.rule.starts_per_day();
            }
        }
        if per_day > MAX_STARTS_PER_DAY {
            let line = e.c.prop("RRULE").map_or(e.c.line, |p| p.line);
            return Err(IcsError::at(
                line,
                "RRULE",
                format!(
                    "the calendar's repeating events start up to {per_day} times a day in all, more than {MAX_STARTS_PER_DAY}"
                ),
                "A freeze calendar repeats a few events a day at most: give this rule a larger INTERVAL or fewer times, or list the occurrences as events.",
            ));
        }
    }
    Ok(out)
}

/// The event's freeze reason: `prefix: SUMMARY`, or where it is when it has no SUMMARY.
fn reason_of(c: &Component, file: &str, prefix: Option<&str>) -> String {
    let summary = c
        .prop("SUMMARY")
        .map(|p| values::text(&p.value))
        .filter(|s| !s.is_empty());
    match (prefix, summary) {
        (Some(p), Some(s)) => format!("{p}: {s}"),
        (None, Some(s)) => s,
        (Some(p), None) => p.to_string(),
        (None, None) => format!("event at line {} of {file}", c.line),
    }
}

/// Reads the parts of a VEVENT that do not depend on other events.
fn read_event<'a>(c: &'a Component, zones: &Zones<'_>) -> Result<Event<'a>, IcsError> {
    let dtstart = c.prop("DTSTART").ok_or_else(|| {
        IcsError::at(
            c.line,
            "VEVENT",
            "the event has no DTSTART",
            "Give each event its start, e.g. `DTSTART;VALUE=DATE:20261225` for an all-day event.",
        )
    })?;
    let start = single(dtstart)?;
    let zone = zones.of(dtstart, start)?;
    let replaces = match c.prop("RECURRENCE-ID") {
        Some(p) => {
            let w = single(p)?;
            Some((w, zones.of(p, w)?))
        }
        None => None,
    };
    let mut exdate = Vec::new();
    for p in c.props_named("EXDATE") {
        for w in values::whens(p)? {
            exdate.push(excluded(w, &zones.of(p, w)?, &zone));
        }
    }
    Ok(Event {
        c,
        uid: c.prop("UID").map(|p| p.value.trim().to_string()),
        replaces,
        cancelled: c
            .prop("STATUS")
            .is_some_and(|p| p.value.trim().eq_ignore_ascii_case("CANCELLED")),
        start,
        zone,
        exdate,
    })
}

/// The one date or date-time of `prop` (DTSTART, DTEND, RECURRENCE-ID).
fn single(prop: &Prop) -> Result<When, IcsError> {
    match values::whens(prop)?.as_slice() {
        [w] => Ok(*w),
        _ => Err(IcsError::at(
            prop.line,
            &prop.name,
            format!("{} has more than one value", prop.name),
            "Give one date or date-time.",
        )),
    }
}

/// An EXDATE (or a replaced instance) `w` read in `zone`, as a start on the wall clock of the
/// event's zone `to`.
fn excluded(w: When, zone: &Zone, to: &Zone) -> ExDate {
    match w {
        When::Date(d) => ExDate::Day(d),
        When::DateTime { dt, .. } if zone.name == to.name => ExDate::At(dt),
        When::DateTime { dt, .. } => ExDate::At(
            first_instant(&zone.tz, dt).map_or(dt, |t| t.to_zoned(to.tz.clone()).datetime()),
        ),
    }
}

/// Instances moved or cancelled by an event with RECURRENCE-ID leave their master's series.
/// (An instance whose series is not in the file stands on its own.)
fn replace_instances(events: &mut [Event<'_>]) {
    let moves: Vec<(String, When, Zone)> = events
        .iter()
        .filter_map(|e| {
            let (w, z) = e.replaces.as_ref()?;
            Some((e.uid.clone().unwrap_or_default(), *w, z.clone()))
        })
        .collect();
    for (uid, w, zone) in moves {
        if let Some(master) = events
            .iter_mut()
            .find(|e| e.replaces.is_none() && e.uid.as_deref() == Some(uid.as_str()))
        {
            let x = excluded(w, &zone, &master.zone);
            master.exdate.push(x);
        }
    }
}

/// How long each occurrence of `e` lasts on the wall clock; `None` when it lasts nothing.
fn length(e: &Event<'_>, zones: &Zones<'_>) -> Result<Option<SignedDuration>, IcsError> {
    let c = e.c;
    let (dtend, dur) = (c.prop("DTEND"), c.prop("DURATION"));
    let d = match (dtend, dur) {
        (Some(p), Some(_)) => {
            return Err(IcsError::at(
                p.line,
                "DTEND",
                "the event has both DTEND and DURATION",
                "RFC 5545 allows one of them: keep DTEND or DURATION.",
            ));
        }
        (Some(p), None) => {
            let end = single(p)?;
            match (e.start, end) {
                (When::Date(s), When::Date(x)) => {
                    SignedDuration::from_hours(i64::from((x - s).get_days()) * 24)
                }
                (When::Date(_), _) | (_, When::Date(_)) => {
                    return Err(IcsError::at(
                        p.line,
                        "DTEND",
                        "DTEND and DTSTART are not both dates or both date-times",
                        "For an all-day event write both as dates (`VALUE=DATE`), else both as date-times.",
                    ));
                }
                (When::DateTime { dt, .. }, When::DateTime { .. }) => {
                    let end_zone = zones.of(p, end)?;
                    let end_wall = values::instant(&end_zone, end)
                        .map_or(end.civil(), |t| t.to_zoned(e.zone.tz.clone()).datetime());
                    end_wall.duration_since(dt)
                }
            }
        }
        (None, Some(p)) => values::duration(p)?,
        (None, None) => match e.start {
            When::Date(_) => SignedDuration::from_hours(24),
            When::DateTime { .. } => SignedDuration::ZERO,
        },
    };
    let at = dtend.or(dur).map_or(c.line, |p| p.line);
    if d < SignedDuration::ZERO {
        return Err(IcsError::at(
            at,
            "DTEND",
            "the event ends before it starts",
            "DTEND is the (exclusive) end: make it later than DTSTART.",
        ));
    }
    if d > MAX_DURATION {
        return Err(IcsError::at(
            at,
            dtend.map_or("DURATION", |_| "DTEND"),
            "the event lasts more than 366 days",
            "Split it, or use a `from`/`to` freeze in the policy for long periods.",
        ));
    }
    Ok((d > SignedDuration::ZERO).then_some(d))
}

/// Pushes the event's freeze intervals: its DTSTART instance, each RDATE, and each RRULE.
fn freeze_times(
    e: &Event<'_>,
    zones: &Zones<'_>,
    reason: &str,
    out: &mut Vec<CalendarEvent>,
) -> Result<(), IcsError> {
    let Some(dur) = length(e, zones)? else {
        return Ok(());
    };
    let mut exdate = e.exdate.clone();
    exdate.sort();
    exdate.dedup();
    let gone = |start: DateTime| {
        exdate.binary_search(&ExDate::At(start)).is_ok()
            || exdate.binary_search(&ExDate::Day(start.date())).is_ok()
    };
    let mut starts = vec![e.start.civil()];
    for p in e.c.props_named("RDATE") {
        for w in values::whens(p)? {
            match excluded(w, &zones.of(p, w)?, &e.zone) {
                ExDate::At(dt) => starts.push(dt),
                ExDate::Day(d) => starts.push(d.to_datetime(jiff::civil::Time::midnight())),
            }
        }
    }
    let once = |start: DateTime| -> Option<EventTimes> {
        let s = first_instant(&e.zone.tz, start)?;
        let end = start.checked_add(dur).ok()?;
        let f = first_instant(&e.zone.tz, end)?;
        (s < f).then_some(EventTimes::Once(s, f))
    };
    // A DTEND in another zone ends at its own instant, not at the wall-clock length.
    let first_end = match (e.c.prop("DTEND"), e.start) {
        (Some(p), When::DateTime { dt, .. }) => {
            let end = single(p)?;
            let z = zones.of(p, end)?;
            first_instant(&e.zone.tz, dt).zip(values::instant(&z, end))
        }
        _ => None,
    };
    for (i, start) in starts.into_iter().enumerate() {
        if gone(start) {
            continue;
        }
        let times = match (i, first_end) {
            (0, Some((s, f))) if s < f => Some(EventTimes::Once(s, f)),
            _ => once(start),
        };
        if let Some(times) = times {
            out.push(CalendarEvent {
                reason: reason.to_string(),
                line: e.c.line,
                times,
            });
        }
    }
    for p in e.c.props_named("RRULE") {
        let rule = RRule::parse(&p.value).map_err(|r| {
            let part = if r.part.is_empty() {
                String::new()
            } else {
                format!(" (at `{}`)", shorten(&r.part))
            };
            IcsError::at(
                p.line,
                "RRULE",
                format!("RRULE: {}{part}", r.message),
                r.help,
            )
        })?;
        out.push(CalendarEvent {
            reason: reason.to_string(),
            line: e.c.line,
            times: EventTimes::Recurring(Box::new(Recurrence {
                rrule: p.value.trim().to_string(),
                duration: dur,
                timezone: e.zone.name.clone(),
                dtstart: Some(e.start.civil()),
                exdate: exdate.clone(),
                rule: Box::new(rule),
                tz: e.zone.tz.clone(),
            })),
        });
    }
    Ok(())
}
