/*
 * workload.h - the sync benchmark's workload, generated deterministically so
 * that the setup tool, the load driver (ecoplateau and CouchDB modes) and the
 * SQLite ceiling all handle exactly the same records.
 *
 * A production with `crew` phones (crew members, departments taken in turn
 * from a fixed list) and `referents` phones (eco-referents, department
 * "production"). Each crew phone holds an outbox of `readings` indicator
 * readings (facts, its own department) and, after every `edit_every`
 * readings, one edit of its own task (fields note and done). Each referent
 * phone holds `ref_edits` edits of the production's `actions` shared action
 * plans (fields status and objective), the same plans for every referent, so
 * their edits are concurrent and keep conflicts. Every outbox goes out in
 * pushes of `batch` ops.
 *
 * Ids look like the phones' (UUIDs); every id and value is plain ASCII that
 * needs no JSON escaping. Nothing here allocates except wl_buf_*; the state
 * of a phone lives in struct wl_phone. Not thread-safe per phone: each phone
 * belongs to one thread.
 */
#ifndef EP_BENCH_WORKLOAD_H
#define EP_BENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#define WL_PRODUCTION "bench"
#define WL_ID_LEN 40       /* a UUID (36) or a short name, NUL included */
#define WL_MAX_ACTIONS 256 /* shared action plans at most */

struct wl_config {
    int crew;        /* crew phones */
    int readings;    /* readings per crew phone */
    int edit_every;  /* a task edit after every this many readings (0: none) */
    int referents;   /* eco-referent phones */
    int ref_edits;   /* action plan edits per referent phone */
    int actions;     /* shared action plans */
    int batch;       /* ops per push */
    int pull_limit;  /* ops per pull page */
    int interval_ms; /* pause between a phone's syncs, ±50 % (0: flat out) */
};

/* The defaults: 50 phones x 2,000 readings, batches of 100 (issue 3). */
void wl_config_defaults(struct wl_config *c);

/*
 * Parses one "--name value" pair of argv[*i] into c, advancing *i. Returns 1
 * if it was a workload option, 0 if not, -1 if its value is invalid.
 */
int wl_config_arg(struct wl_config *c, int argc, char **argv, int *i);

/* The usage lines of the workload options. */
extern const char wl_usage[];

/* Phones in all: crew first, then referents. */
int wl_phones(const struct wl_config *c);

/* Ops in one phone's outbox, and in all outboxes. */
long wl_phone_ops(const struct wl_config *c, int phone);
long wl_total_ops(const struct wl_config *c);

enum wl_kind { WL_READING, WL_TASK_EDIT, WL_ACTION_EDIT };

/* One op of an outbox, as plain values. */
struct wl_op {
    enum wl_kind kind;
    char op_id[WL_ID_LEN];
    char rid[WL_ID_LEN];
    char prev[WL_ID_LEN]; /* edits: the op the phone last saw on this record */
    int rev;              /* edits: CouchDB revision number of this edit */
    uint64_t hlc;
    long n; /* index in the outbox */
};

/* A phone: identity, its clock and what it last wrote on each record. */
struct wl_phone {
    const struct wl_config *cfg;
    int index;
    int referent;
    char member[WL_ID_LEN];
    char device[WL_ID_LEN];
    char dept[16];
    char task[WL_ID_LEN];
    long next; /* next op of the outbox */
    uint64_t hlc;
    char task_prev[WL_ID_LEN];
    int task_rev;
    char (*act_prev)[WL_ID_LEN]; /* per action, referents only */
    int *act_rev;
};

/* Initializes phone index of c (crew 0..crew-1, then referents). Returns 0
 * or -1 on OOM; release with wl_phone_release(). */
int wl_phone_init(struct wl_phone *p, const struct wl_config *c, int index);
void wl_phone_release(struct wl_phone *p);

/* Next op of p's outbox into *op, stamped with now_ms. Returns 0, or 1 when
 * the outbox is empty. */
int wl_phone_next(struct wl_phone *p, int64_t now_ms, struct wl_op *op);

/* The record names of setup: task of crew phone i, action plan j, and the op
 * ids that created them. */
void wl_task_id(int crew, char *buf, size_t len);
void wl_action_id(int action, char *buf, size_t len);
void wl_setup_op_id(const char *rid, char *buf, size_t len);

/* A CouchDB revision hash (32 hex) for op id. */
void wl_rev_hash(const char *op_id, char out[33]);

/* A growable text buffer. */
struct wl_buf {
    char *p;
    size_t len, cap;
};

void wl_buf_reset(struct wl_buf *b);
void wl_buf_release(struct wl_buf *b);
/* Appends printf-formatted text; returns 0 or -1 on OOM. */
int wl_buf_printf(struct wl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Appends op as ecoplateau's wire op (docs/sync-protocol.md 2.1) for phone p.
 * Returns 0 or -1 on OOM.
 */
int wl_ep_op(struct wl_buf *b, const struct wl_phone *p, const struct wl_op *op);

/*
 * Appends op as the CouchDB document a replicating phone sends to
 * _bulk_docs?new_edits=false: the whole document, its _rev and, for edits,
 * _revisions naming the parent. Returns 0 or -1 on OOM.
 */
int wl_couch_doc(struct wl_buf *b, const struct wl_phone *p, const struct wl_op *op);

/* The setup records (tasks and action plans, revision 1) as ecoplateau ops
 * of device dev (array items, comma-separated) and as CouchDB documents. */
int wl_setup_ep_ops(struct wl_buf *b, const struct wl_config *c, const char *dev, uint64_t hlc);
int wl_setup_couch_docs(struct wl_buf *b, const struct wl_config *c);
/* Records written by setup. */
int wl_setup_records(const struct wl_config *c);

/* Monotonic and wall clocks. */
double wl_now_s(void);
int64_t wl_wall_ms(void);

/* Sorts v (n doubles) and returns the q quantile (0..1), 0 when n is 0. */
double wl_quantile(double *v, size_t n, double q);

#endif
