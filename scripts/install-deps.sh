#!/usr/bin/env bash
# Installs every Debian package walmart-etl needs to build, test and run its demo.
# Idempotent: packages already present are skipped. Quiet unless something fails.
# Works as root, or through sudo otherwise.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ca-certificates curl openssl
  libmariadb-dev mariadb-server mariadb-client
  libsimdjson-dev libyaml-cpp-dev libcurl4-openssl-dev
  libspdlog-dev libfmt-dev libcli11-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # The reconciliation report arrives as a zip: read (and, by the simulator, written) in memory.
  libzip-dev
  clang clang-format clang-tidy libclang-rt-14-dev kcat gnuplot-nox procps
  # librdkafka 2.8.0, built from Debian 13's source package by scripts/build-librdkafka.sh (the
  # build calls it): apt-get source and dpkg-source, and the libraries it is built with. Debian
  # 12's own librdkafka-dev (2.0.2) is not installed: it cannot log in with SCRAM to Kafka 4, so
  # -DETL_SYSTEM_LIBRDKAFKA=ON refuses it anyway.
  dpkg-dev xz-utils libssl-dev libsasl2-dev libzstd-dev liblz4-dev zlib1g-dev rapidjson-dev
  # The local Apache Kafka broker (scripts/kafka-local.sh): Java, Maven to fetch its jars, openssl
  # for its test CA and certificate.
  default-jdk-headless maven openssl
  # tests/deploy: systemd-analyze (rates the units in deploy/) and PyYAML (reads the manifests).
  systemd python3 python3-yaml
  # The Debian package (cmake/Packaging.cmake, scripts/test-package.sh): help2man makes the man
  # page from --help at build time; lintian checks the package; man renders the page.
  help2man lintian man-db
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
fi

log=$(mktemp -t walmart-etl-install.XXXXXX)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get update >"$log" 2>&1; then
  cat "$log" >&2; echo "install-deps: apt-get update failed" >&2; exit 1
fi
# Install mariadb-server without starting the system service: tests run their own private server.
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 \
     apt-get install -y -q --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
  cat "$log" >&2; echo "install-deps: apt-get install failed for: ${missing[*]}" >&2; exit 1
fi
