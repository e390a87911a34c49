/* export_diag.c - the C1 and C2 summaries (see export_diag.h). */
#include "export_diag.h"
#include "err.h"
#include "fmt.h"
#include "pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define L(key) export_label(d->lang, key)

/* Appends a list of {"text","priority"|"grade","why"} as paragraphs; tag_key
 * names the label group of the tag ("priority", "grade"). */
static int items(struct pdf *p, const struct export_doc *d, const json_t *list, const char *tag_key)
{
    size_t i;
    json_t *it;
    int rc = EP_OK;

    if (json_array_size(list) == 0)
        return pdf_paragraph(p, "—");
    json_array_foreach(list, i, it)
    {
        char line[1024], day[FMT_MAX];
        const char *tag = export_label_of(d->lang, tag_key, export_str(it, tag_key));
        const char *why = export_str(it, "why");
        snprintf(line, sizeof(line), "%s%s%s%s", tag[0] ? "[" : "", tag, tag[0] ? "] " : "",
                 export_str(it, "text"));
        rc = pdf_paragraph(p, line);
        if (rc == EP_OK && why[0] != '\0')
            rc = pdf_note(p, why);
        if (rc == EP_OK && export_str(it, "edited_by")[0] != '\0') {
            /* The user's wording, kept with who changed it and when. */
            fmt_date(day, sizeof(day), export_str(it, "edited_at"), FMT_DATE_MEDIUM, d->lang);
            rc = pdf_note(p, export_fill(line, sizeof(line), L("diag.c1.edited"), "who",
                                         export_str(it, "edited_by"), "date", day, NULL));
        }
        if (rc != EP_OK)
            break;
    }
    return rc;
}

#define WCELL 400 /* a table cell holding a whole sentence */

/* The marker table: each marker's points and why. */
static int marker_table(struct pdf *p, const struct export_doc *d, const json_t *result)
{
    const json_t *ms = json_object_get(result, "markers");
    size_t n = json_array_size(ms), i;
    /* Whole sentences: a cell cut at a byte count read "d'un projet à
     * l'autr"; the table wraps long cells. */
    char(*cells)[WCELL] = calloc(n * 3 + 1, WCELL);
    const char **ptrs = calloc(n * 3 + 1, sizeof(char *));
    const char *head[3] = {L("diag.c1.col.marker"), L("diag.c1.col.points"), L("diag.c1.col.why")};
    json_t *m;
    int rc = EP_OK;

    if (cells == NULL || ptrs == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    json_array_foreach(ms, i, m)
    {
        char pts[FMT_MAX], max[FMT_MAX];
        snprintf(cells[i * 3], WCELL, "%s",
                 export_label_of(d->lang, "marker", export_str(m, "marker")));
        snprintf(cells[i * 3 + 1], WCELL, "%s / %s",
                 fmt_quantity(pts, sizeof(pts), export_num(m, "points"), d->lang),
                 fmt_quantity(max, sizeof(max), export_num(m, "max"), d->lang));
        snprintf(cells[i * 3 + 2], WCELL, "%s", export_str(m, "why"));
        for (int c = 0; c < 3; c++)
            ptrs[i * 3 + (size_t)c] = cells[i * 3 + (size_t)c];
    }
    rc = pdf_heading(p, 2, L("diag.c1.reasoning"));
    if (rc == EP_OK)
        rc = pdf_table(p, head, 3, ptrs, n);
out:
    free(cells);
    free(ptrs);
    return rc;
}

int export_diag_company_pdf(const json_t *result, const char *company, const struct export_doc *d,
                            char **out, size_t *len)
{
    char text[512], key[32], level[FMT_MAX], score[FMT_MAX];
    const char *label;
    struct pdf *p;
    size_t i;
    json_t *x;
    int rc;

    *out = NULL;
    export_fill(text, sizeof(text), L("diag.c1.title"), "company",
                company != NULL ? company : L("diag.c1.company"), NULL);
    p = pdf_new(text, L("doc.pdf_lang"), L("diag.c1.subject"));
    if (p == NULL)
        return EP_ENOMEM;
    rc = pdf_heading(p, 1, text);
    if (rc == EP_OK)
        rc = pdf_note(p, L("diag.c1.note"));
    snprintf(key, sizeof(key), "level.%lld",
             (long long)json_integer_value(json_object_get(result, "level")));
    label = L(key);
    if (label == key)
        label = export_str(result, "level_label");
    fmt_number(level, sizeof(level), (double)json_integer_value(json_object_get(result, "level")),
               0, d->lang);
    fmt_number(score, sizeof(score), export_num(result, "score"), 0, d->lang);
    export_fill(text, sizeof(text), L("diag.c1.level"), "label", label, "level", level, "score",
                score, "draft",
                strcmp(export_str(result, "status"), "draft") == 0 ? L("diag.c1.draft") : "", NULL);
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text);
    if (rc == EP_OK && json_array_size(json_object_get(result, "context")) > 0) {
        rc = pdf_heading(p, 2, L("diag.c1.context"));
        json_array_foreach(json_object_get(result, "context"), i, x)
        {
            if (rc == EP_OK)
                rc = pdf_paragraph(p, export_str(x, "text"));
        }
    }
    if (rc == EP_OK && json_array_size(json_object_get(result, "afnor_chapters")) > 0) {
        rc = pdf_heading(p, 2, L("diag.c1.chapters"));
        json_array_foreach(json_object_get(result, "afnor_chapters"), i, x)
        {
            char lv[FMT_MAX], pts[FMT_MAX], max[FMT_MAX];
            const char *name = export_label_of(d->lang, "chapter", export_str(x, "chapter"));
            fmt_number(lv, sizeof(lv), (double)json_integer_value(json_object_get(x, "level")), 0,
                       d->lang);
            fmt_quantity(pts, sizeof(pts), export_num(x, "points"), d->lang);
            fmt_quantity(max, sizeof(max), export_num(x, "max"), d->lang);
            export_fill(text, sizeof(text), L("diag.c1.chapter"), "label",
                        name[0] ? name : export_str(x, "label"), "level", lv, "points", pts, "max",
                        max, NULL);
            if (rc == EP_OK)
                rc = pdf_paragraph(p, text);
        }
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, L("diag.c1.strengths"));
    if (rc == EP_OK)
        rc = items(p, d, json_object_get(result, "strengths"), "grade");
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, L("diag.c1.weaknesses"));
    if (rc == EP_OK)
        rc = items(p, d, json_object_get(result, "weaknesses"), "priority");
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, L("diag.c1.axes"));
    if (rc == EP_OK)
        rc = items(p, d, json_object_get(result, "axes"), "priority");
    if (rc == EP_OK)
        rc = marker_table(p, d, result);
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
    pdf_free(p);
    return rc;
}

/* The ranked themes as a table. */
static int theme_table(struct pdf *p, const struct export_doc *d, const json_t *result)
{
    const json_t *th = json_object_get(result, "themes");
    size_t n = json_array_size(th), i;
    char(*cells)[EXPORT_CELL] = calloc(n * 5 + 1, EXPORT_CELL);
    const char **ptrs = calloc(n * 5 + 1, sizeof(char *));
    const char *head[5] = {L("diag.c2.col.rank"), L("diag.c2.col.theme"), L("diag.c2.col.t"),
                           L("diag.c2.col.effort"), L("diag.c2.col.matrix")};
    json_t *x;
    int rc = EP_OK;

    if (cells == NULL || ptrs == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    json_array_foreach(th, i, x)
    {
        json_int_t rank = json_integer_value(json_object_get(x, "rank"));
        const char *name = export_label_of(d->lang, "theme", export_str(x, "theme"));
        snprintf(cells[i * 5], EXPORT_CELL, "%s", rank > 0 ? "" : "—");
        if (rank > 0)
            fmt_number(cells[i * 5], EXPORT_CELL, (double)rank, 0, d->lang);
        snprintf(cells[i * 5 + 1], EXPORT_CELL, "%s", name[0] ? name : export_str(x, "label"));
        fmt_quantity(cells[i * 5 + 2], EXPORT_CELL, export_num(x, "kg") / 1000.0, d->lang);
        snprintf(cells[i * 5 + 3], EXPORT_CELL, "%d / 3",
                 (int)json_integer_value(json_object_get(x, "effort")));
        snprintf(cells[i * 5 + 4], EXPORT_CELL, "%s",
                 export_label_of(d->lang, "quadrant", export_str(x, "quadrant")));
        for (int c = 0; c < 5; c++)
            ptrs[i * 5 + (size_t)c] = cells[i * 5 + (size_t)c];
    }
    rc = pdf_heading(p, 2, L("diag.c2.themes"));
    if (rc == EP_OK)
        rc = pdf_table(p, head, 5, ptrs, n);
out:
    free(cells);
    free(ptrs);
    return rc;
}

/* The envelope sentence: what the budget keeps. */
static void envelope_text(const struct export_doc *d, const json_t *result, char *text, size_t len)
{
    const json_t *env = json_object_get(result, "envelope");
    char eur[FMT_MAX], kept[FMT_MAX + 32], cost[FMT_MAX], avoided[FMT_MAX];

    if (!json_is_number(json_object_get(env, "eur"))) {
        snprintf(text, len, "%s", L("diag.c2.envelope_missing"));
        return;
    }
    fmt_number(eur, sizeof(eur), export_num(env, "eur"), 0, d->lang);
    export_count(kept, sizeof(kept), d->lang,
                 (long)json_integer_value(json_object_get(env, "kept")), "count.actions");
    fmt_number(cost, sizeof(cost), export_num(env, "cost_max_eur"), 0, d->lang);
    fmt_number(avoided, sizeof(avoided), export_num(env, "avoided_kg"), 0, d->lang);
    export_fill(text, len, L("diag.c2.envelope"), "eur", eur, "kept", kept, "cost", cost, "avoided",
                avoided, NULL);
}

/* One candidate action's line. */
static void action_text(const struct export_doc *d, const json_t *x, char *text, size_t len)
{
    char rank[FMT_MAX], avoided[FMT_MAX], min[FMT_MAX], max[FMT_MAX], eff[FMT_MAX + 32];
    char v[FMT_MAX];
    const json_t *within = json_object_get(x, "within_envelope");

    fmt_number(rank, sizeof(rank), (double)json_integer_value(json_object_get(x, "rank")), 0,
               d->lang);
    fmt_number(avoided, sizeof(avoided), export_num(x, "avoided_kg"), 0, d->lang);
    fmt_number(min, sizeof(min), export_num(x, "cost_min_eur"), 0, d->lang);
    fmt_number(max, sizeof(max), export_num(x, "cost_max_eur"), 0, d->lang);
    if (json_is_number(json_object_get(x, "kg_per_eur")))
        export_fill(eff, sizeof(eff), L("diag.c2.per_eur"), "value",
                    fmt_quantity(v, sizeof(v), export_num(x, "kg_per_eur"), d->lang), NULL);
    else
        snprintf(eff, sizeof(eff), "%s", L("diag.c2.no_cost"));
    export_fill(text, len, L("diag.c2.action"), "rank", rank, "title", export_str(x, "title"),
                "avoided", avoided, "min", min, "max", max, "efficiency", eff, "kept",
                json_is_true(within)    ? L("diag.c2.kept")
                : json_is_false(within) ? L("diag.c2.out")
                                        : "",
                NULL);
}

int export_diag_project_pdf(const json_t *result, const char *title, const struct export_doc *d,
                            char **out, size_t *len)
{
    char text[1024];
    struct pdf *p;
    size_t i;
    json_t *x;
    int rc;

    *out = NULL;
    export_fill(text, sizeof(text), L("diag.c2.title"), "title",
                title != NULL ? title : L("diag.c2.project"), NULL);
    p = pdf_new(text, L("doc.pdf_lang"), L("diag.c2.subject"));
    if (p == NULL)
        return EP_ENOMEM;
    rc = pdf_heading(p, 1, text);
    if (rc == EP_OK)
        rc = pdf_note(p, L("diag.c2.note"));
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, L("diag.c2.impacts"));
    json_array_foreach(json_object_get(result, "impacts"), i, x)
    {
        if (rc != EP_OK)
            break;
        snprintf(text, sizeof(text), "%s%s%s", export_str(x, "element"),
                 fmt_is_english(d->lang) ? ": " : " : ", export_str(x, "impact"));
        rc = pdf_paragraph(p, text);
    }
    if (rc == EP_OK)
        rc = theme_table(p, d, result);
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, L("diag.c2.actions"));
    envelope_text(d, result, text, sizeof(text));
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text);
    json_array_foreach(json_object_get(result, "actions"), i, x)
    {
        if (rc != EP_OK)
            break;
        action_text(d, x, text, sizeof(text));
        rc = pdf_paragraph(p, text);
        if (rc == EP_OK)
            rc = pdf_note(p, export_str(x, "rationale"));
    }
    /* The office's placements in the matrix, with who made them and when. */
    json_array_foreach(json_object_get(result, "themes"), i, x)
    {
        char day[FMT_MAX];
        const char *name = export_label_of(d->lang, "theme", export_str(x, "theme"));
        if (rc != EP_OK)
            break;
        if (export_str(x, "adjusted_by")[0] == '\0')
            continue;
        fmt_date(day, sizeof(day), export_str(x, "adjusted_at"), FMT_DATE_MEDIUM, d->lang);
        export_fill(text, sizeof(text), L("diag.c2.adjusted"), "theme",
                    name[0] ? name : export_str(x, "label"), "who", export_str(x, "adjusted_by"),
                    "date", day, "computed",
                    export_label_of(d->lang, "quadrant", export_str(x, "computed_quadrant")), NULL);
        rc = pdf_note(p, text);
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
    pdf_free(p);
    return rc;
}
