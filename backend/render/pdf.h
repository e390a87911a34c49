/*
 * pdf.h - accessible A4 PDF documents (cairo + pango): a flow of headings,
 * paragraphs and tables, each wrapped in its PDF structure tag (H1, H2, P,
 * Table/TR/TH/TD) so screen readers get the reading order, with the title in
 * the document information and the language in the catalog (/Lang, which
 * cairo 1.16 cannot set: pdf_finish() adds it as an incremental update).
 *
 * One struct pdf per document, used by one thread; several may be built at
 * once. Text is UTF-8, laid out by pango (wrapping, accents, ligatures).
 */
#ifndef EP_PDF_H
#define EP_PDF_H

#include <cairo.h>
#include <stddef.h>

struct pdf;

/* Starts a document. title and lang ("fr-FR") are copied. NULL on OOM. */
struct pdf *pdf_new(const char *title, const char *lang, const char *subject);

/* Same, with A4 landscape pages (slides). */
struct pdf *pdf_new_landscape(const char *title, const char *lang, const char *subject);

/* Appends a heading (level 1 or 2), a paragraph, or a small italic note. */
int pdf_heading(struct pdf *p, int level, const char *text);
int pdf_paragraph(struct pdf *p, const char *text);
int pdf_note(struct pdf *p, const char *text);

/*
 * Appends a bulleted list of n items (borrowed), tagged L > LI > Lbl, LBody
 * so a screen reader announces a list and its length. A list that reaches
 * the foot of a page goes on as a second list on the next page.
 */
int pdf_list(struct pdf *p, const char *const *items, size_t n);

/* Multiplies every font size from now on (large print: 1.5). */
void pdf_set_scale(struct pdf *p, double scale);

/*
 * Appends a figure of w x h points, centred, drawn by draw(cr, x, y, w, h,
 * data) inside a Figure structure tag whose /Alt is alt (UTF-8, required:
 * EP_EINVAL without it), so a screen reader says what it shows.
 */
int pdf_figure(struct pdf *p, const char *alt, double w, double h,
               void (*draw)(cairo_t *cr, double x, double y, double w, double h, void *data),
               void *data);

/*
 * Appends a table: ncols header cells, then nrows x ncols body cells, row by
 * row (borrowed). A row never splits across pages; headers repeat after a
 * page break.
 */
int pdf_table(struct pdf *p, const char *const *header, size_t ncols, const char *const *cells,
              size_t nrows);

/*
 * pdf_table with each column as wide as its longest word at least, so no
 * word is broken mid-word (as long as the words fit the page side by side;
 * otherwise the columns shrink in proportion), the rest of the width going
 * to the columns whose text wraps.
 */
int pdf_table_fit(struct pdf *p, const char *const *header, size_t ncols, const char *const *cells,
                  size_t nrows);

/*
 * Layout for documents annotated in the margin (the professional dossier):
 * from now on the body is narrower and starts right of a margin column.
 * Call before any content.
 */
void pdf_margin_column(struct pdf *p);

/*
 * Sets the margin note of what follows (text copied; NULL ends it): it is
 * written in the margin column beside the next block (the part's heading),
 * then again at the top of every page the part continues on, each time in
 * a Note structure element read right after the block it sits beside.
 * Returns 0 or EP_ENOMEM.
 */
int pdf_margin_note(struct pdf *p, const char *text);

/* Page numbers centred in the footer of every page (untagged artifact). */
void pdf_page_numbers(struct pdf *p, int on);

/*
 * A mark (text copied) at the top right of every page from the current one
 * on, e.g. "Brouillon — 14 pages sur 12". Untagged: a document that needs
 * it read aloud says it once in its own text. Returns 0 or EP_ENOMEM.
 */
int pdf_mark(struct pdf *p, const char *text);

/* Starts a new page unless the current one is still empty. 0 or EP_EIO. */
int pdf_page_break(struct pdf *p);

/*
 * Page tracking, 1-based: the page being drawn, the page where the last
 * block ended, and the position reached as pages used so far (2.5: half
 * way down page 3), for measuring how long a part is.
 */
int pdf_page(const struct pdf *p);
int pdf_last_page(const struct pdf *p);
double pdf_position(const struct pdf *p);

/*
 * Ends the document; *out owns the PDF bytes (free()). The struct is then
 * spent: call pdf_free(). Returns 0, EP_ENOMEM or EP_EIO.
 */
int pdf_finish(struct pdf *p, char **out, size_t *len);

/* Frees p (finished or not). NULL is a no-op. */
void pdf_free(struct pdf *p);

/*
 * Adds /Lang (lang) to the catalog of a classic-xref PDF by appending an
 * incremental update. On success *out owns the new bytes. Exposed for tests.
 */
int pdf_add_lang(const char *pdf, size_t len, const char *lang, char **out, size_t *outlen);

/*
 * Adds /Alt alts[i] to the i-th Figure structure element of a classic-xref
 * PDF, as one incremental update (cairo 1.16 has no way to set it). On
 * success *out owns the new bytes. Exposed for tests.
 */
int pdf_add_alt(const char *pdf, size_t len, const char *const *alts, size_t n, char **out,
                size_t *outlen);

#endif
