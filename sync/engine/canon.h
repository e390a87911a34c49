/*
 * canon.h - the canonical text of JSON values (docs/sync-protocol.md §2.5),
 * written the same way by the C engine and the PWA's (pwa/js/sync/engine.js,
 * where JSON.stringify already follows the same rules):
 *
 *  - objects: keys sorted by their UTF-8 bytes, no spaces; arrays in order;
 *  - strings: UTF-8 as is, escaping only '"', '\\' and U+0000..U+001F
 *    (\b \f \n \r \t, else \u00xx in lowercase hex), as JSON.stringify does;
 *  - numbers: as ECMAScript's Number::toString writes the IEEE-754 double
 *    (RFC 8785 §3.2.2.3): 5.0 -> 5, 0.1 -> 0.1, -0 -> 0, 1e21 -> 1e+21. An
 *    integer beyond 2^53 becomes the nearest double first, as every phone
 *    parsing it holds it: 9007199254740993 -> 9007199254740992.
 *
 * Equal values therefore have equal texts on both sides, which matters
 * because both engines decide conflicts, and the server op identity, by
 * comparing these texts. Pure functions, thread-safe.
 */
#ifndef EP_CANON_H
#define EP_CANON_H

#include <jansson.h>
#include <stddef.h>

/* Longest text canon_number writes, with its NUL ("-1.2345678901234567e-308"). */
#define CANON_NUMBER_MAX 32

/* Writes the canonical text of a finite double into out (CANON_NUMBER_MAX
 * bytes). Returns the length, or -1 when d is NaN or infinite (the protocol
 * refuses those before anything is written). */
int canon_number(double d, char *out);

/* The canonical text of any JSON value (object, array or scalar). Returns a
 * malloc'd string the caller frees, or NULL on OOM or a non-finite real. */
char *canon_dumps(const json_t *value);

#endif
