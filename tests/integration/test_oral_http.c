#define _GNU_SOURCE /* asprintf(), popen() */
/*
 * test_oral_http.c - the oral defence over real HTTP (docs/evaluation.md):
 * refusals (no session, a crew phone, a bad format or day, an unknown
 * production), the JSON with slides and jury sheet, and the documents
 * read back by independent tools: the slides PDF (pdfinfo: one page per
 * slide, tagged, landscape; pdftotext: every title, no internal id or
 * snake_case key), the ODP opened by headless LibreOffice (one page per
 * slide once converted) and the jury sheet PDF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "db.h"
#include "err.h"
#include "server.h"
#include "support.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH "/api/v1/productions/p1/oral"

static struct support_server srv;
static struct support_office office;
static struct support_phone van;

static int setup(void **state)
{
    struct db *db = NULL;
    char id[32];
    struct ep_error err = {0};
    (void)state;
    support_crew_start(&srv, NULL, &van, NULL);
    /* Readings and a plan, so the footprint slide has figures and bars. */
    assert_int_equal(db_open(srv.app.db_path, &db, &err), EP_OK);
    for (int i = 0; i < 12; i++) {
        snprintf(id, sizeof(id), "km-%d", i);
        support_office_reading(db, id, "van_km", "km", "regie", 40, "2026-09-20");
    }
    support_office_reading(db, "beef", "meals_beef", "meal", "catering", 70, "2026-10-01");
    support_office_ok(
        db, "actions", "act-km", "put",
        "{\"title\":\"Navettes partagées\",\"theme\":\"mobility\",\"owner\":\"m-van\","
        "\"indicator\":\"van_km\",\"baseline\":1000,\"target\":800}");
    db_close(db);
    support_office_login(&office, srv.base, "aline@test.fr");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    support_server_stop(&srv);
    return 0;
}

static void get(const char *path, struct support_resp *r)
{
    support_office_req(&office, "GET", path, NULL, r);
}

static void save(const char *path, const char *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
}

/* pdfinfo's page count, after checking the PDF is tagged. */
static long pdf_pages(const char *path, int landscape)
{
    char cmd[600], *txt, *p;
    long n;
    snprintf(cmd, sizeof(cmd), "pdfinfo %s", path);
    txt = support_run(cmd);
    p = strstr(txt, "Tagged:");
    assert_non_null(p);
    assert_int_equal(strncmp(p + 7 + strspn(p + 7, " "), "yes", 3), 0);
    p = strstr(txt, "Page size:");
    assert_non_null(p);
    {
        double w = 0, h = 0;
        assert_int_equal(sscanf(p + 10, " %lf x %lf", &w, &h), 2);
        /* A4: 841.89 x 595.28 points, on its side for slides. */
        assert_true(landscape ? (w > 841 && w < 843 && h > 594 && h < 596)
                              : (w > 594 && w < 596 && h > 841 && h < 843));
    }
    p = strstr(txt, "Pages:");
    assert_non_null(p);
    n = strtol(p + 6, NULL, 10);
    free(txt);
    return n;
}

/* Whether text has a word with an underscore between letters (a JSON key
 * or a category id such as "meals_beef"). */
static int has_snake_case(const char *t)
{
    for (const char *p = strchr(t, '_'); p != NULL; p = strchr(p + 1, '_')) {
        if (p > t && isalpha((unsigned char)p[-1]) && isalpha((unsigned char)p[1]))
            return 1;
    }
    return 0;
}

static void refusals(void **state)
{
    struct support_resp r;
    char url[160];
    (void)state;

    snprintf(url, sizeof(url), "%s%s", srv.base, PATH);
    support_http("GET", url, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 401);
    support_resp_free(&r);
    /* A crew phone is not an office role. */
    support_phone_request(&van, srv.base, "GET", PATH, NULL, NULL, -1, &r);
    support_assert_error(&r, 403, "forbidden");
    support_resp_free(&r);
    get(PATH "?format=pptx", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "format");
    support_resp_free(&r);
    get(PATH "?format=pdf&today=2026-13-45", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "today");
    support_resp_free(&r);
    /* Another production than the session's: refused before any drafting. */
    get("/api/v1/productions/nope/oral", &r);
    support_assert_error(&r, 403, "cross_production");
    support_resp_free(&r);
}

static void json_pdf_odp_and_prep(void **state)
{
    struct support_resp r;
    json_t *j, *s;
    size_t i, nslides;
    long total = 0;
    char path[512], cmd[1400], *txt;
    (void)state;

    get(PATH "?today=2026-10-16", &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    support_resp_free(&r);
    nslides = json_array_size(json_object_get(j, "slides"));
    assert_true(nslides >= 10 && nslides <= 14);
    assert_int_equal(json_array_size(json_object_get(j, "prep")), 10);
    json_array_foreach(json_object_get(j, "slides"), i, s) total +=
        (long)json_integer_value(json_object_get(s, "duration_s"));
    assert_int_equal(total, 900);

    /* The slides PDF: one landscape page per slide, tagged, every title. */
    get(PATH "?format=pdf&today=2026-10-16", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "application/pdf"));
    /* Named after the title, never the id (Content-Disposition). */
    assert_non_null(strstr(r.headers, "filename=\"soutenance-film.pdf\""));
    snprintf(path, sizeof(path), "%s/slides.pdf", srv.dir);
    save(path, r.body, r.len);
    support_resp_free(&r);
    assert_int_equal(pdf_pages(path, 1), (long)nslides);
    /* Large titles may wrap: the text reads as one line. */
    txt = support_file_text(path, SUPPORT_TEXT_PDF);
    json_array_foreach(json_object_get(j, "slides"), i, s)
    {
        if (strstr(txt, json_string_value(json_object_get(s, "title"))) == NULL)
            fail_msg("title \"%s\" not in the PDF's text",
                     json_string_value(json_object_get(s, "title")));
    }
    assert_non_null(strstr(txt, "Compétences : C7 · C8"));
    assert_non_null(strstr(txt, "kgCO2e"));
    assert_non_null(strstr(txt, "donnée manquante"));
    assert_null(strstr(txt, "p-loue-2026"));
    assert_null(strstr(txt, "act-km"));
    assert_null(strstr(txt, "m-van"));
    assert_false(has_snake_case(txt));
    free(txt);
    /* The bar chart is a Figure with its alternative text. */
    snprintf(cmd, sizeof(cmd), "pdfinfo -struct %s | grep -c Figure", path);
    txt = support_run(cmd);
    assert_true(atoi(txt) >= 1);
    free(txt);

    /* The ODP: ODF's stored mimetype first, then LibreOffice opens it. */
    get(PATH "?format=odp&today=2026-10-16", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "application/vnd.oasis.opendocument.presentation"));
    assert_memory_equal(r.body, "PK\x03\x04", 4);
    assert_memory_equal(r.body + 30, "mimetypeapplication/vnd.oasis.opendocument.presentation",
                        strlen("mimetypeapplication/vnd.oasis.opendocument.presentation"));
    snprintf(path, sizeof(path), "%s/slides.odp", srv.dir);
    save(path, r.body, r.len);
    support_resp_free(&r);
    snprintf(cmd, sizeof(cmd),
             "cd %s && unzip -p slides.odp content.xml | grep -o '<presentation:notes' | wc -l",
             srv.dir);
    txt = support_run(cmd);
    assert_int_equal(atol(txt), (long)nslides);
    free(txt);
    snprintf(cmd, sizeof(cmd),
             "cd %s && HOME=%s timeout 120 soffice --headless --norestore "
             "-env:UserInstallation=file://%s/lo --convert-to pdf --outdir lo-out slides.odp "
             ">/dev/null 2>&1 && pdfinfo lo-out/slides.pdf | grep '^Pages:' | tr -dc 0-9",
             srv.dir, srv.dir, srv.dir);
    txt = support_run(cmd);
    assert_int_equal(atol(txt), (long)nslides);
    free(txt);
    snprintf(path, sizeof(path), "%s/lo-out/slides.pdf", srv.dir);
    txt = support_file_text(path, SUPPORT_TEXT_PDF);
    assert_non_null(strstr(txt, json_string_value(json_object_get(
                                    json_array_get(json_object_get(j, "slides"), 0), "title"))));
    assert_non_null(strstr(txt, "Conclusion"));
    free(txt);

    /* The jury sheet: tagged, every competency, the questions. */
    get(PATH "?format=prep&today=2026-10-16", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "filename=\"jury-film.pdf\""));
    snprintf(path, sizeof(path), "%s/jury.pdf", srv.dir);
    save(path, r.body, r.len);
    support_resp_free(&r);
    assert_true(pdf_pages(path, 0) >= 2);
    txt = support_file_text(path, SUPPORT_TEXT_PDF);
    assert_non_null(strstr(txt, "Plan de minutage"));
    assert_non_null(strstr(txt, "C10 — Valorisation des actions"));
    assert_non_null(strstr(txt, "Quel est le bilan carbone du film"));
    assert_false(has_snake_case(txt));
    free(txt);
    json_decref(j);
}

/*
 * The defence in the asker's language: ?lang=en gives English slide titles,
 * competencies, questions and notes in the JSON, the slides' PDF and ODP
 * (content, styles, meta) and the jury sheet; the French defence keeps its
 * words; another language is refused.
 */
static void defence_in_english(void **state)
{
    struct support_resp r;
    json_t *j, *s;
    size_t i;
    char path[512], *txt;
    (void)state;

    get(PATH "?lang=es", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "lang");
    support_resp_free(&r);

    get(PATH "?today=2026-10-16&lang=en", &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    support_resp_free(&r);
    assert_string_equal(json_string_value(json_object_get(j, "lang")), "en");
    s = json_array_get(json_object_get(j, "slides"), 0);
    assert_string_equal(json_string_value(json_object_get(s, "title")), "Introduction and outline");
    /* The opening says the day as English writes it, not ISO. */
    assert_string_equal(json_string_value(json_array_get(json_object_get(s, "bullets"), 3)),
                        "Situation on Friday 16 October 2026");
    assert_non_null(strstr(json_string_value(json_object_get(s, "notes")), "Introduce yourself"));
    json_array_foreach(json_object_get(j, "prep"), i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "competency")), "C8") == 0) {
            assert_string_equal(json_string_value(json_object_get(s, "label")),
                                "The film's carbon footprint");
            assert_string_equal(
                json_string_value(json_object_get(
                    json_array_get(json_object_get(s, "questions"), 0), "question")),
                "What is the film's carbon footprint and its main items?");
        }
    }
    json_decref(j);

    get(PATH "?format=pdf&today=2026-10-16&lang=en", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "filename=\"defence-film.pdf\""));
    snprintf(path, sizeof(path), "%s/slides-en.pdf", srv.dir);
    save(path, r.body, r.len);
    support_resp_free(&r);
    txt = support_file_text(path, SUPPORT_TEXT_PDF);
    assert_non_null(strstr(txt, "Competencies: C7 · C8"));
    assert_non_null(strstr(txt, "Results against the plan"));
    assert_non_null(strstr(txt, "Thank you: over to the jury's questions"));
    assert_null(strstr(txt, "Compétences"));
    assert_null(strstr(txt, "donnée manquante"));
    free(txt);

    txt =
        support_fetch_text(&office, PATH "?format=odp&today=2026-10-16&lang=en", SUPPORT_TEXT_ODF);
    assert_non_null(strstr(txt, "Competencies: C1"));
    assert_non_null(strstr(txt, "fo:language=\"en\" fo:country=\"GB\""));
    assert_non_null(strstr(txt, "<dc:language>en-GB</dc:language>"));
    assert_non_null(strstr(txt, "Oral defence — "));
    assert_null(strstr(txt, "Compétences"));
    free(txt);

    txt =
        support_fetch_text(&office, PATH "?format=prep&today=2026-10-16&lang=en", SUPPORT_TEXT_PDF);
    assert_non_null(strstr(txt, "Jury preparation"));
    assert_non_null(strstr(txt, "Timing plan (15 minutes)"));
    assert_non_null(strstr(txt, "C10 — Promoting the actions"));
    assert_null(strstr(txt, "Plan de minutage"));
    assert_false(has_snake_case(txt));
    free(txt);

    /* French unchanged by default. */
    get(PATH "?today=2026-10-16", &r);
    j = support_resp_json(&r);
    support_resp_free(&r);
    s = json_array_get(json_object_get(j, "slides"), 0);
    assert_string_equal(json_string_value(json_object_get(s, "title")), "Présentation et déroulé");
    assert_string_equal(json_string_value(json_array_get(json_object_get(s, "bullets"), 3)),
                        "Situation au vendredi 16 octobre 2026");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(json_pdf_odp_and_prep, setup, teardown),
        cmocka_unit_test_setup_teardown(defence_in_english, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
