#include "../util/util.h"

#include "recalc.h"

#include "../log/log.h"

#include <string.h>

/*
 * The columns of a table of the search path (DB_SCHEMA); no rows when it
 * does not exist.  $1 text: the table name, unquoted.  Reads pg_catalog,
 * which every role may read, so a missing table and a missing grant are told
 * apart.
 */
static const char SQL_COLUMNS[] =
    "SELECT a.attname"
    "  FROM pg_catalog.pg_attribute a"
    " WHERE a.attrelid = pg_catalog.to_regclass(pg_catalog.quote_ident($1))"
    "   AND a.attnum > 0 AND NOT a.attisdropped";

/*
 * Whether the current role holds one privilege on a table of the search
 * path.  $1 text: the table, $2 text: SELECT, INSERT, UPDATE or DELETE.
 * One row, one bool.
 */
static const char SQL_PRIVILEGE[] =
    "SELECT pg_catalog.has_table_privilege("
    "           pg_catalog.to_regclass(pg_catalog.quote_ident($1)), $2)";

/* Whether res (one column of names) holds name. */
static bool has_name(const PGresult *res, const char *name, size_t len)
{
    int i;

    for (i = 0; i < PQntuples(res); i++) {
        const char *v = PQgetvalue(res, i, 0);

        if (strlen(v) == len && !strncmp(v, name, len))
            return true;
    }
    return false;
}

/* The first of columns (space-separated) missing from res, or NULL;
 * *len_out its length. */
static const char *first_missing(const PGresult *res, const char *columns,
                                 size_t *len_out)
{
    const char *p = columns;
    size_t n;

    while (*p) {
        n = strcspn(p, " ");
        if (n && !has_name(res, p, n)) {
            *len_out = n;
            return p;
        }
        p += n;
        while (*p == ' ')
            p++;
    }
    return NULL;
}

static enum dr_err columns_of(struct db *db, const char *table,
                              PGresult **res_out)
{
    const char *params[1] = {table};

    return db_exec(db, SQL_COLUMNS, 1, params, PGRES_TUPLES_OK, res_out);
}

enum dr_err recalc_has_table(struct db *db, const char *table,
                             const char *columns, bool *has_out)
{
    PGresult *res = NULL;
    size_t len;
    enum dr_err rc;

    rc = columns_of(db, table, &res);
    if (!rc)
        *has_out = PQntuples(res) > 0 && !first_missing(res, columns, &len);
    PQclear(res);
    return rc;
}

enum dr_err recalc_has_privilege(struct db *db, const char *table,
                                 const char *privilege, bool *has_out)
{
    const char *params[2] = {table, privilege};
    PGresult *res = NULL;
    enum dr_err rc;

    rc = db_exec(db, SQL_PRIVILEGE, 2, params, PGRES_TUPLES_OK, &res);
    if (!rc)
        *has_out = !strcmp(PQgetvalue(res, 0, 0), "t");
    PQclear(res);
    return rc;
}

static enum dr_err check_privileges(struct db *db,
                                    const struct recalc_need *need)
{
    char privilege[16];
    const char *p = need->privileges;
    enum dr_err rc = DR_OK;
    bool has;
    size_t n;

    while (*p && !rc) {
        n = strcspn(p, ",");
        snprintf(privilege, sizeof(privilege), "%.*s", (int)n, p);
        rc = recalc_has_privilege(db, need->table, privilege, &has);
        if (!rc && !has) {
            log_msg(LOG_LEVEL_ERROR,
                    "the database role lacks %s on \"%s\"; grant it "
                    "(README: Database grants)",
                    privilege, need->table);
            rc = DR_EGRANT;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return rc;
}

static enum dr_err check_one(struct db *db, const struct recalc_need *need)
{
    PGresult *res = NULL;
    const char *missing;
    enum dr_err rc;
    size_t len;

    rc = columns_of(db, need->table, &res);
    if (rc)
        return rc;
    if (!PQntuples(res)) {
        log_msg(LOG_LEVEL_ERROR,
                "table \"%s\" not found in the schema (DB_SCHEMA); is this "
                "a DLCS database?",
                need->table);
        rc = DR_ESCHEMA;
    } else if ((missing = first_missing(res, need->columns, &len))) {
        log_msg(LOG_LEVEL_ERROR, "table \"%s\" has no column \"%.*s\"",
                need->table, (int)len, missing);
        rc = DR_ESCHEMA;
    }
    PQclear(res);
    if (!rc)
        rc = check_privileges(db, need);
    return rc;
}

enum dr_err recalc_check_tables(struct db *db, const struct recalc_need *needs,
                                size_t n)
{
    enum dr_err rc = DR_OK;
    size_t i;

    for (i = 0; i < n && !rc; i++)
        rc = check_one(db, &needs[i]);
    return rc;
}
