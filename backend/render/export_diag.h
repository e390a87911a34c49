/*
 * export_diag.h - the diagnostics as documents: the C1 and C2 summaries,
 * each naming the competency it evidences (docs/diagnostic.md). Thread-safe.
 */
#ifndef EP_EXPORT_DIAG_H
#define EP_EXPORT_DIAG_H

#include "export.h"

#include <jansson.h>
#include <stddef.h>

/*
 * The maturity result of diag_company (strengths, weaknesses, axes, the
 * marker table) and the analysis of diag_project (impacts, ranked themes),
 * each as a tagged PDF (title and language set), the document's words,
 * labels (markers, chapters, themes, quadrants, priorities), numbers and
 * dates in d's language; the graded texts are diag's. company or title
 * NULL: "the company" / "the project" in d's language. result borrowed; *out owns
 * the bytes (free()). Returns 0, EP_EIO or EP_ENOMEM.
 */
int export_diag_company_pdf(const json_t *result, const char *company, const struct export_doc *d,
                            char **out, size_t *len);
int export_diag_project_pdf(const json_t *result, const char *title, const struct export_doc *d,
                            char **out, size_t *len);

#endif
