//! Secrets: the one type every credential travels in, and the one [`Redactor`] that scrubs them
//! from everything that enters or leaves the action.
//!
//! A [`Secret`]'s `Debug` prints `[REDACTED]` and its value is exposed only where it is sent.
//! The run builds one [`Redactor`] before anything else happens, holding every secret (the
//! inputs, the runner's tokens, and each OIDC token the moment it is minted), and the same
//! redactor stands at every door:
//!
//! - **in**: the HTTP layer ([`crate::http`]) scrubs every answer body and every error it words
//!   before any caller reads, parses or shortens it — a server that echoes the bearer token in a
//!   403, a GraphQL `errors` message or a 300-character error page cannot get even part of it
//!   into a gate's detail;
//! - **out**: the HTTP layer scrubs every request body it sends (JFrog, GitHub, the webhook);
//!   [`RedactingWriter`] wraps the process log, so every line printed passes through it; the files
//!   (`GITHUB_OUTPUT`, summary, record) are written through it; and the attestation's predicate
//!   is scrubbed before it is signed, since a signature freezes its bytes.
//!
//! Callers never pass secret lists around: they hold the redactor (inside
//! [`crate::http::ClientOptions`]) and never see the values.

use std::borrow::Cow;
use std::io::Write;
use std::sync::{Arc, RwLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use secrecy::{ExposeSecret, SecretString};

mod json_escapes;

/// A secret value: `Debug` prints `[REDACTED]`, and the value is exposed only where it is sent.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value.
    pub fn new(value: String) -> Self {
        Secret(SecretString::from(value))
    }
    /// The value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

/// What replaces a secret.
pub(crate) const MASK: &str = "***";
/// Shorter values are not redacted: masking them would mangle ordinary text.
const MIN_LEN: usize = 4;

/// The run's secrets and a matcher over all of them; cheap to clone, shared by every door.
#[derive(Clone, Default)]
pub struct Redactor {
    inner: Arc<RwLock<Inner>>,
}

#[derive(Default)]
struct Inner {
    /// Every form searched for (see [`forms`]), longest first.
    needles: Vec<String>,
    /// Lines of every secret, for recognising `::add-mask::` lines.
    mask_lines: Vec<String>,
    matcher: Option<AhoCorasick>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.read(|i| i.needles.len());
        write!(f, "Redactor({n} forms)")
    }
}

/// The forms a secret may take in text: itself, JSON-escaped (a server quoting it in a JSON
/// string, slashes escaped or not), and each line of a multi-line secret (a PEM key, which the
/// runner also masks line by line).
fn forms(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_string()];
    let json = serde_json::Value::from(secret).to_string();
    let json = json[1..json.len() - 1].to_string();
    out.push(json.replace('/', "\\/"));
    out.push(json);
    out.extend(
        secret
            .lines()
            .map(str::trim)
            .filter(|l| l.len() >= 16 && !l.starts_with("-----"))
            .map(str::to_string),
    );
    out.retain(|f| f.len() >= MIN_LEN);
    out
}

impl Redactor {
    /// A redactor holding `secrets`.
    #[cfg(test)]
    pub(crate) fn new<'a>(secrets: impl IntoIterator<Item = &'a Secret>) -> Redactor {
        let r = Redactor::default();
        for s in secrets {
            r.add(s.expose());
        }
        r
    }

    /// Adds a secret; every holder of this redactor scrubs it from now on.
    pub(crate) fn add(&self, secret: &str) {
        let secret = secret.trim();
        if secret.len() < MIN_LEN {
            return;
        }
        let mut inner = match self.inner.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut changed = false;
        for f in forms(secret) {
            if !inner.needles.contains(&f) {
                inner.needles.push(f);
                changed = true;
            }
        }
        // As `commands::add_mask` writes them: each non-blank line, as it is.
        inner.mask_lines.extend(
            secret
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string),
        );
        if changed {
            // Longest first with leftmost-longest matching: a secret that contains another is
            // masked whole.
            inner.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
            // A contiguous NFA: a DFA (the default for few patterns) costs time and memory in
            // the length of the secrets, and a secret may be a 100 KiB value.
            inner.matcher = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&inner.needles)
                .ok();
        }
    }

    fn read<R>(&self, f: impl FnOnce(&Inner) -> R) -> R {
        match self.inner.read() {
            Ok(g) => f(&g),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    /// `text` with every secret replaced by `***`, also one written with JSON `\uXXXX` escapes
    /// ([`json_escapes`]); borrowed when there is none (the common case, one pass over the text
    /// whatever the number of secrets, and a second only over text that has a `\u`).
    pub(crate) fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.read(|inner| {
            let Some(m) = &inner.matcher else {
                return Cow::Borrowed(text);
            };
            let plain = if m.is_match(text) {
                let masks = vec![MASK; inner.needles.len()];
                Cow::Owned(m.replace_all(text, &masks))
            } else {
                Cow::Borrowed(text)
            };
            // JSON text may write a secret's characters as `\uXXXX` escapes.
            match json_escapes::mask(m, &plain) {
                Some(masked) => Cow::Owned(masked),
                None => plain,
            }
        })
    }

    /// [`Redactor::redact`] for an owned string, without a copy when there is nothing to mask.
    pub(crate) fn redact_owned(&self, text: String) -> String {
        match self.redact(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(clean) => clean,
        }
    }

    /// Every string (keys too) of a JSON value, scrubbed in place.
    pub(crate) fn redact_json(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::String(s) => {
                if let Cow::Owned(clean) = self.redact(s) {
                    *s = clean;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_json(v)),
            Value::Object(map) => {
                let dirty: Vec<String> = map
                    .keys()
                    .filter(|k| matches!(self.redact(k), Cow::Owned(_)))
                    .cloned()
                    .collect();
                for k in dirty {
                    if let Some(v) = map.remove(&k) {
                        map.insert(self.redact(&k).into_owned(), v);
                    }
                }
                map.values_mut().for_each(|v| self.redact_json(v));
            }
            _ => {}
        }
    }

    /// Whether `line` (without its newline) is exactly the `::add-mask::` command for one line
    /// of a registered secret: the one kind of line that must reach the runner unredacted.
    fn is_mask_command(&self, line: &str) -> bool {
        let Some(value) = line.strip_prefix("::add-mask::") else {
            return false;
        };
        self.read(|inner| {
            inner
                .mask_lines
                .iter()
                .any(|l| crate::text::escape_data(l) == value)
        })
    }
}

/// The process log behind the redactor: complete lines are scrubbed and passed on, so a secret
/// is never split across two writes; `::add-mask::` commands for registered secrets pass as they
/// are (that is how the runner learns what to mask). Flushes what is left on drop.
pub(crate) struct RedactingWriter<W: Write> {
    inner: W,
    redactor: Redactor,
    pending: Vec<u8>,
}

impl<W: Write> RedactingWriter<W> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: W, redactor: Redactor) -> Self {
        RedactingWriter {
            inner,
            redactor,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, line: &[u8]) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(line);
        let bare = text.trim_end_matches(['\n', '\r']);
        if self.redactor.is_mask_command(bare) {
            return self.inner.write_all(line);
        }
        self.inner.write_all(self.redactor.redact(&text).as_bytes())
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        while let Some(end) = memchr::memchr(b'\n', &self.pending) {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            self.emit(&line)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.emit(&rest)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Environment variables a policy may name for a credential (`token-env`), each kept as a
/// [`Secret`] from the moment it is read. The action's inputs and the runner's tokens
/// (`INPUT_*`, `ACTIONS_*`) are left out, so no policy can send them to another server.
#[derive(Clone, Debug, Default)]
pub(crate) struct SecretVars(std::collections::BTreeMap<String, Secret>);

impl SecretVars {
    /// Keeps every non-empty variable but the action's and the runner's own.
    pub(crate) fn from_vars<I: IntoIterator<Item = (String, String)>>(vars: I) -> SecretVars {
        SecretVars(
            vars.into_iter()
                .filter(|(k, v)| {
                    let upper = k.to_ascii_uppercase();
                    !v.trim().is_empty()
                        && !upper.starts_with("INPUT_")
                        && !upper.starts_with("ACTIONS_")
                })
                .map(|(k, v)| (k, Secret::new(v.trim().to_string())))
                .collect(),
        )
    }

    /// The variable's value, when it is set and may be used.
    pub(crate) fn get(&self, name: &str) -> Option<&Secret> {
        self.0.get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_redaction_hide_the_value() {
        let s = Secret::new("s3cr3t-value".into());
        assert!(!format!("{s:?}").contains("s3cr3t"));
        let r = Redactor::new([&s]);
        r.add("abc");
        assert_eq!(r.redact("token s3cr3t-value sent"), "token *** sent");
        assert_eq!(r.redact("abc stays"), "abc stays");
        assert!(matches!(r.redact("nothing here"), Cow::Borrowed(_)));
        assert!(!format!("{r:?}").contains("s3cr3t"));
    }

    #[test]
    fn escaped_forms_overlaps_and_pem_lines_are_masked() {
        let r = Redactor::default();
        r.add("https://hooks.example/T0/B1/xyz");
        r.add("hooks.example/T0");
        r.add("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGQ7yqTi\n-----END PRIVATE KEY-----\n");
        assert_eq!(
            r.redact(r#"{"url":"https:\/\/hooks.example\/T0\/B1\/xyz"} and https://hooks.example/T0/B1/xyz"#),
            r#"{"url":"***"} and ***"#
        );
        assert_eq!(r.redact("at hooks.example/T0 only"), "at *** only");
        assert_eq!(r.redact("key MC4CAQAwBQYDK2VwBCIEIGQ7yqTi!"), "key ***!");
        assert_eq!(
            r.redact("-----BEGIN PRIVATE KEY----- is armour"),
            "-----BEGIN PRIVATE KEY----- is armour"
        );
    }

    #[test]
    fn json_values_are_scrubbed_keys_and_all() {
        let r = Redactor::default();
        r.add("tok-1234");
        let mut v = serde_json::json!({"gates": [{"detail": "403: token tok-1234 lacks read"}], "tok-1234": 1, "n": 2});
        r.redact_json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"gates": [{"detail": "403: token *** lacks read"}], "***": 1, "n": 2})
        );
    }

    #[test]
    fn the_writer_scrubs_whole_lines_and_passes_mask_commands() {
        let r = Redactor::default();
        r.add("tok-1234");
        let mut out = Vec::new();
        {
            let mut w = RedactingWriter::new(&mut out, r.clone());
            w.write_all(b"::add-mask::tok-1234\n").expect("write");
            // A secret split across two writes is still one line.
            w.write_all(b"detail: tok-").expect("write");
            w.write_all(b"1234 lacks read\n::add-mask::tok-1234 extra\ntail tok-1234")
                .expect("write");
        }
        assert_eq!(
            String::from_utf8(out).expect("utf8"),
            "::add-mask::tok-1234\ndetail: *** lacks read\n::add-mask::*** extra\ntail ***"
        );
    }
}
