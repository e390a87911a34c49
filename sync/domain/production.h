/*
 * production.h - a company's productions as its office edits them: title,
 * kind, phases and their dates, days off, locations, departments, crew
 * size, budget, reporting rhythm, archiving (schema/0001 and 0011).
 *
 * The date rules live here and nowhere else: production_dates_get() reads a
 * production's phases and days off, production_shooting_day() says whether
 * a day is shot. The collection schedule (collect.c) and the footprint call
 * them rather than reading the columns.
 *
 * Input and output are one JSON shape (the API's, docs/operations.md):
 *   {"title", "kind", "phases": {"preparation"|"shooting"|"post_production":
 *      {"from","to"}}, "days_off": [ISO day], "locations": [{"name",
 *      "commune"? | "lat"?+"lon"?, "protected": bool}], "departments": [id],
 *    "crew_size": int|null, "budget_eur": int|null, "rhythm": "auto"|"daily"|
 *    "weekly"|"monthly"}
 * production_check() validates it (pure); the others store and read it.
 * Output adds "id", "company_id", "archived_at" (null or unix ms),
 * "created_at", "shooting_days" (count, null without a shooting phase).
 *
 * Threading: pure functions are thread-safe; the others use the caller's
 * struct db (one per thread). "Own transaction": must not be called in one.
 */
#ifndef EP_PRODUCTION_H
#define EP_PRODUCTION_H

#include "err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define PRODUCTION_TITLE_MAX 200
#define PRODUCTION_DAYS_OFF_MAX 366
#define PRODUCTION_LOCATIONS_MAX 100
#define PRODUCTION_DEPTS_MAX 32
#define PRODUCTION_NO_DAY (-2147483647L) /* a phase end that was not given */

/* What a caller may do with a production (production_rights). */
#define PRODUCTION_READ 1
#define PRODUCTION_WRITE 2

/* A production's calendar as day numbers (days since 1970-01-01). */
struct production_dates {
    long prep_from, prep_to;   /* PRODUCTION_NO_DAY when not given */
    long shoot_from, shoot_to; /* the shooting phase (production.starts_on, ends_on) */
    long post_from, post_to;
    long days_off[PRODUCTION_DAYS_OFF_MAX]; /* sorted, inside the shooting phase */
    size_t n_days_off;
};

/* 1 if kind is one of fiction, documentary, animation, advertising, flux,
 * series, short, other. Pure. */
int production_kind_valid(const char *kind);

/* Days since 1970-01-01 of an ISO day "YYYY-MM-DD" (real calendar dates
 * only). Returns 0 or EP_EINVAL. Pure. */
int production_day(const char *iso, long *out);

/*
 * Validates in (the shape above) into *out, a new normalized object (days
 * off sorted, absent optional fields filled with their empty value, rhythm
 * "auto" when absent). On failure returns EP_EINVAL, *out NULL, err's field
 * the dotted name of the culprit ("title", "kind", "phases.shooting.to",
 * "days_off", "locations[2].name", ...; "" when Jansson's message names no
 * key) and its message a sentence. Pure.
 */
int production_check(const json_t *in, json_t **out, struct ep_error *err);

/*
 * The shooting days: the shooting phase minus the days off. Returns 1 if
 * day is one, 0 if not (also without a shooting phase). Pure.
 */
int production_shooting_day(const struct production_dates *d, long day);

/* How many shooting days d has (0 without a shooting phase). Pure. */
long production_shooting_days(const struct production_dates *d);

/* A production's phases, in their order (the keys of "phases"). */
enum production_phase {
    PRODUCTION_PREPARATION = 0,
    PRODUCTION_SHOOTING,
    PRODUCTION_POST, /* "post_production" */
    PRODUCTION_NPHASES
};

/* "preparation", "shooting", "post_production" -> the phase; EP_EINVAL for
 * anything else (NULL included). Pure. */
int production_phase_parse(const char *s, enum production_phase *out);
const char *production_phase_name(enum production_phase ph);

/* Bit (1 << phase) set for each dated phase that holds day: two bits on a
 * day two phases share (a phase may start the day the previous one ends). */
unsigned production_phases_on(const struct production_dates *d, long day);

/*
 * The phase of a reading dated day that does not say its own
 * (docs/carbon.md, "Phases"). own is the phase the indicator reports in on
 * the collection schedule (collect_indicator_phase: post-production for the
 * post-production indicators, shooting for the others). Inside one dated
 * phase: that phase. On a day two phases share: own when it is one of them,
 * else shooting, else preparation. Outside every dated phase: preparation
 * before the shoot, post-production after it; own without a shooting phase.
 * pwa/js/ui/collect.js (phaseOf) applies the same rule; both run
 * tests/vectors/phase/phases.json. Pure.
 */
enum production_phase production_phase_of(const struct production_dates *d, long day,
                                          enum production_phase own);

/* Reads production_id's calendar. Returns 0, EP_ENOTFOUND or EP_EIO. */
int production_dates_get(struct db *db, const char *production_id, struct production_dates *out);

/*
 * Makes a readable id from title: lowercase ASCII slug (French accents
 * folded, at most 40 characters) + "-" + 6 random hex digits. buf holds 64
 * bytes. Pure but for the random suffix.
 */
void production_make_id(const char *title, char *buf, size_t len);

/*
 * Creates a production of company_id from checked (production_check's
 * output), own transaction, and makes the creating account (account_id,
 * shown as name) its administrator in department "production". id is the
 * new id (production_make_id). The production is pinned to the latest
 * emission factor set (production_factor_set). Returns 0, EP_ECONFLICT (a
 * production of the company has this title), or an EP_E* storage code.
 */
int production_create(struct db *db, const char *id, const char *company_id, const json_t *checked,
                      const char *account_id, const char *name, int64_t now);

/* Replaces every editable field of production_id with checked, own
 * transaction. Returns 0, EP_ENOTFOUND, EP_ECONFLICT (title taken) or EP_EIO. */
int production_update(struct db *db, const char *production_id, const json_t *checked);

/* The production as a new object (the output shape). Company spaces are not
 * productions: EP_ENOTFOUND. Returns 0, EP_ENOTFOUND or EP_EIO. */
int production_get(struct db *db, const char *production_id, json_t **out);

/* The editable fields only (production_check's input shape), to merge a
 * partial update into. Returns 0, EP_ENOTFOUND or EP_EIO. */
int production_editable(struct db *db, const char *production_id, json_t **out);

/*
 * Productions account_id may see, newest first: those of the companies it
 * administers and those it is an active member of, as a new array of
 * {"id","title","kind","phases","archived_at","role"|null,"company_admin"}.
 */
int production_list(struct db *db, const char *account_id, json_t **out);

/* PRODUCTION_READ | PRODUCTION_WRITE bits for account_id on production_id:
 * company administrators and the production's admins write, other active
 * members read. 0 when neither (or no such production). */
int production_rights(struct db *db, const char *production_id, const char *account_id,
                      int *rights);

/* Archives (now > 0) or reopens (now == 0) a production. Returns 0,
 * EP_ENOTFOUND or EP_EIO. */
int production_set_archived(struct db *db, const char *production_id, int64_t now);

/* 1 in *out if production_id is archived. Returns 0, EP_ENOTFOUND, EP_EIO. */
int production_archived(struct db *db, const char *production_id, int *out);

/* The office-chosen rhythm ("daily"...) into buf[8], or "" when it follows
 * kind and length. Returns 0, EP_ENOTFOUND or EP_EIO. */
int production_rhythm(struct db *db, const char *production_id, char *buf, size_t len);

/*
 * Starting "from" an earlier production: what is worth carrying over, never
 * readings nor people. production_copy_schedule copies the office's
 * collection schedule rows of from into to (frequencies and departments,
 * without the named collectors, who are people of the other production),
 * in the caller's transaction or autocommit. production_draft_actions gives
 * from's current plan actions as a new array of {"id","fields"} where
 * fields keep what describes the action (title, theme, dept, indicator,
 * baseline, target, objective, means, measure, library, tags) and status
 * is "draft"; the caller writes them through the sync engine with new ids.
 */
int production_copy_schedule(struct db *db, const char *from, const char *to, int64_t now);
int production_draft_actions(struct db *db, const char *from, json_t **out);

#endif
