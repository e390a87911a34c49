/*
 * http.h - request helpers shared by every API handler.
 *
 * One JSON error shape for the whole API:
 *   {"error": {"code": "body_too_large", "message": "...", "field": null}}
 * and one place (http_status_for) that maps EP_E* codes to HTTP statuses.
 * Handlers run on CivetWeb worker threads; everything here is reentrant.
 */
#ifndef EP_HTTP_H
#define EP_HTTP_H

#include <civetweb.h>
#include <jansson.h>
#include <stddef.h>

struct app;
struct db;

/* What a handler gets: all borrowed, valid for the request only. */
struct http_req {
    struct mg_connection *conn;
    const struct mg_request_info *ri;
    struct app *app; /* shared, read-only server state */
    struct db *db;   /* borrowed from the server's pool for this request */
    char *body;      /* owned: the body read before the handler ran, or NULL */
    size_t body_len; /* its length */
    char client[48]; /* http_client_addr()'s answer, "" until asked */
    /* Set by the dispatcher: 1 when the route changes state and an archived
     * production must refuse it (server.c, "frozen_exempt"); auth_request_in
     * answers 409 production_archived then. 0 for reads and exempt routes. */
    int frozen;
};

/*
 * The client's address: the peer's, or, when the peer is the configured
 * --trusted-proxy, the last address of its X-Forwarded-For (the one the
 * proxy itself appended; earlier entries are the client's word). Borrowed
 * from r.
 */
const char *http_client_addr(struct http_req *r);

/*
 * Refuses a request carrying several Content-Length headers that disagree
 * (a request-smuggling pattern: a proxy and this server could read different
 * bodies). Returns 0, or 400 sent, after which the connection is closed.
 */
int http_check_framing(struct http_req *r);

/* The HTTP status for an EP_E* code (500 for unknown codes). */
int http_status_for(int ep_code);

/*
 * Sends {"error":{...}} with status. field may be NULL (sent as null).
 * Returns status, so handlers can `return http_error(...)`.
 */
int http_error(struct http_req *r, int status, const char *code, const char *field, const char *fmt,
               ...) __attribute__((format(printf, 5, 6)));

/*
 * Sends text (len bytes of JSON, borrowed) with status, gzip-encoded when
 * it is at least GZ_MIN_BYTES and the client's Accept-Encoding takes gzip
 * (with "Vary: Accept-Encoding"). Returns status. Every JSON answer goes
 * through here.
 */
int http_send_json_text(struct http_req *r, int status, const char *text, size_t len);

/* Sends body (borrowed) as compact JSON with status. Returns status. */
int http_json(struct http_req *r, int status, const json_t *body);

/* Same as http_json but steals body. */
int http_json_new(struct http_req *r, int status, json_t *body);

/*
 * Reads the whole request body, at most cap bytes (the server may already
 * have read it: then this hands that buffer over, after the same checks). On success returns 0 and
 * *out owns a NUL-terminated buffer (free() it) of *len bytes. On failure the
 * error response is already sent and its status (411, 413, 400) is returned.
 */
int http_read_body(struct http_req *r, size_t cap, char **out, size_t *len);

/*
 * Reads and parses a JSON object body (duplicate keys rejected). Returns 0
 * with *out owning the object, or the status of the error already sent.
 */
int http_read_json(struct http_req *r, json_t **out);

/*
 * Sends a 400 for a json_unpack_ex failure, naming the offending field when
 * Jansson's message does. Returns 400.
 */
int http_unpack_error(struct http_req *r, const json_error_t *err);

/* Sends data (borrowed) as a download of type, named name. Returns 200. */
int http_download(struct http_req *r, const char *type, const char *name, const char *data,
                  size_t len);

/* Adds the headers every response carries (nosniff, CSP, referrer...). */
void http_security_headers(struct mg_connection *conn);

/* The value of the CSP header, for the static file server's options too. */
extern const char http_csp[];

#endif
