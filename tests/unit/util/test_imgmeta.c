/*
 * test_imgmeta.c - sniffing and location stripping on real image bytes:
 * chromium-encoded fixtures, and the same with GPS Exif and XMP spliced in
 * as a phone camera writes them. Stripping must give back the fixture
 * byte for byte, and refuse what is not a well-formed container.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "err.h"
#include "imgmeta.h"
#include "photos.h"

#include <stdlib.h>
#include <string.h>

/* Strips with_gps and expects exactly original back, removed blocks counted. */
static void expect_strip_gives(const unsigned char *with_gps, size_t wlen,
                               const unsigned char *original, size_t olen, int blocks)
{
    unsigned char *out = NULL;
    size_t outlen = 0;
    int removed = -1;

    assert_int_equal(imgmeta_has_metadata(with_gps, wlen), 1);
    assert_int_equal(imgmeta_strip(with_gps, wlen, &out, &outlen, &removed), EP_OK);
    assert_int_equal(removed, blocks);
    assert_int_equal(outlen, olen);
    assert_memory_equal(out, original, olen);
    assert_int_equal(imgmeta_has_metadata(out, outlen), 0);
    assert_false(photos_contains(out, outlen, "GPS", 3));
    free(out);
}

static void sniffs_the_three_formats(void **state)
{
    const char *names[] = {"photo.jpg", "photo.png", "photo.webp"};
    const char *types[] = {IMGMETA_JPEG, IMGMETA_PNG, IMGMETA_WEBP};
    (void)state;

    for (int i = 0; i < 3; i++) {
        size_t len;
        unsigned char *b = photos_fixture(names[i], &len);
        assert_string_equal(imgmeta_sniff(b, len), types[i]);
        free(b);
    }
    assert_null(imgmeta_sniff((const unsigned char *)"%PDF-1.7\n", 9));
    assert_null(imgmeta_sniff((const unsigned char *)"<!doctype html><p>hi", 20));
    assert_null(imgmeta_sniff((const unsigned char *)"\xff\xd8", 2)); /* too short */
    assert_null(imgmeta_sniff(NULL, 0));
}

static void jpeg_loses_its_gps(void **state)
{
    size_t len, wlen;
    unsigned char *jpg = photos_fixture("photo.jpg", &len);
    unsigned char *gps = photos_jpeg_with_gps(jpg, len, &wlen);
    (void)state;

    assert_true(photos_contains(gps, wlen, "Exif", 4));
    /* The fixture has no metadata of its own (JFIF + ICC profile): both stay. */
    assert_int_equal(imgmeta_has_metadata(jpg, len), 0);
    expect_strip_gives(gps, wlen, jpg, len, 1);
    free(gps);
    free(jpg);
}

/* A little-endian Exif block as many phones write it: IFD0 with Orientation
 * 6 (turned 90°) and the GPS pointer, then a GPS IFD. */
static const unsigned char exif_le_rotated[] = {
    0xff, 0xe1, 0, 2 + 6 + 56, 'E', 'x', 'i', 'f', 0,   0, 'I', 'I',
    0x2a, 0,    8, 0,          0,   0, /* little-endian TIFF, IFD0 at 8 */
    2,    0,                           /* two entries */
    0x12, 0x01, 3, 0,          1,   0,   0,   0,   6,   0, 0,   0, /* Orientation = 6 */
    0x25, 0x88, 4, 0,          1,   0,   0,   0,   38,  0, 0,   0, /* GPSInfo -> 38 */
    0,    0,    0, 0,                                              /* no IFD1 */
    1,    0,                                                       /* GPS IFD: one entry */
    1,    0,    2, 0,          2,   0,   0,   0,   'N', 0, 0,   0, /* GPSLatitudeRef "N" */
    0,    0,    0, 0};

static void jpeg_keeps_only_its_orientation(void **state)
{
    static const unsigned char minimal[] = {
        0xff, 0xe1, 0, 34,   'E', 'x', 'i', 'f', 0, 0,       /* APP1, 32-byte payload */
        'M',  'M',  0, 0x2a, 0,   0,   0,   8,   0, 1,       /* big-endian, one entry */
        0x01, 0x12, 0, 3,    0,   0,   0,   1,   0, 6, 0, 0, /* Orientation = 6 */
        0,    0,    0, 0};
    size_t len, wlen, outlen, again_len;
    unsigned char *jpg = photos_fixture("photo.jpg", &len), *w, *out = NULL, *again = NULL;
    int removed = 0;
    (void)state;

    wlen = len + sizeof(exif_le_rotated);
    w = malloc(wlen);
    assert_non_null(w);
    memcpy(w, jpg, 2);
    memcpy(w + 2, exif_le_rotated, sizeof(exif_le_rotated));
    memcpy(w + 2 + sizeof(exif_le_rotated), jpg + 2, len - 2);
    assert_int_equal(imgmeta_has_metadata(w, wlen), 1);
    assert_int_equal(imgmeta_strip(w, wlen, &out, &outlen, &removed), EP_OK);
    assert_int_equal(removed, 1);
    /* SOI, the orientation-only Exif (big-endian), then the fixture's segments. */
    assert_int_equal(outlen, len + sizeof(minimal));
    assert_memory_equal(out + 2, minimal, sizeof(minimal));
    assert_memory_equal(out + 2 + sizeof(minimal), jpg + 2, len - 2);
    assert_false(photos_contains(out, outlen, "\x25\x88", 2)); /* no GPS pointer */
    /* What it writes is clean and strips to itself. */
    assert_int_equal(imgmeta_has_metadata(out, outlen), 0);
    assert_int_equal(imgmeta_strip(out, outlen, &again, &again_len, &removed), EP_OK);
    assert_int_equal(removed, 0);
    assert_int_equal(again_len, outlen);
    assert_memory_equal(again, out, outlen);
    free(again);
    free(out);
    /* Upright (1) or out of range: nothing is written back. */
    w[2 + 26] = 1;
    assert_int_equal(imgmeta_strip(w, wlen, &out, &outlen, &removed), EP_OK);
    assert_int_equal(outlen, len);
    assert_memory_equal(out, jpg, len);
    free(out);
    w[2 + 26] = 9;
    assert_int_equal(imgmeta_strip(w, wlen, &out, &outlen, &removed), EP_OK);
    assert_int_equal(outlen, len);
    free(out);
    free(w);
    free(jpg);
}

static void png_loses_exif_and_xmp(void **state)
{
    size_t len, wlen;
    unsigned char *png = photos_fixture("photo.png", &len);
    unsigned char *gps = photos_png_with_gps(png, len, &wlen);
    (void)state;

    assert_true(photos_contains(gps, wlen, "GPSLatitude", 11));
    expect_strip_gives(gps, wlen, png, len, 2);
    free(gps);
    free(png);
}

static void webp_loses_its_chunks_and_flags(void **state)
{
    size_t len, wlen;
    unsigned char *webp = photos_fixture("photo.webp", &len);
    unsigned char *gps = photos_webp_with_gps(webp, len, &wlen);
    (void)state;

    assert_int_not_equal(gps[20] & 0x0c, 0);
    /* Same bytes as the fixture: EXIF and XMP flags cleared, RIFF size fixed,
     * the ICC flag (0x20) of the fixture kept. */
    expect_strip_gives(gps, wlen, webp, len, 2);
    free(gps);
    free(webp);
}

static void clean_images_pass_unchanged(void **state)
{
    const char *names[] = {"photo.jpg", "photo.png", "photo.webp"};
    (void)state;

    for (int i = 0; i < 3; i++) {
        size_t len, outlen;
        int removed = -1;
        unsigned char *out = NULL, *b = photos_fixture(names[i], &len);
        assert_int_equal(imgmeta_strip(b, len, &out, &outlen, &removed), EP_OK);
        assert_int_equal(removed, 0);
        assert_int_equal(outlen, len);
        assert_memory_equal(out, b, len);
        free(out);
        free(b);
    }
}

/* Every truncation of every fixture is refused or yields a smaller valid file. */
static void truncated_and_damaged_files_are_refused(void **state)
{
    const char *names[] = {"photo.jpg", "photo.png", "photo.webp"};
    unsigned char *out = NULL;
    size_t outlen = 0;
    (void)state;

    for (int i = 0; i < 3; i++) {
        size_t len;
        unsigned char *b = photos_fixture(names[i], &len);
        /* PNG without IEND, WebP short of its RIFF size, JPEG before SOS. */
        assert_int_equal(imgmeta_strip(b, i == 0 ? 100 : len - 1, &out, &outlen, NULL), EP_EINVAL);
        assert_null(out);
        for (size_t cut = 0; cut < len; cut++) {
            int rc = imgmeta_strip(b, cut, &out, &outlen, NULL);
            assert_true(rc == EP_EINVAL || (rc == EP_OK && outlen <= cut));
            free(out);
            out = NULL;
        }
        free(b);
    }
    {
        /* A segment length running past the end. */
        static const unsigned char bad[] = {0xff, 0xd8, 0xff, 0xe1, 0x40, 0x00, 'E', 'x'};
        assert_int_equal(imgmeta_strip(bad, sizeof(bad), &out, &outlen, NULL), EP_EINVAL);
    }
    {
        /* A PDF declared as an image. */
        static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n";
        assert_int_equal(
            imgmeta_strip((const unsigned char *)pdf, sizeof(pdf) - 1, &out, &outlen, NULL),
            EP_EINVAL);
    }
}

static void dimensions_of_jpeg_and_png(void **state)
{
    size_t len, wlen;
    int w = 0, h = 0;
    unsigned char *jpg = photos_fixture("photo.jpg", &len);
    unsigned char *gps = photos_jpeg_with_gps(jpg, len, &wlen);
    unsigned char *png;
    (void)state;

    assert_int_equal(imgmeta_dimensions(jpg, len, &w, &h), EP_OK);
    assert_int_equal(w, 24);
    assert_int_equal(h, 16);
    assert_int_equal(imgmeta_dimensions(gps, wlen, &w, &h), EP_OK); /* past the APP1 */
    assert_int_equal(w, 24);
    free(gps);
    free(jpg);
    png = photos_fixture("photo.png", &len);
    assert_int_equal(imgmeta_dimensions(png, len, &w, &h), EP_OK);
    assert_int_equal(w, 24);
    assert_int_equal(h, 16);
    assert_int_equal(imgmeta_dimensions(png, 20, &w, &h), EP_EINVAL);
    free(png);
    png = photos_fixture("photo.webp", &len);
    assert_int_equal(imgmeta_dimensions(png, len, &w, &h), EP_EINVAL); /* not for WebP */
    free(png);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sniffs_the_three_formats),
        cmocka_unit_test(jpeg_loses_its_gps),
        cmocka_unit_test(jpeg_keeps_only_its_orientation),
        cmocka_unit_test(png_loses_exif_and_xmp),
        cmocka_unit_test(webp_loses_its_chunks_and_flags),
        cmocka_unit_test(clean_images_pass_unchanged),
        cmocka_unit_test(truncated_and_damaged_files_are_refused),
        cmocka_unit_test(dimensions_of_jpeg_and_png),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
