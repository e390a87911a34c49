/* plan.c - action progress and recurring dysfunctions (see plan.h). */
#include "plan.h"

#include "collect.h"

#include "carbon.h"

#include "db.h"
#include "err.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Days since 1970-01-01 of an ISO date (Howard Hinnant's days_from_civil). */
/* Reads exactly n decimal digits of s into *out. */
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

static int iso_to_days(const char *s, long *out)
{
    long y, m, d;
    long era, yoe, doy, doe;

    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) != EP_OK ||
        digits(s + 5, 2, &m) != EP_OK || digits(s + 8, 2, &d) != EP_OK || m < 1 || m > 12 ||
        d < 1 || d > 31)
        return EP_EINVAL;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *out = era * 146097 + doe - 719468;
    return EP_OK;
}

static int is_weekday(long day)
{
    long wd = ((day % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday: 0 = Sunday */
    return wd != 0 && wd != 6;
}

long plan_weekdays(const char *from, const char *to)
{
    long a, b, n = 0;
    if (iso_to_days(from, &a) != EP_OK || iso_to_days(to, &b) != EP_OK)
        return -1;
    for (long d = a; d < b; d++)
        n += is_weekday(d);
    return n;
}

static int production_dates(struct db *db, const char *production, char *starts, char *ends,
                            char *title, size_t tlen)
{
    static const char sql[] = "SELECT coalesce(starts_on, ''), coalesce(ends_on, ''), title "
                              "FROM production WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(starts, 11, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(ends, 11, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(title, tlen, "%s", (const char *)sqlite3_column_text(st, 2));
    }
    db_done(st);
    return rc == SQLITE_ROW ? EP_OK : rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
}

/* Quantity of current readings per indicator, and per (theme, unit); in
 * by_flag, the part of it in readings flagged for review (above the
 * indicator's review_above), which a projection must not extrapolate. */
static int quantities(struct db *db, const char *production, json_t *by_ind, json_t *by_theme,
                      json_t *by_flag)
{
    static const char sql[] =
        "SELECT json_extract(f.fields, '$.indicator'), total(json_extract(f.fields, '$.value')), "
        "i.theme, i.unit, total(CASE WHEN json_extract(f.fields, '$.value') > i.review_above "
        "THEN json_extract(f.fields, '$.value') ELSE 0 END) FROM sync_fact f LEFT JOIN indicator i "
        "ON i.id = json_extract(f.fields, '$.indicator') WHERE f.production_id = ?1 "
        "AND f.col = 'readings' AND f.superseded = 0 AND f.void = 0 GROUP BY 1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *ind = (const char *)sqlite3_column_text(st, 0);
        double q = sqlite3_column_double(st, 1);
        char key[64];
        if (ind == NULL)
            continue;
        json_object_set_new(by_ind, ind, json_real(q));
        json_object_set_new(by_flag, ind, json_real(sqlite3_column_double(st, 4)));
        snprintf(key, sizeof(key), "%s/%s", (const char *)sqlite3_column_text(st, 2),
                 (const char *)sqlite3_column_text(st, 3));
        json_object_set_new(by_theme, key,
                            json_real(json_real_value(json_object_get(by_theme, key)) + q));
    }
    db_done(st);
    return rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

static const char *ind_theme_key(struct db *db, const char *ind, char *key, size_t len)
{
    static const char sql[] = "SELECT theme, unit FROM indicator WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    key[0] = '\0';
    if (st == NULL)
        return key;
    sqlite3_bind_text(st, 1, ind, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(key, len, "%s/%s", (const char *)sqlite3_column_text(st, 0),
                 (const char *)sqlite3_column_text(st, 1));
    db_done(st);
    return key;
}

/* The owner as people read it: a member id (the editor picks owners among
 * the production's members) becomes the member's name; text written before
 * stays as it is. New reference, NULL without an owner. */
static json_t *owner_shown(struct db *db, const char *production, const json_t *owner)
{
    static const char sql[] = "SELECT name FROM member WHERE id = ?1 AND production_id = ?2";
    sqlite3_stmt *st;
    json_t *out = NULL;

    if (!json_is_string(owner))
        return NULL;
    st = db_stmt(db, sql);
    if (st != NULL) {
        sqlite3_bind_text(st, 1, json_string_value(owner), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, production, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            out = json_string((const char *)sqlite3_column_text(st, 0));
        db_done(st);
    }
    return out != NULL ? out : json_incref((json_t *)owner);
}

const char *plan_check_reason(double pct, const json_t *confirmed)
{
    /* A person looked at this very figure: it stands. Another figure (a new
     * reading moved it) must be looked at again. */
    if (json_is_number(confirmed) && fabs(json_number_value(confirmed) - pct) < 0.05)
        return NULL;
    if (pct > PLAN_CHECK_ABOVE_PCT)
        return "au_dessus_de_200";
    if (pct < 0)
        return "sous_0";
    return NULL;
}

/* What an action avoided against its baseline (docs/plan.md, "Avoided
 * emissions"), in kgCO2e for the whole production, into item: "avoided_kg"
 * (null when it cannot be said) and "avoided_method" (how, or why not).
 * proj is the projected quantity (total) or share; all_proj the projected
 * quantity of the share's theme in the same unit. */
static void avoided(struct db *db, const char *production, const char *lang, json_t *item,
                    const json_t *a, int share, double b, double t, double proj, double all_proj)
{
    const char *ind = json_string_value(json_object_get(a, "indicator"));
    const char *rep = json_string_value(json_object_get(a, "replaces"));
    double fi = 0, fr = 0, kg;
    char how[300], nb[24], np[24], nt[24], nr[24], nf[24];

    if (carbon_indicator_factor(db, production, ind, &fi) != EP_OK) {
        json_object_set_new(item, "avoided_kg", json_null());
        json_object_set_new(item, "avoided_method",
                            json_string(text_get(lang, "plan.avoided.no_factor")));
        return;
    }
    snprintf(nf, sizeof(nf), "%.6g", fi);
    if (!share && t < b) {
        kg = (b - proj) * fi;
        snprintf(nb, sizeof(nb), "%.6g", b);
        snprintf(np, sizeof(np), "%.6g", proj);
        text_fmtbuf(how, sizeof(how), lang, "plan.avoided.reduction", "baseline", nb, "projected",
                    np, "factor", nf, NULL);
    } else if (rep == NULL || carbon_indicator_factor(db, production, rep, &fr) != EP_OK) {
        json_object_set_new(item, "avoided_kg", json_null());
        json_object_set_new(
            item, "avoided_method",
            json_string(text_get(lang, rep == NULL ? "plan.avoided.no_replaces"
                                                   : "plan.avoided.replaced_no_factor")));
        return;
    } else if (share) {
        kg = (proj - b) * all_proj * (fr - fi);
        snprintf(np, sizeof(np), "%.3g", proj);
        snprintf(nb, sizeof(nb), "%.3g", b);
        snprintf(nt, sizeof(nt), "%.6g", all_proj);
        snprintf(nr, sizeof(nr), "%.6g", fr);
        text_fmtbuf(how, sizeof(how), lang, "plan.avoided.substitution_share", "projected", np,
                    "baseline", nb, "total", nt, "replaced", nr, "factor", nf, NULL);
    } else {
        kg = (proj - b) * (fr - fi);
        snprintf(np, sizeof(np), "%.6g", proj);
        snprintf(nb, sizeof(nb), "%.6g", b);
        snprintf(nr, sizeof(nr), "%.6g", fr);
        text_fmtbuf(how, sizeof(how), lang, "plan.avoided.substitution", "projected", np,
                    "baseline", nb, "replaced", nr, "factor", nf, NULL);
    }
    json_object_set_new(item, "avoided_kg", json_real(round(kg * 100) / 100));
    json_object_set_new(item, "avoided_method", json_string(how));
}

int plan_progress(struct db *db, const char *production, const char *today, const char *lang,
                  json_t **out)
{
    static const char *const shown[][2] = {{"dept", "dept"},
                                           {"objective", "objective"},
                                           {"means", "means"},
                                           {"library", "library"},
                                           {"status", "action_status"}};
    static const char sql[] = "SELECT rid, state FROM sync_record WHERE production_id = ?1 "
                              "AND col = 'actions' AND deleted = 0 ORDER BY rid";
    char starts[11] = "", ends[11] = "", title[204] = "";
    json_t *by_ind = json_object(), *by_theme = json_object(), *list = json_array();
    json_t *by_flag = json_object();
    sqlite3_stmt *st = NULL;
    long elapsed, total;
    int rc;

    *out = NULL;
    rc = db_begin_read(db);
    if (rc != EP_OK)
        goto fail;
    rc = production_dates(db, production, starts, ends, title, sizeof(title));
    if (rc == EP_OK)
        rc = quantities(db, production, by_ind, by_theme, by_flag);
    if (rc != EP_OK)
        goto fail;
    elapsed = plan_weekdays(starts, today);
    total = plan_weekdays(starts, ends) + 1; /* ends_on is a shooting day too */
    st = db_stmt(db, sql);
    if (st == NULL) {
        rc = EP_EIO;
        goto fail;
    }
    sqlite3_bind_text(st, 1, production, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_error_t err;
        json_t *a = json_loads((const char *)sqlite3_column_text(st, 1), 0, &err);
        const char *ind = json_string_value(json_object_get(a, "indicator"));
        const char *measure = json_string_value(json_object_get(a, "measure"));
        json_t *jb = json_object_get(a, "baseline"), *jt = json_object_get(a, "target");
        json_t *flags = json_array(), *current = json_null(), *projected = json_null();
        json_t *pct = json_null();
        const char *status, *check = NULL;
        int share = measure != NULL && strcmp(measure, "share") == 0;
        double all_proj = 0;
        json_t *item;

        /* Allowed as drafts, but flagged: an action nobody owns or measures. */
        if (json_string_value(json_object_get(a, "owner")) == NULL)
            json_array_append_new(flags, json_string("sans_responsable"));
        if (ind == NULL)
            json_array_append_new(flags, json_string("sans_indicateur"));
        if (!json_is_number(jb) || !json_is_number(jt))
            json_array_append_new(flags, json_string("sans_objectif_chiffre"));
        if (json_array_size(flags) > 0) {
            status = "brouillon";
        } else if (json_object_get(by_ind, ind) == NULL) {
            status = "sans_donnee"; /* missing is missing, not zero */
        } else {
            double q = json_real_value(json_object_get(by_ind, ind));
            double b = json_number_value(jb), t = json_number_value(jt), cur, proj, att;
            if (share) {
                char key[64];
                double all = json_real_value(
                    json_object_get(by_theme, ind_theme_key(db, ind, key, sizeof(key))));
                cur = all > 0 ? q / all : 0;
                proj = cur; /* a share does not grow with time */
                all_proj = elapsed > 0 && total > 0 ? all * (double)total / (double)elapsed : all;
            } else {
                /* A reading flagged for review counts once as it is: it is
                 * never extrapolated over the remaining days (docs/carbon.md
                 * "Refused, accepted, flagged"). */
                double flagged = json_real_value(json_object_get(by_flag, ind));
                cur = q;
                proj = elapsed > 0 && total > 0
                           ? (q - flagged) * (double)total / (double)elapsed + flagged
                           : q;
            }
            /* Progress from the baseline towards the target, whichever way. */
            att = t != b ? (proj - b) / (t - b) * 100.0 : (proj == t ? 100.0 : 0.0);
            if (t < b && proj <= t)
                att = fmax(att, 100.0);
            current = json_real(cur);
            projected = json_real(proj);
            pct = json_real(round(att * 10) / 10);
            status = att >= 100 ? "atteint" : att >= 70 ? "en_bonne_voie" : "en_retard";
            check = plan_check_reason(round(att * 10) / 10, json_object_get(a, "confirmed_pct"));
            if (check != NULL)
                status = "a_verifier";
        }
        item = json_pack(
            "{s:s, s:O, s:O, s:O, s:s?, s:s, s:O, s:O, s:o, s:o, s:o, s:s, s:o}", "id",
            (const char *)sqlite3_column_text(st, 0), "title",
            json_object_get(a, "title") ? json_object_get(a, "title") : json_null(), "theme",
            json_object_get(a, "theme") ? json_object_get(a, "theme") : json_null(), "owner",
            json_object_get(a, "owner") ? json_object_get(a, "owner") : json_null(), "indicator",
            ind, "measure", share ? "share" : "total", "baseline", jb != NULL ? jb : json_null(),
            "target", jt != NULL ? jt : json_null(), "current", current, "projected", projected,
            "attainment_pct", pct, "status", status, "draft_flags", flags);
        /* What the exports and the plan editor show besides the figures. */
        for (size_t k = 0; item != NULL && k < sizeof(shown) / sizeof(shown[0]); k++) {
            json_t *v = json_object_get(a, shown[k][0]);
            if (v != NULL)
                json_object_set(item, shown[k][1], v);
        }
        if (item != NULL && json_is_string(json_object_get(a, "owner"))) {
            json_object_set(item, "owner_id", json_object_get(a, "owner"));
            json_object_set_new(item, "owner",
                                owner_shown(db, production, json_object_get(a, "owner")));
        }
        if (item != NULL && check != NULL)
            json_object_set_new(item, "check", json_string(check));
        if (item != NULL)
            if (item != NULL) {
                json_object_set(item, "target_kg",
                                json_is_number(json_object_get(a, "target_kg"))
                                    ? json_object_get(a, "target_kg")
                                    : json_null());
                if (json_is_number(projected))
                    avoided(db, production, lang, item, a, share, json_number_value(jb),
                            json_number_value(jt), json_number_value(projected), all_proj);
                else {
                    json_object_set_new(item, "avoided_kg", json_null());
                    json_object_set_new(item, "avoided_method",
                                        json_string(text_get(lang, json_array_size(flags) > 0
                                                                       ? "plan.avoided.draft"
                                                                       : "plan.avoided.no_data")));
                }
                if (json_object_get(a, "replaces") != NULL)
                    json_object_set(item, "replaces", json_object_get(a, "replaces"));
                json_array_append_new(list, item);
            }
        json_decref(a);
    }
    db_done(st);
    rc = rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
    db_rollback(db);
    if (rc != EP_OK)
        goto fail2;
    *out = json_pack("{s:s, s:s, s:I, s:I, s:o}", "title", title, "today", today, "elapsed_days",
                     (json_int_t)elapsed, "total_days", (json_int_t)total, "actions", list);
    json_decref(by_ind);
    json_decref(by_theme);
    json_decref(by_flag);
    return *out != NULL ? EP_OK : EP_ENOMEM;
fail:
    db_rollback(db);
fail2:
    json_decref(by_ind);
    json_decref(by_theme);
    json_decref(by_flag);
    json_decref(list);
    return rc;
}

/* ---- dysfunctions ----------------------------------------------------------- */

/*
 * What to try instead, in lang (docs/plan.md, "Dysfunctions"): the advice
 * lives in the data files ("evaluation.alt.<group>.<n>", n from 1) so the
 * dashboard and the evaluation (eval.c, which takes it from here) say the
 * same thing in the reader's language. Missed readings share one set
 * ("missed"); a drifting target gets its theme's, or the general one
 * ("other") for a theme with no advice of its own.
 */
static json_t *alternatives(const char *kind, const char *theme, const char *lang)
{
    const char *group = kind != NULL && strcmp(kind, "missed_readings") == 0 ? "missed" : theme;
    json_t *list = json_array();
    char key[96];

    if (group != NULL)
        snprintf(key, sizeof(key), "evaluation.alt.%s.%d", group, 1);
    if (group == NULL || !text_has("fr", key))
        group = "other";
    for (int n = 1; list != NULL && n < 10; n++) {
        snprintf(key, sizeof(key), "evaluation.alt.%s.%d", group, n);
        if (!text_has("fr", key))
            break;
        if (json_array_append_new(list, json_string(text_get(lang, key))) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    return list;
}

/* The missed_readings entry already listed for group in dept, or NULL. */
static json_t *group_entry(json_t *list, const char *group, const char *dept)
{
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        const char *g = json_string_value(json_object_get(x, "group"));
        const char *d = json_string_value(json_object_get(x, "dept"));
        if (g != NULL && d != NULL && strcmp(g, group) == 0 && strcmp(d, dept) == 0)
            return x;
    }
    return NULL;
}

/* Appends one missed_readings entry per scheduled item with periods ended
 * without a reading: the very list Collecte shows ("Ce qui manque"), from
 * collect_missing(), so the dashboard and Collecte cannot disagree. Lines
 * scheduled as a group ("meals") share their periods and readings: they
 * make one entry, "group" set and "indicators" listing them. */
static int missed_readings(struct db *db, const char *production, const char *today,
                           const char *lang, json_t *list)
{
    json_t *m = NULL, *item, *entry;
    size_t i;
    int rc = collect_missing(db, production, today, NULL, NULL, &m);

    json_array_foreach(json_object_get(m, "items"), i, item)
    {
        const json_t *missing = json_object_get(item, "missing");
        const char *group = json_string_value(json_object_get(item, "group"));
        const char *dept = json_string_value(json_object_get(item, "dept"));
        if (rc != EP_OK || json_array_size(missing) == 0)
            continue;
        entry = group != NULL && dept != NULL ? group_entry(list, group, dept) : NULL;
        if (entry != NULL) {
            if (json_array_append(json_object_get(entry, "indicators"),
                                  json_object_get(item, "indicator")) != 0)
                rc = EP_ENOMEM;
            continue;
        }
        entry = json_pack("{s:s, s:O, s:O, s:O, s:I, s:O, s:s, s:o, s:[O]}", "kind",
                          "missed_readings", "indicator", json_object_get(item, "indicator"),
                          "dept", json_object_get(item, "dept"), "frequency",
                          json_object_get(item, "frequency"), "missed",
                          (json_int_t)json_array_size(missing), "since",
                          json_object_get(json_array_get(missing, 0), "from"), "why",
                          text_get(lang, "plan.why.missed"), "alternatives",
                          alternatives("missed_readings", NULL, lang), "indicators",
                          json_object_get(item, "indicator"));
        if (entry != NULL && group != NULL &&
            json_object_set_new(entry, "group", json_string(group)) != 0) {
            json_decref(entry);
            entry = NULL;
        }
        if (entry == NULL || json_array_append_new(list, entry) != 0)
            rc = EP_ENOMEM;
    }
    json_decref(m);
    return rc;
}

int plan_dysfunctions(struct db *db, const char *production, const char *today, const char *lang,
                      json_t **out)
{
    json_t *list = json_array(), *progress = NULL;
    int rc;

    *out = NULL;
    if (list == NULL)
        return EP_ENOMEM;
    rc = missed_readings(db, production, today, lang, list);
    if (rc == EP_OK)
        rc = plan_progress(db, production, today, lang, &progress);
    if (rc == EP_OK) {
        size_t i;
        json_t *a;
        /* A target drifts when, a quarter of the shoot in, it is behind. */
        json_int_t elapsed = json_integer_value(json_object_get(progress, "elapsed_days"));
        json_int_t total = json_integer_value(json_object_get(progress, "total_days"));
        json_array_foreach(json_object_get(progress, "actions"), i, a)
        {
            const char *status = json_string_value(json_object_get(a, "status"));
            const char *check = json_string_value(json_object_get(a, "check"));
            /* Below 0 % is going the wrong way, or a mistake: either way
             * the office must look, so it drifts too. */
            int behind =
                strcmp(status, "en_retard") == 0 || (check != NULL && strcmp(check, "sous_0") == 0);
            if (!behind || total <= 0 || elapsed * 4 < total)
                continue;
            json_array_append_new(
                list,
                json_pack("{s:s, s:O, s:O, s:O, s:O, s:s, s:o}", "kind", "target_drift", "action",
                          json_object_get(a, "id"), "indicator", json_object_get(a, "indicator"),
                          "attainment_pct", json_object_get(a, "attainment_pct"), "projected",
                          json_object_get(a, "projected"), "why", text_get(lang, "plan.why.drift"),
                          "alternatives",
                          alternatives("target_drift",
                                       json_string_value(json_object_get(a, "theme")), lang)));
        }
    }
    json_decref(progress);
    if (rc != EP_OK) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o}", "dysfunctions", list);
    return *out != NULL ? EP_OK : EP_ENOMEM;
}

/* ---- library and exports ---------------------------------------------------- */

static json_t *library_row(sqlite3_stmt *st)
{
    json_error_t err;
    json_t *tags = json_loads((const char *)sqlite3_column_text(st, 10), 0, &err);

    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:o}", "id",
        (const char *)sqlite3_column_text(st, 0), "theme", (const char *)sqlite3_column_text(st, 1),
        "dept", (const char *)sqlite3_column_text(st, 2), "title_fr",
        (const char *)sqlite3_column_text(st, 3), "title_en",
        (const char *)sqlite3_column_text(st, 4), "objective",
        (const char *)sqlite3_column_text(st, 5), "means", (const char *)sqlite3_column_text(st, 6),
        "indicator", (const char *)sqlite3_column_text(st, 7), "measure",
        (const char *)sqlite3_column_text(st, 8), "direction",
        (const char *)sqlite3_column_text(st, 9), "tags", tags != NULL ? tags : json_array());
}

int plan_library(struct db *db, const char *id, json_t **out)
{
    static const char sql[] = "SELECT id, theme, dept, title_fr, title_en, objective, means, "
                              "indicator, measure, direction, tags FROM action_library "
                              "WHERE ?1 IS NULL OR id = ?1 ORDER BY theme, id";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *list = json_array();
    int rc;

    *out = NULL;
    if (st == NULL || list == NULL) {
        json_decref(list);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *row = library_row(st);
        if (row == NULL) {
            rc = EP_ENOMEM;
            break;
        }
        json_array_append_new(list, row);
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(list);
        return rc == EP_ENOMEM ? rc : db_map_rc(rc);
    }
    if (id != NULL) {
        json_t *one = json_array_get(list, 0);
        if (one == NULL) {
            json_decref(list);
            return EP_ENOTFOUND;
        }
        json_incref(one);
        json_decref(list);
        *out = one;
        return EP_OK;
    }
    *out = list;
    return EP_OK;
}

json_t *plan_action_from_library(const json_t *entry)
{
    json_t *f = json_pack(
        "{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:s}", "title", json_object_get(entry, "title_fr"),
        "theme", json_object_get(entry, "theme"), "dept", json_object_get(entry, "dept"),
        "objective", json_object_get(entry, "objective"), "means", json_object_get(entry, "means"),
        "measure", json_object_get(entry, "measure"), "library", json_object_get(entry, "id"),
        "status", "draft");
    json_t *ind = json_object_get(entry, "indicator");

    if (f != NULL && json_is_string(ind))
        json_object_set(f, "indicator", ind);
    if (f != NULL)
        json_object_set(f, "tags", json_object_get(entry, "tags"));
    return f;
}

int plan_field_history(struct db *db, const char *production, const char *col, const char *rid,
                       const char *field, json_t **out)
{
    static const char sql[] =
        "SELECT v.value, v.hlc, v.dev, v.op_id, v.leaf FROM sync_version v JOIN sync_record r "
        "ON r.col = v.col AND r.rid = v.rid WHERE v.col = ?1 AND v.rid = ?2 AND v.field = ?3 "
        "AND r.production_id = ?4 ORDER BY v.hlc, v.dev, v.op_id";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *list = json_array();
    int rc;

    *out = NULL;
    if (st == NULL || list == NULL) {
        json_decref(list);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, col, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, field, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, production, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_error_t err;
        json_t *v = json_loads((const char *)sqlite3_column_text(st, 0), JSON_DECODE_ANY, &err);
        json_t *row =
            json_pack("{s:o, s:s, s:s, s:s, s:b}", "value", v != NULL ? v : json_null(), "hlc",
                      (const char *)sqlite3_column_text(st, 1), "dev",
                      (const char *)sqlite3_column_text(st, 2), "op",
                      (const char *)sqlite3_column_text(st, 3), "leaf", sqlite3_column_int(st, 4));
        if (row == NULL) {
            rc = EP_ENOMEM;
            break;
        }
        json_array_append_new(list, row);
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(list);
        return rc == EP_ENOMEM ? rc : db_map_rc(rc);
    }
    *out = list;
    return EP_OK;
}
