//! Walks a version through its lifecycle one stage at a time.
//!
//! For each stage on the path: ask the gate checker, then `/promote` (or `/release` for the
//! release stage), then re-read the version to confirm where it is. A plan judges every stage
//! and sends nothing ([`plan`]). The outcome always says
//! where the version really is: a hop whose answer was lost is verified by re-reading, never
//! retried blindly, so a version is never promoted twice.

pub(crate) mod audit;
pub(crate) mod changes;
#[cfg(test)]
pub(crate) mod fake;
mod hop;
pub mod outcome;
pub(crate) mod plan;
pub(crate) mod retag;
#[cfg(test)]
pub(crate) mod test_outcomes;
mod walk;
mod walker;

pub(crate) use walker::{Walk, WalkOptions};
