/*
 * dbpool.c - a stack of idle connections under one mutex and condition.
 *
 * A stack rather than a queue: the connection given back last is borrowed
 * first, so its statement cache and pages are the warmest.
 */
#include "dbpool.h"

#include "db.h"
#include "err.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct dbpool {
    pthread_mutex_t lock;
    pthread_cond_t freed;        /* signalled when a connection is given back */
    int n;                       /* connections owned */
    int idle;                    /* how many of them are on the stack */
    struct db **all;             /* n connections, owned */
    struct db **stack;           /* idle[0..idle), borrowed from all */
    char *path;                  /* owned: to open a replacement connection */
    pthread_mutex_t *write_lock; /* borrowed: shared by every connection */
    long replaced;               /* connections closed because they came back dirty */
};

int dbpool_open(const char *path, int n, pthread_mutex_t *write_lock, struct dbpool **out,
                struct ep_error *err)
{
    struct dbpool *p = calloc(1, sizeof(*p));
    pthread_condattr_t attr;
    int rc = EP_ENOMEM;

    *out = NULL;
    if (p == NULL)
        return EP_ENOMEM;
    pthread_mutex_init(&p->lock, NULL);
    /* Deadlines on the monotonic clock: a wall-clock jump must not turn a
     * 5 s wait into an hour or into nothing. */
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&p->freed, &attr);
    pthread_condattr_destroy(&attr);
    p->all = calloc((size_t)n, sizeof(struct db *));
    p->stack = calloc((size_t)n, sizeof(struct db *));
    p->path = strdup(path);
    p->write_lock = write_lock;
    if (p->all == NULL || p->stack == NULL || p->path == NULL)
        goto out;
    for (p->n = 0; p->n < n; p->n++) {
        rc = db_open(path, &p->all[p->n], err);
        if (rc != EP_OK)
            goto out;
        db_set_write_lock(p->all[p->n], write_lock);
        p->stack[p->idle++] = p->all[p->n];
    }
    *out = p;
    p = NULL;
    rc = EP_OK;
out:
    dbpool_close(p);
    return rc;
}

void dbpool_close(struct dbpool *pool)
{
    if (pool == NULL)
        return;
    for (int i = 0; pool->all != NULL && i < pool->n; i++)
        db_close(pool->all[i]);
    free(pool->all);
    free(pool->stack);
    free(pool->path);
    pthread_cond_destroy(&pool->freed);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}

struct db *dbpool_get(struct dbpool *pool, int timeout_ms)
{
    struct timespec deadline;
    struct db *db = NULL;

    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&pool->lock);
    while (pool->idle == 0) {
        if (pthread_cond_timedwait(&pool->freed, &pool->lock, &deadline) == ETIMEDOUT &&
            pool->idle == 0)
            goto out;
    }
    db = pool->stack[--pool->idle];
out:
    pthread_mutex_unlock(&pool->lock);
    return db;
}

/*
 * A connection must come back as it left: outside any transaction and
 * without the write lock. One that does not is rolled back; one whose
 * transaction cannot be ended is closed and a fresh one takes its slot,
 * because the pool is a stack and a poisoned connection on top would serve
 * every later request (docs/security.md). Runs without the pool lock:
 * the connection still belongs to the caller.
 */
static struct db *cleaned(struct dbpool *pool, struct db *db)
{
    struct db *fresh = NULL;
    struct ep_error err = {0};

    if (db_clean(db))
        return db;
    LOG_WARN("db.pool", "a connection came back inside a transaction: rolling back");
    if (db_reset(db) == EP_OK && db_clean(db))
        return db;
    LOG_ERROR("db.pool", "cannot end the transaction (%s): replacing the connection",
              db_errmsg(db));
    if (db_open(pool->path, &fresh, &err) != EP_OK) {
        LOG_ERROR("db.pool", "cannot open a replacement connection: %s", err.message);
        return db; /* keep the slot; the next give-back tries again */
    }
    db_set_write_lock(fresh, pool->write_lock);
    pthread_mutex_lock(&pool->lock);
    for (int i = 0; i < pool->n; i++)
        if (pool->all[i] == db)
            pool->all[i] = fresh;
    pool->replaced++;
    pthread_mutex_unlock(&pool->lock);
    db_close(db);
    return fresh;
}

void dbpool_put(struct dbpool *pool, struct db *db)
{
    if (db == NULL)
        return;
    db = cleaned(pool, db);
    pthread_mutex_lock(&pool->lock);
    pool->stack[pool->idle++] = db;
    pthread_cond_signal(&pool->freed);
    pthread_mutex_unlock(&pool->lock);
}

int dbpool_size(const struct dbpool *pool)
{
    return pool->n;
}

long dbpool_replaced(struct dbpool *pool)
{
    long n;

    pthread_mutex_lock(&pool->lock);
    n = pool->replaced;
    pthread_mutex_unlock(&pool->lock);
    return n;
}
