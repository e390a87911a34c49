/*
 * mail.h - email messages (RFC 5322 + MIME) and their delivery over SMTP
 * with libcurl.
 *
 * mail_build() writes the whole message as 7-bit text with CRLF lines: a
 * multipart/mixed whose first part is multipart/alternative (a real text
 * part, then the HTML part), then the attachments, every body base64. The
 * outbox stores these exact bytes, so what is retried is what was queued.
 * The HTML part is built by the caller from escaped text (strbuf_html):
 * user text never becomes markup.
 *
 * mail_send() hands one message to one recipient. Thread-safe: each call
 * uses its own curl handle (libcurl >= 7.84 initialises itself safely).
 */
#ifndef EP_MAIL_H
#define EP_MAIL_H

#include "strbuf.h"

#include <stddef.h>

struct ep_error;

struct mail_attachment {
    const char *filename;     /* ASCII, no quotes */
    const char *content_type; /* e.g. "text/calendar; method=REQUEST" */
    const char *data;         /* borrowed */
    size_t len;
};

struct mail_msg {
    const char *from;      /* bare address */
    const char *from_name; /* UTF-8 display name, may be NULL */
    const char *to;        /* bare address */
    const char *to_name;   /* UTF-8, may be NULL */
    const char *subject;   /* UTF-8 */
    const char *text;      /* UTF-8 plain text */
    const char *html;      /* UTF-8 HTML document (already escaped) */
    const struct mail_attachment *att;
    size_t natt;
    const char *lang; /* Content-Language, e.g. "fr" */
};

/*
 * Builds m into *out (free()), *len its size. Returns 0, EP_EINVAL (an
 * address with CR, LF, '<' or '>', or no '@'), EP_ETOOBIG (the message
 * would exceed max bytes: attachments too large) or EP_ENOMEM.
 */
int mail_build(const struct mail_msg *m, size_t max, char **out, size_t *len);

/* Whether addr looks deliverable: one '@', no spaces, controls or <>. */
int mail_address_ok(const char *addr);

struct mail_smtp {
    const char *url;      /* smtp://host:port or smtps://... */
    const char *user;     /* NULL or "" = no AUTH */
    const char *password; /* NULL with no user */
    long timeout_ms;      /* whole transfer */
};

enum mail_outcome {
    MAIL_SENT = 0,    /* the server accepted the message */
    MAIL_RETRY = 1,   /* not reachable, 4xx: try again later */
    MAIL_BOUNCED = 2, /* 5xx on the recipient: the address does not work */
    MAIL_FAILED = 3,  /* other 5xx (sender refused, message too big): give up */
};

/*
 * Sends message (len bytes) from `from` to `to`. Returns the outcome; when
 * not sent, err (may be NULL) receives the SMTP code and libcurl's reason as
 * its message, with EP_EBUSY for MAIL_RETRY, EP_EINVAL and field "to" for
 * MAIL_BOUNCED, EP_EIO for MAIL_FAILED.
 */
enum mail_outcome mail_send(const struct mail_smtp *smtp, const char *from, const char *to,
                            const char *message, size_t len, struct ep_error *err);

#endif
