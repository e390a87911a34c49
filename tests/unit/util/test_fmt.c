/*
 * test_fmt.c - the document formatter against fixed expectations in both
 * languages (the same figures the PWA's Intl writes, U+2212 minus apart).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fmt.h"

#include <math.h>
#include <string.h>

#define NNBSP "\xe2\x80\xaf"
#define NBSP "\xc2\xa0"
#define MINUS "\xe2\x88\x92"

static void numbers_in_french_and_english(void **state)
{
    char b[FMT_MAX];
    (void)state;
    assert_string_equal(fmt_number(b, sizeof(b), 10000, 0, "fr"), "10" NNBSP "000");
    assert_string_equal(fmt_number(b, sizeof(b), 10000, 0, "en"), "10,000");
    assert_string_equal(fmt_number(b, sizeof(b), 1234567.891, 2, "fr"),
                        "1" NNBSP "234" NNBSP "567,89");
    assert_string_equal(fmt_number(b, sizeof(b), 1234567.891, 2, "en"), "1,234,567.89");
    assert_string_equal(fmt_number(b, sizeof(b), 999, 0, "fr"), "999");
    assert_string_equal(fmt_number(b, sizeof(b), 1000, 0, "fr"), "1" NNBSP "000");
    assert_string_equal(fmt_number(b, sizeof(b), -0.5, 1, "fr"), MINUS "0,5");
    /* Rounds to zero: no sign. */
    assert_string_equal(fmt_number(b, sizeof(b), -0.004, 2, "fr"), "0,00");
    assert_string_equal(fmt_number(b, sizeof(b), -0.0, 0, "en"), "0");
    assert_string_equal(fmt_number(b, sizeof(b), NAN, 1, "fr"), "\xe2\x80\x94");
    /* Unknown languages are French, the product's first. */
    assert_string_equal(fmt_number(b, sizeof(b), 2.5, 1, "de"), "2,5");
}

static void quantities_keep_a_sensible_precision(void **state)
{
    char b[FMT_MAX];
    (void)state;
    /* The kit's "5.600000000000005 tCO2e" and the plan's "10000.00". */
    assert_string_equal(fmt_quantity(b, sizeof(b), 5.600000000000005, "fr"), "5,6");
    assert_string_equal(fmt_quantity(b, sizeof(b), 10000.00, "fr"), "10" NNBSP "000");
    assert_string_equal(fmt_quantity(b, sizeof(b), 4986, "en"), "4,986");
    assert_string_equal(fmt_quantity(b, sizeof(b), 12.04, "fr"), "12");
    assert_string_equal(fmt_quantity(b, sizeof(b), 250.5, "fr"), "251");
    assert_string_equal(fmt_quantity(b, sizeof(b), 0.256, "en"), "0.26");
    assert_string_equal(fmt_quantity(b, sizeof(b), 99.96, "fr"), "100");
    assert_string_equal(fmt_quantity(b, sizeof(b), 9.96, "fr"), "10");
    assert_string_equal(fmt_quantity(b, sizeof(b), 0, "fr"), "0");
    assert_string_equal(fmt_quantity(b, sizeof(b), -3.10, "fr"), MINUS "3,1");
}

static void percentages(void **state)
{
    char b[FMT_MAX];
    (void)state;
    assert_string_equal(fmt_percent(b, sizeof(b), -0.14, 0, 0, "fr"), MINUS "14" NBSP "%");
    assert_string_equal(fmt_percent(b, sizeof(b), -0.14, 0, 0, "en"), MINUS "14%");
    assert_string_equal(fmt_percent(b, sizeof(b), 0.03, 0, 1, "fr"), "+3" NBSP "%");
    assert_string_equal(fmt_percent(b, sizeof(b), 0.0, 0, 1, "fr"), "0" NBSP "%");
    assert_string_equal(fmt_percent(b, sizeof(b), 0.425, 1, 0, "fr"), "42,5" NBSP "%");
}

static void dates_as_people_write_them(void **state)
{
    char b[FMT_MAX];
    (void)state;
    assert_string_equal(fmt_date(b, sizeof(b), "2026-12-04", FMT_DATE_LONG, "fr"),
                        "vendredi 4 décembre 2026");
    assert_string_equal(fmt_date(b, sizeof(b), "2026-12-04", FMT_DATE_LONG, "en"),
                        "Friday 4 December 2026");
    assert_string_equal(fmt_date(b, sizeof(b), "2026-12-04T08:30", FMT_DATE_MEDIUM, "fr"),
                        "4 décembre 2026");
    assert_string_equal(fmt_date(b, sizeof(b), "2026-12-04", FMT_DATE_SHORT, "fr"), "4 déc.");
    assert_string_equal(fmt_date(b, sizeof(b), "2026-02-01", FMT_DATE_SHORT, "en"), "1 Feb");
    /* The first of the month is an ordinal in French, as on screen. */
    assert_string_equal(fmt_date(b, sizeof(b), "2026-12-01", FMT_DATE_LONG, "fr"),
                        "mardi 1er décembre 2026");
    assert_string_equal(fmt_date(b, sizeof(b), "2026-02-01", FMT_DATE_SHORT, "fr"), "1er févr.");
    assert_string_equal(fmt_date(b, sizeof(b), "2026-12-01", FMT_DATE_LONG, "en"),
                        "Tuesday 1 December 2026");
    /* Weekdays across a century rule and a leap day. */
    assert_string_equal(fmt_date(b, sizeof(b), "2000-02-29", FMT_DATE_LONG, "fr"),
                        "mardi 29 février 2000");
    assert_string_equal(fmt_date(b, sizeof(b), "2026-12-07", FMT_DATE_LONG, "en"),
                        "Monday 7 December 2026");
    assert_null(fmt_date(b, sizeof(b), "2026-02-29", FMT_DATE_LONG, "fr"));
    assert_string_equal(b, "");
    assert_null(fmt_date(b, sizeof(b), "mardi", FMT_DATE_LONG, "fr"));
    assert_null(fmt_date(b, sizeof(b), "2026-13-01", FMT_DATE_LONG, "fr"));
    assert_null(fmt_date(b, sizeof(b), NULL, FMT_DATE_LONG, "fr"));
}

static void plurals_follow_the_language(void **state)
{
    char b[FMT_MAX];
    (void)state;
    assert_string_equal(fmt_count(b, sizeof(b), 0, "relevé", "relevés", "fr"), "0 relevé");
    assert_string_equal(fmt_count(b, sizeof(b), 1, "relevé", "relevés", "fr"), "1 relevé");
    assert_string_equal(fmt_count(b, sizeof(b), 2, "relevé", "relevés", "fr"), "2 relevés");
    assert_string_equal(fmt_count(b, sizeof(b), 0, "reading", "readings", "en"), "0 readings");
    assert_string_equal(fmt_count(b, sizeof(b), 1, "reading", "readings", "en"), "1 reading");
    assert_string_equal(fmt_count(b, sizeof(b), 1500, "repas", "repas", "fr"),
                        "1" NNBSP "500 repas");
}

static void cut_at_a_character_boundary(void **state)
{
    char b[5];
    (void)state;
    /* "1 000" needs 7 bytes; 4 fit: "1" then the 3-byte U+202F, whole. */
    assert_string_equal(fmt_number(b, sizeof(b), 1000, 0, "fr"), "1" NNBSP);
    assert_string_equal(fmt_date(b, 4, "2026-12-04", FMT_DATE_SHORT, "fr"), "4 d");
    assert_string_equal(fmt_date(b, 5, "2026-12-04", FMT_DATE_SHORT, "fr"), "4 d");
}

/* File names from titles: ASCII, accents dropped, cut at a word. */
static void slugs_for_file_names(void **state)
{
    char b[64], small[12];
    (void)state;
    assert_string_equal(fmt_slug(b, sizeof(b), "Loué soit l'été"), "loue-soit-l-ete");
    assert_string_equal(fmt_slug(b, sizeof(b), "  Œuvre — « Ça » 2026 !"), "oeuvre-ca-2026");
    assert_string_equal(fmt_slug(b, sizeof(b), "Straße/../\"x\";\r\nSet-Cookie"),
                        "strasse-x-set-cookie");
    assert_string_equal(fmt_slug(b, sizeof(b), "日本 ×÷"), "");
    assert_string_equal(fmt_slug(b, sizeof(b), NULL), "");
    assert_string_equal(fmt_slug(b, sizeof(b), "\xff\xfe bad \xc3"), "bad");
    /* 11 characters at most: the last whole word. */
    assert_string_equal(fmt_slug(small, sizeof(small), "Loué soit l'été"), "loue-soit-l");
    assert_string_equal(fmt_slug(small, sizeof(small), "Anticonstitutionnellement"), "anticonstit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_in_french_and_english),
        cmocka_unit_test(quantities_keep_a_sensible_precision),
        cmocka_unit_test(percentages),
        cmocka_unit_test(dates_as_people_write_them),
        cmocka_unit_test(plurals_follow_the_language),
        cmocka_unit_test(cut_at_a_character_boundary),
        cmocka_unit_test(slugs_for_file_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
