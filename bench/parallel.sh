#!/usr/bin/env bash
# Many runs at once (issue 14): 20 processes promoting 10 applications DEV→PROD against one
# simulator, five applications raced by three runs each — our binary vs the BookVerse-style
# bash/curl/jq script (bench/bookverse-promote.sh) started the same way, in the same run.
# Figures: wall time of the whole batch (median of ROUNDS), peak RSS per process (median and
# max over all processes of all rounds), and how many processes exited non-zero although every
# version reached PROD. Each round starts a fresh simulator from the same state file.
# Needs: cargo, curl, jq, python3, /usr/bin/time. Usage: bench/parallel.sh   (ROUNDS=5 default)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROUNDS=${ROUNDS:-5}
for t in curl jq python3 /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "bench/parallel.sh: install $t (apt-get install -y curl jq python3 time)" >&2; exit 1; }
done

cargo build --release --locked -q
target_dir=$(cargo metadata --format-version 1 --no-deps | jq -r .target_directory)
BIN="$target_dir/release/promote-action"
WORK=$(mktemp -d /tmp/bench-parallel.XXXXXX)
SIM=""
trap '[ -z "$SIM" ] || kill "$SIM" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_sim() { # start_sim [STATE_FILE] → sets SIM and URL
  local port; port=$(free_port)
  if [ -n "${1:-}" ]; then "$BIN" simulator --port "$port" --state "$1" >"$WORK/sim.log" 2>&1 &
  else "$BIN" simulator --port "$port" >"$WORK/sim.log" 2>&1 & fi
  SIM=$!
  URL="http://127.0.0.1:$port"
  for _ in $(seq 100); do
    curl -fsS -H "Authorization: Bearer simulator-token" "$URL/apptrust/api/v1/system/ping" >/dev/null 2>&1 && return
    sleep 0.05
  done
  echo "simulator did not start: $(cat "$WORK/sim.log")" >&2; exit 1
}
stop_sim() { kill "$SIM" 2>/dev/null; wait "$SIM" 2>/dev/null || true; SIM=""; }

# The state: the seeded one plus svc-00 … svc-09, copies of bookverse-inventory 1.2.0 in DEV.
start_sim
curl -fsS "$URL/_sim/state" | python3 -c '
import json, sys, copy
st = json.load(sys.stdin)
app = st["applications"]["bookverse-inventory"]
ver = st["versions"]["bookverse-inventory"]["1.2.0"]
for i in range(10):
    key = f"svc-{i:02d}"
    a = copy.deepcopy(app); a["application_key"] = key; st["applications"][key] = a
    v = copy.deepcopy(ver); v["application_key"] = key; st["versions"][key] = {"1.2.0": v}
json.dump(st, open(sys.argv[1], "w"))
' "$WORK/state.json"
stop_sim

runs_of() { if [ "$1" -lt 5 ]; then echo 3; else echo 1; fi; }

ours() { # ours APP N
  local d="$WORK/ours/$1-$2"; mkdir -p "$d"
  env -i "INPUT_JFROG-URL=$URL" 'INPUT_ACCESS-TOKEN=simulator-token' INPUT_PROJECT=bookverse \
    "INPUT_APPLICATION=$1" INPUT_VERSION=1.2.0 'INPUT_TARGET-STAGE=PROD' INPUT_COMMAND=promote \
    INPUT_POLICY= 'INPUT_PROMOTION-TYPE=copy' INPUT_HOTFIX=false INPUT_SUMMARY=true \
    GITHUB_WORKSPACE="$d" RUNNER_TEMP="$d" GITHUB_OUTPUT="$d/out" GITHUB_STEP_SUMMARY="$d/summary" \
    GITHUB_ACTOR=bench "$BIN" >"$d/log" 2>&1
}
bash_peer() { # bash_peer APP N
  local d="$WORK/bash/$1-$2"; mkdir -p "$d"
  bash "$ROOT/bench/bookverse-promote.sh" "$URL" simulator-token bookverse "$1" 1.2.0 PROD >"$d/log" 2>&1
}
export -f ours bash_peer

round() { # round ours|bash_peer ROUND → prints "wall_seconds failures" and appends RSS lines
  local what=$1 r=$2 t0 t1 fails=0 pids=() p
  start_sim "$WORK/state.json"
  export URL BIN WORK ROOT
  t0=$(date +%s.%N)
  for i in $(seq 0 9); do
    app=$(printf 'svc-%02d' "$i")
    for n in $(seq "$(runs_of "$i")"); do
      /usr/bin/time -f '%M' -o "$WORK/rss-$what-$r-$app-$n" bash -c "$what $app $n" &
      pids+=($!)
    done
  done
  for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
  t1=$(date +%s.%N)
  # Every version must be in PROD, whoever put it there.
  for i in $(seq 0 9); do
    app=$(printf 'svc-%02d' "$i")
    stage=$(curl -fsS -H "Authorization: Bearer simulator-token" \
      "$URL/apptrust/api/v1/applications/$app/versions/1.2.0/content" | jq -r .current_stage)
    [ "$stage" = PROD ] || { echo "$what round $r: $app ended in $stage" >&2; exit 1; }
  done
  stop_sim
  awk -v a="$t0" -v b="$t1" -v f="$fails" 'BEGIN { printf "%.3f %d\n", b - a, f }'
}

: >"$WORK/ours.rounds"; : >"$WORK/bash.rounds"
for r in $(seq "$ROUNDS"); do
  round ours "$r" >>"$WORK/ours.rounds"
  round bash_peer "$r" >>"$WORK/bash.rounds"
done

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
wall_ours=$(cut -d' ' -f1 "$WORK/ours.rounds" | median)
wall_bash=$(cut -d' ' -f1 "$WORK/bash.rounds" | median)
fail_ours=$(awk '{ s += $2 } END { print s }' "$WORK/ours.rounds")
fail_bash=$(awk '{ s += $2 } END { print s }' "$WORK/bash.rounds")
rss() { tail -qn1 "$WORK"/rss-"$1"-* | sort -n; }
rss_med_ours=$(rss ours | median | cut -d. -f1); rss_max_ours=$(rss ours | tail -1)
rss_med_bash=$(rss bash_peer | median | cut -d. -f1); rss_max_bash=$(rss bash_peer | tail -1)
total=$((20 * ROUNDS))

echo
echo "| 20 processes, 10 applications DEV→PROD ($ROUNDS rounds) | promote-action | bash+curl+jq | ratio |"
echo "|---|---|---|---|"
awk -v a="$wall_ours" -v b="$wall_bash" 'BEGIN { printf "| batch wall time (median) | %.0f ms | %.0f ms | %.1f× faster |\n", a * 1000, b * 1000, b / a }'
echo "| peak RSS per process (median · max) | $((rss_med_ours / 1024)) MB · $((rss_max_ours / 1024)) MB | $((rss_med_bash / 1024)) MB · $((rss_max_bash / 1024)) MB (bash process) | |"
echo "| processes that exited non-zero although their version reached PROD | $fail_ours of $total | $fail_bash of $total | |"
