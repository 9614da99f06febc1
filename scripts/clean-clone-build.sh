#!/usr/bin/env bash
# Clean-clone image build check: proves, without pulling the base image, that
# the `Dockerfile` action.yml names builds from the repository at HEAD with
# nothing prebuilt, which is what a runner does for
# `uses: bookverse/promote-action@<branch or SHA>`.
#
#   scripts/clean-clone-build.sh OUT_DIR
#
#   1. fetches HEAD into an empty repository (a fresh clone: nothing
#      untracked, ignored or uncommitted comes along);
#   2. scripts/dockerfile_check.py on that clone: every COPY/ADD source from
#      the build context exists, the builder stage runs
#      `bash scripts/build-static.sh OUT` and the final stage copies its
#      output, and the final stage equals Dockerfile.prebuilt;
#   3. builds, with podman from the clone (so .dockerignore applies), a
#      `FROM scratch` image replaying the builder stage's WORKDIR and COPY
#      instructions: its root is exactly the tree the builder sees;
#   4. runs the builder's command, scripts/build-static.sh, in that tree with
#      this machine's toolchain (release, --locked, static musl, --version
#      smoke test) and writes the binary to OUT_DIR.
#
# The binary is the one CI contract-tests (scripts/container-contract.sh
# OUT_DIR/promote-action), so the release build runs once per CI run. What
# this cannot prove: that the base image tag exists and that its apt packages
# install; the release workflow's `docker build` covers those.
#
# Uses CARGO_TARGET_DIR when set, else <repo>/target, so a re-run reuses the
# compiled dependencies. Needs git, python3, podman, jq and what
# build-static.sh needs. Last line of stdout: the binary's path.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ $# == 1 ]] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
mkdir -p "$1"
out_dir=$(cd "$1" && pwd)

log() { printf '[clean-clone] %s\n' "$*" >&2; }
die() { printf '[clean-clone] ERROR %s\n' "$*" >&2; exit 1; }

for tool in git python3 podman jq; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (.ci/run installs the prerequisites)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/promote-action-clean-clone.XXXXXX")
# A private podman store, as in container-contract.sh.
PODMAN=(podman --root "$work/storage" --runroot "$work/run" --tmpdir "$work/tmp"
    --storage-driver vfs --cgroup-manager cgroupfs --events-backend file)
IMAGE="localhost/promote-action:context-view-$$"
mounted=""

cleanup() {
    local rc=$?
    set +e
    if [[ -n $mounted ]]; then "${PODMAN[@]}" image unmount "$IMAGE" >/dev/null 2>&1; fi
    "${PODMAN[@]}" rmi -f "$IMAGE" >/dev/null 2>&1
    "${PODMAN[@]}" system reset --force >/dev/null 2>&1
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. a fresh clone of HEAD -------------------------------------------------------------
head=$(git -C "$repo_root" rev-parse HEAD)
if [[ -n $(git -C "$repo_root" status --porcelain) ]]; then
    log "note: the working tree has changes; they are not checked (this builds HEAD $head)"
fi
clone=$work/clone
git init -q "$clone"
# file:// and --depth 1 work from a shallow CI checkout, a detached HEAD and a worktree alike.
git -C "$clone" fetch -q --depth 1 "file://$repo_root" HEAD
git -C "$clone" checkout -q --detach FETCH_HEAD
[[ $(git -C "$clone" rev-parse HEAD) == "$head" ]] || die "the clone is not at HEAD $head"
log "fresh clone of HEAD $head: $(git -C "$clone" ls-files | wc -l) files"

# --- 2. static checks of the Dockerfile ---------------------------------------------------
view=$work/context-view.Dockerfile
if ! python3 "$clone/scripts/dockerfile_check.py" --context "$clone" --context-view "$view" >"$work/check.json"; then
    die "Dockerfile check failed (findings above)"
fi
workdir=$(jq -r .workdir "$work/check.json")
log "Dockerfile: context sources $(jq -c .sources "$work/check.json") exist; the builder runs scripts/build-static.sh $(jq -r .out_dir "$work/check.json") in $workdir; final stage = Dockerfile.prebuilt"

# --- 3. the builder's view of the context --------------------------------------------------
log "builder context view (podman, FROM scratch, the clone's .dockerignore applies):"
sed 's/^/    view| /' "$view" >&2
if ! "${PODMAN[@]}" build --isolation chroot --pull=never -f "$view" -t "$IMAGE" "$clone" >"$work/view-build.log" 2>&1; then
    cat "$work/view-build.log" >&2
    die "the builder stage's COPY instructions fail on a fresh clone (is a source missing or excluded by .dockerignore?)"
fi
mnt=$("${PODMAN[@]}" image mount "$IMAGE")
mounted=yes
[[ -d $mnt$workdir ]] || die "the context view has no $workdir"
src=$work/builder-src
mkdir -p "$src"
cp -a "$mnt$workdir/." "$src/"
"${PODMAN[@]}" image unmount "$IMAGE" >/dev/null
mounted=""
log "the builder sees $(find "$src" -type f | wc -l) files in $workdir"

# --- 4. the builder's command --------------------------------------------------------------
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo_root/target}
log "running the builder's command in that tree: bash scripts/build-static.sh $out_dir (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
build_start=$SECONDS
binary=$(cd "$src" && bash scripts/build-static.sh "$out_dir" | tail -n 1)
[[ -x $binary ]] || die "build-static.sh produced no binary"
log "built in $((SECONDS - build_start))s: $binary"
printf '%s\n' "$binary"
