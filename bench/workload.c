/* workload.c - the sync benchmark's deterministic workload (see workload.h). */
#include "workload.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const depts[] = {"regie", "deco", "costumes", "cantine", "camera"};
#define N_DEPTS (sizeof(depts) / sizeof(depts[0]))

/* Indicators of the catalogue (schema/0004_carbon.sql) with their units:
 * the server refuses a reading whose indicator or unit is not there. */
static const char *const indicators[][2] = {
    {"van_diesel_l", "L"},        {"van_km", "km"},    {"waste_mixed_kg", "kg"},
    {"meals_vegetarian", "meal"}, {"grid_kwh", "kWh"}, {"generator_l", "L"},
    {"paper_kg", "kg"},
};
#define N_INDICATORS (sizeof(indicators) / sizeof(indicators[0]))

static const char *const statuses[] = {"planned", "in_progress", "done", "draft"};

const char wl_usage[] =
    "  --crew N          crew phones (50)\n"
    "  --readings N      readings per crew phone (2000)\n"
    "  --edit-every N    a task edit after every N readings, 0 for none (20)\n"
    "  --referents N     eco-referent phones editing the shared action plans (2)\n"
    "  --ref-edits N     action plan edits per referent phone (1000)\n"
    "  --actions N       shared action plans (20)\n"
    "  --batch N         ops per push (100)\n"
    "  --pull-limit N    ops per pull page (500)\n"
    "  --interval-ms N   pause between a phone's syncs, +-50 %, 0 for flat out (0)\n";

void wl_config_defaults(struct wl_config *c)
{
    c->crew = 50;
    c->readings = 2000;
    c->edit_every = 20;
    c->referents = 2;
    c->ref_edits = 1000;
    c->actions = 20;
    c->batch = 100;
    c->pull_limit = 500;
    c->interval_ms = 0;
}

int wl_config_arg(struct wl_config *c, int argc, char **argv, int *i)
{
    static const struct {
        const char *name;
        size_t off;
        long lo, hi;
    } opts[] = {
        {"--crew", offsetof(struct wl_config, crew), 1, 1000},
        {"--readings", offsetof(struct wl_config, readings), 0, 1000000},
        {"--edit-every", offsetof(struct wl_config, edit_every), 0, 1000000},
        {"--referents", offsetof(struct wl_config, referents), 0, 100},
        {"--ref-edits", offsetof(struct wl_config, ref_edits), 0, 1000000},
        {"--actions", offsetof(struct wl_config, actions), 1, WL_MAX_ACTIONS},
        {"--batch", offsetof(struct wl_config, batch), 1, 500},
        {"--pull-limit", offsetof(struct wl_config, pull_limit), 1, 2000},
        {"--interval-ms", offsetof(struct wl_config, interval_ms), 0, 600000},
    };
    for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
        char *end = NULL;
        long v;
        if (strcmp(argv[*i], opts[k].name) != 0)
            continue;
        if (*i + 1 >= argc)
            return -1;
        errno = 0;
        v = strtol(argv[*i + 1], &end, 10);
        if (errno != 0 || end == argv[*i + 1] || *end != '\0' || v < opts[k].lo || v > opts[k].hi)
            return -1;
        *(int *)(void *)((char *)c + opts[k].off) = (int)v;
        *i += 1;
        return 1;
    }
    return 0;
}

int wl_phones(const struct wl_config *c)
{
    return c->crew + c->referents;
}

long wl_phone_ops(const struct wl_config *c, int phone)
{
    if (phone >= c->crew)
        return c->ref_edits;
    return (long)c->readings + (c->edit_every > 0 ? c->readings / c->edit_every : 0);
}

long wl_total_ops(const struct wl_config *c)
{
    long n = 0;
    for (int i = 0; i < wl_phones(c); i++)
        n += wl_phone_ops(c, i);
    return n;
}

int wl_setup_records(const struct wl_config *c)
{
    return c->crew + c->actions;
}

/* splitmix64: a fast, well-mixed 64-bit hash of a counter. */
static uint64_t mix(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/*
 * A version-7 UUID (RFC 9562) determined by (phone, n, salt), as the PWA makes
 * them (pwa/js/sync/engine.js): 48 bits of creation time, then random bits. The
 * phones' n-th ops are made at about the same time (one op a minute from a
 * common start), so ids interleave across phones as they would on a shoot.
 */
static void uuid(int phone, long n, unsigned salt, char *buf, size_t len)
{
    uint64_t ms = UINT64_C(1795000000000) + (uint64_t)n * 60000u + (uint64_t)(unsigned)phone;
    uint64_t a = mix(((uint64_t)(unsigned)phone << 40) ^ ((uint64_t)n << 4) ^ salt);
    uint64_t b = mix(a ^ UINT64_C(0x5bd1e9955bd1e995));
    snprintf(buf, len, "%08x-%04x-7%03x-%04x-%012llx", (unsigned)(ms >> 16), (unsigned)ms & 0xffffu,
             (unsigned)a & 0xfffu, 0x8000u | ((unsigned)(b >> 48) & 0x3fffu),
             (unsigned long long)(b & UINT64_C(0xffffffffffff)));
}

void wl_task_id(int crew, char *buf, size_t len)
{
    snprintf(buf, len, "task-%03d", crew);
}

void wl_action_id(int action, char *buf, size_t len)
{
    snprintf(buf, len, "act-%02d", action);
}

void wl_setup_op_id(const char *rid, char *buf, size_t len)
{
    snprintf(buf, len, "setup-%.32s", rid);
}

void wl_rev_hash(const char *op_id, char out[33])
{
    uint64_t h = UINT64_C(0xcbf29ce484222325); /* FNV-1a, then mixed twice */
    for (const char *s = op_id; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)mix(h),
             (unsigned long long)mix(h ^ UINT64_C(0xa5a5a5a5a5a5a5a5)));
}

int wl_phone_init(struct wl_phone *p, const struct wl_config *c, int index)
{
    memset(p, 0, sizeof(*p));
    p->cfg = c;
    p->index = index;
    p->referent = index >= c->crew;
    if (p->referent) {
        int r = index - c->crew;
        snprintf(p->member, sizeof(p->member), "m-ref-%d", r);
        snprintf(p->device, sizeof(p->device), "dev-ref-%d", r);
        snprintf(p->dept, sizeof(p->dept), "%s", "production");
        p->act_prev = calloc((size_t)c->actions, sizeof(*p->act_prev));
        p->act_rev = calloc((size_t)c->actions, sizeof(*p->act_rev));
        if (p->act_prev == NULL || p->act_rev == NULL) {
            wl_phone_release(p);
            return -1;
        }
        for (int j = 0; j < c->actions; j++) {
            char rid[WL_ID_LEN];
            wl_action_id(j, rid, sizeof(rid));
            wl_setup_op_id(rid, p->act_prev[j], sizeof(p->act_prev[j]));
            p->act_rev[j] = 1;
        }
    } else {
        snprintf(p->member, sizeof(p->member), "m-%03d", index);
        snprintf(p->device, sizeof(p->device), "dev-%03d", index);
        snprintf(p->dept, sizeof(p->dept), "%s", depts[(size_t)index % N_DEPTS]);
        wl_task_id(index, p->task, sizeof(p->task));
        wl_setup_op_id(p->task, p->task_prev, sizeof(p->task_prev));
        p->task_rev = 1;
    }
    return 0;
}

void wl_phone_release(struct wl_phone *p)
{
    free(p->act_prev);
    free(p->act_rev);
    p->act_prev = NULL;
    p->act_rev = NULL;
}

int wl_phone_next(struct wl_phone *p, int64_t now_ms, struct wl_op *op)
{
    const struct wl_config *c = p->cfg;
    long n = p->next;
    uint64_t wall = (uint64_t)now_ms << 16;

    if (n >= wl_phone_ops(c, p->index))
        return 1;
    memset(op, 0, sizeof(*op));
    p->next++;
    p->hlc = wall > p->hlc ? wall : p->hlc + 1;
    op->hlc = p->hlc;
    op->n = n;
    uuid(p->index, n, 1, op->op_id, sizeof(op->op_id));
    if (p->referent) {
        int j = (int)(n % c->actions);
        op->kind = WL_ACTION_EDIT;
        wl_action_id(j, op->rid, sizeof(op->rid));
        snprintf(op->prev, sizeof(op->prev), "%s", p->act_prev[j]);
        op->rev = ++p->act_rev[j];
        snprintf(p->act_prev[j], sizeof(p->act_prev[j]), "%s", op->op_id);
    } else if (c->edit_every > 0 && (n + 1) % (c->edit_every + 1) == 0) {
        op->kind = WL_TASK_EDIT;
        snprintf(op->rid, sizeof(op->rid), "%s", p->task);
        snprintf(op->prev, sizeof(op->prev), "%s", p->task_prev);
        op->rev = ++p->task_rev;
        snprintf(p->task_prev, sizeof(p->task_prev), "%s", op->op_id);
    } else {
        op->kind = WL_READING;
        uuid(p->index, n, 2, op->rid, sizeof(op->rid));
    }
    return 0;
}

void wl_buf_reset(struct wl_buf *b)
{
    b->len = 0;
    if (b->p != NULL)
        b->p[0] = '\0';
}

void wl_buf_release(struct wl_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
}

int wl_buf_printf(struct wl_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        n = vsnprintf(b->p != NULL ? b->p + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0)
            return -1;
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return 0;
        }
        {
            size_t ncap = b->cap == 0 ? 4096 : b->cap;
            char *np;
            while (ncap < b->len + (size_t)n + 1)
                ncap *= 2;
            np = realloc(b->p, ncap);
            if (np == NULL)
                return -1;
            b->p = np;
            b->cap = ncap;
        }
    }
}

static void hlc_text(uint64_t hlc, char out[18])
{
    snprintf(out, 18, "%012llx-%04x", (unsigned long long)(hlc >> 16), (unsigned)(hlc & 0xffffu));
}

/* The fields of a reading, shared by both wire forms (without braces). */
static int reading_fields(struct wl_buf *b, const struct wl_phone *p, const struct wl_op *op)
{
    size_t k = (size_t)(op->n + p->index) % N_INDICATORS;
    long v = (op->n * 37 + p->index * 11) % 5000;
    return wl_buf_printf(b,
                         "\"indicator\":\"%s\",\"value\":%ld.%ld,\"unit\":\"%s\",\"dept\":\"%s\","
                         "\"at\":\"2026-09-%02ldT%02ld:%02ld:00Z\"",
                         indicators[k][0], v / 10, v % 10, indicators[k][1], p->dept,
                         1 + op->n % 28, 6 + op->n % 14, op->n % 60);
}

static const char *done_value(const struct wl_op *op)
{
    return op->rev % 3 == 0 ? "true" : "false";
}

int wl_ep_op(struct wl_buf *b, const struct wl_phone *p, const struct wl_op *op)
{
    char hlc[18];
    int rc;

    hlc_text(op->hlc, hlc);
    switch (op->kind) {
    case WL_READING:
        rc = wl_buf_printf(b,
                           "{\"op\":\"%s\",\"col\":\"readings\",\"id\":\"%s\",\"kind\":\"add\","
                           "\"hlc\":\"%s\",\"dev\":\"%s\",\"fields\":{",
                           op->op_id, op->rid, hlc, p->device);
        if (rc == 0)
            rc = reading_fields(b, p, op);
        return rc == 0 ? wl_buf_printf(b, "}}") : rc;
    case WL_TASK_EDIT:
        return wl_buf_printf(
            b,
            "{\"op\":\"%s\",\"col\":\"tasks\",\"id\":\"%s\",\"kind\":\"put\",\"hlc\":\"%s\","
            "\"dev\":\"%s\",\"fields\":{\"note\":\"bacs tries, passage %d\",\"done\":%s},"
            "\"base\":{\"note\":[\"%s\"],\"done\":[\"%s\"]}}",
            op->op_id, op->rid, hlc, p->device, op->rev, done_value(op), op->prev, op->prev);
    case WL_ACTION_EDIT:
        return wl_buf_printf(
            b,
            "{\"op\":\"%s\",\"col\":\"actions\",\"id\":\"%s\",\"kind\":\"put\",\"hlc\":\"%s\","
            "\"dev\":\"%s\",\"fields\":{\"status\":\"%s\",\"objective\":\"objectif revu par %s, "
            "version %d\"},\"base\":{\"status\":[\"%s\"],\"objective\":[\"%s\"]}}",
            op->op_id, op->rid, hlc, p->device, statuses[op->rev % 4], p->device, op->rev, op->prev,
            op->prev);
    }
    return -1;
}

/* "_revisions" naming this edit and its parent. */
static int couch_revs(struct wl_buf *b, const struct wl_op *op)
{
    char h[33], hp[33];
    wl_rev_hash(op->op_id, h);
    wl_rev_hash(op->prev, hp);
    return wl_buf_printf(b,
                         "\"_rev\":\"%d-%s\",\"_revisions\":{\"start\":%d,\"ids\":[\"%s\",\"%s\"]}",
                         op->rev, h, op->rev, h, hp);
}

int wl_couch_doc(struct wl_buf *b, const struct wl_phone *p, const struct wl_op *op)
{
    char h[33];
    int rc;

    switch (op->kind) {
    case WL_READING:
        wl_rev_hash(op->op_id, h);
        rc = wl_buf_printf(b,
                           "{\"_id\":\"%s\",\"_rev\":\"1-%s\",\"col\":\"readings\",\"dev\":\"%s\",",
                           op->rid, h, p->device);
        if (rc == 0)
            rc = reading_fields(b, p, op);
        return rc == 0 ? wl_buf_printf(b, "}") : rc;
    case WL_TASK_EDIT:
        rc = wl_buf_printf(b, "{\"_id\":\"%s\",", op->rid);
        if (rc == 0)
            rc = couch_revs(b, op);
        return rc == 0
                   ? wl_buf_printf(b,
                                   ",\"col\":\"tasks\",\"dev\":\"%s\",\"title\":\"Tri des "
                                   "dechets %s\",\"assignee\":\"%s\",\"dept\":\"%s\","
                                   "\"note\":\"bacs tries, passage %d\",\"done\":%s}",
                                   p->device, p->dept, p->member, p->dept, op->rev, done_value(op))
                   : rc;
    case WL_ACTION_EDIT:
        rc = wl_buf_printf(b, "{\"_id\":\"%s\",", op->rid);
        if (rc == 0)
            rc = couch_revs(b, op);
        return rc == 0
                   ? wl_buf_printf(b,
                                   ",\"col\":\"actions\",\"dev\":\"%s\",\"title\":\"Plan "
                                   "%s\",\"theme\":\"energy\",\"dept\":\"production\","
                                   "\"status\":\"%s\",\"objective\":\"objectif revu par "
                                   "%s, version %d\"}",
                                   p->device, op->rid, statuses[op->rev % 4], p->device, op->rev)
                   : rc;
    }
    return -1;
}

int wl_setup_ep_ops(struct wl_buf *b, const struct wl_config *c, const char *dev, uint64_t hlc)
{
    char rid[WL_ID_LEN], op_id[WL_ID_LEN], h[18];
    int rc = 0;

    for (int i = 0; i < c->crew && rc == 0; i++) {
        wl_task_id(i, rid, sizeof(rid));
        wl_setup_op_id(rid, op_id, sizeof(op_id));
        hlc_text(hlc++, h);
        rc = wl_buf_printf(b,
                           "%s{\"op\":\"%s\",\"col\":\"tasks\",\"id\":\"%s\",\"kind\":\"put\","
                           "\"hlc\":\"%s\",\"dev\":\"%s\",\"fields\":{\"title\":\"Tri des "
                           "dechets %s\",\"assignee\":\"m-%03d\",\"dept\":\"%s\",\"note\":\"\","
                           "\"done\":false}}",
                           i > 0 ? "," : "", op_id, rid, h, dev, depts[(size_t)i % N_DEPTS], i,
                           depts[(size_t)i % N_DEPTS]);
    }
    for (int j = 0; j < c->actions && rc == 0; j++) {
        wl_action_id(j, rid, sizeof(rid));
        wl_setup_op_id(rid, op_id, sizeof(op_id));
        hlc_text(hlc++, h);
        rc = wl_buf_printf(b,
                           ",{\"op\":\"%s\",\"col\":\"actions\",\"id\":\"%s\",\"kind\":\"put\","
                           "\"hlc\":\"%s\",\"dev\":\"%s\",\"fields\":{\"title\":\"Plan %s\","
                           "\"theme\":\"energy\",\"dept\":\"production\",\"status\":\"planned\","
                           "\"objective\":\"\"}}",
                           op_id, rid, h, dev, rid);
    }
    return rc;
}

int wl_setup_couch_docs(struct wl_buf *b, const struct wl_config *c)
{
    char rid[WL_ID_LEN], op_id[WL_ID_LEN], h[33];
    int rc = 0;

    for (int i = 0; i < c->crew && rc == 0; i++) {
        wl_task_id(i, rid, sizeof(rid));
        wl_setup_op_id(rid, op_id, sizeof(op_id));
        wl_rev_hash(op_id, h);
        rc = wl_buf_printf(b,
                           "%s{\"_id\":\"%s\",\"_rev\":\"1-%s\",\"col\":\"tasks\",\"title\":"
                           "\"Tri des dechets %s\",\"assignee\":\"m-%03d\",\"dept\":\"%s\","
                           "\"note\":\"\",\"done\":false}",
                           i > 0 ? "," : "", rid, h, depts[(size_t)i % N_DEPTS], i,
                           depts[(size_t)i % N_DEPTS]);
    }
    for (int j = 0; j < c->actions && rc == 0; j++) {
        wl_action_id(j, rid, sizeof(rid));
        wl_setup_op_id(rid, op_id, sizeof(op_id));
        wl_rev_hash(op_id, h);
        rc = wl_buf_printf(b,
                           ",{\"_id\":\"%s\",\"_rev\":\"1-%s\",\"col\":\"actions\",\"title\":"
                           "\"Plan %s\",\"theme\":\"energy\",\"dept\":\"production\","
                           "\"status\":\"planned\",\"objective\":\"\"}",
                           rid, h, rid);
    }
    return rc;
}

double wl_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t wl_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double wl_quantile(double *v, size_t n, double q)
{
    size_t k;
    if (n == 0)
        return 0;
    qsort(v, n, sizeof(*v), cmp_double);
    k = (size_t)(q * (double)(n - 1) + 0.5);
    return v[k < n ? k : n - 1];
}
