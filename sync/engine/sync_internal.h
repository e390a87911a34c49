/*
 * sync_internal.h - shared between the sync engine's files; not public.
 * Symbols here use the `sync__` prefix (libuv's convention for internals).
 */
#ifndef EP_SYNC_INTERNAL_H
#define EP_SYNC_INTERNAL_H

#include "sync.h"

#include <stddef.h>

struct db;

/* Error codes carried in push acks ("code"), stable for clients. */
#define SYNC_CODE_LEN 32
#define SYNC_REASON_LEN 256

struct sync__verdict {
    char code[SYNC_CODE_LEN];     /* e.g. "unknown_collection" */
    char reason[SYNC_REASON_LEN]; /* human-readable, names the field */
};

/* Sets v->code and a printf-formatted reason; returns EP_EINVAL. */
int sync__refuse(struct sync__verdict *v, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Decodes op (borrowed; op fields borrow from it) and checks its structure:
 * keys, ids, kind, clock, field names, base shape. Not its size: a push
 * checks that on the canonical text it must build anyway (push.c), and
 * stored ops were checked when they arrived. Does not look at the
 * database. Returns 0 or EP_EINVAL with v filled.
 */
int sync__op_decode(json_t *opj, struct sync_op *op, struct sync__verdict *v);

/* Collection metadata, loaded once per push. */
struct sync__collection {
    char name[33];
    int is_fact;
    int is_company; /* spec "scope": "company": shared by the company's productions */
    json_t *spec;   /* owned */
};

struct sync__catalog {
    struct sync__collection *items; /* owned */
    size_t n;
};

int sync__catalog_load(struct db *db, struct sync__catalog *cat);
void sync__catalog_release(struct sync__catalog *cat);
const struct sync__collection *sync__catalog_find(const struct sync__catalog *cat,
                                                  const char *name);

/* Checks op's fields against the collection's spec. 0 or EP_EINVAL + v. */
int sync__spec_check(const struct sync__collection *c, const struct sync_op *op,
                     struct sync__verdict *v);

/* The op's canonical body (canon.h; caller frees): the text stored in
 * sync_op.body and hashed into sync_op.digest. */
char *sync__canonical(const json_t *opj);

/* The body as protocol 1 wrote it before the shared number rule (Jansson's
 * json_dumps: 5.0, 0.10000000000000001). Ops stored then keep that text and
 * its digest; lookup_op recomputes this form only when a re-sent op's digest
 * differs, so the re-sent op is still recognised as the same one
 * (docs/sync-protocol.md §2.5). Caller frees; NULL on OOM. */
char *sync__canonical_v0(const json_t *opj);

/* Outcome of applying one op. */
enum sync__status {
    SYNC__APPLIED,
    SYNC__DUPLICATE,
    SYNC__QUARANTINED,
    SYNC__REJECTED,
};

struct sync__apply_in {
    const struct sync_opts *opts;   /* NULL: remote apply (no authz, no quarantine) */
    const struct sync_actor *actor; /* NULL for remote apply */
    const char *production_id;
    const struct sync__collection *coll;
    const char *canon; /* the op's sync__canonical() text if already built, or NULL */
    /* Set by sync__apply itself: the BLAKE2b-128 of the canonical text, hashed
     * once for the duplicate check and the op log row. Callers leave it NULL. */
    const unsigned char *digest;
};

/*
 * Applies one decoded op inside the caller's transaction (the caller wraps
 * it in a savepoint). *status and *seq receive the outcome; v is filled for
 * rejections and quarantine. Returns 0, or an EP_E* storage error that must
 * abort the whole transaction.
 */
int sync__apply(struct db *db, const struct sync__apply_in *in, const struct sync_op *op,
                enum sync__status *status, int64_t *seq, struct sync__verdict *v);

/* Reads and writes the persisted server clock (meta 'hlc'). */
int sync__clock_get(struct db *db, uint64_t *out);
int sync__clock_set(struct db *db, uint64_t hlc);

#endif
