//! Room sizes, held by a test (issue 22): no source file over 500 lines (its inline test module
//! aside), no test file or inline test module over 600, no function over 120 — in `src/` and in
//! this test binary. A reader can hold a file, and a function, in their head.

use std::path::{Path, PathBuf};

use crate::layers::{is_test, read_src, rs_files};

const MAX_FILE: usize = 500;
const MAX_TEST_FILE: usize = 600;
const MAX_FN: usize = 120;

/// Where an inline `#[cfg(test)] mod tests {` starts (0-based), if the file has one.
fn inline_tests_at(lines: &[&str]) -> Option<usize> {
    lines
        .windows(2)
        .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod tests {"))
}

/// Every function longer than `MAX_FN` lines: `name (lines)`. A function runs from its `fn`
/// line to the `}` at the same indent.
fn long_functions(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut long = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let Some(name) = fn_name(body) else { continue };
        // A declaration without a body (in a trait) ends its head with `;`.
        let head_end = lines[i..]
            .iter()
            .map(|l| l.trim_end())
            .find(|l| l.ends_with('{') || l.ends_with(';') || l.ends_with('}'));
        if head_end.is_none_or(|l| l.ends_with(';')) {
            continue;
        }
        let close = format!("{indent}}}");
        let Some(len) = lines[i..].iter().position(|l| *l == close) else {
            continue;
        };
        if len + 1 > MAX_FN {
            long.push(format!("{name} ({} lines)", len + 1));
        }
    }
    long
}

/// The name of the function a line declares, if it does.
fn fn_name(line: &str) -> Option<&str> {
    // Rust's order of qualifiers: visibility, `const`, `async`, `unsafe`.
    let mut rest = line;
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let name = rest.strip_prefix("fn ")?;
    let end = name.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&name[..end])
}

fn it_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rs_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it"),
        &mut files,
    );
    files.sort();
    files
}

#[test]
fn no_room_is_too_big() {
    let (texts, tests) = read_src();
    let mut over = Vec::new();
    for (module, (_, text, path)) in &texts {
        let lines: Vec<&str> = text.lines().collect();
        let shown = path.display();
        if is_test(module, &tests) {
            if lines.len() > MAX_TEST_FILE {
                over.push(format!("{shown}: test file of {} lines", lines.len()));
            }
            continue;
        }
        let code = inline_tests_at(&lines).unwrap_or(lines.len());
        if code > MAX_FILE {
            over.push(format!("{shown}: {code} lines before its tests"));
        }
        if lines.len() - code > MAX_TEST_FILE {
            over.push(format!(
                "{shown}: a test module of {} lines",
                lines.len() - code
            ));
        }
    }
    for path in it_files() {
        let n = std::fs::read_to_string(&path)
            .expect("read")
            .lines()
            .count();
        if n > MAX_TEST_FILE {
            over.push(format!("{}: test file of {n} lines", path.display()));
        }
    }
    assert!(texts.len() > 100, "read {} files", texts.len());
    assert!(
        over.is_empty(),
        "split these by subject:\n{}",
        over.join("\n")
    );
}

#[test]
fn no_function_is_too_long() {
    let (texts, _) = read_src();
    let mut sources: Vec<(String, String)> = texts
        .values()
        .map(|(_, text, path)| (path.display().to_string(), text.clone()))
        .collect();
    for path in it_files() {
        let text = std::fs::read_to_string(&path).expect("read");
        sources.push((path.display().to_string(), text));
    }
    let long: Vec<String> = sources
        .iter()
        .flat_map(|(path, text)| {
            long_functions(text)
                .into_iter()
                .map(move |f| format!("{path}: {f}"))
        })
        .collect();
    assert!(long.is_empty(), "split these:\n{}", long.join("\n"));
}

#[test]
fn the_measure_finds_a_long_function_and_an_inline_test_module() {
    let body = "    let x = 1;\n".repeat(MAX_FN);
    let text = format!("pub(crate) async fn big() {{\n{body}}}\n\nfn small() {{\n}}\n");
    assert_eq!(
        long_functions(&text),
        [format!("big ({} lines)", MAX_FN + 2)]
    );
    assert!(long_functions("trait T {\n    fn f(&self);\n}\n").is_empty());
    let lines = ["fn a() {}", "", "#[cfg(test)]", "mod tests {", "}"];
    assert_eq!(inline_tests_at(&lines), Some(2));
    assert_eq!(fn_name("pub(super) fn walk<A>(x: A) {"), Some("walk"));
}
