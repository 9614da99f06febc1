#!/usr/bin/env python3
"""Every example workflow grants each job what the action needs there.

A copied example must work: a job that runs bookverse/promote-action needs the GitHub
permissions of the features it turns on (inputs) and of the policy it reads (README
"Permissions each feature needs"):

  policy `emergency-stop`        issues: read     (else the stop fails closed: every run blocked)
  policy `checks` gates          checks: read
  policy `approvals`             actions: read
  input oidc-provider-name       id-token: write
  input check-run: true          checks: write
  input deployment: true         deployments: write
  input notify-issue: true       issues: write
  actions/checkout in the job    contents: read

The policy a step reads is its `policy` input, default .github/promotion-policy.yml, which the
examples ship as examples/promotion-policy.yml (another path: examples/<its file name>). Every
stage counts, `applications` included: a workflow may be asked for any stage. Only `promote`
and `plan` read the policy, and not with `to-version` (a rollback to a version, or its plan);
an input given as an expression (`${{ … }}`) counts as on. Every `promote` and `plan` also
reads what it changes (compare, pull requests): `contents: read`, `pull-requests: read`. A job
that calls a reusable workflow (`uses: ./.github/workflows/x.yml`, here examples/x.yml) must
grant what that workflow's jobs need, since a called workflow never gets more than its caller.

    scripts/check-example-permissions.py [WORKFLOW...]    (default: examples/*.yml)

Exit status 1 with one line per missing permission, 0 when there is none.
"""

import sys
from pathlib import Path

try:  # the lint venv has ruamel.yaml (YAML 1.2); a plain python3 usually has PyYAML
    from ruamel.yaml import YAML

    def load(text):
        return YAML(typ="safe", pure=True).load(text)

except ImportError:
    import yaml

    def load(text):
        return yaml.safe_load(text)


ROOT = Path(__file__).resolve().parent.parent
ACTION = "bookverse/promote-action@"
DEFAULT_POLICY = ".github/promotion-policy.yml"
LEVEL = {"none": 0, "read": 1, "write": 2}

# (input, how it turns on, scope, level, why)
INPUT_NEEDS = [
    ("oidc-provider-name", "non-empty", "id-token", "write", "input `oidc-provider-name` (OIDC)"),
    ("check-run", "true", "checks", "write", "input `check-run: true`"),
    ("deployment", "true", "deployments", "write", "input `deployment: true`"),
    ("notify-issue", "true", "issues", "write", "input `notify-issue: true`"),
]


def is_expression(value):
    return isinstance(value, str) and "${{" in value


def turned_on(value, how):
    if value is None:
        return False
    if is_expression(value):
        return True
    if how == "non-empty":
        return str(value).strip() != ""
    return str(value).strip().lower() == "true"


def policy_file(step_with):
    name = str(step_with.get("policy") or DEFAULT_POLICY)
    if is_expression(name) or name == DEFAULT_POLICY:
        return ROOT / "examples" / "promotion-policy.yml"
    return ROOT / "examples" / Path(name).name


def policy_needs(path):
    """(scope, level, why) for what the policy at `path` uses."""
    doc = load(path.read_text()) or {}
    rel = path.relative_to(ROOT)
    stages = list((doc.get("stages") or {}).values())
    for app in (doc.get("applications") or {}).values():
        stages += list(((app or {}).get("stages") or {}).values())
    stages = [s or {} for s in stages]
    needs = []
    if doc.get("emergency-stop"):
        needs.append(("issues", "read", f"`emergency-stop` in {rel}"))
    if any("checks" in (g or {}) for s in stages for g in (s.get("gates") or [])):
        needs.append(("checks", "read", f"`checks` gates in {rel}"))
    if any(s.get("approvals") for s in stages):
        needs.append(("actions", "read", f"`approvals` in {rel}"))
    return needs


def step_needs(step):
    step_with = step.get("with") or {}
    needs = []
    for name, how, scope, level, why in INPUT_NEEDS:
        if turned_on(step_with.get(name), how):
            needs.append((scope, level, why))
    command = step_with.get("command") or "promote"
    # With `to-version` the step rolls a stage back (or plans that): it judges no gates.
    rolls_back = bool(step_with.get("to-version")) and command != "promote"
    if not rolls_back and (is_expression(command) or command in ("promote", "plan")):
        path = policy_file(step_with)
        if not path.is_file():
            raise SystemExit(f"{path.relative_to(ROOT)}: policy of a workflow step not found")
        needs += policy_needs(path)
        # What the promotion changes: GitHub's compare and the commits' pull requests.
        needs.append(("contents", "read", "the change set (compare)"))
        needs.append(("pull-requests", "read", "the change set (merged pull requests)"))
    return needs


def job_needs(job):
    needs = []
    for step in job.get("steps") or []:
        uses = str(step.get("uses") or "")
        if uses.startswith(ACTION):
            needs += step_needs(step)
        elif uses.startswith("actions/checkout@"):
            needs.append(("contents", "read", "actions/checkout"))
    return needs


def workflow_needs(path):
    """What the jobs of a (called) workflow need, together."""
    doc = load(path.read_text()) or {}
    needs = []
    for job in (doc.get("jobs") or {}).values():
        needs += job_needs(job or {})
        needs += called_needs(job or {})
    return needs


def called_needs(job):
    uses = str(job.get("uses") or "")
    if not uses.startswith("./.github/workflows/"):
        return []
    called = ROOT / "examples" / Path(uses).name
    if not called.is_file():
        called = ROOT / uses
    return workflow_needs(called) if called.is_file() else []


def granted(perms, scope):
    if isinstance(perms, str):
        return {"write-all": 2, "read-all": 1}.get(perms, 0)
    if isinstance(perms, dict):
        return LEVEL.get(str(perms.get(scope, "none")), 0)
    return 0


def problems(path):
    doc = load(path.read_text()) or {}
    rel = path.relative_to(ROOT)
    out = []
    for job_id, job in (doc.get("jobs") or {}).items():
        job = job or {}
        perms = job.get("permissions", doc.get("permissions"))
        seen = set()
        for scope, level, why in job_needs(job) + called_needs(job):
            if granted(perms, scope) >= LEVEL[level] or (scope, level, why) in seen:
                continue
            seen.add((scope, level, why))
            out.append(f"{rel}: job `{job_id}` needs `permissions: {scope}: {level}` for {why}")
    return out


def main(argv):
    files = [Path(a).resolve() for a in argv] or sorted((ROOT / "examples").glob("*.yml"))
    workflows = [f for f in files if "jobs" in (load(f.read_text()) or {})]
    found = [p for f in workflows for p in problems(f)]
    for p in found:
        print(p)
    print(f"{len(workflows)} workflows checked, {len(found)} missing permission(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
