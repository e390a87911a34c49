/* commstore.c - SQL for communications (see commstore.h). */
#include "commstore.h"

#include "db.h"
#include "err.h"
#include "prefs.h"
#include "rows.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int commstore_prefs_set(struct db *db, const char *production_id, const char *member_id,
                        const char *email, const char *channels, const char *needs)
{
    static const char sql[] = "UPDATE member SET email = ?3, channels = ?4, needs = ?5 "
                              "WHERE production_id = ?1 AND id = ?2 AND removed_at IS NULL";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, member_id, -1, SQLITE_STATIC);
    if (email != NULL)
        sqlite3_bind_text(st, 3, email, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, channels, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, needs, -1, SQLITE_STATIC);
    rc = rows_step_done(st);
    if (rc == EP_OK && sqlite3_changes(db_handle(db)) == 0)
        rc = EP_ENOTFOUND;
    return rc;
}

static json_t *person_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", rows_json_text(st, 0),
                     "name", rows_json_text(st, 1), "department", rows_json_text(st, 2), "level",
                     rows_json_int(st, 3), "role", rows_json_text(st, 4), "email",
                     rows_json_text(st, 5), "channels", rows_json(st, 6), "needs", rows_json(st, 7),
                     "phones", rows_json_int(st, 8));
}

static json_t *pref_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o}", "id", rows_json_text(st, 0), "fields", rows_json(st, 1));
}

int commstore_people(struct db *db, const char *production_id, json_t **out)
{
    static const char sql[] = "SELECT m.id, m.name, m.department, m.level, m.role, "
                              "coalesce(m.email, a.email), m.channels, m.needs, "
                              "(SELECT count(*) FROM device d WHERE d.member_id = m.id "
                              "AND d.revoked_at IS NULL) FROM member m "
                              "LEFT JOIN account a ON a.id = m.account_id "
                              "WHERE m.production_id = ?1 AND m.removed_at IS NULL "
                              "ORDER BY m.level, m.department, m.name, m.id";
    static const char prefs_sql[] = "SELECT rid, state FROM sync_record "
                                    "WHERE production_id = ?1 AND col = 'preferences' "
                                    "AND deleted = 0";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *people = NULL, *records = NULL;
    int rc;

    *out = NULL;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = rows_list(st, person_row, &people);
    if (rc == EP_OK) {
        st = db_stmt(db, prefs_sql);
        if (st == NULL)
            rc = EP_EIO;
        else {
            sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
            rc = rows_list(st, pref_row, &records);
        }
    }
    if (rc == EP_OK)
        rc = prefs_apply(people, records);
    json_decref(records);
    if (rc == EP_OK)
        *out = people;
    else
        json_decref(people);
    return rc;
}

int commstore_outbox_add(struct db *db, const char *production_id, const char *communication_id,
                         const char *member_id, const char *address, const char *message,
                         int64_t now)
{
    static const char sql[] = "INSERT INTO comms_outbox (production_id, communication_id, "
                              "member_id, address, message, next_at, created_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, communication_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, member_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, address, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, message, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    return rows_step_done(st);
}

static json_t *due_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:o, s:o}", "id", rows_json_int(st, 0), "address",
                     rows_json_text(st, 1), "message", rows_json_text(st, 2), "attempts",
                     rows_json_int(st, 3));
}

int commstore_outbox_due(struct db *db, const char *production_id, int64_t now, int limit,
                         json_t **out)
{
    static const char sql[] = "SELECT id, address, message, attempts FROM comms_outbox "
                              "WHERE status = 'queued' AND next_at <= ?2 "
                              "AND (?1 IS NULL OR production_id = ?1) ORDER BY id LIMIT ?3";
    sqlite3_stmt *st = db_stmt(db, sql);

    *out = NULL;
    if (st == NULL)
        return EP_EIO;
    if (production_id != NULL)
        sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int(st, 3, limit);
    return rows_list(st, due_row, out);
}

int commstore_outbox_mark(struct db *db, int64_t id, const char *status, int64_t next_at,
                          const char *error, int64_t now)
{
    static const char sql[] = "UPDATE comms_outbox SET status = ?2, attempts = attempts + 1, "
                              "next_at = ?3, last_error = ?4, "
                              "done_at = CASE WHEN ?2 = 'queued' THEN NULL ELSE ?5 END "
                              "WHERE id = ?1 AND status = 'queued'";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, next_at);
    sqlite3_bind_text(st, 4, error, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    rc = rows_step_done(st);
    /* Two deliverers raced for the row: the other one recorded it. */
    if (rc == EP_OK && sqlite3_changes(db_handle(db)) == 0)
        rc = EP_ECONFLICT;
    return rc;
}

static json_t *outbox_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", rows_json_int(st, 0),
                     "member", rows_json_text(st, 1), "address", rows_json_text(st, 2), "status",
                     rows_json_text(st, 3), "attempts", rows_json_int(st, 4), "next_at",
                     rows_json_int(st, 5), "last_error", rows_json_text(st, 6), "created_at",
                     rows_json_int(st, 7), "done_at", rows_json_int(st, 8));
}

int commstore_outbox_list(struct db *db, const char *production_id, const char *communication_id,
                          json_t **out)
{
    static const char sql[] = "SELECT id, member_id, address, status, attempts, next_at, "
                              "last_error, created_at, done_at FROM comms_outbox "
                              "WHERE production_id = ?1 AND communication_id = ?2 ORDER BY id";
    return rows_select(db, sql, outbox_row, out, 2, production_id, communication_id);
}

static json_t *receipt_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:o}", "member", rows_json_text(st, 0), "kind",
                     rows_json_text(st, 1), "at", rows_json_text(st, 2));
}

int commstore_receipts(struct db *db, const char *production_id, const char *communication_id,
                       json_t **out)
{
    static const char sql[] = "SELECT json_extract(fields, '$.member'), "
                              "json_extract(fields, '$.kind'), json_extract(fields, '$.at') "
                              "FROM sync_fact WHERE col = 'receipts' AND production_id = ?1 "
                              "AND void = 0 AND json_extract(fields, '$.communication') = ?2 "
                              "ORDER BY seq";
    return rows_select(db, sql, receipt_row, out, 2, production_id, communication_id);
}

static json_t *question_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "id", rows_json_text(st, 0), "member",
                     rows_json_text(st, 1), "text", rows_json_text(st, 2), "answers",
                     rows_json_text(st, 3), "at_seq", rows_json_int(st, 4));
}

/* +c.production_id: the correction is looked up in sync_fact_supersedes, not
 * among every question of the production (see sync/engine/merge.c). */
int commstore_questions(struct db *db, const char *production_id, const char *communication_id,
                        json_t **out)
{
    static const char sql[] = "SELECT rid, json_extract(fields, '$.member'), "
                              "json_extract(fields, '$.text'), json_extract(fields, '$.answers'), "
                              "seq FROM sync_fact WHERE col = 'questions' AND production_id = ?1 "
                              "AND void = 0 AND json_extract(fields, '$.communication') = ?2 "
                              "AND NOT EXISTS (SELECT 1 FROM sync_fact c WHERE c.col = "
                              "'questions' AND c.supersedes = sync_fact.rid "
                              "AND +c.production_id = sync_fact.production_id) ORDER BY seq";
    return rows_select(db, sql, question_row, out, 2, production_id, communication_id);
}

int commstore_production_title(struct db *db, const char *production_id, char *buf, size_t len)
{
    static const char sql[] = "SELECT title FROM production WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int step;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    db_done(st);
    return step == SQLITE_ROW ? EP_OK : step == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(step);
}
