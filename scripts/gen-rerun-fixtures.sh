#!/usr/bin/env bash
# Regenerates the pytest-rerunfailures fixtures under tests/fixtures/tests/pytest-reruns/ with
# the real tools from PyPI (pytest, pytest-rerunfailures, pytest-xdist, pinned below) in a
# throwaway virtualenv. Maven Surefire's reruns are made by scripts/gen-surefire-fixture.sh.
#
# The sample has a test that fails its first attempt and passes the rerun, a test that fails
# every attempt, a parameterised test and a passing one. pytest-rerunfailures writes every
# attempt as its own `<testcase>` with the same classname and name, a rerun attempt with no
# result element, the last one with the final outcome: `reruns.xml` (`--reruns 2`, one
# process) and `reruns-xdist.xml` (`-n 2`: two workers, so the attempts of a test may be
# interleaved with other tests). Next to each, pytest's own closing line
# (`N failed, N passed, N rerun`), which the reader tests compare against.
#
# It also writes the reports of the regression scenario (tests/fixtures/tests/regressions/):
# the same suite run three times by plain pytest, as three versions would run it —
# `baseline.xml` with two failing tests, `candidate-new.xml` with the same two and one more,
# `candidate-known.xml` with the same two only (the env var REGRESSION picks what fails).
#
# Idempotent: everything runs in a throwaway temp dir whose path is rewritten to
# /tmp/fixture-work in the reports; timings change on every run, the counts do not.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FX="$ROOT/tests/fixtures/tests/pytest-reruns"
PYTEST_VERSION=9.0.2
RERUNFAILURES_VERSION=16.7
XDIST_VERSION=3.8.0

WORK="$(mktemp -d /tmp/gen-rerun-fixtures.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --disable-pip-version-check \
  "pytest==$PYTEST_VERSION" "pytest-rerunfailures==$RERUNFAILURES_VERSION" \
  "pytest-xdist==$XDIST_VERSION"
PY="$WORK/venv/bin"

P="$WORK/project"
mkdir -p "$P/tests"
# Attempts are counted in files, so a rerun in another xdist worker sees the first attempt.
cat > "$P/tests/test_service.py" <<'EOF'
import pathlib

import pytest

ATTEMPTS = pathlib.Path(__file__).parent / "attempts"


def attempt(name):
    ATTEMPTS.mkdir(exist_ok=True)
    counter = ATTEMPTS / name
    n = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(n + 1))
    return n + 1


def test_health():
    assert 1 + 1 == 2


def test_connects_after_warmup():
    n = attempt("warmup")
    assert n > 1, f"server not ready on attempt {n}"


def test_always_times_out():
    assert "timeout" == "reply"


@pytest.mark.parametrize("size", [1, 2, 3])
def test_sizes(size):
    assert size > 0
EOF

run() {
  local name="$1"; shift
  rm -rf "$P/tests/attempts"
  (cd "$P" && "$PY/pytest" -p no:cacheprovider "$@" --junitxml="$WORK/$name.xml" tests \
    > "$WORK/$name.log" 2>&1) || true
  [ -f "$WORK/$name.xml" ] || { cat "$WORK/$name.log" >&2; exit 1; }
  mkdir -p "$FX"
  cp "$WORK/$name.xml" "$FX/$name.xml"
  sed -i "s#$WORK#/tmp/fixture-work#g" "$FX/$name.xml"
  {
    echo "# pytest $PYTEST_VERSION, pytest-rerunfailures $RERUNFAILURES_VERSION, pytest-xdist $XDIST_VERSION, pytest $*: pytest's closing line"
    grep -E '[0-9]+ failed, [0-9]+ passed, [0-9]+ rerun' "$WORK/$name.log" | tail -1 \
      | sed -E 's/^=+ //; s/ in [0-9.]+s.*$//'
  } > "$FX/$name-totals.txt"
}

rm -rf "$FX"
run reruns --reruns 2
run reruns-xdist --reruns 2 -n 2

RG="$WORK/regressions"
RX="$ROOT/tests/fixtures/tests/regressions"
mkdir -p "$RG/tests"
cat > "$RG/tests/test_inventory.py" <<'EOF'
import os

CASE = os.environ.get("REGRESSION", "baseline")


def test_lists_books():
    assert sorted([3, 1, 2]) == [1, 2, 3]


def test_stock_rounding():
    # Known failure in every version so far.
    assert round(2.675, 2) == 2.68


def test_legacy_isbn10():
    # Known failure in every version so far.
    assert len("0-306-40615-2".replace("-", "")) == 13


def test_reserve_last_copy():
    # The candidate that breaks it.
    stock = 1
    reserved = 2 if CASE == "candidate-new" else 1
    assert reserved <= stock, f"reserved {reserved} of {stock}"
EOF
rm -rf "$RX"
mkdir -p "$RX"
for case in baseline candidate-new candidate-known; do
  (cd "$RG" && REGRESSION="$case" "$PY/pytest" -p no:cacheprovider -o junit_suite_name=inventory \
    --junitxml="$RX/$case.xml" tests > "$WORK/$case.log" 2>&1) || true
  [ -f "$RX/$case.xml" ] || { cat "$WORK/$case.log" >&2; exit 1; }
  sed -i "s#$WORK#/tmp/fixture-work#g" "$RX/$case.xml"
  grep -E '^(FAILED|=+ [0-9]+ (failed|passed))' "$WORK/$case.log" | sed -E 's/ in [0-9.]+s.*$//' \
    > "$RX/$case-totals.txt"
done

echo "pytest-rerunfailures fixtures regenerated under $FX"
