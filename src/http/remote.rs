//! One remote system over HTTP: base URL, bearer token, headers, timeouts, the retry policy and
//! the request log, so typed clients only build paths and read bodies.
//!
//! [`Remote::get`] applies the shared retry policy (see [`super::retry`]);
//! [`Remote::send`] sends a mutation exactly once, and [`Remote::send_unless_rate_limited`]
//! sends it again only when the server said it did not apply it because of a rate limit. Every
//! attempt is logged to the [`RequestRecorder`] when one is attached.

use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::HeaderMap;

use super::error::{Advice, RemoteError, RemoteErrorKind};
use super::log::{RequestLog, RequestRecorder};
use super::{error_body, retry};
use crate::secret::Secret;

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
        }
    }
}

/// Builds the shared reqwest client: UA, timeouts, rustls with webpki roots plus extra CAs.
pub fn build_client(options: &ClientOptions) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
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

/// A request body.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// JSON, sent with `Content-Type: application/json`.
    Json(&'a serde_json::Value),
    /// Text already serialized, with its content type.
    Text {
        /// `Content-Type` header value.
        content_type: &'static str,
        /// The body.
        text: &'a str,
    },
}

/// A complete answer (any status).
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Body text.
    pub text: String,
    /// Response headers.
    pub headers: HeaderMap,
    /// Set when the answer was worth retrying but the server asked to wait this long, longer
    /// than [`ClientOptions::max_retry_after`]: the caller says so instead of the bare status.
    pub wait_refused: Option<Duration>,
}

impl Reply {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The server's own message, from any known error-body shape.
    pub fn server_message(&self) -> Option<String> {
        error_body::message(&self.text)
    }

    /// How long this answer says to wait before sending again, when it is a rate limit.
    pub fn rate_limit_wait(&self) -> Option<Duration> {
        retry::rate_limit_wait(self.status, &self.headers)
    }
}

/// One remote system: where it is, how to authenticate, how to word its failures.
#[derive(Clone)]
pub struct Remote {
    http: reqwest::Client,
    base: String,
    token: Option<Secret>,
    headers: &'static [(&'static str, &'static str)],
    options: ClientOptions,
    advice: &'static Advice,
    recorder: Option<RequestRecorder>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("base", &self.base)
            .field("token", &self.token)
            .finish()
    }
}

/// `METHOD path` without the query, as errors and logs name a call.
pub fn operation(method: &Method, path: &str) -> String {
    format!("{method} {}", path.split('?').next().unwrap_or(path))
}

impl Remote {
    /// A remote at `base` (no trailing slash needed) authenticating with `token`.
    pub fn new(
        http: reqwest::Client,
        base: &str,
        token: Option<Secret>,
        options: ClientOptions,
        advice: &'static Advice,
    ) -> Self {
        Remote {
            http,
            base: base.trim().trim_end_matches('/').to_string(),
            token,
            headers: &[("Accept", "application/json")],
            options,
            advice,
            recorder: None,
        }
    }

    /// Sends these headers with every request (replacing the default `Accept`).
    pub fn with_headers(mut self, headers: &'static [(&'static str, &'static str)]) -> Self {
        self.headers = headers;
        self
    }

    /// Logs every request to `recorder`.
    pub fn with_recorder(mut self, recorder: RequestRecorder) -> Self {
        self.recorder = Some(recorder);
        self
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The options in force.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// The shared HTTP client (same roots and timeouts), for calls outside this remote.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends one request once. Any complete answer is `Ok`, whatever its status; no answer is a
    /// transport or timeout error.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Body<'_>>,
    ) -> Result<Reply, RemoteError> {
        self.send_limited(method, path, body, self.options.max_body)
            .await
    }

    /// [`Remote::send`] reading at most `limit` bytes of the answer.
    async fn send_limited(
        &self,
        method: Method,
        path: &str,
        body: Option<Body<'_>>,
        limit: usize,
    ) -> Result<Reply, RemoteError> {
        let op = operation(&method, path);
        let mut req = self
            .http
            .request(method.clone(), format!("{}{}", self.base, path));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t.expose());
        }
        for (k, v) in self.headers {
            req = req.header(*k, *v);
        }
        match body {
            Some(Body::Json(v)) => req = req.json(v),
            Some(Body::Text { content_type, text }) => {
                req = req
                    .header("Content-Type", content_type)
                    .body(text.to_string())
            }
            None => {}
        }
        let started = Instant::now();
        let outcome = match req.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let headers = resp.headers().clone();
                self.read_body(&op, resp, limit).await.map(|text| Reply {
                    status,
                    text,
                    headers,
                    wait_refused: None,
                })
            }
            Err(e) => Err(self.transport_error(&op, &e)),
        };
        if let Some(r) = &self.recorder {
            r.push(RequestLog {
                method: method.to_string(),
                path: path.to_string(),
                status: outcome.as_ref().ok().map(|r| r.status),
                duration_ms: started.elapsed().as_millis() as u64,
            });
        }
        outcome
    }

    /// The answer body as text, chunk by chunk, refusing more than `limit` bytes.
    async fn read_body(
        &self,
        op: &str,
        mut resp: reqwest::Response,
        limit: usize,
    ) -> Result<String, RemoteError> {
        let too_large = || {
            RemoteError::decode(
                op,
                format!("the answer is larger than {limit} bytes"),
                "; the server sent far more than this call expects",
            )
        };
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| self.transport_error(op, &e))?
        {
            if bytes.len() + chunk.len() > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// A read of at most `limit` bytes (a downloaded file), retried like [`Remote::get`].
    pub async fn get_limited(&self, path: &str, limit: usize) -> Result<Reply, RemoteError> {
        self.read_with(Method::GET, path, None, limit).await
    }

    /// A read: sent again on 408/429/5xx and transport failures, waiting what the server asks
    /// or the backoff, at most [`ClientOptions::max_retries`] times. Returns the last answer.
    pub async fn get(&self, path: &str) -> Result<Reply, RemoteError> {
        self.read(Method::GET, path, None).await
    }

    /// A request that changes nothing (a query sent as POST, such as AQL or GraphQL), retried
    /// like [`Remote::get`].
    pub async fn read(
        &self,
        method: Method,
        path: &str,
        body: Option<Body<'_>>,
    ) -> Result<Reply, RemoteError> {
        self.read_with(method, path, body, self.options.max_body)
            .await
    }

    async fn read_with(
        &self,
        method: Method,
        path: &str,
        body: Option<Body<'_>>,
        limit: usize,
    ) -> Result<Reply, RemoteError> {
        let mut attempt = 0;
        loop {
            let outcome = self.send_limited(method.clone(), path, body, limit).await;
            let backoff = self.options.backoff * 2u32.saturating_pow(attempt);
            let asked = match &outcome {
                Ok(reply) if !retry::retryable(reply.status, &reply.headers) => return outcome,
                Ok(reply) => retry::server_wait(&reply.headers),
                // An answer too large to read will be as large next time.
                Err(e) if e.kind == RemoteErrorKind::Decode => return outcome,
                Err(_) => None,
            };
            if attempt >= self.options.max_retries {
                return outcome;
            }
            if let Some(wait) = asked.filter(|w| *w > self.options.max_retry_after) {
                return outcome.map(|reply| Reply {
                    wait_refused: Some(wait),
                    ..reply
                });
            }
            attempt += 1;
            tokio::time::sleep(asked.unwrap_or(backoff)).await;
        }
    }

    /// A mutation, sent again (at most `max_resends` times) only when the answer is a rate
    /// limit, which the server did not apply; any other answer, or none, is final.
    pub async fn send_unless_rate_limited(
        &self,
        method: Method,
        path: &str,
        body: Option<Body<'_>>,
        max_resends: u32,
    ) -> Result<Reply, RemoteError> {
        let mut resends = 0;
        loop {
            let reply = self.send(method.clone(), path, body).await?;
            match reply.rate_limit_wait() {
                Some(wait) if resends < max_resends && wait <= self.options.max_retry_after => {
                    resends += 1;
                    tokio::time::sleep(wait).await;
                }
                Some(wait) => {
                    return Ok(Reply {
                        wait_refused: Some(wait),
                        ..reply
                    });
                }
                None => return Ok(reply),
            }
        }
    }

    /// The error for a non-success answer: status, the server's message, and this system's advice
    /// (or the "asked to wait too long" advice when the retry was refused).
    pub fn status_error(&self, op: &str, reply: &Reply) -> RemoteError {
        let server = reply
            .server_message()
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        let hint = match reply.wait_refused {
            Some(wait) => self.advice.wait_hint(wait),
            None => (self.advice.status)(reply.status).to_string(),
        };
        RemoteError {
            operation: op.to_string(),
            kind: RemoteErrorKind::Status(reply.status),
            what: format!("HTTP {}{server}", reply.status),
            hint,
        }
    }

    fn transport_error(&self, op: &str, e: &reqwest::Error) -> RemoteError {
        // reqwest's Display includes the URL; ours carry no credentials, but keep messages short.
        let mut what = e.to_string();
        let mut src = std::error::Error::source(e);
        while let Some(s) = src {
            what.push_str(": ");
            what.push_str(&s.to_string());
            src = s.source();
        }
        if e.is_timeout() {
            RemoteError {
                operation: op.to_string(),
                kind: RemoteErrorKind::Timeout,
                what: format!("no answer within {} s", self.options.timeout.as_secs_f32()),
                hint: self.advice.timeout.to_string(),
            }
        } else if e.is_body() || e.is_decode() {
            RemoteError {
                operation: op.to_string(),
                kind: RemoteErrorKind::Transport,
                what: format!("the connection broke while reading the answer ({what})"),
                hint: self.advice.broken.to_string(),
            }
        } else {
            RemoteError::transport(op, what, self.advice.transport)
        }
    }
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

    #[test]
    fn debug_hides_the_token() {
        let r = Remote::new(
            reqwest::Client::new(),
            "https://x.example/",
            Some(Secret::new("s3cr3t".into())),
            ClientOptions::default(),
            &super::super::error::NO_ADVICE,
        );
        assert!(!format!("{r:?}").contains("s3cr3t"));
        assert_eq!(r.base(), "https://x.example");
    }

    #[test]
    fn operations_drop_the_query() {
        assert_eq!(operation(&Method::GET, "/a/b?x=1"), "GET /a/b");
        assert_eq!(operation(&Method::POST, "/a"), "POST /a");
    }
}
