#define _GNU_SOURCE /* asprintf() */
/*
 * test_plan_http.c - the plan and directory API over real HTTP (docs/plan.md):
 * crew cannot edit the plan (sync and endpoints), starting an action from
 * the library, the plan's exports, the directory's CSV import (all or
 * nothing, each bad row by line) and export, the directory reaching phones
 * of the company through sync, and a task's reassignment history.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth.h"
#include "clock.h"
#include "db.h"
#include "err.h"
#include "seed.h"
#include "support.h"
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct support_server srv;
static struct support_office office;

static struct support_phone van, cook;

static int setup(void **state)
{
    (void)state;
    support_crew_start(&srv, NULL, &van, &cook);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    support_server_stop(&srv);
    return 0;
}

/* A signed request from phone ph; counter < 0 means "next". */
static void phone_req(struct support_phone *ph, const char *method, const char *path,
                      const char *query, const char *body, long counter, struct support_resp *out)
{
    support_phone_request(ph, srv.base, method, path, query, body, counter, out);
}

/* The text of PDF response r, as pdftotext reads it (malloc'd). */
static char *pdf_text(const struct support_resp *r, const char *name)
{
    char path[512], cmd[1200];
    static char buf[131072];
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", srv.dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r->body, 1, r->len, f), r->len);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "pdftotext -q %s -", path);
    f = popen(cmd, "r");
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    assert_int_equal(pclose(f), 0);
    return strdup(buf);
}

static void office_login(void)
{
    support_office_login(&office, srv.base, "aline@test.fr");
}

static void office_req(const char *method, const char *path, const char *body,
                       struct support_resp *out)
{
    support_office_req(&office, method, path, body, out);
}

static json_t *push_ok(struct support_phone *ph, const char *ops_text)
{
    return support_push_ok(ph, srv.base, ops_text);
}

static const char *ack_code(json_t *results, size_t i)
{
    return json_string_value(json_object_get(json_array_get(results, i), "code"));
}

static void crew_cannot_edit_the_plan(void **state)
{
    struct support_resp r;
    char *op;
    json_t *res, *j;
    (void)state;
    office_login();
    /* Through sync: a crew phone's put on an action is refused, op by op. */
    op = support_op_text(&van, "op-a1", "actions", "act-crew", "put", "{\"title\":\"Mon action\"}",
                         NULL, 0);
    res = push_ok(&van, op);
    free(op);
    assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "status")),
                        "rejected");
    assert_string_equal(ack_code(res, 0), "forbidden");
    json_decref(res);
    /* Through the endpoints: 403, nothing written. */
    phone_req(&van, "POST", "/api/v1/productions/p1/plan/from-library", NULL,
              "{\"library\":\"lib-carafes\"}", -1, &r);
    support_assert_error(&r, 403, "forbidden");
    support_resp_free(&r);
    phone_req(&van, "POST", "/api/v1/productions/p1/directory/import", NULL, "nom\nX\n", -1, &r);
    support_assert_error(&r, 403, "forbidden");
    support_resp_free(&r);
    /* Crew read the library and the plan. */
    phone_req(&van, "GET", "/api/v1/plan/library", NULL, NULL, -1, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"afnor:purchasing_food_waste\""));
    support_resp_free(&r);

    /* The office starts an action from the library: a draft, flagged. */
    office_req("POST", "/api/v1/productions/p1/plan/from-library",
               "{\"library\":\"lib-veggie-meal\",\"id\":\"act-veg\"}", &r);
    assert_int_equal(r.status, 201);
    j = support_resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "id")), "act-veg");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "fields"), "indicator")),
        "meals_vegetarian");
    json_decref(j);
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/plan/from-library",
               "{\"library\":\"lib-veggie-meal\",\"id\":\"act-veg\",\"x\":1}", &r);
    support_assert_error(&r, 400, "invalid_request");
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/plan/from-library", "{\"library\":\"lib-nope\"}",
               &r);
    assert_string_equal(support_assert_error(&r, 404, "not_found"), "library");
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/plan/progress?today=2026-09-21", NULL, &r);
    assert_non_null(strstr(r.body, "\"sans_responsable\""));
    assert_null(strstr(r.body, "act-crew"));
    support_resp_free(&r);

    /* Exports: CSV for French Excel, XLSX, PDF. */
    office_req("GET", "/api/v1/productions/p1/plan.csv?today=2026-09-21", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body,
                        "\xEF\xBB\xBF"
                        "Action;Thème;",
                        3 + 13);
    /* Labels, not keys: theme, department, status and what is missing. */
    assert_non_null(strstr(r.body, "Un repas végétarien par semaine;Alimentation;Cantine;;"));
    assert_non_null(strstr(r.body, ";brouillon;"));
    assert_non_null(strstr(r.body, "sans responsable"));
    assert_null(strstr(r.body, "sans_responsable"));
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/plan.csv?today=2026-09-21&lang=en", NULL, &r);
    assert_int_equal(r.status, 200);
    /* An English spreadsheet's CSV: ',' between cells, decimal points. */
    assert_non_null(strstr(r.body, "Action,Theme,Department,Owner,"));
    assert_non_null(strstr(r.body, "Un repas végétarien par semaine,Food,Catering,,"));
    assert_non_null(strstr(r.body, ",draft,"));
    assert_null(strstr(r.body, ";draft;"));
    assert_non_null(strstr(r.body, "no owner"));
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/plan.csv?lang=de", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "lang");
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/plan.xlsx", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body, "PK", 2);
    support_resp_free(&r);
    phone_req(&van, "GET", "/api/v1/productions/p1/plan.pdf", NULL, NULL, -1, &r);
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body, "%PDF", 4);
    {
        /* Seven columns on a portrait page: each word stays whole, on one
         * line of its cell (equal columns cut "Projecti/on"). */
        char *txt = pdf_text(&r, "plan.pdf");
        assert_non_null(strstr(txt, "Projection"));
        assert_non_null(strstr(txt, "Responsable"));
        assert_non_null(strstr(txt, "Indicateur"));
        assert_non_null(strstr(txt, "végétarien"));
        free(txt);
    }
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/plan.pdf?today=lundi", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "today");
    support_resp_free(&r);
    /* One date rule for every ?today=: no 30th of February, no empty or
     * overlong value quietly read as the server's date. */
    office_req("GET", "/api/v1/productions/p1/plan/progress?today=2026-02-30", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "today");
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/plan/progress?today=", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "today");
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/plan/progress?today=2026-09-211", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "today");
    support_resp_free(&r);
}

static void directory_import_export(void **state)
{
    static const char bad[] = "\xEF\xBB\xBF"
                              "nom;périmètre;niveau de prix\r\n"
                              "Hôtel du Lac;hébergement;€€\r\n"
                              "Navettes;fusée;2\r\n"
                              "\"Traiteur\r\nBio\";restauration;7\r\n";
    static const char good[] = "\xEF\xBB\xBF"
                               "nom;périmètre;niveau de prix\r\n"
                               "Hôtel du Lac;hébergement;€€\r\n"
                               "\"Traiteur; Bio\";restauration;1\r\n";
    struct support_resp r;
    json_t *j, *rows;
    char *body = NULL;
    (void)state;
    office_login();
    office_req("POST", "/api/v1/productions/p1/directory/import", bad, &r);
    assert_null(support_assert_error(&r, 422, "invalid_csv"));
    j = support_resp_json(&r);
    rows = json_object_get(j, "rows");
    assert_int_equal(json_array_size(rows), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "line")), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "column")),
                        "périmètre");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 1), "line")), 4);
    json_decref(j);
    support_resp_free(&r);
    /* Nothing of the failed file was kept. */
    office_req("GET", "/api/v1/productions/p1/directory.csv", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "Hôtel du Lac"));
    support_resp_free(&r);

    office_req("POST", "/api/v1/productions/p1/directory/import", good, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"imported\":2"));
    support_resp_free(&r);
    /* The company's phones get the directory through sync, and its CSV. */
    phone_req(&van, "GET", "/api/v1/sync/pull", "schema=1&cursor=", NULL, -1, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"col\":\"suppliers\""));
    assert_non_null(strstr(r.body, "Traiteur; Bio"));
    support_resp_free(&r);
    phone_req(&van, "GET", "/api/v1/productions/p1/directory.csv", NULL, NULL, -1, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"Traiteur; Bio\";;restauration;"));
    assert_non_null(strstr(r.headers, "text/csv"));
    support_resp_free(&r);
    /* A crew phone cannot write the directory through sync either. */
    body = support_op_text(&van, "op-s1", "suppliers", "sup-van", "put", "{\"name\":\"Van\"}", NULL,
                           0);
    j = push_ok(&van, body);
    free(body);
    assert_string_equal(ack_code(j, 0), "forbidden");
    json_decref(j);
}

static void task_reassignment_history(void **state)
{
    struct support_resp r;
    json_t *j, *hist;
    (void)state;
    office_login();
    office_req("POST", "/api/v1/sync/resolve",
               "{\"col\":\"tasks\",\"id\":\"t-odo\",\"field\":\"assignee\",\"value\":\"m-van\"}",
               &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    office_req("POST", "/api/v1/sync/resolve",
               "{\"col\":\"tasks\",\"id\":\"t-odo\",\"field\":\"assignee\",\"value\":\"m-cook\"}",
               &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/tasks/t-odo/history", NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    hist = json_object_get(j, "assignee");
    assert_int_equal(json_array_size(hist), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(hist, 0), "value")),
                        "m-van");
    assert_false(json_is_true(json_object_get(json_array_get(hist, 0), "leaf")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(hist, 1), "value")),
                        "m-cook");
    assert_true(json_is_true(json_object_get(json_array_get(hist, 1), "leaf")));
    json_decref(j);
    support_resp_free(&r);
    /* The new assignee may now tick it; the old one may not. */
    {
        char *op =
            support_op_text(&van, "op-t1", "tasks", "t-odo", "put", "{\"done\":true}", NULL, 0);
        json_t *res = push_ok(&van, op);
        free(op);
        assert_string_equal(ack_code(res, 0), "forbidden");
        json_decref(res);
    }
}

/* A planned checkpoint becomes a calendar invitation for the people it
 * names that have an address (C6, with the communications' libical). */
static void checkpoint_invitation(void **state)
{
    struct support_resp r;
    struct db *db;
    struct ep_error err = {0};
    json_t *ack;
    (void)state;
    assert_int_equal(db_open(srv.app.db_path, &db, &err), EP_OK);
    ack = support_office_op(db, "checkpoints", "cp-1", "put",
                            "{\"title\":\"Point régie\",\"date\":\"2026-09-24\",\"time\":\"08:30\","
                            "\"with\":[\"m-admin\",\"m-van\"]}");
    assert_string_equal(json_string_value(json_object_get(ack, "status")), "applied");
    json_decref(ack);
    ack = support_office_op(db, "checkpoints", "cp-bad", "put", "{\"title\":\"Sans date\"}");
    json_decref(ack);
    db_close(db);
    office_login();
    office_req("GET", "/api/v1/productions/p1/checkpoints/cp-1/invitation.ics", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "text/calendar"));
    /* Named after the checkpoint's title, in ASCII, never its id. */
    assert_non_null(strstr(r.headers, "filename=\"point-regie.ics\""));
    assert_non_null(strstr(r.body, "BEGIN:VCALENDAR"));
    assert_non_null(strstr(r.body, "SUMMARY:Point régie"));
    assert_non_null(strstr(r.body, "DTSTART;TZID=Europe/Paris:20260924T083000"));
    /* Aline has an address; Bruno has none and is left out, not invented. */
    assert_non_null(strstr(r.body, "mailto:aline@test.fr"));
    assert_null(strstr(r.body, "Bruno"));
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/checkpoints/cp-bad/invitation.ics", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "date");
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/checkpoints/nope/invitation.ics", NULL, &r);
    support_assert_error(&r, 404, "not_found");
    support_resp_free(&r);
}

/* A directory op held for a clock far ahead is the office's to release,
 * though it waits in the company's space. */
static void directory_quarantine_reaches_the_office(void **state)
{
    struct support_resp r;
    json_t *j;
    char dev[128], hlc[SYNC_HLC_LEN + 1], *body = NULL;
    (void)state;
    office_login();
    office_req("GET", "/api/v1/auth/me", NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    snprintf(dev, sizeof(dev), "office-%s",
             json_string_value(json_object_get(json_object_get(j, "account"), "id")));
    json_decref(j);
    support_resp_free(&r);
    sync_hlc_format(sync_hlc_tick(0, clock_now_ms() + INT64_C(86400000)), hlc);
    assert_true(asprintf(&body,
                         "{\"schema\":1,\"device\":\"%s\",\"ops\":[{\"op\":\"op-q1\",\"col\":"
                         "\"suppliers\",\"id\":\"sup-q\",\"kind\":\"put\",\"hlc\":\"%s\","
                         "\"dev\":\"%s\",\"fields\":{\"name\":\"Loueur du futur\"}}]}",
                         dev, hlc, dev) > 0);
    office_req("POST", "/api/v1/sync/push", body, &r);
    free(body);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"quarantined\""));
    support_resp_free(&r);
    office_req("GET", "/api/v1/sync/quarantine", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "op-q1"));
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/directory.csv", NULL, &r);
    assert_null(strstr(r.body, "Loueur du futur"));
    support_resp_free(&r);
    office_req("POST", "/api/v1/sync/quarantine/resolve",
               "{\"op\":\"op-q1\",\"action\":\"release\"}", &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/directory.csv", NULL, &r);
    assert_non_null(strstr(r.body, "Loueur du futur"));
    support_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(crew_cannot_edit_the_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(directory_import_export, setup, teardown),
        cmocka_unit_test_setup_teardown(task_reassignment_history, setup, teardown),
        cmocka_unit_test_setup_teardown(checkpoint_invitation, setup, teardown),
        cmocka_unit_test_setup_teardown(directory_quarantine_reaches_the_office, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
