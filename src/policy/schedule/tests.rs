//! Tests of window and freeze evaluation: weekly windows, fixed freezes, recurrences, DST.

use super::*;
use crate::policy::windows::Weekday::{self, *};

fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn win(days: &[Weekday], start: &str, end: &str, tz: &str) -> Window {
    Window::new(days, start, end, tz).expect("window")
}

fn freeze(from: &str, to: &str, reason: &str) -> Freeze {
    Freeze::period(ts(from), ts(to), reason)
}

/// What `evaluate` returned, compressed for tables: "open", "none", "closed <next>",
/// "frozen <until>".
fn short(d: &WindowDecision) -> String {
    match d {
        WindowDecision::Open { .. } => "open".into(),
        WindowDecision::NoWindows => "none".into(),
        WindowDecision::Closed { next_open, .. } => match next_open {
            Some(t) => format!("closed {t}"),
            None => "closed never".into(),
        },
        WindowDecision::Frozen { until, .. } => format!("frozen {until}"),
    }
}

#[test]
fn bundled_tzdb_has_the_zones_we_need() {
    for name in [
        "America/New_York",
        "Europe/London",
        "Asia/Kolkata",
        "UTC",
        "Australia/Lord_Howe",
    ] {
        assert!(
            TimeZone::get(name).is_ok(),
            "{name} missing from bundled tzdb"
        );
    }
    assert!(TimeZone::get("Mars/Olympus_Mons").is_err());
}

#[test]
fn window_table() {
    let ny = || win(&[Mon, Tue, Wed, Thu], "09:00", "16:00", "America/New_York");
    let london = || {
        win(
            &[Mon, Tue, Wed, Thu, Fri],
            "09:00",
            "17:00",
            "Europe/London",
        )
    };
    let kolkata = || win(&[Mon, Tue, Wed, Thu, Fri], "10:00", "18:30", "Asia/Kolkata");
    let sunday_ny = || win(&[Sun, Mon], "09:00", "16:00", "America/New_York");
    // start inside the spring-forward gap (02:00 -> 03:00 on 2026-03-08 in New York)
    let gap = || win(&[Sun], "02:30", "04:00", "America/New_York");
    // start inside the fall-back fold (01:00-02:00 happens twice on 2026-11-01)
    let fold = || win(&[Sun], "01:30", "03:00", "America/New_York");
    let to_midnight = || win(&[Fri], "22:00", "24:00", "UTC");

    #[rustfmt::skip]
    let cases: Vec<(&str, Window, &str, &str)> = vec![
        // name, window, now, expected
        ("ny inside (EST)", ny(), "2026-01-05T14:00:00Z", "open"),
        ("ny start inclusive", ny(), "2026-01-05T14:00:00Z", "open"),
        ("ny one second before start", ny(), "2026-01-05T13:59:59Z", "closed 2026-01-05T14:00:00Z"),
        ("ny end exclusive", ny(), "2026-01-05T21:00:00Z", "closed 2026-01-06T14:00:00Z"),
        ("ny thursday evening -> monday", ny(), "2026-01-08T22:00:00Z", "closed 2026-01-12T14:00:00Z"),
        ("ny friday -> monday", ny(), "2026-01-09T15:00:00Z", "closed 2026-01-12T14:00:00Z"),
        ("ny inside (EDT)", ny(), "2026-07-06T13:00:00Z", "open"),
        ("ny 09:00 EST is 14:00Z, not open at 13:00Z", ny(), "2026-01-05T13:00:00Z", "closed 2026-01-05T14:00:00Z"),
        // DST change Sunday 2026-03-08: Friday evening -> Monday 09:00 EDT = 13:00Z
        ("ny across spring forward", ny(), "2026-03-06T22:00:00Z", "closed 2026-03-09T13:00:00Z"),
        ("ny monday after spring forward 13:00Z open", ny(), "2026-03-09T13:00:00Z", "open"),
        ("ny monday after spring forward 19:59Z open", ny(), "2026-03-09T19:59:00Z", "open"),
        ("ny monday after spring forward 20:00Z closed", ny(), "2026-03-09T20:00:00Z", "closed 2026-03-10T13:00:00Z"),
        // fall back Sunday 2026-11-01: Monday 09:00 EST = 14:00Z
        ("ny across fall back", ny(), "2026-10-30T21:00:00Z", "closed 2026-11-02T14:00:00Z"),
        ("sun+mon window on spring-forward sunday", sunday_ny(), "2026-03-08T12:00:00Z", "closed 2026-03-08T13:00:00Z"),
        ("sun+mon window on spring-forward sunday open", sunday_ny(), "2026-03-08T13:00:00Z", "open"),
        ("sun+mon window on fall-back sunday", sunday_ny(), "2026-11-01T13:30:00Z", "closed 2026-11-01T14:00:00Z"),
        ("sun+mon window on fall-back sunday open", sunday_ny(), "2026-11-01T20:59:00Z", "open"),
        ("sun+mon window sunday -> monday", sunday_ny(), "2026-11-01T21:00:00Z", "closed 2026-11-02T14:00:00Z"),
        // gap: 02:30 does not exist; the window opens at the jump, 03:00 EDT = 07:00Z
        ("start in gap opens at transition", gap(), "2026-03-08T05:00:00Z", "closed 2026-03-08T07:00:00Z"),
        ("start in gap open after jump", gap(), "2026-03-08T07:00:00Z", "open"),
        ("start in gap closes at 04:00 EDT", gap(), "2026-03-08T08:00:00Z", "closed 2026-03-15T06:30:00Z"),
        // fold: opens 01:30 EDT (05:30Z), closes when clocks go back to 01:00 EST (06:00Z),
        // opens again at 01:30 EST (06:30Z)
        ("start in fold first occurrence", fold(), "2026-11-01T05:00:00Z", "closed 2026-11-01T05:30:00Z"),
        ("start in fold open (EDT)", fold(), "2026-11-01T05:45:00Z", "open"),
        ("start in fold clock set back", fold(), "2026-11-01T06:10:00Z", "closed 2026-11-01T06:30:00Z"),
        ("start in fold second occurrence", fold(), "2026-11-01T06:30:00Z", "open"),
        // London: BST starts 2026-03-29 (01:00 GMT -> 02:00 BST)
        ("london winter", london(), "2026-03-27T09:00:00Z", "open"),
        ("london friday evening -> monday BST", london(), "2026-03-27T17:00:00Z", "closed 2026-03-30T08:00:00Z"),
        ("london BST 08:30Z open", london(), "2026-03-30T08:30:00Z", "open"),
        ("london BST 16:00Z closed", london(), "2026-03-30T16:00:00Z", "closed 2026-03-31T08:00:00Z"),
        // Kolkata: +05:30, no DST
        ("kolkata open", kolkata(), "2026-06-01T04:30:00Z", "open"),
        ("kolkata before", kolkata(), "2026-06-01T04:29:59Z", "closed 2026-06-01T04:30:00Z"),
        ("kolkata 18:30 IST closed", kolkata(), "2026-06-01T13:00:00Z", "closed 2026-06-02T04:30:00Z"),
        ("kolkata saturday -> monday", kolkata(), "2026-06-06T04:30:00Z", "closed 2026-06-08T04:30:00Z"),
        // 24:00 end
        ("end of day 23:59:59", to_midnight(), "2026-01-02T23:59:59Z", "open"),
        ("end of day midnight closed", to_midnight(), "2026-01-03T00:00:00Z", "closed 2026-01-09T22:00:00Z"),
    ];
    let mut failures = Vec::new();
    for (name, w, now, expected) in cases {
        let got = short(&evaluate(std::slice::from_ref(&w), &[], ts(now)));
        if got != expected {
            failures.push(format!("{name}: now {now}: expected {expected}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// name, windows, freezes, now, expected
type FreezeCase = (
    &'static str,
    Vec<Window>,
    Vec<Freeze>,
    &'static str,
    &'static str,
);

#[test]
fn freeze_table() {
    let ny = win(&[Mon, Tue, Wed, Thu], "09:00", "16:00", "America/New_York");
    let year_end = freeze(
        "2026-12-20T00:00:00Z",
        "2027-01-04T00:00:00Z",
        "year-end freeze",
    );
    // Freeze ending in the middle of Monday's window.
    let midday = freeze("2027-01-04T00:00:00Z", "2027-01-04T17:00:00Z", "migration");
    // Freeze covering all of Monday's window.
    let monday = freeze("2027-01-11T14:00:00Z", "2027-01-11T21:00:00Z", "audit");

    #[rustfmt::skip]
    let cases: Vec<FreezeCase> = vec![
        ("no windows no freezes", vec![], vec![], "2026-06-01T00:00:00Z", "none"),
        ("freeze without windows", vec![], vec![year_end.clone()], "2026-12-25T00:00:00Z", "frozen 2027-01-04T00:00:00Z"),
        ("freeze from is inclusive", vec![ny.clone()], vec![year_end.clone()], "2026-12-20T00:00:00Z", "frozen 2027-01-04T00:00:00Z"),
        ("just before freeze", vec![], vec![year_end.clone()], "2026-12-19T23:59:59Z", "none"),
        ("freeze to is exclusive", vec![], vec![year_end.clone()], "2027-01-04T00:00:00Z", "none"),
        ("freeze wins over open window", vec![ny.clone()], vec![year_end.clone()], "2026-12-21T15:00:00Z", "frozen 2027-01-04T00:00:00Z"),
        ("back-to-back freezes merge", vec![ny.clone()], vec![year_end.clone(), midday.clone()], "2026-12-21T15:00:00Z", "frozen 2027-01-04T17:00:00Z"),
        ("closed before freeze: next open skips the freeze", vec![ny.clone()], vec![year_end.clone()], "2026-12-17T22:00:00Z", "closed 2027-01-04T14:00:00Z"),
        ("freeze ending mid-window opens at its end", vec![ny.clone()], vec![year_end.clone(), midday.clone()], "2026-12-17T22:00:00Z", "closed 2027-01-04T17:00:00Z"),
        ("freeze covering a whole window", vec![ny.clone()], vec![monday.clone()], "2027-01-08T12:00:00Z", "closed 2027-01-12T14:00:00Z"),
        ("window open after freeze ends", vec![ny.clone()], vec![monday.clone()], "2027-01-12T14:00:00Z", "open"),
        ("freeze forever", vec![ny.clone()], vec![freeze("2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z", "forever")], "2025-12-31T22:00:00Z", "closed never"),
    ];
    let mut failures = Vec::new();
    for (name, windows, freezes, now, expected) in cases {
        let got = short(&evaluate(&windows, &freezes, ts(now)));
        if got != expected {
            failures.push(format!("{name}: now {now}: expected {expected}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn multiple_windows_pick_the_earliest() {
    let windows = vec![
        win(&[Mon], "09:00", "10:00", "Europe/London"),
        win(&[Mon], "09:00", "10:00", "Asia/Kolkata"),
    ];
    // Monday 2026-06-01: Kolkata 09:00 = 03:30Z, London 09:00 BST = 08:00Z.
    let d = evaluate(&windows, &[], ts("2026-06-01T00:00:00Z"));
    assert_eq!(short(&d), "closed 2026-06-01T03:30:00Z");
    let d = evaluate(&windows, &[], ts("2026-06-01T05:00:00Z"));
    assert_eq!(short(&d), "closed 2026-06-01T08:00:00Z");
    let d = evaluate(&windows, &[], ts("2026-06-01T08:15:00Z"));
    assert_eq!(
        d,
        WindowDecision::Open {
            window: "mon 09:00-10:00 Europe/London".into()
        }
    );
}

#[test]
fn descriptions_are_readable() {
    let w = win(&[Mon, Tue, Wed, Thu], "09:00", "16:00", "America/New_York");
    let d = evaluate(std::slice::from_ref(&w), &[], ts("2026-03-06T22:00:00Z"));
    let WindowDecision::Closed { description, .. } = d else {
        panic!("expected closed, got {d:?}");
    };
    assert_eq!(
        description,
        "outside the promotion windows (mon,tue,wed,thu 09:00-16:00 America/New_York); \
         next opening at 2026-03-09T13:00:00Z (Mon 2026-03-09 09:00 EDT America/New_York)"
    );
    let f = freeze(
        "2026-12-20T00:00:00Z",
        "2027-01-04T00:00:00Z",
        "year-end freeze",
    );
    let d = evaluate(&[w], &[f], ts("2026-12-21T15:00:00Z"));
    assert_eq!(
        d,
        WindowDecision::Frozen {
            reason: "year-end freeze".into(),
            until: ts("2027-01-04T00:00:00Z")
        }
    );
    assert!(!d.allows_promotion());
    assert!(WindowDecision::NoWindows.allows_promotion());
    let json = serde_json::to_value(&d).expect("serialize");
    assert_eq!(
        json,
        serde_json::json!({"state": "frozen", "reason": "year-end freeze", "until": "2027-01-04T00:00:00Z"})
    );
}

fn rule(rrule: &str, duration: &str, tz: &str) -> Window {
    Window::recurring(rrule, duration, tz, None).expect("recurring window")
}

fn rule_from(rrule: &str, duration: &str, tz: &str, dtstart: &str) -> Window {
    Window::recurring(rrule, duration, tz, Some(dtstart)).expect("recurring window")
}

fn rule_freeze(rrule: &str, duration: &str, tz: &str, reason: &str) -> Freeze {
    Freeze::Recurring(crate::policy::windows::RecurringFreeze {
        recurrence: crate::policy::Recurrence::new(rrule, duration, tz, None).expect("rule"),
        reason: reason.into(),
    })
}

type RuleCase = (
    &'static str,
    Vec<Window>,
    Vec<Freeze>,
    &'static str,
    &'static str,
);

/// Recurring windows and freezes, alone and mixed with classic ones, around their boundaries
/// and across DST changes in Europe/Berlin and America/New_York.
#[test]
fn recurrence_table() {
    // First Saturday of the month 10:00-14:00 Berlin. 2026-03-07 is before Berlin's change
    // (CET, +01:00); 2026-04-04 after it (CEST, +02:00).
    let first_sat = || rule("FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10", "4h", "Europe/Berlin");
    // Every last Friday, all day, New York.
    let last_fri = || rule("FREQ=MONTHLY;BYDAY=-1FR", "24h", "America/New_York");
    // 02:30 on New York's spring-forward day (2026-03-08, 02:00 EST -> 03:00 EDT at 07:00Z).
    let ny_gap = || {
        rule(
            "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU;BYHOUR=2;BYMINUTE=30",
            "1h",
            "America/New_York",
        )
    };
    // 02:30 on Berlin's spring-forward day (2026-03-29, 02:00 CET -> 03:00 CEST at 01:00Z).
    let berlin_gap = || {
        rule(
            "FREQ=MONTHLY;BYDAY=-1SU;BYHOUR=2;BYMINUTE=30",
            "2h",
            "Europe/Berlin",
        )
    };
    // 01:30 on New York's fall-back day (2026-11-01: 01:30 EDT = 05:30Z, 01:30 EST = 06:30Z).
    let ny_fold = || {
        rule(
            "FREQ=WEEKLY;BYDAY=SU;BYHOUR=1;BYMINUTE=30",
            "1h",
            "America/New_York",
        )
    };
    // 02:30 on Berlin's fall-back day (2026-10-25: 02:30 CEST = 00:30Z, 02:30 CET = 01:30Z).
    let berlin_fold = || rule("FREQ=DAILY;BYHOUR=2;BYMINUTE=30", "30m", "Europe/Berlin");
    // Whole last Sunday of March in Berlin: the day has 23 hours.
    let berlin_sunday = || rule("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "24h", "Europe/Berlin");
    // Every other Monday from 2026-01-05, 09:00-11:00 UTC.
    let fortnightly = || {
        rule_from(
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9",
            "2h",
            "UTC",
            "2026-01-05",
        )
    };
    let twice = || rule_from("FREQ=DAILY;COUNT=2;BYHOUR=9", "1h", "UTC", "2026-01-05");
    let until = || rule("FREQ=DAILY;UNTIL=20260106T235959Z;BYHOUR=9", "1h", "UTC");
    let ny_weekdays = || {
        win(
            &[Mon, Tue, Wed, Thu, Fri],
            "09:00",
            "16:00",
            "America/New_York",
        )
    };

    #[rustfmt::skip]
    let cases: Vec<RuleCase> = vec![
        ("first saturday: before", vec![first_sat()], vec![], "2026-03-07T08:59:59Z", "closed 2026-03-07T09:00:00Z"),
        ("first saturday: start inclusive", vec![first_sat()], vec![], "2026-03-07T09:00:00Z", "open"),
        ("first saturday: last second", vec![first_sat()], vec![], "2026-03-07T12:59:59Z", "open"),
        ("first saturday: end exclusive, next in CEST", vec![first_sat()], vec![], "2026-03-07T13:00:00Z", "closed 2026-04-04T08:00:00Z"),
        ("first saturday: not the second", vec![first_sat()], vec![], "2026-03-14T10:00:00Z", "closed 2026-04-04T08:00:00Z"),
        ("last friday NY: open at local midnight", vec![last_fri()], vec![], "2026-03-27T04:00:00Z", "open"),
        ("last friday NY: one second before", vec![last_fri()], vec![], "2026-03-27T03:59:59Z", "closed 2026-03-27T04:00:00Z"),
        ("last friday NY: closes at local midnight", vec![last_fri()], vec![], "2026-03-28T04:00:00Z", "closed 2026-04-24T04:00:00Z"),
        ("NY gap: opens at the jump", vec![ny_gap()], vec![], "2026-03-08T06:00:00Z", "closed 2026-03-08T07:00:00Z"),
        ("NY gap: open after the jump", vec![ny_gap()], vec![], "2026-03-08T07:00:00Z", "open"),
        ("NY gap: ends 03:30 EDT; next year again at the jump", vec![ny_gap()], vec![], "2026-03-08T07:30:00Z", "closed 2027-03-14T07:00:00Z"),
        ("NY gap: an opening inside the skipped hour does not happen", vec![rule("FREQ=YEARLY;BYMONTH=3;BYDAY=2SU;BYHOUR=2;BYMINUTE=10", "30m", "America/New_York")], vec![], "2026-03-08T06:00:00Z", "closed never"),
        ("Berlin gap: opens at the jump", vec![berlin_gap()], vec![], "2026-03-29T00:59:59Z", "closed 2026-03-29T01:00:00Z"),
        ("Berlin gap: ends 04:30 CEST", vec![berlin_gap()], vec![], "2026-03-29T02:29:59Z", "open"),
        ("Berlin gap: closed after, next in April", vec![berlin_gap()], vec![], "2026-03-29T02:30:00Z", "closed 2026-04-26T00:30:00Z"),
        ("NY fold: opens at first 01:30 (EDT)", vec![ny_fold()], vec![], "2026-11-01T05:00:00Z", "closed 2026-11-01T05:30:00Z"),
        ("NY fold: stays open through the repeated hour", vec![ny_fold()], vec![], "2026-11-01T06:45:00Z", "open"),
        ("NY fold: ends 02:30 EST", vec![ny_fold()], vec![], "2026-11-01T07:30:00Z", "closed 2026-11-08T06:30:00Z"),
        ("Berlin fold: first 02:30 (CEST)", vec![berlin_fold()], vec![], "2026-10-25T00:30:00Z", "open"),
        ("Berlin fold: open through the repeat", vec![berlin_fold()], vec![], "2026-10-25T01:45:00Z", "open"),
        ("Berlin fold: ends 03:00 CET", vec![berlin_fold()], vec![], "2026-10-25T02:00:00Z", "closed 2026-10-26T01:30:00Z"),
        ("Berlin 23-hour sunday: open at 21:59Z", vec![berlin_sunday()], vec![], "2026-03-29T21:59:59Z", "open"),
        ("Berlin 23-hour sunday: ends at local midnight", vec![berlin_sunday()], vec![], "2026-03-29T22:00:00Z", "closed 2027-03-27T23:00:00Z"),
        ("fortnightly: on week", vec![fortnightly()], vec![], "2026-01-19T09:30:00Z", "open"),
        ("fortnightly: off week", vec![fortnightly()], vec![], "2026-01-12T09:30:00Z", "closed 2026-01-19T09:00:00Z"),
        ("overlapping occurrences merge", vec![rule("FREQ=DAILY;BYHOUR=9", "30h", "UTC")], vec![], "2026-01-06T05:00:00Z", "open"),
        ("COUNT=2: second", vec![twice()], vec![], "2026-01-06T09:00:00Z", "open"),
        ("COUNT=2: no third", vec![twice()], vec![], "2026-01-06T10:00:00Z", "closed never"),
        ("UNTIL: last one", vec![until()], vec![], "2026-01-05T12:00:00Z", "closed 2026-01-06T09:00:00Z"),
        ("UNTIL: none after", vec![until()], vec![], "2026-01-06T12:00:00Z", "closed never"),
        // Mixed with a classic window: the earliest opening of either wins.
        ("mixed: classic first", vec![first_sat(), ny_weekdays()], vec![], "2026-03-06T22:00:00Z", "closed 2026-03-07T09:00:00Z"),
        ("mixed: rule open", vec![ny_weekdays(), first_sat()], vec![], "2026-03-07T10:00:00Z", "open"),
        ("mixed: classic open", vec![first_sat(), ny_weekdays()], vec![], "2026-03-09T13:00:00Z", "open"),
        ("mixed: both closed", vec![first_sat(), ny_weekdays()], vec![], "2026-03-07T13:00:00Z", "closed 2026-03-09T13:00:00Z"),
        // Recurring freezes, alone and with classic windows and freezes.
        ("rule freeze in force", vec![ny_weekdays()], vec![rule_freeze("FREQ=MONTHLY;BYDAY=-1FR", "24h", "America/New_York", "month-end close")], "2026-03-27T14:00:00Z", "frozen 2026-03-28T04:00:00Z"),
        ("rule freeze skipped by next_open", vec![ny_weekdays()], vec![rule_freeze("FREQ=MONTHLY;BYDAY=-1FR", "24h", "America/New_York", "month-end close")], "2026-03-26T21:00:00Z", "closed 2026-03-30T13:00:00Z"),
        ("rule freeze ending mid-window", vec![ny_weekdays()], vec![rule_freeze("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9", "2h", "America/New_York", "standup")], "2026-03-30T12:00:00Z", "closed 2026-03-30T15:00:00Z"),
        ("rule and classic freezes merge", vec![], vec![rule_freeze("FREQ=MONTHLY;BYDAY=-1FR", "24h", "America/New_York", "month-end close"), freeze("2026-03-28T04:00:00Z", "2026-03-29T00:00:00Z", "migration")], "2026-03-27T12:00:00Z", "frozen 2026-03-29T00:00:00Z"),
        ("classic freeze then rule freeze merge", vec![], vec![freeze("2026-03-26T00:00:00Z", "2026-03-27T04:00:00Z", "migration"), rule_freeze("FREQ=MONTHLY;BYDAY=-1FR", "24h", "America/New_York", "month-end close")], "2026-03-26T12:00:00Z", "frozen 2026-03-28T04:00:00Z"),
        ("rule freeze outside its occurrence", vec![], vec![rule_freeze("FREQ=MONTHLY;BYDAY=-1FR", "24h", "America/New_York", "month-end close")], "2026-03-26T12:00:00Z", "none"),
        ("freeze over a whole rule opening", vec![first_sat()], vec![freeze("2026-04-04T00:00:00Z", "2026-04-05T00:00:00Z", "audit")], "2026-03-20T00:00:00Z", "closed 2026-05-02T08:00:00Z"),
    ];
    let mut failures = Vec::new();
    for (name, windows, freezes, now, expected) in cases {
        let got = short(&evaluate(&windows, &freezes, ts(now)));
        if got != expected {
            failures.push(format!("{name}: now {now}: expected {expected}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A freeze that recurs back to back (every day, all day) is reported as frozen up to the
/// search horizon, without looping forever.
#[test]
fn endless_recurring_freeze_is_bounded() {
    let f = rule_freeze("FREQ=DAILY", "24h", "UTC", "always");
    let now = ts("2026-06-01T12:00:00Z");
    let d = evaluate(&[], std::slice::from_ref(&f), now);
    let WindowDecision::Frozen { until, reason } = d else {
        panic!("expected frozen, got {d:?}");
    };
    assert_eq!(reason, "always");
    let days = until.duration_since(now).as_hours() / 24;
    assert!(
        (SEARCH_DAYS - 1..=SEARCH_DAYS + 1).contains(&days),
        "{until}"
    );
    let windows = [win(&[Mon], "09:00", "10:00", "UTC")];
    let d = evaluate(&windows, &[], now);
    assert!(
        matches!(
            d,
            WindowDecision::Closed {
                next_open: Some(_),
                ..
            }
        ),
        "{d:?}"
    );
}

#[test]
fn recurrence_descriptions_name_the_opening_in_both_zones() {
    let w = rule("FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10", "4h", "Europe/Berlin");
    let d = evaluate(std::slice::from_ref(&w), &[], ts("2026-03-07T13:00:00Z"));
    let WindowDecision::Closed { description, .. } = d else {
        panic!("expected closed, got {d:?}");
    };
    assert_eq!(
        description,
        "outside the promotion windows (FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10 for 4h Europe/Berlin); \
         next opening at 2026-04-04T08:00:00Z (Sat 2026-04-04 10:00 CEST Europe/Berlin)"
    );
    let d = evaluate(std::slice::from_ref(&w), &[], ts("2026-04-04T09:00:00Z"));
    assert_eq!(
        d,
        WindowDecision::Open {
            window: "FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10 for 4h Europe/Berlin (this opening: Sat 2026-04-04 10:00 CEST to Sat 2026-04-04 14:00 CEST)".into()
        }
    );
    let f = rule_freeze(
        "FREQ=MONTHLY;BYDAY=-1FR",
        "24h",
        "America/New_York",
        "month-end close",
    );
    let d = evaluate(&[], &[f], ts("2026-03-27T14:00:00Z"));
    let json = serde_json::to_value(&d).expect("serialize");
    assert_eq!(
        json,
        serde_json::json!({"state": "frozen", "reason": "month-end close", "until": "2026-03-28T04:00:00Z"})
    );
    let from = rule_from(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9",
        "1h30m",
        "UTC",
        "2026-01-05T08:00",
    );
    assert_eq!(
        from.describe(),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9 for 1h 30m UTC from 2026-01-05T08:00"
    );
}

/// The largest calendar a policy may hold (50 recurring windows and 50 recurring freezes, each
/// with the most start times a day) still evaluates; overlapping openings merge.
#[test]
fn largest_calendar_evaluates() {
    let hours = "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23";
    let windows: Vec<Window> = (0..50)
        .map(|i| {
            rule(
                &format!("FREQ=WEEKLY;BYDAY=SA;BYHOUR={hours};BYMINUTE={}", i % 60),
                "10m",
                "Europe/Berlin",
            )
        })
        .collect();
    let freezes: Vec<Freeze> = (0..50)
        .map(|i| {
            rule_freeze(
                &format!("FREQ=DAILY;BYHOUR={hours};BYMINUTE={}", i % 60),
                "1m",
                "America/New_York",
                "busy",
            )
        })
        .collect();
    // Saturdays in Berlin are open all day (hourly openings of 10 minutes at minutes 0-49,
    // merged); New York freezes minutes 0-49 of every hour; so the first moment open and not
    // frozen is Saturday 00:50 CEST = Friday 22:50Z.
    let d = evaluate(&windows, &freezes, ts("2026-06-01T12:55:00Z"));
    assert_eq!(short(&d), "closed 2026-06-05T22:50:00Z");
    let d = evaluate(&windows, &freezes, ts("2026-06-06T10:30:00Z"));
    assert_eq!(short(&d), "frozen 2026-06-06T10:50:00Z");
}
