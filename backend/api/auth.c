/*
 * api_auth.c - identity routes: login, logout, me, members, invites, device
 * pairing and revocation, the production public key, the audit log.
 * Each handler authenticates (auth.h), checks the action (authz.h), then
 * calls identity storage; the rules live in those modules, not here.
 */
#include "api.h"
#include "app.h"
#include "clock.h"
#include "jsonin.h"

#include "auth.h"
#include "authz.h"
#include "commstore.h"
#include "company.h"
#include "db.h"
#include "err.h"
#include "identity.h"
#include "ids.h"
#include "log.h"
#include "mail.h"
#include "outbox.h"
#include "production.h"
#include "server.h"

#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LOGIN_BODY_MAX 4096 /* credentials are small: refuse big bodies before parsing */
#define SMALL_BODY_MAX 16384
#define INVITE_TTL_DEFAULT_MIN (24 * 60)
#define INVITE_TTL_MAX_MIN (7 * 24 * 60)
#define B64_NOPAD sodium_base64_VARIANT_URLSAFE_NO_PADDING

/* ---- helpers ---------------------------------------------------------- */

/* Reads the body (capped) for a state-changing request. */
static int read_body(struct http_req *r, size_t cap, char **body, size_t *len)
{
    return http_read_body(r, cap, body, len);
}

/* Parses body as a JSON object. Returns 0 or the status of the error sent. */
static int parse_object(struct http_req *r, const char *body, size_t len, json_t **out)
{
    json_error_t err;
    json_t *root = jsonin_loadb(body, len, JSON_REJECT_DUPLICATES, &err);

    *out = NULL;
    if (root == NULL)
        return http_error(r, 400, "malformed_json", NULL, "malformed JSON at line %d column %d: %s",
                          err.line, err.column, err.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return http_error(r, 400, "malformed_json", NULL, "the body must be a JSON object");
    }
    *out = root;
    return 0;
}

/* The production id in the path (first '*'). Returns 0 or the status sent. */
static int path_id(struct http_req *r, int n, char *buf, size_t len)
{
    if (server_path_param(r, n, buf, len) != EP_OK || !ids_valid(buf))
        return http_error(r, 404, "not_found", NULL, "no such resource");
    return 0;
}

/* Makes "<prefix><16 random hex>". */
static void new_id(const char *prefix, char *buf, size_t len)
{
    unsigned char raw[8];
    char hex[17];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    snprintf(buf, len, "%s%s", prefix, hex);
}

/* 1 when the request is addressed to this machine itself, where browsers
 * accept neither HTTPS-only cookies over http nor need them. */
static int is_localhost(struct http_req *r)
{
    const char *host = mg_get_header(r->conn, "Host");
    size_t n;

    if (host == NULL)
        return 0;
    n = strcspn(host, host[0] == '[' ? "]" : ":");
    if (host[0] == '[')
        return strncmp(host, "[::1]", 5) == 0;
    return (n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
           (n == 9 && strncmp(host, "127.0.0.1", 9) == 0);
}

/* Sends body (stolen) with an extra Set-Cookie header. */
static int send_with_cookie(struct http_req *r, int status, json_t *body, const char *cookie)
{
    char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
    char clen[32];

    json_decref(body);
    if (text == NULL)
        return http_error(r, 500, "internal", NULL, "out of memory");
    snprintf(clen, sizeof(clen), "%zu", strlen(text));
    mg_response_header_start(r->conn, status);
    mg_response_header_add(r->conn, "Content-Type", "application/json; charset=utf-8", -1);
    mg_response_header_add(r->conn, "Content-Length", clen, -1);
    mg_response_header_add(r->conn, "Cache-Control", "no-store", -1);
    mg_response_header_add(r->conn, "Set-Cookie", cookie, -1);
    http_security_headers(r->conn);
    mg_response_header_send(r->conn);
    mg_write(r->conn, text, strlen(text));
    free(text);
    return status;
}

/* {"account":{...},"memberships":[...],"csrf":"..."} for account_id. */
static json_t *me_body(struct http_req *r, const char *account_id, const char *csrf)
{
    struct identity_account acc;
    json_t *ms = NULL;

    if (identity_account_by_id(r->db, account_id, &acc) != EP_OK ||
        identity_memberships(r->db, account_id, &ms) != EP_OK)
        return NULL;
    return json_pack("{s:{s:s, s:s, s:s}, s:o, s:s}", "account", "id", acc.id, "email", acc.email,
                     "name", acc.name, "memberships", ms, "csrf", csrf);
}

/* ---- login, logout, me ------------------------------------------------ */

/*
 * Login CSRF (docs/security.md): a cross-site page could post a text/plain form
 * (no preflight) and sign the browser into the attacker's account. Login
 * therefore takes only application/json, which a form cannot send without a
 * CORS preflight this server never grants, and, when the browser says where
 * the request comes from (Origin), only from this server's own origin.
 * Returns 0 or the status sent.
 */
static int same_origin_json(struct http_req *r)
{
    const char *type = mg_get_header(r->conn, "Content-Type");
    const char *origin = mg_get_header(r->conn, "Origin");
    const char *host = mg_get_header(r->conn, "Host");
    const char *sep;

    if (type == NULL || strncasecmp(type, "application/json", 16) != 0 ||
        (type[16] != '\0' && type[16] != ';' && type[16] != ' '))
        return http_error(r, 415, "json_required", NULL,
                          "sign-in takes a JSON body (Content-Type: application/json)");
    if (origin == NULL)
        return 0; /* not a browser, or a same-origin request of an old one */
    sep = strstr(origin, "://");
    if (host == NULL || sep == NULL || strcmp(sep + 3, host) != 0)
        return http_error(r, 403, "cross_origin", NULL,
                          "sign-in is accepted only from this server's own pages");
    return 0;
}

int api_auth_login(struct http_req *r)
{
    char *body = NULL;
    size_t len = 0;
    json_t *root = NULL;
    json_error_t jerr;
    const char *email = NULL, *pw = NULL;
    size_t pwlen = 0;
    struct auth_login_result res;
    char cookie[160];
    int64_t now = clock_now_ms();
    int status, rc;

    memset(&res, 0, sizeof(res));
    status = same_origin_json(r);
    if (status == 0)
        status = read_body(r, LOGIN_BODY_MAX, &body, &len);
    if (status != 0)
        goto out;
    status = parse_object(r, body, len, &root);
    if (status != 0)
        goto out;
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s:s%}", "email", &email, "password", &pw,
                       &pwlen) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    if (strlen(email) < 3 || strlen(email) > IDENTITY_EMAIL_MAX || strchr(email, '@') == NULL) {
        auth_audit(r, NULL, NULL, "login.malformed", "email of %zu bytes", strlen(email));
        status = http_error(r, 400, "invalid_request", "email", "not an email address");
        goto out;
    }
    if (pwlen == 0 || pwlen > AUTH_PASSWORD_MAX || strlen(pw) != pwlen) {
        auth_audit(r, NULL, NULL, "login.malformed", "password of %zu bytes", pwlen);
        status = http_error(r, 400, "invalid_request", "password",
                            "the password must be 1 to %d bytes without NUL", AUTH_PASSWORD_MAX);
        goto out;
    }
    rc = auth_login(r->app->auth, r->db, email, pw, pwlen, http_client_addr(r), now, &res);
    if (rc == EP_EBUSY) {
        status = http_error(r, 503, "busy", NULL, "too many sign-ins at once; retry in a second");
        goto out;
    }
    if (rc == EP_EFORBIDDEN) {
        if (res.by_address)
            auth_audit(r, NULL, NULL, "login.throttled", "this address waits %lld s more",
                       (long long)(res.retry_after_ms / 1000));
        else
            auth_audit(r, NULL, NULL, "login.locked", "account %s locked for %lld s more",
                       res.account_id, (long long)(res.retry_after_ms / 1000));
        status = http_error(r, 429, "too_many_attempts", NULL,
                            "too many failed sign-ins; try again in %lld seconds",
                            (long long)((res.retry_after_ms + 999) / 1000));
        goto out;
    }
    if (rc == EP_EAUTH) {
        struct auth_principal who;
        memset(&who, 0, sizeof(who));
        snprintf(who.account_id, sizeof(who.account_id), "%s", res.account_id);
        auth_audit(r, &who, NULL, "login.failed", "%s (failure %d)",
                   res.account_id[0] != '\0' ? "wrong password" : "unknown email", res.failures);
        status = http_error(r, 401, "invalid_credentials", NULL, "wrong email or password");
        goto out;
    }
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot sign in: %s",
                            ep_strerror(rc));
        goto out;
    }
    {
        struct auth_principal who;
        memset(&who, 0, sizeof(who));
        snprintf(who.account_id, sizeof(who.account_id), "%s", res.account_id);
        auth_audit(r, &who, NULL, "login.ok", "session opened");
    }
    snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
             AUTH_COOKIE, res.token, AUTH_SESSION_MS / 1000, is_localhost(r) ? "" : "; Secure");
    status = send_with_cookie(r, 200, me_body(r, res.account_id, res.csrf), cookie);
out:
    sodium_memzero(&res, sizeof(res));
    if (body != NULL) {
        sodium_memzero(body, len); /* it held the password */
        free(body);
    }
    json_decref(root);
    return status;
}

int api_auth_open_session(struct http_req *r, int status, const char *email, const char *pw,
                          size_t pwlen, json_t *extra)
{
    struct auth_login_result res;
    char cookie[160];
    json_t *body = NULL;
    int rc;

    memset(&res, 0, sizeof(res));
    rc = auth_login(r->app->auth, r->db, email, pw, pwlen, http_client_addr(r), clock_now_ms(),
                    &res);
    if (rc == EP_OK)
        body = me_body(r, res.account_id, res.csrf);
    if (rc != EP_OK || body == NULL) {
        json_decref(extra);
        sodium_memzero(&res, sizeof(res));
        return http_error(r, rc == EP_EBUSY ? 503 : 500, rc == EP_EBUSY ? "busy" : "internal", NULL,
                          "created, but cannot open a session: sign in");
    }
    {
        struct auth_principal who;
        memset(&who, 0, sizeof(who));
        snprintf(who.account_id, sizeof(who.account_id), "%s", res.account_id);
        auth_audit(r, &who, NULL, "login.ok", "session opened after setup");
    }
    if (extra != NULL)
        json_object_update(body, extra);
    json_decref(extra);
    snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
             AUTH_COOKIE, res.token, AUTH_SESSION_MS / 1000, is_localhost(r) ? "" : "; Secure");
    sodium_memzero(&res, sizeof(res));
    return send_with_cookie(r, status, body, cookie);
}

int api_auth_logout(struct http_req *r)
{
    struct auth_principal p;
    char cookie[128];
    int rc;
    int status = auth_request_in(r, NULL, 0, NULL, 0, &p);

    if (status != 0)
        return status;
    rc = auth_session_end(r);
    if (rc != EP_OK) {
        /* Saying signed_out while the session still works is worse than an
         * error: the person would walk away from a live session. */
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot sign out: %s",
                          ep_strerror(rc));
    }
    auth_audit(r, &p, NULL, "logout", "session closed");
    snprintf(cookie, sizeof(cookie), "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
             AUTH_COOKIE, is_localhost(r) ? "" : "; Secure");
    return send_with_cookie(r, 200, json_pack("{s:b}", "signed_out", 1), cookie);
}

int api_auth_me(struct http_req *r)
{
    struct auth_principal p;
    char csrf[64];
    int status = auth_request_in(r, NULL, 0, NULL, 0, &p);

    if (status != 0)
        return status;
    if (p.is_device)
        return http_error(r, 400, "office_only", NULL,
                          "/auth/me describes office sessions; phones know their pairing");
    if (auth_session_csrf(r, csrf, sizeof(csrf)) != EP_OK)
        return http_error(r, 401, "invalid_session", NULL, "the session ended");
    return http_json_new(r, 200, me_body(r, p.account_id, csrf));
}

/* The 403 for a refused invitation link, one code per reason. */
static int join_refused(struct http_req *r, enum company_join_result res)
{
    switch (res) {
    case COMPANY_JOIN_EXPIRED:
        return http_error(r, 403, "join_token_expired", "token",
                          "this invitation has expired (7 days): ask for a new one");
    case COMPANY_JOIN_USED:
        return http_error(r, 403, "join_token_used", "token",
                          "this invitation was already used: sign in");
    case COMPANY_JOIN_NO_MEMBER:
        return http_error(r, 403, "join_member_removed", "token",
                          "you were removed from the production since");
    default:
        return http_error(r, 403, "join_token_invalid", "token",
                          "this invitation link is not valid");
    }
}

/* Sends the 429 of a sign-in that must wait (auth_login said EP_EFORBIDDEN). */
static int must_wait(struct http_req *r, const struct auth_login_result *res)
{
    if (res->by_address)
        auth_audit(r, NULL, NULL, "login.throttled", "this address waits %lld s more",
                   (long long)(res->retry_after_ms / 1000));
    else
        auth_audit(r, NULL, NULL, "login.locked", "account %s locked for %lld s more",
                   res->account_id, (long long)(res->retry_after_ms / 1000));
    return http_error(r, 429, "too_many_attempts", NULL,
                      "too many failed sign-ins; try again in %lld seconds",
                      (long long)((res->retry_after_ms + 999) / 1000));
}

/*
 * The invitation goes to an address that has an account: its owner proves
 * it is theirs with that account's password, exactly as at sign-in (same
 * per-account and per-address backoff), before the membership is bound.
 * An administrator can invite any address, never attach an account
 * (docs/security.md, "Joining a production").
 */
static int join_existing(struct http_req *r, const char *token, const char *email, const char *pw,
                         size_t pwlen)
{
    struct auth_login_result res;
    enum company_join_result jres = COMPANY_JOIN_OK;
    struct auth_principal who;
    char cookie[160];
    int64_t now = clock_now_ms();
    int status, rc;

    memset(&res, 0, sizeof(res));
    memset(&who, 0, sizeof(who));
    rc = auth_login(r->app->auth, r->db, email, pw, pwlen, http_client_addr(r), now, &res);
    snprintf(who.account_id, sizeof(who.account_id), "%s", res.account_id);
    if (rc == EP_EBUSY) {
        status = http_error(r, 503, "busy", NULL, "too many sign-ins at once; retry in a second");
        goto out;
    }
    if (rc == EP_EFORBIDDEN) {
        status = must_wait(r, &res);
        goto out;
    }
    if (rc == EP_EAUTH) {
        auth_audit(r, &who, NULL, "login.failed", "wrong password on a join link (failure %d)",
                   res.failures);
        status = http_error(r, 401, "invalid_credentials", "password",
                            "this address already has an account: enter its password");
        goto out;
    }
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot sign in: %s",
                            ep_strerror(rc));
        goto out;
    }
    rc = company_join_bind(r->db, token, res.account_id, now, &jres);
    if (rc != EP_OK) {
        unsigned char h[32];
        /* Proven, but not joined: the session just opened is not handed out. */
        crypto_generichash(h, sizeof(h), (const unsigned char *)res.token, strlen(res.token), NULL,
                           0);
        /* Left behind, it is unusable (its token is never sent) and expires. */
        if (identity_session_delete(r->db, h) != EP_OK)
            LOG_WARN("auth", "join refused: cannot delete the session just opened");
    }
    if (rc == EP_EFORBIDDEN) {
        auth_audit(r, NULL, NULL, "join.refused", "reason %d", (int)jres);
        status = join_refused(r, jres);
        goto out;
    }
    if (rc == EP_ECONFLICT) {
        status = http_error(r, 409, "already_member", "token",
                            "your account is already on this production: sign in");
        goto out;
    }
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot join: %s",
                            ep_strerror(rc));
        goto out;
    }
    auth_audit(r, &who, NULL, "login.ok", "session opened on a join link");
    snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
             AUTH_COOKIE, res.token, AUTH_SESSION_MS / 1000, is_localhost(r) ? "" : "; Secure");
    status = send_with_cookie(r, 201, me_body(r, res.account_id, res.csrf), cookie);
out:
    sodium_memzero(&res, sizeof(res));
    return status;
}

/* A new account for the invited address, with the password rules of setup. */
static int join_new(struct http_req *r, const char *token, const char *name, const char *pw,
                    size_t pwlen)
{
    struct identity_account a;
    enum company_join_result res = COMPANY_JOIN_OK;
    char why[128];
    int status, rc;

    memset(&a, 0, sizeof(a));
    if (auth_password_check(pw, pwlen, why, sizeof(why)) != EP_OK) {
        status = http_error(r, 400, "weak_password", "password", "%s", why);
        goto out;
    }
    new_id("a-", a.id, sizeof(a.id));
    snprintf(a.name, sizeof(a.name), "%s", name);
    if (auth_hash_acquire(r->app->auth) != EP_OK) {
        status = http_error(r, 503, "busy", NULL, "too many password hashes at once; retry");
        goto out;
    }
    rc = auth_hash_password(pw, pwlen, a.pw_hash);
    auth_hash_release(r->app->auth);
    if (rc == EP_OK)
        rc = company_join_redeem(r->db, token, &a, clock_now_ms(), &res);
    if (rc == EP_EFORBIDDEN) {
        auth_audit(r, NULL, NULL, "join.refused", "reason %d", (int)res);
        status = join_refused(r, res);
        goto out;
    }
    if (rc == EP_ECONFLICT) {
        /* Someone opened an account with this address since the check. */
        status = http_error(r, 409, "account_exists", "password",
                            "an account now uses this address: enter its password");
        goto out;
    }
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot join: %s",
                            ep_strerror(rc));
        goto out;
    }
    status = api_auth_open_session(r, 201, a.email, pw, pwlen, NULL);
out:
    sodium_memzero(&a, sizeof(a));
    return status;
}

/* POST /api/v1/auth/join: the person invited by email either proves an
 * existing account with its password, or chooses one for a new account
 * (and may give their name), then is signed in. */
int api_auth_join(struct http_req *r)
{
    char *body = NULL;
    size_t len = 0, pwlen = 0;
    json_t *root = NULL;
    json_error_t jerr;
    const char *token = NULL, *pw = NULL, *name = NULL;
    struct company_join_info info;
    struct identity_account known;
    enum company_join_result res = COMPANY_JOIN_OK;
    int status, rc;

    memset(&known, 0, sizeof(known));
    status = same_origin_json(r);
    if (status == 0)
        status = read_body(r, LOGIN_BODY_MAX, &body, &len);
    if (status == 0)
        status = parse_object(r, body, len, &root);
    if (status != 0)
        goto out;
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s:s%, s?s}", "token", &token, "password",
                       &pw, &pwlen, "name", &name) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    if (name != NULL && (strlen(name) == 0 || strlen(name) > IDENTITY_NAME_MAX)) {
        status = http_error(r, 400, "invalid_request", "name", "name must be 1 to %d bytes",
                            IDENTITY_NAME_MAX);
        goto out;
    }
    if (pwlen == 0 || pwlen > AUTH_PASSWORD_MAX || strlen(pw) != pwlen) {
        status = http_error(r, 400, "invalid_request", "password",
                            "the password must be 1 to %d bytes without NUL", AUTH_PASSWORD_MAX);
        goto out;
    }
    rc = company_join_peek(r->db, token, clock_now_ms(), &info, &res);
    if (rc == EP_EFORBIDDEN) {
        auth_audit(r, NULL, NULL, "join.refused", "reason %d", (int)res);
        status = join_refused(r, res);
        goto out;
    }
    if (rc == EP_OK)
        rc = identity_account_by_email(r->db, info.email, &known);
    if (rc == EP_OK)
        status = join_existing(r, token, info.email, pw, pwlen);
    else if (rc == EP_ENOTFOUND)
        status = join_new(r, token, name != NULL ? name : info.name, pw, pwlen);
    else
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot join: %s",
                            ep_strerror(rc));
out:
    sodium_memzero(&known, sizeof(known));
    if (body != NULL) {
        sodium_memzero(body, len);
        free(body);
    }
    json_decref(root);
    return status;
}

/* ---- members ---------------------------------------------------------- */

/* Authenticates a production-scoped route and checks action. body may be
 * NULL. On success returns 0 and fills prod and p. */
static int scoped(struct http_req *r, const char *body, size_t len, enum authz_action action,
                  char *prod, size_t prodlen, struct auth_principal *p)
{
    int status = path_id(r, 0, prod, prodlen);

    if (status == 0)
        status = auth_request_in(r, body, len, prod, 1, p);
    if (status == 0)
        status = auth_require(r, p, action);
    return status;
}

static json_t *member_json(const struct identity_member *m)
{
    return json_pack("{s:s, s:s, s:s, s:i, s:s, s:o}", "id", m->id, "name", m->name, "department",
                     m->department, "level", m->level, "role", identity_role_name(m->role),
                     "account_id", m->account_id[0] ? json_string(m->account_id) : json_null());
}

int api_members_list(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1];
    json_t *list = NULL;
    size_t i;
    json_t *m;
    int status = scoped(r, NULL, 0, AUTHZ_MEMBERS_READ, prod, sizeof(prod), &p);
    int rc;

    if (status != 0)
        return status;
    /* The phones' last syncs are kept in memory a second: store them first. */
    auth_store_devices(r->app->auth, r->db);
    rc = identity_members_list(r->db, prod, clock_now_ms(), &list);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot list members");
    /* Addresses are personal: only administrators see them. */
    if (p.role != SYNC_ROLE_ADMIN) {
        json_array_foreach(list, i, m)
        {
            json_object_del(m, "email");
        }
    }
    return http_json_new(r, 200, json_pack("{s:o}", "members", list));
}

/* Validates the member fields shared by create and update. */
static int check_member_fields(struct http_req *r, const char *name, const char *dept, int level)
{
    if (name != NULL && (strlen(name) == 0 || strlen(name) > IDENTITY_NAME_MAX))
        return http_error(r, 400, "invalid_request", "name", "name must be 1 to %d bytes",
                          IDENTITY_NAME_MAX);
    if (dept != NULL && (!ids_valid(dept) || strlen(dept) > IDENTITY_DEPT_MAX))
        return http_error(r, 400, "invalid_request", "department",
                          "department must be an identifier of at most %d characters",
                          IDENTITY_DEPT_MAX);
    if (level < 0 || level > 9)
        return http_error(r, 400, "invalid_request", "level", "level must be 0 to 9");
    return 0;
}

static void origin(struct http_req *r, char *buf, size_t len);

/*
 * An email invitation may go out: the address is one, nobody invited it to
 * this production already and no member of it has that address (both 409
 * naming "email"). Only this production is looked at: whether the address
 * has an account anywhere never changes the answer (docs/security.md,
 * "Joining a production").
 */
static int invite_check(struct http_req *r, const char *prod, const char *email)
{
    int pending = 0, taken = 0;

    if (strlen(email) < 3 || strlen(email) > IDENTITY_EMAIL_MAX || !mail_address_ok(email))
        return http_error(r, 400, "invalid_request", "email", "not an email address");
    if (company_join_pending(r->db, prod, email, clock_now_ms(), &pending) != EP_OK ||
        identity_member_email_taken(r->db, prod, email, &taken) != EP_OK)
        return http_error(r, 500, "internal", NULL, "cannot read invitations");
    if (pending)
        return http_error(r, 409, "already_invited", "email",
                          "this address was already invited to the production; the link "
                          "sent stays valid for 7 days");
    if (taken)
        return http_error(r, 409, "already_member", "email",
                          "a member of this production already has this address");
    return 0;
}

/* The production's title for the invitation email into buf. */
static int production_title(struct http_req *r, const char *prod, char *buf, size_t len)
{
    json_t *p = NULL;
    int rc = production_get(r->db, prod, &p);

    if (rc == EP_OK)
        snprintf(buf, len, "%s", json_string_value(json_object_get(p, "title")));
    json_decref(p);
    return rc;
}

/*
 * Creates member m and, when email is set, the invitation to join as that
 * address with its email queued, all in one transaction. link receives the
 * join link. Returns 0 or an EP_E* code (EP_EINVAL: unusable address).
 */
static int create_member(struct http_req *r, const struct identity_member *m, const char *email,
                         const char *created_by, char *link, size_t linklen)
{
    char token[COMPANY_TOKEN_LEN + 1] = "", org[256], title[COMPANY_NAME_MAX + 1] = "";
    char comm_id[IDENTITY_ID_MAX + 8];
    char *msg = NULL;
    int64_t now = clock_now_ms();
    int rc = email != NULL ? production_title(r, m->production_id, title, sizeof(title)) : EP_OK;

    link[0] = '\0';
    if (rc == EP_OK)
        rc = db_begin_write(r->db);
    if (rc != EP_OK)
        return rc;
    rc = identity_member_create(r->db, m, now);
    if (rc == EP_OK && email != NULL)
        rc = company_join_create(r->db, m->production_id, m->id, email, created_by, now, token);
    if (rc == EP_OK && email != NULL) {
        /* The token rides in the fragment, like a pairing code. */
        origin(r, org, sizeof(org));
        snprintf(link, linklen, "%s/#join=%s", org, token);
        rc = outbox_join_message(r->app, title, m->name, email, link, &msg);
    }
    if (rc == EP_OK && msg != NULL) {
        snprintf(comm_id, sizeof(comm_id), "join-%s", m->id);
        rc = commstore_outbox_add(r->db, m->production_id, comm_id, m->id, email, msg, now);
    }
    if (rc == EP_OK)
        rc = db_commit(r->db);
    else
        db_rollback(r->db);
    if (rc == EP_OK && msg != NULL)
        outbox_kick(r->app);
    if (msg != NULL) {
        sodium_memzero(msg, strlen(msg)); /* it held the link */
        free(msg);
    }
    sodium_memzero(token, sizeof(token));
    if (rc != EP_OK)
        sodium_memzero(link, linklen);
    return rc;
}

/*
 * POST members: a crew member (no email: a phone is paired later), or
 * anyone invited by email. An email never attaches an account: it always
 * mints an invitation the person accepts (api_auth_join), and the answer has
 * the same status and shape whether or not the address has an account.
 */
int api_members_create(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1];
    char *body = NULL;
    size_t len = 0;
    json_t *root = NULL, *out_json = NULL;
    json_error_t jerr;
    const char *name = NULL, *dept = NULL, *role = NULL, *email = NULL;
    int level = 3;
    struct identity_member m;
    char link[384] = "";
    int status, rc;

    memset(&m, 0, sizeof(m));
    status = read_body(r, SMALL_BODY_MAX, &body, &len);
    if (status == 0)
        status = scoped(r, body, len, AUTHZ_MEMBERS_WRITE, prod, sizeof(prod), &p);
    if (status == 0)
        status = parse_object(r, body, len, &root);
    if (status != 0)
        goto out;
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s:s, s:s, s?i, s?s}", "name", &name,
                       "department", &dept, "role", &role, "level", &level, "email", &email) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    status = check_member_fields(r, name, dept, level);
    if (status != 0)
        goto out;
    if (identity_role_parse(role, &m.role) != EP_OK) {
        status = http_error(r, 400, "invalid_request", "role",
                            "role must be admin, eco_referent, dept_head, crew or viewer");
        goto out;
    }
    if (email != NULL) {
        status = invite_check(r, prod, email);
        if (status != 0)
            goto out;
    }
    new_id("m-", m.id, sizeof(m.id));
    snprintf(m.production_id, sizeof(m.production_id), "%s", prod);
    snprintf(m.name, sizeof(m.name), "%s", name);
    snprintf(m.department, sizeof(m.department), "%s", dept);
    m.level = level;
    rc = create_member(r, &m, email, p.account_id, link, sizeof(link));
    if (rc == EP_EINVAL) {
        status = http_error(r, 400, "invalid_request", "email", "not an email address");
        goto out;
    }
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot create member");
        goto out;
    }
    auth_audit(r, &p, NULL, "member.created", "%s as %s in %s%s", m.id, identity_role_name(m.role),
               m.department, email != NULL ? ", invited by email" : "");
    out_json = member_json(&m);
    if (email != NULL && out_json != NULL) {
        /* Emailed to the person; the office also gets the link to hand it
         * over another way (a message, on paper). */
        json_object_set_new(out_json, "join_link", json_string(link));
        json_object_set_new(out_json, "email", json_string(email));
        json_object_set_new(out_json, "invite_pending", json_true());
        json_object_set_new(out_json, "mail",
                            json_string(r->app->cfg->smtp_url[0] != '\0' ? "queued" : "no_smtp"));
    }
    status = http_json_new(r, 201, out_json);
out:
    sodium_memzero(link, sizeof(link));
    free(body);
    json_decref(root);
    return status;
}

/* Refuses to leave a production without an administrator. */
static int keeps_an_admin(struct http_req *r, const struct identity_member *before, int still_admin)
{
    int admins = 0;

    if (before->role != SYNC_ROLE_ADMIN || still_admin)
        return 0;
    if (identity_count_admins(r->db, before->production_id, &admins) != EP_OK)
        return http_error(r, 500, "internal", NULL, "cannot count administrators");
    if (admins <= 1)
        return http_error(r, 409, "last_admin", "role",
                          "the production must keep at least one administrator");
    return 0;
}

int api_members_update(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1], mid[IDENTITY_ID_MAX + 1];
    char *body = NULL;
    size_t len = 0;
    json_t *root = NULL;
    json_error_t jerr;
    const char *name = NULL, *dept = NULL, *role = NULL;
    int level = -1;
    struct identity_member m;
    enum sync_role old_role;
    int status, rc;

    status = read_body(r, SMALL_BODY_MAX, &body, &len);
    if (status == 0)
        status = scoped(r, body, len, AUTHZ_MEMBERS_WRITE, prod, sizeof(prod), &p);
    if (status == 0)
        status = path_id(r, 1, mid, sizeof(mid));
    if (status == 0)
        status = parse_object(r, body, len, &root);
    if (status != 0)
        goto out;
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s?s, s?s, s?s, s?i}", "name", &name,
                       "department", &dept, "role", &role, "level", &level) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    rc = identity_member_get(r->db, prod, mid, &m);
    if (rc != EP_OK || m.removed_at != 0) {
        status = http_error(r, 404, "not_found", NULL, "no member '%s' on this production", mid);
        goto out;
    }
    status = check_member_fields(r, name, dept, level < 0 ? m.level : level);
    if (status != 0)
        goto out;
    old_role = m.role;
    if (role != NULL && identity_role_parse(role, &m.role) != EP_OK) {
        status = http_error(r, 400, "invalid_request", "role",
                            "role must be admin, eco_referent, dept_head, crew or viewer");
        goto out;
    }
    {
        struct identity_member before = m;
        before.role = old_role;
        status = keeps_an_admin(r, &before, m.role == SYNC_ROLE_ADMIN);
        if (status != 0)
            goto out;
    }
    if (name != NULL)
        snprintf(m.name, sizeof(m.name), "%s", name);
    if (dept != NULL)
        snprintf(m.department, sizeof(m.department), "%s", dept);
    if (level >= 0)
        m.level = level;
    rc = identity_member_update(r->db, &m);
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot update member");
        goto out;
    }
    if (old_role != m.role)
        auth_audit(r, &p, NULL, "member.role_changed", "%s: %s -> %s", m.id,
                   identity_role_name(old_role), identity_role_name(m.role));
    else
        auth_audit(r, &p, NULL, "member.updated", "%s", m.id);
    status = http_json_new(r, 200, member_json(&m));
out:
    free(body);
    json_decref(root);
    return status;
}

int api_members_delete(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1], mid[IDENTITY_ID_MAX + 1];
    struct identity_member m;
    int status = scoped(r, NULL, 0, AUTHZ_MEMBERS_WRITE, prod, sizeof(prod), &p);
    int rc;

    if (status == 0)
        status = path_id(r, 1, mid, sizeof(mid));
    if (status != 0)
        return status;
    rc = identity_member_get(r->db, prod, mid, &m);
    if (rc != EP_OK || m.removed_at != 0)
        return http_error(r, 404, "not_found", NULL, "no member '%s' on this production", mid);
    status = keeps_an_admin(r, &m, 0);
    if (status != 0)
        return status;
    rc = identity_member_remove(r->db, prod, mid, clock_now_ms());
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot remove member");
    auth_audit(r, &p, NULL, "member.removed", "%s (%s), devices revoked", m.id,
               identity_role_name(m.role));
    return http_json_new(r, 200, json_pack("{s:s}", "removed", mid));
}

/* ---- invites and pairing ---------------------------------------------- */

/*
 * The QR code of text as an SVG document (new string, free()), one path of
 * horizontal runs so a 40x40 code stays a few kilobytes. NULL on failure.
 */
static char *qr_svg(const char *text)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    char *svg = NULL;
    size_t cap, used = 0;
    int w, n;

    if (q == NULL)
        return NULL;
    w = q->width;
    /* Each run costs at most ~24 bytes and a row holds at most w/2+1 runs. */
    cap = (size_t)w * (size_t)(w / 2 + 1) * 24 + 512;
    svg = malloc(cap);
    if (svg == NULL)
        goto out;
    n = snprintf(svg, cap,
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                 "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                 "<path fill=\"#000\" d=\"",
                 w + 8, w + 8, w + 8, w + 8);
    used = (size_t)n;
    for (int y = 0; y < w; y++) {
        for (int x = 0; x < w;) {
            int run = 0;
            while (x + run < w && (q->data[y * w + x + run] & 1))
                run++;
            if (run > 0) {
                n = snprintf(svg + used, cap - used, "M%d %dh%dv1h-%dz", x + 4, y + 4, run, run);
                if (n < 0 || (size_t)n >= cap - used) {
                    free(svg);
                    svg = NULL;
                    goto out;
                }
                used += (size_t)n;
                x += run;
            } else {
                x++;
            }
        }
    }
    n = snprintf(svg + used, cap - used, "\"/></svg>");
    if (n < 0 || (size_t)n >= cap - used) {
        free(svg);
        svg = NULL;
    }
out:
    QRcode_free(q);
    return svg;
}

/* The origin for links: the configured public URL (--public-url), else
 * this request's Host if it is a plain host[:port]. A phone scanning the QR
 * code must reach the server's public name, never the laptop's localhost. */
static void origin(struct http_req *r, char *buf, size_t len)
{
    const char *host = mg_get_header(r->conn, "Host");
    int ok = host != NULL && host[0] != '\0' && strlen(host) < 200;

    if (r->app->cfg->public_url[0] != '\0') {
        snprintf(buf, len, "%s", r->app->cfg->public_url);
        return;
    }

    for (const char *c = host; ok && *c != '\0'; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '-' || *c == ':' || *c == '[' || *c == ']'))
            ok = 0;
    }
    snprintf(buf, len, "%s://%s", ok && is_localhost(r) ? "http" : "https",
             ok ? host : "localhost");
}

int api_invites_create(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1];
    char *body = NULL;
    size_t len = 0;
    json_t *root = NULL;
    json_error_t jerr;
    const char *member_id = NULL;
    int ttl = INVITE_TTL_DEFAULT_MIN;
    struct identity_member m;
    unsigned char raw[32], h[32];
    char code[48], link[512], org[256];
    char *svg = NULL;
    int64_t now = clock_now_ms(), expires;
    int status, rc;

    status = read_body(r, SMALL_BODY_MAX, &body, &len);
    if (status == 0)
        status = scoped(r, body, len, AUTHZ_INVITE, prod, sizeof(prod), &p);
    if (status == 0)
        status = parse_object(r, body, len, &root);
    if (status != 0)
        goto out;
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s?i}", "member_id", &member_id,
                       "ttl_minutes", &ttl) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    if (ttl < 1 || ttl > INVITE_TTL_MAX_MIN) {
        status = http_error(r, 400, "invalid_request", "ttl_minutes", "ttl_minutes must be 1 to %d",
                            INVITE_TTL_MAX_MIN);
        goto out;
    }
    if (!ids_valid(member_id) || identity_member_get(r->db, prod, member_id, &m) != EP_OK ||
        m.removed_at != 0) {
        status = http_error(r, 404, "not_found", "member_id", "no member '%s' on this production",
                            member_id);
        goto out;
    }
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(code, sizeof(code), raw, sizeof(raw), B64_NOPAD);
    sodium_memzero(raw, sizeof(raw));
    crypto_generichash(h, sizeof(h), (const unsigned char *)code, strlen(code), NULL, 0);
    expires = now + (int64_t)ttl * 60000;
    rc = identity_invite_create(r->db, h, m.id, prod, p.account_id, now, expires);
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot store invite");
        goto out;
    }
    /* The code rides in the fragment: browsers never send it to a server or
     * put it in a Referer, so it stays out of every log. */
    origin(r, org, sizeof(org));
    snprintf(link, sizeof(link), "%s/#pair=%s", org, code);
    svg = qr_svg(link);
    if (svg == NULL) {
        status = http_error(r, 500, "internal", NULL, "cannot draw the QR code");
        goto out;
    }
    auth_audit(r, &p, NULL, "invite.created", "for %s, %d min", m.id, ttl);
    status =
        http_json_new(r, 201,
                      json_pack("{s:s, s:s, s:s, s:s, s:I}", "code", code, "link", link, "qr_svg",
                                svg, "member_id", m.id, "expires_at", (json_int_t)expires));
out:
    sodium_memzero(code, sizeof(code));
    free(svg);
    free(body);
    json_decref(root);
    return status;
}

static json_t *key_json(const char *production_id, const struct identity_prodkey *k)
{
    char pk[64];
    sodium_bin2base64(pk, sizeof(pk), k->public_key, sizeof(k->public_key), B64_NOPAD);
    return json_pack("{s:s, s:s, s:s, s:s}", "production_id", production_id, "alg", "Ed25519",
                     "key_id", k->key_id, "public_key", pk);
}

int api_devices_pair(struct http_req *r)
{
    static const char *const why[] = {
        [IDENTITY_INVITE_UNKNOWN] = "invite_unknown",
        [IDENTITY_INVITE_EXPIRED] = "invite_expired",
        [IDENTITY_INVITE_USED] = "invite_used",
        [IDENTITY_INVITE_NO_MEMBER] = "member_removed",
        [IDENTITY_INVITE_KEY_TAKEN] = "key_taken",
    };
    char *body = NULL;
    size_t len = 0;
    json_t *root = NULL;
    json_error_t jerr;
    const char *code = NULL, *pk = NULL, *name = NULL;
    unsigned char h[32];
    struct identity_device dev;
    struct identity_member m;
    struct identity_prodkey key;
    enum identity_invite_result res = IDENTITY_INVITE_OK;
    struct auth_principal who;
    int status, rc;

    memset(&dev, 0, sizeof(dev));
    memset(&who, 0, sizeof(who));
    status = read_body(r, SMALL_BODY_MAX, &body, &len);
    if (status == 0)
        status = parse_object(r, body, len, &root);
    if (status != 0)
        goto out;
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s:s, s:s}", "code", &code, "public_key",
                       &pk, "name", &name) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    {
        const char *field = NULL, *errcode = NULL, *msg = NULL;
        if (auth_pairing_check(code, pk, name, dev.public_key, &field, &errcode, &msg) != EP_OK) {
            if (strcmp(field, "code") == 0)
                auth_audit(r, NULL, NULL, "pair.refused", "malformed code");
            status = http_error(r, 400, errcode, field, "%s", msg);
            goto out;
        }
    }
    new_id("d-", dev.id, sizeof(dev.id));
    snprintf(dev.name, sizeof(dev.name), "%s", name);
    crypto_generichash(h, sizeof(h), (const unsigned char *)code, strlen(code), NULL, 0);
    rc = identity_invite_redeem(r->db, h, clock_now_ms(), &dev, &res);
    if (rc == EP_EAUTH) {
        int st = res == IDENTITY_INVITE_KEY_TAKEN   ? 409
                 : res == IDENTITY_INVITE_NO_MEMBER ? 403
                                                    : 401;
        snprintf(who.production_id, sizeof(who.production_id), "%s", dev.production_id);
        snprintf(who.member_id, sizeof(who.member_id), "%s", dev.member_id);
        auth_audit(r, &who, NULL, "pair.refused", "%s", why[res]);
        status = http_error(r, st, why[res],
                            res == IDENTITY_INVITE_KEY_TAKEN ? "public_key" : "code", "%s",
                            res == IDENTITY_INVITE_EXPIRED     ? "this invite has expired"
                            : res == IDENTITY_INVITE_USED      ? "this invite was already used"
                            : res == IDENTITY_INVITE_NO_MEMBER ? "the invited member was removed"
                            : res == IDENTITY_INVITE_KEY_TAKEN ? "this key is already paired"
                                                               : "unknown invite code");
        goto out;
    }
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot pair: %s",
                            ep_strerror(rc));
        goto out;
    }
    snprintf(who.production_id, sizeof(who.production_id), "%s", dev.production_id);
    snprintf(who.member_id, sizeof(who.member_id), "%s", dev.member_id);
    snprintf(who.device_id, sizeof(who.device_id), "%s", dev.id);
    auth_audit(r, &who, NULL, "device.paired", "%s", dev.name);
    rc = identity_member_get(r->db, dev.production_id, dev.member_id, &m);
    if (rc == EP_OK)
        rc = auth_production_key(r->app->auth, r->db, dev.production_id, &key);
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "paired, but: %s",
                            ep_strerror(rc));
        goto out;
    }
    status = http_json_new(
        r, 201,
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o}", "device_id", dev.id, "member_id",
                  m.id, "member_name", m.name, "production_id", dev.production_id, "role",
                  identity_role_name(m.role), "department", m.department, "counter", 0,
                  "production_key", key_json(dev.production_id, &key)));
out:
    free(body);
    json_decref(root);
    return status;
}

/* ---- devices, key, audit ---------------------------------------------- */

int api_devices_list(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1];
    json_t *list = NULL;
    int status = scoped(r, NULL, 0, AUTHZ_DEVICES_READ, prod, sizeof(prod), &p);
    int rc;

    if (status != 0)
        return status;
    auth_store_devices(r->app->auth, r->db); /* counters and syncs kept in memory */
    rc = identity_devices_list(r->db, prod, &list);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot list devices");
    return http_json_new(r, 200, json_pack("{s:o}", "devices", list));
}

int api_devices_revoke(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1], did[IDENTITY_ID_MAX + 1];
    char *body = NULL;
    size_t len = 0;
    int64_t now = clock_now_ms();
    int status, rc;

    /* The body is ignored, but read so a session's CSRF-checked POST and a
     * signed one see the same bytes. */
    status = r->ri->content_length > 0 ? read_body(r, SMALL_BODY_MAX, &body, &len) : 0;
    if (status == 0)
        status = scoped(r, body, len, AUTHZ_DEVICES_REVOKE, prod, sizeof(prod), &p);
    if (status == 0)
        status = path_id(r, 1, did, sizeof(did));
    if (status != 0)
        goto out;
    rc = identity_device_revoke(r->db, prod, did, now);
    if (rc == EP_ENOTFOUND) {
        status =
            http_error(r, 404, "not_found", NULL, "no active device '%s' on this production", did);
        goto out;
    }
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot revoke");
        goto out;
    }
    {
        struct auth_principal target = p;
        snprintf(target.device_id, sizeof(target.device_id), "%s", did);
        auth_audit(r, &target, NULL, "device.revoked", "by member %s", p.member_id);
    }
    status =
        http_json_new(r, 200, json_pack("{s:s, s:I}", "id", did, "revoked_at", (json_int_t)now));
out:
    free(body);
    return status;
}

int api_production_key(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1];
    struct identity_prodkey k;
    int status = scoped(r, NULL, 0, AUTHZ_KEY_READ, prod, sizeof(prod), &p);
    int rc;

    if (status != 0)
        return status;
    rc = auth_production_key(r->app->auth, r->db, prod, &k);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), rc == EP_ENOTFOUND ? "not_found" : "internal",
                          NULL, "no key for this production");
    return http_json_new(r, 200, key_json(prod, &k));
}

int api_audit_list(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1];
    char v[32];
    long long before = 0, limit = 100;
    json_t *list = NULL;
    const char *qs = r->ri->query_string;
    int status = scoped(r, NULL, 0, AUTHZ_AUDIT_READ, prod, sizeof(prod), &p);
    int rc;

    if (status != 0)
        return status;
    if (qs != NULL) {
        char *end = NULL;
        if (mg_get_var(qs, strlen(qs), "limit", v, sizeof(v)) > 0) {
            limit = strtoll(v, &end, 10);
            if (end == v || *end != '\0' || limit < 1 || limit > 500)
                return http_error(r, 400, "invalid_request", "limit", "limit must be 1 to 500");
        }
        if (mg_get_var(qs, strlen(qs), "before", v, sizeof(v)) > 0) {
            before = strtoll(v, &end, 10);
            if (end == v || *end != '\0' || before < 1)
                return http_error(r, 400, "invalid_request", "before",
                                  "before must be an event id");
        }
    }
    rc = identity_audit_list(r->db, prod, before, (int)limit, &list);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read the audit log");
    return http_json_new(r, 200, json_pack("{s:o}", "events", list));
}
