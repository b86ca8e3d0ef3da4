#!/usr/bin/env python3
"""Checks the Kubernetes manifests in deploy/kubernetes/ (run by ctest as
unit_deploy_kubernetes) and the production config example.

Every pod template (of a Deployment, StatefulSet, DaemonSet, Job or CronJob) must:
  - not mount a service-account token (automountServiceAccountToken: false);
  - run as non-root with the runtime's default seccomp profile (pod or container level);
  - give every container (init containers too) a securityContext with
    allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities.drop [ALL],
    and not privileged;
  - name every image with a pinned tag or a digest, never :latest or no tag.
deploy/config.production.yml must bind the stream's /metrics to loopback, or say why not in a
comment next to stream.metrics_bind.

Usage: check_kubernetes.py [SOURCE_DIR]   (default: the repository this file is in)
Exit 0 when every check holds; 1 listing each failure.
"""

import glob
import os
import re
import sys

import yaml  # python3-yaml (scripts/install-deps.sh)


def pod_specs(doc):
    """(where, pod spec) of every pod template in one manifest document."""
    kind = doc.get("kind", "")
    name = f"{kind}/{doc.get('metadata', {}).get('name', '?')}"
    spec = doc.get("spec", {}) or {}
    if kind == "Pod":
        yield name, spec
    elif kind == "CronJob":
        yield name, spec["jobTemplate"]["spec"]["template"]["spec"]
    elif kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        yield name, spec["template"]["spec"]


def image_pinned(image):
    if "@sha256:" in image:
        return True
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return False
    tag = last.split(":", 1)[1]
    return tag != "" and tag != "latest"


def check_pod(where, pod):
    failures = []
    pod_sc = pod.get("securityContext", {}) or {}
    if pod.get("automountServiceAccountToken") is not False:
        failures.append(f"{where}: automountServiceAccountToken is not false")
    containers = list(pod.get("containers", [])) + list(pod.get("initContainers", []) or [])
    if not containers:
        failures.append(f"{where}: no container")
    for c in containers:
        at = f"{where} container {c.get('name', '?')}"
        sc = c.get("securityContext", {}) or {}

        def either(key):
            return sc.get(key, pod_sc.get(key))

        if either("runAsNonRoot") is not True:
            failures.append(f"{at}: runAsNonRoot is not true")
        if either("runAsUser") == 0:
            failures.append(f"{at}: runAsUser is 0")
        seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            failures.append(f"{at}: seccompProfile is not RuntimeDefault ({seccomp})")
        if sc.get("allowPrivilegeEscalation") is not False:
            failures.append(f"{at}: allowPrivilegeEscalation is not false")
        if sc.get("readOnlyRootFilesystem") is not True:
            failures.append(f"{at}: readOnlyRootFilesystem is not true")
        if sc.get("privileged") is True:
            failures.append(f"{at}: privileged")
        drop = [d.upper() for d in (sc.get("capabilities", {}) or {}).get("drop", []) or []]
        if "ALL" not in drop:
            failures.append(f"{at}: capabilities are not dropped (drop: [ALL])")
        if (sc.get("capabilities", {}) or {}).get("add"):
            failures.append(f"{at}: adds capabilities")
        image = c.get("image", "")
        if not image_pinned(image):
            failures.append(f"{at}: image {image!r} is not pinned (a release tag or a digest)")
    return failures


def check_metrics_bind(path):
    """The production example binds /metrics to loopback, or a comment says why not."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"\s*metrics_bind:\s*(\S+)", line)
        if not m:
            continue
        bind = m.group(1).strip("'\"")
        if bind in ("127.0.0.1", "::1", "localhost"):
            return []
        around = " ".join(lines[max(0, i - 4):i + 2])
        if "#" in around and "why" in around.lower():
            return []
        return [f"{os.path.basename(path)}: metrics_bind {bind} is not loopback and no comment "
                f"says why"]
    return []  # not set: the default is 127.0.0.1


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    manifests = sorted(glob.glob(os.path.join(source, "deploy", "kubernetes", "*.y*ml")))
    if not manifests:
        print(f"no manifest in {source}/deploy/kubernetes", file=sys.stderr)
        return 1
    failures = []
    pods = 0
    for path in manifests:
        with open(path, encoding="utf-8") as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        for doc in docs:
            for where, pod in pod_specs(doc):
                pods += 1
                failures += [f"{os.path.basename(path)}: {x}" for x in check_pod(where, pod)]
    if pods == 0:
        failures.append("no pod template found in deploy/kubernetes")
    failures += check_metrics_bind(os.path.join(source, "deploy", "config.production.yml"))
    print(f"{len(manifests)} manifest(s), {pods} pod template(s) checked")
    for f in failures:
        print("FAIL " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
