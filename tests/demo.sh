#!/bin/sh
# `make demo`: a throwaway PostgreSQL (own directory, port and socket,
# stopped on exit) holding a small DLCS database whose counters drifted;
# both jobs run as a dry run, then for real; the drift report before and
# after shows what was wrong and that it is now right.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/pg.sh
. "$ROOT/tests/lib/pg.sh"
IMAGES=${DEMO_IMAGES:-5000}
GEN=${DEMO_GENERATION:-2026}

TMP=$(mktemp -d)
chmod 755 "$TMP"
trap 'pg_stop; rm -rf "$TMP"' EXIT INT TERM

say() { printf '\n== %s\n' "$*"; }

say "starting a throwaway PostgreSQL in $TMP"
pg_start "$TMP/pg"
PGDB=dlcs
export PGDB
psql -X -q -d postgres -c "CREATE DATABASE dlcs"
pg_psql -f "$ROOT/tests/sql/schema-common.sql" >/dev/null
pg_psql -f "$ROOT/tests/sql/schema-$GEN.sql" >/dev/null
pg_psql -f "$ROOT/tests/sql/functions.sql" >/dev/null
pg_psql -f "$ROOT/tests/sql/grants.sql" >/dev/null
say "loading $IMAGES images ($GEN schema) with drifted counters"
pg_psql -v gen="$GEN" -v images="$IMAGES" -v seed=1 \
	-f "$ROOT/tests/sql/generate.sql" >/dev/null
pg_psql -v gen="$GEN" -v seed=1 -f "$ROOT/tests/sql/drift.sql" >/dev/null
pg_psql -v gen="$GEN" -f "$ROOT/tests/sql/drift-report.sql"

# The jobs connect as the restricted role, over TLS, as in production.
CONNECTION_STRING="postgresql://recalc:recalc-secret-pw@localhost:$PGPORT/dlcs?sslmode=verify-full&sslrootcert=$PG_CA"
export CONNECTION_STRING
export ENABLE_CLOUDWATCH_INTEGRATION=false AWS_EC2_METADATA_DISABLED=true LOG_FORMAT=text CONFIRM_DELAY_MS=200

for job in entity-counter-recalculator customer-storage-recalculator; do
	say "$job --dry-run (first lines; nothing is written)"
	"$ROOT/build/bin/$job" --dry-run 2>&1 | head -n 8
	"$ROOT/build/bin/$job" --dry-run 2>&1 | tail -n 1
	say "$job"
	ENABLE_EMF_METRICS=true "$ROOT/build/bin/$job" 2>"$TMP/log"
	grep -E 'run complete|run failed' "$TMP/log"
done

say "after both jobs"
pg_psql -v gen="$GEN" -f "$ROOT/tests/sql/drift-report.sql"
say "a second run finds nothing to change"
for job in entity-counter-recalculator customer-storage-recalculator; do
	"$ROOT/build/bin/$job" 2>&1 | grep 'run complete'
done
