/*
 * metrics.h - process-wide counters served at GET /api/v1/metrics in the
 * Prometheus text exposition format (version 0.0.4).
 *
 * The counters are C11 atomics updated with relaxed ordering: each is exact,
 * but a scrape may see one counter a request ahead of another, which
 * Prometheus tolerates. Every function is safe from any thread, lock-free,
 * and needs no initialization (the counters start at zero).
 */
#ifndef EP_METRICS_H
#define EP_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct app;

/* Counters other modules bump through metrics_add(); the handlers of the
 * sync routes are the intended callers. */
enum metrics_counter {
    METRICS_SYNC_PUSH,        /* push requests handled */
    METRICS_SYNC_PULL,        /* pull requests handled */
    METRICS_SYNC_CHANGES_IN,  /* changes accepted from clients */
    METRICS_SYNC_CHANGES_OUT, /* changes sent to clients */
    METRICS_COUNTER_COUNT
};

/* Records one answered API request: its status and how long it took. */
void metrics_request(int status, int64_t duration_us);

/* Adds n to counter c. */
void metrics_add(enum metrics_counter c, uint64_t n);

/* Monotonic clock in microseconds, for request durations. */
int64_t metrics_now_us(void);

/*
 * Renders every metric into buf (NUL-terminated) and sets *len. app is read
 * for the start time and the database path (file sizes are stat'ed, no SQL).
 * Returns 0, or EP_ETOOBIG if buf is too small (8 KiB is enough).
 */
int metrics_render(const struct app *app, char *buf, size_t cap, size_t *len);

#endif
