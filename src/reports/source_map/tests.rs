//! Placement of annotations against small workspaces, with the expectations dorny/test-reporter
//! states for the same public reports (`__tests__/__snapshots__/*.snap`).

use super::*;

fn index(files: &[&str]) -> SourceIndex {
    let mut i = SourceIndex::default();
    for f in files {
        i.add(f.to_string());
    }
    i
}

#[test]
fn printed_paths_map_to_workspace_files() {
    let i = index(&[
        "pulsar-common/src/test/java/org/apache/pulsar/AddMissingPatchVersionTest.java",
        "pulsar-broker/src/test/java/org/apache/pulsar/broker/AddMissingPatchVersionTest.java",
        "src/main/java/com/example/Calculator.java",
        "DotnetTests.Unit/Calculator.cs",
        "lib/main.js",
        "web/__tests__/math.test.js",
        "calc/calc_test.go",
        "other/calc_test.go",
        "README.md",
    ]);
    let table: &[(&str, Option<&str>, Option<&str>)] = &[
        // Java: a bare name placed by the frame's package.
        (
            "AddMissingPatchVersionTest.java",
            Some("org.apache.pulsar.AddMissingPatchVersionTest"),
            Some("pulsar-common/src/test/java/org/apache/pulsar/AddMissingPatchVersionTest.java"),
        ),
        ("AddMissingPatchVersionTest.java", None, None),
        ("Assert.java", Some("org.testng.Assert"), None),
        (
            "Calculator.java",
            Some("com.example.Calculator"),
            Some("src/main/java/com/example/Calculator.java"),
        ),
        ("Calculator.java", Some("org.other.Calculator"), None),
        // .NET and JS: the build machine's checkout prefix dropped.
        (
            "C:\\Users\\Michal\\Workspace\\dorny\\test-reporter\\reports\\dotnet\\DotnetTests.Unit\\Calculator.cs",
            Some("DotnetTests.Unit.Calculator"),
            Some("DotnetTests.Unit/Calculator.cs"),
        ),
        (
            "/home/runner/work/app/app/web/__tests__/math.test.js",
            None,
            Some("web/__tests__/math.test.js"),
        ),
        ("lib\\main.js", None, Some("lib/main.js")),
        ("file:///tmp/w/lib/main.js", None, Some("lib/main.js")),
        (
            "__tests__/math.test.js",
            None,
            Some("web/__tests__/math.test.js"),
        ),
        ("/tmp/w/node_modules/lib/main.js", None, None),
        // Go: the package's import path places a bare name.
        (
            "calc_test.go",
            Some("example.com/fixture/calc"),
            Some("calc/calc_test.go"),
        ),
        ("calc_test.go", None, None),
        ("README.md", None, Some("README.md")),
        ("missing.py", None, None),
    ];
    for (printed, owner, want) in table {
        assert_eq!(
            i.resolve(printed, *owner).as_deref(),
            *want,
            "{printed} {owner:?}"
        );
    }
}

#[test]
fn the_first_frame_in_the_tests_class_or_the_workspace_wins() {
    let trace = "org.opentest4j.AssertionFailedError: 2 + 2 ==> expected: <5> but was: <4>\n\
        \tat org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)\n\
        \tat org.junit.jupiter.api.Assertions.assertEquals(Assertions.java:560)\n\
        \tat com.example.CalculatorTest.addsWrongly(CalculatorTest.java:18)\n";
    let f = frames(trace);
    let reader = (Some("AssertionFailureBuilder.java"), Some(151));
    let cls = "com.example.CalculatorTest";
    // No sources in the workspace: the test's own frame, as printed.
    assert_eq!(
        place(&f, cls, reader, &index(&[])),
        Some(("CalculatorTest.java".into(), Some(18)))
    );
    let ws = index(&["src/test/java/com/example/CalculatorTest.java"]);
    assert_eq!(
        place(&f, cls, reader, &ws),
        Some((
            "src/test/java/com/example/CalculatorTest.java".into(),
            Some(18)
        ))
    );
    // Nothing in the trace: the reader's location, mapped when it is in the workspace.
    assert_eq!(
        place(
            &[],
            "",
            (Some("/ci/w/lib/main.js"), Some(3)),
            &index(&["lib/main.js"])
        ),
        Some(("lib/main.js".into(), Some(3)))
    );
    assert_eq!(place(&[], "", (None, None), &ws), None);
}

#[test]
fn own_classes_include_nested_ones() {
    for (class, owner, want) in [
        ("a.B", "a.B", true),
        ("a.B", "a.B$1", true),
        ("Ns.C", "Ns.C+Nested", true),
        ("Ns.C", "Ns.C.<Run>d__3", true),
        ("a.B", "a.BC", false),
        ("", "a.B", false),
    ] {
        assert_eq!(owns(class, owner), want, "{class} {owner}");
    }
}

#[test]
fn the_listing_skips_dependencies_and_vcs_data() {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "src/a.rs",
        "node_modules/x/a.js",
        ".git/config",
        "target/debug/a.rs",
        "web/b.js",
    ] {
        let p = dir.path().join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "x").unwrap();
    }
    let i = SourceIndex::scan(dir.path());
    let mut files: Vec<&String> = i.files.iter().collect();
    files.sort();
    assert_eq!(files, vec!["src/a.rs", "web/b.js"]);
}
