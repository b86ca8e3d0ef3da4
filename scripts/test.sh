#!/usr/bin/env bash
# README command 2: installs what is missing, builds, starts the servers the tests need (a private
# MariaDB, a private MySQL and a local Apache Kafka broker; the tests start the dev broker, the API
# simulator and any server they crash themselves), runs every ctest label (unit, integration, e2e),
# stops what it started, and exits non-zero on any failure.
#
# Every test that talks to a database is registered once per server (ctest labels `mariadb` and
# `mysql`). They run in one ctest pass per server, with ETL_TEST_MYSQL_* pointing at that server
# (taken from its script's `env` verb); the tests without a database run in a pass of their own.
#
#   scripts/test.sh                         # everything, on both servers
#   scripts/test.sh -L unit                 # extra arguments go to every ctest pass
#   scripts/test.sh -R e2e_load             # e2e_load_mariadb and e2e_load_mysql
#   ETL_TEST_SERVERS=mariadb scripts/test.sh   # only these servers (mariadb, mysql or both)
echo "== installing dependencies (Debian packages)"
scripts/install-deps.sh
echo "== checking that every repository path named in docs and comments exists"
scripts/check-paths.sh
echo "== checking the C++ formatting (.clang-format)"
scripts/check-format.sh
echo "== building (warnings are errors)"
scripts/build.sh -DETL_WERROR=ON
echo "== clang-tidy (.clang-tidy) over src/ and tools/"
scripts/check-tidy.sh

servers=${ETL_TEST_SERVERS:-mariadb mysql}
for server in $servers; do
  case $server in
    mariadb | mysql) ;;
    *) echo "test.sh: ETL_TEST_SERVERS: unknown server '$server' (mariadb, mysql)" >&2; exit 2 ;;
  esac
done

started_db=()
started_kafka=0
cleanup() {
  if [ "$started_kafka" -eq 1 ]; then scripts/kafka-local.sh stop || true; fi
  for server in "${started_db[@]}"; do scripts/"$server"-local.sh stop || true; done
}
trap cleanup EXIT

for server in $servers; do
  echo "== starting a private $server"
  if ! scripts/"$server"-local.sh status >/dev/null 2>&1; then
    started_db+=("$server")
    scripts/"$server"-local.sh start
  fi
done

echo "== starting a local Apache Kafka broker"
if ! scripts/kafka-local.sh status >/dev/null 2>&1; then
  started_kafka=1
  scripts/kafka-local.sh start
fi
# ETL_KAFKA_BOOTSTRAP, ETL_KAFKA_SASL_BOOTSTRAP, ETL_KAFKA_CA, ETL_KAFKA_SASL_USER/PASSWORD
eval "$(scripts/kafka-local.sh env)"
export ETL_TEST_KAFKA_BOOTSTRAP=$ETL_KAFKA_BOOTSTRAP
export ETL_TEST_KAFKA_SASL_BOOTSTRAP=$ETL_KAFKA_SASL_BOOTSTRAP
export ETL_TEST_KAFKA_CA=$ETL_KAFKA_CA
export ETL_TEST_KAFKA_SASL_USER=$ETL_KAFKA_SASL_USER
export ETL_TEST_KAFKA_SASL_PASSWORD=$ETL_KAFKA_SASL_PASSWORD
unset WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS

# ETL_TEST_MYSQL_* for one server, from its script's `env` verb (the login it created).
use_server() {
  eval "$(scripts/"$1"-local.sh env)"
  export ETL_TEST_SERVER=$1
  export ETL_TEST_MYSQL_HOST=$WALMART_ETL_MYSQL__HOST
  export ETL_TEST_MYSQL_PORT=$WALMART_ETL_MYSQL__PORT
  export ETL_TEST_MYSQL_USER=$WALMART_ETL_MYSQL__USER
  export ETL_TEST_MYSQL_PASSWORD=$WALMART_ETL_MYSQL__PASSWORD
  export ETL_TEST_MYSQL_SSL_CA=$WALMART_ETL_MYSQL__SSL_CA
  unset WALMART_ETL_MYSQL__HOST WALMART_ETL_MYSQL__PORT WALMART_ETL_MYSQL__USER \
    WALMART_ETL_MYSQL__PASSWORD WALMART_ETL_MYSQL__SSL_CA
}

args=("$@")
if [ ${#args[@]} -eq 0 ]; then args=(-L 'unit|integration|e2e|kafka'); fi
failed=()
run_pass() {
  local name=$1
  shift
  echo "== running tests: $name"
  local t0=$SECONDS
  if ! ctest --test-dir build --output-on-failure --timeout 900 -j2 "$@" "${args[@]}"; then
    failed+=("$name")
  fi
  echo "== $name: $((SECONDS - t0)) s"
}
# The tests without a database (the first server's address is exported for any that still
# expects one).
use_server "${servers%% *}"
run_pass "without a database" -LE 'mariadb|mysql'
for server in $servers; do
  use_server "$server"
  run_pass "on $server" -L "$server"
done
# The Debian package, as an operator installs it (scripts/test-package.sh: build, lintian, dpkg -i,
# the installed binary against MariaDB, upgrade, purge). A full run only: with ctest arguments it
# is not run, and says so.
if [ $# -eq 0 ]; then
  case " $servers " in *" mariadb "*) use_server mariadb ;; *) use_server "${servers%% *}" ;; esac
  echo "== running tests: the Debian package"
  t0=$SECONDS
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    as_root=(sudo --preserve-env=ETL_TEST_MYSQL_HOST,ETL_TEST_MYSQL_PORT,ETL_TEST_MYSQL_USER,ETL_TEST_MYSQL_PASSWORD,ETL_TEST_MYSQL_SSL_CA,BUILD_DIR)
  fi
  if ! "${as_root[@]}" scripts/test-package.sh; then failed+=("the Debian package"); fi
  echo "== the Debian package: $((SECONDS - t0)) s"
else
  echo "== the Debian package: not tested (ctest arguments given; scripts/test-package.sh tests it)"
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "test.sh: failures in: ${failed[*]}" >&2
  exit 1
fi
