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
        cmocka_unit_test(png_loses_exif_and_xmp),
        cmocka_unit_test(webp_loses_its_chunks_and_flags),
        cmocka_unit_test(clean_images_pass_unchanged),
        cmocka_unit_test(truncated_and_damaged_files_are_refused),
        cmocka_unit_test(dimensions_of_jpeg_and_png),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
