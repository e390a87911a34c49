/*
 * backup.c - online backups, verification and restore (see backup.h).
 */
#include "backup.h"

#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BACKUP_BUSY_MS 5000  /* wait for a writer holding a lock we need */
#define BACKUP_STEP_TRIES 50 /* retries of a whole-copy step that hit BUSY */
#define BACKUP_PATH_MAX 1100 /* paths built here: the caller's plus a suffix */

/* Maps an SQLite failure, never to EP_OK: callers only call this on errors. */
static int map_fail(int rc)
{
    int ep = db_map_rc(rc);
    return ep == EP_OK ? EP_EIO : ep;
}

/* "disk full" leads the message when that is the cause: it is what to fix. */
static const char *full_hint(int ep)
{
    return ep == EP_EFULL ? "disk full: " : "";
}

/*
 * Runs a check pragma (quick_check, integrity_check) whose first row is "ok"
 * on success or the first problem found otherwise.
 */
static int run_check(sqlite3 *h, const char *pragma, const char *name, const char *path,
                     struct ep_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h, pragma, -1, &st, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (v != NULL && strcmp(v, "ok") == 0) {
            rc = EP_OK;
        } else {
            ep_error_set(err, EP_ECORRUPT, NULL, "database '%s' is corrupt (%s: %s)", path, name,
                         v != NULL ? v : "no answer");
            rc = EP_ECORRUPT;
        }
        goto out;
    }
    rc = map_fail(rc);
    ep_error_set(err, rc, NULL, "%s%s of '%s' failed: %s", full_hint(rc), name, path,
                 sqlite3_errmsg(h));
out:
    sqlite3_finalize(st);
    return rc;
}

int backup_quick_check(struct db *db, struct ep_error *err)
{
    sqlite3 *h = db_handle(db);
    const char *path = sqlite3_db_filename(h, "main");

    return run_check(h, "PRAGMA quick_check(1)", "quick_check", path != NULL ? path : "?", err);
}

/* Reads user_version and meta.database_id; a missing meta table is EP_ESCHEMA. */
static int read_identity(sqlite3 *h, const char *path, struct backup_info *info,
                         struct ep_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    info->schema_version = 0;
    info->database_id[0] = '\0';
    rc = sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        rc = map_fail(rc);
        ep_error_set(err, rc, NULL, "cannot read the schema version of '%s': %s", path,
                     sqlite3_errmsg(h));
        goto out;
    }
    info->schema_version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if (info->schema_version < 1) {
        ep_error_set(err, EP_ESCHEMA, NULL,
                     "'%s' is not an ecoplateau database (schema version %d)", path,
                     info->schema_version);
        rc = EP_ESCHEMA;
        goto out;
    }
    rc = sqlite3_prepare_v2(h, "SELECT value FROM meta WHERE key = 'database_id'", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        ep_error_set(err, EP_ESCHEMA, NULL,
                     "'%s' is not an ecoplateau database (no database id: %s)", path,
                     rc == SQLITE_DONE ? "meta row missing" : sqlite3_errmsg(h));
        rc = EP_ESCHEMA;
        goto out;
    }
    snprintf(info->database_id, sizeof(info->database_id), "%s",
             (const char *)sqlite3_column_text(st, 0));
    rc = EP_OK;
out:
    sqlite3_finalize(st);
    return rc;
}

/* fsync(2) a file or a directory, so a rename is durable too. */
static int sync_path(const char *path, int is_dir)
{
    int fd = open(path, is_dir ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    int rc = EP_OK;

    if (fd < 0)
        return EP_EIO;
    if (fsync(fd) != 0)
        rc = errno == ENOSPC ? EP_EFULL : EP_EIO;
    close(fd);
    return rc;
}

/* The directory part of path ("." when it has none). */
static void dir_of(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        snprintf(buf, len, ".");
    else if (slash == path)
        snprintf(buf, len, "/");
    else
        snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

/* Builds "<a><b>" into buf; EP_ETOOBIG rather than a truncated path. */
static int join(char *buf, size_t len, const char *a, const char *b)
{
    int n = snprintf(buf, len, "%s%s", a, b);
    return (n < 0 || (size_t)n >= len) ? EP_ETOOBIG : EP_OK;
}

/* Removes a failed copy and whatever journal SQLite left beside it (a full
 * disk can leave a -journal behind even after the rollback). */
static void remove_copy(const char *path)
{
    static const char *const sides[] = {"-journal", "-wal", "-shm"};
    char side[BACKUP_PATH_MAX];

    unlink(path);
    for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
        if (join(side, sizeof(side), path, sides[i]) == EP_OK)
            unlink(side);
    }
}

/*
 * Copies src into a new file at tmp_path in one backup step and leaves *out
 * open on the copy, switched to journal_mode=DELETE. On failure tmp_path is
 * removed and *out is NULL.
 */
static int copy_to(sqlite3 *src, const char *src_path, const char *tmp_path, sqlite3 **out,
                   struct ep_error *err)
{
    sqlite3 *dst = NULL;
    sqlite3_backup *b = NULL;
    sqlite3_stmt *st = NULL;
    int rc;

    *out = NULL;
    /* A stale temp file is a crashed earlier attempt, never a result; its
     * journal must go too, or SQLite would roll it back into the new copy. */
    if (unlink(tmp_path) != 0 && errno != ENOENT) {
        ep_error_set(err, EP_EIO, NULL, "cannot remove stale '%s': %s", tmp_path, strerror(errno));
        return EP_EIO;
    }
    remove_copy(tmp_path);
    rc = sqlite3_open_v2(tmp_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        rc = map_fail(rc);
        ep_error_set(err, rc, NULL, "cannot create '%s': %s", tmp_path,
                     dst != NULL ? sqlite3_errmsg(dst) : "out of memory");
        goto out;
    }
    sqlite3_extended_result_codes(dst, 1);
    b = sqlite3_backup_init(dst, "main", src, "main");
    if (b == NULL) {
        rc = map_fail(sqlite3_errcode(dst));
        ep_error_set(err, rc, NULL, "cannot start the backup: %s", sqlite3_errmsg(dst));
        goto out;
    }
    /* One step of -1 pages = one read transaction on the source: a snapshot.
     * Smaller steps would restart from scratch whenever another connection
     * commits in between, and a busy server commits all the time. */
    for (int i = 0; i < BACKUP_STEP_TRIES; i++) {
        rc = sqlite3_backup_step(b, -1);
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            break;
        sqlite3_sleep(100);
    }
    if (rc != SQLITE_DONE) {
        int raw = rc;
        rc = map_fail(raw);
        ep_error_set(err, rc, NULL, "%scopying '%s' to '%s' failed: %s", full_hint(rc), src_path,
                     tmp_path, sqlite3_errstr(raw));
        goto out;
    }
    rc = sqlite3_backup_finish(b);
    b = NULL;
    if (rc != SQLITE_OK) {
        rc = map_fail(rc);
        ep_error_set(err, rc, NULL, "%sfinishing the copy '%s' failed: %s", full_hint(rc), tmp_path,
                     sqlite3_errmsg(dst));
        goto out;
    }
    /* The copied header still says WAL; a backup must be one self-contained
     * file, so switch it back to a rollback journal. */
    rc = sqlite3_prepare_v2(dst, "PRAGMA journal_mode=DELETE", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(st, 0), "delete") != 0) {
        rc = map_fail(rc == SQLITE_ROW ? SQLITE_ERROR : rc);
        ep_error_set(err, rc, NULL, "cannot make '%s' a single file: %s", tmp_path,
                     sqlite3_errmsg(dst));
        goto out;
    }
    rc = EP_OK;
    *out = dst;
    dst = NULL;
out:
    sqlite3_finalize(st);
    if (b != NULL)
        sqlite3_backup_finish(b);
    if (dst != NULL) {
        sqlite3_close(dst);
        remove_copy(tmp_path);
    }
    return rc;
}

/* Checks the finished copy and makes it durable before it gets its name. */
static int check_copy(sqlite3 **dst, const char *tmp_path, struct backup_info *info,
                      struct ep_error *err)
{
    struct stat st;
    int rc = run_check(*dst, "PRAGMA integrity_check(1)", "integrity_check", tmp_path, err);

    if (rc == EP_OK)
        rc = read_identity(*dst, tmp_path, info, err);
    /* Close before fsync: the connection may still hold unflushed pages. */
    if (sqlite3_close(*dst) != SQLITE_OK && rc == EP_OK) {
        ep_error_set(err, EP_EIO, NULL, "cannot close '%s'", tmp_path);
        rc = EP_EIO;
    }
    *dst = NULL;
    if (rc == EP_OK) {
        rc = sync_path(tmp_path, 0);
        if (rc != EP_OK)
            ep_error_set(err, rc, NULL, "%scannot flush '%s' to disk", full_hint(rc), tmp_path);
    }
    if (rc == EP_OK && stat(tmp_path, &st) == 0)
        info->bytes = (int64_t)st.st_size;
    return rc;
}

/* Opens an existing database without creating it (and read-only if asked). */
static int open_existing(const char *path, int readonly, sqlite3 **out, struct ep_error *err)
{
    struct stat st;
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    int rc;

    *out = NULL;
    if (stat(path, &st) != 0) {
        int e = errno;
        return ep_error_set(err, e == ENOENT ? EP_ENOTFOUND : EP_EIO, NULL, "cannot open '%s': %s",
                            path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        ep_error_set(err, EP_EINVAL, NULL, "'%s' is not a regular file", path);
        return EP_EINVAL;
    }
    rc = sqlite3_open_v2(path, out, flags, NULL);
    if (rc != SQLITE_OK) {
        rc = map_fail(rc);
        ep_error_set(err, rc, NULL, "cannot open '%s': %s", path,
                     *out != NULL ? sqlite3_errmsg(*out) : "out of memory");
        sqlite3_close(*out);
        *out = NULL;
        return rc;
    }
    sqlite3_extended_result_codes(*out, 1);
    sqlite3_busy_timeout(*out, BACKUP_BUSY_MS);
    return EP_OK;
}

int backup_create(const char *src_path, const char *dest_path, struct backup_info *info,
                  struct ep_error *err)
{
    char tmp[BACKUP_PATH_MAX];
    char dir[BACKUP_PATH_MAX];
    struct backup_info local;
    sqlite3 *src = NULL;
    sqlite3 *dst = NULL;
    int made_tmp = 0; /* tmp holds a path of ours that failure must remove */
    int rc;

    if (info == NULL)
        info = &local;
    memset(info, 0, sizeof(*info));
    rc = join(tmp, sizeof(tmp), dest_path, ".tmp");
    if (rc != EP_OK) {
        ep_error_set(err, rc, NULL, "backup path too long");
        goto out;
    }
    if (access(dest_path, F_OK) == 0) {
        ep_error_set(err, EP_ECONFLICT, NULL, "'%s' already exists; backups never overwrite a file",
                     dest_path);
        rc = EP_ECONFLICT;
        goto out;
    }
    /* Read-write but never create: a read-only connection cannot rebuild a
     * missing -shm, which happens when the server is stopped. */
    rc = open_existing(src_path, 0, &src, err);
    if (rc != EP_OK)
        goto out;
    made_tmp = 1;
    rc = copy_to(src, src_path, tmp, &dst, err);
    if (rc != EP_OK)
        goto out;
    rc = check_copy(&dst, tmp, info, err);
    if (rc != EP_OK)
        goto out;
    if (rename(tmp, dest_path) != 0) {
        rc = errno == ENOSPC ? EP_EFULL : EP_EIO;
        ep_error_set(err, rc, NULL, "cannot rename '%s' to '%s': %s", tmp, dest_path,
                     strerror(errno));
        goto out;
    }
    dir_of(dest_path, dir, sizeof(dir));
    rc = sync_path(dir, 1);
    if (rc != EP_OK)
        ep_error_set(err, rc, NULL, "cannot flush directory '%s'", dir);
out:
    sqlite3_close(dst);
    sqlite3_close(src);
    if (rc != EP_OK && made_tmp)
        remove_copy(tmp);
    return rc;
}

int backup_verify(const char *path, struct backup_info *info, struct ep_error *err)
{
    struct backup_info local;
    struct stat st;
    sqlite3 *h = NULL;
    int rc;

    if (info == NULL)
        info = &local;
    memset(info, 0, sizeof(*info));
    rc = open_existing(path, 1, &h, err);
    if (rc == EP_OK)
        rc = run_check(h, "PRAGMA integrity_check(1)", "integrity_check", path, err);
    if (rc == EP_OK)
        rc = read_identity(h, path, info, err);
    if (rc == EP_OK && info->schema_version > db_latest_version()) {
        ep_error_set(err, EP_ESCHEMA, NULL,
                     "'%s' has schema version %d, newer than this binary's (%d); "
                     "restore it with a newer ecoplateau",
                     path, info->schema_version, db_latest_version());
        rc = EP_ESCHEMA;
    }
    if (rc == EP_OK && stat(path, &st) == 0)
        info->bytes = (int64_t)st.st_size;
    sqlite3_close(h);
    return rc;
}

/* Gives the copy its own identity and records where it came from. */
static int mark_restored(sqlite3 *h, const char *old_id, struct ep_error *err)
{
    static const char *const sql[] = {
        "UPDATE meta SET value = lower(hex(randomblob(16))) WHERE key = 'database_id'",
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('restored_from', ?1), "
        "('restored_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    };
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL);

    for (size_t i = 0; rc == SQLITE_OK && i < sizeof(sql) / sizeof(sql[0]); i++) {
        rc = sqlite3_prepare_v2(h, sql[i], -1, &st, NULL);
        if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) == 1)
            rc = sqlite3_bind_text(st, 1, old_id, -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        sqlite3_finalize(st);
        st = NULL;
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        ep_error_set(err, map_fail(rc), NULL, "cannot give the restored copy a new id: %s",
                     sqlite3_errmsg(h));
        if (!sqlite3_get_autocommit(h))
            sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
        return map_fail(rc);
    }
    return EP_OK;
}

/* Moves the live file aside under kept, keeping its -wal paired with it. */
static int keep_current(const char *db_path, char *kept, size_t keptlen, struct ep_error *err)
{
    char stamp[48];
    char side[BACKUP_PATH_MAX];
    char side_kept[BACKUP_PATH_MAX];
    time_t now = time(NULL);
    struct tm tm;
    int rc;

    kept[0] = '\0';
    if (access(db_path, F_OK) != 0)
        return EP_OK; /* nothing to keep: a first install */
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), ".before-restore-%Y%m%dT%H%M%SZ", &tm);
    rc = join(kept, keptlen, db_path, stamp);
    if (rc != EP_OK) {
        ep_error_set(err, rc, NULL, "database path too long");
        return rc;
    }
    /* A hard link keeps db_path in place until the atomic rename below. */
    if (link(db_path, kept) != 0) {
        ep_error_set(err, EP_EIO, NULL, "cannot keep the current database as '%s': %s", kept,
                     strerror(errno));
        kept[0] = '\0';
        return EP_EIO;
    }
    /* SQLite pairs "<file>-wal" with "<file>": moving the WAL under the kept
     * name keeps its committed pages with the copy and away from the new file. */
    rc = join(side, sizeof(side), db_path, "-wal");
    if (rc == EP_OK)
        rc = join(side_kept, sizeof(side_kept), kept, "-wal");
    if (rc == EP_OK && rename(side, side_kept) != 0 && errno != ENOENT) {
        ep_error_set(err, EP_EIO, NULL, "cannot move '%s' aside: %s", side, strerror(errno));
        rc = EP_EIO;
    }
    /* The -shm index is rebuilt from the WAL; a stale one must not survive. */
    if (rc == EP_OK)
        rc = join(side, sizeof(side), db_path, "-shm");
    if (rc == EP_OK && unlink(side) != 0 && errno != ENOENT) {
        ep_error_set(err, EP_EIO, NULL, "cannot remove '%s': %s", side, strerror(errno));
        rc = EP_EIO;
    }
    return rc;
}

int backup_restore(const char *src_path, const char *db_path, struct backup_info *info, char *kept,
                   size_t keptlen, struct ep_error *err)
{
    char tmp[BACKUP_PATH_MAX];
    char dir[BACKUP_PATH_MAX];
    char kept_local[BACKUP_PATH_MAX];
    struct backup_info local;
    sqlite3 *src = NULL;
    sqlite3 *dst = NULL;
    int made_tmp = 0; /* tmp holds a path of ours that failure must remove */
    int rc;

    if (info == NULL)
        info = &local;
    if (kept == NULL || keptlen == 0) {
        kept = kept_local;
        keptlen = sizeof(kept_local);
    }
    kept[0] = '\0';
    rc = join(tmp, sizeof(tmp), db_path, ".restore.tmp");
    if (rc != EP_OK) {
        ep_error_set(err, rc, NULL, "database path too long");
        goto out;
    }
    rc = backup_verify(src_path, info, err);
    if (rc != EP_OK)
        goto out;
    rc = open_existing(src_path, 1, &src, err);
    made_tmp = rc == EP_OK;
    if (rc == EP_OK)
        rc = copy_to(src, src_path, tmp, &dst, err);
    if (rc == EP_OK)
        rc = mark_restored(dst, info->database_id, err);
    if (rc == EP_OK)
        rc = check_copy(&dst, tmp, info, err);
    if (rc != EP_OK)
        goto out;
    rc = keep_current(db_path, kept, keptlen, err);
    if (rc != EP_OK)
        goto out;
    if (rename(tmp, db_path) != 0) {
        rc = EP_EIO;
        ep_error_set(err, rc, NULL, "cannot rename '%s' to '%s': %s", tmp, db_path,
                     strerror(errno));
        goto out;
    }
    dir_of(db_path, dir, sizeof(dir));
    rc = sync_path(dir, 1);
    if (rc != EP_OK)
        ep_error_set(err, rc, NULL, "cannot flush directory '%s'", dir);
out:
    sqlite3_close(dst);
    sqlite3_close(src);
    if (rc != EP_OK && made_tmp)
        remove_copy(tmp);
    return rc;
}
