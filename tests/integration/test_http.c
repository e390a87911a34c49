/*
 * test_http.c - the real server on 127.0.0.1 (ephemeral port, temp database)
 * spoken to over HTTP with libcurl: health, static files, headers, and the
 * JSON error paths shared by every endpoint.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static struct support_server srv;
static char pwa[256];

static void write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static int setup(void **state)
{
    char sub[300];
    (void)state;
    /* A PWA folder of our own, so the test controls exactly what is served. */
    support_tmpdir(pwa);
    write_file(pwa, "index.html", "<!doctype html><title>t</title>", 0644);
    write_file(pwa, "app.js", "export const x = 1;\n", 0644);
    write_file(pwa, "manifest.webmanifest", "{\"name\":\"t\"}", 0644);
    write_file(pwa, "sw.js", "self.addEventListener('fetch', () => {});\n", 0644);
    write_file(pwa, "hack.cgi", "#!/bin/sh\necho Content-Type: text/plain\necho\necho EXECUTED\n",
               0755);
    write_file(pwa, ".secret", "do not serve", 0644);
    snprintf(sub, sizeof(sub), "%s/icons", pwa);
    mkdir(sub, 0755);
    write_file(sub, "a.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>", 0644);
    support_server_start(&srv, pwa);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    support_server_stop(&srv);
    support_rmtree(pwa);
    return 0;
}

static void url(char *buf, size_t len, const char *path)
{
    snprintf(buf, len, "%s%s", srv.base, path);
}

/* Case-insensitive search: header names are case-insensitive (RFC 9110). */
static int has_header(const struct support_resp *r, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = r->headers; *p != '\0'; p++) {
        if (strncasecmp(p, line, n) == 0)
            return 1;
    }
    return 0;
}

static void health(void **state)
{
    char u[128];
    struct support_resp r;
    json_t *j;
    const char *status, *db;
    int schema = 0, expected = -1;
    (void)state;

    url(u, sizeof(u), "/api/v1/health");
    support_http("GET", u, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_true(has_header(&r, "Content-Type: application/json"));
    assert_true(has_header(&r, "Cache-Control: no-store"));
    assert_true(has_header(&r, "X-Content-Type-Options: nosniff"));
    j = support_resp_json(&r);
    assert_int_equal(json_unpack(j, "{s:s, s:i, s:i, s:s}", "status", &status, "schema_version",
                                 &schema, "schema_expected", &expected, "database", &db),
                     0);
    assert_string_equal(status, "ok");
    assert_string_equal(db, "ok");
    assert_int_equal(schema, expected);
    assert_string_equal(json_string_value(json_object_get(j, "database_id")), srv.app.database_id);
    json_decref(j);
    support_resp_free(&r);

    support_http("HEAD", u, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    support_resp_free(&r);
}

static void static_files_and_headers(void **state)
{
    static const struct {
        const char *path;
        const char *type;
    } cases[] = {
        {"/", "text/html"},
        {"/index.html", "text/html"},
        {"/app.js", "text/javascript"},
        {"/manifest.webmanifest", "application/manifest+json"},
        {"/icons/a.svg", "image/svg+xml"},
    };
    char u[128], line[128];
    struct support_resp r;
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        url(u, sizeof(u), cases[i].path);
        support_http("GET", u, NULL, NULL, 0, &r);
        assert_int_equal(r.status, 200);
        snprintf(line, sizeof(line), "Content-Type: %s", cases[i].type);
        if (!has_header(&r, line))
            fail_msg("%s: want %s in\n%s", cases[i].path, line, r.headers);
        assert_true(has_header(&r, "X-Content-Type-Options: nosniff"));
        assert_true(has_header(&r, "Referrer-Policy: no-referrer"));
        assert_true(has_header(&r, "frame-ancestors 'none'"));
        assert_false(has_header(&r, "unsafe-inline"));
        assert_true(has_header(&r, "Cache-Control: no-cache"));
        support_resp_free(&r);
    }
}

static void service_worker_never_cached(void **state)
{
    char u[128];
    struct support_resp r;
    (void)state;

    url(u, sizeof(u), "/sw.js");
    support_http("GET", u, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_true(has_header(&r, "Cache-Control: no-store"));
    assert_true(has_header(&r, "Content-Type: text/javascript"));
    assert_non_null(strstr(r.body, "addEventListener"));
    support_resp_free(&r);
}

static void nothing_executed_listed_or_hidden_served(void **state)
{
    char u[128];
    struct support_resp r;
    (void)state;

    url(u, sizeof(u), "/hack.cgi");
    support_http("GET", u, NULL, NULL, 0, &r);
    assert_null(strstr(r.body, "EXECUTED\n") == r.body ? r.body : NULL);
    assert_non_null(strstr(r.body, "#!/bin/sh")); /* served as a file, not run */
    support_resp_free(&r);

    url(u, sizeof(u), "/icons/");
    support_http("GET", u, NULL, NULL, 0, &r);
    assert_int_not_equal(r.status, 200);
    assert_null(strstr(r.body, "a.svg"));
    support_resp_free(&r);

    url(u, sizeof(u), "/.secret");
    support_http("GET", u, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 404);
    support_resp_free(&r);

    /* Path traversal: CivetWeb normalizes, libcurl would too, so send raw. */
    url(u, sizeof(u), "/icons/%2e%2e/%2e%2e/%2e%2e/etc/passwd");
    support_http("GET", u, NULL, NULL, 0, &r);
    assert_int_not_equal(r.status, 200);
    assert_null(strstr(r.body, "root:"));
    support_resp_free(&r);
}

static void api_errors_are_json(void **state)
{
    char u[128];
    struct support_resp r;
    (void)state;

    url(u, sizeof(u), "/api/v1/nope");
    support_http("GET", u, NULL, NULL, 0, &r);
    support_assert_error(&r, 404, "not_found");
    support_resp_free(&r);

    url(u, sizeof(u), "/api");
    support_http("GET", u, NULL, NULL, 0, &r);
    support_assert_error(&r, 404, "not_found");
    support_resp_free(&r);

    url(u, sizeof(u), "/api/v1/health");
    support_http("DELETE", u, NULL, NULL, 0, &r);
    support_assert_error(&r, 405, "method_not_allowed");
    assert_true(has_header(&r, "Allow: GET"));
    support_resp_free(&r);

    support_http("POST", u, NULL, "{}", -1, &r);
    support_assert_error(&r, 405, "method_not_allowed");
    support_resp_free(&r);

    /* A missing required key, and an unknown one, are named in "field". */
    {
        const char *const json_hdr[] = {"Content-Type: application/json", NULL};
        url(u, sizeof(u), "/api/v1/auth/login");
        support_http("POST", u, json_hdr, "{\"password\":\"une phrase longue\"}", -1, &r);
        assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "email");
        support_resp_free(&r);
        support_http("POST", u, json_hdr,
                     "{\"email\":\"a@b.fr\",\"password\":\"une phrase longue\",\"zz\":1}", -1, &r);
        assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "zz");
        support_resp_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(health),
        cmocka_unit_test(static_files_and_headers),
        cmocka_unit_test(service_worker_never_cached),
        cmocka_unit_test(nothing_executed_listed_or_hidden_served),
        cmocka_unit_test(api_errors_are_json),
    };
    int rc;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
