//! Hand-built [`Outcome`]s for unit tests: one builder, so a test names only what its run
//! decided (result, stages, hops, gates) and not the two dozen fields around them that
//! [`Outcome::new`] already fills.

use super::fake;
use super::outcome::{Hop, HopStatus, Outcome, RunResult};
use crate::gates::GateResult;
use crate::inputs::Command;
use crate::jfrog::apptrust::Evaluation;
use crate::lifecycle::{HopAction, Lifecycle};

/// The stages of the bookverse lifecycle ([`fake::lifecycle`]) most tests describe.
pub(crate) use super::fake::{DEV, PROD, QA, STAGING};

/// An [`Outcome`] under construction.
pub(crate) struct OutcomeBuilder(Outcome);

impl OutcomeBuilder {
    /// `command` on `application` `version`, nothing decided yet.
    pub(crate) fn new(command: Command, application: &str, version: &str) -> Self {
        OutcomeBuilder(Outcome::new(command, application, version))
    }

    /// inventory 1.2.0 on the bookverse lifecycle: [`DEV`], [`QA`], [`STAGING`], [`PROD`].
    pub(crate) fn inventory(command: Command) -> Self {
        let mut b = Self::new(command, "inventory", "1.2.0");
        b.0.lifecycle = Some(fake::lifecycle());
        b
    }

    /// The lifecycle of `project`: `stages` in promotion order, the last the release stage.
    pub(crate) fn lifecycle(mut self, project: &str, stages: &[&str]) -> Self {
        self.0.lifecycle = Some(Lifecycle {
            stages: stages.iter().map(|s| s.to_string()).collect(),
            release_stage: stages.last().map(|s| s.to_string()).unwrap_or_default(),
            project: Some(project.into()),
        });
        self
    }

    pub(crate) fn result(mut self, result: RunResult) -> Self {
        self.0.result = result;
        self
    }

    /// Where the version was before the run and where it is after it.
    pub(crate) fn stages(mut self, from: &str, to: &str) -> Self {
        self.0.from_stage = from.into();
        self.0.to_stage = to.into();
        self
    }

    /// The requested target stage.
    pub(crate) fn target(mut self, stage: &str) -> Self {
        self.0.target_stage = Some(stage.into());
        self
    }

    pub(crate) fn hop(mut self, hop: Hop) -> Self {
        self.0.hops.push(hop);
        self
    }

    pub(crate) fn gate(mut self, gate: GateResult) -> Self {
        self.0.gates.push(gate);
        self
    }

    pub(crate) fn build(self) -> Outcome {
        self.0
    }
}

/// A `copy` hop with no measured time, no AppTrust evaluations and no message; a test adds
/// what it looks at with [`Hop::took`], [`Hop::evaluated`] and [`Hop::saying`].
pub(crate) fn hop(from: &str, to: &str, action: HopAction, status: HopStatus) -> Hop {
    Hop {
        from: from.into(),
        to: to.into(),
        action,
        promotion_type: "copy".into(),
        status,
        duration_ms: None,
        evaluations: vec![],
        message: String::new(),
    }
}

impl Hop {
    /// The hop took `ms` milliseconds.
    pub(crate) fn took(mut self, ms: u64) -> Self {
        self.duration_ms = Some(ms);
        self
    }

    /// AppTrust's gate decisions on the hop.
    pub(crate) fn evaluated(mut self, evaluations: Vec<Evaluation>) -> Self {
        self.evaluations = evaluations;
        self
    }

    /// The hop's one-line explanation.
    pub(crate) fn saying(mut self, message: &str) -> Self {
        self.message = message.into();
        self
    }
}
