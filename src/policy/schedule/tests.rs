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
