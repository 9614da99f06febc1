//! The job summary's section on what a promotion changes in its target stage: one collapsed
//! block naming the version there now and the counts, then the merged pull requests (title,
//! author, link) and the commits, each list capped with "and K more". Titles and names come
//! from GitHub, which anyone who can open a pull request writes: escaped; links are built from
//! the repository's URL and a number or hex SHA, never taken from an answer.

use std::fmt::Write;

use super::markdown::{code, escape};
use crate::promotion::changes::ChangeSet;
use crate::promotion::outcome::Outcome;

/// Pull requests listed at most.
const MAX_PULLS: usize = 25;
/// Commits listed at most.
const MAX_COMMITS: usize = 20;

/// Renders the section (nothing for a run without a change set).
pub(super) fn render(o: &Outcome, out: &mut String) {
    let Some(c) = &o.changes else {
        return;
    };
    let stage = escape(o.display(&c.stage));
    let _ = writeln!(
        out,
        "<details><summary>What changes in {stage}: {}</summary>\n",
        headline(c)
    );
    if let Some(note) = &c.note {
        let _ = writeln!(out, "_{}_\n", escape(note));
    }
    if let (Some(base), Some(head)) = (&c.base_commit, &c.head_commit) {
        let _ = writeln!(out, "{} → {}\n", sha_link(c, base), sha_link(c, head));
    }
    if !c.pull_requests.is_empty() {
        out.push_str("**Pull requests**\n\n");
        for p in c.pull_requests.iter().take(MAX_PULLS) {
            let number = match &c.repository_url {
                Some(r) => format!("[#{}]({r}/pull/{})", p.number, p.number),
                None => format!("#{}", p.number),
            };
            let _ = writeln!(
                out,
                "- {number} {} — {}",
                escape(&p.title),
                escape(&p.author)
            );
        }
        more(out, c.pull_requests.len(), MAX_PULLS);
        if c.commits_not_looked_up > 0 {
            let _ = writeln!(
                out,
                "_The pull requests of the {} oldest commits were not looked up._\n",
                c.commits_not_looked_up
            );
        }
    }
    if !c.commit_list.is_empty() {
        out.push_str("**Commits**\n\n");
        // Newest first, as a reviewer reads them.
        for commit in c.commit_list.iter().rev().take(MAX_COMMITS) {
            let _ = writeln!(
                out,
                "- {} {} — {}",
                sha_link(c, &commit.sha),
                escape(&commit.title),
                escape(&commit.author)
            );
        }
        let listed = c.commits.max(c.commit_list.len() as u64) as usize;
        more(out, listed, MAX_COMMITS);
    }
    out.push_str("</details>\n\n");
}

/// `N commits, M pull requests since 1.1.0`, or why there is no list.
fn headline(c: &ChangeSet) -> String {
    let Some(base) = &c.base_version else {
        return "first promotion into it".into();
    };
    let base = escape(base);
    if c.status.as_deref() == Some("identical") {
        return format!("same commit as {base}");
    }
    if c.status.is_none() {
        return format!("replaces {base} (commits not listed)");
    }
    let s = |n: u64| if n == 1 { "" } else { "s" };
    let pulls = c.pull_requests.len() as u64;
    // Behind or diverged: the stage would lose commits it runs now.
    let warning = match c.status.as_deref() {
        Some("behind") => " (⚠️ this version's commit is older than it)",
        Some("diverged") => " (⚠️ this version's commit has diverged from it)",
        _ => "",
    };
    format!(
        "{} commit{}, {pulls} pull request{} since {base}{warning}",
        c.commits,
        s(c.commits),
        s(pulls)
    )
}

fn sha_link(c: &ChangeSet, sha: &str) -> String {
    let short: String = sha.chars().take(7).collect();
    let hex = sha.bytes().all(|b| b.is_ascii_hexdigit());
    match &c.repository_url {
        Some(r) if hex => format!("[`{short}`]({r}/commit/{sha})"),
        _ => code(&short),
    }
}

fn more(out: &mut String, total: usize, shown: usize) {
    if total > shown {
        let _ = writeln!(out, "- … and {} more", total - shown);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Command;
    use crate::promotion::changes::{Commit, PullRequest};

    fn outcome(c: ChangeSet) -> String {
        let mut o = Outcome::new(Command::Promote, "inv", "1.2.0");
        o.changes = Some(c);
        let mut out = String::new();
        render(&o, &mut out);
        out
    }

    #[test]
    fn lists_pull_requests_and_commits_escaped_and_capped() {
        let commits: Vec<Commit> = (0..30)
            .map(|i| Commit {
                sha: format!("{i:040x}"),
                title: format!("fix <b>{i}</b>"),
                author: "@alice".into(),
                url: "javascript:alert(1)".into(),
            })
            .collect();
        let out = outcome(ChangeSet {
            stage: "PROD".into(),
            repository_url: Some("https://github.com/o/r".into()),
            base_version: Some("1.1.0".into()),
            base_commit: Some("a".repeat(40)),
            head_commit: Some("b".repeat(40)),
            status: Some("ahead".into()),
            commits: 31,
            commit_list: commits,
            pull_requests: vec![PullRequest {
                number: 7,
                title: "Add [link](http://evil)".into(),
                author: "bob".into(),
                url: "http://evil".into(),
            }],
            ..ChangeSet::default()
        });
        assert!(
            out.starts_with(
                "<details><summary>What changes in PROD: 31 commits, 1 pull request since 1.1.0</summary>"
            ),
            "{out}"
        );
        assert!(
            out.contains("- [#7](https://github.com/o/r/pull/7) Add \\[link\\](http://evil) — bob"),
            "{out}"
        );
        assert!(
            out.contains("fix &lt;b&gt;29&lt;/b&gt; — @\u{200b}alice"),
            "{out}"
        );
        assert!(out.contains("- … and 11 more"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
    }

    #[test]
    fn a_first_promotion_says_so() {
        let out = outcome(ChangeSet {
            stage: "PROD".into(),
            note: Some("nothing is in PROD yet".into()),
            ..ChangeSet::default()
        });
        assert!(
            out.contains("What changes in PROD: first promotion into it"),
            "{out}"
        );
        assert!(out.contains("_nothing is in PROD yet_"), "{out}");
    }
}
