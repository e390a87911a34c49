/* test_db.c - connection pragmas, migrations, version guard, statement cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db.h"
#include "err.h"
#include "rows.h"
#include "support.h"

#include <stdio.h>
#include <string.h>

struct fx {
    char dir[256];
    char path[300];
};

static int setup(void **state)
{
    static struct fx f;
    support_tmpdir(f.dir);
    snprintf(f.path, sizeof(f.path), "%s/t.db", f.dir);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    support_rmtree(f->dir);
    return 0;
}

static long long pragma_int(struct db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void migrate_fresh_database(void **state)
{
    struct fx *f = *state;
    struct db *db = NULL;
    struct ep_error err = {0};
    char id[64];
    int from = -1, to = -1, v = -1;

    assert_int_equal(db_open(f->path, &db, &err), EP_OK);
    assert_int_equal(db_migrate(db, &from, &to, &err), EP_OK);
    assert_int_equal(from, 0);
    assert_int_equal(to, db_latest_version());
    assert_true(db_latest_version() >= 1);
    assert_int_equal(db_schema_version(db, &v), EP_OK);
    assert_int_equal(v, db_latest_version());
    /* The pragmas every connection must run with. */
    assert_int_equal(pragma_int(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(pragma_int(db, "PRAGMA synchronous"), 2); /* FULL */
    {
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(db_handle(db), "PRAGMA journal_mode", -1, &st, NULL);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
        sqlite3_finalize(st);
    }
    /* A database id of 32 hex digits was minted. */
    assert_int_equal(db_meta_get(db, "database_id", id, sizeof(id)), EP_OK);
    assert_int_equal(strlen(id), 32);
    assert_int_equal(db_meta_get(db, "database_id", id, 8), EP_ETOOBIG);
    assert_int_equal(db_meta_get(db, "no-such-key", id, sizeof(id)), EP_ENOTFOUND);
    assert_int_equal(db_integrity_check(db, &err), EP_OK);
    /* Migrating again is a no-op. */
    assert_int_equal(db_migrate(db, &from, &to, &err), EP_OK);
    assert_int_equal(from, to);
    db_close(db);
}

static void newer_database_is_refused_untouched(void **state)
{
    struct fx *f = *state;
    struct db *db = NULL;
    struct ep_error err = {0};
    char sql[64];
    int v = 0;

    assert_int_equal(db_open(f->path, &db, &err), EP_OK);
    assert_int_equal(db_migrate(db, NULL, NULL, &err), EP_OK);
    snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", db_latest_version() + 1);
    assert_int_equal(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(db_migrate(db, NULL, NULL, &err), EP_ESCHEMA);
    assert_non_null(strstr(err.message, "newer than this binary"));
    assert_int_equal(db_schema_version(db, &v), EP_OK);
    assert_int_equal(v, db_latest_version() + 1);
    db_close(db);
}

static void not_a_database_is_reported_corrupt(void **state)
{
    struct fx *f = *state;
    struct db *db = NULL;
    struct ep_error err = {0};
    FILE *fp = fopen(f->path, "wb");

    assert_non_null(fp);
    fputs("this is not an SQLite database, just text that is long enough to fail...........", fp);
    fclose(fp);
    /* Opening is lazy in SQLite; the first statement sees the bad header. */
    if (db_open(f->path, &db, &err) == EP_OK) {
        assert_int_equal(db_migrate(db, NULL, NULL, &err), EP_ECORRUPT);
        db_close(db);
    }
}

static void failed_migration_leaves_whole_version(void **state)
{
    struct fx *f = *state;
    struct db *db = NULL;
    struct ep_error err = {0};
    int v = -1;

    /* A table that the first migration creates already exists: the migration
     * fails and the version stays 0, with nothing half-created. */
    assert_int_equal(db_open(f->path, &db, &err), EP_OK);
    assert_int_equal(sqlite3_exec(db_handle(db), "CREATE TABLE company (x)", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_not_equal(db_migrate(db, NULL, NULL, &err), EP_OK);
    assert_non_null(strstr(err.message, "0001_init.sql"));
    assert_int_equal(db_schema_version(db, &v), EP_OK);
    assert_int_equal(v, 0);
    assert_int_equal(pragma_int(db, "SELECT count(*) FROM sqlite_master WHERE name='meta'"), 0);
    db_close(db);
}

static void statement_cache_reuses(void **state)
{
    struct fx *f = *state;
    struct db *db = NULL;
    static const char sql[] = "SELECT 41 + 1";
    sqlite3_stmt *a, *b;

    assert_int_equal(db_open(f->path, &db, NULL), EP_OK);
    a = db_stmt(db, sql);
    assert_non_null(a);
    assert_int_equal(sqlite3_step(a), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(a, 0), 42);
    db_done(a);
    b = db_stmt(db, sql);
    assert_ptr_equal(a, b);
    assert_null(db_stmt(db, "SELEC nonsense"));
    db_close(db);
}

static json_t *pair_row(sqlite3_stmt *st)
{
    return json_pack("[o, o]", rows_json_text(st, 0), rows_json_int(st, 1));
}

static void select_binds_texts_and_lists_rows(void **state)
{
    static const char sql[] = "SELECT ?1, ?2 IS NULL UNION ALL SELECT ?3, 7";
    static const char bad[] = "SELECT nope FROM no_such_table";
    struct fx *f = *state;
    struct db *db = NULL;
    json_t *out = NULL, *want;

    assert_int_equal(db_open(f->path, &db, NULL), EP_OK);
    assert_int_equal(rows_select(db, sql, pair_row, &out, 3, "a", NULL, "b"), EP_OK);
    want = json_loads("[[\"a\", 1], [\"b\", 7]]", 0, NULL);
    assert_true(json_equal(out, want));
    json_decref(want);
    json_decref(out);
    /* Fewer values than placeholders: the rest stay NULL. */
    assert_int_equal(rows_select(db, sql, pair_row, &out, 1, "c"), EP_OK);
    assert_true(json_is_null(json_array_get(json_array_get(out, 1), 0)));
    json_decref(out);
    out = json_true(); /* a singleton: overwritten, nothing leaks */
    assert_int_equal(rows_select(db, bad, pair_row, &out, 0), EP_EIO);
    assert_null(out);
    db_close(db);
}

static void one_integer_from_one_query(void **state)
{
    static const char count[] = "SELECT count(*) FROM (SELECT ?1 AS v UNION ALL SELECT ?2) "
                                "WHERE v IS NOT NULL";
    static const char none[] = "SELECT 1 WHERE ?1 = 'x'";
    static const char null[] = "SELECT max(v) FROM (SELECT 1 AS v WHERE 0)";
    static const char big[] = "SELECT ?1 + 4294967296";
    static const char bad[] = "SELECT nope FROM no_such_table";
    struct fx *f = *state;
    struct db *db = NULL;
    sqlite3_stmt *st;
    int64_t v64 = -1;
    int v = -1;

    assert_int_equal(db_open(f->path, &db, NULL), EP_OK);
    assert_int_equal(rows_int(db, count, &v, 2, "a", "b"), EP_OK);
    assert_int_equal(v, 2);
    /* A NULL pointer binds SQL NULL, and missing values stay NULL. */
    assert_int_equal(rows_int(db, count, &v, 2, "a", NULL), EP_OK);
    assert_int_equal(v, 1);
    assert_int_equal(rows_int(db, count, &v, 0), EP_OK);
    assert_int_equal(v, 0);
    /* No row, or a NULL value, is "not found" and leaves 0. */
    v = -1;
    assert_int_equal(rows_int(db, none, &v, 1, "y"), EP_ENOTFOUND);
    assert_int_equal(v, 0);
    assert_int_equal(rows_int(db, none, &v, 1, "x"), EP_OK);
    assert_int_equal(v, 1);
    v = -1;
    assert_int_equal(rows_int(db, null, &v, 0), EP_ENOTFOUND);
    assert_int_equal(v, 0);
    v = -1;
    assert_int_equal(rows_int(db, bad, &v, 0), EP_EIO);
    assert_int_equal(v, 0);
    /* The statement is reset: the cached one runs again at once. */
    st = db_stmt(db, big);
    assert_non_null(st);
    sqlite3_bind_int64(st, 1, 1);
    assert_int_equal(rows_step_int64(st, &v64), EP_OK);
    assert_true(v64 == INT64_C(4294967297));
    st = db_stmt(db, big);
    sqlite3_bind_int64(st, 1, 2);
    assert_int_equal(rows_step_int64(st, &v64), EP_OK);
    assert_true(v64 == INT64_C(4294967298));
    db_close(db);
}

static void rc_mapping(void **state)
{
    (void)state;
    assert_int_equal(db_map_rc(SQLITE_OK), EP_OK);
    assert_int_equal(db_map_rc(SQLITE_DONE), EP_OK);
    assert_int_equal(db_map_rc(SQLITE_FULL), EP_EFULL);
    assert_int_equal(db_map_rc(SQLITE_BUSY), EP_EBUSY);
    assert_int_equal(db_map_rc(SQLITE_CONSTRAINT_UNIQUE), EP_ECONFLICT);
    assert_int_equal(db_map_rc(SQLITE_NOTADB), EP_ECORRUPT);
    assert_int_equal(db_map_rc(SQLITE_IOERR_WRITE), EP_EIO);
    assert_string_equal(ep_strerror(EP_EFULL), "storage full");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(migrate_fresh_database, setup, teardown),
        cmocka_unit_test_setup_teardown(newer_database_is_refused_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(not_a_database_is_reported_corrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_migration_leaves_whole_version, setup, teardown),
        cmocka_unit_test_setup_teardown(statement_cache_reuses, setup, teardown),
        cmocka_unit_test_setup_teardown(select_binds_texts_and_lists_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(one_integer_from_one_query, setup, teardown),
        cmocka_unit_test(rc_mapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
