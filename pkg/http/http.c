#include "../util/util.h"

#include "http.h"

#include "../log/log.h"

#include <string.h>

/* Appends what libcurl received to the caller's capped buffer; a short
 * count makes libcurl abort the transfer when the cap is reached. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct buf *body = userdata;
    size_t n = size * nmemb;

    if (buf_addn(body, data, n))
        return 0;
    return n;
}

enum dr_err http_init(struct http_client *c, const char *ca_file)
{
    memset(c, 0, sizeof(*c));
    c->ca_file = ca_file;
    c->curl = curl_easy_init();
    if (!c->curl) {
        log_msg(LOG_LEVEL_ERROR, "cannot create a libcurl handle");
        return DR_ENOMEM;
    }
    return DR_OK;
}

void http_release(struct http_client *c)
{
    curl_easy_cleanup(c->curl);
    c->curl = NULL;
}

const char *http_last_error(const struct http_client *c)
{
    return c->last_error;
}

bool http_retryable(const struct http_client *c)
{
    return c->retryable;
}

static bool is_retryable(CURLcode code)
{
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_SSL_CONNECT_ERROR:
        return true;
    default:
        return false;
    }
}

static CURLcode set_common(struct http_client *c,
                           const struct http_request *req, struct buf *body)
{
    CURL *h = c->curl;
    CURLcode code;

    code = curl_easy_setopt(h, CURLOPT_URL, req->url);
    if (!code)
        code = curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
    if (!code)
        code = curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (!code)
        code = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!code)
        code = curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                                req->connect_timeout_ms);
    if (!code)
        code = curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req->timeout_ms);
    if (!code)
        code = curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    if (!code)
        code = curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!code && c->ca_file)
        code = curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
    if (!code)
        code = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    if (!code)
        code = curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    if (!code)
        code = curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
    return code;
}

static CURLcode set_body_and_auth(struct http_client *c,
                                  const struct http_request *req)
{
    CURL *h = c->curl;
    CURLcode code = CURLE_OK;

    if (req->body) {
        code = curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
        if (!code)
            code = curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                                    (curl_off_t)req->body_len);
    }
    if (!code && req->sigv4) {
        code = curl_easy_setopt(h, CURLOPT_AWS_SIGV4, req->sigv4);
        if (!code)
            code = curl_easy_setopt(h, CURLOPT_USERNAME, req->user);
        if (!code)
            code = curl_easy_setopt(h, CURLOPT_PASSWORD, req->password);
    }
    return code;
}

static enum dr_err fail(struct http_client *c, CURLcode code,
                        const struct http_request *req)
{
    snprintf(c->last_error, sizeof(c->last_error), "%s %s: %s", req->method,
             req->url, c->errbuf[0] ? c->errbuf : curl_easy_strerror(code));
    c->retryable = is_retryable(code);
    log_msg(LOG_LEVEL_DEBUG, "http: %s", c->last_error);
    return DR_EHTTP;
}

enum dr_err http_do(struct http_client *c, const struct http_request *req,
                    long *status_out, struct buf *body)
{
    struct curl_slist *headers = NULL, *next;
    CURLcode code;
    size_t i;

    curl_easy_reset(c->curl);
    c->errbuf[0] = '\0';
    c->last_error[0] = '\0';
    c->retryable = false;
    buf_reset(body);
    for (i = 0; i < HTTP_HEADERS_MAX && req->headers[i]; i++) {
        next = curl_slist_append(headers, req->headers[i]);
        if (!next) {
            curl_slist_free_all(headers);
            return DR_ENOMEM;
        }
        headers = next;
    }
    code = set_common(c, req, body);
    if (!code)
        code = set_body_and_auth(c, req);
    if (!code && headers)
        code = curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers);
    if (!code)
        code = curl_easy_perform(c->curl);
    if (!code)
        code = curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status_out);
    /* The list must live until the transfer is done: libcurl keeps it. */
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(headers);
    if (code)
        return fail(c, code, req);
    return DR_OK;
}

enum dr_err http_add_encoded(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    enum dr_err rc = DR_OK;
    unsigned char ch;

    for (; *s && !rc; s++) {
        ch = (unsigned char)*s;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
            (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
            ch == '~') {
            rc = buf_addc(b, (char)ch);
            continue;
        }
        rc = buf_addc(b, '%');
        if (!rc)
            rc = buf_addc(b, hex[ch >> 4]);
        if (!rc)
            rc = buf_addc(b, hex[ch & 15]);
    }
    return rc;
}
