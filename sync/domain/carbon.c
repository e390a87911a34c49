/*
 * carbon.c - indicators, validation of readings, the footprint and its CSV
 * (see carbon.h; the method and the factors' sources are in docs/carbon.md).
 */
#include "carbon.h"

#include "clock.h"
#include "collect.h"
#include "csv.h"
#include "db.h"
#include "embed.h"
#include "err.h"
#include "fmt.h"
#include "production.h"
#include "rows.h"
#include "strbuf.h"
#include "text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Themes, in the order a Carbon'Clap category's form asks for them (energy,
 * travel, lodging, meals, purchases, waste): the sub-sections of the
 * exports. Key, then its label's key in the text files (text.h). */
static const char *const themes[][2] = {
    {"energy", "carbon.theme.energy"},
    {"mobility", "carbon.theme.mobility"},
    {"accommodation", "carbon.theme.accommodation"},
    {"food", "carbon.theme.food"},
    {"purchases", "carbon.theme.purchases"},
    {"waste", "carbon.theme.waste"},
};
/* Carbon'Clap's eight budget categories, in its order. */
static const char *const categories[][2] = {
    {"production", "carbon.category.production"},
    {"locations", "carbon.category.locations"},
    {"sets", "carbon.category.sets"},
    {"hmc_costume", "carbon.category.hmc_costume"},
    {"transport", "carbon.category.transport"},
    {"logistics", "carbon.category.logistics"},
    {"equipment", "carbon.category.equipment"},
    {"postproduction", "carbon.category.postproduction"},
};
/* key's text (text.h) in the caller's language, by its `english` flag. */
#define TR(key) text_get(english ? "en" : "fr", (key))
#define NTHEMES (sizeof(themes) / sizeof(themes[0]))
#define NCATS (sizeof(categories) / sizeof(categories[0]))

const char *carbon_category_label(const char *key)
{
    return carbon_label(CARBON_LABEL_CATEGORY, key, "fr");
}

static const char *const units[][2] = {
    {"meal", "carbon.unit.meal"},   {"night", "carbon.unit.night"}, {"p.km", "carbon.unit.p_km"},
    {"TB.yr", "carbon.unit.tb_yr"}, {"h", "carbon.unit.hour"},      {"EUR", "carbon.unit.eur"},
    {"t.km", "carbon.unit.t_km"},   {"day", "carbon.unit.day"},     {"piece", "carbon.unit.piece"},
};
static const char *const depts[][2] = {
    {"production", "carbon.dept.production"},
    {"regie", "carbon.dept.regie"},
    {"decor", "carbon.dept.decor"},
    {"costumes", "carbon.dept.costumes"},
    {"hmc", "carbon.dept.hmc"},
    {"image", "carbon.dept.image"},
    {"son", "carbon.dept.son"},
    {"catering", "carbon.dept.catering"},
    {"post", "carbon.dept.post"},
    {"", "carbon.dept.none"},
};
static const char *const method_labels[][2] = {
    {"as recorded", "carbon.method.as_recorded"},
    {"replaced by fuel", "carbon.method.replaced_by_fuel"},
    {"distance, partly replaced by fuel", "carbon.method.distance_partly_replaced_by_fuel"},
};
/* A production's phases (production_phase_name), in their order. */
static const char *const phase_labels[][2] = {
    {"preparation", "carbon.phase.preparation"},
    {"shooting", "carbon.phase.shooting"},
    {"post_production", "carbon.phase.post_production"},
};
static const char *const statuses[][2] = {
    {"official", "carbon.status.official"},
    {"derived", "carbon.status.derived"},
    {"estimate", "carbon.status.estimate"},
};

/* key's label in a [key, text key] table, read from the text files
 * (text.h) in lang; the key itself when the table does not know it
 * (fallback: NULL key gives ""). */
static const char *lookup(const char *const (*table)[2], size_t n, const char *key,
                          const char *lang)
{
    const char *tl = fmt_is_english(lang) ? "en" : "fr";
    for (size_t i = 0; key != NULL && i < n; i++) {
        if (strcmp(table[i][0], key) == 0)
            return text_get(tl, table[i][1]);
    }
    return key != NULL ? key : "";
}

char *carbon_indicator_name(struct db *db, const char *id, const char *lang, const char *unknown,
                            char *buf, size_t len)
{
    static const char sql[] = "SELECT name_fr, name_en FROM indicator WHERE id = ?1";
    sqlite3_stmt *st = id != NULL ? db_stmt(db, sql) : NULL;

    snprintf(buf, len, "%s", unknown);
    if (st == NULL)
        return buf;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, fmt_is_english(lang)));
    db_done(st);
    return buf;
}

const char *carbon_label(enum carbon_label_kind kind, const char *key, const char *lang)
{
    switch (kind) {
    case CARBON_LABEL_CATEGORY:
        return lookup(categories, NCATS, key, lang);
    case CARBON_LABEL_THEME:
        return lookup(themes, NTHEMES, key, lang);
    case CARBON_LABEL_UNIT:
        return lookup(units, sizeof(units) / sizeof(units[0]), key, lang);
    case CARBON_LABEL_DEPT:
        return lookup(depts, sizeof(depts) / sizeof(depts[0]), key, lang);
    case CARBON_LABEL_METHOD:
        return lookup(method_labels, sizeof(method_labels) / sizeof(method_labels[0]),
                      key != NULL ? key : "as recorded", lang);
    case CARBON_LABEL_PHASE:
        return lookup(phase_labels, sizeof(phase_labels) / sizeof(phase_labels[0]), key, lang);
    case CARBON_LABEL_STATUS:
        return lookup(statuses, sizeof(statuses) / sizeof(statuses[0]),
                      key != NULL && key[0] != '\0' ? key : "estimate", lang);
    }
    return key != NULL ? key : "";
}

const char *carbon_unit_label(const char *unit)
{
    return carbon_label(CARBON_LABEL_UNIT, unit, "fr");
}

const char *carbon_dept_label(const char *dept)
{
    return carbon_label(CARBON_LABEL_DEPT, dept, "fr");
}

const char *carbon_theme_label(const char *key)
{
    return carbon_label(CARBON_LABEL_THEME, key, "fr");
}

/* ---- the production's dates ---------------------------------------------- */

/* The production's own shooting days in from..to_inclusive: its shooting
 * phase minus its declared days off (production_shooting_day), so a
 * Saturday shoot counts and a rest day does not. */
static long shooting_days(const struct production_dates *pd, long from, long to_inclusive)
{
    long n = 0;
    for (long d = from; d <= to_inclusive; d++)
        n += production_shooting_day(pd, d);
    return n;
}

int carbon_span_of(struct db *db, const char *production_id, const char *today,
                   struct carbon_span *out)
{
    static const char sql[] = "SELECT starts_on, ends_on FROM production WHERE id = ?1";
    sqlite3_stmt *st;
    char now[11];
    long t;
    int rc;

    memset(out, 0, sizeof(*out));
    if (today == NULL) {
        time_t secs = (time_t)(clock_now_ms() / 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        strftime(now, sizeof(now), "%Y-%m-%d", &tm);
        today = now;
    }
    if (collect_day(today, &t) != EP_OK)
        return EP_EINVAL;
    st = db_stmt(db, sql);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(st, 0);
        const char *b = (const char *)sqlite3_column_text(st, 1);
        if (collect_day(a, &out->start) == EP_OK && collect_day(b, &out->end) == EP_OK &&
            out->start <= out->end) {
            out->has_dates = 1;
            snprintf(out->starts_on, sizeof(out->starts_on), "%s", a);
            snprintf(out->ends_on, sizeof(out->ends_on), "%s", b);
        }
    }
    db_done(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
    if (out->has_dates) {
        struct production_dates pd;
        out->first = out->start;
        out->last = out->end;
        rc = production_dates_get(db, production_id, &pd);
        if (rc != EP_OK)
            return rc;
        /* Preparation and post-production readings (a scouting trip, the
         * rushes' storage) belong to the production too. */
        if (pd.prep_from != PRODUCTION_NO_DAY && pd.prep_from < out->first)
            out->first = pd.prep_from;
        if (pd.post_to != PRODUCTION_NO_DAY && pd.post_to > out->last)
            out->last = pd.post_to;
        else if (pd.post_from != PRODUCTION_NO_DAY && pd.post_from > out->last)
            out->last = pd.post_from;
        out->total_days = production_shooting_days(&pd);
        /* Days that ended: today's readings may still be coming in. */
        out->elapsed_days =
            t <= out->start ? 0
                            : shooting_days(&pd, out->start, t - 1 < out->end ? t - 1 : out->end);
        out->closed = t > out->end;
    }
    return EP_OK;
}

static const char *kind_label(const char *kind, const char *lang)
{
    static const char *const kinds[][2] = {
        {"fiction", "carbon.kind.fiction"},     {"documentary", "carbon.kind.documentary"},
        {"animation", "carbon.kind.animation"}, {"advertising", "carbon.kind.advertising"},
        {"flux", "carbon.kind.flux"},           {"series", "carbon.kind.series"},
        {"short", "carbon.kind.short"},         {"other", "carbon.kind.other_kind"},
    };
    return lookup(kinds, sizeof(kinds) / sizeof(kinds[0]), kind, lang);
}

static int add_pair(json_t *rows, const char *label, const char *value)
{
    return json_array_append_new(rows, json_pack("[s, s]", label, value)) == 0 ? EP_OK : EP_ENOMEM;
}

/* "du 7 septembre 2026 au 25 septembre 2026", or fallback when a bound is
 * missing. */
static void span_text(const char *from, const char *to, const char *fallback, const char *lang,
                      char *buf, size_t len)
{
    char a[FMT_MAX], b[FMT_MAX];
    if (from == NULL || to == NULL || fmt_date(a, sizeof(a), from, FMT_DATE_MEDIUM, lang) == NULL ||
        fmt_date(b, sizeof(b), to, FMT_DATE_MEDIUM, lang) == NULL) {
        snprintf(buf, len, "%s", fallback);
        return;
    }
    text_fmtbuf(buf, len, fmt_is_english(lang) ? "en" : "fr", "carbon.header.span", "from", a, "to",
                b, NULL);
}

/* The forecast the comparison uses (forecast_compare's "forecast"). When
 * it was filed with another factor set than the one the readings are
 * computed with (now), it says so: part of the gaps is the change of
 * factors, not of activity (docs/carbon.md, "The forecast, filed"). */
static void forecast_text(const json_t *fc, int now, const char *lang, char *buf, size_t len)
{
    int english = fmt_is_english(lang);
    const json_t *v = json_object_get(fc, "version");
    const char *tl = english ? "en" : "fr";
    char day[FMT_MAX] = "", iso[11], num[24], set[24], label[121];
    time_t secs;
    struct tm tm;

    if (!json_is_integer(v)) {
        snprintf(buf, len, "%s", TR("carbon.header.forecast_none"));
        return;
    }
    secs = (time_t)(json_integer_value(json_object_get(fc, "filed_at")) / 1000);
    gmtime_r(&secs, &tm);
    strftime(iso, sizeof(iso), "%Y-%m-%d", &tm);
    fmt_date(day, sizeof(day), iso, FMT_DATE_MEDIUM, lang);
    snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
    snprintf(set, sizeof(set), "%lld",
             (long long)json_integer_value(json_object_get(fc, "factor_version")));
    /* A long label is cut at 120 bytes, so the line keeps its end. */
    snprintf(label, sizeof(label), "%.120s",
             json_string_value(json_object_get(fc, "label")) != NULL
                 ? json_string_value(json_object_get(fc, "label"))
                 : "");
    text_fmtbuf(buf, len, tl, "carbon.header.forecast_filed", "version", num, "label", label,
                "date", day, "set", set, NULL);
    if (now > 0 && json_integer_value(json_object_get(fc, "factor_version")) != now) {
        size_t used = strlen(buf);
        snprintf(num, sizeof(num), "%d", now);
        text_fmtbuf(buf + used, len - used, tl, "carbon.header.forecast_other_set", "set", num,
                    NULL);
    }
}

int carbon_export_header(struct db *db, const char *production_id, const json_t *cmp, json_t **out)
{
    return carbon_export_header_lang(db, production_id, cmp, "fr", out);
}

int carbon_export_header_lang(struct db *db, const char *production_id, const json_t *cmp,
                              const char *lang, json_t **out)
{
    static const char prod_sql[] =
        "SELECT p.title, c.name, p.kind, p.prep_from, p.prep_to, p.starts_on, p.ends_on, "
        "p.post_from, p.post_to FROM production p JOIN company c ON c.id = p.company_id "
        "WHERE p.id = ?1";
    static const char period_sql[] =
        "SELECT min(substr(json_extract(fields, '$.at'), 1, 10)), "
        "max(substr(json_extract(fields, '$.at'), 1, 10)) FROM sync_fact "
        "WHERE production_id = ?1 AND col = 'readings' AND superseded = 0 AND void = 0";
    static const char set_sql[] = "SELECT published FROM factor_set WHERE version = ?1";
    int english = fmt_is_english(lang);
    const json_t *fin = json_object_get(cmp, "final");
    const json_t *span = json_object_get(cmp, "span");
    const json_t *coll = json_object_get(cmp, "collection");
    const char *status = json_string_value(json_object_get(cmp, "status"));
    json_t *rows = json_array();
    sqlite3_stmt *st;
    char text[512], a[FMT_MAX], b[FMT_MAX], c[FMT_MAX];
    int rc, version = (int)json_integer_value(json_object_get(fin, "factor_version"));

    *out = NULL;
    if (rows == NULL)
        return EP_ENOMEM;
    st = db_stmt(db, prod_sql);
    if (st == NULL) {
        json_decref(rows);
        return EP_EIO;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
#define COL(i) ((const char *)sqlite3_column_text(st, (i)))
        rc = add_pair(rows, "Production", COL(0));
        if (rc == EP_OK)
            rc = add_pair(rows, TR("carbon.header.company"), COL(1));
        if (rc == EP_OK)
            rc = add_pair(rows, TR("carbon.header.kind"), kind_label(COL(2), lang));
        span_text(COL(3), COL(4), TR("carbon.header.not_given_f"), lang, text, sizeof(text));
        if (rc == EP_OK)
            rc = add_pair(rows, TR("carbon.header.preparation"), text);
        span_text(COL(5), COL(6), TR("carbon.header.not_given_m"), lang, text, sizeof(text));
        if (rc == EP_OK)
            rc = add_pair(rows, TR("carbon.header.shooting"), text);
        span_text(COL(7), COL(8), TR("carbon.header.not_given_f"), lang, text, sizeof(text));
        if (rc == EP_OK)
            rc = add_pair(rows, TR("carbon.header.post_production"), text);
#undef COL
    } else {
        rc = rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
    }
    db_done(st);
    if (rc == EP_OK) {
        long long elapsed = (long long)json_integer_value(json_object_get(span, "elapsed_days"));
        long long total = (long long)json_integer_value(json_object_get(span, "total_days"));
        if (status != NULL && strcmp(status, "clos") == 0)
            snprintf(text, sizeof(text), "%s", TR("carbon.header.closed"));
        else if (total > 0) {
            char e[24], t[24];
            snprintf(e, sizeof(e), "%lld", elapsed);
            snprintf(t, sizeof(t), "%lld", total);
            text_fmtbuf(text, sizeof(text), english ? "en" : "fr", "carbon.header.running",
                        "elapsed", e, "total", t, NULL);
        } else
            snprintf(text, sizeof(text), "%s", TR("carbon.header.running_no_dates"));
        rc = add_pair(rows, TR("carbon.header.status"), text);
    }
    if (rc == EP_OK && json_is_object(json_object_get(cmp, "forecast"))) {
        forecast_text(json_object_get(cmp, "forecast"), version, lang, text, sizeof(text));
        rc = add_pair(rows, TR("carbon.header.forecast"), text);
    }
    st = rc == EP_OK ? db_stmt(db, period_sql) : NULL;
    if (rc == EP_OK && st == NULL)
        rc = EP_EIO;
    if (st != NULL) {
        sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            span_text((const char *)sqlite3_column_text(st, 0),
                      (const char *)sqlite3_column_text(st, 1), TR("carbon.header.no_reading"),
                      lang, text, sizeof(text));
        else
            snprintf(text, sizeof(text), "%s", TR("carbon.header.no_reading"));
        db_done(st);
        rc = add_pair(rows, TR("carbon.header.period"), text);
    }
    st = rc == EP_OK ? db_stmt(db, set_sql) : NULL;
    if (rc == EP_OK && st == NULL)
        rc = EP_EIO;
    if (st != NULL) {
        sqlite3_bind_int(st, 1, version);
        snprintf(c, sizeof(c), "%d", version);
        if (sqlite3_step(st) == SQLITE_ROW &&
            fmt_date(a, sizeof(a), (const char *)sqlite3_column_text(st, 0), FMT_DATE_MEDIUM,
                     lang) != NULL)
            text_fmtbuf(text, sizeof(text), english ? "en" : "fr",
                        "carbon.header.factor_set_published", "n", c, "date", a, NULL);
        else
            text_fmtbuf(text, sizeof(text), english ? "en" : "fr", "carbon.header.factor_set_no",
                        "n", c, NULL);
        db_done(st);
        rc = add_pair(rows, TR("carbon.header.factor_set"), text);
    }
    if (rc == EP_OK) {
        json_t *share = json_object_get(json_object_get(cmp, "coverage"), "share");
        if (json_is_number(share))
            text_fmtbuf(text, sizeof(text), english ? "en" : "fr", "carbon.header.share", "share",
                        fmt_percent(a, sizeof(a), json_number_value(share), 0, 0, lang), NULL);
        else
            snprintf(text, sizeof(text), "%s", TR("carbon.header.nothing_expected"));
        rc = add_pair(rows, TR("carbon.header.completeness"), text);
    }
    if (rc == EP_OK && json_is_object(coll) && json_is_number(json_object_get(coll, "ratio"))) {
        text_fmtbuf(
            text, sizeof(text), english ? "en" : "fr", "carbon.header.collection_ratio", "read",
            fmt_number(a, sizeof(a), (double)json_integer_value(json_object_get(coll, "reported")),
                       0, lang),
            "due",
            fmt_number(b, sizeof(b), (double)json_integer_value(json_object_get(coll, "expected")),
                       0, lang),
            "ratio",
            fmt_percent(c, sizeof(c), json_number_value(json_object_get(coll, "ratio")), 0, 0,
                        lang),
            NULL);
        rc = add_pair(rows, TR("carbon.header.collection"), text);
    }
    if (rc == EP_OK) {
        size_t n = json_array_size(json_object_get(cmp, "missing"));
        if (n == 0)
            snprintf(text, sizeof(text), "%s", TR("carbon.header.none"));
        else {
            char num[24];
            snprintf(num, sizeof(num), "%zu", n);
            text_fmtbuf(text, sizeof(text), english ? "en" : "fr", "carbon.header.missing_count",
                        "n", num, NULL);
        }
        rc = add_pair(rows, TR("carbon.header.estimated_not_read"), text);
    }
    if (rc != EP_OK) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return EP_OK;
}

int carbon_production_label(struct db *db, const char *production_id, char *buf, size_t len)
{
    static const char sql[] = "SELECT p.title, c.name FROM production p JOIN company c "
                              "ON c.id = p.company_id WHERE p.id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(buf, len, "%s (%s)", (const char *)sqlite3_column_text(st, 0),
                 (const char *)sqlite3_column_text(st, 1));
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : (rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc));
}

int carbon_span_contains(const struct carbon_span *span, const char *date)
{
    long d;
    if (collect_day(date, &d) != EP_OK)
        return 0;
    return !span->has_dates || (d >= span->first && d <= span->last);
}

/* ---- validation ---------------------------------------------------------- */

/* "at" is an ISO date, optionally followed by a time ("2026-09-21T18:00"). */
static int at_day(const char *at, char day[11])
{
    long d;
    if (at == NULL || strlen(at) < 10 || (at[10] != '\0' && at[10] != 'T'))
        return EP_EINVAL;
    memcpy(day, at, 10);
    day[10] = '\0';
    return collect_day(day, &d);
}

static int indicator_measures(struct db *db, const char *ind, char *unit, size_t unitlen,
                              char *measures, size_t mlen, char *theme, size_t tlen)
{
    static const char sql[] =
        "SELECT unit, coalesce(measures, ''), theme FROM indicator WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, ind, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(unit, unitlen, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(measures, mlen, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(theme, tlen, "%s", (const char *)sqlite3_column_text(st, 2));
    }
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : (rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc));
}

/* How many live fleet entries the production has, and whether vehicle (may
 * be NULL) is one of them. */
static int fleet_lookup(struct db *db, const char *production_id, const char *vehicle, int *entries,
                        int *found)
{
    static const char sql[] = "SELECT count(*), coalesce(sum(rid = ?2), 0) FROM sync_record "
                              "WHERE production_id = ?1 AND col = 'fleet' AND deleted = 0 "
                              "AND coalesce(json_extract(state, '$._deleted'), 0) = 0";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    *entries = *found = 0;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, vehicle != NULL ? vehicle : "", -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *entries = sqlite3_column_int(st, 0);
        *found = sqlite3_column_int(st, 1) > 0;
    }
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : db_map_rc(rc);
}

/* The fields of the reading rid corrects, NULL when it has not arrived. */
static int corrected_fields(struct db *db, const char *production_id, const char *rid, json_t **out)
{
    static const char sql[] = "SELECT fields FROM sync_fact WHERE col = 'readings' AND rid = ?1 "
                              "AND production_id = ?2";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    *out = NULL;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, rid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

static int refuse(char *code, size_t codelen, const char *c, char *reason, size_t reasonlen,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int refuse(char *code, size_t codelen, const char *c, char *reason, size_t reasonlen,
                  const char *fmt, ...)
{
    va_list ap;
    snprintf(code, codelen, "%s", c);
    va_start(ap, fmt);
    if (vsnprintf(reason, reasonlen, fmt, ap) < 0 && reasonlen > 0)
        reason[0] = '\0';
    va_end(ap);
    return EP_EINVAL;
}

/* The checks of a reading against its production (see carbon.h). */
static int validate_in_production(struct db *db, const char *production_id,
                                  const struct sync_op *op, const char *measures, const char *theme,
                                  char *code, size_t codelen, char *reason, size_t reasonlen)
{
    const char *at = json_string_value(json_object_get(op->fields, "at"));
    const char *vehicle = json_string_value(json_object_get(op->fields, "vehicle"));
    const char *sup = json_string_value(json_object_get(op->fields, "supersedes"));
    struct carbon_span span;
    int entries = 0, found = 0;
    char day[11];
    int rc;

    if (at_day(at, day) != EP_OK) /* checked by the caller */
        return EP_EINVAL;
    rc = carbon_span_of(db, production_id, NULL, &span);
    if (rc == EP_ENOTFOUND)
        return EP_OK; /* the engine refuses pushes to unknown productions */
    if (rc != EP_OK)
        return rc;
    if (!carbon_span_contains(&span, day))
        return refuse(code, codelen, "invalid_date", reason, reasonlen,
                      "field 'at': %s is outside the production's dates (%s to %s)", day,
                      span.starts_on, span.ends_on);
    if (sup != NULL) {
        json_t *orig = NULL;
        const char *k;
        json_t *v;
        rc = corrected_fields(db, production_id, sup, &orig);
        if (rc != EP_OK)
            return rc;
        json_object_foreach(orig, k, v)
        {
            if (strcmp(k, "value") == 0 || strcmp(k, "at") == 0 || strcmp(k, "note") == 0 ||
                strcmp(k, "supersedes") == 0 || json_object_get(op->fields, k) != NULL)
                continue;
            rc = refuse(code, codelen, "correction_incomplete", reason, reasonlen,
                        "field '%s': a correction keeps every field of the reading it corrects", k);
            break;
        }
        json_decref(orig);
        if (rc != EP_OK)
            return rc;
    }
    rc = fleet_lookup(db, production_id, vehicle, &entries, &found);
    if (rc != EP_OK)
        return rc;
    /* Once the office registered a fleet, a vehicle is one of its entries,
     * never free text: two spellings of one van would be two sources. */
    if (entries > 0 && vehicle != NULL && !found)
        return refuse(code, codelen, "unknown_vehicle", reason, reasonlen,
                      "field 'vehicle': '%.64s' is not in the production's fleet", vehicle);
    if (entries > 0 && vehicle == NULL && strcmp(theme, "mobility") == 0 &&
        (strcmp(measures, "distance") == 0 || strcmp(measures, "fuel") == 0))
        return refuse(code, codelen, "vehicle_required", reason, reasonlen,
                      "field 'vehicle': name the vehicle from the production's fleet");
    return rc;
}

int carbon_validate_op(void *ctx, struct db *db, const struct sync_op *op, char *code,
                       size_t codelen, char *reason, size_t reasonlen)
{
    const struct carbon_vctx *vc = ctx;
    const char *ind, *unit, *at;
    char want[17], measures[17], theme[17], day[11];
    enum production_phase ph;
    json_t *value, *phase;
    int rc;

    if (strcmp(op->col, "readings") != 0 && strcmp(op->col, "estimates") != 0)
        return EP_OK;
    if (json_is_true(json_object_get(op->fields, "void")))
        return EP_OK;
    ind = json_string_value(json_object_get(op->fields, "indicator"));
    unit = json_string_value(json_object_get(op->fields, "unit"));
    value = json_object_get(op->fields, "value");
    if (ind == NULL) /* a partial put of an estimate need not repeat it */
        return EP_OK;
    if (value != NULL && (!json_is_number(value) || json_number_value(value) < 0))
        return refuse(code, codelen, "invalid_value", reason, reasonlen,
                      "field 'value' must be a number of at least 0");
    rc = indicator_measures(db, ind, want, sizeof(want), measures, sizeof(measures), theme,
                            sizeof(theme));
    if (rc == EP_ENOTFOUND)
        return refuse(code, codelen, "unknown_indicator", reason, reasonlen,
                      "field 'indicator': no indicator '%.64s' in the catalogue", ind);
    if (rc != EP_OK)
        return rc;
    if (unit != NULL && strcmp(unit, want) != 0)
        return refuse(code, codelen, "wrong_unit", reason, reasonlen,
                      "field 'unit': '%s' is recorded in %s, not in %.16s", ind, want, unit);
    if (strcmp(op->col, "readings") != 0)
        return EP_OK;
    at = json_string_value(json_object_get(op->fields, "at"));
    if (at_day(at, day) != EP_OK)
        return refuse(code, codelen, "invalid_date", reason, reasonlen,
                      "field 'at' must be an ISO date (YYYY-MM-DD), not '%.32s'",
                      at != NULL ? at : "");
    phase = json_object_get(op->fields, "phase");
    if (phase != NULL && production_phase_parse(json_string_value(phase), &ph) != EP_OK)
        return refuse(code, codelen, "invalid_phase", reason, reasonlen,
                      "field 'phase' must be preparation, shooting or post_production, not "
                      "'%.32s'",
                      json_is_string(phase) ? json_string_value(phase) : "");
    if (vc == NULL || vc->production_id == NULL)
        return EP_OK;
    return validate_in_production(db, vc->production_id, op, measures, theme, code, codelen, reason,
                                  reasonlen);
}

/* ---- catalogue ------------------------------------------------------------ */

struct ind {
    char id[65];
    char name_fr[129];
    char name_en[129];
    char unit[17];
    char theme[17];
    char category[17];
    char factor_id[65]; /* "" = no factor */
    double review_above;
    double factor;      /* kgCO2e per unit */
    double uncertainty; /* relative */
    int confirmed;
    char official_id[17];
    char source[256];
    char status[12];  /* official, derived, estimate */
    char method[600]; /* how a derived or estimated value was obtained */
};

struct catalogue {
    struct ind *items;
    size_t n;
};

static const char cat_sql[] =
    "SELECT i.id, i.unit, i.theme, i.category, coalesce(i.factor_id, ''), i.review_above, "
    "f.value, f.uncertainty, f.confirmed, coalesce(f.official_id, ''), coalesce(f.source_url, ''), "
    "i.name_fr, coalesce(f.status, ''), coalesce(f.method, ''), coalesce(i.name_en, i.name_fr) "
    "FROM indicator i LEFT JOIN emission_factor f ON f.id = i.factor_id AND f.version = ?1 "
    "ORDER BY i.id";

static int load_catalogue(struct db *db, int version, struct catalogue *c)
{
    sqlite3_stmt *st = db_stmt(db, cat_sql);
    size_t cap = 0;
    int rc;

    memset(c, 0, sizeof(*c));
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_int(st, 1, version);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct ind *x;
        if (c->n == cap) {
            size_t ncap = cap == 0 ? 32 : cap * 2;
            struct ind *n = realloc(c->items, ncap * sizeof(*n));
            if (n == NULL) {
                rc = EP_ENOMEM;
                break;
            }
            c->items = n;
            cap = ncap;
        }
        x = &c->items[c->n++];
        memset(x, 0, sizeof(*x));
        snprintf(x->id, sizeof(x->id), "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(x->unit, sizeof(x->unit), "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(x->theme, sizeof(x->theme), "%s", (const char *)sqlite3_column_text(st, 2));
        snprintf(x->category, sizeof(x->category), "%s", (const char *)sqlite3_column_text(st, 3));
        snprintf(x->factor_id, sizeof(x->factor_id), "%s",
                 (const char *)sqlite3_column_text(st, 4));
        x->review_above = sqlite3_column_double(st, 5);
        if (sqlite3_column_type(st, 6) == SQLITE_NULL)
            x->factor_id[0] = '\0'; /* no factor in this set */
        x->factor = sqlite3_column_double(st, 6);
        x->uncertainty = sqlite3_column_double(st, 7);
        x->confirmed = sqlite3_column_int(st, 8);
        snprintf(x->official_id, sizeof(x->official_id), "%s",
                 (const char *)sqlite3_column_text(st, 9));
        snprintf(x->source, sizeof(x->source), "%s", (const char *)sqlite3_column_text(st, 10));
        snprintf(x->name_fr, sizeof(x->name_fr), "%s", (const char *)sqlite3_column_text(st, 11));
        snprintf(x->status, sizeof(x->status), "%s", (const char *)sqlite3_column_text(st, 12));
        snprintf(x->method, sizeof(x->method), "%s", (const char *)sqlite3_column_text(st, 13));
        snprintf(x->name_en, sizeof(x->name_en), "%s", (const char *)sqlite3_column_text(st, 14));
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        free(c->items);
        memset(c, 0, sizeof(*c));
        return rc == EP_ENOMEM ? rc : db_map_rc(rc);
    }
    return EP_OK;
}

static const struct ind *find_ind(const struct catalogue *c, const char *id)
{
    /* Sorted by id (ORDER BY), so a binary search. */
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int cmp = strcmp(c->items[mid].id, id);
        if (cmp == 0)
            return &c->items[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int latest_version(struct db *db, int *version)
{
    static const char sql[] = "SELECT max(version) FROM factor_set";

    /* No set loaded: max() is NULL, which rows_int() reports as not found. */
    return rows_int(db, sql, version, 0);
}

static int version_exists(struct db *db, int version)
{
    static const char sql[] = "SELECT 1 FROM factor_set WHERE version = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_int(st, 1, version);
    rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : (rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc));
}

/* ---- factor sets as data --------------------------------------------------- */

/* Inserts one factor of a set being loaded; validated field by field. */
static int load_factor(struct db *db, int version, json_t *f, struct ep_error *err)
{
    static const char sql[] =
        "INSERT INTO emission_factor (version, id, value, unit, name_fr, official_name, "
        "official_id, year, source_url, uncertainty, confirmed, note, status, method) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
    const char *id, *unit, *name, *url, *status, *oname, *oid, *method, *note;
    json_t *year = NULL, *jon = NULL, *joi = NULL, *jm = NULL, *jn = NULL;
    double value, unc;
    json_error_t jerr;
    sqlite3_stmt *st;
    int rc;

    if (json_unpack_ex(f, &jerr, JSON_STRICT,
                       "{s:s, s:F, s:s, s:s, s?o, s?o, s?o, s:s, s:F, s:s, s?o, s?o}", "id", &id,
                       "value", &value, "unit", &unit, "name_fr", &name, "official_name", &jon,
                       "official_id", &joi, "year", &year, "source_url", &url, "uncertainty", &unc,
                       "status", &status, "method", &jm, "note", &jn) != 0) {
        ep_error_set(err, EP_EINVAL, NULL, "factor set %d: %s", version, jerr.text);
        return EP_EINVAL;
    }
    /* Optional texts are a string or null; anything else is a mistake. */
    if ((jon != NULL && !json_is_null(jon) && !json_is_string(jon)) ||
        (joi != NULL && !json_is_null(joi) && !json_is_string(joi)) ||
        (jm != NULL && !json_is_null(jm) && !json_is_string(jm)) ||
        (jn != NULL && !json_is_null(jn) && !json_is_string(jn)) ||
        (year != NULL && !json_is_null(year) && !json_is_integer(year)) ||
        (strcmp(status, "official") != 0 && strcmp(status, "derived") != 0 &&
         strcmp(status, "estimate") != 0)) {
        ep_error_set(err, EP_EINVAL, NULL,
                     "factor set %d: factor '%s' has a field of the wrong type", version, id);
        return EP_EINVAL;
    }
    oname = json_string_value(jon);
    oid = json_string_value(joi);
    method = json_string_value(jm);
    note = json_string_value(jn);
    /* A derived or estimated value must show how it was obtained. */
    if (strcmp(status, "official") != 0 && (method == NULL || method[0] == '\0')) {
        ep_error_set(err, EP_EINVAL, NULL, "factor set %d: factor '%s' is %s without a method",
                     version, id, status);
        return EP_EINVAL;
    }
    st = db_stmt(db, sql);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_int(st, 1, version);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 3, value);
    sqlite3_bind_text(st, 4, unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, oname, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, oid, -1, SQLITE_STATIC);
    if (json_is_integer(year))
        sqlite3_bind_int64(st, 8, json_integer_value(year));
    else
        sqlite3_bind_null(st, 8);
    sqlite3_bind_text(st, 9, url, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 10, unc);
    sqlite3_bind_int(st, 11, strcmp(status, "official") == 0);
    sqlite3_bind_text(st, 12, note, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 14, method, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        ep_error_set(err, db_map_rc(rc), NULL, "factor set %d, factor '%s': %s", version, id,
                     sqlite3_errmsg(db_handle(db)));
    db_done(st);
    return rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

/* Loads one set unless its version is already there: a published set is
 * never rewritten, so a footprint computed with it stays the same. */
static int load_set(struct db *db, const struct ep_embedded *e, struct ep_error *err)
{
    static const char ins[] = "INSERT INTO factor_set (version, published, note) VALUES (?1, ?2, "
                              "?3)";
    json_t *root = json_loadb(e->data, e->size, JSON_REJECT_DUPLICATES, NULL), *factors = NULL;
    json_error_t jerr;
    const char *published, *note;
    json_int_t version;
    sqlite3_stmt *st;
    size_t i;
    json_t *f;
    int rc;

    if (root == NULL ||
        json_unpack_ex(root, &jerr, JSON_STRICT, "{s:I, s:s, s:s, s:o}", "version", &version,
                       "published", &published, "note", &note, "factors", &factors) != 0 ||
        !json_is_array(factors) || version < 1 || version > 1000000) {
        ep_error_set(err, EP_EINVAL, NULL, "%s: not a factor set (%s)", e->name,
                     root == NULL ? "malformed JSON" : jerr.text);
        json_decref(root);
        return EP_EINVAL;
    }
    rc = version_exists(db, (int)version);
    if (rc != EP_ENOTFOUND) {
        json_decref(root);
        return rc; /* EP_OK: already loaded */
    }
    rc = db_begin_write(db);
    if (rc != EP_OK)
        goto out;
    st = db_stmt(db, ins);
    if (st == NULL) {
        rc = EP_EIO;
        goto rollback;
    }
    sqlite3_bind_int(st, 1, (int)version);
    sqlite3_bind_text(st, 2, published, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? EP_OK : EP_EIO;
    db_done(st);
    json_array_foreach(factors, i, f)
    {
        if (rc != EP_OK)
            break;
        rc = load_factor(db, (int)version, f, err);
    }
    if (rc == EP_OK) {
        rc = db_commit(db);
        goto out;
    }
rollback:
    db_rollback(db);
out:
    json_decref(root);
    return rc;
}

int carbon_factor_sets_load(struct db *db, struct ep_error *err)
{
    int rc = EP_OK;
    ep_error_clear(err);
    for (const struct ep_embedded *e = ep_factor_sets; rc == EP_OK && e->name != NULL; e++)
        rc = load_set(db, e, err);
    return rc;
}

/* The set production_id is pinned to, or the latest. */
static int production_version(struct db *db, const char *production_id, int *version)
{
    static const char sql[] = "SELECT version FROM production_factor_set WHERE production_id = ?1";
    int rc = rows_int(db, sql, version, 1, production_id);

    return rc == EP_ENOTFOUND ? latest_version(db, version) : rc;
}

int carbon_pin_factor_set(struct db *db, const char *production_id, int version, int64_t now_ms)
{
    static const char sql[] =
        "INSERT INTO production_factor_set (production_id, version, pinned_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (production_id) DO UPDATE SET version = ?2, pinned_at = ?3";
    sqlite3_stmt *st;
    int rc = db_begin_write(db);

    if (rc != EP_OK)
        return rc;
    rc = version == 0 ? latest_version(db, &version) : version_exists(db, version);
    if (rc == EP_OK) {
        st = db_stmt(db, sql);
        if (st == NULL) {
            rc = EP_EIO;
        } else {
            sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, version);
            sqlite3_bind_int64(st, 3, now_ms);
            rc = sqlite3_step(st);
            db_done(st);
            rc = rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
        }
    }
    if (rc == EP_OK)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

/* Runs sql with its parameters ?1 = a and ?2 = b (those it has) and appends
 * row(st) for each row to arr. */
static int rows_into(struct db *db, const char *sql, int a, int b, json_t *(*row)(sqlite3_stmt *),
                     json_t *arr)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    if (sqlite3_bind_parameter_count(st) >= 1)
        sqlite3_bind_int(st, 1, a);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_int(st, 2, b);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (json_array_append_new(arr, row(st)) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    db_done(st);
    return rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

static json_t *col_text(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL
               ? json_null()
               : json_string((const char *)sqlite3_column_text(st, i));
}

static json_t *col_real(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null()
                                                     : json_real(sqlite3_column_double(st, i));
}

static json_t *set_row(sqlite3_stmt *st)
{
    return json_pack("{s:i, s:o, s:o, s:i}", "version", sqlite3_column_int(st, 0), "published",
                     col_text(st, 1), "note", col_text(st, 2), "factors",
                     sqlite3_column_int(st, 3));
}

static json_t *factor_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
                     col_text(st, 0), "name_fr", col_text(st, 1), "unit", col_text(st, 2), "value",
                     col_real(st, 3), "official_name", col_text(st, 4), "official_id",
                     col_text(st, 5), "year", col_real(st, 6), "source_url", col_text(st, 7),
                     "uncertainty", col_real(st, 8), "status", col_text(st, 9), "method",
                     col_text(st, 10), "note", col_text(st, 11));
}

static json_t *change_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "id", col_text(st, 0), "name_fr",
                     col_text(st, 1), "unit", col_text(st, 2), "from", col_real(st, 3), "to",
                     col_real(st, 4), "status", col_text(st, 5));
}

int carbon_factor_sets(struct db *db, const char *production_id, json_t **out)
{
    static const char sets_sql[] =
        "SELECT s.version, s.published, s.note, count(f.id) FROM factor_set s "
        "LEFT JOIN emission_factor f ON f.version = s.version "
        "GROUP BY s.version ORDER BY s.version";
    static const char factors_sql[] =
        "SELECT id, name_fr, unit, value, official_name, official_id, year, source_url, "
        "uncertainty, status, method, note FROM emission_factor WHERE version = ?1 "
        "ORDER BY id";
    /* What moving from the set in use (?1) to the latest (?2) would change:
     * new or revised factors, then factors the latest set drops. */
    static const char changes_sql[] =
        "SELECT l.id, l.name_fr, l.unit, u.value, l.value, l.status FROM emission_factor l "
        "LEFT JOIN emission_factor u ON u.id = l.id AND u.version = ?1 "
        "WHERE l.version = ?2 AND (u.value IS NULL OR u.value != l.value) "
        "UNION ALL SELECT u.id, u.name_fr, u.unit, u.value, NULL, u.status "
        "FROM emission_factor u WHERE u.version = ?1 AND NOT EXISTS "
        "(SELECT 1 FROM emission_factor l WHERE l.version = ?2 AND l.id = u.id) ORDER BY 1";
    static const char pin_sql[] =
        "SELECT version, pinned_at FROM production_factor_set WHERE production_id = ?1";
    json_t *sets = json_array(), *factors = json_array(), *changes = json_array();
    json_t *pinned = json_null();
    int using = 0, latest = 0, rc;
    sqlite3_stmt *st;

    *out = NULL;
    if (sets == NULL || factors == NULL || changes == NULL || pinned == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    st = db_stmt(db, "SELECT 1 FROM production WHERE id = ?1");
    if (st == NULL) {
        rc = EP_EIO;
        goto out;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    db_done(st);
    if (rc != SQLITE_ROW) {
        rc = rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
        goto out;
    }
    st = db_stmt(db, pin_sql);
    if (st == NULL) {
        rc = EP_EIO;
        goto out;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        pinned = json_pack("{s:i, s:I}", "version", sqlite3_column_int(st, 0), "pinned_at",
                           (json_int_t)sqlite3_column_int64(st, 1));
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        rc = db_map_rc(rc);
        goto out;
    }
    rc = production_version(db, production_id, &using);
    if (rc == EP_OK)
        rc = latest_version(db, &latest);
    if (rc == EP_OK)
        rc = rows_into(db, sets_sql, 0, 0, set_row, sets);
    if (rc == EP_OK)
        rc = rows_into(db, factors_sql, using, 0, factor_row, factors);
    if (rc == EP_OK && using != latest)
        rc = rows_into(db, changes_sql, using, latest, change_row, changes);
    if (rc != EP_OK)
        goto out;
    *out = json_pack("{s:s, s:i, s:i, s:O, s:O, s:O, s:O}", "production", production_id, "using",
                     using, "latest", latest, "pinned", pinned, "sets", sets, "factors", factors,
                     "changes", changes);
    rc = *out != NULL ? EP_OK : EP_ENOMEM;
out:
    json_decref(sets);
    json_decref(factors);
    json_decref(changes);
    json_decref(pinned);
    return rc;
}

/* ---- the footprint -------------------------------------------------------- */

/* Quantities per (indicator, department): readings for the final footprint.
 * The expressions are those of index reading_totals (0004_carbon.sql), so
 * SQLite answers from the index alone, in group order. */
static const char final_sql[] =
    "SELECT json_extract(fields, '$.indicator'), json_extract(fields, '$.dept'), "
    "total(json_extract(fields, '$.value')), count(*), 0 "
    "FROM sync_fact WHERE production_id = ?1 AND col = 'readings' AND superseded = 0 "
    "AND void = 0 GROUP BY 1, 2 ORDER BY 1, 2";

/* Readings of one group above the indicator's review threshold: a range on
 * the same index. */
static const char flag_sql[] =
    "SELECT count(*) FROM sync_fact WHERE production_id = ?1 AND col = 'readings' "
    "AND superseded = 0 AND void = 0 AND json_extract(fields, '$.indicator') = ?2 "
    "AND json_extract(fields, '$.dept') IS ?3 AND json_extract(fields, '$.value') > ?4";

static int count_flagged(struct db *db, const char *production_id, const char *ind,
                         const char *dept, double above, json_int_t *out)
{
    sqlite3_stmt *st = db_stmt(db, flag_sql);
    int64_t n = 0;
    int rc;

    *out = 0;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dept, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 4, above);
    rc = rows_step_int64(st, &n);
    *out = (json_int_t)n;
    return rc;
}

/*
 * One method per source. Distance readings of a vehicle in a week where the
 * same vehicle has fuel readings are "replaced": the litres count, the
 * kilometres stay stored and shown. Weeks run Monday to Sunday, as in the
 * dashboard's weekly chart (pwa/js/ui/charts.js applies the same rule); ?2
 * is the julian day of Monday 2000-01-03 minus 7,000 weeks' worth of days
 * so the division never sees a negative (CAST truncates towards zero).
 * Grouped per vehicle, indicator, department.
 */
static const char method_sql[] =
    "SELECT json_extract(f.fields, '$.vehicle'), json_extract(f.fields, '$.indicator'), "
    "coalesce(json_extract(f.fields, '$.dept'), ''), i.measures, "
    "(i.measures = 'distance' AND EXISTS (SELECT 1 FROM sync_fact g "
    " WHERE g.production_id = ?1 AND g.col = 'readings' AND g.superseded = 0 AND g.void = 0 "
    " AND json_extract(g.fields, '$.indicator') IN (SELECT id FROM indicator "
    "   WHERE measures = 'fuel' AND theme = 'mobility') "
    " AND json_extract(g.fields, '$.vehicle') = json_extract(f.fields, '$.vehicle') "
    " AND CAST((julianday(substr(json_extract(g.fields, '$.at'), 1, 10)) - ?2) / 7 AS INTEGER) "
    "   = CAST((julianday(substr(json_extract(f.fields, '$.at'), 1, 10)) - ?2) / 7 AS INTEGER))), "
    "total(json_extract(f.fields, '$.value')), count(*), "
    "(SELECT json_extract(r.state, '$.name') FROM sync_record r WHERE r.col = 'fleet' "
    " AND r.rid = json_extract(f.fields, '$.vehicle') AND r.production_id = ?1), "
    "substr(json_extract(f.fields, '$.at'), 1, 10), json_extract(f.fields, '$.phase') "
    "FROM sync_fact f JOIN indicator i ON i.id = json_extract(f.fields, '$.indicator') "
    "WHERE f.production_id = ?1 AND f.col = 'readings' AND f.superseded = 0 AND f.void = 0 "
    "AND i.theme = 'mobility' AND i.measures IN ('distance', 'fuel') "
    "AND json_extract(f.fields, '$.vehicle') IS NOT NULL "
    "GROUP BY 1, 2, 3, 4, 5, 9, 10 ORDER BY 1, 2, 3";

/* The phase a reading counts in: its own when it says one, else the one
 * its day falls in for its indicator (production_phase_of). x may be NULL. */
static enum production_phase reading_phase(const struct production_dates *pd, const struct ind *x,
                                           const char *day, const char *said)
{
    enum production_phase own = x != NULL && collect_indicator_phase(x->category) == COLLECT_POST
                                    ? PRODUCTION_POST
                                    : PRODUCTION_SHOOTING;
    enum production_phase ph;
    long d;

    if (production_phase_parse(said, &ph) == EP_OK)
        return ph;
    if (collect_day(day, &d) != EP_OK)
        return own;
    return production_phase_of(pd, d, own);
}

/* Adds qty to obj[key][phase]. */
static int phase_add(json_t *obj, const char *key, enum production_phase ph, double qty)
{
    json_t *e = json_object_get(obj, key);
    const char *name = production_phase_name(ph);
    if (e == NULL) {
        e = json_object();
        if (e == NULL || json_object_set_new(obj, key, e) != 0)
            return EP_ENOMEM;
    }
    return json_object_set_new(e, name, json_real(json_real_value(json_object_get(e, name)) + qty));
}

/* Fills replaced ("indicator\x1fdept" -> kilometres not counted),
 * replaced_ph (the same key -> {phase: kilometres not counted}) and
 * methods (one entry per vehicle: what was counted and how). */
static int vehicle_methods(struct db *db, const char *production_id,
                           const struct production_dates *pd, const struct catalogue *cat,
                           json_t *replaced, json_t *replaced_ph, json_t *methods)
{
    sqlite3_stmt *st = db_stmt(db, method_sql);
    json_t *byv = json_object();
    const char *k;
    json_t *v;
    int rc;

    if (st == NULL || byv == NULL) {
        json_decref(byv);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 2, 10959.0 + 2440587.5 - 7.0 * 7000.0);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *veh = (const char *)sqlite3_column_text(st, 0);
        const char *ind = (const char *)sqlite3_column_text(st, 1);
        const char *dept = (const char *)sqlite3_column_text(st, 2);
        int is_fuel = strcmp((const char *)sqlite3_column_text(st, 3), "fuel") == 0;
        int repl = sqlite3_column_int(st, 4);
        double qty = sqlite3_column_double(st, 5);
        const char *name = (const char *)sqlite3_column_text(st, 7);
        json_t *e = json_object_get(byv, veh);
        const char *key;
        if (e == NULL) {
            e = json_pack("{s:s, s:s?, s:f, s:f, s:f}", "vehicle", veh, "name", name, "fuel_l", 0.0,
                          "distance_km", 0.0, "distance_replaced_km", 0.0);
            json_object_set_new(byv, veh, e);
        }
        key = is_fuel ? "fuel_l" : (repl ? "distance_replaced_km" : "distance_km");
        json_object_set_new(e, key, json_real(json_real_value(json_object_get(e, key)) + qty));
        if (repl) {
            char rk[130];
            snprintf(rk, sizeof(rk), "%s\x1f%s", ind, dept);
            json_object_set_new(replaced, rk,
                                json_real(json_real_value(json_object_get(replaced, rk)) + qty));
            if (phase_add(replaced_ph, rk,
                          reading_phase(pd, find_ind(cat, ind),
                                        (const char *)sqlite3_column_text(st, 8),
                                        (const char *)sqlite3_column_text(st, 9)),
                          qty) != EP_OK) {
                rc = EP_ENOMEM;
                break;
            }
        }
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(byv);
        return rc == EP_ENOMEM ? rc : db_map_rc(rc);
    }
    json_object_foreach(byv, k, v)
    {
        double fuel = json_real_value(json_object_get(v, "fuel_l"));
        double km = json_real_value(json_object_get(v, "distance_km"));
        /* distance_km is what was counted: the weeks without fuel. */
        json_object_set_new(
            v, "method", json_string(fuel <= 0 ? "distance" : (km > 0 ? "fuel+distance" : "fuel")));
        json_array_append(methods, v);
    }
    json_decref(byv);
    return EP_OK;
}

/* Quantities per (indicator, department, day, phase said): the readings'
 * phases, answered from index reading_days alone, in its order (its
 * expressions, 0006 and 0021_reading_phase.sql). */
static const char phase_sql[] =
    "SELECT json_extract(fields, '$.indicator'), json_extract(fields, '$.dept'), "
    "substr(json_extract(fields, '$.at'), 1, 10), json_extract(fields, '$.phase'), "
    "total(json_extract(fields, '$.value')) "
    "FROM sync_fact WHERE production_id = ?1 AND col = 'readings' AND superseded = 0 "
    "AND void = 0 GROUP BY 1, 2, 3, 4";

/* Fills by ("indicator\x1fdept" -> {phase: quantity}) from the readings. */
static int phase_quantities(struct db *db, const char *production_id,
                            const struct production_dates *pd, const struct catalogue *cat,
                            json_t *by)
{
    sqlite3_stmt *st = db_stmt(db, phase_sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *ind = (const char *)sqlite3_column_text(st, 0);
        const char *dept = (const char *)sqlite3_column_text(st, 1);
        char key[130];
        if (ind == NULL)
            continue;
        snprintf(key, sizeof(key), "%s\x1f%s", ind, dept != NULL ? dept : "");
        if (phase_add(by, key,
                      reading_phase(pd, find_ind(cat, ind),
                                    (const char *)sqlite3_column_text(st, 2),
                                    (const char *)sqlite3_column_text(st, 3)),
                      sqlite3_column_double(st, 4)) != EP_OK) {
            rc = EP_ENOMEM;
            break;
        }
    }
    db_done(st);
    return rc == SQLITE_DONE ? EP_OK : (rc == EP_ENOMEM ? rc : db_map_rc(rc));
}

/* ...and the office's estimates for the provisional one. */
static const char prov_sql[] =
    "SELECT json_extract(state, '$.indicator') AS ind, "
    "coalesce(json_extract(state, '$.dept'), '') AS dept, "
    "total(json_extract(state, '$.value')), count(*), 0 "
    "FROM sync_record WHERE production_id = ?1 AND col = 'estimates' AND deleted = 0 "
    "AND json_extract(state, '$.indicator') IS NOT NULL GROUP BY ind, dept ORDER BY ind, dept";

struct acc {
    json_t *obj; /* key -> {"kg","variance"} while summing */
};

static int acc_add(json_t *obj, const char *key, double kg, double var)
{
    json_t *e = json_object_get(obj, key);
    if (e == NULL) {
        e = json_pack("{s:f, s:f}", "kg", 0.0, "variance", 0.0);
        if (e == NULL || json_object_set_new(obj, key, e) != 0)
            return EP_ENOMEM;
    }
    json_object_set_new(e, "kg", json_real(json_real_value(json_object_get(e, "kg")) + kg));
    json_object_set_new(e, "variance",
                        json_real(json_real_value(json_object_get(e, "variance")) + var));
    return EP_OK;
}

/* Turns {"kg","variance"} into {"kg","uncertainty_kg"} for every entry. */
static void acc_finish(json_t *obj)
{
    const char *k;
    json_t *e;
    json_object_foreach(obj, k, e)
    {
        double var = json_real_value(json_object_get(e, "variance"));
        json_object_del(e, "variance");
        json_object_set_new(e, "uncertainty_kg", json_real(sqrt(var)));
    }
}

/*
 * A line's "by_phase" {phase: {quantity, kg}} from its quantities per phase
 * (qty) less the kilometres fuel replaced (repl), each converted like the
 * line: the phases of a line add up to it. Adds each phase's kg and
 * variance to totals.
 */
static int line_phases(json_t *line, const json_t *qty, const json_t *repl, const struct ind *x,
                       json_t *totals)
{
    json_t *by = json_object();
    int rc = by != NULL ? EP_OK : EP_ENOMEM;

    for (int i = 0; rc == EP_OK && i < PRODUCTION_NPHASES; i++) {
        const char *name = production_phase_name((enum production_phase)i);
        json_t *q = json_object_get(qty, name);
        double n, kg, u;
        if (q == NULL)
            continue;
        n = json_real_value(q) - json_real_value(json_object_get(repl, name));
        kg = n * x->factor;
        u = kg * x->uncertainty;
        if (json_object_set_new(by, name, json_pack("{s:f, s:f}", "quantity", n, "kg", kg)) != 0 ||
            acc_add(totals, name, kg, u * u) != EP_OK)
            rc = EP_ENOMEM;
    }
    if (rc == EP_OK && json_object_set_new(line, "by_phase", by) != 0)
        return EP_ENOMEM;
    if (rc != EP_OK)
        json_decref(by);
    return rc;
}

static int estimated_indicators(struct db *db, const char *production_id, json_t *set)
{
    static const char sql[] = "SELECT DISTINCT json_extract(state, '$.indicator') FROM sync_record "
                              "WHERE production_id = ?1 AND col = 'estimates' AND deleted = 0 "
                              "AND json_extract(state, '$.indicator') IS NOT NULL";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_object_set_new(set, (const char *)sqlite3_column_text(st, 0), json_true());
    db_done(st);
    return rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

int carbon_reporting(struct db *db, const char *production_id, json_t **result)
{
    static const char sql[] =
        "SELECT coalesce(json_extract(fields, '$.dept'), ''), max(json_extract(fields, '$.at')), "
        "count(*) FROM sync_fact WHERE production_id = ?1 AND col = 'readings' "
        "AND superseded = 0 AND void = 0 GROUP BY 1 ORDER BY 1";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *out = json_object();
    int rc;

    *result = NULL;
    if (st == NULL || out == NULL) {
        json_decref(out);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *at = (const char *)sqlite3_column_text(st, 1);
        json_object_set_new(out, (const char *)sqlite3_column_text(st, 0),
                            json_pack("{s:s?, s:I}", "last_at", at, "readings",
                                      (json_int_t)sqlite3_column_int64(st, 2)));
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(out);
        return db_map_rc(rc);
    }
    *result = out;
    return EP_OK;
}

static json_t *empty_groups(const char *const (*keys)[2], size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; o != NULL && i < n; i++)
        json_object_set_new(o, keys[i][0], json_pack("{s:f, s:f}", "kg", 0.0, "variance", 0.0));
    return o;
}

int carbon_footprint(struct db *db, const char *production_id, enum carbon_kind kind,
                     int factor_version, json_t **out)
{
    struct catalogue cat = {NULL, 0};
    json_t *lines = json_array(), *untracked = json_array();
    json_t *by_theme = empty_groups(themes, NTHEMES), *by_cat = empty_groups(categories, NCATS);
    json_t *by_dept = json_object(), *estimated = json_object(), *read = json_object();
    json_t *missing = json_array(), *fp = NULL;
    json_t *replaced = json_object(), *methods = json_array(), *missing_items = json_array();
    json_t *replaced_ph = json_object(), *qty_ph = json_object(), *by_phase = NULL;
    struct production_dates pd;
    sqlite3_stmt *st = NULL;
    double total = 0, variance = 0;
    size_t covered = 0;
    int in_tx = 0;
    int rc;

    *out = NULL;
    if (lines == NULL || untracked == NULL || by_theme == NULL || by_cat == NULL ||
        by_dept == NULL || estimated == NULL || read == NULL || missing == NULL ||
        replaced == NULL || methods == NULL || missing_items == NULL || replaced_ph == NULL ||
        qty_ph == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    rc = db_begin_read(db);
    if (rc != EP_OK)
        goto out;
    in_tx = 1;
    rc = factor_version == 0 ? production_version(db, production_id, &factor_version)
                             : version_exists(db, factor_version);
    if (rc == EP_OK)
        rc = load_catalogue(db, factor_version, &cat);
    if (rc == EP_OK && kind == CARBON_FINAL) {
        /* Readings carry a date and maybe a phase; estimates neither, so
         * only the final footprint is split by phase (docs/carbon.md). */
        static const char *const phase_keys[][2] = {
            {"preparation", ""}, {"shooting", ""}, {"post_production", ""}};
        rc = production_dates_get(db, production_id, &pd);
        if (rc == EP_ENOTFOUND) { /* no calendar: each indicator's own phase */
            pd.prep_from = pd.prep_to = pd.shoot_from = pd.shoot_to = PRODUCTION_NO_DAY;
            pd.post_from = pd.post_to = PRODUCTION_NO_DAY;
            rc = EP_OK;
        }
        by_phase = empty_groups(phase_keys, PRODUCTION_NPHASES);
        if (rc == EP_OK && by_phase == NULL)
            rc = EP_ENOMEM;
        if (rc == EP_OK)
            rc = vehicle_methods(db, production_id, &pd, &cat, replaced, replaced_ph, methods);
        if (rc == EP_OK)
            rc = phase_quantities(db, production_id, &pd, &cat, qty_ph);
    }
    if (rc != EP_OK)
        goto out;
    st = db_stmt(db, kind == CARBON_FINAL ? final_sql : prov_sql);
    if (st == NULL) {
        rc = EP_EIO;
        goto out;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *dept_or_null = (const char *)sqlite3_column_text(st, 1);
        const char *dept = dept_or_null != NULL ? dept_or_null : "";
        double qty = sqlite3_column_double(st, 2);
        json_int_t entries = sqlite3_column_int64(st, 3);
        json_int_t flagged = 0;
        const struct ind *x = id != NULL ? find_ind(&cat, id) : NULL;
        double kg, u, recorded = qty, repl = 0;
        char rk[130];

        if (id == NULL)
            continue;
        snprintf(rk, sizeof(rk), "%s\x1f%s", id, dept);
        repl = json_real_value(json_object_get(replaced, rk));
        qty = recorded - repl;
        json_object_set_new(read, id, json_true());
        if (x == NULL || x->factor_id[0] == '\0') {
            /* Tracked but not converted (e.g. generator hours): shown, so
             * the office knows to record what the footprint counts. */
            json_t *t =
                json_pack("{s:s, s:s, s:f, s:s?, s:I}", "indicator", id, "dept", dept, "quantity",
                          qty, "unit", x != NULL ? x->unit : NULL, "entries", entries);
            /* Named and placed like a line, so the exports can list it in
             * its category as recorded but not converted. */
            if (t != NULL && x != NULL)
                json_object_update_new(t, json_pack("{s:s, s:s, s:s, s:s, s:s}", "name_fr",
                                                    x->name_fr, "name_en", x->name_en, "unit_fr",
                                                    carbon_unit_label(x->unit), "category",
                                                    x->category, "theme", x->theme));
            json_array_append_new(untracked, t);
            continue;
        }
        /* A second statement while st is open: fine, it is another cursor. */
        if (kind == CARBON_FINAL) {
            rc = count_flagged(db, production_id, id, dept_or_null, x->review_above, &flagged);
            if (rc != EP_OK)
                break;
        }
        kg = qty * x->factor;
        u = kg * x->uncertainty;
        total += kg;
        variance += u * u;
        json_array_append_new(
            lines, json_pack("{s:s, s:s, s:f, s:s, s:s, s:f, s:f, s:f, s:s, s:s, s:I, s:I, s:b, "
                             "s:s, s:s}",
                             "indicator", id, "dept", dept, "quantity", qty, "unit", x->unit,
                             "factor_id", x->factor_id, "factor", x->factor, "kg", kg,
                             "uncertainty_kg", u, "theme", x->theme, "category", x->category,
                             "entries", entries, "flagged", flagged, "confirmed", x->confirmed,
                             "official_id", x->official_id, "source_url", x->source));
        {
            json_t *l = json_array_get(lines, json_array_size(lines) - 1);
            json_object_set_new(l, "name_fr", json_string(x->name_fr));
            json_object_set_new(l, "name_en", json_string(x->name_en));
            json_object_set_new(l, "unit_fr", json_string(carbon_unit_label(x->unit)));
            json_object_set_new(l, "factor_status", json_string(x->status));
            json_object_set_new(l, "factor_method", json_string(x->method));
            json_object_set_new(l, "recorded_quantity", json_real(recorded));
            json_object_set_new(l, "replaced_quantity", json_real(repl));
            json_object_set_new(l, "method",
                                json_string(repl > 0 ? (qty > 0 ? "distance, partly replaced by "
                                                                  "fuel"
                                                                : "replaced by fuel")
                                                     : "as recorded"));
            if (by_phase != NULL &&
                line_phases(l, json_object_get(qty_ph, rk), json_object_get(replaced_ph, rk), x,
                            by_phase) != EP_OK) {
                rc = EP_ENOMEM;
                break;
            }
        }
        if (acc_add(by_theme, x->theme, kg, u * u) != EP_OK ||
            acc_add(by_cat, x->category, kg, u * u) != EP_OK ||
            acc_add(by_dept, dept[0] != '\0' ? dept : "(sans département)", kg, u * u) != EP_OK) {
            rc = EP_ENOMEM;
            break;
        }
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        rc = rc <= 0 ? (rc == 0 ? EP_EIO : rc) : db_map_rc(rc);
        goto out;
    }
    rc = estimated_indicators(db, production_id, estimated);
    if (rc != EP_OK)
        goto out;
    {
        const char *k;
        json_t *v;
        json_object_foreach(estimated, k, v)
        {
            const struct ind *mi = find_ind(&cat, k);
            if (json_object_get(read, k) != NULL)
                covered++;
            else
                json_array_append_new(missing, json_string(k));
            if (json_object_get(read, k) == NULL && mi != NULL)
                json_array_append_new(
                    missing_items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "indicator", k,
                                             "name_fr", mi->name_fr, "name_en", mi->name_en,
                                             "category", mi->category, "theme", mi->theme, "unit",
                                             mi->unit, "unit_fr", carbon_unit_label(mi->unit)));
        }
    }
    acc_finish(by_theme);
    acc_finish(by_cat);
    acc_finish(by_dept);
    if (by_phase != NULL)
        acc_finish(by_phase);
    fp = json_pack("{s:s, s:s, s:i, s:f, s:f, s:o, s:o, s:o, s:o, s:o, "
                   "s:{s:I, s:I, s:o, s:o, s:o}, s:s, s:o, s:s}",
                   "production", production_id, "kind",
                   kind == CARBON_FINAL ? "final" : "provisional", "factor_version", factor_version,
                   "total_kg", total, "uncertainty_kg", sqrt(variance), "by_theme", by_theme,
                   "by_category", by_cat, "by_department", by_dept, "lines", lines, "untracked",
                   untracked, "completeness", "indicators_estimated",
                   (json_int_t)json_object_size(estimated), "indicators_reported",
                   (json_int_t)covered, "missing", missing, "missing_items", missing_items, "ratio",
                   json_object_size(estimated) > 0
                       ? json_real((double)covered / (double)json_object_size(estimated))
                       : json_null(),
                   "notice", text_get("fr", "carbon.footprint.notice"), "methods", methods,
                   "uncertainty_covers", text_get("fr", "carbon.footprint.uncertainty_covers"));
    /* json_pack stole the groups even on failure; do not free them twice. */
    by_theme = by_cat = by_dept = lines = untracked = missing = methods = missing_items = NULL;
    rc = fp != NULL ? EP_OK : EP_ENOMEM;
    /* Present in the final footprint only: the phases add up to total_kg. */
    if (rc == EP_OK && by_phase != NULL) {
        rc = json_object_set_new(fp, "by_phase", by_phase) == 0 ? EP_OK : EP_ENOMEM;
        by_phase = NULL;
    }
out:
    if (in_tx)
        db_rollback(db);
    free(cat.items);
    json_decref(lines);
    json_decref(untracked);
    json_decref(by_theme);
    json_decref(by_cat);
    json_decref(by_dept);
    json_decref(estimated);
    json_decref(read);
    json_decref(missing);
    json_decref(replaced);
    json_decref(methods);
    json_decref(missing_items);
    json_decref(replaced_ph);
    json_decref(qty_ph);
    json_decref(by_phase);
    if (rc == EP_OK)
        *out = fp;
    else
        json_decref(fp);
    return rc;
}

/* kg per indicator (all departments) of a footprint's lines. */
static json_t *kg_by_indicator(const json_t *fp)
{
    json_t *o = json_object(), *l;
    size_t i;

    json_array_foreach(json_object_get(fp, "lines"), i, l)
    {
        const char *id = json_string_value(json_object_get(l, "indicator"));
        double kg = json_number_value(json_object_get(l, "kg"));
        json_object_set_new(o, id, json_real(json_real_value(json_object_get(o, id)) + kg));
    }
    return o;
}

/* Indicators of a footprint with at least one current entry. */
static json_t *read_indicators(const json_t *fp)
{
    json_t *o = json_object(), *l;
    size_t i;
    const char *lists[] = {"lines", "untracked"};

    for (size_t k = 0; k < 2; k++) {
        json_array_foreach(json_object_get(fp, lists[k]), i, l)
        {
            if (json_integer_value(json_object_get(l, "entries")) > 0)
                json_object_set_new(o, json_string_value(json_object_get(l, "indicator")),
                                    json_true());
        }
    }
    return o;
}

static json_t *ratio_or_null(double num, double den)
{
    return den > 0 ? json_real(num / den) : json_null();
}

int carbon_compare(struct db *db, const char *production_id, const char *today, json_t **out)
{
    return carbon_compare_with(db, production_id, today, NULL, out);
}

int carbon_compare_with(struct db *db, const char *production_id, const char *today,
                        const json_t *filed, json_t **out)
{
    json_t *prov = NULL, *fin = NULL, *rows = json_array(), *missing = json_array();
    json_t *pkg = NULL, *seen = NULL, *l;
    struct carbon_span span;
    double exp_cat[NCATS] = {0}, cov_cat[NCATS] = {0}, prov_cat[NCATS] = {0}, fin_cat[NCATS] = {0};
    double fraction, e_all = 0, c_all = 0, f_all = 0, p_all = 0;
    size_t i;
    int rc;

    *out = NULL;
    rc = carbon_span_of(db, production_id, today, &span);
    if (rc == EP_ENOTFOUND) {
        memset(&span, 0, sizeof(span));
        rc = EP_OK;
    }
    /* The forecast as filed when there is one: a later edit of the
     * estimates or a new factor set must not move what was filed. */
    if (rc == EP_OK && filed != NULL) {
        prov = json_deep_copy(filed);
        if (prov == NULL)
            rc = EP_ENOMEM;
    } else if (rc == EP_OK) {
        rc = carbon_footprint(db, production_id, CARBON_PROVISIONAL, 0, &prov);
    }
    if (rc == EP_OK)
        rc = carbon_footprint(db, production_id, CARBON_FINAL, 0, &fin);
    if (rc != EP_OK || rows == NULL || missing == NULL) {
        rc = rc != EP_OK ? rc : EP_ENOMEM;
        goto out;
    }
    /* The forecast of the elapsed shooting days only, never the whole
     * production, until it is closed (docs/carbon.md, "Comparing"). */
    fraction =
        span.closed || !span.has_dates
            ? 1.0
            : (span.total_days > 0 ? (double)span.elapsed_days / (double)span.total_days : 1.0);
    pkg = kg_by_indicator(prov);
    seen = read_indicators(fin);
    if (pkg == NULL || seen == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    json_array_foreach(json_object_get(prov, "lines"), i, l)
    {
        const char *cat = json_string_value(json_object_get(l, "category"));
        const char *id = json_string_value(json_object_get(l, "indicator"));
        double kg = json_number_value(json_object_get(l, "kg"));
        for (size_t c = 0; c < NCATS; c++) {
            if (strcmp(categories[c][0], cat) != 0)
                continue;
            prov_cat[c] += kg;
            exp_cat[c] += kg * fraction;
            if (json_object_get(seen, id) != NULL)
                cov_cat[c] += kg * fraction;
        }
    }
    {
        const char *id;
        json_t *kg;
        json_object_foreach(pkg, id, kg)
        {
            json_t *first = NULL;
            if (json_object_get(seen, id) != NULL)
                continue;
            json_array_foreach(json_object_get(prov, "lines"), i, l)
            {
                if (strcmp(json_string_value(json_object_get(l, "indicator")), id) == 0) {
                    first = l;
                    break;
                }
            }
            json_array_append_new(missing,
                                  json_pack("{s:s, s:O, s:f}", "indicator", id, "category",
                                            json_object_get(first, "category"), "expected_kg",
                                            json_real_value(kg) * fraction));
        }
    }
    json_array_foreach(json_object_get(fin, "lines"), i, l)
    {
        const char *cat = json_string_value(json_object_get(l, "category"));
        for (size_t c = 0; c < NCATS; c++) {
            if (strcmp(categories[c][0], cat) == 0)
                fin_cat[c] += json_number_value(json_object_get(l, "kg"));
        }
    }
    for (size_t c = 0; c < NCATS; c++) {
        /* Only what was read is compared: a missing indicator is neither a
         * gain nor a loss, and a category with nothing read has no delta. */
        int any = cov_cat[c] > 0 || fin_cat[c] > 0;
        json_array_append_new(
            rows,
            json_pack("{s:s, s:s, s:f, s:f, s:f, s:f, s:o, s:o, s:o}", "category", categories[c][0],
                      "label", text_get("fr", categories[c][1]), "provisional_kg", prov_cat[c],
                      "expected_kg", exp_cat[c], "covered_expected_kg", cov_cat[c], "final_kg",
                      fin_cat[c], "coverage", ratio_or_null(cov_cat[c], exp_cat[c]), "delta_kg",
                      any ? json_real(fin_cat[c] - cov_cat[c]) : json_null(), "delta_pct",
                      cov_cat[c] > 0 ? json_real((fin_cat[c] - cov_cat[c]) / cov_cat[c] * 100.0)
                                     : json_null()));
        p_all += prov_cat[c];
        e_all += exp_cat[c];
        c_all += cov_cat[c];
        f_all += fin_cat[c];
    }
    *out = json_pack(
        "{s:o, s:o, s:s, s:{s:s?, s:s?, s:I, s:I, s:f, s:s}, s:{s:f, s:f, s:o}, s:o, s:o, "
        "s:{s:f, s:f, s:f, s:f, s:o, s:o}}",
        "provisional", prov, "final", fin, "status", span.closed ? "clos" : "en cours", "span",
        "starts_on", span.has_dates ? span.starts_on : NULL, "ends_on",
        span.has_dates ? span.ends_on : NULL, "elapsed_days", (json_int_t)span.elapsed_days,
        "total_days", (json_int_t)span.total_days, "fraction", fraction, "method",
        text_get("fr", "carbon.compare.method"), "coverage", "expected_kg", e_all, "covered_kg",
        c_all, "share", ratio_or_null(c_all, e_all), "categories", rows, "missing", missing,
        "total", "provisional_kg", p_all, "expected_kg", e_all, "covered_expected_kg", c_all,
        "final_kg", f_all, "delta_kg",
        c_all > 0 || f_all > 0 ? json_real(f_all - c_all) : json_null(), "delta_pct",
        c_all > 0 ? json_real((f_all - c_all) / c_all * 100.0) : json_null());
    prov = fin = rows = missing = NULL; /* stolen, even on failure */
    rc = *out != NULL ? EP_OK : EP_ENOMEM;
out:
    json_decref(prov);
    json_decref(fin);
    json_decref(rows);
    json_decref(missing);
    json_decref(pkg);
    json_decref(seen);
    return rc;
}

int carbon_indicator_factor(struct db *db, const char *production_id, const char *indicator,
                            double *value)
{
    static const char sql[] = "SELECT f.value FROM indicator i JOIN emission_factor f ON "
                              "f.id = i.factor_id AND f.version = ?2 WHERE i.id = ?1";
    sqlite3_stmt *st;
    int version = 0, rc = production_version(db, production_id, &version);

    if (rc != EP_OK)
        return rc;
    st = db_stmt(db, sql);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, indicator, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, version);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *value = sqlite3_column_double(st, 0);
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : (rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc));
}

int carbon_factor_value(struct db *db, const char *factor_id, double *value)
{
    static const char sql[] = "SELECT value FROM emission_factor WHERE id = ?1 AND version = "
                              "(SELECT max(version) FROM factor_set)";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, factor_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *value = sqlite3_column_double(st, 0);
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : (rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc));
}

int carbon_catalogue(struct db *db, json_t **out)
{
    static const char sql[] =
        "SELECT i.id, i.name_fr, i.name_en, i.unit, i.theme, i.category, i.factor_id, "
        "i.collector, i.review_above, i.guide_fr, i.guide_en, f.value, f.uncertainty, "
        "f.confirmed, f.name_fr, f.source_url, f.version, i.measures FROM indicator i "
        "LEFT JOIN emission_factor f ON f.id = i.factor_id AND f.version = "
        "(SELECT max(version) FROM factor_set) ORDER BY i.theme, i.id";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *arr = json_array();
    int rc;

    *out = NULL;
    if (st == NULL || arr == NULL) {
        json_decref(arr);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *factor =
            sqlite3_column_type(st, 11) == SQLITE_NULL
                ? json_null()
                : json_pack("{s:s, s:f, s:f, s:b, s:s, s:s, s:i}", "id",
                            (const char *)sqlite3_column_text(st, 6), "value",
                            sqlite3_column_double(st, 11), "uncertainty",
                            sqlite3_column_double(st, 12), "confirmed", sqlite3_column_int(st, 13),
                            "name_fr", (const char *)sqlite3_column_text(st, 14), "source_url",
                            (const char *)sqlite3_column_text(st, 15), "version",
                            sqlite3_column_int(st, 16));
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:s, s:s, s:o, s:s?}", "id",
                           (const char *)sqlite3_column_text(st, 0), "name_fr",
                           (const char *)sqlite3_column_text(st, 1), "name_en",
                           (const char *)sqlite3_column_text(st, 2), "unit",
                           (const char *)sqlite3_column_text(st, 3), "theme",
                           (const char *)sqlite3_column_text(st, 4), "category",
                           (const char *)sqlite3_column_text(st, 5), "collector",
                           (const char *)sqlite3_column_text(st, 7), "review_above",
                           sqlite3_column_double(st, 8), "guide_fr",
                           (const char *)sqlite3_column_text(st, 9), "guide_en",
                           (const char *)sqlite3_column_text(st, 10), "factor", factor, "measures",
                           (const char *)sqlite3_column_text(st, 17)));
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return db_map_rc(rc);
    }
    *out = arr;
    return EP_OK;
}

int carbon_flagged(struct db *db, const char *production_id, json_t **out)
{
    static const char sql[] =
        "SELECT f.rid, json_extract(f.fields, '$.indicator'), json_extract(f.fields, '$.value'), "
        "json_extract(f.fields, '$.unit'), json_extract(f.fields, '$.dept'), "
        "json_extract(f.fields, '$.at'), f.dev, i.review_above FROM sync_fact f "
        "JOIN indicator i ON i.id = json_extract(f.fields, '$.indicator') "
        "WHERE f.production_id = ?1 AND f.col = 'readings' AND f.superseded = 0 AND f.void = 0 "
        "AND json_extract(f.fields, '$.value') > i.review_above ORDER BY f.seq";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *arr = json_array();
    int rc;

    *out = NULL;
    if (st == NULL || arr == NULL) {
        json_decref(arr);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_array_append_new(arr, json_pack("{s:s, s:s, s:f, s:s?, s:s?, s:s?, s:s, s:f}", "id",
                                             (const char *)sqlite3_column_text(st, 0), "indicator",
                                             (const char *)sqlite3_column_text(st, 1), "value",
                                             sqlite3_column_double(st, 2), "unit",
                                             (const char *)sqlite3_column_text(st, 3), "dept",
                                             (const char *)sqlite3_column_text(st, 4), "at",
                                             (const char *)sqlite3_column_text(st, 5), "dev",
                                             (const char *)sqlite3_column_text(st, 6),
                                             "review_above", sqlite3_column_double(st, 7)));
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return db_map_rc(rc);
    }
    *out = arr;
    return EP_OK;
}

/* French labels of a line's method and of a factor's status, for exports. */
const char *carbon_method_label(const char *method)
{
    return carbon_label(CARBON_LABEL_METHOD, method, "fr");
}

const char *carbon_status_label(const char *status)
{
    return carbon_label(CARBON_LABEL_STATUS, status, "fr");
}

/* ---- one line per thing to type into the calculator ---------------------- */

static size_t rank_of(const char *const (*table)[2], size_t n, const char *key)
{
    for (size_t i = 0; key != NULL && i < n; i++) {
        if (strcmp(table[i][0], key) == 0)
            return i;
    }
    return n;
}

static int form_cmp(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
    const char *ca = json_string_value(json_object_get(x, "category"));
    const char *cb = json_string_value(json_object_get(y, "category"));
    const char *ta = json_string_value(json_object_get(x, "theme"));
    const char *tb = json_string_value(json_object_get(y, "theme"));
    size_t ra = rank_of(categories, NCATS, ca), rb = rank_of(categories, NCATS, cb);
    const char *na, *nb;

    if (ra != rb)
        return ra < rb ? -1 : 1;
    ra = rank_of(themes, NTHEMES, ta);
    rb = rank_of(themes, NTHEMES, tb);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    na = json_string_value(json_object_get(x, "name_fr"));
    nb = json_string_value(json_object_get(y, "name_fr"));
    return strcmp(na != NULL ? na : "", nb != NULL ? nb : "");
}

/* The entry of indicator l in by, created from l on first sight. */
static json_t *form_entry(json_t *by, const json_t *l, const char *state)
{
    const char *id = json_string_value(json_object_get(l, "indicator"));
    json_t *e = id != NULL ? json_object_get(by, id) : NULL;
    static const char *const copied[] = {
        "indicator",   "category",      "theme",     "factor_id", "name_fr",
        "name_en",     "unit",          "unit_fr",   "factor",    "factor_status",
        "official_id", "factor_method", "source_url"};

    if (e != NULL || id == NULL)
        return e;
    e = json_pack("{s:s, s:f, s:f, s:f, s:I, s:I, s:f, s:[]}", "state", state, "quantity", 0.0,
                  "kg", 0.0, "variance", 0.0, "entries", (json_int_t)0, "flagged", (json_int_t)0,
                  "replaced_quantity", 0.0, "depts");
    for (size_t i = 0; e != NULL && i < sizeof(copied) / sizeof(copied[0]); i++) {
        json_t *v = json_object_get(l, copied[i]);
        if (v != NULL)
            json_object_set(e, copied[i], v);
    }
    if (e != NULL && json_object_get(e, "name_en") == NULL)
        json_object_set(e, "name_en", json_object_get(l, "name_fr"));
    if (e == NULL || json_object_set_new(by, id, e) != 0)
        return NULL;
    return e;
}

static void form_add(json_t *e, const json_t *l)
{
    double q = json_number_value(json_object_get(l, "quantity"));
    double u = json_number_value(json_object_get(l, "uncertainty_kg"));
#define ADDF(k, v)                                                                                 \
    json_object_set_new(e, k, json_real(json_number_value(json_object_get(e, k)) + (v)))
#define ADDI(k)                                                                                    \
    json_object_set_new(e, k,                                                                      \
                        json_integer(json_integer_value(json_object_get(e, k)) +                   \
                                     json_integer_value(json_object_get(l, k))))
    ADDF("quantity", q);
    ADDF("kg", json_number_value(json_object_get(l, "kg")));
    ADDF("variance", u * u);
    ADDF("replaced_quantity", json_number_value(json_object_get(l, "replaced_quantity")));
    ADDI("entries");
    ADDI("flagged");
#undef ADDF
#undef ADDI
    json_array_append_new(
        json_object_get(e, "depts"),
        json_pack("{s:O, s:f}", "dept", json_object_get(l, "dept"), "quantity", q));
}

int carbon_form_lines(const json_t *fp, json_t **out)
{
    static const char *const states[] = {"counted", "untracked"};
    static const char *const lists[] = {"lines", "untracked"};
    json_t *by = json_object(), *arr = json_array(), *l, *v;
    json_t **items = NULL;
    const char *k;
    size_t i, n = 0;
    int rc = EP_OK;

    *out = NULL;
    if (by == NULL || arr == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    for (size_t li = 0; li < 2 && rc == EP_OK; li++) {
        json_array_foreach(json_object_get(fp, lists[li]), i, l)
        {
            json_t *e = form_entry(by, l, states[li]);
            if (e == NULL) {
                rc = EP_ENOMEM;
                break;
            }
            form_add(e, l);
        }
    }
    json_array_foreach(json_object_get(json_object_get(fp, "completeness"), "missing_items"), i, l)
    {
        if (rc == EP_OK && form_entry(by, l, "missing") == NULL)
            rc = EP_ENOMEM;
    }
    if (rc != EP_OK)
        goto out;
    items = calloc(json_object_size(by) + 1, sizeof(json_t *));
    if (items == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    json_object_foreach(by, k, v)
    {
        const char *state = json_string_value(json_object_get(v, "state"));
        double repl = json_number_value(json_object_get(v, "replaced_quantity"));
        double q = json_number_value(json_object_get(v, "quantity"));
        json_object_set_new(v, "uncertainty_kg",
                            json_real(sqrt(json_number_value(json_object_get(v, "variance")))));
        json_object_del(v, "variance");
        json_object_set_new(v, "method",
                            json_string(repl > 0 ? (q > 0 ? "distance, partly "
                                                            "replaced by fuel"
                                                          : "replaced by fuel")
                                                 : "as recorded"));
        /* Not converted: no kg, never a zero that reads as "no emissions". */
        if (strcmp(state, "counted") != 0) {
            json_object_set_new(v, "kg", json_null());
            json_object_set_new(v, "uncertainty_kg", json_null());
        }
        if (strcmp(state, "missing") == 0)
            json_object_set_new(v, "quantity", json_null());
        json_object_set_new(v, "seco2", json_null()); /* not known: see carbon.h */
        items[n++] = v;
    }
    qsort(items, n, sizeof(json_t *), form_cmp);
    for (i = 0; i < n && rc == EP_OK; i++)
        rc = json_array_append(arr, items[i]) == 0 ? EP_OK : EP_ENOMEM;
out:
    free(items);
    json_decref(by);
    if (rc == EP_OK)
        *out = arr;
    else
        json_decref(arr);
    return rc;
}

/* ---- CSV ------------------------------------------------------------------ */

/* "Régie 120 ; Image 30": the departments a form line adds up. */
static void dept_detail(const json_t *e, const char *lang, char *buf, size_t len)
{
    size_t used = 0, i;
    json_t *d;

    buf[0] = '\0';
    json_array_foreach(json_object_get(e, "depts"), i, d)
    {
        char q[FMT_MAX];
        int k = snprintf(
            buf + used, len - used, "%s%s %s", i ? " ; " : "",
            carbon_label(CARBON_LABEL_DEPT, json_string_value(json_object_get(d, "dept")), lang),
            fmt_quantity(q, sizeof(q), json_number_value(json_object_get(d, "quantity")), lang));
        if (k < 0 || (size_t)k >= len - used)
            break;
        used += (size_t)k;
    }
}

const char *carbon_form_name(const json_t *e, const char *lang)
{
    const char *en = json_string_value(json_object_get(e, "name_en"));
    const char *fr = json_string_value(json_object_get(e, "name_fr"));
    if (fmt_is_english(lang) && en != NULL && en[0] != '\0')
        return en;
    return fr != NULL ? fr : "";
}

static int csv_form_line(struct strbuf *b, const json_t *e, const char *lang)
{
    int english = fmt_is_english(lang);
    /* An English file for an English spreadsheet: ',' and decimal points. */
    enum csv_locale loc = english ? CSV_ENGLISH : CSV_FRENCH;
    const char *state = json_string_value(json_object_get(e, "state"));
    int counted = strcmp(state, "counted") == 0, missing = strcmp(state, "missing") == 0;
    char detail[512];
    int rc;

    dept_detail(e, lang, detail, sizeof(detail));
    rc = csv_cell_in(b, loc,
                     carbon_label(CARBON_LABEL_CATEGORY,
                                  json_string_value(json_object_get(e, "category")), lang));
    if (rc == EP_OK)
        rc = csv_cell_in(
            b, loc,
            carbon_label(CARBON_LABEL_THEME, json_string_value(json_object_get(e, "theme")), lang));
    if (rc == EP_OK)
        rc = csv_cell_in(b, loc, carbon_form_name(e, lang));
    if (rc == EP_OK)
        rc = missing ? csv_cell_in(b, loc, TR("carbon.csv.missing"))
                     : csv_number_in(b, loc, json_number_value(json_object_get(e, "quantity")), 2);
    if (rc == EP_OK)
        rc = csv_cell_in(b, loc,
                         carbon_label(CARBON_LABEL_UNIT,
                                      json_string_value(json_object_get(e, "unit")) != NULL
                                          ? json_string_value(json_object_get(e, "unit"))
                                          : json_string_value(json_object_get(e, "unit_fr")),
                                      lang));
    if (rc == EP_OK)
        rc = csv_cell_in(b, loc, detail);
    if (rc == EP_OK)
        rc = csv_cell_in(b, loc,
                         missing ? TR("carbon.csv.missing_method")
                         : !counted
                             ? TR("carbon.csv.not_converted")
                             : carbon_label(CARBON_LABEL_METHOD,
                                            json_string_value(json_object_get(e, "method")), lang));
    if (!counted) {
        for (int i = 0; rc == EP_OK && i < 6; i++)
            rc = csv_cell_in(b, loc, NULL);
    } else {
        if (rc == EP_OK)
            rc = csv_number_in(b, loc, json_number_value(json_object_get(e, "factor")), 5);
        if (rc == EP_OK)
            rc = csv_cell_in(b, loc, json_string_value(json_object_get(e, "official_id")));
        if (rc == EP_OK)
            rc = csv_cell_in(b, loc,
                             carbon_label(CARBON_LABEL_STATUS,
                                          json_string_value(json_object_get(e, "factor_status")),
                                          lang));
        if (rc == EP_OK)
            rc = csv_number_in(b, loc, json_number_value(json_object_get(e, "kg")), 3);
        if (rc == EP_OK)
            rc = csv_number_in(b, loc, json_number_value(json_object_get(e, "uncertainty_kg")), 3);
        if (rc == EP_OK)
            rc = csv_cell_in(b, loc, json_string_value(json_object_get(e, "source_url")));
    }
    if (rc == EP_OK)
        rc = csv_cell_in(b, loc, english ? CARBON_SECO2_UNKNOWN_EN : CARBON_SECO2_UNKNOWN);
    if (rc == EP_OK)
        rc = csv_end_row_in(b, loc);
    return rc;
}

int carbon_csv(const json_t *fp, char **out, size_t *len)
{
    return carbon_csv_lang(fp, "fr", out, len);
}

int carbon_csv_lang(const json_t *fp, const char *lang, char **out, size_t *len)
{
    static const char *const head[] = {
        "carbon.csv.head.category",      "carbon.csv.head.section", "carbon.csv.head.indicator",
        "carbon.csv.head.quantity",      "carbon.csv.head.unit",    "carbon.csv.head.per_dept",
        "carbon.csv.head.method",        "carbon.csv.head.factor",  "carbon.csv.head.official_id",
        "carbon.csv.head.factor_status", "carbon.csv.head.kg",      "carbon.csv.head.uncertainty",
        "carbon.csv.head.source",        "carbon.csv.head.seco2"};
    int english = fmt_is_english(lang);
    enum csv_locale loc = english ? CSV_ENGLISH : CSV_FRENCH;
    json_t *header = json_object_get(fp, "header"), *pair, *form = NULL, *e;
    size_t k;
    struct strbuf b;
    int rc;

    strbuf_init(&b, (size_t)64 * 1024 * 1024);
    *out = NULL;
    rc = carbon_form_lines(fp, &form);
    if (rc == EP_OK)
        rc = strbuf_str(&b, CSV_BOM);
    /* The header block (carbon_export_header), then a blank row. */
    json_array_foreach(header, k, pair)
    {
        if (rc == EP_OK)
            rc = csv_cell_in(&b, loc, json_string_value(json_array_get(pair, 0)));
        if (rc == EP_OK)
            rc = csv_cell_in(&b, loc, json_string_value(json_array_get(pair, 1)));
        if (rc == EP_OK)
            rc = csv_end_row_in(&b, loc);
    }
    if (rc == EP_OK && json_array_size(header) > 0)
        rc = csv_end_row_in(&b, loc);
    for (size_t i = 0; rc == EP_OK && i < sizeof(head) / sizeof(head[0]); i++)
        rc = csv_cell_in(&b, loc, TR(head[i]));
    if (rc == EP_OK)
        rc = csv_end_row_in(&b, loc);
    /* One row per thing to type, in the calculator's category order, then
     * its sections; missing and unconverted posts in their place. */
    json_array_foreach(form, k, e)
    {
        if (rc == EP_OK)
            rc = csv_form_line(&b, e, lang);
    }
    if (rc == EP_OK) {
        rc = csv_cell_in(&b, loc, "Total");
        for (int i = 0; rc == EP_OK && i < 9; i++)
            rc = csv_cell_in(&b, loc, NULL);
        if (rc == EP_OK)
            rc = csv_number_in(&b, loc, json_number_value(json_object_get(fp, "total_kg")), 3);
        if (rc == EP_OK)
            rc =
                csv_number_in(&b, loc, json_number_value(json_object_get(fp, "uncertainty_kg")), 3);
        if (rc == EP_OK)
            rc = csv_end_row_in(&b, loc);
    }
    /* The final footprint per phase, laid out like the total they add up to
     * (docs/carbon.md "Phases"). */
    for (int i = 0;
         rc == EP_OK && json_is_object(json_object_get(fp, "by_phase")) && i < PRODUCTION_NPHASES;
         i++) {
        const char *key = production_phase_name((enum production_phase)i);
        const json_t *ph = json_object_get(json_object_get(fp, "by_phase"), key);
        char label[64], phase[64];
        snprintf(phase, sizeof(phase), "%s", carbon_label(CARBON_LABEL_PHASE, key, lang));
        /* "Dont Préparation" reads badly: the phase in lower case. */
        if (phase[0] >= 'A' && phase[0] <= 'Z')
            phase[0] = (char)(phase[0] - 'A' + 'a');
        text_fmtbuf(label, sizeof(label), english ? "en" : "fr", "carbon.csv.of_which", "phase",
                    phase, NULL);
        rc = csv_cell_in(&b, loc, label);
        for (int c = 0; rc == EP_OK && c < 9; c++)
            rc = csv_cell_in(&b, loc, NULL);
        if (rc == EP_OK)
            rc = csv_number_in(&b, loc, json_number_value(json_object_get(ph, "kg")), 3);
        if (rc == EP_OK)
            rc =
                csv_number_in(&b, loc, json_number_value(json_object_get(ph, "uncertainty_kg")), 3);
        if (rc == EP_OK)
            rc = csv_end_row_in(&b, loc);
    }
    json_decref(form);
    if (rc != EP_OK) {
        strbuf_release(&b);
        return rc;
    }
    *out = strbuf_detach(&b, len);
    return *out != NULL ? EP_OK : EP_ENOMEM;
}
