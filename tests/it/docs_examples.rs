//! The documentation against the code, continued: the example workflows (inputs, permissions,
//! pinned actions) and the policy's example, schema and README reference.

use std::collections::BTreeSet;
use std::path::PathBuf;

use yaml_serde::Value;

use crate::docs::Default;
use crate::docs::*;

// ---------------------------------------------------------------------------------------
// Example workflows

fn example_workflows() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("examples"))
        .expect("examples/")
        .chain(
            std::fs::read_dir(repo().join(".github/workflows"))
                .into_iter()
                .flatten(),
        )
        .map(|e| e.expect("dir entry").path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read workflow");
            let rel = p.strip_prefix(repo()).unwrap_or(&p).display().to_string();
            (rel, text)
        })
        .filter(|(_, text)| text.lines().any(|l| l.starts_with("jobs:")))
        .collect()
}

/// Problems in one workflow: the `with:` of every `uses: bookverse/promote-action@…` step
/// names only inputs of action.yml and gives every required one; top-level permissions are
/// empty; third-party actions are pinned to a commit SHA with a version comment.
pub(crate) fn check_workflow(file: &str, text: &str, action: &ActionYml) -> Vec<String> {
    let mut problems = vec![];
    let doc: Value = match yaml_serde::from_str(text) {
        Ok(d) => d,
        Err(e) => return vec![format!("{file}: not YAML: {e}")],
    };
    match doc.get("permissions") {
        Some(Value::Mapping(m)) if m.is_empty() => {}
        _ => problems.push(format!("{file}: top-level `permissions: {{}}` missing")),
    }
    let Some(jobs) = doc["jobs"].as_mapping() else {
        return vec![format!("{file}: no jobs")];
    };
    for (job_id, job) in jobs {
        let job_id = job_id.as_str().unwrap_or("?");
        for (i, step) in job["steps"].as_sequence().into_iter().flatten().enumerate() {
            let Some(uses) = step["uses"].as_str() else {
                continue;
            };
            if !uses.starts_with("bookverse/promote-action@") {
                continue;
            }
            let at = format!("{file}: job `{job_id}` step {}", i + 1);
            let with: BTreeSet<String> = step["with"]
                .as_mapping()
                .map(|m| {
                    m.keys()
                        .filter_map(|k| k.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            for key in &with {
                if !action.inputs.contains_key(key) {
                    problems.push(format!("{at}: `with: {key}` is not an input of action.yml"));
                }
            }
            for (name, d) in &action.inputs {
                if *d == Default::Required && !with.contains(name) {
                    problems.push(format!("{at}: required input `{name}` is not given"));
                }
            }
            problems.extend(missing_permissions(&at, job, &step["with"]));
        }
    }
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start().trim_start_matches("- ").trim_start();
        let Some(uses) = t.strip_prefix("uses:") else {
            continue;
        };
        let (reference, comment) = match uses.split_once('#') {
            Some((r, c)) => (r.trim(), c.trim()),
            None => (uses.trim(), ""),
        };
        if reference.starts_with("./")
            || reference.starts_with("docker://")
            || reference.starts_with("bookverse/promote-action@")
        {
            continue;
        }
        let sha = reference.rsplit_once('@').map(|(_, r)| r).unwrap_or("");
        let pinned = sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit());
        if !pinned || !comment.starts_with('v') {
            problems.push(format!(
                "{file}:{}: `{reference}` must be pinned to a full commit SHA with a `# vX.Y.Z` comment",
                n + 1
            ));
        }
    }
    problems
}

/// The job permission each feature of the action needs (README "Permissions each feature
/// needs"): `(input, set when, permission, level)`.
const FEATURE_PERMISSIONS: &[(&str, &str, &str, &str)] = &[
    ("oidc-provider-name", "non-empty", "id-token", "write"),
    ("check-run", "true", "checks", "write"),
    ("deployment", "true", "deployments", "write"),
    ("notify-issue", "true", "issues", "write"),
];

/// Problems: a feature turned on in `with` without the job permission it needs.
fn missing_permissions(at: &str, job: &Value, with: &Value) -> Vec<String> {
    let perms = &job["permissions"];
    let has = |scope: &str, level: &str| match perms {
        Value::String(all) => all == "write-all" || (level == "read" && all == "read-all"),
        Value::Mapping(_) => match perms[scope].as_str() {
            Some("write") => true,
            Some("read") => level == "read",
            _ => false,
        },
        _ => false,
    };
    let mut problems = vec![];
    for (input, when, scope, level) in FEATURE_PERMISSIONS {
        let value = match &with[*input] {
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        let on = match *when {
            "non-empty" => !value.trim().is_empty(),
            _ => value.trim() == "true" || value.contains("${{"),
        };
        if on && !has(scope, level) {
            problems.push(format!(
                "{at}: `{input}: {value}` needs `permissions: {scope}: {level}` on the job"
            ));
        }
    }
    problems
}

#[test]
fn example_workflows_use_only_real_inputs() {
    let action = action();
    let workflows = example_workflows();
    let names: Vec<&str> = workflows.iter().map(|(f, _)| f.as_str()).collect();
    for want in [
        "examples/promote-on-ci-success.yml",
        "examples/manual-promotion.yml",
        "examples/scheduled-prod-promotion.yml",
        "examples/rollback.yml",
        "examples/reusable-promote.yml",
        "examples/promote-pipeline.yml",
        "examples/release-train.yml",
        ".github/workflows/release.yml",
    ] {
        assert!(names.contains(&want), "{want} missing (found {names:?})");
    }
    let uses_action = workflows
        .iter()
        .filter(|(_, t)| t.contains("uses: bookverse/promote-action@"))
        .count();
    assert!(
        uses_action >= 5,
        "only {uses_action} workflows use the action"
    );
    let problems = workflows
        .iter()
        .flat_map(|(f, t)| check_workflow(f, t, &action))
        .collect();
    assert_none("example workflows", problems);
}

// ---------------------------------------------------------------------------------------
// Policy: example, schema, README reference

fn schema() -> serde_json::Value {
    serde_json::from_str(&read("schema/promotion-policy.schema.json")).expect("schema is JSON")
}

/// Every property name declared anywhere in the schema (`properties` keys).
fn schema_property_names(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, child) in m {
                if let (true, Some(props)) = (k == "properties", child.as_object()) {
                    out.extend(props.keys().cloned());
                }
                schema_property_names(child, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|c| schema_property_names(c, out)),
        _ => {}
    }
}

fn all_schema_properties() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    schema_property_names(&schema(), &mut names);
    assert!(names.len() > 30, "schema properties not found: {names:?}");
    names
}

/// Every mapping key anywhere in a YAML document.
fn yaml_keys(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Mapping(m) => {
            for (k, child) in m {
                if let Some(k) = k.as_str() {
                    out.insert(k.to_string());
                }
                yaml_keys(child, out);
            }
        }
        Value::Sequence(s) => s.iter().for_each(|c| yaml_keys(c, out)),
        Value::Tagged(t) => yaml_keys(&t.value, out),
        _ => {}
    }
}

#[test]
fn example_policy_parses_and_uses_every_policy_key() {
    let text = read("examples/promotion-policy.yml");
    let policy = promote_action::policy::parse("examples/promotion-policy.yml", &text);
    if let Err(e) = &policy {
        panic!("examples/promotion-policy.yml does not parse:\n{e}");
    }
    let doc: Value = yaml_serde::from_str(&text).expect("YAML");
    let mut keys = BTreeSet::new();
    yaml_keys(&doc, &mut keys);
    let missing: Vec<_> = all_schema_properties().difference(&keys).cloned().collect();
    assert!(
        missing.is_empty(),
        "examples/promotion-policy.yml does not show these policy keys: {missing:?}"
    );
    // scheduled-prod-promotion.yml relies on it.
    assert_eq!(
        doc["stages"]["PROD"]["on-window-closed"].as_str(),
        Some("defer"),
        "examples/scheduled-prod-promotion.yml documents PROD with `on-window-closed: defer`"
    );
}

/// Problems: schema property names that the README policy reference does not mention (as
/// `` `name` `` or `` `name:` ``).
pub(crate) fn policy_reference_missing(readme: &str, names: &BTreeSet<String>) -> Vec<String> {
    let Some(reference) = section(readme, "Policy reference") else {
        return vec!["README.md has no `Policy reference` section".to_string()];
    };
    names
        .iter()
        .filter(|n| {
            !reference.contains(&format!("`{n}`"))
                && !reference.contains(&format!("`{n}:"))
                && !reference.contains(&format!(" {n}:"))
        })
        .map(|n| format!("README policy reference does not mention `{n}`"))
        .collect()
}

#[test]
fn readme_policy_reference_covers_the_schema() {
    assert_none(
        "README policy reference vs schema/promotion-policy.schema.json",
        policy_reference_missing(&read("README.md"), &all_schema_properties()),
    );
}
