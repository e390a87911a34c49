/*
 * test_forecast.c - the forecast as filed (docs/carbon.md, "The forecast,
 * filed"): filing freezes the estimates and the footprint they give; a
 * revision is a new version and the one filed with the budget stays as it
 * was, whatever happens to the estimates or the factor set afterwards.
 * Hand-computed with factor set 3 (beef 7.26 a meal, vegetarian 0.51, road
 * diesel 3.10 a litre).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "carbon.h"
#include "db.h"
#include "err.h"
#include "forecast.h"
#include "support.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static char dir[256];
static struct db *db;

static int setup(void **state)
{
    (void)state;
    support_tmpdir(dir);
    db = support_db(dir, "f.db");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    support_rmtree(dir);
    return 0;
}

static void close_to(double got, double want, int line)
{
    if (fabs(got - want) > 1e-9 * (1 + fabs(want)))
        fail_msg("line %d: %.9f, expected %.9f", line, got, want);
}
#define CLOSE(a, b) close_to((a), (double)(b), __LINE__)

static double total(const json_t *o)
{
    return json_number_value(json_object_get(o, "total_kg"));
}

static void a_revision_never_changes_the_filed_forecast(void **state)
{
    json_t *v = NULL, *list = NULL, *got = NULL, *it;
    (void)state;

    /* The budget's forecast: 100 beef meals (726 kg), 200 L of diesel
     * (620 kg): 1,346 kg. */
    support_office_ok(db, "estimates", "e-beef", "put",
                      "{\"indicator\":\"meals_beef\",\"value\":100,\"unit\":\"meal\","
                      "\"dept\":\"catering\"}");
    support_office_ok(db, "estimates", "e-diesel", "put",
                      "{\"indicator\":\"van_diesel_l\",\"value\":200,\"unit\":\"L\","
                      "\"dept\":\"regie\"}");
    if (forecast_file(db, "p1", "Devis", "m-o", 1000, &v) != EP_OK)
        fail_msg("file: %s", db_errmsg(db));
    assert_int_equal(json_integer_value(json_object_get(v, "version")), 1);
    CLOSE(total(v), 726 + 620);
    assert_int_equal(json_integer_value(json_object_get(v, "factor_version")), 5);
    json_decref(v);

    /* The revision: 40 beef (290.4) and 60 vegetarian (30.6) meals:
     * 620 + 290.4 + 30.6 = 941 kg, version 2. */
    support_office_ok(db, "estimates", "e-beef", "put",
                      "{\"indicator\":\"meals_beef\",\"value\":40,\"unit\":\"meal\","
                      "\"dept\":\"catering\"}");
    support_office_ok(db, "estimates", "e-veg", "put",
                      "{\"indicator\":\"meals_vegetarian\",\"value\":60,\"unit\":\"meal\","
                      "\"dept\":\"catering\"}");
    assert_int_equal(forecast_file(db, "p1", "Révision 1", "m-o", 2000, &v), EP_OK);
    assert_int_equal(json_integer_value(json_object_get(v, "version")), 2);
    CLOSE(total(v), 941);
    json_decref(v);

    /* Later still, the estimates change again and the production moves to
     * set 1: the filed versions do not move. */
    support_office_ok(db, "estimates", "e-diesel", "put",
                      "{\"indicator\":\"van_diesel_l\",\"value\":1000,\"unit\":\"L\","
                      "\"dept\":\"regie\"}");
    assert_int_equal(carbon_pin_factor_set(db, "p1", 1, 3000), EP_OK);
    assert_int_equal(forecast_get(db, "p1", 1, &got), EP_OK);
    assert_string_equal(json_string_value(json_object_get(got, "label")), "Devis");
    CLOSE(total(json_object_get(got, "footprint")), 1346);
    assert_int_equal(json_integer_value(json_object_get(got, "factor_version")), 5);
    assert_int_equal(json_array_size(json_object_get(got, "items")), 2);
    it = json_array_get(json_object_get(got, "items"), 0); /* sorted by indicator */
    assert_string_equal(json_string_value(json_object_get(it, "indicator")), "meals_beef");
    CLOSE(json_number_value(json_object_get(it, "value")), 100);
    json_decref(got);
    assert_int_equal(forecast_list(db, "p1", &list), EP_OK);
    assert_int_equal(json_array_size(json_object_get(list, "versions")), 2);
    CLOSE(total(json_array_get(json_object_get(list, "versions"), 0)), 1346);
    CLOSE(total(json_array_get(json_object_get(list, "versions"), 1)), 941);
    assert_int_equal(json_array_size(json_object_get(json_object_get(list, "current"), "items")),
                     3);
    json_decref(list);
    /* Even a direct UPDATE is refused by the database. */
    assert_int_not_equal(sqlite3_exec(db_handle(db),
                                      "UPDATE forecast_version SET label = 'x' WHERE version = 1",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_equal(carbon_pin_factor_set(db, "p1", 0, 4000), EP_OK);
}

static void bad_input_changes_nothing(void **state)
{
    char long_label[FORECAST_LABEL_MAX + 2];
    json_t *v = NULL, *list = NULL;
    (void)state;

    memset(long_label, 'a', sizeof(long_label) - 1);
    long_label[sizeof(long_label) - 1] = '\0';
    assert_int_equal(forecast_file(db, "p1", "", "m-o", 1, &v), EP_EINVAL);
    assert_null(v);
    assert_int_equal(forecast_file(db, "p1", long_label, "m-o", 1, &v), EP_EINVAL);
    assert_int_equal(forecast_file(db, "nope", "Devis", "m-o", 1, &v), EP_ENOTFOUND);
    assert_null(v);
    assert_int_equal(forecast_get(db, "p1", 99, &v), EP_ENOTFOUND);
    assert_int_equal(forecast_list(db, "nope", &list), EP_ENOTFOUND);
    assert_int_equal(forecast_list(db, "p1", &list), EP_OK);
    assert_int_equal(json_array_size(json_object_get(list, "versions")), 2);
    json_decref(list);
}

/* The comparison reads the FILED forecast, not the live estimates: after
 * the first test, version 2 ("Révision 1") holds 941 kg while the live
 * estimates say 1,000 L of diesel (3,100) + 290.4 + 30.6 = 3,421 kg. */
static void the_comparison_uses_the_filed_version(void **state)
{
    json_t *cmp = NULL, *fc;
    (void)state;

    assert_int_equal(forecast_compare(db, "p1", "2026-09-21", 0, &cmp), EP_OK);
    fc = json_object_get(cmp, "forecast");
    assert_string_equal(json_string_value(json_object_get(fc, "source")), "filed");
    assert_int_equal(json_integer_value(json_object_get(fc, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(fc, "label")), "Révision 1");
    assert_int_equal(json_integer_value(json_object_get(fc, "filed_at")), 2000);
    CLOSE(total(json_object_get(cmp, "provisional")), 941);
    CLOSE(json_number_value(json_object_get(json_object_get(cmp, "total"), "provisional_kg")), 941);
    json_decref(cmp);
    /* An earlier version on demand: the budget's 1,346 kg. */
    assert_int_equal(forecast_compare(db, "p1", "2026-09-21", 1, &cmp), EP_OK);
    CLOSE(total(json_object_get(cmp, "provisional")), 1346);
    json_decref(cmp);
    /* The live estimates, as before filing existed. */
    assert_int_equal(carbon_compare(db, "p1", "2026-09-21", &cmp), EP_OK);
    CLOSE(total(json_object_get(cmp, "provisional")), 3421);
    assert_null(json_object_get(cmp, "forecast"));
    json_decref(cmp);
    assert_int_equal(forecast_compare(db, "p1", "2026-09-21", 99, &cmp), EP_ENOTFOUND);
    assert_null(cmp);
    /* A production that never filed compares with its live estimates and
     * says so. */
    assert_int_equal(forecast_compare(db, "p2", "2026-09-21", 0, &cmp), EP_OK);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(cmp, "forecast"), "source")), "live");
    json_decref(cmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_revision_never_changes_the_filed_forecast),
        cmocka_unit_test(bad_input_changes_nothing),
        cmocka_unit_test(the_comparison_uses_the_filed_version),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
