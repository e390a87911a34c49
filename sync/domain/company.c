/* company.c - the company, its administrators and the first-start setup (see company.h). */
#include "company.h"

#include "db.h"
#include "err.h"
#include "rows.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int company_siret_valid(const char *siret)
{
    int sum = 0, plain = 0;

    if (siret == NULL || strlen(siret) != 14)
        return 0;
    for (int i = 0; i < 14; i++) {
        int d;
        if (siret[i] < '0' || siret[i] > '9')
            return 0;
        d = siret[i] - '0';
        plain += d;
        /* Luhn from the right: the 13th, 11th ... digits (even indexes) double. */
        if (i % 2 == 0) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    if (sum % 10 == 0)
        return 1;
    /* La Poste's establishments share one SIREN and cannot all pass Luhn:
     * INSEE checks the plain digit sum modulo 5 for them instead. */
    return strncmp(siret, "356000000", 9) == 0 && plain % 5 == 0;
}

int company_check(const struct company *c, struct ep_error *err)
{
    static const char sizes[] = "the company's name is 1 to 200 bytes, its city at most 100";
    size_t n = strlen(c->name);

    ep_error_clear(err);
    if (n == 0 || n > COMPANY_NAME_MAX)
        return ep_error_set(err, EP_EINVAL, "name", sizes);
    if (c->siret[0] != '\0' && !company_siret_valid(c->siret))
        return ep_error_set(err, EP_EINVAL, "siret",
                            "a SIRET is 14 digits whose check digit is right");
    if (strlen(c->city) > COMPANY_CITY_MAX)
        return ep_error_set(err, EP_EINVAL, "city", sizes);
    return EP_OK;
}

int company_account_count(struct db *db, int *out)
{
    static const char sql[] = "SELECT count(*) FROM account";

    return rows_int(db, sql, out, 0);
}

static void token_hash(const char *token, unsigned char h[32])
{
    crypto_generichash(h, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

int company_setup_token_new(struct db *db, int64_t now, char token[COMPANY_TOKEN_LEN + 1])
{
    static const char sql[] =
        "INSERT INTO setup_token (token_hash, created_at, expires_at) VALUES (?1, ?2, ?3)";
    unsigned char raw[32], h[32];
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(token, COMPANY_TOKEN_LEN + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    token_hash(token, h);
    sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, now + COMPANY_TOKEN_TTL_MS);
    return rows_step_done(st);
}

/* Marks token used if it is known, unexpired and unused; else says why. */
static int redeem(struct db *db, const char *token, int64_t now, enum company_setup_result *res)
{
    static const char get[] = "SELECT expires_at, used_at FROM setup_token WHERE token_hash = ?1";
    static const char use[] = "UPDATE setup_token SET used_at = ?2 WHERE token_hash = ?1";
    unsigned char h[32];
    sqlite3_stmt *st = db_stmt(db, get);
    int rc;

    if (st == NULL)
        return EP_EIO;
    token_hash(token, h);
    sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        *res = COMPANY_SETUP_TOKEN_UNKNOWN;
    else if (rc == SQLITE_ROW && sqlite3_column_type(st, 1) != SQLITE_NULL)
        *res = COMPANY_SETUP_TOKEN_USED;
    else if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) <= now)
        *res = COMPANY_SETUP_TOKEN_EXPIRED;
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_map_rc(rc);
    if (*res != COMPANY_SETUP_OK)
        return EP_EFORBIDDEN;
    st = db_stmt(db, use);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    return rows_step_done(st);
}

static int insert_company(struct db *db, const struct company *c, int64_t now)
{
    static const char sql[] =
        "INSERT INTO company (id, name, siret, city, created_at) VALUES (?1, ?2, ?3, ?4, ?5)";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
    if (c->siret[0] != '\0')
        sqlite3_bind_text(st, 3, c->siret, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_text(st, 4, c->city, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    return rows_step_done(st);
}

int company_admin_add(struct db *db, const char *company_id, const char *account_id, int64_t now)
{
    static const char sql[] = "INSERT OR IGNORE INTO company_account (company_id, account_id, "
                              "role, created_at) VALUES (?1, ?2, 'admin', ?3)";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, company_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, account_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    return rows_step_done(st);
}

int company_setup(struct db *db, const char *token, const struct company *c,
                  const struct identity_account *a, int64_t now, enum company_setup_result *result)
{
    static const char spend[] = "UPDATE setup_token SET used_at = ?1 WHERE used_at IS NULL";
    sqlite3_stmt *st;
    int accounts = 0;
    int rc;

    *result = COMPANY_SETUP_OK;
    rc = db_begin_write(db);
    if (rc != EP_OK)
        return rc;
    if (token != NULL)
        rc = redeem(db, token, now, result);
    if (rc == EP_OK)
        rc = company_account_count(db, &accounts);
    if (rc == EP_OK && accounts > 0) {
        *result = COMPANY_SETUP_DONE;
        rc = EP_EFORBIDDEN;
    }
    if (rc == EP_OK)
        rc = insert_company(db, c, now);
    if (rc == EP_OK)
        rc = identity_account_create(db, a, now);
    if (rc == EP_OK)
        rc = company_admin_add(db, c->id, a->id, now);
    /* The server is claimed: no other link may claim it again. */
    if (rc == EP_OK) {
        st = db_stmt(db, spend);
        if (st == NULL)
            rc = EP_EIO;
        else {
            sqlite3_bind_int64(st, 1, now);
            rc = rows_step_done(st);
        }
    }
    if (rc == EP_OK)
        rc = db_commit(db);
    if (rc != EP_OK)
        db_rollback(db);
    return rc;
}

static int read_company(sqlite3_stmt *st, struct company *out)
{
    int rc = sqlite3_step(st);

    memset(out, 0, sizeof(*out));
    if (rc == SQLITE_ROW) {
        const unsigned char *siret = sqlite3_column_text(st, 2);
        snprintf(out->id, sizeof(out->id), "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(out->name, sizeof(out->name), "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(out->siret, sizeof(out->siret), "%s", siret != NULL ? (const char *)siret : "");
        snprintf(out->city, sizeof(out->city), "%s", (const char *)sqlite3_column_text(st, 3));
    }
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
}

int company_of_admin(struct db *db, const char *account_id, struct company *out)
{
    static const char sql[] = "SELECT c.id, c.name, c.siret, c.city FROM company_account a "
                              "JOIN company c ON c.id = a.company_id WHERE a.account_id = ?1 "
                              "ORDER BY c.created_at, c.id LIMIT 1";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, account_id, -1, SQLITE_STATIC);
    return read_company(st, out);
}

int company_first(struct db *db, struct company *out)
{
    static const char sql[] =
        "SELECT id, name, siret, city FROM company ORDER BY created_at, id LIMIT 1";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    return read_company(st, out);
}

int company_admins(struct db *db, const char *company_id, json_t **out)
{
    static const char sql[] =
        "SELECT account_id FROM company_account WHERE company_id = ?1 ORDER BY created_at";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *list = json_array();
    int rc;

    *out = NULL;
    if (st == NULL || list == NULL) {
        json_decref(list);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, company_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(list, json_string((const char *)sqlite3_column_text(st, 0)));
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(list);
        return db_map_rc(rc);
    }
    *out = list;
    return EP_OK;
}

json_t *company_json(const struct company *c)
{
    return json_pack("{s:s, s:s, s:s?, s:s}", "id", c->id, "name", c->name, "siret",
                     c->siret[0] != '\0' ? c->siret : NULL, "city", c->city);
}

/* ---- office members invited by email ------------------------------------------- */

int company_join_pending(struct db *db, const char *production_id, const char *email, int64_t now,
                         int *out)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM account_invite WHERE production_id = ?1 AND email = ?2 "
        "AND used_at IS NULL AND expires_at > ?3)";
    sqlite3_stmt *st = db_stmt(db, sql);

    *out = 0;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, email, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    return rows_step_int(st, out);
}

int company_join_create(struct db *db, const char *production_id, const char *member_id,
                        const char *email, const char *created_by, int64_t now,
                        char token[COMPANY_TOKEN_LEN + 1])
{
    static const char sql[] =
        "INSERT INTO account_invite (token_hash, member_id, production_id, email, created_by, "
        "created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    unsigned char raw[32], h[32];
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(token, COMPANY_TOKEN_LEN + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    token_hash(token, h);
    sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, member_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, email, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, created_by, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    sqlite3_bind_int64(st, 7, now + COMPANY_JOIN_TTL_MS);
    return rows_step_done(st);
}

/* Checks invitation h inside the caller's transaction (or autocommit):
 * fills *info, sets *result. Returns 0 or a storage code. */
static int join_check(struct db *db, const unsigned char h[32], int64_t now,
                      struct company_join_info *info, enum company_join_result *result)
{
    static const char get[] =
        "SELECT i.member_id, i.email, i.expires_at, i.used_at, m.removed_at, m.account_id, "
        "m.production_id, m.name "
        "FROM account_invite i JOIN member m ON m.id = i.member_id WHERE i.token_hash = ?1";
    sqlite3_stmt *st = db_stmt(db, get);
    int rc;

    *result = COMPANY_JOIN_OK;
    memset(info, 0, sizeof(*info));
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        *result = COMPANY_JOIN_UNKNOWN;
    else if (rc == SQLITE_ROW) {
        rows_text(st, 0, info->member_id, sizeof(info->member_id));
        rows_text(st, 1, info->email, sizeof(info->email));
        rows_text(st, 6, info->production_id, sizeof(info->production_id));
        rows_text(st, 7, info->name, sizeof(info->name));
        if (sqlite3_column_type(st, 3) != SQLITE_NULL)
            *result = COMPANY_JOIN_USED;
        else if (sqlite3_column_int64(st, 2) <= now)
            *result = COMPANY_JOIN_EXPIRED;
        else if (sqlite3_column_type(st, 4) != SQLITE_NULL ||
                 sqlite3_column_type(st, 5) != SQLITE_NULL)
            *result = COMPANY_JOIN_NO_MEMBER;
    }
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

int company_join_peek(struct db *db, const char *token, int64_t now, struct company_join_info *info,
                      enum company_join_result *result)
{
    unsigned char h[32];
    int rc;

    token_hash(token, h);
    rc = join_check(db, h, now, info, result);
    if (rc == EP_OK && *result != COMPANY_JOIN_OK)
        rc = EP_EFORBIDDEN;
    return rc;
}

/* Binds member_id to account_id and spends invitation h, in the caller's
 * transaction. EP_ECONFLICT when the account is on the production already. */
static int join_bind(struct db *db, const unsigned char h[32], const char *member_id,
                     const char *account_id, int64_t now)
{
    static const char bind[] =
        "UPDATE member SET account_id = ?2 WHERE id = ?1 AND account_id IS NULL";
    static const char use[] = "UPDATE account_invite SET used_at = ?2 WHERE token_hash = ?1";
    sqlite3_stmt *st = db_stmt(db, bind);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, member_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, account_id, -1, SQLITE_STATIC);
    rc = rows_step_done(st); /* the unique (account, production) index: EP_ECONFLICT */
    if (rc != EP_OK)
        return rc;
    st = db_stmt(db, use);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    return rows_step_done(st);
}

int company_join_redeem(struct db *db, const char *token, struct identity_account *a, int64_t now,
                        enum company_join_result *result)
{
    unsigned char h[32];
    struct company_join_info info;
    int rc;

    *result = COMPANY_JOIN_OK;
    token_hash(token, h);
    rc = db_begin_write(db);
    if (rc != EP_OK)
        return rc;
    rc = join_check(db, h, now, &info, result);
    if (rc == EP_OK && *result != COMPANY_JOIN_OK)
        rc = EP_EFORBIDDEN;
    if (rc == EP_OK) {
        snprintf(a->email, sizeof(a->email), "%s", info.email);
        rc = identity_account_create(db, a, now); /* EP_ECONFLICT: email taken */
    }
    if (rc == EP_OK)
        rc = join_bind(db, h, info.member_id, a->id, now);
    if (rc == EP_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
}

int company_join_bind(struct db *db, const char *token, const char *account_id, int64_t now,
                      enum company_join_result *result)
{
    unsigned char h[32];
    struct company_join_info info;
    struct identity_account acc;
    int rc;

    *result = COMPANY_JOIN_OK;
    memset(&acc, 0, sizeof(acc));
    token_hash(token, h);
    rc = db_begin_write(db);
    if (rc != EP_OK)
        return rc;
    rc = join_check(db, h, now, &info, result);
    if (rc == EP_OK && *result != COMPANY_JOIN_OK)
        rc = EP_EFORBIDDEN;
    /* The invitation names an address; only that address's account takes it. */
    if (rc == EP_OK)
        rc = identity_account_by_id(db, account_id, &acc);
    if (rc == EP_OK && strcasecmp(acc.email, info.email) != 0) {
        *result = COMPANY_JOIN_UNKNOWN;
        rc = EP_EFORBIDDEN;
    }
    if (rc == EP_OK)
        rc = join_bind(db, h, info.member_id, account_id, now);
    if (rc == EP_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    sodium_memzero(&acc, sizeof(acc));
    return rc;
}
