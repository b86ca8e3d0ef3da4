#!/usr/bin/env bash
# README command 2: installs what is missing, builds, starts the servers the tests need (a private
# MariaDB; the tests start the dev broker and the API simulator themselves), runs every ctest
# label (unit, integration, e2e), stops what it started, and exits non-zero on any failure.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh -L unit         # extra arguments go to ctest
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

echo "== installing dependencies (Debian packages)"
scripts/install-deps.sh
echo "== building"
scripts/build.sh

echo "== starting a private MariaDB"
started_db=0
if ! scripts/mariadb-local.sh status >/dev/null 2>&1; then
  scripts/mariadb-local.sh start
  started_db=1
fi
cleanup() {
  if [ "$started_db" -eq 1 ]; then scripts/mariadb-local.sh stop || true; fi
}
trap cleanup EXIT

export ETL_TEST_MYSQL_HOST=127.0.0.1
export ETL_TEST_MYSQL_PORT=${ETL_MARIADB_PORT:-33306}
export ETL_TEST_MYSQL_USER=root
export ETL_TEST_MYSQL_PASSWORD=
export ETL_TEST_MYSQL_SSL_CA=${ETL_MARIADB_DIR:-$here/.local/mariadb}/tls/ca.pem

echo "== running tests"
args=("$@")
if [ ${#args[@]} -eq 0 ]; then args=(-L 'unit|integration|e2e'); fi
ctest --test-dir build --output-on-failure --timeout 900 -j2 "${args[@]}"
