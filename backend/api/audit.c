/*
 * audit.c - the production's audit log, for its administrators
 * (docs/security.md).
 */
#include "api.h"

#include "auth.h"
#include "authz.h"
#include "err.h"
#include "identity.h"

#include <stdlib.h>
#include <string.h>

int api_audit_list(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1];
    char v[32];
    long long before = 0, limit = 100;
    json_t *list = NULL;
    const char *qs = r->ri->query_string;
    int status = api_authorise(r, NULL, 0, AUTHZ_AUDIT_READ, prod, sizeof(prod), &p);
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
