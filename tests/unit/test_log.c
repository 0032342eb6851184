/* Unit tests of pkg/log: JSON and text lines, levels, redaction. */
#include "../../pkg/util/util.h"

#include "../../pkg/log/log.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char *out;
static size_t outlen;
static FILE *mem;

static int open_log(void **state, enum log_format format)
{
    (void)state;
    mem = open_memstream(&out, &outlen);
    log_setup("job-x", format, LOG_LEVEL_INFO, mem);
    return 0;
}

static int setup_json(void **state)
{
    return open_log(state, LOG_FORMAT_JSON);
}

static int setup_text(void **state)
{
    return open_log(state, LOG_FORMAT_TEXT);
}

static int teardown(void **state)
{
    (void)state;
    fclose(mem);
    free(out);
    out = NULL;
    log_teardown();
    log_setup("job-x", LOG_FORMAT_JSON, LOG_LEVEL_INFO, stderr);
    return 0;
}

static void test_log_json_line(void **state)
{
    struct log_line line;

    (void)state;
    log_begin(&line, LOG_LEVEL_WARN, "a \"quoted\"\nmessage\\");
    log_str(&line, "type", "space-images");
    log_i64(&line, "delta", -5000000000LL);
    log_bool(&line, "dry_run", true);
    log_str(&line, "none", NULL);
    log_end(&line);
    fflush(mem);
    assert_non_null(strstr(out, "\"level\":\"warn\",\"job\":\"job-x\","
                                "\"msg\":\"a \\\"quoted\\\"\\nmessage\\\\\""));
    assert_non_null(strstr(out,
                           ",\"type\":\"space-images\",\"delta\":"
                           "-5000000000,\"dry_run\":true,\"none\":null}\n"));
    assert_int_equal(strncmp(out, "{\"ts\":\"", 7), 0);
}

static void test_log_levels_filter(void **state)
{
    (void)state;
    log_msg(LOG_LEVEL_DEBUG, "hidden %d", 1);
    log_msg(LOG_LEVEL_ERROR, "shown %d", 2);
    fflush(mem);
    assert_null(strstr(out, "hidden"));
    assert_non_null(strstr(out, "shown 2"));
}

static void test_log_redacts_secrets(void **state)
{
    struct log_line line;

    (void)state;
    assert_int_equal(log_redact("s3cr3t-token"), DR_OK);
    assert_int_equal(log_redact("abc"), DR_OK); /* too short: ignored */
    log_begin(&line, LOG_LEVEL_ERROR, "failed with s3cr3t-token inside");
    log_str(&line, "detail", "xs3cr3t-tokenx and abc");
    log_end(&line);
    fflush(mem);
    assert_null(strstr(out, "s3cr3t"));
    assert_non_null(strstr(out, "failed with *** inside"));
    assert_non_null(strstr(out, "x***x and abc"));
}

static void test_log_text_line(void **state)
{
    struct log_line line;

    (void)state;
    log_begin(&line, LOG_LEVEL_INFO, "corrected row");
    log_str(&line, "type", "space-images");
    log_str(&line, "note", "two words");
    log_i64(&line, "old", 7);
    log_end(&line);
    fflush(mem);
    assert_non_null(strstr(out, " info  job-x: corrected row type=space-images "
                                "note=\"two words\" old=7\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_log_json_line, setup_json,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_log_levels_filter, setup_json,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_log_redacts_secrets, setup_json,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_log_text_line, setup_text,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
