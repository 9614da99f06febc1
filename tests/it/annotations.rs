//! Annotations on the user's code, through the binary: the first stack frame in the test's own
//! class or in a workspace file, with the printed file mapped to its workspace path — for a
//! real Maven Surefire + JUnit 5 report, a TestNG report of apache/pulsar, .NET (NUnit 3, TRX)
//! and JavaScript (mocha) reports, and SARIF locations. Where dorny/test-reporter's own tests
//! state the place for the same public report, the expectation is theirs.

use crate::common::{Action, Run, Sim, fixture};

const APP: &str = "bookverse-inventory";

fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).expect("fixture")
}

/// A run whose QA gate reads `reports/*` (a `tests` gate allowing 100 failures, so nothing is
/// promoted past it without the annotations being printed) with `reports` (workspace path,
/// fixture path) and source files `sources` (workspace path, content).
fn run(gate: &str, reports: &[(&str, &str)], sources: &[(&str, &str)]) -> Run {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0").file(
        ".github/promotion-policy.yml",
        &format!("version: 1\nstages:\n  QA:\n    gates:\n      - {gate}\n"),
    );
    for (at, from) in reports {
        a.file(at, &read(from));
    }
    for (at, content) in sources {
        a.file(at, content);
    }
    a.run()
}

const TESTS_GATE: &str = "tests: { paths: [\"reports/*\"], max-failures: 0 }";

/// The `::error` annotation lines of a run whose title contains `title`.
fn annotations<'a>(run: &'a Run, title: &str) -> Vec<&'a str> {
    run.stdout
        .lines()
        .filter(|l| l.starts_with("::error file=") && l.contains(title))
        .collect()
}

fn assert_at(run: &Run, title: &str, file: &str, line: u32) {
    let found = annotations(run, title);
    let want = format!("::error file={file},line={line},");
    assert!(
        found.iter().any(|l| l.starts_with(&want)),
        "{title} should be annotated at {file}:{line}; got {found:?}\n{}",
        run.stdout
    );
}

const SUREFIRE: &str = "tests/surefire/TEST-com.example.CalculatorTest.xml";
const CALC_TEST: &str = "src/test/java/com/example/CalculatorTest.java";
const CALC: &str = "src/main/java/com/example/Calculator.java";

#[test]
fn a_surefire_failure_is_annotated_in_the_test_class_not_in_junit() {
    let report = [("reports/TEST-com.example.CalculatorTest.xml", SUREFIRE)];
    let sources = [
        (
            CALC_TEST,
            read(&format!("tests/surefire/project/{CALC_TEST}")),
        ),
        (CALC, read(&format!("tests/surefire/project/{CALC}"))),
    ];
    let sources: Vec<(&str, &str)> = sources.iter().map(|(p, c)| (*p, c.as_str())).collect();
    let r = run(TESTS_GATE, &report, &sources);
    assert_eq!(r.code, 1, "{}", r.stdout);
    // Surefire's console: Tests run: 4, Failures: 1, Errors: 1, Skipped: 1.
    let totals = read("tests/surefire/surefire-totals.txt");
    assert!(totals.contains("Tests run: 4, Failures: 1, Errors: 1, Skipped: 1"));
    assert!(
        r.summary.contains("2 failed of 4 (1 skipped)"),
        "{}",
        r.summary
    );
    // The assertion's first frame is JUnit's AssertionFailureBuilder.java:151; the test's own
    // line is 18. The exception is thrown in the code under test, a workspace file.
    assert_at(&r, "addsWrongly", CALC_TEST, 18);
    assert_at(&r, "dividesByZero", CALC, 9);
    assert!(
        !r.stdout.contains("AssertionFailureBuilder.java"),
        "{}",
        r.stdout
    );

    // Without the sources checked out: the test class's own frame, as printed.
    let r = run(TESTS_GATE, &report, &[]);
    assert_at(&r, "addsWrongly", "CalculatorTest.java", 18);
    assert_at(&r, "dividesByZero", "CalculatorTest.java", 23);
}

#[test]
fn a_java_file_name_is_found_by_its_package() {
    // apache/pulsar's TestNG report; dorny/test-reporter's snapshot places the failure at
    // pulsar-common/src/test/java/org/apache/pulsar/AddMissingPatchVersionTest.java:29 (the
    // first frame is org.testng.Assert.fail(Assert.java:99)).
    let decoy =
        "pulsar-broker/src/test/java/org/apache/pulsar/broker/AddMissingPatchVersionTest.java";
    let own = "pulsar-common/src/test/java/org/apache/pulsar/AddMissingPatchVersionTest.java";
    let r = run(
        TESTS_GATE,
        &[(
            "reports/TEST-pulsar.xml",
            "tests/public/junit-testng-pulsar.xml",
        )],
        &[(decoy, "class A {}\n"), (own, "class B {}\n")],
    );
    assert_eq!(r.code, 1);
    assert_at(&r, "testVersionStrings", own, 29);
}

#[test]
fn dotnet_paths_of_the_build_machine_map_to_the_workspace() {
    // dorny/test-reporter's NUnit 3 report of its .NET sample, paths under
    // C:\Users\Michal\Workspace\dorny\test-reporter\reports\dotnet\.
    let r = run(
        TESTS_GATE,
        &[("reports/nunit.xml", "tests/public/nunit3-dotnet.xml")],
        &[
            ("DotnetTests.Unit/Calculator.cs", "class Calculator {}\n"),
            (
                "DotnetTests.NUnitV3Tests/CalculatorTests.cs",
                "class T {}\n",
            ),
        ],
    );
    assert_eq!(r.code, 1);
    assert_at(
        &r,
        "Exception_In_TargetTest",
        "DotnetTests.Unit/Calculator.cs",
        9,
    );
    assert_at(
        &r,
        "Failing_Test",
        "DotnetTests.NUnitV3Tests/CalculatorTests.cs",
        27,
    );
    // xUnit v3's deterministic build path `/_/reports/dotnet/…` (TRX).
    let r = run(
        TESTS_GATE,
        &[("reports/x.trx", "tests/public/trx-xunitv3.trx")],
        &[("DotnetTests.XUnitV3Tests/FixtureTests.cs", "class F {}\n")],
    );
    assert_at(
        &r,
        "Failing_Test",
        "DotnetTests.XUnitV3Tests/FixtureTests.cs",
        25,
    );
    // NUnit's own sample: the first frame is NUnit's Assert.cs:142, the test's is line 121.
    let r = run(
        TESTS_GATE,
        &[("reports/nunit.xml", "tests/public/nunit3-sample.xml")],
        &[(
            "NUnitFramework/src/mock-assembly/MockAssembly.cs",
            "class M {}\n",
        )],
    );
    assert_at(
        &r,
        "FailingTest",
        "NUnitFramework/src/mock-assembly/MockAssembly.cs",
        121,
    );
    assert!(!r.stdout.contains("Assert.cs"), "{}", r.stdout);
}

#[test]
fn javascript_frames_map_to_the_workspace() {
    // dorny/test-reporter's mocha report with its tracked files; its snapshot places the
    // failures at lib/main.js:2, test/main.test.js:11 and test/main.test.js:22.
    let r = run(
        TESTS_GATE,
        &[("reports/mocha.json", "tests/public/mocha-dorny.json")],
        &[
            ("test/main.test.js", "// t\n"),
            ("test/second.test.js", "// t\n"),
            ("lib/main.js", "// m\n"),
        ],
    );
    assert_eq!(r.code, 1);
    assert_at(&r, "Exception in target unit", "lib/main.js", 2);
    assert_at(&r, "Failing test", "test/main.test.js", 11);
    assert_at(&r, "Exception in test", "test/main.test.js", 22);
}

#[test]
fn sarif_locations_of_the_scanning_machine_map_to_the_workspace() {
    // eslint wrote file:///tmp/fixture-work/jsproj/{__tests__/math.test.js,src/math.js}.
    let r = run(
        "sarif: { paths: [\"reports/*.sarif\"], max-level: { error: 0 } }",
        &[("reports/eslint.sarif", "sarif/eslint.sarif")],
        &[
            ("src/math.js", "// m\n"),
            ("__tests__/math.test.js", "// t\n"),
        ],
    );
    assert_eq!(r.code, 1);
    for want in [
        "::error file=__tests__/math.test.js,line=3,title=no-undef",
        "::warning file=src/math.js,line=13,title=no-var",
    ] {
        assert!(
            r.stdout.lines().any(|l| l.starts_with(want)),
            "{want}\n{}",
            r.stdout
        );
    }
    assert!(!r.stdout.contains("file%3A///"), "{}", r.stdout);
}
