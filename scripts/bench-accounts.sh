#!/usr/bin/env bash
# The many-accounts fetch benchmark: 50 seller accounts x ~400 orders, the simulator throttling
# every seller on its own (--rpm R --burst 2 per seller, as Walmart throttles per seller) and
# fetch pacing every account at that rate (fetch.requests_per_minute = R). Pages of 50 orders, so
# one account's run is a dozen requests and its wall time is set by its rate limit, not by CPU.
#   1. one account alone (fetch --account a1): the baseline wall time;
#   2. all 50 (fetch --all-accounts) at fetch.account_concurrency 4, 16 and 50.
# Prints each run's wall time, orders and orders/s (from fetch's own summary), and the ratio to
# the single account. The real binaries as a user runs them: simulate-api --sellers 50 and
# dev-broker as processes; fetch needs no MySQL for a date range. The simulator gets 256 HTTP
# threads: it serves one keep-alive connection per thread, and 50 accounts x fetch.concurrency 4
# hold 200 connections (with its default 8 threads the simulator, not fetch, is the bottleneck).
#
#   scripts/bench-accounts.sh [ACCOUNTS] [RPM]     defaults 50 and 120
#   Environment: ETL_BUILD_DIR (default build/)
set -euo pipefail
accounts=${1:-50}
rpm=${2:-120}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${ETL_BUILD_DIR:-$here/build}
bin="$build/src/cli/walmart-etl"
# shellcheck source=scripts/bench-lib.sh
. "$here/scripts/bench-lib.sh"
bench_require bench-accounts "$bin"

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
wait_file() {
  for _ in $(seq 400); do [ -s "$1" ] && return 0; sleep 0.05; done
  echo "bench-accounts: $1 did not appear" >&2
  exit 1
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "== $accounts sellers x 2 days x 200 orders/day, server limit $rpm requests/min per seller (burst 2), client pace $rpm/min per account, pages of 50"
"$bin" simulate-api --port 0 --port-file "$tmp/port" --sellers "$accounts" --seed 5 \
  --now 2024-05-02T17:05:41Z --time-scale 0 --days 2 --orders-per-day 200 \
  --rpm "$rpm" --burst 2 --threads 256 >"$tmp/sim.out" 2>"$tmp/sim.err" &
pids+=($!)
"$bin" dev-broker --bootstrap-file "$tmp/bootstrap" --topic bench_accounts:16 \
  >"$tmp/broker.out" 2>"$tmp/broker.err" &
pids+=($!)
wait_file "$tmp/port"
wait_file "$tmp/bootstrap"

export WALMART_ETL_WALMART_TOKEN__BASE_URL="http://127.0.0.1:$(cat "$tmp/port")"
export WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS="$(cat "$tmp/bootstrap")"
export WALMART_ETL_KAFKA__TOPIC=bench_accounts
export WALMART_ETL_LOGGING__DIR=""
export WALMART_ETL_LOGGING__LEVEL=warn
export WALMART_ETL_FETCH__REQUESTS_PER_MINUTE="$rpm"
export WALMART_ETL_FETCH__LIMIT=50
for k in $(seq 1 "$accounts"); do
  suffix=$([ "$k" -eq 1 ] && echo "" || echo "-$k")
  export "WALMART_ETL_WALMART_TOKEN__ACCOUNTS__A${k}__CLIENT_ID=sim-client-id$suffix"
  export "WALMART_ETL_WALMART_TOKEN__ACCOUNTS__A${k}__CLIENT_SECRET=sim-client-secret$suffix"
done

# run NAME CONCURRENCY FETCH-ARGS...: one fetch; prints its wall time, orders, orders/s and 429s.
run() {
  local name=$1 concurrency=$2
  shift 2
  local start end
  start=$(date +%s.%N)
  "$bin" --set fetch.account_concurrency="$concurrency" fetch "$@" --start 2024-04-30 \
    --end 2024-05-02 --no-progress >"$tmp/$name.out" 2>"$tmp/$name.err" || {
    echo "bench-accounts: $name failed:" >&2
    tail -20 "$tmp/$name.out" "$tmp/$name.err" >&2
    exit 1
  }
  end=$(date +%s.%N)
  local wall orders throttled
  wall=$(echo "$end - $start" | bc -l)
  orders=$(awk '/^total/ {n += $5} END {print n + 0}' "$tmp/$name.out")
  throttled=$(awk '/^total/ {n += $8} END {print n + 0}' "$tmp/$name.out")
  printf '%-28s wall %6.1f s  %6d orders  %7.0f orders/s  429s %d\n' "$name" "$wall" "$orders" \
    "$(echo "$orders / $wall" | bc -l)" "$throttled"
  echo "$wall" >"$tmp/$name.wall"
}

run one-account 1 --account a1
sed -n 's/^requests: /  one account: /p' "$tmp/one-account.out"
single=$(cat "$tmp/one-account.wall")
for c in 4 16 "$accounts"; do
  run "all-$accounts-concurrency-$c" "$c" --all-accounts
  printf '  %s accounts at concurrency %s: %.1fx the single account'"'"'s wall time (sequential would be %sx)\n' \
    "$accounts" "$c" "$(echo "$(cat "$tmp/all-$accounts-concurrency-$c.wall") / $single" | bc -l)" "$accounts"
done
grep -h '^result' "$tmp/all-$accounts-concurrency-$accounts.out"
