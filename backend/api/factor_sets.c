/*
 * api/factor_sets.c - the emission factor sets a production's footprint is
 * computed with (docs/carbon.md, "The factor catalogue"): every member reads
 * which set is in use, its factors and what the latest set would change; the
 * office (AUTHZ_OFFICE_WRITE) moves the production to another set. A new set
 * never changes a footprint by itself.
 */
#include "api.h"
#include "clock.h"
#include "jsonin.h"

#include "auth.h"
#include "carbon.h"
#include "err.h"
#include "server.h"

#include <stdlib.h>

#define FACTOR_SET_BODY_MAX 256

static int factor_sets_reply(struct http_req *r, const char *prod)
{
    json_t *out = NULL;
    int rc = carbon_factor_sets(r->db, prod, &out);

    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "not_found", NULL, "no such production");
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL,
                          "cannot read the factor sets: %s", ep_strerror(rc));
    return http_json_new(r, 200, out);
}

int api_factor_sets_get(struct http_req *r)
{
    struct auth_principal p;
    char prod[80];
    int status;

    if (server_path_param(r, 0, prod, sizeof(prod)) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such production");
    status = auth_request_in(r, NULL, 0, prod, 1, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_SYNC_PULL);
    if (status != 0)
        return status;
    return factor_sets_reply(r, prod);
}

/* Body {"version": N}: the set the production's footprint is computed with
 * from now on. */
int api_factor_sets_put(struct http_req *r)
{
    struct auth_principal p;
    char prod[80];
    char *body = NULL;
    size_t len = 0;
    json_t *root = NULL, *jv = NULL;
    json_error_t jerr;
    json_int_t version = 0;
    int status, rc;

    status = http_read_body(r, FACTOR_SET_BODY_MAX, &body, &len);
    if (status == 0 && server_path_param(r, 0, prod, sizeof(prod)) != EP_OK)
        status = http_error(r, 404, "not_found", NULL, "no such production");
    if (status == 0)
        status = auth_request_in(r, body, len, prod, 1, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_OFFICE_WRITE);
    if (status != 0)
        goto out;
    root = jsonin_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL || !json_is_object(root)) {
        status = http_error(r, 400, "malformed_json", NULL, "the body must be a JSON object");
        goto out;
    }
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:o}", "version", &jv) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    version = json_is_integer(jv) ? json_integer_value(jv) : 0;
    if (version < 1 || version > 100000) {
        status = http_error(r, 400, "invalid_request", "version",
                            "version must be a factor set version number");
        goto out;
    }
    rc = carbon_pin_factor_set(r->db, prod, (int)version, clock_now_ms());
    if (rc == EP_ENOTFOUND)
        status = http_error(r, 404, "not_found", "version", "no factor set version %lld",
                            (long long)version);
    else if (rc != EP_OK)
        status =
            http_error(r, http_status_for(rc), "internal", NULL, "cannot pin: %s", ep_strerror(rc));
    else
        status = factor_sets_reply(r, prod);
out:
    json_decref(root);
    free(body);
    return status;
}
