/*
 * callsheet.h - the eco block of the daily call sheet (feuille de service),
 * as a tagged PDF (pdf.h: H1, H2, P, title, /Lang of the reader) or as an HTML
 * fragment document. Pure rendering over JSON; thread-safe.
 */
#ifndef EP_CALLSHEET_H
#define EP_CALLSHEET_H

#include <jansson.h>
#include <stddef.h>

/*
 * The eco block of the call sheet of date ("YYYY-MM-DD"): the briefings and
 * checkpoints starting that day, the communications flagged "callsheet",
 * the actions in progress and the eco-referents. state is sync_state()'s
 * object, people commstore_people()'s array. html: a whole HTML document
 * (escaped text) into *out; else a tagged PDF. Its words are in lang ("fr"
 * or "en", text.h: "callsheet.*"); what the office wrote stays as written.
 * Returns 0 or EP_ENOMEM / EP_EIO.
 */
int callsheet_eco(const json_t *state, const json_t *people, const char *production_title,
                  const char *date, const char *lang, int html, char **out, size_t *len);

#endif
