#define _GNU_SOURCE /* asprintf() */
/*
 * test_sync_http.c - the sync API over real HTTP on loopback: signed pushes
 * and pulls from paired phones, office conflict resolution and quarantine,
 * and every whole-request refusal of docs/sync-protocol.md section 6.
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
#include "seed.h"
#include "support.h"
#include "sync.h"

#include <curl/curl.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static struct support_server srv;
static struct support_office office;

static struct support_phone van, cook;

static int setup(void **state)
{
    (void)state;
    support_crew_start(&srv, NULL, &van, &cook);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    support_server_stop(&srv);
    return 0;
}

/* A signed request from phone ph; counter < 0 means "next". */
static void phone_req(struct support_phone *ph, const char *method, const char *path,
                      const char *query, const char *body, long counter, struct support_resp *out)
{
    support_phone_request(ph, srv.base, method, path, query, body, counter, out);
}

static void office_login(void)
{
    support_office_login(&office, srv.base, "aline@test.fr");
}

static void office_req(const char *method, const char *path, const char *body,
                       struct support_resp *out)
{
    support_office_req(&office, method, path, body, out);
}

static json_t *push_ok(struct support_phone *ph, const char *ops_text)
{
    return support_push_ok(ph, srv.base, ops_text);
}

static const char *st(json_t *results, size_t i)
{
    return json_string_value(json_object_get(json_array_get(results, i), "status"));
}

static void push_pull_round_trip(void **state)
{
    char *a = support_op_text(&van, "op-r1", "readings", "rd-1", "add",
                              "{\"indicator\":\"van_km\",\"value\":212,\"unit\":\"km\",\"dept\":"
                              "\"regie\",\"at\":\"2026-09-21\",\"vehicle\":\"van-2\"}",
                              NULL, 0);
    char *b =
        support_op_text(&van, "op-r2", "readings", "rd-2", "add",
                        "{\"indicator\":\"van_diesel_l\",\"value\":38,\"unit\":\"L\",\"dept\":"
                        "\"regie\",\"at\":\"2026-09-21\"}",
                        NULL, 0);
    char *c = support_op_text(&van, "op-x1", "actions", "ac-1", "put",
                              "{\"title\":\"Tout en HVO\"}", NULL, 0);
    char *ops = NULL;
    json_t *res, *page;
    struct support_resp r;
    char q[256];
    (void)state;

    assert_true(asprintf(&ops, "%s,%s,%s", a, b, c) > 0);
    res = push_ok(&van, ops);
    assert_string_equal(st(res, 0), "applied");
    assert_string_equal(st(res, 1), "applied");
    /* Crew may not write the action plan: refused, with the reason. */
    assert_string_equal(st(res, 2), "rejected");
    assert_string_equal(json_string_value(json_object_get(json_array_get(res, 2), "code")),
                        "forbidden");
    json_decref(res);
    /* The same batch again, as after a lost answer: duplicates, nothing new. */
    res = push_ok(&van, ops);
    assert_string_equal(st(res, 0), "duplicate");
    assert_string_equal(st(res, 1), "duplicate");
    json_decref(res);
    free(ops);
    free(a);
    free(b);
    free(c);
    /* The other phone pulls both readings, one page at a time. */
    phone_req(&cook, "GET", "/api/v1/sync/pull", "schema=1&limit=1", NULL, -1, &r);
    assert_int_equal(r.status, 200);
    page = support_resp_json(&r);
    support_resp_free(&r);
    assert_int_equal(json_array_size(json_object_get(page, "ops")), 1);
    assert_true(json_is_true(json_object_get(page, "more")));
    snprintf(q, sizeof(q), "schema=1&limit=50&cursor=%s",
             json_string_value(json_object_get(page, "cursor")));
    json_decref(page);
    phone_req(&cook, "GET", "/api/v1/sync/pull", q, NULL, -1, &r);
    assert_int_equal(r.status, 200);
    page = support_resp_json(&r);
    support_resp_free(&r);
    assert_int_equal(json_array_size(json_object_get(page, "ops")), 1);
    assert_false(json_is_true(json_object_get(page, "more")));
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(page, "ops"), 0), "op")),
        "op-r2");
    json_decref(page);
}

/* A pull's op ids, comma-separated, into buf; *cursor gets its cursor. */
static const char *pull_ids(struct support_phone *ph, const char *query, char *buf, size_t len,
                            char *cursor, size_t clen)
{
    struct support_resp r;
    json_t *page, *op;
    size_t i, used = 0;

    phone_req(ph, "GET", "/api/v1/sync/pull", query, NULL, -1, &r);
    assert_int_equal(r.status, 200);
    page = support_resp_json(&r);
    support_resp_free(&r);
    buf[0] = '\0';
    json_array_foreach(json_object_get(page, "ops"), i, op)
    {
        int w = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
                         json_string_value(json_object_get(op, "op")));
        assert_true(w > 0 && (size_t)w < len - used);
        used += (size_t)w;
    }
    snprintf(cursor, clen, "%s", json_string_value(json_object_get(page, "cursor")));
    json_decref(page);
    return buf;
}

static char *reading(struct support_phone *ph, const char *op, const char *rid)
{
    return support_op_text(ph, op, "readings", rid, "add",
                           "{\"indicator\":\"van_km\",\"value\":5,\"unit\":\"km\",\"dept\":"
                           "\"regie\",\"at\":\"2026-09-22\"}",
                           NULL, 0);
}

/*
 * own=0 (docs/sync-protocol.md §5): after pushing, a phone pulls exactly the
 * others' ops; from the empty cursor (restored from backup, same device) it
 * still gets its own back. An office browser is left only what it pushed.
 */
static void pull_without_own_ops(void **state)
{
    char ids[1024], cursor[160], q[256], q1[256];
    char *mine = reading(&van, "op-own1", "rd-own1"),
         *theirs = reading(&cook, "op-oth1", "rd-oth1");
    struct support_resp r;
    json_t *res;
    (void)state;

    json_decref(push_ok(&van, mine));
    json_decref(push_ok(&cook, theirs));
    free(mine);
    free(theirs);
    pull_ids(&van, "schema=1&limit=2000&own=0", ids, sizeof(ids), cursor, sizeof(cursor));
    assert_non_null(strstr(ids, "op-r1"));
    assert_non_null(strstr(ids, "op-own1"));
    assert_non_null(strstr(ids, "op-oth1"));
    mine = reading(&van, "op-own2", "rd-own2");
    theirs = reading(&cook, "op-oth2", "rd-oth2");
    res = push_ok(&van, mine);
    assert_string_equal(st(res, 0), "applied");
    json_decref(res);
    json_decref(push_ok(&cook, theirs));
    free(mine);
    free(theirs);
    snprintf(q, sizeof(q), "schema=1&own=0&cursor=%s", cursor);
    snprintf(q1, sizeof(q1), "schema=1&own=1&cursor=%s", cursor);
    assert_string_equal(pull_ids(&van, q, ids, sizeof(ids), cursor, sizeof(cursor)), "op-oth2");
    assert_string_equal(pull_ids(&van, q1, ids, sizeof(ids), q, sizeof(q)), "op-own2,op-oth2");
    assert_string_equal(q, cursor); /* the same end, with or without its own ops */
    /* An office session's pushes are its own, but not the ops the server
     * makes under the account's device id (here a resolution), nor those
     * another browser of the same account pushed (docs/sync-protocol.md §5). */
    office_login();
    office_req("GET", "/api/v1/sync/pull?schema=1&limit=2000", NULL, &r);
    assert_int_equal(r.status, 200);
    res = support_resp_json(&r);
    snprintf(cursor, sizeof(cursor), "%s", json_string_value(json_object_get(res, "cursor")));
    json_decref(res);
    support_resp_free(&r);
    {
        char hlc[SYNC_HLC_LEN + 1], *body = NULL, path[320];
        struct support_office other;

        sync_hlc_format(sync_hlc_tick(0, clock_now_ms()), hlc);
        assert_true(asprintf(&body,
                             "{\"schema\":1,\"device\":\"office-%s\",\"ops\":[{\"op\":"
                             "\"op-office-own\",\"col\":\"tasks\",\"id\":\"tk-own\",\"kind\":"
                             "\"put\",\"hlc\":\"%s\",\"dev\":\"office-%s\",\"fields\":{"
                             "\"title\":\"Relever le compteur\"}}]}",
                             office.account_id, hlc, office.account_id) > 0);
        office_req("POST", "/api/v1/sync/push", body, &r);
        free(body);
        if (r.status != 200 || strstr(r.body, "\"applied\"") == NULL)
            fail_msg("office push: %ld %s", r.status, r.body);
        support_resp_free(&r);
        office_req("POST", "/api/v1/sync/resolve",
                   "{\"col\":\"tasks\",\"id\":\"tk-own\",\"field\":\"title\","
                   "\"value\":\"Relever les deux compteurs\"}",
                   &r);
        if (r.status != 200)
            fail_msg("office resolve: %ld %s", r.status, r.body);
        support_resp_free(&r);
        snprintf(path, sizeof(path), "/api/v1/sync/pull?schema=1&own=0&cursor=%s", cursor);
        office_req("GET", path, NULL, &r);
        assert_int_equal(r.status, 200);
        /* (The resolution's base names the pushed op: look for its id.) */
        assert_null(strstr(r.body, "\"op\":\"op-office-own\""));
        assert_non_null(strstr(r.body, "\"srv-"));
        assert_non_null(strstr(r.body, "Relever les deux compteurs"));
        support_resp_free(&r);
        /* Another browser signed in to the same account gets both. */
        support_office_login(&other, srv.base, "aline@test.fr");
        assert_string_equal(other.account_id, office.account_id);
        support_office_req(&other, "GET", path, NULL, &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "\"op\":\"op-office-own\""));
        assert_non_null(strstr(r.body, "Relever les deux compteurs"));
        support_resp_free(&r);
        /* own=1, the first browser too. */
        snprintf(path, sizeof(path), "/api/v1/sync/pull?schema=1&own=1&cursor=%s", cursor);
        office_req("GET", path, NULL, &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "\"op\":\"op-office-own\""));
        support_resp_free(&r);
    }
    phone_req(&van, "GET", "/api/v1/sync/pull", "schema=1&own=2", NULL, -1, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "own");
    support_resp_free(&r);
    phone_req(&van, "GET", "/api/v1/sync/pull", "schema=1&own=", NULL, -1, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "own");
    support_resp_free(&r);
}

static void whole_request_refusals(void **state)
{
    struct support_resp r;
    char url[256];
    char *big;
    (void)state;

    /* Not signed at all. */
    snprintf(url, sizeof(url), "%s/api/v1/sync/push", srv.base);
    support_http("POST", url, NULL, "{\"schema\":1,\"device\":\"dev-van\",\"ops\":[]}", -1, &r);
    assert_int_equal(r.status, 401);
    support_resp_free(&r);
    /* Replayed counter. */
    phone_req(&van, "GET", "/api/v1/sync/pull", "schema=1", NULL, -1, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    phone_req(&van, "GET", "/api/v1/sync/pull", "schema=1", NULL, van.counter, &r);
    assert_int_equal(r.status, 401);
    support_resp_free(&r);
    /* Body refusals, each signed properly. */
    phone_req(&van, "POST", "/api/v1/sync/push", NULL, "{\"schema\":1,", -1, &r);
    support_assert_error(&r, 400, "malformed_json");
    support_resp_free(&r);
    phone_req(&van, "POST", "/api/v1/sync/push", NULL,
              "{\"schema\":1,\"device\":\"dev-van\",\"ops\":[],\"extra\":1}", -1, &r);
    support_assert_error(&r, 400, "invalid_request");
    support_resp_free(&r);
    phone_req(&van, "POST", "/api/v1/sync/push", NULL,
              "{\"schema\":1,\"device\":\"dev-van\",\"ops\":\"no\"}", -1, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "ops");
    support_resp_free(&r);
    phone_req(&van, "POST", "/api/v1/sync/push", NULL,
              "{\"schema\":2,\"device\":\"dev-van\",\"ops\":[]}", -1, &r);
    assert_string_equal(support_assert_error(&r, 409, "schema_unsupported"), "schema");
    support_resp_free(&r);
    phone_req(&van, "POST", "/api/v1/sync/push", NULL,
              "{\"schema\":1,\"device\":\"dev-cook\",\"ops\":[]}", -1, &r);
    support_assert_error(&r, 403, "wrong_device");
    support_resp_free(&r);
    big = malloc(8000);
    {
        size_t n = (size_t)sprintf(big, "{\"schema\":1,\"device\":\"dev-van\",\"ops\":[");
        for (int i = 0; i <= SYNC_MAX_OPS; i++)
            n += (size_t)sprintf(big + n, "%s{}", i ? "," : "");
        sprintf(big + n, "]}");
    }
    phone_req(&van, "POST", "/api/v1/sync/push", NULL, big, -1, &r);
    support_assert_error(&r, 413, "too_many_ops");
    support_resp_free(&r);
    free(big);
    /* Over the byte cap: refused before anything is read or verified. */
    big = malloc(SYNC_MAX_PUSH_BYTES + 16);
    memset(big, ' ', SYNC_MAX_PUSH_BYTES + 8);
    big[SYNC_MAX_PUSH_BYTES + 8] = '\0';
    support_http("POST", url, NULL, big, -1, &r);
    support_assert_error(&r, 413, "body_too_large");
    support_resp_free(&r);
    free(big);
    /* No Content-Length (chunked): 411. */
    {
        const char *h[] = {"Transfer-Encoding: chunked", NULL};
        support_http("POST", url, h, "{}", -1, &r);
        support_assert_error(&r, 411, "length_required");
        support_resp_free(&r);
    }
    /* Pull refusals. */
    phone_req(&van, "GET", "/api/v1/sync/pull", "schema=1&cursor=garbage", NULL, -1, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_cursor"), "cursor");
    support_resp_free(&r);
    phone_req(&van, "GET", "/api/v1/sync/pull",
              "schema=1&cursor=0123456789abcdef0123456789abcdef.4", NULL, -1, &r);
    support_assert_error(&r, 409, "cursor_foreign");
    support_resp_free(&r);
    phone_req(&van, "GET", "/api/v1/sync/pull", "schema=1&since=4", NULL, -1, &r);
    support_assert_error(&r, 400, "invalid_request");
    support_resp_free(&r);
    phone_req(&van, "GET", "/api/v1/sync/pull", "limit=4", NULL, -1, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "schema");
    support_resp_free(&r);
    phone_req(&van, "GET", "/api/v1/sync/pull", "schema=1&limit=0", NULL, -1, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "limit");
    support_resp_free(&r);
}

static void office_resolves_conflicts_and_quarantine(void **state)
{
    struct support_resp r;
    json_t *res, *j;
    char *a, *b;
    char body[256];
    (void)state;

    office_login();
    /* Both phones tick the same task differently, having seen its creation. */
    office_req("POST", "/api/v1/sync/resolve",
               "{\"col\":\"tasks\",\"id\":\"tk-1\",\"field\":\"assignee\",\"value\":\"m-van\"}",
               &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    snprintf(body, sizeof(body), "{\"note\":[]}");
    json_decref(j);
    support_resp_free(&r);
    a = support_op_text(&van, "op-n1", "tasks", "tk-1", "put", "{\"note\":\"bacs pleins\"}", body,
                        0);
    b = support_op_text(&cook, "op-n2", "tasks", "tk-1", "put", "{\"note\":\"bacs vidés\"}", body,
                        0);
    res = push_ok(&van, a);
    assert_string_equal(st(res, 0), "applied");
    json_decref(res);
    /* Chloé is not assigned to tk-1: her edit is refused. Bruno's stands. */
    res = push_ok(&cook, b);
    assert_string_equal(st(res, 0), "rejected");
    json_decref(res);
    free(a);
    free(b);
    /* Bruno edits again from a stale screen (blind): now there is a conflict. */
    a = support_op_text(&van, "op-n3", "tasks", "tk-1", "put", "{\"note\":\"bacs à vider\"}",
                        "{\"note\":[]}", 0);
    res = push_ok(&van, a);
    json_decref(res);
    free(a);
    office_req("GET", "/api/v1/sync/conflicts", NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_int_equal(json_array_size(json_object_get(j, "conflicts")), 1);
    json_decref(j);
    support_resp_free(&r);
    office_req("POST", "/api/v1/sync/resolve",
               "{\"col\":\"tasks\",\"id\":\"tk-1\",\"field\":\"note\",\"value\":\"bacs pleins\"}",
               &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    office_req("GET", "/api/v1/sync/conflicts", NULL, &r);
    j = support_resp_json(&r);
    assert_int_equal(json_array_size(json_object_get(j, "conflicts")), 0);
    json_decref(j);
    support_resp_free(&r);
    /* Resolve refusals: unknown key, wrong type, unknown collection. */
    office_req("POST", "/api/v1/sync/resolve",
               "{\"col\":\"tasks\",\"id\":\"tk-1\",\"field\":\"note\",\"value\":1,\"x\":2}", &r);
    support_assert_error(&r, 400, "invalid_request");
    support_resp_free(&r);
    office_req("POST", "/api/v1/sync/resolve",
               "{\"col\":\"tasks\",\"id\":\"tk-1\",\"field\":\"done\",\"value\":\"oui\"}", &r);
    support_assert_error(&r, 400, "invalid_field");
    support_resp_free(&r);
    office_req("POST", "/api/v1/sync/resolve",
               "{\"col\":\"nope\",\"id\":\"tk-1\",\"field\":\"done\",\"value\":true}", &r);
    support_assert_error(&r, 400, "unknown_collection");
    support_resp_free(&r);
    /* A phone three days in the future: quarantined, listed, released. */
    a = support_op_text(&van, "op-future", "readings", "rd-f", "add",
                        "{\"indicator\":\"van_km\",\"value\":40,\"unit\":\"km\",\"dept\":\"regie\","
                        "\"at\":\"2026-09-24\"}",
                        NULL, clock_now_ms() + INT64_C(3) * 86400 * 1000);
    res = push_ok(&van, a);
    assert_string_equal(st(res, 0), "quarantined");
    json_decref(res);
    free(a);
    van.hlc = 0; /* the phone's clock gets fixed */
    office_req("GET", "/api/v1/sync/quarantine", NULL, &r);
    j = support_resp_json(&r);
    assert_int_equal(json_array_size(json_object_get(j, "quarantine")), 1);
    json_decref(j);
    support_resp_free(&r);
    office_req("POST", "/api/v1/sync/quarantine/resolve",
               "{\"op\":\"op-future\",\"action\":\"release\"}", &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "result"), "status")),
                        "applied");
    json_decref(j);
    support_resp_free(&r);
    office_req("POST", "/api/v1/sync/quarantine/resolve",
               "{\"op\":\"op-future\",\"action\":\"release\"}", &r);
    support_assert_error(&r, 404, "not_found");
    support_resp_free(&r);
    /* Phones may not resolve conflicts. */
    phone_req(&van, "GET", "/api/v1/sync/conflicts", NULL, NULL, -1, &r);
    assert_int_equal(r.status, 403);
    support_resp_free(&r);
}

static void footprint_endpoints(void **state)
{
    struct support_resp r;
    json_t *j, *res;
    char *a;
    (void)state;

    /* A reading in the wrong unit is refused with the reason, per op. */
    a = support_op_text(&van, "op-gal", "readings", "rd-gal", "add",
                        "{\"indicator\":\"van_diesel_l\",\"value\":10,\"unit\":\"gal\",\"dept\":"
                        "\"regie\",\"at\":\"2026-09-22\"}",
                        NULL, 0);
    res = push_ok(&van, a);
    assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "code")),
                        "wrong_unit");
    json_decref(res);
    free(a);
    office_req("GET", "/api/v1/productions/p1/footprint", NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    /* 212 km x 0.279 + 38 L x 3.10 + the released 40 km x 0.279 (factor
     * set 5, as sets 2 to 4, light van; these readings name no fleet vehicle,
     * so the litres replace nothing). p1 pins no set: it follows the latest. */
    assert_true(fabs(json_number_value(json_object_get(j, "total_kg")) -
                     (212 * 0.279 + 38 * 3.10 + 40 * 0.279)) < 1e-9);
    assert_int_equal(json_integer_value(json_object_get(j, "factor_version")), 5);
    json_decref(j);
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/footprint?kind=sideways", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "kind");
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/footprint?factors=9", NULL, &r);
    support_assert_error(&r, 404, "not_found");
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/footprint.csv", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "text/csv"));
    assert_memory_equal(r.body, "\xEF\xBB\xBF", 3);
    assert_non_null(strstr(r.body, "Gazole des véhicules;38,00;L;Régie 38;relevé;"));
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/footprint.xlsx", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body, "PK", 2);
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/footprint.pdf", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "application/pdf"));
    assert_memory_equal(r.body, "%PDF-", 5);
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/footprint/compare", NULL, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    /* Phones read it too; nobody reads another production's. */
    phone_req(&van, "GET", "/api/v1/productions/p1/footprint", NULL, NULL, -1, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    phone_req(&van, "GET", "/api/v1/productions/p2/footprint", NULL, NULL, -1, &r);
    assert_true(r.status == 403 || r.status == 404);
    support_resp_free(&r);
    phone_req(&van, "GET", "/api/v1/indicators", NULL, NULL, -1, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_true(json_array_size(json_object_get(j, "indicators")) >= 20);
    json_decref(j);
    support_resp_free(&r);
}

/* Writes text to dir/name and returns the path (static buffer). */
static const char *write_tmp(const char *name, const char *text)
{
    static char path[512];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", srv.dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static int run_status(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void signed_communications(void **state)
{
    const char *bin = getenv("EP_BIN");
    struct support_resp r;
    json_t *j, *env;
    char cmd[1600], *text, *tampered, *p;
    (void)state;

    /* Compose: title and text (and the person-written FALC version). */
    office_req("POST", "/api/v1/sync/resolve",
               "{\"col\":\"communications\",\"id\":\"com-1\",\"field\":\"title\","
               "\"value\":\"Tri des déchets au barnum\"}",
               &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/communications/com-1/publish", NULL, &r);
    support_assert_error(&r, 400, "incomplete"); /* no text yet */
    support_resp_free(&r);
    office_req("POST", "/api/v1/sync/resolve",
               "{\"col\":\"communications\",\"id\":\"com-1\",\"field\":\"text\","
               "\"value\":\"Cinq bacs : verre, emballages, biodéchets, papier, reste.\"}",
               &r);
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/communications/com-1/publish", NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    env = json_object_get(j, "signed");
    assert_string_equal(json_string_value(json_object_get(env, "alg")), "Ed25519");
    support_resp_free(&r);
    /* The export is the same envelope, and it verifies, in C and in WebCrypto. */
    office_req("GET", "/api/v1/productions/p1/communications/com-1/signed", NULL, &r);
    assert_int_equal(r.status, 200);
    text = strdup(r.body);
    support_resp_free(&r);
    {
        char *mine = json_dumps(env, JSON_COMPACT);
        json_t *back = json_loads(text, 0, NULL);
        assert_true(json_equal(back, env));
        json_decref(back);
        free(mine);
    }
    if (bin != NULL) {
        snprintf(cmd, sizeof(cmd), "%s verify %s > /dev/null", bin, write_tmp("com.json", text));
        assert_int_equal(run_status(cmd), 0);
    }
    snprintf(cmd, sizeof(cmd), "node %s/tests/js/verify_cli.mjs %s %s > /dev/null", EP_SOURCE_DIR,
             write_tmp("com.json", text), json_string_value(json_object_get(env, "public_key")));
    assert_int_equal(run_status(cmd), 0);
    /* One byte changed in the signed payload: both refuse it. */
    tampered = strdup(text);
    p = strstr(tampered, "\"payload\":\"") + 11;
    *p = *p == 'A' ? 'B' : 'A';
    if (bin != NULL) {
        snprintf(cmd, sizeof(cmd), "%s verify %s > /dev/null", bin,
                 write_tmp("bad.json", tampered));
        assert_int_equal(run_status(cmd), 1);
    }
    snprintf(cmd, sizeof(cmd), "node %s/tests/js/verify_cli.mjs %s > /dev/null", EP_SOURCE_DIR,
             write_tmp("bad.json", tampered));
    assert_int_equal(run_status(cmd), 1);
    free(tampered);
    free(text);
    json_decref(j);
    /* Refusals: unknown communication, phones. */
    office_req("POST", "/api/v1/productions/p1/communications/nope/publish", NULL, &r);
    support_assert_error(&r, 404, "not_found");
    support_resp_free(&r);
    phone_req(&van, "POST", "/api/v1/productions/p1/communications/com-1/publish", NULL, NULL, -1,
              &r);
    assert_int_equal(r.status, 403);
    support_resp_free(&r);
}

static void plan_endpoints(void **state)
{
    struct support_resp r;
    (void)state;
    office_req("GET", "/api/v1/productions/p1/plan/progress?today=2026-09-21", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"actions\""));
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/plan/dysfunctions", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"dysfunctions\""));
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/plan/progress?today=yesterday", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "today");
    support_resp_free(&r);
    /* C9: the plan against reality, every action with a verdict. */
    office_req("GET", "/api/v1/productions/p1/evaluation?today=2026-09-21", NULL, &r);
    assert_int_equal(r.status, 200);
    {
        json_t *j = support_resp_json(&r), *a;
        size_t i;
        assert_int_equal(
            json_integer_value(json_object_get(json_object_get(j, "summary"), "actions")),
            json_array_size(json_object_get(j, "actions")));
        json_array_foreach(json_object_get(j, "actions"), i, a)
            assert_non_null(json_string_value(json_object_get(a, "verdict")));
        assert_non_null(json_object_get(j, "footprint"));
        json_decref(j);
    }
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/evaluation?today=31/12", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "today");
    support_resp_free(&r);
    /* C10 kits: each format, and the refusals. */
    office_req("GET", "/api/v1/productions/p1/kit?audience=financeur", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"figures\""));
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/kit?audience=grand_public&format=html", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "text/html"));
    assert_non_null(strstr(r.body, "<html lang=\"fr\">"));
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/kit?audience=partenaires&format=md", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "text/markdown"));
    assert_true(strncmp(r.body, "# ", 2) == 0);
    support_resp_free(&r);
    /* The kit as a tagged PDF in French, its figures readable as text. */
    office_req("GET", "/api/v1/productions/p1/kit?audience=diffuseur&format=pdf", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "application/pdf"));
    {
        char cmd[1200], buf[8192] = "";
        const char *path = write_tmp("kit.pdf", "");
        FILE *f = fopen(path, "wb");
        size_t n;
        assert_non_null(f);
        fwrite(r.body, 1, r.len, f);
        fclose(f);
        snprintf(cmd, sizeof(cmd), "pdftotext %s - && pdfinfo %s && qpdf --check %s", path, path,
                 path);
        f = popen(cmd, "r");
        assert_non_null(f);
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        assert_int_equal(pclose(f), 0);
        assert_non_null(strstr(buf, "Bilan de la démarche éco-responsable"));
        assert_non_null(strstr(buf, "Chiffres clés"));
        {
            const char *tg = strstr(buf, "Tagged:");
            assert_non_null(tg);
            tg += strlen("Tagged:");
            while (*tg == ' ')
                tg++;
            assert_true(strncmp(tg, "yes", 3) == 0);
        }
        {
            const char *ti = strstr(buf, "Title:");
            assert_non_null(ti);
            ti += strlen("Title:");
            while (*ti == ' ')
                ti++;
            assert_true(strncmp(ti, "Bilan de la démarche", strlen("Bilan de la démarche")) == 0);
        }
    }
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/kit?audience=everyone", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "audience");
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/kit?audience=financeur&format=docx", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "format");
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/kit?audience=financeur&format=markdown", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "format");
    support_resp_free(&r);
}

static void sync_metrics_count(void **state)
{
    struct support_resp r;
    char url[128];
    /* At the start of a line: the "# HELP" lines name them too. */
    const char *names[] = {
        "\necoplateau_sync_push_requests_total ", "\necoplateau_sync_pull_requests_total ",
        "\necoplateau_sync_changes_received_total ", "\necoplateau_sync_changes_sent_total "};
    (void)state;
    snprintf(url, sizeof(url), "%s/api/v1/metrics", srv.base);
    support_http("GET", url, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    for (size_t i = 0; i < 4; i++) {
        const char *line = strstr(r.body, names[i]);
        if (line == NULL || strtol(line + strlen(names[i]), NULL, 10) <= 0)
            fail_msg("%s should count the earlier syncs:\n%.1500s", names[i], r.body);
    }
    support_resp_free(&r);
}

/* The text of a PDF response (pdftotext), to free. */
static char *pdf_text(const struct support_resp *r)
{
    char cmd[700];
    char *buf = calloc(1, 65536);
    const char *path = write_tmp("c2.pdf", "");
    FILE *f = fopen(path, "wb");
    size_t n;
    assert_non_null(buf);
    assert_non_null(f);
    fwrite(r->body, 1, r->len, f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "pdftotext %s -", path);
    f = popen(cmd, "r");
    assert_non_null(f);
    n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    pclose(f);
    return buf;
}

static void diagnostic_endpoints(void **state)
{
    struct support_resp r;
    json_t *j;
    (void)state;
    office_req("POST", "/api/v1/productions/p1/diagnostic/project",
               "{\"type\":\"documentary\",\"shooting_days\":12,\"crew_size\":8,"
               "\"locations\":[{\"km_from_base\":10}]}",
               &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_int_equal(json_array_size(json_object_get(j, "themes")), 6);
    json_decref(j);
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/diagnostic/project",
               "{\"type\":\"documentary\",\"shooting_days\":-12}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_field"), "shooting_days");
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/diagnostic/company",
               "{\"answers\":{\"headcount\":5,\"csr_charter\":true}}", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"draft\""));
    support_resp_free(&r);
    /* The printable summaries, tagged with the competency they evidence. */
    office_req("POST", "/api/v1/productions/p1/diagnostic/project?format=pdf",
               "{\"title\":\"Documentaire\",\"type\":\"documentary\",\"shooting_days\":12,"
               "\"crew_size\":8,\"locations\":[{\"km_from_base\":10}],\"overrides\":{\"waste\":"
               "{\"impact\":\"high\",\"by\":\"Claire Martin\",\"at\":\"2026-11-28T20:00:00Z\"}}}",
               &r);
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body, "%PDF-", 5);
    {
        char *text = pdf_text(&r);
        assert_non_null(strstr(text, "Compétence C2"));
        assert_non_null(strstr(text, "placement ajusté par Claire Martin le 28 novembre 2026"));
        free(text);
    }
    assert_non_null(strstr(r.headers, "analyse-C2.pdf"));
    support_resp_free(&r);
    /* The same summary for an English reader: its words, its dates. */
    office_req("POST", "/api/v1/productions/p1/diagnostic/project?format=pdf&lang=en",
               "{\"title\":\"Documentaire\",\"type\":\"documentary\",\"shooting_days\":12,"
               "\"crew_size\":8,\"locations\":[{\"km_from_base\":10}],\"overrides\":{\"waste\":"
               "{\"impact\":\"high\",\"by\":\"Claire Martin\",\"at\":\"2026-11-28T20:00:00Z\"}}}",
               &r);
    assert_int_equal(r.status, 200);
    {
        char *text = pdf_text(&r);
        assert_non_null(strstr(text, "Competency C2"));
        assert_non_null(strstr(text, "placement adjusted by Claire Martin on 28 November 2026"));
        assert_null(strstr(text, "Compétence"));
        free(text);
    }
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/diagnostic/company?format=pdf",
               "{\"company\":\"Les Films\",\"answers\":{\"headcount\":5,\"csr_charter\":true,"
               "\"eco_referent\":\"none\"},\"edits\":{\"a_eco_referent\":{\"text\":\"Nommer "
               "Camille\",\"by\":\"Claire Martin\",\"at\":\"2026-11-28\"}}}",
               &r);
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body, "%PDF-", 5);
    {
        char cmd[700];
        FILE *f;
        char buf[8192] = "";
        size_t n;
        const char *path = write_tmp("c1.pdf", "");
        f = fopen(path, "wb");
        assert_non_null(f);
        fwrite(r.body, 1, r.len, f);
        fclose(f);
        snprintf(cmd, sizeof(cmd), "pdftotext %s - && pdfinfo %s", path, path);
        f = popen(cmd, "r");
        assert_non_null(f);
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        pclose(f);
        assert_non_null(strstr(buf, "Compétence C1"));
        assert_non_null(strstr(buf, "Points forts"));
        assert_non_null(strstr(buf, "brouillon"));
        /* The user's edit, with who made it and when. */
        assert_non_null(strstr(buf, "Nommer Camille"));
        assert_non_null(strstr(buf, "Modifié par Claire Martin le 28 novembre 2026"));
        assert_non_null(strstr(buf, "Tagged:"));
    }
    support_resp_free(&r);
    /* The user's edit of a graded item comes back with its author; a bad one
     * names the field; an unknown key in the body is refused. */
    office_req("POST", "/api/v1/productions/p1/diagnostic/company",
               "{\"answers\":{\"csr_charter\":false},\"edits\":{\"a_csr_charter\":"
               "{\"text\":\"Charte en cours\",\"by\":\"Camille\",\"at\":\"2026-11-28\"}}}",
               &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"edited_by\":\"Camille\""));
    assert_non_null(strstr(r.body, "Charte en cours"));
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/diagnostic/company",
               "{\"answers\":{},\"edits\":{\"a_csr_charter\":{\"priority\":\"vite\","
               "\"by\":\"C\",\"at\":\"d\"}}}",
               &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_field"),
                        "edits.a_csr_charter.priority");
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/diagnostic/company",
               "{\"answers\":{},\"answer\":{}}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "answers");
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/diagnostic/project",
               "{\"type\":\"fiction\",\"overrides\":{\"food\":{\"impact\":\"huge\"}}}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_field"), "overrides.food.impact");
    support_resp_free(&r);
    /* The C1 PDF prints whole sentences (a cut read "d'un projet à l'autr")
     * and marker names, not keys. */
    office_req("POST", "/api/v1/productions/p1/diagnostic/company?format=pdf",
               "{\"answers\":{\"standard_methods\":\"partial\",\"intermittent_pct\":80,"
               "\"crew_briefing\":true,\"afnor_chapters\":{\"digital\":0,\"governance\":2}}}",
               &r);
    assert_int_equal(r.status, 200);
    {
        char *text = pdf_text(&r);
        for (char *c = text; *c != '\0'; c++)
            if (*c == '\n')
                *c = ' ';
        assert_non_null(strstr(text, "d'un projet à l'autre."));
        assert_null(strstr(text, "staff_turnover_pct"));
        assert_null(strstr(text, "standard_methods"));
        assert_non_null(strstr(text, "Méthodes standardisées"));
        assert_non_null(strstr(text, "Sobriété numérique : niveau 0 sur 3"));
        free(text);
    }
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/diagnostic/company",
               "{\"answers\":{\"afnor_chapters\":{\"paper\":1}}}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_field"), "afnor_chapters.paper");
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/diagnostic/company", "{\"answers\":[]}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "answers");
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/diagnostic/company", "{\"answers\":", &r);
    support_assert_error(&r, 400, "malformed_json");
    support_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(push_pull_round_trip),
        cmocka_unit_test(whole_request_refusals),
        cmocka_unit_test(office_resolves_conflicts_and_quarantine),
        cmocka_unit_test(footprint_endpoints),
        cmocka_unit_test(diagnostic_endpoints),
        cmocka_unit_test(sync_metrics_count),
        cmocka_unit_test(plan_endpoints),
        cmocka_unit_test(signed_communications),
        cmocka_unit_test(pull_without_own_ops), /* last: its readings add to footprints */
    };
    int rc;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
