/*
 * bundle.h - zip containers packed in memory with libzip: a production
 * archive (transfer.h lists its files), unpacked with caps since an archive
 * to import comes from outside, and the OpenDocument packages (odf.c).
 * Reentrant.
 */
#ifndef EP_BUNDLE_H
#define EP_BUNDLE_H

#include "transfer.h"

#include <stddef.h>

struct ep_error;

/* Files in one archive at most (a production's tables and photos). */
#define BUNDLE_MAX_ENTRIES 100000

/* One file to zip: its name, its bytes (borrowed until the call returns)
 * and whether to store them as they are (1) or deflate them (0). */
struct bundle_file {
    const char *name;
    const void *data;
    size_t len;
    int store;
};

/*
 * Zips the n files in order, in memory (the first one first in the
 * archive, as OpenDocument's mimetype must be). On success returns 0 and
 * *out owns the *len bytes (free() it); else EP_ENOMEM or EP_EIO.
 */
int bundle_zip(const struct bundle_file *files, size_t n, char **out, size_t *len);

/*
 * Zips every entry of l (photos stored as they are, already compressed;
 * the rest deflated). On success returns 0 and *out owns the *len bytes
 * (free() it); else EP_ENOMEM or EP_EIO.
 */
int bundle_pack(const struct transfer_list *l, char **out, size_t *len);

/*
 * Reads the zip in data (len bytes, borrowed) into out (zero-initialised;
 * the caller releases it). Refuses, with EP_EINVAL and the reason in err
 * (may be NULL):
 * not a zip, more than BUNDLE_MAX_ENTRIES files, a name that is absolute,
 * climbs ("..") or repeats, a file whose bytes do not inflate as declared.
 * EP_ETOOBIG when the files inflate past max bytes in all. EP_ENOMEM.
 */
int bundle_unpack(const char *data, size_t len, size_t max, struct transfer_list *out,
                  struct ep_error *err);

#endif
