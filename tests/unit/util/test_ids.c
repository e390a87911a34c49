/*
 * test_ids.c - the one id rule (docs/sync-protocol.md §2): what the sync
 * engine, identity and the HTTP layer all accept. The PWA's ID_RE is checked
 * against the same cases in tests/js/engine.test.mjs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ids.h"

#include <string.h>

static void accepted(void **state)
{
    char max[IDS_MAX + 1];
    (void)state;
    memset(max, 'a', IDS_MAX);
    max[IDS_MAX] = '\0';
    assert_true(ids_valid("m-loue.01:x_y"));
    assert_true(ids_valid("dev~phone"));
    assert_true(ids_valid("0192f0a1-b2c3-7def-8000-0123456789ab"));
    assert_true(ids_valid("A"));
    assert_true(ids_valid(max));
}

static void refused(void **state)
{
    char over[IDS_MAX + 2];
    static const char *bad[] = {"",    "a b",  "a/b", "a%20", "é",   "a\"b",
                                "a'b", "a\nb", "a?b", "a#b",  "a+b", "x'; DROP TABLE member; --"};
    (void)state;
    memset(over, 'a', IDS_MAX + 1);
    over[IDS_MAX + 1] = '\0';
    assert_false(ids_valid(NULL));
    assert_false(ids_valid(over));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (ids_valid(bad[i]))
            fail_msg("accepted %s", bad[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(accepted), cmocka_unit_test(refused)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
