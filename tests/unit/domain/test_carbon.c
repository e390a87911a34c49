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
#include <sqlite3.h>
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
    /* The hand calculations below use factor set 1: p1 is pinned to it, as
     * a production whose footprint was filed with it would be. */
    assert_int_equal(carbon_pin_factor_set(db, "p1", 1, 0), EP_OK);
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
    CLOSE(num(fp, "by_theme", "mobility", "kg"), 496 + 454 + 29.3);
    /* Hotels are accommodation, no longer mobility (0012_footprint). */
    CLOSE(num(fp, "by_theme", "accommodation", "kg"), 138.6);
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

    assert_int_equal(carbon_compare(db, "p1", NULL, &cmp), EP_OK);
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
                        "Catégorie (Carbon'Clap);Rubrique;Indicateur;Quantité à saisir;",
                        64);
    /* One line per thing to type: French names and units, the departments
     * it adds up, the method, the factor's status (set 1). */
    assert_non_null(strstr(csv, "\r\nTransport;Mobilité;Gazole des véhicules;160,00;L;Régie 160;"
                                "relevé;3,10000;25775;estimation;496,000;49,600;https://"));
    assert_non_null(
        strstr(csv, "\r\nPostproduction;Énergie;Stockage des rushes sur disques;"
                    "4,00;To·an;Postproduction 4;relevé;208,00000;;estimation;832,000;582,400;"));
    assert_null(strstr(csv, "van_diesel_l"));
    /* The injected department is quoted (it has ';' and '"') and neutralized,
     * in the detail of the one line paper adds up over two departments. */
    assert_non_null(
        strstr(csv, ";\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\") 1 ; Production 5\";relevé;"));
    /* 2281.295 + the injected 1 kg of paper (0.919) */
    assert_non_null(strstr(csv, "\r\nTotal;;;;;;;;;;2282,214;"));
    assert_memory_equal(csv + len - 2, "\r\n", 2);
    free(csv);
    json_decref(fp);
}

/* A production pinned to a set keeps its numbers when a new set arrives;
 * moving it to the new set is explicit. Set 2 is data
 * (sync/domain/data/factors-0002.json), loaded by support_db. */
static void factor_set_pinned(void **state)
{
    json_t *fp = NULL, *l;
    size_t i;
    double storage = -1, van = -1;
    (void)state;

    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp), EP_OK);
    CLOSE(num(fp, "factor_version", NULL, NULL), 1);
    CLOSE(num(fp, "total_kg", NULL, NULL), 2282.214);
    json_decref(fp);
    assert_int_equal(carbon_pin_factor_set(db, "p1", 2, 0), EP_OK);
    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp), EP_OK);
    CLOSE(num(fp, "factor_version", NULL, NULL), 2);
    json_array_foreach(json_object_get(fp, "lines"), i, l)
    {
        const char *id = json_string_value(json_object_get(l, "indicator"));
        if (strcmp(id, "storage_tb_year") == 0)
            storage = json_number_value(json_object_get(l, "kg"));
        else if (strcmp(id, "van_km") == 0)
            van = json_number_value(json_object_get(l, "kg"));
    }
    /* 4 TB.yr x 0.89 (disk, usual method) instead of x 208; 2,000 km x
     * 0.279 (light van) instead of x 0.227 (2282.214 includes the CSV
     * test's kilo of paper): 2282.214 - 832 + 3.56 - 454 + 558. */
    CLOSE(storage, 3.56);
    CLOSE(van, 558);
    CLOSE(num(fp, "total_kg", NULL, NULL), 2282.214 - 832 + 3.56 - 454 + 558);
    json_decref(fp);
    /* An explicit version wins over the pin; a missing set is refused. */
    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 1, &fp), EP_OK);
    CLOSE(num(fp, "total_kg", NULL, NULL), 2282.214);
    json_decref(fp);
    assert_int_equal(carbon_pin_factor_set(db, "p1", 99, 0), EP_ENOTFOUND);
    assert_int_equal(carbon_pin_factor_set(db, "p1", 1, 0), EP_OK);
}

/* A new set never silently changes a filed footprint (docs/carbon.md, "The
 * factor catalogue"): p1 is pinned to set 1; a set 99 doubling every value
 * of set 3 arrives; p1's footprint stays the same, the office sees what
 * moving would change, and only the explicit move applies it. */
static void new_set_never_changes_a_pinned_footprint(void **state)
{
    json_t *fp = NULL, *sets = NULL, *c;
    double before, v3;
    size_t i;
    int seen_grid = 0;
    (void)state;

    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp), EP_OK);
    before = num(fp, "total_kg", NULL, NULL);
    json_decref(fp);
    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 3, &fp), EP_OK);
    v3 = num(fp, "total_kg", NULL, NULL);
    json_decref(fp);
    assert_int_equal(
        sqlite3_exec(db_handle(db),
                     "INSERT INTO factor_set (version, published, note) VALUES (99, "
                     "'2027-01-01', 'test'); INSERT INTO emission_factor (version, id, value, "
                     "unit, name_fr, official_name, official_id, year, source_url, uncertainty, "
                     "confirmed, note, status, method) SELECT 99, id, value * 2, unit, name_fr, "
                     "official_name, official_id, year, source_url, uncertainty, confirmed, "
                     "note, status, method FROM emission_factor WHERE version = 3",
                     NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp), EP_OK);
    CLOSE(num(fp, "factor_version", NULL, NULL), 1);
    CLOSE(num(fp, "total_kg", NULL, NULL), before);
    json_decref(fp);
    assert_int_equal(carbon_factor_sets(db, "p1", &sets), EP_OK);
    CLOSE(num(sets, "using", NULL, NULL), 1);
    CLOSE(num(sets, "latest", NULL, NULL), 99);
    CLOSE(num(sets, "pinned", "version", NULL), 1);
    assert_int_equal(json_array_size(json_object_get(sets, "sets")), 6);
    json_array_foreach(json_object_get(sets, "changes"), i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "id")), "grid_kwh") == 0) {
            CLOSE(json_number_value(json_object_get(c, "from")), 0.052);
            CLOSE(json_number_value(json_object_get(c, "to")), 0.104);
            seen_grid = 1;
        }
    }
    assert_true(seen_grid);
    json_decref(sets);
    assert_int_equal(carbon_factor_sets(db, "nope", &sets), EP_ENOTFOUND);
    /* The explicit move: every factor doubled, so the total doubles. */
    assert_int_equal(carbon_pin_factor_set(db, "p1", 99, 0), EP_OK);
    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp), EP_OK);
    CLOSE(num(fp, "factor_version", NULL, NULL), 99);
    CLOSE(num(fp, "total_kg", NULL, NULL), 2 * v3);
    json_decref(fp);
    assert_int_equal(carbon_factor_sets(db, "p1", &sets), EP_OK);
    assert_int_equal(json_array_size(json_object_get(sets, "changes")), 0);
    json_decref(sets);
    assert_int_equal(carbon_pin_factor_set(db, "p1", 1, 0), EP_OK);
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "DELETE FROM emission_factor WHERE version = 99; "
                                  "DELETE FROM factor_set WHERE version = 99",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
}

/* Set 3 adds the posts of a Carbon'Clap form, each with its source; every
 * value that is not official shows its computation, and no borrowed id is
 * cited. */
static void factor_set_3_catalogue(void **state)
{
    sqlite3_stmt *st = NULL;
    (void)state;

    assert_int_equal(sqlite3_prepare_v2(db_handle(db),
                                        "SELECT count(*), sum(status = 'official'), "
                                        "sum(status != 'official' AND length(method) > 20), "
                                        "sum(source_url LIKE 'https://%'), "
                                        "(SELECT value FROM emission_factor WHERE version = 3 "
                                        "AND id = 'freight_rigid_tkm'), "
                                        "(SELECT official_id FROM emission_factor WHERE "
                                        "version = 3 AND id = 'eur_services') "
                                        "FROM emission_factor WHERE version = 3",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 57); /* meal_average for meals_unknown */
    assert_int_equal(sqlite3_column_int(st, 0) - sqlite3_column_int(st, 1),
                     sqlite3_column_int(st, 2));
    assert_int_equal(sqlite3_column_int(st, 3), 57);
    CLOSE(sqlite3_column_double(st, 4), 0.16);
    assert_string_equal((const char *)sqlite3_column_text(st, 5), "25001");
    sqlite3_finalize(st);
    /* Every indicator's factor exists in the latest set (5), or it has
     * none at all (recorded, never converted). */
    assert_int_equal(sqlite3_prepare_v2(db_handle(db),
                                        "SELECT count(*) FROM indicator i WHERE i.factor_id "
                                        "IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                                        "emission_factor f WHERE f.version = 5 AND f.id = "
                                        "i.factor_id AND f.unit = i.unit)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
}

/* Set 4 gives four untracked posts a factor (docs/carbon.md): under set 3
 * they stay recorded and untracked, never zero; moving to set 4 converts
 * ferries and glass (hand-computed: 100 p.km x 0.11286 = 11.286 kg, 50 kg x
 * 0.496 = 24.8 kg) while textiles, still without a factor, stay untracked.
 * The form lines list them in Carbon'Clap's order, with no kg when not
 * converted. */
static void set_4_converts_what_set_3_left_untracked(void **state)
{
    json_t *fp = NULL, *form = NULL, *e;
    double t3, t4, ferry_kg = -1;
    const char *textile_state = NULL;
    int untracked_ferry = 0;
    size_t i;
    (void)state;

    assert_int_equal(carbon_pin_factor_set(db, "p1", 3, 0), EP_OK);
    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp), EP_OK);
    t3 = num(fp, "total_kg", NULL, NULL);
    json_decref(fp);
    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 4, &fp), EP_OK);
    t4 = num(fp, "total_kg", NULL, NULL);
    json_decref(fp);
    add("s4-ferry", R("ferry_pkm", "100", "p.km", "production"));
    add("s4-glass", R("waste_glass_kg", "50", "kg", "regie"));
    add("s4-textile", R("waste_textile_kg", "20", "kg", "costumes"));
    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp), EP_OK);
    CLOSE(num(fp, "factor_version", NULL, NULL), 3);
    CLOSE(num(fp, "total_kg", NULL, NULL), t3); /* pinned to 3: nothing moved */
    json_array_foreach(json_object_get(fp, "untracked"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "indicator")), "ferry_pkm") == 0) {
            CLOSE(json_number_value(json_object_get(e, "quantity")), 100);
            assert_string_equal(json_string_value(json_object_get(e, "category")), "transport");
            untracked_ferry = 1;
        }
    }
    assert_true(untracked_ferry);
    json_decref(fp);
    assert_int_equal(carbon_pin_factor_set(db, "p1", 4, 0), EP_OK);
    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp), EP_OK);
    CLOSE(num(fp, "factor_version", NULL, NULL), 4);
    CLOSE(num(fp, "total_kg", NULL, NULL), t4 + 11.286 + 24.8);
    assert_int_equal(carbon_form_lines(fp, &form), EP_OK);
    {
        size_t last_rank = 0;
        static const char *const order[] = {"production",  "locations",     "sets",
                                            "hmc_costume", "transport",     "logistics",
                                            "equipment",   "postproduction"};
        json_array_foreach(form, i, e)
        {
            const char *id = json_string_value(json_object_get(e, "indicator"));
            const char *cat = json_string_value(json_object_get(e, "category"));
            size_t rank = 0;
            while (rank < 8 && strcmp(order[rank], cat) != 0)
                rank++;
            assert_true(rank < 8);
            assert_true(rank >= last_rank); /* the calculator's order */
            last_rank = rank;
            if (strcmp(id, "ferry_pkm") == 0)
                ferry_kg = json_number_value(json_object_get(e, "kg"));
            if (strcmp(id, "waste_textile_kg") == 0) {
                textile_state = json_string_value(json_object_get(e, "state"));
                assert_true(json_is_null(json_object_get(e, "kg"))); /* never a zero */
            }
        }
    }
    CLOSE(ferry_kg, 11.286);
    assert_non_null(textile_state);
    assert_string_equal(textile_state, "untracked");
    json_decref(form);
    json_decref(fp);
    /* Back as the other tests expect: set 1, without these readings. */
    assert_int_equal(carbon_pin_factor_set(db, "p1", 1, 0), EP_OK);
    json_decref(push_one("readings", "s4-ferry-void", "void", "{\"supersedes\":\"s4-ferry\"}"));
}

/* Set 5 gives rented and second-hand costumes, furnished rentals and sorted
 * textiles a factor (docs/carbon.md, "The factor catalogue"). Pinned to set
 * 4 they stay untracked and the total does not move; moved to set 5 they
 * add, hand-computed: 10 rented pieces x 1.13 = 11.3, 5 second-hand pieces x
 * 2.09 = 10.45, 4 nights x 4.73 = 18.92, 30 kg of textiles x 0.00392 =
 * 0.1176, in all 40.7876 kg. New panels have no defensible value and stay
 * untracked under set 5: a line without kg, never a zero. */
static void set_5_converts_costumes_rentals_and_textiles(void **state)
{
    static const char *const ids[] = {"s5-rented", "s5-second", "s5-rental", "s5-textile",
                                      "s5-panels"};
    json_t *fp = NULL, *form = NULL, *e;
    double t4, t5;
    int rented_untracked = 0, panels_line = 0;
    size_t i;
    char voided[32], fields[64];
    (void)state;

    assert_int_equal(carbon_pin_factor_set(db, "p1", 4, 0), EP_OK);
    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp), EP_OK);
    t4 = num(fp, "total_kg", NULL, NULL);
    json_decref(fp);
    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 5, &fp), EP_OK);
    t5 = num(fp, "total_kg", NULL, NULL);
    json_decref(fp);
    add("s5-rented", R("costume_rented_pieces", "10", "piece", "costumes"));
    add("s5-second", R("costume_secondhand_pieces", "5", "piece", "costumes"));
    add("s5-rental", R("rental_nights", "4", "night", "regie"));
    add("s5-textile", R("waste_textile_kg", "30", "kg", "costumes"));
    add("s5-panels", R("set_panels_new_kg", "100", "kg", "decor"));

    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp), EP_OK);
    CLOSE(num(fp, "factor_version", NULL, NULL), 4);
    CLOSE(num(fp, "total_kg", NULL, NULL), t4); /* pinned to 4: nothing moved */
    json_array_foreach(json_object_get(fp, "untracked"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "indicator")), "costume_rented_pieces") ==
            0) {
            CLOSE(json_number_value(json_object_get(e, "quantity")), 10);
            rented_untracked = 1;
        }
    }
    assert_true(rented_untracked);
    json_decref(fp);

    assert_int_equal(carbon_pin_factor_set(db, "p1", 5, 0), EP_OK);
    assert_int_equal(carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp), EP_OK);
    CLOSE(num(fp, "factor_version", NULL, NULL), 5);
    CLOSE(num(fp, "total_kg", NULL, NULL), t5 + 11.3 + 10.45 + 18.92 + 0.1176);
    assert_int_equal(carbon_form_lines(fp, &form), EP_OK);
    json_array_foreach(form, i, e)
    {
        const char *id = json_string_value(json_object_get(e, "indicator"));
        if (strcmp(id, "costume_rented_pieces") == 0)
            CLOSE(json_number_value(json_object_get(e, "kg")), 11.3);
        if (strcmp(id, "rental_nights") == 0)
            CLOSE(json_number_value(json_object_get(e, "kg")), 18.92);
        if (strcmp(id, "set_panels_new_kg") == 0) {
            assert_string_equal(json_string_value(json_object_get(e, "state")), "untracked");
            assert_true(json_is_null(json_object_get(e, "kg"))); /* never a zero */
            panels_line = 1;
        }
    }
    assert_true(panels_line);
    json_decref(form);
    json_decref(fp);
    /* Back as the other tests expect: set 1, without these readings. */
    assert_int_equal(carbon_pin_factor_set(db, "p1", 1, 0), EP_OK);
    for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        snprintf(voided, sizeof voided, "%s-void", ids[i]);
        snprintf(fields, sizeof fields, "{\"supersedes\":\"%s\"}", ids[i]);
        json_decref(push_one("readings", voided, "void", fields));
    }
}

/* Set 2 says how far to trust each factor, and loading twice changes
 * nothing. */
static void factor_set_is_data(void **state)
{
    sqlite3_stmt *st = NULL;
    struct ep_error err = {0};
    (void)state;

    assert_int_equal(carbon_factor_sets_load(db, &err), EP_OK);
    assert_int_equal(sqlite3_prepare_v2(db_handle(db),
                                        "SELECT count(*), sum(status = 'official'), "
                                        "sum(status != 'official' AND length(method) > 20), "
                                        "(SELECT official_id FROM emission_factor WHERE version = "
                                        "2 AND id = 'meal_vegan'), "
                                        "(SELECT value FROM emission_factor WHERE version = 1 "
                                        "AND id = 'storage_tb_year') "
                                        "FROM emission_factor WHERE version = 2",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 33); /* meal_average for meals_unknown */
    /* Every value that is not official shows its computation. */
    assert_int_equal(sqlite3_column_int(st, 0) - sqlite3_column_int(st, 1),
                     sqlite3_column_int(st, 2));
    assert_int_equal(sqlite3_column_type(st, 3), SQLITE_NULL); /* no borrowed id */
    CLOSE(sqlite3_column_double(st, 4), 208);                  /* set 1 untouched */
    sqlite3_finalize(st);
}

/* ---- docs/carbon.md "One method per source": missing is not zero, pro rata ---- */

/* p2 shoots 2026-09-07 (Monday) to 2026-09-25 (Friday), weekends declared
 * as days off: 15 shooting days. Its
 * pushes go through the validator with the production as context, as the
 * server's do. */
static json_t *p2_op(const char *col, const char *id, const char *kind, const char *fields)
{
    static const struct sync_actor office = {"p2", "office-2", "m-o", NULL, SYNC_ROLE_ADMIN, NULL};
    static long n;
    struct carbon_vctx vc = {"p2"};
    struct sync_opts opts = {
        .now_ms = INT64_C(1790000000000), .validate = carbon_validate_op, .ctx = &vc};
    char hlc[SYNC_HLC_LEN + 1], opid[32];
    json_t *f = json_loads(fields, 0, NULL), *body, *acks = NULL, *ack;

    assert_non_null(f);
    sync_hlc_format(sync_hlc_tick(0, INT64_C(1790000000000) - 500000 + n), hlc);
    snprintf(opid, sizeof(opid), "p2op-%ld", n++);
    body = json_pack("{s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:o}]}", "schema", 1, "device",
                     "office-2", "ops", "op", opid, "col", col, "id", id, "kind", kind, "hlc", hlc,
                     "dev", "office-2", "fields", f);
    assert_int_equal(sync_push(db, &opts, &office, body, &acks, NULL), EP_OK);
    ack = json_incref(json_array_get(acks, 0));
    json_decref(acks);
    json_decref(body);
    return ack;
}

static void p2_ok(const char *col, const char *id, const char *kind, const char *fields)
{
    json_t *ack = p2_op(col, id, kind, fields);
    if (strcmp(json_string_value(json_object_get(ack, "status")), "applied") != 0)
        fail_msg("%s %s: %s", col, id, json_string_value(json_object_get(ack, "reason")));
    json_decref(ack);
}

/* The op is refused with code, and the reason names field. */
static void p2_refused(const char *id, const char *fields, const char *code, const char *field)
{
    json_t *ack = p2_op("readings", id, "add", fields);
    const char *reason = json_string_value(json_object_get(ack, "reason"));
    char want[48];
    assert_string_equal(json_string_value(json_object_get(ack, "status")), "rejected");
    assert_string_equal(json_string_value(json_object_get(ack, "code")), code);
    snprintf(want, sizeof(want), "field '%s'", field);
    if (reason == NULL || strstr(reason, want) == NULL)
        fail_msg("%s: reason '%s' does not name %s", id, reason ? reason : "", want);
    json_decref(ack);
}

#define VR(ind, val, unit, veh, at)                                                                \
    "{\"indicator\":\"" ind "\",\"value\":" val ",\"unit\":\"" unit "\",\"dept\":\"regie\","       \
    "\"vehicle\":\"" veh "\",\"at\":\"" at "\"}"

static int setup_p2(void **state)
{
    (void)state;
    support_tmpdir(dir);
    db = support_db(dir, "p2.db");
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "UPDATE production SET starts_on = '2026-09-07', "
                                  "ends_on = '2026-09-25', days_off = '[\"2026-09-12\","
                                  "\"2026-09-13\",\"2026-09-19\",\"2026-09-20\"]' "
                                  "WHERE id = 'p2'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    p2_ok("fleet", "van-1", "put",
          "{\"name\":\"Fourgon régie\",\"kind\":\"vehicle\",\"class\":\"light_van\","
          "\"fuel\":\"diesel\"}");
    p2_ok("fleet", "van-2", "put",
          "{\"name\":\"Camion image\",\"kind\":\"vehicle\",\"class\":\"light_van\","
          "\"fuel\":\"diesel\"}");
    /* Week 1 (09-07..09-13): van-1 drove 100 + 120 km and took 30 L. */
    p2_ok("readings", "k1", "add", VR("van_km", "100", "km", "van-1", "2026-09-07"));
    p2_ok("readings", "k2", "add", VR("van_km", "120", "km", "van-1", "2026-09-08"));
    p2_ok("readings", "l1", "add", VR("van_diesel_l", "30", "L", "van-1", "2026-09-08"));
    /* Week 2: van-1 50 km and no fuel; van-2 80 km in week 1, no fuel ever. */
    p2_ok("readings", "k3", "add", VR("van_km", "50", "km", "van-1", "2026-09-14"));
    p2_ok("readings", "k4", "add", VR("van_km", "80", "km", "van-2", "2026-09-07"));
    p2_ok("readings", "m1", "add",
          "{\"indicator\":\"meals_beef\",\"value\":10,\"unit\":\"meal\",\"dept\":\"catering\","
          "\"at\":\"2026-09-08\"}");
    /* The forecast: 150 L of diesel, 30 hotel nights, 60 beef meals. */
    p2_ok("estimates", "e1", "put",
          "{\"indicator\":\"van_diesel_l\",\"value\":150,\"unit\":\"L\",\"dept\":\"regie\"}");
    p2_ok("estimates", "e2", "put",
          "{\"indicator\":\"hotel_nights\",\"value\":30,\"unit\":\"night\","
          "\"dept\":\"production\"}");
    p2_ok("estimates", "e3", "put",
          "{\"indicator\":\"meals_beef\",\"value\":60,\"unit\":\"meal\",\"dept\":\"catering\"}");
    return 0;
}

static json_t *line_of(json_t *fp, const char *ind)
{
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(fp, "lines"), i, l)
    {
        if (strcmp(json_string_value(json_object_get(l, "indicator")), ind) == 0)
            return l;
    }
    fail_msg("no line %s", ind);
    return NULL;
}

static void fuel_replaces_km(void **state)
{
    json_t *fp = NULL, *l, *m;
    size_t i;
    int seen = 0;
    (void)state;

    assert_int_equal(carbon_footprint(db, "p2", CARBON_FINAL, 0, &fp), EP_OK);
    /* van-1's 220 km of week 1 are replaced by its 30 L; its 50 km of week
     * 2 and van-2's 80 km count: 130 km x 0.279 (set 2's light van) = 36.27
     * kg, 30 L x 3.10 = 93. */
    l = line_of(fp, "van_km");
    CLOSE(num(l, "recorded_quantity", NULL, NULL), 350);
    CLOSE(num(l, "replaced_quantity", NULL, NULL), 220);
    CLOSE(num(l, "quantity", NULL, NULL), 130);
    CLOSE(num(l, "kg", NULL, NULL), 36.27);
    assert_string_equal(json_string_value(json_object_get(l, "method")),
                        "distance, partly replaced by fuel");
    CLOSE(num(line_of(fp, "van_diesel_l"), "kg", NULL, NULL), 93);
    /* 93 + 36.27 + 10 beef meals x 7.26 */
    CLOSE(num(fp, "total_kg", NULL, NULL), 93 + 36.27 + 72.6);
    json_array_foreach(json_object_get(fp, "methods"), i, m)
    {
        const char *v = json_string_value(json_object_get(m, "vehicle"));
        if (strcmp(v, "van-1") == 0) {
            assert_string_equal(json_string_value(json_object_get(m, "method")), "fuel+distance");
            assert_string_equal(json_string_value(json_object_get(m, "name")), "Fourgon régie");
            CLOSE(num(m, "fuel_l", NULL, NULL), 30);
            CLOSE(num(m, "distance_km", NULL, NULL), 50);
            CLOSE(num(m, "distance_replaced_km", NULL, NULL), 220);
            seen++;
        } else if (strcmp(v, "van-2") == 0) {
            assert_string_equal(json_string_value(json_object_get(m, "method")), "distance");
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    {
        char *csv = NULL;
        size_t len = 0;
        assert_int_equal(carbon_csv(fp, &csv, &len), EP_OK);
        /* The method per line, and the forecast hotels listed as missing. */
        assert_non_null(strstr(csv, ";Kilomètres en utilitaire;130,00;km;Régie 130;\"kilomètres, "
                                    "en partie remplacés par le carburant\";0,27900;;estimation;"));
        assert_non_null(strstr(csv, "\r\nLogistique de production (régie);Hébergement;Nuits "
                                    "d'hôtel;manquant;nuitée;;aucun relevé : donnée manquante et "
                                    "non comptée;;;;;;;non connue"));
        free(csv);
    }
    json_decref(fp);
}

static void readings_checked_against_production(void **state)
{
    json_t *ack, *fp = NULL;
    (void)state;

    p2_refused("x1", VR("van_km", "10", "km", "van-9", "2026-09-09"), "unknown_vehicle", "vehicle");
    p2_refused("x2",
               "{\"indicator\":\"van_km\",\"value\":10,\"unit\":\"km\",\"dept\":\"regie\","
               "\"at\":\"2026-09-09\"}",
               "vehicle_required", "vehicle");
    p2_refused("x3", VR("van_km", "10", "km", "van-1", "mardi"), "invalid_date", "at");
    p2_refused("x4", VR("van_km", "10", "km", "van-1", "2026-02-30"), "invalid_date", "at");
    p2_refused("x5", VR("van_km", "10", "km", "van-1", "2027-09-09"), "invalid_date", "at");
    p2_refused("x6", VR("van_km", "10", "km", "van-1", "2026-09-06"), "invalid_date", "at");
    /* A correction that drops the vehicle is refused; one that keeps it
     * changes the value and nothing else. */
    p2_refused("k2c",
               "{\"indicator\":\"van_km\",\"value\":112,\"unit\":\"km\",\"dept\":\"regie\","
               "\"at\":\"2026-09-08\",\"supersedes\":\"k2\"}",
               "correction_incomplete", "vehicle");
    ack = p2_op("readings", "k2c", "add",
                "{\"indicator\":\"van_km\",\"value\":112,\"unit\":\"km\",\"dept\":\"regie\","
                "\"vehicle\":\"van-1\",\"at\":\"2026-09-08\",\"supersedes\":\"k2\"}");
    assert_string_equal(json_string_value(json_object_get(ack, "status")), "applied");
    json_decref(ack);
    assert_int_equal(carbon_footprint(db, "p2", CARBON_FINAL, 0, &fp), EP_OK);
    /* Still replaced: the correction kept its vehicle (100 + 112 km). */
    CLOSE(num(line_of(fp, "van_km"), "replaced_quantity", NULL, NULL), 212);
    json_decref(fp);
    /* Put the original back for the next test: void the correction. */
    p2_ok("readings", "k2v", "add",
          "{\"void\":true,\"supersedes\":\"k2c\",\"indicator\":\"van_km\",\"dept\":\"regie\","
          "\"at\":\"2026-09-08\"}");
}

static json_t *row_of(json_t *cmp, const char *cat)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(cmp, "categories"), i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "category")), cat) == 0)
            return r;
    }
    fail_msg("no category %s", cat);
    return NULL;
}

static void missing_is_not_zero_and_pro_rata(void **state)
{
    json_t *cmp = NULL, *r, *miss;
    (void)state;

    /* Monday 2026-09-14: 5 of 15 shooting days have ended, fraction 1/3. */
    assert_int_equal(carbon_compare(db, "p2", "2026-09-14", &cmp), EP_OK);
    assert_string_equal(json_string_value(json_object_get(cmp, "status")), "en cours");
    CLOSE(num(cmp, "span", "elapsed_days", NULL), 5);
    CLOSE(num(cmp, "span", "total_days", NULL), 15);
    /* Transport: forecast 150 L x 3.10 = 465 kg, 155 kg expected by now,
     * covered (diesel was read); measured 93 + 36.27 = 129.27 kg. */
    r = row_of(cmp, "transport");
    CLOSE(num(r, "provisional_kg", NULL, NULL), 465);
    CLOSE(num(r, "expected_kg", NULL, NULL), 155);
    CLOSE(num(r, "covered_expected_kg", NULL, NULL), 155);
    CLOSE(num(r, "delta_kg", NULL, NULL), 129.27 - 155);
    CLOSE(num(r, "delta_pct", NULL, NULL), (129.27 - 155) / 155 * 100);
    /* Logistics: hotels (30 x 6.93 = 207.9) were never read: missing, not a
     * reduction. Beef (60 x 7.26 = 435.6) is covered: 145.2 expected by
     * now against 72.6 measured, -50 %, not the -88.7 % of 72.6 against
     * the whole 643.5 kg. */
    r = row_of(cmp, "logistics");
    CLOSE(num(r, "provisional_kg", NULL, NULL), 643.5);
    CLOSE(num(r, "expected_kg", NULL, NULL), 214.5);
    CLOSE(num(r, "covered_expected_kg", NULL, NULL), 145.2);
    CLOSE(num(r, "coverage", NULL, NULL), 145.2 / 214.5);
    CLOSE(num(r, "delta_pct", NULL, NULL), -50);
    miss = json_array_get(json_object_get(cmp, "missing"), 0);
    assert_int_equal(json_array_size(json_object_get(cmp, "missing")), 1);
    assert_string_equal(json_string_value(json_object_get(miss, "indicator")), "hotel_nights");
    CLOSE(num(miss, "expected_kg", NULL, NULL), 69.3);
    /* A category with nothing forecast nor read has no delta at all. */
    assert_true(json_is_null(json_object_get(row_of(cmp, "hmc_costume"), "delta_pct")));
    assert_true(json_is_null(json_object_get(row_of(cmp, "hmc_costume"), "delta_kg")));
    CLOSE(num(cmp, "coverage", "share", NULL), 300.2 / 369.5);
    CLOSE(num(cmp, "total", "delta_kg", NULL), 129.27 + 72.6 - 300.2);
    assert_non_null(strstr(
        json_string_value(json_object_get(json_object_get(cmp, "final"), "uncertainty_covers")),
        "facteurs"));
    json_decref(cmp);
    /* Before the first day nothing is expected and nothing is compared. */
    assert_int_equal(carbon_compare(db, "p2", "2026-09-07", &cmp), EP_OK);
    CLOSE(num(cmp, "span", "fraction", NULL), 0);
    assert_true(json_is_null(json_object_get(cmp, "total")) == 0);
    assert_true(json_is_null(json_object_get(row_of(cmp, "logistics"), "delta_pct")));
    json_decref(cmp);
    /* Closed (after 09-25): the whole forecast, and the label says so. */
    assert_int_equal(carbon_compare(db, "p2", "2026-09-28", &cmp), EP_OK);
    assert_string_equal(json_string_value(json_object_get(cmp, "status")), "clos");
    CLOSE(num(row_of(cmp, "logistics"), "covered_expected_kg", NULL, NULL), 435.6);
    json_decref(cmp);
}

static void span_counts_shooting_days(void **state)
{
    struct carbon_span s;
    (void)state;

    assert_int_equal(carbon_span_of(db, "p2", "2026-09-10", &s), EP_OK);
    assert_int_equal(s.total_days, 15);
    assert_int_equal(s.elapsed_days, 3); /* Mon, Tue, Wed have ended */
    assert_int_equal(s.closed, 0);
    assert_true(carbon_span_contains(&s, "2026-09-25"));
    assert_false(carbon_span_contains(&s, "2026-09-26"));
    assert_false(carbon_span_contains(&s, "2026-9-10"));
    assert_int_equal(carbon_span_of(db, "p2", "2026-09-13", &s), EP_OK);
    assert_int_equal(s.elapsed_days, 5); /* the weekend adds none */
    assert_int_equal(carbon_span_of(db, "p2", "mardi", &s), EP_EINVAL);
    assert_int_equal(carbon_span_of(db, "nope", "2026-09-10", &s), EP_ENOTFOUND);
    /* With a preparation and a post-production phase, their days take
     * readings too (a scouting trip, the rushes' storage); the pro rata
     * still counts shooting days only. */
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "UPDATE production SET prep_from = '2026-08-31', "
                                  "post_from = '2026-10-01', post_to = '2026-11-30' "
                                  "WHERE id = 'p2'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(carbon_span_of(db, "p2", "2026-09-10", &s), EP_OK);
    assert_int_equal(s.total_days, 15);
    assert_true(carbon_span_contains(&s, "2026-08-31"));
    assert_false(carbon_span_contains(&s, "2026-08-30"));
    assert_true(carbon_span_contains(&s, "2026-11-30"));
    assert_false(carbon_span_contains(&s, "2026-12-01"));
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "UPDATE production SET prep_from = NULL, post_from = NULL, "
                                  "post_to = NULL WHERE id = 'p2'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    /* p1 has no dates: every valid date is inside. */
    assert_int_equal(carbon_span_of(db, "p1", "2026-09-10", &s), EP_OK);
    assert_int_equal(s.has_dates, 0);
    assert_true(carbon_span_contains(&s, "1999-01-01"));
}

/* The pro rata counts the production's own shooting days, not weekdays:
 * p2 shoots both Saturdays (09-12, 09-19) and declares Wednesday 09-16 a
 * rest day, Sundays off. 19 calendar days - 3 days off = 16 shooting days.
 * On 09-13 the days that ended are 07..12, all shot: 6 (weekdays: 5). On
 * 09-17: 07..16 minus Sunday 13 and Wednesday 16 = 8, fraction 8/16 = 0.5
 * (weekdays would say 8/15). */
static void pro_rata_uses_production_days(void **state)
{
    struct carbon_span s;
    json_t *cmp = NULL;
    (void)state;

    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "UPDATE production SET days_off = '[\"2026-09-13\","
                                  "\"2026-09-16\",\"2026-09-20\"]' WHERE id = 'p2'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(carbon_span_of(db, "p2", "2026-09-13", &s), EP_OK);
    assert_int_equal(s.total_days, 16);
    assert_int_equal(s.elapsed_days, 6);
    assert_int_equal(carbon_span_of(db, "p2", "2026-09-17", &s), EP_OK);
    assert_int_equal(s.elapsed_days, 8);
    assert_int_equal(carbon_compare(db, "p2", "2026-09-17", &cmp), EP_OK);
    CLOSE(num(cmp, "span", "fraction", NULL), 0.5);
    json_decref(cmp);
    /* Without days off every day of the phase is a shooting day. */
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "UPDATE production SET days_off = '[]' WHERE id = 'p2'", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(carbon_span_of(db, "p2", "2026-09-17", &s), EP_OK);
    assert_int_equal(s.total_days, 19);
    assert_int_equal(s.elapsed_days, 10);
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "UPDATE production SET days_off = '[\"2026-09-12\","
                                  "\"2026-09-13\",\"2026-09-19\",\"2026-09-20\"]' "
                                  "WHERE id = 'p2'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
}

/* A line's phases add up to the line, and the footprint's to its total. */
static void phases_add_up(json_t *fp)
{
    double sum = 0;
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(fp, "lines"), i, l)
    {
        double in_line = 0;
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(l, "by_phase"), k, v) in_line +=
            num(v, "kg", NULL, NULL);
        CLOSE(in_line, num(l, "kg", NULL, NULL));
    }
    sum = num(fp, "by_phase", "preparation", "kg") + num(fp, "by_phase", "shooting", "kg") +
          num(fp, "by_phase", "post_production", "kg");
    CLOSE(sum, num(fp, "total_kg", NULL, NULL));
}

/*
 * docs/carbon.md "Phases". p2 prepares 08-24..09-07 and posts 09-25..10-30:
 * 09-07 and 09-25 are shared with the shoot. Hand-computed, set 2:
 *  - preparation: van-2 40 km on 08-31 (0.279: 11.16 kg), van-1 10 L on
 *    09-01 (3.10: 31 kg) and 60 km on 09-02, replaced by those litres (same
 *    week): 42.16 kg, 100 km recorded of which 60 replaced;
 *  - shooting: 5 beef meals on 09-25, a shared day, in the meals' own
 *    phase (7.26: 36.3 kg);
 *  - post-production: 2 TB.yr of rushes on 09-25, their own phase (2 x the
 *    storage factor), and 6 beef meals on 09-10 that say "post_production"
 *    (a correction of 4, which had to keep its phase: 43.56 kg).
 */
static void readings_carry_their_phase(void **state)
{
    json_t *fp0 = NULL, *fp = NULL, *ack;
    double storage = 0;
    (void)state;

    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "UPDATE production SET prep_from = '2026-08-24', "
                                  "prep_to = '2026-09-07', post_from = '2026-09-25', "
                                  "post_to = '2026-10-30' WHERE id = 'p2'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(carbon_footprint(db, "p2", CARBON_FINAL, 0, &fp0), EP_OK);
    phases_add_up(fp0);
    /* Everything read so far was shot (09-07 is shared: van km are shooting). */
    CLOSE(num(fp0, "by_phase", "preparation", "kg"), 0);
    CLOSE(num(fp0, "by_phase", "post_production", "kg"), 0);

    p2_refused("ph0",
               "{\"indicator\":\"meals_beef\",\"value\":4,\"unit\":\"meal\",\"dept\":\"catering\","
               "\"at\":\"2026-09-10\",\"phase\":\"tournage\"}",
               "invalid_phase", "phase");
    p2_refused("ph0b",
               "{\"indicator\":\"meals_beef\",\"value\":4,\"unit\":\"meal\",\"dept\":\"catering\","
               "\"at\":\"2026-09-10\",\"phase\":\"post\"}",
               "invalid_phase", "phase");
    p2_ok("readings", "ph1", "add", VR("van_km", "40", "km", "van-2", "2026-08-31"));
    p2_ok("readings", "ph2", "add", VR("van_diesel_l", "10", "L", "van-1", "2026-09-01"));
    p2_ok("readings", "ph3", "add", VR("van_km", "60", "km", "van-1", "2026-09-02"));
    p2_ok("readings", "ph4", "add",
          "{\"indicator\":\"meals_beef\",\"value\":5,\"unit\":\"meal\",\"dept\":\"catering\","
          "\"at\":\"2026-09-25\"}");
    p2_ok("readings", "ph5", "add",
          "{\"indicator\":\"storage_tb_year\",\"value\":2,\"unit\":\"TB.yr\",\"dept\":\"post\","
          "\"at\":\"2026-09-25\"}");
    p2_ok("readings", "ph6", "add",
          "{\"indicator\":\"meals_beef\",\"value\":4,\"unit\":\"meal\",\"dept\":\"catering\","
          "\"at\":\"2026-09-10\",\"phase\":\"post_production\"}");
    /* A correction keeps the phase its reading said. */
    p2_refused("ph6c",
               "{\"indicator\":\"meals_beef\",\"value\":6,\"unit\":\"meal\",\"dept\":\"catering\","
               "\"at\":\"2026-09-10\",\"supersedes\":\"ph6\"}",
               "correction_incomplete", "phase");
    ack = p2_op("readings", "ph6c", "add",
                "{\"indicator\":\"meals_beef\",\"value\":6,\"unit\":\"meal\",\"dept\":"
                "\"catering\",\"at\":\"2026-09-10\",\"phase\":\"post_production\","
                "\"supersedes\":\"ph6\"}");
    assert_string_equal(json_string_value(json_object_get(ack, "status")), "applied");
    json_decref(ack);

    assert_int_equal(carbon_indicator_factor(db, "p2", "storage_tb_year", &storage), EP_OK);
    assert_int_equal(carbon_footprint(db, "p2", CARBON_FINAL, 0, &fp), EP_OK);
    phases_add_up(fp);
    CLOSE(num(fp, "by_phase", "preparation", "kg"), 11.16 + 31);
    CLOSE(num(fp, "by_phase", "shooting", "kg") - num(fp0, "by_phase", "shooting", "kg"), 36.3);
    CLOSE(num(fp, "by_phase", "post_production", "kg"), 2 * storage + 43.56);
    CLOSE(num(fp, "total_kg", NULL, NULL) - num(fp0, "total_kg", NULL, NULL),
          42.16 + 36.3 + 2 * storage + 43.56);
    /* The van's line in preparation: 100 km recorded, 60 replaced. */
    CLOSE(num(json_object_get(line_of(fp, "van_km"), "by_phase"), "preparation", "quantity", NULL),
          40);
    CLOSE(num(json_object_get(line_of(fp, "van_km"), "by_phase"), "preparation", "kg", NULL),
          11.16);
    CLOSE(num(line_of(fp, "van_km"), "replaced_quantity", NULL, NULL) -
              num(line_of(fp0, "van_km"), "replaced_quantity", NULL, NULL),
          60);
    {
        char *csv = NULL;
        size_t len = 0;
        assert_int_equal(carbon_csv(fp, &csv, &len), EP_OK);
        assert_non_null(strstr(csv, "\r\nDont préparation;;;;;;;;;;42,160;"));
        free(csv);
    }
    /* The provisional footprint has no dates, so no phases. */
    json_decref(fp0);
    assert_int_equal(carbon_footprint(db, "p2", CARBON_PROVISIONAL, 0, &fp0), EP_OK);
    assert_null(json_object_get(fp0, "by_phase"));
    json_decref(fp0);
    json_decref(fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(final_footprint_matches_hand_calculation),
        cmocka_unit_test(provisional_and_comparison),
        cmocka_unit_test(odd_values_flagged_bad_ones_refused),
        cmocka_unit_test(csv_for_french_spreadsheets),
        cmocka_unit_test(factor_set_pinned),
        cmocka_unit_test(factor_set_is_data),
        cmocka_unit_test(new_set_never_changes_a_pinned_footprint),
        cmocka_unit_test(factor_set_3_catalogue),
        cmocka_unit_test(set_4_converts_what_set_3_left_untracked),
        cmocka_unit_test(set_5_converts_costumes_rentals_and_textiles),
    };
    const struct CMUnitTest issue18[] = {
        cmocka_unit_test(fuel_replaces_km),
        cmocka_unit_test(readings_checked_against_production),
        cmocka_unit_test(missing_is_not_zero_and_pro_rata),
        cmocka_unit_test(span_counts_shooting_days),
        cmocka_unit_test(pro_rata_uses_production_days),
        cmocka_unit_test(readings_carry_their_phase),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    return failed +
           cmocka_run_group_tests_name("one method per source", issue18, setup_p2, teardown);
}
