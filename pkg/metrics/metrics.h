/*
 * metrics: the figures a run publishes, validated once, and their encoders.
 *
 * A metric set is a namespace, up to METRICS_DIMS_MAX dimensions and up to
 * METRICS_MAX values.  Every value is published under the same dimensions,
 * as the first deployment did.  Today the set is written as a CloudWatch
 * Embedded Metric Format (EMF) line; the CloudWatch PutMetricData sink
 * (SigV4 through libcurl) is tracked separately and refused at start-up
 * until it lands.
 */
#ifndef PKG_METRICS_METRICS_H
#define PKG_METRICS_METRICS_H

#include "../util/util.h"

#define METRICS_MAX      16
#define METRICS_DIMS_MAX 30

enum metrics_unit {
    METRICS_UNIT_COUNT,
    METRICS_UNIT_BYTES,
};

struct metric {
    const char *name; /* borrowed */
    enum metrics_unit unit;
    int64_t value;
};

struct metric_dim {
    const char *name;  /* borrowed */
    const char *value; /* borrowed */
};

/* All strings are borrowed and must outlive the set. */
struct metric_set {
    const char *namespace_;
    struct metric_dim dims[METRICS_DIMS_MAX];
    size_t ndims;
    struct metric values[METRICS_MAX];
    size_t nvalues;
};

void metrics_init(struct metric_set *set, const char *namespace_);
/* DR_ETOOBIG past the limits above. */
DR_WARN_UNUSED enum dr_err metrics_add_dim(struct metric_set *set,
                                           const char *name, const char *value);
DR_WARN_UNUSED enum dr_err metrics_add(struct metric_set *set, const char *name,
                                       enum metrics_unit unit, int64_t value);

/* Checks CloudWatch's limits: names 1-255 ASCII, dimension values 1-1024
 * characters, at most 30 dimensions.  Logs the first problem. */
DR_WARN_UNUSED enum dr_err metrics_validate(const struct metric_set *set);

const char *metrics_unit_name(enum metrics_unit unit);

/* Writes the set as one EMF JSON line to out, stamped with now_ms (Unix
 * milliseconds). */
DR_WARN_UNUSED enum dr_err metrics_write_emf(const struct metric_set *set,
                                             int64_t now_ms, FILE *out);

#endif /* PKG_METRICS_METRICS_H */
