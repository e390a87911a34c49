/*
 * oral.h - the candidate's 15-minute oral defence (référentiel
 * "Soutenance orale": 15 minutes of presentation, then 15 minutes of
 * questions on every competency) drafted from the same data as the
 * professional dossier (dossier.h), the evaluation (eval.h) and the
 * footprint (carbon.h): the slides with their timing plan and speaker
 * notes, and a jury preparation sheet.
 *
 * Nothing is stored: the candidate edits the dossier's parts and the
 * slides follow. Missing data is said as missing ("donnée manquante"),
 * never as zero. Layout (PDF, ODP) is backend/render/slides.c's.
 * Thread-safe with one struct db per thread.
 */
#ifndef EP_ORAL_H
#define EP_ORAL_H

#include <jansson.h>

struct db;

/* The presentation's length in seconds: every slide's duration sums to it. */
#define ORAL_SECONDS 900

/*
 * Drafts the defence of production_id as of today (ISO day), written in
 * lang ("fr" or "en", anything else French: sync/domain/text.h). *out:
 *   {"production" (title),"today","lang","total_s":900,
 *    "slides":[{"n" (1-based),"id","title","bullets":[2-5 strings],
 *      "competencies":["C1",...] (never empty),"duration_s","start" ("mm:ss"),
 *      "notes","chart":null|{"unit":"kgCO2e","basis","bars":[{"label","kg"}]}}],
 *    "prep":[{"competency":"C1".."C10","label",
 *      "questions":[{"question","evidence"}] (2-3),
 *      "references":[frameworks and sources; for C8 the Base Carbone ids],
 *      "gaps":[{"gap","answer"}]}],
 *    "missing":[what the data lacks, in lang, from the dossier]}
 * All text is in lang and meant for people: no internal ids. Returns 0,
 * EP_ENOTFOUND (no such production) or a storage code.
 */
int oral_build(struct db *db, const char *production_id, const char *today, const char *lang,
               json_t **out);

/* The label of competency "C1".."C10" in lang, or NULL for another code. */
const char *oral_competency_label(const char *code, const char *lang);

#endif
