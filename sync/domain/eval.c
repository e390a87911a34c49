/*
 * eval.c - C9: plan against reality. Pure composition of the plan and
 * carbon computations; the thresholds are the only rules added here. The
 * sentences are the "evaluation.*" texts of sync/domain/data (text.h).
 */
#include "eval.h"

#include "carbon.h"
#include "db.h"
#include "err.h"
#include "fmt.h"
#include "forecast.h"
#include "plan.h"
#include "sync.h"
#include "text.h"

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

/* The texts of keys (NULL-ended) in lang, as a JSON array of strings. */
static json_t *texts(const char *lang, const char *const *keys)
{
    json_t *list = json_array();
    for (size_t i = 0; keys[i] != NULL; i++)
        json_array_append_new(list, json_string(text_get(lang, keys[i])));
    return list;
}

/* "80 %" / "80%" from an attainment in percent. */
static char *pct_text(char *buf, size_t len, const json_t *pct, const char *lang)
{
    return fmt_percent(buf, len, json_number_value(pct) / 100.0, 0, 0, lang);
}

/* v with its sign ("+120", "−40"), grouped as lang writes numbers. */
static char *signed_number(char *buf, size_t len, double v, const char *lang)
{
    char n[FMT_MAX];
    fmt_number(n, sizeof(n), v, 0, lang);
    snprintf(buf, len, "%s%s", v >= 0.5 ? "+" : "", n);
    return buf;
}

/* Strengths and difficulties from the actions' verdicts, in lang. */
static void from_actions(json_t *actions, const char *lang, json_t *summary, json_t *strengths,
                         json_t *difficulties, json_t *reproducible, json_t *to_classify)
{
    static const char *const sol_missed[] = {"evaluation.sol.review", "evaluation.sol.directory",
                                             NULL};
    static const char *const sol_check[] = {"evaluation.sol.check_type",
                                            "evaluation.sol.check_confirm", NULL};
    static const char *const sol_none[] = {"evaluation.sol.schedule", NULL};
    double sum = 0, avoided_sum = 0;
    long measured = 0, avoided_n = 0;
    size_t i;
    json_t *a;

    json_array_foreach(actions, i, a)
    {
        /* The emissions the action avoided against its baseline (plan.c),
         * said with its result; added emissions are said as such. */
        json_t *av = json_object_get(a, "avoided_kg");
        char kg[160] = "", num[FMT_MAX], p[FMT_MAX];
        if (json_is_number(av)) {
            double x = json_number_value(av);
            text_fmtbuf(kg, sizeof(kg), lang, x >= 0 ? "evaluation.avoided" : "evaluation.added",
                        "kg", fmt_number(num, sizeof(num), fabs(x), 0, lang), NULL);
            avoided_sum += x;
            avoided_n++;
        }
        const char *v = json_string_value(json_object_get(a, "verdict"));
        const char *id = json_string_value(json_object_get(a, "id"));
        const char *title = json_string_value(json_object_get(a, "title"));
        json_t *pct = json_object_get(a, "attainment_pct");
        json_t *rep = json_object_get(a, "reproducible");
        const char *key = summary_key(v);
        const char *name = title != NULL ? title : text_get(lang, "evaluation.action");
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
            text_fmtbuf(text, sizeof(text), lang, "evaluation.reached", "title", name, "pct",
                        pct_text(p, sizeof(p), pct, lang), "kg", kg, NULL);
            json_array_append_new(strengths, item("action", id, text));
        } else if (strcmp(v, "non_atteinte") == 0 || strcmp(v, "partielle") == 0) {
            text_fmtbuf(text, sizeof(text), lang, "evaluation.partial", "title", name, "pct",
                        pct_text(p, sizeof(p), pct, lang), "kg", kg, NULL);
            json_t *d = item("action", id, text);
            json_object_set_new(d, "solutions", texts(lang, sol_missed));
            json_array_append_new(difficulties, d);
        } else if (strcmp(v, "a_verifier") == 0) {
            text_fmtbuf(text, sizeof(text), lang, "evaluation.check", "title", name, "pct",
                        pct_text(p, sizeof(p), pct, lang), NULL);
            json_t *d = item("check", id, text);
            json_object_set_new(d, "solutions", texts(lang, sol_check));
            json_array_append_new(difficulties, d);
        } else if (strcmp(v, "sans_donnee") == 0) {
            text_fmtbuf(text, sizeof(text), lang, "evaluation.no_data", "title", name, NULL);
            json_t *d = item("missing", id, text);
            json_object_set_new(d, "solutions", texts(lang, sol_none));
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
static void from_footprint(const json_t *cmp, const char *lang, json_t *strengths,
                           json_t *difficulties)
{
    static const char *const sol[] = {"evaluation.sol.forecast", NULL};
    const json_t *span = json_object_get(cmp, "span");
    int running = strcmp(json_string_value(json_object_get(cmp, "status")), "clos") != 0;
    const json_t *fc = json_object_get(cmp, "forecast");
    char which[400], version[FMT_MAX], filed[FMT_MAX], now[FMT_MAX];
    json_int_t filed_set = json_integer_value(json_object_get(fc, "factor_version"));
    json_int_t now_set =
        json_integer_value(json_object_get(json_object_get(cmp, "final"), "factor_version"));
    size_t i;
    json_t *c;

    /* forecast_compare says which forecast the gaps are against, and when
     * it was filed with another factor set than the readings', that the
     * gaps mix two sets (docs/carbon.md, "The forecast, filed"). */
    fmt_number(version, sizeof(version), (double)json_integer_value(json_object_get(fc, "version")),
               0, lang);
    if (json_is_integer(json_object_get(fc, "version")) && filed_set != now_set)
        text_fmtbuf(which, sizeof(which), lang, "evaluation.fp.filed_mixed", "version", version,
                    "filed", fmt_number(filed, sizeof(filed), (double)filed_set, 0, lang), "now",
                    fmt_number(now, sizeof(now), (double)now_set, 0, lang), NULL);
    else if (json_is_integer(json_object_get(fc, "version")))
        text_fmtbuf(which, sizeof(which), lang, "evaluation.fp.filed", "version", version, NULL);
    else
        text_fmtbuf(which, sizeof(which), lang, "evaluation.fp.live", NULL);

    json_array_foreach(json_object_get(cmp, "categories"), i, c)
    {
        const char *cat = json_string_value(json_object_get(c, "category"));
        double delta = json_number_value(json_object_get(c, "delta_kg"));
        json_t *pct = json_object_get(c, "delta_pct");
        double cov = json_number_value(json_object_get(c, "coverage"));
        char text[800], when[200] = "", key[64], n[FMT_MAX], total[FMT_MAX];
        char dk[FMT_MAX + 2], dp[FMT_MAX], cv[FMT_MAX];
        long elapsed = (long)json_integer_value(json_object_get(span, "elapsed_days"));

        if (cat == NULL || !json_is_number(pct) || fabs(json_number_value(pct)) < 10)
            continue; /* within the estimate's own uncertainty: nothing to say */
        if (running)
            text_fmtbuf(when, sizeof(when), lang,
                        text_count_key(key, sizeof(key), "evaluation.fp.running", elapsed, lang),
                        "n", fmt_number(n, sizeof(n), (double)elapsed, 0, lang), "total",
                        fmt_number(total, sizeof(total),
                                   (double)json_integer_value(json_object_get(span, "total_days")),
                                   0, lang),
                        NULL);
        text_fmtbuf(text, sizeof(text), lang, "evaluation.fp", "category",
                    carbon_label(CARBON_LABEL_CATEGORY, cat, lang), "delta",
                    signed_number(dk, sizeof(dk), delta, lang), "pct",
                    fmt_percent(dp, sizeof(dp), json_number_value(pct) / 100.0, 0, 1, lang),
                    "forecast", which, "when", when, "coverage",
                    fmt_percent(cv, sizeof(cv), cov, 0, 0, lang), NULL);
        if (delta < 0) {
            json_array_append_new(strengths, item("footprint", cat, text));
        } else {
            json_t *d = item("footprint", cat, text);
            json_object_set_new(d, "solutions", texts(lang, sol));
            json_array_append_new(difficulties, d);
        }
    }
}

/* field of action id among actions (its title, its theme), or NULL. */
static const char *action_field(const json_t *actions, const char *id, const char *field)
{
    size_t i;
    json_t *a;
    json_array_foreach(actions, i, a)
    {
        if (id != NULL && strcmp(id, json_string_value(json_object_get(a, "id"))) == 0)
            return json_string_value(json_object_get(a, field));
    }
    return NULL;
}

/*
 * One dysfunction as a sentence that names what it is about: the
 * indicator (by its name, not its id), the department and since when for
 * missed readings, the action for a drifting target. The sentence has no
 * final full stop: the dossier adds it.
 */
static void dysfunction_text(struct db *db, const json_t *d, const json_t *actions,
                             const char *lang, char *buf, size_t len)
{
    const char *kind = json_string_value(json_object_get(d, "kind"));
    const char *dept = json_string_value(json_object_get(d, "dept"));
    char name[160], since[FMT_MAX], missed[FMT_MAX + 64], in_dept[160] = "", key[64], n[FMT_MAX];

    carbon_indicator_name(db, json_string_value(json_object_get(d, "indicator")), lang,
                          text_get(lang, "evaluation.indicator_unknown"), name, sizeof(name));
    if (kind != NULL && strcmp(kind, "missed_readings") == 0) {
        /* People read a department's name and a day in words, not keys. */
        long count = (long)json_integer_value(json_object_get(d, "missed"));
        if (fmt_date(since, sizeof(since), json_string_value(json_object_get(d, "since")),
                     FMT_DATE_MEDIUM, lang) == NULL)
            snprintf(since, sizeof(since), "?");
        text_fmtbuf(missed, sizeof(missed), lang,
                    text_count_key(key, sizeof(key), "evaluation.missed.periods", count, lang), "n",
                    fmt_number(n, sizeof(n), (double)count, 0, lang), NULL);
        if (dept != NULL && dept[0])
            text_fmtbuf(in_dept, sizeof(in_dept), lang, "evaluation.missed.dept", "dept",
                        carbon_label(CARBON_LABEL_DEPT, dept, lang), NULL);
        text_fmtbuf(buf, len, lang, "evaluation.missed", "indicator", name, "dept", in_dept,
                    "since", since, "missed", missed, NULL);
    } else {
        const char *title =
            action_field(actions, json_string_value(json_object_get(d, "action")), "title");
        text_fmtbuf(buf, len, lang, "evaluation.drift", "title",
                    title != NULL ? title : text_get(lang, "evaluation.action"), "indicator", name,
                    NULL);
    }
}

int eval_production(struct db *db, const char *production_id, const char *today, const char *lang,
                    json_t **out)
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
    rc = plan_progress(db, production_id, today, lang, &progress);
    if (rc == EP_OK)
        rc = plan_dysfunctions(db, production_id, today, lang, &dys);
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
    from_actions(actions, lang, summary, strengths, difficulties, reproducible, to_classify);
    from_footprint(cmp, lang, strengths, difficulties);
    json_array_foreach(json_object_get(dys, "dysfunctions"), i, d)
    {
        char text[512];
        json_t *x;
        dysfunction_text(db, d, actions, lang, text, sizeof(text));
        x = item("dysfunction", json_string_value(json_object_get(d, "indicator")), text);
        /* plan_dysfunctions already said what to try, in lang. */
        json_object_set_new(x, "solutions", json_deep_copy(json_object_get(d, "alternatives")));
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
