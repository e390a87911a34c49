/*
 * test_carbon.c - the footprint against hand calculations on a reference
 * production (every category, every theme, the uncertainty), provisional vs
 * final, completeness, review flags, refusals of wrong units and unknown
 * indicators, and the CSV cell by cell.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "carbon.h"
#include "db.h"
#include "err.h"
#include "support.h"
#include "sync.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[256];
static struct db *db;
static int setup(void **state)
{
    (void)state;
    support_tmpdir(dir);
    db = support_db(dir, "c.db");
    support_reference_production(db);
    return 0;
}

static json_t *push_one(const char *col, const char *id, const char *kind, const char *fields)
{
    return support_office_op(db, col, id, kind, fields);
}

static void add(const char *id, const char *fields)
{
    json_t *ack = push_one("readings", id, "add", fields);
    if (strcmp(json_string_value(json_object_get(ack, "status")), "applied") != 0)
        fail_msg("reading %s: %s", id, json_string_value(json_object_get(ack, "reason")));
    json_decref(ack);
}

#define R(ind, val, unit, dept)                                                                    \
    "{\"indicator\":\"" ind "\",\"value\":" val ",\"unit\":\"" unit "\",\"dept\":\"" dept          \
    "\",\"at\":\"2026-09-21\"}"

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    support_rmtree(dir);
    return 0;
}

static double num(json_t *o, const char *a, const char *b, const char *c)
{
    json_t *x = json_object_get(o, a);
    if (b != NULL)
        x = json_object_get(x, b);
    if (c != NULL)
        x = json_object_get(x, c);
    if (!json_is_number(x))
        fail_msg("%s.%s.%s is not a number", a, b ? b : "", c ? c : "");
    return json_number_value(x);
}

static void close_to(double a, double b, const char *what, int line)
{
    if (fabs(a - b) > 1e-6 * (1 + fabs(b)))
        fail_msg("line %d: %s = %.6f, expected %.6f", line, what, a, b);
}
#define CLOSE(a, b) close_to((a), (double)(b), #a, __LINE__)

static void final_footprint_matches_hand_calculation(void **state)
{
    json_t *fp = NULL, *untracked;
    (void)state;

    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp), EP_OK);
    /* By hand, factor set 1 (schema/0004_carbon.sql):
     *   diesel 160 L x 3.10 = 496; van 2000 km x 0.227 = 454; TGV 10000 x 0.00293 = 29.3
     *   generator 40 L x 3.17 = 126.8; grid 1000 x 0.052 = 52; storage 4 x 208 = 832
     *   meals 100 x 0.51 = 51 and 10 x 7.26 = 72.6 (the voided 5 do not count)
     *   hotel 20 x 6.93 = 138.6; wood 200 x 0.122 = 24.4; paper 5 x 0.919 = 4.595 */
    CLOSE(num(fp, "by_category", "transport", "kg"), 496 + 454 + 29.3);
    CLOSE(num(fp, "by_category", "equipment", "kg"), 126.8);
    CLOSE(num(fp, "by_category", "locations", "kg"), 52);
    CLOSE(num(fp, "by_category", "logistics", "kg"), 51 + 72.6 + 138.6);
    CLOSE(num(fp, "by_category", "sets", "kg"), 24.4);
    CLOSE(num(fp, "by_category", "production", "kg"), 4.595);
    CLOSE(num(fp, "by_category", "postproduction", "kg"), 832);
    CLOSE(num(fp, "by_category", "hmc_costume", "kg"), 0);
    CLOSE(num(fp, "by_theme", "mobility", "kg"), 496 + 454 + 29.3 + 138.6);
    CLOSE(num(fp, "by_theme", "energy", "kg"), 126.8 + 52 + 832);
    CLOSE(num(fp, "by_theme", "food", "kg"), 51 + 72.6);
    CLOSE(num(fp, "by_theme", "waste", "kg"), 24.4);
    CLOSE(num(fp, "by_theme", "purchases", "kg"), 4.595);
    CLOSE(num(fp, "by_department", "regie", "kg"), 496 + 454);
    CLOSE(num(fp, "by_department", "catering", "kg"), 123.6);
    CLOSE(num(fp, "total_kg", NULL, NULL), 2281.295);
    /* Quadrature of kg x relative uncertainty, per line, by hand:
     * 49.6, 227, 5.86, 12.68, 5.2, 15.3, 21.78, 69.3, 7.32, 0.919, 582.4 */
    CLOSE(num(fp, "uncertainty_kg", NULL, NULL), sqrt(398966.457361));
    CLOSE(num(fp, "by_category", "postproduction", "uncertainty_kg"), 582.4);
    /* Generator hours have no factor: reported as untracked, not as zero. */
    untracked = json_object_get(fp, "untracked");
    assert_int_equal(json_array_size(untracked), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(untracked, 0), "indicator")),
        "generator_hours");
    /* Completeness: six indicators estimated, five reported. */
    assert_int_equal(num(fp, "completeness", "indicators_estimated", NULL), 6);
    assert_int_equal(num(fp, "completeness", "indicators_reported", NULL), 5);
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(json_object_get(fp, "completeness"), "missing"), 0)),
                        "waste_mixed_kg");
    assert_int_equal(json_integer_value(json_object_get(fp, "factor_version")), 1);
    json_decref(fp);
}

static void provisional_and_comparison(void **state)
{
    json_t *cmp = NULL, *row;
    size_t i;
    int seen = 0;
    (void)state;

    assert_int_equal(carbon_compare(db, "p1", &cmp), EP_OK);
    /* 200 x 3.10 + 40 x 7.26 + 2 x 208 + 500 x 0.052 + 20 x 6.93 + 300 x 0.087 */
    CLOSE(num(cmp, "provisional", "total_kg", NULL), 620 + 290.4 + 416 + 26 + 138.6 + 26.1);
    json_array_foreach(json_object_get(cmp, "categories"), i, row)
    {
        const char *k = json_string_value(json_object_get(row, "category"));
        if (strcmp(k, "transport") == 0) {
            CLOSE(num(row, "provisional_kg", NULL, NULL), 620);
            CLOSE(num(row, "final_kg", NULL, NULL), 979.3);
            CLOSE(num(row, "delta_pct", NULL, NULL), (979.3 - 620) / 620 * 100);
            seen++;
        } else if (strcmp(k, "hmc_costume") == 0) {
            assert_true(json_is_null(json_object_get(row, "delta_pct")));
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    assert_int_equal(json_array_size(json_object_get(cmp, "categories")), 8);
    json_decref(cmp);
}

static void odd_values_flagged_bad_ones_refused(void **state)
{
    json_t *flags = NULL, *ack;
    (void)state;

    assert_int_equal(carbon_flagged(db, "p1", &flags), EP_OK);
    assert_int_equal(json_array_size(flags), 1); /* the 2,000 km day */
    assert_string_equal(json_string_value(json_object_get(json_array_get(flags, 0), "id")), "r13");
    json_decref(flags);
    ack = push_one("readings", "bad1", "add", R("van_diesel_l", "10", "gal", "regie"));
    assert_string_equal(json_string_value(json_object_get(ack, "code")), "wrong_unit");
    json_decref(ack);
    ack = push_one("readings", "bad2", "add", R("unobtainium", "10", "kg", "regie"));
    assert_string_equal(json_string_value(json_object_get(ack, "code")), "unknown_indicator");
    json_decref(ack);
    ack = push_one("readings", "bad3", "add", R("van_km", "-5", "km", "regie"));
    assert_string_equal(json_string_value(json_object_get(ack, "code")), "invalid_value");
    json_decref(ack);
    ack = push_one("estimates", "bad4", "put", "{\"indicator\":\"grid_kwh\",\"unit\":\"MWh\"}");
    assert_string_equal(json_string_value(json_object_get(ack, "code")), "wrong_unit");
    json_decref(ack);
    {
        json_t *fp = NULL;
        assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 7, &fp), EP_ENOTFOUND);
    }
}

static void csv_for_french_spreadsheets(void **state)
{
    json_t *fp = NULL;
    char *csv = NULL;
    size_t len = 0;
    (void)state;

    add("inj", R("paper_kg", "1", "kg", "=HYPERLINK(\\\"http://x\\\";\\\"y\\\")"));
    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp), EP_OK);
    assert_int_equal(carbon_csv(fp, &csv, &len), EP_OK);
    assert_int_equal(strlen(csv), len);
    assert_memory_equal(csv,
                        "\xEF\xBB\xBF"
                        "Catégorie (Carbon'Clap);Thème;Indicateur;",
                        41);
    assert_non_null(strstr(csv, "\r\nTransport;Mobilité;van_diesel_l;regie;160,00;L;3,10000;"
                                "25775;non;496,000;49,600;https://"));
    assert_non_null(strstr(csv, "\r\nPostproduction;Énergie;storage_tb_year;post;4,00;TB.yr;"
                                "208,00000;;non;832,000;582,400;"));
    /* The injected department is quoted (it has ';' and '"') and neutralized. */
    assert_non_null(strstr(csv, ";\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\";"));
    /* 2281.295 + the injected 1 kg of paper (0.919) */
    assert_non_null(strstr(csv, "\r\nTotal;;;;;;;;;2282,214;"));
    assert_memory_equal(csv + len - 2, "\r\n", 2);
    free(csv);
    json_decref(fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(final_footprint_matches_hand_calculation),
        cmocka_unit_test(provisional_and_comparison),
        cmocka_unit_test(odd_values_flagged_bad_ones_refused),
        cmocka_unit_test(csv_for_french_spreadsheets),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
