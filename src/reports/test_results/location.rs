//! Finds the source location of a failure in the text a runner printed: stack traces and
//! assertion output in the shapes the supported runners write.
//!
//! Paths are returned as printed. Runners that print paths relative to the directory they ran
//! in (pytest, mocha, RSpec, go test) therefore give repository-relative paths when run from
//! the repository root; absolute paths (.NET stack traces, Dart `file://` URLs) stay absolute.

/// Every `path:line` token in `text`, in order (and Nette Tester's `path(line)`): pytest's
/// `tests/test_x.py:14: AssertionError`,
/// Rust's `panicked at src/lib.rs:21:9:`, a JS frame `(/abs/math.test.js:13:27)`, a Ruby frame
/// `./spec/x_spec.rb:9:in`, a Go line `calc_test.go:13: message`. The path must look like a file
/// (contain `.` or `/`) and not be a URL.
pub(crate) fn locations(text: &str) -> impl Iterator<Item = (&str, u32)> {
    text.split_whitespace().filter_map(|token| {
        let token = token.trim_start_matches(['(', '\'', '"', '[']);
        if let Some(found) = paren_location(token) {
            return Some(found);
        }
        let mut parts = token.split(':');
        let (Some(p), Some(num)) = (parts.next(), parts.next()) else {
            return None;
        };
        // Java frames: `pkg.Class.method(File.java:27)` → `File.java`.
        let p = p.rsplit('(').next().unwrap_or(p);
        if p.is_empty() || !(p.contains('.') || p.contains('/')) || p.contains("//") {
            return None;
        }
        let digits = num.trim_end_matches([')', ',', '\'', '"', ']']);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse::<u32>().ok().map(|line| (p, line))
    })
}

/// Nette Tester's `in tests/Runner/x.phpt(78)`: a path with a directory and an extension,
/// then the line in parentheses. The directory keeps calls like `math.floor(3)` out.
fn paren_location(token: &str) -> Option<(&str, u32)> {
    let (path, rest) = token.split_once('(')?;
    let digits = rest.strip_suffix(')')?;
    let name = path.rsplit('/').next()?;
    if !path.contains('/') || path.contains("//") || !name.contains('.') || name.ends_with('.') {
        return None;
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u32>().ok().map(|line| (path, line))
}

/// The first location in `text` (see [`locations`]).
pub(crate) fn find_location(text: &str) -> Option<(String, u32)> {
    locations(text).next().map(|(p, l)| (p.to_string(), l))
}

/// The first frame of `text` in `file` (compared by path suffix either way), else the first
/// frame outside dependencies and runtime internals, else `None`.
pub(crate) fn best_location(text: &str, file: Option<&str>) -> Option<(String, u32)> {
    let file = file.map(|f| f.trim_start_matches("./"));
    let mut fallback = None;
    for (p, l) in locations(text) {
        let bare = p.trim_start_matches("./");
        if let Some(f) = file {
            if !bare.is_empty() && (f.ends_with(bare) || bare.ends_with(f)) {
                return Some((bare.to_string(), l));
            }
        }
        let internal = p.starts_with("node:")
            || p.starts_with("internal/")
            || p.contains("node_modules/")
            || p.contains("/gems/")
            || p.contains("/rubygems")
            || p.starts_with('<');
        if fallback.is_none() && !internal {
            fallback = Some((bare.to_string(), l));
        }
    }
    fallback
}

/// The first frame with a source location in a .NET stack trace: `in PATH:line N` as .NET
/// prints it (`at Ns.C.M() in /src/CalcTests.cs:line 42`), or `in PATH:N` as Mono does (NUnit 2
/// reports: `at Ns.C.M () [0x00000] in /src/MockAssembly.cs:121`). Mono's `<filename
/// unknown>:0` is no location.
pub(crate) fn dotnet_location(trace: &str) -> Option<(String, u32)> {
    trace.lines().find_map(|frame| {
        let (_, place) = frame.rsplit_once(" in ")?;
        let place = place.trim();
        let (path, line) = match place.rsplit_once(":line ") {
            Some(dotnet) => dotnet,
            None => place.rsplit_once(':')?,
        };
        let path = path.trim();
        let line = line.trim().parse::<u32>().ok().filter(|&l| l > 0)?;
        (!path.is_empty() && !path.starts_with('<')).then(|| (path.to_string(), line))
    })
}

/// The first Dart stack frame with a line: `test/main_test.dart 13:9  main.<fn>` (path, a
/// space, `line:column`). Windows separators are turned into `/`.
pub(crate) fn dart_frame(trace: &str) -> Option<(String, u32)> {
    for frame in trace.lines() {
        let mut parts = frame.split_whitespace();
        let (Some(path), Some(pos)) = (parts.next(), parts.next()) else {
            continue;
        };
        if path.starts_with("dart:") || path.starts_with("package:test") {
            continue;
        }
        let Some((line, _col)) = pos.split_once(':') else {
            continue;
        };
        if let Ok(line) = line.parse::<u32>() {
            return Some((path.replace('\\', "/"), line));
        }
    }
    None
}

/// A `file://` URL as a path (`file:///C:/x` → `C:/x`, `file:///home/x` → `/home/x`).
pub(crate) fn file_url_path(url: &str) -> String {
    match url.strip_prefix("file://") {
        Some(rest) => {
            let drive = rest.len() > 3 && rest.as_bytes()[2] == b':' && rest.starts_with('/');
            if drive {
                rest[1..].to_string()
            } else {
                rest.to_string()
            }
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_patterns() {
        let cases: &[(&str, Option<(&str, u32)>)] = &[
            (
                "tests/test_x.py:14: AssertionError",
                Some(("tests/test_x.py", 14)),
            ),
            ("panicked at src/lib.rs:21:9:", Some(("src/lib.rs", 21))),
            (
                "    at Object.toBe (/a/b.test.js:13:27)",
                Some(("/a/b.test.js", 13)),
            ),
            ("    calc_test.go:13: want 11", Some(("calc_test.go", 13))),
            ("see http://example.com:8080/x", None),
            ("std::vec::Vec: 12", None),
            (
                "in tests/Runner/Runner.multiple-fails.phpt(78) Tester\\Assert::match()",
                Some(("tests/Runner/Runner.multiple-fails.phpt", 78)),
            ),
            ("expected math.floor(3) to be 3", None),
            ("see src/lib(2)", None),
            ("no location here", None),
        ];
        for (text, want) in cases {
            let got = find_location(text);
            assert_eq!(got.as_ref().map(|(p, l)| (p.as_str(), *l)), *want, "{text}");
        }
    }

    #[test]
    fn best_location_prefers_the_test_file() {
        let stack = "Error: x\n    at fn (node_modules/lib/a.js:1:1)\n    at node:internal/x:3:4\n    \
                     at Context.<anonymous> (test/calc.spec.js:13:12)";
        type Case<'a> = (Option<&'a str>, Option<(&'a str, u32)>);
        let cases: &[Case<'_>] = &[
            (
                Some("/tmp/w/test/calc.spec.js"),
                Some(("test/calc.spec.js", 13)),
            ),
            (None, Some(("test/calc.spec.js", 13))),
            (Some("other.js"), Some(("test/calc.spec.js", 13))),
        ];
        for (file, want) in cases {
            let got = best_location(stack, *file);
            assert_eq!(
                got.as_ref().map(|(p, l)| (p.as_str(), *l)),
                *want,
                "{file:?}"
            );
        }
        let ruby = "/usr/lib/gems/x.rb:1:in `a'\n./spec/calc_spec.rb:9:in `block'";
        assert_eq!(
            best_location(ruby, Some("./spec/calc_spec.rb")),
            Some(("spec/calc_spec.rb".to_string(), 9))
        );
    }

    #[test]
    fn dotnet_and_dart_frames() {
        let trace = "   at A.B.C() in /src/x.cs\n   at MyProject.Tests.F() in c:\\w\\SampleFact.cs:line 16\n";
        assert_eq!(
            dotnet_location(trace),
            Some(("c:\\w\\SampleFact.cs".to_string(), 16))
        );
        assert_eq!(dotnet_location("at X() in :line 3"), None);
        let mono = "at N.T.M () [0x00000] in <filename unknown>:0\n\
                    at N.T.F () [0x00000] in /home/c/src/MockAssembly.cs:121\n";
        assert_eq!(
            dotnet_location(mono),
            Some(("/home/c/src/MockAssembly.cs".to_string(), 121))
        );
        assert_eq!(
            dotnet_location("at X () in C:\\src\\A.cs:7"),
            Some(("C:\\src\\A.cs".to_string(), 7))
        );
        assert_eq!(dotnet_location("at X () in /src/A.cs:seven"), None);
        assert_eq!(dotnet_location("no trace"), None);
        let dart = "package:test_api          expect\ntest\\main_test.dart 13:9  main.<fn>\n";
        assert_eq!(
            dart_frame(dart),
            Some(("test/main_test.dart".to_string(), 13))
        );
        assert_eq!(
            dart_frame("dart:isolate  _RawReceivePortImpl._handleMessage\n"),
            None
        );
        assert_eq!(file_url_path("file:///C:/a/b.dart"), "C:/a/b.dart");
        assert_eq!(file_url_path("file:///home/a/b.dart"), "/home/a/b.dart");
        assert_eq!(file_url_path("test/b.dart"), "test/b.dart");
    }
}
