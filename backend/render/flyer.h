/*
 * flyer.h - the printable A4 flyer of a communication, as a tagged PDF
 * (pdf.h: H1, H2, P, Figure with /Alt, title, /Lang fr-FR). The call sheet's
 * eco block is callsheet.h's. Pure rendering over JSON; thread-safe.
 */
#ifndef EP_FLYER_H
#define EP_FLYER_H

#include <jansson.h>
#include <stddef.h>

/*
 * The flyer of communication comm (merged fields; its "signed" envelope, if
 * any, is cited with key id and issue time). large: large-print layout
 * (fonts x1.5). The FALC version comes first when written; its absence is
 * not hidden. *out owns the PDF (free()). Returns 0, EP_EINVAL (no title
 * or text) or EP_ENOMEM / EP_EIO.
 */
int flyer_pdf(const json_t *comm, int large, char **out, size_t *len);

#endif
