#include "util.h"

#include <string.h>

/* Process-wide because a signal handler can reach nothing else. */
static volatile sig_atomic_t stop_now;
static void (*stop_hook)(void);

static void on_signal(int sig)
{
    (void)sig;
    stop_now = 1;
    if (stop_hook)
        stop_hook();
}

void stop_install(void (*on_stop)(void))
{
    struct sigaction sa;

    stop_hook = on_stop;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

bool stop_requested(void)
{
    return stop_now != 0;
}

const volatile sig_atomic_t *stop_flag(void)
{
    return &stop_now;
}
