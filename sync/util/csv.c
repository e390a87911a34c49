/* csv.c - CSV cells for French or English spreadsheets (see csv.h). */
#include "csv.h"

#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char separator(enum csv_locale loc)
{
    return loc == CSV_ENGLISH ? ',' : ';';
}

int csv_cell(struct strbuf *b, const char *text)
{
    return csv_cell_in(b, CSV_FRENCH, text);
}

int csv_number(struct strbuf *b, double v, int decimals)
{
    return csv_number_in(b, CSV_FRENCH, v, decimals);
}

int csv_end_row(struct strbuf *b)
{
    return csv_end_row_in(b, CSV_FRENCH);
}

int csv_cell_in(struct strbuf *b, enum csv_locale loc, const char *text)
{
    char sep = separator(loc);
    int rc = EP_OK;
    int quote;

    if (text == NULL)
        text = "";
    /* Quoted too: ',' (a reader may take a first row with commas and no
     * ';' for a comma-separated file) and a leading byte order mark (at the
     * start of a file it would be read as the file's own). Found by
     * tests/fuzz/fuzz_csv.c's round trip. */
    quote = strpbrk(text, ";,\"\r\n") != NULL || strncmp(text, CSV_BOM, 3) == 0;
    if (quote)
        rc = strbuf_add(b, "\"", 1);
    /* A leading formula character would make the cell a formula. */
    if (rc == EP_OK && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                        text[0] == '\t' || text[0] == '\r'))
        rc = strbuf_add(b, "'", 1);
    for (const char *p = text; rc == EP_OK && *p != '\0'; p++) {
        rc = *p == '"' ? strbuf_add(b, "\"\"", 2) : strbuf_add(b, p, 1);
    }
    if (rc == EP_OK && quote)
        rc = strbuf_add(b, "\"", 1);
    if (rc == EP_OK)
        rc = strbuf_add(b, &sep, 1);
    return rc;
}

int csv_number_in(struct strbuf *b, enum csv_locale loc, double v, int decimals)
{
    char sep = separator(loc);
    char num[64];
    int n = snprintf(num, sizeof(num), "%.*f", decimals, v);

    if (n < 0 || (size_t)n >= sizeof(num))
        return EP_EINVAL;
    /* printf's "C" locale writes a point: the French spreadsheet wants a
     * comma, the English one keeps it. */
    for (char *p = num; loc == CSV_FRENCH && *p != '\0'; p++) {
        if (*p == '.')
            *p = ',';
    }
    /* Numbers we format are never formulas: no ' prefix, even if negative. */
    if (strbuf_str(b, num) != EP_OK)
        return EP_ENOMEM;
    return strbuf_add(b, &sep, 1);
}

int csv_end_row_in(struct strbuf *b, enum csv_locale loc)
{
    if (b->len > 0 && b->p[b->len - 1] == separator(loc))
        b->len--;
    return strbuf_add(b, "\r\n", 2);
}

/* The state of one read: the row being built. */
struct csv_reader {
    struct strbuf cell;
    char *cells[CSV_MAX_CELLS];
    size_t ncells;
};

static void reader_clear_row(struct csv_reader *r)
{
    for (size_t i = 0; i < r->ncells; i++) {
        free(r->cells[i]);
        r->cells[i] = NULL;
    }
    r->ncells = 0;
}

/* The offset of the first byte of s (n bytes) that is not valid UTF-8 (an
 * overlong form, a surrogate, a truncated sequence), n if there is none. */
static size_t utf8_first_bad(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned min, cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            k = 1, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return i;
        }
        if (i + k >= n)
            return i;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += k + 1;
    }
    return n;
}

/* The 1-based line of offset off in buf. */
static size_t line_of(const char *buf, size_t off)
{
    size_t line = 1;

    for (size_t i = 0; i < off; i++) {
        if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= off || buf[i + 1] != '\n')))
            line++;
    }
    return line;
}

/* Ends the current cell: undoes the formula guard and stores it. */
static int reader_end_cell(struct csv_reader *r)
{
    char *text;
    size_t n;

    if (r->ncells == CSV_MAX_CELLS)
        return EP_ETOOBIG;
    text = strbuf_detach(&r->cell, &n);
    if (text == NULL)
        return EP_ENOMEM;
    if (n >= 2 && text[0] == '\'' && strchr("=+-@\t\r", text[1]) != NULL)
        memmove(text, text + 1, n); /* n bytes: the rest and its NUL */
    r->cells[r->ncells++] = text;
    return EP_OK;
}

static int fail_at(size_t line, size_t *err_line, struct ep_error *err, const char *why)
{
    if (err_line != NULL)
        *err_line = line;
    return ep_error_set(err, EP_EINVAL, NULL, "%s", why);
}

/*
 * The separator: ';' unless the first row has ',' and no ';' between its
 * cells. Separators inside quotes do not count, and a quoted field may span
 * lines: a one-column file whose first cell holds "a, b" is still ours.
 */
static char detect_separator(const char *buf, size_t len)
{
    int comma = 0, quoted = 0;

    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (c == '"') {
            quoted = !quoted; /* a doubled quote toggles twice: no change */
            continue;
        }
        if (quoted)
            continue;
        if (c == '\n' || c == '\r')
            break;
        if (c == ';')
            return ';';
        if (c == ',')
            comma = 1;
    }
    return comma ? ',' : ';';
}

int csv_read(const char *buf, size_t len, csv_row_fn fn, void *ctx, size_t *err_line,
             struct ep_error *err)
{
    struct csv_reader r;
    size_t i = 0, line = 1, row_line = 1, cell_line = 1;
    int quoted = 0, after_quote = 0, in_row = 0, from_fn = 0;
    char sep;
    int rc = EP_OK;

    memset(&r, 0, sizeof(r));
    strbuf_init(&r.cell, CSV_MAX_CELL);
    if (err_line != NULL)
        *err_line = 0;
    ep_error_clear(err);
    if (len >= 3 && memcmp(buf, CSV_BOM, 3) == 0)
        i = 3;
    {
        size_t bad = utf8_first_bad((const unsigned char *)buf, len);
        if (bad < len) {
            /* Excel's plain "CSV" is Windows-1252: say which choice works. */
            rc = fail_at(line_of(buf, bad), err_line, err,
                         "the file is not UTF-8: save it as \"CSV UTF-8\"");
            goto out;
        }
    }
    sep = detect_separator(buf + i, len - i);
    for (; i < len; i++) {
        char c = buf[i];
        if (quoted) {
            if (c == '"' && i + 1 < len && buf[i + 1] == '"') {
                rc = strbuf_add(&r.cell, "\"", 1);
                i++;
            } else if (c == '"') {
                quoted = 0;
                after_quote = 1;
            } else {
                if (c == '\n' || (c == '\r' && (i + 1 >= len || buf[i + 1] != '\n')))
                    line++;
                rc = strbuf_add(&r.cell, &c, 1);
            }
            if (rc != EP_OK)
                break;
            continue;
        }
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < len && buf[i + 1] == '\n')
                i++;
            if (in_row) {
                rc = reader_end_cell(&r);
                if (rc == EP_OK) {
                    rc = fn(ctx, row_line, r.cells, r.ncells);
                    from_fn = rc != EP_OK;
                }
                reader_clear_row(&r);
                if (rc != EP_OK)
                    break;
            }
            in_row = 0;
            after_quote = 0;
            line++;
            continue;
        }
        if (!in_row) {
            in_row = 1;
            row_line = line;
            cell_line = line;
        }
        if (c == sep) {
            rc = reader_end_cell(&r);
            after_quote = 0;
            cell_line = line;
        } else if (after_quote) {
            rc = fail_at(line, err_line, err,
                         "text after a closing quote: a quoted cell must end at ';' or the "
                         "end of the line");
        } else if (c == '"' && r.cell.len == 0) {
            quoted = 1;
            cell_line = line;
        } else {
            rc = strbuf_add(&r.cell, &c, 1);
        }
        if (rc != EP_OK)
            break;
    }
    if (rc == EP_OK && quoted)
        rc = fail_at(cell_line, err_line, err, "a quoted cell is never closed: a '\"' is missing");
    if (rc == EP_OK && in_row) {
        rc = reader_end_cell(&r);
        if (rc == EP_OK) {
            rc = fn(ctx, row_line, r.cells, r.ncells);
            from_fn = rc != EP_OK;
        }
    }
    if (rc == EP_ETOOBIG && !from_fn)
        rc = fail_at(row_line, err_line, err,
                     "a row has more than 64 cells or a cell over 8192 bytes");
out:
    reader_clear_row(&r);
    strbuf_release(&r.cell);
    return rc;
}
