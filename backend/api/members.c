/*
 * members.c - a production's members: list (members see each other; only
 * administrators see addresses), create (a crew member, or anyone invited
 * by email: never an account attached directly), update, remove, never
 * leaving a production without an administrator (docs/security.md,
 * "Joining a production").
 */
#include "api.h"
#include "app.h"
#include "clock.h"

#include "auth.h"
#include "authz.h"
#include "commstore.h"
#include "company.h"
#include "db.h"
#include "err.h"
#include "identity.h"
#include "ids.h"
#include "mail.h"
#include "outbox.h"
#include "production.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_BODY_MAX 16384

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
    int status = api_authorise(r, NULL, 0, AUTHZ_MEMBERS_READ, prod, sizeof(prod), &p);
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

/*
 * The language of an invitation into lang (3 bytes): the one the office
 * chose ("fr" or "en"), else the inviting person's own (api_lang_param:
 * their preferences, else French). A language without an email invites
 * nobody: refused rather than ignored. Returns 0, or sends 400 naming
 * "language" and returns it.
 */
static int invite_language(struct http_req *r, const struct auth_principal *p, const char *email,
                           const json_t *language, char *lang)
{
    const char *l = json_string_value(language);

    if (language == NULL)
        return email != NULL ? api_lang_param(r, p, lang) : 0;
    if (email == NULL)
        return http_error(r, 400, "invalid_request", "language",
                          "language is the invitation's: send it with email");
    /* Unpacked as "o" and checked here, so a number or null is refused
     * naming the field too, not with Jansson's bare type message. */
    if (l == NULL || (strcmp(l, "fr") != 0 && strcmp(l, "en") != 0))
        return http_error(r, 400, "invalid_request", "language",
                          "language must be \"fr\" or \"en\"");
    memcpy(lang, l, 3); /* "fr" or "en" and its NUL */
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
 * address with its email queued in lang ("fr" or "en"), all in one
 * transaction. link receives the join link. Returns 0 or an EP_E* code
 * (EP_EINVAL: unusable address).
 */
static int create_member(struct http_req *r, const struct identity_member *m, const char *email,
                         const char *lang, const char *created_by, char *link, size_t linklen)
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
        /* The token rides in the fragment, like a pairing code; so does
         * the invitation's language, which the PWA takes for the page
         * while the person has chosen none (docs/pwa.md, "Words and formats"). */
        api_origin(r, org, sizeof(org));
        snprintf(link, linklen, "%s/#join=%s&lang=%s", org, token, lang);
        rc = outbox_join_message(r->app, lang, title, m->name, email, link,
                                 now + COMPANY_JOIN_TTL_MS, &msg);
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
    json_t *root = NULL, *out_json = NULL, *language = NULL;
    json_error_t jerr;
    const char *name = NULL, *dept = NULL, *role = NULL, *email = NULL;
    int level = 3;
    struct identity_member m;
    char link[384] = "", lang[3] = "fr";
    int status, rc;

    memset(&m, 0, sizeof(m));
    status = http_read_body(r, SMALL_BODY_MAX, &body, &len);
    if (status == 0)
        status = api_authorise(r, body, len, AUTHZ_MEMBERS_WRITE, prod, sizeof(prod), &p);
    if (status == 0)
        status = api_parse_object(r, body, len, &root);
    if (status != 0)
        goto out;
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s:s, s:s, s?i, s?s, s?o}", "name", &name,
                       "department", &dept, "role", &role, "level", &level, "email", &email,
                       "language", &language) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    status = invite_language(r, &p, email, language, lang);
    if (status != 0)
        goto out;
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
    api_new_id("m-", m.id, sizeof(m.id));
    snprintf(m.production_id, sizeof(m.production_id), "%s", prod);
    snprintf(m.name, sizeof(m.name), "%s", name);
    snprintf(m.department, sizeof(m.department), "%s", dept);
    m.level = level;
    rc = create_member(r, &m, email, lang, p.account_id, link, sizeof(link));
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
        json_object_set_new(out_json, "language", json_string(lang));
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

    status = http_read_body(r, SMALL_BODY_MAX, &body, &len);
    if (status == 0)
        status = api_authorise(r, body, len, AUTHZ_MEMBERS_WRITE, prod, sizeof(prod), &p);
    if (status == 0)
        status = api_path_id(r, 1, mid, sizeof(mid));
    if (status == 0)
        status = api_parse_object(r, body, len, &root);
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
    int status = api_authorise(r, NULL, 0, AUTHZ_MEMBERS_WRITE, prod, sizeof(prod), &p);
    int rc;

    if (status == 0)
        status = api_path_id(r, 1, mid, sizeof(mid));
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
