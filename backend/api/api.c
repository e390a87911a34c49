/*
 * api.c - the helpers every handler file shares: request bodies as JSON
 * objects, path ids, authentication of production-scoped routes, ?today=,
 * links back to this server (see api.h).
 */
#include "api.h"
#include "app.h"
#include "clock.h"
#include "commstore.h"
#include "jsonin.h"

#include "auth.h"
#include "authz.h"
#include "carbon.h"
#include "err.h"
#include "fmt.h"
#include "ids.h"
#include "production.h"
#include "server.h"
#include "sync.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int api_parse_object(struct http_req *r, const char *body, size_t len, json_t **out)
{
    json_error_t err;
    json_t *root = jsonin_loadb(body, len, JSON_REJECT_DUPLICATES, &err);

    *out = NULL;
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

int api_path_id(struct http_req *r, int n, char *buf, size_t len)
{
    if (server_path_param(r, n, buf, len) != EP_OK || !ids_valid(buf))
        return http_error(r, 404, "not_found", NULL, "no such resource");
    return 0;
}

void api_new_id(const char *prefix, char *buf, size_t len)
{
    unsigned char raw[8];
    char hex[17];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    snprintf(buf, len, "%s%s", prefix, hex);
}

int api_is_localhost(struct http_req *r)
{
    const char *host = mg_get_header(r->conn, "Host");
    size_t n;

    if (host == NULL)
        return 0;
    n = strcspn(host, host[0] == '[' ? "]" : ":");
    if (host[0] == '[')
        return strncmp(host, "[::1]", 5) == 0;
    return (n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
           (n == 9 && strncmp(host, "127.0.0.1", 9) == 0);
}

void api_origin(struct http_req *r, char *buf, size_t len)
{
    const char *host = mg_get_header(r->conn, "Host");
    int ok = host != NULL && host[0] != '\0' && strlen(host) < 200;

    if (r->app->cfg->public_url[0] != '\0') {
        snprintf(buf, len, "%s", r->app->cfg->public_url);
        return;
    }

    for (const char *c = host; ok && *c != '\0'; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '-' || *c == ':' || *c == '[' || *c == ']'))
            ok = 0;
    }
    snprintf(buf, len, "%s://%s", ok && api_is_localhost(r) ? "http" : "https",
             ok ? host : "localhost");
}

int api_today_param(struct http_req *r, char *today)
{
    const char *q = r->ri->query_string;
    char v[16] = ""; /* room to see a value longer than a date */
    long day;

    /* Present means checked: an empty, overlong or impossible date
     * (2026-02-30) is refused rather than replaced by the server's. */
    if (q != NULL && mg_get_var(q, strlen(q), "today", v, sizeof(v)) != -1) {
        if (production_day(v, &day) != EP_OK)
            return http_error(r, 400, "invalid_request", "today",
                              "today must be a date YYYY-MM-DD");
        memcpy(today, v, 11);
        return 0;
    }
    {
        time_t t = (time_t)(clock_now_ms() / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(today, 11, "%Y-%m-%d", &tm);
    }
    return 0;
}

/* 1 with lang set when the member's preferences record <prefix><member>
 * holds a language, else 0. */
static int member_lang(struct db *db, const char *production_id, const char *prefix,
                       const char *member, char *lang)
{
    char rid[96];
    json_t *fields = NULL;
    const char *l;
    int found = 0;

    snprintf(rid, sizeof(rid), "%s%s", prefix, member);
    if (sync_record_get(db, production_id, "preferences", rid, &fields) == EP_OK) {
        l = json_string_value(json_object_get(fields, "language"));
        if (l != NULL && (strcmp(l, "fr") == 0 || strcmp(l, "en") == 0)) {
            memcpy(lang, l, 3);
            found = 1;
        }
    }
    json_decref(fields);
    return found;
}

int api_lang_param(struct http_req *r, const struct auth_principal *p, char *lang)
{
    const char *q = r->ri->query_string;
    char asked[8];

    if (q != NULL && mg_get_var(q, strlen(q), "lang", asked, sizeof(asked)) != -1) {
        if (strcmp(asked, "fr") != 0 && strcmp(asked, "en") != 0)
            return http_error(r, 400, "invalid_request", "lang", "lang must be fr or en");
        memcpy(lang, asked, 3); /* "fr" or "en" and its NUL */
        return 0;
    }
    snprintf(lang, 3, "fr");
    /* A storage error here only costs the person their language: French. */
    if (p->member_id[0] != '\0' && p->production_id[0] != '\0' &&
        !member_lang(r->db, p->production_id, "self-", p->member_id, lang))
        (void)member_lang(r->db, p->production_id, "office-", p->member_id, lang);
    return 0;
}

char *api_file_name(struct http_req *r, const char *prod, const char *prefix, const char *suffix,
                    char *buf, size_t len)
{
    char title[256] = "", slug[80];

    /* A storage error only costs the name its title: "production". */
    if (commstore_production_title(r->db, prod, title, sizeof(title)) != EP_OK ||
        fmt_slug(slug, sizeof(slug), title)[0] == '\0')
        snprintf(slug, sizeof(slug), "production");
    snprintf(buf, len, "%s%s%s%s", prefix, prefix[0] != '\0' ? "-" : "", slug, suffix);
    return buf;
}

int api_authorise(struct http_req *r, const char *body, size_t len, enum authz_action action,
                  char *prod, size_t plen, struct auth_principal *p)
{
    int status;

    /* A malformed id names no production: 404 before any lookup. */
    if (server_path_param(r, 0, prod, plen) != EP_OK || !ids_valid(prod))
        return http_error(r, 404, "not_found", NULL, "no such production");
    status = auth_request_in(r, body, len, prod, 1, p);
    if (status == 0)
        status = auth_require(r, p, action);
    return status;
}

int api_storage_error(struct http_req *r, int rc, const char *what)
{
    return http_error(r, http_status_for(rc), "internal", NULL, "cannot %s: %s", what,
                      ep_strerror(rc));
}

int api_error(struct http_req *r, int status, const char *code, const struct ep_error *err)
{
    return http_error(r, status, code, ep_error_field(err), "%s",
                      err->message[0] != '\0' ? err->message : ep_strerror(err->code));
}

void api_opts_now(struct sync_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->now_ms = clock_now_ms();
    o->authorize = authz_sync_op;
    o->can_read = authz_sync_read;
    o->validate = carbon_validate_op; /* readings: known indicator, its unit */
}
