#include "../util/util.h"

#include "metrics.h"

#include "../log/log.h"

#include <string.h>

#define METRIC_NAME_MAX 255
#define DIM_VALUE_MAX   1024
#define EMF_LINE_MAX    ((size_t)64 * 1024)

void metrics_init(struct metric_set *set, const char *namespace_)
{
    memset(set, 0, sizeof(*set));
    set->namespace_ = namespace_;
}

enum dr_err metrics_add_dim(struct metric_set *set, const char *name,
                            const char *value)
{
    if (set->ndims == METRICS_DIMS_MAX)
        return DR_ETOOBIG;
    set->dims[set->ndims].name = name;
    set->dims[set->ndims].value = value;
    set->ndims++;
    return DR_OK;
}

enum dr_err metrics_add(struct metric_set *set, const char *name,
                        enum metrics_unit unit, int64_t value)
{
    if (set->nvalues == METRICS_MAX)
        return DR_ETOOBIG;
    set->values[set->nvalues].name = name;
    set->values[set->nvalues].unit = unit;
    set->values[set->nvalues].value = value;
    set->nvalues++;
    return DR_OK;
}

const char *metrics_unit_name(enum metrics_unit unit)
{
    return unit == METRICS_UNIT_BYTES ? "Bytes" : "Count";
}

static bool ascii_len_between(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);

    if (n < min || n > max)
        return false;
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    }
    return true;
}

enum dr_err metrics_validate(const struct metric_set *set)
{
    size_t i;

    if (!ascii_len_between(set->namespace_, 1, METRIC_NAME_MAX)) {
        log_msg(LOG_LEVEL_ERROR, "metric namespace must be 1-255 ASCII");
        return DR_EMETRICS;
    }
    for (i = 0; i < set->ndims; i++) {
        if (!ascii_len_between(set->dims[i].name, 1, METRIC_NAME_MAX) ||
            !ascii_len_between(set->dims[i].value, 1, DIM_VALUE_MAX)) {
            log_msg(LOG_LEVEL_ERROR,
                    "metric dimension '%s' must have a 1-255 character name "
                    "and a 1-1024 character value",
                    set->dims[i].name);
            return DR_EMETRICS;
        }
    }
    for (i = 0; i < set->nvalues; i++) {
        if (!ascii_len_between(set->values[i].name, 1, METRIC_NAME_MAX)) {
            log_msg(LOG_LEVEL_ERROR, "metric name must be 1-255 ASCII");
            return DR_EMETRICS;
        }
    }
    return DR_OK;
}

/* Names and values are validated printable ASCII; only " and \ need
 * escaping. */
static enum dr_err add_json_string(struct buf *b, const char *s)
{
    enum dr_err rc = buf_addc(b, '"');

    for (; *s && !rc; s++) {
        if (*s == '"' || *s == '\\')
            rc = buf_addc(b, '\\');
        if (!rc)
            rc = buf_addc(b, *s);
    }
    return rc ? rc : buf_addc(b, '"');
}

static enum dr_err emf_metadata(const struct metric_set *set, int64_t now_ms,
                                struct buf *b)
{
    enum dr_err rc;
    size_t i;

    rc = buf_addf(b,
                  "{\"_aws\":{\"Timestamp\":%lld,\"CloudWatchMetrics\":"
                  "[{\"Namespace\":",
                  (long long)now_ms);
    if (!rc)
        rc = add_json_string(b, set->namespace_);
    if (!rc)
        rc = buf_add(b, ",\"Dimensions\":[[");
    for (i = 0; i < set->ndims && !rc; i++) {
        if (i)
            rc = buf_addc(b, ',');
        if (!rc)
            rc = add_json_string(b, set->dims[i].name);
    }
    if (!rc)
        rc = buf_add(b, "]],\"Metrics\":[");
    for (i = 0; i < set->nvalues && !rc; i++) {
        rc = buf_add(b, i ? ",{\"Name\":" : "{\"Name\":");
        if (!rc)
            rc = add_json_string(b, set->values[i].name);
        if (!rc)
            rc = buf_addf(b, ",\"Unit\":\"%s\"}",
                          metrics_unit_name(set->values[i].unit));
    }
    return rc ? rc : buf_add(b, "]}]}");
}

enum dr_err metrics_write_emf(const struct metric_set *set, int64_t now_ms,
                              FILE *out)
{
    struct buf b;
    enum dr_err rc;
    size_t i;

    buf_init(&b, EMF_LINE_MAX);
    rc = emf_metadata(set, now_ms, &b);
    for (i = 0; i < set->ndims && !rc; i++) {
        rc = buf_addc(&b, ',');
        if (!rc)
            rc = add_json_string(&b, set->dims[i].name);
        if (!rc)
            rc = buf_addc(&b, ':');
        if (!rc)
            rc = add_json_string(&b, set->dims[i].value);
    }
    for (i = 0; i < set->nvalues && !rc; i++) {
        rc = buf_addc(&b, ',');
        if (!rc)
            rc = add_json_string(&b, set->values[i].name);
        if (!rc)
            rc = buf_addf(&b, ":%lld", (long long)set->values[i].value);
    }
    if (!rc)
        rc = buf_add(&b, "}\n");
    if (!rc && (fputs(buf_cstr(&b), out) == EOF || fflush(out)))
        rc = DR_EMETRICS;
    buf_release(&b);
    if (rc)
        log_msg(LOG_LEVEL_ERROR, "cannot write the EMF metrics line: %s",
                dr_strerror(rc));
    return rc ? DR_EMETRICS : DR_OK;
}
