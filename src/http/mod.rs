//! The one HTTP layer under every remote client (AppTrust, Artifactory, evidence, GitHub).
//!
//! It owns what the clients share: building the reqwest client (rustls with webpki roots plus
//! `SSL_CERT_FILE`, HTTP/2 where the server offers it, user agent, timeouts), the retry policy,
//! the request log that feeds the audit record, the run's network meter (request count and
//! critical path), error-body decoding, bounded reading of bodies ([`transfer`]), the run's
//! redactor on every body in and out, and the error type. Typed clients on top only build
//! paths, read bodies and word their advice.

pub(crate) mod error;
pub(crate) mod error_body;
mod log;
mod meter;
mod options;
mod remote;
pub(crate) mod retry;
pub(crate) mod transfer;

pub use error::RemoteErrorKind;
pub(crate) use error::{Advice, RemoteError};
pub(crate) use log::RequestLog;
pub use log::RequestRecorder;
pub(crate) use meter::{NetworkMeter, NetworkSummary};
pub use options::ClientOptions;
pub(crate) use options::{build_client, build_client_same_host};
pub(crate) use remote::{Body, Remote, Reply, operation};
pub(crate) use transfer::{Bounds, ByteBudget, Hold, MinRate};

/// Percent-encodes everything but RFC 3986 unreserved characters: for URL path segments
/// (versions may carry `+` build metadata) and query values.
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(percent_encode("1.2.3+build.7"), "1.2.3%2Bbuild.7");
        assert_eq!(percent_encode("a/b"), "a%2Fb");
        assert_eq!(percent_encode("bookverse-inventory"), "bookverse-inventory");
    }
}
