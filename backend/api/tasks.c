/*
 * tasks.c - a task's reassignment history (C6), for every member
 * (docs/plan.md).
 */
#include "api.h"

#include "auth.h"
#include "authz.h"
#include "err.h"
#include "plan.h"
#include "server.h"

int api_tasks_history(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], task[80];
    json_t *list = NULL;
    int status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    int rc;

    if (status != 0)
        return status;
    if (server_path_param(r, 1, task, sizeof(task)) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such task");
    rc = plan_field_history(r->db, prod, "tasks", task, "assignee", &list);
    if (rc != EP_OK)
        return api_storage_error(r, rc, "read the history");
    return http_json_new(r, 200, json_pack("{s:s, s:o}", "task", task, "assignee", list));
}
