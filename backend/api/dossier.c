/*
 * api_dossier.c - the professional dossier (GET .../dossier): JSON with the
 * pagination and the 12-page check, the tagged PDF (refused over 12 pages
 * unless draft=1), the editable ODT and Markdown. docs/evaluation.md.
 */
#include "api.h"

#include "auth.h"
#include "dossdoc.h"
#include "dossier.h"
#include "err.h"
#include "server.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 422 dossier_too_long: the error shape, plus the pagination and what to cut
 * in "details" so the screen can show it without a second request. */
static int too_long(struct http_req *r, const json_t *d)
{
    json_t *body = json_pack(
        "{s:{s:s, s:s, s:n, s:{s:O, s:O, s:O, s:O}}}", "error", "code", "dossier_too_long",
        "message", json_string_value(json_object_get(json_object_get(d, "warning"), "message")),
        "field", "details", "total_pages", json_object_get(d, "total_pages"), "limit",
        json_object_get(d, "limit"), "pages_over", json_object_get(d, "pages_over"), "warning",
        json_object_get(d, "warning"));
    return http_json_new(r, 422, body);
}

/* GET .../dossier?format=json|pdf|odt|md&draft=1&today=&lang=fr|en */
int api_dossier(struct http_req *r)
{
    const char *q = r->ri->query_string != NULL ? r->ri->query_string : "";
    struct auth_principal p;
    char prod[80], today[11], lang[3], format[8] = "json", draft[4] = "", name[160], mark[128],
                                       suffix[48];
    char pages[16], limit[16];
    json_t *d = NULL;
    char *bytes = NULL;
    size_t len = 0;
    const char *type;
    int status, rc;

    if (server_path_param(r, 0, prod, sizeof(prod)) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such production");
    status = auth_request_in(r, NULL, 0, prod, 1, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_SYNC_PULL);
    if (status == 0)
        status = api_today_param(r, today);
    if (status == 0)
        status = api_lang_param(r, &p, lang);
    if (status != 0)
        return status;
    /* mg_get_var: -1 absent (and the buffer emptied), -2 too long for it. */
    if (mg_get_var(q, strlen(q), "format", format, sizeof(format)) == -1)
        snprintf(format, sizeof(format), "json");
    if (strcmp(format, "json") != 0 && strcmp(format, "pdf") != 0 && strcmp(format, "odt") != 0 &&
        strcmp(format, "md") != 0)
        return http_error(r, 400, "invalid_request", "format",
                          "format must be json, pdf, odt or md");
    if (mg_get_var(q, strlen(q), "draft", draft, sizeof(draft)) == -1)
        draft[0] = '\0';
    if (draft[0] != '\0' && strcmp(draft, "1") != 0 && strcmp(draft, "0") != 0)
        return http_error(r, 400, "invalid_request", "draft", "draft must be 0 or 1");
    rc = dossier_build(r->db, prod, today, lang, &d);
    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "not_found", NULL, "no such production");
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot draft the dossier");
    /* Every format is paginated first: the limit is the PDF's page count. */
    rc = dossdoc_pdf(d, NULL, NULL, NULL);
    if (rc != EP_OK) {
        json_decref(d);
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot lay out the dossier");
    }
    if (strcmp(format, "json") == 0)
        return http_json_new(r, 200, d);
    if (strcmp(format, "pdf") == 0) {
        int over = json_is_true(json_object_get(d, "over_budget"));
        if (over && strcmp(draft, "1") != 0) {
            status = too_long(r, d);
            json_decref(d);
            return status;
        }
        snprintf(pages, sizeof(pages), "%lld",
                 json_integer_value(json_object_get(d, "total_pages")));
        snprintf(limit, sizeof(limit), "%d", DOSSIER_PAGE_LIMIT);
        text_fmtbuf(mark, sizeof(mark), lang, "dossier.draft_mark", "pages", pages, "limit", limit,
                    NULL);
        rc = dossdoc_pdf(d, strcmp(draft, "1") == 0 ? mark : NULL, &bytes, &len);
        type = "application/pdf";
    } else if (strcmp(format, "odt") == 0) {
        rc = dossdoc_odt(d, &bytes, &len);
        type = "application/vnd.oasis.opendocument.text";
    } else {
        rc = dossier_markdown(d, &bytes, &len);
        type = "text/markdown; charset=utf-8";
    }
    json_decref(d);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot write the dossier");
    snprintf(suffix, sizeof(suffix), "%s.%s",
             strcmp(draft, "1") == 0 ? text_get(lang, "dossier.file_draft") : "", format);
    api_file_name(r, prod, text_get(lang, "dossier.file"), suffix, name, sizeof(name));
    status = http_download(r, type, name, bytes, len);
    free(bytes);
    return status;
}
