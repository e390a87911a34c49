/*
 * export_evaluation.h - the evaluation (C9) as a document
 * (docs/evaluation.md). Thread-safe.
 */
#ifndef EP_EXPORT_EVALUATION_H
#define EP_EXPORT_EVALUATION_H

#include "export.h"

#include <jansson.h>
#include <stddef.h>

/*
 * eval_production()'s object (borrowed) as a tagged PDF in d's language: the
 * summary, one table per action with planned against actual (baseline,
 * target, reading so far, projection) and the attainment in % (missing
 * written as missing, never 0), the provisional and final footprint by
 * category, strengths, difficulties with their solutions, and each
 * successful action as reproducible or specific. Page numbers in the
 * footer. Indicators, units, categories and verdicts are written as labels,
 * numbers and dates with fmt.h. *out owns the bytes (free()). Returns 0, EP_EIO or EP_ENOMEM.
 */
int export_evaluation_pdf(const json_t *ev, const char *title, const struct export_doc *d,
                          char **out, size_t *len);

#endif
