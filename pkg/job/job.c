#include "../util/util.h"

#include "job.h"

#include "../db/db.h"
#include "../log/log.h"
#include "../metrics/metrics.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <mbedtls/version.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Set by the Makefile. */
#ifndef DR_VERSION
#define DR_VERSION "0.0.0-dev"
#endif
#ifndef DR_GIT_REVISION
#define DR_GIT_REVISION "unknown"
#endif
#ifndef DR_LIBC
#define DR_LIBC "unknown libc"
#endif
#ifndef DR_JSMN_VERSION
#define DR_JSMN_VERSION "unknown"
#endif

#define METRIC_NAMESPACE       "Protagonist Recalculator"
#define AWS_CONNECT_TIMEOUT_MS 3000
#define AWS_REQUEST_TIMEOUT_MS 10000

static const char *env(const char *name, void *ctx)
{
    (void)ctx;
    return getenv(name);
}

enum dr_err job_configure(struct job *job, enum cfg_job kind, int argc,
                          char *const *argv, enum cfg_action *action_out)
{
    char err[CFG_ERR_MAX];
    char dbname[JOB_DBNAME_MAX];
    enum dr_err rc;

    memset(job, 0, sizeof(*job));
    log_setup(cfg_job_name(kind), LOG_FORMAT_JSON, LOG_LEVEL_INFO, stderr);
    rc = cfg_load(&job->cfg, kind, argc, argv, env, NULL, action_out, err);
    if (rc) {
        log_msg(LOG_LEVEL_ERROR, "configuration: %s", err);
        return rc;
    }
    if (*action_out != CFG_ACTION_RUN)
        return DR_OK;
    job->configured = true;
    log_setup(cfg_job_name(kind), job->cfg.log_format, job->cfg.log_level,
              stderr);
    if (job->cfg.conninfo) {
        rc = db_check_conninfo(job->cfg.conninfo, dbname, sizeof(dbname), err);
        if (rc) {
            log_msg(LOG_LEVEL_ERROR, "configuration: %s", err);
            return rc;
        }
    }
    return DR_OK;
}

static void db_options(const struct config *cfg, struct db_options *opt)
{
    opt->conninfo = cfg->conninfo;
    opt->password = cfg->pg_password;
    opt->connect_timeout_s = cfg->connect_timeout_s;
    opt->app_name = cfg->job_name;
    opt->schema = cfg->db_schema;
    opt->lock_timeout_ms = cfg->lock_timeout_ms;
    opt->statement_timeout_ms = cfg->statement_timeout_ms;
}

static void recalc_options(const struct config *cfg, struct recalc_options *opt)
{
    opt->dry_run = cfg->dry_run;
    opt->delete_stale = cfg->delete_stale;
    opt->confirm_delay_ms = cfg->confirm_delay_ms;
    opt->max_retries = cfg->max_retries;
    opt->batch_rows = cfg->batch_rows;
    opt->buffer_rows = cfg->buffer_rows;
    opt->scan_timeout_s = cfg->scan_timeout_s;
    opt->scan_parallel_workers = cfg->scan_parallel_workers;
    opt->statement_timeout_ms = cfg->statement_timeout_ms;
}

enum dr_err job_run(struct job *job)
{
    struct db scan = {0}, write = {0};
    struct db_options dbo;
    struct recalc_options ro;
    enum dr_err rc;

    db_options(&job->cfg, &dbo);
    recalc_options(&job->cfg, &ro);
    stop_install(db_cancel_all);
    srandom((unsigned)time(NULL) ^ (unsigned)clock_mono_ms());
    log_msg(LOG_LEVEL_INFO, "starting%s",
            ro.dry_run ? " (dry run: nothing will be written)" : "");
    rc = db_connect(&scan, &dbo, "scan");
    if (!rc)
        rc = db_connect(&write, &dbo, "write");
    if (!rc) {
        snprintf(job->dbname, sizeof(job->dbname), "%s", PQdb(scan.conn));
        if (job->cfg.job == CFG_JOB_ENTITY_COUNTERS)
            rc = recalc_entity_counters(&scan, &write, &ro, &job->report);
        else
            rc = recalc_customer_storage(&scan, &write, &ro, &job->report);
        recalc_log_summary(&job->report, rc);
    }
    db_close(&write);
    db_close(&scan);
    return rc;
}

static enum dr_err add_entity_metrics(const struct job *job,
                                      struct metric_set *set)
{
    const struct recalc_report *r = &job->report;
    char *const *names = job->cfg.metric_names;
    enum dr_err rc;

    rc = metrics_add(set, names[CFG_METRIC_SPACE_DIFFERENCE],
                     METRICS_UNIT_COUNT, r->abs_delta[RECALC_SPACE_IMAGES][0]);
    if (!rc)
        rc =
            metrics_add(set, names[CFG_METRIC_SPACE_DELETE], METRICS_UNIT_COUNT,
                        r->empty_rows[RECALC_SPACE_IMAGES]);
    if (!rc)
        rc = metrics_add(set, names[CFG_METRIC_CUSTOMER_DIFFERENCE],
                         METRICS_UNIT_COUNT,
                         r->abs_delta[RECALC_CUSTOMER_IMAGES][0]);
    if (!rc)
        rc = metrics_add(set, names[CFG_METRIC_CUSTOMER_DELETE],
                         METRICS_UNIT_COUNT,
                         r->empty_rows[RECALC_CUSTOMER_IMAGES]);
    return rc;
}

static enum dr_err add_storage_metrics(const struct job *job,
                                       struct metric_set *set)
{
    static const struct {
        enum cfg_metric name;
        enum recalc_storage_figure figure;
        enum metrics_unit unit;
    } map[] = {
        {CFG_METRIC_SPACE_IMAGE_SIZE, RECALC_IMAGE_SIZE, METRICS_UNIT_BYTES},
        {CFG_METRIC_SPACE_IMAGE_NUMBER, RECALC_IMAGE_NUMBER,
         METRICS_UNIT_COUNT},
        {CFG_METRIC_SPACE_THUMBNAIL_SIZE, RECALC_THUMBNAIL_SIZE,
         METRICS_UNIT_BYTES},
        {CFG_METRIC_SPACE_ADJUNCT_SIZE, RECALC_ADJUNCT_SIZE,
         METRICS_UNIT_BYTES},
        {CFG_METRIC_SPACE_ADJUNCT_NUMBER, RECALC_ADJUNCT_NUMBER,
         METRICS_UNIT_COUNT},
    };
    const int64_t *space = job->report.abs_delta[RECALC_STORAGE_SPACE];
    enum dr_err rc = DR_OK;
    size_t i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]) && !rc; i++)
        rc = metrics_add(set, job->cfg.metric_names[map[i].name], map[i].unit,
                         space[map[i].figure]);
    return rc;
}

static void aws_options(const struct config *cfg, struct aws_config *aws)
{
    memset(aws, 0, sizeof(*aws));
    aws->region = cfg->aws_region;
    aws->access_key_id = cfg->aws_access_key_id;
    aws->secret_access_key = cfg->aws_secret_access_key;
    aws->session_token = cfg->aws_session_token;
    aws->web_identity_token_file = cfg->aws_web_identity_token_file;
    aws->role_arn = cfg->aws_role_arn;
    aws->role_session_name = cfg->aws_role_session_name;
    aws->sts_regional_endpoints = cfg->aws_sts_regional_endpoints;
    aws->container_full_uri = cfg->aws_container_full_uri;
    aws->container_token = cfg->aws_container_token;
    aws->imds_disabled = cfg->aws_imds_disabled;
    aws->imds_endpoint = cfg->aws_imds_endpoint;
    aws->endpoint_url = cfg->aws_endpoint_url;
    aws->endpoint_url_cloudwatch = cfg->aws_endpoint_url_cloudwatch;
    aws->endpoint_url_sts = cfg->aws_endpoint_url_sts;
    aws->connect_timeout_ms = AWS_CONNECT_TIMEOUT_MS;
    aws->timeout_ms = AWS_REQUEST_TIMEOUT_MS;
}

/* The run's figures, named and dimensioned as the first deployment's. */
static enum dr_err build_metrics(const struct job *job, struct metric_set *set)
{
    enum dr_err rc;

    metrics_init(set, METRIC_NAMESPACE);
    rc = metrics_add_dim(set, "DATABASE_NAME", job->dbname);
    if (!rc)
        rc = metrics_add_dim(set, "APP_VERSION", job->cfg.app_version);
    if (!rc)
        rc = metrics_add_dim(set, "RECALCULATOR_NAME",
                             job->cfg.job == CFG_JOB_ENTITY_COUNTERS
                                 ? "entity_counter_recalculator"
                                 : "customer_storage_recalculator");
    if (!rc)
        rc = job->cfg.job == CFG_JOB_ENTITY_COUNTERS
                 ? add_entity_metrics(job, set)
                 : add_storage_metrics(job, set);
    if (!rc)
        rc = metrics_validate(set);
    return rc;
}

enum dr_err job_publish(struct job *job)
{
    struct metric_set set;
    struct aws_config aws;
    struct timespec now;
    enum dr_err rc;

    if (!job->cfg.emf && !job->cfg.cloudwatch)
        return DR_OK;
    rc = build_metrics(job, &set);
    clock_gettime(CLOCK_REALTIME, &now);
    if (!rc && job->cfg.emf)
        rc = metrics_write_emf(
            &set, (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000, stdout);
    aws_options(&job->cfg, &aws);
    if (!rc && job->cfg.cloudwatch)
        rc = metrics_put_cloudwatch(&set, &aws, job->cfg.aws_ca_bundle,
                                    job->cfg.metrics_timeout_ms);
    if (rc) {
        log_msg(LOG_LEVEL_ERROR,
                "metrics not published; the database corrections of this "
                "run (%lld rows) are committed",
                (long long)job->report.rows_changed);
        return DR_EMETRICS;
    }
    return DR_OK;
}

void job_release(struct job *job)
{
    if (job->configured)
        cfg_release(&job->cfg);
    job->configured = false;
    log_teardown();
}

void job_print_version(enum cfg_job kind, FILE *out)
{
    const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);
    char mbedtls[32];
    int pq = PQlibVersion();

    mbedtls_version_get_string(mbedtls);
    fprintf(out,
            "%s %s (git %s)\n"
            "  libc     %s\n"
            "  libpq    %d.%d\n"
            "  OpenSSL  %s (TLS for libpq)\n"
            "  libcurl  %s\n"
            "  mbedTLS  %s (TLS for libcurl)\n"
            "  jsmn     %s\n",
            cfg_job_name(kind), DR_VERSION, DR_GIT_REVISION, DR_LIBC,
            pq / 10000, pq % 10000, OpenSSL_version(OPENSSL_VERSION_STRING),
            curl->version, mbedtls, DR_JSMN_VERSION);
}
