//! Everything the action tells the runner and the people reading it.
//!
//! Renderers are pure (`Outcome` → `String`); the only I/O is appending to the files the runner
//! names, in [`outputs::append_file`].

pub mod commands;
pub mod markdown;
pub mod outputs;
pub mod record;
pub mod summary;
pub mod terminal;

/// The AppTrust UI page of a version. [INFERRED] from the JFrog platform UI's routes
/// (`/ui/apptrust/applications/<app>/versions/<version>`); not a documented API.
pub fn apptrust_version_url(jfrog_url: &str, application: &str, version: &str) -> Option<String> {
    if jfrog_url.trim().is_empty() || application.is_empty() || version.is_empty() {
        return None;
    }
    Some(format!(
        "{}/ui/apptrust/applications/{}/versions/{}",
        jfrog_url.trim().trim_end_matches('/'),
        crate::http::percent_encode(application),
        crate::http::percent_encode(version)
    ))
}
