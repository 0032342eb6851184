/*
 * util: the small helpers every other area stands on, with no library
 * dependency beyond libc, so unit tests can link them alone.
 *
 * Conventions written down once, followed everywhere:
 *
 *  - Every function that can fail returns enum dr_err; 0 (DR_OK) is success
 *    and the variable holding it is always called rc.  A function reports a
 *    failure once, where it detects it (through pkg/log), and its callers
 *    pass rc on without logging again.
 *  - Out-parameters are named *_out and written only on success.  On failure
 *    a callee frees whatever it allocated.
 *  - Each header comment says who frees a returned pointer.  Free and release
 *    functions accept NULL, or a released object, and do nothing.
 *  - A broken invariant is a bug, not an error: DR_BUG() aborts.
 *
 * This header must be included first in every .c file of the project: it
 * sets the feature macros libc reads.
 */
#ifndef PKG_UTIL_UTIL_H
#define PKG_UTIL_UTIL_H

#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define DR_WARN_UNUSED     __attribute__((warn_unused_result))
#define DR_PRINTF(fmt, va) __attribute__((format(printf, fmt, va)))
#define DR_NORETURN        __attribute__((noreturn))

/* ---- errors ---------------------------------------------------------- */

enum dr_err {
    DR_OK = 0,
    DR_ENOMEM,   /* out of memory */
    DR_ETOOBIG,  /* a value or buffer exceeded its named limit */
    DR_EPARSE,   /* text that does not parse */
    DR_ERANGE,   /* a number outside its allowed range */
    DR_EIO,      /* a file could not be read */
    DR_ECONFIG,  /* invalid configuration */
    DR_EDB,      /* the database failed or could not be reached */
    DR_ESCHEMA,  /* the database lacks a table or column the job needs */
    DR_EGRANT,   /* the role lacks a privilege the job needs */
    DR_ERETRY,   /* a transaction still failed after its retries */
    DR_EINTR,    /* stopped by SIGTERM or SIGINT */
    DR_EMETRICS, /* metrics could not be published */
    DR_EHTTP,    /* no HTTP response (connection, TLS, timeout) */
    DR_EAWS,     /* AWS refused: credentials, signature, throttling */
};

/* A short English description of rc; never NULL, never freed. */
const char *dr_strerror(enum dr_err rc);

/*
 * The documented process exit status for rc (README "Exit codes"):
 * 0 ok, 1 internal error, 2 configuration, 3 database, 4 metrics,
 * 5 interrupted.
 */
int dr_exit_status(enum dr_err rc);

enum dr_exit {
    DR_EXIT_OK = 0,
    DR_EXIT_INTERNAL = 1,
    DR_EXIT_CONFIG = 2,
    DR_EXIT_DB = 3,
    DR_EXIT_METRICS = 4,
    DR_EXIT_INTERRUPTED = 5,
};

DR_NORETURN void dr_bug(const char *file, int line, const char *what);
#define DR_BUG(what) dr_bug(__FILE__, __LINE__, (what))

/* ---- struct buf: a growable, always NUL-terminated string ------------ */

/*
 * The fields are private to buf.c.  buf_init() cannot fail and allocates
 * nothing; the first append does.  A failed append releases the buffer, so
 * a caller just returns rc.  buf_cstr() never returns NULL; the pointer is
 * invalid after the next append, reset or release.
 */
struct buf {
    char *mem;
    size_t len;
    size_t cap;
    size_t max; /* hard limit on len; exceeding it is DR_ETOOBIG */
};

void buf_init(struct buf *b, size_t max);
DR_WARN_UNUSED enum dr_err buf_addn(struct buf *b, const char *s, size_t n);
DR_WARN_UNUSED enum dr_err buf_add(struct buf *b, const char *s);
DR_WARN_UNUSED enum dr_err buf_addc(struct buf *b, char c);
DR_WARN_UNUSED DR_PRINTF(2, 3) enum dr_err
    buf_addf(struct buf *b, const char *fmt, ...);
DR_WARN_UNUSED DR_PRINTF(2, 0) enum dr_err
    buf_vaddf(struct buf *b, const char *fmt, va_list ap);
const char *buf_cstr(const struct buf *b);
size_t buf_len(const struct buf *b);
/* Empties the string but keeps the memory for reuse. */
void buf_reset(struct buf *b);
/* Frees the memory; the buffer is empty and usable again afterwards. */
void buf_release(struct buf *b);
/* Hands the string to the caller, who frees it; the buffer is released. */
DR_WARN_UNUSED char *buf_take(struct buf *b);

/* ---- checked parsing ------------------------------------------------- */

/*
 * Each parser takes the whole string: leading or trailing garbage, an empty
 * string or an out-of-range value is an error, and *out is untouched then.
 */
DR_WARN_UNUSED enum dr_err parse_i64(const char *s, int64_t *out);
DR_WARN_UNUSED enum dr_err parse_long_range(const char *s, long min, long max,
                                            long *out);
/* true/t/1/yes/on and false/f/0/no/off, any case (the first deployment's
 * spellings plus the usual ones). */
DR_WARN_UNUSED enum dr_err parse_bool(const char *s, bool *out);

/* Checked int64 arithmetic: DR_ERANGE on overflow, *out untouched. */
DR_WARN_UNUSED enum dr_err i64_add(int64_t a, int64_t b, int64_t *out);
DR_WARN_UNUSED enum dr_err i64_sub(int64_t a, int64_t b, int64_t *out);

/* ---- files ----------------------------------------------------------- */

#define SECRET_FILE_MAX ((size_t)64 * 1024)

/*
 * Reads a small file (a Kubernetes secret, a token) whole into *out, with one
 * trailing newline (\n or \r\n) removed.  The caller frees *out.  Files over
 * max bytes are DR_ETOOBIG.  Errors are returned, not logged: the caller
 * knows which variable named the file.
 */
DR_WARN_UNUSED enum dr_err file_read_small(const char *path, size_t max,
                                           char **out, int *errno_out);

/* ---- time ------------------------------------------------------------ */

/* Monotonic milliseconds, for durations only. */
int64_t clock_mono_ms(void);
/* Wall clock as RFC 3339 UTC with milliseconds, e.g. 2026-12-03T19:00:00.123Z
 * into out (at least CLOCK_RFC3339_LEN bytes). */
#define CLOCK_RFC3339_LEN 32
void clock_rfc3339_now(char *out, size_t outlen);
/* Sleeps ms milliseconds, or less if *stop becomes true; polls it. */
void clock_sleep_ms(int64_t ms, const volatile sig_atomic_t *stop);

/* ---- stopping on SIGTERM and SIGINT ---------------------------------- */

/*
 * Installs handlers that set the stop flag and then call on_stop, which runs
 * inside the signal handler and must be async-signal-safe (pkg/db passes its
 * query-cancel function).  Kubernetes sends SIGTERM at activeDeadlineSeconds
 * and on eviction.
 */
void stop_install(void (*on_stop)(void));
bool stop_requested(void);
/* For clock_sleep_ms(): the flag itself. */
const volatile sig_atomic_t *stop_flag(void);

/* Zeroes memory that held a secret, in a way the compiler keeps. */
void secure_zero(void *p, size_t n);

#endif /* PKG_UTIL_UTIL_H */
