#!/bin/sh
# Builds the CA bundle the images carry from the Debian ca-certificates
# package pinned in deps/image.lock: the Mozilla certificates it ships,
# concatenated in name order, as update-ca-certificates would.
# Usage: deps/ca-bundle.sh CACHE_DIR OUT_FILE
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${1:?usage: ca-bundle.sh CACHE_DIR OUT_FILE}
out=${2:?usage: ca-bundle.sh CACHE_DIR OUT_FILE}
read -r pkg ver file sum <<EOF2
$(grep -v '^#' "$here/image.lock" | grep .)
EOF2
mkdir -p "$cache"
if ! echo "$sum  $cache/$file" | sha256sum -c --status - 2>/dev/null; then
	(cd "$cache" && apt-get download -qq "$pkg=$ver" >/dev/null 2>&1) || {
		echo "ca-bundle.sh: cannot download $pkg $ver" >&2
		exit 1
	}
	echo "$sum  $cache/$file" | sha256sum -c --status - || {
		echo "ca-bundle.sh: $file: sha256 does not match deps/image.lock" >&2
		exit 1
	}
fi
work=$(mktemp -d)
dpkg-deb -x "$cache/$file" "$work"
find "$work/usr/share/ca-certificates/mozilla" -name '*.crt' | LC_ALL=C sort |
	xargs cat >"$out.tmp"
rm -rf "$work"
mv "$out.tmp" "$out"
