/*
 * api_diag.c - evaluate a company questionnaire (C1) or a project framing
 * (C2). Stateless: the answers themselves are synced records (collection
 * "diagnostics") kept by the PWA; these endpoints compute the result.
 */
#include "api.h"
#include "app.h"
#include "jsonin.h"

#include "auth.h"
#include "diag.h"
#include "err.h"
#include "export_diag.h"
#include "server.h"

#include <stdlib.h>
#include <string.h>

/* 1 when the query asks ?format=pdf. */
static int wants_pdf(const struct http_req *r)
{
    const char *q = r->ri->query_string;
    char v[8];
    return q != NULL && mg_get_var(q, strlen(q), "format", v, sizeof(v)) > 0 &&
           strcmp(v, "pdf") == 0;
}

/* Sends result as the C1 or C2 PDF summary (result borrowed), in the
 * language of p (?lang, else their setting). name NULL: the document's
 * words for "the company" / "the project". */
static int send_pdf(struct http_req *r, const struct auth_principal *p, const json_t *result,
                    int company, const char *name)
{
    struct export_doc doc = {NULL, NULL};
    char *pdf = NULL, lang[3];
    size_t len = 0;
    int status = api_lang_param(r, p, lang);
    int rc;

    if (status != 0)
        return status;
    doc.lang = lang;
    rc = company ? export_diag_company_pdf(result, name, &doc, &pdf, &len)
                 : export_diag_project_pdf(result, name, &doc, &pdf, &len);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot write the PDF");
    status = http_download(r, "application/pdf", company ? "diagnostic-C1.pdf" : "analyse-C2.pdf",
                           pdf, len);
    free(pdf);
    return status;
}

/* Reads and authenticates a JSON body for the production in the path; *p
 * is who asks, lang (3 bytes) receives their language (api_lang_param). */
static int body_for_production(struct http_req *r, json_t **out, struct auth_principal *p,
                               char *lang)
{
    char prod[80], *body = NULL;
    size_t len = 0;
    json_error_t err;
    int status;

    *out = NULL;
    if (server_path_param(r, 0, prod, sizeof(prod)) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such production");
    status = http_read_body(r, r->app->cfg->max_body, &body, &len);
    if (status == 0)
        status = auth_request_in(r, body, len, prod, 1, p);
    if (status == 0)
        status = auth_require(r, p, AUTHZ_SYNC_PULL);
    if (status == 0)
        status = api_lang_param(r, p, lang);
    if (status == 0) {
        *out = jsonin_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
        if (*out == NULL)
            status = http_error(r, 400, "malformed_json", NULL, "malformed JSON: %s", err.text);
    }
    free(body);
    return status;
}

int api_diag_company(struct http_req *r)
{
    json_t *in = NULL, *out = NULL, *prev = NULL, *cmp = NULL, *answers = NULL, *previous = NULL;
    json_t *edits = NULL;
    const char *company = NULL;
    struct ep_error err;
    char lang[3];
    struct auth_principal p;
    json_error_t jerr;
    int status = body_for_production(r, &in, &p, lang);

    if (status != 0)
        return status;
    /* {"answers": {...}, "previous": {...}?, "company": "name"?, "edits": {...}?}:
     * last year's answers to compare, the user's edits of the graded items. */
    if (json_unpack_ex(in, &jerr, JSON_STRICT, "{s:o, s?o, s?s, s?o}", "answers", &answers,
                       "previous", &previous, "company", &company, "edits", &edits) != 0 ||
        !json_is_object(answers)) {
        json_decref(in);
        return http_error(r, 400, "invalid_request", "answers",
                          "the body needs an \"answers\" object (and optionally \"previous\", "
                          "\"company\", \"edits\")");
    }
    if (diag_company_lang(answers, lang, &out, &err) != EP_OK ||
        diag_company_edit(out, edits, &err) != EP_OK) {
        json_decref(in);
        json_decref(out);
        return api_error(r, 400, "invalid_field", &err);
    }
    if (json_is_object(previous) && diag_company_lang(previous, lang, &prev, NULL) == EP_OK &&
        diag_company_compare(prev, out, &cmp) == EP_OK)
        json_object_set_new(out, "compared_with_previous", cmp);
    json_decref(prev);
    if (wants_pdf(r)) {
        int sent = send_pdf(r, &p, out, 1, company);
        json_decref(in);
        json_decref(out);
        return sent;
    }
    json_decref(in);
    return http_json_new(r, 200, out);
}

int api_diag_project(struct http_req *r)
{
    json_t *in = NULL, *out = NULL;
    struct ep_error err;
    char lang[3];
    struct auth_principal p;
    int status = body_for_production(r, &in, &p, lang);
    int rc;

    if (status != 0)
        return status;
    rc = diag_project_lang(r->db, in, lang, &out, &err);
    if (rc == EP_OK && wants_pdf(r)) {
        const char *title = json_string_value(json_object_get(in, "title"));
        status = send_pdf(r, &p, out, 0, title);
        json_decref(in);
        json_decref(out);
        return status;
    }
    json_decref(in);
    if (rc == EP_EINVAL)
        return api_error(r, 400, "invalid_field", &err);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot analyse");
    return http_json_new(r, 200, out);
}

/*
 * GET .../diagnostic/project/estimate: the C2 estimate of the production's
 * recorded framing, line by line in the catalogue's indicators and by
 * category: the starting suggestion of the forecast (docs/diagnostic.md).
 * 404 no_project_analysis when the framing was never recorded; 422
 * invalid_field when the record holds a value the analysis refuses.
 */
int api_diag_project_estimate(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], lang[3];
    json_t *res = NULL, *out;
    int status, rc;

    if (server_path_param(r, 0, prod, sizeof(prod)) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such production");
    status = auth_request_in(r, NULL, 0, prod, 1, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_SYNC_PULL);
    if (status == 0)
        status = api_lang_param(r, &p, lang);
    if (status != 0)
        return status;
    rc = diag_project_of_lang(r->db, prod, lang, &res);
    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "no_project_analysis", NULL,
                          "the project analysis (C2) has not been filled in");
    if (rc == EP_EINVAL)
        return http_error(r, 422, "invalid_field", NULL,
                          "the recorded C2 framing holds a value the analysis refuses");
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot analyse");
    out = json_pack("{s:s, s:O, s:O, s:O, s:O, s:O}", "source", "c2-project", "status",
                    json_object_get(res, "status"), "missing", json_object_get(res, "missing"),
                    "total_kg", json_object_get(res, "total_kg"), "lines",
                    json_object_get(res, "lines"), "by_category",
                    json_object_get(res, "by_category"));
    json_decref(res);
    if (out == NULL)
        return http_error(r, 500, "internal", NULL, "out of memory");
    return http_json_new(r, 200, out);
}
