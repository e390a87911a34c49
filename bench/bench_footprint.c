/*
 * bench_footprint.c - the footprint over N readings (default 1,000,000) on a
 * real SQLite file: how long carbon_footprint() takes, and the same sum done
 * with a plain GROUP BY over a flat table holding only the numbers (the peer:
 * the least work SQLite can do for this answer).
 *
 *   bench_footprint [N] [DIR]
 *
 * Readings are inserted straight into the engine's tables (as the merge would
 * leave them) because this measures the footprint, not the push path.
 */
#include "carbon.h"
#include "db.h"
#include "err.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const inds[][3] = {
    {"van_diesel_l", "L", "regie"},
    {"van_km", "km", "regie"},
    {"generator_l", "L", "image"},
    {"grid_kwh", "kWh", "image"},
    {"meals_vegetarian", "meal", "catering"},
    {"meals_beef", "meal", "catering"},
    {"hotel_nights", "night", "production"},
    {"waste_wood_kg", "kg", "decor"},
    {"waste_residual_kg", "kg", "regie"},
    {"storage_tb_year", "TB.yr", "post"},
};

static int fill(struct db *db, long n)
{
    static const char ins[] =
        "INSERT INTO sync_fact (col, rid, production_id, op_id, hlc, dev, fields, supersedes, "
        "void, seq, superseded) VALUES ('readings', ?1, 'p1', ?1, '000000000000-0000', 'd', ?2, "
        "NULL, 0, ?3, ?4)";
    static const char flat[] = "INSERT INTO flat (ind, dept, value) VALUES (?1, ?2, ?3)";
    sqlite3_stmt *st = db_stmt(db, ins), *fl = db_stmt(db, flat);
    char rid[32], fields[256];

    if (st == NULL || fl == NULL)
        return EP_EIO;
    if (db_begin_write(db) != EP_OK)
        return EP_EIO;
    for (long i = 0; i < n; i++) {
        const char *const *x = inds[i % 10];
        double v = (double)(i % 97) + 0.5;
        snprintf(rid, sizeof(rid), "r%ld", i);
        snprintf(fields, sizeof(fields),
                 "{\"at\":\"2026-09-%02ld\",\"dept\":\"%s\",\"indicator\":\"%s\",\"unit\":\"%s\","
                 "\"value\":%.1f}",
                 1 + i % 28, x[2], x[0], x[1], v);
        sqlite3_bind_text(st, 1, rid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, fields, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, i + 1);
        sqlite3_bind_int(st, 4, i % 50 == 0); /* 2 % corrected */
        if (sqlite3_step(st) != SQLITE_DONE)
            return EP_EIO;
        db_done(st);
        sqlite3_bind_text(fl, 1, x[0], -1, SQLITE_STATIC);
        sqlite3_bind_text(fl, 2, x[2], -1, SQLITE_STATIC);
        sqlite3_bind_double(fl, 3, i % 50 == 0 ? 0 : v);
        if (sqlite3_step(fl) != SQLITE_DONE)
            return EP_EIO;
        db_done(fl);
    }
    return db_commit(db);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    const char *dir = argc > 2 ? argv[2] : "/tmp";
    char path[512];
    struct ep_error err = {0};
    struct db *db = NULL;
    json_t *fp = NULL;
    double t0, best = 1e9, best_flat = 1e9, total = 0;

    if (sodium_init() < 0)
        return 1;
    snprintf(path, sizeof(path), "%s/bench-footprint-%ld.db", dir, n);
    remove(path);
    if (db_open(path, &db, &err) != EP_OK || db_migrate(db, NULL, NULL, &err) != EP_OK ||
        sqlite3_exec(db_handle(db),
                     "INSERT INTO company (id, name, created_at) VALUES ('co','Co',0);"
                     "INSERT INTO production (id, company_id, title, kind, created_at) VALUES "
                     "('p1','co','Bench','fiction',0);"
                     "CREATE TABLE flat (ind TEXT, dept TEXT, value REAL);",
                     NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_footprint: %s\n",
                err.message[0] ? err.message : sqlite3_errmsg(db_handle(db)));
        return 1;
    }
    t0 = now_s();
    if (fill(db, n) != EP_OK) {
        fprintf(stderr, "bench_footprint: fill failed: %s\n", db_errmsg(db));
        return 1;
    }
    printf("filled %ld readings in %.2f s\n", n, now_s() - t0);
    for (int run = 0; run < 5; run++) {
        double t = now_s(), dt;
        if (carbon_footprint(db, "p1", CARBON_FINAL, 0, &fp) != EP_OK) {
            fprintf(stderr, "bench_footprint: footprint failed\n");
            return 1;
        }
        dt = now_s() - t;
        if (dt < best)
            best = dt;
        total = json_number_value(json_object_get(fp, "total_kg"));
        json_decref(fp);
    }
    for (int run = 0; run < 5; run++) {
        sqlite3_stmt *st = NULL;
        double t = now_s(), dt;
        sqlite3_prepare_v2(db_handle(db),
                           "SELECT ind, dept, total(value), count(*) FROM flat GROUP BY ind, dept",
                           -1, &st, NULL);
        while (sqlite3_step(st) == SQLITE_ROW)
            ;
        sqlite3_finalize(st);
        dt = now_s() - t;
        if (dt < best_flat)
            best_flat = dt;
    }
    printf("footprint over %ld readings: best of 5 %.3f s (total %.1f kgCO2e)\n", n, best, total);
    printf("flat GROUP BY (peer, numbers only): best of 5 %.3f s; ratio %.2fx\n", best_flat,
           best / best_flat);
    db_close(db);
    if (getenv("EP_BENCH_KEEP") == NULL)
        remove(path);
    return 0;
}
