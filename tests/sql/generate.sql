-- The one generator of DLCS-shaped data, shared by the demo, the tests and
-- the benchmark.  Set-based and deterministic from a seed.
--
--   psql -v images=N -v seed=S -v gen=2026|legacy -f generate.sql
--
-- Run it after schema-common.sql, schema-<gen>.sql and functions.sql on an
-- empty database, then drift.sql to inject drift.
-- Shape: a few customers own most images (customer = 1 + C * r^3), spaces
-- are skewed too (space = 1 + 400 * r^4: a few large, many small);
-- "ImageStorage" has rows for ~97% of images plus orphans; in 2026 ~10% of
-- images have an adjunct, ~70% of those hosted.  Counters and storage rows
-- start exact.
\set ON_ERROR_STOP 1
SET max_parallel_workers_per_gather = 0;
SET synchronous_commit = off;
SELECT setseed(((:seed % 1000) / 1000.0)::float8);
SELECT :'gen' = '2026' AS is2026 \gset

CREATE TEMP TABLE gen_params AS
SELECT greatest(3, :images / 50000)::int AS customers;

-- Images: full width, skewed.
INSERT INTO "Images"
SELECT c || '/' || s || '/img' || g, c, s,
       timestamptz '2020-01-01' + g * interval '1 second',
       'https://origin.example/' || c || '/' || s || '/img' || g,
       'tag-a,tag-b', '', '', 'reference-one-' || g, 'reference-two', '',
       -1, g, 0, 0, 1024 + g % 2048, 768 + g % 1024, '', g % 100,
       timestamptz '2020-01-01 00:10', false, 'fast-higher', 'default', 'I',
       'image/jpeg', 0, false, 'iiif-img,thumbs', ARRAY['manifest-1'],
       NULL, NULL
  FROM (SELECT g,
               1 + floor((SELECT customers FROM gen_params)
                         * random() ^ 3)::int AS c,
               1 + floor(400 * random() ^ 4)::int AS s
          FROM generate_series(1, :images) g) x;

INSERT INTO "Customers"
SELECT c, 'customer ' || c, 'Customer ' || c, '', false,
       timestamptz '2020-01-01', true
  FROM generate_series(1, (SELECT customers FROM gen_params)) c;

-- Spaces: every space with images, plus a few empty ones per customer.
INSERT INTO "Spaces"
SELECT s, c, 'space ' || s, timestamptz '2020-01-01', 'bucket', '', '',
       false, false, -1
  FROM (SELECT DISTINCT "Customer" AS c, "Space" AS s FROM "Images"
        UNION
        SELECT c, 500 + e FROM generate_series(1, (SELECT customers
                                                     FROM gen_params)) c,
                                generate_series(1, 3) e) x;

-- Storage: most images, some missing, some orphaned.
INSERT INTO "ImageStorage" ("Id", "Customer", "Space", "ThumbnailSize",
                            "Size", "LastChecked", "CheckingInProgress")
SELECT "Id", "Customer", "Space", (random() * 200000)::bigint,
       (random() * 50000000)::bigint, NULL, false
  FROM "Images" WHERE random() < 0.97;
INSERT INTO "ImageStorage" ("Id", "Customer", "Space", "ThumbnailSize",
                            "Size", "LastChecked", "CheckingInProgress")
SELECT c || '/' || s || '/orphan' || g, c, s, 1000, 100000, NULL, false
  FROM (SELECT g, 1 + (g % (SELECT customers FROM gen_params)) AS c,
               1 + (g % 7) AS s
          FROM generate_series(1, greatest(1, :images / 200)) g) x;

\if :is2026
-- Adjuncts: ~10% of images; hosted ones have an "Origin".
INSERT INTO "Adjuncts" ("Id", "AssetId", "MediaType", "IIIFLink", "Type",
                        "Origin", "Size")
SELECT 'adj-' || "Id", "Id", 'text/vtt', '', 'Text',
       CASE WHEN r < 0.07 THEN 's3://dlcs/' || "Id" || '.vtt'
            WHEN r < 0.085 THEN '' END,
       (random() * 100000)::bigint
  FROM (SELECT "Id", random() AS r FROM "Images") x
 WHERE r < 0.1;
UPDATE "ImageStorage" s SET "AdjunctSize" = a."Size"
  FROM "Adjuncts" a
 WHERE a."AssetId" = s."Id" AND a."Origin" <> '';
\endif

-- Counters: exact, then allocators the jobs must never touch.
INSERT INTO "EntityCounters"
SELECT 'space-images', "Space"::text, "Customer", count(*)
  FROM "Images" GROUP BY "Customer", "Space";
INSERT INTO "EntityCounters"
SELECT 'space-images', s::text, c, 0 FROM generate_series(1, (SELECT customers
                                                              FROM gen_params)) c,
                                          generate_series(501, 503) s;
INSERT INTO "EntityCounters"
SELECT 'customer-images', "Customer"::text, 0, count(*)
  FROM "Images" GROUP BY "Customer";
INSERT INTO "EntityCounters"
SELECT 'space', c::text, 0, 504 FROM generate_series(1, (SELECT customers
                                                          FROM gen_params)) c;
INSERT INTO "EntityCounters" VALUES
    ('customer', '1', 0, (SELECT customers FROM gen_params) + 1);

-- Storage rows: exact per space and per customer.
CREATE TEMP TABLE gen_truth AS
SELECT "Customer" AS c, "Space" AS sp, count(*) AS n, sum("Size") AS size,
       sum("ThumbnailSize") AS th, 0::numeric AS adj, 0::bigint AS nadj
  FROM "ImageStorage" GROUP BY 1, 2;
\if :is2026
UPDATE gen_truth t SET adj = x.adj
  FROM (SELECT "Customer" AS c, "Space" AS sp, sum("AdjunctSize") AS adj
          FROM "ImageStorage" GROUP BY 1, 2) x
 WHERE x.c = t.c AND x.sp = t.sp;
INSERT INTO gen_truth
SELECT c, sp, 0, 0, 0, 0, 0
  FROM (SELECT DISTINCT split_part("AssetId", '/', 1)::int AS c,
                        split_part("AssetId", '/', 2)::int AS sp
          FROM "Adjuncts" WHERE "Origin" <> '') a
 WHERE NOT EXISTS (SELECT 1 FROM gen_truth t WHERE t.c = a.c AND t.sp = a.sp);
UPDATE gen_truth t SET nadj = x.n
  FROM (SELECT split_part("AssetId", '/', 1)::int AS c,
               split_part("AssetId", '/', 2)::int AS sp, count(*) AS n
          FROM "Adjuncts" WHERE "Origin" <> '' GROUP BY 1, 2) x
 WHERE x.c = t.c AND x.sp = t.sp;
INSERT INTO "CustomerStorage" ("Customer", "Space", "StoragePolicy",
    "NumberOfStoredImages", "TotalSizeOfStoredImages",
    "TotalSizeOfThumbnails", "TotalSizeOfStoredAdjuncts",
    "NumberOfStoredAdjuncts", "LastCalculated")
SELECT c, sp, 'default', n, size, th, adj, nadj, NULL::timestamptz FROM gen_truth
UNION ALL
SELECT c, NULL, 'default', sum(n), sum(size), sum(th), sum(adj), sum(nadj),
       NULL
  FROM gen_truth GROUP BY c;
\else
DELETE FROM gen_truth WHERE sp = 0;
INSERT INTO "CustomerStorage" ("Customer", "Space", "StoragePolicy",
    "NumberOfStoredImages", "TotalSizeOfStoredImages",
    "TotalSizeOfThumbnails", "LastCalculated")
SELECT c, sp, 'default', n, size, th, NULL::timestamptz FROM gen_truth
UNION ALL
SELECT c, 0, 'default', sum(n), sum(size), sum(th), NULL
  FROM gen_truth GROUP BY c;
\endif
UPDATE "CustomerStorage" SET "StoragePolicy" = 'gold' WHERE "Customer" = 2;

ANALYZE;
