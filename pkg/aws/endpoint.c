#include "../util/util.h"

#include "aws.h"

#include <curl/curl.h>
#include <arpa/inet.h>
#include <string.h>

enum dr_err aws_endpoint(const struct aws_config *cfg, const char *service,
                         struct buf *out)
{
    bool sts = !strcmp(service, "sts");
    const char *url =
        sts ? cfg->endpoint_url_sts : cfg->endpoint_url_cloudwatch;
    bool china = !strncmp(cfg->region, "cn-", 3);
    size_t n;

    if (!url)
        url = cfg->endpoint_url;
    if (url) {
        n = strlen(url);
        while (n && url[n - 1] == '/')
            n--;
        return buf_addn(out, url, n);
    }
    /* The global STS endpoint has no China counterpart. */
    if (sts && !china && cfg->sts_regional_endpoints &&
        !strcmp(cfg->sts_regional_endpoints, "legacy"))
        return buf_add(out, "https://sts.amazonaws.com");
    return buf_addf(out, "https://%s.%s.%s", service, cfg->region,
                    china ? "amazonaws.com.cn" : "amazonaws.com");
}

static bool host_allowed(const char *host)
{
    static const char *const agents[] = {
        "localhost",      "[::1]",          "169.254.170.2",
        "169.254.170.23", "[fd00:ec2::23]",
    };
    struct in_addr v4;
    size_t i;

    for (i = 0; i < sizeof(agents) / sizeof(agents[0]); i++) {
        if (!strcmp(host, agents[i]))
            return true;
    }
    /* Anything in 127.0.0.0/8, as an address, not a name. */
    return inet_pton(AF_INET, host, &v4) == 1 &&
           (ntohl(v4.s_addr) >> 24) == 127;
}

bool aws_container_url_allowed(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    bool ok = false;

    if (!u)
        return false;
    if (!curl_url_set(u, CURLUPART_URL, url, 0) &&
        !curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) &&
        !curl_url_get(u, CURLUPART_HOST, &host, 0))
        ok = !strcmp(scheme, "https") ||
             (!strcmp(scheme, "http") && host_allowed(host));
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}
