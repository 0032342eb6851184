/*
 * json: reading the flat JSON objects AWS credential endpoints return
 * ({"AccessKeyId": "...", ...}), with jsmn.  jsmn is compiled here only;
 * nothing else includes it.
 *
 * Input is untrusted (it comes over the network) and is fuzzed
 * (tests/fuzz/fuzz_credentials_json.c): every function bounds its reads by
 * the length given and never needs a NUL terminator.
 */
#ifndef PKG_JSON_JSON_H
#define PKG_JSON_JSON_H

#include "../util/util.h"

#define JSON_TOKENS_MAX 128

/* A parsed document; fields private to json.c.  js is borrowed. */
struct json_doc {
    const char *js;
    size_t len;
    int ntokens;
    void *tokens; /* jsmntok_t[JSON_TOKENS_MAX], hidden from includers */
};

/* Parses js[0..len) as one JSON object.  DR_EPARSE when it is not one, or
 * has more than JSON_TOKENS_MAX tokens.  Release with json_release(). */
DR_WARN_UNUSED enum dr_err json_parse_object(const char *js, size_t len,
                                             struct json_doc *doc);
void json_release(struct json_doc *doc);

/*
 * The string value of top-level member key, unescaped, in a new string the
 * caller frees.  DR_EPARSE when absent or not a string (or when it holds
 * escapes other than \" \\ \/ \b \f \n \r \t, which credentials never do).
 */
DR_WARN_UNUSED enum dr_err json_get_string(const struct json_doc *doc,
                                           const char *key, char **out);

#endif /* PKG_JSON_JSON_H */
