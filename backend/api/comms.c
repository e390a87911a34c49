/*
 * api_comms.c - publishing signed communications (C5): the office signs a
 * communication's exact bytes with the production key; the envelope is
 * stored in the record so phones receive and verify it offline.
 */
#include "api.h"
#include "app.h"
#include "callsheet.h"
#include "clock.h"
#include "jsonin.h"
#include "log.h"

#include "audience.h"
#include "audio.h"
#include "auth.h"
#include "comms.h"
#include "commsend.h"
#include "commstore.h"
#include "db.h"
#include "err.h"
#include "flyer.h"
#include "fmt.h"
#include "ical.h"
#include "mail.h"
#include "outbox.h"
#include "pageimg.h"
#include "prefs.h"
#include "server.h"
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path: /api/v1/productions/<prod>/communications/<id>/... */
static int ids(struct http_req *r, char *prod, size_t plen, char *id, size_t ilen)
{
    if (server_path_param(r, 0, prod, plen) != EP_OK || server_path_param(r, 1, id, ilen) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such communication");
    return 0;
}

/* Who sends as principal p: its sync identity (an office session's edits
 * carry a device id of their own, "office-<account>") and the audit's. dev
 * holds the device id. */
static void sender(struct http_req *r, const struct auth_principal *p, char *dev, size_t devlen,
                   struct commsend_by *by)
{
    memset(by, 0, sizeof(*by));
    auth_actor(p, &by->actor);
    snprintf(dev, devlen, "office-%s", p->account_id);
    if (p->is_device)
        snprintf(dev, devlen, "%s", p->device_id);
    by->actor.device_id = dev;
    by->account_id = p->account_id[0] != '\0' ? p->account_id : NULL;
    by->remote_addr = http_client_addr(r);
}

/* Applies fields to record id of col as principal p's edit, so it travels
 * to the phones with the sync. Returns 0 or the status sent. */
static int server_put(struct http_req *r, const struct auth_principal *p, const char *col,
                      const char *id, json_t *fields)
{
    struct commsend_by by;
    struct sync_opts opts;
    char dev[80];
    json_t *ack = NULL;
    int rc, ok;

    sender(r, p, dev, sizeof(dev), &by);
    memset(&opts, 0, sizeof(opts));
    opts.now_ms = clock_now_ms();
    opts.authorize = authz_sync_op;
    opts.validate = prefs_validate_op;
    rc = sync_server_put(r->db, &opts, &by.actor, col, id, fields, &ack);
    ok = rc == EP_OK && strcmp(json_string_value(json_object_get(ack, "status")), "applied") == 0;
    if (!ok && rc == EP_OK)
        LOG_WARN("comms.not_applied", "%s/%s: %s", col, id,
                 json_string_value(json_object_get(ack, "reason")));
    json_decref(ack);
    if (!ok)
        return http_error(r, rc != EP_OK ? http_status_for(rc) : 403, "not_stored", NULL,
                          "the change could not be stored");
    return 0;
}

/* Stores envelope env in communication id, as principal p's edit. Returns 0
 * or the status sent. */
static int store_signed(struct http_req *r, const struct auth_principal *p, const char *id,
                        const json_t *env)
{
    struct commsend_by by;
    char dev[80];
    int rc;

    sender(r, p, dev, sizeof(dev), &by);
    rc = commsend_store(r->db, &by, id, env, clock_now_ms());
    if (rc != EP_OK)
        return http_error(r, rc == EP_EFORBIDDEN ? 403 : http_status_for(rc), "not_stored", NULL,
                          "the signed communication could not be stored");
    return 0;
}

/* Signs communication id; *env receives the envelope. Returns 0 or the status sent. */
static int sign(struct http_req *r, const char *prod, const char *id, json_t **env)
{
    struct ep_error why = {0};
    int rc = comms_sign(r->app->auth, r->db, prod, id, clock_now_ms(), env, &why);

    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "not_found", NULL, "no communication '%s'", id);
    if (rc == EP_EINVAL)
        return api_error(r, 400, "incomplete", &why);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot sign: %s",
                          ep_strerror(rc));
    return 0;
}

int api_comms_publish(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], id[80];
    json_t *env = NULL;
    int status = ids(r, prod, sizeof(prod), id, sizeof(id));

    if (status == 0)
        status = auth_request_in(r, NULL, 0, prod, 1, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_OFFICE_WRITE);
    if (status == 0)
        status = sign(r, prod, id, &env);
    if (status == 0)
        status = store_signed(r, &p, id, env);
    if (status != 0) {
        json_decref(env);
        return status;
    }
    auth_audit(r, &p, NULL, "comms.publish", "communication %s signed", id);
    return http_json_new(r, 200, json_pack("{s:o}", "signed", env));
}

/* A file's name from the communication's title (fmt_slug: ASCII, safe in
 * Content-Disposition), never its id: prefix, "-", slug, suffix. */
static char *comm_file_name(const json_t *comm, const char *prefix, const char *suffix, char *buf,
                            size_t len)
{
    char slug[80];
    if (fmt_slug(slug, sizeof(slug), json_string_value(json_object_get(comm, "title")))[0] == '\0')
        snprintf(slug, sizeof(slug), "communication");
    snprintf(buf, len, "%s%s%s%s", prefix, prefix[0] != '\0' ? "-" : "", slug, suffix);
    return buf;
}

int api_comms_signed(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], id[80], name[128];
    json_t *rec = NULL, *env;
    int status = ids(r, prod, sizeof(prod), id, sizeof(id));
    int rc;

    if (status == 0)
        status = auth_request_in(r, NULL, 0, prod, 1, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_SYNC_PULL);
    if (status != 0)
        return status;
    rc = comms_readable(r->db, prod, id, p.role, p.member_id, &rec);
    env = json_object_get(rec, "signed");
    if (rc != EP_OK || !json_is_object(env)) {
        json_decref(rec);
        return http_error(r, 404, "not_found", NULL, "communication '%s' is not published", id);
    }
    snprintf(name, sizeof(name), "attachment; filename=\"communication-%s.json\"", id);
    mg_response_header_start(r->conn, 200);
    mg_response_header_add(r->conn, "Content-Disposition", name, -1);
    /* headers then body through the shared JSON path would resend a status
     * line, so send the body here */
    {
        char *text = json_dumps(env, JSON_COMPACT);
        char clen[32];
        size_t len = text != NULL ? strlen(text) : 0;
        snprintf(clen, sizeof(clen), "%zu", len);
        mg_response_header_add(r->conn, "Content-Type", "application/json; charset=utf-8", -1);
        mg_response_header_add(r->conn, "Content-Length", clen, -1);
        mg_response_header_add(r->conn, "Cache-Control", "no-store", -1);
        http_security_headers(r->conn);
        mg_response_header_send(r->conn);
        if (text != NULL && strcmp(r->ri->request_method, "HEAD") != 0)
            mg_write(r->conn, text, len);
        free(text);
    }
    json_decref(rec);
    return 200;
}

/* ---- Targeting, channels and follow-up (docs/communications.md, "Channels") ---- */

/* The communication's merged fields and its recipients. Returns 0 or the status sent. */
static int audience(struct http_req *r, const char *prod, const char *id, json_t **comm,
                    json_t **recipients)
{
    json_t *people = NULL;
    struct ep_error err = {0};
    int rc;

    *comm = NULL;
    *recipients = NULL;
    rc = sync_record_get(r->db, prod, "communications", id, comm);
    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "not_found", NULL, "no communication '%s'", id);
    if (rc == EP_OK)
        rc = commstore_people(r->db, prod, &people);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read: %s",
                          ep_strerror(rc));
    rc = audience_resolve(*comm, people, recipients, &err);
    json_decref(people);
    if (rc == EP_EINVAL)
        return api_error(r, 400, "no_recipients", &err);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "%s", ep_strerror(rc));
    return 0;
}

/* Path ids, then principal p allowed to take action. Returns 0 or the status sent. */
static int scoped(struct http_req *r, const char *body, size_t len, enum authz_action action,
                  char *prod, char *id, struct auth_principal *p)
{
    int status = ids(r, prod, 80, id, 80);

    if (status == 0)
        status = auth_request_in(r, body, len, prod, 1, p);
    if (status == 0)
        status = auth_require(r, p, action);
    return status;
}

/* The entry of member mid in people (borrowed), or NULL. */
static json_t *person_of(const json_t *people, const char *mid)
{
    size_t i;
    json_t *x;

    json_array_foreach(people, i, x) if (strcmp(json_string_value(json_object_get(x, "id")), mid) ==
                                         0) return x;
    return NULL;
}

int api_comms_prefs(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], mid[80], rid[100];
    char *body = NULL;
    size_t len = 0;
    json_t *root = NULL, *people = NULL, *person, *any;
    json_error_t err;
    struct ep_error bad = {0};
    int status = http_read_body(r, (size_t)16 * 1024, &body, &len);
    int rc;

    if (status == 0)
        status = scoped(r, body, len, AUTHZ_OFFICE_WRITE, prod, mid, &p);
    if (status != 0)
        goto out;
    root = jsonin_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
    /* Any subset; null clears the office's value of a field. */
    if (root == NULL ||
        json_unpack_ex(root, &err, JSON_STRICT, "{s?o, s?o, s?o, s?o, s?o}", "email", &any, "phone",
                       &any, "language", &any, "channels", &any, "needs", &any) != 0) {
        status = http_unpack_error(r, &err);
        goto out;
    }
    if (json_object_size(root) == 0) {
        status = http_error(r, 400, "invalid_request", NULL,
                            "send at least one of email, phone, language, channels, needs");
        goto out;
    }
    {
        json_t *lang = json_object_get(root, "language");
        if (lang != NULL && !json_is_null(lang) &&
            (!json_is_string(lang) || (strcmp(json_string_value(lang), "fr") != 0 &&
                                       strcmp(json_string_value(lang), "en") != 0))) {
            status =
                http_error(r, 400, "invalid_request", "language", "language is \"fr\" or \"en\"");
            goto out;
        }
        for (const char *const *f = (const char *const[]){"email", "phone", NULL}; *f != NULL;
             f++) {
            json_t *v = json_object_get(root, *f);
            if (v != NULL && !json_is_null(v) && !json_is_string(v)) {
                status = http_error(r, 400, "invalid_request", *f, "%s must be a string", *f);
                goto out;
            }
        }
    }
    if (prefs_check(root, &bad) != EP_OK) {
        status = api_error(r, 400, "invalid_request", &bad);
        goto out;
    }
    rc = commstore_people(r->db, prod, &people);
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot read: %s",
                            ep_strerror(rc));
        goto out;
    }
    if (person_of(people, mid) == NULL) {
        status = http_error(r, 404, "not_found", NULL, "no member '%s' on this production", mid);
        goto out;
    }
    /* The office's record of the person: synced, and the person's own
     * choices ("self-<member>", from their phone) still win over it. */
    snprintf(rid, sizeof(rid), "office-%s", mid);
    status = server_put(r, &p, "preferences", rid, root);
    if (status != 0)
        goto out;
    auth_audit(r, &p, NULL, "comms.preferences", "preferences of %s set by the office", mid);
    json_decref(people);
    people = NULL;
    rc = commstore_people(r->db, prod, &people);
    person = rc == EP_OK ? person_of(people, mid) : NULL;
    if (person == NULL)
        status = http_error(r, 500, "internal", NULL, "cannot read back the preferences");
    else
        status = http_json_new(r, 200,
                               json_pack("{s:s, s:O, s:O, s:O, s:O, s:O, s:O}", "member", mid,
                                         "email", json_object_get(person, "email"), "phone",
                                         json_object_get(person, "phone"), "language",
                                         json_object_get(person, "language"), "channels",
                                         json_object_get(person, "channels"), "needs",
                                         json_object_get(person, "needs"), "set_by",
                                         json_object_get(person, "set_by")));
out:
    json_decref(people);
    json_decref(root);
    free(body);
    return status;
}

int api_comms_preview(struct http_req *r)
{
    struct auth_principal p;
    struct ep_error cerr = {0};
    char prod[80], id[80];
    json_t *comm = NULL, *rcpts = NULL, *previews = NULL, *rc_j;
    char *ics = NULL;
    size_t i;
    int status = scoped(r, NULL, 0, AUTHZ_OFFICE_WRITE, prod, id, &p);
    int rc;

    if (status == 0)
        status = audience(r, prod, id, &comm, &rcpts);
    if (status != 0)
        goto out;
    /* Refused before sending, as the send would refuse it. */
    if (commsend_check(comm, &cerr) != EP_OK) {
        status = api_error(r, 400, "invalid_request", &cerr);
        goto out;
    }
    /* One email preview per distinct set of variants: what each group of
     * people will actually read. */
    previews = json_object();
    json_array_foreach(rcpts, i, rc_j)
    {
        char *key = json_dumps(json_object_get(rc_j, "variants"), JSON_COMPACT);
        char *text = NULL, *html = NULL;
        json_t *notes = json_object_get(rc_j, "notes");
        char full[300];
        const char *lang = json_string_value(json_object_get(rc_j, "language"));
        /* Each language reads its own version (comms_for_reader). */
        snprintf(full, sizeof(full), "%s%s%s", key != NULL ? key : "",
                 audience_has(notes, "falc_missing") ? "+falc_missing" : "",
                 lang != NULL && strcmp(lang, "en") == 0 ? "+en" : "");
        if (key != NULL && json_object_get(previews, full) == NULL &&
            outbox_render(comm, json_object_get(comm, "signed"), rc_j, &text, &html) == EP_OK)
            json_object_set_new(previews, full,
                                json_pack("{s:O, s:s, s:s, s:s}", "variants",
                                          json_object_get(rc_j, "variants"), "language",
                                          lang != NULL && strcmp(lang, "en") == 0 ? "en" : "fr",
                                          "text", text, "html", html));
        free(key);
        free(text);
        free(html);
    }
    rc = outbox_invitation(r->app, id, comm, rcpts, clock_now_ms(), &ics);
    if (rc != EP_OK && rc != EP_ENOTFOUND) {
        status = http_error(r, 400, "invalid_request", "starts_at",
                            "starts_at must be a local time \"YYYY-MM-DDTHH:MM\"");
        goto out;
    }
    status = http_json_new(r, 200,
                           json_pack("{s:O, s:O, s:s?, s:b}", "recipients", rcpts, "email",
                                     previews, "invitation", ics, "falc_written",
                                     json_string_value(json_object_get(comm, "falc")) != NULL));
out:
    free(ics);
    json_decref(previews);
    json_decref(rcpts);
    json_decref(comm);
    return status;
}

int api_comms_send(struct http_req *r)
{
    struct auth_principal p;
    struct commsend_by by;
    struct ep_error err = {0};
    const char *code = NULL;
    char prod[80], id[80], dev[80];
    json_t *result = NULL;
    int status = scoped(r, NULL, 0, AUTHZ_OFFICE_WRITE, prod, id, &p);
    int rc;

    if (status != 0)
        return status;
    sender(r, &p, dev, sizeof(dev), &by);
    /* The one send path, shared with the demo's seed (commsend.h). */
    rc = commsend_run(r->app, r->db, &by, id, clock_now_ms(), &result, &code, &err);
    if (rc != EP_OK) {
        int st = strcmp(code, "not_found") == 0                           ? 404
                 : strcmp(code, "attachment_too_large") == 0              ? 413
                 : strcmp(code, "not_stored") == 0 && rc == EP_EFORBIDDEN ? 403
                 : rc == EP_EINVAL                                        ? 400
                                                                          : http_status_for(rc);
        return api_error(r, st, code, &err);
    }
    outbox_kick(r->app);
    return http_json_new(r, 200, result);
}

/* Whether receipts hold one of kind from member. */
static int has_receipt(const json_t *receipts, const char *member, const char *kind)
{
    size_t i;
    json_t *v;
    json_array_foreach(
        receipts, i,
        v) if (strcmp(json_string_value(json_object_get(v, "member")), member) == 0 &&
               strcmp(json_string_value(json_object_get(v, "kind")), kind) == 0) return 1;
    return 0;
}

/* The outbox row of member's latest email (borrowed), or NULL. */
static json_t *email_row(const json_t *outbox, const char *member)
{
    json_t *row = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(outbox, i, v) if (strcmp(json_string_value(json_object_get(v, "member")),
                                                member) == 0) row = v;
    return row;
}

/*
 * What is known of each channel that reaches recipient rc_j: the app's
 * read and acknowledged receipts, the email's (and invitation's) outbox
 * status with attempts and the server's last answer, and for paper "to hand
 * out" (nothing to measure). Opening an email is not measured: no tracking
 * pixel (docs/communications.md).
 */
static json_t *per_channel(const json_t *rc_j, const json_t *row, int read, int ack)
{
    json_t *out = json_object(), *c;
    size_t i;

    json_array_foreach(json_object_get(rc_j, "channels"), i, c)
    {
        const char *ch = json_string_value(c);
        json_t *st;
        if (strcmp(ch, "app") == 0)
            st = json_pack("{s:s}", "status",
                           ack    ? "acknowledged"
                           : read ? "opened"
                                  : "delivered_when_synced");
        else if (strcmp(ch, "email") == 0 || strcmp(ch, "calendar") == 0)
            /* "opened" says what is known: nothing, without a tracking pixel. */
            st = row == NULL
                     ? json_pack("{s:s, s:s}", "status", "not_queued", "opened", "not_measured")
                     : json_pack("{s:O, s:O, s:O, s:O, s:s}", "status",
                                 json_object_get(row, "status"), "attempts",
                                 json_object_get(row, "attempts"), "last_error",
                                 json_object_get(row, "last_error"), "next_at",
                                 json_object_get(row, "next_at"), "opened", "not_measured");
        else if (strcmp(ch, "audio") == 0)
            st = json_pack("{s:s}", "status", row != NULL ? "attached" : "on_phone");
        else
            st = json_pack("{s:s}", "status", "to_hand_out");
        json_object_set_new(out, ch, st);
    }
    return out;
}

int api_comms_delivery(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], id[80];
    json_t *comm = NULL, *rcpts = NULL, *outbox = NULL, *receipts = NULL, *questions = NULL;
    json_t *people = NULL, *not_reached = NULL, *rc_j;
    size_t i;
    int status = scoped(r, NULL, 0, AUTHZ_OFFICE_WRITE, prod, id, &p);
    int rc;

    if (status == 0)
        status = audience(r, prod, id, &comm, &rcpts);
    if (status != 0)
        goto out;
    rc = commstore_outbox_list(r->db, prod, id, &outbox);
    if (rc == EP_OK)
        rc = commstore_receipts(r->db, prod, id, &receipts);
    if (rc == EP_OK)
        rc = commstore_questions(r->db, prod, id, &questions);
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot read: %s",
                            ep_strerror(rc));
        goto out;
    }
    /* Reached = read it in the app, or an email the server accepted. */
    people = json_array();
    not_reached = json_array();
    json_array_foreach(rcpts, i, rc_j)
    {
        const char *m = json_string_value(json_object_get(rc_j, "member"));
        json_t *row = email_row(outbox, m);
        const char *es = json_string_value(json_object_get(row, "status"));
        int read = has_receipt(receipts, m, "read") || has_receipt(receipts, m, "ack");
        int ack = has_receipt(receipts, m, "ack");
        int reached = read || (es != NULL && strcmp(es, "sent") == 0);
        json_array_append_new(people,
                              json_pack("{s:s, s:O, s:O, s:s?, s:b, s:b, s:b, s:o, s:O}", "member",
                                        m, "name", json_object_get(rc_j, "name"), "channels",
                                        json_object_get(rc_j, "channels"), "email", es, "read",
                                        read, "acknowledged", ack, "reached", reached,
                                        "per_channel", per_channel(rc_j, row, read, ack), "skipped",
                                        json_object_get(rc_j, "skipped")));
        if (!reached)
            json_array_append_new(not_reached, json_pack("{s:s, s:O}", "member", m, "name",
                                                         json_object_get(rc_j, "name")));
    }
    /* Without an SMTP server the queue waits: the follow-up says so rather
     * than let "queued" look like a delay. */
    status = http_json_new(
        r, 200,
        json_pack("{s:o, s:o, s:O, s:O, s:s}", "people", people, "not_reached", not_reached,
                  "outbox", outbox, "questions", questions, "smtp",
                  r->app->cfg->smtp_url[0] != '\0' ? "configured" : "not_configured"));
    people = not_reached = NULL;
out:
    json_decref(people);
    json_decref(not_reached);
    json_decref(outbox);
    json_decref(receipts);
    json_decref(questions);
    json_decref(rcpts);
    json_decref(comm);
    return status;
}

/*
 * Addresses are personal: only administrators see them (as on /members). For
 * anyone else the invitation names the reader alone (docs/security.md).
 */
static void only_own_address(json_t *rcpts, const char *member_id)
{
    size_t i;
    json_t *x;

    json_array_foreach(rcpts, i, x)
    {
        const char *m = json_string_value(json_object_get(x, "member"));
        if (m == NULL || strcmp(m, member_id) != 0)
            json_object_del(x, "email");
    }
}

int api_comms_invitation(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], id[80], name[128];
    json_t *comm = NULL, *rcpts = NULL;
    char *ics = NULL;
    int status = scoped(r, NULL, 0, AUTHZ_SYNC_PULL, prod, id, &p);
    int rc;

    if (status == 0) {
        rc = comms_readable(r->db, prod, id, p.role, p.member_id, NULL);
        if (rc == EP_ENOTFOUND)
            status = http_error(r, 404, "not_found", NULL, "no communication '%s'", id);
        else if (rc != EP_OK)
            status = http_error(r, http_status_for(rc), "internal", NULL, "%s", ep_strerror(rc));
    }
    if (status == 0)
        status = audience(r, prod, id, &comm, &rcpts);
    if (status != 0)
        goto out;
    if (p.role != SYNC_ROLE_ADMIN)
        only_own_address(rcpts, p.member_id);
    rc = outbox_invitation(r->app, id, comm, rcpts, clock_now_ms(), &ics);
    if (rc == EP_ENOTFOUND)
        status = http_error(r, 404, "not_found", NULL,
                            "communication '%s' is not a briefing or checkpoint with a start", id);
    else if (rc == EP_EINVAL)
        status = http_error(r, 400, "invalid_request", "starts_at",
                            "starts_at must be a local time \"YYYY-MM-DDTHH:MM\"");
    else if (rc != EP_OK)
        status = http_error(r, http_status_for(rc), "internal", NULL, "%s", ep_strerror(rc));
    else {
        comm_file_name(comm, "", ".ics", name, sizeof(name));
        status = http_download(r, "text/calendar; charset=utf-8", name, ics, strlen(ics));
    }
out:
    free(ics);
    json_decref(rcpts);
    json_decref(comm);
    return status;
}

int api_comms_deliver(struct http_req *r)
{
    struct auth_principal p;
    char prod[80];
    json_t *summary = NULL;
    int status, rc;

    if (server_path_param(r, 0, prod, sizeof(prod)) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such production");
    status = auth_request_in(r, NULL, 0, prod, 1, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_OFFICE_WRITE);
    if (status != 0)
        return status;
    rc = outbox_deliver(r->app, r->db, prod, clock_now_ms(), &summary);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "outbox: %s", ep_strerror(rc));
    return http_json_new(r, 200, summary);
}

/* ---- Printed, spoken and call-sheet variants ---- */

/* The value of query parameter name into buf ("" when absent). */
static void query(const struct http_req *r, const char *name, char *buf, size_t len)
{
    const char *q = r->ri->query_string;
    buf[0] = '\0';
    if (q == NULL || mg_get_var(q, strlen(q), name, buf, len) < 0)
        buf[0] = '\0';
}

/* Sends data to be shown, not saved (the call sheet's HTML). Returns 200. */
static int send_inline(struct http_req *r, const char *type, const char *data, size_t len)
{
    char clen[32];

    snprintf(clen, sizeof(clen), "%zu", len);
    mg_response_header_start(r->conn, 200);
    mg_response_header_add(r->conn, "Content-Type", type, -1);
    mg_response_header_add(r->conn, "Content-Length", clen, -1);
    mg_response_header_add(r->conn, "Cache-Control", "no-store", -1);
    http_security_headers(r->conn);
    mg_response_header_send(r->conn);
    if (strcmp(r->ri->request_method, "HEAD") != 0)
        mg_write(r->conn, data, len);
    return 200;
}

/* The communication's merged fields, for the office or, once published, its
 * audience (comms_readable). */
static int readable(struct http_req *r, char *prod, char *id, json_t **comm)
{
    struct auth_principal p;
    int status = scoped(r, NULL, 0, AUTHZ_SYNC_PULL, prod, id, &p);
    int rc;

    *comm = NULL;
    if (status != 0)
        return status;
    rc = comms_readable(r->db, prod, id, p.role, p.member_id, comm);
    if (rc == EP_ENOTFOUND)
        return http_error(r, 404, "not_found", NULL, "no communication '%s'", id);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "%s", ep_strerror(rc));
    return 0;
}

/* Whether the request's path ends with suffix. */
static int path_ends(const struct http_req *r, const char *suffix)
{
    const char *u = r->ri->local_uri;
    size_t n = u != NULL ? strlen(u) : 0, k = strlen(suffix);
    return n >= k && strcmp(u + n - k, suffix) == 0;
}

/* Sends page 1 of pdf as a PNG picture, for previews. Returns the status sent. */
static int send_page_image(struct http_req *r, const char *pdf, size_t len)
{
    char *png = NULL;
    struct ep_error why = {0};
    size_t plen = 0;
    int rc = pageimg_png(pdf, len, 60, &png, &plen, &why);
    int status;

    if (rc == EP_EIO)
        status = api_error(r, 503, "unavailable", &why);
    else if (rc != EP_OK)
        status = http_error(r, http_status_for(rc), "internal", NULL, "%s", ep_strerror(rc));
    else
        status = send_inline(r, "image/png", png, plen);
    free(png);
    return status;
}

int api_comms_flyer(struct http_req *r)
{
    char prod[80], id[80], large[8], name[128];
    json_t *comm = NULL;
    char *pdf = NULL;
    size_t len = 0;
    int status = readable(r, prod, id, &comm);
    int rc;

    if (status != 0)
        return status;
    query(r, "large", large, sizeof(large));
    rc = flyer_pdf(comm, strcmp(large, "1") == 0, &pdf, &len);
    if (rc == EP_EINVAL)
        status = http_error(r, 400, "incomplete", NULL,
                            "a communication needs a title and a text before it is printed");
    else if (rc != EP_OK)
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot draw the flyer: %s",
                            ep_strerror(rc));
    else if (path_ends(r, ".png"))
        status = send_page_image(r, pdf, len);
    else {
        comm_file_name(comm, "flyer", strcmp(large, "1") == 0 ? "-gros-caracteres.pdf" : ".pdf",
                       name, sizeof(name));
        status = http_download(r, "application/pdf", name, pdf, len);
    }
    free(pdf);
    json_decref(comm);
    return status;
}

int api_comms_audio(struct http_req *r)
{
    char prod[80], id[80], variant[16], lang[8], name[128];
    struct ep_error why = {0};
    json_t *comm = NULL, *mine = NULL;
    char *text = NULL;
    char *wav = NULL;
    size_t len = 0;
    int status = readable(r, prod, id, &comm);
    int rc;

    if (status != 0)
        return status;
    query(r, "variant", variant, sizeof(variant));
    query(r, "lang", lang, sizeof(lang));
    if (variant[0] != '\0' && strcmp(variant, "falc") != 0 && strcmp(variant, "standard") != 0) {
        json_decref(comm);
        return http_error(r, 400, "invalid_request", "variant",
                          "variant is \"standard\" or \"falc\"");
    }
    if (lang[0] != '\0' && strcmp(lang, "fr") != 0 && strcmp(lang, "en") != 0) {
        json_decref(comm);
        return http_error(r, 400, "invalid_request", "lang", "lang is \"fr\" or \"en\"");
    }
    /* The listener's version: the English one when written and asked for. */
    rc = comms_for_reader(comm, lang, &mine);
    if (rc == EP_OK)
        rc = comms_spoken(mine, strcmp(variant, "falc") == 0, &text);
    if (rc == EP_ENOMEM) {
        json_decref(mine);
        json_decref(comm);
        return http_error(r, 500, "internal", NULL, "%s", ep_strerror(rc));
    }
    if (text == NULL) {
        json_decref(mine);
        json_decref(comm);
        return http_error(r, 404, "not_found", "variant",
                          strcmp(variant, "falc") == 0
                              ? "nobody has written the easy-to-read version yet"
                              : "this communication has no text yet");
    }
    rc = audio_wav(text, json_string_value(json_object_get(mine, "lang")), &wav, &len, &why);
    if (rc == EP_EINVAL)
        status = api_error(r, 400, "invalid_request", &why);
    else if (rc != EP_OK)
        status = api_error(r, 503, "unavailable", &why);
    else {
        comm_file_name(mine, "", strcmp(variant, "falc") == 0 ? "-falc.wav" : ".wav", name,
                       sizeof(name));
        status = http_download(r, "audio/wav", name, wav, len);
    }
    free(text);
    free(wav);
    json_decref(mine);
    json_decref(comm);
    return status;
}

int api_comms_callsheet(struct http_req *r)
{
    struct auth_principal p;
    char prod[80], date[16], format[8], title[256] = "", name[128], lang[3];
    json_t *state = NULL, *people = NULL;
    char *doc = NULL;
    size_t len = 0;
    int status, rc, html;

    if (server_path_param(r, 0, prod, sizeof(prod)) != EP_OK)
        return http_error(r, 404, "not_found", NULL, "no such production");
    status = auth_request_in(r, NULL, 0, prod, 1, &p);
    if (status == 0)
        status = auth_require(r, &p, AUTHZ_SYNC_PULL);
    if (status != 0)
        return status;
    query(r, "date", date, sizeof(date));
    query(r, "format", format, sizeof(format));
    /* A day is a start time at midnight: one date parser for the module. */
    snprintf(name, sizeof(name), "%sT00:00", date);
    if (strlen(date) != 10 || !ical_start_ok(name))
        return http_error(r, 400, "invalid_request", "date", "date is \"YYYY-MM-DD\"");
    if (format[0] != '\0' && strcmp(format, "html") != 0 && strcmp(format, "pdf") != 0 &&
        strcmp(format, "png") != 0)
        return http_error(r, 400, "invalid_request", "format",
                          "format is \"html\", \"pdf\" or \"png\" (a picture of the page)");
    html = format[0] == '\0' || strcmp(format, "html") == 0;
    status = api_lang_param(r, &p, lang);
    if (status != 0)
        return status;
    rc = commstore_production_title(r->db, prod, title, sizeof(title));
    if (rc == EP_OK)
        rc = sync_state(r->db, prod, &state);
    if (rc == EP_OK)
        rc = commstore_people(r->db, prod, &people);
    if (rc == EP_OK)
        rc = callsheet_eco(state, people, title, date, lang, html, &doc, &len);
    if (rc != EP_OK)
        status = http_error(r, http_status_for(rc), "internal", NULL, "%s", ep_strerror(rc));
    else if (html)
        status = send_inline(r, "text/html; charset=utf-8", doc, len);
    else if (strcmp(format, "png") == 0)
        status = send_page_image(r, doc, len);
    else {
        snprintf(name, sizeof(name), "feuille-de-service-eco-%s.pdf", date);
        status = http_download(r, "application/pdf", name, doc, len);
    }
    free(doc);
    json_decref(people);
    json_decref(state);
    return status;
}
