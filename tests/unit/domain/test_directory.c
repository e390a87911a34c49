/*
 * test_directory.c - the company directory (C3): the CSV reader, the company
 * scope of shared collections (who sees and who may write), and the CSV
 * import (all or nothing, each bad row by its line) and export.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "authz.h"
#include "csv.h"
#include "db.h"
#include "directory.h"
#include "err.h"
#include "support.h"
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[256];
static struct db *db;

/* ---- CSV reader ---- */

struct rows {
    json_t *list; /* [[line, cell, cell...], ...] */
};

static int collect(void *ctx, size_t line, char *const *cells, size_t n)
{
    struct rows *r = ctx;
    json_t *row = json_array();
    json_array_append_new(row, json_integer((json_int_t)line));
    for (size_t i = 0; i < n; i++)
        json_array_append_new(row, json_string(cells[i]));
    json_array_append_new(r->list, row);
    return 0;
}

/* Reads text; returns the rows as canonical JSON (caller frees) or NULL on
 * error, with the error line in *line. */
static char *read_all(const char *text, size_t *line, struct ep_error *err)
{
    struct rows r = {json_array()};
    char *out = NULL;
    int rc = csv_read(text, strlen(text), collect, &r, line, err);
    if (rc == EP_OK)
        out = support_canon(r.list);
    json_decref(r.list);
    return out;
}

static void csv_reads_what_excel_writes(void **state)
{
    /* BOM, CRLF, a quoted ';', a quoted line break, doubled quotes, a blank
     * line, the formula guard, and a last row without a line end. */
    static const char text[] = CSV_BOM "nom;lieu\r\n"
                                       "\"Traiteur; Vert\";Besançon\r\n"
                                       "\r\n"
                                       "\"Loueur\nde vans\";\"dit \"\"le bon\"\"\"\r\n"
                                       "'=1+1;'-x\r\n"
                                       "fin;";
    size_t line = 0;
    struct ep_error err;
    char *got;
    (void)state;
    got = read_all(text, &line, &err);
    assert_non_null(got);
    assert_string_equal(got, "[[1,\"nom\",\"lieu\"],[2,\"Traiteur; Vert\",\"Besançon\"],"
                             "[4,\"Loueur\\nde vans\",\"dit \\\"le bon\\\"\"],"
                             "[6,\"=1+1\",\"-x\"],[7,\"fin\",\"\"]]");
    free(got);
    /* A file saved with ',' separators still reads. */
    got = read_all("name,scope\nA,catering\n", &line, &err);
    assert_string_equal(got, "[[1,\"name\",\"scope\"],[2,\"A\",\"catering\"]]");
    free(got);
}

static void csv_reports_the_line_of_bad_text(void **state)
{
    size_t line = 0;
    struct ep_error err;
    (void)state;
    /* The quote opened on line 3 is never closed. */
    assert_null(read_all("a;b\n1;2\n3;\"open\n4;5\n", &line, &err));
    assert_int_equal(line, 3);
    assert_non_null(strstr(err.message, "never closed"));
    /* Text after a closing quote, on line 2. */
    assert_null(read_all("a;b\n\"x\"y;2\n", &line, &err));
    assert_int_equal(line, 2);
    /* Windows-1252 'é' (0xE9) on line 3: not UTF-8. */
    assert_null(read_all("a;b\n1;2\ncaf\xE9;3\n", &line, &err));
    assert_int_equal(line, 3);
    assert_non_null(strstr(err.message, "CSV UTF-8"));
    /* 65 cells in one row. */
    {
        char wide[200] = "";
        for (int i = 0; i < 65; i++)
            strcat(wide, "x;");
        wide[strlen(wide) - 1] = '\n';
        assert_null(read_all(wide, &line, &err));
        assert_int_equal(line, 1);
    }
}

/* ---- company scope ---- */

static const struct sync_actor eco_p1 = {
    "p1", "dev-eco", "m-eco", "production", SYNC_ROLE_ECO_REFERENT, "co:co"};
static const struct sync_actor crew_p2 = {"p2",    "dev-crew",     "m-crew",
                                          "regie", SYNC_ROLE_CREW, "co:co"};
static const struct sync_actor eco_p2 = {
    "p2", "dev-eco2", "m-eco2", "production", SYNC_ROLE_ECO_REFERENT, "co:co"};
static const struct sync_actor eco_other = {
    "p3", "dev-o", "m-o", "production", SYNC_ROLE_ECO_REFERENT, "co:co2"};

static struct sync_opts opts(void)
{
    struct sync_opts o = {
        .now_ms = INT64_C(1790000000000), .authorize = authz_sync_op, .can_read = authz_sync_read};
    return o;
}

/* Pushes one put as actor; returns the ack's status and code ("applied",
 * "rejected:forbidden"...) in buf. */
static const char *put_as(const struct sync_actor *a, const char *col, const char *id,
                          const char *fields, char *buf, size_t len)
{
    static long n;
    struct sync_opts o = opts();
    char hlc[SYNC_HLC_LEN + 1], opid[32];
    json_error_t err;
    json_t *f = json_loads(fields, 0, &err), *body, *acks = NULL, *ack;
    const char *code;

    assert_non_null(f);
    sync_hlc_format(sync_hlc_tick(0, INT64_C(1790000000000) - 100000 + n), hlc);
    snprintf(opid, sizeof(opid), "t-op-%ld", n++);
    body = json_pack("{s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:o}]}", "schema", 1, "device",
                     a->device_id, "ops", "op", opid, "col", col, "id", id, "kind", "put", "hlc",
                     hlc, "dev", a->device_id, "fields", f);
    assert_int_equal(sync_push(db, &o, a, body, &acks, NULL), EP_OK);
    ack = json_array_get(acks, 0);
    code = json_string_value(json_object_get(ack, "code"));
    snprintf(buf, len, "%s%s%s", json_string_value(json_object_get(ack, "status")),
             code != NULL ? ":" : "", code != NULL ? code : "");
    json_decref(acks);
    json_decref(body);
    return buf;
}

/* 1 if a pull from the start by actor carries record id. */
static int pulls(const struct sync_actor *a, const char *id)
{
    struct sync_opts o = opts();
    char *text = NULL, needle[80];
    size_t len = 0;
    int found;

    assert_int_equal(sync_pull(db, &o, a, "", 2000, &text, &len, NULL, NULL), EP_OK);
    snprintf(needle, sizeof(needle), "\"id\":\"%s\"", id);
    found = strstr(text, needle) != NULL;
    free(text);
    return found;
}

/*
 * A pull merges two streams in seq order: the production's ops and its
 * company space's. Paged with small limits that cut inside runs of either,
 * it must give every op once, in seq order, and "more" until the last page.
 */
static void pull_pages_merge_production_and_space_in_order(void **state)
{
    struct sync_opts o = opts();
    char buf[64], id[32], cursor[96] = "";
    char expect[64][32], got[64][32];
    size_t nexpect = 0, ngot = 0;
    sqlite3_stmt *st;
    /* Runs of 1, 2 and 3 ops on each side. */
    static const int runs[] = {1, 3, 2, 1, 1, 2, 3, 3, 2, 1};

    (void)state;
    for (size_t r = 0, k = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
        for (int j = 0; j < runs[r]; j++, k++) {
            snprintf(id, sizeof(id), "%s-%zu", r % 2 == 0 ? "task" : "sup", k);
            assert_string_equal(put_as(&eco_p1, r % 2 == 0 ? "tasks" : "suppliers", id,
                                       r % 2 == 0 ? "{\"title\":\"t\"}" : "{\"name\":\"s\"}", buf,
                                       sizeof(buf)),
                                "applied");
        }
    }
    /* Another production's ops interleave in the log and must not show. */
    assert_string_equal(
        put_as(&eco_other, "tasks", "task-other", "{\"title\":\"x\"}", buf, sizeof(buf)),
        "applied");
    assert_int_equal(sqlite3_prepare_v2(db_handle(db),
                                        "SELECT rid FROM sync_op WHERE production_id IN "
                                        "('p1', 'co:co') ORDER BY seq",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        snprintf(expect[nexpect++], sizeof(expect[0]), "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_int_equal(nexpect, 19);

    for (int limit = 1; limit <= 4; limit++) {
        int more = 1, pages = 0;
        cursor[0] = '\0';
        ngot = 0;
        while (more) {
            char *text = NULL;
            size_t len = 0, i;
            json_error_t jerr;
            json_t *page, *opj;
            assert_int_equal(sync_pull(db, &o, &eco_p1, cursor, limit, &text, &len, NULL, NULL),
                             EP_OK);
            page = json_loadb(text, len, 0, &jerr);
            free(text);
            assert_non_null(page);
            assert_true(json_array_size(json_object_get(page, "ops")) <= (size_t)limit);
            json_array_foreach(json_object_get(page, "ops"), i, opj)
            {
                assert_true(ngot < 64);
                snprintf(got[ngot++], sizeof(got[0]), "%s",
                         json_string_value(json_object_get(opj, "id")));
            }
            more = json_is_true(json_object_get(page, "more"));
            snprintf(cursor, sizeof(cursor), "%s",
                     json_string_value(json_object_get(page, "cursor")));
            json_decref(page);
            assert_true(++pages <= 40);
        }
        assert_int_equal(ngot, nexpect);
        for (size_t i = 0; i < nexpect; i++)
            assert_string_equal(got[i], expect[i]);
    }
}

static int setup(void **state)
{
    (void)state;
    support_tmpdir(dir);
    db = support_db(dir, "d.db");
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "INSERT INTO company (id, name, created_at) VALUES "
                                  "('co2', 'Other', 0);"
                                  "INSERT INTO production (id, company_id, title, kind, "
                                  "created_at) VALUES ('p3', 'co2', 'Three', 'fiction', 0);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    support_rmtree(dir);
    return 0;
}

static void each_company_has_a_space(void **state)
{
    char space[DIRECTORY_SPACE_MAX];
    (void)state;
    assert_int_equal(directory_space(db, "p1", space, sizeof(space)), EP_OK);
    assert_string_equal(space, "co:co");
    assert_int_equal(directory_space(db, "p3", space, sizeof(space)), EP_OK);
    assert_string_equal(space, "co:co2"); /* made by the trigger on INSERT INTO company */
    /* A space is no production of its own: no space of a space, no members. */
    assert_int_equal(directory_space(db, "co:co", space, sizeof(space)), EP_ENOTFOUND);
    assert_int_equal(directory_space(db, "nope", space, sizeof(space)), EP_ENOTFOUND);
}

static void directory_is_shared_by_the_company_only(void **state)
{
    char buf[64];
    json_t *rec = NULL;
    (void)state;
    assert_string_equal(put_as(&eco_p1, "criteria", "crit-veg", "{\"label\":\"Menu végétarien\"}",
                               buf, sizeof(buf)),
                        "applied");
    assert_string_equal(put_as(&eco_p1, "suppliers", "sup-1",
                               "{\"name\":\"Traiteur Vert\",\"scope\":\"catering\","
                               "\"criteria_met\":[\"crit-veg\"]}",
                               buf, sizeof(buf)),
                        "applied");
    /* Stored in the company's space, not in the production that wrote it. */
    assert_int_equal(sync_record_get(db, "co:co", "suppliers", "sup-1", &rec), EP_OK);
    json_decref(rec);
    assert_int_equal(sync_record_get(db, "p1", "suppliers", "sup-1", &rec), EP_ENOTFOUND);
    /* Every production of the company pulls it, any role; another company's does not. */
    assert_true(pulls(&eco_p1, "sup-1"));
    assert_true(pulls(&crew_p2, "sup-1"));
    assert_true(pulls(&crew_p2, "crit-veg"));
    assert_false(pulls(&eco_other, "sup-1"));
    /* The eco-referent of a sister production edits it... */
    assert_string_equal(
        put_as(&eco_p2, "suppliers", "sup-1", "{\"feedback\":\"Très bien\"}", buf, sizeof(buf)),
        "applied");
    /* ...crew may not, and another company cannot take the id over. */
    assert_string_equal(
        put_as(&crew_p2, "suppliers", "sup-1", "{\"name\":\"Pirate\"}", buf, sizeof(buf)),
        "rejected:forbidden");
    assert_string_equal(
        put_as(&eco_other, "suppliers", "sup-1", "{\"name\":\"Pirate\"}", buf, sizeof(buf)),
        "rejected:id_collision");
    /* Production records stay in their production. */
    assert_string_equal(
        put_as(&eco_p1, "actions", "act-1", "{\"title\":\"Carafes\"}", buf, sizeof(buf)),
        "applied");
    assert_true(pulls(&eco_p1, "act-1"));
    assert_false(pulls(&eco_p2, "act-1"));
    /* The spec still applies in the space. */
    assert_string_equal(
        put_as(&eco_p1, "suppliers", "sup-2", "{\"scope\":\"spaceship\"}", buf, sizeof(buf)),
        "rejected:invalid_field");
}

/* Profiles (C6) are read by office roles, and by the person they describe. */
static void profiles_are_read_by_office_roles_and_their_subject(void **state)
{
    static const struct sync_actor crew_p1 = {"p1",    "dev-c1",       "m-c1",
                                              "regie", SYNC_ROLE_CREW, "co:co"};
    static const struct sync_actor head_p1 = {
        "p1", "dev-h1", "m-h1", "regie", SYNC_ROLE_DEPT_HEAD, "co:co"};
    char buf[64];
    (void)state;
    assert_string_equal(put_as(&eco_p1, "profiles", "prof-mine",
                               "{\"member\":\"m-c1\",\"name\":\"Sofia\",\"appetite\":3}", buf,
                               sizeof(buf)),
                        "applied");
    assert_string_equal(put_as(&eco_p1, "profiles", "prof-other",
                               "{\"member\":\"m-x\",\"name\":\"Paul\",\"appetite\":0}", buf,
                               sizeof(buf)),
                        "applied");
    assert_true(pulls(&eco_p1, "prof-mine"));
    assert_true(pulls(&eco_p1, "prof-other"));
    assert_true(pulls(&crew_p1, "prof-mine"));
    assert_false(pulls(&crew_p1, "prof-other"));
    assert_false(pulls(&head_p1, "prof-other"));
    /* Nor may they write one. */
    assert_string_equal(
        put_as(&crew_p1, "profiles", "prof-mine", "{\"appetite\":0}", buf, sizeof(buf)),
        "rejected:forbidden");
}

/* ---- CSV import and export ---- */

static size_t count_suppliers(void)
{
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db),
                                        "SELECT count(*) FROM sync_record WHERE col = 'suppliers' "
                                        "AND production_id = 'co:co' AND deleted = 0",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = (size_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int import(const char *text, json_t **report)
{
    struct sync_opts o = opts();
    static const struct sync_actor office = {"p1", "office-1",      "m-o",
                                             NULL, SYNC_ROLE_ADMIN, "co:co"};
    return directory_import_csv(db, &o, &office, text, strlen(text), report);
}

static void import_is_all_or_nothing_with_line_numbers(void **state)
{
    static const char bad[] =
        CSV_BOM "nom;périmètre;niveau de prix;critères remplis;preuves\r\n"
                "Hôtel du Lac;hébergement;€€;crit-eco;\"Clé Verte n° 1234;\r\nvu le 3/09\"\r\n"
                "Navettes Doubs;spaceship;2;;\r\n"
                "Traiteur Bio;restauration;9;crit-veg;\r\n"
                "Loueur;transport;1;crit-unknown;\r\n"
                ";transport;1;;\r\n"
                "trop;de;cellules;ici;pour;ce;fichier\r\n";
    json_t *report = NULL;
    char *lines;
    (void)state;
    {
        char buf[64];
        assert_string_equal(
            put_as(&eco_p1, "criteria", "crit-veg", "{\"label\":\"Végé\"}", buf, sizeof(buf)),
            "applied");
        assert_string_equal(
            put_as(&eco_p1, "criteria", "crit-eco", "{\"label\":\"Clé Verte\"}", buf, sizeof(buf)),
            "applied");
    }
    assert_int_equal(import(bad, &report), EP_EINVAL);
    /* Row 2 spans lines 2-3, so the bad rows start on lines 4 to 8. */
    {
        json_t *ls = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(report, "errors"), i, e)
            json_array_append(ls, json_object_get(e, "line"));
        lines = support_canon(ls);
        json_decref(ls);
    }
    assert_string_equal(lines, "[4,5,6,7,8]");
    free(lines);
    assert_int_equal(json_integer_value(json_object_get(report, "error_count")), 5);
    json_decref(report);
    assert_int_equal(count_suppliers(), 0); /* the good row was not kept either */

    /* A bad header stops at once. */
    assert_int_equal(import("nom;couleur\nA;bleu\n", &report), EP_EINVAL);
    {
        json_t *e = json_array_get(json_object_get(report, "errors"), 0);
        assert_int_equal(json_array_size(json_object_get(report, "errors")), 1);
        assert_string_equal(json_string_value(json_object_get(e, "column")), "couleur");
        assert_int_equal(json_integer_value(json_object_get(e, "line")), 1);
    }
    json_decref(report);
    assert_int_equal(import("", &report), EP_EINVAL);
    json_decref(report);
    assert_int_equal(count_suppliers(), 0);
}

static void import_then_export_round_trips(void **state)
{
    static const char good[] =
        CSV_BOM "nom;périmètre;type;niveau de prix;critères remplis;preuves;note\r\n"
                "Hôtel du Lac;hébergement;prestataire;€€;crit-eco;\"Clé Verte; n° 1234\";4\r\n"
                "=HYPERLINK(\"http://x\");restauration;partner;1;crit-veg, crit-eco;;\r\n"
                "Loueur Élec;transport;prestataire;3;;;\r\n";
    json_t *report = NULL;
    char *csv = NULL, *again = NULL;
    size_t len = 0, len2 = 0;
    (void)state;
    {
        char buf[64];
        put_as(&eco_p1, "criteria", "crit-veg", "{\"label\":\"Végé\"}", buf, sizeof(buf));
        put_as(&eco_p1, "criteria", "crit-eco", "{\"label\":\"Clé Verte\"}", buf, sizeof(buf));
    }
    assert_int_equal(import(good, &report), EP_OK);
    assert_int_equal(json_integer_value(json_object_get(report, "imported")), 3);
    json_decref(report);
    assert_int_equal(count_suppliers(), 3);
    assert_int_equal(directory_csv(db, "co:co", "fr", &csv, &len), EP_OK);
    assert_memory_equal(csv, CSV_BOM "identifiant;nom;type;périmètre", 3 + 30);
    /* The formula is written guarded, the ';' quoted, the labels French. */
    assert_non_null(strstr(csv, ";\"'=HYPERLINK(\"\"http://x\"\")\";partenaire;restauration;"));
    assert_non_null(strstr(csv, "\"Clé Verte; n° 1234\""));
    assert_non_null(strstr(csv, ";hébergement;"));
    assert_non_null(strstr(csv, "crit-veg,crit-eco"));
    assert_non_null(strstr(csv, "\r\n"));
    /* Importing the export changes nothing: same ids, same values. */
    assert_int_equal(import(csv, &report), EP_OK);
    json_decref(report);
    assert_int_equal(count_suppliers(), 3);
    assert_int_equal(directory_csv(db, "co:co", "fr", &again, &len2), EP_OK);
    assert_int_equal(len, len2);
    assert_memory_equal(csv, again, len);
    free(csv);
    free(again);
    /* In English: English titles and labels, and it imports back to the
     * same entries (the import reads either language). */
    assert_int_equal(directory_csv(db, "co:co", "en", &csv, &len), EP_OK);
    assert_memory_equal(csv, CSV_BOM "id;name;kind;scope;location;", 3 + 28);
    assert_non_null(strstr(csv, ";partner;catering;"));
    assert_null(strstr(csv, "restauration"));
    assert_int_equal(import(csv, &report), EP_OK);
    json_decref(report);
    assert_int_equal(count_suppliers(), 3);
    assert_int_equal(directory_csv(db, "co:co", "fr", &again, &len2), EP_OK);
    assert_non_null(strstr(again, ";hébergement;"));
    free(csv);
    free(again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_reads_what_excel_writes),
        cmocka_unit_test(csv_reports_the_line_of_bad_text),
        cmocka_unit_test_setup_teardown(each_company_has_a_space, setup, teardown),
        cmocka_unit_test_setup_teardown(directory_is_shared_by_the_company_only, setup, teardown),
        cmocka_unit_test_setup_teardown(pull_pages_merge_production_and_space_in_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(profiles_are_read_by_office_roles_and_their_subject, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(import_is_all_or_nothing_with_line_numbers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(import_then_export_round_trips, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
