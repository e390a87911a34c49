/* export.c - the helpers every exporter shares (see export.h). */
#include "export.h"

#include "err.h"
#include "fmt.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double export_num(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

const char *export_str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "";
}

int export_slurp(const char *path, char **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    long size;
    char *buf = NULL;
    int rc = EP_EIO;

    if (fp == NULL)
        return EP_EIO;
    if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size);
        if (buf == NULL) {
            rc = EP_ENOMEM;
        } else if (fread(buf, 1, (size_t)size, fp) == (size_t)size) {
            *out = buf;
            *len = (size_t)size;
            buf = NULL;
            rc = EP_OK;
        }
    }
    free(buf);
    fclose(fp);
    return rc;
}

void export_fr_num(double v, int decimals, char *buf, size_t len)
{
    fmt_number(buf, len, v, decimals, "fr");
}

const char *export_lang(const char *lang)
{
    return fmt_is_english(lang) ? "en" : "fr";
}

const char *export_label(const char *lang, const char *key)
{
    char k[160];
    int n = snprintf(k, sizeof(k), "label.%s", key != NULL ? key : "");

    /* text_get answers its own key when neither language has it: ours is
     * on the stack, so test first and answer the caller's key instead. */
    if (key == NULL || n < 0 || (size_t)n >= sizeof(k) || !text_has("fr", k))
        return key;
    return text_get(export_lang(lang), k);
}

const char *export_label_of(const char *lang, const char *group, const char *value)
{
    char key[128];
    const char *s;
    int n;

    if (value == NULL || value[0] == '\0')
        return "";
    n = snprintf(key, sizeof(key), "%s.%s", group, value);
    if (n < 0 || (size_t)n >= sizeof(key))
        return value;
    s = export_label(lang, key);
    return s != key ? s : value;
}

/* Appends src[0..n) to buf at *o, stopping at a character boundary. */
static void put(char *buf, size_t len, size_t *o, const char *src, size_t n)
{
    if (*o + n + 1 > len) {
        n = len - 1 - *o;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(buf + *o, src, n);
    *o += n;
    buf[*o] = '\0';
}

char *export_fill(char *buf, size_t len, const char *tpl, ...)
{
    size_t o = 0;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    while (*tpl != '\0' && o + 1 < len) {
        const char *open = strchr(tpl, '{');
        const char *close = open != NULL ? strchr(open, '}') : NULL;
        const char *value = NULL;
        if (open == NULL || close == NULL) {
            put(buf, len, &o, tpl, strlen(tpl));
            break;
        }
        put(buf, len, &o, tpl, (size_t)(open - tpl));
        {
            va_list ap;
            const char *name;
            va_start(ap, tpl);
            while ((name = va_arg(ap, const char *)) != NULL) {
                const char *v = va_arg(ap, const char *);
                if (strlen(name) == (size_t)(close - open - 1) &&
                    strncmp(name, open + 1, (size_t)(close - open - 1)) == 0) {
                    value = v != NULL ? v : "";
                    break;
                }
            }
            va_end(ap);
        }
        if (value != NULL)
            put(buf, len, &o, value, strlen(value));
        else
            put(buf, len, &o, open, (size_t)(close - open + 1));
        tpl = close + 1;
    }
    return buf;
}

char *export_count(char *buf, size_t len, const char *lang, long n, const char *key)
{
    char one[128], other[128];

    snprintf(one, sizeof(one), "%s.one", key);
    snprintf(other, sizeof(other), "%s.other", key);
    return fmt_count(buf, len, n, export_label(lang, one), export_label(lang, other), lang);
}

/* The catalogue's entry for indicator id, or NULL. */
static const json_t *indicator_entry(const struct export_doc *d, const char *id)
{
    size_t i;
    const json_t *x;

    json_array_foreach(d->catalogue, i, x)
    {
        if (strcmp(export_str(x, "id"), id) == 0)
            return x;
    }
    return NULL;
}

const char *export_indicator(const struct export_doc *d, const char *id)
{
    const json_t *x;
    const char *name;

    if (id == NULL || id[0] == '\0')
        return "";
    x = indicator_entry(d, id);
    name = export_str(x, fmt_is_english(d->lang) ? "name_en" : "name_fr");
    return name[0] != '\0' ? name : id;
}

char *export_amount(char *buf, size_t len, const struct export_doc *d, const json_t *v,
                    const char *id)
{
    const char *unit = export_str(indicator_entry(d, id != NULL ? id : ""), "unit");
    char num[FMT_MAX], key[96];
    const char *word;
    double x;

    if (!json_is_number(v)) {
        snprintf(buf, len, "%s", export_label(d->lang, "doc.missing"));
        return buf;
    }
    x = json_number_value(v);
    fmt_quantity(num, sizeof(num), x, d->lang);
    /* A counted unit has a singular and a plural ("1 repas", "2 nuitées");
     * a symbol (L, kg, km) has neither and is written as it is. */
    snprintf(key, sizeof(key), "unit.%s.%s", unit,
             (fmt_is_english(d->lang) ? x == 1.0 : x < 2.0) ? "one" : "other");
    word = export_label(d->lang, key);
    if (word == key)
        word = unit;
    if (word[0] != '\0')
        snprintf(buf, len, "%s %s", num, word);
    else
        snprintf(buf, len, "%s", num);
    return buf;
}
