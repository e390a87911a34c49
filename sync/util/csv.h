/*
 * csv.h - CSV for spreadsheets: French by default (Excel, LibreOffice with a
 * French locale: ';' separators, decimal commas), English on request (','
 * separators, decimal points, what an English-locale spreadsheet opens
 * without an import dialog). Always CRLF rows, UTF-8 with a BOM so the
 * accents survive, and no formula injection: a cell starting with = + - @
 * tab or CR is prefixed with ' so it is shown, never evaluated.
 */
#ifndef EP_CSV_H
#define EP_CSV_H

#include "strbuf.h"

struct ep_error;

/* The UTF-8 byte order mark; write it first. */
#define CSV_BOM "\xEF\xBB\xBF"

/* The spreadsheet locale a file is written for. */
enum csv_locale {
    CSV_FRENCH,  /* ';' between cells, decimal comma */
    CSV_ENGLISH, /* ',' between cells, decimal point */
};

/* Appends one text cell (NULL = empty), quoted when needed, then ';'. */
int csv_cell(struct strbuf *b, const char *text);

/* Appends a number with `decimals` decimals and a decimal comma, then ';'. */
int csv_number(struct strbuf *b, double v, int decimals);

/* Ends the row: replaces the trailing ';' with CRLF. */
int csv_end_row(struct strbuf *b);

/* The same for the locale `loc` (csv_cell is csv_cell_in with CSV_FRENCH). */
int csv_cell_in(struct strbuf *b, enum csv_locale loc, const char *text);
int csv_number_in(struct strbuf *b, enum csv_locale loc, double v, int decimals);
int csv_end_row_in(struct strbuf *b, enum csv_locale loc);

/*
 * Reading. What a French spreadsheet saves: an optional UTF-8 BOM, ';'
 * separators (',' when the first line has no ';' but has a ','), fields
 * quoted with '"' (doubled inside) that may hold separators and newlines,
 * rows ending in CRLF, LF or CR, blank lines skipped. The reader undoes
 * csv_cell's formula guard: a cell "'=..." (' then = + - @ tab or CR) reads
 * back as "=...", so an export imports unchanged.
 *
 * Hand-written rather than libcsv because every row must be reported with
 * the line it starts on (a quoted field may span lines), which libcsv's
 * callbacks do not give.
 */

/* Limits of one read: cells per row and bytes per cell. */
#define CSV_MAX_CELLS 64
#define CSV_MAX_CELL 8192

/*
 * Called once per row with its cells (NUL-terminated, borrowed for the call)
 * and line, the 1-based line the row starts on. Return 0 to go on; any other
 * value stops the read and is returned by csv_read.
 */
typedef int (*csv_row_fn)(void *ctx, size_t line, char *const *cells, size_t ncells);

/*
 * Reads buf (len bytes, need not be NUL-terminated) row by row into fn.
 * Returns 0, fn's non-zero value, or EP_EINVAL for text that is not CSV
 * (an unterminated quote, text after a closing quote, invalid UTF-8, more
 * than CSV_MAX_CELLS cells or a cell over CSV_MAX_CELL bytes) with the line
 * in *err_line (may be NULL) and a reason in err (may be NULL; no field: a
 * file has lines, not fields). EP_ENOMEM on allocation failure.
 */
int csv_read(const char *buf, size_t len, csv_row_fn fn, void *ctx, size_t *err_line,
             struct ep_error *err);

#endif
