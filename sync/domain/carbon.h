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

#include "sync.h"

#include <jansson.h>
#include <stddef.h>

struct db;

enum carbon_kind { CARBON_PROVISIONAL = 0, CARBON_FINAL = 1 };

/*
 * sync_validate_fn for readings and estimates: the indicator must exist, the
 * unit must be the indicator's, the value a non-negative number. Other
 * collections pass. Codes: unknown_indicator, wrong_unit, invalid_value.
 */
int carbon_validate_op(void *ctx, struct db *db, const struct sync_op *op, char *code,
                       size_t codelen, char *reason, size_t reasonlen);

/*
 * Computes the footprint of production_id. factor_version 0 = the latest set.
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
 * Provisional and final side by side: {"provisional":{...},"final":{...},
 * "categories":[{"category","provisional_kg","final_kg","delta_kg","delta_pct"}]}
 * (delta_pct null when the provisional is 0).
 */
int carbon_compare(struct db *db, const char *production_id, json_t **out);

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

/* The French label of a category / theme key ("transport" -> "Transport"). */
const char *carbon_category_label(const char *key);
const char *carbon_theme_label(const char *key);

#endif
