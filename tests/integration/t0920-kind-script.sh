#!/bin/sh
# deploy/kind/e2e.sh never pretends to pass: where kind (or its node image)
# cannot be had, as on machines without internet access, it says so in one
# line and exits 1.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

if command -v kind >/dev/null 2>&1; then
	echo "kind is installed here; the offline behaviour is not what this machine shows"
	exit 0
fi
status=0
sh "$ROOT/deploy/kind/e2e.sh" >"$TMP/out" 2>"$TMP/err" || status=$?
assert_status 1 "$status" "e2e.sh without kind"
assert_eq 1 "$(wc -l <"$TMP/err")" "lines on stderr"
assert_contains "$TMP/err" "e2e: kind is not installed" "the reason"
assert_not_contains "$TMP/out" "passed" "no false pass"
