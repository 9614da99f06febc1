#!/usr/bin/env bash
# Container contract test: build the image of Dockerfile.prebuilt (the final
# stage of the action's Dockerfile) around a static binary, then run the
# image's /promote-action the way GitHub's runner runs a container action
# (clean environment, INPUT_* and GITHUB_* variables, /github/* paths, file
# commands in /github/file_commands) against the embedded AppTrust simulator,
# and check exit codes, step outputs (parsed like the runner parses
# $GITHUB_OUTPUT), the job summary and the audit record.
#
#   scripts/container-contract.sh [BINARY]
#
# BINARY: the static binary to test; .ci/run passes the one
# scripts/clean-clone-build.sh built from a fresh clone with the Dockerfile's
# own build command, so CI tests the binary the image would contain and builds
# it once. Without it, this script runs clean-clone-build.sh itself.
#
# Needs no Docker daemon: podman builds with the vfs driver and chroot
# isolation, and the image is "run" by mounting a container's root
# filesystem and exec'ing the entrypoint in it with `unshare --root`
# (podman run needs a working OCI runtime with namespaces, which CI lacks).
# Loopback is shared with the host, so the containerised binary reaches the
# simulator that this script starts on 127.0.0.1.
#
# Needs: podman, file, jq, curl, python3, util-linux (unshare); without
# BINARY also what clean-clone-build.sh needs. .ci/run installs them.
#
# Exits non-zero if any check fails. Last lines: `SIZE: …` and
# `contract: N passed, M failed`.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

work=$(mktemp -d "${TMPDIR:-/tmp}/promote-action-contract.XXXXXX")
# A private podman storage root: leaves the machine's own podman state alone
# and cannot clash with a store created earlier with another graph driver.
PODMAN=(podman --root "$work/storage" --runroot "$work/run" --tmpdir "$work/tmp"
    --storage-driver vfs --cgroup-manager cgroupfs --events-backend file)
IMAGE="localhost/promote-action:contract-$$"
ACCESS_TOKEN=simulator-token
# Upper bound for one run of the binary in the container: a hang fails the
# check (exit 124) instead of eating CI's time.
RUN_TIMEOUT=120
GITHUB_TOKEN_FAKE=ghs_containercontractfaketoken0000
# Absolute paths: the container runs with `env -i`, so there is no PATH.
UNSHARE=$(command -v unshare)
ENV=$(command -v env)

ctr=""
mnt=""
sim_pid=""
passed=0
failed=0

log() { printf '[contract] %s\n' "$*"; }
pass() { passed=$((passed + 1)); printf '[contract] PASS %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf '[contract] FAIL %s\n' "$*"; }
die() { printf '[contract] ERROR %s\n' "$*" >&2; exit 1; }
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

cleanup() {
    local rc=$?
    set +e
    if [[ -n $sim_pid ]]; then
        kill "$sim_pid" 2>/dev/null
        wait "$sim_pid" 2>/dev/null
    fi
    if [[ -n $ctr ]]; then
        "${PODMAN[@]}" umount "$ctr" >/dev/null 2>&1
        "${PODMAN[@]}" rm -f "$ctr" >/dev/null 2>&1
    fi
    "${PODMAN[@]}" rmi -f "$IMAGE" >/dev/null 2>&1
    # Anything podman still holds (e.g. after an interrupted build).
    "${PODMAN[@]}" system reset --force >/dev/null 2>&1
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in podman file jq curl python3 timeout "$UNSHARE"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (.ci/run installs the prerequisites)"
done

# ---------------------------------------------------------------------------
# Runner-like $GITHUB_OUTPUT parser. Mimics actions/runner's file-command
# parsing: `NAME=VALUE` lines, or `NAME<<DELIM` followed by lines up to a line
# exactly equal to DELIM (value = those lines joined by "\n"; a missing
# delimiter is an error). Blank lines between entries are skipped, CRLF is
# accepted. Prints a JSON object {name: value} plus, under the key "\u0000forms",
# how each name was written, so the test can insist on heredoc delimiters.
cat >"$work/parse-github-file.py" <<'PY'
import json, sys

def parse(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [l[:-1] if l.endswith("\r") else l for l in lines]
    out, forms, i = {}, {}, 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line == "":
            continue
        eq, hd = line.find("="), line.find("<<")
        if eq >= 0 and (hd < 0 or eq < hd):
            name, value = line[:eq], line[eq + 1:]
            form = "plain"
        elif hd >= 0 and (eq < 0 or hd < eq):
            name, delim = line[:hd], line[hd + 2:]
            if not delim:
                sys.exit(f"{path}: empty heredoc delimiter for {name!r}")
            body = []
            while True:
                if i >= len(lines):
                    sys.exit(f"{path}: matching delimiter not found: {delim!r}")
                l = lines[i]
                i += 1
                if l == delim:
                    break
                body.append(l)
            value = "\n".join(body)
            form = "heredoc:" + delim
        else:
            sys.exit(f"{path}: invalid format line {i}: {line!r}")
        if not name:
            sys.exit(f"{path}: empty name at line {i}")
        out[name] = value
        forms[name] = form
    out["\u0000forms"] = forms
    return out

print(json.dumps(parse(sys.argv[1])))
PY

# ---------------------------------------------------------------------------
if [[ -n ${1:-} ]]; then
    binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
    [[ -x $binary ]] || die "not an executable: $1"
else
    log "no binary given: building one with scripts/clean-clone-build.sh"
    binary=$(bash scripts/clean-clone-build.sh "$work/bin" | tail -n 1)
    [[ -x $binary ]] || die "clean-clone-build.sh did not produce a binary"
fi
log "binary under test: $binary"
binary_size=$(stat -c %s "$binary")
crate_version=$(cargo metadata --format-version 1 --no-deps \
    | jq -r '.packages[] | select(.name == "promote-action") | .version')

# The build context is a directory holding the binary alone (see Dockerfile.prebuilt).
mkdir -p "$work/context"
cp "$binary" "$work/context/promote-action"
log "building image $IMAGE from Dockerfile.prebuilt (podman, vfs, chroot isolation)"
if ! "${PODMAN[@]}" build --isolation chroot --pull=never -f Dockerfile.prebuilt -t "$IMAGE" "$work/context" \
    >"$work/build.log" 2>&1; then
    cat "$work/build.log"
    die "podman build failed"
fi
cat "$work/build.log"
# The Dockerfile's RUN --version smoke test prints the version during build.
check "image build ran the --version smoke test" \
    grep -qx "promote-action $crate_version" "$work/build.log"

image_size_h=$("${PODMAN[@]}" images --format '{{.Size}}' "$IMAGE" | head -n 1)
image_size=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE")
entrypoint=$("${PODMAN[@]}" image inspect --format '{{json .Config.Entrypoint}}' "$IMAGE")
check "entrypoint is [\"/promote-action\"] (got $entrypoint)" \
    test "$entrypoint" = '["/promote-action"]'

ctr=$("${PODMAN[@]}" create "$IMAGE")
mnt=$("${PODMAN[@]}" mount "$ctr")
[[ -d $mnt ]] || die "podman mount gave no directory"

# Nothing but the binary: proves it needs no shell, CA bundle or zoneinfo.
check "image has no shell" test ! -e "$mnt/bin/sh"
check "image has no CA bundle" test ! -e "$mnt/etc/ssl"
check "image has no zoneinfo" test ! -e "$mnt/usr/share/zoneinfo"
check "binary in image is identical to the built one" cmp -s "$binary" "$mnt/promote-action"

# in_container ARGS...: the image's binary with an empty environment, cwd /.
in_container() {
    timeout "$RUN_TIMEOUT" "$ENV" -i "$UNSHARE" --root="$mnt" --wd=/ /promote-action "$@" </dev/null
}
check "--version in the container prints 'promote-action $crate_version'" \
    test "$(in_container --version 2>&1)" = "promote-action $crate_version"
help_rc=0
in_container --help >"$work/help.out" 2>&1 || help_rc=$?
check "--help in the container exits 0 (got $help_rc) and prints usage" \
    test "$help_rc" = 0 -a -s "$work/help.out"
# SPEC: `demo` needs no network and no credentials, so it must work in the
# bare image too. Checked once --help advertises it.
if grep -qw demo "$work/help.out"; then
    demo_rc=0
    in_container demo >"$work/demo.out" 2>&1 || demo_rc=$?
    sed 's/^/    demo| /' "$work/demo.out"
    check "demo in the container exits 0 (got $demo_rc) and prints a summary" \
        test "$demo_rc" = 0 -a -s "$work/demo.out"
else
    log "note: --help does not mention demo yet; demo check skipped"
fi

# The directories the runner bind-mounts into a container action.
mkdir -p "$mnt/github/workspace" "$mnt/github/file_commands" \
    "$mnt/github/runner_temp" "$mnt/github/home" "$mnt/github/workflow"
cat >"$mnt/github/workflow/event.json" <<'JSON'
{"inputs": {}, "ref": "refs/heads/main", "repository": {"full_name": "bookverse/inventory", "name": "inventory", "owner": {"login": "bookverse"}}, "sender": {"login": "octocat"}, "workflow": ".github/workflows/promote.yml"}
JSON

# Start the simulator from the host copy of the same binary.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log "starting simulator on 127.0.0.1:$port"
"$binary" simulator --port "$port" >"$work/simulator.log" 2>&1 &
sim_pid=$!
ready=""
for _ in $(seq 1 100); do
    if ! kill -0 "$sim_pid" 2>/dev/null; then
        cat "$work/simulator.log"
        die "simulator exited early"
    fi
    if curl -fsS -o /dev/null -H "Authorization: Bearer $ACCESS_TOKEN" \
        "http://127.0.0.1:$port/apptrust/api/v1/system/ping" 2>/dev/null; then
        ready=yes
        break
    fi
    sleep 0.1
done
[[ -n $ready ]] || { cat "$work/simulator.log"; die "simulator not ready after 10s"; }
pass "simulator answers ping"

# ---------------------------------------------------------------------------
# run_action NAME [INPUT=VALUE...]: runs the image's entrypoint like the runner
# does. Every declared input is set (the runner sets them all), to the
# action.yml default or "" ; the arguments override individual inputs.
# Results: $work/NAME.{stdout,stderr,rc,outputs.json}, container file paths in
# out_file/summary_file (host paths under $mnt).
run_action() {
    local name=$1
    shift
    local -A inputs=(
        [jfrog-url]="http://127.0.0.1:$port"
        [access-token]="$ACCESS_TOKEN"
        [oidc-provider-name]=""
        [oidc-audience]=""
        [project]="bookverse"
        [application]="bookverse-inventory"
        [version]="1.2.0"
        [command]="promote"
        [target-stage]=""
        [policy]=".github/promotion-policy.yml"
        [promotion-type]="copy"
        [hotfix]="false"
        [reason]=""
        [from-stage]=""
        [github-token]="$GITHUB_TOKEN_FAKE"
        [check-run]="false"
        [deployment]="false"
        [notify-issue]="false"
        [notify-webhook]=""
        [summary]="true"
    )
    local kv
    for kv in "$@"; do
        inputs[${kv%%=*}]=${kv#*=}
    done

    local id
    id=$(python3 -c 'import uuid; print(uuid.uuid4())')
    local c_out="/github/file_commands/set_output_$id"
    local c_sum="/github/file_commands/step_summary_$id"
    # The runner creates the file-command files before starting the action.
    : >"$mnt$c_out"
    : >"$mnt$c_sum"
    : >"$mnt/github/file_commands/set_env_$id"
    : >"$mnt/github/file_commands/add_path_$id"
    : >"$mnt/github/file_commands/save_state_$id"
    out_file="$mnt$c_out"
    summary_file="$mnt$c_sum"

    local -a envv=(
        HOME=/github/home
        CI=true
        GITHUB_ACTIONS=true
        GITHUB_WORKSPACE=/github/workspace
        RUNNER_TEMP=/github/runner_temp
        RUNNER_OS=Linux
        RUNNER_ARCH=X64
        RUNNER_NAME=contract-test
        GITHUB_OUTPUT="$c_out"
        GITHUB_STEP_SUMMARY="$c_sum"
        GITHUB_ENV="/github/file_commands/set_env_$id"
        GITHUB_PATH="/github/file_commands/add_path_$id"
        GITHUB_STATE="/github/file_commands/save_state_$id"
        GITHUB_EVENT_PATH=/github/workflow/event.json
        GITHUB_EVENT_NAME=workflow_dispatch
        GITHUB_REPOSITORY=bookverse/inventory
        GITHUB_REPOSITORY_OWNER=bookverse
        GITHUB_RUN_ID=4242424242
        GITHUB_RUN_NUMBER=7
        GITHUB_RUN_ATTEMPT=1
        GITHUB_SHA=0123456789abcdef0123456789abcdef01234567
        GITHUB_REF=refs/heads/main
        GITHUB_REF_NAME=main
        GITHUB_ACTOR=octocat
        GITHUB_TRIGGERING_ACTOR=octocat
        GITHUB_WORKFLOW=promote
        GITHUB_JOB=promote
        GITHUB_ACTION=promote
        # Unroutable on purpose: nothing in these runs may call GitHub.
        GITHUB_SERVER_URL=https://github.com
        GITHUB_API_URL=http://127.0.0.1:9
        GITHUB_GRAPHQL_URL=http://127.0.0.1:9/graphql
    )
    local k
    for k in "${!inputs[@]}"; do
        envv+=("INPUT_${k^^}=${inputs[$k]}")
    done

    local rc=0
    # cwd /github/workspace like the runner's `--workdir`.
    timeout "$RUN_TIMEOUT" "$ENV" -i "${envv[@]}" \
        "$UNSHARE" --root="$mnt" --wd=/github/workspace /promote-action \
        >"$work/$name.stdout" 2>"$work/$name.stderr" </dev/null || rc=$?
    echo "$rc" >"$work/$name.rc"
    log "case $name: exit $rc"
    sed 's/^/    stdout| /' "$work/$name.stdout"
    sed 's/^/    stderr| /' "$work/$name.stderr"
    if python3 "$work/parse-github-file.py" "$out_file" >"$work/$name.outputs.json" 2>"$work/$name.parse.err"; then
        pass "$name: \$GITHUB_OUTPUT parses like the runner parses it"
    else
        fail "$name: \$GITHUB_OUTPUT does not parse: $(cat "$work/$name.parse.err")"
        echo '{"\u0000forms": {}}' >"$work/$name.outputs.json"
    fi
    sed 's/^/    output| /' "$out_file"
}

# output NAME KEY: the parsed value (exit 1 if the key is absent).
output() {
    jq -e -r --arg k "$2" 'if has($k) then .[$k] else error("absent") end' \
        "$work/$1.outputs.json" 2>/dev/null
}
expect_rc() { check "$1: exit code $2 (got $(cat "$work/$1.rc"))" test "$(cat "$work/$1.rc")" = "$2"; }
expect_output() {
    local got
    got=$(output "$1" "$2") || got="<absent>"
    check "$1: output $2 = '$3' (got '$got')" test "$got" = "$3"
}
all_heredoc() {
    jq -e '.["\u0000forms"] | length > 0 and all(.[]; startswith("heredoc:"))' \
        "$work/$1.outputs.json" >/dev/null
}
gates_is_array() { output "$1" gates | jq -e 'type == "array"' >/dev/null; }
error_mentions() { cat "$work/$1.stdout" "$work/$1.stderr" | grep '^::error' | grep -qF -- "$2"; }
error_count() { cat "$work/$1.stdout" "$work/$1.stderr" | grep -c '^::error' || true; }
# A secret may appear only inside the ::add-mask:: command that masks it.
secret_kept() {
    local name=$1 secret=$2
    ! grep -F -- "$secret" "$work/$name.stdout" "$work/$name.stderr" | grep -v '::add-mask::' >/dev/null \
        && ! grep -qF -- "$secret" "$out_file" "$summary_file"
}

# --- case 1: promote with the runner's defaults: DEV -> QA ------------------
run_action promote
expect_rc promote 0
expect_output promote result promoted
expect_output promote version 1.2.0
expect_output promote from-stage bookverse-DEV
expect_output promote to-stage bookverse-QA
check "promote: outputs use heredoc delimiters" all_heredoc promote
check "promote: gates is a JSON array" gates_is_array promote
check "promote: no ::error annotation" test "$(error_count promote)" = 0
check "promote: job summary written" test -s "$summary_file"
check "promote: job summary names the version" grep -qF 1.2.0 "$summary_file"
record=$(output promote record) || record=""
# Inside the container the record output is relative to the workspace (later steps on the
# host run there); it must not be an absolute container path the host cannot open.
check "promote: record output '$record' is workspace-relative" test -n "$record" -a "${record#/}" = "$record"
record_file="$mnt/github/workspace/$record"
check "promote: audit record exists in the workspace" test -f "$record_file"
if [[ -f $record_file ]]; then
    check "promote: audit record is JSON" jq -e . "$record_file" >/dev/null
fi
check "promote: access token never leaks" secret_kept promote "$ACCESS_TOKEN"
check "promote: github token never leaks" secret_kept promote "$GITHUB_TOKEN_FAKE"

# --- case 2: every optional input "" (treated as unset): QA -> STAGING ------
run_action unset-inputs command= policy= promotion-type= hotfix= github-token= \
    check-run= deployment= notify-issue= summary= version=1.2.0
expect_rc unset-inputs 0
expect_output unset-inputs result promoted
expect_output unset-inputs from-stage bookverse-QA
expect_output unset-inputs to-stage bookverse-STAGING
check "unset-inputs: job summary written (summary defaults to true)" test -s "$summary_file"

# --- case 3: rejected token: remote error ---------------------------------
run_action wrong-token access-token=wrong-token-0000
expect_rc wrong-token 3
expect_output wrong-token result failed
check "wrong-token: exactly one ::error annotation (got $(error_count wrong-token))" \
    test "$(error_count wrong-token)" = 1
check "wrong-token: rejected token never leaks" secret_kept wrong-token wrong-token-0000

# --- case 4: invalid boolean: input error ---------------------------------
run_action bad-boolean hotfix=maybe
expect_rc bad-boolean 2
check "bad-boolean: exactly one ::error annotation (got $(error_count bad-boolean))" \
    test "$(error_count bad-boolean)" = 1
check "bad-boolean: the ::error names the input 'hotfix'" error_mentions bad-boolean hotfix
if got=$(output bad-boolean result); then
    check "bad-boolean: output result = 'failed' (got '$got')" test "$got" = failed
else
    log "note: bad-boolean wrote no result output (SPEC lists result=failed for input errors)"
fi

# ---------------------------------------------------------------------------
echo "SIZE: binary ${binary_size} bytes ($((binary_size / 1024)) KiB), image ${image_size} bytes (${image_size_h})"
echo "contract: ${passed} passed, ${failed} failed"
((failed == 0))
