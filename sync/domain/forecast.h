/*
 * forecast.h - the provisional footprint as the office files it (docs/
 * carbon.md, "The forecast, filed"). The office enters its quantities per
 * indicator as records of collection "estimates" (the PWA's "Prévisionnel"
 * screen, with the C2 project analysis as a starting suggestion); filing
 * freezes them, with the footprint they give under the production's factor
 * set, as a numbered version (table forecast_version, schema/0014). A later
 * revision is a new version: the one filed with the budget stays as it was.
 *
 * Threading: the caller's struct db (one per thread). forecast_file runs its
 * own transaction and must not be called inside one.
 */
#ifndef EP_FORECAST_H
#define EP_FORECAST_H

#include <jansson.h>
#include <stdint.h>

struct db;

#define FORECAST_LABEL_MAX 120

/*
 * Files production_id's current estimates as its next version, labelled
 * label (1 to FORECAST_LABEL_MAX bytes, e.g. "Devis") by member_id at now
 * (unix ms). *out receives the new version's summary {version, label,
 * filed_at, filed_by, factor_version, total_kg}. Returns 0, EP_EINVAL (the
 * label), EP_ENOTFOUND (no such production) or a storage code.
 */
int forecast_file(struct db *db, const char *production_id, const char *label,
                  const char *member_id, int64_t now, json_t **out);

/*
 * The forecast of production_id: *out receives
 *   {"production", "current": {"items": [{id, indicator, dept, value, unit}],
 *    "total_kg", "factor_version"}, "versions": [{version, label, filed_at,
 *    filed_by, filed_by_name, factor_version, total_kg}]} (oldest first).
 * Returns 0, EP_ENOTFOUND or a storage code.
 */
int forecast_list(struct db *db, const char *production_id, json_t **out);

/*
 * One filed version, as it was filed: {version, label, filed_at, filed_by,
 * filed_by_name, factor_version, items, footprint} (footprint: the
 * provisional footprint's object of carbon_footprint then). Returns 0,
 * EP_ENOTFOUND (no such production or version) or a storage code.
 */
int forecast_get(struct db *db, const char *production_id, int version, json_t **out);

/*
 * The honest comparison (carbon_compare, carbon.h) against a FILED forecast:
 * version N, or the latest filed one when version is 0. Without any filed
 * version it compares with the live estimates and says so. *out is
 * carbon_compare's object plus "forecast": {source: "filed", version, label,
 * filed_at (unix ms), filed_by_name, factor_version} or {source: "live"}.
 * today as in carbon_compare. Returns 0, EP_ENOTFOUND (no such production,
 * or no such version), EP_EINVAL (today) or a storage code.
 */
int forecast_compare(struct db *db, const char *production_id, const char *today, int version,
                     json_t **out);

#endif
