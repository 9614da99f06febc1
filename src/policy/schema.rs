//! JSON Schema of the policy file, for editor completion and validation.
//!
//! The schema is generated from the raw serde structs (their `///` docs become descriptions),
//! so it cannot drift from what the parser accepts. A committed copy lives at
//! `schema/promotion-policy.schema.json`; a test fails when it is stale
//! (`UPDATE_SCHEMA=1 cargo test` rewrites it).

use super::raw::RawPolicy;

/// The JSON Schema (draft 2020-12) of `.github/promotion-policy.yml`.
pub fn json_schema() -> serde_json::Value {
    schemars::schema_for!(RawPolicy).to_value()
}

/// The JSON Schema, pretty-printed with a trailing newline, as committed in
/// `schema/promotion-policy.schema.json`.
pub fn json_schema_string() -> String {
    let mut s = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA_FILE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/promotion-policy.schema.json"
    );

    #[test]
    fn committed_schema_is_up_to_date() {
        let generated = json_schema_string();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(SCHEMA_FILE, &generated).expect("write schema file");
            return;
        }
        let committed = std::fs::read_to_string(SCHEMA_FILE).unwrap_or_default();
        assert!(
            committed == generated,
            "{SCHEMA_FILE} is out of date with the policy structs; regenerate it with \
             `UPDATE_SCHEMA=1 cargo test committed_schema_is_up_to_date` and commit the result"
        );
    }

    #[test]
    fn schema_describes_fixed_keys() {
        let s = json_schema();
        let text = s.to_string();
        for key in [
            "max-failures",
            "min-tests",
            "min-line",
            "min-branch",
            "max-level",
            "max-severity",
            "allow-neutral",
            "allow-skipped",
            "forbid-self-approval",
            "on-window-closed",
            "timezone",
        ] {
            assert!(text.contains(&format!("\"{key}\"")), "schema lacks {key}");
        }
        assert_eq!(s["required"], serde_json::json!(["version"]));
        assert_eq!(s["additionalProperties"], serde_json::json!(false));
    }
}
