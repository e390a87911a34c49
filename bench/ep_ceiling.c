/*
 * ep_ceiling.c - the sync benchmark's ceiling: the same ops as ep_load's
 * ecoplateau run (bench/workload.h: same ids, same JSON bodies, same batches
 * in the same order, phone after phone per round), inserted raw into one
 * SQLite table by one connection with the server's pragmas (WAL,
 * synchronous=FULL), one BEGIN IMMEDIATE ... COMMIT per batch. No HTTP, no
 * parsing, no merge: what the disk and SQLite allow at most.
 *
 *   ep_ceiling --db PATH [workload options]
 *
 * With --server-db PATH (a database made by ep_setup: the server's schema,
 * production and setup records), the same ops go instead into the tables the
 * server writes, with all their indexes: each op a row of sync_op; a reading
 * a row of sync_fact; an edit a row of sync_version per field and its
 * sync_record's state. Still raw inserts of precomputed values: no HTTP, no
 * signature, no JSON work, no merge rule (every version is a leaf). It shows
 * what the data model costs in SQLite alone, the ceiling for this schema.
 *
 * The ops are generated before the clock starts. Prints one RESULT line like
 * ep_load's ("push" latency = one batch transaction).
 */
#include "workload.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct row {
    struct wl_op op;
    const char *col, *kind, *dev;
    size_t body_off, body_len; /* in the shared body buffer */
    char *fields;              /* --server-db: the op's fields, canonical JSON */
    char *key[4], *value[4];   /* --server-db, edits: each field and its value's JSON */
    int nfields;
};

/* The server-schema statements (--server-db). */
struct server_stmts {
    sqlite3_stmt *op, *fact, *version, *record;
};

/* Fills r->fields (the canonical JSON of the op's "fields", as the server
 * stores it) and, for an edit, each field's value; 0 or -1. */
static int precompute(struct row *r, const char *body)
{
    json_error_t err;
    json_t *op = json_loadb(body, r->body_len, 0, &err), *f = json_object_get(op, "fields"), *v;
    const char *key;
    int rc = -1;

    r->fields = f != NULL ? json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (r->fields == NULL)
        goto out;
    if (r->op.kind != WL_READING) {
        json_object_foreach(f, key, v)
        {
            if (r->nfields == 4)
                goto out;
            r->key[r->nfields] = strdup(key);
            r->value[r->nfields] = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            if (r->key[r->nfields] == NULL || r->value[r->nfields] == NULL)
                goto out;
            r->nfields++;
        }
    }
    rc = 0;
out:
    json_decref(op);
    return rc;
}

/* Inserts row r as the server's tables would hold it; 0 or -1. */
static int server_insert(struct server_stmts *s, const struct row *r, const char *hlc,
                         const char *body)
{
    static const unsigned char digest[16] = {0};
    sqlite3_int64 seq;
    int ok;

    sqlite3_bind_text(s->op, 1, r->op.op_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->op, 2, r->col, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->op, 3, r->op.rid, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->op, 4, r->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->op, 5, hlc, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->op, 6, r->dev, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->op, 7, body, (int)r->body_len, SQLITE_STATIC);
    sqlite3_bind_blob(s->op, 8, digest, sizeof(digest), SQLITE_STATIC);
    ok = sqlite3_step(s->op) == SQLITE_DONE;
    sqlite3_reset(s->op);
    if (!ok)
        return -1;
    seq = sqlite3_last_insert_rowid(sqlite3_db_handle(s->op));
    if (r->op.kind == WL_READING) {
        sqlite3_bind_text(s->fact, 1, r->op.rid, -1, SQLITE_STATIC);
        sqlite3_bind_text(s->fact, 2, r->op.op_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s->fact, 3, hlc, -1, SQLITE_STATIC);
        sqlite3_bind_text(s->fact, 4, r->dev, -1, SQLITE_STATIC);
        sqlite3_bind_text(s->fact, 5, r->fields, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s->fact, 6, seq);
        ok = sqlite3_step(s->fact) == SQLITE_DONE;
        sqlite3_reset(s->fact);
        return ok ? 0 : -1;
    }
    for (int i = 0; i < r->nfields; i++) {
        sqlite3_bind_text(s->version, 1, r->col, -1, SQLITE_STATIC);
        sqlite3_bind_text(s->version, 2, r->op.rid, -1, SQLITE_STATIC);
        sqlite3_bind_text(s->version, 3, r->key[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(s->version, 4, r->op.op_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s->version, 5, hlc, -1, SQLITE_STATIC);
        sqlite3_bind_text(s->version, 6, r->dev, -1, SQLITE_STATIC);
        sqlite3_bind_text(s->version, 7, r->value[i], -1, SQLITE_STATIC);
        ok = ok && sqlite3_step(s->version) == SQLITE_DONE;
        sqlite3_reset(s->version);
    }
    sqlite3_bind_text(s->record, 1, r->col, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->record, 2, r->op.rid, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->record, 3, r->fields, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s->record, 4, seq);
    ok = ok && sqlite3_step(s->record) == SQLITE_DONE;
    sqlite3_reset(s->record);
    return ok ? 0 : -1;
}

static const char *col_of(enum wl_kind k)
{
    return k == WL_READING ? "readings" : k == WL_TASK_EDIT ? "tasks" : "actions";
}

static long own_hwm_kb(void)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    }
    fclose(f);
    return kb;
}

/* Generates every batch: rows in push order, batch_end[b] = one past its last row. */
static int generate(const struct wl_config *c, struct wl_phone *phones, struct row *rows,
                    long *batch_end, long *n_batches, struct wl_buf *bodies)
{
    long n = 0, b = 0;
    int active = 1;

    while (active) {
        active = 0;
        for (int i = 0; i < wl_phones(c); i++) {
            int k = 0;
            struct row *r;
            while (k < c->batch && wl_phone_next(&phones[i], wl_wall_ms(), &rows[n].op) == 0) {
                r = &rows[n];
                r->col = col_of(r->op.kind);
                r->kind = r->op.kind == WL_READING ? "add" : "put";
                r->dev = phones[i].device;
                r->body_off = bodies->len;
                if (wl_ep_op(bodies, &phones[i], &r->op) != 0)
                    return -1;
                r->body_len = bodies->len - r->body_off;
                n++;
                k++;
            }
            if (k > 0) {
                batch_end[b++] = n;
                active = 1;
            }
        }
    }
    *n_batches = b;
    return 0;
}

static int exec(sqlite3 *db, const char *sql)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        fprintf(stderr, "ep_ceiling: %s: %s\n", sql, sqlite3_errmsg(db));
    return rc;
}

int main(int argc, char **argv)
{
    static const char ins[] = "INSERT INTO op (op_id, col, rid, kind, hlc, dev, body) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    struct wl_config c;
    struct wl_phone *phones;
    struct wl_buf bodies = {NULL, 0, 0};
    struct row *rows;
    long *batch_end, n_batches = 0, total, errors = 0, count = -1;
    double *lat, t0, wall;
    const char *path = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    unsigned long long bytes = 0;
    struct server_stmts ss = {NULL, NULL, NULL, NULL};
    int server = 0;

    wl_config_defaults(&c);
    for (int i = 1; i < argc; i++) {
        int r = wl_config_arg(&c, argc, argv, &i);
        if (r == 1)
            continue;
        if (r == 0 && strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            path = argv[++i];
            continue;
        }
        if (r == 0 && strcmp(argv[i], "--server-db") == 0 && i + 1 < argc) {
            path = argv[++i];
            server = 1;
            continue;
        }
        fprintf(stderr, "usage: ep_ceiling --db PATH | --server-db PATH [options]\n%s", wl_usage);
        return 2;
    }
    if (path == NULL) {
        fprintf(stderr, "ep_ceiling: --db or --server-db is required\n");
        return 2;
    }
    total = wl_total_ops(&c);
    phones = calloc((size_t)wl_phones(&c), sizeof(*phones));
    rows = calloc((size_t)total + 1, sizeof(*rows));
    batch_end = calloc((size_t)total + 1, sizeof(*batch_end));
    lat = calloc((size_t)total + 1, sizeof(*lat));
    if (phones == NULL || rows == NULL || batch_end == NULL || lat == NULL)
        return 1;
    for (int i = 0; i < wl_phones(&c); i++) {
        if (wl_phone_init(&phones[i], &c, i) != 0)
            return 1;
    }
    if (generate(&c, phones, rows, batch_end, &n_batches, &bodies) != 0)
        return 1;
    bytes = bodies.len;
    if (server) {
        for (long r = 0; r < total; r++) {
            if (precompute(&rows[r], bodies.p + rows[r].body_off) != 0)
                return 1;
        }
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | (server ? 0 : SQLITE_OPEN_CREATE),
                        NULL) != SQLITE_OK)
        return 1;
    sqlite3_busy_timeout(db, 5000);
    if (exec(db, "PRAGMA journal_mode=WAL") != SQLITE_OK ||
        exec(db, "PRAGMA synchronous=FULL") != SQLITE_OK)
        return 1;
    if (server) {
        /* The server's pragmas (sync/store/db.c) besides the two above. */
        if (exec(db, "PRAGMA foreign_keys=ON") != SQLITE_OK ||
            exec(db, "PRAGMA wal_autocheckpoint=4000") != SQLITE_OK ||
            sqlite3_prepare_v3(db,
                               "INSERT INTO sync_op (op_id, production_id, col, rid, kind, hlc, "
                               "dev, body, digest, received_at) VALUES (?1, 'bench', ?2, ?3, ?4, "
                               "?5, ?6, ?7, ?8, 0)",
                               -1, SQLITE_PREPARE_PERSISTENT, &ss.op, NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(db,
                               "INSERT INTO sync_fact (col, rid, production_id, op_id, hlc, dev, "
                               "fields, supersedes, void, seq, superseded) VALUES ('readings', "
                               "?1, 'bench', ?2, ?3, ?4, ?5, NULL, 0, ?6, 0)",
                               -1, SQLITE_PREPARE_PERSISTENT, &ss.fact, NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(db,
                               "INSERT INTO sync_version (col, rid, field, op_id, hlc, dev, "
                               "value, leaf) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)",
                               -1, SQLITE_PREPARE_PERSISTENT, &ss.version, NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(db,
                               "UPDATE sync_record SET state = ?3, updated_seq = ?4 "
                               "WHERE col = ?1 AND rid = ?2",
                               -1, SQLITE_PREPARE_PERSISTENT, &ss.record, NULL) != SQLITE_OK) {
            fprintf(stderr, "ep_ceiling: %s\n", sqlite3_errmsg(db));
            return 1;
        }
    } else if (exec(db, "CREATE TABLE op (seq INTEGER PRIMARY KEY, op_id TEXT NOT NULL UNIQUE, "
                        "col TEXT NOT NULL, rid TEXT NOT NULL, kind TEXT NOT NULL, hlc TEXT NOT "
                        "NULL, dev TEXT NOT NULL, body TEXT NOT NULL) STRICT") != SQLITE_OK ||
               sqlite3_prepare_v3(db, ins, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        return 1;

    t0 = wl_now_s();
    for (long b = 0, r = 0; b < n_batches; b++) {
        double tb = wl_now_s();
        if (exec(db, "BEGIN IMMEDIATE") != SQLITE_OK) {
            errors++;
            continue;
        }
        for (; r < batch_end[b]; r++) {
            char h[18];
            snprintf(h, sizeof(h), "%012llx-%04x", (unsigned long long)(rows[r].op.hlc >> 16),
                     (unsigned)(rows[r].op.hlc & 0xffffu));
            if (server) {
                if (server_insert(&ss, &rows[r], h, bodies.p + rows[r].body_off) != 0)
                    errors++;
                continue;
            }
            sqlite3_bind_text(st, 1, rows[r].op.op_id, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, rows[r].col, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, rows[r].op.rid, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, rows[r].kind, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 5, h, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 6, rows[r].dev, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 7, bodies.p + rows[r].body_off, (int)rows[r].body_len,
                              SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                errors++;
            sqlite3_reset(st);
        }
        if (exec(db, "COMMIT") != SQLITE_OK)
            errors++;
        lat[b] = (wl_now_s() - tb) * 1000.0;
    }
    wall = wl_now_s() - t0;
    sqlite3_finalize(st);
    sqlite3_finalize(ss.op);
    sqlite3_finalize(ss.fact);
    sqlite3_finalize(ss.version);
    sqlite3_finalize(ss.record);
    if (sqlite3_prepare_v2(db,
                           server ? "SELECT count(*) FROM sync_op WHERE production_id = 'bench' "
                                    "AND op_id NOT LIKE 'setup-%'"
                                  : "SELECT count(*) FROM op",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        count = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    printf("RESULT system=%s ops=%ld wall_s=%.2f ops_per_s=%.0f push_p50_ms=%.1f "
           "push_p99_ms=%.1f pushes=%ld pull_ops=0 pulls=0 pull_p50_ms=0 pull_p99_ms=0 "
           "up_bytes=%llu down_bytes=0 rss_kb=%ld server_cpu_s=0 errors=%ld busy_503=0 lost=%ld "
           "verify=%s "
           "catchup_items=0 catchup_per_s=0\n",
           server ? "sqlite-ceiling-schema" : "sqlite-ceiling", count, wall, (double)count / wall,
           wl_quantile(lat, (size_t)n_batches, 0.50), wl_quantile(lat, (size_t)n_batches, 0.99),
           n_batches, bytes, own_hwm_kb(), errors, count >= 0 ? total - count : total,
           count == total ? "ok" : "FAIL:count");
    for (int i = 0; i < wl_phones(&c); i++)
        wl_phone_release(&phones[i]);
    for (long r = 0; r < total; r++) {
        free(rows[r].fields);
        for (int i = 0; i < rows[r].nfields; i++) {
            free(rows[r].key[i]);
            free(rows[r].value[i]);
        }
    }
    free(phones);
    free(rows);
    free(batch_end);
    free(lat);
    wl_buf_release(&bodies);
    return errors == 0 && count == total ? 0 : 1;
}
