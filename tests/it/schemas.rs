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
