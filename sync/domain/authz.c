/* authz.c - the authorization rules (see authz.h for the table). */
#include "authz.h"

#include "err.h"
#include "prefs.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int deny(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int deny(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;

    if (buf != NULL && len > 0) {
        va_start(ap, fmt);
        if (vsnprintf(buf, len, fmt, ap) < 0)
            buf[0] = '\0';
        va_end(ap);
    }
    return EP_EFORBIDDEN;
}

static int str_eq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* The string value of field name in obj, NULL if absent or not a string. */
static const char *field_str(const json_t *obj, const char *name)
{
    return obj != NULL ? json_string_value(json_object_get(obj, name)) : NULL;
}

/* The fields of a record's current state, whichever shape the engine gives. */
static const json_t *current_fields(const json_t *current)
{
    const json_t *f;

    if (current == NULL)
        return NULL;
    f = json_object_get(current, "fields");
    return json_is_object(f) ? f : current;
}

/* Crew rights, shared by crew and department heads. */
static int crew_op(const struct sync_actor *a, const struct sync_op *op, int is_fact,
                   const json_t *current, char *buf, size_t len)
{
    const char *col = op->col;

    if (strcmp(col, "readings") == 0) {
        /* For a correction or a void, current is the reading it supersedes. */
        const json_t *target = current_fields(current);
        const char *dept = field_str(op->fields, "dept");
        if (!is_fact || !str_eq(op->kind, "add"))
            return deny(buf, len, "readings can only be added");
        if (dept == NULL && json_is_true(json_object_get(op->fields, "void")))
            dept = field_str(target, "dept"); /* a void carries only what it voids */
        if (!str_eq(dept, a->department))
            return deny(buf, len, "readings of department '%s' are not yours to record",
                        dept != NULL ? dept : "(none)");
        if (target != NULL && !str_eq(field_str(target, "dept"), a->department))
            return deny(buf, len, "that reading belongs to department '%s'",
                        field_str(target, "dept") != NULL ? field_str(target, "dept") : "(none)");
        return EP_OK;
    }
    if (strcmp(col, "tasks") == 0) {
        const json_t *cur = current_fields(current);
        const char *assignee = field_str(cur, "assignee");
        json_t *reassign = op->fields != NULL ? json_object_get(op->fields, "assignee") : NULL;
        if (!str_eq(op->kind, "put"))
            return deny(buf, len, "tasks are records: only put applies");
        if (cur == NULL)
            return deny(buf, len, "only office roles create tasks");
        if (!str_eq(assignee, a->member_id))
            return deny(buf, len, "this task is assigned to someone else");
        if (reassign != NULL && !str_eq(json_string_value(reassign), a->member_id))
            return deny(buf, len, "only office roles reassign tasks");
        if (op->fields != NULL && json_object_get(op->fields, "_deleted") != NULL)
            return deny(buf, len, "only office roles delete tasks");
        return EP_OK;
    }
    if (strcmp(col, "questions") == 0) {
        /* A question is its author's: a correction or a void is judged on
         * the question it supersedes (current), never on its own fields,
         * which anyone can write (docs/security.md). Answers are the
         * office's. */
        const char *author = field_str(op->fields, "member");
        if (!is_fact || !str_eq(op->kind, "add"))
            return deny(buf, len, "questions can only be added");
        if (author != NULL && !str_eq(author, a->member_id))
            return deny(buf, len, "a question's author must be its sender");
        if (current != NULL && !str_eq(field_str(current_fields(current), "member"), a->member_id))
            return deny(buf, len, "that question was asked by someone else");
        if (op->fields != NULL && json_object_get(op->fields, "answers") != NULL)
            return deny(buf, len, "only the office answers questions");
        return EP_OK;
    }
    if (strcmp(col, "attachments") == 0) {
        /* A photo is evidence by its author: added as oneself, and removed
         * (a void) only if it was one's own. current is the fact voided. */
        const char *member = field_str(op->fields, "member");
        const char *owner = field_str(current_fields(current), "member");
        if (!is_fact || !str_eq(op->kind, "add"))
            return deny(buf, len, "attachments can only be added");
        if (member != NULL && !str_eq(member, a->member_id))
            return deny(buf, len, "an attachment's member must be its sender");
        if (current != NULL && !str_eq(owner, a->member_id))
            return deny(buf, len, "that photo was attached by someone else");
        return EP_OK;
    }
    if (strcmp(col, "receipts") == 0) {
        /* A receipt says "I read / acknowledged it": only for oneself. */
        if (!is_fact || !str_eq(op->kind, "add"))
            return deny(buf, len, "receipts can only be added");
        if (!str_eq(field_str(op->fields, "member"), a->member_id))
            return deny(buf, len, "a receipt's member must be its sender");
        return EP_OK;
    }
    return deny(buf, len, "role '%s' may not write collection '%s'",
                a->role == SYNC_ROLE_CREW ? "crew" : "dept_head", col);
}

/* Department heads own their department's actions. */
static int dept_head_op(const struct sync_actor *a, const struct sync_op *op, int is_fact,
                        const json_t *current, char *buf, size_t len)
{
    const json_t *cur;
    json_t *dept_new;
    const char *dept_cur;

    if (strcmp(op->col, "actions") != 0)
        return crew_op(a, op, is_fact, current, buf, len);
    if (!str_eq(op->kind, "put"))
        return deny(buf, len, "actions are records: only put applies");
    cur = current_fields(current);
    dept_cur = field_str(cur, "dept");
    dept_new = op->fields != NULL ? json_object_get(op->fields, "dept") : NULL;
    /* Both ends must be theirs: taking over another department's action and
     * handing one of theirs away are both refused. */
    if (cur != NULL && !str_eq(dept_cur, a->department))
        return deny(buf, len, "this action belongs to department '%s'",
                    dept_cur != NULL ? dept_cur : "(none)");
    if (cur == NULL && dept_new == NULL)
        return deny(buf, len, "a new action must name your department in 'dept'");
    if (dept_new != NULL && !str_eq(json_string_value(dept_new), a->department))
        return deny(buf, len, "actions may only be filed under your department");
    return EP_OK;
}

/*
 * Preferences (docs/communications.md): a person writes their own record
 * ("self-<own member>") from any role; only office roles write the office's
 * record of someone ("office-<member>"), and nobody writes another
 * person's own choices, so the person's choice stays theirs.
 */
static int prefs_op(const struct sync_actor *a, const struct sync_op *op, char *buf, size_t len)
{
    const char *member;
    int self;

    if (!str_eq(op->kind, "put"))
        return deny(buf, len, "preferences are records: only put applies");
    if (prefs_rid_parse(op->rid, &member, &self) != EP_OK)
        return deny(buf, len, "a preferences id is \"self-<member>\" or \"office-<member>\"");
    if (self && !str_eq(member, a->member_id))
        return deny(buf, len, "only %s sets their own preferences", member);
    if (!self && a->role != SYNC_ROLE_ADMIN && a->role != SYNC_ROLE_ECO_REFERENT)
        return deny(buf, len, "only office roles set someone's preferences for them");
    return EP_OK;
}

int authz_sync_op(void *ctx, const struct sync_actor *actor, const struct sync_op *op,
                  int collection_is_fact, const json_t *current, char *buf, size_t len)
{
    (void)ctx;
    if (buf != NULL && len > 0)
        buf[0] = '\0';
    if (actor == NULL || op == NULL || op->col == NULL || op->kind == NULL)
        return deny(buf, len, "no actor or malformed op");
    if (strcmp(op->col, "preferences") == 0 && actor->role != SYNC_ROLE_VIEWER)
        return prefs_op(actor, op, buf, len);
    switch (actor->role) {
    case SYNC_ROLE_ADMIN:
    case SYNC_ROLE_ECO_REFERENT:
        return EP_OK;
    case SYNC_ROLE_DEPT_HEAD:
        return dept_head_op(actor, op, collection_is_fact, current, buf, len);
    case SYNC_ROLE_CREW:
        return crew_op(actor, op, collection_is_fact, current, buf, len);
    case SYNC_ROLE_VIEWER:
        return deny(buf, len, "viewers have read-only access");
    }
    return deny(buf, len, "unknown role");
}

int authz_sync_read(void *ctx, const struct sync_actor *actor, const struct sync_op *op)
{
    (void)ctx;
    if (actor == NULL || op == NULL || op->col == NULL)
        return 0;
    if (strcmp(op->col, "profiles") == 0) {
        /* What the eco-referent notes of each person's knowledge and
         * appetite is theirs to use, not the crew's to read: office roles
         * see every profile, anyone else only their own. */
        if (actor->role == SYNC_ROLE_ADMIN || actor->role == SYNC_ROLE_ECO_REFERENT)
            return 1;
        if (op->fields == NULL)
            return -1;
        return str_eq(field_str(op->fields, "member"), actor->member_id);
    }
    if (strcmp(op->col, "preferences") == 0) {
        /* Addresses and needs are personal: the office sees everyone's,
         * a person only their own two records. */
        const char *member;
        int self;
        if (actor->role == SYNC_ROLE_ADMIN || actor->role == SYNC_ROLE_ECO_REFERENT)
            return 1;
        return prefs_rid_parse(op->rid, &member, &self) == EP_OK &&
               str_eq(member, actor->member_id);
    }
    if (strcmp(op->col, "questions") != 0)
        return 1;
    switch (actor->role) {
    case SYNC_ROLE_ADMIN:
    case SYNC_ROLE_ECO_REFERENT:
        return 1;
    case SYNC_ROLE_DEPT_HEAD:
    case SYNC_ROLE_CREW:
        if (str_eq(op->dev, actor->device_id))
            return 1;
        if (op->fields == NULL)
            return -1; /* asked with the op's head only: need its fields */
        return str_eq(field_str(op->fields, "member"), actor->member_id);
    case SYNC_ROLE_VIEWER:
        return 0;
    }
    return 0;
}

/* Rows: actions; columns: roles in enum sync_role order (admin first). */
static const unsigned char matrix[AUTHZ_ACTION_COUNT][5] = {
    /*                       admin eco dept crew viewer */
    [AUTHZ_ME] = {1, 1, 1, 1, 1},
    [AUTHZ_MEMBERS_READ] = {1, 1, 1, 1, 1},
    [AUTHZ_MEMBERS_WRITE] = {1, 0, 0, 0, 0},
    [AUTHZ_INVITE] = {1, 0, 0, 0, 0},
    [AUTHZ_DEVICES_READ] = {1, 0, 0, 0, 0},
    [AUTHZ_DEVICES_REVOKE] = {1, 0, 0, 0, 0},
    [AUTHZ_KEY_READ] = {1, 1, 1, 1, 1},
    [AUTHZ_AUDIT_READ] = {1, 0, 0, 0, 0},
    [AUTHZ_SYNC_PULL] = {1, 1, 1, 1, 1},
    [AUTHZ_SYNC_PUSH] = {1, 1, 1, 1, 0},
    [AUTHZ_OFFICE_WRITE] = {1, 1, 0, 0, 0},
};

/* Actions only an office session may take. */
static int office_only(enum authz_action action)
{
    return action == AUTHZ_MEMBERS_WRITE || action == AUTHZ_INVITE ||
           action == AUTHZ_DEVICES_READ || action == AUTHZ_DEVICES_REVOKE ||
           action == AUTHZ_AUDIT_READ;
}

int authz_endpoint(enum authz_action action, enum sync_role role, int is_device)
{
    if ((unsigned)action >= AUTHZ_ACTION_COUNT || (unsigned)role > SYNC_ROLE_VIEWER)
        return EP_EFORBIDDEN;
    if (is_device && office_only(action))
        return EP_EFORBIDDEN;
    return matrix[action][role] ? EP_OK : EP_EFORBIDDEN;
}

const char *authz_action_name(enum authz_action action)
{
    static const char *const names[AUTHZ_ACTION_COUNT] = {
        [AUTHZ_ME] = "me",
        [AUTHZ_MEMBERS_READ] = "members.read",
        [AUTHZ_MEMBERS_WRITE] = "members.write",
        [AUTHZ_INVITE] = "invites.create",
        [AUTHZ_DEVICES_READ] = "devices.read",
        [AUTHZ_DEVICES_REVOKE] = "devices.revoke",
        [AUTHZ_KEY_READ] = "key.read",
        [AUTHZ_AUDIT_READ] = "audit.read",
        [AUTHZ_SYNC_PULL] = "sync.pull",
        [AUTHZ_SYNC_PUSH] = "sync.push",
        [AUTHZ_OFFICE_WRITE] = "office.write",
    };
    return (unsigned)action < AUTHZ_ACTION_COUNT ? names[action] : "unknown";
}
