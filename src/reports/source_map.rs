//! Puts annotations on the user's code: picks, from a failure's stack, the frame in the test's
//! own class or in a file of the workspace, and turns the file names reports print (a bare
//! `CalcTest.java`, `C:\agent\_work\1\s\Tests\CalcTests.cs`, `/home/runner/work/r/r/x.test.js`,
//! `file:///…/src/math.js`) into workspace paths GitHub can show the line of.
//!
//! As dorny/test-reporter does with the repository's tracked files, the workspace is listed
//! once per run ([`SourceIndex::scan`], only when something failed), and a printed path maps to
//! a listed file when that file is its longest suffix (the prefix is the build machine's
//! checkout); a bare Java file name maps to the listed file of that name whose directories are
//! the frame's package (`com.example.CalcTest` → `…/com/example/CalcTest.java`), a Go file to
//! the one whose directory ends its package's import path, any other bare name only when it is
//! the workspace's only file of that name. Dependencies (`node_modules`, `site-packages`, …)
//! never map, and the listing skips them and `.git`.
//!
//! For each failed test the first frame that is in the test's own class (Java and .NET frames
//! name it) or maps to a workspace file wins; without one, the reader's own location stays,
//! mapped to the workspace when it is there.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use walkdir::WalkDir;

use super::sarif::Finding;
use super::test_results::TestSummary;
use super::test_results::frames::{Frame, frames};

/// Directories never listed: VCS data, dependencies, caches and Rust/Maven build output.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".gradle",
    ".m2",
    "target",
];

/// Path parts that mark a dependency or the runtime, whose frames are never the user's code.
const DEPENDENCY_MARKERS: &[&str] = &[
    "/node_modules/",
    "/site-packages/",
    "/dist-packages/",
    "/.m2/repository/",
    "/gems/",
    "/.cargo/registry/",
    "/go/pkg/mod/",
    "/.nuget/packages/",
];

/// The listing stops after this many files (a huge workspace costs a bounded walk).
const MAX_FILES: usize = 200_000;

/// The files of the workspace, by path and by file name.
#[derive(Debug, Default)]
pub(crate) struct SourceIndex {
    files: HashSet<String>,
    by_name: HashMap<String, Vec<String>>,
}

impl SourceIndex {
    /// Lists the regular files under `workspace` (relative, `/`-separated), skipping
    /// [`SKIPPED_DIRS`], not following links. Unreadable directories are skipped: a place for
    /// an annotation is worth no failure.
    pub(crate) fn scan(workspace: &Path) -> SourceIndex {
        let mut index = SourceIndex::default();
        let walker = WalkDir::new(workspace)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !(e.file_type().is_dir()
                        && e.file_name()
                            .to_str()
                            .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
            });
        for entry in walker.filter_map(Result::ok) {
            if index.files.len() >= MAX_FILES {
                break;
            }
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(workspace) else {
                continue;
            };
            let Some(rel) = rel.to_str() else {
                continue;
            };
            index.add(rel.replace('\\', "/"));
        }
        index
    }

    fn add(&mut self, rel: String) {
        let name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
        self.by_name.entry(name).or_default().push(rel.clone());
        self.files.insert(rel);
    }

    /// The workspace file a printed path (or bare file name) is, if any. `owner` is the type
    /// (or Go package) the frame is in, which places a bare file name.
    pub(crate) fn resolve(&self, printed: &str, owner: Option<&str>) -> Option<String> {
        let p = normalise(printed);
        if p.is_empty() || DEPENDENCY_MARKERS.iter().any(|m| p.contains(m)) {
            return None;
        }
        if self.files.contains(&p) {
            return Some(p);
        }
        let name = p.rsplit('/').next().unwrap_or(&p);
        let candidates = self.by_name.get(name)?;
        if p.contains('/') {
            // The build machine's checkout prefix, then a workspace path: the longest listed
            // file the printed path ends with.
            let longest = candidates
                .iter()
                .filter(|c| p.ends_with(&format!("/{c}")))
                .max_by_key(|c| c.len());
            if let Some(found) = longest {
                return Some(found.clone());
            }
            // A relative path printed from a subdirectory (`__tests__/x.test.js` of
            // `web/__tests__/x.test.js`): only when one listed file fits.
            if is_absolute(&p) {
                return None;
            }
            return only(candidates.iter().filter(|c| c.ends_with(&format!("/{p}"))));
        }
        match owner.filter(|o| has_package(o)) {
            Some(o) => only(candidates.iter().filter(|c| in_package(c, o))),
            None => only(candidates.iter()),
        }
    }
}

/// The single item of `it`, if there is exactly one.
fn only<'a>(mut it: impl Iterator<Item = &'a String>) -> Option<String> {
    let first = it.next()?;
    it.next().is_none().then(|| first.clone())
}

/// `file://` stripped, `\` as `/`, no leading `./`, trimmed.
fn normalise(printed: &str) -> String {
    let p = super::test_results::location::file_url_path(printed.trim()).replace('\\', "/");
    p.trim_start_matches("./").to_string()
}

fn is_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    p.starts_with('/') || (b.len() > 2 && b[1] == b':' && b[2] == b'/')
}

/// Whether `owner` says where its file is: a Go import path, or a Java-style lower-case
/// package before the type.
fn has_package(owner: &str) -> bool {
    owner.contains('/') || !package_dirs(owner).is_empty()
}

/// `com.example.CalcTest$Inner` → `com/example`: the lower-case segments before the type.
fn package_dirs(owner: &str) -> String {
    owner
        .split('.')
        .take_while(|s| s.chars().next().is_some_and(char::is_lowercase))
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether the listed file `candidate` is in the package `owner` names: its directories end
/// with the Java package's, or (a Go import path) they are the import path's tail.
fn in_package(candidate: &str, owner: &str) -> bool {
    let dir = candidate.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    if owner.contains('/') {
        return !dir.is_empty() && (owner == dir || owner.ends_with(&format!("/{dir}")));
    }
    let pkg = package_dirs(owner);
    dir == pkg || dir.ends_with(&format!("/{pkg}"))
}

/// Whether a frame owned by `owner` is in the test class `classname` (itself, a nested or
/// inner class, a lambda or an async state machine of it).
fn owns(classname: &str, owner: &str) -> bool {
    let c = classname.trim();
    if c.is_empty() {
        return false;
    }
    owner == c
        || owner
            .strip_prefix(c)
            .is_some_and(|rest| rest.starts_with(['$', '+', '.', '<']))
}

/// Where a failed test's annotation goes: the first frame in the test's own class or in a
/// workspace file, else the reader's location (mapped when it is in the workspace).
fn place(
    trace_frames: &[Frame],
    classname: &str,
    reader: (Option<&str>, Option<u32>),
    index: &SourceIndex,
) -> Option<(String, Option<u32>)> {
    for f in trace_frames {
        let mapped = index.resolve(&f.file, f.owner.as_deref());
        let own = f.owner.as_deref().is_some_and(|o| owns(classname, o));
        if mapped.is_some() || own {
            return Some((mapped.unwrap_or_else(|| f.file.clone()), Some(f.line)));
        }
    }
    let (file, line) = reader;
    let file = file?;
    let owner = Some(classname).filter(|c| !c.is_empty());
    Some((
        index
            .resolve(file, owner)
            .unwrap_or_else(|| file.to_string()),
        line,
    ))
}

/// Places every listed failed case of `summary` on the user's code (see the module header);
/// the failure texts are dropped once used.
pub(crate) fn place_tests(summary: &mut TestSummary, index: &SourceIndex) {
    for case in &mut summary.failed {
        let trace = std::mem::take(&mut case.trace);
        let placed = place(
            &frames(&trace),
            &case.classname,
            (case.file.as_deref(), case.line),
            index,
        );
        if let Some((file, line)) = placed {
            case.file = Some(file);
            case.line = line;
        }
    }
}

/// Maps the file of every SARIF finding to the workspace (an absolute or `file://` location
/// of the machine that ran the scan); a file not in the workspace stays as the log wrote it.
pub(crate) fn place_findings(findings: &mut [Finding], index: &SourceIndex) {
    for f in findings {
        if let Some(mapped) = f.file.as_deref().and_then(|p| index.resolve(p, None)) {
            f.file = Some(mapped);
        }
    }
}

#[cfg(test)]
mod tests;
