/*
 * readings.c - the readings flagged for review (C7), for every member.
 */
#include "api.h"

#include "auth.h"
#include "carbon.h"
#include "err.h"

int api_readings_flagged(struct http_req *r)
{
    struct auth_principal p;
    char prod[80];
    json_t *list = NULL;
    int status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    int rc;

    if (status != 0)
        return status;
    rc = carbon_flagged(r->db, prod, &list);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read readings");
    return http_json_new(r, 200, json_pack("{s:o}", "flagged", list));
}
