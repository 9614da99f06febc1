#!/usr/bin/env bash
# Renders the job summary of three real runs — a passing promotion, a blocked one and a
# rollback — the way GitHub shows them, and screenshots them into docs/ for the README.
#
# Why a script: the PNGs must come from the binary's own output, so they are regenerated (and
# looked at) whenever the summary changes, instead of drifting from it. Everything runs offline:
# the runs go against the embedded AppTrust simulator on 127.0.0.1, the markdown is rendered by
# cmark-gfm (GitHub's own fork of cmark, from Debian) with github-markdown-css (npm) inlined,
# and headless Chromium takes the screenshot with every background network feature off.
#
# Usage: scripts/screenshots.sh            (builds target/debug/promote-action when missing)
#        BIN=path/to/promote-action scripts/screenshots.sh
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/promote-action}
OUT=$ROOT/docs
CSS_VERSION=5.9.0
WORK=$(mktemp -d)
SIM_PID=""

cleanup() {
    if [[ -n $SIM_PID ]]; then kill "$SIM_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# --- tools -------------------------------------------------------------------------------------
missing=()
command -v cmark-gfm >/dev/null || missing+=(cmark-gfm)
command -v chromium >/dev/null || missing+=(chromium)
# Without an emoji font the verdict icons render as empty boxes.
[[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]] || missing+=(fonts-noto-color-emoji)
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "screenshots: install ${missing[*]} (apt-get) and re-run" >&2
        exit 2
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v npm >/dev/null || { echo "screenshots: npm is needed for github-markdown-css" >&2; exit 2; }
CSS_CACHE=$ROOT/target/screenshots-css/$CSS_VERSION
if [[ ! -f $CSS_CACHE/github-markdown-light.css ]]; then
    mkdir -p "$CSS_CACHE"
    (cd "$WORK" && npm pack --silent "github-markdown-css@$CSS_VERSION" >/dev/null \
        && tar -xzf "github-markdown-css-$CSS_VERSION.tgz" \
        && cp package/github-markdown-light.css "$CSS_CACHE/")
fi

if [[ ! -x $BIN ]]; then
    cargo build --locked
    BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/promote-action
fi

# --- the three summaries -----------------------------------------------------------------------
# The demo prints the summary between these two rulers.
extract() { sed -n '/── job summary ──/,/── outputs ──/p' | sed '1d;$d'; }

"$BIN" demo | extract >"$WORK/passing.md"
# A blocked run exits 1, which is the point here.
{ "$BIN" demo --failing || true; } | extract >"$WORK/blocked.md"

# Rollback: bookverse-inventory 1.0.0 sits in PROD in the simulator's seed.
"$BIN" simulator --port 0 >"$WORK/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 50); do
    grep -q 'listening on' "$WORK/sim.log" && break
    sleep 0.1
done
SIM_URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/sim.log" | head -1)
[[ -n $SIM_URL ]] || { echo "screenshots: the simulator did not start:" >&2; cat "$WORK/sim.log" >&2; exit 3; }
mkdir -p "$WORK/ws" "$WORK/tmp"
: >"$WORK/rollback.md"
: >"$WORK/output"
env -i PATH="$PATH" \
    GITHUB_ACTIONS=true GITHUB_REPOSITORY=bookverse/inventory GITHUB_RUN_ID=4243 \
    GITHUB_SHA=0123456789abcdef0123456789abcdef01234567 GITHUB_SERVER_URL=https://github.com \
    GITHUB_API_URL=https://api.github.com GITHUB_EVENT_NAME=workflow_dispatch GITHUB_ACTOR=octocat \
    GITHUB_WORKSPACE="$WORK/ws" RUNNER_TEMP="$WORK/tmp" \
    GITHUB_STEP_SUMMARY="$WORK/rollback.md" GITHUB_OUTPUT="$WORK/output" \
    "INPUT_JFROG-URL=$SIM_URL" "INPUT_ACCESS-TOKEN=simulator-token" INPUT_PROJECT=bookverse \
    INPUT_APPLICATION=bookverse-inventory INPUT_VERSION=1.0.0 INPUT_COMMAND=rollback \
    "INPUT_REASON=INC-1234: checkout errors after the 1.0.0 release" \
    "INPUT_PROMOTION-TYPE=copy" INPUT_HOTFIX=false INPUT_SUMMARY=true \
    "INPUT_CHECK-RUN=false" INPUT_DEPLOYMENT=false "INPUT_NOTIFY-ISSUE=false" \
    "$BIN" >"$WORK/rollback.log" 2>&1 || { cat "$WORK/rollback.log" >&2; exit 3; }
kill "$SIM_PID" 2>/dev/null || true
SIM_PID=""

# --- render and shoot --------------------------------------------------------------------------
mkdir -p "$OUT"
# Heights fit each summary, so the README pictures carry no empty canvas.
declare -A HEIGHT=([passing]=1600 [blocked]=900 [rollback]=480)
for name in passing blocked rollback; do
    html=$WORK/$name.html
    {
        printf '<!doctype html><html><head><meta charset="utf-8"><title>%s</title><style>\n' "$name"
        cat "$CSS_CACHE/github-markdown-light.css"
        # The job-summary pane of a run page: white card, GitHub's width and padding.
        printf '\nbody{background:#f6f8fa;margin:0;padding:24px}\n'
        printf '.markdown-body{box-sizing:border-box;max-width:1012px;margin:0 auto;padding:24px 32px;'
        printf 'background:#fff;border:1px solid #d0d7de;border-radius:6px}\n'
        printf '</style></head><body><article class="markdown-body">\n'
        # GitHub's renderer keeps the inline HTML it allows (<details>, <sub>); so does --unsafe.
        cmark-gfm --unsafe -e table -e strikethrough -e autolink -e tagfilter "$WORK/$name.md"
        printf '</article></body></html>\n'
    } >"$html"
    # Open every <details> so the screenshot shows what a reviewer sees after one click.
    sed -i 's/<details>/<details open>/g' "$html"
    profile=$(mktemp -d "$WORK/chromium.XXXX")
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$profile" \
        --screenshot="$OUT/summary-$name.png" --window-size="1200,${HEIGHT[$name]}" \
        "file://$html" >/dev/null 2>&1
    echo "docs/summary-$name.png"
done
