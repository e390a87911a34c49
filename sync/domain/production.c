/* production.c - productions, their calendar and their rules (see production.h). */
#include "production.h"

#include "db.h"
#include "err.h"
#include "identity.h"
#include "ids.h"
#include "rows.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"fiction", "documentary", "animation", "advertising",
                                    "flux",    "series",      "short",     "other"};
static const char *const phase_names[] = {"preparation", "shooting", "post_production"};

int production_kind_valid(const char *kind)
{
    for (size_t i = 0; kind != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strcmp(kind, kinds[i]) == 0)
            return 1;
    }
    return 0;
}

/* Howard Hinnant's days_from_civil: exact for every Gregorian date. */
static long days_from_civil(long y, long m, long d)
{
    long era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int production_day(const char *iso, long *out)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long y, m, d;
    int leap;

    if (iso == NULL || strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-')
        return EP_EINVAL;
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (iso[i] < '0' || iso[i] > '9'))
            return EP_EINVAL;
    }
    y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + (iso[3] - '0');
    m = (iso[5] - '0') * 10 + (iso[6] - '0');
    d = (iso[8] - '0') * 10 + (iso[9] - '0');
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
        return EP_EINVAL;
    *out = days_from_civil(y, m, d);
    return EP_OK;
}

int production_phase_parse(const char *s, enum production_phase *out)
{
    for (int i = 0; s != NULL && i < PRODUCTION_NPHASES; i++) {
        if (strcmp(s, phase_names[i]) == 0) {
            *out = (enum production_phase)i;
            return EP_OK;
        }
    }
    return EP_EINVAL;
}

const char *production_phase_name(enum production_phase ph)
{
    return ph >= PRODUCTION_PREPARATION && ph < PRODUCTION_NPHASES ? phase_names[ph] : "shooting";
}

/* 1 when [from, to] is dated and holds day. */
static int holds(long from, long to, long day)
{
    return from != PRODUCTION_NO_DAY && to != PRODUCTION_NO_DAY && day >= from && day <= to;
}

unsigned production_phases_on(const struct production_dates *d, long day)
{
    return (holds(d->prep_from, d->prep_to, day) ? 1u << PRODUCTION_PREPARATION : 0u) |
           (holds(d->shoot_from, d->shoot_to, day) ? 1u << PRODUCTION_SHOOTING : 0u) |
           (holds(d->post_from, d->post_to, day) ? 1u << PRODUCTION_POST : 0u);
}

enum production_phase production_phase_of(const struct production_dates *d, long day,
                                          enum production_phase own)
{
    unsigned on = production_phases_on(d, day);
    static const enum production_phase order[] = {PRODUCTION_SHOOTING, PRODUCTION_PREPARATION,
                                                  PRODUCTION_POST};

    /* The schedule counts a shared day in the phase the indicator reports
     * in (collect_reporting_day), so the footprint does too. */
    if (on & (1u << own))
        return own;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (on & (1u << order[i]))
            return order[i];
    }
    if (d->shoot_from == PRODUCTION_NO_DAY || d->shoot_to == PRODUCTION_NO_DAY)
        return own;
    return day < d->shoot_from ? PRODUCTION_PREPARATION : PRODUCTION_POST;
}

/* ---- validation ------------------------------------------------------------ */

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Checks one phase {"from","to"} into from/to (PRODUCTION_NO_DAY if absent). */
static int check_phase(struct ep_error *err, const json_t *phases, const char *name, long *from,
                       long *to, json_t *out)
{
    const json_t *ph = json_object_get(phases, name);
    const char *f = NULL, *t = NULL;
    json_error_t jerr;
    char field[64];

    *from = *to = PRODUCTION_NO_DAY;
    if (ph == NULL || json_is_null(ph))
        return EP_OK;
    snprintf(field, sizeof(field), "phases.%s", name);
    if (json_unpack_ex((json_t *)ph, &jerr, JSON_STRICT, "{s:s, s:s}", "from", &f, "to", &t) != 0)
        return ep_error_set(err, EP_EINVAL, field, "%s must be {\"from\": day, \"to\": day}: %s",
                            name, jerr.text);
    snprintf(field, sizeof(field), "phases.%s.from", name);
    if (production_day(f, from) != EP_OK)
        return ep_error_set(err, EP_EINVAL, field, "'%s' is not a day (YYYY-MM-DD)", f);
    snprintf(field, sizeof(field), "phases.%s.to", name);
    if (production_day(t, to) != EP_OK)
        return ep_error_set(err, EP_EINVAL, field, "'%s' is not a day (YYYY-MM-DD)", t);
    if (*to < *from)
        return ep_error_set(err, EP_EINVAL, field, "the %s ends (%s) before it starts (%s)", name,
                            t, f);
    if (*to - *from > 10L * 366)
        return ep_error_set(err, EP_EINVAL, field, "the %s lasts more than ten years", name);
    return json_object_set_new(out, name, json_pack("{s:s, s:s}", "from", f, "to", t)) == 0
               ? EP_OK
               : EP_ENOMEM;
}

static int check_phases(struct ep_error *err, const json_t *phases, json_t *norm, long *shoot_from,
                        long *shoot_to)
{
    long from[3] = {PRODUCTION_NO_DAY, PRODUCTION_NO_DAY, PRODUCTION_NO_DAY};
    long to[3] = {PRODUCTION_NO_DAY, PRODUCTION_NO_DAY, PRODUCTION_NO_DAY};
    json_t *out = json_object();
    const char *key;
    json_t *v;
    int rc = out == NULL ? EP_ENOMEM : EP_OK;

    if (phases != NULL && !json_is_object(phases) && !json_is_null(phases))
        rc = ep_error_set(err, EP_EINVAL, "phases", "phases must be an object");
    json_object_foreach((json_t *)phases, key, v)
    {
        if (rc == EP_OK && strcmp(key, "preparation") != 0 && strcmp(key, "shooting") != 0 &&
            strcmp(key, "post_production") != 0)
            rc = ep_error_set(err, EP_EINVAL, "phases",
                              "unknown phase '%s': preparation, shooting or post_production", key);
    }
    for (int i = 0; i < 3 && rc == EP_OK; i++)
        rc = check_phase(err, phases, phase_names[i], &from[i], &to[i], out);
    /* Preparation, shooting and post-production follow each other; a
     * phase may start the day the previous one ends. */
    for (int i = 0; i < 3 && rc == EP_OK; i++) {
        for (int j = i + 1; j < 3 && rc == EP_OK; j++) {
            char field[64];
            if (from[i] == PRODUCTION_NO_DAY || from[j] == PRODUCTION_NO_DAY)
                continue;
            snprintf(field, sizeof(field), "phases.%s.from", phase_names[j]);
            if (from[j] < to[i])
                rc = ep_error_set(err, EP_EINVAL, field, "the %s must start after the %s ends",
                                  phase_names[j], phase_names[i]);
        }
    }
    if (rc == EP_OK && json_object_set(norm, "phases", out) != 0)
        rc = EP_ENOMEM;
    *shoot_from = from[1];
    *shoot_to = to[1];
    json_decref(out);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int check_days_off(struct ep_error *err, const json_t *days, long from, long to,
                          json_t *norm)
{
    const char *off[PRODUCTION_DAYS_OFF_MAX];
    size_t n = 0, i;
    json_t *v, *out;
    char field[32];

    if (days == NULL || json_is_null(days))
        return json_object_set_new(norm, "days_off", json_array()) == 0 ? EP_OK : EP_ENOMEM;
    if (!json_is_array(days))
        return ep_error_set(err, EP_EINVAL, "days_off", "days_off must be an array of days");
    if (json_array_size(days) > PRODUCTION_DAYS_OFF_MAX)
        return ep_error_set(err, EP_EINVAL, "days_off", "at most %d days off",
                            PRODUCTION_DAYS_OFF_MAX);
    if (json_array_size(days) > 0 && from == PRODUCTION_NO_DAY)
        return ep_error_set(err, EP_EINVAL, "days_off", "days off need a shooting phase");
    json_array_foreach((json_t *)days, i, v)
    {
        long day;
        snprintf(field, sizeof(field), "days_off[%zu]", i);
        if (production_day(json_string_value(v), &day) != EP_OK)
            return ep_error_set(err, EP_EINVAL, field, "not a day (YYYY-MM-DD)");
        if (day < from || day > to)
            return ep_error_set(err, EP_EINVAL, field, "%s is outside the shooting phase",
                                json_string_value(v));
        off[n++] = json_string_value(v);
    }
    /* Checked ISO days sort as text. */
    qsort(off, n, sizeof(off[0]), cmp_str);
    for (i = 1; i < n; i++) {
        if (strcmp(off[i], off[i - 1]) == 0)
            return ep_error_set(err, EP_EINVAL, "days_off", "%s is listed twice", off[i]);
    }
    out = json_array();
    for (i = 0; out != NULL && i < n; i++) {
        if (json_array_append_new(out, json_string(off[i])) != 0) {
            json_decref(out);
            out = NULL;
        }
    }
    if (out == NULL)
        return EP_ENOMEM;
    return json_object_set_new(norm, "days_off", out) == 0 ? EP_OK : EP_ENOMEM;
}

static int check_locations(struct ep_error *err, const json_t *locs, json_t *norm)
{
    json_t *out, *v;
    size_t i;
    char field[48];

    if (locs == NULL || json_is_null(locs))
        return json_object_set_new(norm, "locations", json_array()) == 0 ? EP_OK : EP_ENOMEM;
    if (!json_is_array(locs) || json_array_size(locs) > PRODUCTION_LOCATIONS_MAX)
        return ep_error_set(err, EP_EINVAL, "locations",
                            "locations must be an array of at most %d places",
                            PRODUCTION_LOCATIONS_MAX);
    out = json_array();
    if (out == NULL)
        return EP_ENOMEM;
    json_array_foreach((json_t *)locs, i, v)
    {
        const char *name = NULL, *commune = NULL;
        json_t *lat = NULL, *lon = NULL;
        int prot = 0;
        json_error_t jerr;
        json_t *loc;

        if (json_unpack_ex(v, &jerr, JSON_STRICT, "{s:s, s?s, s?o, s?o, s?b}", "name", &name,
                           "commune", &commune, "lat", &lat, "lon", &lon, "protected",
                           &prot) != 0) {
            snprintf(field, sizeof(field), "locations[%zu]", i);
            json_decref(out);
            return ep_error_set(err, EP_EINVAL, field,
                                "a location is {\"name\", \"commune\" or \"lat\"+\"lon\", "
                                "\"protected\"}: %s",
                                jerr.text);
        }
        /* null stands for absent: what production_get returns reads back. */
        lat = json_is_null(lat) ? NULL : lat;
        lon = json_is_null(lon) ? NULL : lon;
        snprintf(field, sizeof(field), "locations[%zu].name", i);
        if (strlen(name) == 0 || strlen(name) > 200) {
            json_decref(out);
            return ep_error_set(err, EP_EINVAL, field, "a location's name is 1 to 200 bytes");
        }
        snprintf(field, sizeof(field), "locations[%zu].lat", i);
        if ((lat == NULL) != (lon == NULL) || (lat != NULL && !json_is_number(lat)) ||
            (lon != NULL && !json_is_number(lon)) ||
            (lat != NULL && (json_number_value(lat) < -90 || json_number_value(lat) > 90 ||
                             json_number_value(lon) < -180 || json_number_value(lon) > 180))) {
            json_decref(out);
            return ep_error_set(err, EP_EINVAL, field,
                                "coordinates are \"lat\" (-90..90) and \"lon\" (-180..180)");
        }
        snprintf(field, sizeof(field), "locations[%zu].commune", i);
        if ((commune == NULL || commune[0] == '\0') && lat == NULL) {
            json_decref(out);
            return ep_error_set(err, EP_EINVAL, field, "a location needs a commune or coordinates");
        }
        if (commune != NULL && strlen(commune) > 200) {
            json_decref(out);
            return ep_error_set(err, EP_EINVAL, field, "a commune is at most 200 bytes");
        }
        loc = json_pack("{s:s, s:b}", "name", name, "protected", prot);
        if (loc != NULL && commune != NULL && commune[0] != '\0')
            json_object_set_new(loc, "commune", json_string(commune));
        if (loc != NULL && lat != NULL) {
            json_object_set(loc, "lat", lat);
            json_object_set(loc, "lon", lon);
        }
        if (loc == NULL || json_array_append_new(out, loc) != 0) {
            json_decref(out);
            return EP_ENOMEM;
        }
    }
    return json_object_set_new(norm, "locations", out) == 0 ? EP_OK : EP_ENOMEM;
}

static int check_departments(struct ep_error *err, const json_t *depts, json_t *norm)
{
    json_t *v;
    size_t i, j;

    if (depts == NULL || json_is_null(depts))
        return json_object_set_new(norm, "departments", json_array()) == 0 ? EP_OK : EP_ENOMEM;
    if (!json_is_array(depts) || json_array_size(depts) > PRODUCTION_DEPTS_MAX)
        return ep_error_set(err, EP_EINVAL, "departments",
                            "departments must be an array of at most %d ids", PRODUCTION_DEPTS_MAX);
    json_array_foreach((json_t *)depts, i, v)
    {
        const char *s = json_string_value(v);
        if (s == NULL || !ids_valid(s) || strlen(s) > IDENTITY_DEPT_MAX)
            return ep_error_set(err, EP_EINVAL, "departments",
                                "departments[%zu] is not a department id", i);
        for (j = 0; j < i; j++) {
            if (strcmp(s, json_string_value(json_array_get(depts, j))) == 0)
                return ep_error_set(err, EP_EINVAL, "departments", "'%s' is listed twice", s);
        }
    }
    return json_object_set(norm, "departments", (json_t *)depts) == 0 ? EP_OK : EP_ENOMEM;
}

int production_check(const json_t *in, json_t **out, struct ep_error *err)
{
    const char *title = NULL, *kind = NULL, *rhythm = "auto";
    json_t *phases = NULL, *days = NULL, *locs = NULL, *depts = NULL, *crew = NULL, *budget = NULL;
    json_t *norm = NULL;
    json_error_t jerr;
    long shoot_from, shoot_to;
    int rc;

    *out = NULL;
    ep_error_clear(err);
    if (json_unpack_ex((json_t *)in, &jerr, JSON_STRICT,
                       "{s:s, s:s, s?o, s?o, s?o, s?o, s?o, s?o, s?s}", "title", &title, "kind",
                       &kind, "phases", &phases, "days_off", &days, "locations", &locs,
                       "departments", &depts, "crew_size", &crew, "budget_eur", &budget, "rhythm",
                       &rhythm) != 0) {
        /* Jansson names a missing or unknown key after the last ": ". */
        const char *colon = strrchr(jerr.text, ':');
        return ep_error_set(err, EP_EINVAL,
                            colon != NULL && colon[1] == ' ' &&
                                    (strstr(jerr.text, "not present") != NULL ||
                                     strstr(jerr.text, "not found") != NULL ||
                                     strstr(jerr.text, "left unpacked") != NULL)
                                ? colon + 2
                                : NULL,
                            "%s", jerr.text);
    }
    if (strlen(title) == 0 || strlen(title) > PRODUCTION_TITLE_MAX)
        return ep_error_set(err, EP_EINVAL, "title", "the title is 1 to %d bytes",
                            PRODUCTION_TITLE_MAX);
    if (!production_kind_valid(kind))
        return ep_error_set(err, EP_EINVAL, "kind",
                            "'%s' is not a kind: fiction, documentary, animation, "
                            "advertising, flux, series, short or other",
                            kind);
    if (strcmp(rhythm, "auto") != 0 && strcmp(rhythm, "daily") != 0 &&
        strcmp(rhythm, "weekly") != 0 && strcmp(rhythm, "monthly") != 0)
        return ep_error_set(err, EP_EINVAL, "rhythm", "rhythm is auto, daily, weekly or monthly");
    if (crew != NULL && !json_is_null(crew) &&
        (!json_is_integer(crew) || json_integer_value(crew) < 1 ||
         json_integer_value(crew) > 100000))
        return ep_error_set(err, EP_EINVAL, "crew_size",
                            "crew_size is a whole number from 1 to 100000");
    if (budget != NULL && !json_is_null(budget) &&
        (!json_is_integer(budget) || json_integer_value(budget) < 0 ||
         json_integer_value(budget) > 10000000000LL))
        return ep_error_set(err, EP_EINVAL, "budget_eur",
                            "budget_eur is a whole number of euros, 0 to 10 billion");
    norm = json_pack("{s:s, s:s, s:s, s:O?, s:O?}", "title", title, "kind", kind, "rhythm", rhythm,
                     "crew_size", crew, "budget_eur", budget);
    if (norm == NULL)
        return EP_ENOMEM;
    if (json_object_get(norm, "crew_size") == NULL)
        json_object_set_new(norm, "crew_size", json_null());
    if (json_object_get(norm, "budget_eur") == NULL)
        json_object_set_new(norm, "budget_eur", json_null());
    rc = check_phases(err, phases, norm, &shoot_from, &shoot_to);
    if (rc == EP_OK)
        rc = check_days_off(err, days, shoot_from, shoot_to, norm);
    if (rc == EP_OK)
        rc = check_locations(err, locs, norm);
    if (rc == EP_OK)
        rc = check_departments(err, depts, norm);
    if (rc != EP_OK) {
        json_decref(norm);
        return rc;
    }
    *out = norm;
    return EP_OK;
}

/* ---- the calendar ------------------------------------------------------------ */

int production_shooting_day(const struct production_dates *d, long day)
{
    size_t lo = 0, hi = d->n_days_off;

    if (d->shoot_from == PRODUCTION_NO_DAY || day < d->shoot_from || day > d->shoot_to)
        return 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->days_off[mid] == day)
            return 0;
        if (d->days_off[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 1;
}

long production_shooting_days(const struct production_dates *d)
{
    if (d->shoot_from == PRODUCTION_NO_DAY)
        return 0;
    return d->shoot_to - d->shoot_from + 1 - (long)d->n_days_off;
}

static long col_day(sqlite3_stmt *st, int i)
{
    long d;
    if (production_day((const char *)sqlite3_column_text(st, i), &d) != EP_OK)
        return PRODUCTION_NO_DAY;
    return d;
}

int production_dates_get(struct db *db, const char *production_id, struct production_dates *out)
{
    static const char sql[] =
        "SELECT prep_from, prep_to, starts_on, ends_on, post_from, post_to, days_off "
        "FROM production WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *off = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->prep_from = col_day(st, 0);
        out->prep_to = col_day(st, 1);
        out->shoot_from = col_day(st, 2);
        out->shoot_to = col_day(st, 3);
        out->post_from = col_day(st, 4);
        out->post_to = col_day(st, 5);
        if (out->shoot_to == PRODUCTION_NO_DAY || out->shoot_to < out->shoot_from)
            out->shoot_from = out->shoot_to = PRODUCTION_NO_DAY;
        off = json_loads((const char *)sqlite3_column_text(st, 6), 0, NULL);
    }
    db_done(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
    for (size_t i = 0; i < json_array_size(off) && out->n_days_off < PRODUCTION_DAYS_OFF_MAX; i++) {
        long d;
        if (production_day(json_string_value(json_array_get(off, i)), &d) == EP_OK)
            out->days_off[out->n_days_off++] = d;
    }
    qsort(out->days_off, out->n_days_off, sizeof(long), cmp_long);
    json_decref(off);
    return EP_OK;
}

/* ---- ids ----------------------------------------------------------------------- */

/* ASCII for the two-byte UTF-8 letters French titles use (U+00C0-U+00FF). */
static char fold_latin1(unsigned char lead, unsigned char cont)
{
    static const char map[] = "aaaaaaaceeeeiiiidnooooo-ouuuuyts"  /* U+00C0..U+00DF */
                              "aaaaaaaceeeeiiiidnooooo-ouuuuyty"; /* U+00E0..U+00FF */
    unsigned cp = ((lead & 0x1Fu) << 6) | (cont & 0x3Fu);

    if (cp < 0xC0 || cp > 0xFF)
        return '-';
    return map[cp - 0xC0];
}

void production_make_id(const char *title, char *buf, size_t len)
{
    char slug[41];
    size_t n = 0;
    unsigned char raw[3];
    char hex[7];

    for (const unsigned char *p = (const unsigned char *)title; *p != '\0' && n < 40; p++) {
        char ch;
        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
            ch = (char)*p;
        else if (*p >= 'A' && *p <= 'Z')
            ch = (char)(*p - 'A' + 'a');
        else if ((*p == 0xC3) && p[1] != '\0') {
            ch = fold_latin1(p[0], p[1]);
            p++;
        } else
            ch = '-';
        if (ch == '-' && (n == 0 || slug[n - 1] == '-'))
            continue;
        slug[n++] = ch;
    }
    while (n > 0 && slug[n - 1] == '-')
        n--;
    slug[n] = '\0';
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    snprintf(buf, len, "%s%s%s", n > 0 ? slug : "production", "-", hex);
}

/* ---- storage --------------------------------------------------------------------- */

static void bind_phase(sqlite3_stmt *st, int col, const json_t *checked, const char *phase,
                       const char *end)
{
    const char *v = json_string_value(
        json_object_get(json_object_get(json_object_get(checked, "phases"), phase), end));
    if (v != NULL)
        sqlite3_bind_text(st, col, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, col);
}

static void bind_json(sqlite3_stmt *st, int col, const json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT);
    if (text != NULL)
        sqlite3_bind_text(st, col, text, -1, free);
    else
        sqlite3_bind_text(st, col, "[]", -1, SQLITE_STATIC);
}

static void bind_int_or_null(sqlite3_stmt *st, int col, const json_t *v)
{
    if (json_is_integer(v))
        sqlite3_bind_int64(st, col, json_integer_value(v));
    else
        sqlite3_bind_null(st, col);
}

/* Binds ?2..?16 from checked (shared by insert and update). */
static void bind_fields(sqlite3_stmt *st, const json_t *checked)
{
    const char *rhythm = json_string_value(json_object_get(checked, "rhythm"));
    int automatic = rhythm == NULL || strcmp(rhythm, "auto") == 0;

    sqlite3_bind_text(st, 2, json_string_value(json_object_get(checked, "title")), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, json_string_value(json_object_get(checked, "kind")), -1,
                      SQLITE_TRANSIENT);
    /* With rhythm_auto the column keeps its neutral default; collect.c derives it. */
    sqlite3_bind_text(st, 4, automatic ? "weekly" : rhythm, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, automatic);
    bind_phase(st, 6, checked, "preparation", "from");
    bind_phase(st, 7, checked, "preparation", "to");
    bind_phase(st, 8, checked, "shooting", "from");
    bind_phase(st, 9, checked, "shooting", "to");
    bind_phase(st, 10, checked, "post_production", "from");
    bind_phase(st, 11, checked, "post_production", "to");
    bind_json(st, 12, json_object_get(checked, "days_off"));
    bind_json(st, 13, json_object_get(checked, "locations"));
    bind_json(st, 14, json_object_get(checked, "departments"));
    bind_int_or_null(st, 15, json_object_get(checked, "crew_size"));
    bind_int_or_null(st, 16, json_object_get(checked, "budget_eur"));
}

/* A new production is computed with the latest emission factor set, and
 * stays on it when a newer one arrives until the office moves it
 * (docs/carbon.md, "The factor catalogue"). No set loaded: no pin. */
static int pin_latest_factors(struct db *db, const char *id, int64_t now)
{
    static const char sql[] =
        "INSERT INTO production_factor_set (production_id, version, pinned_at) "
        "SELECT ?1, max(version), ?2 FROM factor_set HAVING max(version) IS NOT NULL";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    return rows_step_done(st);
}

int production_create(struct db *db, const char *id, const char *company_id, const json_t *checked,
                      const char *account_id, const char *name, int64_t now)
{
    static const char sql[] =
        "INSERT INTO production (id, title, kind, rhythm, rhythm_auto, prep_from, prep_to, "
        "starts_on, ends_on, post_from, post_to, days_off, locations, departments, crew_size, "
        "budget_eur, company_id, created_at) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)";
    struct identity_member m;
    sqlite3_stmt *st;
    int rc = db_begin_write(db);

    if (rc != EP_OK)
        return rc;
    st = db_stmt(db, sql);
    if (st == NULL) {
        rc = EP_EIO;
        goto out;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    bind_fields(st, checked);
    sqlite3_bind_text(st, 17, company_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 18, now);
    rc = rows_step_done(st);
    if (rc == EP_OK)
        rc = pin_latest_factors(db, id, now);
    if (rc != EP_OK || account_id == NULL)
        goto out;
    /* The creator runs it until they hand it over: every production-scoped
     * route (members, invites, devices) needs a membership. */
    memset(&m, 0, sizeof(m));
    snprintf(m.production_id, sizeof(m.production_id), "%s", id);
    snprintf(m.account_id, sizeof(m.account_id), "%s", account_id);
    snprintf(m.name, sizeof(m.name), "%s", name);
    snprintf(m.department, sizeof(m.department), "production");
    m.level = 0;
    m.role = SYNC_ROLE_ADMIN;
    /* Member ids are global: make this one unique to the production. */
    {
        unsigned char raw[4];
        char hex[9];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
        snprintf(m.id, sizeof(m.id), "m-%s", hex);
    }
    rc = identity_member_create(db, &m, now);
out:
    if (rc == EP_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
}

int production_update(struct db *db, const char *production_id, const json_t *checked)
{
    static const char sql[] =
        "UPDATE production SET title = ?2, kind = ?3, rhythm = ?4, rhythm_auto = ?5, "
        "prep_from = ?6, prep_to = ?7, starts_on = ?8, ends_on = ?9, post_from = ?10, "
        "post_to = ?11, days_off = ?12, locations = ?13, departments = ?14, crew_size = ?15, "
        "budget_eur = ?16 WHERE id = ?1 AND is_company_space = 0";
    sqlite3_stmt *st;
    int rc = db_begin_write(db);

    if (rc != EP_OK)
        return rc;
    st = db_stmt(db, sql);
    if (st == NULL) {
        rc = EP_EIO;
        goto out;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    bind_fields(st, checked);
    rc = rows_step_done(st);
    if (rc == EP_OK && sqlite3_changes(db_handle(db)) == 0)
        rc = EP_ENOTFOUND;
out:
    if (rc == EP_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
}

#define SELECT_COLS                                                                                \
    "SELECT id, company_id, title, kind, rhythm, rhythm_auto, prep_from, prep_to, starts_on, "     \
    "ends_on, post_from, post_to, days_off, locations, departments, crew_size, budget_eur, "       \
    "archived_at, created_at FROM production "

static json_t *text_or_null(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL
               ? json_null()
               : json_string((const char *)sqlite3_column_text(st, i));
}

static json_t *int_or_null(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null()
                                                     : json_integer(sqlite3_column_int64(st, i));
}

static void add_phase(json_t *phases, const char *name, sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) != SQLITE_NULL && sqlite3_column_type(st, i + 1) != SQLITE_NULL)
        json_object_set_new(phases, name,
                            json_pack("{s:s, s:s}", "from",
                                      (const char *)sqlite3_column_text(st, i), "to",
                                      (const char *)sqlite3_column_text(st, i + 1)));
}

static json_t *parsed(sqlite3_stmt *st, int i)
{
    json_t *v = json_loads((const char *)sqlite3_column_text(st, i), 0, NULL);
    return v != NULL ? v : json_array();
}

/* The editable fields of the current row. */
static json_t *row_editable(sqlite3_stmt *st)
{
    json_t *phases = json_object();

    add_phase(phases, "preparation", st, 6);
    add_phase(phases, "shooting", st, 8);
    add_phase(phases, "post_production", st, 10);
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "title",
                     (const char *)sqlite3_column_text(st, 2), "kind",
                     (const char *)sqlite3_column_text(st, 3), "phases", phases, "days_off",
                     parsed(st, 12), "locations", parsed(st, 13), "departments", parsed(st, 14),
                     "crew_size", int_or_null(st, 15), "budget_eur", int_or_null(st, 16), "rhythm",
                     sqlite3_column_int(st, 5) ? "auto" : (const char *)sqlite3_column_text(st, 4));
}

static int get_row(struct db *db, const char *production_id, int full, json_t **out)
{
    static const char sql[] = SELECT_COLS "WHERE id = ?1 AND is_company_space = 0";
    sqlite3_stmt *st;
    int rc;

    *out = NULL;
    st = db_stmt(db, sql);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        json_t *o = row_editable(st);
        if (o != NULL && full) {
            struct production_dates d;
            json_object_set_new(o, "id", json_string((const char *)sqlite3_column_text(st, 0)));
            json_object_set_new(o, "company_id",
                                json_string((const char *)sqlite3_column_text(st, 1)));
            json_object_set_new(o, "archived_at", int_or_null(st, 17));
            json_object_set_new(o, "created_at", int_or_null(st, 18));
            db_done(st);
            if (production_dates_get(db, production_id, &d) == EP_OK)
                json_object_set_new(o, "shooting_days",
                                    d.shoot_from == PRODUCTION_NO_DAY
                                        ? json_null()
                                        : json_integer(production_shooting_days(&d)));
            *out = o;
            return EP_OK;
        }
        *out = o;
        db_done(st);
        return o != NULL ? EP_OK : EP_ENOMEM;
    }
    db_done(st);
    return rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
}

int production_get(struct db *db, const char *production_id, json_t **out)
{
    return get_row(db, production_id, 1, out);
}

int production_editable(struct db *db, const char *production_id, json_t **out)
{
    return get_row(db, production_id, 0, out);
}

int production_list(struct db *db, const char *account_id, json_t **out)
{
    static const char sql[] =
        "SELECT p.id, p.title, p.kind, p.starts_on, p.ends_on, p.archived_at, "
        "(SELECT m.role FROM member m WHERE m.production_id = p.id AND m.account_id = ?1 "
        " AND m.removed_at IS NULL), "
        "EXISTS (SELECT 1 FROM company_account a WHERE a.company_id = p.company_id "
        " AND a.account_id = ?1) AS admin "
        "FROM production p WHERE p.is_company_space = 0 AND (admin OR EXISTS (SELECT 1 FROM "
        "member m WHERE m.production_id = p.id AND m.account_id = ?1 AND m.removed_at IS NULL)) "
        "ORDER BY p.archived_at IS NOT NULL, p.created_at DESC, p.id";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *list = json_array();
    int rc;

    *out = NULL;
    if (st == NULL || list == NULL) {
        json_decref(list);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, account_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *row =
            json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:b}", "id",
                      (const char *)sqlite3_column_text(st, 0), "title",
                      (const char *)sqlite3_column_text(st, 1), "kind",
                      (const char *)sqlite3_column_text(st, 2), "starts_on", text_or_null(st, 3),
                      "ends_on", text_or_null(st, 4), "archived_at", int_or_null(st, 5), "role",
                      text_or_null(st, 6), "company_admin", sqlite3_column_int(st, 7));
        if (row == NULL || json_array_append_new(list, row) != 0) {
            rc = EP_ENOMEM;
            break;
        }
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(list);
        return rc == EP_ENOMEM ? rc : db_map_rc(rc);
    }
    *out = list;
    return EP_OK;
}

int production_rights(struct db *db, const char *production_id, const char *account_id, int *rights)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM company_account a WHERE a.company_id = p.company_id "
        " AND a.account_id = ?2), "
        "(SELECT m.role FROM member m WHERE m.production_id = p.id AND m.account_id = ?2 "
        " AND m.removed_at IS NULL) "
        "FROM production p WHERE p.id = ?1 AND p.is_company_space = 0";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    *rights = 0;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, account_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *role = (const char *)sqlite3_column_text(st, 1);
        if (sqlite3_column_int(st, 0) || (role != NULL && strcmp(role, "admin") == 0))
            *rights = PRODUCTION_READ | PRODUCTION_WRITE;
        else if (role != NULL)
            *rights = PRODUCTION_READ;
    }
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

int production_set_archived(struct db *db, const char *production_id, int64_t now)
{
    static const char sql[] =
        "UPDATE production SET archived_at = ?2 WHERE id = ?1 AND is_company_space = 0";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    if (now > 0)
        sqlite3_bind_int64(st, 2, now);
    else
        sqlite3_bind_null(st, 2);
    rc = rows_step_done(st);
    if (rc == EP_OK && sqlite3_changes(db_handle(db)) == 0)
        rc = EP_ENOTFOUND;
    return rc;
}

int production_archived(struct db *db, const char *production_id, int *out)
{
    static const char sql[] = "SELECT archived_at IS NOT NULL FROM production WHERE id = ?1";

    return rows_int(db, sql, out, 1, production_id);
}

int production_rhythm(struct db *db, const char *production_id, char *buf, size_t len)
{
    static const char sql[] = "SELECT rhythm, rhythm_auto FROM production WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    buf[0] = '\0';
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_int(st, 1) == 0)
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
}

/* ---- starting from an earlier production ---------------------------------------- */

int production_copy_schedule(struct db *db, const char *from, const char *to, int64_t now)
{
    static const char sql[] =
        "INSERT OR IGNORE INTO collect_schedule (production_id, indicator, frequency, dept, "
        "member_id, updated_at, updated_by) SELECT ?2, indicator, frequency, dept, NULL, ?3, "
        "NULL FROM collect_schedule WHERE production_id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    return rows_step_done(st);
}

int production_draft_actions(struct db *db, const char *from, json_t **out)
{
    static const char sql[] = "SELECT rid, state FROM sync_record WHERE production_id = ?1 "
                              "AND col = 'actions' AND deleted = 0 ORDER BY rid";
    static const char *const keep[] = {"title",    "theme",   "dept",      "indicator",
                                       "baseline", "target",  "objective", "means",
                                       "measure",  "library", "tags"};
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *list = json_array();
    int rc;

    *out = NULL;
    if (st == NULL || list == NULL) {
        json_decref(list);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *state = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
        json_t *fields = json_pack("{s:s}", "status", "draft");
        for (size_t i = 0; state != NULL && fields != NULL && i < sizeof(keep) / sizeof(keep[0]);
             i++) {
            json_t *v = json_object_get(state, keep[i]);
            if (v != NULL && !json_is_null(v))
                json_object_set(fields, keep[i], v);
        }
        json_decref(state);
        if (fields == NULL ||
            json_array_append_new(list, json_pack("{s:s, s:o}", "id",
                                                  (const char *)sqlite3_column_text(st, 0),
                                                  "fields", fields)) != 0) {
            rc = EP_ENOMEM;
            break;
        }
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(list);
        return rc == EP_ENOMEM ? rc : db_map_rc(rc);
    }
    *out = list;
    return EP_OK;
}
