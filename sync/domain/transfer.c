/* transfer.c - a production as JSON lines and photo files, and back (see transfer.h). */
#include "transfer.h"

#include "carbon.h"
#include "clock.h"
#include "db.h"
#include "err.h"
#include "identity.h"
#include "rows.h"
#include "strbuf.h"

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Archives are whole productions: large, but not unbounded. */
#define ROWS_MAX ((size_t)256 * 1024 * 1024)

/*
 * The tables of a production, in an order that satisfies the foreign keys
 * on import. select reads the production's rows (?1 = its id); skip names
 * a column the importing database assigns itself (an autoincrement id
 * nothing refers to). scoped: the table has a production_id column every
 * imported row must match.
 */
struct table {
    const char *name;
    const char *select;
    const char *skip;
    int scoped;
};

static const struct table tables[] = {
    {"production", "SELECT * FROM production WHERE id = ?1 AND is_company_space = 0", NULL, 0},
    /* Only what lets a person sign in: lock counters stay on the old server. */
    {"account",
     "SELECT id, email, name, pw_hash, created_at FROM account WHERE id IN "
     "(SELECT account_id FROM member WHERE production_id = ?1) ORDER BY id",
     NULL, 0},
    {"member", "SELECT * FROM member WHERE production_id = ?1 ORDER BY id", NULL, 1},
    {"device", "SELECT * FROM device WHERE production_id = ?1 ORDER BY id", NULL, 1},
    {"sync_op", "SELECT * FROM sync_op WHERE production_id = ?1 ORDER BY seq", NULL, 1},
    {"sync_record", "SELECT * FROM sync_record WHERE production_id = ?1 ORDER BY col, rid", NULL,
     1},
    {"sync_version",
     "SELECT v.* FROM sync_version v JOIN sync_record r ON r.col = v.col AND r.rid = v.rid "
     "WHERE r.production_id = ?1 ORDER BY v.col, v.rid, v.field, v.op_id",
     NULL, 0},
    {"sync_base",
     "SELECT b.* FROM sync_base b JOIN sync_record r ON r.col = b.col AND r.rid = b.rid "
     "WHERE r.production_id = ?1 ORDER BY b.col, b.rid, b.field, b.seen, b.by_op",
     NULL, 0},
    {"sync_fact", "SELECT * FROM sync_fact WHERE production_id = ?1 ORDER BY seq, col, rid", NULL,
     1},
    {"sync_quarantine", "SELECT * FROM sync_quarantine WHERE production_id = ?1 ORDER BY op_id",
     NULL, 1},
    {"collect_schedule",
     "SELECT * FROM collect_schedule WHERE production_id = ?1 ORDER BY indicator", NULL, 1},
    {"comms_outbox", "SELECT * FROM comms_outbox WHERE production_id = ?1 ORDER BY id", "id", 1},
    {"footprint", "SELECT * FROM footprint WHERE production_id = ?1 ORDER BY computed_at, id", NULL,
     1},
    {"production_factor_set", "SELECT * FROM production_factor_set WHERE production_id = ?1", NULL,
     1},
    {"attach_upload", "SELECT * FROM attach_upload WHERE production_id = ?1 ORDER BY id", NULL, 1},
    {"attach_chunk",
     "SELECT c.* FROM attach_chunk c JOIN attach_upload u ON u.id = c.id "
     "WHERE u.production_id = ?1 ORDER BY c.id, c.start",
     NULL, 0},
    {"audit_log", "SELECT * FROM audit_log WHERE production_id = ?1 ORDER BY id", "id", 1},
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* ---- entry list ------------------------------------------------------- */

int transfer_list_add(struct transfer_list *l, const char *name, unsigned char *data, size_t len)
{
    char *copy = NULL;

    if (l->n == l->cap) {
        size_t cap = l->cap != 0 ? l->cap * 2 : 16;
        struct transfer_entry *items = realloc(l->items, cap * sizeof(*items));
        if (items == NULL) {
            free(data);
            return EP_ENOMEM;
        }
        l->items = items;
        l->cap = cap;
    }
    copy = strdup(name);
    if (copy == NULL) {
        free(data);
        return EP_ENOMEM;
    }
    l->items[l->n].name = copy;
    l->items[l->n].data = data;
    l->items[l->n].len = len;
    l->n++;
    return EP_OK;
}

const struct transfer_entry *transfer_list_find(const struct transfer_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

void transfer_list_release(struct transfer_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].data);
    }
    free(l->items);
    memset(l, 0, sizeof(*l));
}

/* ---- export ----------------------------------------------------------- */

static void sha256_hex(const unsigned char *data, size_t len, char hex[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hex, 65, h, sizeof(h));
}

/* A statement run once per export or import, so kept out of db_stmt's
 * cache (a fixed number of texts per connection, shared with every
 * handler). The caller finalizes it. NULL on failure. */
static sqlite3_stmt *once(struct db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Column i of the current row as JSON (new reference), or NULL on failure. */
static json_t *column_json(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return json_integer(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        return json_real(sqlite3_column_double(st, i));
    case SQLITE_TEXT:
        return json_stringn((const char *)sqlite3_column_text(st, i),
                            (size_t)sqlite3_column_bytes(st, i));
    case SQLITE_BLOB: {
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        size_t b64len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(b64len);
        json_t *o = NULL;
        if (b64 == NULL)
            return NULL;
        sodium_bin2base64(b64, b64len, sqlite3_column_blob(st, i), n,
                          sodium_base64_VARIANT_ORIGINAL);
        o = json_pack("{s:s}", "base64", b64);
        free(b64);
        return o;
    }
    default:
        return json_null();
    }
}

/* One table's rows as JSON lines into out ("rows/<table>.jsonl"); the row
 * count into *count. */
static int export_table(struct db *db, const struct table *t, const char *id,
                        struct transfer_list *out, size_t *count)
{
    struct strbuf b;
    sqlite3_stmt *st = once(db, t->select);
    char name[64];
    int rc = EP_OK, step;

    *count = 0;
    strbuf_init(&b, ROWS_MAX);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    while (rc == EP_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *row = json_object();
        char *line = NULL;
        if (row == NULL) {
            rc = EP_ENOMEM;
            break;
        }
        for (int i = 0; rc == EP_OK && i < sqlite3_column_count(st); i++) {
            const char *col = sqlite3_column_name(st, i);
            json_t *v;
            if (t->skip != NULL && strcmp(col, t->skip) == 0)
                continue;
            v = column_json(st, i);
            /* NULL here: out of memory, or TEXT that is not UTF-8, which
             * no module of ours writes. */
            if (v == NULL || json_object_set_new(row, col, v) != 0)
                rc = EP_EIO;
        }
        line = rc == EP_OK ? json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        if (rc == EP_OK && line == NULL)
            rc = EP_ENOMEM;
        if (rc == EP_OK)
            rc = strbuf_str(&b, line);
        if (rc == EP_OK)
            rc = strbuf_add(&b, "\n", 1);
        free(line);
        json_decref(row);
        (*count)++;
    }
    if (rc == EP_OK && step != SQLITE_DONE)
        rc = db_map_rc(step);
    sqlite3_finalize(st);
    if (rc == EP_OK) {
        size_t len = 0;
        char *data;
        snprintf(name, sizeof(name), "rows/%s.jsonl", t->name);
        data = strbuf_detach(&b, &len);
        if (data == NULL && len == 0)
            data = calloc(1, 1);
        if (data == NULL)
            return EP_ENOMEM;
        return transfer_list_add(out, name, (unsigned char *)data, len);
    }
    strbuf_release(&b);
    return rc;
}

/* The photos' bytes, one file each, and their list for the manifest. */
static int export_blobs(struct db *db, const char *id, struct transfer_list *out, json_t *list)
{
    static const char sql[] =
        "SELECT b.id, b.data FROM attach_blob b JOIN attach_upload u ON u.id = b.id "
        "WHERE u.production_id = ?1 ORDER BY b.id";
    sqlite3_stmt *st = once(db, sql);
    int rc = EP_OK, step;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    while (rc == EP_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *bid = (const char *)sqlite3_column_text(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        unsigned char *data = malloc(n > 0 ? n : 1);
        char name[128], hex[65];
        if (data == NULL) {
            rc = EP_ENOMEM;
            break;
        }
        if (n > 0)
            memcpy(data, sqlite3_column_blob(st, 1), n);
        sha256_hex(data, n, hex);
        snprintf(name, sizeof(name), "attachments/%s", bid);
        if (json_array_append_new(list, json_pack("{s:s, s:I, s:s}", "id", bid, "size",
                                                  (json_int_t)n, "sha256", hex)) != 0) {
            free(data);
            rc = EP_ENOMEM;
            break;
        }
        rc = transfer_list_add(out, name, data, n);
    }
    if (rc == EP_OK && step != SQLITE_DONE)
        rc = db_map_rc(step);
    sqlite3_finalize(st);
    return rc;
}

/* The footprints as the office downloads them, so the archive can be read
 * without a server: documents/ is not imported (recomputed from the rows). */
static int add_documents(struct db *db, const char *id, struct transfer_list *l)
{
    static const struct {
        enum carbon_kind kind;
        const char *csv, *json;
    } docs[] = {
        {CARBON_PROVISIONAL, "documents/bilan-previsionnel.csv",
         "documents/bilan-previsionnel.json"},
        {CARBON_FINAL, "documents/bilan-definitif.csv", "documents/bilan-definitif.json"},
    };
    int rc = EP_OK;

    for (size_t i = 0; rc == EP_OK && i < sizeof(docs) / sizeof(docs[0]); i++) {
        json_t *fp = NULL;
        char *csv = NULL, *text = NULL;
        size_t len = 0;
        rc = carbon_footprint(db, id, docs[i].kind, 0, &fp);
        if (rc == EP_OK)
            rc = carbon_csv(fp, &csv, &len);
        if (rc == EP_OK) {
            rc = transfer_list_add(l, docs[i].csv, (unsigned char *)csv, len);
            text = json_dumps(fp, JSON_INDENT(2) | JSON_SORT_KEYS);
            if (rc == EP_OK && text == NULL)
                rc = EP_ENOMEM;
            if (rc == EP_OK)
                rc = transfer_list_add(l, docs[i].json, (unsigned char *)text, strlen(text));
        }
        json_decref(fp);
    }
    return rc;
}

static int read_title(struct db *db, const char *id, char *title, size_t len)
{
    static const char sql[] = "SELECT title FROM production WHERE id = ?1 AND is_company_space = 0";
    sqlite3_stmt *st = once(db, sql);
    int rc, step;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        snprintf(title, len, "%s", (const char *)sqlite3_column_text(st, 0));
        rc = EP_OK;
    } else {
        rc = step == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(step);
    }
    sqlite3_finalize(st);
    return rc;
}

int transfer_export(struct db *db, const char *production_id, int64_t now,
                    struct transfer_list *out)
{
    json_t *counts = json_object(), *blobs = json_array(), *manifest = NULL;
    char title[256];
    char *text = NULL;
    int schema = 0;
    int rc = db_begin_read(db);

    if (rc != EP_OK)
        goto out_nocommit;
    if (counts == NULL || blobs == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    rc = read_title(db, production_id, title, sizeof(title));
    if (rc == EP_OK)
        rc = db_schema_version(db, &schema);
    for (size_t i = 0; rc == EP_OK && i < NTABLES; i++) {
        size_t n = 0;
        rc = export_table(db, &tables[i], production_id, out, &n);
        if (rc == EP_OK && json_object_set_new(counts, tables[i].name, json_integer((json_int_t)n)))
            rc = EP_ENOMEM;
    }
    if (rc == EP_OK)
        rc = export_blobs(db, production_id, out, blobs);
    if (rc != EP_OK)
        goto out;
    manifest = json_pack("{s:s, s:i, s:i, s:{s:s, s:s}, s:I, s:O, s:O}", "format", TRANSFER_FORMAT,
                         "version", TRANSFER_VERSION, "schema", schema, "production", "id",
                         production_id, "title", title, "exported_at", (json_int_t)now, "tables",
                         counts, "attachments", blobs);
    text = manifest != NULL ? json_dumps(manifest, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (text == NULL)
        rc = EP_ENOMEM;
out:
    db_rollback(db); /* a read transaction: nothing to keep */
    /* After it: the footprint reads in its own transaction. */
    if (rc == EP_OK)
        rc = add_documents(db, production_id, out);
    if (rc == EP_OK)
        rc = transfer_list_add(out, "manifest.json", (unsigned char *)text, strlen(text));
    else
        free(text);
out_nocommit:
    json_decref(manifest);
    json_decref(counts);
    json_decref(blobs);
    return rc;
}

/* ---- import ----------------------------------------------------------- */

/* What the import learns as it goes, to check and rewrite later rows. */
struct import_ctx {
    struct db *db;
    const char *company_id;
    char id[65];          /* the production's id, from its row */
    int64_t seq_shift;    /* added to every sync sequence number */
    json_t *accounts;     /* exported account id -> id on this server */
    json_t *members;      /* set of member ids (key -> true) */
    json_t *records;      /* set of "col\x1frid" */
    json_t *uploads;      /* set of attachment ids */
    struct ep_error *err; /* the caller's, may be NULL */
};

static int bad(struct import_ctx *c, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(struct import_ctx *c, int rc, const char *fmt, ...)
{
    char why[EP_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return ep_error_set(c->err, rc, NULL, "%s", why);
}

/* The rows of "rows/<table>.jsonl" as an array of objects (new reference). */
static int parse_rows(struct import_ctx *c, const struct transfer_list *in, const char *table,
                      json_t **out)
{
    char name[64];
    const struct transfer_entry *e;
    const char *p, *end;
    size_t line = 0;

    snprintf(name, sizeof(name), "rows/%s.jsonl", table);
    e = transfer_list_find(in, name);
    *out = json_array();
    if (*out == NULL)
        return EP_ENOMEM;
    if (e == NULL)
        return EP_OK; /* an older server had no such table: nothing to bring */
    p = (const char *)e->data;
    end = p + e->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        json_error_t jerr;
        json_t *row;
        line++;
        if (n > 0) {
            row = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
            if (row == NULL || !json_is_object(row)) {
                json_decref(row);
                return bad(c, EP_EINVAL, "%s line %zu is not a JSON object", name, line);
            }
            json_array_append_new(*out, row);
        }
        p += n + 1;
    }
    return EP_OK;
}

/* Whether table has column col on this database. */
static int has_column(struct db *db, const char *table, const char *col, int *out)
{
    static const char sql[] = "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2";
    sqlite3_stmt *st = db_stmt(db, sql);
    int step;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    *out = step == SQLITE_ROW;
    db_done(st);
    return step == SQLITE_ROW || step == SQLITE_DONE ? EP_OK : db_map_rc(step);
}

static int bind_value(struct import_ctx *c, sqlite3_stmt *st, int i, json_t *v, const char *where)
{
    if (json_is_null(v))
        return sqlite3_bind_null(st, i) == SQLITE_OK ? EP_OK : EP_EIO;
    if (json_is_integer(v))
        return sqlite3_bind_int64(st, i, json_integer_value(v)) == SQLITE_OK ? EP_OK : EP_EIO;
    if (json_is_real(v))
        return sqlite3_bind_double(st, i, json_real_value(v)) == SQLITE_OK ? EP_OK : EP_EIO;
    if (json_is_string(v))
        return sqlite3_bind_text(st, i, json_string_value(v), (int)json_string_length(v),
                                 SQLITE_TRANSIENT) == SQLITE_OK
                   ? EP_OK
                   : EP_EIO;
    if (json_is_object(v) && json_object_size(v) == 1 &&
        json_is_string(json_object_get(v, "base64"))) {
        const char *b64 = json_string_value(json_object_get(v, "base64"));
        size_t cap = strlen(b64) / 4 * 3 + 3, n = 0;
        unsigned char *bin = malloc(cap);
        int rc;
        if (bin == NULL)
            return EP_ENOMEM;
        if (sodium_base642bin(bin, cap, b64, strlen(b64), NULL, &n, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0) {
            free(bin);
            return bad(c, EP_EINVAL, "%s: bad base64", where);
        }
        rc = sqlite3_bind_blob(st, i, bin, (int)n, SQLITE_TRANSIENT) == SQLITE_OK ? EP_OK : EP_EIO;
        free(bin);
        return rc;
    }
    return bad(c, EP_EINVAL, "%s: a value must be a string, a number, null or {\"base64\"}", where);
}

/*
 * Inserts row into table. Column names come from the archive: each is
 * checked against the table's own columns before it is put in the SQL text
 * (quoted), so the text can only name real columns.
 */
static int insert_row(struct import_ctx *c, const char *table, json_t *row, const char *where)
{
    struct strbuf sql;
    const char *key;
    json_t *v;
    sqlite3_stmt *st = NULL;
    int rc = EP_OK, i = 0, step;

    strbuf_init(&sql, 8192);
    rc = strbuf_printf(&sql, "INSERT INTO \"%s\" (", table);
    json_object_foreach(row, key, v)
    {
        int known = 0;
        if (rc == EP_OK)
            rc = has_column(c->db, table, key, &known);
        if (rc == EP_OK && (!known || strchr(key, '"') != NULL))
            rc = bad(c, EP_EINVAL, "%s: %s has no column '%.64s'", where, table, key);
        if (rc == EP_OK)
            rc = strbuf_printf(&sql, "%s\"%s\"", i++ > 0 ? ", " : "", key);
    }
    if (rc == EP_OK && i == 0)
        rc = bad(c, EP_EINVAL, "%s: an empty row", where);
    if (rc == EP_OK)
        rc = strbuf_str(&sql, ") VALUES (");
    for (int k = 1; rc == EP_OK && k <= i; k++)
        rc = strbuf_printf(&sql, "%s?%d", k > 1 ? ", " : "", k);
    if (rc == EP_OK)
        rc = strbuf_str(&sql, ")");
    if (rc != EP_OK)
        goto out;
    /* Not through db_stmt: its cache holds constant texts only. */
    if (sqlite3_prepare_v2(db_handle(c->db), sql.p, (int)sql.len, &st, NULL) != SQLITE_OK) {
        rc = bad(c, EP_EIO, "%s: %s", where, db_errmsg(c->db));
        goto out;
    }
    i = 0;
    json_object_foreach(row, key, v)
    {
        if (rc == EP_OK)
            rc = bind_value(c, st, ++i, v, where);
    }
    if (rc == EP_OK) {
        step = sqlite3_step(st);
        if (step != SQLITE_DONE) {
            int ext = sqlite3_extended_errcode(db_handle(c->db));
            if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE)
                rc = bad(c, EP_ECONFLICT, "%s: already on this server (%s)", where,
                         db_errmsg(c->db));
            else if ((step & 0xff) == SQLITE_CONSTRAINT)
                rc = bad(c, EP_EINVAL, "%s: %s", where, db_errmsg(c->db));
            else
                rc = db_map_rc(step);
        }
    }
out:
    sqlite3_finalize(st);
    strbuf_release(&sql);
    return rc;
}

static const char *str(json_t *row, const char *key)
{
    return json_string_value(json_object_get(row, key));
}

static int set_add(json_t *set, const char *key)
{
    return key != NULL && json_object_set_new(set, key, json_true()) == 0 ? EP_OK : EP_ENOMEM;
}

static int record_key(json_t *row, char *buf, size_t len)
{
    const char *col = str(row, "col"), *rid = str(row, "rid");
    if (col == NULL || rid == NULL)
        return EP_EINVAL;
    return (size_t)snprintf(buf, len, "%s\x1f%s", col, rid) < len ? EP_OK : EP_EINVAL;
}

/* Adds shift to an integer column (sync sequence numbers). */
static int shift(json_t *row, const char *key, int64_t by)
{
    json_t *v = json_object_get(row, key);
    if (!json_is_integer(v))
        return EP_EINVAL;
    return json_integer_set(v, json_integer_value(v) + by) == 0 ? EP_OK : EP_ENOMEM;
}

/* Checks a row against what the import knows and rewrites what this
 * server assigns (company, accounts, sequence numbers). */
static int prepare_row(struct import_ctx *c, const struct table *t, json_t *row, const char *where)
{
    char key[160];
    const char *v;

    if (t->scoped &&
        (str(row, "production_id") == NULL || strcmp(str(row, "production_id"), c->id) != 0))
        return bad(c, EP_EINVAL, "%s: belongs to another production", where);
    if (t->skip != NULL)
        json_object_del(row, t->skip);
    if (strcmp(t->name, "member") == 0) {
        v = str(row, "account_id");
        if (v != NULL) {
            const char *mapped = json_string_value(json_object_get(c->accounts, v));
            if (mapped == NULL)
                return bad(c, EP_EINVAL, "%s: account '%.64s' is not in the archive", where, v);
            json_object_set_new(row, "account_id", json_string(mapped));
        }
        return set_add(c->members, str(row, "id"));
    }
    if (strcmp(t->name, "device") == 0 || strcmp(t->name, "collect_schedule") == 0 ||
        strcmp(t->name, "comms_outbox") == 0) {
        v = str(row, "member_id");
        if (v != NULL && json_object_get(c->members, v) == NULL)
            return bad(c, EP_EINVAL, "%s: member '%.64s' is not in the archive", where, v);
        return EP_OK;
    }
    if (strcmp(t->name, "sync_op") == 0)
        return shift(row, "seq", c->seq_shift) == EP_OK
                   ? EP_OK
                   : bad(c, EP_EINVAL, "%s: seq must be an integer", where);
    if (strcmp(t->name, "sync_record") == 0) {
        if (shift(row, "updated_seq", c->seq_shift) != EP_OK ||
            record_key(row, key, sizeof(key)) != EP_OK)
            return bad(c, EP_EINVAL, "%s: col, rid and updated_seq are required", where);
        return set_add(c->records, key);
    }
    if (strcmp(t->name, "sync_fact") == 0)
        return shift(row, "seq", c->seq_shift) == EP_OK
                   ? EP_OK
                   : bad(c, EP_EINVAL, "%s: seq must be an integer", where);
    if (strcmp(t->name, "sync_version") == 0 || strcmp(t->name, "sync_base") == 0) {
        if (record_key(row, key, sizeof(key)) != EP_OK || json_object_get(c->records, key) == NULL)
            return bad(c, EP_EINVAL, "%s: not a record of this production", where);
        return EP_OK;
    }
    if (strcmp(t->name, "attach_upload") == 0)
        return set_add(c->uploads, str(row, "id")) == EP_OK
                   ? EP_OK
                   : bad(c, EP_EINVAL, "%s: id is required", where);
    if (strcmp(t->name, "attach_chunk") == 0) {
        v = str(row, "id");
        if (v == NULL || json_object_get(c->uploads, v) == NULL)
            return bad(c, EP_EINVAL, "%s: not an upload of this production", where);
    }
    return EP_OK;
}

/* The production row: a real production, free here, moved into the company. */
static int prepare_production(struct import_ctx *c, json_t *rows)
{
    static const char taken[] =
        "SELECT (SELECT count(*) FROM production WHERE id = ?1), "
        "(SELECT count(*) FROM production WHERE company_id = ?2 AND is_company_space = 0 "
        "AND title = ?3 COLLATE NOCASE), (SELECT count(*) FROM company WHERE id = ?2)";
    json_t *row = json_array_get(rows, 0);
    const char *id = str(row, "id"), *title = str(row, "title");
    sqlite3_stmt *st;
    int step, rc = EP_OK;

    if (json_array_size(rows) != 1 || id == NULL || title == NULL || strlen(id) >= sizeof(c->id) ||
        !json_is_integer(json_object_get(row, "is_company_space")) ||
        json_integer_value(json_object_get(row, "is_company_space")) != 0)
        return bad(c, EP_EINVAL, "rows/production.jsonl must hold the one production");
    snprintf(c->id, sizeof(c->id), "%s", id);
    st = once(c->db, taken);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->company_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, title, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step != SQLITE_ROW)
        rc = db_map_rc(step);
    else if (sqlite3_column_int(st, 2) == 0)
        rc = bad(c, EP_ENOTFOUND, "no company '%s' on this server", c->company_id);
    else if (sqlite3_column_int(st, 0) != 0)
        rc = bad(c, EP_ECONFLICT, "production '%s' is already on this server", id);
    else if (sqlite3_column_int(st, 1) != 0)
        rc = bad(c, EP_ECONFLICT, "another production of the company is titled '%s'", title);
    sqlite3_finalize(st);
    if (rc == EP_OK)
        json_object_set_new(row, "company_id", json_string(c->company_id));
    return rc;
}

/* Accounts are the server's, not the production's: one already here with
 * the same email is the same person and keeps its password; the others are
 * created as exported. Fills c->accounts (exported id -> id here). */
static int import_accounts(struct import_ctx *c, json_t *rows)
{
    static const char sql[] = "SELECT id FROM account WHERE email = ?1";
    size_t i;
    json_t *row;
    int rc = EP_OK;

    json_array_foreach(rows, i, row)
    {
        const char *id = str(row, "id"), *email = str(row, "email");
        sqlite3_stmt *st;
        char where[64];
        int step;
        snprintf(where, sizeof(where), "rows/account.jsonl line %zu", i + 1);
        if (id == NULL || email == NULL)
            return bad(c, EP_EINVAL, "%s: id and email are required", where);
        st = db_stmt(c->db, sql);
        if (st == NULL)
            return EP_EIO;
        sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
        step = sqlite3_step(st);
        if (step == SQLITE_ROW)
            json_object_set_new(c->accounts, id,
                                json_string((const char *)sqlite3_column_text(st, 0)));
        db_done(st);
        if (step == SQLITE_DONE) {
            json_object_set_new(c->accounts, id, json_string(id));
            rc = insert_row(c, "account", row, where);
        } else if (step != SQLITE_ROW) {
            rc = db_map_rc(step);
        }
        if (rc != EP_OK)
            return rc;
    }
    return EP_OK;
}

/* Sync sequence numbers of the archive go after this database's, in the
 * same order: the pull cursor stays monotonic for every production here. */
static int compute_shift(struct import_ctx *c, json_t *ops)
{
    static const char sql[] = "SELECT coalesce(max(seq), 0) FROM sync_op";
    sqlite3_stmt *st = once(c->db, sql);
    int64_t min = INT64_MAX, top = 0;
    size_t i;
    json_t *row;
    int step;

    if (st == NULL)
        return EP_EIO;
    step = rows_step_int64(st, &top);
    sqlite3_finalize(st);
    if (step != EP_OK)
        return step;
    json_array_foreach(ops, i, row)
    {
        json_t *s = json_object_get(row, "seq");
        if (!json_is_integer(s) || json_integer_value(s) < 1)
            return bad(c, EP_EINVAL, "rows/sync_op.jsonl line %zu: seq must be a positive integer",
                       i + 1);
        if (json_integer_value(s) < min)
            min = json_integer_value(s);
    }
    c->seq_shift = json_array_size(ops) > 0 ? top + 1 - min : top;
    return EP_OK;
}

/* Each photo's bytes must be those the manifest lists, for an upload of
 * this production. */
static int import_blobs(struct import_ctx *c, const struct transfer_list *in, json_t *list)
{
    static const char sql[] = "INSERT INTO attach_blob (id, data) VALUES (?1, ?2)";
    size_t i;
    json_t *a;

    if (!json_is_array(list))
        return bad(c, EP_EINVAL, "manifest.json: attachments must be an array");
    json_array_foreach(list, i, a)
    {
        const char *id = str(a, "id"), *sum = str(a, "sha256");
        const struct transfer_entry *e;
        char name[128], hex[65];
        sqlite3_stmt *st;
        int step;
        if (id == NULL || sum == NULL || json_object_get(c->uploads, id) == NULL)
            return bad(c, EP_EINVAL, "manifest.json: attachment %zu is not an upload here", i);
        snprintf(name, sizeof(name), "attachments/%s", id);
        e = transfer_list_find(in, name);
        if (e == NULL)
            return bad(c, EP_EINVAL, "the archive lacks %s", name);
        sha256_hex(e->data, e->len, hex);
        if (strcmp(hex, sum) != 0)
            return bad(c, EP_EINVAL, "%s does not match its SHA-256 in the manifest", name);
        st = db_stmt(c->db, sql);
        if (st == NULL)
            return EP_EIO;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, e->data, (int)e->len, SQLITE_STATIC);
        step = sqlite3_step(st);
        db_done(st);
        if (step != SQLITE_DONE)
            return (step & 0xff) == SQLITE_CONSTRAINT
                       ? bad(c, EP_ECONFLICT, "%s is already on this server", name)
                       : db_map_rc(step);
    }
    return EP_OK;
}

/* The server clock must stay ahead of every imported op's, or an office
 * edit made here could lose to an older one (docs/sync-protocol.md). */
static int advance_hlc(struct import_ctx *c, json_t *ops)
{
    static const char sql[] = "UPDATE meta SET value = ?1 WHERE key = 'hlc' AND value < ?1";
    const char *top = NULL;
    size_t i;
    json_t *row;
    sqlite3_stmt *st;
    int step;

    json_array_foreach(ops, i, row)
    {
        const char *h = str(row, "hlc");
        if (h != NULL && (top == NULL || strcmp(h, top) > 0))
            top = h;
    }
    if (top == NULL)
        return EP_OK;
    st = once(c->db, sql);
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, top, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? EP_OK : db_map_rc(step);
}

static int read_manifest(struct import_ctx *c, const struct transfer_list *in, json_t **out)
{
    const struct transfer_entry *e = transfer_list_find(in, "manifest.json");
    json_error_t jerr;
    const char *format = NULL;
    int version = 0, schema = 0, ours = 0, rc;

    *out = NULL;
    if (e == NULL)
        return bad(c, EP_EINVAL, "not a production archive: no manifest.json");
    *out = json_loadb((const char *)e->data, e->len, JSON_REJECT_DUPLICATES, &jerr);
    if (*out == NULL ||
        json_unpack_ex(*out, &jerr, 0, "{s:s, s:i, s:i}", "format", &format, "version", &version,
                       "schema", &schema) != 0 ||
        strcmp(format, TRANSFER_FORMAT) != 0)
        return bad(c, EP_EINVAL, "not a production archive: manifest.json is not ours");
    if (version != TRANSFER_VERSION)
        return bad(c, EP_ESCHEMA, "archive format %d; this server reads %d", version,
                   TRANSFER_VERSION);
    rc = db_schema_version(c->db, &ours);
    if (rc != EP_OK)
        return rc;
    if (schema > ours)
        return bad(c, EP_ESCHEMA, "the archive comes from a newer server (schema %d, here %d)",
                   schema, ours);
    return EP_OK;
}

/* Every rows/ file must be a table this module knows. */
static int check_names(struct import_ctx *c, const struct transfer_list *in)
{
    for (size_t i = 0; i < in->n; i++) {
        const char *n = in->items[i].name;
        int known = strcmp(n, "manifest.json") == 0 || strncmp(n, "attachments/", 12) == 0 ||
                    strncmp(n, "documents/", 10) == 0;
        for (size_t k = 0; !known && k < NTABLES; k++) {
            size_t tl = strlen(tables[k].name);
            known = strncmp(n, "rows/", 5) == 0 && strncmp(n + 5, tables[k].name, tl) == 0 &&
                    strcmp(n + 5 + tl, ".jsonl") == 0;
        }
        if (!known)
            return bad(c, EP_EINVAL, "unknown file in the archive: '%.100s'", n);
    }
    return EP_OK;
}

static int import_all(struct import_ctx *c, const struct transfer_list *in, json_t *manifest)
{
    json_t *rows[NTABLES] = {NULL};
    int rc = EP_OK;

    for (size_t i = 0; rc == EP_OK && i < NTABLES; i++)
        rc = parse_rows(c, in, tables[i].name, &rows[i]);
    if (rc == EP_OK)
        rc = prepare_production(c, rows[0]);
    if (rc == EP_OK)
        rc = compute_shift(c, rows[4]);
    for (size_t i = 0; rc == EP_OK && i < NTABLES; i++) {
        size_t k;
        json_t *row;
        if (strcmp(tables[i].name, "account") == 0) {
            rc = import_accounts(c, rows[i]);
            continue;
        }
        json_array_foreach(rows[i], k, row)
        {
            char where[80];
            snprintf(where, sizeof(where), "rows/%s.jsonl line %zu", tables[i].name, k + 1);
            rc = prepare_row(c, &tables[i], row, where);
            if (rc == EP_OK)
                rc = insert_row(c, tables[i].name, row, where);
            if (rc != EP_OK)
                break;
        }
    }
    if (rc == EP_OK)
        rc = import_blobs(c, in, json_object_get(manifest, "attachments"));
    if (rc == EP_OK)
        rc = advance_hlc(c, rows[4]);
    for (size_t i = 0; i < NTABLES; i++)
        json_decref(rows[i]);
    return rc;
}

static int add_importer(struct db *db, const char *id, const char *account, const char *name)
{
    struct identity_member m;
    unsigned char raw[8];
    int rc = identity_member_of_account(db, account, id, &m);

    if (rc != EP_ENOTFOUND)
        return rc; /* already a member (EP_OK), or a storage error */
    memset(&m, 0, sizeof(m));
    randombytes_buf(raw, sizeof(raw));
    snprintf(m.id, sizeof(m.id), "m-");
    sodium_bin2hex(m.id + 2, sizeof(m.id) - 2, raw, sizeof(raw));
    snprintf(m.production_id, sizeof(m.production_id), "%s", id);
    snprintf(m.account_id, sizeof(m.account_id), "%s", account);
    snprintf(m.name, sizeof(m.name), "%s", name);
    snprintf(m.department, sizeof(m.department), "production");
    m.level = 0;
    m.role = SYNC_ROLE_ADMIN;
    return identity_member_create(db, &m, clock_now_ms());
}

int transfer_import(struct db *db, const struct transfer_list *in, const char *company_id,
                    const char *admin_account, const char *admin_name, char *id_out, size_t len,
                    struct ep_error *err)
{
    struct import_ctx c;
    json_t *manifest = NULL;
    int rc;

    memset(&c, 0, sizeof(c));
    c.db = db;
    c.company_id = company_id;
    c.err = err;
    ep_error_clear(err);
    c.accounts = json_object();
    c.members = json_object();
    c.records = json_object();
    c.uploads = json_object();
    if (c.accounts == NULL || c.members == NULL || c.records == NULL || c.uploads == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    rc = read_manifest(&c, in, &manifest);
    if (rc == EP_OK)
        rc = check_names(&c, in);
    if (rc != EP_OK)
        goto out;
    rc = db_begin_write(db);
    if (rc != EP_OK)
        goto out;
    rc = import_all(&c, in, manifest);
    if (rc == EP_OK && admin_account != NULL)
        rc = add_importer(db, c.id, admin_account, admin_name);
    if (rc == EP_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == EP_OK)
        snprintf(id_out, len, "%s", c.id);
out:
    if (rc != EP_OK && err != NULL && err->message[0] == '\0')
        ep_error_set(err, rc, NULL, "%s", ep_strerror(rc));
    json_decref(manifest);
    json_decref(c.accounts);
    json_decref(c.members);
    json_decref(c.records);
    json_decref(c.uploads);
    return rc;
}
