/*
 * log.h - structured log lines on stderr.
 *
 * Each line is one JSON object: {"ts":"2026-11-28T17:49:48.123Z","level":"info",
 * "event":"server.start","msg":"..."}; easy for journald, docker logs and jq.
 * The LOG_* macros test the level before evaluating their arguments, so a
 * debug line in a hot path costs one comparison when debug is off.
 * Thread-safe: each line is written with a single fputs() under a lock.
 */
#ifndef EP_LOG_H
#define EP_LOG_H

enum log_level { LOG_LEVEL_DEBUG = 0, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

/* The current threshold; lines below it are dropped. Default: info. */
extern enum log_level log_threshold;

/* Parses "debug", "info", "warn" or "error". Returns 0 or EP_EINVAL. */
int log_parse_level(const char *s, enum log_level *out);

/* Writes one line. event is a dotted name ("http.request"); fmt is printf. */
void log_write(enum log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define LOG_AT(lvl, event, ...)                                                                    \
    do {                                                                                           \
        if ((lvl) >= log_threshold)                                                                \
            log_write((lvl), (event), __VA_ARGS__);                                                \
    } while (0)
#define LOG_DEBUG(event, ...) LOG_AT(LOG_LEVEL_DEBUG, event, __VA_ARGS__)
#define LOG_INFO(event, ...) LOG_AT(LOG_LEVEL_INFO, event, __VA_ARGS__)
#define LOG_WARN(event, ...) LOG_AT(LOG_LEVEL_WARN, event, __VA_ARGS__)
#define LOG_ERROR(event, ...) LOG_AT(LOG_LEVEL_ERROR, event, __VA_ARGS__)

#endif
