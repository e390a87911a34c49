/* export_plan.c - the action plan as CSV, a workbook and a PDF (see export_plan.h). */
#include "export_plan.h"
#include "csv.h"
#include "err.h"
#include "fmt.h"
#include "pdf.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* The columns of the CSV and the workbook, as label keys, in order. */
static const char *const columns[] = {
    "plan.col.action",     "plan.col.theme",  "plan.col.dept",      "plan.col.owner",
    "plan.col.objective",  "plan.col.means",  "plan.col.indicator", "plan.col.unit",
    "plan.col.baseline",   "plan.col.target", "plan.col.current",   "plan.col.projected",
    "plan.col.attainment", "plan.col.status", "plan.col.missing"};
enum { NCOLS = sizeof(columns) / sizeof(columns[0]) };

/* The draft flags of action a as words, comma-separated, "" when complete. */
static void flags_text(const json_t *a, const char *lang, char *buf, size_t len)
{
    size_t k;
    json_t *f;

    buf[0] = '\0';
    json_array_foreach(json_object_get(a, "draft_flags"), k, f)
    {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", used > 0 ? ", " : "",
                 export_label_of(lang, "flag", json_string_value(f)));
    }
}

/* The unit of an action's figures, as a word ("L", "repas" / "meals"). */
static const char *unit_text(const struct export_doc *d, const json_t *a)
{
    size_t i;
    const json_t *x;
    const char *id = export_str(a, "indicator");
    char key[96];
    const char *word;

    json_array_foreach(d->catalogue, i, x)
    {
        if (strcmp(export_str(x, "id"), id) != 0)
            continue;
        snprintf(key, sizeof(key), "unit.%s.other", export_str(x, "unit"));
        word = export_label(d->lang, key);
        return word != key ? word : export_str(x, "unit");
    }
    return "";
}

/* The text columns of action a (0-7), in the document's words. */
static const char *text_column(const struct export_doc *d, const json_t *a, size_t c)
{
    switch (c) {
    case 0:
        return export_str(a, "title");
    case 1:
        return export_label_of(d->lang, "theme", export_str(a, "theme"));
    case 2:
        return export_label_of(d->lang, "dept", export_str(a, "dept"));
    case 3:
        return export_str(a, "owner");
    case 4:
        return export_str(a, "objective");
    case 5:
        return export_str(a, "means");
    case 6:
        return export_indicator(d, export_str(a, "indicator"));
    default:
        return unit_text(d, a);
    }
}

static const char *const figures[] = {"baseline", "target", "current", "projected"};

int export_plan_csv(const json_t *progress, const struct export_doc *d, char **out, size_t *len)
{
    struct strbuf b;
    size_t i;
    json_t *a;
    /* In the reader's spreadsheet locale: French ';' and ',', English ','
     * and '.' (csv.h). */
    enum csv_locale loc = fmt_is_english(d->lang) ? CSV_ENGLISH : CSV_FRENCH;
    int rc;

    *out = NULL;
    *len = 0;
    strbuf_init(&b, (size_t)16 << 20);
    rc = strbuf_str(&b, CSV_BOM);
    for (size_t c = 0; rc == EP_OK && c < NCOLS; c++)
        rc = csv_cell_in(&b, loc, export_label(d->lang, columns[c]));
    if (rc == EP_OK)
        rc = csv_end_row_in(&b, loc);
    json_array_foreach(json_object_get(progress, "actions"), i, a)
    {
        char flags[256];
        const json_t *att = json_object_get(a, "attainment_pct");
        for (size_t c = 0; rc == EP_OK && c < 8; c++)
            rc = csv_cell_in(&b, loc, text_column(d, a, c));
        /* Figures stay numbers a spreadsheet computes with: empty when missing. */
        for (size_t c = 0; rc == EP_OK && c < sizeof(figures) / sizeof(figures[0]); c++) {
            const json_t *v = json_object_get(a, figures[c]);
            rc = json_is_number(v) ? csv_number_in(&b, loc, json_number_value(v), 2)
                                   : csv_cell_in(&b, loc, NULL);
        }
        if (rc == EP_OK)
            rc = json_is_number(att) ? csv_number_in(&b, loc, json_number_value(att) / 100.0, 3)
                                     : csv_cell_in(&b, loc, NULL);
        if (rc == EP_OK)
            rc = csv_cell_in(&b, loc, export_label_of(d->lang, "status", export_str(a, "status")));
        flags_text(a, d->lang, flags, sizeof(flags));
        if (rc == EP_OK)
            rc = csv_cell_in(&b, loc, flags);
        if (rc == EP_OK)
            rc = csv_end_row_in(&b, loc);
    }
    if (rc == EP_OK) {
        *out = strbuf_detach(&b, len);
        rc = *out != NULL ? EP_OK : EP_ENOMEM;
    }
    strbuf_release(&b);
    return rc;
}

int export_plan_xlsx(const json_t *progress, const char *title, const struct export_doc *d,
                     const char *tmpdir, char **out, size_t *len)
{
    char path[512], flags[256], day[FMT_MAX], line[512];
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
    ws = workbook_add_worksheet(wb, export_label(d->lang, "plan.sheet"));
    worksheet_set_column(ws, 0, 0, 40, NULL);
    worksheet_set_column(ws, 1, NCOLS - 1, 16, NULL);
    worksheet_write_string(ws, 0, 0, title, bold);
    fmt_date(day, sizeof(day), export_str(progress, "today"), FMT_DATE_LONG, d->lang);
    export_fill(line, sizeof(line), export_label(d->lang, "plan.state_short"), "today", day, NULL);
    worksheet_write_string(ws, 1, 0, line, NULL);
    for (size_t c = 0; c < NCOLS; c++)
        worksheet_write_string(ws, 2, (lxw_col_t)c, export_label(d->lang, columns[c]), hd);
    json_array_foreach(list, i, a)
    {
        json_t *att = json_object_get(a, "attainment_pct");
        for (size_t c = 0; c < 8; c++)
            worksheet_write_string(ws, r, (lxw_col_t)c, text_column(d, a, c), NULL);
        for (size_t c = 0; c < sizeof(figures) / sizeof(figures[0]); c++) {
            json_t *v = json_object_get(a, figures[c]);
            if (json_is_number(v))
                worksheet_write_number(ws, r, (lxw_col_t)(8 + c), json_number_value(v), NULL);
        }
        if (json_is_number(att))
            worksheet_write_number(ws, r, 12, json_number_value(att) / 100.0, pct);
        worksheet_write_string(ws, r, 13,
                               export_label_of(d->lang, "status", export_str(a, "status")), NULL);
        flags_text(a, d->lang, flags, sizeof(flags));
        worksheet_write_string(ws, r, 14, flags, NULL);
        r++;
    }
    export_fill(line, sizeof(line), export_label(d->lang, "plan.title"), "title", title, NULL);
    workbook_set_properties(
        wb, &(lxw_doc_properties){.title = line,
                                  .subject = (char *)export_label(d->lang, "plan.subject"),
                                  .author = "ecoplateau"});
    rc = workbook_close(wb) == LXW_NO_ERROR ? EP_OK : EP_EIO;
    if (rc == EP_OK)
        rc = export_slurp(path, out, len);
    unlink(path);
    return rc;
}

int export_plan_pdf(const json_t *progress, const char *title, const struct export_doc *d,
                    char **out, size_t *len)
{
    static const char *const head_keys[] = {
        "plan.col.action", "plan.col.owner",     "plan.col.indicator", "plan.col.baseline_short",
        "plan.col.target", "plan.col.projected", "plan.col.status"};
    enum { NC = sizeof(head_keys) / sizeof(head_keys[0]) };
    const json_t *list = json_object_get(progress, "actions");
    size_t n = json_array_size(list), i;
    const char *head[NC];
    char text[1024], day[FMT_MAX], elapsed[FMT_MAX], total[FMT_MAX];
    char(*cells)[EXPORT_CELL] = NULL;
    const char **ptrs = NULL;
    struct pdf *p;
    json_t *a;
    int rc;

    *out = NULL;
    for (size_t c = 0; c < NC; c++)
        head[c] = export_label(d->lang, head_keys[c]);
    export_fill(text, sizeof(text), export_label(d->lang, "plan.title"), "title", title, NULL);
    p = pdf_new(text, export_label(d->lang, "doc.pdf_lang"), export_label(d->lang, "plan.subject"));
    if (p == NULL)
        return EP_ENOMEM;
    cells = calloc(n * NC + 1, EXPORT_CELL);
    ptrs = calloc(n * NC + 1, sizeof(char *));
    rc = cells != NULL && ptrs != NULL ? EP_OK : EP_ENOMEM;
    if (rc == EP_OK)
        rc = pdf_heading(p, 1, text);
    if (rc == EP_OK) {
        fmt_date(day, sizeof(day), export_str(progress, "today"), FMT_DATE_LONG, d->lang);
        export_count(elapsed, sizeof(elapsed), d->lang,
                     (long)json_integer_value(json_object_get(progress, "elapsed_days")),
                     "count.days");
        fmt_number(total, sizeof(total),
                   (double)json_integer_value(json_object_get(progress, "total_days")), 0, d->lang);
        export_fill(text, sizeof(text), export_label(d->lang, "plan.state"), "today", day,
                    "elapsed", elapsed, "total", total, NULL);
        rc = pdf_paragraph(p, text);
    }
    json_array_foreach(list, i, a)
    {
        char(*row)[EXPORT_CELL] = cells + i * NC;
        const char *owner = export_str(a, "owner");
        const char *ind = export_indicator(d, export_str(a, "indicator"));
        if (rc != EP_OK)
            break;
        snprintf(row[0], EXPORT_CELL, "%.90s", export_str(a, "title"));
        snprintf(row[1], EXPORT_CELL, "%.60s", owner[0] ? owner : "—");
        snprintf(row[2], EXPORT_CELL, "%.80s", ind[0] ? ind : "—");
        for (size_t c = 0; c < 3; c++) {
            const json_t *v = json_object_get(a, figures[c == 2 ? 3 : c]);
            if (json_is_number(v))
                export_amount(row[3 + c], EXPORT_CELL, d, v, export_str(a, "indicator"));
            else
                snprintf(row[3 + c], EXPORT_CELL, "—");
        }
        snprintf(row[6], EXPORT_CELL, "%s",
                 export_label_of(d->lang, "status", export_str(a, "status")));
        for (size_t c = 0; c < NC; c++)
            ptrs[i * NC + c] = row[c];
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, export_label(d->lang, "plan.actions"));
    if (rc == EP_OK)
        rc = pdf_table_fit(p, head, NC, ptrs, n); /* 7 equal columns cut "Projection" */
    json_array_foreach(list, i, a)
    {
        const char *obj = export_str(a, "objective"), *means = export_str(a, "means");
        if (rc != EP_OK || (obj[0] == '\0' && means[0] == '\0'))
            continue;
        rc = pdf_heading(p, 2,
                         export_str(a, "title")[0] ? export_str(a, "title")
                                                   : export_label(d->lang, "plan.col.action"));
        if (rc == EP_OK && obj[0] != '\0')
            rc = pdf_paragraph(p, export_fill(text, sizeof(text),
                                              export_label(d->lang, "plan.objective"), "text", obj,
                                              NULL));
        if (rc == EP_OK && means[0] != '\0')
            rc = pdf_paragraph(p,
                               export_fill(text, sizeof(text), export_label(d->lang, "plan.means"),
                                           "text", means, NULL));
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
    free(cells);
    free(ptrs);
    pdf_free(p);
    return rc;
}
