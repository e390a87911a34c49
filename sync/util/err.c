/* err.c - text for the project's error codes (see err.h). */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

const char *ep_strerror(int code)
{
    switch (code) {
    case EP_OK:
        return "ok";
    case EP_ENOMEM:
        return "out of memory";
    case EP_EINVAL:
        return "invalid input";
    case EP_EIO:
        return "input/output error";
    case EP_ENOTFOUND:
        return "not found";
    case EP_ECONFLICT:
        return "conflict with existing state";
    case EP_ETOOBIG:
        return "too large";
    case EP_EBUSY:
        return "busy, try again later";
    case EP_ESCHEMA:
        return "unsupported schema version";
    case EP_EAUTH:
        return "authentication required";
    case EP_EFORBIDDEN:
        return "forbidden";
    case EP_EFULL:
        return "storage full";
    case EP_ECORRUPT:
        return "data corrupt";
    default:
        return "unknown error";
    }
}

void ep_error_clear(struct ep_error *err)
{
    if (err == NULL)
        return;
    err->code = EP_OK;
    err->field[0] = '\0';
    err->message[0] = '\0';
}

int ep_error_set(struct ep_error *err, int code, const char *field, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return code;
    err->code = code;
    if (snprintf(err->field, sizeof(err->field), "%s", field != NULL ? field : "") < 0)
        err->field[0] = '\0';
    va_start(ap, fmt);
    if (vsnprintf(err->message, sizeof(err->message), fmt, ap) < 0)
        err->message[0] = '\0';
    va_end(ap);
    return code;
}

const char *ep_error_field(const struct ep_error *err)
{
    return err != NULL && err->field[0] != '\0' ? err->field : NULL;
}
