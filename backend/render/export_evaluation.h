/*
 * export_evaluation.h - the evaluation (C9) as a document
 * (docs/evaluation.md). Thread-safe.
 */
#ifndef EP_EXPORT_EVALUATION_H
#define EP_EXPORT_EVALUATION_H

#include <jansson.h>
#include <stddef.h>

/*
 * eval_production()'s object (borrowed) as a tagged PDF in French: the
 * summary, one table per action with planned against actual (baseline,
 * target, reading so far, projection) and the attainment in % (missing
 * written as missing, never 0), the provisional and final footprint by
 * category, strengths, difficulties with their solutions, and each
 * successful action as reproducible or specific. Page numbers in the
 * footer. *out owns the bytes (free()). Returns 0, EP_EIO or EP_ENOMEM.
 */
int export_evaluation_pdf(const json_t *ev, const char *title, char **out, size_t *len);

#endif
