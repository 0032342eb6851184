/*
 * http: one libcurl easy handle per job, reused so connections and TLS
 * sessions are reused, with the discipline written once: every option set
 * on every request (curl_easy_reset between requests), connect and total
 * timeouts always, the peer always verified against the CA bundle, the
 * response body kept (AWS reports errors in it) and capped.
 *
 * Signing: when a request names sigv4 ("aws:amz:<region>:<service>"),
 * libcurl signs it with AWS Signature Version 4 from user and password
 * (access key id and secret).  Every header the caller passes is signed.
 *
 * http_do() returns DR_OK when a response arrived, whatever its status
 * (read status_out); DR_EHTTP when none did, with the reason logged at
 * debug level and kept in the client (http_last_error) for the caller to
 * report once.
 */
#ifndef PKG_HTTP_HTTP_H
#define PKG_HTTP_HTTP_H

#include "../util/util.h"

#include <curl/curl.h>

#define HTTP_BODY_MAX    ((size_t)1024 * 1024)
#define HTTP_HEADERS_MAX 8

/* Fields private to http.c. */
struct http_client {
    CURL *curl;
    char errbuf[CURL_ERROR_SIZE];
    char last_error[CURL_ERROR_SIZE + 64];
    const char *ca_file; /* borrowed; NULL: libcurl's built-in bundle */
    bool retryable;      /* the last DR_EHTTP may succeed if retried */
};

struct http_request {
    const char *method; /* "GET", "POST", "PUT" */
    const char *url;
    const char *body; /* NULL for none; borrowed until http_do returns */
    size_t body_len;
    const char *headers[HTTP_HEADERS_MAX]; /* "Name: value"; NULL ends */
    const char *sigv4;                     /* NULL: unsigned */
    const char *user;                      /* sigv4: access key id */
    const char *password;                  /* sigv4: secret access key */
    long connect_timeout_ms;
    long timeout_ms;
};

/* ca_file is borrowed and must outlive the client.  DR_ENOMEM or DR_EHTTP
 * when libcurl cannot make a handle. */
DR_WARN_UNUSED enum dr_err http_init(struct http_client *c,
                                     const char *ca_file);
void http_release(struct http_client *c);

/* Performs req; *status_out gets the HTTP status and body (reset first,
 * capped at HTTP_BODY_MAX) the response body. */
DR_WARN_UNUSED enum dr_err http_do(struct http_client *c,
                                   const struct http_request *req,
                                   long *status_out, struct buf *body);

/* Why the last http_do returned DR_EHTTP; never NULL. */
const char *http_last_error(const struct http_client *c);
/* Whether that failure may pass if retried (connect errors, timeouts,
 * dropped connections; not TLS verification failures). */
bool http_retryable(const struct http_client *c);

/* Percent-encodes s as RFC 3986 unreserved characters (A-Z a-z 0-9 - . _
 * ~ stay) into b, as AWS query strings and SigV4 want. */
DR_WARN_UNUSED enum dr_err http_add_encoded(struct buf *b, const char *s);

#endif /* PKG_HTTP_HTTP_H */
