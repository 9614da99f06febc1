//! Calendar files against the `icalendar` package and python-dateutil: the freezes each file of
//! `tests/fixtures/ics/` gives are the ones `tests/fixtures/ics/expected.py` wrote to
//! `expected.json` (two real public holiday calendars and one that uses every feature).

use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::parse_calendar;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/ics/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn calendars_match_icalendar_and_dateutil() {
    let expected: serde_json::Value =
        serde_json::from_str(&fixture("expected.json")).expect("expected.json is JSON");
    let files = expected["files"].as_array().expect("files");
    assert_eq!(files.len(), 3);
    for f in files {
        let name = f["file"].as_str().expect("file");
        let tz_name = f["timezone"].as_str();
        let tz = tz_name.map(|n| TimeZone::get(n).expect("zone"));
        let lo: Timestamp = f["lo"].as_str().expect("lo").parse().expect("lo");
        let hi: Timestamp = f["hi"].as_str().expect("hi").parse().expect("hi");
        let events = parse_calendar(name, &fixture(name), tz_name.zip(tz.as_ref()), None)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let got: BTreeSet<(String, String, String)> = events
            .iter()
            .flat_map(|e| {
                e.intervals(lo, hi)
                    .into_iter()
                    .filter(|(s, _)| *s >= lo && *s < hi)
                    .map(|(s, end)| (e.reason.clone(), s.to_string(), end.to_string()))
            })
            .collect();
        let want: BTreeSet<(String, String, String)> = f["freezes"]
            .as_array()
            .expect("freezes")
            .iter()
            .map(|x| {
                let s = |i: usize| x[i].as_str().expect("text").to_string();
                (s(0), s(1), s(2))
            })
            .collect();
        assert!(want.len() >= 14, "{name}: {} expected freezes", want.len());
        let missing: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{name}:\n  missing {missing:#?}\n  extra {extra:#?}"
        );
    }
}

/// The real GOV.UK file: 83 all-day events, each a whole day in London.
#[test]
fn govuk_bank_holidays_are_whole_london_days() {
    let london = TimeZone::get("Europe/London").expect("zone");
    let events = parse_calendar(
        "holidays.ics",
        &fixture("govuk-england-and-wales.ics"),
        Some(("Europe/London", &london)),
        Some("UK bank holiday"),
    )
    .expect("parses");
    assert_eq!(events.len(), 83);
    let lo: Timestamp = "2026-08-30T00:00:00Z".parse().expect("ts");
    let hi: Timestamp = "2026-09-02T00:00:00Z".parse().expect("ts");
    let summer: Vec<_> = events
        .iter()
        .filter(|e| !e.intervals(lo, hi).is_empty())
        .collect();
    assert_eq!(summer.len(), 1);
    assert_eq!(summer[0].reason, "UK bank holiday: Summer bank holiday");
    // 2026-08-31 is in BST (+01:00): midnight to midnight London.
    assert_eq!(
        summer[0].intervals(lo, hi),
        [(
            "2026-08-30T23:00:00Z".parse().expect("ts"),
            "2026-08-31T23:00:00Z".parse().expect("ts")
        )]
    );
}
