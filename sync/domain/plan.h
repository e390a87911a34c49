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
 *   {"title" (the production's),"today","elapsed_days","total_days",
 *    "actions":[{"id","title","theme","owner" (a member's name when the record
 *    names a member; "owner_id" then holds the record's
 * value),"dept","objective","means","library", "action_status" (the record's own "status", when
 * set), "indicator","measure","baseline","target","current","projected",
 *    "attainment_pct"|null,"status","draft_flags":[...]}]}
 * status: "atteint", "en_bonne_voie", "en_retard", "sans_donnee", "brouillon",
 * or "a_verifier" with "check" naming why (plan_check_reason) until a person
 * confirms that very figure in the action's "confirmed_pct".
 * "avoided_method" (how the avoided emissions were computed, or why not)
 * is prose in lang ("fr" or "en", text.h: "plan.avoided.*").
 */
int plan_progress(struct db *db, const char *production_id, const char *today, const char *lang,
                  json_t **out);

/* Attainment above this, or below 0 %, is more likely a unit or kind mistake
 * (a share entered as a quantity) than a result: shown "à vérifier". */
#define PLAN_CHECK_ABOVE_PCT 200.0

/*
 * Why an attainment of pct (rounded to 0.1) must be checked before it counts
 * in any headline figure: "au_dessus_de_200", "sous_0", or NULL when it is
 * plausible or when confirmed (borrowed, may be NULL: the action's
 * "confirmed_pct") holds that same figure.
 */
const char *plan_check_reason(double pct, const json_t *confirmed);

/*
 * Dysfunctions: {"dysfunctions":[{"kind":"missed_readings"|"target_drift",
 * "indicator","dept","missed"|..,"since","why","alternatives":[...]}]}.
 * Missed readings are collect_missing()'s, item for item (collect.h: one
 * notion of "missing"): "missed" counts the periods ended without a reading,
 * "since" is the first one's first day, "frequency" the item's,
 * "indicators" the lines it stands for: one, or every line of a group
 * scheduled together ("group":"meals"), which share periods and readings.
 * "why" and "alternatives" are prose in lang ("fr" or "en", text.h), from
 * the data files' "plan.why.*" and "evaluation.alt.*" keys.
 */
int plan_dysfunctions(struct db *db, const char *production_id, const char *today, const char *lang,
                      json_t **out);

/*
 * The action library (schema/0005_plan.sql): with id NULL, every entry as a
 * new array of {"id","theme","dept","title_fr","title_en","objective",
 * "means","indicator"|absent,"measure","direction","tags":[...]}; with an id,
 * that entry as a new object, or EP_ENOTFOUND.
 */
int plan_library(struct db *db, const char *id, json_t **out);

/* The fields of a new action started from library entry (borrowed): a
 * draft the eco-referent then completes (owner, baseline, target). New
 * object, NULL on OOM. */
json_t *plan_action_from_library(const json_t *entry);

/*
 * Every version ever written to one field of a record of production, oldest
 * first, as a new array of {"value","hlc","dev","op","leaf"}: e.g. the
 * reassignments of a task ("assignee"). Empty when the record is another
 * production's or absent.
 */
int plan_field_history(struct db *db, const char *production, const char *col, const char *rid,
                       const char *field, json_t **out);

/* Weekdays (Monday-Friday) in [from, to): the shooting days between two ISO
 * dates. Returns -1 for a malformed date. */
long plan_weekdays(const char *from, const char *to);

#endif
