/*
 * flyer.h - the printable A4 flyer of a communication and the eco block of
 * the daily call sheet (feuille de service), as tagged PDFs (pdf.h: H1, H2,
 * P, Figure with /Alt, title, /Lang fr-FR) and, for the call sheet, as an
 * HTML fragment document. Pure rendering over JSON; thread-safe.
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

/*
 * The eco block of the call sheet of date ("YYYY-MM-DD"): the briefings and
 * checkpoints starting that day, the communications flagged "callsheet",
 * the actions in progress and the eco-referents. state is sync_state()'s
 * object, people commstore_people()'s array. html: a whole HTML document
 * (lang fr, escaped text) into *out; else a tagged PDF. Returns 0 or
 * EP_ENOMEM / EP_EIO.
 */
int callsheet_eco(const json_t *state, const json_t *people, const char *production_title,
                  const char *date, int html, char **out, size_t *len);

#endif
