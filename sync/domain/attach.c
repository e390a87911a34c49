/*
 * attach.c - storage of photo attachments (see attach.h): chunks, completion,
 * refusals, listing. The metadata is an ordinary synced fact (sync_fact,
 * collection "attachments"); this file only reads it.
 */
#include "attach.h"

#include "db.h"
#include "err.h"
#include "ids.h"
#include "imgmeta.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src != NULL ? src : "");
}

int attach_fact_get(struct db *db, const char *production_id, const char *id,
                    struct attach_fact *out)
{
    static const char sql[] =
        "SELECT fields, dev FROM sync_fact WHERE col = 'attachments' AND rid = ?1"
        " AND production_id = ?2 AND superseded = 0 AND void = 0";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *fields = NULL;
    json_error_t jerr;
    int rc;

    memset(out, 0, sizeof(*out));
    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, production_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        rc = EP_ENOTFOUND;
        goto out;
    }
    if (rc != SQLITE_ROW) {
        rc = db_map_rc(rc);
        goto out;
    }
    fields = json_loads((const char *)sqlite3_column_text(st, 0), 0, &jerr);
    if (fields == NULL) {
        rc = EP_ECORRUPT;
        goto out;
    }
    copy(out->id, sizeof(out->id), id);
    copy(out->production_id, sizeof(out->production_id), production_id);
    copy(out->dev, sizeof(out->dev), (const char *)sqlite3_column_text(st, 1));
    copy(out->member, sizeof(out->member), json_string_value(json_object_get(fields, "member")));
    copy(out->target_col, sizeof(out->target_col),
         json_string_value(json_object_get(fields, "target_col")));
    copy(out->target_id, sizeof(out->target_id),
         json_string_value(json_object_get(fields, "target_id")));
    copy(out->content_type, sizeof(out->content_type),
         json_string_value(json_object_get(fields, "content_type")));
    copy(out->sha256, sizeof(out->sha256), json_string_value(json_object_get(fields, "sha256")));
    out->size = json_integer_value(json_object_get(fields, "size"));
    out->keep_location = json_is_true(json_object_get(fields, "keep_location"));
    /* The op was validated on the way in; a size out of range here is damage. */
    rc = out->size > 0 && out->size <= ATTACH_SPEC_MAX ? EP_OK : EP_ECORRUPT;
out:
    db_done(st);
    json_decref(fields);
    return rc;
}

/* Fills st from the upload row of f, or the "nothing yet" state. */
static int read_status(struct db *db, const struct attach_fact *f, struct attach_status *st)
{
    static const char sql[] = "SELECT received, state, code, reason, content_type"
                              " FROM attach_upload WHERE id = ?1";
    sqlite3_stmt *s = db_stmt(db, sql);
    int rc;

    memset(st, 0, sizeof(*st));
    st->size = f->size;
    if (s == NULL)
        return EP_EIO;
    sqlite3_bind_text(s, 1, f->id, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *state = (const char *)sqlite3_column_text(s, 1);
        st->received = sqlite3_column_int64(s, 0);
        st->complete = strcmp(state, "complete") == 0;
        if (strcmp(state, "refused") == 0)
            copy(st->refused, sizeof(st->refused), (const char *)sqlite3_column_text(s, 2));
        copy(st->reason, sizeof(st->reason), (const char *)sqlite3_column_text(s, 3));
        copy(st->content_type, sizeof(st->content_type), (const char *)sqlite3_column_text(s, 4));
        rc = EP_OK;
    } else {
        rc = rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
    }
    db_done(s);
    return rc;
}

int attach_status_get(struct db *db, const struct attach_fact *f, struct attach_status *out)
{
    return read_status(db, f, out);
}

/* Runs a cached write statement whose only parameter is an upload's id. */
static int exec_id(sqlite3_stmt *s, const char *id)
{
    int rc;

    if (s == NULL)
        return EP_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    db_done(s);
    return rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

static int ensure_row(struct db *db, const struct attach_fact *f, int64_t now_ms)
{
    static const char sql[] =
        "INSERT INTO attach_upload (id, production_id, size, updated_at) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT (id) DO NOTHING";
    sqlite3_stmt *s = db_stmt(db, sql);
    int rc;

    if (s == NULL)
        return EP_EIO;
    sqlite3_bind_text(s, 1, f->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, f->production_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, f->size);
    sqlite3_bind_int64(s, 4, now_ms);
    rc = sqlite3_step(s);
    db_done(s);
    return rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

static int drop_chunks(struct db *db, const char *id)
{
    static const char sql[] = "DELETE FROM attach_chunk WHERE id = ?1";
    return exec_id(db_stmt(db, sql), id);
}

/* Sets the row's state, received count, code and reason in one statement. */
static int set_state(struct db *db, const char *id, const char *state, int64_t received,
                     const char *code, const char *reason, int64_t now_ms)
{
    static const char sql[] = "UPDATE attach_upload SET state = ?2, received = ?3, code = ?4,"
                              " reason = ?5, updated_at = ?6 WHERE id = ?1";
    sqlite3_stmt *s = db_stmt(db, sql);
    int rc;

    if (s == NULL)
        return EP_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, received);
    if (code != NULL)
        sqlite3_bind_text(s, 4, code, -1, SQLITE_STATIC);
    if (reason != NULL)
        sqlite3_bind_text(s, 5, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, now_ms);
    rc = sqlite3_step(s);
    db_done(s);
    return rc == SQLITE_DONE ? EP_OK : db_map_rc(rc);
}

static int refuse_locked(struct db *db, const struct attach_fact *f, struct attach_status *st,
                         const char *code, int64_t now_ms, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Inside the caller's transaction: refuses f's upload and drops its chunks. */
static int refuse_locked(struct db *db, const struct attach_fact *f, struct attach_status *st,
                         const char *code, int64_t now_ms, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    (void)vsnprintf(st->reason, sizeof(st->reason), fmt, ap); /* truncation is harmless */
    va_end(ap);
    copy(st->refused, sizeof(st->refused), code);
    st->received = 0;
    st->complete = 0;
    rc = drop_chunks(db, f->id);
    if (rc == EP_OK)
        rc = set_state(db, f->id, "refused", 0, code, st->reason, now_ms);
    return rc;
}

/* Every stored chunk of f, in order, into one new buffer of f->size bytes. */
static int gather(struct db *db, const struct attach_fact *f, unsigned char **out)
{
    static const char sql[] = "SELECT start, data FROM attach_chunk WHERE id = ?1 ORDER BY start";
    sqlite3_stmt *s = db_stmt(db, sql);
    unsigned char *buf = NULL;
    int64_t at = 0;
    int rc;

    *out = NULL;
    if (s == NULL)
        return EP_EIO;
    buf = malloc((size_t)f->size);
    if (buf == NULL) {
        db_done(s);
        return EP_ENOMEM;
    }
    sqlite3_bind_text(s, 1, f->id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t start = sqlite3_column_int64(s, 0);
        const void *data = sqlite3_column_blob(s, 1);
        int64_t n = sqlite3_column_bytes(s, 1);
        /* Chunks are appended only at the end: any gap or overlap is damage. */
        if (start != at || n <= 0 || n > f->size - at) {
            rc = SQLITE_CORRUPT;
            break;
        }
        memcpy(buf + at, data, (size_t)n);
        at += n;
    }
    db_done(s);
    if (rc != SQLITE_DONE || at != f->size) {
        free(buf);
        return rc == SQLITE_DONE || rc == SQLITE_CORRUPT ? EP_ECORRUPT : db_map_rc(rc);
    }
    *out = buf;
    return EP_OK;
}

static int store_blob(struct db *db, const char *id, const unsigned char *data, size_t len,
                      const char *type, int64_t now_ms)
{
    static const char ins[] = "INSERT INTO attach_blob (id, data) VALUES (?1, ?2)"
                              " ON CONFLICT (id) DO UPDATE SET data = excluded.data";
    static const char upd[] =
        "UPDATE attach_upload SET state = 'complete', code = NULL, reason = NULL,"
        " content_type = ?2, stored_size = ?3, updated_at = ?4 WHERE id = ?1";
    sqlite3_stmt *s = db_stmt(db, ins);
    int rc;

    if (s == NULL)
        return EP_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(s, 2, data, len, SQLITE_STATIC);
    rc = sqlite3_step(s);
    db_done(s);
    if (rc != SQLITE_DONE)
        return db_map_rc(rc);
    s = db_stmt(db, upd);
    if (s == NULL)
        return EP_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)len);
    sqlite3_bind_int64(s, 4, now_ms);
    rc = sqlite3_step(s);
    db_done(s);
    if (rc != SQLITE_DONE)
        return db_map_rc(rc);
    return drop_chunks(db, id);
}

/* The upload has all its bytes: check, strip, store (caller's transaction). */
static int complete(struct db *db, const struct attach_fact *f, int64_t now_ms,
                    enum attach_outcome *outcome, struct attach_status *st)
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    unsigned char *buf = NULL, *stripped = NULL;
    size_t stripped_len = 0;
    const char *type;
    int removed = 0;
    int rc = gather(db, f, &buf);

    if (rc != EP_OK)
        return rc;
    crypto_hash_sha256(hash, buf, (unsigned long long)f->size);
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    if (strcmp(hex, f->sha256) != 0) {
        /* Some chunk was damaged on the way: start again from 0. */
        *outcome = ATTACH_CHECKSUM_MISMATCH;
        snprintf(st->reason, sizeof(st->reason),
                 "the %lld bytes received hash to %s, not to the sha256 the attachment "
                 "declares; every chunk was discarded, upload again from byte 0",
                 (long long)f->size, hex);
        st->received = 0;
        rc = drop_chunks(db, f->id);
        if (rc == EP_OK)
            rc = set_state(db, f->id, "receiving", 0, "checksum_mismatch", st->reason, now_ms);
        goto out;
    }
    type = imgmeta_sniff(buf, (size_t)f->size);
    if (type == NULL || strcmp(type, f->content_type) != 0) {
        *outcome = ATTACH_UNSUPPORTED;
        if (type == NULL)
            rc = refuse_locked(db, f, st, "unsupported_media_type", now_ms,
                               "the file is not a JPEG, PNG or WebP image (declared %s)",
                               f->content_type);
        else
            rc =
                refuse_locked(db, f, st, "unsupported_media_type", now_ms,
                              "the file is a %s image, not the %s declared", type, f->content_type);
        goto out;
    }
    if (imgmeta_strip(buf, (size_t)f->size, &stripped, &stripped_len, &removed) != EP_OK) {
        *outcome = ATTACH_UNSUPPORTED;
        rc = refuse_locked(db, f, st, "unsupported_media_type", now_ms,
                           "the file starts like a %s image but its structure is damaged", type);
        goto out;
    }
    if (f->keep_location)
        rc = store_blob(db, f->id, buf, (size_t)f->size, type, now_ms);
    else
        rc = store_blob(db, f->id, stripped, stripped_len, type, now_ms);
    if (rc == EP_OK) {
        *outcome = ATTACH_COMPLETE;
        st->complete = 1;
        st->received = f->size;
        st->reason[0] = '\0';
        copy(st->content_type, sizeof(st->content_type), type);
    }
out:
    free(stripped);
    free(buf);
    return rc;
}

static int append(struct db *db, const struct attach_fact *f, int64_t start,
                  const unsigned char *data, size_t len, int64_t now_ms)
{
    static const char sql[] = "INSERT INTO attach_chunk (id, start, data) VALUES (?1, ?2, ?3)";
    sqlite3_stmt *s = db_stmt(db, sql);
    int rc;

    if (s == NULL)
        return EP_EIO;
    sqlite3_bind_text(s, 1, f->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, start);
    sqlite3_bind_blob64(s, 3, data, len, SQLITE_STATIC);
    rc = sqlite3_step(s);
    db_done(s);
    if (rc != SQLITE_DONE)
        return db_map_rc(rc);
    return set_state(db, f->id, "receiving", start + (int64_t)len, NULL, NULL, now_ms);
}

int attach_put_chunk(struct db *db, const struct attach_fact *f, int64_t start,
                     const unsigned char *data, size_t len, int64_t now_ms,
                     enum attach_outcome *outcome, struct attach_status *st)
{
    int rc;

    *outcome = ATTACH_STORED;
    memset(st, 0, sizeof(*st));
    st->size = f->size;
    if (start < 0 || len == 0 || len > ATTACH_CHUNK_MAX || start > f->size ||
        (int64_t)len > f->size - start)
        return EP_EINVAL;
    rc = db_begin_write(db);
    if (rc != EP_OK)
        return rc;
    rc = ensure_row(db, f, now_ms);
    if (rc == EP_OK)
        rc = read_status(db, f, st);
    if (rc != EP_OK)
        goto out;
    /* Complete, or every byte already stored (a resend after a lost 200): nothing to do. */
    if (st->complete || (st->refused[0] == '\0' && start + (int64_t)len <= st->received)) {
        *outcome = ATTACH_DUPLICATE;
    } else if (st->refused[0] != '\0') {
        *outcome = ATTACH_REFUSED;
    } else if (start != st->received) {
        *outcome = ATTACH_OFFSET_MISMATCH;
    } else {
        rc = append(db, f, start, data, len, now_ms);
        if (rc == EP_OK) {
            st->received = start + (int64_t)len;
            st->reason[0] = '\0';
            if (st->received == f->size)
                rc = complete(db, f, now_ms, outcome, st);
        }
    }
out:
    if (rc == EP_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
}

int attach_refuse(struct db *db, const struct attach_fact *f, const char *code, const char *reason,
                  int64_t now_ms)
{
    struct attach_status st;
    int rc = db_begin_write(db);

    if (rc != EP_OK)
        return rc;
    rc = ensure_row(db, f, now_ms);
    if (rc == EP_OK)
        rc = read_status(db, f, &st);
    if (rc == EP_OK && !st.complete)
        rc = refuse_locked(db, f, &st, code, now_ms, "%s", reason);
    if (rc == EP_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
}

int attach_blob_get(struct db *db, const char *production_id, const char *id, unsigned char **data,
                    size_t *len, char type[16])
{
    static const char sql[] = "SELECT u.state, u.content_type, b.data FROM attach_upload u"
                              " LEFT JOIN attach_blob b ON b.id = u.id WHERE u.id = ?1";
    struct attach_fact f;
    sqlite3_stmt *s;
    int rc;

    *data = NULL;
    *len = 0;
    type[0] = '\0';
    rc = attach_fact_get(db, production_id, id, &f);
    if (rc != EP_OK)
        return rc;
    s = db_stmt(db, sql);
    if (s == NULL)
        return EP_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        rc = db_map_rc(rc);
    } else if (rc == SQLITE_DONE /* nothing uploaded yet */ ||
               strcmp((const char *)sqlite3_column_text(s, 0), "complete") != 0 ||
               sqlite3_column_type(s, 2) != SQLITE_BLOB) {
        rc = EP_ECONFLICT;
    } else {
        int n = sqlite3_column_bytes(s, 2);
        *data = malloc(n > 0 ? (size_t)n : 1);
        if (*data == NULL) {
            rc = EP_ENOMEM;
        } else {
            memcpy(*data, sqlite3_column_blob(s, 2), (size_t)n);
            *len = (size_t)n;
            snprintf(type, 16, "%s", (const char *)sqlite3_column_text(s, 1));
            rc = EP_OK;
        }
    }
    db_done(s);
    return rc;
}

/* One listing row: the fact's fields plus the upload's state. */
static json_t *list_item(sqlite3_stmt *s, const char *production_id)
{
    const char *id = (const char *)sqlite3_column_text(s, 0);
    const char *state = sqlite3_column_type(s, 2) == SQLITE_NULL
                            ? "receiving"
                            : (const char *)sqlite3_column_text(s, 2);
    json_error_t jerr;
    json_t *fields = json_loads((const char *)sqlite3_column_text(s, 1), 0, &jerr);
    json_t *item;
    char url[200];
    int refused = strcmp(state, "refused") == 0;

    if (fields == NULL)
        return NULL;
    snprintf(url, sizeof(url), "/api/v1/productions/%s/attachments/%s", production_id, id);
    item = json_pack(
        "{s:s, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:b, s:s, s:I, s:o, s:o, s:s}", "id", id,
        "target_col", json_object_get(fields, "target_col"), "target_id",
        json_object_get(fields, "target_id"), "content_type",
        json_object_get(fields, "content_type"), "size", json_object_get(fields, "size"), "caption",
        json_object_get(fields, "caption"), "member", json_object_get(fields, "member"), "taken_at",
        json_object_get(fields, "taken_at"), "keep_location",
        json_is_true(json_object_get(fields, "keep_location")), "status", state, "received",
        (json_int_t)sqlite3_column_int64(s, 3), "refused",
        refused ? json_string((const char *)sqlite3_column_text(s, 4)) : json_null(), "reason",
        sqlite3_column_type(s, 5) != SQLITE_NULL
            ? json_string((const char *)sqlite3_column_text(s, 5))
            : json_null(),
        "url", url);
    json_decref(fields);
    return item;
}

int attach_list(struct db *db, const char *production_id, const char *target_col,
                const char *target_id, json_t **out)
{
    static const char sql[] =
        "SELECT f.rid, f.fields, u.state, coalesce(u.received, 0), u.code, u.reason"
        " FROM sync_fact f LEFT JOIN attach_upload u ON u.id = f.rid"
        " WHERE f.production_id = ?1 AND f.col = 'attachments' AND f.superseded = 0"
        " AND f.void = 0 AND (?2 IS NULL OR json_extract(f.fields, '$.target_col') = ?2)"
        " AND (?3 IS NULL OR json_extract(f.fields, '$.target_id') = ?3) ORDER BY f.seq";
    sqlite3_stmt *s = db_stmt(db, sql);
    json_t *arr = json_array();
    int rc;

    *out = NULL;
    if (s == NULL || arr == NULL) {
        json_decref(arr);
        db_done(s);
        return s == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(s, 1, production_id, -1, SQLITE_STATIC);
    if (target_col != NULL)
        sqlite3_bind_text(s, 2, target_col, -1, SQLITE_STATIC);
    if (target_id != NULL)
        sqlite3_bind_text(s, 3, target_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *item = list_item(s, production_id);
        if (item == NULL || json_array_append_new(arr, item) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    db_done(s);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return db_map_rc(rc);
    }
    *out = arr;
    return EP_OK;
}

int attach_complete_of(struct db *db, const char *production_id, const char *target_col,
                       const char *target_id, json_t **out)
{
    json_t *all = NULL, *arr = NULL, *item;
    size_t i;
    int rc = attach_list(db, production_id, target_col, target_id, &all);

    *out = NULL;
    if (rc != EP_OK)
        return rc;
    arr = json_array();
    if (arr == NULL) {
        json_decref(all);
        return EP_ENOMEM;
    }
    json_array_foreach(all, i, item)
    {
        if (strcmp(json_string_value(json_object_get(item, "status")), "complete") != 0)
            continue;
        json_array_append_new(arr,
                              json_pack("{s:O, s:O, s:O}", "id", json_object_get(item, "id"),
                                        "caption", json_object_get(item, "caption"), "content_type",
                                        json_object_get(item, "content_type")));
    }
    json_decref(all);
    *out = arr;
    return EP_OK;
}

static int valid_sha256(const char *s)
{
    size_t n = 0;

    for (; s[n] != '\0'; n++) {
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return 0;
    }
    return n == crypto_hash_sha256_BYTES * 2;
}

int attach_validate_op(void *ctx, struct db *db, const struct sync_op *op, char *code,
                       size_t codelen, char *reason, size_t reasonlen)
{
    int64_t cap = ctx != NULL ? *(const int64_t *)ctx : ATTACH_DEFAULT_MAX;
    const json_t *f = op->fields;
    const char *sha, *tid;
    json_int_t size;
    (void)db;

    if (strcmp(op->col, "attachments") != 0 || json_is_true(json_object_get(f, "void")))
        return EP_OK;
    sha = json_string_value(json_object_get(f, "sha256"));
    tid = json_string_value(json_object_get(f, "target_id"));
    size = json_integer_value(json_object_get(f, "size"));
    if (sha == NULL || !valid_sha256(sha)) {
        snprintf(code, codelen, "invalid_field");
        snprintf(reason, reasonlen, "field 'sha256' must be 64 lowercase hexadecimal digits");
        return EP_EINVAL;
    }
    if (!ids_valid(tid)) {
        snprintf(code, codelen, "invalid_field");
        snprintf(reason, reasonlen, "field 'target_id' is not a valid record id");
        return EP_EINVAL;
    }
    /* A position travels to every phone of the production with the op:
     * only when its author chose to keep it. */
    if (!json_is_true(json_object_get(f, "keep_location")) &&
        (json_object_get(f, "lat") != NULL || json_object_get(f, "lon") != NULL)) {
        snprintf(code, codelen, "invalid_field");
        snprintf(reason, reasonlen, "fields 'lat' and 'lon' are kept only with keep_location true");
        return EP_EINVAL;
    }
    if (size > cap) {
        snprintf(code, codelen, "attachment_too_large");
        snprintf(reason, reasonlen,
                 "photo of %lld bytes is over this server's limit of %lld bytes; "
                 "send a smaller one",
                 (long long)size, (long long)cap);
        return EP_EINVAL;
    }
    return EP_OK;
}
