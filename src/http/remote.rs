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

use super::ClientOptions;
use super::error::{Advice, RemoteError, RemoteErrorKind};
use super::log::{RequestLog, RequestRecorder};
use super::transfer::{self, Bounds, Hold, Stop};
use super::{error_body, retry};
use crate::secret::{Redactor, Secret};

/// A request body.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// JSON, sent with `Content-Type: application/json`.
    Json(&'a serde_json::Value),
    /// JSON that carries a credential on purpose (the OIDC token exchange), sent as it is: the
    /// one body the redactor does not scrub.
    Credential(&'a serde_json::Value),
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

    /// The server's message cut to `max` characters, as `": message"` to follow a status; empty
    /// when it said nothing.
    pub(crate) fn quoted_message(&self, max: usize) -> String {
        self.server_message()
            .map(|m| format!(": {}", m.chars().take(max).collect::<String>()))
            .unwrap_or_default()
    }

    /// The wait a rate-limited answer asked for (the one the retry refused, when it did);
    /// `None` when the answer is no rate limit.
    pub(crate) fn rate_limited_for(&self) -> Option<Duration> {
        self.rate_limit_wait()
            .map(|wait| self.wait_refused.unwrap_or(wait))
    }

    /// This answer, marked as one the caller was asked to wait `wait` for and would not.
    fn refused(self, wait: Duration) -> Reply {
        Reply {
            wait_refused: Some(wait),
            ..self
        }
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

/// One request as sent: what, where, and how much of the answer to read. Copied into every
/// attempt of a retried read.
#[derive(Clone, Copy)]
struct Call<'a> {
    method: &'a Method,
    path: &'a str,
    body: Option<Body<'a>>,
    limit: usize,
    bounds: Bounds<'a>,
}

/// The answer without the budget it held: for callers that read no bounded body.
fn unheld(outcome: Result<(Reply, Option<Hold>), RemoteError>) -> Result<Reply, RemoteError> {
    outcome.map(|(reply, _)| reply)
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

    /// A remote that is one URL, kept exactly as given (a chat webhook): send to it with the
    /// path `""`.
    pub fn endpoint(
        http: reqwest::Client,
        url: &str,
        options: ClientOptions,
        advice: &'static Advice,
    ) -> Self {
        Remote {
            base: url.trim().to_string(),
            ..Remote::new(http, "", None, options, advice)
        }
    }

    /// The redactor every body and error of this remote passes through.
    pub fn redactor(&self) -> &Redactor {
        &self.options.redactor
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
        unheld(self.once(self.call(&method, path, body)).await)
    }

    /// A call to `path` reading at most [`ClientOptions::max_body`] bytes, with no other bound.
    fn call<'a>(&self, method: &'a Method, path: &'a str, body: Option<Body<'a>>) -> Call<'a> {
        Call {
            method,
            path,
            body,
            limit: self.options.max_body,
            bounds: Bounds::default(),
        }
    }

    /// Sends `call` once, reading at most its `limit` bytes of the answer within its `bounds`.
    async fn once(&self, call: Call<'_>) -> Result<(Reply, Option<Hold>), RemoteError> {
        let Call {
            method,
            path,
            body,
            limit,
            bounds,
        } = call;
        let op = operation(method, path);
        let mut req = self
            .http
            .request(method.clone(), format!("{}{}", self.base, path))
            .timeout(self.options.timeout);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t.expose());
        }
        for (k, v) in self.headers {
            req = req.header(*k, *v);
        }
        // Every body leaves through the redactor: no secret is sent anywhere, whatever text
        // (a server's echo, a report) ended up in it.
        let redact = |text: &str| self.options.redactor.redact(text).into_owned();
        match body {
            Some(Body::Json(v)) => {
                req = req
                    .header("Content-Type", "application/json")
                    .body(redact(&v.to_string()))
            }
            Some(Body::Text { content_type, text }) => {
                req = req.header("Content-Type", content_type).body(redact(text))
            }
            Some(Body::Credential(v)) => req = req.json(v),
            None => {}
        }
        let started = Instant::now();
        let mut version = None;
        let outcome = match req.send().await {
            Ok(resp) => {
                version = Some(resp.version());
                let status = resp.status().as_u16();
                let headers = resp.headers().clone();
                self.read_body(&op, resp, limit, bounds)
                    .await
                    .map(|(text, hold)| {
                        let reply = Reply {
                            status,
                            text,
                            headers,
                            wait_refused: None,
                        };
                        (reply, hold)
                    })
            }
            Err(e) => Err(self.transport_error(&op, &e)),
        };
        self.options.meter.record(started, version);
        if let Some(r) = &self.recorder {
            r.push(RequestLog {
                method: method.to_string(),
                path: path.to_string(),
                status: outcome.as_ref().ok().map(|(r, _)| r.status),
                duration_ms: started.elapsed().as_millis() as u64,
            });
        }
        outcome
    }

    /// The answer body as text, chunk by chunk, within `limit` and `bounds`.
    async fn read_body(
        &self,
        op: &str,
        mut resp: reqwest::Response,
        limit: usize,
        bounds: Bounds<'_>,
    ) -> Result<(String, Option<Hold>), RemoteError> {
        let (bytes, hold) = transfer::read(&mut resp, limit, bounds)
            .await
            .map_err(|stop| match stop {
                Stop::TooLarge => RemoteError::decode(
                    op,
                    format!("the answer is larger than {limit} bytes"),
                    "; the server sent far more than this call expects",
                ),
                Stop::Budget(what) | Stop::TooSlow(what) => {
                    RemoteError::new(RemoteErrorKind::Limit, op, what, "")
                }
                Stop::Transport(e) => self.transport_error(op, &e),
            })?;
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        // Scrubbed before anyone parses, quotes or shortens it: a server that echoes a token
        // cannot get it (or, cut short, part of it) into a message.
        Ok((self.options.redactor.redact_owned(text), hold))
    }

    /// A read of at most `limit` bytes (a downloaded file), retried like [`Remote::get`].
    pub async fn get_limited(&self, path: &str, limit: usize) -> Result<Reply, RemoteError> {
        let call = Call {
            limit,
            ..self.call(&Method::GET, path, None)
        };
        unheld(self.retried(call).await)
    }

    /// A read of at most `limit` bytes within `bounds` (a byte budget shared with other reads,
    /// a minimum rate), retried like [`Remote::get`] but never when a bound cut it short.
    /// Returns the answer with the budget it holds; drop both together.
    pub async fn get_bounded(
        &self,
        path: &str,
        limit: usize,
        bounds: Bounds<'_>,
    ) -> Result<(Reply, Option<Hold>), RemoteError> {
        let call = Call {
            limit,
            bounds,
            ..self.call(&Method::GET, path, None)
        };
        self.retried(call).await
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
        unheld(self.retried(self.call(&method, path, body)).await)
    }

    /// Sends `call` as a read (see [`Remote::get`]).
    async fn retried(&self, call: Call<'_>) -> Result<(Reply, Option<Hold>), RemoteError> {
        let mut attempt = 0;
        loop {
            let outcome = self.once(call).await;
            let backoff = self.options.backoff * 2u32.saturating_pow(attempt);
            let asked = match &outcome {
                Ok((reply, _)) if !retry::retryable(reply.status, &reply.headers) => {
                    return outcome;
                }
                Ok((reply, _)) => retry::server_wait(&reply.headers),
                // An answer too large (or too slow) to read will be so next time.
                Err(e) if matches!(e.kind, RemoteErrorKind::Decode | RemoteErrorKind::Limit) => {
                    return outcome;
                }
                Err(_) => None,
            };
            if attempt >= self.options.max_retries {
                return outcome;
            }
            if let Some(wait) = asked.filter(|w| *w > self.options.max_retry_after) {
                return outcome.map(|(reply, hold)| (reply.refused(wait), hold));
            }
            // The failed attempt's budget is given back before waiting.
            drop(outcome);
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
                Some(wait) => return Ok(reply.refused(wait)),
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
        RemoteError::new(
            RemoteErrorKind::Status(reply.status),
            op,
            format!("HTTP {}{server}", reply.status),
            hint,
        )
    }

    fn transport_error(&self, op: &str, e: &reqwest::Error) -> RemoteError {
        // reqwest's Display includes the URL, which for a webhook is the secret.
        let mut what = e.to_string();
        let mut src = std::error::Error::source(e);
        while let Some(s) = src {
            what.push_str(": ");
            what.push_str(&s.to_string());
            src = s.source();
        }
        let what = self.options.redactor.redact_owned(what);
        if e.is_timeout() {
            RemoteError::new(
                RemoteErrorKind::Timeout,
                op,
                format!("no answer within {} s", self.options.timeout.as_secs_f32()),
                self.advice.timeout,
            )
        } else if e.is_body() || e.is_decode() {
            RemoteError::transport(
                op,
                format!("the connection broke while reading the answer ({what})"),
                self.advice.broken,
            )
        } else {
            RemoteError::transport(op, what, self.advice.transport)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
