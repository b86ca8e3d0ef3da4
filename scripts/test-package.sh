#!/usr/bin/env bash
# Builds the Debian package and tests it the way an operator uses it, on this machine (as root,
# like CI's fresh Debian 12): lintian; `dpkg -i`; `walmart-etl --version` names the package's
# version; `man walmart-etl` renders; the installed config passes check-config with the secrets of
# /etc/walmart-etl/env; the installed units pass `systemd-analyze verify`; the binary's direct
# libraries all come from packages in Depends (what the container's runtime stage installs);
# the installed binary's init-db and load against the test MariaDB; a reinstall over an edited
# config keeps the edit, and a schema change is announced without touching the database;
# `dpkg --purge` leaves none of the package's files (nor the enablement links of its units).
#
# The database: ETL_TEST_MYSQL_HOST/PORT/USER/PASSWORD/SSL_CA, as scripts/test.sh's use_server sets
# them (it runs this script after its test passes). The script works in a database of its own
# (ods_pkg_test_<pid>) and drops it. It refuses to run when walmart-etl is already installed, and
# purges what it installed even when a step fails (trap). Exit 0 only when every check passed.
#
#   scripts/test-package.sh                # BUILD_DIR overrides build/
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(realpath -m "${BUILD_DIR:-$here/build}")

fail() {
  echo "test-package: FAIL: $*" >&2
  exit 1
}
step() { echo "== test-package: $*"; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (it installs and purges the package with dpkg)"
for var in ETL_TEST_MYSQL_HOST ETL_TEST_MYSQL_PORT ETL_TEST_MYSQL_USER ETL_TEST_MYSQL_PASSWORD; do
  [ -n "${!var:-}" ] || fail "$var is not set (scripts/test.sh sets it for its MariaDB)"
done
for tool in lintian help2man systemd-analyze man mariadb objdump; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run scripts/install-deps.sh"
done
if dpkg-query -W -f='${Status}' walmart-etl 2>/dev/null | grep -q installed; then
  fail "walmart-etl is already installed here; this test installs and purges it: remove it first"
fi

work=$(mktemp -d -t walmart-etl-pkg.XXXXXX)
database=ods_pkg_test_$$
installed=0
mysql_client() {
  MYSQL_PWD=$ETL_TEST_MYSQL_PASSWORD mariadb --host="$ETL_TEST_MYSQL_HOST" \
    --port="$ETL_TEST_MYSQL_PORT" --user="$ETL_TEST_MYSQL_USER" \
    ${ETL_TEST_MYSQL_SSL_CA:+--ssl-ca="$ETL_TEST_MYSQL_SSL_CA"} --batch --skip-column-names "$@"
}
cleanup() {
  local rc=$?
  if [ "$installed" -eq 1 ]; then
    dpkg --purge walmart-etl >/dev/null 2>&1 || echo "test-package: could not purge walmart-etl" >&2
    rm -f /etc/systemd/system/*.wants/walmart-etl-*.service \
      /etc/systemd/system/*.wants/walmart-etl-*.timer
  fi
  mysql_client -e "DROP DATABASE IF EXISTS \`$database\`" 2>/dev/null || true
  rm -rf "$work"
  if [ "$rc" -ne 0 ]; then echo "test-package: FAILED (the package was purged)" >&2; fi
  exit "$rc"
}
trap cleanup EXIT

# The binary runs in a directory of its own: nothing may appear there (no log file).
cd "$work"

# Under sudo, the build directory stays its owner's: the package is built as that user.
as_builder=()
if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then as_builder=(sudo -u "$SUDO_USER"); fi

step "building the package"
"${as_builder[@]}" rm -rf "$build/package"
"${as_builder[@]}" cmake --build "$build" --target package >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "building the package failed"; }
debs=("$build"/package/walmart-etl_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one walmart-etl_*.deb in $build/package"
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
arch=$(dpkg --print-architecture)
[ "$(basename "$deb")" = "walmart-etl_${version}_${arch}.deb" ] ||
  fail "$(basename "$deb") is not named walmart-etl_${version}_${arch}.deb"
[ "$(cat "$build/packaging/version.txt")" = "$version" ] ||
  fail "package version $version is not the built binary's $(cat "$build/packaging/version.txt")"
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1), Depends: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles >"$work/conffiles"
for f in /etc/walmart-etl/config.yml /etc/walmart-etl/env; do
  grep -qx "$f" "$work/conffiles" || fail "$f is not a conffile"
done

step "lintian"
# Every tag of severity warning or error fails; each override in packaging/lintian-overrides
# says why it does not apply.
lintian --fail-on error,warning --display-info "$deb" | tee "$work/lintian.log" ||
  fail "lintian reports the problems above"

step "installing it (dpkg -i)"
installed=1
dpkg -i "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "dpkg -i failed"; }
grep -q "no service was enabled or started" "$work/install.log" ||
  fail "the first install did not say that no service was started"
[ "$(stat -c %a /etc/walmart-etl/env)" = 600 ] || fail "/etc/walmart-etl/env is not mode 0600"

step "walmart-etl --version names the package's version"
first=$(walmart-etl --version | head -n1)
[ "$first" = "walmart-etl $version" ] || fail "--version says '$first', the package is $version"

step "man walmart-etl renders"
[ -f /usr/share/man/man1/walmart-etl.1.gz ] || fail "dpkg did not install the man page" \
  "(a path-exclude for /usr/share/man in /etc/dpkg/dpkg.cfg.d/, as in minimal images?)"
MANWIDTH=100 man --warnings walmart-etl >"$work/man.txt" 2>"$work/man.err" ||
  fail "man walmart-etl failed: $(cat "$work/man.err")"
[ ! -s "$work/man.err" ] || fail "man walmart-etl warns: $(cat "$work/man.err")"
for text in "COMMANDS" "check-config" "init-db" "stream" "--follow" "/etc/walmart-etl/env"; do
  grep -qF -- "$text" "$work/man.txt" || fail "the man page does not mention $text"
done

step "bash completion"
completion=/usr/share/bash-completion/completions/walmart-etl
bash -n "$completion" || fail "$completion is not valid bash"
grep -q -- "--all-accounts" "$completion" || fail "$completion lacks fetch's options"

step "check-config of the installed config, secrets from /etc/walmart-etl/env"
config=(--config /etc/walmart-etl/config.yml)
set +e
walmart-etl "${config[@]}" check-config >"$work/check.out" 2>&1
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "check-config without secrets exited $rc, not 2: $(cat "$work/check.out")"
grep -q "walmart_token.accounts" "$work/check.out" ||
  fail "check-config without secrets does not name the missing key: $(cat "$work/check.out")"
# The operator's edit: the test database's address and login, the account's credentials.
secret=pkg-test-secret-$$
cat >>/etc/walmart-etl/env <<EOF
WALMART_ETL_MYSQL__HOST=$ETL_TEST_MYSQL_HOST
WALMART_ETL_MYSQL__PORT=$ETL_TEST_MYSQL_PORT
WALMART_ETL_MYSQL__USER=$ETL_TEST_MYSQL_USER
WALMART_ETL_MYSQL__PASSWORD=$ETL_TEST_MYSQL_PASSWORD
WALMART_ETL_MYSQL__SSL_CA=${ETL_TEST_MYSQL_SSL_CA:-}
WALMART_ETL_MYSQL__DATABASE=$database
WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_ID=pkg-test-client
WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_SECRET=$secret
EOF
# In a clean environment with the file's variables, as README's "Install" runs the commands
# (systemd's EnvironmentFile= reads the same VARIABLE=value lines).
with_env() {
  env -i PATH=/usr/bin:/bin sh -c 'set -a; . /etc/walmart-etl/env; exec "$0" "$@"' "$@"
}
with_env walmart-etl "${config[@]}" check-config >"$work/check.out" 2>&1 ||
  fail "check-config with the environment file failed: $(cat "$work/check.out")"
! grep -qF "$secret" "$work/check.out" || fail "check-config printed a secret"
! grep -qF "$ETL_TEST_MYSQL_PASSWORD" "$work/check.out" || fail "check-config printed the MySQL password"
[ ! -e "$work/logs" ] || fail "the installed config writes a log directory (logging.dir)"

step "systemd-analyze verify of the installed units"
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
for unit in walmart-etl-stream.service walmart-etl-stream-returns.service walmart-etl-fetch.service walmart-etl-fetch-shard@.service \
  walmart-etl-purge.service walmart-etl-purge.timer; do
  [ -f "$unitdir/$unit" ] || fail "$unitdir/$unit is not installed"
done
# The template is verified through an instance, as systemd would load it.
systemd-analyze verify --man=yes walmart-etl-stream.service walmart-etl-stream-returns.service walmart-etl-fetch.service \
  walmart-etl-fetch-shard@0.service walmart-etl-purge.service walmart-etl-purge.timer >"$work/verify.log" 2>&1 ||
  { cat "$work/verify.log" >&2; fail "systemd-analyze verify failed"; }
if [ -s "$work/verify.log" ]; then
  cat "$work/verify.log" >&2
  fail "systemd-analyze verify warns about the units"
fi

step "the binary's libraries come from packages in Depends"
depends=$(dpkg-query -W -f='${Depends}' walmart-etl | tr ',|' '\n\n' | sed 's/(.*//; s/ //g')
objdump -p /usr/bin/walmart-etl | awk '$1 == "NEEDED" {print $2}' >"$work/needed"
[ -s "$work/needed" ] || fail "objdump lists no library of /usr/bin/walmart-etl"
while read -r soname; do
  # "soname => path (address)", or for the loader "path (address)".
  path=$(ldd /usr/bin/walmart-etl |
    awk -v s="$soname" '$1 == s {print $3} $1 ~ ("/" s "$") {print $1}' | head -n1)
  [ -n "$path" ] && [ "$path" != "not" ] || fail "$soname is not found by ldd"
  owner=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")" 2>/dev/null ||
    dpkg -S "/usr$path" 2>/dev/null) || fail "no package owns $path ($soname)"
  owner=${owner%%:*}
  # Depends may name a virtual package the owner provides (libspdlog1.10 provides -fmt9).
  provides=$(dpkg-query -W -f='${Provides}' "$owner" | tr ',' '\n' | sed 's/(.*//; s/ //g')
  grep -qxF -f <(printf '%s\n' "$owner" $provides) <<<"$depends" ||
    fail "$soname comes from $owner, which is not in Depends"
done <"$work/needed"

step "init-db and load with the installed binary (database $database)"
with_env walmart-etl "${config[@]}" init-db >"$work/init.log" 2>&1 ||
  fail "init-db failed: $(cat "$work/init.log")"
with_env walmart-etl "${config[@]}" load --account main \
  "$here/tests/fixtures/load/orders_array.json" >"$work/load.log" 2>&1 ||
  fail "load failed: $(cat "$work/load.log")"
rows=$(mysql_client -e "SELECT COUNT(DISTINCT purchaseOrderId) FROM \`$database\`.walmart_order WHERE account = 'main'")
[ "$rows" -eq 2 ] || fail "load wrote $rows orders, expected the fixture's 2: $(cat "$work/load.log")"

step "reinstalling over an edited config keeps the edit"
sed -i 's/^  batch_size: .*/  batch_size: 777   # edited by the operator/' /etc/walmart-etl/config.yml
grep -q "batch_size: 777" /etc/walmart-etl/config.yml || fail "could not edit the config"
dpkg -i "$deb" >"$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log" >&2; fail "reinstall failed"; }
grep -q "batch_size: 777" /etc/walmart-etl/config.yml || fail "the reinstall lost the edited config"
grep -q "$secret" /etc/walmart-etl/env || fail "the reinstall lost the edited environment file"
! grep -q "changes the database schema" "$work/reinstall.log" ||
  fail "the same version announced a schema change"
with_env walmart-etl "${config[@]}" check-config | grep -q "batch_size: 777" ||
  fail "check-config does not show the edited batch_size"

step "an upgrade from a version with another schema says what to run"
# The installed files stand for an older version whose schema differs.
echo "-- an older schema" >>/usr/share/walmart-etl/sql/walmart_order.sql
dpkg -i "$deb" >"$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log" >&2; fail "upgrade failed"; }
grep -q "changes the database schema" "$work/upgrade.log" &&
  grep -q "init-db --migrate" "$work/upgrade.log" ||
  { cat "$work/upgrade.log" >&2; fail "the schema change was not announced"; }
with_env walmart-etl "${config[@]}" init-db >"$work/init2.log" 2>&1 ||
  fail "init-db after the reinstall failed: $(cat "$work/init2.log")"

step "dpkg --purge removes everything the package installed"
dpkg -L walmart-etl >"$work/files"
systemctl enable walmart-etl-stream.service >/dev/null 2>&1 ||
  fail "systemctl enable walmart-etl-stream failed"
ls /etc/systemd/system/*.wants/walmart-etl-stream.service >/dev/null ||
  fail "systemctl enable made no link"
systemctl enable walmart-etl-purge.timer >/dev/null 2>&1 ||
  fail "systemctl enable walmart-etl-purge.timer failed"
ls /etc/systemd/system/timers.target.wants/walmart-etl-purge.timer >/dev/null ||
  fail "systemctl enable made no link for the purge timer"
dpkg --purge walmart-etl >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "purge failed"; }
installed=0
left=()
while read -r path; do
  case $path in
    /etc/walmart-etl* | /usr/share/walmart-etl* | /usr/share/doc/walmart-etl*) ;;
    *) [ -d "$path" ] && continue ;;  # a shared directory (/usr/bin, /lib -> usr/lib, ...)
  esac
  if [ -e "$path" ] || [ -L "$path" ]; then left+=("$path"); fi
done <"$work/files"
for link in /etc/systemd/system/*.wants/walmart-etl-*.service \
  /etc/systemd/system/*.wants/walmart-etl-*.timer; do
  if [ -L "$link" ]; then left+=("$link"); fi
done
[ ${#left[@]} -eq 0 ] || fail "left after purge: ${left[*]}"
dpkg-query -W -f='${Status}' walmart-etl 2>/dev/null | grep -q installed &&
  fail "dpkg still lists walmart-etl"
step "OK: $(basename "$deb")"
