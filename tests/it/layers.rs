//! The house's layering, held by a test (issue 22): no source file imports a module of a higher
//! layer, and no files import each other in a circle — outside tests. README "Architecture"
//! draws the layers; [`LAYERS`] is the same order, lowest first.
//!
//! Imports are read as text from `src/`: every `use crate::…`/`use super::…` (groups expanded)
//! and every `crate::…`/`super::…` path in code, comments and `#[cfg(test)]` parts left out. A
//! path into a `mod.rs` that only re-exports a name (`pub use child::Name`) counts as a path
//! into the child that defines it, as the compiler sees it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules, lowest layer first; a module may import its own layer and those below.
const LAYERS: &[&[&str]] = &[
    &["text", "digest", "secret", "lifecycle", "dsse", "sigstore"],
    &["inputs", "policy", "http", "reports"],
    &["error", "github", "monitoring"],
    &["gates"],
    &["jfrog"],
    &["promotion", "simulator"],
    &["report"],
    &["action"],
    &["demo", "local_gates"],
    &["cli"],
];

/// A module path, `["jfrog", "apptrust", "client"]`.
pub(crate) type Module = Vec<String>;

/// Which file each file imports.
type Edges = BTreeMap<Module, BTreeSet<Module>>;

/// One source file: its module path (`["jfrog", "apptrust", "client"]`) and code without tests.
struct Source {
    module: Vec<String>,
    is_mod_file: bool,
    code: String,
}

pub(crate) fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

pub(crate) fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/a/b.rs` → `[a, b]`; `src/a/mod.rs` → `[a]`; `src/lib.rs` → `[]`.
fn module_of(path: &Path) -> (Vec<String>, bool) {
    let rel = path.strip_prefix(src_dir()).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let is_mod_file = last == "mod" || last == "lib";
    if !is_mod_file {
        parts.push(last);
    }
    (parts, is_mod_file)
}

/// The code of a file without comments and without what only tests compile: an item under
/// `#[cfg(test)]` (to its closing brace at the same indent, or its `;`).
fn without_tests(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let code = line.split("//").next().unwrap_or_default();
        if code.trim() == "#[cfg(test)]" {
            let Some(item) = lines.next() else { break };
            let indent = item.len() - item.trim_start().len();
            // An item's head may run over several lines before its `{` or `;`.
            let mut head = item.trim_end().to_string();
            while !head.ends_with('{') && !head.ends_with(';') {
                match lines.next() {
                    Some(l) => head = l.trim_end().to_string(),
                    None => break,
                }
            }
            if head.ends_with('{') {
                let close = format!("{}}}", " ".repeat(indent));
                for l in lines.by_ref() {
                    if l.trim_end() == close {
                        break;
                    }
                }
            }
            continue;
        }
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// The modules declared `#[cfg(test)] mod x;` in a file: test files, not part of the house.
/// A `#[path = "f.rs"]` between the two names the file instead (`Err`).
fn test_children(text: &str) -> Vec<Result<String, String>> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    lines
        .windows(2)
        .filter(|w| w[0] == "#[cfg(test)]")
        .filter_map(|w| {
            if let Some(file) = w[1].strip_prefix("#[path = \"") {
                return Some(Err(file.trim_end_matches("\"]").to_string()));
            }
            let rest = w[1]
                .strip_prefix("pub(crate) mod ")
                .or_else(|| w[1].strip_prefix("mod "))?;
            rest.strip_suffix(';').map(|m| Ok(m.to_string()))
        })
        .collect()
}

/// Expands `a::{b, c::{d, e as f}}` into `a::b`, `a::c::d`, `a::c::e` (aliases dropped).
fn expand(tree: &str) -> Vec<String> {
    let words: Vec<&str> = tree.split_whitespace().collect();
    let mut t = words.join(" ");
    for tight in ["::", "{", "}", ","] {
        t = t
            .replace(&format!(" {tight}"), tight)
            .replace(&format!("{tight} "), tight);
    }
    expand_tight(&t)
}

fn expand_tight(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or_default();
        return vec![path.trim().to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.len().saturating_sub(1)];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|i| !i.is_empty())
        .flat_map(|i| match i {
            // `a::{self, b}` names `a` itself.
            "self" => vec![prefix.trim_end_matches("::").to_string()],
            _ => expand_tight(&format!("{prefix}{i}")),
        })
        .collect()
}

/// The `use` tree of a statement (`pub` or not), if the statement is a `use`.
fn use_tree(stmt: &str) -> Option<(&str, bool)> {
    let mut offset = 0;
    for line in stmt.split_inclusive('\n') {
        let t = line.trim_start();
        let at = offset + (line.len() - t.len());
        offset += line.len();
        for (prefix, reexport) in [
            ("use ", false),
            ("pub use ", true),
            ("pub(crate) use ", true),
            ("pub(super) use ", true),
        ] {
            if t.starts_with(prefix) {
                return Some((&stmt[at + prefix.len()..], reexport));
            }
        }
    }
    None
}

/// Every module path a file's code names, as absolute segments.
fn paths_named(source: &Source) -> Vec<(Vec<String>, bool)> {
    // `super` is the parent of the file's own module, whatever the file's name.
    let here = source.module.clone();
    let mut paths = Vec::new();
    // `use` statements, possibly over several lines, with their groups.
    for stmt in source.code.split(';') {
        let Some((tree, reexport)) = use_tree(stmt) else {
            continue;
        };
        for p in expand(tree) {
            paths.push((p, reexport));
        }
    }
    // Paths written inline in code.
    let bytes = source.code.as_bytes();
    for start in ["crate::", "super::"] {
        for (i, _) in source.code.match_indices(start) {
            let before = i.checked_sub(1).map(|j| bytes[j]);
            if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
                continue;
            }
            let p: String = source.code[i..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            // `crate::{…}` and `super::{…}` groups were read with their `use`.
            if !p.ends_with("::") {
                paths.push((p, false));
            }
        }
    }
    paths
        .into_iter()
        .filter_map(|(p, reexport)| {
            let mut segs: Vec<&str> = p.split("::").filter(|s| !s.is_empty()).collect();
            let mut base = match segs.first() {
                Some(&"crate") => Vec::new(),
                Some(&"super") => here.clone(),
                _ => return None,
            };
            if segs[0] == "crate" {
                segs.remove(0);
            }
            while segs.first() == Some(&"super") {
                segs.remove(0);
                base.pop();
            }
            base.extend(segs.iter().map(|s| s.to_string()));
            Some((base, reexport))
        })
        .collect()
}

/// The file a path lands in: the longest prefix that is a file, through `mod.rs` re-exports.
fn resolve(
    path: &[String],
    files: &BTreeMap<Vec<String>, Source>,
    reexports: &BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>>,
    depth: usize,
) -> Option<Vec<String>> {
    let file = (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| files.contains_key(p))?;
    let rest = &path[file.len()..];
    if depth < 8
        && let (Some(name), Some(map)) = (rest.first(), reexports.get(&file))
        && let Some(target) = map.get(name)
    {
        let mut next = target.clone();
        next.extend(rest[1..].iter().cloned());
        return resolve(&next, files, reexports, depth + 1).or(Some(file));
    }
    Some(file)
}

fn layer_of(module: &[String]) -> Option<usize> {
    let top = module.first()?;
    LAYERS.iter().position(|l| l.contains(&top.as_str()))
}

/// Every file under `src/` (`main.rs` too) by module: whether it is a `mod.rs`, its text and
/// path; and the modules that are test files (`#[cfg(test)] mod x;`, with or without `#[path]`).
pub(crate) type Texts = BTreeMap<Module, (bool, String, PathBuf)>;

pub(crate) fn read_src() -> (Texts, BTreeSet<Module>) {
    let mut all = Vec::new();
    rs_files(&src_dir(), &mut all);
    let mut texts = BTreeMap::new();
    let mut tests = BTreeSet::new();
    for path in all {
        let text = std::fs::read_to_string(&path).expect("read source");
        let (module, is_mod_file) = module_of(&path);
        let parent = if is_mod_file {
            module.clone()
        } else {
            module[..module.len() - 1].to_vec()
        };
        for child in test_children(&text) {
            let mut m = parent.clone();
            match child {
                Ok(name) => m.push(name),
                // `#[path]` names a file in the declaring file's folder.
                Err(file) => m.push(file.trim_end_matches(".rs").to_string()),
            }
            tests.insert(m);
        }
        texts.insert(module, (is_mod_file, text, path));
    }
    (texts, tests)
}

/// Whether `module` is a test file or inside one.
pub(crate) fn is_test(module: &[String], tests: &BTreeSet<Module>) -> bool {
    (1..=module.len()).any(|n| tests.contains(&module[..n]))
}

fn house() -> (BTreeMap<Module, Source>, Edges) {
    let (texts, tests) = read_src();
    let files: BTreeMap<Vec<String>, Source> = texts
        .into_iter()
        .filter(|(m, _)| m.first().is_none_or(|t| t != "main"))
        .filter(|(m, _)| !is_test(m, &tests))
        .map(|(module, (is_mod_file, text, _))| {
            let code = without_tests(&text);
            let source = Source {
                module: module.clone(),
                is_mod_file,
                code,
            };
            (module, source)
        })
        .collect();
    // What each mod.rs hands on from its children: name → the path it re-exports.
    let mut reexports: BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (module, source) in files.iter().filter(|(_, s)| s.is_mod_file) {
        for (path, reexport) in paths_named(source) {
            if let (true, Some(name)) = (reexport, path.last()) {
                reexports
                    .entry(module.clone())
                    .or_default()
                    .insert(name.clone(), path.clone());
            }
        }
        // `pub use child::Name` is written without `crate::`/`super::`.
        for stmt in source.code.split(';') {
            let Some((tree, true)) = use_tree(stmt) else {
                continue;
            };
            for p in expand(tree) {
                let segs: Vec<String> = p.split("::").map(str::to_string).collect();
                if segs.len() < 2 || ["crate", "super", "self"].contains(&segs[0].as_str()) {
                    continue;
                }
                let mut target = module.clone();
                target.extend(segs.iter().cloned());
                if let Some(name) = segs.last() {
                    reexports
                        .entry(module.clone())
                        .or_default()
                        .insert(name.clone(), target);
                }
            }
        }
    }
    let mut edges: Edges = BTreeMap::new();
    for (module, source) in &files {
        for (path, _) in paths_named(source) {
            if let Some(to) = resolve(&path, &files, &reexports, 0)
                && &to != module
                && !to.is_empty()
            {
                edges.entry(module.clone()).or_default().insert(to);
            }
        }
    }
    (files, edges)
}

fn shown(m: &[String]) -> String {
    format!("src/{}", m.join("/"))
}

#[test]
fn no_file_imports_a_module_of_a_higher_layer() {
    let (files, edges) = house();
    assert!(files.len() > 100, "read {} files", files.len());
    let mut upward = Vec::new();
    for top in files.keys().filter_map(|m| m.first()) {
        assert!(
            layer_of(std::slice::from_ref(top)).is_some(),
            "src/{top} is in no layer: add it to LAYERS and to README \"Architecture\""
        );
    }
    for (from, tos) in &edges {
        for to in tos {
            if let (Some(a), Some(b)) = (layer_of(from), layer_of(to))
                && b > a
            {
                upward.push(format!("{} → {}", shown(from), shown(to)));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports that run up a layer:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_files_import_each_other_in_a_circle() {
    let (_, edges) = house();
    // Tarjan-free: a file is in a circle when it can reach itself.
    let reach = |start: &Vec<String>| -> Option<Vec<String>> {
        let mut stack = vec![(start.clone(), vec![shown(start)])];
        let mut seen = BTreeSet::new();
        while let Some((at, trail)) = stack.pop() {
            for next in edges.get(&at).into_iter().flatten() {
                if next == start {
                    let mut t = trail.clone();
                    t.push(shown(next));
                    return Some(t);
                }
                if seen.insert(next.clone()) {
                    let mut t = trail.clone();
                    t.push(shown(next));
                    stack.push((next.clone(), t));
                }
            }
        }
        None
    };
    let circles: Vec<String> = edges
        .keys()
        .filter_map(|m| reach(m).map(|t| t.join(" → ")))
        .collect();
    assert!(
        circles.is_empty(),
        "files in a circle:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_reader_sees_imports_a_circle_and_an_upward_one() {
    // The reading itself can fail: a group, a `super` path and a re-export must resolve.
    assert_eq!(
        expand("a::{b, c::{d, e as f}}"),
        ["a::b", "a::c::d", "a::c::e"]
    );
    assert_eq!(
        expand("crate::promotion::{self,\n    WalkOptions}"),
        ["crate::promotion", "crate::promotion::WalkOptions"]
    );
    let code = without_tests("use x;\n#[cfg(test)]\nmod tests {\n    use y;\n}\nuse z; // w\n");
    assert_eq!(code, "use x;\nuse z; \n");
    let (files, edges) = house();
    let m = |s: &str| -> Vec<String> { s.split('/').map(str::to_string).collect() };
    assert!(files.contains_key(&m("promotion/walk")));
    // walk.rs takes `Walk` from walker.rs and `HopEnd` from hop.rs.
    let walk = edges.get(&m("promotion/walk")).expect("walk imports");
    assert!(walk.contains(&m("promotion/walker")), "{walk:?}");
    assert!(walk.contains(&m("promotion/hop")), "{walk:?}");
    // A name taken through a mod.rs re-export lands in the file that defines it.
    let action = edges.get(&m("action/promote")).expect("promote imports");
    assert!(
        action.iter().any(|t| t.starts_with(&m("promotion"))),
        "{action:?}"
    );
}
