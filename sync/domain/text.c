/*
 * text.c - the domain's prose per language (see text.h): the embedded JSON
 * tables parsed once, lookups with the French fallback, "{name}"
 * placeholders.
 */
#include "text.h"

#include "embed.h"
#include "err.h"
#include "strbuf.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *const text_langs[] = {"fr", "en", NULL};

#define NLANGS 2
#define ARGS_MAX 16 /* placeholders one text may fill */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static json_t *tables[NLANGS]; /* parsed once, then only read; never freed */

/* A table is a flat object of strings: anything else is a build defect, and
 * reading it as missing makes every lookup show its key. */
static json_t *parse(const struct ep_embedded *e)
{
    json_t *t = json_loadb(e->data, e->size, JSON_REJECT_DUPLICATES, NULL);
    const char *k;
    json_t *v;

    if (!json_is_object(t)) {
        json_decref(t);
        return NULL;
    }
    json_object_foreach(t, k, v)
    {
        if (!json_is_string(v)) {
            json_decref(t);
            return NULL;
        }
    }
    return t;
}

static void load(void)
{
    for (const struct ep_embedded *e = ep_texts; e->name != NULL; e++) {
        for (int i = 0; i < NLANGS; i++) {
            char name[32];
            snprintf(name, sizeof(name), "text.%s.json", text_langs[i]);
            if (strcmp(e->name, name) == 0)
                tables[i] = parse(e);
        }
    }
}

static int lang_index(const char *lang)
{
    return lang != NULL && strcmp(lang, "en") == 0 ? 1 : 0;
}

const char *text_lang(const char *lang)
{
    return text_langs[lang_index(lang)];
}

const json_t *text_table(const char *lang)
{
    (void)pthread_once(&once, load);
    return tables[lang_index(lang)];
}

int text_has(const char *lang, const char *key)
{
    return key != NULL && json_object_get(text_table(lang), key) != NULL;
}

const char *text_get(const char *lang, const char *key)
{
    const char *s;

    if (key == NULL)
        return "";
    s = json_string_value(json_object_get(text_table(lang), key));
    if (s == NULL)
        s = json_string_value(json_object_get(text_table("fr"), key));
    return s != NULL ? s : key;
}

/* Fills the placeholders of t from names[i] = values[i] into b. */
static int fill(struct strbuf *b, const char *t, const char **names, const char **values, int n)
{
    int rc = EP_OK;

    while (rc == EP_OK && *t != '\0') {
        const char *open = strchr(t, '{');
        const char *close = open != NULL ? strchr(open + 1, '}') : NULL;
        int i;

        if (open == NULL || close == NULL)
            return strbuf_str(b, t);
        rc = strbuf_add(b, t, (size_t)(open - t));
        for (i = 0; rc == EP_OK && i < n; i++) {
            size_t len = (size_t)(close - open - 1);
            if (strlen(names[i]) == len && strncmp(names[i], open + 1, len) == 0)
                break;
        }
        if (rc == EP_OK)
            rc = i < n ? strbuf_str(b, values[i]) : strbuf_add(b, open, (size_t)(close - open + 1));
        t = close + 1;
    }
    return rc;
}

static int vfmt(struct strbuf *b, const char *lang, const char *key, va_list ap)
{
    const char *names[ARGS_MAX], *values[ARGS_MAX];
    int n = 0;
    const char *name;

    while ((name = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);
        if (n < ARGS_MAX) {
            names[n] = name;
            values[n] = value != NULL ? value : "";
            n++;
        }
    }
    return fill(b, text_get(lang, key), names, values, n);
}

int text_fmt(struct strbuf *b, const char *lang, const char *key, ...)
{
    va_list ap;
    int rc;

    va_start(ap, key);
    rc = vfmt(b, lang, key, ap);
    va_end(ap);
    return rc;
}

char *text_fmtbuf(char *buf, size_t len, const char *lang, const char *key, ...)
{
    struct strbuf b;
    va_list ap;
    size_t n;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    strbuf_init(&b, (size_t)64 * 1024);
    va_start(ap, key);
    (void)vfmt(&b, lang, key, ap); /* a failure leaves what was written, maybe nothing */
    va_end(ap);
    if (b.p != NULL) {
        n = b.len < len - 1 ? b.len : len - 1;
        /* never end inside a UTF-8 sequence: back up over continuation bytes */
        if (n < b.len)
            while (n > 0 && ((unsigned char)b.p[n] & 0xC0) == 0x80)
                n--;
        memcpy(buf, b.p, n);
        buf[n] = '\0';
    }
    strbuf_release(&b);
    return buf;
}

char *text_count_key(char *buf, size_t len, const char *key, long n, const char *lang)
{
    int one = lang_index(lang) == 1 ? n == 1 : (n == 0 || n == 1 || n == -1);
    int w = snprintf(buf, len, "%s.%s", key, one ? "one" : "other");

    if (w < 0 || (size_t)w >= len)
        buf[0] = '\0';
    return buf;
}
