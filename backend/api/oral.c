/*
 * api_oral.c - the oral defence (GET .../oral): the slides and the jury
 * sheet as JSON, the slides as a tagged landscape PDF or an ODP, the jury
 * sheet as a PDF (format=prep). Office roles only.
 * docs/evaluation.md.
 */
#include "api.h"

#include "auth.h"
#include "err.h"
#include "oral.h"
#include "server.h"
#include "slides.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GET .../oral?format=json|pdf|odp|prep&today=&lang=fr|en */
int api_oral(struct http_req *r)
{
    const char *q = r->ri->query_string != NULL ? r->ri->query_string : "";
    struct auth_principal p;
    char prod[80], today[11], lang[3], format[8] = "json", name[160], suffix[12];
    json_t *o = NULL;
    char *bytes = NULL;
    size_t len = 0;
    const char *type, *ext;
    int status, rc;

    if (server_path_param(r, 0, prod, sizeof(prod)) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such production");
    status = auth_request_in(r, NULL, 0, prod, 1, &p);
    /* The candidate's material, drafted from every department's data: the
     * office roles who run the plan only, never a crew phone (the dossier
     * route lets any member pull it; this one does not). */
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_OFFICE_WRITE);
    if (status == 0)
        status = api_today_param(r, today);
    if (status == 0)
        status = api_lang_param(r, &p, lang);
    if (status != 0)
        return status;
    /* mg_get_var: -1 absent (and the buffer emptied), -2 too long for it. */
    if (mg_get_var(q, strlen(q), "format", format, sizeof(format)) == -1)
        snprintf(format, sizeof(format), "json");
    if (strcmp(format, "json") != 0 && strcmp(format, "pdf") != 0 && strcmp(format, "odp") != 0 &&
        strcmp(format, "prep") != 0)
        return http_error(r, 400, "invalid_request", "format",
                          "format must be json, pdf, odp or prep");
    rc = oral_build(r->db, prod, today, lang, &o);
    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "not_found", NULL, "no such production");
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot draft the defence");
    if (strcmp(format, "json") == 0)
        return http_json_new(r, 200, o);
    if (strcmp(format, "pdf") == 0) {
        rc = slides_pdf(o, &bytes, &len);
        type = "application/pdf";
        ext = "pdf";
    } else if (strcmp(format, "odp") == 0) {
        rc = slides_odp(o, &bytes, &len);
        type = "application/vnd.oasis.opendocument.presentation";
        ext = "odp";
    } else {
        rc = slides_prep_pdf(o, &bytes, &len);
        type = "application/pdf";
        ext = "pdf";
    }
    json_decref(o);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot write the defence");
    snprintf(suffix, sizeof(suffix), ".%s", ext);
    api_file_name(
        r, prod,
        text_get(lang, strcmp(format, "prep") == 0 ? "slides.file.prep" : "slides.file.talk"),
        suffix, name, sizeof(name));
    status = http_download(r, type, name, bytes, len);
    free(bytes);
    return status;
}
