/*
 * checkpoints.c - a planned checkpoint (C6) as a calendar invitation
 * (docs/plan.md).
 */
#include "api.h"
#include "app.h"
#include "clock.h"

#include "auth.h"
#include "authz.h"
#include "commstore.h"
#include "err.h"
#include "fmt.h"
#include "ical.h"
#include "server.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * GET .../checkpoints/ID/invitation.ics: a planned checkpoint (C6) as a
 * calendar invitation for the people it names ("with": member ids) that
 * have an email address. Its "time" ("HH:MM", default 09:00) and
 * "duration_min" (default 60) are optional fields of the record.
 */
int api_checkpoints_invitation(struct http_req *r)
{
    struct auth_principal p;
    struct ical_event e;
    struct ical_person *att = NULL;
    char prod[80], id[80], uid[200], start[32], name[128], slug[96], lang[3];
    json_t *cp = NULL, *people = NULL, *with, *x;
    const char *date, *time_of_day, *title;
    char *ics = NULL;
    size_t i, n = 0;
    json_int_t dur;
    int status, rc;

    memset(&p, 0, sizeof(p)); /* read below for the role: never garbage */
    status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    /* The invitation's own words are the asker's language (?lang=). */
    if (status == 0)
        status = api_lang_param(r, &p, lang);
    if (status != 0)
        return status;
    if (server_path_param(r, 1, id, sizeof(id)) != EP_OK ||
        sync_record_get(r->db, prod, "checkpoints", id, &cp) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such checkpoint");
    date = json_string_value(json_object_get(cp, "date"));
    time_of_day = json_string_value(json_object_get(cp, "time"));
    title = json_string_value(json_object_get(cp, "title"));
    snprintf(start, sizeof(start), "%.10sT%.5s", date != NULL ? date : "",
             time_of_day != NULL ? time_of_day : "09:00");
    if (date == NULL || strlen(date) != 10 || !ical_start_ok(start)) {
        status = http_error(r, 400, "invalid_request", "date",
                            "the checkpoint needs a date YYYY-MM-DD (and a time HH:MM, if any)");
        goto out;
    }
    rc = commstore_people(r->db, prod, &people);
    if (rc != EP_OK) {
        status = api_storage_error(r, rc, "read the people");
        goto out;
    }
    with = json_object_get(cp, "with");
    att = calloc(json_array_size(people) + 1, sizeof(*att));
    if (att == NULL) {
        status = http_error(r, 503, "busy", NULL, "out of memory, try again later");
        goto out;
    }
    json_array_foreach(people, i, x)
    {
        const char *mid = json_string_value(json_object_get(x, "id"));
        const char *email = json_string_value(json_object_get(x, "email"));
        size_t k;
        json_t *w;
        json_array_foreach(with, k, w)
        {
            /* Addresses are personal: only administrators see others'
             * (as on /members; docs/security.md). */
            if (mid != NULL && email != NULL && json_is_string(w) &&
                strcmp(json_string_value(w), mid) == 0 &&
                (p.role == SYNC_ROLE_ADMIN || strcmp(mid, p.member_id) == 0)) {
                att[n].email = email;
                att[n++].name = json_string_value(json_object_get(x, "name"));
            }
        }
    }
    dur = json_integer_value(json_object_get(cp, "duration_min"));
    memset(&e, 0, sizeof(e));
    snprintf(uid, sizeof(uid), "%s.%s@ecoplateau", prod, id);
    e.uid = uid;
    e.summary = title != NULL ? title : text_get(lang, "email.checkpoint");
    e.description = json_string_value(json_object_get(cp, "notes"));
    e.starts_at = start;
    e.duration_min = dur > 0 && dur <= (json_int_t)24 * 60 ? (int)dur : 60;
    e.organizer.email = r->app->cfg->smtp_from;
    e.organizer.name = text_get(lang, "email.organizer");
    e.attendees = att;
    e.nattendees = n;
    e.now_ms = clock_now_ms();
    rc = ical_build(&e, &ics);
    if (rc != EP_OK) {
        status = api_storage_error(r, rc, "write the invitation");
        goto out;
    }
    /* Named after the checkpoint's title (ASCII), never its id. */
    if (fmt_slug(slug, sizeof(slug), title)[0] == '\0')
        snprintf(slug, sizeof(slug), "point-etape");
    snprintf(name, sizeof(name), "%s.ics", slug);
    status = http_download(r, "text/calendar; charset=utf-8", name, ics, strlen(ics));
out:
    free(ics);
    free(att);
    json_decref(people);
    json_decref(cp);
    return status;
}
