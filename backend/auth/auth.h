/*
 * auth.h - who is calling: office sessions, signed phone requests, password
 * hashing, production signing keys, audit events. Protocol and threat model:
 * docs/security.md.
 *
 * One struct auth lives in struct app for the whole process (created by
 * cmd_prepare, freed by server_stop). It holds the 32-byte server key (read
 * from EP_SECRET_KEY_FILE, created 0600 on first start) and the counter that
 * caps concurrent Argon2 hashes; the key is read-only while serving and the
 * counter has its own mutex, so every function here may run on any worker
 * thread at once. Storage goes through sync/domain/identity.h; rules through
 * sync/domain/authz.h.
 *
 * Requests authenticate in one of two ways:
 *  - a phone signs each request with its Ed25519 device key: headers
 *    X-EP-Device (device id), X-EP-Counter (decimal, strictly greater than
 *    the last accepted one for that device) and X-EP-Signature (base64url,
 *    no padding, of the 64-byte detached signature) over the exact bytes
 *        METHOD "\n" PATH ["?" QUERY] "\n" DEVICE "\n" COUNTER "\n" BODYHASH
 *    where PATH is the request path as routed (no percent-escapes expected),
 *    QUERY the raw query string (the "?" only when there is one), COUNTER the
 *    header's text and BODYHASH base64url(SHA-256(body bytes)), no padding
 *    (SHA-256 because browsers have it in WebCrypto; see docs/security.md);
 *  - an office browser sends the ep_session cookie, plus X-EP-CSRF (the token
 *    from login or GET /auth/me) on any method other than GET/HEAD, and
 *    X-EP-Production naming the production it acts on.
 */
#ifndef EP_AUTH_H
#define EP_AUTH_H

#include "authz.h"
#include "config.h"
#include "err.h"
#include "http.h"
#include "identity.h"
#include "sync.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct auth;
struct db;

#define AUTH_COOKIE "ep_session"
#define AUTH_SESSION_MS (12LL * 3600 * 1000) /* a shooting day; then log in again */
#define AUTH_MAX_HASHES 2                    /* Argon2id interactive = 64 MiB each */
#define AUTH_PASSWORD_MAX 1024               /* bytes; longer is refused, not truncated */
#define AUTH_PASSWORD_MIN 12                 /* characters (UTF-8 code points) */

/*
 * Whether pw (len bytes) may become a password: at least AUTH_PASSWORD_MIN
 * characters and at most AUTH_PASSWORD_MAX bytes, no NUL, at least 5
 * different characters, and not a common password (backend/auth/
 * common-passwords.txt, from Debian's john-data) even lowercased, with
 * digits or punctuation around it, or repeated ("passwordpassword").
 * Returns 0, or EP_EINVAL with the reason in err (field "password").
 * Thread-safe.
 */
int auth_password_check(const char *pw, size_t len, struct ep_error *err);

struct auth_principal {
    char production_id[65];
    char member_id[65];
    char device_id[65];  /* "" for an office session */
    char account_id[65]; /* "" for a phone */
    char department[33];
    enum sync_role role;
    int is_device; /* 1 signed phone, 0 office session */
    /* The replica the request comes from, stored with the ops it pushes and
     * compared by pull's own=0 (docs/sync-protocol.md §5): a phone's device
     * id, or for an office session "s-" + 32 hex of a one-way hash of its
     * token hash, distinct for every browser signed in to the account. */
    char origin[65];
};

/*
 * Loads the server key from cfg->secret_key_file (default
 * <data_dir>/secret.key), creating it with mode 0600 and 32 random bytes if
 * absent. Refuses a key file readable or writable by group or others, not a
 * regular file, unreadable, or not exactly 32 bytes: returns EP_EIO /
 * EP_EFORBIDDEN / EP_EINVAL with a message naming the file in err. On
 * success *out owns the state (auth_free).
 */
int auth_new(const struct config *cfg, struct auth **out, struct ep_error *err);

/* Wipes the key and frees. NULL is a no-op. */
void auth_free(struct auth *a);

/*
 * Authenticates r: a device signature (phones) or a session cookie (+ CSRF
 * token header on state-changing methods) for the office. body/len: the exact
 * request body bytes (NULL, 0 for GET). For office sessions the production is
 * chosen by the X-EP-Production header (must be a member). Returns 0 and
 * fills *p, or sends a 400/401/403/429 JSON error (and logs an audit event)
 * and returns its status. A phone's accepted counter is consumed: retries
 * must be signed again with a greater one.
 */
int auth_request(struct http_req *r, const char *body, size_t len, struct auth_principal *p);

/*
 * Same as auth_request, for routes whose path names the production: the
 * principal must belong to production_id (an X-EP-Production header, if
 * sent, must agree). With production_id NULL and need_production 0, an office
 * session is accepted without any production (p->production_id "", role
 * SYNC_ROLE_VIEWER): for /auth/me and /auth/logout.
 * On a state-changing route (r->frozen), a principal whose production is
 * archived gets 409 production_archived (auth_refuse_archived).
 */
int auth_request_in(struct http_req *r, const char *body, size_t len, const char *production_id,
                    int need_production, struct auth_principal *p);

/*
 * Refuses a change to an archived production: sends 409
 * "production_archived" and returns 409 when production_id is archived,
 * else returns 0 (also when it does not exist: the caller answers that).
 * auth_request_in() calls it for every state-changing route not exempted in
 * server.c; handlers that find their production themselves call it too.
 */
int auth_refuse_archived(struct http_req *r, const char *production_id, int is_device);

/* The sync engine's view of p; the strings point into p (keep p alive).
 * Office sessions get device_id "" (never NULL). */
void auth_actor(const struct auth_principal *p, struct sync_actor *out);

/* Records that p's device just synced (the office's device list shows it).
 * No-op for office sessions; best effort like auth_audit. Like the request
 * counters, it is kept in memory and written down about once a second, in
 * one transaction for all devices (and by auth_store_devices). */
void auth_note_sync(struct http_req *r, const struct auth_principal *p);

/*
 * The signed-request headers' syntax (no database, no signature check):
 * device id, counter (canonical decimal 1..2^53) into *counter, signature
 * (86 base64url characters) decoded into sig. Returns 0, or EP_EINVAL with
 * err's field naming the header and its message the rule.
 */
int auth_device_headers(const char *device, const char *counter, const char *signature,
                        int64_t *counter_out, unsigned char sig[64], struct ep_error *err);

/*
 * A pairing request's fields (no database): the 43-character base64url
 * code, a valid Ed25519 public key (decoded into key_out), a name of 1-100
 * bytes. Returns 0, EP_EAUTH for a malformed code (the API's
 * "malformed_credentials") or EP_EINVAL for the other fields, with the
 * field and the rule in err.
 */
int auth_pairing_check(const char *code, const char *public_key, const char *name,
                       unsigned char key_out[32], struct ep_error *err);

/* Writes every device counter and last sync not yet stored, waiting for the
 * write lock: before the office lists devices and when the server stops. */
void auth_store_devices(struct auth *a, struct db *db);

/*
 * Checks authz_endpoint(action, p->role, p->is_device). Returns 0, or sends
 * 403 "forbidden" (audited as "auth.forbidden") and returns 403.
 */
int auth_require(struct http_req *r, const struct auth_principal *p, enum authz_action action);

/* Appends a security event for r (production, member, device, account from
 * p when p is non-NULL; production_id overrides when non-NULL). Best effort:
 * a failed write is logged, never turned into a failed request. */
void auth_audit(struct http_req *r, const struct auth_principal *p, const char *production_id,
                const char *event, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Takes or gives back one of the AUTH_MAX_HASHES hashing slots. acquire
 * returns 0 or EP_EBUSY at once (never waits: the caller answers 503). */
int auth_hash_acquire(struct auth *a);
void auth_hash_release(struct auth *a);

/* crypto_pwhash_str with the interactive limits into out. The caller holds a
 * hashing slot (or is alone, e.g. seeding). Returns 0 or EP_ENOMEM. */
int auth_hash_password(const char *pw, size_t len, char out[IDENTITY_HASH_MAX + 1]);

/* What auth_login() hands back. Tokens are base64url, NUL-terminated. */
struct auth_login_result {
    char token[48];         /* the ep_session cookie value (only its hash is stored) */
    char csrf[48];          /* to echo in X-EP-CSRF */
    char account_id[65];    /* set when the account exists */
    int failures;           /* consecutive failures after this attempt */
    int64_t retry_after_ms; /* when locked: how long until the next try is heard */
    int by_address;         /* the wait is the client address's, not the account's */
};

/* How far a device counter may leap past both the last one accepted and the
 * time in ms: 2^40 (about 35 years of ms). Counters themselves are at most
 * 2^53, exact in JavaScript; a phone that reached it pairs again, which
 * gives it a new device with a fresh counter. */
#define AUTH_COUNTER_AHEAD_MAX (1LL << 40)
#define AUTH_ACCOUNT_LOCK_MAX_MS (60LL * 1000)   /* an account waits at most this */
#define AUTH_ADDR_FREE 10                        /* failures an address makes freely */
#define AUTH_ADDR_LOCK_MAX_MS (15LL * 60 * 1000) /* an address waits at most this */

/*
 * Checks an office login from client address addr. Two backoffs, both
 * checked before the password, so a refused attempt costs no hash:
 * - per address: from the AUTH_ADDR_FREE-th consecutive failure (any
 *   email, known or not) without a success from that address, each attempt
 *   waits a delay doubling from 1 s up to 15 minutes; forgotten an hour after
 *   the last failure. It stops one client spraying or guessing.
 * - per account: from the 3rd consecutive failure the account waits 1 s,
 *   2 s, 4 s ... capped at AUTH_ACCOUNT_LOCK_MAX_MS (60 s). The cap is what
 *   keeps anyone who merely knows an email from locking its owner out for
 *   good (docs/security.md): at worst the owner waits a minute.
 * A success resets both, rehashes if libsodium's parameters changed, and
 * creates a session. Unknown emails cost one hash too, so timing does not
 * tell which addresses exist. Returns 0 (out->token/csrf set), EP_EAUTH
 * (wrong email or password), EP_EFORBIDDEN (waiting: out->retry_after_ms,
 * out->by_address), EP_EBUSY (both hashing slots taken: answer 503) or a
 * storage code.
 */
int auth_login(struct auth *a, struct db *db, const char *email, const char *pw, size_t pwlen,
               const char *addr, int64_t now, struct auth_login_result *out);

/* The CSRF token of r's session cookie into buf. Returns 0 or EP_EAUTH. */
int auth_session_csrf(struct http_req *r, char *buf, size_t len);

/* Deletes r's session (logout). Returns 0 (also when there was none). */
int auth_session_end(struct http_req *r);

/*
 * The production's signing key, created on first use (Ed25519, secret sealed
 * with the server key). Returns 0, EP_ENOTFOUND (no such production) or an
 * EP_E* storage code.
 */
int auth_production_key(struct auth *a, struct db *db, const char *production_id,
                        struct identity_prodkey *out);

/*
 * Signs msg with the production's key (for its communications). sig gets 64
 * bytes, key_id the key's id. The secret exists in memory only during the
 * call. Returns 0, EP_ENOTFOUND, EP_ECORRUPT (sealed key does not open with
 * this server key) or an EP_E* storage code.
 */
int auth_production_sign(struct auth *a, struct db *db, const char *production_id,
                         const unsigned char *msg, size_t len, unsigned char sig[64],
                         char key_id[17]);

/*
 * The bytes a phone signs (see the top of this file), in a new buffer the
 * caller free()s; counter is the header text. Shared with the tests and the
 * benchmarks so there is exactly one definition. Returns NULL on OOM.
 */
char *auth_signing_string(const char *method, const char *path, const char *query,
                          const char *device_id, const char *counter, const char *body, size_t len,
                          size_t *outlen);

#endif
