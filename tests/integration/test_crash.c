/*
 * test_crash.c - kill -9 during concurrent pushes, many times: after each
 * restart, every acknowledged op is in the database, PRAGMA integrity_check
 * says ok, and the phones' retries converge to exactly one copy of each op.
 *
 * The real binary (EP_BIN) runs as a child process on 127.0.0.1; four
 * signed phones push batches of readings from threads. EP_CRASH_CYCLES
 * (default 6) kills, EP_CRASH_SEED picks the kill moments; the seed is
 * printed so a failure can be replayed.
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
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PHONES 4
#define BATCHES 40 /* per phone */
#define BATCH 20   /* readings per push */

struct phone_run {
    struct support_phone ph;
    char *batches[BATCHES]; /* push bodies, fixed: retries resend the same ops */
    int next;               /* first batch not yet acknowledged */
    long acked;             /* ops acknowledged (applied or duplicate) */
    pthread_t thread;
};

static char dir[256], base[64];
static const char *bin;
static struct phone_run runs[PHONES];
static atomic_int stop;
static pid_t server = -1;
static pthread_mutex_t acked_lock = PTHREAD_MUTEX_INITIALIZER;

static void make_batches(struct phone_run *pr, int idx)
{
    char dev[32];
    snprintf(dev, sizeof(dev), "dev-crash-%d", idx);
    support_phone_init(&pr->ph, dev);
    for (int b = 0; b < BATCHES; b++) {
        json_t *ops = json_array();
        char *text;
        for (int i = 0; i < BATCH; i++) {
            char id[64], hlc[SYNC_HLC_LEN + 1];
            pr->ph.hlc = sync_hlc_tick(pr->ph.hlc, INT64_C(1790000000000) + b * 1000 + i);
            sync_hlc_format(pr->ph.hlc, hlc);
            snprintf(id, sizeof(id), "%s-%d-%d", dev, b, i);
            json_array_append_new(
                ops, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:i, s:s, s:s, s:s}}", "op",
                               id, "col", "readings", "id", id, "kind", "add", "hlc", hlc, "dev",
                               dev, "fields", "indicator", "van_km", "value", b + i, "unit", "km",
                               "dept", "regie", "at", "2026-09-21"));
        }
        {
            json_t *body = json_pack("{s:i, s:s, s:o}", "schema", 1, "device", dev, "ops", ops);
            text = json_dumps(body, JSON_COMPACT);
            json_decref(body);
        }
        pr->batches[b] = text;
    }
}

static void *phone_loop(void *arg)
{
    struct phone_run *pr = arg;
    while (!atomic_load(&stop) && pr->next < BATCHES) {
        struct support_resp r;
        int rc = support_phone_try(&pr->ph, base, "POST", "/api/v1/sync/push", NULL,
                                   pr->batches[pr->next], -1, &r);
        json_error_t err;
        json_t *j = rc == CURLE_OK && r.status == 200 ? json_loadb(r.body, r.len, 0, &err) : NULL;
        json_t *res = json_object_get(j, "results");
        if (json_array_size(res) == BATCH) {
            size_t i;
            json_t *a;
            json_array_foreach(res, i, a)
            {
                const char *s = json_string_value(json_object_get(a, "status"));
                if (s == NULL || (strcmp(s, "applied") != 0 && strcmp(s, "duplicate") != 0)) {
                    fprintf(stderr, "unexpected ack: %.300s\n", r.body);
                    abort();
                }
            }
            /* Acknowledged: from here on the server must never lose it. */
            pthread_mutex_lock(&acked_lock);
            pr->acked += BATCH;
            pr->next++;
            pthread_mutex_unlock(&acked_lock);
        } else {
            /* Down, restarting, or killed mid-answer (a cut body is no
             * acknowledgement): retry the same batch. */
            support_sleep_us(20000);
        }
        json_decref(j);
        support_resp_free(&r);
    }
    return NULL;
}

static void start_server(void)
{
    char data[300];
    snprintf(data, sizeof(data), "%s/data", dir);
    server = support_spawn_server(bin, data, base, sizeof(base));
}

static void kill_server(int sig)
{
    support_stop_server(server, sig);
    server = -1;
}

static long query_long(struct db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long n = -1;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* After a crash: the file is sound and every acknowledged op is in it. */
static void check_after_crash(unsigned seed, int cycle)
{
    char path[300];
    struct ep_error err = {0};
    struct db *db = NULL;
    long acked = 0, present;

    snprintf(path, sizeof(path), "%s/data/ecoplateau.db", dir);
    assert_int_equal(db_open(path, &db, &err), EP_OK);
    if (db_integrity_check(db, &err) != EP_OK)
        fail_msg("seed %u cycle %d: %s", seed, cycle, err.message);
    for (int p = 0; p < PHONES; p++) {
        for (int b = 0; b < runs[p].next; b++) {
            char sql[200];
            snprintf(sql, sizeof(sql),
                     "SELECT count(*) FROM sync_op WHERE op_id LIKE 'dev-crash-%d-%d-%%'", p, b);
            present = query_long(db, sql);
            if (present != BATCH)
                fail_msg("seed %u cycle %d: phone %d batch %d was acknowledged but %ld of %d "
                         "ops survived",
                         seed, cycle, p, b, present, BATCH);
            acked += BATCH;
        }
    }
    present = query_long(db, "SELECT count(*) FROM sync_op");
    assert_true(present >= acked); /* unacknowledged commits may survive too */
    db_close(db);
}

static void run_phones(void)
{
    atomic_store(&stop, 0);
    for (int p = 0; p < PHONES; p++)
        assert_int_equal(pthread_create(&runs[p].thread, NULL, phone_loop, &runs[p]), 0);
}

static void join_phones(void)
{
    atomic_store(&stop, 1);
    for (int p = 0; p < PHONES; p++)
        pthread_join(runs[p].thread, NULL);
}

static void kill9_during_pushes(void **state)
{
    const char *s = getenv("EP_CRASH_SEED"), *c = getenv("EP_CRASH_CYCLES");
    unsigned seed = s != NULL ? (unsigned)strtoul(s, NULL, 10) : (unsigned)time(NULL);
    int cycles = c != NULL ? atoi(c) : 6;
    char path[300];
    struct ep_error err = {0};
    struct db *db = NULL;
    long total;
    (void)state;

    printf("crash test: seed %u, %d cycles (replay with EP_CRASH_SEED=%u)\n", seed, cycles, seed);
    srand(seed);
    for (int cycle = 0; cycle < cycles; cycle++) {
        start_server();
        run_phones();
        support_sleep_us(50000 + rand() % 400000);
        kill_server(SIGKILL); /* mid-write, mid-response, anywhere */
        join_phones();
        check_after_crash(seed, cycle);
    }
    /* The network comes back for good: every phone delivers everything. */
    start_server();
    run_phones();
    for (int i = 0; i < 3000; i++) {
        int done = 1;
        pthread_mutex_lock(&acked_lock);
        for (int p = 0; p < PHONES; p++)
            done &= runs[p].next == BATCHES;
        pthread_mutex_unlock(&acked_lock);
        if (done)
            break;
        support_sleep_us(20000);
    }
    join_phones();
    kill_server(SIGTERM);
    check_after_crash(seed, cycles);
    snprintf(path, sizeof(path), "%s/data/ecoplateau.db", dir);
    assert_int_equal(db_open(path, &db, &err), EP_OK);
    total = query_long(db, "SELECT count(*) FROM sync_op");
    if (total != (long)PHONES * BATCHES * BATCH)
        fail_msg("seed %u: %ld ops stored, %d made", seed, total, PHONES * BATCHES * BATCH);
    assert_int_equal(query_long(db, "SELECT count(DISTINCT op_id) FROM sync_op"), total);
    assert_int_equal(query_long(db, "SELECT count(*) FROM sync_fact"), total);
    db_close(db);
}

static int setup(void **state)
{
    char cmd[1024], people[2048] = "[";
    (void)state;

    bin = getenv("EP_BIN");
    assert_non_null(bin);
    support_tmpdir(dir);
    snprintf(cmd, sizeof(cmd), "%s migrate --data-dir %s/data --log-level error", bin, dir);
    assert_int_equal(system(cmd), 0);
    for (int p = 0; p < PHONES; p++) {
        size_t n = strlen(people);
        snprintf(people + n, sizeof(people) - n,
                 "%s{\"id\":\"m-crash-%d\",\"name\":\"P%d\",\"department\":\"regie\",\"role\":"
                 "\"crew\",\"device\":\"dev-crash-%d\"}",
                 p ? "," : "", p, p, p);
    }
    strcat(people, "]");
    snprintf(cmd, sizeof(cmd), "%s/data/ecoplateau.db", dir);
    support_seed_people(cmd, people);
    for (int p = 0; p < PHONES; p++)
        make_batches(&runs[p], p);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (server > 0)
        kill_server(SIGKILL);
    for (int p = 0; p < PHONES; p++) {
        for (int b = 0; b < BATCHES; b++)
            free(runs[p].batches[b]);
    }
    support_rmtree(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(kill9_during_pushes)};
    int rc;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
