//! Tag hygiene after rolling back a release, as BookVerse does it (`apptrust-api.md` §7).
//!
//! The rolled-back version is tagged `quarantine`, its previous tag kept in the property
//! `original_tag_before_quarantine`. When it held `latest`, `latest` moves to the highest-SemVer
//! version still released that is not quarantined (trusted releases preferred), whose previous
//! tag goes to `original_tag_before_latest`. On by default for rollbacks from the release stage;
//! `PROMOTE_ACTION_RETAG_ON_ROLLBACK=false` turns it off.

use std::collections::BTreeMap;

use crate::jfrog::apptrust::{AppTrustApi, VersionSummary};

/// Tag given to a rolled-back version.
pub(crate) const QUARANTINE: &str = "quarantine";
/// Tag of the current release.
pub(crate) const LATEST: &str = "latest";

/// Pure: which version should carry `latest` once `rolled_back` is quarantined.
pub(crate) fn next_latest<'a>(
    versions: &'a [VersionSummary],
    rolled_back: &str,
) -> Option<&'a VersionSummary> {
    versions
        .iter()
        .filter(|v| v.version != rolled_back)
        .filter(|v| v.tag != QUARANTINE)
        .filter(|v| matches!(v.release_status.as_str(), "released" | "trusted_release"))
        .filter_map(|v| {
            semver::Version::parse(v.version.trim_start_matches('v'))
                .ok()
                .map(|s| (s, v))
        })
        .max_by(|(a, va), (b, vb)| {
            a.cmp(b).then_with(|| {
                (va.release_status == "trusted_release")
                    .cmp(&(vb.release_status == "trusted_release"))
            })
        })
        .map(|(_, v)| v)
}

/// What retagging did, for the summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Retagged {
    /// Remarks for the summary.
    pub(crate) notes: Vec<String>,
    /// Failures (the rollback itself stands).
    pub(crate) warnings: Vec<String>,
}

/// Quarantines `version` and moves `latest` when it held it.
pub(crate) async fn after_rollback<A: AppTrustApi>(
    api: &A,
    app: &str,
    version: &str,
    old_tag: Option<&str>,
) -> Retagged {
    let mut out = Retagged::default();
    let mut props = BTreeMap::new();
    props.insert(
        "original_tag_before_quarantine".to_string(),
        vec![old_tag.unwrap_or_default().to_string()],
    );
    match api
        .update_version(app, version, Some(QUARANTINE), &props)
        .await
    {
        Ok(()) => out.notes.push(format!(
            "{version} is now tagged {QUARANTINE} (was {})",
            old_tag.filter(|t| !t.is_empty()).unwrap_or("untagged")
        )),
        Err(e) => {
            out.warnings
                .push(format!("could not tag {version} `{QUARANTINE}`: {e}"));
            return out;
        }
    }
    if old_tag != Some(LATEST) {
        return out;
    }
    let versions = match api.list_versions(app).await {
        Ok(v) => v,
        Err(e) => {
            out.warnings.push(format!(
                "`{LATEST}` was not moved: cannot list versions ({e})"
            ));
            return out;
        }
    };
    match next_latest(&versions, version) {
        Some(next) => {
            let mut props = BTreeMap::new();
            props.insert(
                "original_tag_before_latest".to_string(),
                vec![next.tag.clone()],
            );
            match api
                .update_version(app, &next.version, Some(LATEST), &props)
                .await
            {
                Ok(()) => out
                    .notes
                    .push(format!("{LATEST} moved to {}", next.version)),
                Err(e) => out
                    .warnings
                    .push(format!("`{LATEST}` was not moved to {}: {e}", next.version)),
            }
        }
        None => out
            .notes
            .push(format!("no other released version can carry {LATEST}")),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(version: &str, tag: &str, status: &str) -> VersionSummary {
        VersionSummary {
            version: version.into(),
            tag: tag.into(),
            release_status: status.into(),
            current_stage: String::new(),
            status: "COMPLETED".into(),
        }
    }

    #[test]
    fn latest_goes_to_the_highest_semver_release_not_quarantined() {
        let table: &[(&[VersionSummary], &str, Option<&str>)] = &[
            (
                &[
                    v("1.10.0", "latest", "released"),
                    v("1.9.0", "", "released"),
                    v("1.2.0", "", "released"),
                ],
                "1.10.0",
                Some("1.9.0"),
            ),
            (
                &[
                    v("2.0.0", "latest", "released"),
                    v("1.10.0", "", "released"),
                    v("1.9.0", "", "trusted_release"),
                ],
                "2.0.0",
                Some("1.10.0"),
            ),
            (
                &[
                    v("2.0.0", "latest", "released"),
                    v("1.9.0", "quarantine", "released"),
                    v("1.8.0", "", "released"),
                ],
                "2.0.0",
                Some("1.8.0"),
            ),
            (
                &[
                    v("2.0.0", "latest", "released"),
                    v("3.0.0", "", "pre_release"),
                ],
                "2.0.0",
                None,
            ),
            (
                &[
                    v("2.0.0", "latest", "released"),
                    v("not-semver", "", "released"),
                ],
                "2.0.0",
                None,
            ),
            (
                &[
                    v("2.0.0", "latest", "released"),
                    v("1.0.0-rc.1", "", "released"),
                    v("1.0.0", "", "released"),
                ],
                "2.0.0",
                Some("1.0.0"),
            ),
        ];
        for (versions, rolled, expected) in table {
            assert_eq!(
                next_latest(versions, rolled).map(|v| v.version.as_str()),
                *expected,
                "{rolled}"
            );
        }
    }
}
