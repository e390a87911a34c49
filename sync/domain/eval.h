/*
 * eval.h - the plan measured against reality at the end of the shoot
 * (C9): each action's attainment and verdict, the provisional and final
 * footprints compared, strengths, difficulties with the solutions to propose
 * next time, and which successful actions are reproducible on the next
 * production.
 *
 * Built from plan_progress (plan.h), plan_dysfunctions and carbon_compare
 * (carbon.h); the eco-referent's own judgement lives on the action records
 * as fields "reproducible" (true: reproducible, false: specific to this
 * film), "success_factors" and "lessons". Missing data stays missing: an
 * action without readings has no attainment and is never counted as 0 %.
 * Thread-safe with one struct db per thread.
 */
#ifndef EP_EVAL_H
#define EP_EVAL_H

#include <jansson.h>

struct db;

/*
 * Evaluates production_id as of today (ISO day), its sentences ("text" of
 * strengths and difficulties, their "solutions") in lang ("fr" or "en",
 * anything else French: text.h). *out receives
 *   {"today","elapsed_days","total_days" (shooting days, as plan_progress),
 *    "actions":[{progress fields of plan_progress..., "verdict",
 *     "reproducible":true|false|null,"success_factors","lessons"}],
 *    "summary":{"actions","measured","reussies","partielles","non_atteintes",
 *     "sans_donnee","brouillons","a_verifier","mean_attainment_pct"|null},
 *    "footprint":{carbon_compare},"strengths":[{"kind","ref","text"}],
 *    "difficulties":[{"kind","ref","text","solutions":[...]}],
 *    "reproducible":[action ids],"to_classify":[action ids]}
 * verdict: "reussie" (>= 100 %), "partielle" (>= 50 %), "non_atteinte",
 * "sans_donnee", "brouillon", "a_verifier" (plan_progress's check: left out
 * of "measured" and of the mean until confirmed). Returns 0 or a storage code.
 */
int eval_production(struct db *db, const char *production_id, const char *today, const char *lang,
                    json_t **out);

#endif
