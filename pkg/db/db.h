/*
 * db: one PostgreSQL connection through libpq, with the discipline every
 * caller needs written once: connect with timeouts and application_name,
 * check each result against the status expected, classify failures by
 * SQLSTATE, stream large results in chunks, and cancel the running query on
 * SIGTERM.
 *
 * Every function logs the failure it detects, once, with the server's
 * message, and returns:
 *   DR_EDB      connection refused or lost, or any unexpected failure;
 *   DR_EGRANT   permission denied (42501);
 *   DR_ESCHEMA  a table or column missing (42P01, 42703);
 *   DR_ERETRY   serialization failure, deadlock or lock timeout (40001,
 *               40P01, 55P03): the caller may roll back and retry, so these
 *               are logged at debug level only;
 *   DR_EINTR    the query was cancelled because a stop was requested.
 * Results handed to the caller are good ones; the caller PQclear()s them.
 */
#ifndef PKG_DB_DB_H
#define PKG_DB_DB_H

#include "../util/util.h"

#include <libpq-fe.h>

#define DB_ERR_MAX 512

struct db_options {
    const char *conninfo; /* URL or key=value; NULL: libpq's PG* variables */
    const char *password; /* NULL: from conninfo, PGPASSWORD or .pgpass */
    long connect_timeout_s;
    const char *app_name; /* application_name unless the conninfo sets one */
    const char *schema;   /* becomes the search_path */
    long lock_timeout_ms;
    long statement_timeout_ms;
};

/* Fields private to db.c. */
struct db {
    PGconn *conn;
    PGcancel *cancel;
    const char *label; /* which connection, for log lines */
    char sqlstate[6];  /* of the last failure; "" when none */
    bool streaming;
};

/*
 * Checks a connection string before anything connects: it must parse as a
 * URL or key=value list, and its port and connect_timeout must be numbers.
 * Registers any password in it with log_redact().  Writes the database name
 * (for the DATABASE_NAME metric dimension; "" when the string names none)
 * into dbname_out.  On DR_ECONFIG err_out holds one line that quotes nothing
 * from the string, since the string may hold a password.
 */
DR_WARN_UNUSED enum dr_err db_check_conninfo(const char *conninfo,
                                             char *dbname_out,
                                             size_t dbname_len,
                                             char err_out[DB_ERR_MAX]);

/* Connects and sets search_path, lock_timeout, statement_timeout and
 * idle_in_transaction_session_timeout.  label is borrowed. */
DR_WARN_UNUSED enum dr_err
db_connect(struct db *db, const struct db_options *opt, const char *label);
/* Closes the connection; a transaction still open is rolled back by the
 * server.  Accepts a closed or never-opened db. */
void db_close(struct db *db);

/* Runs one statement with text parameters; *res_out gets a result of status
 * expect, or is untouched on failure.  res_out may be NULL to discard. */
DR_WARN_UNUSED enum dr_err db_exec(struct db *db, const char *sql, int nparams,
                                   const char *const *params,
                                   ExecStatusType expect, PGresult **res_out);

/* SET statement_timeout for the statements that follow. */
DR_WARN_UNUSED enum dr_err db_set_statement_timeout(struct db *db, long ms);
/* SET the setting name (a constant, never user input) to value for the
 * rest of the session. */
DR_WARN_UNUSED enum dr_err db_set_long(struct db *db, const char *name,
                                       long value);

DR_WARN_UNUSED enum dr_err db_begin(struct db *db);
DR_WARN_UNUSED enum dr_err db_commit(struct db *db);
/* Rolls back if a transaction is open; failure to do so is logged, and the
 * connection is then unusable, which the next call reports. */
void db_rollback(struct db *db);

/*
 * Streaming.  db_stream_start() sends the query in chunked-rows mode;
 * db_stream_next() returns the next chunk in *chunk_out (PQntuples rows,
 * which the caller PQclear()s), or NULL when the result is complete.  After
 * an error the stream is drained and closed.  Stop early with
 * db_stream_cancel().
 */
#define DB_STREAM_CHUNK_ROWS 1000
DR_WARN_UNUSED enum dr_err db_stream_start(struct db *db, const char *sql,
                                           int nparams,
                                           const char *const *params);
DR_WARN_UNUSED enum dr_err db_stream_next(struct db *db, PGresult **chunk_out);
void db_stream_cancel(struct db *db);

/* Column lookup that fails loudly on a missing name. */
DR_WARN_UNUSED enum dr_err db_column(const PGresult *res, const char *name,
                                     int *col_out);
/* A non-NULL bigint (or numeric that fits) field; DR_EDB otherwise. */
DR_WARN_UNUSED enum dr_err db_get_i64(const PGresult *res, int row, int col,
                                      int64_t *out);

/* Cancels the running query of every open connection.  Async-signal-safe:
 * for stop_install(). */
void db_cancel_all(void);

#endif /* PKG_DB_DB_H */
