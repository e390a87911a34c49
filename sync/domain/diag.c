/*
 * diag.c - company maturity (C1) and project impact analysis (C2); see
 * diag.h. The weights and heuristics are stated here, next to the code
 * that applies them, and documented in docs/diagnostic.md.
 */
#include "diag.h"

#include "carbon.h"
#include "err.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int refuse(char *field, size_t fl, char *err, size_t el, const char *f, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static int refuse(char *field, size_t fl, char *err, size_t el, const char *f, const char *fmt, ...)
{
    va_list ap;
    snprintf(field, fl, "%s", f);
    va_start(ap, fmt);
    (void)vsnprintf(err, el, fmt, ap);
    va_end(ap);
    return EP_EINVAL;
}

/*
 * Reads a number field: absent -> *present 0; present but not a number or
 * outside [lo, hi] -> refusal naming the field.
 */
static int number(const json_t *o, const char *k, double lo, double hi, double *v, int *present,
                  char *field, size_t fl, char *err, size_t el)
{
    json_t *x = json_object_get(o, k);

    *present = x != NULL && !json_is_null(x);
    *v = 0;
    if (!*present)
        return EP_OK;
    if (!json_is_number(x))
        return refuse(field, fl, err, el, k, "'%s' must be a number", k);
    *v = json_number_value(x);
    if (*v < lo || *v > hi || !isfinite(*v))
        return refuse(field, fl, err, el, k, "'%s' must be between %g and %g, not %g", k, lo, hi,
                      *v);
    return EP_OK;
}

/* ---- C1: company maturity --------------------------------------------------- */

/* One maturity marker: its weight, and the words for each outcome. */
struct marker {
    const char *key;
    double max;
    const char *strength; /* when (nearly) fully met */
    const char *weakness; /* when mostly missing */
    const char *why;      /* why it matters */
    const char *axis;     /* the next step to propose */
};

static const struct marker markers[] = {
    {"csr_charter", 12, "Une charte RSE formalise l'engagement de la société.",
     "Pas de charte RSE.", "La charte rend l'engagement opposable et guide chaque projet.",
     "Rédiger et faire signer une charte RSE, puis la joindre aux contrats des équipes."},
    {"eco_referent", 14, "Un ou une éco-référente porte la démarche.",
     "Personne n'est chargé de la démarche.",
     "Sans référent, les actions dépendent de la bonne volonté de chacun.",
     "Nommer un éco-référent (même à temps partiel) et lui dégager du temps en préparation."},
    {"ecoprod_label", 19, "Productions labellisées Ecoprod.", "Aucun label Ecoprod.",
     "Le label (80 critères, audit AFNOR) structure et prouve la démarche.",
     "Viser le label Ecoprod sur la prochaine production : candidater avant le tournage."},
    {"afnor_spec_2308_level", 18, "Démarche AFNOR SPEC 2308 engagée.",
     "AFNOR SPEC 2308 non engagée.",
     "Le référentiel national (28 critères, 3 niveaux) cadre la production responsable.",
     "Engager le niveau 1 de l'AFNOR SPEC 2308 (projet, sensibilisation), puis le niveau 2."},
    {"past_footprints", 12, "Des bilans carbone ont déjà été réalisés.",
     "Aucun bilan carbone réalisé.",
     "Le CNC conditionne ses aides au double bilan carbone depuis 2024.",
     "Réaliser le bilan prévisionnel de la prochaine production avec Carbon'Clap ou SeCO2."},
    {"trained_staff_pct", 12, "Les équipes permanentes sont formées.", "Peu d'équipes formées.",
     "Chaque métier agit sur son périmètre s'il sait comment faire.",
     "Former les permanents et les chefs de poste (sessions courtes par métier)."},
    {"standard_methods", 6, "Méthodes de production standardisées.",
     "Méthodes de production peu standardisées.",
     "Des méthodes communes permettent de reproduire les bonnes pratiques d'un projet à l'autre.",
     "Écrire des fiches méthode réutilisables (tri, cantine, transports) pour chaque projet."},
    {"staff_turnover_pct", 4, "Équipes stables : les savoir-faire restent.",
     "Fort renouvellement des équipes.",
     "Le renouvellement fait perdre les pratiques acquises à chaque projet.",
     "Prévoir un accueil éco-responsable de chaque nouvelle équipe (kit et briefing)."},
    {"supplier_criteria", 3, "Prestataires choisis sur des critères environnementaux.",
     "Prestataires choisis sans critère environnemental.",
     "Les achats et prestations pèsent lourd dans le bilan d'un film.",
     "Ajouter des critères environnementaux aux consultations (annuaire de fournisseurs)."},
};
#define NMARKERS (sizeof(markers) / sizeof(markers[0]))

static const char *const required_company[] = {
    "production_types",      "headcount",    "staff_turnover_pct",
    "standard_methods",      "csr_charter",  "ecoprod_label",
    "afnor_spec_2308_level", "eco_referent", "trained_staff_pct",
    "past_footprints",       "partners",     "providers",
    "supplier_criteria",
};

static const char *const level_labels[] = {"Découverte", "Premiers pas", "Engagée", "Structurée",
                                           "Exemplaire"};

/* Points earned by one marker, from the answers already validated. */
static double marker_points(const struct marker *m, const json_t *a, double stars)
{
    json_t *x = json_object_get(a, m->key);
    const char *s = json_string_value(x);

    if (strcmp(m->key, "eco_referent") == 0)
        return s == NULL                     ? 0
               : strcmp(s, "dedicated") == 0 ? 14
               : strcmp(s, "part_time") == 0 ? 8
                                             : 0;
    if (strcmp(m->key, "ecoprod_label") == 0)
        return json_is_true(x) ? 10 + 3 * stars : 0;
    if (strcmp(m->key, "afnor_spec_2308_level") == 0)
        return 6 * json_number_value(x);
    if (strcmp(m->key, "past_footprints") == 0)
        return 3 * fmin(json_number_value(x), 4);
    if (strcmp(m->key, "trained_staff_pct") == 0)
        return 12 * json_number_value(x) / 100.0;
    if (strcmp(m->key, "standard_methods") == 0)
        return s == NULL ? 0 : strcmp(s, "full") == 0 ? 6 : strcmp(s, "partial") == 0 ? 3 : 0;
    if (strcmp(m->key, "staff_turnover_pct") == 0) {
        double t = json_number_value(x);
        return x == NULL ? 0 : t <= 15 ? 4 : t <= 40 ? 2 : 0;
    }
    return json_is_true(x) ? m->max : 0; /* csr_charter, supplier_criteria */
}

/* The words of one marker's items for the answer actually given. */
struct marker_words {
    const char *strength, *weakness, *axis;
    char buf[3][240]; /* texts that carry the answer's value */
};

/*
 * The marker's default texts describe the answer at either end (nothing
 * done, everything done). For answers in between they contradicted the
 * answer: level 1 of AFNOR SPEC 2308 read "non engagée", a one-star Ecoprod
 * label was told to "candidater", a part-time eco-referent to "nommer un
 * éco-référent". Each graded answer gets its own words here.
 */
static void marker_words(const struct marker *m, const json_t *a, double stars,
                         struct marker_words *w)
{
    json_t *x = json_object_get(a, m->key);
    const char *s = json_string_value(x);

    w->strength = m->strength;
    w->weakness = m->weakness;
    w->axis = m->axis;
    if (strcmp(m->key, "eco_referent") == 0 && s != NULL && strcmp(s, "part_time") == 0) {
        w->strength = "Un ou une éco-référente porte la démarche, à temps partiel.";
        w->weakness = "L'éco-référent n'a qu'un temps partiel pour porter la démarche.";
        w->axis = "Donner à l'éco-référent un temps dédié en préparation et pendant le tournage, "
                  "inscrit dans une lettre de mission.";
    } else if (strcmp(m->key, "ecoprod_label") == 0 && json_is_true(x)) {
        int n = (int)stars;
        snprintf(w->buf[0], sizeof(w->buf[0]), "Productions labellisées Ecoprod (%d étoile%s).", n,
                 n > 1 ? "s" : "");
        w->strength = w->buf[0];
        w->weakness = w->buf[0];
        snprintf(w->buf[1], sizeof(w->buf[1]),
                 "Progresser vers la %s étoile du label Ecoprod sur la prochaine production.",
                 n == 0   ? "première"
                 : n == 1 ? "deuxième"
                          : "troisième");
        w->axis = w->buf[1];
    } else if (strcmp(m->key, "afnor_spec_2308_level") == 0 && json_number_value(x) >= 1) {
        int lvl = (int)json_number_value(x);
        snprintf(w->buf[0], sizeof(w->buf[0]), "Démarche AFNOR SPEC 2308 engagée, niveau %d sur 3.",
                 lvl);
        w->strength = w->buf[0];
        snprintf(w->buf[1], sizeof(w->buf[1]),
                 "AFNOR SPEC 2308 au niveau %d seulement : les critères du niveau %d ne sont "
                 "pas encore tenus.",
                 lvl, lvl + 1);
        w->weakness = w->buf[1];
        snprintf(w->buf[2], sizeof(w->buf[2]),
                 "Passer au niveau %d de l'AFNOR SPEC 2308 en tenant les critères qui "
                 "manquent.",
                 lvl + 1);
        w->axis = lvl >= 3 ? m->axis : w->buf[2];
    } else if (strcmp(m->key, "past_footprints") == 0 && json_number_value(x) >= 1) {
        int n = (int)json_number_value(x);
        snprintf(w->buf[0], sizeof(w->buf[0]), "%d bilan%s carbone déjà réalisé%s.", n,
                 n > 1 ? "s" : "", n > 1 ? "s" : "");
        w->strength = w->buf[0];
        w->weakness = n == 1 ? "Un seul bilan carbone réalisé : pas encore de point de comparaison."
                             : w->buf[0];
        w->axis = "Faire le double bilan (prévisionnel et définitif) de chaque production et "
                  "comparer les projets entre eux.";
    } else if (strcmp(m->key, "trained_staff_pct") == 0 && json_number_value(x) > 0) {
        snprintf(w->buf[0], sizeof(w->buf[0]), "%.0f %% des équipes permanentes formées.",
                 json_number_value(x));
        w->weakness = w->buf[0];
        w->axis = "Former le reste des permanents et les chefs de poste (sessions courtes par "
                  "métier).";
    }
}

static int check_company(const json_t *a, char *field, size_t fl, char *err, size_t el)
{
    static const struct {
        const char *k;
        double lo, hi;
    } nums[] = {
        {"headcount", 1, 100000},      {"staff_turnover_pct", 0, 100},
        {"ecoprod_stars", 0, 3},       {"afnor_spec_2308_level", 0, 3},
        {"trained_staff_pct", 0, 100}, {"past_footprints", 0, 10000},
        {"year", 2000, 2100},
    };
    static const char *const enums[][4] = {
        {"standard_methods", "none", "partial", "full"},
        {"eco_referent", "none", "part_time", "dedicated"},
    };
    double v;
    int present;

    if (!json_is_object(a))
        return refuse(field, fl, err, el, "", "the answers must be a JSON object");
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        int rc = number(a, nums[i].k, nums[i].lo, nums[i].hi, &v, &present, field, fl, err, el);
        if (rc != EP_OK)
            return rc;
    }
    for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++) {
        json_t *x = json_object_get(a, enums[i][0]);
        const char *s = json_string_value(x);
        if (x != NULL &&
            (s == NULL || (strcmp(s, enums[i][1]) != 0 && strcmp(s, enums[i][2]) != 0 &&
                           strcmp(s, enums[i][3]) != 0)))
            return refuse(field, fl, err, el, enums[i][0], "'%s' must be \"%s\", \"%s\" or \"%s\"",
                          enums[i][0], enums[i][1], enums[i][2], enums[i][3]);
    }
    {
        static const char *const bools[] = {"csr_charter", "ecoprod_label", "supplier_criteria"};
        for (size_t i = 0; i < 3; i++) {
            json_t *x = json_object_get(a, bools[i]);
            if (x != NULL && !json_is_boolean(x))
                return refuse(field, fl, err, el, bools[i], "'%s' must be true or false", bools[i]);
        }
    }
    {
        static const char *const arrays[] = {"production_types", "partners", "providers"};
        for (size_t i = 0; i < 3; i++) {
            json_t *x = json_object_get(a, arrays[i]);
            if (x != NULL && !json_is_array(x))
                return refuse(field, fl, err, el, arrays[i], "'%s' must be a list", arrays[i]);
        }
    }
    return EP_OK;
}

/* An item's stable id, "<s|w|a>_<marker>": the key of the user's edit of it. */
static const char *item_id(char kind, const char *marker, char *buf)
{
    snprintf(buf, 40, "%c_%s", kind, marker);
    return buf;
}

static const char *priority_of(double gap)
{
    return gap >= 10 ? "haute" : gap >= 5 ? "moyenne" : "basse";
}

int diag_company(const json_t *a, json_t **out, char *field, size_t fl, char *err, size_t el)
{
    json_t *missing = json_array(), *ms = json_array(), *strengths = json_array();
    json_t *weak = json_array(), *axes = json_array();
    char idb[40];
    double score = 0, stars = json_number_value(json_object_get(a, "ecoprod_stars"));
    int level;
    int rc;

    *out = NULL;
    field[0] = '\0';
    rc = check_company(a, field, fl, err, el);
    if (rc != EP_OK)
        goto fail;
    for (size_t i = 0; i < sizeof(required_company) / sizeof(required_company[0]); i++) {
        json_t *x = json_object_get(a, required_company[i]);
        if (x == NULL || json_is_null(x) || (json_is_array(x) && json_array_size(x) == 0))
            json_array_append_new(missing, json_string(required_company[i]));
    }
    for (size_t i = 0; i < NMARKERS; i++) {
        const struct marker *m = &markers[i];
        double pts = marker_points(m, a, stars);
        double ratio = pts / m->max;
        json_t *answer = json_object_get(a, m->key);
        struct marker_words w;
        score += pts;
        json_array_append_new(ms, json_pack("{s:s, s:f, s:f, s:s}", "marker", m->key, "points", pts,
                                            "max", m->max, "why", m->why));
        if (answer == NULL)
            continue; /* unknown: listed as missing, neither strength nor weakness */
        marker_words(m, a, stars, &w);
        /* Each item says which answer it comes from ("answer"). */
        if (ratio >= 0.75)
            json_array_append_new(
                strengths, json_pack("{s:s, s:s, s:s, s:s, s:O}", "id", item_id('s', m->key, idb),
                                     "text", w.strength, "grade", ratio >= 0.99 ? "fort" : "solide",
                                     "marker", m->key, "answer", answer));
        else if (ratio < 0.5) {
            const char *prio = priority_of(m->max - pts);
            json_array_append_new(weak, json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "id",
                                                  item_id('w', m->key, idb), "text", w.weakness,
                                                  "priority", prio, "why", m->why, "marker", m->key,
                                                  "answer", answer));
            json_array_append_new(axes, json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "id",
                                                  item_id('a', m->key, idb), "text", w.axis,
                                                  "priority", prio, "why", m->why, "marker", m->key,
                                                  "answer", answer));
        } else {
            json_array_append_new(axes, json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "id",
                                                  item_id('a', m->key, idb), "text", w.axis,
                                                  "priority", "basse", "why", m->why, "marker",
                                                  m->key, "answer", answer));
        }
    }
    /* Context from the kinds of production the company makes. */
    {
        json_t *types = json_object_get(a, "production_types");
        size_t i;
        json_t *t;
        json_array_foreach(types, i, t)
        {
            const char *s = json_string_value(t);
            if (s != NULL && strcmp(s, "fiction") == 0 &&
                json_number_value(json_object_get(a, "afnor_spec_2308_level")) < 2)
                json_array_append_new(
                    axes,
                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "id", "a_rse_plus", "text",
                              "Viser les 26 actions des niveaux 1 et 2 de l'AFNOR SPEC 2308 : "
                              "la prime RSE+ du CNC (28 000 €) les exige pour la fiction.",
                              "priority", "haute", "why",
                              "La société produit de la fiction en prise de vues réelles.",
                              "marker", "afnor_spec_2308_level", "answer", types));
            if (s != NULL && strcmp(s, "animation") == 0 &&
                json_number_value(json_object_get(a, "past_footprints")) < 1)
                json_array_append_new(
                    axes,
                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "id", "a_animation_footprint",
                              "text",
                              "Préparer le bilan carbone des œuvres d'animation, exigé par le "
                              "CNC depuis le 1er mars 2025.",
                              "priority", "haute", "why",
                              "La société produit de l'animation et n'a pas encore de bilan.",
                              "marker", "past_footprints", "answer", types));
        }
    }
    level = score >= 80 ? 5 : score >= 60 ? 4 : score >= 40 ? 3 : score >= 20 ? 2 : 1;
    *out =
        json_pack("{s:s, s:o, s:f, s:i, s:s, s:o, s:o, s:o, s:o}", "status",
                  json_array_size(missing) > 0 ? "draft" : "complete", "missing", missing, "score",
                  round(score * 10) / 10, "level", level, "level_label", level_labels[level - 1],
                  "markers", ms, "strengths", strengths, "weaknesses", weak, "axes", axes);
    return *out != NULL ? EP_OK : EP_ENOMEM;
fail:
    json_decref(missing);
    json_decref(ms);
    json_decref(strengths);
    json_decref(weak);
    json_decref(axes);
    return rc;
}

/* The item of result whose "id" is id, in any of the three lists, or NULL. */
static json_t *find_item(json_t *result, const char *id)
{
    static const char *const lists[] = {"strengths", "weaknesses", "axes"};
    for (size_t l = 0; l < 3; l++) {
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(result, lists[l]), i, it)
        {
            const char *x = json_string_value(json_object_get(it, "id"));
            if (x != NULL && strcmp(x, id) == 0)
                return it;
        }
    }
    return NULL;
}

static int one_of(const char *s, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, set[i]) == 0)
            return 1;
    return 0;
}

int diag_company_edit(json_t *result, const json_t *edits, char *field, size_t fl, char *err,
                      size_t el)
{
    static const char *const prios[] = {"haute", "moyenne", "basse"};
    static const char *const grades[] = {"fort", "solide"};
    const char *id;
    json_t *e, *stale = json_array();
    json_error_t jerr;

    field[0] = '\0';
    if (edits == NULL || json_is_null(edits)) {
        json_decref(stale);
        return EP_OK;
    }
    if (!json_is_object(edits)) {
        json_decref(stale);
        return refuse(field, fl, err, el, "edits", "'edits' must be an object of item id -> edit");
    }
    /* Check everything first, so a refusal leaves result untouched. */
    json_object_foreach((json_t *)edits, id, e)
    {
        const char *text = NULL, *prio = NULL, *grade = NULL, *by = NULL, *at = NULL;
        if (json_unpack_ex(e, &jerr, JSON_STRICT, "{s?s, s?s, s?s, s:s, s:s}", "text", &text,
                           "priority", &prio, "grade", &grade, "by", &by, "at", &at) != 0) {
            json_decref(stale);
            return refuse(field, fl, err, el, "edits", "edit of '%.40s': %s", id, jerr.text);
        }
        if (text != NULL && (text[0] == '\0' || strlen(text) > 1000)) {
            json_decref(stale);
            snprintf(field, fl, "edits.%.40s.text", id);
            snprintf(err, el, "the text must have 1 to 1000 characters");
            return EP_EINVAL;
        }
        if ((prio != NULL && !one_of(prio, prios, 3)) ||
            (grade != NULL && !one_of(grade, grades, 2))) {
            json_decref(stale);
            snprintf(field, fl, "edits.%.40s.%s", id,
                     prio != NULL && !one_of(prio, prios, 3) ? "priority" : "grade");
            snprintf(err, el, "priority must be haute, moyenne or basse; grade fort or solide");
            return EP_EINVAL;
        }
        if (by[0] == '\0' || at[0] == '\0') {
            json_decref(stale);
            snprintf(field, fl, "edits.%.40s.by", id);
            snprintf(err, el, "an edit says who made it and when");
            return EP_EINVAL;
        }
    }
    json_object_foreach((json_t *)edits, id, e)
    {
        json_t *it = find_item(result, id);
        static const char *const keys[] = {"text", "priority", "grade"};
        if (it == NULL) {
            json_array_append_new(stale, json_string(id));
            continue;
        }
        for (size_t k = 0; k < 3; k++) {
            json_t *v = json_object_get(e, keys[k]);
            char was[32];
            if (v == NULL || json_object_get(it, keys[k]) == NULL)
                continue;
            snprintf(was, sizeof(was), "computed_%s", keys[k]);
            json_object_set(it, was, json_object_get(it, keys[k]));
            json_object_set(it, keys[k], v);
        }
        json_object_set(it, "edited_by", json_object_get(e, "by"));
        json_object_set(it, "edited_at", json_object_get(e, "at"));
    }
    json_object_set_new(result, "stale_edits", stale);
    return EP_OK;
}

int diag_company_compare(const json_t *before, const json_t *after, json_t **out)
{
    json_t *rows = json_array();
    json_t *mb = json_object_get(before, "markers"), *ma = json_object_get(after, "markers");

    for (size_t i = 0; i < json_array_size(ma); i++) {
        json_t *a = json_array_get(ma, i), *b = json_array_get(mb, i);
        json_array_append_new(rows,
                              json_pack("{s:O, s:f, s:f}", "marker", json_object_get(a, "marker"),
                                        "before", json_number_value(json_object_get(b, "points")),
                                        "after", json_number_value(json_object_get(a, "points"))));
    }
    *out = json_pack("{s:f, s:I, s:o}", "score_delta",
                     json_number_value(json_object_get(after, "score")) -
                         json_number_value(json_object_get(before, "score")),
                     "level_delta",
                     json_integer_value(json_object_get(after, "level")) -
                         json_integer_value(json_object_get(before, "level")),
                     "markers", rows);
    return *out != NULL ? EP_OK : EP_ENOMEM;
}

/* ---- C2: project analysis --------------------------------------------------- */

/* The order-of-magnitude assumptions behind the estimates (docs/diagnostic.md). */
#define PEOPLE_PER_VEHICLE 6.0   /* crew and cast per shuttle */
#define GENERATOR_L_PER_DAY 40.0 /* a location day on generator */
#define NIGHT_EXTRA_L 25.0       /* a night shoot burns more */
#define STUDIO_KWH_PER_DAY 400.0 /* a studio stage, lights and HVAC */
#define RESIDUAL_KG_PER_PERSON_DAY 0.3
#define SET_WOOD_KG 600.0         /* waste of one built set */
#define SET_NEW_MATERIAL_KG 800.0 /* new material bought for one set */
#define WORKDAYS_PER_MONTH 20.0
#define STATION_KWH_PER_DAY 4.0 /* an animation workstation and its share of servers */
#define COMMUTE_KM_PER_DAY 20.0
#define TB_PER_DAY_4K 1.5
#define TB_PER_DAY_HD 0.6

/* A standard crew-canteen mix when the diet split is unknown:
 * 15 % vegetarian, 45 % chicken, 10 % fish, 30 % beef. A known vegetarian
 * share (veg_share >= 0) replaces the 15 %, the others keeping their ratios. */
static double meal_factor(struct db *db, double veg_share)
{
    double veg = 0, chicken = 0, fish = 0, beef = 0, rest;
    carbon_factor_value(db, "meal_vegetarian", &veg);
    carbon_factor_value(db, "meal_chicken", &chicken);
    carbon_factor_value(db, "meal_white_fish", &fish);
    carbon_factor_value(db, "meal_beef", &beef);
    if (veg_share < 0)
        veg_share = 0.15;
    rest = (1 - veg_share) / 0.85;
    return veg_share * veg + rest * (0.45 * chicken + 0.10 * fish + 0.30 * beef);
}

static double factor(struct db *db, const char *id)
{
    double v = 0;
    carbon_factor_value(db, id, &v);
    return v;
}

/* One quantity the analysis rests on, in the indicator's unit: the forecast
 * screen offers it as a starting suggestion (docs/carbon.md). */
static void quantity(json_t *list, const char *indicator, double q)
{
    if (q > 0)
        json_array_append_new(list, json_pack("{s:s, s:f}", "indicator", indicator, "quantity",
                                              round(q * 100) / 100));
}

static void impact(json_t *list, const char *element, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void impact(json_t *list, const char *element, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    json_array_append_new(list, json_pack("{s:s, s:s}", "element", element, "impact", text));
}

struct theme {
    const char *key, *label;
    double kg;
    int effort; /* 1 low, 2 medium, 3 high: budget and effort to act */
    char why[256];
    int computed_effort; /* before the office's adjustment */
    const char *impact;  /* the office's "high"/"low", or NULL: from the share */
    json_t *adjusted;    /* the override (borrowed), or NULL */
};

static int by_score(const void *a, const void *b)
{
    const struct theme *x = a, *y = b;
    double sx = x->kg / x->effort, sy = y->kg / y->effort;
    if (sx != sy)
        return sx < sy ? 1 : -1;
    return strcmp(x->key, y->key);
}

static const char *quadrant_of(int high, int effort)
{
    return high ? (effort <= 2 ? "prioritaire" : "a_planifier")
                : (effort == 1 ? "gestes_simples" : "secondaire");
}

static const char *const caterings[] = {"caterer", "restaurant", "canteen", "meal_boxes", "self"};
static const char *const season_names[] = {"spring", "summer", "autumn", "winter"};

static const char *catering_impact(const char *c)
{
    return strcmp(c, "caterer") == 0
               ? "Traiteur sur place : cuisine, vaisselle et chauffe-plats ; demander de la "
                 "vaisselle réutilisable, du local et un branchement plutôt qu'un groupe."
           : strcmp(c, "restaurant") == 0
               ? "Restaurants proches : peu de matériel, mais les trajets et la carte ne se "
                 "choisissent pas ; négocier un menu végétarien."
           : strcmp(c, "canteen") == 0
               ? "Cantine de studio : la plus simple à faire évoluer (menus, gaspillage, tri)."
           : strcmp(c, "meal_boxes") == 0
               ? "Plateaux-repas : emballages jetables à chaque repas ; exiger des contenants "
                 "consignés."
               : "Repas apportés par l'équipe : prévoir eau en carafe et tri des déchets.";
}

static const char *season_impact(const char *s)
{
    return strcmp(s, "winter") == 0
               ? "Hiver : jours courts (plus d'éclairage), chauffage des loges et des décors."
           : strcmp(s, "summer") == 0
               ? "Été : chaleur (climatisation, eau), risque d'incendie et faune sensible en "
                 "milieu naturel."
           : strcmp(s, "spring") == 0
               ? "Printemps : nidification et floraison, à ménager en extérieur."
               : "Automne : pluie et boue (protections, bâches réutilisables), jours qui "
                 "raccourcissent.";
}

/* Refuses a catering or seasons value outside their lists. */
static int check_framing_lists(const json_t *f, const char *catering, const json_t *seasons,
                               char *field, size_t fl, char *err, size_t el)
{
    size_t i;
    json_t *x;

    if (json_object_get(f, "catering") != NULL && !json_is_null(json_object_get(f, "catering")) &&
        (catering == NULL || !one_of(catering, caterings, 5)))
        return refuse(field, fl, err, el, "catering",
                      "'catering' must be caterer, restaurant, canteen, meal_boxes or self");
    if (seasons != NULL && !json_is_null(seasons) && !json_is_array(seasons))
        return refuse(field, fl, err, el, "seasons", "'seasons' must be a list");
    json_array_foreach(seasons, i, x)
    {
        if (!json_is_string(x) || !one_of(json_string_value(x), season_names, 4))
            return refuse(field, fl, err, el, "seasons",
                          "each season is spring, summer, autumn or winter");
    }
    return EP_OK;
}

/* Reads the office's {"<theme>": {"effort", "impact", "by", "at"}} into th. */
static int apply_overrides(const json_t *ov, struct theme *th, size_t n, char *field, size_t fl,
                           char *err, size_t el)
{
    const char *key;
    json_t *o;
    json_error_t jerr;

    if (ov == NULL || json_is_null(ov))
        return EP_OK;
    if (!json_is_object(ov))
        return refuse(field, fl, err, el, "overrides", "'overrides' must be an object");
    json_object_foreach((json_t *)ov, key, o)
    {
        struct theme *t = NULL;
        int effort = 0;
        const char *impact = NULL, *by = NULL, *at = NULL;
        char fname[64];
        for (size_t i = 0; i < n; i++)
            if (strcmp(th[i].key, key) == 0)
                t = &th[i];
        snprintf(fname, sizeof(fname), "overrides.%.40s", key);
        if (t == NULL)
            return refuse(field, fl, err, el, fname, "no theme '%.40s' to adjust", key);
        if (json_unpack_ex(o, &jerr, JSON_STRICT, "{s?i, s?s, s?s, s?s}", "effort", &effort,
                           "impact", &impact, "by", &by, "at", &at) != 0)
            return refuse(field, fl, err, el, fname, "%s", jerr.text);
        if (json_object_get(o, "effort") != NULL && (effort < 1 || effort > 3)) {
            snprintf(fname, sizeof(fname), "overrides.%.40s.effort", key);
            return refuse(field, fl, err, el, fname, "effort must be 1, 2 or 3");
        }
        if (impact != NULL && strcmp(impact, "high") != 0 && strcmp(impact, "low") != 0) {
            snprintf(fname, sizeof(fname), "overrides.%.40s.impact", key);
            return refuse(field, fl, err, el, fname, "impact must be \"high\" or \"low\"");
        }
        if (effort > 0)
            t->effort = effort;
        t->impact = impact;
        t->adjusted = o;
    }
    return EP_OK;
}

int diag_project(struct db *db, const json_t *f, json_t **out, char *field, size_t fl, char *err,
                 size_t el)
{
    static const struct {
        const char *k;
        double hi;
    } nums[] = {
        {"shooting_days", 1000},    {"studio_days", 1000},    {"crew_size", 5000},
        {"cast_size", 5000},        {"night_shoots", 1000},   {"sets_to_build", 500},
        {"train_pkm", 1e8},         {"flight_pkm", 1e8},      {"accommodation_nights", 1e6},
        {"rushes_tb", 1e5},         {"retention_years", 100}, {"budget_eur", 1e10},
        {"production_months", 120}, {"vegetarian_pct", 100},
    };
    double v[sizeof(nums) / sizeof(nums[0])];
    int present[sizeof(nums) / sizeof(nums[0])];
    const char *type = json_string_value(json_object_get(f, "type"));
    const char *format = json_string_value(json_object_get(f, "image_format"));
    json_t *locations = json_object_get(f, "locations");
    json_t *impacts = json_array(), *missing = json_array(), *themes_out = json_array();
    json_t *matrix = NULL, *qty = json_array();
    struct theme th[5] = {
        {"mobility", "Mobilité", 0, 2, "", 0, NULL, NULL},
        {"energy", "Énergie", 0, 2, "", 0, NULL, NULL},
        {"food", "Alimentation", 0, 1, "", 0, NULL, NULL},
        {"waste", "Déchets", 0, 1, "", 0, NULL, NULL},
        {"purchases", "Achats", 0, 1, "", 0, NULL, NULL},
    };
    const char *catering = json_string_value(json_object_get(f, "catering"));
    json_t *seasons = json_object_get(f, "seasons");
    double days, studio, crew, people, loc_days, avg_km = 0, moves_km = 0, total = 0;
    size_t nloc = json_array_size(locations), i;
    int animation, protected_area = 0;
    int rc = EP_OK;

    *out = NULL;
    field[0] = '\0';
    if (!json_is_object(f)) {
        rc = refuse(field, fl, err, el, "", "the framing must be a JSON object");
        goto fail;
    }
    if (type == NULL || (strcmp(type, "fiction") != 0 && strcmp(type, "documentary") != 0 &&
                         strcmp(type, "animation") != 0 && strcmp(type, "advertising") != 0 &&
                         strcmp(type, "series") != 0 && strcmp(type, "flux") != 0)) {
        if (json_object_get(f, "type") == NULL) {
            json_array_append_new(missing, json_string("type"));
            type = "fiction";
        } else {
            rc = refuse(field, fl, err, el, "type",
                        "'type' must be fiction, documentary, animation, advertising, series "
                        "or flux");
            goto fail;
        }
    }
    for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        rc = number(f, nums[i].k, 0, nums[i].hi, &v[i], &present[i], field, fl, err, el);
        if (rc != EP_OK)
            goto fail;
    }
    animation = strcmp(type, "animation") == 0;
    days = v[0];
    studio = v[1];
    crew = v[2];
    people = crew + v[3];
    if (studio > days && !animation) {
        rc = refuse(field, fl, err, el, "studio_days",
                    "'studio_days' (%g) cannot exceed 'shooting_days' (%g)", studio, days);
        goto fail;
    }
    if (locations != NULL && !json_is_array(locations)) {
        rc = refuse(field, fl, err, el, "locations", "'locations' must be a list");
        goto fail;
    }
    json_t *loc;
    json_array_foreach(locations, i, loc)
    {
        json_t *km = json_object_get(loc, "km_from_base");
        if (!json_is_number(km) || json_number_value(km) < 0 || json_number_value(km) > 20000) {
            char fname[48];
            snprintf(fname, sizeof(fname), "locations[%zu].km_from_base", i);
            rc = refuse(field, fl, err, el, fname,
                        "each location needs 'km_from_base', a distance of 0 km or more");
            goto fail;
        }
        avg_km += json_number_value(km) / (double)nloc;
        protected_area |= json_is_true(json_object_get(loc, "protected_area"));
        km = json_object_get(loc, "km_from_previous");
        if (km != NULL && !json_is_null(km) &&
            (!json_is_number(km) || json_number_value(km) < 0 || json_number_value(km) > 20000)) {
            char fname[64];
            snprintf(fname, sizeof(fname), "locations[%zu].km_from_previous", i);
            rc = refuse(field, fl, err, el, fname,
                        "the distance from the previous location must be 0 km or more");
            goto fail;
        }
        moves_km += json_number_value(km);
    }
    rc = check_framing_lists(f, catering, seasons, field, fl, err, el);
    if (rc != EP_OK)
        goto fail;
    {
        static const char *const need_live[] = {"shooting_days", "crew_size", "locations"};
        static const char *const need_anim[] = {"production_months", "crew_size", "rushes_tb"};
        const char *const *need = animation ? need_anim : need_live;
        for (i = 0; i < 3; i++) {
            json_t *x = json_object_get(f, need[i]);
            if (x == NULL || json_is_null(x))
                json_array_append_new(missing, json_string(need[i]));
        }
    }
    loc_days = animation ? 0 : days - studio;

    /* Mobility: shuttles to locations, trains, flights, hotel nights. */
    {
        double vehicles = ceil(people / PEOPLE_PER_VEHICLE);
        /* Each change of location moves the whole unit once (the vehicles). */
        double km = loc_days * avg_km * 2 * vehicles + moves_km * vehicles;
        double commute =
            animation ? crew * v[12] * WORKDAYS_PER_MONTH * COMMUTE_KM_PER_DAY * 0.5 : 0;
        th[0].kg = (km + commute) * factor(db, "van_km") + v[6] * factor(db, "train_tgv_pkm") +
                   v[7] * factor(db, "plane_short_pkm") + v[8] * factor(db, "hotel_night");
        quantity(qty, "van_km", km + commute);
        quantity(qty, "train_tgv_pkm", v[6]);
        quantity(qty, "plane_short_pkm", v[7]);
        quantity(qty, "hotel_nights", v[8]);
        if (km > 0)
            impact(impacts, "Lieux de tournage",
                   "%zu lieu(x) à %.0f km de la base en moyenne : environ %.0f km de navettes "
                   "(%.0f véhicules, %.0f jours en extérieur).",
                   nloc, avg_km, km, vehicles, loc_days);
        if (moves_km > 0)
            impact(impacts, "Déplacements entre lieux",
                   "%.0f km entre les lieux, parcourus par toute l'équipe : regrouper les décors "
                   "proches dans le plan de travail.",
                   moves_km);
        if (v[8] > 0)
            impact(impacts, "Hébergement",
                   "%.0f nuitées d'hôtel : c'est souvent le premier poste de mobilité d'un long "
                   "tournage.",
                   v[8]);
        if (v[7] > 0)
            impact(impacts, "Avion",
                   "%.0f passagers·km en avion : le mode le plus émetteur par "
                   "kilomètre, à remplacer par le train quand c'est possible.",
                   v[7]);
        if (animation)
            impact(impacts, "Trajets domicile-studio",
                   "%.0f personnes pendant %.0f mois : les trajets quotidiens comptent.", crew,
                   v[12]);
        snprintf(th[0].why, sizeof(th[0].why), "%s",
                 avg_km > 50 ? "Lieux éloignés : navettes et hébergement coûtent à réorganiser."
                             : "Covoiturage, navettes et train se mettent en place sans surcoût.");
        th[0].effort = avg_km > 50 ? 3 : 2;
    }
    /* Energy: generators on location, studio grid power, storage, stations. */
    {
        double gen_l = loc_days * GENERATOR_L_PER_DAY + v[4] * NIGHT_EXTRA_L;
        double kwh = studio * STUDIO_KWH_PER_DAY +
                     (animation ? crew * v[12] * WORKDAYS_PER_MONTH * STATION_KWH_PER_DAY : 0);
        double tb = present[9]
                        ? v[9]
                        : days * (format != NULL && strstr(format, "4K") != NULL ? TB_PER_DAY_4K
                                                                                 : TB_PER_DAY_HD);
        double years = present[10] ? v[10] : 3;
        th[1].kg = gen_l * factor(db, "diesel_offroad_l") + kwh * factor(db, "grid_kwh") +
                   tb * years * factor(db, "storage_tb_year");
        quantity(qty, "generator_l", gen_l);
        quantity(qty, "grid_kwh", kwh);
        quantity(qty, "storage_tb_year", tb * years);
        if (gen_l > 0)
            impact(impacts, "Énergie sur les lieux",
                   "Environ %.0f L de gazole en groupes électrogènes : chercher les branchements "
                   "forains ou le HVO.",
                   gen_l);
        if (v[4] > 0)
            impact(impacts, "Tournages de nuit",
                   "%.0f nuits : éclairage et groupes plus longtemps, un repas de plus.", v[4]);
        if (studio > 0)
            impact(impacts, "Studio",
                   "%.0f jours de plateau sur le réseau : l'électricité française est peu "
                   "carbonée, l'enjeu est la sobriété.",
                   studio);
        if (format != NULL && strstr(format, "4K") != NULL)
            impact(impacts, "Format image",
                   "%s : environ %.0f To de rushes conservés %.0f ans ; trier et limiter la "
                   "durée de conservation.",
                   format, tb, years);
        if (animation)
            impact(impacts, "Postes de travail et serveurs",
                   "%.0f postes pendant %.0f mois, plus le stockage : l'énergie est le premier "
                   "poste d'une série d'animation.",
                   crew, v[12]);
        th[1].effort = loc_days > 0 && gen_l > 0 ? (v[4] > 5 ? 3 : 2) : 1;
        snprintf(th[1].why, sizeof(th[1].why), "%s",
                 th[1].effort == 1   ? "Contrat d'électricité et extinctions : peu coûteux."
                 : th[1].effort == 2 ? "Branchements forains à repérer, groupes HVO à louer."
                                     : "Nuits et extérieurs : énergie difficile à réduire.");
    }
    /* Food: a meal a day (two on nights), canteen for animation. */
    {
        double meals =
            animation ? crew * v[12] * WORKDAYS_PER_MONTH * 0.5 : people * days + people * v[4];
        double veg = present[13] ? v[13] / 100.0 : 0.15, rest = (1 - veg) / 0.85;
        th[2].kg = meals * meal_factor(db, present[13] ? v[13] / 100.0 : -1);
        /* The same canteen mix as meal_factor. */
        quantity(qty, "meals_vegetarian", meals * veg);
        quantity(qty, "meals_chicken", meals * rest * 0.45);
        quantity(qty, "meals_fish", meals * rest * 0.10);
        quantity(qty, "meals_beef", meals * rest * 0.30);
        if (meals > 0)
            impact(impacts, "Repas",
                   "Environ %.0f repas : la part de viande rouge fait l'essentiel de leur "
                   "empreinte.",
                   meals);
        if (catering != NULL)
            impact(impacts, "Restauration", "%s", catering_impact(catering));
        if (present[13])
            impact(impacts, "Part végétarienne",
                   "%.0f %% de repas végétariens prévus (15 %% dans une cantine type) : chaque "
                   "repas avec bœuf remplacé économise environ 6 kgCO2e.",
                   v[13]);
        snprintf(th[2].why, sizeof(th[2].why),
                 "Menus végétariens et approvisionnement local se négocient avec le traiteur.");
    }
    /* Waste: residual waste of the crew, built sets. */
    {
        double residual = people * days * RESIDUAL_KG_PER_PERSON_DAY;
        th[3].kg = residual * factor(db, "waste_residual_incineration_kg") +
                   v[5] * SET_WOOD_KG * factor(db, "waste_wood_kg");
        quantity(qty, "waste_residual_kg", residual);
        quantity(qty, "waste_wood_kg", v[5] * SET_WOOD_KG);
        if (protected_area)
            impact(impacts, "Zone protégée",
                   "Tournage en espace protégé : aucun déchet laissé, piétinement et bruit à "
                   "maîtriser, pas de groupe près des habitats.");
        snprintf(th[3].why, sizeof(th[3].why),
                 "Le tri se met en place avec des bacs et une consigne claire.");
    }
    /* Seasons: what the weather adds (no figure: it shifts the other themes). */
    {
        json_t *sx;
        json_array_foreach(seasons, i, sx)
        {
            const char *name = json_string_value(sx);
            impact(impacts, "Saison", "%s", season_impact(name));
        }
    }
    /* Purchases: material of built sets. */
    {
        th[4].kg = v[5] * SET_NEW_MATERIAL_KG * factor(db, "furniture_new_kg");
        quantity(qty, "furniture_new_kg", v[5] * SET_NEW_MATERIAL_KG);
        if (v[5] > 0)
            impact(impacts, "Décors",
                   "%.0f décor(s) à construire : matériaux neufs et déchets de chantier ; "
                   "privilégier le réemploi et la location.",
                   v[5]);
        th[4].effort = v[5] > 0 ? 2 : 1;
        snprintf(th[4].why, sizeof(th[4].why), "%s",
                 v[5] > 0 ? "Réemploi et location de décors demandent de l'anticipation."
                          : "Peu d'achats prévus : des consignes suffisent.");
    }
    if (v[11] > 0 && v[11] < 1e6) {
        /* A small budget makes costly changes harder: effort weighs more. */
        for (i = 0; i < 5; i++)
            if (th[i].effort == 2)
                th[i].effort = 3;
        impact(impacts, "Budget", "Budget serré (%.0f €) : commencer par les actions sans surcoût.",
               v[11]);
    }
    /* The office's adjustments. */
    for (i = 0; i < 5; i++)
        th[i].computed_effort = th[i].effort;
    rc = apply_overrides(json_object_get(f, "overrides"), th, 5, field, fl, err, el);
    if (rc != EP_OK)
        goto fail;
    for (i = 0; i < 5; i++)
        total += th[i].kg;
    qsort(th, 5, sizeof(th[0]), by_score);
    matrix = json_pack("{s:[], s:[], s:[], s:[]}", "prioritaire", "a_planifier", "gestes_simples",
                       "secondaire");
    for (i = 0; i < 5; i++) {
        double share = total > 0 ? th[i].kg / total : 0;
        int high = th[i].impact != NULL ? strcmp(th[i].impact, "high") == 0 : share >= 0.2;
        const char *quadrant = quadrant_of(high, th[i].effort);
        json_t *row;
        json_array_append_new(json_object_get(matrix, quadrant), json_string(th[i].key));
        row = json_pack("{s:s, s:s, s:f, s:f, s:i, s:s, s:i, s:s, s:s}", "theme", th[i].key,
                        "label", th[i].label, "kg", round(th[i].kg), "share", share, "effort",
                        th[i].effort, "quadrant", quadrant, "rank", (int)i + 1, "why", th[i].why,
                        "impact", high ? "high" : "low");
        if (row != NULL && th[i].adjusted != NULL) {
            json_object_set_new(row, "computed_effort", json_integer(th[i].computed_effort));
            json_object_set_new(row, "computed_quadrant",
                                json_string(quadrant_of(share >= 0.2, th[i].computed_effort)));
            json_object_set(row, "adjusted_by", json_object_get(th[i].adjusted, "by"));
            json_object_set(row, "adjusted_at", json_object_get(th[i].adjusted, "at"));
        }
        json_array_append_new(themes_out, row);
    }
    /* Carbon, the sixth theme, frames the others: measure before, during, after. */
    json_array_append_new(
        themes_out,
        json_pack("{s:s, s:s, s:f, s:f, s:i, s:s, s:i, s:s}", "theme", "carbon", "label",
                  "Carbone (mesure et bilans)", "kg", round(total), "share", 1.0, "effort", 1,
                  "quadrant", "transversal", "rank", 0, "why",
                  "Le double bilan carbone conditionne les aides du CNC ; les relevés du tournage "
                  "l'alimentent."));
    *out = json_pack("{s:s, s:o, s:o, s:o, s:f, s:o, s:o}", "status",
                     json_array_size(missing) > 0 ? "draft" : "complete", "missing", missing,
                     "impacts", impacts, "themes", themes_out, "total_kg", round(total), "matrix",
                     matrix, "quantities", qty);
    return *out != NULL ? EP_OK : EP_ENOMEM;
fail:
    json_decref(qty);
    json_decref(impacts);
    json_decref(missing);
    json_decref(themes_out);
    json_decref(matrix);
    return rc;
}
