#!/bin/sh
# customer-storage-recalculator under live API traffic: writers add and
# remove "ImageStorage" rows and hosted adjuncts and adjust the per-space and
# aggregate rows with "x = x + n" in the same transaction, while the job
# runs again and again; cold rows carry drift for it to fix.  Once all have
# stopped, every row must equal the truth: zero errors.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"
# shellcheck source=tests/lib/writers.sh
. "$ROOT/tests/lib/writers.sh"

WRITERS=4
OPS=${CONCURRENCY_OPS:-1500}

new_db 2026
pg_psql >/dev/null <<'SQL'
SELECT test_add_images(c, s, 3) FROM unnest(ARRAY[100, 101]) c, generate_series(1, 3) s;
INSERT INTO "ImageStorage"
SELECT "Id", "Customer", "Space", 1000, 100000, NULL, false, 10 FROM "Images";
INSERT INTO "ImageStorage" VALUES ('200/1/a', 200, 1, 5, 50, NULL, false, 0);
-- exact per-space and aggregate rows for the hot customers
INSERT INTO "CustomerStorage" ("Customer", "Space", "StoragePolicy",
    "NumberOfStoredImages", "TotalSizeOfStoredImages", "TotalSizeOfThumbnails",
    "TotalSizeOfStoredAdjuncts", "NumberOfStoredAdjuncts")
SELECT "Customer", "Space", 'default', count(*), sum("Size"),
       sum("ThumbnailSize"), sum("AdjunctSize"), 0
  FROM "ImageStorage" WHERE "Customer" IN (100, 101)
 GROUP BY GROUPING SETS (("Customer", "Space"), ("Customer"));
-- cold drift: customer 200 has storage but wrong rows
INSERT INTO "CustomerStorage" ("Customer", "Space", "StoragePolicy",
    "NumberOfStoredImages", "TotalSizeOfStoredImages", "TotalSizeOfThumbnails")
VALUES (200, NULL, 'default', 9, 9, 9), (200, 1, 'default', 9, 9, 9);
SQL

# Rows that differ from the truth, per space and aggregate.
errors() {
	pg_psql -v gen=2026 -f "$ROOT/tests/sql/drift-report.sql" |
		sed -n 's/^CustomerStorage rows wrong or missing: *//p'
}

assert_eq 2 "$(errors)" "cold drift before the run"
with_writers storage customer-storage-recalculator
n=$(errors)
echo "concurrency[storage]: writers=$WRITERS ops=$((WRITERS * OPS)) job_runs=$RUNS rows_busy=$BUSY errors=$n"
assert_eq 0 "$n" "rows left wrong"
