/* pdf.c - tagged A4 PDFs with cairo and pango (see pdf.h). */
#include "pdf.h"

#include "err.h"
#include "strbuf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A4_SHORT 595.0 /* A4 in points */
#define A4_LONG 842.0
/* The page of the document being drawn: A4 portrait, or landscape for slides. */
#define PAGE_W (p->page_w)
#define PAGE_H (p->page_h)
#define MARGIN 56.0
#define BODY_W (PAGE_W - 2 * MARGIN)
#define GAP 8.0
#define CELL_PAD 4.0
#define PDF_MAX 67108864 /* 64 MiB: no document of ours comes near */
/* With a margin column (pdf_margin_column): the notes sit in [NOTE_X,
 * NOTE_X + NOTE_W), the body starts right of it. */
#define NOTE_X 30.0
#define NOTE_W 90.0
#define FOOTER_Y (PAGE_H - 34.0)
#define KEEP_WITH_NEXT 48.0 /* about three lines of body text */

struct pdf {
    struct strbuf out;        /* the PDF as cairo writes it */
    cairo_surface_t *surface; /* owned */
    cairo_t *cr;              /* owned */
    double y;                 /* where the next block starts */
    char lang[16];
    int failed;   /* a write failed: finish reports EP_ENOMEM */
    double scale; /* font size factor: 1, or more for large print */
    char **alts;  /* alternative text of each Figure, in drawing order */
    size_t nalts;
    double x, w;      /* the body column: MARGIN and BODY_W, or right of the notes */
    int page;         /* 1-based page being drawn */
    int last_page;    /* page where the last block ended */
    int numbers;      /* page numbers in the footer */
    char *note;       /* the margin note of the part being drawn (owned) */
    int note_pending; /* note not yet drawn next to its heading */
    char *mark;       /* drawn at the top of every page (owned) */
    double page_w;    /* A4_SHORT, or A4_LONG in landscape */
    double page_h;
};

static cairo_status_t on_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct pdf *p = closure;
    if (strbuf_add(&p->out, (const char *)data, len) != EP_OK) {
        p->failed = 1;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

/* The page size is fixed at creation: cairo 1.16 loses the open Document
 * structure element when a page is resized after it (invalid tag nesting). */
static struct pdf *new_sized(const char *title, const char *lang, const char *subject, double w,
                             double h)
{
    struct pdf *p = calloc(1, sizeof(*p));

    if (p == NULL)
        return NULL;
    strbuf_init(&p->out, PDF_MAX);
    p->page_w = w;
    p->page_h = h;
    snprintf(p->lang, sizeof(p->lang), "%s", lang != NULL ? lang : "fr-FR");
    p->surface = cairo_pdf_surface_create_for_stream(on_write, p, PAGE_W, PAGE_H);
    p->cr = cairo_create(p->surface);
    if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
        pdf_free(p);
        return NULL;
    }
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title);
    if (subject != NULL)
        cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_SUBJECT, subject);
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "ecoplateau");
    cairo_tag_begin(p->cr, "Document", NULL);
    p->y = MARGIN;
    p->scale = 1.0;
    p->x = MARGIN;
    p->w = BODY_W;
    p->page = 1;
    p->last_page = 1;
    return p;
}

struct pdf *pdf_new(const char *title, const char *lang, const char *subject)
{
    return new_sized(title, lang, subject, A4_SHORT, A4_LONG);
}

struct pdf *pdf_new_landscape(const char *title, const char *lang, const char *subject)
{
    return new_sized(title, lang, subject, A4_LONG, A4_SHORT);
}

void pdf_free(struct pdf *p)
{
    if (p == NULL)
        return;
    if (p->cr != NULL)
        cairo_destroy(p->cr);
    if (p->surface != NULL)
        cairo_surface_destroy(p->surface);
    strbuf_release(&p->out);
    for (size_t i = 0; i < p->nalts; i++)
        free(p->alts[i]);
    free(p->alts);
    free(p->note);
    free(p->mark);
    free(p);
}

void pdf_set_scale(struct pdf *p, double scale)
{
    p->scale = scale >= 0.5 && scale <= 4.0 ? scale : 1.0;
}

/* A pango layout of text at width w in the given font. Caller unrefs. */
static PangoLayout *layout(struct pdf *p, const char *text, const char *font, double w)
{
    PangoLayout *l = pango_cairo_create_layout(p->cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_font_description_set_size(
        fd, (gint)(pango_font_description_get_size(fd) * p->scale)); /* large print */
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(l, text, -1);
    return l;
}

static double height_of(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

/* The page number, centred in the footer. Untagged: a pagination artifact
 * that screen readers skip, not part of the reading order. */
static void footer(struct pdf *p)
{
    char num[16];
    PangoLayout *l;
    int w, h;

    if (!p->numbers)
        return;
    snprintf(num, sizeof(num), "%d", p->page);
    l = layout(p, num, "DejaVu Sans 9", BODY_W);
    pango_layout_get_size(l, &w, &h);
    cairo_set_source_rgb(p->cr, 0.25, 0.25, 0.25);
    cairo_move_to(p->cr, (PAGE_W - (double)w / PANGO_SCALE) / 2, FOOTER_Y);
    pango_cairo_show_layout(p->cr, l);
    g_object_unref(l);
}

/* The margin note at the current height, in its own Note structure element
 * so a screen reader announces it with the part it annotates. */
static void draw_note(struct pdf *p)
{
    PangoLayout *l = layout(p, p->note, "DejaVu Sans Bold 9", NOTE_W - 6);

    cairo_tag_begin(p->cr, "Note", NULL);
    cairo_set_source_rgb(p->cr, 0.0, 0.33, 0.2); /* dark green: 8:1 on white */
    cairo_move_to(p->cr, NOTE_X, p->y + 3);
    pango_cairo_show_layout(p->cr, l);
    cairo_tag_end(p->cr, "Note");
    g_object_unref(l);
}

/* The draft mark at the top of a page, above the body. */
static void draw_mark(struct pdf *p)
{
    PangoLayout *l = layout(p, p->mark, "DejaVu Sans Bold 10", BODY_W);
    int w, h;

    pango_layout_get_size(l, &w, &h);
    cairo_set_source_rgb(p->cr, 0.6, 0.0, 0.0); /* dark red: 7.7:1 on white */
    cairo_move_to(p->cr, PAGE_W - MARGIN - (double)w / PANGO_SCALE, 22);
    pango_cairo_show_layout(p->cr, l);
    g_object_unref(l);
}

static void next_page(struct pdf *p)
{
    footer(p);
    cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN;
    if (p->mark != NULL)
        draw_mark(p);
    /* A part that goes on: its competencies again at the top of the page. */
    if (p->note != NULL && !p->note_pending)
        draw_note(p);
}

static void new_page_if(struct pdf *p, double need)
{
    if (p->y + need > PAGE_H - MARGIN && p->y > MARGIN)
        next_page(p);
}

static int block(struct pdf *p, const char *tag, const char *text, const char *font)
{
    PangoLayout *l = layout(p, text, font, p->w);
    double h = height_of(l);
    double top;

    /* A heading keeps with the first lines of what it introduces: never
     * alone at the foot of a page. */
    new_page_if(p, tag[0] == 'H' ? h + KEEP_WITH_NEXT : h);
    top = p->y;
    cairo_tag_begin(p->cr, tag, NULL);
    cairo_set_source_rgb(p->cr, 0.1, 0.1, 0.1); /* near black: contrast well above 7:1 */
    cairo_move_to(p->cr, p->x, p->y);
    pango_cairo_show_layout(p->cr, l);
    cairo_tag_end(p->cr, tag);
    if (p->note_pending) { /* beside the heading it annotates, read right after it */
        p->y = top;
        draw_note(p);
        p->note_pending = 0;
    }
    p->y = top + h + GAP;
    p->last_page = p->page;
    g_object_unref(l);
    return cairo_status(p->cr) == CAIRO_STATUS_SUCCESS ? EP_OK : EP_EIO;
}

int pdf_heading(struct pdf *p, int level, const char *text)
{
    p->y += level == 1 ? 4 : 8;
    return block(p, level == 1 ? "H1" : "H2", text,
                 level == 1 ? "DejaVu Sans Bold 18" : "DejaVu Sans Bold 13");
}

int pdf_paragraph(struct pdf *p, const char *text)
{
    return block(p, "P", text, "DejaVu Sans 10.5");
}

int pdf_note(struct pdf *p, const char *text)
{
    return block(p, "P", text, "DejaVu Sans Oblique 9");
}

int pdf_list(struct pdf *p, const char *const *items, size_t n)
{
    const double indent = 14.0;

    if (n == 0)
        return EP_OK;
    for (size_t i = 0; i < n; i++) {
        PangoLayout *bullet = layout(p, "•", "DejaVu Sans 10.5", indent);
        PangoLayout *l = layout(p, items[i], "DejaVu Sans 10.5", p->w - indent);
        double h = height_of(l);
        if (i == 0) {
            new_page_if(p, h);
            cairo_tag_begin(p->cr, "L", NULL);
        } else if (p->y + h > PAGE_H - MARGIN && p->y > MARGIN) {
            /* Split into two lists rather than let the next page's margin
             * note land inside this one's structure. */
            cairo_tag_end(p->cr, "L");
            next_page(p);
            cairo_tag_begin(p->cr, "L", NULL);
        }
        cairo_set_source_rgb(p->cr, 0.1, 0.1, 0.1);
        cairo_tag_begin(p->cr, "LI", NULL);
        cairo_tag_begin(p->cr, "Lbl", NULL);
        cairo_move_to(p->cr, p->x, p->y);
        pango_cairo_show_layout(p->cr, bullet);
        cairo_tag_end(p->cr, "Lbl");
        cairo_tag_begin(p->cr, "LBody", NULL);
        cairo_move_to(p->cr, p->x + indent, p->y);
        pango_cairo_show_layout(p->cr, l);
        cairo_tag_end(p->cr, "LBody");
        cairo_tag_end(p->cr, "LI");
        p->y += h + GAP / 2;
        p->last_page = p->page;
        g_object_unref(bullet);
        g_object_unref(l);
    }
    cairo_tag_end(p->cr, "L");
    p->y += GAP / 2;
    return cairo_status(p->cr) == CAIRO_STATUS_SUCCESS ? EP_OK : EP_EIO;
}

int pdf_figure(struct pdf *p, const char *alt, double w, double h,
               void (*draw)(cairo_t *cr, double x, double y, double w, double h, void *data),
               void *data)
{
    char **alts;

    if (alt == NULL || alt[0] == '\0')
        return EP_EINVAL; /* a figure without alternative text is not accessible */
    alts = realloc(p->alts, (p->nalts + 1) * sizeof(*alts));
    if (alts == NULL)
        return EP_ENOMEM;
    p->alts = alts;
    p->alts[p->nalts] = strdup(alt);
    if (p->alts[p->nalts] == NULL)
        return EP_ENOMEM;
    p->nalts++;
    new_page_if(p, h);
    cairo_tag_begin(p->cr, "Figure", NULL);
    cairo_save(p->cr);
    draw(p->cr, p->x + (p->w - w) / 2, p->y, w, h, data);
    cairo_restore(p->cr);
    cairo_tag_end(p->cr, "Figure");
    p->y += h + GAP;
    p->last_page = p->page;
    return cairo_status(p->cr) == CAIRO_STATUS_SUCCESS ? EP_OK : EP_EIO;
}

#define TABLE_FONT(th) ((th) ? "DejaVu Sans Bold 9" : "DejaVu Sans 9")

/* The height one row will take, measured with the fonts it is drawn in. */
static double row_height(struct pdf *p, const char *const *cells, size_t ncols, const double *colw,
                         int th)
{
    double h = 0;
    for (size_t c = 0; c < ncols; c++) {
        PangoLayout *l =
            layout(p, cells[c] != NULL ? cells[c] : "", TABLE_FONT(th), colw[c] - 2 * CELL_PAD);
        if (height_of(l) > h)
            h = height_of(l);
        g_object_unref(l);
    }
    return h + 2 * CELL_PAD;
}

/* Draws one row; th selects TH cells and the bold font. */
static void table_row(struct pdf *p, const char *const *cells, size_t ncols, const double *colw,
                      int th)
{
    PangoLayout **ls = calloc(ncols, sizeof(PangoLayout *));
    double h = 0, x = p->x;

    if (ls == NULL) {
        p->failed = 1;
        return;
    }
    for (size_t c = 0; c < ncols; c++) {
        ls[c] = layout(p, cells[c] != NULL ? cells[c] : "", TABLE_FONT(th), colw[c] - 2 * CELL_PAD);
        if (height_of(ls[c]) > h)
            h = height_of(ls[c]);
    }
    h += 2 * CELL_PAD;
    new_page_if(p, h);
    cairo_tag_begin(p->cr, "TR", NULL);
    for (size_t c = 0; c < ncols; c++) {
        cairo_tag_begin(p->cr, th ? "TH" : "TD", NULL);
        cairo_set_source_rgb(p->cr, 0.1, 0.1, 0.1);
        cairo_move_to(p->cr, x + CELL_PAD, p->y + CELL_PAD);
        pango_cairo_show_layout(p->cr, ls[c]);
        cairo_tag_end(p->cr, th ? "TH" : "TD");
        g_object_unref(ls[c]);
        x += colw[c];
    }
    cairo_tag_end(p->cr, "TR");
    /* Rules are decoration, drawn outside any structure tag. */
    cairo_set_source_rgb(p->cr, 0.45, 0.45, 0.45);
    cairo_set_line_width(p->cr, th ? 1.0 : 0.4);
    cairo_move_to(p->cr, p->x, p->y + h);
    cairo_line_to(p->cr, p->x + p->w, p->y + h);
    cairo_stroke(p->cr);
    p->y += h;
    p->last_page = p->page;
    free(ls);
}

static int table_with(struct pdf *p, const char *const *header, size_t ncols,
                      const char *const *cells, size_t nrows, const double *colw)
{
    /* A header never stands alone at the foot of a page: when it and the
     * first row do not fit, the table starts on the next page. */
    if (nrows > 0 && p->y > MARGIN &&
        p->y + row_height(p, header, ncols, colw, 1) + row_height(p, cells, ncols, colw, 0) >
            PAGE_H - MARGIN)
        next_page(p);
    cairo_tag_begin(p->cr, "Table", NULL);
    table_row(p, header, ncols, colw, 1);
    for (size_t r = 0; r < nrows; r++) {
        /* A row that does not fit starts a new page, whose first line is
         * the header again: headers only ever stand at the top of a page
         * or of their table (drawing the row first put the repeated header
         * under it, mid-page). */
        if (p->y + row_height(p, cells + r * ncols, ncols, colw, 0) > PAGE_H - MARGIN &&
            p->y > MARGIN) {
            next_page(p);
            table_row(p, header, ncols, colw, 1);
        }
        table_row(p, cells + r * ncols, ncols, colw, 0);
    }
    cairo_tag_end(p->cr, "Table");
    p->y += GAP;
    return p->failed ? EP_ENOMEM : EP_OK;
}

int pdf_table(struct pdf *p, const char *const *header, size_t ncols, const char *const *cells,
              size_t nrows)
{
    double *colw;
    int rc;

    if (ncols == 0)
        return EP_EINVAL;
    colw = calloc(ncols, sizeof(double));
    if (colw == NULL)
        return EP_ENOMEM;
    for (size_t c = 0; c < ncols; c++)
        colw[c] = p->w / (double)ncols;
    rc = table_with(p, header, ncols, cells, nrows, colw);
    free(colw);
    return rc;
}

/* Width of text on one line, unwrapped, in the table's font. */
static double text_width(struct pdf *p, const char *text, size_t n, int th)
{
    PangoLayout *l = pango_cairo_create_layout(p->cr);
    PangoFontDescription *fd = pango_font_description_from_string(TABLE_FONT(th));
    int w, h;

    pango_font_description_set_size(fd, (gint)(pango_font_description_get_size(fd) * p->scale));
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(l, text, (int)n);
    pango_layout_get_size(l, &w, &h);
    g_object_unref(l);
    return (double)w / PANGO_SCALE;
}

/* Grows *word to the widest space-separated word of text and *whole to
 * the width of the whole text on one line. */
static void measure(struct pdf *p, const char *text, int th, double *word, double *whole)
{
    const char *s = text != NULL ? text : "";
    double w = text_width(p, s, strlen(s), th);

    if (w > *whole)
        *whole = w;
    while (*s != '\0') {
        size_t n = strcspn(s, " \n");
        if (n > 0 && (w = text_width(p, s, n, th)) > *word)
            *word = w;
        s += n;
        s += strspn(s, " \n");
    }
}

int pdf_table_fit(struct pdf *p, const char *const *header, size_t ncols, const char *const *cells,
                  size_t nrows)
{
    double *colw, *need, *want, sum_need = 0, sum_more = 0, room;
    int rc;

    if (ncols == 0)
        return EP_EINVAL;
    colw = calloc(3 * ncols, sizeof(double));
    if (colw == NULL)
        return EP_ENOMEM;
    need = colw + ncols;
    want = need + ncols;
    for (size_t c = 0; c < ncols; c++) {
        measure(p, header[c], 1, &need[c], &want[c]);
        for (size_t r = 0; r < nrows; r++)
            measure(p, cells[r * ncols + c], 0, &need[c], &want[c]);
        need[c] += 2 * CELL_PAD + 1; /* a point to spare: pango rounds */
        want[c] += 2 * CELL_PAD + 1;
        sum_need += need[c];
        sum_more += want[c] - need[c];
    }
    room = p->w - sum_need;
    for (size_t c = 0; c < ncols; c++) {
        if (room < 0) /* cannot keep every word whole: shrink in proportion */
            colw[c] = need[c] * p->w / sum_need;
        else if (sum_more <= room) /* everything on one line; share the rest */
            colw[c] = want[c] + (room - sum_more) / (double)ncols;
        else /* each word whole; the room left goes where text wraps */
            colw[c] = need[c] + room * (want[c] - need[c]) / sum_more;
    }
    rc = table_with(p, header, ncols, cells, nrows, colw);
    free(colw);
    return rc;
}

void pdf_margin_column(struct pdf *p)
{
    p->x = NOTE_X + NOTE_W + 12;
    p->w = PAGE_W - MARGIN - p->x;
}

int pdf_margin_note(struct pdf *p, const char *text)
{
    char *copy = NULL;

    if (text != NULL && (copy = strdup(text)) == NULL)
        return EP_ENOMEM;
    free(p->note);
    p->note = copy;
    p->note_pending = copy != NULL;
    return EP_OK;
}

void pdf_page_numbers(struct pdf *p, int on)
{
    p->numbers = on;
}

int pdf_mark(struct pdf *p, const char *text)
{
    char *copy = strdup(text);

    if (copy == NULL)
        return EP_ENOMEM;
    free(p->mark);
    p->mark = copy;
    if (p->page == 1 && p->y <= MARGIN)
        draw_mark(p);
    return EP_OK;
}

int pdf_page_break(struct pdf *p)
{
    if (p->y > MARGIN)
        next_page(p);
    return cairo_status(p->cr) == CAIRO_STATUS_SUCCESS ? EP_OK : EP_EIO;
}

int pdf_page(const struct pdf *p)
{
    return p->page;
}

int pdf_last_page(const struct pdf *p)
{
    return p->last_page;
}

double pdf_position(const struct pdf *p)
{
    return (double)(p->page - 1) + (p->y - MARGIN) / (PAGE_H - 2 * MARGIN);
}

int pdf_finish(struct pdf *p, char **out, size_t *len)
{
    char *raw;
    size_t rawlen = 0;
    int rc;

    *out = NULL;
    *len = 0;
    footer(p);
    cairo_tag_end(p->cr, "Document");
    cairo_destroy(p->cr);
    p->cr = NULL;
    cairo_surface_finish(p->surface);
    rc = cairo_surface_status(p->surface) == CAIRO_STATUS_SUCCESS && !p->failed ? EP_OK : EP_EIO;
    cairo_surface_destroy(p->surface);
    p->surface = NULL;
    if (rc != EP_OK)
        return rc;
    raw = strbuf_detach(&p->out, &rawlen);
    if (raw == NULL)
        return EP_ENOMEM;
    rc = pdf_add_lang(raw, rawlen, p->lang, out, len);
    free(raw);
    if (rc == EP_OK && p->nalts > 0) {
        raw = *out;
        rawlen = *len;
        rc = pdf_add_alt(raw, rawlen, (const char *const *)p->alts, p->nalts, out, len);
        free(raw);
    }
    return rc;
}

/* ---- /Lang by incremental update ------------------------------------------ */

/* Last occurrence of needle in [hay, hay+len). */
static const char *rfind(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = len >= n ? len - n + 1 : 0; i-- > 0;) {
        if (memcmp(hay + i, needle, n) == 0)
            return hay + i;
    }
    return NULL;
}

/* First occurrence of needle in [hay, hay+len): PDFs hold NUL bytes in
 * their streams, so strstr() would stop early. */
static const char *find(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(hay + i, needle, n) == 0)
            return hay + i;
    }
    return NULL;
}

/* Reads "/Key N" in the trailer [trailer, end); returns N or -1. */
static long trailer_num(const char *trailer, const char *end, const char *key)
{
    const char *k = find(trailer, (size_t)(end - trailer), key);
    char num[24];
    size_t n = 0;

    if (k == NULL)
        return -1;
    for (k += strlen(key); k < end && *k == ' '; k++)
        ;
    while (k < end && n + 1 < sizeof(num) && *k >= '0' && *k <= '9')
        num[n++] = *k++;
    num[n] = '\0';
    return n > 0 ? strtol(num, NULL, 10) : -1;
}

int pdf_add_lang(const char *pdf, size_t len, const char *lang, char **out, size_t *outlen)
{
    struct strbuf b;
    const char *trailer, *sx, *obj, *open, *p, *end;
    char head[48];
    long root, size, info, prev;
    size_t offset;
    int depth = 0;
    int rc;

    *out = NULL;
    trailer = rfind(pdf, len, "trailer");
    sx = rfind(pdf, len, "startxref");
    if (trailer == NULL || sx == NULL)
        return EP_EINVAL; /* not a classic-xref PDF: cairo 1.16 always writes one */
    root = trailer_num(trailer, pdf + len, "/Root");
    size = trailer_num(trailer, pdf + len, "/Size");
    info = trailer_num(trailer, pdf + len, "/Info");
    prev = trailer_num(sx, pdf + len, "startxref\n");
    if (root <= 0 || size <= 0 || prev <= 0)
        return EP_EINVAL;
    snprintf(head, sizeof(head), "\n%ld 0 obj", root);
    obj = find(pdf, len, head);
    if (obj == NULL || (open = find(obj, (size_t)(pdf + len - obj), "<<")) == NULL)
        return EP_EINVAL;
    /* The catalog's dictionary ends at its matching ">>". */
    for (p = open, end = NULL; p + 1 < pdf + len; p++) {
        if (p[0] == '<' && p[1] == '<') {
            depth++;
            p++;
        } else if (p[0] == '>' && p[1] == '>') {
            if (--depth == 0) {
                end = p + 2;
                break;
            }
            p++;
        }
    }
    if (end == NULL)
        return EP_EINVAL;
    strbuf_init(&b, len + 4096);
    rc = strbuf_add(&b, pdf, len);
    if (rc == EP_OK && (b.len == 0 || b.p[b.len - 1] != '\n'))
        rc = strbuf_add(&b, "\n", 1);
    offset = b.len;
    if (rc == EP_OK)
        rc = strbuf_printf(&b, "%ld 0 obj\n<< /Lang (%s) ", root, lang);
    if (rc == EP_OK)
        rc = strbuf_add(&b, open + 2, (size_t)(end - open - 2));
    if (rc == EP_OK)
        rc = strbuf_str(&b, "\nendobj\n");
    if (rc == EP_OK) {
        size_t xref = b.len;
        rc = strbuf_printf(&b, "xref\n0 1\n0000000000 65535 f \n%ld 1\n%010zu 00000 n \n", root,
                           offset);
        if (rc == EP_OK)
            rc = strbuf_printf(&b, "trailer\n<< /Size %ld /Root %ld 0 R ", size, root);
        if (rc == EP_OK && info > 0)
            rc = strbuf_printf(&b, "/Info %ld 0 R ", info);
        if (rc == EP_OK)
            rc = strbuf_printf(&b, "/Prev %ld >>\nstartxref\n%zu\n%%%%EOF\n", prev, xref);
    }
    if (rc != EP_OK) {
        strbuf_release(&b);
        return rc;
    }
    *out = strbuf_detach(&b, outlen);
    return *out != NULL ? EP_OK : EP_ENOMEM;
}

/* ---- /Alt of figures by incremental update -------------------------------- */

/* The end (just past ">>") of the dictionary opening at open, or NULL. */
static const char *dict_end(const char *open, const char *limit)
{
    int depth = 0;
    for (const char *p = open; p + 1 < limit; p++) {
        if (p[0] == '<' && p[1] == '<') {
            depth++;
            p++;
        } else if (p[0] == '>' && p[1] == '>') {
            if (--depth == 0)
                return p + 2;
            p++;
        }
    }
    return NULL;
}

/* Appends text as a PDF text string: UTF-16BE with its BOM, in hex, so any
 * character (and no parenthesis or backslash) survives. */
static int add_text_string(struct strbuf *b, const char *text)
{
    glong n = 0;
    gunichar2 *u = g_utf8_to_utf16(text, -1, NULL, &n, NULL);
    int rc;

    if (u == NULL)
        return EP_EINVAL;
    rc = strbuf_str(b, "<FEFF");
    for (glong i = 0; rc == EP_OK && i < n; i++)
        rc = strbuf_printf(b, "%04X", (unsigned)u[i]);
    if (rc == EP_OK)
        rc = strbuf_str(b, ">");
    g_free(u);
    return rc;
}

int pdf_add_alt(const char *pdf, size_t len, const char *const *alts, size_t n, char **out,
                size_t *outlen)
{
    struct strbuf b, x;
    const char *trailer, *sx, *at = pdf, *end = pdf + len;
    long root, size, info, prev;
    int rc;

    *out = NULL;
    trailer = rfind(pdf, len, "trailer");
    sx = rfind(pdf, len, "startxref");
    if (trailer == NULL || sx == NULL)
        return EP_EINVAL;
    root = trailer_num(trailer, end, "/Root");
    size = trailer_num(trailer, end, "/Size");
    info = trailer_num(trailer, end, "/Info");
    prev = trailer_num(sx, end, "startxref\n");
    if (root <= 0 || size <= 0 || prev <= 0)
        return EP_EINVAL;
    strbuf_init(&b, len + 4096 + n * 2048);
    strbuf_init(&x, 64 + n * 64);
    rc = strbuf_add(&b, pdf, len);
    if (rc == EP_OK && (b.len == 0 || b.p[b.len - 1] != '\n'))
        rc = strbuf_add(&b, "\n", 1);
    if (rc == EP_OK)
        rc = strbuf_str(&x, "xref\n0 1\n0000000000 65535 f \n");
    for (size_t i = 0; rc == EP_OK && i < n; i++) {
        const char *fig = find(at, (size_t)(end - at), "/S /Figure");
        const char *obj, *line, *open, *close;
        long num;
        if (fig == NULL) {
            rc = EP_EINVAL;
            break;
        }
        at = fig + 10;
        /* The object holding it: the last "obj" before, on "N 0 obj". */
        obj = rfind(pdf, (size_t)(fig - pdf), " 0 obj");
        if (obj == NULL) {
            rc = EP_EINVAL;
            break;
        }
        for (line = obj; line > pdf && line[-1] != '\n'; line--)
            ;
        num = strtol(line, NULL, 10);
        open = find(obj, (size_t)(end - obj), "<<");
        close = open != NULL ? dict_end(open, end) : NULL;
        if (num <= 0 || close == NULL || open > fig || close < fig) {
            rc = EP_EINVAL;
            break;
        }
        rc = strbuf_printf(&x, "%ld 1\n%010zu 00000 n \n", num, b.len);
        if (rc == EP_OK)
            rc = strbuf_printf(&b, "%ld 0 obj\n<< /Alt ", num);
        if (rc == EP_OK)
            rc = add_text_string(&b, alts[i]);
        if (rc == EP_OK)
            rc = strbuf_add(&b, open + 2, (size_t)(close - open - 2));
        if (rc == EP_OK)
            rc = strbuf_str(&b, "\nendobj\n");
    }
    if (rc == EP_OK) {
        size_t xref = b.len;
        rc = strbuf_add(&b, x.p, x.len);
        if (rc == EP_OK)
            rc = strbuf_printf(&b, "trailer\n<< /Size %ld /Root %ld 0 R ", size, root);
        if (rc == EP_OK && info > 0)
            rc = strbuf_printf(&b, "/Info %ld 0 R ", info);
        if (rc == EP_OK)
            rc = strbuf_printf(&b, "/Prev %ld >>\nstartxref\n%zu\n%%%%EOF\n", prev, xref);
    }
    strbuf_release(&x);
    if (rc != EP_OK) {
        strbuf_release(&b);
        return rc;
    }
    *out = strbuf_detach(&b, outlen);
    return *out != NULL ? EP_OK : EP_ENOMEM;
}
