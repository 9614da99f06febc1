#!/usr/bin/env bash
# The README's pictures of the job summary, regenerated from the binary's own runs so they cannot
# go stale: a passing promotion (`demo`), a blocked one (`demo --failing`), a plan that would be
# blocked at STAGING, and a rollback — the last two against the embedded AppTrust simulator.
#
#   scripts/screenshots.sh          regenerate docs/screenshots/summary-*.md (the summaries, with
#                                   the few run-dependent bits normalised) and docs/summary-*.png
#   scripts/screenshots.sh --check  what CI runs: fail when a committed summary differs from what
#                                   the binary writes now, or a PNG was not made from its summary
#                                   (sha256 in docs/screenshots/SHA256SUMS); then render the PNGs
#                                   into a temp dir as a smoke test of the pipeline, which only
#                                   warns when headless Chromium misbehaves: the check above is
#                                   the deterministic one, a flaky renderer must not fail CI.
#
# Offline: the runs go against the simulator on 127.0.0.1. The markdown is rendered by cmark-gfm
# (GitHub's fork of cmark, from Debian) with github-markdown-css (npm, cached under target/; a
# plain stylesheet when neither is reachable) and shot by headless Chromium (Debian) with its
# background networking off. Installs what it needs (apt-get as root or with sudo).
# BIN=path/to/promote-action picks the binary (default: target/debug, built when missing).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
MODE="write"
case "${1:-}" in
    "") ;;
    --check) MODE=check ;;
    *) echo "usage: scripts/screenshots.sh [--check]" >&2; exit 2 ;;
esac
BIN=${BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/promote-action}
SRC=$ROOT/docs/screenshots
NAMES=(passing blocked plan rollback)
# Page heights when Chromium cannot measure the page (it normally does: see `render`).
declare -A HEIGHT=([passing]=2200 [blocked]=1300 [plan]=2200 [rollback]=600)
CSS_VERSION=5.9.0
WORK=$(mktemp -d)
SIM_PID=""

cleanup() {
    if [[ -n $SIM_PID ]]; then kill "$SIM_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

SUDO=()
if [[ $(id -u) != 0 ]]; then SUDO=(sudo); fi

install_tools() {
    local missing=()
    command -v cmark-gfm >/dev/null || missing+=(cmark-gfm)
    command -v chromium >/dev/null || missing+=(chromium)
    # Without an emoji font the verdict icons render as empty boxes.
    [[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]] || missing+=(fonts-noto-color-emoji)
    if ((${#missing[@]})); then
        echo "screenshots: apt-get install ${missing[*]}"
        "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
        DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 \
            install -y -qq "${missing[@]}" >/dev/null
    fi
}

# github-markdown-css from npm, cached; a plain stylesheet when npm cannot fetch it (offline).
stylesheet() {
    local cache=$ROOT/target/screenshots-css/$CSS_VERSION/github-markdown-light.css
    if [[ ! -f $cache ]] && command -v npm >/dev/null; then
        mkdir -p "$(dirname "$cache")" "$WORK/css"
        if (cd "$WORK/css" && npm pack --silent "github-markdown-css@$CSS_VERSION" >/dev/null 2>&1 \
            && tar -xzf "github-markdown-css-$CSS_VERSION.tgz"); then
            cp "$WORK/css/package/github-markdown-light.css" "$cache"
        fi
    fi
    if [[ -f $cache ]]; then
        cat "$cache"
    else
        echo "screenshots: github-markdown-css unavailable; using a plain stylesheet" >&2
        printf '.markdown-body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;'
        printf 'font-size:14px;line-height:1.5}.markdown-body table{border-collapse:collapse}'
        printf '.markdown-body td,.markdown-body th{border:1px solid #d0d7de;padding:6px 13px}'
        printf '.markdown-body code{background:#eff1f3;padding:.2em .4em;border-radius:6px}\n'
    fi
}

# --- the summaries -----------------------------------------------------------------------------
if [[ ! -x $BIN ]]; then
    cargo build --locked
    BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/promote-action
fi
mkdir -p "$WORK/tmp" "$WORK/raw"

# A clean environment, as a newcomer's shell or a runner step would give the binary.
clean_env=(env -i "PATH=$PATH" "TMPDIR=$WORK/tmp")

"${clean_env[@]}" GITHUB_STEP_SUMMARY="$WORK/raw/passing.md" "$BIN" demo >"$WORK/passing.log" \
    || { cat "$WORK/passing.log" >&2; exit 3; }
# A blocked run exits 1, which is the point here.
"${clean_env[@]}" GITHUB_STEP_SUMMARY="$WORK/raw/blocked.md" "$BIN" demo --failing \
    >"$WORK/blocked.log" || [[ $? == 1 ]] || { cat "$WORK/blocked.log" >&2; exit 3; }

"$BIN" simulator --port 0 >"$WORK/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 100); do
    grep -qs 'listening on' "$WORK/sim.log" && break
    sleep 0.1
done
SIM_URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/sim.log" | head -1 || true)
[[ -n $SIM_URL ]] || { echo "screenshots: the simulator did not start:" >&2; cat "$WORK/sim.log" >&2; exit 3; }

# action NAME INPUT=VALUE...: one run of the action against the simulator, its summary kept.
action() {
    local name=$1
    shift
    "${clean_env[@]}" \
        GITHUB_REPOSITORY=bookverse/inventory GITHUB_RUN_ID=4243 \
        GITHUB_SHA=0123456789abcdef0123456789abcdef01234567 GITHUB_SERVER_URL=https://github.com \
        GITHUB_API_URL=http://127.0.0.1:9 GITHUB_EVENT_NAME=workflow_dispatch GITHUB_ACTOR=octocat \
        GITHUB_WORKSPACE="$WORK/ws" RUNNER_TEMP="$WORK/tmp" \
        GITHUB_STEP_SUMMARY="$WORK/raw/$name.md" GITHUB_OUTPUT="$WORK/$name.output" \
        "INPUT_JFROG-URL=$SIM_URL" "INPUT_ACCESS-TOKEN=simulator-token" INPUT_PROJECT=bookverse \
        INPUT_APPLICATION=bookverse-inventory "INPUT_PROMOTION-TYPE=copy" INPUT_HOTFIX=false \
        INPUT_SUMMARY=true INPUT_POLICY=.github/promotion-policy.yml "$@" \
        "$BIN" >"$WORK/$name.log" 2>&1 || [[ $? == 1 ]] || { cat "$WORK/$name.log" >&2; exit 3; }
}

# The plan: 1.2.0 (in DEV, long enough for QA's bake time) to PROD with the demo's policy and
# reports, one security finding that would block STAGING. The policy's live gates ask the
# simulator's monitoring routes, as in the demo.
mkdir -p "$WORK/ws/.github/keys" "$WORK/ws/reports/junit"
# PROD's build provenance gate is left out: the simulator's seed does not give 1.2.0 the attested
# image (the demo does that in-process), and the plan is about STAGING's finding.
sed "s#http://127.0.0.1:8080#$SIM_URL#g" demo/promotion-policy.yml |
    awk '/^      - name: build provenance/ { skip = 1; next }
         skip && /^      - |^    [a-z]/ { skip = 0 }
         !skip' >"$WORK/ws/.github/promotion-policy.yml"
grep -q 'attestations:' "$WORK/ws/.github/promotion-policy.yml" &&
    { echo "screenshots: the build provenance gate is still in the plan's policy" >&2; exit 3; }
cp demo/keys/bookverse-ci.pub "$WORK/ws/.github/keys/"
cp demo/reports/junit/pytest.xml "$WORK/ws/reports/junit/"
cp demo/reports/coverage.xml demo/reports/bench.json demo/failing/bandit.sarif "$WORK/ws/reports/"
action plan INPUT_VERSION=1.2.0 INPUT_COMMAND=plan INPUT_TARGET-STAGE=PROD
# The rollback: 1.0.0 sits in PROD in the simulator's seed.
action rollback INPUT_VERSION=1.0.0 INPUT_COMMAND=rollback \
    "INPUT_REASON=INC-1234: checkout errors after the 1.0.0 release"
kill "$SIM_PID" 2>/dev/null || true
SIM_PID=""

# What changes from run to run, made constant: hop timings, the simulator's port, the record's
# temp dir and random suffix, the time of evidence the demo attaches while it runs, and how long
# the seeded version has been in DEV (the bake figure grows with the real clock), and the
# simulator's random evaluation ids.
# shellcheck disable=SC2016 # the backticks are markdown, not shell
for name in "${NAMES[@]}"; do
    sed -E \
        -e 's#\| ([0-9]+ ms|< 1 ms|[0-9]+\.[0-9] s) \|$#| 3 ms |#' \
        -e 's#http://127\.0\.0\.1:[0-9]+#http://127.0.0.1:8080#g' \
        -e 's#record `[^`]*/(promote-action-record-[^`]*)-[0-9a-f]{8}\.json`#record `\1.json`#' \
        -e 's#[0-9]+d( [0-9]+h)? in DEV#549d 4h in DEV#g' \
        -e 's#`eval-[0-9a-f]{16}`#`eval-5eed0a11c0ffee00`#g' \
        "$WORK/raw/$name.md" >"$WORK/$name.md"
done
# `demo --failing` attaches its failing test record while it runs: its time is the run's.
sed -E -i 's#\(created 20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\) decides#(created 2026-12-04T10:30:00.000Z) decides#' \
    "$WORK/blocked.md"


# --- render and shoot --------------------------------------------------------------------------
# Headless Chromium with everything that could reach the network off, its own profile, bounded.
chromium_run() {
    local profile
    profile=$(mktemp -d "$WORK/chromium.XXXX")
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$profile" "$@" 2>/dev/null
}

# render NAME PNG: the summary as GitHub shows it on a run page, screenshot to PNG.
render() {
    local name=$1 png=$2 html=$WORK/$1.html
    {
        printf '<!doctype html><html><head><meta charset="utf-8"><title>%s</title><style>\n' "$name"
        stylesheet
        # The job-summary pane of a run page: white card, GitHub's width and padding.
        printf '\nbody{background:#f6f8fa;margin:0;padding:24px}\n'
        printf '.markdown-body{box-sizing:border-box;max-width:1012px;margin:0 auto;padding:24px 32px;'
        printf 'background:#fff;border:1px solid #d0d7de;border-radius:6px}\n'
        printf '</style></head><body><article class="markdown-body">\n'
        # GitHub's renderer keeps the inline HTML it allows (<details>, <sub>); so does --unsafe.
        cmark-gfm --unsafe -e table -e strikethrough -e autolink -e tagfilter "$WORK/$name.md"
        printf '</article></body></html>\n'
    } >"$html"
    # Open every <details> so the picture shows what a reviewer sees after one click.
    sed -i 's/<details>/<details open>/g' "$html"
    # The picture is as tall as the page: one pass measures it (the page writes its height
    # into the DOM), the second shoots a window of that height.
    local height=${HEIGHT[$name]} measured
    sed 's#</body>#<script>document.body.dataset.h=Math.ceil(document.querySelector("article").getBoundingClientRect().bottom+24)</script></body>#' \
        "$html" >"$WORK/$name.measure.html"
    measured=$(chromium_run --window-size=1200,200 --dump-dom "file://$WORK/$name.measure.html" \
        | grep -o 'data-h="[0-9]*"' | grep -o '[0-9]*' || true)
    if [[ -n $measured ]] && ((measured > 100 && measured < 20000)); then height=$measured; fi
    rm -f "$png"
    chromium_run --screenshot="$png" --window-size="1200,$height" "file://$html" >/dev/null || true
    # A PNG starts with \x89PNG.
    [[ -s $png ]] && [[ $(head -c 4 "$png" | tail -c 3) == PNG ]]
}

if [[ $MODE == check ]]; then
    stale=()
    for name in "${NAMES[@]}"; do
        if ! diff -u "$SRC/summary-$name.md" "$WORK/$name.md"; then
            stale+=("summary-$name")
        fi
    done
    if ((${#stale[@]})); then
        echo "screenshots: ${stale[*]} no longer match(es) the binary's summary (diff above):" \
            "run \`bash scripts/screenshots.sh\` and commit docs/" >&2
        exit 1
    fi
    (cd docs && sha256sum --quiet -c screenshots/SHA256SUMS) || {
        echo "screenshots: docs/summary-*.png were not made from docs/screenshots/*.md:" \
            "run \`bash scripts/screenshots.sh\` and commit docs/" >&2
        exit 1
    }
    echo "screenshots: docs/screenshots/*.md match the binary's summaries; PNGs match them"
    if ! install_tools; then
        echo "::warning title=screenshots::could not install the renderer; the summaries themselves are checked above"
        exit 0
    fi
    for name in "${NAMES[@]}"; do
        if render "$name" "$WORK/$name.png" || render "$name" "$WORK/$name.png"; then
            echo "screenshots: rendered $name ($(stat -c %s "$WORK/$name.png") bytes)"
        else
            echo "::warning title=screenshots::headless Chromium did not render $name; the summaries themselves are checked above"
        fi
    done
    exit 0
fi

install_tools
mkdir -p "$SRC"
for name in "${NAMES[@]}"; do
    cp "$WORK/$name.md" "$SRC/summary-$name.md"
    render "$name" "$ROOT/docs/summary-$name.png" || render "$name" "$ROOT/docs/summary-$name.png" \
        || { echo "screenshots: Chromium did not render $name" >&2; exit 3; }
    echo "docs/summary-$name.png"
done
(cd docs && sha256sum screenshots/summary-*.md summary-*.png >screenshots/SHA256SUMS)
echo "docs/screenshots/SHA256SUMS"
