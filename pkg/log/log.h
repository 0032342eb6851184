/*
 * log: one line per event on stderr, as JSON (the default, for log
 * shippers) or as text for people, with the job name, a level and typed
 * fields.
 *
 * A line is built field by field on the caller's stack and written whole by
 * log_end(), so lines from a job never interleave.  Values registered with
 * log_redact() are replaced by "***" wherever they appear in a message or a
 * field: the secrets a job reads are registered as soon as they are read, so
 * that even a library's error text quoting one cannot leak it.
 *
 * The level, format, job name and redaction list are process-wide (the one
 * global state the project allows besides curl's); log_setup() sets them
 * once, early in main.  Until then lines go out as JSON at info level.
 */
#ifndef PKG_LOG_LOG_H
#define PKG_LOG_LOG_H

#include "../util/util.h"

enum log_level {
    LOG_LEVEL_DEBUG,
    LOG_LEVEL_INFO,
    LOG_LEVEL_WARN,
    LOG_LEVEL_ERROR,
};

enum log_format {
    LOG_FORMAT_JSON,
    LOG_FORMAT_TEXT,
};

#define LOG_LINE_MAX ((size_t)16 * 1024)

/* job is borrowed and must outlive logging; out is usually stderr. */
void log_setup(const char *job, enum log_format format, enum log_level level,
               FILE *out);
/* Parses "debug", "info", "warn"/"warning", "error" and "json", "text". */
DR_WARN_UNUSED enum dr_err log_parse_level(const char *s, enum log_level *out);
DR_WARN_UNUSED enum dr_err log_parse_format(const char *s,
                                            enum log_format *out);
const char *log_level_name(enum log_level level);

/* Registers a secret to mask in every later line; copies it.  Values
 * shorter than 4 bytes are not registered: masking them would garble
 * ordinary text and they are not credible secrets. */
DR_WARN_UNUSED enum dr_err log_redact(const char *secret);
/* Forgets the registered secrets, zeroing their copies. */
void log_teardown(void);

bool log_enabled(enum log_level level);

/* The fields are private to log.c. */
struct log_line {
    struct buf text;
    enum log_level level;
    bool on;     /* level enabled; otherwise every call is a no-op */
    bool broken; /* a field did not fit; log_end says so */
};

/* msg must not be NULL.  Keys are plain identifiers chosen by the code,
 * never data. */
void log_begin(struct log_line *line, enum log_level level, const char *msg);
void log_str(struct log_line *line, const char *key, const char *value);
void log_i64(struct log_line *line, const char *key, int64_t value);
void log_bool(struct log_line *line, const char *key, bool value);
/* Writes the line and releases its memory. */
void log_end(struct log_line *line);

/* A line with a formatted message and no fields. */
DR_PRINTF(2, 3) void log_msg(enum log_level level, const char *fmt, ...);

#endif /* PKG_LOG_LOG_H */
