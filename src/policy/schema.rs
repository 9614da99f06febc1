//! JSON Schema of the policy file, for editor completion and validation.
//!
//! The schema is generated from the raw serde structs (their `///` docs become descriptions),
//! so it cannot drift from what the parser accepts. A committed copy lives at
//! `schema/promotion-policy.schema.json`; a test fails when it is stale
//! (`UPDATE_SCHEMA=1 cargo test --test it schemas` rewrites it).

use super::raw::RawPolicy;

/// The JSON Schema (draft 2020-12) of `.github/promotion-policy.yml`.
pub(crate) fn json_schema() -> serde_json::Value {
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
