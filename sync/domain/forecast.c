/*
 * forecast.c - the provisional footprint as filed (forecast.h). The live
 * estimates are sync records (collection "estimates"); a filed version is a
 * copy of them and of the footprint they gave, never recomputed.
 */
#include "forecast.h"

#include "carbon.h"
#include "db.h"
#include "err.h"
#include "rows.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static const char items_sql[] =
    "SELECT rid, json_extract(state, '$.indicator'), coalesce(json_extract(state, '$.dept'), ''), "
    "json_extract(state, '$.value'), json_extract(state, '$.unit') FROM sync_record "
    "WHERE production_id = ?1 AND col = 'estimates' AND deleted = 0 "
    "AND json_extract(state, '$.indicator') IS NOT NULL ORDER BY 2, 3, 1";

/* The current estimates of production_id, as an array in *out. */
static int current_items(struct db *db, const char *production_id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(db, items_sql);
    json_t *arr = json_array();
    int rc;

    *out = NULL;
    if (st == NULL || arr == NULL) {
        if (st != NULL)
            db_done(st);
        json_decref(arr);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *it = json_pack(
            "{s:s, s:s, s:s, s:f, s:s?}", "id", (const char *)sqlite3_column_text(st, 0),
            "indicator", (const char *)sqlite3_column_text(st, 1), "dept",
            (const char *)sqlite3_column_text(st, 2), "value", sqlite3_column_double(st, 3), "unit",
            (const char *)sqlite3_column_text(st, 4));
        if (it == NULL || json_array_append_new(arr, it) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return db_map_rc(rc);
    }
    *out = arr;
    return EP_OK;
}

static int production_exists(struct db *db, const char *production_id)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM production WHERE id = ?1");
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : (rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc));
}

int forecast_file(struct db *db, const char *production_id, const char *label,
                  const char *member_id, int64_t now, json_t **out)
{
    static const char ins[] =
        "INSERT INTO forecast_version (production_id, version, label, filed_at, filed_by, "
        "factor_version, items, footprint) SELECT ?1, coalesce(max(version), 0) + 1, ?2, ?3, ?4, "
        "?5, ?6, ?7 FROM forecast_version WHERE production_id = ?1 RETURNING version";
    json_t *items = NULL, *fp = NULL;
    char *items_text = NULL, *fp_text = NULL;
    sqlite3_stmt *st;
    int rc, version = 0;

    *out = NULL;
    if (label == NULL || label[0] == '\0' || strlen(label) > FORECAST_LABEL_MAX)
        return EP_EINVAL;
    /* Read before the write transaction: the footprint runs in its own
     * read transaction, which cannot nest in a write one. */
    rc = production_exists(db, production_id);
    if (rc == EP_OK)
        rc = current_items(db, production_id, &items);
    /* The production's own set (pinned), as its footprint is shown. */
    if (rc == EP_OK)
        rc = carbon_footprint(db, production_id, CARBON_PROVISIONAL, 0, &fp);
    if (rc != EP_OK) {
        json_decref(items);
        return rc;
    }
    rc = db_begin_write(db);
    if (rc != EP_OK) {
        json_decref(items);
        json_decref(fp);
        return rc;
    }
    items_text = json_dumps(items, JSON_COMPACT);
    fp_text = json_dumps(fp, JSON_COMPACT);
    st = db_stmt(db, ins);
    if (items_text == NULL || fp_text == NULL || st == NULL) {
        rc = st == NULL ? EP_EIO : EP_ENOMEM;
        if (st != NULL)
            db_done(st);
        goto out;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, member_id != NULL ? member_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, json_integer_value(json_object_get(fp, "factor_version")));
    sqlite3_bind_text(st, 6, items_text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, fp_text, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        version = sqlite3_column_int(st, 0);
        rc = sqlite3_step(st);
    }
    db_done(st);
    rc = rc == SQLITE_DONE && version > 0 ? EP_OK : db_map_rc(rc);
    if (rc == EP_OK)
        *out = json_pack(
            "{s:i, s:s, s:I, s:s, s:O, s:O}", "version", version, "label", label, "filed_at",
            (json_int_t)now, "filed_by", member_id != NULL ? member_id : "", "factor_version",
            json_object_get(fp, "factor_version"), "total_kg", json_object_get(fp, "total_kg"));
    if (rc == EP_OK && *out == NULL)
        rc = EP_ENOMEM;
out:
    if (rc == EP_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc != EP_OK) {
        json_decref(*out);
        *out = NULL;
    }
    json_decref(items);
    json_decref(fp);
    free(items_text);
    free(fp_text);
    return rc;
}

int forecast_list(struct db *db, const char *production_id, json_t **out)
{
    static const char sql[] =
        "SELECT f.version, f.label, f.filed_at, f.filed_by, m.name, f.factor_version, "
        "json_extract(f.footprint, '$.total_kg') FROM forecast_version f "
        "LEFT JOIN member m ON m.id = f.filed_by AND m.production_id = f.production_id "
        "WHERE f.production_id = ?1 ORDER BY f.version";
    json_t *items = NULL, *fp = NULL, *versions = json_array();
    sqlite3_stmt *st;
    int rc;

    *out = NULL;
    if (versions == NULL)
        return EP_ENOMEM;
    rc = production_exists(db, production_id);
    if (rc == EP_OK)
        rc = current_items(db, production_id, &items);
    if (rc == EP_OK)
        rc = carbon_footprint(db, production_id, CARBON_PROVISIONAL, 0, &fp);
    if (rc != EP_OK)
        goto out;
    st = db_stmt(db, sql);
    if (st == NULL) {
        rc = EP_EIO;
        goto out;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *v =
            json_pack("{s:i, s:s, s:I, s:s, s:s?, s:i, s:f}", "version", sqlite3_column_int(st, 0),
                      "label", (const char *)sqlite3_column_text(st, 1), "filed_at",
                      (json_int_t)sqlite3_column_int64(st, 2), "filed_by",
                      (const char *)sqlite3_column_text(st, 3), "filed_by_name",
                      (const char *)sqlite3_column_text(st, 4), "factor_version",
                      sqlite3_column_int(st, 5), "total_kg", sqlite3_column_double(st, 6));
        if (v == NULL || json_array_append_new(versions, v) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        rc = db_map_rc(rc);
        goto out;
    }
    *out = json_pack("{s:s, s:{s:O, s:O, s:O}, s:O}", "production", production_id, "current",
                     "items", items, "total_kg", json_object_get(fp, "total_kg"), "factor_version",
                     json_object_get(fp, "factor_version"), "versions", versions);
    rc = *out != NULL ? EP_OK : EP_ENOMEM;
out:
    json_decref(items);
    json_decref(fp);
    json_decref(versions);
    return rc;
}

int forecast_get(struct db *db, const char *production_id, int version, json_t **out)
{
    static const char sql[] =
        "SELECT f.version, f.label, f.filed_at, f.filed_by, m.name, f.factor_version, f.items, "
        "f.footprint FROM forecast_version f LEFT JOIN member m ON m.id = f.filed_by "
        "AND m.production_id = f.production_id WHERE f.production_id = ?1 AND f.version = ?2";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    *out = NULL;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, version);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        json_t *items = json_loads((const char *)sqlite3_column_text(st, 6), 0, NULL);
        json_t *fp = json_loads((const char *)sqlite3_column_text(st, 7), 0, NULL);
        if (items != NULL && fp != NULL)
            *out = json_pack("{s:i, s:s, s:I, s:s, s:s?, s:i, s:o, s:o}", "version",
                             sqlite3_column_int(st, 0), "label",
                             (const char *)sqlite3_column_text(st, 1), "filed_at",
                             (json_int_t)sqlite3_column_int64(st, 2), "filed_by",
                             (const char *)sqlite3_column_text(st, 3), "filed_by_name",
                             (const char *)sqlite3_column_text(st, 4), "factor_version",
                             sqlite3_column_int(st, 5), "items", items, "footprint", fp);
        else {
            json_decref(items);
            json_decref(fp);
        }
    }
    db_done(st);
    if (rc == SQLITE_ROW)
        return *out != NULL ? EP_OK : EP_ENOMEM;
    return rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
}

/* The latest filed version's number, 0 when none was filed. */
static int latest_filed(struct db *db, const char *production_id, int *version)
{
    static const char sql[] =
        "SELECT coalesce(max(version), 0) FROM forecast_version WHERE production_id = ?1";

    return rows_int(db, sql, version, 1, production_id);
}

int forecast_compare(struct db *db, const char *production_id, const char *today, int version,
                     json_t **out)
{
    json_t *filed = NULL, *cmp = NULL, *about = NULL;
    int rc;

    *out = NULL;
    rc = version > 0 ? EP_OK : latest_filed(db, production_id, &version);
    if (rc == EP_OK && version > 0)
        rc = forecast_get(db, production_id, version, &filed);
    if (rc != EP_OK)
        goto out;
    rc = carbon_compare_with(db, production_id, today, json_object_get(filed, "footprint"), &cmp);
    if (rc != EP_OK)
        goto out;
    if (filed != NULL)
        about =
            json_pack("{s:s, s:O, s:O, s:O, s:O, s:O}", "source", "filed", "version",
                      json_object_get(filed, "version"), "label", json_object_get(filed, "label"),
                      "filed_at", json_object_get(filed, "filed_at"), "filed_by_name",
                      json_object_get(filed, "filed_by_name") != NULL
                          ? json_object_get(filed, "filed_by_name")
                          : json_null(),
                      "factor_version", json_object_get(filed, "factor_version"));
    else
        about = json_pack("{s:s}", "source", "live");
    if (about == NULL || json_object_set_new(cmp, "forecast", about) != 0) {
        rc = EP_ENOMEM;
        goto out;
    }
    *out = cmp;
    cmp = NULL;
out:
    json_decref(filed);
    json_decref(cmp);
    return rc;
}
