/*
 * merge.c - the merge rules, in one place (see sync.h for their statement
 * and docs/sync-protocol.md for the argument that they converge).
 *
 * Everything here runs inside the caller's write transaction. Every
 * rejection is decided before the op's first write, so a rejected op has
 * written nothing and needs no savepoint of its own (push.c relies on this:
 * keep it so). After the first write only storage errors can happen; they
 * make the caller roll back the whole push, so an op is applied whole or not
 * at all.
 */
#include "canon.h"
#include "db.h"
#include "err.h"
#include "ids.h"
#include "rows.h"
#include "sync_internal.h"

#include <assert.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIGEST_LEN 16

int sync__clock_get(struct db *db, uint64_t *out)
{
    char text[SYNC_HLC_LEN + 8];
    int rc = db_meta_get(db, "hlc", text, sizeof(text));

    if (rc == EP_OK && sync_hlc_parse(text, out) != EP_OK)
        rc = EP_ECORRUPT;
    return rc;
}

int sync__clock_set(struct db *db, uint64_t hlc)
{
    static const char sql[] = "UPDATE meta SET value = ?1 WHERE key = 'hlc'";
    sqlite3_stmt *st = db_stmt(db, sql);
    char text[SYNC_HLC_LEN + 1];

    if (st == NULL)
        return EP_EIO;
    sync_hlc_format(hlc, text);
    sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    return rows_step_done(st);
}

/* ---- idempotence ------------------------------------------------------- */

/*
 * Whether the stored digest is that of op's body as written before the
 * shared number rule (sync__canonical_v0): the same op, re-sent.
 */
static int same_as_v0(const struct sync_op *op, const unsigned char *stored)
{
    unsigned char d[DIGEST_LEN];
    char *v0 = sync__canonical_v0(op->json);
    int same;

    if (v0 == NULL)
        return 0;
    crypto_generichash(d, sizeof(d), (const unsigned char *)v0, strlen(v0), NULL, 0);
    same = memcmp(d, stored, DIGEST_LEN) == 0;
    free(v0);
    return same;
}

/*
 * Looks op_id up in the log and in quarantine. *found: 0 new, 1 same op
 * already logged (*seq set), 2 same op already quarantined, -1 the id is
 * taken by different content.
 */
static int lookup_op(struct db *db, const struct sync_op *op, const char *canon,
                     const unsigned char *digest, int *found, int64_t *seq)
{
    static const char q_log[] = "SELECT seq, digest FROM sync_op WHERE op_id = ?1";
    static const char q_quar[] = "SELECT body FROM sync_quarantine WHERE op_id = ?1";
    sqlite3_stmt *st;
    int rc;

    *found = 0;
    st = db_stmt(db, q_log);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, op->op_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const void *d = sqlite3_column_blob(st, 1);
        int same = sqlite3_column_bytes(st, 1) == DIGEST_LEN && memcmp(d, digest, DIGEST_LEN) == 0;
        *seq = sqlite3_column_int64(st, 0);
        if (!same && sqlite3_column_bytes(st, 1) == DIGEST_LEN)
            same = same_as_v0(op, d);
        *found = same ? 1 : -1;
    }
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_map_rc(rc);
    if (*found != 0)
        return EP_OK;
    st = db_stmt(db, q_quar);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, op->op_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *body = (const char *)sqlite3_column_text(st, 0);
        int same = strcmp(body, canon) == 0;
        if (!same) {
            char *v0 = sync__canonical_v0(op->json);
            same = v0 != NULL && strcmp(body, v0) == 0;
            free(v0);
        }
        *found = same ? 2 : -1;
    }
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

static int insert_op(struct db *db, const struct sync__apply_in *in, const struct sync_op *op,
                     const char *canon, int64_t *seq)
{
    static const char sql[] =
        "INSERT INTO sync_op (op_id, production_id, col, rid, kind, hlc, dev, body, digest, "
        "received_at, origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, op->op_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, op->col, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, op->rid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, op->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, op->hlc_text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, op->dev, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, canon, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 9, in->digest, DIGEST_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, in->opts != NULL ? in->opts->now_ms : 0);
    /* NULL (made by the server) unless a replica pushed it: own=0 hides only
     * those (schema/0020_op_origin.sql). */
    if (in->opts != NULL && in->opts->origin != NULL)
        sqlite3_bind_text(st, 11, in->opts->origin, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 11);
    rc = rows_step_done(st);
    if (rc == EP_OK)
        *seq = sqlite3_last_insert_rowid(db_handle(db));
    /* seq is the pull cursor: a logged op without a positive one is lost to pulls. */
    assert(rc != EP_OK || *seq > 0);
    return rc;
}

static int quarantine(struct db *db, const struct sync__apply_in *in, const struct sync_op *op,
                      const char *canon, const char *reason)
{
    static const char sql[] = "INSERT INTO sync_quarantine (op_id, production_id, dev, body, "
                              "reason, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, op->op_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, op->dev, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, canon, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, in->opts->now_ms);
    return rows_step_done(st);
}

/*
 * After authorization, before any write: an op stamped too far ahead of the
 * server's wall clock is kept aside, not applied, since applying it would let
 * this one clock win every later edit. The office releases or dismisses it.
 * *held is 1 when the op went to quarantine.
 */
static int hold_if_ahead(struct db *db, const struct sync__apply_in *in, const struct sync_op *op,
                         const char *canon, int *held, struct sync__verdict *v)
{
    int64_t drift, ahead;

    *held = 0;
    if (in->opts == NULL)
        return EP_OK;
    drift = in->opts->drift_ms > 0 ? in->opts->drift_ms : SYNC_DRIFT_MS;
    ahead = sync_hlc_ms(op->hlc) - in->opts->now_ms;
    if (ahead <= drift)
        return EP_OK;
    sync__refuse(v, "clock_ahead",
                 "the device clock is %lld s ahead of the server's; the op is kept in "
                 "quarantine for the office to review",
                 (long long)(ahead / 1000));
    *held = 1;
    return quarantine(db, in, op, canon, v->reason);
}

/* ---- editable records -------------------------------------------------- */

/* Loads a record's production and state; *exists = 0 when there is none. */
static int load_record(struct db *db, const char *col, const char *rid, int *exists,
                       char *production, size_t plen, json_t **state)
{
    static const char sql[] = "SELECT production_id, state FROM sync_record "
                              "WHERE col = ?1 AND rid = ?2";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    *exists = 0;
    *state = NULL;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, col, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        json_error_t err;
        *exists = 1;
        snprintf(production, plen, "%s", (const char *)sqlite3_column_text(st, 0));
        *state = json_loads((const char *)sqlite3_column_text(st, 1), 0, &err);
        rc = *state != NULL ? EP_OK : EP_ECORRUPT;
    } else {
        rc = rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
    }
    db_done(st);
    return rc;
}

/* Adds one version of one field and the supersede edges its op declares. */
static int add_version(struct db *db, const struct sync_op *op, const char *field,
                       const json_t *value, const json_t *seen)
{
    static const char ins[] =
        "INSERT INTO sync_version (col, rid, field, op_id, hlc, dev, value, leaf) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NOT EXISTS (SELECT 1 FROM sync_base "
        "WHERE col = ?1 AND rid = ?2 AND field = ?3 AND seen = ?4))";
    static const char edge[] = "INSERT OR IGNORE INTO sync_base (col, rid, field, seen, by_op) "
                               "VALUES (?1, ?2, ?3, ?4, ?5)";
    static const char unleaf[] = "UPDATE sync_version SET leaf = 0 WHERE col = ?1 AND rid = ?2 "
                                 "AND field = ?3 AND op_id = ?4 AND leaf = 1";
    char *text = canon_dumps(value);
    sqlite3_stmt *st;
    int rc = EP_OK;
    size_t i;
    json_t *id;

    if (text == NULL)
        return EP_ENOMEM;
    st = db_stmt(db, ins);
    if (st == NULL) {
        rc = EP_EIO;
        goto out;
    }
    sqlite3_bind_text(st, 1, op->col, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, op->rid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, field, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, op->op_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, op->hlc_text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, op->dev, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, text, -1, SQLITE_STATIC);
    rc = rows_step_done(st);
    json_array_foreach(seen, i, id)
    {
        const char *sid = json_string_value(id);
        if (rc != EP_OK)
            break;
        if (strcmp(sid, op->op_id) == 0)
            continue; /* a version cannot supersede itself */
        st = db_stmt(db, edge);
        if (st == NULL) {
            rc = EP_EIO;
            break;
        }
        sqlite3_bind_text(st, 1, op->col, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, op->rid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, field, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, sid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, op->op_id, -1, SQLITE_STATIC);
        rc = rows_step_done(st);
        if (rc != EP_OK)
            break;
        st = db_stmt(db, unleaf);
        if (st == NULL) {
            rc = EP_EIO;
            break;
        }
        sqlite3_bind_text(st, 1, op->col, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, op->rid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, field, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, sid, -1, SQLITE_STATIC);
        rc = rows_step_done(st);
    }
out:
    free(text);
    return rc;
}

/*
 * The winning value of a field: the greatest leaf by (hlc, dev, op). If a
 * hostile base made every version superseded (a cycle), the greatest version
 * overall wins, so the field never loses its value.
 */
static int field_winner(struct db *db, const char *col, const char *rid, const char *field,
                        json_t **out)
{
    static const char leaf_sql[] = "SELECT value FROM sync_version WHERE col = ?1 AND rid = ?2 "
                                   "AND field = ?3 AND leaf = 1 "
                                   "ORDER BY hlc DESC, dev DESC, op_id DESC LIMIT 1";
    static const char any_sql[] = "SELECT value FROM sync_version WHERE col = ?1 AND rid = ?2 "
                                  "AND field = ?3 ORDER BY hlc DESC, dev DESC, op_id DESC LIMIT 1";
    const char *sqls[2] = {leaf_sql, any_sql};
    int rc = EP_OK;

    *out = NULL;
    for (int i = 0; i < 2 && *out == NULL && rc == EP_OK; i++) {
        sqlite3_stmt *st = db_stmt(db, sqls[i]);
        if (st == NULL)
            return EP_EIO;
        sqlite3_bind_text(st, 1, col, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, field, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            json_error_t err;
            *out = json_loads((const char *)sqlite3_column_text(st, 0), JSON_DECODE_ANY, &err);
            rc = *out != NULL ? EP_OK : EP_ECORRUPT;
        } else {
            rc = rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
        }
        db_done(st);
    }
    return rc;
}

/*
 * Open conflicts of a record: for each of its fields (the keys of state, which
 * holds every field ever written), the leaves whose value differs from the
 * winner's. Losing leaves that hold the winner's very value are no conflict:
 * two phones ticking the same task both meant the same thing. One seek per
 * field on (col, rid, field, leaf = 1) reads the leaves only; counting over
 * the whole record in one query walked every version ever written, so a put
 * on a much-edited record cost as much as its history.
 */
static int count_conflicts(struct db *db, const char *col, const char *rid, const json_t *state,
                           int64_t *out)
{
    static const char sql[] =
        "SELECT count(*) FROM sync_version WHERE col = ?1 AND rid = ?2 AND field = ?3 "
        "AND leaf = 1 AND value <> (SELECT value FROM sync_version WHERE col = ?1 AND rid = ?2 "
        "AND field = ?3 AND leaf = 1 ORDER BY hlc DESC, dev DESC, op_id DESC LIMIT 1)";
    const char *field;
    const json_t *val;
    int rc = EP_OK;

    *out = 0;
    json_object_foreach((json_t *)state, field, val)
    {
        sqlite3_stmt *st = db_stmt(db, sql);
        int64_t n = 0;
        (void)val;
        if (st == NULL)
            return EP_EIO;
        sqlite3_bind_text(st, 1, col, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, field, -1, SQLITE_STATIC);
        rc = rows_step_int64(st, &n);
        if (rc != EP_OK)
            break;
        *out += n;
    }
    return rc;
}

static int save_record(struct db *db, const struct sync_op *op, const char *production,
                       const json_t *state, int64_t conflicts, int64_t seq)
{
    static const char sql[] =
        "INSERT INTO sync_record (col, rid, production_id, state, deleted, conflicts, "
        "updated_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (col, rid) DO UPDATE SET "
        "state = excluded.state, deleted = excluded.deleted, conflicts = excluded.conflicts, "
        "updated_seq = excluded.updated_seq";
    char *text = canon_dumps(state);
    sqlite3_stmt *st;
    int rc;

    if (text == NULL)
        return EP_ENOMEM;
    st = db_stmt(db, sql);
    if (st == NULL) {
        free(text);
        return EP_EIO;
    }
    sqlite3_bind_text(st, 1, op->col, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, op->rid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, production, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, json_is_true(json_object_get(state, "_deleted")));
    sqlite3_bind_int64(st, 6, conflicts);
    sqlite3_bind_int64(st, 7, seq);
    rc = rows_step_done(st);
    free(text);
    return rc;
}

static int apply_put(struct db *db, const struct sync__apply_in *in, const struct sync_op *op,
                     const char *canon, enum sync__status *status, int64_t *seq,
                     struct sync__verdict *v)
{
    char production[SYNC_MAX_ID + 8] = "";
    json_t *state = NULL;
    const char *field;
    json_t *val;
    int64_t conflicts = 0;
    int exists = 0;
    int held = 0;
    int rc;

    rc = load_record(db, op->col, op->rid, &exists, production, sizeof(production), &state);
    if (rc != EP_OK)
        goto out;
    if (exists && strcmp(production, in->production_id) != 0) {
        *status = SYNC__REJECTED;
        /* Never say whose it is (docs/security.md): ids are global, so "taken" is
         * unavoidable, but the answer confirms nothing about another
         * production. */
        sync__refuse(v, "id_collision", "id '%s' cannot be used in '%s'; choose a new id", op->rid,
                     op->col);
        goto out;
    }
    if (in->opts != NULL && in->opts->authorize != NULL) {
        char why[SYNC_REASON_LEN] = "";
        if (in->opts->authorize(in->opts->ctx, in->actor, op, 0, state, why, sizeof(why)) !=
            EP_OK) {
            *status = SYNC__REJECTED;
            sync__refuse(v, "forbidden", "%s", why[0] != '\0' ? why : "not allowed");
            goto out;
        }
    }
    rc = hold_if_ahead(db, in, op, canon, &held, v);
    if (rc != EP_OK || held) {
        if (held)
            *status = SYNC__QUARANTINED;
        goto out;
    }
    if (state == NULL) {
        state = json_object();
        if (state == NULL) {
            rc = EP_ENOMEM;
            goto out;
        }
    }
    rc = insert_op(db, in, op, canon, seq);
    json_object_foreach(op->fields, field, val)
    {
        json_t *winner = NULL;
        if (rc != EP_OK)
            break;
        rc = add_version(db, op, field, val,
                         op->base != NULL ? json_object_get(op->base, field) : NULL);
        if (rc == EP_OK)
            rc = field_winner(db, op->col, op->rid, field, &winner);
        if (rc == EP_OK)
            rc = json_object_set_new(state, field, winner) == 0 ? EP_OK : EP_ENOMEM;
    }
    if (rc == EP_OK)
        rc = count_conflicts(db, op->col, op->rid, state, &conflicts);
    if (rc == EP_OK)
        rc = save_record(db, op, in->production_id, state, conflicts, *seq);
    if (rc == EP_OK)
        *status = SYNC__APPLIED;
out:
    json_decref(state);
    return rc;
}

/* ---- append-only facts ------------------------------------------------- */

/* *owner receives the production of fact (col, rid), "" if absent. */
static int fact_owner(struct db *db, const char *col, const char *rid, char *owner, size_t len)
{
    /* "+?1" everywhere col is bound on sync_fact: a bare parameter compared
     * with the column of a partial index (reading_totals, WHERE col =
     * 'readings') makes SQLite re-prepare the statement at every run. */
    static const char sql[] = "SELECT production_id FROM sync_fact WHERE col = +?1 AND rid = ?2";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    owner[0] = '\0';
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, col, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(owner, len, "%s", (const char *)sqlite3_column_text(st, 0));
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

/* The fields of fact (col, rid) of production, or NULL (absent or not ours). */
static json_t *fact_fields(struct db *db, const char *col, const char *rid, const char *production)
{
    static const char sql[] = "SELECT fields FROM sync_fact WHERE col = +?1 AND rid = ?2 "
                              "AND production_id = ?3";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *out = NULL;

    if (st == NULL)
        return NULL;
    sqlite3_bind_text(st, 1, col, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, production, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        json_error_t err;
        out = json_loads((const char *)sqlite3_column_text(st, 0), 0, &err);
    }
    db_done(st);
    return out;
}

static int apply_add(struct db *db, const struct sync__apply_in *in, const struct sync_op *op,
                     const char *canon, enum sync__status *status, int64_t *seq,
                     struct sync__verdict *v)
{
    /* superseded is derived, kept as a column so "current" is an index
     * check: set now if a correction of this fact arrived first. The unary
     * + keeps production_id out of the index choice (SQLite's "Disqualifying
     * WHERE clause terms using unary-+"): without it the planner takes
     * sync_fact_production and reads every fact of the collection at each
     * insert, quadratic in the readings; sync_fact_supersedes finds one. */
    static const char sql[] =
        "INSERT INTO sync_fact (col, rid, production_id, op_id, hlc, dev, fields, supersedes, "
        "void, seq, superseded) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, EXISTS (SELECT "
        "1 FROM sync_fact s WHERE s.col = +?1 AND s.supersedes = ?2 AND +s.production_id = ?3))";
    static const char mark[] = "UPDATE sync_fact SET superseded = 1 WHERE col = +?1 AND rid = ?2 "
                               "AND production_id = ?3";
    const char *supersedes = json_string_value(json_object_get(op->fields, "supersedes"));
    int is_void = json_is_true(json_object_get(op->fields, "void"));
    char owner[SYNC_MAX_ID + 8];
    char *fields = NULL;
    sqlite3_stmt *st;
    int held = 0;
    int rc;

    rc = fact_owner(db, op->col, op->rid, owner, sizeof(owner));
    if (rc != EP_OK)
        return rc;
    if (owner[0] != '\0' && strcmp(owner, in->production_id) != 0) {
        *status = SYNC__REJECTED;
        sync__refuse(v, "id_collision", "id '%s' cannot be used in '%s'; choose a new id", op->rid,
                     op->col);
        return EP_OK;
    }
    if (owner[0] != '\0') {
        *status = SYNC__REJECTED;
        sync__refuse(v, "id_collision",
                     "fact '%s' already exists in '%s'; facts are immutable: add a correction "
                     "with a new id and \"supersedes\"",
                     op->rid, op->col);
        return EP_OK;
    }
    if (supersedes != NULL) {
        if (!ids_valid(supersedes) || strcmp(supersedes, op->rid) == 0) {
            *status = SYNC__REJECTED;
            sync__refuse(v, "invalid_field", "supersedes must name another fact's id");
            return EP_OK;
        }
        rc = fact_owner(db, op->col, supersedes, owner, sizeof(owner));
        if (rc != EP_OK)
            return rc;
        /* A push may only supersede a fact that exists, in this production
         * and collection: a void accepted ahead of its target let anyone who
         * could guess an id void a future fact of another production (issue
         * 23). A phone pushes its own ops in order, so its original always
         * comes first. Absent and foreign answer alike, confirming no id. A
         * replica applying a pull (opts NULL) still takes a correction ahead
         * of its original: what it pulls was already checked by the server. */
        if ((owner[0] == '\0' && in->opts != NULL) ||
            (owner[0] != '\0' && strcmp(owner, in->production_id) != 0)) {
            *status = SYNC__REJECTED;
            sync__refuse(v, "unknown_target",
                         "supersedes names no fact '%s' of this production in '%s'", supersedes,
                         op->col);
            return EP_OK;
        }
    }
    if (in->opts != NULL && in->opts->authorize != NULL) {
        /* A correction or void is judged against the fact it supersedes. */
        char why[SYNC_REASON_LEN] = "";
        json_t *target =
            supersedes != NULL ? fact_fields(db, op->col, supersedes, in->production_id) : NULL;
        int allowed =
            in->opts->authorize(in->opts->ctx, in->actor, op, 1, target, why, sizeof(why));
        json_decref(target);
        if (allowed != EP_OK) {
            *status = SYNC__REJECTED;
            sync__refuse(v, "forbidden", "%s", why[0] != '\0' ? why : "not allowed");
            return EP_OK;
        }
    }
    rc = hold_if_ahead(db, in, op, canon, &held, v);
    if (rc != EP_OK || held) {
        if (held)
            *status = SYNC__QUARANTINED;
        return rc;
    }
    rc = insert_op(db, in, op, canon, seq);
    if (rc != EP_OK)
        return rc;
    fields = canon_dumps(op->fields);
    if (fields == NULL)
        return EP_ENOMEM;
    st = db_stmt(db, sql);
    if (st == NULL) {
        free(fields);
        return EP_EIO;
    }
    sqlite3_bind_text(st, 1, op->col, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, op->rid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, in->production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, op->op_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, op->hlc_text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, op->dev, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, fields, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, supersedes, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 9, is_void);
    sqlite3_bind_int64(st, 10, *seq);
    rc = rows_step_done(st);
    free(fields);
    if (rc == EP_OK && supersedes != NULL) {
        st = db_stmt(db, mark);
        if (st == NULL)
            return EP_EIO;
        sqlite3_bind_text(st, 1, op->col, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, supersedes, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, in->production_id, -1, SQLITE_STATIC);
        rc = rows_step_done(st);
    }
    if (rc == EP_OK)
        *status = SYNC__APPLIED;
    return rc;
}

/* ---- entry point ------------------------------------------------------- */

int sync__apply(struct db *db, const struct sync__apply_in *in, const struct sync_op *op,
                enum sync__status *status, int64_t *seq, struct sync__verdict *v)
{
    char *owned = in->canon == NULL ? sync__canonical(op->json) : NULL;
    const char *canon = in->canon != NULL ? in->canon : owned;
    unsigned char digest[DIGEST_LEN];
    struct sync__apply_in with = *in;
    int found = 0;
    int rc;

    /* Every op is applied inside its caller's write transaction (push, pull,
     * quarantine release): the log and the derived state change together. */
    assert(!sqlite3_get_autocommit(db_handle(db)));
    assert(in->production_id != NULL);
    *status = SYNC__REJECTED;
    *seq = 0;
    if (canon == NULL)
        return EP_ENOMEM;
    crypto_generichash(digest, sizeof(digest), (const unsigned char *)canon, strlen(canon), NULL,
                       0);
    with.digest = digest;
    in = &with;
    rc = lookup_op(db, op, canon, digest, &found, seq);
    if (rc != EP_OK)
        goto out;
    if (found == 1) {
        *status = SYNC__DUPLICATE;
        goto out;
    }
    if (found == 2) {
        *status = SYNC__QUARANTINED;
        sync__refuse(v, "clock_ahead", "already quarantined: waiting for the office");
        goto out;
    }
    if (found == -1) {
        sync__refuse(v, "op_id_reused", "op id '%s' was already used for a different op",
                     op->op_id);
        goto out;
    }
    if (in->actor != NULL && in->actor->device_id != NULL &&
        strcmp(op->dev, in->actor->device_id) != 0) {
        sync__refuse(v, "wrong_device", "op made by device '%s' pushed by device '%s'", op->dev,
                     in->actor->device_id);
        goto out;
    }
    /* sync__decode let no other kind through. */
    assert(strcmp(op->kind, "put") == 0 || strcmp(op->kind, "add") == 0);
    if (strcmp(op->kind, "put") == 0)
        rc = apply_put(db, in, op, canon, status, seq, v);
    else
        rc = apply_add(db, in, op, canon, status, seq, v);
out:
    free(owned);
    return rc;
}
