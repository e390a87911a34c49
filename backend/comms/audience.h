/*
 * audience.h - who receives a communication, and how (C5).
 *
 * A communication's "target" names departments, hierarchy levels (0 = top)
 * and people; a person matching any of them receives it. Each recipient is
 * then given the channels they asked for (member.channels: app, email,
 * print, audio) and the variants their needs call for (member.needs: falc,
 * large_print, audio). The easy-to-read (FALC) version is written by a
 * person: when someone needs it and nobody wrote it, the recipient carries
 * the note "falc_missing" so the office sees the gap; nothing is generated.
 *
 * Pure functions over JSON (no I/O); thread-safe.
 */
#ifndef EP_AUDIENCE_H
#define EP_AUDIENCE_H

#include <jansson.h>
#include <stddef.h>

/*
 * Resolves the recipients of communication comm (its merged fields) among
 * people (commstore_people()'s array). *out receives a new array of
 * {"member","name","department","level","email","channels":[..],
 *  "variants":[..],"notes":[..]}, in people's order.
 * Returns 0, or EP_EINVAL with the reason in why and the offending field
 * ("target") in *field: no target, a malformed one, a named person who is
 * not on the production, or nobody matching.
 */
int audience_resolve(const json_t *comm, const json_t *people, json_t **out, char *why,
                     size_t whylen, const char **field);

/* Whether the JSON array holds the string s. */
int audience_has(const json_t *array, const char *s);

/*
 * Validates preference arrays: every entry a known channel ("app", "email",
 * "print", "audio") or need ("falc", "large_print", "audio"), no
 * duplicates. Returns 0 or EP_EINVAL with the reason in why.
 */
int audience_check_prefs(const json_t *channels, const json_t *needs, char *why, size_t whylen);

#endif
