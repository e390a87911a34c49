/*
 * fuzz_csv.c - libFuzzer target for the directory's CSV import: any bytes an
 * office uploads as a "French Excel" file.
 *
 * Three properties:
 *   - csv_read either reads rows (starting lines never going back) or
 *     refuses with a line and a reason;
 *   - what it read, written back with csv_cell / csv_end_row, reads back to
 *     the same cells (so an export re-imports unchanged);
 *   - directory_import_csv is all or nothing: a refusal lists bad rows and
 *     leaves the directory exactly as it was; a success says how many
 *     entries it imported.
 *
 * Run long: build/fuzz/tests/fuzz_csv -max_total_time=3600 tests/fuzz/corpus/csv
 */
#include "csv.h"
#include "db.h"
#include "directory.h"
#include "err.h"
#include "strbuf.h"
#include "sync.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *db;

struct rows {
    size_t last_line;
    json_t *cells; /* array of arrays of strings */
};

static int keep_row(void *ctx, size_t line, char *const *cells, size_t n)
{
    struct rows *r = ctx;
    json_t *row = json_array();

    if (line < r->last_line || line == 0 || n == 0 || n > CSV_MAX_CELLS)
        abort();
    r->last_line = line;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(row, json_string(cells[i]));
    json_array_append_new(r->cells, row);
    return 0;
}

static long long count_directory(void)
{
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT count(*), total(length(state)) FROM sync_record "
                           "WHERE production_id = 'co:co'",
                           -1, &st, NULL) != SQLITE_OK)
        abort();
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0) * 1000000 + sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    return n;
}

static void open_db(void)
{
    struct ep_error err = {0};
    if (sodium_init() < 0 || db_open(":memory:", &db, &err) != EP_OK ||
        db_migrate(db, NULL, NULL, &err) != EP_OK ||
        sqlite3_exec(db_handle(db),
                     "INSERT INTO company (id, name, created_at) VALUES ('co','Co',0);"
                     "INSERT INTO production (id, company_id, title, kind, created_at) "
                     "VALUES ('p1','co','F','fiction',0)",
                     NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "fuzz_csv: cannot prepare the database: %s\n", err.message);
        abort();
    }
}

/* Writes rows back as CSV and reads them again: the same cells. */
static void round_trip(const json_t *rows)
{
    struct strbuf b;
    struct rows again = {0, json_array()};
    size_t i, k, kept = 0, eline = 0;
    json_t *row, *cell, *expect = json_array();
    struct ep_error err;
    int rc = EP_OK;

    strbuf_init(&b, (size_t)64 * 1024 * 1024);
    json_array_foreach(rows, i, row)
    {
        /* One empty cell is a blank line, which readers skip. */
        if (json_array_size(row) == 1 && json_string_length(json_array_get(row, 0)) == 0)
            continue;
        json_array_foreach(row, k, cell) if (rc == EP_OK) rc =
            csv_cell(&b, json_string_value(cell));
        if (rc == EP_OK)
            rc = csv_end_row(&b);
        json_array_append(expect, row);
        kept++;
    }
    if (rc == EP_OK &&
        csv_read(b.p != NULL ? b.p : "", b.len, keep_row, &again, &eline, &err) != EP_OK)
        abort(); /* our own output must read */
    if (rc == EP_OK && !json_equal(expect, again.cells) && getenv("FUZZ_CSV_DEBUG") != NULL) {
        char *x = json_dumps(expect, 0), *y = json_dumps(again.cells, 0);
        fprintf(stderr, "wrote %s\nread  %s\n", x, y);
        free(x);
        free(y);
    }
    if (rc == EP_OK && !json_equal(expect, again.cells))
        abort(); /* and give back exactly what was written */
    (void)kept;
    strbuf_release(&b);
    json_decref(expect);
    json_decref(again.cells);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rows r = {0, json_array()};
    struct sync_actor actor = {"p1", "dev-office", "m-o", NULL, SYNC_ROLE_ADMIN, "co:co"};
    struct sync_opts opts = {.now_ms = INT64_C(1790000000000)};
    json_t *report = NULL;
    size_t eline = 0;
    struct ep_error err;
    long long before;
    int rc;

    if (db == NULL)
        open_db();
    rc = csv_read((const char *)data, size, keep_row, &r, &eline, &err);
    if (rc == EP_EINVAL && (eline == 0 || err.message[0] == '\0'))
        abort(); /* a refusal names its line and says why */
    if (rc != EP_OK && rc != EP_EINVAL)
        abort();
    if (rc == EP_OK)
        round_trip(r.cells);
    json_decref(r.cells);

    before = count_directory();
    rc = directory_import_csv(db, &opts, &actor, (const char *)data, size, &report);
    if (rc == EP_OK) {
        if (!json_is_integer(json_object_get(report, "imported")))
            abort();
    } else if (rc == EP_EINVAL) {
        if (json_array_size(json_object_get(report, "errors")) == 0 || count_directory() != before)
            abort(); /* refused: says which rows, and wrote nothing */
    } else {
        abort(); /* an in-memory database has no storage errors to give */
    }
    json_decref(report);
    return 0;
}
