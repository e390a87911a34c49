/* seed.c - loads backend/demo/seed.json into an empty database (see seed.h). */
#include "seed.h"

#include "collect.h"

#include "company.h"

#include "attach.h"
#include "auth.h"
#include "authz.h"
#include "carbon.h"
#include "clock.h"
#include "commsend.h"
#include "db.h"
#include "diag.h"
#include "directory.h"
#include "embed.h"
#include "err.h"
#include "forecast.h"
#include "identity.h"
#include "ids.h"
#include "log.h"
#include "rows.h"
#include "sync.h"

#include <cairo.h>
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern const struct ep_embedded ep_demo[];

static int has_production(struct db *db, const char *id, int *out)
{
    static const char sql[] = "SELECT EXISTS (SELECT 1 FROM production WHERE id = ?1)";

    return rows_int(db, sql, out, 1, id);
}

static int insert_company(struct db *db, json_t *c, json_error_t *jerr)
{
    static const char sql[] =
        "INSERT INTO company (id, name, siret, created_at) VALUES (?1, ?2, ?3, ?4)";
    const char *id, *name, *siret = NULL;
    sqlite3_stmt *st;
    int rc;

    if (json_unpack_ex(c, jerr, JSON_STRICT, "{s:s, s:s, s?s}", "id", &id, "name", &name, "siret",
                       &siret) != 0)
        return EP_EINVAL;
    st = db_stmt(db, sql);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, siret, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, clock_now_ms());
    rc = db_map_rc(sqlite3_step(st));
    db_done(st);
    return rc;
}

/* Days since 1970-01-01 (UTC) of a unix time in ms. */
static int64_t day_of(int64_t ms)
{
    return ms / 86400000;
}

/* "YYYY-MM-DD" of a day number into buf[11]. */
static void iso_day(int64_t day, char *buf)
{
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    /* strftime: no truncation warnings to appease for an always-10-char date */
    strftime(buf, 11, "%Y-%m-%d", &tm);
}

/* Pins the demo to factor set `set` (0: the latest loaded), as its
 * provisional footprint was filed with it; a later set shows on the "Bilan
 * carbone" screen as available, never applied by itself. */
static int pin_factor_set(struct db *db, const char *production_id, int set)
{
    static const char sql[] =
        "INSERT INTO production_factor_set (production_id, version, pinned_at) "
        "SELECT ?1, version, ?2 FROM factor_set WHERE version = "
        "CASE ?3 WHEN 0 THEN (SELECT max(version) FROM factor_set) ELSE ?3 END";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, clock_now_ms());
    sqlite3_bind_int(st, 3, set);
    rc = db_map_rc(sqlite3_step(st));
    db_done(st);
    return rc;
}

/*
 * The demo is always mid-shoot: its dates are relative to the day it is
 * loaded (starts_in_days, length_days), so "what is missing this week" has
 * something to show whenever a newcomer runs `make run`. Its crew shoots
 * Monday to Friday, so the weekends are declared days off: the footprint's
 * pro rata counts the production's own shooting days (docs/carbon.md).
 */
static int insert_production(struct db *db, json_t *p, const char *company, int64_t today,
                             json_error_t *jerr)
{
    static const char sql[] = "INSERT INTO production (id, company_id, title, kind, rhythm, "
                              "starts_on, ends_on, created_at, days_off) "
                              "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)";
    const char *id, *title, *kind, *rhythm;
    json_int_t starts_in = 0, length = 0, set = 0;
    char starts[11], ends[11];
    json_t *off = NULL;
    char *off_text = NULL;
    sqlite3_stmt *st;
    int rc;

    if (json_unpack_ex(p, jerr, JSON_STRICT, "{s:s, s:s, s:s, s:s, s:I, s:I, s?I}", "id", &id,
                       "title", &title, "kind", &kind, "rhythm", &rhythm, "starts_in_days",
                       &starts_in, "length_days", &length, "factor_set", &set) != 0)
        return EP_EINVAL;
    iso_day(today + starts_in, starts);
    iso_day(today + starts_in + length - 1, ends);
    off = json_array();
    for (int64_t d = today + starts_in; off != NULL && d < today + starts_in + length; d++) {
        int64_t wd = ((d % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday: 0 = Sunday */
        char day[11];
        if (wd != 0 && wd != 6)
            continue;
        iso_day(d, day);
        if (json_array_append_new(off, json_string(day)) != 0)
            break;
    }
    off_text = off != NULL ? json_dumps(off, JSON_COMPACT) : NULL;
    json_decref(off);
    if (off_text == NULL)
        return EP_ENOMEM;
    st = db_stmt(db, sql);
    if (st == NULL) {
        free(off_text);
        return EP_EIO;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, company, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, rhythm, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, starts, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, ends, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, clock_now_ms());
    sqlite3_bind_text(st, 9, off_text, -1, SQLITE_STATIC);
    rc = db_map_rc(sqlite3_step(st));
    db_done(st);
    free(off_text);
    if (rc == EP_OK)
        rc = pin_factor_set(db, id, (int)set);
    return rc;
}

/* ---- demo activity --------------------------------------------------------- */

struct pusher {
    struct db *db;
    const char *production;
    struct ep_error *err;
    long ops;
};

static uint32_t mix(const char *a, const char *b, int64_t day)
{
    /* FNV-1a: the demo's "random" values are the same on every machine. */
    uint32_t h = 2166136261u;
    for (const char *p = a; *p != '\0'; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    for (const char *p = b; *p != '\0'; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    for (int i = 0; i < 8; i++)
        h = (h ^ (uint8_t)(day >> (8 * i))) * 16777619u;
    return h;
}

static void hlc_at(int64_t day, int minute, long seq, char *buf)
{
    int64_t ms = day * 86400000 + (int64_t)minute * 60000 + seq;
    sync_hlc_format(sync_hlc_tick(0, ms), buf);
}

/* The person owning a demo device: member id, department, role. */
static int device_owner(json_t *people, const char *device, struct sync_actor *a)
{
    size_t i;
    json_t *p;
    json_array_foreach(people, i, p)
    {
        const char *d = json_string_value(json_object_get(p, "device"));
        if (d != NULL && strcmp(d, device) == 0) {
            a->device_id = device;
            a->member_id = json_string_value(json_object_get(p, "id"));
            a->department = json_string_value(json_object_get(p, "department"));
            return identity_role_parse(json_string_value(json_object_get(p, "role")), &a->role);
        }
    }
    return EP_ENOTFOUND;
}

/* Pushes ops (stolen) as actor; every op must be applied. */
static int push_as(struct pusher *pu, const struct sync_actor *a, json_t *ops)
{
    /* Checked like a phone's push: dates inside the production, vehicles
     * from its fleet, corrections that keep every field. */
    struct carbon_vctx vc = {pu->production};
    struct sync_opts opts = {.now_ms = clock_now_ms(),
                             .authorize = authz_sync_op,
                             .validate = carbon_validate_op,
                             .ctx = &vc};
    json_t *body =
        json_pack("{s:i, s:s, s:o}", "schema", SYNC_PROTOCOL, "device", a->device_id, "ops", ops);
    json_t *acks = NULL, *ack;
    size_t i;
    int rc;

    if (body == NULL)
        return EP_ENOMEM;
    rc = sync_push(pu->db, &opts, a, body, &acks, NULL);
    json_array_foreach(acks, i, ack)
    {
        if (rc != EP_OK)
            break;
        if (strcmp(json_string_value(json_object_get(ack, "status")), "applied") != 0) {
            ep_error_set(pu->err, EP_EINVAL, NULL, "seed.json activity: op %s refused: %s",
                         json_string_value(json_object_get(ack, "op")),
                         json_string_value(json_object_get(ack, "reason")));
            rc = EP_EINVAL;
        }
    }
    pu->ops += (long)json_array_size(acks);
    json_decref(acks);
    json_decref(body);
    return rc;
}

static json_t *mkop(const char *op, const char *col, const char *id, const char *kind,
                    const char *hlc, const char *dev, json_t *fields, json_t *base)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "op", op, "col", col, "id", id,
                          "kind", kind, "hlc", hlc, "dev", dev, "fields", fields);
    if (o != NULL && base != NULL)
        json_object_set_new(o, "base", base);
    return o;
}

/* Office records: estimates, actions, tasks, each under id "seed-<id>". */
static int office_records(struct pusher *pu, const struct sync_actor *office, json_t *list,
                          const char *col, int64_t day)
{
    json_t *ops = json_array();
    size_t i;
    json_t *item;

    json_array_foreach(list, i, item)
    {
        const char *id = json_string_value(json_object_get(item, "id"));
        json_t *fields = json_object_get(item, "fields");
        json_t *own = NULL;
        char hlc[SYNC_HLC_LEN + 1], op[96];
        if (fields == NULL) { /* estimates are flat: every key but "id" */
            own = json_deep_copy(item);
            json_object_del(own, "id");
            fields = own;
        }
        hlc_at(day, 9 * 60, (long)i, hlc);
        snprintf(op, sizeof(op), "seed-%s", id);
        json_array_append_new(ops, mkop(op, col, id, "put", hlc, office->device_id, fields, NULL));
        json_decref(own);
    }
    return push_as(pu, office, ops);
}

/*
 * The forecast as the office accepts it from the project analysis: one
 * estimate per line of the C2 estimate (diag_project_of), so the demo's
 * forecast and its C2 analysis are the same figures.
 */
/*
 * The company diagnostics (C1) and the project framing (C2). Like every
 * demo date, the C1 years follow the day the demo is loaded: ids
 * "c1-this-year" and "c1-last-year" become "c1-<year>" with their "year".
 */
static int diagnostics(struct pusher *pu, const struct sync_actor *office, json_t *list,
                       int64_t today, int64_t day)
{
    json_t *made = json_array(), *item;
    char iso[11];
    long year;
    size_t i;
    int rc;

    iso_day(today, iso);
    year = strtol(iso, NULL, 10);
    json_array_foreach(list, i, item)
    {
        json_t *c = json_deep_copy(item);
        const char *id = json_string_value(json_object_get(item, "id"));
        long y = strcmp(id, "c1-this-year") == 0   ? year
                 : strcmp(id, "c1-last-year") == 0 ? year - 1
                                                   : 0;
        if (y > 0) {
            char rid[32];
            snprintf(rid, sizeof(rid), "c1-%ld", y);
            json_object_set_new(c, "id", json_string(rid));
            json_object_set_new(json_object_get(c, "fields"), "year", json_integer(y));
        }
        json_array_append_new(made, c);
    }
    rc = office_records(pu, office, made, "diagnostics", day);
    json_decref(made);
    return rc;
}

static int estimates_from_c2(struct pusher *pu, const struct sync_actor *office, int64_t day)
{
    json_t *res = NULL, *list = json_array(), *l;
    size_t i;
    int rc = diag_project_of(pu->db, pu->production, &res);

    json_array_foreach(json_object_get(res, "lines"), i, l)
    {
        char id[96];
        snprintf(id, sizeof(id), "est-%s", json_string_value(json_object_get(l, "indicator")));
        json_array_append_new(
            list, json_pack("{s:s, s:O, s:O, s:O, s:s}", "id", id, "indicator",
                            json_object_get(l, "indicator"), "value", json_object_get(l, "value"),
                            "unit", json_object_get(l, "unit"), "note",
                            "Estimation de l'analyse du projet (C2), reprise comme prévisionnel"));
    }
    if (rc == EP_OK)
        rc = office_records(pu, office, list, "estimates", day);
    json_decref(res);
    json_decref(list);
    return rc;
}

/*
 * The communications (C5): "starts_in_days" and "starts_time" of an item
 * become its "starts_at" (Paris local time), relative to the first
 * shooting day like every demo date.
 */
static int communications(struct pusher *pu, const struct sync_actor *office, json_t *list,
                          int64_t start)
{
    json_t *made = json_array(), *item;
    size_t i;
    int rc;

    json_array_foreach(list, i, item)
    {
        json_t *c = json_deep_copy(item);
        json_t *days = json_object_get(item, "starts_in_days");
        if (json_is_integer(days)) {
            char day[11], at[32];
            iso_day(start + json_integer_value(days), day);
            snprintf(at, sizeof(at), "%sT%s", day,
                     json_string_value(json_object_get(item, "starts_time")) != NULL
                         ? json_string_value(json_object_get(item, "starts_time"))
                         : "09:00");
            json_object_set_new(json_object_get(c, "fields"), "starts_at", json_string(at));
        }
        json_array_append_new(made, c);
    }
    rc = office_records(pu, office, made, "communications", start - 4);
    json_decref(made);
    return rc;
}

static int seed_activity(struct db *db, const char *production, json_t *people, json_t *act,
                         int64_t start, int64_t today, struct ep_error *err)
{
    struct pusher pu = {db, production, err, 0};
    struct sync_actor office = {production, NULL, NULL, NULL, SYNC_ROLE_ADMIN, NULL};
    char office_dev[96], hlc[SYNC_HLC_LEN + 1], at[11], rid[160], op[192];
    char space[DIRECTORY_SPACE_MAX];
    json_t *made = json_object(); /* reading id -> its fields, for corrections */
    json_t *per_device = json_object();
    json_t *o = json_object_get(act, "office");
    const char *dev;
    json_t *ops, *item, *conflict;
    size_t i;
    int rc = EP_OK;

    if (made == NULL || per_device == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    snprintf(office_dev, sizeof(office_dev), "office-%s",
             json_string_value(json_object_get(o, "account")));
    office.device_id = office_dev;
    office.member_id = json_string_value(json_object_get(o, "member"));
    office.department = json_string_value(json_object_get(o, "department"));
    rc = office_records(&pu, &office, json_object_get(act, "fleet"), "fleet", start - 15);
    /* C1 and C2 first: the forecast starts from the C2 estimate. */
    if (rc == EP_OK)
        rc = diagnostics(&pu, &office, json_object_get(act, "diagnostics"), today, start - 20);
    if (rc == EP_OK && json_is_true(json_object_get(act, "estimates_from_c2")))
        rc = estimates_from_c2(&pu, &office, start - 14);
    else if (rc == EP_OK)
        rc = office_records(&pu, &office, json_object_get(act, "estimates"), "estimates",
                            start - 14);
    if (rc == EP_OK)
        rc = communications(&pu, &office, json_object_get(act, "communications"), start);
    if (rc == EP_OK)
        rc = office_records(&pu, &office, json_object_get(act, "actions"), "actions", start - 10);
    if (rc == EP_OK)
        rc = office_records(&pu, &office, json_object_get(act, "tasks"), "tasks", start - 3);
    /* The company's directory: its criteria first, then the entries. */
    if (rc == EP_OK)
        rc = directory_space(db, production, space, sizeof(space));
    if (rc == EP_OK) {
        office.company_space = space;
        rc = office_records(&pu, &office, json_object_get(act, "criteria"), "criteria", start - 30);
    }
    if (rc == EP_OK)
        rc = office_records(&pu, &office, json_object_get(act, "suppliers"), "suppliers",
                            start - 29);
    /* How each person wants to be reached, as the office noted it: varied
     * and realistic (FALC and audio, sign language, large print...). */
    if (rc == EP_OK)
        rc = office_records(&pu, &office, json_object_get(act, "preferences"), "preferences",
                            start - 2);
    /* Tomorrow's briefing, written and ready to sign and send. */
    if (rc == EP_OK && json_object_get(act, "communication") != NULL) {
        json_t *c = json_deep_copy(json_object_get(act, "communication"));
        json_t *list = json_array();
        char starts[20];
        iso_day(today + 1, at);
        snprintf(starts, sizeof(starts), "%sT08:30", at);
        if (list == NULL || c == NULL ||
            json_object_set_new(json_object_get(c, "fields"), "starts_at", json_string(starts)) !=
                0) {
            json_decref(c);
            json_decref(list);
            rc = EP_ENOMEM;
            goto out;
        }
        if (json_array_append_new(list, c) != 0) { /* c is released on failure */
            json_decref(list);
            rc = EP_ENOMEM;
            goto out;
        }
        rc = office_records(&pu, &office, list, "communications", today - 1);
        json_decref(list);
    }
    if (rc != EP_OK)
        goto out;
    /* Each series: one reading per shooting day (weekdays) until yesterday. */
    json_array_foreach(json_object_get(act, "series"), i, item)
    {
        const char *ind = json_string_value(json_object_get(item, "indicator"));
        json_int_t lo = json_integer_value(json_object_get(item, "min"));
        json_int_t hi = json_integer_value(json_object_get(item, "max"));
        json_int_t every = json_integer_value(json_object_get(item, "every"));
        json_int_t quiet = json_integer_value(json_object_get(item, "quiet_last_days"));
        int64_t cut = today; /* silent from this day on */
        dev = json_string_value(json_object_get(item, "device"));
        /* "quiet_last_days" counts shooting days (weekdays), as the
         * dashboard's missed-readings check does (sync/domain/plan.c): counted in
         * calendar days, the demo's silence shrank over a weekend and the
         * dashboard showed no missed readings on Sundays and Mondays. */
        for (json_int_t q = quiet; q > 0 && cut > start;) {
            int64_t w = (--cut + 4) % 7;
            if (w != 0 && w != 6)
                q--;
        }
        for (int64_t d = start; d < today; d++) {
            int64_t wd = (d + 4) % 7; /* 1970-01-01 was a Thursday: 0 = Sunday */
            json_t *fields, *list;
            if (wd == 0 || wd == 6 || (every > 1 && (d - start) % every != 0) || d >= cut)
                continue;
            iso_day(d, at);
            snprintf(rid, sizeof(rid), "rd-%s-%s-%lld", dev, ind, (long long)(d - start));
            snprintf(op, sizeof(op), "op-%s", rid);
            hlc_at(d, 18 * 60, (long)i, hlc);
            fields = json_pack("{s:s, s:I, s:s, s:s, s:s}", "indicator", ind, "value",
                               lo + (json_int_t)(mix(dev, ind, d) % (uint32_t)(hi - lo + 1)),
                               "unit", json_string_value(json_object_get(item, "unit")), "dept",
                               json_string_value(json_object_get(item, "dept")), "at", at);
            if (json_object_get(item, "vehicle") != NULL)
                json_object_set(fields, "vehicle", json_object_get(item, "vehicle"));
            list = json_object_get(per_device, dev);
            if (list == NULL) {
                list = json_array();
                json_object_set_new(per_device, dev, list);
            }
            json_array_append_new(list, mkop(op, "readings", rid, "add", hlc, dev, fields, NULL));
            json_object_set_new(made, rid, fields); /* ownership moves to made */
        }
    }
    /* The 2,000 km day the dashboard flags, and a corrected fuel ticket. */
    json_array_foreach(json_object_get(act, "outliers"), i, item)
    {
        json_int_t day = json_integer_value(json_object_get(item, "day"));
        json_t *fields = json_deep_copy(item), *list;
        dev = json_string_value(json_object_get(item, "device"));
        json_object_del(fields, "device");
        json_object_del(fields, "day");
        iso_day(start + day, at);
        json_object_set_new(fields, "at", json_string(at));
        snprintf(rid, sizeof(rid), "rd-%s-outlier-%zu", dev, i);
        snprintf(op, sizeof(op), "op-%s", rid);
        hlc_at(start + day, 19 * 60, (long)i, hlc);
        list = json_object_get(per_device, dev);
        if (list != NULL)
            json_array_append_new(list, mkop(op, "readings", rid, "add", hlc, dev, fields, NULL));
        json_decref(fields);
    }
    json_array_foreach(json_object_get(act, "corrections"), i, item)
    {
        const char *ind = json_string_value(json_object_get(item, "indicator"));
        json_int_t day = json_integer_value(json_object_get(item, "day"));
        char orig[150];
        json_t *fields, *list;
        dev = json_string_value(json_object_get(item, "device"));
        snprintf(orig, sizeof(orig), "rd-%s-%s-%lld", dev, ind, (long long)day);
        list = json_object_get(per_device, dev);
        if (json_object_get(made, orig) == NULL || list == NULL)
            continue; /* that day had no reading: nothing to correct */
        iso_day(start + day, at);
        snprintf(rid, sizeof(rid), "%s-fix", orig);
        snprintf(op, sizeof(op), "op-%s", rid);
        hlc_at(start + day + 1, 8 * 60, (long)i, hlc);
        /* A correction keeps every field of the reading it corrects (the
         * vehicle above all: without it the litres belong to no source) and
         * changes only the value and the note. */
        fields = json_deep_copy(json_object_get(made, orig));
        json_object_set(fields, "value", json_object_get(item, "value"));
        json_object_set(fields, "note", json_object_get(item, "note"));
        json_object_set_new(fields, "supersedes", json_string(orig));
        json_array_append_new(list, mkop(op, "readings", rid, "add", hlc, dev, fields, NULL));
        json_decref(fields);
    }
    {
        const char *k;
        json_t *list;
        json_object_foreach(per_device, k, list)
        {
            struct sync_actor a = {production, NULL, NULL, NULL, SYNC_ROLE_CREW, NULL};
            rc = device_owner(people, k, &a);
            if (rc != EP_OK) {
                ep_error_set(err, rc, NULL, "seed.json activity: device %s has no owner", k);
                goto out;
            }
            rc = push_as(&pu, &a, json_incref(list));
            if (rc != EP_OK)
                goto out;
            /* The office's device list shows when each demo phone last synced:
             * the evening of its last reading. */
            {
                uint64_t latest = 0, h = 0;
                size_t j;
                json_t *each;
                json_array_foreach(list, j, each)
                {
                    if (sync_hlc_parse(json_string_value(json_object_get(each, "hlc")), &h) ==
                            EP_OK &&
                        h > latest)
                        latest = h;
                }
                rc = identity_device_synced(db, k, sync_hlc_ms(latest) + INT64_C(300000));
                if (rc != EP_OK)
                    goto out;
            }
        }
    }
    /* Yesterday evening, the crew and the office wrote the same note without
     * seeing each other's: the conflict waiting on the dashboard. */
    conflict = json_object_get(act, "conflict");
    if (conflict != NULL) {
        json_t *crew = json_object_get(conflict, "crew");
        json_t *office_side = json_object_get(conflict, "office");
        const char *col = json_string_value(json_object_get(conflict, "col"));
        const char *id = json_string_value(json_object_get(conflict, "id"));
        const char *field = json_string_value(json_object_get(conflict, "field"));
        struct sync_actor a = {production, NULL, NULL, NULL, SYNC_ROLE_CREW, NULL};
        json_t *fields;
        dev = json_string_value(json_object_get(crew, "device"));
        rc = device_owner(people, dev, &a);
        if (rc == EP_OK) {
            hlc_at(today - 1, 18 * 60, 0, hlc);
            snprintf(op, sizeof(op), "op-%s-%s-crew", id, field);
            fields = json_pack("{s:O}", field, json_object_get(crew, "value"));
            ops = json_pack("[o]", mkop(op, col, id, "put", hlc, dev, fields, NULL));
            json_decref(fields);
            rc = push_as(&pu, &a, ops);
        }
        if (rc == EP_OK) {
            hlc_at(today - 1, 18 * 60 + 5, 0, hlc);
            snprintf(op, sizeof(op), "op-%s-%s-office", id, field);
            fields = json_pack("{s:O}", field, json_object_get(office_side, "value"));
            ops = json_pack("[o]", mkop(op, col, id, "put", hlc, office.device_id, fields, NULL));
            json_decref(fields);
            rc = push_as(&pu, &office, ops);
        }
    }
    if (rc == EP_OK)
        LOG_INFO("seed", "demo activity: %ld ops", pu.ops);
out:
    json_decref(made);
    json_decref(per_device);
    return rc;
}

/* ---- demo photos ------------------------------------------------------- */

/* A PNG being written to memory by cairo. */
struct png_buf {
    unsigned char *p;
    size_t len, cap;
};

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct png_buf *b = closure;
    if (b->len + len > b->cap) {
        size_t cap = (b->cap == 0 ? 65536 : b->cap * 2) + len;
        unsigned char *n = realloc(b->p, cap);
        if (n == NULL)
            return CAIRO_STATUS_NO_MEMORY;
        b->p = n;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
    return CAIRO_STATUS_SUCCESS;
}

static void label(cairo_t *cr, double x, double y, double size, const char *text)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, text);
}

/* The sorting bins at the catering tent: five coloured bins and their labels. */
static void draw_bins(cairo_t *cr)
{
    static const double colours[5][3] = {{0.95, 0.77, 0.06},
                                         {0.13, 0.55, 0.13},
                                         {0.45, 0.30, 0.15},
                                         {0.20, 0.40, 0.75},
                                         {0.40, 0.40, 0.40}};
    static const char *const names[5] = {"Emballages", "Verre", "Biodéchets", "Papier", "Ordures"};
    cairo_set_source_rgb(cr, 0.80, 0.90, 0.97); /* sky */
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.42, 0.62, 0.30); /* grass */
    cairo_rectangle(cr, 0, 300, 800, 200);
    cairo_fill(cr);
    for (int i = 0; i < 5; i++) {
        double x = 40 + i * 150;
        cairo_set_source_rgb(cr, colours[i][0], colours[i][1], colours[i][2]);
        cairo_rectangle(cr, x, 170, 120, 190);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_rectangle(cr, x - 6, 158, 132, 16); /* lid */
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_rectangle(cr, x + 8, 220, 104, 34);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        label(cr, x + 12, 243, 14, names[i]);
    }
    label(cr, 40, 80, 30, "Tri en cinq flux au barnum");
}

/* The catering board announcing the vegetarian dish of the day. */
static void draw_menu(cairo_t *cr)
{
    cairo_set_source_rgb(cr, 0.55, 0.40, 0.25); /* easel */
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.12, 0.18, 0.15); /* slate */
    cairo_rectangle(cr, 80, 40, 640, 420);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.95, 0.95, 0.90);
    label(cr, 130, 120, 34, "Menu du jour");
    label(cr, 130, 200, 24, "Dahl de lentilles corail");
    label(cr, 130, 250, 24, "ou sauté de volaille");
    label(cr, 130, 330, 20, "Jeudi : deux plats végétariens");
    label(cr, 130, 400, 18, "Légumes de la ferme de Chalezeule");
}

/* Draws an 800 x 500 picture into a new PNG in *out. 0 or EP_ENOMEM. */
static int demo_png(void (*draw)(cairo_t *), struct png_buf *out)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 800, 500);
    cairo_t *cr = cairo_create(s);
    int rc = EP_OK;

    draw(cr);
    cairo_surface_flush(s);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_write_to_png_stream(s, png_write, out) != CAIRO_STATUS_SUCCESS)
        rc = EP_ENOMEM;
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return rc;
}

/*
 * Two photos a phone took, as a phone sends them: the attachments fact
 * through the sync engine, then the bytes through the upload path with its
 * checks (attach.h). The bins illustrate the reproducible waste sorting in
 * the kits (C10); the menu board a catering reading.
 */
static int seed_photos(struct db *db, const char *production, json_t *people, int64_t day,
                       struct ep_error *err)
{
    static const struct {
        const char *id, *device, *col, *target, *caption;
        void (*draw)(cairo_t *);
    } photos[] = {
        {"seed-photo-bins", "d-demo-sofia", "actions", "act-tri",
         "Les bacs de tri en cinq flux au barnum, étiquetés en pictogrammes", draw_bins},
        {"seed-photo-menu", "d-demo-marie", "actions", "act-veggie",
         "L'ardoise du traiteur annonce le plat végétarien du jour", draw_menu},
    };
    struct pusher pu = {db, production, err, 0};
    int rc = EP_OK;

    for (size_t i = 0; i < sizeof(photos) / sizeof(photos[0]) && rc == EP_OK; i++) {
        struct png_buf png = {NULL, 0, 0};
        struct sync_actor who = {production, NULL, NULL, NULL, SYNC_ROLE_CREW, NULL};
        unsigned char hash[crypto_hash_sha256_BYTES];
        char hex[crypto_hash_sha256_BYTES * 2 + 1], hlc[SYNC_HLC_LEN + 1], op[96], at[11];
        struct attach_fact f;
        struct attach_status st;
        enum attach_outcome outcome;
        json_t *ops, *fields;

        rc = device_owner(people, photos[i].device, &who);
        if (rc == EP_OK)
            rc = demo_png(photos[i].draw, &png);
        if (rc != EP_OK) {
            free(png.p);
            break;
        }
        crypto_hash_sha256(hash, png.p, png.len);
        sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
        hlc_at(day, 13 * 60 + (int)i, 0, hlc);
        iso_day(day, at);
        snprintf(op, sizeof(op), "seed-%s", photos[i].id);
        fields = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "target_col", photos[i].col,
                           "target_id", photos[i].target, "content_type", "image/png", "size",
                           (json_int_t)png.len, "sha256", hex, "caption", photos[i].caption,
                           "member", who.member_id, "taken_at", at);
        /* mkop keeps its own reference to fields. */
        ops = fields != NULL ? json_pack("[o]", mkop(op, "attachments", photos[i].id, "add", hlc,
                                                     who.device_id, fields, NULL))
                             : NULL;
        json_decref(fields);
        rc = ops != NULL ? push_as(&pu, &who, ops) : EP_ENOMEM;
        if (rc == EP_OK)
            rc = attach_fact_get(db, production, photos[i].id, &f);
        /* Small enough for one chunk. */
        if (rc == EP_OK && png.len > ATTACH_CHUNK_MAX)
            rc = EP_ETOOBIG;
        if (rc == EP_OK)
            rc = attach_put_chunk(db, &f, 0, png.p, png.len, clock_now_ms(), &outcome, &st);
        if (rc == EP_OK && outcome != ATTACH_COMPLETE) {
            ep_error_set(err, EP_EINVAL, NULL, "demo photo %s not stored: %s", photos[i].id,
                         st.reason);
            rc = EP_EINVAL;
        }
        free(png.p);
    }
    return rc;
}

/* ---- demo people ------------------------------------------------------ */

void seed_device_seed(const char *device_id, unsigned char seed[32])
{
    crypto_generichash_state st;
    static const char prefix[] = "ecoplateau demo device ";

    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, (const unsigned char *)prefix, sizeof(prefix) - 1);
    crypto_generichash_update(&st, (const unsigned char *)device_id, strlen(device_id));
    crypto_generichash_final(&st, seed, 32);
}

static int seed_person(struct db *db, const char *production_id, json_t *person, int64_t now,
                       json_error_t *jerr, struct ep_error *err)
{
    const char *id, *name, *dept, *role, *email = NULL, *device = NULL;
    int level = 3;
    struct identity_member m;
    int rc;

    if (json_unpack_ex(person, jerr, JSON_STRICT, "{s:s, s:s, s:s, s:s, s?i, s?s, s?s}", "id", &id,
                       "name", &name, "department", &dept, "role", &role, "level", &level, "email",
                       &email, "device", &device) != 0)
        return EP_EINVAL;
    memset(&m, 0, sizeof(m));
    if (identity_role_parse(role, &m.role) != EP_OK || !ids_valid(id) ||
        strlen(dept) > IDENTITY_DEPT_MAX) {
        snprintf(jerr->text, sizeof(jerr->text), "person '%s': bad id, role or department", id);
        return EP_EINVAL;
    }
    if (email != NULL) {
        struct identity_account a;
        memset(&a, 0, sizeof(a));
        snprintf(a.id, sizeof(a.id), "a-%s", id);
        snprintf(a.email, sizeof(a.email), "%s", email);
        snprintf(a.name, sizeof(a.name), "%s", name);
        rc = auth_hash_password(SEED_DEMO_PASSWORD, strlen(SEED_DEMO_PASSWORD), a.pw_hash);
        if (rc == EP_OK)
            rc = identity_account_create(db, &a, now);
        if (rc != EP_OK) {
            ep_error_set(err, rc, NULL, "account '%s': %s", email, ep_strerror(rc));
            return rc;
        }
        snprintf(m.account_id, sizeof(m.account_id), "%s", a.id);
    }
    snprintf(m.id, sizeof(m.id), "%s", id);
    snprintf(m.production_id, sizeof(m.production_id), "%s", production_id);
    snprintf(m.name, sizeof(m.name), "%s", name);
    snprintf(m.department, sizeof(m.department), "%s", dept);
    m.level = level;
    rc = identity_member_create(db, &m, now);
    if (rc == EP_OK && device != NULL) {
        struct identity_device d;
        unsigned char seed[32], sk[crypto_sign_SECRETKEYBYTES];
        memset(&d, 0, sizeof(d));
        snprintf(d.id, sizeof(d.id), "%s", device);
        snprintf(d.member_id, sizeof(d.member_id), "%s", id);
        snprintf(d.production_id, sizeof(d.production_id), "%s", production_id);
        snprintf(d.name, sizeof(d.name), "Demo phone of %s", name);
        seed_device_seed(device, seed);
        crypto_sign_seed_keypair(d.public_key, sk, seed);
        sodium_memzero(sk, sizeof(sk));
        rc = identity_device_create(db, &d, now);
    }
    if (rc != EP_OK)
        ep_error_set(err, rc, NULL, "person '%s': %s", id, ep_strerror(rc));
    return rc;
}

int seed_people(struct db *db, const char *production_id, json_t *people, int64_t now,
                struct ep_error *err)
{
    json_error_t jerr;
    size_t i;
    json_t *person;
    int rc = EP_OK;

    memset(&jerr, 0, sizeof(jerr));
    ep_error_clear(err);
    if (!json_is_array(people)) {
        ep_error_set(err, EP_EINVAL, NULL, "seed.json: \"people\" must be an array");
        return EP_EINVAL;
    }
    json_array_foreach(people, i, person)
    {
        rc = seed_person(db, production_id, person, now, &jerr, err);
        if (rc != EP_OK)
            break;
    }
    if (rc == EP_EINVAL && (err == NULL || err->message[0] == '\0'))
        ep_error_set(err, rc, NULL, "seed.json people[%zu]: %s", i, jerr.text);
    return rc;
}

/*
 * The company's administrators (the one setup created) see the demo. The
 * demo's administrators run the company only when the demo brought it
 * (own_company): their password is public, a real company must not be
 * theirs. Runs in the caller's transaction.
 */
static int seed_admins(struct db *db, const char *company_id, const char *production_id,
                       int own_company, int64_t now)
{
    static const char demo_admins[] =
        "SELECT account_id FROM member WHERE production_id = ?1 AND role = 'admin' "
        "AND account_id IS NOT NULL AND removed_at IS NULL";
    sqlite3_stmt *st = db_stmt(db, demo_admins);
    json_t *ids = json_array(), *admins = NULL, *v;
    size_t i;
    int rc;

    if (st == NULL || ids == NULL) {
        json_decref(ids);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(ids, json_string((const char *)sqlite3_column_text(st, 0)));
    db_done(st);
    rc = rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
    /* Company administrators before the demo's own join the demo. */
    if (rc == EP_OK)
        rc = company_admins(db, company_id, &admins);
    json_array_foreach(admins, i, v)
    {
        struct identity_account acc;
        struct identity_member m;
        if (rc != EP_OK)
            break;
        rc = identity_account_by_id(db, json_string_value(v), &acc);
        if (rc != EP_OK)
            break;
        memset(&m, 0, sizeof(m));
        snprintf(m.id, sizeof(m.id), "m-demo-%zu", i);
        snprintf(m.production_id, sizeof(m.production_id), "%s", production_id);
        snprintf(m.account_id, sizeof(m.account_id), "%s", acc.id);
        snprintf(m.name, sizeof(m.name), "%s", acc.name);
        snprintf(m.department, sizeof(m.department), "production");
        m.level = 0;
        m.role = SYNC_ROLE_ADMIN;
        rc = identity_member_create(db, &m, now);
    }
    json_array_foreach(ids, i, v)
    {
        if (rc == EP_OK && own_company)
            rc = company_admin_add(db, company_id, json_string_value(v), now);
    }
    json_decref(admins);
    json_decref(ids);
    return rc;
}

int seed_demo(struct db *db, struct ep_error *err)
{
    return seed_demo_at(db, clock_now_ms(), err);
}

int seed_demo_at(struct db *db, int64_t now_ms, struct ep_error *err)
{
    json_t *root = NULL;
    json_t *company = NULL, *production = NULL, *people = NULL, *activity = NULL;
    int64_t today = day_of(now_ms);
    json_error_t jerr;
    const char *company_id = NULL, *production_id = NULL;
    struct company owner;
    int exists = 0, own_company = 0;
    int people_failed = 0;
    int rc;

    memset(&jerr, 0, sizeof(jerr));
    root = json_loadb(ep_demo[0].data, ep_demo[0].size, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL ||
        json_unpack_ex(root, &jerr, JSON_STRICT, "{s:o, s:o, s?o, s?o}", "company", &company,
                       "production", &production, "people", &people, "activity", &activity) != 0 ||
        json_unpack_ex(company, &jerr, 0, "{s:s}", "id", &company_id) != 0 ||
        json_unpack_ex(production, &jerr, 0, "{s:s}", "id", &production_id) != 0) {
        rc = EP_EINVAL;
        goto out;
    }
    /* Loaded once: a restart with --demo finds it and changes nothing. */
    rc = has_production(db, production_id, &exists);
    if (rc != EP_OK || exists) {
        ep_error_set(err, rc, NULL, "%s", rc != EP_OK ? db_errmsg(db) : "");
        json_decref(root);
        return rc;
    }
    rc = db_begin_write(db);
    if (rc != EP_OK)
        goto out;
    /* The demo is one production of the company set up on this server;
     * on an empty database it brings its own company. */
    rc = company_first(db, &owner);
    if (rc == EP_OK)
        company_id = owner.id;
    else if (rc == EP_ENOTFOUND) {
        own_company = 1;
        rc = insert_company(db, company, &jerr);
    }
    if (rc == EP_OK)
        rc = insert_production(db, production, company_id, today, &jerr);
    /* The demo office login and crew (auth.h); err says which person failed. */
    if (rc == EP_OK && people != NULL) {
        rc = seed_people(db, production_id, people, clock_now_ms(), err);
        people_failed = rc != EP_OK;
    }
    if (rc == EP_OK)
        rc = seed_admins(db, company_id, production_id, own_company, clock_now_ms());
    /* Weeks of readings, the plan and a conflict, through the sync engine
     * with the real rules: the demo shows what the product really does. */
    if (rc == EP_OK && activity != NULL) {
        json_int_t starts_in = json_integer_value(json_object_get(production, "starts_in_days"));
        rc = seed_activity(db, json_string_value(json_object_get(production, "id")), people,
                           activity, today + starts_in, today, err);
        people_failed = rc != EP_OK; /* err holds the reason */
    }
    /* The demo's device keys and password are public: mark the file, so
     * serve without --demo refuses it (cmd.c; docs/security.md). */
    if (rc == EP_OK)
        rc = db_exec_cached(db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('demo', "
                                "'seeded: its device keys and password are public')");
    if (rc == EP_OK)
        rc = db_commit(db);
    if (rc != EP_OK)
        db_rollback(db);
    /* The photos' bytes are stored one upload transaction each, as a
     * phone's would be: after the records they illustrate. */
    if (rc == EP_OK && activity != NULL) {
        json_int_t starts_in = json_integer_value(json_object_get(production, "starts_in_days"));
        rc = seed_photos(db, json_string_value(json_object_get(production, "id")), people,
                         today + starts_in + 3, err);
        people_failed = rc != EP_OK; /* err holds the reason */
    }
    /* The forecast the office filed with the budget, three weeks before
     * the shoot: the "Prévisionnel" screen shows it frozen while the
     * estimates go on (docs/carbon.md, "The forecast, filed"). */
    if (rc == EP_OK && activity != NULL) {
        json_int_t starts_in = json_integer_value(json_object_get(production, "starts_in_days"));
        const char *office =
            json_string_value(json_object_get(json_object_get(activity, "office"), "member"));
        json_t *filed = NULL;
        rc = forecast_file(db, json_string_value(json_object_get(production, "id")),
                           "Devis (dépôt avec le budget)", office != NULL ? office : "",
                           (int64_t)(today + starts_in - 21) * 86400000, &filed);
        json_decref(filed);
    }
    /* Catering counts its meals every shooting day: the office set the
     * four diets and the unknown one in one step (collect_set_group), so
     * Collecte, the dashboard and Marie's phone show her silence. */
    if (rc == EP_OK && activity != NULL) {
        const char *office =
            json_string_value(json_object_get(json_object_get(activity, "office"), "member"));
        rc = collect_set_group(db, json_string_value(json_object_get(production, "id")), "meals",
                               COLLECT_DAILY, "catering", NULL, office, clock_now_ms(), err);
    }
    if (rc == EP_OK)
        LOG_INFO("seed", "demo production loaded");
out:
    if (people_failed) /* seed_people already wrote the reason */
        LOG_DEBUG("seed", "demo people refused");
    else if (rc == EP_EINVAL)
        ep_error_set(err, rc, NULL, "seed.json: %s", jerr.text);
    else if (rc != EP_OK)
        ep_error_set(err, rc, NULL, "%s", db_errmsg(db));
    json_decref(root);
    return rc;
}

int seed_send(struct app *app, struct db *db, int64_t now_ms, struct ep_error *err)
{
    json_t *root = NULL, *act, *office, *id_j, *rec = NULL, *result = NULL;
    const char *production_id = NULL, *account = NULL;
    struct commsend_by by;
    const char *code = NULL;
    char dev[96];
    json_error_t jerr;
    size_t i;
    int rc = EP_OK;

    ep_error_clear(err);
    root = json_loadb(ep_demo[0].data, ep_demo[0].size, JSON_REJECT_DUPLICATES, &jerr);
    production_id = json_string_value(json_object_get(json_object_get(root, "production"), "id"));
    act = json_object_get(root, "activity");
    office = json_object_get(act, "office");
    account = json_string_value(json_object_get(office, "account"));
    if (production_id == NULL || account == NULL) {
        rc = ep_error_set(err, EP_EINVAL, NULL, "seed.json: no production id or office account");
        goto out;
    }
    /* The office sends, as its session would: same actor as the seed's
     * office records (seed_activity). */
    memset(&by, 0, sizeof(by));
    snprintf(dev, sizeof(dev), "office-%s", account);
    by.actor.production_id = production_id;
    by.actor.device_id = dev;
    by.actor.member_id = json_string_value(json_object_get(office, "member"));
    by.actor.department = json_string_value(json_object_get(office, "department"));
    by.actor.role = SYNC_ROLE_ADMIN;
    by.account_id = account;
    json_array_foreach(json_object_get(act, "send"), i, id_j)
    {
        const char *id = json_string_value(id_j);
        const char *status;
        if (id == NULL)
            continue;
        rc = sync_record_get(db, production_id, "communications", id, &rec);
        if (rc == EP_ENOTFOUND) { /* a real database that is not the demo's */
            rc = EP_OK;
            continue;
        }
        if (rc != EP_OK)
            break;
        status = json_string_value(json_object_get(rec, "status"));
        /* Sent once: a restart with --demo sends nothing again. */
        if (status == NULL || strcmp(status, "sent") != 0) {
            rc = commsend_run(app, db, &by, id, now_ms, &result, &code, err);
            if (rc != EP_OK && err != NULL) {
                /* Copied first: the message and field are rewritten in place. */
                struct ep_error why = *err;
                ep_error_set(err, rc, ep_error_field(&why), "sending %s (%s): %s", id, code,
                             why.message);
            } else
                LOG_INFO("seed", "demo communication %s sent: %d emails queued", id,
                         (int)json_integer_value(json_object_get(result, "emails_queued")));
            json_decref(result);
            result = NULL;
        }
        json_decref(rec);
        rec = NULL;
        if (rc != EP_OK)
            break;
    }
out:
    json_decref(rec);
    json_decref(root);
    return rc;
}
