/*
 * test_bundle.c - the production archive's zip container: a round trip
 * keeps every name and byte; hostile archives are refused with the reason
 * (climbing, absolute and repeated names, past the inflate cap, not a zip).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bundle.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

static unsigned char *copy(const char *s)
{
    size_t n = strlen(s);
    unsigned char *p = malloc(n > 0 ? n : 1);
    memcpy(p, s, n);
    return p;
}

/* A zip holding the given names, each with the bytes "x", made with
 * libzip directly so that names bundle_pack would never write get in. */
static char *raw_zip(const char *const *names, size_t n, size_t *len)
{
    zip_error_t ze;
    zip_source_t *src;
    zip_t *za;
    zip_stat_t st;
    char *out;

    zip_error_init(&ze);
    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(za);
    zip_source_keep(src);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(za, "x", 1, 0);
        assert_true(zip_file_add(za, names[i], s, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) >= 0 ||
                    (zip_source_free(s), 0));
    }
    assert_int_equal(zip_close(za), 0);
    assert_int_equal(zip_source_stat(src, &st), 0);
    assert_int_equal(zip_source_open(src), 0);
    out = malloc(st.size);
    assert_int_equal(zip_source_read(src, out, st.size), (zip_int64_t)st.size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *len = (size_t)st.size;
    return out;
}

static void round_trip(void **state)
{
    struct transfer_list in, out;
    struct ep_error err;
    char *zip = NULL;
    size_t len = 0;
    unsigned char *photo = malloc(70000);
    (void)state;

    for (size_t i = 0; i < 70000; i++)
        photo[i] = (unsigned char)(i * 7919 % 251);
    memset(&in, 0, sizeof(in));
    memset(&out, 0, sizeof(out));
    assert_int_equal(transfer_list_add(&in, "manifest.json", copy("{\"format\":1}"), 12), EP_OK);
    assert_int_equal(transfer_list_add(&in, "rows/member.jsonl", copy(""), 0), EP_OK);
    assert_int_equal(transfer_list_add(&in, "attachments/ph-1", photo, 70000), EP_OK);
    assert_int_equal(bundle_pack(&in, &zip, &len), EP_OK);
    assert_int_equal(bundle_unpack(zip, len, 1u << 20, &out, &err), EP_OK);
    assert_int_equal(out.n, 3);
    for (size_t i = 0; i < in.n; i++) {
        const struct transfer_entry *e = transfer_list_find(&out, in.items[i].name);
        assert_non_null(e);
        assert_int_equal(e->len, in.items[i].len);
        assert_memory_equal(e->data, in.items[i].data, e->len);
    }
    /* The cap counts inflated bytes, whatever the zip's size. */
    transfer_list_release(&out);
    assert_int_equal(bundle_unpack(zip, len, 70000, &out, &err), EP_ETOOBIG);
    assert_non_null(strstr(err.message, "limit"));
    transfer_list_release(&out);
    assert_int_equal(bundle_unpack(zip, len / 2, 1u << 20, &out, &err), EP_EINVAL);
    transfer_list_release(&out);
    free(zip);
    transfer_list_release(&in);
}

static void hostile_names(void **state)
{
    static const char *const bad[] = {"../secret.key", "/etc/passwd", "rows/../../x", "a\\b"};
    struct transfer_list out;
    struct ep_error err;
    char *zip;
    size_t len;
    (void)state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&out, 0, sizeof(out));
        zip = raw_zip(&bad[i], 1, &len);
        assert_int_equal(bundle_unpack(zip, len, 1u << 20, &out, &err), EP_EINVAL);
        assert_non_null(strstr(err.message, "may not hold"));
        assert_int_equal(out.n, 0);
        transfer_list_release(&out);
        free(zip);
    }
    memset(&out, 0, sizeof(out));
    assert_int_equal(bundle_unpack("PK\003\004 not a zip", 17, 1u << 20, &out, &err), EP_EINVAL);
    assert_non_null(strstr(err.message, "zip"));
    transfer_list_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(hostile_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
