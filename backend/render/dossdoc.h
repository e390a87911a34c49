/*
 * dossdoc.h - the professional dossier (domain/dossier.h) laid out: the
 * tagged A4 PDF with the competencies in a margin column, its pagination
 * and the 12-page rule, and the editable OpenDocument text (libzip).
 *
 * The page count is the PDF's: dossdoc_pdf renders the document and writes
 * into the dossier object where each part starts and ends, so the JSON the
 * office sees and the PDF it downloads always agree. Thread-safe: nothing
 * shared between calls.
 */
#ifndef EP_DOSSDOC_H
#define EP_DOSSDOC_H

#include <jansson.h>
#include <stddef.h>

/*
 * Renders dossier (dossier_build's object, modified) as a tagged PDF (/Lang
 * fr-FR, H1/H2/P/Table, margin notes as Note elements, page numbers): a
 * title, each included part with its competencies beside its heading and
 * again at the top of each page it continues on, then after a page break
 * the annexes, which do not count. Adds to each part
 * "pages":{"start","end","count"} (count in pages, to a tenth, of the page
 * height the part takes) and to the dossier "total_pages" (the body,
 * annexes excluded), "annex_pages", "over_budget", "pages_over" and
 * "warning" (null, or {"message","cut":[{"id","title","pages"}] longest
 * parts first,"suggestions":[...]}).
 * With mark non-NULL every page carries it at the top and the title block
 * says it (a draft). With out NULL only the pagination is computed.
 * *out owns the PDF (free()). Returns 0, EP_ENOMEM or EP_EIO.
 */
int dossdoc_pdf(json_t *dossier, const char *mark, char **out, size_t *len);

/*
 * The dossier as an OpenDocument text (.odt), for editing in LibreOffice or
 * Word: "mimetype" stored first and uncompressed, then content, styles,
 * meta and manifest; headings, paragraphs, the competencies in a frame in
 * the left margin beside each part's heading, the annexes as tables after a
 * page break. dossier borrowed. *out owns the bytes. Returns 0, EP_ENOMEM
 * or EP_EIO.
 */
int dossdoc_odt(const json_t *dossier, char **out, size_t *len);

#endif
