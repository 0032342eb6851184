#!/bin/sh
# Installs the Debian packages the build, the tests and the demo need, and the
# deb-src entries deps/fetch.sh downloads from.  As root it acts; as anyone
# else it prints the exact commands and exits 1, because a developer's machine
# is theirs to change.
#
# Usage: deps/apt-setup.sh [build|test|bench|all]   (default: all)
set -eu

what=${1:-all}

build_pkgs="build-essential make perl python3 bison flex pkg-config file
 dpkg-dev ca-certificates"
test_pkgs="libcmocka-dev clang clang-tidy clang-format cppcheck
 libclang-rt-14-dev postgresql postgresql-client python3-botocore
 python3-psycopg2 shellcheck curl openssl binutils util-linux time
 gnuplot-nox"
bench_pkgs="postgresql postgresql-client python3-psycopg2 openssl gnuplot-nox
 time"

case $what in
build) pkgs=$build_pkgs ;;
test | all) pkgs="$build_pkgs $test_pkgs" ;;
bench) pkgs="$build_pkgs $bench_pkgs" ;;
*)
	echo "apt-setup.sh: unknown set '$what' (build, test, bench or all)" >&2
	exit 2
	;;
esac

missing=""
for p in $pkgs; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done

src_list=/etc/apt/sources.list.d/dlcs-recalculators-src.sources

# deb-src entries for the suites of the configured Debian mirrors plus trixie,
# whose source packages carry the pinned versions.  The mirror is read from
# apt's own configuration, never written here.
write_src_list() {
	# shellcheck disable=SC2016 # apt's own $(...) template, not the shell's
	apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
		awk '$2 ~ /^bookworm(-security)?$/ { print $1, $2 }' | sort -u |
		while read -r uri suite; do
			extra=trixie
			case $suite in *-security) extra=trixie-security ;; esac
			printf 'Types: deb-src\nURIs: %s\nSuites: %s %s\n' \
				"$uri" "$suite" "$extra"
			printf 'Components: main\n'
			printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n'
		done
}

need_src=0
[ -e "$src_list" ] || need_src=1

if [ -z "$missing" ] && [ $need_src -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "apt-setup.sh: not root; run these as root, then retry:" >&2
	[ $need_src -eq 0 ] ||
		echo "  sh deps/apt-setup.sh $what   # adds $src_list" >&2
	[ -z "$missing" ] ||
		echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi

if [ $need_src -eq 1 ]; then
	tmp=$(mktemp)
	write_src_list >"$tmp"
	if [ ! -s "$tmp" ]; then
		rm -f "$tmp"
		echo "apt-setup.sh: found no bookworm mirror in apt's configuration" >&2
		exit 1
	fi
	mv "$tmp" "$src_list"
	chmod 644 "$src_list"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
[ -z "$missing" ] || apt-get install -y -qq --no-install-recommends $missing >/dev/null
