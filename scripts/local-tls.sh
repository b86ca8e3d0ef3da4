# Sourced by scripts/mariadb-local.sh and scripts/mysql-local.sh: a private CA and a server
# certificate for 127.0.0.1 and localhost, valid 10 years, made only when missing. The keys are
# readable by the current user only.
#   make_local_tls TLS_DIR "CA common name" LOG_FILE SCRIPT_NAME
make_local_tls() {
  local tls=$1 ca_name=$2 log=$3 who=$4
  [ -s "$tls/server-cert.pem" ] && [ -s "$tls/ca.pem" ] && return 0
  mkdir -p "$tls"
  chmod 700 "$tls"
  (
    cd "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$ca_name" \
      -keyout ca-key.pem -out ca.pem
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server-key.pem -out server.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile server.ext -out server-cert.pem
    chmod 600 ca-key.pem server-key.pem
  ) >"$log" 2>&1 || { cat "$log" >&2; echo "$who: cannot create TLS files" >&2; exit 1; }
}
