#!/bin/sh
# The test runner behind `make test`: unit tests (glibc + ASan/UBSan), then
# the integration tests against one PostgreSQL it starts and stops itself.
# Ends with the line "N passed, N failed"; exits 1 if anything failed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib/pg.sh"

passed=0
failed=0
failures=""
LOGS=${TEST_LOGS:-$ROOT/build/test-logs}
rm -rf "$LOGS"
mkdir -p "$LOGS"

record() { # name status
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok    $1"
	else
		failed=$((failed + 1))
		failures="$failures $1"
		echo "FAIL  $1 (log: $LOGS/$1.log)"
		sed 's/^/      /' "$LOGS/$1.log" | tail -n 25
	fi
}

for t in "$ROOT"/build/san/tests/test_*; do
	[ -x "$t" ] || continue
	name=unit/$(basename "$t")
	mkdir -p "$LOGS/unit"
	"$t" >"$LOGS/$name.log" 2>&1
	record "$name" $?
done

PG_TMP=$(mktemp -d)
chmod 755 "$PG_TMP"
trap 'pg_stop; rm -rf "$PG_TMP"' EXIT INT TERM
if ! pg_start "$PG_TMP/pg" >"$LOGS/postgres-start.log" 2>&1; then
	cat "$LOGS/postgres-start.log" >&2
	echo "cannot start the test PostgreSQL"
	echo "$passed passed, $((failed + 1)) failed"
	exit 1
fi

# Every integration test runs the release binaries; the functional ones run
# again on the glibc + ASan/UBSan build of the same code.
SAN_TESTS=${SAN_TESTS:-"t0010-config-errors t0100-entity-fixture t0200-storage-fixture t0300-db-failures t0310-interrupts t0500-huge-values"}
for t in "$ROOT"/tests/integration/t*.sh; do
	name=$(basename "$t" .sh)
	case " ${TESTS:-$name} " in *" $name "*) ;; *) continue ;; esac
	BIN_DIR=$ROOT/build/bin sh "$t" >"$LOGS/$name.log" 2>&1
	record "$name" $?
	case " $SAN_TESTS " in *" $name "*) ;; *) continue ;; esac
	mkdir -p "$LOGS/san"
	BIN_DIR=$ROOT/build/san/bin sh "$t" >"$LOGS/san/$name.log" 2>&1
	record "san/$name" $?
done

[ -z "$failures" ] || echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
