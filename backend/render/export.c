/* export.c - the footprint workbook (see export.h). */
#include "export.h"

#include "carbon.h"
#include "err.h"
#include "imgmeta.h"
#include "pdf.h"
#include "plan.h"

#include <sodium.h>
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
        worksheet_write_string(ws, r, 0, str(l, "name_fr"), NULL);
        worksheet_write_string(ws, r, 1, str(l, "dept"), NULL);
        worksheet_write_number(ws, r, 2, num(l, "quantity"), f->qty);
        worksheet_write_string(ws, r, 3, str(l, "unit_fr"), NULL);
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
        const char *id = str(l, "factor_id");
        if (seen == NULL || json_object_get(seen, id) != NULL)
            continue;
        json_object_set_new(seen, id, json_true());
        worksheet_write_string(ws, r, 0, str(l, "name_fr"), NULL);
        worksheet_write_number(ws, r, 1, num(l, "factor"), NULL);
        worksheet_write_string(ws, r, 2, str(l, "unit_fr"), NULL);
        worksheet_write_string(ws, r, 3, str(l, "official_id"), NULL);
        worksheet_write_string(ws, r, 4, carbon_status_label(str(l, "factor_status")), NULL);
        worksheet_write_string(ws, r, 5, str(l, "source_url"), NULL);
        worksheet_write_string(ws, r, 6, str(l, "factor_method"), NULL);
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
    const json_t *missing = json_object_get(json_object_get(fin, "completeness"), "missing_items");
    const json_t *span = json_object_get(compare, "span");
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
    /* Running or closed, and how much of the expected emissions is covered:
     * the gaps below compare only what was read, pro rata. */
    if (strcmp(str(compare, "status"), "clos") == 0)
        snprintf(text, sizeof(text), "Statut : production close ; écarts au prévisionnel entier.");
    else if (num(span, "total_days") <= 0)
        snprintf(text, sizeof(text),
                 "Statut : en cours, dates de la production inconnues ; écarts au prévisionnel "
                 "entier, à lire avec prudence.");
    else
        snprintf(text, sizeof(text),
                 "Statut : en cours ; écarts au prévisionnel au prorata des jours de tournage "
                 "écoulés (%d sur %d).",
                 (int)num(span, "elapsed_days"), (int)num(span, "total_days"));
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text);
    if (json_is_number(json_object_get(json_object_get(compare, "coverage"), "share"))) {
        fr_num(num(json_object_get(compare, "coverage"), "share") * 100.0, 0, a, sizeof(a));
        snprintf(text, sizeof(text),
                 "Émissions attendues couvertes par des relevés : %s %%. Les indicateurs sans "
                 "relevé sont manquants : ni zéro, ni réduction.",
                 a);
        if (rc == EP_OK)
            rc = pdf_paragraph(p, text);
    }
    if (rc == EP_OK)
        rc = pdf_paragraph(p, str(fin, "uncertainty_covers"));
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
        snprintf(cells[i * 4], PCELL, "%s",
                 str(row, "name_fr")[0] != '\0' ? str(row, "name_fr") : str(row, "indicator"));
        snprintf(cells[i * 4 + 1], PCELL, "%s", str(row, "dept"));
        fr_num(num(row, "quantity"), 1, a, sizeof(a));
        /* The method when it is not the plain reading (litres replaced km). */
        if (num(row, "replaced_quantity") > 0) {
            fr_num(num(row, "replaced_quantity"), 0, b, sizeof(b));
            snprintf(cells[i * 4 + 2], PCELL, "%.16s %.12s, %.16s remplacés par le carburant", a,
                     str(row, "unit_fr"), b);
        } else {
            snprintf(cells[i * 4 + 2], PCELL, "%.40s %.12s", a, str(row, "unit_fr"));
        }
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
                             str(m, "name_fr"));
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

/* ---- C1 / C2 summaries ------------------------------------------------------ */

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
        const char *tag = str(it, tag_key);
        const char *why = str(it, "why");
        snprintf(line, sizeof(line), "%s%s%s%s", tag[0] ? "[" : "", tag, tag[0] ? "] " : "",
                 str(it, "text"));
        rc = pdf_paragraph(p, line);
        if (rc == EP_OK && why[0] != '\0')
            rc = pdf_note(p, why);
        if (rc == EP_OK && str(it, "edited_by")[0] != '\0') {
            /* The user's wording, kept with who changed it and when ("at" is
             * an ISO 8601 time: its date is enough on paper). */
            snprintf(line, sizeof(line), "Modifié par %.200s le %.10s.", str(it, "edited_by"),
                     str(it, "edited_at"));
            rc = pdf_note(p, line);
        }
        if (rc != EP_OK)
            break;
    }
    return rc;
}

#define WCELL 400 /* a table cell holding a whole sentence */

/* The French name of a C1 marker (docs/diagnostic.md), or the key. */
static const char *marker_label(const char *m)
{
    static const char *const map[][2] = {
        {"csr_charter", "Charte RSE"},
        {"ecoprod_label", "Label Ecoprod"},
        {"afnor_spec_2308_level", "AFNOR SPEC 2308"},
        {"eco_referent", "Éco-référent"},
        {"past_footprints", "Bilans carbone passés"},
        {"trained_staff_pct", "Permanents formés"},
        {"standard_methods", "Méthodes standardisées"},
        {"crew_continuity", "Transmission aux équipes"},
        {"supplier_criteria", "Critères fournisseurs"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i][0], m) == 0)
            return map[i][1];
    }
    return m;
}

int export_company_pdf(const json_t *result, const char *company, char **out, size_t *len)
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
             str(result, "level_label"), (int)json_integer_value(json_object_get(result, "level")),
             num(result, "score"),
             strcmp(str(result, "status"), "draft") == 0 ? " — brouillon, réponses manquantes"
                                                         : "");
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text);
    if (rc == EP_OK && json_array_size(json_object_get(result, "context")) > 0) {
        size_t i;
        json_t *x;
        rc = pdf_heading(p, 2, "Pratiques et ressources de la société");
        json_array_foreach(json_object_get(result, "context"), i, x)
        {
            if (rc == EP_OK)
                rc = pdf_paragraph(p, str(x, "text"));
        }
    }
    if (rc == EP_OK && json_array_size(json_object_get(result, "afnor_chapters")) > 0) {
        size_t i;
        json_t *x;
        rc = pdf_heading(p, 2, "AFNOR SPEC 2308, chapitre par chapitre");
        json_array_foreach(json_object_get(result, "afnor_chapters"), i, x)
        {
            snprintf(text, sizeof(text), "%s : niveau %lld sur 3 (%.1f / %.0f points).",
                     str(x, "label"), (long long)json_integer_value(json_object_get(x, "level")),
                     num(x, "points"), num(x, "max"));
            if (rc == EP_OK)
                rc = pdf_paragraph(p, text);
        }
    }
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
        /* Whole sentences: a cell cut at a byte count read "d'un projet à
         * l'autr"; the table wraps long cells. */
        char(*cells)[WCELL] = calloc(n * 3 + 1, WCELL);
        const char **ptrs = calloc(n * 3 + 1, sizeof(char *));
        json_t *m;
        if (cells == NULL || ptrs == NULL) {
            rc = EP_ENOMEM;
        } else {
            json_array_foreach(ms, i, m)
            {
                snprintf(cells[i * 3], WCELL, "%s", marker_label(str(m, "marker")));
                snprintf(cells[i * 3 + 1], WCELL, "%.1f / %.0f", num(m, "points"), num(m, "max"));
                snprintf(cells[i * 3 + 2], WCELL, "%s", str(m, "why"));
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

/* The matrix quadrant's words, never its key ("a_planifier"). */
static const char *quadrant_fr(const char *q)
{
    return strcmp(q, "a_planifier") == 0      ? "à planifier"
           : strcmp(q, "gestes_simples") == 0 ? "gestes simples"
                                              : q;
}

int export_project_pdf(const json_t *result, const char *title, char **out, size_t *len)
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
        snprintf(text, sizeof(text), "%s : %s", str(x, "element"), str(x, "impact"));
        rc = pdf_paragraph(p, text);
    }
    if (rc == EP_OK) {
        const json_t *th = json_object_get(result, "themes");
        size_t n = json_array_size(th);
        char(*cells)[PCELL] = calloc(n * 5 + 1, PCELL);
        const char **ptrs = calloc(n * 5 + 1, sizeof(char *));
        if (cells == NULL || ptrs == NULL) {
            rc = EP_ENOMEM;
        } else {
            json_array_foreach(th, i, x)
            {
                json_int_t rank = json_integer_value(json_object_get(x, "rank"));
                snprintf(cells[i * 5], PCELL, "%s", rank > 0 ? "" : "—");
                if (rank > 0)
                    snprintf(cells[i * 5], PCELL, "%lld", (long long)rank);
                snprintf(cells[i * 5 + 1], PCELL, "%s", str(x, "label"));
                fr_num(num(x, "kg") / 1000.0, 1, cells[i * 5 + 2], PCELL);
                snprintf(cells[i * 5 + 3], PCELL, "%d / 3",
                         (int)json_integer_value(json_object_get(x, "effort")));
                snprintf(cells[i * 5 + 4], PCELL, "%s", quadrant_fr(str(x, "quadrant")));
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
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Actions candidates, par kgCO2e évité par euro");
    if (rc == EP_OK) {
        const json_t *env = json_object_get(result, "envelope");
        if (json_is_number(json_object_get(env, "eur")))
            snprintf(text, sizeof(text),
                     "Enveloppe fixée par la direction de production : %.0f €. Retenues tant que "
                     "leur coût haut tient dans l'enveloppe : %lld action(s), %.0f € au plus, "
                     "%.0f kgCO2e évités.",
                     num(env, "eur"), (long long)json_integer_value(json_object_get(env, "kept")),
                     num(env, "cost_max_eur"), num(env, "avoided_kg"));
        else
            snprintf(text, sizeof(text),
                     "Enveloppe de la démarche : donnée manquante (non "
                     "fixée par la direction de production).");
        rc = pdf_paragraph(p, text);
    }
    json_array_foreach(json_object_get(result, "actions"), i, x)
    {
        char eff[48];
        if (rc != EP_OK)
            break;
        if (json_is_number(json_object_get(x, "kg_per_eur")))
            snprintf(eff, sizeof(eff), "%.2f kgCO2e/€", num(x, "kg_per_eur"));
        else
            snprintf(eff, sizeof(eff), "sans surcoût");
        snprintf(text, sizeof(text), "%lld. %s : %.0f kgCO2e évités, %.0f à %.0f €, %s%s",
                 (long long)json_integer_value(json_object_get(x, "rank")), str(x, "title"),
                 num(x, "avoided_kg"), num(x, "cost_min_eur"), num(x, "cost_max_eur"), eff,
                 json_is_true(json_object_get(x, "within_envelope"))    ? " — retenue"
                 : json_is_false(json_object_get(x, "within_envelope")) ? " — hors enveloppe"
                                                                        : "");
        rc = pdf_paragraph(p, text);
        if (rc == EP_OK)
            rc = pdf_note(p, str(x, "rationale"));
    }
    /* The office's placements in the matrix, with who made them and when. */
    json_array_foreach(json_object_get(result, "themes"), i, x)
    {
        if (rc != EP_OK)
            break;
        if (str(x, "adjusted_by")[0] == '\0')
            continue;
        snprintf(text, sizeof(text), "%s : placement ajusté par %.200s le %.10s (calculé : %s).",
                 str(x, "label"), str(x, "adjusted_by"), str(x, "adjusted_at"),
                 quadrant_fr(str(x, "computed_quadrant")));
        rc = pdf_note(p, text);
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
    pdf_free(p);
    return rc;
}

/* ---- the action plan (C4) --------------------------------------------------- */

/* A figure in French, or "—" when missing. */
static void fig(const json_t *v, int decimals, char *buf, size_t len)
{
    if (json_is_number(v))
        fr_num(json_number_value(v), decimals, buf, len);
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
    worksheet_write_string(ws, 1, 0, str(progress, "today"), NULL);
    for (size_t c = 0; c < sizeof(head) / sizeof(head[0]); c++)
        worksheet_write_string(ws, 2, (lxw_col_t)c, head[c], hd);
    json_array_foreach(list, i, a)
    {
        static const char *const texts[] = {"title",     "theme", "dept",     "owner",
                                            "objective", "means", "indicator"};
        static const char *const figs[] = {"baseline", "target", "current", "projected"};
        json_t *att = json_object_get(a, "attainment_pct");
        for (size_t c = 0; c < sizeof(texts) / sizeof(texts[0]); c++)
            worksheet_write_string(ws, r, (lxw_col_t)c, str(a, texts[c]), NULL);
        for (size_t c = 0; c < sizeof(figs) / sizeof(figs[0]); c++) {
            json_t *v = json_object_get(a, figs[c]);
            if (json_is_number(v))
                worksheet_write_number(ws, r, (lxw_col_t)(7 + c), json_number_value(v), NULL);
        }
        if (json_is_number(att))
            worksheet_write_number(ws, r, 11, json_number_value(att) / 100.0, pct);
        worksheet_write_string(ws, r, 12, plan_status_label(str(a, "status")), NULL);
        flags_text(a, flags, sizeof(flags));
        worksheet_write_string(ws, r, 13, flags, NULL);
        r++;
    }
    workbook_set_properties(wb, &(lxw_doc_properties){.title = (char *)title,
                                                      .subject = "Plan d'actions écoresponsable",
                                                      .author = "ecoplateau"});
    rc = workbook_close(wb) == LXW_NO_ERROR ? EP_OK : EP_EIO;
    if (rc == EP_OK)
        rc = slurp(path, out, len);
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
    char(*cells)[PCELL] = NULL;
    const char **ptrs = NULL;
    struct pdf *p;
    json_t *a;
    int rc;

    *out = NULL;
    snprintf(text, sizeof(text), "Plan d'actions écoresponsable — %s", title);
    p = pdf_new(text, "fr-FR", "Compétence C4 : plan d'actions");
    if (p == NULL)
        return EP_ENOMEM;
    cells = calloc(n * NC + 1, PCELL);
    ptrs = calloc(n * NC + 1, sizeof(char *));
    rc = cells != NULL && ptrs != NULL ? EP_OK : EP_ENOMEM;
    if (rc == EP_OK)
        rc = pdf_heading(p, 1, text);
    if (rc == EP_OK) {
        snprintf(text, sizeof(text),
                 "État au %s : %lld jours de tournage écoulés sur %lld. Les actions sans "
                 "responsable, sans indicateur ou sans objectif chiffré sont des brouillons.",
                 str(progress, "today"),
                 (long long)json_integer_value(json_object_get(progress, "elapsed_days")),
                 (long long)json_integer_value(json_object_get(progress, "total_days")));
        rc = pdf_paragraph(p, text);
    }
    json_array_foreach(list, i, a)
    {
        char(*row)[PCELL] = cells + i * NC;
        if (rc != EP_OK)
            break;
        snprintf(row[0], PCELL, "%.90s", str(a, "title"));
        snprintf(row[1], PCELL, "%.60s", str(a, "owner")[0] ? str(a, "owner") : "—");
        snprintf(row[2], PCELL, "%.60s", str(a, "indicator")[0] ? str(a, "indicator") : "—");
        fig(json_object_get(a, "baseline"), 1, row[3], PCELL);
        fig(json_object_get(a, "target"), 1, row[4], PCELL);
        fig(json_object_get(a, "projected"), 1, row[5], PCELL);
        snprintf(row[6], PCELL, "%s", plan_status_label(str(a, "status")));
        for (size_t c = 0; c < NC; c++)
            ptrs[i * NC + c] = row[c];
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, "Actions");
    if (rc == EP_OK)
        rc = pdf_table(p, head, NC, ptrs, n);
    json_array_foreach(list, i, a)
    {
        const char *obj = str(a, "objective"), *means = str(a, "means");
        if (rc != EP_OK || (obj[0] == '\0' && means[0] == '\0'))
            continue;
        rc = pdf_heading(p, 2, str(a, "title")[0] ? str(a, "title") : "Action");
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

/* ---- communication kit (C10) ----------------------------------------------- */

/* ---- kit photos in the PDF ------------------------------------------------ */

#define KIT_PHOTO_MAX_PX 4096 /* a decoded surface of 64 MiB at most */
#define KIT_PHOTO_W 360.0     /* points: the box a photo is fitted into */
#define KIT_PHOTO_H 270.0

/* PNG bytes read by cairo from memory. */
struct mem_reader {
    const unsigned char *p;
    size_t left;
};

static cairo_status_t read_mem(void *closure, unsigned char *data, unsigned int length)
{
    struct mem_reader *m = closure;

    if (length > m->left)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, m->p, length);
    m->p += length;
    m->left -= length;
    return CAIRO_STATUS_SUCCESS;
}

static void draw_photo(cairo_t *cr, double x, double y, double w, double h, void *data)
{
    cairo_surface_t *img = data;

    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, w / cairo_image_surface_get_width(img),
                h / cairo_image_surface_get_height(img));
    cairo_set_source_surface(cr, img, 0, 0);
    /* A bounded fill, not cairo_paint(): cairo 1.16 fails a tagged PDF
     * ("invalid tag nesting") when an unbounded paint sits inside a tag. */
    cairo_rectangle(cr, 0, 0, cairo_image_surface_get_width(img),
                    cairo_image_surface_get_height(img));
    cairo_fill(cr);
    cairo_restore(cr);
}

/*
 * A cairo surface for a JPEG or PNG photo, or NULL (WebP, damaged, too
 * large). A JPEG is not decoded: cairo embeds its bytes as they are (the
 * mime data), on a blank surface of the size its SOF marker gives; *bytes
 * then belongs to the surface.
 */
static cairo_surface_t *photo_surface(unsigned char **bytes, size_t len)
{
    const char *type = imgmeta_sniff(*bytes, len);
    cairo_surface_t *img = NULL;
    int w = 0, h = 0;

    if (type == NULL || imgmeta_dimensions(*bytes, len, &w, &h) != EP_OK || w > KIT_PHOTO_MAX_PX ||
        h > KIT_PHOTO_MAX_PX)
        return NULL;
    if (strcmp(type, IMGMETA_PNG) == 0) {
        struct mem_reader m = {*bytes, len};
        img = cairo_image_surface_create_from_png_stream(read_mem, &m);
    } else {
        img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS ||
            cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, *bytes, len, free, *bytes) !=
                CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(img); /* a blank surface would print a blank photo */
            return NULL;
        }
        *bytes = NULL; /* the surface frees it */
    }
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return NULL;
    }
    return img;
}

/* The embedded photos of one practice, each a Figure with its caption as /Alt. */
static int kit_pdf_photos(struct pdf *p, const json_t *kit, const char *action)
{
    const json_t *ph;
    size_t i;
    int rc = EP_OK;

    json_array_foreach(json_object_get(kit, "photos"), i, ph)
    {
        const char *b64 = str(ph, "data");
        size_t n = strlen(b64), len = 0;
        unsigned char *bytes;
        cairo_surface_t *img;
        double w, h, k;
        if (strcmp(str(ph, "action"), action) != 0 || n == 0)
            continue;
        bytes = malloc(n / 4 * 3 + 3);
        if (bytes == NULL)
            return EP_ENOMEM;
        if (sodium_base642bin(bytes, n / 4 * 3 + 3, b64, n, NULL, &len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0) {
            free(bytes);
            continue;
        }
        img = photo_surface(&bytes, len);
        free(bytes);
        if (img == NULL) {
            rc = pdf_note(p, "(photo au format WebP ou illisible : voir la version HTML du kit)");
            if (rc != EP_OK)
                return rc;
            continue;
        }
        w = cairo_image_surface_get_width(img);
        h = cairo_image_surface_get_height(img);
        k = KIT_PHOTO_W / w < KIT_PHOTO_H / h ? KIT_PHOTO_W / w : KIT_PHOTO_H / h;
        rc = pdf_figure(p, str(ph, "caption"), w * k, h * k, draw_photo, img);
        if (rc == EP_OK)
            rc = pdf_note(p, str(ph, "caption"));
        cairo_surface_destroy(img);
        if (rc != EP_OK)
            return rc;
    }
    return rc;
}

int export_kit_pdf(const json_t *kit, char **out, size_t *len)
{
    static const char *const head[] = {"Indicateur", "Valeur", "Précision"};
    static const char *const parts[][2] = {{"objective", "Objectif"},
                                           {"means", "Moyens"},
                                           {"result", "Résultat"},
                                           {"success_factors", "Ce qui a fait la différence"},
                                           {"lessons", "À savoir"}};
    const json_t *figs = json_object_get(kit, "figures");
    size_t nf = json_array_size(figs), i;
    char title[512], (*vals)[64] = NULL, line[2300];
    const char **cells = NULL;
    const json_t *x;
    struct pdf *p;
    int rc = EP_ENOMEM;

    snprintf(title, sizeof(title), "%s — %s", str(kit, "title"), str(kit, "production"));
    p = pdf_new(title, "fr-FR", "Kit de communication (compétence C10)");
    cells = calloc(nf * 3 + 1, sizeof(*cells));
    vals = calloc(nf + 1, sizeof(*vals));
    if (p == NULL || cells == NULL || vals == NULL)
        goto out;
    rc = pdf_heading(p, 1, title);
    if (rc == EP_OK)
        rc = pdf_paragraph(p, str(kit, "intro"));
    json_array_foreach(figs, i, x)
    {
        json_t *v = json_object_get(x, "value");
        if (json_is_integer(v))
            snprintf(vals[i], sizeof(vals[i]), "%lld %s", (long long)json_integer_value(v),
                     str(x, "unit"));
        else if (json_is_number(v))
            snprintf(vals[i], sizeof(vals[i]), "%.1f %s", json_number_value(v), str(x, "unit"));
        else
            snprintf(vals[i], sizeof(vals[i]), "donnée manquante");
        cells[i * 3] = str(x, "label");
        cells[i * 3 + 1] = vals[i];
        cells[i * 3 + 2] = str(x, "note");
    }
    if (rc == EP_OK && nf > 0)
        rc = pdf_heading(p, 2, "Chiffres clés");
    if (rc == EP_OK && nf > 0)
        rc = pdf_table(p, head, 3, cells, nf);
    json_array_foreach(json_object_get(kit, "practices"), i, x)
    {
        if (rc == EP_OK && i == 0)
            rc = pdf_heading(p, 2, "Fiches pratiques");
        if (rc == EP_OK) {
            snprintf(line, sizeof(line), "• %s", str(x, "title"));
            rc = pdf_paragraph(p, line);
        }
        for (size_t k = 0; rc == EP_OK && k < sizeof(parts) / sizeof(parts[0]); k++) {
            if (str(x, parts[k][0])[0] == '\0')
                continue;
            snprintf(line, sizeof(line), "%s : %s", parts[k][1], str(x, parts[k][0]));
            rc = pdf_note(p, line);
        }
        if (rc == EP_OK)
            rc = kit_pdf_photos(p, kit, str(x, "id"));
    }
    json_array_foreach(json_object_get(kit, "tips"), i, x)
    {
        if (rc == EP_OK && i == 0)
            rc = pdf_heading(p, 2, "Conseils");
        if (rc == EP_OK) {
            snprintf(line, sizeof(line), "• %s", json_string_value(x));
            rc = pdf_paragraph(p, line);
        }
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
out:
    free(cells);
    free(vals);
    pdf_free(p);
    return rc;
}

/* ---- evaluation (C9) -------------------------------------------------------- */

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
                                         {"brouillon", "Brouillon (à compléter)"}};
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
    int rc = pdf_heading(p, 2, str(a, "title")[0] ? str(a, "title") : str(a, "id"));

    eval_num(base, sizeof(base), json_object_get(a, "baseline"), 2, "");
    eval_num(target, sizeof(target), json_object_get(a, "target"), 2, "");
    eval_num(cur, sizeof(cur), json_object_get(a, "current"), 2, "");
    eval_num(proj, sizeof(proj), json_object_get(a, "projected"), 2, "");
    eval_num(pct, sizeof(pct), json_object_get(a, "attainment_pct"), 0, " %");
    cells[0] = "Indicateur";
    cells[1] = str(a, "indicator")[0] ? str(a, "indicator") : "donnée manquante";
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
    cells[13] = verdict_text(str(a, "verdict"));
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
        snprintf(line, sizeof(line), "• %s", str(x, "text"));
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
             str(ev, "today"), json_integer_value(json_object_get(ev, "elapsed_days")),
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
             num(json_object_get(fp, "provisional"), "total_kg"),
             num(json_object_get(fp, "final"), "total_kg"));
    if (rc == EP_OK)
        rc = pdf_paragraph(p, line);
    if (rc == EP_OK && json_integer_value(json_object_get(ev, "elapsed_days")) <
                           json_integer_value(json_object_get(ev, "total_days")))
        rc = pdf_note(p, "Tournage en cours : le bilan définitif est encore partiel.");
    json_array_foreach(cats, i, x)
    {
        json_t *pct = json_object_get(x, "delta_pct");
        snprintf(vals[i][0], sizeof(vals[i][0]), "%.0f", num(x, "provisional_kg"));
        snprintf(vals[i][1], sizeof(vals[i][1]), "%.0f", num(x, "final_kg"));
        if (json_is_number(pct))
            snprintf(vals[i][2], sizeof(vals[i][2]), "%+.0f %%", json_number_value(pct));
        else
            snprintf(vals[i][2], sizeof(vals[i][2]), "sans prévisionnel");
        cells[i * 4] = str(x, "label");
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
        const char *v = str(x, "verdict");
        const json_t *rep = json_object_get(x, "reproducible");
        if (rc != EP_OK)
            break;
        if (strcmp(v, "reussie") != 0 && strcmp(v, "partielle") != 0)
            continue;
        snprintf(line, sizeof(line), "• %s : %s", str(x, "title"),
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
