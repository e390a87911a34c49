/*
 * promo.c - C10 kits. The choice of figures per audience is the only rule
 * here; the figures themselves come from eval.c and carbon.c.
 */
#include "promo.h"

#include "attach.h"
#include "db.h"
#include "err.h"
#include "eval.h"
#include "fmt.h"
#include "sync.h"
#include "text.h"

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

/* The title and intro are the kit documents' own texts ("label.kit.audience.*",
 * text.h), so the JSON and the documents say the same words. */
static const struct {
    const char *name;
    const char *title;
    const char *intro;
    unsigned show;
} audiences[] = {
    [PROMO_COMMISSIONER] = {"diffuseur", "label.kit.audience.diffuseur.title",
                            "label.kit.audience.diffuseur.intro",
                            F_FOOTPRINT | F_GAP | F_SUCCESS | F_ATTAINMENT | F_REPRODUCIBLE |
                                K_PRACTICES},
    [PROMO_FUNDER] = {"financeur", "label.kit.audience.financeur.title",
                      "label.kit.audience.financeur.intro",
                      F_FOOTPRINT | F_GAP | F_SUCCESS | F_ATTAINMENT | F_REPRODUCIBLE |
                          K_PRACTICES},
    [PROMO_PARTNERS] = {"partenaires", "label.kit.audience.partenaires.title",
                        "label.kit.audience.partenaires.intro",
                        F_SUCCESS | F_REPRODUCIBLE | K_PRACTICES},
    [PROMO_CREW] = {"collaborateurs", "label.kit.audience.collaborateurs.title",
                    "label.kit.audience.collaborateurs.intro",
                    F_SUCCESS | F_ATTAINMENT | K_PRACTICES | K_LESSONS},
    [PROMO_PUBLIC] = {"grand_public", "label.kit.audience.grand_public.title",
                      "label.kit.audience.grand_public.intro",
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

/* Appends a figure: key names it for documents that word it themselves
 * (their labels say "kit.fig.<key>"), label and note are in the kit's language. */
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

/* "<n> <what>" through the plural texts key.one / key.other, in lang. */
static char *count_text(char *buf, size_t len, const char *key, json_int_t n, const char *lang)
{
    char k[96], num[FMT_MAX];
    return text_fmtbuf(buf, len, lang, text_count_key(k, sizeof(k), key, (long)n, lang), "n",
                       fmt_number(num, sizeof(num), (double)n, 0, lang), NULL);
}

static void add_figures(const json_t *ev, unsigned show, const char *lang, json_t *figs,
                        json_t *missing)
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
    char note[900], partial[256], k[96], a[FMT_MAX], b[FMT_MAX];

    /* Before the last shooting day the final footprint is still partial:
     * say so next to every figure built on it. */
    if (elapsed < total)
        text_fmtbuf(partial, sizeof(partial), lang,
                    text_count_key(k, sizeof(k), "promo.partial", (long)elapsed, lang), "n",
                    fmt_number(a, sizeof(a), (double)elapsed, 0, lang), "total",
                    fmt_number(b, sizeof(b), (double)total, 0, lang), NULL);
    else
        partial[0] = '\0';
    if (show & F_FOOTPRINT) {
        text_fmtbuf(note, sizeof(note), lang, "promo.fig.footprint.note", "partial", partial, NULL);
        figure(figs, missing, "footprint", text_get(lang, "label.kit.fig.footprint"),
               fin > 0 ? rounded(fin / 1000.0, 0.1) : json_null(), "tCO2e", note);
    }
    if (show & F_GAP) {
        /* Which forecast: the version filed (forecast_compare), or the live
         * estimates when none was filed, so a funder knows what moved. */
        const json_t *fc = json_object_get(fp, "forecast");
        const char *label = json_string_value(json_object_get(fc, "label"));
        json_int_t filed_set = json_integer_value(json_object_get(fc, "factor_version"));
        json_int_t now_set =
            json_integer_value(json_object_get(json_object_get(fp, "final"), "factor_version"));
        char which[400], cut[124];
        if (json_is_integer(json_object_get(fc, "version"))) {
            snprintf(cut, sizeof(cut), "%.120s", label != NULL ? label : "");
            text_fmtbuf(which, sizeof(which), lang, "promo.fig.gap.filed", "version",
                        fmt_number(a, sizeof(a),
                                   (double)json_integer_value(json_object_get(fc, "version")), 0,
                                   lang),
                        "label", cut, "mixed",
                        /* two factor sets in one gap: said, never silent */
                        filed_set != now_set ? text_get(lang, "promo.fig.gap.mixed") : "", NULL);
        } else {
            text_fmtbuf(which, sizeof(which), lang, "promo.fig.gap.live", NULL);
        }
        text_fmtbuf(note, sizeof(note), lang, "promo.fig.gap.note", "which", which, "partial",
                    partial, NULL);
        figure(figs, missing, "gap", text_get(lang, "label.kit.fig.gap"),
               json_is_number(gap) ? rounded(json_number_value(gap), 1) : json_null(), "%", note);
    }
    if (show & F_SUCCESS) {
        text_fmtbuf(note, sizeof(note), lang, "label.kit.fig.success.note", "measured",
                    count_text(a, sizeof(a), "promo.measured", measured, lang), "no_data",
                    count_text(b, sizeof(b), "promo.no_data",
                               json_integer_value(json_object_get(sum, "sans_donnee")), lang),
                    NULL);
        json_t *f =
            figure(figs, missing, "success", text_get(lang, "label.kit.fig.success"),
                   measured > 0 ? json_integer(json_integer_value(json_object_get(sum, "reussies")))
                                : json_null(),
                   text_get(lang, "promo.unit.actions"), note);
        json_object_set_new(f, "measured", json_integer(measured));
        json_object_set(f, "no_data", json_object_get(sum, "sans_donnee"));
    }
    if (show & F_ATTAINMENT) {
        json_t *mean = json_object_get(sum, "mean_attainment_pct");
        figure(figs, missing, "attainment", text_get(lang, "label.kit.fig.attainment"),
               json_is_number(mean) ? json_incref(mean) : json_null(), "%",
               text_get(lang, "label.kit.fig.attainment.note"));
    }
    if (show & F_REPRODUCIBLE)
        figure(figs, missing, "reproducible", text_get(lang, "label.kit.fig.reproducible"),
               json_integer((json_int_t)json_array_size(json_object_get(ev, "reproducible"))),
               text_get(lang, "promo.unit.practices"),
               text_get(lang, "label.kit.fig.reproducible.note"));
}

/* A practice sheet for action a (an evaluation entry), with the objective and
 * means read from its record. */
static json_t *practice(struct db *db, const char *production_id, const json_t *a, const char *lang)
{
    const char *id = json_string_value(json_object_get(a, "id"));
    json_t *rec = NULL, *pct = json_object_get(a, "attainment_pct"), *p;
    char result[160], v[FMT_MAX];

    if (sync_record_get(db, production_id, "actions", id, &rec) != EP_OK)
        rec = json_object();
    if (json_is_number(pct))
        text_fmtbuf(result, sizeof(result), lang, "label.kit.result.reached", "pct",
                    fmt_percent(v, sizeof(v), json_number_value(pct) / 100.0, 0, 0, lang), NULL);
    else
        text_fmtbuf(result, sizeof(result), lang, "label.kit.result.unmeasured", NULL);
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
                           const char *lang, json_t *photos)
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
            text_fmtbuf(alt, sizeof(alt), lang, "promo.photo_alt", "title",
                        title != NULL ? title : text_get(lang, "promo.action"), NULL);
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
              enum promo_audience audience, const char *lang, json_t **out)
{
    unsigned show = audiences[audience].show;
    json_t *ev = NULL, *figs = json_array(), *missing = json_array(), *practices = json_array();
    json_t *tips = json_array(), *photos = json_array(), *a;
    char title[64] = "";
    size_t i;
    int rc;

    *out = NULL;
    rc = eval_production(db, production_id, today, lang, &ev);
    if (rc == EP_OK)
        rc = production_title(db, production_id, title, sizeof(title));
    if (rc != EP_OK)
        goto out;
    add_figures(ev, show, lang, figs, missing);
    json_array_foreach(json_object_get(ev, "actions"), i, a)
    {
        int reproducible = json_is_true(json_object_get(a, "reproducible"));
        const char *factors = json_string_value(json_object_get(a, "success_factors"));
        const char *lessons = json_string_value(json_object_get(a, "lessons"));
        if (reproducible && (show & K_PRACTICES)) {
            json_t *p = practice(db, production_id, a, lang);
            json_array_append_new(practices, p);
            rc = practice_photos(db, production_id, p, lang, photos);
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
                     text_get(lang, audiences[audience].title), "intro",
                     text_get(lang, audiences[audience].intro), "elapsed_days",
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
