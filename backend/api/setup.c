/*
 * setup.c - first start: GET/POST /api/v1/setup. The setup link's token
 * (company.h) lets whoever holds it create the company and its first
 * administrator, once; docs/security.md gives the threat model.
 */
#include "api.h"
#include "app.h"
#include "auth.h"
#include "clock.h"
#include "company.h"
#include "err.h"
#include "http.h"
#include "identity.h"
#include "jsonin.h"
#include "log.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SETUP_BODY_MAX 8192

int api_setup_status(struct http_req *r)
{
    int n = 0;
    int rc = company_account_count(r->db, &n);

    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read accounts");
    return http_json_new(r, 200, json_pack("{s:b}", "set_up", n > 0));
}

/* The 403 for a refused token: one code per reason, so the screen can say
 * "ask for a new link" (expired) apart from "already done" (used). */
static int refused(struct http_req *r, enum company_setup_result res)
{
    switch (res) {
    case COMPANY_SETUP_TOKEN_EXPIRED:
        return http_error(r, 403, "setup_token_expired", "token",
                          "this setup link has expired (24 h); print a new one with "
                          "'ecoplateau setup-link'");
    case COMPANY_SETUP_TOKEN_USED:
        return http_error(r, 403, "setup_token_used", "token",
                          "this setup link was already used; sign in instead");
    case COMPANY_SETUP_DONE:
        return http_error(r, 403, "setup_done", NULL,
                          "this server is already set up; sign in instead");
    default:
        return http_error(r, 403, "setup_token_invalid", "token",
                          "this setup link is not valid; copy it whole from the server's log "
                          "or print one with 'ecoplateau setup-link'");
    }
}

/* Checks the admin fields; returns 0 or the 400 sent. */
static int check_admin(struct http_req *r, const char *email, const char *name, const char *pw,
                       size_t pwlen)
{
    if (strlen(email) < 3 || strlen(email) > IDENTITY_EMAIL_MAX || strchr(email, '@') == NULL)
        return http_error(r, 400, "invalid_request", "admin.email", "not an email address");
    if (strlen(name) == 0 || strlen(name) > IDENTITY_NAME_MAX)
        return http_error(r, 400, "invalid_request", "admin.name", "name must be 1 to %d bytes",
                          IDENTITY_NAME_MAX);
    if (pwlen < AUTH_PASSWORD_MIN || pwlen > AUTH_PASSWORD_MAX || strlen(pw) != pwlen)
        return http_error(r, 400, "invalid_request", "admin.password",
                          "the password must be %d to %d bytes", AUTH_PASSWORD_MIN,
                          AUTH_PASSWORD_MAX);
    return 0;
}

int api_setup(struct http_req *r)
{
    char *body = NULL;
    size_t len = 0, pwlen = 0;
    json_t *root = NULL;
    json_error_t jerr;
    const char *token = NULL, *cname = NULL, *siret = "", *city = "";
    const char *email = NULL, *aname = NULL, *pw = NULL;
    const char *field = NULL;
    struct ep_error err = {0};
    struct company c;
    struct identity_account a;
    enum company_setup_result res = COMPANY_SETUP_OK;
    int status, rc;

    memset(&c, 0, sizeof(c));
    memset(&a, 0, sizeof(a));
    status = http_read_body(r, SETUP_BODY_MAX, &body, &len);
    if (status != 0)
        goto out;
    root = jsonin_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        status = http_error(r, 400, "malformed_json", NULL, "malformed JSON: %s", jerr.text);
        goto out;
    }
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s:{s:s, s?s, s?s}, s:{s:s, s:s, s:s%}}",
                       "token", &token, "company", "name", &cname, "siret", &siret, "city", &city,
                       "admin", "name", &aname, "email", &email, "password", &pw, &pwlen) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    snprintf(c.name, sizeof(c.name), "%s", cname);
    /* Spaces are how people write a SIRET ("732 829 320 00074"). */
    for (size_t i = 0, n = 0; siret[i] != '\0'; i++) {
        if (siret[i] == ' ')
            continue;
        if (n + 1 >= sizeof(c.siret)) {
            c.siret[0] = 'x'; /* too long: company_check refuses it */
            c.siret[1] = '\0';
            break;
        }
        c.siret[n++] = siret[i];
        c.siret[n] = '\0';
    }
    snprintf(c.city, sizeof(c.city), "%s", city);
    if (strlen(cname) > COMPANY_NAME_MAX || strlen(city) > COMPANY_CITY_MAX ||
        company_check(&c, &err) != EP_OK) {
        field = ep_error_field(&err) != NULL       ? err.field
                : strlen(cname) > COMPANY_NAME_MAX ? "name"
                                                   : "city";
        status = http_error(r, 400, "invalid_request",
                            strcmp(field, "name") == 0    ? "company.name"
                            : strcmp(field, "siret") == 0 ? "company.siret"
                                                          : "company.city",
                            strcmp(field, "siret") == 0
                                ? "a SIRET is 14 digits whose check digit is right"
                                : "the company's name is 1 to 200 bytes, its city at most 100");
        goto out;
    }
    status = check_admin(r, email, aname, pw, pwlen);
    if (status != 0)
        goto out;
    {
        unsigned char raw[8];
        char hex[17];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
        snprintf(c.id, sizeof(c.id), "c-%s", hex);
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
        snprintf(a.id, sizeof(a.id), "a-%s", hex);
    }
    snprintf(a.email, sizeof(a.email), "%s", email);
    snprintf(a.name, sizeof(a.name), "%s", aname);
    if (auth_hash_acquire(r->app->auth) != EP_OK) {
        status = http_error(r, 503, "busy", NULL, "too many password hashes at once; retry");
        goto out;
    }
    rc = auth_hash_password(pw, pwlen, a.pw_hash);
    auth_hash_release(r->app->auth);
    if (rc == EP_OK)
        rc = company_setup(r->db, token, &c, &a, clock_now_ms(), &res);
    if (rc == EP_EFORBIDDEN) {
        auth_audit(r, NULL, NULL, "setup.refused", "reason %d", (int)res);
        status = refused(r, res);
        goto out;
    }
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot set up: %s",
                            ep_strerror(rc));
        goto out;
    }
    {
        struct auth_principal who;
        memset(&who, 0, sizeof(who));
        snprintf(who.account_id, sizeof(who.account_id), "%s", a.id);
        auth_audit(r, &who, NULL, "setup.done", "company %s", c.id);
    }
    LOG_INFO("setup", "company %s and its first administrator created", c.id);
    status = api_auth_open_session(r, 201, email, pw, pwlen,
                                   json_pack("{s:o}", "company", company_json(&c)));
out:
    sodium_memzero(&a, sizeof(a));
    if (body != NULL) {
        sodium_memzero(body, len); /* it held the password */
        free(body);
    }
    json_decref(root);
    return status;
}
