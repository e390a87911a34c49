/*
 * export_footprint.h - the carbon footprint (C8) as documents: the workbook
 * for transcription into an approved calculator (XLSX, libxlsxwriter) and
 * the summary for the CNC file (tagged PDF). Thread-safe (see export.h).
 */
#ifndef EP_EXPORT_FOOTPRINT_H
#define EP_EXPORT_FOOTPRINT_H

#include <jansson.h>
#include <stddef.h>

/*
 * The footprint workbook: a summary sheet (totals, uncertainty, factor set,
 * the working-estimate notice, provisional vs final by category), one sheet
 * per Carbon'Clap category listing each indicator with its quantity in the
 * calculator's unit, and a sheet of the factors used with their sources.
 * compare is carbon_compare()'s object (borrowed), with forecast_compare's
 * "forecast" and carbon_export_header's "header" when known. Category
 * sheets list one line per thing to type (carbon_form_lines): counted,
 * recorded without a factor ("not converted") or missing. Every label is in
 * lang ("fr" or "en"; anything else French); title names the production. The workbook is written
 * to a private temporary file under tmpdir first. *out owns the bytes
 * (free()). Returns 0, EP_EIO or EP_ENOMEM.
 */
int export_footprint_xlsx(const json_t *compare, const char *title, const char *lang,
                          const char *tmpdir, char **out, size_t *len);

/*
 * The footprint summary for the CNC file and the production's records: an
 * accessible tagged PDF (titles, paragraphs, tables; title and language set)
 * with both totals, the categories side by side, the detail, completeness
 * and method, the lines to type per category, the missing indicators by
 * name and the factor table. compare and lang as above. *out owns the bytes (free()). Returns 0,
 * EP_EIO or EP_ENOMEM.
 */
int export_footprint_pdf(const json_t *compare, const char *title, const char *lang, char **out,
                         size_t *len);

#endif
