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
    struct ep_error err = {0};
    char *argv[] = {"serve", "--port", "9001", "--demo", "--log-level", "debug", NULL};
    (void)state;

    config_defaults(&c);
    setenv("EP_PORT", "7000", 1);
    setenv("EP_DATA_DIR", "/var/lib/ep", 1);
    setenv("EP_THREADS", "16", 1);
    assert_int_equal(config_from_env(&c, &err), EP_OK);
    assert_int_equal(c.port, 7000);
    assert_int_equal(c.threads, 16);
    assert_string_equal(c.data_dir, "/var/lib/ep");
    assert_int_equal(config_from_args(&c, 6, argv, &err), EP_OK);
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
    struct ep_error err = {0};
    char *bad_port[] = {"serve", "--port", "70000", NULL};
    char *bad_num[] = {"serve", "--threads", "8x", NULL};
    char *unknown[] = {"serve", "--frobnicate", NULL};
    char *extra[] = {"serve", "stray", NULL};
    char *level[] = {"serve", "--log-level", "loud", NULL};
    (void)state;

    config_defaults(&c);
    assert_int_equal(config_from_args(&c, 3, bad_port, &err), EP_EINVAL);
    assert_non_null(strstr(err.message, "--port"));
    assert_int_equal(config_from_args(&c, 3, bad_num, &err), EP_EINVAL);
    assert_non_null(strstr(err.message, "'8x'"));
    assert_int_equal(config_from_args(&c, 2, unknown, &err), EP_EINVAL);
    assert_non_null(strstr(err.message, "--frobnicate"));
    assert_int_equal(config_from_args(&c, 2, extra, &err), EP_EINVAL);
    assert_int_equal(config_from_args(&c, 3, level, &err), EP_EINVAL);
    setenv("EP_PORT", "-1", 1);
    assert_int_equal(config_from_env(&c, &err), EP_EINVAL);
    assert_non_null(strstr(err.message, "EP_PORT"));
    unsetenv("EP_PORT");
    assert_int_equal(c.port, 8080); /* refusals changed nothing */
}

static void smtp_from_env(void **state)
{
    struct config c;
    char longpw[200];
    struct ep_error err = {0};
    (void)state;

    config_defaults(&c);
    assert_string_equal(c.smtp_url, ""); /* no SMTP: emails wait in the outbox */
    assert_int_equal(c.smtp_max_bytes, 10 * 1024 * 1024);
    setenv("EP_SMTP_URL", "smtp://mail.example:587", 1);
    setenv("EP_SMTP_FROM", "eco@prod.example", 1);
    setenv("EP_SMTP_MAX_BYTES", "65536", 1);
    setenv("EP_SMTP_RETRY_MS", "5000", 1);
    setenv("EP_SMTP_POLL_MS", "0", 1);
    assert_int_equal(config_from_env(&c, &err), EP_OK);
    assert_string_equal(c.smtp_url, "smtp://mail.example:587");
    assert_string_equal(c.smtp_from, "eco@prod.example");
    assert_int_equal(c.smtp_max_bytes, 65536);
    assert_int_equal(c.smtp_retry_ms, 5000);
    assert_int_equal(c.smtp_poll_ms, 0);
    setenv("EP_SMTP_MAX_BYTES", "12", 1);
    assert_int_equal(config_from_env(&c, &err), EP_EINVAL);
    assert_non_null(strstr(err.message, "EP_SMTP_MAX_BYTES"));
    unsetenv("EP_SMTP_MAX_BYTES");
    /* A password too long is refused without being written in the error. */
    memset(longpw, 'p', sizeof(longpw) - 1);
    longpw[sizeof(longpw) - 1] = '\0';
    setenv("EP_SMTP_PASSWORD", longpw, 1);
    assert_int_equal(config_from_env(&c, &err), EP_ETOOBIG);
    assert_non_null(strstr(err.message, "EP_SMTP_PASSWORD"));
    assert_null(strstr(err.message, "pppp"));
    unsetenv("EP_SMTP_PASSWORD");
    unsetenv("EP_SMTP_URL");
    unsetenv("EP_SMTP_FROM");
    unsetenv("EP_SMTP_RETRY_MS");
    unsetenv("EP_SMTP_POLL_MS");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(env_then_flags),
        cmocka_unit_test(refusals),
        cmocka_unit_test(smtp_from_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
