/*
 * commsend.h - signing and sending a communication (C5), the one path for
 * every send: the office's "Signer et envoyer" (POST .../send) and the
 * demo's seed, so the demo's outbox, deliveries and audit are real ones.
 *
 * A send resolves the recipients (audience.h), signs the communication with
 * the production's key (comms_sign), builds and queues every email
 * (outbox_queue: all or nothing), then stores the envelope and "status":
 * "sent" in the record as the sender's synced edit, and writes the audit
 * event "comms.send". Nothing is delivered here: the outbox does that.
 * Thread-safe (one struct db per thread).
 */
#ifndef EP_COMMSEND_H
#define EP_COMMSEND_H

#include "err.h"
#include "sync.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct db;

/* Who sends: borrowed for the call. */
struct commsend_by {
    struct sync_actor actor; /* the signed record is this actor's edit (device_id set) */
    const char *account_id;  /* the office account, for the audit; may be NULL */
    const char *remote_addr; /* the request's address, for the audit; may be NULL */
};

/*
 * Signs and sends communication id of by->actor.production_id at now (Unix
 * ms). *result receives {"signed", "recipients", "emails_queued"} (caller
 * decrefs). Returns 0, or EP_ENOTFOUND (no such communication), EP_EINVAL
 * (no recipients, no title or text, a bad address or start), EP_ETOOBIG (a
 * message over the size cap: nothing queued), EP_EFORBIDDEN (the record
 * refused the edit) or a storage code, with err filled (the reason for
 * people, the field at fault if any; err may be NULL) and *code the API's
 * error code for the refusal (static: "not_found", "no_recipients",
 * "incomplete", "invalid_request", "attachment_too_large", "not_stored" or
 * "internal"; NULL on success). A refusal before the emails are queued
 * leaves nothing queued and the record unchanged.
 */
int commsend_run(struct app *app, struct db *db, const struct commsend_by *by, const char *id,
                 int64_t now, json_t **result, const char **code, struct ep_error *err);

/*
 * Refuses what cannot go into an email's headers: a line break (CR or LF)
 * in "title" or "title_en" of comm (merged fields), which become the
 * Subject: line. Returns 0, or EP_EINVAL with err naming the field (the API
 * answers "invalid_request"). Run by commsend_run and by the preview.
 */
int commsend_check(const json_t *comm, struct ep_error *err);

/*
 * Stores envelope env and "status": "sent" in communication id, with every
 * other field, as by->actor's synced edit at now. Returns 0, EP_EFORBIDDEN
 * (the sync refused the op: logged) or a storage code.
 */
int commsend_store(struct db *db, const struct commsend_by *by, const char *id, const json_t *env,
                   int64_t now);

#endif
