#!/usr/bin/env python3
"""Static checks of the action's Dockerfile for CI, which cannot pull its base image.

    dockerfile_check.py --context DIR [--dockerfile Dockerfile]
                        [--prebuilt Dockerfile.prebuilt] [--context-view FILE]

Checks, each failure a line naming the Dockerfile line and what to do:

  1. every COPY/ADD source taken from the build context (not `--from=` a stage or an
     image, not a URL) exists under DIR, a fresh clone of HEAD; a wildcard must match;
  2. the final stage copies the binary from a builder stage whose build command is
     `bash scripts/build-static.sh OUT`, and copies exactly OUT/promote-action, so the
     command CI runs is the one the image runs;
  3. the final stage equals Dockerfile.prebuilt (CI's fast image) instruction for
     instruction, except for where the binary is copied from.

With --context-view it writes a `FROM scratch` Dockerfile that replays the builder
stage's WORKDIR and context COPY/ADD instructions up to the build command: built with
podman from DIR (so .dockerignore applies as it does for the real build), its root holds
exactly the files the build command sees. Prints JSON {"workdir", "out_dir", "binary",
"sources"} on stdout; findings go to stderr. Exit 1 on findings, 2 on usage errors.

Supports the Dockerfile subset this repository uses: no heredocs, no variables in
paths, no ENV/ARG inside the builder stages (CI would not replay them).
"""

import argparse
import glob
import json
import os
import re
import sys

BINARY = "promote-action"
BUILD_SCRIPT = "scripts/build-static.sh"
BUILD_RUN = re.compile(r"^(?:bash\s+)?(?:\./)?scripts/build-static\.sh\s+(\S+)$")
# COPY/ADD flags that do not change which context files land where.
NEUTRAL_FLAGS = {"from", "chown", "chmod", "link"}


class Instruction:
    def __init__(self, line, keyword, args):
        self.line = line
        self.keyword = keyword
        self.args = args

    def flags_and_words(self):
        """(flags, words) of COPY/ADD: `--k=v` flags, then sources and destination."""
        text = self.args.strip()
        flags = {}
        while text.startswith("--"):
            flag, _, text = text.partition(" ")
            name, _, value = flag[2:].partition("=")
            flags[name] = value
            text = text.lstrip()
        if text.startswith("["):
            words = json.loads(text)
        else:
            words = text.split()
        return flags, words


class Stage:
    def __init__(self, index, base, name, line):
        self.index = index
        self.base = base
        self.name = name
        self.line = line
        self.instructions = []


def parse(path):
    """Logical instructions of a Dockerfile: comments dropped, continuations joined."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    escape = "\\"
    out, buf, start = [], [], 0
    directives_done = False
    for n, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if not directives_done:
            m = re.match(r"^#\s*escape\s*=\s*(\S)\s*$", stripped)
            if m:
                escape = m.group(1)
                continue
            if not re.match(r"^#\s*\w+\s*=", stripped):
                directives_done = True
        if stripped.startswith("#") or (not stripped and buf):
            continue
        if not stripped:
            continue
        if not buf:
            start = n
        if stripped.endswith(escape):
            buf.append(stripped[:-1])
            continue
        buf.append(stripped)
        text = " ".join(buf)
        buf = []
        keyword, _, args = text.partition(" ")
        out.append(Instruction(start, keyword.upper(), args.strip()))
    if buf:
        raise SystemExit(f"{path}:{start}: the last instruction ends with a line continuation")
    return out


def stages_of(path):
    stages = []
    for ins in parse(path):
        if ins.keyword == "FROM":
            words = [w for w in ins.args.split() if not w.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(Stage(len(stages), words[0], name, ins.line))
        elif stages:
            stages[-1].instructions.append(ins)
    return stages


def find_stage(stages, ref):
    for s in stages:
        if s.name == ref or str(s.index) == ref:
            return s
    return None


def is_remote(src):
    return re.match(r"^(https?://|git@|git://|ssh://)", src) is not None


class Checker:
    def __init__(self, dockerfile, context):
        self.dockerfile = dockerfile
        self.context = os.path.realpath(context)
        self.findings = []
        self.sources = []

    def finding(self, line, message):
        self.findings.append(f"{self.dockerfile}:{line}: {message}")

    def check_sources(self, stages):
        for stage in stages:
            for ins in stage.instructions:
                if ins.keyword not in ("COPY", "ADD"):
                    continue
                if "<<" in ins.args:
                    self.finding(ins.line, "heredocs are not supported by this check; copy files instead")
                    continue
                flags, words = ins.flags_and_words()
                if "from" in flags:
                    continue
                for flag in sorted(set(flags) - NEUTRAL_FLAGS):
                    self.finding(ins.line, f"{ins.keyword} --{flag} is not supported by this check")
                if len(words) < 2:
                    self.finding(ins.line, f"{ins.keyword} needs a source and a destination")
                    continue
                for src in words[:-1]:
                    if ins.keyword == "ADD" and is_remote(src):
                        continue
                    self.check_source(ins, src)

    def check_source(self, ins, src):
        if "$" in src:
            self.finding(ins.line, f"source {src!r} uses a variable; this check cannot resolve it")
            return
        path = os.path.normpath(os.path.join(self.context, src.lstrip("/")))
        if os.path.commonpath([path, self.context]) != self.context:
            self.finding(ins.line, f"source {src!r} is outside the build context")
            return
        if any(c in src for c in "*?["):
            matches = glob.glob(path)
            if not matches:
                self.finding(ins.line, f"source {src!r} matches nothing in a fresh clone of HEAD")
            self.sources.extend(os.path.relpath(m, self.context) for m in sorted(matches))
        elif not os.path.lexists(path):
            self.finding(
                ins.line,
                f"source {src!r} does not exist in a fresh clone of HEAD: commit it, "
                "or build it inside the image instead of copying it",
            )
        else:
            self.sources.append(os.path.relpath(path, self.context))

    def final_copy(self, final):
        """The final stage's COPY --from=STAGE SRC /promote-action: (stage ref, src, line)."""
        for ins in final.instructions:
            if ins.keyword != "COPY":
                continue
            flags, words = ins.flags_and_words()
            if len(words) == 2 and words[1] == f"/{BINARY}" and "from" in flags:
                return flags["from"], words[0], ins.line
        self.finding(final.line, f"the final stage has no `COPY --from=<builder> … /{BINARY}`")
        return None

    def builder_chain(self, stages, stage):
        """The stage and the earlier stages it is built FROM, outermost first."""
        chain = []
        while stage is not None:
            chain.insert(0, stage)
            stage = find_stage(stages[: stage.index], stage.base)
        return chain

    def build_command(self, chain):
        """(build RUN instruction, its OUT dir) of the builder chain."""
        for stage in chain:
            for ins in stage.instructions:
                if ins.keyword in ("ENV", "ARG"):
                    self.finding(ins.line, f"{ins.keyword} in a builder stage: CI would not replay it when it runs {BUILD_SCRIPT}")
                if ins.keyword == "RUN":
                    m = BUILD_RUN.match(ins.args)
                    if m:
                        return ins, m.group(1)
        self.finding(chain[-1].line, f"the builder stage does not run `bash {BUILD_SCRIPT} OUT_DIR`, the command CI runs")
        return None, None

    def context_view(self, chain, build_run):
        """`FROM scratch` + the chain's WORKDIR and context COPY/ADD before the build run."""
        lines = ["# Generated by scripts/dockerfile_check.py: the files the build command sees.", "FROM scratch"]
        workdir = "/"
        for stage in chain:
            for ins in stage.instructions:
                if ins is build_run:
                    return "\n".join(lines) + "\n", workdir
                if ins.keyword == "WORKDIR":
                    workdir = os.path.normpath(os.path.join(workdir, ins.args))
                    lines.append(f"WORKDIR {workdir}")
                elif ins.keyword in ("COPY", "ADD"):
                    flags, words = ins.flags_and_words()
                    if "from" in flags:
                        self.finding(ins.line, "COPY --from in the builder stage is not supported by this check")
                        continue
                    words = [w for w in words[:-1] if not is_remote(w)] + [words[-1]]
                    if len(words) >= 2:
                        lines.append(f"{ins.keyword} {json.dumps(words)}")
        return "\n".join(lines) + "\n", workdir

    def compare_with_prebuilt(self, final, prebuilt_path):
        stages = stages_of(prebuilt_path)
        if len(stages) != 1:
            self.finding(final.line, f"{prebuilt_path} must have exactly one stage (has {len(stages)})")
            return

        def normal(stage):
            out = [f"FROM {stage.base}"]
            for ins in stage.instructions:
                if ins.keyword == "COPY":
                    _, words = ins.flags_and_words()
                    if words and words[-1] == f"/{BINARY}":
                        out.append(f"COPY <binary> /{BINARY}")
                        continue
                out.append(f"{ins.keyword} {ins.args}")
            return out

        ours, theirs = normal(final), normal(stages[0])
        if ours != theirs:
            diff = [f"  {self.dockerfile}: {a!r}\n  {prebuilt_path}: {b!r}" for a, b in zip(ours, theirs) if a != b]
            if len(ours) != len(theirs):
                diff.append(f"  {len(ours)} instructions vs {len(theirs)}")
            self.finding(
                final.line,
                f"the final stage differs from {prebuilt_path} (CI tests that one); make them equal:\n"
                + "\n".join(diff),
            )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--context", required=True, help="build context: a fresh clone of HEAD")
    ap.add_argument("--dockerfile", default="Dockerfile", help="relative to the context")
    ap.add_argument("--prebuilt", default="Dockerfile.prebuilt", help="relative to the context")
    ap.add_argument("--context-view", help="write the context-view Dockerfile here")
    args = ap.parse_args()

    os.chdir(args.context)
    checker = Checker(args.dockerfile, ".")
    stages = stages_of(args.dockerfile)
    if not stages:
        raise SystemExit(f"{args.dockerfile}: no FROM instruction")
    checker.check_sources(stages)

    final = stages[-1]
    result = {"sources": checker.sources}
    copy = checker.final_copy(final)
    if copy is not None:
        ref, src, line = copy
        builder = find_stage(stages[:-1], ref)
        if builder is None:
            checker.finding(line, f"COPY --from={ref}: no earlier stage is named {ref!r}")
        else:
            chain = checker.builder_chain(stages, builder)
            build_run, out_dir = checker.build_command(chain)
            if build_run is not None:
                if os.path.normpath(src) != os.path.normpath(f"{out_dir}/{BINARY}"):
                    checker.finding(line, f"copies {src!r} but the build command writes {out_dir}/{BINARY}")
                view, workdir = checker.context_view(chain, build_run)
                result.update(workdir=workdir, out_dir=out_dir, binary=f"{out_dir}/{BINARY}")
                if args.context_view:
                    with open(args.context_view, "w", encoding="utf-8") as f:
                        f.write(view)
    checker.compare_with_prebuilt(final, args.prebuilt)

    for f in checker.findings:
        print(f"dockerfile-check: {f}", file=sys.stderr)
    print(json.dumps(result))
    return 1 if checker.findings else 0


if __name__ == "__main__":
    sys.exit(main())
