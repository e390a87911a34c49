/*
 * gz.h - gzip for HTTP bodies (zlib): answers compressed for clients that
 * accept it, and pushes from phones on a weak link decompressed under a cap
 * checked while inflating, so a small "zip bomb" never expands past it.
 * Reentrant; no state.
 */
#ifndef EP_GZ_H
#define EP_GZ_H

#include <stddef.h>

/* Answers smaller than this go as they are: gzip's header and the CPU would
 * cost more than the bytes saved. */
#define GZ_MIN_BYTES 1024

/*
 * 1 when an Accept-Encoding header value accepts gzip ("gzip", "x-gzip" or
 * "*", not followed by q=0), else 0. NULL accepts nothing.
 */
int gz_accepted(const char *accept_encoding);

/*
 * Compresses in (len bytes) as one gzip member. On success returns 0 and
 * *out owns *outlen bytes (free() it). EP_ENOMEM, or EP_EIO if zlib fails.
 */
int gz_compress(const void *in, size_t len, unsigned char **out, size_t *outlen);

/*
 * Inflates the gzip data in (len bytes). The result may not exceed cap
 * bytes: beyond, EP_ETOOBIG, noticed while inflating (at most cap bytes are
 * ever produced). Not gzip, corrupt or truncated: EP_EINVAL. On success
 * returns 0 and *out owns a NUL-terminated buffer of *outlen bytes.
 */
int gz_inflate(const void *in, size_t len, size_t cap, char **out, size_t *outlen);

#endif
