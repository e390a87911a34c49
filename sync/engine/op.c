/*
 * op.c - structure of one op and the collection catalog: everything that can
 * be checked about an op before touching the merged state.
 */
#include "canon.h"
#include "db.h"
#include "err.h"
#include "ids.h"
#include "sync_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELD_NAME_MAX 32
#define BASE_MAX_IDS 32   /* versions one write may supersede per field */
#define VALUE_MAX_DEPTH 4 /* nesting inside a field value */

int sync__refuse(struct sync__verdict *v, const char *code, const char *fmt, ...)
{
    va_list ap;

    snprintf(v->code, sizeof(v->code), "%s", code);
    va_start(ap, fmt);
    (void)vsnprintf(v->reason, sizeof(v->reason), fmt, ap); /* truncation is harmless */
    va_end(ap);
    return EP_EINVAL;
}

/* Field names: [a-z_][a-z0-9_]*, short; "_deleted" is the tombstone. */
static int valid_field_name(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > FIELD_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

static int value_depth_ok(const json_t *v, int depth)
{
    const char *k;
    json_t *x;
    size_t i;

    if (depth > VALUE_MAX_DEPTH)
        return 0;
    if (json_is_real(v) && !isfinite(json_real_value(v)))
        return 0;
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, k, x)
        {
            if (!value_depth_ok(x, depth + 1))
                return 0;
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            if (!value_depth_ok(x, depth + 1))
                return 0;
        }
    }
    return 1;
}

static int check_base(const struct sync_op *op, struct sync__verdict *v)
{
    const char *field;
    json_t *ids;

    if (!json_is_object(op->base))
        return sync__refuse(v, "invalid_op", "base must be an object of field -> op ids");
    json_object_foreach(op->base, field, ids)
    {
        size_t i;
        json_t *id;
        if (json_object_get(op->fields, field) == NULL)
            return sync__refuse(v, "invalid_op", "base names field '%s' that the op does not set",
                                field);
        if (!json_is_array(ids) || json_array_size(ids) > BASE_MAX_IDS)
            return sync__refuse(v, "invalid_op", "base.%s must be an array of at most %d op ids",
                                field, BASE_MAX_IDS);
        json_array_foreach(ids, i, id)
        {
            if (!ids_valid(json_string_value(id)))
                return sync__refuse(v, "invalid_op", "base.%s[%zu] is not a valid op id", field, i);
        }
    }
    return EP_OK;
}

int sync__op_decode(json_t *opj, struct sync_op *op, struct sync__verdict *v)
{
    json_error_t err;
    const char *field;
    json_t *val;

    memset(op, 0, sizeof(*op));
    if (!json_is_object(opj))
        return sync__refuse(v, "invalid_op", "an op must be a JSON object");
    if (json_unpack_ex(opj, &err, JSON_STRICT, "{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s?o}", "op",
                       &op->op_id, "col", &op->col, "id", &op->rid, "kind", &op->kind, "hlc",
                       &op->hlc_text, "dev", &op->dev, "fields", &op->fields, "base",
                       &op->base) != 0)
        return sync__refuse(v, "invalid_op", "%s", err.text);
    op->json = opj;
    if (!ids_valid(op->op_id))
        return sync__refuse(v, "invalid_op", "op: not a valid id ([A-Za-z0-9_.:~-], 1-%d chars)",
                            SYNC_MAX_ID);
    if (!ids_valid(op->rid))
        return sync__refuse(v, "invalid_op", "id: not a valid record id");
    if (!ids_valid(op->dev))
        return sync__refuse(v, "invalid_op", "dev: not a valid device id");
    if (strcmp(op->kind, "put") != 0 && strcmp(op->kind, "add") != 0)
        return sync__refuse(v, "invalid_op", "kind: must be \"put\" or \"add\", not \"%.32s\"",
                            op->kind);
    if (sync_hlc_parse(op->hlc_text, &op->hlc) != EP_OK)
        return sync__refuse(v, "invalid_op", "hlc: must be 12 hex digits, '-', 4 hex digits");
    if (!json_is_object(op->fields) || json_object_size(op->fields) == 0 ||
        json_object_size(op->fields) > SYNC_MAX_FIELDS)
        return sync__refuse(v, "invalid_op", "fields: must be an object of 1 to %d fields",
                            SYNC_MAX_FIELDS);
    json_object_foreach(op->fields, field, val)
    {
        if (!valid_field_name(field))
            return sync__refuse(v, "invalid_field", "field name '%.40s' is not [a-z_][a-z0-9_]*",
                                field);
        if (!value_depth_ok(val, 0))
            return sync__refuse(v, "invalid_field", "field '%s' is nested too deeply or not finite",
                                field);
    }
    if (op->base != NULL) {
        if (strcmp(op->kind, "add") == 0)
            return sync__refuse(v, "invalid_op", "base: facts are never edited, so have no base");
        if (check_base(op, v) != EP_OK)
            return EP_EINVAL;
    }
    return EP_OK;
}

char *sync__canonical(const json_t *opj)
{
    return canon_dumps(opj);
}

char *sync__canonical_v0(const json_t *opj)
{
    return json_dumps(opj, JSON_COMPACT | JSON_SORT_KEYS);
}

/* ---- catalog ---------------------------------------------------------- */

int sync__catalog_load(struct db *db, struct sync__catalog *cat)
{
    static const char sql[] = "SELECT name, type, spec FROM sync_collection ORDER BY name";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc = EP_OK;
    size_t cap = 0;

    memset(cat, 0, sizeof(*cat));
    if (st == NULL)
        return EP_EIO;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sync__collection *c;
        json_error_t err;
        if (cat->n == cap) {
            size_t ncap = cap == 0 ? 16 : cap * 2;
            struct sync__collection *n = realloc(cat->items, ncap * sizeof(*n));
            if (n == NULL) {
                rc = EP_ENOMEM;
                goto out;
            }
            cat->items = n;
            cap = ncap;
        }
        c = &cat->items[cat->n];
        snprintf(c->name, sizeof(c->name), "%s", (const char *)sqlite3_column_text(st, 0));
        c->is_fact = strcmp((const char *)sqlite3_column_text(st, 1), "fact") == 0;
        c->spec = json_loads((const char *)sqlite3_column_text(st, 2), 0, &err);
        if (c->spec == NULL) {
            rc = EP_ECORRUPT;
            goto out;
        }
        {
            const char *scope = json_string_value(json_object_get(c->spec, "scope"));
            c->is_company = scope != NULL && strcmp(scope, "company") == 0;
        }
        cat->n++;
    }
    rc = rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
out:
    db_done(st);
    if (rc != EP_OK)
        sync__catalog_release(cat);
    return rc;
}

void sync__catalog_release(struct sync__catalog *cat)
{
    for (size_t i = 0; i < cat->n; i++)
        json_decref(cat->items[i].spec);
    free(cat->items);
    memset(cat, 0, sizeof(*cat));
}

const struct sync__collection *sync__catalog_find(const struct sync__catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->n; i++) {
        if (strcmp(cat->items[i].name, name) == 0)
            return &cat->items[i];
    }
    return NULL;
}

/* An integer or a real with no fraction: numbers are doubles on the wire, and
 * 5.0 is 5 (docs/sync-protocol.md §2.5). */
static int is_integral(const json_t *val)
{
    return json_is_integer(val) ||
           (json_is_real(val) && json_real_value(val) == floor(json_real_value(val)));
}

/* Checks one value against one field rule. */
static int check_value(const char *field, const json_t *rule, const json_t *val, int is_fact,
                       struct sync__verdict *v)
{
    const char *type = json_string_value(json_object_get(rule, "type"));
    json_t *lim;

    /* null clears a field of a record; a fact has no use for null. */
    if (json_is_null(val)) {
        if (is_fact)
            return sync__refuse(v, "invalid_field", "field '%s' cannot be null in a fact", field);
        return EP_OK;
    }
    if (type != NULL) {
        int ok = (strcmp(type, "string") == 0 && json_is_string(val)) ||
                 (strcmp(type, "number") == 0 && json_is_number(val)) ||
                 (strcmp(type, "integer") == 0 && is_integral(val)) ||
                 (strcmp(type, "boolean") == 0 && json_is_boolean(val)) ||
                 (strcmp(type, "object") == 0 && json_is_object(val)) ||
                 (strcmp(type, "array") == 0 && json_is_array(val));
        if (!ok)
            return sync__refuse(v, "invalid_field", "field '%s' must be of type %s", field, type);
    }
    if (json_is_string(val)) {
        lim = json_object_get(rule, "max");
        if (lim != NULL && json_string_length(val) > (size_t)json_number_value(lim))
            return sync__refuse(v, "invalid_field", "field '%s' is longer than %.0f bytes", field,
                                json_number_value(lim));
    }
    if (json_is_number(val)) {
        double x = json_number_value(val);
        lim = json_object_get(rule, "min");
        if (lim != NULL && x < json_number_value(lim))
            return sync__refuse(v, "invalid_field", "field '%s' is below %g", field,
                                json_number_value(lim));
        lim = json_object_get(rule, "max");
        if (lim != NULL && x > json_number_value(lim))
            return sync__refuse(v, "invalid_field", "field '%s' is above %g", field,
                                json_number_value(lim));
    }
    lim = json_object_get(rule, "enum");
    if (json_is_array(lim)) {
        size_t i;
        json_t *e;
        json_array_foreach(lim, i, e)
        {
            if (json_equal(e, val))
                return EP_OK;
        }
        return sync__refuse(v, "invalid_field", "field '%s' has a value outside its list", field);
    }
    return EP_OK;
}

int sync__spec_check(const struct sync__collection *c, const struct sync_op *op,
                     struct sync__verdict *v)
{
    json_t *rules = json_object_get(c->spec, "fields");
    int extra = json_is_true(json_object_get(c->spec, "extra"));
    const char *field;
    json_t *val;

    if (c->is_fact != (strcmp(op->kind, "add") == 0))
        return sync__refuse(v, "wrong_kind", "collection '%s' holds %s: use kind \"%s\"", c->name,
                            c->is_fact ? "append-only facts" : "editable records",
                            c->is_fact ? "add" : "put");
    json_object_foreach(op->fields, field, val)
    {
        json_t *rule = json_object_get(rules, field);
        if (rule == NULL) {
            if (!extra)
                return sync__refuse(v, "unknown_field", "collection '%s' has no field '%s'",
                                    c->name, field);
            continue;
        }
        if (check_value(field, rule, val, c->is_fact, v) != EP_OK)
            return EP_EINVAL;
    }
    if (c->is_fact && !json_is_true(json_object_get(op->fields, "void"))) {
        /* A fact is complete when added; a record is built by partial puts;
         * a void carries only what it voids. */
        json_object_foreach(rules, field, val)
        {
            if (json_is_true(json_object_get(val, "required")) &&
                json_object_get(op->fields, field) == NULL)
                return sync__refuse(v, "missing_field", "field '%s' is required in '%s'", field,
                                    c->name);
        }
    }
    if (c->is_fact && json_is_true(json_object_get(op->fields, "void")) &&
        !json_is_string(json_object_get(op->fields, "supersedes")))
        return sync__refuse(v, "invalid_field",
                            "a void must name the fact it voids in "
                            "'supersedes'");
    return EP_OK;
}
