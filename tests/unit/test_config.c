/* Unit tests of pkg/config: defaults, every kind of bad value, *_FILE
 * secrets and flags, against an environment given by the test. */
#include "../../pkg/util/util.h"

#include "../../pkg/config/config.h"
#include "../../pkg/log/log.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* A NULL-terminated list of "NAME=value". */
static const char *fake_env(const char *name, void *ctx)
{
    const char *const *e = ctx;
    size_t n = strlen(name);

    for (; *e; e++) {
        if (!strncmp(*e, name, n) && (*e)[n] == '=')
            return *e + n + 1;
    }
    return NULL;
}

static enum dr_err load(struct config *cfg, enum cfg_job job,
                        const char *const *env, int argc, char **argv,
                        enum cfg_action *action, char *err)
{
    char *none[] = {"job", NULL};

    if (!argv) {
        argv = none;
        argc = 1;
    }
    return cfg_load(cfg, job, argc, argv, fake_env, (void *)env, action, err);
}

static void test_config_defaults(void **state)
{
    const char *env[] = {"CONNECTION_STRING=postgresql://u@h/db", NULL};
    struct config cfg;
    enum cfg_action action;
    char err[CFG_ERR_MAX];

    (void)state;
    assert_int_equal(
        load(&cfg, CFG_JOB_ENTITY_COUNTERS, env, 0, NULL, &action, err), DR_OK);
    assert_int_equal(action, CFG_ACTION_RUN);
    assert_string_equal(cfg.conninfo, "postgresql://u@h/db");
    assert_false(cfg.dry_run);
    assert_false(cfg.delete_stale);
    assert_true(cfg.cloudwatch);
    assert_false(cfg.emf);
    assert_string_equal(cfg.aws_region, "eu-west-1");
    assert_string_equal(cfg.app_version, "1.0");
    assert_string_equal(cfg.db_schema, "public");
    assert_int_equal(cfg.connect_timeout_s, 10);
    assert_int_equal(cfg.confirm_delay_ms, 1000);
    assert_string_equal(cfg.metric_names[CFG_METRIC_SPACE_DIFFERENCE],
                        "SpaceTotalDelta");
    assert_string_equal(cfg.metric_names[CFG_METRIC_CUSTOMER_DELETE],
                        "CustomerImagesDeleteRequired");
    assert_null(cfg.metric_names[CFG_METRIC_SPACE_IMAGE_SIZE]);
    assert_int_equal(cfg.log_format, LOG_FORMAT_JSON);
    cfg_release(&cfg);
}

static void test_config_overrides(void **state)
{
    const char *env[] = {
        "CONNECTION_STRING=host=db",
        "DRY_RUN=T",
        "ENABLE_CLOUDWATCH_INTEGRATION=0",
        "AWS_DEFAULT_REGION=us-east-2",
        "APP_VERSION=2.3",
        "CLOUDWATCH_SPACE_IMAGE_SIZE_DIFFERENCE_METRIC_NAME=Bytes Off",
        "LOG_FORMAT=TEXT",
        "LOG_LEVEL=warning",
        "CONNECTION_TIMEOUT=30",
        NULL,
    };
    struct config cfg;
    enum cfg_action action;
    char err[CFG_ERR_MAX];

    (void)state;
    assert_int_equal(
        load(&cfg, CFG_JOB_CUSTOMER_STORAGE, env, 0, NULL, &action, err),
        DR_OK);
    assert_true(cfg.dry_run);
    assert_false(cfg.cloudwatch);
    assert_string_equal(cfg.aws_region, "us-east-2");
    assert_string_equal(cfg.app_version, "2.3");
    assert_string_equal(cfg.metric_names[CFG_METRIC_SPACE_IMAGE_SIZE],
                        "Bytes Off");
    assert_null(cfg.metric_names[CFG_METRIC_SPACE_DIFFERENCE]);
    assert_int_equal(cfg.log_format, LOG_FORMAT_TEXT);
    assert_int_equal(cfg.log_level, LOG_LEVEL_WARN);
    assert_int_equal(cfg.connect_timeout_s, 30);
    cfg_release(&cfg);
}

static void test_config_rejects_bad_values(void **state)
{
    static const struct {
        const char *name;
        const char *env[4];
        const char *want;
    } cases[] = {
        {"no database", {"DRY_RUN=1"}, "CONNECTION_STRING is not set"},
        {"timeout word",
         {"PGHOST=h", "CONNECTION_TIMEOUT=ten"},
         "CONNECTION_TIMEOUT: 'ten' is not a whole number from 2 to 3600"},
        {"timeout big",
         {"PGHOST=h", "CONNECTION_TIMEOUT=99999"},
         "CONNECTION_TIMEOUT"},
        {"boolean", {"PGHOST=h", "DRY_RUN=yep"}, "DRY_RUN: 'yep'"},
        {"empty secret", {"CONNECTION_STRING="}, "CONNECTION_STRING is set"},
        {"schema", {"PGHOST=h", "DB_SCHEMA=a;b"}, "DB_SCHEMA: 'a;b'"},
        {"metric name",
         {"PGHOST=h", "CLOUDWATCH_SPACE_DELETE_METRIC_NAME=caf\xc3\xa9"},
         "CLOUDWATCH_SPACE_DELETE_METRIC_NAME: a metric name"},
        {"both forms",
         {"CONNECTION_STRING=x", "CONNECTION_STRING_FILE=/y"},
         "CONNECTION_STRING and CONNECTION_STRING_FILE are both set"},
        {"missing file",
         {"CONNECTION_STRING_FILE=/nonexistent/conn"},
         "CONNECTION_STRING_FILE: cannot read '/nonexistent/conn'"},
        {"log level", {"PGHOST=h", "LOG_LEVEL=chatty"}, "LOG_LEVEL"},
    };
    struct config cfg;
    enum cfg_action action;
    char err[CFG_ERR_MAX];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("case: %s\n", cases[i].name);
        assert_int_equal(load(&cfg, CFG_JOB_ENTITY_COUNTERS, cases[i].env, 0,
                              NULL, &action, err),
                         DR_ECONFIG);
        assert_non_null(strstr(err, cases[i].want));
        assert_null(strchr(err, '\n'));
    }
}

static void test_config_secret_file_and_redaction(void **state)
{
    char path[] = "/tmp/dr-conn-XXXXXX";
    char env_line[64];
    const char *env[] = {env_line, NULL};
    struct config cfg;
    enum cfg_action action;
    char err[CFG_ERR_MAX], *out = NULL;
    size_t outlen = 0;
    FILE *mem;
    int fd;

    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "host=db password=hunter2-secret\n", 32), 32);
    close(fd);
    snprintf(env_line, sizeof(env_line), "CONNECTION_STRING_FILE=%s", path);
    assert_int_equal(
        load(&cfg, CFG_JOB_ENTITY_COUNTERS, env, 0, NULL, &action, err), DR_OK);
    unlink(path);
    assert_string_equal(cfg.conninfo, "host=db password=hunter2-secret");
    /* The whole secret value is registered: a line quoting it is masked. */
    mem = open_memstream(&out, &outlen);
    log_setup("test", LOG_FORMAT_TEXT, LOG_LEVEL_INFO, mem);
    log_msg(LOG_LEVEL_ERROR, "echo: host=db password=hunter2-secret");
    fclose(mem);
    assert_null(strstr(out, "hunter2"));
    assert_non_null(strstr(out, "echo: ***"));
    free(out);
    cfg_release(&cfg);
    log_teardown();
    log_setup("test", LOG_FORMAT_JSON, LOG_LEVEL_INFO, stderr);
}

static void test_config_flags(void **state)
{
    const char *env[] = {"PGHOST=h", "DRY_RUN=false", NULL};
    const char *broken[] = {"DRY_RUN=garbage", NULL};
    char *dry[] = {"job", "--dry-run", "--delete-stale", NULL};
    char *help[] = {"job", "--help", NULL};
    char *bad[] = {"job", "--delete-stale", NULL};
    struct config cfg;
    enum cfg_action action;
    char err[CFG_ERR_MAX];

    (void)state;
    assert_int_equal(
        load(&cfg, CFG_JOB_ENTITY_COUNTERS, env, 3, dry, &action, err), DR_OK);
    assert_true(cfg.dry_run);
    assert_true(cfg.delete_stale);
    cfg_release(&cfg);
    /* --help works even when the environment is broken. */
    assert_int_equal(
        load(&cfg, CFG_JOB_ENTITY_COUNTERS, broken, 2, help, &action, err),
        DR_OK);
    assert_int_equal(action, CFG_ACTION_HELP);
    /* --delete-stale belongs to the entity counter job only. */
    assert_int_equal(
        load(&cfg, CFG_JOB_CUSTOMER_STORAGE, env, 2, bad, &action, err),
        DR_ECONFIG);
    assert_non_null(strstr(err, "unknown argument '--delete-stale'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_defaults),
        cmocka_unit_test(test_config_overrides),
        cmocka_unit_test(test_config_rejects_bad_values),
        cmocka_unit_test(test_config_secret_file_and_redaction),
        cmocka_unit_test(test_config_flags),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
