/*
 * schedule.c - the collection schedule (C7): read it (every member), set or
 * reset one indicator's line, or set a group's lines in one step ("meals")
 * (the office: AUTHZ_OFFICE_WRITE). Each edit is kept with its author and
 * time (collect_history), returned with the schedule. The rules are
 * sync/domain/collect.c's.
 */
#include "api.h"
#include "clock.h"
#include "jsonin.h"

#include "auth.h"
#include "authz.h"
#include "collect.h"
#include "err.h"
#include "server.h"

#include <stdlib.h>
#include <string.h>

#define SCHEDULE_BODY_MAX 4096

/* The production (first '*') and, when want_ind, the indicator (second). */
static int path_ids(struct http_req *r, char *prod, size_t plen, char *ind, size_t ilen)
{
    if (server_path_param(r, 0, prod, plen) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such production");
    if (ind != NULL && server_path_param(r, 1, ind, ilen) != EP_OK)
        return http_error(r, 404, "unknown_indicator", "indicator", "no such indicator");
    return 0;
}

static int authorised(struct http_req *r, const char *body, size_t len, const char *prod,
                      enum authz_action action, struct auth_principal *p)
{
    int status = auth_request_in(r, body, len, prod, 1, p);
    if (status == 0)
        status = auth_require(r, p, action);
    return status;
}

/* The schedule as it stands, with the groups that can be set in one step
 * and the edits' history, once the request is authorised. */
static int schedule_reply(struct http_req *r, const char *prod)
{
    json_t *out = NULL, *groups = NULL, *history = NULL;
    int rc = collect_schedule(r->db, prod, &out);

    if (rc == EP_OK)
        rc = collect_groups(r->db, &groups);
    if (rc == EP_OK)
        rc = collect_history(r->db, prod, &history);
    if (rc == EP_OK && (json_object_set_new(out, "groups", groups) != 0 ||
                        json_object_set_new(out, "history", history) != 0))
        rc = EP_ENOMEM;
    else if (rc != EP_OK) {
        json_decref(groups);
        json_decref(history);
    }
    if (rc != EP_OK) {
        json_decref(out);
        out = NULL;
    }
    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "not_found", NULL, "no such production");
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read the schedule");
    return http_json_new(r, 200, out);
}

int api_schedule_get(struct http_req *r)
{
    struct auth_principal p;
    char prod[80];
    int status = path_ids(r, prod, sizeof(prod), NULL, 0);

    if (status == 0)
        status = authorised(r, NULL, 0, prod, AUTHZ_SYNC_PULL, &p);
    if (status != 0)
        return status;
    return schedule_reply(r, prod);
}

/* PUT one indicator's line (group NULL) or a whole group's (group set). */
static int put_line(struct http_req *r, int group)
{
    struct auth_principal p;
    char prod[80], ind[80];
    char *body = NULL;
    size_t len = 0;
    json_t *root = NULL, *jmember = NULL;
    json_error_t jerr;
    const char *freq = NULL, *dept = NULL, *member = NULL;
    struct ep_error err = {0};
    enum collect_freq f;
    int status, rc;

    status = http_read_body(r, SCHEDULE_BODY_MAX, &body, &len);
    if (status == 0)
        status = path_ids(r, prod, sizeof(prod), ind, sizeof(ind));
    if (status == 0)
        status = authorised(r, body, len, prod, AUTHZ_OFFICE_WRITE, &p);
    if (status != 0)
        goto out;
    root = jsonin_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL || !json_is_object(root)) {
        status = http_error(r, 400, "malformed_json", NULL, "the body must be a JSON object");
        goto out;
    }
    /* member_id may be null: anyone in the department. */
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s:s, s?o}", "frequency", &freq, "dept",
                       &dept, "member_id", &jmember) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    if (jmember != NULL && !json_is_null(jmember) && !json_is_string(jmember)) {
        status = http_error(r, 400, "invalid_request", "member_id",
                            "member_id must be a member id or null");
        goto out;
    }
    member = json_string_value(jmember); /* NULL for null or absent */
    if (collect_freq_parse(freq, &f) != EP_OK) {
        status = http_error(r, 400, "invalid_request", "frequency",
                            "frequency must be daily, weekly, monthly, once or none");
        goto out;
    }
    rc = group ? collect_set_group(r->db, prod, ind, f, dept, member, p.member_id, clock_now_ms(),
                                   &err)
               : collect_set(r->db, prod, ind, f, dept, member, p.member_id, clock_now_ms(), &err);
    if (rc == EP_ENOTFOUND && group && strcmp(err.field, "group") == 0)
        status = api_error(r, 404, "unknown_group", &err);
    else if (rc == EP_ENOTFOUND && ep_error_field(&err) != NULL)
        status = api_error(r, 404, "unknown_indicator", &err);
    else if (rc == EP_EINVAL && ep_error_field(&err) != NULL)
        status = api_error(r, 400, "invalid_request", &err);
    else if (rc == EP_ECONFLICT)
        status = http_error(r, 400, "invalid_request", "dept",
                            "dept must be the department of member_id: crew record readings "
                            "for their own department only");
    else if (rc != EP_OK)
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot save: %s",
                            ep_strerror(rc));
    else
        status = schedule_reply(r, prod);
out:
    json_decref(root);
    free(body);
    return status;
}

int api_schedule_put(struct http_req *r)
{
    return put_line(r, 0);
}

int api_schedule_group_put(struct http_req *r)
{
    return put_line(r, 1);
}

int api_schedule_delete(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], ind[80];
    int status = path_ids(r, prod, sizeof(prod), ind, sizeof(ind));
    int rc;

    if (status == 0)
        status = authorised(r, NULL, 0, prod, AUTHZ_OFFICE_WRITE, &p);
    if (status != 0)
        return status;
    rc = collect_reset(r->db, prod, ind, p.member_id, clock_now_ms());
    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "unknown_indicator", "indicator",
                          "no indicator '%.64s' in the catalogue", ind);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot reset: %s",
                          ep_strerror(rc));
    return schedule_reply(r, prod);
}
