/*
 * recalc: the drift engine and the two jobs that use it.
 *
 * One run, for either job:
 *
 *   look 1   one streaming scan (the "scan" connection) computes, per stored
 *            row, the stored figures and the true ones in one snapshot; rows
 *            that agree are done, rows that differ go into a bounded buffer.
 *   pause    CONFIRM_DELAY_MS, so API requests in flight at look 1 finish.
 *   look 2   one statement on the "write" connection re-reads the same
 *            figures for just the drifted rows, again in one snapshot.  It
 *            takes no locks, so it runs before and outside the writes'
 *            transactions.
 *   confirm  a row is corrected only if nothing about it moved between
 *            the looks: the same row version (xmin, so even writes that
 *            cancel out count), the same stored figures and the same true
 *            figures (recalc_confirm).  The API moves a counter and the
 *            image it counts in separate statements, so a request half
 *            done shows as drift; a row the API is busy with shows motion
 *            between the looks and is left for the next run ("busy").
 *            Only a request still half done after the whole pause could be
 *            mistaken for drift, which is why the pause must outlast the
 *            API's gap between its counter update and its image write.  A
 *            row whose second look shows no drift was transient and is
 *            left alone.
 *   write    per batch (one customer, at most BATCH_ROWS rows), a short
 *            READ COMMITTED transaction on the "write" connection applies
 *            "x = x + delta", never "x = value", so increments the API
 *            commits at any time after look 2 are kept; then COMMIT.
 *            Serialization failures, deadlocks and lock timeouts roll the
 *            batch back and retry it (MAX_RETRIES), then its rows are
 *            reported as skipped.
 *
 * When the buffer fills mid-scan it is flushed (pause, look 2, write) before
 * the scan goes on, so memory stays bounded whatever the drift.
 *
 * The scan connection and the write connection are separate so the scan can
 * stream while batches commit; neither holds a lock the API waits on for
 * longer than one batch's UPDATE-to-COMMIT.
 */
#ifndef PKG_RECALC_RECALC_H
#define PKG_RECALC_RECALC_H

#include "../util/util.h"
#include "../db/db.h"

#define RECALC_FIGURES_MAX 5
#define RECALC_KINDS       2

enum recalc_generation {
    RECALC_GEN_LEGACY, /* before the 2026 migrations */
    RECALC_GEN_2026,
};

struct recalc_options {
    bool dry_run;
    bool delete_stale; /* entity counters only */
    long confirm_delay_ms;
    long max_retries;
    long batch_rows;
    long buffer_rows; /* drifted rows held for look 2 */
    long scan_timeout_s;
    long scan_parallel_workers; /* -1: the server's setting */
    long statement_timeout_ms;
};

/* What a run found and did.  Deltas are confirmed ones: in a dry run, what a
 * real run would have applied. */
struct recalc_report {
    bool dry_run;
    enum recalc_generation generation;
    int64_t rows_checked;
    int64_t rows_changed; /* updated, inserted or deleted */
    int64_t rows_inserted;
    int64_t rows_deleted;
    int64_t rows_skipped;   /* retries exhausted or changed concurrently */
    int64_t rows_transient; /* drift at look 1 gone by look 2 */
    int64_t rows_busy;      /* moved between the looks: left for next run */
    int64_t rows_stamped;   /* LastCalculated set without another change */
    int64_t deletions_required;
    int64_t total_drift; /* sum of |delta| over every figure */
    /* per kind of row (job-specific) and figure: sum of |delta| */
    int64_t abs_delta[RECALC_KINDS][RECALC_FIGURES_MAX];
    /* per kind: rows whose true figures are all zero */
    int64_t empty_rows[RECALC_KINDS];
    int64_t confirm_pause_ms;
    int64_t duration_ms;
};

/* Kinds of rows, indexes into the report arrays. */
enum recalc_entity_kind {
    RECALC_SPACE_IMAGES = 0,
    RECALC_CUSTOMER_IMAGES = 1,
};
enum recalc_storage_kind {
    RECALC_STORAGE_SPACE = 0,
    RECALC_STORAGE_CUSTOMER = 1, /* the aggregate row */
};
/* Figures of the storage job, in report order. */
enum recalc_storage_figure {
    RECALC_IMAGE_NUMBER,
    RECALC_IMAGE_SIZE,
    RECALC_THUMBNAIL_SIZE,
    RECALC_ADJUNCT_SIZE,
    RECALC_ADJUNCT_NUMBER,
};

/*
 * Runs a job.  scan and write are two open connections to the same
 * database.  On failure the open batch has been rolled back; batches
 * committed before it stay, each correct on its own.  The report is filled
 * as far as the run got, on failure too.
 */
DR_WARN_UNUSED enum dr_err
recalc_entity_counters(struct db *scan, struct db *write,
                       const struct recalc_options *opt,
                       struct recalc_report *report);
DR_WARN_UNUSED enum dr_err
recalc_customer_storage(struct db *scan, struct db *write,
                        const struct recalc_options *opt,
                        struct recalc_report *report);

/* Logs the summary line of a run. */
void recalc_log_summary(const struct recalc_report *report, enum dr_err rc);

/*
 * The confirmation rule for one figure (see above): stored[0], actual[0]
 * from look 1 and stored[1], actual[1] from look 2.  Returns false when the
 * figure moved between the looks (busy); otherwise *delta_out is the drift
 * both looks saw, possibly 0.  DR_ERANGE cannot happen for figures of
 * bigint columns and counts, so overflow also counts as "moved".
 */
bool recalc_confirm(const int64_t stored[2], const int64_t actual[2],
                    int64_t *delta_out);

/* ================================================================== */
/* Internal to pkg/recalc: the engine's interface to the two jobs.    */
/* ================================================================== */

enum recalc_outcome {
    RECALC_PENDING,  /* not yet through look 2 */
    RECALC_VERIFIED, /* look 2 found nothing to apply */
    RECALC_UPDATED,
    RECALC_INSERTED,
    RECALC_DELETED,
    RECALC_SKIPPED,  /* retries exhausted */
    RECALC_CONFLICT, /* the row appeared or vanished between the looks */
    RECALC_BUSY,     /* moved between the looks; left for the next run */
};

/* One stored row (or a missing one) and its two looks. */
struct recalc_row {
    int64_t owner; /* customer id; a transaction never spans two owners */
    int kind;      /* enum recalc_entity_kind or recalc_storage_kind */
    int64_t key;   /* space id (per-space kinds) or the owner again */
    bool present[2];
    bool gone[2];       /* entity: the space no longer exists in "Spaces" */
    int64_t version[2]; /* xmin of the stored row: any write changes it */
    int64_t stored[2][RECALC_FIGURES_MAX];
    int64_t actual[2][RECALC_FIGURES_MAX];
    int64_t delta[RECALC_FIGURES_MAX]; /* confirmed */
    bool remove; /* confirmed stale and deletion opted in */
    enum recalc_outcome outcome;
};

/*
 * A job is data: SQL for look 1, for look 2 and for each kind of write,
 * all speaking one column and parameter convention so the engine can run
 * them without knowing the tables.
 *
 * Look-1 rows and look-2 rows carry the columns
 *   kind int, owner bigint, key bigint, present bool, gone bool,
 *   version bigint (the stored row's xmin; NULL when the row is missing),
 *   s0..s<n-1> bigint (stored; NULL when the row is missing),
 *   a0..a<n-1> bigint (actual),
 * and look 2 also ord bigint, the 1-based position of the key it answers.
 * Kind 0 is always the per-space kind.
 *
 * Look-2 and write statements take
 *   $1 int[] kinds, $2 bigint[] owners, $3 bigint[] keys,
 *   $4.. bigint[] one array of confirmed deltas per figure (writes only),
 * and each write returns (kind, owner, key) of every row it wrote; a row
 * sent but not returned was created or removed concurrently.
 */
struct recalc_step {
    const char *sql;
    enum recalc_outcome outcome; /* the rows it writes */
    int kind;
};

struct recalc_engine;

struct recalc_job {
    const char *name;
    size_t nfigures;
    const char *const *figure_names;
    const char *const *kind_names;
    const char *scan_sql;
    const char *look2_sql;
    const struct recalc_step *steps; /* run in order in each batch */
    size_t nsteps;
    /* Writes that stamp verified rows ("LastCalculated"); NULL for none.
     * Rows that agree at look 1 are collected and stamped in batches. */
    const struct recalc_step *stamp_steps;
    size_t nstamp_steps;
};

struct recalc_engine {
    struct db *scan;
    struct db *write;
    const struct recalc_options *opt;
    struct recalc_report *report;
    const struct recalc_job *job;
    struct recalc_row *rows; /* drifted rows awaiting look 2 */
    size_t nrows;
    struct recalc_row *clean; /* verified rows awaiting their stamp */
    size_t nclean;
    size_t cap;
};

/* Runs job through the engine. */
DR_WARN_UNUSED enum dr_err recalc_engine_run(struct recalc_engine *e);

/* Catalog checks shared by the jobs (schema.c). */
struct recalc_need {
    const char *table;
    const char *columns;    /* space-separated */
    const char *privileges; /* e.g. "SELECT,UPDATE"; "" for none */
};
DR_WARN_UNUSED enum dr_err
recalc_check_tables(struct db *db, const struct recalc_need *needs, size_t n);
/* True when table exists with all of columns (space-separated). */
DR_WARN_UNUSED enum dr_err recalc_has_table(struct db *db, const char *table,
                                            const char *columns, bool *has_out);
DR_WARN_UNUSED enum dr_err recalc_has_privilege(struct db *db,
                                                const char *table,
                                                const char *privilege,
                                                bool *has_out);

#endif /* PKG_RECALC_RECALC_H */
