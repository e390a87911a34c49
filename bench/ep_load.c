/*
 * ep_load.c - the sync benchmark's load driver: one thread per simulated
 * phone, each with its own libcurl handle (HTTP keep-alive), pushing its
 * outbox (bench/workload.h) in batches and pulling one page after each push,
 * as a phone coming back online does (with own=0 once it has caught up, as
 * the PWA does). Two targets, the same workload:
 *
 *   --target ep     ecoplateau: signed POST /api/v1/sync/push and GET
 *                   /api/v1/sync/pull (docs/sync-protocol.md, backend/auth/auth.h)
 *   --target couch  a CouchDB-protocol server (pouchdb-server): POST
 *                   /DB/_bulk_docs with new_edits=false (what replication
 *                   sends: whole documents with their revisions, so
 *                   concurrent edits become kept conflicts) and GET
 *                   /DB/_changes?since=S&limit=N&include_docs=true
 *
 * After the timed phase, it checks that nothing was lost (a fresh pull of
 * everything from the start, plus the server's own counts for CouchDB),
 * reads the server's peak RSS (VmHWM) and CPU time from /proc/PID, and prints
 * one line "RESULT key=value ..." for bench/run.sh. Progress goes to stderr.
 *
 * Threads share nothing but the read-only config and the start barrier; each
 * owns its phone, handle, buffers and counters, summed after join.
 */
#include "auth.h"
#include "seed.h"
#include "workload.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum target { TARGET_EP, TARGET_COUCH };

struct run {
    struct wl_config cfg;
    enum target target;
    const char *base; /* "http://127.0.0.1:PORT" */
    const char *dbname;
    int pid;
    pthread_barrier_t start;
};

struct phone_ctx {
    const struct run *run;
    struct wl_phone phone;
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    long counter; /* X-EP-Counter of the last signed request */
    CURL *curl;
    struct wl_buf req, resp;
    char cursor[160]; /* ep cursor or CouchDB since */
    int holds_own;    /* ep: a pull has ended here since the cursor was reset */
    double *push_ms, *pull_ms;
    size_t n_push, n_pull, cap;
    long acked, pulled, errors;
    long busy; /* 503 answers, each retried as the protocol says */
    unsigned long long up, down;
    char error[256]; /* the first error */
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    struct wl_buf *b = arg;
    size_t len = size * n;

    if (b->len + len + 1 > b->cap) {
        size_t ncap = b->cap == 0 ? 65536 : b->cap;
        char *np;
        while (ncap < b->len + len + 1)
            ncap *= 2;
        np = realloc(b->p, ncap);
        if (np == NULL)
            return 0;
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = '\0';
    return len;
}

static void fail(struct phone_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *str_or(const json_t *j, const char *dflt)
{
    const char *s = json_string_value(j);
    return s != NULL ? s : dflt;
}

static void fail(struct phone_ctx *c, const char *fmt, ...)
{
    va_list ap;

    c->errors++;
    if (c->error[0] != '\0')
        return;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof(c->error), fmt, ap);
    va_end(ap);
}

/* Adds the ep signature headers for (method, path, query, body) to *h. */
static int sign(struct phone_ctx *c, const char *method, const char *path, const char *query,
                const char *body, size_t len, struct curl_slist **h)
{
    char cnt[32], hdr[256];
    char sig64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    unsigned char sig[64];
    size_t mlen = 0;
    char *msg;

    snprintf(cnt, sizeof(cnt), "%ld", ++c->counter);
    msg = auth_signing_string(method, path, query, c->phone.device, cnt, body, len, &mlen);
    if (msg == NULL)
        return -1;
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg, mlen, c->sk);
    free(msg);
    sodium_bin2base64(sig64, sizeof(sig64), sig, sizeof(sig),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(hdr, sizeof(hdr), "X-EP-Device: %s", c->phone.device);
    *h = curl_slist_append(*h, hdr);
    snprintf(hdr, sizeof(hdr), "X-EP-Counter: %s", cnt);
    *h = curl_slist_append(*h, hdr);
    snprintf(hdr, sizeof(hdr), "X-EP-Signature: %s", sig64);
    *h = curl_slist_append(*h, hdr);
    return *h != NULL ? 0 : -1;
}

/*
 * One request; body NULL means GET. Signs it for ep. Fills c->resp, adds
 * the body bytes both ways, and returns the HTTP status (0 on transport
 * failure) and the elapsed milliseconds in *ms.
 */
static long request(struct phone_ctx *c, const char *path, const char *query, const char *body,
                    size_t len, double *ms)
{
    char url[1024];
    struct curl_slist *h = NULL;
    long status = 0;
    CURLcode cc;
    double t0;

    snprintf(url, sizeof(url), "%s%s%s%s", c->run->base, path, query != NULL ? "?" : "",
             query != NULL ? query : "");
    h = curl_slist_append(h, "Expect:");
    if (body != NULL)
        h = curl_slist_append(h, "Content-Type: application/json");
    if (c->run->target == TARGET_EP &&
        sign(c, body != NULL ? "POST" : "GET", path, query, body, len, &h) != 0) {
        curl_slist_free_all(h);
        fail(c, "cannot sign a request");
        return 0;
    }
    wl_buf_reset(&c->resp);
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
    if (body != NULL) {
        curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    } else {
        curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
    }
    t0 = wl_now_s();
    cc = curl_easy_perform(c->curl);
    *ms = (wl_now_s() - t0) * 1000.0;
    curl_slist_free_all(h);
    if (cc != CURLE_OK) {
        fail(c, "%s%s: %s", path, query != NULL ? "?..." : "", curl_easy_strerror(cc));
        return 0;
    }
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
    c->up += len;
    c->down += c->resp.len;
    return status;
}

/*
 * request() as a phone does it: a 503 (busy, storage full: "nothing applied,
 * retry later") is counted and retried after 20, 40, ... 1000 ms, at most 10
 * times, signed anew each time. *ms covers every attempt and wait: what the
 * phone waited for its answer.
 */
static long request_retry(struct phone_ctx *c, const char *path, const char *query,
                          const char *body, size_t len, double *ms)
{
    double t0 = wl_now_s(), one = 0;
    long delay_ms = 20, status = 0;

    for (int attempt = 0; attempt < 10; attempt++) {
        struct timespec ts;
        status = request(c, path, query, body, len, &one);
        if (status != 503)
            break;
        c->busy++;
        ts.tv_sec = delay_ms / 1000;
        ts.tv_nsec = (delay_ms % 1000) * 1000000L;
        nanosleep(&ts, NULL);
        delay_ms = delay_ms * 2 > 1000 ? 1000 : delay_ms * 2;
    }
    *ms = (wl_now_s() - t0) * 1000.0;
    return status;
}

static json_t *resp_json(struct phone_ctx *c)
{
    json_error_t jerr;
    json_t *j = json_loadb(c->resp.p != NULL ? c->resp.p : "", c->resp.len, 0, &jerr);
    if (j == NULL)
        fail(c, "unparsable answer: %s", jerr.text);
    return j;
}

/* Builds the next batch of the outbox into c->req; returns its op count. */
static int build_batch(struct phone_ctx *c)
{
    int n = 0, rc;
    struct wl_op op;

    wl_buf_reset(&c->req);
    if (c->run->target == TARGET_EP)
        rc = wl_buf_printf(&c->req, "{\"schema\":1,\"device\":\"%s\",\"ops\":[", c->phone.device);
    else
        rc = wl_buf_printf(&c->req, "{\"new_edits\":false,\"docs\":[");
    while (rc == 0 && n < c->run->cfg.batch && wl_phone_next(&c->phone, wl_wall_ms(), &op) == 0) {
        if (n > 0)
            rc = wl_buf_printf(&c->req, ",");
        if (rc == 0)
            rc = c->run->target == TARGET_EP ? wl_ep_op(&c->req, &c->phone, &op)
                                             : wl_couch_doc(&c->req, &c->phone, &op);
        n++;
    }
    if (rc == 0)
        rc = wl_buf_printf(&c->req, "]}");
    return rc == 0 ? n : -1;
}

static void push(struct phone_ctx *c, int n)
{
    char path[256];
    double ms = 0;
    long status;
    json_t *j, *res, *ack;
    size_t i;

    if (c->run->target == TARGET_EP)
        snprintf(path, sizeof(path), "/api/v1/sync/push");
    else
        snprintf(path, sizeof(path), "/%s/_bulk_docs", c->run->dbname);
    status = request_retry(c, path, NULL, c->req.p, c->req.len, &ms);
    c->push_ms[c->n_push++] = ms;
    if (status == 0)
        return;
    if (status != (c->run->target == TARGET_EP ? 200 : 201)) {
        fail(c, "push: HTTP %ld %.200s", status, c->resp.p != NULL ? c->resp.p : "");
        return;
    }
    j = resp_json(c);
    if (j == NULL)
        return;
    /* ep acks every op; CouchDB with new_edits=false lists only failures. */
    res = c->run->target == TARGET_EP ? json_object_get(j, "results") : j;
    if (!json_is_array(res)) {
        fail(c, "push: no results array");
    } else if (c->run->target == TARGET_EP) {
        json_array_foreach(res, i, ack)
        {
            const char *st = json_string_value(json_object_get(ack, "status"));
            if (st != NULL && strcmp(st, "applied") == 0)
                c->acked++;
            else
                fail(c, "op %s: %s %s", str_or(json_object_get(ack, "op"), "?"),
                     st != NULL ? st : "?", str_or(json_object_get(ack, "reason"), ""));
        }
        if (json_array_size(res) != (size_t)n)
            fail(c, "push: %zu acks for %d ops", json_array_size(res), n);
    } else if (json_array_size(res) != 0) {
        fail(c, "bulk_docs: %.200s", c->resp.p);
    } else {
        c->acked += n;
    }
    json_decref(j);
}

/* One pull page from c->cursor; returns its item count, *more whether the
 * server has more (CouchDB: a full page), -1 on error. */
static long pull(struct phone_ctx *c, int limit, int *more, int timed)
{
    char path[256], query[512];
    double ms = 0;
    long status, n;
    json_t *j, *items, *next;

    *more = 0;
    if (c->run->target == TARGET_EP) {
        snprintf(path, sizeof(path), "/api/v1/sync/pull");
        /* own=0 as the PWA sends it (pwa/js/sync/client.js): once a pull has
         * ended since the phone started, its replica holds every op it
         * pushed, and the server leaves those out (docs/sync-protocol.md §5). */
        snprintf(query, sizeof(query), "schema=1&limit=%d%s%s%s", limit,
                 c->cursor[0] != '\0' ? "&cursor=" : "", c->cursor,
                 c->holds_own && c->cursor[0] != '\0' ? "&own=0" : "");
    } else {
        snprintf(path, sizeof(path), "/%s/_changes", c->run->dbname);
        snprintf(query, sizeof(query), "since=%s&limit=%d&include_docs=true",
                 c->cursor[0] != '\0' ? c->cursor : "0", limit);
    }
    status = request_retry(c, path, query, NULL, 0, &ms);
    if (timed)
        c->pull_ms[c->n_pull++] = ms;
    if (status == 0)
        return -1;
    if (status != 200) {
        fail(c, "pull: HTTP %ld %.200s", status, c->resp.p != NULL ? c->resp.p : "");
        return -1;
    }
    j = resp_json(c);
    if (j == NULL)
        return -1;
    items = json_object_get(j, c->run->target == TARGET_EP ? "ops" : "results");
    next = json_object_get(j, c->run->target == TARGET_EP ? "cursor" : "last_seq");
    if (!json_is_array(items) || next == NULL) {
        fail(c, "pull: unexpected answer %.200s", c->resp.p);
        json_decref(j);
        return -1;
    }
    n = (long)json_array_size(items);
    if (json_is_string(next))
        snprintf(c->cursor, sizeof(c->cursor), "%s", json_string_value(next));
    else
        snprintf(c->cursor, sizeof(c->cursor), "%lld", (long long)json_integer_value(next));
    *more = c->run->target == TARGET_EP ? json_is_true(json_object_get(j, "more")) : n == limit;
    if (!*more)
        c->holds_own = 1;
    json_decref(j);
    if (timed)
        c->pulled += n;
    return n;
}

static void *phone_main(void *arg)
{
    struct phone_ctx *c = arg;
    int more, n;

    unsigned seed = (unsigned)(uintptr_t)c;

    pthread_barrier_wait((pthread_barrier_t *)&c->run->start);
    if (c->run->cfg.interval_ms > 0) {
        /* Phones that sync every so often are not in step: each starts at
         * a random point of its first interval, as real ones would. */
        long ms = rand_r(&seed) % (c->run->cfg.interval_ms + 1);
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    while ((n = build_batch(c)) > 0) {
        push(c, n);
        (void)pull(c, c->run->cfg.pull_limit, &more, 1);
        if (c->run->cfg.interval_ms > 0) {
            /* A phone that syncs every so often, not flat out: the load
             * test's shape (issue 12). Jitter keeps phones out of step. */
            long ms = c->run->cfg.interval_ms / 2 + rand_r(&seed) % (c->run->cfg.interval_ms + 1);
            struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    if (n < 0)
        fail(c, "out of memory building a batch");
    return NULL;
}

static int ctx_init(struct phone_ctx *c, const struct run *r, int index)
{
    unsigned char seed[32], pk[crypto_sign_PUBLICKEYBYTES];
    size_t batches;

    memset(c, 0, sizeof(*c));
    c->run = r;
    if (wl_phone_init(&c->phone, &r->cfg, index) != 0)
        return -1;
    seed_device_seed(c->phone.device, seed);
    crypto_sign_seed_keypair(pk, c->sk, seed);
    batches = (size_t)(wl_phone_ops(&r->cfg, index) / r->cfg.batch) + 2;
    c->cap = batches;
    c->push_ms = calloc(batches, sizeof(double));
    c->pull_ms = calloc(batches, sizeof(double));
    c->curl = curl_easy_init();
    if (c->push_ms == NULL || c->pull_ms == NULL || c->curl == NULL)
        return -1;
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &c->resp);
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(c->curl, CURLOPT_TCP_NODELAY, 1L);
    return 0;
}

static void ctx_release(struct phone_ctx *c)
{
    if (c->curl != NULL)
        curl_easy_cleanup(c->curl);
    free(c->push_ms);
    free(c->pull_ms);
    wl_buf_release(&c->req);
    wl_buf_release(&c->resp);
    wl_phone_release(&c->phone);
    sodium_memzero(c->sk, sizeof(c->sk));
}

/* VmHWM (kB) and CPU seconds (user + system) of process pid; -1 if unknown. */
static long proc_hwm_kb(int pid)
{
    char path[64], line[256];
    long kb = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    }
    fclose(f);
    return kb;
}

static double proc_cpu_s(int pid)
{
    char path[64], buf[2048];
    unsigned long ut = 0, st = 0;
    const char *p;
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (p == NULL ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* CouchDB: creates the database and writes the setup documents. */
static int couch_setup(struct phone_ctx *c)
{
    char path[256];
    double ms;
    long status;
    int rc;

    snprintf(path, sizeof(path), "/%s", c->run->dbname);
    curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, "PUT");
    status = request(c, path, NULL, "", 0, &ms);
    curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, NULL);
    if (status != 201) {
        fail(c, "create database: HTTP %ld", status);
        return -1;
    }
    wl_buf_reset(&c->req);
    rc = wl_buf_printf(&c->req, "{\"new_edits\":false,\"docs\":[");
    if (rc == 0)
        rc = wl_setup_couch_docs(&c->req, &c->run->cfg);
    if (rc == 0)
        rc = wl_buf_printf(&c->req, "]}");
    snprintf(path, sizeof(path), "/%s/_bulk_docs", c->run->dbname);
    status = rc == 0 ? request(c, path, NULL, c->req.p, c->req.len, &ms) : 0;
    if (status != 201) {
        fail(c, "setup documents: HTTP %ld", status);
        return -1;
    }
    c->up = c->down = 0;
    return 0;
}

/*
 * Nothing lost: a fresh reader pulls everything from the start (timed: the
 * catch-up of a new phone), and for CouchDB the database's own counts and a
 * kept conflict are checked. Writes a verdict into ok (size len).
 */
static void verify(struct phone_ctx *c, long *items, double *secs, char *ok, size_t len)
{
    const struct wl_config *cfg = &c->run->cfg;
    long total = wl_total_ops(cfg), expect_items, n;
    int more = 1;
    double t0;

    c->cursor[0] = '\0';
    c->holds_own = 0; /* a fresh reader: it holds nothing */
    *items = 0;
    t0 = wl_now_s();
    while (more && (n = pull(c, 2000, &more, 0)) >= 0)
        *items += n;
    *secs = wl_now_s() - t0;
    /* ep serves every op; _changes serves each document once (its winner). */
    expect_items = c->run->target == TARGET_EP
                       ? total + wl_setup_records(cfg)
                       : (long)cfg->crew * cfg->readings + wl_setup_records(cfg);
    if (*items != expect_items) {
        snprintf(ok, len, "FAIL:pulled_%ld_of_%ld", *items, expect_items);
        return;
    }
    if (c->run->target == TARGET_COUCH) {
        char path[256];
        double ms;
        json_t *j;
        long seq, docs;
        snprintf(path, sizeof(path), "/%s", c->run->dbname);
        if (request(c, path, NULL, NULL, 0, &ms) != 200 || (j = resp_json(c)) == NULL) {
            snprintf(ok, len, "FAIL:db_info");
            return;
        }
        seq = (long)json_integer_value(json_object_get(j, "update_seq"));
        docs = (long)json_integer_value(json_object_get(j, "doc_count"));
        json_decref(j);
        if (seq != total + wl_setup_records(cfg) || docs != expect_items) {
            snprintf(ok, len, "FAIL:update_seq_%ld_doc_count_%ld", seq, docs);
            return;
        }
        if (cfg->referents > 1 && cfg->ref_edits > 0) {
            snprintf(path, sizeof(path), "/%s/act-00", c->run->dbname);
            if (request(c, path, "conflicts=true", NULL, 0, &ms) != 200 ||
                (j = resp_json(c)) == NULL) {
                snprintf(ok, len, "FAIL:act-00");
                return;
            }
            n = (long)json_array_size(json_object_get(j, "_conflicts"));
            json_decref(j);
            if (n != cfg->referents - 1) {
                snprintf(ok, len, "FAIL:act-00_has_%ld_conflicts", n);
                return;
            }
        }
    }
    snprintf(ok, len, "ok");
}

static void usage(void)
{
    fprintf(stderr,
            "usage: ep_load --target ep|couch --url http://127.0.0.1:PORT [--pid PID]\n"
            "               [--db NAME] [workload options]\n%s",
            wl_usage);
}

static int parse_args(struct run *r, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int w = wl_config_arg(&r->cfg, argc, argv, &i);
        if (w == 1)
            continue;
        if (w < 0 || i + 1 >= argc)
            return -1;
        if (strcmp(argv[i], "--target") == 0) {
            i++;
            if (strcmp(argv[i], "ep") == 0)
                r->target = TARGET_EP;
            else if (strcmp(argv[i], "couch") == 0)
                r->target = TARGET_COUCH;
            else
                return -1;
        } else if (strcmp(argv[i], "--url") == 0) {
            r->base = argv[++i];
        } else if (strcmp(argv[i], "--db") == 0) {
            r->dbname = argv[++i];
        } else if (strcmp(argv[i], "--pid") == 0) {
            char *end = NULL;
            long v = strtol(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || v <= 0 || v > 4194304)
                return -1;
            r->pid = (int)v;
        } else {
            return -1;
        }
    }
    return r->base != NULL ? 0 : -1;
}

int main(int argc, char **argv)
{
    static struct run r;
    struct phone_ctx *ctx;
    pthread_t *tids;
    double *push_ms, *pull_ms, t0, wall, cpu0, cpu1, catchup_s = 0;
    size_t n_push = 0, n_pull = 0;
    long acked = 0, pulled = 0, errors = 0, busy = 0, catchup = 0;
    unsigned long long up = 0, down = 0;
    char verdict[128] = "not_run";
    const char *first_error = NULL;
    int phones, rc = 0;

    wl_config_defaults(&r.cfg);
    r.dbname = WL_PRODUCTION;
    if (parse_args(&r, argc, argv) != 0) {
        usage();
        return 2;
    }
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    json_object_seed(0);
    phones = wl_phones(&r.cfg);
    ctx = calloc((size_t)phones, sizeof(*ctx));
    tids = calloc((size_t)phones, sizeof(*tids));
    if (ctx == NULL || tids == NULL)
        return 1;
    for (int i = 0; i < phones; i++) {
        if (ctx_init(&ctx[i], &r, i) != 0) {
            fprintf(stderr, "ep_load: out of memory\n");
            return 1;
        }
    }
    if (r.target == TARGET_COUCH && couch_setup(&ctx[0]) != 0) {
        fprintf(stderr, "ep_load: %s\n", ctx[0].error);
        return 1;
    }
    pthread_barrier_init(&r.start, NULL, (unsigned)phones + 1);
    for (int i = 0; i < phones; i++) {
        if (pthread_create(&tids[i], NULL, phone_main, &ctx[i]) != 0) {
            fprintf(stderr, "ep_load: cannot start thread %d\n", i);
            return 1;
        }
    }
    fprintf(stderr, "ep_load: %s, %d phones, %ld ops in batches of %d ...\n",
            r.target == TARGET_EP ? "ecoplateau" : "couch", phones, wl_total_ops(&r.cfg),
            r.cfg.batch);
    cpu0 = r.pid > 0 ? proc_cpu_s(r.pid) : -1;
    pthread_barrier_wait(&r.start);
    t0 = wl_now_s();
    for (int i = 0; i < phones; i++)
        pthread_join(tids[i], NULL);
    wall = wl_now_s() - t0;
    cpu1 = r.pid > 0 ? proc_cpu_s(r.pid) : -1;
    pthread_barrier_destroy(&r.start);

    for (int i = 0; i < phones; i++)
        n_push += ctx[i].cap;
    push_ms = calloc(n_push + 1, sizeof(double));
    pull_ms = calloc(n_push + 1, sizeof(double));
    n_push = 0;
    if (push_ms == NULL || pull_ms == NULL)
        return 1;
    for (int i = 0; i < phones; i++) {
        memcpy(push_ms + n_push, ctx[i].push_ms, ctx[i].n_push * sizeof(double));
        memcpy(pull_ms + n_pull, ctx[i].pull_ms, ctx[i].n_pull * sizeof(double));
        n_push += ctx[i].n_push;
        n_pull += ctx[i].n_pull;
        acked += ctx[i].acked;
        pulled += ctx[i].pulled;
        errors += ctx[i].errors;
        busy += ctx[i].busy;
        up += ctx[i].up;
        down += ctx[i].down;
        if (first_error == NULL && ctx[i].error[0] != '\0')
            first_error = ctx[i].error;
    }
    if (first_error != NULL)
        fprintf(stderr, "ep_load: first error: %s\n", first_error);
    /* The verifier is phone 0: its counter and keys carry on. */
    ctx[0].errors = 0;
    ctx[0].busy = 0;
    verify(&ctx[0], &catchup, &catchup_s, verdict, sizeof(verdict));
    errors += ctx[0].errors;
    busy += ctx[0].busy;
    if (ctx[0].errors > 0)
        fprintf(stderr, "ep_load: verify: %s\n", ctx[0].error);
    if (acked != wl_total_ops(&r.cfg) && strcmp(verdict, "ok") == 0)
        snprintf(verdict, sizeof(verdict), "FAIL:acked_%ld_of_%ld", acked, wl_total_ops(&r.cfg));
    printf("RESULT system=%s ops=%ld wall_s=%.2f ops_per_s=%.0f push_p50_ms=%.1f "
           "push_p99_ms=%.1f pushes=%zu pull_ops=%ld pulls=%zu pull_p50_ms=%.1f pull_p99_ms=%.1f "
           "up_bytes=%llu down_bytes=%llu rss_kb=%ld server_cpu_s=%.1f errors=%ld busy_503=%ld "
           "lost=%ld verify=%s catchup_items=%ld catchup_per_s=%.0f\n",
           r.target == TARGET_EP ? "ecoplateau" : "pouchdb-server", acked, wall,
           (double)acked / wall, wl_quantile(push_ms, n_push, 0.50),
           wl_quantile(push_ms, n_push, 0.99), n_push, pulled, n_pull,
           wl_quantile(pull_ms, n_pull, 0.50), wl_quantile(pull_ms, n_pull, 0.99), up, down,
           r.pid > 0 ? proc_hwm_kb(r.pid) : -1L, cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1.0,
           errors + busy, busy, wl_total_ops(&r.cfg) - acked, verdict, catchup,
           catchup_s > 0 ? (double)catchup / catchup_s : 0.0);
    if (errors + busy > 0 || strcmp(verdict, "ok") != 0)
        rc = 1;
    for (int i = 0; i < phones; i++)
        ctx_release(&ctx[i]);
    free(ctx);
    free(tids);
    free(push_ms);
    free(pull_ms);
    curl_global_cleanup();
    return rc;
}
