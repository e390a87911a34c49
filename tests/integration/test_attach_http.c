#define _GNU_SOURCE /* asprintf() */
/*
 * test_attach_http.c - photo attachments over real HTTP on loopback: a phone
 * pushes the "attachments" fact, then uploads a real JPEG carrying GPS Exif
 * in signed chunks, is cut off, asks where it stands, resumes and completes;
 * the office downloads it without its position. Every refusal (wrong offset,
 * damaged bytes, a PDF or HTML page dressed as a JPEG, over the cap, another
 * production, no signature, no fact) answers the one JSON error shape and
 * loses nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth.h"
#include "clock.h"
#include "db.h"
#include "err.h"
#include "imgmeta.h"
#include "photos.h"
#include "production.h"
#include "seed.h"
#include "support.h"
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct support_server srv;
static struct support_office office, office2;
static struct support_phone van, cook, other;
static unsigned char *jpg, *jpg_gps;
static size_t jpg_len, jpg_gps_len;

static int setup(void **state)
{
    struct ep_error err = {0};
    struct db *db = NULL;
    json_error_t jerr;
    json_t *people;
    (void)state;

    support_server_start(&srv, NULL);
    support_seed_people(
        srv.app.db_path,
        "[{\"id\":\"m-eco\",\"name\":\"Aline\",\"department\":\"production\",\"role\":"
        "\"eco_referent\",\"email\":\"aline@test.fr\"},"
        "{\"id\":\"m-van\",\"name\":\"Bruno\",\"department\":\"regie\",\"role\":\"crew\","
        "\"device\":\"dev-van\"},"
        "{\"id\":\"m-cook\",\"name\":\"Chloé\",\"department\":\"catering\",\"role\":\"crew\","
        "\"device\":\"dev-cook\"}]");
    /* A second production of the same company, with its own office and phone. */
    assert_int_equal(db_open(srv.app.db_path, &db, &err), EP_OK);
    assert_int_equal(db_begin_write(db), EP_OK);
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "INSERT INTO production (id, company_id, title, kind, "
                                  "created_at) VALUES ('p2','co','Autre','fiction',0)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    people = json_loads("[{\"id\":\"m-p2\",\"name\":\"Denis\",\"department\":\"production\","
                        "\"role\":\"eco_referent\",\"email\":\"denis@test.fr\","
                        "\"device\":\"dev-p2\"}]",
                        0, &jerr);
    assert_non_null(people);
    assert_int_equal(seed_people(db, "p2", people, clock_now_ms(), &err), EP_OK);
    json_decref(people);
    assert_int_equal(db_commit(db), EP_OK);
    db_close(db);
    support_phone_init(&van, "dev-van");
    support_phone_init(&cook, "dev-cook");
    support_phone_init(&other, "dev-p2");
    support_office_login(&office, srv.base, "aline@test.fr");
    support_office_login(&office2, srv.base, "denis@test.fr");
    jpg = photos_fixture("photo.jpg", &jpg_len);
    jpg_gps = photos_jpeg_with_gps(jpg, jpg_len, &jpg_gps_len);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(jpg);
    free(jpg_gps);
    support_server_stop(&srv);
    return 0;
}

/* Pushes ops (JSON text of the array's items) from ph; returns the results array. */
static json_t *push_ops(struct support_phone *ph, const char *ops)
{
    char *body = NULL;
    struct support_resp r;
    json_t *j, *res;

    assert_true(asprintf(&body, "{\"schema\":1,\"device\":\"%s\",\"ops\":[%s]}", ph->id, ops) > 0);
    support_phone_request(ph, srv.base, "POST", "/api/v1/sync/push", NULL, body, -1, &r);
    free(body);
    if (r.status != 200)
        fail_msg("push: %ld %s", r.status, r.body);
    j = support_resp_json(&r);
    res = json_incref(json_object_get(j, "results"));
    json_decref(j);
    support_resp_free(&r);
    return res;
}

/* One add op of ph as text (caller frees). */
static char *add_op(struct support_phone *ph, const char *col, const char *id, const char *fields)
{
    char hlc[SYNC_HLC_LEN + 1], *op = NULL;

    ph->hlc = sync_hlc_tick(ph->hlc, clock_now_ms());
    sync_hlc_format(ph->hlc, hlc);
    assert_true(asprintf(&op,
                         "{\"op\":\"op-%s\",\"col\":\"%s\",\"id\":\"%s\",\"kind\":\"add\","
                         "\"hlc\":\"%s\",\"dev\":\"%s\",\"fields\":%s}",
                         id, col, id, hlc, ph->id, fields) > 0);
    return op;
}

/* Pushes the attachments fact id describing data; returns the ack's status. */
static void push_fact(struct support_phone *ph, const char *id, const char *member,
                      const unsigned char *data, size_t len, const char *type, const char *extra,
                      const char *want_status, const char *want_code)
{
    char sha[65], *fields = NULL, *op;
    json_t *res, *ack;

    photos_sha256_hex(data, len, sha);
    assert_true(asprintf(&fields,
                         "{\"target_col\":\"readings\",\"target_id\":\"r-1\",\"content_type\":"
                         "\"%s\",\"size\":%zu,\"sha256\":\"%s\",\"member\":\"%s\","
                         "\"caption\":\"Le camion au départ\"%s}",
                         type, len, sha, member, extra != NULL ? extra : "") > 0);
    op = add_op(ph, "attachments", id, fields);
    res = push_ops(ph, op);
    ack = json_array_get(res, 0);
    assert_string_equal(json_string_value(json_object_get(ack, "status")), want_status);
    if (want_code != NULL)
        assert_string_equal(json_string_value(json_object_get(ack, "code")), want_code);
    json_decref(res);
    free(op);
    free(fields);
}

/* PUTs data[start..end] of a total-byte upload of id, signed by ph. */
static void put_chunk(struct support_phone *ph, const char *id, const unsigned char *data,
                      size_t start, size_t end, size_t total, struct support_resp *r)
{
    char path[160], range[96];
    const char *headers[] = {range, NULL};

    snprintf(path, sizeof(path), "/api/v1/sync/attachments/%s", id);
    snprintf(range, sizeof(range), "Content-Range: bytes %zu-%zu/%zu", start, end, total);
    assert_int_equal(support_phone_send(ph, srv.base, "PUT", path, NULL, data + start,
                                        end - start + 1, headers, r),
                     0);
}

/* Expects a 200 chunk answer with received and complete. */
static void expect_progress(struct support_resp *r, size_t received, int complete)
{
    json_t *j;

    if (r->status != 200)
        fail_msg("chunk: %ld %s", r->status, r->body);
    j = support_resp_json(r);
    assert_int_equal(json_integer_value(json_object_get(j, "received")), received);
    assert_int_equal(json_is_true(json_object_get(j, "complete")), complete);
    json_decref(j);
    support_resp_free(r);
}

static json_t *status_of(struct support_phone *ph, const char *id)
{
    char path[160];
    struct support_resp r;
    json_t *j;

    snprintf(path, sizeof(path), "/api/v1/sync/attachments/%s/status", id);
    support_phone_request(ph, srv.base, "GET", path, NULL, NULL, -1, &r);
    if (r.status != 200)
        fail_msg("status: %ld %s", r.status, r.body);
    j = support_resp_json(&r);
    support_resp_free(&r);
    return j;
}

static void office_get(const struct support_office *o, const char *prod, const char *path,
                       struct support_resp *r)
{
    char url[512], hp[64];
    const char *headers[] = {o->cookie, o->csrf, hp, NULL};

    snprintf(hp, sizeof(hp), "X-EP-Production: %s", prod);
    snprintf(url, sizeof(url), "%s%s", o->base, path);
    support_http("GET", url, headers, NULL, -1, r);
}

static void phone_uploads_resumably_and_loses_gps(void **state)
{
    struct support_resp r;
    json_t *j;
    int w = 0, h = 0;
    unsigned char *got;
    (void)state;

    push_fact(&van, "ph-1", "m-van", jpg_gps, jpg_gps_len, "image/jpeg", NULL, "applied", NULL);
    /* First chunk, then the link drops. */
    put_chunk(&van, "ph-1", jpg_gps, 0, 399, jpg_gps_len, &r);
    expect_progress(&r, 400, 0);
    /* Back online: where does it stand? */
    j = status_of(&van, "ph-1");
    assert_int_equal(json_integer_value(json_object_get(j, "received")), 400);
    assert_int_equal(json_integer_value(json_object_get(j, "size")), jpg_gps_len);
    assert_false(json_is_true(json_object_get(j, "complete")));
    assert_true(json_is_null(json_object_get(j, "refused")));
    json_decref(j);
    /* The first chunk again (its 200 was lost): idempotent. */
    put_chunk(&van, "ph-1", jpg_gps, 0, 399, jpg_gps_len, &r);
    expect_progress(&r, 400, 0);
    /* A chunk from the wrong place: 409 with where to resume. */
    put_chunk(&van, "ph-1", jpg_gps, 600, 799, jpg_gps_len, &r);
    support_assert_error(&r, 409, "offset_mismatch");
    j = support_resp_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "received")), 400);
    json_decref(j);
    support_resp_free(&r);
    /* Overlapping what is stored but going past it: also not where it stands. */
    put_chunk(&van, "ph-1", jpg_gps, 200, 599, jpg_gps_len, &r);
    support_assert_error(&r, 409, "offset_mismatch");
    support_resp_free(&r);
    put_chunk(&van, "ph-1", jpg_gps, 400, 799, jpg_gps_len, &r);
    expect_progress(&r, 800, 0);
    put_chunk(&van, "ph-1", jpg_gps, 800, jpg_gps_len - 1, jpg_gps_len, &r);
    expect_progress(&r, jpg_gps_len, 1);
    /* Resending the last chunk after completion changes nothing. */
    put_chunk(&van, "ph-1", jpg_gps, 800, jpg_gps_len - 1, jpg_gps_len, &r);
    expect_progress(&r, jpg_gps_len, 1);

    /* The office downloads it: a JPEG, the fixture exactly, no Exif left. */
    office_get(&office, "p1", "/api/v1/productions/p1/attachments/ph-1", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "Content-Type: image/jpeg"));
    assert_non_null(strstr(r.headers, "X-Content-Type-Options: nosniff"));
    assert_non_null(strstr(r.headers, "Cache-Control: private, max-age=31536000, immutable"));
    got = (unsigned char *)r.body;
    assert_string_equal(imgmeta_sniff(got, r.len), IMGMETA_JPEG);
    assert_int_equal(imgmeta_has_metadata(got, r.len), 0);
    assert_false(photos_contains(got, r.len, "Exif", 4));
    assert_int_equal(imgmeta_dimensions(got, r.len, &w, &h), EP_OK);
    assert_int_equal(w, 24);
    assert_int_equal(h, 16);
    assert_int_equal(r.len, jpg_len);
    assert_memory_equal(got, jpg, jpg_len);
    support_resp_free(&r);
    /* So does the phone, and the list says complete. */
    support_phone_request(&van, srv.base, "GET", "/api/v1/productions/p1/attachments/ph-1", NULL,
                          NULL, -1, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, jpg_len);
    support_resp_free(&r);
    office_get(&office, "p1",
               "/api/v1/productions/p1/attachments?target_col=readings&target_id=r-1", &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    {
        json_t *it = json_array_get(json_object_get(j, "attachments"), 0);
        assert_non_null(it);
        assert_string_equal(json_string_value(json_object_get(it, "id")), "ph-1");
        assert_string_equal(json_string_value(json_object_get(it, "status")), "complete");
        assert_string_equal(json_string_value(json_object_get(it, "caption")),
                            "Le camion au départ");
        assert_string_equal(json_string_value(json_object_get(it, "url")),
                            "/api/v1/productions/p1/attachments/ph-1");
    }
    json_decref(j);
    support_resp_free(&r);
}

static void keep_location_keeps_it(void **state)
{
    struct support_resp r;
    (void)state;

    push_fact(&van, "ph-keep", "m-van", jpg_gps, jpg_gps_len, "image/jpeg",
              ",\"keep_location\":true,\"lat\":47.09,\"lon\":6.03", "applied", NULL);
    put_chunk(&van, "ph-keep", jpg_gps, 0, jpg_gps_len - 1, jpg_gps_len, &r);
    expect_progress(&r, jpg_gps_len, 1);
    office_get(&office, "p1", "/api/v1/productions/p1/attachments/ph-keep", &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, jpg_gps_len);
    assert_memory_equal(r.body, jpg_gps, jpg_gps_len);
    assert_int_equal(imgmeta_has_metadata((unsigned char *)r.body, r.len), 1);
    support_resp_free(&r);
    /* A position without keep_location never enters the shared record. */
    push_fact(&van, "ph-leak", "m-van", jpg_gps, jpg_gps_len, "image/jpeg",
              ",\"lat\":47.09,\"lon\":6.03", "rejected", "invalid_field");
}

static void damaged_bytes_restart_from_zero(void **state)
{
    struct support_resp r;
    unsigned char *bad = malloc(jpg_len);
    json_t *j;
    (void)state;

    memcpy(bad, jpg, jpg_len);
    bad[jpg_len / 2] ^= 0x55; /* one byte flipped on the way */
    push_fact(&van, "ph-sum", "m-van", jpg, jpg_len, "image/jpeg", NULL, "applied", NULL);
    put_chunk(&van, "ph-sum", bad, 0, 299, jpg_len, &r);
    expect_progress(&r, 300, 0);
    put_chunk(&van, "ph-sum", bad, 300, jpg_len - 1, jpg_len, &r);
    support_assert_error(&r, 422, "checksum_mismatch");
    support_resp_free(&r);
    j = status_of(&van, "ph-sum");
    assert_int_equal(json_integer_value(json_object_get(j, "received")), 0);
    assert_true(json_is_null(json_object_get(j, "refused")));
    json_decref(j);
    /* The good bytes, from 0, complete it. */
    put_chunk(&van, "ph-sum", jpg, 0, jpg_len - 1, jpg_len, &r);
    expect_progress(&r, jpg_len, 1);
    free(bad);
}

static void disguised_files_are_refused_and_recorded(void **state)
{
    static const char pdf[] = "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n";
    static const char html[] = "<!doctype html><script>alert(document.cookie)</script>";
    struct support_resp r;
    size_t png_len;
    unsigned char *png = photos_fixture("photo.png", &png_len);
    json_t *j, *it;
    (void)state;

    push_fact(&van, "ph-pdf", "m-van", (const unsigned char *)pdf, sizeof(pdf) - 1, "image/jpeg",
              NULL, "applied", NULL);
    put_chunk(&van, "ph-pdf", (const unsigned char *)pdf, 0, sizeof(pdf) - 2, sizeof(pdf) - 1, &r);
    support_assert_error(&r, 415, "unsupported_media_type");
    support_resp_free(&r);
    /* Refused for good: a resend gets the same answer, the status says why. */
    put_chunk(&van, "ph-pdf", (const unsigned char *)pdf, 0, sizeof(pdf) - 2, sizeof(pdf) - 1, &r);
    support_assert_error(&r, 415, "unsupported_media_type");
    support_resp_free(&r);
    j = status_of(&van, "ph-pdf");
    assert_string_equal(json_string_value(json_object_get(j, "refused")), "unsupported_media_type");
    assert_false(json_is_true(json_object_get(j, "complete")));
    json_decref(j);

    push_fact(&van, "ph-html", "m-van", (const unsigned char *)html, sizeof(html) - 1, "image/jpeg",
              NULL, "applied", NULL);
    put_chunk(&van, "ph-html", (const unsigned char *)html, 0, sizeof(html) - 2, sizeof(html) - 1,
              &r);
    support_assert_error(&r, 415, "unsupported_media_type");
    support_resp_free(&r);
    /* A real PNG declared as a JPEG. */
    push_fact(&van, "ph-png", "m-van", png, png_len, "image/jpeg", NULL, "applied", NULL);
    put_chunk(&van, "ph-png", png, 0, png_len - 1, png_len, &r);
    support_assert_error(&r, 415, "unsupported_media_type");
    support_resp_free(&r);
    free(png);
    /* Never served; the office sees the refusal and its reason. */
    office_get(&office, "p1", "/api/v1/productions/p1/attachments/ph-html", &r);
    support_assert_error(&r, 404, "attachment_incomplete");
    support_resp_free(&r);
    office_get(&office, "p1", "/api/v1/productions/p1/attachments", &r);
    j = support_resp_json(&r);
    {
        size_t i, refused = 0;
        json_array_foreach(json_object_get(j, "attachments"), i, it)
        {
            if (strcmp(json_string_value(json_object_get(it, "status")), "refused") != 0)
                continue;
            refused++;
            assert_string_equal(json_string_value(json_object_get(it, "refused")),
                                "unsupported_media_type");
            assert_non_null(json_string_value(json_object_get(it, "reason")));
        }
        assert_int_equal(refused, 3);
    }
    json_decref(j);
    support_resp_free(&r);
}

static void oversized_uploads_are_refused_and_the_push_goes_on(void **state)
{
    struct support_resp r;
    char *ops = NULL, *a, *b;
    json_t *res, *j;
    (void)state;

    /* TOTAL above the cap: 413 naming the limit. */
    push_fact(&van, "ph-big", "m-van", jpg, jpg_len, "image/jpeg", NULL, "applied", NULL);
    put_chunk(&van, "ph-big", jpg, 0, 99, 11u * 1024 * 1024, &r);
    assert_non_null(strstr(support_assert_error(&r, 413, "attachment_too_large"), "Content-Range"));
    assert_non_null(strstr(r.body, "10485760"));
    support_resp_free(&r);
    /* A fact declaring 20 MiB is refused alone; the reading beside it applies. */
    a = add_op(&van, "attachments", "ph-huge",
               "{\"target_col\":\"readings\",\"target_id\":\"r-2\",\"content_type\":"
               "\"image/jpeg\",\"size\":20971520,\"sha256\":"
               "\"0000000000000000000000000000000000000000000000000000000000000000\","
               "\"member\":\"m-van\"}");
    b = add_op(&van, "readings", "r-2",
               "{\"indicator\":\"van_km\",\"value\":80,\"unit\":\"km\",\"dept\":\"regie\","
               "\"at\":\"2026-09-08\"}");
    assert_true(asprintf(&ops, "%s,%s", a, b) > 0);
    res = push_ops(&van, ops);
    assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "status")),
                        "rejected");
    assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "code")),
                        "attachment_too_large");
    assert_non_null(
        strstr(json_string_value(json_object_get(json_array_get(res, 0), "reason")), "10485760"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(res, 1), "status")),
                        "applied");
    json_decref(res);
    free(ops);
    free(a);
    free(b);
    /* A cap lowered after the fact was accepted: the upload is refused and
     * the refusal recorded for the office. */
    push_fact(&van, "ph-later", "m-van", jpg, jpg_len, "image/jpeg", NULL, "applied", NULL);
    srv.cfg.attachment_max = 512;
    put_chunk(&van, "ph-later", jpg, 0, 99, jpg_len, &r);
    srv.cfg.attachment_max = 10LL * 1024 * 1024;
    support_assert_error(&r, 413, "attachment_too_large");
    support_resp_free(&r);
    j = status_of(&van, "ph-later");
    assert_string_equal(json_string_value(json_object_get(j, "refused")), "attachment_too_large");
    json_decref(j);
    put_chunk(&van, "ph-later", jpg, 0, jpg_len - 1, jpg_len, &r);
    support_assert_error(&r, 413, "attachment_too_large");
    support_resp_free(&r);
    /* A chunk over 1 MiB is refused before anything is read into storage. */
    {
        size_t n = 1024 * 1024 + 1;
        unsigned char *big = calloc(1, n);
        put_chunk(&van, "ph-big", big, 0, n - 1, 2 * n, &r);
        support_assert_error(&r, 413, "body_too_large");
        support_resp_free(&r);
        free(big);
    }
}

static void bad_requests_get_clear_errors(void **state)
{
    struct support_resp r;
    char url[256];
    const char *range[] = {"Content-Range: bytes 0-9/100", NULL};
    (void)state;

    /* No fact pushed yet. */
    put_chunk(&van, "ph-nofact", jpg, 0, 99, jpg_len, &r);
    support_assert_error(&r, 404, "attachment_unknown");
    support_resp_free(&r);
    push_fact(&van, "ph-bad", "m-van", jpg, jpg_len, "image/jpeg", NULL, "applied", NULL);
    /* No signature: 401, nothing stored. */
    snprintf(url, sizeof(url), "%s/api/v1/sync/attachments/ph-bad", srv.base);
    support_http("PUT", url, range, (const char *)jpg, 10, &r);
    assert_int_equal(r.status, 401);
    support_resp_free(&r);
    snprintf(url, sizeof(url), "%s/api/v1/productions/p1/attachments/ph-1", srv.base);
    support_http("GET", url, NULL, NULL, -1, &r);
    assert_int_equal(r.status, 401);
    support_resp_free(&r);
    /* Ranges that do not add up. */
    assert_int_equal(support_phone_send(&van, srv.base, "PUT", "/api/v1/sync/attachments/ph-bad",
                                        NULL, jpg, 10, NULL, &r),
                     0);
    support_assert_error(&r, 400, "invalid_range");
    support_resp_free(&r);
    put_chunk(&van, "ph-bad", jpg, 0, 99, jpg_len + 1, &r); /* TOTAL is not the fact's size */
    support_assert_error(&r, 400, "invalid_range");
    support_resp_free(&r);
    {
        const char *lying[] = {"Content-Range: bytes 0-99/910", NULL};
        assert_int_equal(support_phone_send(&van, srv.base, "PUT",
                                            "/api/v1/sync/attachments/ph-bad", NULL, jpg, 50, lying,
                                            &r),
                         0);
        support_assert_error(&r, 400, "invalid_range");
        support_resp_free(&r);
    }
    /* Nothing was stored by any of these. */
    {
        json_t *j = status_of(&van, "ph-bad");
        assert_int_equal(json_integer_value(json_object_get(j, "received")), 0);
        json_decref(j);
    }
    /* Half uploaded: not served yet. */
    put_chunk(&van, "ph-bad", jpg, 0, 99, jpg_len, &r);
    expect_progress(&r, 100, 0);
    office_get(&office, "p1", "/api/v1/productions/p1/attachments/ph-bad", &r);
    support_assert_error(&r, 404, "attachment_incomplete");
    support_resp_free(&r);
    office_get(&office, "p1", "/api/v1/productions/p1/attachments?target_col=budget", &r);
    support_assert_error(&r, 400, "invalid_request");
    support_resp_free(&r);
}

static void other_people_and_productions_get_nothing(void **state)
{
    struct support_resp r;
    char *op;
    json_t *res;
    (void)state;

    /* p2's phone and office: p1's photo does not exist for them. */
    put_chunk(&other, "ph-1", jpg, 0, 99, jpg_len, &r);
    support_assert_error(&r, 404, "attachment_unknown");
    support_resp_free(&r);
    support_phone_request(&other, srv.base, "GET", "/api/v1/sync/attachments/ph-1/status", NULL,
                          NULL, -1, &r);
    support_assert_error(&r, 404, "attachment_unknown");
    support_resp_free(&r);
    support_phone_request(&other, srv.base, "GET", "/api/v1/productions/p2/attachments/ph-1", NULL,
                          NULL, -1, &r);
    support_assert_error(&r, 404, "attachment_unknown");
    support_resp_free(&r);
    office_get(&office2, "p2", "/api/v1/productions/p2/attachments/ph-1", &r);
    support_assert_error(&r, 404, "attachment_unknown");
    support_resp_free(&r);
    office_get(&office2, "p2", "/api/v1/productions/p2/attachments", &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "ph-1"));
    support_resp_free(&r);
    /* The cook may neither attach as the van driver nor upload the driver's photo. */
    op = add_op(&cook, "attachments", "ph-spoof",
                "{\"target_col\":\"readings\",\"target_id\":\"r-1\",\"content_type\":"
                "\"image/jpeg\",\"size\":10,\"sha256\":"
                "\"0000000000000000000000000000000000000000000000000000000000000000\","
                "\"member\":\"m-van\"}");
    res = push_ops(&cook, op);
    assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "code")),
                        "forbidden");
    json_decref(res);
    free(op);
    push_fact(&van, "ph-mine", "m-van", jpg, jpg_len, "image/jpeg", NULL, "applied", NULL);
    put_chunk(&cook, "ph-mine", jpg, 0, 99, jpg_len, &r);
    support_assert_error(&r, 403, "forbidden");
    support_resp_free(&r);
}

/* Rows of attach_blob for id, read straight from the file. */
static int blob_rows(const char *id)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    int n;

    assert_int_equal(sqlite3_open(srv.app.db_path, &h), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(h, "SELECT count(*) FROM attach_blob WHERE id = ?1", -1, &s, NULL),
        SQLITE_OK);
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return n;
}

static void a_void_removes_the_photo(void **state)
{
    struct support_resp r;
    char *op;
    json_t *res;
    (void)state;

    push_fact(&van, "ph-gone", "m-van", jpg, jpg_len, "image/jpeg", NULL, "applied", NULL);
    put_chunk(&van, "ph-gone", jpg, 0, jpg_len - 1, jpg_len, &r);
    expect_progress(&r, jpg_len, 1);
    /* The cook may not remove it; its author may. */
    op = add_op(&cook, "attachments", "ph-gone-v1",
                "{\"void\":true,\"supersedes\":\"ph-gone\",\"member\":\"m-cook\"}");
    res = push_ops(&cook, op);
    assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "code")),
                        "forbidden");
    json_decref(res);
    free(op);
    op = add_op(&van, "attachments", "ph-gone-v2",
                "{\"void\":true,\"supersedes\":\"ph-gone\",\"member\":\"m-van\"}");
    res = push_ops(&van, op);
    assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "status")),
                        "applied");
    json_decref(res);
    free(op);
    office_get(&office, "p1", "/api/v1/productions/p1/attachments/ph-gone", &r);
    support_assert_error(&r, 404, "attachment_unknown");
    support_resp_free(&r);
    /* Its bytes are gone from the file, the others' are not. */
    assert_int_equal(blob_rows("ph-gone"), 0);
    assert_int_equal(blob_rows("ph-1"), 1);
    /* p2's phone voiding p1's photo: refused or not, p1's bytes stay. */
    op = add_op(&other, "attachments", "ph-1-v",
                "{\"void\":true,\"supersedes\":\"ph-1\",\"member\":\"m-p2\"}");
    res = push_ops(&other, op);
    json_decref(res);
    free(op);
    assert_int_equal(blob_rows("ph-1"), 1);
    office_get(&office, "p1", "/api/v1/productions/p1/attachments/ph-1", &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
}

/* The office marks an action reproducible; the van's photo of it reaches the kit. */
static void the_kit_carries_the_photo(void **state)
{
    char sha[65], *fields = NULL, *op, *body = NULL, hlc[SYNC_HLC_LEN + 1];
    struct support_resp r;
    json_t *res, *j;
    (void)state;

    sync_hlc_format(sync_hlc_tick(0, clock_now_ms()), hlc);
    assert_true(asprintf(&body,
                         "{\"schema\":1,\"device\":\"office-%s\",\"ops\":[{\"op\":\"op-act\","
                         "\"col\":\"actions\",\"id\":\"act-1\",\"kind\":\"put\",\"hlc\":"
                         "\"%s\",\"dev\":\"office-%s\",\"fields\":{\"title\":\"Gourdes\","
                         "\"theme\":\"waste\",\"reproducible\":true}}]}",
                         office.account_id, hlc, office.account_id) > 0);
    support_office_req(&office, "POST", "/api/v1/sync/push", body, &r);
    free(body);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"applied\""));
    support_resp_free(&r);
    photos_sha256_hex(jpg, jpg_len, sha);
    assert_true(asprintf(&fields,
                         "{\"target_col\":\"actions\",\"target_id\":\"act-1\",\"content_type\":"
                         "\"image/jpeg\",\"size\":%zu,\"sha256\":\"%s\",\"member\":\"m-van\","
                         "\"caption\":\"Gourdes au camion cantine\"}",
                         jpg_len, sha) > 0);
    op = add_op(&van, "attachments", "ph-kit", fields);
    res = push_ops(&van, op);
    assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "status")),
                        "applied");
    json_decref(res);
    free(op);
    free(fields);
    put_chunk(&van, "ph-kit", jpg, 0, jpg_len - 1, jpg_len, &r);
    expect_progress(&r, jpg_len, 1);

    office_get(&office, "p1", "/api/v1/productions/p1/kit?audience=grand_public", &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "photos"), 0), "caption")),
                        "Gourdes au camion cantine");
    json_decref(j);
    support_resp_free(&r);
    office_get(&office, "p1", "/api/v1/productions/p1/kit?audience=grand_public&format=html", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<img src=\"data:image/jpeg;base64,/9j/"));
    assert_non_null(strstr(r.body, "alt=\"Gourdes au camion cantine\""));
    support_resp_free(&r);
    office_get(&office, "p1", "/api/v1/productions/p1/kit?audience=grand_public&format=md", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(
        strstr(r.body, "![Gourdes au camion cantine](/api/v1/productions/p1/attachments/ph-kit)"));
    support_resp_free(&r);
    office_get(&office, "p1", "/api/v1/productions/p1/kit?audience=grand_public&format=pdf", &r);
    assert_int_equal(r.status, 200);
    assert_true(photos_contains((unsigned char *)r.body, r.len, jpg, jpg_len));
    assert_true(photos_contains((unsigned char *)r.body, r.len, "/Alt <FEFF", 10));
    support_resp_free(&r);
}

/* The office attaches from a laptop: a session, CSRF, the same upload. */
static void the_office_uploads_with_its_session(void **state)
{
    char sha[65], *body = NULL, hlc[SYNC_HLC_LEN + 1], url[256], range[96];
    size_t png_len;
    unsigned char *png = photos_fixture("photo.png", &png_len);
    struct support_resp r;
    const char *with_csrf[] = {office.cookie, office.csrf, "X-EP-Production: p1", range, NULL};
    const char *no_csrf[] = {office.cookie, "X-EP-Production: p1", range, NULL};
    (void)state;

    photos_sha256_hex(png, png_len, sha);
    sync_hlc_format(sync_hlc_tick(0, clock_now_ms()), hlc);
    assert_true(asprintf(&body,
                         "{\"schema\":1,\"device\":\"office-%s\",\"ops\":[{\"op\":\"op-oph\","
                         "\"col\":\"attachments\",\"id\":\"ph-office\",\"kind\":\"add\","
                         "\"hlc\":\"%s\",\"dev\":\"office-%s\",\"fields\":{\"target_col\":"
                         "\"communications\",\"target_id\":\"com-1\",\"content_type\":"
                         "\"image/png\",\"size\":%zu,\"sha256\":\"%s\"}}]}",
                         office.account_id, hlc, office.account_id, png_len, sha) > 0);
    support_office_req(&office, "POST", "/api/v1/sync/push", body, &r);
    free(body);
    assert_non_null(strstr(r.body, "\"applied\""));
    support_resp_free(&r);
    snprintf(url, sizeof(url), "%s/api/v1/sync/attachments/ph-office", srv.base);
    snprintf(range, sizeof(range), "Content-Range: bytes 0-%zu/%zu", png_len - 1, png_len);
    support_http("PUT", url, no_csrf, (const char *)png, (long)png_len, &r);
    assert_int_equal(r.status, 403); /* a cross-site form cannot upload */
    support_resp_free(&r);
    support_http("PUT", url, with_csrf, (const char *)png, (long)png_len, &r);
    expect_progress(&r, png_len, 1);
    office_get(&office, "p1", "/api/v1/productions/p1/attachments/ph-office", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "Content-Type: image/png"));
    assert_int_equal(r.len, png_len);
    assert_memory_equal(r.body, png, png_len);
    support_resp_free(&r);
    free(png);
}

/* Archived, the production refuses photo chunks as it refuses pushes
 * (409 production_archived); reopened, the same chunk goes through. */
static void an_archived_production_refuses_uploads(void **state)
{
    struct support_resp r;
    struct db *db = NULL;
    struct ep_error err = {0};
    (void)state;

    push_fact(&van, "ph-arch", "m-van", jpg, jpg_len, "image/jpeg", NULL, "applied", NULL);
    assert_int_equal(db_open(srv.app.db_path, &db, &err), EP_OK);
    assert_int_equal(production_set_archived(db, "p1", clock_now_ms()), EP_OK);
    put_chunk(&van, "ph-arch", jpg, 0, jpg_len - 1, jpg_len, &r);
    support_assert_error(&r, 409, "production_archived");
    support_resp_free(&r);
    assert_int_equal(production_set_archived(db, "p1", 0), EP_OK);
    db_close(db);
    put_chunk(&van, "ph-arch", jpg, 0, jpg_len - 1, jpg_len, &r);
    expect_progress(&r, jpg_len, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(phone_uploads_resumably_and_loses_gps),
        cmocka_unit_test(keep_location_keeps_it),
        cmocka_unit_test(damaged_bytes_restart_from_zero),
        cmocka_unit_test(disguised_files_are_refused_and_recorded),
        cmocka_unit_test(oversized_uploads_are_refused_and_the_push_goes_on),
        cmocka_unit_test(bad_requests_get_clear_errors),
        cmocka_unit_test(other_people_and_productions_get_nothing),
        cmocka_unit_test(a_void_removes_the_photo),
        cmocka_unit_test(the_kit_carries_the_photo),
        cmocka_unit_test(the_office_uploads_with_its_session),
        cmocka_unit_test(an_archived_production_refuses_uploads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
