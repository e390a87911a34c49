/*
 * err.h - the project's error codes.
 *
 * Every fallible function in ecoplateau returns an int: 0 on success, or one
 * of the negative EP_E* codes below (libuv style). Codes describe *what* went
 * wrong; the HTTP layer maps them to a status in exactly one place
 * (http_status_for() in backend/core/http.c). Thread-safe: pure functions only.
 */
#ifndef EP_ERR_H
#define EP_ERR_H

#include <stddef.h>

enum ep_err {
    EP_OK = 0,
    EP_ENOMEM = -1,      /* allocation failed */
    EP_EINVAL = -2,      /* malformed or out-of-range input */
    EP_EIO = -3,         /* storage or system I/O failed */
    EP_ENOTFOUND = -4,   /* the thing asked for does not exist */
    EP_ECONFLICT = -5,   /* the request clashes with existing state */
    EP_ETOOBIG = -6,     /* input over a fixed cap */
    EP_EBUSY = -7,       /* a resource is saturated; try again later */
    EP_ESCHEMA = -8,     /* database or protocol version we cannot serve */
    EP_EAUTH = -9,       /* not authenticated */
    EP_EFORBIDDEN = -10, /* authenticated but not allowed */
    EP_EFULL = -11,      /* disk or database full */
    EP_ECORRUPT = -12,   /* stored data failed an integrity check */
};

/* Returns a short, static, lowercase description of code (never NULL). */
const char *ep_strerror(int code);

/* Writes a printf-formatted message into errbuf (errlen bytes, truncated,
 * always NUL-terminated); does nothing when errbuf is NULL or errlen 0. For
 * the functions that hand a human-readable reason back to their caller. */
void ep_errbuf(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
