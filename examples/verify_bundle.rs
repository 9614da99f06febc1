//! Command-line front end to `promote_action::sigstore`, used by `bench/attestations.sh` to time
//! it in release mode and handy for checking a bundle by hand, offline:
//!
//! ```text
//! cargo run --release --example verify_bundle -- [IDENTITY…] [--predicate-type URI]
//!     [--trusted-root FILE] (SHA256 BUNDLE | --manifest FILE)
//! IDENTITY: --owner O  --signer-repo O/R  --signer-workflow O/R/PATH[@REF]  --source-ref REF
//!           --runner github-hosted  --issuer URL      (the policy's `identity:` keys)
//! ```
//!
//! A manifest has one `SHA256 PATH` per line. Prints one line per bundle (`ok` with the signer,
//! or `fail` with the reason) and a count; exits 1 when any bundle failed, 2 on bad arguments.

use std::process::ExitCode;

use promote_action::sigstore::{
    ArtifactSha256, Expectations, GITHUB_ACTIONS_ISSUER, Identity, Runner, TrustedRoots,
    verify_bundle,
};

struct Args {
    identity: Identity,
    predicate_type: Option<String>,
    trusted_root: Option<String>,
    jobs: Vec<(String, String)>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(args) => args,
        Err(msg) => {
            eprintln!("verify_bundle: {msg}");
            return ExitCode::from(2);
        }
    };
    let roots = match &args.trusted_root {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("{path}: {e}"))
            .and_then(|text| TrustedRoots::parse(&text, path).map_err(|e| e.to_string())),
        None => TrustedRoots::embedded().map_err(|e| e.to_string()),
    };
    let roots = match roots {
        Ok(roots) => roots,
        Err(msg) => {
            eprintln!("verify_bundle: {msg}");
            return ExitCode::from(2);
        }
    };
    let mut failed = 0;
    for (sha, path) in &args.jobs {
        let Some(artifact) = ArtifactSha256::from_hex(sha) else {
            eprintln!("verify_bundle: {sha:?} is not a sha256 (64 hex digits)");
            return ExitCode::from(2);
        };
        let expect = Expectations {
            artifact,
            predicate_type: args.predicate_type.as_deref(),
            identity: &args.identity,
        };
        let outcome = std::fs::read(path)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|bytes| verify_bundle(&bytes, &expect, &roots).map_err(|f| f.to_string()));
        match outcome {
            Ok(v) => println!(
                "ok {path}: {} · {} · {}",
                v.signer_workflow.as_deref().unwrap_or(&v.san),
                v.instance,
                v.proof_of_time
            ),
            Err(reason) => {
                failed += 1;
                println!("fail {path}: {reason}");
            }
        }
    }
    println!(
        "verified {} of {} bundles",
        args.jobs.len() - failed,
        args.jobs.len()
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut identity = Identity {
        issuer: GITHUB_ACTIONS_ISSUER.to_owned(),
        owner: None,
        signer_repo: None,
        signer_workflow: None,
        source_ref: None,
        runner: None,
    };
    let (mut predicate_type, mut trusted_root, mut manifest) = (None, None, None);
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--owner" => identity.owner = Some(value()?),
            "--signer-repo" => identity.signer_repo = Some(value()?),
            "--signer-workflow" => identity.signer_workflow = Some(value()?),
            "--source-ref" => identity.source_ref = Some(value()?),
            "--issuer" => identity.issuer = value()?,
            "--runner" if value()? == "github-hosted" => {
                identity.runner = Some(Runner::GithubHosted)
            }
            "--runner" => return Err("--runner takes `github-hosted`".into()),
            "--predicate-type" => predicate_type = Some(value()?),
            "--trusted-root" => trusted_root = Some(value()?),
            "--manifest" => manifest = Some(value()?),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ => positional.push(arg.clone()),
        }
    }
    identity.validate().map_err(|e| e.to_string())?;
    let jobs = match (manifest, positional.as_slice()) {
        (Some(path), []) => {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let (sha, bundle) = l
                        .trim()
                        .split_once(' ')
                        .ok_or(format!("{path}: {l:?} is not `SHA256 PATH`"))?;
                    Ok((sha.to_owned(), bundle.trim().to_owned()))
                })
                .collect::<Result<Vec<_>, String>>()?
        }
        (None, [sha, bundle]) => vec![(sha.clone(), bundle.clone())],
        _ => return Err("give SHA256 BUNDLE, or --manifest FILE".into()),
    };
    Ok(Args {
        identity,
        predicate_type,
        trusted_root,
        jobs,
    })
}
