//! Retried tests, the names of every failing test, and which test names a gate's quarantine
//! globs met — what [`super::Tally`] learns besides the counts.
//!
//! **Retries.** Runners that rerun failed tests write each attempt their own way: Maven Surefire
//! (`rerunFailingTestsCount`) keeps one `<testcase>` with `<flakyFailure>`/`<flakyError>`
//! children for a test that passed on a rerun (and `<rerunFailure>`s beside the `<failure>` of
//! one that never did); pytest-rerunfailures writes one `<testcase>` per attempt with the same
//! classname and name; TRX and NUnit files merged from retried runs repeat the test id or full
//! name. A test counts once, by its last attempt: a reader names each case it counts
//! ([`Tally::begin`]) with a key that identifies the test within its file, and an attempt whose
//! key was one of the last [`RECENT`] cases of the file replaces that case's count. A test that
//! passed after an earlier attempt (or with Surefire's flaky marks) is listed as flaky. Keys are
//! compared within one file only: the same test in two files (two platforms, two forks) is two
//! tests. Remembering a window, not every key, keeps memory flat in the number of tests; the
//! attempts of a test sit close together in every report seen (pytest-xdist's included).
//!
//! **Failing names.** The first [`MAX_LISTED`] failed cases are kept whole for annotations; the
//! full name of every other failing test is kept too, up to [`MAX_FAILING_NAMES`], for the
//! regression comparison and our attestation ([`crate::gates::regressions`]).
//!
//! **Name probe.** With a quarantine, the reader tells which of its globs matched any test at
//! all, passing or failing (an entry matching nothing is stale and said so).

use std::collections::VecDeque;

use globset::GlobSet;

use super::{FailedCase, FailureKind, MAX_LISTED, Tally, Verdict};

/// Cases of a file remembered for recognising another attempt of the same test.
pub(crate) const RECENT: usize = 256;
/// Failing tests whose full name is kept (per gate).
pub(crate) const MAX_FAILING_NAMES: usize = 10_000;
/// Flaky tests listed by name (all are counted).
pub(crate) const MAX_FLAKY_LISTED: usize = 100;

/// The full name of a test as the job summary prints it: `classname::name`, or the name alone.
pub(crate) fn full_name(classname: &str, name: &str) -> String {
    if classname.is_empty() {
        name.to_string()
    } else {
        format!("{classname}::{name}")
    }
}

impl FailedCase {
    /// The test's full name as the summary prints it.
    pub(crate) fn full_name(&self) -> String {
        full_name(&self.classname, &self.name)
    }
}

/// One counted attempt of a named case.
#[derive(Debug, Default)]
pub(crate) struct Attempt {
    key: String,
    name: String,
    verdict: Option<Verdict>,
    /// Id of the failed case (or failing name) it added, to take back.
    case: Option<u64>,
    attempts: u32,
    flaky_mark: bool,
}

/// What the tally remembers about attempts, failing names and the name probe.
#[derive(Debug, Default)]
pub(crate) struct Attempts {
    current: Option<Attempt>,
    recent: VecDeque<Attempt>,
    /// Ids of [`Tally::failed`], in step; `u64::MAX` marks a case a later attempt replaced.
    failed_ids: Vec<u64>,
    /// Full names of failing tests past the listed ones, with their ids.
    more_failing: Vec<(u64, String)>,
    next_id: u64,
    /// Names of flaky tests (the first [`MAX_FLAKY_LISTED`]).
    pub(crate) flaky: Vec<String>,
    pub(crate) flaky_total: u64,
    /// Attempts that were replaced by a later one.
    pub(crate) reruns: u64,
    probe: Option<GlobSet>,
    /// For each glob of the probe, whether some test name matched it.
    pub(crate) probe_hits: Vec<bool>,
}

impl Attempts {
    /// Checks every test name against `globs` (a quarantine's).
    pub(crate) fn with_probe(globs: GlobSet) -> Attempts {
        Attempts {
            probe_hits: vec![false; globs.len()],
            probe: Some(globs),
            ..Attempts::default()
        }
    }
}

impl Tally {
    /// Starts counting a named case: `key` identifies the test within the file (attempts with the
    /// same key are one test), `classname`/`name` make its full name. Call it just before the
    /// case is counted; a case counted without it is anonymous (no retry, no probe).
    pub(crate) fn begin(&mut self, key: &str, classname: &str, name: &str) {
        self.commit();
        let mut next = if self.attempts.recent.len() >= RECENT {
            self.attempts.recent.pop_front().map(|old| self.settle(old))
        } else {
            None
        }
        .unwrap_or_default();
        next.key.clear();
        next.key.push_str(key);
        next.name.clear();
        if classname.is_empty() {
            next.name.push_str(name);
        } else {
            next.name.push_str(classname);
            next.name.push_str("::");
            next.name.push_str(name);
        }
        next.verdict = None;
        next.case = None;
        next.attempts = 1;
        next.flaky_mark = false;
        self.probe(&next.name);
        if let Some(i) = self.attempts.recent.iter().position(|a| a.key == key) {
            if let Some(earlier) = self.attempts.recent.remove(i) {
                self.take_back(&earlier);
                next.attempts = earlier.attempts + 1;
                next.flaky_mark = earlier.flaky_mark;
                self.attempts.reruns += 1;
            }
        }
        self.attempts.current = Some(next);
    }

    /// A test whose name is known but that is never retried by its format: only the probe sees it.
    pub(crate) fn named(&mut self, classname: &str, name: &str) {
        if self.attempts.probe.is_some() {
            self.probe(&full_name(classname, name));
        }
    }

    /// Whether test names are being matched against a quarantine's globs (readers that skip
    /// passing tests' names read them only then).
    pub(crate) fn probing(&self) -> bool {
        self.attempts.probe.is_some()
    }

    /// Removes the listed failed case at `i` (a reader that replaces a verdict itself: go test).
    pub(crate) fn forget_failed(&mut self, i: usize) {
        if i < self.failed.len() {
            self.failed.remove(i);
            if i < self.attempts.failed_ids.len() {
                self.attempts.failed_ids.remove(i);
            }
        }
    }

    /// The case being counted failed an earlier attempt the report marks as such (Surefire's
    /// `<flakyFailure>`): if it passed, it is flaky.
    pub(crate) fn mark_flaky(&mut self) {
        if let Some(a) = &mut self.attempts.current {
            a.flaky_mark = true;
        }
    }

    fn probe(&mut self, name: &str) {
        if let Some(set) = &self.attempts.probe {
            for i in set.matches(name) {
                if let Some(hit) = self.attempts.probe_hits.get_mut(i) {
                    *hit = true;
                }
            }
        }
    }

    /// Records the verdict of the case being counted (its first count only).
    pub(super) fn note_verdict(&mut self, v: Verdict) {
        if let Some(a) = &mut self.attempts.current {
            if a.verdict.is_none() {
                a.verdict = Some(v);
            }
        }
    }

    /// Keeps a failed case: whole while fewer than [`MAX_LISTED`] are, else its full name only.
    pub(super) fn keep(&mut self, case: FailedCase) {
        let id = self.attempts.next_id;
        self.attempts.next_id += 1;
        if self.attempts.current.is_none() && self.probing() {
            // An anonymous case (its format is never retried): only the probe needs its name.
            self.probe(&case.full_name());
        }
        if let Some(a) = &mut self.attempts.current {
            if a.case.is_none() && matches!(a.verdict, Some(Verdict::Failed(_))) {
                a.case = Some(id);
            }
        }
        if self.failed.len() < MAX_LISTED {
            self.failed.push(case);
            self.attempts.failed_ids.push(id);
        } else if self.attempts.more_failing.len() + MAX_LISTED < MAX_FAILING_NAMES {
            self.attempts.more_failing.push((id, case.full_name()));
        }
    }

    /// Whether a failed case's details are still wanted (whole, or its name).
    pub(super) fn wants_case(&self) -> bool {
        self.failed.len() + self.attempts.more_failing.len() < MAX_FAILING_NAMES
    }

    /// Undoes what an earlier attempt counted.
    fn take_back(&mut self, earlier: &Attempt) {
        let c = &mut self.counts;
        match earlier.verdict {
            None => return,
            Some(Verdict::Passed) => {}
            Some(Verdict::Skipped) => c.skipped = c.skipped.saturating_sub(1),
            Some(Verdict::Failed(FailureKind::Failure)) => {
                c.failures = c.failures.saturating_sub(1)
            }
            Some(Verdict::Failed(FailureKind::Error)) => c.errors = c.errors.saturating_sub(1),
        }
        c.tests = c.tests.saturating_sub(1);
        if let Some(id) = earlier.case {
            if let Some(slot) = self.attempts.failed_ids.iter_mut().find(|i| **i == id) {
                *slot = u64::MAX;
            }
            self.attempts.more_failing.retain(|(i, _)| *i != id);
        }
    }

    /// Moves the case being counted into the window.
    fn commit(&mut self) {
        if let Some(a) = self.attempts.current.take() {
            self.attempts.recent.push_back(a);
        }
    }

    /// A case leaves the window: its last attempt stands; returned for reuse.
    fn settle(&mut self, a: Attempt) -> Attempt {
        let retried = a.attempts > 1 || a.flaky_mark;
        if retried && a.verdict == Some(Verdict::Passed) {
            self.attempts.flaky_total += 1;
            if self.attempts.flaky.len() < MAX_FLAKY_LISTED {
                self.attempts.flaky.push(a.name.clone());
            }
        }
        a
    }

    /// Ends a file: every remembered case settles and replaced failures leave the list.
    pub(crate) fn end_file(&mut self) {
        self.commit();
        while let Some(a) = self.attempts.recent.pop_front() {
            self.settle(a);
        }
        if self.attempts.failed_ids.contains(&u64::MAX) {
            let ids = std::mem::take(&mut self.attempts.failed_ids);
            let cases = std::mem::take(&mut self.failed);
            for (id, case) in ids.into_iter().zip(cases) {
                if id != u64::MAX {
                    self.attempts.failed_ids.push(id);
                    self.failed.push(case);
                }
            }
        }
    }

    /// Full names of every failing test kept: the listed ones, then the others.
    pub(crate) fn failing_names(&self) -> Vec<String> {
        self.failed
            .iter()
            .map(FailedCase::full_name)
            .chain(self.attempts.more_failing.iter().map(|(_, n)| n.clone()))
            .collect()
    }

    /// The counts as they stand (for tests of this module).
    #[cfg(test)]
    fn now(&self) -> super::TestCounts {
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(name: &str) -> FailedCase {
        FailedCase {
            suite: String::new(),
            classname: "c".into(),
            name: name.into(),
            kind: FailureKind::Failure,
            message: String::new(),
            file: None,
            line: None,
            trace: String::new(),
        }
    }

    fn fail(t: &mut Tally, name: &str) {
        t.begin(name, "c", name);
        if t.fail(FailureKind::Failure) {
            t.push(case(name));
        }
    }

    fn pass(t: &mut Tally, name: &str) {
        t.begin(name, "c", name);
        t.pass();
    }

    #[test]
    fn attempts_count_once_by_the_last_and_a_late_pass_is_flaky() {
        let mut t = Tally::default();
        fail(&mut t, "a");
        fail(&mut t, "a");
        pass(&mut t, "a"); // flaky
        pass(&mut t, "b");
        pass(&mut t, "b"); // a rerun recorded as passed twice (pytest-rerunfailures)
        fail(&mut t, "c");
        fail(&mut t, "c"); // failed every attempt
        pass(&mut t, "d");
        t.end_file();
        assert_eq!(
            t.now(),
            super::super::TestCounts {
                tests: 4,
                failures: 1,
                errors: 0,
                skipped: 0
            }
        );
        assert_eq!(t.attempts.flaky, vec!["c::a", "c::b"]);
        assert_eq!(t.attempts.reruns, 4);
        assert_eq!(t.failing_names(), vec!["c::c"]);
        assert_eq!(t.failed.len(), 1);
    }

    #[test]
    fn surefire_flaky_marks_count_and_other_files_are_other_tests() {
        let mut t = Tally::default();
        t.begin("x", "c", "x");
        t.mark_flaky();
        t.pass();
        t.end_file();
        fail(&mut t, "x");
        t.end_file();
        assert_eq!(t.attempts.flaky, vec!["c::x"]);
        assert_eq!(t.now().tests, 2);
        assert_eq!(t.now().failures, 1);
    }

    #[test]
    fn names_past_the_listed_failures_are_kept_and_bounded() {
        let mut t = Tally::default();
        for i in 0..(MAX_FAILING_NAMES + 50) {
            fail(&mut t, &format!("t{i}"));
        }
        t.end_file();
        assert_eq!(t.failed.len(), MAX_LISTED);
        let names = t.failing_names();
        assert_eq!(names.len(), MAX_FAILING_NAMES);
        assert_eq!(names[MAX_LISTED], format!("c::t{MAX_LISTED}"));
        assert_eq!(t.now().failures as usize, MAX_FAILING_NAMES + 50);
    }

    #[test]
    fn the_probe_sees_passing_and_failing_names() {
        let mut b = globset::GlobSetBuilder::new();
        for g in ["c::a*", "nothing::*", "*::d"] {
            b.add(globset::Glob::new(g).unwrap());
        }
        let mut t = Tally {
            attempts: Attempts::with_probe(b.build().unwrap()),
            ..Tally::default()
        };
        pass(&mut t, "a1");
        t.named("", "z");
        fail(&mut t, "d");
        t.end_file();
        assert_eq!(t.attempts.probe_hits, vec![true, false, true]);
    }
}
