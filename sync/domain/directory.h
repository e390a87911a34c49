/*
 * directory.h - the company's directory of eco-responsible partners, service
 * providers, materials and tools (C3), shared by all its productions.
 *
 * Directory entries (collection "suppliers") and the criteria they are
 * assessed against (collection "criteria") are company-scoped collections:
 * they live in the company's space, a production row "co:<company id>" that
 * no member belongs to (schema/0005_plan.sql, docs/sync-protocol.md "Company
 * scope"). Phones and the office edit them through sync like any record;
 * this module adds what sync does not: finding the space, and the CSV
 * import/export for French spreadsheets (sync/util/csv.h).
 *
 * Thread-safe with one struct db per thread.
 */
#ifndef EP_DIRECTORY_H
#define EP_DIRECTORY_H

#include "sync.h"

#include <jansson.h>
#include <stddef.h>

struct db;

/* Room for "co:" + a production id. */
#define DIRECTORY_SPACE_MAX 80

/* Rows a CSV import takes at most (one transaction). */
#define DIRECTORY_MAX_ROWS 2000

/*
 * The company space of production_id into out (len >= DIRECTORY_SPACE_MAX).
 * Returns 0, EP_ENOTFOUND (no such production, or production_id is itself
 * a space) or a storage code.
 */
int directory_space(struct db *db, const char *production_id, char *out, size_t len);

/*
 * The directory of space as a CSV download (csv.h: BOM, ';', CRLF, formula
 * guard), one row per entry not deleted, sorted by name, with column
 * titles and kind and scope labels in lang ("fr" or "en", text.h:
 * "directory_csv.*"). *out owns the text (free()). Returns 0 or an EP_E* code.
 */
int directory_csv(struct db *db, const char *space, const char *lang, char **out, size_t *len);

/*
 * Imports a CSV file (buf, len) into the directory of actor's company
 * (actor->company_space must be set), all or nothing: every row is checked
 * and written inside one transaction, rolled back if any row is bad.
 * Columns are named by the first row, French or English titles (those
 * directory_csv writes, or the field names); "name"/"nom" is required; an
 * "id" cell updates that entry, an empty one creates a new entry. Kind and
 * scope take the ids or the labels, French or English; price level 1-3 or €, €€, €€€;
 * criteria are ids of existing criteria, separated by ','.
 *
 * On success returns 0 and *report = {"imported": N}. When rows are bad
 * returns EP_EINVAL and *report = {"errors": [{"line", "column", "message"}],
 * "error_count": N} (the first 100 errors; line is where the row starts in
 * the file, column the column title or null), and nothing is written. Other
 * codes are storage errors (*report NULL, nothing written).
 */
int directory_import_csv(struct db *db, const struct sync_opts *opts,
                         const struct sync_actor *actor, const char *buf, size_t len,
                         json_t **report);

#endif
