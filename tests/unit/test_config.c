/* test_config.c - defaults < environment < flags, and every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

static void defaults(void **state)
{
    struct config c;
    (void)state;
    config_defaults(&c);
    assert_int_equal(c.port, 8080);
    assert_string_equal(c.bind, "127.0.0.1");
    assert_string_equal(c.data_dir, "./data");
    assert_int_equal(c.demo, 0);
}

static void env_then_flags(void **state)
{
    struct config c;
    char err[256];
    char *argv[] = {"serve", "--port", "9001", "--demo", "--log-level", "debug", NULL};
    (void)state;

    config_defaults(&c);
    setenv("EP_PORT", "7000", 1);
    setenv("EP_DATA_DIR", "/var/lib/ep", 1);
    setenv("EP_THREADS", "16", 1);
    assert_int_equal(config_from_env(&c, err, sizeof(err)), EP_OK);
    assert_int_equal(c.port, 7000);
    assert_int_equal(c.threads, 16);
    assert_string_equal(c.data_dir, "/var/lib/ep");
    assert_int_equal(config_from_args(&c, 6, argv, err, sizeof(err)), EP_OK);
    assert_int_equal(c.port, 9001); /* the flag wins over the variable */
    assert_int_equal(c.demo, 1);
    assert_int_equal(c.log_level, LOG_LEVEL_DEBUG);
    unsetenv("EP_PORT");
    unsetenv("EP_DATA_DIR");
    unsetenv("EP_THREADS");
}

static void refusals(void **state)
{
    struct config c;
    char err[256];
    char *bad_port[] = {"serve", "--port", "70000", NULL};
    char *bad_num[] = {"serve", "--threads", "8x", NULL};
    char *unknown[] = {"serve", "--frobnicate", NULL};
    char *extra[] = {"serve", "stray", NULL};
    char *level[] = {"serve", "--log-level", "loud", NULL};
    (void)state;

    config_defaults(&c);
    assert_int_equal(config_from_args(&c, 3, bad_port, err, sizeof(err)), EP_EINVAL);
    assert_non_null(strstr(err, "--port"));
    assert_int_equal(config_from_args(&c, 3, bad_num, err, sizeof(err)), EP_EINVAL);
    assert_non_null(strstr(err, "'8x'"));
    assert_int_equal(config_from_args(&c, 2, unknown, err, sizeof(err)), EP_EINVAL);
    assert_non_null(strstr(err, "--frobnicate"));
    assert_int_equal(config_from_args(&c, 2, extra, err, sizeof(err)), EP_EINVAL);
    assert_int_equal(config_from_args(&c, 3, level, err, sizeof(err)), EP_EINVAL);
    setenv("EP_PORT", "-1", 1);
    assert_int_equal(config_from_env(&c, err, sizeof(err)), EP_EINVAL);
    assert_non_null(strstr(err, "EP_PORT"));
    unsetenv("EP_PORT");
    assert_int_equal(c.port, 8080); /* refusals changed nothing */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(env_then_flags),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
