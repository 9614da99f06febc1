//! Validation of a tests gate (`tests:` or its older name `junit:`): its paths and bounds, the
//! regression bound `max-new-failures`, and each `quarantine` entry (a glob that compiles, a
//! date, a reason).

use super::Ctx;
use crate::policy::error::PolicyError;
use crate::policy::locate::{At, KeyPath};
use crate::policy::model::{GateSpec, Quarantine, TestsKey};
use crate::policy::raw_gates::{RawJunit, RawQuarantine};

impl Ctx<'_> {
    /// A tests gate's settings, at `p` (`…gates[i].tests`).
    pub(super) fn tests_gate(
        &self,
        p: &KeyPath,
        key: TestsKey,
        t: RawJunit,
    ) -> Result<GateSpec, PolicyError> {
        let paths = self.paths(&p.key("paths"), t.paths, true)?;
        let mut quarantine = Vec::new();
        let mut errors = Vec::new();
        if let Some(entries) = t.quarantine {
            let qp = p.key("quarantine");
            for (i, q) in entries.into_iter().enumerate() {
                match self.quarantine_entry(&qp.index(i), q) {
                    Ok(q) => quarantine.push(q),
                    Err(e) => errors.push(e),
                }
            }
        }
        // Every bad entry is reported, each at its line; the gate is not kept.
        if let Some(last) = errors.pop() {
            for e in errors {
                self.report(e);
            }
            return Err(last);
        }
        Ok(GateSpec::Junit {
            key,
            paths,
            max_failures: t.max_failures,
            min_tests: t.min_tests,
            max_new_failures: t.max_new_failures,
            quarantine,
        })
    }

    fn quarantine_entry(&self, p: &KeyPath, q: RawQuarantine) -> Result<Quarantine, PolicyError> {
        let test = self.non_empty(&p.key("test"), &q.test, "a glob on the full test name")?;
        let reason = self.non_empty(
            &p.key("reason"),
            &q.reason,
            "why the test is quarantined and who owns the fix",
        )?;
        let entry = Quarantine {
            test,
            until: q.until.trim().to_string(),
            reason,
        };
        if let Err(e) = entry.glob() {
            return Err(self.invalid(
                &p.key("test"),
                At::Value,
                format!("`{}` is not a valid glob: {}", entry.test, e.kind()),
                "Write a glob on the full test name as the job summary prints it, e.g. `com.example.NetworkTest::*` or `tests.test_api::test_upload*`; escape a literal `*`, `?`, `[` or `{` with a backslash.",
            ));
        }
        if entry.last_day().is_none() {
            return Err(self.invalid(
                &p.key("until"),
                At::Value,
                format!("`until: {}` is not a date", entry.until),
                "Write the last day the quarantine holds as `YYYY-MM-DD` (UTC), e.g. `until: 2026-12-31`; a quarantine always ends.",
            ));
        }
        Ok(entry)
    }
}
