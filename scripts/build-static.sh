#!/usr/bin/env bash
# Build the fully static musl release binary of promote-action and copy it
# into a build directory that the container Dockerfile COPYs from.
#
# Usage: scripts/build-static.sh [OUT_DIR]     (default OUT_DIR: <repo>/dist)
#
# Writes OUT_DIR/promote-action and prints its path as the last line of
# stdout. Honours CARGO_TARGET_DIR (and any target-dir from cargo config)
# because the artifact location is asked from cargo, not assumed.
#
# Needs: the rustup target x86_64-unknown-linux-musl and musl-gcc (Debian
# package musl-tools): ring, used by rustls, compiles C code for the target.
set -euo pipefail

TARGET=x86_64-unknown-linux-musl
BIN=promote-action

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out_dir=${1:-"$repo_root/dist"}

log() { printf 'build-static: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

cd "$repo_root"

# Fail early with an actionable message instead of a long cc-rs error.
if command -v rustup >/dev/null 2>&1; then
    if ! rustup target list --installed | grep -qx "$TARGET"; then
        die "rust target $TARGET is missing: rustup target add $TARGET"
    fi
fi
command -v musl-gcc >/dev/null 2>&1 \
    || die "musl-gcc not found (ring needs it for $TARGET): apt-get install musl-tools"
command -v jq >/dev/null 2>&1 || die "jq not found: apt-get install jq"

# --locked: the image must be built from exactly the committed Cargo.lock.
log "cargo build --release --locked --target $TARGET"
cargo build --release --locked --target "$TARGET" --bin "$BIN"

target_dir=$(cargo metadata --format-version 1 --no-deps | jq -r .target_directory)
artifact="$target_dir/$TARGET/release/$BIN"
[[ -x $artifact ]] || die "expected artifact not found: $artifact"

# The image is FROM scratch: a dynamically linked binary would fail there
# with a confusing 'no such file or directory' for the missing loader.
file_out=$(file -b "$artifact")
case $file_out in
    *"statically linked"* | *"static-pie linked"*) ;;
    *) die "$artifact is not static: $file_out" ;;
esac

mkdir -p "$out_dir"
# cp to a temp name then rename, so a concurrent reader never sees half a file.
cp "$artifact" "$out_dir/.$BIN.tmp"
mv -f "$out_dir/.$BIN.tmp" "$out_dir/$BIN"

size=$(stat -c %s "$out_dir/$BIN")
log "static binary: $out_dir/$BIN ($size bytes; $file_out)"
printf '%s\n' "$out_dir/$BIN"
