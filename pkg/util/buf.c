#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define BUF_MIN_CAP 64

void buf_init(struct buf *b, size_t max)
{
    b->mem = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void buf_release(struct buf *b)
{
    free(b->mem);
    b->mem = NULL;
    b->len = 0;
    b->cap = 0;
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->mem)
        b->mem[0] = '\0';
}

/* Makes room for n more bytes plus the terminating NUL. */
static enum dr_err buf_grow(struct buf *b, size_t n)
{
    size_t need, cap;
    char *mem;

    if (n > b->max || b->len > b->max - n) {
        buf_release(b);
        return DR_ETOOBIG;
    }
    need = b->len + n + 1;
    if (need <= b->cap)
        return DR_OK;
    cap = b->cap ? b->cap : BUF_MIN_CAP;
    while (cap < need)
        cap *= 2;
    mem = realloc(b->mem, cap);
    if (!mem) {
        buf_release(b);
        return DR_ENOMEM;
    }
    b->mem = mem;
    b->cap = cap;
    return DR_OK;
}

enum dr_err buf_addn(struct buf *b, const char *s, size_t n)
{
    enum dr_err rc = buf_grow(b, n);

    if (rc)
        return rc;
    if (n)
        memcpy(b->mem + b->len, s, n);
    b->len += n;
    b->mem[b->len] = '\0';
    return DR_OK;
}

enum dr_err buf_add(struct buf *b, const char *s)
{
    return buf_addn(b, s, strlen(s));
}

enum dr_err buf_addc(struct buf *b, char c)
{
    return buf_addn(b, &c, 1);
}

enum dr_err buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list again;
    enum dr_err rc;
    int n;

    va_copy(again, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) {
        va_end(again);
        buf_release(b);
        return DR_EPARSE;
    }
    rc = buf_grow(b, (size_t)n);
    if (!rc) {
        vsnprintf(b->mem + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
    return rc;
}

enum dr_err buf_addf(struct buf *b, const char *fmt, ...)
{
    enum dr_err rc;
    va_list ap;

    va_start(ap, fmt);
    rc = buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *buf_cstr(const struct buf *b)
{
    return b->mem ? b->mem : "";
}

size_t buf_len(const struct buf *b)
{
    return b->len;
}

char *buf_take(struct buf *b)
{
    char *s = b->mem;

    if (!s)
        s = calloc(1, 1);
    b->mem = NULL;
    b->len = 0;
    b->cap = 0;
    return s;
}
