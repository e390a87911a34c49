/*
 * commstore.h - storage for communications (C5) besides the synced records:
 * each person's contact and accessibility preferences, the email outbox, and
 * the receipts and questions phones sync (schema/0007_comms.sql).
 *
 * All functions use the caller's connection (one per thread) and its
 * statement cache; none opens a transaction unless it says so, so a caller
 * can queue several messages atomically between db_begin_write() and
 * db_commit(). JSON results are new references the caller decrefs.
 */
#ifndef EP_COMMSTORE_H
#define EP_COMMSTORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/*
 * Records how active member member_id of production wants to be reached:
 * email (NULL clears it), channels and needs as JSON array text (already
 * validated by the caller). Returns 0, EP_ENOTFOUND or a storage code.
 */
int commstore_prefs_set(struct db *db, const char *production_id, const char *member_id,
                        const char *email, const char *channels, const char *needs);

/*
 * Active members of production as a new array of {"id","name","department",
 * "level","role","email","phone","language","channels":[..],"needs":[..],
 * "set_by":{..},"phones"}: the effective preferences (prefs_apply(): the
 * person's own synced choice, else the office's, else the member row, the
 * office account's address); "phones" counts their paired, unrevoked phones.
 */
int commstore_people(struct db *db, const char *production_id, json_t **out);

/* Queues one email (message: 7-bit RFC 5322 text), due now. */
int commstore_outbox_add(struct db *db, const char *production_id, const char *communication_id,
                         const char *member_id, const char *address, const char *message,
                         int64_t now);

/*
 * Up to limit queued emails due at now (production_id NULL: every
 * production) as a new array of {"id","address","message","attempts"},
 * oldest first.
 */
int commstore_outbox_due(struct db *db, const char *production_id, int64_t now, int limit,
                         json_t **out);

/*
 * Records the outcome of one delivery attempt of outbox row id: status
 * "queued" (retry at next_at), "sent", "bounced" or "failed"; error is the
 * server's or libcurl's text ("" on success). Own statement, autocommit.
 */
int commstore_outbox_mark(struct db *db, int64_t id, const char *status, int64_t next_at,
                          const char *error, int64_t now);

/*
 * The outbox rows of a communication as a new array of {"id","member",
 * "address","status","attempts","next_at","last_error","created_at",
 * "done_at"}, oldest first (messages left out).
 */
int commstore_outbox_list(struct db *db, const char *production_id, const char *communication_id,
                          json_t **out);

/*
 * Receipts of a communication as a new array of {"member","kind","at"}
 * (voided ones left out), in arrival order.
 */
int commstore_receipts(struct db *db, const char *production_id, const char *communication_id,
                       json_t **out);

/*
 * Questions on a communication and the office's answers, as a new array of
 * {"id","member","text","answers","at_seq"}, in arrival order (voided ones
 * left out; "answers" is the question id an answer replies to, or null).
 */
int commstore_questions(struct db *db, const char *production_id, const char *communication_id,
                        json_t **out);

/* The production's title into buf. Returns 0, EP_ENOTFOUND or a storage code. */
int commstore_production_title(struct db *db, const char *production_id, char *buf, size_t len);

#endif
