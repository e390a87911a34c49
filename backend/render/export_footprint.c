/* export_footprint.c - the footprint workbook and its PDF summary (see
 * export_footprint.h). Every label in the asker's language, numbers and
 * dates through fmt.h, the production by its title, never an id. */
#include "export_footprint.h"
#include "carbon.h"
#include "err.h"
#include "export.h"
#include "fmt.h"
#include "pdf.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* The document label "label.<key>" of the text files (export_label) in the
 * caller's language, by its `english` flag. */
#define TR(key) export_label(english ? "en" : "fr", (key))

/* Sheet names: at most 31 characters, so short forms of the categories;
 * id, then its label's key (export_label). */
static const char *const sheets[][2] = {
    {"production", "footprint.sheet.production"},
    {"locations", "footprint.sheet.locations"},
    {"sets", "footprint.sheet.sets"},
    {"hmc_costume", "footprint.sheet.hmc_costume"},
    {"transport", "footprint.sheet.transport"},
    {"logistics", "footprint.sheet.logistics"},
    {"equipment", "footprint.sheet.equipment"},
    {"postproduction", "footprint.sheet.postproduction"},
};
#define NSHEETS (sizeof(sheets) / sizeof(sheets[0]))

/* The method section of both documents: how the lines are built and what
 * they are not (Carbon'Clap's field list is not public). */
static const char *method_text(int english)
{
    return TR("footprint.each_current_reading_corrections_replace");
}

/* A form line's quantity as a person writes it, "manquant" when missing. */
static void qty_text(const json_t *e, const char *lang, char *buf, size_t len)
{
    int english = fmt_is_english(lang);
    char q[FMT_MAX];
    if (!json_is_number(json_object_get(e, "quantity"))) {
        snprintf(buf, len, "%s", TR("footprint.missing"));
        return;
    }
    fmt_quantity(q, sizeof(q), export_num(e, "quantity"), lang);
    snprintf(buf, len, "%s %s", q, carbon_label(CARBON_LABEL_UNIT, export_str(e, "unit"), lang));
}

/* What a form line's method column says, by its state. */
static const char *line_method(const json_t *e, const char *lang)
{
    int english = fmt_is_english(lang);
    const char *state = export_str(e, "state");
    if (strcmp(state, "missing") == 0)
        return TR("footprint.no_reading_missing_not_counted");
    if (strcmp(state, "untracked") == 0)
        return TR("footprint.recorded_not_converted_no_factor");
    return carbon_label(CARBON_LABEL_METHOD, export_str(e, "method"), lang);
}

/* "Régie 120 ; Image 30": the departments a form line adds up. */
static void depts_text(const json_t *e, const char *lang, char *buf, size_t len)
{
    size_t used = 0, i;
    json_t *d;

    buf[0] = '\0';
    json_array_foreach(json_object_get(e, "depts"), i, d)
    {
        char q[FMT_MAX];
        int k = snprintf(buf + used, len - used, "%s%s %s", i ? " ; " : "",
                         carbon_label(CARBON_LABEL_DEPT, export_str(d, "dept"), lang),
                         fmt_quantity(q, sizeof(q), export_num(d, "quantity"), lang));
        if (k < 0 || (size_t)k >= len - used) {
            /* Never half a department's figure: drop it whole, say so. */
            snprintf(buf + used, len - used, "%s", len - used > sizeof(" …") ? " …" : "");
            break;
        }
        used += (size_t)k;
    }
}

struct fmts {
    lxw_format *title, *head, *kg, *qty, *pct, *note, *wrap;
};

/* The three phases a production's readings fall in (production_phase_name). */
static const char *const phase_keys[] = {"preparation", "shooting", "post_production"};
#define NPHASES (sizeof(phase_keys) / sizeof(phase_keys[0]))

/* The final footprint per phase from row r: one row per phase (kg, ±,
 * share of the total) and their total, which is the footprint's. Returns
 * the row after the block (r itself when fin has no phases). */
static lxw_row_t phases_block(lxw_worksheet *ws, const struct fmts *f, const json_t *fin,
                              const char *lang, lxw_row_t r)
{
    int english = fmt_is_english(lang);
    const json_t *by = json_object_get(fin, "by_phase");
    double total = export_num(fin, "total_kg");

    if (!json_is_object(by))
        return r;
    worksheet_write_string(ws, r, 0, TR("footprint.production_phase"), f->head);
    worksheet_write_string(ws, r, 1, TR("footprint.final_kgco2e"), f->head);
    worksheet_write_string(ws, r, 2, "± (kgCO2e)", f->head);
    worksheet_write_string(ws, r++, 3, TR("footprint.share_of_the_total"), f->head);
    for (size_t i = 0; i < NPHASES; i++, r++) {
        const json_t *ph = json_object_get(by, phase_keys[i]);
        worksheet_write_string(ws, r, 0, carbon_label(CARBON_LABEL_PHASE, phase_keys[i], lang),
                               NULL);
        worksheet_write_number(ws, r, 1, export_num(ph, "kg"), f->kg);
        worksheet_write_number(ws, r, 2, export_num(ph, "uncertainty_kg"), f->kg);
        if (total > 0)
            worksheet_write_number(ws, r, 3, export_num(ph, "kg") / total, f->pct);
        else
            worksheet_write_string(ws, r, 3, "—", NULL); /* nothing counted: no share */
    }
    worksheet_write_string(ws, r, 0, "Total", f->head);
    worksheet_write_number(ws, r, 1, total, f->kg);
    return r + 2;
}

static void summary(lxw_workbook *wb, const struct fmts *f, const json_t *cmp, const char *title,
                    const char *lang)
{
    int english = fmt_is_english(lang);
    lxw_worksheet *ws = workbook_add_worksheet(wb, TR("footprint.summary"));
    const json_t *fin = json_object_get(cmp, "final");
    const json_t *prov = json_object_get(cmp, "provisional");
    const json_t *rows = json_object_get(cmp, "categories");
    const json_t *header = json_object_get(cmp, "header");
    size_t i;
    json_t *row, *pair;
    lxw_row_t r = 8;

    worksheet_set_column(ws, 0, 0, 42, NULL);
    worksheet_set_column(ws, 1, 4, 18, NULL);
    worksheet_set_column(ws, 6, 6, 34, NULL);
    worksheet_set_column(ws, 7, 7, 60, NULL);
    worksheet_write_string(ws, 0, 0, title, f->title);
    /* The production's identification, beside the totals (carbon_export_header). */
    worksheet_write_string(ws, 0, 6, TR("footprint.production_sheet"), f->head);
    json_array_foreach(header, i, pair)
    {
        worksheet_write_string(ws, (lxw_row_t)(i + 1), 6,
                               json_string_value(json_array_get(pair, 0)), NULL);
        worksheet_write_string(ws, (lxw_row_t)(i + 1), 7,
                               json_string_value(json_array_get(pair, 1)), NULL);
    }
    worksheet_write_string(ws, 1, 0, text_get(english ? "en" : "fr", "carbon.footprint.notice"),
                           f->note);
    worksheet_write_string(ws, 3, 0, TR("footprint.emission_factor_set"), NULL);
    worksheet_write_number(ws, 3, 1, export_num(fin, "factor_version"), NULL);
    worksheet_write_string(ws, 4, 0, TR("footprint.final_footprint_kgco2e"), NULL);
    worksheet_write_number(ws, 4, 1, export_num(fin, "total_kg"), f->kg);
    worksheet_write_string(ws, 4, 2, "± (kgCO2e)", NULL);
    worksheet_write_number(ws, 4, 3, export_num(fin, "uncertainty_kg"), f->kg);
    worksheet_write_string(ws, 5, 0, TR("footprint.provisional_footprint_kgco2e"), NULL);
    worksheet_write_number(ws, 5, 1, export_num(prov, "total_kg"), f->kg);
    worksheet_write_string(ws, 5, 2, "± (kgCO2e)", NULL);
    worksheet_write_number(ws, 5, 3, export_num(prov, "uncertainty_kg"), f->kg);
    worksheet_write_string(ws, 7, 0, TR("footprint.category"), f->head);
    worksheet_write_string(ws, 7, 1, TR("footprint.forecast_kgco2e"), f->head);
    worksheet_write_string(ws, 7, 2, TR("footprint.final_kgco2e"), f->head);
    worksheet_write_string(ws, 7, 3, TR("footprint.gap_kgco2e"), f->head);
    worksheet_write_string(ws, 7, 4, TR("footprint.gap_pct"), f->head);
    json_array_foreach(rows, i, row)
    {
        json_t *pct = json_object_get(row, "delta_pct");
        worksheet_write_string(
            ws, r, 0, carbon_label(CARBON_LABEL_CATEGORY, export_str(row, "category"), lang), NULL);
        worksheet_write_number(ws, r, 1, export_num(row, "provisional_kg"), f->kg);
        worksheet_write_number(ws, r, 2, export_num(row, "final_kg"), f->kg);
        worksheet_write_number(ws, r, 3, export_num(row, "delta_kg"), f->kg);
        if (json_is_number(pct))
            worksheet_write_number(ws, r, 4, json_number_value(pct) / 100.0, f->pct);
        else
            worksheet_write_string(ws, r, 4, "—", NULL); /* nothing read: no ratio */
        r++;
    }
    r++;
    r = phases_block(ws, f, fin, lang, r);
    worksheet_write_string(ws, r++, 0, TR("footprint.method"), f->head);
    worksheet_merge_range(ws, r, 0, r, 4, method_text(english), f->wrap);
    worksheet_set_row(ws, r, 220, NULL);
}

static void category_sheet(lxw_workbook *wb, const struct fmts *f, const json_t *form,
                           const json_t *fin, size_t c, const char *lang)
{
    int english = fmt_is_english(lang);
    const char *const head[] = {TR("footprint.section"),
                                TR("footprint.indicator"),
                                TR("footprint.quantity_to_enter"),
                                TR("footprint.unit"),
                                TR("footprint.per_department"),
                                TR("footprint.factor_kgco2e_unit"),
                                "kgCO2e",
                                "± kgCO2e",
                                TR("footprint.entries"),
                                TR("footprint.to_check"),
                                TR("footprint.method"),
                                TR("footprint.seco2_mapping")};
    const char *key = sheets[c][0];
    lxw_worksheet *ws = workbook_add_worksheet(wb, TR(sheets[c][1]));
    lxw_row_t r = 2;
    size_t i;
    json_t *e;

    worksheet_set_column(ws, 0, 1, 30, NULL);
    worksheet_set_column(ws, 2, 9, 14, NULL);
    worksheet_set_column(ws, 4, 4, 30, NULL);
    worksheet_set_column(ws, 10, 11, 34, NULL);
    worksheet_write_string(ws, 0, 0, carbon_label(CARBON_LABEL_CATEGORY, key, lang), f->title);
    for (size_t k = 0; k < sizeof(head) / sizeof(head[0]); k++)
        worksheet_write_string(ws, 1, (lxw_col_t)k, head[k], f->head);
    json_array_foreach(form, i, e)
    {
        const char *state = export_str(e, "state");
        char detail[512];
        if (strcmp(export_str(e, "category"), key) != 0)
            continue;
        depts_text(e, lang, detail, sizeof(detail));
        worksheet_write_string(
            ws, r, 0, carbon_label(CARBON_LABEL_THEME, export_str(e, "theme"), lang), NULL);
        worksheet_write_string(ws, r, 1, carbon_form_name(e, lang), NULL);
        if (json_is_number(json_object_get(e, "quantity")))
            worksheet_write_number(ws, r, 2, export_num(e, "quantity"), f->qty);
        else
            worksheet_write_string(ws, r, 2, TR("footprint.missing"), NULL);
        worksheet_write_string(ws, r, 3,
                               carbon_label(CARBON_LABEL_UNIT, export_str(e, "unit"), lang), NULL);
        if (detail[0] != '\0')
            worksheet_write_string(ws, r, 4, detail, NULL);
        if (strcmp(state, "counted") == 0) {
            worksheet_write_number(ws, r, 5, export_num(e, "factor"), NULL);
            worksheet_write_number(ws, r, 6, export_num(e, "kg"), f->kg);
            worksheet_write_number(ws, r, 7, export_num(e, "uncertainty_kg"), f->kg);
            worksheet_write_number(ws, r, 9, export_num(e, "flagged"), NULL);
        } else {
            worksheet_write_string(ws, r, 6, "—", NULL); /* never a zero */
        }
        if (strcmp(state, "missing") != 0)
            worksheet_write_number(ws, r, 8, export_num(e, "entries"), NULL);
        worksheet_write_string(ws, r, 10, line_method(e, lang), NULL);
        worksheet_write_string(ws, r, 11, english ? CARBON_SECO2_UNKNOWN_EN : CARBON_SECO2_UNKNOWN,
                               NULL);
        r++;
    }
    worksheet_write_string(ws, r, 0, "Total", f->head);
    worksheet_write_number(
        ws, r, 6, export_num(json_object_get(json_object_get(fin, "by_category"), key), "kg"),
        f->kg);
}

static void factors_sheet(lxw_workbook *wb, const struct fmts *f, const json_t *form,
                          const char *lang)
{
    int english = fmt_is_english(lang);
    const char *const head[] = {TR("footprint.factor_indicator"),
                                TR("footprint.value_kgco2e_unit"),
                                TR("footprint.unit"),
                                TR("footprint.base_carbone_id"),
                                TR("footprint.status"),
                                "Source",
                                TR("footprint.method")};
    lxw_worksheet *ws = workbook_add_worksheet(wb, TR("footprint.factors"));
    json_t *seen = json_object();
    lxw_row_t r = 1;
    size_t i;
    json_t *e;

    worksheet_set_column(ws, 0, 0, 30, NULL);
    worksheet_set_column(ws, 5, 6, 60, NULL);
    for (size_t c = 0; c < sizeof(head) / sizeof(head[0]); c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], f->head);
    json_array_foreach(form, i, e)
    {
        /* Each factor once, named after the first indicator using it. */
        if (seen == NULL || strcmp(export_str(e, "state"), "counted") != 0 ||
            json_object_get(seen, export_str(e, "factor_id")) != NULL)
            continue;
        json_object_set_new(seen, export_str(e, "factor_id"), json_true());
        worksheet_write_string(ws, r, 0, carbon_form_name(e, lang), NULL);
        worksheet_write_number(ws, r, 1, export_num(e, "factor"), NULL);
        worksheet_write_string(ws, r, 2,
                               carbon_label(CARBON_LABEL_UNIT, export_str(e, "unit"), lang), NULL);
        worksheet_write_string(ws, r, 3,
                               export_str(e, "official_id")[0] != '\0'
                                   ? export_str(e, "official_id")
                                   : TR("footprint.none"),
                               NULL);
        worksheet_write_string(
            ws, r, 4, carbon_label(CARBON_LABEL_STATUS, export_str(e, "factor_status"), lang),
            NULL);
        worksheet_write_string(ws, r, 5, export_str(e, "source_url"), NULL);
        worksheet_write_string(ws, r, 6, export_str(e, "factor_method"), NULL);
        r++;
    }
    json_decref(seen);
}

int export_footprint_xlsx(const json_t *compare, const char *title, const char *lang,
                          const char *tmpdir, char **out, size_t *len)
{
    int english = fmt_is_english(lang);
    char path[512];
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
    lxw_workbook *wb;
    json_t *form = NULL;
    struct fmts f;
    int fd, rc;

    *out = NULL;
    *len = 0;
    rc = carbon_form_lines(json_object_get(compare, "final"), &form);
    if (rc != EP_OK)
        return rc;
    snprintf(path, sizeof(path), "%s/ep-export-XXXXXX", tmpdir);
    fd = mkstemp(path); /* a unique name; libxlsxwriter reopens it by path */
    if (fd < 0) {
        json_decref(form);
        return EP_EIO;
    }
    close(fd);
    opt.tmpdir = (char *)tmpdir;
    wb = workbook_new_opt(path, &opt);
    if (wb == NULL) {
        unlink(path);
        json_decref(form);
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
    f.wrap = workbook_add_format(wb);
    format_set_text_wrap(f.wrap);
    format_set_align(f.wrap, LXW_ALIGN_VERTICAL_TOP);
    summary(wb, &f, compare, title, lang);
    for (size_t i = 0; i < NSHEETS; i++)
        category_sheet(wb, &f, form, json_object_get(compare, "final"), i, lang);
    factors_sheet(wb, &f, form, lang);
    workbook_set_properties(
        wb, &(lxw_doc_properties){.title = (char *)title,
                                  .subject = (char *)TR("footprint.carbon_footprint_estimate"),
                                  .author = "ecoplateau"});
    rc = workbook_close(wb) == LXW_NO_ERROR ? EP_OK : EP_EIO;
    if (rc == EP_OK)
        rc = export_slurp(path, out, len);
    unlink(path);
    json_decref(form);
    return rc;
}

/* ---- PDF summary ------------------------------------------------------------ */

/* A table of n rows of ncols cells; cells[i * ncols + c]. */
struct grid {
    char (*cells)[EXPORT_CELL];
    const char **ptrs;
    size_t n, cap, ncols;
};

static int grid_init(struct grid *g, size_t rows, size_t ncols)
{
    g->cells = calloc(rows * ncols + 1, EXPORT_CELL);
    g->ptrs = calloc(rows * ncols + 1, sizeof(char *));
    g->n = 0;
    g->cap = rows;
    g->ncols = ncols;
    return g->cells != NULL && g->ptrs != NULL ? EP_OK : EP_ENOMEM;
}

/* The next row's cells, or NULL when full. */
static char (*grid_row(struct grid *g))[EXPORT_CELL]
{
    char(*row)[EXPORT_CELL];
    if (g->n >= g->cap)
        return NULL;
    row = &g->cells[g->n * g->ncols];
    for (size_t c = 0; c < g->ncols; c++)
        g->ptrs[g->n * g->ncols + c] = row[c];
    g->n++;
    return row;
}

static void grid_release(struct grid *g)
{
    free(g->cells);
    free(g->ptrs);
    g->cells = NULL;
    g->ptrs = NULL;
}

/* kgCO2e with a reader's precision, or "—". */
static void kg_text(const json_t *v, const char *lang, char *buf, size_t len)
{
    if (!json_is_number(v))
        snprintf(buf, len, "—");
    else
        fmt_number(buf, len, json_number_value(v), json_number_value(v) < 10 ? 1 : 0, lang);
}

static int pdf_summary(struct pdf *p, const json_t *compare, const char *lang)
{
    int english = fmt_is_english(lang);
    const json_t *fin = json_object_get(compare, "final");
    const json_t *prov = json_object_get(compare, "provisional");
    const json_t *span = json_object_get(compare, "span");
    const json_t *share = json_object_get(json_object_get(compare, "coverage"), "share");
    const char *tl = english ? "en" : "fr";
    char text[1024], a[FMT_MAX], b[FMT_MAX], set[24];
    int rc = pdf_heading(p, 2, TR("footprint.summary"));

    fmt_number(a, sizeof(a), export_num(fin, "total_kg") / 1000.0, 2, lang);
    fmt_number(b, sizeof(b), export_num(fin, "uncertainty_kg") / 1000.0, 2, lang);
    snprintf(set, sizeof(set), "%d", (int)export_num(fin, "factor_version"));
    text_fmtbuf(text, sizeof(text), tl, "label.footprint.final_line", "t", a, "u", b, "set", set,
                NULL);
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text);
    fmt_number(a, sizeof(a), export_num(prov, "total_kg") / 1000.0, 2, lang);
    fmt_number(b, sizeof(b), export_num(prov, "uncertainty_kg") / 1000.0, 2, lang);
    text_fmtbuf(text, sizeof(text), tl, "label.footprint.provisional_line", "t", a, "u", b, NULL);
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text);
    /* Running or closed, and how much of the expected emissions is covered:
     * the gaps below compare only what was read, pro rata. */
    if (strcmp(export_str(compare, "status"), "clos") == 0)
        snprintf(text, sizeof(text), "%s", TR("footprint.status_closed_gaps_against_the"));
    else if (export_num(span, "total_days") <= 0)
        snprintf(text, sizeof(text), "%s", TR("footprint.status_running_the_productions_dates"));
    else {
        char e[24], t[24];
        snprintf(e, sizeof(e), "%d", (int)export_num(span, "elapsed_days"));
        snprintf(t, sizeof(t), "%d", (int)export_num(span, "total_days"));
        text_fmtbuf(text, sizeof(text), tl, "label.footprint.status_running", "elapsed", e, "total",
                    t, NULL);
    }
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text);
    if (json_is_number(share)) {
        text_fmtbuf(text, sizeof(text), tl, "label.footprint.covered_line", "share",
                    fmt_percent(a, sizeof(a), json_number_value(share), 0, 0, lang), NULL);
        if (rc == EP_OK)
            rc = pdf_paragraph(p, text);
    }
    if (rc == EP_OK)
        rc = pdf_paragraph(p, TR("footprint.the_uncertainty_covers_the_emission"));
    return rc;
}

static int pdf_categories(struct pdf *p, const json_t *compare, const char *lang)
{
    int english = fmt_is_english(lang);
    const json_t *rows = json_object_get(compare, "categories");
    const char *const head[] = {TR("footprint.category"), TR("footprint.forecast"),
                                TR("footprint.final"), TR("footprint.gap")};
    struct grid g;
    size_t i;
    json_t *row;
    int rc = grid_init(&g, json_array_size(rows), 4);

    json_array_foreach(rows, i, row)
    {
        char(*c)[EXPORT_CELL] = rc == EP_OK ? grid_row(&g) : NULL;
        json_t *pct = json_object_get(row, "delta_pct");
        if (c == NULL)
            break;
        snprintf(c[0], EXPORT_CELL, "%s",
                 carbon_label(CARBON_LABEL_CATEGORY, export_str(row, "category"), lang));
        kg_text(json_object_get(row, "provisional_kg"), lang, c[1], EXPORT_CELL);
        kg_text(json_object_get(row, "final_kg"), lang, c[2], EXPORT_CELL);
        if (json_is_number(pct))
            fmt_percent(c[3], EXPORT_CELL, json_number_value(pct) / 100.0, 0, 1, lang);
        else
            snprintf(c[3], EXPORT_CELL, "—");
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, TR("footprint.by_the_calculators_category_kgco2e"));
    if (rc == EP_OK)
        rc = pdf_table(p, head, 4, g.ptrs, g.n);
    grid_release(&g);
    return rc;
}

/* The final footprint per phase (docs/carbon.md "Phases"): the phases add
 * up to the total. Nothing when the footprint has no phases. */
static int pdf_phases(struct pdf *p, const json_t *fin, const char *lang)
{
    int english = fmt_is_english(lang);
    const json_t *by = json_object_get(fin, "by_phase");
    const char *const head[] = {"Phase", TR("footprint.final"), "±",
                                TR("footprint.share_of_the_total")};
    double total = export_num(fin, "total_kg");
    struct grid g;
    int rc;

    if (!json_is_object(by))
        return EP_OK;
    rc = grid_init(&g, NPHASES + 1, 4);
    for (size_t i = 0; rc == EP_OK && i <= NPHASES; i++) {
        const json_t *ph = i < NPHASES ? json_object_get(by, phase_keys[i]) : NULL;
        char(*c)[EXPORT_CELL] = grid_row(&g);
        if (c == NULL)
            break;
        if (i == NPHASES) {
            snprintf(c[0], EXPORT_CELL, "Total");
            kg_text(json_object_get(fin, "total_kg"), lang, c[1], EXPORT_CELL);
            kg_text(json_object_get(fin, "uncertainty_kg"), lang, c[2], EXPORT_CELL);
            fmt_percent(c[3], EXPORT_CELL, total > 0 ? 1.0 : 0.0, 0, 0, lang);
            continue;
        }
        snprintf(c[0], EXPORT_CELL, "%s", carbon_label(CARBON_LABEL_PHASE, phase_keys[i], lang));
        kg_text(json_object_get(ph, "kg"), lang, c[1], EXPORT_CELL);
        kg_text(json_object_get(ph, "uncertainty_kg"), lang, c[2], EXPORT_CELL);
        if (total > 0)
            fmt_percent(c[3], EXPORT_CELL, export_num(ph, "kg") / total, 0, 0, lang);
        else
            snprintf(c[3], EXPORT_CELL, "—");
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, TR("footprint.by_production_phase_kgco2e"));
    if (rc == EP_OK)
        rc = pdf_table(p, head, 4, g.ptrs, g.n);
    grid_release(&g);
    return rc;
}

/* One table per Carbon'Clap category, one row per thing to type. */
static int pdf_form(struct pdf *p, const json_t *form, const char *lang)
{
    int english = fmt_is_english(lang);
    /* The departments' detail, as in the workbook and the CSV: the line
     * adds them up, the detail says who reported what. */
    const char *const head[] = {TR("footprint.section"),
                                TR("footprint.indicator"),
                                TR("footprint.quantity_to_enter"),
                                TR("footprint.per_department"),
                                "kgCO2e",
                                TR("footprint.method")};
    int rc = pdf_heading(p, 2, TR("footprint.lines_to_type_into_the"));

    for (size_t c = 0; rc == EP_OK && c < NSHEETS; c++) {
        struct grid g;
        size_t i;
        json_t *e;
        rc = grid_init(&g, json_array_size(form), 6);
        json_array_foreach(form, i, e)
        {
            char(*cell)[EXPORT_CELL];
            if (rc != EP_OK || strcmp(export_str(e, "category"), sheets[c][0]) != 0)
                continue;
            cell = grid_row(&g);
            if (cell == NULL)
                break;
            snprintf(cell[0], EXPORT_CELL, "%s",
                     carbon_label(CARBON_LABEL_THEME, export_str(e, "theme"), lang));
            snprintf(cell[1], EXPORT_CELL, "%s", carbon_form_name(e, lang));
            qty_text(e, lang, cell[2], EXPORT_CELL);
            depts_text(e, lang, cell[3], EXPORT_CELL);
            kg_text(json_object_get(e, "kg"), lang, cell[4], EXPORT_CELL);
            if (export_num(e, "replaced_quantity") > 0) {
                char q[FMT_MAX];
                text_fmtbuf(cell[5], EXPORT_CELL, english ? "en" : "fr",
                            "label.footprint.km_replaced", "km",
                            fmt_quantity(q, sizeof(q), export_num(e, "replaced_quantity"), lang),
                            NULL);
            } else {
                snprintf(cell[5], EXPORT_CELL, "%s", line_method(e, lang));
            }
        }
        if (rc == EP_OK && g.n > 0)
            rc = pdf_heading(p, 3, carbon_label(CARBON_LABEL_CATEGORY, sheets[c][0], lang));
        if (rc == EP_OK && g.n > 0)
            rc = pdf_table_fit(p, head, 6, g.ptrs, g.n);
        grid_release(&g);
    }
    return rc;
}

static int pdf_factors(struct pdf *p, const json_t *form, const char *lang)
{
    int english = fmt_is_english(lang);
    const char *const head[] = {TR("footprint.factor"), TR("footprint.value"),
                                TR("footprint.base_carbone_id"), TR("footprint.status")};
    json_t *seen = json_object();
    struct grid g;
    size_t i;
    json_t *e;
    int rc = grid_init(&g, json_array_size(form), 4);

    if (seen == NULL)
        rc = EP_ENOMEM;
    json_array_foreach(form, i, e)
    {
        char(*c)[EXPORT_CELL];
        double v = export_num(e, "factor");
        char a[FMT_MAX];
        /* Each factor once, named after the first indicator using it. */
        if (rc != EP_OK || strcmp(export_str(e, "state"), "counted") != 0 ||
            json_object_get(seen, export_str(e, "factor_id")) != NULL)
            continue;
        json_object_set_new(seen, export_str(e, "factor_id"), json_true());
        c = grid_row(&g);
        if (c == NULL)
            break;
        snprintf(c[0], EXPORT_CELL, "%s", carbon_form_name(e, lang));
        /* Enough decimals for 0.00293 and not 6.93000. */
        fmt_number(a, sizeof(a), v, v >= 1 ? 2 : v >= 0.1 ? 3 : v >= 0.01 ? 4 : 5, lang);
        snprintf(c[1], EXPORT_CELL, "%.30s kgCO2e / %.20s", a,
                 carbon_label(CARBON_LABEL_UNIT, export_str(e, "unit"), lang));
        snprintf(c[2], EXPORT_CELL, "%s",
                 export_str(e, "official_id")[0] != '\0' ? export_str(e, "official_id")
                                                         : TR("footprint.none"));
        snprintf(c[3], EXPORT_CELL, "%s",
                 carbon_label(CARBON_LABEL_STATUS, export_str(e, "factor_status"), lang));
    }
    if (rc == EP_OK && g.n > 0)
        rc = pdf_heading(p, 2, TR("footprint.emission_factors_and_sources"));
    if (rc == EP_OK && g.n > 0)
        rc = pdf_table(p, head, 4, g.ptrs, g.n);
    if (rc == EP_OK && g.n > 0)
        rc = pdf_paragraph(p, TR("footprint.the_sources_addresses_and_the"));
    grid_release(&g);
    json_decref(seen);
    return rc;
}

/* The missing indicators by name, or that there are none. */
static int pdf_missing(struct pdf *p, const json_t *form, const char *lang)
{
    int english = fmt_is_english(lang);
    char text[1200], msg[1400];
    size_t used = 0, n = 0, i;
    json_t *e;
    int rc = pdf_heading(p, 2, TR("footprint.completeness"));

    text[0] = '\0';
    json_array_foreach(form, i, e)
    {
        int k;
        if (strcmp(export_str(e, "state"), "missing") != 0)
            continue;
        k = snprintf(text + used, sizeof(text) - used, "%s%s", n ? ", " : "",
                     carbon_form_name(e, lang));
        if (k < 0 || (size_t)k >= sizeof(text) - used)
            break;
        used += (size_t)k;
        n++;
    }
    if (rc == EP_OK && n == 0)
        rc = pdf_paragraph(p, TR("footprint.every_estimated_indicator_has_readings"));
    else if (rc == EP_OK) {
        text_fmtbuf(msg, sizeof(msg), english ? "en" : "fr", "label.footprint.missing_line",
                    "items", text, NULL);
        rc = pdf_paragraph(p, msg);
    }
    return rc;
}

int export_footprint_pdf(const json_t *compare, const char *title, const char *lang, char **out,
                         size_t *len)
{
    int english = fmt_is_english(lang);
    const json_t *header = json_object_get(compare, "header");
    json_t *form = NULL;
    struct pdf *p;
    char text[1024];
    size_t n = json_array_size(header), i;
    int rc;

    *out = NULL;
    rc = carbon_form_lines(json_object_get(compare, "final"), &form);
    if (rc != EP_OK)
        return rc;
    snprintf(text, sizeof(text), "%s — %s", TR("footprint.carbon_footprint"), title);
    p = pdf_new(text, english ? "en-GB" : "fr-FR",
                TR("footprint.carbon_footprint_working_estimate"));
    if (p == NULL) {
        json_decref(form);
        return EP_ENOMEM;
    }
    rc = pdf_heading(p, 1, text);
    if (rc == EP_OK)
        rc = pdf_note(p, text_get(english ? "en" : "fr", "carbon.footprint.notice"));
    /* The production's identification (carbon_export_header). */
    if (rc == EP_OK && n > 0) {
        const char *const head[] = {TR("footprint.item"), TR("footprint.value")};
        const char **hp = calloc(n * 2 + 1, sizeof(char *));
        json_t *pair;
        if (hp == NULL) {
            rc = EP_ENOMEM;
            goto out;
        }
        json_array_foreach(header, i, pair)
        {
            hp[i * 2] = json_string_value(json_array_get(pair, 0));
            hp[i * 2 + 1] = json_string_value(json_array_get(pair, 1));
        }
        rc = pdf_heading(p, 2, TR("footprint.production_sheet"));
        if (rc == EP_OK)
            rc = pdf_table(p, head, 2, hp, n);
        free(hp);
    }
    if (rc == EP_OK)
        rc = pdf_summary(p, compare, lang);
    if (rc == EP_OK)
        rc = pdf_categories(p, compare, lang);
    if (rc == EP_OK)
        rc = pdf_phases(p, json_object_get(compare, "final"), lang);
    if (rc == EP_OK)
        rc = pdf_form(p, form, lang);
    if (rc == EP_OK)
        rc = pdf_missing(p, form, lang);
    if (rc == EP_OK)
        rc = pdf_factors(p, form, lang);
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, TR("footprint.method"));
    if (rc == EP_OK)
        rc = pdf_paragraph(p, method_text(english));
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
out:
    pdf_free(p);
    json_decref(form);
    return rc;
}
