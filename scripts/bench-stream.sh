#!/usr/bin/env bash
# The `stream` benchmark (issue 6): orders already in Kafka -> `walmart-etl stream --until-idle`
# -> MariaDB, for parallelism 1 and 2 and several batch sizes (the default 100 / 5000 ms first),
# next to LOAD DATA LOCAL INFILE of the identical rows (the server's ceiling), with peak RSS; then
# the produce->visible delay at a steady rate. Prints a Markdown report.
#
#   scripts/bench-stream.sh [--kafka] [ORDERS] [PARTITIONS]   # default 100000 orders, 16 partitions
#
# Without --kafka the orders go through the dev broker (librdkafka's mock cluster, in process).
# With --kafka the same corpus runs twice in one go: on the dev broker, then on the local Apache
# Kafka broker (scripts/kafka-local.sh, started if it is not running and stopped again after), so
# the two reports sit side by side.
# Environment: ETL_BUILD_DIR (default build/), ETL_MARIADB_PORT (default 33306),
#   BENCH_RATE (orders/s of the latency run, default 2000), BENCH_LATENCY_S (default 20),
#   BENCH_BATCH_SIZES (e.g. 100,2000; default 100,500,2000),
#   BENCH_PROPERTIES (space-separated NAME=VALUE kafka.properties for the stream runs).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${ETL_BUILD_DIR:-$here/build}
kafka=0
if [ "${1:-}" = "--kafka" ]; then kafka=1; shift; fi
orders=${1:-100000}
partitions=${2:-16}
port=${ETL_MARIADB_PORT:-33306}

# shellcheck source=scripts/bench-lib.sh
. "$here/scripts/bench-lib.sh"
bench_require bench-stream "$build/bench/stream/stream_bench" "$build/src/cli/walmart-etl"
bench_mariadb_up "$port"
trap 'bench_kafka_down; bench_mariadb_down' EXIT

args=(--binary="$build/src/cli/walmart-etl" --orders="$orders" --partitions="$partitions"
  --rate="${BENCH_RATE:-2000}" --latency-seconds="${BENCH_LATENCY_S:-20}")
[ -n "${BENCH_BATCH_SIZES:-}" ] && args+=(--batch-sizes="$BENCH_BATCH_SIZES")
for p in ${BENCH_PROPERTIES:-}; do args+=(--property="$p"); done
report=${BENCH_REPORT:-$build/bench-stream-report.md}

"$build/bench/stream/stream_bench" "${args[@]}" | tee "$report"
if [ "$kafka" -eq 1 ]; then
  bench_kafka_up
  echo
  "$build/bench/stream/stream_bench" "${args[@]}" --bootstrap="$ETL_KAFKA_BOOTSTRAP" | tee -a "$report"
else
  "$here/scripts/plot-stream-bench.sh" "$report" "${BENCH_CHART:-$here/docs/stream-throughput.png}"
fi
