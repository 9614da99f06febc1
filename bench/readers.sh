#!/usr/bin/env bash
# Times the evidence readers on large generated reports and compares them with common tools.
#
# Generates (deterministically, with python) a 1,000,000-testcase JUnit file (~200 MB, 1%
# failures) and a 300,000-result SARIF log (~100 MB) in a temp dir, then measures wall time
# and peak RSS (GNU time -v) of
#   (a) our readers, via the release-mode example `read_report` (junit / sarif), and
#   (b) junitparser (PyPI, pinned) counting the same JUnit file, jq counting SARIF results.
# Each measurement is the median of 3 runs. Prints a markdown table with the ratios.
#
# Usage: bench/readers.sh [RUNS]   (RUNS defaults to 3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-3}"
JUNITPARSER_VERSION=4.0.2
JUNIT_CASES=1000000
SARIF_RESULTS=300000

if ! [ -x /usr/bin/time ] || ! command -v jq >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time jq
  else
    echo "readers.sh: install GNU time and jq (apt-get install time jq) and rerun" >&2
    exit 1
  fi
fi

WORK="$(mktemp -d /tmp/bench-readers.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

echo "building read_report (release)…" >&2
(cd "$ROOT" && cargo build --quiet --release --example read_report)
READ_REPORT="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/examples/read_report"

echo "installing junitparser==$JUNITPARSER_VERSION into a venv…" >&2
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --disable-pip-version-check "junitparser==$JUNITPARSER_VERSION"

echo "generating $JUNIT_CASES test cases and $SARIF_RESULTS SARIF results…" >&2
python3 - "$WORK" "$JUNIT_CASES" "$SARIF_RESULTS" <<'PYEOF'
import sys
work, n_cases, n_results = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
per_suite = 1000
with open(f"{work}/junit.xml", "w", buffering=1 << 20) as f:
    f.write('<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="bench">\n')
    for s in range(n_cases // per_suite):
        f.write(f'  <testsuite name="pkg.module_{s:04d}" tests="{per_suite}" time="12.5">\n')
        out = []
        for c in range(per_suite):
            i = s * per_suite + c
            head = (f'    <testcase classname="pkg.module_{s:04d}.TestClass{c % 20:02d}" '
                    f'name="test_case_{i:07d}_with_a_reasonably_descriptive_name_for_bench" '
                    f'file="tests/pkg/module_{s:04d}.py" line="{c * 7 + 3}" assertions="{c % 5 + 1}" time="0.0{c % 90 + 10}"')
            if i % 100 == 7:
                out.append(head + '>\n      <failure message="assert 41 == 42">def test():\n'
                           '&gt;       assert compute() == 42\nE       assert 41 == 42\n\n'
                           f'tests/pkg/module_{s:04d}.py:{c * 7 + 5}: AssertionError</failure>\n'
                           '    </testcase>\n')
            else:
                out.append(head + '/>\n')
        f.write("".join(out))
        f.write('  </testsuite>\n')
    f.write('</testsuites>\n')

levels = ['"level":"error",', '"level":"warning",', '"level":"note",', '']
with open(f"{work}/big.sarif", "w", buffering=1 << 20) as f:
    rules = ",".join(
        f'{{"id":"R{r:03d}","name":"Rule{r}","shortDescription":{{"text":"Rule number {r}"}},'
        f'"defaultConfiguration":{{"level":"{["error", "warning", "note"][r % 3]}"}},'
        f'"properties":{{"security-severity":"{(r * 37 % 100) / 10:.1f}","tags":["security"]}}}}'
        for r in range(50))
    f.write('{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[')
    f.write(f'{{"tool":{{"driver":{{"name":"BenchScanner","version":"1.0.0","rules":[{rules}]}}}},"results":[\n')
    out = []
    for i in range(n_results):
        r = i % 50
        out.append(
            f'{{"ruleId":"R{r:03d}","ruleIndex":{r},{levels[i % 4]}"message":{{"text":"Finding {i}: '
            f'potentially dangerous call to an unsafe API with user-controlled input"}},'
            f'"locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"src/module_{i % 997:03d}/file_{i % 13}.js",'
            f'"uriBaseId":"%SRCROOT%"}},"region":{{"startLine":{i % 5000 + 1},"startColumn":5,"endColumn":42}}}}}}],'
            f'"partialFingerprints":{{"primaryLocationLineHash":"{i * 2654435761 % (1 << 32):08x}:1"}}}}')
        if len(out) == 10000:
            f.write(",\n".join(out))
            out = []
            if i + 1 < n_results:
                f.write(",\n")
    if out:
        f.write(",\n".join(out))
    f.write('\n]}]}\n')
PYEOF

cat > "$WORK/junitparser_count.py" <<'PYEOF'
import sys
from junitparser import JUnitXml, TestSuite, Failure, Error, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
suites = [xml] if isinstance(xml, TestSuite) else list(xml)
tests = failures = errors = skipped = 0
for suite in suites:
    for case in suite:
        tests += 1
        kinds = {type(r) for r in case.result}
        if Failure in kinds:
            failures += 1
        elif Error in kinds:
            errors += 1
        elif Skipped in kinds:
            skipped += 1
print(tests, failures, errors, skipped)
PYEOF

JUNIT_MB=$(( $(stat -c %s "$WORK/junit.xml") / 1000000 ))
SARIF_MB=$(( $(stat -c %s "$WORK/big.sarif") / 1000000 ))

# measure NAME CMD... → appends "wall_s rss_kb" for each run to $WORK/NAME.runs and checks
# the output once.
measure() {
  local name="$1"; shift
  : > "$WORK/$name.runs"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -v -o "$WORK/$name.time" "$@" > "$WORK/$name.out"
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/$name.time")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$name.time")
    echo "$wall $rss" >> "$WORK/$name.runs"
  done
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall_of() { awk '{print $1}' "$WORK/$1.runs" | median; }
rss_mb_of() { awk '{printf "%.1f\n", $2/1024}' "$WORK/$1.runs" | median; }

echo "timing (median of $RUNS)…" >&2
measure ours_junit "$READ_REPORT" junit "$WORK/junit.xml"
measure junitparser "$WORK/venv/bin/python" "$WORK/junitparser_count.py" "$WORK/junit.xml"
measure ours_sarif "$READ_REPORT" sarif "$WORK/big.sarif"
measure jq_sarif jq '[.runs[].results | length] | add' "$WORK/big.sarif"

# Cross-check the counts.
python3 - "$WORK" <<'PYEOF'
import json, sys
w = sys.argv[1]
ours = json.load(open(f"{w}/ours_junit.out"))
theirs = open(f"{w}/junitparser.out").read().split()
mine = [ours["tests"], ours["failures"], ours["errors"], ours["skipped"]]
assert [str(x) for x in mine] == theirs, (mine, theirs)
s = json.load(open(f"{w}/ours_sarif.out"))
total = s["errors"] + s["warnings"] + s["notes"] + s["nones"] + s["suppressed"]
assert str(total) == open(f"{w}/jq_sarif.out").read().strip(), total
print(f"counts agree: junit {mine}; sarif {total} results", file=sys.stderr)
PYEOF

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.1f×", b / a; else print "n/a" }'; }
oj_w=$(wall_of ours_junit); oj_r=$(rss_mb_of ours_junit)
jp_w=$(wall_of junitparser); jp_r=$(rss_mb_of junitparser)
os_w=$(wall_of ours_sarif); os_r=$(rss_mb_of ours_sarif)
jq_w=$(wall_of jq_sarif); jq_r=$(rss_mb_of jq_sarif)

cat <<EOT

Host: $(nproc) cores, $(uname -m); median of $RUNS runs; JUnit ${JUNIT_MB} MB ($JUNIT_CASES cases), SARIF ${SARIF_MB} MB ($SARIF_RESULTS results).

| input | reader | wall (s) | peak RSS (MB) | ours faster by | ours smaller by |
| --- | --- | ---: | ---: | ---: | ---: |
| JUnit | promote-action read_junit | $oj_w | $oj_r | | |
| JUnit | junitparser $JUNITPARSER_VERSION | $jp_w | $jp_r | $(ratio "$oj_w" "$jp_w") | $(ratio "$oj_r" "$jp_r") |
| SARIF | promote-action read_sarif | $os_w | $os_r | | |
| SARIF | jq $(jq --version | sed 's/^jq-//') (count results) | $jq_w | $jq_r | $(ratio "$os_w" "$jq_w") | $(ratio "$os_r" "$jq_r") |

Targets: JUnit ≤ 1.5 s and ≤ 64 MB, SARIF ≤ 1.5 s and ≤ 100 MB, ≥ 20× faster than junitparser.
EOT
