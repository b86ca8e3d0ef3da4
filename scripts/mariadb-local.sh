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
# Connect: user walmart_etl over TCP at 127.0.0.1:$ETL_MARIADB_PORT with the random password
# generated on first start and kept in $ETL_MARIADB_DIR/walmart_etl.password (mode 0600);
# `env` prints the WALMART_ETL_MYSQL__* variables for it. It holds every privilege (the tests
# create and drop databases and users). Nobody logs in without a password over TCP: root and the
# invoking user log in only through the unix socket, as that same system user (unix_socket), and
# the socket lives in a directory only that user can enter.
# Files: SELECT ... INTO OUTFILE and LOAD DATA INFILE are confined to $ETL_MARIADB_DIR/files
# (secure_file_priv); LOAD DATA LOCAL INFILE is off (--local-infile=0; the LOAD DATA ceiling of
# the benchmarks switches it on for its own run only).
# TLS: the server offers TLS with a certificate for 127.0.0.1/localhost signed by a private CA
# generated on first start: $ETL_MARIADB_DIR/tls/ca.pem (verify with mysql.ssl_ca + verify_identity).
# A data directory made by an earlier version (root@127.0.0.1 without a password) is upgraded by
# `start`: the password user is created and every password-less TCP login removed.
set -euo pipefail
umask 077

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${ETL_MARIADB_DIR:-$here/.local/mariadb}
port=${ETL_MARIADB_PORT:-33306}
data=$dir/data
sock=$dir/mariadb.sock
pidf=$dir/mariadb.pid
errlog=$dir/mariadb.err
tls=$dir/tls
files=$dir/files
pwfile=$dir/walmart_etl.password
clientcnf=$dir/client.cnf
etl_user=walmart_etl
me=$(id -un)

mariadbd_bin=$(command -v mariadbd || echo /usr/sbin/mariadbd)
if [ ! -x "$mariadbd_bin" ]; then
  echo "mariadb-local: mariadbd not found; run scripts/install-deps.sh first" >&2
  exit 1
fi

# ping answers "alive" even when the login is refused: no credential needed.
is_up() {
  mariadb-admin --no-defaults --socket="$sock" -u"$me" ping >/dev/null 2>&1
}

# admin ARGS...: the mariadb client as the server's administrator, over the unix socket: the
# invoking user through unix_socket, or (a data directory of an earlier version, before `start`
# upgraded it) root without a password, which that version allowed on the socket only.
admin() {
  if mariadb --no-defaults --socket="$sock" -u"$me" -e 'SELECT 1' >/dev/null 2>&1; then
    mariadb --no-defaults --socket="$sock" -u"$me" "$@"
  else
    mariadb --no-defaults --socket="$sock" -uroot "$@"
  fi
}

password() {
  [ -s "$pwfile" ] || { echo "mariadb-local: $pwfile is missing: run '$0 start' first" >&2; exit 1; }
  cat "$pwfile"
}

print_env() {
  local pw
  pw=$(password)
  cat <<ENV
export WALMART_ETL_MYSQL__HOST=127.0.0.1
export WALMART_ETL_MYSQL__PORT=$port
export WALMART_ETL_MYSQL__USER=$etl_user
export WALMART_ETL_MYSQL__PASSWORD=$pw
export WALMART_ETL_MYSQL__SSL_CA=$tls/ca.pem
ENV
}

# The password user, the unix_socket administrators, and nothing that logs in without a password
# over TCP. Idempotent: runs at every start, so it also upgrades an earlier version's data.
secure_accounts() {
  if [ ! -s "$pwfile" ]; then
    openssl rand -hex 24 >"$pwfile.tmp"
    mv "$pwfile.tmp" "$pwfile"
  fi
  chmod 600 "$pwfile"
  local pw
  pw=$(cat "$pwfile")
  # The password travels on stdin, never in a process's arguments.
  admin <<SQL
CREATE USER IF NOT EXISTS '$me'@'localhost' IDENTIFIED VIA unix_socket;
GRANT ALL ON *.* TO '$me'@'localhost' WITH GRANT OPTION;
ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket;
DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'%', ''@'localhost', ''@'%', ''@'127.0.0.1';
CREATE USER IF NOT EXISTS '$etl_user'@'127.0.0.1' IDENTIFIED BY '$pw';
ALTER USER '$etl_user'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL ON *.* TO '$etl_user'@'127.0.0.1' WITH GRANT OPTION;
SQL
  # Any other account left without a password (e.g. made by hand) loses its TCP login.
  local open_accounts
  open_accounts=$(admin -N -e "SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.global_priv
    WHERE Host <> 'localhost' AND IFNULL(JSON_VALUE(Priv, '\$.plugin'), '') IN ('mysql_native_password', 'mysql_old_password', '')
      AND IFNULL(JSON_VALUE(Priv, '\$.authentication_string'), '') = ''")
  if [ -n "$open_accounts" ]; then
    admin -e "DROP USER $(echo "$open_accounts" | paste -sd, -)"
  fi
  printf '[client]\nuser=%s\npassword=%s\nhost=127.0.0.1\nport=%s\nssl-ca=%s\nssl-verify-server-cert\n' \
    "$etl_user" "$pw" "$port" "$tls/ca.pem" >"$clientcnf"
  chmod 600 "$clientcnf"
}

# A private CA and a server certificate for 127.0.0.1 and localhost (scripts/local-tls.sh).
. "$here/scripts/local-tls.sh"
make_tls() { make_local_tls "$tls" "walmart-etl local MariaDB CA" "$dir/tls.log" mariadb-local; }

start() {
  mkdir -p "$dir" "$files"
  chmod 700 "$dir" "$files"
  chmod -R go-rwx "$dir"  # files an earlier version left readable to others
  make_tls
  if is_up; then
    echo "mariadb-local: already running on 127.0.0.1:$port (socket $sock)"
    return 0
  fi
  if [ ! -d "$data/mysql" ]; then
    mkdir -p "$data"
    if ! mariadb-install-db --no-defaults --datadir="$data" --user="$me" \
        --auth-root-authentication-method=socket --auth-root-socket-user="$me" \
        --skip-test-db >"$dir/install.log" 2>&1; then
      cat "$dir/install.log" >&2
      echo "mariadb-local: mariadb-install-db failed (see above)" >&2
      exit 1
    fi
  fi
  chmod 700 "$data"
  # A stale pid/socket from a killed server would block the start.
  rm -f "$sock" "$pidf"
  "$mariadbd_bin" --no-defaults --datadir="$data" --user="$me" \
    --bind-address=127.0.0.1 --port="$port" --socket="$sock" --pid-file="$pidf" \
    --log-error="$errlog" --skip-name-resolve --local-infile=0 --secure-file-priv="$files" \
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
  secure_accounts
  echo "mariadb-local: running on 127.0.0.1:$port (socket $sock), user $etl_user (password in $pwfile), TLS CA $tls/ca.pem"
  echo "  connect: $0 client    or: eval \"\$($0 env)\""
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
  admin -e 'SHUTDOWN' >/dev/null 2>&1 || true
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
  client)
    shift
    [ -s "$clientcnf" ] || { echo "mariadb-local: $clientcnf is missing: run '$0 start' first" >&2; exit 1; }
    exec mariadb --defaults-file="$clientcnf" "$@" ;;
  *) echo "usage: $0 start|stop|status|env|client [mariadb args...]" >&2; exit 2 ;;
esac
