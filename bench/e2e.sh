#!/usr/bin/env bash
# End-to-end and footprint figures, each measured side by side in the same run (issue 9):
#   - a four-hop promotion DEV→PROD (version 1.3.0, never promoted, to PROD) against the
#     simulator on loopback: our binary with the demo's policy and reports (7 gates evaluated)
#     vs the BookVerse-style bash/curl/jq sequence (bench/bookverse-promote.sh, no gates);
#     wall time (hyperfine, median) and number of HTTP requests each makes;
#   - footprint: static binary size, image size (when podman has the image), cold start of
#     `--version` vs `curl --version` and `jq --version`, peak RSS of the end-to-end run.
# Prints one markdown table. Needs: cargo, hyperfine, curl, jq, /usr/bin/time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS=${RUNS:-15}
for t in hyperfine curl jq /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "bench/e2e.sh: install $t (apt-get install -y hyperfine curl jq time)" >&2; exit 1; }
done

if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -q
  target_dir=$(cargo metadata --format-version 1 --no-deps | jq -r .target_directory)
  BIN="$target_dir/release/promote-action"
fi
WORK=$(mktemp -d /tmp/bench-e2e.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" simulator --port "$PORT" >"$WORK/sim.log" 2>&1 &
SIM=$!
trap 'kill $SIM 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
URL="http://127.0.0.1:$PORT"
for _ in $(seq 50); do curl -fsS -H "Authorization: Bearer simulator-token" "$URL/apptrust/api/v1/system/ping" >/dev/null 2>&1 && break; sleep 0.1; done

# Workspace with the demo policy and reports, as the action sees it in a job. The policy's
# gates that ask the running system are left out: 1.3.0 enters DEV in the run (no bake time
# yet), and the watch of PROD after the release would wait ten minutes; so is the attestations
# gate, which asks GitHub (the bench runs none). What is compared is the file and evidence
# gates plus the promotion requests.
mkdir -p "$WORK/ws/.github/keys" "$WORK/ws/reports/junit"
python3 - demo/promotion-policy.yml >"$WORK/ws/.github/promotion-policy.yml" <<'PY'
import re, sys
text = open(sys.argv[1]).read().split("\n    verify:")[0] + "\n"
text = re.sub(r"      - name: soaked in DEV[^\n]*\n        bake:[^\n]*\n", "", text)
text = re.sub(r"      - name: QA health[^\n]*\n        health:\n(          [^\n]*\n)+", "", text)
text = re.sub(r"      - name: build provenance[^\n]*\n        attestations:\n(          [^\n]*\n)+", "", text)
assert "attestations:" not in text and "bake:" not in text and "health:" not in text, text
sys.stdout.write(text)
PY
cp demo/keys/bookverse-ci.pub "$WORK/ws/.github/keys/"
cp demo/reports/junit/pytest.xml "$WORK/ws/reports/junit/"
cp demo/reports/coverage.xml demo/reports/bandit.sarif demo/reports/bench.json "$WORK/ws/reports/"
cat > "$WORK/ours.sh" <<EOF
#!/bin/sh
exec env -i 'INPUT_JFROG-URL=$URL' 'INPUT_ACCESS-TOKEN=simulator-token' INPUT_PROJECT=bookverse \\
  INPUT_APPLICATION=bookverse-inventory INPUT_VERSION=1.3.0 'INPUT_TARGET-STAGE=PROD' \\
  INPUT_COMMAND=promote INPUT_POLICY=.github/promotion-policy.yml 'INPUT_PROMOTION-TYPE=copy' \\
  INPUT_HOTFIX=false INPUT_SUMMARY=true GITHUB_WORKSPACE=$WORK/ws RUNNER_TEMP=$WORK \\
  GITHUB_OUTPUT=$WORK/out GITHUB_STEP_SUMMARY=$WORK/summary GITHUB_ACTOR=bench \\
  "$BIN" >/dev/null
EOF
cat > "$WORK/bash.sh" <<EOF
#!/bin/sh
exec bash "$ROOT/bench/bookverse-promote.sh" "$URL" simulator-token bookverse bookverse-inventory 1.3.0 PROD >/dev/null
EOF
chmod +x "$WORK/ours.sh" "$WORK/bash.sh"
reset="curl -fsS -X POST $URL/_sim/reset"

count_requests() { $reset >/dev/null; "$1"; curl -fsS "$URL/_sim/requests" | jq 'length'; }
ours_requests=$(count_requests "$WORK/ours.sh")
if ! grep -A1 '^result<<' "$WORK/out" | tail -1 | grep -qx released; then
  echo "our run did not release: see $WORK/summary (KEEP=1 keeps it)" >&2
  exit 1
fi
bash_requests=$(count_requests "$WORK/bash.sh")

hyperfine -N --runs "$RUNS" --warmup 2 --prepare "$reset" --export-json "$WORK/e2e.json" \
  -n ours "$WORK/ours.sh" -n bash "$WORK/bash.sh" >/dev/null 2>&1
hyperfine -N --runs 200 --warmup 10 --export-json "$WORK/start.json" \
  -n ours "$BIN --version" -n curl "curl --version" -n jq "jq --version" >/dev/null 2>&1
median() { jq -r --arg n "$2" '.results[] | select(.command==$n) | .median' "$1"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", b / a }'; }

$reset >/dev/null
rss_ours=$( { /usr/bin/time -f '%M' "$WORK/ours.sh"; } 2>&1 | tail -1)
$reset >/dev/null
rss_bash=$( { /usr/bin/time -f '%M' "$WORK/bash.sh"; } 2>&1 | tail -1)

e2e_ours=$(median "$WORK/e2e.json" ours); e2e_bash=$(median "$WORK/e2e.json" bash)
st_ours=$(median "$WORK/start.json" ours); st_curl=$(median "$WORK/start.json" curl); st_jq=$(median "$WORK/start.json" jq)
bin_size=$(stat -c %s "$BIN")
static_note=""
if [ -f dist/promote-action ]; then static_note=" · static musl dist/promote-action: $(awk -v b="$(stat -c %s dist/promote-action)" 'BEGIN{printf "%.1f MB", b/1e6}')"; fi
image=$(podman --storage-driver vfs images --format '{{.Repository}}:{{.Tag}} {{.Size}}' 2>/dev/null | grep -m1 promote-action || true)

echo
echo "| figure | promote-action | peer | ratio |"
echo "|---|---|---|---|"
echo "| DEV→PROD, 4 hops, wall (median of $RUNS) | $(ms "$e2e_ours") (7 gates evaluated) | $(ms "$e2e_bash") (bash+curl+jq, no gates) | $(ratio "$e2e_ours" "$e2e_bash") faster |"
echo "| HTTP requests for that promotion | $ours_requests | $bash_requests | |"
echo "| peak RSS of that run | $((rss_ours / 1024)) MB | $((rss_bash / 1024)) MB (largest single process) | |"
echo "| cold start \`--version\` (median of 200) | $(ms "$st_ours") | curl $(ms "$st_curl") · jq $(ms "$st_jq") | |"
echo "| binary size | $(awk -v b="$bin_size" 'BEGIN{printf "%.1f MB", b/1e6}')$static_note | | |"
echo "| container image | ${image:-not built here (run scripts/container-contract.sh)} | | |"
