/* csv.c - French-spreadsheet CSV cells (see csv.h). */
#include "csv.h"

#include "err.h"

#include <stdio.h>
#include <string.h>

int csv_cell(struct strbuf *b, const char *text)
{
    int rc = EP_OK;
    int quote;

    if (text == NULL)
        text = "";
    quote = strpbrk(text, ";\"\r\n") != NULL;
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
        rc = strbuf_add(b, ";", 1);
    return rc;
}

int csv_number(struct strbuf *b, double v, int decimals)
{
    char num[64];
    int n = snprintf(num, sizeof(num), "%.*f", decimals, v);

    if (n < 0 || (size_t)n >= sizeof(num))
        return EP_EINVAL;
    for (char *p = num; *p != '\0'; p++) {
        if (*p == '.')
            *p = ',';
    }
    /* Numbers we format are never formulas: no ' prefix, even if negative. */
    if (strbuf_str(b, num) != EP_OK)
        return EP_ENOMEM;
    return strbuf_add(b, ";", 1);
}

int csv_end_row(struct strbuf *b)
{
    if (b->len > 0 && b->p[b->len - 1] == ';')
        b->len--;
    return strbuf_add(b, "\r\n", 2);
}
