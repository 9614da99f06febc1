#!/usr/bin/env bash
# Regenerates the evidence-reader fixtures under tests/fixtures/ with the real tools.
#
# Idempotent: everything is built in a throwaway temp dir (venv, node_modules, sample
# projects) and only the reports are copied into tests/fixtures/. Absolute temp paths in the
# reports are rewritten to /tmp/fixture-work so reruns only differ in timestamps and timings.
#
# Needs: python3 (3.11+), node/npm, cargo + cargo-nextest, java 17 (javac), and the Debian
# packages hyperfine and libjacoco-java (installed with apt-get when missing and running as root).
# Hand-written fixtures (Surefire, Gradle, k6, PHPUnit-style nesting, CodeQL-shaped SARIF) are not
# touched by this script; see tests/fixtures/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FX="$ROOT/tests/fixtures"
PYTEST_VERSION=9.0.2
COVERAGE_VERSION=7.13.0
BANDIT_VERSION=1.9.2
PYTEST_BENCHMARK_VERSION=5.2.3
JEST_VERSION=29.7.0
JEST_JUNIT_VERSION=16.0.0
ESLINT_VERSION=8.57.1
ESLINT_SARIF_VERSION=3.1.0

WORK="$(mktemp -d /tmp/gen-fixtures.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$FX"/{junit,coverage,sarif,bench,hostile}

need_apt() {
  local missing=()
  command -v hyperfine >/dev/null || missing+=(hyperfine)
  [ -f /usr/share/java/org.jacoco.core.jar ] || missing+=(libjacoco-java)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    else
      echo "gen-fixtures: install ${missing[*]} (apt-get install ${missing[*]}) and rerun" >&2
      exit 1
    fi
  fi
}
need_apt

# Rewrites the temp dir in text reports so reruns produce stable paths.
scrub() { sed -i "s#$WORK#/tmp/fixture-work#g" "$@"; }

########################################################################################
# Python sample project: pytest (xunit1 + xunit2), coverage.py, bandit, pytest-benchmark
########################################################################################
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --disable-pip-version-check \
  "pytest==$PYTEST_VERSION" "coverage==$COVERAGE_VERSION" "bandit[sarif]==$BANDIT_VERSION" \
  "pytest-benchmark==$PYTEST_BENCHMARK_VERSION"
PY="$WORK/venv/bin"

P="$WORK/pyproj"
mkdir -p "$P/sample" "$P/tests" "$P/benchmarks"
cat > "$P/sample/__init__.py" <<'PYEOF'
PYEOF
# A root conftest.py puts the project root on sys.path (pytest's rootdir-relative import).
cat > "$P/conftest.py" <<'PYEOF'
PYEOF
cat > "$P/sample/calc.py" <<'PYEOF'
"""Tiny module measured by the fixtures: some branches are never taken on purpose."""
import subprocess


def add(a, b):
    return a + b


def sub(a, b):
    return a - b


def mul(a, b):
    if a == 0 or b == 0:
        return 0
    return a * b


def div(a, b):
    if b == 0:
        raise ZeroDivisionError("b must not be zero")
    return a / b


def clamp(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def shell(cmd):
    # Deliberately insecure so bandit has something to report.
    return subprocess.call(cmd, shell=True)


def never_called(x):
    total = 0
    for i in range(x):
        if i % 2:
            total += i
    return total
PYEOF
cat > "$P/sample/secrets.py" <<'PYEOF'
import hashlib
import pickle

PASSWORD = "hunter2"


def weak_hash(data):
    return hashlib.md5(data).hexdigest()


def load(blob):
    return pickle.loads(blob)


def check(x):
    assert x > 0
    return x
PYEOF
cat > "$P/tests/test_calc.py" <<'PYEOF'
import pytest

from sample import calc


def test_add():
    assert calc.add(2, 3) == 5


def test_sub():
    assert calc.sub(5, 3) == 2


@pytest.mark.parametrize("a,b,expected", [(2, 3, 6), (0, 5, 0)])
def test_mul(a, b, expected):
    assert calc.mul(a, b) == expected


def test_div_by_zero_raises():
    with pytest.raises(ZeroDivisionError):
        calc.div(1, 0)


def test_clamp_fails():
    assert calc.clamp(15, 0, 10) == 11


@pytest.fixture
def broken_resource():
    raise RuntimeError("database unavailable")


def test_uses_broken_fixture(broken_resource):
    assert broken_resource


@pytest.mark.skip(reason="not implemented yet")
def test_skipped():
    assert False
PYEOF
cat > "$P/benchmarks/test_bench.py" <<'PYEOF'
from sample import calc


def test_bench_add(benchmark):
    benchmark(calc.add, 1, 2)


def test_bench_clamp(benchmark):
    benchmark(calc.clamp, 5, 0, 10)


def test_bench_sum(benchmark):
    benchmark(lambda: sum(range(1000)))
PYEOF

(
  cd "$P"
  "$PY/pytest" -q -p no:cacheprovider -o junit_family=xunit1 -o junit_suite_name=sample \
    --junitxml="$FX/junit/pytest-xunit1.xml" tests >/dev/null || true
  "$PY/pytest" -q -p no:cacheprovider -o junit_family=xunit2 -o junit_suite_name=sample \
    --junitxml="$FX/junit/pytest-xunit2.xml" tests >/dev/null || true

  # Line-only coverage: coverage.py's TOTAL is then exactly the line percentage.
  "$PY/coverage" run --source=sample -m pytest -q -p no:cacheprovider tests >/dev/null || true
  "$PY/coverage" xml -q -o "$FX/coverage/coverage-py-cobertura.xml"
  "$PY/coverage" lcov -q -o "$FX/coverage/coverage-py.lcov"
  "$PY/coverage" json -q -o "$FX/coverage/coverage-py.json"
  "$PY/coverage" report --format=total --precision=6 > "$FX/coverage/coverage-py-total.txt"
  # The HTML report: what a gate pointed at the wrong file of a coverage step finds.
  "$PY/coverage" html -q -d "$WORK/htmlcov"
  cp "$WORK/htmlcov/index.html" "$FX/hostile/coverage-html-index.html"
  # Branch coverage: coverage.py's TOTAL then mixes lines and branches; the json's
  # percent_statements_covered / percent_branches_covered hold the separate totals.
  "$PY/coverage" run --branch --source=sample -m pytest -q -p no:cacheprovider tests >/dev/null || true
  "$PY/coverage" xml -q -o "$FX/coverage/coverage-py-branch-cobertura.xml"
  "$PY/coverage" lcov -q -o "$FX/coverage/coverage-py-branch.lcov"
  "$PY/coverage" json -q -o "$FX/coverage/coverage-py-branch.json"
  "$PY/coverage" report --format=total --precision=6 > "$FX/coverage/coverage-py-branch-total.txt"
  rm -f .coverage

  "$PY/bandit" -q -r sample -f sarif -o "$FX/sarif/bandit.sarif" || true

  "$PY/pytest" -q -p no:cacheprovider benchmarks --benchmark-only --benchmark-min-rounds=5 \
    --benchmark-max-time=0.05 --benchmark-json="$FX/bench/pytest-benchmark.json" >/dev/null
  # --benchmark-json keeps the raw per-round times (`stats.data`) percentiles are computed
  # from; a run saved with --benchmark-save and without --benchmark-save-data has none.
  "$PY/pytest" -q -p no:cacheprovider benchmarks --benchmark-only --benchmark-min-rounds=5 \
    --benchmark-max-time=0.05 --benchmark-storage="file://$WORK/bench-storage" \
    --benchmark-save=nosamples >/dev/null
  cp "$WORK"/bench-storage/*/0001_nosamples.json "$FX/bench/pytest-benchmark-saved.json"
)
scrub "$FX"/junit/pytest-xunit*.xml "$FX"/coverage/coverage-py* "$FX/sarif/bandit.sarif" \
  "$FX/hostile/coverage-html-index.html" \
  "$FX/bench/pytest-benchmark.json" "$FX/bench/pytest-benchmark-saved.json"

########################################################################################
# hyperfine
########################################################################################
(
  cd "$WORK"
  hyperfine --style none --runs 5 --warmup 1 --export-json "$FX/bench/hyperfine.json" \
    'sleep 0.01' 'sleep 0.02' >/dev/null
)

########################################################################################
# JavaScript: jest + jest-junit (and istanbul coverage), eslint + SARIF formatter
########################################################################################
J="$WORK/jsproj"
mkdir -p "$J/src" "$J/__tests__"
cat > "$J/package.json" <<'JSEOF'
{ "name": "fixture-js", "version": "1.0.0", "private": true }
JSEOF
(cd "$J" && npm install -s --no-audit --no-fund "jest@$JEST_VERSION" "jest-junit@$JEST_JUNIT_VERSION" \
  "eslint@$ESLINT_VERSION" "@microsoft/eslint-formatter-sarif@$ESLINT_SARIF_VERSION" >/dev/null)
cat > "$J/src/math.js" <<'JSEOF'
function add(a, b) {
  return a + b;
}

function safeDiv(a, b) {
  if (b === 0) {
    return null;
  }
  return a / b;
}

function unused(x) {
  var y = x == 1 ? "one" : "other";
  eval("1 + 1");
  return y;
}

module.exports = { add, safeDiv, unused };
JSEOF
cat > "$J/__tests__/math.test.js" <<'JSEOF'
const { add, safeDiv } = require("../src/math");

describe("math", () => {
  test("adds", () => {
    expect(add(1, 2)).toBe(3);
  });

  test("divides", () => {
    expect(safeDiv(6, 3)).toBe(2);
  });

  test("divides by zero is wrong on purpose", () => {
    expect(safeDiv(1, 0)).toBe(Infinity);
  });

  test.skip("skipped for now", () => {
    expect(true).toBe(false);
  });
});

describe("nested", () => {
  describe("inner", () => {
    test("still passes", () => {
      expect(add(0, 0)).toBe(0);
    });
  });
});
JSEOF
cat > "$J/.eslintrc.json" <<'JSEOF'
{
  "root": true,
  "env": { "node": true, "es2021": true },
  "extends": "eslint:recommended",
  "rules": { "eqeqeq": "error", "no-var": "warn", "no-eval": "error", "no-unused-vars": "warn" }
}
JSEOF
(
  cd "$J"
  JEST_JUNIT_OUTPUT_DIR="$WORK/jest-out" JEST_JUNIT_OUTPUT_NAME=junit.xml \
    JEST_JUNIT_ADD_FILE_ATTRIBUTE=true JEST_JUNIT_CLASSNAME="{classname}" \
    npx --no-install jest --ci --reporters=default --reporters=jest-junit \
    --coverage --coverageReporters=cobertura --coverageReporters=lcovonly \
    --coverageReporters=json-summary --coverageDirectory="$WORK/jest-cov" >/dev/null 2>&1 || true
  cp "$WORK/jest-out/junit.xml" "$FX/junit/jest-junit.xml"
  cp "$WORK/jest-cov/cobertura-coverage.xml" "$FX/coverage/jest-cobertura.xml"
  cp "$WORK/jest-cov/lcov.info" "$FX/coverage/jest.lcov"
  cp "$WORK/jest-cov/coverage-summary.json" "$FX/coverage/jest-coverage-summary.json"
  ESLINT_USE_FLAT_CONFIG=false npx --no-install eslint --no-eslintrc -c .eslintrc.json \
    -f @microsoft/eslint-formatter-sarif -o "$FX/sarif/eslint.sarif" src __tests__ || true
)
scrub "$FX/junit/jest-junit.xml" "$FX"/coverage/jest* "$FX/sarif/eslint.sarif"

########################################################################################
# cargo-nextest JUnit
########################################################################################
R="$WORK/rustproj"
mkdir -p "$R/src" "$R/.config"
cat > "$R/Cargo.toml" <<'RSEOF'
[package]
name = "fixture-nextest"
version = "0.1.0"
edition = "2021"

[dependencies]
RSEOF
cat > "$R/src/lib.rs" <<'RSEOF'
pub fn double(x: i32) -> i32 {
    x * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles() {
        assert_eq!(double(2), 4);
    }

    #[test]
    fn doubles_negative() {
        assert_eq!(double(-3), -6);
    }

    #[test]
    fn wrong_on_purpose() {
        assert_eq!(double(2), 5, "two doubled");
    }

    #[test]
    #[ignore = "slow"]
    fn ignored() {}
}
RSEOF
cat > "$R/.config/nextest.toml" <<'RSEOF'
[profile.ci]
fail-fast = false

[profile.ci.junit]
path = "junit.xml"
store-success-output = false
store-failure-output = true
RSEOF
(
  cd "$R"
  CARGO_TARGET_DIR="$R/target" cargo nextest run --profile ci --no-fail-fast >/dev/null 2>&1 || true
  cp "$R/target/nextest/ci/junit.xml" "$FX/junit/nextest.xml"
)
scrub "$FX/junit/nextest.xml"

########################################################################################
# JaCoCo XML, from Debian's libjacoco-java core + report API (offline instrumentation)
########################################################################################
JV="$WORK/javaproj"
mkdir -p "$JV/src/sample" "$JV/classes" "$JV/driver"
cat > "$JV/src/sample/Calc.java" <<'JEOF'
package sample;

public class Calc {
    public int clamp(int x, int lo, int hi) {
        if (x < lo) {
            return lo;
        }
        if (x > hi) {
            return hi;
        }
        return x;
    }

    public int sign(int x) {
        return x > 0 ? 1 : (x < 0 ? -1 : 0);
    }

    public int neverCalled(int n) {
        int total = 0;
        for (int i = 0; i < n; i++) {
            total += i;
        }
        return total;
    }
}
JEOF
cat > "$JV/src/sample/Main.java" <<'JEOF'
package sample;

public class Main {
    public static void main(String[] args) {
        Calc c = new Calc();
        c.clamp(5, 0, 10);
        c.clamp(-1, 0, 10);
        c.sign(3);
    }
}
JEOF
cat > "$JV/driver/JacocoDriver.java" <<'JEOF'
import java.io.File;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import org.jacoco.core.analysis.Analyzer;
import org.jacoco.core.analysis.CoverageBuilder;
import org.jacoco.core.data.ExecutionDataStore;
import org.jacoco.core.data.SessionInfoStore;
import org.jacoco.core.instr.Instrumenter;
import org.jacoco.core.runtime.IRuntime;
import org.jacoco.core.runtime.LoggerRuntime;
import org.jacoco.core.runtime.RuntimeData;
import org.jacoco.report.DirectorySourceFileLocator;
import org.jacoco.report.IReportVisitor;
import org.jacoco.report.xml.XMLFormatter;

/** Runs sample.Main under JaCoCo's in-process runtime and writes JaCoCo's XML report. */
public class JacocoDriver {
    static class MemoryClassLoader extends ClassLoader {
        final Map<String, byte[]> defs = new HashMap<>();
        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            byte[] b = defs.get(name);
            if (b != null) {
                return defineClass(name, b, 0, b.length);
            }
            return super.loadClass(name, resolve);
        }
    }

    public static void main(String[] args) throws Exception {
        String classes = args[0], sources = args[1], out = args[2];
        IRuntime runtime = new LoggerRuntime();
        Instrumenter instr = new Instrumenter(runtime);
        RuntimeData data = new RuntimeData();
        runtime.startup(data);
        MemoryClassLoader loader = new MemoryClassLoader();
        for (String n : new String[] {"sample.Calc", "sample.Main"}) {
            byte[] orig = Files.readAllBytes(Paths.get(classes, n.replace('.', '/') + ".class"));
            loader.defs.put(n, instr.instrument(orig, n));
        }
        loader.loadClass("sample.Main").getMethod("main", String[].class)
            .invoke(null, (Object) new String[0]);
        ExecutionDataStore eds = new ExecutionDataStore();
        SessionInfoStore sis = new SessionInfoStore();
        data.collect(eds, sis, false);
        runtime.shutdown();
        CoverageBuilder cb = new CoverageBuilder();
        new Analyzer(eds, cb).analyzeAll(new File(classes));
        try (FileOutputStream os = new FileOutputStream(out)) {
            IReportVisitor v = new XMLFormatter().createVisitor(os);
            v.visitInfo(sis.getInfos(), eds.getContents());
            v.visitBundle(cb.getBundle("sample"), new DirectorySourceFileLocator(new File(sources), "utf-8", 4));
            v.visitEnd();
        }
    }
}
JEOF
CP="/usr/share/java/org.jacoco.core.jar:/usr/share/java/org.jacoco.report.jar:/usr/share/java/asm.jar:/usr/share/java/asm-commons.jar:/usr/share/java/asm-tree.jar"
javac --release 11 -g -d "$JV/classes" "$JV/src/sample/"*.java
javac -cp "$CP" -d "$JV/driver" "$JV/driver/JacocoDriver.java"
java -cp "$CP:$JV/driver" JacocoDriver "$JV/classes" "$JV/src" "$FX/coverage/jacoco.xml" 2>/dev/null

########################################################################################
# Reference percentiles of the raw samples, computed independently of our reader with
# Python's statistics.quantiles(method="inclusive") (linear interpolation, numpy's default).
########################################################################################
python3 - "$FX/bench" <<'PYEOF'
import json, statistics, sys
d = sys.argv[1]
lines = ["# name metric value (statistics.quantiles(data, n=100, method='inclusive'))"]
for name, file in (("hyperfine", "hyperfine.json"), ("pytest-benchmark", "pytest-benchmark.json")):
    doc = json.load(open(f"{d}/{file}"))
    rows = ([(r["command"], r["times"]) for r in doc["results"]] if name == "hyperfine"
            else [(b["fullname"], b["stats"]["data"]) for b in doc["benchmarks"]])
    for label, data in rows:
        q = statistics.quantiles(data, n=100, method="inclusive")
        for p in (90, 95, 99):
            lines.append(f"{file}\t{label}\tp{p}\t{q[p - 1]!r}")
open(f"{d}/percentiles.txt", "w").write("\n".join(lines) + "\n")
PYEOF

########################################################################################
# Hostile inputs
########################################################################################
python3 - "$FX/hostile" <<'PYEOF'
import json, sys, os
d = sys.argv[1]
def w(name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
lol = ['<!ENTITY lol "lol">'] + [
    '<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1) if i > 1 else "&lol;") * 10) for i in range(1, 10)]
w("billion-laughs.xml", ('<?xml version="1.0"?>\n<!DOCTYPE testsuites [\n ' + "\n ".join(lol) +
   '\n]>\n<testsuites><testsuite name="x"><testcase name="&lol9;"/></testsuite></testsuites>\n').encode())
w("xxe.xml", b'<?xml version="1.0"?>\n<!DOCTYPE coverage [\n <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
  b'<coverage line-rate="1" branch-rate="1"><sources><source>&xxe;</source></sources></coverage>\n')
full = (b'<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="t" tests="2">'
        b'<testcase classname="a" name="one"/><testcase classname="a" name="two"><failure message="boom">'
        b'trace</failure></testcase></testsuite></testsuites>\n')
w("truncated.xml", full[: len(full) // 2 + 7])
w("invalid-utf8.xml", b'<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="bad \xff\xfe\xc3 bytes">'
  b'<testcase classname="a\xc3\x28" name="b"/></testsuite></testsuites>\n')
w("utf16-bom.xml", '<?xml version="1.0" encoding="UTF-16"?>\n<testsuites><testsuite name="t">'
  '<testcase classname="a" name="one"/></testsuite></testsuites>\n'.encode("utf-16"))
w("empty.xml", b"")
w("json-as-xml.xml", b'{"testsuites": [{"name": "not xml"}]}\n')
w("undefined-entity.xml", b'<testsuites><testsuite name="t"><testcase classname="a" name="&nope;"/>'
  b'</testsuite></testsuites>\n')
sarif = json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
    "results": [{"ruleId": "R1", "level": "error", "message": {"text": "m" * 40}}] * 20}]})
w("truncated.json", sarif[: len(sarif) // 2].encode())
w("invalid.json", b'{"version": "2.1.0", "runs": [ {"tool": } ]}\n')
w("deeply-nested.json", b"[" * 100000)
w("empty.json", b"")
# ~5 MB of valid SARIF on a single line: 20,000 results.
results = [{"ruleId": "R%d" % (i % 7), "level": ["error", "warning", "note"][i % 3],
            "message": {"text": "finding %d " % i + "x" * 160},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/f%d.c" % (i % 50)},
                                                "region": {"startLine": i % 1000 + 1}}}]}
           for i in range(20000)]
big = json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "bigtool"}}, "results": results}]},
                 separators=(",", ":"))
w("single-line-5mb.sarif", big.encode())
PYEOF

echo "fixtures regenerated under $FX"
