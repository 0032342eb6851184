#include "../util/util.h"

#include "log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REDACT_MAX     64
#define REDACT_MIN_LEN 4
#define REDACT_MASK    "***"

static const char *log_job = "dlcs-recalculator";
static enum log_format log_fmt = LOG_FORMAT_JSON;
static enum log_level log_min = LOG_LEVEL_INFO;
static FILE *log_out;
static char *redacted[REDACT_MAX];
static size_t redacted_count;

void log_setup(const char *job, enum log_format format, enum log_level level,
               FILE *out)
{
    log_job = job;
    log_fmt = format;
    log_min = level;
    log_out = out;
}

enum dr_err log_parse_level(const char *s, enum log_level *out)
{
    static const struct {
        const char *name;
        enum log_level level;
    } names[] = {
        {"debug", LOG_LEVEL_DEBUG}, {"info", LOG_LEVEL_INFO},
        {"warn", LOG_LEVEL_WARN},   {"warning", LOG_LEVEL_WARN},
        {"error", LOG_LEVEL_ERROR},
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcasecmp(s, names[i].name)) {
            *out = names[i].level;
            return DR_OK;
        }
    }
    return DR_EPARSE;
}

enum dr_err log_parse_format(const char *s, enum log_format *out)
{
    if (!strcasecmp(s, "json")) {
        *out = LOG_FORMAT_JSON;
        return DR_OK;
    }
    if (!strcasecmp(s, "text")) {
        *out = LOG_FORMAT_TEXT;
        return DR_OK;
    }
    return DR_EPARSE;
}

const char *log_level_name(enum log_level level)
{
    switch (level) {
    case LOG_LEVEL_DEBUG:
        return "debug";
    case LOG_LEVEL_INFO:
        return "info";
    case LOG_LEVEL_WARN:
        return "warn";
    case LOG_LEVEL_ERROR:
        return "error";
    }
    return "info";
}

enum dr_err log_redact(const char *secret)
{
    size_t i;

    if (!secret || strlen(secret) < REDACT_MIN_LEN)
        return DR_OK;
    for (i = 0; i < redacted_count; i++) {
        if (!strcmp(redacted[i], secret))
            return DR_OK;
    }
    if (redacted_count == REDACT_MAX)
        return DR_ETOOBIG;
    redacted[redacted_count] = strdup(secret);
    if (!redacted[redacted_count])
        return DR_ENOMEM;
    redacted_count++;
    return DR_OK;
}

void log_teardown(void)
{
    size_t i;

    for (i = 0; i < redacted_count; i++) {
        secure_zero(redacted[i], strlen(redacted[i]));
        free(redacted[i]);
        redacted[i] = NULL;
    }
    redacted_count = 0;
}

bool log_enabled(enum log_level level)
{
    return level >= log_min;
}

/* The longest registered secret found at s, or NULL; *len_out its length.
 * Longest, because one secret may contain another (a connection string and
 * its password): masking the shorter would leave the rest readable. */
static const char *secret_at(const char *s, size_t *len_out)
{
    const char *best = NULL;
    size_t i, n, best_len = 0;

    for (i = 0; i < redacted_count; i++) {
        n = strlen(redacted[i]);
        if (n > best_len && !strncmp(s, redacted[i], n)) {
            best = redacted[i];
            best_len = n;
        }
    }
    *len_out = best_len;
    return best;
}

static enum dr_err add_escaped_char(struct buf *b, unsigned char c, bool json)
{
    if (json) {
        switch (c) {
        case '"':
            return buf_add(b, "\\\"");
        case '\\':
            return buf_add(b, "\\\\");
        case '\n':
            return buf_add(b, "\\n");
        case '\r':
            return buf_add(b, "\\r");
        case '\t':
            return buf_add(b, "\\t");
        default:
            if (c < 0x20)
                return buf_addf(b, "\\u%04x", c);
            return buf_addc(b, (char)c);
        }
    }
    /* Text lines stay on one line: control bytes become spaces. */
    if (c < 0x20 || c == 0x7f)
        return buf_addc(b, ' ');
    if (c == '"' || c == '\\') {
        enum dr_err rc = buf_addc(b, '\\');

        if (rc)
            return rc;
    }
    return buf_addc(b, (char)c);
}

/* Appends s escaped for the line's format, with secrets masked. */
static enum dr_err add_value(struct buf *b, const char *s, bool json)
{
    enum dr_err rc = DR_OK;
    size_t skip;

    while (*s && !rc) {
        if (secret_at(s, &skip)) {
            rc = buf_add(b, REDACT_MASK);
            s += skip;
            continue;
        }
        rc = add_escaped_char(b, (unsigned char)*s, json);
        s++;
    }
    return rc;
}

static bool text_needs_quotes(const char *s)
{
    if (!*s)
        return true;
    for (; *s; s++) {
        if (*s == ' ' || *s == '"' || *s == '=' || (unsigned char)*s < 0x20)
            return true;
    }
    return false;
}

static void mark(struct log_line *line, enum dr_err rc)
{
    if (rc)
        line->broken = true;
}

void log_begin(struct log_line *line, enum log_level level, const char *msg)
{
    char ts[CLOCK_RFC3339_LEN];
    bool json = log_fmt == LOG_FORMAT_JSON;
    enum dr_err rc;

    buf_init(&line->text, LOG_LINE_MAX);
    line->level = level;
    line->broken = false;
    line->on = log_enabled(level);
    if (!line->on)
        return;
    clock_rfc3339_now(ts, sizeof(ts));
    if (json) {
        rc = buf_addf(&line->text,
                      "{\"ts\":\"%s\",\"level\":\"%s\",\"job\":\"%s\","
                      "\"msg\":\"",
                      ts, log_level_name(level), log_job);
        if (!rc)
            rc = add_value(&line->text, msg, true);
        if (!rc)
            rc = buf_addc(&line->text, '"');
    } else {
        rc = buf_addf(&line->text, "%s %-5s %s: ", ts, log_level_name(level),
                      log_job);
        if (!rc)
            rc = add_value(&line->text, msg, false);
    }
    mark(line, rc);
}

static enum dr_err add_key(struct log_line *line, const char *key)
{
    if (log_fmt == LOG_FORMAT_JSON)
        return buf_addf(&line->text, ",\"%s\":", key);
    return buf_addf(&line->text, " %s=", key);
}

void log_str(struct log_line *line, const char *key, const char *value)
{
    bool json = log_fmt == LOG_FORMAT_JSON;
    bool quote;
    enum dr_err rc;

    if (!line->on || line->broken)
        return;
    if (!value) {
        rc = add_key(line, key);
        if (!rc)
            rc = buf_add(&line->text, json ? "null" : "-");
        mark(line, rc);
        return;
    }
    quote = json || text_needs_quotes(value);
    rc = add_key(line, key);
    if (!rc && quote)
        rc = buf_addc(&line->text, '"');
    if (!rc)
        rc = add_value(&line->text, value, json);
    if (!rc && quote)
        rc = buf_addc(&line->text, '"');
    mark(line, rc);
}

void log_i64(struct log_line *line, const char *key, int64_t value)
{
    enum dr_err rc;

    if (!line->on || line->broken)
        return;
    rc = add_key(line, key);
    if (!rc)
        rc = buf_addf(&line->text, "%lld", (long long)value);
    mark(line, rc);
}

void log_bool(struct log_line *line, const char *key, bool value)
{
    enum dr_err rc;

    if (!line->on || line->broken)
        return;
    rc = add_key(line, key);
    if (!rc)
        rc = buf_add(&line->text, value ? "true" : "false");
    mark(line, rc);
}

void log_end(struct log_line *line)
{
    FILE *out = log_out ? log_out : stderr;

    if (!line->on)
        return;
    if (!line->broken && log_fmt == LOG_FORMAT_JSON)
        mark(line, buf_addc(&line->text, '}'));
    if (line->broken) {
        /* Keep the event visible even when its fields were lost. */
        fprintf(out, "%s\n",
                log_fmt == LOG_FORMAT_JSON
                    ? "{\"level\":\"error\",\"msg\":\"log line too long\"}"
                    : "error: log line too long");
    } else {
        fprintf(out, "%s\n", buf_cstr(&line->text));
    }
    fflush(out);
    buf_release(&line->text);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    struct log_line line;
    struct buf msg;
    enum dr_err rc;
    va_list ap;

    if (!log_enabled(level))
        return;
    buf_init(&msg, LOG_LINE_MAX);
    va_start(ap, fmt);
    rc = buf_vaddf(&msg, fmt, ap);
    va_end(ap);
    log_begin(&line, level, rc ? "(message too long)" : buf_cstr(&msg));
    log_end(&line);
    buf_release(&msg);
}
