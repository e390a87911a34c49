/*
 * quarantine.c - ops held back because their clock was too far ahead
 * (docs/sync-protocol.md section 3): listing them, and the office's decision.
 */
#include "db.h"
#include "err.h"
#include "sync_internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sync_quarantine_list(struct db *db, const char *production_id, json_t **out)
{
    static const char sql[] =
        "SELECT op_id, dev, body, reason, received_at, resolved_at, resolution "
        "FROM sync_quarantine WHERE production_id = ?1 ORDER BY received_at, op_id";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *list = json_array();
    int rc;

    *out = NULL;
    if (st == NULL || list == NULL) {
        json_decref(list);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_error_t err;
        json_t *body = json_loads((const char *)sqlite3_column_text(st, 2), 0, &err);
        json_t *item = json_pack(
            "{s:s, s:s, s:o, s:s, s:I, s:o, s:o}", "op", (const char *)sqlite3_column_text(st, 0),
            "dev", (const char *)sqlite3_column_text(st, 1), "body",
            body != NULL ? body : json_null(), "reason", (const char *)sqlite3_column_text(st, 3),
            "received_at", (json_int_t)sqlite3_column_int64(st, 4), "resolved_at",
            sqlite3_column_type(st, 5) == SQLITE_NULL ? json_null()
                                                      : json_integer(sqlite3_column_int64(st, 5)),
            "resolution",
            sqlite3_column_type(st, 6) == SQLITE_NULL
                ? json_null()
                : json_string((const char *)sqlite3_column_text(st, 6)));
        if (item == NULL || json_array_append_new(list, item) != 0) {
            rc = EP_ENOMEM;
            break;
        }
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(list);
        return rc == EP_ENOMEM ? rc : db_map_rc(rc);
    }
    *out = list;
    return EP_OK;
}

/* Loads an unresolved quarantined op of the production; *body owns it. */
static int load_held(struct db *db, const char *production_id, const char *op_id, json_t **body)
{
    static const char sql[] = "SELECT body FROM sync_quarantine WHERE op_id = ?1 "
                              "AND production_id = ?2 AND resolved_at IS NULL";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    *body = NULL;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, op_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        json_error_t err;
        *body = json_loads((const char *)sqlite3_column_text(st, 0), 0, &err);
        rc = *body != NULL ? EP_OK : EP_ECORRUPT;
    } else {
        rc = rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
    }
    db_done(st);
    return rc;
}

static int mark(struct db *db, const char *op_id, const char *resolution, int64_t now)
{
    static const char sql[] = "UPDATE sync_quarantine SET resolved_at = ?2, resolution = ?3 "
                              "WHERE op_id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    /* The mark and the release it records commit together or not at all. */
    assert(!sqlite3_get_autocommit(db_handle(db)));
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, op_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, resolution, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

/*
 * Re-stamps a held op with the server's clock under a new op id ("rel~" +
 * the original), so it merges as an edit made now, then applies it.
 */
static int release(struct db *db, const struct sync_opts *opts, const char *production_id,
                   json_t *body, json_t **ack)
{
    struct sync__catalog cat;
    struct sync_opts plain = *opts;
    struct sync__apply_in in;
    struct sync__verdict v;
    struct sync_op op;
    enum sync__status status = SYNC__REJECTED;
    char new_id[SYNC_MAX_ID + 1], hlc_text[SYNC_HLC_LEN + 1];
    uint64_t clock = 0;
    int64_t seq = 0;
    int rc;

    memset(&v, 0, sizeof(v));
    rc = sync__catalog_load(db, &cat);
    if (rc != EP_OK)
        return rc;
    rc = sync__clock_get(db, &clock);
    if (rc != EP_OK)
        goto out;
    clock = sync_hlc_tick(clock, opts->now_ms);
    sync_hlc_format(clock, hlc_text);
    snprintf(new_id, sizeof(new_id), "rel~%.59s", json_string_value(json_object_get(body, "op")));
    json_object_set_new(body, "op", json_string(new_id));
    json_object_set_new(body, "hlc", json_string(hlc_text));
    /* Authorization ran when the op was first received; releasing it is the
     * office's explicit decision. */
    plain.authorize = NULL;
    memset(&in, 0, sizeof(in));
    in.opts = &plain;
    in.production_id = production_id;
    if (sync__op_decode(body, &op, &v) == EP_OK) {
        in.coll = sync__catalog_find(&cat, op.col);
        if (in.coll != NULL)
            rc = sync__apply(db, &in, &op, &status, &seq, &v);
    }
    if (rc == EP_OK && status == SYNC__APPLIED)
        rc = sync__clock_set(db, clock);
    if (rc == EP_OK) {
        *ack = json_pack("{s:s, s:s}", "op", new_id, "status",
                         status == SYNC__APPLIED ? "applied" : "rejected");
        if (status == SYNC__APPLIED)
            json_object_set_new(*ack, "seq", json_integer(seq));
        else
            json_object_set_new(*ack, "reason", json_string(v.reason));
    }
out:
    sync__catalog_release(&cat);
    return rc;
}

int sync_quarantine_resolve(struct db *db, const struct sync_opts *opts, const char *production_id,
                            const char *op_id, int do_release, json_t **ack)
{
    json_t *body = NULL;
    int rc;

    *ack = NULL;
    rc = db_begin_write(db);
    if (rc != EP_OK)
        return rc;
    rc = load_held(db, production_id, op_id, &body);
    if (rc == EP_OK && do_release)
        rc = release(db, opts, production_id, body, ack);
    else if (rc == EP_OK)
        *ack = json_pack("{s:s, s:s}", "op", op_id, "status", "dismissed");
    if (rc == EP_OK)
        rc = mark(db, op_id, do_release ? "released" : "dismissed", opts->now_ms);
    if (rc == EP_OK)
        rc = db_commit(db);
    if (rc != EP_OK) {
        db_rollback(db);
        json_decref(*ack);
        *ack = NULL;
    }
    json_decref(body);
    return rc;
}
