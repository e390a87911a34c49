/*
 * kit.c - the communication kits (C10) per audience, as JSON, Markdown,
 * HTML or PDF.
 */
#include "api.h"

#include "auth.h"
#include "err.h"
#include "export_kit.h"
#include "promo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GET .../kit?audience=&format=json|md|html|pdf&today=&lang=fr|en (C10). */
int api_kit(struct http_req *r)
{
    const char *q = r->ri->query_string != NULL ? r->ri->query_string : "";
    struct auth_principal p;
    enum promo_audience audience;
    struct export_doc doc = {"fr", NULL};
    char prod[80], today[11], who[32] = "", format[8] = "json", name[128], lang[3], prefix[48],
                              suffix[12];
    json_t *kit = NULL;
    char *text = NULL;
    size_t len = 0;
    int status = api_authorise(r, NULL, 0, AUTHZ_SYNC_PULL, prod, sizeof(prod), &p);
    int rc;

    if (status == 0)
        status = api_today_param(r, today);
    if (status == 0)
        status = api_lang_param(r, &p, lang);
    if (status != 0)
        return status;
    doc.lang = lang;
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
    rc = promo_kit(r->db, prod, today, audience, lang, &kit);
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
        rc = export_kit_markdown(kit, &doc, &text, &len);
    else if (strcmp(format, "pdf") == 0)
        rc = export_kit_pdf(kit, &doc, &text, &len);
    else
        rc = export_kit_html(kit, &doc, &text, &len);
    json_decref(kit);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot write the kit");
    /* "grand_public" is a key; a file name reads "kit-grand-public-<title>". */
    snprintf(prefix, sizeof(prefix), "kit-%s", who);
    for (char *c = strchr(prefix, '_'); c != NULL; c = strchr(c, '_'))
        *c = '-';
    snprintf(suffix, sizeof(suffix), ".%s", format);
    api_file_name(r, prod, prefix, suffix, name, sizeof(name));
    status = http_download(r,
                           strcmp(format, "md") == 0    ? "text/markdown; charset=utf-8"
                           : strcmp(format, "pdf") == 0 ? "application/pdf"
                                                        : "text/html; charset=utf-8",
                           name, text, len);
    free(text);
    return status;
}
