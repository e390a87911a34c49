/*
 * diag.c - company maturity (C1) and project impact analysis (C2); see
 * diag.h. The weights and heuristics are stated here, next to the code
 * that applies them, and documented in docs/diagnostic.md.
 */
#include "diag.h"

#include "carbon.h"
#include "db.h"
#include "embed.h"
#include "err.h"
#include "fmt.h"
#include "plan.h"
#include "sync.h"
#include "text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Reads a number field: absent -> *present 0; present but not a number or
 * outside [lo, hi] -> refusal naming the field.
 */
static int number(const json_t *o, const char *k, double lo, double hi, double *v, int *present,
                  struct ep_error *err)
{
    json_t *x = json_object_get(o, k);

    *present = x != NULL && !json_is_null(x);
    *v = 0;
    if (!*present)
        return EP_OK;
    if (!json_is_number(x))
        return ep_error_set(err, EP_EINVAL, k, "'%s' must be a number", k);
    *v = json_number_value(x);
    if (*v < lo || *v > hi || !isfinite(*v))
        return ep_error_set(err, EP_EINVAL, k, "'%s' must be between %g and %g, not %g", k, lo, hi,
                            *v);
    return EP_OK;
}

/* ---- C1: company maturity --------------------------------------------------- */

/*
 * The weights, thresholds and their rationale are data
 * (sync/domain/data/c1-model.json, compiled in): this code only applies
 * them. The words of each item stay here, next to the logic that picks
 * them for the answer actually given.
 */

/* The embedded file called name, parsed, or NULL (a build defect). */
static json_t *model_file(const char *name)
{
    for (const struct ep_embedded *e = ep_diag_models; e->name != NULL; e++)
        if (strcmp(e->name, name) == 0)
            return json_loadb(e->data, e->size, 0, NULL);
    return NULL;
}

json_t *diag_company_model(void)
{
    return model_file("c1-model.json");
}

/* A number of the model: model.markers.<marker>.<key> (0 when absent). */
static double mnum(const json_t *model, const char *marker, const char *key)
{
    return json_number_value(
        json_object_get(json_object_get(json_object_get(model, "markers"), marker), key));
}

/* One maturity marker (its weight is data). Its words for each outcome are
 * the texts "diag.m.<key>.strength" (when (nearly) fully met), ".weakness"
 * (when mostly missing), ".why" (why it matters) and ".axis" (the next step
 * to propose), in sync/domain/data/text.<lang>.json. */
struct marker {
    const char *key;
};

static const struct marker markers[] = {
    {"csr_charter"},      {"ecoprod_label"},   {"afnor_spec_2308_level"},
    {"eco_referent"},     {"past_footprints"}, {"trained_staff_pct"},
    {"standard_methods"}, {"crew_continuity"}, {"supplier_criteria"},
};
#define NMARKERS (sizeof(markers) / sizeof(markers[0]))

/* The text "diag.m.<marker>.<what>" in lang. */
static const char *mtext(const char *lang, const struct marker *m, const char *what)
{
    char key[96];
    snprintf(key, sizeof(key), "diag.m.%s.%s", m->key, what);
    return text_get(lang, key);
}

/* "n" through the .one/.other texts of key, and other pairs. */
static char *counted(char *buf, size_t len, const char *lang, const char *key, long n,
                     const char *name, const char *value)
{
    char k[96], num[FMT_MAX];
    fmt_number(num, sizeof(num), (double)n, 0, lang);
    return text_fmtbuf(buf, len, lang, text_count_key(k, sizeof(k), key, n, lang), "n", num, name,
                       value, NULL);
}

static const char *const required_company[] = {
    "production_types", "headcount",         "intermittent_pct", "staff_turnover_pct",
    "standard_methods", "csr_charter",       "ecoprod_label",    "afnor_spec_2308_level",
    "eco_referent",     "trained_staff_pct", "past_footprints",  "partners",
    "providers",        "supplier_criteria",
};

/* The AFNOR SPEC 2308 level of chapter id: afnor_chapters.<id>, else the
 * company-wide afnor_spec_2308_level answer (every chapter at it), else -1. */
static int chapter_level(const json_t *a, const char *id)
{
    json_t *x = json_object_get(json_object_get(a, "afnor_chapters"), id);
    if (json_is_number(x))
        return (int)json_number_value(x);
    x = json_object_get(a, "afnor_spec_2308_level");
    return json_is_number(x) ? (int)json_number_value(x) : -1;
}

/* The company's SPEC 2308 level: the lowest chapter's (a level is held when
 * every chapter holds it), or -1 when unknown. */
static int afnor_level(const json_t *model, const json_t *a)
{
    const json_t *chs = json_object_get(
        json_object_get(json_object_get(model, "markers"), "afnor_spec_2308"), "chapters");
    int low = 3;
    size_t i;
    json_t *c;

    if (json_object_get(a, "afnor_chapters") == NULL)
        return json_is_number(json_object_get(a, "afnor_spec_2308_level"))
                   ? (int)json_number_value(json_object_get(a, "afnor_spec_2308_level"))
                   : -1;
    json_array_foreach(chs, i, c)
    {
        int l = chapter_level(a, json_string_value(json_object_get(c, "id")));
        if (l < 0)
            return -1;
        if (l < low)
            low = l;
    }
    return low;
}

/* Crew continuity's ratio (0-1): permanent share x turnover ratio +
 * intermittent share x (eco-briefing of each new crew). */
static double continuity_ratio(const json_t *model, const json_t *a)
{
    const json_t *steps = json_object_get(
        json_object_get(json_object_get(model, "markers"), "crew_continuity"), "turnover");
    double inter = json_number_value(json_object_get(a, "intermittent_pct")) / 100.0;
    double t = json_number_value(json_object_get(a, "staff_turnover_pct")), tr = 0;
    size_t i;
    json_t *s;

    json_array_foreach(steps, i, s)
    {
        if (t <= json_number_value(json_object_get(s, "up_to_pct"))) {
            tr = json_number_value(json_object_get(s, "ratio"));
            break;
        }
    }
    if (json_object_get(a, "staff_turnover_pct") == NULL)
        tr = 0;
    return (1 - inter) * tr + inter * (json_is_true(json_object_get(a, "crew_briefing")) ? 1 : 0);
}

/* Points earned by one marker, from the answers already validated. */
static double marker_points(const json_t *model, const struct marker *m, const json_t *a,
                            double stars)
{
    json_t *x = json_object_get(a, m->key);
    const json_t *mm = json_object_get(json_object_get(model, "markers"), m->key);
    double max = mnum(model, m->key, "max");

    if (strcmp(m->key, "eco_referent") == 0 || strcmp(m->key, "standard_methods") == 0)
        return json_string_value(x) == NULL
                   ? 0
                   : json_number_value(
                         json_object_get(json_object_get(mm, "points"), json_string_value(x)));
    if (strcmp(m->key, "ecoprod_label") == 0)
        return json_is_true(x)
                   ? mnum(model, m->key, "labelled") + mnum(model, m->key, "per_star") * stars
                   : 0;
    if (strcmp(m->key, "afnor_spec_2308_level") == 0) {
        const json_t *chs = json_object_get(
            json_object_get(json_object_get(model, "markers"), "afnor_spec_2308"), "chapters");
        double per = mnum(model, "afnor_spec_2308", "per_chapter"), pts = 0;
        size_t i;
        json_t *c;
        json_array_foreach(chs, i, c)
        {
            int l = chapter_level(a, json_string_value(json_object_get(c, "id")));
            pts += l > 0 ? per * l / 3.0 : 0;
        }
        return pts;
    }
    if (strcmp(m->key, "past_footprints") == 0)
        return mnum(model, m->key, "per_footprint") *
               fmin(json_number_value(x), mnum(model, m->key, "cap"));
    if (strcmp(m->key, "trained_staff_pct") == 0)
        return max * json_number_value(x) / 100.0;
    if (strcmp(m->key, "crew_continuity") == 0)
        return max * continuity_ratio(model, a);
    return json_is_true(x) ? max : 0; /* csr_charter, supplier_criteria */
}

/* The answer an item comes from: the marker's own, or the answers that
 * make a composite marker (new reference). */
static json_t *marker_answer(const struct marker *m, const json_t *a)
{
    if (strcmp(m->key, "crew_continuity") == 0) {
        static const char *const keys[] = {"staff_turnover_pct", "intermittent_pct",
                                           "crew_briefing"};
        json_t *o = json_object();
        for (size_t i = 0; i < 3; i++)
            if (json_object_get(a, keys[i]) != NULL)
                json_object_set(o, keys[i], json_object_get(a, keys[i]));
        if (json_object_size(o) == 0) {
            json_decref(o);
            return NULL;
        }
        return o;
    }
    if (strcmp(m->key, "afnor_spec_2308_level") == 0 &&
        json_object_get(a, "afnor_chapters") != NULL)
        return json_incref(json_object_get(a, "afnor_chapters"));
    return json_incref(json_object_get(a, m->key));
}

/* The words of one marker's items for the answer actually given. */
struct marker_words {
    const char *strength, *weakness, *axis;
    char buf[3][320]; /* texts that carry the answer's value */
};

/*
 * The marker's default texts describe the answer at either end (nothing
 * done, everything done). For answers in between they contradicted the
 * answer: level 1 of AFNOR SPEC 2308 read "non engagée", a one-star Ecoprod
 * label was told to "candidater", a part-time eco-referent to "nommer un
 * éco-référent". Each graded answer gets its own words here.
 */
static void marker_words(const json_t *model, const struct marker *m, const json_t *a, double stars,
                         const char *lang, struct marker_words *w)
{
    json_t *x = json_object_get(a, m->key);
    const char *s = json_string_value(x);
    char n1[FMT_MAX], n2[FMT_MAX], n3[FMT_MAX];

    w->strength = mtext(lang, m, "strength");
    w->weakness = mtext(lang, m, "weakness");
    w->axis = mtext(lang, m, "axis");
    if (strcmp(m->key, "eco_referent") == 0 && s != NULL && strcmp(s, "part_time") == 0) {
        w->strength = text_get(lang, "diag.referent_part.strength");
        w->weakness = text_get(lang, "diag.referent_part.weakness");
        w->axis = text_get(lang, "diag.referent_part.axis");
    } else if (strcmp(m->key, "ecoprod_label") == 0 && json_is_true(x)) {
        int n = (int)stars;
        char key[32];
        counted(w->buf[0], sizeof(w->buf[0]), lang, "diag.ecoprod.stars", n, NULL, NULL);
        w->strength = w->buf[0];
        w->weakness = w->buf[0];
        snprintf(key, sizeof(key), "diag.ecoprod.next.%d", n < 0 ? 0 : n > 2 ? 2 : n);
        w->axis = text_get(lang, n >= 3 ? "diag.ecoprod.keep" : key);
    } else if (strcmp(m->key, "afnor_spec_2308_level") == 0) {
        int lvl = afnor_level(model, a);
        if (lvl >= 1) {
            fmt_number(n1, sizeof(n1), lvl, 0, lang);
            fmt_number(n2, sizeof(n2), lvl + 1, 0, lang);
            w->strength = text_fmtbuf(w->buf[0], sizeof(w->buf[0]), lang, "diag.afnor.held",
                                      "level", n1, NULL);
            w->weakness = text_fmtbuf(w->buf[1], sizeof(w->buf[1]), lang, "diag.afnor.only",
                                      "level", n1, "next", n2, NULL);
            w->axis = lvl >= 3 ? text_get(lang, "diag.afnor.keep")
                               : text_fmtbuf(w->buf[2], sizeof(w->buf[2]), lang, "diag.afnor.next",
                                             "next", n2, NULL);
        } else if (json_object_get(a, "afnor_chapters") != NULL) {
            w->strength = text_get(lang, "diag.afnor.partial.strength");
            w->weakness = text_get(lang, "diag.afnor.partial.weakness");
            w->axis = text_get(lang, "diag.afnor.partial.axis");
        }
    } else if (strcmp(m->key, "past_footprints") == 0 && json_number_value(x) >= 1) {
        int n = (int)json_number_value(x);
        counted(w->buf[0], sizeof(w->buf[0]), lang, "diag.footprints.done", n, NULL, NULL);
        w->strength = w->buf[0];
        w->weakness = n == 1 ? text_get(lang, "diag.footprints.single") : w->buf[0];
        w->axis = text_get(lang, "diag.footprints.axis");
    } else if (strcmp(m->key, "trained_staff_pct") == 0 && json_number_value(x) > 0) {
        fmt_percent(n1, sizeof(n1), json_number_value(x) / 100.0, 0, 0, lang);
        text_fmtbuf(w->buf[0], sizeof(w->buf[0]), lang, "diag.trained.share", "pct", n1, NULL);
        w->weakness = w->buf[0];
        w->strength = w->buf[0];
        w->axis = text_get(lang, "diag.trained.axis");
    } else if (strcmp(m->key, "standard_methods") == 0 && s != NULL && strcmp(s, "partial") == 0) {
        w->weakness = text_get(lang, "diag.methods.partial.weakness");
        w->axis = text_get(lang, "diag.methods.partial.axis");
    } else if (strcmp(m->key, "crew_continuity") == 0) {
        double inter = json_number_value(json_object_get(a, "intermittent_pct"));
        int brief = json_is_true(json_object_get(a, "crew_briefing"));
        fmt_percent(n1, sizeof(n1), inter / 100.0, 0, 0, lang);
        fmt_percent(n3, sizeof(n3),
                    json_number_value(json_object_get(a, "staff_turnover_pct")) / 100.0, 0, 0,
                    lang);
        text_fmtbuf(w->buf[0], sizeof(w->buf[0]), lang, "diag.crew.text", "pct", n1, "welcome",
                    text_get(lang, brief ? "diag.crew.welcome" : "diag.crew.no_welcome"),
                    "turnover", n3, NULL);
        w->strength = w->buf[0];
        w->weakness = w->buf[0];
        w->axis =
            text_get(lang, !brief && inter > 0 ? "diag.crew.axis_welcome" : "diag.crew.axis_keep");
    }
}

static int check_company(const json_t *model, const json_t *a, struct ep_error *err)
{
    static const struct {
        const char *k;
        double lo, hi;
    } nums[] = {
        {"headcount", 1, 100000},      {"staff_turnover_pct", 0, 100},
        {"ecoprod_stars", 0, 3},       {"afnor_spec_2308_level", 0, 3},
        {"trained_staff_pct", 0, 100}, {"past_footprints", 0, 10000},
        {"year", 2000, 2100},          {"intermittent_pct", 0, 100},
    };
    static const char *const enums[][4] = {
        {"standard_methods", "none", "partial", "full"},
        {"eco_referent", "none", "part_time", "dedicated"},
    };
    double v;
    int present;

    if (!json_is_object(a))
        return ep_error_set(err, EP_EINVAL, NULL, "the answers must be a JSON object");
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        int rc = number(a, nums[i].k, nums[i].lo, nums[i].hi, &v, &present, err);
        if (rc != EP_OK)
            return rc;
    }
    for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++) {
        json_t *x = json_object_get(a, enums[i][0]);
        const char *s = json_string_value(x);
        if (x != NULL &&
            (s == NULL || (strcmp(s, enums[i][1]) != 0 && strcmp(s, enums[i][2]) != 0 &&
                           strcmp(s, enums[i][3]) != 0)))
            return ep_error_set(err, EP_EINVAL, enums[i][0],
                                "'%s' must be \"%s\", \"%s\" or \"%s\"", enums[i][0], enums[i][1],
                                enums[i][2], enums[i][3]);
    }
    {
        static const char *const bools[] = {"csr_charter", "ecoprod_label", "supplier_criteria",
                                            "crew_briefing"};
        for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
            json_t *x = json_object_get(a, bools[i]);
            if (x != NULL && !json_is_boolean(x))
                return ep_error_set(err, EP_EINVAL, bools[i], "'%s' must be true or false",
                                    bools[i]);
        }
    }
    {
        static const char *const arrays[] = {"production_types", "partners", "providers"};
        for (size_t i = 0; i < 3; i++) {
            json_t *x = json_object_get(a, arrays[i]);
            if (x != NULL && !json_is_array(x))
                return ep_error_set(err, EP_EINVAL, arrays[i], "'%s' must be a list", arrays[i]);
        }
    }
    {
        /* afnor_chapters: {"<chapter id>": 0-3} for chapters of the model only. */
        const json_t *chs = json_object_get(
            json_object_get(json_object_get(model, "markers"), "afnor_spec_2308"), "chapters");
        json_t *ac = json_object_get(a, "afnor_chapters"), *x;
        const char *k;
        if (ac != NULL && !json_is_object(ac))
            return ep_error_set(err, EP_EINVAL, "afnor_chapters",
                                "'afnor_chapters' must be an object of chapter -> level 0-3");
        json_object_foreach(ac, k, x)
        {
            size_t i;
            json_t *c;
            int known = 0;
            char fname[64];
            json_array_foreach(chs, i, c)
            {
                known |= strcmp(json_string_value(json_object_get(c, "id")), k) == 0;
            }
            snprintf(fname, sizeof(fname), "afnor_chapters.%.40s", k);
            if (!known)
                return ep_error_set(err, EP_EINVAL, fname, "no AFNOR SPEC 2308 chapter '%.40s'", k);
            if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > 3)
                return ep_error_set(err, EP_EINVAL, fname, "a chapter's level is 0, 1, 2 or 3");
        }
    }
    return EP_OK;
}

/* An item's stable id, "<s|w|a>_<marker>": the key of the user's edit of it. */
static const char *item_id(char kind, const char *marker, char *buf)
{
    snprintf(buf, 48, "%c_%s", kind, marker);
    return buf;
}

static const char *priority_of(const json_t *model, double gap)
{
    const json_t *g = json_object_get(model, "grading");
    return gap >= json_number_value(json_object_get(g, "priority_high_gap"))     ? "haute"
           : gap >= json_number_value(json_object_get(g, "priority_medium_gap")) ? "moyenne"
                                                                                 : "basse";
}

/* One graded item: {"id","text",grade|priority,"why","marker","answer"}. */
static json_t *graded(char kind, const char *marker, const char *text, const char *gkey,
                      const char *grade, const char *why, json_t *answer)
{
    char idb[48];
    json_t *it = json_pack("{s:s, s:s, s:s, s:s, s:O}", "id", item_id(kind, marker, idb), "text",
                           text, gkey, grade, "marker", marker, "answer", answer);
    if (it != NULL && why != NULL)
        json_object_set_new(it, "why", json_string(why));
    return it;
}

/*
 * With chapter answers, each AFNOR SPEC 2308 chapter is graded on its own:
 * level 3 a strength, 2 an axis of low priority, 1 and 0 a weakness (with
 * the model's chapter_priority) and an axis.
 */
static void afnor_chapter_items(const json_t *model, const json_t *a, const char *lang,
                                json_t *chapters, json_t *strengths, json_t *weak, json_t *axes)
{
    const json_t *sp = json_object_get(json_object_get(model, "markers"), "afnor_spec_2308");
    const json_t *prios = json_object_get(sp, "chapter_priority");
    double per = json_number_value(json_object_get(sp, "per_chapter"));
    size_t i;
    json_t *c;

    json_array_foreach(json_object_get(sp, "chapters"), i, c)
    {
        const char *id = json_string_value(json_object_get(c, "id"));
        char key[64], text[320], axis[320], lv[FMT_MAX], next[FMT_MAX];
        const char *label;
        int l = chapter_level(a, id);
        json_t *ans = json_integer(l);
        if (l < 0) {
            json_decref(ans);
            continue;
        }
        snprintf(key, sizeof(key), "diag.chapter.%s", id != NULL ? id : "");
        label = text_get(lang, key);
        json_array_append_new(chapters,
                              json_pack("{s:s, s:s, s:i, s:f, s:f}", "chapter", id, "label", label,
                                        "level", l, "points", per * l / 3.0, "max", per));
        if (json_object_get(a, "afnor_chapters") == NULL) {
            json_decref(ans);
            continue; /* one company-wide answer: graded once, as a marker */
        }
        snprintf(key, sizeof(key), "afnor_%s", id);
        fmt_number(lv, sizeof(lv), l, 0, lang);
        fmt_number(next, sizeof(next), l + 1, 0, lang);
        text_fmtbuf(axis, sizeof(axis), lang, "diag.chapter.axis", "chapter", label, "next", next,
                    NULL);
        if (l == 3) {
            text_fmtbuf(text, sizeof(text), lang, "diag.chapter.held", "chapter", label, NULL);
            json_array_append_new(strengths, graded('s', key, text, "grade", "fort", NULL, ans));
        } else if (l == 2) {
            json_array_append_new(axes, graded('a', key, axis, "priority", "basse",
                                               text_get(lang, "diag.chapter.level3"), ans));
        } else {
            const char *p = json_string_value(json_array_get(prios, (size_t)l));
            text_fmtbuf(text, sizeof(text), lang, "diag.chapter.weak", "chapter", label, "level",
                        lv, NULL);
            json_array_append_new(
                weak,
                graded('w', key, text, "priority", p,
                       text_get(lang, l == 0 ? "diag.chapter.why0" : "diag.chapter.why1"), ans));
            json_array_append_new(axes, graded('a', key, axis, "priority", p,
                                               text_get(lang, "diag.chapter.points"), ans));
        }
        json_decref(ans);
    }
}

/* The analysis of the company's practices and resources in words: its
 * production types, organisation and partners (référentiel C1, "analyse
 * des pratiques et des ressources"). */
static void context_items(const json_t *model, const json_t *a, const char *lang, json_t *ctx)
{
    static const char *const types[] = {"fiction", "animation",   "documentary",
                                        "flux",    "advertising", "series"};
    char text[400], pct[FMT_MAX], key[64];
    size_t i, j;
    json_t *x, *p;
    double head = json_number_value(json_object_get(a, "headcount"));
    double inter = json_number_value(json_object_get(a, "intermittent_pct"));

    json_array_foreach(json_object_get(a, "production_types"), i, x)
    {
        for (j = 0; j < sizeof(types) / sizeof(types[0]); j++) {
            if (json_string_value(x) == NULL || strcmp(json_string_value(x), types[j]) != 0)
                continue;
            snprintf(key, sizeof(key), "diag.type.%s", types[j]);
            json_array_append_new(ctx, json_pack("{s:s, s:s, s:O}", "topic", "production_types",
                                                 "text", text_get(lang, key), "answer", x));
        }
    }
    if (json_object_get(a, "headcount") != NULL) {
        {
            char k[64], num[FMT_MAX];
            fmt_number(num, sizeof(num), head, 0, lang);
            text_fmtbuf(text, sizeof(text), lang,
                        text_count_key(k, sizeof(k), "diag.ctx.headcount", (long)head, lang), "n",
                        num, "unknown",
                        json_object_get(a, "intermittent_pct") != NULL
                            ? ""
                            : text_get(lang, "diag.ctx.unknown_inter"),
                        "what", text_get(lang, head < 10 ? "diag.ctx.small" : "diag.ctx.large"),
                        NULL);
        }
        json_array_append_new(ctx, json_pack("{s:s, s:s, s:o}", "topic", "headcount", "text", text,
                                             "answer", json_integer((json_int_t)head)));
    }
    if (json_object_get(a, "intermittent_pct") != NULL) {
        fmt_percent(pct, sizeof(pct), inter / 100.0, 0, 0, lang);
        text_fmtbuf(text, sizeof(text), lang, "diag.ctx.inter", "pct", pct, "what",
                    text_get(lang, inter >= 50 ? "diag.ctx.inter_high" : "diag.ctx.inter_low"),
                    NULL);
        json_array_append_new(ctx,
                              json_pack("{s:s, s:s, s:O}", "topic", "intermittent_pct", "text",
                                        text, "answer", json_object_get(a, "intermittent_pct")));
    }
    /* Which partners have a note is the model's (c1-model.json, "note"); the
     * note's words are "diag.ctx.partner_note.<note>" in the text files. */
    json_array_foreach(json_object_get(a, "partners"), i, x)
    {
        const char *name = json_string_value(x);
        json_array_foreach(json_object_get(model, "partners"), j, p)
        {
            const char *m = json_string_value(json_object_get(p, "match"));
            const char *note = json_string_value(json_object_get(p, "note"));
            if (name != NULL && m != NULL && note != NULL && strstr(name, m) != NULL) {
                char nk[80];
                snprintf(nk, sizeof(nk), "diag.ctx.partner_note.%s", note);
                text_fmtbuf(text, sizeof(text), lang, "diag.ctx.partner", "name", name, "text",
                            text_get(lang, nk), NULL);
                json_array_append_new(ctx, json_pack("{s:s, s:s, s:O}", "topic", "partners", "text",
                                                     text, "answer", x));
                break;
            }
        }
    }
    if (json_array_size(json_object_get(a, "providers")) > 0) {
        int crit = json_is_true(json_object_get(a, "supplier_criteria"));
        counted(text, sizeof(text), lang, "diag.ctx.providers",
                (long)json_array_size(json_object_get(a, "providers")), "how",
                text_get(lang, crit ? "diag.ctx.criteria" : "diag.ctx.no_criteria"));
        json_array_append_new(ctx, json_pack("{s:s, s:s, s:O}", "topic", "providers", "text", text,
                                             "answer", json_object_get(a, "providers")));
    }
}

static int prio_rank(const char *p)
{
    return p == NULL ? 3 : strcmp(p, "haute") == 0 ? 0 : strcmp(p, "moyenne") == 0 ? 1 : 2;
}

/* Sorts a list of items by priority, haute first, keeping the order of
 * items of equal priority (insertion sort: lists are a few dozen long). */
static void by_priority(json_t *list)
{
    size_t n = json_array_size(list);
    for (size_t i = 1; i < n; i++) {
        json_t *it = json_incref(json_array_get(list, i));
        int r = prio_rank(json_string_value(json_object_get(it, "priority")));
        size_t j = i;
        while (j > 0 && prio_rank(json_string_value(
                            json_object_get(json_array_get(list, j - 1), "priority"))) > r) {
            json_array_set(list, j, json_array_get(list, j - 1));
            j--;
        }
        json_array_set_new(list, j, it);
    }
}

int diag_company(const json_t *a, json_t **out, struct ep_error *err)
{
    return diag_company_lang(a, "fr", out, err);
}

int diag_company_lang(const json_t *a, const char *lang, json_t **out, struct ep_error *err)
{
    json_t *model = diag_company_model();
    json_t *missing = json_array(), *ms = json_array(), *strengths = json_array();
    json_t *weak = json_array(), *axes = json_array(), *chapters = json_array();
    json_t *ctx = json_array();
    const json_t *g = json_object_get(model, "grading");
    double score = 0, stars = json_number_value(json_object_get(a, "ecoprod_stars"));
    const char *level_label = "";
    int level = 1, afnor;
    size_t i;
    json_t *x;
    int rc;

    *out = NULL;
    ep_error_clear(err);
    if (model == NULL) {
        rc = ep_error_set(err, EP_EINVAL, NULL, "the C1 model is missing from the build");
        goto fail;
    }
    rc = check_company(model, a, err);
    if (rc != EP_OK)
        goto fail;
    for (i = 0; i < sizeof(required_company) / sizeof(required_company[0]); i++) {
        x = json_object_get(a, required_company[i]);
        if (strcmp(required_company[i], "afnor_spec_2308_level") == 0 && afnor_level(model, a) >= 0)
            continue; /* answered chapter by chapter */
        if (x == NULL || json_is_null(x) || (json_is_array(x) && json_array_size(x) == 0))
            json_array_append_new(missing, json_string(required_company[i]));
    }
    if (json_number_value(json_object_get(a, "intermittent_pct")) > 0 &&
        json_object_get(a, "crew_briefing") == NULL)
        json_array_append_new(missing, json_string("crew_briefing"));
    afnor = afnor_level(model, a);
    lang = text_lang(lang);
    afnor_chapter_items(model, a, lang, chapters, strengths, weak, axes);
    for (i = 0; i < NMARKERS; i++) {
        const struct marker *m = &markers[i];
        double max =
            mnum(model, strcmp(m->key, "afnor_spec_2308_level") == 0 ? "afnor_spec_2308" : m->key,
                 "max");
        double pts = marker_points(model, m, a, stars);
        double ratio = max > 0 ? pts / max : 0;
        json_t *answer = marker_answer(m, a);
        const char *rat = json_string_value(json_object_get(
            json_object_get(json_object_get(model, "markers"),
                            strcmp(m->key, "afnor_spec_2308_level") == 0 ? "afnor_spec_2308"
                                                                         : m->key),
            "rationale"));
        struct marker_words w;
        score += pts;
        json_array_append_new(ms, json_pack("{s:s, s:f, s:f, s:s, s:s}", "marker", m->key, "points",
                                            round(pts * 10) / 10, "max", max, "why",
                                            mtext(lang, m, "why"), "rationale",
                                            rat != NULL ? rat : ""));
        if (answer == NULL)
            continue; /* unknown: listed as missing, neither strength nor weakness */
        if (strcmp(m->key, "afnor_spec_2308_level") == 0 &&
            json_object_get(a, "afnor_chapters") != NULL) {
            json_decref(answer);
            continue; /* graded chapter by chapter above */
        }
        marker_words(model, m, a, stars, lang, &w);
        /* Each item says which answer it comes from ("answer"). */
        if (ratio >= json_number_value(json_object_get(g, "strength_ratio")))
            json_array_append_new(
                strengths,
                graded('s', m->key, w.strength, "grade",
                       ratio >= json_number_value(json_object_get(g, "full_ratio")) ? "fort"
                                                                                    : "solide",
                       NULL, answer));
        else if (ratio < json_number_value(json_object_get(g, "weakness_ratio"))) {
            const char *prio = priority_of(model, max - pts);
            json_array_append_new(weak, graded('w', m->key, w.weakness, "priority", prio,
                                               mtext(lang, m, "why"), answer));
            json_array_append_new(
                axes, graded('a', m->key, w.axis, "priority", prio, mtext(lang, m, "why"), answer));
        } else {
            json_array_append_new(axes, graded('a', m->key, w.axis, "priority", "basse",
                                               mtext(lang, m, "why"), answer));
        }
        json_decref(answer);
    }
    /* Context from the kinds of production the company makes. */
    json_array_foreach(json_object_get(a, "production_types"), i, x)
    {
        const char *s = json_string_value(x);
        json_t *types = json_object_get(a, "production_types");
        if (s != NULL && strcmp(s, "fiction") == 0 && afnor < 2)
            json_array_append_new(
                axes, json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "id", "a_rse_plus", "text",
                                text_get(lang, "diag.rse_plus.text"), "priority", "haute", "why",
                                text_get(lang, "diag.rse_plus.why"), "marker",
                                "afnor_spec_2308_level", "answer", types));
        if (s != NULL && strcmp(s, "animation") == 0 &&
            json_number_value(json_object_get(a, "past_footprints")) < 1)
            json_array_append_new(
                axes, json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "id", "a_animation_footprint",
                                "text", text_get(lang, "diag.animation.text"), "priority", "haute",
                                "why", text_get(lang, "diag.animation.why"), "marker",
                                "past_footprints", "answer", types));
    }
    context_items(model, a, lang, ctx);
    /* Graded: the most pressing first (stable within a priority). */
    by_priority(weak);
    by_priority(axes);
    score = round(score * 10) / 10;
    json_array_foreach(json_object_get(model, "levels"), i, x)
    {
        if (score >= json_number_value(json_object_get(x, "min"))) {
            char key[32];
            level = (int)json_integer_value(json_object_get(x, "level"));
            snprintf(key, sizeof(key), "diag.level.%d", level);
            level_label = text_get(lang, key);
        }
    }
    *out = json_pack("{s:s, s:o, s:f, s:i, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:i}", "status",
                     json_array_size(missing) > 0 ? "draft" : "complete", "missing", missing,
                     "score", score, "level", level, "level_label", level_label, "markers", ms,
                     "strengths", strengths, "weaknesses", weak, "axes", axes, "afnor_chapters",
                     chapters, "context", ctx, "afnor_level", afnor, "model_version",
                     (int)json_integer_value(json_object_get(model, "version")));
    json_decref(model);
    return *out != NULL ? EP_OK : EP_ENOMEM;
fail:
    json_decref(model);
    json_decref(missing);
    json_decref(ms);
    json_decref(strengths);
    json_decref(weak);
    json_decref(axes);
    json_decref(chapters);
    json_decref(ctx);
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

int diag_company_edit(json_t *result, const json_t *edits, struct ep_error *err)
{
    static const char *const prios[] = {"haute", "moyenne", "basse"};
    static const char *const grades[] = {"fort", "solide"};
    char fname[EP_ERROR_FIELD_MAX];
    const char *id;
    json_t *e, *stale = json_array();
    json_error_t jerr;

    ep_error_clear(err);
    if (edits == NULL || json_is_null(edits)) {
        json_decref(stale);
        return EP_OK;
    }
    if (!json_is_object(edits)) {
        json_decref(stale);
        return ep_error_set(err, EP_EINVAL, "edits",
                            "'edits' must be an object of item id -> edit");
    }
    /* Check everything first, so a refusal leaves result untouched. */
    json_object_foreach((json_t *)edits, id, e)
    {
        const char *text = NULL, *prio = NULL, *grade = NULL, *by = NULL, *at = NULL;
        if (json_unpack_ex(e, &jerr, JSON_STRICT, "{s?s, s?s, s?s, s:s, s:s}", "text", &text,
                           "priority", &prio, "grade", &grade, "by", &by, "at", &at) != 0) {
            json_decref(stale);
            return ep_error_set(err, EP_EINVAL, "edits", "edit of '%.40s': %s", id, jerr.text);
        }
        if (text != NULL && (text[0] == '\0' || strlen(text) > 1000)) {
            json_decref(stale);
            snprintf(fname, sizeof(fname), "edits.%.40s.text", id);
            return ep_error_set(err, EP_EINVAL, fname, "the text must have 1 to 1000 characters");
        }
        if ((prio != NULL && !one_of(prio, prios, 3)) ||
            (grade != NULL && !one_of(grade, grades, 2))) {
            json_decref(stale);
            snprintf(fname, sizeof(fname), "edits.%.40s.%s", id,
                     prio != NULL && !one_of(prio, prios, 3) ? "priority" : "grade");
            return ep_error_set(err, EP_EINVAL, fname,
                                "priority must be haute, moyenne or basse; grade fort or solide");
        }
        if (by[0] == '\0' || at[0] == '\0') {
            json_decref(stale);
            snprintf(fname, sizeof(fname), "edits.%.40s.by", id);
            return ep_error_set(err, EP_EINVAL, fname, "an edit says who made it and when");
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

/* n with no decimals in lang's digits, into buf (FMT_MAX bytes). */
static char *num0(char *buf, double n, const char *lang)
{
    return fmt_number(buf, FMT_MAX, n, 0, lang);
}

/*
 * Appends {"topic","element","impact"} to list: topic is the element's id
 * (API JSON), element its name "diag.project.element.<topic>" in lang, text
 * the impact already written in lang.
 */
static void impact(json_t *list, const char *lang, const char *topic, const char *text)
{
    char key[80];
    snprintf(key, sizeof(key), "diag.project.element.%s", topic);
    json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "topic", topic, "element",
                                          text_get(lang, key), "impact", text));
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

/* Refuses a catering or seasons value outside their lists. */
static int check_framing_lists(const json_t *f, const char *catering, const json_t *seasons,
                               struct ep_error *err)
{
    size_t i;
    json_t *x;

    if (json_object_get(f, "catering") != NULL && !json_is_null(json_object_get(f, "catering")) &&
        (catering == NULL || !one_of(catering, caterings, 5)))
        return ep_error_set(err, EP_EINVAL, "catering",
                            "'catering' must be caterer, restaurant, canteen, meal_boxes or self");
    x = json_object_get(f, "animals");
    if (x != NULL && !json_is_null(x) && !json_is_boolean(x))
        return ep_error_set(err, EP_EINVAL, "animals", "'animals' must be true or false");
    if (seasons != NULL && !json_is_null(seasons) && !json_is_array(seasons))
        return ep_error_set(err, EP_EINVAL, "seasons", "'seasons' must be a list");
    json_array_foreach(seasons, i, x)
    {
        if (!json_is_string(x) || !one_of(json_string_value(x), season_names, 4))
            return ep_error_set(err, EP_EINVAL, "seasons",
                                "each season is spring, summer, autumn or winter");
    }
    return EP_OK;
}

/* Reads the office's {"<theme>": {"effort", "impact", "by", "at"}} into th. */
static int apply_overrides(const json_t *ov, struct theme *th, size_t n, struct ep_error *err)
{
    const char *key;
    json_t *o;
    json_error_t jerr;

    if (ov == NULL || json_is_null(ov))
        return EP_OK;
    if (!json_is_object(ov))
        return ep_error_set(err, EP_EINVAL, "overrides", "'overrides' must be an object");
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
            return ep_error_set(err, EP_EINVAL, fname, "no theme '%.40s' to adjust", key);
        if (json_unpack_ex(o, &jerr, JSON_STRICT, "{s?i, s?s, s?s, s?s}", "effort", &effort,
                           "impact", &impact, "by", &by, "at", &at) != 0)
            return ep_error_set(err, EP_EINVAL, fname, "%s", jerr.text);
        if (json_object_get(o, "effort") != NULL && (effort < 1 || effort > 3)) {
            snprintf(fname, sizeof(fname), "overrides.%.40s.effort", key);
            return ep_error_set(err, EP_EINVAL, fname, "effort must be 1, 2 or 3");
        }
        if (impact != NULL && strcmp(impact, "high") != 0 && strcmp(impact, "low") != 0) {
            snprintf(fname, sizeof(fname), "overrides.%.40s.impact", key);
            return ep_error_set(err, EP_EINVAL, fname, "impact must be \"high\" or \"low\"");
        }
        if (effort > 0)
            t->effort = effort;
        t->impact = impact;
        t->adjusted = o;
    }
    return EP_OK;
}

/* The catalogue's unit, category (named in lang) and factor of indicator
 * id (latest set). */
static int estimate_line(struct db *db, const char *id, double quantity, const char *theme,
                         const char *lang, json_t **out)
{
    static const char sql[] = "SELECT unit, category, coalesce(factor_id, '') FROM indicator "
                              "WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    double f = 0;
    int step;

    *out = NULL;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        carbon_factor_value(db, (const char *)sqlite3_column_text(st, 2), &f);
        /* Rounded as shown: a person re-typing the quantity gets the same kg. */
        quantity = round(quantity * 10) / 10;
        *out = json_pack(
            "{s:s, s:f, s:s, s:s, s:s, s:s, s:f, s:f}", "indicator", id, "value", quantity, "unit",
            (const char *)sqlite3_column_text(st, 0), "category",
            (const char *)sqlite3_column_text(st, 1), "category_label",
            carbon_label(CARBON_LABEL_CATEGORY, (const char *)sqlite3_column_text(st, 1), lang),
            "theme", theme, "factor", f, "kg", round(quantity * f * 10) / 10);
    }
    db_done(st);
    if (step != SQLITE_ROW)
        return step == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(step);
    return *out != NULL ? EP_OK : EP_ENOMEM;
}

/* The line of indicator id in lines, or NULL. */
static const json_t *line_of(const json_t *lines, const char *id)
{
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l)
    {
        if (strcmp(json_string_value(json_object_get(l, "indicator")), id) == 0)
            return l;
    }
    return NULL;
}

/* Biggest kgCO2e per euro first; actions at no cost first of all, by kg. */
static int by_efficiency(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    double cx = json_number_value(json_object_get(x, "cost_mid_eur"));
    double cy = json_number_value(json_object_get(y, "cost_mid_eur"));
    double kx = json_number_value(json_object_get(x, "avoided_kg"));
    double ky = json_number_value(json_object_get(y, "avoided_kg"));
    double ex = cx > 0 ? kx / cx : INFINITY, ey = cy > 0 ? ky / cy : INFINITY;
    if (ex != ey)
        return ex < ey ? 1 : -1;
    if (kx != ky)
        return kx < ky ? 1 : -1;
    return strcmp(json_string_value(json_object_get(x, "library")),
                  json_string_value(json_object_get(y, "library")));
}

/*
 * The candidate actions (sync/domain/data/c2-actions.json) costed for this
 * project and the kgCO2e each avoids on its lines, ranked by kgCO2e avoided
 * per euro (middle of the cost range). units: multipliers of the cost
 * units (project, shooting_day, location_day, set). With an envelope
 * (>= 0), actions are kept in rank order while the sum of their high costs
 * fits: the prudent bound, so the plan never overruns. Titles and
 * rationales in lang ("diag.project.action.<library>" in the text files).
 */
static int rank_actions(struct db *db, const json_t *lines, const double units[4], double envelope,
                        const char *lang, json_t **out)
{
    static const char *const unit_names[] = {"project", "shooting_day", "location_day", "set"};
    json_t *data = model_file("c2-actions.json"), *list = json_array(), *lib = NULL;
    json_t **sorted = NULL;
    double spent = 0;
    size_t i, j, n;
    json_t *a, *r;
    int rc = EP_OK;

    *out = NULL;
    if (data == NULL || list == NULL) {
        rc = data == NULL ? EP_EINVAL : EP_ENOMEM;
        goto out;
    }
    rc = plan_library(db, NULL, &lib);
    if (rc != EP_OK)
        goto out;
    json_array_foreach(json_object_get(data, "actions"), i, a)
    {
        const char *id = json_string_value(json_object_get(a, "library"));
        const json_t *cost = json_object_get(a, "cost"), *entry = NULL;
        const char *per = json_string_value(json_object_get(cost, "per"));
        const char *title;
        char key[96];
        double mult = 0, avoided = 0, lo, hi;
        json_t *e;
        size_t k;
        json_array_foreach(lib, k, e)
        {
            if (strcmp(json_string_value(json_object_get(e, "id")), id) == 0)
                entry = e;
        }
        for (k = 0; k < 4; k++)
            if (per != NULL && strcmp(per, unit_names[k]) == 0)
                mult = units[k];
        json_array_foreach(json_object_get(a, "reduces"), j, r)
        {
            const json_t *l = line_of(lines, json_string_value(json_object_get(r, "indicator")));
            const char *sub = json_string_value(json_object_get(r, "substitute"));
            double qty = json_number_value(json_object_get(l, "value")) *
                         json_number_value(json_object_get(r, "share"));
            double per_kg = json_number_value(json_object_get(l, "factor"));
            if (l == NULL)
                continue;
            if (sub != NULL) {
                double sf = 0;
                json_t *sl = NULL;
                if (estimate_line(db, sub, 1, "", lang, &sl) == EP_OK)
                    sf = json_number_value(json_object_get(sl, "factor"));
                json_decref(sl);
                per_kg -= sf * json_number_value(json_object_get(r, "per_unit"));
            }
            avoided += qty * per_kg;
        }
        if (avoided <= 0)
            continue; /* nothing of this project for it to act on */
        title = json_string_value(
            json_object_get(entry, strcmp(lang, "en") == 0 ? "title_en" : "title_fr"));
        if (title == NULL || title[0] == '\0')
            title = json_string_value(json_object_get(entry, "title_fr"));
        snprintf(key, sizeof(key), "diag.project.action.%s", id);
        lo = json_number_value(json_array_get(json_object_get(cost, "range"), 0)) * mult;
        hi = json_number_value(json_array_get(json_object_get(cost, "range"), 1)) * mult;
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:s, s:s}", "library", id, "title",
                            title != NULL ? title : id, "theme",
                            json_string_value(json_object_get(a, "theme")), "avoided_kg",
                            round(avoided), "cost_min_eur", round(lo), "cost_max_eur", round(hi),
                            "cost_mid_eur", round((lo + hi) / 2), "cost_per",
                            per != NULL ? per : "project", "rationale", text_get(lang, key)));
    }
    n = json_array_size(list);
    sorted = calloc(n + 1, sizeof(json_t *));
    if (sorted == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    for (i = 0; i < n; i++)
        sorted[i] = json_array_get(list, i);
    qsort(sorted, n, sizeof(json_t *), by_efficiency);
    *out = json_array();
    for (i = 0; i < n; i++) {
        double mid = json_number_value(json_object_get(sorted[i], "cost_mid_eur"));
        double hi = json_number_value(json_object_get(sorted[i], "cost_max_eur"));
        json_t *row = json_copy(sorted[i]);
        json_object_set_new(row, "rank", json_integer((json_int_t)i + 1));
        json_object_set_new(
            row, "kg_per_eur",
            mid > 0 ? json_real(round(json_number_value(json_object_get(row, "avoided_kg")) / mid *
                                      1000) /
                                1000)
                    : json_null());
        if (envelope >= 0) {
            int fits = spent + hi <= envelope;
            if (fits)
                spent += hi;
            json_object_set_new(row, "within_envelope", json_boolean(fits));
        }
        json_array_append_new(*out, row);
    }
out:
    free(sorted);
    json_decref(data);
    json_decref(list);
    json_decref(lib);
    return rc;
}

/* The budget side of a theme row: what its candidate actions avoid, their
 * cost range and kgCO2e avoided per euro (middle of the range). */
static void theme_budget(json_t *row, const json_t *actions)
{
    const char *key = json_string_value(json_object_get(row, "theme"));
    double kg = 0, lo = 0, hi = 0;
    size_t i;
    json_t *a;

    if (row == NULL)
        return;
    json_array_foreach(actions, i, a)
    {
        if (strcmp(json_string_value(json_object_get(a, "theme")), key) != 0)
            continue;
        kg += json_number_value(json_object_get(a, "avoided_kg"));
        lo += json_number_value(json_object_get(a, "cost_min_eur"));
        hi += json_number_value(json_object_get(a, "cost_max_eur"));
    }
    json_object_set_new(row, "avoidable_kg", json_real(kg));
    json_object_set_new(row, "cost_min_eur", json_real(lo));
    json_object_set_new(row, "cost_max_eur", json_real(hi));
    json_object_set_new(row, "kg_per_eur",
                        lo + hi > 0 ? json_real(round(kg / ((lo + hi) / 2) * 1000) / 1000)
                                    : json_null());
}

/* {"<category>": {"label","kg"}} summed from the estimate lines. */
static json_t *by_category(const json_t *lines)
{
    json_t *o = json_object();
    size_t i;
    json_t *l;

    json_array_foreach(lines, i, l)
    {
        const char *c = json_string_value(json_object_get(l, "category"));
        json_t *cur = json_object_get(o, c);
        if (cur == NULL) {
            cur = json_pack("{s:O, s:f}", "label", json_object_get(l, "category_label"), "kg", 0.0);
            json_object_set_new(o, c, cur);
        }
        json_object_set_new(cur, "kg",
                            json_real(round((json_number_value(json_object_get(cur, "kg")) +
                                             json_number_value(json_object_get(l, "kg"))) *
                                            10) /
                                      10));
    }
    return o;
}

/* {"eur":n|null,"kept":n,"cost_max_eur","avoided_kg"} of the actions kept
 * within the envelope; "eur" null when the office has not set one. */
static json_t *envelope_summary(const json_t *actions, double envelope)
{
    double cost = 0, kg = 0;
    int kept = 0;
    size_t i;
    json_t *a;

    json_array_foreach(actions, i, a)
    {
        if (!json_is_true(json_object_get(a, "within_envelope")))
            continue;
        kept++;
        cost += json_number_value(json_object_get(a, "cost_max_eur"));
        kg += json_number_value(json_object_get(a, "avoided_kg"));
    }
    return json_pack("{s:o, s:i, s:f, s:f}", "eur",
                     envelope >= 0 ? json_real(envelope) : json_null(), "kept", kept,
                     "cost_max_eur", cost, "avoided_kg", kg);
}

int diag_project(struct db *db, const json_t *f, json_t **out, struct ep_error *err)
{
    return diag_project_lang(db, f, "fr", out, err);
}

int diag_project_lang(struct db *db, const json_t *f, const char *lang, json_t **out,
                      struct ep_error *err)
{
    static const struct {
        const char *k;
        double hi;
    } nums[] = {
        {"shooting_days", 1000},    {"studio_days", 1000},    {"crew_size", 5000},
        {"cast_size", 5000},        {"night_shoots", 1000},   {"sets_to_build", 500},
        {"train_pkm", 1e8},         {"flight_pkm", 1e8},      {"accommodation_nights", 1e6},
        {"rushes_tb", 1e5},         {"retention_years", 100}, {"budget_eur", 1e10},
        {"production_months", 120}, {"vegetarian_pct", 100},  {"eco_budget_eur", 1e9},
        {"extras_days", 1e6},       {"vfx_shots", 1e5},
    };
    double v[sizeof(nums) / sizeof(nums[0])];
    int present[sizeof(nums) / sizeof(nums[0])];
    const char *type = json_string_value(json_object_get(f, "type"));
    const char *format = json_string_value(json_object_get(f, "image_format"));
    json_t *locations = json_object_get(f, "locations");
    json_t *impacts = json_array(), *missing = json_array(), *themes_out = json_array();
    json_t *matrix = NULL;
    struct theme th[5] = {
        {"mobility", NULL, 0, 2, "", 0, NULL, NULL},  {"energy", NULL, 0, 2, "", 0, NULL, NULL},
        {"food", NULL, 0, 1, "", 0, NULL, NULL},      {"waste", NULL, 0, 1, "", 0, NULL, NULL},
        {"purchases", NULL, 0, 1, "", 0, NULL, NULL},
    };
    char text[512], key[80], n[5][FMT_MAX]; /* one impact's text, a key, its numbers */
    const char *catering = json_string_value(json_object_get(f, "catering"));
    json_t *seasons = json_object_get(f, "seasons");
    double days, studio, crew, people, loc_days, avg_km = 0, moves_km = 0, total = 0;
    double km, commute, gen_l, kwh, tb, years, meals, residual, veg;
    json_t *lines = json_array(), *actions = NULL;
    size_t nloc = json_array_size(locations), i;
    int animation, protected_area = 0;
    int rc = EP_OK;

    *out = NULL;
    ep_error_clear(err);
    if (!json_is_object(f)) {
        rc = ep_error_set(err, EP_EINVAL, NULL, "the framing must be a JSON object");
        goto fail;
    }
    if (type == NULL || (strcmp(type, "fiction") != 0 && strcmp(type, "documentary") != 0 &&
                         strcmp(type, "animation") != 0 && strcmp(type, "advertising") != 0 &&
                         strcmp(type, "series") != 0 && strcmp(type, "flux") != 0)) {
        if (json_object_get(f, "type") == NULL) {
            json_array_append_new(missing, json_string("type"));
            type = "fiction";
        } else {
            rc = ep_error_set(err, EP_EINVAL, "type",
                              "'type' must be fiction, documentary, animation, advertising, series "
                              "or flux");
            goto fail;
        }
    }
    for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        rc = number(f, nums[i].k, 0, nums[i].hi, &v[i], &present[i], err);
        if (rc != EP_OK)
            goto fail;
    }
    animation = strcmp(type, "animation") == 0;
    days = v[0];
    studio = v[1];
    crew = v[2];
    people = crew + v[3];
    if (studio > days && !animation) {
        rc = ep_error_set(err, EP_EINVAL, "studio_days",
                          "'studio_days' (%g) cannot exceed 'shooting_days' (%g)", studio, days);
        goto fail;
    }
    if (locations != NULL && !json_is_array(locations)) {
        rc = ep_error_set(err, EP_EINVAL, "locations", "'locations' must be a list");
        goto fail;
    }
    json_t *loc;
    json_array_foreach(locations, i, loc)
    {
        json_t *dist = json_object_get(loc, "km_from_base");
        if (!json_is_number(dist) || json_number_value(dist) < 0 ||
            json_number_value(dist) > 20000) {
            char fname[48];
            snprintf(fname, sizeof(fname), "locations[%zu].km_from_base", i);
            rc = ep_error_set(err, EP_EINVAL, fname,
                              "each location needs 'km_from_base', a distance of 0 km or more");
            goto fail;
        }
        avg_km += json_number_value(dist) / (double)nloc;
        protected_area |= json_is_true(json_object_get(loc, "protected_area"));
        dist = json_object_get(loc, "km_from_previous");
        if (dist != NULL && !json_is_null(dist) &&
            (!json_is_number(dist) || json_number_value(dist) < 0 ||
             json_number_value(dist) > 20000)) {
            char fname[64];
            snprintf(fname, sizeof(fname), "locations[%zu].km_from_previous", i);
            rc = ep_error_set(err, EP_EINVAL, fname,
                              "the distance from the previous location must be 0 km or more");
            goto fail;
        }
        moves_km += json_number_value(dist);
    }
    rc = check_framing_lists(f, catering, seasons, err);
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
    lang = text_lang(lang);
    for (i = 0; i < 5; i++) {
        snprintf(key, sizeof(key), "diag.project.theme.%s", th[i].key);
        th[i].label = text_get(lang, key);
    }

    /* Mobility: shuttles to locations, trains, flights, hotel nights. */
    {
        double vehicles = ceil(people / PEOPLE_PER_VEHICLE);
        /* Each change of location moves the whole unit once (the vehicles). */
        km = loc_days * avg_km * 2 * vehicles + moves_km * vehicles;
        commute = animation ? crew * v[12] * WORKDAYS_PER_MONTH * COMMUTE_KM_PER_DAY * 0.5 : 0;
        th[0].kg = (km + commute) * factor(db, "van_km") + v[6] * factor(db, "train_tgv_pkm") +
                   v[7] * factor(db, "plane_short_pkm") + v[8] * factor(db, "hotel_night");
        if (km > 0) {
            text_fmtbuf(
                text, sizeof(text), lang,
                text_count_key(key, sizeof(key), "diag.project.impact.locations", (long)nloc, lang),
                "n", num0(n[0], (double)nloc, lang), "km", num0(n[1], avg_km, lang), "total",
                num0(n[2], km, lang), "vehicles", num0(n[3], vehicles, lang), "days",
                num0(n[4], loc_days, lang), NULL);
            impact(impacts, lang, "locations", text);
        }
        if (moves_km > 0) {
            text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.moves", "km",
                        num0(n[0], moves_km, lang), NULL);
            impact(impacts, lang, "moves", text);
        }
        if (v[8] > 0) {
            text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.accommodation", "n",
                        num0(n[0], v[8], lang), NULL);
            impact(impacts, lang, "accommodation", text);
        }
        if (v[7] > 0) {
            text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.plane", "pkm",
                        num0(n[0], v[7], lang), NULL);
            impact(impacts, lang, "plane", text);
        }
        if (animation) {
            text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.commute", "people",
                        num0(n[0], crew, lang), "months", num0(n[1], v[12], lang), NULL);
            impact(impacts, lang, "commute", text);
        }
        snprintf(th[0].why, sizeof(th[0].why), "%s",
                 text_get(lang, avg_km > 50 ? "diag.project.why.mobility_far"
                                            : "diag.project.why.mobility_near"));
        th[0].effort = avg_km > 50 ? 3 : 2;
    }
    /* Energy: generators on location, studio grid power, storage, stations. */
    {
        gen_l = loc_days * GENERATOR_L_PER_DAY + v[4] * NIGHT_EXTRA_L;
        kwh = studio * STUDIO_KWH_PER_DAY +
              (animation ? crew * v[12] * WORKDAYS_PER_MONTH * STATION_KWH_PER_DAY : 0);
        tb = present[9] ? v[9]
                        : days * (format != NULL && strstr(format, "4K") != NULL ? TB_PER_DAY_4K
                                                                                 : TB_PER_DAY_HD);
        years = present[10] ? v[10] : 3;
        th[1].kg = gen_l * factor(db, "diesel_offroad_l") + kwh * factor(db, "grid_kwh") +
                   tb * years * factor(db, "storage_tb_year");
        if (gen_l > 0) {
            text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.site_energy", "litres",
                        num0(n[0], gen_l, lang), NULL);
            impact(impacts, lang, "site_energy", text);
        }
        if (v[4] > 0) {
            text_fmtbuf(
                text, sizeof(text), lang,
                text_count_key(key, sizeof(key), "diag.project.impact.nights", (long)v[4], lang),
                "n", num0(n[0], v[4], lang), NULL);
            impact(impacts, lang, "nights", text);
        }
        if (studio > 0) {
            text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.studio", "days",
                        num0(n[0], studio, lang), NULL);
            impact(impacts, lang, "studio", text);
        }
        if (format != NULL && strstr(format, "4K") != NULL) {
            text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.image_format", "format",
                        format, "tb", num0(n[0], tb, lang), "years", num0(n[1], years, lang), NULL);
            impact(impacts, lang, "image_format", text);
        }
        if (animation) {
            text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.workstations", "n",
                        num0(n[0], crew, lang), "months", num0(n[1], v[12], lang), NULL);
            impact(impacts, lang, "workstations", text);
        }
        th[1].effort = loc_days > 0 && gen_l > 0 ? (v[4] > 5 ? 3 : 2) : 1;
        snprintf(th[1].why, sizeof(th[1].why), "%s",
                 text_get(lang, th[1].effort == 1   ? "diag.project.why.energy_low"
                                : th[1].effort == 2 ? "diag.project.why.energy_medium"
                                                    : "diag.project.why.energy_high"));
    }
    /* Food: a meal a day (two on nights), canteen for animation. */
    {
        /* Extras eat on their days. */
        meals = animation ? crew * v[12] * WORKDAYS_PER_MONTH * 0.5
                          : people * days + people * v[4] + v[15];
        th[2].kg = meals * meal_factor(db, present[13] ? v[13] / 100.0 : -1);
        if (meals > 0) {
            text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.meals", "n",
                        num0(n[0], meals, lang), NULL);
            impact(impacts, lang, "meals", text);
        }
        if (catering != NULL) {
            snprintf(key, sizeof(key), "diag.project.catering.%s", catering);
            impact(impacts, lang, "catering", text_get(lang, key));
        }
        if (present[13]) {
            fmt_percent(n[0], FMT_MAX, v[13] / 100.0, 0, 0, lang);
            fmt_percent(n[1], FMT_MAX, 0.15, 0, 0, lang);
            text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.vegetarian", "pct", n[0],
                        "typical", n[1], NULL);
            impact(impacts, lang, "vegetarian", text);
        }
        snprintf(th[2].why, sizeof(th[2].why), "%s", text_get(lang, "diag.project.why.food"));
    }
    /* Waste: residual waste of the crew, built sets. */
    {
        residual = (people * days + v[15]) * RESIDUAL_KG_PER_PERSON_DAY;
        if (v[15] > 0) {
            text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.extras", "n",
                        num0(n[0], v[15], lang), NULL);
            impact(impacts, lang, "extras", text);
        }
        if (json_is_true(json_object_get(f, "animals")))
            impact(impacts, lang, "animals", text_get(lang, "diag.project.impact.animals"));
        if (v[16] > 0) {
            text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.vfx", "n",
                        num0(n[0], v[16], lang), NULL);
            impact(impacts, lang, "vfx", text);
        }
        th[3].kg = residual * factor(db, "waste_residual_incineration_kg") +
                   v[5] * SET_WOOD_KG * factor(db, "waste_wood_kg");
        if (protected_area)
            impact(impacts, lang, "protected_area",
                   text_get(lang, "diag.project.impact.protected_area"));
        snprintf(th[3].why, sizeof(th[3].why), "%s", text_get(lang, "diag.project.why.waste"));
    }
    /* Seasons: what the weather adds (no figure: it shifts the other themes). */
    {
        json_t *sx;
        json_array_foreach(seasons, i, sx)
        {
            snprintf(key, sizeof(key), "diag.project.season.%s", json_string_value(sx));
            impact(impacts, lang, "season", text_get(lang, key));
        }
    }
    /* Purchases: material of built sets. */
    {
        th[4].kg = v[5] * SET_NEW_MATERIAL_KG * factor(db, "furniture_new_kg");
        if (v[5] > 0) {
            text_fmtbuf(
                text, sizeof(text), lang,
                text_count_key(key, sizeof(key), "diag.project.impact.sets", (long)v[5], lang), "n",
                num0(n[0], v[5], lang), NULL);
            impact(impacts, lang, "sets", text);
        }
        th[4].effort = v[5] > 0 ? 2 : 1;
        snprintf(th[4].why, sizeof(th[4].why), "%s",
                 text_get(lang, v[5] > 0 ? "diag.project.why.purchases_sets"
                                         : "diag.project.why.purchases_none"));
    }
    /* The estimate line by line, in the catalogue's indicators: the themes
     * are their sums, and the same lines are what the forecast is offered
     * (diag_project_estimates), so the two can never disagree. */
    veg = present[13] ? v[13] / 100.0 : 0.15;
    {
        const double rest = (1 - veg) / 0.85;
        const struct {
            const char *indicator;
            double quantity;
            int theme;
        } q[] = {
            {"van_km", km + commute, 0},
            {"train_tgv_pkm", v[6], 0},
            {"plane_short_pkm", v[7], 0},
            {"hotel_nights", v[8], 0},
            {"generator_l", gen_l, 1},
            {"grid_kwh", kwh, 1},
            {"storage_tb_year", tb * years, 1},
            {"meals_vegetarian", meals * veg, 2},
            {"meals_chicken", meals * rest * 0.45, 2},
            {"meals_fish", meals * rest * 0.10, 2},
            {"meals_beef", meals * rest * 0.30, 2},
            {"waste_residual_kg", residual, 3},
            {"waste_wood_kg", v[5] * SET_WOOD_KG, 3},
            {"furniture_new_kg", v[5] * SET_NEW_MATERIAL_KG, 4},
        };
        for (i = 0; i < 5; i++)
            th[i].kg = 0;
        for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
            json_t *ln = NULL;
            if (q[i].quantity <= 0)
                continue;
            rc = estimate_line(db, q[i].indicator, q[i].quantity, th[q[i].theme].key, lang, &ln);
            if (rc != EP_OK)
                goto fail;
            th[q[i].theme].kg += json_number_value(json_object_get(ln, "kg"));
            json_array_append_new(lines, ln);
        }
    }
    {
        const double units[] = {1, days, loc_days, v[5]}; /* project, shooting/location day, set */
        rc = rank_actions(db, lines, units, present[14] ? v[14] : -1, lang, &actions);
        if (rc != EP_OK)
            goto fail;
        if (present[14]) {
            text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.envelope", "eur",
                        num0(n[0], v[14], lang), NULL);
            impact(impacts, lang, "envelope", text);
        }
    }
    if (v[11] > 0 && v[11] < 1e6) {
        /* A small budget makes costly changes harder: effort weighs more. */
        for (i = 0; i < 5; i++)
            if (th[i].effort == 2)
                th[i].effort = 3;
        text_fmtbuf(text, sizeof(text), lang, "diag.project.impact.budget", "eur",
                    num0(n[0], v[11], lang), NULL);
        impact(impacts, lang, "budget", text);
    }
    /* The office's adjustments. */
    for (i = 0; i < 5; i++)
        th[i].computed_effort = th[i].effort;
    rc = apply_overrides(json_object_get(f, "overrides"), th, 5, err);
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
        theme_budget(row, actions);
        json_array_append_new(themes_out, row);
    }
    /* Carbon, the sixth theme, frames the others: measure before, during, after. */
    json_array_append_new(
        themes_out, json_pack("{s:s, s:s, s:f, s:f, s:i, s:s, s:i, s:s}", "theme", "carbon",
                              "label", text_get(lang, "diag.project.theme.carbon"), "kg",
                              round(total), "share", 1.0, "effort", 1, "quadrant", "transversal",
                              "rank", 0, "why", text_get(lang, "diag.project.why.carbon")));
    *out = json_pack("{s:s, s:o, s:o, s:o, s:f, s:o, s:o, s:o, s:o, s:o}", "status",
                     json_array_size(missing) > 0 ? "draft" : "complete", "missing", missing,
                     "impacts", impacts, "themes", themes_out, "total_kg", round(total), "matrix",
                     matrix, "lines", lines, "by_category", by_category(lines), "actions", actions,
                     "envelope", envelope_summary(actions, present[14] ? v[14] : -1));
    return *out != NULL ? EP_OK : EP_ENOMEM;
fail:
    json_decref(lines);
    json_decref(actions);
    json_decref(impacts);
    json_decref(missing);
    json_decref(themes_out);
    json_decref(matrix);
    return rc;
}

int diag_project_framing(const json_t *fields, json_t **out)
{
    static const char *const skip[] = {"title", "format", "kind", "_deleted"};
    json_t *framing = json_object(), *ov = json_object(), *v;
    const char *key;

    *out = NULL;
    if (framing == NULL || ov == NULL) {
        json_decref(framing);
        json_decref(ov);
        return EP_ENOMEM;
    }
    json_object_foreach((json_t *)fields, key, v)
    {
        int skipped = v == NULL || json_is_null(v) ||
                      (json_is_string(v) && json_string_length(v) == 0) ||
                      (json_is_array(v) && json_array_size(v) == 0);
        for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
            skipped = skipped || strcmp(key, skip[i]) == 0;
        if (strncmp(key, "adj_", 4) == 0) {
            if (json_is_object(v))
                json_object_set(ov, key + 4, v);
        } else if (!skipped) {
            json_object_set(framing, key, v);
        }
    }
    if (json_object_size(ov) > 0)
        json_object_set(framing, "overrides", ov);
    json_decref(ov);
    *out = framing;
    return EP_OK;
}

int diag_project_of(struct db *db, const char *production_id, json_t **out)
{
    return diag_project_of_lang(db, production_id, "fr", out);
}

int diag_project_of_lang(struct db *db, const char *production_id, const char *lang, json_t **out)
{
    json_t *rec = NULL, *framing = NULL;
    int rc = sync_record_get(db, production_id, "diagnostics", "c2-project", &rec);

    *out = NULL;
    if (rc == EP_OK)
        rc = diag_project_framing(rec, &framing);
    if (rc == EP_OK)
        rc = diag_project_lang(db, framing, lang, out, NULL);
    json_decref(rec);
    json_decref(framing);
    return rc;
}
