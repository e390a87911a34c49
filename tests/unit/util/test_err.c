/*
 * test_err.c - the error codes' texts and the one error-detail shape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "err.h"

#include <string.h>

static void set_records_code_field_and_message(void **state)
{
    struct ep_error e;
    (void)state;
    ep_error_clear(&e);
    assert_int_equal(e.code, EP_OK);
    assert_null(ep_error_field(&e));
    assert_string_equal(e.message, "");
    assert_int_equal(ep_error_set(&e, EP_EINVAL, "title", "'%s' is %d long", "x", 1), EP_EINVAL);
    assert_int_equal(e.code, EP_EINVAL);
    assert_string_equal(ep_error_field(&e), "title");
    assert_string_equal(e.message, "'x' is 1 long");
    /* A later failure replaces the earlier one whole, field included. */
    assert_int_equal(ep_error_set(&e, EP_EIO, NULL, "disk"), EP_EIO);
    assert_null(ep_error_field(&e));
    assert_string_equal(e.message, "disk");
    ep_error_clear(&e);
    assert_int_equal(e.code, EP_OK);
    assert_string_equal(e.message, "");
}

static void null_detail_returns_the_code_only(void **state)
{
    (void)state;
    assert_int_equal(ep_error_set(NULL, EP_ENOMEM, "f", "m"), EP_ENOMEM);
    ep_error_clear(NULL);
    assert_null(ep_error_field(NULL));
}

static void long_texts_are_truncated_not_overrun(void **state)
{
    struct ep_error e;
    char big[2 * EP_ERROR_MESSAGE_MAX];
    (void)state;
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ep_error_set(&e, EP_EINVAL, big, "%s", big);
    assert_int_equal(strlen(e.field), EP_ERROR_FIELD_MAX - 1);
    assert_int_equal(strlen(e.message), EP_ERROR_MESSAGE_MAX - 1);
}

static void every_code_has_a_text(void **state)
{
    int c;
    (void)state;
    for (c = EP_OK; c >= EP_ECORRUPT; c--)
        assert_string_not_equal(ep_strerror(c), "unknown error");
    assert_string_equal(ep_strerror(-999), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_records_code_field_and_message),
        cmocka_unit_test(null_detail_returns_the_code_only),
        cmocka_unit_test(long_texts_are_truncated_not_overrun),
        cmocka_unit_test(every_code_has_a_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
