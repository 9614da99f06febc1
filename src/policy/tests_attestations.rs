//! Tests of the `attestations` gate's settings and of `identity` on the `evidence` gate: the
//! defaults, the required identity, and each mistake placed at its line, column and key.

use super::*;

const FILE: &str = "p.yml";

fn policy(gate: &str) -> String {
    let mut text = "version: 1\nstages:\n  PROD:\n    gates:\n".to_string();
    for (i, line) in gate.lines().enumerate() {
        let indent = if i == 0 { "      - " } else { "        " };
        text.push_str(&format!("{indent}{line}\n"));
    }
    text
}

fn first_error(text: &str) -> PolicyError {
    match parse(FILE, text) {
        Ok(p) => panic!("expected an error, parsed {p:#?}"),
        Err(e) => e.first().clone(),
    }
}

#[test]
fn five_lines_of_policy_require_slsa_provenance_from_the_release_workflow() {
    let p = parse(
        FILE,
        &policy(
            "attestations:\n  identity:\n    signer-workflow: bookverse/inventory/.github/workflows/release.yml",
        ),
    )
    .unwrap();
    let gate = &p.stages[0].gates[0];
    assert_eq!(gate.name, "attestations");
    let GateSpec::Attestations {
        predicate_type,
        subjects,
        identity,
        trusted_root,
    } = &gate.spec
    else {
        panic!("{gate:?}")
    };
    assert_eq!(predicate_type, SLSA_PROVENANCE_V1);
    assert_eq!(*subjects, AttestationSubjects::Artifacts);
    assert_eq!(identity.issuer, crate::sigstore::GITHUB_ACTIONS_ISSUER);
    assert_eq!(*trusted_root, None);
    assert_eq!(gate.spec.kind(), "attestations");
}

#[test]
fn every_key_is_read() {
    let p = parse(
        FILE,
        &policy(
            "attestations:\n  predicate-type: https://spdx.dev/Document/v2.3\n  subjects: evidence\n  trusted-root: \" .github/sigstore/root.jsonl \"\n  identity:\n    owner: bookverse\n    source-ref: refs/heads/main\n    runner: github-hosted",
        ),
    )
    .unwrap();
    let GateSpec::Attestations {
        predicate_type,
        subjects,
        identity,
        trusted_root,
    } = &p.stages[0].gates[0].spec
    else {
        panic!()
    };
    assert_eq!(predicate_type, "https://spdx.dev/Document/v2.3");
    assert_eq!(*subjects, AttestationSubjects::Evidence);
    assert_eq!(trusted_root.as_deref(), Some(".github/sigstore/root.jsonl"));
    assert_eq!(identity.owner.as_deref(), Some("bookverse"));
    assert_eq!(identity.runner, Some(crate::sigstore::Runner::GithubHosted));
}

#[test]
fn mistakes_are_placed_at_their_key() {
    /// (gate, key path, (line, column), in the message, in the help)
    type Case<'a> = (&'a str, &'a str, (usize, usize), &'a str, &'a str);
    #[rustfmt::skip]
    let cases: &[Case] = &[
        ("attestations:\n  subjects: artifacts", "stages.PROD.gates[0].attestations", (5, 9), "has no `identity`", "an attestation anyone can make proves nothing"),
        ("attestations:\n  identity: {}", "stages.PROD.gates[0].attestations.identity", (6, 11), "names nobody", "gh attestation verify"),
        ("attestations:\n  identity:\n    owner: acme\n    source-ref: main", "stages.PROD.gates[0].attestations.identity.source-ref", (8, 25), "refs/heads/main", ""),
        ("attestations:\n  identity:\n    signer-workflow: acme/app", "stages.PROD.gates[0].attestations.identity.signer-workflow", (7, 30), "`signer-workflow`", ""),
        ("attestations:\n  identity: { owner: a }\n  trusted-root: /etc/root.json", "stages.PROD.gates[0].attestations.trusted-root", (7, 25), "is absolute", "gh attestation trusted-root"),
        ("attestations:\n  identity: { owner: a }\n  trusted-root: ../root.json", "stages.PROD.gates[0].attestations.trusted-root", (7, 25), "leaves the workspace", ""),
        ("attestations:\n  identity: { owner: a }\n  predicate-type: \" \"", "stages.PROD.gates[0].attestations.predicate-type", (7, 27), "is empty", ""),
        ("evidence:\n  required: [x]\n  identity: { runner: github-hosted }", "stages.PROD.gates[0].evidence.identity", (7, 11), "names nobody", ""),
    ];
    for (gate, path, (line, column), message, help) in cases {
        let e = first_error(&policy(gate));
        assert_eq!(e.path, *path, "{gate}: {e}");
        assert_eq!((e.line, e.column), (*line, *column), "{gate}: {e}");
        assert!(e.message.contains(message), "{gate}: {e}");
        assert!(e.help.contains(help), "{gate}: {}", e.help);
    }
}

#[test]
fn unknown_keys_and_values_are_refused_by_the_reader() {
    for (gate, needle) in [
        (
            "attestations:\n  identity: { owner: a }\n  subjects: files",
            "artifacts",
        ),
        (
            "attestations:\n  identity: { owner: a, repo: a/b }",
            "unknown field `repo`",
        ),
        (
            "attestations:\n  identity: { owner: a }\n  owner: a",
            "unknown field `owner`",
        ),
        (
            "attestations:\n  identity: { owner: a, runner: self-hosted }",
            "github-hosted",
        ),
    ] {
        let e = first_error(&policy(gate));
        assert!(e.to_string().contains(needle), "{gate}: {e}");
        assert!(e.line >= 5, "{gate}: {e}");
    }
}

#[test]
fn the_evidence_gate_takes_an_identity_for_sigstore_records() {
    let p = parse(
        FILE,
        &policy("evidence:\n  required: [https://slsa.dev/provenance/v1]\n  identity:\n    owner: bookverse"),
    )
    .unwrap();
    let GateSpec::Evidence { identity, .. } = &p.stages[0].gates[0].spec else {
        panic!()
    };
    assert_eq!(
        identity.as_ref().and_then(|i| i.owner.as_deref()),
        Some("bookverse")
    );
    let without = parse(FILE, &policy("evidence:\n  required: [x]")).unwrap();
    let GateSpec::Evidence { identity, .. } = &without.stages[0].gates[0].spec else {
        panic!()
    };
    assert_eq!(*identity, None);
}
