/* export_diag.c - the C1 and C2 summaries (see export_diag.h). */
#include "export_diag.h"
#include "err.h"
#include "export.h"
#include "pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends a list of {"text","priority"|"grade","why"} as paragraphs. */
static int items(struct pdf *p, const json_t *list, const char *tag_key)
{
    size_t i;
    json_t *it;
    int rc = EP_OK;

    if (json_array_size(list) == 0)
        return pdf_paragraph(p, "—");
    json_array_foreach(list, i, it)
    {
        char line[1024];
        const char *tag = export_str(it, tag_key);
        const char *why = export_str(it, "why");
        snprintf(line, sizeof(line), "%s%s%s%s", tag[0] ? "[" : "", tag, tag[0] ? "] " : "",
                 export_str(it, "text"));
        rc = pdf_paragraph(p, line);
        if (rc == EP_OK && why[0] != '\0')
            rc = pdf_note(p, why);
        if (rc == EP_OK && export_str(it, "edited_by")[0] != '\0') {
            /* The user's wording, kept with who changed it and when ("at" is
             * an ISO 8601 time: its date is enough on paper). */
            snprintf(line, sizeof(line), "Modifié par %.200s le %.10s.",
                     export_str(it, "edited_by"), export_str(it, "edited_at"));
            rc = pdf_note(p, line);
        }
        if (rc != EP_OK)
            break;
    }
    return rc;
}

int export_diag_company_pdf(const json_t *result, const char *company, char **out, size_t *len)
{
    char text[512];
    struct pdf *p;
    int rc;

    *out = NULL;
    snprintf(text, sizeof(text), "Diagnostic écoresponsable — %s", company);
    p = pdf_new(text, "fr-FR", "Compétence C1 : diagnostic des pratiques de la société");
    if (p == NULL)
        return EP_ENOMEM;
    rc = pdf_heading(p, 1, text);
    if (rc == EP_OK)
        rc = pdf_note(p, "Compétence C1 du référentiel : établir un diagnostic des pratiques "
                         "environnementales d'une société de production.");
    snprintf(text, sizeof(text), "Niveau de maturité : %s (%d sur 5), score %.0f sur 100%s.",
             export_str(result, "level_label"),
             (int)json_integer_value(json_object_get(result, "level")), export_num(result, "score"),
             strcmp(export_str(result, "status"), "draft") == 0
                 ? " — brouillon, réponses manquantes"
                 : "");
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text);
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Points forts");
    if (rc == EP_OK)
        rc = items(p, json_object_get(result, "strengths"), "grade");
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Points faibles");
    if (rc == EP_OK)
        rc = items(p, json_object_get(result, "weaknesses"), "priority");
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Axes d'amélioration");
    if (rc == EP_OK)
        rc = items(p, json_object_get(result, "axes"), "priority");
    if (rc == EP_OK) {
        const json_t *ms = json_object_get(result, "markers");
        size_t n = json_array_size(ms), i;
        char(*cells)[EXPORT_CELL] = calloc(n * 3 + 1, EXPORT_CELL);
        const char **ptrs = calloc(n * 3 + 1, sizeof(char *));
        json_t *m;
        if (cells == NULL || ptrs == NULL) {
            rc = EP_ENOMEM;
        } else {
            json_array_foreach(ms, i, m)
            {
                snprintf(cells[i * 3], EXPORT_CELL, "%s", export_str(m, "marker"));
                snprintf(cells[i * 3 + 1], EXPORT_CELL, "%.1f / %.0f", export_num(m, "points"),
                         export_num(m, "max"));
                snprintf(cells[i * 3 + 2], EXPORT_CELL, "%.90s", export_str(m, "why"));
                for (int c = 0; c < 3; c++)
                    ptrs[i * 3 + (size_t)c] = cells[i * 3 + (size_t)c];
            }
            rc = pdf_heading(p, 2, "Raisonnement, marqueur par marqueur");
            if (rc == EP_OK) {
                static const char *const head[] = {"Marqueur", "Points", "Pourquoi"};
                rc = pdf_table(p, head, 3, ptrs, n);
            }
        }
        free(cells);
        free(ptrs);
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
    pdf_free(p);
    return rc;
}

int export_diag_project_pdf(const json_t *result, const char *title, char **out, size_t *len)
{
    char text[512];
    struct pdf *p;
    size_t i;
    json_t *x;
    int rc;

    *out = NULL;
    snprintf(text, sizeof(text), "Analyse des impacts — %s", title);
    p = pdf_new(text, "fr-FR", "Compétence C2 : impacts du projet et thématiques prioritaires");
    if (p == NULL)
        return EP_ENOMEM;
    rc = pdf_heading(p, 1, text);
    if (rc == EP_OK)
        rc = pdf_note(p,
                      "Compétence C2 du référentiel : analyser les impacts écologiques potentiels "
                      "du projet et prioriser les thématiques. Ordres de grandeur pour choisir "
                      "où agir, pas un bilan carbone.");
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Ce que chaque élément implique");
    json_array_foreach(json_object_get(result, "impacts"), i, x)
    {
        if (rc != EP_OK)
            break;
        snprintf(text, sizeof(text), "%s : %s", export_str(x, "element"), export_str(x, "impact"));
        rc = pdf_paragraph(p, text);
    }
    if (rc == EP_OK) {
        const json_t *th = json_object_get(result, "themes");
        size_t n = json_array_size(th);
        char(*cells)[EXPORT_CELL] = calloc(n * 5 + 1, EXPORT_CELL);
        const char **ptrs = calloc(n * 5 + 1, sizeof(char *));
        if (cells == NULL || ptrs == NULL) {
            rc = EP_ENOMEM;
        } else {
            json_array_foreach(th, i, x)
            {
                json_int_t rank = json_integer_value(json_object_get(x, "rank"));
                snprintf(cells[i * 5], EXPORT_CELL, "%s", rank > 0 ? "" : "—");
                if (rank > 0)
                    snprintf(cells[i * 5], EXPORT_CELL, "%lld", (long long)rank);
                snprintf(cells[i * 5 + 1], EXPORT_CELL, "%s", export_str(x, "label"));
                export_fr_num(export_num(x, "kg") / 1000.0, 1, cells[i * 5 + 2], EXPORT_CELL);
                snprintf(cells[i * 5 + 3], EXPORT_CELL, "%d / 3",
                         (int)json_integer_value(json_object_get(x, "effort")));
                snprintf(cells[i * 5 + 4], EXPORT_CELL, "%s", export_str(x, "quadrant"));
                for (int c = 0; c < 5; c++)
                    ptrs[i * 5 + (size_t)c] = cells[i * 5 + (size_t)c];
            }
            rc = pdf_heading(p, 2, "Thématiques priorisées");
            if (rc == EP_OK) {
                static const char *const head[] = {"Rang", "Thématique", "tCO2e (ordre)", "Effort",
                                                   "Matrice"};
                rc = pdf_table(p, head, 5, ptrs, n);
            }
        }
        free(cells);
        free(ptrs);
    }
    /* The office's placements in the matrix, with who made them and when. */
    json_array_foreach(json_object_get(result, "themes"), i, x)
    {
        if (rc != EP_OK)
            break;
        if (export_str(x, "adjusted_by")[0] == '\0')
            continue;
        snprintf(text, sizeof(text), "%s : placement ajusté par %.200s le %.10s (calculé : %s).",
                 export_str(x, "label"), export_str(x, "adjusted_by"), export_str(x, "adjusted_at"),
                 export_str(x, "computed_quadrant"));
        rc = pdf_note(p, text);
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
    pdf_free(p);
    return rc;
}
