/* strbuf.c - capped growable text buffer (see strbuf.h). */
#include "strbuf.h"

#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(struct strbuf *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

static int grow(struct strbuf *b, size_t need)
{
    size_t ncap = b->cap == 0 ? 1024 : b->cap;
    char *np;

    if (need > b->max)
        return EP_ETOOBIG;
    while (ncap < need)
        ncap *= 2;
    if (ncap > b->max + 1)
        ncap = b->max + 1;
    np = realloc(b->p, ncap);
    if (np == NULL)
        return EP_ENOMEM;
    b->p = np;
    b->cap = ncap;
    return EP_OK;
}

int strbuf_add(struct strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        int rc = grow(b, b->len + n + 1);
        if (rc != EP_OK)
            return rc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return EP_OK;
}

int strbuf_str(struct strbuf *b, const char *s)
{
    return strbuf_add(b, s, strlen(s));
}

int strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return EP_EINVAL;
    if ((size_t)n < sizeof(small))
        return strbuf_add(b, small, (size_t)n);
    {
        char *big = malloc((size_t)n + 1);
        int rc;
        if (big == NULL)
            return EP_ENOMEM;
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        rc = strbuf_add(b, big, (size_t)n);
        free(big);
        return rc;
    }
}

char *strbuf_detach(struct strbuf *b, size_t *len)
{
    char *p = b->p;

    if (p == NULL)
        p = calloc(1, 1);
    if (len != NULL)
        *len = b->len;
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

void strbuf_release(struct strbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
}

int strbuf_html(struct strbuf *b, const char *text)
{
    int rc = EP_OK;

    for (const char *c = text; rc == EP_OK && *c != '\0'; c++) {
        switch (*c) {
        case '&':
            rc = strbuf_str(b, "&amp;");
            break;
        case '<':
            rc = strbuf_str(b, "&lt;");
            break;
        case '>':
            rc = strbuf_str(b, "&gt;");
            break;
        case '"':
            rc = strbuf_str(b, "&quot;");
            break;
        case '\'':
            rc = strbuf_str(b, "&#39;");
            break;
        default:
            rc = strbuf_add(b, c, 1);
        }
    }
    return rc;
}
