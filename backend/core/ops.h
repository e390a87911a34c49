/*
 * ops.h - what an operator runs besides `serve`: the container health check,
 * backup and restore, and the start-up checks that refuse to run on a data
 * directory or disk that is not usable.
 *
 * The ops_* subcommands return a process exit status like app.h's (0 ok,
 * 1 failure, 2 usage) and print one precise line on failure. They run in the
 * main thread before (or instead of) the server; none is thread-safe.
 */
#ifndef EP_OPS_H
#define EP_OPS_H

#include "config.h"

/* ops_preflight() flags. */
#define OPS_LOCK 1 /* also take the data directory lock (serve, restore) */

/* Free space below which the server refuses to start: SQLite needs room for
 * the WAL and a migration's copy of the pages it changes. */
#define OPS_MIN_FREE_BYTES (8ULL * 1024 * 1024)

/*
 * Checks, in this order, and logs exactly what is wrong on the first failure:
 * the data directory exists (created 0700 if absent) and is a directory, is
 * not writable by every user, is writable by this uid (a real file is written
 * and removed), the database file and its -wal/-shm are readable and writable
 * by this uid, and at least OPS_MIN_FREE_BYTES are free ("disk full"
 * otherwise). The server key file is checked by auth_new() (auth.h). With
 * OPS_LOCK, also takes an exclusive lock on <data_dir>/ecoplateau.lock held
 * until the process exits, so two servers (or a restore and a server) never
 * share a database. Returns 0 or an EP_E* code.
 */
int ops_preflight(const struct config *cfg, int flags);

/*
 * `ecoplateau healthcheck`: GET /api/v1/health on the configured address
 * (127.0.0.1 when bound to 0.0.0.0) over a plain socket, 3 s timeout. With
 * --port 0 it reads the port from --port-file. Exits 0 on HTTP 200, else 1.
 */
int ops_healthcheck(const struct config *cfg);

/*
 * `ecoplateau backup DEST`: a verified online copy of the live database (see
 * sync/store/backup.h), safe while the server runs. DEST is a new file, or an
 * existing directory in which ecoplateau-<UTC time>.db is created. Prints
 * the path written on stdout.
 */
int ops_backup(const struct config *cfg, const char *dest);

/*
 * `ecoplateau restore SRC`: refuses while a server holds the data directory
 * lock; verifies SRC (integrity, schema version not newer than the binary),
 * then replaces the database atomically, keeping the previous file. An older
 * schema is accepted and migrated at the next start.
 */
int ops_restore(const struct config *cfg, const char *src);

#endif
