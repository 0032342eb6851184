#!/bin/sh
# Downloads the source tarballs pinned in deps/lock into DIR and verifies
# each sha256.  Files already present with the right checksum are kept.
#
# Usage: deps/fetch.sh DIR
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dest=${1:?usage: fetch.sh DIR}
mkdir -p "$dest"

verify() { # file sha256
	echo "$2  $1" | sha256sum -c --status -
}

# The pool directory apt would use for this source package, taken from the
# URI of whatever version the index lists now.
pool_dir() {
	apt-get source --print-uris --only-source "$1" 2>/dev/null |
		awk -F"'" '/\.dsc/ { sub(/[^\/]*$/, "", $2); print $2; exit }'
}

fetch_one() { # package version file sha256
	work=$(mktemp -d)
	(cd "$work" && apt-get source -qq --download-only --only-source \
		"$1=$2" >/dev/null 2>&1) || true
	if [ ! -f "$work/$3" ]; then
		dir=$(pool_dir "$1")
		if [ -n "$dir" ]; then
			/usr/lib/apt/apt-helper -qq download-file "$dir$3" \
				"$work/$3" "SHA256:$4" >/dev/null 2>&1 || true
		fi
	fi
	if [ ! -f "$work/$3" ]; then
		rm -rf "$work"
		echo "fetch.sh: cannot download $3 ($1 $2); is the deb-src" \
			"entry there? run deps/apt-setup.sh" >&2
		return 1
	fi
	if ! verify "$work/$3" "$4"; then
		rm -rf "$work"
		echo "fetch.sh: $3: sha256 does not match deps/lock" >&2
		return 1
	fi
	mv "$work/$3" "$dest/$3"
	rm -rf "$work"
}

grep -v '^#' "$here/lock" | while read -r pkg ver file sum; do
	[ -n "$pkg" ] || continue
	if [ -f "$dest/$file" ] && verify "$dest/$file" "$sum"; then
		continue
	fi
	echo "fetch.sh: downloading $file"
	fetch_one "$pkg" "$ver" "$file" "$sum"
done
