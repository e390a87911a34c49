/*
 * productions.c - /api/v1/productions[/ID][/archive|/reopen|/import]: a
 * company's productions as its office creates, edits, lists, archives,
 * reopens, exports and imports them. Office sessions only (a phone knows
 * one production, its own). The fields and their rules are production.h's;
 * who may do what:
 *   create            a company administrator (company.h);
 *   read              a company administrator or any active member;
 *   edit, archive     a company administrator or the production's admins;
 *   export            the same (the archive holds password hashes);
 *   import            a company administrator, into their company.
 * POST may name an earlier production ("from"): its departments, rhythm,
 * collection schedule and plan actions (as drafts) carry over; never its
 * readings or its people. The list is the company view: each production
 * with its footprint total and its plan's progress. An archived production
 * refuses edits here as everywhere (auth_refuse_archived).
 */
#include "api.h"
#include "app.h"
#include "auth.h"
#include "authz.h"
#include "bundle.h"
#include "carbon.h"
#include "clock.h"
#include "collect.h"
#include "company.h"
#include "err.h"
#include "http.h"
#include "identity.h"
#include "ids.h"
#include "plan.h"
#include "production.h"
#include "server.h"
#include "sync.h"
#include "transfer.h"

#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PRODUCTION_BODY_MAX 65536
/* An archive to import: photos included, so far above the JSON body cap.
 * Both sizes are held in memory during the import (docs/operations.md). */
#define IMPORT_BODY_MAX ((size_t)256 * 1024 * 1024)
#define IMPORT_INFLATED_MAX ((size_t)512 * 1024 * 1024)

/* Authenticates an office session (no production needed). Returns 0 or the status sent. */
static int office(struct http_req *r, struct auth_principal *p)
{
    int status = auth_request_in(r, r->body, r->body_len, NULL, 0, p);

    if (status == 0 && p->is_device)
        status = http_error(r, 403, "office_only", NULL,
                            "productions are managed from the office, not from a phone");
    return status;
}

/* The production id of the path, and the caller's rights on it (404 when
 * none: a stranger cannot tell which productions exist). */
static int scoped(struct http_req *r, struct auth_principal *p, int need, char *id, size_t len)
{
    int rights = 0;
    int status = office(r, p);
    int rc;

    if (status != 0)
        return status;
    if (server_path_param(r, 0, id, len) != EP_OK || !ids_valid(id))
        return http_error(r, 404, "not_found", NULL, "no such production");
    rc = production_rights(r->db, id, p->account_id, &rights);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read rights");
    if ((rights & PRODUCTION_READ) == 0)
        return http_error(r, 404, "not_found", NULL, "no production '%s'", id);
    if ((rights & need) != need) {
        auth_audit(r, p, id, "auth.forbidden", "production.write");
        return http_error(r, 403, "forbidden", NULL,
                          "only the company's or the production's administrators change it");
    }
    return 0;
}

/* The production with the rhythm the schedule really uses ("rhythm_effective"). */
static int send_production(struct http_req *r, int status, const char *id)
{
    json_t *o = NULL;
    int rc = production_get(r->db, id, &o);

    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), rc == EP_ENOTFOUND ? "not_found" : "internal",
                          NULL, "cannot read production '%s'", id);
    {
        const char *rhythm = json_string_value(json_object_get(o, "rhythm"));
        const json_t *shoot = json_object_get(json_object_get(o, "phases"), "shooting");
        const char *eff = rhythm != NULL && strcmp(rhythm, "auto") != 0
                              ? rhythm
                              : collect_freq_name(collect_default_frequency(
                                    json_string_value(json_object_get(o, "kind")),
                                    json_string_value(json_object_get(shoot, "from")),
                                    json_string_value(json_object_get(shoot, "to"))));
        json_object_set_new(o, "rhythm_effective", json_string(eff));
    }
    return http_json_new(r, status, o);
}

/* Validates a body (merged over base when base is non-NULL) into *checked.
 * With from non-NULL, the body may name an earlier production ("from"): its
 * id is copied into from[IDENTITY_ID_MAX + 1] ("" when absent). Returns 0 or
 * the 400 sent. */
static int read_checked(struct http_req *r, json_t *base, json_t **checked, char *from)
{
    json_t *in = NULL;
    struct ep_error err = {0};
    int status = http_read_json(r, &in);
    int rc;

    *checked = NULL;
    if (status != 0)
        return status;
    if (from != NULL) {
        json_t *f = json_object_get(in, "from");
        from[0] = '\0';
        if (f != NULL && (!json_is_string(f) || !ids_valid(json_string_value(f)))) {
            json_decref(in);
            return http_error(r, 400, "invalid_request", "from",
                              "from is the id of an earlier production");
        }
        if (f != NULL) {
            snprintf(from, IDENTITY_ID_MAX + 1, "%s", json_string_value(f));
            json_object_del(in, "from");
        }
    }
    if (base != NULL) {
        json_object_update(base, in);
        json_decref(in);
        in = json_incref(base);
    }
    rc = production_check(in, checked, &err);
    json_decref(in);
    if (rc == EP_EINVAL)
        return api_error(r, 400, "invalid_request", &err);
    if (rc != EP_OK)
        return http_error(r, 500, "internal", NULL, "out of memory");
    return 0;
}

static int title_taken(struct http_req *r)
{
    return http_error(r, 409, "title_taken", "title",
                      "another production of the company already has this title");
}

/*
 * The company view (docs/operations.md): each production's footprint
 * total from its readings (the final kind, as GET .../footprint answers by
 * default) and its plan's progress, counted by status
 * (plan_progress's "atteint", "en_bonne_voie", "en_retard", "sans_donnee",
 * "brouillon"). One footprint and one plan computation per production: the
 * list of a company, not a hot path.
 */
static int add_summaries(struct db *db, json_t *list)
{
    char today[11];
    size_t i;
    json_t *p;
    int rc = EP_OK;
    time_t now = (time_t)(clock_now_ms() / 1000);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(today, sizeof(today), "%Y-%m-%d", &tm);
    json_array_foreach(list, i, p)
    {
        const char *id = json_string_value(json_object_get(p, "id"));
        json_t *fp = NULL, *pp = NULL, *counts = json_object(), *a;
        size_t k;
        if (counts == NULL)
            return EP_ENOMEM;
        rc = carbon_footprint(db, id, CARBON_FINAL, 0, &fp);
        if (rc == EP_OK)
            rc = plan_progress(db, id, today, "fr", &pp); /* only statuses read */
        if (rc == EP_OK) {
            json_array_foreach(json_object_get(pp, "actions"), k, a)
            {
                const char *st = json_string_value(json_object_get(a, "status"));
                if (st != NULL)
                    json_object_set_new(
                        counts, st,
                        json_integer(json_integer_value(json_object_get(counts, st)) + 1));
            }
            json_object_set(p, "footprint_kg", json_object_get(fp, "total_kg"));
            json_object_set_new(
                p, "plan",
                json_pack("{s:I, s:O}", "actions",
                          (json_int_t)json_array_size(json_object_get(pp, "actions")), "by_status",
                          counts));
        }
        json_decref(counts);
        json_decref(fp);
        json_decref(pp);
        if (rc != EP_OK)
            return rc;
    }
    return EP_OK;
}

int api_productions_list(struct http_req *r)
{
    struct auth_principal p;
    struct company c;
    json_t *list = NULL;
    int status = office(r, &p);
    int rc;

    if (status != 0)
        return status;
    rc = production_list(r->db, p.account_id, &list);
    if (rc == EP_OK)
        rc = add_summaries(r->db, list);
    if (rc != EP_OK) {
        json_decref(list);
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot list productions");
    }
    rc = company_of_admin(r->db, p.account_id, &c);
    if (rc != EP_OK && rc != EP_ENOTFOUND) {
        json_decref(list);
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read the company");
    }
    return http_json_new(r, 200,
                         json_pack("{s:o, s:o}", "company",
                                   rc == EP_OK ? company_json(&c) : json_null(), "productions",
                                   list));
}

/* Starting from an earlier production: departments and rhythm come from it
 * unless the body sets them. The caller must be able to read it. */
static int inherit(struct http_req *r, const struct auth_principal *p, const char *from,
                   json_t *checked)
{
    json_t *old = NULL;
    int rights = 0;
    int rc = production_rights(r->db, from, p->account_id, &rights);

    if (rc == EP_OK && (rights & PRODUCTION_READ) == 0)
        return http_error(r, 404, "not_found", "from", "no production '%s'", from);
    if (rc == EP_OK)
        rc = production_editable(r->db, from, &old);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read '%s'", from);
    if (json_array_size(json_object_get(checked, "departments")) == 0)
        json_object_set(checked, "departments", json_object_get(old, "departments"));
    if (strcmp(json_string_value(json_object_get(checked, "rhythm")), "auto") == 0)
        json_object_set(checked, "rhythm", json_object_get(old, "rhythm"));
    json_decref(old);
    return 0;
}

/* After creating id from an earlier production: its collection schedule and
 * its plan's actions, as drafts with new ids, written through the sync
 * engine as the creator (so phones pull them like any office edit). Never
 * readings, never people. */
static int carry_over(struct http_req *r, const struct auth_principal *creator, const char *from,
                      const char *id)
{
    struct auth_principal p = *creator;
    struct identity_member m;
    struct sync_actor actor;
    struct sync_opts opts;
    struct api_actor_buf ab;
    json_t *actions = NULL, *a;
    size_t i;
    int rc = production_copy_schedule(r->db, from, id, clock_now_ms());

    if (rc == EP_OK)
        rc = identity_member_of_account(r->db, p.account_id, id, &m);
    if (rc == EP_OK)
        rc = production_draft_actions(r->db, from, &actions);
    if (rc != EP_OK)
        return rc;
    snprintf(p.production_id, sizeof(p.production_id), "%s", id);
    snprintf(p.member_id, sizeof(p.member_id), "%s", m.id);
    snprintf(p.department, sizeof(p.department), "%s", m.department);
    p.role = m.role;
    rc = api_sync_actor(r, &p, &actor, &ab);
    json_array_foreach(actions, i, a)
    {
        unsigned char rnd[12];
        char rid[4 + 2 * 12 + 1];
        json_t *ack = NULL;
        if (rc != EP_OK)
            break;
        randombytes_buf(rnd, sizeof(rnd));
        snprintf(rid, sizeof(rid), "act-");
        sodium_bin2hex(rid + 4, sizeof(rid) - 4, rnd, sizeof(rnd));
        memset(&opts, 0, sizeof(opts));
        opts.now_ms = clock_now_ms();
        opts.authorize = authz_sync_op;
        opts.can_read = authz_sync_read;
        rc = sync_server_put(r->db, &opts, &actor, "actions", rid, json_object_get(a, "fields"),
                             &ack);
        if (rc == EP_OK &&
            strcmp(json_string_value(json_object_get(ack, "status")), "applied") != 0)
            rc = EP_EINVAL;
        json_decref(ack);
    }
    json_decref(actions);
    return rc;
}

int api_productions_create(struct http_req *r)
{
    struct auth_principal p;
    struct company c;
    struct identity_account acc;
    json_t *checked = NULL;
    char id[IDENTITY_ID_MAX + 1], from[IDENTITY_ID_MAX + 1] = "";
    int status = office(r, &p);
    int rc;

    if (status != 0)
        return status;
    rc = company_of_admin(r->db, p.account_id, &c);
    if (rc == EP_ENOTFOUND) {
        auth_audit(r, &p, NULL, "auth.forbidden", "production.create");
        return http_error(r, 403, "forbidden", NULL,
                          "only a company administrator creates productions");
    }
    if (rc == EP_OK)
        rc = identity_account_by_id(r->db, p.account_id, &acc);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read the company");
    status = read_checked(r, NULL, &checked, from);
    if (status != 0)
        return status;
    if (from[0] != '\0') {
        status = inherit(r, &p, from, checked);
        if (status != 0) {
            json_decref(checked);
            return status;
        }
    }
    production_make_id(json_string_value(json_object_get(checked, "title")), id, sizeof(id));
    rc = production_create(r->db, id, c.id, checked, acc.id, acc.name, clock_now_ms());
    json_decref(checked);
    if (rc == EP_ECONFLICT)
        return title_taken(r);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot create: %s",
                          ep_strerror(rc));
    auth_audit(r, &p, id, "production.created", "in company %s%s%s", c.id,
               from[0] != '\0' ? ", from " : "", from);
    if (from[0] != '\0') {
        rc = carry_over(r, &p, from, id);
        if (rc != EP_OK)
            return http_error(r, http_status_for(rc), "internal", NULL,
                              "created, but the earlier production's plan was not all copied: %s",
                              ep_strerror(rc));
    }
    return send_production(r, 201, id);
}

int api_productions_get(struct http_req *r)
{
    struct auth_principal p;
    char id[IDENTITY_ID_MAX + 1];
    int status = scoped(r, &p, PRODUCTION_READ, id, sizeof(id));

    return status != 0 ? status : send_production(r, 200, id);
}

int api_productions_update(struct http_req *r)
{
    struct auth_principal p;
    char id[IDENTITY_ID_MAX + 1];
    json_t *base = NULL, *checked = NULL;
    int status = scoped(r, &p, PRODUCTION_WRITE, id, sizeof(id));
    int rc;

    if (status == 0)
        status = auth_refuse_archived(r, id, 0); /* reopen it first */
    if (status != 0)
        return status;
    /* Fields left out keep their value: the screen may send only what changed. */
    rc = production_editable(r->db, id, &base);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read production");
    status = read_checked(r, base, &checked, NULL);
    json_decref(base);
    if (status != 0)
        return status;
    rc = production_update(r->db, id, checked);
    json_decref(checked);
    if (rc == EP_ECONFLICT)
        return title_taken(r);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot update: %s",
                          ep_strerror(rc));
    auth_audit(r, &p, id, "production.updated", "fields replaced");
    return send_production(r, 200, id);
}

static int set_archived(struct http_req *r, int archive)
{
    struct auth_principal p;
    char id[IDENTITY_ID_MAX + 1];
    int status = scoped(r, &p, PRODUCTION_WRITE, id, sizeof(id));
    int archived = 0;
    int rc;

    if (status != 0)
        return status;
    /* Archiving twice keeps the first date: a retried request changes nothing. */
    rc = production_archived(r->db, id, &archived);
    if (rc == EP_OK && archived == archive)
        return send_production(r, 200, id);
    if (rc == EP_OK)
        rc = production_set_archived(r->db, id, archive ? clock_now_ms() : 0);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot change production");
    auth_audit(r, &p, id, archive ? "production.archived" : "production.reopened", "%s", id);
    return send_production(r, 200, id);
}

int api_productions_archive(struct http_req *r)
{
    return set_archived(r, 1);
}

int api_productions_reopen(struct http_req *r)
{
    return set_archived(r, 0);
}

int api_productions_export(struct http_req *r)
{
    struct auth_principal p;
    struct transfer_list l;
    char id[IDENTITY_ID_MAX + 1], name[IDENTITY_ID_MAX + 32];
    char *zip = NULL;
    size_t len = 0;
    /* Administrators only: the archive holds the members' password hashes. */
    int status = scoped(r, &p, PRODUCTION_WRITE, id, sizeof(id));
    int rc;

    if (status != 0)
        return status;
    memset(&l, 0, sizeof(l));
    rc = transfer_export(r->db, id, clock_now_ms(), &l);
    if (rc == EP_OK)
        rc = bundle_pack(&l, &zip, &len);
    transfer_list_release(&l);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot export: %s",
                          ep_strerror(rc));
    auth_audit(r, &p, id, "production.exported", "%zu bytes", len);
    api_file_name(r, id, "", ".ecoplateau.zip", name, sizeof(name));
    status = http_download(r, "application/zip", name, zip, len);
    free(zip);
    return status;
}

int api_productions_import(struct http_req *r)
{
    struct auth_principal p;
    struct company c;
    struct identity_account acc;
    struct transfer_list l;
    char id[IDENTITY_ID_MAX + 1] = "";
    struct ep_error err;
    char *body = NULL;
    size_t len = 0;
    int status = office(r, &p);
    int rc;

    if (status != 0)
        return status;
    rc = company_of_admin(r->db, p.account_id, &c);
    if (rc == EP_OK)
        rc = identity_account_by_id(r->db, p.account_id, &acc);
    if (rc == EP_ENOTFOUND) {
        auth_audit(r, &p, NULL, "auth.forbidden", "production.import");
        return http_error(r, 403, "forbidden", NULL,
                          "only a company administrator imports productions");
    }
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read the company");
    status = http_read_body(r, IMPORT_BODY_MAX, &body, &len);
    if (status != 0)
        return status;
    memset(&l, 0, sizeof(l));
    rc = bundle_unpack(body, len, IMPORT_INFLATED_MAX, &l, &err);
    free(body);
    if (rc == EP_OK)
        rc = transfer_import(r->db, &l, c.id, acc.id, acc.name, id, sizeof(id), &err);
    transfer_list_release(&l);
    switch (rc) {
    case EP_OK:
        break;
    case EP_EINVAL:
        return api_error(r, 400, "archive_invalid", &err);
    case EP_ESCHEMA:
        return api_error(r, 400, "archive_too_new", &err);
    case EP_ETOOBIG:
        return api_error(r, 413, "body_too_large", &err);
    case EP_ECONFLICT:
        return api_error(r, 409, "archive_conflict", &err);
    default:
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot import: %s",
                          err.message[0] != '\0' ? err.message : ep_strerror(rc));
    }
    auth_audit(r, &p, id, "production.imported", "into company %s", c.id);
    return send_production(r, 201, id);
}
