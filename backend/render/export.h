/*
 * export.h - documents made from engine data: the footprint workbook (XLSX,
 * libxlsxwriter), for transcription into an approved calculator.
 *
 * Every function builds the document in a private temporary file (libxlsxwriter
 * writes files) under tmpdir, reads it back into memory and removes it, so
 * concurrent requests never share a file. Thread-safe.
 */
#ifndef EP_EXPORT_H
#define EP_EXPORT_H

#include <jansson.h>
#include <stddef.h>

/*
 * The footprint workbook: a summary sheet (totals, uncertainty, factor set,
 * the working-estimate notice, provisional vs final by category), one sheet
 * per Carbon'Clap category listing each indicator with its quantity in the
 * calculator's unit, and a sheet of the factors used with their sources.
 * compare is carbon_compare()'s object (borrowed). *out owns the bytes
 * (free()). Returns 0, EP_EIO or EP_ENOMEM.
 */
int export_footprint_xlsx(const json_t *compare, const char *title, const char *tmpdir, char **out,
                          size_t *len);

/*
 * The footprint summary for the CNC file and the production's records: an
 * accessible tagged PDF (titles, paragraphs, tables; title and language set)
 * with both totals, the categories side by side, the detail, completeness
 * and method. compare as above. *out owns the bytes.
 */
int export_footprint_pdf(const json_t *compare, const char *title, char **out, size_t *len);

/*
 * The C1 and C2 summaries, each naming the competency it evidences: the
 * maturity result of diag_company (strengths, weaknesses, axes, the marker
 * table) and the analysis of diag_project (impacts, ranked themes). Tagged
 * PDFs as above; result borrowed; *out owns the bytes.
 */
int export_company_pdf(const json_t *result, const char *company, char **out, size_t *len);
int export_project_pdf(const json_t *result, const char *title, char **out, size_t *len);

/*
 * The action plan (C4): plan_progress()'s object (borrowed) as a workbook
 * (one sheet, one row per action with its figures, status and what is
 * missing) or a tagged PDF (the table, then each action's objective and
 * means). *out owns the bytes (free()). Returns 0, EP_EIO or EP_ENOMEM.
 */
int export_plan_xlsx(const json_t *progress, const char *title, const char *tmpdir, char **out,
                     size_t *len);
int export_plan_pdf(const json_t *progress, const char *title, char **out, size_t *len);

/*
 * A communication kit (C10): promo_kit()'s object (borrowed) as a tagged PDF
 * (title, language, headings, the key figures as a table, missing figures
 * written as missing, practice sheets, tips). Returns 0, EP_EIO or EP_ENOMEM.
 */
int export_kit_pdf(const json_t *kit, char **out, size_t *len);

/*
 * The evaluation (C9): eval_production()'s object (borrowed) as a tagged PDF
 * in French: the summary, one table per action with planned against actual
 * (baseline, target, reading so far, projection) and the attainment in %
 * (missing written as missing, never 0), the provisional and final footprint
 * by category, strengths, difficulties with their solutions, and each
 * successful action as reproducible or specific. Page numbers in the
 * footer. Returns 0, EP_EIO or EP_ENOMEM.
 */
int export_evaluation_pdf(const json_t *ev, const char *title, char **out, size_t *len);

#endif
