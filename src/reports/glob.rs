//! Expands the report globs of a gate (`reports/junit/**/*.xml`) into files, relative to the
//! workspace, so a gate whose reports are missing fails loudly instead of passing on nothing.
//!
//! Semantics: `*` and `?` do not cross `/`, `**` does, `{a,b}` alternates, `[ab]` classes.
//! Each pattern is walked only from its literal leading directory (so `reports/**` does not
//! descend into `node_modules/` or `target/`), `.git/` is never entered, symlinked directories
//! are not descended, and only regular, readable files are read. The result is sorted and
//! deduplicated. A gate's `paths` list is a union ([`expand_union`]): a pattern that matches
//! nothing is reported beside the files the others matched, and only an empty union is a
//! `NoMatch` error naming every pattern. Lists of files that must each exist (`integrity`
//! `files`, `signed-by` keys) use [`expand_globs`], where any pattern matching nothing is the
//! error.
//!
//! A pattern that matches something the action will not read says so (`Refused`) instead of
//! "no file matches": a symbolic link leading outside the workspace (or to nothing), a FIFO,
//! socket or device, a file it may not open, or — when nothing else matched — a directory.
//! A symbolic link to a regular file inside the workspace is read like the file.

use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use walkdir::WalkDir;

use super::ReportError;

/// Files under `workspace` matching any of `patterns`, sorted and deduplicated; every pattern
/// must match something.
pub(crate) fn expand_globs(
    workspace: &Path,
    patterns: &[String],
) -> Result<Vec<PathBuf>, ReportError> {
    let m = expand_union(workspace, patterns)?;
    match m.unmatched.first() {
        Some(p) => Err(ReportError::NoMatch {
            patterns: vec![p.clone()],
        }),
        None => Ok(m.files),
    }
}

/// What a list of patterns matched as a union.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Matched {
    /// Every file matched by any pattern, sorted and deduplicated.
    pub(crate) files: Vec<PathBuf>,
    /// The patterns that matched nothing, in policy order.
    pub(crate) unmatched: Vec<String>,
}

/// Files under `workspace` matching the union of `patterns`; an error only when the union of
/// some patterns is empty (naming every pattern), a pattern is invalid, or a match is refused.
/// No patterns at all match no files, without error.
pub(crate) fn expand_union(workspace: &Path, patterns: &[String]) -> Result<Matched, ReportError> {
    let mut m = Matched::default();
    for pattern in patterns {
        let before = m.files.len();
        expand_one(workspace, pattern, &mut m.files)?;
        if m.files.len() == before {
            m.unmatched.push(pattern.clone());
        }
    }
    if m.files.is_empty() && !patterns.is_empty() {
        return Err(ReportError::NoMatch {
            patterns: patterns.to_vec(),
        });
    }
    m.files.sort();
    m.files.dedup();
    Ok(m)
}

/// Why a matched path is not read, or `None` when it is a readable regular file (or a link to
/// one inside the workspace).
enum Verdict {
    Read,
    /// A directory (or a link to one): refused only if the pattern matched nothing else.
    Directory,
    Refuse(String),
}

fn judge(workspace: &Path, path: &Path, file_type: std::fs::FileType) -> Verdict {
    if file_type.is_dir() {
        return Verdict::Directory;
    }
    if file_type.is_symlink() {
        let target = match std::fs::canonicalize(path) {
            Ok(t) => t,
            Err(_) => {
                return Verdict::Refuse("a symbolic link to a file that does not exist".into());
            }
        };
        let root = std::fs::canonicalize(workspace).unwrap_or_else(|_| workspace.to_path_buf());
        if !target.starts_with(&root) {
            return Verdict::Refuse(format!(
                "a symbolic link leading outside the workspace (to {})",
                target.display()
            ));
        }
        return match std::fs::metadata(&target) {
            Ok(m) if m.is_dir() => Verdict::Directory,
            Ok(m) if m.is_file() => readable(&target),
            Ok(_) => {
                Verdict::Refuse("a symbolic link to something that is not a regular file".into())
            }
            Err(e) => Verdict::Refuse(format!("a symbolic link whose target cannot be read ({e})")),
        };
    }
    if !file_type.is_file() {
        return Verdict::Refuse("not a regular file (a FIFO, socket or device)".into());
    }
    readable(path)
}

fn readable(path: &Path) -> Verdict {
    match std::fs::File::open(path) {
        Ok(_) => Verdict::Read,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Verdict::Refuse("a file the action may not read (permission denied)".into())
        }
        Err(e) => Verdict::Refuse(format!("a file that cannot be opened ({e})")),
    }
}

fn expand_one(workspace: &Path, pattern: &str, out: &mut Vec<PathBuf>) -> Result<(), ReportError> {
    let trimmed = pattern.trim();
    let rel = trimmed.trim_start_matches("./");
    if rel.is_empty() {
        return Err(ReportError::BadPattern {
            pattern: pattern.to_string(),
            detail: "the pattern is empty".into(),
        });
    }
    if Path::new(rel)
        .components()
        .any(|c| matches!(c, Component::ParentDir))
    {
        return Err(ReportError::BadPattern {
            pattern: pattern.to_string(),
            detail: "`..` is not allowed; reports must be inside the workspace".into(),
        });
    }
    let absolute = Path::new(rel).is_absolute();
    let matcher = compile(pattern, rel)?;
    let base = literal_prefix(rel);
    let root = if absolute {
        PathBuf::from(&base)
    } else if base.is_empty() {
        workspace.to_path_buf()
    } else {
        workspace.join(&base)
    };
    // A dangling link must be refused, not skipped (WalkDir cannot stat it).
    match (std::fs::symlink_metadata(&root), std::fs::metadata(&root)) {
        (Err(_), _) => return Ok(()),
        (Ok(link), Err(_)) => {
            let shown = root.strip_prefix(workspace).unwrap_or(&root).to_path_buf();
            if let Verdict::Refuse(reason) = judge(workspace, &root, link.file_type()) {
                if matcher.is_match(&shown) || absolute {
                    return Err(ReportError::Refused {
                        pattern: pattern.to_string(),
                        path: shown,
                        reason,
                    });
                }
            }
            return Ok(());
        }
        _ => {}
    }
    let before = out.len();
    let mut directory: Option<PathBuf> = None;
    let walker = WalkDir::new(&root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || e.file_name() != ".git");
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e
                .path()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| root.clone());
            let source = e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("filesystem loop"));
            ReportError::Io { path, source }
        })?;
        let full = entry.path();
        let candidate = if absolute {
            full.to_path_buf()
        } else {
            match full.strip_prefix(workspace) {
                Ok(r) => r.to_path_buf(),
                Err(_) => continue,
            }
        };
        if !matcher.is_match(&candidate) {
            continue;
        }
        match judge(workspace, full, entry.file_type()) {
            Verdict::Read => out.push(full.to_path_buf()),
            Verdict::Directory => {
                directory.get_or_insert_with(|| full.to_path_buf());
            }
            Verdict::Refuse(reason) => {
                return Err(ReportError::Refused {
                    pattern: pattern.to_string(),
                    path: candidate,
                    reason,
                });
            }
        }
    }
    if out.len() == before {
        if let Some(dir) = directory {
            let shown = dir.strip_prefix(workspace).unwrap_or(&dir).to_path_buf();
            return Err(ReportError::Refused {
                pattern: pattern.to_string(),
                path: shown,
                reason:
                    "a directory, not a report file; match the files in it, e.g. `DIR/**/*.xml`"
                        .into(),
            });
        }
    }
    Ok(())
}

fn compile(pattern: &str, rel: &str) -> Result<GlobMatcher, ReportError> {
    GlobBuilder::new(rel)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| ReportError::BadPattern {
            pattern: pattern.to_string(),
            detail: e.kind().to_string(),
        })
}

/// The leading directories of `pattern` that contain no glob syntax; walking starts there.
fn literal_prefix(pattern: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let segments: Vec<&str> = pattern.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let is_last = i + 1 == segments.len();
        if seg.contains(['*', '?', '[', ']', '{', '}', '\\']) {
            break;
        }
        if is_last {
            // A fully literal pattern: walk the file itself (WalkDir yields it).
            parts.push(seg);
            break;
        }
        parts.push(seg);
    }
    let joined = parts.join("/");
    if pattern.starts_with('/') && !joined.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "reports/junit/a.xml",
            "reports/junit/sub/b.xml",
            "reports/junit/sub/deeper/c.xml",
            "reports/coverage.xml",
            "reports/notes.txt",
            "node_modules/pkg/junit.xml",
            ".git/x.xml",
            "top.sarif",
        ] {
            let p = dir.path().join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "x").unwrap();
        }
        dir
    }

    #[test]
    fn patterns_expand_relative_sorted_and_deduped() {
        let ws = workspace();
        let table: &[(&[&str], &[&str])] = &[
            (
                &["reports/junit/**/*.xml"],
                &[
                    "reports/junit/a.xml",
                    "reports/junit/sub/b.xml",
                    "reports/junit/sub/deeper/c.xml",
                ],
            ),
            (&["reports/junit/*.xml"], &["reports/junit/a.xml"]),
            (&["./reports/coverage.xml"], &["reports/coverage.xml"]),
            (&["*.sarif", "top.sarif"], &["top.sarif"]),
            (
                &["reports/{coverage.xml,notes.txt}"],
                &["reports/coverage.xml", "reports/notes.txt"],
            ),
            (&["**/junit.xml"], &["node_modules/pkg/junit.xml"]),
            (&["**/x.xml", "top.sarif"], &[]),
        ];
        for (patterns, want) in table {
            let pats: Vec<String> = patterns.iter().map(|s| s.to_string()).collect();
            let got = expand_globs(ws.path(), &pats);
            if want.is_empty() {
                assert!(
                    matches!(got, Err(ReportError::NoMatch { ref patterns }) if patterns == &["**/x.xml"]),
                    "{patterns:?}: {got:?}"
                );
                continue;
            }
            let got: Vec<String> = got
                .unwrap_or_else(|e| panic!("{patterns:?}: {e}"))
                .iter()
                .map(|p| {
                    p.strip_prefix(ws.path())
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/")
                })
                .collect();
            assert_eq!(got, *want, "{patterns:?}");
        }
    }

    #[test]
    fn no_match_names_the_pattern() {
        let ws = workspace();
        let e = expand_globs(ws.path(), &["reports/missing/*.xml".to_string()]).unwrap_err();
        assert!(e.to_string().contains("reports/missing/*.xml"), "{e}");
    }

    #[test]
    fn a_paths_list_is_a_union() {
        let ws = workspace();
        let pats = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let m = expand_union(
            ws.path(),
            &pats(&["reports/missing/*.xml", "top.sarif", "reports/none.*"]),
        )
        .unwrap();
        assert_eq!(m.files, vec![ws.path().join("top.sarif")]);
        assert_eq!(
            m.unmatched,
            pats(&["reports/missing/*.xml", "reports/none.*"])
        );
        let e = expand_union(ws.path(), &pats(&["a/*.xml", "b/*.xml"])).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("no file matches any of `a/*.xml`, `b/*.xml`:"),
            "{msg}"
        );
        // Lists whose every entry must exist still fail on the first one missing.
        let e = expand_globs(ws.path(), &pats(&["top.sarif", "a/*.xml"])).unwrap_err();
        assert!(
            e.to_string().starts_with("no file matches `a/*.xml`:"),
            "{e}"
        );
    }

    #[test]
    fn bad_patterns_are_rejected() {
        let ws = workspace();
        for p in ["", "reports/[", "../etc/passwd"] {
            let e = expand_globs(ws.path(), &[p.to_string()]).unwrap_err();
            assert!(matches!(e, ReportError::BadPattern { .. }), "{p}: {e:?}");
        }
    }

    #[test]
    fn literal_prefixes() {
        let table = [
            ("reports/junit/**/*.xml", "reports/junit"),
            ("reports/coverage.xml", "reports/coverage.xml"),
            ("*.sarif", ""),
            ("/abs/dir/*.xml", "/abs/dir"),
        ];
        for (p, want) in table {
            assert_eq!(literal_prefix(p), want, "{p}");
        }
    }

    #[test]
    fn matches_the_action_will_not_read_say_why() {
        let ws = workspace();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.xml");
        fs::write(&secret, "x").unwrap();
        let r = ws.path().join("reports");
        std::os::unix::fs::symlink(&secret, r.join("escape.xml")).unwrap();
        std::os::unix::fs::symlink(r.join("missing.xml"), r.join("dangling.xml")).unwrap();
        std::os::unix::fs::symlink(r.join("coverage.xml"), r.join("inside-link.xml")).unwrap();
        fs::create_dir_all(r.join("dir.xml")).unwrap();
        let fifo = r.join("pipe.xml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let table: &[(&str, &str, &str)] = &[
            (
                "reports/escape.xml",
                "reports/escape.xml",
                "leading outside the workspace",
            ),
            (
                "reports/dangling.xml",
                "reports/dangling.xml",
                "does not exist",
            ),
            ("reports/dir.xml", "reports/dir.xml", "a directory"),
            ("reports/junit", "reports/junit", "a directory"),
            ("reports/pipe.xml", "reports/pipe.xml", "not a regular file"),
        ];
        for (pattern, path, why) in table {
            if *pattern == "reports/pipe.xml" && !made.as_ref().is_ok_and(|s| s.success()) {
                continue;
            }
            let e = expand_globs(ws.path(), &[pattern.to_string()]).unwrap_err();
            assert!(matches!(e, ReportError::Refused { .. }), "{pattern}: {e:?}");
            let msg = e.to_string();
            assert!(msg.contains(path) && msg.contains(why), "{pattern}: {msg}");
            assert!(!msg.contains("no file matches"), "{pattern}: {msg}");
        }
        // A link to a file inside the workspace is read; a directory among real matches is
        // not an error (`**` matches directories too).
        let got = expand_globs(ws.path(), &["reports/inside-link.xml".to_string()]).unwrap();
        assert_eq!(got, vec![r.join("inside-link.xml")]);
        let got = expand_globs(ws.path(), &["reports/junit/**".to_string()]).unwrap();
        assert_eq!(got.len(), 3);
    }
}
