//! Documentation drift: README and SPEC tables against action.yml, the example workflows
//! against action.yml's inputs, the example policy against the parser and the JSON Schema, and
//! the README policy reference against the schema.
//!
//! Each comparison is a pure function returning the list of problems, so the `*_detects_*`
//! tests below can prove on hand-made drift that a check really fails.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use yaml_serde::Value;

use crate::docs_examples::{check_workflow, policy_reference_missing};

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn read(rel: &str) -> String {
    let p = repo().join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

pub(crate) fn assert_none(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s):\n  - {}",
        problems.len(),
        problems.join("\n  - ")
    );
}

// ---------------------------------------------------------------------------------------
// action.yml

/// An input's default as documented: required (no default), or a default value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Default {
    Required,
    Value(String),
}

pub(crate) struct ActionYml {
    pub(crate) inputs: BTreeMap<String, Default>,
    pub(crate) outputs: BTreeSet<String>,
}

pub(crate) fn parse_action_yml(text: &str) -> ActionYml {
    let doc: Value = yaml_serde::from_str(text).expect("action.yml is YAML");
    let mut inputs = BTreeMap::new();
    for (k, v) in doc["inputs"].as_mapping().expect("action.yml has inputs") {
        let name = k.as_str().expect("input name").to_string();
        let required = v["required"].as_bool().unwrap_or(false);
        let default = match &v["default"] {
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let d = if required {
            assert!(
                v.get("default").is_none(),
                "action.yml: required input `{name}` also has a default"
            );
            Default::Required
        } else {
            Default::Value(default)
        };
        inputs.insert(name, d);
    }
    let outputs = doc["outputs"]
        .as_mapping()
        .expect("action.yml has outputs")
        .keys()
        .map(|k| k.as_str().expect("output name").to_string())
        .collect();
    ActionYml { inputs, outputs }
}

pub(crate) fn action() -> ActionYml {
    parse_action_yml(&read("action.yml"))
}

// ---------------------------------------------------------------------------------------
// Markdown, by hand

/// The body of the first section whose heading text starts with `title` (any level), up to
/// the next heading of the same or a higher level. Headings inside code fences are ignored.
pub(crate) fn section<'a>(md: &'a str, title: &str) -> Option<&'a str> {
    let mut start: Option<(usize, usize)> = None; // (byte offset of body, level)
    let mut offset = 0;
    let mut fenced = false;
    for line in md.split_inclusive('\n') {
        let t = line.trim_end();
        if t.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        let level = t.chars().take_while(|c| *c == '#').count();
        let is_heading = !fenced && level > 0 && t[level..].starts_with(' ');
        if is_heading {
            let text = t[level..].trim();
            match start {
                Some((body, l)) if level <= l => return Some(&md[body..offset]),
                None if text.starts_with(title) => start = Some((offset + line.len(), level)),
                _ => {}
            }
        }
        offset += line.len();
    }
    start.map(|(body, _)| &md[body..])
}

/// Splits a table row into cells: `|` inside backticks or escaped as `\|` does not split.
pub(crate) fn cells(row: &str) -> Vec<String> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = row.strip_suffix('|').unwrap_or(row);
    let mut out = vec![String::new()];
    let mut code = false;
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                out.last_mut().expect("cell").push('|');
                chars.next();
            }
            '`' => {
                code = !code;
                out.last_mut().expect("cell").push(c);
            }
            '|' if !code => out.push(String::new()),
            _ => out.last_mut().expect("cell").push(c),
        }
    }
    out.into_iter().map(|c| c.trim().to_string()).collect()
}

/// The rows (header and separator excluded) of the first table in `text`.
pub(crate) fn first_table(text: &str) -> Vec<Vec<String>> {
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with('|'))
        .take_while(|l| l.trim_start().starts_with('|'))
        .collect();
    lines.iter().skip(2).map(|l| cells(l)).collect()
}

/// `` `name` `` → `name`.
pub(crate) fn unquote(cell: &str) -> String {
    let c = cell.trim();
    c.strip_prefix('`')
        .and_then(|c| c.strip_suffix('`'))
        .unwrap_or(c)
        .to_string()
}

/// A documented default: `— (required)`, `` `""` ``, `` `copy` ``, `` `${{ github.token }}` ``.
pub(crate) fn documented_default(cell: &str) -> Default {
    if cell.contains("required") && !cell.starts_with('`') {
        return Default::Required;
    }
    let v = unquote(cell);
    if v == "\"\"" {
        Default::Value(String::new())
    } else {
        Default::Value(v)
    }
}

/// Problems between a markdown inputs table and action.yml's inputs (names and defaults).
fn compare_inputs_table(doc: &str, table: &[Vec<String>], action: &ActionYml) -> Vec<String> {
    let mut problems = vec![];
    let mut seen = BTreeSet::new();
    for row in table {
        let name = unquote(&row[0]);
        if !seen.insert(name.clone()) {
            problems.push(format!("{doc}: input `{name}` is listed twice"));
        }
        match (action.inputs.get(&name), row.get(1)) {
            (None, _) => problems.push(format!("{doc}: input `{name}` is not in action.yml")),
            (Some(_), None) => {
                problems.push(format!("{doc}: input `{name}` has no default column"))
            }
            (Some(want), Some(cell)) => {
                let got = documented_default(cell);
                if &got != want {
                    problems.push(format!(
                        "{doc}: input `{name}` default is {got:?}, action.yml says {want:?}"
                    ));
                }
            }
        }
    }
    for name in action.inputs.keys() {
        if !seen.contains(name) {
            problems.push(format!(
                "{doc}: action.yml input `{name}` is not documented"
            ));
        }
    }
    problems
}

/// Problems between a markdown outputs table and action.yml's outputs.
fn compare_outputs_table(doc: &str, table: &[Vec<String>], action: &ActionYml) -> Vec<String> {
    let listed: BTreeSet<String> = table.iter().map(|r| unquote(&r[0])).collect();
    let mut problems = vec![];
    if listed.len() != table.len() {
        problems.push(format!("{doc}: an output is listed twice"));
    }
    for name in listed.difference(&action.outputs) {
        problems.push(format!("{doc}: output `{name}` is not in action.yml"));
    }
    for name in action.outputs.difference(&listed) {
        problems.push(format!(
            "{doc}: action.yml output `{name}` is not documented"
        ));
    }
    problems
}

fn readme_tables(readme: &str) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let inputs = section(readme, "Inputs").expect("README has an `Inputs` section");
    let outputs = section(readme, "Outputs").expect("README has an `Outputs` section");
    (first_table(inputs), first_table(outputs))
}

#[test]
fn readme_inputs_table_matches_action_yml() {
    let readme = read("README.md");
    let (inputs, _) = readme_tables(&readme);
    assert!(
        inputs.len() >= 10,
        "README inputs table not found or too short"
    );
    assert_none(
        "README inputs table vs action.yml",
        compare_inputs_table("README.md", &inputs, &action()),
    );
}

#[test]
fn readme_outputs_table_matches_action_yml() {
    let readme = read("README.md");
    let (_, outputs) = readme_tables(&readme);
    assert!(
        outputs.len() >= 5,
        "README outputs table not found or too short"
    );
    assert_none(
        "README outputs table vs action.yml",
        compare_outputs_table("README.md", &outputs, &action()),
    );
}

/// SPEC.md lives in the shared folder beside the repository (`../shared/SPEC.md`); a clone
/// without it skips this test (set PROMOTE_ACTION_SPEC to point elsewhere).
fn spec_path() -> Option<PathBuf> {
    let p = std::env::var_os("PROMOTE_ACTION_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/SPEC.md"));
    p.is_file().then_some(p)
}

/// Problems: SPEC inputs or outputs missing from action.yml.
fn spec_names_missing(spec: &str, action: &ActionYml) -> Vec<String> {
    let inputs = section(spec, "Inputs").map(first_table).unwrap_or_default();
    let outputs = section(spec, "Outputs")
        .map(first_table)
        .unwrap_or_default();
    let mut problems = vec![];
    if inputs.is_empty() || outputs.is_empty() {
        problems.push("SPEC.md: inputs or outputs table not found".to_string());
    }
    for row in &inputs {
        let name = unquote(&row[0]);
        if !action.inputs.contains_key(&name) {
            problems.push(format!("SPEC input `{name}` is not in action.yml"));
        }
    }
    for row in &outputs {
        let name = unquote(&row[0]);
        if !action.outputs.contains(&name) {
            problems.push(format!("SPEC output `{name}` is not in action.yml"));
        }
    }
    problems
}

#[test]
fn spec_inputs_and_outputs_are_in_action_yml() {
    let Some(path) = spec_path() else {
        eprintln!("note: ../shared/SPEC.md not found; SPEC check skipped");
        return;
    };
    let spec = std::fs::read_to_string(&path).expect("read SPEC.md");
    assert_none(
        "SPEC.md vs action.yml",
        spec_names_missing(&spec, &action()),
    );
}

// ---------------------------------------------------------------------------------------
// The checks above really fail on drift.

const ACTION_FIXTURE: &str = r#"
name: t
description: t
inputs:
  jfrog-url: { description: u, required: true }
  command: { description: c, required: false, default: promote }
  hotfix: { description: h, required: false, default: "false" }
  reason: { description: r, required: false, default: "" }
  notify-issue: { description: n, required: false, default: "false" }
outputs:
  result: { description: r }
  to-stage: { description: s }
runs: { using: docker, image: Dockerfile }
"#;

const README_FIXTURE: &str = "# x

```sh
## not a heading
```

### Inputs

| input | default | meaning |
|---|---|---|
| `jfrog-url` | — (required) | url |
| `command` | `promote` | `a|b` |
| `hotfix` | `false` | h |
| `reason` | `\"\"` | r |
| `notify-issue` | `false` | n |

### Outputs

| output | value |
|---|---|
| `result` | `promoted|blocked` |
| `to-stage` | s |

## Policy reference

`version`, `stages`, `gates:`
";

fn fixture_tables(readme: &str) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    readme_tables(readme)
}

#[test]
fn docs_checks_pass_on_consistent_fixture() {
    let action = parse_action_yml(ACTION_FIXTURE);
    let (i, o) = fixture_tables(README_FIXTURE);
    assert_eq!(i.len(), 5);
    assert_eq!(o[0], vec!["`result`", "`promoted|blocked`"]);
    assert_none("fixture inputs", compare_inputs_table("R", &i, &action));
    assert_none("fixture outputs", compare_outputs_table("R", &o, &action));
    let names: BTreeSet<String> = ["version", "stages", "gates"].map(String::from).into();
    assert_none(
        "fixture reference",
        policy_reference_missing(README_FIXTURE, &names),
    );
}

#[test]
fn docs_checks_detect_drift() {
    let action = parse_action_yml(ACTION_FIXTURE);

    // A wrong default, a missing input, an extra input.
    let drifted = README_FIXTURE
        .replace("| `hotfix` | `false` |", "| `hotfix` | `true` |")
        .replace(
            "| `reason` | `\"\"` | r |\n",
            "| `reasons` | `\"\"` | r |\n",
        );
    let (i, o) = fixture_tables(&drifted);
    let p = compare_inputs_table("R", &i, &action);
    assert_eq!(p.len(), 3, "{p:#?}");
    assert!(p.iter().any(|m| m.contains("`hotfix` default")), "{p:#?}");
    assert!(
        p.iter()
            .any(|m| m.contains("`reasons` is not in action.yml")),
        "{p:#?}"
    );
    assert!(
        p.iter().any(|m| m.contains("`reason` is not documented")),
        "{p:#?}"
    );
    assert_none("outputs unchanged", compare_outputs_table("R", &o, &action));

    // A required input documented with a default.
    let drifted = README_FIXTURE.replace("— (required)", "`\"\"`");
    let (i, _) = fixture_tables(&drifted);
    assert_eq!(compare_inputs_table("R", &i, &action).len(), 1);

    // An undocumented output.
    let drifted = README_FIXTURE.replace("| `to-stage` | s |\n", "");
    let (_, o) = fixture_tables(&drifted);
    assert_eq!(compare_outputs_table("R", &o, &action).len(), 1);

    // SPEC naming an input action.yml lacks.
    let spec = README_FIXTURE.replace("`command`", "`commands`");
    assert_eq!(spec_names_missing(&spec, &action).len(), 1);

    // A workflow with an unknown input, a missing required one, an unpinned action.
    let wf = "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n      \
              - uses: actions/checkout@v4\n      - uses: bookverse/promote-action@v1\n        \
              with: { comand: plan }\n";
    let p = check_workflow("w.yml", wf, &action);
    assert_eq!(p.len(), 3, "{p:#?}");

    // A feature without the job permission it needs.
    let wf = "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    permissions: { contents: read }\n    \
              steps:\n      - uses: bookverse/promote-action@v1\n        \
              with: { jfrog-url: u, notify-issue: true }\n";
    let p = check_workflow("w.yml", wf, &action);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].contains("issues: write"), "{p:#?}");

    // A policy key the README reference does not mention.
    let names: BTreeSet<String> = ["version", "windows"].map(String::from).into();
    assert_eq!(policy_reference_missing(README_FIXTURE, &names).len(), 1);
}

#[test]
fn example_files_are_where_the_readme_says() {
    // The README's Examples section (once present) links files that exist.
    let readme = read("README.md");
    let Some(examples) = section(&readme, "Examples") else {
        return;
    };
    for part in examples.split("](").skip(1) {
        let target = part.split(')').next().unwrap_or("");
        if target.starts_with("examples/") || target.starts_with(".github/") {
            assert!(
                Path::new(&repo().join(target)).exists(),
                "README Examples links {target}, which does not exist"
            );
        }
    }
}

/// `PROMOTE_ACTION_*` variables the test harness (`harness`, its text) sets on the binary that
/// no source file (`sources`, their text) names: settings that change nothing.
fn unread_settings(harness: &str, sources: &str) -> Vec<String> {
    let set: BTreeSet<&str> = harness
        .split(".env(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|name| name.starts_with("PROMOTE_ACTION_"))
        .collect();
    set.into_iter()
        .filter(|name| !sources.contains(&format!("\"{name}\"")))
        .map(|name| format!("tests/it/common.rs sets {name}, which nothing in src/ reads"))
        .collect()
}

/// Every `.rs` file under `dir`, concatenated.
fn sources_under(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&sources_under(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            text.push_str(&std::fs::read_to_string(&path).expect("read source"));
        }
    }
    text
}

#[test]
fn every_setting_the_harness_gives_the_binary_is_read() {
    assert_none(
        "harness settings",
        unread_settings(
            &read("tests/it/common.rs"),
            &sources_under(&repo().join("src")),
        ),
    );
}

#[test]
fn unread_settings_detects_a_variable_nothing_reads() {
    let harness =
        r#"cmd.env("PROMOTE_ACTION_A", "1").env("PROMOTE_ACTION_B", "2").env("HOME", "/")"#;
    assert_eq!(
        unread_settings(harness, r#"num("PROMOTE_ACTION_A")"#),
        ["tests/it/common.rs sets PROMOTE_ACTION_B, which nothing in src/ reads"]
    );
}
