/*
 * push.c - decoding and applying a push (docs/sync-protocol.md, "Push").
 *
 * A push is one SQLite transaction (shared with concurrent pushes, each in a
 * savepoint: group commit). A rejected op leaves no trace while its
 * neighbours still apply (merge.c rejects before writing), and nothing is
 * acknowledged before COMMIT returns.
 */
#include "db.h"
#include "err.h"
#include "ids.h"
#include "jsonin.h"
#include "sync_internal.h"

#include <assert.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sync_decode_push(const char *buf, size_t len, json_t **out, struct ep_error *err)
{
    json_error_t jerr;
    json_t *root = NULL;
    json_int_t schema = 0;
    const char *device = NULL;
    json_t *ops = NULL;
    int rc;

    *out = NULL;
    ep_error_clear(err);
    if (len > SYNC_MAX_PUSH_BYTES)
        return ep_error_set(err, EP_ETOOBIG, NULL,
                            "push of %zu bytes exceeds the limit of %d bytes", len,
                            SYNC_MAX_PUSH_BYTES);
    root = jsonin_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return ep_error_set(err, EP_EINVAL, NULL, "malformed JSON at line %d column %d: %s",
                            jerr.line, jerr.column, jerr.text);
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:I, s:s, s:o}", "schema", &schema, "device",
                       &device, "ops", &ops) != 0)
        rc = ep_error_set(err, EP_EINVAL, NULL, "%s", jerr.text);
    else if (schema != SYNC_PROTOCOL)
        rc = ep_error_set(err, EP_ESCHEMA, "schema",
                          "protocol schema %lld is not supported; this server speaks %d",
                          (long long)schema, SYNC_PROTOCOL);
    else if (!ids_valid(device))
        rc = ep_error_set(err, EP_EINVAL, "device", "device: not a valid device id");
    else if (!json_is_array(ops))
        rc = ep_error_set(err, EP_EINVAL, "ops", "ops: must be an array");
    else if (json_array_size(ops) > SYNC_MAX_OPS)
        rc = ep_error_set(err, EP_ETOOBIG, "ops", "%zu ops in one push; the limit is %d",
                          json_array_size(ops), SYNC_MAX_OPS);
    else
        rc = EP_OK;
    if (rc == EP_OK) {
        *out = root;
        root = NULL;
    }
    json_decref(root);
    return rc;
}

/* Savepoint statements run once per op: through the statement cache. */
static int exec(struct db *db, const char *sql)
{
    return db_exec_cached(db, sql);
}

static const char *status_name(enum sync__status s)
{
    switch (s) {
    case SYNC__APPLIED:
        return "applied";
    case SYNC__DUPLICATE:
        return "duplicate";
    case SYNC__QUARANTINED:
        return "quarantined";
    default:
        return "rejected";
    }
}

/*
 * One op of a push. Everything that needs no write lock (decoding, the
 * collection's spec, domain validation, the canonical text and its size) is
 * done before the push joins the writers' queue: the write lock is the one
 * thing every phone waits for, so only SQL writes run under it.
 */
struct prepared {
    json_t *opj;       /* borrowed from the push */
    const char *op_id; /* borrowed, NULL if the op has none */
    struct sync_op op; /* borrows from opj */
    const struct sync__collection *coll;
    char *canon; /* owned: sync__canonical() */
    int ok;      /* passed every check that needs no write */
    enum sync__status status;
    int64_t seq;
    struct sync__verdict v;
};

/* A push waiting to be applied by whichever writer leads the next group. */
struct push_job {
    const struct sync_opts *opts;
    const struct sync_actor *actor;
    const struct sync__catalog *cat;
    struct prepared *ops; /* n, owned by sync_push's frame */
    size_t n;
    uint64_t clock; /* the server clock after this push */
    int rc;         /* EP_OK or the storage error that undid this push */
    int done;       /* set by the leader once committed (or failed) */
    struct push_job *next;
};

struct sync_group {
    pthread_mutex_t lock;
    pthread_cond_t done; /* broadcast when a group has committed */
    int leading;         /* a writer is applying a group now */
    struct push_job *head, **tail;
    struct db *writer; /* borrowed: the connection every group is written on, or NULL */
};

int sync_group_new(struct sync_group **out)
{
    struct sync_group *g = calloc(1, sizeof(*g));

    *out = NULL;
    if (g == NULL)
        return EP_ENOMEM;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->done, NULL);
    g->tail = &g->head;
    *out = g;
    return EP_OK;
}

void sync_group_set_writer(struct sync_group *g, struct db *writer)
{
    g->writer = writer;
}

void sync_group_free(struct sync_group *g)
{
    if (g == NULL)
        return;
    pthread_cond_destroy(&g->done);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

static void prepare_one(struct db *db, const struct sync_opts *opts,
                        const struct sync__catalog *cat, json_t *opj, struct prepared *p)
{
    size_t size;

    memset(p, 0, sizeof(*p));
    p->opj = opj;
    p->status = SYNC__REJECTED;
    p->op_id = json_string_value(json_object_get(opj, "op"));
    if (sync__op_decode(opj, &p->op, &p->v) != EP_OK)
        return;
    p->coll = sync__catalog_find(cat, p->op.col);
    if (p->coll == NULL) {
        sync__refuse(&p->v, "unknown_collection", "no collection named '%.40s'", p->op.col);
        return;
    }
    if (sync__spec_check(p->coll, &p->op, &p->v) != EP_OK)
        return;
    if (opts->validate != NULL &&
        opts->validate(opts->ctx, db, &p->op, p->v.code, sizeof(p->v.code), p->v.reason,
                       sizeof(p->v.reason)) != EP_OK)
        return;
    /* Sorted keys do not change the compact length: this is the op's size. */
    p->canon = sync__canonical(opj);
    size = p->canon != NULL ? strlen(p->canon) : 0;
    if (size == 0) {
        sync__refuse(&p->v, "internal", "out of memory while reading the op");
        return;
    }
    if (size > SYNC_MAX_OP_BYTES) {
        sync__refuse(&p->v, "op_too_large", "op is %zu bytes, the limit is %d", size,
                     SYNC_MAX_OP_BYTES);
        return;
    }
    p->ok = 1;
}

/*
 * Applies one prepared op inside the push's savepoint. No savepoint of its
 * own: merge.c decides every rejection before writing anything (see its
 * header), and a storage error undoes the whole push.
 */
static int apply_one(struct db *db, const struct push_job *job, struct prepared *p,
                     uint64_t *max_hlc)
{
    struct sync__apply_in in = {job->opts, job->actor, job->actor->production_id,
                                p->coll,   p->canon,   NULL};
    int rc;

    if (!p->ok)
        return EP_OK;
    /* Company records live in the company's space, whichever of its
     * productions pushed them (docs/sync-protocol.md, "Company scope"). */
    if (p->coll->is_company && job->actor->company_space != NULL)
        in.production_id = job->actor->company_space;
    rc = sync__apply(db, &in, &p->op, &p->status, &p->seq, &p->v);
    if (rc == EP_OK && p->status == SYNC__APPLIED && p->op.hlc > *max_hlc)
        *max_hlc = p->op.hlc;
    return rc;
}

/*
 * Applies job's ops in a savepoint of the caller's transaction: a storage
 * error undoes this push alone. *clock moves to the newest op applied.
 */
static void apply_job(struct db *db, struct push_job *job, uint64_t *clock)
{
    uint64_t max_hlc = 0;
    int rc = exec(db, "SAVEPOINT push");

    for (size_t i = 0; rc == EP_OK && i < job->n; i++)
        rc = apply_one(db, job, &job->ops[i], &max_hlc);
    if (rc != EP_OK) {
        (void)exec(db, "ROLLBACK TO push");
        (void)exec(db, "RELEASE push");
    } else {
        rc = exec(db, "RELEASE push");
    }
    if (rc == EP_OK && max_hlc > *clock)
        *clock = max_hlc;
    job->clock = *clock;
    job->rc = rc;
}

/*
 * Applies a list of jobs in one write transaction: one COMMIT, so one fsync,
 * acknowledges all of them. A job's rc is set; if the COMMIT itself fails,
 * every job in the list gets that error and nothing is acknowledged.
 */
static void apply_jobs(struct db *db, struct push_job *jobs, int nested)
{
    uint64_t clock = 0, start = 0;
    int rc = nested ? exec(db, "SAVEPOINT pushes") : db_begin_write(db);

    if (rc == EP_OK)
        rc = sync__clock_get(db, &clock);
    start = clock;
    for (struct push_job *j = jobs; rc == EP_OK && j != NULL; j = j->next)
        apply_job(db, j, &clock);
    /* The server clock only moves forward, to the newest op it accepted. */
    if (rc == EP_OK && clock > start)
        rc = sync__clock_set(db, clock);
    if (rc == EP_OK)
        rc = nested ? exec(db, "RELEASE pushes") : db_commit(db);
    if (rc != EP_OK) {
        if (nested) {
            (void)exec(db, "ROLLBACK TO pushes");
            (void)exec(db, "RELEASE pushes");
        } else {
            db_rollback(db);
        }
        for (struct push_job *j = jobs; j != NULL; j = j->next)
            j->rc = rc;
    }
}

/*
 * Group commit: the push joins the queue; if no writer is leading, this
 * thread leads, taking every push queued so far into one transaction. The
 * others wait and are woken when their group has committed. While one group
 * waits for its fsync, the next one gathers.
 */
static void run_grouped(struct sync_group *g, struct db *db, struct push_job *job)
{
    pthread_mutex_lock(&g->lock);
    *g->tail = job;
    g->tail = &job->next;
    while (!job->done) {
        struct push_job *group;
        if (g->leading) {
            pthread_cond_wait(&g->done, &g->lock);
            continue;
        }
        g->leading = 1;
        group = g->head;
        g->head = NULL;
        g->tail = &g->head;
        pthread_mutex_unlock(&g->lock);
        /* One connection for every group keeps its page cache: SQLite drops
         * a connection's cache whenever another one has written. */
        apply_jobs(g->writer != NULL ? g->writer : db, group, 0);
        pthread_mutex_lock(&g->lock);
        for (struct push_job *j = group; j != NULL; j = j->next)
            j->done = 1; /* after this, j may be gone: its thread may return */
        g->leading = 0;
        pthread_cond_broadcast(&g->done);
    }
    pthread_mutex_unlock(&g->lock);
}

static json_t *ack_for(const struct prepared *p)
{
    json_t *ack = json_pack("{s:s?, s:s}", "op", p->op_id, "status", status_name(p->status));

    if (ack == NULL)
        return NULL;
    if (p->status == SYNC__APPLIED || p->status == SYNC__DUPLICATE)
        json_object_set_new(ack, "seq", json_integer(p->seq));
    if (p->status == SYNC__REJECTED || p->status == SYNC__QUARANTINED) {
        json_object_set_new(ack, "code", json_string(p->v.code));
        json_object_set_new(ack, "reason", json_string(p->v.reason));
    }
    return ack;
}

int sync_push(struct db *db, const struct sync_opts *opts, const struct sync_actor *actor,
              json_t *push, json_t **results, char *server_hlc)
{
    struct sync__catalog cat;
    json_t *ops = json_object_get(push, "ops");
    const char *device = json_string_value(json_object_get(push, "device"));
    struct push_job job;
    json_t *acks = NULL;
    size_t i;
    json_t *opj;
    int rc;

    /* push is sync_decode_push's output: an object with an ops array. */
    assert(json_is_object(push) && json_is_array(ops) && results != NULL);
    *results = NULL;
    if (actor->device_id != NULL && (device == NULL || strcmp(device, actor->device_id) != 0))
        return EP_EFORBIDDEN;
    rc = sync__catalog_load(db, &cat);
    if (rc != EP_OK)
        return rc;
    memset(&job, 0, sizeof(job));
    job.opts = opts;
    job.actor = actor;
    job.cat = &cat;
    job.n = json_array_size(ops);
    job.ops = calloc(job.n > 0 ? job.n : 1, sizeof(*job.ops));
    if (job.ops == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    json_array_foreach(ops, i, opj) prepare_one(db, opts, &cat, opj, &job.ops[i]);
    /* Inside a caller's transaction (the demo seed), nest as a savepoint;
     * without a group (tools, tests), commit alone. */
    if (!sqlite3_get_autocommit(db_handle(db)))
        apply_jobs(db, &job, 1);
    else if (opts->group != NULL)
        run_grouped(opts->group, db, &job);
    else
        apply_jobs(db, &job, 0);
    rc = job.rc;
    if (rc != EP_OK)
        goto out;
    acks = json_array();
    if (acks == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    for (i = 0; i < job.n; i++) {
        json_t *ack = ack_for(&job.ops[i]);
        if (ack == NULL || json_array_append_new(acks, ack) != 0) {
            rc = EP_ENOMEM;
            goto out;
        }
    }
    if (server_hlc != NULL)
        sync_hlc_format(job.clock, server_hlc);
    *results = acks;
    acks = NULL;
out:
    for (i = 0; job.ops != NULL && i < job.n; i++)
        free(job.ops[i].canon);
    free(job.ops);
    json_decref(acks);
    sync__catalog_release(&cat);
    return rc;
}

int sync_field_leaves(struct db *db, const char *col, const char *rid, const char *field,
                      json_t **out)
{
    static const char sql[] = "SELECT op_id FROM sync_version WHERE col = ?1 AND rid = ?2 "
                              "AND field = ?3 AND leaf = 1 ORDER BY op_id";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *arr = json_array();
    int rc;

    *out = NULL;
    if (st == NULL || arr == NULL) {
        json_decref(arr);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, col, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, field, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_string((const char *)sqlite3_column_text(st, 0)));
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return db_map_rc(rc);
    }
    *out = arr;
    return EP_OK;
}

int sync_server_put(struct db *db, const struct sync_opts *opts, const struct sync_actor *actor,
                    const char *col, const char *rid, json_t *fields, json_t **result)
{
    unsigned char rnd[12];
    char op_id[40], hlc_text[SYNC_HLC_LEN + 1];
    json_t *base = json_object();
    json_t *push = NULL, *acks = NULL;
    uint64_t clock = 0;
    const char *field;
    json_t *val;
    int rc = EP_OK;

    *result = NULL;
    if (base == NULL)
        return EP_ENOMEM;
    /* Supersede every version the office can see now: that is what it saw. */
    json_object_foreach(fields, field, val)
    {
        json_t *leaves = NULL;
        rc = sync_field_leaves(db, col, rid, field, &leaves);
        if (rc != EP_OK)
            goto out;
        if (json_array_size(leaves) > 0)
            json_object_set_new(base, field, leaves);
        else
            json_decref(leaves);
    }
    rc = sync__clock_get(db, &clock);
    if (rc != EP_OK)
        goto out;
    sync_hlc_format(sync_hlc_tick(clock, opts->now_ms), hlc_text);
    randombytes_buf(rnd, sizeof(rnd));
    snprintf(op_id, sizeof(op_id), "srv-");
    sodium_bin2hex(op_id + 4, sizeof(op_id) - 4, rnd, sizeof(rnd));
    push = json_pack("{s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:O, s:O}]}", "schema",
                     SYNC_PROTOCOL, "device", actor->device_id, "ops", "op", op_id, "col", col,
                     "id", rid, "kind", "put", "hlc", hlc_text, "dev", actor->device_id, "fields",
                     fields, "base", base);
    if (push == NULL) {
        rc = EP_EINVAL;
        goto out;
    }
    {
        /* The server makes this op: no replica holds it yet, not even the
         * office browser that asked for it, so every pull sends it
         * (docs/sync-protocol.md §5, "own"). */
        struct sync_opts made = *opts;
        made.origin = NULL;
        rc = sync_push(db, &made, actor, push, &acks, NULL);
    }
    if (rc == EP_OK) {
        *result = json_array_get(acks, 0);
        json_incref(*result);
    }
out:
    json_decref(base);
    json_decref(push);
    json_decref(acks);
    return rc;
}
