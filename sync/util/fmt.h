/*
 * fmt.h - numbers, dates and plurals as people write them, in French or
 * English, for every document the server renders (PDF, ODT, XLSX labels,
 * Markdown, HTML, emails). The PWA does the same with Intl; these functions
 * follow its fr-FR / en-GB output so a figure reads alike on screen and on
 * paper, except the minus sign, which is always U+2212 (typographic minus).
 *
 * French: thousands grouped with U+202F (narrow no-break space, as Intl
 * writes them), decimal comma, "−14 %" with U+00A0 before the percent sign.
 * English: "10,000.5", "−14%".
 *
 * All functions write a NUL-terminated UTF-8 string into buf (len bytes)
 * and return buf, so they can be used as printf arguments; a result that
 * does not fit is cut at a character boundary, never mid-sequence. Pure and
 * reentrant. lang is "fr" or "en"; anything else is treated as "fr" (the
 * product's first language).
 */
#ifndef EP_FMT_H
#define EP_FMT_H

#include <stddef.h>

/* Enough for any number, date or percentage these functions write. */
#define FMT_MAX 64

/*
 * v with exactly `decimals` digits after the separator (0-6), grouped:
 * fmt_number(b, n, 10000, 0, "fr") -> "10 000" (U+202F), -0.5 with 1
 * decimal -> "−0,5". A value that rounds to zero is written without sign.
 * Not finite: "—".
 */
char *fmt_number(char *buf, size_t len, double v, int decimals, const char *lang);

/*
 * v with a precision a reader expects of a measured quantity: no decimals
 * from 100 up, one from 10, two below 10, trailing zeros dropped
 * (5.6 -> "5,6", 12.04 -> "12", 0.256 -> "0,26", 4986 -> "4 986").
 */
char *fmt_quantity(char *buf, size_t len, double v, const char *lang);

/*
 * A percentage from a ratio (0.14 -> "14 %" / "14%"), rounded to `decimals`
 * digits; with `sign` set, a positive value carries "+" (changes: "+3 %").
 */
char *fmt_percent(char *buf, size_t len, double ratio, int decimals, int sign, const char *lang);

/* How fmt_date writes a day. */
enum fmt_date_style {
    FMT_DATE_LONG,   /* "jeudi 4 décembre 2026" / "Thursday 4 December 2026" */
    FMT_DATE_MEDIUM, /* "4 décembre 2026" / "4 December 2026" */
    FMT_DATE_SHORT,  /* "4 déc." / "4 Dec" */
};

/*
 * An ISO day ("2026-12-04", or the first 10 characters of a longer ISO
 * timestamp) in the given style. Returns NULL (buf set to "") when iso is not
 * a valid calendar date.
 */
char *fmt_date(char *buf, size_t len, const char *iso, enum fmt_date_style style, const char *lang);

/*
 * "n word" with the plural the language asks for: French takes the singular
 * for 0 and 1 (and the plural from 2), English only for 1. n is written with
 * fmt_number's grouping. fmt_count(b, n, 3, "relevé", "relevés", "fr") ->
 * "3 relevés"; fmt_count(b, n, 0, ...) -> "0 relevé".
 */
char *fmt_count(char *buf, size_t len, long n, const char *one, const char *other,
                const char *lang);

/*
 * A file name's stem from a title people gave: lower-case ASCII letters and
 * digits, the Latin accents dropped ("Loué soit l'été" -> "loue-soit-l-ete",
 * "Œuvre" -> "oeuvre"), every other run of characters one "-", none at
 * either end; cut at a word's end when longer than len - 1. Safe as it is in
 * a quoted Content-Disposition filename (RFC 6266). "" when the title holds
 * no letter or digit it can write (the caller then picks a generic name).
 */
char *fmt_slug(char *buf, size_t len, const char *title);

/* 1 when lang says English, 0 for French (and anything else). */
int fmt_is_english(const char *lang);

#endif
