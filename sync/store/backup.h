/*
 * backup.h - consistent copies of the live database, their verification, and
 * restoring one in place of the live file.
 *
 * Copies go through SQLite's online backup API in one step, that is one read
 * transaction on the source: in WAL mode that is a snapshot taken while
 * writers go on committing, so a backup never blocks the server and never
 * mixes two states. Every copy is checked with PRAGMA integrity_check before
 * it gets its final name; a copy that fails is deleted and reported.
 *
 * Files produced here are single-file databases (journal_mode=DELETE): no
 * -wal or -shm beside them, so they can be moved, uploaded or checksummed.
 *
 * Thread safety: every function opens its own connections and closes them
 * before returning; none touches a struct db of another thread. The caller of
 * backup_restore() must make sure no process has the target database open
 * (ecoplateau holds a lock on the data directory for that, see backend/core/ops.h).
 */
#ifndef EP_BACKUP_H
#define EP_BACKUP_H

#include "db.h"

#include <stddef.h>
#include <stdint.h>

/* What a checked copy contains. */
struct backup_info {
    int schema_version;   /* PRAGMA user_version of the copy */
    int64_t bytes;        /* size of the copy, bytes */
    char database_id[64]; /* meta.database_id of the copy */
};

/*
 * Runs PRAGMA quick_check on an open connection: the start-up guard against
 * serving a damaged file (O(size) but without the index cross-checks of
 * integrity_check). Returns 0, EP_ECORRUPT with the first problem in err,
 * or the mapped SQLite error (EP_EIO, EP_EFULL, ...).
 */
int backup_quick_check(struct db *db, struct ep_error *err);

/*
 * Copies the database at src_path (must exist; never created nor modified)
 * into a new file dest_path, which must not exist. The copy is written to
 * dest_path + ".tmp", checked with integrity_check, fsync'ed, then renamed,
 * so dest_path either is a verified backup or does not exist. info may be
 * NULL. Returns 0, EP_ECONFLICT (dest_path exists), EP_ENOTFOUND (no source),
 * EP_EFULL (disk full), EP_ECORRUPT (the copy failed its check), EP_EBUSY,
 * EP_ETOOBIG (path too long) or EP_EIO, with a message in err.
 */
int backup_create(const char *src_path, const char *dest_path, struct backup_info *info,
                  struct ep_error *err);

/*
 * Opens path read-only and checks that it is an ecoplateau database this
 * binary can serve: integrity_check passes, 1 <= user_version <=
 * db_latest_version(), meta.database_id present. info may be NULL. Returns 0,
 * EP_ENOTFOUND, EP_ECORRUPT, EP_ESCHEMA (newer, or not ecoplateau's) or EP_EIO
 * with a message in err.
 */
int backup_verify(const char *path, struct backup_info *info, struct ep_error *err);

/*
 * Replaces the database at db_path with a copy of src_path, after
 * backup_verify(src_path). The copy gets a fresh meta.database_id (the old
 * one is kept as meta.restored_from) so that sync cursors minted after the
 * backup are not trusted against the restored state. Order, so that a crash
 * at any point leaves a usable file under db_path or under kept:
 *   1. copy + check into db_path + ".restore.tmp";
 *   2. keep the current file as db_path + ".before-restore-<UTC time>"
 *      (a hard link; its -wal, if any, is moved along under the same name);
 *   3. rename(2) the copy over db_path, which is atomic.
 * kept (may be NULL) receives the path of the kept file, or "" when there was
 * none; info (may be NULL) describes the restored copy. The caller must hold
 * the data directory lock. Returns 0 or an EP_E* code with a message in err.
 */
int backup_restore(const char *src_path, const char *db_path, struct backup_info *info, char *kept,
                   size_t keptlen, struct ep_error *err);

#endif
