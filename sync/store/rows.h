/*
 * rows.h - the statement helpers every module over SQLite needs: step a
 * write, collect rows as a JSON array, read one integer, read a column as
 * C text or as JSON.
 * One copy here instead of one per module (they had drifted: two col_text
 * with different signatures).
 *
 * Every function takes a statement from db_stmt() and, where it steps it to
 * the end, resets it with db_done() so the cached statement can be reused.
 * Thread rules are the connection's (db.h).
 */
#ifndef EP_ROWS_H
#define EP_ROWS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* Steps a write statement once and resets it. Returns 0 on SQLITE_DONE,
 * else the db_map_rc() code (a statement that yields a row is an error). */
int rows_step_done(sqlite3_stmt *st);

/* Steps st to the end, appending row(st) for each row (row returns a new
 * reference, NULL on OOM), and resets st. On success *out owns the array;
 * on error *out is NULL. Returns 0, EP_ENOMEM or a db_map_rc() code. */
int rows_list(sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *), json_t **out);

struct db;

/*
 * The whole SELECT -> JSON array in one call: prepares sql on db
 * (db_stmt(), so sql must be a static string), binds the n strings that
 * follow to ?1..?n (a NULL pointer binds SQL NULL; the strings are borrowed
 * until the call returns) and lists the rows as rows_list() does. Returns 0,
 * EP_EIO when the statement cannot be prepared, or rows_list()'s codes;
 * *out is NULL on error. For statements with other parameter types, use
 * db_stmt() and rows_list().
 */
int rows_select(struct db *db, const char *sql, json_t *(*row)(sqlite3_stmt *), json_t **out, int n,
                ...);

/*
 * One integer from one query (a count(*), an EXISTS, a max()): steps st
 * once, reads column 0 and resets st. Returns 0 with *out set; EP_ENOTFOUND
 * when there is no row or the value is NULL; else the db_map_rc() code. On
 * any error *out is 0. Use it with db_stmt() when the binds are not all
 * strings; rows_int() does the rest in one call.
 */
int rows_step_int64(sqlite3_stmt *st, int64_t *out);

/* rows_step_int64() for values that fit an int (counts, flags, versions). */
int rows_step_int(sqlite3_stmt *st, int *out);

/*
 * rows_step_int() in one call, the way rows_select() lists rows: prepares
 * sql on db (db_stmt(), so sql must be a static string), binds the n strings
 * that follow to ?1..?n (NULL binds SQL NULL; borrowed until the call
 * returns). Returns rows_step_int()'s codes, or EP_EIO when the statement
 * cannot be prepared; *out is 0 on error.
 */
int rows_int(struct db *db, const char *sql, int *out, int n, ...);

/* Copies column col (TEXT or NULL) into buf of len bytes; NULL becomes "".
 * A value that does not fit is EP_ETOOBIG rather than a silently different
 * string. */
int rows_text(sqlite3_stmt *st, int col, char *buf, size_t len);

/* Column col as a new JSON string, or JSON null for NULL. */
json_t *rows_json_text(sqlite3_stmt *st, int col);

/* Column col as a new JSON integer, or JSON null for NULL. */
json_t *rows_json_int(sqlite3_stmt *st, int col);

/* Column col holding JSON text as a new JSON value; null for NULL or text
 * that does not parse (the schema checks json_valid on such columns). */
json_t *rows_json(sqlite3_stmt *st, int col);

#endif
