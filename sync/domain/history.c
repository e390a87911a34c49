/*
 * history.c - every edit of one synced record, oldest first (history.h).
 *
 * One query walks the record's versions op by op; consecutive rows of the
 * same op are one edit. The author is looked up beside it rather than stored
 * with the op: a device id is all the protocol carries (docs/sync-protocol.md
 * §2), and the server alone knows whose phone or session it was.
 */
#include "history.h"

#include "db.h"
#include "err.h"

#include <sqlite3.h>
#include <string.h>

/* The HISTORY_MAX_EDITS latest ops of the record, then all their fields. A
 * phone's device names its member; an office session's ops carry
 * "office-<account id>" (backend/api/sync.c), whose account has the name. */
static const char history_sql[] =
    "WITH ops AS (SELECT DISTINCT v.op_id, v.hlc, v.dev FROM sync_version v "
    "  JOIN sync_record r ON r.col = v.col AND r.rid = v.rid "
    "  WHERE v.col = ?1 AND v.rid = ?2 AND r.production_id = ?3 "
    "  ORDER BY v.hlc DESC, v.dev DESC, v.op_id DESC LIMIT ?4) "
    "SELECT o.op_id, o.hlc, o.dev, v.field, v.value, "
    "  coalesce((SELECT m.name FROM device d JOIN member m ON m.id = d.member_id "
    "            WHERE d.id = o.dev), "
    "           (SELECT a.name FROM account a WHERE 'office-' || a.id = o.dev)) "
    "FROM ops o JOIN sync_version v ON v.col = ?1 AND v.rid = ?2 AND v.op_id = o.op_id "
    "ORDER BY o.hlc, o.dev, o.op_id, v.field";

/* A new edit object for the current row, its "fields" still empty. */
static json_t *edit_new(sqlite3_stmt *st)
{
    const char *author = (const char *)sqlite3_column_text(st, 5);

    return json_pack(
        "{s:s, s:s, s:s, s:o, s:{}, s:b}", "op", (const char *)sqlite3_column_text(st, 0), "hlc",
        (const char *)sqlite3_column_text(st, 1), "dev", (const char *)sqlite3_column_text(st, 2),
        "author", author != NULL ? json_string(author) : json_null(), "fields", "deleted", 0);
}

/* Adds the current row's field to edit; "_deleted" true marks the void. */
static int edit_add_field(json_t *edit, sqlite3_stmt *st)
{
    const char *field = (const char *)sqlite3_column_text(st, 3);
    json_error_t err;
    json_t *value = json_loads((const char *)sqlite3_column_text(st, 4), JSON_DECODE_ANY, &err);

    if (value == NULL)
        value = json_null(); /* the engine stored it canonical: never seen */
    if (strcmp(field, "_deleted") == 0 && json_is_true(value))
        json_object_set_new(edit, "deleted", json_true());
    if (json_object_set_new(json_object_get(edit, "fields"), field, value) != 0)
        return EP_ENOMEM;
    return EP_OK;
}

int history_record(struct db *db, const char *space, const char *col, const char *rid, json_t **out)
{
    sqlite3_stmt *st = db_stmt(db, history_sql);
    json_t *list = json_array();
    json_t *edit = NULL; /* borrowed from list */
    int rc = EP_OK;
    int step;

    *out = NULL;
    if (st == NULL || list == NULL) {
        json_decref(list);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, col, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, space, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, HISTORY_MAX_EDITS);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *op = (const char *)sqlite3_column_text(st, 0);
        if (edit == NULL || strcmp(json_string_value(json_object_get(edit, "op")), op) != 0) {
            json_t *fresh = edit_new(st);
            if (fresh == NULL || json_array_append_new(list, fresh) != 0) {
                rc = EP_ENOMEM;
                goto out;
            }
            edit = fresh;
        }
        rc = edit_add_field(edit, st);
        if (rc != EP_OK)
            goto out;
    }
    if (step != SQLITE_DONE)
        rc = db_map_rc(step);
out:
    db_done(st);
    if (rc != EP_OK) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return EP_OK;
}
