/* mail.c - building MIME messages and sending them over SMTP (see mail.h). */
#include "mail.h"

#include "err.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define B64_LINE 76

int mail_address_ok(const char *addr)
{
    const char *at;

    if (addr == NULL || strlen(addr) < 3 || strlen(addr) > 254)
        return 0;
    for (const char *c = addr; *c != '\0'; c++)
        if ((unsigned char)*c <= ' ' || *c == '<' || *c == '>' || *c == '"' || *c == ',' ||
            *c == 0x7f)
            return 0;
    at = strchr(addr, '@');
    return at != NULL && at != addr && at[1] != '\0' && strchr(at + 1, '@') == NULL;
}

/* Appends data as base64 in lines of 76 characters, each ended by CRLF. */
static int add_base64(struct strbuf *b, const char *data, size_t len)
{
    size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *text = malloc(n);
    size_t tlen;
    int rc = EP_OK;

    if (text == NULL)
        return EP_ENOMEM;
    sodium_bin2base64(text, n, (const unsigned char *)data, len, sodium_base64_VARIANT_ORIGINAL);
    tlen = strlen(text);
    for (size_t i = 0; rc == EP_OK && i < tlen; i += B64_LINE) {
        size_t k = tlen - i < B64_LINE ? tlen - i : B64_LINE;
        rc = strbuf_add(b, text + i, k);
        if (rc == EP_OK)
            rc = strbuf_str(b, "\r\n");
    }
    free(text);
    return rc;
}

/*
 * Appends an RFC 2047 encoded word for UTF-8 text (base64, "B"), split so
 * no line passes 78 characters: 36 input bytes give 48 of base64, 60 with
 * the markers.
 * Splits only at UTF-8 character starts, as the RFC requires.
 */
static int add_encoded_words(struct strbuf *b, const char *text)
{
    size_t len = strlen(text), i = 0;
    int rc = EP_OK;

    while (rc == EP_OK && i < len) {
        size_t k = len - i < 36 ? len - i : 36;
        char enc[64];
        while (i + k < len && k > 0 && ((unsigned char)text[i + k] & 0xC0) == 0x80)
            k--;
        sodium_bin2base64(enc, sizeof(enc), (const unsigned char *)text + i, k,
                          sodium_base64_VARIANT_ORIGINAL);
        rc = strbuf_printf(b, "%s=?UTF-8?B?%s?=", i > 0 ? "\r\n " : "", enc);
        i += k;
    }
    return rc;
}

static int add_address(struct strbuf *b, const char *header, const char *name, const char *addr)
{
    int rc = strbuf_printf(b, "%s: ", header);
    if (rc == EP_OK && name != NULL && name[0] != '\0') {
        rc = add_encoded_words(b, name);
        if (rc == EP_OK)
            rc = strbuf_str(b, "\r\n "); /* folded: the name may fill the line */
    }
    if (rc == EP_OK)
        rc = strbuf_printf(b, "<%s>\r\n", addr);
    return rc;
}

/* One base64 body part. disposition NULL: inline body. */
static int add_part(struct strbuf *b, const char *boundary, const char *type, const char *filename,
                    const char *data, size_t len)
{
    int rc = strbuf_printf(b, "--%s\r\nContent-Type: %s%s%s%s\r\n", boundary, type,
                           filename != NULL ? ";\r\n name=\"" : "",
                           filename != NULL ? filename : "", filename != NULL ? "\"" : "");
    if (rc == EP_OK && filename != NULL)
        rc = strbuf_printf(b, "Content-Disposition: attachment;\r\n filename=\"%s\"\r\n", filename);
    if (rc == EP_OK)
        rc = strbuf_str(b, "Content-Transfer-Encoding: base64\r\n\r\n");
    if (rc == EP_OK)
        rc = add_base64(b, data, len);
    return rc;
}

static int filename_ok(const char *name)
{
    if (name == NULL || name[0] == '\0')
        return 0;
    for (const char *c = name; *c != '\0'; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e || *c == '"' || *c == '\\')
            return 0;
    return 1;
}

int mail_build(const struct mail_msg *m, size_t max, char **out, size_t *len)
{
    struct strbuf b;
    unsigned char rnd[12];
    char tag[25], mix[40], alt[40], date[64];
    time_t now = time(NULL);
    struct tm tm;
    int rc;

    *out = NULL;
    *len = 0;
    if (!mail_address_ok(m->from) || !mail_address_ok(m->to))
        return EP_EINVAL;
    for (size_t i = 0; i < m->natt; i++)
        if (!filename_ok(m->att[i].filename) || strpbrk(m->att[i].content_type, "\r\n") != NULL)
            return EP_EINVAL;
    /* Random boundaries: base64 bodies never contain "=_", so no part can
     * end the multipart early whatever the user wrote. */
    randombytes_buf(rnd, sizeof(rnd));
    sodium_bin2hex(tag, sizeof(tag), rnd, sizeof(rnd));
    snprintf(mix, sizeof(mix), "=_mix_%s", tag);
    snprintf(alt, sizeof(alt), "=_alt_%s", tag);
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
    strbuf_init(&b, max);
    rc = add_address(&b, "From", m->from_name, m->from);
    if (rc == EP_OK)
        rc = add_address(&b, "To", m->to_name, m->to);
    if (rc == EP_OK)
        rc = strbuf_str(&b, "Subject: ");
    if (rc == EP_OK)
        rc = add_encoded_words(&b, m->subject);
    if (rc == EP_OK)
        rc = strbuf_printf(
            &b,
            "\r\nDate: %s\r\nMessage-ID: <%s@ecoplateau>\r\nMIME-Version: 1.0\r\n"
            "Content-Language: %s\r\nAuto-Submitted: auto-generated\r\n"
            "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n"
            "--%s\r\nContent-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n",
            date, tag, m->lang != NULL ? m->lang : "fr", mix, mix, alt);
    if (rc == EP_OK)
        rc = add_part(&b, alt, "text/plain; charset=UTF-8", NULL, m->text, strlen(m->text));
    if (rc == EP_OK)
        rc = add_part(&b, alt, "text/html; charset=UTF-8", NULL, m->html, strlen(m->html));
    if (rc == EP_OK)
        rc = strbuf_printf(&b, "--%s--\r\n", alt);
    for (size_t i = 0; rc == EP_OK && i < m->natt; i++)
        rc = add_part(&b, mix, m->att[i].content_type, m->att[i].filename, m->att[i].data,
                      m->att[i].len);
    if (rc == EP_OK)
        rc = strbuf_printf(&b, "--%s--\r\n", mix);
    if (rc == EP_OK) {
        *out = strbuf_detach(&b, len);
        rc = *out != NULL ? EP_OK : EP_ENOMEM;
    }
    strbuf_release(&b);
    return rc;
}

struct upload {
    const char *p;
    size_t left;
};

static size_t on_read(char *buf, size_t size, size_t n, void *user)
{
    struct upload *u = user;
    size_t k = size * n < u->left ? size * n : u->left;
    memcpy(buf, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

enum mail_outcome mail_send(const struct mail_smtp *smtp, const char *from, const char *to,
                            const char *message, size_t len, struct ep_error *err)
{
    CURL *c = curl_easy_init();
    struct curl_slist *rcpt = NULL;
    struct upload up = {message, len};
    char errbuf[CURL_ERROR_SIZE] = "", addr[300];
    const char *reason;
    long code = 0;
    CURLcode res;
    enum mail_outcome out = MAIL_RETRY;

    ep_error_clear(err);
    if (c == NULL) {
        ep_error_set(err, EP_EBUSY, NULL, "cannot start libcurl");
        return MAIL_RETRY;
    }
    snprintf(addr, sizeof(addr), "<%s>", to);
    rcpt = curl_slist_append(NULL, addr);
    snprintf(addr, sizeof(addr), "<%s>", from);
    if (rcpt == NULL) {
        ep_error_set(err, EP_EBUSY, NULL, "out of memory");
        goto out;
    }
    curl_easy_setopt(c, CURLOPT_URL, smtp->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, addr);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, smtp->timeout_ms > 0 ? smtp->timeout_ms : 30000L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    /* STARTTLS whenever the server offers it; required before sending a
     * password, so credentials never cross the network in clear. */
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    if (smtp->user != NULL && smtp->user[0] != '\0') {
        curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
        curl_easy_setopt(c, CURLOPT_USERNAME, smtp->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, smtp->password != NULL ? smtp->password : "");
    }
    res = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (res == CURLE_OK) {
        out = MAIL_SENT;
        goto out;
    }
    reason = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(res);
    /* A 5xx is final; on the recipient it says the address does not work
     * (libcurl reports "RCPT failed: <code>"). Anything else, including a
     * server that does not answer, is worth another try later. */
    if (code >= 500 && code < 600)
        out = strstr(errbuf, "RCPT") != NULL ? MAIL_BOUNCED : MAIL_FAILED;
    if (out == MAIL_BOUNCED)
        ep_error_set(err, EP_EINVAL, "to", "%ld %s", code, reason);
    else
        ep_error_set(err, out == MAIL_FAILED ? EP_EIO : EP_EBUSY, NULL, "%ld %s", code, reason);
out:
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    return out;
}
