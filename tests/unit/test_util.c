/* Unit tests of pkg/util: the string builder, checked parsing, files. */
#include "../../pkg/util/util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static void test_util_buf_appends_and_terminates(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 64);
    assert_string_equal(buf_cstr(&b), "");
    assert_int_equal(buf_add(&b, "abc"), DR_OK);
    assert_int_equal(buf_addc(&b, '-'), DR_OK);
    assert_int_equal(buf_addf(&b, "%d/%s", 42, "x"), DR_OK);
    assert_string_equal(buf_cstr(&b), "abc-42/x");
    assert_int_equal(buf_len(&b), 8);
    buf_reset(&b);
    assert_string_equal(buf_cstr(&b), "");
    buf_release(&b);
    buf_release(&b); /* twice is allowed */
}

static void test_util_buf_cap_releases(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 5);
    assert_int_equal(buf_add(&b, "12345"), DR_OK);
    assert_int_equal(buf_add(&b, "6"), DR_ETOOBIG);
    /* A failed append released the buffer. */
    assert_int_equal(buf_len(&b), 0);
    assert_string_equal(buf_cstr(&b), "");
    assert_int_equal(buf_addf(&b, "%s", "123456"), DR_ETOOBIG);
}

static void test_util_buf_take(void **state)
{
    struct buf b;
    char *s;

    (void)state;
    buf_init(&b, 100);
    s = buf_take(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    assert_int_equal(buf_add(&b, "grown"), DR_OK);
    s = buf_take(&b);
    assert_string_equal(s, "grown");
    assert_int_equal(buf_len(&b), 0);
    free(s);
}

static void test_util_parse_i64(void **state)
{
    static const struct {
        const char *name, *in;
        enum dr_err rc;
        int64_t want;
    } cases[] = {
        {"zero", "0", DR_OK, 0},
        {"negative", "-17", DR_OK, -17},
        {"beyond 2^31", "5000000000", DR_OK, 5000000000LL},
        {"max", "9223372036854775807", DR_OK, INT64_MAX},
        {"overflow", "9223372036854775808", DR_ERANGE, 0},
        {"empty", "", DR_EPARSE, 0},
        {"space first", " 1", DR_EPARSE, 0},
        {"trailing", "12x", DR_EPARSE, 0},
        {"decimal", "1.0", DR_EPARSE, 0},
    };
    size_t i;
    int64_t v;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        v = -1;
        print_message("case: %s\n", cases[i].name);
        assert_int_equal(parse_i64(cases[i].in, &v), cases[i].rc);
        if (cases[i].rc == DR_OK)
            assert_true(v == cases[i].want);
        else
            assert_true(v == -1);
    }
}

static void test_util_parse_bool(void **state)
{
    static const char *const yes[] = {"true", "TRUE", "t", "1", "Yes", "on"};
    static const char *const no[] = {"false", "F", "0", "no", "OFF"};
    static const char *const bad[] = {"", "2", "maybe", "truee", " true"};
    size_t i;
    bool v;

    (void)state;
    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        assert_int_equal(parse_bool(yes[i], &v), DR_OK);
        assert_true(v);
    }
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        assert_int_equal(parse_bool(no[i], &v), DR_OK);
        assert_false(v);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(parse_bool(bad[i], &v), DR_EPARSE);
}

static void test_util_checked_arithmetic(void **state)
{
    int64_t r = 7;

    (void)state;
    assert_int_equal(i64_add(INT64_MAX, 1, &r), DR_ERANGE);
    assert_true(r == 7);
    assert_int_equal(i64_sub(INT64_MIN, 1, &r), DR_ERANGE);
    assert_int_equal(i64_sub(5, 9, &r), DR_OK);
    assert_true(r == -4);
}

static void test_util_file_read_small(void **state)
{
    char path[] = "/tmp/dr-unit-XXXXXX";
    char *s = NULL;
    int fd, err;

    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "secret\r\n", 8), 8);
    close(fd);
    assert_int_equal(file_read_small(path, 100, &s, &err), DR_OK);
    assert_string_equal(s, "secret");
    free(s);
    assert_int_equal(file_read_small(path, 4, &s, &err), DR_ETOOBIG);
    unlink(path);
    assert_int_equal(file_read_small(path, 100, &s, &err), DR_EIO);
    assert_int_not_equal(err, 0);
}

static void test_util_exit_status(void **state)
{
    (void)state;
    assert_int_equal(dr_exit_status(DR_OK), 0);
    assert_int_equal(dr_exit_status(DR_ENOMEM), 1);
    assert_int_equal(dr_exit_status(DR_ECONFIG), 2);
    assert_int_equal(dr_exit_status(DR_EDB), 3);
    assert_int_equal(dr_exit_status(DR_EGRANT), 3);
    assert_int_equal(dr_exit_status(DR_ESCHEMA), 3);
    assert_int_equal(dr_exit_status(DR_EMETRICS), 4);
    assert_int_equal(dr_exit_status(DR_EINTR), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_util_buf_appends_and_terminates),
        cmocka_unit_test(test_util_buf_cap_releases),
        cmocka_unit_test(test_util_buf_take),
        cmocka_unit_test(test_util_parse_i64),
        cmocka_unit_test(test_util_parse_bool),
        cmocka_unit_test(test_util_checked_arithmetic),
        cmocka_unit_test(test_util_file_read_small),
        cmocka_unit_test(test_util_exit_status),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
