#!/usr/bin/env bash
# Regenerates the multi-format test-result fixtures under tests/fixtures/tests/ with the real
# runners: `go test -json` (Debian golang-go), mocha's JSON reporter (npm) and RSpec's JSON
# formatter (Debian ruby-rspec). Each sample project passes, fails, skips and errors on purpose
# (plus subtests / parameterised cases, and a Go package that does not build).
#
# Next to each report the script writes `<name>-totals.txt`: the runner's own console totals
# (go test -v's `--- PASS/FAIL/SKIP` lines and `FAIL <pkg> [build failed]` lines, mocha's
# `N passing / N pending / N failing`, RSpec's `N examples, N failures, N pending` line). The
# reader tests compare against these, never against our reader.
#
# Idempotent: everything runs in a throwaway temp dir whose path is rewritten to
# /tmp/fixture-work in the reports. .NET (TRX, NUnit, xUnit.net) and Dart reports are real
# public files instead (they cannot run here); see tests/fixtures/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FX="$ROOT/tests/fixtures/tests"
MOCHA_VERSION=10.8.2

WORK="$(mktemp -d /tmp/gen-test-fixtures.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$FX"

missing=()
command -v go >/dev/null || missing+=(golang-go)
command -v rspec >/dev/null || missing+=(ruby-rspec)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "gen-test-fixtures: install ${missing[*]} (apt-get install ${missing[*]}) and rerun" >&2
    exit 1
  fi
fi

scrub() { sed -i "s#$WORK#/tmp/fixture-work#g" "$@"; }

########################################################################################
# Go: go test -json over a module with a passing/failing/skipping package, subtests, a
# table-driven test, a package whose TestMain exits non-zero and a package that does not build.
########################################################################################
G="$WORK/goproj"
mkdir -p "$G/calc" "$G/broken" "$G/setup"
cat > "$G/go.mod" <<'GOEOF'
module example.com/fixture

go 1.19
GOEOF
cat > "$G/calc/calc.go" <<'GOEOF'
package calc

// Add adds.
func Add(a, b int) int { return a + b }

// Clamp limits x to [lo, hi].
func Clamp(x, lo, hi int) int {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}
GOEOF
cat > "$G/calc/calc_test.go" <<'GOEOF'
package calc

import "testing"

func TestAdd(t *testing.T) {
	if Add(2, 3) != 5 {
		t.Fatal("2+3 is not 5")
	}
}

func TestClampFails(t *testing.T) {
	if got := Clamp(15, 0, 10); got != 11 {
		t.Errorf("Clamp(15, 0, 10) = %d, want 11", got)
	}
}

func TestSkipped(t *testing.T) {
	t.Skip("not implemented yet")
}

func TestTable(t *testing.T) {
	cases := []struct {
		name      string
		x, want   int
	}{
		{"below", -5, 0},
		{"inside", 5, 5},
		{"above_wrong", 50, 49},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			if got := Clamp(c.x, 0, 10); got != c.want {
				t.Errorf("Clamp(%d) = %d, want %d", c.x, got, c.want)
			}
		})
	}
}

func TestParentPasses(t *testing.T) {
	t.Run("one", func(t *testing.T) {})
	t.Run("skipped", func(t *testing.T) { t.Skip("later") })
}
GOEOF
cat > "$G/broken/broken.go" <<'GOEOF'
package broken

// Value does not compile on purpose.
func Value() int { return undefinedName }
GOEOF
cat > "$G/broken/broken_test.go" <<'GOEOF'
package broken

import "testing"

func TestValue(t *testing.T) { _ = Value() }
GOEOF
cat > "$G/setup/setup_test.go" <<'GOEOF'
package setup

import (
	"fmt"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	fmt.Println("setup: database unavailable")
	os.Exit(3)
}

func TestNeverRuns(t *testing.T) {}
GOEOF
(
  cd "$G"
  export GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath"
  go test -json ./... > "$FX/go-test.json" 2> "$WORK/go-stderr.txt" || true
  go test -v ./... > "$WORK/go-v.txt" 2>&1 || true
  {
    echo "# go test -v ./... ($(go version | awk '{print $3}')): result lines as printed"
    grep -E '^\s*--- (PASS|FAIL|SKIP):|^(FAIL|ok)\s' "$WORK/go-v.txt" | sed -E 's/ \([0-9.]+s\)//; s/\t[0-9.]+s$//'
    echo "# counts: lines per kind (subtests included)"
    for k in PASS FAIL SKIP; do
      printf '%s %s\n' "$k" "$(grep -cE "^\s*--- $k:" "$WORK/go-v.txt" || true)"
    done
    # go test -v prints each package's output in one block ending in `ok`/`FAIL <pkg>`: a
    # FAIL block with no `--- FAIL` line is a package that failed outside any test.
    printf 'FAILED-PACKAGES-WITHOUT-FAILED-TESTS %s\n' "$(awk '
      /^[[:space:]]*--- FAIL:/ { failed = 1 }
      /^FAIL[[:space:]]+[^[:space:]]+([[:space:]]|$)/ { if (!failed) n++; failed = 0; next }
      /^(ok|\?)[[:space:]]/ { failed = 0 }
      END { print n + 0 }' "$WORK/go-v.txt")"
  } > "$FX/go-test-totals.txt"
)
scrub "$FX/go-test.json" "$FX/go-test-totals.txt"

########################################################################################
# mocha JSON reporter
########################################################################################
M="$WORK/mochaproj"
mkdir -p "$M/test"
(cd "$M" && npm init -y >/dev/null && npm install -s --no-audit --no-fund "mocha@$MOCHA_VERSION" >/dev/null)
cat > "$M/test/calc.spec.js" <<'JSEOF'
const assert = require("assert");

function clamp(x, lo, hi) {
  return Math.min(Math.max(x, lo), hi);
}

describe("calc", function () {
  it("adds", function () {
    assert.strictEqual(1 + 2, 3);
  });

  it("clamps wrong on purpose", function () {
    assert.strictEqual(clamp(15, 0, 10), 11);
  });

  it.skip("is not written yet", function () {});

  it("throws a TypeError", function () {
    const x = undefined;
    return x.length;
  });

  [1, 2, 3].forEach(function (n) {
    it(`doubles ${n}`, function () {
      assert.strictEqual(n * 2, n === 3 ? 7 : n + n);
    });
  });
});

describe("with a broken hook", function () {
  before(function () {
    throw new Error("database unavailable");
  });

  it("never runs", function () {});
});
JSEOF
(
  cd "$M"
  npx --no-install mocha --reporter json --reporter-option output="$FX/mocha.json" >/dev/null 2>&1 || true
  npx --no-install mocha --reporter spec > "$WORK/mocha-spec.txt" 2>&1 || true
  {
    echo "# mocha $MOCHA_VERSION --reporter spec: summary lines as printed"
    grep -E '^\s+[0-9]+ (passing|pending|failing)' "$WORK/mocha-spec.txt" | sed -E 's/ \([0-9]+m?s\)//; s/^\s+//'
  } > "$FX/mocha-totals.txt"
)
scrub "$FX/mocha.json" "$FX/mocha-totals.txt"

########################################################################################
# RSpec JSON formatter
########################################################################################
R="$WORK/rspecproj"
mkdir -p "$R/spec" "$R/lib"
cat > "$R/lib/calc.rb" <<'RBEOF'
module Calc
  def self.clamp(x, lo, hi)
    [[x, lo].max, hi].min
  end
end
RBEOF
cat > "$R/spec/calc_spec.rb" <<'RBEOF'
require_relative "../lib/calc"

RSpec.describe Calc do
  it "clamps inside" do
    expect(Calc.clamp(5, 0, 10)).to eq(5)
  end

  it "clamps wrong on purpose" do
    expect(Calc.clamp(15, 0, 10)).to eq(11)
  end

  it "raises on purpose" do
    nil.upcase
  end

  it "is pending" do
    pending("not implemented")
    expect(1).to eq(2)
  end

  xit "is skipped" do
  end

  [1, 2, 3].each do |n|
    it "doubles #{n}" do
      expect(n * 2).to eq(n == 3 ? 7 : n + n)
    end
  end
end
RBEOF
(
  cd "$R"
  rspec --format json --out "$FX/rspec.json" --format progress --out "$WORK/rspec-progress.txt" spec >/dev/null 2>&1 || true
  {
    echo "# rspec $(rspec --version | awk '/rspec-core/ {print $3}') --format progress: summary line as printed"
    grep -E '^[0-9]+ examples?, ' "$WORK/rspec-progress.txt"
  } > "$FX/rspec-totals.txt"
)
scrub "$FX/rspec.json" "$FX/rspec-totals.txt"

echo "test-result fixtures regenerated under $FX"
