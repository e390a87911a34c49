#define _GNU_SOURCE /* asprintf() */
/*
 * test_dossier_http.c - the professional dossier and the evaluation PDF over
 * real HTTP (docs/evaluation.md): formats and refusals of bad parameters, a crew phone
 * refused when it edits a part, the office's edits synced like any record,
 * and the 12-page rule: 422 dossier_too_long with what to cut, the draft
 * PDF still served, the editable export never refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "clock.h"
#include "server.h"
#include "support.h"
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH "/api/v1/productions/p1/dossier"

static struct support_server srv;
static struct support_office office;
static struct support_phone van;

static int setup(void **state)
{
    (void)state;
    support_crew_start(&srv, &office, &van, NULL);
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

/* One put of dossier_parts/id by dev, as a push body. */
static char *push_body(const char *dev, const char *op, const char *id, const char *fields)
{
    static uint64_t clock;
    char hlc[SYNC_HLC_LEN + 1], *out = NULL;
    clock = sync_hlc_tick(clock, clock_now_ms());
    sync_hlc_format(clock, hlc);
    assert_true(asprintf(&out,
                         "{\"schema\":1,\"device\":\"%s\",\"ops\":[{\"op\":\"%s\",\"col\":"
                         "\"dossier_parts\",\"id\":\"%s\",\"kind\":\"put\",\"hlc\":\"%s\","
                         "\"dev\":\"%s\",\"fields\":%s}]}",
                         dev, op, id, hlc, dev, fields) > 0);
    return out;
}

static const char *first_status(const struct support_resp *r, char *buf, size_t len)
{
    json_t *j = support_resp_json(r);
    json_t *a = json_array_get(json_object_get(j, "results"), 0);
    snprintf(buf, len, "%s/%s", json_string_value(json_object_get(a, "status")),
             json_string_value(json_object_get(a, "code")) != NULL
                 ? json_string_value(json_object_get(a, "code"))
                 : "");
    json_decref(j);
    return buf;
}

static void formats_and_refusals(void **state)
{
    struct support_resp r;
    json_t *j;
    (void)state;

    /* No session: nothing. */
    {
        char url[160];
        snprintf(url, sizeof(url), "%s%s", srv.base, PATH);
        support_http("GET", url, NULL, NULL, 0, &r);
        assert_int_equal(r.status, 401);
        support_resp_free(&r);
    }
    get(PATH "?format=docx", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "format");
    support_resp_free(&r);
    get(PATH "?format=pdf&draft=yes", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "draft");
    support_resp_free(&r);
    get(PATH "?today=2026-13-45", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "today");
    support_resp_free(&r);
    get(PATH, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_int_equal(json_array_size(json_object_get(j, "parts")), 9);
    assert_int_equal(json_integer_value(json_object_get(j, "limit")), 12);
    assert_true(json_is_false(json_object_get(j, "over_budget")));
    assert_true(json_integer_value(json_object_get(j, "total_pages")) >= 1);
    json_decref(j);
    support_resp_free(&r);
    get(PATH "?format=pdf", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "application/pdf"));
    assert_memory_equal(r.body, "%PDF-", 5);
    support_resp_free(&r);
    get(PATH "?format=odt", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "application/vnd.oasis.opendocument.text"));
    assert_memory_equal(r.body, "PK\x03\x04", 4);
    assert_memory_equal(r.body + 30, "mimetype", 8); /* the first entry, by name */
    support_resp_free(&r);
    get(PATH "?format=md", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "> Compétences : C3 · C4"));
    support_resp_free(&r);
    /* The evaluation as a PDF, and a format it does not have. */
    get("/api/v1/productions/p1/evaluation?format=pdf", &r);
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body, "%PDF-", 5);
    support_resp_free(&r);
    get("/api/v1/productions/p1/evaluation?format=docx", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "format");
    support_resp_free(&r);
}

static void crew_cannot_edit_the_dossier(void **state)
{
    struct support_resp r;
    char *body, st[96];
    (void)state;
    body = push_body("dev-van", "op-crew", "plan", "{\"text\":\"Mon dossier\"}");
    support_phone_request(&van, srv.base, "POST", "/api/v1/sync/push", NULL, body, -1, &r);
    free(body);
    assert_int_equal(r.status, 200);
    assert_string_equal(first_status(&r, st, sizeof(st)), "rejected/forbidden");
    support_resp_free(&r);
    get(PATH, &r);
    assert_null(strstr(r.body, "Mon dossier"));
    support_resp_free(&r);
}

static void twelve_page_rule(void **state)
{
    static const char *const ids[] = {"methodologie", "plan", "actions", "difficultes"};
    struct support_resp r;
    char dev[128], op[32], st[96];
    json_t *j, *d, *err;
    (void)state;

    snprintf(dev, sizeof(dev), "office-%s", office.account_id);
    for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
        char *fields = malloc(16384), *w, *body;
        assert_non_null(fields);
        w = fields + sprintf(fields, "{\"text\":\"");
        for (int l = 0; l < 160; l++)
            w += sprintf(w, "Choix %d : expliqué.\\n", l);
        sprintf(w, "\"}");
        snprintf(op, sizeof(op), "op-long-%zu", k);
        body = push_body(dev, op, ids[k], fields);
        support_office_req(&office, "POST", "/api/v1/sync/push", body, &r);
        free(body);
        free(fields);
        assert_int_equal(r.status, 200);
        assert_string_equal(first_status(&r, st, sizeof(st)), "applied/");
        support_resp_free(&r);
    }
    get(PATH, &r);
    d = support_resp_json(&r);
    support_resp_free(&r);
    assert_true(json_is_true(json_object_get(d, "over_budget")));
    assert_true(json_integer_value(json_object_get(d, "total_pages")) > 12);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(d, "parts"), 1), "source")),
                        "generated");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(d, "parts"), 0), "source")),
                        "edited");
    /* The PDF is refused, with the same pagination and what to cut. */
    get(PATH "?format=pdf", &r);
    support_assert_error(&r, 422, "dossier_too_long");
    j = support_resp_json(&r);
    err = json_object_get(j, "error");
    assert_true(json_is_null(json_object_get(err, "field")));
    assert_non_null(strstr(json_string_value(json_object_get(err, "message")), "de trop"));
    assert_true(json_equal(json_object_get(json_object_get(err, "details"), "total_pages"),
                           json_object_get(d, "total_pages")));
    assert_true(json_equal(json_object_get(json_object_get(err, "details"), "warning"),
                           json_object_get(d, "warning")));
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(err, "details"), "pages_over")),
        json_integer_value(json_object_get(d, "total_pages")) - 12);
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(json_object_get(err, "details"), "warning"), "cut")),
                     3);
    json_decref(j);
    support_resp_free(&r);
    /* The draft is served, and says it is one. */
    get(PATH "?format=pdf&draft=1", &r);
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body, "%PDF-", 5);
    assert_non_null(strstr(r.headers, "brouillon.pdf"));
    support_resp_free(&r);
    /* The editable export is how the candidate cuts: never refused. */
    get(PATH "?format=odt", &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    json_decref(d);
}

/* One put of col/id by dev, as a push body. */
static char *push_col(const char *dev, const char *op, const char *col, const char *id,
                      const char *fields)
{
    static uint64_t clock;
    char hlc[SYNC_HLC_LEN + 1], *out = NULL;
    clock = sync_hlc_tick(clock, clock_now_ms());
    sync_hlc_format(clock, hlc);
    assert_true(asprintf(&out,
                         "{\"schema\":1,\"device\":\"%s\",\"ops\":[{\"op\":\"%s\",\"col\":"
                         "\"%s\",\"id\":\"%s\",\"kind\":\"put\",\"hlc\":\"%s\","
                         "\"dev\":\"%s\",\"fields\":%s}]}",
                         dev, op, col, id, hlc, dev, fields) > 0);
    return out;
}

/*
 * The C2 estimate served to the forecast: missing until the framing is
 * recorded, then line by line, summing to the C2 total. The dossier's PDF
 * (pdftotext) uses the budget and says the missing forecast is missing.
 */
static void c2_estimate_and_dossier_text(void **state)
{
    struct support_resp r;
    char dev[128], st[96], *body, *text;
    json_t *j, *l;
    double sum = 0;
    size_t i;
    (void)state;

    get("/api/v1/productions/p1/diagnostic/project/estimate", &r);
    support_assert_error(&r, 404, "no_project_analysis");
    support_resp_free(&r);
    snprintf(dev, sizeof(dev), "office-%s", office.account_id);
    body = push_col(dev, "op-c2", "diagnostics", "c2-project",
                    "{\"kind\":\"project\",\"title\":\"Le test\",\"type\":\"fiction\","
                    "\"shooting_days\":10,\"crew_size\":20,\"cast_size\":4,\"locations\":"
                    "[{\"name\":\"Port\",\"km_from_base\":30}],\"eco_budget_eur\":2000}");
    support_office_req(&office, "POST", "/api/v1/sync/push", body, &r);
    free(body);
    assert_int_equal(r.status, 200);
    assert_string_equal(first_status(&r, st, sizeof(st)), "applied/");
    support_resp_free(&r);
    get("/api/v1/productions/p1/diagnostic/project/estimate", &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    support_resp_free(&r);
    assert_true(json_array_size(json_object_get(j, "lines")) >= 5);
    json_array_foreach(json_object_get(j, "lines"), i, l)
    {
        assert_non_null(json_object_get(l, "indicator"));
        assert_true(json_is_number(json_object_get(l, "value")));
        sum += json_number_value(json_object_get(l, "kg"));
    }
    assert_true(sum > 0);
    assert_true(sum - json_number_value(json_object_get(j, "total_kg")) < 1.0 &&
                json_number_value(json_object_get(j, "total_kg")) - sum < 1.0);
    assert_non_null(json_object_get(json_object_get(j, "by_category"), "logistics"));
    json_decref(j);
    /* The dossier's PDF, read back as text. */
    text = support_fetch_text(&office, PATH "?format=pdf", SUPPORT_TEXT_PDF);
    assert_non_null(strstr(text, "Enveloppe fixée par la direction de production"));
    assert_non_null(strstr(text, "kgCO2e/€"));
    assert_null(strstr(text, "a_planifier"));
    assert_null(strstr(text, ".."));
    assert_non_null(strstr(text, "n'a pas été saisi"));
    assert_null(strstr(text, "prévisionnel était de 0 kgCO2e"));
    free(text);
}

/*
 * Each document in the asker's language: ?lang=en gives English headings
 * and sentences in the PDF (pdftotext), the ODT (content.xml, styles and
 * meta) and the Markdown; without ?lang the person's own setting (their
 * preferences record's "language") decides, and ?lang=fr wins over it; a
 * language the texts do not have is refused. French stays as it was.
 */
static void dossier_in_the_askers_language(void **state)
{
    struct support_resp r;
    char dev[128], st[96], *text, *body;
    (void)state;

    get(PATH "?lang=de", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "lang");
    support_resp_free(&r);
    get(PATH "?lang=english", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "lang");
    support_resp_free(&r);

    text = support_fetch_text(&office, PATH "?format=pdf&lang=en", SUPPORT_TEXT_PDF);
    assert_non_null(strstr(text, "Professional dossier"));
    assert_non_null(strstr(text, "1. Method of the approach"));
    assert_non_null(strstr(text, "Action plan, suppliers and tools"));
    assert_non_null(strstr(text, "Annexes (outside the 12-page limit)"));
    assert_non_null(strstr(text, "Annex 1 — Actions: planned and achieved"));
    assert_non_null(strstr(text, "The competencies of the certification framework"));
    assert_null(strstr(text, "Méthodologie"));
    assert_null(strstr(text, "donnée manquante"));
    free(text);
    text = support_fetch_text(&office, PATH "?format=odt&lang=en", SUPPORT_TEXT_ODF);
    assert_non_null(strstr(text, "Professional dossier — "));
    assert_non_null(strstr(text, "Method of the approach"));
    assert_non_null(strstr(text, "Annexes (outside the 12-page limit)"));
    assert_non_null(strstr(text, "fo:language=\"en\" fo:country=\"GB\""));
    assert_non_null(strstr(text, "<dc:language>en-GB</dc:language>"));
    assert_null(strstr(text, "Annexe 1"));
    assert_null(strstr(text, "fo:language=\"fr\""));
    free(text);
    get(PATH "?format=md&lang=en", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "# Professional dossier — "));
    assert_non_null(
        strstr(r.body, "## Action plan, suppliers and tools\n\n> Competencies: C3 · C4"));
    assert_non_null(strstr(r.body, "The action plan keeps 0 actions:"));
    assert_null(strstr(r.body, "Compétences"));
    assert_null(strstr(r.body, "action(s)"));
    support_resp_free(&r);

    /* French, asked for or by default: the same headings as before. */
    text = support_fetch_text(&office, PATH "?format=pdf", SUPPORT_TEXT_PDF);
    assert_non_null(strstr(text, "Dossier professionnel"));
    assert_non_null(strstr(text, "1. Méthodologie de la démarche"));
    assert_non_null(strstr(text, "Annexes (hors limite de 12 pages)"));
    assert_null(strstr(text, "Method of the approach"));
    free(text);
    text = support_fetch_text(&office, PATH "?format=odt", SUPPORT_TEXT_ODF);
    assert_non_null(strstr(text, "Méthodologie de la démarche"));
    assert_non_null(strstr(text, "fo:language=\"fr\" fo:country=\"FR\""));
    assert_non_null(strstr(text, "<dc:language>fr-FR</dc:language>"));
    free(text);

    /* Aline's own setting says English: her documents follow it. */
    snprintf(dev, sizeof(dev), "office-%s", office.account_id);
    body = push_col(dev, "op-lang", "preferences", "self-m-admin", "{\"language\":\"en\"}");
    support_office_req(&office, "POST", "/api/v1/sync/push", body, &r);
    free(body);
    assert_int_equal(r.status, 200);
    assert_string_equal(first_status(&r, st, sizeof(st)), "applied/");
    support_resp_free(&r);
    get(PATH "?format=md", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "# Professional dossier — "));
    support_resp_free(&r);
    get(PATH "?format=md&lang=fr", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "# Dossier professionnel — "));
    assert_non_null(strstr(r.body, "> Compétences : C3 · C4"));
    support_resp_free(&r);
    /* The draft's file name follows the language too. */
    get(PATH "?format=pdf&draft=1", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "-draft.pdf"));
    support_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(formats_and_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(crew_cannot_edit_the_dossier, setup, teardown),
        cmocka_unit_test_setup_teardown(twelve_page_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(c2_estimate_and_dossier_text, setup, teardown),
        cmocka_unit_test_setup_teardown(dossier_in_the_askers_language, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
