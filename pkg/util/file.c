#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads at most max+1 bytes so an oversized file is detected, not cut. */
static enum dr_err read_all(int fd, size_t max, struct buf *b, int *errno_out)
{
    char chunk[4096];
    enum dr_err rc;
    ssize_t n;

    for (;;) {
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *errno_out = errno;
            return DR_EIO;
        }
        if (n == 0)
            return DR_OK;
        if (memchr(chunk, '\0', (size_t)n)) {
            *errno_out = 0;
            return DR_EPARSE;
        }
        rc = buf_addn(b, chunk, (size_t)n);
        if (rc)
            return rc;
        if (buf_len(b) > max)
            return DR_ETOOBIG;
    }
}

enum dr_err file_read_small(const char *path, size_t max, char **out,
                            int *errno_out)
{
    struct buf b;
    enum dr_err rc;
    size_t len;
    char *s;
    int fd;

    *errno_out = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *errno_out = errno;
        return DR_EIO;
    }
    buf_init(&b, max + 1);
    rc = read_all(fd, max, &b, errno_out);
    close(fd);
    if (rc) {
        secure_zero(b.mem, b.cap);
        buf_release(&b);
        return rc;
    }
    s = buf_take(&b);
    if (!s)
        return DR_ENOMEM;
    len = strlen(s);
    if (len && s[len - 1] == '\n')
        s[--len] = '\0';
    if (len && s[len - 1] == '\r')
        s[--len] = '\0';
    *out = s;
    return DR_OK;
}

void secure_zero(void *p, size_t n)
{
    volatile unsigned char *v = p;

    while (v && n--)
        *v++ = 0;
}
