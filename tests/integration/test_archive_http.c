/*
 * test_archive_http.c - closing a production, through real servers over
 * HTTP (docs/operations.md, "Closing a production"):
 *  - archived, it refuses every state-changing route of the route table
 *    (read from backend/core/server.c, so a route added later is covered)
 *    with 409 production_archived and writes nothing; its footprint,
 *    evaluation, kits and dossier still answer;
 *  - exported as one zip and imported on a second, fresh server (another
 *    data directory): the rows and the photos' bytes are the same and so is
 *    the footprint; a corrupt, tampered or already imported archive is
 *    refused (400, 409) with nothing written.
 */
#define _GNU_SOURCE /* asprintf */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bundle.h"
#include "clock.h"
#include "company.h"
#include "db.h"
#include "err.h"
#include "photos.h"
#include "support.h"
#include "sync.h"
#include "transfer.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct support_server srv, srv2;

/* An office session opened by the setup screen's API. */
struct office {
    const struct support_server *s;
    char cookie[256], csrf[128], prod[96];
};

static struct office ines, marc;

/* One request of o; prod (when o->prod is set) goes in X-EP-Production. */
static void call(const struct office *o, const char *method, const char *path, const char *body,
                 long len, struct support_resp *out)
{
    char url[512], hp[128];
    const char *headers[] = {o->cookie, o->csrf, hp, NULL};

    snprintf(hp, sizeof(hp), "X-EP-Production: %s", o->prod);
    if (o->prod[0] == '\0')
        headers[2] = NULL;
    snprintf(url, sizeof(url), "%s%s", o->s->base, path);
    support_http(method, url, headers, body, len, out);
}

static json_t *ok(const struct office *o, const char *method, const char *path, const char *body,
                  long status)
{
    struct support_resp r;
    json_t *j;

    call(o, method, path, body, -1, &r);
    if (r.status != status)
        fail_msg("%s %s: expected %ld, got %ld %s", method, path, status, r.status, r.body);
    j = support_resp_json(&r);
    support_resp_free(&r);
    return j;
}

/* Claims s with a setup token minted into its database, as a first start does. */
static void set_up(const struct support_server *s, struct office *o, const char *company,
                   const char *name, const char *email)
{
    char token[COMPANY_TOKEN_LEN + 1], *body = NULL;
    struct ep_error err = {0};
    struct office anon;
    struct support_resp r;
    struct db *db = NULL;
    const char *c, *end;
    json_t *j;

    assert_int_equal(db_open(s->app.db_path, &db, &err), EP_OK);
    assert_int_equal(company_setup_token_new(db, clock_now_ms(), token), EP_OK);
    db_close(db);
    assert_true(asprintf(&body,
                         "{\"token\":\"%s\",\"company\":{\"name\":\"%s\",\"city\":\"Besançon\"},"
                         "\"admin\":{\"name\":\"%s\",\"email\":\"%s\",\"password\":"
                         "\"la Loue en automne\"}}",
                         token, company, name, email) > 0);
    memset(&anon, 0, sizeof(anon));
    anon.s = s;
    anon.cookie[0] = '\0';
    call(&anon, "POST", "/api/v1/setup", body, -1, &r);
    free(body);
    if (r.status != 201)
        fail_msg("setup: %ld %s", r.status, r.body);
    memset(o, 0, sizeof(*o));
    o->s = s;
    c = strstr(r.headers, "ep_session=");
    assert_non_null(c);
    end = strpbrk(c, ";\r\n");
    snprintf(o->cookie, sizeof(o->cookie), "Cookie: %.*s", (int)(end - c), c);
    j = support_resp_json(&r);
    snprintf(o->csrf, sizeof(o->csrf), "X-EP-CSRF: %s",
             json_string_value(json_object_get(j, "csrf")));
    json_decref(j);
    support_resp_free(&r);
}

/* Rows of sql (one ?1 = the production) as text, one line per row. */
static char *dump(const char *db_path, const char *sql, const char *prod)
{
    struct db *db = NULL;
    sqlite3_stmt *st = NULL;
    struct ep_error err = {0};
    char *out = strdup("");

    assert_int_equal(db_open(db_path, &db, &err), EP_OK);
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, db_errmsg(db));
    sqlite3_bind_text(st, 1, prod, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            char *next = NULL;
            assert_true(asprintf(&next, "%s%s%s", out, v != NULL ? v : "NULL",
                                 i + 1 < sqlite3_column_count(st) ? "|" : "\n") > 0);
            free(out);
            out = next;
        }
    }
    sqlite3_finalize(st);
    db_close(db);
    return out;
}

static int count(const struct support_server *s, const char *sql)
{
    char *t = dump(s->app.db_path, sql, "");
    int n = atoi(t);
    free(t);
    return n;
}

/* What an archived production must keep as it is, whatever is asked. */
static char *fingerprint(const char *prod)
{
    static const char sql[] =
        "SELECT (SELECT count(*) FROM sync_op), (SELECT count(*) FROM sync_record), "
        "(SELECT count(*) FROM sync_version), (SELECT count(*) FROM sync_fact), "
        "(SELECT count(*) FROM sync_quarantine WHERE resolved_at IS NULL), "
        "(SELECT group_concat(id || role || coalesce(removed_at, '')) FROM member), "
        "(SELECT group_concat(id || coalesce(revoked_at, '')) FROM device), "
        "(SELECT count(*) FROM invite), (SELECT count(*) FROM account_invite), "
        "(SELECT count(*) FROM account), "
        "(SELECT group_concat(indicator || frequency) FROM collect_schedule), "
        "(SELECT count(*) FROM comms_outbox), (SELECT count(*) FROM attach_upload), "
        "(SELECT count(*) FROM production), "
        "(SELECT title || kind || coalesce(crew_size, '') || archived_at || days_off || "
        "locations || departments FROM production WHERE id = ?1)";
    return dump(srv.app.db_path, sql, prod);
}

static int setup_srv(void **state)
{
    (void)state;
    support_server_start(&srv, NULL);
    return 0;
}

static int teardown_srv(void **state)
{
    (void)state;
    support_server_stop(&srv);
    return 0;
}

static int setup_two(void **state)
{
    (void)state;
    support_server_start(&srv, NULL);
    support_server_start(&srv2, NULL);
    return 0;
}

static int teardown_two(void **state)
{
    (void)state;
    support_server_stop(&srv2);
    support_server_stop(&srv);
    return 0;
}

static const char film[] =
    "{\"title\":\"La Source\",\"kind\":\"short\",\"phases\":{"
    "\"shooting\":{\"from\":\"2027-03-01\",\"to\":\"2027-03-14\"}},"
    "\"days_off\":[\"2027-03-07\"],\"departments\":[\"regie\",\"catering\"],\"crew_size\":18}";

/* Creates the film as o, a crew member Tom with a paired phone ph, and
 * pushes one reading. Returns the production id in id. */
static void film_with_a_phone(struct office *o, struct support_phone *ph, char *id, size_t len)
{
    char path[256], body[512], code[64], pk[64];
    json_t *j;

    j = ok(o, "POST", "/api/v1/productions", film, 201);
    snprintf(id, len, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/members", id);
    j = ok(o, "POST", path, "{\"name\":\"Tom\",\"department\":\"regie\",\"role\":\"crew\"}", 201);
    snprintf(body, sizeof(body), "{\"member_id\":\"%s\"}",
             json_string_value(json_object_get(j, "id")));
    json_decref(j);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/invites", id);
    j = ok(o, "POST", path, body, 201);
    snprintf(code, sizeof(code), "%s", json_string_value(json_object_get(j, "code")));
    json_decref(j);
    support_phone_init(ph, "unused");
    sodium_bin2base64(pk, sizeof(pk), ph->pk, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(body, sizeof(body), "{\"code\":\"%s\",\"public_key\":\"%s\",\"name\":\"Pixel\"}", code,
             pk);
    j = ok(o, "POST", "/api/v1/devices/pair", body, 201);
    snprintf(ph->id, sizeof(ph->id), "%s", json_string_value(json_object_get(j, "device_id")));
    ph->counter = 0;
    json_decref(j);
}

/* Pushes one add op of ph; returns the HTTP status (the ack must be applied on 200). */
static long push_add(struct support_phone *ph, const char *col, const char *rid, const char *fields)
{
    char hlc[SYNC_HLC_LEN + 1], *push = NULL;
    struct support_resp r;
    long status;

    ph->hlc = sync_hlc_tick(ph->hlc, clock_now_ms());
    sync_hlc_format(ph->hlc, hlc);
    assert_true(asprintf(&push,
                         "{\"schema\":1,\"device\":\"%s\",\"ops\":[{\"op\":\"op-%s\",\"col\":"
                         "\"%s\",\"id\":\"%s\",\"kind\":\"add\",\"hlc\":\"%s\",\"dev\":\"%s\","
                         "\"fields\":%s}]}",
                         ph->id, rid, col, rid, hlc, ph->id, fields) > 0);
    support_phone_request(ph, srv.base, "POST", "/api/v1/sync/push", NULL, push, -1, &r);
    free(push);
    status = r.status;
    if (status == 200) {
        json_t *j = support_resp_json(&r);
        const char *st = json_string_value(
            json_object_get(json_array_get(json_object_get(j, "results"), 0), "status"));
        if (st == NULL || strcmp(st, "applied") != 0)
            fail_msg("push %s: %s", rid, r.body);
        json_decref(j);
    }
    support_resp_free(&r);
    return status;
}

/* The route table's state-changing routes, read from the source. */
static json_t *write_routes(void)
{
    char file[512], line[512];
    FILE *f;
    json_t *list = json_array();
    int in_table = 0;

    snprintf(file, sizeof(file), "%s/backend/core/server.c", EP_SOURCE_DIR);
    f = fopen(file, "r");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        char method[16], path[256];
        if (strstr(line, "static const struct route routes[]") != NULL) {
            in_table = 1;
            continue;
        }
        if (in_table && strncmp(line, "};", 2) == 0)
            break;
        if (in_table && sscanf(line, " {\"%15[A-Z]\", \"%255[^\"]\"", method, path) == 2 &&
            strcmp(method, "GET") != 0)
            json_array_append_new(list, json_pack("[s,s]", method, path));
    }
    fclose(f);
    return list;
}

/* The concrete path of a route pattern: the first '*' after /productions/
 * is prod, any other '*' an id that does not exist. */
static void concrete(const char *pattern, const char *prod, char *out, size_t len)
{
    size_t n = 0;
    int first = 1;

    for (const char *p = pattern; *p != '\0' && n + 80 < len; p++) {
        if (*p != '*') {
            out[n++] = *p;
            continue;
        }
        n += (size_t)snprintf(
            out + n, len - n, "%s",
            first && strncmp(pattern, "/api/v1/productions/*", 21) == 0 ? prod : "nothing-here-1");
        first = 0;
    }
    out[n] = '\0';
}

/* Routes that do not answer 409 on an archived production, and why. */
static const char *const open_routes[][3] = {
    {"POST", "/api/v1/auth/login", "no production: signing in"},
    {"POST", "/api/v1/auth/join", "no session: a join link names its production"},
    {"POST", "/api/v1/devices/pair", "no session: a pairing code"},
    {"POST", "/api/v1/setup", "no production: the first start"},
    {"POST", "/api/v1/productions", "creates another production"},
    {"POST", "/api/v1/productions/import", "brings another production"},
    {"POST", "/api/v1/productions/*/devices/*/revoke", "revoking a lost phone stays possible"},
    {"POST", "/api/v1/productions/*/diagnostic/company",
     "computes from the answers, stores nothing"},
    {"POST", "/api/v1/productions/*/diagnostic/project",
     "computes from the answers, stores nothing"},
};

static int is_open(const char *method, const char *path)
{
    for (size_t i = 0; i < sizeof(open_routes) / sizeof(open_routes[0]); i++)
        if (strcmp(open_routes[i][0], method) == 0 && strcmp(open_routes[i][1], path) == 0)
            return 1;
    return 0;
}

static void archived_production_refuses_every_write(void **state)
{
    struct support_phone ph, late;
    struct support_resp r;
    char id[96], path[320], body[128], pk[64], pair[256], join[256], *before, *after;
    json_t *routes, *j, *rt;
    size_t i, refused = 0;
    json_int_t archived_at;
    (void)state;

    set_up(&srv, &ines, "Films du Doubs", "Inès Roy", "ines@doubs.fr");
    film_with_a_phone(&ines, &ph, id, sizeof(id));
    assert_int_equal(push_add(&ph, "readings", "rd-1",
                              "{\"indicator\":\"van_km\",\"value\":40,\"unit\":\"km\",\"dept\":"
                              "\"regie\",\"at\":\"2027-03-02\"}"),
                     200);
    /* A pairing code and a join link made before the archiving. */
    snprintf(path, sizeof(path), "/api/v1/productions/%s/members", id);
    j = ok(&ines, "POST", path,
           "{\"name\":\"Léa\",\"department\":\"regie\",\"role\":\"crew\","
           "\"email\":\"lea@doubs.fr\"}",
           201);
    {
        /* The token runs to the next fragment parameter ("&lang="). */
        const char *t = strstr(json_string_value(json_object_get(j, "join_link")), "#join=") + 6;
        snprintf(join, sizeof(join), "{\"token\":\"%.*s\",\"password\":\"source claire du Doubs\"}",
                 (int)strcspn(t, "&"), t);
    }
    snprintf(body, sizeof(body), "{\"member_id\":\"%s\"}",
             json_string_value(json_object_get(j, "id")));
    json_decref(j);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/invites", id);
    j = ok(&ines, "POST", path, body, 201);
    support_phone_init(&late, "late-phone");
    sodium_bin2base64(pk, sizeof(pk), late.pk, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(pair, sizeof(pair), "{\"code\":\"%s\",\"public_key\":\"%s\",\"name\":\"Fairphone\"}",
             json_string_value(json_object_get(j, "code")), pk);
    json_decref(j);

    snprintf(path, sizeof(path), "/api/v1/productions/%s/archive", id);
    j = ok(&ines, "POST", path, NULL, 200);
    archived_at = json_integer_value(json_object_get(j, "archived_at"));
    assert_true(archived_at > 0);
    json_decref(j);
    snprintf(ines.prod, sizeof(ines.prod), "%s", id);
    before = fingerprint(id);

    routes = write_routes();
    assert_true(json_array_size(routes) > 20);
    json_array_foreach(routes, i, rt)
    {
        const char *method = json_string_value(json_array_get(rt, 0));
        const char *pattern = json_string_value(json_array_get(rt, 1));
        /* These two would end the test's own session or reopen it: below. */
        if (strcmp(pattern, "/api/v1/auth/logout") == 0 ||
            strcmp(pattern, "/api/v1/productions/*/reopen") == 0)
            continue;
        concrete(pattern, id, path, sizeof(path));
        call(&ines, method, path, "{}", -1, &r);
        if (strcmp(pattern, "/api/v1/productions/*/archive") == 0) {
            /* Archiving again changes nothing, not even the date. */
            assert_int_equal(r.status, 200);
            j = support_resp_json(&r);
            assert_int_equal(json_integer_value(json_object_get(j, "archived_at")), archived_at);
            json_decref(j);
        } else if (is_open(method, pattern)) {
            if (r.status == 409)
                fail_msg("%s %s answered 409: %s", method, pattern, r.body);
        } else {
            if (r.status != 409)
                fail_msg("%s %s on an archived production: %ld %s", method, pattern, r.status,
                         r.body);
            support_assert_error(&r, 409, "production_archived");
            refused++;
        }
        support_resp_free(&r);
    }
    json_decref(routes);
    assert_true(refused > 15);

    /* Nobody joins an archived production, even with an earlier code or link;
     * both stay unspent for a reopening. */
    call(&ines, "POST", "/api/v1/devices/pair", pair, -1, &r);
    support_assert_error(&r, 409, "production_archived");
    support_resp_free(&r);
    call(&ines, "POST", "/api/v1/auth/join", join, -1, &r);
    support_assert_error(&r, 409, "production_archived");
    support_resp_free(&r);

    /* The phone's push too: its queue stays on the phone. */
    assert_int_equal(push_add(&ph, "readings", "rd-2",
                              "{\"indicator\":\"van_km\",\"value\":12,\"unit\":\"km\",\"dept\":"
                              "\"regie\",\"at\":\"2027-03-03\"}"),
                     409);
    after = fingerprint(id);
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* Everything that reads still answers. */
    {
        static const char *const reads[] = {"footprint", "evaluation",    "kit?audience=financeur",
                                            "dossier",   "plan/progress", "schedule",
                                            "members",   "archive"};
        for (size_t k = 0; k < sizeof(reads) / sizeof(reads[0]); k++) {
            snprintf(path, sizeof(path), "/api/v1/productions/%s/%s", id, reads[k]);
            call(&ines, "GET", path, NULL, -1, &r);
            if (r.status != 200)
                fail_msg("GET %s on an archived production: %ld %s", path, r.status, r.body);
            support_resp_free(&r);
        }
    }
    /* Reopened, it takes changes again, the phone's kept reading first. */
    snprintf(path, sizeof(path), "/api/v1/productions/%s/reopen", id);
    j = ok(&ines, "POST", path, NULL, 200);
    json_decref(j);
    assert_int_equal(push_add(&ph, "readings", "rd-3",
                              "{\"indicator\":\"van_km\",\"value\":12,\"unit\":\"km\",\"dept\":"
                              "\"regie\",\"at\":\"2027-03-03\"}"),
                     200);
    j = ok(&ines, "POST", "/api/v1/devices/pair", pair, 201);
    json_decref(j);
    call(&ines, "POST", "/api/v1/auth/join", join, -1, &r);
    if (r.status != 201)
        fail_msg("join after reopening: %ld %s", r.status, r.body);
    support_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/productions/%s", id);
    j = ok(&ines, "PUT", path, "{\"crew_size\":21}", 200);
    assert_int_equal(json_integer_value(json_object_get(j, "crew_size")), 21);
    json_decref(j);
}

/* Rows that must cross servers unchanged ("?1" = the production). Sync
 * sequence numbers are left out: the importing server renumbers them. */
static const char *const same_rows[] = {
    "SELECT id, title, kind, rhythm, starts_on, ends_on, created_at, prep_from, prep_to, "
    "post_from, post_to, days_off, locations, departments, crew_size, budget_eur, rhythm_auto, "
    "archived_at FROM production WHERE id = ?1",
    "SELECT id, name, department, level, role, created_at, removed_at FROM member "
    "WHERE production_id = ?1 AND name != 'Marc Lee' ORDER BY id",
    "SELECT id, member_id, name, hex(public_key), counter, created_at, revoked_at FROM device "
    "WHERE production_id = ?1 ORDER BY id",
    "SELECT op_id, col, rid, kind, hlc, dev, body, hex(digest), received_at FROM sync_op "
    "WHERE production_id = ?1 ORDER BY seq",
    "SELECT col, rid, state, deleted, conflicts FROM sync_record WHERE production_id = ?1 "
    "ORDER BY col, rid",
    "SELECT v.col, v.rid, v.field, v.op_id, v.hlc, v.dev, v.value, v.leaf FROM sync_version v "
    "JOIN sync_record r ON r.col = v.col AND r.rid = v.rid WHERE r.production_id = ?1 "
    "ORDER BY 1, 2, 3, 4",
    "SELECT col, rid, op_id, hlc, dev, fields, supersedes, void, superseded FROM sync_fact "
    "WHERE production_id = ?1 ORDER BY col, rid",
    "SELECT indicator, frequency, dept, member_id, updated_at, updated_by FROM collect_schedule "
    "WHERE production_id = ?1 ORDER BY indicator",
    "SELECT id, size, received, state, code, reason, content_type, stored_size, updated_at "
    "FROM attach_upload WHERE production_id = ?1 ORDER BY id",
    "SELECT b.id, hex(b.data) FROM attach_blob b JOIN attach_upload u ON u.id = b.id "
    "WHERE u.production_id = ?1 ORDER BY b.id",
};

/* POSTs bytes to the import route as o. */
static void import(const struct office *o, const char *zip, size_t len, struct support_resp *r)
{
    call(o, "POST", "/api/v1/productions/import", zip, (long)len, r);
}

/* The archive with entry name's bytes replaced by data (len bytes). */
static char *tamper(const char *zip, size_t len, const char *name, const char *data, size_t dlen,
                    size_t *outlen)
{
    struct transfer_list l;
    struct ep_error err;
    char *out = NULL;
    int found = 0;

    memset(&l, 0, sizeof(l));
    assert_int_equal(bundle_unpack(zip, len, 1u << 30, &l, &err), EP_OK);
    for (size_t i = 0; i < l.n; i++) {
        if (strcmp(l.items[i].name, name) != 0)
            continue;
        free(l.items[i].data);
        l.items[i].data = malloc(dlen);
        memcpy(l.items[i].data, data, dlen);
        l.items[i].len = dlen;
        found = 1;
    }
    if (!found) {
        unsigned char *copy = malloc(dlen);
        memcpy(copy, data, dlen);
        assert_int_equal(transfer_list_add(&l, name, copy, dlen), EP_OK);
    }
    assert_int_equal(bundle_pack(&l, &out, outlen), EP_OK);
    transfer_list_release(&l);
    return out;
}

static void export_then_import_elsewhere(void **state)
{
    struct support_phone ph;
    struct support_resp r;
    char id[96], path[320], sha[65], *fields = NULL, *zip = NULL, *bad = NULL;
    size_t zlen, blen, jpg_len = 0;
    unsigned char *jpg;
    json_t *j, *fa, *fb, *lib;
    (void)state;

    set_up(&srv, &ines, "Films du Doubs", "Inès Roy", "ines@doubs.fr");
    film_with_a_phone(&ines, &ph, id, sizeof(id));
    /* Readings (one corrected), a photo, an office schedule and plan action. */
    assert_int_equal(push_add(&ph, "readings", "rd-1",
                              "{\"indicator\":\"van_km\",\"value\":40,\"unit\":\"km\",\"dept\":"
                              "\"regie\",\"at\":\"2027-03-02\"}"),
                     200);
    assert_int_equal(push_add(&ph, "readings", "rd-2",
                              "{\"indicator\":\"van_km\",\"value\":35,\"unit\":\"km\",\"dept\":"
                              "\"regie\",\"at\":\"2027-03-02\",\"supersedes\":\"rd-1\"}"),
                     200);
    jpg = photos_fixture("photo.jpg", &jpg_len);
    photos_sha256_hex(jpg, jpg_len, sha);
    assert_true(asprintf(&fields,
                         "{\"target_col\":\"readings\",\"target_id\":\"rd-2\",\"content_type\":"
                         "\"image/jpeg\",\"size\":%zu,\"sha256\":\"%s\",\"caption\":\"Le "
                         "camion\"}",
                         jpg_len, sha) > 0);
    assert_int_equal(push_add(&ph, "attachments", "ph-1", fields), 200);
    free(fields);
    {
        char range[96];
        const char *headers[] = {range, NULL};
        snprintf(range, sizeof(range), "Content-Range: bytes 0-%zu/%zu", jpg_len - 1, jpg_len);
        assert_int_equal(support_phone_send(&ph, srv.base, "PUT", "/api/v1/sync/attachments/ph-1",
                                            NULL, jpg, jpg_len, headers, &r),
                         0);
        if (r.status != 200)
            fail_msg("photo: %ld %s", r.status, r.body);
        support_resp_free(&r);
    }
    free(jpg);
    snprintf(ines.prod, sizeof(ines.prod), "%s", id);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/schedule/van_km", id);
    json_decref(ok(&ines, "PUT", path, "{\"frequency\":\"daily\",\"dept\":\"regie\"}", 200));
    lib = ok(&ines, "GET", "/api/v1/plan/library", NULL, 200);
    assert_true(asprintf(&fields, "{\"library\":\"%s\"}",
                         json_string_value(json_object_get(
                             json_array_get(json_object_get(lib, "library"), 0), "id"))) > 0);
    json_decref(lib);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/plan/from-library", id);
    json_decref(ok(&ines, "POST", path, fields, 201));
    free(fields);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/archive", id);
    json_decref(ok(&ines, "POST", path, NULL, 200));
    snprintf(path, sizeof(path), "/api/v1/productions/%s/footprint", id);
    fa = ok(&ines, "GET", path, NULL, 200);
    /* The company view: archived, with its footprint total and its plan. */
    {
        json_t *p0;
        j = ok(&ines, "GET", "/api/v1/productions", NULL, 200);
        p0 = json_array_get(json_object_get(j, "productions"), 0);
        assert_true(json_is_integer(json_object_get(p0, "archived_at")));
        assert_true(json_number_value(json_object_get(p0, "footprint_kg")) > 0);
        assert_true(
            json_equal(json_object_get(p0, "footprint_kg"), json_object_get(fa, "total_kg")));
        assert_int_equal(
            json_integer_value(json_object_get(json_object_get(p0, "plan"), "actions")), 1);
        assert_true(json_is_object(json_object_get(json_object_get(p0, "plan"), "by_status")));
        json_decref(j);
    }

    /* Only the production's administrators export it. */
    call(&ines, "GET", "/api/v1/productions/nope-123/archive", NULL, -1, &r);
    support_assert_error(&r, 404, "not_found");
    support_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/archive", id);
    call(&ines, "GET", path, NULL, -1, &r);
    if (r.status != 200)
        fail_msg("export: %ld %s", r.status, r.body);
    assert_non_null(strstr(r.headers, "application/zip"));
    zlen = r.len;
    zip = malloc(zlen);
    memcpy(zip, r.body, zlen);
    support_resp_free(&r);

    /* A fresh server, another company: bad archives first, nothing written. */
    set_up(&srv2, &marc, "Studio Lee", "Marc Lee", "marc@lee.fr");
    import(&marc, "hello", 5, &r);
    support_assert_error(&r, 400, "archive_invalid");
    support_resp_free(&r);
    import(&marc, zip, zlen / 2, &r);
    support_assert_error(&r, 400, "archive_invalid");
    support_resp_free(&r);
    bad = tamper(zip, zlen, "attachments/ph-1", "not the photo", 13, &blen);
    import(&marc, bad, blen, &r);
    support_assert_error(&r, 400, "archive_invalid");
    assert_non_null(strstr(r.body, "SHA-256"));
    support_resp_free(&r);
    free(bad);
    /* A version row aimed at a record of another production. */
    {
        static const char row[] =
            "{\"col\":\"actions\",\"rid\":\"someone-else\",\"field\":\"title\",\"op_id\":"
            "\"x\",\"hlc\":\"x\",\"dev\":\"x\",\"value\":\"1\",\"leaf\":1}\n";
        bad = tamper(zip, zlen, "rows/sync_version.jsonl", row, strlen(row), &blen);
    }
    import(&marc, bad, blen, &r);
    assert_non_null(strstr(r.body, "not a record of this production"));
    support_assert_error(&r, 400, "archive_invalid");
    support_resp_free(&r);
    free(bad);
    bad = tamper(zip, zlen, "rows/evil.jsonl", "{}\n", 3, &blen);
    import(&marc, bad, blen, &r);
    support_assert_error(&r, 400, "archive_invalid");
    support_resp_free(&r);
    free(bad);
    assert_int_equal(count(&srv2, "SELECT count(*) FROM production WHERE is_company_space = 0"), 0);
    assert_int_equal(count(&srv2, "SELECT count(*) FROM sync_op"), 0);
    assert_int_equal(count(&srv2, "SELECT count(*) FROM account"), 1);

    /* The real one. */
    import(&marc, zip, zlen, &r);
    if (r.status != 201)
        fail_msg("import: %ld %s", r.status, r.body);
    j = support_resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "id")), id);
    assert_string_equal(json_string_value(json_object_get(j, "title")), "La Source");
    assert_true(json_is_integer(json_object_get(j, "archived_at")));
    json_decref(j);
    support_resp_free(&r);
    for (size_t k = 0; k < sizeof(same_rows) / sizeof(same_rows[0]); k++) {
        char *a = dump(srv.app.db_path, same_rows[k], id);
        char *b = dump(srv2.app.db_path, same_rows[k], id);
        if (strcmp(a, b) != 0)
            fail_msg("rows differ for %s\n--- first server:\n%s--- second:\n%s", same_rows[k], a,
                     b);
        if (strlen(a) == 0)
            fail_msg("no rows on either server for %s", same_rows[k]);
        free(a);
        free(b);
    }
    /* The footprint is the same; the importer opens the production. */
    snprintf(marc.prod, sizeof(marc.prod), "%s", id);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/footprint", id);
    fb = ok(&marc, "GET", path, NULL, 200);
    assert_true(json_number_value(json_object_get(fa, "total_kg")) > 0);
    assert_true(json_equal(json_object_get(fa, "total_kg"), json_object_get(fb, "total_kg")));
    assert_true(json_equal(json_object_get(fa, "lines"), json_object_get(fb, "lines")));
    json_decref(fa);
    json_decref(fb);
    snprintf(path, sizeof(path), "/api/v1/productions/%s/attachments/ph-1", id);
    call(&marc, "GET", path, NULL, -1, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);

    /* Twice: a clash, nothing written. */
    {
        int ops = count(&srv2, "SELECT count(*) FROM sync_op");
        import(&marc, zip, zlen, &r);
        support_assert_error(&r, 409, "archive_conflict");
        support_resp_free(&r);
        assert_int_equal(count(&srv2, "SELECT count(*) FROM sync_op"), ops);
    }
    free(zip);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(archived_production_refuses_every_write, setup_srv,
                                        teardown_srv),
        cmocka_unit_test_setup_teardown(export_then_import_elsewhere, setup_two, teardown_two),
    };
    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
