/*
 * api_forecast.c - the forecast as filed (docs/carbon.md, "The forecast,
 * filed"; sync/domain/forecast.h): every member reads the current estimates
 * and the filed versions; the office (AUTHZ_OFFICE_WRITE) files the current
 * estimates as a new version. A filed version never changes.
 */
#include "api.h"
#include "clock.h"
#include "jsonin.h"

#include "auth.h"
#include "err.h"
#include "forecast.h"
#include "server.h"

#include <stdlib.h>
#include <string.h>

#define FORECAST_BODY_MAX 1024

static int member_of(struct http_req *r, const char *body, size_t len, char *prod, size_t plen,
                     enum authz_action action, struct auth_principal *p)
{
    int status;

    if (server_path_param(r, 0, prod, plen) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such production");
    status = auth_request_in(r, body, len, prod, 1, p);
    if (status == 0)
        status = auth_require(r, p, action);
    return status;
}

int api_forecast_get(struct http_req *r)
{
    struct auth_principal p;
    char prod[80];
    json_t *out = NULL;
    int status = member_of(r, NULL, 0, prod, sizeof(prod), AUTHZ_SYNC_PULL, &p);
    int rc;

    if (status != 0)
        return status;
    rc = forecast_list(r->db, prod, &out);
    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "not_found", NULL, "no such production");
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read the forecast: %s",
                          ep_strerror(rc));
    return http_json_new(r, 200, out);
}

int api_forecast_version(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], v[16];
    json_t *out = NULL;
    char *end = NULL;
    long version;
    int status = member_of(r, NULL, 0, prod, sizeof(prod), AUTHZ_SYNC_PULL, &p);
    int rc;

    if (status != 0)
        return status;
    if (server_path_param(r, 1, v, sizeof(v)) != EP_OK)
        return http_error(r, 404, "not_found", "version", "no such version");
    version = strtol(v, &end, 10);
    if (end == v || *end != '\0' || version < 1 || version > 1000000)
        return http_error(r, 400, "invalid_request", "version",
                          "version must be a whole number from 1");
    rc = forecast_get(r->db, prod, (int)version, &out);
    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "not_found", "version", "no filed version %ld", version);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read: %s",
                          ep_strerror(rc));
    return http_json_new(r, 200, out);
}

/* Body {"label": "Devis"}: files the current estimates as the next version. */
int api_forecast_file(struct http_req *r)
{
    struct auth_principal p;
    char prod[80];
    char *body = NULL;
    size_t len = 0;
    json_t *root = NULL, *out = NULL;
    json_error_t jerr;
    const char *label = NULL;
    int status, rc;

    status = http_read_body(r, FORECAST_BODY_MAX, &body, &len);
    if (status == 0)
        status = member_of(r, body, len, prod, sizeof(prod), AUTHZ_OFFICE_WRITE, &p);
    if (status != 0)
        goto out;
    root = jsonin_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL || !json_is_object(root)) {
        status = http_error(r, 400, "malformed_json", NULL, "the body must be a JSON object");
        goto out;
    }
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s}", "label", &label) != 0) {
        status = json_object_get(root, "label") != NULL
                     ? http_error(r, 400, "invalid_request", "label", "label must be a text")
                     : http_unpack_error(r, &jerr);
        goto out;
    }
    rc = forecast_file(r->db, prod, label, p.member_id, clock_now_ms(), &out);
    if (rc == EP_EINVAL)
        status =
            http_error(r, 400, "invalid_request", "label",
                       "label is 1 to %d bytes (\"Devis\", \"Révision 1\")", FORECAST_LABEL_MAX);
    else if (rc == EP_ENOTFOUND)
        status = http_error(r, 404, "not_found", NULL, "no such production");
    else if (rc != EP_OK)
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot file: %s",
                            ep_strerror(rc));
    else
        status = http_json_new(r, 201, out);
out:
    json_decref(root);
    free(body);
    return status;
}
