/*
 * test_sync.c - the sync engine on real SQLite files: clocks, push acks,
 * per-field merge and conflicts, facts and corrections, quarantine, id
 * collisions, authorization hook, decoder refusals, pull paging and cursors.
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

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW_MS INT64_C(1790000000000) /* 2026-09-21, a shooting day */

struct fx {
    char dir[256];
    struct db *db;
};

static int setup(void **state)
{
    static struct fx f;
    support_tmpdir(f.dir);
    f.db = support_db(f.dir, "s.db");
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    db_close(f->db);
    support_rmtree(f->dir);
    return 0;
}

static const struct sync_actor crew_a = {"p1", "dev-a", "m-a", "regie", SYNC_ROLE_CREW, NULL};
static const struct sync_actor crew_b = {"p1", "dev-b", "m-b", "regie", SYNC_ROLE_CREW, NULL};
static const struct sync_actor other_prod = {"p2", "dev-z", "m-z", "regie", SYNC_ROLE_ADMIN, NULL};
static const struct sync_actor office = {"p1", "office-1", "m-o", NULL, SYNC_ROLE_ECO_REFERENT,
                                         NULL};

static json_t *mkop(const char *id, const char *col, const char *rid, const char *kind, int64_t ms,
                    const char *dev, const char *fields, const char *base)
{
    char hlc[SYNC_HLC_LEN + 1];
    json_error_t err;
    json_t *f = json_loads(fields, 0, &err);
    json_t *op;

    assert_non_null(f);
    sync_hlc_format(sync_hlc_tick(0, ms), hlc);
    op = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "op", id, "col", col, "id", rid, "kind",
                   kind, "hlc", hlc, "dev", dev, "fields", f);
    if (base != NULL)
        json_object_set_new(op, "base", json_loads(base, 0, &err));
    return op;
}

/* Pushes ops (stolen) as actor from replica origin (NULL: ops the server
 * makes); returns the acks array (caller decrefs). */
static json_t *push_from(struct db *db, const struct sync_actor *actor, const char *origin,
                         json_t *ops)
{
    struct sync_opts opts = {.now_ms = NOW_MS, .authorize = NULL, .origin = origin};
    json_t *body = json_pack("{s:i, s:s, s:o}", "schema", SYNC_PROTOCOL, "device", actor->device_id,
                             "ops", ops);
    json_t *acks = NULL;
    char hlc[SYNC_HLC_LEN + 1];
    size_t n = json_array_size(ops);

    assert_int_equal(sync_push(db, &opts, actor, body, &acks, hlc), EP_OK);
    json_decref(body);
    assert_int_equal(json_array_size(acks), n);
    return acks;
}

/* Pushes ops (stolen) as actor through the push route would: from the
 * replica named by its device id. */
static json_t *push(struct db *db, const struct sync_actor *actor, json_t *ops)
{
    return push_from(db, actor, actor->device_id, ops);
}

static const char *ack_status(json_t *acks, size_t i)
{
    return json_string_value(json_object_get(json_array_get(acks, i), "status"));
}

static const char *ack_code(json_t *acks, size_t i)
{
    return json_string_value(json_object_get(json_array_get(acks, i), "code"));
}

static json_t *state_of(struct db *db, const char *prod)
{
    json_t *s = NULL;
    assert_int_equal(sync_state(db, prod, &s), EP_OK);
    return s;
}

static json_t *record(json_t *state, const char *key)
{
    return json_object_get(json_object_get(state, "records"), key);
}

/* ---- clocks ------------------------------------------------------------ */

static void hlc_round_trip_and_order(void **state)
{
    char a[SYNC_HLC_LEN + 1], b[SYNC_HLC_LEN + 1];
    uint64_t x = 0, y = 0, t;
    (void)state;

    t = sync_hlc_tick(0, NOW_MS);
    sync_hlc_format(t, a);
    assert_int_equal(strlen(a), SYNC_HLC_LEN);
    assert_int_equal(sync_hlc_parse(a, &x), EP_OK);
    assert_true(x == t);
    assert_int_equal(sync_hlc_ms(x), NOW_MS);
    /* Same millisecond: the counter moves; the clock never goes back even
     * when the wall clock does. */
    y = sync_hlc_tick(x, NOW_MS);
    assert_true(y == x + 1);
    y = sync_hlc_tick(y, NOW_MS - 86400000);
    assert_true(y == x + 2);
    sync_hlc_format(y, b);
    assert_true(strcmp(a, b) < 0); /* string order is clock order */
    /* A full counter carries into the milliseconds, still well formed. */
    x = (sync_hlc_tick(0, NOW_MS) | 0xffff);
    y = sync_hlc_tick(x, NOW_MS);
    assert_int_equal(sync_hlc_ms(y), NOW_MS + 1);
    sync_hlc_format(y, b);
    assert_int_equal(sync_hlc_parse(b, &x), EP_OK);
    assert_true(x == y);
    /* Refusals. */
    assert_int_equal(sync_hlc_parse("0192F0A1B2C3-0000", &x), EP_EINVAL);
    assert_int_equal(sync_hlc_parse("0192f0a1b2c3_0000", &x), EP_EINVAL);
    assert_int_equal(sync_hlc_parse("0192f0a1b2c3-000", &x), EP_EINVAL);
    assert_int_equal(sync_hlc_parse("0192f0a1b2c3-00000", &x), EP_EINVAL);
    assert_int_equal(sync_hlc_parse("", &x), EP_EINVAL);
    assert_int_equal(sync_hlc_parse(NULL, &x), EP_EINVAL);
}

/* ---- push -------------------------------------------------------------- */

static void push_is_idempotent(void **state)
{
    struct fx *f = *state;
    json_t *acks, *s;
    json_int_t seq;

    acks = push(f->db, &crew_a,
                json_pack("[o]", mkop("o1", "tasks", "t1", "put", NOW_MS, "dev-a",
                                      "{\"title\":\"Trier les déchets\",\"done\":false}", NULL)));
    assert_string_equal(ack_status(acks, 0), "applied");
    seq = json_integer_value(json_object_get(json_array_get(acks, 0), "seq"));
    assert_true(seq > 0);
    json_decref(acks);
    /* The very same op again (a lost ack, a retry): duplicate, same seq. */
    acks = push(f->db, &crew_a,
                json_pack("[o]", mkop("o1", "tasks", "t1", "put", NOW_MS, "dev-a",
                                      "{\"title\":\"Trier les déchets\",\"done\":false}", NULL)));
    assert_string_equal(ack_status(acks, 0), "duplicate");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(acks, 0), "seq")), seq);
    json_decref(acks);
    /* The same id with other content: refused, nothing changes. */
    acks = push(f->db, &crew_a,
                json_pack("[o]", mkop("o1", "tasks", "t1", "put", NOW_MS, "dev-a",
                                      "{\"title\":\"autre\"}", NULL)));
    assert_string_equal(ack_status(acks, 0), "rejected");
    assert_string_equal(ack_code(acks, 0), "op_id_reused");
    json_decref(acks);
    s = state_of(f->db, "p1");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(record(s, "tasks/t1"), "fields"), "title")),
                        "Trier les déchets");
    json_decref(s);
}

/*
 * An op stored before the shared number rule (docs/sync-protocol.md §2.5)
 * kept the text Jansson wrote then (5.0) and its digest. The same op re-sent
 * is still a duplicate; other content under its id is still refused.
 */
static void ops_stored_before_the_number_rule_keep_their_digest(void **state)
{
    static const char *fields = "{\"baseline\":5.0,\"target\":0.1}";
    struct fx *f = *state;
    json_t *op = mkop("n1", "actions", "ac1", "put", NOW_MS, "dev-a", fields, NULL);
    char *old = json_dumps(op, JSON_COMPACT | JSON_SORT_KEYS);
    unsigned char digest[16];
    sqlite3_stmt *st;
    json_t *acks;

    assert_non_null(strstr(old, "\"baseline\":5.0,\"target\":0.10000000000000001"));
    acks = push(f->db, &crew_a, json_pack("[O]", op));
    assert_string_equal(ack_status(acks, 0), "applied");
    json_decref(acks);
    /* Rewrite the stored op as an older server stored it. */
    crypto_generichash(digest, sizeof(digest), (const unsigned char *)old, strlen(old), NULL, 0);
    assert_int_equal(
        sqlite3_prepare_v2(db_handle(f->db),
                           "UPDATE sync_op SET body = ?1, digest = ?2 WHERE op_id = 'n1'", -1, &st,
                           NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, old, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, digest, sizeof(digest), SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    assert_int_equal(sqlite3_changes(db_handle(f->db)), 1);
    sqlite3_finalize(st);

    acks = push(f->db, &crew_a, json_pack("[O]", op));
    assert_string_equal(ack_status(acks, 0), "duplicate");
    json_decref(acks);
    acks = push(f->db, &crew_a,
                json_pack("[o]", mkop("n1", "actions", "ac1", "put", NOW_MS, "dev-a",
                                      "{\"baseline\":5.0,\"target\":0.2}", NULL)));
    assert_string_equal(ack_status(acks, 0), "rejected");
    assert_string_equal(ack_code(acks, 0), "op_id_reused");
    json_decref(acks);
    free(old);
    json_decref(op);
}

/* 5.0 is the integer 5, for a field typed "integer" too (§2.5). */
static void integral_reals_are_integers(void **state)
{
    struct fx *f = *state;
    json_t *acks = push(
        f->db, &crew_a,
        json_pack("[o,o]",
                  mkop("i1", "profiles", "pf1", "put", NOW_MS, "dev-a", "{\"level\":3.0}", NULL),
                  mkop("i2", "profiles", "pf2", "put", NOW_MS, "dev-a", "{\"level\":2.5}", NULL)));
    assert_string_equal(ack_status(acks, 0), "applied");
    assert_string_equal(ack_status(acks, 1), "rejected");
    assert_string_equal(ack_code(acks, 1), "invalid_field");
    json_decref(acks);
}

static void concurrent_edits_keep_the_loser(void **state)
{
    struct fx *f = *state;
    json_t *acks, *s, *conf, *list = NULL;
    char *canon;

    acks = push(f->db, &crew_a,
                json_pack("[o]", mkop("a1", "tasks", "t1", "put", NOW_MS, "dev-a",
                                      "{\"title\":\"Gobelets\",\"note\":\"x\"}", NULL)));
    json_decref(acks);
    /* Both phones saw a1, then edited the title offline. */
    acks = push(f->db, &crew_a,
                json_pack("[o]", mkop("a2", "tasks", "t1", "put", NOW_MS + 5000, "dev-a",
                                      "{\"title\":\"Gourdes\"}", "{\"title\":[\"a1\"]}")));
    json_decref(acks);
    acks = push(f->db, &crew_b,
                json_pack("[o]", mkop("b1", "tasks", "t1", "put", NOW_MS + 3000, "dev-b",
                                      "{\"title\":\"Carafes\"}", "{\"title\":[\"a1\"]}")));
    assert_string_equal(ack_status(acks, 0), "applied");
    json_decref(acks);
    s = state_of(f->db, "p1");
    canon = support_canon(record(s, "tasks/t1"));
    /* Latest clock wins; the other value is kept as a conflict; the field
     * nobody touched concurrently has none. */
    assert_string_equal(canon, "{\"conflicts\":{\"title\":[\"Carafes\"]},\"deleted\":false,"
                               "\"fields\":{\"note\":\"x\",\"title\":\"Gourdes\"}}");
    free(canon);
    json_decref(s);
    assert_int_equal(sync_conflicts(f->db, "p1", &conf), EP_OK);
    assert_int_equal(json_array_size(conf), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(conf, 0), "dev")),
                        "dev-b");
    json_decref(conf);
    /* A sequential edit (base = what it saw) is not a conflict. */
    assert_int_equal(sync_field_leaves(f->db, "tasks", "t1", "title", &list), EP_OK);
    assert_int_equal(json_array_size(list), 2);
    json_decref(list);
    /* The office resolves: its write supersedes every leaf it can see. */
    {
        struct sync_opts opts = {.now_ms = NOW_MS + 60000, .authorize = NULL};
        json_t *res = NULL;
        json_t *fields = json_pack("{s:s}", "title", "Carafes");
        assert_int_equal(sync_server_put(f->db, &opts, &office, "tasks", "t1", fields, &res),
                         EP_OK);
        assert_string_equal(json_string_value(json_object_get(res, "status")), "applied");
        json_decref(res);
        json_decref(fields);
    }
    assert_int_equal(sync_conflicts(f->db, "p1", &conf), EP_OK);
    assert_int_equal(json_array_size(conf), 0);
    json_decref(conf);
    s = state_of(f->db, "p1");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(record(s, "tasks/t1"), "fields"), "title")),
                        "Carafes");
    json_decref(s);
}

static void deletion_is_a_tombstone_that_syncs(void **state)
{
    struct fx *f = *state;
    json_t *acks, *s;

    acks = push(f->db, &crew_a,
                json_pack("[o,o]",
                          mkop("d1", "actions", "x1", "put", NOW_MS, "dev-a",
                               "{\"title\":\"Groupe électrogène HVO\"}", NULL),
                          mkop("d2", "actions", "x1", "put", NOW_MS + 1, "dev-a",
                               "{\"_deleted\":true}", NULL)));
    assert_string_equal(ack_status(acks, 1), "applied");
    json_decref(acks);
    s = state_of(f->db, "p1");
    assert_true(json_is_true(json_object_get(record(s, "actions/x1"), "deleted")));
    /* The content is still there, to restore. */
    assert_non_null(json_object_get(json_object_get(record(s, "actions/x1"), "fields"), "title"));
    json_decref(s);
}

static void facts_corrections_and_voids(void **state)
{
    struct fx *f = *state;
    json_t *acks, *s, *facts;

    acks =
        push(f->db, &crew_a,
             json_pack("[o,o,o,o]",
                       mkop("r1", "readings", "km1", "add", NOW_MS, "dev-a",
                            "{\"indicator\":\"van_km\",\"value\":212,\"unit\":\"km\",\"dept\":"
                            "\"regie\",\"at\":\"2026-09-21\"}",
                            NULL),
                       mkop("r2", "readings", "km1b", "add", NOW_MS + 1, "dev-a",
                            "{\"indicator\":\"van_km\",\"value\":221,\"unit\":\"km\",\"dept\":"
                            "\"regie\",\"at\":\"2026-09-21\",\"supersedes\":\"km1\"}",
                            NULL),
                       mkop("r3", "readings", "fuel1", "add", NOW_MS + 2, "dev-a",
                            "{\"indicator\":\"generator_l\",\"value\":38,\"unit\":\"L\",\"dept\":"
                            "\"regie\",\"at\":\"2026-09-21\"}",
                            NULL),
                       mkop("r4", "readings", "fuel1v", "add", NOW_MS + 3, "dev-a",
                            "{\"void\":true,\"supersedes\":\"fuel1\"}", NULL)));
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(ack_status(acks, i), "applied");
    json_decref(acks);
    s = state_of(f->db, "p1");
    facts = json_object_get(s, "facts");
    assert_false(json_is_true(json_object_get(json_object_get(facts, "readings/km1"), "current")));
    assert_true(json_is_true(json_object_get(json_object_get(facts, "readings/km1b"), "current")));
    assert_false(
        json_is_true(json_object_get(json_object_get(facts, "readings/fuel1"), "current")));
    assert_false(
        json_is_true(json_object_get(json_object_get(facts, "readings/fuel1v"), "current")));
    json_decref(s);
    /* A fact cannot be overwritten: same id, new op. */
    acks = push(f->db, &crew_a,
                json_pack("[o]", mkop("r5", "readings", "km1", "add", NOW_MS + 4, "dev-a",
                                      "{\"indicator\":\"van_km\",\"value\":1,\"unit\":\"km\","
                                      "\"dept\":\"regie\",\"at\":\"2026-09-21\"}",
                                      NULL)));
    assert_string_equal(ack_code(acks, 0), "id_collision");
    json_decref(acks);
}

static void bad_ops_are_refused_one_by_one(void **state)
{
    struct fx *f = *state;
    json_t *acks, *s;
    json_t *bad_shape = json_pack("{s:s, s:s}", "op", "z1", "col", "tasks");
    json_t *unknown_key =
        mkop("z2", "tasks", "t9", "put", NOW_MS, "dev-a", "{\"title\":\"a\"}", NULL);
    json_object_set_new(unknown_key, "extra", json_true());

    acks = push(
        f->db, &crew_a,
        json_pack("[o,o,o,o,o,o,o,o,o,o]",
                  mkop("g1", "tasks", "ok1", "put", NOW_MS, "dev-a", "{\"title\":\"ok\"}", NULL),
                  bad_shape, unknown_key,
                  mkop("z3", "nosuch", "t9", "put", NOW_MS, "dev-a", "{\"a\":1}", NULL),
                  mkop("z4", "readings", "t9", "put", NOW_MS, "dev-a", "{\"value\":1}", NULL),
                  mkop("z5", "readings", "t9", "add", NOW_MS, "dev-a", "{\"value\":1}", NULL),
                  mkop("z6", "tasks", "t9", "put", NOW_MS, "dev-a", "{\"done\":\"yes\"}", NULL),
                  mkop("z7", "tasks", "bad id!", "put", NOW_MS, "dev-a", "{\"done\":true}", NULL),
                  mkop("z8", "tasks", "t9", "put", NOW_MS, "dev-b", "{\"done\":true}", NULL),
                  mkop("g2", "tasks", "ok2", "put", NOW_MS, "dev-a", "{\"title\":\"ok\"}", NULL)));
    assert_string_equal(ack_status(acks, 0), "applied");
    assert_string_equal(ack_code(acks, 1), "invalid_op");
    assert_string_equal(ack_code(acks, 2), "invalid_op");
    assert_string_equal(ack_code(acks, 3), "unknown_collection");
    assert_string_equal(ack_code(acks, 4), "wrong_kind");
    assert_string_equal(ack_code(acks, 5), "missing_field");
    assert_string_equal(ack_code(acks, 6), "invalid_field");
    assert_string_equal(ack_code(acks, 7), "invalid_op");
    assert_string_equal(ack_code(acks, 8), "wrong_device");
    assert_string_equal(ack_status(acks, 9), "applied");
    assert_non_null(
        strstr(json_string_value(json_object_get(json_array_get(acks, 6), "reason")), "done"));
    json_decref(acks);
    s = state_of(f->db, "p1");
    assert_int_equal(json_object_size(json_object_get(s, "records")), 2); /* ok1, ok2 only */
    json_decref(s);
}

static void clock_far_ahead_is_quarantined_not_lost(void **state)
{
    struct fx *f = *state;
    json_t *acks, *s;
    sqlite3_stmt *st = NULL;
    int64_t three_days = INT64_C(3) * 86400 * 1000;

    acks = push(f->db, &crew_a,
                json_pack("[o]", mkop("q1", "tasks", "t1", "put", NOW_MS + three_days, "dev-a",
                                      "{\"title\":\"du futur\"}", NULL)));
    assert_string_equal(ack_status(acks, 0), "quarantined");
    assert_string_equal(ack_code(acks, 0), "clock_ahead");
    json_decref(acks);
    /* Retrying gives the same answer; nothing reaches the merged state. */
    acks = push(f->db, &crew_a,
                json_pack("[o]", mkop("q1", "tasks", "t1", "put", NOW_MS + three_days, "dev-a",
                                      "{\"title\":\"du futur\"}", NULL)));
    assert_string_equal(ack_status(acks, 0), "quarantined");
    json_decref(acks);
    s = state_of(f->db, "p1");
    assert_null(record(s, "tasks/t1"));
    json_decref(s);
    sqlite3_prepare_v2(db_handle(f->db), "SELECT count(*) FROM sync_quarantine", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    sqlite3_finalize(st);
    /* The server clock did not jump to the bad phone's time. */
    acks = push(f->db, &crew_b,
                json_pack("[o]", mkop("q2", "tasks", "t1", "put", NOW_MS, "dev-b",
                                      "{\"title\":\"maintenant\"}", NULL)));
    assert_string_equal(ack_status(acks, 0), "applied");
    json_decref(acks);
}

static void record_ids_cannot_cross_productions(void **state)
{
    struct fx *f = *state;
    json_t *acks;

    acks = push(f->db, &crew_a,
                json_pack("[o]", mkop("c1", "tasks", "shared", "put", NOW_MS, "dev-a",
                                      "{\"title\":\"p1\"}", NULL)));
    json_decref(acks);
    acks = push(
        f->db, &other_prod,
        json_pack("[o,o]",
                  mkop("c2", "tasks", "shared", "put", NOW_MS + 1, "dev-z",
                       "{\"title\":\"hijack\"}", NULL),
                  mkop("c3", "readings", "f", "add", NOW_MS + 1, "dev-z",
                       "{\"indicator\":\"x\",\"dept\":\"d\",\"at\":\"t\",\"value\":1}", NULL)));
    assert_string_equal(ack_code(acks, 0), "id_collision");
    /* docs/security.md: the answer does not confirm the id is another production's. */
    assert_null(strstr(json_string_value(json_object_get(json_array_get(acks, 0), "reason")),
                       "production"));
    assert_string_equal(ack_status(acks, 1), "applied");
    json_decref(acks);
}

/*
 * docs/security.md: a void or correction resolves only against a fact
 * that exists, in the pusher's production and the same collection. Before,
 * a void of an id not yet pushed was accepted and, when production A later
 * pushed that id, A's reading was born superseded.
 */
static void voids_resolve_only_within_the_production(void **state)
{
    struct fx *f = *state;
    json_t *acks, *s;
    const char *reason;
    char first[256];

    /* p2 voids an id that does not exist yet. */
    acks = push(f->db, &other_prod,
                json_pack("[o]", mkop("v1", "readings", "kill", "add", NOW_MS, "dev-z",
                                      "{\"void\":true,\"supersedes\":\"km9\"}", NULL)));
    assert_string_equal(ack_status(acks, 0), "rejected");
    assert_string_equal(ack_code(acks, 0), "unknown_target");
    reason = json_string_value(json_object_get(json_array_get(acks, 0), "reason"));
    snprintf(first, sizeof(first), "%s", reason);
    json_decref(acks);
    /* p1 then records km9: it is current, not born voided. */
    acks = push(f->db, &crew_a,
                json_pack("[o]", mkop("k9", "readings", "km9", "add", NOW_MS + 1, "dev-a",
                                      "{\"indicator\":\"van_km\",\"value\":90,\"unit\":\"km\","
                                      "\"dept\":\"regie\",\"at\":\"2026-09-21\"}",
                                      NULL)));
    assert_string_equal(ack_status(acks, 0), "applied");
    json_decref(acks);
    /* Now that km9 exists in p1, p2 gets the same answer: no oracle. */
    acks = push(f->db, &other_prod,
                json_pack("[o]", mkop("v2", "readings", "kill2", "add", NOW_MS + 2, "dev-z",
                                      "{\"void\":true,\"supersedes\":\"km9\"}", NULL)));
    assert_string_equal(ack_code(acks, 0), "unknown_target");
    assert_string_equal(json_string_value(json_object_get(json_array_get(acks, 0), "reason")),
                        first);
    json_decref(acks);
    /* Within p1, the same id in another collection is not the target. */
    acks = push(f->db, &crew_a,
                json_pack("[o]", mkop("v3", "attachments", "ph-v", "add", NOW_MS + 3, "dev-a",
                                      "{\"void\":true,\"supersedes\":\"km9\"}", NULL)));
    assert_string_equal(ack_code(acks, 0), "unknown_target");
    json_decref(acks);
    s = state_of(f->db, "p1");
    assert_true(json_is_true(
        json_object_get(json_object_get(json_object_get(s, "facts"), "readings/km9"), "current")));
    json_decref(s);
    /* And p1's own void of it works. */
    acks = push(f->db, &crew_a,
                json_pack("[o]", mkop("v4", "readings", "km9v", "add", NOW_MS + 4, "dev-a",
                                      "{\"void\":true,\"supersedes\":\"km9\"}", NULL)));
    assert_string_equal(ack_status(acks, 0), "applied");
    json_decref(acks);
}

static int deny_done(void *ctx, const struct sync_actor *actor, const struct sync_op *op,
                     int is_fact, const json_t *current, char *buf, size_t len)
{
    (void)ctx;
    (void)is_fact;
    (void)current;
    if (actor->role == SYNC_ROLE_CREW && json_object_get(op->fields, "done") != NULL) {
        snprintf(buf, len, "crew may not tick this task");
        return EP_EFORBIDDEN;
    }
    return EP_OK;
}

static void authorization_hook_refuses(void **state)
{
    struct fx *f = *state;
    struct sync_opts opts = {.now_ms = NOW_MS, .authorize = deny_done};
    json_t *body =
        json_pack("{s:i, s:s, s:[o,o]}", "schema", 1, "device", "dev-a", "ops",
                  mkop("h1", "tasks", "t1", "put", NOW_MS, "dev-a", "{\"done\":true}", NULL),
                  mkop("h2", "tasks", "t2", "put", NOW_MS, "dev-a", "{\"title\":\"ok\"}", NULL));
    json_t *acks = NULL, *s;

    assert_int_equal(sync_push(f->db, &opts, &crew_a, body, &acks, NULL), EP_OK);
    assert_string_equal(ack_code(acks, 0), "forbidden");
    assert_string_equal(json_string_value(json_object_get(json_array_get(acks, 0), "reason")),
                        "crew may not tick this task");
    assert_string_equal(ack_status(acks, 1), "applied");
    s = state_of(f->db, "p1");
    assert_null(record(s, "tasks/t1"));
    json_decref(s);
    json_decref(acks);
    /* A push whose envelope names another device is refused whole. */
    json_object_set_new(body, "device", json_string("dev-b"));
    assert_int_equal(sync_push(f->db, &opts, &crew_a, body, &acks, NULL), EP_EFORBIDDEN);
    json_decref(body);
}

static void decoder_refusals(void **state)
{
    struct ep_error err = {0};
    json_t *out = NULL;
    char *big;
    (void)state;

#define DECODE(text) sync_decode_push(text, strlen(text), &out, &err)
    assert_int_equal(DECODE("{\"schema\":1,\"device\":\"d\",\"ops\":[]}"), EP_OK);
    json_decref(out);
    assert_int_equal(DECODE("{\"schema\":1,"), EP_EINVAL);
    assert_non_null(strstr(err.message, "malformed JSON"));
    assert_int_equal(DECODE("[1,2]"), EP_EINVAL);
    assert_int_equal(DECODE("{\"schema\":2,\"device\":\"d\",\"ops\":[]}"), EP_ESCHEMA);
    assert_string_equal(err.field, "schema");
    assert_int_equal(DECODE("{\"schema\":1,\"device\":\"d\",\"ops\":[],\"x\":1}"), EP_EINVAL);
    assert_non_null(strstr(err.message, "x"));
    assert_int_equal(DECODE("{\"schema\":1,\"device\":\"d\",\"ops\":{}}"), EP_EINVAL);
    assert_string_equal(err.field, "ops");
    assert_int_equal(DECODE("{\"schema\":\"1\",\"device\":\"d\",\"ops\":[]}"), EP_EINVAL);
    assert_int_equal(DECODE("{\"schema\":1,\"device\":\"d d\",\"ops\":[]}"), EP_EINVAL);
    assert_string_equal(err.field, "device");
    assert_int_equal(DECODE("{\"schema\":1,\"schema\":1,\"device\":\"d\",\"ops\":[]}"), EP_EINVAL);
    /* Too many ops, and too many bytes. */
    {
        size_t n = 0;
        big = malloc(SYNC_MAX_PUSH_BYTES + 64);
        n += (size_t)sprintf(big, "{\"schema\":1,\"device\":\"d\",\"ops\":[");
        for (int i = 0; i <= SYNC_MAX_OPS; i++)
            n += (size_t)sprintf(big + n, "%s0", i ? "," : "");
        sprintf(big + n, "]}");
        assert_int_equal(DECODE(big), EP_ETOOBIG);
        memset(big, ' ', SYNC_MAX_PUSH_BYTES + 1);
        big[SYNC_MAX_PUSH_BYTES + 1] = '\0';
        assert_int_equal(DECODE(big), EP_ETOOBIG);
        free(big);
    }
#undef DECODE
}

/* ---- pull -------------------------------------------------------------- */

static json_t *pull(struct db *db, const struct sync_actor *a, const char *cursor, int limit,
                    int expect_rc)
{
    char *text = NULL;
    struct ep_error err = {0};
    size_t len = 0;
    json_error_t jerr;
    json_t *page;

    assert_int_equal(sync_pull(db, NULL, a, cursor, limit, &text, &len, NULL, &err), expect_rc);
    if (expect_rc != EP_OK)
        return NULL;
    page = json_loadb(text, len, 0, &jerr);
    if (page == NULL)
        fail_msg("pull page is not JSON: %s", jerr.text);
    free(text);
    return page;
}

/*
 * Group commit: threads on their own connections push at once through one
 * sync_group. Every push is acknowledged op by op as if it had committed
 * alone: all its readings applied, its bad op rejected alone, and afterwards
 * the database holds exactly the acknowledged ops, each once.
 */
#define GROUP_THREADS 6
#define GROUP_PUSHES 25

struct pusher_arg {
    const char *path;
    pthread_mutex_t *lock;
    struct sync_group *group;
    int t;
    int applied, rejected, failures;
};

static void *group_pusher(void *p)
{
    struct pusher_arg *a = p;
    struct db *db = NULL;
    char dev[16];
    struct ep_error err = {0};
    struct sync_actor actor = {"p1", NULL, "m-a", "regie", SYNC_ROLE_CREW, NULL};
    struct sync_opts opts = {.now_ms = NOW_MS, .group = a->group};

    snprintf(dev, sizeof(dev), "dev-g%d", a->t);
    actor.device_id = dev;
    if (db_open(a->path, &db, &err) != EP_OK) {
        a->failures++;
        return NULL;
    }
    db_set_write_lock(db, a->lock);
    for (int k = 0; k < GROUP_PUSHES; k++) {
        json_t *ops = json_array(), *body, *acks = NULL, *ack;
        char id[64], rid[64], fields[160], hlc[SYNC_HLC_LEN + 1];
        size_t i;
        for (int j = 0; j < 4; j++) {
            snprintf(id, sizeof(id), "g%d-%d-%d", a->t, k, j);
            snprintf(rid, sizeof(rid), "km-g%d-%d-%d", a->t, k, j);
            snprintf(fields, sizeof(fields),
                     "{\"indicator\":\"van_km\",\"value\":%d,\"unit\":\"km\",\"dept\":\"regie\","
                     "\"at\":\"2026-09-21\"}",
                     k * 10 + j);
            sync_hlc_format(sync_hlc_tick(0, NOW_MS + k), hlc);
            json_array_append_new(ops,
                                  json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "op", id, "col",
                                            "readings", "id", rid, "kind", "add", "hlc", hlc, "dev",
                                            dev, "fields", json_loads(fields, 0, NULL)));
        }
        /* One op per push that must be refused without sinking the others. */
        json_array_append_new(ops, json_pack("{s:s, s:s}", "op", "bad", "col", "nowhere"));
        body = json_pack("{s:i, s:s, s:o}", "schema", SYNC_PROTOCOL, "device", dev, "ops", ops);
        if (sync_push(db, &opts, &actor, body, &acks, hlc) != EP_OK)
            a->failures++;
        json_array_foreach(acks, i, ack)
        {
            const char *st = json_string_value(json_object_get(ack, "status"));
            if (strcmp(st, "applied") == 0)
                a->applied++;
            else if (strcmp(st, "rejected") == 0)
                a->rejected++;
        }
        json_decref(acks);
        json_decref(body);
    }
    db_close(db);
    return NULL;
}

static void concurrent_pushes_commit_in_groups(void **state)
{
    struct fx *f = *state;
    struct sync_group *group = NULL;
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_t th[GROUP_THREADS];
    struct pusher_arg args[GROUP_THREADS];
    char path[300];
    sqlite3_stmt *st;

    snprintf(path, sizeof(path), "%s/s.db", f->dir);
    assert_int_equal(sync_group_new(&group), EP_OK);
    for (int t = 0; t < GROUP_THREADS; t++) {
        args[t] = (struct pusher_arg){path, &lock, group, t, 0, 0, 0};
        assert_int_equal(pthread_create(&th[t], NULL, group_pusher, &args[t]), 0);
    }
    for (int t = 0; t < GROUP_THREADS; t++) {
        assert_int_equal(pthread_join(th[t], NULL), 0);
        assert_int_equal(args[t].failures, 0);
        assert_int_equal(args[t].applied, GROUP_PUSHES * 4);
        assert_int_equal(args[t].rejected, GROUP_PUSHES);
    }
    sync_group_free(group);
    assert_int_equal(sqlite3_prepare_v2(db_handle(f->db),
                                        "SELECT count(*), count(DISTINCT op_id) FROM sync_fact "
                                        "WHERE op_id LIKE 'g%'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), GROUP_THREADS * GROUP_PUSHES * 4);
    assert_int_equal(sqlite3_column_int(st, 1), GROUP_THREADS * GROUP_PUSHES * 4);
    sqlite3_finalize(st);
}

static void pull_pages_by_cursor(void **state)
{
    struct fx *f = *state;
    json_t *ops = json_array();
    json_t *page;
    char cursor[128] = "";
    size_t total = 0;
    int pages = 0;

    for (int i = 0; i < 25; i++) {
        char id[16], rid[16];
        snprintf(id, sizeof(id), "p%d", i);
        snprintf(rid, sizeof(rid), "t%d", i);
        json_array_append_new(
            ops, mkop(id, "tasks", rid, "put", NOW_MS + i, "dev-a", "{\"title\":\"x\"}", NULL));
    }
    json_decref(push(f->db, &crew_a, ops));
    json_decref(push(f->db, &other_prod,
                     json_pack("[o]", mkop("zz", "tasks", "zz", "put", NOW_MS, "dev-z",
                                           "{\"title\":\"not yours\"}", NULL))));
    do {
        page = pull(f->db, &crew_b, cursor, 10, EP_OK);
        total += json_array_size(json_object_get(page, "ops"));
        snprintf(cursor, sizeof(cursor), "%s", json_string_value(json_object_get(page, "cursor")));
        assert_int_equal(json_integer_value(json_object_get(page, "schema")), 1);
        assert_int_equal(strlen(json_string_value(json_object_get(page, "hlc"))), SYNC_HLC_LEN);
        pages++;
        if (!json_is_true(json_object_get(page, "more"))) {
            json_decref(page);
            break;
        }
        json_decref(page);
    } while (pages < 10);
    assert_int_equal(total, 25); /* p2's op is not in p1's feed */
    assert_int_equal(pages, 3);
    /* Pulling again from the last cursor: nothing new, same cursor. */
    page = pull(f->db, &crew_b, cursor, 10, EP_OK);
    assert_int_equal(json_array_size(json_object_get(page, "ops")), 0);
    assert_string_equal(json_string_value(json_object_get(page, "cursor")), cursor);
    json_decref(page);
    /* Bad and foreign cursors. */
    pull(f->db, &crew_b, "nonsense", 10, EP_EINVAL);
    pull(f->db, &crew_b, "abc.-4", 10, EP_EINVAL);
    pull(f->db, &crew_b, "0123456789abcdef0123456789abcdef.3", 10, EP_ECONFLICT);
}

/* Pulls with own=0 as replica origin. */
static json_t *pull_own_from(struct db *db, const struct sync_actor *a, const char *origin,
                             const char *cursor, int limit)
{
    struct sync_opts o = {.hide_own = 1, .origin = origin};
    char *text = NULL;
    size_t len = 0;
    json_error_t jerr;
    json_t *page;

    assert_int_equal(sync_pull(db, &o, a, cursor, limit, &text, &len, NULL, NULL), EP_OK);
    page = json_loadb(text, len, 0, &jerr);
    assert_non_null(page);
    free(text);
    return page;
}

/* Pulls with own=0 as a phone: its origin is its device id. */
static json_t *pull_own(struct db *db, const struct sync_actor *a, const char *cursor, int limit)
{
    return pull_own_from(db, a, a->device_id, cursor, limit);
}

/* The op ids of a page, comma-separated, into buf. */
static const char *page_ids(json_t *page, char *buf, size_t len)
{
    size_t i, used = 0;
    json_t *op;

    buf[0] = '\0';
    json_array_foreach(json_object_get(page, "ops"), i, op)
    {
        int w = snprintf(buf + used, len - used, "%s%s", i ? "," : "",
                         json_string_value(json_object_get(op, "op")));
        assert_true(w > 0 && (size_t)w < len - used);
        used += (size_t)w;
    }
    return buf;
}

static void push_facts(struct db *db, const struct sync_actor *a, const char *prefix, int from,
                       int n)
{
    json_t *ops = json_array();
    for (int i = from; i < from + n; i++) {
        char id[16];
        snprintf(id, sizeof(id), "%s%d", prefix, i);
        json_array_append_new(
            ops, mkop(id, "tasks", id, "put", NOW_MS + i, a->device_id, "{\"title\":\"x\"}", NULL));
    }
    json_decref(push(db, a, ops));
}

/* Pushes n readings named prefix<i> (i from `from`) as crew_a, 100 a push. */
static void push_readings(struct db *db, const char *prefix, int from, int n)
{
    for (int done = 0; done < n;) {
        json_t *ops = json_array();
        for (; done < n && json_array_size(ops) < 100; done++) {
            char id[24];
            snprintf(id, sizeof(id), "%s%d", prefix, from + done);
            json_array_append_new(ops,
                                  mkop(id, "readings", id, "add", NOW_MS + from + done, "dev-a",
                                       "{\"indicator\":\"van_km\",\"value\":212,"
                                       "\"unit\":\"km\",\"dept\":\"regie\","
                                       "\"at\":\"2026-09-21\"}",
                                       NULL));
        }
        json_decref(push(db, &crew_a, ops));
    }
}

static int count_steps(void *ctx)
{
    ++*(long *)ctx;
    return 0; /* go on */
}

/* SQLite virtual machine instructions (in hundreds) that pushing one more
 * reading costs: a count, unlike time, that a loaded machine does not move. */
static long steps_of_one_reading(struct db *db, int i)
{
    long steps = 0;

    sqlite3_progress_handler(db_handle(db), 100, count_steps, &steps);
    push_readings(db, "one", i, 1);
    sqlite3_progress_handler(db_handle(db), 0, NULL, NULL);
    return steps;
}

/*
 * A reading's insert checks whether a correction of it arrived first: one
 * lookup in sync_fact_supersedes. When the planner walked every fact of the
 * production instead, each insert cost more as the readings grew (200 phones
 * of the bench: 160 s of server CPU instead of 10, bench/README.md). The cost
 * of one more reading must not grow with 30 times more readings stored, nor
 * the state's cost per fact.
 */
static void fact_inserts_do_not_grow_with_the_facts(void **state)
{
    struct fx *f = *state;
    long small, large, state_small = 0, state_large = 0;
    json_t *s;

    push_readings(f->db, "a", 0, 100);
    small = steps_of_one_reading(f->db, 0);
    sqlite3_progress_handler(db_handle(f->db), 100, count_steps, &state_small);
    s = state_of(f->db, "p1");
    sqlite3_progress_handler(db_handle(f->db), 0, NULL, NULL);
    json_decref(s);
    push_readings(f->db, "b", 0, 3000);
    large = steps_of_one_reading(f->db, 1);
    sqlite3_progress_handler(db_handle(f->db), 100, count_steps, &state_large);
    s = state_of(f->db, "p1");
    sqlite3_progress_handler(db_handle(f->db), 0, NULL, NULL);
    assert_int_equal(json_object_size(json_object_get(s, "facts")), 3102);
    json_decref(s);
    print_message("one reading: %ld00 steps at 101 facts, %ld00 at 3,102; state: %ld00, %ld00\n",
                  small, large, state_small, state_large);
    assert_true(small > 0);
    assert_true(large <= 2 * small + 2);
    /* 31 times the facts: the state may cost about 31 times as much, not 961. */
    assert_true(state_large <= 62 * (state_small + 1));
}

/*
 * hide_own (docs/sync-protocol.md §5, "own"): a phone that pulls after
 * pushing gets exactly the others' ops, and its cursor still moves past its
 * own; from the empty cursor (a phone restored from backup: same device,
 * empty replica) it gets its own ops back.
 */
static void pull_leaves_out_own_ops(void **state)
{
    struct fx *f = *state;
    char cursor[128], ids[256];
    json_t *page;

    push_facts(f->db, &crew_a, "a", 0, 3);
    push_facts(f->db, &crew_b, "b", 0, 2);
    /* Empty cursor: everything, its own ops included. */
    page = pull_own(f->db, &crew_a, "", 100);
    assert_string_equal(page_ids(page, ids, sizeof(ids)), "a0,a1,a2,b0,b1");
    snprintf(cursor, sizeof(cursor), "%s", json_string_value(json_object_get(page, "cursor")));
    json_decref(page);
    /* It pushes, the other phone pushes, it pulls: the other's ops only. */
    push_facts(f->db, &crew_a, "a", 3, 2);
    push_facts(f->db, &crew_b, "b", 2, 1);
    push_facts(f->db, &crew_a, "a", 5, 1);
    page = pull_own(f->db, &crew_a, cursor, 100);
    assert_string_equal(page_ids(page, ids, sizeof(ids)), "b2");
    assert_false(json_is_true(json_object_get(page, "more")));
    /* The cursor moved past its own last op: nothing comes again. */
    {
        json_t *all = pull(f->db, &crew_a, "", 100, EP_OK);
        assert_string_equal(json_string_value(json_object_get(page, "cursor")),
                            json_string_value(json_object_get(all, "cursor")));
        assert_int_equal(json_array_size(json_object_get(all, "ops")), 9);
        json_decref(all);
    }
    json_decref(page);
    /* Without the option, the same cursor gives its own ops too. */
    page = pull(f->db, &crew_a, cursor, 100, EP_OK);
    assert_string_equal(page_ids(page, ids, sizeof(ids)), "a3,a4,b2,a5");
    json_decref(page);
    /* The other phone is not affected by crew_a's option. */
    page = pull_own(f->db, &crew_b, cursor, 100);
    assert_string_equal(page_ids(page, ids, sizeof(ids)), "a3,a4,a5");
    json_decref(page);
    /* Restored from backup: same device, empty replica, empty cursor. */
    page = pull_own(f->db, &crew_a, NULL, 100);
    assert_int_equal(json_array_size(json_object_get(page, "ops")), 9);
    json_decref(page);
}

/*
 * own=0 hides what the requesting replica pushed, not every op under its
 * device id (docs/sync-protocol.md §5): an office account's id is shared by
 * each of its browsers (each its own origin) and by the ops the server makes
 * for it (origin NULL, even when the caller's opts name one).
 */
static void pull_hides_only_pushed_ops(void **state)
{
    struct fx *f = *state;
    struct sync_opts made = {.now_ms = NOW_MS + 50, .origin = "s-one"};
    char cursor[128], ids[256];
    json_t *page, *fields, *ack = NULL;

    page = pull_own_from(f->db, &office, "s-one", "", 100);
    snprintf(cursor, sizeof(cursor), "%s", json_string_value(json_object_get(page, "cursor")));
    json_decref(page);
    json_decref(push_from(f->db, &office, "s-one",
                          json_pack("[o]", mkop("o1", "tasks", "t1", "put", NOW_MS + 1, "office-1",
                                                "{\"title\":\"one\"}", NULL))));
    fields = json_pack("{s:s}", "title", "sent");
    assert_int_equal(sync_server_put(f->db, &made, &office, "tasks", "t2", fields, &ack), EP_OK);
    assert_string_equal(json_string_value(json_object_get(ack, "status")), "applied");
    json_decref(fields);
    json_decref(ack);
    json_decref(push_from(f->db, &office, "s-two",
                          json_pack("[o]", mkop("o2", "tasks", "t3", "put", NOW_MS + 2, "office-1",
                                                "{\"title\":\"two\"}", NULL))));
    json_decref(push_from(f->db, &office, NULL,
                          json_pack("[o]", mkop("o3", "tasks", "t4", "put", NOW_MS + 3, "office-1",
                                                "{\"title\":\"seed\"}", NULL))));
    push_facts(f->db, &crew_a, "a", 0, 1);
    /* Browser one: not o1, but the server's op, the other browser's, the
     * seed's under the same device id, and the phone's. */
    page = pull_own_from(f->db, &office, "s-one", cursor, 100);
    assert_int_equal(json_array_size(json_object_get(page, "ops")), 4);
    assert_null(strstr(page_ids(page, ids, sizeof(ids)), "o1"));
    assert_non_null(strstr(ids, "srv-"));
    assert_non_null(strstr(ids, ",o2,o3,a0"));
    json_decref(page);
    /* Browser two: o1 and the rest, not o2. */
    page = pull_own_from(f->db, &office, "s-two", cursor, 100);
    assert_int_equal(json_array_size(json_object_get(page, "ops")), 4);
    assert_true(strncmp(page_ids(page, ids, sizeof(ids)), "o1,srv-", 7) == 0);
    assert_null(strstr(ids, "o2"));
    json_decref(page);
    /* No origin, nothing hidden; another device with the same origin text,
     * nothing of the office's hidden either. */
    page = pull_own_from(f->db, &office, NULL, cursor, 100);
    assert_int_equal(json_array_size(json_object_get(page, "ops")), 5);
    json_decref(page);
    page = pull_own_from(f->db, &crew_b, "s-one", cursor, 100);
    assert_int_equal(json_array_size(json_object_get(page, "ops")), 5);
    json_decref(page);
    /* The phone's filter is unchanged: its pushes hidden, the rest not. */
    page = pull_own(f->db, &crew_a, cursor, 100);
    assert_int_equal(json_array_size(json_object_get(page, "ops")), 4);
    assert_null(strstr(page_ids(page, ids, sizeof(ids)), "a0"));
    json_decref(page);
}

/*
 * Pages that hidden ops leave short still say "more": with limit 2 and three
 * own ops in a row, the first page is empty but the pull is not over, and
 * the other phone's op behind them comes on a later page.
 */
static void short_pages_still_say_more(void **state)
{
    struct fx *f = *state;
    char cursor[128], ids[256];
    json_t *page;
    int pages = 0;
    size_t total = 0;

    push_facts(f->db, &crew_b, "b", 0, 1);
    page = pull_own(f->db, &crew_a, "", 2);
    snprintf(cursor, sizeof(cursor), "%s", json_string_value(json_object_get(page, "cursor")));
    json_decref(page);
    push_facts(f->db, &crew_a, "a", 0, 5);
    push_facts(f->db, &crew_b, "b", 1, 1);
    page = pull_own(f->db, &crew_a, cursor, 2);
    assert_int_equal(json_array_size(json_object_get(page, "ops")), 0);
    assert_true(json_is_true(json_object_get(page, "more")));
    assert_string_not_equal(json_string_value(json_object_get(page, "cursor")), cursor);
    for (;;) {
        int more = json_is_true(json_object_get(page, "more"));
        total += json_array_size(json_object_get(page, "ops"));
        if (json_array_size(json_object_get(page, "ops")) > 0)
            assert_string_equal(page_ids(page, ids, sizeof(ids)), "b1");
        snprintf(cursor, sizeof(cursor), "%s", json_string_value(json_object_get(page, "cursor")));
        json_decref(page);
        if (!more || ++pages > 10)
            break;
        page = pull_own(f->db, &crew_a, cursor, 2);
    }
    assert_int_equal(total, 1);
    assert_true(pages <= 4);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hlc_round_trip_and_order),
        T(push_is_idempotent),
        T(ops_stored_before_the_number_rule_keep_their_digest),
        T(integral_reals_are_integers),
        T(concurrent_edits_keep_the_loser),
        T(deletion_is_a_tombstone_that_syncs),
        T(facts_corrections_and_voids),
        T(bad_ops_are_refused_one_by_one),
        T(clock_far_ahead_is_quarantined_not_lost),
        T(record_ids_cannot_cross_productions),
        T(voids_resolve_only_within_the_production),
        T(authorization_hook_refuses),
        cmocka_unit_test(decoder_refusals),
        T(pull_pages_by_cursor),
        T(pull_leaves_out_own_ops),
        T(pull_hides_only_pushed_ops),
        T(short_pages_still_say_more),
        T(concurrent_pushes_commit_in_groups),
        T(fact_inserts_do_not_grow_with_the_facts),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
