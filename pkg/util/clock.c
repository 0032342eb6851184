#include "util.h"

#include <time.h>

int64_t clock_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_rfc3339_now(char *out, size_t outlen)
{
    struct timespec ts;
    struct tm tm;
    char date[24];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, outlen, "%s.%03ldZ", date, ts.tv_nsec / 1000000);
}

void clock_sleep_ms(int64_t ms, const volatile sig_atomic_t *stop)
{
    /* Short naps, so SIGTERM during the confirmation pause is seen fast. */
    const int64_t nap_ms = 50;
    struct timespec ts;
    int64_t end = clock_mono_ms() + ms;
    int64_t left;

    while (!(stop && *stop)) {
        left = end - clock_mono_ms();
        if (left <= 0)
            return;
        if (left > nap_ms)
            left = nap_ms;
        ts.tv_sec = 0;
        ts.tv_nsec = (long)left * 1000000L;
        nanosleep(&ts, NULL);
    }
}
