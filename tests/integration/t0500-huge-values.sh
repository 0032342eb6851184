#!/bin/sh
# Figures beyond 2^31 (counters) and 2^53 (byte sums) are exact: the jobs
# read and write 64-bit integers and never go through floating point.
# shellcheck source=tests/lib/setup.sh
. "$(dirname "$0")/../lib/setup.sh"

new_db 2026
pg_psql >/dev/null <<'SQL'
SELECT test_add_space(1, 1), test_add_images(1, 1, 3);
INSERT INTO "EntityCounters" VALUES
    ('space-images', '1', 1, 5000000003),     -- drift of -5e9
    ('customer-images', '1', 0, 2147483650);  -- just past 2^31
INSERT INTO "ImageStorage" ("Id", "Customer", "Space", "ThumbnailSize",
                            "Size", "CheckingInProgress", "AdjunctSize")
SELECT '1/1/big' || g, 1, 1, 4503599627370497, 4611686018427387903 / 4, false,
       1
  FROM generate_series(1, 3) g;
INSERT INTO "CustomerStorage" ("Customer", "Space", "StoragePolicy",
    "NumberOfStoredImages", "TotalSizeOfStoredImages", "TotalSizeOfThumbnails",
    "TotalSizeOfStoredAdjuncts", "NumberOfStoredAdjuncts")
VALUES (1, 1, 'default', 0, 9007199254740993, 0, 0, 0);
SQL

run_job entity-counter-recalculator
assert_status 0 "$status" "entity run"
assert_contains "$TMP/err" '"old":5000000003,"new":3,"delta":-5000000000' "counter beyond 2^32"
assert_contains "$TMP/err" '"old":2147483650,"new":3,"delta":-2147483647' "counter beyond 2^31"
assert_eq 3 "$(q "SELECT \"Next\" FROM \"EntityCounters\" WHERE \"Type\" = 'space-images'")" "space counter"

run_job customer-storage-recalculator
assert_status 0 "$status" "storage run"
# 3 rows of (2^62 - 1) / 4 (integer division): exact, far past 2^53.
assert_eq "3458764513820540925|13510798882111491" \
	"$(q 'SELECT "TotalSizeOfStoredImages", "TotalSizeOfThumbnails" FROM "CustomerStorage" WHERE "Space" = 1')" \
	"sums beyond 2^53"
assert_eq "3458764513820540925" \
	"$(q 'SELECT "TotalSizeOfStoredImages" FROM "CustomerStorage" WHERE "Space" IS NULL')" \
	"aggregate beyond 2^53"
