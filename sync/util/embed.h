/*
 * embed.h - files compiled into the binary by cmake/embed.cmake.
 *
 * Each table is terminated by an entry whose name is NULL. Data is
 * NUL-terminated (size excludes the NUL) and lives for the whole program.
 */
#ifndef EP_EMBED_H
#define EP_EMBED_H

#include <stddef.h>

struct ep_embedded {
    const char *name; /* file name without directory, e.g. "0001_init.sql" */
    const char *data; /* contents, NUL-terminated */
    size_t size;      /* length of data in bytes, excluding the NUL */
};

/* Migrations from schema/, sorted by name (NNNN_name.sql). */
extern const struct ep_embedded ep_migrations[];

/* Emission factor sets from sync/domain/data/ (factors-NNNN.json). */
extern const struct ep_embedded ep_factor_sets[];

/* The C1 model and the C2 action costs from sync/domain/data/ (c1-*.json,
 * c2-*.json): diagnostic weights as data (docs/diagnostic.md). */
extern const struct ep_embedded ep_diag_models[];

/* The domain's prose per language from sync/domain/data/ (text.fr.json,
 * text.en.json): flat {"key": "text"} objects read by sync/domain/text.c. */
extern const struct ep_embedded ep_texts[];

#endif
