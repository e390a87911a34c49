/*
 * dbpool.h - a fixed set of SQLite connections shared by the HTTP workers.
 *
 * CivetWeb pins a worker thread to each keep-alive connection, so a server
 * for 200 phones runs 256 workers. One SQLite connection per worker cost
 * memory for each (schema, statement cache, page cache: 113-126 MiB at 200
 * phones, bench/README.md) while only a few requests ever run at once on a
 * small server. Workers therefore borrow a connection for one request and
 * give it back.
 *
 * Thread-safe. The pool owns its connections; a borrowed connection belongs
 * to the borrowing thread until dbpool_put(), and must not be kept across
 * requests.
 */
#ifndef EP_DBPOOL_H
#define EP_DBPOOL_H

#include "err.h"

#include <pthread.h>
#include <stddef.h>

struct db;
struct dbpool;

/*
 * Opens n connections to the database at path (already migrated), each
 * sharing write_lock (borrowed; must outlive the pool, see db.h). On success
 * *out owns the pool. Returns 0 or the db_open() error, with err set.
 */
int dbpool_open(const char *path, int n, pthread_mutex_t *write_lock, struct dbpool **out,
                struct ep_error *err);

/* Closes every connection. All must have been given back. NULL is a no-op. */
void dbpool_close(struct dbpool *pool);

/*
 * Borrows a connection, waiting at most timeout_ms for one to be free.
 * Returns NULL on timeout: the caller answers 503 busy.
 */
struct db *dbpool_get(struct dbpool *pool, int timeout_ms);

/*
 * Gives back a connection borrowed from pool. NULL is a no-op. A connection
 * given back inside a transaction or holding the write lock is rolled back;
 * if that fails it is closed and replaced by a fresh one, never returned to
 * the pool as it is.
 */
void dbpool_put(struct dbpool *pool, struct db *db);

/* The number of connections (for the metrics and the logs). */
int dbpool_size(const struct dbpool *pool);

/* How many connections were replaced because they came back dirty. */
long dbpool_replaced(struct dbpool *pool);

#endif
