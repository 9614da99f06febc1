#!/usr/bin/env bash
# The evidence gate on 1,000 records (issue 16): a `plan` of bookverse-inventory 1.2.0 to QA whose
# policy requires the test-result record signed by the demo key, against the simulator holding
# 1,000 such records — AQL, 10 GraphQL pages, 1,000 downloads, 1,000 signature checks — vs the
# least a bash script does for the same records without verifying anything (curl + jq: the same
# AQL, the same pages, the same downloads). Wall time by hyperfine (median), same run.
# Needs: cargo, curl, jq, python3, hyperfine. Usage: bench/evidence.sh   (RUNS=5 default)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS=${RUNS:-5}
for t in curl jq python3 hyperfine; do
  command -v "$t" >/dev/null || { echo "bench/evidence.sh: install $t (apt-get install -y curl jq python3 hyperfine)" >&2; exit 1; }
done
cargo build --release --locked -q
BIN="$(cargo metadata --format-version 1 --no-deps | jq -r .target_directory)/release/promote-action"
WORK=$(mktemp -d /tmp/bench-evidence.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" simulator --port "$PORT" >"$WORK/sim.log" 2>&1 &
SIM=$!
trap 'kill $SIM 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
URL="http://127.0.0.1:$PORT"
AUTH=(-H "Authorization: Bearer simulator-token")
for _ in $(seq 100); do curl -fsS "${AUTH[@]}" "$URL/apptrust/api/v1/system/ping" >/dev/null 2>&1 && break; sleep 0.05; done
TYPE=https://in-toto.io/attestation/test-result/v0.1
curl -fsS -X POST "$URL/_sim/evidence/bookverse-inventory/1.2.0" \
  -d "{\"predicate_type\":\"$TYPE\",\"count\":999}" >/dev/null

mkdir -p "$WORK/ws/.github/keys"
cp demo/keys/bookverse-ci.pub "$WORK/ws/.github/keys/ci.pub"
cat >"$WORK/ws/.github/promotion-policy.yml" <<YAML
version: 1
stages:
  QA:
    gates:
      - evidence:
          required: ["$TYPE"]
          signed-by: [.github/keys/ci.pub]
YAML
cat >"$WORK/ours.sh" <<SH
#!/bin/sh
exec env -i 'INPUT_JFROG-URL=$URL' 'INPUT_ACCESS-TOKEN=simulator-token' INPUT_PROJECT=bookverse \\
  INPUT_APPLICATION=bookverse-inventory INPUT_VERSION=1.2.0 INPUT_COMMAND=plan \\
  INPUT_POLICY=.github/promotion-policy.yml 'INPUT_PROMOTION-TYPE=copy' INPUT_HOTFIX=false \\
  INPUT_SUMMARY=true GITHUB_WORKSPACE=$WORK/ws RUNNER_TEMP=$WORK GITHUB_OUTPUT=$WORK/out \\
  GITHUB_STEP_SUMMARY=$WORK/summary "$BIN" >/dev/null
SH
chmod +x "$WORK/ours.sh"
"$WORK/ours.sh"
grep -A1 '^result<<' "$WORK/out" | tail -1 | grep -qx planned || { echo "our plan did not pass: see $WORK/summary (KEEP=1)" >&2; exit 1; }
record=$(grep -A1 '^record<<' "$WORK/out" | tail -1)
case $record in /*) ;; *) record="$WORK/ws/$record" ;; esac
records=$(jq '[.outcome.evidence[] | select(.verdict == "verified")] | length' "$record")
hyperfine -N --runs "$RUNS" --warmup 1 --export-json "$WORK/ev.json" \
  -n ours "$WORK/ours.sh" -n peer "bash $ROOT/bench/evidence-peer.sh $URL" >/dev/null 2>&1
median() { jq -r --arg n "$1" '.results[] | select(.command==$n) | .median' "$WORK/ev.json"; }
ours=$(median ours); peer=$(median peer)
echo
echo "| evidence gate, 1,000 records (median of $RUNS) | promote-action | curl+jq, no verification | ratio |"
echo "|---|---|---|---|"
awk -v a="$ours" -v b="$peer" -v r="$records" 'BEGIN { printf "| AQL + 10 GraphQL pages + 1,000 downloads (+ %s signatures verified) | %.0f ms | %.0f ms | %.1f× faster |\n", r, a * 1000, b * 1000, b / a }'
