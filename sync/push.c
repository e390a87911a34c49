/*
 * push.c - decoding and applying a push (docs/sync-protocol.md, "Push").
 *
 * A push is one SQLite transaction: each op runs in a savepoint, so a
 * rejected op leaves no trace while its neighbours still apply, and nothing
 * is acknowledged before COMMIT returns.
 */
#include "db.h"
#include "err.h"
#include "sync_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_msg(char *buf, size_t len, const char *text)
{
    if (buf != NULL && len > 0)
        snprintf(buf, len, "%s", text);
}

int sync_decode_push(const char *buf, size_t len, json_t **out, char *err, size_t errlen,
                     char *field, size_t fieldlen)
{
    json_error_t jerr;
    json_t *root = NULL;
    json_int_t schema = 0;
    const char *device = NULL;
    json_t *ops = NULL;
    int rc = EP_EINVAL;

    *out = NULL;
    set_msg(field, fieldlen, "");
    if (len > SYNC_MAX_PUSH_BYTES) {
        snprintf(err, errlen, "push of %zu bytes exceeds the limit of %d bytes", len,
                 SYNC_MAX_PUSH_BYTES);
        return EP_ETOOBIG;
    }
    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        snprintf(err, errlen, "malformed JSON at line %d column %d: %s", jerr.line, jerr.column,
                 jerr.text);
        goto out;
    }
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:I, s:s, s:o}", "schema", &schema, "device",
                       &device, "ops", &ops) != 0) {
        snprintf(err, errlen, "%s", jerr.text);
        goto out;
    }
    if (schema != SYNC_PROTOCOL) {
        snprintf(err, errlen, "protocol schema %lld is not supported; this server speaks %d",
                 (long long)schema, SYNC_PROTOCOL);
        set_msg(field, fieldlen, "schema");
        rc = EP_ESCHEMA;
        goto out;
    }
    if (!sync__valid_id(device)) {
        snprintf(err, errlen, "device: not a valid device id");
        set_msg(field, fieldlen, "device");
        goto out;
    }
    if (!json_is_array(ops)) {
        snprintf(err, errlen, "ops: must be an array");
        set_msg(field, fieldlen, "ops");
        goto out;
    }
    if (json_array_size(ops) > SYNC_MAX_OPS) {
        snprintf(err, errlen, "%zu ops in one push; the limit is %d", json_array_size(ops),
                 SYNC_MAX_OPS);
        set_msg(field, fieldlen, "ops");
        rc = EP_ETOOBIG;
        goto out;
    }
    *out = root;
    root = NULL;
    rc = EP_OK;
out:
    json_decref(root);
    return rc;
}

/* Savepoint statements run once per op: through the statement cache. */
static int exec(struct db *db, const char *sql)
{
    return db_exec_cached(db, sql);
}

static const char *status_name(enum sync__status s)
{
    switch (s) {
    case SYNC__APPLIED:
        return "applied";
    case SYNC__DUPLICATE:
        return "duplicate";
    case SYNC__QUARANTINED:
        return "quarantined";
    default:
        return "rejected";
    }
}

/* Decodes, checks and applies one op; *result gets its ack object. */
static int push_one(struct db *db, const struct sync_opts *opts, const struct sync_actor *actor,
                    const struct sync__catalog *cat, json_t *opj, json_t **result,
                    uint64_t *max_hlc)
{
    struct sync__apply_in in = {opts, actor, actor->production_id, NULL};
    struct sync__verdict v;
    struct sync_op op;
    enum sync__status status = SYNC__REJECTED;
    int64_t seq = 0;
    const char *op_id;
    int rc = EP_OK;

    memset(&v, 0, sizeof(v));
    op_id = json_string_value(json_object_get(opj, "op"));
    if (sync__op_decode(opj, &op, &v) != EP_OK)
        goto ack;
    in.coll = sync__catalog_find(cat, op.col);
    if (in.coll == NULL) {
        sync__refuse(&v, "unknown_collection", "no collection named '%.40s'", op.col);
        goto ack;
    }
    if (sync__spec_check(in.coll, &op, &v) != EP_OK)
        goto ack;
    /* Company records live in the company's space, whichever of its
     * productions pushed them (docs/sync-protocol.md, "Company scope"). */
    if (in.coll->is_company && actor->company_space != NULL)
        in.production_id = actor->company_space;
    if (opts->validate != NULL && opts->validate(opts->ctx, db, &op, v.code, sizeof(v.code),
                                                 v.reason, sizeof(v.reason)) != EP_OK)
        goto ack;
    rc = exec(db, "SAVEPOINT op");
    if (rc != EP_OK)
        return rc;
    rc = sync__apply(db, &in, &op, &status, &seq, &v);
    if (rc != EP_OK || status != SYNC__APPLIED) {
        /* Storage errors abort the push; rejections just undo this op. A
         * quarantined op keeps its quarantine row, so release rather than
         * undo when that is what happened. */
        if (rc != EP_OK || status == SYNC__REJECTED)
            (void)exec(db, "ROLLBACK TO op");
    }
    if (rc != EP_OK) {
        (void)exec(db, "RELEASE op");
        return rc;
    }
    rc = exec(db, "RELEASE op");
    if (rc != EP_OK)
        return rc;
    if (status == SYNC__APPLIED && op.hlc > *max_hlc)
        *max_hlc = op.hlc;
ack:
    *result = json_pack("{s:s?, s:s}", "op", op_id, "status", status_name(status));
    if (*result == NULL)
        return EP_ENOMEM;
    if (status == SYNC__APPLIED || status == SYNC__DUPLICATE)
        json_object_set_new(*result, "seq", json_integer(seq));
    if (status == SYNC__REJECTED || status == SYNC__QUARANTINED) {
        json_object_set_new(*result, "code", json_string(v.code));
        json_object_set_new(*result, "reason", json_string(v.reason));
    }
    return EP_OK;
}

int sync_push(struct db *db, const struct sync_opts *opts, const struct sync_actor *actor,
              json_t *push, json_t **results, char *server_hlc)
{
    struct sync__catalog cat;
    json_t *ops = json_object_get(push, "ops");
    const char *device = json_string_value(json_object_get(push, "device"));
    json_t *acks = NULL;
    uint64_t clock = 0, max_hlc = 0;
    int in_tx = 0, nested = 0;
    size_t i;
    json_t *opj;
    int rc;

    *results = NULL;
    if (actor->device_id != NULL && (device == NULL || strcmp(device, actor->device_id) != 0))
        return EP_EFORBIDDEN;
    rc = sync__catalog_load(db, &cat);
    if (rc != EP_OK)
        return rc;
    acks = json_array();
    if (acks == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    /* Inside a caller's transaction (the demo seed), nest as a savepoint. */
    nested = !sqlite3_get_autocommit(db_handle(db));
    rc = nested ? exec(db, "SAVEPOINT push") : db_begin_write(db);
    if (rc != EP_OK)
        goto out;
    in_tx = 1;
    rc = sync__clock_get(db, &clock);
    json_array_foreach(ops, i, opj)
    {
        json_t *ack = NULL;
        if (rc != EP_OK)
            break;
        rc = push_one(db, opts, actor, &cat, opj, &ack, &max_hlc);
        if (ack != NULL)
            json_array_append_new(acks, ack);
    }
    /* The server clock only moves forward, to the newest op it accepted. */
    if (rc == EP_OK && max_hlc > clock) {
        clock = max_hlc;
        rc = sync__clock_set(db, clock);
    }
    if (rc == EP_OK)
        rc = nested ? exec(db, "RELEASE push") : db_commit(db);
    if (rc == EP_OK) {
        in_tx = 0;
        if (server_hlc != NULL)
            sync_hlc_format(clock, server_hlc);
        *results = acks;
        acks = NULL;
    }
out:
    if (in_tx && nested) {
        (void)exec(db, "ROLLBACK TO push");
        (void)exec(db, "RELEASE push");
    } else if (in_tx) {
        db_rollback(db);
    }
    json_decref(acks);
    sync__catalog_release(&cat);
    return rc;
}

int sync_field_leaves(struct db *db, const char *col, const char *rid, const char *field,
                      json_t **out)
{
    static const char sql[] = "SELECT op_id FROM sync_version WHERE col = ?1 AND rid = ?2 "
                              "AND field = ?3 AND leaf = 1 ORDER BY op_id";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *arr = json_array();
    int rc;

    *out = NULL;
    if (st == NULL || arr == NULL) {
        json_decref(arr);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, col, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, field, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_string((const char *)sqlite3_column_text(st, 0)));
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return db_map_rc(rc);
    }
    *out = arr;
    return EP_OK;
}

int sync_server_put(struct db *db, const struct sync_opts *opts, const struct sync_actor *actor,
                    const char *col, const char *rid, json_t *fields, json_t **result)
{
    unsigned char rnd[12];
    char op_id[40], hlc_text[SYNC_HLC_LEN + 1];
    json_t *base = json_object();
    json_t *push = NULL, *acks = NULL;
    uint64_t clock = 0;
    const char *field;
    json_t *val;
    int rc = EP_OK;

    *result = NULL;
    if (base == NULL)
        return EP_ENOMEM;
    /* Supersede every version the office can see now: that is what it saw. */
    json_object_foreach(fields, field, val)
    {
        json_t *leaves = NULL;
        rc = sync_field_leaves(db, col, rid, field, &leaves);
        if (rc != EP_OK)
            goto out;
        if (json_array_size(leaves) > 0)
            json_object_set_new(base, field, leaves);
        else
            json_decref(leaves);
    }
    rc = sync__clock_get(db, &clock);
    if (rc != EP_OK)
        goto out;
    sync_hlc_format(sync_hlc_tick(clock, opts->now_ms), hlc_text);
    randombytes_buf(rnd, sizeof(rnd));
    snprintf(op_id, sizeof(op_id), "srv-");
    sodium_bin2hex(op_id + 4, sizeof(op_id) - 4, rnd, sizeof(rnd));
    push = json_pack("{s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:O, s:O}]}", "schema",
                     SYNC_PROTOCOL, "device", actor->device_id, "ops", "op", op_id, "col", col,
                     "id", rid, "kind", "put", "hlc", hlc_text, "dev", actor->device_id, "fields",
                     fields, "base", base);
    if (push == NULL) {
        rc = EP_EINVAL;
        goto out;
    }
    rc = sync_push(db, opts, actor, push, &acks, NULL);
    if (rc == EP_OK) {
        *result = json_array_get(acks, 0);
        json_incref(*result);
    }
out:
    json_decref(base);
    json_decref(push);
    json_decref(acks);
    return rc;
}
