/*
 * test_seed.c - the demo production (backend/demo/seed.c) tells the same story
 * whatever the day it is loaded: loaded on each of seven consecutive days,
 * the dashboard shows catering's missed readings (the demo's "catering has
 * not reported for three days"), and its two photos are stored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "attach.h"
#include "db.h"
#include "err.h"
#include "plan.h"
#include "seed.h"
#include "support.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define PRODUCTION "p-loue-2026"

static int missed_catering(json_t *dys)
{
    size_t i;
    json_t *d;
    int n = 0;

    json_array_foreach(json_object_get(dys, "dysfunctions"), i, d)
    {
        const char *kind = json_string_value(json_object_get(d, "kind"));
        const char *dept = json_string_value(json_object_get(d, "dept"));
        if (kind != NULL && dept != NULL && strcmp(kind, "missed_readings") == 0 &&
            strcmp(dept, "catering") == 0)
            n++;
    }
    return n;
}

static void catering_silence_shows_every_day_of_the_week(void **state)
{
    int64_t now = (int64_t)time(NULL) * 1000;

    (void)state;
    for (int k = 0; k < 7; k++) {
        char dir[256], path[300], err[256] = "", today[11];
        int64_t at = now - (int64_t)k * 86400000;
        time_t t = (time_t)(at / 1000);
        struct tm tm;
        struct db *db;
        json_t *dys = NULL, *photos = NULL;

        gmtime_r(&t, &tm);
        strftime(today, sizeof(today), "%Y-%m-%d", &tm);
        support_tmpdir(dir);
        snprintf(path, sizeof(path), "%s/demo.db", dir);
        assert_int_equal(db_open(path, &db, err, sizeof(err)), EP_OK);
        assert_int_equal(db_migrate(db, NULL, NULL, err, sizeof(err)), EP_OK); /* empty */
        if (seed_demo_at(db, at, err, sizeof(err)) != EP_OK)
            fail_msg("demo not loaded on %s: %s", today, err);
        assert_int_equal(plan_dysfunctions(db, PRODUCTION, today, &dys), EP_OK);
        if (missed_catering(dys) == 0)
            fail_msg("demo loaded on %s (weekday %d): no missed catering readings", today,
                     tm.tm_wday);
        assert_int_equal(attach_list(db, PRODUCTION, NULL, NULL, &photos), EP_OK);
        assert_int_equal(json_array_size(photos), 2);
        for (size_t i = 0; i < 2; i++)
            assert_string_equal(
                json_string_value(json_object_get(json_array_get(photos, i), "status")),
                "complete");
        json_decref(photos);
        json_decref(dys);
        db_close(db);
        support_rmtree(dir);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catering_silence_shows_every_day_of_the_week),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
