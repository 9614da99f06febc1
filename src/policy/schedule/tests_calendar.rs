//! Tests of `exdate` on recurring windows and freezes, and of calendar (`ics`) freezes in the
//! schedule: each event freezes with its own reason, back-to-back events chain.

use super::*;
use crate::policy::ics::{CalendarFreeze, parse_calendar};
use crate::policy::recurrence::Recurrence;
use crate::policy::windows::RecurringFreeze;

fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn short(d: &WindowDecision) -> String {
    match d {
        WindowDecision::Open { .. } => "open".into(),
        WindowDecision::NoWindows => "none".into(),
        WindowDecision::Closed { next_open, .. } => match next_open {
            Some(t) => format!("closed {t}"),
            None => "closed never".into(),
        },
        WindowDecision::Frozen { reason, until } => format!("frozen {until} {reason}"),
    }
}

fn daily_window(exdate: &[&str]) -> Window {
    let r = Recurrence::new("FREQ=DAILY;BYHOUR=9", "8h", "Europe/London", None)
        .and_then(|r| r.with_exdates(exdate))
        .expect("recurrence");
    Window::Recurring(r)
}

#[test]
fn exdate_leaves_out_days_and_single_openings() {
    let w = daily_window(&["2026-12-25", "2026-12-26T09:00", "2026-12-28T10:00"]);
    #[rustfmt::skip]
    let cases = [
        ("2026-12-24T10:00:00Z", "open"),
        // Christmas Day: the whole day is left out; next opening Boxing Day? Also left out (its
        // 09:00 start), so Sunday 27th.
        ("2026-12-25T10:00:00Z", "closed 2026-12-27T09:00:00Z"),
        ("2026-12-26T10:00:00Z", "closed 2026-12-27T09:00:00Z"),
        // An exdate that matches no start (10:00 on the 28th) changes nothing.
        ("2026-12-28T10:00:00Z", "open"),
    ];
    for (now, want) in cases {
        assert_eq!(
            short(&evaluate(std::slice::from_ref(&w), &[], ts(now))),
            want,
            "{now}"
        );
    }
    assert_eq!(
        w.describe(),
        "FREQ=DAILY;BYHOUR=9 for 8h Europe/London except 3 dates"
    );
    let one = daily_window(&["2026-12-25"]);
    assert_eq!(
        one.describe(),
        "FREQ=DAILY;BYHOUR=9 for 8h Europe/London except 2026-12-25"
    );
    let json = serde_json::to_value(&w).expect("serialize");
    assert_eq!(
        json["exdate"],
        serde_json::json!(["2026-12-25", "2026-12-26T09:00:00", "2026-12-28T10:00:00"])
    );
}

#[test]
fn exdate_on_a_recurring_freeze_lets_that_day_through() {
    let f = Freeze::Recurring(RecurringFreeze {
        recurrence: Recurrence::new("FREQ=WEEKLY;BYDAY=FR", "24h", "UTC", None)
            .and_then(|r| r.with_exdates(&["20261225"]))
            .expect("recurrence"),
        reason: "no Friday deploys".into(),
    });
    let f = std::slice::from_ref(&f);
    assert_eq!(
        short(&evaluate(&[], f, ts("2026-12-18T12:00:00Z"))),
        "frozen 2026-12-19T00:00:00Z no Friday deploys"
    );
    assert_eq!(short(&evaluate(&[], f, ts("2026-12-25T12:00:00Z"))), "none");
}

#[test]
fn exdate_entries_are_checked() {
    for (bad, fragment) in [
        ("2026-12-25T10:00:00Z", "has a UTC offset"),
        ("2026-12-25T10:00-05:00", "has a UTC offset"),
        ("25.12.2026", "is not a date or date-time"),
        ("20261225T1000", "is not a date or date-time"),
        ("1800-01-01", "outside the years 1900 to 2200"),
    ] {
        let e = Recurrence::new("FREQ=DAILY", "1h", "UTC", None)
            .and_then(|r| r.with_exdates(&[bad]))
            .expect_err(bad);
        assert!(e.contains(fragment), "{bad}: {e}");
    }
}

fn calendar(text: &str) -> Freeze {
    let london = jiff::tz::TimeZone::get("Europe/London").expect("zone");
    let events = parse_calendar("h.ics", text, Some(("Europe/London", &london)), None)
        .expect("calendar parses");
    Freeze::Calendar(CalendarFreeze {
        ics: "h.ics".into(),
        timezone: Some("Europe/London".into()),
        tz: Some(london),
        reason: None,
        written_at: Default::default(),
        events,
        loaded: true,
    })
}

const XMAS: &str = "BEGIN:VCALENDAR
BEGIN:VEVENT
SUMMARY:Christmas Day
DTSTART;VALUE=DATE:20261225
END:VEVENT
BEGIN:VEVENT
SUMMARY:Boxing Day (substitute day)
DTSTART;VALUE=DATE:20261228
END:VEVENT
BEGIN:VEVENT
SUMMARY:Weekend
DTSTART;VALUE=DATE:20261226
DTEND;VALUE=DATE:20261228
END:VEVENT
BEGIN:VEVENT
SUMMARY:Quarterly planning
DTSTART;TZID=America/New_York:20260105T090000
DTEND;TZID=America/New_York:20260105T120000
RRULE:FREQ=MONTHLY;INTERVAL=3
EXDATE;TZID=America/New_York:20260405T090000
END:VEVENT
END:VCALENDAR
";

#[test]
fn calendar_events_freeze_with_their_own_reasons() {
    let f = calendar(XMAS);
    use crate::policy::windows::Weekday::*;
    let every_day = [Mon, Tue, Wed, Thu, Fri, Sat, Sun];
    let windows = [Window::new(&every_day, "00:00", "24:00", "UTC").expect("window")];
    let f = std::slice::from_ref(&f);
    #[rustfmt::skip]
    let cases = [
        ("2026-12-24T12:00:00Z", "open"),
        // Christmas, the weekend and the substitute day chain: frozen until the 29th.
        ("2026-12-25T12:00:00Z", "frozen 2026-12-29T00:00:00Z Christmas Day"),
        ("2026-12-27T12:00:00Z", "frozen 2026-12-29T00:00:00Z Weekend"),
        ("2026-12-29T00:00:00Z", "open"),
        // The quarterly rule in New York: 09:00-12:00 EDT on 5 July = 13:00-16:00Z.
        ("2026-07-05T13:30:00Z", "frozen 2026-07-05T16:00:00Z Quarterly planning"),
        ("2026-01-05T15:00:00Z", "frozen 2026-01-05T17:00:00Z Quarterly planning"),
        // April is left out by its EXDATE.
        ("2026-04-05T14:00:00Z", "open"),
    ];
    for (now, want) in cases {
        assert_eq!(short(&evaluate(&windows, f, ts(now))), want, "{now}");
    }
}

/// A calendar freeze whose file has not been read holds no events and freezes nothing; the
/// action always reads it first (a missing file is a policy error there).
#[test]
fn an_unread_calendar_freezes_nothing() {
    let Freeze::Calendar(mut c) = calendar(XMAS) else {
        panic!("calendar")
    };
    c.events.clear();
    c.loaded = false;
    let d = evaluate(&[], &[Freeze::Calendar(c)], ts("2026-12-25T12:00:00Z"));
    assert_eq!(d, WindowDecision::NoWindows);
}
