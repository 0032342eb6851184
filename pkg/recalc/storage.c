#include "../util/util.h"

#include "recalc.h"

#include "../log/log.h"

/*
 * The customer storage job: each per-space row of "CustomerStorage" against
 * the sums over "ImageStorage" and the hosted "Adjuncts" of that (customer,
 * space), and each customer's aggregate row against the sum over all its
 * spaces.  Kind 0 is a per-space row (key: the space), kind 1 the aggregate
 * row (key: the customer again).  Figures, in order:
 *   0 "NumberOfStoredImages"      count of "ImageStorage" rows
 *   1 "TotalSizeOfStoredImages"   sum of "Size"
 *   2 "TotalSizeOfThumbnails"     sum of "ThumbnailSize"
 *   3 "TotalSizeOfStoredAdjuncts" sum of "AdjunctSize"     (2026 only)
 *   4 "NumberOfStoredAdjuncts"    count of hosted adjuncts  (2026 only)
 *
 * An adjunct is hosted when "Origin" is neither NULL nor ''.  Its customer
 * and space are read from its "AssetId", the image id
 * '{customer}/{space}/{name}', so the job needs no grant on "Images"; ids
 * not of that shape are not counted.  Orphaned "ImageStorage" rows (no
 * image) still occupy storage and are counted.
 *
 * Generations: in 2026 the aggregate row has "Space" IS NULL and space 0 is
 * a real space; in the legacy schema the aggregate row is "Space" = 0, it
 * sums the rows with "Space" <> 0, and there are no adjunct figures (they
 * read as 0).
 *
 * Sums are numeric in SQL and parsed as checked 64-bit integers: exact far
 * beyond 2^53, and a sum too large for the bigint column fails loudly.
 */

static const char *const kind_names[] = {"space", "customer"};
static const char *const figure_names[] = {
    "images", "image_bytes", "thumbnail_bytes", "adjunct_bytes", "adjuncts",
};

/* A canonical decimal id, as in an image id '{customer}/{space}/{name}'. */
#define ID_RE "(0|[1-9][0-9]{0,8})"

/* ---- 2026 ----------------------------------------------------------- */

/*
 * Hosted adjuncts per (customer, space) of their "AssetId", as the start
 * of a WITH list.  They are grouped on the text of the first two parts
 * and only the groups are checked and cast: a regular expression on every
 * adjunct cost more than the rest of the scan (make bench).  MATERIALIZED
 * keeps the planner from pushing the check back below the grouping.
 * LIKE '%/%/%' with canonical ids in both parts is exactly the shape
 * '{customer}/{space}/{name}'.
 */
#define HOSTED_BY_ID                                                         \
    "WITH hosted_ids AS MATERIALIZED ("                                      \
    "    SELECT split_part(\"AssetId\", '/', 1) AS c,"                       \
    "           split_part(\"AssetId\", '/', 2) AS s, count(*) AS n"         \
    "      FROM \"Adjuncts\""                                                \
    "     WHERE \"Origin\" <> '' AND \"AssetId\" LIKE '%/%/%'"               \
    "     GROUP BY 1, 2"                                                     \
    "), hosted_all AS ("                                                     \
    "    SELECT CASE WHEN c ~ '^" ID_RE "$' THEN c::bigint END AS customer," \
    "           CASE WHEN s ~ '^" ID_RE "$' THEN s::bigint END AS space,"    \
    "           n"                                                           \
    "      FROM hosted_ids"                                                  \
    "     WHERE c ~ '^" ID_RE "$' AND s ~ '^" ID_RE "$'"                     \
    ")"

/*
 * Look 1, 2026: per-space truths from one pass over "ImageStorage" and one
 * over "Adjuncts" (the floor), full-joined with the per-space rows; then
 * the customer sums of the same truths full-joined with the aggregate rows.
 * N rows, streamed, one snapshot.
 */
static const char SQL_SCAN_2026[] = HOSTED_BY_ID
    ", stored AS ("
    "    SELECT \"Customer\"::bigint AS customer, \"Space\"::bigint AS space,"
    "           count(*) AS n, sum(\"Size\") AS size,"
    "           sum(\"ThumbnailSize\") AS thumbs,"
    "           sum(\"AdjunctSize\") AS adjunct_size"
    "      FROM \"ImageStorage\""
    "     GROUP BY 1, 2"
    "), truth AS MATERIALIZED ("
    "    SELECT coalesce(s.customer, h.customer) AS customer,"
    "           coalesce(s.space, h.space) AS space,"
    "           coalesce(s.n, 0) AS a0, coalesce(s.size, 0) AS a1,"
    "           coalesce(s.thumbs, 0) AS a2,"
    "           coalesce(s.adjunct_size, 0) AS a3, coalesce(h.n, 0) AS a4"
    "      FROM stored s"
    "      FULL JOIN hosted_all h"
    "        ON h.customer = s.customer AND h.space = s.space"
    "), totals AS ("
    "    SELECT customer, sum(a0) AS a0, sum(a1) AS a1, sum(a2) AS a2,"
    "           sum(a3) AS a3, sum(a4) AS a4"
    "      FROM truth GROUP BY customer"
    ")"
    "SELECT 0 AS kind, coalesce(t.customer, cs.\"Customer\") AS owner,"
    "       coalesce(t.space, cs.\"Space\") AS key,"
    "       cs.\"Customer\" IS NOT NULL AS present, false AS gone,"
    "       cs.version,"
    "       cs.\"NumberOfStoredImages\" AS s0,"
    "       cs.\"TotalSizeOfStoredImages\" AS s1,"
    "       cs.\"TotalSizeOfThumbnails\" AS s2,"
    "       cs.\"TotalSizeOfStoredAdjuncts\" AS s3,"
    "       cs.\"NumberOfStoredAdjuncts\" AS s4,"
    "       coalesce(t.a0, 0) AS a0, coalesce(t.a1, 0) AS a1,"
    "       coalesce(t.a2, 0) AS a2, coalesce(t.a3, 0) AS a3,"
    "       coalesce(t.a4, 0) AS a4"
    "  FROM truth t"
    "  FULL JOIN (SELECT *, xmin::text::bigint AS version"
    "               FROM \"CustomerStorage\""
    "              WHERE \"Space\" IS NOT NULL) cs"
    "    ON cs.\"Customer\" = t.customer AND cs.\"Space\" = t.space "
    "UNION ALL "
    "SELECT 1, coalesce(t.customer, cs.\"Customer\"),"
    "       coalesce(t.customer, cs.\"Customer\"),"
    "       cs.\"Customer\" IS NOT NULL, false, cs.version,"
    "       cs.\"NumberOfStoredImages\", cs.\"TotalSizeOfStoredImages\","
    "       cs.\"TotalSizeOfThumbnails\", cs.\"TotalSizeOfStoredAdjuncts\","
    "       cs.\"NumberOfStoredAdjuncts\","
    "       coalesce(t.a0, 0), coalesce(t.a1, 0), coalesce(t.a2, 0),"
    "       coalesce(t.a3, 0), coalesce(t.a4, 0)"
    "  FROM totals t"
    "  FULL JOIN (SELECT *, xmin::text::bigint AS version"
    "               FROM \"CustomerStorage\""
    "              WHERE \"Space\" IS NULL) cs"
    "    ON cs.\"Customer\" = t.customer";

/*
 * Look 2, 2026: the same figures for the keys $1 kinds, $2 owners, $3 keys,
 * one row per key, in one statement.  Stored rows and "ImageStorage" sums
 * are index lookups (the partial unique indexes;
 * "IX_ImageStorageByCustomerSpace"), each branch gated on the kind so only
 * one runs.  "Adjuncts" has no index by customer, so hosted adjuncts are
 * counted in one pass, once for all the keys.  Takes no locks.
 */
static const char SQL_LOOK2_2026[] = HOSTED_BY_ID
    ", k AS ("
    "    SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[])"
    "           WITH ORDINALITY AS u(kind, owner, key, ord)"
    "), hosted AS MATERIALIZED ("
    /* Keyed like k (kind, owner, key) so it is joined on equality, once,
     * not searched again for every key. */
    "    SELECT GROUPING(space) AS kind, customer AS owner,"
    "           CASE GROUPING(space) WHEN 1 THEN customer ELSE space END"
    "               AS key,"
    "           sum(n) AS n"
    "      FROM hosted_all"
    "     WHERE customer IN (SELECT owner FROM k)"
    "     GROUP BY GROUPING SETS ((customer, space), (customer))"
    ")"
    "SELECT k.ord, k.kind, k.owner, k.key,"
    "       cs.\"Customer\" IS NOT NULL AS present, false AS gone,"
    "       cs.version,"
    "       cs.\"NumberOfStoredImages\" AS s0,"
    "       cs.\"TotalSizeOfStoredImages\" AS s1,"
    "       cs.\"TotalSizeOfThumbnails\" AS s2,"
    "       cs.\"TotalSizeOfStoredAdjuncts\" AS s3,"
    "       cs.\"NumberOfStoredAdjuncts\" AS s4,"
    "       st.n AS a0, st.size AS a1, st.thumbs AS a2,"
    "       st.adjunct_size AS a3,"
    "       coalesce(h.n, 0) AS a4"
    "  FROM k"
    "  LEFT JOIN hosted h"
    "    ON h.kind = k.kind AND h.owner = k.owner AND h.key = k.key"
    "  LEFT JOIN LATERAL ("
    "      SELECT c.*, c.xmin::text::bigint AS version"
    "        FROM \"CustomerStorage\" c"
    "       WHERE k.kind = 0 AND c.\"Customer\" = k.owner"
    "         AND c.\"Space\" = k.key"
    "      UNION ALL"
    "      SELECT c.*, c.xmin::text::bigint AS version"
    "        FROM \"CustomerStorage\" c"
    "       WHERE k.kind = 1 AND c.\"Customer\" = k.owner"
    "         AND c.\"Space\" IS NULL"
    "  ) cs ON true"
    "  CROSS JOIN LATERAL ("
    "      SELECT coalesce(sum(n), 0) AS n, coalesce(sum(size), 0) AS size,"
    "             coalesce(sum(thumbs), 0) AS thumbs,"
    "             coalesce(sum(adjunct_size), 0) AS adjunct_size"
    "        FROM (SELECT count(*) AS n, sum(s.\"Size\") AS size,"
    "                     sum(s.\"ThumbnailSize\") AS thumbs,"
    "                     sum(s.\"AdjunctSize\") AS adjunct_size"
    "                FROM \"ImageStorage\" s"
    "               WHERE k.kind = 0 AND s.\"Customer\" = k.owner"
    "                 AND s.\"Space\" = k.key"
    "              UNION ALL"
    "              SELECT count(*), sum(s.\"Size\"), sum(s.\"ThumbnailSize\"),"
    "                     sum(s.\"AdjunctSize\")"
    "                FROM \"ImageStorage\" s"
    "               WHERE k.kind = 1 AND s.\"Customer\" = k.owner) x"
    "  ) st"
    " ORDER BY k.ord";

/*
 * Every write takes $1 kinds, $2 owners, $3 keys and $4..$8 the confirmed
 * deltas of the five figures (bigint[]), and returns (kind, owner, key) of
 * each row written.  Figures move by their delta, never to a value, so the
 * API's concurrent "x = x + n" are kept; "LastCalculated" records the
 * verification.
 */
#define DELTAS                                                           \
    "WITH d AS ("                                                        \
    "    SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[],"    \
    "                         $4::bigint[], $5::bigint[], $6::bigint[]," \
    "                         $7::bigint[], $8::bigint[])"               \
    "           AS u(kind, owner, key, d0, d1, d2, d3, d4)"              \
    ")"

#define SET_DELTAS_2026                                                       \
    "   SET \"NumberOfStoredImages\" = cs.\"NumberOfStoredImages\" + d.d0,"   \
    "       \"TotalSizeOfStoredImages\" ="                                    \
    "           cs.\"TotalSizeOfStoredImages\" + d.d1,"                       \
    "       \"TotalSizeOfThumbnails\" = cs.\"TotalSizeOfThumbnails\" + d.d2," \
    "       \"TotalSizeOfStoredAdjuncts\" ="                                  \
    "           cs.\"TotalSizeOfStoredAdjuncts\" + d.d3,"                     \
    "       \"NumberOfStoredAdjuncts\" ="                                     \
    "           cs.\"NumberOfStoredAdjuncts\" + d.d4,"                        \
    "       \"LastCalculated\" = now()"

static const char SQL_UPDATE_SPACE_2026[] =
    DELTAS "UPDATE \"CustomerStorage\" cs" SET_DELTAS_2026
           "  FROM d WHERE cs.\"Customer\" = d.owner AND cs.\"Space\" = d.key"
           " RETURNING d.kind, d.owner, d.key";

static const char SQL_UPDATE_CUSTOMER_2026[] =
    DELTAS "UPDATE \"CustomerStorage\" cs" SET_DELTAS_2026
           "  FROM d WHERE cs.\"Customer\" = d.owner AND cs.\"Space\" IS NULL"
           " RETURNING d.kind, d.owner, d.key";

/* A new per-space row takes the policy of the customer's aggregate row, or
 * 'default'; existing policies are never written.  A row the API created
 * meanwhile wins (ON CONFLICT DO NOTHING, INSERT privilege only).  The
 * inserted columns, then each statement's SELECT: */
#define INSERT_2026                                                      \
    ", ins AS ("                                                         \
    "    INSERT INTO \"CustomerStorage\" (\"Customer\", \"Space\","      \
    "        \"StoragePolicy\", \"NumberOfStoredImages\","               \
    "        \"TotalSizeOfStoredImages\", \"TotalSizeOfThumbnails\","    \
    "        \"TotalSizeOfStoredAdjuncts\", \"NumberOfStoredAdjuncts\"," \
    "        \"LastCalculated\")"

static const char SQL_INSERT_SPACE_2026[] = DELTAS INSERT_2026
    "    SELECT d.owner, d.key,"
    "           coalesce((SELECT a.\"StoragePolicy\""
    "                       FROM \"CustomerStorage\" a"
    "                      WHERE a.\"Customer\" = d.owner"
    "                        AND a.\"Space\" IS NULL), 'default'),"
    "           d.d0, d.d1, d.d2, d.d3, d.d4, now()"
    "      FROM d"
    "    ON CONFLICT DO NOTHING"
    "    RETURNING \"Customer\", \"Space\""
    ")"
    "SELECT 0, \"Customer\"::bigint, \"Space\"::bigint FROM ins";

static const char SQL_INSERT_CUSTOMER_2026[] = DELTAS INSERT_2026
    "    SELECT d.owner, NULL, 'default', d.d0, d.d1, d.d2, d.d3, d.d4, now()"
    "      FROM d"
    "    ON CONFLICT DO NOTHING"
    "    RETURNING \"Customer\""
    ")"
    "SELECT 1, \"Customer\"::bigint, \"Customer\"::bigint FROM ins";

/* "LastCalculated" of rows verified unchanged. */
static const char SQL_STAMP_SPACE_2026[] =
    DELTAS "UPDATE \"CustomerStorage\" cs SET \"LastCalculated\" = now()"
           "  FROM d WHERE cs.\"Customer\" = d.owner AND cs.\"Space\" = d.key"
           " RETURNING d.kind, d.owner, d.key";

static const char SQL_STAMP_CUSTOMER_2026[] =
    DELTAS "UPDATE \"CustomerStorage\" cs SET \"LastCalculated\" = now()"
           "  FROM d WHERE cs.\"Customer\" = d.owner AND cs.\"Space\" IS NULL"
           " RETURNING d.kind, d.owner, d.key";

/* ---- legacy --------------------------------------------------------- */

/* Look 1, legacy: as for 2026 without adjuncts; space 0 is the aggregate
 * row, so "ImageStorage" rows of space 0 belong to no space. */
static const char SQL_SCAN_LEGACY[] =
    "WITH truth AS MATERIALIZED ("
    "    SELECT \"Customer\"::bigint AS customer, \"Space\"::bigint AS space,"
    "           count(*) AS a0, sum(\"Size\") AS a1,"
    "           sum(\"ThumbnailSize\") AS a2"
    "      FROM \"ImageStorage\""
    "     WHERE \"Space\" <> 0"
    "     GROUP BY 1, 2"
    "), totals AS ("
    "    SELECT customer, sum(a0) AS a0, sum(a1) AS a1, sum(a2) AS a2"
    "      FROM truth GROUP BY customer"
    ")"
    "SELECT 0 AS kind, coalesce(t.customer, cs.\"Customer\") AS owner,"
    "       coalesce(t.space, cs.\"Space\") AS key,"
    "       cs.\"Customer\" IS NOT NULL AS present, false AS gone,"
    "       cs.version,"
    "       cs.\"NumberOfStoredImages\" AS s0,"
    "       cs.\"TotalSizeOfStoredImages\" AS s1,"
    "       cs.\"TotalSizeOfThumbnails\" AS s2, 0 AS s3, 0 AS s4,"
    "       coalesce(t.a0, 0) AS a0, coalesce(t.a1, 0) AS a1,"
    "       coalesce(t.a2, 0) AS a2, 0 AS a3, 0 AS a4"
    "  FROM truth t"
    "  FULL JOIN (SELECT *, xmin::text::bigint AS version"
    "               FROM \"CustomerStorage\""
    "              WHERE \"Space\" <> 0) cs"
    "    ON cs.\"Customer\" = t.customer AND cs.\"Space\" = t.space "
    "UNION ALL "
    "SELECT 1, coalesce(t.customer, cs.\"Customer\"),"
    "       coalesce(t.customer, cs.\"Customer\"),"
    "       cs.\"Customer\" IS NOT NULL, false, cs.version,"
    "       cs.\"NumberOfStoredImages\", cs.\"TotalSizeOfStoredImages\","
    "       cs.\"TotalSizeOfThumbnails\", 0, 0,"
    "       coalesce(t.a0, 0), coalesce(t.a1, 0), coalesce(t.a2, 0), 0, 0"
    "  FROM totals t"
    "  FULL JOIN (SELECT *, xmin::text::bigint AS version"
    "               FROM \"CustomerStorage\""
    "              WHERE \"Space\" = 0) cs"
    "    ON cs.\"Customer\" = t.customer";

/* Look 2, legacy: primary-key lookups and index sums, as for 2026. */
static const char SQL_LOOK2_LEGACY[] =
    "SELECT k.ord, k.kind, k.owner, k.key,"
    "       cs.\"Customer\" IS NOT NULL AS present, false AS gone,"
    "       cs.version,"
    "       cs.\"NumberOfStoredImages\" AS s0,"
    "       cs.\"TotalSizeOfStoredImages\" AS s1,"
    "       cs.\"TotalSizeOfThumbnails\" AS s2, 0 AS s3, 0 AS s4,"
    "       st.n AS a0, st.size AS a1, st.thumbs AS a2, 0 AS a3, 0 AS a4"
    "  FROM unnest($1::int[], $2::bigint[], $3::bigint[])"
    "       WITH ORDINALITY AS k(kind, owner, key, ord)"
    "  LEFT JOIN (SELECT *, xmin::text::bigint AS version"
    "               FROM \"CustomerStorage\") cs"
    "    ON cs.\"Customer\" = k.owner"
    "   AND cs.\"Space\" = (CASE k.kind WHEN 0 THEN k.key ELSE 0 END)"
    "  CROSS JOIN LATERAL ("
    "      SELECT coalesce(sum(n), 0) AS n, coalesce(sum(size), 0) AS size,"
    "             coalesce(sum(thumbs), 0) AS thumbs"
    "        FROM (SELECT count(*) AS n, sum(s.\"Size\") AS size,"
    "                     sum(s.\"ThumbnailSize\") AS thumbs"
    "                FROM \"ImageStorage\" s"
    "               WHERE k.kind = 0 AND s.\"Customer\" = k.owner"
    "                 AND s.\"Space\" = k.key"
    "              UNION ALL"
    "              SELECT count(*), sum(s.\"Size\"), sum(s.\"ThumbnailSize\")"
    "                FROM \"ImageStorage\" s"
    "               WHERE k.kind = 1 AND s.\"Customer\" = k.owner"
    "                 AND s.\"Space\" <> 0) x"
    "  ) st"
    " ORDER BY k.ord";

#define SET_DELTAS_LEGACY                                                     \
    "   SET \"NumberOfStoredImages\" = cs.\"NumberOfStoredImages\" + d.d0,"   \
    "       \"TotalSizeOfStoredImages\" ="                                    \
    "           cs.\"TotalSizeOfStoredImages\" + d.d1,"                       \
    "       \"TotalSizeOfThumbnails\" = cs.\"TotalSizeOfThumbnails\" + d.d2," \
    "       \"LastCalculated\" = now()"

/* In legacy the aggregate row's key is "Space" = 0, so one statement
 * serves both kinds. */
static const char SQL_UPDATE_LEGACY[] =
    DELTAS "UPDATE \"CustomerStorage\" cs" SET_DELTAS_LEGACY
           "  FROM d WHERE cs.\"Customer\" = d.owner"
           "   AND cs.\"Space\" = (CASE d.kind WHEN 0 THEN d.key ELSE 0 END)"
           " RETURNING d.kind, d.owner, d.key";

static const char SQL_INSERT_LEGACY[] = DELTAS
    ", ins AS ("
    "    INSERT INTO \"CustomerStorage\" (\"Customer\", \"Space\","
    "        \"StoragePolicy\", \"NumberOfStoredImages\","
    "        \"TotalSizeOfStoredImages\", \"TotalSizeOfThumbnails\","
    "        \"LastCalculated\")"
    "    SELECT d.owner, CASE d.kind WHEN 0 THEN d.key ELSE 0 END,"
    "           CASE d.kind WHEN 1 THEN 'default' ELSE"
    "           coalesce((SELECT a.\"StoragePolicy\""
    "                       FROM \"CustomerStorage\" a"
    "                      WHERE a.\"Customer\" = d.owner"
    "                        AND a.\"Space\" = 0), 'default') END,"
    "           d.d0, d.d1, d.d2, now()"
    "      FROM d"
    "    ON CONFLICT DO NOTHING"
    "    RETURNING \"Customer\", \"Space\""
    ")"
    "SELECT CASE \"Space\" WHEN 0 THEN 1 ELSE 0 END,"
    "       \"Customer\"::bigint,"
    "       CASE \"Space\" WHEN 0 THEN \"Customer\" ELSE \"Space\" END::bigint"
    "  FROM ins";

static const char SQL_STAMP_LEGACY[] =
    DELTAS "UPDATE \"CustomerStorage\" cs SET \"LastCalculated\" = now()"
           "  FROM d WHERE cs.\"Customer\" = d.owner"
           "   AND cs.\"Space\" = (CASE d.kind WHEN 0 THEN d.key ELSE 0 END)"
           " RETURNING d.kind, d.owner, d.key";

/* ---- the two jobs --------------------------------------------------- */

/* Per-space rows first, then the aggregate, in the order the API takes
 * them. */
static const struct recalc_step steps_2026[] = {
    {SQL_UPDATE_SPACE_2026, RECALC_UPDATED, RECALC_STORAGE_SPACE},
    {SQL_INSERT_SPACE_2026, RECALC_INSERTED, RECALC_STORAGE_SPACE},
    {SQL_UPDATE_CUSTOMER_2026, RECALC_UPDATED, RECALC_STORAGE_CUSTOMER},
    {SQL_INSERT_CUSTOMER_2026, RECALC_INSERTED, RECALC_STORAGE_CUSTOMER},
};
static const struct recalc_step stamps_2026[] = {
    {SQL_STAMP_SPACE_2026, RECALC_VERIFIED, RECALC_STORAGE_SPACE},
    {SQL_STAMP_CUSTOMER_2026, RECALC_VERIFIED, RECALC_STORAGE_CUSTOMER},
};
static const struct recalc_step steps_legacy[] = {
    {SQL_UPDATE_LEGACY, RECALC_UPDATED, RECALC_STORAGE_SPACE},
    {SQL_INSERT_LEGACY, RECALC_INSERTED, RECALC_STORAGE_SPACE},
    {SQL_UPDATE_LEGACY, RECALC_UPDATED, RECALC_STORAGE_CUSTOMER},
    {SQL_INSERT_LEGACY, RECALC_INSERTED, RECALC_STORAGE_CUSTOMER},
};
static const struct recalc_step stamps_legacy[] = {
    {SQL_STAMP_LEGACY, RECALC_VERIFIED, RECALC_STORAGE_SPACE},
    {SQL_STAMP_LEGACY, RECALC_VERIFIED, RECALC_STORAGE_CUSTOMER},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct recalc_job job_2026 = {
    "customer storage", 5,
    figure_names,       kind_names,
    SQL_SCAN_2026,      SQL_LOOK2_2026,
    steps_2026,         COUNT(steps_2026),
    stamps_2026,        COUNT(stamps_2026),
};
static const struct recalc_job job_legacy = {
    "customer storage", 5,
    figure_names,       kind_names,
    SQL_SCAN_LEGACY,    SQL_LOOK2_LEGACY,
    steps_legacy,       COUNT(steps_legacy),
    stamps_legacy,      COUNT(stamps_legacy),
};

#define STORAGE_BASE                                     \
    "Customer Space StoragePolicy NumberOfStoredImages " \
    "TotalSizeOfStoredImages TotalSizeOfThumbnails LastCalculated"

/* Decides the generation from the catalog and checks tables and grants. */
static enum dr_err check_database(struct db *db,
                                  const struct recalc_options *opt,
                                  enum recalc_generation *gen_out)
{
    const char *write = opt->dry_run ? "SELECT" : "SELECT,INSERT,UPDATE";
    const struct recalc_need needs_2026[] = {
        {"CustomerStorage",
         STORAGE_BASE " Id NumberOfStoredAdjuncts TotalSizeOfStoredAdjuncts",
         write},
        {"ImageStorage", "Customer Space Size ThumbnailSize AdjunctSize",
         "SELECT"},
        {"Adjuncts", "AssetId Origin", "SELECT"},
    };
    const struct recalc_need needs_legacy[] = {
        {"CustomerStorage", STORAGE_BASE, write},
        {"ImageStorage", "Customer Space Size ThumbnailSize", "SELECT"},
    };
    bool adjuncts;
    enum dr_err rc;

    rc = recalc_has_table(db, "Adjuncts", "AssetId", &adjuncts);
    if (rc)
        return rc;
    *gen_out = adjuncts ? RECALC_GEN_2026 : RECALC_GEN_LEGACY;
    if (adjuncts)
        return recalc_check_tables(db, needs_2026, COUNT(needs_2026));
    return recalc_check_tables(db, needs_legacy, COUNT(needs_legacy));
}

enum dr_err recalc_customer_storage(struct db *scan, struct db *write,
                                    const struct recalc_options *opt,
                                    struct recalc_report *report)
{
    struct recalc_engine engine = {
        .scan = scan,
        .write = write,
        .opt = opt,
        .report = report,
    };
    enum dr_err rc;

    rc = check_database(scan, opt, &report->generation);
    if (rc)
        return rc;
    log_msg(LOG_LEVEL_INFO, "schema generation: %s",
            report->generation == RECALC_GEN_2026 ? "2026" : "legacy");
    engine.job =
        report->generation == RECALC_GEN_2026 ? &job_2026 : &job_legacy;
    return recalc_engine_run(&engine);
}
