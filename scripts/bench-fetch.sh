#!/usr/bin/env bash
# The fetch benchmark: orders/s from the API simulator (no throttling) through `fetch` into the
# dev broker, for 100,000 orders; proof that with the simulator throttling (--rpm) and
# fetch.requests_per_minute below it, fetch holds the limit and gets no 429; the requests a run
# costs; and runs against throttling servers.
#   1. bench/fetch/fetch_bench (Google Benchmark, everything in one process): end to end at
#      concurrency 2/4/8, the rate-limit run, and the page parser alone.
#   2. The real binaries as a user runs them: `simulate-api` and `dev-broker` as processes, then
#      `walmart-etl fetch` over 4 days x 25,000 orders; then the throttled run.
#   4. Requests per run for 7 days x 2,000 orders/day at the defaults (requests_per_minute 600),
#      counted by the simulator (its debug log has one line per request): this build, and
#      ETL_FETCH_BEFORE_BIN (an older walmart-etl) when set. Target: requests <= 1.25 x
#      ceil(orders / 200) + one first page per window.
#   5. Throttling servers: 25% of order calls answered 429 whatever the pace (--throttle-rate)
#      against the same run unthrottled; and a server bucket of 300/min with no client limit.
# The dev broker keeps ~5 MB per partition: most of the 100,000 produced orders (~2.8 KB each)
# are acknowledged and then dropped by its retention. Irrelevant for a produce benchmark, but the
# topic cannot be read back afterwards.
#
#   3. With --kafka: step 2's fetch again, same simulator and range, into the local Apache Kafka
#      broker (scripts/kafka-local.sh, started if it is not running and stopped again after) - a
#      fresh topic that fetch creates with 16 partitions - for the two brokers side by side.
#
#   With --produce-only: step 2 (and 3, printed as 2b, with --kafka) alone: the produce rate of the
#   real binaries, for comparing builds (ETL_BUILD_DIR) in alternating runs.
#
#   scripts/bench-fetch.sh [--kafka] [--produce-only]
#     Environment: ETL_BUILD_DIR (default build/), ETL_FETCH_BEFORE_BIN (optional, for section 4)
set -euo pipefail
kafka=0
produce_only=0
for a in "$@"; do
  case "$a" in
    --kafka) kafka=1 ;;
    --produce-only) produce_only=1 ;;
    *) echo "usage: $0 [--kafka] [--produce-only]" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${ETL_BUILD_DIR:-$here/build}
bin="$build/src/cli/walmart-etl"
bench="$build/bench/fetch/fetch_bench"
# shellcheck source=scripts/bench-lib.sh
. "$here/scripts/bench-lib.sh"
bench_require bench-fetch "$bin" "$bench"

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
  bench_kafka_down
}
trap cleanup EXIT

wait_file() {
  for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done
  echo "bench-fetch: $1 did not appear" >&2
  exit 1
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%FT%TZ)"
if [ "$produce_only" -eq 0 ]; then
  echo "== 1. fetch_bench (in process)"
  "$bench" --benchmark_counters_tabular=true
fi

echo "== 2. the real binaries: simulate-api -> walmart-etl fetch -> dev-broker"
"$bin" simulate-api --port 0 --port-file "$tmp/port" --orders-per-day 25000 --days 8 \
  --time-scale 0 --rpm 0 >"$tmp/sim.out" 2>"$tmp/sim.err" &
pids+=($!)
"$bin" dev-broker --bootstrap-file "$tmp/bootstrap" --topic bench_orders:16 --topic bench_rate:4 \
  >"$tmp/broker.out" 2>"$tmp/broker.err" &
pids+=($!)
wait_file "$tmp/port"
wait_file "$tmp/bootstrap"
export WALMART_ETL_WALMART_TOKEN__BASE_URL="http://127.0.0.1:$(cat "$tmp/port")"
export WALMART_ETL_WALMART_TOKEN__ACCOUNTS__BENCH__CLIENT_ID=sim-client-id
export WALMART_ETL_WALMART_TOKEN__ACCOUNTS__BENCH__CLIENT_SECRET=sim-client-secret
export WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS="$(cat "$tmp/bootstrap")"
export WALMART_ETL_LOGGING__DIR=""
first=$(date -u -d '5 days ago' +%F)
last=$(date -u -d '2 days ago' +%F)
/usr/bin/time -f "fetch: %e s elapsed, %U s user, %S s system, peak RSS %M KB" \
  "$bin" --set kafka.topic=bench_orders --set fetch.requests_per_minute=0 --set logging.level=warn \
  fetch --start "$first" --end "$last" --no-progress

if [ "$kafka" -eq 1 ]; then
  echo "== 2b. the same fetch into the local Apache Kafka broker"
  bench_kafka_up
  /usr/bin/time -f "fetch: %e s elapsed, %U s user, %S s system, peak RSS %M KB" \
    "$bin" --set kafka.bootstrap_servers="$ETL_KAFKA_BOOTSTRAP" --set kafka.topic="bench_orders_$$_$(date +%s)" \
    --set kafka.topic_partitions=16 --set fetch.requests_per_minute=0 --set logging.level=warn \
    fetch --start "$first" --end "$last" --no-progress
fi

[ "$produce_only" -eq 0 ] || exit 0

echo "== 3. throttled simulator (--rpm 600 --burst 2) and fetch.requests_per_minute=540"
"$bin" simulate-api --port 0 --port-file "$tmp/port2" --orders-per-day 4000 --days 4 \
  --time-scale 0 --rpm 600 --burst 2 >"$tmp/sim2.out" 2>"$tmp/sim2.err" &
pids+=($!)
wait_file "$tmp/port2"
day=$(date -u -d 'yesterday' +%F)
WALMART_ETL_WALMART_TOKEN__BASE_URL="http://127.0.0.1:$(cat "$tmp/port2")" \
  "$bin" --set kafka.topic=bench_rate --set fetch.requests_per_minute=540 \
  --set fetch.window_minutes=120 --set logging.level=warn \
  fetch --start "$day" --end "$day" --no-progress | tee "$tmp/rate.out"
if awk '/^total/ {exit ($8 == 0) ? 0 : 1}' "$tmp/rate.out"; then
  echo "throttled run: no 429 (fetch held 540 requests/min under the simulator's 600)"
else
  echo "throttled run: fetch was answered 429" >&2
  exit 1
fi

# A simulator on a fresh port with its request log; sets sim_url. $1: name, then flags.
start_sim() {
  local name=$1
  shift
  # The same data in every run: frozen at today 12:00 UTC.
  WALMART_ETL_LOGGING__LEVEL=debug "$bin" simulate-api --port 0 --port-file "$tmp/$name.port" \
    --time-scale 0 --now "$(date -u +%F)T12:00:00Z" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=($!)
  wait_file "$tmp/$name.port"
  sim_url="http://127.0.0.1:$(cat "$tmp/$name.port")"
}
sim_requests() { cat "$tmp/$1.out" "$tmp/$1.err" | grep -c 'simulate-api: GET /v3/orders' || true; }

# $1: label, $2: binary, $3: sim name; the rest: options before `fetch`. Prints one line.
requests_run() {
  local label=$1 b=$2 name=$3
  shift 3
  local url start_s end_s
  start_sim "$name" --orders-per-day 2000 --days 10 --rpm 0
  url=$sim_url
  start_s=$(date +%s%N)
  # From $tmp: no config/config.yml, so both builds run on their own defaults.
  (cd "$tmp" && WALMART_ETL_WALMART_TOKEN__BASE_URL="$url" "$b" --set logging.level=warn "$@" \
    fetch --start "$(date -u -d '7 days ago' +%F)" --end "$(date -u -d 'yesterday' +%F)" \
    --no-progress >"$tmp/$name.fetch" 2>&1) || { cat "$tmp/$name.fetch" >&2; exit 1; }
  end_s=$(date +%s%N)
  local orders requests
  orders=$(awk '/^total/ {print $5}' "$tmp/$name.fetch")
  requests=$(sim_requests "$name")
  awk -v l="$label" -v o="$orders" -v r="$requests" -v t="$(( (end_s - start_s) / 1000000 ))" \
    'BEGIN { p = int((o + 199) / 200); printf "%-28s %6d requests %7d orders %6.1f orders/request (1.25 x ceil(orders/200) = %.1f) %6.1f s\n", l, r, o, o / r, 1.25 * p, t / 1000 }'
  grep '^requests:' "$tmp/$name.fetch" || true
}

echo "== 4. requests for 7 days x 2,000 orders/day, fetch defaults (600 requests/min, concurrency 4)"
"$bin" dev-broker --bootstrap-file "$tmp/bootstrap4" --topic bench_req:8 --topic bench_req_before:8 \
  >"$tmp/broker4.out" 2>"$tmp/broker4.err" &
pids+=($!)
wait_file "$tmp/bootstrap4"
WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS="$(cat "$tmp/bootstrap4")" requests_run "this build" "$bin" req \
  --set kafka.topic=bench_req
if [ -n "${ETL_FETCH_BEFORE_BIN:-}" ]; then
  WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS="$(cat "$tmp/bootstrap4")" \
    requests_run "before ($ETL_FETCH_BEFORE_BIN)" "$ETL_FETCH_BEFORE_BIN" req_before \
    --set kafka.topic=bench_req_before
fi

echo "== 5. throttling servers (dry runs, 2 days x 2,000 orders, fetch.limit 50)"
throttle_run() {
  local label=$1 name=$2 rpm=$3
  shift 3
  local url
  start_sim "$name" --orders-per-day 2000 --days 5 "$@"
  url=$sim_url
  WALMART_ETL_WALMART_TOKEN__BASE_URL="$url" "$bin" --set logging.level=warn --set fetch.limit=50 \
    --set fetch.requests_per_minute="$rpm" fetch --start "$(date -u -d '2 days ago' +%F)" \
    --end "$(date -u -d 'yesterday' +%F)" --dry-run --no-progress >"$tmp/$name.fetch" 2>&1 ||
    { cat "$tmp/$name.fetch" >&2; exit 1; }
  printf '%-44s %s | %s\n' "$label" "$(grep '^requests:' "$tmp/$name.fetch")" \
    "$(grep '^result:' "$tmp/$name.fetch")"
}
throttle_run "no throttling, 600/min" calm 600 --rpm 0
throttle_run "25% 429s whatever the pace, 600/min" share 600 --rpm 0 --throttle-rate 0.25 \
  --throttle-hold-ms 500
throttle_run "server bucket 300/min (burst 5), no limit" bucket 0 --rpm 300 --burst 5
