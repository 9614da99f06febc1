//! GitHub: the REST client ([`client`]), what the gates read from it ([`reads`], and [`stop`]
//! for the emergency stop) and what the action reports to it ([`report`]: check run,
//! deployments, failure issue, webhook).
//!
//! Built on the shared HTTP layer ([`crate::http`]); nothing here knows about JFrog.

pub mod attestations;
pub mod changes;
pub mod client;
pub mod reads;
pub mod report;
pub mod stop;

pub use attestations::{AttestationScope, ListedBundle};
pub use client::{ApiError, GitHubClient};
pub use reads::head_sha;
