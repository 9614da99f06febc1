//! The workspace's files a gate reads: its report files (parsed by [`crate::reports`]), resolved
//! against the workspace, and the digests of local artifacts for the integrity gate.
//!
//! Any failure to read (no match, malformed, unsafe) becomes the reader's error, which the
//! caller turns into [`Fact::Unavailable`], so the gate fails naming the file and the fix: a
//! report never passes silently. A `paths` list is read as a union: the patterns that matched nothing travel with
//! the summary, for the gate to warn about. Failed tests and SARIF findings are placed on the
//! workspace's files ([`source_map`]), listed once per [`Workspace`].

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::gates::facts::Fact;
use crate::policy::GateSpec;
use crate::reports::source_map::{self, SourceIndex};
use crate::reports::{
    ReportError, expand_globs, expand_union, read_benchmark, read_coverage, read_json_pointer,
    read_sarif, read_test_results_probing,
};

fn one(workspace: &Path, pattern: &str) -> Result<PathBuf, ReportError> {
    let files = expand_globs(workspace, &[pattern.to_string()])?;
    // A single-file gate given a glob reads the first match in sorted order.
    files.into_iter().next().ok_or(ReportError::NoMatch {
        patterns: vec![pattern.to_string()],
    })
}

/// The workspace the gates' reports are read from, and its file listing — made once, the
/// first time a failure is placed on the user's code ([`source_map`]).
pub(crate) struct Workspace<'a> {
    root: &'a Path,
    sources: OnceCell<SourceIndex>,
}

impl<'a> Workspace<'a> {
    pub(crate) fn new(root: &'a Path) -> Workspace<'a> {
        Workspace {
            root,
            sources: OnceCell::new(),
        }
    }

    fn sources(&self) -> &SourceIndex {
        self.sources.get_or_init(|| SourceIndex::scan(self.root))
    }
}

/// Reads the report files of a file-based gate, keeping the error (and so the file it is
/// about) for annotations; failed tests and SARIF findings are placed on the workspace's files.
/// `None` for gates whose facts are remote (`checks`, `integrity`, `evidence`).
pub(crate) fn read_reports(
    ws: &Workspace<'_>,
    spec: &GateSpec,
) -> Option<Result<Fact, ReportError>> {
    let workspace = ws.root;
    let result: Result<Fact, ReportError> = match spec {
        GateSpec::Junit {
            paths, quarantine, ..
        } => expand_union(workspace, paths).and_then(|m| {
            let mut s = read_test_results_probing(&m.files, quarantine_probe(quarantine))?;
            s.unmatched = m.unmatched;
            if !s.failed.is_empty() {
                source_map::place_tests(&mut s, ws.sources());
            }
            Ok(Fact::Tests(s))
        }),
        GateSpec::Coverage { path, .. } => one(workspace, path)
            .and_then(|p| read_coverage(&p))
            .map(Fact::Coverage),
        GateSpec::Sarif { paths, .. } => expand_union(workspace, paths).and_then(|m| {
            let mut s = read_sarif(&m.files)?;
            s.unmatched = m.unmatched;
            if !s.findings.is_empty() {
                source_map::place_findings(&mut s.findings, ws.sources());
            }
            Ok(Fact::Sarif(s))
        }),
        GateSpec::Benchmark { path, metric, .. } => one(workspace, path)
            .and_then(|p| read_benchmark(&p, metric))
            .map(Fact::Benchmark),
        GateSpec::Json { path, pointer, .. } => one(workspace, path)
            .and_then(|p| read_json_pointer(&p, pointer))
            .map(Fact::Json),
        GateSpec::Checks { .. }
        | GateSpec::Integrity { .. }
        | GateSpec::Evidence { .. }
        | GateSpec::Attestations { .. }
        | GateSpec::Bake { .. }
        | GateSpec::Prometheus(_)
        | GateSpec::Health(_) => {
            return None;
        }
    };
    Some(result)
}

/// The quarantine's globs, in entry order, for the reader to tell which matched any test;
/// `None` without a quarantine (or if a glob does not compile: validation refused that already).
fn quarantine_probe(entries: &[crate::policy::Quarantine]) -> Option<globset::GlobSet> {
    if entries.is_empty() {
        return None;
    }
    let mut b = globset::GlobSetBuilder::new();
    for q in entries {
        b.add(q.glob().ok()?);
    }
    b.build().ok()
}

/// sha256 (lower-case hex) of each local file matched by the patterns.
pub(super) fn local_digests(
    workspace: &Path,
    patterns: &[String],
) -> Result<Vec<(String, String)>, ReportError> {
    let mut out = Vec::new();
    for path in expand_globs(workspace, patterns)? {
        let mut file = std::fs::File::open(&path).map_err(|source| ReportError::Io {
            path: path.clone(),
            source,
        })?;
        let mut hasher = Sha256::new();
        std::io::copy(&mut file, &mut hasher).map_err(|source| ReportError::Io {
            path: path.clone(),
            source,
        })?;
        let hex = crate::digest::hex(&hasher.finalize());
        let shown = path
            .strip_prefix(workspace)
            .unwrap_or(&path)
            .display()
            .to_string();
        out.push((shown, hex));
    }
    Ok(out)
}
