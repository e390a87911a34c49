/*
 * auth.c - sessions: login, logout, me, and joining by an email invitation
 * (docs/security.md). Each handler authenticates (auth.h), checks the action
 * (authz.h), then calls identity storage; the rules live in those modules,
 * not here. Members, invites, devices, the key and the audit log have their
 * own files.
 */
#include "api.h"
#include "app.h"
#include "clock.h"

#include "auth.h"
#include "company.h"
#include "err.h"
#include "identity.h"
#include "log.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LOGIN_BODY_MAX 4096 /* credentials are small: refuse big bodies before parsing */

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
        status = http_read_body(r, LOGIN_BODY_MAX, &body, &len);
    if (status != 0)
        goto out;
    status = api_parse_object(r, body, len, &root);
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
             AUTH_COOKIE, res.token, AUTH_SESSION_MS / 1000, api_is_localhost(r) ? "" : "; Secure");
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
             AUTH_COOKIE, res.token, AUTH_SESSION_MS / 1000, api_is_localhost(r) ? "" : "; Secure");
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
             AUTH_COOKIE, api_is_localhost(r) ? "" : "; Secure");
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
             AUTH_COOKIE, res.token, AUTH_SESSION_MS / 1000, api_is_localhost(r) ? "" : "; Secure");
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
    struct ep_error err;
    int status, rc;

    memset(&a, 0, sizeof(a));
    if (auth_password_check(pw, pwlen, &err) != EP_OK) {
        status = api_error(r, 400, "weak_password", &err);
        goto out;
    }
    api_new_id("a-", a.id, sizeof(a.id));
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
        status = http_read_body(r, LOGIN_BODY_MAX, &body, &len);
    if (status == 0)
        status = api_parse_object(r, body, len, &root);
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
    /* An archived production takes nobody new (docs/operations.md, "Closing
     * a production"); the invitation stays unspent for a reopening. */
    if (rc == EP_OK) {
        status = auth_refuse_archived(r, info.production_id, 0);
        if (status != 0)
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
