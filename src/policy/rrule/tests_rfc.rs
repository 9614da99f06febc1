//! Tests of the RFC 5545 parts added for "calendars, finished": `BYSECOND`, `FREQ=HOURLY`,
//! `MINUTELY`, `SECONDLY`, `BYYEARDAY`, `BYWEEKNO`; their combinations and the
//! starts-per-day bound. Occurrences are checked against dateutil in `tests.rs`.

use jiff::civil::{DateTime, Weekday};

use super::*;

fn dt(s: &str) -> DateTime {
    s.parse().expect("civil date-time")
}

#[test]
fn parses_the_new_parts() {
    let r = RRule::parse("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0").expect("parse");
    assert_eq!(
        (r.by_hour.clone(), r.by_minute.clone(), r.by_second.clone()),
        (vec![9], vec![0], vec![0])
    );
    let r = RRule::parse("freq=hourly;interval=3;bysecond=30,0,30").expect("parse");
    assert_eq!(
        (r.freq, r.interval, r.by_second.clone()),
        (Freq::Hourly, 3, vec![0, 30])
    );
    let r = RRule::parse("FREQ=MINUTELY;INTERVAL=15").expect("parse");
    assert_eq!((r.freq, r.starts_per_day()), (Freq::Minutely, 96));
    let r = RRule::parse("FREQ=SECONDLY;BYHOUR=9;BYMINUTE=0;BYSECOND=0").expect("parse");
    assert_eq!((r.freq, r.starts_per_day()), (Freq::Secondly, 1));
    let r = RRule::parse("FREQ=YEARLY;BYYEARDAY=1,-1,366;BYWEEKNO=-53,1;WKST=SU").expect("parse");
    assert_eq!(r.by_year_day, [1, -1, 366]);
    assert_eq!(r.by_week_no, [-53, 1]);
    assert_eq!(r.wkst, Weekday::Sunday);
    let r = RRule::parse("FREQ=HOURLY;BYYEARDAY=100").expect("BYYEARDAY limits HOURLY");
    assert_eq!(r.by_year_day, [100]);
}

/// The starts-per-day bound, per frequency: what a day can hold at most.
#[test]
fn starts_per_day_bounds_each_frequency() {
    #[rustfmt::skip]
    let cases = [
        ("FREQ=DAILY", 1),
        ("FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0,30;BYSECOND=0,15,30", 12),
        ("FREQ=HOURLY", 24),
        ("FREQ=HOURLY;INTERVAL=5", 5),
        ("FREQ=HOURLY;INTERVAL=25", 1),
        ("FREQ=HOURLY;BYHOUR=9,10;BYMINUTE=0,20,40", 6),
        ("FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16", 24),
        ("FREQ=MINUTELY;INTERVAL=90", 16),
        ("FREQ=MINUTELY;BYMINUTE=0,30", 48),
        ("FREQ=MINUTELY;INTERVAL=15;BYSECOND=0,30", 192),
        ("FREQ=SECONDLY;INTERVAL=900", 96),
        ("FREQ=SECONDLY;BYMINUTE=0;BYSECOND=0", 24),
    ];
    for (text, n) in cases {
        let got = match RRule::parse(text) {
            Ok(r) => r.starts_per_day(),
            Err(e) => {
                assert!(n > MAX_STARTS_PER_DAY, "{text}: {e}");
                assert!(
                    e.message.contains(&format!("up to {n} times a day")),
                    "{text}: {e}"
                );
                continue;
            }
        };
        assert_eq!(got, n, "{text}");
    }
}

/// Each invalid new part or combination is named, with its byte offset in the text.
#[test]
fn rejects_what_rfc_5545_does_not_allow() {
    #[rustfmt::skip]
    let cases: Vec<(&str, usize, &str, &str)> = vec![
        ("FREQ=DAILY;BYSECOND=60", 11, "BYSECOND=60", "BYSECOND \"60\" is not a second 0-59"),
        ("FREQ=DAILY;BYSECOND=-1", 11, "BYSECOND=-1", "is not a second"),
        ("FREQ=YEARLY;BYYEARDAY=0", 12, "BYYEARDAY=0", "BYYEARDAY \"0\" is not a day of the year"),
        ("FREQ=YEARLY;BYYEARDAY=367", 12, "BYYEARDAY=367", "is not a day of the year"),
        ("FREQ=YEARLY;BYWEEKNO=54", 12, "BYWEEKNO=54", "BYWEEKNO \"54\" is not a week of the year"),
        ("FREQ=YEARLY;BYWEEKNO=0", 12, "BYWEEKNO=0", "is not a week of the year"),
        ("FREQ=MONTHLY;BYWEEKNO=20", 13, "BYWEEKNO=20", "BYWEEKNO cannot be used with FREQ=MONTHLY"),
        ("FREQ=HOURLY;BYWEEKNO=20", 12, "BYWEEKNO=20", "BYWEEKNO cannot be used with FREQ=HOURLY"),
        ("FREQ=DAILY;BYYEARDAY=1", 11, "BYYEARDAY=1", "BYYEARDAY cannot be used with FREQ=DAILY"),
        ("FREQ=WEEKLY;BYYEARDAY=1", 12, "BYYEARDAY=1", "with FREQ=WEEKLY"),
        ("FREQ=MONTHLY;BYYEARDAY=1", 13, "BYYEARDAY=1", "with FREQ=MONTHLY"),
        ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO", 24, "BYDAY=1MO", "BYDAY ordinal 1 cannot be used with BYWEEKNO"),
        ("FREQ=HOURLY;BYDAY=1MO", 12, "BYDAY=1MO", "BYDAY ordinal 1 cannot be used with FREQ=HOURLY"),
        ("FREQ=MINUTELY", 0, "FREQ=MINUTELY", "the rule starts up to 1440 times a day, more than 96"),
        ("FREQ=SECONDLY;INTERVAL=60", 0, "FREQ=SECONDLY", "up to 1440 times a day"),
        ("FREQ=MINUTELY;BYHOUR=9;BYSECOND=0,1", 23, "BYSECOND=0,1", "up to 120 times a day"),
        ("FREQ=DAILY;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29;BYHOUR=8,9,10,11", 11, "BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29", "up to 120 times a day"),
        ("FREQ=DAILY;INTERVAL=1000000", 11, "INTERVAL=1000000", "is not a whole number from 1 to 999999"),
        ("FREQ=YEARLY;BYEASTER=0", 12, "BYEASTER=0", "BYEASTER is not supported here (it is not part of RFC 5545)"),
        ("FREQ=MONTHLY;RSCALE=HEBREW", 13, "RSCALE=HEBREW", "not part of RFC 5545"),
        ("FREQ=FORTNIGHTLY", 0, "FREQ=FORTNIGHTLY", "Write FREQ=SECONDLY, MINUTELY, HOURLY"),
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

/// Starting a sub-daily walk near `lo` gives the same occurrences as walking from the anchor:
/// the grid stays aligned to the anchor however far away `lo` is.
#[test]
fn sub_daily_walks_skip_ahead_on_the_anchor_grid() {
    for rule in [
        "FREQ=HOURLY;INTERVAL=7",
        "FREQ=MINUTELY;INTERVAL=47;BYSECOND=5",
        "FREQ=SECONDLY;INTERVAL=4001",
        "FREQ=MINUTELY;INTERVAL=90;BYDAY=TU,SA",
        "FREQ=HOURLY;INTERVAL=11;BYHOUR=1,12,23;BYMINUTE=0,59",
    ] {
        let r = RRule::parse(rule).expect(rule);
        let anchor = dt("2026-01-01T05:17:09");
        let (lo, hi) = (dt("2026-04-10T00:00"), dt("2026-04-14T00:00"));
        let near = r.occurrences(anchor, None, lo, hi);
        let mut counted = r.clone();
        counted.count = Some(MAX_COUNT);
        let far = counted.occurrences(anchor, None, lo, hi);
        assert!(!near.is_empty(), "{rule}");
        assert_eq!(near, far, "{rule}");
        assert!(
            near.windows(2).all(|w| w[0] < w[1]),
            "{rule}: not ascending"
        );
    }
}

/// A once-a-day SECONDLY rule over a year: each day costs a lookup, not 86,400 grid points.
#[test]
fn secondly_rules_with_limits_are_cheap() {
    let r = RRule::parse("FREQ=SECONDLY;BYHOUR=9;BYMINUTE=30;BYSECOND=15").expect("parse");
    let got = r.occurrences(
        dt("1970-01-01T00:00"),
        None,
        dt("2026-01-01T00:00"),
        dt("2027-01-01T00:00"),
    );
    assert_eq!(got.len(), 365);
    assert_eq!(got[0], dt("2026-01-01T09:30:15"));
    assert_eq!(got[364], dt("2026-12-31T09:30:15"));
}

/// UNTIL and COUNT end sub-daily series too.
#[test]
fn sub_daily_series_end() {
    let r = RRule::parse("FREQ=MINUTELY;INTERVAL=30;UNTIL=20260105T103000").expect("parse");
    let got = r.occurrences(
        dt("2026-01-05T09:00"),
        Some(dt("2026-01-05T10:30")),
        dt("2026-01-01T00:00"),
        dt("2026-02-01T00:00"),
    );
    assert_eq!(
        got,
        [
            dt("2026-01-05T09:00"),
            dt("2026-01-05T09:30"),
            dt("2026-01-05T10:00"),
            dt("2026-01-05T10:30")
        ]
    );
}
