/* export_evaluation.c - the evaluation as a PDF (see export_evaluation.h). */
#include "export_evaluation.h"
#include "err.h"
#include "export.h"
#include "pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A number with its unit, or "donnée manquante": never 0 for missing. */
static void eval_num(char *buf, size_t len, const json_t *v, int decimals, const char *unit)
{
    if (json_is_number(v))
        snprintf(buf, len, "%.*f%s", decimals, json_number_value(v), unit);
    else
        snprintf(buf, len, "donnée manquante");
}

static const char *verdict_text(const char *v)
{
    static const char *const map[][2] = {{"reussie", "Réussie"},
                                         {"partielle", "Partiellement atteinte"},
                                         {"non_atteinte", "Non atteinte"},
                                         {"sans_donnee", "Sans donnée"},
                                         {"brouillon", "Brouillon (à compléter)"},
                                         {"a_verifier", "À vérifier (hors moyenne)"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i][0], v) == 0)
            return map[i][1];
    }
    return v;
}

/* One action: planned against actual, as a two-column table. */
static int eval_action(struct pdf *p, const json_t *a)
{
    static const char *const head[] = {"Prévu / réalisé", "Valeur"};
    const json_t *rep = json_object_get(a, "reproducible");
    char base[64], target[64], cur[64], proj[64], pct[64];
    const char *cells[16];
    int rc =
        pdf_heading(p, 2, export_str(a, "title")[0] ? export_str(a, "title") : export_str(a, "id"));

    eval_num(base, sizeof(base), json_object_get(a, "baseline"), 2, "");
    eval_num(target, sizeof(target), json_object_get(a, "target"), 2, "");
    eval_num(cur, sizeof(cur), json_object_get(a, "current"), 2, "");
    eval_num(proj, sizeof(proj), json_object_get(a, "projected"), 2, "");
    eval_num(pct, sizeof(pct), json_object_get(a, "attainment_pct"), 0, " %");
    cells[0] = "Indicateur";
    cells[1] = export_str(a, "indicator")[0] ? export_str(a, "indicator") : "donnée manquante";
    cells[2] = "Référence (prévu)";
    cells[3] = base;
    cells[4] = "Objectif (prévu)";
    cells[5] = target;
    cells[6] = "Relevé à ce jour (réalisé)";
    cells[7] = cur;
    cells[8] = "Projeté sur le tournage (réalisé)";
    cells[9] = proj;
    cells[10] = "Atteinte de l'objectif";
    cells[11] = pct;
    cells[12] = "Verdict";
    cells[13] = verdict_text(export_str(a, "verdict"));
    cells[14] = "Classement";
    cells[15] = json_is_true(rep)    ? "Reproductible sur un prochain projet"
                : json_is_false(rep) ? "Spécifique à ce film"
                                     : "Non classée";
    if (rc == EP_OK)
        rc = pdf_table(p, head, 2, cells, 8);
    return rc;
}

/* A list of {"text","solutions"?} items as paragraphs. */
static int eval_items(struct pdf *p, const char *title, const json_t *list, const char *none)
{
    char line[1200];
    size_t i, j;
    json_t *x, *s;
    int rc = pdf_heading(p, 2, title);

    if (rc == EP_OK && json_array_size(list) == 0)
        rc = pdf_note(p, none);
    json_array_foreach(list, i, x)
    {
        if (rc != EP_OK)
            break;
        snprintf(line, sizeof(line), "• %s", export_str(x, "text"));
        rc = pdf_paragraph(p, line);
        json_array_foreach(json_object_get(x, "solutions"), j, s)
        {
            if (rc != EP_OK)
                break;
            snprintf(line, sizeof(line), "Solution proposée : %s",
                     json_string_value(s) != NULL ? json_string_value(s) : "");
            rc = pdf_note(p, line);
        }
    }
    return rc;
}

int export_evaluation_pdf(const json_t *ev, const char *title, char **out, size_t *len)
{
    static const char *const fhead[] = {"Catégorie", "Prévisionnel (kgCO2e)", "Définitif (kgCO2e)",
                                        "Écart"};
    const json_t *sum = json_object_get(ev, "summary"), *fp = json_object_get(ev, "footprint");
    const json_t *cats = json_object_get(fp, "categories");
    size_t nc = json_array_size(cats), i;
    char head[512], line[1024], mean[64], (*vals)[3][48] = NULL;
    const char **cells = NULL;
    const json_t *x;
    struct pdf *p;
    int rc = EP_ENOMEM;

    snprintf(head, sizeof(head), "Évaluation de la démarche — %s", title);
    p = pdf_new(head, "fr-FR", "Évaluation : le plan au regard de la réalité (compétence C9)");
    cells = calloc(nc * 4 + 1, sizeof(*cells));
    vals = calloc(nc + 1, sizeof(*vals));
    if (p == NULL || cells == NULL || vals == NULL)
        goto out;
    pdf_page_numbers(p, 1);
    rc = pdf_heading(p, 1, head);
    eval_num(mean, sizeof(mean), json_object_get(sum, "mean_attainment_pct"), 0, " %");
    snprintf(line, sizeof(line),
             "Au %s (%lld jours de tournage sur %lld) : %lld action(s), %lld réussie(s), %lld "
             "partiellement atteinte(s), %lld non atteinte(s), %lld sans donnée, %lld "
             "brouillon(s). Atteinte moyenne des %lld action(s) mesurée(s) : %s.",
             export_str(ev, "today"), json_integer_value(json_object_get(ev, "elapsed_days")),
             json_integer_value(json_object_get(ev, "total_days")),
             json_integer_value(json_object_get(sum, "actions")),
             json_integer_value(json_object_get(sum, "reussies")),
             json_integer_value(json_object_get(sum, "partielles")),
             json_integer_value(json_object_get(sum, "non_atteintes")),
             json_integer_value(json_object_get(sum, "sans_donnee")),
             json_integer_value(json_object_get(sum, "brouillons")),
             json_integer_value(json_object_get(sum, "measured")), mean);
    if (rc == EP_OK)
        rc = pdf_paragraph(p, line);
    if (rc == EP_OK)
        rc = pdf_heading(p, 1, "Actions : prévu et réalisé");
    json_array_foreach(json_object_get(ev, "actions"), i, x)
    {
        if (rc == EP_OK)
            rc = eval_action(p, x);
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 1, "Bilan carbone : prévisionnel et définitif");
    snprintf(line, sizeof(line),
             "Prévisionnel : %.0f kgCO2e. Définitif : %.0f kgCO2e. Estimation de travail : le "
             "bilan officiel se dépose avec un calculateur agréé (Carbon'Clap, SeCO2).",
             export_num(json_object_get(fp, "provisional"), "total_kg"),
             export_num(json_object_get(fp, "final"), "total_kg"));
    if (rc == EP_OK)
        rc = pdf_paragraph(p, line);
    if (rc == EP_OK && json_integer_value(json_object_get(ev, "elapsed_days")) <
                           json_integer_value(json_object_get(ev, "total_days")))
        rc = pdf_note(p, "Tournage en cours : le bilan définitif est encore partiel.");
    json_array_foreach(cats, i, x)
    {
        json_t *pct = json_object_get(x, "delta_pct");
        snprintf(vals[i][0], sizeof(vals[i][0]), "%.0f", export_num(x, "provisional_kg"));
        snprintf(vals[i][1], sizeof(vals[i][1]), "%.0f", export_num(x, "final_kg"));
        if (json_is_number(pct))
            snprintf(vals[i][2], sizeof(vals[i][2]), "%+.0f %%", json_number_value(pct));
        else
            snprintf(vals[i][2], sizeof(vals[i][2]), "sans prévisionnel");
        cells[i * 4] = export_str(x, "label");
        cells[i * 4 + 1] = vals[i][0];
        cells[i * 4 + 2] = vals[i][1];
        cells[i * 4 + 3] = vals[i][2];
    }
    if (rc == EP_OK && nc > 0)
        rc = pdf_table(p, fhead, 4, cells, nc);
    if (rc == EP_OK)
        rc = pdf_heading(p, 1, "Enseignements");
    if (rc == EP_OK)
        rc = eval_items(p, "Points forts et facteurs de réussite", json_object_get(ev, "strengths"),
                        "Aucun à ce jour.");
    if (rc == EP_OK)
        rc = eval_items(p, "Difficultés et solutions pour les prochains projets",
                        json_object_get(ev, "difficulties"), "Aucune relevée par les données.");
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Reproductible ou spécifique à ce film");
    json_array_foreach(json_object_get(ev, "actions"), i, x)
    {
        const char *v = export_str(x, "verdict");
        const json_t *rep = json_object_get(x, "reproducible");
        if (rc != EP_OK)
            break;
        if (strcmp(v, "reussie") != 0 && strcmp(v, "partielle") != 0)
            continue;
        snprintf(line, sizeof(line), "• %s : %s", export_str(x, "title"),
                 json_is_true(rep)    ? "reproductible sur un prochain projet"
                 : json_is_false(rep) ? "spécifique à ce film"
                                      : "à classer");
        rc = pdf_paragraph(p, line);
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
out:
    free(cells);
    free(vals);
    pdf_free(p);
    return rc;
}
