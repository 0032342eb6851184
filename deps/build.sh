#!/bin/sh
# Builds the pinned dependencies as static libraries into PREFIX.
#
#   musl   musl 1.2.5 itself first, then everything with its musl-gcc; the
#          release binaries link against this prefix.
#   glibc  the system gcc and glibc; the sanitizer and unit-test builds link
#          against this prefix, so they exercise the same library versions.
#
# Usage: deps/build.sh musl|glibc SRC_DIR PREFIX
# SRC_DIR holds the tarballs deps/fetch.sh verified.  PREFIX is written only
# on success: the build happens in PREFIX.tmp and is renamed at the end.
set -eu

toolchain=${1:?usage: build.sh musl|glibc SRC_DIR PREFIX}
src=${2:?usage: build.sh musl|glibc SRC_DIR PREFIX}
prefix=${3:?usage: build.sh musl|glibc SRC_DIR PREFIX}
jobs=$(nproc)

# Reproducible archives: no timestamps from the build host leak into the
# libraries (OpenSSL's "built on" string reads this too).
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1735689600}
export SOURCE_DATE_EPOCH
export TZ=UTC LC_ALL=C

stage=$prefix.tmp
work=$prefix.work
rm -rf "$stage" "$work"
mkdir -p "$stage/lib" "$stage/include" "$work"

# -ffile-prefix-map keeps the build directory out of __FILE__ strings (OpenSSL
# and libpq embed them in error paths), so the binaries do not depend on where
# the cache lives.
base_cflags="-O2 -fPIE -ffunction-sections -fdata-sections -fstack-protector-strong -ffile-prefix-map=$work=."

# musl-gcc links dynamically unless told otherwise, against an interpreter
# (/lib/ld-musl-x86_64.so.1) that exists only where Debian's musl package is
# installed, so configure's test programs could not run on a clean machine.
# Everything built with musl is static anyway.
link_static=""

log() { printf 'deps[%s]: %s\n' "$toolchain" "$*"; }

# Runs one build step in a subshell with its output in a log file, shown
# only on failure.  The subshell's own set -e makes every command count:
# errexit is ignored in functions called from an if.
step() { # name function
	log "$1"
	if ! (set -e && "$2") >"$work/$1.log" 2>&1; then
		tail -n 40 "$work/$1.log" >&2
		log "$1 failed; full log in $work/$1.log"
		exit 1
	fi
}

unpack() { # tarball -> prints directory
	tar -C "$work" -xf "$src/$1"
	printf '%s\n' "$work/$2"
}

build_musl() {
	d=$(unpack musl_1.2.5.orig.tar.gz musl-1.2.5)
	(cd "$d" && CFLAGS="-O2 -ffile-prefix-map=$work=." \
		./configure --prefix="$stage/musl" --disable-shared &&
		make -j"$jobs" && make install)
	# musl's own specs know Scrt1.o but not rcrt1.o; teach the wrapper
	# -static-pie so the release binaries can be position independent.
	specs=$stage/musl/lib/musl-gcc.specs
	sed -i \
		-e "s|^%{!shared: \(.*\)/Scrt1.o}|%{static-pie: \1/rcrt1.o} %{!static-pie: %{!shared: \1/Scrt1.o}}|" \
		-e 's|%{static:-static}|%{static:-static} %{static-pie:-static -pie --no-dynamic-linker -z text}|' \
		"$specs"
	grep -q rcrt1.o "$specs" || { log "cannot patch $specs"; exit 1; }
}

build_openssl() {
	d=$(unpack openssl_3.5.7.orig.tar.gz openssl-3.5.7)
	# libpq needs TLS 1.2/1.3 with the usual ciphers and SCRAM's SHA-256;
	# everything else is off to keep the binary small.  no-secure-memory
	# and no-async avoid kernel headers and ucontext, which musl lacks.
	# shellcheck disable=SC2086 # base_cflags is a list of flags
	(cd "$d" && CC="$CC" ./Configure linux-x86_64 \
		--prefix="$stage" --libdir=lib --openssldir=/etc/ssl \
		no-shared no-tests no-docs no-apps no-engine no-module no-dso \
		no-legacy no-afalgeng no-ktls no-quic no-dtls no-ssl3 no-comp \
		no-secure-memory no-async no-ui-console no-autoload-config \
		no-camellia no-idea no-seed no-bf no-cast no-des no-rc2 no-rc4 \
		no-md4 no-mdc2 no-whirlpool no-sm2 no-sm3 no-sm4 no-aria no-gost \
		no-siphash no-srp no-ct no-ocsp no-cms no-ts no-srtp no-rfc3779 \
		no-sctp no-ssl-trace no-filenames \
		$base_cflags &&
		make -j"$jobs" build_libs &&
		make install_dev)
	rm -f "$stage"/lib/*.so* 2>/dev/null || true
}

# PostgreSQL generates its headers only when make runs at the top level
# (MAKELEVEL 0), so the sub-makes say they are, even when `make deps` runs
# this script.
build_libpq() {
	d=$(unpack postgresql-17_17.11.orig.tar.bz2 postgresql-17.11)
	(cd "$d" && CC="$CC" CFLAGS="$base_cflags" \
		CPPFLAGS="-I$stage/include" LDFLAGS="$link_static -L$stage/lib" \
		./configure --prefix="$stage" --with-ssl=openssl \
		--without-readline --without-zlib --without-icu \
		--without-gssapi --without-ldap --without-pam --disable-nls \
		--without-zstd --without-lz4 --without-llvm &&
		MAKELEVEL=0 make -C src/port -j"$jobs" &&
		MAKELEVEL=0 make -C src/common -j"$jobs" &&
		MAKELEVEL=0 make -C src/interfaces/libpq -j"$jobs" libpq.a)
	cp "$d/src/interfaces/libpq/libpq.a" "$stage/lib/"
	# The _shlib variants export the names libpq calls; the plain ones
	# rename them *_private.
	cp "$d/src/common/libpgcommon_shlib.a" "$stage/lib/libpgcommon.a"
	cp "$d/src/port/libpgport_shlib.a" "$stage/lib/libpgport.a"
	cp "$d/src/interfaces/libpq/libpq-fe.h" \
		"$d/src/interfaces/libpq/libpq-events.h" \
		"$d/src/include/postgres_ext.h" \
		"$d/src/include/pg_config_ext.h" "$stage/include/"
}

build_mbedtls() {
	d=$(unpack mbedtls_3.6.6.orig.tar.bz2 mbedtls-3.6.6)
	# curl's threaded resolver calls into mbedtls from more than one thread.
	(cd "$d" && python3 scripts/config.py set MBEDTLS_THREADING_C &&
		python3 scripts/config.py set MBEDTLS_THREADING_PTHREAD &&
		make -C library -j"$jobs" CC="$CC" CFLAGS="$base_cflags" \
			static)
	cp "$d"/library/libmbedtls.a "$d"/library/libmbedx509.a \
		"$d"/library/libmbedcrypto.a "$stage/lib/"
	cp -r "$d/include/mbedtls" "$d/include/psa" "$stage/include/"
}

build_curl() {
	d=$(unpack curl_8.14.1.orig.tar.gz curl-8.14.1)
	(cd "$d" && CC="$CC" CFLAGS="$base_cflags" \
		CPPFLAGS="-I$stage/include" LDFLAGS="$link_static -L$stage/lib" \
		./configure --prefix="$stage" --disable-shared --enable-static \
		--with-mbedtls="$stage" --without-openssl --without-gnutls \
		--without-wolfssl --without-rustls \
		--enable-http --disable-ftp --disable-file --disable-ldap \
		--disable-ldaps --disable-rtsp --disable-dict --disable-telnet \
		--disable-tftp --disable-pop3 --disable-imap --disable-smb \
		--disable-smtp --disable-gopher --disable-mqtt --disable-ipfs \
		--disable-websockets --disable-manual --disable-docs \
		--disable-ntlm --disable-kerberos-auth --disable-negotiate-auth \
		--disable-cookies --disable-netrc --disable-alt-svc \
		--disable-hsts --disable-unix-sockets --disable-libcurl-option \
		--without-libpsl --without-brotli --without-zstd --without-zlib \
		--without-libidn2 --without-nghttp2 --without-nghttp3 \
		--without-ngtcp2 --without-libssh2 --without-libssh \
		--without-librtmp --without-libgsasl \
		--enable-threaded-resolver \
		--with-ca-bundle=/etc/ssl/certs/ca-certificates.crt \
		--without-ca-path &&
		make -C lib -j"$jobs" &&
		make -C lib install &&
		make -C include install)
	rm -f "$stage"/lib/libcurl.la
}

install_jsmn() {
	d=$(unpack jsmn_1.1.0.orig.tar.gz jsmn-1.1.0)
	cp "$d/jsmn.h" "$stage/include/"
}

case $toolchain in
musl)
	step musl build_musl
	CC="$stage/musl/bin/musl-gcc"
	link_static=-static
	;;
glibc) CC=${CC:-gcc} ;;
*)
	echo "build.sh: unknown toolchain '$toolchain'" >&2
	exit 2
	;;
esac

step openssl build_openssl
step libpq build_libpq
step mbedtls build_mbedtls
step curl build_curl
install_jsmn
for f in libpq.a libpgcommon.a libpgport.a libssl.a libcrypto.a libcurl.a \
	libmbedtls.a libmbedx509.a libmbedcrypto.a; do
	[ -f "$stage/lib/$f" ] || { log "missing $f after the build"; exit 1; }
done
rm -rf "${stage:?}/share" "${stage:?}/bin" "$stage/lib/pkgconfig" "$stage/lib/cmake" "$work"
rm -rf "$prefix"
mv "$stage" "$prefix"
# The musl-gcc wrapper and its specs name their own directory.
if [ -d "$prefix/musl" ]; then
	sed -i "s|$stage|$prefix|g" "$prefix/musl/bin/musl-gcc" \
		"$prefix/musl/lib/musl-gcc.specs"
fi
log "done: $prefix"
