/* seed.c - loads backend/demo/seed.json into an empty database (see seed.h). */
#include "seed.h"

#include "auth.h"
#include "db.h"
#include "embed.h"
#include "err.h"
#include "log.h"
#include "server.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

extern const struct ep_embedded ep_demo[];

static int has_production(struct db *db, int *out)
{
    static const char sql[] = "SELECT EXISTS (SELECT 1 FROM production)";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : db_map_rc(rc);
}

static int insert_company(struct db *db, json_t *c, json_error_t *jerr)
{
    static const char sql[] =
        "INSERT INTO company (id, name, siret, created_at) VALUES (?1, ?2, ?3, ?4)";
    const char *id, *name, *siret = NULL;
    sqlite3_stmt *st;
    int rc;

    if (json_unpack_ex(c, jerr, JSON_STRICT, "{s:s, s:s, s?s}", "id", &id, "name", &name, "siret",
                       &siret) != 0)
        return EP_EINVAL;
    st = db_stmt(db, sql);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, siret, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, server_now_ms());
    rc = db_map_rc(sqlite3_step(st));
    db_done(st);
    return rc;
}

static int insert_production(struct db *db, json_t *p, const char *company, json_error_t *jerr)
{
    static const char sql[] = "INSERT INTO production (id, company_id, title, kind, rhythm, "
                              "starts_on, ends_on, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)";
    const char *id, *title, *kind, *rhythm, *starts, *ends;
    sqlite3_stmt *st;
    int rc;

    if (json_unpack_ex(p, jerr, JSON_STRICT, "{s:s, s:s, s:s, s:s, s:s, s:s}", "id", &id, "title",
                       &title, "kind", &kind, "rhythm", &rhythm, "starts_on", &starts, "ends_on",
                       &ends) != 0)
        return EP_EINVAL;
    st = db_stmt(db, sql);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, company, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, rhythm, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, starts, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, ends, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, server_now_ms());
    rc = db_map_rc(sqlite3_step(st));
    db_done(st);
    return rc;
}

int seed_demo(struct db *db, char *errbuf, size_t errlen)
{
    json_t *root = NULL;
    json_t *company = NULL, *production = NULL, *people = NULL;
    json_error_t jerr;
    const char *company_id = NULL;
    int exists = 0;
    int people_failed = 0;
    int rc;

    memset(&jerr, 0, sizeof(jerr));
    rc = has_production(db, &exists);
    if (rc != EP_OK || exists) {
        snprintf(errbuf, errlen, "%s", rc != EP_OK ? db_errmsg(db) : "");
        return rc;
    }
    root = json_loadb(ep_demo[0].data, ep_demo[0].size, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL ||
        json_unpack_ex(root, &jerr, JSON_STRICT, "{s:o, s:o, s?o}", "company", &company,
                       "production", &production, "people", &people) != 0 ||
        json_unpack_ex(company, &jerr, 0, "{s:s}", "id", &company_id) != 0) {
        rc = EP_EINVAL;
        goto out;
    }
    rc = db_begin_write(db);
    if (rc != EP_OK)
        goto out;
    rc = insert_company(db, company, &jerr);
    if (rc == EP_OK)
        rc = insert_production(db, production, company_id, &jerr);
    /* The demo office login and crew (auth.h); errbuf says which person failed. */
    if (rc == EP_OK && people != NULL) {
        rc = auth_seed_people(db, json_string_value(json_object_get(production, "id")), people,
                              server_now_ms(), errbuf, errlen);
        people_failed = rc != EP_OK;
    }
    if (rc == EP_OK)
        rc = db_commit(db);
    if (rc != EP_OK)
        db_rollback(db);
    else
        LOG_INFO("seed", "demo production loaded");
out:
    if (people_failed) /* auth_seed_people already wrote the reason */
        LOG_DEBUG("seed", "demo people refused");
    else if (rc == EP_EINVAL)
        snprintf(errbuf, errlen, "seed.json: %s", jerr.text);
    else if (rc != EP_OK)
        snprintf(errbuf, errlen, "%s", db_errmsg(db));
    json_decref(root);
    return rc;
}
