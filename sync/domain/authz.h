/*
 * authz.h - who may do what: pure rules, no storage, no clock.
 *
 * Two halves:
 *  - the sync hooks (authz_sync_op, authz_sync_read) that plug into struct
 *    sync_opts (sync.h) and decide per op, per collection and per record;
 *  - authz_endpoint for the HTTP API, one row per action.
 * Everything here is a function of its arguments, so the authorization matrix
 * test walks the same code the server runs. Thread-safe.
 *
 * Sync rules (the production is already scoped by the engine: an actor only
 * ever reaches ops of its own production):
 *   admin, eco_referent  write every collection.
 *   dept_head            put "actions" whose "dept" is theirs (the current
 *                        record's and any new value), plus crew rights.
 *   crew                 add "readings" whose "dept" is theirs; put "tasks"
 *                        only on an existing record whose "assignee" is their
 *                        member id, without reassigning it; add "questions"
 *                        (a "member" field, the asker, if set, must be themselves);
 *                        add "attachments" as themselves ("member", if set, is
 *                        their member id) and void only their own.
 *   viewer               write nothing.
 *   "preferences" (every role but viewer): put one's own "self-<member>"
 *                        record; only admin and eco_referent put
 *                        "office-<member>" ones; nobody puts another
 *                        person's "self-" record (prefs.h).
 * Reads: every role reads every collection of its production, except
 * "questions", which crew and department heads read only when they asked
 * them ("member" is their member id, or the op came from their device) and viewers not at all;
 * and "profiles" (C6), which only admins and eco-referents read, others only their own
 * ("member" is their member id); and "preferences", which only admins and
 * eco-referents read, others only their own two records.
 */
#ifndef EP_AUTHZ_H
#define EP_AUTHZ_H

#include "sync.h"

#include <jansson.h>
#include <stddef.h>

/*
 * sync_authz_fn: returns 0 to allow op for actor, or EP_EFORBIDDEN with a
 * one-line reason in buf. current is the record's merged state before the op
 * (NULL for a new record or a fact): either its fields object, or an object
 * holding them under "fields" (the shape of sync_state()); both are accepted.
 * ctx is unused (may be NULL).
 */
int authz_sync_op(void *ctx, const struct sync_actor *actor, const struct sync_op *op,
                  int collection_is_fact, const json_t *current, char *buf, size_t len);

/* sync_read_fn: 1 if actor may receive op in a pull, 0 if not, -1 when
 * op->fields is NULL and the answer depends on them. ctx unused. */
int authz_sync_read(void *ctx, const struct sync_actor *actor, const struct sync_op *op);

/* The API's actions, each a row of the endpoint matrix (see authz_endpoint). */
enum authz_action {
    AUTHZ_ME = 0,         /* GET /auth/me, POST /auth/logout: any signed-in person */
    AUTHZ_MEMBERS_READ,   /* GET members */
    AUTHZ_MEMBERS_WRITE,  /* create, update, remove members (roles) */
    AUTHZ_INVITE,         /* create a pairing invite */
    AUTHZ_DEVICES_READ,   /* list devices */
    AUTHZ_DEVICES_REVOKE, /* revoke a device */
    AUTHZ_KEY_READ,       /* the production's public key */
    AUTHZ_AUDIT_READ,     /* the audit log */
    AUTHZ_SYNC_PULL,      /* pull (then filtered per op) */
    AUTHZ_SYNC_PUSH,      /* push (then checked per op) */
    AUTHZ_OFFICE_WRITE,   /* office screens editing plans, communications */
    AUTHZ_ACTION_COUNT
};

/*
 * 0 if role may perform action, else EP_EFORBIDDEN. is_device says the
 * request is signed by a phone: administration (members, invites, devices,
 * audit) needs an office session, so a stolen phone cannot grant itself
 * more or hide its tracks.
 */
int authz_endpoint(enum authz_action action, enum sync_role role, int is_device);

/* A short name for the action ("members.write"), for logs and tests. */
const char *authz_action_name(enum authz_action action);

#endif
