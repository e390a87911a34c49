#define _DEFAULT_SOURCE /* popen, strdup */
/*
 * test_dossier.c - the professional dossier on a worked example (the
 * six-week shoot of test_eval.c): parts in the référentiel's order with
 * their competencies, missing data written as missing and never as zero,
 * the candidate's edits replacing the drafts; then the documents checked by
 * independent tools: the PDF's pages (pdfinfo), the competencies in the
 * margin column on every page of their part (pdftotext -bbox-layout), the
 * margin notes tagged as Note elements (qpdf), the 12-page rule with what
 * to cut and the draft mark, the ODT (python3 zipfile + XML parser) and
 * the Markdown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "carbon.h"
#include "db.h"
#include "diag.h"
#include "dossdoc.h"
#include "dossier.h"
#include "err.h"
#include "eval.h"
#include "export_evaluation.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TODAY "2026-10-16"

static char dir[256];
static struct db *db;

static int setup(void **state)
{
    char id[32];
    (void)state;
    support_tmpdir(dir);
    db = support_db(dir, "d.db");
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "UPDATE production SET starts_on = '2026-09-07', "
                                  "ends_on = '2026-10-16' WHERE id = 'p1'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    for (int i = 0; i < 29; i++) {
        snprintf(id, sizeof(id), "km-%d", i);
        support_office_reading(db, id, "van_km", "km", "regie", 25,
                               i < 15 ? "2026-09-20" : "2026-10-10");
    }
    support_office_reading(db, "veg", "meals_vegetarian", "meal", "catering", 32, "2026-10-01");
    support_office_reading(db, "beef", "meals_beef", "meal", "catering", 70, "2026-10-01");
    support_office_ok(
        db, "actions", "act-km", "put",
        "{\"title\":\"Navettes\",\"theme\":\"mobility\",\"owner\":\"m-k\",\"indicator\":\"van_km\","
        "\"baseline\":1000,\"target\":800,\"reproducible\":true,\"success_factors\":\"Covoiturage "
        "organisé par la régie\"}");
    support_office_ok(
        db, "actions", "act-veg", "put",
        "{\"title\":\"Végétarien\",\"theme\":\"food\",\"owner\":\"m-m\",\"indicator\":"
        "\"meals_vegetarian\",\"measure\":\"share\",\"baseline\":0.2,\"target\":0.35}");
    /* Never read: its attainment is missing, not 0 %. */
    support_office_ok(
        db, "actions", "act-train", "put",
        "{\"title\":\"Train plutôt qu'avion\",\"theme\":\"mobility\",\"owner\":\"m-p\","
        "\"indicator\":\"train_tgv_pkm\",\"baseline\":0,\"target\":5000}");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    support_rmtree(dir);
    return 0;
}

static json_t *part(json_t *d, const char *id)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(d, "parts"), i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "id")), id) == 0)
            return p;
    }
    fail_msg("no part %s", id);
    return NULL;
}

static const char *text_of(json_t *d, const char *id)
{
    return json_string_value(json_object_get(part(d, id), "text"));
}

static json_t *build(void)
{
    json_t *d = NULL;
    assert_int_equal(dossier_build(db, "p1", TODAY, "fr", &d), EP_OK);
    return d;
}

static void parts_in_order_with_margins_and_missing_data(void **state)
{
    static const char *const order[][2] = {{"methodologie", "C1 · C4 · C9"},
                                           {"diagnostic", "C1"},
                                           {"analyse", "C2"},
                                           {"plan", "C3 · C4"},
                                           {"actions", "C5 · C6"},
                                           {"indicateurs", "C7 · C8"},
                                           {"resultats", "C9"},
                                           {"difficultes", "C9"},
                                           {"valorisation", "C10"}};
    json_t *d = build(), *parts = json_object_get(d, "parts"), *an;
    json_t *missing = json_object_get(d, "missing");
    size_t i;
    (void)state;

    assert_int_equal(json_array_size(parts), 9);
    assert_int_equal(dossier_part_count(), 9);
    for (i = 0; i < 9; i++) {
        json_t *p = json_array_get(parts, i);
        assert_string_equal(json_string_value(json_object_get(p, "id")), order[i][0]);
        assert_string_equal(json_string_value(json_object_get(p, "margin")), order[i][1]);
        assert_string_equal(json_string_value(json_object_get(p, "source")), "generated");
        assert_true(json_is_true(json_object_get(p, "include")));
    }
    /* No communication sent: missing under C5, the competency that briefs. */
    {
        size_t k;
        json_t *m;
        int c5 = 0;
        json_array_foreach(missing, k, m)
        {
            assert_null(strstr(json_string_value(m), "communications (C6)"));
            c5 |= strcmp(json_string_value(m), "communications (C5)") == 0;
        }
        assert_true(c5);
    }
    /* No questionnaire filled: the diagnostic is missing, said so. */
    assert_non_null(strstr(text_of(d, "diagnostic"), "donnée manquante"));
    assert_non_null(strstr(text_of(d, "analyse"), "donnée manquante"));
    {
        int found = 0;
        json_t *m;
        json_array_foreach(missing, i, m) found |=
            strcmp(json_string_value(m), "diagnostic de la société (C1)") == 0;
        assert_true(found);
    }
    /* The train was never read: "donnée manquante", never "0 %". */
    assert_non_null(strstr(text_of(d, "resultats"),
                           "Train plutôt qu'avion : donnée manquante de l'objectif, sans donnée"));
    assert_null(strstr(text_of(d, "resultats"), " 0\u00a0%"));
    /* 725 km in 29 of 30 days -> 750 projected: 125 % of the way to 800. */
    assert_non_null(
        strstr(text_of(d, "resultats"), "Navettes : 125\u00a0% de l'objectif, réussie"));
    /* 2 measured: (125 + 75.8) / 2 = 100.4 -> "100 %". */
    assert_non_null(strstr(text_of(d, "resultats"), "Atteinte moyenne des actions mesurées : "
                                                    "100\u00a0% (sur 2)"));
    assert_non_null(strstr(text_of(d, "difficultes"), "Train plutôt qu'avion : aucune donnée"));
    assert_non_null(strstr(text_of(d, "valorisation"), "Navettes — Covoiturage organisé"));
    /* The annexes: the train's row says missing in both measured columns. */
    an = json_array_get(json_object_get(d, "annexes"), 0);
    assert_string_equal(json_string_value(json_object_get(an, "id")), "actions");
    {
        json_t *row = NULL, *r;
        json_array_foreach(json_object_get(an, "rows"), i, r)
        {
            if (strcmp(json_string_value(json_array_get(r, 0)), "Train plutôt qu'avion") == 0)
                row = r;
        }
        assert_non_null(row);
        assert_string_equal(json_string_value(json_array_get(row, 4)), "donnée manquante");
        assert_string_equal(json_string_value(json_array_get(row, 5)), "donnée manquante");
        assert_string_equal(json_string_value(json_array_get(row, 6)), "sans donnée");
    }
    assert_int_equal(json_array_size(json_object_get(d, "annexes")), 5);
    json_decref(d);
}

/*
 * The errors a certification review found, checked on the text: readings
 * missed name their indicator and end with one full stop; a forecast never
 * entered is missing, not "0 kgCO2e"; categories and matrix quadrants are
 * words, not keys; C2 uses the budget (envelope, kgCO2e per euro).
 */
static void certification_review_fixes(void **state)
{
    json_t *d, *res = NULL, *l;
    const char *t;
    double sum = 0;
    size_t i;
    (void)state;
    /* Three readings in the first week, then silence: missed readings,
     * counted on the schedule's weeks (collect.h), the first missed one
     * beginning on the 14th. */
    support_office_reading(db, "w1", "waste_residual_kg", "kg", "regie", 12, "2026-09-08");
    support_office_reading(db, "w2", "waste_residual_kg", "kg", "regie", 14, "2026-09-09");
    support_office_reading(db, "w3", "waste_residual_kg", "kg", "regie", 11, "2026-09-10");
    support_office_ok(db, "diagnostics", "c2-project", "put",
                      "{\"title\":\"Le test\",\"type\":\"fiction\",\"shooting_days\":10,"
                      "\"crew_size\":20,\"cast_size\":4,\"locations\":[{\"name\":\"Port\","
                      "\"km_from_base\":30}],\"sets_to_build\":1,\"eco_budget_eur\":2000}");
    d = build();
    t = text_of(d, "difficultes");
    assert_non_null(strstr(t, "Relevé « Déchets résiduels (incinérés) » (département Régie) "
                              "manqué depuis le 14 septembre 2026 (4 périodes sans relevé)"));
    assert_null(strstr(t, ".."));
    assert_null(strstr(t, "Relevé habituel manqué"));
    /* No estimate entered: the forecast is missing, said so. */
    t = text_of(d, "indicateurs");
    assert_non_null(strstr(t, "prévisionnel n'a pas été saisi (donnée manquante)"));
    assert_null(strstr(t, "prévisionnel était de 0"));
    {
        json_t *an = json_array_get(json_object_get(d, "annexes"), 2), *row;
        assert_string_equal(json_string_value(json_object_get(an, "id")), "bilan");
        json_array_foreach(json_object_get(an, "rows"), i, row)
        {
            assert_string_equal(json_string_value(json_array_get(row, 1)), "donnée manquante");
        }
    }
    /* C2: quadrants in words, the envelope and kgCO2e per euro. */
    t = text_of(d, "analyse");
    assert_null(strstr(t, "a_planifier"));
    assert_null(strstr(t, "gestes_simples"));
    assert_non_null(
        strstr(t, "Enveloppe fixée par la direction de production : 2\u202f000\u00a0€"));
    assert_non_null(strstr(t, "kgCO2e/€"));
    /* 240 meals, 30 % beef = 72; half served vegetarian: 36 x (7.26 - 0.51)
     * = 243 kgCO2e for 0-300 EUR. */
    assert_non_null(
        strstr(t, "Un repas végétarien par semaine : 243 kgCO2e évités, 0\u00a0€ à 300\u00a0€, "
                  "1,62 kgCO2e/€, retenue"));
    json_decref(d);
    /* The estimate offered to the forecast: its lines sum to the C2 total. */
    assert_int_equal(diag_project_of(db, "p1", &res), EP_OK);
    json_array_foreach(json_object_get(res, "lines"), i, l)
    {
        sum += json_number_value(json_object_get(l, "kg"));
        assert_non_null(json_object_get(l, "category"));
    }
    assert_true(fabs(sum - json_number_value(json_object_get(res, "total_kg"))) <= 1.0);
    json_decref(res);
    assert_int_equal(diag_project_of(db, "nope", &res), EP_ENOTFOUND);
}

static void diagnostics_and_edits(void **state)
{
    json_t *d;
    (void)state;
    /* The questionnaire as the PWA writes it: one field per answer. */
    support_office_ok(
        db, "diagnostics", "c1-2026", "put",
        "{\"production_types\":[\"documentary\"],\"headcount\":12,\"staff_turnover_pct\":10,"
        "\"standard_methods\":\"partial\",\"partners\":[\"CNC\"],\"providers\":[\"Loueur\"],"
        "\"supplier_criteria\":true,\"csr_charter\":true,\"ecoprod_label\":false,"
        "\"afnor_spec_2308_level\":0,\"eco_referent\":\"part_time\",\"trained_staff_pct\":30,"
        "\"past_footprints\":1,\"intermittent_pct\":50,\"crew_briefing\":true}");
    /* The candidate's own words for the plan, and an extra competency. */
    support_office_ok(
        db, "dossier_parts", "plan", "put",
        "{\"text\":\"J'ai retenu trois actions *prioritaires*.\\n- Navettes | covoiturage\","
        "\"competencies\":[\"C3\",\"C4\",\"C6\"]}");
    support_office_ok(db, "dossier_parts", "valorisation", "put", "{\"include\":false}");
    d = build();
    assert_non_null(strstr(text_of(d, "diagnostic"), "maturité au niveau"));
    /* c1-model.json: charter 12 + part-time referent 6 + no label 0 + SPEC 2308
     * 0 + partial methods 3 + 1 footprint 2.5 + 30 % trained 2.4 + continuity
     * 6 (turnover 10 %, briefing) + suppliers 5 = 36.9, a real number: it
     * read as 0. */
    assert_non_null(strstr(text_of(d, "diagnostic"), "avec un score de 37 sur 100"));
    assert_non_null(strstr(text_of(d, "diagnostic"), "Pratiques et ressources de la société"));
    assert_non_null(strstr(text_of(d, "diagnostic"), "50\u00a0% des équipes de tournage sont "
                                                     "intermittentes"));
    assert_null(strstr(text_of(d, "diagnostic"), "donnée manquante"));
    assert_non_null(strstr(text_of(d, "diagnostic"), "Points forts :"));
    assert_string_equal(json_string_value(json_object_get(part(d, "plan"), "source")), "edited");
    assert_string_equal(text_of(d, "plan"),
                        "J'ai retenu trois actions *prioritaires*.\n- Navettes | covoiturage");
    assert_non_null(strstr(json_string_value(json_object_get(part(d, "plan"), "generated")),
                           "Le plan d'action retient 3 actions :"));
    assert_string_equal(json_string_value(json_object_get(part(d, "plan"), "margin")),
                        "C3 · C4 · C6");
    assert_true(json_is_false(json_object_get(part(d, "valorisation"), "include")));
    /* Markdown: the edit escaped, the list kept, the excluded part absent. */
    {
        char *md = NULL;
        size_t len = 0;
        assert_int_equal(dossier_markdown(d, &md, &len), EP_OK);
        assert_non_null(strstr(md, "## Plan d'action, prestataires et outils\n\n> Compétences : "
                                   "C3 · C4 · C6\n\nJ'ai retenu trois actions "
                                   "\\*prioritaires\\*.\n- Navettes \\| covoiturage\n"));
        assert_null(strstr(md, "Valorisation des actions"));
        assert_non_null(strstr(md, "# Annexes"));
        /* The annexes name indicators as the catalogue does, never by id. */
        assert_non_null(strstr(md, "| Train plutôt qu'avion | Trajets en TGV |"));
        assert_null(strstr(md, "train\\_tgv"));
        free(md);
    }
    assert_true(json_is_false(json_object_get(part(d, "plan"), "conflict")));
    /* Reverting (text null) brings the draft back. Written blind (no base),
     * it is concurrent with the text: the conflict is kept, said on the part. */
    support_office_ok(db, "dossier_parts", "plan", "put", "{\"text\":null}");
    json_decref(d);
    d = build();
    assert_string_equal(json_string_value(json_object_get(part(d, "plan"), "source")), "generated");
    assert_true(json_is_true(json_object_get(part(d, "plan"), "conflict")));
    json_decref(d);
}

/* ---- the documents, read back by other tools ---------------------------------- */

static void save(const char *path, const char *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
}

static long pdf_pages(const char *path)
{
    char cmd[600], *txt, *p;
    long n;
    snprintf(cmd, sizeof(cmd), "pdfinfo %s", path);
    txt = support_run(cmd);
    p = strstr(txt, "Tagged:");
    assert_non_null(p);
    assert_int_equal(strncmp(p + 7 + strspn(p + 7, " "), "yes", 3), 0);
    p = strstr(txt, "Pages:");
    assert_non_null(p);
    n = strtol(p + 6, NULL, 10);
    free(txt);
    return n;
}

/*
 * On page `page` of the -bbox-layout XHTML, whether the margin label's
 * first word (e.g. "C3") appears as a word left of the body column.
 */
static int in_margin(const char *xhtml, int page, const char *word)
{
    const char *p = xhtml;
    char needle[64];
    for (int i = 0; i < page; i++) {
        p = strstr(p + 1, "<page ");
        if (p == NULL)
            return 0;
    }
    {
        const char *end = strstr(p + 1, "<page ");
        snprintf(needle, sizeof(needle), ">%s</word>", word);
        for (const char *w = strstr(p, needle); w != NULL && (end == NULL || w < end);
             w = strstr(w + 1, needle)) {
            const char *x = w;
            while (x > p && strncmp(x, "xMin=\"", 6) != 0)
                x--;
            /* The margin column ends at 120 pt; the body starts at 132. */
            if (strtod(x + 6, NULL) < 120.0)
                return 1;
        }
    }
    return 0;
}

static void pdf_has_margins_pages_and_tags(void **state)
{
    char path[512], cmd[1200], *pdf = NULL, *txt;
    size_t len = 0, i;
    json_t *d, *p;
    long pages;
    (void)state;

    /* A long part, so its label must repeat on the pages it continues on. */
    {
        char *fields = malloc(20000), *w;
        assert_non_null(fields);
        w = fields + sprintf(fields, "{\"text\":\"");
        for (int k = 0; k < 60; k++)
            w += sprintf(w, "Ligne %d du bilan des navettes, expliquée en détail.\\n", k);
        sprintf(w, "\"}");
        support_office_ok(db, "dossier_parts", "resultats", "put", fields);
        free(fields);
    }
    d = build();
    assert_int_equal(dossdoc_pdf(d, NULL, &pdf, &len), EP_OK);
    snprintf(path, sizeof(path), "%s/dossier.pdf", dir);
    save(path, pdf, len);
    free(pdf);
    pages = pdf_pages(path);
    /* The pagination written into the dossier is the PDF's. */
    assert_int_equal(pages, json_integer_value(json_object_get(d, "total_pages")) +
                                json_integer_value(json_object_get(d, "annex_pages")));
    assert_true(json_integer_value(json_object_get(d, "total_pages")) <= 12);
    assert_true(json_is_false(json_object_get(d, "over_budget")));
    assert_true(json_is_null(json_object_get(d, "warning")));
    {
        json_t *r = json_object_get(part(d, "resultats"), "pages");
        assert_true(json_integer_value(json_object_get(r, "end")) >
                    json_integer_value(json_object_get(r, "start")));
    }
    /* Each part's first competency sits in the margin column on every page
     * from where the part starts to where it ends. */
    snprintf(cmd, sizeof(cmd), "pdftotext -bbox-layout %s -", path);
    txt = support_run(cmd);
    json_array_foreach(json_object_get(d, "parts"), i, p)
    {
        json_t *pg = json_object_get(p, "pages");
        char first[16];
        snprintf(first, sizeof(first), "%s",
                 json_string_value(json_array_get(json_object_get(p, "competencies"), 0)));
        for (json_int_t n = json_integer_value(json_object_get(pg, "start"));
             n <= json_integer_value(json_object_get(pg, "end")); n++) {
            if (!in_margin(txt, (int)n, first))
                fail_msg("part %s: %s not in the margin of page %lld",
                         json_string_value(json_object_get(p, "id")), first, (long long)n);
        }
    }
    /* Page numbers in the footer, the annexes after the body. */
    assert_non_null(strstr(txt, "Annexes"));
    free(txt);
    snprintf(cmd, sizeof(cmd), "pdftotext -f 1 -l 1 -layout %s -", path);
    txt = support_run(cmd);
    assert_non_null(strstr(txt, "1. Méthodologie de la démarche"));
    free(txt);
    /* The margin notes are Note structure elements, in a valid file. */
    snprintf(cmd, sizeof(cmd), "qpdf --check %s 2>&1", path);
    txt = support_run(cmd);
    assert_non_null(strstr(txt, "No syntax or stream encoding errors"));
    free(txt);
    snprintf(cmd, sizeof(cmd), "qpdf --qdf --object-streams=disable %s - | grep -ac '/S /Note'",
             path);
    txt = support_run(cmd);
    assert_true(strtol(txt, NULL, 10) >= 9);
    free(txt);
    snprintf(cmd, sizeof(cmd), "pdfinfo -struct-text %s | grep -c Note", path);
    txt = support_run(cmd);
    assert_true(strtol(txt, NULL, 10) >= 9);
    free(txt);
    /* "- " lines are tagged list items, and no list is left empty by a split. */
    snprintf(cmd, sizeof(cmd), "pdfinfo -struct %s", path);
    txt = support_run(cmd);
    assert_non_null(strstr(txt, "LBody"));
    assert_null(strstr(txt, "  L (block)\n  Note"));
    free(txt);
    json_decref(d);
}

static void over_twelve_pages_warns_and_marks_the_draft(void **state)
{
    static const char *const ids[] = {"methodologie", "plan", "actions", "difficultes"};
    char path[512], cmd[1200], *pdf = NULL, *txt, mark[64];
    size_t len = 0;
    json_t *d, *w, *cut;
    (void)state;

    for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
        char *fields = malloc(20000), *x;
        assert_non_null(fields);
        x = fields + sprintf(fields, "{\"text\":\"");
        for (int l = 0; l < 150 - (int)k * 10; l++)
            x += sprintf(x, "Choix %d : expliqué.\\n", l);
        sprintf(x, "\"}");
        support_office_ok(db, "dossier_parts", ids[k], "put", fields);
        free(fields);
    }
    d = build();
    assert_int_equal(dossdoc_pdf(d, NULL, NULL, NULL), EP_OK);
    assert_true(json_is_true(json_object_get(d, "over_budget")));
    assert_true(json_integer_value(json_object_get(d, "total_pages")) > 12);
    assert_int_equal(json_integer_value(json_object_get(d, "pages_over")),
                     json_integer_value(json_object_get(d, "total_pages")) - 12);
    w = json_object_get(d, "warning");
    assert_non_null(strstr(json_string_value(json_object_get(w, "message")), "de trop"));
    cut = json_object_get(w, "cut");
    /* The longest parts first: the one with 150 lines leads. */
    assert_int_equal(json_array_size(cut), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(cut, 0), "id")),
                        "methodologie");
    assert_true(json_real_value(json_object_get(json_array_get(cut, 0), "pages")) >=
                json_real_value(json_object_get(json_array_get(cut, 1), "pages")));
    assert_true(json_array_size(json_object_get(w, "suggestions")) >= 2);
    /* The draft says what it is on every page. */
    snprintf(mark, sizeof(mark), "Brouillon — %lld pages sur 12",
             json_integer_value(json_object_get(d, "total_pages")));
    assert_int_equal(dossdoc_pdf(d, mark, &pdf, &len), EP_OK);
    snprintf(path, sizeof(path), "%s/draft.pdf", dir);
    save(path, pdf, len);
    free(pdf);
    snprintf(cmd, sizeof(cmd), "pdftotext -layout %s - | grep -c '%s'", path, mark);
    txt = support_run(cmd);
    assert_true(strtol(txt, NULL, 10) >= pdf_pages(path));
    free(txt);
    json_decref(d);
}

static void odt_is_an_opendocument_with_the_parts(void **state)
{
    char path[512], cmd[1600], *odt = NULL, *txt;
    size_t len = 0;
    json_t *d;
    (void)state;

    support_office_ok(db, "dossier_parts", "plan", "put",
                      "{\"text\":\"Mes choix <b>expliqués</b> & justifiés\"}");
    d = build();
    assert_int_equal(dossdoc_odt(d, &odt, &len), EP_OK);
    assert_memory_equal(odt, "PK\x03\x04", 4);
    snprintf(path, sizeof(path), "%s/dossier.odt", dir);
    save(path, odt, len);
    free(odt);
    /* An independent reader: mimetype first and stored, every XML part well
     * formed, the parts, their competencies and the annexes in content.xml. */
    snprintf(cmd, sizeof(cmd),
             "python3 -c \"import sys, zipfile, xml.dom.minidom as m\n"
             "z = zipfile.ZipFile(sys.argv[1]); i = z.infolist()[0]\n"
             "assert i.filename == 'mimetype' and i.compress_type == 0, i\n"
             "assert z.read('mimetype') == b'application/vnd.oasis.opendocument.text'\n"
             "for n in ('content.xml', 'styles.xml', 'meta.xml', 'META-INF/manifest.xml'): "
             "m.parseString(z.read(n))\n"
             "c = z.read('content.xml').decode()\n"
             "print(m.parseString(c).documentElement.toxml())\" %s",
             path);
    txt = support_run(cmd);
    assert_non_null(strstr(txt, "1. Méthodologie de la démarche"));
    assert_non_null(strstr(txt, "C1 · C4 · C9"));
    assert_non_null(strstr(txt, "Mes choix &lt;b&gt;expliqués&lt;/b&gt; &amp; justifiés"));
    assert_non_null(strstr(txt, "Annexes (hors limite de 12 pages)"));
    assert_non_null(strstr(txt, "table:name=\"Annexe1\""));
    assert_non_null(strstr(txt, "Train plutôt qu'avion"));
    free(txt);
    /* LibreOffice opens it: converted to PDF, the competencies sit in the
     * left page margin, left of the headings, and the annexes follow. */
    snprintf(cmd, sizeof(cmd),
             "cd %s && HOME=%s timeout 120 soffice --headless --norestore "
             "-env:UserInstallation=file://%s/lo --convert-to pdf dossier.odt >/dev/null 2>&1 && "
             "pdftotext -bbox-layout dossier.pdf -",
             dir, dir, dir);
    txt = support_run(cmd);
    assert_true(in_margin(txt, 1, "C1"));
    assert_non_null(strstr(txt, ">Méthodologie</word>"));
    assert_non_null(strstr(txt, ">Annexe</word>"));
    free(txt);
    json_decref(d);
}

/* The evaluation as PDF (C9) in the reader's language: pdftotext's text of
 * it (new, free()), the PDF kept at <dir>/evaluation-<lang>.pdf. */
static char *evaluation_text(const json_t *ev, const char *lang, char *path, size_t plen)
{
    char cmd[1200], *pdf = NULL;
    json_t *cat = NULL;
    size_t len = 0;

    assert_int_equal(carbon_catalogue(db, &cat), EP_OK);
    assert_int_equal(
        export_evaluation_pdf(ev, "Film d'essai", &(struct export_doc){lang, cat}, &pdf, &len),
        EP_OK);
    json_decref(cat);
    snprintf(path, plen, "%s/evaluation-%s.pdf", dir, lang);
    save(path, pdf, len);
    free(pdf);
    assert_true(pdf_pages(path) >= 1);
    snprintf(cmd, sizeof(cmd), "pdftotext -layout %s -", path);
    return support_run(cmd);
}

/* The evaluation as PDF (C9): tagged, in French, one planned-vs-actual
 * table per action, the unread action's figures written as missing; the
 * same in English, with no indicator id, ISO date or decimal point left. */
static void evaluation_pdf(void **state)
{
    char path[512], cmd[1200], *txt, *at;
    json_t *ev = NULL;
    int tables = 0;
    (void)state;

    assert_int_equal(eval_production(db, "p1", TODAY, "fr", &ev), EP_OK);
    txt = evaluation_text(ev, "fr", path, sizeof(path));
    for (at = strstr(txt, "Prévu / réalisé"); at != NULL; at = strstr(at + 1, "Prévu / réalisé"))
        tables++;
    assert_int_equal(tables, 3); /* one per action */
    assert_non_null(strstr(txt, "Évaluation de la démarche"));
    /* Shuttles: 125 % (pdftotext writes the no-break space as a space),
     * reproducible; the train: missing, never 0 %. */
    assert_non_null(strstr(txt, "125 %"));
    assert_non_null(strstr(txt, "Reproductible sur un prochain projet"));
    at = strstr(txt, "Train plutôt qu'avion");
    assert_non_null(at);
    assert_non_null(strstr(at, "Atteinte de l'objectif"));
    assert_non_null(strstr(strstr(at, "Atteinte de l'objectif"), "donnée manquante"));
    assert_non_null(strstr(txt, "Sans donnée"));
    assert_non_null(strstr(txt, "Bilan carbone : prévisionnel"));
    assert_non_null(strstr(txt, "Solution proposée : Planifier la collecte"));
    assert_null(strstr(txt, TODAY)); /* the day in words */
    assert_null(strstr(txt, "action(s)"));
    free(txt);
    snprintf(cmd, sizeof(cmd), "pdfinfo -struct %s | grep -c TD", path);
    txt = support_run(cmd);
    assert_true(strtol(txt, NULL, 10) >= 3 * 16);
    free(txt);

    txt = evaluation_text(ev, "en", path, sizeof(path));
    tables = 0;
    for (at = strstr(txt, "Planned / achieved"); at != NULL;
         at = strstr(at + 1, "Planned / achieved"))
        tables++;
    assert_int_equal(tables, 3);
    assert_non_null(strstr(txt, "Evaluation of the approach"));
    assert_non_null(strstr(txt, "125%"));
    assert_non_null(strstr(txt, "Reproducible on a next project"));
    assert_non_null(strstr(txt, "missing data"));
    assert_non_null(strstr(txt, "Suggested solution: "));
    assert_null(strstr(txt, "Prévu / réalisé"));
    assert_null(strstr(txt, TODAY));
    free(txt);
    json_decref(ev);
}

static void unknown_production(void **state)
{
    json_t *d = NULL;
    (void)state;
    assert_int_equal(dossier_build(db, "nope", TODAY, "fr", &d), EP_ENOTFOUND);
    assert_null(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(parts_in_order_with_margins_and_missing_data, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(diagnostics_and_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(certification_review_fixes, setup, teardown),
        cmocka_unit_test_setup_teardown(pdf_has_margins_pages_and_tags, setup, teardown),
        cmocka_unit_test_setup_teardown(over_twelve_pages_warns_and_marks_the_draft, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(odt_is_an_opendocument_with_the_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(evaluation_pdf, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_production, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
