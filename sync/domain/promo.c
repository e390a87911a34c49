/*
 * promo.c - C10 kits. The choice of figures per audience is the only rule
 * here; the figures themselves come from eval.c and carbon.c.
 */
#include "promo.h"

#include "attach.h"
#include "db.h"
#include "err.h"
#include "eval.h"
#include "sync.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What each audience is shown: a bit per figure, practices, tips. */
enum {
    F_FOOTPRINT = 1 << 0,
    F_GAP = 1 << 1,
    F_SUCCESS = 1 << 2,
    F_ATTAINMENT = 1 << 3,
    F_REPRODUCIBLE = 1 << 4,
    K_PRACTICES = 1 << 5,
    K_LESSONS = 1 << 6, /* tips from what did not work too */
};

static const struct {
    const char *name;
    const char *title;
    const char *intro;
    unsigned show;
} audiences[] = {
    [PROMO_COMMISSIONER] = {"diffuseur", "Bilan de la démarche éco-responsable",
                            "Ce que la production a engagé, mesuré et obtenu, et ce qu'elle "
                            "reproduira.",
                            F_FOOTPRINT | F_GAP | F_SUCCESS | F_ATTAINMENT | F_REPRODUCIBLE |
                                K_PRACTICES},
    [PROMO_FUNDER] = {"financeur", "Résultats de la démarche éco-responsable",
                      "Les chiffres du tournage, l'écart au prévisionnel et les pratiques qui "
                      "seront reconduites.",
                      F_FOOTPRINT | F_GAP | F_SUCCESS | F_ATTAINMENT | F_REPRODUCIBLE |
                          K_PRACTICES},
    [PROMO_PARTNERS] = {"partenaires", "Merci : ce que nous avons fait ensemble",
                        "Les pratiques que vos services ont rendues possibles, et celles que "
                        "nous voulons reconduire avec vous.",
                        F_SUCCESS | F_REPRODUCIBLE | K_PRACTICES},
    [PROMO_CREW] = {"collaborateurs", "Fiches pratiques pour le prochain tournage",
                    "Ce qui a marché, pourquoi, et ce que nous ferions autrement.",
                    F_SUCCESS | F_ATTAINMENT | K_PRACTICES | K_LESSONS},
    [PROMO_PUBLIC] = {"grand_public", "Un tournage plus sobre",
                      "Comment l'équipe a réduit l'impact du tournage, en quelques chiffres et "
                      "gestes.",
                      F_FOOTPRINT | F_SUCCESS | K_PRACTICES},
};

int promo_audience_parse(const char *name, enum promo_audience *out)
{
    for (size_t i = 0; name != NULL && i < sizeof(audiences) / sizeof(audiences[0]); i++) {
        if (strcmp(audiences[i].name, name) == 0) {
            *out = (enum promo_audience)i;
            return EP_OK;
        }
    }
    return EP_EINVAL;
}

static int production_title(struct db *db, const char *id, char *buf, size_t len)
{
    static const char sql[] = "SELECT title FROM production WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
}

/* Appends a figure: key names it for documents in other languages (their
 * labels say "kit.fig.<key>"), label and note are the French words. */
static json_t *figure(json_t *figs, json_t *missing, const char *key, const char *label,
                      json_t *value, const char *unit, const char *note)
{
    json_t *f = json_pack("{s:s, s:s, s:o, s:s, s:s?}", "key", key, "label", label, "value", value,
                          "unit", unit, "note", note);
    if (json_is_null(value))
        json_array_append_new(missing, json_string(label));
    json_array_append_new(figs, f);
    return f;
}

static json_t *rounded(double v, double step)
{
    return json_real(round(v / step) * step);
}

static void add_figures(const json_t *ev, unsigned show, json_t *figs, json_t *missing)
{
    const json_t *fp = json_object_get(ev, "footprint");
    const json_t *sum = json_object_get(ev, "summary");
    double fin = json_number_value(json_object_get(json_object_get(fp, "final"), "total_kg"));
    /* The gap is the honest one: measured indicators against their forecast
     * for the elapsed shooting days (carbon_compare), never the whole plan. */
    const json_t *gap = json_object_get(json_object_get(fp, "total"), "delta_pct");
    json_int_t measured = json_integer_value(json_object_get(sum, "measured"));
    json_int_t elapsed = json_integer_value(json_object_get(ev, "elapsed_days"));
    json_int_t total = json_integer_value(json_object_get(ev, "total_days"));
    char note[900], partial[192];

    /* Before the last shooting day the final footprint is still partial:
     * say so next to every figure built on it. */
    if (elapsed < total)
        snprintf(partial, sizeof(partial),
                 " Tournage en cours (%lld jours sur %lld) : le bilan final est encore partiel.",
                 (long long)elapsed, (long long)total);
    else
        partial[0] = '\0';
    if (show & F_FOOTPRINT) {
        snprintf(note, sizeof(note), "%s%s",
                 "Estimation de travail ; le bilan officiel est établi avec un calculateur agréé "
                 "(Carbon'Clap, SeCO2).",
                 partial);
        figure(figs, missing, "footprint", "Empreinte carbone du tournage",
               fin > 0 ? rounded(fin / 1000.0, 0.1) : json_null(), "tCO2e", note);
    }
    if (show & F_GAP) {
        /* Which forecast: the version filed (forecast_compare), or the live
         * estimates when none was filed, so a funder knows what moved. */
        const json_t *fc = json_object_get(fp, "forecast");
        json_int_t filed_set = json_integer_value(json_object_get(fc, "factor_version"));
        json_int_t now_set =
            json_integer_value(json_object_get(json_object_get(fp, "final"), "factor_version"));
        char which[400];
        if (json_is_integer(json_object_get(fc, "version")))
            snprintf(which, sizeof(which), "le prévisionnel déposé (version %lld, « %.120s »)%s",
                     (long long)json_integer_value(json_object_get(fc, "version")),
                     json_string_value(json_object_get(fc, "label")) != NULL
                         ? json_string_value(json_object_get(fc, "label"))
                         : "",
                     /* two factor sets in one gap: said, never silent */
                     filed_set != now_set ? ", calculé avec un autre jeu de facteurs que les "
                                            "relevés (une partie de l'écart vient des facteurs)"
                                          : "");
        else
            snprintf(which, sizeof(which), "les estimations actuelles (aucun prévisionnel déposé)");
        snprintf(note, sizeof(note),
                 "Négatif : moins d'émissions que prévu dans %s pour les indicateurs "
                 "relevés, au prorata des jours de tournage écoulés ; les données manquantes "
                 "ne comptent pas.%s",
                 which, partial);
        figure(figs, missing, "gap", "Écart au bilan prévisionnel",
               json_is_number(gap) ? rounded(json_number_value(gap), 1) : json_null(), "%", note);
    }
    if (show & F_SUCCESS) {
        snprintf(note, sizeof(note), "sur %lld actions mesurées, %lld sans donnée",
                 (long long)measured,
                 (long long)json_integer_value(json_object_get(sum, "sans_donnee")));
        json_t *f =
            figure(figs, missing, "success", "Objectifs atteints",
                   measured > 0 ? json_integer(json_integer_value(json_object_get(sum, "reussies")))
                                : json_null(),
                   "actions", note);
        json_object_set_new(f, "measured", json_integer(measured));
        json_object_set(f, "no_data", json_object_get(sum, "sans_donnee"));
    }
    if (show & F_ATTAINMENT) {
        json_t *mean = json_object_get(sum, "mean_attainment_pct");
        figure(figs, missing, "attainment", "Atteinte moyenne des objectifs",
               json_is_number(mean) ? json_incref(mean) : json_null(), "%",
               "Moyenne des actions mesurées seulement.");
    }
    if (show & F_REPRODUCIBLE)
        figure(figs, missing, "reproducible", "Pratiques reproductibles",
               json_integer((json_int_t)json_array_size(json_object_get(ev, "reproducible"))),
               "pratiques", "Retenues par la référente ou le référent pour les prochains projets.");
}

/* A practice sheet for action a (an evaluation entry), with the objective and
 * means read from its record. */
static json_t *practice(struct db *db, const char *production_id, const json_t *a)
{
    const char *id = json_string_value(json_object_get(a, "id"));
    json_t *rec = NULL, *pct = json_object_get(a, "attainment_pct"), *p;
    char result[96];

    if (sync_record_get(db, production_id, "actions", id, &rec) != EP_OK)
        rec = json_object();
    if (json_is_number(pct))
        snprintf(result, sizeof(result), "Objectif atteint à %.0f %%", json_number_value(pct));
    else
        snprintf(result, sizeof(result), "Résultat non mesuré");
    p = json_pack(
        "{s:s, s:O, s:O, s:O, s:O, s:s, s:O, s:O}", "id", id, "title",
        json_object_get(a, "title") ? json_object_get(a, "title") : json_null(), "theme",
        json_object_get(a, "theme") ? json_object_get(a, "theme") : json_null(), "objective",
        json_object_get(rec, "objective") ? json_object_get(rec, "objective") : json_null(),
        "means", json_object_get(rec, "means") ? json_object_get(rec, "means") : json_null(),
        "result", result, "success_factors", json_object_get(a, "success_factors"), "lessons",
        json_object_get(a, "lessons"));
    if (p != NULL)
        json_object_set(p, "attainment_pct", pct);
    json_decref(rec);
    return p;
}

/* Appends to photos the complete photos of practice p (an action). */
static int practice_photos(struct db *db, const char *production_id, const json_t *p,
                           json_t *photos)
{
    const char *action = json_string_value(json_object_get(p, "id"));
    const char *title = json_string_value(json_object_get(p, "title"));
    json_t *list = NULL, *ph;
    size_t i;
    int rc = attach_complete_of(db, production_id, "actions", action, &list);

    if (rc != EP_OK)
        return rc;
    json_array_foreach(list, i, ph)
    {
        const char *id = json_string_value(json_object_get(ph, "id"));
        const char *caption = json_string_value(json_object_get(ph, "caption"));
        char alt[400], url[200];
        /* Every image needs a text: a photo without caption is named by its action. */
        if (caption != NULL && caption[0] != '\0')
            snprintf(alt, sizeof(alt), "%s", caption);
        else
            snprintf(alt, sizeof(alt), "Photo de l'action « %s »", title != NULL ? title : action);
        snprintf(url, sizeof(url), "/api/v1/productions/%s/attachments/%s", production_id, id);
        json_array_append_new(photos, json_pack("{s:s, s:s, s:s, s:O, s:s}", "id", id, "action",
                                                action, "caption", alt, "content_type",
                                                json_object_get(ph, "content_type"), "url", url));
    }
    json_decref(list);
    return EP_OK;
}

int promo_kit_embed(struct db *db, const char *production_id, json_t *kit, size_t max)
{
    json_t *ph;
    size_t i, used = 0, embedded = 0;
    int rc = EP_OK;

    json_array_foreach(json_object_get(kit, "photos"), i, ph)
    {
        unsigned char *data = NULL;
        size_t len = 0;
        char type[16], *b64;
        size_t b64len;
        if (embedded >= max)
            break;
        rc = attach_blob_get(db, production_id, json_string_value(json_object_get(ph, "id")), &data,
                             &len, type);
        if (rc == EP_ENOTFOUND || rc == EP_ECONFLICT) { /* voided since: skip it */
            rc = EP_OK;
            continue;
        }
        if (rc != EP_OK)
            break;
        if (len > PROMO_EMBED_BYTES - used) { /* over the page's budget: linked only */
            free(data);
            continue;
        }
        b64len = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
        b64 = malloc(b64len);
        if (b64 == NULL) {
            free(data);
            rc = EP_ENOMEM;
            break;
        }
        sodium_bin2base64(b64, b64len, data, len, sodium_base64_VARIANT_ORIGINAL);
        free(data);
        json_object_set_new(ph, "data", json_string(b64));
        free(b64);
        used += len;
        embedded++;
    }
    return rc;
}

int promo_kit(struct db *db, const char *production_id, const char *today,
              enum promo_audience audience, json_t **out)
{
    unsigned show = audiences[audience].show;
    json_t *ev = NULL, *figs = json_array(), *missing = json_array(), *practices = json_array();
    json_t *tips = json_array(), *photos = json_array(), *a;
    char title[64] = "";
    size_t i;
    int rc;

    *out = NULL;
    rc = eval_production(db, production_id, today, &ev);
    if (rc == EP_OK)
        rc = production_title(db, production_id, title, sizeof(title));
    if (rc != EP_OK)
        goto out;
    add_figures(ev, show, figs, missing);
    json_array_foreach(json_object_get(ev, "actions"), i, a)
    {
        int reproducible = json_is_true(json_object_get(a, "reproducible"));
        const char *factors = json_string_value(json_object_get(a, "success_factors"));
        const char *lessons = json_string_value(json_object_get(a, "lessons"));
        if (reproducible && (show & K_PRACTICES)) {
            json_t *p = practice(db, production_id, a);
            json_array_append_new(practices, p);
            rc = practice_photos(db, production_id, p, photos);
            if (rc != EP_OK)
                goto out;
        }
        if (reproducible && factors != NULL)
            json_array_append_new(tips, json_string(factors));
        if ((show & K_LESSONS) && lessons != NULL)
            json_array_append_new(tips, json_string(lessons));
    }
    *out = json_pack("{s:s, s:s, s:s, s:s, s:O, s:O, s:o, s:o, s:o, s:o, s:o}", "audience",
                     audiences[audience].name, "production", title, "title",
                     audiences[audience].title, "intro", audiences[audience].intro, "elapsed_days",
                     json_object_get(ev, "elapsed_days"), "total_days",
                     json_object_get(ev, "total_days"), "figures", figs, "practices", practices,
                     "tips", tips, "missing", missing, "photos", photos);
    figs = practices = tips = missing = photos = NULL;
    rc = *out != NULL ? EP_OK : EP_ENOMEM;
out:
    json_decref(ev);
    json_decref(figs);
    json_decref(missing);
    json_decref(practices);
    json_decref(tips);
    json_decref(photos);
    return rc;
}
