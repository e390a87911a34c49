/* directory.c - the company directory's space and CSV (see directory.h). */
#include "directory.h"

#include "csv.h"
#include "db.h"
#include "err.h"
#include "ids.h"
#include "strbuf.h"
#include "text.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How a column's cells become a field. */
enum col_type {
    COL_ID,
    COL_TEXT,
    COL_KIND,
    COL_SCOPE,
    COL_PRICE,
    COL_RATING,
    COL_CRITERIA,
};

/* A column's titles, in French and English, are the text files'
 * "directory_csv.col.<field>" (text.h): the export writes the reader's, the
 * import reads either. */
struct column {
    const char *field; /* the record's field, also accepted as a title */
    enum col_type type;
};

static const struct column columns[] = {
    {"id", COL_ID},
    {"name", COL_TEXT},
    {"kind", COL_KIND},
    {"scope", COL_SCOPE},
    {"location", COL_TEXT},
    {"contact", COL_TEXT},
    {"price_level", COL_PRICE},
    {"budget", COL_TEXT},
    {"constraints", COL_TEXT},
    {"criteria_met", COL_CRITERIA},
    {"evidence", COL_TEXT},
    {"feedback", COL_TEXT},
    {"rating", COL_RATING},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* An enum value and the text key of its label (text.h; "other" is
 * "others": a key ending ".other" reads as a plural). */
struct label {
    const char *id;
    const char *key;
};

static const struct label kinds[] = {
    {"partner", "directory_csv.kind.partner"},
    {"provider", "directory_csv.kind.provider"},
    {"material", "directory_csv.kind.material"},
    {"tool", "directory_csv.kind.tool"},
};

static const struct label scopes[] = {
    {"catering", "directory_csv.scope.catering"},
    {"transport", "directory_csv.scope.transport"},
    {"accommodation", "directory_csv.scope.accommodation"},
    {"costumes", "directory_csv.scope.costumes"},
    {"makeup", "directory_csv.scope.makeup"},
    {"sets", "directory_csv.scope.sets"},
    {"energy", "directory_csv.scope.energy"},
    {"equipment", "directory_csv.scope.equipment"},
    {"digital", "directory_csv.scope.digital"},
    {"waste", "directory_csv.scope.waste"},
    {"other", "directory_csv.scope.others"},
};

#define NLABELS(a) (sizeof(a) / sizeof((a)[0]))

int directory_space(struct db *db, const char *production_id, char *out, size_t len)
{
    static const char sql[] = "SELECT 'co:' || company_id FROM production "
                              "WHERE id = ?1 AND is_company_space = 0";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int n = snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
        rc = n >= 0 && (size_t)n < len ? EP_OK : EP_ETOOBIG;
    } else {
        rc = rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
    }
    db_done(st);
    return rc;
}

/* Live records of col in space as a new object id -> fields. Runs in the
 * caller's transaction, if any (sync_state would open its own). */
static int live_records(struct db *db, const char *space, const char *col, json_t **out)
{
    static const char sql[] = "SELECT rid, state FROM sync_record WHERE production_id = ?1 "
                              "AND col = ?2 AND deleted = 0";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *obj = json_object();
    int rc;

    *out = NULL;
    if (st == NULL || obj == NULL) {
        json_decref(obj);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, space, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_error_t err;
        json_t *state = json_loads((const char *)sqlite3_column_text(st, 1), 0, &err);
        if (state == NULL) {
            rc = EP_ECORRUPT;
            break;
        }
        json_object_set_new(obj, (const char *)sqlite3_column_text(st, 0), state);
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(obj);
        return rc == EP_ECORRUPT ? rc : db_map_rc(rc);
    }
    *out = obj;
    return EP_OK;
}

/* ---- export ---- */

/* The title of column c in lang. */
static const char *col_title(const struct column *c, const char *lang)
{
    char key[64];
    snprintf(key, sizeof(key), "directory_csv.col.%s", c->field);
    return text_get(lang, key);
}

/* The label of id in table l (n entries) in lang; an unknown id as itself. */
static const char *label_of(const struct label *l, size_t n, const char *id, const char *lang)
{
    for (size_t i = 0; id != NULL && i < n; i++) {
        if (strcmp(l[i].id, id) == 0)
            return text_get(lang, l[i].key);
    }
    return id;
}

static int by_name(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a;
    const json_t *y = *(const json_t *const *)b;
    const char *nx = json_string_value(json_object_get(x, "name"));
    const char *ny = json_string_value(json_object_get(y, "name"));
    int c = strcmp(nx != NULL ? nx : "", ny != NULL ? ny : "");

    if (c == 0)
        c = strcmp(json_string_value(json_object_get(x, "id")),
                   json_string_value(json_object_get(y, "id")));
    return c;
}

/* One entry's cell for column c. */
static int export_cell(struct strbuf *b, const struct column *c, const json_t *rec,
                       const char *lang)
{
    const json_t *v = json_object_get(rec, c->field);
    char num[24];

    switch (c->type) {
    case COL_KIND:
        return csv_cell(b, label_of(kinds, NLABELS(kinds), json_string_value(v), lang));
    case COL_SCOPE:
        return csv_cell(b, label_of(scopes, NLABELS(scopes), json_string_value(v), lang));
    case COL_PRICE:
    case COL_RATING:
        if (!json_is_integer(v))
            return csv_cell(b, NULL);
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        return csv_cell(b, num);
    case COL_CRITERIA: {
        struct strbuf list;
        size_t i;
        json_t *e;
        int rc = EP_OK;
        strbuf_init(&list, CSV_MAX_CELL);
        json_array_foreach(v, i, e)
        {
            if (json_is_string(e) && rc == EP_OK)
                rc = strbuf_printf(&list, "%s%s", list.len > 0 ? "," : "", json_string_value(e));
        }
        if (rc == EP_OK)
            rc = csv_cell(b, list.p);
        strbuf_release(&list);
        return rc;
    }
    case COL_ID:
    case COL_TEXT:
        break;
    }
    return csv_cell(b, json_string_value(v));
}

int directory_csv(struct db *db, const char *space, const char *lang, char **out, size_t *len)
{
    struct strbuf b;
    json_t *recs = NULL;
    json_t **list = NULL;
    const char *id;
    json_t *rec;
    size_t n = 0;
    int rc;

    *out = NULL;
    *len = 0;
    strbuf_init(&b, (size_t)64 << 20);
    rc = db_begin_read(db);
    if (rc != EP_OK)
        return rc;
    rc = live_records(db, space, "suppliers", &recs);
    db_rollback(db);
    if (rc != EP_OK)
        goto out;
    list = calloc(json_object_size(recs) + 1, sizeof(json_t *));
    if (list == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    json_object_foreach(recs, id, rec)
    {
        json_object_set_new(rec, "id", json_string(id));
        list[n++] = rec;
    }
    qsort((void *)list, n, sizeof(json_t *), by_name);
    rc = strbuf_str(&b, CSV_BOM);
    for (size_t c = 0; rc == EP_OK && c < NCOLUMNS; c++)
        rc = csv_cell(&b, col_title(&columns[c], lang));
    if (rc == EP_OK)
        rc = csv_end_row(&b);
    for (size_t i = 0; rc == EP_OK && i < n; i++) {
        for (size_t c = 0; rc == EP_OK && c < NCOLUMNS; c++)
            rc = export_cell(&b, &columns[c], list[i], lang);
        if (rc == EP_OK)
            rc = csv_end_row(&b);
    }
    if (rc == EP_OK) {
        *out = strbuf_detach(&b, len);
        rc = *out != NULL ? EP_OK : EP_ENOMEM;
    }
out:
    free(list);
    json_decref(recs);
    strbuf_release(&b);
    return rc;
}

/* ---- import ---- */

struct import {
    struct db *db;
    const struct sync_opts *opts;
    const struct sync_actor *actor;
    const struct column *cols[CSV_MAX_CELLS]; /* by position, from the header */
    size_t ncols;
    int header_done;
    json_t *criteria; /* id -> fields of the company's criteria */
    json_t *seen;     /* id -> line, for ids given twice */
    json_t *errors;
    size_t error_count;
    size_t rows;
    int storage_rc; /* a storage error stops everything */
};

static void bad(struct import *im, size_t line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void bad(struct import *im, size_t line, const char *column, const char *fmt, ...)
{
    char msg[300];
    va_list ap;

    im->error_count++;
    if (json_array_size(im->errors) >= 100)
        return;
    va_start(ap, fmt);
    if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
        msg[0] = '\0';
    va_end(ap);
    json_array_append_new(im->errors, json_pack("{s:I, s:s?, s:s}", "line", (json_int_t)line,
                                                "column", column, "message", msg));
}

/* s without leading and trailing ASCII blanks, in place. */
static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        *--e = '\0';
    return s;
}

static const struct column *column_named(const char *title)
{
    for (size_t i = 0; i < NCOLUMNS; i++) {
        const struct column *c = &columns[i];
        if (strcasecmp(title, c->field) == 0 || strcasecmp(title, col_title(c, "fr")) == 0 ||
            strcasecmp(title, col_title(c, "en")) == 0)
            return c;
    }
    return NULL;
}

static int read_header(struct import *im, size_t line, char *const *cells, size_t n)
{
    int has_name = 0;

    for (size_t i = 0; i < n; i++) {
        const char *title = trim(cells[i]);
        const struct column *c = column_named(title);
        if (c == NULL) {
            bad(im, line, title, "unknown column '%s'", title);
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (im->cols[j] == c)
                bad(im, line, title, "column '%s' appears twice", title);
        }
        has_name |= strcmp(c->field, "name") == 0;
        im->cols[i] = c;
    }
    if (!has_name)
        bad(im, line, NULL, "the first row must name the columns, including 'nom' (or 'name')");
    im->ncols = n;
    im->header_done = 1;
    return im->error_count > 0 ? 1 : 0; /* a bad header makes every row meaningless */
}

/* The id in table l whose id or label (French or English) is text, or NULL. */
static const char *label_id(const struct label *l, size_t n, const char *text)
{
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(text, l[i].id) == 0 || strcasecmp(text, text_get("fr", l[i].key)) == 0 ||
            strcasecmp(text, text_get("en", l[i].key)) == 0)
            return l[i].id;
    }
    return NULL;
}

static int small_int(const char *text, long lo, long hi, long *out)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);

    if (end == text || *end != '\0' || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

/* Criteria ids from "a, b,c"; each must be one of the company's. */
static json_t *criteria_list(struct import *im, size_t line, const char *title, char *text)
{
    json_t *arr = json_array();
    char *save = NULL;

    for (char *tok = strtok_r(text, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        const char *id = trim(tok);
        if (id[0] == '\0')
            continue;
        if (json_object_get(im->criteria, id) == NULL) {
            bad(im, line, title,
                "criterion '%s' is not defined for the company: define it first, then import", id);
            continue;
        }
        json_array_append_new(arr, json_string(id));
    }
    return arr;
}

/* One cell into fields; reports what is wrong with it. */
static void read_cell(struct import *im, size_t line, const struct column *c, char *cell,
                      json_t *fields, const char **id)
{
    const char *title = col_title(c, "fr");
    char *v = trim(cell);
    const char *e;
    long n;

    if (v[0] == '\0')
        return; /* an empty cell leaves the field as it is */
    switch (c->type) {
    case COL_ID:
        *id = v;
        return;
    case COL_TEXT:
        /* Text is kept as typed, blanks included, unless it is all blank. */
        json_object_set_new(fields, c->field, json_string(cell));
        return;
    case COL_KIND:
        e = label_id(kinds, NLABELS(kinds), v);
        if (e == NULL)
            bad(im, line, title, "'%s' is not a kind: partenaire, prestataire, matériau or outil",
                v);
        else
            json_object_set_new(fields, c->field, json_string(e));
        return;
    case COL_SCOPE:
        e = label_id(scopes, NLABELS(scopes), v);
        if (e == NULL)
            bad(im, line, title, "'%s' is not a scope (restauration, transport, hébergement, ...)",
                v);
        else
            json_object_set_new(fields, c->field, json_string(e));
        return;
    case COL_PRICE:
        if (strcmp(v, "€") == 0 || strcmp(v, "€€") == 0 || strcmp(v, "€€€") == 0)
            n = (long)(strlen(v) / strlen("€"));
        else if (!small_int(v, 1, 3, &n)) {
            bad(im, line, title, "'%s' is not a price level: 1, 2, 3 or €, €€, €€€", v);
            return;
        }
        json_object_set_new(fields, c->field, json_integer(n));
        return;
    case COL_RATING:
        if (!small_int(v, 1, 5, &n))
            bad(im, line, title, "'%s' is not a rating from 1 to 5", v);
        else
            json_object_set_new(fields, c->field, json_integer(n));
        return;
    case COL_CRITERIA:
        json_object_set_new(fields, c->field, criteria_list(im, line, title, v));
        return;
    }
}

static int import_row(void *ctx, size_t line, char *const *cells, size_t n)
{
    struct import *im = ctx;
    json_t *fields = NULL, *ack = NULL;
    const char *id = NULL;
    char fresh[4 + 2 * 12 + 1];
    size_t before = im->error_count;
    int blank = 1;
    int rc;

    if (!im->header_done)
        return read_header(im, line, cells, n);
    for (size_t i = 0; i < n; i++)
        blank &= trim(cells[i])[0] == '\0';
    if (blank)
        return 0; /* spreadsheets leave rows of empty cells behind */
    if (++im->rows > DIRECTORY_MAX_ROWS) {
        bad(im, line, NULL, "more than %d rows: split the file", DIRECTORY_MAX_ROWS);
        return 1;
    }
    if (n != im->ncols) {
        bad(im, line, NULL, "%zu cells where the first row names %zu columns", n, im->ncols);
        return 0;
    }
    fields = json_object();
    if (fields == NULL)
        return EP_ENOMEM;
    for (size_t i = 0; i < n; i++)
        read_cell(im, line, im->cols[i], cells[i], fields, &id);
    if (id == NULL && json_object_get(fields, "name") == NULL)
        bad(im, line, "nom", "a new entry needs a name");
    if (id != NULL && !ids_valid(id))
        bad(im, line, "identifiant", "'%s' is not an id (letters, digits, _.:~-, 64 at most)", id);
    if (id != NULL && im->error_count == before) {
        json_t *prev = json_object_get(im->seen, id);
        if (prev != NULL)
            bad(im, line, "identifiant", "id '%s' is already used on line %lld", id,
                (long long)json_integer_value(prev));
        else
            json_object_set_new(im->seen, id, json_integer((json_int_t)line));
    }
    if (im->error_count > 0) {
        /* Still check the rows below so the report is complete, but write
         * nothing more: the whole file will be rolled back. */
        json_decref(fields);
        return 0;
    }
    if (id == NULL) {
        unsigned char rnd[12];
        randombytes_buf(rnd, sizeof(rnd));
        snprintf(fresh, sizeof(fresh), "sup-");
        sodium_bin2hex(fresh + 4, sizeof(fresh) - 4, rnd, sizeof(rnd));
        id = fresh;
    }
    rc = sync_server_put(im->db, im->opts, im->actor, "suppliers", id, fields, &ack);
    json_decref(fields);
    if (rc != EP_OK) {
        im->storage_rc = rc;
        return 1;
    }
    if (strcmp(json_string_value(json_object_get(ack, "status")), "applied") != 0)
        bad(im, line, NULL, "%s", json_string_value(json_object_get(ack, "reason")));
    json_decref(ack);
    return 0;
}

int directory_import_csv(struct db *db, const struct sync_opts *opts,
                         const struct sync_actor *actor, const char *buf, size_t len,
                         json_t **report)
{
    struct import im;
    struct ep_error err;
    size_t err_line = 0;
    int rc, in_tx = 0;

    *report = NULL;
    memset(&im, 0, sizeof(im));
    im.db = db;
    im.opts = opts;
    im.actor = actor;
    if (actor->company_space == NULL)
        return EP_EINVAL;
    im.seen = json_object();
    im.errors = json_array();
    if (im.seen == NULL || im.errors == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    rc = db_begin_write(db);
    if (rc != EP_OK)
        goto out;
    in_tx = 1;
    rc = live_records(db, actor->company_space, "criteria", &im.criteria);
    if (rc != EP_OK)
        goto out;
    rc = csv_read(buf, len, import_row, &im, &err_line, &err);
    if (rc == EP_EINVAL && err_line > 0)
        bad(&im, err_line, NULL, "%s", err.message);
    if (im.storage_rc != EP_OK) {
        rc = im.storage_rc;
        goto out;
    }
    if (rc != EP_OK && rc != EP_EINVAL && rc != 1)
        goto out;
    if (!im.header_done)
        bad(&im, 1, NULL, "the file is empty");
    if (im.error_count > 0) {
        *report =
            json_pack("{s:O, s:I}", "errors", im.errors, "error_count", (json_int_t)im.error_count);
        rc = *report != NULL ? EP_EINVAL : EP_ENOMEM;
        goto out;
    }
    rc = db_commit(db);
    if (rc != EP_OK)
        goto out;
    in_tx = 0;
    *report = json_pack("{s:I}", "imported", (json_int_t)im.rows);
    rc = *report != NULL ? EP_OK : EP_ENOMEM;
out:
    if (in_tx)
        db_rollback(db);
    json_decref(im.seen);
    json_decref(im.errors);
    json_decref(im.criteria);
    return rc;
}
