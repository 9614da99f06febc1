//! Base64 as DSSE implementations actually write it: the spec allows standard or URL-safe
//! alphabets, with or without padding, so decoding accepts all four; encoding writes standard
//! padded base64, the only form Go's `encoding/base64.StdEncoding` (JFrog's CLI) reads back.
//!
//! Line breaks: Go's decoder (which `jf evd` and the Go DSSE library use) skips `\r` and `\n`
//! anywhere, so an envelope whose signature or payload is wrapped at 64 characters, as
//! `openssl base64` writes it, verifies there; it does here too. Any other character — a space,
//! a tab — is still refused.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Decodes standard or URL-safe base64, padded or not. The two alphabets differ only in `+/`
/// versus `-_`, so the characters present pick the alphabet; mixing them is an error.
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let unwrapped: std::borrow::Cow<'_, str> = if text.bytes().any(|b| b == b'\r' || b == b'\n') {
        text.chars()
            .filter(|c| !matches!(c, '\r' | '\n'))
            .collect::<String>()
            .into()
    } else {
        text.into()
    };
    let text = unwrapped.as_ref();
    if text.bytes().any(|b| b == b'-' || b == b'_') {
        URL_SAFE_LENIENT.decode(text)
    } else {
        STANDARD_LENIENT.decode(text)
    }
}

pub(crate) fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_four_forms_decode_to_the_same_bytes() {
        // 0xfb 0xff 0xfe uses the alphabet-specific characters (+/ vs -_), and 4 bytes need padding.
        let bytes = [0xfbu8, 0xff, 0xfe, 0x01];
        for text in ["+//+AQ==", "+//+AQ", "-__-AQ==", "-__-AQ"] {
            assert_eq!(decode(text).as_deref(), Ok(&bytes[..]), "{text}");
        }
        assert_eq!(encode(&bytes), "+//+AQ==");
    }

    #[test]
    fn garbage_and_mixed_alphabets_are_errors() {
        for text in ["not base64!", "+/-_", "AQ=A", "A"] {
            assert!(decode(text).is_err(), "{text}");
        }
    }

    #[test]
    fn line_breaks_are_skipped_as_go_skips_them_and_nothing_else_is() {
        // `printf 'hello world, wrapped' | openssl base64 -A` is aGVsbG8gd29ybGQsIHdyYXBwZWQ=;
        // wrapped at any column, with LF or CRLF, it is the same bytes.
        let want = b"hello world, wrapped".to_vec();
        for text in [
            "aGVsbG8gd29ybGQsIHdyYXBwZWQ=",
            "aGVsbG8gd29y\nbGQsIHdyYXBwZWQ=\n",
            "aGVsbG8gd29y\r\nbGQsIHdyYXBwZWQ=\r\n",
            "\naGVs\rbG8g\n\nd29ybGQsIHdyYXBwZWQ=",
        ] {
            assert_eq!(decode(text).as_deref(), Ok(want.as_slice()), "{text:?}");
        }
        for text in [
            "aGVsbG8gd29y bGQsIHdyYXBwZWQ=",
            "aGVsbG8gd29y\tbGQsIHdyYXBwZWQ=",
            "aGVsbG8gd29y\u{85}bGQsIHdyYXBwZWQ=",
        ] {
            assert!(decode(text).is_err(), "{text:?}");
        }
    }
}
