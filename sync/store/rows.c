/* rows.c - statement helpers (see rows.h). */
#include "rows.h"

#include "db.h"
#include "err.h"

#include <assert.h>
#include <stdarg.h>
#include <string.h>

/* sql from the statement cache with the n strings of ap bound to ?1..?n
 * (NULL binds SQL NULL), or NULL when it cannot be prepared. */
static sqlite3_stmt *bound(struct db *db, const char *sql, int n, va_list ap)
{
    sqlite3_stmt *st = db_stmt(db, sql);

    for (int i = 1; st != NULL && i <= n; i++) {
        const char *v = va_arg(ap, const char *);
        if (v != NULL)
            sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, i);
    }
    return st;
}

int rows_step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

int rows_list(sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *), json_t **out)
{
    json_t *arr = json_array();
    int rc = EP_OK, step;

    *out = NULL;
    if (arr == NULL) {
        db_done(st);
        return EP_ENOMEM;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (json_array_append_new(arr, row(st)) != 0) {
            rc = EP_ENOMEM;
            break;
        }
    }
    if (rc == EP_OK && step != SQLITE_DONE)
        rc = db_map_rc(step);
    db_done(st);
    if (rc != EP_OK) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return EP_OK;
}

int rows_select(struct db *db, const char *sql, json_t *(*row)(sqlite3_stmt *), json_t **out, int n,
                ...)
{
    sqlite3_stmt *st;
    va_list ap;

    *out = NULL;
    va_start(ap, n);
    st = bound(db, sql, n, ap);
    va_end(ap);
    return st != NULL ? rows_list(st, row, out) : EP_EIO;
}

int rows_step_int64(sqlite3_stmt *st, int64_t *out)
{
    int rc = sqlite3_step(st);

    *out = 0;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *out = (int64_t)sqlite3_column_int64(st, 0);
        rc = EP_OK;
    } else {
        rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(rc);
    }
    db_done(st);
    return rc;
}

int rows_step_int(sqlite3_stmt *st, int *out)
{
    int64_t v;
    int rc = rows_step_int64(st, &v);

    /* The narrowing sqlite3_column_int() does: these values are small. */
    *out = (int)v;
    return rc;
}

int rows_int(struct db *db, const char *sql, int *out, int n, ...)
{
    sqlite3_stmt *st;
    va_list ap;

    *out = 0;
    va_start(ap, n);
    st = bound(db, sql, n, ap);
    va_end(ap);
    return st != NULL ? rows_step_int(st, out) : EP_EIO;
}

int rows_text(sqlite3_stmt *st, int col, char *buf, size_t len)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);

    assert(buf != NULL && len > 0);
    if (v == NULL) {
        buf[0] = '\0';
        return EP_OK;
    }
    if (n + 1 > len)
        return EP_ETOOBIG;
    memcpy(buf, v, n);
    buf[n] = '\0';
    return EP_OK;
}

json_t *rows_json_text(sqlite3_stmt *st, int col)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    return v != NULL ? json_stringn((const char *)v, (size_t)sqlite3_column_bytes(st, col))
                     : json_null();
}

json_t *rows_json_int(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL
               ? json_null()
               : json_integer((json_int_t)sqlite3_column_int64(st, col));
}

json_t *rows_json(sqlite3_stmt *st, int col)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    json_t *j = v != NULL
                    ? json_loadb((const char *)v, (size_t)sqlite3_column_bytes(st, col), 0, NULL)
                    : NULL;
    return j != NULL ? j : json_null();
}
