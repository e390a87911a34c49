/*
 * sync.h - the sync engine: merge rules, push, pull, conflicts.
 *
 * The engine is pure C over a struct db (see db.h): no HTTP, no globals, no
 * clock reads (callers pass `now_ms`), so the server, the tests, the
 * convergence simulation and the benchmarks all drive the same code. The
 * protocol it implements is docs/sync-protocol.md; the rules are summarised
 * here so the header stays the reference for callers.
 *
 * Records live in named collections (table sync_collection) of two types:
 *  - "record": editable. A "put" op sets some fields. Each field keeps every
 *    version ever written; an op names in `base` the versions its author saw,
 *    which it supersedes. Versions not superseded by any other are "leaves";
 *    the field's value is the leaf with the greatest (hlc, dev, op) and every
 *    other leaf is an open conflict, kept until someone writes a version whose
 *    base names it. Deletion is the field "_deleted" set to true.
 *  - "fact": append-only. An "add" op creates an immutable fact. A correction
 *    is a new fact whose "supersedes" names the old one; a void is a fact with
 *    "void": true. Current facts are those nobody supersedes, minus voids.
 * Both rules are functions of the *set* of ops, so replicas that hold the same
 * ops hold the same state whatever the order they arrived in.
 *
 * Threading: functions take the caller's struct db and are as thread-safe as
 * it is (one connection per thread). Writes run in BEGIN IMMEDIATE.
 */
#ifndef EP_SYNC_H
#define EP_SYNC_H

#include "ids.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct ep_error;

#define SYNC_PROTOCOL 1             /* the "schema" every request carries */
#define SYNC_MAX_OPS 500            /* ops per push */
#define SYNC_MAX_OP_BYTES 16384     /* one op, serialized */
#define SYNC_MAX_PUSH_BYTES 1048576 /* one push body: 1 MiB */
#define SYNC_MAX_ID IDS_MAX         /* op, record and device ids: ids.h */
#define SYNC_MAX_FIELDS 64          /* fields per op */
#define SYNC_PULL_DEFAULT 500       /* ops per pull page unless asked */
#define SYNC_PULL_MAX 2000          /* ops per pull page at most */
#define SYNC_PULL_MAX_BYTES 1048576 /* 1 MiB */
#define SYNC_DRIFT_MS 600000        /* an hlc further ahead than this is quarantined */

/* HLC: 48-bit unix milliseconds and a 16-bit counter, on the wire as
 * "TTTTTTTTTTTT-CCCC" (lowercase hex), so string order is clock order. */
#define SYNC_HLC_LEN 17

/* Parses text into *out (ms << 16 | counter). Returns 0 or EP_EINVAL. */
int sync_hlc_parse(const char *text, uint64_t *out);
/* Formats hlc into buf (at least SYNC_HLC_LEN + 1 bytes). */
void sync_hlc_format(uint64_t hlc, char *buf);
/* The next local clock after last, given the wall clock: max(now, last+1). */
uint64_t sync_hlc_tick(uint64_t last, int64_t now_ms);
/* Physical part in milliseconds. */
int64_t sync_hlc_ms(uint64_t hlc);

/* Roles, most powerful first (the identity module assigns them). */
enum sync_role {
    SYNC_ROLE_ADMIN = 0,
    SYNC_ROLE_ECO_REFERENT,
    SYNC_ROLE_DEPT_HEAD,
    SYNC_ROLE_CREW,
    SYNC_ROLE_VIEWER,
};

/* Who is pushing or pulling. Strings borrowed for the call. */
struct sync_actor {
    const char *production_id; /* every op is scoped to this production */
    const char *device_id;     /* must equal each op's "dev" */
    const char *member_id;     /* the person; may be NULL for the server itself */
    const char *department;    /* e.g. "regie"; may be NULL */
    enum sync_role role;
    /* The production row holding the company's shared records ("co:<company
     * id>"): ops on a collection whose spec says "scope": "company" are
     * stored there, and a pull also returns that space's ops. NULL keeps
     * everything in production_id (single-production replicas, tests). */
    const char *company_space;
};

/* One op as the engine sees it once decoded. Borrowed from the JSON. */
struct sync_op {
    const char *op_id;
    const char *col;
    const char *rid;
    const char *kind; /* "put" or "add" */
    const char *hlc_text;
    uint64_t hlc;
    const char *dev;
    json_t *fields; /* object */
    json_t *base;   /* object field -> array of op ids, or NULL */
    json_t *json;   /* the whole op object */
};

/*
 * Authorization hook, called for every op before it is applied. current is
 * the record's merged state (NULL for a new record); for a fact that
 * corrects or voids another, the fields of the fact it supersedes (NULL when
 * that one has not arrived yet), otherwise NULL. Returns 0
 * to allow, or EP_EFORBIDDEN with a reason in buf. NULL hook = allow all.
 */
typedef int (*sync_authz_fn)(void *ctx, const struct sync_actor *actor, const struct sync_op *op,
                             int collection_is_fact, const json_t *current, char *buf, size_t len);

/* Read filter for pull: returns 1 if actor may receive op, 0 if not. It is
 * first called with only col, rid, kind and dev set (fields NULL) and may
 * answer -1 to be called again with the whole op. NULL = all. */
typedef int (*sync_read_fn)(void *ctx, const struct sync_actor *actor, const struct sync_op *op);

/*
 * Domain validation hook, called for every op that passed its collection's
 * field spec, before authorization: e.g. a reading's unit must be its
 * indicator's (sync/domain/carbon.c). Returns 0, or EP_EINVAL with a stable code
 * (e.g. "wrong_unit") in code and a reason in reason. NULL = none.
 */
typedef int (*sync_validate_fn)(void *ctx, struct db *db, const struct sync_op *op, char *code,
                                size_t codelen, char *reason, size_t reasonlen);

/*
 * Group commit for concurrent pushes on connections to the same database
 * file (one per server; thread-safe). A push that finds another writer busy
 * queues; the next writer applies every queued push in one transaction, each
 * in its own savepoint, so one fsync acknowledges all of them. Nothing is
 * acknowledged before that COMMIT returns. sync_group_free() must not race
 * a sync_push() that uses the group.
 */
struct sync_group;
int sync_group_new(struct sync_group **out);
void sync_group_free(struct sync_group *g);

/*
 * Has every group written on writer (borrowed, must outlive g; only the
 * group's leader uses it, one thread at a time) instead of the leader's own
 * connection: a connection's page cache is dropped whenever another one has
 * written, so one writer keeps its cache warm. NULL: the leader's own.
 */
void sync_group_set_writer(struct sync_group *g, struct db *writer);

/* Per-call options. Initialize with designated initializers: fields get added. */
struct sync_opts {
    int64_t now_ms;            /* the server's wall clock for this call */
    int64_t drift_ms;          /* quarantine bound; 0 means SYNC_DRIFT_MS */
    sync_authz_fn authorize;   /* may be NULL */
    sync_read_fn can_read;     /* may be NULL */
    void *ctx;                 /* passed to the hooks */
    sync_validate_fn validate; /* may be NULL */
    struct sync_group *group;  /* push: commit with concurrent pushes; NULL = alone */
    /* The replica this request comes from (a phone: its device id; an
     * office session: a key of its session). push: stored with each op it
     * applies as the op's origin, "pushed by this replica"; NULL stores
     * "made by the server", which every pull sends. pull: what hide_own
     * compares. docs/sync-protocol.md §5, "own". */
    const char *origin;
    /* pull: leave out the ops that this same origin pushed under
     * actor->device_id (the replica made them and holds them); ops the
     * server made under that id still come. Nothing is hidden without an
     * origin, or from an empty cursor: a replica that starts over (new
     * phone, restored backup, cursor_foreign) needs its own ops back. */
    int hide_own;
};

/*
 * Decodes and validates a push body {"schema":1,"device":"...","ops":[...]}.
 * On success returns 0 and *out owns the parsed root (json_decref it); the
 * envelope is checked (schema, device id, op count, total size) but the ops
 * are checked one by one by sync_push so one bad op does not sink the batch.
 * On failure returns EP_EINVAL / EP_ESCHEMA / EP_ETOOBIG with the reason and
 * the offending field, if any, in err (may be NULL).
 */
int sync_decode_push(const char *buf, size_t len, json_t **out, struct ep_error *err);

/*
 * Applies a decoded push for actor in one transaction, committed before this
 * returns 0 (or, when the caller already holds a transaction, in a savepoint
 * released into it: the caller's COMMIT is then what makes it durable). *results receives a new
 * array, one object per op, in order:
 *   {"op":"...","status":"applied"|"duplicate"|"quarantined"|"rejected",
 *    "seq":N (applied/duplicate), "code":"...","reason":"..." (rejected/quarantined)}
 * and *server_hlc the server clock after the push. A rejected op changes
 * nothing; the others are still applied. Returns an EP_E* code (and no
 * results) only when the transaction itself failed: then nothing is applied.
 */
int sync_push(struct db *db, const struct sync_opts *opts, const struct sync_actor *actor,
              json_t *push, json_t **results, char *server_hlc);

/*
 * One page of ops visible to actor after cursor ("<database_id>.<seq>", or
 * NULL/"" for the beginning), as the response body text
 *   {"schema":1,"ops":[...],"cursor":"...","more":true|false,"hlc":"..."}
 * built from the stored canonical op texts without re-serializing them.
 * *out owns the text (free()), *outlen its length. limit is clamped to
 * [1, SYNC_PULL_MAX]; the page also stops before SYNC_PULL_MAX_BYTES (but
 * always carries at least one op when there is one). *nops (may be NULL)
 * receives the number of ops in the page. With opts->hide_own, an
 * opts->origin and a non-empty cursor, the ops that origin pushed under the
 * actor's device id are left out of the page but the cursor still moves
 * past them. Returns 0, EP_EINVAL
 * (malformed cursor) or EP_ECONFLICT (cursor minted by another database),
 * with field "cursor" and the reason in err (may be NULL), or a storage
 * error.
 */
int sync_pull(struct db *db, const struct sync_opts *opts, const struct sync_actor *actor,
              const char *cursor, int limit, char **out, size_t *outlen, size_t *nops,
              struct ep_error *err);

/*
 * Applies ops pulled from a server to a local replica (the C twin of what the
 * PWA does): the same merge, no authorization, no quarantine, duplicates
 * skipped. Used by the convergence simulation and the benchmarks.
 */
int sync_apply_remote(struct db *db, const char *production_id, json_t *ops);

/*
 * The canonical merged state of a production, the form the shared test
 * vectors compare:
 *   {"records": {"col/id": {"fields": {...winners...}, "deleted": bool,
 *                           "conflicts": {"field": [losing values, sorted by op]}}},
 *    "facts": {"col/id": {"fields": {...}, "current": bool, "superseded_by": [ids]}}}
 * *out receives a new object.
 */
int sync_state(struct db *db, const char *production_id, json_t **out);

/*
 * The merged fields of record (col, rid) of production_id into *out (a new
 * object). Returns 0, EP_ENOTFOUND (absent, deleted, or another
 * production's) or a storage code.
 */
int sync_record_get(struct db *db, const char *production_id, const char *col, const char *rid,
                    json_t **out);

/*
 * Open conflicts of a production as an array of
 *   {"col","id","field","value","hlc","dev","op","winner":{"value","hlc","dev","op"}}
 */
int sync_conflicts(struct db *db, const char *production_id, json_t **out);

/*
 * The op ids of the current leaves of one field, sorted, as a new array in
 * *out: what an editor "sees", hence the base of its next write.
 */
int sync_field_leaves(struct db *db, const char *col, const char *rid, const char *field,
                      json_t **out);

/*
 * Server-side write on behalf of actor (office screens, conflict resolution,
 * the demo seed): builds a put op for (col, rid) with fields, stamped with
 * the server clock, whose base supersedes every current leaf of each field
 * written, and applies it as a push would. *result receives the ack object.
 * The op is stored as made by the server, whatever opts->origin says.
 */
int sync_server_put(struct db *db, const struct sync_opts *opts, const struct sync_actor *actor,
                    const char *col, const char *rid, json_t *fields, json_t **result);

/*
 * Ops held in quarantine for production_id (all, resolved or not), as a new
 * array of {"op","dev","body","reason","received_at","resolved_at","resolution"}.
 */
int sync_quarantine_list(struct db *db, const char *production_id, json_t **out);

/*
 * The office's decision on a held op: release (re-stamp it with the server
 * clock under op id "rel~<op>" and apply it) or dismiss (keep it, marked,
 * never applied). Either way the original stays in quarantine as a record.
 * *ack receives {"op","status",...}. Returns 0, EP_ENOTFOUND (no such
 * unresolved op in this production) or a storage code.
 */
int sync_quarantine_resolve(struct db *db, const struct sync_opts *opts, const char *production_id,
                            const char *op_id, int do_release, json_t **ack);

#endif
