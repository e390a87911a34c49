/*
 * assets.h - the PWA's text files served pre-compressed (docs/pwa.md,
 * "Compressed shell").
 *
 * CivetWeb 1.15 sends file.gz only when file itself is absent, so it cannot
 * serve both a plain and a compressed copy of one file. assets_load() reads
 * every text file under the PWA directory once at start and keeps it in
 * memory with its gzip and brotli copies; assets_serve() answers a GET or
 * HEAD for one of them with the smallest copy the client accepts, Vary:
 * Accept-Encoding, an ETag per copy and 304 on If-None-Match.
 *
 * Only paths found by the walk at start are ever answered (a lookup by exact
 * name in the table, never a path built from the URI), so a request cannot
 * reach outside the directory. A file changed or removed since the start is
 * left to CivetWeb, which serves it as it is now (uncompressed, its own
 * ETag), so a deployment that replaces pwa/ in place is never served stale.
 *
 * Thread rules: the table is read-only after assets_load(); assets_serve()
 * may run on any worker at once.
 */
#ifndef EP_ASSETS_H
#define EP_ASSETS_H

#include "err.h"

#include <stddef.h>

struct mg_connection;
struct assets;

/* Files larger than this are left to CivetWeb (the shell's are < 200 KB). */
#define ASSETS_FILE_MAX (4L * 1024 * 1024)

/*
 * Walks dir (no symbolic links, no dot files, not sw.js which server.c
 * serves itself), compresses each text file of at least GZ_MIN_BYTES bytes
 * and keeps the copies that are smaller. On success returns 0 and *out owns
 * the table (assets_free). EP_ENOMEM, or EP_EIO with a message in err.
 */
int assets_load(const char *dir, struct assets **out, struct ep_error *err);

/* Frees the table. NULL is a no-op. */
void assets_free(struct assets *a);

/*
 * Answers the request on conn if its path is one of the table's files and
 * the file on disk is still the one loaded: returns the HTTP status sent
 * (200 or 304). Returns 0 when it sent nothing (other path, other method, a
 * Range request, a changed file): CivetWeb then serves the request itself.
 */
int assets_serve(const struct assets *a, struct mg_connection *conn);

/* Number of files in the table and their plain, gzip and brotli totals. */
void assets_stats(const struct assets *a, size_t *files, size_t *plain, size_t *gz, size_t *br);

#endif
