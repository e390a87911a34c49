#define _DEFAULT_SOURCE /* popen, strdup */
/*
 * test_export.c - the footprint workbook opened back, cell by cell, by an
 * independent reader (openpyxl, tests/cli/check_xlsx.py): sheets, labels,
 * quantities, totals and the factors' sources; the plan's CSV.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "carbon.h"
#include "db.h"
#include "err.h"
#include "export.h"
#include "export_footprint.h"
#include "export_plan.h"
#include "support.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void workbook_round_trip(void **state)
{
    char dir[256], path[512], cmd[1200];
    struct db *db;
    json_t *cmp = NULL;
    char *xlsx = NULL;
    size_t len = 0;
    FILE *f;
    (void)state;

    support_tmpdir(dir);
    db = support_db(dir, "x.db");
    /* The expected figures use factor set 1: pinned, as a filed footprint. */
    assert_int_equal(carbon_pin_factor_set(db, "p1", 1, 0), EP_OK);
    support_reference_production(db);
    assert_int_equal(carbon_compare(db, "p1", NULL, &cmp), EP_OK);
    assert_int_equal(export_footprint_xlsx(cmp, "Film de référence", "fr", dir, &xlsx, &len),
                     EP_OK);
    assert_true(len > 1000);
    assert_memory_equal(xlsx, "PK", 2); /* a zip container */
    snprintf(path, sizeof(path), "%s/out.xlsx", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(xlsx, 1, len, f), len);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/cli/check_xlsx.py %s", EP_SOURCE_DIR,
             path);
    assert_int_equal(system(cmd), 0);
    free(xlsx);
    json_decref(cmp);
    db_close(db);
    support_rmtree(dir);
}

/* The value of "Key:   value" in pdfinfo's output, spaces trimmed. */
static void info_value(const char *txt, const char *key, char *out, size_t len)
{
    const char *k = strstr(txt, key);
    size_t n = 0;
    out[0] = '\0';
    if (k == NULL)
        return;
    for (k += strlen(key); *k == ' '; k++)
        ;
    while (k[n] != '\0' && k[n] != '\n' && n + 1 < len)
        n++;
    memcpy(out, k, n);
    out[n] = '\0';
}

/* Runs cmd and returns its whole stdout (caller frees). */
static char *run(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    static char buf[65536];
    size_t n;
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    assert_int_equal(pclose(f), 0);
    return strdup(buf);
}

static void pdf_summary_is_tagged_titled_and_in_french(void **state)
{
    char dir[256], path[512], cmd[1200];
    struct db *db;
    json_t *cmp = NULL;
    char *pdf = NULL, *txt;
    size_t len = 0;
    FILE *f;
    (void)state;

    support_tmpdir(dir);
    db = support_db(dir, "p.db");
    /* The expected figures use factor set 1: pinned, as a filed footprint. */
    assert_int_equal(carbon_pin_factor_set(db, "p1", 1, 0), EP_OK);
    support_reference_production(db);
    assert_int_equal(carbon_compare(db, "p1", NULL, &cmp), EP_OK);
    assert_int_equal(export_footprint_pdf(cmp, "Film de référence", "fr", &pdf, &len), EP_OK);
    assert_memory_equal(pdf, "%PDF-", 5);
    snprintf(path, sizeof(path), "%s/out.pdf", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(pdf, 1, len, f), len);
    fclose(f);
    /* A structurally valid file, incremental update included. */
    snprintf(cmd, sizeof(cmd), "qpdf --check %s 2>&1", path);
    txt = run(cmd);
    assert_non_null(strstr(txt, "No syntax or stream encoding errors"));
    free(txt);
    /* Tagged, titled, with the language in its catalog. */
    snprintf(cmd, sizeof(cmd), "pdfinfo %s", path);
    txt = run(cmd);
    {
        char v[256];
        info_value(txt, "Tagged:", v, sizeof(v));
        assert_string_equal(v, "yes");
        info_value(txt, "Title:", v, sizeof(v));
        assert_string_equal(v, "Bilan carbone — Film de référence");
    }
    free(txt);
    snprintf(cmd, sizeof(cmd), "qpdf --show-object=trailer %s", path);
    txt = run(cmd);
    {
        const char *root = strstr(txt, "/Root ");
        char obj[32];
        assert_non_null(root);
        snprintf(obj, sizeof(obj), "%ld", strtol(root + 6, NULL, 10));
        free(txt);
        snprintf(cmd, sizeof(cmd), "qpdf --show-object=%s %s", obj, path);
        txt = run(cmd);
        assert_non_null(strstr(txt, "/Lang (fr-FR)"));
        assert_non_null(strstr(txt, "/StructTreeRoot"));
        free(txt);
    }
    /* The structure tree holds headings, paragraphs and table cells in order. */
    snprintf(cmd, sizeof(cmd), "pdfinfo -struct %s", path);
    txt = run(cmd);
    assert_non_null(strstr(txt, "H1"));
    assert_non_null(strstr(txt, "Table"));
    assert_non_null(strstr(txt, "TH"));
    free(txt);
    /* And the figures, in French typography. */
    snprintf(cmd, sizeof(cmd), "pdftotext -layout %s -", path);
    txt = run(cmd);
    /* 2,281.295 kg -> "2,28 tCO2e"; the 979.3 kg of transport -> "979". */
    if (strstr(txt, "2,28 tCO2e") == NULL || strstr(txt, "979") == NULL)
        fail_msg("totals not found in:\n%.2000s", txt);
    /* French names, the missing item listed as missing, no internal id. */
    assert_non_null(strstr(txt, "Manquants (estimés, sans aucun relevé"));
    assert_non_null(strstr(txt, "Déchets en mélange (DIB)"));
    assert_non_null(strstr(txt, "Gazole des"));
    assert_null(strstr(txt, "waste_mixed_kg"));
    assert_null(strstr(txt, "van_diesel_l"));
    assert_null(strstr(txt, "meals_beef"));
    assert_non_null(strstr(txt, "Transport"));
    assert_non_null(strstr(txt, "facteurs d'émission seulement"));
    /* One table per category of the calculator's form, lines to type. */
    assert_non_null(strstr(txt, "Lignes à saisir dans le calculateur"));
    assert_non_null(strstr(txt, "Rubrique"));
    assert_non_null(strstr(txt, "liste exacte des champs de Carbon'Clap n'est"));
    free(txt);
    free(pdf);
    /* The same document in English (?lang=en): no French label left in the
     * parts ecoplateau writes. */
    assert_int_equal(export_footprint_pdf(cmp, "Reference film", "en", &pdf, &len), EP_OK);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(pdf, 1, len, f), len);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "pdftotext -layout %s -", path);
    txt = run(cmd);
    if (strstr(txt, "Carbon footprint — Reference film") == NULL ||
        strstr(txt, "2.28 tCO2e") == NULL)
        fail_msg("English title or total not found in:\n%.2000s", txt);
    assert_non_null(strstr(txt, "Lines to type into the calculator"));
    assert_non_null(strstr(txt, "Missing (estimated, no reading"));
    assert_non_null(strstr(txt, "Production logistics"));
    assert_null(strstr(txt, "Bilan définitif"));
    assert_null(strstr(txt, "Manquants"));
    assert_null(strstr(txt, "Logistique de production"));
    free(txt);
    snprintf(cmd, sizeof(cmd), "qpdf --show-object=trailer %s", path);
    txt = run(cmd);
    free(txt);
    free(pdf);
    json_decref(cmp);
    db_close(db);
    support_rmtree(dir);
}

/* The lines to type carry the departments' detail, as the workbook and the
 * CSV do, and the table is laid out so that no word is cut: every word of
 * every line's section, indicator and departments reads whole in the text
 * of the "Lignes à saisir" part (a word cut at a cell's edge would read as
 * two pieces on two lines). */
static void pdf_lines_name_departments_whole_words(void **state)
{
    char dir[256], path[512], cmd[1200];
    struct db *db;
    json_t *cmp = NULL, *form = NULL, *e, *d;
    char *pdf = NULL, *txt, *from, *to;
    size_t len = 0, i, k;
    int words = 0;
    FILE *f;
    (void)state;

    support_tmpdir(dir);
    db = support_db(dir, "w.db");
    assert_int_equal(carbon_pin_factor_set(db, "p1", 1, 0), EP_OK);
    support_reference_production(db);
    /* Paper read by two more departments: one line, each named. */
    support_office_reading(db, "w-paper1", "paper_kg", "kg", "regie", 12, "2026-09-21");
    support_office_reading(db, "w-paper2", "paper_kg", "kg", "image", 30, "2026-09-22");
    assert_int_equal(carbon_compare(db, "p1", NULL, &cmp), EP_OK);
    assert_int_equal(export_footprint_pdf(cmp, "Film de référence", "fr", &pdf, &len), EP_OK);
    snprintf(path, sizeof(path), "%s/lines.pdf", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(pdf, 1, len, f), len);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "pdftotext -layout %s -", path);
    txt = run(cmd);
    from = strstr(txt, "Lignes à saisir dans le calculateur");
    assert_non_null(from);
    to = strstr(from, "Complétude");
    assert_non_null(to);
    *to = '\0';
    assert_non_null(strstr(from, "département")); /* the column's header */
    /* the paper line's detail, departments in order */
    if (strstr(from, "Image 30 ;") == NULL || strstr(from, "Régie 12") == NULL)
        fail_msg("no department detail in:\n%s", from);
    assert_int_equal(carbon_form_lines(json_object_get(cmp, "final"), &form), EP_OK);
    json_array_foreach(form, i, e)
    {
        const char *texts[8];
        size_t n = 0;
        texts[n++] = carbon_form_name(e, "fr");
        texts[n++] =
            carbon_label(CARBON_LABEL_THEME, json_string_value(json_object_get(e, "theme")), "fr");
        json_array_foreach(json_object_get(e, "depts"), k, d)
        {
            if (n < 8)
                texts[n++] = carbon_label(CARBON_LABEL_DEPT,
                                          json_string_value(json_object_get(d, "dept")), "fr");
        }
        for (size_t t = 0; t < n; t++) {
            char copy[256], *save = NULL;
            snprintf(copy, sizeof(copy), "%s", texts[t]);
            for (char *w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
                if (strstr(from, w) == NULL)
                    fail_msg("\"%s\" (of \"%s\") is not whole in:\n%s", w, texts[t], from);
                words++;
            }
        }
    }
    assert_true(words > 20);
    json_decref(form);
    free(txt);
    free(pdf);
    json_decref(cmp);
    db_close(db);
    support_rmtree(dir);
}

/* A detail table over several pages: its header stands at the top of each
 * page it continues on, and nowhere else (it used to be drawn under the
 * first row of the new page). */
static void pdf_headers_only_at_top_of_pages(void **state)
{
    char dir[256], path[512], cmd[1200], id[32], dept[32];
    struct db *db;
    json_t *cmp = NULL;
    char *pdf = NULL, *txt;
    size_t len = 0;
    int pages = 0, npages = 0;
    FILE *f;
    (void)state;

    support_tmpdir(dir);
    db = support_db(dir, "h.db");
    for (int i = 0; i < 150; i++) { /* 150 lines: one per department */
        snprintf(id, sizeof(id), "pp%d", i);
        snprintf(dept, sizeof(dept), "dept%02d", i);
        support_office_reading(db, id, "paper_kg", "kg", dept, 1 + i, "2026-09-21");
    }
    assert_int_equal(carbon_compare(db, "p1", NULL, &cmp), EP_OK);
    /* The document has one line per thing to type, so one paper line adds
     * up the 150 departments: name each line as its own thing to type, for a
     * table long enough to span pages. */
    {
        json_t *l;
        size_t i;
        json_array_foreach(json_object_get(json_object_get(cmp, "final"), "lines"), i, l)
        {
            char name[64];
            snprintf(id, sizeof(id), "paper%02zu", i);
            snprintf(name, sizeof(name), "Ramette%03zu", i);
            json_object_set_new(l, "indicator", json_string(id));
            json_object_set_new(l, "name_fr", json_string(name));
        }
    }
    assert_int_equal(export_footprint_pdf(cmp, "Long métrage", "fr", &pdf, &len), EP_OK);
    snprintf(path, sizeof(path), "%s/long.pdf", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(pdf, 1, len, f), len);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "pdfinfo %s", path);
    txt = run(cmd);
    {
        char v[32];
        info_value(txt, "Pages:", v, sizeof(v));
        npages = atoi(v);
    }
    free(txt);
    for (int page = 1; page <= npages; page++) {
        const char *hdr, *row;
        snprintf(cmd, sizeof(cmd), "pdftotext -layout -f %d -l %d %s -", page, page, path);
        txt = run(cmd);
        /* The factor table (its heading, or its header on the pages it
         * continues on) names each factor after its line too: only the
         * lines table counts. */
        for (const char *const *cut =
                 (const char *const[]){"Facteurs d'émission et sources", "Identifiant Base", NULL};
             *cut != NULL; cut++) {
            char *at = strstr(txt, *cut);
            if (at != NULL)
                *at = '\0';
        }
        if (strstr(txt, "Ramette") == NULL) {
            free(txt);
            continue;
        }
        pages++;
        hdr = strstr(txt, "Indicateur");
        row = strstr(txt, "Ramette");
        /* On every page with rows, exactly one header, above the first row. */
        if (hdr == NULL)
            fail_msg("page %d has rows and no header:\n%s", page, txt);
        assert_true(hdr < row);
        assert_null(strstr(hdr + 1, "Indicateur"));
        free(txt);
    }
    assert_true(pages >= 2); /* the table did span pages */
    free(pdf);
    json_decref(cmp);
    db_close(db);
    support_rmtree(dir);
}

/* The plan's CSV: BOM, ';', CRLF, a missing figure left empty (not 0), a
 * title that looks like a formula guarded. */
static void plan_csv_for_french_excel(void **state)
{
    json_t *p = json_loads("{\"actions\":[{\"title\":\"=1+1\",\"theme\":\"food\",\"baseline\":0.1,"
                           "\"target\":0.25,\"current\":null,\"attainment_pct\":null,"
                           "\"status\":\"sans_donnee\",\"draft_flags\":[]}]}",
                           0, NULL);
    struct export_doc doc = {.lang = "fr", .catalogue = NULL};
    char *csv = NULL;
    size_t len = 0;
    (void)state;
    assert_non_null(p);
    assert_int_equal(export_plan_csv(p, &doc, &csv, &len), EP_OK);
    assert_memory_equal(csv,
                        "\xEF\xBB\xBF"
                        "Action;",
                        10);
    assert_non_null(strstr(csv, "\r\n'=1+1;Alimentation;"));
    assert_non_null(strstr(csv, ";0,10;0,25;;;;"));
    assert_non_null(strstr(csv, "sans donnée"));
    assert_true(len > 0 && csv[len - 1] == '\n');
    free(csv);
    json_decref(p);
}

/* The documents' labels are the text files' "label.*" keys: each language
 * its own word, French when asked in another language, the key itself (or
 * the value, for a group) when there is none. */
static void labels_come_from_the_text_files(void **state)
{
    (void)state;
    assert_string_equal(export_label("fr", "status.en_retard"),
                        text_get("fr", "label.status.en_retard"));
    assert_string_equal(export_label("en", "status.en_retard"),
                        text_get("en", "label.status.en_retard"));
    assert_string_equal(export_label("fr", "status.en_retard"), "en retard");
    assert_string_equal(export_label("en", "status.en_retard"), "behind");
    assert_string_equal(export_label("de", "theme.food"), "Alimentation");
    assert_string_equal(export_label("en-GB", "theme.food"), export_label("en", "theme.food"));
    assert_string_equal(export_label("en", "no.such.label"), "no.such.label");
    assert_string_equal(export_label("en", "diag.level.3"), "diag.level.3"); /* not a label */
    assert_string_equal(export_label_of("en", "theme", "food"), "Food");
    assert_string_equal(export_label_of("en", "theme", "Mon thème"), "Mon thème");
    assert_string_equal(export_label_of("fr", "theme", NULL), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(workbook_round_trip),
        cmocka_unit_test(pdf_summary_is_tagged_titled_and_in_french),
        cmocka_unit_test(pdf_headers_only_at_top_of_pages),
        cmocka_unit_test(plan_csv_for_french_excel),
        cmocka_unit_test(labels_come_from_the_text_files),
        cmocka_unit_test(pdf_lines_name_departments_whole_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
