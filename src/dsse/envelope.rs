//! The evidence file JFrog serves for a record: a DSSE envelope, or a Sigstore bundle wrapping one.
//! Owns parsing under a size bound, the PAE (the bytes a DSSE signature covers) and serialising
//! the envelopes we sign.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;

use super::b64;
use super::statement::{Statement, StatementError};

/// The largest evidence file parsed; larger ones are refused before any JSON parsing.
pub(crate) const MAX_ENVELOPE_BYTES: usize = 16 * 1024 * 1024;
/// The most signatures one envelope may carry; verification work is signatures × keys.
pub(crate) const MAX_SIGNATURES: usize = 16;
/// DSSE `payloadType` of an in-toto Statement.
pub(crate) const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
const SIGSTORE_BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle";

/// A parsed evidence file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Evidence {
    /// A plain DSSE envelope: verifiable here with the right public key.
    Dsse(Envelope),
    /// A Sigstore bundle (GitHub artifact attestations, cosign keyless): not verifiable with a
    /// key; [`crate::sigstore`] verifies it against a trusted root and an identity policy.
    SigstoreBundle(SigstoreBundle),
}

/// A Sigstore bundle: named, its (unverified) statement readable, and its bytes kept for
/// [`crate::sigstore::verify_bundle`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SigstoreBundle {
    /// The bundle's `mediaType`, e.g. `application/vnd.dev.sigstore.bundle.v0.3+json`.
    pub(crate) media_type: String,
    /// The `dsseEnvelope` inside, if the bundle signs a DSSE envelope (not a bare message).
    pub(crate) envelope: Option<Envelope>,
    /// The bundle's JSON as read.
    pub(crate) json: Vec<u8>,
}

/// A DSSE envelope with its payload and signatures decoded from base64.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Envelope {
    /// `payloadType`, e.g. [`IN_TOTO_PAYLOAD_TYPE`].
    pub(crate) payload_type: String,
    /// The decoded payload bytes (what the signatures cover, through [`pae`]).
    pub(crate) payload: Vec<u8>,
    /// Zero or more signatures; zero is legal to parse and verifies as `Unsigned`.
    pub(crate) signatures: Vec<Signature>,
}

/// One DSSE signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    /// The unauthenticated key hint (JFrog: the key alias); empty when absent.
    pub(crate) keyid: String,
    /// The decoded signature bytes.
    pub(crate) sig: Vec<u8>,
}

/// Why an evidence file could not be read as a DSSE envelope or Sigstore bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EnvelopeError {
    #[error("the evidence file is {size} bytes, over the {max}-byte limit; it is not read")]
    TooLarge { size: usize, max: usize },
    #[error("the evidence file is not JSON ({0})")]
    NotJson(String),
    #[error("the evidence file is JSON but not a DSSE envelope: {0}")]
    NotEnvelope(String),
    #[error("the DSSE payload is not base64 ({0})")]
    PayloadNotBase64(String),
    #[error("DSSE signature #{index} is not base64 ({detail})")]
    SignatureNotBase64 { index: usize, detail: String },
    #[error(
        "the DSSE envelope carries {count} signatures, over the limit of {max}; it is not checked"
    )]
    TooManySignatures { count: usize, max: usize },
}

/// A string borrowed from the file when it has no escapes (base64 has none), so a 15 MiB payload
/// is not copied before it is decoded. A newtype because serde borrows a `Cow` only as a field
/// of its own, never inside an `Option`.
#[derive(Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

#[derive(Deserialize)]
struct RawEnvelope<'a> {
    #[serde(borrow)]
    payload: Option<Text<'a>>,
    #[serde(rename = "payloadType")]
    payload_type: Option<String>,
    signatures: Option<Vec<RawSignature>>,
}

#[derive(Deserialize)]
struct RawSignature {
    #[serde(default)]
    keyid: Option<String>,
    sig: Option<String>,
}

/// One pass over the JSON reads either shape: the envelope fields or the bundle's.
#[derive(Deserialize)]
struct RawEvidence<'a> {
    #[serde(rename = "mediaType")]
    media_type: Option<String>,
    #[serde(rename = "dsseEnvelope", borrow)]
    dsse_envelope: Option<RawEnvelope<'a>>,
    #[serde(borrow)]
    payload: Option<Text<'a>>,
    #[serde(rename = "payloadType")]
    payload_type: Option<String>,
    signatures: Option<Vec<RawSignature>>,
}

/// Parses an evidence file: a DSSE envelope, or a Sigstore bundle (see [`Evidence`]).
pub(crate) fn parse_evidence(bytes: &[u8]) -> Result<Evidence, EnvelopeError> {
    if bytes.len() > MAX_ENVELOPE_BYTES {
        return Err(EnvelopeError::TooLarge {
            size: bytes.len(),
            max: MAX_ENVELOPE_BYTES,
        });
    }
    let raw: RawEvidence = serde_json::from_slice(bytes).map_err(describe_json_error)?;
    match raw.media_type {
        Some(media_type) if media_type.starts_with(SIGSTORE_BUNDLE_MEDIA_TYPE) => {
            let envelope = raw.dsse_envelope.map(decode_envelope).transpose()?;
            Ok(Evidence::SigstoreBundle(SigstoreBundle {
                media_type,
                envelope,
                json: bytes.to_vec(),
            }))
        }
        _ => decode_envelope(RawEnvelope {
            payload: raw.payload,
            payload_type: raw.payload_type,
            signatures: raw.signatures,
        })
        .map(Evidence::Dsse),
    }
}

fn decode_envelope(raw: RawEnvelope<'_>) -> Result<Envelope, EnvelopeError> {
    let missing = |field: &str| EnvelopeError::NotEnvelope(format!("no `{field}` string"));
    let payload = raw.payload.ok_or_else(|| missing("payload"))?;
    let payload_type = raw.payload_type.ok_or_else(|| missing("payloadType"))?;
    let raw_signatures = raw.signatures.unwrap_or_default();
    if raw_signatures.len() > MAX_SIGNATURES {
        return Err(EnvelopeError::TooManySignatures {
            count: raw_signatures.len(),
            max: MAX_SIGNATURES,
        });
    }
    let payload =
        b64::decode(&payload.0).map_err(|e| EnvelopeError::PayloadNotBase64(e.to_string()))?;
    let mut signatures = Vec::with_capacity(raw_signatures.len());
    for (index, raw) in raw_signatures.into_iter().enumerate() {
        let text = raw.sig.ok_or_else(|| {
            EnvelopeError::NotEnvelope(format!("signature #{index} has no `sig` string"))
        })?;
        let sig = b64::decode(&text).map_err(|e| EnvelopeError::SignatureNotBase64 {
            index,
            detail: e.to_string(),
        })?;
        // An empty `sig` is no signature: the envelope is judged as if it were not there, so
        // `[{"sig": ""}]` is refused exactly like `[]` (JFrog's `verified` cannot make it count).
        if sig.is_empty() {
            continue;
        }
        signatures.push(Signature {
            keyid: raw.keyid.unwrap_or_default(),
            sig,
        });
    }
    Ok(Envelope {
        payload_type,
        payload,
        signatures,
    })
}

/// Names what went wrong and where, never echoing the (untrusted, possibly huge) content.
fn describe_json_error(e: serde_json::Error) -> EnvelopeError {
    let place = format!("line {} column {}", e.line(), e.column());
    match e.classify() {
        serde_json::error::Category::Data => match super::statement::duplicate_key(&e) {
            Some(key) => EnvelopeError::NotEnvelope(format!("duplicate key `{key}` at {place}")),
            None => EnvelopeError::NotEnvelope(format!("a field has the wrong type at {place}")),
        },
        _ => EnvelopeError::NotJson(format!("invalid JSON at {place}")),
    }
}

/// DSSE's Pre-Authentication Encoding, the exact bytes a signature covers:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in ASCII decimal bytes.
pub(crate) fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let type_len = payload_type.len().to_string();
    let body_len = payload.len().to_string();
    let mut out = Vec::with_capacity(
        "DSSEv1 ".len() + type_len.len() + payload_type.len() + body_len.len() + payload.len() + 3,
    );
    for part in [
        b"DSSEv1".as_slice(),
        type_len.as_bytes(),
        payload_type.as_bytes(),
    ] {
        out.extend_from_slice(part);
        out.push(b' ');
    }
    out.extend_from_slice(body_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

impl Envelope {
    /// The PAE of this envelope's payload type and payload.
    pub(crate) fn pae(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }

    /// The envelope as JSON (standard padded base64), the body of an evidence upload.
    pub(crate) fn to_json(&self) -> String {
        // Built by hand: base64 needs no JSON escaping, and a value tree would copy and re-scan
        // a payload that can be megabytes.
        let text = |s: &str| serde_json::Value::from(s).to_string();
        let signatures: Vec<String> = self
            .signatures
            .iter()
            .map(|s| {
                format!(
                    r#"{{"keyid":{},"sig":"{}"}}"#,
                    text(&s.keyid),
                    b64::encode(&s.sig)
                )
            })
            .collect();
        format!(
            r#"{{"payload":"{}","payloadType":{},"signatures":[{}]}}"#,
            b64::encode(&self.payload),
            text(&self.payload_type),
            signatures.join(",")
        )
    }

    /// The in-toto Statement in the payload. Read it only from a verified envelope, unless the
    /// policy explicitly allows unverified evidence.
    pub(crate) fn statement(&self) -> Result<Statement, StatementError> {
        if self.payload_type != IN_TOTO_PAYLOAD_TYPE {
            return Err(StatementError::WrongPayloadType {
                found: self.payload_type.clone(),
            });
        }
        Statement::parse(&self.payload)
    }
}

/// Shows sizes, not contents: a payload can be 16 MiB of untrusted bytes.
impl fmt::Debug for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("payload_type", &self.payload_type)
            .field("payload_bytes", &self.payload.len())
            .field("signatures", &self.signatures)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether an error is the expected one.
    type Expect = fn(&EnvelopeError) -> bool;

    const STATEMENT: &str = include_str!("../../tests/fixtures/keys/statement.json");

    fn dsse(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
        match parse_evidence(bytes)? {
            Evidence::Dsse(e) => Ok(e),
            other => panic!("expected a DSSE envelope, got {other:?}"),
        }
    }

    #[test]
    fn pae_matches_the_dsse_spec_vector_and_openssl_fixture() {
        // The example in secure-systems-lab/dsse protocol.md.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
        // Lengths count bytes, not characters.
        assert_eq!(pae("t", "é".as_bytes()), "DSSEv1 1 t 2 é".as_bytes());
        // The fixture's PAE was built by gen.sh with printf, independently of this code.
        assert_eq!(
            pae(IN_TOTO_PAYLOAD_TYPE, STATEMENT.as_bytes()),
            include_bytes!("../../tests/fixtures/keys/statement.pae")
        );
    }

    #[test]
    fn reads_the_openssl_made_envelope() {
        let envelope = dsse(include_bytes!(
            "../../tests/fixtures/keys/ed25519.dsse.json"
        ));
        let envelope = envelope.expect("fixture parses");
        assert_eq!(envelope.payload, STATEMENT.as_bytes());
        assert_eq!(envelope.payload_type, IN_TOTO_PAYLOAD_TYPE);
        assert_eq!(envelope.signatures.len(), 1);
        assert_eq!(envelope.signatures[0].keyid, "ed25519");
        assert_eq!(envelope.signatures[0].sig.len(), 64);
    }

    #[test]
    fn to_json_round_trips_and_uses_standard_padded_base64() {
        let envelope = Envelope {
            payload_type: "t".into(),
            payload: vec![0xfb, 0xff, 0xfe, 0x01],
            signatures: vec![Signature {
                keyid: "alias".into(),
                sig: vec![0xff; 4],
            }],
        };
        let json = envelope.to_json();
        assert!(json.contains(r#""payload":"+//+AQ==""#), "{json}");
        assert_eq!(dsse(json.as_bytes()), Ok(envelope));
    }

    #[test]
    fn url_safe_unpadded_base64_and_missing_keyid_are_accepted() {
        let json = r#"{"payload":"-__-AQ","payloadType":"t","signatures":[{"sig":"_w"}]}"#;
        let envelope = dsse(json.as_bytes()).expect("lenient base64 parses");
        assert_eq!(envelope.payload, [0xfb, 0xff, 0xfe, 0x01]);
        assert_eq!(
            envelope.signatures,
            [Signature {
                keyid: String::new(),
                sig: vec![0xff]
            }]
        );
    }

    #[test]
    fn sigstore_bundle_is_its_own_variant_with_its_inner_envelope() {
        let json = r#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial":{"certificate":{"rawBytes":"AAAA"}},
            "dsseEnvelope":{"payload":"aGk=","payloadType":"t","signatures":[{"sig":"AAAA"}]}}"#;
        let Ok(Evidence::SigstoreBundle(bundle)) = parse_evidence(json.as_bytes()) else {
            panic!("not detected as a bundle");
        };
        assert_eq!(
            bundle.media_type,
            "application/vnd.dev.sigstore.bundle.v0.3+json"
        );
        assert_eq!(bundle.envelope.map(|e| e.payload), Some(b"hi".to_vec()));
        let bare = r#"{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1",
            "messageSignature":{}}"#;
        let Ok(Evidence::SigstoreBundle(bundle)) = parse_evidence(bare.as_bytes()) else {
            panic!("not detected as a bundle");
        };
        assert_eq!(bundle.envelope, None);
    }

    #[test]
    fn zero_signatures_parse_so_the_gate_can_say_unsigned() {
        for json in [
            r#"{"payload":"","payloadType":"t","signatures":[]}"#,
            r#"{"payload":"","payloadType":"t"}"#,
        ] {
            assert_eq!(
                dsse(json.as_bytes()).map(|e| e.signatures.len()),
                Ok(0),
                "{json}"
            );
        }
    }

    #[test]
    fn hostile_envelopes_are_typed_errors() {
        let sig = |n: usize| vec![r#"{"sig":"AAAA"}"#; n].join(",");
        let cases: Vec<(String, Expect)> = vec![
            ("not json at all".into(), |e| {
                matches!(e, EnvelopeError::NotJson(_))
            }),
            (r#"{"payload": "#.into(), |e| {
                matches!(e, EnvelopeError::NotJson(_))
            }),
            ("[]".into(), |e| matches!(e, EnvelopeError::NotEnvelope(_))),
            ("{}".into(), |e| matches!(e, EnvelopeError::NotEnvelope(_))),
            (r#"{"payload":1,"payloadType":"t"}"#.into(), |e| {
                matches!(e, EnvelopeError::NotEnvelope(_))
            }),
            (r#"{"payload":"aGk=","signatures":[]}"#.into(), |e| {
                matches!(e, EnvelopeError::NotEnvelope(_))
            }),
            (r#"{"payload":"%%%","payloadType":"t"}"#.into(), |e| {
                matches!(e, EnvelopeError::PayloadNotBase64(_))
            }),
            (
                r#"{"payload":"","payloadType":"t","signatures":[{"sig":"AAAA"},{"sig":"@@"}]}"#
                    .into(),
                |e| matches!(e, EnvelopeError::SignatureNotBase64 { index: 1, .. }),
            ),
            (
                r#"{"payload":"","payloadType":"t","signatures":[{"keyid":"k"}]}"#.into(),
                |e| matches!(e, EnvelopeError::NotEnvelope(_)),
            ),
            (
                format!(
                    r#"{{"payload":"","payloadType":"t","signatures":[{}]}}"#,
                    sig(1000)
                ),
                |e| {
                    matches!(
                        e,
                        EnvelopeError::TooManySignatures {
                            count: 1000,
                            max: MAX_SIGNATURES
                        }
                    )
                },
            ),
            ("[".repeat(100_000), |e| {
                matches!(e, EnvelopeError::NotEnvelope(_))
            }),
            (format!(r#"{{"extra":{}}}"#, "[".repeat(100_000)), |e| {
                matches!(e, EnvelopeError::NotJson(_))
            }),
        ];
        for (input, expected) in cases {
            let err = parse_evidence(input.as_bytes()).expect_err("hostile input must not parse");
            assert!(
                expected(&err),
                "{}: got {err:?}",
                &input[..input.len().min(60)]
            );
        }
    }

    #[test]
    fn json_errors_do_not_echo_the_content() {
        let err = parse_evidence(br#"{"payload":"SECRET-LOOKING","payloadType":7}"#).unwrap_err();
        assert!(!err.to_string().contains("SECRET"), "{err}");
        assert!(err.to_string().contains("line 1 column"), "{err}");
    }

    #[test]
    fn oversized_files_are_refused_before_parsing() {
        let big = vec![b' '; MAX_ENVELOPE_BYTES + 1];
        assert_eq!(
            parse_evidence(&big),
            Err(EnvelopeError::TooLarge {
                size: MAX_ENVELOPE_BYTES + 1,
                max: MAX_ENVELOPE_BYTES
            })
        );
    }

    #[test]
    fn debug_does_not_dump_the_payload() {
        let envelope = Envelope {
            payload_type: "t".into(),
            payload: b"PAYLOAD".to_vec(),
            signatures: vec![],
        };
        let debug = format!("{envelope:?}");
        assert!(
            !debug.contains("PAYLOAD") && debug.contains("payload_bytes: 7"),
            "{debug}"
        );
    }
}
