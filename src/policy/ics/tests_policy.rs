//! Calendar freezes and `exdate` in the policy file: what is accepted, what is refused and
//! where, and what loading the calendar files does with what the reader found.

use crate::policy::{CalendarText, ErrorKind, Freeze, LoadMode, Policy, Window, parse};

const FILE: &str = ".github/promotion-policy.yml";

fn stage(body: &str) -> String {
    format!("version: 1\nstages:\n  PROD:\n{body}")
}

fn first_error(text: &str) -> crate::policy::PolicyError {
    match parse(FILE, text) {
        Ok(p) => panic!("expected an error, parsed {p:#?}"),
        Err(e) => e.first().clone(),
    }
}

const ICS: &str = "    freezes:
      - ics: .github/holidays.ics
        timezone: Europe/London
        reason: UK bank holiday
";

#[test]
fn an_ics_freeze_is_read_with_its_place() {
    let p = parse(FILE, &stage(ICS)).expect("parses");
    let Freeze::Calendar(c) = &p.stages[0].freezes[0] else {
        panic!("{:?}", p.stages[0].freezes[0]);
    };
    assert_eq!(c.ics, ".github/holidays.ics");
    assert_eq!(c.timezone.as_deref(), Some("Europe/London"));
    assert_eq!(c.reason.as_deref(), Some("UK bank holiday"));
    assert!(!c.loaded && c.events.is_empty());
    let w = &c.written_at;
    assert_eq!(
        (w.file.as_str(), w.line, w.column, w.path.as_str()),
        (FILE, 5, 14, "stages.PROD.freezes[0].ics")
    );
    let bare = parse(FILE, &stage("    freezes: [{ ics: holidays.ics }]\n")).expect("parses");
    assert!(
        matches!(&bare.stages[0].freezes[0], Freeze::Calendar(c) if c.timezone.is_none() && c.reason.is_none())
    );
}

#[test]
fn exdate_is_read_on_recurring_windows_and_freezes() {
    let p = parse(
        FILE,
        &stage(
            "    windows:
      - rrule: \"FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0\"
        duration: 8h
        timezone: Europe/London
        exdate: [2026-12-25, \"2026-12-26T09:00\", 20261231T090000]
",
        ),
    )
    .expect("parses");
    let Window::Recurring(r) = &p.stages[0].windows[0] else {
        panic!("recurring")
    };
    let shown: Vec<String> = r.exdate.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        ["2026-12-25", "2026-12-26T09:00:00", "2026-12-31T09:00:00"]
    );
}

/// A policy text, and the kind, key path, position and message of its first error.
type Case = (
    String,
    ErrorKind,
    &'static str,
    (usize, usize),
    &'static str,
);

/// Each mistake is reported at the key or value to fix.
#[test]
fn calendar_and_exdate_mistakes_are_located() {
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        (stage("    freezes:\n      - { ics: h.ics, rrule: \"FREQ=DAILY\" }\n"), ErrorKind::InvalidValue, "stages.PROD.freezes[0].rrule", (5, 23), "`rrule` cannot be combined with `ics` in one freeze"),
        (stage("    freezes:\n      - { ics: h.ics, from: 2026-12-20T00:00:00Z }\n"), ErrorKind::InvalidValue, "stages.PROD.freezes[0].from", (5, 23), "`from` cannot be combined with `ics`"),
        (stage("    freezes:\n      - { ics: h.ics, exdate: [2026-12-25] }\n"), ErrorKind::InvalidValue, "stages.PROD.freezes[0].exdate", (5, 23), "`exdate` cannot be combined with `ics`"),
        (stage("    freezes:\n      - { ics: /etc/holidays.ics }\n"), ErrorKind::InvalidValue, "stages.PROD.freezes[0].ics", (5, 16), "is not a path inside the workspace"),
        (stage("    freezes:\n      - { ics: ../other/holidays.ics }\n"), ErrorKind::InvalidValue, "stages.PROD.freezes[0].ics", (5, 16), "is not a path inside the workspace"),
        (stage("    freezes:\n      - { ics: \" \" }\n"), ErrorKind::InvalidValue, "stages.PROD.freezes[0].ics", (5, 16), "is not a path inside the workspace"),
        (stage("    freezes:\n      - { ics: h.ics, timezone: Europe/Londn }\n"), ErrorKind::InvalidValue, "stages.PROD.freezes[0].timezone", (5, 33), "unknown time zone `Europe/Londn`"),
        (stage("    freezes:\n      - { ics: h.ics, reason: \"\" }\n"), ErrorKind::InvalidValue, "stages.PROD.freezes[0].reason", (5, 31), "freeze `reason` is empty"),
        (stage("    freezes:\n      - { rrule: FREQ=DAILY, duration: 1h, timezone: UTC, exdate: [2026-12-25T10:00:00Z], reason: r }\n"), ErrorKind::InvalidValue, "stages.PROD.freezes[0].exdate[0]", (5, 68), "has a UTC offset"),
        (stage("    freezes:\n      - { from: 2026-12-20T00:00:00Z, to: 2026-12-21T00:00:00Z, exdate: [2026-12-20], reason: r }\n"), ErrorKind::InvalidValue, "stages.PROD.freezes[0].exdate", (5, 65), "`exdate` is only used with `rrule`"),
        (stage("    windows:\n      - { days: [mon], start: \"09:00\", end: \"17:00\", timezone: UTC, exdate: [2026-12-25] }\n"), ErrorKind::InvalidValue, "stages.PROD.windows[0].exdate", (5, 69), "`exdate` is only used with `rrule`"),
        (stage(&format!("    windows:\n      - rrule: FREQ=DAILY\n        duration: 1h\n        timezone: UTC\n        exdate: [{}]\n", vec!["2026-12-25"; 1001].join(", "))), ErrorKind::InvalidValue, "stages.PROD.windows[0].exdate[1000]", (8, 12018), "1001 exdate entries, more than the 1000 allowed"),
        (stage("    windows:\n      - { rrule: \"FREQ=HOURLY;BYMINUTE=0,10,20,30,40,50\", duration: 5m, timezone: UTC }\n"), ErrorKind::InvalidValue, "stages.PROD.windows[0].rrule", (5, 31), "starts up to 144 times a day, more than 96"),
    ];
    let mut failures = Vec::new();
    for (text, kind, path, pos, fragment) in &cases {
        let e = first_error(text);
        if e.kind != *kind
            || e.path != *path
            || (e.line, e.column) != *pos
            || !e.message.contains(fragment)
            || e.help.is_empty()
        {
            failures.push(format!(
                "{fragment:?}: got {:?} {} at {:?}: {}",
                e.kind,
                e.path,
                (e.line, e.column),
                e.message
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn policy_with_apps() -> Policy {
    let text = "version: 1
stages:
  PROD:
    freezes:
      - ics: .github/holidays.ics
        timezone: UTC
applications:
  web:
    stages:
      QA:
        freezes: [{ ics: web/holidays.ics, timezone: UTC }]
";
    parse(FILE, text).expect("parses")
}

const GOOD: &str = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Christmas Day\nDTSTART;VALUE=DATE:20261225\nEND:VEVENT\nEND:VCALENDAR\n";

#[test]
fn loading_attaches_events_and_reads_each_file_once() {
    let mut p = policy_with_apps();
    let mut asked = Vec::new();
    let notes = p
        .load_calendars(
            |path| {
                asked.push(path.to_string());
                CalendarText::Text(GOOD.into())
            },
            LoadMode::Run,
        )
        .expect("loads");
    assert!(notes.is_empty());
    // The run reads the selected (here: shared) stages only.
    assert_eq!(asked, [".github/holidays.ics"]);
    let Freeze::Calendar(c) = &p.stages[0].freezes[0] else {
        panic!("calendar")
    };
    assert!(c.loaded);
    assert_eq!(c.events.len(), 1);
    assert_eq!(c.events[0].reason, "Christmas Day");
    // `validate` reads every application's calendars too.
    let mut p = policy_with_apps();
    let mut asked = Vec::new();
    p.load_calendars(
        |path| {
            asked.push(path.to_string());
            CalendarText::Text(GOOD.into())
        },
        LoadMode::Validate,
    )
    .expect("loads");
    assert_eq!(asked, [".github/holidays.ics", "web/holidays.ics"]);
}

#[test]
fn a_missing_unreadable_or_bad_file_is_a_policy_error() {
    let err = |found: CalendarText| {
        let mut p = policy_with_apps();
        p.load_calendars(|_| found.clone(), LoadMode::Run)
            .expect_err("an error")
            .first()
            .clone()
    };
    let e = err(CalendarText::Missing);
    assert_eq!((e.source_name.as_str(), e.line, e.column), (FILE, 5, 14));
    assert_eq!(e.path, "stages.PROD.freezes[0].ics");
    assert!(
        e.message
            .contains("calendar file `.github/holidays.ics` does not exist in the workspace"),
        "{e}"
    );
    let e = err(CalendarText::Unreadable("it is not UTF-8 text".into()));
    assert!(
        e.message
            .contains("cannot read calendar file `.github/holidays.ics`: it is not UTF-8 text"),
        "{e}"
    );
    let e = err(CalendarText::Text(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:tomorrow\nEND:VEVENT\nEND:VCALENDAR\n".into(),
    ));
    assert_eq!(
        (e.source_name.as_str(), e.line, e.column),
        (".github/holidays.ics", 3, 1)
    );
    assert_eq!(e.path, "DTSTART");
    assert!(e.to_string().starts_with(".github/holidays.ics: DTSTART `tomorrow` is not a date or date-time at line 3 column 1 (in `DTSTART`)."), "{e}");
    // `validate` notes a calendar that is not there instead of failing.
    let mut p = policy_with_apps();
    let notes = p
        .load_calendars(|_| CalendarText::Missing, LoadMode::Validate)
        .expect("notes only");
    assert_eq!(notes.len(), 2);
    assert!(
        notes[0].contains("`.github/holidays.ics` is not in this checkout"),
        "{notes:?}"
    );
}

/// Calendars count against one budget per stage with the stage's own repeating freezes.
#[test]
fn a_stage_shares_one_starts_per_day_budget() {
    let rule = |hours: &str| {
        format!(
            "BEGIN:VEVENT\nDTSTART:20260105T000000Z\nDURATION:PT1M\nRRULE:FREQ=DAILY;BYHOUR={hours};BYMINUTE=0,15,30,45\nEND:VEVENT\n"
        )
    };
    let all = "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23";
    let cal = format!("BEGIN:VCALENDAR\n{}END:VCALENDAR\n", rule(all).repeat(40));
    let text = stage(
        "    freezes:
      - { ics: a.ics, timezone: UTC }
      - { ics: b.ics, timezone: UTC }
",
    );
    let mut p = parse(FILE, &text).expect("parses");
    let e = p
        .load_calendars(|_| CalendarText::Text(cal.clone()), LoadMode::Run)
        .expect_err("80 rules of 96 a day");
    let e = e.first();
    assert_eq!((e.line, e.path.as_str()), (6, "stages.PROD.freezes[1].ics"));
    assert!(
        e.message
            .contains("start up to 7680 times a day in all, more than 4800"),
        "{e}"
    );
    let mut p = parse(
        FILE,
        &stage("    freezes:\n      - { ics: a.ics, timezone: UTC }\n"),
    )
    .expect("parses");
    p.load_calendars(|_| CalendarText::Text(cal.clone()), LoadMode::Run)
        .expect("40 rules fit");
}
