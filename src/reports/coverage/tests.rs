//! Unit tests of `coverage.rs`, apart so that the reader's own file stays short.

use super::*;
use crate::reports::fixture;

fn read_number(rel: &str) -> f64 {
    std::fs::read_to_string(fixture(rel))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

fn json_total(rel: &str, key: &str) -> f64 {
    let v: serde_json::Value =
        serde_json::from_reader(std::fs::File::open(fixture(rel)).unwrap()).unwrap();
    v["totals"][key].as_f64().unwrap()
}

#[test]
fn exact_counts_for_every_real_fixture() {
    type Row = (&'static str, CoverageFormat, (u64, u64), (u64, u64));
    let table: &[Row] = &[
        (
            "coverage/coverage-py-cobertura.xml",
            CoverageFormat::Cobertura,
            (18, 37),
            (0, 0),
        ),
        (
            "coverage/coverage-py.lcov",
            CoverageFormat::Lcov,
            (18, 37),
            (0, 0),
        ),
        (
            "coverage/coverage-py-branch-cobertura.xml",
            CoverageFormat::Cobertura,
            (18, 37),
            (5, 12),
        ),
        (
            "coverage/coverage-py-branch.lcov",
            CoverageFormat::Lcov,
            (18, 37),
            (5, 12),
        ),
        (
            "coverage/jest-cobertura.xml",
            CoverageFormat::Cobertura,
            (5, 8),
            (2, 4),
        ),
        ("coverage/jest.lcov", CoverageFormat::Lcov, (5, 8), (2, 4)),
        (
            "coverage/jacoco.xml",
            CoverageFormat::Jacoco,
            (11, 17),
            (4, 10),
        ),
    ];
    for (file, format, lines, branches) in table {
        let s = read_coverage(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(s.format, *format, "{file}");
        assert_eq!((s.lines_covered, s.lines_valid), *lines, "{file}");
        assert_eq!((s.branches_covered, s.branches_valid), *branches, "{file}");
        if branches.1 == 0 {
            assert_eq!(s.branch_percent, None, "{file}");
        }
    }
}

#[test]
fn percentages_equal_the_producing_tools_totals() {
    // coverage.py: `coverage report --format=total --precision=6` and `coverage json`.
    let line_total = read_number("coverage/coverage-py-total.txt");
    let line_json = json_total("coverage/coverage-py.json", "percent_covered");
    for file in [
        "coverage/coverage-py-cobertura.xml",
        "coverage/coverage-py.lcov",
    ] {
        let s = read_coverage(&fixture(file)).unwrap();
        let p = s.line_percent.unwrap();
        assert_eq!(p, line_json, "{file}: full precision equals coverage json");
        assert!(
            (p - line_total).abs() < 5e-7,
            "{file}: {p} vs TOTAL {line_total}"
        );
    }
    let branch_run_total = read_number("coverage/coverage-py-branch-total.txt");
    let stmts = json_total(
        "coverage/coverage-py-branch.json",
        "percent_statements_covered",
    );
    let branches = json_total(
        "coverage/coverage-py-branch.json",
        "percent_branches_covered",
    );
    let combined = json_total("coverage/coverage-py-branch.json", "percent_covered");
    for file in [
        "coverage/coverage-py-branch-cobertura.xml",
        "coverage/coverage-py-branch.lcov",
    ] {
        let s = read_coverage(&fixture(file)).unwrap();
        assert_eq!(s.line_percent, Some(stmts), "{file}");
        assert_eq!(s.branch_percent, Some(branches), "{file}");
        assert_eq!(s.combined_percent(), Some(combined), "{file}");
        assert!((combined - branch_run_total).abs() < 5e-7, "{file}");
    }
    // istanbul (jest): coverage-summary.json total.lines.pct / branches.pct (2 decimals).
    let v: serde_json::Value = serde_json::from_reader(
        std::fs::File::open(fixture("coverage/jest-coverage-summary.json")).unwrap(),
    )
    .unwrap();
    for file in ["coverage/jest-cobertura.xml", "coverage/jest.lcov"] {
        let s = read_coverage(&fixture(file)).unwrap();
        assert_eq!(
            s.line_percent,
            v["total"]["lines"]["pct"].as_f64(),
            "{file}"
        );
        assert_eq!(
            s.branch_percent,
            v["total"]["branches"]["pct"].as_f64(),
            "{file}"
        );
    }
    // JaCoCo: report-level LINE 11 covered / 6 missed, BRANCH 4 / 6.
    let s = read_coverage(&fixture("coverage/jacoco.xml")).unwrap();
    assert_eq!(s.line_percent, Some(11.0 * 100.0 / 17.0));
    assert_eq!(s.branch_percent, Some(40.0));
}

#[test]
fn hostile_and_wrong_inputs() {
    use ReportError as E;
    let table: &[(&str, crate::reports::ErrCheck)] = &[
        ("hostile/billion-laughs.xml", |e| {
            matches!(e, E::Unsafe { .. })
        }),
        ("hostile/xxe.xml", |e| matches!(e, E::Unsafe { .. })),
        ("hostile/truncated.xml", |e| {
            matches!(e, E::Malformed { .. } | E::UnknownFormat { .. })
        }),
        ("hostile/utf16-bom.xml", |e| {
            matches!(e, E::Malformed { .. })
        }),
        ("hostile/empty.xml", |e| matches!(e, E::Malformed { .. })),
        ("hostile/json-as-xml.xml", |e| {
            matches!(e, E::UnknownFormat { .. })
        }),
        ("coverage/coverage-py.json", |e| {
            matches!(e, E::UnknownFormat { .. })
        }),
        ("junit/pytest-xunit1.xml", |e| {
            matches!(e, E::UnknownFormat { .. })
        }),
        ("sarif/bandit.sarif", |e| {
            matches!(e, E::UnknownFormat { .. })
        }),
        ("hostile/deeply-nested.json", |e| {
            matches!(e, E::UnknownFormat { .. })
        }),
    ];
    for (file, ok) in table {
        match read_coverage(&fixture(file)) {
            Ok(s) => panic!("{file}: expected an error, got {s:?}"),
            Err(e) => assert!(ok(&e), "{file}: unexpected error {e:?}"),
        }
    }
}

#[test]
fn truncated_and_inconsistent_reports() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str)] = &[
        ("trunc.lcov", "TN:\nSF:a.py\nDA:1,1\nLF:1\nLH:1\n"),
        ("badnum.lcov", "SF:a.py\nLF:x\nend_of_record\n"),
        ("over.lcov", "SF:a.py\nLF:1\nLH:2\nend_of_record\n"),
        (
            "trunc-cobertura.xml",
            "<coverage lines-valid=\"2\" lines-covered=\"1\"><packages>",
        ),
        (
            "over.xml",
            "<coverage lines-valid=\"2\" lines-covered=\"3\"/>",
        ),
        ("norate.xml", "<coverage/>"),
        ("nolines-jacoco.xml", "<report name=\"x\"></report>"),
    ];
    for (name, body) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        let e = read_coverage(&p).unwrap_err();
        assert!(matches!(e, ReportError::Malformed { .. }), "{name}: {e:?}");
        assert!(e.to_string().contains(name), "{name}: {e}");
    }
}

#[test]
fn lcov_without_summary_lines_counts_da_and_brda() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("da.info");
    std::fs::write(
        &p,
        "TN:\nSF:a.c\nDA:1,5\nDA:2,0\nDA:3,1\nBRDA:1,0,0,1\nBRDA:1,0,1,-\nend_of_record\n",
    )
    .unwrap();
    let s = read_coverage(&p).unwrap();
    assert_eq!((s.lines_covered, s.lines_valid), (2, 3));
    assert_eq!((s.branches_covered, s.branches_valid), (1, 2));
    assert_eq!(s.branch_percent, Some(50.0));
}

#[test]
fn cobertura_rate_fallback_without_counts() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("old.xml");
    std::fs::write(
        &p,
        "<coverage line-rate=\"0.75\" branch-rate=\"0.5\"><packages/></coverage>",
    )
    .unwrap();
    let s = read_coverage(&p).unwrap();
    assert_eq!(s.line_percent, Some(75.0));
    assert_eq!(s.branch_percent, Some(50.0));
}
