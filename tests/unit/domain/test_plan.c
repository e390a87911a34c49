/*
 * test_plan.c - action progress and recurring dysfunctions on a worked
 * example: a 6-week shoot (30 shooting days) seen on its 11th day.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "collect.h"
#include "db.h"
#include "err.h"
#include "plan.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[256];
static struct db *db;

static int setup(void **state)
{
    static const char *const vans[] = {"2026-09-07", "2026-09-08", "2026-09-09", "2026-09-10",
                                       "2026-09-11", "2026-09-14", "2026-09-15", "2026-09-16",
                                       "2026-09-17", "2026-09-18"};
    static const char *const meals[] = {"2026-09-07", "2026-09-08", "2026-09-09", "2026-09-10",
                                        "2026-09-11", "2026-09-14", "2026-09-15"};
    char id[32];
    (void)state;
    support_tmpdir(dir);
    db = support_db(dir, "p.db");
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "UPDATE production SET starts_on = '2026-09-07', "
                                  "ends_on = '2026-10-16' WHERE id = 'p1'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    for (int i = 0; i < 10; i++) {
        snprintf(id, sizeof(id), "km-%d", i);
        support_office_reading(db, id, "van_km", "km", "regie", 50, vans[i]);
    }
    /* Catering reports daily, then falls silent on the 16th. */
    for (int i = 0; i < 7; i++) {
        snprintf(id, sizeof(id), "veg-%d", i);
        support_office_reading(db, id, "meals_vegetarian", "meal", "catering", i < 3 ? 4 : 5,
                               meals[i]);
        snprintf(id, sizeof(id), "beef-%d", i);
        support_office_reading(db, id, "meals_beef", "meal", "catering", 10, meals[i]);
    }
    support_office_ok(
        db, "actions", "act-km", "put",
        "{\"title\":\"Navettes\",\"theme\":\"mobility\",\"owner\":\"m-k\",\"indicator\":\"van_km\","
        "\"baseline\":1000,\"target\":800}");
    support_office_ok(
        db, "actions", "act-veg", "put",
        "{\"title\":\"Végétarien\",\"theme\":\"food\",\"owner\":\"m-m\",\"indicator\":"
        "\"meals_vegetarian\",\"measure\":\"share\",\"baseline\":0.2,\"target\":0.35}");
    support_office_ok(
        db, "actions", "act-gen", "put",
        "{\"title\":\"HVO\",\"theme\":\"energy\",\"owner\":\"m-t\",\"indicator\":\"generator_l\","
        "\"baseline\":1300,\"target\":900}");
    support_office_ok(db, "actions", "act-draft", "put",
                      "{\"title\":\"Idée\",\"theme\":\"waste\"}");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    support_rmtree(dir);
    return 0;
}

static json_t *action(json_t *progress, const char *id)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(progress, "actions"), i, a)
    {
        if (strcmp(json_string_value(json_object_get(a, "id")), id) == 0)
            return a;
    }
    fail_msg("no action %s", id);
    return NULL;
}

static void weekdays(void **state)
{
    (void)state;
    assert_int_equal(plan_weekdays("2026-09-07", "2026-09-21"), 10);
    assert_int_equal(plan_weekdays("2026-09-07", "2026-10-16"), 29);
    assert_int_equal(plan_weekdays("2026-09-12", "2026-09-14"), 0); /* a weekend */
    assert_int_equal(plan_weekdays("2026-02-27", "2026-03-03"), 2);
    assert_int_equal(plan_weekdays("2026-13-01", "2026-09-14"), -1);
}

static void progress_by_hand(void **state)
{
    json_t *p = NULL, *a;
    (void)state;
    assert_int_equal(plan_progress(db, "p1", "2026-09-21", "fr", &p), EP_OK);
    assert_int_equal(json_integer_value(json_object_get(p, "elapsed_days")), 10);
    assert_int_equal(json_integer_value(json_object_get(p, "total_days")), 30);
    /* 500 km in 10 of 30 days projects to 1,500 km against 1,000 -> 800. */
    a = action(p, "act-km");
    assert_true(fabs(json_number_value(json_object_get(a, "projected")) - 1500) < 1e-9);
    assert_true(fabs(json_number_value(json_object_get(a, "attainment_pct")) - (-250)) < 1e-9);
    /* Below 0 %: shown "à vérifier" with why, until a person confirms it. */
    assert_string_equal(json_string_value(json_object_get(a, "status")), "a_verifier");
    assert_string_equal(json_string_value(json_object_get(a, "check")), "sous_0");
    /* Vegetarian share: 32 of 102 meals = 0.3137 against 0.2 -> 0.35. */
    a = action(p, "act-veg");
    assert_true(fabs(json_number_value(json_object_get(a, "current")) - 32.0 / 102.0) < 1e-9);
    assert_true(fabs(json_number_value(json_object_get(a, "attainment_pct")) -
                     round((32.0 / 102.0 - 0.2) / 0.15 * 1000) / 10) < 1e-9);
    assert_string_equal(json_string_value(json_object_get(a, "status")), "en_bonne_voie");
    /* No readings: missing, not zero. */
    a = action(p, "act-gen");
    assert_string_equal(json_string_value(json_object_get(a, "status")), "sans_donnee");
    assert_true(json_is_null(json_object_get(a, "attainment_pct")));
    /* A draft is allowed and flagged. */
    a = action(p, "act-draft");
    assert_string_equal(json_string_value(json_object_get(a, "status")), "brouillon");
    assert_int_equal(json_array_size(json_object_get(a, "draft_flags")), 3);
    json_decref(p);
}

static void check_reasons(void **state)
{
    json_t *same = json_real(250.0), *other = json_real(210.0);
    (void)state;
    assert_null(plan_check_reason(200.0, NULL)); /* 200 % itself is plausible */
    assert_null(plan_check_reason(0.0, NULL));
    assert_string_equal(plan_check_reason(200.1, NULL), "au_dessus_de_200");
    assert_string_equal(plan_check_reason(-0.1, NULL), "sous_0");
    assert_null(plan_check_reason(250.0, same));
    /* A confirmation holds for the figure confirmed, not the next one. */
    assert_string_equal(plan_check_reason(250.0, other), "au_dessus_de_200");
    json_decref(same);
    json_decref(other);
}

/* A person confirms the -250 %: the action is judged like any other, and
 * the owner a member id is shown by name. */
static void confirmed_attainment(void **state)
{
    json_t *p = NULL, *a;
    char fields[64];
    (void)state;
    assert_int_equal(plan_progress(db, "p1", "2026-09-21", "fr", &p), EP_OK);
    a = action(p, "act-km");
    assert_string_equal(json_string_value(json_object_get(a, "status")), "a_verifier");
    snprintf(fields, sizeof(fields), "{\"confirmed_pct\":%.1f}",
             json_number_value(json_object_get(a, "attainment_pct")));
    json_decref(p);
    support_office_ok(db, "actions", "act-km", "put", fields);
    assert_int_equal(plan_progress(db, "p1", "2026-09-21", "fr", &p), EP_OK);
    a = action(p, "act-km");
    assert_string_equal(json_string_value(json_object_get(a, "status")), "en_retard");
    assert_null(json_object_get(a, "check"));
    assert_string_equal(json_string_value(json_object_get(a, "owner_id")), "m-k");
    json_decref(p);
}

/* The dysfunction of kind missed_readings for indicator, or NULL. */
static json_t *missed_of(json_t *d, const char *indicator)
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

/* The dashboard's missed readings are Collecte's "what is missing", item
 * for item: same count, same first missing period. */
static void same_as_collect(json_t *d, const char *today)
{
    json_t *m = NULL, *item;
    size_t i, n = 0, listed = 0;
    assert_int_equal(collect_missing(db, "p1", today, NULL, NULL, &m), EP_OK);
    json_array_foreach(json_object_get(m, "items"), i, item)
    {
        const json_t *missing = json_object_get(item, "missing");
        json_t *x = missed_of(d, json_string_value(json_object_get(item, "indicator")));
        if (json_array_size(missing) == 0) {
            assert_null(x);
            continue;
        }
        assert_non_null(x);
        assert_int_equal(json_integer_value(json_object_get(x, "missed")),
                         json_array_size(missing));
        assert_string_equal(json_string_value(json_object_get(x, "since")),
                            json_string_value(json_object_get(json_array_get(missing, 0), "from")));
        n++;
    }
    json_array_foreach(json_object_get(d, "dysfunctions"), i, item) listed +=
        strcmp(json_string_value(json_object_get(item, "kind")), "missed_readings") == 0
            ? json_array_size(json_object_get(item, "indicators"))
            : 0;
    assert_int_equal(listed, n);
    json_decref(m);
}

static void recurring_dysfunctions(void **state)
{
    json_t *d = NULL, *x;
    size_t i;
    int drift = 0;
    (void)state;
    /* A six-week shoot collected weekly: the van and the meals have their two
     * weeks, the generator (its action planned, nothing read) misses both. */
    assert_int_equal(plan_dysfunctions(db, "p1", "2026-09-21", "fr", &d), EP_OK);
    same_as_collect(d, "2026-09-21");
    assert_null(missed_of(d, "van_km"));
    assert_null(missed_of(d, "meals_vegetarian"));
    x = missed_of(d, "generator_l");
    assert_non_null(x);
    assert_int_equal(json_integer_value(json_object_get(x, "missed")), 2);
    assert_string_equal(json_string_value(json_object_get(x, "since")), "2026-09-07");
    assert_true(json_array_size(json_object_get(x, "alternatives")) >= 2);
    json_array_foreach(json_object_get(d, "dysfunctions"), i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "kind")), "target_drift") == 0) {
            assert_string_equal(json_string_value(json_object_get(x, "action")), "act-km");
            assert_true(json_array_size(json_object_get(x, "alternatives")) >= 1);
            drift++;
        }
    }
    assert_int_equal(drift, 1);
    json_decref(d);
    /* A week later catering, silent since the 15th, misses the third week. */
    assert_int_equal(plan_dysfunctions(db, "p1", "2026-09-29", "fr", &d), EP_OK);
    same_as_collect(d, "2026-09-29");
    x = missed_of(d, "meals_vegetarian");
    assert_non_null(x);
    assert_string_equal(json_string_value(json_object_get(x, "dept")), "catering");
    assert_string_equal(json_string_value(json_object_get(x, "since")), "2026-09-21");
    assert_int_equal(json_integer_value(json_object_get(x, "missed")), 1);
    json_decref(d);
    assert_int_equal(plan_dysfunctions(db, "p1", "not-a-date", "fr", &d), EP_EINVAL);
}

/* Every library action serves at least one AFNOR SPEC 2308 chapter and one
 * Ecoprod post, among those the sources name, and measures an indicator of
 * the catalogue when it names one; started, it is a draft naming its origin. */
static void library_is_tagged_and_consistent(void **state)
{
    static const char *const known[] = {
        "afnor:governance",  "afnor:energy_mobility", "afnor:purchasing_food_waste",
        "afnor:digital",     "afnor:biodiversity",    "afnor:inclusion",
        "afnor:training",    "ecoprod:commitment",    "ecoprod:editorial",
        "ecoprod:offices",   "ecoprod:locations",     "ecoprod:sets",
        "ecoprod:hmc",       "ecoprod:travel",        "ecoprod:regie",
        "ecoprod:technical", "ecoprod:postproduction"};
    json_t *lib = NULL, *one = NULL, *f;
    size_t i, k;
    json_t *e, *tag;
    (void)state;
    assert_int_equal(plan_library(db, NULL, &lib), EP_OK);
    assert_true(json_array_size(lib) >= 10);
    json_array_foreach(lib, i, e)
    {
        int afnor = 0, ecoprod = 0;
        const char *ind = json_string_value(json_object_get(e, "indicator"));
        json_array_foreach(json_object_get(e, "tags"), k, tag)
        {
            const char *t = json_string_value(tag);
            int found = 0;
            for (size_t n = 0; n < sizeof(known) / sizeof(known[0]); n++)
                found |= strcmp(t, known[n]) == 0;
            if (!found)
                fail_msg("%s: unknown tag %s", json_string_value(json_object_get(e, "id")), t);
            afnor |= strncmp(t, "afnor:", 6) == 0;
            ecoprod |= strncmp(t, "ecoprod:", 8) == 0;
        }
        if (!afnor || !ecoprod)
            fail_msg("%s: needs an AFNOR and an Ecoprod tag",
                     json_string_value(json_object_get(e, "id")));
        if (ind != NULL) {
            sqlite3_stmt *st = NULL;
            assert_int_equal(sqlite3_prepare_v2(db_handle(db),
                                                "SELECT 1 FROM indicator WHERE id = ?1", -1, &st,
                                                NULL),
                             SQLITE_OK);
            sqlite3_bind_text(st, 1, ind, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_ROW)
                fail_msg("%s: indicator %s is not in the catalogue",
                         json_string_value(json_object_get(e, "id")), ind);
            sqlite3_finalize(st);
        }
    }
    json_decref(lib);
    /* The exports are titled with the production's title. */
    assert_int_equal(plan_progress(db, "p1", "2026-09-17", "fr", &one), EP_OK);
    assert_string_equal(json_string_value(json_object_get(one, "title")), "One");
    json_decref(one);
    one = NULL;
    assert_int_equal(plan_library(db, "lib-nope", &one), EP_ENOTFOUND);
    assert_int_equal(plan_library(db, "lib-veggie-meal", &one), EP_OK);
    f = plan_action_from_library(one);
    assert_string_equal(json_string_value(json_object_get(f, "status")), "draft");
    assert_string_equal(json_string_value(json_object_get(f, "library")), "lib-veggie-meal");
    assert_string_equal(json_string_value(json_object_get(f, "indicator")), "meals_vegetarian");
    assert_string_equal(json_string_value(json_object_get(f, "measure")), "share");
    json_decref(f);
    json_decref(one);
}

/* A 2,000 km day, flagged for review (above van_km's 1,200), is counted
 * once, not extrapolated: 500 km in 10 of 30 days project to 1,500, plus
 * the 2,000 as they are = 3,500 (not 2,500 x 3 = 7,500). */
static void outlier_not_extrapolated(void **state)
{
    json_t *p = NULL, *a;
    (void)state;
    support_office_reading(db, "km-outlier", "van_km", "km", "regie", 2000, "2026-09-16");
    assert_int_equal(plan_progress(db, "p1", "2026-09-21", "fr", &p), EP_OK);
    a = action(p, "act-km");
    assert_true(fabs(json_number_value(json_object_get(a, "current")) - 2500) < 1e-9);
    assert_true(fabs(json_number_value(json_object_get(a, "projected")) - 3500) < 1e-9);
    json_decref(p);
}

/* Avoided emissions against the baseline (docs/plan.md), hand-computed with
 * factor set 3: as of 09-21, 10 of 30 shooting days. */
static void avoided_emissions(void **state)
{
    json_t *p = NULL, *a;
    (void)state;

    /* Vegetarian meals replacing beef ones, objective 500 kgCO2e avoided:
     * 102 meals so far project to 306; the share rose from 0.2 to 32/102,
     * so (32/102 - 0.2) x 306 = 96 - 61.2 = 34.8 meals changed, each
     * 7.26 - 0.51 = 6.75 kgCO2e less: 234.9 kg. */
    support_office_ok(
        db, "actions", "act-veg2", "put",
        "{\"title\":\"Végétarien au lieu du bœuf\",\"theme\":\"food\",\"owner\":\"m-m\","
        "\"indicator\":\"meals_vegetarian\",\"measure\":\"share\",\"baseline\":0.2,"
        "\"target\":0.35,\"replaces\":\"meals_beef\",\"target_kg\":500}");
    assert_int_equal(plan_progress(db, "p1", "2026-09-21", "fr", &p), EP_OK);
    a = action(p, "act-veg2");
    assert_true(fabs(json_number_value(json_object_get(a, "avoided_kg")) - 234.9) < 0.006);
    assert_true(fabs(json_number_value(json_object_get(a, "target_kg")) - 500) < 1e-9);
    assert_string_equal(json_string_value(json_object_get(a, "replaces")), "meals_beef");
    /* The shuttles: 3,500 km projected (the outlier above counted once)
     * against a 1,000 km baseline is (1,000 - 3,500) x 0.279 = -697.5 kg:
     * emissions added, never shown as avoided. */
    a = action(p, "act-km");
    assert_true(fabs(json_number_value(json_object_get(a, "avoided_kg")) - (-697.5)) < 1e-9);
    assert_non_null(strstr(json_string_value(json_object_get(a, "avoided_method")), "réduction"));
    /* A share without what it replaces cannot be counted, nor missing data. */
    a = action(p, "act-veg");
    assert_true(json_is_null(json_object_get(a, "avoided_kg")));
    assert_non_null(strstr(json_string_value(json_object_get(a, "avoided_method")), "remplace"));
    a = action(p, "act-gen");
    assert_true(json_is_null(json_object_get(a, "avoided_kg")));
    json_decref(p);
    /* The method is prose: an English reader reads it in English, with the
     * same figures, and nothing of the French. */
    assert_int_equal(plan_progress(db, "p1", "2026-09-21", "en", &p), EP_OK);
    assert_string_equal(json_string_value(json_object_get(action(p, "act-km"), "avoided_method")),
                        "reduction: (1000 − 3500) × 0.279 kgCO2e");
    assert_string_equal(json_string_value(json_object_get(action(p, "act-veg"), "avoided_method")),
                        "substitution: say what the action replaces");
    assert_int_equal(
        strncmp(json_string_value(json_object_get(action(p, "act-veg2"), "avoided_method")),
                "substitution: (", 15),
        0);
    json_decref(p);
    /* A negative objective in kgCO2e is refused by the collection. */
    json_t *ack =
        support_office_op(db, "actions", "act-bad", "put", "{\"title\":\"x\",\"target_kg\":-5}");
    assert_string_equal(json_string_value(json_object_get(ack, "status")), "rejected");
    json_decref(ack);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weekdays),
        cmocka_unit_test(progress_by_hand),
        cmocka_unit_test(recurring_dysfunctions),
        cmocka_unit_test(library_is_tagged_and_consistent),
        cmocka_unit_test(outlier_not_extrapolated),
        cmocka_unit_test(check_reasons),
        cmocka_unit_test(confirmed_attainment),
        cmocka_unit_test(avoided_emissions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
