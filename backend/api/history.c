/*
 * api/history.c - GET /api/v1/productions/ID/history/COL/RID: every edit of
 * one record the office creates, with its author and clock (history.h,
 * docs/plan.md "Editing with history"). Office sessions of the roles that
 * edit the plan only: a profile's notes are not for everyone, and the
 * crew's phones have no history screen.
 */
#include "api.h"
#include "app.h"

#include "auth.h"
#include "authz.h"
#include "directory.h"
#include "err.h"
#include "history.h"
#include "server.h"

#include <string.h>

/* Collections whose history is shown; the company-scoped ones (directory)
 * live in the company's space, the others in the production's. */
static const struct {
    const char *col;
    int company;
} history_cols[] = {
    {"actions", 0},  {"tasks", 0},     {"checkpoints", 0}, {"advice", 0},
    {"profiles", 0}, {"suppliers", 1}, {"criteria", 1},
};

/* 0 or 1 for a collection with a history, -1 for any other. */
static int history_company(const char *col)
{
    for (size_t i = 0; i < sizeof(history_cols) / sizeof(history_cols[0]); i++) {
        if (strcmp(history_cols[i].col, col) == 0)
            return history_cols[i].company;
    }
    return -1;
}

int api_history_get(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], col[40], rid[80], space[DIRECTORY_SPACE_MAX];
    json_t *list = NULL;
    int company, status, rc;

    if (server_path_param(r, 0, prod, sizeof(prod)) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such production");
    status = auth_request_in(r, NULL, 0, prod, 1, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_OFFICE_WRITE);
    if (status != 0)
        return status;
    if (p.is_device)
        return http_error(r, 403, "forbidden", NULL, "the history is the office's");
    if (server_path_param(r, 1, col, sizeof(col)) != EP_OK ||
        server_path_param(r, 2, rid, sizeof(rid)) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such record");
    company = history_company(col);
    if (company < 0)
        return http_error(r, 404, "not_found", "col", "no history for collection '%s'", col);
    rc = EP_OK;
    if (company)
        rc = directory_space(r->db, prod, space, sizeof(space));
    else if (strlen(prod) < sizeof(space))
        memcpy(space, prod, strlen(prod) + 1);
    if (rc == EP_OK)
        rc = history_record(r->db, space, col, rid, &list);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read the history: %s",
                          ep_strerror(rc));
    return http_json_new(r, 200,
                         json_pack("{s:s, s:s, s:o}", "col", col, "id", rid, "edits", list));
}
