-- How far the counter tables are from the truth: one row per table with the
-- number of rows that are wrong or missing.  The demo shows it before and
-- after the jobs; tests assert it reaches zero.  psql -v gen=2026|legacy.
SELECT :'gen' = '2026' AS is2026 \gset
WITH truth AS (
    SELECT 'space-images' AS t, "Space"::text AS scope, "Customer" AS c,
           count(*) AS n
      FROM "Images" GROUP BY "Customer", "Space"
    UNION ALL
    SELECT 'customer-images', "Customer"::text, 0, count(*)
      FROM "Images" GROUP BY "Customer")
SELECT count(*) AS wrong
  FROM truth t
  FULL JOIN (SELECT * FROM "EntityCounters"
              WHERE "Type" IN ('space-images', 'customer-images')) e
    ON e."Type" = t.t AND e."Scope" = t.scope AND e."Customer" = t.c
 WHERE coalesce(e."Next", 0) <> coalesce(t.n, 0)
\gset entity_
\if :is2026
WITH s AS (
    SELECT "Customer" AS c, "Space" AS sp, count(*) n, sum("Size") size,
           sum("ThumbnailSize") th, sum("AdjunctSize") adj
      FROM "ImageStorage" GROUP BY 1, 2),
h AS (
    SELECT split_part("AssetId", '/', 1)::int c,
           split_part("AssetId", '/', 2)::int sp, count(*) nadj
      FROM "Adjuncts" WHERE "Origin" <> '' GROUP BY 1, 2),
t AS (
    SELECT coalesce(s.c, h.c) c, coalesce(s.sp, h.sp) sp,
           coalesce(n, 0) n, coalesce(size, 0) size, coalesce(th, 0) th,
           coalesce(adj, 0) adj, coalesce(nadj, 0) nadj
      FROM s FULL JOIN h ON h.c = s.c AND h.sp = s.sp),
truth AS (
    SELECT c, sp, n, size, th, adj, nadj FROM t
    UNION ALL
    SELECT c, NULL, sum(n), sum(size), sum(th), sum(adj), sum(nadj)
      FROM t GROUP BY c)
SELECT count(*) AS wrong FROM truth FULL JOIN "CustomerStorage" cs
    ON cs."Customer" = truth.c AND cs."Space" IS NOT DISTINCT FROM truth.sp
 WHERE (coalesce(cs."NumberOfStoredImages", 0),
        coalesce(cs."TotalSizeOfStoredImages", 0),
        coalesce(cs."TotalSizeOfThumbnails", 0),
        coalesce(cs."TotalSizeOfStoredAdjuncts", 0),
        coalesce(cs."NumberOfStoredAdjuncts", 0))
       <> (coalesce(truth.n, 0), coalesce(truth.size, 0),
           coalesce(truth.th, 0), coalesce(truth.adj, 0),
           coalesce(truth.nadj, 0))
\gset storage_
\else
WITH t AS (
    SELECT "Customer" AS c, "Space" AS sp, count(*) n, sum("Size") size,
           sum("ThumbnailSize") th
      FROM "ImageStorage" WHERE "Space" <> 0 GROUP BY 1, 2),
truth AS (
    SELECT c, sp, n, size, th FROM t
    UNION ALL
    SELECT c, 0, sum(n), sum(size), sum(th) FROM t GROUP BY c)
SELECT count(*) AS wrong FROM truth FULL JOIN "CustomerStorage" cs
    ON cs."Customer" = truth.c AND cs."Space" = truth.sp
 WHERE (coalesce(cs."NumberOfStoredImages", 0),
        coalesce(cs."TotalSizeOfStoredImages", 0),
        coalesce(cs."TotalSizeOfThumbnails", 0))
       <> (coalesce(truth.n, 0), coalesce(truth.size, 0),
           coalesce(truth.th, 0))
\gset storage_
\endif
\echo EntityCounters rows wrong or missing:  :entity_wrong
\echo CustomerStorage rows wrong or missing: :storage_wrong
