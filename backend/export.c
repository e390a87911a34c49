/* export.c - the footprint workbook (see export.h). */
#include "export.h"

#include "carbon.h"
#include "err.h"
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

static double num(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "";
}

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
    worksheet_write_string(ws, 1, 0, str(fin, "notice"), f->note);
    worksheet_write_string(ws, 3, 0, "Jeu de facteurs d'émission", NULL);
    worksheet_write_number(ws, 3, 1, num(fin, "factor_version"), NULL);
    worksheet_write_string(ws, 4, 0, "Bilan définitif (kgCO2e)", NULL);
    worksheet_write_number(ws, 4, 1, num(fin, "total_kg"), f->kg);
    worksheet_write_string(ws, 4, 2, "± (kgCO2e)", NULL);
    worksheet_write_number(ws, 4, 3, num(fin, "uncertainty_kg"), f->kg);
    worksheet_write_string(ws, 5, 0, "Bilan prévisionnel (kgCO2e)", NULL);
    worksheet_write_number(ws, 5, 1, num(prov, "total_kg"), f->kg);
    worksheet_write_string(ws, 5, 2, "± (kgCO2e)", NULL);
    worksheet_write_number(ws, 5, 3, num(prov, "uncertainty_kg"), f->kg);
    worksheet_write_string(ws, 7, 0, "Catégorie", f->head);
    worksheet_write_string(ws, 7, 1, "Prévisionnel (kgCO2e)", f->head);
    worksheet_write_string(ws, 7, 2, "Définitif (kgCO2e)", f->head);
    worksheet_write_string(ws, 7, 3, "Écart (kgCO2e)", f->head);
    worksheet_write_string(ws, 7, 4, "Écart (%)", f->head);
    json_array_foreach(rows, i, row)
    {
        json_t *pct = json_object_get(row, "delta_pct");
        worksheet_write_string(ws, r, 0, str(row, "label"), NULL);
        worksheet_write_number(ws, r, 1, num(row, "provisional_kg"), f->kg);
        worksheet_write_number(ws, r, 2, num(row, "final_kg"), f->kg);
        worksheet_write_number(ws, r, 3, num(row, "delta_kg"), f->kg);
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
        if (strcmp(str(l, "category"), key) != 0)
            continue;
        worksheet_write_string(ws, r, 0, str(l, "indicator"), NULL);
        worksheet_write_string(ws, r, 1, str(l, "dept"), NULL);
        worksheet_write_number(ws, r, 2, num(l, "quantity"), f->qty);
        worksheet_write_string(ws, r, 3, str(l, "unit"), NULL);
        worksheet_write_number(ws, r, 4, num(l, "factor"), NULL);
        worksheet_write_number(ws, r, 5, num(l, "kg"), f->kg);
        worksheet_write_number(ws, r, 6, num(l, "uncertainty_kg"), f->kg);
        worksheet_write_number(ws, r, 7, num(l, "entries"), NULL);
        worksheet_write_number(ws, r, 8, num(l, "flagged"), NULL);
        r++;
    }
    worksheet_write_string(ws, r, 0, "Total", f->head);
    worksheet_write_number(
        ws, r, 5, num(json_object_get(json_object_get(fin, "by_category"), key), "kg"), f->kg);
}

static void factors_sheet(lxw_workbook *wb, const struct fmt *f, const json_t *fin)
{
    static const char *const head[] = {"Facteur",  "Valeur (kgCO2e/unité)",
                                       "Unité",    "Identifiant Base Carbone",
                                       "Confirmé", "Source"};
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
        const char *id = str(l, "factor_id");
        if (seen == NULL || json_object_get(seen, id) != NULL)
            continue;
        json_object_set_new(seen, id, json_true());
        worksheet_write_string(ws, r, 0, id, NULL);
        worksheet_write_number(ws, r, 1, num(l, "factor"), NULL);
        worksheet_write_string(ws, r, 2, str(l, "unit"), NULL);
        worksheet_write_string(ws, r, 3, str(l, "official_id"), NULL);
        worksheet_write_string(ws, r, 4,
                               json_is_true(json_object_get(l, "confirmed")) ? "oui" : "non", NULL);
        worksheet_write_string(ws, r, 5, str(l, "source_url"), NULL);
        r++;
    }
    json_decref(seen);
}

static int slurp(const char *path, char **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    long size;
    char *buf = NULL;
    int rc = EP_EIO;

    if (fp == NULL)
        return EP_EIO;
    if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size);
        if (buf == NULL) {
            rc = EP_ENOMEM;
        } else if (fread(buf, 1, (size_t)size, fp) == (size_t)size) {
            *out = buf;
            *len = (size_t)size;
            buf = NULL;
            rc = EP_OK;
        }
    }
    free(buf);
    fclose(fp);
    return rc;
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
        rc = slurp(path, out, len);
    unlink(path);
    return rc;
}

/* ---- PDF summary ------------------------------------------------------------ */

/* French number: thin no-break space between thousands, decimal comma. */
static void fr_num(double v, int decimals, char *buf, size_t len)
{
    char raw[64], *dot;
    size_t n, o = 0;
    int neg = v < 0;

    snprintf(raw, sizeof(raw), "%.*f", decimals, neg ? -v : v);
    dot = strchr(raw, '.');
    n = dot != NULL ? (size_t)(dot - raw) : strlen(raw);
    if (neg && o + 1 < len)
        buf[o++] = '-';
    for (size_t i = 0; i < n && o + 4 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0) {
            memcpy(buf + o, "\xE2\x80\xAF", 3); /* U+202F */
            o += 3;
        }
        buf[o++] = raw[i];
    }
    if (dot != NULL && o + 1 < len) {
        buf[o++] = ',';
        for (const char *d = dot + 1; *d != '\0' && o + 1 < len; d++)
            buf[o++] = *d;
    }
    buf[o] = '\0';
}

#define PCELL 96 /* one table cell's text */

int export_footprint_pdf(const json_t *compare, const char *title, char **out, size_t *len)
{
    const json_t *fin = json_object_get(compare, "final");
    const json_t *prov = json_object_get(compare, "provisional");
    const json_t *rows = json_object_get(compare, "categories");
    const json_t *lines = json_object_get(fin, "lines");
    const json_t *missing = json_object_get(json_object_get(fin, "completeness"), "missing");
    struct pdf *p;
    char text[1024], a[48], b[48];
    char(*cells)[PCELL] = NULL;
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
        rc = pdf_note(p, str(fin, "notice"));
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Synthèse");
    fr_num(num(fin, "total_kg") / 1000.0, 2, a, sizeof(a));
    fr_num(num(fin, "uncertainty_kg") / 1000.0, 2, b, sizeof(b));
    snprintf(text, sizeof(text),
             "Bilan définitif (relevés) : %s tCO2e, à ± %s tCO2e près (jeu de facteurs n° %d).", a,
             b, (int)num(fin, "factor_version"));
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text);
    fr_num(num(prov, "total_kg") / 1000.0, 2, a, sizeof(a));
    fr_num(num(prov, "uncertainty_kg") / 1000.0, 2, b, sizeof(b));
    snprintf(text, sizeof(text), "Bilan prévisionnel (estimations) : %s tCO2e, à ± %s tCO2e près.",
             a, b);
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text);
    /* Categories: Catégorie | Prévisionnel | Définitif | Écart */
    n = json_array_size(rows);
    cells = calloc(n * 4 + 1, PCELL);
    ptrs = calloc(n * 4 + 1, sizeof(char *));
    if (cells == NULL || ptrs == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    json_array_foreach(rows, i, row)
    {
        json_t *pct = json_object_get(row, "delta_pct");
        snprintf(cells[i * 4], PCELL, "%s", str(row, "label"));
        fr_num(num(row, "provisional_kg"), 0, cells[i * 4 + 1], PCELL);
        fr_num(num(row, "final_kg"), 0, cells[i * 4 + 2], PCELL);
        if (json_is_number(pct)) {
            fr_num(json_number_value(pct), 0, a, sizeof(a));
            snprintf(cells[i * 4 + 3], PCELL, "%s %%", a);
        } else {
            snprintf(cells[i * 4 + 3], PCELL, "—");
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
    cells = calloc(n * 4 + 1, PCELL);
    ptrs = calloc(n * 4 + 1, sizeof(char *));
    if (cells == NULL || ptrs == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    json_array_foreach(lines, i, row)
    {
        snprintf(cells[i * 4], PCELL, "%s", str(row, "indicator"));
        snprintf(cells[i * 4 + 1], PCELL, "%s", str(row, "dept"));
        fr_num(num(row, "quantity"), 1, a, sizeof(a));
        snprintf(cells[i * 4 + 2], PCELL, "%s %s", a, str(row, "unit"));
        fr_num(num(row, "kg"), 1, cells[i * 4 + 3], PCELL);
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
                             json_string_value(m));
            if (k < 0 || (size_t)k >= sizeof(text) - used)
                break;
            used += (size_t)k;
        }
        if (json_array_size(missing) == 0)
            rc = pdf_paragraph(p, "Chaque indicateur estimé a reçu des relevés.");
        else {
            char msg[1200];
            snprintf(msg, sizeof(msg), "Estimés mais sans aucun relevé à ce jour : %s.", text);
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
