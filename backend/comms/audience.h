/*
 * audience.h - who receives a communication, and how (C5).
 *
 * A communication's "target" names departments, hierarchy levels (0 = top)
 * and people; a person matching any of them receives it. Each recipient is
 * then given the channels they asked for and can be reached by (their
 * effective preferences, sync/domain/prefs.h), those they asked for but will
 * not get with the reason, and the variants their needs call for. The easy-to-read (FALC) version
 * is written by a person: when someone needs it and nobody wrote it, the recipient carries the note
 * "falc_missing" so the office sees the gap; nothing is generated.
 *
 * Pure functions over JSON (no I/O); thread-safe.
 */
#ifndef EP_AUDIENCE_H
#define EP_AUDIENCE_H

#include "err.h"

#include <jansson.h>
#include <stddef.h>

/*
 * Resolves the recipients of communication comm (its merged fields) among
 * people (commstore_people()'s array). *out receives a new array of
 * {"member","name","department","level","email","phone","language",
 *  "set_by","channels":[..],"skipped":[{"channel","reason"}],"variants":[..],
 *  "notes":[..],"reachable"}, in people's order. channels are the ones that
 * will reach the person; "reachable" is false (and notes hold
 * "unreachable") when none will: such a person is listed, never dropped.
 * Returns 0, or EP_EINVAL with the reason and the offending field
 * ("target") in err: no target, a malformed one, a named person who is not
 * on the production, or nobody matching.
 */
int audience_resolve(const json_t *comm, const json_t *people, json_t **out, struct ep_error *err);

/* Whether the JSON array holds the string s. */
int audience_has(const json_t *array, const char *s);

#endif
