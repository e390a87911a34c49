/*
 * identity.h - storage for who may do what: accounts, members (a person's
 * role in one production), office sessions, paired devices, invites,
 * production signing keys and the security audit log (schema/0003_identity.sql).
 *
 * This module is SQL only: no crypto policy, no HTTP. Hashing passwords,
 * sealing keys and verifying signatures happen in backend/auth/auth.c, which
 * passes the results here. Secrets never reach this module in the clear
 * except password hashes and sealed (encrypted) keys.
 *
 * Threading: every function uses the caller's struct db (one per thread).
 * Functions documented "own transaction" run BEGIN IMMEDIATE ... COMMIT and
 * must not be called inside one; the others are single statements that run
 * in the caller's transaction if there is one, in autocommit otherwise.
 *
 * Strings in the structs are NUL-terminated copies; an empty string stands
 * for SQL NULL. Times are unix milliseconds.
 */
#ifndef EP_IDENTITY_H
#define EP_IDENTITY_H

#include "sync.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define IDENTITY_ID_MAX IDS_MAX /* ids: ids.h, as sync ids */
#define IDENTITY_EMAIL_MAX 254  /* RFC 5321 path limit */
#define IDENTITY_NAME_MAX 200
#define IDENTITY_DEPT_MAX 32
#define IDENTITY_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define IDENTITY_SEALED_MAX 160

struct identity_account {
    char id[IDENTITY_ID_MAX + 1];
    char email[IDENTITY_EMAIL_MAX + 1];
    char name[IDENTITY_NAME_MAX + 1];
    char pw_hash[IDENTITY_HASH_MAX + 1]; /* crypto_pwhash_str output */
    int failed_count;                    /* consecutive failed logins */
    int64_t locked_until;                /* 0 = not locked */
};

struct identity_member {
    char id[IDENTITY_ID_MAX + 1];
    char production_id[IDENTITY_ID_MAX + 1];
    char account_id[IDENTITY_ID_MAX + 1]; /* "" when the person has no office login */
    char name[IDENTITY_NAME_MAX + 1];
    char department[IDENTITY_DEPT_MAX + 1];
    int level; /* hierarchy, 0 (top) to 9 */
    enum sync_role role;
    int64_t removed_at; /* 0 = active */
};

struct identity_session {
    char account_id[IDENTITY_ID_MAX + 1];
    char csrf[64]; /* base64url token the browser echoes in X-EP-CSRF */
    int64_t expires_at;
};

struct identity_device {
    char id[IDENTITY_ID_MAX + 1];
    char member_id[IDENTITY_ID_MAX + 1];
    char production_id[IDENTITY_ID_MAX + 1];
    char name[101];
    unsigned char public_key[32]; /* Ed25519 */
    int64_t counter;              /* highest request counter accepted */
    int64_t revoked_at;           /* 0 = active */
};

struct identity_prodkey {
    char key_id[17]; /* hex of the first 8 bytes of BLAKE2b-256(public_key) */
    unsigned char public_key[32];
    unsigned char sealed[IDENTITY_SEALED_MAX]; /* nonce || secretbox(secret key) */
    size_t sealed_len;
};

/* One audit event; every pointer may be NULL. Borrowed for the call. */
struct identity_audit_event {
    const char *production_id;
    const char *account_id;
    const char *member_id;
    const char *device_id;
    const char *event; /* required: dotted name, e.g. "login.failed" */
    const char *detail;
    const char *remote_addr;
};

/* How a pairing code was refused by identity_invite_redeem(). */
enum identity_invite_result {
    IDENTITY_INVITE_OK = 0,
    IDENTITY_INVITE_UNKNOWN,   /* no such code */
    IDENTITY_INVITE_EXPIRED,   /* past expires_at */
    IDENTITY_INVITE_USED,      /* already redeemed */
    IDENTITY_INVITE_NO_MEMBER, /* the member was removed since */
    IDENTITY_INVITE_KEY_TAKEN, /* the public key is already paired */
    IDENTITY_INVITE_ARCHIVED,  /* the production was archived since */
};

/* "admin", "eco_referent", "dept_head", "crew", "viewer" <-> enum sync_role.
 * identity_role_parse returns 0 or EP_EINVAL; identity_role_name never NULL. */
int identity_role_parse(const char *s, enum sync_role *out);
const char *identity_role_name(enum sync_role role);

/* Returns 0 if the production exists, EP_ENOTFOUND if not, or EP_EIO. */
int identity_production_exists(struct db *db, const char *production_id);

/* Inserts an account (failed_count/locked_until start at 0). Returns 0,
 * EP_ECONFLICT (email or id taken) or EP_EIO. */
int identity_account_create(struct db *db, const struct identity_account *a, int64_t now);

/* Looks an account up (email is case-insensitive). Returns 0, EP_ENOTFOUND or EP_EIO. */
int identity_account_by_email(struct db *db, const char *email, struct identity_account *out);
int identity_account_by_id(struct db *db, const char *id, struct identity_account *out);

/* Records the failure counter and lock after a login attempt (0, 0 on success). */
int identity_account_set_failures(struct db *db, const char *id, int failed_count,
                                  int64_t locked_until);

/* Replaces the password hash (rehash on login, password change). */
int identity_account_set_hash(struct db *db, const char *id, const char *pw_hash);

/* Inserts a member. Returns 0, EP_ECONFLICT (id taken, or the account is
 * already on that production), EP_ENOTFOUND (no such production/account), EP_EIO. */
int identity_member_create(struct db *db, const struct identity_member *m, int64_t now);

/* The active or removed member id of production. Returns 0, EP_ENOTFOUND, EP_EIO. */
int identity_member_get(struct db *db, const char *production_id, const char *member_id,
                        struct identity_member *out);

/* The active membership of account on production. Returns 0, EP_ENOTFOUND, EP_EIO. */
int identity_member_of_account(struct db *db, const char *account_id, const char *production_id,
                               struct identity_member *out);

/* Updates name, department, level and role of an active member (matched by
 * production_id and id). Returns 0, EP_ENOTFOUND or EP_EIO. */
int identity_member_update(struct db *db, const struct identity_member *m);

/* Marks an active member removed and revokes its devices. Own transaction.
 * Returns 0, EP_ENOTFOUND or an EP_E* storage code. */
int identity_member_remove(struct db *db, const char *production_id, const char *member_id,
                           int64_t now);

/* Number of active admins of production into *out. */
int identity_count_admins(struct db *db, const char *production_id, int *out);

/* Active members of production as a new array of
 * {"id","name","department","level","role","account_id"|null,"email"|null,
 *  "phones" (paired, not revoked),"last_sync_at"|null (any of their phones),
 *  "channels","needs" (communications preferences),"invite_pending" (an
 *  unused, unexpired email invitation at now and no account yet)}. */
int identity_members_list(struct db *db, const char *production_id, int64_t now, json_t **out);

/* 1 in *out if an active member of production has an account with email
 * (case-insensitive). Only this production's members are looked at, so the
 * answer says nothing about accounts elsewhere. Returns 0 or EP_EIO. */
int identity_member_email_taken(struct db *db, const char *production_id, const char *email,
                                int *out);

/* The account's active memberships as a new array of
 * {"production_id","title","member_id","role","department","level"}. */
int identity_memberships(struct db *db, const char *account_id, json_t **out);

/* Stores a session. token_hash is 32 bytes. Returns 0 or an EP_E* code. */
int identity_session_create(struct db *db, const unsigned char *token_hash, const char *account_id,
                            const char *csrf, int64_t now, int64_t expires_at);

/* The unexpired session with that hash. Returns 0, EP_ENOTFOUND or EP_EIO. */
int identity_session_get(struct db *db, const unsigned char *token_hash, int64_t now,
                         struct identity_session *out);

/* Deletes one session (logout), or every expired one (purge). */
int identity_session_delete(struct db *db, const unsigned char *token_hash);
int identity_session_purge(struct db *db, int64_t now);

/* Inserts a device (counter 0). Returns 0, EP_ECONFLICT (id or key taken) or EP_EIO. */
int identity_device_create(struct db *db, const struct identity_device *d, int64_t now);

/* Any device by id (revoked ones too). Returns 0, EP_ENOTFOUND or EP_EIO. */
int identity_device_get(struct db *db, const char *id, struct identity_device *out);

/*
 * Accepts counter for device id if it is greater than the stored one and the
 * device is not revoked, in one statement, so two concurrent requests can
 * never both pass with the same counter. Also sets last_seen_at. Returns 0,
 * or EP_ECONFLICT (replayed or stale counter, or revoked meanwhile), EP_EIO.
 */
int identity_device_advance(struct db *db, const char *id, int64_t counter, int64_t now);

/* Sets last_sync_at (the sync handlers call it after a push or pull). */
int identity_device_synced(struct db *db, const char *id, int64_t now);

/* Revokes a device of production. Returns 0, EP_ENOTFOUND (no such device
 * there, or already revoked) or EP_EIO. */
int identity_device_revoke(struct db *db, const char *production_id, const char *id, int64_t now);

/* Devices of production as a new array of {"id","name","member_id","member_name",
 * "created_at","last_seen_at","last_sync_at","revoked_at"} (times null if never). */
int identity_devices_list(struct db *db, const char *production_id, json_t **out);

/* Stores an invite (code_hash is 32 bytes). Returns 0 or an EP_E* code. */
int identity_invite_create(struct db *db, const unsigned char *code_hash, const char *member_id,
                           const char *production_id, const char *created_by, int64_t now,
                           int64_t expires_at);

/*
 * Redeems an invite, own transaction: checks the code is known, unexpired,
 * unused and its member active, then creates dev (id, name, public_key set by
 * the caller; member_id and production_id are filled in here from the invite)
 * and marks the invite used. On refusal returns EP_EAUTH with *result saying
 * why and changes nothing. Other errors: EP_E* storage codes.
 */
int identity_invite_redeem(struct db *db, const unsigned char *code_hash, int64_t now,
                           struct identity_device *dev, enum identity_invite_result *result);

/* The production's signing key. Returns 0, EP_ENOTFOUND or EP_EIO. */
int identity_prodkey_get(struct db *db, const char *production_id, struct identity_prodkey *out);

/* Stores the key unless the production already has one (then 0, no change:
 * read it back with identity_prodkey_get, the first writer wins). */
int identity_prodkey_insert(struct db *db, const char *production_id,
                            const struct identity_prodkey *k, int64_t now);

/* Appends an audit event. Returns 0 or an EP_E* code. */
int identity_audit(struct db *db, int64_t now, const struct identity_audit_event *e);

/*
 * Audit events of production, newest first: its own events only. An
 * account's own events (logins, addresses, times) belong to that person, not
 * to every production they work on (docs/security.md). before_id
 * <= 0 starts from the newest; limit is clamped to [1, 500]. *out receives a
 * new array of {"id","at","event","account_id","member_id","device_id",
 * "detail","remote_addr"}.
 */
int identity_audit_list(struct db *db, const char *production_id, int64_t before_id, int limit,
                        json_t **out);

#endif
