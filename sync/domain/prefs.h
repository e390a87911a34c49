/*
 * prefs.h - each person's channels and needs (C5, docs/communications.md,
 * "Each person's channels and needs").
 *
 * Preferences are synced records of collection "preferences"
 * (schema/0013_preferences.sql) with id "self-<member>" (the person's own
 * choices, written from their phone) or "office-<member>" (set by the
 * office, for instance for someone without a phone). Per field, the
 * person's own choice wins over the office's, which wins over the member
 * row and the office account's address.
 *
 * Pure functions over JSON (no I/O); thread-safe.
 */
#ifndef EP_PREFS_H
#define EP_PREFS_H

#include "err.h"

#include <jansson.h>
#include <stddef.h>

struct db;
struct sync_op;

/* NULL-terminated lists of the known channels and needs, in display order. */
extern const char *const prefs_channels[];
extern const char *const prefs_needs[];

/*
 * Parses a preferences record id: "self-<member>" or "office-<member>".
 * On success *member points into rid (borrowed) and *self is 1 for the
 * person's own record. Returns 0 or EP_EINVAL.
 */
int prefs_rid_parse(const char *rid, const char **member, int *self);

/* 1 when addr looks like a deliverable address (no spaces, CR, LF, <>",). */
int prefs_email_ok(const char *addr);

/* 1 when phone is "+" or a digit then 6 to 15 digits, spaces, dots or dashes. */
int prefs_phone_ok(const char *phone);

/*
 * Checks the fields of a preferences edit (any subset; null clears a
 * field): email and phone well formed with no CR or LF, channels and needs
 * arrays of known entries without duplicates. Returns 0, or EP_EINVAL with
 * the offending field and the reason in err.
 */
int prefs_check(const json_t *fields, struct ep_error *err);

/*
 * Sync validation hook (sync_validate_fn) for collection "preferences": a
 * record id naming a member ("self-<member>" or "office-<member>") and
 * prefs_check() on the fields; code "invalid_field" with the reason naming
 * the field. Other collections pass. ctx and db are unused.
 */
int prefs_validate_op(void *ctx, struct db *db, const struct sync_op *op, char *code,
                      size_t codelen, char *reason, size_t reasonlen);

/*
 * Applies preference records to people (commstore_people()'s array,
 * modified in place). records is an array of {"id": rid, "fields": {..}};
 * ids that are not preferences of someone in people are ignored. Each
 * person gets "email", "phone", "language", "channels", "needs" (effective
 * values) and "set_by": {field: "self" | "office" | "account" | "default"}
 * saying whose choice each one is. Returns 0 or EP_ENOMEM.
 */
int prefs_apply(json_t *people, const json_t *records);

#endif
