/* export_footprint.c - the footprint workbook and its PDF summary (see
 * export_footprint.h). */
#include "export_footprint.h"
#include "carbon.h"
#include "err.h"
#include "export.h"
#include "pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* Sheet names: at most 31 characters, so short forms of the categories. */
static const char *const sheets[][2] = {
    {"production", "Production"},
    {"locations", "Lieux de tournage"},
    {"sets", "Décors"},
    {"hmc_costume", "HMC et costumes"},
    {"transport", "Transport"},
    {"logistics", "Régie"},
    {"equipment", "Équipement technique"},
    {"postproduction", "Postproduction"},
};
#define NSHEETS (sizeof(sheets) / sizeof(sheets[0]))

struct fmt {
    lxw_format *title, *head, *kg, *qty, *pct, *note;
};

static void summary(lxw_workbook *wb, const struct fmt *f, const json_t *cmp, const char *title)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Synthèse");
    const json_t *fin = json_object_get(cmp, "final");
    const json_t *prov = json_object_get(cmp, "provisional");
    const json_t *rows = json_object_get(cmp, "categories");
    size_t i;
    json_t *row;
    lxw_row_t r = 8;

    worksheet_set_column(ws, 0, 0, 42, NULL);
    worksheet_set_column(ws, 1, 4, 18, NULL);
    worksheet_write_string(ws, 0, 0, title, f->title);
    worksheet_write_string(ws, 1, 0, export_str(fin, "notice"), f->note);
    worksheet_write_string(ws, 3, 0, "Jeu de facteurs d'émission", NULL);
    worksheet_write_number(ws, 3, 1, export_num(fin, "factor_version"), NULL);
    worksheet_write_string(ws, 4, 0, "Bilan définitif (kgCO2e)", NULL);
    worksheet_write_number(ws, 4, 1, export_num(fin, "total_kg"), f->kg);
    worksheet_write_string(ws, 4, 2, "± (kgCO2e)", NULL);
    worksheet_write_number(ws, 4, 3, export_num(fin, "uncertainty_kg"), f->kg);
    worksheet_write_string(ws, 5, 0, "Bilan prévisionnel (kgCO2e)", NULL);
    worksheet_write_number(ws, 5, 1, export_num(prov, "total_kg"), f->kg);
    worksheet_write_string(ws, 5, 2, "± (kgCO2e)", NULL);
    worksheet_write_number(ws, 5, 3, export_num(prov, "uncertainty_kg"), f->kg);
    worksheet_write_string(ws, 7, 0, "Catégorie", f->head);
    worksheet_write_string(ws, 7, 1, "Prévisionnel (kgCO2e)", f->head);
    worksheet_write_string(ws, 7, 2, "Définitif (kgCO2e)", f->head);
    worksheet_write_string(ws, 7, 3, "Écart (kgCO2e)", f->head);
    worksheet_write_string(ws, 7, 4, "Écart (%)", f->head);
    json_array_foreach(rows, i, row)
    {
        json_t *pct = json_object_get(row, "delta_pct");
        worksheet_write_string(ws, r, 0, export_str(row, "label"), NULL);
        worksheet_write_number(ws, r, 1, export_num(row, "provisional_kg"), f->kg);
        worksheet_write_number(ws, r, 2, export_num(row, "final_kg"), f->kg);
        worksheet_write_number(ws, r, 3, export_num(row, "delta_kg"), f->kg);
        if (json_is_number(pct))
            worksheet_write_number(ws, r, 4, json_number_value(pct) / 100.0, f->pct);
        else
            worksheet_write_string(ws, r, 4, "—", NULL); /* no provisional: no ratio */
        r++;
    }
}

static void category_sheet(lxw_workbook *wb, const struct fmt *f, const json_t *fin,
                           const char *key, const char *name)
{
    static const char *const head[] = {
        "Indicateur", "Département", "Quantité", "Unité",     "Facteur (kgCO2e/unité)",
        "kgCO2e",     "± kgCO2e",    "Saisies",  "À vérifier"};
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    const json_t *lines = json_object_get(fin, "lines");
    lxw_row_t r = 2;
    size_t i;
    json_t *l;

    worksheet_set_column(ws, 0, 0, 26, NULL);
    worksheet_set_column(ws, 1, 8, 14, NULL);
    worksheet_write_string(ws, 0, 0, carbon_category_label(key), f->title);
    for (size_t c = 0; c < sizeof(head) / sizeof(head[0]); c++)
        worksheet_write_string(ws, 1, (lxw_col_t)c, head[c], f->head);
    json_array_foreach(lines, i, l)
    {
        if (strcmp(export_str(l, "category"), key) != 0)
            continue;
        worksheet_write_string(ws, r, 0, export_str(l, "name_fr"), NULL);
        worksheet_write_string(ws, r, 1, export_str(l, "dept"), NULL);
        worksheet_write_number(ws, r, 2, export_num(l, "quantity"), f->qty);
        worksheet_write_string(ws, r, 3, export_str(l, "unit_fr"), NULL);
        worksheet_write_number(ws, r, 4, export_num(l, "factor"), NULL);
        worksheet_write_number(ws, r, 5, export_num(l, "kg"), f->kg);
        worksheet_write_number(ws, r, 6, export_num(l, "uncertainty_kg"), f->kg);
        worksheet_write_number(ws, r, 7, export_num(l, "entries"), NULL);
        worksheet_write_number(ws, r, 8, export_num(l, "flagged"), NULL);
        r++;
    }
    worksheet_write_string(ws, r, 0, "Total", f->head);
    worksheet_write_number(
        ws, r, 5, export_num(json_object_get(json_object_get(fin, "by_category"), key), "kg"),
        f->kg);
}

static void factors_sheet(lxw_workbook *wb, const struct fmt *f, const json_t *fin)
{
    static const char *const head[] = {"Facteur (indicateur)",
                                       "Valeur (kgCO2e/unité)",
                                       "Unité",
                                       "Identifiant Base Carbone",
                                       "Statut",
                                       "Source",
                                       "Méthode"};
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Facteurs");
    json_t *seen = json_object();
    lxw_row_t r = 1;
    size_t i;
    json_t *l;

    worksheet_set_column(ws, 0, 0, 30, NULL);
    worksheet_set_column(ws, 5, 5, 60, NULL);
    for (size_t c = 0; c < sizeof(head) / sizeof(head[0]); c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], f->head);
    json_array_foreach(json_object_get(fin, "lines"), i, l)
    {
        const char *id = export_str(l, "factor_id");
        if (seen == NULL || json_object_get(seen, id) != NULL)
            continue;
        json_object_set_new(seen, id, json_true());
        worksheet_write_string(ws, r, 0, export_str(l, "name_fr"), NULL);
        worksheet_write_number(ws, r, 1, export_num(l, "factor"), NULL);
        worksheet_write_string(ws, r, 2, export_str(l, "unit_fr"), NULL);
        worksheet_write_string(ws, r, 3, export_str(l, "official_id"), NULL);
        worksheet_write_string(ws, r, 4, carbon_status_label(export_str(l, "factor_status")), NULL);
        worksheet_write_string(ws, r, 5, export_str(l, "source_url"), NULL);
        worksheet_write_string(ws, r, 6, export_str(l, "factor_method"), NULL);
        r++;
    }
    json_decref(seen);
}

int export_footprint_xlsx(const json_t *compare, const char *title, const char *tmpdir, char **out,
                          size_t *len)
{
    char path[512];
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
    lxw_workbook *wb;
    struct fmt f;
    int fd, rc;

    *out = NULL;
    *len = 0;
    snprintf(path, sizeof(path), "%s/ep-export-XXXXXX", tmpdir);
    fd = mkstemp(path); /* a unique name; libxlsxwriter reopens it by path */
    if (fd < 0)
        return EP_EIO;
    close(fd);
    opt.tmpdir = (char *)tmpdir;
    wb = workbook_new_opt(path, &opt);
    if (wb == NULL) {
        unlink(path);
        return EP_ENOMEM;
    }
    f.title = workbook_add_format(wb);
    format_set_bold(f.title);
    format_set_font_size(f.title, 14);
    f.head = workbook_add_format(wb);
    format_set_bold(f.head);
    format_set_bottom(f.head, LXW_BORDER_THIN);
    f.kg = workbook_add_format(wb);
    format_set_num_format(f.kg, "#,##0.0");
    f.qty = workbook_add_format(wb);
    format_set_num_format(f.qty, "#,##0.00");
    f.pct = workbook_add_format(wb);
    format_set_num_format(f.pct, "0.0%");
    f.note = workbook_add_format(wb);
    format_set_italic(f.note);
    summary(wb, &f, compare, title);
    for (size_t i = 0; i < NSHEETS; i++)
        category_sheet(wb, &f, json_object_get(compare, "final"), sheets[i][0], sheets[i][1]);
    factors_sheet(wb, &f, json_object_get(compare, "final"));
    workbook_set_properties(wb, &(lxw_doc_properties){.title = (char *)title,
                                                      .subject = "Bilan carbone (estimation)",
                                                      .author = "ecoplateau"});
    rc = workbook_close(wb) == LXW_NO_ERROR ? EP_OK : EP_EIO;
    if (rc == EP_OK)
        rc = export_slurp(path, out, len);
    unlink(path);
    return rc;
}

/* ---- PDF summary ------------------------------------------------------------ */

int export_footprint_pdf(const json_t *compare, const char *title, char **out, size_t *len)
{
    const json_t *fin = json_object_get(compare, "final");
    const json_t *prov = json_object_get(compare, "provisional");
    const json_t *rows = json_object_get(compare, "categories");
    const json_t *lines = json_object_get(fin, "lines");
    const json_t *missing = json_object_get(json_object_get(fin, "completeness"), "missing_items");
    const json_t *span = json_object_get(compare, "span");
    struct pdf *p;
    char text[1024], a[48], b[48];
    char(*cells)[EXPORT_CELL] = NULL;
    const char **ptrs = NULL;
    size_t n, i;
    json_t *row;
    int rc;

    *out = NULL;
    snprintf(text, sizeof(text), "Bilan carbone — %s", title);
    p = pdf_new(text, "fr-FR", "Bilan carbone (estimation de travail)");
    if (p == NULL)
        return EP_ENOMEM;
    rc = pdf_heading(p, 1, text);
    if (rc == EP_OK)
        rc = pdf_note(p, export_str(fin, "notice"));
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Synthèse");
    export_fr_num(export_num(fin, "total_kg") / 1000.0, 2, a, sizeof(a));
    export_fr_num(export_num(fin, "uncertainty_kg") / 1000.0, 2, b, sizeof(b));
    snprintf(text, sizeof(text),
             "Bilan définitif (relevés) : %s tCO2e, à ± %s tCO2e près (jeu de facteurs n° %d).", a,
             b, (int)export_num(fin, "factor_version"));
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text);
    export_fr_num(export_num(prov, "total_kg") / 1000.0, 2, a, sizeof(a));
    export_fr_num(export_num(prov, "uncertainty_kg") / 1000.0, 2, b, sizeof(b));
    snprintf(text, sizeof(text), "Bilan prévisionnel (estimations) : %s tCO2e, à ± %s tCO2e près.",
             a, b);
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text);
    /* Running or closed, and how much of the expected emissions is covered:
     * the gaps below compare only what was read, pro rata. */
    if (strcmp(export_str(compare, "status"), "clos") == 0)
        snprintf(text, sizeof(text), "Statut : production close ; écarts au prévisionnel entier.");
    else if (export_num(span, "total_days") <= 0)
        snprintf(text, sizeof(text),
                 "Statut : en cours, dates de la production inconnues ; écarts au prévisionnel "
                 "entier, à lire avec prudence.");
    else
        snprintf(text, sizeof(text),
                 "Statut : en cours ; écarts au prévisionnel au prorata des jours de tournage "
                 "écoulés (%d sur %d).",
                 (int)export_num(span, "elapsed_days"), (int)export_num(span, "total_days"));
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text);
    if (json_is_number(json_object_get(json_object_get(compare, "coverage"), "share"))) {
        export_fr_num(export_num(json_object_get(compare, "coverage"), "share") * 100.0, 0, a,
                      sizeof(a));
        snprintf(text, sizeof(text),
                 "Émissions attendues couvertes par des relevés : %s %%. Les indicateurs sans "
                 "relevé sont manquants : ni zéro, ni réduction.",
                 a);
        if (rc == EP_OK)
            rc = pdf_paragraph(p, text);
    }
    if (rc == EP_OK)
        rc = pdf_paragraph(p, export_str(fin, "uncertainty_covers"));
    /* Categories: Catégorie | Prévisionnel | Définitif | Écart */
    n = json_array_size(rows);
    cells = calloc(n * 4 + 1, EXPORT_CELL);
    ptrs = calloc(n * 4 + 1, sizeof(char *));
    if (cells == NULL || ptrs == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    json_array_foreach(rows, i, row)
    {
        json_t *pct = json_object_get(row, "delta_pct");
        snprintf(cells[i * 4], EXPORT_CELL, "%s", export_str(row, "label"));
        export_fr_num(export_num(row, "provisional_kg"), 0, cells[i * 4 + 1], EXPORT_CELL);
        export_fr_num(export_num(row, "final_kg"), 0, cells[i * 4 + 2], EXPORT_CELL);
        if (json_is_number(pct)) {
            export_fr_num(json_number_value(pct), 0, a, sizeof(a));
            snprintf(cells[i * 4 + 3], EXPORT_CELL, "%s %%", a);
        } else {
            snprintf(cells[i * 4 + 3], EXPORT_CELL, "—");
        }
        for (int c = 0; c < 4; c++)
            ptrs[i * 4 + (size_t)c] = cells[i * 4 + (size_t)c];
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Par catégorie du calculateur (kgCO2e)");
    if (rc == EP_OK) {
        static const char *const head[] = {"Catégorie", "Prévisionnel", "Définitif", "Écart"};
        rc = pdf_table(p, head, 4, ptrs, n);
    }
    free(cells);
    free(ptrs);
    cells = NULL;
    ptrs = NULL;
    /* Detail: Indicateur | Département | Quantité | kgCO2e */
    n = json_array_size(lines);
    cells = calloc(n * 4 + 1, EXPORT_CELL);
    ptrs = calloc(n * 4 + 1, sizeof(char *));
    if (cells == NULL || ptrs == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    json_array_foreach(lines, i, row)
    {
        snprintf(cells[i * 4], EXPORT_CELL, "%s",
                 export_str(row, "name_fr")[0] != '\0' ? export_str(row, "name_fr")
                                                       : export_str(row, "indicator"));
        snprintf(cells[i * 4 + 1], EXPORT_CELL, "%s", export_str(row, "dept"));
        export_fr_num(export_num(row, "quantity"), 1, a, sizeof(a));
        /* The method when it is not the plain reading (litres replaced km). */
        if (export_num(row, "replaced_quantity") > 0) {
            export_fr_num(export_num(row, "replaced_quantity"), 0, b, sizeof(b));
            snprintf(cells[i * 4 + 2], EXPORT_CELL, "%.16s %.12s, %.16s remplacés par le carburant",
                     a, export_str(row, "unit_fr"), b);
        } else {
            snprintf(cells[i * 4 + 2], EXPORT_CELL, "%.40s %.12s", a, export_str(row, "unit_fr"));
        }
        export_fr_num(export_num(row, "kg"), 1, cells[i * 4 + 3], EXPORT_CELL);
        for (int c = 0; c < 4; c++)
            ptrs[i * 4 + (size_t)c] = cells[i * 4 + (size_t)c];
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Détail des relevés");
    if (rc == EP_OK) {
        static const char *const head[] = {"Indicateur", "Département", "Quantité", "kgCO2e"};
        rc = pdf_table(p, head, 4, ptrs, n);
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Complétude");
    if (rc == EP_OK) {
        size_t used = 0;
        json_t *m;
        text[0] = '\0';
        json_array_foreach(missing, i, m)
        {
            int k = snprintf(text + used, sizeof(text) - used, "%s%s", i ? ", " : "",
                             export_str(m, "name_fr"));
            if (k < 0 || (size_t)k >= sizeof(text) - used)
                break;
            used += (size_t)k;
        }
        if (json_array_size(missing) == 0)
            rc = pdf_paragraph(p, "Chaque indicateur estimé a reçu des relevés.");
        else {
            char msg[1200];
            snprintf(msg, sizeof(msg),
                     "Manquants (estimés, sans aucun relevé à ce jour ; non comptés) : %s.", text);
            rc = pdf_paragraph(p, msg);
        }
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Méthode");
    if (rc == EP_OK)
        rc = pdf_paragraph(
            p, "Chaque relevé courant (les corrections remplacent, les annulations retirent) est "
               "multiplié par le facteur d'émission de son indicateur (ADEME Base Carbone ou "
               "source indiquée dans le classeur). L'incertitude combine les incertitudes "
               "relatives des facteurs, supposées indépendantes.");
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
out:
    free(cells);
    free(ptrs);
    pdf_free(p);
    return rc;
}
