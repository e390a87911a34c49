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
 * Only shooting days count (production.h): a period made only of days off
 * is neither due nor missing, nor counted in "periods".
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
 *              "source":"default"|"office"}],
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

/* Removes the office's row (back to the default). EP_ENOTFOUND if the
 * indicator is unknown; removing an absent row is not an error. */
int collect_reset(struct db *db, const char *production_id, const char *indicator);

/*
 * What is missing as of `today`, for every scheduled item (or, when dept is
 * non-NULL, only those of that person: assigned to member_id, or to nobody
 * in particular in dept):
 *   {"production","today","starts_on","ends_on",
 *    "completeness":{"expected","reported","missing","ratio"|null},
 *    "items":[{"indicator","frequency","dept","member_id","member_name","source",
 *              "periods","reported","missing":[{"from","to"}],
 *              "due":{"from","to","done"}|null}],"first_day","last_day"}
 * expected counts the periods that have ended; ratio = reported / expected.
 * A production without dates has no periods (items listed, nothing missing).
 */
int collect_missing(struct db *db, const char *production_id, const char *today,
                    const char *member_id, const char *dept, json_t **out);

#endif
