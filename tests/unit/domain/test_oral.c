/*
 * test_oral.c - the oral defence on the worked example of test_dossier.c
 * (a six-week shoot with van and meal readings, three actions, one never
 * read): 10-14 slides whose durations sum to exactly 15 minutes, each with
 * 2-5 bullets and its competencies, every competency C1-C10 covered by the
 * talk and by the jury sheet, missing data said as missing and never as
 * zero, and no internal id in the text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db.h"
#include "err.h"
#include "oral.h"
#include "slides.h"
#include "support.h"

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
    db = support_db(dir, "o.db");
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
        "\"baseline\":1000,\"target\":800,\"reproducible\":true}");
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

static json_t *build(void)
{
    json_t *o = NULL;
    assert_int_equal(oral_build(db, "p1", TODAY, "fr", &o), EP_OK);
    return o;
}

static json_t *slide(json_t *o, const char *id)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(o, "slides"), i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "id")), id) == 0)
            return s;
    }
    fail_msg("no slide %s", id);
    return NULL;
}

/* Whether any string of array a contains needle. */
static int any_has(const json_t *a, const char *needle)
{
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
    {
        if (strstr(json_string_value(x), needle) != NULL)
            return 1;
    }
    return 0;
}

static void slides_timing_and_competencies(void **state)
{
    json_t *o = build(), *slides = json_object_get(o, "slides"), *s, *c;
    int covered[11] = {0}, total = 0, at = 0;
    size_t i, k;
    (void)state;

    if (getenv("ORAL_DUMP") != NULL)
        json_dumpf(o, stdout, JSON_INDENT(1));
    assert_true(json_array_size(slides) >= 10 && json_array_size(slides) <= 14);
    assert_int_equal(json_integer_value(json_object_get(o, "total_s")), 900);
    json_array_foreach(slides, i, s)
    {
        json_t *bl = json_object_get(s, "bullets");
        char start[16];
        assert_int_equal(json_integer_value(json_object_get(s, "n")), (json_int_t)i + 1);
        assert_true(strlen(json_string_value(json_object_get(s, "title"))) > 3);
        assert_true(json_array_size(bl) >= 2 && json_array_size(bl) <= 5);
        assert_true(json_array_size(json_object_get(s, "competencies")) >= 1);
        assert_true(strlen(json_string_value(json_object_get(s, "notes"))) > 20);
        json_array_foreach(json_object_get(s, "competencies"), k, c)
        {
            int n = atoi(json_string_value(c) + 1);
            assert_true(n >= 1 && n <= 10);
            assert_non_null(oral_competency_label(json_string_value(c), "fr"));
            covered[n] = 1;
        }
        /* The timing plan: each slide starts where the previous ended. */
        snprintf(start, sizeof(start), "%02d:%02d", at / 60, at % 60);
        assert_string_equal(json_string_value(json_object_get(s, "start")), start);
        at += (int)json_integer_value(json_object_get(s, "duration_s"));
        assert_true(json_integer_value(json_object_get(s, "duration_s")) >= 30);
        total += (int)json_integer_value(json_object_get(s, "duration_s"));
        /* Bullets are short and never cut inside a word. */
        json_array_foreach(bl, k, c)
        {
            assert_true(strlen(json_string_value(c)) <= 160);
            assert_null(strstr(json_string_value(c), "act-"));
            assert_null(strstr(json_string_value(c), "p1 "));
        }
    }
    assert_int_equal(total, 900);
    for (int n = 1; n <= 10; n++)
        assert_true(covered[n]);
    /* The closing slide and the opening one. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(slides, 0), "id")),
                        "ouverture");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(slides, json_array_size(slides) - 1), "id")),
                        "conclusion");
    json_decref(o);
}

static void figures_and_missing_data(void **state)
{
    json_t *o = build(), *s, *bars, *b;
    size_t i;
    double sum = 0;
    (void)state;

    /* The footprint with figures: 725 van km and 102 meals were read. */
    s = slide(o, "indicateurs");
    assert_non_null(strstr(json_string_value(json_array_get(json_object_get(s, "bullets"), 0)),
                           "Bilan final : "));
    assert_non_null(
        strstr(json_string_value(json_array_get(json_object_get(s, "bullets"), 0)), "kgCO2e"));
    /* No estimates were entered: the provisional is missing, not 0. */
    assert_string_equal(json_string_value(json_array_get(json_object_get(s, "bullets"), 1)),
                        "Prévisionnel : donnée manquante");
    s = slide(o, "bilan");
    assert_string_equal(json_string_value(json_object_get(json_object_get(s, "chart"), "basis")),
                        "bilan final");
    bars = json_object_get(json_object_get(s, "chart"), "bars");
    assert_true(json_array_size(bars) >= 2);
    json_array_foreach(bars, i, b)
    {
        assert_true(json_number_value(json_object_get(b, "kg")) > 0);
        /* Labels are French, not category keys. */
        assert_null(strchr(json_string_value(json_object_get(b, "label")), '_'));
        sum += json_number_value(json_object_get(b, "kg"));
    }
    assert_true(sum > 100);
    /* The fixture has no C1 diagnostic: said as missing, never as zero. */
    s = slide(o, "diagnostic");
    assert_true(any_has(json_object_get(s, "bullets"), "donnée manquante"));
    assert_false(any_has(json_object_get(s, "bullets"), "0 sur 100"));
    /* Results: the never-read action counts as "sans donnée". */
    s = slide(o, "resultats");
    assert_non_null(strstr(json_string_value(json_array_get(json_object_get(s, "bullets"), 0)),
                           "1 sans donnée"));
    json_decref(o);
}

static void jury_sheet(void **state)
{
    json_t *o = build(), *prep = json_object_get(o, "prep"), *c, *q;
    size_t i, k;
    int c1_gap = 0, c7_gap = 0;
    (void)state;

    assert_int_equal(json_array_size(prep), 10);
    json_array_foreach(prep, i, c)
    {
        char code[24];
        snprintf(code, sizeof(code), "C%zu", i + 1);
        assert_string_equal(json_string_value(json_object_get(c, "competency")), code);
        assert_true(json_array_size(json_object_get(c, "questions")) >= 2 &&
                    json_array_size(json_object_get(c, "questions")) <= 3);
        json_array_foreach(json_object_get(c, "questions"), k, q)
        {
            assert_true(strlen(json_string_value(json_object_get(q, "question"))) > 10);
            assert_true(strlen(json_string_value(json_object_get(q, "evidence"))) > 10);
        }
        json_array_foreach(json_object_get(c, "gaps"), k, q)
        {
            assert_true(strlen(json_string_value(json_object_get(q, "answer"))) > 10);
            if (i == 0 && strstr(json_string_value(json_object_get(q, "gap")), "manquante"))
                c1_gap = 1;
            if (i == 6 && strstr(json_string_value(json_object_get(q, "gap")), "Train"))
                c7_gap = 1;
        }
    }
    /* The jury will probe the missing diagnostic and the never-read action. */
    assert_true(c1_gap);
    assert_true(c7_gap);
    /* References on each competency; C8 names the factors by their ids. */
    json_array_foreach(prep, i, c)
        assert_true(json_array_size(json_object_get(c, "references")) >= 1);
    q = json_object_get(json_array_get(prep, 7), "references");
    assert_non_null(
        strstr(json_string_value(json_array_get(q, json_array_size(q) - 1)), "Base Carbone"));
    if (getenv("ORAL_DUMP") != NULL)
        printf("C8 refs: %s\n", json_string_value(json_array_get(q, json_array_size(q) - 1)));
    /* The C8 evidence carries the figure. */
    assert_non_null(strstr(
        json_string_value(json_object_get(
            json_array_get(json_object_get(json_array_get(prep, 7), "questions"), 0), "evidence")),
        "kgCO2e"));
    json_decref(o);
}

/* The layouts hold every slide on its own page (the HTTP test reads the
 * files back with pdfinfo, pdftotext and LibreOffice). */
static void documents_render(void **state)
{
    json_t *o = build();
    char *bytes = NULL;
    size_t len = 0;
    (void)state;

    assert_int_equal(slides_pdf(o, &bytes, &len), EP_OK);
    assert_memory_equal(bytes, "%PDF-", 5);
    if (getenv("ORAL_DUMP") != NULL) { /* for a look: ORAL_DUMP=1 ./test_oral */
        FILE *f = fopen("oral-slides.pdf", "wb");
        assert_non_null(f);
        fwrite(bytes, 1, len, f);
        fclose(f);
    }
    free(bytes);
    assert_int_equal(slides_odp(o, &bytes, &len), EP_OK);
    assert_memory_equal(bytes, "PK\x03\x04", 4);
    free(bytes);
    assert_int_equal(slides_prep_pdf(o, &bytes, &len), EP_OK);
    assert_memory_equal(bytes, "%PDF-", 5);
    free(bytes);
    json_decref(o);
}

static void unknown_production(void **state)
{
    json_t *o = NULL;
    (void)state;
    assert_int_equal(oral_build(db, "nope", TODAY, "fr", &o), EP_ENOTFOUND);
    assert_null(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(slides_timing_and_competencies, setup, teardown),
        cmocka_unit_test_setup_teardown(figures_and_missing_data, setup, teardown),
        cmocka_unit_test_setup_teardown(jury_sheet, setup, teardown),
        cmocka_unit_test_setup_teardown(documents_render, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_production, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
