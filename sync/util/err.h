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

/*
 * Error detail, the one shape every fallible function uses to say more than
 * its code: which input was wrong and why, in words a person can act on.
 * Callers own it (usually on the stack); functions that take a
 * `struct ep_error *err` accept NULL when the caller wants the code only.
 * The HTTP layer turns it into the API's {"error":{code,message,field}}
 * (api_error() in backend/api/api.c).
 */
#define EP_ERROR_FIELD_MAX 64
#define EP_ERROR_MESSAGE_MAX 512

struct ep_error {
    int code;                           /* EP_E* code, EP_OK while nothing failed */
    char field[EP_ERROR_FIELD_MAX];     /* input field at fault, "" when none */
    char message[EP_ERROR_MESSAGE_MAX]; /* lowercase reason, "" when none */
};

/* Empties err (code EP_OK, no field, no message); NULL is a no-op. */
void ep_error_clear(struct ep_error *err);

/*
 * Records code, field (NULL: none) and a printf-formatted message in err,
 * truncated to fit. Returns code, so that `return ep_error_set(...)` reads as
 * the failure it reports; err NULL only returns code.
 */
int ep_error_set(struct ep_error *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The field at fault, or NULL when none (how the JSON error writes null). */
const char *ep_error_field(const struct ep_error *err);

#endif
