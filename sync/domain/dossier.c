/*
 * dossier.c - the professional dossier's content (see dossier.h). Composes
 * the evaluation (which already holds the plan's progress and the footprint
 * comparison), the C1/C2 diagnostics kept as synced records, the directory
 * and the communications; the candidate's edits of each part override the
 * drafts written here.
 */
#include "dossier.h"

#include "db.h"
#include "diag.h"
#include "directory.h"
#include "err.h"
#include "eval.h"
#include "plan.h"
#include "strbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MISSING "donnée manquante"
#define TEXT_MAX 262144 /* one part's draft: far more than 12 pages */

/* The parts, in the order of the référentiel's "Dossier professionnel". */
static const struct {
    const char *id, *title;
    const char *competencies[3];
} parts[] = {
    {"methodologie", "Méthodologie de la démarche", {"C1", "C4", "C9"}},
    {"diagnostic", "Diagnostic de la société de production", {"C1", NULL, NULL}},
    {"analyse", "Analyse du projet", {"C2", NULL, NULL}},
    {"plan", "Plan d'action, prestataires et outils", {"C3", "C4", NULL}},
    {"actions", "Actions menées, communication et accompagnement", {"C5", "C6", NULL}},
    {"indicateurs", "Indicateurs collectés et bilan carbone", {"C7", "C8", NULL}},
    {"resultats", "Résultats au regard du plan", {"C9", NULL, NULL}},
    {"difficultes", "Échecs et difficultés, solutions", {"C9", NULL, NULL}},
    {"valorisation", "Valorisation des actions", {"C10", NULL, NULL}},
};
#define NPARTS (sizeof(parts) / sizeof(parts[0]))

size_t dossier_part_count(void)
{
    return NPARTS;
}

const char *dossier_part_id(size_t i)
{
    return i < NPARTS ? parts[i].id : NULL;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "";
}

/* A number with decimals and its unit (signed: with its sign), or "donnée
 * manquante" when v is not a number: missing is never written as zero. */
static void fmt_num(char *buf, size_t len, const json_t *v, int decimals, const char *unit,
                    int sign)
{
    if (!json_is_number(v))
        snprintf(buf, len, "%s", MISSING);
    else if (sign)
        snprintf(buf, len, "%+.*f%s", decimals, json_number_value(v), unit);
    else
        snprintf(buf, len, "%.*f%s", decimals, json_number_value(v), unit);
}

/* ---- storage ---------------------------------------------------------------- */

/* Every live record of col in space: [{"id","fields","conflicts"}], by id. */
static int records(struct db *db, const char *space, const char *col, json_t **out)
{
    static const char sql[] = "SELECT rid, state, conflicts FROM sync_record "
                              "WHERE production_id = ?1 AND col = ?2 AND deleted = 0 ORDER BY rid";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *list = json_array();
    int step;

    *out = NULL;
    if (st == NULL || list == NULL) {
        json_decref(list);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, space, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *fields = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
        json_array_append_new(list, json_pack("{s:s, s:o, s:b}", "id",
                                              (const char *)sqlite3_column_text(st, 0), "fields",
                                              fields != NULL ? fields : json_object(), "conflicts",
                                              sqlite3_column_int(st, 2) > 0));
    }
    db_done(st);
    if (step != SQLITE_DONE) {
        json_decref(list);
        return db_map_rc(step);
    }
    *out = list;
    return EP_OK;
}

static int production_title(struct db *db, const char *production_id, char *buf, size_t len)
{
    static const char sql[] = "SELECT title, coalesce(starts_on, ''), coalesce(ends_on, '') "
                              "FROM production WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int step;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const char *from = (const char *)sqlite3_column_text(st, 1);
        const char *to = (const char *)sqlite3_column_text(st, 2);
        if (from[0] != '\0' && to[0] != '\0')
            snprintf(buf, len, "%s|%s|%s", (const char *)sqlite3_column_text(st, 0), from, to);
        else
            snprintf(buf, len, "%s||", (const char *)sqlite3_column_text(st, 0));
    }
    db_done(st);
    return step == SQLITE_ROW ? EP_OK : step == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(step);
}

static json_t *find_id(const json_t *list, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        if (strcmp(str(x, "id"), id) == 0)
            return x;
    }
    return NULL;
}

/* ---- the drafts ------------------------------------------------------------- */

struct ctx {
    const char *title, *starts, *ends;
    json_t *eval;      /* eval_production */
    json_t *c1, *c2;   /* diag_company / diag_project results, or NULL */
    json_t *suppliers; /* directory records */
    json_t *comms;     /* communications records */
    json_t *tasks;     /* tasks records */
    json_t *missing;   /* what the data lacks */
};

static const char *verdict_label(const char *v)
{
    static const char *const map[][2] = {
        {"reussie", "réussie"},           {"partielle", "partiellement atteinte"},
        {"non_atteinte", "non atteinte"}, {"sans_donnee", "sans donnée"},
        {"brouillon", "brouillon"},       {"a_verifier", "à vérifier (hors moyenne)"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i][0], v) == 0)
            return map[i][1];
    }
    return v;
}

/* The action record's own status, in French. */
static const char *action_status_label(const char *s)
{
    static const char *const map[][2] = {{"draft", "en projet"},
                                         {"planned", "prévue"},
                                         {"in_progress", "en cours"},
                                         {"done", "réalisée"},
                                         {"dropped", "abandonnée"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i][0], s) == 0)
            return map[i][1];
    }
    return s;
}

static const char *priority_label(const json_t *x)
{
    const char *p = str(x, "priority");
    if (p[0] == '\0')
        p = str(x, "grade");
    return p[0] != '\0' ? p : "non gradué";
}

static int methodology(struct ctx *c, struct strbuf *b)
{
    const json_t *sum = json_object_get(c->eval, "summary");
    int rc = strbuf_printf(
        b,
        "Ce dossier présente la démarche écoresponsable menée sur « %s »%s%s%s%s. Elle a suivi "
        "les trois temps de la fabrication.\n\n"
        "- En préparation : diagnostic des pratiques de la société (C1), analyse des impacts du "
        "projet (C2), choix des prestataires et outils (C3) et plan d'action (C4).\n"
        "- Pendant le tournage : mise en œuvre du plan, communication et accompagnement des "
        "équipes (C5, C6), collecte des indicateurs sur le terrain, y compris hors ligne (C7).\n"
        "- En fin de fabrication : bilan carbone (C8), évaluation des écarts au plan (C9) et "
        "valorisation des actions reproductibles (C10).\n\n",
        c->title, c->starts[0] ? ", tourné du " : "", c->starts, c->starts[0] ? " au " : "",
        c->ends);
    if (rc == EP_OK)
        rc = strbuf_printf(b,
                           "Le plan compte %lld action(s), dont %lld mesurée(s) par un "
                           "indicateur relevé. Les données citées viennent de l'outil de suivi "
                           "ecoplateau ; une donnée absente est signalée comme manquante, "
                           "jamais comptée comme nulle.",
                           json_integer_value(json_object_get(sum, "actions")),
                           json_integer_value(json_object_get(sum, "measured")));
    return rc;
}

static int graded_list(struct strbuf *b, const char *heading, const json_t *list)
{
    size_t i;
    json_t *x;
    int rc = strbuf_printf(b, "\n\n%s :", heading);

    if (json_array_size(list) == 0 && rc == EP_OK)
        rc = strbuf_str(b, " aucun relevé.");
    json_array_foreach(list, i, x)
    {
        if (rc != EP_OK)
            break;
        rc = strbuf_printf(b, "\n- %s (%s)", str(x, "text"), priority_label(x));
    }
    return rc;
}

static int diagnostic(struct ctx *c, struct strbuf *b)
{
    int rc;

    if (c->c1 == NULL) {
        json_array_append_new(c->missing, json_string("diagnostic de la société (C1)"));
        return strbuf_str(b, "Diagnostic de la société : " MISSING ". Le questionnaire C1 "
                             "(écran Diagnostic) n'a pas été rempli : les points forts, points "
                             "faibles et axes d'amélioration restent à établir.");
    }
    rc = strbuf_printf(b,
                       "Le diagnostic des pratiques environnementales de la société situe sa "
                       "maturité au niveau %lld sur 5 (%s), avec un score de %.0f sur 100%s.",
                       json_integer_value(json_object_get(c->c1, "level")),
                       str(c->c1, "level_label"),
                       /* a real (57.8): json_integer_value read it as 0 */
                       json_number_value(json_object_get(c->c1, "score")),
                       strcmp(str(c->c1, "status"), "draft") == 0
                           ? " (questionnaire incomplet : diagnostic provisoire)"
                           : "");
    if (rc == EP_OK && json_is_object(json_object_get(c->c1, "previous"))) {
        const json_t *p = json_object_get(c->c1, "previous");
        rc = strbuf_printf(b,
                           " Par rapport au diagnostic de %lld : score %.1f puis %.1f (%+.1f "
                           "points), niveau %lld puis %lld.",
                           json_integer_value(json_object_get(p, "year")),
                           json_number_value(json_object_get(p, "score")),
                           json_number_value(json_object_get(c->c1, "score")),
                           json_number_value(json_object_get(c->c1, "score")) -
                               json_number_value(json_object_get(p, "score")),
                           json_integer_value(json_object_get(p, "level")),
                           json_integer_value(json_object_get(c->c1, "level")));
    }
    if (rc == EP_OK && json_array_size(json_object_get(c->c1, "context")) > 0) {
        size_t i;
        json_t *x;
        rc = strbuf_str(b, "\n\nPratiques et ressources de la société (types de production, "
                           "organisation, partenaires et prestataires) :");
        json_array_foreach(json_object_get(c->c1, "context"), i, x)
        {
            if (rc == EP_OK)
                rc = strbuf_printf(b, "\n- %s", str(x, "text"));
        }
    }
    if (rc == EP_OK && json_array_size(json_object_get(c->c1, "afnor_chapters")) > 0) {
        size_t i;
        json_t *x;
        rc = strbuf_str(b, "\n\nAFNOR SPEC 2308, chapitre par chapitre (niveau sur 3) :");
        json_array_foreach(json_object_get(c->c1, "afnor_chapters"), i, x)
        {
            if (rc == EP_OK)
                rc = strbuf_printf(b, "\n- %s : niveau %lld", str(x, "label"),
                                   json_integer_value(json_object_get(x, "level")));
        }
    }
    if (rc == EP_OK)
        rc = graded_list(b, "Points forts", json_object_get(c->c1, "strengths"));
    if (rc == EP_OK)
        rc = graded_list(b, "Points faibles", json_object_get(c->c1, "weaknesses"));
    if (rc == EP_OK)
        rc = graded_list(b, "Axes d'amélioration", json_object_get(c->c1, "axes"));
    return rc;
}

static const char *quadrant_label(const char *q)
{
    static const char *const map[][2] = {{"prioritaire", "prioritaire"},
                                         {"a_planifier", "à planifier"},
                                         {"gestes_simples", "gestes simples"},
                                         {"secondaire", "secondaire"},
                                         {"transversal", "transversal"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i][0], q) == 0)
            return map[i][1];
    }
    return q;
}

/* The C2 actions ranked by kgCO2e avoided per euro, within the envelope. */
static int budget(struct ctx *c, struct strbuf *b)
{
    const json_t *env = json_object_get(c->c2, "envelope");
    size_t i;
    json_t *a;
    int rc;

    if (json_is_number(json_object_get(env, "eur")))
        rc = strbuf_printf(b,
                           "\n\nEnveloppe fixée par la direction de production : %.0f €. "
                           "Actions candidates classées par kgCO2e évités par euro (milieu de "
                           "la fourchette de coût) ; retenues tant que leur coût haut tient "
                           "dans l'enveloppe (%lld retenue(s), %.0f € au plus, %.0f kgCO2e "
                           "évités) :",
                           json_number_value(json_object_get(env, "eur")),
                           json_integer_value(json_object_get(env, "kept")),
                           json_number_value(json_object_get(env, "cost_max_eur")),
                           json_number_value(json_object_get(env, "avoided_kg")));
    else
        rc = strbuf_str(b, "\n\nEnveloppe de la démarche : " MISSING " (la direction de "
                           "production ne l'a pas fixée). Actions candidates classées par "
                           "kgCO2e évités par euro :");
    json_array_foreach(json_object_get(c->c2, "actions"), i, a)
    {
        json_t *k = json_object_get(a, "kg_per_eur");
        char eff[48];
        if (rc != EP_OK)
            break;
        if (json_is_number(k))
            snprintf(eff, sizeof(eff), "%.2f kgCO2e/€", json_number_value(k));
        else
            snprintf(eff, sizeof(eff), "sans surcoût");
        rc = strbuf_printf(b, "\n- %s : %.0f kgCO2e évités, %.0f à %.0f €, %s%s", str(a, "title"),
                           json_number_value(json_object_get(a, "avoided_kg")),
                           json_number_value(json_object_get(a, "cost_min_eur")),
                           json_number_value(json_object_get(a, "cost_max_eur")), eff,
                           json_is_true(json_object_get(a, "within_envelope")) ? ", retenue"
                           : json_is_false(json_object_get(a, "within_envelope"))
                               ? ", hors enveloppe"
                               : "");
    }
    return rc;
}

static int analysis(struct ctx *c, struct strbuf *b)
{
    size_t i;
    json_t *x;
    int rc;

    if (c->c2 == NULL) {
        json_array_append_new(c->missing, json_string("analyse du projet (C2)"));
        return strbuf_str(b, "Analyse du projet : " MISSING ". Le cadrage C2 (écran Analyse "
                             "du projet) n'a pas été rempli : les éléments du projet et leurs "
                             "impacts restent à décrire.");
    }
    rc = strbuf_str(b, "Éléments du cadrage et leurs impacts :");
    json_array_foreach(json_object_get(c->c2, "impacts"), i, x)
    {
        if (rc != EP_OK)
            break;
        rc = strbuf_printf(b, "\n- %s : %s", str(x, "element"), str(x, "impact"));
    }
    if (rc == EP_OK)
        rc = strbuf_str(b, "\n\nThématiques priorisées (ordre de grandeur de l'empreinte) :");
    json_array_foreach(json_object_get(c->c2, "themes"), i, x)
    {
        char kg[48];
        if (rc != EP_OK)
            break;
        fmt_num(kg, sizeof(kg), json_object_get(x, "kg"), 0, " kgCO2e", 0);
        rc = strbuf_printf(b, "\n- %lld. %s : %s, %s",
                           json_integer_value(json_object_get(x, "rank")), str(x, "label"), kg,
                           quadrant_label(str(x, "quadrant")));
    }
    if (rc == EP_OK)
        rc = budget(c, b);
    return rc;
}

static int plan(struct ctx *c, struct strbuf *b)
{
    const json_t *actions = json_object_get(c->eval, "actions");
    size_t i, n = 0;
    json_t *a;
    int rc = strbuf_printf(b, "Le plan d'action retient %zu action(s) :", json_array_size(actions));

    json_array_foreach(actions, i, a)
    {
        const char *obj = str(a, "objective");
        if (rc != EP_OK)
            break;
        rc = strbuf_printf(b, "\n- %s%s%s", str(a, "title"), obj[0] ? " — " : "", obj);
    }
    if (rc == EP_OK && json_array_size(actions) == 0)
        rc = strbuf_str(b, " " MISSING ".");
    if (rc == EP_OK)
        rc = strbuf_str(b, "\n\nPrestataires et outils retenus (annuaire de la société) :");
    json_array_foreach(c->suppliers, i, a)
    {
        const json_t *f = json_object_get(a, "fields");
        if (rc != EP_OK)
            break;
        if (str(f, "name")[0] == '\0')
            continue;
        n++;
        rc = strbuf_printf(b, "\n- %s (%s%s%s)", str(f, "name"), str(f, "scope"),
                           str(f, "location")[0] ? ", " : "", str(f, "location"));
    }
    if (rc == EP_OK && n == 0)
        rc = strbuf_str(b, " " MISSING ".");
    if (rc == EP_OK)
        rc = strbuf_str(b, "\n\nLe détail des objectifs, indicateurs et prestataires figure en "
                           "annexe.");
    return rc;
}

static int carried_out(struct ctx *c, struct strbuf *b)
{
    const json_t *actions = json_object_get(c->eval, "actions");
    size_t i, briefings = 0, done_tasks = 0;
    json_t *a;
    int rc = strbuf_str(b, "Actions menées :");

    json_array_foreach(actions, i, a)
    {
        const char *st = str(a, "action_status");
        if (rc != EP_OK)
            break;
        rc = strbuf_printf(b, "\n- %s : %s", str(a, "title"),
                           st[0] ? action_status_label(st) : plan_status_label(str(a, "status")));
    }
    json_array_foreach(c->comms, i, a)
    {
        if (strcmp(str(json_object_get(a, "fields"), "kind"), "briefing") == 0 ||
            strcmp(str(json_object_get(a, "fields"), "kind"), "checkpoint") == 0)
            briefings++;
    }
    json_array_foreach(c->tasks, i, a)
    {
        if (json_is_true(json_object_get(json_object_get(a, "fields"), "done")))
            done_tasks++;
    }
    if (rc == EP_OK)
        rc = strbuf_printf(b,
                           "\n\nCommunication : %zu communication(s) aux équipes, dont %zu "
                           "briefing(s) ou point(s) d'étape, chacune dans les formats demandés "
                           "par chaque personne (application, courriel, imprimé, audio, FALC).",
                           json_array_size(c->comms), briefings);
    if (rc == EP_OK && json_array_size(c->comms) == 0)
        json_array_append_new(c->missing, json_string("communications (C5)"));
    if (rc == EP_OK)
        rc = strbuf_printf(b,
                           "\n\nAccompagnement : %zu tâche(s) confiée(s) aux équipes, %zu "
                           "réalisée(s).",
                           json_array_size(c->tasks), done_tasks);
    return rc;
}

static int indicators(struct ctx *c, struct strbuf *b)
{
    const json_t *fp = json_object_get(c->eval, "footprint");
    const json_t *fin = json_object_get(fp, "final"), *prov = json_object_get(fp, "provisional");
    size_t lines = json_array_size(json_object_get(fin, "lines"));
    char pk[48], fk[48], pline[64];
    int rc;

    /* No estimate line: the forecast was not made, not a zero forecast. */
    fmt_num(pk, sizeof(pk),
            json_array_size(json_object_get(prov, "lines")) > 0 ? json_object_get(prov, "total_kg")
                                                                : NULL,
            0, " kgCO2e", 0);
    if (json_array_size(json_object_get(prov, "lines")) == 0) {
        snprintf(pline, sizeof(pline), "n'a pas été saisi (%s)", MISSING);
        json_array_append_new(c->missing, json_string("bilan carbone prévisionnel (C8)"));
    } else {
        snprintf(pline, sizeof(pline), "était de %s", pk);
    }
    fmt_num(fk, sizeof(fk), lines > 0 ? json_object_get(fin, "total_kg") : NULL, 0, " kgCO2e", 0);
    if (lines == 0)
        json_array_append_new(c->missing, json_string("relevés d'indicateurs (C7)"));
    rc = strbuf_printf(b,
                       "%zu indicateur(s) ont été relevés sur le terrain par les équipes. Le "
                       "bilan carbone prévisionnel %s ; le bilan définitif, calculé "
                       "sur les relevés, est de %s.",
                       lines, pline, fk);
    if (rc == EP_OK && json_integer_value(json_object_get(c->eval, "elapsed_days")) <
                           json_integer_value(json_object_get(c->eval, "total_days")))
        rc = strbuf_printf(b,
                           " Tournage en cours (%lld jours sur %lld) : le bilan définitif "
                           "est encore partiel.",
                           json_integer_value(json_object_get(c->eval, "elapsed_days")),
                           json_integer_value(json_object_get(c->eval, "total_days")));
    if (rc == EP_OK)
        rc = strbuf_str(b, " Ces chiffres sont une estimation de travail : le bilan officiel "
                           "se dépose avec un calculateur agréé (Carbon'Clap, SeCO2). Le détail "
                           "par catégorie et par indicateur figure en annexe.");
    return rc;
}

static int results(struct ctx *c, struct strbuf *b)
{
    const json_t *sum = json_object_get(c->eval, "summary");
    size_t i;
    json_t *a;
    char mean[48];
    int rc;

    fmt_num(mean, sizeof(mean), json_object_get(sum, "mean_attainment_pct"), 0, " %", 0);
    rc = strbuf_printf(b,
                       "Sur %lld action(s) : %lld réussie(s), %lld partiellement atteinte(s), "
                       "%lld non atteinte(s), %lld sans donnée. Atteinte moyenne des actions "
                       "mesurées : %s (sur %lld).",
                       json_integer_value(json_object_get(sum, "actions")),
                       json_integer_value(json_object_get(sum, "reussies")),
                       json_integer_value(json_object_get(sum, "partielles")),
                       json_integer_value(json_object_get(sum, "non_atteintes")),
                       json_integer_value(json_object_get(sum, "sans_donnee")), mean,
                       json_integer_value(json_object_get(sum, "measured")));
    json_array_foreach(json_object_get(c->eval, "actions"), i, a)
    {
        char pct[48];
        if (rc != EP_OK)
            break;
        fmt_num(pct, sizeof(pct), json_object_get(a, "attainment_pct"), 0, " %", 0);
        rc = strbuf_printf(b, "\n- %s : %s de l'objectif, %s", str(a, "title"), pct,
                           verdict_label(str(a, "verdict")));
    }
    if (rc == EP_OK)
        rc = strbuf_str(b, "\n\nPoints forts et facteurs de réussite :");
    json_array_foreach(json_object_get(c->eval, "strengths"), i, a)
    {
        if (rc != EP_OK)
            break;
        rc = strbuf_printf(b, "\n- %s", str(a, "text"));
    }
    if (rc == EP_OK && json_array_size(json_object_get(c->eval, "strengths")) == 0)
        rc = strbuf_str(b, " aucun à ce jour.");
    return rc;
}

/* The length of sentence s without its final full stop(s) and spaces, so
 * that the dossier adds exactly one. */
static int stem(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ' '))
        n--;
    return (int)n;
}

static int difficulties(struct ctx *c, struct strbuf *b)
{
    const json_t *list = json_object_get(c->eval, "difficulties");
    size_t i, j;
    json_t *d, *s;
    int rc = strbuf_str(b, "Difficultés rencontrées et solutions proposées pour les prochains "
                           "projets :");

    json_array_foreach(list, i, d)
    {
        if (rc != EP_OK)
            break;
        rc = strbuf_printf(b, "\n- %.*s.", stem(str(d, "text")), str(d, "text"));
        json_array_foreach(json_object_get(d, "solutions"), j, s)
        {
            const char *t = json_string_value(s) != NULL ? json_string_value(s) : "";
            if (rc != EP_OK)
                break;
            rc = strbuf_printf(b, "%s %.*s.", j == 0 ? " Solutions :" : " ;", stem(t), t);
        }
    }
    if (rc == EP_OK && json_array_size(list) == 0)
        rc = strbuf_str(b, " aucune relevée par les données ; les difficultés vécues sur le "
                           "terrain restent à décrire.");
    return rc;
}

static int promotion(struct ctx *c, struct strbuf *b)
{
    const json_t *rep = json_object_get(c->eval, "reproducible");
    size_t i;
    json_t *id;
    int rc = strbuf_str(b, "Pratiques reproductibles, formalisées en fiches pour la "
                           "prochaine production :");

    json_array_foreach(rep, i, id)
    {
        json_t *a = find_id(json_object_get(c->eval, "actions"), json_string_value(id));
        const char *f = str(a, "success_factors");
        if (rc != EP_OK)
            break;
        rc = strbuf_printf(b, "\n- %s%s%s", str(a, "title"), f[0] ? " — " : "", f);
    }
    if (rc == EP_OK && json_array_size(rep) == 0)
        rc = strbuf_str(b, " aucune classée à ce jour (écran Évaluation).");
    if (rc == EP_OK)
        rc = strbuf_str(b, "\n\nKits de communication préparés par public : diffuseur, "
                           "financeur, partenaires et prestataires, futurs collaborateurs, "
                           "grand public (chiffres clés, fiches pratiques, conseils), en page "
                           "web accessible, PDF et texte Markdown.");
    return rc;
}

/* ---- the annexes ------------------------------------------------------------ */

static json_t *annex(const char *id, const char *title, json_t *header)
{
    return json_pack("{s:s, s:s, s:o, s:[]}", "id", id, "title", title, "header", header, "rows");
}

static void add_row(json_t *an, json_t *row)
{
    json_array_append_new(json_object_get(an, "rows"), row);
}

static json_t *num_cell(const json_t *v, int decimals, const char *unit)
{
    char buf[64];
    fmt_num(buf, sizeof(buf), v, decimals, unit, 0);
    return json_string(buf);
}

static json_t *pct_cell(const json_t *v)
{
    char buf[64];
    fmt_num(buf, sizeof(buf), v, 0, " %", 1);
    return json_string(buf);
}

static json_t *annexes(struct ctx *c)
{
    json_t *all = json_array(), *an;
    const json_t *fp = json_object_get(c->eval, "footprint");
    /* Without estimates the forecast column is missing, not zero. */
    int has_forecast =
        json_array_size(json_object_get(json_object_get(fp, "provisional"), "lines")) > 0;
    size_t i;
    json_t *x;

    an = annex("actions", "Annexe 1 — Actions : prévu et réalisé",
               json_pack("[s, s, s, s, s, s, s]", "Action", "Indicateur", "Référence", "Objectif",
                         "Projeté", "Atteinte", "Verdict"));
    json_array_foreach(json_object_get(c->eval, "actions"), i, x)
    {
        const char *ind = str(x, "indicator");
        add_row(an, json_pack("[s, s, o, o, o, o, s]", str(x, "title"), ind[0] ? ind : MISSING,
                              num_cell(json_object_get(x, "baseline"), 2, ""),
                              num_cell(json_object_get(x, "target"), 2, ""),
                              num_cell(json_object_get(x, "projected"), 2, ""),
                              num_cell(json_object_get(x, "attainment_pct"), 0, " %"),
                              verdict_label(str(x, "verdict"))));
    }
    json_array_append_new(all, an);
    an = annex("indicateurs", "Annexe 2 — Données des indicateurs",
               json_pack("[s, s, s, s, s, s]", "Indicateur", "Département", "Quantité", "Unité",
                         "Saisies", "kgCO2e"));
    json_array_foreach(json_object_get(json_object_get(fp, "final"), "lines"), i, x)
    {
        add_row(an, json_pack("[s, s, o, s, o, o]", str(x, "indicator"), str(x, "dept"),
                              num_cell(json_object_get(x, "quantity"), 1, ""), str(x, "unit"),
                              num_cell(json_object_get(x, "entries"), 0, ""),
                              num_cell(json_object_get(x, "kg"), 0, "")));
    }
    json_array_append_new(all, an);
    an = annex("bilan", "Annexe 3 — Bilan carbone par catégorie (kgCO2e)",
               json_pack("[s, s, s, s]", "Catégorie", "Prévisionnel", "Définitif", "Écart"));
    json_array_foreach(json_object_get(fp, "categories"), i, x)
    {
        add_row(an, json_pack(
                        "[s, o, o, o]", str(x, "label"),
                        num_cell(has_forecast ? json_object_get(x, "provisional_kg") : NULL, 0, ""),
                        num_cell(json_object_get(x, "final_kg"), 0, ""),
                        pct_cell(json_object_get(x, "delta_pct"))));
    }
    json_array_append_new(all, an);
    an = annex("prestataires", "Annexe 4 — Prestataires et outils",
               json_pack("[s, s, s, s]", "Nom", "Type", "Périmètre", "Lieu"));
    json_array_foreach(c->suppliers, i, x)
    {
        const json_t *f = json_object_get(x, "fields");
        if (str(f, "name")[0] == '\0')
            continue;
        add_row(an, json_pack("[s, s, s, s]", str(f, "name"), str(f, "kind"), str(f, "scope"),
                              str(f, "location")));
    }
    json_array_append_new(all, an);
    an = annex("communications", "Annexe 5 — Communications",
               json_pack("[s, s, s, s]", "Titre", "Type", "Date", "Statut"));
    json_array_foreach(c->comms, i, x)
    {
        const json_t *f = json_object_get(x, "fields");
        add_row(an, json_pack("[s, s, s, s]", str(f, "title"), str(f, "kind"), str(f, "starts_at"),
                              str(f, "status")));
    }
    json_array_append_new(all, an);
    return all;
}

/* ---- diagnostics from their synced records ---------------------------------- */

/* The C1 answers the questionnaire writes (pwa/js/ui/diag.js). */
static const char *const c1_keys[] = {
    "production_types",  "headcount",       "staff_turnover_pct",    "standard_methods",
    "partners",          "providers",       "supplier_criteria",     "csr_charter",
    "ecoprod_label",     "ecoprod_stars",   "afnor_spec_2308_level", "eco_referent",
    "trained_staff_pct", "past_footprints", "intermittent_pct",      "crew_briefing"};

static int is_blank(const json_t *v)
{
    return v == NULL || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

/* The latest year's C1 record ("c1-<year>") evaluated, or NULL. */
/* The C1 result of one "c1-<year>" record, or NULL when refused. */
static json_t *c1_of(const json_t *rec)
{
    json_t *answers, *edits, *res = NULL;
    char field[64], err[256];
    const char *key;
    json_t *v;
    size_t i;

    answers = json_pack("{s:I}", "year", (json_int_t)strtol(str(rec, "id") + 3, NULL, 10));
    edits = json_object();
    for (i = 0; i < sizeof(c1_keys) / sizeof(c1_keys[0]); i++) {
        v = json_object_get(json_object_get(rec, "fields"), c1_keys[i]);
        if (!is_blank(v))
            json_object_set(answers, c1_keys[i], v);
    }
    json_object_foreach(json_object_get(rec, "fields"), key, v)
    {
        if (strncmp(key, "edit_", 5) == 0 && json_is_object(v))
            json_object_set(edits, key + 5, v);
        /* One field per SPEC 2308 chapter in the record (they merge one by
         * one), one "afnor_chapters" object for diag_company. */
        if (strncmp(key, "afnor_ch_", 9) == 0 && json_is_number(v)) {
            if (json_object_get(answers, "afnor_chapters") == NULL)
                json_object_set_new(answers, "afnor_chapters", json_object());
            json_object_set(json_object_get(answers, "afnor_chapters"), key + 9, v);
        }
    }
    /* Answers the server refuses leave the diagnostic missing, not half-made. */
    if (diag_company(answers, &res, field, sizeof(field), err, sizeof(err)) != EP_OK ||
        diag_company_edit(res, edits, field, sizeof(field), err, sizeof(err)) != EP_OK) {
        json_decref(res);
        res = NULL;
    }
    json_decref(answers);
    json_decref(edits);
    return res;
}

/* The latest year's C1 record ("c1-<year>") evaluated, with the previous
 * year's result in "previous" ({"year", "score", "level"}) when there is
 * one, or NULL. */
static json_t *company_diag(const json_t *diags)
{
    const json_t *latest = NULL, *before = NULL;
    json_t *res, *prev;
    size_t i;
    json_t *x;

    json_array_foreach(diags, i, x)
    {
        if (strncmp(str(x, "id"), "c1-", 3) != 0)
            continue;
        if (latest == NULL || strcmp(str(x, "id"), str(latest, "id")) > 0) {
            before = latest;
            latest = x;
        } else if (before == NULL || strcmp(str(x, "id"), str(before, "id")) > 0) {
            before = x;
        }
    }
    if (latest == NULL)
        return NULL;
    res = c1_of(latest);
    prev = before != NULL && res != NULL ? c1_of(before) : NULL;
    if (prev != NULL)
        json_object_set_new(res, "previous",
                            json_pack("{s:I, s:O, s:O}", "year",
                                      (json_int_t)strtol(str(before, "id") + 3, NULL, 10), "score",
                                      json_object_get(prev, "score"), "level",
                                      json_object_get(prev, "level")));
    json_decref(prev);
    return res;
}

static json_t *project_diag(struct db *db, const json_t *diags)
{
    const json_t *rec = find_id(diags, "c2-project");
    json_t *framing = NULL, *res = NULL;
    char field[64], err[256];

    if (rec == NULL || diag_project_framing(json_object_get(rec, "fields"), &framing) != EP_OK)
        return NULL;
    if (diag_project(db, framing, &res, field, sizeof(field), err, sizeof(err)) != EP_OK) {
        json_decref(res);
        res = NULL;
    }
    json_decref(framing);
    return res;
}

/* ---- assembling ------------------------------------------------------------- */

static int (*const writers[NPARTS])(struct ctx *, struct strbuf *) = {
    methodology, diagnostic, analysis,     plan,     carried_out,
    indicators,  results,    difficulties, promotion};

/* One part: the draft, then the candidate's record over it. */
static json_t *part(struct ctx *c, size_t i, const json_t *edits, int *rc)
{
    const json_t *rec = find_id(edits, parts[i].id);
    const json_t *f = json_object_get(rec, "fields");
    const json_t *text = json_object_get(f, "text"), *comp = json_object_get(f, "competencies");
    json_t *competencies = json_array(), *p;
    struct strbuf b, m;
    char *draft;
    size_t k;
    json_t *x;

    strbuf_init(&b, TEXT_MAX);
    strbuf_init(&m, 256);
    *rc = writers[i](c, &b);
    draft = *rc == EP_OK ? strbuf_detach(&b, NULL) : NULL;
    strbuf_release(&b);
    if (draft == NULL) {
        *rc = *rc != EP_OK ? *rc : EP_ENOMEM;
        json_decref(competencies);
        return NULL;
    }
    if (json_is_array(comp) && json_array_size(comp) > 0) {
        json_array_foreach(comp, k, x)
        {
            if (json_is_string(x))
                json_array_append(competencies, x);
        }
    }
    if (json_array_size(competencies) == 0) { /* none edited: the référentiel's mapping */
        for (k = 0; k < 3 && parts[i].competencies[k] != NULL; k++)
            json_array_append_new(competencies, json_string(parts[i].competencies[k]));
    }
    json_array_foreach(competencies, k, x)
    {
        *rc = strbuf_printf(&m, "%s%s", k > 0 ? " · " : "", json_string_value(x));
    }
    p = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:b, s:b}", "id", parts[i].id, "title",
                  parts[i].title, "competencies", competencies, "margin", m.p != NULL ? m.p : "",
                  "text", json_is_string(text) ? json_string_value(text) : draft, "generated",
                  draft, "source", json_is_string(text) ? "edited" : "generated", "include",
                  !json_is_false(json_object_get(f, "include")), "conflict",
                  json_is_true(json_object_get(rec, "conflicts")));
    strbuf_release(&m);
    free(draft);
    if (p == NULL)
        *rc = EP_ENOMEM;
    return p;
}

int dossier_build(struct db *db, const char *production_id, const char *today, json_t **out)
{
    char head[512], space[DIRECTORY_SPACE_MAX];
    struct ctx c = {0};
    json_t *diags = NULL, *edits = NULL, *list = NULL;
    char *sep1, *sep2;
    int rc;

    *out = NULL;
    rc = production_title(db, production_id, head, sizeof(head));
    if (rc != EP_OK)
        return rc;
    sep1 = strchr(head, '|');
    sep2 = sep1 != NULL ? strchr(sep1 + 1, '|') : NULL;
    if (sep1 == NULL || sep2 == NULL)
        return EP_EINVAL;
    *sep1 = *sep2 = '\0';
    c.title = head;
    c.starts = sep1 + 1;
    c.ends = sep2 + 1;
    c.missing = json_array();
    rc = eval_production(db, production_id, today, &c.eval);
    if (rc == EP_OK)
        rc = records(db, production_id, "diagnostics", &diags);
    if (rc == EP_OK)
        rc = records(db, production_id, "dossier_parts", &edits);
    if (rc == EP_OK)
        rc = records(db, production_id, "communications", &c.comms);
    if (rc == EP_OK)
        rc = records(db, production_id, "tasks", &c.tasks);
    if (rc == EP_OK) {
        /* The directory is the company's: no space means no entries yet. */
        if (directory_space(db, production_id, space, sizeof(space)) == EP_OK)
            rc = records(db, space, "suppliers", &c.suppliers);
        else
            c.suppliers = json_array();
    }
    if (rc != EP_OK)
        goto out;
    c.c1 = company_diag(diags);
    c.c2 = project_diag(db, diags);
    if (json_array_size(c.suppliers) == 0)
        json_array_append_new(c.missing, json_string("prestataires et outils (C3)"));
    list = json_array();
    for (size_t i = 0; i < NPARTS && rc == EP_OK; i++)
        json_array_append_new(list, part(&c, i, edits, &rc));
    if (rc != EP_OK)
        goto out;
    *out =
        json_pack("{s:s, s:s, s:i, s:O, s:o, s:O}", "production", c.title, "today", today, "limit",
                  DOSSIER_PAGE_LIMIT, "parts", list, "annexes", annexes(&c), "missing", c.missing);
    rc = *out != NULL ? EP_OK : EP_ENOMEM;
out:
    json_decref(list);
    json_decref(diags);
    json_decref(edits);
    json_decref(c.eval);
    json_decref(c.c1);
    json_decref(c.c2);
    json_decref(c.suppliers);
    json_decref(c.comms);
    json_decref(c.tasks);
    json_decref(c.missing);
    return rc;
}

/* ---- Markdown --------------------------------------------------------------- */

/* Inline text: markup and table pipes escaped, so a candidate's "*" or "|"
 * is shown as typed. */
static int md(struct strbuf *b, const char *s, int table)
{
    int rc = EP_OK;
    for (; rc == EP_OK && *s != '\0'; s++) {
        if (table && (*s == '\n' || *s == '\r'))
            rc = strbuf_add(b, " ", 1);
        else if (strchr("|\\*_`#[]<>", *s) != NULL)
            rc = strbuf_printf(b, "\\%c", *s);
        else
            rc = strbuf_add(b, s, 1);
    }
    return rc;
}

/* A part's text: each line escaped, "- " list items kept as lists. */
static int md_text(struct strbuf *b, const char *text)
{
    int rc = EP_OK;
    while (rc == EP_OK && *text != '\0') {
        const char *nl = strchr(text, '\n');
        size_t n = nl != NULL ? (size_t)(nl - text) : strlen(text);
        char *line = strndup(text, n);
        if (line == NULL)
            return EP_ENOMEM;
        if (strncmp(line, "- ", 2) == 0) {
            rc = strbuf_str(b, "- ");
            if (rc == EP_OK)
                rc = md(b, line + 2, 0);
        } else {
            rc = md(b, line, 0);
        }
        if (rc == EP_OK)
            rc = strbuf_str(b, "\n");
        free(line);
        text += n + (nl != NULL ? 1 : 0);
    }
    return rc;
}

int dossier_markdown(const json_t *d, char **out, size_t *len)
{
    struct strbuf b;
    size_t i, j, k;
    json_t *p, *an, *row, *cell;
    int rc;

    strbuf_init(&b, (size_t)4 * 1024 * 1024);
    rc = strbuf_str(&b, "# Dossier professionnel — ");
    if (rc == EP_OK)
        rc = md(&b, str(d, "production"), 1);
    if (rc == EP_OK)
        rc = strbuf_str(&b, "\n");
    json_array_foreach(json_object_get(d, "parts"), i, p)
    {
        if (rc != EP_OK)
            break;
        if (json_is_false(json_object_get(p, "include")))
            continue;
        rc = strbuf_printf(&b, "\n## %s\n\n> Compétences : ", str(p, "title"));
        if (rc == EP_OK)
            rc = md(&b, str(p, "margin"), 1);
        if (rc == EP_OK)
            rc = strbuf_str(&b, "\n\n");
        if (rc == EP_OK)
            rc = md_text(&b, str(p, "text"));
    }
    if (rc == EP_OK)
        rc = strbuf_str(&b, "\n---\n\n# Annexes\n");
    json_array_foreach(json_object_get(d, "annexes"), i, an)
    {
        const json_t *head = json_object_get(an, "header");
        if (rc != EP_OK)
            break;
        rc = strbuf_printf(&b, "\n## %s\n\n|", str(an, "title"));
        json_array_foreach(head, k, cell)
        {
            if (rc == EP_OK)
                rc = strbuf_printf(&b, " %s |", json_string_value(cell));
        }
        if (rc == EP_OK)
            rc = strbuf_str(&b, "\n|");
        for (k = 0; rc == EP_OK && k < json_array_size(head); k++)
            rc = strbuf_str(&b, " --- |");
        if (rc == EP_OK && json_array_size(json_object_get(an, "rows")) == 0)
            rc = strbuf_str(&b, "\n\n*Aucune donnée.*");
        json_array_foreach(json_object_get(an, "rows"), j, row)
        {
            if (rc == EP_OK)
                rc = strbuf_str(&b, "\n|");
            json_array_foreach(row, k, cell)
            {
                if (rc == EP_OK)
                    rc = strbuf_str(&b, " ");
                if (rc == EP_OK)
                    rc = md(&b, json_string_value(cell) != NULL ? json_string_value(cell) : "", 1);
                if (rc == EP_OK)
                    rc = strbuf_str(&b, " |");
            }
        }
        if (rc == EP_OK)
            rc = strbuf_str(&b, "\n");
    }
    if (rc != EP_OK) {
        strbuf_release(&b);
        return rc;
    }
    *out = strbuf_detach(&b, len);
    return *out != NULL ? EP_OK : EP_ENOMEM;
}
