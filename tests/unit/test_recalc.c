/* Unit tests of the confirmation rule and the metric encoders. */
#include "../../pkg/util/util.h"

#include "../../pkg/metrics/metrics.h"
#include "../../pkg/recalc/recalc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_recalc_confirm_rule(void **state)
{
    static const struct {
        const char *name;
        int64_t stored[2], actual[2];
        bool still;
        int64_t delta;
    } cases[] = {
        {"steady drift down", {7, 7}, {3, 3}, true, -4},
        {"steady drift up", {1, 1}, {4, 4}, true, 3},
        {"no drift", {5, 5}, {5, 5}, true, 0},
        {"counter moved", {7, 8}, {3, 3}, false, 0},
        {"count moved", {7, 7}, {3, 4}, false, 0},
        {"both moved together", {7, 8}, {3, 4}, false, 0},
        {"beyond 2^31",
         {5000000000LL, 5000000000LL},
         {1, 1},
         true,
         1 - 5000000000LL},
        {"overflow", {INT64_MIN, INT64_MIN}, {INT64_MAX, INT64_MAX}, false, 0},
    };
    int64_t delta;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("case: %s\n", cases[i].name);
        delta = 0;
        assert_int_equal(
            recalc_confirm(cases[i].stored, cases[i].actual, &delta),
            cases[i].still);
        if (cases[i].still)
            assert_true(delta == cases[i].delta);
    }
}

static void test_metrics_emf_line(void **state)
{
    struct metric_set set;
    char *out = NULL;
    size_t outlen = 0;
    FILE *mem;

    (void)state;
    metrics_init(&set, "Protagonist Recalculator");
    assert_int_equal(metrics_add_dim(&set, "DATABASE_NAME", "dl\"cs"), DR_OK);
    assert_int_equal(
        metrics_add(&set, "SpaceTotalDelta", METRICS_UNIT_COUNT, 18), DR_OK);
    assert_int_equal(metrics_add(&set, "SpaceImageSizeDelta",
                                 METRICS_UNIT_BYTES, 18014398509481986LL),
                     DR_OK);
    assert_int_equal(metrics_validate(&set), DR_OK);
    mem = open_memstream(&out, &outlen);
    assert_int_equal(metrics_write_emf(&set, 1700000000123LL, mem), DR_OK);
    fclose(mem);
    assert_string_equal(
        out, "{\"_aws\":{\"Timestamp\":1700000000123,\"CloudWatchMetrics\":"
             "[{\"Namespace\":\"Protagonist Recalculator\",\"Dimensions\":"
             "[[\"DATABASE_NAME\"]],\"Metrics\":[{\"Name\":\"SpaceTotalDelta\","
             "\"Unit\":\"Count\"},{\"Name\":\"SpaceImageSizeDelta\",\"Unit\":"
             "\"Bytes\"}]}]},\"DATABASE_NAME\":\"dl\\\"cs\","
             "\"SpaceTotalDelta\":18,\"SpaceImageSizeDelta\":"
             "18014398509481986}\n");
    free(out);
}

static void test_metrics_validation(void **state)
{
    struct metric_set set;
    char long_value[1100];
    size_t i;

    (void)state;
    memset(long_value, 'v', sizeof(long_value) - 1);
    long_value[sizeof(long_value) - 1] = '\0';
    metrics_init(&set, "ns");
    assert_int_equal(metrics_add_dim(&set, "D", long_value), DR_OK);
    assert_int_equal(metrics_validate(&set), DR_EMETRICS);
    metrics_init(&set, "ns");
    assert_int_equal(metrics_add_dim(&set, "D", ""), DR_OK);
    assert_int_equal(metrics_validate(&set), DR_EMETRICS);
    metrics_init(&set, "ns");
    for (i = 0; i < METRICS_DIMS_MAX; i++)
        assert_int_equal(metrics_add_dim(&set, "D", "v"), DR_OK);
    assert_int_equal(metrics_add_dim(&set, "D", "v"), DR_ETOOBIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recalc_confirm_rule),
        cmocka_unit_test(test_metrics_emf_line),
        cmocka_unit_test(test_metrics_validation),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
