/*
 * test_vectors.c - the shared test vectors (tests/vectors/NAME.json, format in
 * docs/sync-protocol.md section 9) through the C engine: every order of the
 * ops, each op delivered twice, through the replica path (sync_apply_remote)
 * and through the server's push path. The PWA's engine runs the same files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "canon.h"
#include "db.h"
#include "err.h"
#include "support.h"
#include "sync.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPS 8

static char dir[256];
static struct db *db;

static void reset(void)
{
    /* Faster than a new file per order, and exercises the same schema. */
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "DELETE FROM sync_op; DELETE FROM sync_version;"
                                  "DELETE FROM sync_base; DELETE FROM sync_record;"
                                  "DELETE FROM sync_fact; DELETE FROM sync_quarantine;"
                                  "UPDATE meta SET value = '000000000000-0000' WHERE key = 'hlc';",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
}

static void check_state(const char *name, const json_t *expect, const char *how, const int *order,
                        size_t n)
{
    json_t *state = NULL;
    char *got, *want;

    assert_int_equal(sync_state(db, "p1", &state), EP_OK);
    got = support_canon(state);
    want = support_canon(expect);
    if (strcmp(got, want) != 0) {
        char ord[64] = "";
        for (size_t i = 0; i < n; i++)
            snprintf(ord + strlen(ord), sizeof(ord) - strlen(ord), "%d ", order[i]);
        fail_msg("vector %s (%s, order %s):\n got  %s\n want %s", name, how, ord, got, want);
    }
    free(got);
    free(want);
    json_decref(state);
}

static void apply_order(json_t *ops, const int *order, size_t n)
{
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < n; i++) {
            json_t *one = json_pack("[O]", json_array_get(ops, (size_t)order[i]));
            assert_int_equal(sync_apply_remote(db, "p1", one), EP_OK);
            json_decref(one);
        }
    }
}

/* Whether the fact op supersedes (if any) is among the first k of order. */
static int target_pushed(json_t *ops, const int *order, size_t k, const json_t *op)
{
    const char *target =
        json_string_value(json_object_get(json_object_get(op, "fields"), "supersedes"));
    if (target == NULL)
        return 1;
    for (size_t i = 0; i < k; i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(ops, (size_t)order[i]), "id")),
                   target) == 0)
            return 1;
    return 0;
}

/*
 * Moves each correction or void after the fact it supersedes, keeping the
 * order otherwise: the server refuses a push that supersedes a fact it does
 * not hold (docs/security.md), and a phone pushes its own ops in order. Replicas
 * still take every order (apply_order).
 */
static void causal(json_t *ops, int *order, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j < n && !target_pushed(ops, order, i, json_array_get(ops, (size_t)order[j])))
            j++;
        assert_true(j < n); /* a vector's target is one of its ops */
        int t = order[j];
        memmove(order + i + 1, order + i, (j - i) * sizeof(int));
        order[i] = t;
    }
}

/* Pushes ops in order, as each op's own device, through sync_push. */
static void push_order(json_t *ops, int *order, size_t n)
{
    struct sync_opts opts = {.now_ms = INT64_C(1790000000000), .authorize = NULL};
    causal(ops, order, n);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < n; i++) {
            json_t *op = json_array_get(ops, (size_t)order[i]);
            const char *dev = json_string_value(json_object_get(op, "dev"));
            struct sync_actor a = {"p1", dev, "m", NULL, SYNC_ROLE_ADMIN, NULL};
            json_t *body = json_pack("{s:i, s:s, s:[O]}", "schema", 1, "device", dev, "ops", op);
            json_t *acks = NULL;
            const char *status;
            assert_int_equal(sync_push(db, &opts, &a, body, &acks, NULL), EP_OK);
            status = json_string_value(json_object_get(json_array_get(acks, 0), "status"));
            if (strcmp(status, round == 0 ? "applied" : "duplicate") != 0)
                fail_msg("push of %s: %s (%s)", json_string_value(json_object_get(op, "op")),
                         status,
                         json_string_value(json_object_get(json_array_get(acks, 0), "reason")));
            json_decref(acks);
            json_decref(body);
        }
    }
}

/* Next permutation in lexicographic order; 0 when order was the last. */
static int next_perm(int *a, size_t n)
{
    size_t i, j;
    if (n < 2)
        return 0;
    i = n - 1;
    while (i > 0 && a[i - 1] >= a[i])
        i--;
    if (i == 0)
        return 0;
    j = n - 1;
    while (a[j] <= a[i - 1])
        j--;
    int t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
    for (size_t l = i, r = n - 1; l < r; l++, r--) {
        t = a[l];
        a[l] = a[r];
        a[r] = t;
    }
    return 1;
}

/* "texts": [[json, canonical], ...]: each JSON text, parsed, has exactly
 * that canonical text (docs/sync-protocol.md §2.5). */
static void check_texts(const char *name, const json_t *texts)
{
    size_t i;
    json_t *pair;

    json_array_foreach(texts, i, pair)
    {
        const char *src = json_string_value(json_array_get(pair, 0));
        const char *want = json_string_value(json_array_get(pair, 1));
        json_error_t err;
        json_t *v;
        char *got;

        assert_non_null(src);
        assert_non_null(want);
        v = json_loads(src, JSON_DECODE_ANY, &err);
        if (v == NULL)
            fail_msg("vector %s: text %s: %s", name, src, err.text);
        got = canon_dumps(v);
        assert_non_null(got);
        if (strcmp(got, want) != 0)
            fail_msg("vector %s: canonical text of %s:\n got  %s\n want %s", name, src, got, want);
        free(got);
        json_decref(v);
    }
}

static int run_vector(const char *path)
{
    json_error_t err;
    json_t *v = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    const char *name = NULL;
    json_t *ops, *expect;
    int order[MAX_OPS];
    size_t n;
    int orders = 0;

    if (v == NULL)
        fail_msg("%s: %s", path, err.text);
    if (json_unpack_ex(v, &err, 0, "{s:s, s:o, s:o}", "name", &name, "ops", &ops, "expect",
                       &expect) != 0)
        fail_msg("%s: %s", path, err.text);
    check_texts(name, json_object_get(v, "texts"));
    n = json_array_size(ops);
    assert_true(n > 0 && n <= MAX_OPS);
    for (size_t i = 0; i < n; i++)
        order[i] = (int)i;
    do {
        reset();
        apply_order(ops, order, n);
        check_state(name, expect, "replica", order, n);
        orders++;
    } while (next_perm(order, n));
    /* The server path, in the listed order and reversed. */
    for (size_t i = 0; i < n; i++)
        order[i] = (int)i;
    reset();
    push_order(ops, order, n);
    check_state(name, expect, "push", order, n);
    for (size_t i = 0; i < n; i++)
        order[i] = (int)(n - 1 - i);
    reset();
    push_order(ops, order, n);
    check_state(name, expect, "push reversed", order, n);
    json_decref(v);
    return orders;
}

static void all_vectors(void **state)
{
    char vdir[512];
    DIR *d;
    struct dirent *e;
    int files = 0, orders = 0;
    (void)state;

    snprintf(vdir, sizeof(vdir), "%s/tests/vectors", EP_SOURCE_DIR);
    d = opendir(vdir);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", vdir, e->d_name);
        orders += run_vector(path);
        files++;
    }
    closedir(d);
    printf("vectors: %d files, %d orders, all converge to the expected state\n", files, orders);
    assert_true(files >= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(all_vectors)};
    int rc;
    support_tmpdir(dir);
    db = support_db(dir, "v.db");
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    db_close(db);
    support_rmtree(dir);
    return rc;
}
