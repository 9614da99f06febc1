#!/usr/bin/env bash
# The least a bash script does to read an application version's evidence, without verifying
# anything: the AQL for the manifest, every GraphQL page, every file — one request after
# another, as curl + jq do it. The peer of bench/evidence.sh and bench/latency.sh.
# Usage: evidence-peer.sh JFROG_URL   (simulator token, bookverse-inventory 1.2.0)
set -euo pipefail
url=$1
auth=(-H "Authorization: Bearer simulator-token")
curl -fsS "${auth[@]}" -H 'Content-Type: text/plain' -X POST "$url/artifactory/api/search/aql" \
  -d 'items.find({"repo":"bookverse-application-versions","path":"bookverse-inventory/1.2.0","name":"release-bundle.json.evd"}).include("repo","path","name","sha256")' \
  | jq -er '.results[0].sha256' >/dev/null
after=""
for _ in $(seq 100); do
  q="{ evidence { searchEvidence(where: { hasSubjectWith: { repositoryKey: \"bookverse-application-versions\", path: \"bookverse-inventory/1.2.0\", name: \"release-bundle.json.evd\" } }, first: 100${after}) { totalCount edges { cursor node { downloadPath } } } } }"
  page=$(jq -n --arg q "$q" '{query: $q}' | curl -fsS "${auth[@]}" -H 'Content-Type: application/json' -X POST "$url/onemodel/api/v1/graphql" -d @-)
  n=$(jq '.data.evidence.searchEvidence.edges | length' <<<"$page")
  [ "$n" -gt 0 ] || break
  jq -r '.data.evidence.searchEvidence.edges[].node.downloadPath' <<<"$page" | while read -r p; do
    curl -fsS "${auth[@]}" "$url/artifactory/$p" -o /dev/null
  done
  cursor=$(jq -r '.data.evidence.searchEvidence.edges[-1].cursor' <<<"$page")
  after=", after: \"$cursor\""
  [ "$n" -eq 100 ] || break
done
