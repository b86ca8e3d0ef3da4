# Shared by the scripts/bench-*.sh benchmarks (sourced, not run): checking the built binaries and
# the private MariaDB or MySQL the load and stream benchmarks write into, and the local Apache
# Kafka broker.
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

# The database server the load and stream benchmarks write into: ETL_BENCH_SERVER=mariadb (the
# default, scripts/mariadb-local.sh) or mysql (Oracle MySQL, scripts/mysql-local.sh). Each script
# takes its port from its own variable (ETL_MARIADB_PORT, ETL_MYSQL_PORT).
bench_server=${ETL_BENCH_SERVER:-mariadb}
case "$bench_server" in
  mariadb | mysql) ;;
  *)
    echo "bench: ETL_BENCH_SERVER=$bench_server: expected mariadb or mysql" >&2
    exit 2
    ;;
esac
bench_local="$here/scripts/$bench_server-local.sh"

# bench_admin ARGS...: the server's administrator, for the LOAD DATA ceiling's switch only. The
# product's login is never used for it: each local-server script documents its administrator login
# through the unix socket (MariaDB: the invoking system user via unix_socket; MySQL: root, which
# has no password and can only come in through the socket in the private 0700 folder).
bench_admin() {
  if [ "$bench_server" = mariadb ]; then
    mariadb --no-defaults --socket="${ETL_MARIADB_DIR:-$here/.local/mariadb}/mariadb.sock" \
      -u"$(id -un)" "$@"
  else
    # The client verb reads the product's login from its options file; these override it (the
    # client warns about a password on the command line for --skip-password: not shown).
    "$bench_local" client --host=localhost --socket="${ETL_MYSQL_DIR:-$here/.local/mysql}/mysql.sock" \
      -uroot --skip-password "$@" 2> >(grep -v 'Using a password on the command line' >&2)
  fi
}

# bench_db_up: starts the private server of ETL_BENCH_SERVER unless it runs, and points the
# benchmark programs at it with the product's login (ETL_TEST_SERVER, ETL_TEST_MYSQL_*, as
# scripts/test.sh does). bench_db_down stops it again only if bench_db_up started it.
bench_started_db=0
bench_db_up() {
  if ! "$bench_local" status >/dev/null 2>&1; then
    "$bench_local" start
    bench_started_db=1
  fi
  local login
  login=$("$bench_local" env)
  eval "$login"
  export ETL_TEST_SERVER=$bench_server
  export ETL_TEST_MYSQL_HOST=$WALMART_ETL_MYSQL__HOST ETL_TEST_MYSQL_PORT=$WALMART_ETL_MYSQL__PORT
  export ETL_TEST_MYSQL_USER=$WALMART_ETL_MYSQL__USER
  export ETL_TEST_MYSQL_PASSWORD=$WALMART_ETL_MYSQL__PASSWORD
  export ETL_TEST_MYSQL_SSL_CA=$WALMART_ETL_MYSQL__SSL_CA
  unset WALMART_ETL_MYSQL__HOST WALMART_ETL_MYSQL__PORT WALMART_ETL_MYSQL__USER \
    WALMART_ETL_MYSQL__PASSWORD WALMART_ETL_MYSQL__SSL_CA
  # The LOAD DATA LOCAL INFILE ceiling needs the server to accept local files; both private
  # servers refuse them (the servers' default), and do again when the benchmark ends. The product
  # never uses LOCAL INFILE; only the benchmark programs' ceiling connections ask for it.
  bench_admin -e 'SET GLOBAL local_infile = 1'
  echo "bench: $("$bench_local" status), $(bench_admin -N -e 'SELECT VERSION()'), local_infile on for the ceiling"
}
bench_db_down() {
  bench_admin -e 'SET GLOBAL local_infile = 0' 2>/dev/null || true
  if [ "$bench_started_db" -eq 1 ]; then "$bench_local" stop || true; fi
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
