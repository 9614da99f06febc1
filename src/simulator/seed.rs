//! The "bookverse" starting state, plus the small self-contained helpers it needs.
//!
//! Artifact digests are real SHA-256 digests of deterministic content
//! ([`seed_artifact_bytes`]), so a demo or test can write the same bytes to disk and have an
//! integrity check against the simulator pass. SHA-256 and base64url are implemented here
//! because the module may not pull in extra crates.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, RandomState};

use super::state::{
    Application, Artifact, Evaluations, Evidence, Gate, Project, PromotionRecord, RELEASE_PRE,
    RELEASE_RELEASED, Releasable, STATUS_COMPLETED, State, VersionState,
};

pub const PROJECT: &str = "bookverse";
pub const STAGE_DEV: &str = "bookverse-DEV";
pub const STAGE_QA: &str = "bookverse-QA";
pub const STAGE_STAGING: &str = "bookverse-STAGING";
pub const STAGE_PROD: &str = "PROD";
pub const APP_INVENTORY: &str = "bookverse-inventory";
pub const APP_WEB: &str = "bookverse-web";
pub const EVIDENCE_TEST_RESULT: &str = "https://in-toto.io/attestation/test-result/v0.1";
pub const EVIDENCE_SLSA: &str = "https://slsa.dev/provenance/v1";

/// 2025-06-01T10:00:00Z: a fixed past instant so seeded data is stable across runs.
const SEED_EPOCH_MS: i64 = 1_748_772_000_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// The bytes whose SHA-256 the seed reports for the artifact at `path`.
pub fn seed_artifact_bytes(path: &str) -> Vec<u8> {
    format!("bookverse simulator artifact: {path}\n").into_bytes()
}

pub fn seeded_state() -> State {
    let mut st = State::default();
    st.projects.insert(
        PROJECT.into(),
        Project {
            key: PROJECT.into(),
            name: "BookVerse".into(),
            promote_stages: vec![STAGE_DEV.into(), STAGE_QA.into(), STAGE_STAGING.into()],
            release_stage: STAGE_PROD.into(),
        },
    );
    for (i, (key, name, desc)) in [
        (
            APP_INVENTORY,
            "BookVerse Inventory",
            "Inventory service for the BookVerse demo",
        ),
        (
            APP_WEB,
            "BookVerse Web",
            "Web front end for the BookVerse demo",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        st.applications.insert(
            key.into(),
            Application {
                application_key: key.into(),
                application_name: name.into(),
                project_key: PROJECT.into(),
                description: desc.into(),
                maturity: "production".into(),
                criticality: "high".into(),
                labels: BTreeMap::from([("team".to_string(), "bookverse".to_string())]),
                user_owners: vec!["bookverse-admin".into()],
                group_owners: vec!["bookverse-devs".into()],
                signing_key: "bookverse-signing-key".into(),
                created_millis: SEED_EPOCH_MS - 30 * DAY_MS + i as i64 * HOUR_MS,
            },
        );
    }

    // (version, stages reached in order, status, tag, evidence)
    let inventory: [(&str, usize, &str, &str, &[&str]); 5] = [
        ("1.0.0", 4, STATUS_COMPLETED, "latest", &[]),
        (
            "1.1.0",
            3,
            STATUS_COMPLETED,
            "",
            &[EVIDENCE_TEST_RESULT, EVIDENCE_SLSA],
        ),
        ("1.2.0", 1, STATUS_COMPLETED, "", &[EVIDENCE_TEST_RESULT]),
        ("1.3.0", 0, STATUS_COMPLETED, "", &[]),
        ("1.4.0", 0, "IN_PROGRESS", "", &[]),
    ];
    let mut counter = 0u64;
    for (i, (ver, reached, status, tag, evidence)) in inventory.into_iter().enumerate() {
        let created = SEED_EPOCH_MS + i as i64 * DAY_MS;
        let v = build_version(
            APP_INVENTORY,
            ver,
            created,
            reached,
            status,
            tag,
            evidence,
            &mut counter,
        );
        st.versions
            .entry(APP_INVENTORY.into())
            .or_default()
            .insert(ver.into(), v);
    }
    let web = build_version(
        APP_WEB,
        "2.0.0",
        SEED_EPOCH_MS + 2 * DAY_MS,
        1,
        STATUS_COMPLETED,
        "",
        &[],
        &mut counter,
    );
    st.versions
        .entry(APP_WEB.into())
        .or_default()
        .insert("2.0.0".into(), web);
    st.id_counter = counter;
    st
}

#[allow(clippy::too_many_arguments)]
fn build_version(
    app: &str,
    version: &str,
    created: i64,
    reached: usize,
    status: &str,
    tag: &str,
    evidence: &[&str],
    counter: &mut u64,
) -> VersionState {
    let stages = [STAGE_DEV, STAGE_QA, STAGE_STAGING, STAGE_PROD];
    let mut history = Vec::new();
    let mut source = String::new();
    for (k, target) in stages.iter().take(reached).enumerate() {
        let at = created + (k as i64 + 1) * HOUR_MS;
        let gate = |stage: &str, n: u64| Gate {
            stage: stage.to_string(),
            eval_id: format!("eval-seed-{n:04}"),
            decision: "pass".into(),
            explanation: "all policies passed".into(),
        };
        *counter += 2;
        history.push(PromotionRecord {
            status: "SUCCESS".into(),
            operation: if *target == STAGE_PROD {
                "release"
            } else {
                "promote"
            }
            .into(),
            source_stage: source.clone(),
            target_stage: (*target).into(),
            promotion_type: "move".into(),
            promoted_by: "bookverse-ci".into(),
            created_millis: at,
            message: None,
            evaluations: Some(Evaluations {
                exit_gate: gate(&source, *counter - 1),
                entry_gate: gate(target, *counter),
            }),
        });
        source = (*target).into();
    }
    let releasables = seed_releasables(app, version);
    let joined: String = releasables.iter().map(|r| r.sha256.as_str()).collect();
    VersionState {
        application_key: app.into(),
        version: version.into(),
        created_millis: created,
        created_by: "bookverse-ci".into(),
        status: status.into(),
        tag: tag.into(),
        release_status: if reached == stages.len() {
            RELEASE_RELEASED
        } else {
            RELEASE_PRE
        }
        .into(),
        current_stage: source,
        properties: BTreeMap::from([("build.number".to_string(), vec![format!("{version}-1")])]),
        history,
        releasables,
        application_version_sha256: sha256_hex(joined.as_bytes()),
        evidence: evidence
            .iter()
            .enumerate()
            .map(|(k, p)| Evidence {
                predicate_type: (*p).into(),
                predicate_slug: if *p == EVIDENCE_SLSA {
                    "provenance"
                } else {
                    "test-result"
                }
                .into(),
                created_millis: created + 30 * 60_000 + k as i64 * 60_000,
                created_by: "bookverse-ci".into(),
                verified: true,
            })
            .collect(),
        in_flight: None,
        modified_by: None,
        modified_millis: None,
    }
}

fn seed_releasables(app: &str, version: &str) -> Vec<Releasable> {
    let artifact = |path: String| {
        let bytes = seed_artifact_bytes(&path);
        Artifact {
            sha256: sha256_hex(&bytes),
            size: bytes.len() as u64,
            path,
        }
    };
    let docker = vec![
        artifact(format!(
            "{app}-internal-docker-nonprod-local/{app}/{version}/manifest.json"
        )),
        artifact(format!(
            "{app}-internal-docker-nonprod-local/{app}/{version}/sha256__layer0"
        )),
    ];
    let generic = vec![artifact(format!(
        "{app}-internal-generic-nonprod-local/{app}/{version}/{app}-{version}.tar.gz"
    ))];
    [
        ("docker", app.to_string(), docker),
        ("generic", format!("{app}-bundle"), generic),
    ]
    .into_iter()
    .map(|(package_type, name, artifacts)| {
        let joined: String = artifacts.iter().map(|a| a.sha256.as_str()).collect();
        Releasable {
            name,
            version: version.into(),
            package_type: package_type.into(),
            sha256: sha256_hex(joined.as_bytes()),
            artifacts,
        }
    })
    .collect()
}

/// Unpredictable 64-bit value (std's randomly keyed SipHash over a counter and the clock).
pub fn random_u64(counter: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    RandomState::new().hash_one((counter, nanos))
}

pub fn random_hex(counter: u64, bytes: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    while out.len() < bytes * 2 {
        out.push_str(&format!(
            "{:016x}",
            random_u64(counter.wrapping_mul(31).wrapping_add(n))
        ));
        n += 1;
    }
    out.truncate(bytes * 2);
    out
}

pub fn base64url(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let bit_len = (data.len() as u64).wrapping_mul(8);
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (slot, word) in w.iter_mut().zip(block.chunks_exact(4)) {
            *slot = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for (k, wi) in K.iter().zip(w.iter()) {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(*k)
                .wrapping_add(*wi);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (slot, add) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *slot = slot.wrapping_add(add);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

pub fn sha256_hex(data: &[u8]) -> String {
    sha256(data).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_known_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let long = vec![b'a'; 1000];
        assert_eq!(
            sha256_hex(&long),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
        );
    }

    #[test]
    fn base64url_without_padding() {
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn seed_is_consistent() {
        let st = seeded_state();
        let inv = &st.versions[APP_INVENTORY];
        assert_eq!(inv["1.0.0"].current_stage, STAGE_PROD);
        assert_eq!(inv["1.0.0"].release_status, RELEASE_RELEASED);
        assert_eq!(inv["1.1.0"].current_stage, STAGE_STAGING);
        assert_eq!(inv["1.2.0"].current_stage, STAGE_DEV);
        assert_eq!(inv["1.3.0"].current_stage, "");
        assert_eq!(inv["1.4.0"].status, "IN_PROGRESS");
        for v in inv.values() {
            assert_eq!(
                v.history
                    .last()
                    .map(|r| r.target_stage.clone())
                    .unwrap_or_default(),
                v.current_stage
            );
            assert_eq!(v.releasables.len(), 2);
            assert!(v.releasables.iter().all(|r| r.sha256.len() == 64));
            assert_eq!(v.application_version_sha256.len(), 64);
        }
    }
}
