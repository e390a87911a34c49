/*
 * api_comms.c - publishing signed communications (C5): the office signs a
 * communication's exact bytes with the production key; the envelope is
 * stored in the record so phones receive and verify it offline.
 */
#include "api.h"

#include "auth.h"
#include "comms.h"
#include "err.h"
#include "server.h"
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path: /api/v1/productions/<prod>/communications/<id>/... */
static int ids(struct http_req *r, char *prod, size_t plen, char *id, size_t ilen)
{
    if (server_path_param(r, 0, prod, plen) != EP_OK || server_path_param(r, 1, id, ilen) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such communication");
    return 0;
}

int api_comms_publish(struct http_req *r)
{
    struct auth_principal p;
    struct sync_actor actor;
    struct sync_opts opts;
    char prod[80], id[80], dev[80], why[256] = "";
    json_t *env = NULL, *fields = NULL, *ack = NULL;
    int status = ids(r, prod, sizeof(prod), id, sizeof(id));
    int rc;

    if (status == 0)
        status = auth_request_in(r, NULL, 0, prod, 1, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_OFFICE_WRITE);
    if (status != 0)
        return status;
    rc = comms_sign(r->app->auth, r->db, prod, id, server_now_ms(), &env, why, sizeof(why));
    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "not_found", NULL, "no communication '%s'", id);
    if (rc == EP_EINVAL)
        return http_error(r, 400, "incomplete", NULL, "%s", why);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot sign: %s",
                          ep_strerror(rc));
    /* The envelope travels with the record, like any edit. */
    auth_actor(&p, &actor);
    snprintf(dev, sizeof(dev), "office-%s", p.account_id);
    if (p.is_device)
        snprintf(dev, sizeof(dev), "%s", p.device_id);
    actor.device_id = dev;
    memset(&opts, 0, sizeof(opts));
    opts.now_ms = server_now_ms();
    opts.authorize = authz_sync_op;
    fields = json_pack("{s:O, s:s}", "signed", env, "status", "sent");
    rc = sync_server_put(r->db, &opts, &actor, "communications", id, fields, &ack);
    json_decref(fields);
    if (rc != EP_OK || strcmp(json_string_value(json_object_get(ack, "status")), "applied") != 0) {
        json_decref(env);
        json_decref(ack);
        return http_error(r, rc != EP_OK ? http_status_for(rc) : 403, "not_stored", NULL,
                          "the signed communication could not be stored");
    }
    json_decref(ack);
    auth_audit(r, &p, NULL, "comms.publish", "communication %s signed", id);
    return http_json_new(r, 200, json_pack("{s:o}", "signed", env));
}

int api_comms_signed(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], id[80], name[128];
    json_t *rec = NULL, *env;
    int status = ids(r, prod, sizeof(prod), id, sizeof(id));
    int rc;

    if (status == 0)
        status = auth_request_in(r, NULL, 0, prod, 1, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_SYNC_PULL);
    if (status != 0)
        return status;
    rc = sync_record_get(r->db, prod, "communications", id, &rec);
    env = json_object_get(rec, "signed");
    if (rc != EP_OK || !json_is_object(env)) {
        json_decref(rec);
        return http_error(r, 404, "not_found", NULL, "communication '%s' is not published", id);
    }
    snprintf(name, sizeof(name), "attachment; filename=\"communication-%s.json\"", id);
    mg_response_header_start(r->conn, 200);
    mg_response_header_add(r->conn, "Content-Disposition", name, -1);
    /* headers then body through the shared JSON path would resend a status
     * line, so send the body here */
    {
        char *text = json_dumps(env, JSON_COMPACT);
        char clen[32];
        size_t len = text != NULL ? strlen(text) : 0;
        snprintf(clen, sizeof(clen), "%zu", len);
        mg_response_header_add(r->conn, "Content-Type", "application/json; charset=utf-8", -1);
        mg_response_header_add(r->conn, "Content-Length", clen, -1);
        mg_response_header_add(r->conn, "Cache-Control", "no-store", -1);
        http_security_headers(r->conn);
        mg_response_header_send(r->conn);
        if (text != NULL && strcmp(r->ri->request_method, "HEAD") != 0)
            mg_write(r->conn, text, len);
        free(text);
    }
    json_decref(rec);
    return 200;
}
