/*
 * aws: what an AWS SDK does before a request: region and endpoints from
 * the SDK's variables, and credentials from the SDK's chain, in its order:
 *
 *   1. environment  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional
 *                   AWS_SESSION_TOKEN (each also as *_FILE);
 *   2. web identity AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (IRSA): STS
 *                   AssumeRoleWithWebIdentity, unsigned, the token file
 *                   re-read on every call because the kubelet rotates it;
 *   3. container    AWS_CONTAINER_CREDENTIALS_FULL_URI (EKS Pod Identity,
 *                   ECS) with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE);
 *   4. IMDSv2       token PUT, then the role's credentials, unless
 *                   AWS_EC2_METADATA_DISABLED=true.
 *
 * The first provider that is configured is used; when none yields
 * credentials the error names every provider and why it failed.  Every
 * secret obtained is registered with log_redact() before anything else.
 *
 * The parsers take untrusted input, are bounded by the length given, and
 * are fuzzed (tests/fuzz).
 */
#ifndef PKG_AWS_AWS_H
#define PKG_AWS_AWS_H

#include "../util/util.h"
#include "../http/http.h"

/* Everything borrowed; NULL means unset. */
struct aws_config {
    const char *region;
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;
    const char *web_identity_token_file;
    const char *role_arn;
    const char *role_session_name;
    const char *sts_regional_endpoints; /* "regional" (default), "legacy" */
    const char *container_full_uri;
    const char *container_token;
    bool imds_disabled;
    const char *imds_endpoint; /* default http://169.254.169.254 */
    const char *endpoint_url;
    const char *endpoint_url_cloudwatch;
    const char *endpoint_url_sts;
    long connect_timeout_ms;
    long timeout_ms;
};

struct aws_credentials {
    char *access_key_id; /* owned by the struct, as are the others */
    char *secret_access_key;
    char *session_token;  /* NULL when none */
    int64_t expires_at;   /* Unix seconds; 0: does not expire */
    const char *provider; /* static: "environment", "web-identity", ... */
};

/* Credentials expiring within this many seconds are refreshed first. */
#define AWS_REFRESH_WINDOW_S 300

/* Fills *out from the first provider configured.  DR_EAWS (logged, naming
 * each provider tried and why) when none succeeds. */
DR_WARN_UNUSED enum dr_err aws_credentials_get(const struct aws_config *cfg,
                                               struct http_client *http,
                                               struct aws_credentials *out);
/* Whether creds are still good at now (Unix seconds) for the refresh
 * window. */
bool aws_credentials_fresh(const struct aws_credentials *creds, int64_t now);
void aws_credentials_release(struct aws_credentials *creds);

/* The base URL ("https://host[:port]", no trailing slash needed) of service
 * "monitoring" or "sts", into out. */
DR_WARN_UNUSED enum dr_err aws_endpoint(const struct aws_config *cfg,
                                        const char *service, struct buf *out);

/* Whether url may serve container credentials: https, or http to a
 * loopback address or the ECS/EKS agent addresses. */
bool aws_container_url_allowed(const char *url);

/* ---- parsers (fuzzed) ------------------------------------------------ */

/* The text of the first <tag>...</tag> in xml[0..len), unescaped, new
 * string the caller frees; DR_EPARSE when absent. */
DR_WARN_UNUSED enum dr_err aws_xml_value(const char *xml, size_t len,
                                         const char *tag, char **out);
/* The <Code> and <Message> of an AWS XML error; each NULL when absent (or
 * out of memory).  The caller frees both. */
void aws_xml_error(const char *xml, size_t len, char **code_out,
                   char **message_out);
/* An STS AssumeRoleWithWebIdentity response's <Credentials>. */
DR_WARN_UNUSED enum dr_err
aws_parse_sts_credentials(const char *xml, size_t len,
                          struct aws_credentials *out);
/* A container or IMDS credentials document (JSON). */
DR_WARN_UNUSED enum dr_err
aws_parse_json_credentials(const char *json, size_t len,
                           struct aws_credentials *out);
/* RFC 3339 / ISO 8601 UTC ("2026-12-03T20:15:30Z", fractional seconds and
 * "+00:00" allowed) to Unix seconds. */
DR_WARN_UNUSED enum dr_err aws_parse_time(const char *s, int64_t *out);
/* Unix seconds to "2026-12-03T20:15:30Z" into out (at least 21 bytes). */
void aws_format_time(int64_t t, char *out, size_t outlen);

#endif /* PKG_AWS_AWS_H */
