//! The options every remote shares: timeouts, retries, the largest body read, extra CA
//! certificates and the run's redactor — and the one reqwest client built from them (rustls
//! with webpki roots plus `SSL_CERT_FILE`, user agent, timeouts).

use std::time::Duration;

use crate::secret::Redactor;

/// Tunables, injectable so tests run fast.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries of idempotent requests.
    pub max_retries: u32,
    /// First backoff; doubles per retry.
    pub backoff: Duration,
    /// Longest wait a server may ask for (`Retry-After`, rate-limit reset); longer waits fail
    /// with a clear message instead of stalling the job.
    pub max_retry_after: Duration,
    /// Extra PEM CA certificates (self-hosted JFrog with a private CA).
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Largest answer body read; a longer one is an error, so a hostile or broken server cannot
    /// exhaust memory. Callers with tighter needs pass their own limit.
    pub max_body: usize,
    /// The run's secrets: scrubbed from every body sent, every answer read and every error
    /// worded here (see [`crate::secret`]).
    pub redactor: Redactor,
    /// The run's network meter: every request of every remote built with these options.
    pub meter: super::NetworkMeter,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(30),
            max_retries: 3,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(60),
            extra_ca_pem: None,
            max_body: 64 * 1024 * 1024,
            redactor: Redactor::default(),
            meter: super::NetworkMeter::default(),
        }
    }
}

/// Builds the shared reqwest client: UA, timeouts, rustls with webpki roots plus extra CAs.
pub(crate) fn build_client(options: &ClientOptions) -> Result<reqwest::Client, String> {
    build_with(options, reqwest::redirect::Policy::default())
}

/// Like [`build_client`], following redirects only on the same host (and scheme, or from
/// `http` up to `https`), at most five: for URLs a policy names (health endpoints, monitoring
/// APIs), where a redirect elsewhere must be seen, not silently followed.
pub(crate) fn build_client_same_host(options: &ClientOptions) -> Result<reqwest::Client, String> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first().cloned() else {
            return attempt.stop();
        };
        if attempt.previous().len() > 5 {
            return attempt.stop();
        }
        let next = attempt.url();
        let same_host = next.host_str() == first.host_str();
        let scheme_ok = next.scheme() == first.scheme()
            || (first.scheme() == "http" && next.scheme() == "https");
        if same_host && scheme_ok {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    build_with(options, policy)
}

fn build_with(
    options: &ClientOptions,
    redirect: reqwest::redirect::Policy,
) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .redirect(redirect)
        .user_agent(concat!("promote-action/", env!("CARGO_PKG_VERSION")))
        .timeout(options.timeout)
        .connect_timeout(Duration::from_secs(10).min(options.timeout));
    if let Some(pem) = &options.extra_ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| format!("SSL_CERT_FILE holds no usable PEM certificate: {e}"))?;
        if certs.is_empty() {
            return Err(
                "SSL_CERT_FILE holds no PEM certificate: point it at a PEM bundle of your JFrog CA"
                    .into(),
            );
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_extra_ca_is_reported() {
        let options = ClientOptions {
            extra_ca_pem: Some(b"not a pem".to_vec()),
            ..ClientOptions::default()
        };
        let err = build_client(&options).unwrap_err();
        assert!(err.contains("SSL_CERT_FILE"), "{err}");
    }
}
