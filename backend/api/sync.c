/*
 * api_sync.c - the sync endpoints (docs/sync-protocol.md): push, pull,
 * conflicts and their resolution, quarantine. Parse, authenticate, call the
 * engine, answer; the merge rules live in sync/ only.
 */
#include "api.h"
#include "app.h"
#include "clock.h"
#include "jsonin.h"

#include "attach.h"
#include "auth.h"
#include "authz.h"
#include "carbon.h"
#include "comms.h"
#include "directory.h"
#include "err.h"
#include "gz.h"
#include "log.h"
#include "metrics.h"
#include "prefs.h"
#include "production.h"
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int api_sync_actor(struct http_req *r, const struct auth_principal *p, struct sync_actor *a,
                   struct api_actor_buf *buf)
{
    int rc;

    auth_actor(p, a);
    if (!p->is_device) {
        snprintf(buf->dev, sizeof(buf->dev), "office-%s", p->account_id);
        a->device_id = buf->dev;
    }
    /* Without its company space a company record would land in the
     * production: refuse the request rather than misfile it. */
    rc = directory_space(r->db, p->production_id, buf->space, sizeof(buf->space));
    if (rc != EP_OK)
        return rc;
    a->company_space = buf->space;
    return EP_OK;
}

/* What push_validate needs: the production (readings are checked against
 * its dates and fleet) and the server's attachment cap. */
struct push_ctx {
    struct carbon_vctx carbon;
    const int64_t *attachment_max;
};

/* Pushes check both domains that have rules beyond their field spec:
 * readings (carbon) and attachments, whose size cap is the server's. */
static int push_validate(void *ctx, struct db *db, const struct sync_op *op, char *code,
                         size_t codelen, char *reason, size_t reasonlen)
{
    const struct push_ctx *pc = ctx;
    int rc = carbon_validate_op((void *)&pc->carbon, db, op, code, codelen, reason, reasonlen);
    if (rc == EP_OK)
        rc = attach_validate_op((void *)pc->attachment_max, db, op, code, codelen, reason,
                                reasonlen);
    if (rc == EP_OK)
        rc = prefs_validate_op(NULL, db, op, code, codelen, reason, reasonlen);
    return rc;
}

/* Storage failures of a whole request: nothing was applied, retry later. */
static int storage_error(struct http_req *r, int rc)
{
    if (rc == EP_EFULL)
        return http_error(r, 503, "storage_full", NULL,
                          "the server's disk is full; nothing was applied, retry later");
    if (rc == EP_EBUSY)
        return http_error(r, 503, "busy", NULL, "the database is busy; retry later");
    return http_error(r, http_status_for(rc), "internal", NULL, "storage error: %s",
                      ep_strerror(rc));
}

int api_sync_push(struct http_req *r)
{
    struct auth_principal p;
    struct sync_actor actor;
    struct sync_opts opts;
    struct push_ctx pctx;
    struct api_actor_buf ab;
    struct ep_error err;
    char hlc[SYNC_HLC_LEN + 1] = "";
    char *body = NULL;
    size_t len = 0;
    json_t *push = NULL, *acks = NULL;
    size_t cap =
        r->app->cfg->max_body < SYNC_MAX_PUSH_BYTES ? r->app->cfg->max_body : SYNC_MAX_PUSH_BYTES;
    int status, rc;

    status = http_read_body(r, cap, &body, &len);
    if (status != 0)
        return status;
    status = auth_request(r, body, len, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_SYNC_PUSH);
    if (status != 0)
        goto out;
    /* An archived production is frozen: auth_request refused the push with
     * 409 production_archived (server.c, frozen_exempt). */
    /* The signature covered the bytes as sent; the server reads them
     * inflated, never past the same cap (a bomb stops at cap + 1 bytes). */
    if (mg_get_header(r->conn, "Content-Encoding") != NULL &&
        strcasecmp(mg_get_header(r->conn, "Content-Encoding"), "gzip") == 0) {
        char *plain = NULL;
        size_t plen = 0;
        rc = gz_inflate(body, len, cap, &plain, &plen);
        if (rc == EP_ETOOBIG) {
            status = http_error(r, 413, "body_too_large", NULL,
                                "the push inflates past the limit of %zu bytes", cap);
            goto out;
        }
        if (rc != EP_OK) {
            status = rc == EP_ENOMEM
                         ? http_error(r, 503, "busy", NULL, "out of memory")
                         : http_error(r, 400, "invalid_encoding", "Content-Encoding",
                                      "the body is declared gzip but is not valid gzip");
            goto out;
        }
        free(body);
        body = plain;
        len = plen;
    }
    rc = sync_decode_push(body, len, &push, &err);
    if (rc == EP_ETOOBIG) {
        status = api_error(r, 413, "too_many_ops", &err);
        goto out;
    }
    if (rc == EP_ESCHEMA) {
        status = api_error(r, 409, "schema_unsupported", &err);
        goto out;
    }
    if (rc != EP_OK) {
        status = api_error(
            r, 400, strstr(err.message, "malformed JSON") ? "malformed_json" : "invalid_request",
            &err);
        goto out;
    }
    rc = api_sync_actor(r, &p, &actor, &ab);
    if (rc != EP_OK) {
        status = storage_error(r, rc);
        goto out;
    }
    api_opts_now(&opts);
    opts.group = r->app->sync_group;
    pctx.carbon.production_id = actor.production_id;
    pctx.attachment_max = &r->app->cfg->attachment_max; /* read-only while serving */
    opts.validate = push_validate;
    opts.ctx = &pctx;
    /* The only route whose ops a replica pushed: every other writer stores
     * them as made by the server (docs/sync-protocol.md §5, "own"). */
    opts.origin = p.origin;
    rc = sync_push(r->db, &opts, &actor, push, &acks, hlc);
    if (rc == EP_EFORBIDDEN) {
        status = http_error(r, 403, "wrong_device", "device",
                            "this push is signed by device '%s' but names another device",
                            actor.device_id);
        goto out;
    }
    if (rc != EP_OK) {
        status = storage_error(r, rc);
        goto out;
    }
    {
        size_t i;
        json_t *ack;
        json_array_foreach(acks, i, ack)
        {
            const char *code = json_string_value(json_object_get(ack, "code"));
            if (code != NULL && strcmp(code, "forbidden") == 0)
                auth_audit(r, &p, NULL, "sync.refused", "op %s: %s",
                           json_string_value(json_object_get(ack, "op")),
                           json_string_value(json_object_get(ack, "reason")));
        }
    }
    auth_note_sync(r, &p); /* the office's device list shows the last sync */
    metrics_add(METRICS_SYNC_PUSH, 1);
    {
        size_t i, applied = 0;
        json_t *ack;
        json_array_foreach(acks, i, ack)
        {
            if (strcmp(json_string_value(json_object_get(ack, "status")), "applied") == 0)
                applied++;
        }
        metrics_add(METRICS_SYNC_CHANGES_IN, applied);
    }
    status = http_json_new(
        r, 200, json_pack("{s:i, s:s, s:O}", "schema", SYNC_PROTOCOL, "hlc", hlc, "results", acks));
out:
    json_decref(acks);
    json_decref(push);
    free(body);
    return status;
}

/* Reads query parameter name into buf; 0 found, 1 absent, -1 too long. */
static int query_var(const struct http_req *r, const char *name, char *buf, size_t len)
{
    const char *q = r->ri->query_string;
    int n;

    buf[0] = '\0';
    if (q == NULL)
        return 1;
    n = mg_get_var(q, strlen(q), name, buf, len);
    if (n == -1)
        return 1;
    return n < 0 ? -1 : 0;
}

/* Refuses query parameters outside allowed (NULL-terminated). */
static int check_query(struct http_req *r, const char *const *allowed)
{
    const char *q = r->ri->query_string;

    while (q != NULL && *q != '\0') {
        size_t n = strcspn(q, "=&");
        int ok = 0;
        for (const char *const *a = allowed; *a != NULL; a++) {
            if (strlen(*a) == n && strncmp(*a, q, n) == 0)
                ok = 1;
        }
        if (!ok)
            return http_error(r, 400, "invalid_request", NULL, "unknown query parameter '%.*s'",
                              (int)(n > 40 ? 40 : n), q);
        q = strchr(q, '&');
        if (q != NULL)
            q++;
    }
    return 0;
}

/* A pull's read filter: authz_sync_read, plus the communications rule
 * (comms_readable), remembered per record for the page. */
struct pull_read {
    struct db *db; /* borrowed: the request's connection, inside the pull's read */
    int n;         /* entries used in seen */
    struct {
        char rid[SYNC_MAX_ID + 1];
        int visible;
    } seen[32];
};

static int pull_can_read(void *ctx, const struct sync_actor *a, const struct sync_op *op)
{
    struct pull_read *pr = ctx;
    int visible;

    if (op->col == NULL || strcmp(op->col, "communications") != 0 || a->role == SYNC_ROLE_ADMIN ||
        a->role == SYNC_ROLE_ECO_REFERENT || op->rid == NULL)
        return authz_sync_read(NULL, a, op);
    visible = -1;
    for (int i = 0; i < pr->n && visible < 0; i++)
        if (strcmp(pr->seen[i].rid, op->rid) == 0)
            visible = pr->seen[i].visible;
    if (visible < 0) {
        /* Drafts are the office's; once published, only their audience's.
         * A storage error hides the op: the cursor moves on, which a phone
         * recovers from by pulling again from the start. */
        visible =
            comms_readable(pr->db, a->production_id, op->rid, a->role, a->member_id, NULL) == EP_OK;
        if (pr->n < (int)(sizeof(pr->seen) / sizeof(pr->seen[0])) &&
            strlen(op->rid) <= SYNC_MAX_ID) {
            snprintf(pr->seen[pr->n].rid, sizeof(pr->seen[pr->n].rid), "%s", op->rid);
            pr->seen[pr->n++].visible = visible;
        }
    }
    if (visible)
        return 1;
    /* A deleted record is not readable any more, but phones that hold the
     * published message must still learn of its deletion: the bare delete
     * op, which carries nothing else, goes to everyone. */
    if (op->fields == NULL)
        return -1;
    return json_object_size(op->fields) == 1 &&
           json_is_true(json_object_get(op->fields, "_deleted"));
}

int api_sync_pull(struct http_req *r)
{
    static const char *const allowed[] = {"schema", "cursor", "limit", "own", NULL};
    struct auth_principal p;
    struct sync_actor actor;
    struct sync_opts opts;
    struct api_actor_buf ab;
    char schema[16], cursor[160], limit_s[16], own[4];
    struct ep_error err;
    int hide_own = 0;
    char *text = NULL, *end = NULL;
    size_t len = 0;
    long limit = SYNC_PULL_DEFAULT;
    size_t nops = 0;
    struct pull_read pr;
    int status, rc;

    status = auth_request(r, NULL, 0, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_SYNC_PULL);
    if (status == 0)
        status = check_query(r, allowed);
    if (status != 0)
        return status;
    if (query_var(r, "schema", schema, sizeof(schema)) != 0)
        return http_error(r, 400, "invalid_request", "schema", "the query must carry schema=%d",
                          SYNC_PROTOCOL);
    if (strcmp(schema, "1") != 0)
        return http_error(r, 409, "schema_unsupported", "schema",
                          "protocol schema %s is not supported; this server speaks %d", schema,
                          SYNC_PROTOCOL);
    if (query_var(r, "cursor", cursor, sizeof(cursor)) < 0)
        return http_error(r, 400, "invalid_cursor", "cursor", "cursor is too long");
    rc = query_var(r, "limit", limit_s, sizeof(limit_s));
    if (rc == 0) {
        limit = strtol(limit_s, &end, 10);
        if (end == limit_s || *end != '\0' || limit < 1 || limit > SYNC_PULL_MAX)
            return http_error(r, 400, "invalid_request", "limit",
                              "limit must be a number from 1 to %d", SYNC_PULL_MAX);
    } else if (rc < 0) {
        return http_error(r, 400, "invalid_request", "limit", "limit is too long");
    }
    /* own=0: the replica holds the ops it pushed, so they need not come
     * back (a third of a phone's sync bytes on a weak link). */
    rc = query_var(r, "own", own, sizeof(own));
    if (rc == 0 && (strcmp(own, "0") == 0 || strcmp(own, "1") == 0))
        hide_own = own[0] == '0';
    else if (rc != 1)
        return http_error(r, 400, "invalid_request", "own", "own must be 0 or 1");
    rc = api_sync_actor(r, &p, &actor, &ab);
    if (rc != EP_OK)
        return storage_error(r, rc);
    api_opts_now(&opts);
    memset(&pr, 0, sizeof(pr));
    pr.db = r->db;
    opts.can_read = pull_can_read;
    opts.ctx = &pr;
    /* Hidden are the ops this replica pushed, not all those under its
     * device id: an office session's id is its account's, shared by every
     * browser signed in to it and by the ops the server makes for it (a send,
     * a library action), and the origin tells them apart (pull.c). */
    opts.origin = p.origin;
    opts.hide_own = hide_own;
    rc = sync_pull(r->db, &opts, &actor, cursor, (int)limit, &text, &len, &nops, &err);
    if (rc == EP_EINVAL)
        return api_error(r, 400, "invalid_cursor", &err);
    if (rc == EP_ECONFLICT)
        return api_error(r, 409, "cursor_foreign", &err);
    if (rc != EP_OK)
        return storage_error(r, rc);
    auth_note_sync(r, &p);
    metrics_add(METRICS_SYNC_PULL, 1);
    metrics_add(METRICS_SYNC_CHANGES_OUT, nops);
    (void)http_send_json_text(r, 200, text, len);
    free(text);
    return 200;
}

/* Authenticates an office request (signed over body when it has one). */
static int office(struct http_req *r, const char *body, size_t len, struct auth_principal *p)
{
    int status = auth_request(r, body, len, p);
    if (status == 0)
        status = auth_require(r, p, AUTHZ_OFFICE_WRITE);
    return status;
}

/*
 * Reads the body, authenticates over its exact bytes, then parses it as a
 * JSON object. Returns 0 with *out owned, or the status already sent.
 */
static int office_json(struct http_req *r, struct auth_principal *p, json_t **out)
{
    char *body = NULL;
    size_t len = 0;
    json_error_t err;
    int status;

    *out = NULL;
    status = http_read_body(r, r->app->cfg->max_body, &body, &len);
    if (status == 0)
        status = office(r, body, len, p);
    if (status == 0) {
        *out = jsonin_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
        if (*out == NULL || !json_is_object(*out)) {
            json_decref(*out);
            *out = NULL;
            status =
                http_error(r, 400, "malformed_json", NULL, "the body must be a JSON object%s%s",
                           err.text[0] ? ": " : "", err.text);
        }
    }
    free(body);
    return status;
}

/* An office list of the production: conflicts or quarantine, under key. */
static int office_list(struct http_req *r, int (*list_fn)(struct db *, const char *, json_t **),
                       const char *key)
{
    struct auth_principal p;
    json_t *list = NULL;
    int status = office(r, NULL, 0, &p);
    int rc;

    if (status != 0)
        return status;
    rc = list_fn(r->db, p.production_id, &list);
    /* The company's shared records (the directory) are the office's too. */
    if (rc == EP_OK) {
        char space[DIRECTORY_SPACE_MAX];
        json_t *shared = NULL;
        rc = directory_space(r->db, p.production_id, space, sizeof(space));
        if (rc == EP_OK)
            rc = list_fn(r->db, space, &shared);
        if (rc == EP_OK)
            rc = json_array_extend(list, shared) == 0 ? EP_OK : EP_ENOMEM;
        json_decref(shared);
    }
    if (rc != EP_OK) {
        json_decref(list);
        return storage_error(r, rc);
    }
    return http_json_new(r, 200, json_pack("{s:o}", key, list));
}

int api_sync_conflicts(struct http_req *r)
{
    return office_list(r, sync_conflicts, "conflicts");
}

int api_sync_resolve(struct http_req *r)
{
    struct auth_principal p;
    struct sync_actor actor;
    struct sync_opts opts;
    struct carbon_vctx vctx;
    json_error_t jerr;
    json_t *body = NULL, *value = NULL, *fields = NULL, *ack = NULL;
    const char *col, *id, *field;
    struct api_actor_buf ab;
    int status, rc;

    status = office_json(r, &p, &body);
    if (status != 0)
        goto out;
    if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:s, s:s, s:o}", "col", &col, "id", &id,
                       "field", &field, "value", &value) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    fields = json_pack("{s:O}", field, value);
    rc = api_sync_actor(r, &p, &actor, &ab);
    if (rc != EP_OK) {
        status = storage_error(r, rc);
        goto out;
    }
    api_opts_now(&opts);
    vctx.production_id = actor.production_id;
    opts.ctx = &vctx;
    rc = sync_server_put(r->db, &opts, &actor, col, id, fields, &ack);
    if (rc != EP_OK) {
        status = storage_error(r, rc);
        goto out;
    }
    if (strcmp(json_string_value(json_object_get(ack, "status")), "applied") != 0) {
        const char *code = json_string_value(json_object_get(ack, "code"));
        status = http_error(r, code != NULL && strcmp(code, "forbidden") == 0 ? 403 : 400,
                            code != NULL ? code : "rejected", field, "%s",
                            json_string_value(json_object_get(ack, "reason")));
        goto out;
    }
    status = http_json_new(r, 200, json_pack("{s:O}", "result", ack));
out:
    json_decref(ack);
    json_decref(fields);
    json_decref(body);
    return status;
}

int api_sync_quarantine(struct http_req *r)
{
    return office_list(r, sync_quarantine_list, "quarantine");
}

int api_sync_quarantine_resolve(struct http_req *r)
{
    struct auth_principal p;
    struct sync_opts opts;
    struct carbon_vctx vctx;
    json_error_t jerr;
    json_t *body = NULL, *ack = NULL;
    const char *op_id, *action;
    int status, rc;

    status = office_json(r, &p, &body);
    if (status != 0)
        goto out;
    if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:s}", "op", &op_id, "action", &action) !=
        0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    if (strcmp(action, "release") != 0 && strcmp(action, "dismiss") != 0) {
        status = http_error(r, 400, "invalid_request", "action",
                            "action must be \"release\" or \"dismiss\"");
        goto out;
    }
    api_opts_now(&opts);
    vctx.production_id = p.production_id;
    opts.ctx = &vctx;
    rc = sync_quarantine_resolve(r->db, &opts, p.production_id, op_id,
                                 strcmp(action, "release") == 0, &ack);
    if (rc == EP_ENOTFOUND) { /* maybe a directory op, held in the company's space */
        char space[DIRECTORY_SPACE_MAX];
        rc = directory_space(r->db, p.production_id, space, sizeof(space));
        if (rc == EP_OK)
            rc = sync_quarantine_resolve(r->db, &opts, space, op_id, strcmp(action, "release") == 0,
                                         &ack);
    }
    if (rc == EP_ENOTFOUND) {
        status = http_error(r, 404, "not_found", "op", "no op '%s' waiting in quarantine", op_id);
        goto out;
    }
    if (rc != EP_OK) {
        status = storage_error(r, rc);
        goto out;
    }
    auth_audit(r, &p, NULL, "sync.quarantine", "%s op %s", action, op_id);
    status = http_json_new(r, 200, json_pack("{s:O}", "result", ack));
out:
    json_decref(ack);
    json_decref(body);
    return status;
}
