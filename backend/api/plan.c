/*
 * api_plan.c - the company directory's CSV (C3), the action library and the
 * plan's exports (C4), a task's reassignment history (C6). Reading needs
 * membership of the production; importing and starting actions need the
 * office roles (AUTHZ_OFFICE_WRITE): crew never edit the plan.
 */
#include "api.h"
#include "app.h"
#include "clock.h"
#include "jsonin.h"

#include "auth.h"
#include "authz.h"
#include "commstore.h"
#include "directory.h"
#include "err.h"
#include "export_plan.h"
#include "ical.h"
#include "plan.h"
#include "server.h"
#include "sync.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Authenticates a request on the production named by the path's first '*'
 * (body, len: the signed body, if any) and checks action. */
static int member(struct http_req *r, const char *body, size_t len, enum authz_action action,
                  char *prod, size_t plen, struct auth_principal *p)
{
    int status;

    if (server_path_param(r, 0, prod, plen) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such production");
    status = auth_request_in(r, body, len, prod, 1, p);
    if (status == 0)
        status = auth_require(r, p, action);
    return status;
}

static int storage(struct http_req *r, int rc, const char *what)
{
    return http_error(r, http_status_for(rc), "internal", NULL, "cannot %s: %s", what,
                      ep_strerror(rc));
}

static void opts_now(struct sync_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->now_ms = clock_now_ms();
    o->authorize = authz_sync_op;
    o->can_read = authz_sync_read;
}

int api_directory_csv(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], space[DIRECTORY_SPACE_MAX], name[128];
    char *csv = NULL;
    size_t len = 0;
    int status = member(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    int rc;

    if (status != 0)
        return status;
    rc = directory_space(r->db, prod, space, sizeof(space));
    if (rc == EP_OK)
        rc = directory_csv(r->db, space, &csv, &len);
    if (rc != EP_OK)
        return storage(r, rc, "write the directory");
    snprintf(name, sizeof(name), "annuaire-%s.csv", prod);
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
    status = member(r, body, len, AUTHZ_OFFICE_WRITE, prod, sizeof(prod), &p);
    if (status != 0)
        goto out;
    rc = api_sync_actor(r, &p, &actor, &ab);
    if (rc != EP_OK) {
        status = storage(r, rc, "find the company");
        goto out;
    }
    opts_now(&opts);
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
        status = storage(r, rc, "import");
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

int api_plan_library(struct http_req *r)
{
    struct auth_principal p;
    json_t *list = NULL;
    int status = auth_request_in(r, NULL, 0, NULL, 0, &p);
    int rc;

    if (status != 0)
        return status;
    rc = plan_library(r->db, NULL, &list);
    if (rc != EP_OK)
        return storage(r, rc, "read the library");
    return http_json_new(r, 200, json_pack("{s:o}", "library", list));
}

int api_plan_from_library(struct http_req *r)
{
    struct auth_principal p;
    struct sync_actor actor;
    struct sync_opts opts;
    struct api_actor_buf ab;
    json_error_t jerr;
    char prod[80], fresh[4 + 2 * 12 + 1];
    char *body = NULL;
    size_t len = 0;
    json_t *req = NULL, *entry = NULL, *fields = NULL, *ack = NULL;
    const char *lib = NULL, *id = NULL;
    int status, rc;

    status = http_read_body(r, r->app->cfg->max_body, &body, &len);
    if (status != 0)
        return status;
    status = member(r, body, len, AUTHZ_OFFICE_WRITE, prod, sizeof(prod), &p);
    if (status != 0)
        goto out;
    req = jsonin_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (req == NULL) {
        status = http_error(r, 400, "malformed_json", NULL, "%s", jerr.text);
        goto out;
    }
    if (json_unpack_ex(req, &jerr, JSON_STRICT, "{s:s, s?s}", "library", &lib, "id", &id) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    rc = plan_library(r->db, lib, &entry);
    if (rc == EP_ENOTFOUND) {
        status = http_error(r, 404, "not_found", "library", "no library action '%s'", lib);
        goto out;
    }
    if (rc != EP_OK) {
        status = storage(r, rc, "read the library");
        goto out;
    }
    if (id == NULL) {
        unsigned char rnd[12];
        randombytes_buf(rnd, sizeof(rnd));
        snprintf(fresh, sizeof(fresh), "act-");
        sodium_bin2hex(fresh + 4, sizeof(fresh) - 4, rnd, sizeof(rnd));
        id = fresh;
    }
    fields = plan_action_from_library(entry);
    rc = fields != NULL ? api_sync_actor(r, &p, &actor, &ab) : EP_ENOMEM;
    if (rc == EP_OK) {
        opts_now(&opts);
        rc = sync_server_put(r->db, &opts, &actor, "actions", id, fields, &ack);
    }
    if (rc != EP_OK) {
        status = storage(r, rc, "start the action");
        goto out;
    }
    if (strcmp(json_string_value(json_object_get(ack, "status")), "applied") != 0) {
        const char *code = json_string_value(json_object_get(ack, "code"));
        status = http_error(r, code != NULL && strcmp(code, "id_collision") == 0 ? 409 : 400,
                            code != NULL ? code : "rejected", "id", "%s",
                            json_string_value(json_object_get(ack, "reason")));
        goto out;
    }
    status = http_json_new(r, 201, json_pack("{s:s, s:O}", "id", id, "fields", fields));
out:
    json_decref(req);
    json_decref(entry);
    json_decref(fields);
    json_decref(ack);
    free(body);
    return status;
}

enum plan_format { PLAN_CSV, PLAN_XLSX, PLAN_PDF };

static int plan_download(struct http_req *r, enum plan_format fmt)
{
    static const char *const types[] = {
        "text/csv; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/pdf"};
    static const char *const exts[] = {"csv", "xlsx", "pdf"};
    struct auth_principal p;
    char prod[80], today[11], name[128];
    json_t *progress = NULL;
    char *data = NULL;
    size_t len = 0;
    int status = member(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    int rc;

    if (status == 0)
        status = api_today_param(r, today);
    if (status != 0)
        return status;
    rc = plan_progress(r->db, prod, today, &progress);
    if (rc == EP_OK) {
        const char *title = json_string_value(json_object_get(progress, "title"));
        if (title == NULL || title[0] == '\0')
            title = prod;
        if (fmt == PLAN_CSV)
            rc = plan_csv(progress, &data, &len);
        else if (fmt == PLAN_XLSX)
            rc = export_plan_xlsx(progress, title, r->app->cfg->data_dir, &data, &len);
        else
            rc = export_plan_pdf(progress, title, &data, &len);
    }
    json_decref(progress);
    if (rc != EP_OK)
        return storage(r, rc, "export the plan");
    snprintf(name, sizeof(name), "plan-actions-%s.%s", prod, exts[fmt]);
    status = http_download(r, types[fmt], name, data, len);
    free(data);
    return status;
}

int api_plan_csv(struct http_req *r)
{
    return plan_download(r, PLAN_CSV);
}

int api_plan_xlsx(struct http_req *r)
{
    return plan_download(r, PLAN_XLSX);
}

int api_plan_pdf(struct http_req *r)
{
    return plan_download(r, PLAN_PDF);
}

int api_task_history(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], task[80];
    json_t *list = NULL;
    int status = member(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    int rc;

    if (status != 0)
        return status;
    if (server_path_param(r, 1, task, sizeof(task)) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such task");
    rc = plan_field_history(r->db, prod, "tasks", task, "assignee", &list);
    if (rc != EP_OK)
        return storage(r, rc, "read the history");
    return http_json_new(r, 200, json_pack("{s:s, s:o}", "task", task, "assignee", list));
}

/*
 * GET .../checkpoints/ID/invitation.ics: a planned checkpoint (C6) as a
 * calendar invitation for the people it names ("with": member ids) that
 * have an email address. Its "time" ("HH:MM", default 09:00) and
 * "duration_min" (default 60) are optional fields of the record.
 */
int api_checkpoint_invitation(struct http_req *r)
{
    struct auth_principal p;
    struct ical_event e;
    struct ical_person *att = NULL;
    char prod[80], id[80], uid[200], start[32], name[128];
    json_t *cp = NULL, *people = NULL, *with, *x;
    const char *date, *time_of_day, *title;
    char *ics = NULL;
    size_t i, n = 0;
    json_int_t dur;
    int status, rc;

    memset(&p, 0, sizeof(p)); /* read below for the role: never garbage */
    status = member(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
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
        status = storage(r, rc, "read the people");
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
    e.summary = title != NULL ? title : "Point d'étape éco-responsable";
    e.description = json_string_value(json_object_get(cp, "notes"));
    e.starts_at = start;
    e.duration_min = dur > 0 && dur <= (json_int_t)24 * 60 ? (int)dur : 60;
    e.organizer.email = r->app->cfg->smtp_from;
    e.organizer.name = "Référent·e éco-responsable";
    e.attendees = att;
    e.nattendees = n;
    e.now_ms = clock_now_ms();
    rc = ical_build(&e, &ics);
    if (rc != EP_OK) {
        status = storage(r, rc, "write the invitation");
        goto out;
    }
    snprintf(name, sizeof(name), "%s.ics", id);
    status = http_download(r, "text/calendar; charset=utf-8", name, ics, strlen(ics));
out:
    free(ics);
    free(att);
    json_decref(people);
    json_decref(cp);
    return status;
}

int api_plan_view(struct http_req *r, int (*fn)(struct db *, const char *, const char *, json_t **))
{
    struct auth_principal p;
    char prod[80], today[11];
    json_t *out = NULL;
    int status = api_reader(r, prod, sizeof(prod), &p);
    int rc;

    if (status == 0)
        status = api_today_param(r, today);
    if (status != 0)
        return status;
    rc = fn(r->db, prod, today, &out);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot analyse the plan");
    return http_json_new(r, 200, out);
}

int api_plan_progress(struct http_req *r)
{
    return api_plan_view(r, plan_progress);
}

int api_plan_dysfunctions(struct http_req *r)
{
    return api_plan_view(r, plan_dysfunctions);
}
