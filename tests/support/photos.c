/* photos.c - image fixtures with location metadata (see photos.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "photos.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned char *photos_fixture(const char *name, size_t *len)
{
    char path[600];
    FILE *f;
    unsigned char *buf;
    long n;

    snprintf(path, sizeof(path), "%s/tests/fixtures/img/%s", EP_SOURCE_DIR, name);
    f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("fixture %s is missing", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void be16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void ifd_entry(unsigned char *p, unsigned tag, unsigned type, uint32_t count, uint32_t value)
{
    be16(p, tag);
    be16(p + 2, type);
    be32(p + 4, count);
    be32(p + 8, value);
}

/*
 * A big-endian TIFF block (what follows "Exif\0\0"): IFD0 with only the GPS
 * pointer, then a GPS IFD with latitude and longitude, as cameras write it.
 * Returns its length (128); t must hold that.
 */
static size_t tiff_gps(unsigned char *t)
{
    static const uint32_t lat[6] = {47, 1, 5, 1, 30, 1}, lon[6] = {6, 1, 2, 1, 0, 1};
    memset(t, 0, 128);
    memcpy(t, "MM\0\x2a", 4);
    be32(t + 4, 8);
    be16(t + 8, 1);                      /* IFD0: one entry */
    ifd_entry(t + 10, 0x8825, 4, 1, 26); /* GPSInfo -> offset 26 */
    be32(t + 22, 0);                     /* no IFD1 */
    be16(t + 26, 4);                     /* GPS IFD: four entries */
    ifd_entry(t + 28, 0x0001, 2, 2, 0);  /* GPSLatitudeRef "N" */
    memcpy(t + 36, "N\0", 2);
    ifd_entry(t + 40, 0x0002, 5, 3, 80); /* GPSLatitude, 3 rationals at 80 */
    ifd_entry(t + 52, 0x0003, 2, 2, 0);  /* GPSLongitudeRef "E" */
    memcpy(t + 60, "E\0", 2);
    ifd_entry(t + 64, 0x0004, 5, 3, 104); /* GPSLongitude at 104 */
    be32(t + 76, 0);
    for (int i = 0; i < 6; i++) {
        be32(t + 80 + 4 * i, lat[i]);
        be32(t + 104 + 4 * i, lon[i]);
    }
    return 128;
}

unsigned char *photos_jpeg_with_gps(const unsigned char *jpg, size_t len, size_t *outlen)
{
    unsigned char tiff[128];
    size_t tl = tiff_gps(tiff), seg = 2 + 6 + tl;
    unsigned char *out = malloc(len + 2 + seg);

    assert_non_null(out);
    assert_true(len > 2 && jpg[0] == 0xff && jpg[1] == 0xd8);
    memcpy(out, jpg, 2);
    out[2] = 0xff;
    out[3] = 0xe1;
    be16(out + 4, (unsigned)seg);
    memcpy(out + 6, "Exif\0\0", 6);
    memcpy(out + 12, tiff, tl);
    memcpy(out + 12 + tl, jpg + 2, len - 2);
    *outlen = len + 2 + seg;
    return out;
}

static uint32_t crc32_png(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffU;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c & 1U) ? 0xedb88320U ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffU;
}

/* Writes one PNG chunk at out; returns its size. */
static size_t png_chunk(unsigned char *out, const char *type, const void *data, size_t n)
{
    be32(out, (uint32_t)n);
    memcpy(out + 4, type, 4);
    memcpy(out + 8, data, n);
    be32(out + 8 + n, crc32_png(out + 4, n + 4));
    return n + 12;
}

static const char xmp_packet[] =
    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
    "22-rdf-syntax-ns#\"><rdf:Description xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" "
    "exif:GPSLatitude=\"47,5.5N\" exif:GPSLongitude=\"6,2.0E\"/></rdf:RDF></x:xmpmeta>";

unsigned char *photos_png_with_gps(const unsigned char *png, size_t len, size_t *outlen)
{
    unsigned char tiff[128], itxt[600];
    size_t tl = tiff_gps(tiff), n = 0, klen = strlen("XML:com.adobe.xmp") + 1;
    size_t ilen = klen + 4 + sizeof(xmp_packet) - 1; /* keyword, flags, 2 empty strings */
    unsigned char *out = malloc(len + tl + 12 + ilen + 12);
    size_t head = 8 + 25; /* signature and IHDR */

    assert_non_null(out);
    memcpy(itxt, "XML:com.adobe.xmp", klen);
    memset(itxt + klen, 0, 4);
    memcpy(itxt + klen + 4, xmp_packet, sizeof(xmp_packet) - 1);
    memcpy(out, png, head);
    n = head;
    n += png_chunk(out + n, "eXIf", tiff, tl);
    n += png_chunk(out + n, "iTXt", itxt, ilen);
    memcpy(out + n, png + head, len - head);
    *outlen = n + len - head;
    return out;
}

unsigned char *photos_webp_with_gps(const unsigned char *webp, size_t len, size_t *outlen)
{
    unsigned char tiff[128];
    size_t tl = tiff_gps(tiff), xl = sizeof(xmp_packet) - 1, n = len;
    unsigned char *out = malloc(len + 8 + tl + 8 + xl + 1);

    assert_non_null(out);
    assert_true(len > 30 && memcmp(webp + 12, "VP8X", 4) == 0);
    memcpy(out, webp, len);
    memcpy(out + n, "EXIF", 4);
    le32(out + n + 4, (uint32_t)tl);
    memcpy(out + n + 8, tiff, tl);
    n += 8 + tl;
    memcpy(out + n, "XMP ", 4);
    le32(out + n + 4, (uint32_t)xl);
    memcpy(out + n + 8, xmp_packet, xl);
    n += 8 + xl;
    if (xl & 1U)
        out[n++] = 0;       /* RIFF chunks are padded to an even size */
    out[20] |= 0x08 | 0x04; /* VP8X flags: EXIF, XMP */
    le32(out + 4, (uint32_t)(n - 8));
    *outlen = n;
    return out;
}

int photos_contains(const unsigned char *hay, size_t len, const void *needle, size_t n)
{
    for (size_t i = 0; n <= len && i + n <= len; i++) {
        if (memcmp(hay + i, needle, n) == 0)
            return 1;
    }
    return 0;
}

void photos_sha256_hex(const unsigned char *data, size_t len, char hex[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hex, 65, h, sizeof(h));
}
