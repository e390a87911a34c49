/*
 * csv.h - CSV for French spreadsheets (Excel, LibreOffice with a French
 * locale): ';' separators, decimal commas, CRLF rows, UTF-8 with a BOM so the
 * accents survive, and no formula injection: a cell starting with = + - @
 * tab or CR is prefixed with ' so it is shown, never evaluated.
 */
#ifndef EP_CSV_H
#define EP_CSV_H

#include "strbuf.h"

/* The UTF-8 byte order mark; write it first. */
#define CSV_BOM "\xEF\xBB\xBF"

/* Appends one text cell (NULL = empty), quoted when needed, then ';'. */
int csv_cell(struct strbuf *b, const char *text);

/* Appends a number with `decimals` decimals and a decimal comma, then ';'. */
int csv_number(struct strbuf *b, double v, int decimals);

/* Ends the row: replaces the trailing ';' with CRLF. */
int csv_end_row(struct strbuf *b);

#endif
