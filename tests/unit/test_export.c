/*
 * test_export.c - the footprint workbook opened back, cell by cell, by an
 * independent reader (openpyxl, tests/cli/check_xlsx.py): sheets, labels,
 * quantities, totals and the factors' sources.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "carbon.h"
#include "db.h"
#include "err.h"
#include "export.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void workbook_round_trip(void **state)
{
    char dir[256], path[512], cmd[1200];
    struct db *db;
    json_t *cmp = NULL;
    char *xlsx = NULL;
    size_t len = 0;
    FILE *f;
    (void)state;

    support_tmpdir(dir);
    db = support_db(dir, "x.db");
    support_reference_production(db);
    assert_int_equal(carbon_compare(db, "p1", &cmp), EP_OK);
    assert_int_equal(export_footprint_xlsx(cmp, "Film de référence", dir, &xlsx, &len), EP_OK);
    assert_true(len > 1000);
    assert_memory_equal(xlsx, "PK", 2); /* a zip container */
    snprintf(path, sizeof(path), "%s/out.xlsx", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(xlsx, 1, len, f), len);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/cli/check_xlsx.py %s", EP_SOURCE_DIR,
             path);
    assert_int_equal(system(cmd), 0);
    free(xlsx);
    json_decref(cmp);
    db_close(db);
    support_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(workbook_round_trip)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
