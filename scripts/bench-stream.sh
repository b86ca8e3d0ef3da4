#!/usr/bin/env bash
# The `stream` benchmark: orders already in Kafka -> `walmart-etl stream --until-idle` -> MariaDB
# (or MySQL),
# for the previous defaults and group commit at parallelism 1, 2 (the defaults) and 4, each
# BENCH_ROUNDS times alternating (median and spread), next to LOAD DATA LOCAL INFILE of the
# identical rows of every table written and of the order lines alone (the server's ceilings), with
# peak RSS and the archive's bytes; then the produce->visible delay at a steady rate, previous
# defaults and today's. Prints a Markdown report.
#
#   scripts/bench-stream.sh [--kafka|--kafka-only] [ORDERS] [PARTITIONS]   # default 100000 orders, 16 partitions
#   scripts/bench-stream.sh --suspects [ORDERS] [PARTITIONS]
#   scripts/bench-stream.sh --restream [ORDERS] [PARTITIONS]
#
# --suspects measures what each statement of the writer costs the server, next to an earlier
# build: ETL_BUILD_DIR must be a build with -DETL_BENCH_SWITCHES=ON (a benchmark build: the writer's
# statements can be turned off, src/mysql/bench_switches.hpp), ETL_STREAM_BEFORE_BIN the earlier
# walmart-etl (e.g. main built in another folder). Settings alternate in every round; no latency
# run unless BENCH_LATENCY_S is set.
#
# --restream compares ETL_STREAM_BEFORE_BIN with this build (no benchmark switches needed) on
# orders every one of which is stored already (a first pass stores them; the second, timed pass
# finds every id known), and on new orders at the defaults and with the archive off; the server
# counters per 1,000 rows (Com_delete, Com_stmt_execute, Handler_read_*) and statements per
# transaction come with it. Alternating, BENCH_ROUNDS rounds; no latency run unless
# BENCH_LATENCY_S is set.
#
# Without --kafka the orders go through the dev broker (librdkafka's mock cluster, in process).
# With --kafka the same corpus runs twice in one go: on the dev broker, then on the local Apache
# Kafka broker (scripts/kafka-local.sh, started if it is not running and stopped again after), so
# the two reports sit side by side. --kafka-only runs the Apache Kafka half alone (for comparing
# builds, ETL_BUILD_DIR, in alternating runs).
# Environment: ETL_BUILD_DIR (default build/),
#   ETL_BENCH_SERVER (mariadb, the default, or mysql: scripts/mariadb-local.sh or
#   scripts/mysql-local.sh, started if it is not running, on ETL_MARIADB_PORT / ETL_MYSQL_PORT),
#   BENCH_RATE (orders/s of the latency run, default 2000), BENCH_LATENCY_S (default 20),
#   BENCH_ROUNDS (default 3), BENCH_ONLY (comma-separated: only the settings whose label holds one),
#   BENCH_PROPERTIES (space-separated NAME=VALUE kafka.properties for the stream runs).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${ETL_BUILD_DIR:-$here/build}
kafka=0
suspects=0
if [ "${1:-}" = "--kafka" ]; then kafka=1; shift; fi
if [ "${1:-}" = "--kafka-only" ]; then kafka=2; shift; fi
if [ "${1:-}" = "--suspects" ]; then suspects=1; shift; fi
if [ "${1:-}" = "--restream" ]; then suspects=2; shift; fi
orders=${1:-100000}
partitions=${2:-16}

# shellcheck source=scripts/bench-lib.sh
. "$here/scripts/bench-lib.sh"
bench_require bench-stream "$build/bench/stream/stream_bench" "$build/src/cli/walmart-etl"
bench_db_up
trap 'bench_kafka_down; bench_db_down' EXIT

args=(--binary="$build/src/cli/walmart-etl" --orders="$orders" --partitions="$partitions"
  --rate="${BENCH_RATE:-2000}" --rounds="${BENCH_ROUNDS:-3}")
if [ "$suspects" -eq 0 ] || [ -n "${BENCH_LATENCY_S:-}" ]; then
  args+=(--latency-seconds="${BENCH_LATENCY_S:-20}")
fi
if [ "$suspects" -ge 1 ]; then
  before=${ETL_STREAM_BEFORE_BIN:?--suspects and --restream need ETL_STREAM_BEFORE_BIN, an earlier walmart-etl}
  bench_require bench-stream "$before"
  if [ "$suspects" -eq 1 ]; then args+=(--suspects); else args+=(--restream); fi
  args+=(--binary-before="$before")
fi
for p in ${BENCH_PROPERTIES:-}; do args+=(--property="$p"); done
if [ -n "${BENCH_ONLY:-}" ]; then args+=(--only="$BENCH_ONLY"); fi
report=${BENCH_REPORT:-$build/bench-stream-report.md}

[ "$kafka" -eq 2 ] || "$build/bench/stream/stream_bench" "${args[@]}" | tee "$report"
if [ "$kafka" -ge 1 ]; then
  bench_kafka_up
  echo
  "$build/bench/stream/stream_bench" "${args[@]}" --bootstrap="$ETL_KAFKA_BOOTSTRAP" | tee -a "$report"
elif [ "$suspects" -eq 0 ]; then
  "$here/scripts/plot-stream-bench.sh" "$report" "${BENCH_CHART:-$here/docs/stream-throughput.png}"
fi
