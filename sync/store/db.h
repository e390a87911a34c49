/*
 * db.h - one SQLite connection, its pragmas, migrations and statement cache.
 *
 * A struct db is used by exactly one thread at a time; it is not safe to share
 * concurrently. The server's HTTP workers borrow one per request from a
 * shared pool (backend/core/dbpool.h) and give it back after the request.
 * Several struct db on the same file are fine: the file runs in WAL mode, so
 * readers never block the single writer, and writers wait up to the busy
 * timeout for each other.
 *
 * Durability: every connection runs with synchronous=FULL, because a push is
 * acknowledged to a phone only after COMMIT and must then survive power loss.
 */
#ifndef EP_DB_H
#define EP_DB_H

#include "err.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>

struct db;

/*
 * Opens (creating if absent) the database at path and applies the
 * per-connection pragmas. Does not migrate. On success *out owns a new
 * connection, to be closed with db_close(). Returns 0 or EP_EIO / EP_ECORRUPT
 * / EP_ENOMEM; on failure, err (may be NULL) receives a reason.
 */
int db_open(const char *path, struct db **out, struct ep_error *err);

/* Finalizes cached statements and closes. NULL is a no-op. */
void db_close(struct db *db);

/* The raw handle, borrowed: valid until db_close(). */
sqlite3 *db_handle(struct db *db);

/* The schema version the running binary knows (the highest migration). */
int db_latest_version(void);

/* Reads PRAGMA user_version into *out. Returns 0 or EP_EIO. */
int db_schema_version(struct db *db, int *out);

/*
 * Brings the schema to db_latest_version(): sets WAL mode, then applies every
 * missing migration in its own transaction, bumping user_version inside it, so
 * a crash leaves the database at a whole version. A database newer than this
 * binary is refused with EP_ESCHEMA and left untouched. *from and *to (may be
 * NULL) receive the versions before and after.
 */
int db_migrate(struct db *db, int *from, int *to, struct ep_error *err);

/*
 * Returns the cached prepared statement for sql, preparing it on first use.
 * sql must be a string literal (the cache is keyed by its address). The
 * statement is borrowed; call db_done() after each use to reset it. Returns
 * NULL if preparation fails (see db_errmsg()).
 */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);

/* Resets stmt and clears its bindings so it can be reused. NULL is a no-op. */
void db_done(sqlite3_stmt *stmt);

/* BEGIN IMMEDIATE / BEGIN / COMMIT / ROLLBACK. Return 0 or an EP_E* code.
 * With a write lock set (db_set_write_lock), db_begin_write takes it first
 * and db_commit / db_rollback give it back. When COMMIT fails, db_commit
 * rolls back itself before returning the error, so the connection is never
 * left inside a transaction; a later db_rollback() is a harmless no-op. */
int db_begin_write(struct db *db);
int db_begin_read(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/*
 * Shares an in-process writer lock between connections to the same file.
 * SQLite's own busy handler makes a waiting writer sleep in growing steps
 * (up to 100 ms); a mutex hands the lock over as soon as it is free, which
 * is what keeps push latency flat under many phones. lock is borrowed and
 * must outlive db. Not needed for readers: WAL never blocks them.
 */
void db_set_write_lock(struct db *db, pthread_mutex_t *lock);

/*
 * A write whose loss on power failure is harmless (a device's last-seen
 * time, its replay counter for a request that was never answered): runs
 * with synchronous=NORMAL, so it costs no fsync. It is made durable by the
 * next synchronous=FULL commit on the file, whose fsync of the WAL covers
 * every frame written before it. Pair with db_commit / db_rollback.
 */
int db_begin_write_lazy(struct db *db);

/* Runs one statement of constant text through the statement cache. */
int db_exec_cached(struct db *db, const char *sql);

/*
 * Ends whatever the connection still has open (a transaction, the write
 * lock, a lazy write's synchronous=NORMAL). Returns 0 when the connection is
 * clean afterwards, EP_EIO when the transaction cannot be ended: the caller
 * must then close the connection rather than reuse it.
 */
int db_reset(struct db *db);

/* 1 when no transaction is open and the write lock is not held. */
int db_clean(struct db *db);

/*
 * For tests: the next n db_commit() calls on this connection fail with
 * EP_EIO as a real failed COMMIT would (the transaction still open), so
 * each write path's handling of it can be checked. db_reset() clears it.
 */
void db_fail_commits(struct db *db, int n);

/* Maps an SQLite result code to an EP_E* code (SQLITE_OK -> 0). */
int db_map_rc(int rc);

/* The last error message on this connection; valid until the next call. */
const char *db_errmsg(struct db *db);

/*
 * Reads meta.value for key into buf (NUL-terminated). Returns 0,
 * EP_ENOTFOUND, EP_ETOOBIG if buf is too small, or EP_EIO.
 */
int db_meta_get(struct db *db, const char *key, char *buf, size_t len);

/* Runs PRAGMA integrity_check; returns 0 when it answers "ok". */
int db_integrity_check(struct db *db, struct ep_error *err);

#endif
