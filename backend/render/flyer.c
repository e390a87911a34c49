/* flyer.c - the A4 flyer of a communication (see flyer.h). */
#include "flyer.h"

#include "comms.h"
#include "err.h"
#include "fmt.h"
#include "pdf.h"
#include "strbuf.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* The pictogram: a green circle with a white leaf. Colours pass 3:1 on white. */
static void draw_leaf(cairo_t *cr, double x, double y, double w, double h, void *data)
{
    double cx = x + w / 2, cy = y + h / 2, r = (w < h ? w : h) / 2;
    (void)data;
    cairo_set_source_rgb(cr, 0.11, 0.45, 0.23);
    cairo_arc(cr, cx, cy, r, 0, 2 * 3.14159265358979);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_move_to(cr, cx - r * 0.45, cy + r * 0.45);
    cairo_curve_to(cr, cx - r * 0.5, cy - r * 0.3, cx + r * 0.1, cy - r * 0.55, cx + r * 0.5,
                   cy - r * 0.5);
    cairo_curve_to(cr, cx + r * 0.45, cy - r * 0.1, cx + r * 0.3, cy + r * 0.5, cx - r * 0.45,
                   cy + r * 0.45);
    cairo_fill(cr);
}

/* Paragraphs split at blank lines. */
static int paragraphs(struct pdf *p, const char *text)
{
    char *copy = strdup(text), *at = copy;
    int rc = copy != NULL ? EP_OK : EP_ENOMEM;

    while (rc == EP_OK && at != NULL && *at != '\0') {
        char *next = strstr(at, "\n\n");
        if (next != NULL) {
            *next = '\0';
            next += 2;
        }
        if (*at != '\0')
            rc = pdf_paragraph(p, at);
        at = next;
    }
    free(copy);
    return rc;
}

int flyer_pdf(const json_t *comm, int large, char **out, size_t *len)
{
    const char *title = str(comm, "title"), *text = str(comm, "text"), *falc = str(comm, "falc");
    const char *starts = str(comm, "starts_at"), *where = str(comm, "location");
    const json_t *env = json_object_get(comm, "signed");
    /* The English version (comms_for_reader) is printed with English
     * labels (text.h, "flyer.*"), the French one with French labels. */
    const char *lang = text_lang(str(comm, "lang"));
    int en = strcmp(lang, "en") == 0;
    struct pdf *p;
    char line[512], day[64], hour[8];
    int rc;

    *out = NULL;
    *len = 0;
    if (title == NULL || text == NULL)
        return EP_EINVAL;
    p = pdf_new(title, en ? "en-GB" : "fr-FR", text_get(lang, "flyer.subject"));
    if (p == NULL)
        return EP_ENOMEM;
    if (large)
        pdf_set_scale(p, 1.5);
    rc = pdf_heading(p, 1, title);
    if (rc == EP_OK)
        rc = pdf_figure(p, text_get(lang, "flyer.figure_alt"), 72, 72, draw_leaf, NULL);
    if (rc == EP_OK && json_is_true(json_object_get(comm, "translation_missing")))
        /* Asked for in English, printed in French: said in English. */
        rc = pdf_paragraph(p, text_get("en", "email.untranslated"));
    if (rc == EP_OK && falc != NULL && falc[0] != '\0') {
        rc = pdf_heading(p, 2, text_get(lang, "email.falc"));
        if (rc == EP_OK)
            rc = paragraphs(p, falc);
        if (rc == EP_OK)
            rc = pdf_heading(p, 2, text_get(lang, "flyer.message"));
    }
    if (rc == EP_OK)
        rc = paragraphs(p, text);
    if (rc == EP_OK && starts != NULL && strlen(starts) >= 16) {
        if (fmt_date(day, sizeof(day), starts, FMT_DATE_LONG, lang) == NULL)
            snprintf(day, sizeof(day), "%.10s", starts);
        snprintf(hour, sizeof(hour), "%.5s", starts + 11);
        text_fmtbuf(line, sizeof(line), lang, "flyer.when", "date", day, "time", hour, NULL);
        rc = pdf_paragraph(p, line);
    }
    if (rc == EP_OK && where != NULL) {
        text_fmtbuf(line, sizeof(line), lang, "flyer.where", "place", where, NULL);
        rc = pdf_paragraph(p, line);
    }
    /* How long, as the email and the audio say it (30 minutes when unset). */
    if (rc == EP_OK && starts != NULL && strlen(starts) >= 16) {
        json_int_t m = json_integer_value(json_object_get(comm, "duration_min"));
        char n[16];
        snprintf(n, sizeof(n), "%d", m > 0 && m <= 10080 ? (int)m : 30);
        text_fmtbuf(line, sizeof(line), lang, "flyer.duration", "n", n, NULL);
        rc = pdf_paragraph(p, line);
    }
    if (rc == EP_OK && json_is_object(env)) {
        json_t *payload = NULL;
        struct ep_error why = {0};
        int holds = comms_verify(env, &payload, &why) == EP_OK;
        /* The text printed is the one signed in the language printed. */
        const char *signed_text = holds ? str(payload, en ? "text_en" : "text") : NULL;
        /* Cite the signature only when it holds: a stale envelope would vouch
         * for other words. */
        if (signed_text != NULL && strcmp(signed_text, text) == 0)
            text_fmtbuf(line, sizeof(line), lang, "flyer.signed", "key", str(payload, "key_id"),
                        "issued", str(payload, "issued_at"), NULL);
        else
            text_fmtbuf(line, sizeof(line), lang, "flyer.unsigned", NULL);
        json_decref(payload);
        rc = pdf_note(p, line);
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
    pdf_free(p);
    return rc;
}
