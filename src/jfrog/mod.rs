//! The JFrog platform's clients, one room per service: [`apptrust`] for AppTrust and the Access
//! lifecycle (versions, promotions, the OIDC exchange) and [`evidence`] for JFrog's evidence
//! service (AQL, GraphQL, downloads, uploads). Both stand on [`crate::http`] and import nothing
//! above them; JFrog's evidence *records* are read here, the report files a workflow writes are
//! read in [`crate::reports`].

pub mod apptrust;
pub mod evidence;
