/*
 * plan.h - the action plan followed through (C4, C6, C9): progress of each
 * action against its indicator, and the recurring dysfunctions the data
 * shows (readings missed again and again, targets drifting), each with
 * alternative solutions to propose.
 *
 * An action names an indicator, a baseline and a target for the whole
 * production (its "measure" is "total", the default, or "share": the
 * indicator's share of its theme's quantity in the same unit, e.g. the
 * vegetarian share of meals). Progress projects the quantity so far to the
 * whole shoot by shooting days elapsed. Missing data is reported as missing,
 * never as zero. Dates are ISO days; `today` is a parameter so tests and the
 * demo can pin it. Thread-safe with one struct db per thread.
 */
#ifndef EP_PLAN_H
#define EP_PLAN_H

#include <jansson.h>

struct db;

/*
 * Progress of every action of the production. *out receives
 *   {"today","elapsed_days","total_days","actions":[{"id","title","theme","owner",
 *    "indicator","measure","baseline","target","current","projected",
 *    "attainment_pct"|null,"status","draft_flags":[...]}]}
 * status: "atteint", "en_bonne_voie", "en_retard", "sans_donnee", "brouillon".
 */
int plan_progress(struct db *db, const char *production_id, const char *today, json_t **out);

/*
 * Recurring dysfunctions: {"dysfunctions":[{"kind":"missed_readings"|"target_drift",
 * "indicator","dept","missed"|..,"since","why","alternatives":[...]}]}.
 * A series is "missed" when its current silence lasts at least three of its
 * own usual intervals (its median gap between readings).
 */
int plan_dysfunctions(struct db *db, const char *production_id, const char *today, json_t **out);

/* Weekdays (Monday-Friday) in [from, to): the shooting days between two ISO
 * dates. Returns -1 for a malformed date. */
long plan_weekdays(const char *from, const char *to);

#endif
