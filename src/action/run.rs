//! What every command of a run is handed: the inputs, the run context, the settings, the clients
//! and the lifecycle already read. Its own file so that [`super::execute`](mod@super::execute), which builds it, and
//! the commands ([`super::promote`], [`super::rollback`]), which read it, do not import each
//! other.

use super::settings::Settings;
use crate::github::GitHubClient;
use crate::inputs::{Inputs, RunContext};
use crate::jfrog::evidence::EvidenceClient;
use crate::lifecycle::Lifecycle;

/// What every command needs: the inputs, the run context, the settings, AppTrust, JFrog's
/// evidence, GitHub and the lifecycle already read.
pub(super) struct Run<'a, A> {
    pub(super) inputs: &'a Inputs,
    pub(super) ctx: &'a RunContext,
    pub(super) settings: &'a Settings,
    pub(super) api: &'a A,
    pub(super) evidence: &'a EvidenceClient,
    /// The run's one GitHub client (or why there is none).
    pub(super) github: &'a Result<GitHubClient, String>,
    pub(super) lifecycle: &'a Lifecycle,
}
