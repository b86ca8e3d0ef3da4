#!/usr/bin/env bash
# The `stream` benchmark: orders already in the dev broker -> `walmart-etl stream --until-idle` ->
# MariaDB, for the previous defaults and group commit at parallelism 1, 2 (the defaults) and 4,
# each BENCH_ROUNDS times alternating (median and spread), next to LOAD DATA LOCAL INFILE of the
# identical rows of every table written (the server's ceiling), with peak RSS; then the
# produce->visible delay at a steady rate, previous defaults and today's. Prints a Markdown report.
#
#   scripts/bench-stream.sh [ORDERS] [PARTITIONS]   # default 100000 orders over 16 partitions
# Environment: ETL_BUILD_DIR (default build/), ETL_MARIADB_PORT (default 33306),
#   BENCH_RATE (orders/s of the latency run, default 2000), BENCH_LATENCY_S (default 20),
#   BENCH_ROUNDS (default 3).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${ETL_BUILD_DIR:-$here/build}
orders=${1:-100000}
partitions=${2:-16}
port=${ETL_MARIADB_PORT:-33306}

# shellcheck source=scripts/bench-lib.sh
. "$here/scripts/bench-lib.sh"
bench_require bench-stream "$build/bench/stream/stream_bench" "$build/src/cli/walmart-etl"
bench_mariadb_up "$port"
trap bench_mariadb_down EXIT

"$build/bench/stream/stream_bench" --binary="$build/src/cli/walmart-etl" --orders="$orders" \
  --partitions="$partitions" --rate="${BENCH_RATE:-2000}" --latency-seconds="${BENCH_LATENCY_S:-20}" --rounds="${BENCH_ROUNDS:-3}" | tee "${BENCH_REPORT:-$build/bench-stream-report.md}"
"$here/scripts/plot-stream-bench.sh" "${BENCH_REPORT:-$build/bench-stream-report.md}" "${BENCH_CHART:-$here/docs/stream-throughput.png}"
