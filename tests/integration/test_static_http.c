/*
 * test_static_http.c - the PWA's files served pre-compressed (core/assets.c)
 * by the real server on loopback, read with libcurl without decoding, so
 * the bytes on the wire are what is checked: the encoding chosen from
 * Accept-Encoding, Vary, one ETag per representation and 304, the bodies
 * decoded back to the file, files changed after the start never served
 * stale, and nothing outside the directory reachable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "err.h"
#include "gz.h"
#include "support.h"

#include <brotli/decode.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static struct support_server srv;
static char pwa[256], outside[256];
static char big[8192]; /* js/big.js, compressible text */

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    char sub[300], index[2048], link[600], target[600];
    (void)state;
    support_tmpdir(pwa);
    support_tmpdir(outside);
    /* Text that compresses well but not trivially, like the shell's modules. */
    for (size_t n = 0, i = 0; n + 64 < sizeof(big); i++)
        n += (size_t)snprintf(big + n, sizeof(big) - n, "export const v%zu = 'valeur %zu';\n", i,
                              i * 7);
    for (size_t n = (size_t)snprintf(index, sizeof(index), "<!doctype html><title>t</title>");
         n + 40 < sizeof(index);)
        n += (size_t)snprintf(index + n, sizeof(index) - n, "<p>Ma journée, Mes saisies</p>\n");
    write_file(pwa, "index.html", index);
    write_file(pwa, "sw.js", "self.addEventListener('fetch', () => {});\n");
    write_file(pwa, "small.js", "export const x = 1;\n");
    write_file(pwa, ".hidden.js", big);
    snprintf(sub, sizeof(sub), "%s/js", pwa);
    mkdir(sub, 0755);
    write_file(sub, "big.js", big);
    write_file(sub, "change.js", big);
    /* A link out of the directory: never taken into the table. */
    write_file(outside, "secret.js", big);
    snprintf(target, sizeof(target), "%s/secret.js", outside);
    snprintf(link, sizeof(link), "%s/link.js", sub);
    assert_int_equal(symlink(target, link), 0);
    support_server_start(&srv, pwa);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    support_server_stop(&srv);
    support_rmtree(pwa);
    support_rmtree(outside);
    return 0;
}

/* The value of header name (case-insensitive) into buf, "" when absent. */
static const char *header(const struct support_resp *r, const char *name, char *buf, size_t len)
{
    size_t n = strlen(name);
    buf[0] = '\0';
    for (const char *p = r->headers; *p != '\0'; p++) {
        if ((p == r->headers || p[-1] == '\n') && strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1, *end;
            while (*v == ' ')
                v++;
            end = strpbrk(v, "\r\n");
            n = end != NULL ? (size_t)(end - v) : strlen(v);
            if (n >= len)
                n = len - 1;
            memcpy(buf, v, n);
            buf[n] = '\0';
            return buf;
        }
    }
    return buf;
}

static void get(const char *path, const char *h1, const char *h2, struct support_resp *r)
{
    char u[256];
    const char *hdrs[3] = {h1, h1 != NULL ? h2 : NULL, NULL};
    snprintf(u, sizeof(u), "%s%s", srv.base, path);
    support_http("GET", u, hdrs, NULL, 0, r);
}

static void gzip_brotli_or_plain_by_accept_encoding(void **state)
{
    struct support_resp r;
    char v[256], etag_gz[64], etag_br[64], etag_plain[64];
    char *out = NULL;
    size_t outlen = 0;
    (void)state;

    get("/js/big.js", "Accept-Encoding: gzip", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "gzip");
    assert_string_equal(header(&r, "Vary", v, sizeof(v)), "Accept-Encoding");
    assert_non_null(strstr(header(&r, "Content-Type", v, sizeof(v)), "text/javascript"));
    assert_string_equal(header(&r, "Cache-Control", v, sizeof(v)), "no-cache");
    assert_non_null(strstr(header(&r, "Content-Security-Policy", v, sizeof(v)), "default-src"));
    assert_true(r.len < strlen(big) / 3);
    assert_int_equal(gz_inflate(r.body, r.len, 1 << 20, &out, &outlen), EP_OK);
    assert_int_equal(outlen, strlen(big));
    assert_memory_equal(out, big, outlen);
    free(out);
    header(&r, "ETag", etag_gz, sizeof(etag_gz));
    support_resp_free(&r);

    /* Chromium's header: brotli wins, decoded back to the same bytes. */
    get("/js/big.js", "Accept-Encoding: gzip, deflate, br", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "br");
    assert_string_equal(header(&r, "Vary", v, sizeof(v)), "Accept-Encoding");
    {
        uint8_t dec[sizeof(big)];
        size_t declen = sizeof(dec);
        assert_int_equal(BrotliDecoderDecompress(r.len, (const uint8_t *)r.body, &declen, dec),
                         BROTLI_DECODER_RESULT_SUCCESS);
        assert_int_equal(declen, strlen(big));
        assert_memory_equal(dec, big, declen);
    }
    header(&r, "ETag", etag_br, sizeof(etag_br));
    support_resp_free(&r);

    /* No Accept-Encoding, or gzip refused with q=0: the file as it is. */
    get("/js/big.js", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "");
    assert_string_equal(header(&r, "Vary", v, sizeof(v)), "Accept-Encoding");
    assert_int_equal(r.len, strlen(big));
    assert_memory_equal(r.body, big, r.len);
    header(&r, "ETag", etag_plain, sizeof(etag_plain));
    support_resp_free(&r);
    get("/js/big.js", "Accept-Encoding: gzip;q=0, br;q=0.0", NULL, &r);
    assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "");
    assert_int_equal(r.len, strlen(big));
    support_resp_free(&r);

    /* Three representations, three ETags. */
    assert_true(etag_plain[0] == '"' && etag_gz[0] == '"' && etag_br[0] == '"');
    assert_string_not_equal(etag_plain, etag_gz);
    assert_string_not_equal(etag_plain, etag_br);
    assert_string_not_equal(etag_gz, etag_br);

    /* "/" is index.html, compressed too. */
    get("/", "Accept-Encoding: gzip", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "gzip");
    assert_non_null(strstr(header(&r, "Content-Type", v, sizeof(v)), "text/html"));
    support_resp_free(&r);
}

static void etags_revalidate_per_encoding(void **state)
{
    struct support_resp r;
    char v[256], etag_gz[64], inm[128];
    (void)state;

    get("/js/big.js", "Accept-Encoding: gzip", NULL, &r);
    header(&r, "ETag", etag_gz, sizeof(etag_gz));
    support_resp_free(&r);

    snprintf(inm, sizeof(inm), "If-None-Match: \"nope\", %s", etag_gz);
    get("/js/big.js", "Accept-Encoding: gzip", inm, &r);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.len, 0);
    assert_string_equal(header(&r, "ETag", v, sizeof(v)), etag_gz);
    assert_string_equal(header(&r, "Vary", v, sizeof(v)), "Accept-Encoding");
    support_resp_free(&r);

    /* A weak validator matches too (GET uses the weak comparison). */
    snprintf(inm, sizeof(inm), "If-None-Match: W/%s", etag_gz);
    get("/js/big.js", "Accept-Encoding: gzip", inm, &r);
    assert_int_equal(r.status, 304);
    support_resp_free(&r);

    /* The gzip copy's tag does not validate the plain one, nor brotli. */
    snprintf(inm, sizeof(inm), "If-None-Match: %s", etag_gz);
    get("/js/big.js", inm, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, strlen(big));
    support_resp_free(&r);
    get("/js/big.js", "Accept-Encoding: br", inm, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "br");
    support_resp_free(&r);

    /* HEAD: the gzip copy's length, no body. */
    {
        char u[256];
        const char *hdrs[] = {"Accept-Encoding: gzip", NULL};
        snprintf(u, sizeof(u), "%s/js/big.js", srv.base);
        support_http("HEAD", u, hdrs, NULL, 0, &r);
        assert_int_equal(r.status, 200);
        assert_int_equal(r.len, 0);
        assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "gzip");
        assert_true(strtol(header(&r, "Content-Length", v, sizeof(v)), NULL, 10) <
                    (long)strlen(big) / 3);
        support_resp_free(&r);
    }
}

static void left_to_civetweb(void **state)
{
    struct support_resp r;
    char v[256], path[600];
    (void)state;

    /* Below GZ_MIN_BYTES: sent as it is. */
    get("/small.js", "Accept-Encoding: gzip, br", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "");
    assert_string_equal(r.body, "export const x = 1;\n");
    support_resp_free(&r);

    /* The service worker keeps its own handler: never cached, never encoded. */
    get("/sw.js", "Accept-Encoding: gzip, br", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Cache-Control", v, sizeof(v)), "no-store");
    assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "");
    support_resp_free(&r);

    /* A range is CivetWeb's: never a slice of compressed bytes. */
    get("/js/big.js", "Accept-Encoding: gzip", "Range: bytes=0-9", &r);
    assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "");
    assert_memory_equal(r.body, big, 10);
    support_resp_free(&r);

    /* Dot files stay hidden; the symbolic link is not in the table. */
    get("/.hidden.js", "Accept-Encoding: gzip", NULL, &r);
    assert_int_equal(r.status, 404);
    support_resp_free(&r);
    get("/js/link.js", "Accept-Encoding: gzip", NULL, &r);
    assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "");
    support_resp_free(&r);

    /* Traversal, raw and encoded: never a file outside. */
    get("/js/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "Accept-Encoding: gzip", NULL, &r);
    assert_int_not_equal(r.status, 200);
    assert_null(strstr(r.body, "root:"));
    support_resp_free(&r);
    snprintf(path, sizeof(path), "/js/..%%2f..%%2f..%%2f%s/secret.js", outside + 1);
    get(path, "Accept-Encoding: gzip", NULL, &r);
    assert_int_not_equal(r.status, 200);
    support_resp_free(&r);

    /* POST to a file: not ours to answer. */
    {
        char u[256];
        snprintf(u, sizeof(u), "%s/js/big.js", srv.base);
        support_http("POST", u, NULL, "x", 1, &r);
        assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "");
        support_resp_free(&r);
    }
}

static void changed_file_never_stale(void **state)
{
    struct support_resp r;
    char v[256], sub[300];
    (void)state;

    get("/js/change.js", "Accept-Encoding: gzip", NULL, &r);
    assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "gzip");
    support_resp_free(&r);

    /* A deployment rewrites the file in place: the new bytes, at once. */
    snprintf(sub, sizeof(sub), "%s/js", pwa);
    write_file(sub, "change.js", "export const fresh = 'nouvelle version';\n");
    get("/js/change.js", "Accept-Encoding: gzip", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Content-Encoding", v, sizeof(v)), "");
    assert_string_equal(r.body, "export const fresh = 'nouvelle version';\n");
    support_resp_free(&r);

    /* Removed: 404, not the copy in memory. */
    snprintf(sub, sizeof(sub), "%s/js/change.js", pwa);
    assert_int_equal(unlink(sub), 0);
    get("/js/change.js", "Accept-Encoding: gzip", NULL, &r);
    assert_int_equal(r.status, 404);
    support_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gzip_brotli_or_plain_by_accept_encoding),
        cmocka_unit_test(etags_revalidate_per_encoding),
        cmocka_unit_test(left_to_civetweb),
        cmocka_unit_test(changed_file_never_stale),
    };
    int rc;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
