#define _GNU_SOURCE /* asprintf() */
/*
 * test_collect_http.c - the collection schedule API over real HTTP on
 * loopback: the office reads and edits it, a phone reads its own reminders
 * and may not edit, and every bad input gets the one JSON error shape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth.h"
#include "clock.h"
#include "seed.h"
#include "support.h"
#include "sync.h"

#include <curl/curl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct support_server srv;
static struct support_office office;
static struct support_phone van, cook;

static int setup(void **state)
{
    sqlite3 *h = NULL;
    (void)state;
    support_server_start(&srv, NULL);
    support_seed_people(
        srv.app.db_path,
        "[{\"id\":\"m-admin\",\"name\":\"Aline\",\"department\":\"production\",\"role\":"
        "\"eco_referent\",\"email\":\"aline@test.fr\"},"
        "{\"id\":\"m-van\",\"name\":\"Bruno\",\"department\":\"regie\",\"role\":\"crew\","
        "\"device\":\"dev-van\"},"
        "{\"id\":\"m-cook\",\"name\":\"Chloé\",\"department\":\"catering\",\"role\":\"crew\","
        "\"device\":\"dev-cook\"}]");
    /* An 8-day commercial: collected daily. */
    assert_int_equal(sqlite3_open(srv.app.db_path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h,
                                  "UPDATE production SET kind = 'advertising', starts_on = "
                                  "'2026-09-07', ends_on = '2026-09-14' WHERE id = 'p1'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    support_phone_init(&van, "dev-van");
    support_phone_init(&cook, "dev-cook");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    support_server_stop(&srv);
    return 0;
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

static json_t *item_of(json_t *obj, const char *indicator)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(obj, "items"), i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "indicator")), indicator) == 0)
            return it;
    }
    return NULL;
}

/* Pushes one van_km reading of the régie dated at. */
static void van_reading(const char *rid, const char *at)
{
    char hlc[SYNC_HLC_LEN + 1], *body = NULL;
    struct support_resp r;
    json_t *j;

    van.hlc = sync_hlc_tick(van.hlc, clock_now_ms());
    sync_hlc_format(van.hlc, hlc);
    assert_true(asprintf(&body,
                         "{\"schema\":1,\"device\":\"dev-van\",\"ops\":[{\"op\":\"op-%s\",\"col\":"
                         "\"readings\",\"id\":\"%s\",\"kind\":\"add\",\"hlc\":\"%s\",\"dev\":"
                         "\"dev-van\",\"fields\":{\"indicator\":\"van_km\",\"value\":80,"
                         "\"unit\":\"km\",\"dept\":\"regie\",\"at\":\"%s\"}}]}",
                         rid, rid, hlc, at) > 0);
    support_phone_request(&van, srv.base, "POST", "/api/v1/sync/push", NULL, body, -1, &r);
    free(body);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "results"), 0), "status")),
                        "applied");
    json_decref(j);
    support_resp_free(&r);
}

static void office_reads_and_edits_the_schedule(void **state)
{
    struct support_resp r;
    json_t *j;
    (void)state;

    office_login();
    office_req("GET", "/api/v1/productions/p1/schedule", NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "frequency")), "daily");
    assert_int_equal(json_array_size(json_object_get(j, "items")), 72); /* meals_unknown too */
    json_decref(j);
    support_resp_free(&r);

    office_req("PUT", "/api/v1/productions/p1/schedule/meals_vegan",
               "{\"frequency\":\"weekly\",\"dept\":\"catering\",\"member_id\":\"m-cook\"}", &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(item_of(j, "meals_vegan"), "source")),
                        "office");
    assert_string_equal(
        json_string_value(json_object_get(item_of(j, "meals_vegan"), "member_name")), "Chloé");
    json_decref(j);
    support_resp_free(&r);
    /* member_id null: anyone in the department. */
    office_req("PUT", "/api/v1/productions/p1/schedule/van_km",
               "{\"frequency\":\"daily\",\"dept\":\"regie\",\"member_id\":null}", &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
}

static void bad_input_is_refused_clearly(void **state)
{
    struct support_resp r;
    (void)state;

    office_req("PUT", "/api/v1/productions/p1/schedule/unicorn_kg",
               "{\"frequency\":\"daily\",\"dept\":\"regie\"}", &r);
    assert_string_equal(support_assert_error(&r, 404, "unknown_indicator"), "indicator");
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/schedule/van_km",
               "{\"frequency\":\"hourly\",\"dept\":\"regie\"}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "frequency");
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/schedule/van_km", "{\"dept\":\"regie\"}", &r);
    support_assert_error(&r, 400, "invalid_request");
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/schedule/van_km",
               "{\"frequency\":\"daily\",\"dept\":\"regie\",\"colour\":\"red\"}", &r);
    support_assert_error(&r, 400, "invalid_request");
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/schedule/van_km",
               "{\"frequency\":\"daily\",\"dept\":\"\"}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "dept");
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/schedule/van_km",
               "{\"frequency\":\"daily\",\"dept\":\"regie\",\"member_id\":42}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "member_id");
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/schedule/van_km",
               "{\"frequency\":\"daily\",\"dept\":\"regie\",\"member_id\":\"m-ghost\"}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "member_id");
    support_resp_free(&r);
    /* Chloé (catering) cannot be given the régie's van. */
    office_req("PUT", "/api/v1/productions/p1/schedule/van_km",
               "{\"frequency\":\"daily\",\"dept\":\"regie\",\"member_id\":\"m-cook\"}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "dept");
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/schedule/van_km", "{\"frequency\":", &r);
    support_assert_error(&r, 400, "malformed_json");
    support_resp_free(&r);
    office_req("DELETE", "/api/v1/productions/p1/schedule/unicorn_kg", NULL, &r);
    assert_string_equal(support_assert_error(&r, 404, "unknown_indicator"), "indicator");
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/collect/missing?today=2026-13-45", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "today");
    support_resp_free(&r);
    /* Nothing was changed by the refusals. */
    office_req("GET", "/api/v1/productions/p1/schedule", NULL, &r);
    assert_int_equal(r.status, 200);
    {
        json_t *j = support_resp_json(&r);
        assert_string_equal(json_string_value(json_object_get(item_of(j, "van_km"), "dept")),
                            "regie");
        assert_string_equal(json_string_value(json_object_get(item_of(j, "van_km"), "frequency")),
                            "daily");
        json_decref(j);
    }
    support_resp_free(&r);
}

static void phones_read_their_reminders_and_cannot_edit(void **state)
{
    struct support_resp r;
    json_t *j, *it;
    (void)state;

    support_phone_request(&van, srv.base, "PUT", "/api/v1/productions/p1/schedule/van_km", NULL,
                          "{\"frequency\":\"none\",\"dept\":\"regie\"}", -1, &r);
    support_assert_error(&r, 403, "forbidden");
    support_resp_free(&r);
    support_phone_request(&van, srv.base, "DELETE", "/api/v1/productions/p1/schedule/van_km", NULL,
                          NULL, -1, &r);
    support_assert_error(&r, 403, "forbidden");
    support_resp_free(&r);

    van_reading("rd-1", "2026-09-07");
    van_reading("rd-2", "2026-09-09");
    support_phone_request(&van, srv.base, "GET", "/api/v1/productions/p1/collect/mine",
                          "today=2026-09-10", NULL, -1, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    /* Bruno (régie) sees the régie's items, not the caterer's meals. */
    assert_non_null(item_of(j, "van_km"));
    assert_null(item_of(j, "meals_vegan"));
    it = item_of(j, "van_km");
    assert_int_equal(json_array_size(json_object_get(it, "missing")), 1); /* the 8th */
    assert_false(json_is_true(json_object_get(json_object_get(it, "due"), "done")));
    json_decref(j);
    support_resp_free(&r);

    support_phone_request(&cook, srv.base, "GET", "/api/v1/productions/p1/collect/mine",
                          "today=2026-09-10", NULL, -1, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_non_null(item_of(j, "meals_vegan"));
    assert_null(item_of(j, "van_km"));
    json_decref(j);
    support_resp_free(&r);

    /* The office's view: everyone's, with the completeness. */
    office_req("GET", "/api/v1/productions/p1/collect/missing?today=2026-09-10", NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    /* van_km: the 7th, 8th and 9th have ended, two reported; the
     * caterer's first week has not ended yet. */
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(j, "completeness"), "expected")), 3);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(j, "completeness"), "reported")), 2);
    assert_int_equal(json_array_size(json_object_get(item_of(j, "van_km"), "missing")), 1);
    json_decref(j);
    support_resp_free(&r);

    /* The footprint and the comparison say how complete the collection is. */
    office_req("GET", "/api/v1/productions/p1/footprint", NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_true(json_is_integer(json_object_get(json_object_get(j, "collection"), "expected")));
    assert_true(json_integer_value(json_object_get(json_object_get(j, "collection"), "reported")) >=
                2);
    json_decref(j);
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/footprint/compare", NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_non_null(json_object_get(json_object_get(j, "collection"), "ratio"));
    json_decref(j);
    support_resp_free(&r);

    /* Nobody reads another production's schedule. */
    support_phone_request(&van, srv.base, "GET", "/api/v1/productions/p2/schedule", NULL, NULL, -1,
                          &r);
    assert_true(r.status == 403 || r.status == 404);
    support_resp_free(&r);
    /* Reset to the default: the production neither estimated nor read vegan
     * meals, so they leave the schedule; the van, read, stays. */
    office_req("DELETE", "/api/v1/productions/p1/schedule/meals_vegan", NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_null(item_of(j, "meals_vegan"));
    assert_non_null(item_of(j, "van_km"));
    json_decref(j);
    support_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(office_reads_and_edits_the_schedule),
        cmocka_unit_test(bad_input_is_refused_clearly),
        cmocka_unit_test(phones_read_their_reminders_and_cannot_edit),
    };
    int rc;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
