#!/usr/bin/env python3
"""Checks the systemd units in deploy/ (run by ctest as unit_deploy_systemd_units).

For every deploy/*.service:
  - `systemd-analyze security --offline=true` rates it "OK" or better (exposure below 5.0);
  - the directives the sandbox relies on are present with their values (UMask=0077, an empty
    CapabilityBoundingSet=, PrivateDevices=, SystemCallFilter=@system-service,
    RestrictAddressFamilies=, NoNewPrivileges=);
and the streams' units let the stream's own shutdown watchdog act first: each TimeoutStopSec is
longer than stream.shutdown_timeout_s (deploy/config.production.yml, else the default in
src/config/config.hpp) plus kShutdownGrace (src/pipeline/stream/job_state.hpp).

Usage: check_systemd_units.py [SOURCE_DIR]   (default: the repository this file is in)
Exit 0 when every check holds; 1 listing each failure.
"""

import glob
import os
import re
import shutil
import subprocess
import sys

# systemd's rating of the overall exposure (0.0 .. 10.0): below 5.0 is "OK", "SAFE" or "PERFECT".
GOOD_ENOUGH = ("OK", "SAFE", "PERFECT")
MAX_EXPOSURE = 4.9

REQUIRED = {
    "UMask": lambda v: v == ["0077"],
    "CapabilityBoundingSet": lambda v: v == [""],
    "PrivateDevices": lambda v: v[-1:] in (["true"], ["yes"]),
    "NoNewPrivileges": lambda v: v[-1:] in (["true"], ["yes"]),
    "SystemCallFilter": lambda v: "@system-service" in v,
    "RestrictAddressFamilies": lambda v: len(v) > 0 and v[-1] != "" and "none" not in v,
}


def service_settings(path):
    """[Service] key -> list of values, in order (repeated keys kept)."""
    settings = {}
    section = None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                section = line
                continue
            if section != "[Service]" or "=" not in line:
                continue
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def seconds(value):
    """A systemd time span ("80", "80s", "1min 30s") in seconds."""
    units = {"": 1, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "ms": 0.001}
    total = 0.0
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", value):
        if unit not in units:
            raise ValueError(f"unknown time unit in {value!r}")
        total += float(number) * units[unit]
    return total


def exposure(unit_path):
    """(score, rating) from `systemd-analyze security --offline=true`."""
    # Offline mode reads the unit file as it is, without a running systemd (systemd >= 250).
    run = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", "--no-pager", unit_path],
        capture_output=True, text=True, check=False)
    text = run.stdout + run.stderr
    m = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?) (\w+)", text)
    if not m:
        raise RuntimeError(f"systemd-analyze security said no score for {unit_path}:\n{text}")
    return float(m.group(1)), m.group(2)


def shutdown_watchdog_seconds(source):
    """stream.shutdown_timeout_s of the production example (or the default) + kShutdownGrace."""
    with open(os.path.join(source, "src/pipeline/stream/job_state.hpp"), encoding="utf-8") as f:
        grace = re.search(r"kShutdownGrace\s*=\s*(\d+)s;", f.read())
    with open(os.path.join(source, "src/config/config_keys.cpp"), encoding="utf-8") as f:
        default = re.search(r'"shutdown_timeout_s",\s*&S::shutdown_timeout,\s*(\d+)s,', f.read())
    if not grace or not default:
        raise RuntimeError("cannot find kShutdownGrace or the default shutdown_timeout in src/")
    timeout = int(default.group(1))
    with open(os.path.join(source, "deploy/config.production.yml"), encoding="utf-8") as f:
        configured = re.search(r"^\s*shutdown_timeout_s:\s*(\d+)", f.read(), re.MULTILINE)
    if configured:
        timeout = int(configured.group(1))
    return timeout + int(grace.group(1))


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if shutil.which("systemd-analyze") is None:
        print("systemd-analyze is missing: run scripts/install-deps.sh", file=sys.stderr)
        return 1
    units = sorted(glob.glob(os.path.join(source, "deploy", "*.service")))
    if not units:
        print(f"no unit in {source}/deploy", file=sys.stderr)
        return 1
    failures = []
    for unit in units:
        name = os.path.basename(unit)
        settings = service_settings(unit)
        for key, ok in REQUIRED.items():
            if not ok(settings.get(key, [])):
                failures.append(f"{name}: {key}= is missing or wrong ({settings.get(key)})")
        score, rating = exposure(unit)
        print(f"{name}: exposure {score} {rating}")
        if rating not in GOOD_ENOUGH or score > MAX_EXPOSURE:
            failures.append(f"{name}: systemd-analyze security rates it {score} {rating}, "
                            f"not OK or better")
    watchdog = shutdown_watchdog_seconds(source)
    for name in ("walmart-etl-stream.service", "walmart-etl-stream-returns.service"):
        stop = service_settings(os.path.join(source, "deploy", name)).get("TimeoutStopSec", [])
        if not stop:
            failures.append(f"{name}: no TimeoutStopSec")
        elif seconds(stop[-1]) <= watchdog:
            failures.append(f"{name}: TimeoutStopSec={stop[-1]} is not longer "
                            f"than the stream's shutdown watchdog ({watchdog} s)")
        else:
            print(f"{name}: TimeoutStopSec={stop[-1]} > watchdog {watchdog} s")
    for f in failures:
        print("FAIL " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
