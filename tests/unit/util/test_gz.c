/*
 * test_gz.c - gzip for HTTP bodies: Accept-Encoding read as RFC 9110 says,
 * a round trip, and inflation that refuses what is not gzip and stops a
 * bomb at its cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "err.h"
#include "gz.h"

#include <stdlib.h>
#include <string.h>

static void accept_encoding(void **state)
{
    (void)state;
    assert_true(gz_accepted("gzip"));
    assert_true(gz_accepted("gzip, deflate, br"));
    assert_true(gz_accepted("br;q=1.0, GZIP;q=0.5"));
    assert_true(gz_accepted("x-gzip"));
    assert_true(gz_accepted("*"));
    assert_true(gz_accepted("gzip;q=0.001"));
    assert_false(gz_accepted(NULL));
    assert_false(gz_accepted(""));
    assert_false(gz_accepted("identity"));
    assert_false(gz_accepted("br, deflate"));
    assert_false(gz_accepted("gzip;q=0"));
    assert_false(gz_accepted("gzip; q=0.000"));
    assert_false(gz_accepted("gzipper"));
}

static void round_trip(void **state)
{
    char text[8192], *back = NULL;
    unsigned char *z = NULL;
    size_t zlen = 0, blen = 0;
    (void)state;
    for (size_t i = 0; i < sizeof(text); i++)
        text[i] = "{\"indicator\":\"van_km\",\"value\":12}"[i % 33];
    assert_int_equal(gz_compress(text, sizeof(text), &z, &zlen), EP_OK);
    assert_true(zlen < sizeof(text) / 4);
    assert_int_equal(z[0], 0x1f);
    assert_int_equal(z[1], 0x8b);
    assert_int_equal(gz_inflate(z, zlen, sizeof(text), &back, &blen), EP_OK);
    assert_int_equal(blen, sizeof(text));
    assert_memory_equal(back, text, sizeof(text));
    assert_int_equal(back[blen], '\0');
    free(back);
    /* One byte under the size: too big, and nothing handed over. */
    back = NULL;
    assert_int_equal(gz_inflate(z, zlen, sizeof(text) - 1, &back, &blen), EP_ETOOBIG);
    assert_null(back);
    /* Truncated, or with bytes after the member: not gzip as declared. */
    assert_int_equal(gz_inflate(z, zlen - 5, sizeof(text), &back, &blen), EP_EINVAL);
    {
        unsigned char *more = malloc(zlen + 3);
        assert_non_null(more);
        memcpy(more, z, zlen);
        memcpy(more + zlen, "abc", 3);
        assert_int_equal(gz_inflate(more, zlen + 3, sizeof(text), &back, &blen), EP_EINVAL);
        free(more);
    }
    free(z);
}

static void not_gzip_is_refused(void **state)
{
    static const char json[] = "{\"schema\":1,\"device\":\"d\",\"ops\":[]}";
    char *out = NULL;
    size_t n = 0;
    (void)state;
    assert_int_equal(gz_inflate(json, sizeof(json) - 1, 1 << 20, &out, &n), EP_EINVAL);
    assert_int_equal(gz_inflate("", 0, 1 << 20, &out, &n), EP_EINVAL);
    assert_null(out);
}

/* 64 MiB of zeros squeezed into ~64 KiB, inflated under a 1 MiB cap. */
static void a_bomb_stops_at_the_cap(void **state)
{
    size_t big = (size_t)64 * 1024 * 1024, zlen = 0, n = 0;
    char *zeros = calloc(1, big), *out = NULL;
    unsigned char *z = NULL;
    (void)state;
    assert_non_null(zeros);
    assert_int_equal(gz_compress(zeros, big, &z, &zlen), EP_OK);
    free(zeros);
    assert_true(zlen < 128 * 1024);
    assert_int_equal(gz_inflate(z, zlen, (size_t)1 << 20, &out, &n), EP_ETOOBIG);
    assert_null(out);
    free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accept_encoding),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(not_gzip_is_refused),
        cmocka_unit_test(a_bomb_stops_at_the_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
