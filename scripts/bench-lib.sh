# Shared by the scripts/bench-*.sh benchmarks (sourced, not run): checking the built binaries and
# the private MariaDB the load and stream benchmarks write into, and the local Apache Kafka broker.
# Expects $here (the repository) to be set by the caller.

# bench_require NAME FILE...: exits with a hint unless every FILE is a built executable.
bench_require() {
  local name=$1 b
  shift
  for b in "$@"; do
    if [ ! -x "$b" ]; then
      echo "$name: $b not found; build first (scripts/build.sh, Release)" >&2
      exit 1
    fi
  done
}

# bench_mariadb_up PORT: starts the private MariaDB (scripts/mariadb-local.sh) unless it runs, and
# points the benchmark programs at it (ETL_TEST_MYSQL_*). bench_mariadb_down stops it again only
# if bench_mariadb_up started it.
bench_started_db=0
bench_mariadb_up() {
  if ! "$here/scripts/mariadb-local.sh" status >/dev/null 2>&1; then
    "$here/scripts/mariadb-local.sh" start
    bench_started_db=1
  fi
  local login
  login=$("$here/scripts/mariadb-local.sh" env)
  ETL_TEST_MYSQL_USER=$(sed -n 's/^export WALMART_ETL_MYSQL__USER=//p' <<<"$login")
  ETL_TEST_MYSQL_PASSWORD=$(sed -n 's/^export WALMART_ETL_MYSQL__PASSWORD=//p' <<<"$login")
  export ETL_TEST_MYSQL_HOST=127.0.0.1 ETL_TEST_MYSQL_PORT=$1 ETL_TEST_MYSQL_USER ETL_TEST_MYSQL_PASSWORD
  # The LOAD DATA LOCAL INFILE ceiling needs the server to accept local files; the private server
  # refuses them otherwise, and does again when the benchmark ends.
  "$here/scripts/mariadb-local.sh" client -e 'SET GLOBAL local_infile = 1'
}
bench_mariadb_down() {
  "$here/scripts/mariadb-local.sh" client -e 'SET GLOBAL local_infile = 0' 2>/dev/null || true
  if [ "$bench_started_db" -eq 1 ]; then "$here/scripts/mariadb-local.sh" stop || true; fi
}

# bench_kafka_up: starts the local Apache Kafka broker (scripts/kafka-local.sh) unless it runs and
# exports its addresses (ETL_KAFKA_BOOTSTRAP, ...). bench_kafka_down stops it again only if
# bench_kafka_up started it.
bench_started_kafka=0
bench_kafka_up() {
  if ! "$here/scripts/kafka-local.sh" status >/dev/null 2>&1; then
    "$here/scripts/kafka-local.sh" start
    bench_started_kafka=1
  fi
  eval "$("$here/scripts/kafka-local.sh" env)"
}
bench_kafka_down() {
  if [ "$bench_started_kafka" -eq 1 ]; then "$here/scripts/kafka-local.sh" stop || true; fi
}
