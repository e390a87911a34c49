/* export_plan.c - the action plan as a workbook and a PDF (see export_plan.h). */
#include "export_plan.h"
#include "err.h"
#include "export.h"
#include "pdf.h"
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* A figure in French, or "—" when missing. */
static void fig(const json_t *v, int decimals, char *buf, size_t len)
{
    if (json_is_number(v))
        export_fr_num(json_number_value(v), decimals, buf, len);
    else
        snprintf(buf, len, "—");
}

/* The draft flags of action a, comma-separated, "" when complete. */
static void flags_text(const json_t *a, char *buf, size_t len)
{
    size_t k;
    json_t *f;

    buf[0] = '\0';
    json_array_foreach(json_object_get(a, "draft_flags"), k, f)
    {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", used > 0 ? ", " : "", json_string_value(f));
    }
}

int export_plan_xlsx(const json_t *progress, const char *title, const char *tmpdir, char **out,
                     size_t *len)
{
    static const char *const head[] = {
        "Action",     "Thème",      "Département",     "Responsable", "Objectif",
        "Moyens",     "Indicateur", "Mesure initiale", "Cible",       "Mesure actuelle",
        "Projection", "Atteinte",   "Statut",          "À compléter"};
    char path[512], flags[256];
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *hd, *pct;
    const json_t *list = json_object_get(progress, "actions");
    lxw_row_t r = 3;
    size_t i;
    json_t *a;
    int fd, rc;

    *out = NULL;
    *len = 0;
    snprintf(path, sizeof(path), "%s/ep-export-XXXXXX", tmpdir);
    fd = mkstemp(path);
    if (fd < 0)
        return EP_EIO;
    close(fd);
    opt.tmpdir = (char *)tmpdir;
    wb = workbook_new_opt(path, &opt);
    if (wb == NULL) {
        unlink(path);
        return EP_ENOMEM;
    }
    bold = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_font_size(bold, 14);
    hd = workbook_add_format(wb);
    format_set_bold(hd);
    format_set_bottom(hd, LXW_BORDER_THIN);
    pct = workbook_add_format(wb);
    format_set_num_format(pct, "0.0%");
    ws = workbook_add_worksheet(wb, "Plan d'actions");
    worksheet_set_column(ws, 0, 0, 40, NULL);
    worksheet_set_column(ws, 1, 13, 16, NULL);
    worksheet_write_string(ws, 0, 0, title, bold);
    worksheet_write_string(ws, 1, 0, export_str(progress, "today"), NULL);
    for (size_t c = 0; c < sizeof(head) / sizeof(head[0]); c++)
        worksheet_write_string(ws, 2, (lxw_col_t)c, head[c], hd);
    json_array_foreach(list, i, a)
    {
        static const char *const texts[] = {"title",     "theme", "dept",     "owner",
                                            "objective", "means", "indicator"};
        static const char *const figs[] = {"baseline", "target", "current", "projected"};
        json_t *att = json_object_get(a, "attainment_pct");
        for (size_t c = 0; c < sizeof(texts) / sizeof(texts[0]); c++)
            worksheet_write_string(ws, r, (lxw_col_t)c, export_str(a, texts[c]), NULL);
        for (size_t c = 0; c < sizeof(figs) / sizeof(figs[0]); c++) {
            json_t *v = json_object_get(a, figs[c]);
            if (json_is_number(v))
                worksheet_write_number(ws, r, (lxw_col_t)(7 + c), json_number_value(v), NULL);
        }
        if (json_is_number(att))
            worksheet_write_number(ws, r, 11, json_number_value(att) / 100.0, pct);
        worksheet_write_string(ws, r, 12, plan_status_label(export_str(a, "status")), NULL);
        flags_text(a, flags, sizeof(flags));
        worksheet_write_string(ws, r, 13, flags, NULL);
        r++;
    }
    workbook_set_properties(wb, &(lxw_doc_properties){.title = (char *)title,
                                                      .subject = "Plan d'actions écoresponsable",
                                                      .author = "ecoplateau"});
    rc = workbook_close(wb) == LXW_NO_ERROR ? EP_OK : EP_EIO;
    if (rc == EP_OK)
        rc = export_slurp(path, out, len);
    unlink(path);
    return rc;
}

int export_plan_pdf(const json_t *progress, const char *title, char **out, size_t *len)
{
    static const char *const head[] = {"Action", "Responsable", "Indicateur", "Initial",
                                       "Cible",  "Projection",  "Statut"};
    enum { NC = sizeof(head) / sizeof(head[0]) };
    const json_t *list = json_object_get(progress, "actions");
    size_t n = json_array_size(list), i;
    char text[512];
    char(*cells)[EXPORT_CELL] = NULL;
    const char **ptrs = NULL;
    struct pdf *p;
    json_t *a;
    int rc;

    *out = NULL;
    snprintf(text, sizeof(text), "Plan d'actions écoresponsable — %s", title);
    p = pdf_new(text, "fr-FR", "Compétence C4 : plan d'actions");
    if (p == NULL)
        return EP_ENOMEM;
    cells = calloc(n * NC + 1, EXPORT_CELL);
    ptrs = calloc(n * NC + 1, sizeof(char *));
    rc = cells != NULL && ptrs != NULL ? EP_OK : EP_ENOMEM;
    if (rc == EP_OK)
        rc = pdf_heading(p, 1, text);
    if (rc == EP_OK) {
        snprintf(text, sizeof(text),
                 "État au %s : %lld jours de tournage écoulés sur %lld. Les actions sans "
                 "responsable, sans indicateur ou sans objectif chiffré sont des brouillons.",
                 export_str(progress, "today"),
                 (long long)json_integer_value(json_object_get(progress, "elapsed_days")),
                 (long long)json_integer_value(json_object_get(progress, "total_days")));
        rc = pdf_paragraph(p, text);
    }
    json_array_foreach(list, i, a)
    {
        char(*row)[EXPORT_CELL] = cells + i * NC;
        if (rc != EP_OK)
            break;
        snprintf(row[0], EXPORT_CELL, "%.90s", export_str(a, "title"));
        snprintf(row[1], EXPORT_CELL, "%.60s",
                 export_str(a, "owner")[0] ? export_str(a, "owner") : "—");
        snprintf(row[2], EXPORT_CELL, "%.60s",
                 export_str(a, "indicator")[0] ? export_str(a, "indicator") : "—");
        fig(json_object_get(a, "baseline"), 1, row[3], EXPORT_CELL);
        fig(json_object_get(a, "target"), 1, row[4], EXPORT_CELL);
        fig(json_object_get(a, "projected"), 1, row[5], EXPORT_CELL);
        snprintf(row[6], EXPORT_CELL, "%s", plan_status_label(export_str(a, "status")));
        for (size_t c = 0; c < NC; c++)
            ptrs[i * NC + c] = row[c];
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Actions");
    if (rc == EP_OK)
        rc = pdf_table(p, head, NC, ptrs, n);
    json_array_foreach(list, i, a)
    {
        const char *obj = export_str(a, "objective"), *means = export_str(a, "means");
        if (rc != EP_OK || (obj[0] == '\0' && means[0] == '\0'))
            continue;
        rc = pdf_heading(p, 2, export_str(a, "title")[0] ? export_str(a, "title") : "Action");
        if (rc == EP_OK && obj[0] != '\0') {
            snprintf(text, sizeof(text), "Objectif : %s", obj);
            rc = pdf_paragraph(p, text);
        }
        if (rc == EP_OK && means[0] != '\0') {
            snprintf(text, sizeof(text), "Moyens : %s", means);
            rc = pdf_paragraph(p, text);
        }
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
    free(cells);
    free(ptrs);
    pdf_free(p);
    return rc;
}
