/*
 * export_kit.h - a communication kit (C10) as a document. Thread-safe.
 */
#ifndef EP_EXPORT_KIT_H
#define EP_EXPORT_KIT_H

#include <jansson.h>
#include <stddef.h>

/*
 * promo_kit()'s object (borrowed) as a tagged PDF (title, language,
 * headings, the key figures as a table, missing figures written as missing,
 * practice sheets with their photos, tips). *out owns the bytes (free()).
 * Returns 0, EP_EIO or EP_ENOMEM.
 */
int export_kit_pdf(const json_t *kit, char **out, size_t *len);

#endif
