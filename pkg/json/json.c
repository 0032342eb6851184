#include "../util/util.h"

#include "json.h"

#define JSMN_STRICT
#include "jsmn.h"

#include <stdlib.h>
#include <string.h>

enum dr_err json_parse_object(const char *js, size_t len, struct json_doc *doc)
{
    jsmn_parser parser;
    jsmntok_t *tokens;
    int n;

    memset(doc, 0, sizeof(*doc));
    tokens = calloc(JSON_TOKENS_MAX, sizeof(*tokens));
    if (!tokens)
        return DR_ENOMEM;
    jsmn_init(&parser);
    n = jsmn_parse(&parser, js, len, tokens, JSON_TOKENS_MAX);
    if (n < 1 || tokens[0].type != JSMN_OBJECT) {
        free(tokens);
        return DR_EPARSE;
    }
    doc->js = js;
    doc->len = len;
    doc->ntokens = n;
    doc->tokens = tokens;
    return DR_OK;
}

void json_release(struct json_doc *doc)
{
    free(doc->tokens);
    doc->tokens = NULL;
    doc->ntokens = 0;
}

static bool token_is(const struct json_doc *doc, const jsmntok_t *t,
                     const char *s)
{
    size_t n = strlen(s);

    return t->type == JSMN_STRING && (size_t)(t->end - t->start) == n &&
           !memcmp(doc->js + t->start, s, n);
}

/* The number of tokens t and everything nested in it occupy. */
static int span(const jsmntok_t *tokens, int i, int ntokens)
{
    int end = tokens[i].end;
    int j = i + 1;

    while (j < ntokens && tokens[j].start < end)
        j++;
    return j - i;
}

static enum dr_err unescape(const char *s, size_t n, char **out)
{
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    char *r = malloc(n + 1), *w;
    const char *hit;
    size_t i;

    if (!r)
        return DR_ENOMEM;
    w = r;
    for (i = 0; i < n; i++) {
        if (s[i] != '\\') {
            *w++ = s[i];
            continue;
        }
        if (++i == n || !(hit = memchr(from, s[i], sizeof(from) - 1))) {
            free(r);
            return DR_EPARSE;
        }
        *w++ = to[hit - from];
    }
    *w = '\0';
    *out = r;
    return DR_OK;
}

enum dr_err json_get_string(const struct json_doc *doc, const char *key,
                            char **out)
{
    const jsmntok_t *tokens = doc->tokens;
    const jsmntok_t *v;
    int i = 1;

    /* Members of the top-level object: key token, then its value. */
    while (i + 1 < doc->ntokens) {
        v = &tokens[i + 1];
        if (token_is(doc, &tokens[i], key)) {
            if (v->type != JSMN_STRING)
                return DR_EPARSE;
            return unescape(doc->js + v->start, (size_t)(v->end - v->start),
                            out);
        }
        i += 1 + span(tokens, i + 1, doc->ntokens);
    }
    return DR_EPARSE;
}
