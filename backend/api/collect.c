/*
 * collect.c - what is missing from the collection (C7), for the whole
 * production and for the person asking (the phone's reminders). The
 * computation is sync/domain/collect.c's.
 */
#include "api.h"
#include "clock.h"

#include "auth.h"
#include "collect.h"
#include "err.h"

#include <string.h>
#include <time.h>

/* ?today=YYYY-MM-DD, by default the server's date (UTC). */
static int today_param(struct http_req *r, char *today)
{
    const char *q = r->ri->query_string;
    long day;

    if (q != NULL && mg_get_var(q, strlen(q), "today", today, 11) >= 0) {
        if (collect_day(today, &day) != EP_OK)
            return http_error(r, 400, "invalid_request", "today",
                              "today must be a date YYYY-MM-DD");
        return 0;
    }
    {
        time_t t = (time_t)(clock_now_ms() / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(today, 11, "%Y-%m-%d", &tm);
    }
    return 0;
}

/* What is missing, for everyone (mine 0) or for the person asking (mine 1). */
static int missing(struct http_req *r, int mine)
{
    struct auth_principal p;
    char prod[80], today[11];
    json_t *out = NULL;
    int status = api_reader(r, prod, sizeof(prod), &p);
    int rc;

    if (status == 0)
        status = today_param(r, today);
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
