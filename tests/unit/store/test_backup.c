/* test_backup.c - online backups under a concurrent writer, verification,
 * restore, and the start-up quick_check (sync/store/backup.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "backup.h"
#include "db.h"
#include "err.h"
#include "support.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct fx {
    char dir[256];
    char db[300];
    char copy[300];
};

static int setup(void **state)
{
    static struct fx f;
    struct db *db = NULL;
    struct ep_error err = {0};

    support_tmpdir(f.dir);
    snprintf(f.db, sizeof(f.db), "%s/ecoplateau.db", f.dir);
    snprintf(f.copy, sizeof(f.copy), "%s/copy.db", f.dir);
    assert_int_equal(db_open(f.db, &db, &err), EP_OK);
    assert_int_equal(db_migrate(db, NULL, NULL, &err), EP_OK);
    db_close(db);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    support_rmtree(f->dir);
    return 0;
}

static long long query_int(const char *path, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -1;

    assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

static void query_text(const char *path, const char *sql, char *buf, size_t len)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;

    buf[0] = '\0';
    assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
}

/* Adds company i and its production in one transaction. */
static int add_pair(struct db *db, long long i)
{
    static const char csql[] = "INSERT INTO company (id, name, created_at) VALUES (?1, 'Co', ?2)";
    static const char psql[] = "INSERT INTO production (id, company_id, title, kind, created_at) "
                               "VALUES (?1, ?2, 'Film', 'fiction', ?3)";
    char cid[32];
    char pid[32];
    sqlite3_stmt *st;
    int rc = db_begin_write(db);

    snprintf(cid, sizeof(cid), "c%lld", i);
    snprintf(pid, sizeof(pid), "p%lld", i);
    st = db_stmt(db, csql);
    if (rc == EP_OK && st != NULL) {
        sqlite3_bind_text(st, 1, cid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, i);
        rc = db_map_rc(sqlite3_step(st));
        db_done(st);
    }
    st = db_stmt(db, psql);
    if (rc == EP_OK && st != NULL) {
        sqlite3_bind_text(st, 1, pid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, cid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, i);
        rc = db_map_rc(sqlite3_step(st));
        db_done(st);
    }
    if (rc == EP_OK)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

struct writer {
    const char *path;
    atomic_int stop;
    atomic_llong written;
    int rc;
};

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    struct db *db = NULL;
    struct ep_error err = {0};

    w->rc = db_open(w->path, &db, &err);
    for (long long i = 1; w->rc == EP_OK && !atomic_load(&w->stop); i++) {
        w->rc = add_pair(db, i);
        atomic_store(&w->written, i);
    }
    db_close(db);
    return NULL;
}

/* Every copy taken while another connection commits is one whole state. */
static void backup_is_a_snapshot_under_a_writer(void **state)
{
    struct fx *f = *state;
    struct writer w = {f->db, 0, 0, 0};
    struct backup_info info;
    pthread_t t;
    char path[320];
    char mode[16];
    struct ep_error err = {0};
    struct timespec ms = {0, 1000000};
    int during = 0;

    assert_int_equal(pthread_create(&t, NULL, writer_main, &w), 0);
    while (atomic_load(&w.written) < 50)
        nanosleep(&ms, NULL);
    for (int i = 0; i < 8; i++) {
        long long before = atomic_load(&w.written);
        long long c, p;
        snprintf(path, sizeof(path), "%s/b%d.db", f->dir, i);
        assert_int_equal(backup_create(f->db, path, &info, &err), EP_OK);
        c = query_int(path, "SELECT count(*) FROM company");
        p = query_int(path, "SELECT count(*) FROM production WHERE is_company_space = 0");
        assert_int_equal(c, p);
        assert_true(c >= before);
        if (atomic_load(&w.written) > c)
            during++; /* the writer went on past the snapshot */
        assert_int_equal(info.schema_version, db_latest_version());
        assert_true(info.bytes > 0);
        query_text(path, "PRAGMA journal_mode", mode, sizeof(mode));
        assert_string_equal(mode, "delete"); /* one self-contained file */
    }
    atomic_store(&w.stop, 1);
    pthread_join(t, NULL);
    assert_int_equal(w.rc, EP_OK);
    assert_true(during >= 1);
}

static void backup_never_overwrites_and_needs_a_source(void **state)
{
    struct fx *f = *state;
    struct ep_error err = {0};
    char missing[320];
    FILE *fp = fopen(f->copy, "w");

    assert_non_null(fp);
    fputs("precious", fp);
    fclose(fp);
    assert_int_equal(backup_create(f->db, f->copy, NULL, &err), EP_ECONFLICT);
    assert_non_null(strstr(err.message, "already exists"));
    fp = fopen(f->copy, "r");
    assert_non_null(fp);
    assert_non_null(fgets(missing, sizeof(missing), fp));
    fclose(fp);
    assert_string_equal(missing, "precious");
    snprintf(missing, sizeof(missing), "%s/none.db", f->dir);
    unlink(f->copy);
    assert_int_equal(backup_create(missing, f->copy, NULL, &err), EP_ENOTFOUND);
    assert_int_equal(access(f->copy, F_OK), -1);
    assert_int_equal(access(missing, F_OK), -1); /* never created */
}

static void verify_refuses_what_cannot_be_served(void **state)
{
    struct fx *f = *state;
    struct backup_info info;
    struct ep_error err = {0};
    char other[320];
    sqlite3 *h = NULL;
    FILE *fp;

    assert_int_equal(backup_create(f->db, f->copy, NULL, &err), EP_OK);
    assert_int_equal(backup_verify(f->copy, &info, &err), EP_OK);
    assert_int_equal(strlen(info.database_id), 32);

    /* Newer than this binary. */
    assert_int_equal(sqlite3_open(f->copy, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(backup_verify(f->copy, NULL, &err), EP_ESCHEMA);
    assert_non_null(strstr(err.message, "newer than this binary"));

    /* A database, but not ecoplateau's. */
    snprintf(other, sizeof(other), "%s/other.db", f->dir);
    assert_int_equal(sqlite3_open(other, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(backup_verify(other, NULL, &err), EP_ESCHEMA);
    assert_non_null(strstr(err.message, "not an ecoplateau database"));

    /* Not a database at all. */
    fp = fopen(other, "w");
    assert_non_null(fp);
    fputs("this is a text file, not a database, and it is long enough for a header", fp);
    fclose(fp);
    assert_int_equal(backup_verify(other, NULL, &err), EP_ECORRUPT);
}

static void restore_replaces_keeps_and_renames(void **state)
{
    struct fx *f = *state;
    struct backup_info info;
    struct db *db = NULL;
    struct ep_error err = {0};
    char kept[1200] = "";
    char old_id[64];
    char new_id[64];
    char from[64];

    assert_int_equal(db_open(f->db, &db, &err), EP_OK);
    assert_int_equal(add_pair(db, 1), EP_OK);
    assert_int_equal(backup_create(f->db, f->copy, NULL, &err), EP_OK);
    assert_int_equal(add_pair(db, 2), EP_OK);
    db_close(db); /* restore needs the server stopped */
    query_text(f->db, "SELECT value FROM meta WHERE key = 'database_id'", old_id, sizeof(old_id));

    assert_int_equal(backup_restore(f->copy, f->db, &info, kept, sizeof(kept), &err), EP_OK);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM company"), 1);
    assert_int_equal(query_int(kept, "SELECT count(*) FROM company"), 2);
    assert_non_null(strstr(kept, ".before-restore-"));
    query_text(f->db, "SELECT value FROM meta WHERE key = 'database_id'", new_id, sizeof(new_id));
    query_text(f->db, "SELECT value FROM meta WHERE key = 'restored_from'", from, sizeof(from));
    assert_string_not_equal(new_id, old_id);
    assert_string_equal(from, old_id);
    assert_string_equal(info.database_id, new_id);

    /* The restored file serves: it opens, checks and migrates. */
    assert_int_equal(db_open(f->db, &db, &err), EP_OK);
    assert_int_equal(backup_quick_check(db, &err), EP_OK);
    assert_int_equal(db_migrate(db, NULL, NULL, &err), EP_OK);
    db_close(db);
}

static void quick_check_finds_damaged_pages(void **state)
{
    struct fx *f = *state;
    struct db *db = NULL;
    struct ep_error err = {0};
    char junk[4096];
    long long pages;
    long long psize;
    FILE *fp;

    assert_int_equal(db_open(f->db, &db, &err), EP_OK);
    for (long long i = 1; i <= 2000; i++)
        assert_int_equal(add_pair(db, i), EP_OK);
    assert_int_equal(
        sqlite3_exec(db_handle(db), "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_equal(backup_quick_check(db, &err), EP_OK);
    db_close(db);

    /* Overwrite the last pages (rows written last) with junk. */
    pages = query_int(f->db, "PRAGMA page_count");
    psize = query_int(f->db, "PRAGMA page_size");
    assert_true(pages > 10);
    assert_true(psize > 0 && psize <= (long long)sizeof(junk));
    memset(junk, 0xA5, sizeof(junk));
    fp = fopen(f->db, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, (long)((pages - 3) * psize), SEEK_SET), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(fwrite(junk, 1, (size_t)psize, fp), (size_t)psize);
    fclose(fp);

    assert_int_equal(db_open(f->db, &db, &err), EP_OK);
    assert_int_equal(backup_quick_check(db, &err), EP_ECORRUPT);
    assert_non_null(strstr(err.message, "is corrupt (quick_check: "));
    db_close(db);
    /* A backup of it fails its check and leaves nothing behind. */
    assert_int_equal(backup_create(f->db, f->copy, NULL, &err), EP_ECORRUPT);
    assert_int_equal(access(f->copy, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(backup_is_a_snapshot_under_a_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(backup_never_overwrites_and_needs_a_source, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(verify_refuses_what_cannot_be_served, setup, teardown),
        cmocka_unit_test_setup_teardown(restore_replaces_keeps_and_renames, setup, teardown),
        cmocka_unit_test_setup_teardown(quick_check_finds_damaged_pages, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
