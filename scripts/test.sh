#!/usr/bin/env bash
# README command 2: installs what is missing, builds, starts the servers the tests need (a private
# MariaDB and a local Apache Kafka broker; the tests start the dev broker, the API simulator and any
# broker they crash themselves), runs every ctest
# label (unit, integration, e2e), stops what it started, and exits non-zero on any failure.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh -L unit         # extra arguments go to ctest
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

echo "== installing dependencies (Debian packages)"
scripts/install-deps.sh
echo "== checking the C++ formatting (.clang-format)"
scripts/check-format.sh
echo "== building (warnings are errors)"
scripts/build.sh -DETL_WERROR=ON
echo "== clang-tidy (.clang-tidy) over src/ and tools/"
scripts/check-tidy.sh

echo "== starting a private MariaDB"
started_db=0
if ! scripts/mariadb-local.sh status >/dev/null 2>&1; then
  scripts/mariadb-local.sh start
  started_db=1
fi
started_kafka=0
cleanup() {
  if [ "$started_kafka" -eq 1 ]; then scripts/kafka-local.sh stop || true; fi
  if [ "$started_db" -eq 1 ]; then scripts/mariadb-local.sh stop || true; fi
}
trap cleanup EXIT

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

export ETL_TEST_MYSQL_HOST=127.0.0.1
export ETL_TEST_MYSQL_PORT=${ETL_MARIADB_PORT:-33306}
# The password user scripts/mariadb-local.sh made (its `env` verb), not root.
mysql_login=$(scripts/mariadb-local.sh env)
ETL_TEST_MYSQL_USER=$(sed -n 's/^export WALMART_ETL_MYSQL__USER=//p' <<<"$mysql_login")
ETL_TEST_MYSQL_PASSWORD=$(sed -n 's/^export WALMART_ETL_MYSQL__PASSWORD=//p' <<<"$mysql_login")
export ETL_TEST_MYSQL_USER ETL_TEST_MYSQL_PASSWORD
export ETL_TEST_MYSQL_SSL_CA=${ETL_MARIADB_DIR:-$here/.local/mariadb}/tls/ca.pem

echo "== running tests"
args=("$@")
if [ ${#args[@]} -eq 0 ]; then args=(-L 'unit|integration|e2e|kafka'); fi
ctest --test-dir build --output-on-failure --timeout 900 -j2 "${args[@]}"
