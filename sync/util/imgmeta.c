/*
 * imgmeta.c - container walkers for JPEG, PNG and WebP (see imgmeta.h).
 *
 * Each walker reads blocks with every length checked against the end of the
 * buffer before it is used (the input comes from phones), and either copies
 * a block to the output or leaves it out. With out == NULL a walker only
 * counts what it would leave out, which is imgmeta_has_metadata.
 */
#include "imgmeta.h"

#include "err.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

static const char exif_id[] = "Exif\0"; /* followed by a second NUL (pad) */
static const char xmp_id[] = "http://ns.adobe.com/xap/1.0/";
static const char xmp_ext_id[] = "http://ns.adobe.com/xmp/extension/";
static const char png_xmp_key[] = "XML:com.adobe.xmp";

const char *imgmeta_sniff(const unsigned char *buf, size_t len)
{
    if (buf == NULL)
        return NULL;
    if (len >= 3 && buf[0] == 0xff && buf[1] == 0xd8 && buf[2] == 0xff)
        return IMGMETA_JPEG;
    if (len >= 8 && memcmp(buf, png_sig, 8) == 0)
        return IMGMETA_PNG;
    if (len >= 12 && memcmp(buf, "RIFF", 4) == 0 && memcmp(buf + 8, "WEBP", 4) == 0)
        return IMGMETA_WEBP;
    return NULL;
}

static uint32_t be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint32_t le32(const unsigned char *p)
{
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

/* 1 if data (n bytes) starts with the NUL-terminated id, its NUL included. */
static int starts_with_id(const unsigned char *data, size_t n, const char *id, size_t idlen)
{
    return n >= idlen + 1 && memcmp(data, id, idlen) == 0 && data[idlen] == '\0';
}

/* The output of a walk: a buffer of the input's size at most, or NULL to count. */
struct sink {
    unsigned char *buf;
    size_t len;
    int removed;
};

static void put(struct sink *s, const unsigned char *p, size_t n)
{
    if (s->buf != NULL)
        memcpy(s->buf + s->len, p, n);
    s->len += n;
}

/* The Exif block the stripper writes back: only IFD0's Orientation. */
#define EXIF_MIN_LEN 32 /* "Exif\0\0" + a 26-byte big-endian TIFF */

static void exif_minimal(unsigned char *out, unsigned orientation)
{
    static const unsigned char head[EXIF_MIN_LEN] = {
        'E',  'x',  'i', 'f',  0, 0,                   /* identifier and pad */
        'M',  'M',  0,   0x2a, 0, 0, 0, 8,             /* big-endian TIFF, IFD0 at 8 */
        0,    1,                                       /* one entry */
        0x01, 0x12, 0,   3,    0, 0, 0, 1, 0, 0, 0, 0, /* Orientation, SHORT, 1 value */
        0,    0,    0,   0};                           /* no next IFD */
    memcpy(out, head, EXIF_MIN_LEN);
    out[25] = (unsigned char)orientation;
}

static unsigned rd16(const unsigned char *p, int le)
{
    return le ? (unsigned)(p[0] | (p[1] << 8)) : (unsigned)((p[0] << 8) | p[1]);
}

static uint32_t rd32(const unsigned char *p, int le)
{
    return le ? le32(p) : be32(p);
}

/*
 * The Orientation (2-8) of IFD0 in an Exif payload (data starts with
 * "Exif\0\0"), or 0 when absent, 1 (upright) or malformed. Requires IFD0 and
 * its next-IFD pointer whole, so the payload is at least EXIF_MIN_LEN bytes:
 * writing exif_minimal() in its place never makes the file longer.
 */
static unsigned exif_orientation(const unsigned char *data, size_t n)
{
    const unsigned char *t = data + 6;
    size_t tn;
    uint32_t ifd;
    unsigned count;
    int le;

    if (n < EXIF_MIN_LEN)
        return 0;
    tn = n - 6;
    if (memcmp(t, "II*\0", 4) == 0)
        le = 1;
    else if (memcmp(t, "MM\0*", 4) == 0)
        le = 0;
    else
        return 0;
    ifd = rd32(t + 4, le);
    if (ifd < 8 || (size_t)ifd > tn - 2)
        return 0;
    count = rd16(t + ifd, le);
    if ((size_t)count * 12 + 4 > tn - ifd - 2)
        return 0;
    for (unsigned i = 0; i < count; i++) {
        const unsigned char *e = t + ifd + 2 + (size_t)i * 12;
        if (rd16(e, le) == 0x0112 && rd16(e + 2, le) == 3 && rd32(e + 4, le) == 1) {
            unsigned v = rd16(e + 8, le);
            return v >= 2 && v <= 8 ? v : 0;
        }
    }
    return 0;
}

/* 1 if an APP1 payload is exactly what exif_minimal() writes. */
static int exif_is_minimal(const unsigned char *data, size_t n)
{
    unsigned char m[EXIF_MIN_LEN];

    if (n != EXIF_MIN_LEN)
        return 0;
    exif_minimal(m, data[25]);
    return data[25] >= 2 && data[25] <= 8 && memcmp(m, data, EXIF_MIN_LEN) == 0;
}

/* APP1 payloads that may carry a position: Exif (GPS IFD) and XMP. */
static int jpeg_app1_is_meta(const unsigned char *data, size_t n)
{
    return (n >= 6 && memcmp(data, exif_id, 6) == 0 && !exif_is_minimal(data, n)) ||
           starts_with_id(data, n, xmp_id, sizeof(xmp_id) - 1) ||
           starts_with_id(data, n, xmp_ext_id, sizeof(xmp_ext_id) - 1);
}

/*
 * Walks the marker segments up to the start of scan (SOS), after which the
 * entropy-coded data and what follows are copied whole. Bytes after EOI, when
 * EOI comes first, are dropped: nothing a viewer needs lives there.
 */
static int walk_jpeg(const unsigned char *b, size_t len, struct sink *s)
{
    size_t pos = 2;
    int kept_orientation = 0;

    if (len < 4 || b[0] != 0xff || b[1] != 0xd8)
        return EP_EINVAL;
    put(s, b, 2);
    for (;;) {
        unsigned char m;
        size_t seglen;
        if (pos >= len || b[pos] != 0xff)
            return EP_EINVAL;
        while (pos < len && b[pos] == 0xff) /* fill bytes before a marker */
            pos++;
        if (pos >= len)
            return EP_EINVAL;
        m = b[pos++];
        if (m == 0x00 || m == 0xd8)
            return EP_EINVAL;
        if (m == 0xd9) { /* EOI before any scan: an image without pixels */
            return EP_EINVAL;
        }
        if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
            const unsigned char mk[2] = {0xff, m};
            put(s, mk, 2);
            continue;
        }
        if (len - pos < 2)
            return EP_EINVAL;
        seglen = ((size_t)b[pos] << 8) | b[pos + 1];
        if (seglen < 2 || seglen > len - pos)
            return EP_EINVAL;
        if (m == 0xe1 && jpeg_app1_is_meta(b + pos + 2, seglen - 2)) {
            /* Cameras store "which way up" in Exif: keep that alone, so a
             * photo never turns sideways for losing its position. */
            unsigned orientation = exif_orientation(b + pos + 2, seglen - 2);
            s->removed++;
            if (orientation != 0 && !kept_orientation) {
                unsigned char seg[4 + EXIF_MIN_LEN] = {0xff, 0xe1, 0, EXIF_MIN_LEN + 2};
                exif_minimal(seg + 4, orientation);
                put(s, seg, sizeof(seg));
                kept_orientation = 1;
            }
            pos += seglen;
            continue;
        }
        {
            const unsigned char mk[2] = {0xff, m};
            put(s, mk, 2);
        }
        if (m == 0xda) { /* start of scan: the rest is image data */
            put(s, b + pos, len - pos);
            return EP_OK;
        }
        put(s, b + pos, seglen);
        pos += seglen;
    }
}

/* 1 if a chunk type is one of PNG's text chunks. */
static int png_is_text(const unsigned char *type)
{
    return memcmp(type, "tEXt", 4) == 0 || memcmp(type, "zTXt", 4) == 0 ||
           memcmp(type, "iTXt", 4) == 0;
}

static int walk_png(const unsigned char *b, size_t len, struct sink *s)
{
    size_t pos = 8;
    int first = 1;

    if (len < 8 || memcmp(b, png_sig, 8) != 0)
        return EP_EINVAL;
    put(s, b, 8);
    while (len - pos >= 12) {
        uint32_t n = be32(b + pos);
        const unsigned char *type = b + pos + 4;
        const unsigned char *data = b + pos + 8;
        size_t total;
        if (n > 0x7fffffffU || (size_t)n > len - pos - 12)
            return EP_EINVAL;
        total = (size_t)n + 12;
        if (first && memcmp(type, "IHDR", 4) != 0)
            return EP_EINVAL;
        first = 0;
        if (memcmp(type, "eXIf", 4) == 0 ||
            (png_is_text(type) && starts_with_id(data, n, png_xmp_key, sizeof(png_xmp_key) - 1))) {
            s->removed++;
        } else {
            put(s, b + pos, total);
        }
        pos += total;
        if (memcmp(type, "IEND", 4) == 0)
            return EP_OK;
    }
    return EP_EINVAL; /* no IEND: truncated */
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
    p[2] = (unsigned char)((v >> 16) & 0xff);
    p[3] = (unsigned char)((v >> 24) & 0xff);
}

#define VP8X_FLAG_EXIF 0x08
#define VP8X_FLAG_XMP 0x04

static int walk_webp(const unsigned char *b, size_t len, struct sink *s)
{
    size_t pos = 12, end, vp8x_at = 0;
    uint32_t riff;
    int chunks = 0, kept = 0;

    if (len < 12 || memcmp(b, "RIFF", 4) != 0 || memcmp(b + 8, "WEBP", 4) != 0)
        return EP_EINVAL;
    riff = le32(b + 4);
    if (riff < 4 || (size_t)riff > len - 8)
        return EP_EINVAL;
    end = (size_t)riff + 8;
    put(s, b, 12);
    while (pos < end) {
        uint32_t n;
        size_t padded;
        if (end - pos < 8)
            return EP_EINVAL;
        n = le32(b + pos + 4);
        padded = (size_t)n + (n & 1U);
        if ((size_t)n > end - pos - 8 || padded > end - pos - 8)
            return EP_EINVAL;
        if (memcmp(b + pos, "EXIF", 4) == 0 || memcmp(b + pos, "XMP ", 4) == 0) {
            s->removed++;
        } else {
            if (memcmp(b + pos, "VP8X", 4) == 0) {
                if (n < 10 || chunks != 0)
                    return EP_EINVAL;
                vp8x_at = s->len;
            }
            put(s, b + pos, padded + 8);
            kept++;
        }
        chunks++;
        pos += padded + 8;
    }
    if (kept == 0) /* metadata and no image: nothing left to show */
        return EP_EINVAL;
    if (s->buf != NULL) {
        /* The flags must not announce chunks that are gone. */
        if (vp8x_at != 0)
            s->buf[vp8x_at + 8] &= (unsigned char)~(VP8X_FLAG_EXIF | VP8X_FLAG_XMP);
        put_le32(s->buf + 4, (uint32_t)(s->len - 8));
    }
    return EP_OK;
}

static int walk(const unsigned char *buf, size_t len, struct sink *s)
{
    const char *type = imgmeta_sniff(buf, len);

    if (type == NULL)
        return EP_EINVAL;
    if (strcmp(type, IMGMETA_JPEG) == 0)
        return walk_jpeg(buf, len, s);
    if (strcmp(type, IMGMETA_PNG) == 0)
        return walk_png(buf, len, s);
    return walk_webp(buf, len, s);
}

int imgmeta_strip(const unsigned char *buf, size_t len, unsigned char **out, size_t *outlen,
                  int *removed)
{
    struct sink s = {NULL, 0, 0};
    int rc;

    *out = NULL;
    *outlen = 0;
    if (removed != NULL)
        *removed = 0;
    if (buf == NULL || len == 0)
        return EP_EINVAL;
    s.buf = malloc(len);
    if (s.buf == NULL)
        return EP_ENOMEM;
    rc = walk(buf, len, &s);
    if (rc != EP_OK) {
        free(s.buf);
        return rc;
    }
    *out = s.buf;
    *outlen = s.len;
    if (removed != NULL)
        *removed = s.removed;
    return EP_OK;
}

int imgmeta_has_metadata(const unsigned char *buf, size_t len)
{
    struct sink s = {NULL, 0, 0};

    if (buf == NULL || walk(buf, len, &s) != EP_OK)
        return 0;
    return s.removed > 0;
}

/* JPEG frame headers: SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC). */
static int jpeg_is_sof(unsigned char m)
{
    return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static int jpeg_dimensions(const unsigned char *b, size_t len, int *w, int *h)
{
    size_t pos = 2;

    if (len < 4 || b[0] != 0xff || b[1] != 0xd8)
        return EP_EINVAL;
    while (pos < len) {
        unsigned char m;
        size_t seglen;
        if (b[pos] != 0xff)
            return EP_EINVAL;
        while (pos < len && b[pos] == 0xff)
            pos++;
        if (pos >= len)
            return EP_EINVAL;
        m = b[pos++];
        if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
            continue;
        if (m == 0xd9 || m == 0xda || m == 0x00 || len - pos < 2)
            return EP_EINVAL; /* a scan or the end before any frame header */
        seglen = ((size_t)b[pos] << 8) | b[pos + 1];
        if (seglen < 2 || seglen > len - pos)
            return EP_EINVAL;
        if (jpeg_is_sof(m)) {
            if (seglen < 7)
                return EP_EINVAL;
            *h = (b[pos + 3] << 8) | b[pos + 4];
            *w = (b[pos + 5] << 8) | b[pos + 6];
            return *w > 0 && *h > 0 ? EP_OK : EP_EINVAL;
        }
        pos += seglen;
    }
    return EP_EINVAL;
}

int imgmeta_dimensions(const unsigned char *buf, size_t len, int *width, int *height)
{
    const char *type = imgmeta_sniff(buf, len);

    *width = 0;
    *height = 0;
    if (type == NULL)
        return EP_EINVAL;
    if (strcmp(type, IMGMETA_JPEG) == 0)
        return jpeg_dimensions(buf, len, width, height);
    if (strcmp(type, IMGMETA_PNG) == 0) {
        uint32_t w, h;
        if (len < 24 || be32(buf + 8) != 13 || memcmp(buf + 12, "IHDR", 4) != 0)
            return EP_EINVAL;
        w = be32(buf + 16);
        h = be32(buf + 20);
        if (w == 0 || h == 0 || w > INT_MAX || h > INT_MAX)
            return EP_EINVAL;
        *width = (int)w;
        *height = (int)h;
        return EP_OK;
    }
    return EP_EINVAL;
}
