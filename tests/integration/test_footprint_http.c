#define _GNU_SOURCE /* asprintf() */
/*
 * test_footprint_http.c - a three-week shoot pushed day by day over real
 * HTTP on loopback (docs/carbon.md "Comparing provisional and final"): the office registers the
 * fleet and the forecast, two phones push their readings, and the comparison is read at three
 * moments. Every expectation is computed by hand in the comments: litres replace a van's kilometres
 * for the same week, a missing indicator is missing (never a reduction), a running comparison is
 * pro rata of the shooting days elapsed, and bad dates, vehicles and corrections are refused naming
 * the field.
 *
 * p1 shoots Monday 2026-09-07 to Friday 2026-09-25, weekends off: 15
 * shooting days.
 * Forecast: 150 L of diesel (465 kg), 150 beef meals (1,089 kg), 30 hotel
 * nights (207.9 kg).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "clock.h"
#include "support.h"
#include "sync.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct support_server srv;
static struct support_office office;
static struct support_phone van, cook;
static uint64_t office_hlc;

static int setup(void **state)
{
    sqlite3 *h = NULL;
    (void)state;
    support_server_start(&srv, NULL);
    support_seed_people(
        srv.app.db_path,
        "[{\"id\":\"m-admin\",\"name\":\"Aline\",\"department\":\"production\",\"role\":"
        "\"eco_referent\",\"email\":\"aline@test.fr\"},"
        "{\"id\":\"m-van\",\"name\":\"Bruno\",\"department\":\"regie\",\"role\":\"crew\","
        "\"device\":\"dev-van\"},"
        "{\"id\":\"m-cook\",\"name\":\"Chloé\",\"department\":\"catering\",\"role\":\"crew\","
        "\"device\":\"dev-cook\"},"
        "{\"id\":\"m-prod\",\"name\":\"Paul\",\"department\":\"production\",\"role\":\"crew\","
        "\"device\":\"dev-prod\"}]");
    assert_int_equal(sqlite3_open(srv.app.db_path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h,
                                  "UPDATE production SET starts_on = '2026-09-07', "
                                  "ends_on = '2026-09-25', title = 'La Vallée des loutres', "
                                  "days_off = '[\"2026-09-12\",\"2026-09-13\","
                                  "\"2026-09-19\",\"2026-09-20\"]' "
                                  "WHERE id = 'p1'; UPDATE company SET name = 'Films du Doubs'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    support_phone_init(&van, "dev-van");
    support_phone_init(&cook, "dev-cook");
    support_office_login(&office, srv.base, "aline@test.fr");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    support_server_stop(&srv);
    return 0;
}

/* Pushes one op (fields: JSON text) as ph, or as the office when ph is
 * NULL; returns its result object (caller decrefs). */
static json_t *push(struct support_phone *ph, const char *col, const char *id, const char *kind,
                    const char *fields)
{
    static int n; /* a record written twice needs two op ids */
    char hlc[SYNC_HLC_LEN + 1], dev[128], *body = NULL;
    struct support_resp r;
    json_t *j, *res;

    n++;
    if (ph != NULL) {
        ph->hlc = sync_hlc_tick(ph->hlc, clock_now_ms());
        sync_hlc_format(ph->hlc, hlc);
        snprintf(dev, sizeof(dev), "%s", ph->id);
    } else {
        office_hlc = sync_hlc_tick(office_hlc, clock_now_ms());
        sync_hlc_format(office_hlc, hlc);
        snprintf(dev, sizeof(dev), "office-%s", office.account_id);
    }
    assert_true(asprintf(&body,
                         "{\"schema\":1,\"device\":\"%s\",\"ops\":[{\"op\":\"op-%s-%d\",\"col\":"
                         "\"%s\",\"id\":\"%s\",\"kind\":\"%s\",\"hlc\":\"%s\",\"dev\":\"%s\","
                         "\"fields\":%s}]}",
                         dev, id, n, col, id, kind, hlc, dev, fields) > 0);
    if (ph != NULL)
        support_phone_request(ph, srv.base, "POST", "/api/v1/sync/push", NULL, body, -1, &r);
    else
        support_office_req(&office, "POST", "/api/v1/sync/push", body, &r);
    free(body);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    res = json_incref(json_array_get(json_object_get(j, "results"), 0));
    json_decref(j);
    support_resp_free(&r);
    assert_non_null(res);
    return res;
}

static void applied(struct support_phone *ph, const char *col, const char *id, const char *kind,
                    const char *fields)
{
    json_t *res = push(ph, col, id, kind, fields);
    if (strcmp(json_string_value(json_object_get(res, "status")), "applied") != 0)
        fail_msg("%s %s: %s", col, id, json_string_value(json_object_get(res, "reason")));
    json_decref(res);
}

/* The reading is refused with code and a reason naming field. */
static void refused(struct support_phone *ph, const char *id, const char *fields, const char *code,
                    const char *field)
{
    json_t *res = push(ph, "readings", id, "add", fields);
    const char *reason = json_string_value(json_object_get(res, "reason"));
    char want[48];
    assert_string_equal(json_string_value(json_object_get(res, "status")), "rejected");
    assert_string_equal(json_string_value(json_object_get(res, "code")), code);
    snprintf(want, sizeof(want), "field '%s'", field);
    if (reason == NULL || strstr(reason, want) == NULL)
        fail_msg("%s: '%s' does not name %s", id, reason != NULL ? reason : "", want);
    json_decref(res);
}

static void reading(struct support_phone *ph, const char *id, const char *ind, const char *unit,
                    const char *dept, double value, const char *vehicle, const char *at)
{
    char f[320];
    if (vehicle != NULL)
        snprintf(f, sizeof(f),
                 "{\"indicator\":\"%s\",\"value\":%g,\"unit\":\"%s\",\"dept\":\"%s\","
                 "\"vehicle\":\"%s\",\"at\":\"%s\"}",
                 ind, value, unit, dept, vehicle, at);
    else
        snprintf(f, sizeof(f),
                 "{\"indicator\":\"%s\",\"value\":%g,\"unit\":\"%s\",\"dept\":\"%s\","
                 "\"at\":\"%s\"}",
                 ind, value, unit, dept, at);
    applied(ph, "readings", id, "add", f);
}

/* One shooting week from Monday day0 (day of September): the van drives 100
 * km a day, fills up 40 L on Wednesday when fill, the caterer serves 10
 * beef meals a day. */
static void push_week(int day0, int fill)
{
    char id[32], at[11];
    for (int d = day0; d < day0 + 5; d++) {
        snprintf(at, sizeof(at), "2026-09-%02d", d);
        snprintf(id, sizeof(id), "km-%02d", d);
        reading(&van, id, "van_km", "km", "regie", 100, "van-1", at);
        snprintf(id, sizeof(id), "beef-%02d", d);
        reading(&cook, id, "meals_beef", "meal", "catering", 10, NULL, at);
        if (fill && d == day0 + 2) {
            snprintf(id, sizeof(id), "fuel-%02d", d);
            reading(&van, id, "van_diesel_l", "L", "regie", 40, "van-1", at);
        }
    }
}

static json_t *compare(const char *today)
{
    char path[128];
    struct support_resp r;
    json_t *j;
    snprintf(path, sizeof(path), "/api/v1/productions/p1/footprint/compare%s%s",
             today != NULL ? "?today=" : "", today != NULL ? today : "");
    support_office_req(&office, "GET", path, NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    support_resp_free(&r);
    return j;
}

static json_t *row(json_t *cmp, const char *cat)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(cmp, "categories"), i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "category")), cat) == 0)
            return x;
    }
    fail_msg("no category %s", cat);
    return NULL;
}

static void close_to(json_t *o, const char *key, double want, int line)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_number(v) || fabs(json_number_value(v) - want) > 1e-6 * (1 + fabs(want)))
        fail_msg("line %d: %s = %s, expected %.6f", line, key,
                 json_is_number(v) ? "a number" : "not a number", want);
}
#define CLOSE(o, k, w) close_to((o), (k), (double)(w), __LINE__)

/* The CSV's "Total" row: "Total", nine empty cells, then the kg and the
 * uncertainty, written with the separator and decimal mark of the locale's
 * spreadsheet (French ';' and ',', English ',' and '.'). */
static void total_row(const char *body, char sep, char decimal)
{
    char start[16];
    const char *p, *end;
    size_t n = 0;

    snprintf(start, sizeof start, "\r\nTotal%c", sep);
    p = strstr(body, start);
    assert_non_null(p);
    end = strstr(p + 2, "\r\n");
    assert_non_null(end);
    for (const char *q = p + 2; q < end; q++) {
        n += *q == sep;
        /* a decimal mark of the other locale would read as text */
        assert_true(*q == sep || *q == decimal || (*q >= '0' && *q <= '9') || (q < p + 7));
    }
    assert_int_equal(n, 11);
    assert_non_null(memchr(p + 7, decimal, (size_t)(end - (p + 7))));
}

static void the_office_registers_fleet_and_forecast(void **state)
{
    (void)state;
    applied(NULL, "fleet", "van-1", "put",
            "{\"name\":\"Fourgon régie\",\"kind\":\"vehicle\",\"class\":\"light_van\","
            "\"fuel\":\"diesel\"}");
    applied(NULL, "estimates", "e-diesel", "put",
            "{\"indicator\":\"van_diesel_l\",\"value\":150,\"unit\":\"L\",\"dept\":\"regie\"}");
    applied(NULL, "estimates", "e-beef", "put",
            "{\"indicator\":\"meals_beef\",\"value\":150,\"unit\":\"meal\","
            "\"dept\":\"catering\"}");
    applied(NULL, "estimates", "e-hotel", "put",
            "{\"indicator\":\"hotel_nights\",\"value\":30,\"unit\":\"night\","
            "\"dept\":\"production\"}");
}

static json_t *office_json(const char *method, const char *path, const char *body, long status)
{
    struct support_resp r;
    json_t *j;
    support_office_req(&office, method, path, body, &r);
    if (r.status != status)
        fail_msg("%s %s: %ld, expected %ld", method, path, r.status, status);
    j = support_resp_json(&r);
    support_resp_free(&r);
    return j;
}

/* The forecast filed with the budget stays as it was when a revision is
 * filed (factor set 3: 150 L x 3.10 + 150 beef meals x 7.26 + 30 hotel
 * nights x 6.93 = 465 + 1,089 + 207.9 = 1,761.9 kg). */
static void the_forecast_is_filed_in_versions(void **state)
{
    struct support_resp r;
    json_t *j;
    (void)state;

    j = office_json("POST", "/api/v1/productions/p1/forecast", "{\"label\":\"Devis\"}", 201);
    assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
    CLOSE(j, "total_kg", 1761.9);
    json_decref(j);
    /* A phone reads, never files; bad bodies name their field. */
    support_phone_request(&van, srv.base, "POST", "/api/v1/productions/p1/forecast", NULL,
                          "{\"label\":\"Devis\"}", -1, &r);
    assert_int_equal(r.status, 403);
    support_resp_free(&r);
    support_office_req(&office, "POST", "/api/v1/productions/p1/forecast", "{\"label\":\"\"}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "label");
    support_resp_free(&r);
    support_office_req(&office, "POST", "/api/v1/productions/p1/forecast", "{\"label\":5}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "label");
    support_resp_free(&r);
    support_office_req(&office, "POST", "/api/v1/productions/p1/forecast", "{}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "label");
    support_resp_free(&r);
    support_office_req(&office, "POST", "/api/v1/productions/p1/forecast", "{\"label\"", &r);
    support_assert_error(&r, 400, "malformed_json");
    support_resp_free(&r);
    support_office_req(&office, "GET", "/api/v1/productions/p1/forecast/un", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "version");
    support_resp_free(&r);
    support_office_req(&office, "GET", "/api/v1/productions/p1/forecast/9", NULL, &r);
    assert_string_equal(support_assert_error(&r, 404, "not_found"), "version");
    support_resp_free(&r);

    /* The revision: 100 beef meals (726 kg) instead of 150: 1,398.9 kg. */
    applied(NULL, "estimates", "e-beef", "put",
            "{\"indicator\":\"meals_beef\",\"value\":100,\"unit\":\"meal\","
            "\"dept\":\"catering\"}");
    j = office_json("POST", "/api/v1/productions/p1/forecast", "{\"label\":\"Révision 1\"}", 201);
    assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
    CLOSE(j, "total_kg", 1398.9);
    json_decref(j);
    j = office_json("GET", "/api/v1/productions/p1/forecast/1", NULL, 200);
    assert_string_equal(json_string_value(json_object_get(j, "label")), "Devis");
    CLOSE(json_object_get(j, "footprint"), "total_kg", 1761.9);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 3);
    json_decref(j);
    support_phone_request(&van, srv.base, "GET", "/api/v1/productions/p1/forecast", NULL, NULL, -1,
                          &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_int_equal(json_array_size(json_object_get(j, "versions")), 2);
    CLOSE(json_object_get(j, "current"), "total_kg", 1398.9);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "versions"), 0), "filed_by_name")),
                        "Aline");
    json_decref(j);
    support_resp_free(&r);
    /* Back to 150 meals for the shoot below, filed as version 3: the
     * comparison reads the filed forecast. A later edit of the estimates
     * that nobody files (999 meals) must not move it. */
    applied(NULL, "estimates", "e-beef", "put",
            "{\"indicator\":\"meals_beef\",\"value\":150,\"unit\":\"meal\","
            "\"dept\":\"catering\"}");
    j = office_json("POST", "/api/v1/productions/p1/forecast", "{\"label\":\"Révision 2\"}", 201);
    CLOSE(j, "total_kg", 1761.9);
    json_decref(j);
    applied(NULL, "estimates", "e-beef", "put",
            "{\"indicator\":\"meals_beef\",\"value\":999,\"unit\":\"meal\","
            "\"dept\":\"catering\"}");
    /* An unknown version is a 404 naming it; a malformed one a 400. */
    support_office_req(&office, "GET", "/api/v1/productions/p1/footprint/compare?forecast=9", NULL,
                       &r);
    assert_string_equal(support_assert_error(&r, 404, "not_found"), "forecast");
    support_resp_free(&r);
    support_office_req(&office, "GET", "/api/v1/productions/p1/footprint/compare?forecast=x", NULL,
                       &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "forecast");
    support_resp_free(&r);
    support_office_req(&office, "GET", "/api/v1/productions/p1/footprint.pdf?lang=de", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "lang");
    support_resp_free(&r);
}

static void bad_dates_vehicles_and_corrections_are_refused(void **state)
{
    (void)state;
    refused(&van, "bad-1",
            "{\"indicator\":\"van_km\",\"value\":10,\"unit\":\"km\",\"dept\":\"regie\","
            "\"vehicle\":\"van-1\",\"at\":\"mardi\"}",
            "invalid_date", "at");
    refused(&van, "bad-2",
            "{\"indicator\":\"van_km\",\"value\":10,\"unit\":\"km\",\"dept\":\"regie\","
            "\"vehicle\":\"van-1\",\"at\":\"2028-09-08\"}",
            "invalid_date", "at");
    refused(&van, "bad-3",
            "{\"indicator\":\"van_km\",\"value\":10,\"unit\":\"km\",\"dept\":\"regie\","
            "\"vehicle\":\"le camion\",\"at\":\"2026-09-08\"}",
            "unknown_vehicle", "vehicle");
    refused(&van, "bad-4",
            "{\"indicator\":\"van_diesel_l\",\"value\":10,\"unit\":\"L\",\"dept\":\"regie\","
            "\"at\":\"2026-09-08\"}",
            "vehicle_required", "vehicle");
}

static void three_moments_of_a_shoot(void **state)
{
    json_t *cmp, *r, *fp, *m;
    struct support_resp resp;
    (void)state;

    /* Moment 1, Monday 09-14 after week 1: 5 of 15 days, fraction 1/3.
     * Transport: week 1's 500 km are replaced by the 40 L (124 kg);
     * expected 465 / 3 = 155, covered: -31 kg, -20 %. Logistics: beef 50
     * meals = 363 kg against 1,089 / 3 = 363: 0 %; the hotel nights
     * (69.3 kg expected by now) are missing, not a -100 % gain. */
    push_week(7, 1);
    cmp = compare("2026-09-14");
    assert_string_equal(json_string_value(json_object_get(cmp, "status")), "en cours");
    /* Against the filed version 3, not the live 999 meals. */
    CLOSE(json_object_get(cmp, "forecast"), "version", 3);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(cmp, "forecast"), "label")),
        "Révision 2");
    CLOSE(json_object_get(cmp, "total"), "provisional_kg", 1761.9);
    CLOSE(json_object_get(cmp, "span"), "elapsed_days", 5);
    r = row(cmp, "transport");
    CLOSE(r, "expected_kg", 155);
    CLOSE(r, "final_kg", 124);
    CLOSE(r, "delta_pct", -20);
    r = row(cmp, "logistics");
    CLOSE(r, "expected_kg", (1089 + 207.9) / 3);
    CLOSE(r, "covered_expected_kg", 363);
    CLOSE(r, "delta_pct", 0);
    CLOSE(r, "coverage", 363 / ((1089 + 207.9) / 3));
    assert_int_equal(json_array_size(json_object_get(cmp, "missing")), 1);
    m = json_array_get(json_object_get(cmp, "missing"), 0);
    assert_string_equal(json_string_value(json_object_get(m, "indicator")), "hotel_nights");
    CLOSE(m, "expected_kg", 69.3);
    CLOSE(json_object_get(cmp, "coverage"), "share", (155 + 363) / (155 + 432.3));
    json_decref(cmp);

    /* Moment 2, Monday 09-21 after week 2 (no fill-up, 12 hotel nights):
     * fraction 2/3. Transport: 40 L (124) + week 2's 500 km x 0.279
     * (139.5, set 2's light van) = 263.5 against 310: -46.5 kg. Logistics: beef 726 + hotel
     * 12 x 6.93 = 83.16, so 809.16 against 864.6, nothing missing. */
    push_week(14, 0);
    reading(&cook, "hotel-1", "hotel_nights", "night", "catering", 12, NULL, "2026-09-16");
    cmp = compare("2026-09-21");
    assert_string_equal(json_string_value(json_object_get(cmp, "status")), "en cours");
    r = row(cmp, "transport");
    CLOSE(r, "final_kg", 263.5);
    CLOSE(r, "delta_kg", 263.5 - 310);
    r = row(cmp, "logistics");
    CLOSE(r, "covered_expected_kg", 864.6);
    CLOSE(r, "final_kg", 809.16);
    CLOSE(r, "coverage", 1);
    assert_int_equal(json_array_size(json_object_get(cmp, "missing")), 0);
    json_decref(cmp);

    /* A correction must keep the vehicle of the reading it corrects. */
    refused(&van, "km-15c",
            "{\"indicator\":\"van_km\",\"value\":90,\"unit\":\"km\",\"dept\":\"regie\","
            "\"at\":\"2026-09-15\",\"supersedes\":\"km-15\"}",
            "correction_incomplete", "vehicle");

    /* Moment 3, after the last day: closed, the whole forecast. Week 3's
     * km are replaced by its 40 L: transport 80 L (248) + 139.5 = 387.5
     * against 465; logistics 1,089 + 83.16 = 1,172.16 against 1,296.9. */
    push_week(21, 1);
    cmp = compare("2026-09-28");
    assert_string_equal(json_string_value(json_object_get(cmp, "status")), "clos");
    CLOSE(json_object_get(cmp, "span"), "fraction", 1);
    r = row(cmp, "transport");
    CLOSE(r, "final_kg", 387.5);
    CLOSE(r, "delta_pct", (387.5 - 465) / 465 * 100);
    r = row(cmp, "logistics");
    CLOSE(r, "delta_kg", 1172.16 - 1296.9);
    fp = json_object_get(cmp, "final");
    m = json_array_get(json_object_get(fp, "methods"), 0);
    assert_string_equal(json_string_value(json_object_get(m, "method")), "fuel+distance");
    CLOSE(m, "fuel_l", 80);
    CLOSE(m, "distance_km", 500);
    CLOSE(m, "distance_replaced_km", 1000);
    json_decref(cmp);

    support_office_req(&office, "GET", "/api/v1/productions/p1/footprint/compare?today=mardi", NULL,
                       &resp);
    assert_string_equal(support_assert_error(&resp, 400, "invalid_request"), "today");
    support_resp_free(&resp);
}

/* Writes r's body to dir/name and returns the output of "prog file after". */
static char *run_on(const struct support_resp *r, const char *name, const char *prog,
                    const char *after)
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
    snprintf(cmd, sizeof(cmd), "%s %s %s", prog, path, after);
    f = popen(cmd, "r");
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    assert_int_equal(pclose(f), 0);
    return strdup(buf);
}

/* The exports a person transcribes name the production, never its id. */
/* Every export opens with the production's identification (company,
 * kind, dates, status, period covered, factor set, completeness), in
 * French, without an internal id (docs/carbon.md, "Exports"). */
static void exports_name_the_production(void **state)
{
    struct support_resp r;
    char *txt;
    (void)state;

    support_office_req(&office, "GET", "/api/v1/productions/p1/footprint.pdf", NULL, &r);
    assert_int_equal(r.status, 200);
    txt = run_on(&r, "fp.pdf", "pdfinfo", "");
    assert_non_null(strstr(txt, "Bilan carbone — La Vallée des loutres (Films du Doubs)"));
    free(txt);
    txt = run_on(&r, "fp.pdf", "pdftotext -layout -q", "-");
    assert_non_null(strstr(txt, "Statut : production close"));
    assert_non_null(strstr(txt, "Fiche de la production"));
    assert_non_null(strstr(txt, "Société de production"));
    assert_non_null(strstr(txt, "Films du Doubs"));
    assert_non_null(strstr(txt, "du 7 septembre 2026 au 25")); /* the cell wraps */
    /* The comparison says which filed forecast it reads, and when. */
    assert_non_null(strstr(txt, "Prévisionnel comparé"));
    assert_non_null(strstr(txt, "version 3 « Révision 2 », déposée"));
    /* One line per thing to type, grouped as the calculator's form. */
    assert_non_null(strstr(txt, "Lignes à saisir dans le calculateur"));
    /* The final footprint per phase, labelled in words. */
    assert_non_null(strstr(txt, "Par phase de la production (kgCO2e)"));
    assert_non_null(strstr(txt, "Postproduction"));
    assert_null(strstr(txt, "post_production"));
    assert_non_null(strstr(txt, "Jeu de facteurs d'émission"));
    assert_non_null(strstr(txt, "Facteurs d'émission et sources"));
    assert_non_null(strstr(txt, "Facteurs d'émission et sources"));
    assert_null(strstr(txt, "catering"));
    assert_non_null(strstr(txt, "dérivé"));
    assert_null(strstr(txt, "p1"));
    assert_null(strstr(txt, "van_diesel_l"));
    assert_null(strstr(txt, "diesel_road_l"));
    free(txt);
    support_resp_free(&r);
    support_office_req(&office, "GET", "/api/v1/productions/p1/footprint.xlsx", NULL, &r);
    assert_int_equal(r.status, 200);
    txt = run_on(&r, "fp.xlsx",
                 "/usr/bin/python3 -c \"import openpyxl,sys; "
                 "wb=openpyxl.load_workbook(sys.argv[1]); s=wb['Synthèse']; "
                 "print(s['A1'].value); print(s['G1'].value); "
                 "print({r[0].value: r[1].value for r in s.iter_rows(min_row=2, min_col=7, "
                 "max_col=8) if r[0].value}['Genre']); "
                 "t=wb['Transport']; print(t['K2'].value, '|', t['L2'].value); "
                 "print(sorted(set(r[10].value for r in t.iter_rows(min_row=3) if r[10].value)))\"",
                 "");
    assert_string_equal(txt, "La Vallée des loutres (Films du Doubs)\n"
                             "Fiche de la production\n"
                             "Fiction\n"
                             "Méthode | Correspondance SeCO2\n"
                             "['kilomètres, en partie remplacés par le carburant', 'relevé']\n");
    free(txt);
    support_resp_free(&r);
    /* The CSV opens with the same block, then a blank row, then the table. */
    support_office_req(&office, "GET", "/api/v1/productions/p1/footprint.csv", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\xef\xbb\xbfProduction;La Vallée des loutres\r\n"
                                   "Société de production;Films du Doubs\r\nGenre;Fiction\r\n"));
    assert_non_null(strstr(r.body, "\r\n\r\nCatégorie (Carbon'Clap);"));
    assert_non_null(strstr(r.body, ";Correspondance SeCO2\r\n"));
    assert_non_null(strstr(r.body, ";Cantine ")); /* departments by name, not id */
    assert_null(strstr(r.body, ";catering"));
    assert_null(strstr(r.body, "van_diesel_l"));
    total_row(r.body, ';', ',');
    /* The phases, laid out like the total they add up to. */
    assert_non_null(strstr(r.body, "\r\nDont préparation;;;;;;;;;;"));
    assert_non_null(strstr(r.body, "\r\nDont tournage;;;;;;;;;;"));
    assert_non_null(strstr(r.body, "\r\nDont postproduction;;;;;;;;;;"));
    support_resp_free(&r);
    /* ?lang=en: the same documents in English, dates and numbers too. */
    support_office_req(&office, "GET", "/api/v1/productions/p1/footprint.pdf?lang=en", NULL, &r);
    assert_int_equal(r.status, 200);
    txt = run_on(&r, "fp-en.pdf", "pdftotext -layout -q", "-");
    assert_non_null(strstr(txt, "Carbon footprint — La Vallée des")); /* the heading wraps */
    assert_non_null(strstr(txt, "Production company"));
    assert_non_null(strstr(txt, "7 September 2026 to 25"));
    assert_non_null(strstr(txt, "« Révision 2 », filed"));
    assert_non_null(strstr(txt, "Status: closed"));
    assert_non_null(strstr(txt, "By production phase (kgCO2e)"));
    assert_null(strstr(txt, "Société de production"));
    assert_null(strstr(txt, "Cantine"));
    assert_null(strstr(txt, "p1"));
    free(txt);
    support_resp_free(&r);
    support_office_req(&office, "GET", "/api/v1/productions/p1/footprint.csv?lang=en", NULL, &r);
    assert_int_equal(r.status, 200);
    /* An English spreadsheet's CSV: ',' between cells, decimal points. */
    assert_non_null(strstr(r.body, "Production company,Films du Doubs\r\nKind,Fiction\r\n"));
    assert_non_null(strstr(r.body, "\r\n\r\nCategory (Carbon'Clap),Section,Indicator,"));
    assert_null(strstr(r.body, "Catégorie"));
    assert_non_null(strstr(r.body, ",Catering ")); /* the department, in English */
    total_row(r.body, ',', '.');
    support_resp_free(&r);
}

/* The factor set in use is shown to every member and moved by the office
 * only; a bad body names its field and changes nothing. */
static void the_office_moves_the_factor_set(void **state)
{
    struct support_resp r;
    json_t *j;
    (void)state;

    /* p1 was inserted without a pin: it follows the latest set, 5. */
    support_phone_request(&van, srv.base, "GET", "/api/v1/productions/p1/factor-sets", NULL, NULL,
                          -1, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "using")), 5);
    assert_true(json_is_null(json_object_get(j, "pinned")));
    assert_int_equal(json_array_size(json_object_get(j, "factors")), 65); /* with costumes... */
    assert_int_equal(json_array_size(json_object_get(j, "changes")), 0);
    json_decref(j);
    support_resp_free(&r);
    support_phone_request(&van, srv.base, "PUT", "/api/v1/productions/p1/factor-sets", NULL,
                          "{\"version\":2}", -1, &r);
    assert_int_equal(r.status, 403);
    support_resp_free(&r);
    support_office_req(&office, "PUT", "/api/v1/productions/p1/factor-sets", "{\"version\":\"2\"}",
                       &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "version");
    support_resp_free(&r);
    support_office_req(&office, "PUT", "/api/v1/productions/p1/factor-sets", "{\"version\":0}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "version");
    support_resp_free(&r);
    support_office_req(&office, "PUT", "/api/v1/productions/p1/factor-sets", "{\"version\":99}",
                       &r);
    assert_string_equal(support_assert_error(&r, 404, "not_found"), "version");
    support_resp_free(&r);
    support_office_req(&office, "PUT", "/api/v1/productions/p1/factor-sets", "{\"version\":", &r);
    support_assert_error(&r, 400, "malformed_json");
    support_resp_free(&r);
    support_office_req(&office, "PUT", "/api/v1/productions/nope/factor-sets", "{\"version\":2}",
                       &r);
    assert_true(r.status == 403 || r.status == 404);
    support_resp_free(&r);
    /* The office pins set 2: the footprint says so, and the screen lists
     * what set 5 would change (its new factors among them). */
    support_office_req(&office, "PUT", "/api/v1/productions/p1/factor-sets", "{\"version\":2}", &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "using")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "pinned"), "version")),
                     2);
    assert_int_equal(json_array_size(json_object_get(j, "changes")), 65 - 33);
    json_decref(j);
    support_resp_free(&r);
    support_office_req(&office, "GET", "/api/v1/productions/p1/footprint", NULL, &r);
    j = support_resp_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "factor_version")), 2);
    json_decref(j);
    support_resp_free(&r);
    /* The forecast filed earlier (version 3, set 5) against readings now
     * computed with set 2: the exports say the gaps mix two sets. */
    support_office_req(&office, "GET", "/api/v1/productions/p1/footprint.csv", NULL, &r);
    assert_int_equal(r.status, 200);
    if (strstr(r.body, "(jeu de facteurs n° 5) ; relevés calculés avec le jeu de facteurs n° 2 : "
                       "une partie des écarts vient du changement de facteurs") == NULL)
        fail_msg("no mixed-set warning in:\n%.1500s", r.body);
    support_resp_free(&r);
    support_office_req(&office, "GET", "/api/v1/productions/p1/footprint.csv?lang=en", NULL, &r);
    assert_non_null(strstr(r.body, "(factor set no. 5); the readings are computed with factor set "
                                   "no. 2: part of the gaps comes from the change of factors"));
    support_resp_free(&r);
    /* Back on the set the forecast was filed with: no warning. */
    support_office_req(&office, "PUT", "/api/v1/productions/p1/factor-sets", "{\"version\":5}", &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    support_office_req(&office, "GET", "/api/v1/productions/p1/footprint.csv", NULL, &r);
    assert_non_null(strstr(r.body, "(jeu de facteurs n° 5)"));
    assert_null(strstr(r.body, "changement de facteurs"));
    support_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_office_registers_fleet_and_forecast),
        cmocka_unit_test(the_forecast_is_filed_in_versions),
        cmocka_unit_test(bad_dates_vehicles_and_corrections_are_refused),
        cmocka_unit_test(three_moments_of_a_shoot),
        cmocka_unit_test(exports_name_the_production),
        cmocka_unit_test(the_office_moves_the_factor_set),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
