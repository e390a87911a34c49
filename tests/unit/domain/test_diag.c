/*
 * test_diag.c - C1 and C2 on worked examples: a company's maturity
 * marker by marker; a 10-week seaside feature, an 8-day studio commercial
 * and a monthly-reported animation series giving different, explainable
 * priorities; drafts that say what is missing; impossible values refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db.h"
#include "diag.h"
#include "err.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[256];
static struct db *db;

static json_t *load(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    if (j == NULL)
        fail_msg("bad JSON in test: %s", err.text);
    return j;
}

static json_t *theme(json_t *out, const char *key)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(out, "themes"), i, t)
    {
        if (strcmp(json_string_value(json_object_get(t, "theme")), key) == 0)
            return t;
    }
    fail_msg("no theme %s", key);
    return NULL;
}

static double kg(json_t *out, const char *key)
{
    return json_number_value(json_object_get(theme(out, key), "kg"));
}

static const char *biggest(json_t *out)
{
    static const char *const keys[] = {"mobility", "energy", "food", "waste", "purchases"};
    const char *best = NULL;
    double max = -1;
    for (size_t i = 0; i < 5; i++) {
        if (kg(out, keys[i]) > max) {
            max = kg(out, keys[i]);
            best = keys[i];
        }
    }
    return best;
}

static int has_impact(json_t *out, const char *element)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(out, "impacts"), i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "element")), element) == 0)
            return 1;
    }
    return 0;
}

static json_t *project(const char *text)
{
    char field[64], err[256];
    json_t *in = load(text), *out = NULL;
    if (diag_project(db, in, &out, field, sizeof(field), err, sizeof(err)) != EP_OK)
        fail_msg("diag_project: %s: %s", field, err);
    json_decref(in);
    return out;
}

/* Ranks follow impact per unit of effort, and the matrix holds every theme. */
static void check_ranking(json_t *out)
{
    json_t *themes = json_object_get(out, "themes");
    double prev = INFINITY;
    size_t in_matrix = 0;
    const char *k;
    json_t *v;
    for (size_t i = 0; i < 5; i++) {
        json_t *t = json_array_get(themes, i);
        double score = json_number_value(json_object_get(t, "kg")) /
                       (double)json_integer_value(json_object_get(t, "effort"));
        assert_int_equal(json_integer_value(json_object_get(t, "rank")), (json_int_t)i + 1);
        assert_true(score <= prev + 1);
        prev = score;
    }
    json_object_foreach(json_object_get(out, "matrix"), k, v) in_matrix += json_array_size(v);
    assert_int_equal(in_matrix, 5);
    assert_string_equal(json_string_value(json_object_get(json_array_get(themes, 5), "theme")),
                        "carbon");
}

static void seaside_feature(void **state)
{
    json_t *out;
    (void)state;
    /* 10 weeks, 50 days (5 in studio), 82 people, two coastal locations one
     * of them protected, 10 nights, 2,500 hotel nights, trains, 4K. */
    out = project("{\"type\":\"fiction\",\"shooting_days\":50,\"studio_days\":5,\"crew_size\":70,"
                  "\"cast_size\":12,\"locations\":[{\"name\":\"Plage\",\"km_from_base\":35,"
                  "\"protected_area\":true},{\"name\":\"Port\",\"km_from_base\":60}],"
                  "\"night_shoots\":10,\"sets_to_build\":1,\"train_pkm\":20000,"
                  "\"accommodation_nights\":2500,\"image_format\":\"4K UHD\",\"rushes_tb\":40,"
                  "\"retention_years\":2,\"budget_eur\":4500000}");
    assert_string_equal(json_string_value(json_object_get(out, "status")), "complete");
    /* Shuttles to the coast and hotel nights make mobility the biggest. */
    assert_string_equal(biggest(out), "mobility");
    assert_string_equal(json_string_value(json_object_get(theme(out, "mobility"), "quadrant")),
                        "prioritaire");
    /* 14 vehicles x 45 days x 95 km = 59,850 km at 0.279 (factor set 2's
     * light van) plus 2,500 x 6.93 + 20,000 x 0.00293 */
    assert_true(fabs(kg(out, "mobility") - (59850 * 0.279 + 2500 * 6.93 + 20000 * 0.00293)) < 1);
    assert_true(has_impact(out, "Zone protégée"));
    assert_true(has_impact(out, "Tournages de nuit"));
    assert_true(has_impact(out, "Hébergement"));
    check_ranking(out);
    json_decref(out);
}

static void studio_commercial(void **state)
{
    json_t *out;
    (void)state;
    /* 8 days all in studio, three built sets, rushes kept one year. */
    out = project("{\"type\":\"advertising\",\"shooting_days\":8,\"studio_days\":8,"
                  "\"crew_size\":35,\"cast_size\":6,\"locations\":[],\"sets_to_build\":3,"
                  "\"train_pkm\":3000,\"accommodation_nights\":40,\"image_format\":\"4K UHD\","
                  "\"retention_years\":1,\"budget_eur\":600000}");
    /* The sets dominate; no locations, so almost no shuttle mobility. */
    assert_string_equal(biggest(out), "purchases");
    assert_true(kg(out, "mobility") < kg(out, "food"));
    assert_true(has_impact(out, "Décors"));
    assert_true(has_impact(out, "Budget")); /* 600 k€ counts as tight: effort weighs more */
    assert_int_equal(json_integer_value(json_object_get(theme(out, "purchases"), "effort")), 3);
    check_ranking(out);
    json_decref(out);
}

static void animation_series(void **state)
{
    json_t *out;
    (void)state;
    /* 40 people for 12 months in a studio, 60 TB kept five years. */
    out = project("{\"type\":\"animation\",\"production_months\":12,\"crew_size\":40,"
                  "\"rushes_tb\":60,\"retention_years\":5,\"budget_eur\":8000000}");
    assert_string_equal(json_string_value(json_object_get(out, "status")), "complete");
    /* Commutes, not storage: at the usual 0.89 kgCO2e/TB.yr (factor set 2)
     * 60 TB x 5 years is 267 kg; set 1's 208 made it 62 t and the top
     * priority (docs/carbon.md "The factor catalogue (factor set 2)"). */
    assert_string_equal(biggest(out), "mobility");
    assert_true(has_impact(out, "Postes de travail et serveurs"));
    assert_true(has_impact(out, "Trajets domicile-studio"));
    assert_false(has_impact(out, "Lieux de tournage"));
    assert_true(kg(out, "waste") == 0 && kg(out, "purchases") == 0);
    check_ranking(out);
    json_decref(out);
}

static void office_adjusts_and_drafts_say_what_is_missing(void **state)
{
    json_t *out;
    char field[64], err[256];
    json_t *in;
    (void)state;
    out = project("{\"type\":\"documentary\",\"shooting_days\":12,\"crew_size\":8,"
                  "\"locations\":[{\"km_from_base\":10}],\"overrides\":{\"food\":{\"effort\":3}}}");
    assert_int_equal(json_integer_value(json_object_get(theme(out, "food"), "effort")), 3);
    json_decref(out);
    out = project("{\"type\":\"documentary\",\"shooting_days\":12}");
    assert_string_equal(json_string_value(json_object_get(out, "status")), "draft");
    assert_int_equal(json_array_size(json_object_get(out, "missing")), 2); /* crew, locations */
    json_decref(out);
    /* Impossible values: refused with the field. */
    static const char *const bad[][2] = {
        {"{\"type\":\"fiction\",\"shooting_days\":-3}", "shooting_days"},
        {"{\"type\":\"fiction\",\"shooting_days\":5,\"locations\":[{\"km_from_base\":-2}]}",
         "locations[0].km_from_base"},
        {"{\"type\":\"fiction\",\"shooting_days\":5,\"studio_days\":9}", "studio_days"},
        {"{\"type\":\"opera\"}", "type"},
        {"{\"type\":\"fiction\",\"crew_size\":\"many\"}", "crew_size"},
        {"{\"type\":\"fiction\",\"overrides\":{\"food\":{\"effort\":7}}}", "overrides.food.effort"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        in = load(bad[i][0]);
        out = NULL;
        assert_int_equal(diag_project(db, in, &out, field, sizeof(field), err, sizeof(err)),
                         EP_EINVAL);
        assert_string_equal(field, bad[i][1]);
        assert_true(strlen(err) > 0);
        assert_null(out);
        json_decref(in);
    }
}

static void company_maturity(void **state)
{
    char field[64], err[256];
    json_t *in, *out = NULL, *prev = NULL, *cmp = NULL;
    (void)state;
    /* A small fiction company, engaged but not structured. */
    in = load("{\"year\":2025,\"production_types\":[\"fiction\",\"documentary\"],\"headcount\":9,"
              "\"staff_turnover_pct\":35,\"standard_methods\":\"partial\",\"csr_charter\":true,"
              "\"ecoprod_label\":false,\"afnor_spec_2308_level\":1,\"eco_referent\":\"part_time\","
              "\"trained_staff_pct\":25,\"past_footprints\":2,\"partners\":[\"CNC\"],"
              "\"providers\":[\"Loueur Lumière\"],\"supplier_criteria\":false}");
    assert_int_equal(diag_company(in, &prev, field, sizeof(field), err, sizeof(err)), EP_OK);
    /* 12 + 8 + 0 + 6 + 6 + 3 + 3 + 2 + 0 = 40 -> level 3 */
    assert_true(fabs(json_number_value(json_object_get(prev, "score")) - 40.0) < 1e-9);
    assert_int_equal(json_integer_value(json_object_get(prev, "level")), 3);
    assert_string_equal(json_string_value(json_object_get(prev, "level_label")), "Engagée");
    assert_string_equal(json_string_value(json_object_get(prev, "status")), "complete");
    /* The charter is a strength; no label is a weakness of high priority. */
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(prev, "strengths"), 0), "marker")),
                        "csr_charter");
    {
        size_t i;
        json_t *w;
        int found = 0;
        json_array_foreach(json_object_get(prev, "weaknesses"), i, w)
        {
            if (strcmp(json_string_value(json_object_get(w, "marker")), "ecoprod_label") == 0) {
                assert_string_equal(json_string_value(json_object_get(w, "priority")), "haute");
                found = 1;
            }
        }
        assert_true(found);
    }
    /* Fiction without AFNOR level 2: the RSE+ bonus axis appears. */
    {
        char *axes = json_dumps(json_object_get(prev, "axes"), 0);
        assert_non_null(strstr(axes, "RSE+"));
        free(axes);
    }
    /* A year later: labelled with one star, AFNOR level 2. */
    json_object_set_new(in, "ecoprod_label", json_true());
    json_object_set_new(in, "ecoprod_stars", json_integer(1));
    json_object_set_new(in, "afnor_spec_2308_level", json_integer(2));
    assert_int_equal(diag_company(in, &out, field, sizeof(field), err, sizeof(err)), EP_OK);
    assert_true(fabs(json_number_value(json_object_get(out, "score")) - 59.0) < 1e-9);
    assert_int_equal(diag_company_compare(prev, out, &cmp), EP_OK);
    assert_true(fabs(json_number_value(json_object_get(cmp, "score_delta")) - 19.0) < 1e-9);
    json_decref(cmp);
    json_decref(out);
    json_decref(prev);
    /* Incomplete: a draft that lists what is missing. */
    json_object_del(in, "partners");
    json_object_del(in, "eco_referent");
    assert_int_equal(diag_company(in, &out, field, sizeof(field), err, sizeof(err)), EP_OK);
    assert_string_equal(json_string_value(json_object_get(out, "status")), "draft");
    assert_int_equal(json_array_size(json_object_get(out, "missing")), 2);
    json_decref(out);
    /* Impossible: refused with the field. */
    json_object_set_new(in, "headcount", json_integer(-4));
    out = NULL;
    assert_int_equal(diag_company(in, &out, field, sizeof(field), err, sizeof(err)), EP_EINVAL);
    assert_string_equal(field, "headcount");
    assert_null(out);
    json_object_set_new(in, "headcount", json_integer(4));
    json_object_set_new(in, "eco_referent", json_string("sometimes"));
    assert_int_equal(diag_company(in, &out, field, sizeof(field), err, sizeof(err)), EP_EINVAL);
    assert_string_equal(field, "eco_referent");
    json_decref(in);
}

/* Every item text of result (strengths, weaknesses, axes), joined. */
static char *all_texts(json_t *out)
{
    static const char *const lists[] = {"strengths", "weaknesses", "axes"};
    char *joined = NULL;
    size_t len = 0;
    for (size_t l = 0; l < 3; l++) {
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(out, lists[l]), i, it)
        {
            const char *t = json_string_value(json_object_get(it, "text"));
            size_t n = strlen(t);
            joined = realloc(joined, len + n + 2);
            assert_non_null(joined);
            memcpy(joined + len, t, n);
            joined[len + n] = '\n';
            len += n + 1;
            joined[len] = '\0';
            /* Each item says which answer it comes from. */
            assert_non_null(json_object_get(it, "answer"));
        }
    }
    return joined != NULL ? joined : strdup("");
}

/*
 * The advice never contradicts an answer, at every level boundary: an
 * engaged AFNOR SPEC 2308 level is never "non engagée", a labelled company
 * is never told to apply for the label, a part-time eco-referent is not to be
 * "named", a company with footprints does not read "aucun bilan".
 */
static void advice_never_contradicts_the_answers(void **state)
{
    char field[64], err[256];
    (void)state;
    for (int afnor = 0; afnor <= 3; afnor++)
        for (int stars = -1; stars <= 3; stars++) /* -1: not labelled */
            for (int ref = 0; ref < 3; ref++)
                for (int fp = 0; fp <= 4; fp++) {
                    static const char *const refs[] = {"none", "part_time", "dedicated"};
                    json_t *in = load("{\"year\":2026,\"production_types\":[\"fiction\"],"
                                      "\"headcount\":9,\"staff_turnover_pct\":20,"
                                      "\"standard_methods\":\"partial\",\"csr_charter\":true,"
                                      "\"trained_staff_pct\":25,\"partners\":[\"CNC\"],"
                                      "\"providers\":[\"Loueur\"],\"supplier_criteria\":false}");
                    json_t *out = NULL;
                    char *t;
                    json_object_set_new(in, "afnor_spec_2308_level", json_integer(afnor));
                    json_object_set_new(in, "ecoprod_label", json_boolean(stars >= 0));
                    if (stars >= 0)
                        json_object_set_new(in, "ecoprod_stars", json_integer(stars));
                    json_object_set_new(in, "eco_referent", json_string(refs[ref]));
                    json_object_set_new(in, "past_footprints", json_integer(fp));
                    assert_int_equal(diag_company(in, &out, field, sizeof(field), err, sizeof(err)),
                                     EP_OK);
                    t = all_texts(out);
                    if (afnor >= 1) {
                        assert_null(strstr(t, "non engagée"));
                        assert_null(strstr(t, "Engager le niveau 1"));
                    } else {
                        assert_non_null(strstr(t, "AFNOR SPEC 2308 non engagée."));
                    }
                    if (afnor == 1)
                        assert_non_null(strstr(t, "Passer au niveau 2"));
                    if (afnor == 3)
                        assert_non_null(strstr(t, "niveau 3 sur 3"));
                    if (stars >= 0) {
                        assert_null(strstr(t, "candidater"));
                        assert_null(strstr(t, "Aucun label"));
                    } else {
                        assert_non_null(strstr(t, "Aucun label Ecoprod."));
                    }
                    if (stars == 0 || stars == 1)
                        assert_non_null(strstr(t, "Progresser vers la"));
                    if (ref > 0)
                        assert_null(strstr(t, "Nommer un éco-référent"));
                    else
                        assert_non_null(strstr(t, "Nommer un éco-référent"));
                    if (fp >= 1)
                        assert_null(strstr(t, "Aucun bilan carbone"));
                    else
                        assert_non_null(strstr(t, "Aucun bilan carbone réalisé."));
                    free(t);
                    json_decref(out);
                    json_decref(in);
                }
}

/* The user's edits replace an item's words and keep who and when; bad ones
 * are refused with the field, leaving the result untouched. */
static void user_edits_of_graded_items(void **state)
{
    char field[64], err[256];
    json_t *in, *out = NULL, *edits;
    json_t *axis = NULL;
    size_t i;
    json_t *it;
    (void)state;
    in = load("{\"production_types\":[\"fiction\"],\"csr_charter\":false,\"headcount\":4}");
    assert_int_equal(diag_company(in, &out, field, sizeof(field), err, sizeof(err)), EP_OK);
    json_array_foreach(json_object_get(out, "axes"), i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "id")), "a_csr_charter") == 0)
            axis = it;
    }
    assert_non_null(axis);
    assert_string_equal(json_string_value(json_object_get(axis, "priority")), "haute");
    /* The context axis of fiction has its own id. */
    {
        char *axes = json_dumps(json_object_get(out, "axes"), 0);
        assert_non_null(strstr(axes, "\"a_rse_plus\""));
        free(axes);
    }
    edits = load("{\"a_csr_charter\":{\"text\":\"Charte RSE votée en mars\","
                 "\"priority\":\"moyenne\",\"by\":\"Camille\",\"at\":\"2026-11-28\"},"
                 "\"s_gone\":{\"grade\":\"fort\",\"by\":\"Camille\",\"at\":\"2026-11-28\"}}");
    assert_int_equal(diag_company_edit(out, edits, field, sizeof(field), err, sizeof(err)), EP_OK);
    assert_string_equal(json_string_value(json_object_get(axis, "text")),
                        "Charte RSE votée en mars");
    assert_string_equal(json_string_value(json_object_get(axis, "priority")), "moyenne");
    assert_string_equal(json_string_value(json_object_get(axis, "computed_priority")), "haute");
    assert_non_null(strstr(json_string_value(json_object_get(axis, "computed_text")), "charte"));
    assert_string_equal(json_string_value(json_object_get(axis, "edited_by")), "Camille");
    assert_string_equal(json_string_value(json_object_get(axis, "edited_at")), "2026-11-28");
    assert_string_equal(json_string_value(json_array_get(json_object_get(out, "stale_edits"), 0)),
                        "s_gone");
    json_decref(edits);
    static const char *const bad[][2] = {
        {"{\"a_csr_charter\":{\"priority\":\"urgente\",\"by\":\"C\",\"at\":\"d\"}}",
         "edits.a_csr_charter.priority"},
        {"{\"a_csr_charter\":{\"text\":\"\",\"by\":\"C\",\"at\":\"d\"}}",
         "edits.a_csr_charter.text"},
        {"{\"a_csr_charter\":{\"text\":\"x\"}}", "edits"},
        {"{\"a_csr_charter\":{\"text\":\"x\",\"by\":\"C\",\"at\":\"d\",\"note\":1}}", "edits"},
        {"[]", "edits"},
    };
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *before = json_dumps(out, JSON_SORT_KEYS), *after;
        edits = load(bad[i][0]);
        assert_int_equal(diag_company_edit(out, edits, field, sizeof(field), err, sizeof(err)),
                         EP_EINVAL);
        assert_string_equal(field, bad[i][1]);
        after = json_dumps(out, JSON_SORT_KEYS);
        assert_string_equal(before, after);
        free(before);
        free(after);
        json_decref(edits);
    }
    json_decref(out);
    json_decref(in);
}

/* The office moves a theme in the matrix: the placement and who did it are
 * kept next to what was computed. Seasons, catering, the vegetarian share and
 * distances between locations add their impacts. */
static void office_places_themes_and_framing_extras(void **state)
{
    char field[64], err[256];
    json_t *out, *in, *food;
    double food_default, food_veg;
    (void)state;
    out = project("{\"type\":\"documentary\",\"shooting_days\":12,\"crew_size\":8,"
                  "\"locations\":[{\"km_from_base\":10}]}");
    food_default = kg(out, "food");
    assert_null(json_object_get(theme(out, "waste"), "adjusted_by"));
    json_decref(out);
    out = project("{\"type\":\"documentary\",\"shooting_days\":12,\"crew_size\":8,"
                  "\"locations\":[{\"km_from_base\":10},{\"km_from_base\":30,"
                  "\"km_from_previous\":40}],\"seasons\":[\"winter\"],"
                  "\"catering\":\"meal_boxes\",\"vegetarian_pct\":60,"
                  "\"overrides\":{\"waste\":{\"impact\":\"high\",\"effort\":1,"
                  "\"by\":\"Camille\",\"at\":\"2026-11-28\"}}}");
    food = theme(out, "food");
    food_veg = json_number_value(json_object_get(food, "kg"));
    assert_true(food_veg < food_default); /* more vegetarian meals, less carbon */
    assert_string_equal(json_string_value(json_object_get(theme(out, "waste"), "quadrant")),
                        "prioritaire");
    assert_string_equal(json_string_value(json_object_get(theme(out, "waste"), "impact")), "high");
    assert_string_equal(
        json_string_value(json_object_get(theme(out, "waste"), "computed_quadrant")),
        "gestes_simples");
    assert_string_equal(json_string_value(json_object_get(theme(out, "waste"), "adjusted_by")),
                        "Camille");
    assert_true(has_impact(out, "Saison"));
    assert_true(has_impact(out, "Restauration"));
    assert_true(has_impact(out, "Part végétarienne"));
    assert_true(has_impact(out, "Déplacements entre lieux"));
    check_ranking(out);
    json_decref(out);
    static const char *const bad[][2] = {
        {"{\"type\":\"fiction\",\"locations\":[{\"km_from_base\":1,\"km_from_previous\":-5}]}",
         "locations[0].km_from_previous"},
        {"{\"type\":\"fiction\",\"seasons\":[\"monsoon\"]}", "seasons"},
        {"{\"type\":\"fiction\",\"catering\":\"buffet\"}", "catering"},
        {"{\"type\":\"fiction\",\"vegetarian_pct\":120}", "vegetarian_pct"},
        {"{\"type\":\"fiction\",\"overrides\":{\"food\":{\"impact\":\"huge\"}}}",
         "overrides.food.impact"},
        {"{\"type\":\"fiction\",\"overrides\":{\"weather\":{\"effort\":1}}}", "overrides.weather"},
        {"{\"type\":\"fiction\",\"overrides\":{\"food\":{\"colour\":1}}}", "overrides.food"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        in = load(bad[i][0]);
        out = NULL;
        assert_int_equal(diag_project(db, in, &out, field, sizeof(field), err, sizeof(err)),
                         EP_EINVAL);
        assert_string_equal(field, bad[i][1]);
        assert_null(out);
        json_decref(in);
    }
}

static int setup(void **state)
{
    (void)state;
    support_tmpdir(dir);
    db = support_db(dir, "d.db");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    support_rmtree(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seaside_feature),
        cmocka_unit_test(studio_commercial),
        cmocka_unit_test(animation_series),
        cmocka_unit_test(office_adjusts_and_drafts_say_what_is_missing),
        cmocka_unit_test(company_maturity),
        cmocka_unit_test(advice_never_contradicts_the_answers),
        cmocka_unit_test(user_edits_of_graded_items),
        cmocka_unit_test(office_places_themes_and_framing_extras),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
