//! Tests of RRULE parsing and occurrence expansion.

use jiff::civil::{DateTime, Weekday};

use super::*;

fn dt(s: &str) -> DateTime {
    s.parse().expect("civil date-time")
}

#[test]
fn parses_valid_rules() {
    let r = RRule::parse("FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10").expect("parse");
    assert_eq!(r.freq, Freq::Monthly);
    assert_eq!(
        r.by_day,
        [ByDay {
            ordinal: Some(1),
            weekday: Weekday::Saturday
        }]
    );
    assert_eq!(r.by_hour, [10]);
    assert_eq!((r.interval, r.count, r.until), (1, None, None));
    assert_eq!(r.wkst, Weekday::Monday);

    let r = RRule::parse("rrule:freq=weekly;interval=2;byday=mo,-0th;wkst=su;count=3")
        .map(|r| (r.interval, r.count, r.wkst));
    assert!(r.is_err(), "-0TH is not an ordinal: {r:?}");

    #[rustfmt::skip]
    let cases: Vec<(&str, RRule)> = vec![
        ("RRULE:FREQ=DAILY;", RRule { freq: Freq::Daily, interval: 1, count: None, until: None, by_month: vec![], by_week_no: vec![], by_year_day: vec![], by_month_day: vec![], by_day: vec![], by_hour: vec![], by_minute: vec![], by_second: vec![], by_set_pos: vec![], wkst: Weekday::Monday }),
        ("freq=weekly;interval=2;byday=MO,th;wkst=su", RRule { freq: Freq::Weekly, interval: 2, count: None, until: None, by_month: vec![], by_week_no: vec![], by_year_day: vec![], by_month_day: vec![], by_day: vec![ByDay { ordinal: None, weekday: Weekday::Monday }, ByDay { ordinal: None, weekday: Weekday::Thursday }], by_hour: vec![], by_minute: vec![], by_second: vec![], by_set_pos: vec![], wkst: Weekday::Sunday }),
        ("FREQ=MONTHLY;BYMONTHDAY=-1,15;BYHOUR=14,9,9;BYMINUTE=30;COUNT=10", RRule { freq: Freq::Monthly, interval: 1, count: Some(10), until: None, by_month: vec![], by_week_no: vec![], by_year_day: vec![], by_month_day: vec![-1, 15], by_day: vec![], by_hour: vec![9, 14], by_minute: vec![30], by_second: vec![], by_set_pos: vec![], wkst: Weekday::Monday }),
        ("FREQ=YEARLY;BYMONTH=12,3;BYDAY=+2MO,-1FR;UNTIL=20301231", RRule { freq: Freq::Yearly, interval: 1, count: None, until: Some(Until::Local(dt("2030-12-31T23:59:59.999999999"))), by_month: vec![3, 12], by_week_no: vec![], by_year_day: vec![], by_month_day: vec![], by_day: vec![ByDay { ordinal: Some(2), weekday: Weekday::Monday }, ByDay { ordinal: Some(-1), weekday: Weekday::Friday }], by_hour: vec![], by_minute: vec![], by_second: vec![], by_set_pos: vec![], wkst: Weekday::Monday }),
        ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1,1;UNTIL=20270101T120000Z", RRule { freq: Freq::Monthly, interval: 1, count: None, until: Some(Until::Utc(dt("2027-01-01T12:00"))), by_month: vec![], by_week_no: vec![], by_year_day: vec![], by_month_day: vec![], by_day: [Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday, Weekday::Friday].iter().map(|w| ByDay { ordinal: None, weekday: *w }).collect(), by_hour: vec![], by_minute: vec![], by_second: vec![], by_set_pos: vec![-1, 1], wkst: Weekday::Monday }),
        ("FREQ=YEARLY;BYDAY=20MO;UNTIL=20300101T000000", RRule { freq: Freq::Yearly, interval: 1, count: None, until: Some(Until::Local(dt("2030-01-01T00:00"))), by_month: vec![], by_week_no: vec![], by_year_day: vec![], by_month_day: vec![], by_day: vec![ByDay { ordinal: Some(20), weekday: Weekday::Monday }], by_hour: vec![], by_minute: vec![], by_second: vec![], by_set_pos: vec![], wkst: Weekday::Monday }),
    ];
    for (text, expected) in cases {
        assert_eq!(RRule::parse(text).as_ref(), Ok(&expected), "{text}");
    }
}

/// Each invalid part is named, with its byte offset in the text.
#[test]
fn rejects_invalid_parts() {
    #[rustfmt::skip]
    let cases: Vec<(&str, usize, &str, &str)> = vec![
        // rule, offset, part, message fragment
        ("", 0, "", "the rule is empty"),
        ("BYDAY=MO", 0, "", "no FREQ"),
        ("FREQ=FORTNIGHTLY", 0, "FREQ=FORTNIGHTLY", "FREQ \"FORTNIGHTLY\" is not a frequency"),
        ("FREQ=DAILY;INTERVAL=0", 11, "INTERVAL=0", "INTERVAL \"0\" is not a whole number from 1 to 999999"),
        ("FREQ=MONTHLY;BYDAY=1XX", 13, "BYDAY=1XX", "BYDAY \"1XX\" is not a weekday"),
        ("FREQ=MONTHLY;BYDAY=MO,,TU", 13, "BYDAY=MO,,TU", "BYDAY \"\" is not a weekday"),
        ("FREQ=MONTHLY;BYDAY=0MO", 13, "BYDAY=0MO", "is not a weekday"),
        ("FREQ=MONTHLY;BYDAY=6MO", 13, "BYDAY=6MO", "BYDAY ordinal 6 is out of range for FREQ=MONTHLY (±1 to ±5)"),
        ("FREQ=YEARLY;BYMONTH=1;BYDAY=-6MO", 22, "BYDAY=-6MO", "out of range for FREQ=YEARLY (±1 to ±5)"),
        ("FREQ=YEARLY;BYDAY=54MO", 12, "BYDAY=54MO", "is not a weekday"),
        ("FREQ=WEEKLY;BYDAY=1MO", 12, "BYDAY=1MO", "BYDAY ordinal 1 cannot be used with FREQ=WEEKLY"),
        ("FREQ=DAILY;BYDAY=-1FR", 11, "BYDAY=-1FR", "cannot be used with FREQ=DAILY"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", 12, "BYMONTHDAY=1", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", 13, "BYMONTHDAY=32", "BYMONTHDAY \"32\" is not a day of the month"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", 13, "BYMONTHDAY=0", "is not a day of the month"),
        ("FREQ=YEARLY;BYMONTH=13", 12, "BYMONTH=13", "BYMONTH \"13\" is not a month number 1-12"),
        ("FREQ=DAILY;BYHOUR=24", 11, "BYHOUR=24", "BYHOUR \"24\" is not an hour 0-23"),
        ("FREQ=DAILY;BYHOUR=-1", 11, "BYHOUR=-1", "is not an hour"),
        ("FREQ=DAILY;BYMINUTE=60", 11, "BYMINUTE=60", "BYMINUTE \"60\" is not a minute 0-59"),
        ("FREQ=DAILY;BYSETPOS=0", 11, "BYSETPOS=0", "BYSETPOS \"0\" is not a position"),
        ("FREQ=DAILY;COUNT=0", 11, "COUNT=0", "COUNT \"0\" is not a whole number"),
        ("FREQ=DAILY;COUNT=100001", 11, "COUNT=100001", "COUNT \"100001\""),
        ("FREQ=DAILY;UNTIL=2026-12-31", 11, "UNTIL=2026-12-31", "UNTIL \"2026-12-31\" is not a date or date-time"),
        ("FREQ=DAILY;UNTIL=20261301", 11, "UNTIL=20261301", "is not a date"),
        ("FREQ=DAILY;UNTIL=20261231T250000Z", 11, "UNTIL=20261231T250000Z", "is not a date"),
        ("FREQ=DAILY;COUNT=2;UNTIL=20261231", 19, "UNTIL=20261231", "COUNT and UNTIL cannot both be given"),
        ("FREQ=DAILY;WKST=XX", 11, "WKST=XX", "WKST \"XX\" is not a weekday"),
        ("FREQ=DAILY;FREQ=WEEKLY", 11, "FREQ=WEEKLY", "FREQ is given twice"),
        ("FREQ=DAILY;DTSTART=20260101T000000", 11, "DTSTART=20260101T000000", "`dtstart` key"),
        ("FREQ=DAILY;COLOR=RED", 11, "COLOR=RED", "`COLOR` is not an RRULE part"),
        ("FREQ=DAILY;BYHOUR", 11, "BYHOUR", "is not a NAME=VALUE part"),
        ("FREQ=DAILY;BYHOUR=", 11, "BYHOUR=", "BYHOUR has no value"),
        ("  RRULE:FREQ=DAILY; BYDAY=XY", 20, "BYDAY=XY", "BYDAY \"XY\""),
        ("FREQ=MONTHLY;BYDAY=1SÄ", 13, "BYDAY=1SÄ", "is not a weekday"),
    ];
    let mut failures = Vec::new();
    for (text, offset, part, fragment) in cases {
        match RRule::parse(text) {
            Ok(r) => failures.push(format!("{text:?}: parsed as {r:?}")),
            Err(e) => {
                let shown = e.to_string();
                if e.offset != offset
                    || e.part != part
                    || !shown.contains(fragment)
                    || e.help.is_empty()
                {
                    failures.push(format!(
                        "{text:?}: expected ({offset}, {part:?}, {fragment:?}), got ({}, {:?}, {shown:?})",
                        e.offset, e.part
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Occurrences agree with python-dateutil's RFC 5545 implementation; the expected lists are
/// written to `tests/fixtures/rrule/expected.json` by `tests/fixtures/rrule/expected.py`.
#[test]
fn occurrences_match_dateutil() {
    let fixture: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/rrule/expected.json"
    )))
    .expect("fixture is JSON");
    let text = |v: &serde_json::Value| v.as_str().expect("string").to_string();
    let list = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().expect("list").iter().map(text).collect()
    };
    let cases = fixture["cases"].as_array().expect("cases");
    assert!(cases.len() >= 45, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let (name, rule) = (text(&case["name"]), text(&case["rule"]));
        let r = RRule::parse(&rule).expect(&rule);
        let anchor = case["dtstart"].as_str().map_or(dt("1970-01-01T00:00"), dt);
        let until = r.until.map(|u| match u {
            Until::Local(d) | Until::Utc(d) => d,
        });
        let exdates: Vec<DateTime> = list(&case["exdate"]).iter().map(|s| dt(s)).collect();
        let got: Vec<String> = r
            .occurrences(
                anchor,
                until,
                dt(&text(&case["lo"])),
                dt(&text(&case["hi"])),
            )
            .into_iter()
            .filter(|d| !exdates.contains(d))
            .map(|d| d.strftime("%Y-%m-%dT%H:%M:%S").to_string())
            .collect();
        let expected = list(&case["expected"]);
        if got != expected {
            failures.push(format!(
                "{name}: {rule}\n  expected {expected:?}\n  got      {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A rule that never matches (30 February) with COUNT from an old anchor ends: the walk is
/// bounded by the range, not by COUNT.
#[test]
fn impossible_rules_end() {
    let r = RRule::parse("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=5").expect("parse");
    let got = r.occurrences(
        dt("1970-01-01T00:00"),
        None,
        dt("2026-01-01T00:00"),
        dt("2027-02-01T00:00"),
    );
    assert!(got.is_empty(), "{got:?}");
    let r = RRule::parse("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30").expect("parse");
    let got = r.occurrences(
        dt("1970-01-01T00:00"),
        None,
        dt("2026-01-01T00:00"),
        dt("2030-01-01T00:00"),
    );
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn weekday_codes_round_trip() {
    for (code, day) in WEEKDAYS {
        assert_eq!(weekday_code(day), code);
        assert_eq!(parse::weekday(&code.to_ascii_lowercase()), Some(day));
    }
}
