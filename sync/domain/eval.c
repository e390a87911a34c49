/*
 * eval.c - C9: plan against reality. Pure composition of the plan and
 * carbon computations; the thresholds are the only rules added here.
 */
#include "eval.h"

#include "carbon.h"
#include "db.h"
#include "err.h"
#include "fmt.h"
#include "forecast.h"
#include "plan.h"
#include "sync.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SUCCESS_PCT 100.0 /* the objective is reached */
#define PARTIAL_PCT 50.0  /* half the way: worth keeping, with changes */

static const char *verdict_for(const json_t *action)
{
    const char *status = json_string_value(json_object_get(action, "status"));
    json_t *pct = json_object_get(action, "attainment_pct");

    if (status != NULL && strcmp(status, "brouillon") == 0)
        return "brouillon";
    if (status != NULL && strcmp(status, "a_verifier") == 0)
        return "a_verifier"; /* never judged nor averaged unconfirmed */
    if (!json_is_number(pct))
        return "sans_donnee";
    if (json_number_value(pct) >= SUCCESS_PCT)
        return "reussie";
    return json_number_value(pct) >= PARTIAL_PCT ? "partielle" : "non_atteinte";
}

/* Copies the eco-referent's judgement from the action record into a. */
static int add_judgement(struct db *db, const char *production_id, json_t *a)
{
    const char *id = json_string_value(json_object_get(a, "id"));
    static const char *const keys[] = {"reproducible", "success_factors", "lessons"};
    json_t *rec = NULL;
    int rc = sync_record_get(db, production_id, "actions", id, &rec);

    if (rc != EP_OK && rc != EP_ENOTFOUND)
        return rc;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        json_t *v = json_object_get(rec, keys[i]);
        int ok = i == 0 ? json_is_boolean(v) : json_is_string(v);
        json_object_set_new(a, keys[i], ok ? json_incref(v) : json_null());
    }
    json_decref(rec);
    return EP_OK;
}

/* The summary's counter for a verdict. */
static const char *summary_key(const char *verdict)
{
    static const char *const map[][2] = {
        {"reussie", "reussies"},           {"partielle", "partielles"},
        {"non_atteinte", "non_atteintes"}, {"sans_donnee", "sans_donnee"},
        {"brouillon", "brouillons"},       {"a_verifier", "a_verifier"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i][0], verdict) == 0)
            return map[i][1];
    }
    return "brouillons";
}

static json_t *item(const char *kind, const char *ref, const char *text)
{
    return json_pack("{s:s, s:s?, s:s}", "kind", kind, "ref", ref, "text", text);
}

/* Strengths and difficulties from the actions' verdicts. */
static void from_actions(json_t *actions, json_t *summary, json_t *strengths, json_t *difficulties,
                         json_t *reproducible, json_t *to_classify)
{
    double sum = 0, avoided_sum = 0;
    long measured = 0, avoided_n = 0;
    size_t i;
    json_t *a;

    json_array_foreach(actions, i, a)
    {
        /* The emissions the action avoided against its baseline (plan.c),
         * said with its result; added emissions are said as such. */
        json_t *av = json_object_get(a, "avoided_kg");
        char kg[96] = "";
        if (json_is_number(av)) {
            double x = json_number_value(av);
            snprintf(kg, sizeof(kg), x >= 0 ? ", %.0f kgCO2e évités" : ", %.0f kgCO2e de plus",
                     fabs(x));
            avoided_sum += x;
            avoided_n++;
        }
        const char *v = json_string_value(json_object_get(a, "verdict"));
        const char *id = json_string_value(json_object_get(a, "id"));
        const char *title = json_string_value(json_object_get(a, "title"));
        json_t *pct = json_object_get(a, "attainment_pct");
        json_t *rep = json_object_get(a, "reproducible");
        const char *key = summary_key(v);
        char text[512];

        json_object_set_new(summary, key,
                            json_integer(json_integer_value(json_object_get(summary, key)) + 1));
        if (json_is_number(pct) && strcmp(v, "a_verifier") != 0) {
            sum += json_number_value(pct);
            measured++;
        }
        if (strcmp(v, "reussie") == 0 || strcmp(v, "partielle") == 0) {
            if (json_is_true(rep))
                json_array_append_new(reproducible, json_string(id));
            else if (json_is_null(rep))
                json_array_append_new(to_classify, json_string(id));
        }
        if (strcmp(v, "reussie") == 0) {
            snprintf(text, sizeof(text), "%s : objectif atteint (%.0f %%%s)",
                     title != NULL ? title : id, json_number_value(pct), kg);
            json_array_append_new(strengths, item("action", id, text));
        } else if (strcmp(v, "non_atteinte") == 0 || strcmp(v, "partielle") == 0) {
            snprintf(text, sizeof(text), "%s : %.0f %% de l'objectif%s", title != NULL ? title : id,
                     json_number_value(pct), kg);
            json_t *d = item("action", id, text);
            json_object_set_new(
                d, "solutions",
                json_pack("[s, s]",
                          "Revoir l'objectif ou les moyens avec le responsable de l'action",
                          "Chercher dans l'annuaire un prestataire ou un outil plus adapté"));
            json_array_append_new(difficulties, d);
        } else if (strcmp(v, "a_verifier") == 0) {
            snprintf(text, sizeof(text),
                     "%s : %.0f %% de l'objectif, à vérifier avant d'en tirer un résultat",
                     title != NULL ? title : id, json_number_value(pct));
            json_t *d = item("check", id, text);
            json_object_set_new(d, "solutions",
                                json_pack("[s, s]",
                                          "Vérifier le type d'objectif (quantité ou part) et "
                                          "l'unité des relevés",
                                          "Confirmer le chiffre dans le plan s'il est juste"));
            json_array_append_new(difficulties, d);
        } else if (strcmp(v, "sans_donnee") == 0) {
            snprintf(text, sizeof(text), "%s : aucune donnée relevée, résultat inconnu",
                     title != NULL ? title : id);
            json_t *d = item("missing", id, text);
            json_object_set_new(d, "solutions",
                                json_pack("[s]", "Planifier la collecte de l'indicateur dès la "
                                                 "préparation (calendrier de collecte)"));
            json_array_append_new(difficulties, d);
        }
    }
    json_object_set_new(summary, "actions", json_integer((json_int_t)json_array_size(actions)));
    json_object_set_new(summary, "measured", json_integer(measured));
    /* Against each action's baseline; null when no action could say. */
    json_object_set_new(summary, "avoided_kg",
                        avoided_n > 0 ? json_real(round(avoided_sum)) : json_null());
    json_object_set_new(summary, "mean_attainment_pct",
                        measured > 0 ? json_real(round(sum / (double)measured * 10) / 10)
                                     : json_null());
}

/* Categories whose measured emissions came out below the forecast for the
 * same indicators and the same elapsed shooting days are strengths; those
 * above it, difficulties to explain. carbon_compare leaves missing
 * indicators out of delta, so no gap in the data reads as a reduction; the
 * text says when the comparison is running and how much was covered. */
static void from_footprint(const json_t *cmp, json_t *strengths, json_t *difficulties)
{
    const json_t *span = json_object_get(cmp, "span");
    int running = strcmp(json_string_value(json_object_get(cmp, "status")), "clos") != 0;
    const json_t *fc = json_object_get(cmp, "forecast");
    char which[160] = " (estimations non déposées)";
    json_int_t filed_set = json_integer_value(json_object_get(fc, "factor_version"));
    json_int_t now_set =
        json_integer_value(json_object_get(json_object_get(cmp, "final"), "factor_version"));
    size_t i;
    json_t *c;

    /* forecast_compare says which forecast the gaps are against, and when
     * it was filed with another factor set than the readings', that the
     * gaps mix two sets (docs/carbon.md, "The forecast, filed"). */
    if (json_is_integer(json_object_get(fc, "version")) && filed_set != now_set)
        snprintf(which, sizeof(which),
                 " déposé (version %lld, jeu de facteurs n° %lld ; relevés calculés avec le "
                 "n° %lld : une partie de l'écart vient du changement de facteurs)",
                 (long long)json_integer_value(json_object_get(fc, "version")),
                 (long long)filed_set, (long long)now_set);
    else if (json_is_integer(json_object_get(fc, "version")))
        snprintf(which, sizeof(which), " déposé (version %lld)",
                 (long long)json_integer_value(json_object_get(fc, "version")));

    json_array_foreach(json_object_get(cmp, "categories"), i, c)
    {
        const char *cat = json_string_value(json_object_get(c, "category"));
        double delta = json_number_value(json_object_get(c, "delta_kg"));
        json_t *pct = json_object_get(c, "delta_pct");
        double cov = json_number_value(json_object_get(c, "coverage"));
        char text[640], when[160] = "";

        if (cat == NULL || !json_is_number(pct) || fabs(json_number_value(pct)) < 10)
            continue; /* within the estimate's own uncertainty: nothing to say */
        if (running)
            snprintf(when, sizeof(when), ", en cours (%lld jours de tournage sur %lld)",
                     (long long)json_integer_value(json_object_get(span, "elapsed_days")),
                     (long long)json_integer_value(json_object_get(span, "total_days")));
        snprintf(text, sizeof(text),
                 "%s : %+.0f kgCO2e (%+.0f %%) par rapport au prévisionnel%s des indicateurs "
                 "relevés%s ; %.0f %% des émissions attendues couvertes",
                 carbon_category_label(cat), delta, json_number_value(pct), which, when,
                 cov * 100.0);
        if (delta < 0) {
            json_array_append_new(strengths, item("footprint", cat, text));
        } else {
            json_t *d = item("footprint", cat, text);
            json_object_set_new(
                d, "solutions",
                json_pack("[s]", "Comparer les relevés aux hypothèses du cadrage pour corriger "
                                 "le prévisionnel du prochain projet"));
            json_array_append_new(difficulties, d);
        }
    }
}

/* The French name of a catalogue indicator, or the id when unknown. */
static void indicator_name(struct db *db, const char *id, char *buf, size_t len)
{
    static const char sql[] = "SELECT name_fr FROM indicator WHERE id = ?1";
    sqlite3_stmt *st = id != NULL ? db_stmt(db, sql) : NULL;

    snprintf(buf, len, "%s", id != NULL ? id : "indicateur non précisé");
    if (st == NULL)
        return;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    db_done(st);
}

/*
 * One dysfunction as a sentence that names what it is about: the
 * indicator (by its name, not its id), the department and since when for
 * missed readings, the action for a drifting target. The sentence has no
 * final full stop: the dossier adds it.
 */
static void dysfunction_text(struct db *db, const json_t *d, const json_t *actions, char *buf,
                             size_t len)
{
    const char *kind = json_string_value(json_object_get(d, "kind"));
    const char *dept = json_string_value(json_object_get(d, "dept"));
    char name[160], since[FMT_MAX], missed[FMT_MAX + 48];

    indicator_name(db, json_string_value(json_object_get(d, "indicator")), name, sizeof(name));
    if (kind != NULL && strcmp(kind, "missed_readings") == 0) {
        /* People read a department's name and a day in words, not keys. */
        if (fmt_date(since, sizeof(since), json_string_value(json_object_get(d, "since")),
                     FMT_DATE_MEDIUM, "fr") == NULL)
            snprintf(since, sizeof(since), "?");
        fmt_count(missed, sizeof(missed), (long)json_integer_value(json_object_get(d, "missed")),
                  "période sans relevé", "périodes sans relevé", "fr");
        snprintf(buf, len, "Relevé « %s »%s%s%s manqué depuis le %s (%s)", name,
                 dept != NULL && dept[0] ? " (département " : "",
                 dept != NULL ? carbon_dept_label(dept) : "", dept != NULL && dept[0] ? ")" : "",
                 since, missed);
    } else {
        const char *id = json_string_value(json_object_get(d, "action"));
        const char *title = NULL;
        size_t i;
        json_t *a;
        json_array_foreach(actions, i, a)
        {
            if (id != NULL && strcmp(id, json_string_value(json_object_get(a, "id"))) == 0)
                title = json_string_value(json_object_get(a, "title"));
        }
        snprintf(buf, len,
                 "%s (indicateur « %s ») : à ce rythme, l'objectif ne sera pas atteint "
                 "en fin de tournage",
                 title != NULL ? title : "Action", name);
    }
}

int eval_production(struct db *db, const char *production_id, const char *today, json_t **out)
{
    json_t *progress = NULL, *dys = NULL, *cmp = NULL, *actions, *a, *d;
    json_t *summary =
        json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "reussies", 0, "partielles", 0, "non_atteintes",
                  0, "sans_donnee", 0, "brouillons", 0, "a_verifier", 0);
    json_t *strengths = json_array(), *difficulties = json_array();
    json_t *reproducible = json_array(), *to_classify = json_array();
    size_t i;
    int rc;

    *out = NULL;
    rc = plan_progress(db, production_id, today, &progress);
    if (rc == EP_OK)
        rc = plan_dysfunctions(db, production_id, today, &dys);
    if (rc == EP_OK)
        rc = forecast_compare(db, production_id, today, 0, &cmp);
    if (rc != EP_OK)
        goto out;
    actions = json_object_get(progress, "actions");
    json_array_foreach(actions, i, a)
    {
        json_object_set_new(a, "verdict", json_string(verdict_for(a)));
        rc = add_judgement(db, production_id, a);
        if (rc != EP_OK)
            goto out;
    }
    from_actions(actions, summary, strengths, difficulties, reproducible, to_classify);
    from_footprint(cmp, strengths, difficulties);
    json_array_foreach(json_object_get(dys, "dysfunctions"), i, d)
    {
        char text[512];
        json_t *x;
        dysfunction_text(db, d, actions, text, sizeof(text));
        x = item("dysfunction", json_string_value(json_object_get(d, "indicator")), text);
        json_object_set(x, "solutions", json_object_get(d, "alternatives"));
        json_array_append_new(difficulties, x);
    }
    *out = json_pack("{s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "today", today,
                     "elapsed_days", json_object_get(progress, "elapsed_days"), "total_days",
                     json_object_get(progress, "total_days"), "actions", actions, "summary",
                     summary, "footprint", cmp, "strengths", strengths, "difficulties",
                     difficulties, "reproducible", reproducible, "to_classify", to_classify);
    rc = *out != NULL ? EP_OK : EP_ENOMEM;
out:
    json_decref(progress);
    json_decref(dys);
    json_decref(cmp);
    json_decref(summary);
    json_decref(strengths);
    json_decref(difficulties);
    json_decref(reproducible);
    json_decref(to_classify);
    return rc;
}
