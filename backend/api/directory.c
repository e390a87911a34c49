/*
 * directory.c - the company directory as CSV (C3): export for every member,
 * import for the office (AUTHZ_OFFICE_WRITE), as ops through the engine.
 */
#include "api.h"
#include "app.h"

#include "auth.h"
#include "authz.h"
#include "directory.h"
#include "err.h"
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>

int api_directory_csv(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], space[DIRECTORY_SPACE_MAX], name[128], lang[3];
    char *csv = NULL;
    size_t len = 0;
    int status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    int rc;

    if (status == 0)
        status = api_lang_param(r, &p, lang);
    if (status != 0)
        return status;
    rc = directory_space(r->db, prod, space, sizeof(space));
    if (rc == EP_OK)
        rc = directory_csv(r->db, space, lang, &csv, &len);
    if (rc != EP_OK)
        return api_storage_error(r, rc, "write the directory");
    api_file_name(r, prod, "annuaire", ".csv", name, sizeof(name));
    status = http_download(r, "text/csv; charset=utf-8", name, csv, len);
    free(csv);
    return status;
}

int api_directory_import(struct http_req *r)
{
    struct auth_principal p;
    struct sync_actor actor;
    struct sync_opts opts;
    struct api_actor_buf ab;
    char prod[80];
    char *body = NULL;
    size_t len = 0;
    json_t *report = NULL;
    int status, rc;

    status = http_read_body(r, r->app->cfg->max_body, &body, &len);
    if (status != 0)
        return status;
    status = api_authorise(r, body, len, AUTHZ_OFFICE_WRITE, prod, sizeof(prod), &p);
    if (status != 0)
        goto out;
    rc = api_sync_actor(r, &p, &actor, &ab);
    if (rc != EP_OK) {
        status = api_storage_error(r, rc, "find the company");
        goto out;
    }
    api_opts_now(&opts);
    rc = directory_import_csv(r->db, &opts, &actor, body, len, &report);
    if (rc == EP_EINVAL && report != NULL) {
        /* The usual error object, plus every bad row: the file is fixed in
         * one go, and nothing of it was imported. */
        json_int_t n = json_integer_value(json_object_get(report, "error_count"));
        char msg[160];
        snprintf(msg, sizeof(msg), "%lld problem%s in the file: nothing was imported", (long long)n,
                 n == 1 ? "" : "s");
        status = http_json_new(r, 422,
                               json_pack("{s:{s:s, s:s, s:n}, s:O}", "error", "code", "invalid_csv",
                                         "message", msg, "field", "rows",
                                         json_object_get(report, "errors")));
        goto out;
    }
    if (rc != EP_OK) {
        status = api_storage_error(r, rc, "import");
        goto out;
    }
    auth_audit(r, &p, NULL, "directory.import", "%lld entries",
               (long long)json_integer_value(json_object_get(report, "imported")));
    status = http_json(r, 200, report);
out:
    json_decref(report);
    free(body);
    return status;
}
