//! JFrog's evidence service, read and written the way JFrog's own CLI (`jf evd`) does:
//! the version manifest's sha256 from Artifactory AQL, the evidence records from the One Model
//! GraphQL API (`searchEvidence`, paginated), each record's file (a DSSE envelope) from
//! Artifactory, and our own attestation uploaded to the evidence API.
//!
//! Typed calls over the shared HTTP layer, with JFrog's wording of failures and the same request
//! log as the AppTrust client; files are downloaded within bounds ([`download`]: only under
//! `/artifactory/`, concurrently, within a byte budget, a minimum rate and a deadline). Every wire shape is in [`aql`] and [`graphql`], so a wrong guess
//! about one is one place to change (`../shared/reference/evidence-api.md`).

pub(crate) mod aql;
mod download;
pub(crate) mod graphql;

pub(crate) use download::Limits;

use reqwest::Method;

use crate::http::{
    Body, ClientOptions, Remote, RemoteError, RequestRecorder, operation, percent_encode,
};
use crate::jfrog::apptrust::client::JFROG_ADVICE;
use crate::secret::Secret;

pub(crate) use crate::gates::facts::EvidenceRecord;

/// Name of an application version's manifest, the subject of its evidence.
pub(crate) const MANIFEST_NAME: &str = "release-bundle.json.evd";
/// Largest evidence file downloaded (the DSSE layer refuses larger envelopes anyway).
pub(crate) const MAX_EVIDENCE_FILE: usize = crate::dsse::MAX_ENVELOPE_BYTES;
/// Records asked for per GraphQL page.
pub(crate) const PAGE_SIZE: usize = 100;
/// Most records read for one subject; more is refused rather than read without end.
pub(crate) const MAX_RECORDS: usize = 5_000;

/// An Artifactory file that evidence is attached to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Subject {
    /// Repository key (`bookverse-application-versions`).
    pub(crate) repo: String,
    /// Folder inside the repository (`bookverse-inventory/1.2.0`).
    pub(crate) path: String,
    /// File name (`release-bundle.json.evd`).
    pub(crate) name: String,
}

impl Subject {
    /// The manifest of an application version: `<project>-application-versions/<app>/<version>/
    /// release-bundle.json.evd` (no project: `application-versions/…`).
    pub fn manifest(project: Option<&str>, app: &str, version: &str) -> Subject {
        let repo = match project.filter(|p| !p.is_empty()) {
            Some(p) => format!("{p}-application-versions"),
            None => "application-versions".to_string(),
        };
        Subject {
            repo,
            path: format!("{app}/{version}"),
            name: MANIFEST_NAME.to_string(),
        }
    }

    /// `repo/path/name`, as evidence names its subject.
    pub(crate) fn full_path(&self) -> String {
        format!("{}/{}/{}", self.repo, self.path, self.name)
    }

    /// The full path with each segment percent-encoded once, for URLs.
    fn encoded_path(&self) -> String {
        self.full_path()
            .split('/')
            .map(percent_encode)
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// What JFrog answered to an upload.
#[derive(Debug, Clone, PartialEq)]
pub struct Uploaded {
    /// HTTP status (200 or 201).
    pub status: u16,
    /// JFrog's `verified`, when the answer says.
    pub verified: Option<bool>,
}

/// The evidence service of one JFrog platform.
#[derive(Debug, Clone)]
pub struct EvidenceClient {
    remote: Remote,
}

impl EvidenceClient {
    /// A client sharing the HTTP client and the request log of the AppTrust client.
    pub fn new(
        http: reqwest::Client,
        jfrog_url: &str,
        token: Secret,
        options: ClientOptions,
        recorder: RequestRecorder,
    ) -> Self {
        let remote = Remote::new(http, jfrog_url, Some(token), options, &JFROG_ADVICE)
            .with_recorder(recorder);
        EvidenceClient { remote }
    }

    /// The subject's sha256 from Artifactory (AQL); `None` when no such file exists.
    pub async fn sha256(&self, subject: &Subject) -> Result<Option<String>, RemoteError> {
        let path = "/artifactory/api/search/aql";
        let query = aql::find_file(subject);
        let reply = self
            .remote
            .read(
                Method::POST,
                path,
                Some(Body::Text {
                    content_type: "text/plain",
                    text: &query,
                }),
            )
            .await?;
        let op = operation(&Method::POST, path);
        if !reply.is_success() {
            return Err(self.remote.status_error(&op, &reply));
        }
        aql::sha256_of(&reply.text, subject).map_err(|what| {
            RemoteError::decode(
                op,
                what,
                "; check that `jfrog-url` points at the JFrog platform root",
            )
        })
    }

    /// Every evidence record of the subject, all pages.
    pub async fn records(&self, subject: &Subject) -> Result<Vec<EvidenceRecord>, RemoteError> {
        let path = "/onemodel/api/v1/graphql";
        let op = operation(&Method::POST, path);
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let body = graphql::search_request(subject, PAGE_SIZE, after.as_deref());
            let reply = self
                .remote
                .read(Method::POST, path, Some(Body::Json(&body)))
                .await?;
            // GraphQL errors arrive in the body, with a 4xx or with 200: both are errors here.
            if !reply.is_success() {
                return Err(self.remote.status_error(&op, &reply));
            }
            let page = graphql::parse_page(&reply.text)
                .map_err(|what| RemoteError::decode(&op, what, graphql::HINT))?;
            let got = page.records.len();
            out.extend(page.records);
            if out.len() > MAX_RECORDS {
                return Err(RemoteError::decode(
                    op,
                    format!("the subject has more than {MAX_RECORDS} evidence records"),
                    "; a gate does not read this many records — remove stale evidence in JFrog",
                ));
            }
            // [INFERRED] paging: the edges' cursors until `totalCount` records are read.
            match page.last_cursor {
                Some(cursor) if got > 0 && out.len() < page.total => after = Some(cursor),
                _ => return Ok(out),
            }
        }
    }

    /// One evidence file (its `downloadPath`), at most [`MAX_EVIDENCE_FILE`] bytes; a path that
    /// would leave `/artifactory/` is refused before anything is sent ([`download::file_path`]).
    pub async fn download(&self, download_path: &str) -> Result<String, String> {
        self.download_bounded(download_path, crate::http::Bounds::default())
            .await
            .map(|(text, _)| text)
    }

    /// Signs `statement` with `key` (keyid `alias`) and attaches it to the subject, sent once.
    /// The statement is scrubbed of the run's secrets before it is signed: a signature freezes
    /// its bytes, and base64 hides them from the HTTP layer's redaction of bodies.
    pub(crate) async fn attach_signed(
        &self,
        subject: &Subject,
        mut statement: crate::dsse::Statement,
        key: &crate::dsse::SigningKey,
        alias: &str,
    ) -> Result<Uploaded, String> {
        let redactor = self.remote.redactor();
        redactor.redact_json(&mut statement.predicate);
        statement.predicate_type = redactor.redact_owned(statement.predicate_type);
        for s in &mut statement.subject {
            s.name = redactor.redact_owned(std::mem::take(&mut s.name));
        }
        let envelope = key
            .sign(
                crate::dsse::IN_TOTO_PAYLOAD_TYPE,
                &statement.to_json(),
                alias,
            )
            .map_err(|e| e.to_string())?;
        self.upload(subject, &envelope.to_json())
            .await
            .map_err(|e| e.to_string())
    }

    /// Attaches a DSSE envelope to the subject; sent once.
    pub async fn upload(&self, subject: &Subject, envelope: &str) -> Result<Uploaded, RemoteError> {
        let path = format!("/evidence/api/v1/subject/{}", subject.encoded_path());
        let reply = self
            .remote
            .send(
                Method::POST,
                &path,
                Some(Body::Text {
                    content_type: "application/json",
                    text: envelope,
                }),
            )
            .await?;
        if !reply.is_success() {
            return Err(self
                .remote
                .status_error(&operation(&Method::POST, &path), &reply));
        }
        let verified = serde_json::from_str::<serde_json::Value>(&reply.text)
            .ok()
            .and_then(|v| v.get("verified").and_then(serde_json::Value::as_bool));
        Ok(Uploaded {
            status: reply.status,
            verified,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_follow_the_project() {
        let s = Subject::manifest(Some("bookverse"), "inventory", "1.2.0+b.7");
        assert_eq!(
            s.full_path(),
            "bookverse-application-versions/inventory/1.2.0+b.7/release-bundle.json.evd"
        );
        assert_eq!(
            s.encoded_path(),
            "bookverse-application-versions/inventory/1.2.0%2Bb.7/release-bundle.json.evd"
        );
        assert_eq!(
            Subject::manifest(None, "a", "1").full_path(),
            "application-versions/a/1/release-bundle.json.evd"
        );
    }
}
