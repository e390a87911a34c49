/*
 * state.c - reading the merged state: the canonical dump the shared test
 * vectors compare, and the open conflicts the office resolves.
 */
#include "db.h"
#include "err.h"
#include "sync_internal.h"

#include <stdlib.h>
#include <string.h>

static json_t *load_json(sqlite3_stmt *st, int col)
{
    json_error_t err;
    return json_loads((const char *)sqlite3_column_text(st, col), JSON_DECODE_ANY, &err);
}

static int collect_records(struct db *db, const char *production_id, json_t *records)
{
    static const char sql[] = "SELECT col, rid, state, deleted FROM sync_record "
                              "WHERE production_id = ?1 ORDER BY col, rid";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char key[2 * SYNC_MAX_ID + 8];
        json_t *state = load_json(st, 2);
        json_t *rec;
        snprintf(key, sizeof(key), "%s/%s", (const char *)sqlite3_column_text(st, 0),
                 (const char *)sqlite3_column_text(st, 1));
        rec = json_pack("{s:o, s:b, s:{}}", "fields", state, "deleted", sqlite3_column_int(st, 3),
                        "conflicts");
        if (rec == NULL || json_object_set_new(records, key, rec) != 0) {
            rc = EP_ENOMEM;
            break;
        }
    }
    db_done(st);
    return rc == SQLITE_DONE ? EP_OK : (rc == EP_ENOMEM ? rc : db_map_rc(rc));
}

/* Leaves of every record field of the production, winner first per field. */
static const char leaves_sql[] =
    "SELECT v.col, v.rid, v.field, v.op_id, v.hlc, v.dev, v.value FROM sync_version v "
    "JOIN sync_record r ON r.col = v.col AND r.rid = v.rid "
    "WHERE r.production_id = ?1 AND v.leaf = 1 "
    "ORDER BY v.col, v.rid, v.field, v.hlc DESC, v.dev DESC, v.op_id DESC";

static int same_group(const char *a[3], sqlite3_stmt *st)
{
    for (int i = 0; i < 3; i++) {
        if (strcmp(a[i], (const char *)sqlite3_column_text(st, i)) != 0)
            return 0;
    }
    return 1;
}

/* Walks the losing leaves; for each, fn receives the row and its winner. */
static int walk_losers(struct db *db, const char *production_id,
                       int (*fn)(void *ctx, sqlite3_stmt *row, const json_t *winner), void *ctx)
{
    sqlite3_stmt *st = db_stmt(db, leaves_sql);
    char group[3][2 * SYNC_MAX_ID + 8] = {"", "", ""};
    char *winner_text = NULL;
    json_t *winner = NULL;
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *g[3] = {group[0], group[1], group[2]};
        if (winner != NULL && same_group(g, st)) {
            int frc;
            /* Same value as the winner: not a conflict (see merge.c). */
            if (strcmp(winner_text, (const char *)sqlite3_column_text(st, 6)) == 0)
                continue;
            frc = fn(ctx, st, winner);
            if (frc != EP_OK) {
                rc = frc;
                break;
            }
            continue;
        }
        /* First row of a new field: the winner. */
        for (int i = 0; i < 3; i++)
            snprintf(group[i], sizeof(group[i]), "%s", (const char *)sqlite3_column_text(st, i));
        json_decref(winner);
        free(winner_text);
        winner_text = strdup((const char *)sqlite3_column_text(st, 6));
        winner = json_pack("{s:o, s:s, s:s, s:s}", "value", load_json(st, 6), "hlc",
                           (const char *)sqlite3_column_text(st, 4), "dev",
                           (const char *)sqlite3_column_text(st, 5), "op",
                           (const char *)sqlite3_column_text(st, 3));
        if (winner == NULL || winner_text == NULL) {
            rc = EP_ENOMEM;
            break;
        }
    }
    db_done(st);
    json_decref(winner);
    free(winner_text);
    if (rc == SQLITE_DONE)
        return EP_OK;
    return rc < 0 ? rc : db_map_rc(rc);
}

static int add_loser_to_state(void *ctx, sqlite3_stmt *row, const json_t *winner)
{
    json_t *records = ctx;
    char key[2 * SYNC_MAX_ID + 8];
    const char *field = (const char *)sqlite3_column_text(row, 2);
    json_t *rec, *conflicts, *list;
    (void)winner;

    snprintf(key, sizeof(key), "%s/%s", (const char *)sqlite3_column_text(row, 0),
             (const char *)sqlite3_column_text(row, 1));
    rec = json_object_get(records, key);
    conflicts = json_object_get(rec, "conflicts");
    if (conflicts == NULL)
        return EP_ECORRUPT;
    list = json_object_get(conflicts, field);
    if (list == NULL) {
        list = json_array();
        if (list == NULL || json_object_set_new(conflicts, field, list) != 0)
            return EP_ENOMEM;
    }
    /* Kept as {op, value}; sorted by op afterwards so every replica agrees. */
    return json_array_append_new(list, json_pack("{s:s, s:o}", "op",
                                                 (const char *)sqlite3_column_text(row, 3), "value",
                                                 load_json(row, 6))) == 0
               ? EP_OK
               : EP_ENOMEM;
}

static int by_op(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a;
    const json_t *y = *(const json_t *const *)b;
    return strcmp(json_string_value(json_object_get(x, "op")),
                  json_string_value(json_object_get(y, "op")));
}

/* Turns each conflicts list into the sorted array of losing values. */
static int finish_conflicts(json_t *records)
{
    const char *key, *field;
    json_t *rec, *list;

    json_object_foreach(records, key, rec)
    {
        json_t *conflicts = json_object_get(rec, "conflicts");
        json_object_foreach(conflicts, field, list)
        {
            size_t n = json_array_size(list);
            json_t **items = n > 0 ? calloc(n, sizeof(json_t *)) : NULL;
            json_t *values = json_array();
            if ((n > 0 && items == NULL) || values == NULL) {
                free(items);
                json_decref(values);
                return EP_ENOMEM;
            }
            for (size_t i = 0; i < n; i++)
                items[i] = json_array_get(list, i);
            if (n > 1)
                qsort(items, n, sizeof(json_t *), by_op);
            for (size_t i = 0; i < n; i++)
                json_array_append(values, json_object_get(items[i], "value"));
            free(items);
            json_object_set_new(conflicts, field, values);
        }
    }
    return EP_OK;
}

/* The unary + on production_id and rid keep them out of the index choice:
 * the planner then looks the corrections up in sync_fact_supersedes instead
 * of walking the whole collection for each fact (see merge.c, apply_add). */
static int collect_facts(struct db *db, const char *production_id, json_t *facts)
{
    static const char sql[] = "SELECT f.col, f.rid, f.fields, f.void, "
                              "(SELECT json_group_array(s.rid) FROM (SELECT rid FROM sync_fact s "
                              " WHERE s.col = f.col AND s.supersedes = f.rid "
                              " AND +s.production_id = f.production_id ORDER BY +s.rid) s) "
                              "FROM sync_fact f WHERE f.production_id = ?1 ORDER BY f.col, f.rid";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char key[2 * SYNC_MAX_ID + 8];
        json_t *by = load_json(st, 4);
        int current = json_array_size(by) == 0 && !sqlite3_column_int(st, 3);
        json_t *fact;
        snprintf(key, sizeof(key), "%s/%s", (const char *)sqlite3_column_text(st, 0),
                 (const char *)sqlite3_column_text(st, 1));
        fact = json_pack("{s:o, s:b, s:o}", "fields", load_json(st, 2), "current", current,
                         "superseded_by", by);
        if (fact == NULL || json_object_set_new(facts, key, fact) != 0) {
            rc = EP_ENOMEM;
            break;
        }
    }
    db_done(st);
    return rc == SQLITE_DONE ? EP_OK : (rc == EP_ENOMEM ? rc : db_map_rc(rc));
}

int sync_state(struct db *db, const char *production_id, json_t **out)
{
    json_t *records = json_object();
    json_t *facts = json_object();
    int rc;

    *out = NULL;
    if (records == NULL || facts == NULL) {
        rc = EP_ENOMEM;
        goto fail;
    }
    rc = db_begin_read(db);
    if (rc != EP_OK)
        goto fail;
    rc = collect_records(db, production_id, records);
    if (rc == EP_OK)
        rc = walk_losers(db, production_id, add_loser_to_state, records);
    if (rc == EP_OK)
        rc = finish_conflicts(records);
    if (rc == EP_OK)
        rc = collect_facts(db, production_id, facts);
    db_rollback(db);
    if (rc != EP_OK)
        goto fail;
    *out = json_pack("{s:o, s:o}", "records", records, "facts", facts);
    return *out != NULL ? EP_OK : EP_ENOMEM;
fail:
    json_decref(records);
    json_decref(facts);
    return rc;
}

static int add_conflict(void *ctx, sqlite3_stmt *row, const json_t *winner)
{
    json_t *list = ctx;
    json_t *c = json_pack(
        "{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:O}", "col",
        (const char *)sqlite3_column_text(row, 0), "id", (const char *)sqlite3_column_text(row, 1),
        "field", (const char *)sqlite3_column_text(row, 2), "value", load_json(row, 6), "hlc",
        (const char *)sqlite3_column_text(row, 4), "dev", (const char *)sqlite3_column_text(row, 5),
        "op", (const char *)sqlite3_column_text(row, 3), "winner", winner);
    return c != NULL && json_array_append_new(list, c) == 0 ? EP_OK : EP_ENOMEM;
}

int sync_conflicts(struct db *db, const char *production_id, json_t **out)
{
    json_t *list = json_array();
    int rc;

    *out = NULL;
    if (list == NULL)
        return EP_ENOMEM;
    rc = db_begin_read(db);
    if (rc == EP_OK) {
        rc = walk_losers(db, production_id, add_conflict, list);
        db_rollback(db);
    }
    if (rc != EP_OK) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return EP_OK;
}

int sync_record_get(struct db *db, const char *production_id, const char *col, const char *rid,
                    json_t **out)
{
    static const char sql[] = "SELECT state FROM sync_record WHERE col = ?1 AND rid = ?2 "
                              "AND production_id = ?3 AND deleted = 0";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    *out = NULL;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, col, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = load_json(st, 0);
        rc = *out != NULL ? EP_OK : EP_ECORRUPT;
    } else {
        rc = rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
    }
    db_done(st);
    return rc;
}
