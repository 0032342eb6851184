/*
 * metrics: the figures a run publishes, validated once, and their encoders.
 *
 * A metric set is a namespace, up to METRICS_DIMS_MAX dimensions and up to
 * METRICS_MAX values.  Every value is published under the same dimensions,
 * as the first deployment did.  Two sinks: CloudWatch PutMetricData
 * (cloudwatch.c: query protocol, SigV4 through libcurl, the SDKs' retry
 * mode, a deadline) and an Embedded Metric Format line on stdout (emf).
 */
#ifndef PKG_METRICS_METRICS_H
#define PKG_METRICS_METRICS_H

#include "../util/util.h"
#include "../aws/aws.h"

#define METRICS_MAX      2048
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

/*
 * Encodes one PutMetricData request body (query protocol) into out, from
 * metric first on, as many as fit (1000 metrics, under 1 MB); *next_out is
 * the first metric left for the next request.  timestamp is ISO 8601.
 */
DR_WARN_UNUSED enum dr_err
metrics_encode_put(const struct metric_set *set, size_t first,
                   const char *timestamp, struct buf *out, size_t *next_out);

/*
 * Publishes the set with PutMetricData, in as many requests as it takes,
 * within deadline_ms.  ca_file is the CA bundle (NULL: libcurl's default).
 * DR_EMETRICS (logged) when any request finally fails.
 */
DR_WARN_UNUSED enum dr_err metrics_put_cloudwatch(const struct metric_set *set,
                                                  const struct aws_config *aws,
                                                  const char *ca_file,
                                                  long deadline_ms);

#endif /* PKG_METRICS_METRICS_H */
