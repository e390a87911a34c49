/*
 * api_carbon.c - indicators and the carbon footprint (C7, C8): the catalogue,
 * the footprint as JSON, CSV and XLSX, the provisional/final comparison and
 * the readings flagged for review. Every member of a production may read them.
 */
#include "api.h"
#include "app.h"
#include "clock.h"

#include "auth.h"
#include "carbon.h"
#include "collect.h"
#include "commstore.h"
#include "err.h"
#include "eval.h"
#include "export_evaluation.h"
#include "export_footprint.h"
#include "export_kit.h"
#include "plan.h"
#include "promo.h"
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Authenticates a read of the production named by the path's first '*'. */
static int reader(struct http_req *r, char *prod, size_t len, struct auth_principal *p)
{
    int status;

    if (server_path_param(r, 0, prod, len) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such production");
    status = auth_request_in(r, NULL, 0, prod, 1, p);
    if (status == 0)
        status = auth_require(r, p, AUTHZ_SYNC_PULL);
    return status;
}

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

/* Adds "collection": the completeness of the collection schedule as of the
 * server's date (sync/collect.h), so a footprint says how much of what was
 * due it rests on. Returns 0 or the status of the error sent. */
static int attach_collection(struct http_req *r, const char *prod, json_t *obj)
{
    time_t t = (time_t)(clock_now_ms() / 1000);
    struct tm tm;
    char today[11];
    json_t *m = NULL;
    int rc;

    gmtime_r(&t, &tm);
    strftime(today, sizeof(today), "%Y-%m-%d", &tm);
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

int api_indicators(struct http_req *r)
{
    struct auth_principal p;
    json_t *list = NULL;
    int status = auth_request_in(r, NULL, 0, NULL, 0, &p);
    int rc;

    if (status != 0)
        return status;
    rc = carbon_catalogue(r->db, &list);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read the catalogue");
    return http_json_new(r, 200, json_pack("{s:o}", "indicators", list));
}

int api_footprint(struct http_req *r)
{
    struct auth_principal p;
    char prod[80];
    enum carbon_kind kind;
    int version;
    json_t *fp = NULL;
    int status = reader(r, prod, sizeof(prod), &p);

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
    int status = reader(r, prod, sizeof(prod), &p);
    int rc;

    if (status == 0)
        status = compare_today(r, buf, &today);
    if (status != 0)
        return status;
    rc = carbon_compare(r->db, prod, today, &cmp);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot compute");
    status = attach_collection(r, prod, cmp);
    if (status != 0)
        return status;
    return http_json_new(r, 200, cmp);
}

int api_readings_flagged(struct http_req *r)
{
    struct auth_principal p;
    char prod[80];
    json_t *list = NULL;
    int status = reader(r, prod, sizeof(prod), &p);
    int rc;

    if (status != 0)
        return status;
    rc = carbon_flagged(r->db, prod, &list);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read readings");
    return http_json_new(r, 200, json_pack("{s:o}", "flagged", list));
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
    int status = reader(r, prod, sizeof(prod), &p);

    if (status == 0)
        status = footprint_params(r, &kind, &version);
    if (status == 0)
        status = compute(r, prod, kind, version, &fp);
    if (status != 0)
        return status;
    if (carbon_csv(fp, &csv, &len) != EP_OK) {
        json_decref(fp);
        return http_error(r, 500, "internal", NULL, "cannot write the CSV");
    }
    snprintf(name, sizeof(name), "bilan-%s-%s.csv",
             kind == CARBON_FINAL ? "definitif" : "previsionnel", prod);
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
    int status = reader(r, prod, sizeof(prod), &p);
    int rc;

    if (status != 0)
        return status;
    rc = carbon_compare(r->db, prod, NULL, &cmp);
    /* The document names the production as people know it, never its id. */
    if (rc == EP_OK)
        rc = carbon_production_label(r->db, prod, label, sizeof(label));
    if (rc == EP_OK)
        rc = pdf ? export_footprint_pdf(cmp, label, &data, &len)
                 : export_footprint_xlsx(cmp, label, r->app->cfg->data_dir, &data, &len);
    json_decref(cmp);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot write the %s",
                          pdf ? "PDF" : "workbook");
    snprintf(name, sizeof(name), "bilan-carbone-%s.%s", prod, pdf ? "pdf" : "xlsx");
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

int api_today_param(struct http_req *r, char *today)
{
    const char *q = r->ri->query_string;
    if (q != NULL && mg_get_var(q, strlen(q), "today", today, 11) > 0)
        return plan_weekdays(today, today) < 0
                   ? http_error(r, 400, "invalid_request", "today", "today must be YYYY-MM-DD")
                   : 0;
    {
        time_t t = (time_t)(clock_now_ms() / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(today, 11, "%Y-%m-%d", &tm);
    }
    return 0;
}

/* A plan analysis of the production as of ?today=, computed by fn. */
static int plan_view(struct http_req *r,
                     int (*fn)(struct db *, const char *, const char *, json_t **))
{
    struct auth_principal p;
    char prod[80], today[11];
    json_t *out = NULL;
    int status = reader(r, prod, sizeof(prod), &p);
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
    return plan_view(r, plan_progress);
}

int api_plan_dysfunctions(struct http_req *r)
{
    return plan_view(r, plan_dysfunctions);
}

/* GET .../evaluation?today=&format=json|pdf (C9). */
int api_evaluation(struct http_req *r)
{
    const char *q = r->ri->query_string != NULL ? r->ri->query_string : "";
    struct auth_principal p;
    char prod[80], today[11], format[8] = "json", title[204] = "", name[128];
    json_t *ev = NULL;
    char *pdf = NULL;
    size_t len = 0;
    int status, rc;

    if (mg_get_var(q, strlen(q), "format", format, sizeof(format)) == -1)
        snprintf(format, sizeof(format), "json");
    if (strcmp(format, "json") == 0)
        return plan_view(r, eval_production);
    if (strcmp(format, "pdf") != 0)
        return http_error(r, 400, "invalid_request", "format", "format must be json or pdf");
    status = reader(r, prod, sizeof(prod), &p);
    if (status == 0)
        status = api_today_param(r, today);
    if (status != 0)
        return status;
    rc = eval_production(r->db, prod, today, &ev);
    if (rc == EP_OK)
        rc = commstore_production_title(r->db, prod, title, sizeof(title));
    if (rc == EP_OK)
        rc = export_evaluation_pdf(ev, title, &pdf, &len);
    json_decref(ev);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot write the evaluation");
    snprintf(name, sizeof(name), "evaluation-%s.pdf", prod);
    status = http_download(r, "application/pdf", name, pdf, len);
    free(pdf);
    return status;
}

/* GET .../kit?audience=&format=json|md|html&today= (C10). */
int api_kit(struct http_req *r)
{
    const char *q = r->ri->query_string != NULL ? r->ri->query_string : "";
    struct auth_principal p;
    enum promo_audience audience;
    char prod[80], today[11], who[32] = "", format[8] = "json", name[128];
    json_t *kit = NULL;
    char *text = NULL;
    size_t len = 0;
    int status = reader(r, prod, sizeof(prod), &p);
    int rc;

    if (status == 0)
        status = api_today_param(r, today);
    if (status != 0)
        return status;
    if (mg_get_var(q, strlen(q), "audience", who, sizeof(who)) <= 0 ||
        promo_audience_parse(who, &audience) != EP_OK)
        return http_error(r, 400, "invalid_request", "audience",
                          "audience must be diffuseur, financeur, partenaires, collaborateurs or "
                          "grand_public");
    /* mg_get_var: -1 absent (and the buffer emptied), -2 too long for it. */
    if (mg_get_var(q, strlen(q), "format", format, sizeof(format)) == -1)
        snprintf(format, sizeof(format), "json");
    if (strcmp(format, "json") != 0 && strcmp(format, "md") != 0 && strcmp(format, "html") != 0 &&
        strcmp(format, "pdf") != 0)
        return http_error(r, 400, "invalid_request", "format",
                          "format must be json, md, html or pdf");
    rc = promo_kit(r->db, prod, today, audience, &kit);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot build the kit");
    if (strcmp(format, "json") == 0)
        return http_json_new(r, 200, kit);
    /* The HTML page and the PDF carry their photos (the Markdown links them). */
    if ((strcmp(format, "html") == 0 || strcmp(format, "pdf") == 0) &&
        promo_kit_embed(r->db, prod, kit, PROMO_PHOTOS_EMBED) != EP_OK) {
        json_decref(kit);
        return http_error(r, 503, "busy", NULL, "cannot read the kit's photos; retry later");
    }
    if (strcmp(format, "md") == 0)
        rc = promo_markdown(kit, &text, &len);
    else if (strcmp(format, "pdf") == 0)
        rc = export_kit_pdf(kit, &text, &len);
    else
        rc = promo_html(kit, &text, &len);
    json_decref(kit);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot write the kit");
    snprintf(name, sizeof(name), "kit-%s-%s.%s", who, prod, format);
    status = http_download(r,
                           strcmp(format, "md") == 0    ? "text/markdown; charset=utf-8"
                           : strcmp(format, "pdf") == 0 ? "application/pdf"
                                                        : "text/html; charset=utf-8",
                           name, text, len);
    free(text);
    return status;
}
