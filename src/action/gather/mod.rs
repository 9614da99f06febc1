//! Gathering every fact the stage decisions need, before any is decided: report files, the
//! version's content from AppTrust, its evidence from JFrog (read and judged record by record in
//! [`super::evidence_read`]) with the `signed-by` keys from the workspace, check runs and
//! approvals from GitHub.
//!
//! This is the I/O half of deciding; the pure half is [`crate::gates::stage`]. Every fact is
//! gathered once, up front, so a plan shows every stage and a promotion never stops half-way
//! because a later report is unreadable only after an earlier hop went through. The report
//! files of a gate are found and read in [`workspace`].

pub(crate) mod workspace;

use std::collections::BTreeMap;
use std::path::Path;

use super::attestations_read::{self, ArtifactsGate, RecordReader, Roots};
use super::evidence_read::{self, GateReader};
use crate::dsse::PublicKey;
use crate::gates::facts::{AttachedFacts, Fact, GitHubFacts, IntegrityFacts};
use crate::github::GitHubClient;
use crate::inputs::{Inputs, RunContext};
use crate::jfrog::apptrust::VersionContent;
use crate::jfrog::evidence::{EvidenceClient, Limits, Subject};
use crate::policy::{AttestationSubjects, GateSpec, Policy};
use crate::reports::expand_globs;
use workspace::Workspace;

/// Where the facts come from: the version, its remotes and the workspace.
pub(super) struct Sources<'a> {
    /// JFrog's evidence service.
    pub(super) evidence: &'a EvidenceClient,
    /// JFrog project key.
    pub(super) project: Option<&'a str>,
    /// Application key.
    pub(super) app: &'a str,
    /// The version's content, as read.
    pub(super) content: &'a VersionContent,
    /// Where report and key files are.
    pub(super) workspace: &'a Path,
    /// Bounds of the evidence read.
    pub(super) limits: &'a Limits,
    /// GitHub, for `attestations` gates that look artifacts up (or why it cannot be read).
    pub(super) github_client: &'a Result<GitHubClient, String>,
    /// What the `bake`, `prometheus` and `health` gates ask.
    pub(super) live: &'a super::probe::Live<'a>,
}

/// A gate whose report file could not be read, and where to annotate that.
pub(super) struct Unread {
    /// Full stage name.
    pub(super) stage: String,
    /// Index of the gate in the stage's policy.
    pub(super) gate: usize,
    /// The report, workspace-relative; `None` when no file is to blame (a glob that matched
    /// nothing, a bad pattern): then the fix is in the policy.
    pub(super) file: Option<String>,
}

/// What gathering found: each stage's facts in gate order, and the reports it could not read.
pub(super) struct Gathered {
    /// Full stage name → one entry per gate of the stage's policy.
    pub(super) facts: BTreeMap<String, Vec<Fact>>,
    /// File-based gates whose report could not be read.
    pub(super) unread: Vec<Unread>,
    /// The first error that stops the run (a query the monitoring API refuses, the API
    /// unreachable): no gate may pass or block on it.
    pub(super) failure: Option<crate::error::Error>,
    /// What was read from GitHub (check runs, approvals).
    pub(super) github: GitHubFacts,
}

/// The facts of every gate of every stage of `path` that the policy names, in gate order.
/// JFrog's evidence and `github` (the GitHub reads) go out together unless `sequential`.
pub(super) async fn stage_facts(
    policy: &Policy,
    path: &[String],
    src: &Sources<'_>,
    github: impl std::future::Future<Output = GitHubFacts>,
    sequential: bool,
) -> Gathered {
    let stages: Vec<(&String, &crate::policy::StagePolicy)> = path
        .iter()
        .filter_map(|s| policy.stage(s).map(|sp| (s, sp)))
        .collect();
    // Every evidence gate on the path judges the records it needs as they are read, once per
    // run however many stages require evidence.
    let Readers {
        mut readers,
        mut record_readers,
        artifact_gates,
    } = readers(&stages, src.workspace);
    let jfrog = async {
        if readers.iter().any(|r| r.keys.is_ok())
            || record_readers.iter().any(|r| r.wanted().is_some())
        {
            let subject = Subject::manifest(src.project, src.app, &src.content.version);
            let read = evidence_read::read(
                src.evidence,
                &subject,
                &mut readers,
                &mut record_readers,
                &src.content.artifacts,
                src.limits,
            );
            Some(read.await)
        } else {
            None
        }
    };
    let (read, github) = super::reads::both(sequential, jfrog, github).await;
    let record_read = read
        .as_ref()
        .map(|r| r.as_ref().map(|f| f.subject.clone()).map_err(Clone::clone));
    let mut record_readers = record_readers.into_iter();
    let mut attested = Vec::with_capacity(artifact_gates.len());
    for gate in artifact_gates {
        attested.push(attestations_read::artifacts(src.github_client, gate, src.content).await);
    }
    let mut attested = attested.into_iter();
    // Listed at most once, however many gates place failures on it.
    let ws = Workspace::new(src.workspace);
    let mut readers = readers.into_iter();
    let mut out = BTreeMap::new();
    let mut unread = Vec::new();
    let mut failure = None;
    for (stage, sp) in stages {
        let mut facts = Vec::new();
        for (index, gate) in sp.gates.iter().enumerate() {
            let e = match &gate.spec {
                GateSpec::Integrity { files } => integrity(src.workspace, src.content, files),
                GateSpec::Evidence { .. } => match readers.next() {
                    Some(r) => attached(r, read.as_ref()),
                    None => Fact::Unavailable("the evidence was not read".into()),
                },
                GateSpec::Attestations {
                    subjects: AttestationSubjects::Evidence,
                    ..
                } => match record_readers.next() {
                    Some(r) => r.finish(record_read.as_ref()),
                    None => Fact::Unavailable("the evidence was not read".into()),
                },
                GateSpec::Attestations { .. } => attested
                    .next()
                    .unwrap_or_else(|| Fact::Unavailable("the attestations were not read".into())),
                GateSpec::Checks { .. } => github.checks.clone(),
                spec if super::probe::is_live(spec) => {
                    match super::probe::evidence(src.live, stage, gate).await {
                        Ok(e) => e,
                        Err(err) => {
                            let why = err.to_string();
                            failure.get_or_insert(err);
                            Fact::Unavailable(why)
                        }
                    }
                }
                spec => match workspace::read_reports(&ws, spec) {
                    Some(Ok(e)) => e,
                    Some(Err(err)) => {
                        unread.push(Unread {
                            stage: stage.clone(),
                            gate: index,
                            file: err.path().and_then(|p| relative_file(src.workspace, p)),
                        });
                        Fact::Unavailable(relative_text(src.workspace, &err.to_string()))
                    }
                    None => Fact::Unavailable("no reader for this gate".into()),
                },
            };
            facts.push(e);
        }
        out.insert(stage.clone(), facts);
    }
    Gathered {
        facts: out,
        unread,
        failure,
        github,
    }
}

/// The readers of the remote gates on the path: one per `evidence` gate, one per `attestations`
/// gate over evidence records, and the `attestations` gates that look artifacts up on GitHub.
struct Readers<'a> {
    readers: Vec<GateReader<'a>>,
    record_readers: Vec<RecordReader<'a>>,
    artifact_gates: Vec<ArtifactsGate<'a>>,
}

/// Builds the [`Readers`] of `stages`, each with its keys and trusted roots (or why not).
fn readers<'a>(
    stages: &[(&String, &'a crate::policy::StagePolicy)],
    workspace: &Path,
) -> Readers<'a> {
    let mut readers = Vec::new();
    let mut roots = Roots::new(workspace);
    let mut record_readers = Vec::new();
    let mut artifact_gates = Vec::new();
    for (_, sp) in stages {
        for g in &sp.gates {
            match &g.spec {
                GateSpec::Evidence {
                    required,
                    signed_by,
                    allow_unverified,
                    conditions,
                    identity,
                    ..
                } => {
                    let mut keys = signed_by_keys(workspace, signed_by);
                    let sigstore = match (identity, &keys) {
                        (Some(identity), Ok(_)) => match roots.get(None) {
                            Ok(r) => Some((identity, r)),
                            Err(why) => {
                                keys = Err(why);
                                None
                            }
                        },
                        _ => None,
                    };
                    readers.push(GateReader::new(
                        required,
                        keys,
                        *allow_unverified,
                        conditions,
                        sigstore,
                    ));
                }
                GateSpec::Attestations {
                    predicate_type,
                    subjects,
                    identity,
                    trusted_root,
                } => {
                    let r = roots.get(trusted_root.as_deref());
                    match subjects {
                        AttestationSubjects::Evidence => {
                            record_readers.push(RecordReader::new(predicate_type, identity, r));
                        }
                        AttestationSubjects::Artifacts => artifact_gates.push(ArtifactsGate {
                            predicate_type,
                            identity,
                            roots: r,
                        }),
                    }
                }
                _ => {}
            }
        }
    }
    Readers {
        readers,
        record_readers,
        artifact_gates,
    }
}

/// An `evidence` gate's fact: its judged records, or why they could not be read.
fn attached(
    mut r: GateReader<'_>,
    read: Option<&Result<evidence_read::ReadSummary, String>>,
) -> Fact {
    let records = r.take_judged();
    match (&r.keys, read) {
        (Err(why), _) | (Ok(_), Some(Err(why))) => Fact::Unavailable(why.clone()),
        (Ok(_), Some(Ok(found))) => Fact::Attached(AttachedFacts {
            subject: found.subject.clone(),
            manifest_sha256: found.manifest_sha256.clone(),
            total_records: found.total_records,
            records,
        }),
        (Ok(_), None) => Fact::Unavailable("the evidence was not read".into()),
    }
}

/// A path inside the workspace as the repository names it (what a `file=` annotation needs);
/// `None` outside the workspace.
fn relative_file(workspace: &Path, path: &Path) -> Option<String> {
    path.strip_prefix(workspace)
        .ok()
        .map(|p| p.display().to_string())
        .filter(|p| !p.is_empty())
}

/// A reader's message with the workspace prefix taken off its paths: `reports/junit.xml`, the
/// way the policy and the repository name the file, not the runner's absolute path.
fn relative_text(workspace: &Path, text: &str) -> String {
    let prefix = format!("{}/", workspace.display());
    if prefix.len() <= 1 {
        return text.to_string();
    }
    text.replace(&prefix, "")
}

/// The public keys of a gate's `signed-by` files, found like report files (inside the
/// workspace; a symlink out of it, a directory or an unreadable file is refused, saying why).
fn signed_by_keys(workspace: &Path, paths: &[String]) -> Result<Vec<PublicKey>, String> {
    let files = expand_globs(workspace, paths).map_err(|e| format!("signed-by: {e}"))?;
    let mut keys = Vec::new();
    for path in files {
        let shown = path
            .strip_prefix(workspace)
            .unwrap_or(&path)
            .display()
            .to_string();
        let cannot = |e: std::io::Error| format!("cannot read signed-by key `{shown}`: {e}");
        let size = std::fs::metadata(&path).map_err(cannot)?.len();
        if size > crate::dsse::MAX_KEY_FILE_BYTES as u64 {
            return Err(format!(
                "signed-by key `{shown}` is {size} bytes, larger than a public key file can be"
            ));
        }
        let bytes = std::fs::read(&path).map_err(cannot)?;
        keys.extend(
            PublicKey::from_pem(&format!("signed-by key `{shown}`"), &bytes)
                .map_err(|e| e.to_string())?,
        );
    }
    Ok(keys)
}

fn integrity(workspace: &Path, content: &VersionContent, files: &[String]) -> Fact {
    let mut facts = IntegrityFacts {
        status: content.status.clone(),
        artifacts: content.artifacts.len(),
        missing_sha: content
            .artifacts
            .iter()
            .filter(|a| a.sha256.as_deref().is_none_or(str::is_empty))
            .map(|a| a.path.clone())
            .collect(),
        ..IntegrityFacts::default()
    };
    if !files.is_empty() {
        match workspace::local_digests(workspace, files) {
            Ok(digests) => {
                facts.local_checked = digests.len();
                facts.local_mismatches = digests
                    .into_iter()
                    .filter(|(_, sha)| {
                        !content.artifacts.iter().any(|a| {
                            a.sha256
                                .as_deref()
                                .is_some_and(|s| s.eq_ignore_ascii_case(sha))
                        })
                    })
                    .collect();
            }
            Err(e) => return Fact::Unavailable(e.to_string()),
        }
    }
    Fact::Integrity(facts)
}

/// Reads what the policy needs from GitHub on this path (nothing when it needs nothing).
pub(super) async fn github_facts(
    policy: &Policy,
    path: &[String],
    inputs: &Inputs,
    ctx: &RunContext,
    github: &Result<GitHubClient, String>,
) -> GitHubFacts {
    let stages: Vec<_> = path.iter().filter_map(|s| policy.stage(s)).collect();
    let needs_checks = stages.iter().any(|s| {
        s.gates
            .iter()
            .any(|g| matches!(g.spec, crate::policy::GateSpec::Checks { .. }))
    });
    let needs_approvals = stages.iter().any(|s| s.approvals.is_some());
    let mut facts = GitHubFacts::default();
    if !needs_checks && !needs_approvals {
        return facts;
    }
    let client = match (&inputs.github_token, &ctx.repository, github) {
        (Some(_), Some(_), Ok(client)) => client,
        (None, _, _) => {
            let why = "input `github-token` is empty: required checks and approvals are read from GitHub (pass `github-token: ${{ github.token }}`)".to_string();
            facts.checks = Fact::Unavailable(why.clone());
            facts.approvals = Err(why);
            return facts;
        }
        _ => {
            let why =
                "GITHUB_REPOSITORY is not set: this gate needs the GitHub run context".to_string();
            facts.checks = Fact::Unavailable(why.clone());
            facts.approvals = Err(why);
            return facts;
        }
    };
    let repo = ctx.repository.clone().unwrap_or_default();
    if needs_checks {
        let event = ctx
            .event_path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok());
        facts.checks = match crate::github::head_sha(
            ctx.event_name.as_deref(),
            event.as_deref(),
            ctx.sha.as_deref(),
        ) {
            Some(sha) => match client.check_runs(&repo, &sha).await {
                Ok(runs) => Fact::Checks(runs),
                Err(e) => Fact::Unavailable(e),
            },
            None => Fact::Unavailable(
                "GITHUB_SHA is not set: cannot find the commit's check runs".into(),
            ),
        };
    }
    if needs_approvals {
        facts.approvals = match &ctx.run_id {
            Some(run) => client.approvals(&repo, run).await,
            None => {
                Err("GITHUB_RUN_ID is not set: approvals are read from the workflow run".into())
            }
        };
    }
    facts
}
