#!/usr/bin/env bash
# The whole benchmark (issue 9) in one command: report readers vs junitparser and jq
# (bench/readers.sh), then end to end, request counts and footprint vs bash/curl/jq
# (bench/e2e.sh), many runs at once, the evidence gate, and its memory and latency
# (bench/evidence-memory.sh), and on a real network (bench/latency.sh). Each builds in release mode and measures ours and the peer in the
# same run.
# Needs: cargo, python3 (venv), jq, curl, hyperfine, /usr/bin/time; about 20 minutes (the
# evidence memory part builds the revision before it too, and reads 30 GB over loopback).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
echo "## promote-action benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m))"
echo
echo "### Report readers"
bash "$here/readers.sh" | sed -n '/^| input/,$p'
echo
echo "### End to end and footprint"
bash "$here/e2e.sh" | sed -n '/^| figure/,$p'
echo
echo "### Many runs at once"
bash "$here/parallel.sh" | sed -n '/^| 20 processes/,$p'
echo
echo "### Evidence gate"
bash "$here/evidence.sh" | sed -n '/^| evidence gate/,$p'
echo
echo "### Evidence memory and latency"
bash "$here/evidence-memory.sh"
echo
echo "### On a real network"
bash "$here/latency.sh" | sed -n '/^| at /,$p'
