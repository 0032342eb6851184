#!/bin/sh
# entity-counter-recalculator under live API traffic.  Writers add and remove
# images in hot spaces while the job runs again and again; cold rows carry
# real drift for the job to fix.  The writers alone keep every counter
# exact, so once writers and job have stopped, any counter that differs
# from its count is an error the job made (or drift it failed to fix).
#   atomic writers (counter and image in one transaction): zero errors.
#   the API's own order (counter first, image later): at most BOUND_API.
# Figures go to the log, for the issue note.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"
# shellcheck source=tests/lib/writers.sh
. "$ROOT/tests/lib/writers.sh"

WRITERS=4
OPS=${CONCURRENCY_OPS:-1500}
BOUND_API=${BOUND_API:-0}

setup() {
	new_db 2026
	pg_psql >/dev/null <<'SQL'
SELECT test_add_space(c, s), test_add_images(c, s, 20)
  FROM unnest(ARRAY[100, 101]) c, generate_series(1, 3) s;
SELECT test_add_space(200, 1), test_add_images(200, 1, 10);
INSERT INTO "EntityCounters"
SELECT 'space-images', "Space"::text, "Customer", count(*)
  FROM "Images" GROUP BY "Customer", "Space";
INSERT INTO "EntityCounters"
SELECT 'customer-images', "Customer"::text, 0, count(*)
  FROM "Images" WHERE "Customer" <> 200 GROUP BY "Customer";
-- cold drift: too high, and customer 200's row missing
UPDATE "EntityCounters" SET "Next" = 25
 WHERE "Type" = 'space-images' AND "Customer" = 200;
SQL
}

# Rows whose counter differs from the truth, both types (the shared drift
# report, which counts a missing row as wrong and a zero row without
# images as right).
errors() {
	pg_psql -v gen=2026 -f "$ROOT/tests/sql/drift-report.sql" |
		sed -n 's/^EntityCounters rows wrong or missing: *//p'
}

for mode in atomic api; do
	setup
	with_writers $mode entity-counter-recalculator
	n=$(errors)
	echo "concurrency[$mode]: writers=$WRITERS ops=$((WRITERS * OPS)) job_runs=$RUNS rows_transient=$TRANSIENT rows_busy=$BUSY errors=$n"
	if [ "$mode" = atomic ]; then
		assert_eq 0 "$n" "$mode: counters left wrong"
	else
		[ "$n" -le "$BOUND_API" ] || fail "$mode: $n counters left wrong (bound $BOUND_API)"
	fi
done
