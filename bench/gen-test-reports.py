#!/usr/bin/env python3
"""Writes large, deterministic test reports for bench/readers.sh: N results (default
1,000,000, 1 % failed, 0.5 % skipped) in each format the `tests:` gate reads, shaped like the
real runners' output (the fixtures under tests/fixtures/tests/ show the real thing).

Usage: gen-test-reports.py DIR [N] [FORMAT...]   (formats: junit trx nunit2 nunit3 xunit2
gotest mocha rspec dart; default all). Prints `FORMAT FILE tests failures skipped` per file.
"""
import json
import sys

CHUNK = 2000


def outcome(i):
    if i % 100 == 7:
        return "fail"
    if i % 200 == 13:
        return "skip"
    return "pass"


def write(path, parts):
    with open(path, "w", buffering=1 << 22) as f:
        buf = []
        for p in parts:
            buf.append(p)
            if len(buf) >= CHUNK:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))


def junit(n):
    yield '<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="bench">\n'
    for s in range(n // 1000):
        yield f'  <testsuite name="pkg.module_{s:04d}" tests="1000" time="12.5">\n'
        for c in range(1000):
            i = s * 1000 + c
            head = (f'    <testcase classname="pkg.module_{s:04d}.TestClass{c % 20:02d}" '
                    f'name="test_case_{i:07d}_with_a_reasonably_descriptive_name_for_bench" '
                    f'file="tests/pkg/module_{s:04d}.py" line="{c * 7 + 3}" time="0.0{c % 90 + 10}"')
            o = outcome(i)
            if o == "fail":
                yield (head + '>\n      <failure message="assert 41 == 42">def test():\n'
                       '&gt;       assert compute() == 42\nE       assert 41 == 42\n\n'
                       f'tests/pkg/module_{s:04d}.py:{c * 7 + 5}: AssertionError</failure>\n'
                       '    </testcase>\n')
            elif o == "skip":
                yield head + '>\n      <skipped message="not ready"/>\n    </testcase>\n'
            else:
                yield head + '/>\n'
        yield '  </testsuite>\n'
    yield '</testsuites>\n'


def guid(i, salt):
    h = (i * 2654435761 + salt * 40503) % (1 << 128)
    x = f"{h:032x}"
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:32]}"


def trx(n):
    yield ('<?xml version="1.0" encoding="utf-8"?>\n<TestRun id="6b3e5f9c-0000-4000-8000-000000000000" '
           'name="bench@host 2024-01-01 00:00:00" runUser="bench" '
           'xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">\n'
           '  <Times creation="2024-01-01T00:00:00" queuing="2024-01-01T00:00:00" start="2024-01-01T00:00:00" finish="2024-01-01T00:10:00" />\n'
           '  <Results>\n')
    for i in range(n):
        o = outcome(i)
        trx_o = {"pass": "Passed", "fail": "Failed", "skip": "NotExecuted"}[o]
        head = (f'    <UnitTestResult executionId="{guid(i, 1)}" testId="{guid(i, 2)}" '
                f'testName="Test_{i:07d}_WithAReasonablyDescriptiveName" computerName="bench-host" '
                f'duration="00:00:00.0012345" startTime="2024-01-01T00:00:00.0000000+00:00" '
                f'endTime="2024-01-01T00:00:00.0012345+00:00" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" '
                f'outcome="{trx_o}" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" relativeResultsDirectory="{guid(i, 1)}"')
        if o == "fail":
            yield (head + '>\n      <Output>\n        <ErrorInfo>\n          <Message>Assert.Equal() Failure\nExpected: 42\nActual:   41</Message>\n'
                   f'          <StackTrace>   at Bench.Tests.Module{i // 1000:04d}.Test_{i:07d}() in /src/Bench.Tests/Module{i // 1000:04d}.cs:line {i % 500 + 10}\n</StackTrace>\n'
                   '        </ErrorInfo>\n      </Output>\n    </UnitTestResult>\n')
        else:
            yield head + ' />\n'
    yield '  </Results>\n  <TestDefinitions>\n'
    for i in range(n):
        yield (f'    <UnitTest name="Test_{i:07d}_WithAReasonablyDescriptiveName" storage="/src/bench.tests/bin/debug/bench.tests.dll" id="{guid(i, 2)}">\n'
               f'      <Execution id="{guid(i, 1)}" />\n'
               f'      <TestMethod codeBase="/src/Bench.Tests/bin/Debug/Bench.Tests.dll" adapterTypeName="executor://xunit/VsTestRunner2/netcoreapp" '
               f'className="Bench.Tests.Module{i // 1000:04d}" name="Test_{i:07d}_WithAReasonablyDescriptiveName" />\n    </UnitTest>\n')
    c = counts(n)
    yield ('  </TestDefinitions>\n  <ResultSummary outcome="Failed">\n'
           f'    <Counters total="{n}" executed="{n - c[2]}" passed="{n - c[1] - c[2]}" failed="{c[1]}" error="0" timeout="0" aborted="0" '
           'inconclusive="0" passedButRunAborted="0" notRunnable="0" notExecuted="0" disconnected="0" warning="0" completed="0" inProgress="0" pending="0" />\n'
           '  </ResultSummary>\n</TestRun>\n')


def nunit3(n):
    yield ('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
           f'<test-run id="0" runstate="Runnable" testcasecount="{n}" result="Failed" total="{n}" engine-version="3.12.0.0">\n'
           f'  <test-suite type="Assembly" id="0-1" name="Bench.Tests.dll" fullname="/src/Bench.Tests.dll" runstate="Runnable" testcasecount="{n}" result="Failed" site="Child">\n')
    for s in range(n // 1000):
        yield (f'    <test-suite type="TestFixture" id="0-{s + 2}" name="Module{s:04d}Tests" fullname="Bench.Tests.Module{s:04d}Tests" '
               f'classname="Bench.Tests.Module{s:04d}Tests" runstate="Runnable" testcasecount="1000" result="Passed">\n')
        for c in range(1000):
            i = s * 1000 + c
            o = outcome(i)
            res = {"pass": 'result="Passed"', "fail": 'result="Failed"', "skip": 'result="Skipped" label="Ignored"'}[o]
            head = (f'      <test-case id="1-{i}" name="Test_{i:07d}" fullname="Bench.Tests.Module{s:04d}Tests.Test_{i:07d}" '
                    f'methodname="Test_{i:07d}" classname="Bench.Tests.Module{s:04d}Tests" runstate="Runnable" seed="{i * 7919 % 1000003}" '
                    f'{res} start-time="2024-01-01 00:00:00Z" end-time="2024-01-01 00:00:00Z" duration="0.000123" asserts="1"')
            if o == "fail":
                yield (head + '>\n        <failure>\n          <message><![CDATA[  Expected: 42\n  But was:  41\n]]></message>\n'
                       f'          <stack-trace><![CDATA[   at Bench.Tests.Module{s:04d}Tests.Test_{i:07d}() in /src/Bench.Tests/Module{s:04d}Tests.cs:line {c + 10}\n]]></stack-trace>\n'
                       '        </failure>\n      </test-case>\n')
            elif o == "skip":
                yield head + '>\n        <reason>\n          <message><![CDATA[not ready]]></message>\n        </reason>\n      </test-case>\n'
            else:
                yield head + ' />\n'
        yield '    </test-suite>\n'
    yield '  </test-suite>\n</test-run>\n'


def nunit2(n):
    c = counts(n)
    yield ('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
           f'<test-results name="/src/Bench.Tests.dll" total="{n - c[2]}" errors="0" failures="{c[1]}" not-run="{c[2]}" '
           f'inconclusive="0" ignored="{c[2]}" skipped="0" invalid="0" date="2024-01-01" time="00:00:00">\n'
           '  <test-suite type="Assembly" name="/src/Bench.Tests.dll" executed="True" result="Failure" success="False" time="1.0" asserts="0">\n    <results>\n')
    for s in range(n // 1000):
        yield (f'      <test-suite type="TestFixture" name="Module{s:04d}Tests" executed="True" result="Success" success="True" time="0.1" asserts="0">\n'
               '        <results>\n')
        for k in range(1000):
            i = s * 1000 + k
            o = outcome(i)
            head = f'          <test-case name="Bench.Tests.Module{s:04d}Tests.Test_{i:07d}" '
            if o == "fail":
                yield (head + 'executed="True" result="Failure" success="False" time="0.001" asserts="1">\n'
                       '            <failure>\n              <message><![CDATA[  Expected: 42\n  But was:  41\n]]></message>\n'
                       f'              <stack-trace><![CDATA[at Bench.Tests.Module{s:04d}Tests.Test_{i:07d}() in /src/Bench.Tests/Module{s:04d}Tests.cs:line {k + 10}\n]]></stack-trace>\n'
                       '            </failure>\n          </test-case>\n')
            elif o == "skip":
                yield (head + 'executed="False" result="Ignored">\n            <reason>\n'
                       '              <message><![CDATA[not ready]]></message>\n            </reason>\n          </test-case>\n')
            else:
                yield head + 'executed="True" result="Success" success="True" time="0.001" asserts="1" />\n'
        yield '        </results>\n      </test-suite>\n'
    yield '    </results>\n  </test-suite>\n</test-results>\n'


def xunit2(n):
    c = counts(n)
    yield ('<?xml version="1.0" encoding="utf-8"?>\n<assemblies timestamp="01/01/2024 00:00:00">\n'
           f'  <assembly name="/src/Bench.Tests.dll" environment="64-bit .NET 8.0" test-framework="xUnit.net 2.6.1.0" run-date="2024-01-01" run-time="00:00:00" '
           f'total="{n}" passed="{n - c[1] - c[2]}" failed="{c[1]}" skipped="{c[2]}" time="100.0" errors="0">\n    <errors />\n')
    for s in range(n // 1000):
        yield f'    <collection total="1000" passed="985" failed="10" skipped="5" name="Test collection for Bench.Tests.Module{s:04d}" time="1.0">\n'
        for k in range(1000):
            i = s * 1000 + k
            o = outcome(i)
            res = {"pass": "Pass", "fail": "Fail", "skip": "Skip"}[o]
            head = (f'      <test name="Bench.Tests.Module{s:04d}.Test_{i:07d}" type="Bench.Tests.Module{s:04d}" '
                    f'method="Test_{i:07d}" time="0.0012345" result="{res}"')
            if o == "fail":
                yield (head + '>\n        <failure exception-type="Xunit.Sdk.EqualException">\n'
                       '          <message><![CDATA[Assert.Equal() Failure\nExpected: 42\nActual:   41]]></message>\n'
                       f'          <stack-trace><![CDATA[   at Bench.Tests.Module{s:04d}.Test_{i:07d}() in /src/Bench.Tests/Module{s:04d}.cs:line {k + 10}]]></stack-trace>\n'
                       '        </failure>\n      </test>\n')
            elif o == "skip":
                yield head + '>\n        <reason><![CDATA[not ready]]></reason>\n      </test>\n'
            else:
                yield head + ' />\n'
        yield '    </collection>\n'
    yield '  </assembly>\n</assemblies>\n'


def gotest(n):
    for s in range(n // 1000):
        pkg = f"example.com/bench/module{s:04d}"
        for k in range(1000):
            i = s * 1000 + k
            t = f"TestCase{i:07d}WithADescriptiveName"
            ts = f"2024-01-01T00:00:{k % 60:02d}.{i % 1000000:06d}Z"
            o = outcome(i)
            yield f'{{"Time":"{ts}","Action":"run","Package":"{pkg}","Test":"{t}"}}\n'
            yield f'{{"Time":"{ts}","Action":"output","Package":"{pkg}","Test":"{t}","Output":"=== RUN   {t}\\n"}}\n'
            if o == "fail":
                yield f'{{"Time":"{ts}","Action":"output","Package":"{pkg}","Test":"{t}","Output":"    module_test.go:{k + 10}: got 41, want 42\\n"}}\n'
                yield f'{{"Time":"{ts}","Action":"output","Package":"{pkg}","Test":"{t}","Output":"--- FAIL: {t} (0.00s)\\n"}}\n'
                yield f'{{"Time":"{ts}","Action":"fail","Package":"{pkg}","Test":"{t}","Elapsed":0}}\n'
            elif o == "skip":
                yield f'{{"Time":"{ts}","Action":"output","Package":"{pkg}","Test":"{t}","Output":"--- SKIP: {t} (0.00s)\\n"}}\n'
                yield f'{{"Time":"{ts}","Action":"skip","Package":"{pkg}","Test":"{t}","Elapsed":0}}\n'
            else:
                yield f'{{"Time":"{ts}","Action":"output","Package":"{pkg}","Test":"{t}","Output":"--- PASS: {t} (0.00s)\\n"}}\n'
                yield f'{{"Time":"{ts}","Action":"pass","Package":"{pkg}","Test":"{t}","Elapsed":0}}\n'
        yield f'{{"Time":"2024-01-01T00:01:00Z","Action":"output","Package":"{pkg}","Output":"FAIL\\n"}}\n'
        yield f'{{"Time":"2024-01-01T00:01:00Z","Action":"fail","Package":"{pkg}","Elapsed":1.5}}\n'


MOCHA_PASS = """    {
      "title": "case %(i)07d with a reasonably descriptive name",
      "fullTitle": "module %(m)04d case %(i)07d with a reasonably descriptive name",
      "file": "/home/runner/work/app/app/test/module%(m)04d.spec.js",
      "duration": %(d)d,
      "currentRetry": 0,
      "speed": "fast",
      "err": {}
    }"""
MOCHA_SKIP = """    {
      "title": "case %(i)07d with a reasonably descriptive name",
      "fullTitle": "module %(m)04d case %(i)07d with a reasonably descriptive name",
      "file": "/home/runner/work/app/app/test/module%(m)04d.spec.js",
      "currentRetry": 0,
      "err": {}
    }"""
MOCHA_FAIL = """    {
      "title": "case %(i)07d with a reasonably descriptive name",
      "fullTitle": "module %(m)04d case %(i)07d with a reasonably descriptive name",
      "file": "/home/runner/work/app/app/test/module%(m)04d.spec.js",
      "duration": %(d)d,
      "currentRetry": 0,
      "err": {
        "stack": "AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\\n\\n41 !== 42\\n\\n    at Context.<anonymous> (test/module%(m)04d.spec.js:%(l)d:12)",
        "message": "Expected values to be strictly equal:\\n\\n41 !== 42\\n",
        "generatedMessage": true,
        "name": "AssertionError",
        "code": "ERR_ASSERTION",
        "actual": "41",
        "expected": "42",
        "operator": "strictEqual"
      }
    }"""


def mocha_test(i, o, indent):
    """One test object as mocha's JSON reporter prints it (JSON.stringify with 2 spaces)."""
    t = {"fail": MOCHA_FAIL, "skip": MOCHA_SKIP, "pass": MOCHA_PASS}[o]
    return t % {"i": i, "m": i // 1000, "d": i % 7, "l": i % 500 + 10}


def mocha(n):
    c = counts(n)
    yield ('{\n  "stats": {\n    "suites": %d,\n    "tests": %d,\n    "passes": %d,\n    "pending": %d,\n    "failures": %d,\n'
           '    "start": "2024-01-01T00:00:00.000Z",\n    "end": "2024-01-01T00:01:00.000Z",\n    "duration": 60000\n  },\n  "tests": [\n'
           % (n // 1000, n, n - c[1] - c[2], c[2], c[1]))
    for kind in ("tests", "pending", "failures", "passes"):
        if kind != "tests":
            yield f'  "{kind}": [\n'
        first = True
        for i in range(n):
            o = outcome(i)
            if kind == "pending" and o != "skip" or kind == "failures" and o != "fail" or kind == "passes" and o != "pass":
                continue
            yield ("" if first else ",\n") + mocha_test(i, o, 4)
            first = False
        yield "\n  ]" + ("\n" if kind == "passes" else ",\n")
    yield "}\n"


def rspec(n):
    c = counts(n)
    yield '{"version":"3.12.0","seed":1234,"examples":['
    for i in range(n):
        o = outcome(i)
        status = {"pass": "passed", "fail": "failed", "skip": "pending"}[o]
        f = f"./spec/module{i // 1000:04d}_spec.rb"
        e = {"id": f"{f}[1:{i % 1000 + 1}]", "description": f"case {i:07d} behaves", "full_description": f"Module{i // 1000:04d} case {i:07d} behaves",
             "status": status, "file_path": f, "line_number": i % 500 + 3, "run_time": 0.000123, "pending_message": "not ready" if o == "skip" else None}
        if o == "fail":
            e["exception"] = {"class": "RSpec::Expectations::ExpectationNotMetError", "message": "\nexpected: 42\n     got: 41\n\n(compared using ==)\n",
                              "backtrace": ["/usr/lib/ruby/gems/rspec-support/lib/rspec/support.rb:102:in `block in <module:Support>'",
                                            f"{f}:{i % 500 + 4}:in `block (2 levels) in <top (required)>'"]}
        yield ("," if i else "") + json.dumps(e, separators=(",", ":"))
    yield ('],"summary":{"duration":60.0,"example_count":%d,"failure_count":%d,"pending_count":%d,"errors_outside_of_examples_count":0},'
           '"summary_line":"%d examples, %d failures, %d pending"}\n' % (n, c[1], c[2], n, c[1], c[2]))


def dart(n):
    yield '{"protocolVersion":"0.1.1","runnerVersion":"1.24.0","pid":1234,"type":"start","time":0}\n'
    for s in range(n // 1000):
        url = f"file:///home/runner/work/app/app/test/module{s:04d}_test.dart"
        yield f'{{"suite":{{"id":{s * 2000},"platform":"vm","path":"test/module{s:04d}_test.dart"}},"type":"suite","time":0}}\n'
        for k in range(1000):
            i = s * 1000 + k
            tid = s * 2000 + k + 1
            o = outcome(i)
            yield (f'{{"test":{{"id":{tid},"name":"module {s:04d} case {i:07d} behaves","suiteID":{s * 2000},"groupIDs":[{s * 2000 + 1999}],'
                   f'"metadata":{{"skip":{"true" if o == "skip" else "false"},"skipReason":null}},"line":{k % 500 + 5},"column":5,"url":"{url}"}},"type":"testStart","time":{i}}}\n')
            if o == "fail":
                yield (f'{{"testID":{tid},"error":"Expected: <42>\\n  Actual: <41>\\n","stackTrace":"package:test_api  expect\\ntest/module{s:04d}_test.dart {k % 500 + 6}:7  main.<fn>\\n",'
                       f'"isFailure":true,"type":"error","time":{i}}}\n')
            res = "failure" if o == "fail" else "success"
            yield f'{{"testID":{tid},"result":"{res}","skipped":{"true" if o == "skip" else "false"},"hidden":false,"type":"testDone","time":{i}}}\n'
    yield '{"success":false,"type":"done","time":60000}\n'


def counts(n):
    fails = sum(1 for i in range(n) if outcome(i) == "fail")
    skips = sum(1 for i in range(n) if outcome(i) == "skip")
    return n, fails, skips


FORMATS = {"junit": (junit, "xml"), "trx": (trx, "trx"), "nunit2": (nunit2, "xml"), "nunit3": (nunit3, "xml"),
           "xunit2": (xunit2, "xml"), "gotest": (gotest, "json"), "mocha": (mocha, "json"), "rspec": (rspec, "json"),
           "dart": (dart, "json")}


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    names = sys.argv[3:] or list(FORMATS)
    total, fails, skips = counts(n)
    for name in names:
        gen, ext = FORMATS[name]
        path = f"{out}/{name}.{ext}"
        write(path, gen(n))
        print(name, path, total, fails, skips)


if __name__ == "__main__":
    main()
