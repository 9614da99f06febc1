//! Walks a SARIF log with the JSON pull scanner: `version`, then each run's `tool` and
//! `results`, handing every result to the counter as it is parsed and dropped.
//!
//! Rules after results: when a run's `results` come before its `tool` (legal in SARIF, rare in
//! practice), the first pass skips those results and records the run's rules; a second pass
//! over the file then counts exactly those runs. Memory stays bounded either way.

use std::path::Path;

use super::model::{RawResult, RawTool, RunMeta};
use super::{Acc, EXPECTED, FORMAT, count};
use crate::reports::ReportError;
use crate::reports::parse::json::open_json;
use crate::reports::parse::jsonscan::{JsonScanner, parse_element};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Pass {
    /// Count runs whose rules precede their results; collect every run's rules.
    First,
    /// Count only runs deferred in the first pass.
    Second,
}

/// One pass over `path`; returns whether the log had a `runs` array.
pub(super) fn pass(
    path: &Path,
    which: Pass,
    acc: &mut Acc,
    runs: &mut Vec<RunMeta>,
) -> Result<bool, ReportError> {
    let reader = open_json(path, FORMAT, EXPECTED)?;
    let mut s = JsonScanner::new(reader, path, FORMAT);
    if s.peek_value()? != b'{' {
        return Err(ReportError::UnknownFormat {
            path: path.to_path_buf(),
            expected: EXPECTED,
            detail: "the JSON value is not an object".into(),
        });
    }
    s.begin_object("a SARIF log object")?;
    let mut key = String::new();
    let mut raw = Vec::new();
    let mut saw_runs = false;
    while s.next_key(&mut key)? {
        match key.as_str() {
            "version" => {
                s.capture_value(&mut raw)?;
                let v: std::borrow::Cow<'_, str> = parse_element(&raw, path, FORMAT, &"`version`")?;
                if !v.starts_with("2.1") {
                    return Err(ReportError::malformed(
                        path,
                        FORMAT,
                        format!("SARIF version {v} is not supported (expected 2.1.0)"),
                    ));
                }
            }
            "runs" => {
                saw_runs = true;
                s.begin_array("an array of runs")?;
                let mut index = 0;
                while s.next_element()? {
                    run(&mut s, path, which, acc, runs, index, &mut raw)?;
                    index += 1;
                }
            }
            _ => s.skip_value()?,
        }
    }
    s.finish()?;
    Ok(saw_runs)
}

fn run<R: std::io::Read>(
    s: &mut JsonScanner<R>,
    path: &Path,
    which: Pass,
    acc: &mut Acc,
    runs: &mut Vec<RunMeta>,
    idx: usize,
    raw: &mut Vec<u8>,
) -> Result<(), ReportError> {
    if which == Pass::First && runs.len() <= idx {
        runs.push(RunMeta::default());
    }
    s.begin_object("a run object")?;
    let mut key = String::new();
    while s.next_key(&mut key)? {
        match (key.as_str(), which) {
            ("tool", Pass::First) => {
                s.capture_value(raw)?;
                let tool: RawTool<'_> =
                    parse_element(raw, path, FORMAT, &format_args!("run {idx}: `tool`"))?;
                let deferred = runs[idx].deferred;
                runs[idx] = RunMeta::from_tool(tool)
                    .map_err(|d| ReportError::malformed(path, FORMAT, format!("run {idx}: {d}")))?;
                runs[idx].deferred = deferred;
            }
            ("results", Pass::First) if runs[idx].tool_seen => {
                results(s, path, acc, &runs[idx], idx, raw)?;
            }
            ("results", Pass::First) => {
                runs[idx].deferred = true;
                s.skip_value()?;
            }
            ("results", Pass::Second) if runs.get(idx).is_some_and(|r| r.deferred) => {
                results(s, path, acc, &runs[idx], idx, raw)?;
            }
            _ => s.skip_value()?,
        }
    }
    Ok(())
}

fn results<R: std::io::Read>(
    s: &mut JsonScanner<R>,
    path: &Path,
    acc: &mut Acc,
    run: &RunMeta,
    run_index: usize,
    raw: &mut Vec<u8>,
) -> Result<(), ReportError> {
    if s.peek_value()? == b'n' {
        return s.skip_value();
    }
    s.begin_array("an array of results or null")?;
    let mut index = 0u64;
    let mut open = Vec::new();
    while s.next_element()? {
        let counted = s.with_object(
            raw,
            &format_args!("run {run_index}, result {index}"),
            |bytes| {
                let (r, used) = RawResult::scan(bytes, &mut open)?;
                Ok((count(acc, run, r, &bytes[..used]), used))
            },
        )?;
        counted.map_err(|detail| {
            ReportError::malformed(
                path,
                FORMAT,
                format!("run {run_index}, result {index}: {detail}"),
            )
        })?;
        index += 1;
    }
    Ok(())
}
