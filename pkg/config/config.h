/*
 * config: everything a run is told, from the environment, from *_FILE
 * secret files and from flags, checked before anything else happens.
 *
 * One table in config.c lists every variable with its default, its help
 * text and the jobs it applies to; --help is printed from that table, so the
 * two cannot disagree.  Environment access goes through a caller-supplied
 * function so unit tests can pass their own environment.
 *
 * A secret variable NAME may instead be given as NAME_FILE, the path of a
 * file holding it (a Kubernetes secret volume); setting both is an error.
 * Secret values are registered with log_redact() as soon as they are read.
 *
 * cfg_load() writes one line naming the variable and the problem into
 * err_out on failure; it never logs and never touches the database.
 */
#ifndef PKG_CONFIG_CONFIG_H
#define PKG_CONFIG_CONFIG_H

#include "../util/util.h"
#include "../log/log.h"

enum cfg_job {
    CFG_JOB_ENTITY_COUNTERS,
    CFG_JOB_CUSTOMER_STORAGE,
};

/* Metric-name overrides, in the order the jobs report their figures. */
enum cfg_metric {
    CFG_METRIC_SPACE_DIFFERENCE,
    CFG_METRIC_SPACE_DELETE,
    CFG_METRIC_CUSTOMER_DIFFERENCE,
    CFG_METRIC_CUSTOMER_DELETE,
    CFG_METRIC_SPACE_IMAGE_SIZE,
    CFG_METRIC_SPACE_IMAGE_NUMBER,
    CFG_METRIC_SPACE_THUMBNAIL_SIZE,
    CFG_METRIC_SPACE_ADJUNCT_SIZE,
    CFG_METRIC_SPACE_ADJUNCT_NUMBER,
    CFG_METRIC_COUNT
};

enum cfg_action {
    CFG_ACTION_RUN,
    CFG_ACTION_HELP,
    CFG_ACTION_VERSION,
};

#define CFG_ERR_MAX 512

/* Every string is owned by the config and freed by cfg_release(). */
struct config {
    enum cfg_job job;
    const char *job_name; /* static: "entity-counter-recalculator", ... */

    /* database */
    char *conninfo;    /* CONNECTION_STRING; NULL when unset */
    char *pg_password; /* from PGPASSWORD_FILE; NULL leaves it to libpq */
    long connect_timeout_s;
    char *db_schema;
    long lock_timeout_ms;
    long statement_timeout_ms;
    long scan_timeout_s;
    long scan_parallel_workers; /* -1: the server's setting */

    /* the run */
    bool dry_run;
    bool delete_stale;
    long confirm_delay_ms;
    long max_retries;
    long batch_rows;
    long buffer_rows;

    /* metrics */
    bool cloudwatch;
    bool emf;
    char *aws_region;
    char *app_version;
    char *metric_names[CFG_METRIC_COUNT];
    long metrics_timeout_ms;

    /* AWS, with the SDKs' names */
    char *aws_access_key_id;
    char *aws_secret_access_key;
    char *aws_session_token;
    char *aws_web_identity_token_file;
    char *aws_role_arn;
    char *aws_role_session_name;
    char *aws_sts_regional_endpoints;
    char *aws_container_full_uri;
    char *aws_container_token;
    bool aws_imds_disabled;
    char *aws_imds_endpoint;
    char *aws_endpoint_url;
    char *aws_endpoint_url_cloudwatch;
    char *aws_endpoint_url_sts;
    char *aws_ca_bundle;

    /* logging */
    enum log_level log_level;
    enum log_format log_format;
};

/* Returns the value of an environment variable, or NULL when unset. */
typedef const char *(*cfg_getenv_fn)(const char *name, void *ctx);

/*
 * Fills cfg from argv and the environment.  On success *action_out says
 * what main should do.  On failure returns DR_ECONFIG (or DR_ENOMEM) with a
 * one-line message in err_out, and cfg holds nothing to release.
 */
DR_WARN_UNUSED enum dr_err cfg_load(struct config *cfg, enum cfg_job job,
                                    int argc, char *const *argv,
                                    cfg_getenv_fn getenv_fn, void *ctx,
                                    enum cfg_action *action_out,
                                    char err_out[CFG_ERR_MAX]);

/* Writes the --help text: usage, flags, every variable and its default,
 * and the exit codes. */
void cfg_print_help(enum cfg_job job, FILE *out);

/* Frees the strings, zeroing the secrets first. */
void cfg_release(struct config *cfg);

/* The name of the job's binary, e.g. "entity-counter-recalculator". */
const char *cfg_job_name(enum cfg_job job);

#endif /* PKG_CONFIG_CONFIG_H */
