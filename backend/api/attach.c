/*
 * api_attach.c - photo attachments over HTTP (docs/sync-protocol.md,
 * "Attachments"): the resumable chunk upload, where an upload stands, the
 * bytes, and the office's list. The "attachments" fact itself goes through
 * /api/v1/sync/push like any op; storage and checks are sync/attach.c.
 */
#include "api.h"
#include "app.h"
#include "clock.h"

#include "attach.h"
#include "auth.h"
#include "authz.h"
#include "err.h"
#include "log.h"
#include "production.h"
#include "server.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Storage failures: nothing was stored, the client retries later. */
static int storage_error(struct http_req *r, int rc)
{
    if (rc == EP_EFULL)
        return http_error(r, 503, "storage_full", NULL,
                          "the server's disk is full; nothing was stored, retry later");
    if (rc == EP_EBUSY)
        return http_error(r, 503, "busy", NULL, "the database is busy; retry later");
    return http_error(r, http_status_for(rc), "internal", NULL, "storage error: %s",
                      ep_strerror(rc));
}

static int unknown(struct http_req *r, const char *id)
{
    return http_error(r, 404, "attachment_unknown", NULL,
                      "no attachment '%.64s' in this production: push the attachments record "
                      "first",
                      id);
}

/* An error that also says where the upload stands (the client resumes there). */
static int error_at(struct http_req *r, int status, const char *code, const char *field,
                    int64_t received, const char *msg)
{
    return http_json_new(r, status,
                         json_pack("{s:{s:s, s:s, s:o}, s:I}", "error", "code", code, "message",
                                   msg, "field", field != NULL ? json_string(field) : json_null(),
                                   "received", (json_int_t)received));
}

/* Parses one decimal of at most 15 digits (photos are far below 2^53). */
static int parse_num(const char **p, int64_t *out)
{
    int64_t v = 0;
    int n = 0;

    while (**p >= '0' && **p <= '9' && n < 16) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (n == 0 || n > 15)
        return EP_EINVAL;
    *out = v;
    return EP_OK;
}

/* "bytes START-END/TOTAL" (RFC 9110 14.4) into its three numbers. */
static int parse_range(const char *h, int64_t *start, int64_t *end, int64_t *total)
{
    const char *p = h;

    if (h == NULL || strncmp(p, "bytes ", 6) != 0)
        return EP_EINVAL;
    p += 6;
    if (parse_num(&p, start) != EP_OK || *p++ != '-' || parse_num(&p, end) != EP_OK ||
        *p++ != '/' || parse_num(&p, total) != EP_OK || *p != '\0')
        return EP_EINVAL;
    return *start <= *end && *end < *total ? EP_OK : EP_EINVAL;
}

/* Crew and department heads upload only what they attached themselves. */
static int may_upload(const struct auth_principal *p, const struct attach_fact *f)
{
    if (p->role == SYNC_ROLE_ADMIN || p->role == SYNC_ROLE_ECO_REFERENT)
        return 1;
    if (p->is_device && strcmp(f->dev, p->device_id) == 0)
        return 1;
    return f->member[0] != '\0' && strcmp(f->member, p->member_id) == 0;
}

static json_t *status_json(const struct attach_fact *f, const struct attach_status *st)
{
    return json_pack("{s:s, s:I, s:I, s:b, s:o, s:o}", "id", f->id, "received",
                     (json_int_t)st->received, "size", (json_int_t)st->size, "complete",
                     st->complete, "refused",
                     st->refused[0] != '\0' ? json_string(st->refused) : json_null(), "reason",
                     st->reason[0] != '\0' ? json_string(st->reason) : json_null());
}

/* The status a refusal recorded earlier answers with again. */
static int refused_status(const char *code)
{
    if (strcmp(code, "attachment_too_large") == 0)
        return 413;
    if (strcmp(code, "unsupported_media_type") == 0)
        return 415;
    return 409;
}

/* Checks the chunk's range against the fact and the cap; 0 or the status sent. */
static int check_range(struct http_req *r, const struct attach_fact *f, size_t len, int64_t *start)
{
    int64_t end, total, cap = r->app->cfg->attachment_max;
    const char *h = mg_get_header(r->conn, "Content-Range");
    int rc;

    if (parse_range(h, start, &end, &total) != EP_OK)
        return http_error(r, 400, "invalid_range", "Content-Range",
                          "Content-Range must be 'bytes START-END/TOTAL' with START <= END < "
                          "TOTAL");
    if (total > cap) {
        /* The fact passed an earlier, larger cap: say so to the office too. */
        if (f->size > cap) {
            char reason[ATTACH_REASON_LEN];
            snprintf(reason, sizeof(reason),
                     "photo of %" PRId64 " bytes is over this server's limit of %" PRId64 " bytes",
                     f->size, cap);
            rc = attach_refuse(r->db, f, "attachment_too_large", reason, clock_now_ms());
            if (rc != EP_OK)
                return storage_error(r, rc);
        }
        return http_error(r, 413, "attachment_too_large", "Content-Range",
                          "photo of %" PRId64 " bytes is over this server's limit of %" PRId64
                          " bytes",
                          total, cap);
    }
    if (total != f->size)
        return http_error(r, 400, "invalid_range", "Content-Range",
                          "TOTAL is %" PRId64 " but the attachment declares %" PRId64 " bytes",
                          total, f->size);
    if ((uint64_t)(end - *start + 1) != (uint64_t)len)
        return http_error(r, 400, "invalid_range", "Content-Range",
                          "the body is %zu bytes but Content-Range announces %" PRId64, len,
                          end - *start + 1);
    return 0;
}

static int chunk_answer(struct http_req *r, const struct attach_fact *f, enum attach_outcome o,
                        const struct attach_status *st)
{
    char msg[400];

    switch (o) {
    case ATTACH_STORED:
    case ATTACH_DUPLICATE:
    case ATTACH_COMPLETE:
        return http_json_new(r, 200,
                             json_pack("{s:s, s:I, s:I, s:b}", "id", f->id, "received",
                                       (json_int_t)st->received, "size", (json_int_t)st->size,
                                       "complete", st->complete));
    case ATTACH_OFFSET_MISMATCH:
        snprintf(msg, sizeof(msg), "the server holds %" PRId64 " bytes: send from byte %" PRId64,
                 st->received, st->received);
        return error_at(r, 409, "offset_mismatch", "Content-Range", st->received, msg);
    case ATTACH_CHECKSUM_MISMATCH:
        return error_at(r, 422, "checksum_mismatch", "sha256", 0, st->reason);
    case ATTACH_UNSUPPORTED:
        return http_error(r, 415, "unsupported_media_type", "content_type", "%s", st->reason);
    case ATTACH_REFUSED:
        return http_error(r, refused_status(st->refused), st->refused, NULL,
                          "this photo was refused: %s", st->reason);
    }
    return http_error(r, 500, "internal", NULL, "unexpected upload outcome");
}

int api_attach_put(struct http_req *r)
{
    struct auth_principal p;
    struct attach_fact f;
    struct attach_status st;
    enum attach_outcome outcome;
    char id[80];
    char *body = NULL;
    size_t len = 0;
    int64_t start = 0;
    int status, rc;

    status = http_read_body(r, ATTACH_CHUNK_MAX, &body, &len);
    if (status != 0)
        return status;
    status = auth_request(r, body, len, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_SYNC_PUSH);
    if (status != 0)
        goto out;
    /* Frozen like pushes: on an archived production auth_request answered
     * 409 and the phone keeps the photo. */
    if (server_path_param(r, 0, id, sizeof(id)) != EP_OK) {
        status = unknown(r, "");
        goto out;
    }
    rc = attach_fact_get(r->db, p.production_id, id, &f);
    if (rc == EP_ENOTFOUND) {
        status = unknown(r, id);
        goto out;
    }
    if (rc != EP_OK) {
        status = storage_error(r, rc);
        goto out;
    }
    if (!may_upload(&p, &f)) {
        status = http_error(r, 403, "forbidden", NULL,
                            "only the person who attached this photo (or the office) uploads it");
        goto out;
    }
    if (len == 0) {
        status = http_error(r, 400, "invalid_range", "Content-Range",
                            "a chunk carries at least one byte");
        goto out;
    }
    status = check_range(r, &f, len, &start);
    if (status != 0)
        goto out;
    rc = attach_put_chunk(r->db, &f, start, (const unsigned char *)body, len, clock_now_ms(),
                          &outcome, &st);
    if (rc != EP_OK) {
        status = storage_error(r, rc);
        goto out;
    }
    if (outcome == ATTACH_COMPLETE)
        LOG_INFO("attach.complete", "%s %s %" PRId64 " bytes", p.production_id, f.id, f.size);
    else if (outcome == ATTACH_UNSUPPORTED || outcome == ATTACH_CHECKSUM_MISMATCH)
        LOG_INFO("attach.refused", "%s %s: %s", p.production_id, f.id, st.reason);
    status = chunk_answer(r, &f, outcome, &st);
out:
    free(body);
    return status;
}

int api_attach_status(struct http_req *r)
{
    struct auth_principal p;
    struct attach_fact f;
    struct attach_status st;
    char id[80];
    int status, rc;

    status = auth_request(r, NULL, 0, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_SYNC_PULL);
    if (status != 0)
        return status;
    if (server_path_param(r, 0, id, sizeof(id)) != EP_OK)
        return unknown(r, "");
    rc = attach_fact_get(r->db, p.production_id, id, &f);
    if (rc == EP_ENOTFOUND)
        return unknown(r, id);
    if (rc == EP_OK)
        rc = attach_status_get(r->db, &f, &st);
    if (rc != EP_OK)
        return storage_error(r, rc);
    return http_json_new(r, 200, status_json(&f, &st));
}

int api_attach_get(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], id[80], type[16], clen[32];
    unsigned char *data = NULL;
    size_t len = 0;
    int status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    int rc;

    if (status != 0)
        return status;
    if (server_path_param(r, 1, id, sizeof(id)) != EP_OK)
        return unknown(r, "");
    rc = attach_blob_get(r->db, prod, id, &data, &len, type);
    if (rc == EP_ENOTFOUND)
        return unknown(r, id);
    if (rc == EP_ECONFLICT)
        return http_error(r, 404, "attachment_incomplete", NULL,
                          "the photo '%.64s' has not been received whole (or was refused)", id);
    if (rc != EP_OK)
        return storage_error(r, rc);
    snprintf(clen, sizeof(clen), "%zu", len);
    mg_response_header_start(r->conn, 200);
    mg_response_header_add(r->conn, "Content-Type", type, -1);
    mg_response_header_add(r->conn, "Content-Length", clen, -1);
    /* The bytes of an id never change (a new photo is a new fact). */
    mg_response_header_add(r->conn, "Cache-Control", "private, max-age=31536000, immutable", -1);
    http_security_headers(r->conn); /* X-Content-Type-Options: nosniff among them */
    mg_response_header_send(r->conn);
    if (strcmp(r->ri->request_method, "HEAD") != 0)
        mg_write(r->conn, data, len);
    free(data);
    return 200;
}

int api_attach_list(struct http_req *r)
{
    static const char *const targets[] = {"readings", "actions", "tasks", "communications",
                                          "checkpoints"};
    const char *q = r->ri->query_string != NULL ? r->ri->query_string : "";
    struct auth_principal p;
    char prod[80], col[40] = "", tid[80] = "";
    json_t *list = NULL;
    int status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    int has_col, has_id, ok = 0, rc;

    if (status != 0)
        return status;
    has_col = mg_get_var(q, strlen(q), "target_col", col, sizeof(col));
    has_id = mg_get_var(q, strlen(q), "target_id", tid, sizeof(tid));
    if (has_col == -2 || has_id == -2 || (has_id >= 0 && strlen(tid) > 64))
        return http_error(r, 400, "invalid_request", has_col == -2 ? "target_col" : "target_id",
                          "query parameter too long");
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
        ok |= strcmp(col, targets[i]) == 0;
    if (has_col >= 0 && !ok)
        return http_error(r, 400, "invalid_request", "target_col",
                          "target_col must be readings, actions, tasks, communications or "
                          "checkpoints");
    rc = attach_list(r->db, prod, has_col >= 0 ? col : NULL, has_id >= 0 ? tid : NULL, &list);
    if (rc != EP_OK)
        return storage_error(r, rc);
    return http_json_new(r, 200, json_pack("{s:o}", "attachments", list));
}
