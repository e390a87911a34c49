/*
 * strbuf.h - a growable text buffer with a hard cap fixed at init (curl's
 * dynbuf): every buffer fed by data we do not control has a ceiling.
 * Not thread-safe; one owner at a time.
 */
#ifndef EP_STRBUF_H
#define EP_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *p;    /* NUL-terminated text, owned; NULL until the first append */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* appends beyond this many bytes fail with EP_ETOOBIG */
};

/* Initializes b, empty, with a ceiling of max bytes. Allocates nothing. */
void strbuf_init(struct strbuf *b, size_t max);

/* Appends n bytes of s. Returns 0, EP_ETOOBIG or EP_ENOMEM (b unchanged). */
int strbuf_add(struct strbuf *b, const char *s, size_t n);

/* Appends a NUL-terminated string. */
int strbuf_str(struct strbuf *b, const char *s);

/* Appends text escaped for HTML (& < > " '), so user text is shown, never
 * run or read as markup. Same results as strbuf_add. */
int strbuf_html(struct strbuf *b, const char *text);

/* Appends printf-formatted text. */
int strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Hands the text to the caller (free() it; never NULL on success: an empty
 * buffer gives ""), leaving b empty. Returns NULL only on OOM. */
char *strbuf_detach(struct strbuf *b, size_t *len);

/* Frees the text and empties b. */
void strbuf_release(struct strbuf *b);

#endif
