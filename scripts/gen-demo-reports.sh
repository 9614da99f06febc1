#!/usr/bin/env bash
# Regenerates the demo's sample reports (demo/reports/ passing, demo/failing/ failing) with the
# real tools: pytest (JUnit), coverage.py (Cobertura), bandit (SARIF) and hyperfine (JSON).
# The reports are committed and compiled into the binary (src/demo.rs), so `promote-action demo`
# needs none of these tools; this script only shows where they came from.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/gen-demo.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

command -v hyperfine >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq hyperfine; }
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --disable-pip-version-check \
  pytest==9.0.2 coverage==7.13.0 "bandit[sarif]==1.9.2"
PY="$WORK/venv/bin"

make_project() { # $1 = dir, $2 = pass|fail
  local d="$1"
  mkdir -p "$d/inventory" "$d/tests"
  : > "$d/inventory/__init__.py"
  : > "$d/conftest.py"
  cat > "$d/inventory/stock.py" <<'PYEOF'
"""Stock levels of the BookVerse inventory service."""


def reorder_needed(on_hand, reserved, threshold):
    available = on_hand - reserved
    if available < 0:
        raise ValueError("more reserved than on hand")
    return available <= threshold


def grade(score):
    if score >= 90:
        return "A"
    if score >= 75:
        return "B"
    if score >= 50:
        return "C"
    return "F"
PYEOF
  if [ "$2" = fail ]; then
    cat >> "$d/inventory/stock.py" <<'PYEOF'


def export(path):
    import subprocess
    return subprocess.call("tar czf " + path + " data", shell=True)
PYEOF
  fi
  cat > "$d/tests/test_stock.py" <<'PYEOF'
import pytest

from inventory.stock import grade, reorder_needed


@pytest.mark.parametrize("on_hand,reserved,threshold,expected", [
    (10, 2, 5, False), (6, 2, 5, True), (5, 5, 0, True),
])
def test_reorder(on_hand, reserved, threshold, expected):
    assert reorder_needed(on_hand, reserved, threshold) is expected


def test_over_reserved():
    with pytest.raises(ValueError):
        reorder_needed(1, 2, 0)


@pytest.mark.parametrize("score,letter", [(95, "A"), (80, "B"), (60, "C"), (10, "F")])
def test_grade(score, letter):
    assert grade(score) == letter
PYEOF
  if [ "$2" = fail ]; then
    cat >> "$d/tests/test_stock.py" <<'PYEOF'


@pytest.mark.parametrize("score,letter", [(51, "F")])
def test_grade_boundary(score, letter):
    assert grade(score) == letter
PYEOF
  fi
}

for variant in pass fail; do
  d="$WORK/$variant"
  make_project "$d" "$variant"
  out="$ROOT/demo/reports"; [ "$variant" = fail ] && out="$ROOT/demo/failing"
  mkdir -p "$out/junit"
  # pytest exits 1 when a test fails; the failing variant is meant to.
  (cd "$d" && { "$PY/coverage" run --branch -m pytest -q -o junit_family=xunit1 --junitxml="$out/junit/pytest.xml" tests || true; })
  (cd "$d" && "$PY/coverage" xml -o "$out/coverage.xml" && "$PY/coverage" report --format=total > "$out/coverage-total.txt")
  # bandit exits 1 when it finds something; the failing variant is meant to.
  (cd "$d" && { "$PY/bandit" -q -r inventory -f sarif -o "$out/bandit.sarif" || true; })
  hyperfine --runs 5 --warmup 1 --export-json "$out/bench.json" --command-name grade-20k \
    "$PY/python -c 'import sys; sys.path.insert(0, \"$d\"); from inventory.stock import grade; [grade(i % 100) for i in range(20000)]'" >/dev/null
  sed -i "s#$WORK#/tmp/demo-work#g" "$out"/junit/pytest.xml "$out"/coverage.xml "$out"/bandit.sarif "$out"/bench.json
done
echo "demo reports written to demo/reports and demo/failing"
