/* test_dbpool.c - the shared connections: borrowing, waiting, handing over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db.h"
#include "dbpool.h"
#include "err.h"
#include "support.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

static char dir[256];
static char path[300];
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int setup(void **state)
{
    struct db *db;
    (void)state;
    support_tmpdir(dir);
    db = support_db(dir, "pool.db");
    db_close(db);
    snprintf(path, sizeof(path), "%s/pool.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    support_rmtree(dir);
    return 0;
}

static void borrow_all_then_time_out(void **state)
{
    struct dbpool *pool = NULL;
    struct db *a, *b;
    struct ep_error err = {0};
    double t0;
    (void)state;

    assert_int_equal(dbpool_open(path, 2, &write_lock, &pool, &err), EP_OK);
    assert_int_equal(dbpool_size(pool), 2);
    a = dbpool_get(pool, 100);
    b = dbpool_get(pool, 100);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    t0 = now_s();
    assert_null(dbpool_get(pool, 200)); /* none left: waits, then gives up */
    assert_true(now_s() - t0 >= 0.19);
    /* The last one given back is the first borrowed (warmest caches). */
    dbpool_put(pool, a);
    assert_ptr_equal(dbpool_get(pool, 0), a);
    dbpool_put(pool, a);
    dbpool_put(pool, b);
    dbpool_close(pool);
}

struct waiter {
    struct dbpool *pool;
    struct db *got;
};

static void *wait_for_one(void *arg)
{
    struct waiter *w = arg;
    w->got = dbpool_get(w->pool, 5000);
    return NULL;
}

static void a_waiter_gets_the_connection_given_back(void **state)
{
    struct dbpool *pool = NULL;
    struct waiter w;
    struct db *a;
    pthread_t t;
    struct ep_error err = {0};
    int version = 0;
    (void)state;

    assert_int_equal(dbpool_open(path, 1, &write_lock, &pool, &err), EP_OK);
    a = dbpool_get(pool, 0);
    assert_non_null(a);
    w.pool = pool;
    w.got = NULL;
    assert_int_equal(pthread_create(&t, NULL, wait_for_one, &w), 0);
    nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
    dbpool_put(pool, a);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_ptr_equal(w.got, a);
    /* A borrowed connection is a working one. */
    assert_int_equal(db_schema_version(w.got, &version), EP_OK);
    assert_int_equal(version, db_latest_version());
    dbpool_put(pool, w.got);
    dbpool_close(pool);
}

static void a_bad_path_fails_cleanly(void **state)
{
    struct dbpool *pool = (struct dbpool *)1;
    struct ep_error err = {0};
    (void)state;

    assert_int_not_equal(dbpool_open("/nonexistent/dir/x.db", 3, &write_lock, &pool, &err), EP_OK);
    assert_null(pool);
    assert_true(err.message[0] != '\0');
}

/*
 * docs/security.md: a connection given back inside a transaction (a
 * handler that forgot to end it, a COMMIT that failed) is rolled back before
 * anyone borrows it again: its write is gone, the write lock is free, and
 * the next borrower is not stuck in someone else's transaction.
 */
static void a_dirty_connection_comes_back_clean(void **state)
{
    struct dbpool *pool = NULL;
    struct db *a, *b;
    sqlite3_stmt *st;
    struct ep_error err = {0};
    (void)state;

    assert_int_equal(dbpool_open(path, 1, &write_lock, &pool, &err), EP_OK);
    a = dbpool_get(pool, 0);
    assert_int_equal(db_begin_write(a), EP_OK);
    assert_int_equal(sqlite3_exec(db_handle(a),
                                  "INSERT INTO meta (key, value) VALUES ('dirty', 'yes')", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    assert_false(db_clean(a));
    dbpool_put(pool, a); /* the handler "forgot" to commit */
    b = dbpool_get(pool, 0);
    assert_non_null(b);
    assert_true(db_clean(b));
    assert_int_equal(pthread_mutex_trylock(&write_lock), 0); /* the lock was released */
    pthread_mutex_unlock(&write_lock);
    st = db_stmt(b, "SELECT count(*) FROM meta WHERE key = 'dirty'");
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    db_done(st);
    /* A failed COMMIT ends the transaction too. */
    assert_int_equal(db_begin_write(b), EP_OK);
    db_fail_commits(b, 1);
    assert_int_equal(db_commit(b), EP_EIO);
    assert_true(db_clean(b));
    dbpool_put(pool, b);
    assert_int_equal(dbpool_replaced(pool), 0);
    dbpool_close(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_dirty_connection_comes_back_clean),
        cmocka_unit_test(borrow_all_then_time_out),
        cmocka_unit_test(a_waiter_gets_the_connection_given_back),
        cmocka_unit_test(a_bad_path_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
