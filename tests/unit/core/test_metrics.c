/* test_metrics.c - counters, histogram and the Prometheus text (metrics.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "metrics.h"

#include <stdio.h>
#include <string.h>

/* The value of the sample line starting with prefix (name and labels). */
static double sample(const char *text, const char *prefix)
{
    const char *p = text;
    size_t n = strlen(prefix);
    double v = -1;

    while (p != NULL && *p != '\0') {
        if (strncmp(p, prefix, n) == 0 && p[n] == ' ') {
            assert_int_equal(sscanf(p + n + 1, "%lf", &v), 1);
            return v;
        }
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    fail_msg("no sample '%s' in:\n%s", prefix, text);
    return v;
}

static void counts_and_renders(void **state)
{
    struct config cfg;
    struct app app;
    char buf[8192];
    size_t len = 0;

    (void)state;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof(cfg.data_dir), "%s", "/");
    memset(&app, 0, sizeof(app));
    app.cfg = &cfg;
    snprintf(app.db_path, sizeof(app.db_path), "%s", "/nonexistent/ecoplateau.db");
    app.started_ms = clock_now_ms() - 1500;

    metrics_request(200, 400);      /* 0.4 ms */
    metrics_request(201, 3000);     /* 3 ms */
    metrics_request(404, 20000);    /* 20 ms */
    metrics_request(503, 20000000); /* 20 s: only +Inf */
    metrics_request(0, -5);         /* nonsense status: 5xx, 0 s */
    metrics_add(METRICS_SYNC_PUSH, 2);
    metrics_add(METRICS_COUNTER_COUNT, 7); /* out of range: ignored */

    assert_int_equal(metrics_render(&app, buf, sizeof(buf), &len), EP_OK);
    assert_int_equal(strlen(buf), len);
    assert_true(sample(buf, "ecoplateau_http_requests_total{code=\"2xx\"}") == 2);
    assert_true(sample(buf, "ecoplateau_http_requests_total{code=\"4xx\"}") == 1);
    assert_true(sample(buf, "ecoplateau_http_requests_total{code=\"5xx\"}") == 2);
    /* Buckets are cumulative and end with the count. */
    assert_true(sample(buf, "ecoplateau_http_request_duration_seconds_bucket{le=\"0.001\"}") == 2);
    assert_true(sample(buf, "ecoplateau_http_request_duration_seconds_bucket{le=\"0.005\"}") == 3);
    assert_true(sample(buf, "ecoplateau_http_request_duration_seconds_bucket{le=\"0.025\"}") == 4);
    assert_true(sample(buf, "ecoplateau_http_request_duration_seconds_bucket{le=\"10\"}") == 4);
    assert_true(sample(buf, "ecoplateau_http_request_duration_seconds_bucket{le=\"+Inf\"}") == 5);
    assert_true(sample(buf, "ecoplateau_http_request_duration_seconds_count") == 5);
    assert_true(sample(buf, "ecoplateau_http_request_duration_seconds_sum") > 20.0);
    assert_true(sample(buf, "ecoplateau_sync_push_requests_total") == 2);
    assert_true(sample(buf, "ecoplateau_uptime_seconds") >= 1.5);
    assert_true(sample(buf, "ecoplateau_database_size_bytes{file=\"db\"}") == 0);
    assert_true(sample(buf, "ecoplateau_data_dir_free_bytes") >= 0);
    assert_non_null(strstr(buf, "ecoplateau_build_info{version=\""));
    assert_non_null(strstr(buf, "# TYPE ecoplateau_http_request_duration_seconds histogram\n"));

    /* A buffer too small is refused, never a truncated exposition. */
    assert_int_equal(metrics_render(&app, buf, 100, &len), EP_ETOOBIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_and_renders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
