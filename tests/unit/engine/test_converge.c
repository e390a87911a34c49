/*
 * test_converge.c - seeded convergence simulation of the sync protocol.
 *
 * 2 to 8 phones, each with its own SQLite replica, edit shared tasks and add
 * readings (with corrections and voids) while going offline at random, with
 * clocks skewed up to days behind, pushing in batches whose acks are
 * sometimes lost (so they retry), and pulling pages that are sometimes lost
 * (so they re-pull). Phones pull without their own ops (each applied them
 * when it made them, docs/sync-protocol.md §5 "own"), and a phone may lose
 * its replica (a reinstall restored from backup: same device id, empty
 * replica, empty cursor) and must get its own ops back. After the network heals, every replica must
 * hold exactly the server's state, every op ever made must be on the server, and every value ever
 * written must still be stored (winner, conflict, or knowingly superseded). The seed is printed on
 * failure; EP_SIM_SEEDS and EP_SIM_STEPS run longer campaigns.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEV 8
#define RECORDS 5

struct device {
    char id[16];
    struct db *db;
    uint64_t hlc;
    int64_t skew_ms; /* this phone's clock error */
    json_t *outbox;  /* ops not yet acknowledged */
    json_t *facts;   /* ids of facts it knows it made, to correct */
    char cursor[128];
    int offline;   /* steps left offline */
    int restores;  /* times its replica was lost and started over */
    int holds_own; /* caught up since its replica started: it has its own ops */
};

struct sim {
    uint64_t rng;
    unsigned seed;
    int64_t now_ms;
    int ndev;
    struct device dev[MAX_DEV];
    struct db *server;
    char dir[256];
    long ops_made, versions_made, facts_made;
    long acks_lost, pages_lost, duplicates, restores;
};

static uint64_t rnd(struct sim *s)
{
    /* xorshift64*: small, seedable, good enough to shuffle a network. */
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    return s->rng * UINT64_C(2685821657736338717);
}

static int pick(struct sim *s, int n)
{
    return (int)(rnd(s) % (uint64_t)n);
}

#define SIM_FAIL(s, ...)                                                                           \
    do {                                                                                           \
        print_error("simulation seed %u failed (rerun with EP_SIM_SEED=%u): ", (s)->seed,          \
                    (s)->seed);                                                                    \
        fail_msg(__VA_ARGS__);                                                                     \
    } while (0)

static void next_hlc(struct sim *s, struct device *d, char *out)
{
    d->hlc = sync_hlc_tick(d->hlc, s->now_ms + d->skew_ms);
    sync_hlc_format(d->hlc, out);
}

/* Applies op locally (the phone sees its own edit at once) and queues it. */
static void make_op(struct sim *s, struct device *d, json_t *op)
{
    json_t *one = json_pack("[O]", op);
    if (sync_apply_remote(d->db, "p1", one) != EP_OK)
        SIM_FAIL(s, "local apply failed");
    json_decref(one);
    json_array_append_new(d->outbox, op);
    s->ops_made++;
}

static void edit(struct sim *s, struct device *d)
{
    static const char *const fields[] = {"title", "note", "done"};
    char rid[16], opid[48], hlc[SYNC_HLC_LEN + 1];
    json_t *f = json_object(), *base = json_object();
    int nf = 1 + pick(s, 2);

    snprintf(rid, sizeof(rid), "t%d", pick(s, RECORDS));
    for (int i = 0; i < nf; i++) {
        const char *field = fields[pick(s, 3)];
        json_t *leaves = NULL;
        if (json_object_get(f, field) != NULL)
            continue;
        if (strcmp(field, "done") == 0)
            json_object_set_new(f, field, json_boolean(pick(s, 2)));
        else
            json_object_set_new(f, field, json_sprintf("%s-%s-%d", field, d->id, pick(s, 1000)));
        /* Most edits are made looking at the screen (base = what the phone
         * shows); some are blind, as a stale screen would be. */
        if (pick(s, 10) < 8) {
            assert_int_equal(sync_field_leaves(d->db, "tasks", rid, field, &leaves), EP_OK);
            json_object_set_new(base, field, leaves);
        }
        s->versions_made++;
    }
    snprintf(opid, sizeof(opid), "%s-op%ld", d->id, s->ops_made);
    next_hlc(s, d, hlc);
    make_op(s, d,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "op", opid, "col", "tasks", "id",
                      rid, "kind", "put", "hlc", hlc, "dev", d->id, "fields", f, "base", base));
}

static void add_fact(struct sim *s, struct device *d)
{
    char rid[48], opid[48], hlc[SYNC_HLC_LEN + 1];
    json_t *f;
    size_t known = json_array_size(d->facts);

    snprintf(rid, sizeof(rid), "%s-f%ld", d->id, s->ops_made);
    snprintf(opid, sizeof(opid), "%s-op%ld", d->id, s->ops_made);
    next_hlc(s, d, hlc);
    if (known > 0 && pick(s, 4) == 0) {
        const char *target =
            json_string_value(json_array_get(d->facts, (size_t)pick(s, (int)known)));
        if (pick(s, 3) == 0)
            f = json_pack("{s:b, s:s}", "void", 1, "supersedes", target);
        else
            f = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "indicator", "van_km", "value",
                          pick(s, 500), "unit", "km", "dept", "regie", "at", "2026-09-21",
                          "supersedes", target);
    } else {
        f = json_pack("{s:s, s:i, s:s, s:s, s:s}", "indicator", "van_km", "value", pick(s, 500),
                      "unit", "km", "dept", "regie", "at", "2026-09-21");
    }
    json_array_append_new(d->facts, json_string(rid));
    s->facts_made++;
    make_op(s, d,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "op", opid, "col", "readings", "id",
                      rid, "kind", "add", "hlc", hlc, "dev", d->id, "fields", f));
}

static void do_push(struct sim *s, struct device *d, int lossless)
{
    /* As the push route does: stored as pushed by this phone. */
    struct sync_opts opts = {.now_ms = s->now_ms, .authorize = NULL, .origin = d->id};
    struct sync_actor a = {"p1", d->id, "m", "regie", SYNC_ROLE_CREW, NULL};
    size_t n = json_array_size(d->outbox);
    size_t batch = n < 50 ? n : 50;
    json_t *ops = json_array(), *body, *acks = NULL;

    if (n == 0) {
        json_decref(ops);
        return;
    }
    for (size_t i = 0; i < batch; i++)
        json_array_append(ops, json_array_get(d->outbox, i));
    body = json_pack("{s:i, s:s, s:O}", "schema", 1, "device", d->id, "ops", ops);
    if (sync_push(s->server, &opts, &a, body, &acks, NULL) != EP_OK)
        SIM_FAIL(s, "push failed");
    json_decref(body);
    if (!lossless && pick(s, 5) == 0) {
        s->acks_lost++; /* the server committed, the phone never heard */
        json_decref(acks);
        json_decref(ops);
        return;
    }
    for (size_t i = 0; i < batch; i++) {
        const char *st = json_string_value(json_object_get(json_array_get(acks, i), "status"));
        if (strcmp(st, "duplicate") == 0)
            s->duplicates++;
        else if (strcmp(st, "applied") != 0)
            SIM_FAIL(s, "op %zu of %s was %s: %s", i, d->id, st,
                     json_string_value(json_object_get(json_array_get(acks, i), "reason")));
    }
    /* Acknowledged: only now may the outbox forget them. */
    json_array_clear(ops);
    for (size_t i = batch; i < n; i++)
        json_array_append(ops, json_array_get(d->outbox, i));
    json_decref(d->outbox);
    d->outbox = ops;
    json_decref(acks);
}

static void do_pull(struct sim *s, struct device *d, int lossless)
{
    for (int pages = 0; pages < 1000; pages++) {
        char *text = NULL;
        struct ep_error err;
        size_t len = 0;
        json_error_t jerr;
        json_t *page;
        struct sync_actor a = {"p1", d->id, "m", "regie", SYNC_ROLE_CREW, NULL};
        uint64_t h = 0;
        int more;

        /* Once caught up, the phone holds its own ops (make_op applied the
         * later ones): the server leaves them out. A restored replica must
         * first get the older ones back, on every page of its catch-up. */
        struct sync_opts po = {.hide_own = d->holds_own, .origin = d->id};

        if (sync_pull(s->server, &po, &a, d->cursor, 1 + pick(s, 20), &text, &len, NULL, &err) !=
            EP_OK)
            SIM_FAIL(s, "pull failed: %s", err.message);
        page = json_loadb(text, len, 0, &jerr);
        free(text);
        assert_non_null(page);
        if (!lossless && pick(s, 10) == 0) {
            s->pages_lost++;
            json_decref(page);
            return;
        }
        if (sync_apply_remote(d->db, "p1", json_object_get(page, "ops")) != EP_OK)
            SIM_FAIL(s, "apply of a pulled page failed");
        snprintf(d->cursor, sizeof(d->cursor), "%s",
                 json_string_value(json_object_get(page, "cursor")));
        assert_int_equal(sync_hlc_parse(json_string_value(json_object_get(page, "hlc")), &h),
                         EP_OK);
        if (h > d->hlc)
            d->hlc = h; /* HLC receive rule */
        more = json_is_true(json_object_get(page, "more"));
        json_decref(page);
        if (!more) {
            d->holds_own = 1;
            return;
        }
    }
    SIM_FAIL(s, "pull never ended");
}

/*
 * The phone is reinstalled from a backup that had its keys but not its
 * replica: same device id, empty database, empty cursor. Only with nothing
 * left to push, so no op is lost; the catch-up must bring back its own ops.
 */
static void restore(struct sim *s, struct device *d)
{
    char name[48];

    db_close(d->db);
    d->restores++;
    s->restores++;
    snprintf(name, sizeof(name), "%s.r%d.db", d->id, d->restores);
    d->db = support_db(s->dir, name);
    d->cursor[0] = '\0';
    d->holds_own = 0;
}

static long count(struct db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long n = -1;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void run_seed(unsigned seed, int steps)
{
    struct sim s;
    json_t *want = NULL;
    char *want_text;

    memset(&s, 0, sizeof(s));
    s.seed = seed;
    s.rng = UINT64_C(0x9E3779B97F4A7C15) ^ seed;
    s.now_ms = INT64_C(1790000000000);
    s.ndev = 2 + pick(&s, MAX_DEV - 1);
    support_tmpdir(s.dir);
    s.server = support_db(s.dir, "server.db");
    for (int i = 0; i < s.ndev; i++) {
        struct device *d = &s.dev[i];
        char name[32];
        snprintf(d->id, sizeof(d->id), "dev-%d", i);
        snprintf(name, sizeof(name), "%s.db", d->id);
        d->db = support_db(s.dir, name);
        d->outbox = json_array();
        d->facts = json_array();
        /* Up to three days behind, or a little ahead (within the drift bound). */
        d->skew_ms = (int64_t)pick(&s, 3 * 86400) * -1000 + pick(&s, 300000);
    }
    for (int step = 0; step < steps; step++) {
        struct device *d = &s.dev[pick(&s, s.ndev)];
        int r = pick(&s, 100);
        s.now_ms += 1 + pick(&s, 2000);
        if (d->offline > 0)
            d->offline--;
        if (r < 35)
            edit(&s, d);
        else if (r < 60)
            add_fact(&s, d);
        else if (r < 75) {
            if (d->offline == 0)
                do_push(&s, d, 0);
        } else if (r < 92) {
            if (d->offline == 0)
                do_pull(&s, d, 0);
        } else if (r < 98 || json_array_size(d->outbox) > 0) {
            d->offline = pick(&s, 40); /* into a forest, out of signal */
        } else {
            restore(&s, d);
        }
    }
    /* The network heals: everyone delivers everything, then catches up. */
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < s.ndev; i++) {
            while (json_array_size(s.dev[i].outbox) > 0)
                do_push(&s, &s.dev[i], 1);
        }
        for (int i = 0; i < s.ndev; i++)
            do_pull(&s, &s.dev[i], 1);
    }
    /* Nothing lost: every op, every fact, every field version is stored. */
    if (count(s.server, "SELECT count(*) FROM sync_op") != s.ops_made)
        SIM_FAIL(&s, "server holds %ld ops, %ld were made",
                 count(s.server, "SELECT count(*) FROM sync_op"), s.ops_made);
    if (count(s.server, "SELECT count(*) FROM sync_fact") != s.facts_made)
        SIM_FAIL(&s, "facts lost");
    if (count(s.server, "SELECT count(*) FROM sync_version") != s.versions_made)
        SIM_FAIL(&s, "server holds %ld field versions, %ld were written",
                 count(s.server, "SELECT count(*) FROM sync_version"), s.versions_made);
    /* Every value a person typed is the field's value, an open conflict, or
     * was superseded by someone who saw it: leaves are never orphaned. */
    if (count(s.server, "SELECT count(*) FROM sync_version v WHERE v.leaf = 0 AND NOT EXISTS "
                        "(SELECT 1 FROM sync_base b WHERE b.col = v.col AND b.rid = v.rid AND "
                        "b.field = v.field AND b.seen = v.op_id)") != 0)
        SIM_FAIL(&s, "a version is marked superseded without anyone superseding it");
    /* The open-conflict count kept on each record (the dashboard's badge)
     * is the number of conflicts the office sees listed, on every replica. */
    for (int i = -1; i < s.ndev; i++) {
        struct db *r = i < 0 ? s.server : s.dev[i].db;
        json_t *list = NULL;
        assert_int_equal(sync_conflicts(r, "p1", &list), EP_OK);
        if (count(r, "SELECT total(conflicts) FROM sync_record") != (long)json_array_size(list))
            SIM_FAIL(&s, "%s counts %ld open conflicts on its records but lists %zu",
                     i < 0 ? "server" : s.dev[i].id,
                     count(r, "SELECT total(conflicts) FROM sync_record"), json_array_size(list));
        json_decref(list);
    }
    /* Converged: every replica equals the server. */
    assert_int_equal(sync_state(s.server, "p1", &want), EP_OK);
    want_text = support_canon(want);
    for (int i = 0; i < s.ndev; i++) {
        json_t *got = NULL;
        char *got_text;
        assert_int_equal(sync_state(s.dev[i].db, "p1", &got), EP_OK);
        got_text = support_canon(got);
        if (strcmp(got_text, want_text) != 0)
            SIM_FAIL(&s, "%s diverged from the server:\n%.600s\nvs\n%.600s", s.dev[i].id, got_text,
                     want_text);
        free(got_text);
        json_decref(got);
    }
    free(want_text);
    json_decref(want);
    if (getenv("EP_SIM_VERBOSE") != NULL)
        printf("seed %u: %d phones, %ld ops, %ld acks lost, %ld pages lost, %ld duplicates, "
               "%ld restores, %ld open conflicts\n",
               seed, s.ndev, s.ops_made, s.acks_lost, s.pages_lost, s.duplicates, s.restores,
               count(s.server, "SELECT total(conflicts) FROM sync_record"));
    for (int i = 0; i < s.ndev; i++) {
        db_close(s.dev[i].db);
        json_decref(s.dev[i].outbox);
        json_decref(s.dev[i].facts);
    }
    db_close(s.server);
    support_rmtree(s.dir);
}

static void replicas_converge(void **state)
{
    const char *one = getenv("EP_SIM_SEED");
    const char *nseeds = getenv("EP_SIM_SEEDS");
    const char *nsteps = getenv("EP_SIM_STEPS");
    int seeds = nseeds != NULL ? atoi(nseeds) : 12;
    int steps = nsteps != NULL ? atoi(nsteps) : 400;
    (void)state;

    if (one != NULL) {
        run_seed((unsigned)strtoul(one, NULL, 10), steps);
        return;
    }
    for (int i = 1; i <= seeds; i++)
        run_seed((unsigned)i, steps);
    printf("convergence: %d seeds x %d steps, all replicas equal to the server\n", seeds, steps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(replicas_converge)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
