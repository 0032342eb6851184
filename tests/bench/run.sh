#!/bin/sh
# `make bench`: starts a PostgreSQL of its own with production-like
# durability (fsync, synchronous commit and full-page writes on, so the WAL
# and the probe's commit latency are what a real server sees), runs
# tests/bench/bench.py at BENCH_IMAGES and, unless BENCH_SCALING=0, at four
# times that, and writes build/bench/{bench.json,bench.md,scaling.png}.
#
#   BENCH_IMAGES      images at the first size (default 1000000)
#   BENCH_SCALING     1: also at 4 x BENCH_IMAGES (default); 0: one size
#   BENCH_SIZES       the sizes, overriding both (e.g. "1000000 10000000")
#   BENCH_GENERATION  2026 (default) or legacy
#   BENCH_BASELINE_S  seconds of the probe alone (default 10)
#   BENCH_JOB_ENV     settings for the jobs, e.g. "SCAN_PARALLEL_WORKERS=0"
#   BENCH_OUT         output directory (default build/bench)
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/pg.sh
. "$ROOT/tests/lib/pg.sh"
N=${BENCH_IMAGES:-1000000}
SIZES=$N
[ "${BENCH_SCALING:-1}" = 0 ] || SIZES="$N $((4 * N))"
SIZES=${BENCH_SIZES:-$SIZES}
OUT=${BENCH_OUT:-$ROOT/build/bench}
mkdir -p "$OUT"

TMP=$(mktemp -d)
chmod 755 "$TMP"
trap 'pg_stop; rm -rf "$TMP"' EXIT INT TERM

# Autovacuum is off so the dead tuples a run leaves can be read after it;
# the bench vacuums the generated data itself.
unset PGDB
PG_EXTRA_CONF="fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = 2GB
max_wal_size = 16GB
checkpoint_timeout = 1h
autovacuum = off"
export PG_EXTRA_CONF
pg_start "$TMP/pg"
echo "bench: PostgreSQL on port $PGPORT, sizes: $SIZES"

# shellcheck disable=SC2086 # one word per size
/usr/bin/python3 "$ROOT/tests/bench/bench.py" --sizes $SIZES \
	--gen "${BENCH_GENERATION:-2026}" --out "$OUT" \
	--baseline-s "${BENCH_BASELINE_S:-10}" \
	--job-env ${BENCH_JOB_ENV:-} \
	--dsn-job "postgresql://recalc:recalc-secret-pw@localhost:$PGPORT/DBNAME?sslmode=verify-full&sslrootcert=$PG_CA"
/usr/bin/python3 "$ROOT/tests/bench/report.py" "$OUT"
