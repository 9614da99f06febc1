#!/usr/bin/env bash
# The evidence gate against many large records (issue 27 item 2) and at a real network's latency
# (issue 24), all measured in the same run:
#
# 1. Peak RSS (GNU time) of a `plan` whose evidence gate requires the version's test-result
#    records signed by the demo key, with 1, 100 and 1,000 records of 15 MiB on the version (the
#    simulator generates each as it sends it): `padded` records are a small signed statement with
#    15 MiB beside it in the envelope (each verifies), `payload` records carry a 15 MiB statement
#    in their payload (each is decoded, then refused as over 4 MiB). Ours vs ours at 1 record
#    (flat = 1.0×), and vs the action before records were judged as they arrive (PEER_REV,
#    default ba73a6a, which keeps every file until the gate judges) at 1 and 24 records.
# 2. Wall time of the same plan over 1,000 small records with 50 ms added to every download
#    (a simulator delay fault): default concurrency (32) vs PROMOTE_ACTION_EVIDENCE_CONCURRENCY=8
#    and =1 (one download after another, as before).
#
# Needs: cargo, curl, python3, GNU time (/usr/bin/time). Usage: bench/evidence-memory.sh
#   SIZES="1 100 1000" (record counts), SHAPES="padded payload", PEER_REV=<commit> (or "" to
#   skip the peer), RUNS=3 (latency runs, median), LATENCY=0 (skip part 2).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SIZES=${SIZES:-"1 100 1000"}
SHAPES=${SHAPES:-"padded payload"}
PEER_REV=${PEER_REV-ba73a6a}
RUNS=${RUNS:-3}
LATENCY=${LATENCY:-1}
MIB15=$((15 * 1024 * 1024))
TYPE=https://in-toto.io/attestation/test-result/v0.1
for t in curl python3 /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "bench/evidence-memory.sh: install $t (apt-get install -y curl python3 time)" >&2; exit 1; }
done
WORK=$(mktemp -d /tmp/bench-evidence-memory.XXXXXX)
SIM=""
trap '[ -n "$SIM" ] && kill "$SIM" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
TARGET="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"

# The peer first (same target directory: only its own crate is built again), then ours.
if [ -n "$PEER_REV" ]; then
  mkdir -p "$WORK/peer-src"
  git -C "$ROOT" archive "$PEER_REV" | tar -x -C "$WORK/peer-src"
  CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q --manifest-path "$WORK/peer-src/Cargo.toml"
  cp "$TARGET/release/promote-action" "$WORK/peer"
fi
cargo build --release --locked -q
BIN="$TARGET/release/promote-action"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" simulator --port "$PORT" >"$WORK/sim.log" 2>&1 &
SIM=$!
URL="http://127.0.0.1:$PORT"
AUTH=(-H "Authorization: Bearer simulator-token")
for _ in $(seq 100); do curl -fsS "${AUTH[@]}" "$URL/apptrust/api/v1/system/ping" >/dev/null 2>&1 && break; sleep 0.05; done

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

# large COUNT SHAPE: the seeded record plus COUNT records of 15 MiB. small COUNT: COUNT records
# in all, each a few hundred bytes.
reset() {
  curl -fsS -X POST "$URL/_sim/reset" >/dev/null
}
add() {
  curl -fsS -X POST "$URL/_sim/evidence/bookverse-inventory/1.2.0" -d "$1" >/dev/null
}
large() {
  reset
  add "{\"predicate_type\":\"$TYPE\",\"count\":$1,\"size\":$MIB15,\"shape\":\"$2\"}"
}
small() {
  reset
  add "{\"predicate_type\":\"$TYPE\",\"count\":$(($1 - 1))}"
}

# plan BIN [VAR=value…]: one plan run; prints "<peak RSS KiB> <wall s> <exit>".
plan() {
  local bin=$1
  shift
  local start end code
  start=$(date +%s.%N)
  set +e
  env -i "INPUT_JFROG-URL=$URL" 'INPUT_ACCESS-TOKEN=simulator-token' INPUT_PROJECT=bookverse \
    INPUT_APPLICATION=bookverse-inventory INPUT_VERSION=1.2.0 INPUT_COMMAND=plan \
    INPUT_POLICY=.github/promotion-policy.yml 'INPUT_PROMOTION-TYPE=copy' INPUT_HOTFIX=false \
    INPUT_SUMMARY=true GITHUB_WORKSPACE="$WORK/ws" RUNNER_TEMP="$WORK" GITHUB_OUTPUT="$WORK/out" \
    GITHUB_STEP_SUMMARY="$WORK/summary" PROMOTE_ACTION_EVIDENCE_MAX_MIB=100000 \
    PROMOTE_ACTION_EVIDENCE_DEADLINE_S=3600 "$@" \
    /usr/bin/time -f '%M' -o "$WORK/rss" "$bin" >"$WORK/log" 2>&1
  code=$?
  set -e
  end=$(date +%s.%N)
  echo "$(tail -1 "$WORK/rss") $(python3 -c "print(f'{$end - $start:.2f}')") $code"
}

mib() { python3 -c "print(f'{$1 / 1024:.1f}')"; }

echo "| records of 15 MiB | shape | build | peak RSS | wall | exit | vs ours at 1 record |"
echo "|---:|---|---|---:|---:|---:|---:|"
for shape in $SHAPES; do
  base=""
  for n in $SIZES; do
    large "$n" "$shape"
    read -r rss wall code < <(plan "$BIN")
    [ -n "$base" ] || base=$rss
    echo "| $n | $shape | ours | $(mib "$rss") MiB | ${wall} s | $code | $(python3 -c "print(f'{$rss / $base:.2f}×')") |"
  done
  if [ -n "$PEER_REV" ]; then
    for n in 1 24; do
      large "$n" "$shape"
      read -r rss wall code < <(plan "$WORK/peer")
      echo "| $n | $shape | before ($PEER_REV) | $(mib "$rss") MiB | ${wall} s | $code | $(python3 -c "print(f'{$rss / $base:.2f}×')") |"
    done
  fi
done

[ "$LATENCY" = 1 ] || exit 0
echo
echo "| 1,000 small records, 50 ms per download | wall (median of $RUNS) | peak RSS | vs concurrency 1 |"
echo "|---|---:|---:|---:|"
small 1000
curl -fsS -X POST "$URL/_sim/faults" \
  -d '{"method":"GET","path_contains":"/.evidence/","kind":"delay","ms":50}' >/dev/null
serial=""
for c in 1 8 32; do
  walls=()
  for _ in $(seq "$RUNS"); do
    read -r rss wall code < <(plan "$BIN" "PROMOTE_ACTION_EVIDENCE_CONCURRENCY=$c")
    [ "$code" = 0 ] || { echo "concurrency $c: exit $code" >&2; cat "$WORK/log" >&2; exit 1; }
    walls+=("$wall")
  done
  median=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
  [ -n "$serial" ] || serial=$median
  label="concurrency $c"
  [ "$c" = 32 ] && label="concurrency 32 (default)"
  echo "| $label | ${median} s | $(mib "$rss") MiB | $(python3 -c "print(f'{$serial / $median:.1f}× faster')") |"
done
