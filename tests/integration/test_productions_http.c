/*
 * test_productions_http.c - a company's life from an empty database, through
 * the real server over HTTP: the setup link (wrong, expired, used: 403 and
 * nothing created), the first administrator signed in, productions created,
 * refused (400/409 naming the field), edited, listed; a crew member, an
 * invite, a paired phone's reading; archiving (the phone's push answers 409
 * production_archived), reopening (the same push goes through).
 */
#define _GNU_SOURCE /* asprintf */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "clock.h"
#include "company.h"
#include "db.h"
#include "err.h"
#include "support.h"
#include "sync.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct support_server srv;

/* The office session the setup opened. */
static char cookie[256], csrf[128];

static void req(const char *method, const char *path, const char *body, struct support_resp *out)
{
    char url[512];
    const char *headers[] = {cookie, csrf, NULL};
    snprintf(url, sizeof(url), "%s%s", srv.base, path);
    support_http(method, url, cookie[0] != '\0' ? headers : NULL, body, -1, out);
}

/* Expects status and code, and returns the field named (static copy). */
static const char *expect(const char *method, const char *path, const char *body, long status,
                          const char *code)
{
    static char field[64];
    struct support_resp r;
    const char *f;

    req(method, path, body, &r);
    if (r.status != status)
        fail_msg("%s %s: expected %ld, got %ld %s", method, path, status, r.status, r.body);
    f = support_assert_error(&r, status, code);
    snprintf(field, sizeof(field), "%s", f != NULL ? f : "");
    support_resp_free(&r);
    return field;
}

static json_t *ok(const char *method, const char *path, const char *body, long status)
{
    struct support_resp r;
    json_t *j;

    req(method, path, body, &r);
    if (r.status != status)
        fail_msg("%s %s: expected %ld, got %ld %s", method, path, status, r.status, r.body);
    j = support_resp_json(&r);
    support_resp_free(&r);
    return j;
}

/* A setup token minted straight into the database, as the server's first start does. */
static void mint(int64_t now, char token[COMPANY_TOKEN_LEN + 1])
{
    struct db *db = NULL;
    struct ep_error err = {0};
    assert_int_equal(db_open(srv.app.db_path, &db, &err), EP_OK);
    assert_int_equal(company_setup_token_new(db, now, token), EP_OK);
    db_close(db);
}

static int count(const char *sql)
{
    struct db *db = NULL;
    sqlite3_stmt *st = NULL;
    struct ep_error err = {0};
    int n = -1;
    assert_int_equal(db_open(srv.app.db_path, &db, &err), EP_OK);
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    db_close(db);
    return n;
}

static int setup_srv(void **state)
{
    (void)state;
    cookie[0] = csrf[0] = '\0';
    support_server_start(&srv, NULL);
    return 0;
}

static int teardown_srv(void **state)
{
    (void)state;
    support_server_stop(&srv);
    return 0;
}

static char *setup_body(const char *token, const char *siret, const char *pw)
{
    char *b = NULL;
    assert_true(asprintf(&b,
                         "{\"token\":\"%s\",\"company\":{\"name\":\"Films du Doubs\",\"siret\":"
                         "\"%s\",\"city\":\"Besançon\"},\"admin\":{\"name\":\"Inès Roy\","
                         "\"email\":\"ines@doubs.fr\",\"password\":\"%s\"}}",
                         token, siret, pw) > 0);
    return b;
}

static void setup_needs_a_good_token(void **state)
{
    char token[COMPANY_TOKEN_LEN + 1], old[COMPANY_TOKEN_LEN + 1];
    char *b;
    json_t *j;
    struct support_resp r;
    const char *c, *end;
    (void)state;

    j = ok("GET", "/api/v1/setup", NULL, 200);
    assert_true(json_is_false(json_object_get(j, "set_up")));
    json_decref(j);
    /* Nobody without a token claims the server. */
    b = setup_body("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "73282932000074",
                   "la Loue en automne");
    assert_string_equal(expect("POST", "/api/v1/setup", b, 403, "setup_token_invalid"), "token");
    free(b);
    mint(clock_now_ms() - COMPANY_TOKEN_TTL_MS - 1000, old);
    b = setup_body(old, "73282932000074", "la Loue en automne");
    expect("POST", "/api/v1/setup", b, 403, "setup_token_expired");
    free(b);
    assert_int_equal(count("SELECT count(*) FROM account"), 0);
    assert_int_equal(count("SELECT count(*) FROM company"), 0);
    /* Bad fields name themselves; the token is not spent on them. */
    mint(clock_now_ms(), token);
    b = setup_body(token, "73282932000075", "la Loue en automne");
    assert_string_equal(expect("POST", "/api/v1/setup", b, 400, "invalid_request"),
                        "company.siret");
    free(b);
    b = setup_body(token, "", "short");
    assert_string_equal(expect("POST", "/api/v1/setup", b, 400, "invalid_request"),
                        "admin.password");
    free(b);
    expect("POST", "/api/v1/setup", "{\"token\":\"x\"}", 400, "invalid_request");
    /* Right: the company, the administrator, a session. */
    b = setup_body(token, "732 829 320 00074", "la Loue en automne");
    req("POST", "/api/v1/setup", b, &r);
    if (r.status != 201)
        fail_msg("setup: %ld %s", r.status, r.body);
    c = strstr(r.headers, "ep_session=");
    assert_non_null(c);
    end = strpbrk(c, ";\r\n");
    snprintf(cookie, sizeof(cookie), "Cookie: %.*s", (int)(end - c), c);
    j = support_resp_json(&r);
    snprintf(csrf, sizeof(csrf), "X-EP-CSRF: %s", json_string_value(json_object_get(j, "csrf")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "company"), "siret")),
                        "73282932000074");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "account"), "email")),
                        "ines@doubs.fr");
    json_decref(j);
    support_resp_free(&r);
    /* Single use, and nothing else claims it now. */
    expect("POST", "/api/v1/setup", b, 403, "setup_token_used");
    free(b);
    mint(clock_now_ms(), token);
    b = setup_body(token, "", "la Loue en automne");
    expect("POST", "/api/v1/setup", b, 403, "setup_done");
    free(b);
    assert_int_equal(count("SELECT count(*) FROM account"), 1);
    j = ok("GET", "/api/v1/auth/me", NULL, 200);
    json_decref(j);
}

static const char film[] =
    "{\"title\":\"La Source\",\"kind\":\"short\",\"phases\":{"
    "\"preparation\":{\"from\":\"2027-02-01\",\"to\":\"2027-02-28\"},"
    "\"shooting\":{\"from\":\"2027-03-01\",\"to\":\"2027-03-14\"},"
    "\"post_production\":{\"from\":\"2027-03-15\",\"to\":\"2027-05-31\"}},"
    "\"days_off\":[\"2027-03-07\"],\"locations\":[{\"name\":\"Source de la Loue\","
    "\"commune\":\"Ouhans\",\"protected\":true},{\"name\":\"Plateau\",\"lat\":47.0,"
    "\"lon\":6.3}],\"departments\":[\"regie\",\"catering\"],\"crew_size\":18,"
    "\"budget_eur\":250000}";

/* The whole path: setup, production, member, phone, reading, archive. */
static void a_production_from_nothing(void **state)
{
    json_t *j;
    char id[80], path[256], body[512], code[64], pk[64], tom[80], sql[256];
    struct support_resp r;
    struct support_phone ph;
    char *op, *push;

    setup_needs_a_good_token(state);
    /* Refusals name their field. */
    assert_string_equal(expect("POST", "/api/v1/productions",
                               "{\"title\":\"X\",\"kind\":\"opera\"}", 400, "invalid_request"),
                        "kind");
    assert_string_equal(expect("POST", "/api/v1/productions",
                               "{\"title\":\"X\",\"kind\":\"fiction\",\"phases\":{\"shooting\":"
                               "{\"from\":\"2027-03-10\",\"to\":\"2027-03-01\"}}}",
                               400, "invalid_request"),
                        "phases.shooting.to");
    assert_string_equal(
        expect("POST", "/api/v1/productions",
               "{\"title\":\"X\",\"kind\":\"fiction\",\"phases\":{\"shooting\":"
               "{\"from\":\"2027-03-01\",\"to\":\"2027-03-10\"}},\"days_off\":[\"2027-04-01\"]}",
               400, "invalid_request"),
        "days_off[0]");
    assert_string_equal(expect("POST", "/api/v1/productions",
                               "{\"title\":\"X\",\"kind\":\"fiction\",\"stars\":5}", 400,
                               "invalid_request"),
                        "stars");
    j = ok("POST", "/api/v1/productions", film, 201);
    snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(j, "id")));
    assert_int_equal(strncmp(id, "la-source-", 10), 0);
    assert_int_equal(json_integer_value(json_object_get(j, "shooting_days")), 13);
    assert_string_equal(json_string_value(json_object_get(j, "rhythm")), "auto");
    assert_string_equal(json_string_value(json_object_get(j, "rhythm_effective")), "daily");
    json_decref(j);
    assert_string_equal(expect("POST", "/api/v1/productions", film, 409, "title_taken"), "title");
    /* Edit part of it: the rest stays. */
    snprintf(path, sizeof(path), "/api/v1/productions/%s", id);
    j = ok("PUT", path, "{\"rhythm\":\"weekly\",\"crew_size\":20}", 200);
    assert_string_equal(json_string_value(json_object_get(j, "rhythm_effective")), "weekly");
    assert_int_equal(json_integer_value(json_object_get(j, "crew_size")), 20);
    assert_int_equal(json_array_size(json_object_get(j, "locations")), 2);
    json_decref(j);
    assert_string_equal(expect("PUT", path,
                               "{\"phases\":{\"shooting\":{\"from\":\"2027-03-01\",\"to\":"
                               "\"2027-03-05\"}}}",
                               400, "invalid_request"),
                        "days_off[0]");
    j = ok("GET", "/api/v1/productions", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(j, "productions")), 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "company"), "name")),
                        "Films du Doubs");
    json_decref(j);
    expect("GET", "/api/v1/productions/nope-123456", NULL, 404, "not_found");

    /* A crew member, invited, pairs a phone and sends a reading. */
    snprintf(path, sizeof(path), "/api/v1/productions/%s/members", id);
    j = ok("POST", path, "{\"name\":\"Tom\",\"department\":\"regie\",\"role\":\"crew\"}", 201);
    snprintf(tom, sizeof(tom), "%s", json_string_value(json_object_get(j, "id")));
    snprintf(body, sizeof(body), "{\"member_id\":\"%s\"}", tom);
    json_decref(j);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/invites", id);
    j = ok("POST", path, body, 201);
    snprintf(code, sizeof(code), "%s", json_string_value(json_object_get(j, "code")));
    assert_non_null(strstr(json_string_value(json_object_get(j, "link")), "/#pair="));
    json_decref(j);
    support_phone_init(&ph, "unused");
    sodium_bin2base64(pk, sizeof(pk), ph.pk, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(body, sizeof(body), "{\"code\":\"%s\",\"public_key\":\"%s\",\"name\":\"Pixel\"}", code,
             pk);
    j = ok("POST", "/api/v1/devices/pair", body, 201);
    snprintf(ph.id, sizeof(ph.id), "%s", json_string_value(json_object_get(j, "device_id")));
    ph.counter = 0;
    json_decref(j);
    {
        char hlc[SYNC_HLC_LEN + 1];
        ph.hlc = sync_hlc_tick(ph.hlc, clock_now_ms());
        sync_hlc_format(ph.hlc, hlc);
        assert_true(asprintf(&op,
                             "{\"op\":\"op-1\",\"col\":\"readings\",\"id\":\"rd-1\",\"kind\":"
                             "\"add\",\"hlc\":\"%s\",\"dev\":\"%s\",\"fields\":{\"indicator\":"
                             "\"van_km\",\"value\":40,\"unit\":\"km\",\"dept\":\"regie\","
                             "\"at\":\"2027-03-02\"}}",
                             hlc, ph.id) > 0);
    }
    assert_true(asprintf(&push, "{\"schema\":1,\"device\":\"%s\",\"ops\":[%s]}", ph.id, op) > 0);
    support_phone_request(&ph, srv.base, "POST", "/api/v1/sync/push", NULL, push, -1, &r);
    if (r.status != 200)
        fail_msg("push: %ld %s", r.status, r.body);
    support_resp_free(&r);

    /* Archived: frozen for phones, readable for the office. */
    snprintf(path, sizeof(path), "/api/v1/productions/%s/archive", id);
    j = ok("POST", path, NULL, 200);
    assert_true(json_is_integer(json_object_get(j, "archived_at")));
    json_decref(j);
    free(op);
    free(push);
    {
        char hlc[SYNC_HLC_LEN + 1];
        ph.hlc = sync_hlc_tick(ph.hlc, clock_now_ms());
        sync_hlc_format(ph.hlc, hlc);
        assert_true(asprintf(&op,
                             "{\"op\":\"op-2\",\"col\":\"readings\",\"id\":\"rd-2\",\"kind\":"
                             "\"add\",\"hlc\":\"%s\",\"dev\":\"%s\",\"fields\":{\"indicator\":"
                             "\"van_km\",\"value\":12,\"unit\":\"km\",\"dept\":\"regie\","
                             "\"at\":\"2027-03-03\"}}",
                             hlc, ph.id) > 0);
    }
    assert_true(asprintf(&push, "{\"schema\":1,\"device\":\"%s\",\"ops\":[%s]}", ph.id, op) > 0);
    support_phone_request(&ph, srv.base, "POST", "/api/v1/sync/push", NULL, push, -1, &r);
    support_assert_error(&r, 409, "production_archived");
    support_resp_free(&r);
    assert_int_equal(count("SELECT count(*) FROM sync_op WHERE op_id = 'op-2'"), 0);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/footprint", id);
    j = ok("GET", path, NULL, 200);
    json_decref(j);
    /* Reopened: the same ops, kept on the phone, go through. */
    snprintf(path, sizeof(path), "/api/v1/productions/%s/reopen", id);
    j = ok("POST", path, NULL, 200);
    assert_true(json_is_null(json_object_get(j, "archived_at")));
    json_decref(j);
    support_phone_request(&ph, srv.base, "POST", "/api/v1/sync/push", NULL, push, -1, &r);
    if (r.status != 200)
        fail_msg("push after reopen: %ld %s", r.status, r.body);
    support_resp_free(&r);
    assert_int_equal(count("SELECT count(*) FROM sync_op WHERE op_id = 'op-2'"), 1);
    free(op);
    free(push);
    /* The member list shows Tom's phone and its last sync. */
    snprintf(path, sizeof(path), "/api/v1/productions/%s/members", id);
    j = ok("GET", path, NULL, 200);
    {
        size_t k;
        json_t *mm;
        int found = 0;
        json_array_foreach(json_object_get(j, "members"), k, mm)
        {
            if (strcmp(json_string_value(json_object_get(mm, "name")), "Tom") != 0)
                continue;
            found = 1;
            assert_int_equal(json_integer_value(json_object_get(mm, "phones")), 1);
            assert_true(json_is_integer(json_object_get(mm, "last_sync_at")));
        }
        assert_true(found);
    }
    json_decref(j);
    /* Phones do not manage productions. */
    support_phone_request(&ph, srv.base, "GET", "/api/v1/productions", NULL, NULL, -1, &r);
    support_assert_error(&r, 403, "office_only");
    support_resp_free(&r);
    /* Removed, Tom's phone stops; what he sent stays, attributed to it. */
    snprintf(path, sizeof(path), "/api/v1/productions/%s/members/%s", id, tom);
    j = ok("DELETE", path, NULL, 200);
    json_decref(j);
    support_phone_request(&ph, srv.base, "GET", "/api/v1/sync/pull", "schema=1&cursor=", NULL, -1,
                          &r);
    assert_true(r.status == 401 || r.status == 403);
    support_resp_free(&r);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM sync_op WHERE dev = '%s'", ph.id);
    assert_int_equal(count(sql), 2);
}

/* Office members invited by email choose their own password, once. */
static void office_members_join_by_link(void **state)
{
    json_t *j;
    char id[80], path[256], body[512], token[64];
    struct support_resp r;
    const char *link;

    setup_needs_a_good_token(state);
    j = ok("POST", "/api/v1/productions", film, 201);
    snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/members", id);
    j = ok("POST", path,
           "{\"name\":\"Lou\",\"department\":\"production\",\"role\":\"eco_referent\","
           "\"email\":\"lou@doubs.fr\"}",
           201);
    link = json_string_value(json_object_get(j, "join_link"));
    assert_non_null(link);
    assert_non_null(strstr(link, "/#join="));
    /* The token, then the invitation's language for the page. */
    assert_non_null(strstr(link, "&lang=fr"));
    link = strstr(link, "#join=") + 6;
    snprintf(token, sizeof(token), "%.*s", (int)strcspn(link, "&"), link);
    assert_true(json_is_null(json_object_get(j, "account_id")));
    json_decref(j);
    /* Invited twice: 409 naming the field. */
    assert_string_equal(expect("POST", path,
                               "{\"name\":\"Lou\",\"department\":\"production\",\"role\":"
                               "\"eco_referent\",\"email\":\"LOU@doubs.fr\"}",
                               409, "already_invited"),
                        "email");
    /* The link: a wrong token, a short password, then right, then spent. */
    cookie[0] = csrf[0] = '\0';
    expect("POST", "/api/v1/auth/join",
           "{\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"password\":"
           "\"la Loue en automne\",\"name\":\"Lou\"}",
           403, "join_token_invalid");
    snprintf(body, sizeof(body), "{\"token\":\"%s\",\"password\":\"short\",\"name\":\"Lou\"}",
             token);
    assert_string_equal(expect("POST", "/api/v1/auth/join", body, 400, "weak_password"),
                        "password");
    snprintf(body, sizeof(body),
             "{\"token\":\"%s\",\"password\":\"la Loue en automne\",\"name\":\"Lou Martin\"}",
             token);
    req("POST", "/api/v1/auth/join", body, &r);
    if (r.status != 201)
        fail_msg("join: %ld %s", r.status, r.body);
    assert_non_null(strstr(r.headers, "ep_session="));
    j = support_resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "memberships"), 0), "role")),
                        "eco_referent");
    json_decref(j);
    support_resp_free(&r);
    expect("POST", "/api/v1/auth/join", body, 403, "join_token_used");
    assert_int_equal(count("SELECT count(*) FROM member WHERE name = 'Lou' AND account_id IS NOT "
                           "NULL"),
                     1);
}

/* A new production started from an earlier one: departments, rhythm, the
 * collection schedule and the plan's actions (as drafts); never readings. */
static void starting_from_an_earlier_production(void **state)
{
    json_t *j, *lib;
    char a[80], b[80], path[256], body[256], sql[256];

    setup_needs_a_good_token(state);
    j = ok("POST", "/api/v1/productions",
           "{\"title\":\"La Source\",\"kind\":\"short\",\"rhythm\":\"weekly\","
           "\"departments\":[\"regie\",\"catering\"],\"phases\":{\"shooting\":"
           "{\"from\":\"2027-03-01\",\"to\":\"2027-03-14\"}}}",
           201);
    snprintf(a, sizeof(a), "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/schedule/van_km", a);
    j = ok("PUT", path, "{\"frequency\":\"daily\",\"dept\":\"regie\"}", 200);
    json_decref(j);
    lib = ok("GET", "/api/v1/plan/library", NULL, 200);
    snprintf(body, sizeof(body), "{\"library\":\"%s\"}",
             json_string_value(
                 json_object_get(json_array_get(json_object_get(lib, "library"), 0), "id")));
    json_decref(lib);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/plan/from-library", a);
    j = ok("POST", path, body, 201);
    json_decref(j);
    assert_string_equal(expect("POST", "/api/v1/productions",
                               "{\"title\":\"B\",\"kind\":\"short\",\"from\":\"nope-1\"}", 404,
                               "not_found"),
                        "from");
    snprintf(body, sizeof(body), "{\"title\":\"La Source II\",\"kind\":\"short\",\"from\":\"%s\"}",
             a);
    j = ok("POST", "/api/v1/productions", body, 201);
    snprintf(b, sizeof(b), "%s", json_string_value(json_object_get(j, "id")));
    assert_string_equal(json_string_value(json_object_get(j, "rhythm")), "weekly");
    assert_int_equal(json_array_size(json_object_get(j, "departments")), 2);
    json_decref(j);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/schedule", b);
    j = ok("GET", path, NULL, 200);
    {
        size_t k;
        json_t *it;
        int seen = 0;
        json_array_foreach(json_object_get(j, "items"), k, it)
        {
            if (strcmp(json_string_value(json_object_get(it, "indicator")), "van_km") == 0) {
                seen = 1;
                assert_string_equal(json_string_value(json_object_get(it, "frequency")), "daily");
                assert_string_equal(json_string_value(json_object_get(it, "source")), "office");
            }
        }
        assert_true(seen);
    }
    json_decref(j);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM sync_record WHERE production_id = '%s' AND col = 'actions' "
             "AND json_extract(state, '$.status') = 'draft'",
             b);
    assert_int_equal(count(sql), 1);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM sync_fact WHERE production_id = '%s'", b);
    assert_int_equal(count(sql), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(setup_needs_a_good_token, setup_srv, teardown_srv),
        cmocka_unit_test_setup_teardown(a_production_from_nothing, setup_srv, teardown_srv),
        cmocka_unit_test_setup_teardown(office_members_join_by_link, setup_srv, teardown_srv),
        cmocka_unit_test_setup_teardown(starting_from_an_earlier_production, setup_srv,
                                        teardown_srv),
    };
    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
