//! Injected misbehaviour, so the client's retry and error handling can be tested against a
//! server that fails in controlled, repeatable ways.
//!
//! A fault matches on method (any when `None`) and on a substring of `path?query`; the first
//! matching fault wins and `times` counts down (`None` = forever). What each kind does:
//! - `status`: answer `code` (with `Retry-After` when given) without running the handler.
//! - `delay`: wait `ms`, then answer normally.
//! - `drop_before_apply`: change nothing, send headers and part of a body, then cut the connection.
//! - `drop_after_apply`: run the handler (the change lands), then cut the connection the same way.
//! - `malformed_json`, `truncated_json`: run the handler (the change lands), then replace the body
//!   by invalid JSON, or by the first half of the real body (a complete HTTP message).
//! - `upper_case_enums`: upper-case string values of enum-like keys ([`ENUM_KEYS`]).
//! - `missing_fields`: remove the keys a client decides on ([`MISSING_FIELDS`]) at every depth.
//! - `extra_fields`: add unknown keys to every JSON object.
//! - `echo`: answer `code` with an error body quoting the request's bearer token, in one of the
//!   shapes JFrog and GitHub send (`jfrog`, `message`, `graphql`, `text`, `long`: the token
//!   after 290 characters, where a shortened message would cut it, and `escaped`: the token in
//!   JSON `\uXXXX` escapes) — a server that echoes credentials, for the redaction tests.
//! - `drip`: run the handler, then send its body `bytes` at a time every `every_ms`
//!   milliseconds; with `endless`, never end it (after the body, whitespace forever).
//!
//! Faults are applied before authentication, and every application is noted in the request log.
//!
//! The JSON form (used by `POST /_sim/faults`) is flat:
//! `{"method":"POST","path_contains":"/promote","kind":"status","code":503,"retry_after":1,"times":2}`.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// Keys whose string values are enums in the AppTrust API.
pub(crate) const ENUM_KEYS: &[&str] = &[
    "status",
    "release_status",
    "decision",
    "promotion_type",
    "version_release_status",
    "scope",
    "category",
    "maturity",
    "criticality",
];

/// Keys removed by [`FaultKind::MissingFields`]: the ones a promotion decision depends on.
pub(crate) const MISSING_FIELDS: &[&str] = &[
    "current_stage",
    "release_status",
    "status",
    "versions",
    "version",
    "source_stage",
    "target_stage",
    "evaluations",
    "releasables",
    "sha256",
    "application_version_sha256",
    "categories",
    "stages",
    "release_stage",
    "promotions",
    "access_token",
    "evidence",
    "rollback_to_stage",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub path_contains: String,
    #[serde(flatten)]
    pub kind: FaultKind,
    #[serde(default)]
    pub times: Option<u32>,
}

impl Fault {
    /// A fault on every method for paths containing `path_contains`, applied forever.
    pub fn on(path_contains: impl Into<String>, kind: FaultKind) -> Self {
        Self {
            method: None,
            path_contains: path_contains.into(),
            kind,
            times: None,
        }
    }
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }
    pub(crate) fn matches(&self, method: &str, target: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && target.contains(&self.path_contains)
            && self.times != Some(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    Status {
        code: u16,
        #[serde(default)]
        retry_after: Option<u64>,
        #[serde(default)]
        body: Option<String>,
    },
    Delay {
        ms: u64,
    },
    DropBeforeApply,
    DropAfterApply,
    MalformedJson,
    TruncatedJson,
    UpperCaseEnums,
    MissingFields,
    ExtraFields,
    Echo {
        code: u16,
        shape: EchoShape,
    },
    Drip {
        bytes: usize,
        every_ms: u64,
        #[serde(default)]
        endless: bool,
    },
}

/// How an `echo` fault words the credential it quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EchoShape {
    /// `{"errors":[{"status":N,"message":"… <token> …"}]}` (JFrog, Access).
    Jfrog,
    /// `{"message":"… <token> …"}` (GitHub, AppTrust).
    Message,
    /// `{"errors":[{"message":"… <token> …"}],"data":null}` (GraphQL).
    Graphql,
    /// Plain text.
    Text,
    /// Plain text with the token after 290 characters of padding.
    Long,
    /// `{"reason":"… <token> …"}`, a JSON body of no known error shape (quoted as text), with
    /// every character of the token written as a JSON `\uXXXX` escape, as servers that escape
    /// everything outside plain ASCII may.
    Escaped,
}

impl FaultKind {
    /// Short description for the request log.
    pub(crate) fn label(&self) -> String {
        match self {
            FaultKind::Status { code, .. } => format!("status {code}"),
            FaultKind::Delay { ms } => format!("delay {ms}ms"),
            FaultKind::DropBeforeApply => "drop_before_apply".into(),
            FaultKind::DropAfterApply => "drop_after_apply".into(),
            FaultKind::MalformedJson => "malformed_json".into(),
            FaultKind::TruncatedJson => "truncated_json".into(),
            FaultKind::UpperCaseEnums => "upper_case_enums".into(),
            FaultKind::MissingFields => "missing_fields".into(),
            FaultKind::ExtraFields => "extra_fields".into(),
            FaultKind::Echo { code, shape } => format!("echo {code} {shape:?}"),
            FaultKind::Drip {
                bytes,
                every_ms,
                endless,
            } => format!(
                "drip {bytes}B/{every_ms}ms{}",
                if *endless { " endless" } else { "" }
            ),
        }
    }
}

/// The answer of an `echo` fault: `token` (what the request authenticated with) quoted in
/// `shape`.
pub(crate) fn echo_response(code: u16, shape: EchoShape, token: &str) -> Response {
    let message = format!("token {token} lacks read permission on this resource");
    let (content_type, text) = match shape {
        EchoShape::Jfrog => (
            "application/json",
            json!({"errors": [{"status": code, "message": message}]}).to_string(),
        ),
        EchoShape::Message => (
            "application/json",
            json!({ "message": message }).to_string(),
        ),
        EchoShape::Graphql => (
            "application/json",
            json!({"errors": [{"message": message, "extensions": {"token": token}}], "data": null})
                .to_string(),
        ),
        EchoShape::Text => ("text/plain; charset=utf-8", message),
        EchoShape::Long => (
            "text/plain; charset=utf-8",
            format!("{} {message}", "x".repeat(290)),
        ),
        EchoShape::Escaped => {
            let escaped: String = token
                .encode_utf16()
                .map(|unit| format!("\\u{unit:04x}"))
                .collect();
            // The rest of the message is plain ASCII: no other escape is needed.
            let text = message.replace(token, &escaped);
            ("application/json", format!(r#"{{"reason":"{text}"}}"#))
        }
    };
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = Response::new(Body::from(text));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// `body` sent `bytes` at a time every `every_ms`; with `endless`, followed by whitespace
/// forever (a body that never ends).
pub(crate) fn drip_body(body: Bytes, bytes: usize, every_ms: u64, endless: bool) -> Body {
    let step = bytes.max(1);
    let pieces: Vec<Bytes> = (0..body.len())
        .step_by(step)
        .map(|i| body.slice(i..(i + step).min(body.len())))
        .collect();
    let spaces = Bytes::from(vec![b' '; step]);
    let tail = futures_util::stream::iter(std::iter::repeat_n(
        spaces,
        if endless { usize::MAX } else { 0 },
    ));
    let stream = futures_util::stream::iter(pieces)
        .chain(tail)
        .then(move |chunk| async move {
            tokio::time::sleep(std::time::Duration::from_millis(every_ms)).await;
            Ok::<Bytes, std::io::Error>(chunk)
        });
    Body::from_stream(stream)
}

/// Takes the first matching fault, counting down its remaining uses.
pub(crate) fn take_matching(faults: &mut Vec<Fault>, method: &str, target: &str) -> Option<Fault> {
    let idx = faults.iter().position(|f| f.matches(method, target))?;
    let fault = faults[idx].clone();
    if let Some(n) = faults[idx].times.as_mut() {
        *n = n.saturating_sub(1);
        if *n == 0 {
            faults.remove(idx);
        }
    }
    Some(fault)
}

pub(crate) fn status_response(code: u16, retry_after: Option<u64>, body: Option<&str>) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (content_type, text) = match body {
        Some(b) if serde_json::from_str::<Value>(b).is_ok() => ("application/json", b.to_string()),
        Some(b) => ("text/plain; charset=utf-8", b.to_string()),
        None => (
            "application/json",
            json!({"errors": [{"status": code, "message": "simulated fault"}]}).to_string(),
        ),
    };
    let mut resp = Response::new(Body::from(text));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(v) = retry_after.and_then(|secs| HeaderValue::from_str(&secs.to_string()).ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// Headers and a fragment, then a body error: hyper aborts the connection because the promised
/// Content-Length was never delivered, so the client sees a transport error mid-response.
pub(crate) fn broken_response(status: StatusCode) -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"{\"application_key\":\"")),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "simulated connection drop",
        )),
    ];
    let mut resp = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("4096"));
    resp
}

/// Rewrites a buffered response body for the body-mangling kinds. Non-JSON bodies pass through
/// the JSON transforms unchanged.
pub(crate) fn rewrite_body(kind: &FaultKind, body: &[u8]) -> Vec<u8> {
    match kind {
        FaultKind::MalformedJson => {
            b"{\"versions\": [ {\"version\": \"1.0.0\",, } <html>oops".to_vec()
        }
        FaultKind::TruncatedJson => {
            let keep = if body.len() > 1 { body.len() / 2 } else { 0 };
            body[..keep].to_vec()
        }
        FaultKind::UpperCaseEnums | FaultKind::MissingFields | FaultKind::ExtraFields => {
            match serde_json::from_slice::<Value>(body) {
                Ok(mut v) => {
                    transform(kind, &mut v);
                    serde_json::to_vec(&v).unwrap_or_else(|_| body.to_vec())
                }
                Err(_) => body.to_vec(),
            }
        }
        _ => body.to_vec(),
    }
}

fn transform(kind: &FaultKind, v: &mut Value) {
    match v {
        Value::Object(map) => {
            match kind {
                FaultKind::UpperCaseEnums => {
                    for (k, val) in map.iter_mut() {
                        match val {
                            Value::String(s) if ENUM_KEYS.contains(&k.as_str()) => {
                                *s = s.to_ascii_uppercase();
                            }
                            _ => {}
                        }
                    }
                }
                FaultKind::MissingFields => {
                    map.retain(|k, _| !MISSING_FIELDS.contains(&k.as_str()))
                }
                _ => {}
            }
            for val in map.values_mut() {
                transform(kind, val);
            }
            // Added after recursing, or the added objects would themselves grow extras forever.
            if matches!(kind, FaultKind::ExtraFields) {
                add_extras(map);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| transform(kind, i)),
        _ => {}
    }
}

fn add_extras(map: &mut Map<String, Value>) {
    map.insert(
        "x_sim_extra".into(),
        json!("unknown field added by the simulator"),
    );
    map.insert(
        "x_sim_nested".into(),
        json!({"since": "v9", "flags": [1, 2, 3]}),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_json_is_flat_and_round_trips() {
        let f = Fault::on(
            "/promote",
            FaultKind::Status {
                code: 503,
                retry_after: Some(1),
                body: None,
            },
        )
        .method("POST")
        .times(2);
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["kind"], "status");
        assert_eq!(v["code"], 503);
        let back: Fault = serde_json::from_value(v).unwrap();
        assert_eq!(back, f);
        let unit: Fault =
            serde_json::from_str(r#"{"path_contains":"/x","kind":"drop_after_apply"}"#).unwrap();
        assert_eq!(unit.kind, FaultKind::DropAfterApply);
        assert_eq!(unit.times, None);
    }

    #[test]
    fn hostile_kinds_read_from_their_flat_json() {
        let echo: Fault = serde_json::from_str(
            r#"{"path_contains":"/x","kind":"echo","code":403,"shape":"long"}"#,
        )
        .expect("echo");
        assert_eq!(
            echo.kind,
            FaultKind::Echo {
                code: 403,
                shape: EchoShape::Long
            }
        );
        let drip: Fault = serde_json::from_str(
            r#"{"path_contains":"/x","kind":"drip","bytes":1,"every_ms":2000}"#,
        )
        .expect("drip");
        assert_eq!(drip.kind.label(), "drip 1B/2000ms");
    }

    #[tokio::test]
    async fn an_echo_quotes_the_token_and_a_drip_keeps_the_body() {
        let resp = echo_response(401, EchoShape::Long, "tok-123");
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        let text = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .expect("body");
        let text = String::from_utf8(text.to_vec()).expect("utf8");
        assert_eq!(text.find("tok-123"), Some(297), "{text}");
        let body = drip_body(Bytes::from_static(b"{\"a\":1}"), 3, 1, false);
        let got = axum::body::to_bytes(body, usize::MAX).await.expect("body");
        assert_eq!(&got[..], b"{\"a\":1}");
    }

    #[test]
    fn times_counts_down_and_removes() {
        let mut faults = vec![Fault::on("/a", FaultKind::MalformedJson).times(2)];
        assert!(take_matching(&mut faults, "GET", "/a").is_some());
        assert!(take_matching(&mut faults, "GET", "/a").is_some());
        assert!(take_matching(&mut faults, "GET", "/a").is_none());
        assert!(faults.is_empty());
    }

    #[test]
    fn transforms() {
        let body = br#"{"status":"COMPLETED","release_status":"released","errors":[{"status":401}],"current_stage":"x"}"#;
        let up: Value =
            serde_json::from_slice(&rewrite_body(&FaultKind::UpperCaseEnums, body)).unwrap();
        assert_eq!(up["release_status"], "RELEASED");
        assert_eq!(up["errors"][0]["status"], 401);
        let missing: Value =
            serde_json::from_slice(&rewrite_body(&FaultKind::MissingFields, body)).unwrap();
        assert!(missing.get("current_stage").is_none());
        let extra: Value =
            serde_json::from_slice(&rewrite_body(&FaultKind::ExtraFields, body)).unwrap();
        assert!(extra.get("x_sim_extra").is_some());
        assert!(
            serde_json::from_slice::<Value>(&rewrite_body(&FaultKind::TruncatedJson, body))
                .is_err()
        );
    }
}
