/*
 * test_authz.c - the authorization rules as a matrix: every role against
 * every sync collection and kind (struct sync_op values built here, as the
 * engine would hand them), the read filter, and every API action.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "authz.h"
#include "err.h"
#include "support.h"

#include <stdio.h>
#include <string.h>

#define A 1 /* allowed */
#define D 0 /* denied */

static const enum sync_role roles[5] = {SYNC_ROLE_ADMIN, SYNC_ROLE_ECO_REFERENT,
                                        SYNC_ROLE_DEPT_HEAD, SYNC_ROLE_CREW, SYNC_ROLE_VIEWER};
static const char *const role_names[5] = {"admin", "eco_referent", "dept_head", "crew", "viewer"};

/* One row of the sync matrix: an op and the expected verdict per role. */
struct sync_case {
    const char *what;
    const char *col;
    const char *kind;
    int is_fact;
    const char *fields;  /* JSON object */
    const char *current; /* JSON object or NULL */
    int expect[5];       /* admin, eco_referent, dept_head, crew, viewer */
};

/* The actor is member "m-me" of department "image", device "d-me". */
static const struct sync_case sync_cases[] = {
    {"reading for own dept",
     "readings",
     "add",
     1,
     "{\"dept\":\"image\",\"kwh\":3}",
     NULL,
     {A, A, A, A, D}},
    {"reading for other dept",
     "readings",
     "add",
     1,
     "{\"dept\":\"son\",\"kwh\":3}",
     NULL,
     {A, A, D, D, D}},
    {"reading without dept", "readings", "add", 1, "{\"kwh\":3}", NULL, {A, A, D, D, D}},
    {"own task update",
     "tasks",
     "put",
     0,
     "{\"done\":true}",
     "{\"assignee\":\"m-me\"}",
     {A, A, A, A, D}},
    {"own task, current in sync_state shape",
     "tasks",
     "put",
     0,
     "{\"done\":true}",
     "{\"fields\":{\"assignee\":\"m-me\"},\"deleted\":false}",
     {A, A, A, A, D}},
    {"someone else's task",
     "tasks",
     "put",
     0,
     "{\"done\":true}",
     "{\"assignee\":\"m-other\"}",
     {A, A, D, D, D}},
    {"reassign own task",
     "tasks",
     "put",
     0,
     "{\"assignee\":\"m-other\"}",
     "{\"assignee\":\"m-me\"}",
     {A, A, D, D, D}},
    {"delete own task",
     "tasks",
     "put",
     0,
     "{\"_deleted\":true}",
     "{\"assignee\":\"m-me\"}",
     {A, A, D, D, D}},
    {"create a task", "tasks", "put", 0, "{\"assignee\":\"m-me\"}", NULL, {A, A, D, D, D}},
    {"question", "questions", "add", 1, "{\"text\":\"?\"}", NULL, {A, A, A, A, D}},
    {"question as someone else",
     "questions",
     "add",
     1,
     "{\"member\":\"m-other\"}",
     NULL,
     {A, A, D, D, D}},
    /* docs/security.md: rights on a question follow the question voided,
     * corrected or "answered", not the fields of the new op. */
    {"void someone's question",
     "questions",
     "add",
     1,
     "{\"void\":true,\"supersedes\":\"q-1\"}",
     "{\"member\":\"m-other\",\"text\":\"?\"}",
     {A, A, D, D, D}},
    {"rewrite someone's question as oneself",
     "questions",
     "add",
     1,
     "{\"member\":\"m-me\",\"text\":\"!\",\"supersedes\":\"q-1\"}",
     "{\"member\":\"m-other\",\"text\":\"?\"}",
     {A, A, D, D, D}},
    {"answer someone's question",
     "questions",
     "add",
     1,
     "{\"text\":\"?\",\"answers\":[\"yes\"],\"supersedes\":\"q-1\"}",
     "{\"member\":\"m-other\",\"text\":\"?\"}",
     {A, A, D, D, D}},
    {"answer one's own question",
     "questions",
     "add",
     1,
     "{\"member\":\"m-me\",\"text\":\"?\",\"answers\":[\"yes\"],\"supersedes\":\"q-1\"}",
     "{\"member\":\"m-me\",\"text\":\"?\"}",
     {A, A, D, D, D}},
    {"correct or void one's own question",
     "questions",
     "add",
     1,
     "{\"member\":\"m-me\",\"text\":\"??\",\"supersedes\":\"q-1\"}",
     "{\"member\":\"m-me\",\"text\":\"?\"}",
     {A, A, A, A, D}},
    {"own dept action update",
     "actions",
     "put",
     0,
     "{\"status\":\"done\"}",
     "{\"dept\":\"image\"}",
     {A, A, A, D, D}},
    {"new action in own dept",
     "actions",
     "put",
     0,
     "{\"dept\":\"image\",\"title\":\"LED\"}",
     NULL,
     {A, A, A, D, D}},
    {"new action without dept", "actions", "put", 0, "{\"title\":\"LED\"}", NULL, {A, A, D, D, D}},
    {"other dept action",
     "actions",
     "put",
     0,
     "{\"status\":\"done\"}",
     "{\"dept\":\"son\"}",
     {A, A, D, D, D}},
    {"move own action away",
     "actions",
     "put",
     0,
     "{\"dept\":\"son\"}",
     "{\"dept\":\"image\"}",
     {A, A, D, D, D}},
    {"plan", "plans", "put", 0, "{\"title\":\"Plan\"}", NULL, {A, A, D, D, D}},
    {"communication", "communications", "put", 0, "{\"body\":\"x\"}", NULL, {A, A, D, D, D}},
    {"supplier", "suppliers", "put", 0, "{\"name\":\"x\"}", NULL, {A, A, D, D, D}},
};

static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *j;
    if (text == NULL)
        return NULL;
    j = json_loads(text, 0, &err);
    if (j == NULL)
        fail_msg("bad fixture %s: %s", text, err.text);
    return j;
}

static void sync_matrix(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof(sync_cases) / sizeof(sync_cases[0]); c++) {
        const struct sync_case *k = &sync_cases[c];
        json_t *fields = parse(k->fields);
        json_t *current = parse(k->current);
        struct sync_op op;

        memset(&op, 0, sizeof(op));
        op.op_id = "op1";
        op.col = k->col;
        op.rid = "r1";
        op.kind = k->kind;
        op.dev = "d-me";
        op.fields = fields;
        for (size_t r = 0; r < 5; r++) {
            struct sync_actor actor = {"p1", "d-me", "m-me", "image", roles[r], NULL};
            char reason[160] = "";
            int rc = authz_sync_op(NULL, &actor, &op, k->is_fact, current, reason, sizeof(reason));
            if ((rc == EP_OK) != (k->expect[r] == A))
                fail_msg("%s as %s: expected %s, got %d (%s)", k->what, role_names[r],
                         k->expect[r] ? "allow" : "deny", rc, reason);
            if (rc != EP_OK) {
                assert_int_equal(rc, EP_EFORBIDDEN);
                assert_true(strlen(reason) > 0); /* a denial always says why */
            }
        }
        json_decref(fields);
        json_decref(current);
    }
}

static void sync_refuses_without_actor(void **state)
{
    struct sync_op op;
    char reason[64];
    (void)state;
    memset(&op, 0, sizeof(op));
    op.col = "readings";
    op.kind = "add";
    assert_int_equal(authz_sync_op(NULL, NULL, &op, 1, NULL, reason, sizeof(reason)),
                     EP_EFORBIDDEN);
    assert_int_equal(authz_sync_read(NULL, NULL, &op), 0);
}

/* Corrections and voids are judged against the reading they supersede. */
static void corrections_and_voids_follow_the_target(void **state)
{
    struct sync_actor crew = {"p1", "dev", "m-crew", "regie", SYNC_ROLE_CREW, NULL};
    struct sync_op op;
    char reason[128];
    json_t *fields = json_pack("{s:b, s:s}", "void", 1, "supersedes", "r1");
    json_t *mine = json_pack("{s:s}", "dept", "regie");
    json_t *theirs = json_pack("{s:s}", "dept", "image");
    (void)state;

    memset(&op, 0, sizeof(op));
    op.col = "readings";
    op.kind = "add";
    op.fields = fields;
    /* A void carries no department: it takes the voided reading's. */
    assert_int_equal(authz_sync_op(NULL, &crew, &op, 1, mine, reason, sizeof(reason)), EP_OK);
    assert_int_equal(authz_sync_op(NULL, &crew, &op, 1, theirs, reason, sizeof(reason)),
                     EP_EFORBIDDEN);
    assert_int_equal(authz_sync_op(NULL, &crew, &op, 1, NULL, reason, sizeof(reason)),
                     EP_EFORBIDDEN);
    /* A correction in one's own department of another department's reading: no. */
    json_object_set_new(fields, "void", json_false());
    json_object_set_new(fields, "dept", json_string("regie"));
    assert_int_equal(authz_sync_op(NULL, &crew, &op, 1, theirs, reason, sizeof(reason)),
                     EP_EFORBIDDEN);
    assert_non_null(strstr(reason, "image"));
    assert_int_equal(authz_sync_op(NULL, &crew, &op, 1, mine, reason, sizeof(reason)), EP_OK);
    json_decref(fields);
    json_decref(mine);
    json_decref(theirs);
}

static void read_filter(void **state)
{
    /* expect per role: admin, eco, dept_head, crew, viewer */
    static const struct {
        const char *col;
        const char *fields;
        const char *dev;
        int expect[5];
    } cases[] = {
        {"readings", "{\"dept\":\"son\"}", "d-x", {A, A, A, A, A}},
        {"plans", "{}", "d-x", {A, A, A, A, A}},
        {"questions", "{\"member\":\"m-me\"}", "d-x", {A, A, A, A, D}},
        {"questions", "{}", "d-me", {A, A, A, A, D}},
        {"questions", "{\"member\":\"m-other\"}", "d-x", {A, A, D, D, D}},
    };
    (void)state;
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        json_t *fields = parse(cases[c].fields);
        struct sync_op op;
        memset(&op, 0, sizeof(op));
        op.col = cases[c].col;
        op.kind = "add";
        op.dev = cases[c].dev;
        op.fields = fields;
        for (size_t r = 0; r < 5; r++) {
            struct sync_actor actor = {"p1", "d-me", "m-me", "image", roles[r], NULL};
            if (authz_sync_read(NULL, &actor, &op) != cases[c].expect[r])
                fail_msg("read %s %s as %s", cases[c].col, cases[c].fields, role_names[r]);
        }
        json_decref(fields);
    }
}

/* Preferences: one's own choices, the office's notes, nobody else's (docs/security.md). */
static void preferences_rules(void **state)
{
    static const struct {
        const char *rid;
        const char *kind;
        int write[5]; /* admin, eco, dept_head, crew, viewer */
        int read[5];
    } cases[] = {
        {"self-m-me", "put", {A, A, A, A, D}, {A, A, A, A, A}},
        {"self-m-other", "put", {D, D, D, D, D}, {A, A, D, D, D}},
        {"office-m-me", "put", {A, A, D, D, D}, {A, A, A, A, A}},
        {"office-m-other", "put", {A, A, D, D, D}, {A, A, D, D, D}},
        {"m-me", "put", {D, D, D, D, D}, {A, A, D, D, D}},
        {"self-m-me", "add", {D, D, D, D, D}, {A, A, A, A, A}},
    };
    json_t *fields = parse("{\"channels\":[\"app\"]}");
    (void)state;
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct sync_op op;
        memset(&op, 0, sizeof(op));
        op.op_id = "op1";
        op.col = "preferences";
        op.rid = cases[c].rid;
        op.kind = cases[c].kind;
        op.dev = "d-me";
        op.fields = fields;
        for (size_t r = 0; r < 5; r++) {
            struct sync_actor actor = {"p1", "d-me", "m-me", "image", roles[r], NULL};
            char reason[160] = "";
            int rc = authz_sync_op(NULL, &actor, &op, 0, NULL, reason, sizeof(reason));
            if ((rc == EP_OK) != (cases[c].write[r] == A))
                fail_msg("put %s (%s) as %s: got %d (%s)", cases[c].rid, cases[c].kind,
                         role_names[r], rc, reason);
            if (authz_sync_read(NULL, &actor, &op) != (cases[c].read[r] == A))
                fail_msg("read %s as %s", cases[c].rid, role_names[r]);
        }
    }
    json_decref(fields);
}

static void endpoint_matrix(void **state)
{
    /* admin, eco, dept_head, crew, viewer; office session then phone. */
    static const int office[AUTHZ_ACTION_COUNT][5] = {
        [AUTHZ_ME] = {A, A, A, A, A},
        [AUTHZ_MEMBERS_READ] = {A, A, A, A, A},
        [AUTHZ_MEMBERS_WRITE] = {A, D, D, D, D},
        [AUTHZ_INVITE] = {A, D, D, D, D},
        [AUTHZ_DEVICES_READ] = {A, D, D, D, D},
        [AUTHZ_DEVICES_REVOKE] = {A, D, D, D, D},
        [AUTHZ_KEY_READ] = {A, A, A, A, A},
        [AUTHZ_AUDIT_READ] = {A, D, D, D, D},
        [AUTHZ_SYNC_PULL] = {A, A, A, A, A},
        [AUTHZ_SYNC_PUSH] = {A, A, A, A, D},
        [AUTHZ_OFFICE_WRITE] = {A, A, D, D, D},
    };
    (void)state;
    for (int a = 0; a < AUTHZ_ACTION_COUNT; a++) {
        for (size_t r = 0; r < 5; r++) {
            int want_office = office[a][r];
            int want_phone = office[a][r] && a != AUTHZ_MEMBERS_WRITE && a != AUTHZ_INVITE &&
                             a != AUTHZ_DEVICES_READ && a != AUTHZ_DEVICES_REVOKE &&
                             a != AUTHZ_AUDIT_READ;
            if ((authz_endpoint((enum authz_action)a, roles[r], 0) == EP_OK) != want_office)
                fail_msg("%s as %s (office)", authz_action_name((enum authz_action)a),
                         role_names[r]);
            if ((authz_endpoint((enum authz_action)a, roles[r], 1) == EP_OK) != want_phone)
                fail_msg("%s as %s (phone)", authz_action_name((enum authz_action)a),
                         role_names[r]);
        }
    }
    assert_int_equal(authz_endpoint(AUTHZ_ACTION_COUNT, SYNC_ROLE_ADMIN, 0), EP_EFORBIDDEN);
    assert_int_equal(authz_endpoint(AUTHZ_ME, (enum sync_role)42, 0), EP_EFORBIDDEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sync_matrix),
        cmocka_unit_test(sync_refuses_without_actor),
        cmocka_unit_test(corrections_and_voids_follow_the_target),
        cmocka_unit_test(read_filter),
        cmocka_unit_test(preferences_rules),
        cmocka_unit_test(endpoint_matrix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
