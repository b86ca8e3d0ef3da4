#!/usr/bin/env bash
# Every repository path named in the documentation (docs/, README.md, fuzz/README.md) and in the
# comments of the sources (C++ `//`, shell / CMake / YAML `#`) must exist. A path is a token that
# starts with a top-level folder (src/, tests/, docs/, ...) or with a folder of src/ (pipeline/,
# walmart/, ...: looked up under src/, tools/, tests/* and the top level). Globs (`sql/*.sql`),
# placeholders (`tests/unit/<module>/`), a file named without its extension (`fetch_job.` for
# fetch_job.cpp/.hpp) and line numbers (`fetch_job.cpp:216`) are understood. A C++ file named
# alone (`poll.cpp`) must be the name of some file. Prints file:line and the missing path for
# each, exits 1 if any. Takes a few seconds.
#
#   scripts/check-paths.sh
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'EOF'
import glob
import os
import re
import subprocess
import sys

TOP = ("src", "tests", "docs", "scripts", "tools", "sql", "config", "deploy", "packaging",
       "bench", "cmake", "fuzz")
# Folders of src/ that comments and docs name without the src/ prefix.
SRC = tuple(d for d in sorted(os.listdir("src")) if os.path.isdir(os.path.join("src", d)))
PREFIXES = TOP + tuple(d for d in SRC if d not in TOP)
TOKEN = re.compile(r"(?<![A-Za-z0-9_./@~$<-])((?:%s)/[A-Za-z0-9_./*<>{},@-]*)" %
                   "|".join(re.escape(p) for p in PREFIXES))
# A C++ file named alone ("poll.cpp", "job_state.hpp"): some file of the repository has that name.
BARE = re.compile(r"(?<![A-Za-z0-9_./@~$<-])([A-Za-z0-9_]+\.(?:cpp|hpp))(?![A-Za-z0-9_])")

def tracked(patterns):
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                          "--", *patterns], check=True, capture_output=True).stdout.decode()
    return [f for f in out.split("\0") if f]

SRC_BASES = ["", "src/", "tools/"] + sorted(d + "/" for d in glob.glob("tests/*")
                                            if os.path.isdir(d))

def roots(token):
    return SRC_BASES if token.split("/", 1)[0] in SRC else [""]

def exists(path):
    if "<" in path:  # a placeholder (tests/unit/<module>/): the folder before it must exist
        path = path[:path.index("<")]
        path = path[:path.rindex("/") + 1] if "/" in path else path
    if "{" in path:  # a{b,c}: each alternative
        m = re.match(r"(.*)\{([^}]*)\}(.*)", path)
        if m:
            return all(exists(m.group(1) + alt + m.group(3)) for alt in m.group(2).split(","))
    if any(c in path for c in "*?["):
        return bool(glob.glob(path))
    if os.path.exists(path):
        return True
    # fetch_job. (fetch_job.cpp and fetch_job.hpp), or what a file becomes (its target:
    # bench/fetch/fetch_bench)
    return bool(glob.glob(path + "*" if path.endswith(".") else path + ".*"))

def check_token(token):
    token = re.sub(r":\d+(-\d+)?$", "", token)
    if "..." in token:  # an elision, not a path
        return True
    while token and token[-1] in ",;:)'\"" or (token[-1:] == "}" and "{" not in token) or (
            token[-1:] == ">" and "<" not in token):
        token = token[:-1]
    candidates = [token]
    if token.endswith("."):
        candidates.append(token[:-1])  # the end of a sentence
    for base in roots(token):
        for c in candidates:
            if exists(base + c):
                return True
    return False

def comment_text(path, line):
    if path.endswith((".md",)):
        return line
    if path.endswith((".cpp", ".hpp", ".h", ".cc")):
        i = line.find("//")
        if i >= 0:
            return line[i + 2:]
        s = line.lstrip()
        return s[1:] if s.startswith("*") else ""
    s = line.lstrip()
    if s.startswith("#") and not s.startswith("#!"):
        return s[1:]
    i = line.find(" #")
    return line[i + 2:] if i >= 0 else ""

docs = tracked(["docs/*.md", "docs/**/*.md", "README.md", "fuzz/README.md"])
names = {os.path.basename(f) for f in tracked(["*.cpp", "*.hpp"])}
sources = tracked(["*.cpp", "*.hpp", "*.h", "*.sh", "*.cmake", "CMakeLists.txt", "*.yml",
                   "*.service", "*.timer"])
missing = 0
for path in docs + [s for s in sources if s not in docs]:
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except (UnicodeDecodeError, FileNotFoundError):
        continue
    for n, line in enumerate(lines, 1):
        text = comment_text(path, line)
        for m in TOKEN.finditer(text):
            if not check_token(m.group(1)):
                print(f"{path}:{n}: names {m.group(1)}, which is not in the repository")
                missing += 1
        for m in BARE.finditer(text):
            if m.group(1) not in names:
                print(f"{path}:{n}: names {m.group(1)}, which no file of the repository is called")
                missing += 1
if missing:
    print(f"check-paths: {missing} path(s) named in docs or comments do not exist; fix the text "
          "(or the path)", file=sys.stderr)
    sys.exit(1)
print("check-paths: every repository path named in docs and comments exists")
EOF
