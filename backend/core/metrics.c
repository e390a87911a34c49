/* metrics.c - atomic counters and their Prometheus rendering (see metrics.h). */
#include "metrics.h"

#include "app.h"
#include "clock.h"
#include "db.h"
#include "err.h"
#include "version.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

/* Upper bounds of the duration histogram, microseconds; +Inf is implicit.
 * Spread around what an API call on one SQLite file should cost. */
static const int64_t bucket_us[] = {1000,   5000,   10000,   25000,   50000,   100000,
                                    250000, 500000, 1000000, 2500000, 10000000};
#define NBUCKETS (sizeof(bucket_us) / sizeof(bucket_us[0]))

static const char *const counter_names[METRICS_COUNTER_COUNT][2] = {
    {"ecoplateau_sync_push_requests_total", "Sync push requests handled."},
    {"ecoplateau_sync_pull_requests_total", "Sync pull requests handled."},
    {"ecoplateau_sync_changes_received_total", "Changes accepted from clients."},
    {"ecoplateau_sync_changes_sent_total", "Changes sent to clients."},
};

static atomic_uint_fast64_t requests[5];           /* by status class 1xx..5xx */
static atomic_uint_fast64_t buckets[NBUCKETS + 1]; /* per bucket, not cumulative */
static atomic_uint_fast64_t duration_sum_us;       /* sum of all durations */
static atomic_uint_fast64_t counters[METRICS_COUNTER_COUNT];

int64_t metrics_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void metrics_request(int status, int64_t duration_us)
{
    size_t cls = status >= 100 && status < 600 ? (size_t)(status / 100 - 1) : 4;
    size_t b = 0;

    if (duration_us < 0)
        duration_us = 0;
    while (b < NBUCKETS && duration_us > bucket_us[b])
        b++;
    atomic_fetch_add_explicit(&requests[cls], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&duration_sum_us, (uint_fast64_t)duration_us, memory_order_relaxed);
}

void metrics_add(enum metrics_counter c, uint64_t n)
{
    if ((unsigned)c < METRICS_COUNTER_COUNT)
        atomic_fetch_add_explicit(&counters[c], n, memory_order_relaxed);
}

static uint64_t load(atomic_uint_fast64_t *v)
{
    return (uint64_t)atomic_load_explicit(v, memory_order_relaxed);
}

/* Appends to a fixed buffer; remembers overflow instead of checking each call. */
struct out {
    char *buf;
    size_t cap;
    size_t len;
    int full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (o->full)
        return;
    va_start(ap, fmt);
    n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->cap - o->len) {
        o->full = 1;
        return;
    }
    o->len += (size_t)n;
}

static void head(struct out *o, const char *name, const char *type, const char *help)
{
    put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static void render_database(struct out *o, const struct app *app)
{
    char wal[sizeof(app->db_path) + 8];
    struct statvfs vfs;

    snprintf(wal, sizeof(wal), "%s-wal", app->db_path);
    head(o, "ecoplateau_database_size_bytes", "gauge", "Size of the database files on disk.");
    put(o, "ecoplateau_database_size_bytes{file=\"db\"} %lld\n", file_size(app->db_path));
    put(o, "ecoplateau_database_size_bytes{file=\"wal\"} %lld\n", file_size(wal));
    if (statvfs(app->cfg->data_dir, &vfs) == 0) {
        head(o, "ecoplateau_data_dir_free_bytes", "gauge",
             "Bytes available to ecoplateau on the data directory's filesystem.");
        put(o, "ecoplateau_data_dir_free_bytes %llu\n",
            (unsigned long long)vfs.f_bavail * (unsigned long long)vfs.f_frsize);
    }
}

static void render_requests(struct out *o)
{
    uint64_t cumulative = 0;

    head(o, "ecoplateau_http_requests_total", "counter", "API requests answered, by status class.");
    for (size_t i = 0; i < 5; i++)
        put(o, "ecoplateau_http_requests_total{code=\"%zuxx\"} %llu\n", i + 1,
            (unsigned long long)load(&requests[i]));
    head(o, "ecoplateau_http_request_duration_seconds", "histogram", "Time spent in API handlers.");
    for (size_t b = 0; b < NBUCKETS; b++) {
        cumulative += load(&buckets[b]);
        put(o, "ecoplateau_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
            (double)bucket_us[b] / 1e6, (unsigned long long)cumulative);
    }
    cumulative += load(&buckets[NBUCKETS]);
    put(o, "ecoplateau_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
        (unsigned long long)cumulative);
    put(o, "ecoplateau_http_request_duration_seconds_sum %.6f\n",
        (double)load(&duration_sum_us) / 1e6);
    put(o, "ecoplateau_http_request_duration_seconds_count %llu\n", (unsigned long long)cumulative);
}

int metrics_render(const struct app *app, char *buf, size_t cap, size_t *len)
{
    struct out o = {buf, cap, 0, 0};

    if (cap == 0)
        return EP_ETOOBIG;
    buf[0] = '\0';
    head(&o, "ecoplateau_build_info", "gauge", "The running version and its schema version.");
    put(&o, "ecoplateau_build_info{version=\"%s\",schema=\"%d\"} 1\n", EP_VERSION,
        db_latest_version());
    head(&o, "ecoplateau_start_time_seconds", "gauge", "Start time of the process, unix seconds.");
    put(&o, "ecoplateau_start_time_seconds %.3f\n", (double)app->started_ms / 1e3);
    head(&o, "ecoplateau_uptime_seconds", "gauge", "Seconds since the server started.");
    put(&o, "ecoplateau_uptime_seconds %.3f\n", (double)(clock_now_ms() - app->started_ms) / 1e3);
    render_requests(&o);
    render_database(&o, app);
    for (size_t i = 0; i < METRICS_COUNTER_COUNT; i++) {
        head(&o, counter_names[i][0], "counter", counter_names[i][1]);
        put(&o, "%s %llu\n", counter_names[i][0], (unsigned long long)load(&counters[i]));
    }
    *len = o.len;
    return o.full ? EP_ETOOBIG : EP_OK;
}
