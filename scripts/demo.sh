#!/usr/bin/env bash
# README command 1: the whole flow on one machine, with nothing but Debian.
#
#   scripts/demo.sh [--mysql] [--kafka] [--keep-running] [--days N] [--orders-per-day N] [--sellers N]
#
# Installs what is missing, builds, starts a private MariaDB (with --mysql a private Oracle MySQL
# of scripts/mysql-local.sh instead), the dev broker (in-memory Kafka; with --kafka the local
# Apache Kafka broker of scripts/kafka-local.sh instead) and the Walmart API simulator, runs
# init-db, then `fetch --data orders,returns,recon` for the simulator's whole range while `stream`
# writes the orders into the database at the same time, streams the returns and the settlement
# reports (one stream per data set), and prints a report read from it (scripts/demo-report.sql)
# and the money of each account (`report money`). Re-running is safe (rows are upserted). Everything it started is stopped at the end unless --keep-running.
# --sellers N: the simulator serves N sellers, configured as accounts demo, demo2 … demoN and
# fetched in one run (fetch --all-accounts); the report shows orders and revenue per account.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

keep=0
kafka=0
db=mariadb
days=30
per_day=500
sellers=1
while [ $# -gt 0 ]; do
  case "$1" in
    --keep-running) keep=1 ;;
    --kafka) kafka=1 ;;
    --mysql) db=mysql ;;
    --days) days=$2; shift ;;
    --orders-per-day) per_day=$2; shift ;;
    --sellers) sellers=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "demo: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

run=$here/.local/demo
mkdir -p "$run"
bin=$here/build/src/cli/walmart-etl

step() { printf '\n== %s\n' "$*"; }

step "installing dependencies (Debian packages; quiet unless something fails)"
scripts/install-deps.sh
step "building"
scripts/build.sh

pids=()
started_kafka=0
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
on_exit() {
  local rc=$?
  if [ "$keep" -eq 0 ] || [ $rc -ne 0 ]; then
    stop_all
    scripts/"$db"-local.sh stop >/dev/null || true
    if [ "$started_kafka" -eq 1 ]; then scripts/kafka-local.sh stop >/dev/null || true; fi
  fi
  [ $rc -ne 0 ] && echo "demo: FAILED (exit $rc); logs are in $run and logs/" >&2
  exit $rc
}
trap on_exit EXIT

wait_for_file() {  # path, seconds, what
  local deadline=$((SECONDS + $2))
  until [ -s "$1" ]; do
    if [ $SECONDS -ge $deadline ]; then echo "demo: $3 did not start (see $run)" >&2; exit 1; fi
    sleep 0.1
  done
}

db_name=$([ "$db" = mysql ] && echo MySQL || echo MariaDB)
step "starting a private $db_name"
scripts/"$db"-local.sh start
eval "$(scripts/"$db"-local.sh env)"

rm -f "$run/kafka.addr" "$run/sim.port"
if [ "$kafka" -eq 1 ]; then
  step "starting the local Apache Kafka broker (scripts/kafka-local.sh) and the API simulator ($days days x $per_day orders/day)"
  if ! scripts/kafka-local.sh status >/dev/null 2>&1; then
    scripts/kafka-local.sh start
    started_kafka=1
  fi
  eval "$(scripts/kafka-local.sh env)"
  echo "$ETL_KAFKA_BOOTSTRAP" >"$run/kafka.addr"
  # fetch creates the topic through the Admin API the first time (8 partitions).
  export WALMART_ETL_KAFKA__TOPIC_PARTITIONS=8
else
  step "starting the dev broker (in-memory Kafka, 8 partitions) and the API simulator ($days days x $per_day orders/day)"
  "$bin" --set logging.dir="$run" dev-broker --topic walmart_order_raw:8 \
    --topic walmart_return_raw:4 --topic walmart_recon_raw:2 --bootstrap-file "$run/kafka.addr" \
    >"$run/dev-broker.out" 2>&1 &
  pids+=($!)
  # The dev broker (librdkafka's mock cluster) holds an empty fetch for the whole fetch.wait.max.ms
  # even when data arrives meanwhile; a real broker answers at once. A shorter wait keeps the demo's
  # stream as prompt as it is on Kafka.
  export WALMART_ETL_KAFKA__PROPERTIES__FETCH_WAIT_MAX_MS=100
fi
"$bin" --set logging.dir="$run" simulate-api --port 0 --port-file "$run/sim.port" \
  --client-id demo-client --client-secret demo-secret --seed 42 --sellers "$sellers" \
  --days "$days" --orders-per-day "$per_day" >"$run/simulate-api.out" 2>&1 &
pids+=($!)
wait_for_file "$run/kafka.addr" 30 "the Kafka broker"
wait_for_file "$run/sim.port" 60 "simulate-api"

export WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS
WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS=$(cat "$run/kafka.addr")
export WALMART_ETL_WALMART_TOKEN__BASE_URL="http://127.0.0.1:$(cat "$run/sim.port")"
export WALMART_ETL_WALMART_TOKEN__ACCOUNTS__DEMO__CLIENT_ID=demo-client
export WALMART_ETL_WALMART_TOKEN__ACCOUNTS__DEMO__CLIENT_SECRET=demo-secret
# Seller K > 1 of the simulator: client demo-client-K / demo-secret-K, account demoK.
for k in $(seq 2 "$sellers"); do
  export "WALMART_ETL_WALMART_TOKEN__ACCOUNTS__DEMO${k}__CLIENT_ID=demo-client-$k"
  export "WALMART_ETL_WALMART_TOKEN__ACCOUNTS__DEMO${k}__CLIENT_SECRET=demo-secret-$k"
done
accounts=(--account demo)
[ "$sellers" -gt 1 ] && accounts=(--all-accounts)
export WALMART_ETL_FETCH__REQUESTS_PER_MINUTE=0
export WALMART_ETL_STREAM__BATCH_SIZE=1000
export WALMART_ETL_STREAM__BATCH_INTERVAL_MS=500
export WALMART_ETL_STREAM__METRICS_PORT=0
export WALMART_ETL_KAFKA__PROPERTIES__SESSION_TIMEOUT_MS=6000
export WALMART_ETL_KAFKA__PROPERTIES__HEARTBEAT_INTERVAL_MS=500
# A fresh consumer group per run: the dev broker is new (in memory) each time; on the local Apache
# Kafka the topic keeps earlier runs' orders, which the new group reads again (upserted, harmless).
group="walmart-etl-demo-$(date +%s)"

step "walmart-etl init-db"
# --migrate: a database left by an earlier version of the demo gets this version's additive changes.
"$bin" init-db --migrate

step "walmart-etl stream (in the background) + walmart-etl fetch --data orders,returns,recon --start $(date -u -d "-$days days" +%F) --end $(date -u +%F)"
"$bin" stream --group "$group" >"$run/stream.out" 2>&1 &
stream_pid=$!
pids+=($stream_pid)
start_s=$SECONDS
"$bin" fetch --data orders,returns,recon "${accounts[@]}" --start "$(date -u -d "-$days days" +%F)" --end "$(date -u +%F)" --no-progress
# Let the background stream finish what it holds, then drain the rest until idle.
kill -TERM "$stream_pid" 2>/dev/null || true
wait "$stream_pid" || { echo "demo: stream exited with an error (see $run/stream.out)" >&2; exit 1; }
"$bin" stream --group "$group" --until-idle
echo "fetch + stream took $((SECONDS - start_s)) s"

step "walmart-etl stream --data returns / --data recon --until-idle (one stream per data set)"
"$bin" stream --data returns --group "$group-returns" --until-idle
"$bin" stream --data recon --group "$group-recon" --until-idle

step "report from $db_name (database ods; the queries are in scripts/demo-report.sql)"
scripts/"$db"-local.sh client --table ods <scripts/demo-report.sql

step "walmart-etl report money (sales, refunds, fees, net and payout per account)"
"$bin" report money

cat <<TXT

Query the tables yourself:
  scripts/$db-local.sh start        # if it was stopped
  scripts/$db-local.sh client ods -e 'SELECT * FROM walmart_order LIMIT 5\\G'
TXT
if [ "$keep" -eq 1 ]; then
  cat <<TXT
Still running (--keep-running): $db_name on 127.0.0.1:$WALMART_ETL_MYSQL__PORT, Kafka at $WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS,
simulate-api at $WALMART_ETL_WALMART_TOKEN__BASE_URL. Stop them with:
  kill ${pids[*]}; scripts/$db-local.sh stop$([ "$kafka" -eq 1 ] && echo "; scripts/kafka-local.sh stop")
TXT
  trap - EXIT
else
  echo "Stopping everything this demo started (the data stays in .local/$db)."
fi
