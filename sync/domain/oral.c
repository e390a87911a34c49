/* oral.c - the oral defence's slides and jury sheet from the dossier's data (see oral.h). */
#include "oral.h"

#include "carbon.h"
#include "dossier.h"
#include "err.h"
#include "eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MISSING "donnée manquante"
#define BULLET_MAX 150 /* characters: a bullet is read at a glance, not read out */
#define NOTES_MAX 900  /* the notes hold what the candidate says, not the dossier */

/* The référentiel's ten competencies, in short (the seed's wording). */
static const char *const competencies[10][2] = {{"C1", "Diagnostic des pratiques de la société"},
                                                {"C2", "Analyse des impacts du projet"},
                                                {"C3", "Veille, prestataires et outils"},
                                                {"C4", "Plan d'action écoresponsable"},
                                                {"C5", "Sensibilisation des équipes"},
                                                {"C6", "Accompagnement des professionnels"},
                                                {"C7", "Reporting des indicateurs"},
                                                {"C8", "Bilan carbone du film"},
                                                {"C9", "Évaluation de la démarche"},
                                                {"C10", "Valorisation des actions"}};

/*
 * The talk, slide by slide: which dossier part feeds it (NULL: built here),
 * its competencies and its share of the 15 minutes. The durations sum to
 * ORAL_SECONDS (checked by the unit test); the method and the results get
 * the most, as the jury's grid weighs them.
 */
static const struct slide_spec {
    const char *id;
    const char *title;
    const char *part;
    const char *comps[4];
    int seconds;
} plan[] = {
    {"ouverture", "Présentation et déroulé", NULL, {"C1", "C4", "C9", "C10"}, 45},
    {"methode", "La méthode suivie", "methodologie", {"C1", "C4", "C9", NULL}, 75},
    {"diagnostic", "Diagnostic de la société", "diagnostic", {"C1", NULL}, 90},
    {"analyse", "Analyse du projet", "analyse", {"C2", NULL}, 75},
    {"plan", "Plan d'action et prestataires", "plan", {"C3", "C4", NULL}, 90},
    {"communication", "Communication et accompagnement", "actions", {"C5", "C6", NULL}, 75},
    {"indicateurs", "Indicateurs et bilan carbone", "indicateurs", {"C7", "C8", NULL}, 90},
    {"bilan", "Bilan carbone par catégorie", NULL, {"C8", NULL}, 60},
    {"resultats", "Résultats au regard du plan", "resultats", {"C9", NULL}, 90},
    {"valorisation", "Valorisation des actions", "valorisation", {"C10", NULL}, 60},
    {"difficultes", "Difficultés et enseignements", "difficultes", {"C9", NULL}, 75},
    {"conclusion", "Conclusion", NULL, {"C4", "C9", "C10", NULL}, 75},
};
#define NSLIDES (sizeof(plan) / sizeof(plan[0]))

const char *oral_competency_label(const char *code)
{
    for (size_t i = 0; code != NULL && i < 10; i++) {
        if (strcmp(competencies[i][0], code) == 0)
            return competencies[i][1];
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

/* A number in French ("1 234,5") into buf. */
static const char *fr_number(double v, int decimals, char *buf, size_t len)
{
    char raw[64], *dot;
    size_t n, lead, o = 0;

    snprintf(raw, sizeof(raw), "%.*f", decimals, v);
    dot = strchr(raw, '.');
    n = dot != NULL ? (size_t)(dot - raw) : strlen(raw);
    lead = raw[0] == '-' ? 1 : 0;
    for (size_t i = 0; i < strlen(raw) && o + 4 < len; i++) {
        if (i > lead && i < n && (n - i) % 3 == 0)
            buf[o++] = ' ';
        buf[o++] = (char)(raw[i] == '.' ? ',' : raw[i]);
    }
    buf[o] = '\0';
    return buf;
}

/* "12 345 kgCO2e (12,3 t)" or MISSING when no line was computed. */
static void footprint_text(const json_t *fp, char *buf, size_t len)
{
    char a[32], b[32], c[32];
    double kg = json_number_value(json_object_get(fp, "total_kg"));
    if (json_array_size(json_object_get(fp, "lines")) == 0) {
        snprintf(buf, len, "%s", MISSING);
        return;
    }
    snprintf(buf, len, "%s kgCO2e (%s t, ± %s kg)", fr_number(kg, 0, a, sizeof(a)),
             fr_number(kg / 1000.0, 1, b, sizeof(b)),
             fr_number(json_number_value(json_object_get(fp, "uncertainty_kg")), 0, c, sizeof(c)));
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
static void figures(const struct slide_spec *s, json_t *bl, const json_t *dossier, const json_t *ev)
{
    const json_t *cmp = json_object_get(ev, "footprint");
    const json_t *prov = json_object_get(cmp, "provisional"), *fin = json_object_get(cmp, "final");
    const json_t *sum = json_object_get(ev, "summary");
    char line[320], f[96], p[96];

    if (strcmp(s->id, "ouverture") == 0) {
        snprintf(line, sizeof(line), "Production : %s", str(dossier, "production"));
        add_str(bl, line);
        add_str(bl, "Démarche écoresponsable de la préparation à la valorisation");
        add_str(bl, "Déroulé : méthode, diagnostic, plan, actions, bilan, résultats, "
                    "enseignements");
        const char *t = str(dossier, "today");
        if (strlen(t) == 10)
            snprintf(line, sizeof(line), "Situation au %.2s/%.2s/%.4s", t + 8, t + 5, t);
        else
            snprintf(line, sizeof(line), "Situation au %s", t);
        add_str(bl, line);
    } else if (strcmp(s->id, "indicateurs") == 0) {
        footprint_text(fin, f, sizeof(f));
        footprint_text(prov, p, sizeof(p));
        snprintf(line, sizeof(line), "Bilan final : %s", f);
        json_array_insert_new(bl, 0, json_string(line));
        snprintf(line, sizeof(line), "Prévisionnel : %s", p);
        json_array_insert_new(bl, 1, json_string(line));
    } else if (strcmp(s->id, "bilan") == 0) {
        footprint_text(fin, f, sizeof(f));
        snprintf(line, sizeof(line), "Total : %s", f);
        add_str(bl, line);
        add_str(bl, "Estimation de travail : le bilan officiel se dépose avec un calculateur "
                    "agréé (Carbon'Clap, SeCO2)");
    } else if (strcmp(s->id, "resultats") == 0) {
        json_t *mean = json_object_get(sum, "mean_attainment_pct");
        char m[32];
        snprintf(line, sizeof(line),
                 "%lld actions : %lld réussies, %lld partielles, %lld non atteintes, %lld "
                 "sans donnée",
                 json_integer_value(json_object_get(sum, "actions")),
                 json_integer_value(json_object_get(sum, "reussies")),
                 json_integer_value(json_object_get(sum, "partielles")),
                 json_integer_value(json_object_get(sum, "non_atteintes")),
                 json_integer_value(json_object_get(sum, "sans_donnee")));
        json_array_insert_new(bl, 0, json_string(line));
        if (json_is_number(mean))
            snprintf(line, sizeof(line), "Atteinte moyenne des objectifs : %s %%",
                     fr_number(json_number_value(mean), 0, m, sizeof(m)));
        else
            snprintf(line, sizeof(line), "Atteinte moyenne des objectifs : %s", MISSING);
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
            snprintf(what, sizeof(what), "Ce qui a marché : %s", str(d, "text"));
            json_t *b = bullet(what, strlen(what));
            if (b != NULL)
                json_array_append_new(bl, b);
            break;
        }
    } else if (strcmp(s->id, "conclusion") == 0) {
        size_t n = json_array_size(json_object_get(ev, "reproducible"));
        snprintf(line, sizeof(line), "%zu action%s reproductible%s sur la prochaine production", n,
                 n > 1 ? "s" : "", n > 1 ? "s" : "");
        add_str(bl, line);
        footprint_text(fin, f, sizeof(f));
        snprintf(line, sizeof(line), "Bilan carbone final : %s", f);
        add_str(bl, line);
        add_str(bl, "Les dix compétences C1 à C10 mobilisées sur ce film");
        add_str(bl, "Merci : place aux questions du jury");
    }
}

/* The footprint by category for the bar chart: the final one when readings
 * exist, else the provisional one, else no bars (said as missing). */
static json_t *chart(const json_t *ev)
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
                bars, json_pack("{s:s, s:f}", "label", str(c, "label"), "kg", round(kg * 10) / 10));
    }
    return json_pack("{s:s, s:s, s:o}", "unit", "kgCO2e", "basis",
                     final  ? "bilan final"
                     : prov ? "prévisionnel (aucun relevé)"
                            : MISSING,
                     "bars", bars);
}

/* Notes: what to say in the slide's time, then the dossier's draft to draw
 * from, cut at a word. */
static json_t *notes(const struct slide_spec *s, const json_t *part, const json_t *bl)
{
    char buf[NOTES_MAX + 400];
    size_t o = 0, n;
    const char *t = part != NULL ? str(part, "text") : "";

    o += (size_t)snprintf(buf, sizeof(buf), "%d s. ", s->seconds);
    if (strcmp(s->id, "ouverture") == 0)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o,
                              "Se présenter, situer la production et annoncer le plan ; "
                              "rappeler que les chiffres sont ceux relevés sur le tournage. ");
    else if (strcmp(s->id, "conclusion") == 0)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o,
                              "Conclure sur ce que la démarche a changé et ce qui sera "
                              "reproduit ; finir à l'heure. ");
    else if (strcmp(s->id, "bilan") == 0)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o,
                              "Commenter les deux plus grandes catégories et la marge "
                              "d'incertitude ; dire d'où viennent les facteurs d'émission. ");
    else if (*t == '\0')
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "Commenter : %s. ",
                              json_string_value(json_array_get(bl, 0)));
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

static json_t *slides(const json_t *dossier, const json_t *ev)
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
        figures(s, bl, dossier, ev);
        while (json_array_size(bl) > 5)
            json_array_remove(bl, json_array_size(bl) - 1);
        /* Two bullets at least: a part with nothing to say says so. */
        while (json_array_size(bl) < 2)
            add_str(bl, json_array_size(bl) == 0 ? "Données de cette partie : " MISSING
                                                 : "À compléter dans le dossier professionnel");
        for (size_t k = 0; k < 4 && s->comps[k] != NULL; k++)
            add_str(comps, s->comps[k]);
        snprintf(start, sizeof(start), "%02d:%02d", at / 60, at % 60);
        sl = json_pack("{s:i, s:s, s:s, s:o, s:o, s:i, s:s, s:o, s:o}", "n", (int)i + 1, "id",
                       s->id, "title", s->title, "bullets", bl, "competencies", comps, "duration_s",
                       s->seconds, "start", start, "notes", notes(s, part, bl), "chart",
                       strcmp(s->id, "bilan") == 0 ? chart(ev) : json_null());
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

/* The frameworks and sources a candidate cites for each competency
 * (/work/shared/domain/references.md); C8 adds the factors' own ids. */
static const char *const references[10][3] = {
    {"AFNOR SPEC 2308 : production responsable, sept chapitres, niveaux 1 à 3",
     "Label Ecoprod : score d'au moins 65 % et huit critères obligatoires",
     "Charte RSE de la société"},
    {"Scénario et plan de travail de la production", "Référentiel de certification, C2", NULL},
    {"Annuaire des prestataires et outils de la société (annexe du dossier)",
     "AFNOR SPEC 2308, chapitre achats, alimentation et déchets", NULL},
    {"AFNOR SPEC 2308 (actions des niveaux 1 et 2)",
     "Plan d'action et ses objectifs chiffrés (annexe du dossier)", NULL},
    {"Communications envoyées aux équipes (annexe du dossier)", NULL, NULL},
    {"Tâches confiées aux équipes et leur suivi", NULL, NULL},
    {"Calendrier de collecte des indicateurs", "Relevés des équipes (annexe du dossier)", NULL},
    {"Calculateurs homologués par le CNC : Carbon'Clap (Ecoprod), SeCO2 (Secoya)",
     "ADEME Base Carbone / Base Empreinte (France continentale)", NULL},
    {"Évaluation du plan : atteinte et verdict de chaque action", NULL, NULL},
    {"Kits de communication par public et fiches pratiques", NULL, NULL}};

/* "Facteurs d'émission utilisés (identifiants Base Carbone) : 28015,
 * 27970 ; 2 lignes sans identifiant officiel" from the footprint's lines,
 * each id once. */
static json_t *factor_ids(const json_t *fp)
{
    char buf[1024];
    size_t i, o, without = 0;
    json_t *l, *seen = json_object();

    o = (size_t)snprintf(buf, sizeof(buf),
                         "Facteurs d'émission utilisés (identifiants Base Carbone) : ");
    json_array_foreach(json_object_get(fp, "lines"), i, l)
    {
        const char *id = str(l, "official_id");
        if (*id == '\0') {
            without++;
            continue;
        }
        if (json_object_get(seen, id) != NULL || o + strlen(id) + 8 >= sizeof(buf))
            continue;
        json_object_set_new(seen, id, json_true());
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
                              json_object_size(seen) > 1 ? ", " : "", id);
    }
    if (json_object_size(seen) == 0)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s", MISSING);
    if (without > 0 && o < sizeof(buf))
        snprintf(buf + o, sizeof(buf) - o, " ; %zu ligne%s sans identifiant officiel", without,
                 without > 1 ? "s" : "");
    json_decref(seen);
    return json_string(buf);
}

/* Where the dossier answers: "Dossier, partie « title »". */
static void part_ref(const json_t *dossier, const char *part, char *buf, size_t len)
{
    const json_t *p = find_part(dossier, part);
    /* No-break spaces inside the guillemets, as French typesetting wants:
     * a line never starts with "»". */
    snprintf(buf, len, "Dossier professionnel, partie «\u00a0%s\u00a0»",
             p != NULL ? str(p, "title") : part);
}

/* The jury sheet: for each competency the questions a jury asks most, the
 * evidence of this production that answers each, and the gaps it will
 * probe with what to say. */
static json_t *prep(const json_t *dossier, const json_t *ev)
{
    static const struct {
        const char *code, *part, *q[3];
    } qs[10] = {
        {"C1",
         "diagnostic",
         {"Sur quels référentiels avez-vous fondé le diagnostic de la société ?",
          "Quels points forts et points faibles en ressortent, et d'où viennent-ils ?",
          "Comment la société a-t-elle évolué depuis le diagnostic précédent ?"}},
        {"C2",
         "analyse",
         {"Quels éléments du scénario et du plan de travail pèsent le plus sur l'impact ?",
          "Comment avez-vous priorisé les thèmes d'action ?",
          "Comment l'enveloppe fixée par la production a-t-elle guidé le choix des actions "
          "(kgCO2e évités par euro) ?"}},
        {"C3",
         "plan",
         {"Comment avez-vous choisi vos prestataires et vos outils ?",
          "Quelle veille réglementaire avez-vous menée ?", NULL}},
        {"C4",
         "plan",
         {"Comment le plan d'action découle-t-il de l'analyse du projet ?",
          "Qui porte chaque action, avec quel objectif chiffré ?", NULL}},
        {"C5",
         "actions",
         {"Comment avez-vous sensibilisé les équipes en préparation ?",
          "Quels supports avez-vous diffusés, à qui ?", NULL}},
        {"C6",
         "actions",
         {"Comment avez-vous accompagné chaque chef de poste pendant le tournage ?",
          "Quelles résistances avez-vous rencontrées ?", NULL}},
        {"C7",
         "indicateurs",
         {"Comment les indicateurs ont-ils été collectés, par qui et à quel rythme ?",
          "Comment avez-vous contrôlé la qualité des relevés ?", NULL}},
        {"C8",
         "indicateurs",
         {"Quel est le bilan carbone du film et ses postes principaux ?",
          "Quels facteurs d'émission avez-vous utilisés et avec quelle incertitude ?",
          "Pourquoi le bilan final s'écarte-t-il du prévisionnel ?"}},
        {"C9",
         "resultats",
         {"Quels objectifs du plan avez-vous atteints ?",
          "Que feriez-vous autrement sur la prochaine production ?", NULL}},
        {"C10",
         "valorisation",
         {"Comment avez-vous valorisé la démarche auprès des partenaires et du public ?",
          "Quelles actions sont reproductibles ?", NULL}},
    };
    const json_t *cmp = json_object_get(ev, "footprint"), *sum = json_object_get(ev, "summary");
    json_t *out = json_array();
    char ref[200], ev1[400], f[96], p[96];

    footprint_text(json_object_get(cmp, "final"), f, sizeof(f));
    footprint_text(json_object_get(cmp, "provisional"), p, sizeof(p));
    for (size_t i = 0; i < 10; i++) {
        json_t *q = json_array(), *g = json_array(), *d;
        const char *miss = missing_for(dossier, qs[i].code);
        size_t k;

        part_ref(dossier, qs[i].part, ref, sizeof(ref));
        for (k = 0; k < 3 && qs[i].q[k] != NULL; k++) {
            if (strcmp(qs[i].code, "C8") == 0 && k == 0)
                snprintf(ev1, sizeof(ev1), "Bilan final : %s ; %s", f, ref);
            else if (strcmp(qs[i].code, "C8") == 0 && k == 2)
                snprintf(ev1, sizeof(ev1), "Prévisionnel : %s ; bilan final : %s", p, f);
            else if (strcmp(qs[i].code, "C8") == 0 && k == 1)
                snprintf(ev1, sizeof(ev1),
                         "Annexe des lignes du bilan (facteur et incertitude de chaque ligne) ; "
                         "%s",
                         ref);
            else if (strcmp(qs[i].code, "C9") == 0 && k == 0)
                snprintf(ev1, sizeof(ev1), "%lld actions, %lld réussies, %lld sans donnée ; %s",
                         json_integer_value(json_object_get(sum, "actions")),
                         json_integer_value(json_object_get(sum, "reussies")),
                         json_integer_value(json_object_get(sum, "sans_donnee")), ref);
            else if (strcmp(qs[i].code, "C10") == 0 && k == 1)
                snprintf(ev1, sizeof(ev1), "%zu action(s) jugée(s) reproductible(s) ; %s",
                         json_array_size(json_object_get(ev, "reproducible")), ref);
            else if (miss != NULL)
                snprintf(ev1, sizeof(ev1), "%s : %s", ref, MISSING);
            else
                snprintf(ev1, sizeof(ev1), "%s", ref);
            json_array_append_new(q, question(qs[i].q[k], ev1));
        }
        if (miss != NULL) {
            snprintf(ev1, sizeof(ev1), "Donnée manquante : %s", miss);
            json_array_append_new(
                g, gap(ev1, "Le reconnaître, expliquer pourquoi la donnée n'a pas été "
                            "recueillie et comment elle le sera sur la prochaine production"));
        }
        if (strcmp(qs[i].code, "C9") == 0 || strcmp(qs[i].code, "C7") == 0) {
            json_array_foreach(json_object_get(ev, "difficulties"), k, d)
            {
                const char *kind = str(d, "kind");
                json_t *sol = json_array_get(json_object_get(d, "solutions"), 0);
                if (strcmp(kind, "footprint") == 0 ||
                    (strcmp(qs[i].code, "C7") == 0) != (strcmp(kind, "missing") == 0))
                    continue;
                json_array_append_new(g, gap(str(d, "text"), json_is_string(sol)
                                                                 ? json_string_value(sol)
                                                                 : "Expliquer l'écart et la "
                                                                   "correction prévue"));
            }
        }
        if (strcmp(qs[i].code, "C8") == 0 &&
            json_array_size(json_object_get(json_object_get(cmp, "final"), "lines")) == 0)
            json_array_append_new(g, gap("Bilan final : " MISSING,
                                         "Présenter le prévisionnel comme tel et dire quand "
                                         "le bilan final sera établi"));
        json_t *refs = json_array();
        for (k = 0; k < 3 && references[i][k] != NULL; k++)
            add_str(refs, references[i][k]);
        if (strcmp(qs[i].code, "C8") == 0) {
            const json_t *fin = json_object_get(cmp, "final");
            json_array_append_new(refs,
                                  factor_ids(json_array_size(json_object_get(fin, "lines")) > 0
                                                 ? fin
                                                 : json_object_get(cmp, "provisional")));
        }
        json_array_append_new(out, json_pack("{s:s, s:s, s:o, s:o, s:o}", "competency", qs[i].code,
                                             "label", competencies[i][1], "questions", q,
                                             "references", refs, "gaps", g));
    }
    return out;
}

int oral_build(struct db *db, const char *production_id, const char *today, json_t **out)
{
    json_t *d = NULL, *ev = NULL;
    int rc;

    *out = NULL;
    rc = dossier_build(db, production_id, today, "fr", &d);
    if (rc == EP_OK)
        rc = eval_production(db, production_id, today, &ev);
    if (rc != EP_OK)
        goto out;
    *out = json_pack("{s:s, s:s, s:i, s:o, s:o, s:O}", "production", str(d, "production"), "today",
                     today, "total_s", ORAL_SECONDS, "slides", slides(d, ev), "prep", prep(d, ev),
                     "missing", json_object_get(d, "missing"));
    if (*out == NULL)
        rc = EP_ENOMEM;
out:
    json_decref(d);
    json_decref(ev);
    return rc;
}
