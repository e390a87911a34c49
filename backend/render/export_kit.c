/* export_kit.c - the communication kit as PDF, Markdown and HTML (see export_kit.h). */
#include "export_kit.h"
#include "err.h"
#include "fmt.h"
#include "imgmeta.h"
#include "pdf.h"
#include "promo.h"
#include "strbuf.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- kit photos in the PDF ------------------------------------------------ */

#define KIT_PHOTO_MAX_PX 4096 /* a decoded surface of 64 MiB at most */
#define KIT_PHOTO_W 360.0     /* points: the box a photo is fitted into */
#define KIT_PHOTO_H 270.0

/* PNG bytes read by cairo from memory. */
struct mem_reader {
    const unsigned char *p;
    size_t left;
};

static cairo_status_t read_mem(void *closure, unsigned char *data, unsigned int length)
{
    struct mem_reader *m = closure;

    if (length > m->left)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, m->p, length);
    m->p += length;
    m->left -= length;
    return CAIRO_STATUS_SUCCESS;
}

static void draw_photo(cairo_t *cr, double x, double y, double w, double h, void *data)
{
    cairo_surface_t *img = data;

    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, w / cairo_image_surface_get_width(img),
                h / cairo_image_surface_get_height(img));
    cairo_set_source_surface(cr, img, 0, 0);
    /* A bounded fill, not cairo_paint(): cairo 1.16 fails a tagged PDF
     * ("invalid tag nesting") when an unbounded paint sits inside a tag. */
    cairo_rectangle(cr, 0, 0, cairo_image_surface_get_width(img),
                    cairo_image_surface_get_height(img));
    cairo_fill(cr);
    cairo_restore(cr);
}

/*
 * A cairo surface for a JPEG or PNG photo, or NULL (WebP, damaged, too
 * large). A JPEG is not decoded: cairo embeds its bytes as they are (the
 * mime data), on a blank surface of the size its SOF marker gives; *bytes
 * then belongs to the surface.
 */
static cairo_surface_t *photo_surface(unsigned char **bytes, size_t len)
{
    const char *type = imgmeta_sniff(*bytes, len);
    cairo_surface_t *img = NULL;
    int w = 0, h = 0;

    if (type == NULL || imgmeta_dimensions(*bytes, len, &w, &h) != EP_OK || w > KIT_PHOTO_MAX_PX ||
        h > KIT_PHOTO_MAX_PX)
        return NULL;
    if (strcmp(type, IMGMETA_PNG) == 0) {
        struct mem_reader m = {*bytes, len};
        img = cairo_image_surface_create_from_png_stream(read_mem, &m);
    } else {
        img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS ||
            cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, *bytes, len, free, *bytes) !=
                CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(img); /* a blank surface would print a blank photo */
            return NULL;
        }
        *bytes = NULL; /* the surface frees it */
    }
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return NULL;
    }
    return img;
}

/* The embedded photos of one practice, each a Figure with its caption as /Alt. */
static int kit_pdf_photos(struct pdf *p, const struct export_doc *d, const json_t *kit,
                          const char *action)
{
    const json_t *ph;
    size_t i;
    int rc = EP_OK;

    json_array_foreach(json_object_get(kit, "photos"), i, ph)
    {
        const char *b64 = export_str(ph, "data");
        size_t n = strlen(b64), len = 0;
        unsigned char *bytes;
        cairo_surface_t *img;
        double w, h, k;
        if (strcmp(export_str(ph, "action"), action) != 0 || n == 0)
            continue;
        bytes = malloc(n / 4 * 3 + 3);
        if (bytes == NULL)
            return EP_ENOMEM;
        if (sodium_base642bin(bytes, n / 4 * 3 + 3, b64, n, NULL, &len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0) {
            free(bytes);
            continue;
        }
        img = photo_surface(&bytes, len);
        free(bytes);
        if (img == NULL) {
            rc = pdf_note(p, export_label(d->lang, "kit.photo_unreadable"));
            if (rc != EP_OK)
                return rc;
            continue;
        }
        w = cairo_image_surface_get_width(img);
        h = cairo_image_surface_get_height(img);
        k = KIT_PHOTO_W / w < KIT_PHOTO_H / h ? KIT_PHOTO_W / w : KIT_PHOTO_H / h;
        rc = pdf_figure(p, export_str(ph, "caption"), w * k, h * k, draw_photo, img);
        if (rc == EP_OK)
            rc = pdf_note(p, export_str(ph, "caption"));
        cairo_surface_destroy(img);
        if (rc != EP_OK)
            return rc;
    }
    return rc;
}

/* ---- the kit's words in the document's language ------------------------- */

#define KIT_MAX_BYTES ((size_t)4 * 1024 * 1024)
/* The HTML page also carries up to PROMO_EMBED_BYTES of photos in base64. */
#define KIT_HTML_MAX_BYTES (KIT_MAX_BYTES + PROMO_EMBED_BYTES / 3 * 4 + 4096)

static const char *const parts[][2] = {{"objective", "kit.objective"},
                                       {"means", "kit.means"},
                                       {"result", "kit.result"},
                                       {"success_factors", "kit.success_factors"},
                                       {"lessons", "kit.lessons"}};
enum { NPARTS = sizeof(parts) / sizeof(parts[0]) };

/* The label of "kit.<group>.<name>.<what>", or fallback (the kit's French). */
static const char *kit_word(const struct export_doc *d, const char *group, const char *name,
                            const char *what, const char *fallback)
{
    char key[128];
    const char *s;

    snprintf(key, sizeof(key), "kit.%s.%s%s%s", group, name, what[0] ? "." : "", what);
    s = export_label(d->lang, key);
    return s != key ? s : fallback;
}

/* "<title> — <production>" */
static void kit_title(const struct export_doc *d, const json_t *kit, char *buf, size_t len)
{
    snprintf(
        buf, len, "%s — %s",
        kit_word(d, "audience", export_str(kit, "audience"), "title", export_str(kit, "title")),
        export_str(kit, "production"));
}

static const char *kit_intro(const struct export_doc *d, const json_t *kit)
{
    return kit_word(d, "audience", export_str(kit, "audience"), "intro", export_str(kit, "intro"));
}

static const char *figure_label(const struct export_doc *d, const json_t *x)
{
    return kit_word(d, "fig", export_str(x, "key"), "", export_str(x, "label"));
}

/* A figure's note; the footprint's figures say when the shoot is not over. */
static void figure_note(const struct export_doc *d, const json_t *kit, const json_t *x, char *buf,
                        size_t len)
{
    const char *key = export_str(x, "key");
    const char *tpl = kit_word(d, "fig", key, "note", NULL);
    json_int_t elapsed = json_integer_value(json_object_get(kit, "elapsed_days"));
    json_int_t total = json_integer_value(json_object_get(kit, "total_days"));
    char a[FMT_MAX + 48], b[FMT_MAX + 48], part[512];

    if (tpl == NULL) {
        snprintf(buf, len, "%s", export_str(x, "note"));
        return;
    }
    export_count(a, sizeof(a), d->lang, (long)json_integer_value(json_object_get(x, "measured")),
                 "count.measured");
    export_count(b, sizeof(b), d->lang, (long)json_integer_value(json_object_get(x, "no_data")),
                 "count.no_data");
    export_fill(buf, len, tpl, "measured", a, "no_data", b, NULL);
    if ((strcmp(key, "footprint") == 0 || strcmp(key, "gap") == 0) && elapsed < total) {
        export_count(a, sizeof(a), d->lang, (long)elapsed, "count.days");
        fmt_number(b, sizeof(b), (double)total, 0, d->lang);
        export_fill(part, sizeof(part), export_label(d->lang, "kit.partial"), "elapsed", a, "total",
                    b, NULL);
        snprintf(buf + strlen(buf), len - strlen(buf), "%s", part);
    }
}

/*
 * A key figure's value in the document's words: a count ("3 actions"), a
 * percentage ("−4,1 %"), a quantity with its unit ("7 tCO2e"), or missing.
 */
static void figure_value(const struct export_doc *d, const json_t *x, char *buf, size_t len)
{
    const json_t *v = json_object_get(x, "value");
    const char *unit = export_str(x, "unit");
    char num[FMT_MAX], key[64], one[72];

    snprintf(key, sizeof(key), "unit.%s", unit);
    snprintf(one, sizeof(one), "%s.one", key);
    if (!json_is_number(v))
        snprintf(buf, len, "%s", export_label(d->lang, "doc.missing"));
    else if (strcmp(unit, "%") == 0) /* a gap carries its sign: "+7 %", "−14 %" */
        fmt_percent(buf, len, json_number_value(v) / 100.0, 1,
                    strcmp(export_str(x, "key"), "gap") == 0, d->lang);
    else if (json_is_integer(v) && export_label(d->lang, one) != one)
        export_count(buf, len, d->lang, (long)json_integer_value(v), key);
    else
        snprintf(buf, len, "%s %s", fmt_quantity(num, sizeof(num), json_number_value(v), d->lang),
                 unit);
}

/* The text of part k of practice x ("" when empty); the result in words. */
static const char *practice_part(const struct export_doc *d, const json_t *x, size_t k, char *buf,
                                 size_t len)
{
    const json_t *pct = json_object_get(x, "attainment_pct");
    char v[FMT_MAX];

    if (strcmp(parts[k][0], "result") != 0 || export_str(x, "result")[0] == '\0')
        return export_str(x, parts[k][0]);
    if (!json_is_number(pct))
        return export_label(d->lang, "kit.result.unmeasured");
    fmt_percent(v, sizeof(v), json_number_value(pct) / 100.0, 0, 0, d->lang);
    return export_fill(buf, len, export_label(d->lang, "kit.result.reached"), "pct", v, NULL);
}

/* "Objectif : " / "Objective: " */
static const char *colon(const struct export_doc *d)
{
    return fmt_is_english(d->lang) ? ": " : " : ";
}

/* ---- PDF ----------------------------------------------------------------- */

int export_kit_pdf(const json_t *kit, const struct export_doc *d, char **out, size_t *len)
{
    const char *head[3] = {export_label(d->lang, "kit.col.figure"),
                           export_label(d->lang, "kit.col.value"),
                           export_label(d->lang, "kit.col.note")};
    const json_t *figs = json_object_get(kit, "figures");
    size_t nf = json_array_size(figs), i;
    char title[512], (*vals)[2][1024] = NULL, line[2300], part[256];
    const char **cells = NULL;
    const json_t *x;
    struct pdf *p;
    int rc = EP_ENOMEM;

    kit_title(d, kit, title, sizeof(title));
    p = pdf_new(title, export_label(d->lang, "doc.pdf_lang"), export_label(d->lang, "kit.subject"));
    cells = calloc(nf * 3 + 1, sizeof(*cells));
    vals = calloc(nf + 1, sizeof(*vals));
    if (p == NULL || cells == NULL || vals == NULL)
        goto out;
    rc = pdf_heading(p, 1, title);
    if (rc == EP_OK)
        rc = pdf_paragraph(p, kit_intro(d, kit));
    json_array_foreach(figs, i, x)
    {
        figure_value(d, x, vals[i][0], sizeof(vals[i][0]));
        figure_note(d, kit, x, vals[i][1], sizeof(vals[i][1]));
        cells[i * 3] = figure_label(d, x);
        cells[i * 3 + 1] = vals[i][0];
        cells[i * 3 + 2] = vals[i][1];
    }
    if (rc == EP_OK && nf > 0)
        rc = pdf_heading(p, 2, export_label(d->lang, "kit.figures"));
    if (rc == EP_OK && nf > 0)
        rc = pdf_table(p, head, 3, cells, nf);
    json_array_foreach(json_object_get(kit, "practices"), i, x)
    {
        if (rc == EP_OK && i == 0)
            rc = pdf_heading(p, 2, export_label(d->lang, "kit.practices"));
        if (rc == EP_OK) {
            snprintf(line, sizeof(line), "• %s", export_str(x, "title"));
            rc = pdf_paragraph(p, line);
        }
        for (size_t k = 0; rc == EP_OK && k < NPARTS; k++) {
            const char *t = practice_part(d, x, k, part, sizeof(part));
            if (t[0] == '\0')
                continue;
            snprintf(line, sizeof(line), "%s%s%s", export_label(d->lang, parts[k][1]), colon(d), t);
            rc = pdf_note(p, line);
        }
        if (rc == EP_OK)
            rc = kit_pdf_photos(p, d, kit, export_str(x, "id"));
    }
    json_array_foreach(json_object_get(kit, "tips"), i, x)
    {
        if (rc == EP_OK && i == 0)
            rc = pdf_heading(p, 2, export_label(d->lang, "kit.tips"));
        if (rc == EP_OK) {
            snprintf(line, sizeof(line), "• %s", json_string_value(x));
            rc = pdf_paragraph(p, line);
        }
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
out:
    free(cells);
    free(vals);
    pdf_free(p);
    return rc;
}

/* ---- Markdown ------------------------------------------------------------ */

/* Markdown text: one line, table pipes and markup escaped. */
static int md(struct strbuf *b, const char *s)
{
    int rc = EP_OK;
    for (; rc == EP_OK && *s != '\0'; s++) {
        if (*s == '\n' || *s == '\r')
            rc = strbuf_add(b, " ", 1);
        else if (strchr("|\\*_`#[]<>", *s) != NULL)
            rc = strbuf_printf(b, "\\%c", *s);
        else
            rc = strbuf_add(b, s, 1);
    }
    return rc;
}

/* The photos of one practice as Markdown images linking to their url. */
static int md_photos(struct strbuf *b, const json_t *kit, const char *action)
{
    const json_t *ph;
    size_t i;
    int rc = EP_OK;

    json_array_foreach(json_object_get(kit, "photos"), i, ph)
    {
        if (strcmp(export_str(ph, "action"), action) != 0)
            continue;
        rc = strbuf_str(b, "\n![");
        if (rc == EP_OK)
            rc = md(b, export_str(ph, "caption"));
        if (rc == EP_OK)
            rc = strbuf_printf(b, "](%s)\n", export_str(ph, "url"));
        if (rc != EP_OK)
            break;
    }
    return rc;
}

int export_kit_markdown(const json_t *kit, const struct export_doc *d, char **out, size_t *len)
{
    struct strbuf b;
    const json_t *x;
    char title[512], v[1024];
    size_t i;
    int rc;

    *out = NULL;
    strbuf_init(&b, KIT_MAX_BYTES);
    kit_title(d, kit, title, sizeof(title));
    rc = strbuf_str(&b, "# ");
    if (rc == EP_OK)
        rc = md(&b, title);
    if (rc == EP_OK)
        rc = strbuf_str(&b, "\n\n");
    if (rc == EP_OK)
        rc = md(&b, kit_intro(d, kit));
    if (rc == EP_OK && json_array_size(json_object_get(kit, "figures")) > 0)
        rc = strbuf_printf(
            &b, "\n\n## %s\n\n| %s | %s | %s |\n|---|---|---|\n",
            export_label(d->lang, "kit.figures"), export_label(d->lang, "kit.col.figure"),
            export_label(d->lang, "kit.col.value"), export_label(d->lang, "kit.col.note"));
    json_array_foreach(json_object_get(kit, "figures"), i, x)
    {
        if (rc == EP_OK)
            rc = strbuf_str(&b, "| ");
        if (rc == EP_OK)
            rc = md(&b, figure_label(d, x));
        figure_value(d, x, v, sizeof(v));
        if (rc == EP_OK)
            rc = strbuf_printf(&b, " | %s | ", v);
        figure_note(d, kit, x, v, sizeof(v));
        if (rc == EP_OK)
            rc = md(&b, v);
        if (rc == EP_OK)
            rc = strbuf_str(&b, " |\n");
    }
    json_array_foreach(json_object_get(kit, "practices"), i, x)
    {
        if (rc == EP_OK && i == 0)
            rc = strbuf_printf(&b, "\n## %s\n", export_label(d->lang, "kit.practices"));
        if (rc == EP_OK)
            rc = strbuf_str(&b, "\n### ");
        if (rc == EP_OK)
            rc = md(&b, export_str(x, "title"));
        if (rc == EP_OK)
            rc = strbuf_str(&b, "\n\n");
        for (size_t k = 0; rc == EP_OK && k < NPARTS; k++) {
            const char *t = practice_part(d, x, k, v, sizeof(v));
            if (t[0] == '\0')
                continue;
            rc = strbuf_printf(&b, "- **%s**%s", export_label(d->lang, parts[k][1]), colon(d));
            if (rc == EP_OK)
                rc = md(&b, t);
            if (rc == EP_OK)
                rc = strbuf_str(&b, "\n");
        }
        if (rc == EP_OK)
            rc = md_photos(&b, kit, export_str(x, "id"));
    }
    json_array_foreach(json_object_get(kit, "tips"), i, x)
    {
        if (rc == EP_OK && i == 0)
            rc = strbuf_printf(&b, "\n## %s\n\n", export_label(d->lang, "kit.tips"));
        if (rc == EP_OK)
            rc = strbuf_str(&b, "- ");
        if (rc == EP_OK)
            rc = md(&b, json_string_value(x) != NULL ? json_string_value(x) : "");
        if (rc == EP_OK)
            rc = strbuf_str(&b, "\n");
    }
    if (rc == EP_OK) {
        *out = strbuf_detach(&b, len);
        rc = *out != NULL ? EP_OK : EP_ENOMEM;
    }
    strbuf_release(&b);
    return rc;
}

/* ---- HTML ---------------------------------------------------------------- */

/* Appends pre (trusted markup), then s escaped, then post (trusted). */
static int tag(struct strbuf *b, const char *pre, const char *s, const char *post)
{
    int rc = strbuf_str(b, pre);
    if (rc == EP_OK)
        rc = strbuf_html(b, s != NULL ? s : "");
    if (rc == EP_OK)
        rc = strbuf_str(b, post);
    return rc;
}

/*
 * The embedded photos of one practice as figures with data: URIs (the page
 * stays one file). type and data come from the server (sniffed type,
 * base64), the caption from a person: escaped.
 */
static int html_photos(struct strbuf *b, const json_t *kit, const char *action)
{
    const json_t *ph;
    size_t i;
    int rc = EP_OK;

    json_array_foreach(json_object_get(kit, "photos"), i, ph)
    {
        if (strcmp(export_str(ph, "action"), action) != 0 || export_str(ph, "data")[0] == '\0')
            continue;
        rc = strbuf_printf(b, "<figure><img src=\"data:%s;base64,", export_str(ph, "content_type"));
        if (rc == EP_OK)
            rc = strbuf_str(b, export_str(ph, "data"));
        if (rc == EP_OK)
            rc = tag(b, "\" alt=\"", export_str(ph, "caption"), "\">");
        if (rc == EP_OK)
            rc = tag(b, "<figcaption>", export_str(ph, "caption"), "</figcaption></figure>\n");
        if (rc != EP_OK)
            break;
    }
    return rc;
}

int export_kit_html(const json_t *kit, const struct export_doc *d, char **out, size_t *len)
{
    struct strbuf b;
    const json_t *x;
    char title[512], v[1024];
    size_t i;
    int rc;

    *out = NULL;
    strbuf_init(&b, KIT_HTML_MAX_BYTES);
    kit_title(d, kit, title, sizeof(title));
    rc = strbuf_printf(&b,
                       "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
                       export_lang(d->lang));
    if (rc == EP_OK)
        rc = tag(&b, "<title>", title, "</title>\n");
    if (rc == EP_OK)
        rc = strbuf_str(&b, "<style>body{font:1.125rem/1.5 system-ui,sans-serif;max-width:46rem;"
                            "margin:2rem auto;padding:0 1rem;color:#1b1b1b;background:#fff}"
                            "table{border-collapse:collapse;width:100%}th,td{border:1px solid "
                            "#666;padding:.4rem;text-align:left}caption{font-weight:bold;"
                            "text-align:left;padding:.4rem 0}img{max-width:100%;height:auto}"
                            "figure{margin:1rem 0}</style>\n</head>\n<body>\n<main>\n");
    if (rc == EP_OK)
        rc = tag(&b, "<h1>", title, "</h1>\n");
    if (rc == EP_OK)
        rc = tag(&b, "<p>", kit_intro(d, kit), "</p>\n");
    if (rc == EP_OK && json_array_size(json_object_get(kit, "figures")) > 0) {
        rc = tag(&b, "<table>\n<caption>", export_label(d->lang, "kit.figures"),
                 "</caption>\n<thead><tr>");
        if (rc == EP_OK)
            rc = tag(&b, "<th scope=\"col\">", export_label(d->lang, "kit.col.figure"), "</th>");
        if (rc == EP_OK)
            rc = tag(&b, "<th scope=\"col\">", export_label(d->lang, "kit.col.value"), "</th>");
        if (rc == EP_OK)
            rc = tag(&b, "<th scope=\"col\">", export_label(d->lang, "kit.col.note"),
                     "</th></tr></thead>\n<tbody>\n");
    }
    json_array_foreach(json_object_get(kit, "figures"), i, x)
    {
        if (rc == EP_OK)
            rc = tag(&b, "<tr><th scope=\"row\">", figure_label(d, x), "</th>");
        figure_value(d, x, v, sizeof(v));
        if (rc == EP_OK)
            rc = tag(&b, "<td>", v, "</td>");
        figure_note(d, kit, x, v, sizeof(v));
        if (rc == EP_OK)
            rc = tag(&b, "<td>", v, "</td></tr>\n");
    }
    if (rc == EP_OK && json_array_size(json_object_get(kit, "figures")) > 0)
        rc = strbuf_str(&b, "</tbody>\n</table>\n");
    json_array_foreach(json_object_get(kit, "practices"), i, x)
    {
        if (rc == EP_OK && i == 0)
            rc = tag(&b, "<h2>", export_label(d->lang, "kit.practices"), "</h2>\n");
        if (rc == EP_OK)
            rc = tag(&b, "<section>\n<h3>", export_str(x, "title"), "</h3>\n<dl>\n");
        for (size_t k = 0; rc == EP_OK && k < NPARTS; k++) {
            const char *t = practice_part(d, x, k, v, sizeof(v));
            if (t[0] == '\0')
                continue;
            rc = tag(&b, "<dt>", export_label(d->lang, parts[k][1]), "</dt>");
            if (rc == EP_OK)
                rc = tag(&b, "<dd>", t, "</dd>\n");
        }
        if (rc == EP_OK)
            rc = strbuf_str(&b, "</dl>\n");
        if (rc == EP_OK)
            rc = html_photos(&b, kit, export_str(x, "id"));
        if (rc == EP_OK)
            rc = strbuf_str(&b, "</section>\n");
    }
    json_array_foreach(json_object_get(kit, "tips"), i, x)
    {
        if (rc == EP_OK && i == 0)
            rc = tag(&b, "<h2>", export_label(d->lang, "kit.tips"), "</h2>\n<ul>\n");
        if (rc == EP_OK)
            rc = tag(&b, "<li>", json_string_value(x), "</li>\n");
    }
    if (rc == EP_OK && json_array_size(json_object_get(kit, "tips")) > 0)
        rc = strbuf_str(&b, "</ul>\n");
    if (rc == EP_OK)
        rc = strbuf_str(&b, "</main>\n</body>\n</html>\n");
    if (rc == EP_OK) {
        *out = strbuf_detach(&b, len);
        rc = *out != NULL ? EP_OK : EP_ENOMEM;
    }
    strbuf_release(&b);
    return rc;
}
