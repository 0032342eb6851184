#include "../util/util.h"

#include "aws.h"

#include "../json/json.h"
#include "../log/log.h"

#include <stdlib.h>
#include <string.h>

#define TAG_MAX 64

/* The first occurrence of needle (n bytes) in hay[0..len), or NULL. */
static const char *find(const char *hay, size_t len, const char *needle,
                        size_t n)
{
    size_t i;

    if (n > len)
        return NULL;
    for (i = 0; i + n <= len; i++) {
        if (!memcmp(hay + i, needle, n))
            return hay + i;
    }
    return NULL;
}

/* XML text to plain text: the five predefined entities; others refused. */
static enum dr_err xml_unescape(const char *s, size_t n, char **out)
{
    static const struct {
        const char *entity;
        char c;
    } entities[] = {
        {"&amp;", '&'},  {"&lt;", '<'},    {"&gt;", '>'},
        {"&quot;", '"'}, {"&apos;", '\''},
    };
    char *r = malloc(n + 1), *w;
    size_t i, e, elen;

    if (!r)
        return DR_ENOMEM;
    w = r;
    for (i = 0; i < n;) {
        if (s[i] != '&') {
            *w++ = s[i++];
            continue;
        }
        for (e = 0; e < sizeof(entities) / sizeof(entities[0]); e++) {
            elen = strlen(entities[e].entity);
            if (n - i >= elen && !memcmp(s + i, entities[e].entity, elen))
                break;
        }
        if (e == sizeof(entities) / sizeof(entities[0])) {
            free(r);
            return DR_EPARSE;
        }
        *w++ = entities[e].c;
        i += elen;
    }
    *w = '\0';
    *out = r;
    return DR_OK;
}

enum dr_err aws_xml_value(const char *xml, size_t len, const char *tag,
                          char **out)
{
    char open[TAG_MAX + 3], close[TAG_MAX + 4];
    const char *start, *end;
    size_t on, cn;

    if (strlen(tag) > TAG_MAX)
        return DR_EPARSE;
    on = (size_t)snprintf(open, sizeof(open), "<%s>", tag);
    cn = (size_t)snprintf(close, sizeof(close), "</%s>", tag);
    start = find(xml, len, open, on);
    if (!start)
        return DR_EPARSE;
    start += on;
    end = find(start, len - (size_t)(start - xml), close, cn);
    if (!end)
        return DR_EPARSE;
    return xml_unescape(start, (size_t)(end - start), out);
}

void aws_xml_error(const char *xml, size_t len, char **code_out,
                   char **message_out)
{
    if (aws_xml_value(xml, len, "Code", code_out))
        *code_out = NULL;
    if (aws_xml_value(xml, len, "Message", message_out))
        *message_out = NULL;
}

void aws_credentials_release(struct aws_credentials *c)
{
    if (c->secret_access_key)
        secure_zero(c->secret_access_key, strlen(c->secret_access_key));
    if (c->session_token)
        secure_zero(c->session_token, strlen(c->session_token));
    free(c->access_key_id);
    free(c->secret_access_key);
    free(c->session_token);
    memset(c, 0, sizeof(*c));
}

/*
 * Completes parsed credentials: checks that the key and secret are there,
 * registers the secrets, reads the expiration, and moves c into *out.  On
 * failure c is released.  expiration is freed either way.
 */
static enum dr_err finish_credentials(struct aws_credentials *c,
                                      char *expiration,
                                      struct aws_credentials *out)
{
    enum dr_err rc = DR_OK;

    if (!c->access_key_id || !*c->access_key_id || !c->secret_access_key ||
        !*c->secret_access_key)
        rc = DR_EPARSE;
    if (!rc)
        rc = log_redact(c->secret_access_key);
    if (!rc && c->session_token)
        rc = log_redact(c->session_token);
    if (!rc && expiration)
        rc = aws_parse_time(expiration, &c->expires_at);
    free(expiration);
    if (rc)
        aws_credentials_release(c);
    else
        *out = *c;
    return rc;
}

enum dr_err aws_parse_sts_credentials(const char *xml, size_t len,
                                      struct aws_credentials *out)
{
    struct aws_credentials c = {0};
    const char *creds;
    char *expiration = NULL;
    enum dr_err rc;
    size_t rest;

    /* Fields by tag name, in any order, inside <Credentials>. */
    creds = find(xml, len, "<Credentials>", 13);
    if (!creds)
        return DR_EPARSE;
    rest = len - (size_t)(creds - xml);
    rc = aws_xml_value(creds, rest, "AccessKeyId", &c.access_key_id);
    if (!rc)
        rc =
            aws_xml_value(creds, rest, "SecretAccessKey", &c.secret_access_key);
    if (!rc)
        rc = aws_xml_value(creds, rest, "SessionToken", &c.session_token);
    if (!rc)
        rc = aws_xml_value(creds, rest, "Expiration", &expiration);
    if (rc) {
        free(expiration);
        aws_credentials_release(&c);
        return rc == DR_ENOMEM ? rc : DR_EPARSE;
    }
    return finish_credentials(&c, expiration, out);
}

enum dr_err aws_parse_json_credentials(const char *json, size_t len,
                                       struct aws_credentials *out)
{
    struct aws_credentials c = {0};
    struct json_doc doc;
    char *expiration = NULL;
    enum dr_err rc;

    rc = json_parse_object(json, len, &doc);
    if (rc)
        return rc;
    rc = json_get_string(&doc, "AccessKeyId", &c.access_key_id);
    if (!rc)
        rc = json_get_string(&doc, "SecretAccessKey", &c.secret_access_key);
    /* Optional: long-lived container credentials carry no token. */
    if (!rc && json_get_string(&doc, "Token", &c.session_token))
        c.session_token = NULL;
    if (!rc && json_get_string(&doc, "Expiration", &expiration))
        expiration = NULL;
    json_release(&doc);
    if (rc) {
        free(expiration);
        aws_credentials_release(&c);
        return rc == DR_ENOMEM ? rc : DR_EPARSE;
    }
    return finish_credentials(&c, expiration, out);
}

/* ---- time ----------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* n decimal digits at s into *out. */
static bool digits(const char *s, int n, int64_t *out)
{
    int64_t v = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

enum dr_err aws_parse_time(const char *s, int64_t *out)
{
    int64_t y, mo, d, h, mi, sec;
    const char *p;

    if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' ||
        !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
        s[16] != ':' || !digits(s + 17, 2, &sec))
        return DR_EPARSE;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return DR_ERANGE;
    p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return DR_EPARSE;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (!((p[0] == 'Z' || p[0] == 'z') && !p[1]) && strcmp(p, "+00:00") != 0)
        return DR_EPARSE;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    return DR_OK;
}

void aws_format_time(int64_t t, char *out, size_t outlen)
{
    struct tm tm;
    time_t tt = (time_t)t;

    gmtime_r(&tt, &tm);
    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
