/* identity.c - SQL for accounts, members, sessions, devices, invites, keys, audit (see identity.h).
 */
#include "identity.h"

#include "db.h"
#include "err.h"
#include "production.h"
#include "rows.h"

#include <string.h>

int identity_role_parse(const char *s, enum sync_role *out)
{
    static const char *const names[] = {"admin", "eco_referent", "dept_head", "crew", "viewer"};

    for (size_t i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (enum sync_role)i;
            return EP_OK;
        }
    }
    return EP_EINVAL;
}

const char *identity_role_name(enum sync_role role)
{
    switch (role) {
    case SYNC_ROLE_ADMIN:
        return "admin";
    case SYNC_ROLE_ECO_REFERENT:
        return "eco_referent";
    case SYNC_ROLE_DEPT_HEAD:
        return "dept_head";
    case SYNC_ROLE_CREW:
        return "crew";
    case SYNC_ROLE_VIEWER:
        return "viewer";
    }
    return "viewer";
}

/* Binds s, or NULL for NULL and "". */
static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s == NULL || s[0] == '\0')
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

int identity_production_exists(struct db *db, const char *production_id)
{
    static const char sql[] = "SELECT 1 FROM production WHERE id = ?1 AND is_company_space = 0";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    db_done(st);
    if (rc == SQLITE_ROW)
        return EP_OK;
    return rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
}

int identity_account_create(struct db *db, const struct identity_account *a, int64_t now)
{
    static const char sql[] = "INSERT INTO account (id, email, name, pw_hash, created_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5)";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->email, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->pw_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    return rows_step_done(st);
}

static int read_account(sqlite3_stmt *st, struct identity_account *out)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW) {
        rc = rows_text(st, 0, out->id, sizeof(out->id));
        if (rc == EP_OK)
            rc = rows_text(st, 1, out->email, sizeof(out->email));
        if (rc == EP_OK)
            rc = rows_text(st, 2, out->name, sizeof(out->name));
        if (rc == EP_OK)
            rc = rows_text(st, 3, out->pw_hash, sizeof(out->pw_hash));
        out->failed_count = sqlite3_column_int(st, 4);
        out->locked_until = sqlite3_column_int64(st, 5);
    } else {
        rc = rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
    }
    db_done(st);
    return rc;
}

int identity_account_by_email(struct db *db, const char *email, struct identity_account *out)
{
    static const char sql[] = "SELECT id, email, name, pw_hash, failed_count, locked_until "
                              "FROM account WHERE email = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
    return read_account(st, out);
}

int identity_account_by_id(struct db *db, const char *id, struct identity_account *out)
{
    static const char sql[] = "SELECT id, email, name, pw_hash, failed_count, locked_until "
                              "FROM account WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    return read_account(st, out);
}

int identity_account_set_failures(struct db *db, const char *id, int failed_count,
                                  int64_t locked_until)
{
    static const char sql[] =
        "UPDATE account SET failed_count = ?2, locked_until = ?3 WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, failed_count);
    sqlite3_bind_int64(st, 3, locked_until);
    return rows_step_done(st);
}

int identity_account_set_hash(struct db *db, const char *id, const char *pw_hash)
{
    static const char sql[] = "UPDATE account SET pw_hash = ?2 WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, pw_hash, -1, SQLITE_STATIC);
    return rows_step_done(st);
}

int identity_member_create(struct db *db, const struct identity_member *m, int64_t now)
{
    static const char sql[] = "INSERT INTO member (id, production_id, account_id, name, "
                              "department, level, role, created_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, m->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->production_id, -1, SQLITE_STATIC);
    bind_opt(st, 3, m->account_id);
    sqlite3_bind_text(st, 4, m->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, m->department, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, m->level);
    sqlite3_bind_text(st, 7, identity_role_name(m->role), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, now);
    rc = sqlite3_step(st);
    /* A dangling production or account is a foreign key failure: say which
     * kind of problem it is rather than "conflict". */
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = EP_ENOTFOUND;
    else
        rc = rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
    db_done(st);
    return rc;
}

static int read_member(sqlite3_stmt *st, struct identity_member *out)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW) {
        rc = rows_text(st, 0, out->id, sizeof(out->id));
        if (rc == EP_OK)
            rc = rows_text(st, 1, out->production_id, sizeof(out->production_id));
        if (rc == EP_OK)
            rc = rows_text(st, 2, out->account_id, sizeof(out->account_id));
        if (rc == EP_OK)
            rc = rows_text(st, 3, out->name, sizeof(out->name));
        if (rc == EP_OK)
            rc = rows_text(st, 4, out->department, sizeof(out->department));
        out->level = sqlite3_column_int(st, 5);
        if (rc == EP_OK &&
            identity_role_parse((const char *)sqlite3_column_text(st, 6), &out->role) != EP_OK)
            rc = EP_ECORRUPT;
        out->removed_at = sqlite3_column_int64(st, 7);
    } else {
        rc = rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
    }
    db_done(st);
    return rc;
}

int identity_member_get(struct db *db, const char *production_id, const char *member_id,
                        struct identity_member *out)
{
    static const char sql[] = "SELECT id, production_id, account_id, name, department, level, "
                              "role, coalesce(removed_at, 0) FROM member "
                              "WHERE production_id = ?1 AND id = ?2";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, member_id, -1, SQLITE_STATIC);
    return read_member(st, out);
}

int identity_member_of_account(struct db *db, const char *account_id, const char *production_id,
                               struct identity_member *out)
{
    static const char sql[] = "SELECT id, production_id, account_id, name, department, level, "
                              "role, 0 FROM member WHERE account_id = ?1 AND production_id = ?2 "
                              "AND removed_at IS NULL";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, account_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, production_id, -1, SQLITE_STATIC);
    return read_member(st, out);
}

int identity_member_update(struct db *db, const struct identity_member *m)
{
    static const char sql[] = "UPDATE member SET name = ?3, department = ?4, level = ?5, "
                              "role = ?6 WHERE production_id = ?1 AND id = ?2 "
                              "AND removed_at IS NULL";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, m->production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, m->department, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, m->level);
    sqlite3_bind_text(st, 6, identity_role_name(m->role), -1, SQLITE_STATIC);
    rc = rows_step_done(st);
    if (rc == EP_OK && sqlite3_changes(db_handle(db)) == 0)
        rc = EP_ENOTFOUND;
    return rc;
}

int identity_member_remove(struct db *db, const char *production_id, const char *member_id,
                           int64_t now)
{
    static const char del[] = "UPDATE member SET removed_at = ?3 WHERE production_id = ?1 "
                              "AND id = ?2 AND removed_at IS NULL";
    static const char rev[] = "UPDATE device SET revoked_at = ?2 WHERE member_id = ?1 "
                              "AND revoked_at IS NULL";
    sqlite3_stmt *st;
    int rc = db_begin_write(db);

    if (rc != EP_OK)
        return rc;
    st = db_stmt(db, del);
    if (st == NULL) {
        rc = EP_EIO;
        goto out;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, member_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    rc = rows_step_done(st);
    if (rc == EP_OK && sqlite3_changes(db_handle(db)) == 0)
        rc = EP_ENOTFOUND;
    if (rc != EP_OK)
        goto out;
    /* A removed person's phones must stop working at once, not at their
     * next pairing: revoke them in the same transaction. */
    st = db_stmt(db, rev);
    if (st == NULL) {
        rc = EP_EIO;
        goto out;
    }
    sqlite3_bind_text(st, 1, member_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    rc = rows_step_done(st);
    if (rc == EP_OK)
        rc = db_commit(db);
out:
    if (rc != EP_OK)
        db_rollback(db);
    return rc;
}

int identity_count_admins(struct db *db, const char *production_id, int *out)
{
    static const char sql[] = "SELECT count(*) FROM member WHERE production_id = ?1 "
                              "AND role = 'admin' AND removed_at IS NULL";

    return rows_int(db, sql, out, 1, production_id);
}

static json_t *member_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:b}", "id",
                     rows_json_text(st, 0), "name", rows_json_text(st, 1), "department",
                     rows_json_text(st, 2), "level", sqlite3_column_int(st, 3), "role",
                     rows_json_text(st, 4), "account_id", rows_json_text(st, 5), "email",
                     rows_json_text(st, 6), "phones", sqlite3_column_int(st, 7), "last_sync_at",
                     sqlite3_column_type(st, 8) == SQLITE_NULL
                         ? json_null()
                         : json_integer(sqlite3_column_int64(st, 8)),
                     "channels", rows_json(st, 9), "needs", rows_json(st, 10), "invite_pending",
                     sqlite3_column_int(st, 11));
}

int identity_members_list(struct db *db, const char *production_id, int64_t now, json_t **out)
{
    /* The address: the account's, else the member's own (communications),
     * else the one a pending invitation was sent to. */
    static const char sql[] =
        "SELECT m.id, m.name, m.department, m.level, m.role, m.account_id, "
        "coalesce(a.email, m.email, (SELECT i.email FROM account_invite i "
        " WHERE i.member_id = m.id ORDER BY i.created_at DESC LIMIT 1)), "
        "(SELECT count(*) FROM device d WHERE d.member_id = m.id AND d.revoked_at IS NULL), "
        "(SELECT max(d.last_sync_at) FROM device d WHERE d.member_id = m.id), "
        "m.channels, m.needs, "
        "m.account_id IS NULL AND EXISTS (SELECT 1 FROM account_invite i WHERE i.member_id = m.id "
        " AND i.used_at IS NULL AND i.expires_at > ?2) "
        "FROM member m LEFT JOIN account a ON a.id = m.account_id "
        "WHERE m.production_id = ?1 AND m.removed_at IS NULL "
        "ORDER BY m.level, m.department, m.name, m.id";
    sqlite3_stmt *st = db_stmt(db, sql);

    *out = NULL;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    return rows_list(st, member_row, out);
}

int identity_member_email_taken(struct db *db, const char *production_id, const char *email,
                                int *out)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM member m JOIN account a ON a.id = m.account_id "
        "WHERE m.production_id = ?1 AND m.removed_at IS NULL AND a.email = ?2 COLLATE NOCASE)";

    return rows_int(db, sql, out, 2, production_id, email);
}

static json_t *membership_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:i}", "production_id", rows_json_text(st, 0),
                     "title", rows_json_text(st, 1), "member_id", rows_json_text(st, 2), "role",
                     rows_json_text(st, 3), "department", rows_json_text(st, 4), "level",
                     sqlite3_column_int(st, 5));
}

int identity_memberships(struct db *db, const char *account_id, json_t **out)
{
    static const char sql[] = "SELECT m.production_id, p.title, m.id, m.role, m.department, "
                              "m.level FROM member m JOIN production p ON p.id = m.production_id "
                              "WHERE m.account_id = ?1 AND m.removed_at IS NULL "
                              "ORDER BY p.title, m.production_id";
    return rows_select(db, sql, membership_row, out, 1, account_id);
}

int identity_session_create(struct db *db, const unsigned char *token_hash, const char *account_id,
                            const char *csrf, int64_t now, int64_t expires_at)
{
    static const char sql[] = "INSERT INTO session (token_hash, account_id, csrf, created_at, "
                              "expires_at) VALUES (?1, ?2, ?3, ?4, ?5)";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, account_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int64(st, 5, expires_at);
    return rows_step_done(st);
}

int identity_session_get(struct db *db, const unsigned char *token_hash, int64_t now,
                         struct identity_session *out)
{
    static const char sql[] = "SELECT account_id, csrf, expires_at FROM session "
                              "WHERE token_hash = ?1 AND expires_at > ?2";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        rc = rows_text(st, 0, out->account_id, sizeof(out->account_id));
        if (rc == EP_OK)
            rc = rows_text(st, 1, out->csrf, sizeof(out->csrf));
        out->expires_at = sqlite3_column_int64(st, 2);
    } else {
        rc = rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
    }
    db_done(st);
    return rc;
}

int identity_session_delete(struct db *db, const unsigned char *token_hash)
{
    static const char sql[] = "DELETE FROM session WHERE token_hash = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
    return rows_step_done(st);
}

int identity_session_purge(struct db *db, int64_t now)
{
    static const char sql[] = "DELETE FROM session WHERE expires_at <= ?1";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_int64(st, 1, now);
    return rows_step_done(st);
}

int identity_device_create(struct db *db, const struct identity_device *d, int64_t now)
{
    static const char sql[] = "INSERT INTO device (id, member_id, production_id, name, "
                              "public_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, d->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, d->member_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, d->production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, d->name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 5, d->public_key, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    return rows_step_done(st);
}

int identity_device_get(struct db *db, const char *id, struct identity_device *out)
{
    static const char sql[] = "SELECT id, member_id, production_id, name, public_key, counter, "
                              "coalesce(revoked_at, 0) FROM device WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        rc = rows_text(st, 0, out->id, sizeof(out->id));
        if (rc == EP_OK)
            rc = rows_text(st, 1, out->member_id, sizeof(out->member_id));
        if (rc == EP_OK)
            rc = rows_text(st, 2, out->production_id, sizeof(out->production_id));
        if (rc == EP_OK)
            rc = rows_text(st, 3, out->name, sizeof(out->name));
        if (rc == EP_OK && sqlite3_column_bytes(st, 4) != 32)
            rc = EP_ECORRUPT;
        if (rc == EP_OK)
            memcpy(out->public_key, sqlite3_column_blob(st, 4), 32);
        out->counter = sqlite3_column_int64(st, 5);
        out->revoked_at = sqlite3_column_int64(st, 6);
    } else {
        rc = rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
    }
    db_done(st);
    return rc;
}

int identity_device_advance(struct db *db, const char *id, int64_t counter, int64_t now)
{
    static const char sql[] = "UPDATE device SET counter = ?2, last_seen_at = ?3 "
                              "WHERE id = ?1 AND counter < ?2 AND revoked_at IS NULL";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, counter);
    sqlite3_bind_int64(st, 3, now);
    rc = rows_step_done(st);
    if (rc == EP_OK && sqlite3_changes(db_handle(db)) == 0)
        rc = EP_ECONFLICT;
    return rc;
}

int identity_device_synced(struct db *db, const char *id, int64_t now)
{
    static const char sql[] = "UPDATE device SET last_sync_at = ?2 WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    return rows_step_done(st);
}

int identity_device_revoke(struct db *db, const char *production_id, const char *id, int64_t now)
{
    static const char sql[] = "UPDATE device SET revoked_at = ?3 WHERE production_id = ?1 "
                              "AND id = ?2 AND revoked_at IS NULL";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    rc = rows_step_done(st);
    if (rc == EP_OK && sqlite3_changes(db_handle(db)) == 0)
        rc = EP_ENOTFOUND;
    return rc;
}

static json_t *device_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", rows_json_text(st, 0),
                     "name", rows_json_text(st, 1), "member_id", rows_json_text(st, 2),
                     "member_name", rows_json_text(st, 3), "created_at", rows_json_int(st, 4),
                     "last_seen_at", rows_json_int(st, 5), "last_sync_at", rows_json_int(st, 6),
                     "revoked_at", rows_json_int(st, 7));
}

int identity_devices_list(struct db *db, const char *production_id, json_t **out)
{
    static const char sql[] = "SELECT d.id, d.name, d.member_id, m.name, d.created_at, "
                              "d.last_seen_at, d.last_sync_at, d.revoked_at FROM device d "
                              "JOIN member m ON m.id = d.member_id WHERE d.production_id = ?1 "
                              "ORDER BY d.revoked_at IS NOT NULL, m.name, d.created_at, d.id";
    return rows_select(db, sql, device_row, out, 1, production_id);
}

int identity_invite_create(struct db *db, const unsigned char *code_hash, const char *member_id,
                           const char *production_id, const char *created_by, int64_t now,
                           int64_t expires_at)
{
    static const char sql[] = "INSERT INTO invite (code_hash, member_id, production_id, "
                              "created_by, created_at, expires_at) VALUES (?1,?2,?3,?4,?5,?6)";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_blob(st, 1, code_hash, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, member_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, production_id, -1, SQLITE_STATIC);
    bind_opt(st, 4, created_by);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_int64(st, 6, expires_at);
    return rows_step_done(st);
}

/* Reads the invite and whether its member is still active. */
static int invite_lookup(struct db *db, const unsigned char *code_hash, int64_t now,
                         struct identity_device *dev, enum identity_invite_result *result)
{
    static const char sql[] = "SELECT i.member_id, i.production_id, i.expires_at, i.used_at, "
                              "m.removed_at FROM invite i JOIN member m ON m.id = i.member_id "
                              "WHERE i.code_hash = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_blob(st, 1, code_hash, 32, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        rc = rows_text(st, 0, dev->member_id, sizeof(dev->member_id));
        if (rc == EP_OK)
            rc = rows_text(st, 1, dev->production_id, sizeof(dev->production_id));
        /* Used before expired: a replayed code says "used", the more useful story. */
        if (sqlite3_column_type(st, 3) != SQLITE_NULL)
            *result = IDENTITY_INVITE_USED;
        else if (sqlite3_column_int64(st, 2) <= now)
            *result = IDENTITY_INVITE_EXPIRED;
        else if (sqlite3_column_type(st, 4) != SQLITE_NULL)
            *result = IDENTITY_INVITE_NO_MEMBER;
        else
            *result = IDENTITY_INVITE_OK;
    } else if (rc == SQLITE_DONE) {
        *result = IDENTITY_INVITE_UNKNOWN;
        rc = EP_OK;
    } else {
        rc = db_map_rc(rc);
    }
    db_done(st);
    return rc;
}

static int invite_mark_used(struct db *db, const unsigned char *code_hash, const char *device_id,
                            int64_t now)
{
    static const char sql[] = "UPDATE invite SET used_at = ?2, device_id = ?3 "
                              "WHERE code_hash = ?1 AND used_at IS NULL";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_blob(st, 1, code_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, device_id, -1, SQLITE_STATIC);
    return rows_step_done(st);
}

static int key_taken(struct db *db, const unsigned char *pk, int *out)
{
    static const char sql[] = "SELECT EXISTS (SELECT 1 FROM device WHERE public_key = ?1)";
    sqlite3_stmt *st = db_stmt(db, sql);

    *out = 0;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_blob(st, 1, pk, 32, SQLITE_STATIC);
    return rows_step_int(st, out);
}

int identity_invite_redeem(struct db *db, const unsigned char *code_hash, int64_t now,
                           struct identity_device *dev, enum identity_invite_result *result)
{
    int taken = 0;
    int rc;

    *result = IDENTITY_INVITE_UNKNOWN;
    /* IMMEDIATE: two phones racing with the same code serialize here, and
     * the second sees used_at set. */
    rc = db_begin_write(db);
    if (rc != EP_OK)
        return rc;
    rc = invite_lookup(db, code_hash, now, dev, result);
    /* A code made before the production was archived pairs nothing: an
     * archived production is frozen (docs/operations.md, "Closing a
     * production"), and a new phone on it could only queue refused work. */
    if (rc == EP_OK && *result == IDENTITY_INVITE_OK) {
        int archived = 0;
        rc = production_archived(db, dev->production_id, &archived);
        if (rc == EP_OK && archived)
            *result = IDENTITY_INVITE_ARCHIVED;
    }
    if (rc == EP_OK && *result == IDENTITY_INVITE_OK)
        rc = key_taken(db, dev->public_key, &taken);
    if (rc == EP_OK && *result == IDENTITY_INVITE_OK && taken)
        *result = IDENTITY_INVITE_KEY_TAKEN;
    if (rc == EP_OK && *result != IDENTITY_INVITE_OK)
        rc = EP_EAUTH;
    if (rc == EP_OK)
        rc = identity_device_create(db, dev, now);
    if (rc == EP_OK)
        rc = invite_mark_used(db, code_hash, dev->id, now);
    if (rc == EP_OK)
        rc = db_commit(db);
    if (rc != EP_OK)
        db_rollback(db);
    return rc;
}

int identity_prodkey_get(struct db *db, const char *production_id, struct identity_prodkey *out)
{
    static const char sql[] = "SELECT key_id, public_key, sealed_secret FROM production_key "
                              "WHERE production_id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 2);
        rc = rows_text(st, 0, out->key_id, sizeof(out->key_id));
        if (rc == EP_OK &&
            (sqlite3_column_bytes(st, 1) != 32 || n <= 0 || (size_t)n > sizeof(out->sealed)))
            rc = EP_ECORRUPT;
        if (rc == EP_OK) {
            memcpy(out->public_key, sqlite3_column_blob(st, 1), 32);
            memcpy(out->sealed, sqlite3_column_blob(st, 2), (size_t)n);
            out->sealed_len = (size_t)n;
        }
    } else {
        rc = rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
    }
    db_done(st);
    return rc;
}

int identity_prodkey_insert(struct db *db, const char *production_id,
                            const struct identity_prodkey *k, int64_t now)
{
    static const char sql[] = "INSERT INTO production_key (production_id, key_id, public_key, "
                              "sealed_secret, created_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                              "ON CONFLICT (production_id) DO NOTHING";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, k->key_id, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, k->public_key, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, k->sealed, (int)k->sealed_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    return rows_step_done(st);
}

int identity_audit(struct db *db, int64_t now, const struct identity_audit_event *e)
{
    static const char sql[] = "INSERT INTO audit_log (at, production_id, account_id, member_id, "
                              "device_id, event, detail, remote_addr) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_int64(st, 1, now);
    bind_opt(st, 2, e->production_id);
    bind_opt(st, 3, e->account_id);
    bind_opt(st, 4, e->member_id);
    bind_opt(st, 5, e->device_id);
    sqlite3_bind_text(st, 6, e->event, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, e->detail != NULL ? e->detail : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, e->remote_addr != NULL ? e->remote_addr : "", -1, SQLITE_STATIC);
    return rows_step_done(st);
}

static json_t *audit_row(sqlite3_stmt *st)
{
    return json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
                     (json_int_t)sqlite3_column_int64(st, 0), "at",
                     (json_int_t)sqlite3_column_int64(st, 1), "event", rows_json_text(st, 2),
                     "production_id", rows_json_text(st, 3), "account_id", rows_json_text(st, 4),
                     "member_id", rows_json_text(st, 5), "device_id", rows_json_text(st, 6),
                     "detail", rows_json_text(st, 7), "remote_addr", rows_json_text(st, 8));
}

int identity_audit_list(struct db *db, const char *production_id, int64_t before_id, int limit,
                        json_t **out)
{
    static const char sql[] =
        "SELECT id, at, event, production_id, account_id, member_id, device_id, detail, "
        "remote_addr FROM audit_log WHERE id < ?2 AND production_id = ?1 "
        "ORDER BY id DESC LIMIT ?3";
    sqlite3_stmt *st = db_stmt(db, sql);

    *out = NULL;
    if (st == NULL)
        return EP_EIO;
    if (limit < 1)
        limit = 1;
    if (limit > 500)
        limit = 500;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, before_id > 0 ? before_id : INT64_MAX);
    sqlite3_bind_int(st, 3, limit);
    return rows_list(st, audit_row, out);
}
