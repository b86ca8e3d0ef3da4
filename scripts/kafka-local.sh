#!/usr/bin/env bash
# A private Apache Kafka broker for tests, benchmarks and the demo (the sibling of mariadb-local.sh):
# the broker jars pinned in deploy/kafka/pom.xml, resolved by Maven into .local/ (offline once
# cached), one KRaft process that is broker and controller at once, on loopback ports, as the
# current user, with its log on disk (a broker killed with SIGKILL and started again keeps its
# data). It never touches a system service. Starting twice is harmless; stop is clean.
#
#   scripts/kafka-local.sh start|stop|kill|status|env
#
# Listeners:
#   PLAINTEXT  127.0.0.1:$ETL_KAFKA_PORT       (default 39092)
#   SASL_SSL   localhost:$ETL_KAFKA_SASL_PORT  (default 39093), SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN
#              over TLS; the
#              certificate (CN and SAN localhost, 127.0.0.1) is signed by a CA this script makes,
#              so clients verify it for real (ssl.ca.location=<dir>/tls/ca.pem).
#   controller 127.0.0.1:$ETL_KAFKA_CONTROLLER_PORT (default 39094), internal.
#
# Environment (all optional):
#   ETL_KAFKA_DIR              state directory (default <repo>/.local/kafka): jars, TLS files, log
#   ETL_KAFKA_PORT / ETL_KAFKA_SASL_PORT / ETL_KAFKA_CONTROLLER_PORT   the ports above
#   ETL_KAFKA_SASL_USER / ETL_KAFKA_SASL_PASSWORD   the SASL user (default etl / etl-secret)
#   ETL_KAFKA_HEAP             JVM heap (default 512m)
#   ETL_KAFKA_JARS             jar cache shared by several state directories (default
#                              <repo>/.local/kafka-jars): tests start private brokers of their own
#                              without a second download.
#
# `kill` sends SIGKILL (a crash, for tests); `start` afterwards recovers the on-disk log.
# `env` prints shell exports: bootstrap addresses, the CA file, the SASL user and password.
#
# Secrets (the SASL password, the keystore's password and key, the CA's key) stay private to the
# caller: everything is created under umask 077 (state directory 0700, files 0600, the broker's
# log segments included, since the JVM inherits the umask), a state directory made by an older
# version of this script is tightened at start, and no secret is ever an argument of a process
# (ps shows arguments to every local user): the SCRAM credentials reach the storage formatter
# through a java @argument file, kcat reads its SASL settings from a properties file, openssl
# takes the keystore password from a file.
set -euo pipefail
umask 077

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${ETL_KAFKA_DIR:-$here/.local/kafka}
port=${ETL_KAFKA_PORT:-39092}
sasl_port=${ETL_KAFKA_SASL_PORT:-39093}
controller_port=${ETL_KAFKA_CONTROLLER_PORT:-39094}
user=${ETL_KAFKA_SASL_USER:-etl}
password=${ETL_KAFKA_SASL_PASSWORD:-etl-secret}
heap=${ETL_KAFKA_HEAP:-512m}
pom=$here/deploy/kafka/pom.xml
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")
jars_root=${ETL_KAFKA_JARS:-$here/.local/kafka-jars}
libs=$jars_root/kafka-$version
tls=$dir/tls
data=$dir/data
conf=$dir/server.properties
pidf=$dir/kafka.pid
log=$dir/kafka.log
# Not a secret: a local, throw-away keystore for a loopback-only test broker.
store_pass=etl-local-keystore
# Files only this user can read that carry secrets to commands (see the header).
secrets=$dir/secrets

die() { echo "kafka-local: $*" >&2; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 not found; run scripts/install-deps.sh first"
}

# The broker's jars, resolved once with Maven (its repository under the jar cache too, so nothing
# outside the repository is written); later starts use the copy and need no network.
resolve_jars() {
  [ -f "$libs/.complete" ] && return 0
  need mvn
  mkdir -p "$jars_root"
  echo "kafka-local: resolving Apache Kafka $version with Maven (once)"
  rm -rf "$libs"
  if ! mvn -B -q -f "$pom" -Dmaven.repo.local="$jars_root/m2" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" \
      >"$jars_root/mvn.log" 2>&1; then
    tail -n 30 "$jars_root/mvn.log" >&2
    die "Maven could not resolve org.apache.kafka:kafka_2.13:$version (see above)"
  fi
  ls "$libs"/kafka_2.13-"$version".jar >/dev/null 2>&1 || die "kafka_2.13-$version.jar missing in $libs"
  touch "$libs/.complete"
}

# A CA and a broker certificate signed by it, made once per state directory.
make_tls() {
  [ -f "$tls/broker.p12" ] && return 0
  need openssl
  mkdir -p "$tls" "$secrets"
  printf '%s\n' "$store_pass" >"$secrets/keystore.pass"
  (
    cd "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=walmart-etl local test CA" \
      -keyout ca.key -out ca.pem
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout broker.key -out broker.csr
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile broker.ext -out broker.pem
    openssl pkcs12 -export -in broker.pem -inkey broker.key -certfile ca.pem -name broker \
      -passout file:"$secrets/keystore.pass" -out broker.p12.tmp
    mv broker.p12.tmp broker.p12
  ) >"$dir/tls.log" 2>&1 || { cat "$dir/tls.log" >&2; die "could not make the TLS files"; }
}

write_config() {
  cat >"$conf" <<CONF
# Written by scripts/kafka-local.sh; rewritten at each start.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,SASL_SSL://127.0.0.1:$sasl_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port,SASL_SSL://localhost:$sasl_port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$data
# Topics are created by the application (fetch, through the Admin API), as on managed clusters.
auto.create.topics.enable=false
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# A single-node test cluster: no reason to wait for more members before the first rebalance.
group.initial.rebalance.delay.ms=0
# Retention is checked every second so a test of retention loss does not wait minutes.
log.retention.check.interval.ms=1000
# SCRAM-SHA-512 and SCRAM-SHA-256 (the user's credentials in the cluster metadata) and PLAIN (the
# same user, in the listener's JAAS line; kcat, linked against an older librdkafka whose SCRAM
# Kafka 4 refuses, checks the listener with it).
sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$user="$password";
ssl.keystore.type=PKCS12
ssl.keystore.location=$tls/broker.p12
ssl.keystore.password=$store_pass
ssl.key.password=$store_pass
CONF
}

# The JVM command line of every Kafka class run here ("$libs/*" is Java's own classpath wildcard).
java_cmd=(java -Xms128m -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
  -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.showDateTime=true
  -Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn -Dorg.slf4j.simpleLogger.log.kafka=info
  -cp "$libs/*")

# The SCRAM mechanisms the user gets credentials for; a marker in the data directory records that
# a storage has them (an older one was formatted with SCRAM-SHA-512 only).
scram_mechanisms=(SCRAM-SHA-512 SCRAM-SHA-256)
scram_marker=$data/walmart-etl-scram

# KRaft storage, formatted once: a cluster id, this node as the only voter, and the SCRAM user
# (its credentials live in the cluster metadata from the first start on). The password goes
# through a java @argument file, which the launcher expands, so it is on no command line.
format_storage() {
  [ -f "$data/meta.properties" ] && return 0
  mkdir -p "$data" "$secrets"
  local cluster_id m
  cluster_id=$("${java_cmd[@]}" kafka.tools.StorageTool random-uuid 2>>"$dir/format.log" | tail -n 1)
  [ -n "$cluster_id" ] || { cat "$dir/format.log" >&2; die "could not make a cluster id"; }
  {
    printf 'kafka.tools.StorageTool\nformat\n--standalone\n-t\n%s\n-c\n"%s"\n' "$cluster_id" "$conf"
    for m in "${scram_mechanisms[@]}"; do
      # The argument-file syntax: one argument per line, quoted, with \" for a literal quote.
      printf -- '--add-scram\n"%s=[name=%s,password=\\"%s\\"]"\n' "$m" "$user" "$password"
    done
  } >"$secrets/format.args"
  if ! "${java_cmd[@]}" "@$secrets/format.args" >>"$dir/format.log" 2>&1; then
    rm -f "$secrets/format.args"
    cat "$dir/format.log" >&2
    die "formatting the KRaft storage failed (see above)"
  fi
  rm -f "$secrets/format.args"
  printf '%s\n' "${scram_mechanisms[@]}" >"$scram_marker"
}

# A storage formatted by an older version of this script has no SCRAM-SHA-256 credential (the
# credentials of a KRaft cluster are set when it is formatted, or later through the Admin API,
# whose command-line tool is not among the broker's jars): say so once per start.
check_scram_users() {
  [ "$(cat "$scram_marker" 2>/dev/null)" = "$(printf '%s\n' "${scram_mechanisms[@]}")" ] && return 0
  echo "kafka-local: $data was formatted by an older version of this script: SCRAM-SHA-256 is" \
    "not set up for $user (SCRAM-SHA-512 and PLAIN are); for it, start from a fresh storage:" \
    "scripts/kafka-local.sh stop && rm -rf '$data'" >&2
}

# The pid file names a live process that is this directory's broker (not a recycled pid).
pid_alive() {
  local pid
  [ -f "$pidf" ] || return 1
  pid=$(cat "$pidf")
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $conf"
}

# Up = the PLAINTEXT listener answers a metadata request (kcat) with this broker in it.
is_up() {
  pid_alive || return 1
  kcat -b "127.0.0.1:$port" -L -m 3 2>/dev/null | grep -q "broker 1 at"
}

# kcat reads the SASL settings (the password among them) from a 0600 file, not its arguments.
sasl_up() {
  mkdir -p "$secrets"
  cat >"$secrets/kcat.properties" <<KCAT
security.protocol=SASL_SSL
sasl.mechanisms=PLAIN
sasl.username=$user
sasl.password=$password
ssl.ca.location=$tls/ca.pem
ssl.endpoint.identification.algorithm=https
KCAT
  kcat -F "$secrets/kcat.properties" -b "localhost:$sasl_port" -L -m 5 2>/dev/null |
    grep -q "broker 1 at"
}

# The state directory and everything in it private to this user, also when an older version of
# this script made it with the caller's umask.
tighten() {
  mkdir -p "$dir"
  chmod 700 "$dir"
  find "$dir" \( -type d -perm /077 -exec chmod go-rwx {} + \) -o \
    \( -type f -perm /077 -exec chmod go-rwx {} + \)
}

print_env() {
  cat <<ENV
export ETL_KAFKA_BOOTSTRAP=127.0.0.1:$port
export ETL_KAFKA_SASL_BOOTSTRAP=localhost:$sasl_port
export ETL_KAFKA_CA=$tls/ca.pem
export ETL_KAFKA_SASL_USER=$user
export ETL_KAFKA_SASL_PASSWORD=$password
export WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS=127.0.0.1:$port
ENV
}

start() {
  tighten
  if is_up; then
    echo "kafka-local: already running on 127.0.0.1:$port (SASL_SSL localhost:$sasl_port)"
    return 0
  fi
  need java
  need kcat
  resolve_jars
  make_tls
  write_config
  format_storage
  if pid_alive; then kill -9 "$(cat "$pidf")" 2>/dev/null || true; fi
  rm -f "$pidf"
  # setsid: the broker is not in the caller's process group, so a Ctrl-C in a test run that
  # started it does not kill it behind the script's back; stop/kill use the pid file.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pidf" \
    "${java_cmd[@]}" kafka.Kafka "$conf" </dev/null >>"$log" 2>&1 &
  local deadline=$((SECONDS + 120))
  until is_up && sasl_up; do
    if [ -f "$pidf" ] && ! kill -0 "$(cat "$pidf")" 2>/dev/null; then
      tail -n 40 "$log" >&2 || true
      die "the broker exited during start-up; log above ($log)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 40 "$log" >&2 || true
      die "the broker did not answer within 120 s; log above ($log)"
    fi
    sleep 0.3
  done
  check_scram_users
  echo "kafka-local: Apache Kafka $version running: PLAINTEXT 127.0.0.1:$port, SASL_SSL localhost:$sasl_port (SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN, user $user, CA $tls/ca.pem)"
}

wait_gone() {
  local pid=$1 limit=$2
  local deadline=$((SECONDS + limit))
  while kill -0 "$pid" 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.2
  done
}

stop() {
  if ! pid_alive; then
    rm -f "$pidf"
    echo "kafka-local: not running"
    return 0
  fi
  local pid
  pid=$(cat "$pidf")
  kill "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" 60; then
    echo "kafka-local: shutdown timed out; killing $pid" >&2
    kill -9 "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || true
  fi
  rm -f "$pidf"
  echo "kafka-local: stopped"
}

kill9() {
  if ! pid_alive; then echo "kafka-local: not running"; return 0; fi
  local pid
  pid=$(cat "$pidf")
  kill -9 "$pid" 2>/dev/null || true
  wait_gone "$pid" 10 || die "process $pid survived SIGKILL"
  rm -f "$pidf"
  echo "kafka-local: killed (SIGKILL)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  kill) kill9 ;;
  status)
    if is_up; then echo "kafka-local: running on 127.0.0.1:$port (SASL_SSL localhost:$sasl_port)"
    else echo "kafka-local: not running"; exit 3; fi ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|kill|status|env" >&2; exit 2 ;;
esac
