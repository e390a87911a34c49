/*
 * gz.c - gzip compression and capped inflation (see gz.h).
 */
#include "gz.h"

#include "err.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
/* next_in is const: zlib never writes the input. */
#define ZLIB_CONST
#include <zlib.h>

/* zlib's windowBits for the gzip wrapper: 15 (32 KiB window) + 16. */
#define GZ_WINDOW (15 + 16)

int gz_accepted(const char *accept_encoding)
{
    const char *p = accept_encoding;

    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ','), *semi;
        size_t n, tn;
        while (*p == ' ' || *p == '\t')
            p++;
        n = end != NULL ? (size_t)(end - p) : strlen(p);
        semi = memchr(p, ';', n);
        tn = semi != NULL ? (size_t)(semi - p) : n;
        while (tn > 0 && (p[tn - 1] == ' ' || p[tn - 1] == '\t'))
            tn--;
        if ((tn == 4 && strncasecmp(p, "gzip", 4) == 0) ||
            (tn == 6 && strncasecmp(p, "x-gzip", 6) == 0) || (tn == 1 && p[0] == '*')) {
            /* ";q=0", ";q=0.0", ";q=0.000": refused. Anything else accepts. */
            const char *q = semi != NULL ? semi + 1 : NULL;
            int zero = 0;
            while (q != NULL && q < p + n && (*q == ' ' || *q == '\t'))
                q++;
            if (q != NULL && q + 1 < p + n && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
                const char *v = q + 2;
                zero = *v == '0';
                for (v++; zero && v < p + n && *v != ' ' && *v != ';'; v++)
                    zero = *v == '.' || *v == '0';
            }
            if (!zero)
                return 1;
        }
        p = end != NULL ? end + 1 : NULL;
    }
    return 0;
}

int gz_compress(const void *in, size_t len, unsigned char **out, size_t *outlen)
{
    z_stream z;
    unsigned char *buf = NULL;
    uLong bound;
    int rc = EP_EIO;

    *out = NULL;
    *outlen = 0;
    if (len > UINT_MAX)
        return EP_ETOOBIG;
    memset(&z, 0, sizeof(z));
    /* Level 6, zlib's default: most of level 9's gain at a third of its CPU. */
    if (deflateInit2(&z, 6, Z_DEFLATED, GZ_WINDOW, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return EP_EIO;
    bound = deflateBound(&z, (uLong)len);
    buf = malloc(bound);
    if (buf == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    z.next_in = (const Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = buf;
    z.avail_out = (uInt)bound;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        goto out;
    *out = buf;
    *outlen = (size_t)z.total_out;
    buf = NULL;
    rc = EP_OK;
out:
    deflateEnd(&z);
    free(buf);
    return rc;
}

int gz_inflate(const void *in, size_t len, size_t cap, char **out, size_t *outlen)
{
    z_stream z;
    char *buf = NULL;
    size_t size = 0;
    int zrc, rc = EP_EINVAL;

    *out = NULL;
    *outlen = 0;
    if (len > UINT_MAX || len < 18 || ((const unsigned char *)in)[0] != 0x1f ||
        ((const unsigned char *)in)[1] != 0x8b)
        return EP_EINVAL; /* 18 bytes: the smallest gzip member */
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, GZ_WINDOW) != Z_OK)
        return EP_EIO;
    z.next_in = (const Bytef *)in;
    z.avail_in = (uInt)len;
    do {
        /* Grow by doubling, never past cap + 1 (one byte over tells the cap
         * was passed without producing more). */
        if (z.total_out >= size) {
            size_t want = size == 0 ? 16384 : size * 2;
            char *nb;
            if (want > cap + 1)
                want = cap + 1;
            if (want <= size) {
                rc = EP_ETOOBIG;
                goto out;
            }
            nb = realloc(buf, want + 1);
            if (nb == NULL) {
                rc = EP_ENOMEM;
                goto out;
            }
            buf = nb;
            size = want;
        }
        z.next_out = (Bytef *)buf + z.total_out;
        z.avail_out = (uInt)(size - z.total_out);
        zrc = inflate(&z, Z_NO_FLUSH);
        if (z.total_out > cap) {
            rc = EP_ETOOBIG;
            goto out;
        }
        if (zrc == Z_BUF_ERROR && z.avail_in == 0)
            goto out; /* truncated */
    } while (zrc == Z_OK || zrc == Z_BUF_ERROR);
    if (zrc != Z_STREAM_END || z.avail_in != 0)
        goto out; /* corrupt, or bytes after the member */
    buf[z.total_out] = '\0';
    *out = buf;
    *outlen = (size_t)z.total_out;
    buf = NULL;
    rc = EP_OK;
out:
    inflateEnd(&z);
    free(buf);
    return rc;
}
