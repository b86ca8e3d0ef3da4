#!/usr/bin/env bash
# A private Oracle MySQL server for development, tests and the demo, beside the private MariaDB of
# scripts/mariadb-local.sh. Debian 12 ships no MySQL server; Debian sid (unstable) ships Oracle
# MySQL 9.x as `mysql-server-core`. Its binaries need a newer C library than Debian 12's, so they
# are not installed: this script downloads the package and its library closure through apt with a
# private configuration (nothing in the machine's apt configuration or system folders changes),
# unpacks them into one folder, and runs mysqld through the loader of that folder, on loopback, in
# its own data directory, as the current user. Starting twice is harmless; stop is clean.
#
#   scripts/mysql-local.sh start|stop|status|env|client [args...]
#
# Environment (all optional):
#   ETL_MYSQL_DIR    data + runtime directory (default: <repo>/.local/mysql)
#   ETL_MYSQL_PORT   TCP port on 127.0.0.1 (default: 33406)
#   ETL_MYSQL_ROOT   where the packages are unpacked (default: <repo>/.local/mysql-root; shared
#                    by every server of this script, downloaded once)
#   ETL_MYSQL_SUITE  the Debian suite to take MySQL from (default: sid)
#   ETL_MYSQL_TLS    off: the server offers no TLS (for the tests of what the client does then)
# Connect: user `etl` with a random password (kept in $ETL_MYSQL_DIR/etl.password, mode 0600) over
# TCP on 127.0.0.1:$ETL_MYSQL_PORT; `eval "$(scripts/mysql-local.sh env)"` exports it for
# walmart-etl. root has no password but can only log in through the socket (auth_socket is not
# used: the socket file is in a 0700 directory).
# TLS: the server offers TLS with a certificate for 127.0.0.1/localhost signed by a private CA
# generated on first start: $ETL_MYSQL_DIR/tls/ca.pem (verify with mysql.ssl_ca + verify_identity).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${ETL_MYSQL_DIR:-$here/.local/mysql}
port=${ETL_MYSQL_PORT:-33406}
root=${ETL_MYSQL_ROOT:-$here/.local/mysql-root}
suite=${ETL_MYSQL_SUITE:-sid}
apt_dir=$root.apt
data=$dir/data
sock=$dir/mysql.sock
pidf=$dir/mysql.pid
errlog=$dir/mysql.err
tls=$dir/tls
files=$dir/files
pwfile=$dir/etl.password
tls_on=1
[ "${ETL_MYSQL_TLS:-on}" = off ] && tls_on=0
me=$(id -un)

# mysqld and the client run through the unpacked root's own loader and libraries.
run_in_root() {
  "$root/usr/lib64/ld-linux-x86-64.so.2" --library-path "$root/usr/lib/x86_64-linux-gnu" "$@"
}

mysql_cli() {
  run_in_root "$root/usr/bin/mysql" --no-defaults "$@"
}

# The Debian archive this machine's apt already uses (its first `deb` source that is not a
# security archive).
debian_mirror() {
  local uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
      /etc/apt/sources.list)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

# apt with a private configuration: its own sources file, lists, cache and an empty dpkg status
# (so the closure is computed as for an empty system: every library comes from the suite).
apt_private() {
  local tool=$1
  shift
  "$tool" -o Dir::Etc::sourcelist="$apt_dir/sources.list" -o Dir::Etc::sourceparts=- \
    -o Dir::State="$apt_dir/state" -o Dir::State::Lists="$apt_dir/lists" \
    -o Dir::State::status="$apt_dir/status" -o Dir::Cache="$apt_dir/cache" \
    -o Dir::Etc::preferences="$apt_dir/preferences" -o Dir::Etc::preferencesparts=- \
    -o APT::Architecture=amd64 -o APT::Architectures=amd64 -o Acquire::Languages=none \
    -o Debug::NoLocking=1 "$@"
}

fetch_mysql() {
  [ -x "$root/usr/sbin/mysqld" ] && [ -f "$root/.complete" ] && return 0
  for tool in apt-get apt-cache dpkg-deb; do
    command -v "$tool" >/dev/null || { echo "mysql-local: $tool not found (Debian's apt is needed)" >&2; exit 1; }
  done
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/state" "$apt_dir/debs"
  : >"$apt_dir/status"
  : >"$apt_dir/preferences"
  local mirror
  mirror=$(debian_mirror)
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
    >"$apt_dir/sources.list"
  echo "mysql-local: reading the package lists of Debian $suite from $mirror (private apt configuration)"
  if ! apt_private apt-get -q update >"$apt_dir/update.log" 2>&1; then
    cat "$apt_dir/update.log" >&2
    echo "mysql-local: apt-get update of Debian $suite from $mirror failed (see above)" >&2
    exit 1
  fi
  if ! apt_private apt-cache show mysql-server-core >/dev/null 2>&1; then
    echo "mysql-local: the archive $mirror does not serve mysql-server-core for Debian $suite;" \
      "set ETL_MYSQL_SUITE to a suite that has it" >&2
    exit 1
  fi
  # The package and everything it needs to run, minus perl (mysqld does not use it; only some
  # helper scripts of the package do) and the virtual packages apt lists in angle brackets.
  local pkgs
  pkgs=$(apt_private apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
      --no-breaks --no-replaces --no-enhances mysql-server-core mysql-client-core 2>/dev/null |
    awk '/^[a-z0-9]/ {print $1}' | grep -v -E '^(perl|perl-base|perl-modules-.*|libperl.*|debconf.*|dpkg|install-info)$' |
    sort -u)
  if [ -z "$pkgs" ]; then
    echo "mysql-local: could not resolve the dependencies of mysql-server-core in Debian $suite" >&2
    exit 1
  fi
  echo "mysql-local: downloading $(echo "$pkgs" | wc -l) packages (mysql-server-core and its libraries; reused on later starts)"
  # shellcheck disable=SC2086
  if ! (cd "$apt_dir/debs" && apt_private apt-get -q download $pkgs >"$apt_dir/download.log" 2>&1); then
    tail -n 20 "$apt_dir/download.log" >&2
    echo "mysql-local: downloading the MySQL packages failed (see above)" >&2
    exit 1
  fi
  rm -rf "$root"
  mkdir -p "$root"
  for deb in "$apt_dir"/debs/*.deb; do
    dpkg-deb -x "$deb" "$root"
  done
  if [ ! -x "$root/usr/sbin/mysqld" ] || [ ! -e "$root/usr/lib64/ld-linux-x86-64.so.2" ]; then
    echo "mysql-local: the unpacked packages in $root lack mysqld or the loader" >&2
    exit 1
  fi
  touch "$root/.complete"
}

is_up() {
  [ -S "$sock" ] && mysql_cli --socket="$sock" -uroot -e 'SELECT 1' >/dev/null 2>&1
}

print_env() {
  local pw=""
  [ -f "$pwfile" ] && pw=$(cat "$pwfile")
  cat <<ENV
export WALMART_ETL_MYSQL__HOST=127.0.0.1
export WALMART_ETL_MYSQL__PORT=$port
export WALMART_ETL_MYSQL__USER=etl
export WALMART_ETL_MYSQL__PASSWORD='$pw'
export WALMART_ETL_MYSQL__SSL_CA=$tls/ca.pem
ENV
}

# A private CA and a server certificate for 127.0.0.1 and localhost (scripts/local-tls.sh).
. "$here/scripts/local-tls.sh"
make_tls() { make_local_tls "$tls" "walmart-etl local MySQL CA" "$dir/tls.log" mysql-local; }

# The product's login: a password user over TCP. The password is made once and kept in a file
# only the current user can read.
ensure_password() {
  if [ ! -s "$pwfile" ]; then
    (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$pwfile")
  fi
  chmod 600 "$pwfile"
  # The `client` verb's options (a file, so the password is not on a command line).
  local tls_opts
  tls_opts=$(printf 'ssl-mode=VERIFY_IDENTITY\nssl-ca=%s' "$tls/ca.pem")
  [ $tls_on -eq 1 ] || tls_opts=$(printf 'ssl-mode=DISABLED\nserver-public-key-path=%s' "$data/public_key.pem")
  (umask 077 && printf '[client]\nhost=127.0.0.1\nport=%s\nuser=etl\npassword=%s\n%s\n' \
    "$port" "$(cat "$pwfile")" "$tls_opts" >"$dir/client.cnf")
}

start() {
  mkdir -p "$dir"
  chmod 700 "$dir"
  fetch_mysql
  make_tls
  ensure_password
  mkdir -p "$files"
  chmod 700 "$files"
  local version
  version=$(run_in_root "$root/usr/sbin/mysqld" --no-defaults --version | sed 's/.*Ver \([^ ]*\).*/\1/')
  if is_up; then
    echo "mysql-local: MySQL $version already running on 127.0.0.1:$port (socket $sock)"
    return 0
  fi
  local common=(--no-defaults --basedir="$root/usr" --lc-messages-dir="$root/usr/share/mysql"
    --plugin-dir="$root/usr/lib/mysql/plugin" --datadir="$data" --user="$me")
  if [ ! -d "$data/mysql" ]; then
    rm -rf "$data"
    if ! run_in_root "$root/usr/sbin/mysqld" "${common[@]}" --initialize-insecure \
        --log-error="$dir/install.log" >/dev/null 2>&1; then
      cat "$dir/install.log" >&2
      echo "mysql-local: mysqld --initialize-insecure failed (see above)" >&2
      exit 1
    fi
  fi
  # A stale pid/socket from a killed server would block the start.
  rm -f "$sock" "$sock.lock" "$pidf"
  # secure_file_priv: SELECT … INTO OUTFILE and LOAD DATA (non-LOCAL) only in a private folder.
  # X protocol off: one listener only. local_infile stays OFF (the server default); the LOAD DATA
  # ceiling of the benchmarks turns it on for itself.
  local tls_args=(--ssl-ca="$tls/ca.pem" --ssl-cert="$tls/server-cert.pem" --ssl-key="$tls/server-key.pem")
  [ $tls_on -eq 1 ] || tls_args=(--tls-version=)
  run_in_root "$root/usr/sbin/mysqld" "${common[@]}" \
    --bind-address=127.0.0.1 --port="$port" --socket="$sock" --pid-file="$pidf" \
    --log-error="$errlog" --skip-name-resolve --mysqlx=OFF --secure-file-priv="$files" \
    "${tls_args[@]}" \
    --max-allowed-packet=64M --innodb-buffer-pool-size=512M --innodb-redo-log-capacity=512M \
    --default-time-zone=+00:00 --max-connections=500 --disable-log-bin \
    >/dev/null 2>&1 &
  local deadline=$((SECONDS + 90))
  until is_up; do
    if [ $SECONDS -ge $deadline ]; then
      echo "mysql-local: server did not come up within 90 s; log follows ($errlog):" >&2
      tail -n 30 "$errlog" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  local pw
  pw=$(cat "$pwfile")
  mysql_cli --socket="$sock" -uroot -e \
    "CREATE USER IF NOT EXISTS 'etl'@'127.0.0.1' IDENTIFIED BY '$pw';
     ALTER USER 'etl'@'127.0.0.1' IDENTIFIED BY '$pw';
     GRANT ALL ON *.* TO 'etl'@'127.0.0.1' WITH GRANT OPTION;"
  local tls_note="TLS CA $tls/ca.pem"
  [ $tls_on -eq 1 ] || tls_note="NO TLS (ETL_MYSQL_TLS=off), RSA public key $data/public_key.pem"
  echo "mysql-local: MySQL $version running on 127.0.0.1:$port (socket $sock), user etl, password in $pwfile, $tls_note"
  echo "  connect: $0 client    or: eval \"\$($0 env)\" for walmart-etl"
}

stop() {
  if ! is_up; then
    if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then
      kill "$(cat "$pidf")" || true
    fi
    echo "mysql-local: not running"
    return 0
  fi
  local pid=""
  [ -f "$pidf" ] && pid=$(cat "$pidf")
  mysql_cli --socket="$sock" -uroot -e 'SHUTDOWN' >/dev/null 2>&1 || true
  local deadline=$((SECONDS + 60))
  while { [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; } || is_up; do
    if [ $SECONDS -ge $deadline ]; then
      echo "mysql-local: shutdown timed out; killing $pid" >&2
      [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  echo "mysql-local: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if is_up; then echo "mysql-local: running on 127.0.0.1:$port (socket $sock)"; else echo "mysql-local: not running"; exit 3; fi ;;
  env) print_env ;;
  client)
    shift
    [ -x "$root/usr/bin/mysql" ] && [ -s "$dir/client.cnf" ] ||
      { echo "mysql-local: not set up yet; run $0 start" >&2; exit 1; }
    exec "$root/usr/lib64/ld-linux-x86-64.so.2" --library-path "$root/usr/lib/x86_64-linux-gnu" \
      "$root/usr/bin/mysql" --defaults-file="$dir/client.cnf" "$@" ;;
  *) echo "usage: $0 start|stop|status|env|client [mysql args...]" >&2; exit 2 ;;
esac
