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
#include "text.h"

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
    struct ep_error err;
    json_t *in = load(text), *out = NULL;
    if (diag_project(db, in, &out, &err) != EP_OK)
        fail_msg("diag_project: %s: %s", err.field, err.message);
    json_decref(in);
    return out;
}

/* The quantity diag_project offers for indicator, or -1 when none. */
static double quantity_of(json_t *out, const char *indicator)
{
    size_t i;
    json_t *q;
    json_array_foreach(json_object_get(out, "lines"), i, q)
    {
        if (strcmp(json_string_value(json_object_get(q, "indicator")), indicator) == 0)
            return json_number_value(json_object_get(q, "value"));
    }
    return -1;
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
    /* The quantities behind it, offered to the forecast screen: the same
     * 59,850 van km and 2,500 hotel nights; 82 people x (50 days + 10
     * nights) = 4,920 meals in the canteen mix, 30 % of 85 % beef... */
    assert_true(fabs(quantity_of(out, "van_km") - 59850) < 1e-6);
    assert_true(fabs(quantity_of(out, "hotel_nights") - 2500) < 1e-6);
    assert_true(fabs(quantity_of(out, "meals_vegetarian") - 4920 * 0.15) < 0.01);
    assert_true(fabs(quantity_of(out, "meals_beef") - 4920 * 0.30) < 0.01);
    assert_true(fabs(quantity_of(out, "storage_tb_year") - 40 * 2) < 1e-6);
    assert_true(quantity_of(out, "plane_short_pkm") < 0); /* none planned: not offered */
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
    struct ep_error err;
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
        assert_int_equal(diag_project(db, in, &out, &err), EP_EINVAL);
        assert_string_equal(err.field, bad[i][1]);
        assert_true(strlen(err.message) > 0);
        assert_null(out);
        json_decref(in);
    }
}

static void company_maturity(void **state)
{
    struct ep_error err;
    json_t *in, *out = NULL, *prev = NULL, *cmp = NULL;
    (void)state;
    /* A small fiction company, engaged but not structured. */
    in = load("{\"year\":2025,\"production_types\":[\"fiction\",\"documentary\"],\"headcount\":9,"
              "\"intermittent_pct\":60,\"crew_briefing\":false,"
              "\"staff_turnover_pct\":35,\"standard_methods\":\"partial\",\"csr_charter\":true,"
              "\"ecoprod_label\":false,\"afnor_spec_2308_level\":1,\"eco_referent\":\"part_time\","
              "\"trained_staff_pct\":25,\"past_footprints\":2,\"partners\":[\"CNC\"],"
              "\"providers\":[\"Loueur Lumière\"],\"supplier_criteria\":false}");
    assert_int_equal(diag_company(in, &prev, &err), EP_OK);
    /* c1-model.json: charter 12 + referent part time 6 + no label 0 + SPEC 2308
     * level 1 on 7 chapters 7 x 4 x 1/3 = 9.33 + 2 footprints x 2.5 = 5 +
     * 25 % trained x 8 = 2 + partial methods 3 + continuity 6 x (0.4 x 0.5
     * (turnover 35 %) + 0.6 x 0 (no briefing)) = 1.2 + suppliers 0
     * = 38.53 -> 38.5, level 2 */
    assert_true(fabs(json_number_value(json_object_get(prev, "score")) - 38.5) < 1e-9);
    assert_int_equal(json_integer_value(json_object_get(prev, "level")), 2);
    assert_string_equal(json_string_value(json_object_get(prev, "level_label")), "Premiers pas");
    assert_string_equal(json_string_value(json_object_get(prev, "status")), "complete");
    /* The analysis in words uses the types, the organisation and partners. */
    {
        char *ctx = json_dumps(json_object_get(prev, "context"), 0);
        assert_non_null(strstr(ctx, "Fiction"));
        assert_non_null(strstr(ctx, "60\u00a0% des équipes de tournage sont intermittentes"));
        assert_non_null(strstr(ctx, "CNC : Le CNC conditionne"));
        assert_non_null(strstr(ctx, "1 prestataire habituel, choisis sans critère"));
        free(ctx);
    }
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
    assert_int_equal(diag_company(in, &out, &err), EP_OK);
    /* label 9 + 1 star x 2 = 11; SPEC 2308 7 x 4 x 2/3 = 18.67 instead of
     * 9.33: 38.53 + 11 + 9.33 = 58.87 -> 58.9, level 3 */
    assert_true(fabs(json_number_value(json_object_get(out, "score")) - 58.9) < 1e-9);
    assert_int_equal(json_integer_value(json_object_get(out, "level")), 3);
    assert_int_equal(diag_company_compare(prev, out, &cmp), EP_OK);
    assert_true(fabs(json_number_value(json_object_get(cmp, "score_delta")) - 20.4) < 1e-9);
    json_decref(cmp);
    json_decref(out);
    json_decref(prev);
    /* Incomplete: a draft that lists what is missing. */
    json_object_del(in, "partners");
    json_object_del(in, "eco_referent");
    assert_int_equal(diag_company(in, &out, &err), EP_OK);
    assert_string_equal(json_string_value(json_object_get(out, "status")), "draft");
    assert_int_equal(json_array_size(json_object_get(out, "missing")), 2);
    json_decref(out);
    /* Impossible: refused with the field. */
    json_object_set_new(in, "headcount", json_integer(-4));
    out = NULL;
    assert_int_equal(diag_company(in, &out, &err), EP_EINVAL);
    assert_string_equal(err.field, "headcount");
    assert_null(out);
    json_object_set_new(in, "headcount", json_integer(4));
    json_object_set_new(in, "eco_referent", json_string("sometimes"));
    assert_int_equal(diag_company(in, &out, &err), EP_EINVAL);
    assert_string_equal(err.field, "eco_referent");
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
    struct ep_error err;
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
                    assert_int_equal(diag_company(in, &out, &err), EP_OK);
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
    struct ep_error err;
    json_t *in, *out = NULL, *edits;
    json_t *axis = NULL;
    size_t i;
    json_t *it;
    (void)state;
    in = load("{\"production_types\":[\"fiction\"],\"csr_charter\":false,\"headcount\":4}");
    assert_int_equal(diag_company(in, &out, &err), EP_OK);
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
    assert_int_equal(diag_company_edit(out, edits, &err), EP_OK);
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
        assert_int_equal(diag_company_edit(out, edits, &err), EP_EINVAL);
        assert_string_equal(err.field, bad[i][1]);
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
    struct ep_error err;
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
        assert_int_equal(diag_project(db, in, &out, &err), EP_EINVAL);
        assert_string_equal(err.field, bad[i][1]);
        assert_null(out);
        json_decref(in);
    }
}

/* The model is data: weights summing to 100, each with its rationale. */
static void model_weights_are_data_with_rationale(void **state)
{
    json_t *m = diag_company_model(), *x;
    const char *k;
    double sum = 0;
    size_t i;
    (void)state;
    assert_non_null(m);
    json_object_foreach(json_object_get(m, "markers"), k, x)
    {
        sum += json_number_value(json_object_get(x, "max"));
        assert_true(json_string_length(json_object_get(x, "rationale")) > 40);
    }
    assert_true(fabs(sum - 100) < 1e-9);
    json_array_foreach(json_object_get(m, "levels"), i, x)
    {
        assert_true(json_string_length(json_object_get(x, "rationale")) > 20);
    }
    assert_int_equal(json_array_size(json_object_get(m, "levels")), 5);
    assert_int_equal(
        json_array_size(json_object_get(
            json_object_get(json_object_get(m, "markers"), "afnor_spec_2308"), "chapters")),
        7);
    assert_true(json_string_length(json_object_get(json_object_get(m, "grading"), "rationale")) >
                40);
    json_decref(m);
}

/* The score of answers (JSON text) and its level. */
static double score_of(const char *text, int *level)
{
    struct ep_error err;
    json_t *in = load(text), *out = NULL;
    double s;
    assert_int_equal(diag_company(in, &out, &err), EP_OK);
    s = json_number_value(json_object_get(out, "score"));
    *level = (int)json_integer_value(json_object_get(out, "level"));
    json_decref(out);
    json_decref(in);
    return s;
}

/* Each level boundary, on either side (c1-model.json's figures). */
static void each_level_boundary(void **state)
{
    int level;
    (void)state;
    /* charter 12 + 98.75 % trained (7.9) = 19.9; 100 % (8) = 20. */
    assert_true(
        fabs(score_of("{\"csr_charter\":true,\"trained_staff_pct\":98.75}", &level) - 19.9) < 1e-9);
    assert_int_equal(level, 1);
    assert_true(fabs(score_of("{\"csr_charter\":true,\"trained_staff_pct\":100}", &level) - 20) <
                1e-9);
    assert_int_equal(level, 2);
    /* charter 12 + suppliers 5 + dedicated referent 10 + full methods 6 = 33,
     * + 86.25 % trained (6.9) = 39.9, + 87.5 % (7) = 40. */
#define BASE                                                                                       \
    "\"csr_charter\":true,\"supplier_criteria\":true,\"eco_referent\":\"dedicated\","              \
    "\"standard_methods\":\"full\""
    assert_true(fabs(score_of("{" BASE ",\"trained_staff_pct\":86.25}", &level) - 39.9) < 1e-9);
    assert_int_equal(level, 2);
    assert_true(fabs(score_of("{" BASE ",\"trained_staff_pct\":87.5}", &level) - 40) < 1e-9);
    assert_int_equal(level, 3);
    /* 33 + 4 footprints (10) + 8 trained = 51, + label 0 star (9) = 60;
     * 98.75 % trained gives 59.9. */
    assert_true(fabs(score_of("{" BASE ",\"past_footprints\":4,\"trained_staff_pct\":98.75,"
                              "\"ecoprod_label\":true,\"ecoprod_stars\":0}",
                              &level) -
                     59.9) < 1e-9);
    assert_int_equal(level, 3);
    assert_true(fabs(score_of("{" BASE ",\"past_footprints\":4,\"trained_staff_pct\":100,"
                              "\"ecoprod_label\":true,\"ecoprod_stars\":0}",
                              &level) -
                     60) < 1e-9);
    assert_int_equal(level, 4);
    /* 51 + 3 stars (15) + continuity 6 (turnover 10 %, no intermittents) = 72,
     * + SPEC 2308 level 1 on 6 chapters (6 x 4/3 = 8) = 80. */
#define TOP                                                                                        \
    BASE ",\"past_footprints\":4,\"ecoprod_label\":true,\"ecoprod_stars\":3,"                      \
         "\"staff_turnover_pct\":10,\"intermittent_pct\":0,\"afnor_chapters\":{"                   \
         "\"governance\":1,\"energy_mobility\":1,\"purchasing_food_waste\":1,"                     \
         "\"digital\":1,\"biodiversity\":1,\"inclusion\":1,\"training\":0}"
    assert_true(fabs(score_of("{" TOP ",\"trained_staff_pct\":98.75}", &level) - 79.9) < 1e-9);
    assert_int_equal(level, 4);
    assert_true(fabs(score_of("{" TOP ",\"trained_staff_pct\":100}", &level) - 80) < 1e-9);
    assert_int_equal(level, 5);
#undef TOP
#undef BASE
}

/* The item of out whose id is id, in any list, or NULL. */
static json_t *item_of(json_t *out, const char *id)
{
    static const char *const lists[] = {"strengths", "weaknesses", "axes"};
    for (size_t l = 0; l < 3; l++) {
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(out, lists[l]), i, it)
        {
            if (strcmp(json_string_value(json_object_get(it, "id")), id) == 0)
                return it;
        }
    }
    return NULL;
}

/* SPEC 2308 scored chapter by chapter; the company's level is the lowest. */
static void spec_2308_chapter_by_chapter(void **state)
{
    struct ep_error err;
    json_t *in, *out = NULL, *it;
    char *t;
    (void)state;
    in = load("{\"production_types\":[\"fiction\"],\"afnor_chapters\":{\"governance\":3,"
              "\"energy_mobility\":2,\"purchasing_food_waste\":1,\"digital\":0,"
              "\"biodiversity\":1,\"inclusion\":2,\"training\":3}}");
    assert_int_equal(diag_company(in, &out, &err), EP_OK);
    /* 4 x (3 + 2 + 1 + 0 + 1 + 2 + 3) / 3 = 16 points; level 0 (digital). */
    assert_true(fabs(json_number_value(json_object_get(out, "score")) - 16) < 1e-9);
    assert_int_equal(json_integer_value(json_object_get(out, "afnor_level")), 0);
    assert_int_equal(json_array_size(json_object_get(out, "afnor_chapters")), 7);
    it = item_of(out, "s_afnor_governance");
    assert_non_null(it);
    assert_string_equal(json_string_value(json_object_get(it, "grade")), "fort");
    it = item_of(out, "w_afnor_digital");
    assert_string_equal(json_string_value(json_object_get(it, "priority")), "haute");
    assert_non_null(strstr(json_string_value(json_object_get(it, "text")), "niveau 0 sur 3"));
    it = item_of(out, "w_afnor_purchasing_food_waste");
    assert_string_equal(json_string_value(json_object_get(it, "priority")), "moyenne");
    assert_int_equal(json_integer_value(json_object_get(it, "answer")), 1);
    it = item_of(out, "a_afnor_energy_mobility");
    assert_string_equal(json_string_value(json_object_get(it, "priority")), "basse");
    assert_non_null(strstr(json_string_value(json_object_get(it, "text")), "niveau 3"));
    /* A chapter held is never a weakness, one at level 2 never "niveau 1". */
    assert_null(item_of(out, "w_afnor_governance"));
    assert_null(item_of(out, "w_afnor_energy_mobility"));
    t = all_texts(out);
    assert_null(strstr(t, "non engagée"));
    assert_non_null(strstr(t, "RSE+"));
    free(t);
    json_decref(out);
    /* A chapter the SPEC does not have, or a level outside 0-3: refused. */
    json_object_set_new(json_object_get(in, "afnor_chapters"), "paper", json_integer(1));
    assert_int_equal(diag_company(in, &out, &err), EP_EINVAL);
    assert_string_equal(err.field, "afnor_chapters.paper");
    json_object_del(json_object_get(in, "afnor_chapters"), "paper");
    json_object_set_new(json_object_get(in, "afnor_chapters"), "digital", json_integer(4));
    assert_int_equal(diag_company(in, &out, &err), EP_EINVAL);
    assert_string_equal(err.field, "afnor_chapters.digital");
    json_decref(in);
}

/* Intermittent crews: turnover of the permanents weighs by their share. */
static void crew_continuity_with_intermittents(void **state)
{
    int level;
    (void)state;
    /* All intermittent with a briefing: 6 of 6 whatever the turnover. */
    assert_true(fabs(score_of("{\"intermittent_pct\":100,\"crew_briefing\":true,"
                              "\"staff_turnover_pct\":80}",
                              &level) -
                     6) < 1e-9);
    /* All permanent, 80 % turnover: 0. */
    assert_true(fabs(score_of("{\"intermittent_pct\":0,\"crew_briefing\":true,"
                              "\"staff_turnover_pct\":80}",
                              &level)) < 1e-9);
    /* 75 % intermittent without briefing, turnover 10 %: 6 x 0.25 = 1.5. */
    assert_true(fabs(score_of("{\"intermittent_pct\":75,\"crew_briefing\":false,"
                              "\"staff_turnover_pct\":10}",
                              &level) -
                     1.5) < 1e-9);
}

/*
 * C2 ranks the library's actions by kgCO2e avoided per euro and keeps them
 * within the office's envelope while their high cost fits.
 */
static void c2_ranks_actions_by_kg_per_euro_within_the_envelope(void **state)
{
    struct ep_error err;
    json_t *in, *out = NULL, *a, *prev = NULL;
    double spent = 0, sum = 0;
    size_t i;
    (void)state;
    /* 10 days, 24 people, one location 30 km away, a set to build. */
    in = load("{\"type\":\"fiction\",\"shooting_days\":10,\"crew_size\":20,\"cast_size\":4,"
              "\"locations\":[{\"name\":\"Port\",\"km_from_base\":30}],\"sets_to_build\":1,"
              "\"eco_budget_eur\":1500}");
    assert_int_equal(diag_project(db, in, &out, &err), EP_OK);
    assert_true(json_array_size(json_object_get(out, "actions")) >= 5);
    json_array_foreach(json_object_get(out, "actions"), i, a)
    {
        double hi = json_number_value(json_object_get(a, "cost_max_eur"));
        assert_int_equal(json_integer_value(json_object_get(a, "rank")), (json_int_t)i + 1);
        if (prev != NULL && json_is_number(json_object_get(prev, "kg_per_eur")))
            assert_true(json_number_value(json_object_get(prev, "kg_per_eur")) >=
                        json_number_value(json_object_get(a, "kg_per_eur")));
        if (prev != NULL)
            assert_true(json_is_number(json_object_get(a, "kg_per_eur")) ||
                        !json_is_number(json_object_get(prev, "kg_per_eur")));
        /* Kept while the high costs fit, in rank order. */
        if (json_is_true(json_object_get(a, "within_envelope")))
            spent += hi;
        else
            assert_true(spent + hi > 1500);
        prev = a;
    }
    assert_true(spent <= 1500);
    /* The worked example, by hand: 24 people x 10 days = 240 meals, 30 % beef
     * = 72; half served vegetarian saves 36 x (7.26 - 0.51) = 243 kgCO2e for
     * 0-300 EUR (mid 150): 1.62 kgCO2e per euro. */
    json_array_foreach(json_object_get(out, "actions"), i, a)
    {
        if (strcmp(json_string_value(json_object_get(a, "library")), "lib-veggie-meal") == 0) {
            assert_true(fabs(json_number_value(json_object_get(a, "avoided_kg")) - 243) < 1e-9);
            assert_true(fabs(json_number_value(json_object_get(a, "kg_per_eur")) - 1.62) < 1e-9);
            assert_true(json_is_true(json_object_get(a, "within_envelope")));
        }
    }
    /* The estimate's lines are the themes: the forecast offered agrees. */
    json_array_foreach(json_object_get(out, "lines"), i, a)
    {
        sum += json_number_value(json_object_get(a, "kg"));
    }
    assert_true(fabs(sum - json_number_value(json_object_get(out, "total_kg"))) <= 1.0);
    assert_true(fabs(json_number_value(json_object_get(json_object_get(out, "envelope"), "eur")) -
                     1500) < 1e-9);
    json_decref(out);
    /* Without an envelope: ranked all the same, none kept, "eur" null. */
    json_object_del(in, "eco_budget_eur");
    assert_int_equal(diag_project(db, in, &out, &err), EP_OK);
    assert_true(json_is_null(json_object_get(json_object_get(out, "envelope"), "eur")));
    assert_null(
        json_object_get(json_array_get(json_object_get(out, "actions"), 0), "within_envelope"));
    json_decref(out);
    json_decref(in);
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

/* Every "text" and "why" of a list of items, joined, for searching. */
static char *item_texts(const json_t *res)
{
    static const char *const lists[] = {"strengths", "weaknesses", "axes", "context",
                                        "afnor_chapters"};
    size_t cap = 1 << 16, n = 0, i, k;
    char *buf = calloc(1, cap);
    json_t *x;
    assert_non_null(buf);
    for (k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
        json_array_foreach(json_object_get(res, lists[k]), i, x)
        {
            const char *parts[] = {json_string_value(json_object_get(x, "text")),
                                   json_string_value(json_object_get(x, "why")),
                                   json_string_value(json_object_get(x, "label"))};
            for (size_t j = 0; j < 3; j++)
                if (parts[j] != NULL)
                    n += (size_t)snprintf(buf + n, cap - n, "%s\n", parts[j]);
        }
    }
    return buf;
}

/*
 * The same answers diagnosed in English: the same score, level, items
 * (ids, grades, priorities: values, not words) and order, with every word
 * English: the level label, the graded texts and advice, the chapters'
 * labels, the context. French stays French.
 */
static void company_maturity_in_english(void **state)
{
    struct ep_error err;
    char *fr_text, *en_text;
    json_t *in, *fr = NULL, *en = NULL;
    const char *lists[] = {"strengths", "weaknesses", "axes"};
    (void)state;

    in = load("{\"year\":2025,\"production_types\":[\"fiction\",\"animation\"],\"headcount\":9,"
              "\"intermittent_pct\":60,\"crew_briefing\":false,"
              "\"staff_turnover_pct\":35,\"standard_methods\":\"partial\",\"csr_charter\":true,"
              "\"ecoprod_label\":true,\"ecoprod_stars\":1,\"eco_referent\":\"part_time\","
              "\"afnor_chapters\":{\"governance\":3,\"energy_mobility\":2,"
              "\"purchasing_food_waste\":1,\"digital\":0,\"biodiversity\":1,\"inclusion\":1,"
              "\"training\":1},"
              "\"trained_staff_pct\":25,\"past_footprints\":0,\"partners\":[],"
              "\"providers\":[\"Loueur\",\"Traiteur\"],\"supplier_criteria\":false}");
    assert_int_equal(diag_company_lang(in, "fr", &fr, &err), EP_OK);
    assert_int_equal(diag_company_lang(in, "en", &en, &err), EP_OK);
    assert_true(json_equal(json_object_get(fr, "score"), json_object_get(en, "score")));
    assert_true(json_equal(json_object_get(fr, "level"), json_object_get(en, "level")));
    /* charter 12 + label 9 + 1 star 2 + part-time referent 6 + chapters
     * 4 x (3+2+1+0+1+1+1) / 3 = 12 + 25 % trained 2 + partial methods 3 +
     * continuity 1.2 = 47.2: level 3. */
    assert_int_equal(json_integer_value(json_object_get(en, "level")), 3);
    assert_string_equal(json_string_value(json_object_get(en, "level_label")), "Committed");
    assert_string_equal(json_string_value(json_object_get(fr, "level_label")), "Engagée");
    for (size_t k = 0; k < 3; k++) {
        const json_t *a = json_object_get(fr, lists[k]), *b = json_object_get(en, lists[k]);
        size_t i;
        json_t *x;
        assert_int_equal(json_array_size(a), json_array_size(b));
        json_array_foreach(a, i, x)
        {
            const json_t *y = json_array_get(b, i);
            assert_string_equal(json_string_value(json_object_get(x, "id")),
                                json_string_value(json_object_get(y, "id")));
            assert_true(
                json_equal(json_object_get(x, "priority"), json_object_get(y, "priority")) ||
                json_object_get(x, "priority") == NULL);
            assert_string_not_equal(json_string_value(json_object_get(x, "text")),
                                    json_string_value(json_object_get(y, "text")));
        }
    }
    en_text = item_texts(en);
    fr_text = item_texts(fr);
    /* English words, with English numbers and no French left. */
    assert_non_null(strstr(en_text, "Give the eco-referent dedicated time in preparation"));
    assert_non_null(strstr(en_text, "Work towards the label's second Ecoprod star"));
    assert_non_null(strstr(en_text, "Crews 60% freelance, no eco-responsible welcome"));
    assert_non_null(strstr(en_text, "AFNOR SPEC 2308, chapter “CSR governance”: level 3 held."));
    assert_non_null(strstr(en_text, "60% of the shooting crews are freelance"));
    assert_non_null(strstr(en_text, "2 usual suppliers, chosen without environmental criteria"));
    assert_non_null(strstr(en_text, "Digital sobriety"));
    assert_non_null(strstr(en_text, "the CNC's RSE+ bonus (€28,000)"));
    assert_null(strstr(en_text, "AFNOR SPEC 2308, chapitre"));
    assert_null(strstr(en_text, " : "));
    assert_null(strstr(en_text, "diag."));
    /* French: its own words, with its plurals and separators. */
    assert_non_null(strstr(fr_text, "Progresser vers la deuxième étoile du label Ecoprod"));
    assert_non_null(strstr(fr_text, "60\u00a0% des équipes de tournage sont intermittentes"));
    assert_non_null(strstr(fr_text, "2 prestataires habituels, choisis sans critère"));
    assert_non_null(strstr(fr_text, "AFNOR SPEC 2308, chapitre « Gouvernance RSE » : niveau 3"));
    assert_null(strstr(fr_text, "diag."));
    free(en_text);
    free(fr_text);
    json_decref(fr);
    json_decref(en);
    json_decref(in);
}

/* Appends s and a newline to buf (cap bytes, used n). */
static void join(char *buf, size_t cap, size_t *n, const char *s)
{
    if (s != NULL && *n < cap)
        *n += (size_t)snprintf(buf + *n, cap - *n, "%s\n", s);
}

/* Every word of a C2 result a person reads, joined, for searching. */
static char *project_texts(const json_t *res)
{
    size_t cap = 1 << 16, n = 0, i;
    char *buf = calloc(1, cap);
    json_t *x;
    assert_non_null(buf);
    json_array_foreach(json_object_get(res, "impacts"), i, x)
    {
        join(buf, cap, &n, json_string_value(json_object_get(x, "element")));
        join(buf, cap, &n, json_string_value(json_object_get(x, "impact")));
    }
    json_array_foreach(json_object_get(res, "themes"), i, x)
    {
        join(buf, cap, &n, json_string_value(json_object_get(x, "label")));
        join(buf, cap, &n, json_string_value(json_object_get(x, "why")));
    }
    json_array_foreach(json_object_get(res, "actions"), i, x)
    {
        join(buf, cap, &n, json_string_value(json_object_get(x, "title")));
        join(buf, cap, &n, json_string_value(json_object_get(x, "rationale")));
    }
    json_array_foreach(json_object_get(res, "lines"), i, x)
        join(buf, cap, &n, json_string_value(json_object_get(x, "category_label")));
    return buf;
}

/*
 * The same framing analysed in English: the same figures, topics, themes
 * and ranks, with every sentence the English text file's (not the French
 * one), English numbers and plurals; the C1 partners' notes likewise.
 */
static void project_analysis_in_english(void **state)
{
    struct ep_error err;
    char key[96], *fr_text, *en_text;
    json_t *in, *fr = NULL, *en = NULL, *x;
    size_t i;
    (void)state;

    in = load("{\"type\":\"fiction\",\"shooting_days\":40,\"studio_days\":4,\"crew_size\":60,"
              "\"cast_size\":10,\"locations\":[{\"km_from_base\":30,\"protected_area\":true},"
              "{\"km_from_base\":66,\"km_from_previous\":40}],\"night_shoots\":1,"
              "\"sets_to_build\":2,\"train_pkm\":5000,\"flight_pkm\":1200,"
              "\"accommodation_nights\":2500,\"image_format\":\"4K\",\"catering\":\"caterer\","
              "\"vegetarian_pct\":30,\"seasons\":[\"winter\",\"summer\"],\"animals\":true,"
              "\"extras_days\":120,\"vfx_shots\":15,\"eco_budget_eur\":20000,"
              "\"budget_eur\":900000}");
    assert_int_equal(diag_project_lang(db, in, "fr", &fr, &err), EP_OK);
    assert_int_equal(diag_project_lang(db, in, "en", &en, &err), EP_OK);
    /* Figures and ids are values, not words: the same in both. */
    assert_true(json_equal(json_object_get(fr, "total_kg"), json_object_get(en, "total_kg")));
    assert_true(json_equal(json_object_get(fr, "matrix"), json_object_get(en, "matrix")));
    assert_int_equal(json_array_size(json_object_get(en, "impacts")), 20);
    assert_int_equal(json_array_size(json_object_get(fr, "impacts")), 20);
    json_array_foreach(json_object_get(en, "impacts"), i, x)
    {
        const json_t *y = json_array_get(json_object_get(fr, "impacts"), i);
        const char *topic = json_string_value(json_object_get(x, "topic"));
        assert_string_equal(topic, json_string_value(json_object_get(y, "topic")));
        snprintf(key, sizeof(key), "diag.project.element.%s", topic);
        assert_string_equal(json_string_value(json_object_get(x, "element")), text_get("en", key));
        assert_string_equal(json_string_value(json_object_get(y, "element")), text_get("fr", key));
        assert_string_not_equal(json_string_value(json_object_get(x, "impact")),
                                json_string_value(json_object_get(y, "impact")));
    }
    json_array_foreach(json_object_get(en, "actions"), i, x)
    {
        const json_t *y = json_array_get(json_object_get(fr, "actions"), i);
        snprintf(key, sizeof(key), "diag.project.action.%s",
                 json_string_value(json_object_get(x, "library")));
        assert_string_equal(json_string_value(json_object_get(x, "rationale")),
                            text_get("en", key));
        assert_string_equal(json_string_value(json_object_get(y, "rationale")),
                            text_get("fr", key));
        assert_string_not_equal(json_string_value(json_object_get(x, "title")),
                                json_string_value(json_object_get(y, "title")));
    }
    en_text = project_texts(en);
    fr_text = project_texts(fr);
    /* English sentences, numbers and plurals. */
    assert_non_null(strstr(en_text, "Shooting locations\n2 locations 48 km from the base on "
                                    "average: about "));
    assert_non_null(strstr(en_text, "2,500 hotel nights: often the largest mobility item"));
    assert_non_null(strstr(en_text, "1 night: lighting and generators for longer"));
    assert_non_null(strstr(en_text, "2 sets to build"));
    assert_non_null(strstr(en_text, text_get("en", "diag.project.season.winter")));
    assert_non_null(strstr(en_text, text_get("en", "diag.project.catering.caterer")));
    assert_non_null(strstr(en_text, "30% vegetarian meals planned (15% in a typical canteen)"));
    assert_non_null(strstr(en_text, "Tight budget (€900,000)"));
    assert_non_null(strstr(en_text, "Carbon (measurement and footprints)\n"
                                    "The CNC's aid depends on the double carbon footprint"));
    assert_non_null(strstr(en_text, "Mobility\n"));
    /* No French left: not a sentence, not a separator, not an accent. */
    assert_null(strstr(en_text, text_get("fr", "diag.project.season.winter")));
    assert_null(strstr(en_text, " : "));
    assert_null(strstr(en_text, "lieu"));
    assert_null(strstr(en_text, "é"));
    assert_null(strstr(en_text, "diag."));
    /* French keeps its own words: plurals without "(x)", grouped digits. */
    assert_non_null(strstr(fr_text, "2 lieux à 48 km de la base en moyenne"));
    assert_non_null(strstr(fr_text, "2\u202f500 nuitées d'hôtel"));
    assert_non_null(strstr(fr_text, "1 nuit : éclairage"));
    assert_non_null(strstr(fr_text, "2 décors à construire"));
    assert_non_null(strstr(fr_text, "Carbone (mesure et bilans)\n"));
    assert_null(strstr(fr_text, "(x)"));
    assert_null(strstr(fr_text, "(s)"));
    assert_null(strstr(fr_text, "diag."));
    free(en_text);
    free(fr_text);
    json_decref(fr);
    json_decref(en);
    json_decref(in);

    /* C1: a partner's note in the reader's language. */
    in = load("{\"year\":2025,\"partners\":[\"CNC\",\"Région Normandie\",\"Procirep\"]}");
    assert_int_equal(diag_company_lang(in, "fr", &fr, &err), EP_OK);
    assert_int_equal(diag_company_lang(in, "en", &en, &err), EP_OK);
    en_text = item_texts(en);
    fr_text = item_texts(fr);
    snprintf(key, sizeof(key), "CNC: %s\n", text_get("en", "diag.ctx.partner_note.cnc"));
    assert_non_null(strstr(en_text, key));
    snprintf(key, sizeof(key), "Région Normandie: %.60s",
             text_get("en", "diag.ctx.partner_note.regional_fund"));
    assert_non_null(strstr(en_text, key));
    assert_null(strstr(en_text, text_get("fr", "diag.ctx.partner_note.cnc")));
    assert_null(strstr(en_text, "Procirep")); /* no note for it: no line */
    snprintf(key, sizeof(key), "CNC : %.60s", text_get("fr", "diag.ctx.partner_note.cnc"));
    assert_non_null(strstr(fr_text, key));
    assert_string_not_equal(text_get("en", "diag.ctx.partner_note.cnc"),
                            text_get("fr", "diag.ctx.partner_note.cnc"));
    free(en_text);
    free(fr_text);
    json_decref(fr);
    json_decref(en);
    json_decref(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(company_maturity_in_english),
        cmocka_unit_test(project_analysis_in_english),
        cmocka_unit_test(seaside_feature),
        cmocka_unit_test(studio_commercial),
        cmocka_unit_test(animation_series),
        cmocka_unit_test(office_adjusts_and_drafts_say_what_is_missing),
        cmocka_unit_test(company_maturity),
        cmocka_unit_test(advice_never_contradicts_the_answers),
        cmocka_unit_test(user_edits_of_graded_items),
        cmocka_unit_test(office_places_themes_and_framing_extras),
        cmocka_unit_test(model_weights_are_data_with_rationale),
        cmocka_unit_test(each_level_boundary),
        cmocka_unit_test(spec_2308_chapter_by_chapter),
        cmocka_unit_test(crew_continuity_with_intermittents),
        cmocka_unit_test(c2_ranks_actions_by_kg_per_euro_within_the_envelope),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
