//! Secrets: the one type every credential travels in, and the one function that scrubs them
//! from text leaving the action.
//!
//! A [`Secret`]'s `Debug` prints `[REDACTED]` and its value is exposed only where it is sent;
//! [`redact`] is applied to everything written or sent (outputs, summary, record, annotations,
//! GitHub bodies), so a value that slipped into a message still never leaves.

use secrecy::{ExposeSecret, SecretString};

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

/// The values of `secrets`, for [`redact`].
pub fn exposed<'a>(secrets: impl IntoIterator<Item = &'a Secret>) -> Vec<&'a str> {
    secrets.into_iter().map(Secret::expose).collect()
}

/// `text` with every secret replaced by `***`. Values shorter than four characters are left
/// alone, since masking them would mangle ordinary text.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        if out.contains(s) {
            out = out.replace(s, "***");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_redaction_hide_the_value() {
        let s = Secret::new("s3cr3t-value".into());
        assert!(!format!("{s:?}").contains("s3cr3t"));
        assert_eq!(
            redact("token s3cr3t-value sent", &[s.expose(), "abc"]),
            "token *** sent"
        );
        assert_eq!(redact("abc stays", &["abc"]), "abc stays");
    }
}
