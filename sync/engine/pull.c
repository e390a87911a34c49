/*
 * pull.c - paging through the op log by cursor, and applying pulled ops to a
 * local replica (docs/sync-protocol.md, "Pull").
 */
#include "db.h"
#include "err.h"
#include "strbuf.h"
#include "sync_internal.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses "<database_id>.<seq>" against this database. */
static int parse_cursor(struct db *db, const char *cursor, int64_t *seq, struct ep_error *err)
{
    char dbid[64];
    const char *dot;
    char *end = NULL;
    long long v;
    int rc;

    *seq = 0;
    if (cursor == NULL || cursor[0] == '\0')
        return EP_OK;
    dot = strchr(cursor, '.');
    if (dot == NULL || dot == cursor || (size_t)(dot - cursor) >= sizeof(dbid)) {
        return ep_error_set(err, EP_EINVAL, "cursor",
                            "cursor: expected \"<database id>.<sequence>\"");
    }
    errno = 0;
    v = strtoll(dot + 1, &end, 10);
    if (errno != 0 || end == dot + 1 || *end != '\0' || v < 0) {
        return ep_error_set(err, EP_EINVAL, "cursor",
                            "cursor: the sequence is not a non-negative number");
    }
    rc = db_meta_get(db, "database_id", dbid, sizeof(dbid));
    if (rc != EP_OK)
        return rc;
    if (strlen(dbid) != (size_t)(dot - cursor) ||
        strncmp(dbid, cursor, (size_t)(dot - cursor)) != 0) {
        /* A cursor from a restored copy or another server would skip or
         * repeat ops silently; the client must start over from "". */
        return ep_error_set(err, EP_ECONFLICT, "cursor",
                            "cursor: minted by another database; pull again from the start");
    }
    *seq = v;
    return EP_OK;
}

/*
 * Whether the requester holds the op of the current row because it pushed
 * it itself: made under its device id and stored with its origin. An op the
 * server made under that id (origin NULL) is not one of them: the replica
 * has never seen it (docs/sync-protocol.md §5, "own").
 */
static int pushed_by(sqlite3_stmt *st, const char *dev, const char *origin)
{
    const char *op_dev = (const char *)sqlite3_column_text(st, 5);
    const char *op_origin = (const char *)sqlite3_column_text(st, 6);

    return op_dev != NULL && op_origin != NULL && strcmp(op_dev, dev) == 0 &&
           strcmp(op_origin, origin) == 0;
}

/*
 * Adds the op of the current row of st to the page, unless hide_dev (may be
 * NULL) pushed it from hide_origin or the read filter hides it. Returns
 * EP_OK, or 1 when the page is full (the row is not consumed), or an error.
 */
static int page_add(sqlite3_stmt *st, const struct sync_opts *opts, const struct sync_actor *actor,
                    const char *hide_dev, struct strbuf *b, int limit, int *n, int64_t *last)
{
    const char *body = (const char *)sqlite3_column_text(st, 1);
    size_t blen = (size_t)sqlite3_column_bytes(st, 1);
    int rc;

    if (*n == limit || (*n > 0 && b->len + blen + 256 > SYNC_PULL_MAX_BYTES))
        return 1;
    *last = sqlite3_column_int64(st, 0);
    if (hide_dev != NULL && pushed_by(st, hide_dev, opts->origin))
        return EP_OK; /* the replica holds it: the cursor still moves past it */
    if (opts != NULL && opts->can_read != NULL) {
        /* Most collections are readable by collection alone: ask with the
         * columns first, and parse the op only when the filter needs its
         * fields (a pull is otherwise no JSON work at all). */
        struct sync_op head;
        int visible;
        memset(&head, 0, sizeof(head));
        head.col = (const char *)sqlite3_column_text(st, 2);
        head.rid = (const char *)sqlite3_column_text(st, 3);
        head.kind = (const char *)sqlite3_column_text(st, 4);
        head.dev = (const char *)sqlite3_column_text(st, 5);
        visible = opts->can_read(opts->ctx, actor, &head);
        if (visible < 0) {
            json_error_t jerr;
            json_t *opj = json_loadb(body, blen, 0, &jerr);
            struct sync__verdict v;
            struct sync_op op;
            visible = opj != NULL && sync__op_decode(opj, &op, &v) == EP_OK &&
                      opts->can_read(opts->ctx, actor, &op) > 0;
            json_decref(opj);
        }
        if (!visible)
            return EP_OK; /* the cursor still moves past it */
    }
    rc = (*n > 0 ? strbuf_add(b, ",", 1) : EP_OK);
    if (rc == EP_OK)
        rc = strbuf_add(b, body, blen);
    if (rc == EP_OK)
        (*n)++;
    return rc;
}

int sync_pull(struct db *db, const struct sync_opts *opts, const struct sync_actor *actor,
              const char *cursor, int limit, char **out, size_t *outlen, size_t *nops,
              struct ep_error *err)
{
    static const char sql[] = "SELECT seq, body, col, rid, kind, dev, origin FROM sync_op "
                              "WHERE production_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3";
    /* With a company space, the space's ops come from a second statement
     * (another SQL text, so another cached statement) and the two streams,
     * each read in seq order through the (production_id, seq) index, are
     * merged here. A UNION ALL ... ORDER BY seq did the same in SQL but
     * copied every row, body included, through two temporary sorters: it
     * was most of a pull's cost (bench/README.md, session 3). */
    static const char sql_space[] = "SELECT seq, body, col, rid, kind, dev, origin FROM sync_op "
                                    "WHERE production_id = ?4 AND seq > ?2 ORDER BY seq LIMIT ?3";
    const char *space = actor->company_space;
    /* Only a replica that has pulled before holds its own ops (it applied
     * each one when it made it); an empty cursor means it starts over. */
    const char *hide_dev = (opts != NULL && opts->hide_own && opts->origin != NULL &&
                            actor->device_id != NULL && cursor != NULL && cursor[0] != '\0')
                               ? actor->device_id
                               : NULL;
    struct strbuf b;
    sqlite3_stmt *sa = NULL, *sb = NULL;
    int64_t after = 0, last = 0;
    uint64_t clock = 0;
    char dbid[64], tail[256], hlc_text[SYNC_HLC_LEN + 1];
    int n = 0, more = 0, in_tx = 0;
    int rc, ra, rb = SQLITE_DONE;
    int na = 0, nb = 0; /* rows read from each statement */

    assert(db != NULL && actor != NULL && out != NULL && outlen != NULL);
    strbuf_init(&b, SYNC_PULL_MAX_BYTES + 4096);
    *out = NULL;
    *outlen = 0;
    if (limit < 1)
        limit = 1;
    if (limit > SYNC_PULL_MAX)
        limit = SYNC_PULL_MAX;
    rc = db_begin_read(db); /* one snapshot for the page and the clock */
    if (rc != EP_OK)
        return rc;
    in_tx = 1;
    rc = parse_cursor(db, cursor, &after, err);
    if (rc == EP_OK)
        rc = db_meta_get(db, "database_id", dbid, sizeof(dbid));
    if (rc == EP_OK)
        rc = sync__clock_get(db, &clock);
    if (rc == EP_OK)
        rc = strbuf_str(&b, "{\"schema\":1,\"ops\":[");
    if (rc != EP_OK)
        goto out;
    last = after;
    if (space != NULL && strcmp(space, actor->production_id) == 0)
        space = NULL;
    sa = db_stmt(db, sql);
    sb = space != NULL ? db_stmt(db, sql_space) : NULL;
    if (sa == NULL || (space != NULL && sb == NULL)) {
        rc = EP_EIO;
        goto out;
    }
    sqlite3_bind_text(sa, 1, actor->production_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(sa, 2, after);
    sqlite3_bind_int(sa, 3, limit + 1); /* one more tells whether there is more */
    ra = sqlite3_step(sa);
    na += ra == SQLITE_ROW;
    if (sb != NULL) {
        sqlite3_bind_text(sb, 4, space, -1, SQLITE_STATIC);
        sqlite3_bind_int64(sb, 2, after);
        sqlite3_bind_int(sb, 3, limit + 1);
        rb = sqlite3_step(sb);
        nb += rb == SQLITE_ROW;
    }
    for (;;) {
        sqlite3_stmt *st;
        if (ra != SQLITE_ROW && ra != SQLITE_DONE) {
            rc = db_map_rc(ra);
            break;
        }
        if (rb != SQLITE_ROW && rb != SQLITE_DONE) {
            rc = db_map_rc(rb);
            break;
        }
        /* A statement that ran out at its LIMIT may have more rows after
         * it: when hidden ops (own, unreadable) left the page short, stop
         * there and say "more", or the rest would wait for the next sync
         * and the other stream could overtake it. */
        if ((ra == SQLITE_DONE && na > limit) || (rb == SQLITE_DONE && nb > limit)) {
            more = 1;
            break;
        }
        if (ra == SQLITE_ROW &&
            (rb != SQLITE_ROW || sqlite3_column_int64(sa, 0) < sqlite3_column_int64(sb, 0)))
            st = sa;
        else if (rb == SQLITE_ROW)
            st = sb;
        else
            break; /* both done */
        /* The two streams merge in seq order, each after the cursor: a row
         * at or before `last` would be sent twice or move the cursor back. */
        assert(sqlite3_column_int64(st, 0) > last);
        rc = page_add(st, opts, actor, hide_dev, &b, limit, &n, &last);
        if (rc == 1) {
            more = 1;
            rc = EP_OK;
            break;
        }
        if (rc != EP_OK)
            break;
        if (st == sa) {
            ra = sqlite3_step(sa);
            na += ra == SQLITE_ROW;
        } else {
            rb = sqlite3_step(sb);
            nb += rb == SQLITE_ROW;
        }
    }
    db_done(sa);
    db_done(sb);
    if (rc != EP_OK)
        goto out;
    sync_hlc_format(clock, hlc_text);
    snprintf(tail, sizeof(tail), "],\"cursor\":\"%s.%lld\",\"more\":%s,\"hlc\":\"%s\"}", dbid,
             (long long)last, more ? "true" : "false", hlc_text);
    rc = strbuf_str(&b, tail);
out:
    if (in_tx)
        db_rollback(db);
    if (rc != EP_OK) {
        strbuf_release(&b);
        return rc;
    }
    *out = strbuf_detach(&b, outlen);
    if (nops != NULL)
        *nops = (size_t)n;
    return *out != NULL ? EP_OK : EP_ENOMEM;
}

int sync_apply_remote(struct db *db, const char *production_id, json_t *ops)
{
    struct sync__apply_in in = {NULL, NULL, production_id, NULL, NULL, NULL};
    uint64_t clock = 0, max_hlc = 0;
    size_t i;
    json_t *opj;
    int rc;

    rc = db_begin_write(db);
    if (rc != EP_OK)
        return rc;
    rc = sync__clock_get(db, &clock);
    json_array_foreach(ops, i, opj)
    {
        struct sync__verdict v;
        struct sync_op op;
        enum sync__status status;
        int64_t seq;
        if (rc != EP_OK)
            break;
        /* The server validated these; a malformed one here means a bug or
         * tampering, and skipping it beats wedging the replica. */
        if (sync__op_decode(opj, &op, &v) != EP_OK)
            continue;
        rc = sync__apply(db, &in, &op, &status, &seq, &v);
        if (rc == EP_OK && status == SYNC__APPLIED && op.hlc > max_hlc)
            max_hlc = op.hlc;
    }
    if (rc == EP_OK && max_hlc > clock)
        rc = sync__clock_set(db, max_hlc);
    if (rc == EP_OK)
        rc = db_commit(db);
    if (rc != EP_OK)
        db_rollback(db);
    return rc;
}
