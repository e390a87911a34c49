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

/* Appends a heading (level 1 or 2), a paragraph, or a small italic note. */
int pdf_heading(struct pdf *p, int level, const char *text);
int pdf_paragraph(struct pdf *p, const char *text);
int pdf_note(struct pdf *p, const char *text);

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
