//! Real reports, continued: several formats in one gate, hostile and broken input in every
//! format, and the JUnit dialect rules of issue 15.

use super::real_reports::read;
use super::*;
use crate::reports::fixture;

#[test]
fn several_formats_add_up_per_file() {
    let files = [
        "junit/pytest-xunit1.xml",
        "tests/go-test.json",
        "tests/public/trx-mstest-pickles.trx",
        "tests/rspec.json",
    ];
    let paths: Vec<PathBuf> = files.iter().map(|f| fixture(f)).collect();
    let s = read_test_results(&paths).unwrap();
    let formats: Vec<TestFormat> = s.files.iter().map(|f| f.format).collect();
    assert_eq!(
        formats,
        [
            TestFormat::Junit,
            TestFormat::GoTest,
            TestFormat::Trx,
            TestFormat::Rspec
        ]
    );
    let mut sum = TestCounts::default();
    for (f, name) in s.files.iter().zip(files) {
        assert_eq!(f.counts, read(name).counts(), "{name}");
        sum.tests += f.counts.tests;
        sum.failures += f.counts.failures;
        sum.errors += f.counts.errors;
        sum.skipped += f.counts.skipped;
    }
    assert_eq!(s.counts(), sum);
    assert_eq!(s.passed(), sum.passed());
}

/// Hostile and broken input in every format: a clear error naming the file, never a panic.
#[test]
fn hostile_inputs_give_errors_not_panics() {
    use ReportError as E;
    let dir = tempfile::tempdir().unwrap();
    let huge = format!(
        "{{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T\"}}\n{{\"Action\":\"output\",\"Package\":\"p\",\"Output\":\"{}\"}}\n",
        "x".repeat(33 * 1024 * 1024)
    );
    let cases: Vec<(&str, Vec<u8>, &str, crate::reports::ErrCheck)> = vec![
        ("trx-truncated.trx", b"<TestRun><Results><UnitTestResult outcome=\"Passed\"/><UnitTest".to_vec(), "truncated", |e| matches!(e, E::Malformed { .. })),
        ("trx-outcome.trx", b"<TestRun><Results><UnitTestResult testName=\"a\" outcome=\"Exploded\"/></Results></TestRun>".to_vec(), "`Exploded`", |e| matches!(e, E::Malformed { .. })),
        ("trx-entity.trx", b"<?xml version=\"1.0\"?><!DOCTYPE TestRun [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><TestRun>&x;</TestRun>".to_vec(), "DOCTYPE", |e| matches!(e, E::Unsafe { .. })),
        ("nunit3-result.xml", b"<test-run><test-suite><test-case name=\"a\" result=\"Maybe\"/></test-suite></test-run>".to_vec(), "`Maybe`", |e| matches!(e, E::Malformed { .. })),
        ("nunit2-utf8.xml", b"<test-results><test-case name=\"a\xff\xfe\" executed=\"True\" result=\"Failure\"><failure><message>m</message></failure></test-case></test-results>".to_vec(), "UTF-8", |e| matches!(e, E::Malformed { .. })),
        ("xunit-result.xml", b"<assemblies><assembly><collection><test name=\"a\" result=\"Flaky\"/></collection></assembly></assemblies>".to_vec(), "`Flaky`", |e| matches!(e, E::Malformed { .. })),
        ("go-truncated.json", b"{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T\"}\n{\"Action\":\"pa".to_vec(), "truncated", |e| matches!(e, E::Malformed { .. })),
        ("go-types.json", b"{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T\"}\n{\"Action\":5}\n".to_vec(), "line 2", |e| matches!(e, E::Malformed { .. })),
        ("go-huge.json", huge.into_bytes(), "longer than", |e| matches!(e, E::Malformed { .. })),
        ("go-utf8.json", b"{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T\"}\n{\"Action\":\"fail\",\"Package\":\"p\",\"Test\":\"T\xff\"}\n".to_vec(), "line 2", |e| matches!(e, E::Malformed { .. })),
        ("dart-result.json", b"{\"protocolVersion\":\"0.1.1\",\"type\":\"start\",\"time\":0}\n{\"testID\":1,\"result\":\"meh\",\"hidden\":false,\"type\":\"testDone\",\"time\":1}\n".to_vec(), "`meh`", |e| matches!(e, E::Malformed { .. })),
        ("dart-noid.json", b"{\"protocolVersion\":\"0.1.1\",\"type\":\"start\",\"time\":0}\n{\"result\":\"success\",\"type\":\"testDone\",\"time\":1}\n".to_vec(), "testID", |e| matches!(e, E::Malformed { .. })),
        ("mocha-truncated.json", b"{\n  \"stats\": {\"tests\": 1},\n  \"passes\": [\n    {\"title\": \"a\"".to_vec(), "truncated", |e| matches!(e, E::Malformed { .. })),
        ("mocha-types.json", b"{\n  \"stats\": {},\n  \"failures\": 5\n}\n".to_vec(), "", |e| matches!(e, E::Malformed { .. })),
        ("mocha-failure-types.json", b"{\n  \"stats\": {},\n  \"failures\": [{\"title\": 7}]\n}\n".to_vec(), "mocha failure", |e| matches!(e, E::Malformed { .. })),
        ("rspec-status.json", b"{\"version\":\"3.12.0\",\"examples\":[{\"status\":\"exploded\"}]}".to_vec(), "`exploded`", |e| matches!(e, E::Malformed { .. })),
        ("rspec-types.json", b"{\"version\":\"3.12.0\",\"examples\":{}}".to_vec(), "expected an array", |e| matches!(e, E::Malformed { .. })),
        ("rspec-utf8.json", b"{\"version\":\"3.12.0\",\"examples\":[{\"status\":\"passed\",\"full_description\":\"\xc3\x28\"}]}".to_vec(), "RSpec example", |e| matches!(e, E::Malformed { .. })),
        ("array.json", b"[1, 2, 3]".to_vec(), "tried:", |e| matches!(e, E::UnknownFormat { .. })),
        ("object.json", b"{\"metrics\": {}}".to_vec(), "tried:", |e| matches!(e, E::UnknownFormat { .. })),
        ("text.txt", b"hello\nworld\n".to_vec(), "tried:", |e| matches!(e, E::UnknownFormat { .. })),
        ("coverage.xml", b"<coverage line-rate=\"1\"/>".to_vec(), "<coverage>", |e| matches!(e, E::UnknownFormat { .. })),
        ("empty.json", Vec::new(), "empty", |e| matches!(e, E::Malformed { .. })),
    ];
    for (name, body, want, ok) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        match read_test_results(std::slice::from_ref(&p)) {
            Ok(s) => panic!("{name}: expected an error, got {s:?}"),
            Err(e) => {
                assert!(ok(&e), "{name}: unexpected error {e:?}");
                let msg = e.to_string();
                assert!(msg.contains(name), "{name}: {msg}");
                assert!(msg.contains(want), "{name}: wanted {want:?} in {msg}");
            }
        }
    }
    // The existing hostile XML fixtures are refused by the detecting reader too.
    for file in [
        "hostile/billion-laughs.xml",
        "hostile/xxe.xml",
        "hostile/truncated.xml",
        "hostile/invalid-utf8.xml",
        "hostile/utf16-bom.xml",
        "hostile/undefined-entity.xml",
        "hostile/deeply-nested.json",
        "hostile/truncated.json",
    ] {
        let e = read_test_results(&[fixture(file)]).unwrap_err();
        assert!(
            e.to_string()
                .contains(file.rsplit('/').next().unwrap_or(file)),
            "{file}: {e}"
        );
    }
}

/// JUnit dialect rules from issue 15: attribute-only suites count from their totals, several
/// result elements in one case count once (failure > error > skipped).
#[test]
fn junit_totals_only_suites_and_several_results_per_case() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("dialects.xml");
    std::fs::write(
        &p,
        r#"<testsuites>
  <testsuite name="totals-only" tests="10" failures="2" errors="1" skipped="3"/>
  <testsuite name="totals-open" tests="4" failures="1"></testsuite>
  <testsuite name="counted" tests="99" failures="99">
    <testcase name="error-then-failure"><error message="e"/><failure message="f">x.py:3: boom</failure></testcase>
    <testcase name="skipped-and-error"><skipped/><error message="crash"/></testcase>
    <testcase name="skipped-twice"><skipped/><skipped/></testcase>
    <testcase name="failure-then-error"><failure message="first"/><error message="second"/></testcase>
  </testsuite>
</testsuites>"#,
    )
    .unwrap();
    let s = read_test_results(std::slice::from_ref(&p)).unwrap();
    assert_eq!(
        s.counts(),
        TestCounts {
            tests: 10 + 4 + 4,
            failures: 2 + 1 + 2,
            errors: 1 + 1,
            skipped: 3 + 1
        }
    );
    let kinds: Vec<(&str, FailureKind, &str)> = s
        .failed
        .iter()
        .map(|c| (c.name.as_str(), c.kind, c.message.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("error-then-failure", FailureKind::Failure, "f"),
            ("skipped-and-error", FailureKind::Error, "crash"),
            ("failure-then-error", FailureKind::Failure, "first"),
        ]
    );
    assert_eq!(s.failed[0].file.as_deref(), Some("x.py"));
    // read_junit counts the same way.
    let j = read_junit(&[p]).unwrap();
    assert_eq!((j.tests, j.failures, j.errors, j.skipped), (18, 5, 2, 4));
}

/// xUnit.net v1 (`<assembly><class><test>`): no real v1 report was found to vendor, so this
/// is hand-written in the shape xunit.console 1.9 writes (its totals in the attributes).
#[test]
fn xunit_v1_shape() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("xunit1.xml");
    std::fs::write(
        &p,
        r#"<?xml version="1.0" encoding="utf-8"?>
<assembly name="C:\b\Tests.dll" run-date="2014-11-28" run-time="14:11:45" time="0.130" total="3" passed="1" failed="1" skipped="1" environment="32-bit .NET 4.0" test-framework="xUnit.net 1.9.2.1705">
  <class time="0.130" name="Tests.Calc" total="3" passed="1" failed="1" skipped="1">
    <test name="Tests.Calc.Adds" type="Tests.Calc" method="Adds" result="Pass" time="0.01" />
    <test name="Tests.Calc.Fails" type="Tests.Calc" method="Fails" result="Fail" time="0.02">
      <failure exception-type="Xunit.Sdk.TrueException">
        <message><![CDATA[Assert.True() Failure]]></message>
        <stack-trace><![CDATA[   at Tests.Calc.Fails() in c:\b\Calc.cs:line 21]]></stack-trace>
      </failure>
    </test>
    <test name="Tests.Calc.Later" type="Tests.Calc" method="Later" result="Skip"><reason><message><![CDATA[later]]></message></reason></test>
  </class>
</assembly>"#,
    )
    .unwrap();
    let s = read_test_results(std::slice::from_ref(&p)).unwrap();
    assert_eq!(s.files[0].format, TestFormat::Xunit1);
    assert_eq!((s.tests, s.failures, s.errors, s.skipped), (3, 1, 0, 1));
    let c = &s.failed[0];
    assert_eq!(
        (c.suite.as_str(), c.name.as_str()),
        ("Tests.Calc", "Tests.Calc.Fails")
    );
    assert_eq!(
        (c.file.as_deref(), c.line),
        (Some("c:\\b\\Calc.cs"), Some(21))
    );
    assert_eq!(c.message, "Assert.True() Failure");
}

/// Windows runners write TRX and NUnit files with a UTF-8 byte order mark and CRLF line ends
/// (the stored copies of the public files have neither): the same report so written reads the same.
#[test]
fn a_byte_order_mark_and_crlf_change_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    for file in [
        "tests/public/trx-nunit-netcoreapp3.1.trx",
        "tests/public/nunit3-issue33493.xml",
    ] {
        let text = std::fs::read_to_string(fixture(file)).expect("fixture");
        let mut windows = vec![0xEF, 0xBB, 0xBF];
        windows.extend(text.replace('\n', "\r\n").into_bytes());
        let copy = dir.path().join("windows-copy");
        std::fs::write(&copy, windows).expect("write");
        let original = read(file);
        let converted = read_test_results(&[copy]).expect("reads with BOM and CRLF");
        assert_eq!(converted.counts(), original.counts(), "{file}");
        assert_eq!(converted.failed.len(), original.failed.len(), "{file}");
    }
}
