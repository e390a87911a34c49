/*
 * db.c - SQLite connection management (see db.h for the threading rules).
 */
#include "db.h"

#include "embed.h"
#include "err.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DB_STMT_CACHE 96 /* distinct SQL texts per connection; grows never */
#define DB_BUSY_MS 5000  /* how long a writer waits for another writer */

struct db_cached {
    const char *sql;    /* key: address of a string literal */
    sqlite3_stmt *stmt; /* owned */
};

struct db {
    sqlite3 *h;                            /* owned connection */
    pthread_mutex_t *write_lock;           /* borrowed; NULL: SQLite's busy handler only */
    int holding;                           /* this connection holds write_lock */
    int lazy;                              /* the open write runs with synchronous=NORMAL */
    int fail_commits;                      /* tests: COMMITs still to fail (db_fail_commits) */
    struct db_cached cache[DB_STMT_CACHE]; /* prepared statements */
    int ncache;                            /* used entries in cache */
};

int db_map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return EP_OK;
    case SQLITE_NOMEM:
        return EP_ENOMEM;
    case SQLITE_FULL:
        return EP_EFULL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return EP_EBUSY;
    case SQLITE_CONSTRAINT:
        return EP_ECONFLICT;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return EP_ECORRUPT;
    default:
        return EP_EIO;
    }
}

static int exec(struct db *db, const char *sql)
{
    return db_map_rc(sqlite3_exec(db->h, sql, NULL, NULL, NULL));
}

int db_open(const char *path, struct db **out, struct ep_error *err)
{
    struct db *db = NULL;
    int rc;

    *out = NULL;
    db = calloc(1, sizeof(*db));
    if (db == NULL)
        return EP_ENOMEM;
    /* NOMUTEX: a struct db belongs to one thread (db.h), so SQLite's
     * per-call mutexes would only cost time (5 % of the server in a profile). */
    rc = sqlite3_open_v2(path, &db->h,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        rc = ep_error_set(err, db_map_rc(rc), NULL, "unable to open '%s': %s", path,
                          db->h != NULL ? sqlite3_errmsg(db->h) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_busy_timeout(db->h, DB_BUSY_MS);
    /* These pragmas are per connection, so every connection sets them. The
     * checkpoint every 4000 pages (16 MiB of WAL) rather than SQLite's 1000:
     * pushes dirty the same index pages over and over, and each checkpoint
     * writes them to the database again (bench/README.md, A/B). */
    rc = exec(db, "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; "
                  "PRAGMA wal_autocheckpoint=4000;");
    if (rc != EP_OK) {
        ep_error_set(err, rc, NULL, "unable to configure '%s': %s", path, sqlite3_errmsg(db->h));
        goto fail;
    }
    *out = db;
    return EP_OK;
fail:
    db_close(db);
    return rc;
}

void db_close(struct db *db)
{
    if (db == NULL)
        return;
    for (int i = 0; i < db->ncache; i++)
        sqlite3_finalize(db->cache[i].stmt);
    sqlite3_close(db->h);
    free(db);
}

sqlite3 *db_handle(struct db *db)
{
    return db->h;
}

int db_latest_version(void)
{
    int latest = 0;
    for (const struct ep_embedded *m = ep_migrations; m->name != NULL; m++)
        latest++;
    return latest;
}

int db_schema_version(struct db *db, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc;

    /* Not cached: used once per start, and the cache is for hot paths. */
    rc = sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return db_map_rc(rc);
}

/* Checks that migration i (0-based) is named "NNNN_*.sql" with NNNN == i+1. */
static int migration_number_ok(const struct ep_embedded *m, int i)
{
    char *end = NULL;
    long n = strtol(m->name, &end, 10);
    return end == m->name + 4 && *end == '_' && n == i + 1;
}

int db_migrate(struct db *db, int *from, int *to, struct ep_error *err)
{
    int rc;
    int current = 0;
    int latest = db_latest_version();
    char pragma[64];

    rc = db_schema_version(db, &current);
    if (rc != EP_OK) {
        ep_error_set(err, rc, NULL, "unable to read schema version: %s", sqlite3_errmsg(db->h));
        return rc;
    }
    if (from != NULL)
        *from = current;
    if (to != NULL)
        *to = current;
    if (current > latest) {
        ep_error_set(err, EP_ESCHEMA, NULL,
                     "database schema version %d is newer than this binary's (%d); "
                     "upgrade ecoplateau or restore a backup",
                     current, latest);
        return EP_ESCHEMA;
    }
    /* WAL is persistent in the file; setting it here covers every connection. */
    rc = exec(db, "PRAGMA journal_mode=WAL");
    if (rc != EP_OK) {
        ep_error_set(err, rc, NULL, "unable to enable WAL: %s", sqlite3_errmsg(db->h));
        return rc;
    }
    for (int i = current; i < latest; i++) {
        const struct ep_embedded *m = &ep_migrations[i];
        if (!migration_number_ok(m, i)) {
            ep_error_set(err, EP_ESCHEMA, NULL, "migration '%s' is out of sequence", m->name);
            return EP_ESCHEMA;
        }
        rc = db_begin_write(db);
        if (rc == EP_OK)
            rc = exec(db, m->data);
        if (rc == EP_OK) {
            snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", i + 1);
            rc = exec(db, pragma);
        }
        if (rc == EP_OK)
            rc = db_commit(db);
        if (rc != EP_OK) {
            ep_error_set(err, rc, NULL, "migration '%s' failed: %s", m->name,
                         sqlite3_errmsg(db->h));
            db_rollback(db);
            return rc;
        }
        if (to != NULL)
            *to = i + 1;
    }
    return EP_OK;
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;

    for (int i = 0; i < db->ncache; i++) {
        if (db->cache[i].sql == sql)
            return db->cache[i].stmt;
    }
    if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        return NULL;
    if (db->ncache == DB_STMT_CACHE) {
        /* A full cache means a new SQL text per call: a bug, not load. */
        sqlite3_finalize(st);
        return NULL;
    }
    db->cache[db->ncache].sql = sql;
    db->cache[db->ncache].stmt = st;
    db->ncache++;
    return st;
}

void db_done(sqlite3_stmt *stmt)
{
    if (stmt == NULL)
        return;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

void db_set_write_lock(struct db *db, pthread_mutex_t *lock)
{
    db->write_lock = lock;
}

int db_exec_cached(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return db_map_rc(sqlite3_errcode(db->h)) != EP_OK ? db_map_rc(sqlite3_errcode(db->h))
                                                          : EP_EIO;
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? EP_OK : db_map_rc(rc);
}

static void release_lock(struct db *db)
{
    if (db->holding) {
        db->holding = 0;
        pthread_mutex_unlock(db->write_lock);
    }
}

static int begin_write(struct db *db, int lazy)
{
    int rc;

    /* Writes nest through savepoints, never through a second BEGIN: a write
     * begun inside a transaction would hold the lock past its COMMIT. */
    assert(sqlite3_get_autocommit(db->h));
    if (db->write_lock != NULL && !db->holding) {
        pthread_mutex_lock(db->write_lock);
        db->holding = 1;
    }
    if (lazy) {
        rc = db_exec_cached(db, "PRAGMA synchronous=NORMAL");
        if (rc != EP_OK) {
            release_lock(db);
            return rc;
        }
        db->lazy = 1;
    }
    /* IMMEDIATE takes the write lock now: a deferred read-then-write
     * transaction could fail with SQLITE_BUSY that busy_timeout won't retry. */
    rc = db_exec_cached(db, "BEGIN IMMEDIATE");
    if (rc != EP_OK) {
        if (db->lazy) {
            (void)db_exec_cached(db, "PRAGMA synchronous=FULL");
            db->lazy = 0;
        }
        release_lock(db);
    }
    return rc;
}

int db_begin_write(struct db *db)
{
    return begin_write(db, 0);
}

int db_begin_write_lazy(struct db *db)
{
    return begin_write(db, 1);
}

int db_begin_read(struct db *db)
{
    return db_exec_cached(db, "BEGIN");
}

/* After a write transaction ends, either way. */
static void end_write(struct db *db)
{
    if (db->lazy) {
        /* Back to FULL for everything else on this connection. */
        (void)db_exec_cached(db, "PRAGMA synchronous=FULL");
        db->lazy = 0;
    }
    release_lock(db);
}

int db_commit(struct db *db)
{
    int rc;

    if (db->fail_commits > 0) {
        /* As a real failed COMMIT (disk full, I/O error, deferred foreign
         * key): the transaction stays open and the caller gets an error. */
        db->fail_commits--;
        rc = EP_EIO;
    } else {
        rc = db_exec_cached(db, "COMMIT");
    }
    /* A failed COMMIT leaves the transaction open. Rolling back here, not
     * in each caller, means no commit path can forget it and give the
     * connection back to the pool inside a transaction (docs/security.md). A
     * caller's own db_rollback() afterwards is a no-op. */
    if (rc != EP_OK)
        db_rollback(db);
    else
        end_write(db);
    return rc;
}

void db_fail_commits(struct db *db, int n)
{
    db->fail_commits = n;
}

int db_reset(struct db *db)
{
    if (!sqlite3_get_autocommit(db->h))
        (void)sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    end_write(db);
    db->fail_commits = 0;
    return sqlite3_get_autocommit(db->h) ? EP_OK : EP_EIO;
}

int db_clean(struct db *db)
{
    return sqlite3_get_autocommit(db->h) && !db->holding && !db->lazy;
}

void db_rollback(struct db *db)
{
    if (!sqlite3_get_autocommit(db->h))
        (void)db_exec_cached(db, "ROLLBACK");
    end_write(db);
}

const char *db_errmsg(struct db *db)
{
    return sqlite3_errmsg(db->h);
}

int db_meta_get(struct db *db, const char *key, char *buf, size_t len)
{
    static const char sql[] = "SELECT value FROM meta WHERE key = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        if (n + 1 > len) {
            rc = EP_ETOOBIG;
        } else {
            memcpy(buf, v, n);
            buf[n] = '\0';
            rc = EP_OK;
        }
    } else if (rc == SQLITE_DONE) {
        rc = EP_ENOTFOUND;
    } else {
        rc = db_map_rc(rc);
    }
    db_done(st);
    return rc;
}

int db_integrity_check(struct db *db, struct ep_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->h, "PRAGMA integrity_check", -1, &st, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (v != NULL && strcmp(v, "ok") == 0) {
            rc = EP_OK;
        } else {
            ep_error_set(err, EP_ECORRUPT, NULL, "integrity check failed: %s", v != NULL ? v : "?");
            rc = EP_ECORRUPT;
        }
    } else {
        rc = db_map_rc(rc);
        if (rc == EP_OK)
            rc = EP_EIO;
        ep_error_set(err, rc, NULL, "integrity check failed: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    return rc;
}
