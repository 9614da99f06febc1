//! The committed JSON Schemas must match the Rust types they are generated from.
//! `UPDATE_SCHEMA=1 cargo test --test it schemas` rewrites them; commit the result.

use std::path::Path;

fn check(file: &str, generated: String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("write schema file");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{file} is out of date with the Rust types; regenerate it with \
         `UPDATE_SCHEMA=1 cargo test --test it schemas` and commit the result"
    );
}

#[test]
fn policy_schema_is_up_to_date() {
    check(
        "schema/promotion-policy.schema.json",
        promote_action::policy::json_schema_string(),
    );
}

#[test]
fn record_schema_is_up_to_date() {
    let generated = format!(
        "{}\n",
        serde_json::to_string_pretty(&promote_action::report::record::json_schema())
            .expect("schema serialises")
    );
    check("schema/record.schema.json", generated);
}

/// The policy schema (what editors check) agrees with the parser on the shipped policies and
/// on documents that mix the two forms of a window, freeze or condition.
#[test]
fn policy_schema_accepts_what_the_parser_accepts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schema/promotion-policy.schema.json"))
            .expect("schema file"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let as_json = |text: &str| -> serde_json::Value {
        let v: yaml_serde::Value = yaml_serde::from_str(text).expect("YAML");
        serde_json::to_value(v).expect("YAML as JSON")
    };
    for file in ["examples/promotion-policy.yml", "demo/promotion-policy.yml"] {
        let text = std::fs::read_to_string(root.join(file)).expect("policy file");
        promote_action::policy::parse(file, &text).expect("parser accepts it");
        let errors: Vec<String> = validator
            .iter_errors(&as_json(&text))
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file} fails the schema: {errors:?}");
    }
    let prod = |body: &str| format!("version: 1\nstages:\n  PROD:\n{body}");
    #[rustfmt::skip]
    let rejected = [
        ("days and rrule", prod("    windows:\n      - { days: [mon], start: \"09:00\", end: \"10:00\", rrule: FREQ=DAILY, duration: 1h, timezone: UTC }")),
        ("rrule without duration", prod("    windows:\n      - { rrule: FREQ=DAILY, timezone: UTC }")),
        ("freeze from and rrule", prod("    freezes:\n      - { from: 2026-01-01T00:00:00Z, to: 2026-01-02T00:00:00Z, rrule: FREQ=DAILY, duration: 1h, timezone: UTC, reason: x }")),
        ("fixed freeze with timezone", prod("    freezes:\n      - { from: 2026-01-01T00:00:00Z, to: 2026-01-02T00:00:00Z, timezone: UTC, reason: x }")),
        ("where min and equals", prod("    gates:\n      - evidence: { where: [{ predicate-type: t, pointer: /a, min: 1, equals: 1 }] }")),
        ("where bad pointer", prod("    gates:\n      - evidence: { where: [{ predicate-type: t, pointer: /a~2, max: 1 }] }")),
        ("evidence with nothing", prod("    gates:\n      - evidence: { allow-unverified: true }")),
        ("tests and junit", prod("    gates:\n      - { tests: { paths: a }, junit: { paths: a } }")),
        ("emergency-stop without label", "version: 1\nemergency-stop: {}\n".to_string()),
        ("ics and rrule", prod("    freezes:\n      - { ics: h.ics, rrule: FREQ=DAILY, duration: 1h, timezone: UTC, reason: x }")),
        ("ics and to", prod("    freezes:\n      - { ics: h.ics, to: 2026-01-02T00:00:00Z }")),
        ("fixed freeze without reason", prod("    freezes:\n      - { from: 2026-01-01T00:00:00Z, to: 2026-01-02T00:00:00Z }")),
        ("weekly window with exdate", prod("    windows:\n      - { days: [mon], start: \"09:00\", end: \"10:00\", timezone: UTC, exdate: [2026-01-05] }")),
        ("attestations without identity", prod("    gates:\n      - attestations: { subjects: artifacts }")),
        ("identity naming nobody", prod("    gates:\n      - attestations: { identity: { source-ref: refs/heads/main } }")),
        ("evidence identity naming nobody", prod("    gates:\n      - evidence: { required: [t], identity: { runner: github-hosted } }")),
    ];
    for (name, text) in rejected {
        assert!(
            promote_action::policy::parse("p.yml", &text).is_err(),
            "{name}: the parser accepts it"
        );
        assert!(
            !validator.is_valid(&as_json(&text)),
            "{name}: the schema accepts what the parser rejects"
        );
    }
}

/// `promote-action validate` reads the new keys: a bad rule is exit 2 with the file, line and
/// column of the offending part in the `::error` it prints.
#[test]
fn validate_command_points_at_a_bad_rrule_part() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("promotion-policy.yml");
    std::fs::write(
        &file,
        "version: 1\nemergency-stop: { label: promotion-freeze }\nstages:\n  PROD:\n    windows:\n      - rrule: \"FREQ=MONTHLY;BYDAY=1XX;BYHOUR=10\"\n        duration: 4h\n        timezone: Europe/Berlin\n",
    )
    .expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_promote-action"))
        .args(["validate", file.to_str().expect("utf8")])
        .output()
        .expect("runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("BYDAY \"1XX\" is not a weekday at line 6 column 30"),
        "{text}"
    );
    assert!(text.contains("stages.PROD.windows[0].rrule"), "{text}");
}
