/*
 * test_production.c - the company and its productions on a real, migrated
 * SQLite file: SIRET check digits, the setup token (single use, expiry,
 * wrong token: nothing created), production fields refused with the field
 * named, shooting days minus days off, titles unique per company, rights,
 * archiving, and join invitations binding only the invited address's account.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "collect.h"
#include "company.h"
#include "db.h"
#include "err.h"
#include "identity.h"
#include "ids.h"
#include "production.h"
#include "support.h"

#include <sodium.h>
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
    f.db = support_db(f.dir, "t.db");
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

static void fill(struct company *c, struct identity_account *a, const char *email)
{
    memset(c, 0, sizeof(*c));
    memset(a, 0, sizeof(*a));
    snprintf(c->id, sizeof(c->id), "c-test");
    snprintf(c->name, sizeof(c->name), "Films du Doubs");
    snprintf(c->siret, sizeof(c->siret), "73282932000074");
    snprintf(c->city, sizeof(c->city), "Besançon");
    snprintf(a->id, sizeof(a->id), "a-first");
    snprintf(a->email, sizeof(a->email), "%s", email);
    snprintf(a->name, sizeof(a->name), "Première Admin");
    snprintf(a->pw_hash, sizeof(a->pw_hash), "$argon2id$fake");
}

static int count(struct db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int n = -1;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void siret_check_digits(void **state)
{
    struct company c;
    struct ep_error err;
    (void)state;

    assert_true(company_siret_valid("73282932000074")); /* a real one (INSEE example) */
    assert_true(company_siret_valid("35600000000010")); /* La Poste: digit sum rule */
    assert_false(company_siret_valid("73282932000075"));
    assert_false(company_siret_valid("7328293200007"));
    assert_false(company_siret_valid("7328293200007a"));
    assert_false(company_siret_valid(NULL));
    memset(&c, 0, sizeof(c));
    assert_int_equal(company_check(&c, &err), EP_EINVAL);
    assert_string_equal(err.field, "name");
    snprintf(c.name, sizeof(c.name), "X");
    snprintf(c.siret, sizeof(c.siret), "12345678901234");
    assert_int_equal(company_check(&c, &err), EP_EINVAL);
    assert_string_equal(err.field, "siret");
    c.siret[0] = '\0';
    assert_int_equal(company_check(&c, &err), EP_OK);
}

static void setup_token_is_single_use(void **state)
{
    struct fx *f = *state;
    struct company c, got;
    struct identity_account a;
    enum company_setup_result res;
    char tok[COMPANY_TOKEN_LEN + 1], old[COMPANY_TOKEN_LEN + 1];
    int n = -1;

    assert_int_equal(company_account_count(f->db, &n), EP_OK);
    assert_int_equal(n, 0);
    fill(&c, &a, "first@example.org");
    /* Expired: minted 25 h ago. */
    assert_int_equal(company_setup_token_new(f->db, 1000, old), EP_OK);
    assert_int_equal(strlen(old), COMPANY_TOKEN_LEN);
    assert_int_equal(company_setup(f->db, old, &c, &a, 1000 + COMPANY_TOKEN_TTL_MS, &res),
                     EP_EFORBIDDEN);
    assert_int_equal(res, COMPANY_SETUP_TOKEN_EXPIRED);
    /* Wrong. */
    assert_int_equal(
        company_setup(f->db, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &c, &a, 5000, &res),
        EP_EFORBIDDEN);
    assert_int_equal(res, COMPANY_SETUP_TOKEN_UNKNOWN);
    assert_int_equal(count(f->db, "SELECT count(*) FROM company WHERE id = 'c-test'"), 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM account"), 0);
    /* Only the hash is stored. */
    assert_int_equal(count(f->db, "SELECT count(*) FROM setup_token WHERE length(token_hash) = 32"),
                     1);
    /* Good, then used. */
    assert_int_equal(company_setup_token_new(f->db, 2000, tok), EP_OK);
    assert_int_equal(company_setup(f->db, tok, &c, &a, 3000, &res), EP_OK);
    assert_int_equal(res, COMPANY_SETUP_OK);
    assert_int_equal(company_of_admin(f->db, "a-first", &got), EP_OK);
    assert_string_equal(got.name, "Films du Doubs");
    assert_string_equal(got.city, "Besançon");
    assert_int_equal(company_setup(f->db, tok, &c, &a, 4000, &res), EP_EFORBIDDEN);
    assert_int_equal(res, COMPANY_SETUP_TOKEN_USED);
    /* Without a token (the CLI) the claimed server refuses too. */
    snprintf(c.id, sizeof(c.id), "c-other");
    snprintf(a.id, sizeof(a.id), "a-other");
    snprintf(a.email, sizeof(a.email), "other@example.org");
    assert_int_equal(company_setup(f->db, NULL, &c, &a, 4000, &res), EP_EFORBIDDEN);
    assert_int_equal(res, COMPANY_SETUP_DONE);
    assert_int_equal(count(f->db, "SELECT count(*) FROM account"), 1);
}

/* Checks in and expects EP_EINVAL naming field. */
static void refused(const char *in, const char *field)
{
    json_error_t jerr;
    json_t *j = json_loads(in, 0, &jerr), *out = NULL;
    struct ep_error err;

    assert_non_null(j);
    assert_int_equal(production_check(j, &out, &err), EP_EINVAL);
    assert_null(out);
    if (strcmp(err.field, field) != 0)
        fail_msg("%s: expected field '%s', got '%s' (%s)", in, field, err.field, err.message);
    json_decref(j);
}

static json_t *checked(const char *in)
{
    json_t *j = json_loads(in, 0, NULL), *out = NULL;
    struct ep_error err;

    assert_non_null(j);
    if (production_check(j, &out, &err) != EP_OK)
        fail_msg("%s refused: %s: %s", in, err.field, err.message);
    json_decref(j);
    return out;
}

static void fields_are_checked(void **state)
{
    json_t *ok;
    (void)state;

    refused("{\"title\": \"\", \"kind\": \"fiction\"}", "title");
    refused("{\"title\": \"T\"}", "kind");
    refused("{\"title\": \"T\", \"kind\": \"fiction\", \"colour\": 1}", "colour");
    refused("{\"title\": \"T\", \"kind\": \"opera\"}", "kind");
    refused("{\"title\": \"T\", \"kind\": \"short\", \"phases\": {\"shooting\": "
            "{\"from\": \"2027-03-10\", \"to\": \"2027-03-01\"}}}",
            "phases.shooting.to");
    refused("{\"title\": \"T\", \"kind\": \"short\", \"phases\": {\"shooting\": "
            "{\"from\": \"2027-02-30\", \"to\": \"2027-03-01\"}}}",
            "phases.shooting.from");
    refused("{\"title\": \"T\", \"kind\": \"fiction\", \"phases\": {"
            "\"preparation\": {\"from\": \"2027-01-01\", \"to\": \"2027-03-05\"},"
            "\"shooting\": {\"from\": \"2027-03-01\", \"to\": \"2027-03-20\"}}}",
            "phases.shooting.from");
    refused("{\"title\": \"T\", \"kind\": \"fiction\", \"phases\": {"
            "\"shooting\": {\"from\": \"2027-03-01\", \"to\": \"2027-03-20\"},"
            "\"post_production\": {\"from\": \"2027-03-10\", \"to\": \"2027-06-01\"}}}",
            "phases.post_production.from");
    refused("{\"title\": \"T\", \"kind\": \"fiction\", \"phases\": {\"filming\": {}}}", "phases");
    refused("{\"title\": \"T\", \"kind\": \"fiction\", \"phases\": {"
            "\"shooting\": {\"from\": \"2027-03-01\", \"to\": \"2027-03-20\"}},"
            "\"days_off\": [\"2027-03-07\", \"2027-03-21\"]}",
            "days_off[1]");
    refused("{\"title\": \"T\", \"kind\": \"fiction\", \"days_off\": [\"2027-03-07\"]}",
            "days_off");
    refused("{\"title\": \"T\", \"kind\": \"fiction\", \"phases\": {"
            "\"shooting\": {\"from\": \"2027-03-01\", \"to\": \"2027-03-20\"}},"
            "\"days_off\": [\"2027-03-07\", \"2027-03-07\"]}",
            "days_off");
    refused("{\"title\": \"T\", \"kind\": \"fiction\", \"locations\": [{\"name\": \"Quai\"}]}",
            "locations[0].commune");
    refused("{\"title\": \"T\", \"kind\": \"fiction\", \"locations\": [{\"name\": \"Quai\", "
            "\"lat\": 95, \"lon\": 2}]}",
            "locations[0].lat");
    refused("{\"title\": \"T\", \"kind\": \"fiction\", \"crew_size\": 0}", "crew_size");
    refused("{\"title\": \"T\", \"kind\": \"fiction\", \"budget_eur\": -1}", "budget_eur");
    refused("{\"title\": \"T\", \"kind\": \"fiction\", \"rhythm\": \"hourly\"}", "rhythm");
    refused("{\"title\": \"T\", \"kind\": \"fiction\", \"departments\": [\"a b\"]}", "departments");
    ok = checked("{\"title\": \"T\", \"kind\": \"short\", \"phases\": {"
                 "\"shooting\": {\"from\": \"2027-03-01\", \"to\": \"2027-03-20\"}},"
                 "\"days_off\": [\"2027-03-14\", \"2027-03-07\"], \"locations\": [{\"name\": "
                 "\"Gorges\", \"commune\": \"Ornans\", \"protected\": true}]}");
    assert_string_equal(json_string_value(json_array_get(json_object_get(ok, "days_off"), 0)),
                        "2027-03-07");
    assert_string_equal(json_string_value(json_object_get(ok, "rhythm")), "auto");
    assert_true(json_is_null(json_object_get(ok, "crew_size")));
    json_decref(ok);
}

static void shooting_days_exclude_days_off(void **state)
{
    struct production_dates d;
    long day;
    (void)state;

    memset(&d, 0, sizeof(d));
    d.shoot_from = d.shoot_to = PRODUCTION_NO_DAY;
    assert_int_equal(production_shooting_days(&d), 0);
    assert_int_equal(production_day("2027-03-01", &d.shoot_from), EP_OK);
    assert_int_equal(production_day("2027-03-20", &d.shoot_to), EP_OK);
    assert_int_equal(production_day("2027-03-07", &d.days_off[0]), EP_OK);
    assert_int_equal(production_day("2027-03-14", &d.days_off[1]), EP_OK);
    d.n_days_off = 2;
    assert_int_equal(production_shooting_days(&d), 18);
    assert_int_equal(production_day("2027-03-07", &day), EP_OK);
    assert_false(production_shooting_day(&d, day));
    assert_true(production_shooting_day(&d, day + 1));
    assert_false(production_shooting_day(&d, d.shoot_to + 1));
    assert_false(production_shooting_day(&d, d.shoot_from - 1));
}

static void productions_live_in_the_company(void **state)
{
    struct fx *f = *state;
    struct company c;
    struct identity_account a;
    enum company_setup_result res;
    json_t *in, *got = NULL, *list = NULL;
    struct production_dates d;
    char id[64], id2[64], rhythm[8];
    int rights = -1, archived = -1;

    fill(&c, &a, "first@example.org");
    assert_int_equal(company_setup(f->db, NULL, &c, &a, 1000, &res), EP_OK);
    production_make_id("Le Fil de l'Été", id, sizeof(id));
    assert_int_equal(strncmp(id, "le-fil-de-l-ete-", 16), 0);
    assert_int_equal(strlen(id), 22);
    assert_true(ids_valid(id));
    in = checked("{\"title\": \"Le Fil de l'Été\", \"kind\": \"short\", \"phases\": {"
                 "\"shooting\": {\"from\": \"2027-03-01\", \"to\": \"2027-03-20\"}},"
                 "\"days_off\": [\"2027-03-07\"], \"rhythm\": \"daily\", \"crew_size\": 12}");
    assert_int_equal(production_create(f->db, id, "c-test", in, "a-first", "Première", 2000),
                     EP_OK);
    /* The title is unique per company, whatever the ASCII case (NOCASE). */
    production_make_id("LE FIL DE L'ÉTÉ", id2, sizeof(id2));
    json_object_set_new(in, "title", json_string("LE FIL DE L'Été"));
    assert_int_equal(production_create(f->db, id2, "c-test", in, "a-first", "Première", 2000),
                     EP_ECONFLICT);
    json_decref(in);
    assert_int_equal(production_get(f->db, id, &got), EP_OK);
    assert_string_equal(json_string_value(json_object_get(got, "kind")), "short");
    assert_int_equal(json_integer_value(json_object_get(got, "shooting_days")), 19);
    assert_true(json_is_null(json_object_get(got, "archived_at")));
    json_decref(got);
    assert_int_equal(production_dates_get(f->db, id, &d), EP_OK);
    assert_int_equal(d.n_days_off, 1);
    assert_int_equal(production_rhythm(f->db, id, rhythm, sizeof(rhythm)), EP_OK);
    assert_string_equal(rhythm, "daily");
    /* The creator is its administrator; a stranger has no rights. */
    assert_int_equal(production_rights(f->db, id, "a-first", &rights), EP_OK);
    assert_int_equal(rights, PRODUCTION_READ | PRODUCTION_WRITE);
    assert_int_equal(production_rights(f->db, id, "a-nobody", &rights), EP_OK);
    assert_int_equal(rights, 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM member WHERE role = 'admin' AND "
                                  "account_id = 'a-first'"),
                     1);
    /* Pinned at creation to the latest factor set: a newer set will not
     * change its footprint unless the office moves it. */
    assert_int_equal(count(f->db, "SELECT count(*) FROM production_factor_set WHERE "
                                  "version = (SELECT max(version) FROM factor_set) AND "
                                  "production_id LIKE 'le-fil-de-l-ete-%'"),
                     1);
    /* Update: back to automatic rhythm, no days off. */
    in = checked("{\"title\": \"Le Fil\", \"kind\": \"documentary\"}");
    if (production_update(f->db, id, in) != EP_OK)
        fail_msg("update: %s", db_errmsg(f->db));
    assert_int_equal(production_update(f->db, "nope", in), EP_ENOTFOUND);
    json_decref(in);
    assert_int_equal(production_rhythm(f->db, id, rhythm, sizeof(rhythm)), EP_OK);
    assert_string_equal(rhythm, "");
    assert_int_equal(production_list(f->db, "a-first", &list), EP_OK);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "title")),
                        "Le Fil");
    json_decref(list);
    /* Company spaces are not productions. */
    assert_int_equal(production_get(f->db, "co:c-test", &got), EP_ENOTFOUND);
    assert_int_equal(production_set_archived(f->db, id, 5000), EP_OK);
    assert_int_equal(production_archived(f->db, id, &archived), EP_OK);
    assert_int_equal(archived, 1);
    assert_int_equal(production_set_archived(f->db, id, 0), EP_OK);
    assert_int_equal(production_archived(f->db, id, &archived), EP_OK);
    assert_int_equal(archived, 0);
}

/* The schedule uses the office's rhythm, and days off are never missing. */
/* A member without an account, mid, on production p-1, into the database. */
static void add_member(struct db *db, const char *mid)
{
    struct identity_member m;
    memset(&m, 0, sizeof(m));
    snprintf(m.id, sizeof(m.id), "%s", mid);
    snprintf(m.production_id, sizeof(m.production_id), "p-1");
    snprintf(m.name, sizeof(m.name), "Lou");
    snprintf(m.department, sizeof(m.department), "regie");
    m.level = 3;
    m.role = SYNC_ROLE_CREW;
    assert_int_equal(identity_member_create(db, &m, 1000), EP_OK);
}

/* An invitation binds only the account of the invited address, once, and
 * never an account already on the production. */
static void join_binds_only_the_invited_account(void **state)
{
    struct fx *f = *state;
    struct company c;
    struct identity_account a;
    struct company_join_info info;
    enum company_setup_result sres;
    enum company_join_result res;
    char tok[COMPANY_TOKEN_LEN + 1], tok2[COMPANY_TOKEN_LEN + 1];

    fill(&c, &a, "first@example.org");
    assert_int_equal(company_setup(f->db, NULL, &c, &a, 1000, &sres), EP_OK);
    assert_int_equal(
        sqlite3_exec(db_handle(f->db),
                     "INSERT INTO production (id, company_id, title, kind, created_at) "
                     "VALUES ('p-1', 'c-test', 'La Loue', 'short', 0)",
                     NULL, NULL, NULL),
        SQLITE_OK);
    snprintf(a.id, sizeof(a.id), "a-x");
    snprintf(a.email, sizeof(a.email), "x@example.org");
    assert_int_equal(identity_account_create(f->db, &a, 1000), EP_OK);
    snprintf(a.id, sizeof(a.id), "a-y");
    snprintf(a.email, sizeof(a.email), "y@example.org");
    assert_int_equal(identity_account_create(f->db, &a, 1000), EP_OK);
    add_member(f->db, "m-1");
    add_member(f->db, "m-2");
    assert_int_equal(
        company_join_create(f->db, "p-1", "m-1", "X@example.org", "a-first", 2000, tok), EP_OK);
    assert_int_equal(company_join_peek(f->db, tok, 3000, &info, &res), EP_OK);
    assert_string_equal(info.email, "X@example.org");
    assert_string_equal(info.member_id, "m-1");
    assert_string_equal(info.production_id, "p-1");
    assert_string_equal(info.name, "Lou");
    /* Expired after 7 days. */
    assert_int_equal(company_join_peek(f->db, tok, 2000 + COMPANY_JOIN_TTL_MS, &info, &res),
                     EP_EFORBIDDEN);
    assert_int_equal(res, COMPANY_JOIN_EXPIRED);
    /* Another account, even a real one, cannot take it: nothing written. */
    assert_int_equal(company_join_bind(f->db, tok, "a-y", 3000, &res), EP_EFORBIDDEN);
    assert_int_equal(res, COMPANY_JOIN_UNKNOWN);
    assert_int_equal(count(f->db, "SELECT count(*) FROM member WHERE account_id IS NOT NULL "
                                  "AND production_id = 'p-1'"),
                     0);
    /* The invited address's account (any case) does, once. */
    assert_int_equal(company_join_bind(f->db, tok, "a-x", 3000, &res), EP_OK);
    assert_int_equal(count(f->db, "SELECT count(*) FROM member WHERE id = 'm-1' AND "
                                  "account_id = 'a-x'"),
                     1);
    assert_int_equal(company_join_bind(f->db, tok, "a-x", 3000, &res), EP_EFORBIDDEN);
    assert_int_equal(res, COMPANY_JOIN_USED);
    /* A second invitation of the same account to the same production. */
    assert_int_equal(
        company_join_create(f->db, "p-1", "m-2", "x@example.org", "a-first", 4000, tok2), EP_OK);
    assert_int_equal(company_join_bind(f->db, tok2, "a-x", 5000, &res), EP_ECONFLICT);
    assert_int_equal(company_join_peek(f->db, tok2, 5000, &info, &res), EP_OK);
    assert_int_equal(count(f->db, "SELECT count(*) FROM member WHERE id = 'm-2' AND "
                                  "account_id IS NULL"),
                     1);
}

static void schedule_counts_shooting_days(void **state)
{
    struct fx *f = *state;
    json_t *in, *sched = NULL, *miss = NULL, *item, *m;
    size_t i, j;
    int seen = 0;

    in = checked("{\"title\": \"Pub\", \"kind\": \"advertising\", \"phases\": {"
                 "\"shooting\": {\"from\": \"2027-03-01\", \"to\": \"2027-03-07\"}},"
                 "\"days_off\": [\"2027-03-04\"]}");
    assert_int_equal(production_create(f->db, "pub-1", "co", in, NULL, NULL, 1000), EP_OK);
    json_decref(in);
    assert_int_equal(collect_schedule(f->db, "pub-1", &sched), EP_OK);
    assert_string_equal(json_string_value(json_object_get(sched, "frequency")), "daily");
    json_decref(sched);
    assert_int_equal(collect_missing(f->db, "pub-1", "2027-03-08", NULL, NULL, &miss), EP_OK);
    json_array_foreach(json_object_get(miss, "items"), i, item)
    {
        if (strcmp(json_string_value(json_object_get(item, "frequency")), "daily") != 0)
            continue;
        seen++;
        assert_int_equal(json_integer_value(json_object_get(item, "periods")), 6);
        assert_int_equal(json_array_size(json_object_get(item, "missing")), 6);
        json_array_foreach(json_object_get(item, "missing"), j, m)
        {
            assert_string_not_equal(json_string_value(json_object_get(m, "from")), "2027-03-04");
        }
    }
    assert_true(seen > 0);
    json_decref(miss);
    /* The office's rhythm replaces the default from kind and length. */
    in = checked("{\"title\": \"Pub\", \"kind\": \"advertising\", \"rhythm\": \"weekly\","
                 "\"phases\": {\"shooting\": {\"from\": \"2027-03-01\", \"to\": "
                 "\"2027-03-07\"}}}");
    assert_int_equal(production_update(f->db, "pub-1", in), EP_OK);
    json_decref(in);
    assert_int_equal(collect_schedule(f->db, "pub-1", &sched), EP_OK);
    assert_string_equal(json_string_value(json_object_get(sched, "frequency")), "weekly");
    json_decref(sched);
}

/* One phase of a vector's calendar into from/to (PRODUCTION_NO_DAY if null). */
static void vector_phase(const json_t *cal, const char *name, long *from, long *to)
{
    const json_t *ph = json_object_get(cal, name);
    *from = *to = PRODUCTION_NO_DAY;
    if (!json_is_object(ph))
        return;
    assert_int_equal(production_day(json_string_value(json_object_get(ph, "from")), from), EP_OK);
    assert_int_equal(production_day(json_string_value(json_object_get(ph, "to")), to), EP_OK);
}

/* tests/vectors/phase/phases.json: the phone (tests/js/collect.test.mjs)
 * runs the same cases through its copy of the rule. */
static void reading_phase_vectors(void **state)
{
    char path[1024];
    json_error_t err;
    json_t *v, *c;
    size_t i;
    (void)state;

    snprintf(path, sizeof(path), "%s/tests/vectors/phase/phases.json", EP_SOURCE_DIR);
    v = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (v == NULL)
        fail_msg("%s: %s", path, err.text);
    assert_true(json_array_size(json_object_get(v, "cases")) >= 10);
    json_array_foreach(json_object_get(v, "cases"), i, c)
    {
        static struct production_dates d;
        const json_t *cal = json_object_get(json_object_get(v, "calendars"),
                                            json_string_value(json_object_get(c, "calendar")));
        enum production_phase own, want;
        long day;
        unsigned on;

        memset(&d, 0, sizeof(d));
        vector_phase(cal, "preparation", &d.prep_from, &d.prep_to);
        vector_phase(cal, "shooting", &d.shoot_from, &d.shoot_to);
        vector_phase(cal, "post_production", &d.post_from, &d.post_to);
        assert_int_equal(production_day(json_string_value(json_object_get(c, "day")), &day), EP_OK);
        assert_int_equal(production_phase_parse(json_string_value(json_object_get(c, "own")), &own),
                         EP_OK);
        assert_int_equal(
            production_phase_parse(json_string_value(json_object_get(c, "phase")), &want), EP_OK);
        if (production_phase_of(&d, day, own) != want)
            fail_msg("%s: %s, expected %s", json_string_value(json_object_get(c, "name")),
                     production_phase_name(production_phase_of(&d, day, own)),
                     production_phase_name(want));
        on = production_phases_on(&d, day);
        assert_int_equal((on & (on - 1)) != 0, json_is_true(json_object_get(c, "ambiguous")));
    }
    json_decref(v);
    /* Only the schema's ids are phases. */
    {
        enum production_phase ph;
        assert_int_equal(production_phase_parse("post", &ph), EP_EINVAL);
        assert_int_equal(production_phase_parse(NULL, &ph), EP_EINVAL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(siret_check_digits),
        cmocka_unit_test_setup_teardown(setup_token_is_single_use, setup, teardown),
        cmocka_unit_test(fields_are_checked),
        cmocka_unit_test(shooting_days_exclude_days_off),
        cmocka_unit_test(reading_phase_vectors),
        cmocka_unit_test_setup_teardown(productions_live_in_the_company, setup, teardown),
        cmocka_unit_test_setup_teardown(schedule_counts_shooting_days, setup, teardown),
        cmocka_unit_test_setup_teardown(join_binds_only_the_invited_account, setup, teardown),
    };
    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
