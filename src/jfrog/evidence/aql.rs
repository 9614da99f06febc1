//! Artifactory Query Language, the one query shape used: find a file by repository, folder and
//! name, and read its sha256 (`POST /artifactory/api/search/aql`, body as text).

use serde::Deserialize;

use super::Subject;

/// `items.find({"repo":…,"path":…,"name":…}).include("repo","path","name","sha256")`.
pub(crate) fn find_file(subject: &Subject) -> String {
    let criteria = serde_json::json!({
        "repo": subject.repo,
        "path": subject.path,
        "name": subject.name,
    });
    format!(r#"items.find({criteria}).include("repo","path","name","sha256")"#)
}

#[derive(Deserialize)]
struct Answer {
    results: Option<Vec<Item>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Item {
    repo: String,
    path: String,
    name: String,
    sha256: String,
}

/// The sha256 of the subject in an AQL answer: `Ok(None)` when the file does not exist, `Err`
/// (what was wrong) when the answer is not what AQL returns.
pub(crate) fn sha256_of(body: &str, subject: &Subject) -> Result<Option<String>, String> {
    let answer: Answer = serde_json::from_str(body)
        .map_err(|e| format!("the AQL answer is not the JSON Artifactory documents ({e})"))?;
    let items = answer
        .results
        .ok_or("the AQL answer has no `results` list")?;
    let Some(item) = items
        .into_iter()
        .find(|i| i.repo == subject.repo && i.path == subject.path && i.name == subject.name)
    else {
        return Ok(None);
    };
    let sha = item.sha256.to_ascii_lowercase();
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "the AQL answer gives `{}` as sha256 of {}, which is not a SHA-256",
            crate::text::truncate_chars(&item.sha256, 80),
            subject.full_path()
        ));
    }
    Ok(Some(sha))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject() -> Subject {
        Subject::manifest(Some("bookverse"), "inventory", "1.2.0")
    }

    #[test]
    fn the_query_is_the_one_jf_evd_sends() {
        assert_eq!(
            find_file(&subject()),
            r#"items.find({"name":"release-bundle.json.evd","path":"inventory/1.2.0","repo":"bookverse-application-versions"}).include("repo","path","name","sha256")"#
        );
    }

    #[test]
    fn answers_are_read_strictly() {
        let sha = "a".repeat(64);
        let found = format!(
            r#"{{"results":[{{"repo":"bookverse-application-versions","path":"inventory/1.2.0","name":"release-bundle.json.evd","sha256":"{}"}}],"range":{{"total":1}}}}"#,
            sha.to_uppercase()
        );
        assert_eq!(sha256_of(&found, &subject()), Ok(Some(sha)));
        assert_eq!(sha256_of(r#"{"results":[]}"#, &subject()), Ok(None));
        let table = [
            ("not json", "not the JSON"),
            (r#"{"range":{}}"#, "no `results`"),
            (
                r#"{"results":[{"repo":"bookverse-application-versions","path":"inventory/1.2.0","name":"release-bundle.json.evd","sha256":"xyz"}]}"#,
                "not a SHA-256",
            ),
        ];
        for (body, want) in table {
            let e = sha256_of(body, &subject()).unwrap_err();
            assert!(e.contains(want), "{body}: {e}");
        }
    }
}
