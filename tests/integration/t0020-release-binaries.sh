#!/bin/sh
# The release binaries are static, stripped and hardened, and two clean
# builds from the same tree are byte-identical.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

for b in "$ROOT"/build/bin/*-recalculator; do
	name=$(basename "$b")
	file "$b" >"$TMP/file"
	grep -Eq 'static-pie linked|statically linked' "$TMP/file" ||
		fail "$name is not static: $(cat "$TMP/file")"
	assert_contains "$TMP/file" "stripped" "$name stripped"
	assert_not_contains "$TMP/file" "not stripped" "$name stripped"
	readelf -lW "$b" >"$TMP/phdr"
	assert_not_contains "$TMP/phdr" "INTERP" "$name has an interpreter"
	assert_contains "$TMP/phdr" "GNU_RELRO" "$name RELRO"
	readelf -dW "$b" >"$TMP/dyn"
	grep -Eq 'BIND_NOW|FLAGS_1.*NOW' "$TMP/dyn" || fail "$name: no BIND_NOW (full RELRO)"
	# Stack protector: x86-64 canaries are read from %fs:0x28.
	[ "$(objdump -d "$b" | grep -c '%fs:0x28')" -gt 100 ] ||
		fail "$name: no stack protector canaries"
	# It runs with nothing from the host: an empty environment and root.
	env -i "$b" --version >"$TMP/version"
	assert_contains "$TMP/version" "musl 1.2.5" "$name --version"
done

# Reproducible: two clean builds elsewhere give the same bytes.
for n in 1 2; do
	make -C "$ROOT" --no-print-directory BUILD="$TMP/build$n" all \
		>"$TMP/make$n.log" 2>&1 || {
		cat "$TMP/make$n.log" >&2
		fail "clean build $n failed"
	}
done
for job in entity-counter-recalculator customer-storage-recalculator; do
	a=$(sha256sum <"$TMP/build1/bin/$job")
	b=$(sha256sum <"$TMP/build2/bin/$job")
	assert_eq "$a" "$b" "$job: two clean builds differ"
	echo "$job: $(stat -c %s "$TMP/build1/bin/$job") bytes, sha256 ${a%% *}"
done
