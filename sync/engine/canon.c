/*
 * canon.c - the canonical text of JSON values (rules in canon.h).
 *
 * Jansson's json_dumps is not used for it because it writes reals with 17
 * significant digits and a forced ".0" (5.0, 0.10000000000000001, -0.0),
 * where a phone writes 5, 0.1 and 0: the same value would have two texts.
 */
#include "canon.h"

#include "err.h"
#include "strbuf.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Big enough for any op (SYNC_MAX_OP_BYTES) and any merged record state. */
#define CANON_MAX_BYTES ((size_t)64 * 1024 * 1024)

/*
 * Shortest digits that read back as d (ECMAScript Number::toString step 5):
 * the first precision whose correctly rounded %e form round-trips is the
 * smallest k, and that rounding is the closest k-digit candidate.
 * Fills digits (no sign, no point) and returns k; *n is the decimal
 * exponent such that value = 0.digits * 10^n.
 */
static int shortest_digits(double d, char digits[20], int *n)
{
    char buf[CANON_NUMBER_MAX];
    int k = 0;

    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*e", prec - 1, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    /* buf is "D[.DDD]e[+-]XX" for a positive d. */
    for (const char *p = buf; *p != 'e'; p++) {
        if (*p != '.')
            digits[k++] = *p;
    }
    digits[k] = '\0';
    while (k > 1 && digits[k - 1] == '0')
        digits[--k] = '\0';
    *n = (int)strtol(strchr(buf, 'e') + 1, NULL, 10) + 1;
    return k;
}

int canon_number(double d, char *out)
{
    char digits[20];
    char *p = out;
    int k, n;

    if (!isfinite(d))
        return -1;
    if (d == 0) /* 0 and -0 */
        return (int)(stpcpy(out, "0") - out);
    if (d < 0) {
        *p++ = '-';
        d = -d;
    }
    k = shortest_digits(d, digits, &n);
    if (k <= n && n <= 21) {
        p = stpcpy(p, digits);
        for (int i = 0; i < n - k; i++)
            *p++ = '0';
    } else if (0 < n && n <= 21) {
        memcpy(p, digits, (size_t)n);
        p += n;
        *p++ = '.';
        p = stpcpy(p, digits + n);
    } else if (-6 < n && n <= 0) {
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -n; i++)
            *p++ = '0';
        p = stpcpy(p, digits);
    } else {
        *p++ = digits[0];
        if (k > 1) {
            *p++ = '.';
            p = stpcpy(p, digits + 1);
        }
        p += sprintf(p, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
    }
    *p = '\0';
    assert(p - out < CANON_NUMBER_MAX);
    return (int)(p - out);
}

static int add_string(struct strbuf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;
    int rc = strbuf_add(b, "\"", 1);

    for (size_t i = 0; i < len && rc == EP_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[7] = "\\u00";
        const char *e = NULL;
        if (c == '"')
            e = "\\\"";
        else if (c == '\\')
            e = "\\\\";
        else if (c == '\b')
            e = "\\b";
        else if (c == '\f')
            e = "\\f";
        else if (c == '\n')
            e = "\\n";
        else if (c == '\r')
            e = "\\r";
        else if (c == '\t')
            e = "\\t";
        else if (c < 0x20) {
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            esc[6] = '\0';
            e = esc;
        }
        if (e == NULL)
            continue;
        rc = strbuf_add(b, s + start, i - start);
        if (rc == EP_OK)
            rc = strbuf_str(b, e);
        start = i + 1;
    }
    if (rc == EP_OK)
        rc = strbuf_add(b, s + start, len - start);
    if (rc == EP_OK)
        rc = strbuf_add(b, "\"", 1);
    return rc;
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int add_value(struct strbuf *b, const json_t *v);

static int add_object(struct strbuf *b, const json_t *obj)
{
    size_t n = json_object_size(obj), i = 0;
    const char **keys = malloc((n > 0 ? n : 1) * sizeof(*keys));
    const char *key;
    json_t *val;
    int rc;

    if (keys == NULL)
        return EP_ENOMEM;
    json_object_foreach((json_t *)obj, key, val)
    {
        keys[i++] = key;
    }
    assert(i == n);
    qsort(keys, n, sizeof(*keys), cmp_keys);
    rc = strbuf_add(b, "{", 1);
    for (i = 0; i < n && rc == EP_OK; i++) {
        if (i > 0)
            rc = strbuf_add(b, ",", 1);
        if (rc == EP_OK)
            rc = add_string(b, keys[i], strlen(keys[i]));
        if (rc == EP_OK)
            rc = strbuf_add(b, ":", 1);
        if (rc == EP_OK)
            rc = add_value(b, json_object_get(obj, keys[i]));
    }
    if (rc == EP_OK)
        rc = strbuf_add(b, "}", 1);
    free(keys);
    return rc;
}

static int add_value(struct strbuf *b, const json_t *v)
{
    char num[CANON_NUMBER_MAX];
    int rc = EP_OK;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return add_object(b, v);
    case JSON_ARRAY:
        rc = strbuf_add(b, "[", 1);
        for (size_t i = 0; i < json_array_size(v) && rc == EP_OK; i++) {
            if (i > 0)
                rc = strbuf_add(b, ",", 1);
            if (rc == EP_OK)
                rc = add_value(b, json_array_get(v, i));
        }
        return rc == EP_OK ? strbuf_add(b, "]", 1) : rc;
    case JSON_STRING:
        return add_string(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER: {
        json_int_t i = json_integer_value(v);
        /* Within ±2^53 a double holds the integer exactly: print it as is. */
        if (i >= -(INT64_C(1) << 53) && i <= (INT64_C(1) << 53))
            return strbuf_printf(b, "%" JSON_INTEGER_FORMAT, i);
        canon_number((double)i, num);
        return strbuf_str(b, num);
    }
    case JSON_REAL:
        if (canon_number(json_real_value(v), num) < 0)
            return EP_EINVAL;
        return strbuf_str(b, num);
    case JSON_TRUE:
        return strbuf_str(b, "true");
    case JSON_FALSE:
        return strbuf_str(b, "false");
    case JSON_NULL:
        return strbuf_str(b, "null");
    }
    return EP_EINVAL;
}

char *canon_dumps(const json_t *value)
{
    struct strbuf b;
    char *text = NULL;

    if (value == NULL)
        return NULL;
    strbuf_init(&b, CANON_MAX_BYTES);
    if (add_value(&b, value) == EP_OK)
        text = strbuf_detach(&b, NULL);
    strbuf_release(&b);
    return text;
}
