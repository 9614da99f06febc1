#!/usr/bin/env bash
# On a real network (issue 24): the simulator adds LATENCY (default 50 ms, a hosted runner's
# round trip to JFrog SaaS) to every answer, and the same run measures, median of RUNS (5):
#   - a 4-hop promotion, bookverse-inventory 1.3.0 from no stage to PROD, with the demo's
#     report and evidence gates and reports (7 gates, one signed evidence record) — ours; ours with every read one at a
#     time (PROMOTE_ACTION_SEQUENTIAL_READS=1, PROMOTE_ACTION_EVIDENCE_CONCURRENCY=1); and the
#     BookVerse-style bash + curl + jq script (bench/bookverse-promote.sh: no gates, serial);
#   - the evidence gate over 1,000 records (a `plan` of 1.2.0 whose gate requires them signed
#     by the demo key: AQL, 10 GraphQL pages, 1,000 downloads, 1,000 signatures) — ours; ours
#     with one download at a time; and curl + jq fetching the same without verifying anything
#     (bench/evidence-peer.sh, serial).
# Our request counts and critical paths (requests that waited for one another) come from the
# run's own debug line (RUNNER_DEBUG=1); the scripts' from the simulator's request log (every
# request of theirs waits for the one before). Goals: the evidence gate under 3 s; the
# promotion within 2 round trips per hop plus the gathering.
# Needs: cargo, curl, jq, python3, hyperfine. Usage: bench/latency.sh  (LATENCY=50ms RUNS=5;
# BIN=path/to/promote-action skips the release build)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS=${RUNS:-5}
LATENCY=${LATENCY:-50ms}
for t in curl jq python3 hyperfine; do
  command -v "$t" >/dev/null || { echo "bench/latency.sh: install $t (apt-get install -y curl jq python3 hyperfine)" >&2; exit 1; }
done
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -q
  BIN="$(cargo metadata --format-version 1 --no-deps | jq -r .target_directory)/release/promote-action"
fi
WORK=$(mktemp -d /tmp/bench-latency.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" simulator --port "$PORT" --latency "$LATENCY" >"$WORK/sim.log" 2>&1 &
SIM=$!
trap 'kill $SIM 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
URL="http://127.0.0.1:$PORT"
AUTH=(-H "Authorization: Bearer simulator-token")
for _ in $(seq 100); do curl -fsS "${AUTH[@]}" "$URL/apptrust/api/v1/system/ping" >/dev/null 2>&1 && break; sleep 0.1; done
reset() { curl -fsS -X POST "$URL/_sim/reset" >/dev/null; }
TYPE=https://in-toto.io/attestation/test-result/v0.1

# `ours.sh WORKSPACE VERSION COMMAND TARGET [VAR=VALUE...]`: the action as the runner starts it.
cat >"$WORK/ours.sh" <<SH
#!/bin/sh
ws=\$1 version=\$2 command=\$3 target=\$4
shift 4
exec env -i 'INPUT_JFROG-URL=$URL' 'INPUT_ACCESS-TOKEN=simulator-token' INPUT_PROJECT=bookverse \\
  INPUT_APPLICATION=bookverse-inventory "INPUT_VERSION=\$version" "INPUT_COMMAND=\$command" \\
  "INPUT_TARGET-STAGE=\$target" INPUT_POLICY=.github/promotion-policy.yml 'INPUT_PROMOTION-TYPE=copy' \\
  INPUT_HOTFIX=false INPUT_SUMMARY=true "GITHUB_WORKSPACE=\$ws" RUNNER_TEMP=$WORK \\
  GITHUB_OUTPUT=$WORK/out GITHUB_STEP_SUMMARY=$WORK/summary GITHUB_ACTOR=bench RUNNER_DEBUG=1 \\
  "\$@" "$BIN"
SH
chmod +x "$WORK/ours.sh"
SERIAL=(PROMOTE_ACTION_SEQUENTIAL_READS=1 PROMOTE_ACTION_EVIDENCE_CONCURRENCY=1)

# Workspaces: the demo's policy and reports; a policy whose only gate is the 1,000 records.
mkdir -p "$WORK/demo/.github/keys" "$WORK/demo/reports/junit" "$WORK/ev/.github/keys"
# The demo's gates that read reports and JFrog evidence. Its live gates (bake time, health,
# Prometheus, the verify watch) and GitHub's attestations need services the bench does not run,
# and would measure those services, not the promotion.
cat >"$WORK/demo/.github/promotion-policy.yml" <<'YAML'
version: 1
stages:
  QA:
    gates:
      - name: unit tests
        junit: { paths: ["reports/junit/**/*.xml"], max-failures: 0, min-tests: 5 }
      - name: coverage
        coverage: { path: reports/coverage.xml, min-line: 80, min-branch: 70 }
      - name: signed test evidence
        evidence:
          required: ["https://in-toto.io/attestation/test-result/v0.1"]
          signed-by: [.github/keys/bookverse-ci.pub]
          where:
            - { predicate-type: "https://in-toto.io/attestation/test-result/v0.1", pointer: /result, equals: PASSED }
  STAGING:
    gates:
      - name: security scan
        sarif: { paths: ["reports/*.sarif"], max-level: { error: 0, warning: 10 }, max-severity: { critical: 0, high: 0 } }
      - name: performance
        benchmark: { path: reports/bench.json, metric: mean, max: 2.0 }
      - name: artifact integrity
        integrity: {}
  PROD:
    gates:
      - name: artifact integrity
        integrity: {}
YAML
cp demo/keys/bookverse-ci.pub "$WORK/demo/.github/keys/"
cp demo/reports/junit/pytest.xml "$WORK/demo/reports/junit/"
cp demo/reports/coverage.xml demo/reports/bandit.sarif demo/reports/bench.json "$WORK/demo/reports/"
cp demo/keys/bookverse-ci.pub "$WORK/ev/.github/keys/ci.pub"
cat >"$WORK/ev/.github/promotion-policy.yml" <<YAML
version: 1
stages:
  QA:
    gates:
      - evidence:
          required: ["$TYPE"]
          signed-by: [.github/keys/ci.pub]
YAML

# One run of ours: checks the result, prints "requests critical-path" from the debug line.
network() {
  local want=$1; shift
  "$WORK/ours.sh" "$@" >"$WORK/log" || true
  grep -A1 '^result<<' "$WORK/out" | tail -1 | grep -qx "$want" \
    || { echo "bench/latency.sh: expected $want from: $* (see $WORK/log, KEEP=1)" >&2; exit 1; }
  sed -n 's/^::debug::promote-action: network: \([0-9]*\) requests.*, \([0-9]*\) of them one after another.*/\1 \2/p' "$WORK/log"
}
# The scripts' request count (all serial: the critical path is the count).
script_requests() { reset; "$@" >/dev/null; curl -fsS "$URL/_sim/requests" | jq length; }

# --- the promotion ----------------------------------------------------------------------
reset; read -r p_req p_path < <(network released "$WORK/demo" 1.3.0 promote PROD)
reset; read -r ps_req ps_path < <(network released "$WORK/demo" 1.3.0 promote PROD "${SERIAL[@]}")
peer_req=$(script_requests bash bench/bookverse-promote.sh "$URL" simulator-token bookverse bookverse-inventory 1.3.0 PROD)
hyperfine -N --runs "$RUNS" --prepare "curl -fsS -X POST $URL/_sim/reset" --export-json "$WORK/promote.json" \
  -n ours "$WORK/ours.sh $WORK/demo 1.3.0 promote PROD" \
  -n serial "$WORK/ours.sh $WORK/demo 1.3.0 promote PROD ${SERIAL[*]}" \
  -n peer "bash $ROOT/bench/bookverse-promote.sh $URL simulator-token bookverse bookverse-inventory 1.3.0 PROD" \
  >/dev/null 2>&1

# --- the evidence gate over 1,000 records ------------------------------------------------
reset
curl -fsS -X POST "$URL/_sim/evidence/bookverse-inventory/1.2.0" \
  -d "{\"predicate_type\":\"$TYPE\",\"count\":999}" >/dev/null
read -r e_req e_path < <(network planned "$WORK/ev" 1.2.0 plan QA)
read -r es_req es_path < <(network planned "$WORK/ev" 1.2.0 plan QA "${SERIAL[@]}")
record=$(grep -A1 '^record<<' "$WORK/out" | tail -1)
verified=$(jq '[.outcome.evidence[] | select(.verdict == "verified")] | length' "$record")
[ "$verified" = 1000 ] || { echo "bench/latency.sh: $verified of 1,000 records verified" >&2; exit 1; }
before=$(curl -fsS "$URL/_sim/requests" | jq length)
bash bench/evidence-peer.sh "$URL"
evpeer_req=$(( $(curl -fsS "$URL/_sim/requests" | jq length) - before ))
hyperfine -N --runs "$RUNS" --export-json "$WORK/evidence.json" \
  -n ours "$WORK/ours.sh $WORK/ev 1.2.0 plan QA" \
  -n serial "$WORK/ours.sh $WORK/ev 1.2.0 plan QA ${SERIAL[*]}" \
  -n peer "bash $ROOT/bench/evidence-peer.sh $URL" \
  >/dev/null 2>&1

median() { jq -r --arg n "$2" '.results[] | select(.command==$n) | .median' "$1"; }
row() { # label json name requests path peer-median
  awk -v l="$1" -v m="$(median "$2" "$3")" -v r="$4" -v p="$5" -v peer="$(median "$2" peer)" \
    'BEGIN { printf "| %s | %.2f s | %s | %s | %.1f× |\n", l, m, r, p, peer / m }'
}
echo
echo "| at $LATENCY per round trip, median of $RUNS | wall | requests | one after another | faster than the script |"
echo "|---|---:|---:|---:|---:|"
row "4-hop promotion, ours (7 gates)" "$WORK/promote.json" ours "$p_req" "$p_path"
row "4-hop promotion, ours one request at a time" "$WORK/promote.json" serial "$ps_req" "$ps_path"
row "4-hop promotion, bash + curl + jq (no gates)" "$WORK/promote.json" peer "$peer_req" "$peer_req"
row "evidence gate, 1,000 records, ours" "$WORK/evidence.json" ours "$e_req" "$e_path"
row "evidence gate, 1,000 records, ours one download at a time" "$WORK/evidence.json" serial "$es_req" "$es_path"
row "evidence gate, 1,000 records, curl + jq (no verification)" "$WORK/evidence.json" peer "$evpeer_req" "$evpeer_req"
echo
for part in promote evidence; do
  awk -v p="$part" -v o="$(median "$WORK/$part.json" ours)" -v s="$(median "$WORK/$part.json" serial)" \
    'BEGIN { printf "%s: ours %.2f× faster than ours one request at a time\n", p, s / o }'
done
ev=$(median "$WORK/evidence.json" ours)
awk -v s="$ev" 'BEGIN { printf "goal: evidence gate under 3 s: %.2f s — %s\n", s, (s < 3 ? "met" : "NOT met") }'
# The gathering: everything but the hops (2 round trips each: promote or release, re-read).
awk -v p="$p_path" 'BEGIN { printf "goal: promotion within 2 round trips per hop plus the gathering: %d one after another = 4 hops × 2 + %d of gathering and audit\n", p, p - 8 }'
