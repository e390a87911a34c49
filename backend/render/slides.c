/* slides.c - the oral defence's slides (PDF, ODP) and jury sheet (PDF) (see slides.h). */
#include "slides.h"

#include "err.h"
#include "fmt.h"
#include "odf.h"
#include "pdf.h"
#include "strbuf.h"
#include "text.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BARS_MAX 16 /* the calculators' eight categories, with room */

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "";
}

/* The language oral_build wrote the defence in. */
static const char *doc_lang(const json_t *oral)
{
    return text_lang(json_string_value(json_object_get(oral, "lang")));
}

/* "fr-FR" / "en-GB" for the documents' language tags. */
static const char *lang_tag(const char *lang)
{
    return fmt_is_english(lang) ? "en-GB" : "fr-FR";
}

/* "C1 · C4 · C9" into buf. */
static void comps_line(const json_t *slide, char *buf, size_t len)
{
    size_t i, o = 0;
    json_t *c;
    buf[0] = '\0';
    json_array_foreach(json_object_get(slide, "competencies"), i, c)
    {
        int n = snprintf(buf + o, len - o, "%s%s", i > 0 ? " · " : "", json_string_value(c));
        if (n < 0 || (size_t)n >= len - o)
            break;
        o += (size_t)n;
    }
}

/* A slide's length: "45 s", "1 min 15 s", "2 min". */
static void duration(int d, char *buf, size_t len, const char *lang)
{
    char m[16], sec[16];
    snprintf(m, sizeof(m), "%d", d / 60);
    snprintf(sec, sizeof(sec), d < 60 ? "%d" : "%02d", d < 60 ? d : d % 60);
    text_fmtbuf(buf, len, lang,
                d < 60        ? "slides.duration.s"
                : d % 60 != 0 ? "slides.duration.min_s"
                              : "slides.duration.min",
                "m", m, "s", sec, NULL);
}

/* "Compétences : C1 · C4 — 1 min 15 s, de 00:45 à 02:00". */
static void slide_meta(const json_t *slide, char *buf, size_t len, const char *lang)
{
    char comps[96], dur[48], end[16];
    int d = (int)json_integer_value(json_object_get(slide, "duration_s"));
    int at = 0;
    const char *start = str(slide, "start");

    comps_line(slide, comps, sizeof(comps));
    if (strlen(start) == 5)
        at = (int)strtol(start, NULL, 10) * 60 + (int)strtol(start + 3, NULL, 10) + d;
    duration(d, dur, sizeof(dur), lang);
    snprintf(end, sizeof(end), "%02d:%02d", (at / 60) % 100, at % 60);
    text_fmtbuf(buf, len, lang, "slides.meta", "comps", comps, "duration", dur, "from", start, "to",
                end, NULL);
}

/* ---- PDF -------------------------------------------------------------------- */

struct bars {
    const char *label[BARS_MAX];
    double kg[BARS_MAX];
    size_t n;
    double max;
    const char *lang; /* for the figures */
};

static void bars_of(const json_t *chart, struct bars *b, const char *lang)
{
    size_t i;
    json_t *x;
    memset(b, 0, sizeof(*b));
    b->lang = lang;
    json_array_foreach(json_object_get(chart, "bars"), i, x)
    {
        if (b->n == BARS_MAX)
            break;
        b->label[b->n] = str(x, "label");
        b->kg[b->n] = json_number_value(json_object_get(x, "kg"));
        if (b->kg[b->n] > b->max)
            b->max = b->kg[b->n];
        b->n++;
    }
}

/* Horizontal bars, labels on the left, values at the end of each bar. */
static void draw_bars(cairo_t *cr, double x, double y, double w, double h, void *data)
{
    const struct bars *b = data;
    double label_w = w * 0.34, bar_w = w * 0.48, row = h / (double)(b->n > 0 ? b->n : 1);
    char v[FMT_MAX], t[FMT_MAX + 16];

    cairo_text_extents_t ext;
    double size = row > 40 ? 14 : 12, widest = 0;

    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    /* The longest label ("Décors naturels et lieux de tournage") sets the
     * size, so no label runs into its bar. */
    for (size_t i = 0; i < b->n; i++) {
        cairo_text_extents(cr, b->label[i], &ext);
        if (ext.x_advance > widest)
            widest = ext.x_advance;
    }
    if (widest > label_w - 10)
        cairo_set_font_size(cr, size * (label_w - 10) / widest);
    for (size_t i = 0; i < b->n; i++) {
        double by = y + row * (double)i + row * 0.15, bh = row * 0.7;
        double len = b->max > 0 ? bar_w * b->kg[i] / b->max : 0;
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_move_to(cr, x, by + bh * 0.7);
        cairo_show_text(cr, b->label[i]);
        cairo_set_source_rgb(cr, 0.0, 0.43, 0.27); /* dark green: 6.8:1 on white */
        cairo_rectangle(cr, x + label_w, by, len > 1 ? len : 1, bh);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        snprintf(t, sizeof(t), "%s kgCO2e", fmt_number(v, sizeof(v), b->kg[i], 0, b->lang));
        cairo_move_to(cr, x + label_w + len + 6, by + bh * 0.7);
        cairo_show_text(cr, t);
    }
}

static int chart_pdf(struct pdf *p, const json_t *chart, const char *lang)
{
    struct bars b;
    struct strbuf alt;
    char v[FMT_MAX];
    int rc = EP_OK;

    bars_of(chart, &b, lang);
    if (b.n == 0)
        return pdf_paragraph(p, text_get(lang, "slides.chart.missing"));
    strbuf_init(&alt, 4096);
    rc = text_fmt(&alt, lang, "slides.chart.alt", "basis", str(chart, "basis"), NULL);
    for (size_t i = 0; i < b.n && rc == EP_OK; i++)
        rc = strbuf_printf(&alt, "%s%s, %s kgCO2e", i > 0 ? text_get(lang, "slides.sep") : "",
                           b.label[i], fmt_number(v, sizeof(v), b.kg[i], 0, lang));
    if (rc == EP_OK)
        rc = pdf_figure(p, alt.p, 700, (b.n > 5 ? 32.0 : 44.0) * (double)b.n, draw_bars, &b);
    strbuf_release(&alt);
    return rc;
}

static int slide_pdf(struct pdf *p, const json_t *s, const char *lang)
{
    const char *items[8];
    char meta[256];
    size_t i, n = 0;
    json_t *b;
    int rc;

    json_array_foreach(json_object_get(s, "bullets"), i, b)
    {
        if (n < 8)
            items[n++] = json_string_value(b);
    }
    slide_meta(s, meta, sizeof(meta), lang);
    rc = pdf_heading(p, 1, str(s, "title"));
    if (rc == EP_OK)
        rc = pdf_note(p, meta);
    if (rc == EP_OK)
        rc = pdf_list(p, items, n);
    if (rc == EP_OK && json_is_object(json_object_get(s, "chart")))
        rc = chart_pdf(p, json_object_get(s, "chart"), lang);
    return rc;
}

int slides_pdf(const json_t *oral, char **out, size_t *len)
{
    struct pdf *p;
    char title[256];
    size_t i;
    json_t *s;
    int rc = EP_OK;

    *out = NULL;
    *len = 0;
    const char *lang = doc_lang(oral);

    text_fmtbuf(title, sizeof(title), lang, "slides.title", "title", str(oral, "production"), NULL);
    p = pdf_new_landscape(title, lang_tag(lang), text_get(lang, "slides.subject"));
    if (p == NULL)
        return EP_ENOMEM;
    pdf_set_scale(p, 1.5); /* read from the back of the room */
    pdf_page_numbers(p, 1);
    json_array_foreach(json_object_get(oral, "slides"), i, s)
    {
        if (rc == EP_OK && i > 0)
            rc = pdf_page_break(p);
        if (rc == EP_OK)
            rc = slide_pdf(p, s, lang);
        /* A slide is one page: a longer one would shift every page after it. */
        if (rc == EP_OK && pdf_page(p) != (int)i + 1)
            rc = EP_ETOOBIG;
        if (rc != EP_OK)
            break;
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
    pdf_free(p);
    return rc;
}

int slides_prep_pdf(const json_t *oral, char **out, size_t *len)
{
    const char *lang = doc_lang(oral);
    const char *plan_head[] = {text_get(lang, "slides.col.slide"),
                               text_get(lang, "slides.col.timing"),
                               text_get(lang, "slides.col.competencies")};
    const char *q_head[] = {text_get(lang, "slides.col.question"),
                            text_get(lang, "slides.col.evidence")};
    const char *g_head[] = {text_get(lang, "slides.col.gap"), text_get(lang, "slides.col.answer")};
    struct pdf *p;
    char title[256], h[160];
    size_t i, k;
    json_t *x, *y;
    const char **cells = NULL;
    char(*nums)[3][192] = NULL;
    size_t ncells = 0;
    int rc = EP_OK;

    *out = NULL;
    *len = 0;
    text_fmtbuf(title, sizeof(title), lang, "slides.prep.title", "title", str(oral, "production"),
                NULL);
    p = pdf_new(title, lang_tag(lang), text_get(lang, "slides.prep.subject"));
    if (p == NULL)
        return EP_ENOMEM;
    pdf_page_numbers(p, 1);
    /* Enough cells for the largest table: the timing plan. */
    size_t nslides = json_array_size(json_object_get(oral, "slides"));
    cells = calloc((nslides + 4) * 5, sizeof(*cells));
    nums = calloc(nslides + 1, sizeof(*nums));
    if (cells == NULL || nums == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    rc = pdf_heading(p, 1, title);
    if (rc == EP_OK)
        rc = pdf_paragraph(p, text_get(lang, "slides.prep.intro"));
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, text_get(lang, "slides.prep.timing"));
    json_array_foreach(json_object_get(oral, "slides"), i, x)
    {
        char dur[48];
        duration((int)json_integer_value(json_object_get(x, "duration_s")), dur, sizeof(dur), lang);
        snprintf(nums[i][0], sizeof(nums[i][0]), "%zu. %s", i + 1, str(x, "title"));
        snprintf(nums[i][1], sizeof(nums[i][1]), "%s · %s", str(x, "start"), dur);
        comps_line(x, nums[i][2], sizeof(nums[i][2]));
        cells[i * 3] = nums[i][0];
        cells[i * 3 + 1] = nums[i][1];
        cells[i * 3 + 2] = nums[i][2];
    }
    if (rc == EP_OK)
        rc = pdf_table(p, plan_head, 3, cells, nslides);
    json_array_foreach(json_object_get(oral, "prep"), i, x)
    {
        if (rc != EP_OK)
            break;
        snprintf(h, sizeof(h), "%s — %s", str(x, "competency"), str(x, "label"));
        rc = pdf_heading(p, 2, h);
        ncells = 0;
        json_array_foreach(json_object_get(x, "questions"), k, y)
        {
            if (ncells + 2 > (nslides + 4) * 5)
                break;
            cells[ncells++] = str(y, "question");
            cells[ncells++] = str(y, "evidence");
        }
        if (rc == EP_OK)
            rc = pdf_table(p, q_head, 2, cells, ncells / 2);
        if (rc == EP_OK && json_array_size(json_object_get(x, "references")) > 0) {
            struct strbuf refs;
            strbuf_init(&refs, 4096);
            rc = strbuf_str(&refs, text_get(lang, "slides.prep.references"));
            json_array_foreach(json_object_get(x, "references"), k, y)
            {
                if (rc == EP_OK)
                    rc = strbuf_printf(&refs, "%s%s", k > 0 ? text_get(lang, "slides.sep") : "",
                                       json_string_value(y));
            }
            if (rc == EP_OK)
                rc = pdf_note(p, refs.p);
            strbuf_release(&refs);
        }
        ncells = 0;
        json_array_foreach(json_object_get(x, "gaps"), k, y)
        {
            if (ncells + 2 > (nslides + 4) * 5)
                break;
            cells[ncells++] = str(y, "gap");
            cells[ncells++] = str(y, "answer");
        }
        if (rc == EP_OK && ncells > 0)
            rc = pdf_table(p, g_head, 2, cells, ncells / 2);
        else if (rc == EP_OK)
            rc = pdf_note(p, text_get(lang, "slides.prep.no_gap"));
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
out:
    free(cells);
    free(nums);
    pdf_free(p);
    return rc;
}

/* ---- ODP -------------------------------------------------------------------- */

#define NS                                                                                         \
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "                           \
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "                             \
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "                               \
    "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" "                            \
    "xmlns:presentation=\"urn:oasis:names:tc:opendocument:xmlns:presentation:1.0\" "               \
    "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" "                    \
    "xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" "                      \
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "                                               \
    "xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" office:version=\"1.2\""

static const char manifest[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
    "manifest:version=\"1.2\">\n"
    " <manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.2\" "
    "manifest:media-type=\"application/vnd.oasis.opendocument.presentation\"/>\n"
    " <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\n"
    " <manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>\n"
    " <manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>\n"
    "</manifest:manifest>\n";

/* Where slides_odp writes the document's language into the styles. */
#define LANG_MARK "fo:language=\"fr\" fo:country=\"FR\""

/* A4 landscape slides; the notes page keeps the portrait default. */
static const char styles[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<office:document-styles " NS ">\n"
    "<office:styles>\n"
    " <style:default-style style:family=\"graphic\"><style:paragraph-properties "
    "fo:margin-bottom=\"0.2cm\"/><style:text-properties style:font-name=\"DejaVu Sans\" "
    "fo:font-family=\"'DejaVu Sans'\" fo:font-size=\"18pt\" " LANG_MARK "/></style:default-style>\n"
    "</office:styles>\n"
    "<office:automatic-styles>\n"
    " <style:page-layout style:name=\"PM1\"><style:page-layout-properties fo:margin-top=\"0cm\" "
    "fo:margin-bottom=\"0cm\" fo:margin-left=\"0cm\" fo:margin-right=\"0cm\" "
    "fo:page-width=\"29.7cm\" fo:page-height=\"21cm\" style:print-orientation=\"landscape\"/>"
    "</style:page-layout>\n"
    " <style:style style:name=\"Mdp1\" "
    "style:family=\"drawing-page\"><style:drawing-page-properties "
    "draw:fill=\"none\"/></style:style>\n"
    "</office:automatic-styles>\n"
    "<office:master-styles><style:master-page style:name=\"Standard\" "
    "style:page-layout-name=\"PM1\" draw:style-name=\"Mdp1\"/></office:master-styles>\n"
    "</office:document-styles>\n";

static const char content_head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<office:document-content " NS ">\n"
    "<office:automatic-styles>\n"
    " <style:style style:name=\"dp1\" style:family=\"drawing-page\"/>\n"
    " <style:style style:name=\"gr1\" style:family=\"graphic\"><style:graphic-properties "
    "draw:stroke=\"none\" draw:fill=\"none\" draw:textarea-vertical-align=\"top\" "
    "draw:auto-grow-height=\"false\"/></style:style>\n"
    " <style:style style:name=\"gr2\" style:family=\"graphic\"><style:graphic-properties "
    "draw:stroke=\"none\" draw:fill=\"solid\" draw:fill-color=\"#006e45\"/></style:style>\n"
    " <style:style style:name=\"P1\" style:family=\"paragraph\"><style:text-properties "
    "fo:font-size=\"30pt\" fo:font-weight=\"bold\" fo:color=\"#00543a\"/></style:style>\n"
    " <style:style style:name=\"P2\" style:family=\"paragraph\"><style:text-properties "
    "fo:font-size=\"20pt\"/></style:style>\n"
    " <style:style style:name=\"P3\" style:family=\"paragraph\"><style:text-properties "
    "fo:font-size=\"12pt\" fo:font-style=\"italic\"/></style:style>\n"
    " <style:style style:name=\"P4\" style:family=\"paragraph\"><style:text-properties "
    "fo:font-size=\"12pt\"/></style:style>\n"
    "</office:automatic-styles>\n"
    "<office:body><office:presentation>\n";

/* A text frame at (x, y, w, h) in cm with its paragraphs of style. */
static int frame_open(struct strbuf *b, const char *cls, double x, double y, double w, double h)
{
    return strbuf_printf(b,
                         "<draw:frame draw:style-name=\"gr1\"%s%s%s svg:x=\"%.2fcm\" "
                         "svg:y=\"%.2fcm\" svg:width=\"%.2fcm\" svg:height=\"%.2fcm\">"
                         "<draw:text-box>",
                         cls != NULL ? " presentation:class=\"" : "", cls != NULL ? cls : "",
                         cls != NULL ? "\"" : "", x, y, w, h);
}

static int para(struct strbuf *b, const char *style, const char *text)
{
    int rc = strbuf_printf(b, "<text:p text:style-name=\"%s\">", style);
    if (rc == EP_OK)
        rc = strbuf_html(b, text);
    if (rc == EP_OK)
        rc = strbuf_str(b, "</text:p>");
    return rc;
}

static int chart_odp(struct strbuf *b, const json_t *chart, double top, const char *lang)
{
    struct bars bars;
    char v[FMT_MAX], line[160];
    int rc = EP_OK;

    bars_of(chart, &bars, lang);
    if (bars.n == 0) {
        rc = frame_open(b, NULL, 1.5, top, 26.7, 1.2);
        if (rc == EP_OK)
            rc = para(b, "P4", text_get(lang, "slides.chart.missing"));
        return rc == EP_OK ? strbuf_str(b, "</draw:text-box></draw:frame>") : rc;
    }
    for (size_t i = 0; i < bars.n && rc == EP_OK; i++) {
        double y = top + 1.1 * (double)i, w = bars.max > 0 ? 12.0 * bars.kg[i] / bars.max : 0;
        snprintf(line, sizeof(line), "%s — %s kgCO2e", bars.label[i],
                 fmt_number(v, sizeof(v), bars.kg[i], 0, lang));
        rc = frame_open(b, NULL, 1.5, y, 13.0, 1.0);
        if (rc == EP_OK)
            rc = para(b, "P4", line);
        if (rc == EP_OK)
            rc = strbuf_str(b, "</draw:text-box></draw:frame>");
        if (rc == EP_OK)
            rc = strbuf_printf(b,
                               "<draw:rect draw:style-name=\"gr2\" svg:x=\"15cm\" "
                               "svg:y=\"%.2fcm\" svg:width=\"%.2fcm\" svg:height=\"0.8cm\">"
                               "<svg:title>",
                               y, w > 0.05 ? w : 0.05);
        if (rc == EP_OK)
            rc = strbuf_html(b, line);
        if (rc == EP_OK)
            rc = strbuf_str(b, "</svg:title></draw:rect>");
    }
    return rc;
}

static int slide_odp(struct strbuf *b, const json_t *s, size_t n, const char *lang)
{
    char meta[256];
    size_t i;
    json_t *x;
    int rc;
    int chart = json_is_object(json_object_get(s, "chart"));

    slide_meta(s, meta, sizeof(meta), lang);
    rc = strbuf_printf(b,
                       "<draw:page draw:name=\"page%zu\" draw:style-name=\"dp1\" "
                       "draw:master-page-name=\"Standard\">",
                       n);
    if (rc == EP_OK)
        rc = frame_open(b, "title", 1.5, 0.8, 26.7, 2.2);
    if (rc == EP_OK)
        rc = para(b, "P1", str(s, "title"));
    if (rc == EP_OK)
        rc = strbuf_str(b, "</draw:text-box></draw:frame>");
    if (rc == EP_OK)
        rc = frame_open(b, NULL, 1.5, 3.0, 26.7, 1.0);
    if (rc == EP_OK)
        rc = para(b, "P3", meta);
    if (rc == EP_OK)
        rc = strbuf_str(b, "</draw:text-box></draw:frame>");
    if (rc == EP_OK)
        rc = frame_open(b, "outline", 1.5, 4.3, 26.7, chart ? 5.0 : 14.5);
    if (rc == EP_OK)
        rc = strbuf_str(b, "<text:list>");
    json_array_foreach(json_object_get(s, "bullets"), i, x)
    {
        if (rc == EP_OK)
            rc = strbuf_str(b, "<text:list-item>");
        if (rc == EP_OK)
            rc = para(b, "P2", json_string_value(x));
        if (rc == EP_OK)
            rc = strbuf_str(b, "</text:list-item>");
    }
    if (rc == EP_OK)
        rc = strbuf_str(b, "</text:list></draw:text-box></draw:frame>");
    if (rc == EP_OK && chart)
        rc = chart_odp(b, json_object_get(s, "chart"), 9.8, lang);
    /* The speaker notes, on the notes page under the slide's thumbnail. */
    if (rc == EP_OK)
        rc = strbuf_printf(b,
                           "<presentation:notes draw:style-name=\"dp1\">"
                           "<draw:page-thumbnail presentation:class=\"page\" svg:x=\"2cm\" "
                           "svg:y=\"2cm\" svg:width=\"17cm\" svg:height=\"12cm\" "
                           "draw:page-number=\"%zu\"/>",
                           n);
    if (rc == EP_OK)
        rc = frame_open(b, "notes", 2.0, 15.0, 17.0, 11.0);
    if (rc == EP_OK)
        rc = para(b, "P4", str(s, "notes"));
    if (rc == EP_OK)
        rc = strbuf_str(b, "</draw:text-box></draw:frame></presentation:notes></draw:page>\n");
    return rc;
}

static int odp_content(struct strbuf *b, const json_t *oral)
{
    size_t i;
    json_t *s;
    int rc = strbuf_str(b, content_head);

    json_array_foreach(json_object_get(oral, "slides"), i, s)
    {
        if (rc == EP_OK)
            rc = slide_odp(b, s, i + 1, doc_lang(oral));
    }
    if (rc == EP_OK)
        rc = strbuf_str(b, "</office:presentation></office:body></office:document-content>\n");
    return rc;
}

static int odp_meta(struct strbuf *b, const json_t *oral)
{
    const char *lang = doc_lang(oral);
    char title[256];
    int rc = strbuf_str(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<office:document-meta " NS "><office:meta><dc:title>");

    text_fmtbuf(title, sizeof(title), lang, "slides.title", "title", str(oral, "production"), NULL);
    if (rc == EP_OK)
        rc = strbuf_html(b, title);
    if (rc == EP_OK)
        rc = strbuf_printf(b,
                           "</dc:title><dc:language>%s</dc:language>"
                           "<meta:generator>ecoplateau</meta:generator>"
                           "</office:meta></office:document-meta>\n",
                           lang_tag(lang));
    return rc;
}

int slides_odp(const json_t *oral, char **out, size_t *len)
{
    static const char mimetype[] = "application/vnd.oasis.opendocument.presentation";
    struct strbuf content, meta, style;
    int rc;

    *out = NULL;
    *len = 0;
    strbuf_init(&content, (size_t)8 * 1024 * 1024);
    strbuf_init(&meta, 4096);
    strbuf_init(&style, sizeof(styles) + 64);
    rc = odp_content(&content, oral);
    if (rc == EP_OK)
        rc = odp_meta(&meta, oral);
    if (rc == EP_OK) {
        /* the default language, so spelling checks the text in its own */
        const char *at = strstr(styles, LANG_MARK);
        rc = strbuf_add(&style, styles, (size_t)(at - styles));
        if (rc == EP_OK)
            rc = strbuf_str(&style, fmt_is_english(doc_lang(oral))
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
