/*
 * comms.h - signed communications (C5).
 *
 * A communication is a synced record (collection "communications") that the
 * office composes: title, text, and the easy-to-read (FALC) version written
 * by a person. Publishing signs its exact bytes with the production's
 * Ed25519 key and stores the envelope in the record, so every phone receives
 * it with the sync and verifies it with WebCrypto against the production's
 * public key:
 *   {"alg":"Ed25519","key_id":"<16 hex>","public_key":"<b64url 32 bytes>",
 *    "payload":"<b64url of the signed bytes>","signature":"<b64url 64 bytes>"}
 * The payload is canonical JSON (sorted keys, compact, UTF-8):
 *   {"falc":..,"id":..,"issued_at":"2026-11-28T19:20:00Z","key_id":..,
 *    "production":..,"text":..,"title":..,"v":1}
 * plus, when the communication has them, "kind", "starts_at", "location"
 * and "duration_min" (a briefing's time and place are vouched for too), and
 * "title_en" and "text_en", its English version (both texts are signed:
 * each person reads one, and either is vouched for).
 * so the signed bytes never depend on how anyone re-serializes JSON.
 * Thread-safe (auth.h, one struct db per thread).
 */
#ifndef EP_COMMS_H
#define EP_COMMS_H

#include "err.h"
#include "sync.h"

#include <jansson.h>
#include <stdint.h>

struct auth;
struct db;

/*
 * Builds and signs the envelope of communication (production_id, id) as it
 * stands now. *out receives the envelope. Returns 0, EP_ENOTFOUND (no such
 * communication), EP_EINVAL (no title or text: reason in err) or a storage
 * or key code.
 */
int comms_sign(struct auth *a, struct db *db, const char *production_id, const char *id,
               int64_t now_ms, json_t **out, struct ep_error *err);

/*
 * Verifies an envelope: well-formed, key id matching the public key, the
 * signature valid over the payload bytes. Returns 0, or EP_EAUTH with the
 * reason in err. *payload (may be NULL) receives the decoded payload object.
 */
int comms_verify(const json_t *envelope, json_t **payload, struct ep_error *err);

/*
 * Whether a person may read communication (production_id, id): office roles
 * (administrator, eco-referent) read every one, drafts included; anyone else
 * only a published one (it carries its signed envelope) whose audience
 * includes member_id (without a target: the whole production). Returns 0
 * when readable, with *comm (may be NULL) receiving its merged fields
 * (caller decrefs); EP_ENOTFOUND when absent,
 * a draft, or not meant for this person, alike, so the answer reveals
 * nothing; or a storage code.
 */
int comms_readable(struct db *db, const char *production_id, const char *id, enum sync_role role,
                   const char *member_id, json_t **comm);

/* `ecoplateau verify FILE`: prints the verdict; exit status 0 valid, 1 not. */
int comms_verify_file(const char *path);

/*
 * The version of communication comm (merged fields) that a person whose
 * language is lang ("fr", "en", NULL = French) reads: for English, "title"
 * and "text" replaced by "title_en" and "text_en" when the office wrote
 * them (the title stays French if only the text was translated), else the
 * French with "translation_missing": true, so every rendering can say so in
 * the reader's language. "lang" says the language of the text ("fr" or
 * "en"). *out receives a new object (caller decrefs). Returns 0 or
 * EP_ENOMEM.
 */
int comms_for_reader(const json_t *comm, const char *lang, json_t **out);

/*
 * The words the audio version speaks for communication comm (its merged
 * fields): the title, then, for a briefing or checkpoint with a start, the
 * day, time, duration and place said in full ("le lundi 7 décembre à 9
 * heures 30, pendant 30 minutes, lieu : plateau B"), then the text (the FALC
 * version when falc is set), in English when comm's "lang" is "en"
 * (comms_for_reader) and falc is not set (the FALC version is French).
 * *out receives a new string the caller frees.
 * Returns 0, EP_EINVAL when the chosen text is absent, or EP_ENOMEM.
 */
int comms_spoken(const json_t *comm, int falc, char **out);

#endif
