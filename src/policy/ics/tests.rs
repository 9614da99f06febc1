//! Tests of the calendar reader: unfolding, parameters, values, time zones, and each malformed
//! file reported at its line with a fix.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::*;

fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn cal(body: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n")
}

fn parse(text: &str, tz: Option<&str>) -> Result<Vec<CalendarEvent>, IcsError> {
    let zone = tz.map(|n| TimeZone::get(n).expect("zone"));
    parse_calendar("h.ics", text, tz.zip(zone.as_ref()), None)
}

fn once(e: &CalendarEvent) -> (Timestamp, Timestamp) {
    match &e.times {
        EventTimes::Once(s, f) => (*s, *f),
        EventTimes::Recurring(r) => panic!("recurring: {r:?}"),
    }
}

#[test]
fn folded_lines_parameters_and_text_escapes() {
    let text = cal(concat!(
        "BEGIN:VEVENT\r\n",
        "SUMMARY:Independence \r\n",
        " Day\\, observed\\; \\\\ all\\nday\r\n",
        "DTSTART;X-Q=\"a;b:c\",plain;VALUE=DATE:20260703\r\n",
        "END:VEVENT\r\n",
    ));
    let events = parse(&text, Some("America/New_York")).expect("parses");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].reason, "Independence Day, observed; \\ all day");
    assert_eq!(events[0].line, 3);
    assert_eq!(
        once(&events[0]),
        (ts("2026-07-03T04:00:00Z"), ts("2026-07-04T04:00:00Z"))
    );
}

#[test]
fn zones_utc_tzid_alias_path_and_floating() {
    let text = cal(concat!(
        "X-WR-TIMEZONE:Asia/Tokyo\r\n",
        "BEGIN:VTIMEZONE\r\nTZID:Eastern Standard Time\r\nX-LIC-LOCATION:America/New_York\r\nEND:VTIMEZONE\r\n",
        "BEGIN:VEVENT\r\nSUMMARY:u\r\nDTSTART:20260105T090000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nSUMMARY:t\r\nDTSTART;TZID=Europe/Paris:20260105T090000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nSUMMARY:a\r\nDTSTART;TZID=Eastern Standard Time:20260105T090000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nSUMMARY:p\r\nDTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20260105T090000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nSUMMARY:f\r\nDTSTART:20260105T090000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n",
    ));
    let starts: Vec<(String, Timestamp)> = parse(&text, None)
        .expect("parses")
        .iter()
        .map(|e| (e.reason.clone(), once(e).0))
        .collect();
    let want = [
        ("u", "2026-01-05T09:00:00Z"),
        ("t", "2026-01-05T08:00:00Z"),
        ("a", "2026-01-05T14:00:00Z"),
        ("p", "2026-01-05T08:00:00Z"),
        ("f", "2026-01-05T00:00:00Z"),
    ];
    let want: Vec<(String, Timestamp)> = want.iter().map(|(r, t)| (r.to_string(), ts(t))).collect();
    assert_eq!(starts, want);
    // The policy's timezone wins over X-WR-TIMEZONE for floating times.
    let e = parse(&text, Some("UTC")).expect("parses");
    assert_eq!(once(&e[4]).0, ts("2026-01-05T09:00:00Z"));
}

#[test]
fn ends_lengths_and_events_that_freeze_nothing() {
    let text = cal(concat!(
        "BEGIN:VEVENT\r\nSUMMARY:two days\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261226\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nSUMMARY:a week\r\nDTSTART;VALUE=DATE:20261228\r\nDURATION:P1W\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nSUMMARY:instant\r\nDTSTART:20261224T120000Z\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nSTATUS:CANCELLED\r\nSUMMARY:off\r\nDTSTART;VALUE=DATE:20261231\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270102\r\nEND:VEVENT\r\n",
    ));
    let events = parse(&text, Some("UTC")).expect("parses");
    let got: Vec<(&str, (Timestamp, Timestamp))> = events
        .iter()
        .map(|e| (e.reason.as_str(), once(e)))
        .collect();
    assert_eq!(
        got,
        [
            (
                "two days",
                (ts("2026-12-24T00:00:00Z"), ts("2026-12-26T00:00:00Z"))
            ),
            (
                "a week",
                (ts("2026-12-28T00:00:00Z"), ts("2027-01-04T00:00:00Z"))
            ),
            (
                "event at line 22 of h.ics",
                (ts("2027-01-02T00:00:00Z"), ts("2027-01-03T00:00:00Z"))
            ),
        ]
    );
}

#[test]
fn prefix_and_long_summaries() {
    let long = "x".repeat(300);
    let text = cal(&format!(
        "BEGIN:VEVENT\r\nSUMMARY:{long}\r\nDTSTART;VALUE=DATE:20261224\r\nEND:VEVENT\r\n"
    ));
    let zone = TimeZone::UTC;
    let e = parse_calendar("h.ics", &text, Some(("UTC", &zone)), Some("Holiday")).expect("parses");
    assert!(e[0].reason.starts_with("Holiday: xxx"), "{}", e[0].reason);
    assert_eq!(e[0].reason.chars().count(), "Holiday: ".len() + 200);
}

/// Every malformed calendar names its line and says what to do.
#[test]
fn bad_calendars_name_the_line_and_the_fix() {
    let ev = |props: &str| {
        cal(&format!(
            "BEGIN:VEVENT\r\nSUMMARY:x\r\n{props}END:VEVENT\r\n"
        ))
    };
    #[rustfmt::skip]
    let cases: Vec<(String, Option<&str>, usize, &str)> = vec![
        (String::new(), None, 1, "the file holds no calendar"),
        ("<html>\n<body>not a calendar</body>\n".into(), None, 1, "the line has no `:`"),
        ("<p class=x>: y\n".into(), None, 1, "is not a property name"),
        ("BEGIN:VCALENDAR\nPRODID:x\n".into(), None, 1, "`BEGIN:VCALENDAR` is never closed"),
        ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n".into(), None, 3, "`END:VCALENDAR` closes `BEGIN:VEVENT` of line 2"),
        ("BEGIN:VCALENDAR\nEND:VCALENDAR\nEND:VCALENDAR\n".into(), None, 3, "`END:VCALENDAR` closes nothing"),
        ("SUMMARY:x\nBEGIN:VCALENDAR\nEND:VCALENDAR\n".into(), None, 1, "SUMMARY is outside `BEGIN:VCALENDAR`"),
        (" folded\n".into(), None, 1, "starts with a continuation line"),
        ("BEGIN:VEVENT\nEND:VEVENT\n".into(), None, 1, "`BEGIN:VEVENT` is outside `BEGIN:VCALENDAR`"),
        (cal("BEGIN:VEVENT\r\nSUMMARY no colon\r\nEND:VEVENT\r\n"), None, 4, "the line has no `:`"),
        (cal("BEGIN:VEVENT\r\nDTSTART;TZID:20260101T000000\r\nEND:VEVENT\r\n"), None, 4, "a parameter of DTSTART has no `=`"),
        (cal("BEGIN:VEVENT\r\nDTSTART;TZID=\"Europe/Berlin:20260101T000000\r\nEND:VEVENT\r\n"), None, 4, "unclosed quote"),
        (ev(""), Some("UTC"), 3, "the event has no DTSTART"),
        (ev("DTSTART:2026-12-25\r\n"), Some("UTC"), 5, "DTSTART `2026-12-25` is not a date or date-time"),
        (ev("DTSTART;VALUE=DATE:20261225T100000\r\n"), Some("UTC"), 5, "is not a date or date-time"),
        (ev("DTSTART;VALUE=DATE:20261225\r\n"), None, 5, "DTSTART is an all-day date, and the calendar names no time zone"),
        (ev("DTSTART:20261225T100000\r\n"), None, 5, "a time without time zone"),
        (ev("DTSTART;TZID=Mars/Olympus:20261225T100000\r\nDURATION:PT1H\r\n"), None, 5, "TZID `Mars/Olympus` is not an IANA time zone"),
        (ev("DTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261224\r\n"), Some("UTC"), 6, "the event ends before it starts"),
        (ev("DTSTART;VALUE=DATE:20261225\r\nDTEND:20261226T000000Z\r\n"), Some("UTC"), 6, "not both dates or both date-times"),
        (ev("DTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261226\r\nDURATION:P1D\r\n"), Some("UTC"), 6, "both DTEND and DURATION"),
        (ev("DTSTART;VALUE=DATE:20261225\r\nDURATION:-P1D\r\n"), Some("UTC"), 6, "DURATION `-P1D` is not a positive duration"),
        (ev("DTSTART;VALUE=DATE:20261225\r\nDURATION:P1H\r\n"), Some("UTC"), 6, "is not a positive duration"),
        (ev("DTSTART;VALUE=DATE:20261225\r\nDURATION:P400D\r\n"), Some("UTC"), 6, "lasts more than 366 days"),
        (ev("DTSTART;VALUE=DATE:20261225\r\nRRULE:FREQ=YEARLY;BYDAY=1XX\r\n"), Some("UTC"), 6, "RRULE: BYDAY \"1XX\" is not a weekday (at `BYDAY=1XX`)"),
        (ev("DTSTART;VALUE=DATE:20261225\r\nRRULE:FREQ=MINUTELY\r\n"), Some("UTC"), 6, "more than 96"),
        (ev("DTSTART;VALUE=DATE:20261225\r\nEXDATE:2026-12-26\r\n"), Some("UTC"), 6, "EXDATE `2026-12-26` is not a date or date-time"),
        (ev("DTSTART;VALUE=DATE:20261225\r\nRDATE;VALUE=PERIOD:20261226T000000Z/PT1H\r\n"), Some("UTC"), 6, "RDATE periods (VALUE=PERIOD) are not supported"),
        (cal("X-WR-TIMEZONE:Europe/Nowhere\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nEND:VEVENT\r\n"), None, 3, "X-WR-TIMEZONE `Europe/Nowhere` is not an IANA time zone"),
        (format!("BEGIN:VCALENDAR\n{}END:VCALENDAR\n", "BEGIN:X\n".repeat(9) + &"END:X\n".repeat(9)), None, 9, "nest more than 8 deep"),
        ("x".repeat(MAX_ICS_BYTES + 1), None, 1, "more than the 1048576 read"),
    ];
    let mut failures = Vec::new();
    for (text, tz, line, fragment) in &cases {
        match parse(text, *tz) {
            Ok(e) => failures.push(format!("{fragment:?}: parsed as {e:?}")),
            Err(e) => {
                if e.line != *line || !e.message.contains(fragment) || e.help.is_empty() {
                    failures.push(format!("{fragment:?}: expected line {line}, got {e:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn too_many_events_are_refused_at_the_first_extra() {
    let one = "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nEND:VEVENT\n";
    let text = format!(
        "BEGIN:VCALENDAR\n{}END:VCALENDAR\n",
        one.repeat(MAX_EVENTS + 1)
    );
    let e = parse(&text, Some("UTC")).expect_err("too many");
    assert_eq!(e.line, 2 + 3 * MAX_EVENTS);
    assert!(e.message.contains("more than 5000 events"), "{e:?}");
}

#[test]
fn repeating_events_share_one_starts_per_day_budget() {
    let one = "BEGIN:VEVENT\nDTSTART:20260105T000000Z\nDURATION:PT1M\nRRULE:FREQ=MINUTELY;INTERVAL=15\nEND:VEVENT\n";
    let ok = format!("BEGIN:VCALENDAR\n{}END:VCALENDAR\n", one.repeat(50));
    assert_eq!(parse(&ok, None).expect("50 at the limit").len(), 100);
    let text = format!("BEGIN:VCALENDAR\n{}END:VCALENDAR\n", one.repeat(51));
    let e = parse(&text, None).expect_err("over the budget");
    assert_eq!(e.line, 2 + 5 * 50 + 3);
    assert!(
        e.message
            .contains("up to 4896 times a day in all, more than 4800"),
        "{e:?}"
    );
}
