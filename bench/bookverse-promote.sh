#!/usr/bin/env bash
# The BookVerse-style promotion, condensed: what teams run today with bash, curl and jq
# (shape from BookVerse's promote-lib.sh: read the lifecycle and the version, then promote one
# stage at a time with async=false, re-reading the version after each hop, /release for PROD).
# No gates: it is the lower bound of what a shell script does. Used by bench/e2e.sh.
# Usage: bookverse-promote.sh JFROG_URL TOKEN PROJECT APP VERSION TARGET
set -euo pipefail
url=$1 token=$2 project=$3 app=$4 version=$5 target=$6
auth=(-H "Authorization: Bearer $token" -H "Accept: application/json")
api="$url/apptrust/api/v1/applications/$app/versions/$version"

stages=$(curl -fsS "${auth[@]}" "$url/access/api/v2/lifecycle?project_key=$project" |
  jq -r '.categories[] | select((.category|ascii_downcase) == "promote") | .stages[].name')
release=$(curl -fsS "${auth[@]}" "$url/access/api/v2/lifecycle?project_key=$project" | jq -r '.release_stage')
current=$(curl -fsS "${auth[@]}" "$api/content" | jq -r '.current_stage // ""')
status=$(curl -fsS "${auth[@]}" "$api/content" | jq -r '.status')
[ "$status" = COMPLETED ] || { echo "version $version is $status, not COMPLETED" >&2; exit 1; }

found_current=$([ -z "$current" ] && echo yes || echo no)
for stage in $stages; do
  if [ "$found_current" = no ]; then
    [ "$stage" = "$current" ] && found_current=yes
    continue
  fi
  if [ "$stage" = "$release" ]; then
    curl -fsS "${auth[@]}" -H "Content-Type: application/json" -X POST "$api/release?async=false" \
      -d '{"promotion_type":"copy"}' >/dev/null
  else
    curl -fsS "${auth[@]}" -H "Content-Type: application/json" -X POST "$api/promote?async=false" \
      -d "{\"target_stage\":\"$stage\",\"promotion_type\":\"copy\"}" >/dev/null
  fi
  now=$(curl -fsS "${auth[@]}" "$api/content" | jq -r '.current_stage')
  [ "$now" = "$stage" ] || { echo "promotion to $stage did not take effect (now $now)" >&2; exit 1; }
  echo "promoted to $stage"
  [ "${stage#"$project"-}" = "$target" ] || [ "$stage" = "$target" ] && break
done
