#include "../util/util.h"

#include "aws.h"

#include "../log/log.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WHY_MAX          256
#define STS_ATTEMPTS     3
#define IMDS_TIMEOUT_MS  1000
#define IMDS_TOKEN_TTL_S "21600"
#define ROLE_NAME_MAX    128
#define TOKEN_FILE_MAX   ((size_t)16 * 1024)

/* Why one provider did not give credentials, for the final error line. */
struct attempt {
    const char *provider;
    char why[WHY_MAX];
};

static void say(struct attempt *a, const char *provider, const char *why)
{
    a->provider = provider;
    snprintf(a->why, sizeof(a->why), "%s", why);
}

/* ---- 1. environment ------------------------------------------------- */

static enum dr_err from_environment(const struct aws_config *cfg,
                                    struct aws_credentials *out)
{
    struct aws_credentials c = {0};

    c.provider = "environment";
    c.access_key_id = strdup(cfg->access_key_id);
    c.secret_access_key = strdup(cfg->secret_access_key);
    if (cfg->session_token)
        c.session_token = strdup(cfg->session_token);
    if (!c.access_key_id || !c.secret_access_key ||
        (cfg->session_token && !c.session_token)) {
        aws_credentials_release(&c);
        return DR_ENOMEM;
    }
    *out = c;
    return DR_OK;
}

/* ---- 2. web identity (IRSA) ----------------------------------------- */

static enum dr_err sts_body(const struct aws_config *cfg, const char *token,
                            struct buf *body)
{
    char session[64];
    enum dr_err rc;

    /* A valid default: [\w+=,.@-]{2,64}. */
    snprintf(session, sizeof(session), "dlcs-recalculator-%lld",
             (long long)time(NULL));
    rc = buf_add(body, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
                       "&RoleArn=");
    if (!rc)
        rc = http_add_encoded(body, cfg->role_arn);
    if (!rc)
        rc = buf_add(body, "&RoleSessionName=");
    if (!rc)
        rc = http_add_encoded(
            body, cfg->role_session_name ? cfg->role_session_name : session);
    if (!rc)
        rc = buf_add(body, "&WebIdentityToken=");
    if (!rc)
        rc = http_add_encoded(body, token);
    return rc;
}

/* One AssumeRoleWithWebIdentity call; *again_out when STS says to retry. */
static enum dr_err sts_call(const struct aws_config *cfg,
                            struct http_client *http, const char *token,
                            struct aws_credentials *out, bool *again_out,
                            struct attempt *a)
{
    struct http_request req = {0};
    struct buf url, body, resp;
    char *code = NULL, *message = NULL;
    long status = 0;
    enum dr_err rc;

    *again_out = false;
    buf_init(&url, 2048);
    buf_init(&body, (size_t)64 * 1024);
    buf_init(&resp, HTTP_BODY_MAX);
    rc = aws_endpoint(cfg, "sts", &url);
    if (!rc)
        rc = buf_add(&url, "/");
    if (!rc)
        rc = sts_body(cfg, token, &body);
    req.method = "POST";
    req.url = buf_cstr(&url);
    req.body = buf_cstr(&body);
    req.body_len = buf_len(&body);
    req.headers[0] = "Content-Type: application/x-www-form-urlencoded; "
                     "charset=utf-8";
    req.connect_timeout_ms = cfg->connect_timeout_ms;
    req.timeout_ms = cfg->timeout_ms;
    if (!rc)
        rc = http_do(http, &req, &status, &resp);
    if (rc == DR_EHTTP) {
        say(a, "web-identity", http_last_error(http));
        *again_out = http_retryable(http);
        rc = DR_EAWS;
    } else if (!rc && status == 200) {
        rc = aws_parse_sts_credentials(buf_cstr(&resp), buf_len(&resp), out);
        if (rc == DR_EPARSE) {
            say(a, "web-identity", "STS answered 200 without credentials");
            rc = DR_EAWS;
        }
    } else if (!rc) {
        aws_xml_error(buf_cstr(&resp), buf_len(&resp), &code, &message);
        snprintf(a->why, sizeof(a->why), "STS HTTP %ld %s: %s", status,
                 code ? code : "(no code)", message ? message : "");
        a->provider = "web-identity";
        *again_out =
            status >= 500 || (code && (!strcmp(code, "IDPCommunicationError") ||
                                       !strcmp(code, "InvalidIdentityToken")));
        rc = DR_EAWS;
    }
    free(code);
    free(message);
    buf_release(&url);
    buf_release(&body);
    buf_release(&resp);
    return rc;
}

static enum dr_err from_web_identity(const struct aws_config *cfg,
                                     struct http_client *http,
                                     struct aws_credentials *out,
                                     struct attempt *a)
{
    enum dr_err rc = DR_EAWS;
    char *token = NULL;
    bool again = true;
    int tries, err;

    for (tries = 0; tries < STS_ATTEMPTS && again; tries++) {
        if (tries)
            clock_sleep_ms(200LL << tries, stop_flag());
        /* Re-read every time: the kubelet rotates the token. */
        rc = file_read_small(cfg->web_identity_token_file, TOKEN_FILE_MAX,
                             &token, &err);
        if (rc) {
            snprintf(a->why, sizeof(a->why), "cannot read token file '%s'",
                     cfg->web_identity_token_file);
            a->provider = "web-identity";
            return rc == DR_ENOMEM ? rc : DR_EAWS;
        }
        rc = log_redact(token);
        if (!rc)
            rc = sts_call(cfg, http, token, out, &again, a);
        secure_zero(token, strlen(token));
        free(token);
        token = NULL;
        if (rc != DR_EAWS)
            break;
    }
    if (!rc)
        out->provider = "web-identity";
    return rc;
}

/* ---- 3. container (EKS Pod Identity, ECS) --------------------------- */

static enum dr_err fetch_json_credentials(struct http_client *http,
                                          const struct http_request *req,
                                          const char *provider,
                                          struct aws_credentials *out,
                                          struct attempt *a)
{
    struct buf resp;
    long status = 0;
    enum dr_err rc;

    buf_init(&resp, HTTP_BODY_MAX);
    rc = http_do(http, req, &status, &resp);
    if (rc == DR_EHTTP) {
        say(a, provider, http_last_error(http));
        rc = DR_EAWS;
    } else if (!rc && status != 200) {
        snprintf(a->why, sizeof(a->why), "HTTP %ld from %s", status, req->url);
        a->provider = provider;
        rc = DR_EAWS;
    } else if (!rc) {
        rc = aws_parse_json_credentials(buf_cstr(&resp), buf_len(&resp), out);
        if (rc == DR_EPARSE) {
            say(a, provider, "the credentials document did not parse");
            rc = DR_EAWS;
        }
    }
    buf_release(&resp);
    if (!rc)
        out->provider = provider;
    return rc;
}

static enum dr_err from_container(const struct aws_config *cfg,
                                  struct http_client *http,
                                  struct aws_credentials *out,
                                  struct attempt *a)
{
    struct http_request req = {0};
    struct buf auth;
    enum dr_err rc;

    if (!aws_container_url_allowed(cfg->container_full_uri)) {
        say(a, "container",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to "
            "loopback, 169.254.170.2, 169.254.170.23 or fd00:ec2::23");
        return DR_EAWS;
    }
    buf_init(&auth, (size_t)16 * 1024);
    req.method = "GET";
    req.url = cfg->container_full_uri;
    req.connect_timeout_ms = cfg->connect_timeout_ms;
    req.timeout_ms = cfg->timeout_ms;
    rc = DR_OK;
    if (cfg->container_token) {
        /* Sent raw, as the SDKs do. */
        rc = buf_addf(&auth, "Authorization: %s", cfg->container_token);
        req.headers[0] = buf_cstr(&auth);
    }
    if (!rc)
        rc = fetch_json_credentials(http, &req, "container", out, a);
    secure_zero(auth.mem, auth.cap);
    buf_release(&auth);
    return rc;
}

/* ---- 4. IMDSv2 ------------------------------------------------------ */

static enum dr_err imds_token(const struct aws_config *cfg,
                              struct http_client *http, struct buf *url,
                              struct buf *token, struct attempt *a)
{
    struct http_request req = {0};
    long status = 0;
    enum dr_err rc;

    buf_reset(url);
    rc = buf_addf(url, "%s/latest/api/token", cfg->imds_endpoint);
    req.method = "PUT";
    req.url = buf_cstr(url);
    req.body = "";
    req.headers[0] = "X-aws-ec2-metadata-token-ttl-seconds: " IMDS_TOKEN_TTL_S;
    req.connect_timeout_ms = IMDS_TIMEOUT_MS;
    req.timeout_ms = IMDS_TIMEOUT_MS;
    if (!rc)
        rc = http_do(http, &req, &status, token);
    if (rc == DR_EHTTP) {
        snprintf(a->why, sizeof(a->why),
                 "IMDSv2 token request failed (%s); from a pod this usually "
                 "means the instance's metadata hop limit is 1: raise it to "
                 "2, or use IRSA or EKS Pod Identity",
                 http_last_error(http));
        a->provider = "imds";
        return DR_EAWS;
    }
    if (!rc && status != 200) {
        snprintf(a->why, sizeof(a->why), "IMDSv2 token request: HTTP %ld",
                 status);
        a->provider = "imds";
        return DR_EAWS;
    }
    return rc ? rc : log_redact(buf_cstr(token));
}

static enum dr_err from_imds(const struct aws_config *cfg,
                             struct http_client *http,
                             struct aws_credentials *out, struct attempt *a)
{
    struct http_request req = {0};
    struct buf url, token, header, role;
    long status = 0;
    enum dr_err rc;

    buf_init(&url, 2048);
    buf_init(&token, 4096);
    buf_init(&header, 4096 + 64);
    buf_init(&role, ROLE_NAME_MAX);
    rc = imds_token(cfg, http, &url, &token, a);
    if (!rc)
        rc =
            buf_addf(&header, "X-aws-ec2-metadata-token: %s", buf_cstr(&token));
    buf_reset(&url);
    if (!rc)
        rc = buf_addf(&url, "%s/latest/meta-data/iam/security-credentials/",
                      cfg->imds_endpoint);
    req.method = "GET";
    req.url = buf_cstr(&url);
    req.headers[0] = buf_cstr(&header);
    req.connect_timeout_ms = IMDS_TIMEOUT_MS;
    req.timeout_ms = IMDS_TIMEOUT_MS;
    if (!rc)
        rc = http_do(http, &req, &status, &role);
    if (rc == DR_EHTTP || (!rc && (status != 200 || !buf_len(&role)))) {
        say(a, "imds", "no IAM role attached to the instance");
        rc = DR_EAWS;
    }
    if (!rc)
        rc = buf_add(&url, buf_cstr(&role));
    req.url = buf_cstr(&url);
    if (!rc)
        rc = fetch_json_credentials(http, &req, "imds", out, a);
    buf_release(&url);
    buf_release(&token);
    buf_release(&header);
    buf_release(&role);
    return rc;
}

/* ---- the chain ------------------------------------------------------ */

bool aws_credentials_fresh(const struct aws_credentials *c, int64_t now)
{
    return c->access_key_id &&
           (!c->expires_at || c->expires_at - now > AWS_REFRESH_WINDOW_S);
}

static void log_failure(const struct attempt *tried, size_t n)
{
    struct log_line line;
    size_t i;

    log_begin(&line, LOG_LEVEL_ERROR, "no AWS credentials");
    for (i = 0; i < n; i++)
        log_str(&line, tried[i].provider, tried[i].why);
    log_end(&line);
}

enum dr_err aws_credentials_get(const struct aws_config *cfg,
                                struct http_client *http,
                                struct aws_credentials *out)
{
    struct attempt tried[4];
    enum dr_err rc = DR_EAWS;
    size_t n = 0;

    memset(tried, 0, sizeof(tried));
    if (cfg->access_key_id && cfg->secret_access_key)
        return from_environment(cfg, out);
    say(&tried[n++], "environment",
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not set");
    if (cfg->web_identity_token_file && cfg->role_arn) {
        rc = from_web_identity(cfg, http, out, &tried[n++]);
        if (rc != DR_EAWS)
            return rc;
    } else {
        say(&tried[n++], "web-identity",
            "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN not set");
    }
    if (cfg->container_full_uri) {
        rc = from_container(cfg, http, out, &tried[n++]);
        if (rc != DR_EAWS)
            return rc;
    } else {
        say(&tried[n++], "container",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI not set");
    }
    if (!cfg->imds_disabled) {
        rc = from_imds(cfg, http, out, &tried[n++]);
        if (rc != DR_EAWS)
            return rc;
    } else {
        say(&tried[n++], "imds", "AWS_EC2_METADATA_DISABLED=true");
    }
    log_failure(tried, n);
    return DR_EAWS;
}
