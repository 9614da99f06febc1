//! Calendars, finished, through the binary: a real public holiday calendar (GOV.UK's England
//! and Wales bank holidays, `tests/fixtures/ics/`) freezes on its days; a broken, missing or
//! escaping calendar file is a policy error on the right line; `validate` checks the file when
//! it is there; a generator's `BYSECOND=0` rule and `exdate` work.

use std::path::Path;
use std::process::Command;

use crate::common::{Action, Run, Sim};

const APP: &str = "bookverse-inventory";

const HOLIDAYS: &str = include_str!("../fixtures/ics/govuk-england-and-wales.ics");

const POLICY: &str = "version: 1
stages:
  QA:
    freezes:
      - ics: .github/holidays.ics
        timezone: Europe/London
        reason: UK bank holiday
";

fn run_with(policy: &str, files: &[(&str, &str)], now: &str, scheduled: bool) -> (Sim, Run) {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(".github/promotion-policy.yml", policy)
        .env("PROMOTE_ACTION_NOW", now);
    for (path, text) in files {
        a.file(path, text);
    }
    if scheduled {
        a.env("GITHUB_EVENT_NAME", "schedule");
    }
    let run = a.run();
    (sim, run)
}

fn errors(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.starts_with("::error"))
        .collect()
}

#[test]
fn a_public_holiday_calendar_freezes_on_its_days() {
    // (now, promoted?, what the gates say)
    let cases = [
        // Christmas Day 2026 is a Friday; Boxing Day is observed on Monday the 28th.
        (
            "2026-12-25T12:00:00Z",
            false,
            "UK bank holiday: Christmas Day` until 2026-12-26T00:00:00Z",
        ),
        ("2026-12-26T12:00:00Z", true, ""),
        (
            "2026-12-28T09:00:00Z",
            false,
            "UK bank holiday: Boxing Day` until 2026-12-29T00:00:00Z",
        ),
        // Summer bank holiday, Monday 31 August 2026, in BST: London's midnight is 23:00Z.
        ("2026-08-30T22:59:59Z", true, ""),
        (
            "2026-08-30T23:00:00Z",
            false,
            "UK bank holiday: Summer bank holiday` until 2026-08-31T23:00:00Z",
        ),
        ("2026-08-31T22:59:59Z", false, "Summer bank holiday"),
        ("2026-08-31T23:00:00Z", true, ""),
    ];
    for (now, promoted, said) in cases {
        let (sim, run) = run_with(POLICY, &[(".github/holidays.ics", HOLIDAYS)], now, false);
        if promoted {
            assert_eq!(run.code, 0, "{now}: {}", run.stdout);
            assert_eq!(run.out("result"), "promoted", "{now}");
            assert_eq!(sim.sim.promotions_applied(), 1, "{now}");
        } else {
            assert_eq!(run.code, 1, "{now}: {}", run.stdout);
            assert_eq!(run.out("failed-gates"), "freezes", "{now}");
            assert!(
                run.out("gates").contains(said),
                "{now}: {}",
                run.out("gates")
            );
            assert_eq!(sim.sim.promotions_applied(), 0, "{now}");
        }
    }
}

#[test]
fn a_broken_calendar_is_a_policy_error_on_its_line() {
    let broken = HOLIDAYS.replacen(
        "DTSTART;VALUE=DATE:20190101",
        "DTSTART;VALUE=DATE:2019-01-01",
        1,
    );
    let (sim, run) = run_with(
        POLICY,
        &[(".github/holidays.ics", &broken)],
        "2026-06-01T12:00:00Z",
        false,
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    let errors = errors(&run.stdout);
    assert!(
        errors.iter().any(
            |e| e.starts_with("::error file=.github/holidays.ics,line=8,col=1")
                && e.contains("DTSTART `2019-01-01` is not a date or date-time")
                && e.contains("YYYYMMDD")
        ),
        "{errors:?}"
    );
    assert!(
        sim.sim.requests().is_empty(),
        "a policy error stops before any request"
    );
}

#[test]
fn a_missing_or_escaping_calendar_is_a_policy_error_at_ics() {
    let (sim, run) = run_with(POLICY, &[], "2026-06-01T12:00:00Z", false);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let errors = errors(&run.stdout);
    assert!(
        errors.iter().any(|e| e
            .starts_with("::error file=.github/promotion-policy.yml,line=5,col=14")
            && e.contains("calendar file `.github/holidays.ics` does not exist in the workspace")),
        "{errors:?}"
    );
    assert_eq!(sim.sim.promotions_applied(), 0);

    // A symlink out of the workspace is not followed, and nothing of its target is quoted.
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(".github/promotion-policy.yml", POLICY)
        .env("PROMOTE_ACTION_NOW", "2026-06-01T12:00:00Z");
    let outside = a.dir.path().join("secret.ics");
    std::fs::write(&outside, "BEGIN:VCALENDAR\nX-SECRET:hunter2\n").expect("write");
    std::os::unix::fs::symlink(&outside, a.workspace().join(".github/holidays.ics")).expect("link");
    let run = a.run();
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("links to a file outside the workspace"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("hunter2") && !run.summary.contains("hunter2"));
}

fn validate(dir: &Path, actions: bool) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_promote-action"));
    cmd.args(["validate", ".github/promotion-policy.yml"])
        .current_dir(dir)
        .env_clear();
    if actions {
        cmd.env("GITHUB_ACTIONS", "true");
    }
    let o = cmd.output().expect("binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code().unwrap_or(-1), text)
}

#[test]
fn validate_checks_the_calendar_when_it_is_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gh = dir.path().join(".github");
    std::fs::create_dir_all(&gh).expect("mkdir");
    std::fs::write(gh.join("promotion-policy.yml"), POLICY).expect("write");
    // Not there: valid, with a note that it was not checked.
    let (code, text) = validate(dir.path(), false);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("calendar file `.github/holidays.ics` is not in this checkout"),
        "{text}"
    );
    // There and good.
    std::fs::write(gh.join("holidays.ics"), HOLIDAYS).expect("write");
    let (code, text) = validate(dir.path(), false);
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("not in this checkout"), "{text}");
    // There and broken: the problem is on the calendar's line.
    let broken = HOLIDAYS.replacen("DTEND;VALUE=DATE:20190102", "DTEND;VALUE=DATE:20181231", 1);
    std::fs::write(gh.join("holidays.ics"), broken).expect("write");
    let (code, text) = validate(dir.path(), false);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains(".github/holidays.ics: error: the event ends before it starts at line 7 column 1 (in `DTEND`)."),
        "{text}"
    );
    let (code, text) = validate(dir.path(), true);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("::error file=.github/holidays.ics,line=7,col=1"),
        "{text}"
    );
}

/// A rule as a generator writes it (`BYSECOND=0`) was refused as unsupported; now it opens.
#[test]
fn a_generated_rule_with_bysecond_opens_its_window() {
    let policy = "version: 1
stages:
  QA:
    windows:
      - rrule: \"FREQ=WEEKLY;BYDAY=SA;BYHOUR=10;BYMINUTE=0;BYSECOND=0\"
        duration: 4h
        timezone: Europe/Berlin
";
    // Saturday 2026-12-05, 11:00 in Berlin.
    let (sim, run) = run_with(policy, &[], "2026-12-05T10:00:00Z", false);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "promoted");
    assert_eq!(sim.sim.promotions_applied(), 1);
}

#[test]
fn exdate_and_an_hourly_rule_shape_the_openings() {
    let policy = "version: 1
stages:
  QA:
    windows:
      - rrule: \"FREQ=HOURLY;INTERVAL=2;BYHOUR=8,10,12,14,16;BYDAY=MO,TU,WE,TH,FR\"
        duration: 30m
        timezone: America/New_York
        dtstart: \"2026-01-05T08:00\"
        exdate: [2026-12-24, \"2026-12-28T08:00\"]
    on-window-closed: defer
";
    // Thursday 24 December is left out as a whole: a scheduled run at 10:10 EST defers to
    // Friday 08:00 EST (13:00Z).
    let (_, run) = run_with(policy, &[], "2026-12-24T15:10:00Z", true);
    assert_eq!(run.out("result"), "deferred", "{}", run.stdout);
    assert!(
        run.summary.contains("2026-12-25T13:00:00Z"),
        "{}",
        run.summary
    );
    // Monday 28th: 08:00 is left out, 10:00 opens (15:00Z).
    let (_, run) = run_with(policy, &[], "2026-12-28T13:10:00Z", true);
    assert_eq!(run.out("result"), "deferred", "{}", run.stdout);
    assert!(
        run.summary.contains("2026-12-28T15:00:00Z"),
        "{}",
        run.summary
    );
    let (_, run) = run_with(policy, &[], "2026-12-28T15:10:00Z", false);
    assert_eq!(run.out("result"), "promoted", "{}", run.stdout);
}
