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

/* GET path as the office, the body as JSON (the caller frees it). */
static json_t *office_json(const char *path)
{
    struct support_resp r;
    json_t *j;
    office_req("GET", path, NULL, &r);
    if (r.status != 200)
        fail_msg("%s: %ld %s", path, (long)r.status, r.body);
    j = support_resp_json(&r);
    support_resp_free(&r);
    return j;
}

static json_t *dysfunction_of(json_t *d, const char *indicator)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(d, "dysfunctions"), i, x)
    {
        size_t k;
        json_t *y;
        if (strcmp(json_string_value(json_object_get(x, "kind")), "missed_readings") != 0)
            continue;
        /* An entry stands for one line, or for every line of its group. */
        json_array_foreach(json_object_get(x, "indicators"), k, y)
        {
            if (strcmp(json_string_value(y), indicator) == 0)
                return x;
        }
    }
    return NULL;
}

/*
 * One notion of missing (docs/carbon.md, "Collection schedule and what is
 * missing"): a two-week shoot with its weekend off
 * and a post-production phase. Collecte (collect/missing), the dashboard
 * (plan/dysfunctions), the phone's reminders (collect/mine) and the
 * footprint's completeness (footprint) agree, period for period; no
 * Saturday or Sunday is ever missing; post-production counts in post only.
 * (The phone's offline copy of the rule runs tests/vectors/collect/.)
 */
static void four_places_agree_on_weekends_and_post(void **state)
{
    struct support_resp r;
    sqlite3 *h = NULL;
    json_t *missing, *dys, *mine, *fp, *devs, *it, *p;
    size_t i, j, with_missing = 0, listed = 0;
    (void)state;

    assert_int_equal(sqlite3_open(srv.app.db_path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h,
                                  "UPDATE production SET ends_on = '2026-09-18', days_off = "
                                  "'[\"2026-09-12\",\"2026-09-13\"]', post_from = '2026-09-21', "
                                  "post_to = '2026-10-02' WHERE id = 'p1';"
                                  /* Chloé's phone last synced on Tuesday 15. */
                                  "UPDATE device SET created_at = 0, last_sync_at = "
                                  "1789473600000 WHERE id = 'dev-cook';"
                                  /* The devices list is the admin's. */
                                  "UPDATE member SET role = 'admin' WHERE id = 'm-admin'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    office_login();
    /* Every meal count, daily, by Chloé: one step. */
    office_req("PUT", "/api/v1/productions/p1/schedule-groups/meals",
               "{\"frequency\":\"daily\",\"dept\":\"catering\",\"member_id\":\"m-cook\"}", &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/schedule-groups/desserts",
               "{\"frequency\":\"daily\",\"dept\":\"catering\"}", &r);
    assert_string_equal(support_assert_error(&r, 404, "unknown_group"), "group");
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/schedule/storage_tb_year",
               "{\"frequency\":\"daily\",\"dept\":\"post\"}", &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);

    /* Wednesday 23, in post. */
    missing = office_json("/api/v1/productions/p1/collect/missing?today=2026-09-23");
    dys = office_json("/api/v1/productions/p1/plan/dysfunctions?today=2026-09-23");
    fp = office_json("/api/v1/productions/p1/footprint?today=2026-09-23");
    support_phone_request(&cook, srv.base, "GET", "/api/v1/productions/p1/collect/mine",
                          "today=2026-09-23", NULL, -1, &r);
    assert_int_equal(r.status, 200);
    mine = support_resp_json(&r);
    support_resp_free(&r);

    /* The van: ten shooting days, two read, eight missing, no weekend. */
    it = item_of(missing, "van_km");
    assert_int_equal(json_integer_value(json_object_get(it, "periods")), 10);
    assert_int_equal(json_array_size(json_object_get(it, "missing")), 8);
    json_array_foreach(json_object_get(missing, "items"), i, it)
    {
        json_array_foreach(json_object_get(it, "missing"), j, p)
        {
            const char *from = json_string_value(json_object_get(p, "from"));
            assert_string_not_equal(from, "2026-09-12");
            assert_string_not_equal(from, "2026-09-13");
            assert_string_not_equal(from, "2026-09-19");
            assert_string_not_equal(from, "2026-09-20");
        }
    }
    /* Storage is post-production: Monday 21 and Tuesday 22 only. */
    it = item_of(missing, "storage_tb_year");
    assert_string_equal(json_string_value(json_object_get(it, "phase")), "post_production");
    assert_int_equal(json_array_size(json_object_get(it, "missing")), 2);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(it, "missing"), 0), "from")),
                        "2026-09-21");
    assert_string_equal(json_string_value(json_object_get(json_object_get(it, "due"), "from")),
                        "2026-09-23");
    /* Meals: every shooting day missing, for each of the group. */
    assert_int_equal(json_array_size(json_object_get(item_of(missing, "meals_unknown"), "missing")),
                     10);

    /* The dashboard lists exactly Collecte's items, with the same counts. */
    json_array_foreach(json_object_get(missing, "items"), i, it)
    {
        const json_t *ms = json_object_get(it, "missing");
        json_t *d = dysfunction_of(dys, json_string_value(json_object_get(it, "indicator")));
        if (json_array_size(ms) == 0) {
            assert_null(d);
            continue;
        }
        with_missing++;
        assert_non_null(d);
        assert_int_equal(json_integer_value(json_object_get(d, "missed")), json_array_size(ms));
        assert_string_equal(json_string_value(json_object_get(d, "since")),
                            json_string_value(json_object_get(json_array_get(ms, 0), "from")));
    }
    json_array_foreach(json_object_get(dys, "dysfunctions"), i, it) listed +=
        strcmp(json_string_value(json_object_get(it, "kind")), "missed_readings") == 0
            ? json_array_size(json_object_get(it, "indicators"))
            : 0;
    assert_int_equal(listed, with_missing);
    assert_true(with_missing >= 9); /* the van, seven meal counts, storage */
    /* The meals, scheduled together, are one entry on the dashboard. */
    {
        json_t *d = dysfunction_of(dys, "meals_fish");
        assert_ptr_equal(d, dysfunction_of(dys, "breakfasts"));
        assert_string_equal(json_string_value(json_object_get(d, "group")), "meals");
        assert_int_equal(json_array_size(json_object_get(d, "indicators")), 7);
    }

    /* The phone: Chloé's items are the office's, period for period, and
     * it carries the calendar its offline rule needs. */
    assert_true(json_array_size(json_object_get(mine, "items")) == 7);
    json_array_foreach(json_object_get(mine, "items"), i, it)
    {
        json_t *o = item_of(missing, json_string_value(json_object_get(it, "indicator")));
        assert_non_null(o);
        assert_true(json_equal(json_object_get(it, "missing"), json_object_get(o, "missing")));
        assert_true(json_equal(json_object_get(it, "due"), json_object_get(o, "due")));
    }
    assert_true(
        json_equal(json_object_get(mine, "calendar"), json_object_get(missing, "calendar")));
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(mine, "calendar"), "days_off")), 2);

    /* The completeness counts those lines: its missing periods are the
     * dashboard's, added up (the meals' ten days once, not once a diet). */
    listed = 0;
    json_array_foreach(json_object_get(dys, "dysfunctions"), i, it) listed +=
        strcmp(json_string_value(json_object_get(it, "kind")), "missed_readings") == 0
            ? (size_t)json_integer_value(json_object_get(it, "missed"))
            : 0;
    assert_int_equal(listed, 20); /* the van 8, the meals 10, storage 2 */
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(missing, "completeness"), "missing")),
        listed);

    /* The footprint's completeness is Collecte's. */
    assert_true(
        json_equal(json_object_get(fp, "collection"), json_object_get(missing, "completeness")));

    /* Chloé's phone, quiet since Tuesday 15: flagged with her name; the
     * period is Friday 18, her last shooting day ended, not the weekend. */
    devs = office_json("/api/v1/productions/p1/devices?today=2026-09-23");
    json_array_foreach(json_object_get(devs, "devices"), i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "id")), "dev-cook") != 0)
            continue;
        assert_true(json_is_true(json_object_get(it, "stale")));
        assert_string_equal(json_string_value(json_object_get(it, "member_name")), "Chloé");
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(it, "period"), "from")),
            "2026-09-18");
        listed = 0;
    }
    assert_int_equal(listed, 0);
    json_decref(devs);
    /* On Friday 16 (15 ended, synced that day) she is not late. */
    devs = office_json("/api/v1/productions/p1/devices?today=2026-09-16");
    json_array_foreach(json_object_get(devs, "devices"), i,
                       it) if (strcmp(json_string_value(json_object_get(it, "id")), "dev-cook") ==
                               0) assert_true(json_is_false(json_object_get(it, "stale")));
    json_decref(devs);
    office_req("GET", "/api/v1/productions/p1/devices?today=23/09", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "today");
    support_resp_free(&r);

    /* The schedule page shows who changed what, and when. */
    fp = (json_decref(fp), office_json("/api/v1/productions/p1/schedule"));
    it = json_array_get(json_object_get(fp, "history"), 0);
    assert_string_equal(json_string_value(json_object_get(it, "indicator")), "storage_tb_year");
    assert_string_equal(json_string_value(json_object_get(it, "by_name")), "Aline");
    assert_true(json_integer_value(json_object_get(it, "at")) > 0);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(fp, "history"), 1), "group")),
                        "meals");
    assert_true(json_array_size(json_object_get(fp, "groups")) >= 1);

    json_decref(missing);
    json_decref(dys);
    json_decref(fp);
    json_decref(mine);
}

/*
 * The dashboard's dysfunctions speak the reader's language (docs/plan.md,
 * "Dysfunctions"): the same entries, item for item, with "why" and
 * "alternatives" in English for ?lang=en and in French otherwise; an
 * unknown language is refused.
 */
static void dysfunctions_in_the_readers_language(void **state)
{
    json_t *fr, *en, *x, *y;
    struct support_resp r;
    size_t i;
    (void)state;

    fr = office_json("/api/v1/productions/p1/plan/dysfunctions?today=2026-09-23&lang=fr");
    en = office_json("/api/v1/productions/p1/plan/dysfunctions?today=2026-09-23&lang=en");
    assert_true(json_array_size(json_object_get(fr, "dysfunctions")) > 0);
    assert_int_equal(json_array_size(json_object_get(fr, "dysfunctions")),
                     json_array_size(json_object_get(en, "dysfunctions")));
    json_array_foreach(json_object_get(en, "dysfunctions"), i, y)
    {
        x = json_array_get(json_object_get(fr, "dysfunctions"), i);
        assert_true(json_equal(json_object_get(x, "indicators"), json_object_get(y, "indicators")));
        if (strcmp(json_string_value(json_object_get(y, "kind")), "missed_readings") != 0)
            continue;
        assert_string_equal(json_string_value(json_object_get(x, "why")),
                            "Relevé du calendrier de collecte manqué.");
        assert_string_equal(json_string_value(json_object_get(y, "why")),
                            "A reading of the collection schedule was missed.");
        assert_string_equal(
            json_string_value(json_array_get(json_object_get(x, "alternatives"), 0)),
            "Programmer un rappel sur le téléphone à l'heure du relevé.");
        assert_string_equal(
            json_string_value(json_array_get(json_object_get(y, "alternatives"), 0)),
            "Set a reminder on the phone at the time of the reading.");
        assert_int_equal(json_array_size(json_object_get(y, "alternatives")), 3);
    }
    json_decref(fr);
    json_decref(en);
    office_req("GET", "/api/v1/productions/p1/plan/dysfunctions?today=2026-09-23&lang=de", NULL,
               &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "lang");
    support_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(office_reads_and_edits_the_schedule),
        cmocka_unit_test(bad_input_is_refused_clearly),
        cmocka_unit_test(phones_read_their_reminders_and_cannot_edit),
        cmocka_unit_test(four_places_agree_on_weekends_and_post),
        cmocka_unit_test(dysfunctions_in_the_readers_language),
    };
    int rc;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
