#!/usr/bin/env bash
# README command 1: on a fresh Debian machine, installs what is missing, builds, starts a private
# MariaDB and creates the ods tables. (Later stages of the demo run the whole flow.)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
scripts/install-deps.sh
scripts/build.sh
scripts/mariadb-local.sh start
eval "$(scripts/mariadb-local.sh env)"
bin=build/src/cli/walmart-etl
"$bin" init-db
scripts/mariadb-local.sh client -e "SHOW TABLES FROM ods"
