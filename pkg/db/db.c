#include "../util/util.h"

#include "db.h"

#include "../log/log.h"

#include <string.h>

#define MAX_CONNECTIONS 4

/* PGcancel objects of the open connections, for db_cancel_all() in a signal
 * handler; slots are filled and emptied with the stop signals blocked. */
static PGcancel *volatile cancels[MAX_CONNECTIONS];

static const char *const sslmodes[] = {
    "disable", "allow", "prefer", "require", "verify-ca", "verify-full",
};

static void block_stop_signals(sigset_t *old)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, old);
}

/* Puts to in the first slot holding from: register is (NULL, cancel),
 * unregister (cancel, NULL). */
static void swap_cancel(PGcancel *from, PGcancel *to)
{
    sigset_t old;
    size_t i;

    block_stop_signals(&old);
    for (i = 0; i < MAX_CONNECTIONS; i++) {
        if (cancels[i] == from) {
            cancels[i] = to;
            break;
        }
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

void db_cancel_all(void)
{
    char errbuf[256];
    size_t i;

    for (i = 0; i < MAX_CONNECTIONS; i++) {
        if (cancels[i])
            (void)PQcancel(cancels[i], errbuf, sizeof(errbuf));
    }
}

/* ---- checking a connection string ----------------------------------- */

static bool is_port_list(const char *s)
{
    long port;
    char one[16];
    size_t n;

    for (;;) {
        n = strcspn(s, ",");
        if (n == 0 || n >= sizeof(one))
            return false;
        memcpy(one, s, n);
        one[n] = '\0';
        if (parse_long_range(one, 1, 65535, &port))
            return false;
        if (!s[n])
            return true;
        s += n + 1;
    }
}

static enum dr_err check_option(const PQconninfoOption *o,
                                char err_out[DB_ERR_MAX])
{
    long v;
    size_t i;

    if (!strcmp(o->keyword, "port") && !is_port_list(o->val)) {
        snprintf(err_out, DB_ERR_MAX,
                 "CONNECTION_STRING: the port is not a number from 1 to "
                 "65535");
        return DR_ECONFIG;
    }
    if (!strcmp(o->keyword, "connect_timeout") &&
        parse_long_range(o->val, 0, 86400, &v)) {
        snprintf(err_out, DB_ERR_MAX,
                 "CONNECTION_STRING: connect_timeout is not a number of "
                 "seconds");
        return DR_ECONFIG;
    }
    if (!strcmp(o->keyword, "sslmode")) {
        for (i = 0; i < sizeof(sslmodes) / sizeof(sslmodes[0]); i++) {
            if (!strcmp(o->val, sslmodes[i]))
                return DR_OK;
        }
        snprintf(err_out, DB_ERR_MAX,
                 "CONNECTION_STRING: sslmode '%s' is not one of disable, "
                 "allow, prefer, require, verify-ca, verify-full",
                 o->val);
        return DR_ECONFIG;
    }
    return DR_OK;
}

enum dr_err db_check_conninfo(const char *conninfo, char *dbname_out,
                              size_t dbname_len, char err_out[DB_ERR_MAX])
{
    PQconninfoOption *opts, *o;
    char *errmsg = NULL;
    enum dr_err rc = DR_OK;

    dbname_out[0] = '\0';
    err_out[0] = '\0';
    opts = PQconninfoParse(conninfo, &errmsg);
    if (!opts) {
        /* libpq's message may quote the string, password and all. */
        snprintf(err_out, DB_ERR_MAX, "CONNECTION_STRING: %s",
                 errmsg ? "not a valid postgresql:// URL or key=value list"
                        : "out of memory parsing it");
        PQfreemem(errmsg);
        return errmsg ? DR_ECONFIG : DR_ENOMEM;
    }
    for (o = opts; o->keyword && !rc; o++) {
        if (!o->val)
            continue;
        if (!strcmp(o->keyword, "password"))
            rc = log_redact(o->val);
        else if (!strcmp(o->keyword, "dbname"))
            snprintf(dbname_out, dbname_len, "%s", o->val);
        else
            rc = check_option(o, err_out);
    }
    PQconninfoFree(opts);
    return rc;
}

/* ---- errors --------------------------------------------------------- */

/* libpq messages end in a newline and may span lines; log lines may not. */
static void one_line(const char *msg, char *out, size_t outlen)
{
    size_t i, n = 0;

    for (i = 0; msg[i] && n + 1 < outlen; i++)
        out[n++] = (char)((msg[i] == '\n' || msg[i] == '\t') ? ' ' : msg[i]);
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static enum dr_err classify(const struct db *db)
{
    const char *s = db->sqlstate;

    if (PQstatus(db->conn) != CONNECTION_OK)
        return DR_EDB;
    if (!strcmp(s, "40001") || !strcmp(s, "40P01") || !strcmp(s, "55P03"))
        return DR_ERETRY;
    if (!strcmp(s, "57014") && stop_requested())
        return DR_EINTR;
    if (!strcmp(s, "42501"))
        return DR_EGRANT;
    if (!strcmp(s, "42P01") || !strcmp(s, "42703") || !strcmp(s, "3F000"))
        return DR_ESCHEMA;
    return DR_EDB;
}

/* Records and logs a failed result (res may be NULL); returns its class. */
static enum dr_err fail_result(struct db *db, const PGresult *res,
                               const char *what)
{
    char msg[DB_ERR_MAX];
    const char *state;
    struct log_line line;
    enum dr_err rc;

    state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "");
    one_line(res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
                                               : PQerrorMessage(db->conn),
             msg, sizeof(msg));
    rc = classify(db);
    log_begin(&line, rc == DR_ERETRY ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR,
              rc == DR_EINTR ? "query cancelled by stop request" : what);
    log_str(&line, "connection", db->label);
    log_str(&line, "sqlstate", db->sqlstate);
    log_str(&line, "error", msg);
    if (PQstatus(db->conn) != CONNECTION_OK)
        log_str(&line, "detail", "connection to the database lost");
    log_end(&line);
    return rc;
}

/* ---- connecting ----------------------------------------------------- */

static enum dr_err set_session(struct db *db, const struct db_options *opt)
{
    static const char sql[] =
        /* $1 search_path (a quoted identifier), $2 lock_timeout,
         * $3 statement_timeout, $4 idle_in_transaction_session_timeout;
         * all text, all ms.  Returns one row, discarded.
         *
         * JIT off: the confirming reads gate lateral branches on the kind
         * of row, so the planner overestimates them and spent about 0.5 s
         * compiling each of those millisecond statements (make bench);
         * the one long scan gains less from JIT than it costs to compile.
         * work_mem 64MB: the planner cannot estimate how few (customer,
         * space) groups the adjunct ids form, and under the 4MB default
         * it sorted them on disk instead of hashing them in memory, at
         * twice the time; what is used is what the groups need. */
        "SELECT pg_catalog.set_config('search_path', $1, false),"
        "       pg_catalog.set_config('lock_timeout', $2, false),"
        "       pg_catalog.set_config('statement_timeout', $3, false),"
        "       pg_catalog.set_config("
        "           'idle_in_transaction_session_timeout', $4, false),"
        "       pg_catalog.set_config('jit', 'off', false),"
        "       pg_catalog.set_config('work_mem', '64MB', false)";
    char lock_ms[24], stmt_ms[24], idle_ms[24];
    const char *params[4];
    char *schema;
    enum dr_err rc;

    schema = PQescapeIdentifier(db->conn, opt->schema, strlen(opt->schema));
    if (!schema)
        return fail_result(db, NULL, "cannot quote DB_SCHEMA");
    snprintf(lock_ms, sizeof(lock_ms), "%ld", opt->lock_timeout_ms);
    snprintf(stmt_ms, sizeof(stmt_ms), "%ld", opt->statement_timeout_ms);
    /* A job stuck inside a transaction must not hold rows the API needs. */
    snprintf(idle_ms, sizeof(idle_ms), "%ld",
             opt->statement_timeout_ms + opt->lock_timeout_ms);
    params[0] = schema;
    params[1] = lock_ms;
    params[2] = stmt_ms;
    params[3] = idle_ms;
    rc = db_exec(db, sql, 4, params, PGRES_TUPLES_OK, NULL);
    PQfreemem(schema);
    return rc;
}

enum dr_err db_connect(struct db *db, const struct db_options *opt,
                       const char *label)
{
    const char *keys[6], *values[6];
    char timeout[24];
    enum dr_err rc;
    int n = 0;

    memset(db, 0, sizeof(*db));
    db->label = label;
    /* Later keywords override what the expanded dbname string sets. */
    keys[n] = "dbname";
    values[n++] = opt->conninfo ? opt->conninfo : "";
    keys[n] = "fallback_application_name";
    values[n++] = opt->app_name;
    snprintf(timeout, sizeof(timeout), "%ld", opt->connect_timeout_s);
    keys[n] = "connect_timeout";
    values[n++] = timeout;
    if (opt->password) {
        keys[n] = "password";
        values[n++] = opt->password;
    }
    keys[n] = NULL;
    values[n] = NULL;
    db->conn = PQconnectdbParams(keys, values, 1);
    if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
        char msg[DB_ERR_MAX];
        struct log_line line;

        one_line(db->conn ? PQerrorMessage(db->conn) : "out of memory", msg,
                 sizeof(msg));
        log_begin(&line, LOG_LEVEL_ERROR, "cannot connect to the database");
        log_str(&line, "connection", label);
        log_str(&line, "error", msg);
        log_end(&line);
        db_close(db);
        return DR_EDB;
    }
    db->cancel = PQgetCancel(db->conn);
    if (db->cancel)
        swap_cancel(NULL, db->cancel);
    rc = set_session(db, opt);
    if (rc)
        db_close(db);
    return rc;
}

void db_close(struct db *db)
{
    if (db->cancel) {
        swap_cancel(db->cancel, NULL);
        PQfreeCancel(db->cancel);
        db->cancel = NULL;
    }
    PQfinish(db->conn);
    db->conn = NULL;
}

/* ---- statements ----------------------------------------------------- */

enum dr_err db_exec(struct db *db, const char *sql, int nparams,
                    const char *const *params, ExecStatusType expect,
                    PGresult **res_out)
{
    PGresult *res;
    enum dr_err rc;

    if (db->streaming)
        DR_BUG("statement sent while a stream is open");
    res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != expect) {
        rc = fail_result(db, res, "database statement failed");
        PQclear(res);
        return rc;
    }
    db->sqlstate[0] = '\0';
    if (res_out)
        *res_out = res;
    else
        PQclear(res);
    return DR_OK;
}

enum dr_err db_set_long(struct db *db, const char *name, long value)
{
    char text[24];
    const char *params[2] = {name, text};

    snprintf(text, sizeof(text), "%ld", value);
    return db_exec(db, "SELECT pg_catalog.set_config($1, $2, false)", 2, params,
                   PGRES_TUPLES_OK, NULL);
}

enum dr_err db_set_statement_timeout(struct db *db, long ms)
{
    return db_set_long(db, "statement_timeout", ms);
}

enum dr_err db_begin(struct db *db)
{
    return db_exec(db, "BEGIN", 0, NULL, PGRES_COMMAND_OK, NULL);
}

enum dr_err db_commit(struct db *db)
{
    return db_exec(db, "COMMIT", 0, NULL, PGRES_COMMAND_OK, NULL);
}

void db_rollback(struct db *db)
{
    PGresult *res;

    if (!db->conn || PQtransactionStatus(db->conn) == PQTRANS_IDLE)
        return;
    res = PQexec(db->conn, "ROLLBACK");
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        (void)fail_result(db, res, "rollback failed");
    PQclear(res);
}

/* ---- streaming ------------------------------------------------------ */

enum dr_err db_stream_start(struct db *db, const char *sql, int nparams,
                            const char *const *params)
{
    if (!PQsendQueryParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0))
        return fail_result(db, NULL, "cannot send query");
    if (!PQsetChunkedRowsMode(db->conn, DB_STREAM_CHUNK_ROWS)) {
        db->streaming = true;
        db_stream_cancel(db);
        return fail_result(db, NULL, "cannot stream the result");
    }
    db->streaming = true;
    return DR_OK;
}

/* Reads and discards what is left of the result. */
static void drain(struct db *db)
{
    PGresult *res;

    while ((res = PQgetResult(db->conn)))
        PQclear(res);
    db->streaming = false;
}

enum dr_err db_stream_next(struct db *db, PGresult **chunk_out)
{
    PGresult *res;
    enum dr_err rc;

    res = PQgetResult(db->conn);
    switch (PQresultStatus(res)) {
    case PGRES_TUPLES_CHUNK:
        *chunk_out = res;
        return DR_OK;
    case PGRES_TUPLES_OK:
        /* The zero-row end marker; a NULL result follows. */
        PQclear(res);
        drain(db);
        *chunk_out = NULL;
        return DR_OK;
    default:
        rc = fail_result(db, res, "database scan failed");
        PQclear(res);
        drain(db);
        return rc;
    }
}

void db_stream_cancel(struct db *db)
{
    char errbuf[256];

    if (!db->streaming)
        return;
    if (db->cancel)
        (void)PQcancel(db->cancel, errbuf, sizeof(errbuf));
    drain(db);
}

/* ---- fields --------------------------------------------------------- */

enum dr_err db_column(const PGresult *res, const char *name, int *col_out)
{
    int col = PQfnumber(res, name);

    if (col < 0) {
        log_msg(LOG_LEVEL_ERROR, "result has no column '%s'", name);
        return DR_EDB;
    }
    *col_out = col;
    return DR_OK;
}

enum dr_err db_get_i64(const PGresult *res, int row, int col, int64_t *out)
{
    if (PQgetisnull(res, row, col)) {
        log_msg(LOG_LEVEL_ERROR, "unexpected NULL in column '%s'",
                PQfname(res, col));
        return DR_EDB;
    }
    if (parse_i64(PQgetvalue(res, row, col), out)) {
        log_msg(LOG_LEVEL_ERROR, "column '%s' holds '%s', not a 64-bit integer",
                PQfname(res, col), PQgetvalue(res, row, col));
        return DR_EDB;
    }
    return DR_OK;
}
