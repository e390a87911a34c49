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
 * compare is carbon_compare()'s object (borrowed). The workbook is written
 * to a private temporary file under tmpdir first. *out owns the bytes
 * (free()). Returns 0, EP_EIO or EP_ENOMEM.
 */
int export_footprint_xlsx(const json_t *compare, const char *title, const char *tmpdir, char **out,
                          size_t *len);

/*
 * The footprint summary for the CNC file and the production's records: an
 * accessible tagged PDF (titles, paragraphs, tables; title and language set)
 * with both totals, the categories side by side, the detail, completeness
 * and method. compare as above. *out owns the bytes (free()). Returns 0,
 * EP_EIO or EP_ENOMEM.
 */
int export_footprint_pdf(const json_t *compare, const char *title, char **out, size_t *len);

#endif
