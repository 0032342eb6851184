#include "../util/util.h"

#include "recalc.h"

#include "../log/log.h"

#include <stdlib.h>
#include <string.h>

/* Backoff before a retried batch: full jitter over RETRY_BASE_MS << n. */
#define RETRY_BASE_MS 50

/* ---- the confirmation rule ------------------------------------------ */

bool recalc_confirm(const int64_t stored[2], const int64_t actual[2],
                    int64_t *delta_out)
{
    if (stored[0] != stored[1] || actual[0] != actual[1])
        return false;
    return !i64_sub(actual[1], stored[1], delta_out);
}

/* delta of figure i at look (0 or 1); a missing row stores zeros. */
static enum dr_err look_delta(const struct recalc_row *r, int look, size_t i,
                              int64_t *out)
{
    int64_t stored = r->present[look] ? r->stored[look][i] : 0;

    return i64_sub(r->actual[look][i], stored, out);
}

static int64_t abs64(int64_t v)
{
    /* Deltas come from i64_sub of non-negative figures, so never INT64_MIN. */
    return v < 0 ? -v : v;
}

static bool all_actual_zero(const struct recalc_engine *e,
                            const struct recalc_row *r, int look)
{
    size_t i;

    for (i = 0; i < e->job->nfigures; i++) {
        if (r->actual[look][i])
            return false;
    }
    return true;
}

/* Sets the confirmed deltas and the outcome a real run aims for. */
static void plan_row(const struct recalc_engine *e, struct recalc_row *r)
{
    int64_t stored[2], actual[2], now;
    bool still = true, drift_now = false;
    size_t i;
    int look;

    for (i = 0; i < e->job->nfigures; i++) {
        for (look = 0; look < 2; look++) {
            stored[look] = r->present[look] ? r->stored[look][i] : 0;
            actual[look] = r->actual[look][i];
        }
        r->delta[i] = 0;
        if (!recalc_confirm(stored, actual, &r->delta[i]))
            still = false;
        drift_now = drift_now || (!i64_sub(actual[1], stored[1], &now) && now);
    }
    if (r->version[0] != r->version[1])
        still = false;
    r->remove = e->opt->delete_stale && r->present[0] && r->present[1] &&
                r->gone[0] && r->gone[1] && all_actual_zero(e, r, 0) &&
                all_actual_zero(e, r, 1);
    if (r->present[0] != r->present[1])
        r->outcome = RECALC_CONFLICT;
    else if (!drift_now && !r->remove)
        r->outcome = RECALC_VERIFIED;
    else if (!still) {
        r->outcome = RECALC_BUSY;
        memset(r->delta, 0, sizeof(r->delta));
    } else if (r->remove)
        r->outcome = RECALC_DELETED;
    else
        r->outcome = r->present[1] ? RECALC_UPDATED : RECALC_INSERTED;
}

/* ---- transactions --------------------------------------------------- */

static void backoff(long attempt)
{
    int64_t cap = (int64_t)RETRY_BASE_MS << (attempt < 6 ? attempt : 6);

    clock_sleep_ms(1 + (int64_t)(random() % cap), stop_flag());
}

/*
 * Runs fn(e, ctx) inside BEGIN ... COMMIT on the write connection, retrying
 * the whole transaction on DR_ERETRY up to max_retries times with a short
 * jittered backoff; DR_ERETRY when retries are exhausted.  A dry run rolls
 * back instead of committing.
 */
static enum dr_err
recalc_in_tx(struct recalc_engine *e,
             enum dr_err (*fn)(struct recalc_engine *, void *), void *ctx)
{
    enum dr_err rc = DR_ERETRY;
    long attempt;

    for (attempt = 0; attempt <= e->opt->max_retries; attempt++) {
        if (attempt)
            backoff(attempt);
        if (stop_requested())
            return DR_EINTR;
        rc = db_begin(e->write);
        if (!rc)
            rc = fn(e, ctx);
        if (!rc && e->opt->dry_run) {
            db_rollback(e->write);
            return DR_OK;
        }
        if (!rc)
            rc = db_commit(e->write);
        if (!rc)
            return DR_OK;
        db_rollback(e->write);
        if (rc != DR_ERETRY)
            return rc;
    }
    return DR_ERETRY;
}

/* ---- reporting ------------------------------------------------------ */

static const char *outcome_message(enum recalc_outcome outcome, bool dry)
{
    switch (outcome) {
    case RECALC_UPDATED:
        return dry ? "would correct row" : "corrected row";
    case RECALC_INSERTED:
        return dry ? "would create missing row" : "created missing row";
    case RECALC_DELETED:
        return dry ? "would delete stale row" : "deleted stale row";
    case RECALC_SKIPPED:
        return "row skipped: still locked or conflicting after retries";
    case RECALC_CONFLICT:
        return "row skipped: created or removed concurrently";
    case RECALC_BUSY:
        return "row skipped: the API changed it between the two looks";
    case RECALC_PENDING:
    case RECALC_VERIFIED:
        break;
    }
    return "row verified";
}

static void log_row(const struct recalc_engine *e, const struct recalc_row *r)
{
    const struct recalc_job *job = e->job;
    struct log_line line;
    char key[64];
    size_t i;
    int64_t old;

    log_begin(&line,
              r->outcome == RECALC_SKIPPED || r->outcome == RECALC_CONFLICT
                  ? LOG_LEVEL_WARN
                  : LOG_LEVEL_INFO,
              outcome_message(r->outcome, e->opt->dry_run));
    log_str(&line, "type", job->kind_names[r->kind]);
    log_i64(&line, "customer", r->owner);
    if (r->kind == 0)
        log_i64(&line, "space", r->key);
    for (i = 0; i < job->nfigures; i++) {
        old = r->present[1] ? r->stored[1][i] : 0;
        if (job->nfigures == 1) {
            log_i64(&line, "old", old);
            log_i64(&line, "new", r->remove ? 0 : old + r->delta[i]);
            log_i64(&line, "delta", r->delta[i]);
            continue;
        }
        /* Only the figures that move, so a line stays readable. */
        if (!r->delta[i] && r->outcome != RECALC_INSERTED)
            continue;
        snprintf(key, sizeof(key), "%s_old", job->figure_names[i]);
        log_i64(&line, key, old);
        snprintf(key, sizeof(key), "%s_new", job->figure_names[i]);
        log_i64(&line, key, old + r->delta[i]);
    }
    log_bool(&line, "dry_run", e->opt->dry_run);
    log_end(&line);
}

static void log_stale(const struct recalc_engine *e, const struct recalc_row *r)
{
    struct log_line line;

    log_begin(&line, LOG_LEVEL_WARN,
              "deletion required: counter of a space that no longer exists "
              "(enable DELETE_STALE_COUNTERS to delete it)");
    log_str(&line, "type", e->job->kind_names[r->kind]);
    log_i64(&line, "customer", r->owner);
    log_i64(&line, "space", r->key);
    log_end(&line);
}

static void account_row(struct recalc_engine *e, const struct recalc_row *r)
{
    struct recalc_report *rep = e->report;
    size_t i;

    if (r->outcome == RECALC_VERIFIED) {
        rep->rows_transient++;
        return;
    }
    if (r->outcome == RECALC_BUSY) {
        rep->rows_busy++;
        log_row(e, r);
        return;
    }
    for (i = 0; i < e->job->nfigures; i++) {
        rep->abs_delta[r->kind][i] += abs64(r->delta[i]);
        rep->total_drift += abs64(r->delta[i]);
    }
    switch (r->outcome) {
    case RECALC_INSERTED:
        rep->rows_inserted++;
        rep->rows_changed++;
        break;
    case RECALC_DELETED:
        rep->rows_deleted++;
        rep->rows_changed++;
        break;
    case RECALC_UPDATED:
        rep->rows_changed++;
        break;
    default:
        rep->rows_skipped++;
        break;
    }
    log_row(e, r);
}

/* ---- columns and parameters ---------------------------------------- */

struct columns {
    int kind, owner, key, present, gone, version, ord;
    int stored[RECALC_FIGURES_MAX];
    int actual[RECALC_FIGURES_MAX];
};

static enum dr_err find_columns(const struct recalc_engine *e,
                                const PGresult *res, bool with_ord,
                                struct columns *c)
{
    char name[24];
    enum dr_err rc;
    size_t i;

    rc = db_column(res, "kind", &c->kind);
    if (!rc)
        rc = db_column(res, "owner", &c->owner);
    if (!rc)
        rc = db_column(res, "key", &c->key);
    if (!rc)
        rc = db_column(res, "present", &c->present);
    if (!rc)
        rc = db_column(res, "gone", &c->gone);
    if (!rc)
        rc = db_column(res, "version", &c->version);
    c->ord = -1;
    if (!rc && with_ord)
        rc = db_column(res, "ord", &c->ord);
    for (i = 0; i < e->job->nfigures && !rc; i++) {
        snprintf(name, sizeof(name), "s%zu", i);
        rc = db_column(res, name, &c->stored[i]);
        snprintf(name, sizeof(name), "a%zu", i);
        if (!rc)
            rc = db_column(res, name, &c->actual[i]);
    }
    return rc;
}

static bool get_bool(const PGresult *res, int row, int col)
{
    return !PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

/* Reads one result row into look (0 or 1) of r. */
static enum dr_err read_look(const struct recalc_engine *e, const PGresult *res,
                             int row, const struct columns *c, int look,
                             struct recalc_row *r)
{
    int64_t kind;
    enum dr_err rc = DR_OK;
    size_t i;

    if (look == 0) {
        rc = db_get_i64(res, row, c->kind, &kind);
        if (!rc && (kind < 0 || kind >= RECALC_KINDS))
            rc = DR_EDB;
        r->kind = (int)kind;
        if (!rc)
            rc = db_get_i64(res, row, c->owner, &r->owner);
        if (!rc)
            rc = db_get_i64(res, row, c->key, &r->key);
    }
    r->present[look] = get_bool(res, row, c->present);
    r->gone[look] = get_bool(res, row, c->gone);
    r->version[look] = 0;
    if (r->present[look])
        rc = db_get_i64(res, row, c->version, &r->version[look]);
    for (i = 0; i < e->job->nfigures && !rc; i++) {
        r->stored[look][i] = 0;
        if (r->present[look])
            rc = db_get_i64(res, row, c->stored[i], &r->stored[look][i]);
        if (!rc)
            rc = db_get_i64(res, row, c->actual[i], &r->actual[look][i]);
    }
    return rc;
}

#define PARAMS_MAX (3 + RECALC_FIGURES_MAX)
#define ARRAY_MAX  ((size_t)8 * 1024 * 1024)

struct params {
    struct buf arrays[PARAMS_MAX];
    const char *values[PARAMS_MAX];
    int n;
    size_t rows; /* how many rows went in */
};

static void params_release(struct params *p)
{
    int i;

    for (i = 0; i < PARAMS_MAX; i++)
        buf_release(&p->arrays[i]);
}

static enum dr_err array_add(struct buf *b, int64_t value)
{
    bool first = buf_len(b) == 1;

    return buf_addf(b, first ? "%lld" : ",%lld", (long long)value);
}

/* True when a write step or stamp step applies to r. */
static bool step_takes(const struct recalc_step *step,
                       const struct recalc_row *r)
{
    return r->outcome == step->outcome && r->kind == step->kind;
}

/*
 * Builds the array parameters from rows[0..n): keys only for look 2
 * (step NULL), keys and deltas of the rows step takes otherwise.
 */
static enum dr_err build_params(const struct recalc_engine *e,
                                const struct recalc_row *rows, size_t n,
                                const struct recalc_step *step,
                                struct params *p)
{
    enum dr_err rc = DR_OK;
    size_t i, f;
    int k;

    p->n = 3 + (step ? (int)e->job->nfigures : 0);
    p->rows = 0;
    for (k = 0; k < PARAMS_MAX; k++)
        buf_init(&p->arrays[k], ARRAY_MAX);
    for (k = 0; k < p->n && !rc; k++)
        rc = buf_addc(&p->arrays[k], '{');
    for (i = 0; i < n && !rc; i++) {
        if (step && !step_takes(step, &rows[i]))
            continue;
        p->rows++;
        rc = array_add(&p->arrays[0], rows[i].kind);
        if (!rc)
            rc = array_add(&p->arrays[1], rows[i].owner);
        if (!rc)
            rc = array_add(&p->arrays[2], rows[i].key);
        for (f = 0; step && f < e->job->nfigures && !rc; f++)
            rc = array_add(&p->arrays[3 + f], rows[i].delta[f]);
    }
    for (k = 0; k < p->n && !rc; k++) {
        rc = buf_addc(&p->arrays[k], '}');
        p->values[k] = buf_cstr(&p->arrays[k]);
    }
    if (rc)
        params_release(p);
    return rc;
}

/* ---- look 2 and the writes ------------------------------------------ */

/* Reads one chunk of look-2 rows into rows[ord - 1]; counts them. */
static enum dr_err take_look2_chunk(struct recalc_engine *e,
                                    const PGresult *chunk,
                                    struct recalc_row *rows, size_t n,
                                    size_t *answered)
{
    struct columns c;
    int64_t ord;
    enum dr_err rc;
    int i;

    rc = find_columns(e, chunk, true, &c);
    for (i = 0; !rc && i < PQntuples(chunk); i++) {
        rc = db_get_i64(chunk, i, c.ord, &ord);
        if (!rc && (ord < 1 || (size_t)ord > n))
            rc = DR_EDB;
        if (!rc)
            rc = read_look(e, chunk, i, &c, 1, &rows[ord - 1]);
    }
    *answered += (size_t)PQntuples(chunk);
    return rc;
}

/* Streamed in chunks, so the client never holds the whole answer next to
 * a full buffer of rows: at 16,384 rows it would be about 6 MB more. */
static enum dr_err look2(struct recalc_engine *e, struct recalc_row *rows,
                         size_t n)
{
    PGresult *chunk = NULL;
    size_t answered = 0;
    struct params p;
    enum dr_err rc;

    rc = build_params(e, rows, n, NULL, &p);
    if (rc)
        return rc;
    /* libpq has copied the parameters once the query is sent. */
    rc = db_stream_start(e->write, e->job->look2_sql, p.n, p.values);
    params_release(&p);
    while (!rc) {
        rc = db_stream_next(e->write, &chunk);
        if (rc || !chunk)
            break;
        rc = take_look2_chunk(e, chunk, rows, n, &answered);
        PQclear(chunk);
        if (rc)
            db_stream_cancel(e->write);
    }
    if (!rc && answered != n) {
        log_msg(LOG_LEVEL_ERROR, "look 2 answered %zu of %zu rows", answered,
                n);
        rc = DR_EDB;
    }
    return rc;
}

/*
 * Look 2 of every buffered row in one statement, outside any transaction:
 * it takes no locks, so it need not lengthen the writes' transactions, and
 * a table the job must scan to re-measure (hosted "Adjuncts") is scanned
 * once per buffer rather than once per batch.  It may re-measure a large
 * customer whole, so it runs under the scan's timeout, not the one meant
 * for waits on the API's locks.
 */
static enum dr_err look2_all(struct recalc_engine *e)
{
    enum dr_err rc;

    rc = db_set_statement_timeout(e->write, e->opt->scan_timeout_s * 1000);
    if (!rc)
        rc = look2(e, e->rows, e->nrows);
    if (!rc)
        rc = db_set_statement_timeout(e->write, e->opt->statement_timeout_ms);
    return rc;
}

/* Marks the rows step sent but the database did not return. */
static enum dr_err match_returned(const struct recalc_engine *e,
                                  const PGresult *res, struct recalc_row *rows,
                                  size_t n, const struct recalc_step *step)
{
    int64_t owner, key;
    enum dr_err rc = DR_OK;
    bool found;
    size_t i;
    int j;

    (void)e;
    for (i = 0; i < n && !rc; i++) {
        if (!step_takes(step, &rows[i]))
            continue;
        found = false;
        for (j = 0; j < PQntuples(res) && !found && !rc; j++) {
            rc = db_get_i64(res, j, 1, &owner);
            if (!rc)
                rc = db_get_i64(res, j, 2, &key);
            found = !rc && owner == rows[i].owner && key == rows[i].key;
        }
        if (!found)
            rows[i].outcome = RECALC_CONFLICT;
    }
    return rc;
}

static enum dr_err run_step(struct recalc_engine *e,
                            const struct recalc_step *step,
                            struct recalc_row *rows, size_t n,
                            int64_t *written_out)
{
    struct params p;
    PGresult *res = NULL;
    enum dr_err rc;

    rc = build_params(e, rows, n, step, &p);
    if (rc || !p.rows) {
        if (!rc)
            params_release(&p);
        return rc;
    }
    rc = db_exec(e->write, step->sql, p.n, p.values, PGRES_TUPLES_OK, &res);
    params_release(&p);
    if (!rc && PQnfields(res) != 3)
        DR_BUG("a write step must return kind, owner, key");
    if (!rc && written_out)
        *written_out += PQntuples(res);
    if (!rc && (size_t)PQntuples(res) != p.rows)
        rc = match_returned(e, res, rows, n, step);
    PQclear(res);
    return rc;
}

/* ---- batches -------------------------------------------------------- */

struct batch {
    struct recalc_row *rows;
    size_t n;
    int64_t stamped;
};

static enum dr_err batch_tx(struct recalc_engine *e, void *ctx)
{
    struct batch *b = ctx;
    enum dr_err rc = DR_OK;
    size_t i;

    /* Planned afresh on every attempt: a rolled-back attempt may have
     * marked rows as conflicts. */
    for (i = 0; i < b->n; i++)
        plan_row(e, &b->rows[i]);
    for (i = 0; i < e->job->nsteps && !rc && !e->opt->dry_run; i++)
        rc = run_step(e, &e->job->steps[i], b->rows, b->n, NULL);
    for (i = 0; i < e->job->nstamp_steps && !rc && !e->opt->dry_run; i++)
        rc = run_step(e, &e->job->stamp_steps[i], b->rows, b->n, &b->stamped);
    return rc;
}

static enum dr_err process_batch(struct recalc_engine *e,
                                 struct recalc_row *rows, size_t n)
{
    struct batch b = {rows, n, 0};
    enum dr_err rc;
    size_t i;

    rc = recalc_in_tx(e, batch_tx, &b);
    if (rc == DR_ERETRY) {
        log_msg(LOG_LEVEL_WARN,
                "batch of %zu rows of customer %lld skipped after %ld "
                "retries; the next run will see it again",
                n, (long long)rows[0].owner, e->opt->max_retries);
        for (i = 0; i < n; i++) {
            if (rows[i].outcome != RECALC_VERIFIED)
                rows[i].outcome = RECALC_SKIPPED;
        }
        b.stamped = 0;
        rc = DR_OK;
    }
    if (rc)
        return rc;
    e->report->rows_stamped += b.stamped;
    for (i = 0; i < n; i++)
        account_row(e, &rows[i]);
    return DR_OK;
}

static int compare_rows(const void *pa, const void *pb)
{
    const struct recalc_row *a = pa, *b = pb;

    if (a->owner != b->owner)
        return a->owner < b->owner ? -1 : 1;
    /* Per-space rows before the customer's own, as the API locks them. */
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return 0;
}

/* The end of the batch starting at rows[i]: one owner, at most limit. */
static size_t batch_end(const struct recalc_row *rows, size_t n, size_t i,
                        size_t limit)
{
    size_t j = i + 1;

    while (j < n && j - i < limit && rows[j].owner == rows[i].owner)
        j++;
    return j;
}

static enum dr_err flush(struct recalc_engine *e)
{
    size_t i, j, limit = (size_t)e->opt->batch_rows;
    enum dr_err rc = DR_OK;
    int64_t start;

    if (!e->nrows)
        return DR_OK;
    qsort(e->rows, e->nrows, sizeof(e->rows[0]), compare_rows);
    log_msg(LOG_LEVEL_INFO,
            "%zu rows drifted at the first look; looking again in %ld ms",
            e->nrows, e->opt->confirm_delay_ms);
    start = clock_mono_ms();
    clock_sleep_ms(e->opt->confirm_delay_ms, stop_flag());
    e->report->confirm_pause_ms += clock_mono_ms() - start;
    if (stop_requested())
        return DR_EINTR;
    rc = look2_all(e);
    for (i = 0; i < e->nrows && !rc; i = j) {
        if (stop_requested())
            return DR_EINTR;
        j = batch_end(e->rows, e->nrows, i, limit);
        rc = process_batch(e, &e->rows[i], j - i);
    }
    e->nrows = 0;
    return rc;
}

/* ---- stamping verified rows ----------------------------------------- */

static enum dr_err stamp_tx(struct recalc_engine *e, void *ctx)
{
    struct batch *b = ctx;
    enum dr_err rc = DR_OK;
    size_t i;

    for (i = 0; i < e->job->nstamp_steps && !rc; i++)
        rc = run_step(e, &e->job->stamp_steps[i], b->rows, b->n, &b->stamped);
    return rc;
}

static enum dr_err flush_clean(struct recalc_engine *e)
{
    struct batch b = {e->clean, e->nclean, 0};
    enum dr_err rc;

    if (!e->nclean)
        return DR_OK;
    qsort(e->clean, e->nclean, sizeof(e->clean[0]), compare_rows);
    rc = recalc_in_tx(e, stamp_tx, &b);
    if (rc == DR_ERETRY) {
        log_msg(LOG_LEVEL_WARN,
                "%zu verified rows left unstamped: still "
                "locked after retries",
                e->nclean);
        rc = DR_OK;
    }
    if (!rc)
        e->report->rows_stamped += b.stamped;
    e->nclean = 0;
    return rc;
}

/* A row that agreed at look 1: stamped in batches when the job stamps. */
static enum dr_err keep_clean(struct recalc_engine *e,
                              const struct recalc_row *r)
{
    if (!e->job->nstamp_steps || e->opt->dry_run || !r->present[0])
        return DR_OK;
    e->clean[e->nclean] = *r;
    e->clean[e->nclean].outcome = RECALC_VERIFIED;
    e->nclean++;
    if (e->nclean < (size_t)e->opt->batch_rows && e->nclean < e->cap)
        return DR_OK;
    return flush_clean(e);
}

/* ---- the scan ------------------------------------------------------- */

/* Whether a row seen at look 1 needs look 2; counts its look-1 figures. */
static enum dr_err needs_action(struct recalc_engine *e,
                                const struct recalc_row *r, bool *out)
{
    int64_t d;
    enum dr_err rc;
    size_t i;

    *out = false;
    if (r->present[0] && all_actual_zero(e, r, 0))
        e->report->empty_rows[r->kind]++;
    if (r->gone[0]) {
        e->report->deletions_required++;
        if (!e->opt->delete_stale)
            log_stale(e, r);
    }
    for (i = 0; i < e->job->nfigures; i++) {
        rc = look_delta(r, 0, i, &d);
        if (rc) {
            log_msg(LOG_LEVEL_ERROR, "figure out of 64-bit range");
            return rc;
        }
        if (d)
            *out = true;
    }
    if (r->gone[0] && e->opt->delete_stale)
        *out = true;
    return DR_OK;
}

static enum dr_err take_chunk(struct recalc_engine *e, const PGresult *res)
{
    struct recalc_row row;
    struct columns c;
    enum dr_err rc;
    bool act;
    int i;

    rc = find_columns(e, res, false, &c);
    for (i = 0; i < PQntuples(res) && !rc; i++) {
        memset(&row, 0, sizeof(row));
        rc = read_look(e, res, i, &c, 0, &row);
        if (!rc)
            rc = needs_action(e, &row, &act);
        if (rc)
            break;
        e->report->rows_checked++;
        if (!act) {
            rc = keep_clean(e, &row);
            continue;
        }
        e->rows[e->nrows++] = row;
        if (e->nrows == e->cap)
            rc = flush(e);
    }
    return rc;
}

static enum dr_err scan(struct recalc_engine *e)
{
    PGresult *chunk = NULL;
    enum dr_err rc;

    rc = db_set_statement_timeout(e->scan, e->opt->scan_timeout_s * 1000);
    /* Fewer parallel workers trade scan time for the CPU the API needs on
     * a small database server (README: Benchmark). */
    if (!rc && e->opt->scan_parallel_workers >= 0)
        rc = db_set_long(e->scan, "max_parallel_workers_per_gather",
                         e->opt->scan_parallel_workers);
    if (!rc)
        rc = db_stream_start(e->scan, e->job->scan_sql, 0, NULL);
    while (!rc) {
        rc = db_stream_next(e->scan, &chunk);
        if (rc || !chunk)
            break;
        rc = take_chunk(e, chunk);
        PQclear(chunk);
        if (!rc && stop_requested())
            rc = DR_EINTR;
        if (rc)
            db_stream_cancel(e->scan);
    }
    if (!rc)
        rc = flush(e);
    if (!rc)
        rc = flush_clean(e);
    return rc;
}

enum dr_err recalc_engine_run(struct recalc_engine *e)
{
    int64_t start = clock_mono_ms();
    enum dr_err rc = DR_ENOMEM;
    size_t clean_cap;

    e->report->dry_run = e->opt->dry_run;
    /* At about 250 bytes a row, the default 16,384 rows cap the buffer
     * near 4 MB.  A database with more drift is corrected in several
     * rounds, each paying the pause, one look 2 and a transaction per
     * customer: at 4,096 rows the 10M-image benchmark took three. */
    e->cap = (size_t)e->opt->buffer_rows;
    e->nrows = 0;
    e->nclean = 0;
    e->rows = calloc(e->cap, sizeof(e->rows[0]));
    /* keep_clean() flushes at BATCH_ROWS or cap, whichever comes first. */
    clean_cap = (size_t)e->opt->batch_rows;
    if (clean_cap > e->cap)
        clean_cap = e->cap;
    e->clean = calloc(clean_cap, sizeof(e->clean[0]));
    if (e->rows && e->clean)
        rc = scan(e);
    if (rc)
        db_rollback(e->write);
    free(e->rows);
    free(e->clean);
    e->rows = NULL;
    e->clean = NULL;
    e->report->duration_ms = clock_mono_ms() - start;
    return rc;
}

/* ---- the summary ---------------------------------------------------- */

void recalc_log_summary(const struct recalc_report *r, enum dr_err rc)
{
    struct log_line line;

    log_begin(&line, rc ? LOG_LEVEL_ERROR : LOG_LEVEL_INFO,
              rc ? "run failed" : "run complete");
    log_str(&line, "schema",
            r->generation == RECALC_GEN_2026 ? "2026" : "legacy");
    log_i64(&line, "rows_checked", r->rows_checked);
    log_i64(&line, "rows_changed", r->rows_changed);
    log_i64(&line, "rows_inserted", r->rows_inserted);
    log_i64(&line, "rows_deleted", r->rows_deleted);
    log_i64(&line, "rows_skipped", r->rows_skipped);
    log_i64(&line, "rows_transient", r->rows_transient);
    log_i64(&line, "rows_busy", r->rows_busy);
    log_i64(&line, "rows_stamped", r->rows_stamped);
    log_i64(&line, "total_drift", r->total_drift);
    log_i64(&line, "deletions_required", r->deletions_required);
    log_i64(&line, "confirm_pause_ms", r->confirm_pause_ms);
    log_i64(&line, "duration_ms", r->duration_ms);
    log_bool(&line, "dry_run", r->dry_run);
    if (rc)
        log_str(&line, "error", dr_strerror(rc));
    log_end(&line);
}
