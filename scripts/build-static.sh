#!/usr/bin/env bash
# Build the fully static musl release binary of promote-action, smoke-test it
# and copy it to OUT_DIR. This is the build command of the action's image:
# the builder stage of `Dockerfile` runs it on the files it COPYs, and CI
# (scripts/clean-clone-build.sh) runs it on the same files taken from a fresh
# clone, so the two cannot drift apart.
#
# Usage: scripts/build-static.sh [OUT_DIR]     (default OUT_DIR: <repo>/dist)
#
# Writes OUT_DIR/promote-action and prints its path as the last line of
# stdout. Honours CARGO_TARGET_DIR (and any target-dir from cargo config)
# because the artifact location is asked from cargo, not assumed.
#
# Target: <arch>-unknown-linux-musl for the machine's arch (x86_64 or
# aarch64), so a build on an arm64 runner yields an image that runs there;
# MUSL_TARGET overrides it. Adds the rustup target when it is missing.
# Needs musl-gcc (Debian package musl-tools: ring, used by rustls, compiles C
# code for the target), file and jq.
set -euo pipefail

BIN=promote-action

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out_dir=${1:-"$repo_root/dist"}

log() { printf 'build-static: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

cd "$repo_root"

if [[ -z ${MUSL_TARGET:-} ]]; then
    case $(uname -m) in
        x86_64 | amd64) MUSL_TARGET=x86_64-unknown-linux-musl ;;
        aarch64 | arm64) MUSL_TARGET=aarch64-unknown-linux-musl ;;
        *) die "no musl target known for $(uname -m); set MUSL_TARGET" ;;
    esac
fi

# Fail early with an actionable message instead of a long cc-rs error.
command -v musl-gcc >/dev/null 2>&1 \
    || die "musl-gcc not found (ring needs it for $MUSL_TARGET): apt-get install musl-tools"
for tool in file jq; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found: apt-get install $tool"
done
if command -v rustup >/dev/null 2>&1; then
    if ! rustup target list --installed | grep -qx "$MUSL_TARGET"; then
        log "rustup target add $MUSL_TARGET"
        rustup target add "$MUSL_TARGET" >&2
    fi
fi

# --locked: the image must be built from exactly the committed Cargo.lock.
log "cargo build --release --locked --target $MUSL_TARGET"
cargo build --release --locked --target "$MUSL_TARGET" --bin "$BIN"

metadata=$(cargo metadata --format-version 1 --no-deps)
target_dir=$(jq -r .target_directory <<<"$metadata")
version=$(jq -r --arg n "$BIN" '.packages[] | select(.name == $n) | .version' <<<"$metadata")
artifact="$target_dir/$MUSL_TARGET/release/$BIN"
[[ -x $artifact ]] || die "expected artifact not found: $artifact"

# The image is FROM scratch: a dynamically linked binary would fail there
# with a confusing 'no such file or directory' for the missing loader.
file_out=$(file -b "$artifact")
case $file_out in
    *"statically linked"* | *"static-pie linked"*) ;;
    *) die "$artifact is not static: $file_out" ;;
esac

# Smoke test: the binary starts and reports the version of this source tree.
# The image's final stage repeats it in an empty root filesystem.
got=$("$artifact" --version) || die "$artifact --version failed"
[[ $got == "$BIN $version" ]] || die "$artifact --version printed '$got', expected '$BIN $version'"
log "smoke test: $got"

mkdir -p "$out_dir"
# cp to a temp name then rename, so a concurrent reader never sees half a file.
cp "$artifact" "$out_dir/.$BIN.tmp"
mv -f "$out_dir/.$BIN.tmp" "$out_dir/$BIN"

size=$(stat -c %s "$out_dir/$BIN")
log "static binary: $out_dir/$BIN ($size bytes; $file_out)"
printf '%s\n' "$out_dir/$BIN"
