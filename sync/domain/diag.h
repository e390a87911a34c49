/*
 * diag.h - diagnose the company (C1) and analyse the project (C2).
 *
 * diag_company grades a production company's eco-responsible maturity from
 * its questionnaire: a score out of 100 built marker by marker (each with its
 * reasoning), a level, and graded strengths, weaknesses and improvement axes,
 * each with a priority and why. diag_project turns a film's framing into the
 * impacts each element implies, an order-of-magnitude footprint per theme
 * (from the emission factors of the latest set) and a ranked priority list
 * with an impact x effort matrix the office can adjust.
 *
 * Incomplete answers give a draft that lists what is missing; impossible
 * values (negative days, distances...) are refused with the field's name.
 * Pure functions of their input (and the factor table); thread-safe with one
 * struct db per thread.
 */
#ifndef EP_DIAG_H
#define EP_DIAG_H

#include <jansson.h>
#include <stddef.h>

struct db;
struct ep_error;

/*
 * The C1 model (sync/domain/data/c1-model.json): weights, thresholds and
 * their rationale. A new reference the caller owns, or NULL (build defect).
 */
json_t *diag_company_model(void);

/*
 * Evaluates answers (borrowed) against the C1 model. *out receives
 *   {"status":"complete"|"draft","missing":[fields],"score":n,"level":1-5,
 *    "level_label":"...","markers":[{"marker","points","max","why"}],
 *    "strengths":[{"text","grade"}],"weaknesses":[{"text","priority","why"}],
 *    "axes":[{"text","priority","why"}],
 *    "afnor_chapters":[{"chapter","label","level","points","max"}],
 *    "afnor_level": the lowest chapter's level or -1,
 *    "context":[{"topic","text","answer"}] (types, organisation, partners),
 *    "model_version":n}
 * Every item carries "marker" and the "answer" it comes from; with
 * "afnor_chapters" answers each SPEC 2308 chapter is graded on its own
 * (items "s_afnor_<chapter>"...).
 * Returns 0, or EP_EINVAL with the offending field and the reason in err
 * (may be NULL; nothing computed).
 */
int diag_company(const json_t *a, json_t **out, struct ep_error *err);

/*
 * diag_company with every text (items, level label, chapter labels,
 * context) in lang ("fr" or "en", anything else French: sync/domain/text.h);
 * diag_company is this in French. Ids, grades and priorities ("haute",
 * "fort"...) stay the same in both: they are values, not words.
 */
int diag_company_lang(const json_t *a, const char *lang, json_t **out, struct ep_error *err);

/*
 * Applies the user's edits (borrowed) to a diag_company result (modified in
 * place): {"<item id>": {"text"?, "priority"?, "grade"?, "by", "at"}}, the
 * item ids being those of the result ("a_csr_charter"...). An edited item
 * keeps what was computed in "computed_text" (and "computed_priority" or
 * "computed_grade") and gains "edited_by" and "edited_at". Edits of items
 * the answers no longer produce are ignored and listed in "stale_edits".
 * Returns 0, or EP_EINVAL naming the field ("edits.<id>.priority") in err, result
 * then unchanged.
 */
int diag_company_edit(json_t *result, const json_t *edits, struct ep_error *err);

/*
 * Year-to-year: {"score_delta":n,"level_delta":n,"markers":[{"marker","before",
 * "after"}]} for two diag_company results (borrowed).
 */
int diag_company_compare(const json_t *before, const json_t *after, json_t **out);

/*
 * Analyses framing (borrowed) with the factors of db's latest set. *out:
 *   {"status","missing","impacts":[{"topic","element","impact"}],
 *    "themes":[{"theme","label","kg","share","effort","quadrant","rank","why"}],
 *    "total_kg","matrix":{"prioritaire":[...],...},
 *    "lines":[estimate per catalogue indicator],"by_category":{...},
 *    "actions":[{"library","title","theme","avoided_kg","cost_min_eur",
 *      "cost_max_eur","cost_mid_eur","cost_per","kg_per_eur","rank",
 *      "within_envelope"?,"rationale"}] (by kgCO2e avoided per euro),
 *    "envelope":{"eur"|null,"kept","cost_max_eur","avoided_kg"}}
 * Themes also carry "avoidable_kg", "cost_min_eur", "cost_max_eur" and
 * "kg_per_eur" of their candidate actions. "eco_budget_eur" in the framing
 * is the envelope the production office sets for the eco-responsible plan.
 * framing may hold "overrides": {"<theme>": {"effort": 1-3, "impact": "high"|"low",
 * "by", "at"}}: the office's placement in the matrix; an adjusted theme
 * keeps "computed_effort" and "computed_quadrant" and gains "adjusted_by"
 * and "adjusted_at".
 * Returns 0, EP_EINVAL (the field and the reason in err) or a storage code.
 */
int diag_project(struct db *db, const json_t *f, json_t **out, struct ep_error *err);

/*
 * diag_project with every text (impacts, theme labels and reasons, action
 * titles and rationales, category labels) in lang ("fr" or "en", anything
 * else French: sync/domain/text.h); diag_project is this in French. Ids,
 * quadrants and figures are the same in both. Each impact also carries
 * "topic", the element's id ("locations", "season"...).
 */
int diag_project_lang(struct db *db, const json_t *f, const char *lang, json_t **out,
                      struct ep_error *err);

/*
 * The framing diag_project takes from the fields (borrowed) of the synced
 * record "c2-project" (collection "diagnostics", docs/diagnostic.md): blank
 * answers dropped, the "adj_<theme>" fields gathered into "overrides".
 * *out is new. Returns 0 or EP_ENOMEM.
 */
int diag_project_framing(const json_t *fields, json_t **out);

/*
 * The C2 analysis of production_id from its synced "c2-project" record:
 * diag_project's result, whose "lines" ([{"indicator","value","unit",
 * "category","category_label","theme","factor","kg"}]) and "by_category"
 * are the estimate offered as the starting forecast (the forecast's
 * "estimates" records take indicator and value as they are, so the
 * forecast and C2 agree to the rounding). Returns 0, EP_ENOTFOUND (no C2
 * framing recorded), EP_EINVAL (the record holds values diag_project
 * refuses) or a storage code.
 */
int diag_project_of(struct db *db, const char *production_id, json_t **out);

/* diag_project_of with the texts in lang (diag_project_lang). */
int diag_project_of_lang(struct db *db, const char *production_id, const char *lang, json_t **out);

#endif
