/*
 * collect.c - what is missing from the collection (C7), for the whole
 * production and for the person asking (the phone's reminders). The
 * computation is sync/domain/collect.c's.
 */
#include "api.h"

#include "auth.h"
#include "collect.h"
#include "err.h"

#include <string.h>

/* What is missing, for everyone (mine 0) or for the person asking (mine 1). */
static int missing(struct http_req *r, int mine)
{
    struct auth_principal p;
    char prod[80], today[11];
    json_t *out = NULL;
    int status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    int rc;

    if (status == 0)
        status = api_today_param(r, today);
    if (status != 0)
        return status;
    rc = collect_missing(r->db, prod, today, mine ? p.member_id : NULL, mine ? p.department : NULL,
                         &out);
    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "not_found", NULL, "no such production");
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot compute: %s",
                          ep_strerror(rc));
    return http_json_new(r, 200, out);
}

int api_collect_missing(struct http_req *r)
{
    return missing(r, 0);
}

int api_collect_mine(struct http_req *r)
{
    return missing(r, 1);
}
