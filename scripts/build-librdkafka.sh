#!/usr/bin/env bash
# Builds the librdkafka walmart-etl links: Debian 13's source package librdkafka 2.8.0-1, as a
# static library with its headers and a pkg-config file, into .local/librdkafka (once; a no-op when
# that build is present). scripts/build.sh and CMake's configure step call it; run it by hand to
# see its progress. Nothing system-wide changes:
#
#   - the source comes through apt from the Debian archive the machine's apt sources already name,
#     with a private apt configuration under .local/librdkafka-build/apt (a `deb-src` line for the
#     `trixie` suite); apt checks the archive's signature and the files' checksums, and this script
#     checks the .dsc against the SHA-256 pinned below, so a different package cannot slip in;
#   - dpkg-source unpacks it (verifying the tarballs against the .dsc) and applies Debian's patches;
#   - librdkafka's own configure runs with --no-download (it would otherwise fetch build helpers
#     from the network) and requires TLS, SASL (SCRAM), zstd, lz4, zlib and curl.
#
# Build dependencies (Debian 12 packages, installed by scripts/install-deps.sh): build-essential
# pkg-config dpkg-dev xz-utils libssl-dev libsasl2-dev libzstd-dev liblz4-dev zlib1g-dev
# libcurl4-openssl-dev rapidjson-dev.
#
#   scripts/build-librdkafka.sh            # build if missing, print nothing when present
#   scripts/build-librdkafka.sh --print-prefix
#
# ETL_LIBRDKAFKA_PREFIX overrides the install folder (default .local/librdkafka of the checkout).
set -euo pipefail
umask 022

# The pinned package. Changing the version means changing the checksum (sha256sum of the .dsc that
# `apt-get source --download-only librdkafka=<version>` brings down) and the stamp below.
VERSION=2.8.0-1
UPSTREAM=2.8.0
SUITE=trixie
DSC_SHA256=0e9f099090072fe33da42303e1878f7f4713f91b94aa6523a9d630fe67eb2b51

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=${ETL_LIBRDKAFKA_PREFIX:-$here/.local/librdkafka}
work=$here/.local/librdkafka-build
stamp=$prefix/BUILT-FROM

die() { echo "build-librdkafka: $*" >&2; exit 1; }

case "${1:-}" in
  --print-prefix) echo "$prefix"; exit 0 ;;
  -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
  "") ;;
  *) die "unknown argument $1 (see --help)" ;;
esac

want="librdkafka $VERSION (Debian $SUITE source, .dsc sha256 $DSC_SHA256)"
present() { [ -f "$prefix/lib/librdkafka.a" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; }
if present; then exit 0; fi

mkdir -p "$work"
# One build at a time per checkout (scripts/demo.sh and scripts/test.sh may start together).
exec 9>"$work/lock"
flock 9
if present; then exit 0; fi

for tool in apt-get dpkg-source make gcc pkg-config flock sha256sum; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "'$tool' is missing: run scripts/install-deps.sh first (it installs the build dependencies)"
done
for pc in libssl libcrypto libsasl2 libzstd liblz4 zlib libcurl; do
  pkg-config --exists "$pc" ||
    die "the development files of $pc are missing: run scripts/install-deps.sh first"
done
[ -f /usr/include/rapidjson/rapidjson.h ] ||
  die "rapidjson-dev is missing: run scripts/install-deps.sh first"

log=$work/build.log
: >"$log"
echo "build-librdkafka: building $want into $prefix (about a minute on 2 cores; log: $log)" >&2

# The archive this machine already uses for Debian (not its security archive): apt's own view of
# the configured sources, so one-line and deb822 files are both understood. The label is known once
# the machine's lists were fetched; before that, the entry for the installed release's codename.
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
archive=$(apt-get indextargets --format '$(REPO_URI)' 'Label: Debian' 2>/dev/null | sort -u | head -n 1)
if [ -z "$archive" ] && [ -n "$codename" ]; then
  archive=$(apt-get indextargets --format '$(REPO_URI)' "Release: $codename" 2>/dev/null | sort -u | head -n 1)
fi
[ -n "$archive" ] ||
  die "no Debian archive in the machine's apt sources (see /etc/apt/sources.list*): nowhere to fetch the source from"

apt_dir=$work/apt
rm -rf "$apt_dir"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
echo "deb-src $archive $SUITE main" >"$apt_dir/sources.list"
apt_opts=(
  -o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=-
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
  -o Dir::Etc::preferencesparts=- -q
)
if ! apt-get "${apt_opts[@]}" update >>"$log" 2>&1; then
  tail -n 20 "$log" >&2
  die "apt-get update of the private $SUITE deb-src index ($archive) failed (see $log)"
fi

src=$work/source
rm -rf "$src"
mkdir -p "$src"
if ! (cd "$src" && apt-get "${apt_opts[@]}" source --download-only "librdkafka=$VERSION") >>"$log" 2>&1; then
  tail -n 20 "$log" >&2
  die "apt-get source librdkafka=$VERSION from $archive $SUITE failed (see $log)"
fi
dsc=$src/librdkafka_$VERSION.dsc
[ -f "$dsc" ] || die "apt-get source did not bring $dsc"
got=$(sha256sum "$dsc" | cut -d' ' -f1)
[ "$got" = "$DSC_SHA256" ] ||
  die "$dsc has sha256 $got, the pinned one is $DSC_SHA256: not building an unexpected package"

tree=$src/librdkafka-$UPSTREAM
if ! dpkg-source -x "$dsc" "$tree" >>"$log" 2>&1; then
  tail -n 20 "$log" >&2
  die "dpkg-source could not unpack $dsc (see $log)"
fi

stage=$work/stage
rm -rf "$stage"
if ! (cd "$tree" &&
      ./configure --prefix="$prefix" --no-download --enable-ssl --enable-gssapi --enable-zstd \
        --enable-zlib --enable-curl --enable-lz4-ext &&
      make -C src -j"$(nproc)" librdkafka.a) >>"$log" 2>&1; then
  tail -n 30 "$log" >&2
  die "building librdkafka $VERSION failed (see $log)"
fi
grep -q 'SASL_SCRAM' "$tree/Makefile.config" || die "librdkafka was configured without SASL SCRAM (see $log)"

mkdir -p "$stage/lib/pkgconfig" "$stage/include/librdkafka"
cp "$tree/src/librdkafka.a" "$stage/lib/"
cp "$tree/src/rdkafka.h" "$tree/src/rdkafka_mock.h" "$stage/include/librdkafka/"
cp "$tree/LICENSE" "$stage/"
# Only the static library is installed: a program built against this pkg-config file cannot pick
# up a shared librdkafka by accident. Its dependencies stay Debian's shared libraries, so they are
# plain Requires (a --static query would ask for the static dependencies of libcurl too).
cat >"$stage/lib/pkgconfig/rdkafka.pc" <<EOF
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: librdkafka
Description: librdkafka $VERSION (Debian $SUITE source), static, built by walmart-etl's scripts/build-librdkafka.sh
Version: $UPSTREAM
Requires: zlib libcrypto libssl libsasl2 libzstd libcurl liblz4
Cflags: -I\${includedir}
Libs: -L\${libdir} -lrdkafka -lm -ldl -lpthread -lrt
EOF
echo "$want" >"$stage/BUILT-FROM"

if [ -e "$prefix" ] && [ ! -f "$stamp" ] && [ -n "$(ls -A "$prefix")" ]; then
  die "$prefix exists and is not a build of this script: not replacing it (choose another ETL_LIBRDKAFKA_PREFIX)"
fi
rm -rf "$prefix"
mkdir -p "$(dirname "$prefix")"
mv "$stage" "$prefix"
rm -rf "$src"
echo "build-librdkafka: done: $prefix/lib/librdkafka.a" >&2
