/*
 * export_kit.h - a communication kit (C10) as documents, in the reader's
 * language (struct export_doc). Thread-safe.
 */
#ifndef EP_EXPORT_KIT_H
#define EP_EXPORT_KIT_H

#include "export.h"

#include <jansson.h>
#include <stddef.h>

/*
 * promo_kit()'s object (borrowed) as a tagged PDF (title, language,
 * headings, the key figures as a table, missing figures written as missing,
 * practice sheets with their photos, tips), as Markdown ready for a blog or
 * a chat channel (photos linked), or as a standalone accessible HTML page
 * (lang, headings, captioned tables, photos embedded, every user text
 * escaped). The kit's own words (its title and introduction per audience,
 * each figure's label and note, a practice's result) and the document's
 * (headings, columns, values) are in d's language, found by the kit's keys;
 * what people wrote (practice titles, objectives, tips) stays as written.
 * *out owns the bytes (free()). Returns 0, EP_EIO, EP_ENOMEM or EP_ETOOBIG.
 */
int export_kit_pdf(const json_t *kit, const struct export_doc *d, char **out, size_t *len);
int export_kit_markdown(const json_t *kit, const struct export_doc *d, char **out, size_t *len);
int export_kit_html(const json_t *kit, const struct export_doc *d, char **out, size_t *len);

#endif
