#include "../util/util.h"

#include "metrics.h"

#include "../log/log.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * PutMetricData over the query protocol, signed by libcurl (SigV4), with
 * the SDKs' standard retry mode: at most 3 attempts, full-jitter backoff,
 * on throttling, 5xx and connection errors; one credential refresh on an
 * expired token; and an overall deadline so a dead endpoint cannot hold a
 * CronJob.
 */

#define CW_MAX_METRICS 1000
#define CW_MAX_BODY    ((size_t)1000 * 1000) /* under 1 MB */
#define CW_ATTEMPTS    3
#define CW_BACKOFF_MS  200
#define CW_BACKOFF_CAP 20000
#define CW_CONNECT_MS  3000
#define CW_REQUEST_MS  10000

static const char *const throttling_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "LimitExceededException",
    "TransactionInProgressException",
};

static const char *const expired_codes[] = {
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
};

static bool in_list(const char *code, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; code && i < n; i++) {
        if (!strcmp(code, list[i]))
            return true;
    }
    return false;
}

/* ---- encoding ------------------------------------------------------- */

static enum dr_err add_param(struct buf *b, const char *name, int member,
                             const char *field, const char *value)
{
    enum dr_err rc;

    if (member)
        rc = buf_addf(b, "&%s.member.%d.%s=", name, member, field);
    else
        rc = buf_addf(b, "&%s=", name);
    return rc ? rc : http_add_encoded(b, value);
}

static enum dr_err encode_metric(const struct metric_set *set, size_t i,
                                 int member, const char *timestamp,
                                 struct buf *b)
{
    const struct metric *m = &set->values[i];
    char field[64], value[32];
    enum dr_err rc;
    size_t d;

    snprintf(value, sizeof(value), "%lld", (long long)m->value);
    rc = add_param(b, "MetricData", member, "MetricName", m->name);
    if (!rc)
        rc = add_param(b, "MetricData", member, "Value", value);
    if (!rc)
        rc = add_param(b, "MetricData", member, "Unit",
                       metrics_unit_name(m->unit));
    if (!rc)
        rc = add_param(b, "MetricData", member, "Timestamp", timestamp);
    for (d = 0; d < set->ndims && !rc; d++) {
        snprintf(field, sizeof(field), "Dimensions.member.%zu.Name", d + 1);
        rc = add_param(b, "MetricData", member, field, set->dims[d].name);
        snprintf(field, sizeof(field), "Dimensions.member.%zu.Value", d + 1);
        if (!rc)
            rc = add_param(b, "MetricData", member, field, set->dims[d].value);
    }
    return rc;
}

enum dr_err metrics_encode_put(const struct metric_set *set, size_t first,
                               const char *timestamp, struct buf *out,
                               size_t *next_out)
{
    struct buf one;
    enum dr_err rc;
    size_t i;

    buf_reset(out);
    rc = buf_add(out, "Action=PutMetricData&Version=2010-08-01");
    if (!rc)
        rc = add_param(out, "Namespace", 0, NULL, set->namespace_);
    buf_init(&one, CW_MAX_BODY);
    for (i = first; i < set->nvalues && !rc; i++) {
        if (i - first == CW_MAX_METRICS)
            break;
        buf_reset(&one);
        rc = encode_metric(set, i, (int)(i - first + 1), timestamp, &one);
        if (rc)
            break;
        if (buf_len(out) + buf_len(&one) >= CW_MAX_BODY) {
            if (i == first)
                rc = DR_ETOOBIG;
            break;
        }
        rc = buf_addn(out, buf_cstr(&one), buf_len(&one));
    }
    buf_release(&one);
    if (!rc)
        *next_out = i;
    return rc;
}

/* ---- sending -------------------------------------------------------- */

struct sender {
    const struct aws_config *aws;
    struct http_client http;
    struct aws_credentials creds;
    struct buf url;
    char sigv4[128];
    int64_t deadline_ms; /* monotonic */
};

enum verdict {
    SENT,
    RETRY,
    REFRESH, /* credentials expired: refresh once, then retry */
    GIVE_UP,
};

static enum verdict judge(struct sender *s, enum dr_err rc, long status,
                          const struct buf *body)
{
    char *code = NULL, *message = NULL;
    enum verdict v;

    if (rc == DR_EHTTP) {
        log_msg(LOG_LEVEL_WARN, "CloudWatch request failed: %s",
                http_last_error(&s->http));
        return http_retryable(&s->http) ? RETRY : GIVE_UP;
    }
    if (status == 200)
        return SENT;
    aws_xml_error(buf_cstr(body), buf_len(body), &code, &message);
    if (in_list(code, expired_codes,
                sizeof(expired_codes) / sizeof(expired_codes[0])))
        v = REFRESH;
    else if (status >= 500 || status == 429 ||
             in_list(code, throttling_codes,
                     sizeof(throttling_codes) / sizeof(throttling_codes[0])))
        v = RETRY;
    else
        v = GIVE_UP;
    log_msg(v == GIVE_UP ? LOG_LEVEL_ERROR : LOG_LEVEL_WARN,
            "CloudWatch PutMetricData: HTTP %ld %s: %s", status,
            code ? code : "(no code)", message ? message : buf_cstr(body));
    free(code);
    free(message);
    return v;
}

static enum dr_err post(struct sender *s, const struct buf *body,
                        long *status_out, struct buf *resp)
{
    struct http_request req = {0};
    struct buf token;
    int64_t left = s->deadline_ms - clock_mono_ms();
    enum dr_err rc = DR_OK;

    if (left <= 0)
        return DR_EHTTP;
    buf_init(&token, (size_t)16 * 1024);
    req.method = "POST";
    req.url = buf_cstr(&s->url);
    req.body = buf_cstr(body);
    req.body_len = buf_len(body);
    req.headers[0] = "Content-Type: application/x-www-form-urlencoded; "
                     "charset=utf-8";
    if (s->creds.session_token) {
        /* A header libcurl is given is a header libcurl signs. */
        rc = buf_addf(&token, "X-Amz-Security-Token: %s",
                      s->creds.session_token);
        req.headers[1] = buf_cstr(&token);
    }
    req.sigv4 = s->sigv4;
    req.user = s->creds.access_key_id;
    req.password = s->creds.secret_access_key;
    req.connect_timeout_ms = left < CW_CONNECT_MS ? (long)left : CW_CONNECT_MS;
    req.timeout_ms = left < CW_REQUEST_MS ? (long)left : CW_REQUEST_MS;
    if (!rc)
        rc = http_do(&s->http, &req, status_out, resp);
    secure_zero(token.mem, token.cap);
    buf_release(&token);
    return rc;
}

static enum dr_err ensure_credentials(struct sender *s)
{
    if (aws_credentials_fresh(&s->creds, (int64_t)time(NULL)))
        return DR_OK;
    aws_credentials_release(&s->creds);
    return aws_credentials_get(s->aws, &s->http, &s->creds);
}

/* Full jitter: a random wait up to the exponential cap, within the
 * deadline. */
static void backoff(const struct sender *s, int attempt)
{
    int64_t cap = (int64_t)CW_BACKOFF_MS << attempt;
    int64_t wait, left = s->deadline_ms - clock_mono_ms();

    if (cap > CW_BACKOFF_CAP)
        cap = CW_BACKOFF_CAP;
    wait = (int64_t)(random() % (cap + 1));
    clock_sleep_ms(wait < left ? wait : left, stop_flag());
}

static enum dr_err send_batch(struct sender *s, const struct buf *body)
{
    struct buf resp;
    bool refreshed = false;
    enum verdict v = GIVE_UP;
    enum dr_err rc = DR_OK;
    long status = 0;
    int attempt = 0;

    buf_init(&resp, HTTP_BODY_MAX);
    while (attempt < CW_ATTEMPTS) {
        rc = ensure_credentials(s);
        if (rc)
            break;
        rc = post(s, body, &status, &resp);
        v = judge(s, rc, status, &resp);
        if (v == SENT || v == GIVE_UP)
            break;
        if (v == REFRESH) {
            if (refreshed)
                break;
            refreshed = true;
            aws_credentials_release(&s->creds);
            continue;
        }
        if (++attempt < CW_ATTEMPTS)
            backoff(s, attempt);
        if (clock_mono_ms() >= s->deadline_ms) {
            log_msg(LOG_LEVEL_ERROR, "CloudWatch: deadline reached");
            break;
        }
    }
    buf_release(&resp);
    if (!rc && v != SENT)
        rc = DR_EMETRICS;
    return rc;
}

enum dr_err metrics_put_cloudwatch(const struct metric_set *set,
                                   const struct aws_config *aws,
                                   const char *ca_file, long deadline_ms)
{
    struct sender s;
    struct buf body;
    char timestamp[32];
    size_t first = 0, next = 0;
    enum dr_err rc;

    memset(&s, 0, sizeof(s));
    s.aws = aws;
    s.deadline_ms = clock_mono_ms() + deadline_ms;
    snprintf(s.sigv4, sizeof(s.sigv4), "aws:amz:%s:monitoring", aws->region);
    aws_format_time((int64_t)time(NULL), timestamp, sizeof(timestamp));
    buf_init(&s.url, 2048);
    buf_init(&body, CW_MAX_BODY);
    rc = http_init(&s.http, ca_file);
    if (!rc)
        rc = aws_endpoint(aws, "monitoring", &s.url);
    if (!rc)
        rc = buf_add(&s.url, "/");
    while (!rc && first < set->nvalues) {
        rc = metrics_encode_put(set, first, timestamp, &body, &next);
        if (!rc)
            rc = send_batch(&s, &body);
        first = next;
    }
    if (!rc)
        log_msg(LOG_LEVEL_INFO,
                "published %zu metrics to CloudWatch (%s, credentials from "
                "%s)",
                set->nvalues, buf_cstr(&s.url), s.creds.provider);
    aws_credentials_release(&s.creds);
    http_release(&s.http);
    buf_release(&s.url);
    buf_release(&body);
    return rc ? DR_EMETRICS : DR_OK;
}
