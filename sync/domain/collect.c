/* collect.c - the collection schedule and what is missing (see collect.h). */
#include "collect.h"

#include "db.h"
#include "err.h"
#include "production.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const freq_names[] = {"daily", "weekly", "monthly", "once", "none"};

int collect_freq_parse(const char *s, enum collect_freq *out)
{
    for (size_t i = 0; s != NULL && i < sizeof(freq_names) / sizeof(freq_names[0]); i++) {
        if (strcmp(s, freq_names[i]) == 0) {
            *out = (enum collect_freq)i;
            return EP_OK;
        }
    }
    return EP_EINVAL;
}

const char *collect_freq_name(enum collect_freq f)
{
    return (unsigned)f < sizeof(freq_names) / sizeof(freq_names[0]) ? freq_names[f] : "none";
}

/* ---- dates (Howard Hinnant's civil calendar algorithms) ------------------- */

static int digits(const char *s, int n, long *out)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return EP_EINVAL;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return EP_OK;
}

static long days_from_civil(long y, long m, long d)
{
    long era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d)
{
    long era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

int collect_day(const char *iso, long *out)
{
    const char *s = iso;
    long y = 0, m = 0, d = 0, day, yy = 0, mm = 0, dd = 0;

    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) != EP_OK ||
        digits(s + 5, 2, &m) != EP_OK || digits(s + 8, 2, &d) != EP_OK || m < 1 || m > 12 ||
        d < 1 || d > 31)
        return EP_EINVAL;
    day = days_from_civil(y, m, d);
    /* 2026-02-30 would otherwise quietly become 2026-03-02. */
    civil_from_days(day, &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d)
        return EP_EINVAL;
    *out = day;
    return EP_OK;
}

void collect_iso(long day, char *buf)
{
    long y, m, d;
    civil_from_days(day, &y, &m, &d);
    /* Four-digit years only (the range collect_day reads): the bounds tell
     * the compiler the text fits. */
    y = y < 0 ? 0 : y > 9999 ? 9999 : y;
    snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y, (unsigned)m % 13u, (unsigned)d % 32u);
}

/* ---- defaults -------------------------------------------------------------- */

enum collect_freq collect_default_frequency(const char *kind, const char *starts_on,
                                            const char *ends_on)
{
    long a, b, days;

    /* Animation is made in a studio over many months: a monthly statement
     * of energy, travel and purchases is what the studio can actually give. */
    if (kind != NULL && strcmp(kind, "animation") == 0)
        return COLLECT_MONTHLY;
    if (collect_day(starts_on, &a) != EP_OK || collect_day(ends_on, &b) != EP_OK || b < a)
        return COLLECT_WEEKLY;
    days = b - a + 1;
    if (days <= 21) /* a commercial, a short: every day counts */
        return COLLECT_DAILY;
    if (days <= 26L * 7) /* a feature or a documentary shoot */
        return COLLECT_WEEKLY;
    return COLLECT_MONTHLY;
}

enum collect_freq collect_indicator_frequency(enum collect_freq prod, const char *indicator)
{
    /* Read from invoices and tickets, which do not arrive daily. */
    static const char *const invoiced[] = {"train_tgv_pkm", "train_ter_pkm", "plane_short_pkm",
                                           "hotel_nights",  "paper_kg",      "furniture_new_kg"};

    if (indicator == NULL || prod == COLLECT_NONE)
        return prod;
    if (strcmp(indicator, "storage_tb_year") == 0) /* known once the rushes are archived */
        return COLLECT_ONCE;
    for (size_t i = 0; i < sizeof(invoiced) / sizeof(invoiced[0]); i++) {
        if (strcmp(indicator, invoiced[i]) == 0)
            return prod == COLLECT_DAILY ? COLLECT_WEEKLY : prod;
    }
    return prod;
}

/* ---- periods ---------------------------------------------------------------- */

static long month_end(long day)
{
    long y, m, d;
    civil_from_days(day, &y, &m, &d);
    return m == 12 ? days_from_civil(y + 1, 1, 1) - 1 : days_from_civil(y, m + 1, 1) - 1;
}

int collect_periods(enum collect_freq f, long start, long end, long until,
                    struct collect_period **out, size_t *n)
{
    struct collect_period *p = NULL;
    size_t cap, k = 0;
    long last = until < end ? until : end;
    long from = start;

    *out = NULL;
    *n = 0;
    if (end < start || end - start > 20L * 366)
        return EP_EINVAL;
    if (f == COLLECT_NONE || until < start)
        return EP_OK;
    cap = f == COLLECT_DAILY     ? (size_t)(last - start + 1)
          : f == COLLECT_WEEKLY  ? (size_t)((last - start) / 7 + 1)
          : f == COLLECT_MONTHLY ? (size_t)((last - start) / 28 + 2)
                                 : 1;
    p = malloc(cap * sizeof(*p));
    if (p == NULL)
        return EP_ENOMEM;
    while (from <= last && k < cap) {
        long to = f == COLLECT_DAILY     ? from
                  : f == COLLECT_WEEKLY  ? from + 6
                  : f == COLLECT_MONTHLY ? month_end(from)
                                         : end;
        p[k].from = from;
        p[k].to = to < end ? to : end;
        from = p[k].to + 1;
        k++;
    }
    *out = p;
    *n = k;
    return EP_OK;
}

/* ---- phases ------------------------------------------------------------------ */

static const char *const phase_names[] = {"shooting", "post_production"};

int collect_phase_parse(const char *s, enum collect_phase *out)
{
    for (size_t i = 0; s != NULL && i < sizeof(phase_names) / sizeof(phase_names[0]); i++) {
        if (strcmp(s, phase_names[i]) == 0) {
            *out = (enum collect_phase)i;
            return EP_OK;
        }
    }
    return EP_EINVAL;
}

const char *collect_phase_name(enum collect_phase ph)
{
    return ph == COLLECT_POST ? phase_names[1] : phase_names[0];
}

enum collect_phase collect_indicator_phase(const char *category)
{
    return category != NULL && strcmp(category, "postproduction") == 0 ? COLLECT_POST
                                                                       : COLLECT_SHOOTING;
}

/* 1970-01-01 was a Thursday: 0 = Sunday ... 6 = Saturday. */
static int weekday(long day)
{
    return (int)(((day % 7) + 7 + 4) % 7);
}

static int post_dated(const struct production_dates *d)
{
    return d->post_from != PRODUCTION_NO_DAY && d->post_to != PRODUCTION_NO_DAY &&
           d->post_to >= d->post_from;
}

int collect_reporting_day(const struct production_dates *d, enum collect_phase ph, long day)
{
    int wd;

    if (ph == COLLECT_SHOOTING || !post_dated(d))
        return production_shooting_day(d, day);
    wd = weekday(day);
    return day >= d->post_from && day <= d->post_to && wd >= 1 && wd <= 5;
}

int collect_item_periods(enum collect_freq f, enum collect_phase ph,
                         const struct production_dates *d, long until, struct collect_period **out,
                         size_t *n)
{
    long from = d->shoot_from, to = d->shoot_to;
    size_t k = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (ph == COLLECT_POST && post_dated(d)) {
        from = d->post_from;
        to = d->post_to;
    }
    if (from == PRODUCTION_NO_DAY || to == PRODUCTION_NO_DAY)
        return EP_OK;
    rc = collect_periods(f, from, to, until, out, n);
    for (size_t i = 0; rc == EP_OK && i < *n; i++) {
        long day = (*out)[i].from;
        while (day <= (*out)[i].to && !collect_reporting_day(d, ph, day))
            day++;
        if (day <= (*out)[i].to)
            (*out)[k++] = (*out)[i];
    }
    if (rc == EP_OK)
        *n = k;
    return rc;
}

/* ---- the schedule ------------------------------------------------------------- */

struct prod {
    char kind[32];
    char starts[11], ends[11];
    char rhythm[8];                /* the office's choice, "" = from kind and length */
    struct production_dates dates; /* shooting days (production.h) */
};

static int load_production(struct db *db, const char *production_id, struct prod *p)
{
    static const char sql[] =
        "SELECT kind, coalesce(starts_on, ''), coalesce(ends_on, '') FROM production WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(p->kind, sizeof(p->kind), "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(p->starts, sizeof(p->starts), "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(p->ends, sizeof(p->ends), "%s", (const char *)sqlite3_column_text(st, 2));
    }
    db_done(st);
    rc = rc == SQLITE_ROW ? EP_OK : rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
    if (rc == EP_OK)
        rc = production_rhythm(db, production_id, p->rhythm, sizeof(p->rhythm));
    if (rc == EP_OK)
        rc = production_dates_get(db, production_id, &p->dates);
    return rc;
}

/* Indicators the production already works with: estimated, planned, read.
 * Readings are asked indicator by indicator with a bound value, one index
 * seek each: a DISTINCT, or an EXISTS correlated on the catalogue, walked
 * every reading instead (seconds over a million). */
static int active_indicators(struct db *db, const char *production_id, json_t *set)
{
    static const char planned[] =
        "SELECT DISTINCT json_extract(state, '$.indicator') FROM sync_record "
        "WHERE production_id = ?1 AND col IN ('estimates', 'actions') AND deleted = 0 "
        "AND json_extract(state, '$.indicator') IS NOT NULL";
    static const char ids[] = "SELECT id FROM indicator";
    static const char read[] =
        "SELECT 1 FROM sync_fact WHERE production_id = ?1 AND col = 'readings' "
        "AND superseded = 0 AND void = 0 AND json_extract(fields, '$.indicator') = ?2 LIMIT 1";
    sqlite3_stmt *st = db_stmt(db, planned), *one;
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) == SQLITE_TEXT)
            json_object_set_new(set, (const char *)sqlite3_column_text(st, 0), json_true());
    }
    db_done(st);
    if (rc != SQLITE_DONE)
        return db_map_rc(rc);
    st = db_stmt(db, ids);
    one = db_stmt(db, read);
    if (st == NULL || one == NULL) {
        db_done(st);
        return EP_EIO;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        int hit;
        sqlite3_bind_text(one, 1, production_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(one, 2, id, -1, SQLITE_STATIC);
        hit = sqlite3_step(one);
        sqlite3_reset(one);
        if (hit == SQLITE_ROW)
            json_object_set_new(set, id, json_true());
        else if (hit != SQLITE_DONE) {
            rc = hit;
            break;
        }
    }
    db_done(one);
    db_done(st);
    return rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

/* The office's rows: indicator -> {"frequency","dept","member_id","member_name"}. */
static int office_rows(struct db *db, const char *production_id, json_t *rows)
{
    static const char sql[] = "SELECT s.indicator, s.frequency, s.dept, s.member_id, m.name, s.grp "
                              "FROM collect_schedule s "
                              "LEFT JOIN member m ON m.id = s.member_id WHERE s.production_id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *row = json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "frequency",
                                (const char *)sqlite3_column_text(st, 1), "dept",
                                (const char *)sqlite3_column_text(st, 2), "member_id",
                                (const char *)sqlite3_column_text(st, 3), "member_name",
                                (const char *)sqlite3_column_text(st, 4), "group",
                                (const char *)sqlite3_column_text(st, 5));
        if (row == NULL ||
            json_object_set_new(rows, (const char *)sqlite3_column_text(st, 0), row) != 0) {
            rc = EP_ENOMEM;
            break;
        }
    }
    db_done(st);
    return rc == SQLITE_DONE ? EP_OK : rc == EP_ENOMEM ? rc : db_map_rc(rc);
}

/* Sets key to the ISO day of day, or null for a phase end not given. */
static int set_day(json_t *obj, const char *key, long day)
{
    char iso[11];

    if (day == PRODUCTION_NO_DAY)
        return json_object_set_new(obj, key, json_null()) == 0 ? EP_OK : EP_ENOMEM;
    collect_iso(day, iso);
    return json_object_set_new(obj, key, json_string(iso)) == 0 ? EP_OK : EP_ENOMEM;
}

/* "first_day" and "last_day": the days a reading may carry (preparation to
 * post-production when the production has those phases, else the shoot),
 * which bound the phone's date picker. */
static int set_reading_days(json_t *obj, const struct production_dates *d)
{
    int rc =
        set_day(obj, "first_day", d->prep_from != PRODUCTION_NO_DAY ? d->prep_from : d->shoot_from);
    if (rc == EP_OK)
        rc = set_day(obj, "last_day", d->post_to != PRODUCTION_NO_DAY ? d->post_to : d->shoot_to);
    return rc;
}

/* The groups scheduled in one step: the catalogue's indicators of one theme
 * and unit (all the meal counts, whatever the diet). */
static const struct {
    const char *id, *theme, *unit;
} groups[] = {
    {"meals", "food", "meal"},
    {"waste", "waste", "kg"},
};

static int group_find(const char *group)
{
    for (size_t i = 0; group != NULL && i < sizeof(groups) / sizeof(groups[0]); i++) {
        if (strcmp(groups[i].id, group) == 0)
            return (int)i;
    }
    return -1;
}

/* The indicators of group g (an index in groups) as a new array of ids. */
static int group_members(struct db *db, int g, json_t **out)
{
    static const char sql[] = "SELECT id FROM indicator WHERE theme = ?1 AND unit = ?2 ORDER BY id";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    *out = json_array();
    if (st == NULL || *out == NULL) {
        db_done(st);
        json_decref(*out);
        *out = NULL;
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, groups[g].theme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, groups[g].unit, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (json_array_append_new(*out, json_string((const char *)sqlite3_column_text(st, 0))) !=
            0) {
            rc = EP_ENOMEM;
            break;
        }
    }
    db_done(st);
    rc = rc == SQLITE_DONE ? EP_OK : rc == EP_ENOMEM ? rc : db_map_rc(rc);
    if (rc != EP_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* Builds the schedule object; the caller holds a read transaction. */
static int schedule_in_tx(struct db *db, const char *production_id, struct prod *p, json_t **out)
{
    static const char sql[] = "SELECT id, collector, category FROM indicator ORDER BY id";
    json_t *active = json_object(), *rows = json_object(), *items = json_array();
    sqlite3_stmt *st = NULL;
    enum collect_freq pf;
    int rc;

    *out = NULL;
    memset(p, 0, sizeof(*p));
    if (active == NULL || rows == NULL || items == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    rc = load_production(db, production_id, p);
    if (rc == EP_OK)
        rc = active_indicators(db, production_id, active);
    if (rc == EP_OK)
        rc = office_rows(db, production_id, rows);
    if (rc != EP_OK)
        goto out;
    /* The rhythm the office chose on the production wins over the default. */
    if (p->rhythm[0] == '\0' || collect_freq_parse(p->rhythm, &pf) != EP_OK)
        pf = collect_default_frequency(p->kind, p->starts, p->ends);
    st = db_stmt(db, sql);
    if (st == NULL) {
        rc = EP_EIO;
        goto out;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        json_t *row = json_object_get(rows, id), *item;

        if (row != NULL)
            item = json_pack(
                "{s:s, s:O, s:O, s:O, s:O, s:s}", "indicator", id, "frequency",
                json_object_get(row, "frequency"), "dept", json_object_get(row, "dept"),
                "member_id",
                json_object_get(row, "member_id") ? json_object_get(row, "member_id") : json_null(),
                "member_name",
                json_object_get(row, "member_name") ? json_object_get(row, "member_name")
                                                    : json_null(),
                "source", "office");
        if (row != NULL && item != NULL && json_object_get(row, "group") != NULL) {
            /* A grouped line is reported by a reading of any of its group. */
            int g = group_find(json_string_value(json_object_get(row, "group")));
            json_t *members = NULL;
            if (g >= 0 && group_members(db, g, &members) == EP_OK &&
                (json_object_set(item, "group", json_object_get(row, "group")) != 0 ||
                 json_object_set_new(item, "group_indicators", members) != 0)) {
                json_decref(item);
                item = NULL;
            }
        } else if (json_object_size(active) == 0 || json_object_get(active, id) != NULL)
            item = json_pack("{s:s, s:s, s:s, s:n, s:n, s:s}", "indicator", id, "frequency",
                             collect_freq_name(collect_indicator_frequency(pf, id)), "dept",
                             (const char *)sqlite3_column_text(st, 1), "member_id", "member_name",
                             "source", "default");
        else
            continue;
        /* json_array_append_new steals item even when it fails. */
        if (item == NULL || json_array_append_new(items, item) != 0 ||
            json_object_set_new(item, "phase",
                                json_string(collect_phase_name(collect_indicator_phase(
                                    (const char *)sqlite3_column_text(st, 2))))) != 0) {
            rc = EP_ENOMEM;
            break;
        }
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        rc = rc == EP_ENOMEM ? rc : db_map_rc(rc);
        goto out;
    }
    *out = json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:o}", "production", production_id, "kind",
                     p->kind, "starts_on", p->starts[0] != '\0' ? p->starts : NULL, "ends_on",
                     p->ends[0] != '\0' ? p->ends : NULL, "frequency", collect_freq_name(pf),
                     "items", items);
    items = NULL; /* stolen by json_pack, even on failure */
    rc = *out != NULL ? set_reading_days(*out, &p->dates) : EP_ENOMEM;
out:
    json_decref(active);
    json_decref(rows);
    json_decref(items);
    return rc;
}

int collect_schedule(struct db *db, const char *production_id, json_t **out)
{
    struct prod p;
    int rc = db_begin_read(db);

    *out = NULL;
    if (rc != EP_OK)
        return rc;
    rc = schedule_in_tx(db, production_id, &p, out);
    db_rollback(db);
    return rc;
}

static int indicator_exists(struct db *db, const char *indicator)
{
    static const char sql[] = "SELECT 1 FROM indicator WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, indicator, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
}

/* EP_OK when member_id is a current member of the production in dept;
 * EP_EINVAL when not on the production; EP_ECONFLICT when in another
 * department: crew add readings of their own department only (sync/domain/authz.h),
 * so they could never fulfil the line. */
static int member_in_production(struct db *db, const char *production_id, const char *member_id,
                                const char *dept)
{
    static const char sql[] = "SELECT department FROM member WHERE id = ?1 AND production_id = ?2 "
                              "AND removed_at IS NULL";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, member_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = strcmp((const char *)sqlite3_column_text(st, 0), dept) == 0 ? EP_OK : EP_ECONFLICT;
    else
        rc = rc == SQLITE_DONE ? EP_EINVAL : db_map_rc(rc);
    db_done(st);
    return rc;
}

/* Appends one row to collect_schedule_history (0017): f NULL for a reset. */
static int log_edit(struct db *db, const char *production_id, const char *indicator, const char *f,
                    const char *dept, const char *member_id, const char *grp, const char *by,
                    int64_t now)
{
    static const char sql[] = "INSERT INTO collect_schedule_history (production_id, indicator, "
                              "frequency, dept, member_id, grp, at, by) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, indicator, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, dept, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, member_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, grp, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, now);
    sqlite3_bind_text(st, 8, by, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

/* collect_set's work inside the caller's write transaction. */
static int set_in_tx(struct db *db, const char *production_id, const char *indicator,
                     enum collect_freq f, const char *dept, const char *member_id, const char *grp,
                     const char *updated_by, int64_t now, struct ep_error *err)
{
    static const char sql[] =
        "INSERT INTO collect_schedule (production_id, indicator, frequency, dept, member_id, "
        "updated_at, updated_by, grp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
        "ON CONFLICT (production_id, indicator) DO UPDATE SET frequency = excluded.frequency, "
        "dept = excluded.dept, member_id = excluded.member_id, updated_at = excluded.updated_at, "
        "updated_by = excluded.updated_by, grp = excluded.grp";
    sqlite3_stmt *st;
    int rc = indicator_exists(db, indicator);

    if (rc == EP_ENOTFOUND)
        ep_error_set(err, rc, "indicator", "no indicator '%.64s' in the catalogue", indicator);
    if (rc == EP_OK && member_id != NULL) {
        rc = member_in_production(db, production_id, member_id, dept);
        if (rc == EP_EINVAL)
            ep_error_set(err, rc, "member_id", "member_id is not a member of this production");
        if (rc == EP_ECONFLICT)
            ep_error_set(err, rc, "dept",
                         "dept must be the department of member_id: crew record readings "
                         "for their own department only");
    }
    if (rc != EP_OK)
        return rc;
    st = db_stmt(db, sql);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, indicator, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, collect_freq_name(f), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, dept, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, member_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    sqlite3_bind_text(st, 7, updated_by, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, grp, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    db_done(st);
    rc = rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
    if (rc == EP_OK)
        rc = log_edit(db, production_id, indicator, collect_freq_name(f), dept, member_id, grp,
                      updated_by, now);
    return rc;
}

int collect_set(struct db *db, const char *production_id, const char *indicator,
                enum collect_freq f, const char *dept, const char *member_id,
                const char *updated_by, int64_t now, struct ep_error *err)
{
    int rc;

    ep_error_clear(err);
    if (dept == NULL || dept[0] == '\0' || strlen(dept) > 32)
        return ep_error_set(err, EP_EINVAL, "dept",
                            "dept must be a department name of 1 to 32 characters");
    rc = db_begin_write(db);
    if (rc != EP_OK)
        return rc;
    rc = set_in_tx(db, production_id, indicator, f, dept, member_id, NULL, updated_by, now, err);
    if (rc == EP_OK)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

int collect_groups(struct db *db, json_t **out)
{
    json_t *list = json_array(), *members = NULL;
    int rc = list == NULL ? EP_ENOMEM : EP_OK;

    *out = NULL;
    for (size_t i = 0; rc == EP_OK && i < sizeof(groups) / sizeof(groups[0]); i++) {
        rc = group_members(db, (int)i, &members);
        if (rc == EP_OK && json_array_append_new(list, json_pack("{s:s, s:o}", "id", groups[i].id,
                                                                 "indicators", members)) != 0)
            rc = EP_ENOMEM;
    }
    if (rc != EP_OK) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return EP_OK;
}

int collect_set_group(struct db *db, const char *production_id, const char *group,
                      enum collect_freq f, const char *dept, const char *member_id,
                      const char *updated_by, int64_t now, struct ep_error *err)
{
    json_t *members = NULL, *id;
    int g = group_find(group), rc;
    size_t i;

    ep_error_clear(err);
    if (g < 0)
        return ep_error_set(err, EP_ENOTFOUND, "group", "no indicator group '%.64s'", group);
    if (dept == NULL || dept[0] == '\0' || strlen(dept) > 32)
        return ep_error_set(err, EP_EINVAL, "dept",
                            "dept must be a department name of 1 to 32 characters");
    rc = db_begin_write(db);
    if (rc != EP_OK)
        return rc;
    rc = group_members(db, g, &members);
    json_array_foreach(members, i, id)
    {
        if (rc != EP_OK)
            break;
        rc = set_in_tx(db, production_id, json_string_value(id), f, dept, member_id, group,
                       updated_by, now, err);
    }
    json_decref(members);
    if (rc == EP_OK)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

int collect_reset(struct db *db, const char *production_id, const char *indicator,
                  const char *updated_by, int64_t now)
{
    static const char sql[] =
        "DELETE FROM collect_schedule WHERE production_id = ?1 AND indicator = ?2";
    sqlite3_stmt *st;
    int rc = db_begin_write(db);

    if (rc != EP_OK)
        return rc;
    rc = indicator_exists(db, indicator);
    if (rc == EP_OK) {
        st = db_stmt(db, sql);
        if (st == NULL) {
            rc = EP_EIO;
        } else {
            sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, indicator, -1, SQLITE_STATIC);
            rc = sqlite3_step(st);
            db_done(st);
            rc = rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
        }
    }
    if (rc == EP_OK)
        rc = log_edit(db, production_id, indicator, NULL, NULL, NULL, NULL, updated_by, now);
    if (rc == EP_OK)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

static json_t *history_row(sqlite3_stmt *st)
{
    const char *f = (const char *)sqlite3_column_text(st, 1);
    return json_pack("{s:s, s:s?, s:s, s:s?, s:s?, s:s?, s:s?, s:I, s:s?, s:s?}", "indicator",
                     (const char *)sqlite3_column_text(st, 0), "frequency", f, "action",
                     f != NULL ? "set" : "reset", "dept", (const char *)sqlite3_column_text(st, 2),
                     "member_id", (const char *)sqlite3_column_text(st, 3), "member_name",
                     (const char *)sqlite3_column_text(st, 4), "group",
                     (const char *)sqlite3_column_text(st, 5), "at",
                     (json_int_t)sqlite3_column_int64(st, 6), "by",
                     (const char *)sqlite3_column_text(st, 7), "by_name",
                     (const char *)sqlite3_column_text(st, 8));
}

int collect_history(struct db *db, const char *production_id, json_t **out)
{
    static const char sql[] =
        "SELECT h.indicator, h.frequency, h.dept, h.member_id, m.name, h.grp, h.at, h.by, b.name "
        "FROM collect_schedule_history h LEFT JOIN member m ON m.id = h.member_id "
        "LEFT JOIN member b ON b.id = h.by WHERE h.production_id = ?1 "
        "ORDER BY h.at DESC, h.rowid DESC LIMIT 200";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *list = json_array();
    int rc;

    *out = NULL;
    if (st == NULL || list == NULL) {
        db_done(st);
        json_decref(list);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (json_array_append_new(list, history_row(st)) != 0) {
            rc = EP_ENOMEM;
            break;
        }
    }
    db_done(st);
    rc = rc == SQLITE_DONE ? EP_OK : rc == EP_ENOMEM ? rc : db_map_rc(rc);
    if (rc != EP_OK) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return EP_OK;
}

/* ---- what is missing ---------------------------------------------------------- */

/* Whether a current reading of (indicator, dept) is dated in p: one range
 * seek in index reading_days (0006_collect.sql), whose expressions these are. */
static int covered(struct db *db, const char *production_id, const char *indicator,
                   const char *dept, const struct collect_period *p, int *ok)
{
    static const char sql[] =
        "SELECT 1 FROM sync_fact WHERE production_id = ?1 AND col = 'readings' "
        "AND superseded = 0 AND void = 0 AND json_extract(fields, '$.indicator') = ?2 "
        "AND json_extract(fields, '$.dept') = ?3 "
        "AND substr(json_extract(fields, '$.at'), 1, 10) BETWEEN ?4 AND ?5 LIMIT 1";
    sqlite3_stmt *st = db_stmt(db, sql);
    char from[11], to[11];
    int rc;

    *ok = 0;
    if (st == NULL)
        return EP_EIO;
    collect_iso(p->from, from);
    collect_iso(p->to, to);
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, indicator, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dept, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, to, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    *ok = rc == SQLITE_ROW;
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

static json_t *period_json(const struct collect_period *p)
{
    char a[11], b[11];
    collect_iso(p->from, a);
    collect_iso(p->to, b);
    return json_pack("{s:s, s:s}", "from", a, "to", b);
}

/* Fills item (a schedule item) with its periods (collect_item_periods),
 * reported count, missing periods and the current one; adds to the totals. */
static int item_status(struct db *db, const char *production_id, json_t *item, long today,
                       const struct production_dates *dates, json_int_t *expected,
                       json_int_t *reported)
{
    enum collect_freq f = COLLECT_NONE;
    enum collect_phase ph = COLLECT_SHOOTING;
    struct collect_period *p = NULL;
    json_t *missing = json_array(), *due = json_null();
    json_int_t done = 0;
    size_t n = 0;
    int rc;

    (void)collect_freq_parse(json_string_value(json_object_get(item, "frequency")), &f);
    (void)collect_phase_parse(json_string_value(json_object_get(item, "phase")), &ph);
    rc = missing == NULL ? EP_ENOMEM : collect_item_periods(f, ph, dates, today, &p, &n);
    for (size_t i = 0; rc == EP_OK && i < n; i++) {
        const json_t *group = json_object_get(item, "group_indicators");
        int ok = 0;
        if (group != NULL) {
            for (size_t k = 0; rc == EP_OK && !ok && k < json_array_size(group); k++)
                rc = covered(db, production_id, json_string_value(json_array_get(group, k)),
                             json_string_value(json_object_get(item, "dept")), &p[i], &ok);
        } else
            rc = covered(db, production_id, json_string_value(json_object_get(item, "indicator")),
                         json_string_value(json_object_get(item, "dept")), &p[i], &ok);
        if (rc != EP_OK)
            break;
        if (p[i].to < today) {
            (*expected)++;
            done += ok;
            if (!ok && json_array_append_new(missing, period_json(&p[i])) != 0)
                rc = EP_ENOMEM;
        } else {
            json_decref(due);
            due = period_json(&p[i]);
            if (due == NULL || json_object_set_new(due, "done", json_boolean(ok)) != 0)
                rc = EP_ENOMEM;
        }
    }
    free(p);
    *reported += done;
    if (rc == EP_OK &&
        (json_object_set_new(item, "periods", json_integer((json_int_t)n)) != 0 ||
         json_object_set_new(item, "reported", json_integer(done)) != 0 ||
         json_object_set(item, "missing", missing) != 0 || json_object_set(item, "due", due) != 0))
        rc = EP_ENOMEM;
    json_decref(missing);
    json_decref(due);
    return rc;
}

/* Whether kept (the items already listed) holds a line of item's group in
 * item's department. Lines set with their group share their periods and
 * their readings (collect_set_group, covered through "group_indicators"):
 * "Ce qui manque" shows them as one line (byGroup in pwa/js/ui/collect.js,
 * plan.c's group_entry: same key, group and department), so completeness
 * counts the group once, through its first line. */
static int group_counted(const json_t *kept, const json_t *item)
{
    const char *g = json_string_value(json_object_get(item, "group"));
    const char *d = json_string_value(json_object_get(item, "dept"));
    const json_t *x;
    size_t i;

    if (g == NULL || d == NULL)
        return 0;
    json_array_foreach(kept, i, x)
    {
        const char *xg = json_string_value(json_object_get(x, "group"));
        const char *xd = json_string_value(json_object_get(x, "dept"));
        if (xg != NULL && xd != NULL && strcmp(xg, g) == 0 && strcmp(xd, d) == 0)
            return 1;
    }
    return 0;
}

/* {"from","to"} of a phase, or null when not dated. */
static json_t *phase_json(long from, long to)
{
    struct collect_period p = {from, to};
    if (from == PRODUCTION_NO_DAY || to == PRODUCTION_NO_DAY)
        return json_null();
    return period_json(&p);
}

/* "calendar": what the phone needs to apply collect_item_periods and
 * production_phase_of offline. */
static int set_calendar(json_t *obj, const struct production_dates *d)
{
    json_t *off = json_array();
    char iso[11];

    for (size_t i = 0; off != NULL && i < d->n_days_off; i++) {
        collect_iso(d->days_off[i], iso);
        if (json_array_append_new(off, json_string(iso)) != 0) {
            json_decref(off);
            off = NULL;
        }
    }
    if (off == NULL)
        return EP_ENOMEM;
    return json_object_set_new(obj, "calendar",
                               json_pack("{s:o, s:o, s:o, s:o}", "preparation",
                                         phase_json(d->prep_from, d->prep_to), "shooting",
                                         phase_json(d->shoot_from, d->shoot_to), "post_production",
                                         phase_json(d->post_from, d->post_to), "days_off", off)) ==
                   0
               ? EP_OK
               : EP_ENOMEM;
}

int collect_missing(struct db *db, const char *production_id, const char *today,
                    const char *member_id, const char *dept, json_t **out)
{
    struct prod p;
    json_t *sched = NULL, *items, *kept = json_array();
    json_int_t expected = 0, reported = 0;
    long t, start = 0, end = -1;
    int dated, rc;
    size_t i;
    json_t *item;

    *out = NULL;
    if (kept == NULL)
        return EP_ENOMEM;
    if (collect_day(today, &t) != EP_OK) {
        json_decref(kept);
        return EP_EINVAL;
    }
    rc = db_begin_read(db);
    if (rc != EP_OK) {
        json_decref(kept);
        return rc;
    }
    rc = schedule_in_tx(db, production_id, &p, &sched);
    if (rc != EP_OK)
        goto out;
    dated = collect_day(p.starts, &start) == EP_OK && collect_day(p.ends, &end) == EP_OK &&
            end >= start;
    items = json_object_get(sched, "items");
    json_array_foreach(items, i, item)
    {
        const char *m = json_string_value(json_object_get(item, "member_id"));
        if (dept != NULL &&
            !(m != NULL ? member_id != NULL && strcmp(m, member_id) == 0
                        : strcmp(json_string_value(json_object_get(item, "dept")), dept) == 0))
            continue;
        if (dated) {
            json_int_t e = 0, r = 0;
            rc = item_status(db, production_id, item, t, &p.dates, &e, &r);
            if (!group_counted(kept, item)) {
                expected += e;
                reported += r;
            }
        } else if (json_object_set_new(item, "periods", json_integer(0)) != 0 ||
                   json_object_set_new(item, "reported", json_integer(0)) != 0 ||
                   json_object_set_new(item, "missing", json_array()) != 0 ||
                   json_object_set_new(item, "due", json_null()) != 0)
            rc = EP_ENOMEM;
        if (rc == EP_OK && json_array_append(kept, item) != 0)
            rc = EP_ENOMEM;
        if (rc != EP_OK)
            goto out;
    }
    *out = json_pack(
        "{s:s, s:s, s:O, s:O, s:{s:I, s:I, s:I, s:o}, s:o}", "production", production_id, "today",
        today, "starts_on",
        json_object_get(sched, "starts_on") ? json_object_get(sched, "starts_on") : json_null(),
        "ends_on",
        json_object_get(sched, "ends_on") ? json_object_get(sched, "ends_on") : json_null(),
        "completeness", "expected", expected, "reported", reported, "missing", expected - reported,
        "ratio", expected > 0 ? json_real((double)reported / (double)expected) : json_null(),
        "items", kept);
    kept = NULL;
    rc = *out != NULL ? EP_OK : EP_ENOMEM;
    if (rc == EP_OK)
        rc = json_object_set(*out, "first_day", json_object_get(sched, "first_day")) == 0 &&
                     json_object_set(*out, "last_day", json_object_get(sched, "last_day")) == 0
                 ? EP_OK
                 : EP_ENOMEM;
    if (rc == EP_OK)
        rc = set_calendar(*out, &p.dates);
out:
    if (rc != EP_OK) {
        json_decref(*out);
        *out = NULL;
    }
    db_rollback(db);
    json_decref(sched);
    json_decref(kept);
    return rc;
}

/* ---- devices gone quiet ------------------------------------------------------- */

/* The department of member_id on production_id into buf ("" if none). */
static int member_dept(struct db *db, const char *production_id, const char *member_id, char *buf,
                       size_t len)
{
    static const char sql[] = "SELECT department FROM member WHERE id = ?1 AND production_id = ?2";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    buf[0] = '\0';
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, member_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

/* The last period ended before today of the member's most frequent item
 * (assigned to them, or to anyone in dept); *found 0 when none ended yet. */
static int last_ended(const json_t *items, const struct production_dates *dates,
                      const char *member_id, const char *dept, long today,
                      struct collect_period *last, const char **freq, int *found)
{
    enum collect_freq best = COLLECT_NONE;
    enum collect_phase best_ph = COLLECT_SHOOTING;
    struct collect_period *p = NULL;
    const json_t *item;
    size_t i, n = 0;
    int rc;

    *found = 0;
    json_array_foreach(items, i, item)
    {
        const char *m = json_string_value(json_object_get(item, "member_id"));
        const char *d = json_string_value(json_object_get(item, "dept"));
        enum collect_freq f = COLLECT_NONE;
        enum collect_phase ph = COLLECT_SHOOTING;
        if (m != NULL ? strcmp(m, member_id) != 0 : d == NULL || strcmp(d, dept) != 0)
            continue;
        (void)collect_freq_parse(json_string_value(json_object_get(item, "frequency")), &f);
        (void)collect_phase_parse(json_string_value(json_object_get(item, "phase")), &ph);
        if (f < best) {
            best = f;
            best_ph = ph;
        }
    }
    if (best == COLLECT_NONE)
        return EP_OK;
    rc = collect_item_periods(best, best_ph, dates, today, &p, &n);
    for (size_t k = n; rc == EP_OK && k > 0; k--) {
        if (p[k - 1].to < today) {
            *last = p[k - 1];
            *freq = collect_freq_name(best);
            *found = 1;
            break;
        }
    }
    free(p);
    return rc;
}

int collect_flag_devices(struct db *db, const char *production_id, const char *today,
                         json_t *devices)
{
    struct prod p;
    json_t *sched = NULL, *dev;
    size_t i;
    long t;
    int rc;

    if (collect_day(today, &t) != EP_OK)
        return EP_EINVAL;
    rc = db_begin_read(db);
    if (rc != EP_OK)
        return rc;
    rc = schedule_in_tx(db, production_id, &p, &sched);
    json_array_foreach(devices, i, dev)
    {
        const char *member = json_string_value(json_object_get(dev, "member_id"));
        const json_t *sync = json_object_get(dev, "last_sync_at");
        struct collect_period last = {0, 0};
        const char *freq = NULL;
        char dept[33];
        int found = 0, stale = 0;

        if (rc != EP_OK)
            break;
        if (member == NULL || !json_is_null(json_object_get(dev, "revoked_at")))
            continue;
        rc = member_dept(db, production_id, member, dept, sizeof(dept));
        if (rc == EP_OK)
            rc = last_ended(json_object_get(sched, "items"), &p.dates, member, dept, t, &last,
                            &freq, &found);
        if (rc != EP_OK || !found)
            continue;
        /* Quiet for a whole period: no sync since before it began. A phone
         * paired after it began is not blamed for it. */
        if (json_is_integer(sync))
            stale = json_integer_value(sync) / 86400000 < last.from;
        else
            stale = json_integer_value(json_object_get(dev, "created_at")) / 86400000 < last.from;
        if (json_object_set_new(dev, "stale", json_boolean(stale)) != 0 ||
            json_object_set_new(dev, "period", period_json(&last)) != 0 ||
            json_object_set_new(dev, "frequency", json_string(freq)) != 0)
            rc = EP_ENOMEM;
    }
    db_rollback(db);
    json_decref(sched);
    return rc;
}
