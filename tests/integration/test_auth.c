/*
 * test_auth.c - identity and security against the real server on 127.0.0.1
 * over HTTP (libcurl), with a real SQLite file: office login, lockout, the
 * hashing cap, CSRF, forged cookies, the role x endpoint matrix for office
 * sessions and phones, cross-production attempts, pairing with one-time
 * expiring invites, signed requests (replayed, tampered, revoked), the audit
 * log, the demo seed and the server key file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "auth.h"
#include "clock.h"
#include "cmd.h"
#include "db.h"
#include "dbpool.h"
#include "err.h"
#include "identity.h"
#include "seed.h"
#include "support.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define PASSWORD "correct horse battery"

static struct support_server srv;
static struct db *tdb; /* the test's own connection to the server's file */

struct sess {
    char cookie[128]; /* "Cookie: ep_session=..." */
    char csrf[96];    /* "X-EP-CSRF: ..." */
};

struct phone {
    char id[65];
    unsigned char pk[32];
    unsigned char sk[64];
    long long counter;
};

/* People of the fixture, p1 unless said otherwise. */
static struct sess s_admin, s_eco, s_head, s_crew, s_viewer, s_other;
static struct phone ph_crew; /* paired in setup for m-crew */

/* ---- helpers ---------------------------------------------------------- */

static void exec_sql(const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db_handle(tdb), sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
}

static long long q_int(const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(db_handle(tdb), sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db_handle(tdb)));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static long long audit_count(const char *event)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE event = '%s'", event);
    return q_int(sql);
}

/* One request; s may be NULL; with_csrf adds the session's token. */
static void req(const char *method, const char *path, const struct sess *s, int with_csrf,
                const char *extra, const char *body, struct support_resp *out)
{
    char u[512];
    const char *h[5] = {NULL};
    int n = 0;

    snprintf(u, sizeof(u), "%s%s", srv.base, path);
    if (s != NULL)
        h[n++] = s->cookie;
    if (s != NULL && with_csrf)
        h[n++] = s->csrf;
    if (extra != NULL)
        h[n++] = extra;
    support_http(method, u, h, body, -1, out);
}

static void expect_error(const char *method, const char *path, const struct sess *s, int with_csrf,
                         const char *extra, const char *body, long status, const char *code)
{
    struct support_resp r;
    req(method, path, s, with_csrf, extra, body, &r);
    support_assert_error(&r, status, code);
    support_resp_free(&r);
}

/* The value of header name in raw headers, into buf. */
static int header_value(const struct support_resp *r, const char *name, char *buf, size_t len)
{
    size_t n = strlen(name);
    for (const char *p = r->headers; *p != '\0'; p++) {
        if ((p == r->headers || p[-1] == '\n') && strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            size_t m;
            while (*v == ' ')
                v++;
            m = strcspn(v, "\r\n");
            if (m >= len)
                return 0;
            memcpy(buf, v, m);
            buf[m] = '\0';
            return 1;
        }
    }
    return 0;
}

static long login_raw(const char *email, const char *password, struct support_resp *r)
{
    char body[2048];
    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
    req("POST", "/api/v1/auth/login", NULL, 0, NULL, body, r);
    return r->status;
}

static void login(const char *email, struct sess *s)
{
    struct support_resp r;
    char set_cookie[256], token[64];
    json_t *j;

    if (login_raw(email, PASSWORD, &r) != 200)
        fail_msg("login %s: %ld %s", email, r.status, r.body);
    assert_true(header_value(&r, "Set-Cookie", set_cookie, sizeof(set_cookie)));
    assert_int_equal(sscanf(set_cookie, "ep_session=%63[^;]", token), 1);
    snprintf(s->cookie, sizeof(s->cookie), "Cookie: ep_session=%s", token);
    j = support_resp_json(&r);
    snprintf(s->csrf, sizeof(s->csrf), "X-EP-CSRF: %s",
             json_string_value(json_object_get(j, "csrf")));
    json_decref(j);
    support_resp_free(&r);
}

static void b64(const unsigned char *bin, size_t n, char *out, size_t len)
{
    sodium_bin2base64(out, len, bin, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* How to spoil a signed request. */
enum tamper { T_NONE, T_BODY, T_PATH, T_COUNTER, T_KEY, T_SIG_SYNTAX };

/* A request signed by ph with counter (0: next). */
static void signed_req(struct phone *ph, const char *method, const char *path, const char *body,
                       long long counter, enum tamper t, const char *extra,
                       struct support_resp *out)
{
    char pathbuf[256], query[256] = "", cnt[32], u[512];
    char hdev[100], hcnt[64], hsig[160];
    unsigned char sig[64];
    const char *h[5] = {hdev, hcnt, hsig, extra, NULL};
    char *msg;
    size_t msglen = 0;
    const char *q;

    if (counter == 0)
        counter = ++ph->counter;
    snprintf(pathbuf, sizeof(pathbuf), "%s", path);
    q = strchr(path, '?');
    if (q != NULL) {
        pathbuf[q - path] = '\0';
        snprintf(query, sizeof(query), "%s", q + 1);
    }
    snprintf(cnt, sizeof(cnt), "%lld", counter);
    msg = auth_signing_string(method, pathbuf, query, ph->id, cnt, body,
                              body != NULL ? strlen(body) : 0, &msglen);
    assert_non_null(msg);
    if (t == T_KEY) {
        unsigned char pk2[32], sk2[64];
        crypto_sign_keypair(pk2, sk2);
        crypto_sign_detached(sig, NULL, (unsigned char *)msg, msglen, sk2);
    } else {
        crypto_sign_detached(sig, NULL, (unsigned char *)msg, msglen, ph->sk);
    }
    free(msg);
    snprintf(hdev, sizeof(hdev), "X-EP-Device: %s", ph->id);
    snprintf(hcnt, sizeof(hcnt), "X-EP-Counter: %lld", t == T_COUNTER ? counter + 1 : counter);
    memcpy(hsig, "X-EP-Signature: ", 16);
    b64(sig, sizeof(sig), hsig + 16, sizeof(hsig) - 16);
    if (t == T_SIG_SYNTAX)
        snprintf(hsig, sizeof(hsig), "X-EP-Signature: not-base64!");
    snprintf(u, sizeof(u), "%s%s", srv.base, t == T_PATH ? "/api/v1/productions/p1/members" : path);
    if (t == T_BODY) {
        char *copy = strdup(body);
        copy[0] = ' '; /* same JSON meaning, different bytes: still refused */
        support_http(method, u, h, copy, -1, out);
        free(copy);
        return;
    }
    support_http(method, u, h, body, -1, out);
}

/* Pairs a new phone for member via an admin invite. */
static void pair(const char *member, struct phone *ph)
{
    struct support_resp r;
    char body[256], pk[64];
    json_t *j;
    const char *code;

    snprintf(body, sizeof(body), "{\"member_id\":\"%s\"}", member);
    req("POST", "/api/v1/productions/p1/invites", &s_admin, 1, NULL, body, &r);
    if (r.status != 201)
        fail_msg("invite: %ld %s", r.status, r.body);
    j = support_resp_json(&r);
    code = json_string_value(json_object_get(j, "code"));
    crypto_sign_keypair(ph->pk, ph->sk);
    b64(ph->pk, 32, pk, sizeof(pk));
    snprintf(body, sizeof(body), "{\"code\":\"%s\",\"public_key\":\"%s\",\"name\":\"Pixel\"}", code,
             pk);
    json_decref(j);
    support_resp_free(&r);
    req("POST", "/api/v1/devices/pair", NULL, 0, NULL, body, &r);
    if (r.status != 201)
        fail_msg("pair: %ld %s", r.status, r.body);
    j = support_resp_json(&r);
    snprintf(ph->id, sizeof(ph->id), "%s", json_string_value(json_object_get(j, "device_id")));
    ph->counter = 0;
    json_decref(j);
    support_resp_free(&r);
}

static void add_person(const char *account, const char *email, const char *member, const char *prod,
                       const char *dept, enum sync_role role, const char *hash)
{
    struct identity_member m;
    memset(&m, 0, sizeof(m));
    if (account != NULL) {
        struct identity_account a;
        struct identity_account existing;
        memset(&a, 0, sizeof(a));
        snprintf(a.id, sizeof(a.id), "%s", account);
        snprintf(a.email, sizeof(a.email), "%s", email);
        snprintf(a.name, sizeof(a.name), "%s", account);
        snprintf(a.pw_hash, sizeof(a.pw_hash), "%s", hash);
        if (identity_account_by_id(tdb, account, &existing) != EP_OK)
            assert_int_equal(identity_account_create(tdb, &a, 1), EP_OK);
        snprintf(m.account_id, sizeof(m.account_id), "%s", account);
    }
    snprintf(m.id, sizeof(m.id), "%s", member);
    snprintf(m.production_id, sizeof(m.production_id), "%s", prod);
    snprintf(m.name, sizeof(m.name), "%s", member);
    snprintf(m.department, sizeof(m.department), "%s", dept);
    m.level = 3;
    m.role = role;
    assert_int_equal(identity_member_create(tdb, &m, 1), EP_OK);
}

static int setup(void **state)
{
    struct ep_error err = {0};
    char hash[IDENTITY_HASH_MAX + 1];
    (void)state;

    support_server_start(&srv, NULL);
    assert_int_equal(db_open(srv.app.db_path, &tdb, &err), EP_OK);
    exec_sql("INSERT INTO company (id, name, created_at) VALUES ('co', 'Co', 0);"
             "INSERT INTO production (id, company_id, title, kind, created_at) VALUES "
             "('p1', 'co', 'One', 'fiction', 0), ('p2', 'co', 'Two', 'documentary', 0);");
    /* One hash for everyone: each costs 64 MiB and a fraction of a second. */
    assert_int_equal(auth_hash_password(PASSWORD, strlen(PASSWORD), hash), EP_OK);
    add_person("a-admin", "admin@t.fr", "m-admin", "p1", "production", SYNC_ROLE_ADMIN, hash);
    add_person("a-eco", "eco@t.fr", "m-eco", "p1", "production", SYNC_ROLE_ECO_REFERENT, hash);
    add_person("a-head", "head@t.fr", "m-head", "p1", "image", SYNC_ROLE_DEPT_HEAD, hash);
    add_person("a-crew", "crew@t.fr", "m-crew", "p1", "image", SYNC_ROLE_CREW, hash);
    add_person("a-crew", "crew@t.fr", "m-crew-p2", "p2", "son", SYNC_ROLE_VIEWER, hash);
    add_person("a-viewer", "viewer@t.fr", "m-viewer", "p1", "post", SYNC_ROLE_VIEWER, hash);
    add_person("a-other", "other@t.fr", "m-other", "p2", "production", SYNC_ROLE_ADMIN, hash);
    add_person("a-victim", "victim@t.fr", "m-victim", "p1", "son", SYNC_ROLE_CREW, hash);
    add_person(NULL, NULL, "m-p2crew", "p2", "son", SYNC_ROLE_CREW, hash);
    login("admin@t.fr", &s_admin);
    login("eco@t.fr", &s_eco);
    login("head@t.fr", &s_head);
    login("crew@t.fr", &s_crew);
    login("viewer@t.fr", &s_viewer);
    login("other@t.fr", &s_other);
    pair("m-crew", &ph_crew);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(tdb);
    support_server_stop(&srv);
    return 0;
}

/* ---- office login ----------------------------------------------------- */

static void login_sets_a_strict_cookie(void **state)
{
    struct support_resp r;
    char sc[256];
    json_t *j;
    (void)state;

    assert_int_equal(login_raw("CREW@t.fr", PASSWORD, &r), 200); /* email case-insensitive */
    assert_true(header_value(&r, "Set-Cookie", sc, sizeof(sc)));
    assert_non_null(strstr(sc, "HttpOnly"));
    assert_non_null(strstr(sc, "SameSite=Strict"));
    assert_non_null(strstr(sc, "Path=/"));
    assert_null(strstr(sc, "Secure")); /* plain http to 127.0.0.1 */
    j = support_resp_json(&r);
    /* One person, two productions, two roles. */
    assert_int_equal(json_array_size(json_object_get(j, "memberships")), 2);
    assert_int_equal(strlen(json_string_value(json_object_get(j, "csrf"))), 43);
    json_decref(j);
    support_resp_free(&r);

    /* Any other host: the cookie is HTTPS-only. */
    {
        const char *h[] = {"Host: ecoplateau.example.org", NULL};
        char u[256];
        snprintf(u, sizeof(u), "%s/api/v1/auth/login", srv.base);
        support_http("POST", u, h, "{\"email\":\"crew@t.fr\",\"password\":\"" PASSWORD "\"}", -1,
                     &r);
        assert_int_equal(r.status, 200);
        assert_true(header_value(&r, "Set-Cookie", sc, sizeof(sc)));
        assert_non_null(strstr(sc, "; Secure"));
        support_resp_free(&r);
    }

    req("GET", "/api/v1/auth/me", &s_crew, 0, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "account"), "id")),
                        "a-crew");
    json_decref(j);
    support_resp_free(&r);
    assert_true(audit_count("login.ok") >= 7);
}

static void login_refuses_bad_input(void **state)
{
    struct support_resp r;
    char big[6000], longpw[1200 + 64];
    long long sessions = q_int("SELECT count(*) FROM session");
    long long failed = audit_count("login.failed");
    (void)state;

    expect_error("POST", "/api/v1/auth/login", NULL, 0, NULL, "{\"email\":", 400, "malformed_json");
    expect_error("POST", "/api/v1/auth/login", NULL, 0, NULL, "[1]", 400, "malformed_json");
    req("POST", "/api/v1/auth/login", NULL, 0, NULL,
        "{\"email\":\"a@b.c\",\"password\":\"x\",\"admin\":true}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "admin");
    support_resp_free(&r);
    req("POST", "/api/v1/auth/login", NULL, 0, NULL, "{\"email\":\"a@b.c\",\"password\":7}", &r);
    support_assert_error(&r, 400, "invalid_request");
    support_resp_free(&r);
    req("POST", "/api/v1/auth/login", NULL, 0, NULL, "{\"email\":\"nope\",\"password\":\"x\"}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "email");
    support_resp_free(&r);
    memset(longpw, 'x', 1200);
    longpw[1200] = '\0';
    assert_int_equal(login_raw("crew@t.fr", longpw, &r), 400);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "password");
    support_resp_free(&r);
    memset(big, ' ', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[0] = '{';
    big[sizeof(big) - 2] = '}';
    expect_error("POST", "/api/v1/auth/login", NULL, 0, NULL, big, 413, "body_too_large");

    /* Wrong password and unknown email: the same answer, both audited. */
    assert_int_equal(login_raw("crew@t.fr", "wrong password", &r), 401);
    support_assert_error(&r, 401, "invalid_credentials");
    assert_null(strstr(r.headers, "Set-Cookie"));
    support_resp_free(&r);
    assert_int_equal(login_raw("ghost@t.fr", PASSWORD, &r), 401);
    support_assert_error(&r, 401, "invalid_credentials");
    support_resp_free(&r);
    assert_int_equal(audit_count("login.failed"), failed + 2);
    assert_int_equal(audit_count("login.malformed"), 2);
    assert_int_equal(q_int("SELECT count(*) FROM session"), sessions);
    /* A success resets the counter the failure left. */
    assert_int_equal(q_int("SELECT failed_count FROM account WHERE id = 'a-crew'"), 1);
    assert_int_equal(login_raw("crew@t.fr", PASSWORD, &r), 200);
    support_resp_free(&r);
    assert_int_equal(q_int("SELECT failed_count FROM account WHERE id = 'a-crew'"), 0);
}

static void brute_force_is_locked_out(void **state)
{
    struct support_resp r;
    long long until;
    (void)state;

    for (int i = 0; i < 3; i++) {
        assert_int_equal(login_raw("victim@t.fr", "guess", &r), 401);
        support_resp_free(&r);
    }
    /* The third failure locked the account (1 s); make that lock long enough
     * that a slow sanitized build cannot outrun it, then knock. */
    assert_true(q_int("SELECT locked_until FROM account WHERE id = 'a-victim'") > 0);
    exec_sql("UPDATE account SET locked_until = locked_until + 60000 WHERE id = 'a-victim'");
    /* Locked now: even the right password is not looked at. */
    assert_int_equal(login_raw("victim@t.fr", PASSWORD, &r), 429);
    support_assert_error(&r, 429, "too_many_attempts");
    support_resp_free(&r);
    assert_int_equal(login_raw("victim@t.fr", "guess", &r), 429);
    support_resp_free(&r);
    assert_int_equal(q_int("SELECT failed_count FROM account WHERE id = 'a-victim'"), 3);
    assert_true(audit_count("login.locked") >= 2);

    /* The delay doubles, but never beyond a minute, however many failures:
     * knowing an email must not be enough to keep its owner out (docs/security.md). */
    exec_sql("UPDATE account SET locked_until = 0, failed_count = 500 WHERE id = 'a-victim'");
    assert_int_equal(login_raw("victim@t.fr", "guess", &r), 401);
    support_resp_free(&r);
    until = q_int("SELECT locked_until FROM account WHERE id = 'a-victim'");
    assert_true(until - clock_now_ms() > 55 * 1000);
    assert_true(until - clock_now_ms() <= 60 * 1000);

    /* Once the lock has passed, the right password works and resets. */
    exec_sql("UPDATE account SET locked_until = 0 WHERE id = 'a-victim'");
    assert_int_equal(login_raw("victim@t.fr", PASSWORD, &r), 200);
    support_resp_free(&r);
    assert_int_equal(q_int("SELECT failed_count FROM account WHERE id = 'a-victim'"), 0);
}

static void hashing_is_capped(void **state)
{
    struct support_resp r;
    (void)state;

    assert_int_equal(auth_hash_acquire(srv.app.auth), EP_OK);
    assert_int_equal(auth_hash_acquire(srv.app.auth), EP_OK);
    assert_int_equal(auth_hash_acquire(srv.app.auth), EP_EBUSY);
    assert_int_equal(login_raw("crew@t.fr", PASSWORD, &r), 503);
    support_assert_error(&r, 503, "busy");
    support_resp_free(&r);
    /* Saturation is not a failure: the account is not penalised. */
    assert_int_equal(q_int("SELECT failed_count FROM account WHERE id = 'a-crew'"), 0);
    auth_hash_release(srv.app.auth);
    auth_hash_release(srv.app.auth);
    assert_int_equal(login_raw("crew@t.fr", PASSWORD, &r), 200);
    support_resp_free(&r);
}

static void csrf_is_required(void **state)
{
    long long invites = q_int("SELECT count(*) FROM invite");
    long long refused = audit_count("auth.refused");
    struct sess wrong = s_admin;
    (void)state;

    expect_error("POST", "/api/v1/productions/p1/invites", &s_admin, 0, NULL,
                 "{\"member_id\":\"m-crew\"}", 403, "csrf_missing");
    snprintf(wrong.csrf, sizeof(wrong.csrf), "X-EP-CSRF: %s", s_crew.csrf + 11);
    expect_error("POST", "/api/v1/productions/p1/invites", &wrong, 1, NULL,
                 "{\"member_id\":\"m-crew\"}", 403, "csrf_invalid");
    expect_error("DELETE", "/api/v1/productions/p1/members/m-viewer", &s_admin, 0, NULL, NULL, 403,
                 "csrf_missing");
    expect_error("POST", "/api/v1/auth/logout", &s_admin, 0, NULL, "", 403, "csrf_missing");
    assert_int_equal(q_int("SELECT count(*) FROM invite"), invites);
    assert_int_equal(q_int("SELECT count(*) FROM member WHERE id = 'm-viewer' "
                           "AND removed_at IS NULL"),
                     1);
    assert_int_equal(audit_count("auth.refused"), refused + 4);
}

static void forged_cookies_are_refused(void **state)
{
    struct sess forged;
    char huge[3000];
    long long sessions = q_int("SELECT count(*) FROM session");
    (void)state;

    expect_error("GET", "/api/v1/auth/me", NULL, 0, NULL, NULL, 401, "unauthenticated");
    snprintf(forged.cookie, sizeof(forged.cookie), "Cookie: ep_session=admin");
    expect_error("GET", "/api/v1/auth/me", &forged, 0, NULL, NULL, 401, "invalid_session");
    /* Well-formed but never issued. */
    snprintf(forged.cookie, sizeof(forged.cookie),
             "Cookie: ep_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect_error("GET", "/api/v1/productions/p1/members", &forged, 0, NULL, NULL, 401,
                 "invalid_session");
    memcpy(huge, "Cookie: ep_session=", 19);
    memset(huge + 19, 'A', sizeof(huge) - 20);
    huge[sizeof(huge) - 1] = '\0';
    expect_error("GET", "/api/v1/auth/me", NULL, 0, huge, NULL, 401, "invalid_session");
    /* A session token from another cookie name is not a session. */
    snprintf(forged.cookie, sizeof(forged.cookie), "Cookie: other=%s", s_admin.cookie + 19);
    expect_error("GET", "/api/v1/auth/me", &forged, 0, NULL, NULL, 401, "unauthenticated");
    /* An expired session is refused. */
    exec_sql("UPDATE session SET expires_at = 1 WHERE account_id = 'a-viewer'");
    expect_error("GET", "/api/v1/auth/me", &s_viewer, 0, NULL, NULL, 401, "invalid_session");
    login("viewer@t.fr", &s_viewer);
    assert_true(q_int("SELECT count(*) FROM session") >= sessions - 1);
}

/* ---- authorization matrix --------------------------------------------- */

/* One endpoint of the matrix. "{m}" in path is a member created for the row. */
struct endpoint {
    const char *method;
    const char *path;
    const char *body;
    enum authz_action action;
};

static const struct endpoint endpoints[] = {
    {"GET", "/api/v1/auth/me", NULL, AUTHZ_ME},
    {"GET", "/api/v1/productions/p1/members", NULL, AUTHZ_MEMBERS_READ},
    {"POST", "/api/v1/productions/p1/members",
     "{\"name\":\"Temp\",\"department\":\"son\",\"role\":\"crew\"}", AUTHZ_MEMBERS_WRITE},
    {"PUT", "/api/v1/productions/p1/members/{m}", "{\"level\":4}", AUTHZ_MEMBERS_WRITE},
    {"DELETE", "/api/v1/productions/p1/members/{m}", NULL, AUTHZ_MEMBERS_WRITE},
    {"POST", "/api/v1/productions/p1/invites", "{\"member_id\":\"{m}\"}", AUTHZ_INVITE},
    {"GET", "/api/v1/productions/p1/devices", NULL, AUTHZ_DEVICES_READ},
    {"POST", "/api/v1/productions/p1/devices/d-none/revoke", "", AUTHZ_DEVICES_REVOKE},
    {"GET", "/api/v1/productions/p1/key", NULL, AUTHZ_KEY_READ},
    {"GET", "/api/v1/productions/p1/audit", NULL, AUTHZ_AUDIT_READ},
};

/* Replaces "{m}" in text with member into out. */
static void fill(const char *text, const char *member, char *out, size_t len)
{
    const char *at = text != NULL ? strstr(text, "{m}") : NULL;
    if (text == NULL) {
        out[0] = '\0';
        return;
    }
    if (at == NULL)
        snprintf(out, len, "%s", text);
    else
        snprintf(out, len, "%.*s%s%s", (int)(at - text), text, member, at + 3);
}

static void role_endpoint_matrix(void **state)
{
    const struct sess *sessions[5] = {&s_admin, &s_eco, &s_head, &s_crew, &s_viewer};
    const char *names[5] = {"admin", "eco_referent", "dept_head", "crew", "viewer"};
    int checked = 0;
    (void)state;

    for (size_t e = 0; e < sizeof(endpoints) / sizeof(endpoints[0]); e++) {
        for (int role = 0; role < 5; role++) {
            const struct endpoint *ep = &endpoints[e];
            char member[32], path[256], body[256];
            struct support_resp r;
            int allowed = authz_endpoint(ep->action, (enum sync_role)role, 0) == EP_OK;
            long long members = q_int("SELECT count(*) FROM member");
            long long invites = q_int("SELECT count(*) FROM invite");
            long long removed = q_int("SELECT count(*) FROM member WHERE removed_at IS NOT NULL "
                                      "AND id LIKE 'm-t%'");

            /* A fresh target per cell, so an allowed write never hits the next. */
            snprintf(member, sizeof(member), "m-t%zu-%d", e, role);
            add_person(NULL, NULL, member, "p1", "son", SYNC_ROLE_CREW, "");
            members++;
            fill(ep->path, member, path, sizeof(path));
            fill(ep->body, member, body, sizeof(body));
            req(ep->method, path, sessions[role], 1, NULL, ep->body != NULL ? body : NULL, &r);
            if (allowed) {
                /* Past authorization: success, or 404 for the absent device. */
                if (r.status == 403 || r.status == 401)
                    fail_msg("%s %s as %s: want allowed, got %ld %s", ep->method, path, names[role],
                             r.status, r.body);
            } else {
                if (r.status != 403)
                    fail_msg("%s %s as %s: want 403, got %ld %s", ep->method, path, names[role],
                             r.status, r.body);
                support_assert_error(&r, 403, "forbidden");
                /* Refused means nothing changed. */
                assert_int_equal(q_int("SELECT count(*) FROM member WHERE removed_at IS NOT NULL "
                                       "AND id LIKE 'm-t%'"),
                                 removed);
                assert_int_equal(q_int("SELECT count(*) FROM member"), members);
                assert_int_equal(q_int("SELECT count(*) FROM invite"), invites);
            }
            support_resp_free(&r);
            checked++;
        }
    }
    assert_int_equal(checked, 50);
    assert_true(audit_count("auth.forbidden") >= 20);
}

static void phone_endpoint_matrix(void **state)
{
    int checked = 0;
    (void)state;

    /* The crew phone: crew rights, and never office administration. */
    for (size_t e = 0; e < sizeof(endpoints) / sizeof(endpoints[0]); e++) {
        const struct endpoint *ep = &endpoints[e];
        char path[256], body[256];
        struct support_resp r;
        int allowed = authz_endpoint(ep->action, SYNC_ROLE_CREW, 1) == EP_OK;

        fill(ep->path, "m-viewer", path, sizeof(path));
        fill(ep->body, "m-viewer", body, sizeof(body));
        signed_req(&ph_crew, ep->method, path, ep->body != NULL ? body : NULL, 0, T_NONE, NULL, &r);
        if (ep->action == AUTHZ_ME) {
            support_assert_error(&r, 400, "office_only");
        } else if (allowed) {
            if (r.status != 200)
                fail_msg("phone %s %s: %ld %s", ep->method, path, r.status, r.body);
        } else {
            if (r.status != 403)
                fail_msg("phone %s %s: want 403, got %ld %s", ep->method, path, r.status, r.body);
            support_assert_error(&r, 403, "forbidden");
        }
        support_resp_free(&r);
        checked++;
    }
    assert_int_equal(checked, 10);
    /* And with the office's administrator role, a phone still cannot administer. */
    assert_int_equal(authz_endpoint(AUTHZ_MEMBERS_WRITE, SYNC_ROLE_ADMIN, 1), EP_EFORBIDDEN);
}

static void cross_production_is_refused(void **state)
{
    struct support_resp r;
    long long removed = q_int("SELECT count(*) FROM member WHERE removed_at IS NOT NULL");
    (void)state;

    /* p1's admin is nobody on p2. */
    expect_error("GET", "/api/v1/productions/p2/members", &s_admin, 0, NULL, NULL, 403,
                 "not_a_member");
    expect_error("DELETE", "/api/v1/productions/p2/members/m-p2crew", &s_admin, 1, NULL, NULL, 403,
                 "not_a_member");
    /* Naming another production in the header than in the path. */
    expect_error("GET", "/api/v1/productions/p1/members", &s_admin, 0, "X-EP-Production: p2", NULL,
                 403, "cross_production");
    expect_error("GET", "/api/v1/productions/p1/members", &s_admin, 0,
                 "X-EP-Production: p1' OR 1=1", NULL, 400, "malformed_credentials");
    /* p2's admin reaches p1's member through p2's path: not found there. */
    expect_error("DELETE", "/api/v1/productions/p2/members/m-crew", &s_other, 1, NULL, NULL, 404,
                 "not_found");
    {
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/productions/p2/devices/%s/revoke", ph_crew.id);
        expect_error("POST", path, &s_other, 1, NULL, "", 404, "not_found");
        snprintf(path, sizeof(path), "{\"member_id\":\"m-crew\"}");
        expect_error("POST", "/api/v1/productions/p2/invites", &s_other, 1, NULL, path, 404,
                     "not_found");
    }
    /* A p1 phone asking for p2. */
    signed_req(&ph_crew, "GET", "/api/v1/productions/p2/key", NULL, 0, T_NONE, NULL, &r);
    support_assert_error(&r, 403, "cross_production");
    support_resp_free(&r);
    signed_req(&ph_crew, "GET", "/api/v1/productions/p1/members", NULL, 0, T_NONE,
               "X-EP-Production: p2", &r);
    support_assert_error(&r, 403, "cross_production");
    support_resp_free(&r);
    /* The crew account is viewer on p2: p2's view, not p1's rights. */
    req("GET", "/api/v1/productions/p2/members", &s_crew, 0, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    expect_error("POST", "/api/v1/productions/p2/members", &s_crew, 1, NULL,
                 "{\"name\":\"x\",\"department\":\"son\",\"role\":\"admin\"}", 403, "forbidden");
    assert_int_equal(q_int("SELECT count(*) FROM member WHERE removed_at IS NOT NULL"), removed);
    assert_int_equal(q_int("SELECT count(*) FROM device WHERE revoked_at IS NOT NULL AND "
                           "member_id = 'm-crew'"),
                     0);
}

/* ---- pairing and signatures ------------------------------------------- */

static void signing_string_is_exact(void **state)
{
    size_t n = 0;
    char *s = auth_signing_string("POST", "/api/v1/sync/push", "a=1", "d-1", "42", "{}", 2, &n);
    (void)state;
    /* SHA-256("{}") = 44136fa3...; base64url without padding. */
    assert_string_equal(s, "POST\n/api/v1/sync/push?a=1\nd-1\n42\n"
                           "RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o");
    assert_int_equal(n, strlen(s));
    free(s);
    s = auth_signing_string("GET", "/x", NULL, "d", "1", NULL, 0, &n);
    assert_string_equal(s, "GET\n/x\nd\n1\n47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
    free(s);
}

static void invites_are_one_time_and_expire(void **state)
{
    struct support_resp r;
    json_t *j;
    char code[64], body[256], pk[64];
    unsigned char pub[32], sec[64];
    long long devices;
    (void)state;

    req("POST", "/api/v1/productions/p1/invites", &s_admin, 1, NULL,
        "{\"member_id\":\"m-head\",\"ttl_minutes\":5}", &r);
    assert_int_equal(r.status, 201);
    j = support_resp_json(&r);
    snprintf(code, sizeof(code), "%s", json_string_value(json_object_get(j, "code")));
    assert_non_null(strstr(json_string_value(json_object_get(j, "link")), "/#pair="));
    assert_non_null(strstr(json_string_value(json_object_get(j, "qr_svg")), "<svg"));
    assert_non_null(strstr(json_string_value(json_object_get(j, "qr_svg")), "<path"));
    json_decref(j);
    support_resp_free(&r);
    /* Only the hash is stored. */
    {
        char sql[256];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM invite WHERE CAST(code_hash AS TEXT) = "
                 "'%s'",
                 code);
        assert_int_equal(q_int(sql), 0);
    }
    crypto_sign_keypair(pub, sec);
    b64(pub, 32, pk, sizeof(pk));
    snprintf(body, sizeof(body), "{\"code\":\"%s\",\"public_key\":\"%s\",\"name\":\"Fairphone\"}",
             code, pk);
    req("POST", "/api/v1/devices/pair", NULL, 0, NULL, body, &r);
    assert_int_equal(r.status, 201);
    j = support_resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "role")), "dept_head");
    assert_string_equal(json_string_value(json_object_get(j, "production_id")), "p1");
    assert_int_equal(
        strlen(json_string_value(json_object_get(json_object_get(j, "production_key"), "key_id"))),
        16);
    json_decref(j);
    support_resp_free(&r);
    devices = q_int("SELECT count(*) FROM device");

    /* Reused, even with another key. */
    crypto_sign_keypair(pub, sec);
    b64(pub, 32, pk, sizeof(pk));
    snprintf(body, sizeof(body), "{\"code\":\"%s\",\"public_key\":\"%s\",\"name\":\"Other\"}", code,
             pk);
    expect_error("POST", "/api/v1/devices/pair", NULL, 0, NULL, body, 401, "invite_used");

    /* Expired. */
    req("POST", "/api/v1/productions/p1/invites", &s_admin, 1, NULL,
        "{\"member_id\":\"m-head\",\"ttl_minutes\":1}", &r);
    j = support_resp_json(&r);
    snprintf(code, sizeof(code), "%s", json_string_value(json_object_get(j, "code")));
    json_decref(j);
    support_resp_free(&r);
    exec_sql("UPDATE invite SET expires_at = 1000 WHERE used_at IS NULL");
    snprintf(body, sizeof(body), "{\"code\":\"%s\",\"public_key\":\"%s\",\"name\":\"Other\"}", code,
             pk);
    expect_error("POST", "/api/v1/devices/pair", NULL, 0, NULL, body, 401, "invite_expired");

    /* Unknown, malformed, bad key, unknown field, bad ttl. */
    snprintf(body, sizeof(body),
             "{\"code\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"public_key\":\"%s\","
             "\"name\":\"x\"}",
             pk);
    expect_error("POST", "/api/v1/devices/pair", NULL, 0, NULL, body, 401, "invite_unknown");
    snprintf(body, sizeof(body), "{\"code\":\"short\",\"public_key\":\"%s\",\"name\":\"x\"}", pk);
    expect_error("POST", "/api/v1/devices/pair", NULL, 0, NULL, body, 400, "malformed_credentials");
    snprintf(body, sizeof(body),
             "{\"code\":\"%s\",\"public_key\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
             "\"name\":\"x\"}",
             code);
    expect_error("POST", "/api/v1/devices/pair", NULL, 0, NULL, body, 400, "invalid_request");
    expect_error("POST", "/api/v1/devices/pair", NULL, 0, NULL,
                 "{\"code\":\"x\",\"public_key\":\"y\",\"name\":\"z\",\"role\":\"admin\"}", 400,
                 "invalid_request");
    expect_error("POST", "/api/v1/productions/p1/invites", &s_admin, 1, NULL,
                 "{\"member_id\":\"m-head\",\"ttl_minutes\":0}", 400, "invalid_request");
    expect_error("POST", "/api/v1/productions/p1/invites", &s_admin, 1, NULL,
                 "{\"member_id\":\"m-nobody\"}", 404, "not_found");
    assert_int_equal(q_int("SELECT count(*) FROM device"), devices);
    assert_true(audit_count("pair.refused") >= 4);
    assert_true(audit_count("device.paired") >= 2);
}

/*
 * A phone's request must not queue behind a push for its bookkeeping: with
 * the server's write lock held (a long group commit), a signed pull is
 * answered, its replay is refused from memory, and the office's device list
 * shows both the counter and the sync once the lock is free.
 */
static void counters_do_not_wait_for_the_writer(void **state)
{
    struct phone ph;
    struct support_resp r;
    char sql[256];
    struct db *db;
    json_t *j, *d;
    size_t i;
    int found = 0;
    (void)state;

    pair("m-head", &ph);
    db = dbpool_get(srv.app.pool, 1000);
    assert_non_null(db);
    auth_store_devices(srv.app.auth, db); /* nothing older pending */
    dbpool_put(srv.app.pool, db);
    snprintf(sql, sizeof(sql), "SELECT counter FROM device WHERE id = '%s'", ph.id);
    pthread_mutex_lock(&srv.app.write_lock);
    signed_req(&ph, "GET", "/api/v1/sync/pull?schema=1", NULL, 7, T_NONE, NULL, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    signed_req(&ph, "GET", "/api/v1/sync/pull?schema=1", NULL, 7, T_NONE, NULL, &r);
    support_assert_error(&r, 401, "replayed_request");
    support_resp_free(&r);
    assert_true(q_int(sql) < 7); /* held in memory: the writer was busy */
    pthread_mutex_unlock(&srv.app.write_lock);
    req("GET", "/api/v1/productions/p1/devices", &s_admin, 0, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    json_array_foreach(json_object_get(j, "devices"), i, d)
    {
        if (strcmp(json_string_value(json_object_get(d, "id")), ph.id) == 0) {
            assert_true(json_is_integer(json_object_get(d, "last_sync_at")));
            found = 1;
        }
    }
    assert_true(found);
    json_decref(j);
    support_resp_free(&r);
    assert_int_equal(q_int(sql), 7);
}

static void signatures_replays_and_tampering(void **state)
{
    struct phone ph;
    struct support_resp r;
    long long counter;
    const char *body = "{\"member_id\":\"m-viewer\"}";
    (void)state;

    pair("m-head", &ph);
    signed_req(&ph, "GET", "/api/v1/productions/p1/key", NULL, 5, T_NONE, NULL, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    /* The same request again: a replay. So is an older counter. */
    signed_req(&ph, "GET", "/api/v1/productions/p1/key", NULL, 5, T_NONE, NULL, &r);
    support_assert_error(&r, 401, "replayed_request");
    support_resp_free(&r);
    signed_req(&ph, "GET", "/api/v1/productions/p1/key", NULL, 4, T_NONE, NULL, &r);
    support_assert_error(&r, 401, "replayed_request");
    support_resp_free(&r);
    /* Query strings are signed too. */
    signed_req(&ph, "GET", "/api/v1/productions/p1/members?x=1", NULL, 6, T_NONE, NULL, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);

    /* Tampering: another path, body, counter, key; a malformed signature.
     * None of them consumes a counter. */
    signed_req(&ph, "GET", "/api/v1/productions/p1/key", NULL, 1000, T_PATH, NULL, &r);
    support_assert_error(&r, 401, "bad_signature");
    support_resp_free(&r);
    signed_req(&ph, "POST", "/api/v1/productions/p1/invites", body, 1001, T_BODY, NULL, &r);
    support_assert_error(&r, 401, "bad_signature");
    support_resp_free(&r);
    signed_req(&ph, "GET", "/api/v1/productions/p1/key", NULL, 1002, T_COUNTER, NULL, &r);
    support_assert_error(&r, 401, "bad_signature");
    support_resp_free(&r);
    signed_req(&ph, "GET", "/api/v1/productions/p1/key", NULL, 1003, T_KEY, NULL, &r);
    support_assert_error(&r, 401, "bad_signature");
    support_resp_free(&r);
    signed_req(&ph, "GET", "/api/v1/productions/p1/key", NULL, 1004, T_SIG_SYNTAX, NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "malformed_credentials"), "X-EP-Signature");
    support_resp_free(&r);
    {
        char sql[256];
        struct db *pdb = dbpool_get(srv.app.pool, 1000);
        auth_store_devices(srv.app.auth, pdb); /* counters are written about once a second */
        dbpool_put(srv.app.pool, pdb);
        snprintf(sql, sizeof(sql), "SELECT counter FROM device WHERE id = '%s'", ph.id);
        counter = q_int(sql);
        assert_int_equal(counter, 6);
    }
    /* The untampered body passes authentication (then authz: office only). */
    signed_req(&ph, "POST", "/api/v1/productions/p1/invites", body, 7, T_NONE, NULL, &r);
    support_assert_error(&r, 403, "forbidden");
    support_resp_free(&r);

    /* Malformed counters and unknown devices. */
    {
        const char *h1[] = {"X-EP-Device: d-nope", "X-EP-Counter: 1",
                            "X-EP-Signature: "
                            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                            "AAAAAAAAAAAAAAAA",
                            NULL};
        const char *h2[] = {"X-EP-Device: d-nope", "X-EP-Counter: 007", NULL};
        const char *h3[] = {"X-EP-Device: d-nope", "X-EP-Counter: 99999999999999999", NULL};
        const char *h4[] = {"X-EP-Device: ../../etc", NULL};
        char u[256];
        snprintf(u, sizeof(u), "%s/api/v1/productions/p1/key", srv.base);
        support_http("GET", u, h1, NULL, 0, &r);
        support_assert_error(&r, 401, "unknown_device");
        support_resp_free(&r);
        support_http("GET", u, h2, NULL, 0, &r);
        assert_string_equal(support_assert_error(&r, 400, "malformed_credentials"), "X-EP-Counter");
        support_resp_free(&r);
        support_http("GET", u, h3, NULL, 0, &r);
        support_assert_error(&r, 400, "malformed_credentials");
        support_resp_free(&r);
        support_http("GET", u, h4, NULL, 0, &r);
        assert_string_equal(support_assert_error(&r, 400, "malformed_credentials"), "X-EP-Device");
        support_resp_free(&r);
    }

    /* Revoked: the office sees the device, revokes it, and it is refused. */
    req("GET", "/api/v1/productions/p1/devices", &s_admin, 0, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, ph.id));
    support_resp_free(&r);
    {
        char path[160];
        snprintf(path, sizeof(path), "/api/v1/productions/p1/devices/%s/revoke", ph.id);
        req("POST", path, &s_admin, 1, NULL, "", &r);
        assert_int_equal(r.status, 200);
        support_resp_free(&r);
        expect_error("POST", path, &s_admin, 1, NULL, "", 404, "not_found");
    }
    signed_req(&ph, "GET", "/api/v1/productions/p1/key", NULL, 50, T_NONE, NULL, &r);
    support_assert_error(&r, 403, "device_revoked");
    support_resp_free(&r);
    assert_true(audit_count("device.revoked") >= 1);
}

static void removing_a_member_stops_their_phone(void **state)
{
    struct phone ph;
    struct support_resp r;
    json_t *j;
    char path[160], mid[65];
    (void)state;

    req("POST", "/api/v1/productions/p1/members", &s_admin, 1, NULL,
        "{\"name\":\"Temp crew\",\"department\":\"catering\",\"role\":\"crew\",\"level\":4}", &r);
    assert_int_equal(r.status, 201);
    j = support_resp_json(&r);
    snprintf(mid, sizeof(mid), "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    support_resp_free(&r);
    pair(mid, &ph);
    signed_req(&ph, "GET", "/api/v1/productions/p1/key", NULL, 0, T_NONE, NULL, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    /* Promote (audited as a role change), then remove. */
    snprintf(path, sizeof(path), "/api/v1/productions/p1/members/%s", mid);
    req("PUT", path, &s_admin, 1, NULL, "{\"role\":\"dept_head\"}", &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    assert_true(audit_count("member.role_changed") >= 1);
    expect_error("PUT", path, &s_admin, 1, NULL, "{\"role\":\"god\"}", 400, "invalid_request");
    expect_error("PUT", path, &s_admin, 1, NULL, "{\"level\":12}", 400, "invalid_request");
    req("DELETE", path, &s_admin, 1, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    signed_req(&ph, "GET", "/api/v1/productions/p1/key", NULL, 0, T_NONE, NULL, &r);
    support_assert_error(&r, 403, "device_revoked");
    support_resp_free(&r);
    expect_error("DELETE", path, &s_admin, 1, NULL, NULL, 404, "not_found");
}

static void the_last_admin_stays(void **state)
{
    (void)state;
    expect_error("PUT", "/api/v1/productions/p2/members/m-other", &s_other, 1, NULL,
                 "{\"role\":\"viewer\"}", 409, "last_admin");
    expect_error("DELETE", "/api/v1/productions/p2/members/m-other", &s_other, 1, NULL, NULL, 409,
                 "last_admin");
    assert_int_equal(q_int("SELECT count(*) FROM member WHERE id = 'm-other' AND role = 'admin' "
                           "AND removed_at IS NULL"),
                     1);
}

/* The join token of a POST members answer's join_link ("#join=T&lang=L"). */
static void join_token_of(struct support_resp *r, char *token, size_t len)
{
    json_t *j = support_resp_json(r);
    const char *link = json_string_value(json_object_get(j, "join_link"));

    assert_non_null(link);
    assert_non_null(strstr(link, "/#join="));
    link = strstr(link, "#join=") + 6;
    snprintf(token, len, "%.*s", (int)strcspn(link, "&"), link);
    json_decref(j);
}

static void members_with_accounts(void **state)
{
    struct support_resp r;
    json_t *j;
    char token[64], body[512];
    (void)state;

    /* Anyone added by email is invited: nobody types a password for them. */
    expect_error("POST", "/api/v1/productions/p1/members", &s_admin, 1, NULL,
                 "{\"name\":\"W\",\"department\":\"regie\",\"role\":\"crew\","
                 "\"email\":\"weak@t.fr\",\"password\":\"a long enough password\"}",
                 400, "invalid_request");
    req("POST", "/api/v1/productions/p1/members", &s_admin, 1, NULL,
        "{\"name\":\"Régisseuse\",\"department\":\"regie\",\"role\":\"dept_head\","
        "\"email\":\"regie@t.fr\"}",
        &r);
    assert_int_equal(r.status, 201);
    join_token_of(&r, token, sizeof(token));
    support_resp_free(&r);
    /* docs/security.md: the new account's password has at least 12
     * characters and is not a common one, however dressed up. Each answer
     * names the field and spends nothing. */
    {
        static const char *const weak[] = {
            "password",         "12345678",       "short pass",
            "aaaaaaaaaaaaaaaa", "123412341234",   "Password2024!",
            "passwordpassword", "!!sunshine1234", "winniethepooh",
        };
        for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
            snprintf(body, sizeof(body), "{\"token\":\"%s\",\"password\":\"%s\"}", token, weak[i]);
            req("POST", "/api/v1/auth/join", NULL, 0, NULL, body, &r);
            if (r.status != 400 || strstr(r.body, "\"weak_password\"") == NULL ||
                strstr(r.body, "\"field\":\"password\"") == NULL)
                fail_msg("password '%s' answered %ld %s", weak[i], r.status, r.body);
            support_resp_free(&r);
        }
    }
    assert_int_equal(q_int("SELECT count(*) FROM account WHERE email = 'regie@t.fr'"), 0);
    /* A good password opens the account (named as the office wrote it), signed in. */
    snprintf(body, sizeof(body), "{\"token\":\"%s\",\"password\":\"a long enough password\"}",
             token);
    req("POST", "/api/v1/auth/join", NULL, 0, NULL, body, &r);
    if (r.status != 201)
        fail_msg("join: %ld %s", r.status, r.body);
    assert_non_null(strstr(r.body, "Régisseuse"));
    support_resp_free(&r);
    assert_int_equal(login_raw("regie@t.fr", "a long enough password", &r), 200);
    support_resp_free(&r);
    /* An address that has an account is invited the same way; it joins
     * only with that account's password; twice is a conflict. */
    req("POST", "/api/v1/productions/p2/members", &s_other, 1, NULL,
        "{\"name\":\"Head\",\"department\":\"image\",\"role\":\"crew\",\"email\":\"head@t.fr\"}",
        &r);
    assert_int_equal(r.status, 201);
    join_token_of(&r, token, sizeof(token));
    support_resp_free(&r);
    expect_error("POST", "/api/v1/productions/p2/members", &s_other, 1, NULL,
                 "{\"name\":\"Head\",\"department\":\"image\",\"role\":\"crew\","
                 "\"email\":\"HEAD@t.fr\"}",
                 409, "already_invited");
    assert_int_equal(q_int("SELECT count(*) FROM member WHERE production_id = 'p2' AND "
                           "account_id = 'a-head'"),
                     0);
    snprintf(body, sizeof(body), "{\"token\":\"%s\",\"password\":\"%s\"}", token, PASSWORD);
    req("POST", "/api/v1/auth/join", NULL, 0, NULL, body, &r);
    if (r.status != 201)
        fail_msg("join as head: %ld %s", r.status, r.body);
    assert_non_null(strstr(r.headers, "ep_session="));
    j = support_resp_json(&r);
    assert_int_equal(json_array_size(json_object_get(j, "memberships")), 2);
    json_decref(j);
    support_resp_free(&r);
    expect_error("POST", "/api/v1/auth/join", NULL, 0, NULL, body, 403, "join_token_used");
    /* An expired link and a removed member's link are refused, nothing written. */
    req("POST", "/api/v1/productions/p2/members", &s_other, 1, NULL,
        "{\"name\":\"Late\",\"department\":\"image\",\"role\":\"crew\","
        "\"email\":\"late@t.fr\"}",
        &r);
    assert_int_equal(r.status, 201);
    join_token_of(&r, token, sizeof(token));
    support_resp_free(&r);
    exec_sql("UPDATE account_invite SET expires_at = 1 WHERE email = 'late@t.fr'");
    snprintf(body, sizeof(body), "{\"token\":\"%s\",\"password\":\"a long enough password\"}",
             token);
    expect_error("POST", "/api/v1/auth/join", NULL, 0, NULL, body, 403, "join_token_expired");
    exec_sql("UPDATE account_invite SET expires_at = 9999999999999 WHERE email = 'late@t.fr'");
    exec_sql("UPDATE member SET removed_at = 1 WHERE name = 'Late'");
    expect_error("POST", "/api/v1/auth/join", NULL, 0, NULL, body, 403, "join_member_removed");
    assert_int_equal(q_int("SELECT count(*) FROM account WHERE email = 'late@t.fr'"), 0);
    /* A member of this production already has that address. */
    expect_error("POST", "/api/v1/productions/p2/members", &s_other, 1, NULL,
                 "{\"name\":\"Head\",\"department\":\"image\",\"role\":\"crew\","
                 "\"email\":\"head@t.fr\"}",
                 409, "already_member");
    /* Once removed, the same person can be invited again and joins with
     * their account: the removed row stays for the history. */
    exec_sql("UPDATE member SET removed_at = 2 WHERE production_id = 'p2' AND "
             "account_id = 'a-head'");
    req("POST", "/api/v1/productions/p2/members", &s_other, 1, NULL,
        "{\"name\":\"Head again\",\"department\":\"image\",\"role\":\"crew\","
        "\"email\":\"head@t.fr\"}",
        &r);
    assert_int_equal(r.status, 201);
    join_token_of(&r, token, sizeof(token));
    support_resp_free(&r);
    snprintf(body, sizeof(body), "{\"token\":\"%s\",\"password\":\"%s\"}", token, PASSWORD);
    req("POST", "/api/v1/auth/join", NULL, 0, NULL, body, &r);
    if (r.status != 201)
        fail_msg("rejoin after removal: %ld %s", r.status, r.body);
    support_resp_free(&r);
    assert_int_equal(q_int("SELECT count(*) FROM member WHERE production_id = 'p2' AND "
                           "account_id = 'a-head'"),
                     2);
    assert_int_equal(q_int("SELECT count(*) FROM member WHERE production_id = 'p2' AND "
                           "account_id = 'a-head' AND removed_at IS NULL"),
                     1);
    expect_error("POST", "/api/v1/productions/p2/members", &s_other, 1, NULL,
                 "{\"name\":\"New\",\"department\":\"image\",\"role\":\"crew\","
                 "\"email\":\"not-an-address\"}",
                 400, "invalid_request");
    expect_error("POST", "/api/v1/productions/p2/members", &s_other, 1, NULL,
                 "{\"name\":\"New\",\"department\":\"bad dept!\",\"role\":\"crew\"}", 400,
                 "invalid_request");
    /* Only administrators see email addresses. */
    req("GET", "/api/v1/productions/p1/members", &s_viewer, 0, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "@t.fr"));
    support_resp_free(&r);
    req("GET", "/api/v1/productions/p1/members", &s_admin, 0, NULL, NULL, &r);
    assert_non_null(strstr(r.body, "admin@t.fr"));
    support_resp_free(&r);
    /* The audit log: p1's events only; neither p2's nor its members'
     * account-level events (logins, from where, when). */
    req("GET", "/api/v1/productions/p1/audit?limit=500", &s_admin, 0, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_true(json_array_size(json_object_get(j, "events")) > 10);
    json_decref(j);
    assert_null(strstr(r.body, "login.failed"));
    assert_null(strstr(r.body, "login.ok"));
    assert_null(strstr(r.body, "\"production_id\":\"p2\""));
    support_resp_free(&r);
    expect_error("GET", "/api/v1/productions/p1/audit?limit=0", &s_admin, 0, NULL, NULL, 400,
                 "invalid_request");
}

static void logout_ends_the_session(void **state)
{
    struct sess s;
    struct support_resp r;
    char sc[256];
    (void)state;

    login("eco@t.fr", &s);
    req("POST", "/api/v1/auth/logout", &s, 1, NULL, "", &r);
    assert_int_equal(r.status, 200);
    assert_true(header_value(&r, "Set-Cookie", sc, sizeof(sc)));
    assert_non_null(strstr(sc, "Max-Age=0"));
    support_resp_free(&r);
    expect_error("GET", "/api/v1/auth/me", &s, 0, NULL, NULL, 401, "invalid_session");
}

/* ---- production key and server key ------------------------------------ */

static void production_key_signs(void **state)
{
    struct identity_prodkey k;
    unsigned char sig[64];
    char key_id[17];
    static const unsigned char msg[] = "Communiqué: -32% de CO2";
    struct support_resp r;
    json_t *j;
    char pk[64];
    (void)state;

    assert_int_equal(auth_production_sign(srv.app.auth, tdb, "p1", msg, sizeof(msg), sig, key_id),
                     EP_OK);
    assert_int_equal(identity_prodkey_get(tdb, "p1", &k), EP_OK);
    assert_string_equal(key_id, k.key_id);
    assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof(msg), k.public_key), 0);
    /* Phones get the same public key. */
    req("GET", "/api/v1/productions/p1/key", &s_viewer, 0, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    b64(k.public_key, 32, pk, sizeof(pk));
    assert_string_equal(json_string_value(json_object_get(j, "public_key")), pk);
    assert_string_equal(json_string_value(json_object_get(j, "key_id")), k.key_id);
    json_decref(j);
    support_resp_free(&r);
    /* The secret is sealed: the public key does not appear in the sealed blob. */
    assert_int_equal(k.sealed_len, 24 + 16 + 64);
    assert_int_equal(
        auth_production_sign(srv.app.auth, tdb, "p-none", msg, sizeof(msg), sig, key_id),
        EP_ENOTFOUND);
}

static void server_key_file_rules(void **state)
{
    char dir[256], path[300];
    struct ep_error err = {0};
    struct config cfg;
    struct auth *a = NULL, *b = NULL;
    struct stat st;
    FILE *f;
    struct identity_prodkey k;
    unsigned char sig[64];
    char kid[17];
    (void)state;

    support_tmpdir(dir);
    exec_sql("INSERT INTO production (id, company_id, title, kind, created_at) VALUES "
             "('p3', 'co', 'Three', 'fiction', 0)");
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof(cfg.data_dir), "%s", dir);
    /* Created on first start, 0600, 32 bytes. */
    assert_int_equal(auth_new(&cfg, &a, &err), EP_OK);
    snprintf(path, sizeof(path), "%s/secret.key", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 32);
    /* Read back on the next start. */
    assert_int_equal(auth_new(&cfg, &b, &err), EP_OK);
    auth_free(b);
    b = NULL;
    /* Too open: refused with a clear message. */
    chmod(path, 0644);
    assert_int_equal(auth_new(&cfg, &b, &err), EP_EFORBIDDEN);
    assert_non_null(strstr(err.message, "chmod 600"));
    assert_non_null(strstr(err.message, path));
    assert_null(b);
    /* Wrong size, and an explicit file elsewhere. */
    snprintf(cfg.secret_key_file, sizeof(cfg.secret_key_file), "%s/other.key", dir);
    f = fopen(cfg.secret_key_file, "w");
    fputs("short", f);
    fclose(f);
    chmod(cfg.secret_key_file, 0600);
    assert_int_equal(auth_new(&cfg, &b, &err), EP_EINVAL);
    assert_non_null(strstr(err.message, "32 bytes"));
    chmod(cfg.secret_key_file, 0);
    if (geteuid() != 0) { /* root reads anything */
        assert_int_equal(auth_new(&cfg, &b, &err), EP_EIO);
    }
    /* A production key sealed by another server key does not open. */
    snprintf(cfg.secret_key_file, sizeof(cfg.secret_key_file), "%s/third.key", dir);
    assert_int_equal(auth_new(&cfg, &b, &err), EP_OK);
    assert_int_equal(auth_production_key(a, tdb, "p3", &k), EP_OK);
    assert_int_equal(auth_production_sign(b, tdb, "p3", (const unsigned char *)"x", 1, sig, kid),
                     EP_ECORRUPT);
    assert_int_equal(auth_production_sign(a, tdb, "p3", (const unsigned char *)"x", 1, sig, kid),
                     EP_OK);
    auth_free(a);
    auth_free(b);
    support_rmtree(dir);
}

/* ---- demo seed -------------------------------------------------------- */

static void demo_seed_people(void **state)
{
    struct support_server d;
    struct ep_error err = {0};
    struct support_resp r;
    struct phone ph;
    unsigned char seed[32];
    json_t *j;
    (void)state;

    /* support_server_start without --demo: start this one by hand. */
    memset(&d, 0, sizeof(d));
    support_tmpdir(d.dir);
    config_defaults(&d.cfg);
    d.cfg.port = 0;
    d.cfg.threads = 2;
    d.cfg.demo = 1;
    d.cfg.log_level = LOG_LEVEL_ERROR;
    snprintf(d.cfg.data_dir, sizeof(d.cfg.data_dir), "%s/data", d.dir);
    snprintf(d.cfg.pwa_dir, sizeof(d.cfg.pwa_dir), "%s/pwa", EP_SOURCE_DIR);
    assert_int_equal(cmd_prepare(&d.app, &d.cfg), EP_OK);
    if (server_start(&d.app, &err) != EP_OK)
        fail_msg("demo server: %s", err.message);
    {
        char u[128], saved[64];
        snprintf(saved, sizeof(saved), "%s", srv.base);
        snprintf(d.base, sizeof(d.base), "http://127.0.0.1:%d", d.app.port);
        /* Point the helpers at the demo server for a moment. */
        snprintf(srv.base, sizeof(srv.base), "%s", d.base);
        snprintf(u, sizeof(u), "{\"email\":\"%s\",\"password\":\"%s\"}", SEED_DEMO_LOGIN,
                 SEED_DEMO_PASSWORD);
        req("POST", "/api/v1/auth/login", NULL, 0, NULL, u, &r);
        assert_int_equal(r.status, 200);
        j = support_resp_json(&r);
        assert_string_equal(json_string_value(json_object_get(
                                json_array_get(json_object_get(j, "memberships"), 0), "role")),
                            "admin");
        json_decref(j);
        support_resp_free(&r);
        /* The demo phones sign with keys derived from their ids. */
        memset(&ph, 0, sizeof(ph));
        snprintf(ph.id, sizeof(ph.id), "d-demo-nour");
        seed_device_seed(ph.id, seed);
        crypto_sign_seed_keypair(ph.pk, ph.sk, seed);
        signed_req(&ph, "GET", "/api/v1/productions/p-loue-2026/members", NULL, 0, T_NONE, NULL,
                   &r);
        assert_int_equal(r.status, 200);
        j = support_resp_json(&r);
        assert_true(json_array_size(json_object_get(j, "members")) >= 12);
        json_decref(j);
        support_resp_free(&r);
        snprintf(srv.base, sizeof(srv.base), "%s", saved);
    }
    server_stop(&d.app);
    support_rmtree(d.dir);
}

/* ---- the sync hooks through the real push and pull -------------------- */

static json_t *push_ops(struct phone *ph, const char *ops, long expect_status)
{
    struct support_resp r;
    char body[4096];
    json_t *j, *res;

    snprintf(body, sizeof(body), "{\"schema\":1,\"device\":\"%s\",\"ops\":[%s]}", ph->id, ops);
    signed_req(ph, "POST", "/api/v1/sync/push", body, 0, T_NONE, NULL, &r);
    if (r.status != expect_status)
        fail_msg("push: want %ld, got %ld %s", expect_status, r.status, r.body);
    if (expect_status != 200) {
        support_resp_free(&r);
        return NULL;
    }
    j = support_resp_json(&r);
    res = json_incref(json_object_get(j, "results"));
    json_decref(j);
    support_resp_free(&r);
    return res;
}

static const char *result_status(json_t *res, size_t i)
{
    return json_string_value(json_object_get(json_array_get(res, i), "status"));
}

static void sync_ops_are_authorized(void **state)
{
    struct phone viewer;
    char ops[3000], hlc[32];
    json_t *res;
    struct support_resp r;
    long long now = (long long)clock_now_ms();
    (void)state;

    snprintf(hlc, sizeof(hlc), "%012llx-0000", now);
    /* The crew phone is m-crew, department image. */
    snprintf(ops, sizeof(ops),
             "{\"op\":\"o-1\",\"col\":\"readings\",\"id\":\"r-1\",\"kind\":\"add\",\"hlc\":\"%s\","
             "\"dev\":\"%s\",\"fields\":{\"indicator\":\"grid_kwh\",\"value\":3,\"dept\":\"image\","
             "\"at\":\"2026-09-08\"}},"
             "{\"op\":\"o-2\",\"col\":\"readings\",\"id\":\"r-2\",\"kind\":\"add\",\"hlc\":\"%s\","
             "\"dev\":\"%s\",\"fields\":{\"indicator\":\"grid_kwh\",\"value\":3,\"dept\":\"son\","
             "\"at\":\"2026-09-08\"}},"
             "{\"op\":\"o-3\",\"col\":\"actions\",\"id\":\"a-1\",\"kind\":\"put\",\"hlc\":\"%s\","
             "\"dev\":\"%s\",\"fields\":{\"title\":\"LED\",\"dept\":\"image\"}},"
             "{\"op\":\"o-4\",\"col\":\"questions\",\"id\":\"q-1\",\"kind\":\"add\",\"hlc\":\"%s\","
             "\"dev\":\"%s\",\"fields\":{\"text\":\"Gourdes ?\",\"member\":\"m-crew\"}}",
             hlc, ph_crew.id, hlc, ph_crew.id, hlc, ph_crew.id, hlc, ph_crew.id);
    res = push_ops(&ph_crew, ops, 200);
    if (strcmp(result_status(res, 0), "applied") != 0) {
        char *dump = json_dumps(res, JSON_COMPACT);
        fail_msg("push results: %s", dump);
    }
    assert_string_equal(result_status(res, 1), "rejected");
    assert_string_equal(result_status(res, 2), "rejected");
    assert_string_equal(result_status(res, 3), "applied");
    assert_string_equal(json_string_value(json_object_get(json_array_get(res, 1), "code")),
                        "forbidden");
    json_decref(res);
    assert_int_equal(q_int("SELECT count(*) FROM sync_op WHERE op_id IN ('o-2', 'o-3')"), 0);
    assert_true(audit_count("sync.refused") >= 2);

    /* A viewer's phone may pull but not push. */
    pair("m-viewer", &viewer);
    push_ops(&viewer, "", 403);
    signed_req(&viewer, "GET", "/api/v1/sync/pull?schema=1", NULL, 0, T_NONE, NULL, &r);
    assert_int_equal(r.status, 200);
    /* The crew's reading, not the crew's private question. */
    assert_non_null(strstr(r.body, "\"o-1\""));
    assert_null(strstr(r.body, "Gourdes"));
    support_resp_free(&r);
    signed_req(&ph_crew, "GET", "/api/v1/sync/pull?schema=1", NULL, 0, T_NONE, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Gourdes"));
    support_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(login_sets_a_strict_cookie),
        cmocka_unit_test(login_refuses_bad_input),
        cmocka_unit_test(brute_force_is_locked_out),
        cmocka_unit_test(hashing_is_capped),
        cmocka_unit_test(csrf_is_required),
        cmocka_unit_test(forged_cookies_are_refused),
        cmocka_unit_test(role_endpoint_matrix),
        cmocka_unit_test(phone_endpoint_matrix),
        cmocka_unit_test(cross_production_is_refused),
        cmocka_unit_test(signing_string_is_exact),
        cmocka_unit_test(invites_are_one_time_and_expire),
        cmocka_unit_test(signatures_replays_and_tampering),
        cmocka_unit_test(counters_do_not_wait_for_the_writer),
        cmocka_unit_test(removing_a_member_stops_their_phone),
        cmocka_unit_test(the_last_admin_stays),
        cmocka_unit_test(members_with_accounts),
        cmocka_unit_test(logout_ends_the_session),
        cmocka_unit_test(production_key_signs),
        cmocka_unit_test(server_key_file_rules),
        cmocka_unit_test(sync_ops_are_authorized),
        cmocka_unit_test(demo_seed_people),
    };
    int rc;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
