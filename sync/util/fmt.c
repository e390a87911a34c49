/*
 * fmt.c - numbers, dates and plurals for people (see fmt.h).
 */
#include "fmt.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define NNBSP "\xe2\x80\xaf" /* U+202F, French thousands separator */
#define NBSP "\xc2\xa0"      /* U+00A0, before the French percent sign */
#define MINUS "\xe2\x88\x92" /* U+2212 */

int fmt_is_english(const char *lang)
{
    return lang != NULL && strncmp(lang, "en", 2) == 0;
}

/* Copies src into buf (len bytes), cutting at a UTF-8 character boundary. */
static char *put(char *buf, size_t len, const char *src)
{
    size_t n = strlen(src);

    if (len == 0)
        return buf;
    if (n >= len) {
        n = len - 1;
        /* Continuation bytes are 10xxxxxx: back up to a lead byte. */
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(buf, src, n);
    buf[n] = '\0';
    return buf;
}

/* "1234567.89" (no sign) grouped into out: "1 234 567,89" or "1,234,567.89". */
static void group(const char *digits, int english, char *out, size_t outlen)
{
    const char *dot = strchr(digits, '.');
    size_t intlen = dot != NULL ? (size_t)(dot - digits) : strlen(digits), o = 0;
    const char *sep = english ? "," : NNBSP;
    size_t seplen = strlen(sep);

    for (size_t i = 0; i < intlen && o + seplen + 2 < outlen; i++) {
        if (i > 0 && (intlen - i) % 3 == 0) {
            memcpy(out + o, sep, seplen);
            o += seplen;
        }
        out[o++] = digits[i];
    }
    if (dot != NULL && o + 1 < outlen) {
        out[o++] = english ? '.' : ',';
        for (const char *p = dot + 1; *p != '\0' && o + 1 < outlen; p++)
            out[o++] = *p;
    }
    out[o] = '\0';
}

/* 1 when the digits (and the point) are all zero. */
static int all_zero(const char *digits)
{
    for (const char *p = digits; *p != '\0'; p++)
        if (*p != '0' && *p != '.')
            return 0;
    return 1;
}

char *fmt_number(char *buf, size_t len, double v, int decimals, const char *lang)
{
    char digits[FMT_MAX * 2], grouped[FMT_MAX * 2], out[FMT_MAX * 4];
    double scale;
    int n;

    if (!isfinite(v) || fabs(v) >= 1e15)
        return put(buf, len, "\xe2\x80\x94"); /* an em dash: not a figure */
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    /* Half away from zero, as Intl does (printf rounds 250.5 to even, 250). */
    scale = pow(10.0, decimals);
    n = snprintf(digits, sizeof(digits), "%.*f", decimals, round(fabs(v) * scale) / scale);
    if (n < 0 || (size_t)n >= sizeof(digits))
        return put(buf, len, "\xe2\x80\x94");
    group(digits, fmt_is_english(lang), grouped, sizeof(grouped));
    snprintf(out, sizeof(out), "%s%s", v < 0 && !all_zero(digits) ? MINUS : "", grouped);
    return put(buf, len, out);
}

/* Drops trailing zeros after the decimal separator, and the separator. */
static void trim_zeros(char *s, int english)
{
    char sepc = english ? '.' : ',';
    char *sep = strrchr(s, sepc), *end;

    if (sep == NULL)
        return;
    end = s + strlen(s);
    while (end > sep + 1 && end[-1] == '0')
        end--;
    if (end == sep + 1)
        end = sep;
    *end = '\0';
}

char *fmt_quantity(char *buf, size_t len, double v, const char *lang)
{
    double a = fabs(v);
    int decimals = a >= 99.5 ? 0 : a >= 9.95 ? 1 : 2;
    char out[FMT_MAX * 2];

    fmt_number(out, sizeof(out), v, decimals, lang);
    if (isfinite(v))
        trim_zeros(out, fmt_is_english(lang));
    return put(buf, len, out);
}

char *fmt_percent(char *buf, size_t len, double ratio, int decimals, int sign, const char *lang)
{
    char num[FMT_MAX * 2], out[FMT_MAX * 4];
    int english = fmt_is_english(lang);

    fmt_number(num, sizeof(num), ratio * 100.0, decimals, lang);
    if (!isfinite(ratio))
        return put(buf, len, num);
    snprintf(out, sizeof(out), "%s%s%s%%",
             sign && num[0] != '\0' && strncmp(num, MINUS, strlen(MINUS)) != 0 && !all_zero(num)
                 ? "+"
                 : "",
             num, english ? "" : NBSP);
    return put(buf, len, out);
}

static const char *const fr_months[] = {"janvier",   "février", "mars",     "avril",
                                        "mai",       "juin",    "juillet",  "août",
                                        "septembre", "octobre", "novembre", "décembre"};
static const char *const fr_short[] = {"janv.", "févr.", "mars",  "avr.", "mai",  "juin",
                                       "juil.", "août",  "sept.", "oct.", "nov.", "déc."};
static const char *const en_months[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
static const char *const en_short[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
/* Day 0 is Sunday, as the weekday computation below gives it. */
static const char *const fr_days[] = {"dimanche", "lundi",    "mardi", "mercredi",
                                      "jeudi",    "vendredi", "samedi"};
static const char *const en_days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Reads "YYYY-MM-DD" strictly; 0 on success. */
static int parse_day(const char *iso, int *y, int *m, int *d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (iso == NULL || strlen(iso) < 10 || iso[4] != '-' || iso[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (iso[i] < '0' || iso[i] > '9'))
            return -1;
    *y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + (iso[3] - '0');
    *m = (iso[5] - '0') * 10 + (iso[6] - '0');
    *d = (iso[8] - '0') * 10 + (iso[9] - '0');
    if (*y < 1 || *m < 1 || *m > 12 || *d < 1)
        return -1;
    if (*d > mdays[*m - 1] + (*m == 2 && leap(*y)))
        return -1;
    return 0;
}

/* Sakamoto's method: 0 = Sunday. */
static int weekday(int y, int m, int d)
{
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3)
        y -= 1;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

char *fmt_date(char *buf, size_t len, const char *iso, enum fmt_date_style style, const char *lang)
{
    char out[FMT_MAX * 2], dd[8];
    int y, m, d, english = fmt_is_english(lang);

    if (parse_day(iso, &y, &m, &d) != 0) {
        put(buf, len, "");
        return NULL;
    }
    /* French writes the first of the month as an ordinal, "1er décembre",
     * as pwa/js/i18n.js does: one way of writing a date on screen and paper. */
    snprintf(dd, sizeof(dd), "%d%s", d, (!english && d == 1) ? "er" : "");
    switch (style) {
    case FMT_DATE_LONG:
        snprintf(out, sizeof(out), "%s %s %s %d",
                 english ? en_days[weekday(y, m, d)] : fr_days[weekday(y, m, d)], dd,
                 english ? en_months[m - 1] : fr_months[m - 1], y);
        break;
    case FMT_DATE_MEDIUM:
        snprintf(out, sizeof(out), "%s %s %d", dd, english ? en_months[m - 1] : fr_months[m - 1],
                 y);
        break;
    case FMT_DATE_SHORT:
    default:
        snprintf(out, sizeof(out), "%s %s", dd, english ? en_short[m - 1] : fr_short[m - 1]);
        break;
    }
    return put(buf, len, out);
}

char *fmt_count(char *buf, size_t len, long n, const char *one, const char *other, const char *lang)
{
    char num[FMT_MAX * 2], out[FMT_MAX * 4];
    int singular = fmt_is_english(lang) ? (n == 1 || n == -1) : (n > -2 && n < 2);

    fmt_number(num, sizeof(num), (double)n, 0, lang);
    snprintf(out, sizeof(out), "%s %s", num, singular ? one : other);
    return put(buf, len, out);
}

/* U+00C0..U+00FF in ASCII letters; "" for the two signs (U+00D7, U+00F7). */
static const char *const latin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

/* The ASCII letters of the character starting at s (its byte length in
 * *n), "" for anything that separates words; one is the caller's room for
 * an ASCII letter, so the function stays reentrant. */
static const char *ascii_of(const unsigned char *s, size_t *n, char one[2])
{
    unsigned cp;

    *n = 1;
    if (s[0] < 0x80) {
        if (!isalnum(s[0]))
            return "";
        one[0] = (char)tolower(s[0]);
        one[1] = '\0';
        return one;
    }
    *n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1;
    for (size_t i = 1; i < *n; i++) {
        if ((s[i] & 0xC0) != 0x80) { /* not UTF-8: one byte, a separator */
            *n = 1;
            return "";
        }
    }
    if (*n != 2)
        return "";
    cp = ((unsigned)(s[0] & 0x1F) << 6) | (unsigned)(s[1] & 0x3F);
    if (cp >= 0xC0 && cp <= 0xFF)
        return latin1[cp - 0xC0];
    return cp == 0x152 || cp == 0x153 ? "oe" : "";
}

char *fmt_slug(char *buf, size_t len, const char *title)
{
    const unsigned char *s = (const unsigned char *)(title != NULL ? title : "");
    size_t o = 0, n, word_end = 0;
    int sep = 0;
    char one[2];

    if (len == 0)
        return buf;
    while (*s != '\0') {
        const char *a = ascii_of(s, &n, one);
        size_t al = strlen(a);
        s += n;
        if (al == 0) {
            sep = o > 0;
            continue;
        }
        if (o + (sep ? 1 : 0) + al > len - 1) {
            /* Too long: end at the last whole word (o itself when a
             * separator was due), or fill a single word. */
            if (!sep && word_end > 0) {
                o = word_end;
            } else if (!sep) {
                al = len - 1 - o;
                memcpy(buf + o, a, al);
                o += al;
            }
            break;
        }
        if (sep) {
            word_end = o;
            buf[o++] = '-';
            sep = 0;
        }
        memcpy(buf + o, a, al);
        o += al;
    }
    buf[o] = '\0';
    return buf;
}
