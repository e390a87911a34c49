/*
 * outbox.h - the email channel of communications: queueing one message per
 * recipient who asked for email, and delivering the queue over SMTP with
 * retries and backoff (schema/0007_comms.sql, comms_outbox).
 *
 * Nothing is lost: a message is stored (its exact bytes) before any attempt;
 * a server that is down or answers 4xx leaves it queued, retried after
 * smtp_retry_ms, doubling up to 6 h, for OUTBOX_MAX_ATTEMPTS attempts; a 5xx
 * on the recipient marks it "bounced", another 5xx "failed"; both stay
 * visible with the server's answer. One delivery runs at a time (a mutex),
 * so the worker thread and an office's "send now" never send a row twice.
 *
 * The worker (smtp_poll_ms > 0) has its own database connection.
 */
#ifndef EP_OUTBOX_H
#define EP_OUTBOX_H

#include "err.h"
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define OUTBOX_MAX_ATTEMPTS 8

struct app;
struct db;

/* Creates app->outbox and starts the worker when configured. Returns 0 or EP_ENOMEM/EP_EIO. */
int outbox_start(struct app *app);

/* Stops the worker (waits for a delivery in progress) and frees app->outbox. */
void outbox_stop(struct app *app);

/* Wakes the worker: messages were just queued. */
void outbox_kick(struct app *app);

/*
 * The plain text and HTML bodies communication comm (merged fields, with
 * its signed envelope env, may be NULL) takes for recipient rcpt
 * (audience_resolve()'s entry), in their version (comms_for_reader: the
 * English one for an English reader when written, else the French with a
 * line saying it is not translated): the FALC version first when they need it,
 * the missing-FALC note when nobody wrote it, a large-print layout when
 * they need it, the briefing's time and place. User text is escaped in the
 * HTML. *text and *html are new strings (free()). Returns 0 or EP_ENOMEM.
 */
int outbox_render(const json_t *comm, const json_t *env, const json_t *rcpt, char **text,
                  char **html);

/*
 * Builds and queues, in one transaction, the email of every recipient whose
 * channels include "email": the text and HTML bodies, the signed envelope
 * (communication-ID.json, checked by `ecoplateau verify`) and, for a
 * briefing or checkpoint with "starts_at", the invitation (invitation.ics),
 * each in the recipient's version (subject, invitation, flyer, audio).
 * *queued receives the count. Returns 0, EP_ETOOBIG (a message would exceed
 * smtp_max_bytes: nothing queued, the reason in err), EP_EINVAL (a bad
 * address or start time: reason in err) or a storage code.
 */
int outbox_queue(struct app *app, struct db *db, const char *production_id, const char *comm_id,
                 const json_t *comm, const json_t *env, const json_t *recipients, int64_t now,
                 int *queued, struct ep_error *err);

/*
 * The invitation of communication comm for attendees (recipients with an
 * address), into *out (free()). Returns 0, EP_ENOTFOUND (not a briefing or
 * checkpoint with a start), EP_EINVAL (bad start) or EP_ENOMEM/EP_EIO.
 */
int outbox_invitation(struct app *app, const char *comm_id, const json_t *comm,
                      const json_t *recipients, int64_t now, char **out);

/*
 * The email inviting name (address email) to join production title through
 * link (a /#join= link, valid until expires_at, unix ms), as an RFC 5322
 * message into *msg (free()). The same words whether or not the address
 * already has an account: the person knows, and says so on the page by the
 * password they type (docs/security.md, "Joining a production"). The caller
 * queues it with commstore_outbox_add(). Everything a person reads is in
 * lang, the language the office chose for the invitation: the words
 * (text.h, "email.join.*"), the last day of the link (fmt_date, its UTC
 * day: never later than the real end), Content-Language and <html lang>.
 * Returns 0, EP_EINVAL (unusable address) or EP_ENOMEM.
 */
int outbox_join_message(const struct app *app, const char *lang, const char *title,
                        const char *name, const char *email, const char *link, int64_t expires_at,
                        char **msg);

/*
 * Attempts every queued email due at now (production_id NULL: all) and
 * records each outcome. *summary (may be NULL) receives {"sent","retry",
 * "bounced","failed"} counts, or {"smtp":"not configured"} when no
 * EP_SMTP_URL is set (then nothing is attempted and everything stays
 * queued). Returns 0 or a storage code.
 */
int outbox_deliver(struct app *app, struct db *db, const char *production_id, int64_t now,
                   json_t **summary);

#endif
