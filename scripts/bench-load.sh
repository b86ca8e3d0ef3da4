#!/usr/bin/env bash
# The `load` benchmark: rows/s of `walmart-etl load` into the private MariaDB (or MySQL) next to
# LOAD DATA LOCAL INFILE of the identical rows into the same tables, in the same run (the
# server's ceiling), for the bulk and portable write paths and several transaction sizes; then
# the real CLI on the same corpus, with its summary and peak RSS.
#
#   scripts/bench-load.sh [ORDERS] [ROUNDS]   # default 200000 generated orders (~2.4 KB each), 1 round
# Environment: ETL_BUILD_DIR (default build/),
#   ETL_BENCH_SERVER (mariadb, the default, or mysql: scripts/mariadb-local.sh or
#   scripts/mysql-local.sh, started if it is not running, on ETL_MARIADB_PORT / ETL_MYSQL_PORT),
#   BENCH_FILTER (a --benchmark_filter regex; default: every configuration the server has - MySQL
#   has no bulk write path, so there only the portable one).
# Several rounds run the configurations in turn and report the median ratio (use them on a
# shared machine).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${ETL_BUILD_DIR:-$here/build}
orders=${1:-200000}
rounds=${2:-1}

# shellcheck source=scripts/bench-lib.sh
. "$here/scripts/bench-lib.sh"
bench_require bench-load "$build/bench/load/load_bench" "$build/src/cli/walmart-etl"
bench_db_up
tmp=$(mktemp -d)
db=etl_bench_cli_$$
cleanup() {
  "$bench_local" client -e "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$tmp"
  bench_db_down
}
trap cleanup EXIT

echo "== load vs LOAD DATA LOCAL INFILE, $orders orders (each run on fresh, empty tables)"
filter=.
[ "$bench_server" = mysql ] && filter='LoadDataInfile|portable:1'
"$build/bench/load/load_bench" --orders="$orders" --rounds="$rounds" \
  --benchmark_filter="${BENCH_FILTER:-$filter}"

echo
echo "== walmart-etl load on the same corpus (defaults), peak RSS"
"$build/bench/load/load_bench" --orders="$orders" --write-corpus="$tmp/orders.ndjson"
eval "$("$bench_local" env)"
export WALMART_ETL_MYSQL__DATABASE=$db WALMART_ETL_LOGGING__DIR=$tmp/logs
(cd "$tmp" && "$build/src/cli/walmart-etl" init-db >/dev/null 2>&1)
(cd "$tmp" && /usr/bin/time -f "peak RSS %M KiB, %e s wall, %U s user, %S s sys" \
  "$build/src/cli/walmart-etl" load --account bench "$tmp/orders.ndjson" 2>&1 | grep -v ' info ')
ls -l "$tmp/orders.ndjson" | awk '{printf "input: %.1f MB\n", $5 / 1e6}'
