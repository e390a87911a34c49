#define _DEFAULT_SOURCE /* mount() */
/*
 * test_diskfull.c - a full disk: the server refuses writes with a clear
 * error (503 storage_full, nothing applied), keeps serving reads, and takes
 * the same batch again once space returns; nothing acknowledged is lost.
 *
 * Needs a small filesystem: a 12 MiB tmpfs mounted for the test (root in a
 * sandbox that allows mount, as CI is). Elsewhere the test is skipped and
 * says why.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db.h"
#include "err.h"
#include "support.h"
#include "sync.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static char mnt[256], data[300], base[64];
static int mounted;

static char *batch(struct support_phone *ph, int b, int n)
{
    json_t *ops = json_array(), *body;
    char *text;
    for (int i = 0; i < n; i++) {
        char id[64], hlc[SYNC_HLC_LEN + 1], note[1200];
        ph->hlc = sync_hlc_tick(ph->hlc, INT64_C(1790000000000) + b * 1000 + i);
        sync_hlc_format(ph->hlc, hlc);
        snprintf(id, sizeof(id), "full-%d-%d", b, i);
        /* A long note makes each op big, so the disk fills quickly. */
        memset(note, 'x', sizeof(note) - 1);
        note[sizeof(note) - 1] = '\0';
        json_array_append_new(
            ops, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:i, s:s, s:s, s:s, s:s}}", "op",
                           id, "col", "readings", "id", id, "kind", "add", "hlc", hlc, "dev",
                           ph->id, "fields", "indicator", "van_km", "value", i, "unit", "km",
                           "dept", "regie", "at", "2026-09-21", "note", note));
    }
    body = json_pack("{s:i, s:s, s:o}", "schema", 1, "device", ph->id, "ops", ops);
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return text;
}

static long free_bytes(void)
{
    struct statvfs v;
    assert_int_equal(statvfs(mnt, &v), 0);
    return (long)(v.f_bavail * v.f_frsize);
}

static void full_disk_refuses_writes_keeps_reads_recovers(void **state)
{
    const char *bin = getenv("EP_BIN");
    struct support_phone ph;
    struct support_resp r;
    char filler[400], cmd[1024];
    pid_t pid;
    int b, refused = -1;
    long acked = 0;
    FILE *f;
    (void)state;

    if (!mounted)
        skip();
    snprintf(cmd, sizeof(cmd), "%s migrate --data-dir %s --log-level error", bin, data);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof(cmd), "%s/ecoplateau.db", data);
    support_seed_people(cmd, "[{\"id\":\"m-f\",\"name\":\"F\",\"department\":\"regie\","
                             "\"role\":\"crew\",\"device\":\"dev-full\"}]");
    support_phone_init(&ph, "dev-full");
    pid = support_spawn_server(bin, data, base, sizeof(base));
    /* Leave about 1.5 MiB free: the server started (it wants 8 MiB at start),
     * now the disk fills under it. */
    snprintf(filler, sizeof(filler), "%s/filler", mnt);
    f = fopen(filler, "wb");
    assert_non_null(f);
    {
        static char block[65536];
        while (free_bytes() > 1536 * 1024 && fwrite(block, 1, sizeof(block), f) == sizeof(block))
            fflush(f);
    }
    fclose(f);
    for (b = 0; b < 200; b++) {
        char *body = batch(&ph, b, 40);
        assert_int_equal(
            support_phone_try(&ph, base, "POST", "/api/v1/sync/push", NULL, body, -1, &r),
            CURLE_OK);
        free(body);
        if (r.status == 200) {
            acked += 40;
            support_resp_free(&r);
            continue;
        }
        support_assert_error(&r, 503, "storage_full");
        support_resp_free(&r);
        refused = b;
        break;
    }
    assert_true(refused > 0); /* some batches went in, then the disk was full */
    /* Reads go on while the disk is full. */
    support_phone_request(&ph, base, "GET", "/api/v1/sync/pull", "schema=1&limit=5", NULL, -1, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    {
        char url[128];
        snprintf(url, sizeof(url), "%s/api/v1/health", base);
        support_http("GET", url, NULL, NULL, 0, &r);
        assert_int_equal(r.status, 200);
        support_resp_free(&r);
    }
    /* Space returns: the very same batch is taken, whole. */
    assert_int_equal(unlink(filler), 0);
    {
        char *body;
        ph.hlc = 0; /* rebuild the same ops, same ids, same clocks */
        for (int i = 0; i <= refused; i++) {
            body = batch(&ph, i, 40);
            if (i == refused) {
                support_phone_request(&ph, base, "POST", "/api/v1/sync/push", NULL, body, -1, &r);
                assert_int_equal(r.status, 200);
                assert_null(strstr(r.body, "rejected"));
                support_resp_free(&r);
                acked += 40;
            }
            free(body);
        }
    }
    assert_int_equal(WIFSIGNALED(support_stop_server(pid, SIGTERM)), 0);
    {
        struct db *db = NULL;
        char path[400];
        struct ep_error err = {0};
        sqlite3_stmt *st = NULL;
        snprintf(path, sizeof(path), "%s/ecoplateau.db", data);
        assert_int_equal(db_open(path, &db, &err), EP_OK);
        assert_int_equal(db_integrity_check(db, &err), EP_OK);
        sqlite3_prepare_v2(db_handle(db), "SELECT count(*) FROM sync_op", -1, &st, NULL);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(st, 0), acked);
        sqlite3_finalize(st);
        db_close(db);
    }
}

static int setup(void **state)
{
    (void)state;
    support_tmpdir(mnt);
    mounted = mount("tmpfs", mnt, "tmpfs", 0, "size=12m") == 0;
    if (!mounted)
        printf("test_diskfull: cannot mount a small tmpfs here (needs root): skipped\n");
    snprintf(data, sizeof(data), "%s/data", mnt);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (mounted)
        umount(mnt);
    support_rmtree(mnt);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_disk_refuses_writes_keeps_reads_recovers),
    };
    int rc;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
