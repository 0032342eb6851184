#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <strings.h>

enum dr_err parse_i64(const char *s, int64_t *out)
{
    char *end;
    long long v;

    if (!s || !*s)
        return DR_EPARSE;
    /* strtoll skips leading space; a number must start at the first byte. */
    if (!(*s == '-' || *s == '+' || (*s >= '0' && *s <= '9')))
        return DR_EPARSE;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno == ERANGE)
        return DR_ERANGE;
    if (end == s || *end)
        return DR_EPARSE;
    *out = (int64_t)v;
    return DR_OK;
}

enum dr_err parse_long_range(const char *s, long min, long max, long *out)
{
    int64_t v;
    enum dr_err rc = parse_i64(s, &v);

    if (rc)
        return rc;
    if (v < min || v > max)
        return DR_ERANGE;
    *out = (long)v;
    return DR_OK;
}

enum dr_err parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "t", "1", "yes", "on"};
    static const char *const no[] = {"false", "f", "0", "no", "off"};
    size_t i;

    if (!s)
        return DR_EPARSE;
    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (!strcasecmp(s, yes[i])) {
            *out = true;
            return DR_OK;
        }
        if (!strcasecmp(s, no[i])) {
            *out = false;
            return DR_OK;
        }
    }
    return DR_EPARSE;
}

enum dr_err i64_add(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;

    if (__builtin_add_overflow(a, b, &r))
        return DR_ERANGE;
    *out = r;
    return DR_OK;
}

enum dr_err i64_sub(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;

    if (__builtin_sub_overflow(a, b, &r))
        return DR_ERANGE;
    *out = r;
    return DR_OK;
}
