//! The stack frames of a failure's text, in order, each with the type that owns it where the
//! runtime prints one: what [`crate::reports::source_map`] picks an annotation's place from.
//!
//! Shapes read, one frame per line:
//! - Java (Surefire, Gradle, TestNG): `at com.example.CalcTest.adds(CalcTest.java:18)`, also
//!   with a module (`java.base/java.lang.reflect.Method.invoke(Method.java:569)`); frames
//!   without a line (`Native Method`, `Unknown Source`) are skipped;
//! - .NET: `at Ns.CalcTests.Fails() in /src/CalcTests.cs:line 27`, Mono's
//!   `at Ns.T.M () [0x00000] in /src/T.cs:121` (`<filename unknown>` skipped);
//! - JavaScript (V8): `at fn (/abs/calc.test.js:13:27)`, `at /abs/calc.test.js:13:27`,
//!   Windows paths included;
//! - Python: `File "tests/test_x.py", line 14, in test_x`;
//! - anything else: every `path:line` token of the line ([`super::location::locations`]:
//!   pytest, Rust, Ruby, Go).

use super::location::locations;

/// At most this many frames are read from one failure.
const MAX_FRAMES: usize = 128;

/// One stack frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Frame {
    /// The file as printed (a bare name for Java, an absolute path for .NET and JS, …).
    pub(crate) file: String,
    pub(crate) line: u32,
    /// The type whose method the frame is in (`com.example.CalcTest`), when printed.
    pub(crate) owner: Option<String>,
}

/// The frames of `text`, in order.
pub(crate) fn frames(text: &str) -> Vec<Frame> {
    let mut out = Vec::new();
    for line in text.lines() {
        if out.len() >= MAX_FRAMES {
            break;
        }
        let l = line.trim();
        if let Some(f) = dotnet(l)
            .or_else(|| java(l))
            .or_else(|| javascript(l))
            .or_else(|| python(l))
        {
            out.push(f);
            continue;
        }
        out.extend(locations(l).map(|(file, line)| Frame {
            file: file.to_string(),
            line,
            owner: None,
        }));
    }
    out.truncate(MAX_FRAMES);
    out
}

/// `a.b.C.method` → `a.b.C` (a module prefix `java.base/` dropped, .NET generic arguments
/// and parameter lists already cut off by the caller).
fn owner_of(qualified: &str) -> Option<String> {
    let qualified = qualified.rsplit('/').next().unwrap_or(qualified).trim();
    let (owner, _method) = qualified.rsplit_once('.')?;
    (!owner.is_empty() && !owner.contains(' ')).then(|| owner.to_string())
}

fn line_number(s: &str) -> Option<u32> {
    let s = s.trim();
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse::<u32>().ok())
        .flatten()
        .filter(|l| *l > 0)
}

fn java(l: &str) -> Option<Frame> {
    let rest = l.strip_prefix("at ")?;
    let (qualified, inside) = rest.strip_suffix(')')?.rsplit_once('(')?;
    let (file, line) = inside.rsplit_once(':')?;
    // A Java frame's file is a bare name (`CalcTest.java`); JS frames have paths.
    if file.contains(['/', '\\', ':', ' ']) || !file.contains('.') {
        return None;
    }
    Some(Frame {
        file: file.to_string(),
        line: line_number(line)?,
        owner: owner_of(qualified),
    })
}

fn dotnet(l: &str) -> Option<Frame> {
    let rest = l.strip_prefix("at ")?;
    let (call, place) = rest.rsplit_once(" in ")?;
    let place = place.trim();
    let (path, line) = match place.rsplit_once(":line ") {
        Some(found) => found,
        None => place.rsplit_once(':')?,
    };
    let path = path.trim();
    if path.is_empty() || path.starts_with('<') {
        return None;
    }
    let method = call.split('(').next().unwrap_or(call);
    Some(Frame {
        file: path.to_string(),
        line: line_number(line)?,
        owner: owner_of(method),
    })
}

fn javascript(l: &str) -> Option<Frame> {
    let rest = l.strip_prefix("at ")?;
    let place = match rest.strip_suffix(')').and_then(|r| r.rsplit_once('(')) {
        Some((_, inside)) => inside,
        None => rest,
    };
    let (before_col, col) = place.rsplit_once(':')?;
    let (path, line) = before_col.rsplit_once(':')?;
    line_number(col)?;
    let path = path.trim();
    if path.is_empty() || path.starts_with("node:") || path.contains(' ') {
        return None;
    }
    Some(Frame {
        file: path.strip_prefix("file://").unwrap_or(path).to_string(),
        line: line_number(line)?,
        owner: None,
    })
}

fn python(l: &str) -> Option<Frame> {
    let rest = l.strip_prefix("File \"")?;
    let (path, after) = rest.split_once('"')?;
    let line = after.trim_start_matches(',').trim().strip_prefix("line ")?;
    let line = line.split(',').next().unwrap_or(line);
    Some(Frame {
        file: path.to_string(),
        line: line_number(line)?,
        owner: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(file: &str, line: u32, owner: Option<&str>) -> Frame {
        Frame {
            file: file.into(),
            line,
            owner: owner.map(str::to_string),
        }
    }

    #[test]
    fn frames_of_each_runtime() {
        let table: &[(&str, Option<Frame>)] = &[
            (
                "\tat org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)",
                Some(f(
                    "AssertionFailureBuilder.java",
                    151,
                    Some("org.junit.jupiter.api.AssertionFailureBuilder"),
                )),
            ),
            (
                "at com.example.CalcTest$Nested.lambda$adds$0(CalcTest.java:18)",
                Some(f("CalcTest.java", 18, Some("com.example.CalcTest$Nested"))),
            ),
            (
                "at java.base/java.lang.reflect.Method.invoke(Method.java:569)",
                Some(f("Method.java", 569, Some("java.lang.reflect.Method"))),
            ),
            ("at jdk.internal.reflect.X.invoke0(Native Method)", None),
            (
                "   at DotnetTests.Unit.Calculator.Div(Int32 a, Int32 b) in C:\\w\\DotnetTests.Unit\\Calculator.cs:line 9",
                Some(f(
                    "C:\\w\\DotnetTests.Unit\\Calculator.cs",
                    9,
                    Some("DotnetTests.Unit.Calculator"),
                )),
            ),
            (
                "at N.T.F () [0x00000] in /home/c/src/MockAssembly.cs:121",
                Some(f("/home/c/src/MockAssembly.cs", 121, Some("N.T"))),
            ),
            ("at N.T.M () [0x00000] in <filename unknown>:0", None),
            (
                "    at Object.toBe (/tmp/w/__tests__/math.test.js:13:27)",
                Some(f("/tmp/w/__tests__/math.test.js", 13, None)),
            ),
            (
                "at C:\\w\\test\\calc.spec.js:4:11",
                Some(f("C:\\w\\test\\calc.spec.js", 4, None)),
            ),
            ("at new Promise (<anonymous>)", None),
            ("at node:internal/process/task_queues:95:5", None),
            (
                "  File \"/w/tests/test_x.py\", line 14, in test_x",
                Some(f("/w/tests/test_x.py", 14, None)),
            ),
            (
                "tests/test_calc.py:14: AssertionError",
                Some(f("tests/test_calc.py", 14, None)),
            ),
        ];
        for (text, want) in table {
            let got = frames(text);
            assert_eq!(got.first(), want.as_ref(), "{text}");
        }
    }

    #[test]
    fn frames_keep_their_order_and_stop_at_the_limit() {
        let trace = "E: boom\n\tat a.B.c(B.java:1)\n\tat d.E.f(E.java:2)\n";
        let got: Vec<(String, u32)> = frames(trace)
            .into_iter()
            .map(|f| (f.file, f.line))
            .collect();
        assert_eq!(got, vec![("B.java".into(), 1), ("E.java".into(), 2)]);
        let long = "\tat a.B.c(B.java:1)\n".repeat(1000);
        assert_eq!(frames(&long).len(), MAX_FRAMES);
    }
}
