/*
 * test_identity.c - identity storage on a real, migrated SQLite file:
 * accounts, memberships across productions, sessions, device counters,
 * invites (one-time, expiring), production keys and the audit log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db.h"
#include "err.h"
#include "identity.h"
#include "ids.h"
#include "support.h"

#include <stdio.h>
#include <string.h>

struct fx {
    char dir[256];
    struct db *db;
};

static int setup(void **state)
{
    static struct fx f;
    support_tmpdir(f.dir);
    f.db = support_db(f.dir, "t.db"); /* productions p1 and p2 */
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

static void add_account(struct db *db, const char *id, const char *email)
{
    struct identity_account a;
    memset(&a, 0, sizeof(a));
    snprintf(a.id, sizeof(a.id), "%s", id);
    snprintf(a.email, sizeof(a.email), "%s", email);
    snprintf(a.name, sizeof(a.name), "Name %s", id);
    snprintf(a.pw_hash, sizeof(a.pw_hash), "$argon2id$fake");
    assert_int_equal(identity_account_create(db, &a, 1000), EP_OK);
}

static void add_member(struct db *db, const char *id, const char *prod, const char *account,
                       const char *dept, enum sync_role role)
{
    struct identity_member m;
    memset(&m, 0, sizeof(m));
    snprintf(m.id, sizeof(m.id), "%s", id);
    snprintf(m.production_id, sizeof(m.production_id), "%s", prod);
    snprintf(m.account_id, sizeof(m.account_id), "%s", account != NULL ? account : "");
    snprintf(m.name, sizeof(m.name), "Person %s", id);
    snprintf(m.department, sizeof(m.department), "%s", dept);
    m.level = 3;
    m.role = role;
    assert_int_equal(identity_member_create(db, &m, 1000), EP_OK);
}

static void add_device(struct db *db, const char *id, const char *member, const char *prod,
                       unsigned char key_byte)
{
    struct identity_device d;
    memset(&d, 0, sizeof(d));
    snprintf(d.id, sizeof(d.id), "%s", id);
    snprintf(d.member_id, sizeof(d.member_id), "%s", member);
    snprintf(d.production_id, sizeof(d.production_id), "%s", prod);
    snprintf(d.name, sizeof(d.name), "phone");
    memset(d.public_key, key_byte, 32);
    assert_int_equal(identity_device_create(db, &d, 1000), EP_OK);
}

static void roles_and_ids(void **state)
{
    enum sync_role r;
    (void)state;
    assert_int_equal(identity_role_parse("dept_head", &r), EP_OK);
    assert_int_equal(r, SYNC_ROLE_DEPT_HEAD);
    assert_string_equal(identity_role_name(SYNC_ROLE_ECO_REFERENT), "eco_referent");
    assert_int_equal(identity_role_parse("root", &r), EP_EINVAL);
    assert_int_equal(identity_role_parse(NULL, &r), EP_EINVAL);
    assert_true(ids_valid("m-loue.01:x_y"));
    assert_false(ids_valid(""));
    assert_false(ids_valid("a b"));
    assert_false(ids_valid("x'; DROP TABLE member; --"));
    assert_false(ids_valid("0123456789012345678901234567890123456789012345678901234567890"
                           "12345")); /* 65 chars */
}

static void accounts(void **state)
{
    struct fx *f = *state;
    struct identity_account a;

    add_account(f->db, "a1", "Alice@Example.org");
    assert_int_equal(identity_account_by_email(f->db, "alice@example.ORG", &a), EP_OK);
    assert_string_equal(a.id, "a1");
    assert_int_equal(a.failed_count, 0);
    assert_int_equal(identity_account_by_email(f->db, "bob@example.org", &a), EP_ENOTFOUND);
    /* The same address in another case is the same account. */
    memset(&a, 0, sizeof(a));
    snprintf(a.id, sizeof(a.id), "a2");
    snprintf(a.email, sizeof(a.email), "ALICE@example.org");
    snprintf(a.name, sizeof(a.name), "x");
    snprintf(a.pw_hash, sizeof(a.pw_hash), "h");
    assert_int_equal(identity_account_create(f->db, &a, 1), EP_ECONFLICT);

    assert_int_equal(identity_account_set_failures(f->db, "a1", 4, 99999), EP_OK);
    assert_int_equal(identity_account_by_id(f->db, "a1", &a), EP_OK);
    assert_int_equal(a.failed_count, 4);
    assert_int_equal(a.locked_until, 99999);
    assert_int_equal(identity_account_set_hash(f->db, "a1", "$argon2id$new"), EP_OK);
    assert_int_equal(identity_account_by_id(f->db, "a1", &a), EP_OK);
    assert_string_equal(a.pw_hash, "$argon2id$new");
}

static void memberships_across_productions(void **state)
{
    struct fx *f = *state;
    struct identity_member m;
    json_t *list = NULL;
    int admins = -1;

    add_account(f->db, "a1", "alice@example.org");
    add_member(f->db, "m1", "p1", "a1", "regie", SYNC_ROLE_ADMIN);
    add_member(f->db, "m2", "p2", "a1", "image", SYNC_ROLE_CREW);
    add_member(f->db, "m3", "p1", NULL, "son", SYNC_ROLE_CREW);

    assert_int_equal(identity_member_of_account(f->db, "a1", "p1", &m), EP_OK);
    assert_int_equal(m.role, SYNC_ROLE_ADMIN);
    assert_int_equal(identity_member_of_account(f->db, "a1", "p2", &m), EP_OK);
    assert_int_equal(m.role, SYNC_ROLE_CREW);
    assert_string_equal(m.department, "image");
    /* A member id is only found in its own production. */
    assert_int_equal(identity_member_get(f->db, "p2", "m3", &m), EP_ENOTFOUND);
    assert_int_equal(identity_member_get(f->db, "p1", "m3", &m), EP_OK);
    assert_string_equal(m.account_id, "");

    assert_int_equal(identity_memberships(f->db, "a1", &list), EP_OK);
    assert_int_equal(json_array_size(list), 2);
    json_decref(list);
    assert_int_equal(identity_members_list(f->db, "p1", 0, &list), EP_OK);
    assert_int_equal(json_array_size(list), 2);
    json_decref(list);

    /* One account, one membership per production; unknown production refused. */
    memset(&m, 0, sizeof(m));
    snprintf(m.id, sizeof(m.id), "m4");
    snprintf(m.production_id, sizeof(m.production_id), "p1");
    snprintf(m.account_id, sizeof(m.account_id), "a1");
    snprintf(m.name, sizeof(m.name), "dup");
    snprintf(m.department, sizeof(m.department), "son");
    m.role = SYNC_ROLE_VIEWER;
    assert_int_equal(identity_member_create(f->db, &m, 1), EP_ECONFLICT);
    snprintf(m.production_id, sizeof(m.production_id), "p-none");
    snprintf(m.account_id, sizeof(m.account_id), "%s", "");
    assert_int_equal(identity_member_create(f->db, &m, 1), EP_ENOTFOUND);

    assert_int_equal(identity_count_admins(f->db, "p1", &admins), EP_OK);
    assert_int_equal(admins, 1);

    /* Update is scoped to the production too. */
    assert_int_equal(identity_member_get(f->db, "p1", "m3", &m), EP_OK);
    m.role = SYNC_ROLE_DEPT_HEAD;
    assert_int_equal(identity_member_update(f->db, &m), EP_OK);
    snprintf(m.production_id, sizeof(m.production_id), "p2");
    assert_int_equal(identity_member_update(f->db, &m), EP_ENOTFOUND);
    assert_int_equal(identity_member_get(f->db, "p1", "m3", &m), EP_OK);
    assert_int_equal(m.role, SYNC_ROLE_DEPT_HEAD);
}

static void removing_a_member_revokes_devices(void **state)
{
    struct fx *f = *state;
    struct identity_device d;
    struct identity_member m;

    add_member(f->db, "m1", "p1", NULL, "son", SYNC_ROLE_CREW);
    add_device(f->db, "d1", "m1", "p1", 1);
    assert_int_equal(identity_member_remove(f->db, "p2", "m1", 5000), EP_ENOTFOUND);
    assert_int_equal(identity_member_remove(f->db, "p1", "m1", 5000), EP_OK);
    assert_int_equal(identity_member_get(f->db, "p1", "m1", &m), EP_OK);
    assert_int_equal(m.removed_at, 5000);
    assert_int_equal(identity_device_get(f->db, "d1", &d), EP_OK);
    assert_int_equal(d.revoked_at, 5000);
    assert_int_equal(identity_member_remove(f->db, "p1", "m1", 6000), EP_ENOTFOUND);
}

static void sessions_expire(void **state)
{
    struct fx *f = *state;
    unsigned char h[32], other[32];
    struct identity_session s;

    memset(h, 7, sizeof(h));
    memset(other, 8, sizeof(other));
    add_account(f->db, "a1", "alice@example.org");
    assert_int_equal(identity_session_create(f->db, h, "a1", "csrf-token", 1000, 2000), EP_OK);
    assert_int_equal(identity_session_get(f->db, h, 1999, &s), EP_OK);
    assert_string_equal(s.account_id, "a1");
    assert_string_equal(s.csrf, "csrf-token");
    assert_int_equal(identity_session_get(f->db, h, 2000, &s), EP_ENOTFOUND);
    assert_int_equal(identity_session_get(f->db, other, 1500, &s), EP_ENOTFOUND);
    assert_int_equal(identity_session_purge(f->db, 3000), EP_OK);
    assert_int_equal(identity_session_get(f->db, h, 1500, &s), EP_ENOTFOUND);
    assert_int_equal(identity_session_create(f->db, h, "a1", "c", 1000, 9000), EP_OK);
    assert_int_equal(identity_session_delete(f->db, h), EP_OK);
    assert_int_equal(identity_session_get(f->db, h, 1500, &s), EP_ENOTFOUND);
}

static void device_counter_is_strictly_increasing(void **state)
{
    struct fx *f = *state;
    struct identity_device d;
    json_t *list = NULL;

    add_member(f->db, "m1", "p1", NULL, "son", SYNC_ROLE_CREW);
    add_device(f->db, "d1", "m1", "p1", 1);
    assert_int_equal(identity_device_advance(f->db, "d1", 1, 10), EP_OK);
    assert_int_equal(identity_device_advance(f->db, "d1", 1, 11), EP_ECONFLICT); /* replay */
    assert_int_equal(identity_device_advance(f->db, "d1", 0, 11), EP_ECONFLICT); /* stale */
    assert_int_equal(identity_device_advance(f->db, "d1", 1700000000000, 12), EP_OK);
    assert_int_equal(identity_device_advance(f->db, "nope", 5, 12), EP_ECONFLICT);
    assert_int_equal(identity_device_get(f->db, "d1", &d), EP_OK);
    assert_int_equal(d.counter, 1700000000000);
    assert_int_equal(identity_device_synced(f->db, "d1", 13), EP_OK);

    assert_int_equal(identity_device_revoke(f->db, "p2", "d1", 20), EP_ENOTFOUND);
    assert_int_equal(identity_device_revoke(f->db, "p1", "d1", 20), EP_OK);
    assert_int_equal(identity_device_revoke(f->db, "p1", "d1", 21), EP_ENOTFOUND);
    assert_int_equal(identity_device_advance(f->db, "d1", 1700000000001, 22), EP_ECONFLICT);
    assert_int_equal(identity_devices_list(f->db, "p1", &list), EP_OK);
    assert_int_equal(json_array_size(list), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "revoked_at")),
                     20);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "last_sync_at")),
                     13);
    json_decref(list);
    assert_int_equal(identity_devices_list(f->db, "p2", &list), EP_OK);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);

    /* The same public key cannot be paired twice. */
    memset(&d, 0, sizeof(d));
    snprintf(d.id, sizeof(d.id), "d2");
    snprintf(d.member_id, sizeof(d.member_id), "m1");
    snprintf(d.production_id, sizeof(d.production_id), "p1");
    snprintf(d.name, sizeof(d.name), "x");
    memset(d.public_key, 1, 32);
    assert_int_equal(identity_device_create(f->db, &d, 1), EP_ECONFLICT);
}

static void redeem(struct db *db, const unsigned char *code, const char *dev_id,
                   unsigned char key_byte, int64_t now, int want_rc,
                   enum identity_invite_result want)
{
    struct identity_device d;
    enum identity_invite_result res = IDENTITY_INVITE_OK;

    memset(&d, 0, sizeof(d));
    snprintf(d.id, sizeof(d.id), "%s", dev_id);
    snprintf(d.name, sizeof(d.name), "phone");
    memset(d.public_key, key_byte, 32);
    assert_int_equal(identity_invite_redeem(db, code, now, &d, &res), want_rc);
    assert_int_equal(res, want);
    if (want_rc == EP_OK) {
        assert_string_equal(d.member_id, "m1");
        assert_string_equal(d.production_id, "p1");
    }
}

static void invites_are_one_time_and_expire(void **state)
{
    struct fx *f = *state;
    unsigned char c1[32], c2[32], c3[32], c4[32], unknown[32];
    struct identity_device d;

    memset(c1, 1, 32);
    memset(c2, 2, 32);
    memset(c3, 3, 32);
    memset(c4, 4, 32);
    memset(unknown, 9, 32);
    add_member(f->db, "m1", "p1", NULL, "son", SYNC_ROLE_CREW);
    add_member(f->db, "m2", "p1", NULL, "son", SYNC_ROLE_CREW);
    assert_int_equal(identity_invite_create(f->db, c1, "m1", "p1", NULL, 1000, 5000), EP_OK);
    assert_int_equal(identity_invite_create(f->db, c2, "m1", "p1", NULL, 1000, 5000), EP_OK);
    assert_int_equal(identity_invite_create(f->db, c3, "m1", "p1", NULL, 1000, 5000), EP_OK);
    assert_int_equal(identity_invite_create(f->db, c4, "m2", "p1", NULL, 1000, 5000), EP_OK);

    redeem(f->db, c1, "d1", 0x11, 2000, EP_OK, IDENTITY_INVITE_OK);
    assert_int_equal(identity_device_get(f->db, "d1", &d), EP_OK);
    redeem(f->db, c1, "d2", 0x12, 2001, EP_EAUTH, IDENTITY_INVITE_USED);
    assert_int_equal(identity_device_get(f->db, "d2", &d), EP_ENOTFOUND); /* nothing written */
    redeem(f->db, c2, "d3", 0x13, 5000, EP_EAUTH, IDENTITY_INVITE_EXPIRED);
    redeem(f->db, unknown, "d4", 0x14, 2000, EP_EAUTH, IDENTITY_INVITE_UNKNOWN);
    redeem(f->db, c3, "d5", 0x11, 2000, EP_EAUTH, IDENTITY_INVITE_KEY_TAKEN);
    /* c3 is still usable after the refusal: nothing was consumed. */
    redeem(f->db, c3, "d5", 0x15, 2000, EP_OK, IDENTITY_INVITE_OK);
    assert_int_equal(identity_member_remove(f->db, "p1", "m2", 3000), EP_OK);
    {
        struct identity_device x;
        enum identity_invite_result res;
        memset(&x, 0, sizeof(x));
        snprintf(x.id, sizeof(x.id), "d6");
        snprintf(x.name, sizeof(x.name), "p");
        memset(x.public_key, 0x16, 32);
        assert_int_equal(identity_invite_redeem(f->db, c4, 3001, &x, &res), EP_EAUTH);
        assert_int_equal(res, IDENTITY_INVITE_NO_MEMBER);
    }
}

static void production_keys_first_writer_wins(void **state)
{
    struct fx *f = *state;
    struct identity_prodkey k1, k2, got;

    memset(&k1, 0, sizeof(k1));
    memset(&k2, 0, sizeof(k2));
    snprintf(k1.key_id, sizeof(k1.key_id), "aaaaaaaaaaaaaaaa");
    snprintf(k2.key_id, sizeof(k2.key_id), "bbbbbbbbbbbbbbbb");
    memset(k1.public_key, 1, 32);
    memset(k2.public_key, 2, 32);
    k1.sealed_len = k2.sealed_len = 72;
    assert_int_equal(identity_prodkey_get(f->db, "p1", &got), EP_ENOTFOUND);
    assert_int_equal(identity_prodkey_insert(f->db, "p1", &k1, 1), EP_OK);
    assert_int_equal(identity_prodkey_insert(f->db, "p1", &k2, 2), EP_OK);
    assert_int_equal(identity_prodkey_get(f->db, "p1", &got), EP_OK);
    assert_string_equal(got.key_id, "aaaaaaaaaaaaaaaa");
    assert_int_equal(got.sealed_len, 72);
    assert_memory_equal(got.public_key, k1.public_key, 32);
}

static void audit_is_scoped_to_the_production(void **state)
{
    struct fx *f = *state;
    json_t *list = NULL;
    struct identity_audit_event e1 = {"p1", NULL, "m1", NULL, "member.created", "x", "127.0.0.1"};
    struct identity_audit_event e2 = {"p2", NULL, NULL, NULL, "member.created", NULL, NULL};
    struct identity_audit_event e3 = {NULL, "a1", NULL, NULL, "login.ok", NULL, NULL};
    struct identity_audit_event e4 = {NULL, "a9", NULL, NULL, "login.failed", NULL, NULL};

    add_account(f->db, "a1", "alice@example.org");
    add_member(f->db, "m1", "p1", "a1", "regie", SYNC_ROLE_ADMIN);
    assert_int_equal(identity_audit(f->db, 1, &e1), EP_OK);
    assert_int_equal(identity_audit(f->db, 2, &e2), EP_OK);
    assert_int_equal(identity_audit(f->db, 3, &e3), EP_OK);
    assert_int_equal(identity_audit(f->db, 4, &e4), EP_OK);
    assert_int_equal(identity_audit_list(f->db, "p1", 0, 50, &list), EP_OK);
    /* Its own event only: its admin's login is the admin's, not p1's. */
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "event")),
                        "member.created");
    json_decref(list);
    assert_int_equal(identity_audit_list(f->db, "p2", 0, 50, &list), EP_OK);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
    assert_int_equal(identity_audit_list(f->db, "p1", 3, 1, &list), EP_OK);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "event")),
                        "member.created");
    json_decref(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roles_and_ids),
        cmocka_unit_test_setup_teardown(accounts, setup, teardown),
        cmocka_unit_test_setup_teardown(memberships_across_productions, setup, teardown),
        cmocka_unit_test_setup_teardown(removing_a_member_revokes_devices, setup, teardown),
        cmocka_unit_test_setup_teardown(sessions_expire, setup, teardown),
        cmocka_unit_test_setup_teardown(device_counter_is_strictly_increasing, setup, teardown),
        cmocka_unit_test_setup_teardown(invites_are_one_time_and_expire, setup, teardown),
        cmocka_unit_test_setup_teardown(production_keys_first_writer_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(audit_is_scoped_to_the_production, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
