/*
 * test_jsonin.c - the depth check in front of Jansson: brackets inside
 * strings (escaped quotes included) do not count, the limit is exact, and a
 * refusal looks like a Jansson error with the position of the bracket.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jsonin.h"

#include <stdlib.h>
#include <string.h>

/* n '[' then n ']' */
static char *nest(size_t n)
{
    char *b = malloc(2 * n + 1);
    assert_non_null(b);
    memset(b, '[', n);
    memset(b + n, ']', n);
    b[2 * n] = '\0';
    return b;
}

static void depth_counts_arrays_and_objects(void **state)
{
    static const char t[] = "{\"a\":[{\"b\":[]}],\"c\":{}}";
    (void)state;
    assert_int_equal(jsonin_depth(t, strlen(t), 32), 4);
    assert_int_equal(jsonin_depth("1", 1, 32), 0);
    assert_int_equal(jsonin_depth("", 0, 32), 0);
}

static void brackets_in_strings_do_not_count(void **state)
{
    /* An escaped quote does not end the string; an escaped backslash does. */
    static const char t[] = "{\"k\":\"[[[[\\\"[[[[{{{{\",\"m\":\"\\\\\",\"n\":[]}";
    (void)state;
    assert_int_equal(jsonin_depth(t, strlen(t), 32), 2);
}

static void the_limit_is_exact(void **state)
{
    char *ok = nest(JSONIN_MAX_DEPTH), *deep = nest(JSONIN_MAX_DEPTH + 1);
    json_error_t err;
    json_t *j;
    (void)state;

    j = jsonin_loadb(ok, strlen(ok), 0, &err);
    assert_non_null(j);
    json_decref(j);
    assert_null(jsonin_loadb(deep, strlen(deep), 0, &err));
    assert_string_equal(err.text, "JSON nested deeper than 32 levels");
    assert_int_equal(json_error_code(&err), json_error_stack_overflow);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.position, JSONIN_MAX_DEPTH); /* the 33rd '[' */
    free(ok);
    free(deep);
}

static void counting_stops_past_the_limit(void **state)
{
    char *deep = nest(100000);
    (void)state;
    assert_int_equal(jsonin_depth(deep, strlen(deep), 10), 11);
    free(deep);
}

static void malformed_text_is_left_to_jansson(void **state)
{
    json_error_t err;
    (void)state;
    assert_null(jsonin_loadb("{\"a\":", 5, 0, &err));
    assert_null(strstr(err.text, "nested"));
    /* Unbalanced closers never make the depth negative. */
    assert_int_equal(jsonin_depth("]]]][", 5, 32), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(depth_counts_arrays_and_objects),
        cmocka_unit_test(brackets_in_strings_do_not_count),
        cmocka_unit_test(the_limit_is_exact),
        cmocka_unit_test(counting_stops_past_the_limit),
        cmocka_unit_test(malformed_text_is_left_to_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
