/*
 * export.h - what the document exporters share: reading fields of the
 * engine's JSON, reading back the temporary file libxlsxwriter wrote, and
 * French numbers. One exporter per domain sits on top (export_footprint.h,
 * export_diag.h, export_plan.h, export_kit.h, export_evaluation.h); each
 * answers new bytes the caller owns (free()).
 *
 * Workbooks are built in a private temporary file (libxlsxwriter writes
 * files) under tmpdir, read back into memory and removed, so concurrent
 * requests never share a file. Everything here is thread-safe.
 */
#ifndef EP_EXPORT_H
#define EP_EXPORT_H

#include <jansson.h>
#include <stddef.h>

#define EXPORT_CELL 96 /* one PDF table cell's text, in bytes */

/* o[k] as a number, 0 when missing or not a number (o borrowed). */
double export_num(const json_t *o, const char *k);

/* o[k] as text, "" when missing or not a string; points into o. */
const char *export_str(const json_t *o, const char *k);

/*
 * Reads the file at path into *out (new, free()) and *len. Returns 0,
 * EP_EIO (unreadable or empty) or EP_ENOMEM; *out is untouched on failure.
 */
int export_slurp(const char *path, char **out, size_t *len);

/* v in French into buf: thin no-break space between thousands, decimal
 * comma, decimals digits after it. Truncates to len (always terminated). */
void export_fr_num(double v, int decimals, char *buf, size_t len);

#endif
