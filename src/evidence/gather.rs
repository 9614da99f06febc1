//! Gathers the file-based evidence one gate needs, resolving paths against the workspace.
//!
//! Any failure to read (no match, malformed, unsafe) becomes [`Evidence::Unavailable`] with the
//! reader's message, so the gate fails naming the file and the fix: evidence never passes
//! silently. A `paths` list is read as a union: the patterns that matched nothing travel with
//! the summary, for the gate to warn about. Failed tests and SARIF findings are placed on the
//! workspace's files ([`source_map`]), listed once per [`Workspace`].

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::facts::Evidence;
use super::source_map::{self, SourceIndex};
use super::{
    EvidenceError, expand_globs, expand_union, read_benchmark, read_coverage, read_json_pointer,
    read_sarif, read_test_results_probing,
};
use crate::policy::GateSpec;

fn one(workspace: &Path, pattern: &str) -> Result<PathBuf, EvidenceError> {
    let files = expand_globs(workspace, &[pattern.to_string()])?;
    // A single-file gate given a glob reads the first match in sorted order.
    files.into_iter().next().ok_or(EvidenceError::NoMatch {
        patterns: vec![pattern.to_string()],
    })
}

/// The workspace the gates' reports are read from, and its file listing — made once, the
/// first time a failure is placed on the user's code ([`source_map`]).
pub struct Workspace<'a> {
    root: &'a Path,
    sources: OnceCell<SourceIndex>,
}

impl<'a> Workspace<'a> {
    pub fn new(root: &'a Path) -> Workspace<'a> {
        Workspace {
            root,
            sources: OnceCell::new(),
        }
    }

    fn sources(&self) -> &SourceIndex {
        self.sources.get_or_init(|| SourceIndex::scan(self.root))
    }
}

/// Reads the evidence of a file-based gate; `None` for gates whose evidence is remote
/// (`checks`, `integrity`, `evidence`). One-off: [`file_evidence_in`] lists the workspace once
/// for all the gates of a run.
pub fn file_evidence(workspace: &Path, spec: &GateSpec) -> Option<Evidence> {
    file_evidence_in(&Workspace::new(workspace), spec)
}

/// [`file_evidence`] in a [`Workspace`] shared by the gates of a run.
pub fn file_evidence_in(ws: &Workspace<'_>, spec: &GateSpec) -> Option<Evidence> {
    read_file_evidence(ws, spec)
        .map(|result| result.unwrap_or_else(|e| Evidence::Unavailable(e.to_string())))
}

/// Like [`file_evidence_in`], keeping the error (and so the file it is about) for annotations;
/// failed tests and SARIF findings are placed on the workspace's files.
pub fn read_file_evidence(
    ws: &Workspace<'_>,
    spec: &GateSpec,
) -> Option<Result<Evidence, EvidenceError>> {
    let workspace = ws.root;
    let result: Result<Evidence, EvidenceError> = match spec {
        GateSpec::Junit {
            paths, quarantine, ..
        } => expand_union(workspace, paths).and_then(|m| {
            let mut s = read_test_results_probing(&m.files, quarantine_probe(quarantine))?;
            s.unmatched = m.unmatched;
            if !s.failed.is_empty() {
                source_map::place_tests(&mut s, ws.sources());
            }
            Ok(Evidence::Tests(s))
        }),
        GateSpec::Coverage { path, .. } => one(workspace, path)
            .and_then(|p| read_coverage(&p))
            .map(Evidence::Coverage),
        GateSpec::Sarif { paths, .. } => expand_union(workspace, paths).and_then(|m| {
            let mut s = read_sarif(&m.files)?;
            s.unmatched = m.unmatched;
            if !s.findings.is_empty() {
                source_map::place_findings(&mut s.findings, ws.sources());
            }
            Ok(Evidence::Sarif(s))
        }),
        GateSpec::Benchmark { path, metric, .. } => one(workspace, path)
            .and_then(|p| read_benchmark(&p, metric))
            .map(Evidence::Benchmark),
        GateSpec::Json { path, pointer, .. } => one(workspace, path)
            .and_then(|p| read_json_pointer(&p, pointer))
            .map(Evidence::Json),
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
pub fn local_digests(
    workspace: &Path,
    patterns: &[String],
) -> Result<Vec<(String, String)>, EvidenceError> {
    let mut out = Vec::new();
    for path in expand_globs(workspace, patterns)? {
        let mut file = std::fs::File::open(&path).map_err(|source| EvidenceError::Io {
            path: path.clone(),
            source,
        })?;
        let mut hasher = Sha256::new();
        std::io::copy(&mut file, &mut hasher).map_err(|source| EvidenceError::Io {
            path: path.clone(),
            source,
        })?;
        let hex = super::hex(&hasher.finalize());
        let shown = path
            .strip_prefix(workspace)
            .unwrap_or(&path)
            .display()
            .to_string();
        out.push((shown, hex));
    }
    Ok(out)
}
