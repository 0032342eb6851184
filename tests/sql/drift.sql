-- Injects every kind of drift the jobs repair into a database made by
-- generate.sql.  Deterministic from the seed, and safe to run again on a
-- repaired database (the benchmark re-injects drift between runs).
--
--   psql -v seed=S -v gen=2026|legacy -f drift.sql
\set ON_ERROR_STOP 1
SET synchronous_commit = off;
SELECT setseed((((:seed + 7) % 1000) / 1000.0)::float8);
SELECT :'gen' = '2026' AS is2026 \gset
CREATE TEMP TABLE drift_customers AS SELECT "Id" AS c FROM "Customers";

-- Counters: drift both ways, missing rows, emptied and deleted spaces,
-- a wrong and a missing customer-images row.
UPDATE "EntityCounters"
   SET "Next" = greatest(0, "Next" + (CASE WHEN random() < 0.7 THEN 1 ELSE -1 END)
                                    * (1 + floor(random() * 5))::int)
 WHERE "Type" = 'space-images' AND random() < 0.05;
DELETE FROM "EntityCounters"
 WHERE "Type" = 'space-images' AND "Scope"::int < 500 AND random() < 0.02;
-- Space 501 exists but is empty; spaces 900+ no longer exist.
UPDATE "EntityCounters" SET "Next" = 1 + floor(random() * 5)::int
 WHERE "Type" = 'space-images' AND "Scope" = '501';
DELETE FROM "EntityCounters"
 WHERE "Type" = 'space-images' AND "Scope"::int >= 900;
INSERT INTO "EntityCounters"
SELECT 'space-images', (900 + c)::text, c, 3 FROM drift_customers;
UPDATE "EntityCounters" SET "Next" = "Next" + 17
 WHERE "Type" = 'customer-images' AND "Scope" = '1';
DELETE FROM "EntityCounters"
 WHERE "Type" = 'customer-images' AND "Scope" = '2';

-- Storage: drift in each figure, missing per-space and aggregate rows, rows
-- of spaces that no longer hold anything.
UPDATE "CustomerStorage"
   SET "NumberOfStoredImages" = "NumberOfStoredImages" + 1,
       "TotalSizeOfStoredImages" = "TotalSizeOfStoredImages" - 1000,
       "TotalSizeOfThumbnails" = "TotalSizeOfThumbnails" + 77
 WHERE "Space" <> 0 AND "Space" <> 777 AND random() < 0.05;
DELETE FROM "CustomerStorage"
 WHERE "Space" <> 0 AND "Space" <> 777 AND random() < 0.02;
DELETE FROM "CustomerStorage" WHERE "Space" = 777;
INSERT INTO "CustomerStorage" ("Customer", "Space", "StoragePolicy",
    "NumberOfStoredImages", "TotalSizeOfStoredImages",
    "TotalSizeOfThumbnails")
SELECT c, 777, 'default', 5, 5000, 50 FROM drift_customers;
\if :is2026
UPDATE "CustomerStorage"
   SET "NumberOfStoredAdjuncts" = "NumberOfStoredAdjuncts" + 2,
       "TotalSizeOfStoredAdjuncts" = "TotalSizeOfStoredAdjuncts" + 500
 WHERE "Space" IS NOT NULL AND "Space" <> 777 AND random() < 0.05;
DELETE FROM "CustomerStorage" WHERE "Customer" = 3 AND "Space" IS NULL;
\else
DELETE FROM "CustomerStorage" WHERE "Customer" = 3 AND "Space" = 0;
\endif

DROP TABLE drift_customers;
ANALYZE "EntityCounters";
ANALYZE "CustomerStorage";
