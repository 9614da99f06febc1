//! Calendar windows and freezes (RFC 5545 RRULE) through the binary: open, closed with the next
//! opening computed from the rule, frozen by a recurring freeze, an opening inside a
//! spring-forward gap, and an invalid rule reported with its line, column and part.

use crate::common::{Action, Run, Sim};

const APP: &str = "bookverse-inventory";

const CALENDAR: &str = "version: 1
stages:
  QA:
    windows:
      - rrule: \"FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10\"
        duration: 4h
        timezone: Europe/Berlin
    freezes:
      - rrule: \"FREQ=MONTHLY;BYDAY=-1FR\"
        duration: 24h
        timezone: America/New_York
        reason: month-end close
    on-window-closed: defer
";

fn run_at(policy: &str, now: &str, scheduled: bool) -> (Sim, Run) {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(".github/promotion-policy.yml", policy)
        .env("PROMOTE_ACTION_NOW", now);
    if scheduled {
        a.env("GITHUB_EVENT_NAME", "schedule");
    }
    let run = a.run();
    (sim, run)
}

#[test]
fn inside_the_first_saturday_window_the_version_is_promoted() {
    // Saturday 2026-12-05, 11:00 in Berlin (CET, UTC+1).
    let (_, run) = run_at(CALENDAR, "2026-12-05T10:00:00Z", false);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "promoted");
    assert!(run.stdout.contains("QA · windows: open"), "{}", run.stdout);
}

#[test]
fn a_scheduled_run_after_the_window_defers_to_the_next_opening_of_the_rule() {
    // 15:00 in Berlin on the first Saturday: closed; next: Saturday 2027-01-02 10:00 CET.
    let (sim, run) = run_at(CALENDAR, "2026-12-05T14:00:00Z", true);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "deferred");
    assert!(
        run.summary.contains("2027-01-02T09:00:00Z"),
        "{}",
        run.summary
    );
    assert_eq!(sim.sim.promotions_applied(), 0);
}

#[test]
fn a_recurring_freeze_blocks_on_the_last_friday() {
    // Friday 2026-11-27, the last Friday of November, 07:00 in New York.
    let (sim, run) = run_at(CALENDAR, "2026-11-27T12:00:00Z", false);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.out("failed-gates"), "freezes");
    assert!(
        run.out("gates").contains("month-end close"),
        "{}",
        run.out("gates")
    );
    assert_eq!(sim.sim.promotions_applied(), 0);
}

const SPRING: &str = "version: 1
stages:
  QA:
    windows:
      - rrule: \"FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;BYHOUR=2;BYMINUTE=30\"
        duration: 1h
        timezone: Europe/Berlin
";

#[test]
fn an_opening_in_the_spring_forward_gap_opens_when_the_clock_jumps() {
    // 2027-03-28: Berlin jumps from 02:00 CET to 03:00 CEST (01:00Z). 02:30 does not exist:
    // the window opens at the jump and closes at 03:30 CEST (01:30Z).
    for (now, open) in [
        ("2027-03-28T00:50:00Z", false), // 01:50 CET, before the jump
        ("2027-03-28T01:00:00Z", true),  // the jump: 03:00 CEST
        ("2027-03-28T01:20:00Z", true),  // 03:20 CEST
        ("2027-03-28T01:30:00Z", false), // 03:30 CEST, the wall-clock end
    ] {
        let (_, run) = run_at(SPRING, now, false);
        assert_eq!(
            run.out("result"),
            if open { "promoted" } else { "blocked" },
            "{now}: {}",
            run.out("gates")
        );
    }
}

#[test]
fn an_invalid_rule_is_a_policy_error_with_its_position_and_part() {
    let bad = CALENDAR.replace("BYDAY=1SA", "BYDAY=1XX");
    let (sim, run) = run_at(&bad, "2026-12-05T10:00:00Z", false);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let error = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error"))
        .expect("::error");
    assert!(error.contains("at line 5 column 30"), "{error}");
    assert!(error.contains("BYDAY") && error.contains("1XX"), "{error}");
    assert!(
        sim.sim.requests().is_empty(),
        "a policy error stops before any request"
    );
}
