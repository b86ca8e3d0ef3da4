#!/usr/bin/env bash
# The `load` benchmark: rows/s of `walmart-etl load` into the private MariaDB next to
# LOAD DATA LOCAL INFILE of the identical rows into the same tables, in the same run (the
# server's ceiling), for the bulk and portable write paths and several transaction sizes; then
# the real CLI on the same corpus, with its summary and peak RSS.
#
#   scripts/bench-load.sh [ORDERS] [ROUNDS]   # default 200000 generated orders (~2.4 KB each), 1 round
# Environment: ETL_BUILD_DIR (default build/), ETL_MARIADB_PORT (default 33306),
#   BENCH_FILTER (a --benchmark_filter regex; default: every configuration).
# Several rounds run the configurations in turn and report the median ratio (use them on a
# shared machine).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${ETL_BUILD_DIR:-$here/build}
orders=${1:-200000}
rounds=${2:-1}
port=${ETL_MARIADB_PORT:-33306}

# shellcheck source=scripts/bench-lib.sh
. "$here/scripts/bench-lib.sh"
bench_require bench-load "$build/bench/load/load_bench" "$build/src/cli/walmart-etl"
bench_mariadb_up "$port"
tmp=$(mktemp -d)
db=etl_bench_cli_$$
cleanup() {
  "$here/scripts/mariadb-local.sh" client -e "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$tmp"
  bench_mariadb_down
}
trap cleanup EXIT

echo "== load vs LOAD DATA LOCAL INFILE, $orders orders (each run on fresh, empty tables)"
"$build/bench/load/load_bench" --orders="$orders" --rounds="$rounds" --benchmark_filter="${BENCH_FILTER:-.}"

echo
echo "== walmart-etl load on the same corpus (defaults), peak RSS"
"$build/bench/load/load_bench" --orders="$orders" --write-corpus="$tmp/orders.ndjson"
eval "$("$here/scripts/mariadb-local.sh" env)"
export WALMART_ETL_MYSQL__DATABASE=$db WALMART_ETL_LOGGING__DIR=$tmp/logs
(cd "$tmp" && "$build/src/cli/walmart-etl" init-db >/dev/null 2>&1)
(cd "$tmp" && /usr/bin/time -f "peak RSS %M KiB, %e s wall, %U s user, %S s sys" \
  "$build/src/cli/walmart-etl" load "$tmp/orders.ndjson" 2>&1 | grep -v ' info ')
ls -l "$tmp/orders.ndjson" | awk '{printf "input: %.1f MB\n", $5 / 1e6}'
