#!/usr/bin/env bash
# Times offline Sigstore bundle verification (src/sigstore) on 1,000 bundles, one artifact each,
# against a peer verifying the same files in the same run. Median of RUNS runs (default 5).
#
# The peer: the issue asks for `gh attestation verify --bundle … --custom-trusted-root …`, but
# Debian's gh is 2.23.0, which predates the `attestation` command (gh 2.49), so the peer is the
# `verify_bundle` example of sigstore-verify itself (the crate we build on, 0.15.1 from
# crates.io, with its default aws-lc backend), built from the crate source cargo downloaded. That example verifies one bundle per process and only instances with a
# transparency log, so the 1,000 bundles are copies of a real public-good SLSA provenance bundle
# (tests/fixtures/sigstore/reusable-workflow-attestation.sigstore.json), each verified with the
# signer identity and issuer pinned.
#
# Ours is measured twice: as the gate runs it (one process, all 1,000: `--manifest`) and like
# the peer (one process per bundle). A GitHub-instance run (RFC 3161 timestamps, no peer that
# can verify those offline here) is printed for information.
#
# Usage: [PEER_TARGET=DIR] bench/attestations.sh [RUNS]   Needs cargo, python3; release builds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
COUNT=1000
FIX="$ROOT/tests/fixtures/sigstore"
PG_BUNDLE="$FIX/reusable-workflow-attestation.sigstore.json"
PG_SHA=49a3aa6075e0f49f82843e74b5baa614ad2a588e6675612bf108a0a008c5ac25
PG_SAN=https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d
GH_BUNDLE="$FIX/artifact-attestations-opa-provider.sigstore.json"
GH_SHA=d57f9212097b86c8d75158ea1d974721e7c6f8c33bd77838b242c8f6a2d21813
ISSUER=https://token.actions.githubusercontent.com

WORK="$(mktemp -d /tmp/bench-attestations.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

metadata() { (cd "$ROOT" && cargo metadata --format-version 1 "$@"); }
echo "building our verify_bundle example (release)…" >&2
(cd "$ROOT" && cargo build --quiet --release --locked --example verify_bundle)
TARGET="$(metadata --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
OURS="$TARGET/release/examples/verify_bundle"

# The crate sources cargo resolved for our Cargo.lock (downloaded by the build above).
crate_dir() {
  metadata --locked | python3 -c '
import json, os, sys
name = sys.argv[1]
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == name:
        print(os.path.dirname(p["manifest_path"])); break' "$1"
}
ROOT_JSON="$(crate_dir sigstore-trust-root)/src/trusted_root.json"

# gh is the peer the issue names, but Debian's gh (2.23.0) has no `attestation` command; say so
# and use the crate's own example, which verifies with the same checks and the aws-lc backend.
if command -v gh >/dev/null && gh attestation --help >/dev/null 2>&1; then
  echo "note: $(gh --version | head -1) has \`attestation\`, but it needs the artifact file;" \
    "this script compares with sigstore-verify's example instead" >&2
else
  echo "gh attestation: not available ($(gh --version 2>/dev/null | head -1 || echo 'gh not installed'))" >&2
fi
echo "building sigstore-verify's own verify_bundle example (release, from the crate cargo fetched)…" >&2
cp -r "$(crate_dir sigstore-verify)" "$WORK/sigstore-verify"
PEER_TARGET="${PEER_TARGET:-$WORK/peer-target}"   # set it to keep the peer's build between runs
(cd "$WORK/sigstore-verify" && CARGO_TARGET_DIR="$PEER_TARGET" \
  cargo build --quiet --release --example verify_bundle)
PEER="$PEER_TARGET/release/examples/verify_bundle"
PEER_KIND="sigstore-verify 0.15.1"

echo "writing $COUNT bundles…" >&2
mkdir -p "$WORK/pg" "$WORK/gh"
: >"$WORK/pg.manifest"
: >"$WORK/gh.manifest"
for i in $(seq -w 1 "$COUNT"); do
  cp "$PG_BUNDLE" "$WORK/pg/$i.sigstore.json"
  cp "$GH_BUNDLE" "$WORK/gh/$i.sigstore.json"
  echo "$PG_SHA $WORK/pg/$i.sigstore.json" >>"$WORK/pg.manifest"
  echo "$GH_SHA $WORK/gh/$i.sigstore.json" >>"$WORK/gh.manifest"
done

ours_manifest() {
  "$OURS" --signer-workflow "${PG_SAN#https://github.com/}" --predicate-type https://slsa.dev/provenance/v1 \
    --manifest "$WORK/pg.manifest" >"$WORK/out" && tail -1 "$WORK/out" | grep -q "verified $COUNT of $COUNT"
}
ours_each() {
  local f
  for f in "$WORK"/pg/*.sigstore.json; do
    "$OURS" --signer-workflow "${PG_SAN#https://github.com/}" "$PG_SHA" "$f" >/dev/null
  done
}
peer_each() {
  local f
  for f in "$WORK"/pg/*.sigstore.json; do
    "$PEER" --trusted-root "$ROOT_JSON" --certificate-identity "$PG_SAN" \
      --certificate-oidc-issuer "$ISSUER" "sha256:$PG_SHA" "$f" >/dev/null
  done
}
ours_github() {
  "$OURS" --owner github --manifest "$WORK/gh.manifest" >"$WORK/out" \
    && tail -1 "$WORK/out" | grep -q "verified $COUNT of $COUNT"
}
# median_seconds NAME FUNCTION: RUNS wall-clock runs, prints the median in seconds.
median_seconds() {
  local times=() i start end
  for ((i = 0; i < RUNS; i++)); do
    start=$(date +%s.%N)
    "$2" || { echo "$1 failed" >&2; exit 1; }
    end=$(date +%s.%N)
    times+=("$(python3 -c "print($end - $start)")")
  done
  printf '%s\n' "${times[@]}" | python3 -c 'import statistics,sys; print(f"{statistics.median(float(l) for l in sys.stdin):.3f}")'
}

echo "timing ($RUNS runs each)…" >&2
t_manifest=$(median_seconds "ours --manifest" ours_manifest)
t_each=$(median_seconds "ours per bundle" ours_each)
t_peer=$(median_seconds "$PEER_KIND per bundle" peer_each)
t_github=$(median_seconds "ours GitHub instance" ours_github)

ratio() { python3 -c "print(f'{$1 / $2:.1f}x')"; }
cat <<EOF

Verifying $COUNT Sigstore bundles offline (one artifact each), median of $RUNS runs, $(nproc) cores

| verifier | how | seconds | speed-up over the peer |
| --- | --- | --- | --- |
| promote-action (src/sigstore) | one process, all $COUNT (the gate's case) | $t_manifest | $(ratio "$t_peer" "$t_manifest") |
| promote-action (src/sigstore) | one process per bundle | $t_each | $(ratio "$t_peer" "$t_each") |
| $PEER_KIND verify_bundle example | one process per bundle | $t_peer | 1.0x |
| promote-action, GitHub instance (RFC 3161) | one process, all $COUNT | $t_github | (no offline peer) |
EOF
