/* export_evaluation.c - the evaluation as a PDF (see export_evaluation.h). */
#include "export_evaluation.h"
#include "err.h"
#include "fmt.h"
#include "pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define L(key) export_label(d->lang, key)

/* One action: planned against actual, as a two-column table. */
static int eval_action(struct pdf *p, const struct export_doc *d, const json_t *a)
{
    static const char *const rows[] = {
        "eval.row.indicator", "eval.row.baseline",   "eval.row.target",  "eval.row.current",
        "eval.row.projected", "eval.row.attainment", "eval.row.verdict", "eval.row.class"};
    static const char *const figs[] = {"baseline", "target", "current", "projected"};
    const char *head[2] = {L("eval.col.what"), L("eval.col.value")};
    const json_t *rep = json_object_get(a, "reproducible");
    const json_t *pct = json_object_get(a, "attainment_pct");
    const char *ind = export_indicator(d, export_str(a, "indicator"));
    char vals[5][FMT_MAX + 48];
    const char *cells[16];
    int rc = pdf_heading(p, 2, export_str(a, "title"));

    for (size_t i = 0; i < 4; i++)
        export_amount(vals[i], sizeof(vals[i]), d, json_object_get(a, figs[i]),
                      export_str(a, "indicator"));
    if (json_is_number(pct))
        fmt_percent(vals[4], sizeof(vals[4]), json_number_value(pct) / 100.0, 0, 0, d->lang);
    else
        snprintf(vals[4], sizeof(vals[4]), "%s", L("doc.missing"));
    for (size_t i = 0; i < 8; i++)
        cells[i * 2] = L(rows[i]);
    cells[1] = ind[0] ? ind : L("doc.missing");
    for (size_t i = 0; i < 5; i++)
        cells[3 + i * 2] = vals[i];
    cells[13] = export_label_of(d->lang, "verdict", export_str(a, "verdict"));
    cells[15] = json_is_true(rep)    ? L("eval.class.yes")
                : json_is_false(rep) ? L("eval.class.no")
                                     : L("eval.class.unset");
    if (rc == EP_OK)
        rc = pdf_table(p, head, 2, cells, 8);
    return rc;
}

/* A list of {"text","solutions"?} items as paragraphs. */
static int eval_items(struct pdf *p, const struct export_doc *d, const char *title,
                      const json_t *list, const char *none)
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
            rc = pdf_note(p, export_fill(line, sizeof(line), L("eval.solution"), "text",
                                         json_string_value(s), NULL));
        }
    }
    return rc;
}

/* The summary sentence: how many actions, of which how many succeeded... */
static void summary_text(const struct export_doc *d, const json_t *ev, char *line, size_t len)
{
    static const char *const counts[][2] = {
        {"actions", "count.actions"},     {"reussies", "count.succeeded"},
        {"partielles", "count.partial"},  {"non_atteintes", "count.missed"},
        {"sans_donnee", "count.no_data"}, {"brouillons", "count.drafts"},
        {"measured", "count.measured"}};
    const json_t *sum = json_object_get(ev, "summary");
    const json_t *mean = json_object_get(sum, "mean_attainment_pct");
    char c[7][FMT_MAX + 48], day[FMT_MAX], elapsed[FMT_MAX + 16], total[FMT_MAX], m[FMT_MAX];

    for (size_t i = 0; i < 7; i++)
        export_count(c[i], sizeof(c[i]), d->lang,
                     (long)json_integer_value(json_object_get(sum, counts[i][0])), counts[i][1]);
    fmt_date(day, sizeof(day), export_str(ev, "today"), FMT_DATE_LONG, d->lang);
    export_count(elapsed, sizeof(elapsed), d->lang,
                 (long)json_integer_value(json_object_get(ev, "elapsed_days")), "count.days");
    fmt_number(total, sizeof(total), (double)json_integer_value(json_object_get(ev, "total_days")),
               0, d->lang);
    if (json_is_number(mean))
        fmt_percent(m, sizeof(m), json_number_value(mean) / 100.0, 0, 0, d->lang);
    else
        snprintf(m, sizeof(m), "%s", L("doc.missing"));
    export_fill(line, len, L("eval.summary"), "today", day, "elapsed", elapsed, "total", total,
                "actions", c[0], "succeeded", c[1], "partial", c[2], "missed", c[3], "no_data",
                c[4], "drafts", c[5], "measured", c[6], "mean", m, NULL);
}

/* The footprint by category: provisional, final and the difference. */
static int eval_footprint(struct pdf *p, const struct export_doc *d, const json_t *ev)
{
    const json_t *fp = json_object_get(ev, "footprint");
    const json_t *cats = json_object_get(fp, "categories");
    const char *fhead[4] = {L("eval.col.category"), L("eval.col.provisional"), L("eval.col.final"),
                            L("eval.col.delta")};
    size_t nc = json_array_size(cats), i;
    char line[1024], prov[FMT_MAX], fin[FMT_MAX], (*vals)[3][FMT_MAX] = NULL;
    const char **cells = NULL;
    const json_t *x;
    int rc = pdf_heading(p, 1, L("eval.footprint"));

    fmt_quantity(prov, sizeof(prov),
                 export_num(json_object_get(fp, "provisional"), "total_kg") / 1000.0, d->lang);
    fmt_quantity(fin, sizeof(fin), export_num(json_object_get(fp, "final"), "total_kg") / 1000.0,
                 d->lang);
    if (rc == EP_OK)
        rc = pdf_paragraph(p, export_fill(line, sizeof(line), L("eval.footprint_text"),
                                          "provisional", prov, "final", fin, NULL));
    if (rc == EP_OK && json_integer_value(json_object_get(ev, "elapsed_days")) <
                           json_integer_value(json_object_get(ev, "total_days")))
        rc = pdf_note(p, L("eval.footprint_partial"));
    cells = calloc(nc * 4 + 1, sizeof(*cells));
    vals = calloc(nc + 1, sizeof(*vals));
    if (rc == EP_OK && (cells == NULL || vals == NULL))
        rc = EP_ENOMEM;
    json_array_foreach(cats, i, x)
    {
        json_t *pct = json_object_get(x, "delta_pct");
        if (rc != EP_OK)
            break;
        fmt_number(vals[i][0], sizeof(vals[i][0]), export_num(x, "provisional_kg"), 0, d->lang);
        fmt_number(vals[i][1], sizeof(vals[i][1]), export_num(x, "final_kg"), 0, d->lang);
        if (json_is_number(pct))
            fmt_percent(vals[i][2], sizeof(vals[i][2]), json_number_value(pct) / 100.0, 0, 1,
                        d->lang);
        else
            snprintf(vals[i][2], sizeof(vals[i][2]), "%s", L("eval.no_provisional"));
        cells[i * 4] = export_label_of(d->lang, "category", export_str(x, "category"));
        if (cells[i * 4][0] == '\0')
            cells[i * 4] = export_str(x, "label");
        cells[i * 4 + 1] = vals[i][0];
        cells[i * 4 + 2] = vals[i][1];
        cells[i * 4 + 3] = vals[i][2];
    }
    if (rc == EP_OK && nc > 0)
        rc = pdf_table(p, fhead, 4, cells, nc);
    free(cells);
    free(vals);
    return rc;
}

int export_evaluation_pdf(const json_t *ev, const char *title, const struct export_doc *d,
                          char **out, size_t *len)
{
    char head[512], line[2048];
    const json_t *x;
    struct pdf *p;
    size_t i;
    int rc;

    *out = NULL;
    export_fill(head, sizeof(head), L("eval.title"), "title", title, NULL);
    p = pdf_new(head, L("doc.pdf_lang"), L("eval.subject"));
    if (p == NULL)
        return EP_ENOMEM;
    pdf_page_numbers(p, 1);
    rc = pdf_heading(p, 1, head);
    summary_text(d, ev, line, sizeof(line));
    if (rc == EP_OK)
        rc = pdf_paragraph(p, line);
    if (rc == EP_OK)
        rc = pdf_heading(p, 1, L("eval.actions"));
    json_array_foreach(json_object_get(ev, "actions"), i, x)
    {
        if (rc == EP_OK)
            rc = eval_action(p, d, x);
    }
    if (rc == EP_OK)
        rc = eval_footprint(p, d, ev);
    if (rc == EP_OK)
        rc = pdf_heading(p, 1, L("eval.lessons"));
    if (rc == EP_OK)
        rc = eval_items(p, d, L("eval.strengths"), json_object_get(ev, "strengths"),
                        L("eval.strengths_none"));
    if (rc == EP_OK)
        rc = eval_items(p, d, L("eval.difficulties"), json_object_get(ev, "difficulties"),
                        L("eval.difficulties_none"));
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, L("eval.reproducible"));
    json_array_foreach(json_object_get(ev, "actions"), i, x)
    {
        const char *v = export_str(x, "verdict");
        const json_t *rep = json_object_get(x, "reproducible");
        if (rc != EP_OK)
            break;
        if (strcmp(v, "reussie") != 0 && strcmp(v, "partielle") != 0)
            continue;
        snprintf(line, sizeof(line), "• %s%s%s", export_str(x, "title"),
                 fmt_is_english(d->lang) ? ": " : " : ",
                 json_is_true(rep)    ? L("eval.class.yes_short")
                 : json_is_false(rep) ? L("eval.class.no_short")
                                      : L("eval.class.unset_short"));
        rc = pdf_paragraph(p, line);
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
    pdf_free(p);
    return rc;
}
