//! What stays fixed while one version is walked ([`Walk`]: AppTrust, the lifecycle, the version,
//! the knobs), apart from the two pieces that act on it: the walk's loop over the stages
//! (`walk.rs`) and one hop's exchange with AppTrust (`hop.rs`). Both build on this file; the
//! loop reads the hop's answer, and the hop knows nothing of the loop.

use std::time::Duration;

use crate::lifecycle::Lifecycle;

/// Tunables of the walk.
#[derive(Debug, Clone)]
pub(crate) struct WalkOptions {
    /// `copy`, `move` or `keep`.
    pub(crate) promotion_type: String,
    /// Repositories, overwrite strategy and artifact properties sent with every hop.
    pub(crate) selection: crate::inputs::Selection,
    /// How long to wait out "promotion already in progress".
    pub(crate) in_progress_wait: Duration,
    /// Poll interval while waiting.
    pub(crate) poll: Duration,
}

/// What stays fixed while one version is walked: AppTrust, the lifecycle, the version and the
/// knobs.
pub(crate) struct Walk<'a, A> {
    /// AppTrust.
    pub(crate) api: &'a A,
    /// The project's lifecycle.
    pub(crate) lifecycle: &'a Lifecycle,
    /// Application key.
    pub(crate) app: &'a str,
    /// The version walked.
    pub(crate) version: &'a str,
    /// Tunables.
    pub(crate) options: &'a WalkOptions,
}
