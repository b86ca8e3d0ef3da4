#!/usr/bin/env bash
# Configures and builds walmart-etl (Release) into build/. Extra arguments go to CMake's configure
# step, e.g. scripts/build.sh -DETL_ENABLE_ASAN=ON. BUILD_DIR overrides the directory.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$here/build}
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
# The progress lines are filtered out; the build's own status decides (pipefail is off for this
# pipeline so that PIPESTATUS still holds cmake's status when grep prints nothing).
set +o pipefail
cmake --build "$build" -j"$(nproc)" -- --no-print-directory 2>&1 |
  { grep -vE '^\[ *[0-9]+%\]|^Consolidate|^Scanning|^Built target' || true; }
test "${PIPESTATUS[0]}" -eq 0 || { echo "build failed" >&2; exit 1; }
set -o pipefail
echo "built $build/src/cli/walmart-etl"
