/* log.c - JSON-lines logger (see log.h). */
#include "log.h"

#include "err.h"

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum log_level log_threshold = LOG_LEVEL_INFO;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

int log_parse_level(const char *s, enum log_level *out)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return EP_OK;
        }
    }
    return EP_EINVAL;
}

void log_write(enum log_level level, const char *event, const char *fmt, ...)
{
    char msg[1024];
    char ts[96];
    struct timespec now;
    struct tm tm;
    va_list ap;
    json_t *line;
    char *text;

    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap); /* truncation is acceptable in a log */
    va_end(ap);
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000);
    /* Jansson escapes msg, which may carry client-supplied text. */
    line = json_pack("{s:s, s:s, s:s, s:s}", "ts", ts, "level", level_names[level], "event", event,
                     "msg", msg);
    text = line != NULL ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    pthread_mutex_lock(&log_lock);
    if (text != NULL) {
        fputs(text, stderr);
        fputc('\n', stderr);
    } else {
        fputs("{\"level\":\"error\",\"event\":\"log.oom\"}\n", stderr);
    }
    pthread_mutex_unlock(&log_lock);
    free(text);
    json_decref(line);
}
