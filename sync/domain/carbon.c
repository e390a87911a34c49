/*
 * carbon.c - indicators, validation of readings, the footprint and its CSV
 * (see carbon.h; the method and the factors' sources are in docs/carbon.md).
 */
#include "carbon.h"

#include "csv.h"
#include "db.h"
#include "err.h"
#include "strbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const themes[][2] = {
    {"food", "Alimentation"}, {"waste", "Déchets"},    {"energy", "Énergie"},
    {"mobility", "Mobilité"}, {"purchases", "Achats"},
};
/* Carbon'Clap's eight budget categories, in its order. */
static const char *const categories[][2] = {
    {"production", "Production"},
    {"locations", "Décors naturels et lieux de tournage"},
    {"sets", "Décors construits"},
    {"hmc_costume", "HMC et costumes"},
    {"transport", "Transport"},
    {"logistics", "Logistique de production (régie)"},
    {"equipment", "Équipement technique"},
    {"postproduction", "Postproduction"},
};
#define NTHEMES (sizeof(themes) / sizeof(themes[0]))
#define NCATS (sizeof(categories) / sizeof(categories[0]))

const char *carbon_category_label(const char *key)
{
    for (size_t i = 0; i < NCATS; i++) {
        if (strcmp(categories[i][0], key) == 0)
            return categories[i][1];
    }
    return key;
}

const char *carbon_theme_label(const char *key)
{
    for (size_t i = 0; i < NTHEMES; i++) {
        if (strcmp(themes[i][0], key) == 0)
            return themes[i][1];
    }
    return key;
}

/* ---- validation ---------------------------------------------------------- */

int carbon_validate_op(void *ctx, struct db *db, const struct sync_op *op, char *code,
                       size_t codelen, char *reason, size_t reasonlen)
{
    static const char sql[] = "SELECT unit FROM indicator WHERE id = ?1";
    const char *ind, *unit;
    json_t *value;
    sqlite3_stmt *st;
    int rc;
    (void)ctx;

    if (strcmp(op->col, "readings") != 0 && strcmp(op->col, "estimates") != 0)
        return EP_OK;
    if (json_is_true(json_object_get(op->fields, "void")))
        return EP_OK;
    ind = json_string_value(json_object_get(op->fields, "indicator"));
    unit = json_string_value(json_object_get(op->fields, "unit"));
    value = json_object_get(op->fields, "value");
    if (ind == NULL) /* a partial put of an estimate need not repeat it */
        return EP_OK;
    if (value != NULL && (!json_is_number(value) || json_number_value(value) < 0)) {
        snprintf(code, codelen, "invalid_value");
        snprintf(reason, reasonlen, "field 'value' must be a number of at least 0");
        return EP_EINVAL;
    }
    st = db_stmt(db, sql);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, ind, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        db_done(st);
        snprintf(code, codelen, "unknown_indicator");
        snprintf(reason, reasonlen, "field 'indicator': no indicator '%.64s' in the catalogue",
                 ind);
        return EP_EINVAL;
    }
    if (unit != NULL && strcmp(unit, (const char *)sqlite3_column_text(st, 0)) != 0) {
        snprintf(code, codelen, "wrong_unit");
        snprintf(reason, reasonlen, "field 'unit': '%s' is recorded in %s, not in %.16s", ind,
                 (const char *)sqlite3_column_text(st, 0), unit);
        db_done(st);
        return EP_EINVAL;
    }
    db_done(st);
    return EP_OK;
}

/* ---- catalogue ------------------------------------------------------------ */

struct ind {
    char id[65];
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
};

struct catalogue {
    struct ind *items;
    size_t n;
};

static const char cat_sql[] =
    "SELECT i.id, i.unit, i.theme, i.category, coalesce(i.factor_id, ''), i.review_above, "
    "f.value, f.uncertainty, f.confirmed, coalesce(f.official_id, ''), coalesce(f.source_url, '') "
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
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *version = sqlite3_column_int(st, 0);
    else
        rc = rc == SQLITE_ROW ? EP_ENOTFOUND : rc;
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : (rc < 0 ? rc : db_map_rc(rc));
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
    int rc;

    *out = 0;
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dept, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 4, above);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : db_map_rc(rc);
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
    sqlite3_stmt *st = NULL;
    double total = 0, variance = 0;
    size_t covered = 0;
    int in_tx = 0;
    int rc;

    *out = NULL;
    if (lines == NULL || untracked == NULL || by_theme == NULL || by_cat == NULL ||
        by_dept == NULL || estimated == NULL || read == NULL || missing == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    rc = db_begin_read(db);
    if (rc != EP_OK)
        goto out;
    in_tx = 1;
    rc = factor_version == 0 ? latest_version(db, &factor_version)
                             : version_exists(db, factor_version);
    if (rc == EP_OK)
        rc = load_catalogue(db, factor_version, &cat);
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
        double kg, u;

        if (id == NULL)
            continue;
        json_object_set_new(read, id, json_true());
        if (x == NULL || x->factor_id[0] == '\0') {
            /* Tracked but not converted (e.g. generator hours): shown, so
             * the office knows to record what the footprint counts. */
            json_array_append_new(untracked,
                                  json_pack("{s:s, s:s, s:f, s:s?, s:I}", "indicator", id, "dept",
                                            dept, "quantity", qty, "unit",
                                            x != NULL ? x->unit : NULL, "entries", entries));
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
            if (json_object_get(read, k) != NULL)
                covered++;
            else
                json_array_append_new(missing, json_string(k));
        }
    }
    acc_finish(by_theme);
    acc_finish(by_cat);
    acc_finish(by_dept);
    fp = json_pack("{s:s, s:s, s:i, s:f, s:f, s:o, s:o, s:o, s:o, s:o, "
                   "s:{s:I, s:I, s:o, s:o}, s:s}",
                   "production", production_id, "kind",
                   kind == CARBON_FINAL ? "final" : "provisional", "factor_version", factor_version,
                   "total_kg", total, "uncertainty_kg", sqrt(variance), "by_theme", by_theme,
                   "by_category", by_cat, "by_department", by_dept, "lines", lines, "untracked",
                   untracked, "completeness", "indicators_estimated",
                   (json_int_t)json_object_size(estimated), "indicators_reported",
                   (json_int_t)covered, "missing", missing, "ratio",
                   json_object_size(estimated) > 0
                       ? json_real((double)covered / (double)json_object_size(estimated))
                       : json_null(),
                   "notice",
                   "Estimation de travail d'ecoplateau : le bilan officiel se dépose avec un "
                   "calculateur homologué (Carbon'Clap, SeCO2).");
    /* json_pack stole the groups even on failure; do not free them twice. */
    by_theme = by_cat = by_dept = lines = untracked = missing = NULL;
    rc = fp != NULL ? EP_OK : EP_ENOMEM;
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
    if (rc == EP_OK)
        *out = fp;
    return rc;
}

int carbon_compare(struct db *db, const char *production_id, json_t **out)
{
    json_t *prov = NULL, *fin = NULL, *rows = json_array();
    int rc;

    *out = NULL;
    rc = carbon_footprint(db, production_id, CARBON_PROVISIONAL, 0, &prov);
    if (rc == EP_OK)
        rc = carbon_footprint(db, production_id, CARBON_FINAL, 0, &fin);
    if (rc != EP_OK || rows == NULL) {
        json_decref(prov);
        json_decref(fin);
        json_decref(rows);
        return rc != EP_OK ? rc : EP_ENOMEM;
    }
    for (size_t i = 0; i < NCATS; i++) {
        const char *k = categories[i][0];
        double p = json_real_value(
            json_object_get(json_object_get(json_object_get(prov, "by_category"), k), "kg"));
        double f = json_real_value(
            json_object_get(json_object_get(json_object_get(fin, "by_category"), k), "kg"));
        json_array_append_new(
            rows, json_pack("{s:s, s:s, s:f, s:f, s:f, s:o}", "category", k, "label",
                            categories[i][1], "provisional_kg", p, "final_kg", f, "delta_kg", f - p,
                            "delta_pct", p > 0 ? json_real((f - p) / p * 100.0) : json_null()));
    }
    *out = json_pack("{s:o, s:o, s:o}", "provisional", prov, "final", fin, "categories", rows);
    return *out != NULL ? EP_OK : EP_ENOMEM;
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
        "f.confirmed, f.name_fr, f.source_url, f.version FROM indicator i "
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
            arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:s, s:s, s:o}", "id",
                           (const char *)sqlite3_column_text(st, 0), "name_fr",
                           (const char *)sqlite3_column_text(st, 1), "name_en",
                           (const char *)sqlite3_column_text(st, 2), "unit",
                           (const char *)sqlite3_column_text(st, 3), "theme",
                           (const char *)sqlite3_column_text(st, 4), "category",
                           (const char *)sqlite3_column_text(st, 5), "collector",
                           (const char *)sqlite3_column_text(st, 7), "review_above",
                           sqlite3_column_double(st, 8), "guide_fr",
                           (const char *)sqlite3_column_text(st, 9), "guide_en",
                           (const char *)sqlite3_column_text(st, 10), "factor", factor));
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

/* ---- CSV ------------------------------------------------------------------ */

int carbon_csv(const json_t *fp, char **out, size_t *len)
{
    static const char *const head[] = {"Catégorie (Carbon'Clap)",
                                       "Thème",
                                       "Indicateur",
                                       "Département",
                                       "Quantité",
                                       "Unité",
                                       "Facteur (kgCO2e/unité)",
                                       "Identifiant Base Carbone",
                                       "Facteur confirmé",
                                       "kgCO2e",
                                       "Incertitude (kgCO2e)",
                                       "Source"};
    json_t *lines = json_object_get(fp, "lines");
    struct strbuf b;
    int rc;

    strbuf_init(&b, (size_t)64 * 1024 * 1024);
    *out = NULL;
    rc = strbuf_str(&b, CSV_BOM);
    for (size_t i = 0; rc == EP_OK && i < sizeof(head) / sizeof(head[0]); i++)
        rc = csv_cell(&b, head[i]);
    if (rc == EP_OK)
        rc = csv_end_row(&b);
    /* Rows grouped in the calculator's category order, for transcription. */
    for (size_t c = 0; rc == EP_OK && c < NCATS; c++) {
        size_t i;
        json_t *l;
        json_array_foreach(lines, i, l)
        {
            if (rc != EP_OK)
                break;
            if (strcmp(json_string_value(json_object_get(l, "category")), categories[c][0]) != 0)
                continue;
            rc = csv_cell(&b, categories[c][1]);
            if (rc == EP_OK)
                rc = csv_cell(&b,
                              carbon_theme_label(json_string_value(json_object_get(l, "theme"))));
            if (rc == EP_OK)
                rc = csv_cell(&b, json_string_value(json_object_get(l, "indicator")));
            if (rc == EP_OK)
                rc = csv_cell(&b, json_string_value(json_object_get(l, "dept")));
            if (rc == EP_OK)
                rc = csv_number(&b, json_number_value(json_object_get(l, "quantity")), 2);
            if (rc == EP_OK)
                rc = csv_cell(&b, json_string_value(json_object_get(l, "unit")));
            if (rc == EP_OK)
                rc = csv_number(&b, json_number_value(json_object_get(l, "factor")), 5);
            if (rc == EP_OK)
                rc = csv_cell(&b, json_string_value(json_object_get(l, "official_id")));
            if (rc == EP_OK)
                rc = csv_cell(&b, json_is_true(json_object_get(l, "confirmed")) ? "oui" : "non");
            if (rc == EP_OK)
                rc = csv_number(&b, json_number_value(json_object_get(l, "kg")), 3);
            if (rc == EP_OK)
                rc = csv_number(&b, json_number_value(json_object_get(l, "uncertainty_kg")), 3);
            if (rc == EP_OK)
                rc = csv_cell(&b, json_string_value(json_object_get(l, "source_url")));
            if (rc == EP_OK)
                rc = csv_end_row(&b);
        }
    }
    if (rc == EP_OK) {
        rc = csv_cell(&b, "Total");
        for (int i = 0; rc == EP_OK && i < 8; i++)
            rc = csv_cell(&b, NULL);
        if (rc == EP_OK)
            rc = csv_number(&b, json_number_value(json_object_get(fp, "total_kg")), 3);
        if (rc == EP_OK)
            rc = csv_number(&b, json_number_value(json_object_get(fp, "uncertainty_kg")), 3);
        if (rc == EP_OK)
            rc = csv_end_row(&b);
    }
    if (rc != EP_OK) {
        strbuf_release(&b);
        return rc;
    }
    *out = strbuf_detach(&b, len);
    return *out != NULL ? EP_OK : EP_ENOMEM;
}
