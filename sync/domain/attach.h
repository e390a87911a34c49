/*
 * attach.h - photo attachments: their bytes, uploaded in chunks after the
 * "attachments" fact that describes them was synced (docs/sync-protocol.md,
 * "Attachments"; schema/0009_attachments.sql).
 *
 * All the SQL of attachments lives here: the chunk append (one transaction
 * per chunk, committed before the caller acknowledges it), the completion
 * (SHA-256 with libsodium, type sniffing and location stripping with
 * imgmeta.h), refusals, status, listing and download. The validation hook
 * for the fact itself (attach_validate_op) plugs into struct sync_opts.
 *
 * Threading: functions take the caller's struct db and are as thread-safe as
 * it is (one connection per thread); writes run in db_begin_write.
 */
#ifndef EP_ATTACH_H
#define EP_ATTACH_H

#include "sync.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define ATTACH_SPEC_MAX 52428800LL    /* 50 MiB: the fact's "size" can never be more */
#define ATTACH_DEFAULT_MAX 10485760LL /* 10 MiB: the server's cap unless configured */
#define ATTACH_CHUNK_MAX 1048576      /* one PUT body at most */
#define ATTACH_CODE_LEN 32
#define ATTACH_REASON_LEN 256

/* The current (neither corrected nor voided) attachments fact, copied. */
struct attach_fact {
    char id[65];
    char production_id[65];
    char dev[65];    /* the device that added it */
    char member[65]; /* "" when the fact names none */
    char target_col[33];
    char target_id[65];
    char content_type[16];
    int64_t size;
    char sha256[65];
    int keep_location;
};

/*
 * Reads fact id of production_id into *out. Returns 0, EP_ENOTFOUND (no
 * such fact in that production, or it was voided or corrected: another
 * production's id is not found either) or a storage code.
 */
int attach_fact_get(struct db *db, const char *production_id, const char *id,
                    struct attach_fact *out);

/* Where an upload stands. */
struct attach_status {
    int64_t received; /* bytes stored so far: where to resume */
    int64_t size;
    int complete;
    char refused[ATTACH_CODE_LEN]; /* "" unless refused: "unsupported_media_type"... */
    char reason[ATTACH_REASON_LEN];
    char content_type[16]; /* sniffed, once complete */
};

/* The upload of fact f (received 0 when nothing arrived yet). 0 or a storage code. */
int attach_status_get(struct db *db, const struct attach_fact *f, struct attach_status *out);

enum attach_outcome {
    ATTACH_STORED,            /* chunk appended, more to come */
    ATTACH_DUPLICATE,         /* every byte of it was already stored: nothing done */
    ATTACH_COMPLETE,          /* last chunk: checked, stripped, stored */
    ATTACH_OFFSET_MISMATCH,   /* start is not where the upload stands */
    ATTACH_CHECKSUM_MISMATCH, /* the bytes do not hash to the fact's sha256: all discarded */
    ATTACH_UNSUPPORTED,       /* not a JPEG/PNG/WebP, or not the declared one: refused */
    ATTACH_REFUSED,           /* refused earlier (st->refused says why) */
};

/*
 * Appends data (len bytes, at most ATTACH_CHUNK_MAX) at offset start of
 * f's upload, in one transaction committed before this returns. When the
 * chunk completes the upload, in the same transaction: the SHA-256 of the
 * whole must be f->sha256 (else every chunk is discarded, so the client
 * restarts at 0), the magic bytes must be f->content_type's (else the
 * upload is refused, recorded as "unsupported_media_type"), and unless
 * f->keep_location the location metadata is stripped (imgmeta_strip)
 * before the final blob is stored. start + len must not exceed f->size
 * (EP_EINVAL). *outcome says what happened, *st where the upload stands
 * afterwards (reason filled for refusals and mismatches). Returns 0 or a
 * storage code (then nothing was stored).
 */
int attach_put_chunk(struct db *db, const struct attach_fact *f, int64_t start,
                     const unsigned char *data, size_t len, int64_t now_ms,
                     enum attach_outcome *outcome, struct attach_status *st);

/*
 * Records that f's upload is refused (code, reason) and drops its chunks,
 * so the office sees why the photo is missing. A complete upload is left
 * alone. Returns 0 or a storage code.
 */
int attach_refuse(struct db *db, const struct attach_fact *f, const char *code, const char *reason,
                  int64_t now_ms);

/*
 * The stored bytes of attachment id of production_id: *data (free()) of
 * *len bytes, and the sniffed type into type (16 bytes). Returns 0,
 * EP_ENOTFOUND (no such current fact in that production), EP_ECONFLICT (not
 * complete yet, or refused) or a storage code.
 */
int attach_blob_get(struct db *db, const char *production_id, const char *id, unsigned char **data,
                    size_t *len, char type[16]);

/*
 * The production's current attachments, optionally only those of
 * target_col / target_id (NULL = any), oldest first, as a new array in *out:
 *   {"id","target_col","target_id","content_type","size","caption","member",
 *    "taken_at","keep_location","status":"complete"|"receiving"|"refused",
 *    "received","refused":null|"<code>","reason":null|"...","url"}
 * where url is the download path. Returns 0 or a storage code.
 */
int attach_list(struct db *db, const char *production_id, const char *target_col,
                const char *target_id, json_t **out);

/*
 * The complete photos of attachments whose target is (target_col,
 * target_id), oldest first, as a new array of {"id","caption","content_type"}
 * in *out (only those whose bytes are all there). 0 or a storage code.
 */
int attach_complete_of(struct db *db, const char *production_id, const char *target_col,
                       const char *target_id, json_t **out);

/*
 * sync_validate_fn for the "attachments" collection (others pass): sha256
 * is 64 lowercase hex digits, target_id a valid id, lat/lon only with
 * keep_location true, and size at most the server's cap, else the op is
 * refused with code "attachment_too_large" (the rest of the push goes on).
 * ctx points to the cap as a const int64_t (NULL: ATTACH_DEFAULT_MAX).
 */
int attach_validate_op(void *ctx, struct db *db, const struct sync_op *op, char *code,
                       size_t codelen, char *reason, size_t reasonlen);

#endif
