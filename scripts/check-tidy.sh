#!/usr/bin/env bash
# Runs clang-tidy with the checks of .clang-tidy over every C++ source file of src/ and tools/
# (run by scripts/test.sh, so by CI). Headers there are checked through the files that include
# them.
# Any finding fails the run. Needs build/compile_commands.json: run scripts/build.sh first.
#   scripts/check-tidy.sh                    # every file of src/ and tools/, 2 in parallel
#   scripts/check-tidy.sh src/config/*.cpp   # only these files
# TIDY_JOBS sets the parallelism (default 2); BUILD_DIR the build directory (default build/).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
build=${BUILD_DIR:-$here/build}
jobs=${TIDY_JOBS:-2}
command -v clang-tidy >/dev/null || { echo "check-tidy: clang-tidy missing; run scripts/install-deps.sh" >&2; exit 1; }
[ -f "$build/compile_commands.json" ] || { echo "check-tidy: $build/compile_commands.json missing; run scripts/build.sh first" >&2; exit 1; }

if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files 'src/*.cpp' 'tools/*.cpp')
fi

out=$(mktemp -d -t walmart-etl-tidy.XXXXXX)
trap 'rm -rf "$out"' EXIT
start=$(date +%s)
# One clang-tidy per file; its findings go to a file named after it, kept only when it failed.
# -Wno-unknown-warning-option: the compile commands are GCC's, with a few flags clang lacks.
printf '%s\0' "${files[@]}" | xargs -0 -P "$jobs" -I{} sh -c '
  log="$1/$(printf %s "$2" | tr / _).log"
  if clang-tidy -p "$3" --quiet --warnings-as-errors="*" --header-filter="^$4/(src|tools)/" \
       --extra-arg=-Wno-unknown-warning-option "$2" >"$log" 2>&1; then
    rm -f "$log"
  fi' _ "$out" {} "$build" "$here"
elapsed=$(( $(date +%s) - start ))

mapfile -t failed < <(find "$out" -name '*.log' | sort)
if [ ${#failed[@]} -gt 0 ]; then
  for log in "${failed[@]}"; do
    grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^Error while processing' "$log" || true
  done
  echo "check-tidy: findings in ${#failed[@]} of ${#files[@]} files (${elapsed}s); fix them, or exclude the check in .clang-tidy with the reason" >&2
  exit 1
fi
echo "check-tidy: ${#files[@]} files clean (${elapsed}s)"
