/* http.c - body reading, JSON responses and the error shape (see http.h). */
#include "http.h"

#include "gz.h"
#include "jsonin.h"

#include "app.h"
#include "clock.h"
#include "connlimit.h"
#include "err.h"
#include "log.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* No 'unsafe-inline' anywhere: the PWA keeps scripts and styles in files. */
const char http_csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                        "img-src 'self' data: blob:; media-src 'self' blob:; "
                        "connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
                        "object-src 'none'; base-uri 'none'; form-action 'self'; "
                        "frame-ancestors 'none'";

int http_status_for(int ep_code)
{
    switch (ep_code) {
    case EP_OK:
        return 200;
    case EP_EINVAL:
        return 400;
    case EP_EAUTH:
        return 401;
    case EP_EFORBIDDEN:
        return 403;
    case EP_ENOTFOUND:
        return 404;
    case EP_ECONFLICT:
    case EP_ESCHEMA:
        return 409;
    case EP_ETOOBIG:
        return 413;
    case EP_EBUSY:
    case EP_EFULL:
        return 503;
    default:
        return 500;
    }
}

void http_security_headers(struct mg_connection *conn)
{
    mg_response_header_add(conn, "X-Content-Type-Options", "nosniff", -1);
    mg_response_header_add(conn, "Referrer-Policy", "no-referrer", -1);
    mg_response_header_add(conn, "Content-Security-Policy", http_csp, -1);
    mg_response_header_add(conn, "X-Frame-Options", "DENY", -1);
}

int http_send_json_text(struct http_req *r, int status, const char *text, size_t len)
{
    char clen[32];
    unsigned char *gz = NULL;
    size_t gzlen = 0;
    const void *body = text;

    /* A phone on EDGE pays for every byte: JSON answers over 1 KiB shrink
     * 4-10x with gzip. A failed compression just sends the text. */
    if (len >= GZ_MIN_BYTES && gz_accepted(mg_get_header(r->conn, "Accept-Encoding")) &&
        gz_compress(text, len, &gz, &gzlen) == EP_OK && gzlen < len) {
        body = gz;
        len = gzlen;
    }
    snprintf(clen, sizeof(clen), "%zu", len);
    mg_response_header_start(r->conn, status);
    mg_response_header_add(r->conn, "Content-Type", "application/json; charset=utf-8", -1);
    mg_response_header_add(r->conn, "Content-Length", clen, -1);
    if (body == gz)
        mg_response_header_add(r->conn, "Content-Encoding", "gzip", -1);
    /* Caches between us and a phone must key on the encoding asked for. */
    mg_response_header_add(r->conn, "Vary", "Accept-Encoding", -1);
    /* API answers are personal and change: never cached by the browser or
     * the service worker's HTTP cache (the PWA keeps its own copy). */
    mg_response_header_add(r->conn, "Cache-Control", "no-store", -1);
    http_security_headers(r->conn);
    mg_response_header_send(r->conn);
    if (len > 0 && strcmp(r->ri->request_method, "HEAD") != 0)
        mg_write(r->conn, body, len);
    free(gz);
    return status;
}

static int send_text(struct http_req *r, int status, const char *text, size_t len)
{
    return http_send_json_text(r, status, text, len);
}

int http_json(struct http_req *r, int status, const json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    int rc;

    if (text == NULL) {
        static const char oom[] =
            "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\",\"field\":null}}";
        return send_text(r, 500, oom, sizeof(oom) - 1);
    }
    rc = send_text(r, status, text, strlen(text));
    free(text);
    return rc;
}

int http_json_new(struct http_req *r, int status, json_t *body)
{
    int rc;
    if (body == NULL) {
        return http_error(r, 500, "internal", NULL, "out of memory");
    }
    rc = http_json(r, status, body);
    json_decref(body);
    return rc;
}

int http_error(struct http_req *r, int status, const char *code, const char *field, const char *fmt,
               ...)
{
    char msg[512];
    va_list ap;
    json_t *body;

    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap); /* a truncated message is still a message */
    va_end(ap);
    /* "field" is always present, null when the error is not about one field. */
    body = json_pack("{s:{s:s, s:s, s:o}}", "error", "code", code, "message", msg, "field",
                     field != NULL ? json_string(field) : json_null());
    if (status >= 500)
        LOG_ERROR("http.error", "%s %s -> %d %s: %s", r->ri->request_method, r->ri->local_uri,
                  status, code, msg);
    else
        LOG_DEBUG("http.refused", "%s %s -> %d %s: %s", r->ri->request_method, r->ri->local_uri,
                  status, code, msg);
    return http_json_new(r, status, body);
}

const char *http_client_addr(struct http_req *r)
{
    const char *proxy = r->app->cfg->trusted_proxy;
    const char *xff, *last;
    unsigned char bin[16];
    char ip[48];
    size_t n;

    if (r->client[0] != '\0')
        return r->client;
    snprintf(r->client, sizeof(r->client), "%s", r->ri->remote_addr);
    if (proxy[0] == '\0' || strcmp(r->ri->remote_addr, proxy) != 0)
        return r->client;
    xff = mg_get_header(r->conn, "X-Forwarded-For");
    if (xff == NULL)
        return r->client;
    last = strrchr(xff, ',');
    last = last != NULL ? last + 1 : xff;
    while (*last == ' ')
        last++;
    n = strcspn(last, " ");
    if (n == 0 || n >= sizeof(ip))
        return r->client;
    memcpy(ip, last, n);
    ip[n] = '\0';
    /* Only an address: anything else stays the proxy's. */
    if (inet_pton(AF_INET, ip, bin) == 1 || inet_pton(AF_INET6, ip, bin) == 1)
        snprintf(r->client, sizeof(r->client), "%s", ip);
    return r->client;
}

int http_check_framing(struct http_req *r)
{
    const char *first = NULL;

    for (int i = 0; i < r->ri->num_headers; i++) {
        const char *name = r->ri->http_headers[i].name, *value = r->ri->http_headers[i].value;
        if (name == NULL || value == NULL || strcasecmp(name, "Content-Length") != 0)
            continue;
        if (first == NULL) {
            first = value;
        } else if (strcmp(first, value) != 0) {
            int status =
                http_error(r, 400, "bad_framing", NULL,
                           "conflicting Content-Length headers ('%s' and '%s')", first, value);
            connlimit_cut(r->app->port, r->ri->remote_addr, r->ri->remote_port);
            return status;
        }
    }
    return 0;
}

int http_read_body(struct http_req *r, size_t cap, char **out, size_t *len)
{
    long long want = r->ri->content_length;
    char *buf = NULL;
    size_t got = 0;
    int64_t deadline;

    *out = NULL;
    *len = 0;
    if (want < 0)
        return http_error(r, 411, "length_required", NULL,
                          "a request body needs a Content-Length header");
    if ((unsigned long long)want > cap)
        return http_error(r, 413, "body_too_large", NULL,
                          "request body of %lld bytes exceeds the limit of %zu bytes", want, cap);
    if (r->body != NULL) {
        *out = r->body;
        *len = r->body_len;
        r->body = NULL;
        return 0;
    }
    buf = malloc((size_t)want + 1);
    if (buf == NULL)
        return http_error(r, 503, "busy", NULL, "out of memory, try again later");
    /* mg_read may return less than asked: loop until the declared length.
     * CivetWeb's request timeout bounds each read, not the body: a client
     * sending a byte a second would hold this worker for ever. The body must
     * arrive whole within the request timeout (docs/security.md). */
    deadline = clock_mono_ms() + r->app->cfg->request_timeout_ms;
    while (got < (size_t)want) {
        int n = mg_read(r->conn, buf + got, (size_t)want - got);
        if (n <= 0) {
            free(buf);
            return http_error(r, 400, "body_incomplete", NULL,
                              "request body ended after %zu of %lld bytes", got, want);
        }
        got += (size_t)n;
        if (got < (size_t)want && clock_mono_ms() > deadline) {
            free(buf);
            int status = http_error(r, 408, "request_timeout", NULL,
                                    "request body not received within %d ms (%zu of %lld bytes)",
                                    r->app->cfg->request_timeout_ms, got, want);
            /* The rest is still trickling in: CivetWeb would read it all
             * before the next request. End the connection after the answer. */
            connlimit_cut(r->app->port, r->ri->remote_addr, r->ri->remote_port);
            return status;
        }
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return 0;
}

int http_read_json(struct http_req *r, json_t **out)
{
    char *body = NULL;
    size_t len = 0;
    json_error_t err;
    json_t *root;
    int status;

    *out = NULL;
    status = http_read_body(r, r->app->cfg->max_body, &body, &len);
    if (status != 0)
        return status;
    root = jsonin_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
    free(body);
    if (root == NULL)
        return http_error(r, 400, "malformed_json", NULL, "malformed JSON at line %d column %d: %s",
                          err.line, err.column, err.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return http_error(r, 400, "malformed_json", NULL, "the body must be a JSON object");
    }
    *out = root;
    return 0;
}

int http_unpack_error(struct http_req *r, const json_error_t *err)
{
    /* Jansson names the key in the message ("Object item not found: x" in
     * 2.14, "Object item not present: x" before it, "1 object item(s) left
     * unpacked: x"); the 'source' gives the position inside the format,
     * useless to clients. Looking for "not present" only answered every
     * missing key with "field": null. */
    const char *field = NULL;
    char name[128] = "";
    const char *colon = strrchr(err->text, ':');

    if (colon != NULL &&
        (strstr(err->text, "not found") != NULL || strstr(err->text, "not present") != NULL ||
         strstr(err->text, "left unpacked") != NULL)) {
        snprintf(name, sizeof(name), "%s",
                 colon + 2 <= err->text + strlen(err->text) ? colon + 2 : "");
        if (name[0] != '\0')
            field = name;
    }
    return http_error(r, 400, "invalid_request", field, "%s", err->text);
}

int http_download(struct http_req *r, const char *type, const char *name, const char *data,
                  size_t len)
{
    char clen[32], disp[192];

    snprintf(clen, sizeof(clen), "%zu", len);
    snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", name);
    mg_response_header_start(r->conn, 200);
    mg_response_header_add(r->conn, "Content-Type", type, -1);
    mg_response_header_add(r->conn, "Content-Length", clen, -1);
    mg_response_header_add(r->conn, "Content-Disposition", disp, -1);
    mg_response_header_add(r->conn, "Cache-Control", "no-store", -1);
    http_security_headers(r->conn);
    mg_response_header_send(r->conn);
    if (strcmp(r->ri->request_method, "HEAD") != 0)
        mg_write(r->conn, data, len);
    return 200;
}
