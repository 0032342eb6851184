/* Unit tests of pkg/aws and the PutMetricData encoding: the parsers of
 * what AWS endpoints return, endpoints, the container host check. */
#include "../../pkg/util/util.h"

#include "../../pkg/aws/aws.h"
#include "../../pkg/metrics/metrics.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_aws_parse_time(void **state)
{
    static const struct {
        const char *in;
        enum dr_err rc;
        int64_t want;
    } cases[] = {
        {"1970-01-01T00:00:00Z", DR_OK, 0},
        {"2026-12-03T20:15:30Z", DR_OK, 1796328930},
        {"2026-12-03T20:15:30.123456Z", DR_OK, 1796328930},
        {"2026-12-03T20:15:30+00:00", DR_OK, 1796328930},
        {"2000-02-29T12:00:00Z", DR_OK, 951825600},
        {"2026-12-03T20:15:30", DR_EPARSE, 0},
        {"2026-12-03T20:15:30+01:00", DR_EPARSE, 0},
        {"2026-13-03T20:15:30Z", DR_ERANGE, 0},
        {"2026-12-03T20:15:30.Z", DR_EPARSE, 0},
        {"garbage", DR_EPARSE, 0},
    };
    int64_t t;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("case: %s\n", cases[i].in);
        assert_int_equal(aws_parse_time(cases[i].in, &t), cases[i].rc);
        if (!cases[i].rc)
            assert_true(t == cases[i].want);
    }
}

static void test_aws_sts_credentials_any_order(void **state)
{
    static const char xml[] =
        "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
        "<Credentials><Expiration>2026-12-03T21:00:00Z</Expiration>"
        "<SessionToken>tok&amp;en</SessionToken>"
        "<AccessKeyId>ASIAX</AccessKeyId>"
        "<SecretAccessKey>sec/ret+key</SecretAccessKey></Credentials>"
        "</AssumeRoleWithWebIdentityResult></"
        "AssumeRoleWithWebIdentityResponse>";
    struct aws_credentials c;

    (void)state;
    assert_int_equal(aws_parse_sts_credentials(xml, strlen(xml), &c), DR_OK);
    assert_string_equal(c.access_key_id, "ASIAX");
    assert_string_equal(c.secret_access_key, "sec/ret+key");
    assert_string_equal(c.session_token, "tok&en");
    assert_true(c.expires_at == 1796331600);
    assert_true(aws_credentials_fresh(&c, 1796331600 - 301));
    assert_false(aws_credentials_fresh(&c, 1796331600 - 299));
    aws_credentials_release(&c);
}

static void test_aws_sts_bad_documents(void **state)
{
    static const char *const docs[] = {
        "",
        "<Credentials>",
        "<Credentials><AccessKeyId>A</AccessKeyId></Credentials>",
        ("<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S"
         "</SecretAccessKey><SessionToken>T</SessionToken><Expiration>never"
         "</Expiration></Credentials>"),
        "<Credentials><AccessKeyId>&bogus;</AccessKeyId></Credentials>",
    };
    struct aws_credentials c;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
        assert_int_not_equal(
            aws_parse_sts_credentials(docs[i], strlen(docs[i]), &c), DR_OK);
}

static void test_aws_xml_error(void **state)
{
    static const char xml[] =
        "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken"
        "</Code><Message>No OpenIDConnect provider &lt;x&gt;</Message>"
        "</Error></ErrorResponse>";
    char *code, *message;

    (void)state;
    aws_xml_error(xml, strlen(xml), &code, &message);
    assert_string_equal(code, "InvalidIdentityToken");
    assert_string_equal(message, "No OpenIDConnect provider <x>");
    free(code);
    free(message);
    aws_xml_error("<x/>", 4, &code, &message);
    assert_null(code);
    assert_null(message);
}

static void test_aws_json_credentials(void **state)
{
    static const char doc[] =
        "{\"Code\": \"Success\", \"Type\": \"AWS-HMAC\", \"AccessKeyId\": "
        "\"ASIAC\", \"SecretAccessKey\": \"s\\/e\\\"c\", \"Token\": \"t\", "
        "\"Expiration\": \"2026-12-03T21:00:00.000Z\", \"Nested\": "
        "{\"AccessKeyId\": \"wrong\"}}";
    static const char *const bad[] = {
        "",
        "[]",
        "{\"AccessKeyId\": \"A\"}",
        "{\"AccessKeyId\": 5, "
        "\"SecretAccessKey\": \"S\"}",
        "{\"AccessKeyId\": \"A\", "
        "\"SecretAccessKey\": \"S\", \"Expiration\": \"soon\"}",
        "{\"AccessKeyId\": \"A\\u0041\", \"SecretAccessKey\": \"S\"}",
    };
    struct aws_credentials c;
    size_t i;

    (void)state;
    assert_int_equal(aws_parse_json_credentials(doc, strlen(doc), &c), DR_OK);
    assert_string_equal(c.access_key_id, "ASIAC");
    assert_string_equal(c.secret_access_key, "s/e\"c");
    assert_string_equal(c.session_token, "t");
    assert_true(c.expires_at == 1796331600);
    aws_credentials_release(&c);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        print_message("bad: %s\n", bad[i]);
        assert_int_not_equal(
            aws_parse_json_credentials(bad[i], strlen(bad[i]), &c), DR_OK);
    }
}

static void test_aws_endpoints(void **state)
{
    struct aws_config cfg = {0};
    struct buf b;

    (void)state;
    buf_init(&b, 256);
    cfg.region = "eu-west-1";
    assert_int_equal(aws_endpoint(&cfg, "monitoring", &b), DR_OK);
    assert_string_equal(buf_cstr(&b),
                        "https://monitoring.eu-west-1.amazonaws.com");
    buf_reset(&b);
    assert_int_equal(aws_endpoint(&cfg, "sts", &b), DR_OK);
    assert_string_equal(buf_cstr(&b), "https://sts.eu-west-1.amazonaws.com");
    buf_reset(&b);
    cfg.sts_regional_endpoints = "legacy";
    assert_int_equal(aws_endpoint(&cfg, "sts", &b), DR_OK);
    assert_string_equal(buf_cstr(&b), "https://sts.amazonaws.com");
    buf_reset(&b);
    cfg.region = "cn-north-1";
    assert_int_equal(aws_endpoint(&cfg, "sts", &b), DR_OK);
    assert_string_equal(buf_cstr(&b),
                        "https://sts.cn-north-1.amazonaws.com.cn");
    buf_reset(&b);
    cfg.endpoint_url = "https://vpce.example/";
    cfg.endpoint_url_sts = "https://sts.vpce.example";
    assert_int_equal(aws_endpoint(&cfg, "monitoring", &b), DR_OK);
    assert_string_equal(buf_cstr(&b), "https://vpce.example");
    buf_reset(&b);
    assert_int_equal(aws_endpoint(&cfg, "sts", &b), DR_OK);
    assert_string_equal(buf_cstr(&b), "https://sts.vpce.example");
    buf_release(&b);
}

static void test_aws_container_hosts(void **state)
{
    static const struct {
        const char *url;
        bool ok;
    } cases[] = {
        {"https://anything.example/creds", true},
        {"http://127.0.0.1:8080/creds", true},
        {"http://127.200.1.9/creds", true},
        {"http://localhost/creds", true},
        {"http://[::1]:80/creds", true},
        {"http://169.254.170.2/v2/credentials", true},
        {"http://169.254.170.23/v1/credentials", true},
        {"http://[fd00:ec2::23]/v1/credentials", true},
        {"http://169.254.169.254/latest", false},
        {"http://127.example.com/creds", false},
        {"http://10.0.0.1/creds", false},
        {"ftp://127.0.0.1/creds", false},
        {"not a url", false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("case: %s\n", cases[i].url);
        assert_int_equal(aws_container_url_allowed(cases[i].url), cases[i].ok);
    }
}

static void test_metrics_encode_put(void **state)
{
    static struct metric_set set;
    char name[32];
    struct buf b;
    size_t next, i;

    (void)state;
    metrics_init(&set, "Protagonist Recalculator");
    assert_int_equal(metrics_add_dim(&set, "APP_VERSION", "1.0 beta"), DR_OK);
    assert_int_equal(
        metrics_add(&set, "SpaceTotalDelta", METRICS_UNIT_COUNT, 18), DR_OK);
    buf_init(&b, (size_t)2 * 1024 * 1024);
    assert_int_equal(
        metrics_encode_put(&set, 0, "2026-12-03T20:00:00Z", &b, &next), DR_OK);
    assert_string_equal(
        buf_cstr(&b),
        "Action=PutMetricData&Version=2010-08-01"
        "&Namespace=Protagonist%20Recalculator"
        "&MetricData.member.1.MetricName=SpaceTotalDelta"
        "&MetricData.member.1.Value=18&MetricData.member.1.Unit=Count"
        "&MetricData.member.1.Timestamp=2026-12-03T20%3A00%3A00Z"
        "&MetricData.member.1.Dimensions.member.1.Name=APP_VERSION"
        "&MetricData.member.1.Dimensions.member.1.Value=1.0%20beta");
    assert_int_equal(next, 1);

    /* More than 1000 metrics go out in two requests. */
    metrics_init(&set, "ns");
    for (i = 0; i < 1500; i++) {
        snprintf(name, sizeof(name), "m%zu", i);
        assert_int_equal(
            metrics_add(&set, strdup(name), METRICS_UNIT_COUNT, (int64_t)i),
            DR_OK);
    }
    assert_int_equal(metrics_encode_put(&set, 0, "t", &b, &next), DR_OK);
    assert_int_equal(next, 1000);
    assert_non_null(strstr(buf_cstr(&b), "MetricData.member.1000.Value=999"));
    assert_null(strstr(buf_cstr(&b), "member.1001."));
    assert_int_equal(metrics_encode_put(&set, next, "t", &b, &next), DR_OK);
    assert_int_equal(next, 1500);
    assert_non_null(
        strstr(buf_cstr(&b), "MetricData.member.1.MetricName=m1000"));
    for (i = 0; i < 1500; i++)
        free((char *)set.values[i].name);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aws_parse_time),
        cmocka_unit_test(test_aws_sts_credentials_any_order),
        cmocka_unit_test(test_aws_sts_bad_documents),
        cmocka_unit_test(test_aws_xml_error),
        cmocka_unit_test(test_aws_json_credentials),
        cmocka_unit_test(test_aws_endpoints),
        cmocka_unit_test(test_aws_container_hosts),
        cmocka_unit_test(test_metrics_encode_put),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
