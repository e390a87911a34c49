/*
 * fuzz_diag.c - libFuzzer target for the C1/C2 API bodies: whatever JSON an
 * office sends as a company questionnaire or a project framing (and its
 * "overrides" of the priority matrix), diag_company and diag_project must
 * either compute a result or refuse it naming the field and the reason,
 * without crashing or leaking. A year-to-year comparison of any two results
 * must work too.
 *
 * Run long: build/fuzz/tests/fuzz_diag -max_total_time=3600 tests/fuzz/corpus/diag
 */
#include "db.h"
#include "diag.h"
#include "err.h"
#include "jsonin.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;
static json_t *previous; /* the last company result, for the comparison */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int rc, const json_t *out, const char *err)
{
    if (rc == EP_OK && out == NULL)
        abort(); /* success always carries a result */
    if (rc == EP_EINVAL && (out != NULL || err[0] == '\0'))
        abort(); /* a refusal computes nothing and explains itself */
    if (rc != EP_OK && rc != EP_EINVAL)
        abort(); /* an in-memory database has no storage errors to report */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ep_error err;
    json_error_t jerr;
    json_t *in, *out = NULL, *cmp = NULL;
    int rc;

    if (db == NULL) {
        struct ep_error e = {0};
        if (db_open(":memory:", &db, &e) != EP_OK || db_migrate(db, NULL, NULL, &e) != EP_OK) {
            fprintf(stderr, "fuzz_diag: %s\n", e.message);
            abort();
        }
    }
    in = jsonin_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (in == NULL)
        return 0; /* malformed JSON is http_read_json's refusal, not ours */
    ep_error_clear(&err);
    rc = diag_company(in, &out, &err);
    check(rc, out, err.message);
    if (out != NULL) {
        if (previous != NULL) {
            if (diag_company_compare(previous, out, &cmp) != EP_OK || cmp == NULL)
                abort();
            json_decref(cmp);
            json_decref(previous);
        }
        previous = out;
        out = NULL;
    }
    ep_error_clear(&err);
    rc = diag_project(db, in, &out, &err);
    check(rc, out, err.message);
    json_decref(out);
    json_decref(in);
    return 0;
}
