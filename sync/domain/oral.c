/* oral.c - the oral defence's slides and jury sheet from the dossier's data (see oral.h). */
#include "oral.h"

#include "carbon.h"
#include "dossier.h"
#include "err.h"
#include "eval.h"
#include "fmt.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BULLET_MAX 150 /* characters: a bullet is read at a glance, not read out */
#define NOTES_MAX 900  /* the notes hold what the candidate says, not the dossier */

/* The référentiel's ten competencies; their short labels are the texts
 * "oral.comp.<code>" (the seed's wording). */
static const char *const competencies[10] = {"C1", "C2", "C3", "C4", "C5",
                                             "C6", "C7", "C8", "C9", "C10"};

/*
 * The talk, slide by slide (each title the text "oral.slide.<id>"): which
 * dossier part feeds it (NULL: built here), its competencies and its share
 * of the 15 minutes. The durations sum to ORAL_SECONDS (checked by the
 * unit test); the method and the results get the most, as the jury's grid
 * weighs them.
 */
static const struct slide_spec {
    const char *id;
    const char *part;
    const char *comps[4];
    int seconds;
} plan[] = {
    {"ouverture", NULL, {"C1", "C4", "C9", "C10"}, 45},
    {"methode", "methodologie", {"C1", "C4", "C9", NULL}, 75},
    {"diagnostic", "diagnostic", {"C1", NULL}, 90},
    {"analyse", "analyse", {"C2", NULL}, 75},
    {"plan", "plan", {"C3", "C4", NULL}, 90},
    {"communication", "actions", {"C5", "C6", NULL}, 75},
    {"indicateurs", "indicateurs", {"C7", "C8", NULL}, 90},
    {"bilan", NULL, {"C8", NULL}, 60},
    {"resultats", "resultats", {"C9", NULL}, 90},
    {"valorisation", "valorisation", {"C10", NULL}, 60},
    {"difficultes", "difficultes", {"C9", NULL}, 75},
    {"conclusion", NULL, {"C4", "C9", "C10", NULL}, 75},
};
#define NSLIDES (sizeof(plan) / sizeof(plan[0]))

/* The text "<prefix>.<id>". */
static const char *keyed(const char *lang, const char *prefix, const char *id)
{
    char key[96];
    snprintf(key, sizeof(key), "%s.%s", prefix, id);
    return text_get(lang, key);
}

const char *oral_competency_label(const char *code, const char *lang)
{
    for (size_t i = 0; code != NULL && i < 10; i++) {
        if (strcmp(competencies[i], code) == 0)
            return keyed(lang, "oral.comp", code);
    }
    return NULL;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "";
}

static const json_t *find_part(const json_t *dossier, const char *id)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(dossier, "parts"), i, p)
    {
        if (strcmp(str(p, "id"), id) == 0)
            return p;
    }
    return NULL;
}

/* A bullet from one line of a part: trimmed, without its "- ", cut at a
 * word near BULLET_MAX with an ellipsis so no word is ever broken. */
static json_t *bullet(const char *s, size_t n)
{
    char buf[BULLET_MAX + 8];
    size_t len;

    while (n > 0 && (*s == ' ' || *s == '-' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r'))
        n--;
    if (n == 0)
        return NULL;
    if (n <= BULLET_MAX) {
        memcpy(buf, s, n);
        buf[n] = '\0';
        return json_string(buf);
    }
    len = BULLET_MAX;
    while (len > BULLET_MAX / 2 && s[len] != ' ')
        len--;
    /* Never end inside a UTF-8 sequence. */
    while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
        len--;
    memcpy(buf, s, len);
    while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == ',' || buf[len - 1] == ':'))
        len--;
    memcpy(buf + len, "…", strlen("…") + 1);
    return json_string(buf);
}

/* Up to max bullets from a part's text: its list items first, then the
 * first sentence of its paragraphs. */
static void bullets_from_text(json_t *out, const char *text, size_t max)
{
    const char *p = text, *e;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        for (p = text; *p != '\0' && json_array_size(out) < max; p = *e != '\0' ? e + 1 : e) {
            int item;
            size_t n;
            e = strchr(p, '\n');
            if (e == NULL)
                e = p + strlen(p);
            item = p[0] == '-' && p[1] == ' ';
            if ((pass == 0) != item)
                continue;
            n = (size_t)(e - p);
            /* A paragraph introducing a list says nothing by itself. */
            if (!item && n > 0 && (p[n - 1] == ':' || (n > 1 && p[n - 2] == ':')))
                continue;
            if (!item) {
                /* First sentence: up to ". " */
                const char *dot = p;
                while (dot + 1 < e && !(dot[0] == '.' && dot[1] == ' '))
                    dot++;
                n = (size_t)(dot - p) + (dot + 1 < e ? 1 : 0);
            }
            json_t *b = bullet(p, n);
            if (b != NULL)
                json_array_append_new(out, b);
        }
    }
}

/* "12 345 kgCO2e (12,3 t, ± 800 kg)" or "donnée manquante" when no line
 * was computed. */
static void footprint_text(const json_t *fp, char *buf, size_t len, const char *lang)
{
    char a[FMT_MAX], b[FMT_MAX], c[FMT_MAX];
    double kg = json_number_value(json_object_get(fp, "total_kg"));
    if (json_array_size(json_object_get(fp, "lines")) == 0) {
        snprintf(buf, len, "%s", text_get(lang, "oral.missing"));
        return;
    }
    text_fmtbuf(
        buf, len, lang, "oral.footprint", "kg", fmt_number(a, sizeof(a), kg, 0, lang), "t",
        fmt_number(b, sizeof(b), kg / 1000.0, 1, lang), "u",
        fmt_number(c, sizeof(c), json_number_value(json_object_get(fp, "uncertainty_kg")), 0, lang),
        NULL);
}

/* "n word" through the key's .one/.other texts, extra pairs after "n". */
static char *count(char *buf, size_t len, const char *key, long long n, const char *lang,
                   const char *name, const char *value)
{
    char k[96], num[FMT_MAX];
    fmt_number(num, sizeof(num), (double)n, 0, lang);
    return text_fmtbuf(buf, len, lang, text_count_key(k, sizeof(k), key, (long)n, lang), "n", num,
                       name, value, NULL);
}

static long long int_of(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static void add_str(json_t *a, const char *s)
{
    json_array_append_new(a, json_string(s));
}

/* Whether a bullet of bl already starts like text (the dossier often says
 * what the evaluation says). */
static int said(const json_t *bl, const char *text)
{
    size_t i, n = strlen(text) < 24 ? strlen(text) : 24;
    json_t *b;
    json_array_foreach(bl, i, b)
    {
        if (strncmp(json_string_value(b), text, n) == 0)
            return 1;
    }
    return 0;
}

/* The bullets of the slides the dossier does not feed, and the figures
 * added to those it does, so each slide shows numbers the jury can ask
 * about. */
static void figures(const struct slide_spec *s, json_t *bl, const json_t *dossier, const json_t *ev,
                    const char *lang)
{
    const json_t *cmp = json_object_get(ev, "footprint");
    const json_t *prov = json_object_get(cmp, "provisional"), *fin = json_object_get(cmp, "final");
    const json_t *sum = json_object_get(ev, "summary");
    char line[320], f[160], p[160];

    if (strcmp(s->id, "ouverture") == 0) {
        char day[FMT_MAX];
        const char *t = str(dossier, "today");
        add_str(bl, text_fmtbuf(line, sizeof(line), lang, "oral.open.production", "title",
                                str(dossier, "production"), NULL));
        add_str(bl, text_get(lang, "oral.open.approach"));
        add_str(bl, text_get(lang, "oral.open.outline"));
        if (fmt_date(day, sizeof(day), t, FMT_DATE_LONG, lang) == NULL)
            snprintf(day, sizeof(day), "%s", t);
        add_str(bl, text_fmtbuf(line, sizeof(line), lang, "oral.open.as_of", "day", day, NULL));
    } else if (strcmp(s->id, "indicateurs") == 0) {
        footprint_text(fin, f, sizeof(f), lang);
        footprint_text(prov, p, sizeof(p), lang);
        text_fmtbuf(line, sizeof(line), lang, "oral.final", "footprint", f, NULL);
        json_array_insert_new(bl, 0, json_string(line));
        text_fmtbuf(line, sizeof(line), lang, "oral.forecast", "footprint", p, NULL);
        json_array_insert_new(bl, 1, json_string(line));
    } else if (strcmp(s->id, "bilan") == 0) {
        footprint_text(fin, f, sizeof(f), lang);
        add_str(bl, text_fmtbuf(line, sizeof(line), lang, "oral.total", "footprint", f, NULL));
        add_str(bl, text_get(lang, "oral.estimate"));
    } else if (strcmp(s->id, "resultats") == 0) {
        json_t *mean = json_object_get(sum, "mean_attainment_pct");
        char n[5][96], m[FMT_MAX];
        text_fmtbuf(line, sizeof(line), lang, "oral.results", "actions",
                    count(n[0], sizeof(n[0]), "dossier.count.action", int_of(sum, "actions"), lang,
                          NULL, NULL),
                    "ok",
                    count(n[1], sizeof(n[1]), "dossier.count.ok", int_of(sum, "reussies"), lang,
                          NULL, NULL),
                    "partial",
                    count(n[2], sizeof(n[2]), "oral.count.partial", int_of(sum, "partielles"), lang,
                          NULL, NULL),
                    "failed",
                    count(n[3], sizeof(n[3]), "dossier.count.failed", int_of(sum, "non_atteintes"),
                          lang, NULL, NULL),
                    "nodata",
                    count(n[4], sizeof(n[4]), "dossier.count.nodata", int_of(sum, "sans_donnee"),
                          lang, NULL, NULL),
                    NULL);
        json_array_insert_new(bl, 0, json_string(line));
        if (json_is_number(mean))
            fmt_percent(m, sizeof(m), json_number_value(mean) / 100.0, 0, 0, lang);
        else
            snprintf(m, sizeof(m), "%s", text_get(lang, "oral.missing"));
        text_fmtbuf(line, sizeof(line), lang, "oral.mean", "pct", m, NULL);
        json_array_insert_new(bl, 1, json_string(line));
    } else if (strcmp(s->id, "difficultes") == 0) {
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(ev, "difficulties"), i, d)
        {
            /* Footprint difficulties name a category key: the slide says it
             * with its label instead. */
            if (strcmp(str(d, "kind"), "footprint") == 0 || json_array_size(bl) >= 3 ||
                said(bl, str(d, "text")))
                continue;
            json_t *b = bullet(str(d, "text"), strlen(str(d, "text")));
            if (b != NULL)
                json_array_insert_new(bl, 0, b);
        }
        /* A lesson is also what worked: one strength, if there is room. */
        json_array_foreach(json_object_get(ev, "strengths"), i, d)
        {
            char what[320];
            if (strcmp(str(d, "kind"), "action") != 0 || json_array_size(bl) >= 3)
                continue;
            text_fmtbuf(what, sizeof(what), lang, "oral.worked", "text", str(d, "text"), NULL);
            json_t *b = bullet(what, strlen(what));
            if (b != NULL)
                json_array_append_new(bl, b);
            break;
        }
    } else if (strcmp(s->id, "conclusion") == 0) {
        add_str(bl, count(line, sizeof(line), "oral.count.reproducible",
                          (long long)json_array_size(json_object_get(ev, "reproducible")), lang,
                          NULL, NULL));
        footprint_text(fin, f, sizeof(f), lang);
        add_str(bl, text_fmtbuf(line, sizeof(line), lang, "oral.final_footprint", "footprint", f,
                                NULL));
        add_str(bl, text_get(lang, "oral.ten"));
        add_str(bl, text_get(lang, "oral.thanks"));
    }
}

/* The footprint by category for the bar chart: the final one when readings
 * exist, else the provisional one, else no bars (said as missing); each bar
 * named in lang. */
static json_t *chart(const json_t *ev, const char *lang)
{
    const json_t *cmp = json_object_get(ev, "footprint");
    int final = json_array_size(json_object_get(json_object_get(cmp, "final"), "lines")) > 0;
    int prov = json_array_size(json_object_get(json_object_get(cmp, "provisional"), "lines")) > 0;
    json_t *bars = json_array(), *c;
    size_t i;

    json_array_foreach(json_object_get(cmp, "categories"), i, c)
    {
        double kg = json_number_value(json_object_get(c, final ? "final_kg" : "provisional_kg"));
        if (kg > 0)
            json_array_append_new(
                bars, json_pack("{s:s, s:f}", "label",
                                carbon_label(CARBON_LABEL_CATEGORY, str(c, "category"), lang), "kg",
                                round(kg * 10) / 10));
    }
    return json_pack("{s:s, s:s, s:o}", "unit", "kgCO2e", "basis",
                     final  ? text_get(lang, "oral.basis.final")
                     : prov ? text_get(lang, "oral.basis.forecast")
                            : text_get(lang, "oral.missing"),
                     "bars", bars);
}

/* Notes: what to say in the slide's time, then the dossier's draft to draw
 * from, cut at a word. */
static json_t *notes(const struct slide_spec *s, const json_t *part, const json_t *bl,
                     const char *lang)
{
    char buf[NOTES_MAX + 400], secs[16];
    size_t o = 0, n;
    const char *t = part != NULL ? str(part, "text") : "";

    snprintf(secs, sizeof(secs), "%d", s->seconds);
    text_fmtbuf(buf, sizeof(buf), lang, "oral.notes.seconds", "s", secs, NULL);
    o = strlen(buf);
    if (strcmp(s->id, "ouverture") == 0 || strcmp(s->id, "conclusion") == 0 ||
        strcmp(s->id, "bilan") == 0)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s", keyed(lang, "oral.notes", s->id));
    else if (*t == '\0') {
        text_fmtbuf(buf + o, sizeof(buf) - o, lang, "oral.notes.comment", "bullet",
                    json_string_value(json_array_get(bl, 0)), NULL);
        o = strlen(buf);
    }
    if (o >= sizeof(buf))
        o = sizeof(buf) - 1;
    n = strlen(t);
    if (n > 0 && o + 1 < sizeof(buf)) {
        size_t room = sizeof(buf) - o - 8;
        if (n > NOTES_MAX)
            n = NOTES_MAX;
        if (n > room)
            n = room;
        if (n < strlen(t)) {
            while (n > 0 && t[n] != ' ')
                n--;
        }
        for (size_t i = 0; i < n; i++)
            buf[o++] = (char)(t[i] == '\n' ? ' ' : t[i]);
        buf[o] = '\0';
        if (n < strlen(t))
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "…");
    }
    buf[o < sizeof(buf) ? o : sizeof(buf) - 1] = '\0';
    return json_string(buf);
}

static json_t *slides(const json_t *dossier, const json_t *ev, const char *lang)
{
    json_t *out = json_array();
    int at = 0;

    for (size_t i = 0; i < NSLIDES; i++) {
        const struct slide_spec *s = &plan[i];
        const json_t *part = s->part != NULL ? find_part(dossier, s->part) : NULL;
        json_t *bl = json_array(), *comps = json_array(), *sl;
        char start[16];

        if (part != NULL)
            bullets_from_text(bl, str(part, "text"), 3);
        figures(s, bl, dossier, ev, lang);
        while (json_array_size(bl) > 5)
            json_array_remove(bl, json_array_size(bl) - 1);
        /* Two bullets at least: a part with nothing to say says so. */
        while (json_array_size(bl) < 2)
            add_str(bl, text_get(lang, json_array_size(bl) == 0 ? "oral.part_missing"
                                                                : "oral.to_complete"));
        for (size_t k = 0; k < 4 && s->comps[k] != NULL; k++)
            add_str(comps, s->comps[k]);
        snprintf(start, sizeof(start), "%02d:%02d", at / 60, at % 60);
        sl = json_pack("{s:i, s:s, s:s, s:o, s:o, s:i, s:s, s:o, s:o}", "n", (int)i + 1, "id",
                       s->id, "title", keyed(lang, "oral.slide", s->id), "bullets", bl,
                       "competencies", comps, "duration_s", s->seconds, "start", start, "notes",
                       notes(s, part, bl, lang), "chart",
                       strcmp(s->id, "bilan") == 0 ? chart(ev, lang) : json_null());
        json_array_append_new(out, sl);
        at += s->seconds;
    }
    return out;
}

/* Whether the dossier's missing list names competency code ("(C1)"). */
static const char *missing_for(const json_t *dossier, const char *code)
{
    char tag[8];
    size_t i;
    json_t *m;
    snprintf(tag, sizeof(tag), "(%s)", code);
    json_array_foreach(json_object_get(dossier, "missing"), i, m)
    {
        if (strstr(json_string_value(m), tag) != NULL)
            return json_string_value(m);
    }
    return NULL;
}

static json_t *question(const char *q, const char *evidence)
{
    return json_pack("{s:s, s:s}", "question", q, "evidence", evidence);
}

static json_t *gap(const char *g, const char *answer)
{
    return json_pack("{s:s, s:s}", "gap", g, "answer", answer);
}

/* "Facteurs d'émission utilisés (identifiants Base Carbone) : 28015,
 * 27970 ; 2 lignes sans identifiant officiel" from the footprint's lines,
 * each id once. */
static json_t *factor_ids(const json_t *fp, const char *lang)
{
    char ids[768], buf[1024], tail[128];
    size_t i, o = 0, without = 0;
    json_t *l, *seen = json_object(), *res;

    ids[0] = '\0';
    json_array_foreach(json_object_get(fp, "lines"), i, l)
    {
        const char *id = str(l, "official_id");
        if (*id == '\0') {
            without++;
            continue;
        }
        if (json_object_get(seen, id) != NULL || o + strlen(id) + 8 >= sizeof(ids))
            continue;
        json_object_set_new(seen, id, json_true());
        o += (size_t)snprintf(ids + o, sizeof(ids) - o, "%s%s",
                              json_object_size(seen) > 1 ? ", " : "", id);
    }
    if (json_object_size(seen) == 0)
        snprintf(ids, sizeof(ids), "%s", text_get(lang, "oral.missing"));
    text_fmtbuf(buf, sizeof(buf), lang, "oral.factors", "ids", ids, NULL);
    if (without > 0) {
        count(tail, sizeof(tail), "oral.factors.without", (long long)without, lang, NULL, NULL);
        if (strlen(buf) + strlen(tail) < sizeof(buf))
            memcpy(buf + strlen(buf), tail, strlen(tail) + 1);
    }
    json_decref(seen);
    res = json_string(buf);
    return res;
}

/* Where the dossier answers: "Dossier professionnel, partie « title »"
 * (no-break spaces inside the guillemets, as French typesetting wants: a
 * line never starts with "»"). */
static void part_ref(const json_t *dossier, const char *part, char *buf, size_t len,
                     const char *lang)
{
    const json_t *p = find_part(dossier, part);
    text_fmtbuf(buf, len, lang, "oral.part_ref", "title", p != NULL ? str(p, "title") : part, NULL);
}

/* The evidence answering question k of competency code. */
static void evidence(const char *code, size_t k, const json_t *ev, const char *ref,
                     const char *miss, const char *f, const char *p, char *out, size_t len,
                     const char *lang)
{
    const json_t *sum = json_object_get(ev, "summary");
    char n[3][96];

    if (strcmp(code, "C8") == 0 && k == 0)
        text_fmtbuf(out, len, lang, "oral.ev.final", "footprint", f, "ref", ref, NULL);
    else if (strcmp(code, "C8") == 0 && k == 2)
        text_fmtbuf(out, len, lang, "oral.ev.gap", "forecast", p, "final", f, NULL);
    else if (strcmp(code, "C8") == 0 && k == 1)
        text_fmtbuf(out, len, lang, "oral.ev.lines", "ref", ref, NULL);
    else if (strcmp(code, "C9") == 0 && k == 0)
        text_fmtbuf(out, len, lang, "oral.ev.results", "actions",
                    count(n[0], sizeof(n[0]), "dossier.count.action", int_of(sum, "actions"), lang,
                          NULL, NULL),
                    "ok",
                    count(n[1], sizeof(n[1]), "dossier.count.ok", int_of(sum, "reussies"), lang,
                          NULL, NULL),
                    "nodata",
                    count(n[2], sizeof(n[2]), "dossier.count.nodata", int_of(sum, "sans_donnee"),
                          lang, NULL, NULL),
                    "ref", ref, NULL);
    else if (strcmp(code, "C10") == 0 && k == 1)
        count(out, len, "oral.ev.reproducible",
              (long long)json_array_size(json_object_get(ev, "reproducible")), lang, "ref", ref);
    else if (miss != NULL)
        text_fmtbuf(out, len, lang, "oral.ev.missing", "ref", ref, NULL);
    else
        snprintf(out, len, "%s", ref);
}

/* The jury sheet: for each competency the questions a jury asks most
 * ("oral.q.<code>.<k>"), the evidence of this production that answers
 * each, the references to cite ("oral.ref.<code>.<k>") and the gaps it will
 * probe with what to say. */
static json_t *prep(const json_t *dossier, const json_t *ev, const char *lang)
{
    static const struct {
        const char *code, *part;
        size_t questions, refs;
    } qs[10] = {
        {"C1", "diagnostic", 3, 3},    {"C2", "analyse", 3, 2},     {"C3", "plan", 2, 2},
        {"C4", "plan", 2, 2},          {"C5", "actions", 2, 1},     {"C6", "actions", 2, 1},
        {"C7", "indicateurs", 2, 2},   {"C8", "indicateurs", 3, 2}, {"C9", "resultats", 2, 1},
        {"C10", "valorisation", 2, 1},
    };
    const json_t *cmp = json_object_get(ev, "footprint");
    json_t *out = json_array();
    char ref[200], ev1[400], f[160], p[160], key[32];

    footprint_text(json_object_get(cmp, "final"), f, sizeof(f), lang);
    footprint_text(json_object_get(cmp, "provisional"), p, sizeof(p), lang);
    for (size_t i = 0; i < 10; i++) {
        json_t *q = json_array(), *g = json_array(), *refs = json_array(), *d;
        const char *miss = missing_for(dossier, qs[i].code);
        size_t k;

        part_ref(dossier, qs[i].part, ref, sizeof(ref), lang);
        for (k = 0; k < qs[i].questions; k++) {
            evidence(qs[i].code, k, ev, ref, miss, f, p, ev1, sizeof(ev1), lang);
            snprintf(key, sizeof(key), "oral.q.%s.%zu", qs[i].code, k);
            json_array_append_new(q, question(text_get(lang, key), ev1));
        }
        if (miss != NULL) {
            text_fmtbuf(ev1, sizeof(ev1), lang, "oral.gap.missing", "what", miss, NULL);
            json_array_append_new(g, gap(ev1, text_get(lang, "oral.gap.missing_answer")));
        }
        if (strcmp(qs[i].code, "C9") == 0 || strcmp(qs[i].code, "C7") == 0) {
            json_array_foreach(json_object_get(ev, "difficulties"), k, d)
            {
                const char *kind = str(d, "kind");
                json_t *sol = json_array_get(json_object_get(d, "solutions"), 0);
                if (strcmp(kind, "footprint") == 0 ||
                    (strcmp(qs[i].code, "C7") == 0) != (strcmp(kind, "missing") == 0))
                    continue;
                json_array_append_new(
                    g,
                    gap(str(d, "text"), json_is_string(sol) ? json_string_value(sol)
                                                            : text_get(lang, "oral.gap.explain")));
            }
        }
        if (strcmp(qs[i].code, "C8") == 0 &&
            json_array_size(json_object_get(json_object_get(cmp, "final"), "lines")) == 0)
            json_array_append_new(g, gap(text_get(lang, "oral.gap.no_final"),
                                         text_get(lang, "oral.gap.no_final_answer")));
        for (k = 0; k < qs[i].refs; k++) {
            snprintf(key, sizeof(key), "oral.ref.%s.%zu", qs[i].code, k);
            add_str(refs, text_get(lang, key));
        }
        if (strcmp(qs[i].code, "C8") == 0) {
            const json_t *fin = json_object_get(cmp, "final");
            json_array_append_new(refs,
                                  factor_ids(json_array_size(json_object_get(fin, "lines")) > 0
                                                 ? fin
                                                 : json_object_get(cmp, "provisional"),
                                             lang));
        }
        json_array_append_new(out, json_pack("{s:s, s:s, s:o, s:o, s:o}", "competency", qs[i].code,
                                             "label", oral_competency_label(qs[i].code, lang),
                                             "questions", q, "references", refs, "gaps", g));
    }
    return out;
}

int oral_build(struct db *db, const char *production_id, const char *today, const char *lang,
               json_t **out)
{
    json_t *d = NULL, *ev = NULL;
    int rc;

    *out = NULL;
    lang = text_lang(lang);
    rc = dossier_build(db, production_id, today, lang, &d);
    if (rc == EP_OK)
        rc = eval_production(db, production_id, today, lang, &ev);
    if (rc != EP_OK)
        goto out;
    *out = json_pack("{s:s, s:s, s:s, s:i, s:o, s:o, s:O}", "production", str(d, "production"),
                     "today", today, "lang", lang, "total_s", ORAL_SECONDS, "slides",
                     slides(d, ev, lang), "prep", prep(d, ev, lang), "missing",
                     json_object_get(d, "missing"));
    if (*out == NULL)
        rc = EP_ENOMEM;
out:
    json_decref(d);
    json_decref(ev);
    return rc;
}
