/*
 * evaluation.c - the evaluation (C9): the plan against reality, as JSON or
 * PDF (docs/evaluation.md).
 */
#include "api.h"

#include "auth.h"
#include "carbon.h"
#include "commstore.h"
#include "err.h"
#include "eval.h"
#include "export_evaluation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GET .../evaluation?today=&format=json|pdf&lang=fr|en (C9). */
int api_evaluation(struct http_req *r)
{
    const char *q = r->ri->query_string != NULL ? r->ri->query_string : "";
    struct auth_principal p;
    struct export_doc doc;
    char prod[80], today[11], format[8] = "json", title[204] = "", name[128], lang[3];
    json_t *ev = NULL, *catalogue = NULL;
    char *pdf = NULL;
    size_t len = 0;
    int status, rc;

    if (mg_get_var(q, strlen(q), "format", format, sizeof(format)) == -1)
        snprintf(format, sizeof(format), "json");
    if (strcmp(format, "json") != 0 && strcmp(format, "pdf") != 0)
        return http_error(r, 400, "invalid_request", "format", "format must be json or pdf");
    status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    if (status == 0)
        status = api_today_param(r, today);
    if (status == 0)
        status = api_lang_param(r, &p, lang);
    if (status != 0)
        return status;
    /* The JSON's sentences are in the reader's language too (the screen shows them). */
    if (strcmp(format, "json") == 0) {
        rc = eval_production(r->db, prod, today, lang, &ev);
        if (rc != EP_OK)
            return http_error(r, http_status_for(rc), "internal", NULL, "cannot analyse the plan");
        return http_json_new(r, 200, ev);
    }
    doc.lang = lang;
    rc = carbon_catalogue(r->db, &catalogue);
    doc.catalogue = catalogue;
    if (rc == EP_OK)
        rc = eval_production(r->db, prod, today, lang, &ev);
    if (rc == EP_OK)
        rc = commstore_production_title(r->db, prod, title, sizeof(title));
    if (rc == EP_OK)
        rc = export_evaluation_pdf(ev, title, &doc, &pdf, &len);
    json_decref(ev);
    json_decref(catalogue);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot write the evaluation");
    api_file_name(r, prod, "evaluation", ".pdf", name, sizeof(name));
    status = http_download(r, "application/pdf", name, pdf, len);
    free(pdf);
    return status;
}
