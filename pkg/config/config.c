#include "../util/util.h"

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define JOB_ENTITY  (1u << CFG_JOB_ENTITY_COUNTERS)
#define JOB_STORAGE (1u << CFG_JOB_CUSTOMER_STORAGE)
#define JOB_BOTH    (JOB_ENTITY | JOB_STORAGE)

#define METRIC_NAME_MAX 255

enum var_kind {
    VAR_STRING,
    VAR_SECRET, /* a string that may come from NAME_FILE and is redacted */
    VAR_BOOL,
    VAR_LONG,
    VAR_LOG_LEVEL,
    VAR_LOG_FORMAT,
    VAR_IDENT, /* a short name: letters, digits, '-', '_', '.' */
    VAR_METRIC,
    VAR_ROLE_SESSION, /* [A-Za-z0-9+=,.@_-]{2,64} */
    VAR_STS_MODE,     /* regional or legacy */
};

struct var {
    const char *name;
    enum var_kind kind;
    unsigned jobs;
    size_t offset;
    const char *def; /* the default, as text; NULL: unset */
    long min, max;   /* VAR_LONG only */
    const char *alt; /* read when name is unset (AWS_DEFAULT_REGION) */
    const char *help;
};

#define FIELD(f)  offsetof(struct config, f)
#define METRIC(i) (offsetof(struct config, metric_names) + (i) * sizeof(char *))

/*
 * Every variable either job reads.  The defaults of the first deployment are
 * kept (dlcs-schema.md "The jobs as first deployed"); the new ones are
 * chosen so that a run never holds the API up: short lock waits, short
 * write transactions.
 */
static const struct var vars[] = {
    {"CONNECTION_STRING", VAR_SECRET, JOB_BOTH, FIELD(conninfo), NULL, 0, 0,
     NULL,
     "database, as postgresql://user:pass@host:port/db or key=value pairs; "
     "libpq's PG* variables fill in what it leaves out"},
    {"PGPASSWORD", VAR_SECRET, JOB_BOTH, FIELD(pg_password), NULL, 0, 0, NULL,
     "password, when not in CONNECTION_STRING (read by libpq itself; "
     "PGPASSWORD_FILE is read here)"},
    {"CONNECTION_TIMEOUT", VAR_LONG, JOB_BOTH, FIELD(connect_timeout_s), "10",
     2, 3600, NULL, "seconds to wait for a connection"},
    {"DB_SCHEMA", VAR_IDENT, JOB_BOTH, FIELD(db_schema), "public", 0, 0, NULL,
     "schema holding the DLCS tables"},
    {"LOCK_TIMEOUT_MS", VAR_LONG, JOB_BOTH, FIELD(lock_timeout_ms), "2000", 1,
     600000, NULL,
     "longest wait for a row the API holds before the batch is retried"},
    {"STATEMENT_TIMEOUT_MS", VAR_LONG, JOB_BOTH, FIELD(statement_timeout_ms),
     "60000", 1, 86400000, NULL,
     "limit on each confirming read and each write"},
    {"SCAN_TIMEOUT", VAR_LONG, JOB_BOTH, FIELD(scan_timeout_s), "3600", 1,
     604800, NULL, "seconds allowed for the full scan"},
    {"SCAN_PARALLEL_WORKERS", VAR_LONG, JOB_BOTH, FIELD(scan_parallel_workers),
     "-1", -1, 64, NULL,
     "max_parallel_workers_per_gather for the scan; -1 keeps the server's, "
     "0 leaves the database's other cores to the API"},
    {"DRY_RUN", VAR_BOOL, JOB_BOTH, FIELD(dry_run), "false", 0, 0, NULL,
     "report what would change and write nothing (also --dry-run)"},
    {"DELETE_STALE_COUNTERS", VAR_BOOL, JOB_ENTITY, FIELD(delete_stale),
     "false", 0, 0, NULL,
     "delete space-images rows of deleted spaces (also --delete-stale; "
     "needs DELETE on EntityCounters)"},
    {"CONFIRM_DELAY_MS", VAR_LONG, JOB_BOTH, FIELD(confirm_delay_ms), "1000", 0,
     600000, NULL,
     "pause between the first look and the confirming second look"},
    {"MAX_RETRIES", VAR_LONG, JOB_BOTH, FIELD(max_retries), "3", 0, 100, NULL,
     "retries of a batch after a serialization failure, deadlock or lock "
     "timeout before its rows are skipped"},
    {"BATCH_ROWS", VAR_LONG, JOB_BOTH, FIELD(batch_rows), "500", 1, 100000,
     NULL, "most rows written in one transaction"},
    {"BUFFER_ROWS", VAR_LONG, JOB_BOTH, FIELD(buffer_rows), "16384", 1, 262144,
     NULL,
     "drifted rows held for the second look (about 250 bytes each); more "
     "drift is confirmed in rounds, each with its own pause"},
    {"ENABLE_CLOUDWATCH_INTEGRATION", VAR_BOOL, JOB_BOTH, FIELD(cloudwatch),
     "true", 0, 0, NULL, "publish the metrics to CloudWatch"},
    {"ENABLE_EMF_METRICS", VAR_BOOL, JOB_BOTH, FIELD(emf), "false", 0, 0, NULL,
     "print the metrics as one CloudWatch Embedded Metric Format line on "
     "stdout"},
    {"AWS_REGION", VAR_IDENT, JOB_BOTH, FIELD(aws_region), "eu-west-1", 0, 0,
     "AWS_DEFAULT_REGION", "region for CloudWatch (then AWS_DEFAULT_REGION)"},
    {"APP_VERSION", VAR_STRING, JOB_BOTH, FIELD(app_version), "1.0", 0, 0, NULL,
     "value of the APP_VERSION metric dimension"},
    {"METRICS_TIMEOUT_MS", VAR_LONG, JOB_BOTH, FIELD(metrics_timeout_ms),
     "30000", 1000, 600000, NULL,
     "deadline for publishing to CloudWatch, retries included"},
    {"AWS_ACCESS_KEY_ID", VAR_SECRET, JOB_BOTH, FIELD(aws_access_key_id), NULL,
     0, 0, NULL, "static credentials (1st in the chain)"},
    {"AWS_SECRET_ACCESS_KEY", VAR_SECRET, JOB_BOTH,
     FIELD(aws_secret_access_key), NULL, 0, 0, NULL,
     "static credentials: the secret"},
    {"AWS_SESSION_TOKEN", VAR_SECRET, JOB_BOTH, FIELD(aws_session_token), NULL,
     0, 0, NULL, "static credentials: an optional session token"},
    {"AWS_WEB_IDENTITY_TOKEN_FILE", VAR_STRING, JOB_BOTH,
     FIELD(aws_web_identity_token_file), NULL, 0, 0, NULL,
     "IRSA token file, re-read on every call (2nd in the chain)"},
    {"AWS_ROLE_ARN", VAR_STRING, JOB_BOTH, FIELD(aws_role_arn), NULL, 0, 0,
     NULL, "IRSA: the role to assume"},
    {"AWS_ROLE_SESSION_NAME", VAR_ROLE_SESSION, JOB_BOTH,
     FIELD(aws_role_session_name), NULL, 0, 0, NULL,
     "IRSA: session name (generated when unset)"},
    {"AWS_STS_REGIONAL_ENDPOINTS", VAR_STS_MODE, JOB_BOTH,
     FIELD(aws_sts_regional_endpoints), "regional", 0, 0, NULL,
     "regional, or legacy for the global STS endpoint"},
    {"AWS_CONTAINER_CREDENTIALS_FULL_URI", VAR_STRING, JOB_BOTH,
     FIELD(aws_container_full_uri), NULL, 0, 0, NULL,
     "EKS Pod Identity / ECS credentials endpoint (3rd in the chain)"},
    {"AWS_CONTAINER_AUTHORIZATION_TOKEN", VAR_SECRET, JOB_BOTH,
     FIELD(aws_container_token), NULL, 0, 0, NULL,
     "token sent to that endpoint"},
    {"AWS_EC2_METADATA_DISABLED", VAR_BOOL, JOB_BOTH, FIELD(aws_imds_disabled),
     "false", 0, 0, NULL, "skip IMDSv2 (4th in the chain)"},
    {"AWS_EC2_METADATA_SERVICE_ENDPOINT", VAR_STRING, JOB_BOTH,
     FIELD(aws_imds_endpoint), "http://169.254.169.254", 0, 0, NULL,
     "IMDSv2 endpoint"},
    {"AWS_ENDPOINT_URL", VAR_STRING, JOB_BOTH, FIELD(aws_endpoint_url), NULL, 0,
     0, NULL, "endpoint for every AWS service (VPC endpoints, tests)"},
    {"AWS_ENDPOINT_URL_CLOUDWATCH", VAR_STRING, JOB_BOTH,
     FIELD(aws_endpoint_url_cloudwatch), NULL, 0, 0, NULL,
     "CloudWatch endpoint"},
    {"AWS_ENDPOINT_URL_STS", VAR_STRING, JOB_BOTH, FIELD(aws_endpoint_url_sts),
     NULL, 0, 0, NULL, "STS endpoint"},
    {"AWS_CA_BUNDLE", VAR_STRING, JOB_BOTH, FIELD(aws_ca_bundle), NULL, 0, 0,
     NULL,
     "CA bundle for AWS endpoints (default: "
     "/etc/ssl/certs/ca-certificates.crt)"},
    {"CLOUDWATCH_SPACE_DIFFERENCE_METRIC_NAME", VAR_METRIC, JOB_ENTITY,
     METRIC(CFG_METRIC_SPACE_DIFFERENCE), "SpaceTotalDelta", 0, 0, NULL,
     "sum of |delta| over space-images rows"},
    {"CLOUDWATCH_SPACE_DELETE_METRIC_NAME", VAR_METRIC, JOB_ENTITY,
     METRIC(CFG_METRIC_SPACE_DELETE), "CustomerDeleteMetrics", 0, 0, NULL,
     "space-images rows whose space has no images"},
    {"CLOUDWATCH_CUSTOMER_DIFFERENCE_METRIC_NAME", VAR_METRIC, JOB_ENTITY,
     METRIC(CFG_METRIC_CUSTOMER_DIFFERENCE), "CustomerTotalDelta", 0, 0, NULL,
     "sum of |delta| over customer-images rows"},
    {"CLOUDWATCH_CUSTOMER_DELETE_METRIC_NAME", VAR_METRIC, JOB_ENTITY,
     METRIC(CFG_METRIC_CUSTOMER_DELETE), "CustomerImagesDeleteRequired", 0, 0,
     NULL, "customer-images rows of customers without images"},
    {"CLOUDWATCH_SPACE_IMAGE_SIZE_DIFFERENCE_METRIC_NAME", VAR_METRIC,
     JOB_STORAGE, METRIC(CFG_METRIC_SPACE_IMAGE_SIZE), "SpaceImageSizeDelta", 0,
     0, NULL, "sum of |stored - actual| image bytes per space"},
    {"CLOUDWATCH_SPACE_IMAGE_NUMBER_DIFFERENCE_METRIC_NAME", VAR_METRIC,
     JOB_STORAGE, METRIC(CFG_METRIC_SPACE_IMAGE_NUMBER),
     "SpaceImageNumberDelta", 0, 0, NULL,
     "sum of |stored - actual| image counts per space"},
    {"CLOUDWATCH_SPACE_THUMBNAIL_SIZE_DIFFERENCE_METRIC_NAME", VAR_METRIC,
     JOB_STORAGE, METRIC(CFG_METRIC_SPACE_THUMBNAIL_SIZE),
     "SpaceThumbnailSizeDelta", 0, 0, NULL,
     "sum of |stored - actual| thumbnail bytes per space"},
    {"CLOUDWATCH_SPACE_ADJUNCT_SIZE_DIFFERENCE_METRIC_NAME", VAR_METRIC,
     JOB_STORAGE, METRIC(CFG_METRIC_SPACE_ADJUNCT_SIZE),
     "SpaceAdjunctSizeDelta", 0, 0, NULL,
     "sum of |stored - actual| adjunct bytes per space"},
    {"CLOUDWATCH_SPACE_ADJUNCT_NUMBER_DIFFERENCE_METRIC_NAME", VAR_METRIC,
     JOB_STORAGE, METRIC(CFG_METRIC_SPACE_ADJUNCT_NUMBER),
     "SpaceAdjunctNumberDelta", 0, 0, NULL,
     "sum of |stored - actual| hosted adjunct counts per space"},
    {"LOG_FORMAT", VAR_LOG_FORMAT, JOB_BOTH, FIELD(log_format), "json", 0, 0,
     NULL, "json or text"},
    {"LOG_LEVEL", VAR_LOG_LEVEL, JOB_BOTH, FIELD(log_level), "info", 0, 0, NULL,
     "debug, info, warn or error"},
};

#define VAR_COUNT (sizeof(vars) / sizeof(vars[0]))

static const char *const job_names[] = {
    "entity-counter-recalculator",
    "customer-storage-recalculator",
};

const char *cfg_job_name(enum cfg_job job)
{
    return job_names[job];
}

DR_PRINTF(2, 3)
static enum dr_err fail(char err_out[CFG_ERR_MAX], const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err_out, CFG_ERR_MAX, fmt, ap);
    va_end(ap);
    return DR_ECONFIG;
}

static char **string_field(struct config *cfg, const struct var *v)
{
    return (char **)((char *)cfg + v->offset);
}

static bool is_ident(const char *s)
{
    if (!*s || strlen(s) > 63)
        return false;
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
            return false;
    }
    return true;
}

static bool is_role_session(const char *s)
{
    size_t n = strlen(s);

    if (n < 2 || n > 64)
        return false;
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && !strchr("+=,.@_-", *s))
            return false;
    }
    return true;
}

/* CloudWatch: 1-255 printable ASCII characters. */
static bool is_metric_name(const char *s)
{
    size_t n = strlen(s);

    if (n < 1 || n > METRIC_NAME_MAX)
        return false;
    for (; *s; s++) {
        if (*s < 0x20 || *s > 0x7e)
            return false;
    }
    return true;
}

/* The value of v, from NAME, NAME_FILE or the alternative name; *owned_out
 * is set when the value was read from a file and must be freed. */
static enum dr_err lookup(const struct var *v, cfg_getenv_fn getenv_fn,
                          void *ctx, const char **value_out, char **owned_out,
                          char err_out[CFG_ERR_MAX])
{
    char file_var[128];
    const char *value = getenv_fn(v->name, ctx);
    const char *path = NULL;
    enum dr_err rc;
    int err;

    *owned_out = NULL;
    if (v->kind == VAR_SECRET) {
        snprintf(file_var, sizeof(file_var), "%s_FILE", v->name);
        path = getenv_fn(file_var, ctx);
        if (value && path)
            return fail(err_out, "%s and %s are both set; set only one",
                        v->name, file_var);
    }
    if (path) {
        if (!*path)
            return fail(err_out, "%s is empty", file_var);
        rc = file_read_small(path, SECRET_FILE_MAX, owned_out, &err);
        if (rc == DR_ENOMEM)
            return rc;
        if (rc == DR_ETOOBIG)
            return fail(err_out, "%s: '%s' is larger than %zu bytes", file_var,
                        path, SECRET_FILE_MAX);
        if (rc == DR_EPARSE)
            return fail(err_out, "%s: '%s' holds a NUL byte", file_var, path);
        if (rc)
            return fail(err_out, "%s: cannot read '%s': %s", file_var, path,
                        strerror(err));
        value = *owned_out;
    }
    if (!value && v->alt)
        value = getenv_fn(v->alt, ctx);
    *value_out = value;
    return DR_OK;
}

/* Stores text (a variable's value or its default) into cfg. */
static enum dr_err store(struct config *cfg, const struct var *v,
                         const char *name, const char *text,
                         char err_out[CFG_ERR_MAX])
{
    void *field = (char *)cfg + v->offset;
    char **str;

    switch (v->kind) {
    case VAR_BOOL:
        if (parse_bool(text, (bool *)field))
            return fail(err_out,
                        "%s: '%s' is not a boolean (true/false, 1/0, "
                        "yes/no, on/off)",
                        name, text);
        return DR_OK;
    case VAR_LONG:
        if (parse_long_range(text, v->min, v->max, (long *)field))
            return fail(err_out,
                        "%s: '%s' is not a whole number from %ld to %ld", name,
                        text, v->min, v->max);
        return DR_OK;
    case VAR_LOG_LEVEL:
        if (log_parse_level(text, (enum log_level *)field))
            return fail(err_out,
                        "%s: '%s' is not a level (debug, info, warn, error)",
                        name, text);
        return DR_OK;
    case VAR_LOG_FORMAT:
        if (log_parse_format(text, (enum log_format *)field))
            return fail(err_out, "%s: '%s' is not a format (json, text)", name,
                        text);
        return DR_OK;
    case VAR_IDENT:
        if (!is_ident(text))
            return fail(err_out,
                        "%s: '%s' is not a name (letters, digits, '-', '_', "
                        "'.'; at most 63)",
                        name, text);
        break;
    case VAR_METRIC:
        if (!is_metric_name(text))
            return fail(err_out,
                        "%s: a metric name is 1 to 255 printable ASCII "
                        "characters",
                        name);
        break;
    case VAR_ROLE_SESSION:
        if (!is_role_session(text))
            return fail(err_out,
                        "%s: '%s' is not 2-64 of letters, digits and "
                        "+=,.@_-",
                        name, text);
        break;
    case VAR_STS_MODE:
        if (strcmp(text, "regional") != 0 && strcmp(text, "legacy") != 0)
            return fail(err_out, "%s: '%s' is not regional or legacy", name,
                        text);
        break;
    case VAR_STRING:
    case VAR_SECRET:
        if (!*text)
            return fail(err_out, "%s is set but empty", name);
        break;
    }
    str = string_field(cfg, v);
    *str = strdup(text);
    return *str ? DR_OK : DR_ENOMEM;
}

static enum dr_err load_var(struct config *cfg, const struct var *v,
                            cfg_getenv_fn getenv_fn, void *ctx,
                            char err_out[CFG_ERR_MAX])
{
    const char *value = NULL;
    char *owned = NULL;
    enum dr_err rc;

    rc = lookup(v, getenv_fn, ctx, &value, &owned, err_out);
    if (!rc && value && v->kind == VAR_SECRET)
        rc = log_redact(value);
    if (!rc && value)
        rc = store(cfg, v, v->name, value, err_out);
    else if (!rc && v->def)
        rc = store(cfg, v, v->name, v->def, err_out);
    if (owned) {
        secure_zero(owned, strlen(owned));
        free(owned);
    }
    return rc;
}

/* A password in PGPASSWORD itself is libpq's to read; only the _FILE form is
 * kept here.  Either way the value is now registered for redaction. */
static void drop_plain_pgpassword(struct config *cfg, cfg_getenv_fn getenv_fn,
                                  void *ctx)
{
    if (cfg->pg_password && !getenv_fn("PGPASSWORD_FILE", ctx)) {
        secure_zero(cfg->pg_password, strlen(cfg->pg_password));
        free(cfg->pg_password);
        cfg->pg_password = NULL;
    }
}

/* Whether exactly one of two settings that go together is set. */
static bool only_one(const char *a, const char *b)
{
    return (a && !b) || (!a && b);
}

static enum dr_err check_combined(const struct config *cfg,
                                  cfg_getenv_fn getenv_fn, void *ctx,
                                  char err_out[CFG_ERR_MAX])
{
    if (!cfg->conninfo && !getenv_fn("PGHOST", ctx) &&
        !getenv_fn("PGSERVICE", ctx))
        return fail(err_out, "CONNECTION_STRING is not set (nor "
                             "CONNECTION_STRING_FILE, PGHOST or PGSERVICE)");
    if (only_one(cfg->aws_access_key_id, cfg->aws_secret_access_key))
        return fail(err_out, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                             "must be set together");
    if (only_one(cfg->aws_web_identity_token_file, cfg->aws_role_arn))
        return fail(err_out, "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN "
                             "must be set together");
    return DR_OK;
}

static enum dr_err parse_flags(struct config *cfg, int argc, char *const *argv,
                               enum cfg_action *action_out,
                               char err_out[CFG_ERR_MAX])
{
    int i;

    *action_out = CFG_ACTION_RUN;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            *action_out = CFG_ACTION_HELP;
        } else if (!strcmp(argv[i], "--version")) {
            *action_out = CFG_ACTION_VERSION;
        } else if (!strcmp(argv[i], "--dry-run")) {
            cfg->dry_run = true;
        } else if (!strcmp(argv[i], "--delete-stale") &&
                   cfg->job == CFG_JOB_ENTITY_COUNTERS) {
            cfg->delete_stale = true;
        } else {
            return fail(err_out, "unknown argument '%s' (see --help)", argv[i]);
        }
    }
    return DR_OK;
}

enum dr_err cfg_load(struct config *cfg, enum cfg_job job, int argc,
                     char *const *argv, cfg_getenv_fn getenv_fn, void *ctx,
                     enum cfg_action *action_out, char err_out[CFG_ERR_MAX])
{
    enum dr_err rc = DR_OK;
    size_t i;

    memset(cfg, 0, sizeof(*cfg));
    cfg->job = job;
    cfg->job_name = cfg_job_name(job);
    err_out[0] = '\0';

    /* Flags first: --help and --version must work with a broken env. */
    rc = parse_flags(cfg, argc, argv, action_out, err_out);
    if (rc || *action_out != CFG_ACTION_RUN)
        return rc;
    for (i = 0; i < VAR_COUNT && !rc; i++) {
        if (vars[i].jobs & (1u << job))
            rc = load_var(cfg, &vars[i], getenv_fn, ctx, err_out);
    }
    if (!rc)
        rc = parse_flags(cfg, argc, argv, action_out, err_out);
    if (!rc) {
        drop_plain_pgpassword(cfg, getenv_fn, ctx);
        rc = check_combined(cfg, getenv_fn, ctx, err_out);
    }
    if (rc == DR_ENOMEM)
        snprintf(err_out, CFG_ERR_MAX, "out of memory reading configuration");
    if (rc)
        cfg_release(cfg);
    return rc;
}

static bool is_string_kind(enum var_kind kind)
{
    return kind != VAR_BOOL && kind != VAR_LONG && kind != VAR_LOG_LEVEL &&
           kind != VAR_LOG_FORMAT;
}

void cfg_release(struct config *cfg)
{
    size_t i;
    char **str;

    for (i = 0; i < VAR_COUNT; i++) {
        if (!is_string_kind(vars[i].kind))
            continue;
        str = string_field(cfg, &vars[i]);
        if (*str && vars[i].kind == VAR_SECRET)
            secure_zero(*str, strlen(*str));
        free(*str);
        *str = NULL;
    }
}

void cfg_print_help(enum cfg_job job, FILE *out)
{
    const char *name = cfg_job_name(job);
    size_t i;

    fprintf(out,
            "Usage: %s [--dry-run]%s [--help] [--version]\n\n"
            "%s\n\n"
            "Flags:\n"
            "  --dry-run       report what would change; write nothing\n"
            "%s"
            "  --help          show this text\n"
            "  --version       show versions of the job and its libraries\n\n"
            "Environment (default in brackets; a variable marked * may be\n"
            "given as NAME_FILE, the path of a file holding it):\n",
            name, job == CFG_JOB_ENTITY_COUNTERS ? " [--delete-stale]" : "",
            job == CFG_JOB_ENTITY_COUNTERS
                ? "Makes the space-images and customer-images rows of\n"
                  "\"EntityCounters\" match the \"Images\" table."
                : "Makes \"CustomerStorage\" match the sums over "
                  "\"ImageStorage\"\nand hosted \"Adjuncts\", per space "
                  "and per customer.",
            job == CFG_JOB_ENTITY_COUNTERS
                ? "  --delete-stale  delete counters of deleted spaces\n"
                : "");
    for (i = 0; i < VAR_COUNT; i++) {
        if (!(vars[i].jobs & (1u << job)))
            continue;
        fprintf(out, "  %s%s [%s]\n      %s\n", vars[i].name,
                vars[i].kind == VAR_SECRET ? "*" : "",
                vars[i].def ? vars[i].def : "unset", vars[i].help);
    }
    fprintf(out,
            "\nlibpq's own variables (PGSSLMODE, PGSSLROOTCERT, PGHOST, ...) "
            "apply where\nCONNECTION_STRING does not say otherwise.\n\n"
            "Exit codes:\n"
            "  0  success (rows skipped after retries are reported, not "
            "fatal)\n"
            "  1  internal error\n"
            "  2  invalid configuration; nothing was read or written\n"
            "  3  database unreachable, login refused, schema or privilege "
            "missing,\n     or the connection lost; batches already committed "
            "stay committed\n"
            "  4  metrics not published; database corrections are committed\n"
            "  5  stopped by SIGTERM or SIGINT; the open batch was rolled "
            "back\n");
}
