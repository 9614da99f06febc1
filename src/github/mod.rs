//! GitHub, the client only: the REST client ([`client`]), what the gates read from it
//! ([`reads`]: check runs and approvals; [`stop_issues`] for the emergency stop;
//! [`attestations`] for GitHub's artifact attestations), each answer as plain data.
//!
//! Built on the shared HTTP layer ([`crate::http`]); nothing here knows about JFrog, a gate, a
//! decision or a report. The client is built once per run (`action/github.rs`); the GitHub-side
//! reports are worded in [`crate::report::github`], which sends them through it.

pub(crate) mod attestations;
pub(crate) mod changes;
pub(crate) mod client;
pub(crate) mod reads;
pub(crate) mod stop_issues;

pub(crate) use attestations::{AttestationScope, ListedBundle};
pub(crate) use client::ApiError;
pub use client::GitHubClient;
pub(crate) use reads::head_sha;
