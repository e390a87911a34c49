/*
 * footprint.c - the carbon footprint (C8) of a production as JSON, CSV, XLSX
 * and PDF, and the provisional/final comparison. Every member may read it
 * (docs/carbon.md).
 */
#include "api.h"
#include "app.h"
#include "clock.h"

#include "auth.h"
#include "carbon.h"
#include "collect.h"
#include "err.h"
#include "export_footprint.h"
#include "forecast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* kind=final|provisional (default final), factors=N (default latest). */
static int footprint_params(struct http_req *r, enum carbon_kind *kind, int *version)
{
    const char *q = r->ri->query_string;
    char v[32];

    *kind = CARBON_FINAL;
    *version = 0;
    if (q == NULL)
        return 0;
    if (mg_get_var(q, strlen(q), "kind", v, sizeof(v)) >= 0) {
        if (strcmp(v, "final") == 0)
            *kind = CARBON_FINAL;
        else if (strcmp(v, "provisional") == 0)
            *kind = CARBON_PROVISIONAL;
        else
            return http_error(r, 400, "invalid_request", "kind",
                              "kind must be \"final\" or \"provisional\"");
    }
    if (mg_get_var(q, strlen(q), "factors", v, sizeof(v)) >= 0) {
        char *end = NULL;
        long n = strtol(v, &end, 10);
        if (end == v || *end != '\0' || n < 1 || n > 100000)
            return http_error(r, 400, "invalid_request", "factors",
                              "factors must be a factor set version number");
        *version = (int)n;
    }
    return 0;
}

/* ?lang=en|fr: the language of a document (issue: every document in the
 * asker's language); French without it. Anything else is a 400 on lang. */
static int doc_lang(struct http_req *r, const char **lang)
{
    const char *q = r->ri->query_string;
    char v[8];

    *lang = "fr";
    if (q == NULL || mg_get_var(q, strlen(q), "lang", v, sizeof(v)) < 0)
        return 0;
    if (strcmp(v, "en") == 0)
        *lang = "en";
    else if (strcmp(v, "fr") != 0)
        return http_error(r, 400, "invalid_request", "lang", "lang must be \"fr\" or \"en\"");
    return 0;
}

/* ?forecast=N: compare with filed version N (default: the latest filed). */
static int forecast_param(struct http_req *r, int *version)
{
    const char *q = r->ri->query_string;
    char v[16], *end = NULL;
    long n;

    *version = 0;
    if (q == NULL || mg_get_var(q, strlen(q), "forecast", v, sizeof(v)) < 0)
        return 0;
    n = strtol(v, &end, 10);
    if (end == v || *end != '\0' || n < 1 || n > 1000000)
        return http_error(r, 400, "invalid_request", "forecast",
                          "forecast must be a filed version number");
    *version = (int)n;
    return 0;
}

/* forecast_compare, the errors answered. */
static int compare_filed(struct http_req *r, const char *prod, const char *today, int version,
                         json_t **cmp)
{
    int rc = forecast_compare(r->db, prod, today, version, cmp);
    if (rc == EP_ENOTFOUND && version > 0)
        return http_error(r, 404, "not_found", "forecast", "no filed forecast version %d", version);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot compute");
    return 0;
}

static int compute(struct http_req *r, const char *prod, enum carbon_kind kind, int version,
                   json_t **fp)
{
    int rc = carbon_footprint(r->db, prod, kind, version, fp);
    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "not_found", "factors", "no factor set version %d", version);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot compute: %s",
                          ep_strerror(rc));
    return 0;
}

/* Adds "collection": the completeness of the collection schedule as of
 * ?today= or the server's date (sync/collect.h: the same computation as
 * Collecte's), so a footprint says how much of what was due it rests on.
 * Returns 0 or the status of the error sent (obj then released). */
static int attach_collection(struct http_req *r, const char *prod, json_t *obj)
{
    char today[11];
    json_t *m = NULL;
    int rc, status = api_today_param(r, today);

    if (status != 0) {
        json_decref(obj);
        return status;
    }
    rc = collect_missing(r->db, prod, today, NULL, NULL, &m);
    if (rc == EP_OK && json_object_set(obj, "collection", json_object_get(m, "completeness")) != 0)
        rc = EP_ENOMEM;
    json_decref(m);
    if (rc != EP_OK) {
        json_decref(obj);
        return http_error(r, http_status_for(rc), "internal", NULL,
                          "cannot compute the collection's completeness: %s", ep_strerror(rc));
    }
    return 0;
}

int api_footprint(struct http_req *r)
{
    struct auth_principal p;
    char prod[80];
    enum carbon_kind kind;
    int version;
    json_t *fp = NULL;
    int status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);

    if (status == 0)
        status = footprint_params(r, &kind, &version);
    if (status == 0)
        status = compute(r, prod, kind, version, &fp);
    if (status == 0 && kind == CARBON_FINAL)
        status = attach_collection(r, prod, fp);
    if (status != 0)
        return status;
    return http_json_new(r, 200, fp);
}

/* ?today=YYYY-MM-DD (default: the server's date): the day the running
 * comparison is made as of. *today stays NULL without the parameter. */
static int compare_today(struct http_req *r, char *buf, const char **today)
{
    const char *q = r->ri->query_string;
    long day;

    *today = NULL;
    if (q == NULL || mg_get_var(q, strlen(q), "today", buf, 11) < 0)
        return 0;
    if (collect_day(buf, &day) != EP_OK)
        return http_error(r, 400, "invalid_request", "today", "today must be a date YYYY-MM-DD");
    *today = buf;
    return 0;
}

int api_footprint_compare(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], buf[11];
    const char *today = NULL;
    json_t *cmp = NULL;
    int version = 0;
    int status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);

    if (status == 0)
        status = compare_today(r, buf, &today);
    if (status == 0)
        status = forecast_param(r, &version);
    if (status == 0)
        status = compare_filed(r, prod, today, version, &cmp);
    if (status != 0)
        return status;
    status = attach_collection(r, prod, cmp);
    if (status != 0)
        return status;
    return http_json_new(r, 200, cmp);
}

/* Sets obj's "header" (carbon_export_header): the block every export
 * opens with, from the comparison as of today and the collection's
 * completeness. On failure obj is released and the error sent. */
static int attach_header(struct http_req *r, const char *prod, const char *lang, int forecast,
                         json_t *obj)
{
    json_t *cmp = NULL, *rows = NULL;
    int rc, status = compare_filed(r, prod, NULL, forecast, &cmp);

    if (status != 0) {
        json_decref(obj);
        return status;
    }
    status = attach_collection(r, prod, cmp); /* releases cmp on failure */
    if (status != 0) {
        json_decref(obj);
        return status;
    }
    rc = carbon_export_header_lang(r->db, prod, cmp, lang, &rows);
    json_decref(cmp);
    if (rc == EP_OK && json_object_set_new(obj, "header", rows) != 0)
        rc = EP_ENOMEM;
    if (rc != EP_OK) {
        json_decref(obj);
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot write the header");
    }
    return 0;
}

int api_footprint_csv(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], name[128];
    enum carbon_kind kind;
    int version;
    json_t *fp = NULL;
    char *csv = NULL;
    size_t len = 0;
    const char *lang = "fr";
    int forecast = 0;
    int status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);

    if (status == 0)
        status = footprint_params(r, &kind, &version);
    if (status == 0)
        status = doc_lang(r, &lang);
    if (status == 0)
        status = forecast_param(r, &forecast);
    if (status == 0)
        status = compute(r, prod, kind, version, &fp);
    if (status == 0)
        status = attach_header(r, prod, lang, forecast, fp);
    if (status != 0)
        return status;
    if (carbon_csv_lang(fp, lang, &csv, &len) != EP_OK) {
        json_decref(fp);
        return http_error(r, 500, "internal", NULL, "cannot write the CSV");
    }
    api_file_name(r, prod, kind == CARBON_FINAL ? "bilan-definitif" : "bilan-previsionnel", ".csv",
                  name, sizeof(name));
    status = http_download(r, "text/csv; charset=utf-8", name, csv, len);
    free(csv);
    json_decref(fp);
    return status;
}

/* The provisional/final comparison as a PDF (pdf != 0) or an XLSX download. */
static int compare_download(struct http_req *r, int pdf)
{
    struct auth_principal p;
    char prod[80], name[128], label[512];
    json_t *cmp = NULL;
    char *data = NULL;
    size_t len = 0;
    const char *lang = "fr";
    int version = 0;
    int status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    int rc;

    if (status == 0)
        status = doc_lang(r, &lang);
    if (status == 0)
        status = forecast_param(r, &version);
    if (status == 0)
        status = compare_filed(r, prod, NULL, version, &cmp);
    if (status != 0)
        return status;
    status = attach_collection(r, prod, cmp);
    if (status != 0)
        return status;
    {
        json_t *rows = NULL;
        rc = carbon_export_header_lang(r->db, prod, cmp, lang, &rows);
        if (rc == EP_OK && json_object_set_new(cmp, "header", rows) != 0)
            rc = EP_ENOMEM;
    }
    /* The document names the production as people know it, never its id. */
    if (rc == EP_OK)
        rc = carbon_production_label(r->db, prod, label, sizeof(label));
    if (rc == EP_OK)
        rc = pdf ? export_footprint_pdf(cmp, label, lang, &data, &len)
                 : export_footprint_xlsx(cmp, label, lang, r->app->cfg->data_dir, &data, &len);
    json_decref(cmp);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot write the %s",
                          pdf ? "PDF" : "workbook");
    api_file_name(r, prod, "bilan-carbone", pdf ? ".pdf" : ".xlsx", name, sizeof(name));
    status =
        http_download(r,
                      pdf ? "application/pdf"
                          : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      name, data, len);
    free(data);
    return status;
}

int api_footprint_pdf(struct http_req *r)
{
    return compare_download(r, 1);
}

int api_footprint_xlsx(struct http_req *r)
{
    return compare_download(r, 0);
}
