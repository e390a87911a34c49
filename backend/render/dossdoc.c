/* dossdoc.c - the dossier as PDF with margins and pages, and as ODT
 * (see dossdoc.h). */
#include "dossdoc.h"

#include "dossier.h"
#include "err.h"
#include "fmt.h"
#include "odf.h"
#include "pdf.h"
#include "strbuf.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CUT_MAX 3 /* parts named in the warning: the longest first */

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "";
}

/* The language the dossier was drafted in (dossier_build's "lang"). */
static const char *doc_lang(const json_t *d)
{
    return text_lang(json_string_value(json_object_get(d, "lang")));
}

static int included(const json_t *part)
{
    return !json_is_false(json_object_get(part, "include"));
}

/* ---- PDF -------------------------------------------------------------------- */

#define LIST_MAX 256 /* items gathered into one tagged list */

/* A part's text, line by line: runs of "- " lines as one tagged list, other
 * lines as paragraphs, blank lines skipped (the paragraph gap already
 * separates them). */
static int pdf_text(struct pdf *p, const char *text)
{
    char *items[LIST_MAX];
    size_t n_items = 0;
    int rc = EP_OK;

    while (rc == EP_OK) {
        const char *nl = strchr(text, '\n');
        size_t n = nl != NULL ? (size_t)(nl - text) : strlen(text);
        int item = n >= 2 && text[0] == '-' && text[1] == ' ';
        /* The list so far ends at a non-item line, at the end, or when full. */
        if (n_items > 0 && (!item || *text == '\0' || n_items == LIST_MAX)) {
            rc = pdf_list(p, (const char *const *)items, n_items);
            for (size_t i = 0; i < n_items; i++)
                free(items[i]);
            n_items = 0;
        }
        if (rc != EP_OK || *text == '\0')
            break;
        if (item) {
            items[n_items] = strndup(text + 2, n - 2);
            if (items[n_items] == NULL)
                rc = EP_ENOMEM;
            else
                n_items++;
        } else if (n > 0) {
            char *line = strndup(text, n);
            rc = line != NULL ? pdf_paragraph(p, line) : EP_ENOMEM;
            free(line);
        }
        text += n + (nl != NULL ? 1 : 0);
    }
    for (size_t i = 0; i < n_items; i++)
        free(items[i]);
    return rc;
}

/* Sorts parts by the pages they take, longest first (qsort). */
static int by_pages(const void *a, const void *b)
{
    double pa =
        json_real_value(json_object_get(json_object_get(*(json_t *const *)a, "pages"), "count"));
    double pb =
        json_real_value(json_object_get(json_object_get(*(json_t *const *)b, "pages"), "count"));
    return pa < pb ? 1 : pa > pb ? -1 : 0;
}

/* over_budget, pages_over and the warning with what to cut. */
static int budget(json_t *d, int body_pages)
{
    json_t *parts = json_object_get(d, "parts"), *cut, *warning, *x;
    json_t *sorted[32];
    size_t n = 0, i;
    int over = body_pages - DOSSIER_PAGE_LIMIT;
    const char *lang = doc_lang(d);
    char msg[256];

    json_object_set_new(d, "total_pages", json_integer(body_pages));
    json_object_set_new(d, "limit", json_integer(DOSSIER_PAGE_LIMIT));
    json_object_set_new(d, "over_budget", json_boolean(over > 0));
    json_object_set_new(d, "pages_over", json_integer(over > 0 ? over : 0));
    if (over <= 0) {
        json_object_set_new(d, "warning", json_null());
        return EP_OK;
    }
    json_array_foreach(parts, i, x)
    {
        if (included(x) && n < sizeof(sorted) / sizeof(sorted[0]))
            sorted[n++] = x;
    }
    qsort(sorted, n, sizeof(json_t *), by_pages);
    cut = json_array();
    for (i = 0; i < n && i < CUT_MAX; i++)
        json_array_append_new(
            cut, json_pack("{s:s, s:s, s:O}", "id", str(sorted[i], "id"), "title",
                           str(sorted[i], "title"), "pages",
                           json_object_get(json_object_get(sorted[i], "pages"), "count")));
    {
        char pages[FMT_MAX], limit[FMT_MAX], num[FMT_MAX], extra[96], key[64];
        fmt_number(pages, sizeof(pages), body_pages, 0, lang);
        fmt_number(limit, sizeof(limit), DOSSIER_PAGE_LIMIT, 0, lang);
        text_count_key(key, sizeof(key), "dossdoc.pages_over", over, lang);
        fmt_number(num, sizeof(num), over, 0, lang);
        text_fmtbuf(extra, sizeof(extra), lang, key, "n", num, NULL);
        text_fmtbuf(msg, sizeof(msg), lang, "dossdoc.too_long", "pages", pages, "limit", limit,
                    "over", extra, NULL);
    }
    warning = json_pack("{s:s, s:o, s:[s, s, s]}", "message", msg, "cut", cut, "suggestions",
                        text_get(lang, "dossdoc.cut.shorten"), text_get(lang, "dossdoc.cut.annex"),
                        text_get(lang, "dossdoc.cut.group"));
    json_object_set_new(d, "warning", warning);
    return warning != NULL ? EP_OK : EP_ENOMEM;
}

static int annex_tables(struct pdf *p, const json_t *d)
{
    size_t i, j, k;
    json_t *an, *row, *cell;
    const char *lang = doc_lang(d);
    int rc = pdf_heading(p, 1, text_get(lang, "dossdoc.annexes"));

    json_array_foreach(json_object_get(d, "annexes"), i, an)
    {
        const json_t *head = json_object_get(an, "header"), *rows = json_object_get(an, "rows");
        size_t nc = json_array_size(head), nr = json_array_size(rows);
        const char **h = calloc(nc + 1, sizeof(*h)), **cells = calloc(nc * nr + 1, sizeof(*cells));
        if (h == NULL || cells == NULL)
            rc = EP_ENOMEM;
        for (k = 0; rc == EP_OK && k < nc; k++)
            h[k] = json_string_value(json_array_get(head, k));
        json_array_foreach(rows, j, row)
        {
            json_array_foreach(row, k, cell)
            {
                if (cells != NULL && k < nc)
                    cells[j * nc + k] = json_string_value(cell);
            }
        }
        if (rc == EP_OK)
            rc = pdf_heading(p, 2, str(an, "title"));
        if (rc == EP_OK)
            rc = nr > 0 ? pdf_table(p, h, nc, cells, nr)
                        : pdf_note(p, text_get(lang, "dossier.no_data"));
        free(h);
        free(cells);
        if (rc != EP_OK)
            break;
    }
    return rc;
}

int dossdoc_pdf(json_t *d, const char *mark, char **out, size_t *len)
{
    char title[512], head[300];
    struct pdf *p;
    size_t i, n = 0;
    json_t *x;
    int rc, body_pages = 1, last;

    if (out != NULL)
        *out = NULL;
    const char *lang = doc_lang(d);

    text_fmtbuf(title, sizeof(title), lang, "dossier.title", "title", str(d, "production"), NULL);
    p = pdf_new(title, fmt_is_english(lang) ? "en-GB" : "fr-FR", text_get(lang, "dossdoc.subject"));
    if (p == NULL)
        return EP_ENOMEM;
    pdf_margin_column(p);
    pdf_page_numbers(p, 1);
    rc = mark != NULL ? pdf_mark(p, mark) : EP_OK;
    if (rc == EP_OK)
        rc = pdf_heading(p, 1, title);
    if (rc == EP_OK && mark != NULL)
        rc = pdf_paragraph(p, mark);
    if (rc == EP_OK)
        rc = pdf_note(p, text_get(lang, "dossdoc.margin_note"));
    json_array_foreach(json_object_get(d, "parts"), i, x)
    {
        double from;
        int start;
        if (rc != EP_OK)
            break;
        if (!included(x)) {
            json_object_set_new(x, "pages", json_null());
            continue;
        }
        snprintf(head, sizeof(head), "%zu. %s", ++n, str(x, "title"));
        from = pdf_position(p);
        rc = pdf_margin_note(p, str(x, "margin"));
        if (rc == EP_OK)
            rc = pdf_heading(p, 2, head);
        start = pdf_last_page(p);
        if (rc == EP_OK)
            rc = pdf_text(p, str(x, "text"));
        if (rc == EP_OK)
            rc = pdf_margin_note(p, NULL);
        last = pdf_last_page(p);
        body_pages = last;
        json_object_set_new(x, "pages",
                            json_pack("{s:i, s:i, s:f}", "start", start, "end", last, "count",
                                      round((pdf_position(p) - from) * 10) / 10));
    }
    if (rc == EP_OK)
        rc = pdf_page_break(p);
    if (rc == EP_OK)
        rc = annex_tables(p, d);
    if (rc == EP_OK) {
        json_object_set_new(d, "annex_pages", json_integer(pdf_page(p) - body_pages));
        rc = budget(d, body_pages);
    }
    if (rc == EP_OK && out != NULL)
        rc = pdf_finish(p, out, len);
    pdf_free(p);
    return rc;
}

/* ---- ODT -------------------------------------------------------------------- */

#define NS                                                                                         \
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "                           \
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "                             \
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "                               \
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "                             \
    "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" "                            \
    "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" "                    \
    "xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" "                      \
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "                                               \
    "xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" office:version=\"1.2\""

static const char manifest[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
    "manifest:version=\"1.2\">\n"
    " <manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.2\" "
    "manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>\n"
    " <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\n"
    " <manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>\n"
    " <manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>\n"
    "</manifest:manifest>\n";

/* Where odt_styles writes the document's language into the styles. */
#define LANG_MARK "fo:language=\"fr\" fo:country=\"FR\""

/* A4 with a wide left margin where the competencies sit, as on paper. */
static const char styles[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<office:document-styles " NS ">\n"
    "<office:styles>\n"
    " <style:default-style style:family=\"paragraph\"><style:paragraph-properties "
    "fo:margin-bottom=\"0.2cm\"/><style:text-properties style:font-name=\"DejaVu Sans\" "
    "fo:font-family=\"'DejaVu Sans'\" fo:font-size=\"10.5pt\" " LANG_MARK
    "/></style:default-style>\n"
    " <style:style style:name=\"Standard\" style:family=\"paragraph\" style:class=\"text\"/>\n"
    " <style:style style:name=\"Heading_20_1\" style:display-name=\"Heading 1\" "
    "style:family=\"paragraph\" style:default-outline-level=\"1\" style:class=\"text\">"
    "<style:paragraph-properties fo:margin-top=\"0.4cm\" fo:margin-bottom=\"0.3cm\"/>"
    "<style:text-properties fo:font-size=\"18pt\" fo:font-weight=\"bold\"/></style:style>\n"
    " <style:style style:name=\"Heading_20_2\" style:display-name=\"Heading 2\" "
    "style:family=\"paragraph\" style:default-outline-level=\"2\" style:class=\"text\">"
    "<style:paragraph-properties fo:margin-top=\"0.5cm\" fo:margin-bottom=\"0.2cm\"/>"
    "<style:text-properties fo:font-size=\"13pt\" fo:font-weight=\"bold\"/></style:style>\n"
    "</office:styles>\n"
    "<office:automatic-styles><style:page-layout style:name=\"pm1\"><style:page-layout-properties "
    "fo:page-width=\"21cm\" fo:page-height=\"29.7cm\" fo:margin-top=\"2cm\" "
    "fo:margin-bottom=\"2cm\" fo:margin-left=\"4.5cm\" fo:margin-right=\"2cm\"/>"
    "</style:page-layout></office:automatic-styles>\n"
    "<office:master-styles><style:master-page style:name=\"Standard\" "
    "style:page-layout-name=\"pm1\"/></office:master-styles>\n"
    "</office:document-styles>\n";

static const char content_head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<office:document-content " NS ">\n"
    "<office:automatic-styles>\n"
    " <style:style style:name=\"fr1\" style:family=\"graphic\"><style:graphic-properties "
    "style:horizontal-pos=\"from-left\" style:horizontal-rel=\"paragraph\" "
    "style:vertical-pos=\"top\" style:vertical-rel=\"paragraph\" style:wrap=\"none\" "
    "style:run-through=\"foreground\" fo:border=\"none\" fo:padding=\"0cm\"/></style:style>\n"
    " <style:style style:name=\"Marge\" style:family=\"paragraph\" "
    "style:parent-style-name=\"Standard\"><style:text-properties fo:font-size=\"9pt\" "
    "fo:font-weight=\"bold\" fo:color=\"#00543a\"/></style:style>\n"
    " <style:style style:name=\"Annexes\" style:family=\"paragraph\" "
    "style:parent-style-name=\"Heading_20_1\"><style:paragraph-properties "
    "fo:break-before=\"page\"/></style:style>\n"
    "</office:automatic-styles>\n"
    "<office:body><office:text>\n";

static int xml_text(struct strbuf *b, const char *text)
{
    return strbuf_html(b, text);
}

static int odt_body(struct strbuf *b, const json_t *d)
{
    size_t i, j, k, n = 0;
    json_t *x, *row, *cell;
    const char *lang = doc_lang(d);
    char title[512];
    int rc = strbuf_str(b, content_head);

    text_fmtbuf(title, sizeof(title), lang, "dossier.title", "title", str(d, "production"), NULL);
    if (rc == EP_OK)
        rc = strbuf_str(b, "<text:h text:style-name=\"Heading_20_1\" text:outline-level=\"1\">");
    if (rc == EP_OK)
        rc = xml_text(b, title);
    if (rc == EP_OK)
        rc = strbuf_str(b, "</text:h>\n<text:p>");
    if (rc == EP_OK)
        rc = xml_text(b, text_get(lang, "dossdoc.margin_note"));
    if (rc == EP_OK)
        rc = strbuf_str(b, "</text:p>\n");
    json_array_foreach(json_object_get(d, "parts"), i, x)
    {
        const char *t;
        if (rc != EP_OK)
            break;
        if (!included(x))
            continue;
        n++;
        /* The competencies in a frame anchored to the heading, pushed into the
         * left page margin: beside the part, and moving with it when edited. */
        rc = strbuf_printf(
            b,
            "<text:h text:style-name=\"Heading_20_2\" text:outline-level=\"2\"><draw:frame "
            "draw:style-name=\"fr1\" draw:name=\"Marge%zu\" text:anchor-type=\"paragraph\" "
            "svg:x=\"-3.3cm\" svg:y=\"0cm\" svg:width=\"3cm\" draw:z-index=\"%zu\">"
            "<draw:text-box fo:min-height=\"0.5cm\"><text:p text:style-name=\"Marge\">",
            n, n);
        if (rc == EP_OK)
            rc = xml_text(b, str(x, "margin"));
        if (rc == EP_OK)
            rc = strbuf_printf(b, "</text:p></draw:text-box></draw:frame>%zu. ", n);
        if (rc == EP_OK)
            rc = xml_text(b, str(x, "title"));
        if (rc == EP_OK)
            rc = strbuf_str(b, "</text:h>\n");
        for (t = str(x, "text"); rc == EP_OK && *t != '\0';) {
            const char *nl = strchr(t, '\n');
            size_t len = nl != NULL ? (size_t)(nl - t) : strlen(t);
            char *line = strndup(t, len);
            if (line == NULL)
                return EP_ENOMEM;
            if (line[0] != '\0') {
                rc = strbuf_str(b, strncmp(line, "- ", 2) == 0 ? "<text:p>• " : "<text:p>");
                if (rc == EP_OK)
                    rc = xml_text(b, strncmp(line, "- ", 2) == 0 ? line + 2 : line);
                if (rc == EP_OK)
                    rc = strbuf_str(b, "</text:p>\n");
            }
            free(line);
            t += len + (nl != NULL ? 1 : 0);
        }
    }
    if (rc == EP_OK)
        rc = strbuf_str(b, "<text:h text:style-name=\"Annexes\" text:outline-level=\"1\">");
    if (rc == EP_OK)
        rc = xml_text(b, text_get(lang, "dossdoc.annexes"));
    if (rc == EP_OK)
        rc = strbuf_str(b, "</text:h>\n");
    json_array_foreach(json_object_get(d, "annexes"), i, x)
    {
        const json_t *head = json_object_get(x, "header");
        if (rc != EP_OK)
            break;
        rc = strbuf_str(b, "<text:h text:style-name=\"Heading_20_2\" text:outline-level=\"2\">");
        if (rc == EP_OK)
            rc = xml_text(b, str(x, "title"));
        if (rc == EP_OK)
            rc = strbuf_printf(b,
                               "</text:h>\n<table:table table:name=\"Annexe%zu\">"
                               "<table:table-column table:number-columns-repeated=\"%zu\"/>"
                               "<table:table-header-rows><table:table-row>",
                               i + 1, json_array_size(head));
        json_array_foreach(head, k, cell)
        {
            if (rc == EP_OK)
                rc = strbuf_str(b, "<table:table-cell office:value-type=\"string\"><text:p>");
            if (rc == EP_OK)
                rc = xml_text(b, json_string_value(cell));
            if (rc == EP_OK)
                rc = strbuf_str(b, "</text:p></table:table-cell>");
        }
        if (rc == EP_OK)
            rc = strbuf_str(b, "</table:table-row></table:table-header-rows>\n");
        json_array_foreach(json_object_get(x, "rows"), j, row)
        {
            if (rc == EP_OK)
                rc = strbuf_str(b, "<table:table-row>");
            json_array_foreach(row, k, cell)
            {
                if (rc == EP_OK)
                    rc = strbuf_str(b, "<table:table-cell office:value-type=\"string\"><text:p>");
                if (rc == EP_OK)
                    rc =
                        xml_text(b, json_string_value(cell) != NULL ? json_string_value(cell) : "");
                if (rc == EP_OK)
                    rc = strbuf_str(b, "</text:p></table:table-cell>");
            }
            if (rc == EP_OK)
                rc = strbuf_str(b, "</table:table-row>\n");
        }
        if (rc == EP_OK)
            rc = strbuf_str(b, "</table:table>\n");
    }
    if (rc == EP_OK)
        rc = strbuf_str(b, "</office:text></office:body></office:document-content>\n");
    return rc;
}

static int odt_meta(struct strbuf *b, const json_t *d)
{
    const char *lang = doc_lang(d);
    char title[512];
    int rc = strbuf_str(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<office:document-meta " NS "><office:meta><dc:title>");

    text_fmtbuf(title, sizeof(title), lang, "dossier.title", "title", str(d, "production"), NULL);
    if (rc == EP_OK)
        rc = xml_text(b, title);
    if (rc == EP_OK)
        rc = strbuf_printf(b,
                           "</dc:title><dc:language>%s</dc:language>"
                           "<meta:generator>ecoplateau</meta:generator>"
                           "</office:meta></office:document-meta>\n",
                           fmt_is_english(lang) ? "en-GB" : "fr-FR");
    return rc;
}

int dossdoc_odt(const json_t *d, char **out, size_t *len)
{
    static const char mimetype[] = "application/vnd.oasis.opendocument.text";
    struct strbuf content, meta, style;
    int rc;

    *out = NULL;
    *len = 0;
    strbuf_init(&content, (size_t)16 * 1024 * 1024);
    strbuf_init(&meta, 4096);
    strbuf_init(&style, sizeof(styles) + 64);
    rc = odt_body(&content, d);
    if (rc == EP_OK)
        rc = odt_meta(&meta, d);
    if (rc == EP_OK) {
        /* the default language, so spelling checks the text in its own */
        const char *at = strstr(styles, LANG_MARK);
        rc = strbuf_add(&style, styles, (size_t)(at - styles));
        if (rc == EP_OK)
            rc = strbuf_str(&style, fmt_is_english(doc_lang(d))
                                        ? "fo:language=\"en\" fo:country=\"GB\""
                                        : LANG_MARK);
        if (rc == EP_OK)
            rc = strbuf_str(&style, at + strlen(LANG_MARK));
    }
    if (rc == EP_OK)
        rc = odf_package(mimetype, (struct odf_part){content.p, content.len},
                         (struct odf_part){style.p, style.len}, (struct odf_part){meta.p, meta.len},
                         (struct odf_part){manifest, sizeof(manifest) - 1}, out, len);
    strbuf_release(&content);
    strbuf_release(&meta);
    strbuf_release(&style);
    return rc;
}
