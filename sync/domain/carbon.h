/*
 * carbon.h - indicators (C7) and the carbon footprint (C8).
 *
 * The footprint is readings x emission factors: each current reading of the
 * production (a fact of collection "readings" that nobody superseded or
 * voided) is summed per (indicator, department), converted with the factor
 * of the chosen factor set, and totalled by theme, by the calculators' eight
 * categories and by department, with an uncertainty combining each factor's
 * relative uncertainty in quadrature (independent errors). The provisional
 * footprint does the same from the office's estimates (collection
 * "estimates"). ecoplateau's figure is a working estimate: the official
 * filing is made with an approved calculator (Carbon'Clap, SeCO2).
 *
 * Thread-safety: like the struct db passed in (one per thread).
 */
#ifndef EP_CARBON_H
#define EP_CARBON_H

#include "err.h"
#include "sync.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

enum carbon_kind { CARBON_PROVISIONAL = 0, CARBON_FINAL = 1 };

/*
 * The production's dates as today's schema has them (production.starts_on
 * .. ends_on, the first and last shooting days). This is the ONE place that
 * answers "is this date inside the production" and "how many shooting days
 * have passed": when production phases land, only carbon_span changes.
 * Shooting days are the production's own (production_shooting_day: the
 * shooting phase minus its declared days off), so a Saturday shoot counts
 * and a rest day does not.
 */
struct carbon_span {
    int has_dates;      /* 0: the production has no dates; everything is inside */
    long start, end;    /* days since 1970-01-01, both inclusive */
    long total_days;    /* the production's shooting days (phase minus days off) */
    long elapsed_days;  /* shooting days that ended before today */
    int closed;         /* today is after the last day: the footprint is final */
    char starts_on[11]; /* ISO, "" without dates */
    char ends_on[11];
    /* The days a reading may carry: preparation to post-production when the
     * production has those phases, else the shooting days' span. */
    long first, last;
};

/* Fills *out for production_id as of today (ISO date; NULL = the server's
 * UTC date). Returns 0, EP_ENOTFOUND (no such production), EP_EINVAL (a
 * malformed today) or a storage code. */
int carbon_span_of(struct db *db, const char *production_id, const char *today,
                   struct carbon_span *out);

/* What the SeCO2 mapping column says: SeCO2 publishes neither its
 * categories nor an import format (../shared/domain/references.md lists
 * them as unconfirmed), so no line's mapping is known (docs/carbon.md,
 * "Open questions"). */
#define CARBON_SECO2_UNKNOWN "non connue (SeCO2 ne publie pas ses catégories)"
#define CARBON_SECO2_UNKNOWN_EN "unknown (SeCO2 does not publish its categories)"

/*
 * The header block of every footprint export (docs/carbon.md, "Exports"):
 * *out receives a new array of [label, value] pairs in French: production,
 * company, kind, the phases' dates, status (running, pro rata, or closed),
 * the period the readings cover, the factor set and its date, the
 * completeness in emissions (and of the collection when cmp has
 * "collection"), the missing indicators. cmp is carbon_compare()'s object
 * (borrowed). Returns 0, EP_ENOTFOUND or a storage code.
 */
int carbon_export_header(struct db *db, const char *production_id, const json_t *cmp, json_t **out);

/* The same in lang ("fr", "en"; anything else French), dates and numbers
 * through fmt.h, plus the forecast compared with when cmp carries
 * forecast_compare's "forecast" (its version, label and filing date). */
int carbon_export_header_lang(struct db *db, const char *production_id, const json_t *cmp,
                              const char *lang, json_t **out);

/* "Title (Company)" of production_id, for documents a person reads: never
 * its id. Returns 0, EP_ENOTFOUND or a storage code. */
int carbon_production_label(struct db *db, const char *production_id, char *buf, size_t len);

/* 1 when date (ISO, checked with collect_day) lies inside span, else 0. */
int carbon_span_contains(const struct carbon_span *span, const char *date);

/*
 * The validator's context: the production the ops are pushed to. Without it
 * (ctx NULL) only the checks that need no production run.
 */
struct carbon_vctx {
    const char *production_id;
};

/*
 * sync_validate_fn for readings and estimates: the indicator must exist, the
 * unit must be the indicator's, the value a non-negative number. Other
 * collections pass. Codes: unknown_indicator, wrong_unit, invalid_value.
 * With a struct carbon_vctx as ctx, readings are also checked against the
 * production: invalid_date (field 'at' not an ISO date, or outside the
 * production's dates), unknown_vehicle / vehicle_required (the production
 * has a fleet and the reading does not name one of its entries), and
 * correction_incomplete (a correction that drops a field of the reading it
 * corrects, other than value, at and note).
 */
int carbon_validate_op(void *ctx, struct db *db, const struct sync_op *op, char *code,
                       size_t codelen, char *reason, size_t reasonlen);

/*
 * Computes the footprint of production_id. factor_version 0 = the set the
 * production is pinned to (carbon_pin_factor_set), else the latest.
 * *out receives a new object (see docs/carbon.md for its shape):
 *   {"production","kind","factor_version","total_kg","uncertainty_kg",
 *    "by_theme":{...},"by_category":{...},"by_department":{...},
 *    "lines":[{indicator,dept,quantity,unit,factor_id,factor,kg,uncertainty_kg,
 *              theme,category,entries,flagged,confirmed}],
 *    "untracked":[{indicator,dept,quantity,unit}],
 *    "completeness":{...}}
 * Returns 0, EP_ENOTFOUND (no such factor set) or a storage code.
 */
int carbon_footprint(struct db *db, const char *production_id, enum carbon_kind kind,
                     int factor_version, json_t **out);

/*
 * Provisional and final side by side, honestly (docs/carbon.md, "Comparing"):
 * {"provisional":{...},"final":{...},"status":"en cours"|"clos",
 *  "span":{starts_on, ends_on, elapsed_days, total_days, fraction},
 *  "coverage":{expected_kg, covered_kg, share},
 *  "categories":[{"category","label","provisional_kg","expected_kg",
 *                 "covered_expected_kg","final_kg","coverage","delta_kg",
 *                 "delta_pct"}],
 *  "missing":[{indicator, category, expected_kg}], "total":{...}}
 * expected = the provisional kg x the share of shooting days elapsed (1 once
 * closed). An estimated indicator with no reading is missing: its expected
 * kg is not covered and it takes no part in delta (never a reduction).
 * delta_kg = final kg of covered indicators - their expected kg; delta_pct
 * null when nothing is covered. today: ISO, NULL = the server's date.
 */
int carbon_compare(struct db *db, const char *production_id, const char *today, json_t **out);

/*
 * carbon_compare against a given provisional footprint: filed (borrowed,
 * copied) is a provisional footprint object as carbon_footprint gave it when
 * the forecast was filed (forecast_compare, forecast.h, passes the filed
 * version's); NULL compares with the live estimates, as carbon_compare does.
 */
int carbon_compare_with(struct db *db, const char *production_id, const char *today,
                        const json_t *filed, json_t **out);

/*
 * Loads the factor sets compiled into the binary (sync/domain/data/
 * factors-NNNN.json) whose version the database does not have yet, each in
 * one transaction; a set already there is never rewritten. Call after
 * db_migrate. Returns 0, EP_EINVAL with a message in err (a malformed set,
 * or a derived or estimated factor without its method) or a storage code.
 */
int carbon_factor_sets_load(struct db *db, struct ep_error *err);

/*
 * Pins production_id's footprint to factor set version (0: the latest), so
 * that a newer set never changes it silently: carbon_footprint with
 * factor_version 0 uses the pinned set, or the latest when none is pinned.
 * Returns 0, EP_ENOTFOUND (no such set) or a storage code.
 */
int carbon_pin_factor_set(struct db *db, const char *production_id, int version, int64_t now_ms);

/*
 * The factor sets as the office sees them for production_id (docs/carbon.md,
 * "The factor catalogue"): *out receives a new object
 *   {"production", "using": N, "latest": N, "pinned": {version, pinned_at}|null,
 *    "sets": [{version, published, note, factors: count}],
 *    "factors": [{id, name_fr, unit, value, official_name, official_id, year,
 *                 source_url, uncertainty, status, method, note}] (set in use),
 *    "changes": [{id, name_fr, unit, from, to, status}]}
 * "changes" lists what moving to the latest set would change (from null: a
 * new factor; to null: dropped); empty when the production uses the latest.
 * Returns 0, EP_ENOTFOUND (no such production) or a storage code.
 */
int carbon_factor_sets(struct db *db, const char *production_id, json_t **out);

/* kgCO2e per unit of indicator under the factor set production_id's
 * footprint uses (pinned, else the latest). Returns 0, EP_ENOTFOUND (no
 * such indicator, or no factor: tracked only) or a storage code. */
int carbon_indicator_factor(struct db *db, const char *production_id, const char *indicator,
                            double *value);

/* kgCO2e per unit of factor_id in the latest set. Returns 0 or EP_ENOTFOUND. */
int carbon_factor_value(struct db *db, const char *factor_id, double *value);

/* The indicator catalogue with each indicator's factor (latest set). */
int carbon_catalogue(struct db *db, json_t **out);

/* Readings flagged for review: current readings above their indicator's
 * review_above, as an array of {id, indicator, value, unit, dept, at, dev}. */
int carbon_flagged(struct db *db, const char *production_id, json_t **out);

/*
 * Who reports: per department, the date of its latest current reading and
 * how many it has: {"regie":{"last_at":"2026-09-21","readings":412},...}.
 * A full scan of the production's readings: for dashboards, not hot paths.
 */
int carbon_reporting(struct db *db, const char *production_id, json_t **result);

/*
 * The footprint as CSV for French spreadsheets: UTF-8 with BOM, ';'
 * separators, decimal commas, CRLF, and any cell starting with = + - @ tab or
 * CR prefixed with ' so no spreadsheet evaluates it. *out owns the text.
 */
int carbon_csv(const json_t *fp, char **out, size_t *len);

/*
 * One line per thing to type into the calculator, from a footprint (final
 * or provisional, borrowed): a footprint's lines summed over departments per
 * indicator, its untracked posts (recorded, no factor) and its missing ones
 * (estimated, never read), in Carbon'Clap's category order, then by theme in
 * the order its forms ask (energy, mobility, accommodation, food, purchases,
 * waste), then by French name. *out receives a new array of
 *   {indicator, category, theme, name_fr, name_en, unit, unit_fr,
 *    state: "counted"|"untracked"|"missing", quantity (null if missing),
 *    kg and uncertainty_kg (null unless counted), entries, flagged,
 *    replaced_quantity, method, depts: [{dept, quantity}], factor_id, factor,
 *    factor_status, official_id, source_url, factor_method, seco2: null}.
 * Returns 0 or EP_ENOMEM.
 */
int carbon_form_lines(const json_t *fp, json_t **out);

/* A form line's (or footprint line's) indicator name in lang, French when
 * it has no English one. Points into e. */
const char *carbon_form_name(const json_t *e, const char *lang);

/* carbon_csv with labels in lang ("fr", "en"); one row per form line
 * (carbon_form_lines). */
int carbon_csv_lang(const json_t *fp, const char *lang, char **out, size_t *len);

/* What carbon_label translates. */
enum carbon_label_kind {
    CARBON_LABEL_CATEGORY,
    CARBON_LABEL_THEME,
    CARBON_LABEL_UNIT,
    CARBON_LABEL_DEPT,
    CARBON_LABEL_METHOD,
    CARBON_LABEL_STATUS,
    CARBON_LABEL_PHASE, /* "preparation", "shooting", "post_production" */
};

/* The label of key in lang ("fr", "en"; anything else French): a category,
 * theme, activity unit, department, line method, factor status or phase. An
 * unknown key is returned as it is. Static string. */
const char *carbon_label(enum carbon_label_kind kind, const char *key, const char *lang);

/*
 * The catalogue's name of indicator id in lang ("van_km" -> "Kilomètres en
 * utilitaire" / its English name) into buf; an unknown id or a storage error
 * writes unknown (the caller's word for it), never the id, which people do
 * not read. Returns buf.
 */
char *carbon_indicator_name(struct db *db, const char *id, const char *lang, const char *unknown,
                            char *buf, size_t len);

/* The French label of a category / theme key ("transport" -> "Transport"). */
const char *carbon_category_label(const char *key);
const char *carbon_theme_label(const char *key);
/* French labels of a footprint line's method and a factor's status. */
const char *carbon_method_label(const char *method);
/* A department's French name for documents ("regie" -> "Régie"); an
 * unknown one is returned as it is. Static string. */
const char *carbon_dept_label(const char *dept);
const char *carbon_status_label(const char *status);
/* The French label of an activity unit ("meal" -> "repas"); others as is. */
const char *carbon_unit_label(const char *unit);

#endif
