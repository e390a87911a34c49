/*
 * test_collect.c - the collection schedule: the three worked examples of the
 * issue (an 8-day commercial collected daily, a 10-week feature weekly, an
 * animation series monthly), period edges, and what is missing in a real
 * database: voids and corrections, office overrides, the person's view.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "collect.h"
#include "db.h"
#include "err.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long day(const char *iso)
{
    long d = 0;
    assert_int_equal(collect_day(iso, &d), EP_OK);
    return d;
}

static void assert_period(const struct collect_period *p, const char *from, const char *to)
{
    char a[11], b[11];
    collect_iso(p->from, a);
    collect_iso(p->to, b);
    assert_string_equal(a, from);
    assert_string_equal(b, to);
}

static void dates_and_names(void **state)
{
    enum collect_freq f;
    long d;
    char buf[11];
    (void)state;

    assert_int_equal(collect_day("1970-01-01", &d), EP_OK);
    assert_int_equal(d, 0);
    collect_iso(day("2028-02-29"), buf);
    assert_string_equal(buf, "2028-02-29");
    assert_int_equal(collect_day("2026-02-29", &d), EP_EINVAL); /* not a leap year */
    assert_int_equal(collect_day("2026-13-01", &d), EP_EINVAL);
    assert_int_equal(collect_day("2026-1-01", &d), EP_EINVAL);
    assert_int_equal(collect_day(NULL, &d), EP_EINVAL);
    assert_int_equal(collect_freq_parse("weekly", &f), EP_OK);
    assert_int_equal(f, COLLECT_WEEKLY);
    assert_int_equal(collect_freq_parse("hourly", &f), EP_EINVAL);
    assert_int_equal(collect_freq_parse(NULL, &f), EP_EINVAL);
    assert_string_equal(collect_freq_name(COLLECT_ONCE), "once");
}

/* An 8-day commercial: daily, eight periods of one day. */
static void commercial_is_daily(void **state)
{
    struct collect_period *p = NULL;
    size_t n = 0;
    enum collect_freq f = collect_default_frequency("advertising", "2026-03-02", "2026-03-09");
    (void)state;

    assert_int_equal(f, COLLECT_DAILY);
    assert_int_equal(
        collect_periods(f, day("2026-03-02"), day("2026-03-09"), day("2026-12-31"), &p, &n), EP_OK);
    assert_int_equal(n, 8);
    assert_period(&p[0], "2026-03-02", "2026-03-02");
    assert_period(&p[7], "2026-03-09", "2026-03-09");
    free(p);
    /* Seen on its fourth day: four periods have begun. */
    assert_int_equal(
        collect_periods(f, day("2026-03-02"), day("2026-03-09"), day("2026-03-05"), &p, &n), EP_OK);
    assert_int_equal(n, 4);
    free(p);
    /* Before the first day: nothing is due yet. */
    assert_int_equal(
        collect_periods(f, day("2026-03-02"), day("2026-03-09"), day("2026-03-01"), &p, &n), EP_OK);
    assert_int_equal(n, 0);
    assert_null(p);
    /* Tickets and invoices do not come daily; storage is known once. */
    assert_int_equal(collect_indicator_frequency(f, "train_tgv_pkm"), COLLECT_WEEKLY);
    assert_int_equal(collect_indicator_frequency(f, "van_km"), COLLECT_DAILY);
    assert_int_equal(collect_indicator_frequency(f, "storage_tb_year"), COLLECT_ONCE);
}

/* A 10-week feature: weekly, ten seven-day blocks from its first day, even
 * when that first day is a Wednesday. */
static void feature_is_weekly(void **state)
{
    struct collect_period *p = NULL;
    size_t n = 0;
    enum collect_freq f = collect_default_frequency("fiction", "2026-01-07", "2026-03-17");
    (void)state;

    assert_int_equal(f, COLLECT_WEEKLY);
    assert_int_equal(
        collect_periods(f, day("2026-01-07"), day("2026-03-17"), day("2026-03-17"), &p, &n), EP_OK);
    assert_int_equal(n, 10);
    assert_period(&p[0], "2026-01-07", "2026-01-13");
    assert_period(&p[9], "2026-03-11", "2026-03-17");
    free(p);
    /* A 9.5-week shoot: the last week is clipped to the last day. */
    assert_int_equal(
        collect_periods(f, day("2026-01-07"), day("2026-03-13"), day("2026-04-01"), &p, &n), EP_OK);
    assert_int_equal(n, 10);
    assert_period(&p[9], "2026-03-11", "2026-03-13");
    free(p);
    assert_int_equal(collect_indicator_frequency(f, "hotel_nights"), COLLECT_WEEKLY);
    /* No dates: weekly, the middle ground. */
    assert_int_equal(collect_default_frequency("fiction", NULL, NULL), COLLECT_WEEKLY);
    /* Eight months of shooting: monthly. */
    assert_int_equal(collect_default_frequency("series", "2026-01-05", "2026-08-28"),
                     COLLECT_MONTHLY);
}

/* An animation series: monthly, calendar months clipped to the production. */
static void animation_is_monthly(void **state)
{
    struct collect_period *p = NULL;
    size_t n = 0;
    enum collect_freq f = collect_default_frequency("animation", "2026-01-15", "2026-12-31");
    (void)state;

    assert_int_equal(f, COLLECT_MONTHLY);
    /* Even a short animation film is made in a studio that reports monthly. */
    assert_int_equal(collect_default_frequency("animation", "2026-01-15", "2026-01-20"),
                     COLLECT_MONTHLY);
    assert_int_equal(
        collect_periods(f, day("2026-01-15"), day("2026-12-31"), day("2027-06-01"), &p, &n), EP_OK);
    assert_int_equal(n, 12);
    assert_period(&p[0], "2026-01-15", "2026-01-31");
    assert_period(&p[1], "2026-02-01", "2026-02-28");
    assert_period(&p[11], "2026-12-01", "2026-12-31");
    free(p);
    assert_int_equal(collect_indicator_frequency(f, "train_tgv_pkm"), COLLECT_MONTHLY);
    assert_int_equal(collect_periods(COLLECT_ONCE, day("2026-01-15"), day("2026-12-31"),
                                     day("2026-02-01"), &p, &n),
                     EP_OK);
    assert_int_equal(n, 1);
    assert_period(&p[0], "2026-01-15", "2026-12-31");
    free(p);
    assert_int_equal(collect_periods(COLLECT_NONE, day("2026-01-15"), day("2026-12-31"),
                                     day("2026-02-01"), &p, &n),
                     EP_OK);
    assert_int_equal(n, 0);
    /* Reversed or absurd ranges are refused, not looped over. */
    assert_int_equal(
        collect_periods(f, day("2026-02-01"), day("2026-01-01"), day("2026-03-01"), &p, &n),
        EP_EINVAL);
    assert_int_equal(collect_periods(COLLECT_DAILY, day("2000-01-01"), day("2099-01-01"),
                                     day("2099-01-01"), &p, &n),
                     EP_EINVAL);
}

/* ---- in a database ------------------------------------------------------------ */

static char dir[256];
static struct db *db;

static void op(const char *col, const char *id, const char *fields)
{
    /* Readings are facts (added), estimates records (put). */
    json_t *ack =
        support_office_op(db, col, id, strcmp(col, "readings") == 0 ? "add" : "put", fields);
    if (strcmp(json_string_value(json_object_get(ack, "status")), "applied") != 0)
        fail_msg("%s: %s", id, json_string_value(json_object_get(ack, "reason")));
    json_decref(ack);
}

static void reading(const char *id, const char *ind, const char *unit, const char *dept,
                    const char *at)
{
    char f[256];
    snprintf(f, sizeof(f),
             "{\"indicator\":\"%s\",\"value\":10,\"unit\":\"%s\",\"dept\":\"%s\",\"at\":\"%s\"}",
             ind, unit, dept, at);
    op("readings", id, f);
}

static int db_setup(void **state)
{
    (void)state;
    support_tmpdir(dir);
    db = support_db(dir, "c.db");
    /* p1: a 7-day fiction shoot, so daily. */
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "UPDATE production SET starts_on = '2026-09-07', "
                                  "ends_on = '2026-09-13' WHERE id = 'p1';"
                                  "INSERT INTO member (id, production_id, name, department, role, "
                                  "created_at) VALUES ('m-cook', 'p1', 'Chloé', 'catering', "
                                  "'crew', 0), ('m-other', 'p2', 'Olga', 'catering', 'crew', 0)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return 0;
}

static int db_teardown(void **state)
{
    (void)state;
    db_close(db);
    support_rmtree(dir);
    return 0;
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

static json_int_t ival(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static void default_schedule_follows_the_production(void **state)
{
    json_t *s = NULL;
    (void)state;

    /* Nothing estimated, planned or read yet: every indicator, by default. */
    assert_int_equal(collect_schedule(db, "p1", &s), EP_OK);
    assert_string_equal(json_string_value(json_object_get(s, "frequency")), "daily");
    assert_int_equal(json_array_size(json_object_get(s, "items")), 72); /* meals_unknown too */
    assert_string_equal(
        json_string_value(json_object_get(item_of(s, "storage_tb_year"), "frequency")), "once");
    assert_string_equal(json_string_value(json_object_get(item_of(s, "van_km"), "dept")), "regie");
    json_decref(s);
    assert_int_equal(collect_schedule(db, "nope", &s), EP_ENOTFOUND);
    assert_null(s);

    /* Once the production works with some indicators, those are scheduled. */
    reading("r1", "van_km", "km", "regie", "2026-09-07");
    reading("r2", "van_km", "km", "regie", "2026-09-09");
    reading("r3", "van_km", "km", "regie", "2026-09-10T18:30:00Z"); /* a time is fine */
    reading("r4", "van_km", "km", "image", "2026-09-08");           /* another department */
    op("estimates", "e1", "{\"indicator\":\"meals_vegan\",\"value\":100,\"unit\":\"meal\"}");
    assert_int_equal(collect_schedule(db, "p1", &s), EP_OK);
    assert_int_equal(json_array_size(json_object_get(s, "items")), 2);
    assert_non_null(item_of(s, "van_km"));
    assert_string_equal(json_string_value(json_object_get(item_of(s, "meals_vegan"), "source")),
                        "default");
    json_decref(s);
}

static void missing_is_missing_not_zero(void **state)
{
    json_t *m = NULL, *van, *due;
    (void)state;

    assert_int_equal(collect_missing(db, "p1", "2026-09-10", NULL, NULL, &m), EP_OK);
    van = item_of(m, "van_km");
    /* 07, 08, 09 have ended: 08 missing (image's reading is not regie's). */
    assert_int_equal(ival(van, "periods"), 4);
    assert_int_equal(ival(van, "reported"), 2);
    assert_int_equal(json_array_size(json_object_get(van, "missing")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(van, "missing"), 0), "from")),
                        "2026-09-08");
    due = json_object_get(van, "due");
    assert_string_equal(json_string_value(json_object_get(due, "from")), "2026-09-10");
    assert_true(json_is_true(json_object_get(due, "done")));
    /* meals: three ended days, none reported. */
    assert_int_equal(json_array_size(json_object_get(item_of(m, "meals_vegan"), "missing")), 3);
    assert_false(
        json_is_true(json_object_get(json_object_get(item_of(m, "meals_vegan"), "due"), "done")));
    assert_int_equal(ival(json_object_get(m, "completeness"), "expected"), 6);
    assert_int_equal(ival(json_object_get(m, "completeness"), "reported"), 2);
    assert_int_equal(ival(json_object_get(m, "completeness"), "missing"), 4);
    json_decref(m);

    /* A voided reading no longer covers its day. */
    op("readings", "r2v",
       "{\"void\":true,\"supersedes\":\"r2\",\"indicator\":\"van_km\","
       "\"dept\":\"regie\",\"at\":\"2026-09-09\"}");
    assert_int_equal(collect_missing(db, "p1", "2026-09-10", NULL, NULL, &m), EP_OK);
    assert_int_equal(json_array_size(json_object_get(item_of(m, "van_km"), "missing")), 2);
    json_decref(m);

    /* After the shoot nothing is due any more; before it nothing is missing. */
    assert_int_equal(collect_missing(db, "p1", "2026-10-01", NULL, NULL, &m), EP_OK);
    assert_true(json_is_null(json_object_get(item_of(m, "van_km"), "due")));
    assert_int_equal(ival(json_object_get(m, "completeness"), "expected"), 14);
    json_decref(m);
    assert_int_equal(collect_missing(db, "p1", "2026-09-01", NULL, NULL, &m), EP_OK);
    assert_int_equal(ival(json_object_get(m, "completeness"), "expected"), 0);
    assert_true(json_is_null(json_object_get(json_object_get(m, "completeness"), "ratio")));
    json_decref(m);
    assert_int_equal(collect_missing(db, "p1", "10/09/2026", NULL, NULL, &m), EP_EINVAL);
}

/* docs/security.md: a COMMIT that fails on the way out leaves nothing behind, and
 * the connection is outside any transaction, ready for the next request. */
static void a_failed_commit_leaves_the_connection_clean(void **state)
{
    struct ep_error err;
    (void)state;

    db_fail_commits(db, 1);
    assert_int_equal(collect_set(db, "p1", "van_km", COLLECT_WEEKLY, "regie", NULL, "m-o", 1, &err),
                     EP_EIO);
    assert_true(db_clean(db));
    db_fail_commits(db, 1);
    assert_int_equal(collect_reset(db, "p1", "van_km", "m-o", 3), EP_EIO);
    assert_true(db_clean(db));
    /* The next write on the same connection works. */
    assert_int_equal(db_begin_write(db), EP_OK);
    assert_int_equal(db_commit(db), EP_OK);
}

static void office_overrides_and_persons(void **state)
{
    json_t *s = NULL, *m = NULL;
    struct ep_error err;
    (void)state;

    /* The caterer Chloé counts vegan meals weekly. */
    assert_int_equal(
        collect_set(db, "p1", "meals_vegan", COLLECT_WEEKLY, "catering", "m-cook", "m-o", 1, &err),
        EP_OK);
    /* Rushes storage now collected by post, though not yet estimated. */
    assert_int_equal(
        collect_set(db, "p1", "storage_tb_year", COLLECT_ONCE, "post", NULL, "m-o", 1, &err),
        EP_OK);
    assert_int_equal(
        collect_set(db, "p1", "unicorns", COLLECT_DAILY, "regie", NULL, "m-o", 1, &err),
        EP_ENOTFOUND);
    assert_string_equal(err.field, "indicator");
    /* A member of another production cannot be assigned. */
    assert_int_equal(
        collect_set(db, "p1", "van_km", COLLECT_DAILY, "regie", "m-other", "m-o", 1, &err),
        EP_EINVAL);
    assert_string_equal(err.field, "member_id");
    /* Chloé is a caterer: she cannot record the régie's readings. */
    assert_int_equal(
        collect_set(db, "p1", "van_km", COLLECT_DAILY, "regie", "m-cook", "m-o", 1, &err),
        EP_ECONFLICT);
    assert_string_equal(err.field, "dept");
    assert_int_equal(collect_set(db, "p1", "van_km", COLLECT_DAILY, "", NULL, "m-o", 1, &err),
                     EP_EINVAL);
    assert_string_equal(err.field, "dept");

    assert_int_equal(collect_schedule(db, "p1", &s), EP_OK);
    assert_int_equal(json_array_size(json_object_get(s, "items")), 3);
    assert_string_equal(
        json_string_value(json_object_get(item_of(s, "meals_vegan"), "member_name")), "Chloé");
    assert_string_equal(json_string_value(json_object_get(item_of(s, "meals_vegan"), "source")),
                        "office");
    json_decref(s);

    /* Chloé's view: her meals, not the régie's van. Weekly: one week
     * begun, nothing ended yet, so nothing missing, one due. */
    assert_int_equal(collect_missing(db, "p1", "2026-09-10", "m-cook", "catering", &m), EP_OK);
    assert_int_equal(json_array_size(json_object_get(m, "items")), 1);
    assert_int_equal(json_array_size(json_object_get(item_of(m, "meals_vegan"), "missing")), 0);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(item_of(m, "meals_vegan"), "due"), "to")),
        "2026-09-13");
    json_decref(m);
    /* Another régie member sees the van, which is anyone's in the department. */
    assert_int_equal(collect_missing(db, "p1", "2026-09-10", "m-x", "regie", &m), EP_OK);
    assert_int_equal(json_array_size(json_object_get(m, "items")), 1);
    assert_non_null(item_of(m, "van_km"));
    json_decref(m);

    /* "none": no longer collected, so never missing. */
    assert_int_equal(collect_set(db, "p1", "van_km", COLLECT_NONE, "regie", NULL, "m-o", 2, &err),
                     EP_OK);
    assert_int_equal(collect_missing(db, "p1", "2026-09-10", NULL, NULL, &m), EP_OK);
    assert_int_equal(json_array_size(json_object_get(item_of(m, "van_km"), "missing")), 0);
    assert_int_equal(ival(item_of(m, "van_km"), "periods"), 0);
    json_decref(m);
    /* Reset: back to the default. */
    assert_int_equal(collect_reset(db, "p1", "van_km", "m-o", 3), EP_OK);
    assert_int_equal(collect_reset(db, "p1", "unicorns", "m-o", 3), EP_ENOTFOUND);
    assert_int_equal(collect_schedule(db, "p1", &s), EP_OK);
    assert_string_equal(json_string_value(json_object_get(item_of(s, "van_km"), "frequency")),
                        "daily");
    assert_string_equal(json_string_value(json_object_get(item_of(s, "van_km"), "source")),
                        "default");
    json_decref(s);
    /* A production without dates lists its items with nothing missing. */
    assert_int_equal(collect_missing(db, "p2", "2026-09-10", NULL, NULL, &m), EP_OK);
    assert_int_equal(ival(json_object_get(m, "completeness"), "expected"), 0);
    assert_true(json_array_size(json_object_get(m, "items")) > 0);
    json_decref(m);
}

/* A vector's calendar as the production's dates (collect_item_periods' input). */
static void calendar_dates(const json_t *cal, struct production_dates *d)
{
    const json_t *shoot = json_object_get(cal, "shooting"),
                 *post = json_object_get(cal, "post_production");
    size_t i;
    json_t *off;

    memset(d, 0, sizeof(*d));
    d->prep_from = d->prep_to = PRODUCTION_NO_DAY;
    d->shoot_from = json_is_object(shoot) ? day(json_string_value(json_object_get(shoot, "from")))
                                          : PRODUCTION_NO_DAY;
    d->shoot_to = json_is_object(shoot) ? day(json_string_value(json_object_get(shoot, "to")))
                                        : PRODUCTION_NO_DAY;
    d->post_from = json_is_object(post) ? day(json_string_value(json_object_get(post, "from")))
                                        : PRODUCTION_NO_DAY;
    d->post_to = json_is_object(post) ? day(json_string_value(json_object_get(post, "to")))
                                      : PRODUCTION_NO_DAY;
    json_array_foreach(json_object_get(cal, "days_off"), i, off)
    {
        assert_true(i < PRODUCTION_DAYS_OFF_MAX);
        d->days_off[d->n_days_off++] = day(json_string_value(off));
    }
}

/* tests/vectors/collect/periods.json: the phone (tests/js/collect.test.mjs)
 * runs the same cases through its copy of the rule. */
static void shared_vectors(void **state)
{
    char path[1024];
    json_error_t err;
    json_t *v, *c, *at;
    size_t i, j;
    int cases = 0;
    (void)state;

    snprintf(path, sizeof(path), "%s/tests/vectors/collect/periods.json", EP_SOURCE_DIR);
    v = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (v == NULL)
        fail_msg("%s: %s", path, err.text);
    json_array_foreach(json_object_get(v, "cases"), i, c)
    {
        struct production_dates *d = calloc(1, sizeof(*d));
        struct collect_period *p = NULL;
        enum collect_freq f;
        enum collect_phase ph;
        size_t n = 0;
        const json_t *want = json_object_get(c, "periods");

        assert_non_null(d);
        calendar_dates(json_object_get(json_object_get(v, "calendars"),
                                       json_string_value(json_object_get(c, "calendar"))),
                       d);
        assert_int_equal(collect_freq_parse(json_string_value(json_object_get(c, "frequency")), &f),
                         EP_OK);
        assert_int_equal(collect_phase_parse(json_string_value(json_object_get(c, "phase")), &ph),
                         EP_OK);
        assert_int_equal(collect_item_periods(
                             f, ph, d, day(json_string_value(json_object_get(c, "until"))), &p, &n),
                         EP_OK);
        if (n != json_array_size(want))
            fail_msg("%s: %zu periods, expected %zu", json_string_value(json_object_get(c, "name")),
                     n, json_array_size(want));
        for (size_t k = 0; k < n; k++)
            assert_period(&p[k], json_string_value(json_array_get(json_array_get(want, k), 0)),
                          json_string_value(json_array_get(json_array_get(want, k), 1)));
        free(p);
        /* The period holding a day: among all the periods (until = far). */
        assert_int_equal(collect_item_periods(f, ph, d, day("2099-12-31"), &p, &n), EP_OK);
        json_array_foreach(json_object_get(c, "at"), j, at)
        {
            long x = day(json_string_value(json_array_get(at, 0)));
            const json_t *exp = json_array_get(at, 1);
            const struct collect_period *hit = NULL;
            for (size_t k = 0; k < n; k++)
                if (p[k].from <= x && x <= p[k].to)
                    hit = &p[k];
            if (json_is_null(exp))
                assert_null(hit);
            else {
                assert_non_null(hit);
                assert_period(hit, json_string_value(json_array_get(exp, 0)),
                              json_string_value(json_array_get(exp, 1)));
            }
        }
        free(p);
        free(d);
        cases++;
    }
    json_decref(v);
    assert_true(cases >= 10);
}

/* "meals" in one step, every edit in the history, a post-production
 * indicator counted in post only, and a phone quiet for a whole period. */
static void groups_history_phases_and_quiet_phones(void **state)
{
    json_t *h = NULL, *s = NULL, *m = NULL, *g = NULL, *devs, *dev, *x;
    struct ep_error err = {0};
    size_t i, meals = 0;
    (void)state;

    assert_int_equal(collect_groups(db, &g), EP_OK);
    assert_string_equal(json_string_value(json_object_get(json_array_get(g, 0), "id")), "meals");
    assert_int_equal(json_array_size(json_object_get(json_array_get(g, 0), "indicators")),
                     7); /* the diets, the unknown diet, breakfasts */
    json_decref(g);
    /* An unknown group, a member of another department: nothing written. */
    assert_int_equal(
        collect_set_group(db, "p1", "desserts", COLLECT_DAILY, "catering", NULL, "m-o", 10, &err),
        EP_ENOTFOUND);
    assert_string_equal(err.field, "group");
    assert_int_equal(
        collect_set_group(db, "p1", "meals", COLLECT_DAILY, "regie", "m-cook", "m-o", 10, &err),
        EP_ECONFLICT);
    assert_int_equal(collect_history(db, "p1", &h), EP_OK);
    json_array_foreach(h, i, x)
        assert_int_not_equal(json_integer_value(json_object_get(x, "at")), 10);
    json_decref(h);
    /* The meals, every diet, daily by Chloé, in one step. */
    assert_int_equal(
        collect_set_group(db, "p1", "meals", COLLECT_DAILY, "catering", "m-cook", "m-o", 20, &err),
        EP_OK);
    assert_int_equal(collect_schedule(db, "p1", &s), EP_OK);
    json_array_foreach(json_object_get(s, "items"), i, x)
    {
        const char *id = json_string_value(json_object_get(x, "indicator"));
        if (strncmp(id, "meals_", 6) != 0)
            continue;
        assert_string_equal(json_string_value(json_object_get(x, "frequency")), "daily");
        assert_string_equal(json_string_value(json_object_get(x, "member_id")), "m-cook");
        meals++;
    }
    assert_int_equal(meals, 6);
    json_decref(s);
    /* Grouped lines: a vegan count on the 8th reports the 8th for the fish
     * too (no fish served that day), not for the régie's van. */
    reading("g1", "meals_vegan", "meal", "catering", "2026-09-08");
    assert_int_equal(collect_missing(db, "p1", "2026-09-10", NULL, NULL, &m), EP_OK);
    x = item_of(m, "meals_fish");
    assert_string_equal(json_string_value(json_object_get(x, "group")), "meals");
    assert_int_equal(json_array_size(json_object_get(x, "missing")), 2); /* 7th, 9th */
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(x, "missing"), 1), "from")),
                        "2026-09-09");
    json_decref(m);
    /* Set on its own, a line leaves its group. */
    assert_int_equal(
        collect_set(db, "p1", "meals_chicken", COLLECT_DAILY, "catering", NULL, "m-o", 25, &err),
        EP_OK);
    assert_int_equal(collect_missing(db, "p1", "2026-09-10", NULL, NULL, &m), EP_OK);
    assert_null(json_object_get(item_of(m, "meals_chicken"), "group"));
    assert_int_equal(json_array_size(json_object_get(item_of(m, "meals_chicken"), "missing")), 3);
    json_decref(m);
    assert_int_equal(collect_reset(db, "p1", "meals_fish", "m-o", 30), EP_OK);
    /* The history: newest first, with who and when, the group named. */
    assert_int_equal(collect_history(db, "p1", &h), EP_OK);
    x = json_array_get(h, 0);
    assert_string_equal(json_string_value(json_object_get(x, "indicator")), "meals_fish");
    assert_string_equal(json_string_value(json_object_get(x, "action")), "reset");
    assert_true(json_is_null(json_object_get(x, "frequency")));
    assert_int_equal(json_integer_value(json_object_get(x, "at")), 30);
    x = json_array_get(h, 2);
    assert_string_equal(json_string_value(json_object_get(x, "group")), "meals");
    assert_string_equal(json_string_value(json_object_get(x, "by")), "m-o");
    assert_string_equal(json_string_value(json_object_get(x, "member_name")), "Chloé");
    assert_int_equal(json_integer_value(json_object_get(x, "at")), 20);
    json_decref(h);

    /* Post-production 14-25 Sept: storage, a post indicator, is not due
     * during the shoot and its weekdays in post only count. */
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "UPDATE production SET post_from = '2026-09-14', "
                                  "post_to = '2026-09-25' WHERE id = 'p1'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(
        collect_set(db, "p1", "storage_tb_year", COLLECT_DAILY, "post", NULL, "m-o", 40, &err),
        EP_OK);
    assert_int_equal(collect_missing(db, "p1", "2026-09-12", NULL, NULL, &m), EP_OK);
    x = item_of(m, "storage_tb_year");
    assert_string_equal(json_string_value(json_object_get(x, "phase")), "post_production");
    assert_int_equal(ival(x, "periods"), 0);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_object_get(m, "calendar"), "post_production"), "from")),
        "2026-09-14");
    json_decref(m);
    /* Tuesday 22: Mon 14 - Fri 18 and Mon 21 ended, the weekend is no period. */
    assert_int_equal(collect_missing(db, "p1", "2026-09-22", NULL, NULL, &m), EP_OK);
    x = item_of(m, "storage_tb_year");
    assert_int_equal(ival(x, "periods"), 7);
    assert_int_equal(json_array_size(json_object_get(x, "missing")), 6);
    json_decref(m);

    /* Chloé's phone last synced on the 8th; the meals are daily, so on the
     * 11th (10th ended) it is flagged; Olga's phone of p2 is not listed. */
    devs =
        json_pack("[{s:s, s:s, s:I, s:I, s:n}, {s:s, s:s, s:I, s:I, s:n}]", "id", "d-cook",
                  "member_id", "m-cook", "created_at", (json_int_t)20000 * 86400000, "last_sync_at",
                  (json_int_t)20704 * 86400000 + 3600000, "revoked_at", "id", "d-new", "member_id",
                  "m-cook", "created_at", (json_int_t)20706 * 86400000 + 3600000, "last_sync_at",
                  (json_int_t)0, "revoked_at");
    assert_non_null(devs);
    json_object_set_new(json_array_get(devs, 1), "last_sync_at", json_null());
    assert_int_equal(collect_flag_devices(db, "p1", "2026-09-11", devs), EP_OK);
    dev = json_array_get(devs, 0); /* 20704 = 2026-09-08 */
    assert_true(json_is_true(json_object_get(dev, "stale")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(dev, "period"), "from")),
                        "2026-09-10");
    assert_string_equal(json_string_value(json_object_get(dev, "frequency")), "daily");
    /* Paired on the 10th, never synced yet: not blamed for the 10th. */
    assert_true(json_is_false(json_object_get(json_array_get(devs, 1), "stale")));
    /* On the 10th (9th ended) the phone that synced on the 8th is late too,
     * but one that synced on the 9th is not. */
    json_object_set_new(dev, "last_sync_at", json_integer((json_int_t)20705 * 86400000));
    assert_int_equal(collect_flag_devices(db, "p1", "2026-09-10", devs), EP_OK);
    assert_true(json_is_false(json_object_get(dev, "stale")));
    assert_int_equal(collect_flag_devices(db, "p1", "not a day", devs), EP_EINVAL);
    json_decref(devs);
}

/* ---- a group counted as "Ce qui manque" lists it --------------------------------- */

/* p1: a three-week shoot, 7 to 27 Sept 2026. */
static int grouped_setup(void **state)
{
    (void)state;
    support_tmpdir(dir);
    db = support_db(dir, "g.db");
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "UPDATE production SET starts_on = '2026-09-07', "
                                  "ends_on = '2026-09-27' WHERE id = 'p1'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return 0;
}

/* The completeness object's three counts. */
static void assert_completeness(json_t *m, json_int_t expected, json_int_t reported,
                                json_int_t missing)
{
    json_t *c = json_object_get(m, "completeness");
    assert_int_equal(ival(c, "expected"), expected);
    assert_int_equal(ival(c, "reported"), reported);
    assert_int_equal(ival(c, "missing"), missing);
}

/* The meals, every diet, weekly by the catering in one step: one line of
 * "Ce qui manque", so one expected reading a week, not one per diet. Week
 * one has nothing, week two one vegan count, week three every diet: one
 * week missing, not seven. The van, on its own line, counts beside it. */
static void a_group_counts_once_per_period(void **state)
{
    json_t *g = NULL, *m = NULL, *x, *id;
    struct ep_error err;
    json_int_t lines_missing = 0;
    size_t i, n_meals = 0;
    char rid[32];
    (void)state;

    assert_int_equal(
        collect_set_group(db, "p1", "meals", COLLECT_WEEKLY, "catering", NULL, "m-o", 1, &err),
        EP_OK);
    assert_int_equal(collect_set(db, "p1", "van_km", COLLECT_WEEKLY, "regie", NULL, "m-o", 1, &err),
                     EP_OK);
    reading("v1", "van_km", "km", "regie", "2026-09-08");
    reading("g2", "meals_vegan", "meal", "catering", "2026-09-15");
    assert_int_equal(collect_groups(db, &g), EP_OK);
    json_array_foreach(json_object_get(json_array_get(g, 0), "indicators"), i, id)
    {
        snprintf(rid, sizeof(rid), "g3-%zu", i);
        reading(rid, json_string_value(id), "meal", "catering", "2026-09-23");
        n_meals++;
    }
    json_decref(g);
    assert_true(n_meals >= 5); /* several diets: the case that was counted n times */

    /* Monday 28: the three weeks have ended. */
    assert_int_equal(collect_missing(db, "p1", "2026-09-28", NULL, NULL, &m), EP_OK);
    /* Every meal line is the group's line: week one missing, two and three
     * reported (a vegan count is the week's meals, as on the phone). */
    json_array_foreach(json_object_get(m, "items"), i, x)
    {
        if (json_object_get(x, "group") == NULL)
            continue;
        assert_int_equal(ival(x, "reported"), 2);
        assert_int_equal(json_array_size(json_object_get(x, "missing")), 1);
        assert_string_equal(json_string_value(json_object_get(
                                json_array_get(json_object_get(x, "missing"), 0), "from")),
                            "2026-09-07");
    }
    /* The meals (3 weeks, 2 read) and the van (3 weeks, 1 read). */
    assert_completeness(m, 6, 3, 3);
    assert_true(json_real_value(json_object_get(json_object_get(m, "completeness"), "ratio")) ==
                0.5);
    /* missing is what a person adds up from the lines: the van's two weeks
     * and the meals' one. */
    lines_missing =
        (json_int_t)json_array_size(json_object_get(item_of(m, "van_km"), "missing")) +
        (json_int_t)json_array_size(json_object_get(item_of(m, "meals_fish"), "missing"));
    assert_int_equal(lines_missing, 3);
    json_decref(m);

    /* Wednesday 16: week one ended (missing), week two current, done. */
    assert_int_equal(collect_missing(db, "p1", "2026-09-16", NULL, NULL, &m), EP_OK);
    assert_completeness(m, 2, 1, 1);
    assert_true(
        json_is_true(json_object_get(json_object_get(item_of(m, "meals_beef"), "due"), "done")));
    json_decref(m);

    /* The catering's own view: the meals only, still one line. */
    assert_int_equal(collect_missing(db, "p1", "2026-09-28", NULL, "catering", &m), EP_OK);
    assert_int_equal(json_array_size(json_object_get(m, "items")), n_meals);
    assert_completeness(m, 3, 2, 1);
    json_decref(m);

    /* Set on its own, the fish leaves the group and is its own line: its
     * weeks count beside the group's (read only in week three). */
    assert_int_equal(
        collect_set(db, "p1", "meals_fish", COLLECT_WEEKLY, "catering", NULL, "m-o", 2, &err),
        EP_OK);
    assert_int_equal(collect_missing(db, "p1", "2026-09-28", NULL, NULL, &m), EP_OK);
    assert_int_equal(json_array_size(json_object_get(item_of(m, "meals_fish"), "missing")), 2);
    assert_completeness(m, 9, 4, 5);
    json_decref(m);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(shared_vectors),       cmocka_unit_test(dates_and_names),
        cmocka_unit_test(commercial_is_daily),  cmocka_unit_test(feature_is_weekly),
        cmocka_unit_test(animation_is_monthly),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(default_schedule_follows_the_production),
        cmocka_unit_test(missing_is_missing_not_zero),
        cmocka_unit_test(a_failed_commit_leaves_the_connection_clean),
        cmocka_unit_test(office_overrides_and_persons),
        cmocka_unit_test(groups_history_phases_and_quiet_phones),
    };
    const struct CMUnitTest grouped[] = {
        cmocka_unit_test(a_group_counts_once_per_period),
    };
    int failed = cmocka_run_group_tests_name("collect_pure", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("collect_db", stored, db_setup, db_teardown);
    return failed +
           cmocka_run_group_tests_name("collect_grouped", grouped, grouped_setup, db_teardown);
}
