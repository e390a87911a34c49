/*
 * plan.c - the action plan (C4, C6, C9): the action library, starting actions
 * from it (the office: AUTHZ_OFFICE_WRITE), the plan's exports, its progress
 * and dysfunctions as of a day. Reading needs membership of the production;
 * crew never edit the plan (docs/plan.md).
 */
#include "api.h"
#include "app.h"
#include "jsonin.h"

#include "auth.h"
#include "authz.h"
#include "carbon.h"
#include "err.h"
#include "export_plan.h"
#include "plan.h"
#include "sync.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int api_plan_library(struct http_req *r)
{
    struct auth_principal p;
    json_t *list = NULL;
    int status = auth_request_in(r, NULL, 0, NULL, 0, &p);
    int rc;

    if (status != 0)
        return status;
    rc = plan_library(r->db, NULL, &list);
    if (rc != EP_OK)
        return api_storage_error(r, rc, "read the library");
    return http_json_new(r, 200, json_pack("{s:o}", "library", list));
}

int api_plan_from_library(struct http_req *r)
{
    struct auth_principal p;
    struct sync_actor actor;
    struct sync_opts opts;
    struct api_actor_buf ab;
    json_error_t jerr;
    char prod[80], fresh[4 + 2 * 12 + 1];
    char *body = NULL;
    size_t len = 0;
    json_t *req = NULL, *entry = NULL, *fields = NULL, *ack = NULL;
    const char *lib = NULL, *id = NULL;
    int status, rc;

    status = http_read_body(r, r->app->cfg->max_body, &body, &len);
    if (status != 0)
        return status;
    status = api_authorise(r, body, len, AUTHZ_OFFICE_WRITE, prod, sizeof(prod), &p);
    if (status != 0)
        goto out;
    req = jsonin_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (req == NULL) {
        status = http_error(r, 400, "malformed_json", NULL, "%s", jerr.text);
        goto out;
    }
    if (json_unpack_ex(req, &jerr, JSON_STRICT, "{s:s, s?s}", "library", &lib, "id", &id) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    rc = plan_library(r->db, lib, &entry);
    if (rc == EP_ENOTFOUND) {
        status = http_error(r, 404, "not_found", "library", "no library action '%s'", lib);
        goto out;
    }
    if (rc != EP_OK) {
        status = api_storage_error(r, rc, "read the library");
        goto out;
    }
    if (id == NULL) {
        unsigned char rnd[12];
        randombytes_buf(rnd, sizeof(rnd));
        snprintf(fresh, sizeof(fresh), "act-");
        sodium_bin2hex(fresh + 4, sizeof(fresh) - 4, rnd, sizeof(rnd));
        id = fresh;
    }
    fields = plan_action_from_library(entry);
    rc = fields != NULL ? api_sync_actor(r, &p, &actor, &ab) : EP_ENOMEM;
    if (rc == EP_OK) {
        api_opts_now(&opts);
        rc = sync_server_put(r->db, &opts, &actor, "actions", id, fields, &ack);
    }
    if (rc != EP_OK) {
        status = api_storage_error(r, rc, "start the action");
        goto out;
    }
    if (strcmp(json_string_value(json_object_get(ack, "status")), "applied") != 0) {
        const char *code = json_string_value(json_object_get(ack, "code"));
        status = http_error(r, code != NULL && strcmp(code, "id_collision") == 0 ? 409 : 400,
                            code != NULL ? code : "rejected", "id", "%s",
                            json_string_value(json_object_get(ack, "reason")));
        goto out;
    }
    status = http_json_new(r, 201, json_pack("{s:s, s:O}", "id", id, "fields", fields));
out:
    json_decref(req);
    json_decref(entry);
    json_decref(fields);
    json_decref(ack);
    free(body);
    return status;
}

enum plan_format { PLAN_CSV, PLAN_XLSX, PLAN_PDF };

static int plan_download(struct http_req *r, enum plan_format fmt)
{
    static const char *const types[] = {
        "text/csv; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/pdf"};
    static const char *const exts[] = {"csv", "xlsx", "pdf"};
    struct auth_principal p;
    struct export_doc doc;
    char prod[80], today[11], name[128], lang[3], ext[12];
    json_t *progress = NULL, *catalogue = NULL;
    char *data = NULL;
    size_t len = 0;
    int status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    int rc;

    if (status == 0)
        status = api_today_param(r, today);
    if (status == 0)
        status = api_lang_param(r, &p, lang);
    if (status != 0)
        return status;
    doc.lang = lang;
    rc = carbon_catalogue(r->db, &catalogue);
    doc.catalogue = catalogue;
    if (rc == EP_OK)
        rc = plan_progress(r->db, prod, today, lang, &progress);
    if (rc == EP_OK) {
        const char *title = json_string_value(json_object_get(progress, "title"));
        if (title == NULL || title[0] == '\0')
            title = prod;
        if (fmt == PLAN_CSV)
            rc = export_plan_csv(progress, &doc, &data, &len);
        else if (fmt == PLAN_XLSX)
            rc = export_plan_xlsx(progress, title, &doc, r->app->cfg->data_dir, &data, &len);
        else
            rc = export_plan_pdf(progress, title, &doc, &data, &len);
    }
    json_decref(progress);
    json_decref(catalogue);
    if (rc != EP_OK)
        return api_storage_error(r, rc, "export the plan");
    snprintf(ext, sizeof(ext), ".%s", exts[fmt]);
    api_file_name(r, prod, "plan-actions", ext, name, sizeof(name));
    status = http_download(r, types[fmt], name, data, len);
    free(data);
    return status;
}

int api_plan_csv(struct http_req *r)
{
    return plan_download(r, PLAN_CSV);
}

int api_plan_xlsx(struct http_req *r)
{
    return plan_download(r, PLAN_XLSX);
}

int api_plan_pdf(struct http_req *r)
{
    return plan_download(r, PLAN_PDF);
}

int api_plan_view(struct http_req *r,
                  int (*fn)(struct db *, const char *, const char *, const char *, json_t **))
{
    struct auth_principal p;
    char prod[80], today[11], lang[3];
    json_t *out = NULL;
    int status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    int rc;

    if (status == 0)
        status = api_today_param(r, today);
    if (status == 0)
        status = api_lang_param(r, &p, lang);
    if (status != 0)
        return status;
    rc = fn(r->db, prod, today, lang, &out);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot analyse the plan");
    return http_json_new(r, 200, out);
}

int api_plan_progress(struct http_req *r)
{
    return api_plan_view(r, plan_progress);
}

int api_plan_dysfunctions(struct http_req *r)
{
    return api_plan_view(r, plan_dysfunctions);
}
