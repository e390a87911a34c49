/*
 * collect.h - the collection schedule (C7): who collects each indicator and
 * how often, and which readings are missing up to a given day.
 *
 * Frequencies: daily (one reading per calendar day), weekly (seven-day blocks
 * counted from the production's first day, so a 10-week shoot has exactly 10
 * weeks whatever weekday it starts on), monthly (calendar months clipped to
 * the production), once (one reading for the whole production) and none (not
 * collected on this production). A period is "done" when at least one current
 * reading of the indicator with the assigned department is dated inside it,
 * "missing" when it ended before today without one, and "due" while today is
 * inside it. Missing is reported as missing, never as a zero quantity.
 *
 * Each indicator reports in one phase (collect_indicator_phase): the
 * post-production indicators (catalogue category "postproduction") in the
 * post-production phase, every other on shooting days. Its periods are
 * counted over that phase, and only its reporting days count
 * (collect_reporting_day): a period holding none (only days off, or a
 * weekend of post-production) is neither due nor missing, nor counted in
 * "periods". This is the one definition of "missing": Collecte, the
 * dashboard (plan_dysfunctions), the phone's reminders (the same rule in
 * pwa/js/ui/collect.js, fed by "calendar", checked against the shared
 * vectors tests/vectors/collect/) and the footprint's completeness all read
 * collect_missing().
 *
 * Default (no row of the office in collect_schedule): the production's
 * frequency is the rhythm the office set on the production
 * (production_rhythm), else follows its kind and length (animation: monthly; up to 21 days:
 * daily; up to 26 weeks: weekly; longer: monthly), indicators read from
 * invoices or tickets are at most weekly, rushes storage is once; the
 * collector is the catalogue's department; the indicators scheduled are those
 * the production estimated, planned an action on or already reads (all of
 * them when it has none of those yet).
 *
 * Dates are ISO days ("YYYY-MM-DD"); `today` is a parameter so tests and the
 * demo can pin it. Pure functions are thread-safe; the others like the
 * struct db passed in (one per thread). SQL lives in collect.c.
 */
#ifndef EP_COLLECT_H
#define EP_COLLECT_H

#include "err.h"
#include "production.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

enum collect_freq {
    COLLECT_DAILY = 0,
    COLLECT_WEEKLY,
    COLLECT_MONTHLY,
    COLLECT_ONCE,
    COLLECT_NONE,
};

/* The phase an indicator reports in. */
enum collect_phase {
    COLLECT_SHOOTING = 0, /* on shooting days: the shooting phase minus its days off */
    COLLECT_POST,         /* Monday to Friday of the post-production phase */
};

/* One period, as days since 1970-01-01, both ends included. */
struct collect_period {
    long from, to;
};

/* "daily" -> COLLECT_DAILY...; EP_EINVAL for anything else (NULL included). */
int collect_freq_parse(const char *s, enum collect_freq *out);
const char *collect_freq_name(enum collect_freq f);

/* Days since 1970-01-01 of an ISO day; EP_EINVAL if malformed. */
int collect_day(const char *iso, long *out);
/* The ISO day of a day number; buf holds 11 bytes. */
void collect_iso(long day, char *buf);

/* "shooting" / "post_production"; EP_EINVAL for anything else. */
int collect_phase_parse(const char *s, enum collect_phase *out);
const char *collect_phase_name(enum collect_phase ph);

/* The phase of an indicator of catalogue category (NULL: shooting). Pure. */
enum collect_phase collect_indicator_phase(const char *category);

/*
 * 1 if an indicator of phase ph reports on day: a shooting day
 * (production_shooting_day) for COLLECT_SHOOTING; for COLLECT_POST, Monday
 * to Friday inside the post-production phase (days off are declared for the
 * shoot only), or a shooting day when the production has no post-production
 * phase (post-production is then not dated yet: it follows the shoot). Pure.
 */
int collect_reporting_day(const struct production_dates *d, enum collect_phase ph, long day);

/*
 * The periods of frequency f in which an indicator of phase ph reports,
 * begun by `until`: collect_periods() over the phase (the shoot, or the
 * post-production phase when dated), keeping only the periods that hold at
 * least one reporting day. Ownership and errors as collect_periods(); NULL
 * and 0 when the phase has no dates. Pure.
 */
int collect_item_periods(enum collect_freq f, enum collect_phase ph,
                         const struct production_dates *d, long until, struct collect_period **out,
                         size_t *n);

/* The production's frequency from its kind (production.kind) and dates
 * (NULL or malformed: weekly, the middle ground). */
enum collect_freq collect_default_frequency(const char *kind, const char *starts_on,
                                            const char *ends_on);

/* An indicator's default frequency within a production of frequency prod. */
enum collect_freq collect_indicator_frequency(enum collect_freq prod, const char *indicator);

/*
 * The periods of frequency f over the production [start, end] (day numbers)
 * that have begun by `until` (all of them when until >= end). *out is
 * malloc'd (free it), *n its length; NULL and 0 for COLLECT_NONE or when
 * until < start. EP_EINVAL if end < start or the production exceeds 20 years.
 */
int collect_periods(enum collect_freq f, long start, long end, long until,
                    struct collect_period **out, size_t *n);

/*
 * The production's schedule, defaults and office rows merged:
 *   {"production","kind","starts_on","ends_on","frequency":<production default>,
 *    "items":[{"indicator","frequency","dept","member_id"|null,"member_name"|null,
 *              "source":"default"|"office","phase":"shooting"|"post_production",
 *              "group","group_indicators":[id] (only for a line set with its group:
 *              a reading of any indicator of the group reports its period)}],
 *    "first_day","last_day" (the days a reading may carry: preparation to
 *    post-production, else the shoot; null without dates)}
 * (items with frequency "none" included, so the office can switch them back).
 * EP_ENOTFOUND for an unknown production.
 */
int collect_schedule(struct db *db, const char *production_id, json_t **out);

/*
 * Sets the office's row for one indicator. member_id may be NULL (anyone in
 * dept); otherwise it must be a current member of the production whose
 * department is dept (EP_ECONFLICT: crew record their own department only).
 * On EP_EINVAL / EP_ENOTFOUND / EP_ECONFLICT, err's field names the culprit
 * ("indicator", "member_id", "dept") and its message the rule. Writes in
 * its own transaction.
 */
int collect_set(struct db *db, const char *production_id, const char *indicator,
                enum collect_freq f, const char *dept, const char *member_id,
                const char *updated_by, int64_t now, struct ep_error *err);

/*
 * Sets the office's row of every indicator of group ("meals": every meal
 * count, whatever the diet; "waste") in one transaction, as collect_set()
 * would one by one: all or none. Each line remembers its group, so a
 * reading of any indicator of the group reports the period (a day without
 * fish still had its meals counted); collect_set() on one line takes it out
 * of the group. EP_ENOTFOUND with err's field "group" for an
 * unknown group; otherwise collect_set()'s errors.
 */
int collect_set_group(struct db *db, const char *production_id, const char *group,
                      enum collect_freq f, const char *dept, const char *member_id,
                      const char *updated_by, int64_t now, struct ep_error *err);

/* The groups as a new array of {"id","indicators":[id]}. */
int collect_groups(struct db *db, json_t **out);

/* Removes the office's row (back to the default). EP_ENOTFOUND if the
 * indicator is unknown; removing an absent row is not an error. Recorded in
 * the history with updated_by and now. */
int collect_reset(struct db *db, const char *production_id, const char *indicator,
                  const char *updated_by, int64_t now);

/*
 * Every edit of the production's schedule, newest first (200 at most), as a
 * new array of {"indicator","action":"set"|"reset","frequency"|null,"dept",
 * "member_id","member_name","group"|null,"at" (ms),"by","by_name"}. collect_set,
 * collect_set_group and collect_reset append to it in their transaction
 * (schema/0018_schedule_history.sql: the schedule is a server table, not
 * synced, so its history is kept beside it).
 */
int collect_history(struct db *db, const char *production_id, json_t **out);

/*
 * What is missing as of `today`, for every scheduled item (or, when dept is
 * non-NULL, only those of that person: assigned to member_id, or to nobody
 * in particular in dept):
 *   {"production","today","starts_on","ends_on",
 *    "completeness":{"expected","reported","missing","ratio"|null},
 *    "items":[{"indicator","frequency","dept","member_id","member_name","source",
 *              "periods","reported","missing":[{"from","to"}],
 *              "due":{"from","to","done"}|null}],"first_day","last_day",
 *    "calendar":{"preparation":{"from","to"}|null,"shooting":{"from","to"}|null,
 *                "post_production":{"from","to"}|null,"days_off":[ISO day]}}
 * ("calendar" is what the phone needs to apply the same rules offline: the
 * periods, and a reading's phase, production_phase_of).
 * completeness counts what "Ce qui manque" lists: one line per item, except
 * that the lines set with their group in one department (collect_set_group:
 * "meals", every diet) are one line, counted once. expected is the number
 * of (line, period) pairs whose period has ended, reported those with a
 * reading (for a group, of any of its indicators: the rule that fills the
 * lines' "missing"), missing = expected - reported, which is the sum of the
 * lines' missing periods; ratio = reported / expected.
 * A production without dates has no periods (items listed, nothing missing).
 */
int collect_missing(struct db *db, const char *production_id, const char *today,
                    const char *member_id, const char *dept, json_t **out);

/*
 * Flags the phones that went quiet. devices (borrowed, modified) is
 * identity_devices_list()'s array; each active device of a member with a
 * scheduled item gains "stale" (true when it has not synced since before
 * the start of the last period ended before today of its member's most
 * frequent item: a whole period of the department without a sync),
 * "period" {"from","to"} (that period) and "frequency". Periods are
 * collect_item_periods(): a weekend or a day off never makes a phone late.
 * EP_EINVAL for a malformed today.
 */
int collect_flag_devices(struct db *db, const char *production_id, const char *today,
                         json_t *devices);

#endif
