#!/usr/bin/env bash
# A private MariaDB server for development, tests and the demo: Debian's mariadbd, in its own data
# directory, on a loopback TCP port and a unix socket, as the current user. It never touches the
# system service. Starting twice is harmless; stop is clean.
#
#   scripts/mariadb-local.sh start|stop|status|env|client [args...]
#
# Environment (all optional):
#   ETL_MARIADB_DIR   data + runtime directory (default: <repo>/.local/mariadb)
#   ETL_MARIADB_PORT  TCP port on 127.0.0.1 (default: 33306)
# Connect: user root, empty password, 127.0.0.1:$ETL_MARIADB_PORT (or the socket).
# TLS: the server offers TLS with a certificate for 127.0.0.1/localhost signed by a private CA
# generated on first start: $ETL_MARIADB_DIR/tls/ca.pem (verify with mysql.ssl_ca + verify_identity).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${ETL_MARIADB_DIR:-$here/.local/mariadb}
port=${ETL_MARIADB_PORT:-33306}
data=$dir/data
sock=$dir/mariadb.sock
pidf=$dir/mariadb.pid
errlog=$dir/mariadb.err
tls=$dir/tls
me=$(id -un)

mariadbd_bin=$(command -v mariadbd || echo /usr/sbin/mariadbd)
if [ ! -x "$mariadbd_bin" ]; then
  echo "mariadb-local: mariadbd not found; run scripts/install-deps.sh first" >&2
  exit 1
fi

is_up() {
  mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1
}

print_env() {
  cat <<ENV
export WALMART_ETL_MYSQL__HOST=127.0.0.1
export WALMART_ETL_MYSQL__PORT=$port
export WALMART_ETL_MYSQL__USER=root
export WALMART_ETL_MYSQL__PASSWORD=
export WALMART_ETL_MYSQL__SSL_CA=$tls/ca.pem
ENV
}

# A private CA and a server certificate for 127.0.0.1 and localhost (10 years; regenerated only
# when missing).
make_tls() {
  [ -s "$tls/server-cert.pem" ] && [ -s "$tls/ca.pem" ] && return 0
  mkdir -p "$tls"
  (
    cd "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=walmart-etl local MariaDB CA" \
      -keyout ca-key.pem -out ca.pem
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server-key.pem -out server.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile server.ext -out server-cert.pem
    chmod 600 ca-key.pem server-key.pem
  ) >"$dir/tls.log" 2>&1 || { cat "$dir/tls.log" >&2; echo "mariadb-local: cannot create TLS files" >&2; exit 1; }
}

start() {
  mkdir -p "$dir"
  make_tls
  if is_up; then
    echo "mariadb-local: already running on 127.0.0.1:$port (socket $sock)"
    return 0
  fi
  if [ ! -d "$data/mysql" ]; then
    mkdir -p "$data"
    if ! mariadb-install-db --no-defaults --datadir="$data" --user="$me" \
        --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1; then
      cat "$dir/install.log" >&2
      echo "mariadb-local: mariadb-install-db failed (see above)" >&2
      exit 1
    fi
  fi
  # A stale pid/socket from a killed server would block the start.
  rm -f "$sock" "$pidf"
  "$mariadbd_bin" --no-defaults --datadir="$data" --user="$me" \
    --bind-address=127.0.0.1 --port="$port" --socket="$sock" --pid-file="$pidf" \
    --log-error="$errlog" --skip-name-resolve --local-infile=1 \
    --ssl-ca="$tls/ca.pem" --ssl-cert="$tls/server-cert.pem" --ssl-key="$tls/server-key.pem" \
    --max-allowed-packet=64M --innodb-buffer-pool-size=512M --innodb-log-file-size=256M \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --default-time-zone=+00:00 --max-connections=500 \
    >/dev/null 2>&1 &
  local deadline=$((SECONDS + 60))
  until is_up; do
    if [ $SECONDS -ge $deadline ]; then
      echo "mariadb-local: server did not come up within 60 s; log follows ($errlog):" >&2
      tail -n 30 "$errlog" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  # TCP logins from 127.0.0.1 (skip-name-resolve) need an account for that host.
  mariadb --no-defaults --socket="$sock" -uroot -e \
    "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"
  echo "mariadb-local: running on 127.0.0.1:$port (socket $sock), user root, empty password, TLS CA $tls/ca.pem"
  echo "  connect: mariadb -h127.0.0.1 -P$port -uroot    or: $0 client"
}

stop() {
  if ! is_up; then
    if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then
      kill "$(cat "$pidf")" || true
    fi
    echo "mariadb-local: not running"
    return 0
  fi
  local pid=""
  [ -f "$pidf" ] && pid=$(cat "$pidf")
  mariadb-admin --no-defaults --socket="$sock" -uroot shutdown >/dev/null 2>&1 || true
  local deadline=$((SECONDS + 60))
  while { [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; } || is_up; do
    if [ $SECONDS -ge $deadline ]; then
      echo "mariadb-local: shutdown timed out; killing $pid" >&2
      [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  echo "mariadb-local: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if is_up; then echo "mariadb-local: running on 127.0.0.1:$port (socket $sock)"; else echo "mariadb-local: not running"; exit 3; fi ;;
  env) print_env ;;
  client) shift; exec mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot "$@" ;;
  *) echo "usage: $0 start|stop|status|env|client [mariadb args...]" >&2; exit 2 ;;
esac
