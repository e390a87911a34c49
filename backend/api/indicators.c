/*
 * indicators.c - the indicator catalogue (C7), for every signed-in user.
 */
#include "api.h"

#include "auth.h"
#include "carbon.h"
#include "err.h"

int api_indicators(struct http_req *r)
{
    struct auth_principal p;
    json_t *list = NULL;
    int status = auth_request_in(r, NULL, 0, NULL, 0, &p);
    int rc;

    if (status != 0)
        return status;
    rc = carbon_catalogue(r->db, &list);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read the catalogue");
    return http_json_new(r, 200, json_pack("{s:o}", "indicators", list));
}
