/* commsend.c - signing and sending a communication (see commsend.h). */
#include "commsend.h"

#include "app.h"
#include "audience.h"
#include "authz.h"
#include "comms.h"
#include "commstore.h"
#include "err.h"
#include "identity.h"
#include "log.h"
#include "outbox.h"
#include "prefs.h"

#include <stdio.h>
#include <string.h>

/* Records the refusal: its API code in *code, its detail in err. Returns rc. */
static int fail(const char **code, const char *api_code, int rc, struct ep_error *err)
{
    *code = api_code;
    if (err != NULL && err->code == EP_OK)
        err->code = rc;
    return rc;
}

int commsend_check(const json_t *comm, struct ep_error *err)
{
    /* The titles become the email's Subject: line (the French, or the
     * English for English readers). Encoded, a line break could not inject
     * a header, but it would be a title nobody meant: refused, named. */
    static const char *const header_bound[] = {"title", "title_en"};

    for (size_t i = 0; i < sizeof(header_bound) / sizeof(header_bound[0]); i++) {
        const char *v = json_string_value(json_object_get(comm, header_bound[i]));
        if (v != NULL && strpbrk(v, "\r\n") != NULL)
            return ep_error_set(err, EP_EINVAL, header_bound[i],
                                "%s is the email's subject: it cannot hold a line break",
                                header_bound[i]);
    }
    return EP_OK;
}

int commsend_store(struct db *db, const struct commsend_by *by, const char *id, const json_t *env,
                   int64_t now)
{
    struct sync_opts opts;
    json_t *fields = NULL, *ack = NULL;
    const char *status;
    int rc;

    /* The sending op carries every field, not just the envelope: crew never
     * see the draft's ops (comms_readable), so a phone that pulled while it
     * was a draft gets the whole message from this one op. */
    rc = sync_record_get(db, by->actor.production_id, "communications", id, &fields);
    if (rc == EP_OK && (json_object_set(fields, "signed", (json_t *)env) != 0 ||
                        json_object_set_new(fields, "status", json_string("sent")) != 0))
        rc = EP_ENOMEM;
    if (rc != EP_OK)
        goto out;
    memset(&opts, 0, sizeof(opts));
    opts.now_ms = now;
    opts.authorize = authz_sync_op;
    opts.validate = prefs_validate_op;
    rc = sync_server_put(db, &opts, &by->actor, "communications", id, fields, &ack);
    if (rc != EP_OK)
        goto out;
    status = json_string_value(json_object_get(ack, "status"));
    if (status == NULL || strcmp(status, "applied") != 0) {
        LOG_WARN("comms.not_applied", "communications/%s: %s", id,
                 json_string_value(json_object_get(ack, "reason")));
        rc = EP_EFORBIDDEN;
    }
out:
    json_decref(ack);
    json_decref(fields);
    return rc;
}

/* The audit event of a send; best effort, like every audit write. */
static void audit(struct db *db, const struct commsend_by *by, const char *id, int queued,
                  int64_t now)
{
    struct identity_audit_event e;
    char detail[200];

    snprintf(detail, sizeof(detail), "communication %s sent, %d emails queued", id, queued);
    memset(&e, 0, sizeof(e));
    e.production_id = by->actor.production_id;
    e.account_id = by->account_id;
    e.member_id = by->actor.member_id;
    /* An office session's edits carry a device id of its own ("office-"):
     * the audit names a device only when a phone sent. */
    e.device_id = by->account_id == NULL ? by->actor.device_id : NULL;
    e.event = "comms.send";
    e.detail = detail;
    e.remote_addr = by->remote_addr;
    if (identity_audit(db, now, &e) != EP_OK)
        LOG_WARN("audit.write", "cannot record comms.send of %s", id);
}

int commsend_run(struct app *app, struct db *db, const struct commsend_by *by, const char *id,
                 int64_t now, json_t **result, const char **code, struct ep_error *err)
{
    const char *prod = by->actor.production_id;
    json_t *comm = NULL, *people = NULL, *rcpts = NULL, *env = NULL;
    int queued = 0, rc;

    *result = NULL;
    *code = NULL;
    ep_error_clear(err);
    rc = sync_record_get(db, prod, "communications", id, &comm);
    if (rc == EP_ENOTFOUND) {
        ep_error_set(err, rc, NULL, "no communication '%s'", id);
        rc = fail(code, "not_found", rc, err);
        goto out;
    }
    if (rc == EP_OK)
        rc = commstore_people(db, prod, &people);
    if (rc != EP_OK) {
        ep_error_set(err, rc, NULL, "cannot read: %s", ep_strerror(rc));
        rc = fail(code, "internal", rc, err);
        goto out;
    }
    rc = commsend_check(comm, err);
    if (rc != EP_OK) {
        rc = fail(code, "invalid_request", rc, err);
        goto out;
    }
    rc = audience_resolve(comm, people, &rcpts, err);
    if (rc != EP_OK) {
        rc = fail(code, rc == EP_EINVAL ? "no_recipients" : "internal", rc, err);
        goto out;
    }
    rc = comms_sign(app->auth, db, prod, id, now, &env, err);
    if (rc != EP_OK) {
        if (rc == EP_ENOTFOUND)
            ep_error_set(err, rc, NULL, "no communication '%s'", id);
        else if (rc != EP_EINVAL)
            ep_error_set(err, rc, NULL, "cannot sign: %s", ep_strerror(rc));
        rc = fail(code,
                  rc == EP_ENOTFOUND ? "not_found"
                  : rc == EP_EINVAL  ? "incomplete"
                                     : "internal",
                  rc, err);
        goto out;
    }
    /* Queue first: a refusal (too large, bad address) leaves nothing half
     * sent and the record unchanged. */
    rc = outbox_queue(app, db, prod, id, comm, env, rcpts, now, &queued, err);
    if (rc != EP_OK) {
        if (rc != EP_ETOOBIG && rc != EP_EINVAL)
            ep_error_set(err, rc, NULL, "cannot queue: %s", ep_strerror(rc));
        rc = fail(code,
                  rc == EP_ETOOBIG  ? "attachment_too_large"
                  : rc == EP_EINVAL ? "invalid_request"
                                    : "internal",
                  rc, err);
        goto out;
    }
    rc = commsend_store(db, by, id, env, now);
    if (rc != EP_OK) {
        ep_error_set(err, rc, NULL, "the signed communication could not be stored");
        rc = fail(code, "not_stored", rc, err);
        goto out;
    }
    audit(db, by, id, queued, now);
    *result =
        json_pack("{s:O, s:O, s:i}", "signed", env, "recipients", rcpts, "emails_queued", queued);
    if (*result == NULL) {
        ep_error_set(err, EP_ENOMEM, NULL, "out of memory");
        rc = fail(code, "internal", EP_ENOMEM, err);
    }
out:
    json_decref(env);
    json_decref(rcpts);
    json_decref(people);
    json_decref(comm);
    return rc;
}
