#include "util.h"

#include <stdlib.h>

const char *dr_strerror(enum dr_err rc)
{
    switch (rc) {
    case DR_OK:
        return "success";
    case DR_ENOMEM:
        return "out of memory";
    case DR_ETOOBIG:
        return "value too large";
    case DR_EPARSE:
        return "cannot parse";
    case DR_ERANGE:
        return "value out of range";
    case DR_EIO:
        return "cannot read file";
    case DR_ECONFIG:
        return "invalid configuration";
    case DR_EDB:
        return "database error";
    case DR_ESCHEMA:
        return "database schema not as expected";
    case DR_EGRANT:
        return "missing database privilege";
    case DR_ERETRY:
        return "transaction failed after retries";
    case DR_EINTR:
        return "interrupted";
    case DR_EMETRICS:
        return "metrics not published";
    case DR_EHTTP:
        return "HTTP request failed";
    case DR_EAWS:
        return "AWS request refused";
    }
    return "unknown error";
}

int dr_exit_status(enum dr_err rc)
{
    switch (rc) {
    case DR_OK:
        return DR_EXIT_OK;
    case DR_ECONFIG:
    case DR_EPARSE:
    case DR_ERANGE:
    case DR_EIO:
        return DR_EXIT_CONFIG;
    case DR_EDB:
    case DR_ESCHEMA:
    case DR_EGRANT:
    case DR_ERETRY:
        return DR_EXIT_DB;
    case DR_EMETRICS:
    case DR_EHTTP:
    case DR_EAWS:
        return DR_EXIT_METRICS;
    case DR_EINTR:
        return DR_EXIT_INTERRUPTED;
    case DR_ENOMEM:
    case DR_ETOOBIG:
        return DR_EXIT_INTERNAL;
    }
    return DR_EXIT_INTERNAL;
}

void dr_bug(const char *file, int line, const char *what)
{
    fprintf(stderr, "BUG: %s:%d: %s\n", file, line, what);
    abort();
}
