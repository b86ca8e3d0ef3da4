#!/usr/bin/env python3
"""Checks packaging/Dockerfile (run by ctest as unit_deploy_dockerfile).

This machine, like CI, cannot build images (no container registry to pull Debian 12 slim from), so
what the runtime image holds is checked in the file instead: the runtime stage is Debian 12 slim
with nothing but the walmart-etl package copied in and installed with apt (which brings exactly
its Depends: the libraries of the binary, checked by scripts/test-package.sh); it runs as the
non-root user the Kubernetes manifests run it as; its HEALTHCHECK asks /healthz; its entry point is
the binary the package installs; the build context leaves out build outputs and .local/ (the local
servers' data and passwords). And every manifest in deploy/kubernetes/ runs the same pinned image.

Usage: check_dockerfile.py [SOURCE_DIR]   (default: the repository this file is in)
Exit 0 when every check holds; 1 listing each failure.
"""

import glob
import os
import re
import sys

import yaml  # python3-yaml (scripts/install-deps.sh)

RUNTIME_BASE = ("debian:12-slim", "docker.io/library/debian:12-slim")
BUILD_TOOLS = re.compile(r"\b(build-essential|cmake|g\+\+|gcc|clang|git|[a-z0-9.+-]+-dev)\b")


def instructions(path):
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    result = []
    pending = ""
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            line = pending + line
            pending = ""
            word, _, rest = line.strip().partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def stages(instrs):
    """[(FROM arguments, [instructions of the stage])]."""
    out = []
    for word, rest in instrs:
        if word == "FROM":
            out.append((rest, []))
        elif out:
            out[-1][1].append((word, rest))
    return out


def check(source):
    failures = []
    dockerfile = os.path.join(source, "packaging", "Dockerfile")
    all_stages = stages(instructions(dockerfile))
    if len(all_stages) < 2:
        return ["packaging/Dockerfile: expected a build stage and a runtime stage"]
    base, runtime = all_stages[-1]
    image = base.split()[0]
    if image not in RUNTIME_BASE:
        failures.append(f"runtime stage is FROM {image}, not Debian 12 slim")
    user = None
    healthcheck = entrypoint = None
    for word, rest in runtime:
        if word in ("COPY", "ADD"):
            m = re.match(r"--from=\S+\s+(\S+)\s+\S+$", rest)
            if word == "ADD" or not m or not re.search(r"/walmart-etl_[^/]*\.deb$", m.group(1)):
                failures.append(f"runtime stage copies more than the package: {word} {rest}")
        elif word == "RUN":
            if "apt-get install" in rest and "walmart-etl_" not in rest:
                failures.append(f"runtime stage installs packages besides the .deb's: {rest}")
            tools = BUILD_TOOLS.findall(rest.replace("walmart-etl_", ""))
            if tools:
                failures.append(f"runtime stage installs build tools {tools}")
        elif word == "USER":
            user = rest.split(":")[0]
        elif word == "HEALTHCHECK":
            healthcheck = rest
        elif word == "ENTRYPOINT":
            entrypoint = rest
    if not any(w == "RUN" and "apt-get install" in r and "walmart-etl_" in r for w, r in runtime):
        failures.append("runtime stage does not install the walmart-etl package with apt-get")
    if user is None or user in ("0", "root") or not user.isdigit():
        failures.append(f"runtime stage runs as {user!r}, not a numeric non-root user")
    if not healthcheck or "/healthz" not in healthcheck:
        failures.append("no HEALTHCHECK on /healthz")
    if not entrypoint or "/usr/bin/walmart-etl" not in entrypoint:
        failures.append(f"ENTRYPOINT is not the package's /usr/bin/walmart-etl: {entrypoint}")

    ignore_path = os.path.join(source, ".dockerignore")
    ignored = []
    if os.path.exists(ignore_path):
        with open(ignore_path, encoding="utf-8") as f:
            ignored = [ln.strip().rstrip("/") for ln in f if ln.strip() and not ln.startswith("#")]
    for needed in (".local", "build"):
        if not any(p in (needed, needed + "*", "/" + needed) for p in ignored):
            failures.append(f".dockerignore does not leave out {needed}/")

    images = set()
    for path in sorted(glob.glob(os.path.join(source, "deploy", "kubernetes", "*.y*ml"))):
        with open(path, encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if not doc:
                    continue
                text = yaml.safe_dump(doc)
                images.update(re.findall(r"image: (\S+)", text))
                for uid in re.findall(r"runAsUser: (\d+)", text):
                    if user is not None and uid != user:
                        failures.append(f"{os.path.basename(path)} runs as {uid}, the image as "
                                        f"{user}")
    if len(images) != 1:
        failures.append(f"deploy/kubernetes/ names {len(images)} images, not one: {images}")
    print(f"runtime stage FROM {image}, user {user}, {len(runtime)} instruction(s); "
          f"manifests' image: {', '.join(sorted(images))}")
    return failures


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    failures = check(source)
    for f in failures:
        print("FAIL " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
