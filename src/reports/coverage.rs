//! Coverage reader for the `coverage` gate: one report file → line and branch percentages.
//!
//! The format is detected from the content, not the extension: an XML root `<coverage>` is
//! Cobertura (coverage.py, istanbul/jest, gcovr…), `<report>` is JaCoCo, and text whose first
//! line is an LCOV record (`TN:`, `SF:`, …) is LCOV.
//!
//! Totals and precision — the percentages equal what the producing tool reports as its total,
//! at full precision (tools round only for display):
//! - Cobertura: `lines-covered / lines-valid` and `branches-covered / branches-valid` from the
//!   root element. The `line-rate`/`branch-rate` attributes are rounded (coverage.py writes 4
//!   decimals) and are only used when the counts are absent. `branches-valid="0"` (coverage.py
//!   without `--branch`) means "not measured": `branch_percent` is `None`.
//! - LCOV: `ΣLH / ΣLF` and `ΣBRH / ΣBRF` over all records (a record without `LF`/`LH` is
//!   counted from its `DA` lines, one without `BRF`/`BRH` from its `BRDA` lines).
//! - JaCoCo: the report-level `<counter type="LINE"|"BRANCH" missed covered>` (direct children
//!   of `<report>`): `covered / (missed + covered)`. JaCoCo's HTML shows these rounded to whole
//!   percent.
//!
//! A percentage is `None` when its denominator is 0 (nothing measured). Coverage.py's own
//! `coverage report` TOTAL equals `line_percent` only for line-only runs; with `--branch` it
//! mixes statements and branches ((lines+branches covered) / (statements+branches)), which
//! [`CoverageSummary::combined_percent`] reproduces.
//!
//! XML is streamed to the end (so truncation is detected) with the safety rules of
//! [`super::parse::xml`]; LCOV is read line by line into one reused buffer.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use serde::Serialize;

use super::ReportError;
use super::parse::xml::{self, Sniffed, XmlStream};

/// Which coverage format a report was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CoverageFormat {
    Cobertura,
    Lcov,
    Jacoco,
}

/// Report-level totals of one coverage file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageSummary {
    pub(crate) format: CoverageFormat,
    /// Percent (0–100) of lines covered, full precision; `None` when no lines were measured.
    pub(crate) line_percent: Option<f64>,
    /// Percent (0–100) of branches covered, full precision; `None` when branches were not
    /// measured.
    pub(crate) branch_percent: Option<f64>,
    pub(crate) lines_covered: u64,
    pub(crate) lines_valid: u64,
    pub(crate) branches_covered: u64,
    pub(crate) branches_valid: u64,
    pub(crate) file: PathBuf,
}

impl CoverageSummary {
    /// coverage.py's TOTAL for branch runs: covered lines and branches over all lines and
    /// branches. Equals `line_percent` when no branches were measured.
    pub fn combined_percent(&self) -> Option<f64> {
        percent(
            self.lines_covered + self.branches_covered,
            self.lines_valid + self.branches_valid,
        )
    }
}

const EXPECTED: &str = "a coverage report (Cobertura XML, LCOV or JaCoCo XML)";

/// Reads one coverage report; the format is detected from its content.
pub fn read_coverage(path: &Path) -> Result<CoverageSummary, ReportError> {
    let (inner, sniffed) = xml::open_sniffed(path, "coverage report")?;
    match sniffed {
        Sniffed::Xml => read_xml(path, XmlStream::new(inner, path, "coverage XML")),
        Sniffed::Json => Err(ReportError::UnknownFormat {
            path: path.to_path_buf(),
            expected: EXPECTED,
            detail: "found JSON (for coverage.py use `coverage xml` or `coverage lcov`; for \
                     istanbul/jest add the `cobertura` or `lcov` reporter)"
                .into(),
        }),
        Sniffed::Other => read_lcov(path, inner),
    }
}

fn percent(covered: u64, valid: u64) -> Option<f64> {
    (valid > 0).then(|| covered as f64 * 100.0 / valid as f64)
}

fn read_xml(path: &Path, mut x: XmlStream) -> Result<CoverageSummary, ReportError> {
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut scratch = String::new();
    let mut format = None;
    let mut summary = CoverageSummary {
        format: CoverageFormat::Cobertura,
        line_percent: None,
        branch_percent: None,
        lines_covered: 0,
        lines_valid: 0,
        branches_covered: 0,
        branches_valid: 0,
        file: path.to_path_buf(),
    };
    let mut jacoco_line = None;
    let mut jacoco_branch = None;
    loop {
        let event = x.next_markup(&mut buf)?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let depth = if matches!(event, Event::Start(_)) {
                    x.depth()
                } else {
                    x.depth() + 1
                };
                match format {
                    None => match e.local_name().as_ref() {
                        b"coverage" => {
                            format = Some(CoverageFormat::Cobertura);
                            cobertura_root(&x, e, &mut scratch, &mut summary)?;
                        }
                        b"report" => format = Some(CoverageFormat::Jacoco),
                        _ => {
                            return Err(ReportError::UnknownFormat {
                                path: path.to_path_buf(),
                                expected: EXPECTED,
                                detail: format!(
                                    "the root element is <{}>, not <coverage> (Cobertura) or \
                                     <report> (JaCoCo)",
                                    xml::display_name(e)
                                ),
                            });
                        }
                    },
                    // Report-level counters are the direct children of <report> (depth 2).
                    Some(CoverageFormat::Jacoco)
                        if depth == 2 && e.local_name().as_ref() == b"counter" =>
                    {
                        x.attr_into(e, b"type", &mut scratch)?;
                        let slot = match scratch.as_str() {
                            "LINE" => &mut jacoco_line,
                            "BRANCH" => &mut jacoco_branch,
                            _ => continue,
                        };
                        let missed: u64 = x.attr_num(e, b"missed", &mut scratch)?.unwrap_or(0);
                        let covered: u64 = x.attr_num(e, b"covered", &mut scratch)?.unwrap_or(0);
                        *slot = Some((covered, missed));
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let Some(format) = format else {
        return Err(x.malformed("no root element"));
    };
    summary.format = format;
    if format == CoverageFormat::Jacoco {
        let Some((covered, missed)) = jacoco_line else {
            return Err(x.malformed(
                "JaCoCo report has no report-level <counter type=\"LINE\">; was the report \
                 generated from class files compiled with debug line info (-g)?",
            ));
        };
        summary.lines_covered = covered;
        summary.lines_valid = covered + missed;
        summary.line_percent = percent(covered, covered + missed);
        if let Some((covered, missed)) = jacoco_branch {
            summary.branches_covered = covered;
            summary.branches_valid = covered + missed;
            summary.branch_percent = percent(covered, covered + missed);
        }
    }
    Ok(summary)
}

fn cobertura_root(
    x: &XmlStream,
    e: &quick_xml::events::BytesStart<'_>,
    scratch: &mut String,
    s: &mut CoverageSummary,
) -> Result<(), ReportError> {
    let lines_valid: Option<u64> = x.attr_num(e, b"lines-valid", scratch)?;
    let lines_covered: Option<u64> = x.attr_num(e, b"lines-covered", scratch)?;
    let branches_valid: Option<u64> = x.attr_num(e, b"branches-valid", scratch)?;
    let branches_covered: Option<u64> = x.attr_num(e, b"branches-covered", scratch)?;
    let line_rate: Option<f64> = x.attr_num(e, b"line-rate", scratch)?;
    let branch_rate: Option<f64> = x.attr_num(e, b"branch-rate", scratch)?;
    match (lines_covered, lines_valid) {
        (Some(c), Some(v)) => {
            if c > v {
                return Err(x.malformed(format!("lines-covered ({c}) exceeds lines-valid ({v})")));
            }
            s.lines_covered = c;
            s.lines_valid = v;
            s.line_percent = percent(c, v);
        }
        _ => match line_rate {
            Some(r) => s.line_percent = Some(r * 100.0),
            None => {
                return Err(
                    x.malformed("<coverage> has neither lines-covered/lines-valid nor line-rate")
                );
            }
        },
    }
    match (branches_covered, branches_valid) {
        (Some(c), Some(v)) => {
            if c > v {
                return Err(x.malformed(format!(
                    "branches-covered ({c}) exceeds branches-valid ({v})"
                )));
            }
            s.branches_covered = c;
            s.branches_valid = v;
            s.branch_percent = percent(c, v);
        }
        // Old Cobertura without counts: trust the rate, but 0 usually means "not measured".
        _ => s.branch_percent = branch_rate.filter(|r| *r > 0.0).map(|r| r * 100.0),
    }
    Ok(())
}

/// Per-record counters for LCOV.
#[derive(Default)]
struct LcovRecord {
    lf: Option<u64>,
    lh: Option<u64>,
    brf: Option<u64>,
    brh: Option<u64>,
    da_total: u64,
    da_hit: u64,
    brda_total: u64,
    brda_hit: u64,
    open: bool,
}

impl LcovRecord {
    /// Counts one `KEY:VALUE` line into the open record; keys that carry no count are skipped.
    fn take(
        &mut self,
        path: &Path,
        lineno: u64,
        key: &[u8],
        value: &[u8],
    ) -> Result<(), ReportError> {
        let num = |v: &[u8]| lcov_count(path, lineno, v);
        match key {
            b"LF" => self.lf = Some(num(value)?),
            b"LH" => self.lh = Some(num(value)?),
            b"BRF" => self.brf = Some(num(value)?),
            b"BRH" => self.brh = Some(num(value)?),
            b"DA" => {
                // DA:<line>,<hits>[,<checksum>]
                let mut parts = value.split(|&b| b == b',');
                let _line = parts.next();
                let hits = parts
                    .next()
                    .ok_or_else(|| lcov_bad(path, lineno, "DA without a hit count"))?;
                self.da_total += 1;
                // Hit counts may be negative/float in some producers; anything > 0 is a hit.
                if std::str::from_utf8(hits)
                    .ok()
                    .and_then(|s| s.trim().parse::<f64>().ok())
                    .is_some_and(|h| h > 0.0)
                {
                    self.da_hit += 1;
                }
            }
            b"BRDA" => {
                // BRDA:<line>,<block>,<branch>,<taken|->
                let taken = value.rsplit(|&b| b == b',').next().unwrap_or(b"-");
                self.brda_total += 1;
                if taken != b"-" && taken != b"0" {
                    self.brda_hit += 1;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The whole file's found and hit counts, summed over closed records.
#[derive(Default)]
struct LcovTotals {
    lf: u64,
    lh: u64,
    brf: u64,
    brh: u64,
    records: u64,
}

impl LcovTotals {
    /// A record's own `LF`/`LH`/`BRF`/`BRH` win; the `DA`/`BRDA` lines counted in it stand in
    /// for producers that leave the totals out.
    fn close(&mut self, rec: &LcovRecord) {
        self.lf += rec.lf.unwrap_or(rec.da_total);
        self.lh += rec.lh.unwrap_or(rec.da_hit);
        self.brf += rec.brf.unwrap_or(rec.brda_total);
        self.brh += rec.brh.unwrap_or(rec.brda_hit);
        self.records += 1;
    }
}

fn lcov_bad(path: &Path, lineno: u64, detail: &str) -> ReportError {
    ReportError::malformed(path, "LCOV", format!("line {lineno}: {detail}"))
}

fn lcov_count(path: &Path, lineno: u64, v: &[u8]) -> Result<u64, ReportError> {
    std::str::from_utf8(v)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .ok_or_else(|| {
            lcov_bad(
                path,
                lineno,
                &format!(
                    "`{}` is not a count",
                    String::from_utf8_lossy(&v[..v.len().min(40)])
                ),
            )
        })
}

/// The first meaningful line decides whether this is LCOV at all, so that another format given
/// as coverage is named as such rather than reported as a broken LCOV file.
fn check_lcov_start(path: &Path, lineno: u64, text: &[u8]) -> Result<(), ReportError> {
    let known = [
        &b"TN:"[..],
        b"SF:",
        b"VER:",
        b"FN:",
        b"FNDA:",
        b"DA:",
        b"end_of_record",
    ];
    if known.iter().any(|k| text.starts_with(k)) {
        return Ok(());
    }
    Err(ReportError::UnknownFormat {
        path: path.to_path_buf(),
        expected: EXPECTED,
        detail: format!(
            "line {lineno} starts with `{}`",
            String::from_utf8_lossy(&text[..text.len().min(40)])
        ),
    })
}

fn read_lcov(
    path: &Path,
    mut reader: std::io::BufReader<std::fs::File>,
) -> Result<CoverageSummary, ReportError> {
    let mut line = Vec::with_capacity(256);
    let mut lineno: u64 = 0;
    let mut rec = LcovRecord::default();
    let mut totals = LcovTotals::default();
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| ReportError::io(path, e))?;
        if n == 0 {
            break;
        }
        lineno += 1;
        let text = trim_ascii(&line);
        if text.is_empty() || text.starts_with(b"#") {
            continue;
        }
        if lineno == 1 || totals.records == 0 && !rec.open {
            check_lcov_start(path, lineno, text)?;
        }
        if text == b"end_of_record" {
            totals.close(&rec);
            rec = LcovRecord::default();
            continue;
        }
        rec.open = true;
        let Some(colon) = text.iter().position(|&b| b == b':') else {
            return Err(lcov_bad(
                path,
                lineno,
                "expected `KEY:VALUE` or `end_of_record`",
            ));
        };
        rec.take(path, lineno, &text[..colon], &text[colon + 1..])?;
    }
    if rec.open {
        return Err(lcov_bad(
            path,
            lineno,
            "the last record has no `end_of_record`; the file looks truncated",
        ));
    }
    lcov_summary(path, &totals)
}

/// The summary of a complete file; an empty or self-contradicting one is refused rather than
/// read as 0 % or over 100 %.
fn lcov_summary(path: &Path, totals: &LcovTotals) -> Result<CoverageSummary, ReportError> {
    let LcovTotals {
        lf,
        lh,
        brf,
        brh,
        records,
    } = *totals;
    if records == 0 {
        return Err(ReportError::malformed(
            path,
            "LCOV",
            "no records (`end_of_record`)",
        ));
    }
    if lh > lf || brh > brf {
        return Err(ReportError::malformed(
            path,
            "LCOV",
            format!("hit counts exceed found counts (LH {lh} / LF {lf}, BRH {brh} / BRF {brf})"),
        ));
    }
    Ok(CoverageSummary {
        format: CoverageFormat::Lcov,
        line_percent: percent(lh, lf),
        branch_percent: percent(brh, brf),
        lines_covered: lh,
        lines_valid: lf,
        branches_covered: brh,
        branches_valid: brf,
        file: path.to_path_buf(),
    })
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &b[start..end.max(start)]
}

#[cfg(test)]
mod tests;
