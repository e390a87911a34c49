/*
 * export_plan.h - the action plan (C4) as documents (docs/plan.md), in the
 * reader's language (struct export_doc). Thread-safe (see export.h).
 */
#ifndef EP_EXPORT_PLAN_H
#define EP_EXPORT_PLAN_H

#include "export.h"

#include <jansson.h>
#include <stddef.h>

/*
 * plan_progress()'s object (borrowed) as CSV for spreadsheets (BOM; ';' and
 * decimal commas in French, ',' and decimal points in English: csv.h;
 * figures as numbers, attainment as a fraction), a workbook (one sheet, one
 * row per action with its figures, status and what is missing; written to a
 * private temporary file under tmpdir first) or a tagged PDF (the table,
 * then each action's objective and means). Themes, departments, indicators,
 * units, statuses and flags are written as labels in d's language, people
 * by name, dates in words. *out owns the bytes (free()). Returns 0, EP_EIO
 * or EP_ENOMEM.
 */
int export_plan_csv(const json_t *progress, const struct export_doc *d, char **out, size_t *len);
int export_plan_xlsx(const json_t *progress, const char *title, const struct export_doc *d,
                     const char *tmpdir, char **out, size_t *len);
int export_plan_pdf(const json_t *progress, const char *title, const struct export_doc *d,
                    char **out, size_t *len);

#endif
