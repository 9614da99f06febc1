//! The request log: every request a client sent (method, path, status, duration), shared by the
//! clients of one system so the audit record lists them all in order.
//!
//! Only the path and query are kept: credentials never travel in URLs, and bodies are never
//! logged.

use std::sync::{Arc, Mutex};

/// One request made, for the audit record.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct RequestLog {
    /// HTTP method.
    pub(crate) method: String,
    /// Path and query (no credentials ever travel in URLs).
    pub(crate) path: String,
    /// Status, or `None` when no answer came.
    pub(crate) status: Option<u16>,
    /// Wall time in milliseconds.
    pub(crate) duration_ms: u64,
}

/// A shared, append-only list of [`RequestLog`] entries; clones append to the same list.
#[derive(Debug, Clone, Default)]
pub struct RequestRecorder(Arc<Mutex<Vec<RequestLog>>>);

impl RequestRecorder {
    /// Appends one entry.
    pub(crate) fn push(&self, entry: RequestLog) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(entry);
    }

    /// Every entry so far, in the order sent.
    pub(crate) fn entries(&self) -> Vec<RequestLog> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_one_log() {
        let a = RequestRecorder::default();
        let b = a.clone();
        b.push(RequestLog {
            method: "GET".into(),
            path: "/x".into(),
            status: Some(200),
            duration_ms: 1,
        });
        assert_eq!(a.entries().len(), 1);
        assert_eq!(a.entries()[0].path, "/x");
    }
}
