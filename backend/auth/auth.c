/* auth.c - sessions, signed requests, hashing, production keys, audit (see auth.h). */
#include "auth.h"

#include "app.h"
#include "authz.h"
#include "clock.h"
#include "db.h"
#include "embed.h"
#include "err.h"
#include "ids.h"
#include "log.h"
#include "production.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define B64_NOPAD sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define TOKEN_B64_LEN 43     /* 32 bytes in base64url without padding */
#define SIGNATURE_B64_LEN 86 /* 64 bytes */
#define COUNTER_MAX_DIGITS 16

/* A device seen since start: its replay counter and last sync, held here so
 * that checking a request costs a mutex, not the database's write lock. */
struct device_seen {
    char id[IDENTITY_ID_MAX + 1];
    int64_t counter;   /* highest accepted */
    int64_t seen_ms;   /* when it was accepted */
    int64_t synced_ms; /* last sync answered, 0 if none since start */
    int64_t dirty_ms;  /* when the first change not yet stored was made, 0 if none */
};

/* How often the devices' counters and last syncs are written down (the
 * office's device list writes them first, so it is never late). */
#define DEVICE_STORE_LAG_MS 1000

#define AUTH_ADDRS 256 /* client addresses remembered; the oldest is forgotten first */

/* Consecutive sign-in failures from one client address. */
struct addr_failures {
    char addr[48];   /* "" when free */
    int failures;    /* since the last success from it */
    int64_t last_ms; /* the last failure */
    int64_t wait_until_ms;
};

struct auth {
    unsigned char key[32];             /* server key: seals production secret keys */
    pthread_mutex_t lock;              /* guards hashing and dummy */
    int hashing;                       /* Argon2 hashes running now */
    char dummy[IDENTITY_HASH_MAX + 1]; /* verified against for unknown emails */
    pthread_mutex_t devices_lock;      /* guards devices, ndevices, devices_cap */
    struct device_seen *devices;       /* owned; linear: a production has hundreds */
    size_t ndevices, devices_cap;
    int64_t swept_ms;                       /* last devices_sweep() */
    pthread_mutex_t addrs_lock;             /* guards addrs */
    struct addr_failures addrs[AUTH_ADDRS]; /* sign-in failures per client address */
};

static void hash32(const void *data, size_t len, unsigned char out[32])
{
    crypto_generichash(out, 32, data, len, NULL, 0);
}

/* ---- server key ------------------------------------------------------ */

static int key_path(const struct config *cfg, char *buf, size_t len)
{
    int n;

    if (cfg->secret_key_file[0] != '\0')
        n = snprintf(buf, len, "%s", cfg->secret_key_file);
    else
        n = snprintf(buf, len, "%s/secret.key", cfg->data_dir);
    return (n < 0 || (size_t)n >= len) ? EP_ETOOBIG : EP_OK;
}

/* Creates path with 32 fresh random bytes, mode 0600. EEXIST is left to the
 * caller (another process won the race: read theirs). */
static int key_create(const char *path, unsigned char *key, struct ep_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    int rc = EP_OK;

    if (fd < 0)
        return errno == EEXIST ? EP_ECONFLICT : EP_EIO;
    randombytes_buf(key, 32);
    if (write(fd, key, 32) != 32 || fsync(fd) != 0) {
        ep_error_set(err, EP_EIO, NULL, "cannot write secret key file '%s': %s", path,
                     strerror(errno));
        rc = EP_EIO;
    }
    if (close(fd) != 0 && rc == EP_OK) {
        ep_error_set(err, EP_EIO, NULL, "cannot write secret key file '%s': %s", path,
                     strerror(errno));
        rc = EP_EIO;
    }
    if (rc != EP_OK) {
        sodium_memzero(key, 32);
        (void)unlink(path);
    } else {
        LOG_INFO("auth.key",
                 "created server key file '%s' (mode 0600): back it up with the "
                 "database, production keys cannot be opened without it",
                 path);
    }
    return rc;
}

static int key_read(const char *path, unsigned char *key, struct ep_error *err)
{
    struct stat st;
    /* Symlinks are followed (secret stores mount them so); the checks below
     * apply to the file they point to. */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc = EP_OK;
    ssize_t n;

    if (fd < 0) {
        ep_error_set(err, EP_EIO, NULL, "cannot read secret key file '%s': %s", path,
                     strerror(errno));
        return EP_EIO;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ep_error_set(err, EP_EINVAL, NULL, "secret key file '%s' is not a regular file", path);
        rc = EP_EINVAL;
        goto out;
    }
    /* A key others can read is a key others may have copied. */
    if ((st.st_mode & 077) != 0) {
        ep_error_set(err, EP_EFORBIDDEN, NULL,
                     "secret key file '%s' has mode %04o: it must be readable by its owner only "
                     "(chmod 600 '%s')",
                     path, (unsigned)(st.st_mode & 07777), path);
        rc = EP_EFORBIDDEN;
        goto out;
    }
    if (st.st_size != 32) {
        ep_error_set(err, EP_EINVAL, NULL,
                     "secret key file '%s' must hold exactly 32 bytes, not %lld", path,
                     (long long)st.st_size);
        rc = EP_EINVAL;
        goto out;
    }
    n = read(fd, key, 32);
    if (n != 32) {
        ep_error_set(err, EP_EIO, NULL, "cannot read secret key file '%s': %s", path,
                     n < 0 ? strerror(errno) : "short read");
        rc = EP_EIO;
    }
out:
    close(fd);
    return rc;
}

int auth_new(const struct config *cfg, struct auth **out, struct ep_error *err)
{
    char path[CONFIG_PATH_MAX + 16];
    struct auth *a = NULL;
    int rc;

    *out = NULL;
    ep_error_clear(err);
    rc = key_path(cfg, path, sizeof(path));
    if (rc != EP_OK) {
        ep_error_set(err, rc, NULL, "secret key file path too long");
        return rc;
    }
    a = calloc(1, sizeof(*a));
    if (a == NULL)
        return EP_ENOMEM;
    (void)sodium_mlock(a->key, sizeof(a->key)); /* best effort: keep it out of swap */
    rc = key_create(path, a->key, err);
    if (rc == EP_ECONFLICT)
        rc = key_read(path, a->key, err);
    else if (rc == EP_EIO && (err == NULL || err->message[0] == '\0'))
        ep_error_set(err, rc, NULL, "cannot create secret key file '%s': %s", path,
                     strerror(errno));
    if (rc == EP_OK && pthread_mutex_init(&a->addrs_lock, NULL) != 0)
        rc = EP_ENOMEM;
    if (rc == EP_OK && pthread_mutex_init(&a->lock, NULL) != 0)
        rc = EP_ENOMEM;
    if (rc == EP_OK && pthread_mutex_init(&a->devices_lock, NULL) != 0) {
        pthread_mutex_destroy(&a->lock);
        rc = EP_ENOMEM;
    }
    if (rc != EP_OK) {
        sodium_munlock(a->key, sizeof(a->key));
        free(a);
        return rc;
    }
    *out = a;
    return EP_OK;
}

void auth_free(struct auth *a)
{
    if (a == NULL)
        return;
    pthread_mutex_destroy(&a->lock);
    pthread_mutex_destroy(&a->addrs_lock);
    pthread_mutex_destroy(&a->devices_lock);
    free(a->devices);
    sodium_munlock(a->key, sizeof(a->key)); /* also zeroes it */
    free(a);
}

/* ---- hashing --------------------------------------------------------- */

int auth_hash_acquire(struct auth *a)
{
    int rc = EP_EBUSY;

    pthread_mutex_lock(&a->lock);
    if (a->hashing < AUTH_MAX_HASHES) {
        a->hashing++;
        rc = EP_OK;
    }
    pthread_mutex_unlock(&a->lock);
    return rc;
}

void auth_hash_release(struct auth *a)
{
    pthread_mutex_lock(&a->lock);
    if (a->hashing > 0)
        a->hashing--;
    pthread_mutex_unlock(&a->lock);
}

/* ---- password policy ---------------------------------------------- */

extern const struct ep_embedded ep_common_passwords[];

static const char **common; /* sorted lines of the list, into its embedded data */
static size_t ncommon;      /* entries in common */
static char *common_text;   /* owned copy the entries point into */
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static void common_load(void)
{
    const char *src = ep_common_passwords[0].data;
    size_t size = ep_common_passwords[0].size, n = 0;
    char *line, *save = NULL;

    common_text = malloc(size + 1);
    common = calloc(size / 2 + 1, sizeof(*common));
    if (common_text == NULL || common == NULL)
        return; /* then nothing is refused as common: logged by the caller's length rules */
    memcpy(common_text, src, size + 1);
    for (line = strtok_r(common_text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] != '#')
            common[n++] = line;
    }
    ncommon = n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether the len bytes at s, as a string, are on the list. */
static int is_common(const char *s, size_t len)
{
    char key[AUTH_PASSWORD_MAX + 1];
    const char *k = key;

    if (len == 0 || len > AUTH_PASSWORD_MAX || common == NULL)
        return 0;
    memcpy(key, s, len);
    key[len] = '\0';
    return bsearch(&k, common, ncommon, sizeof(*common), cmp_str) != NULL;
}

/* Whether s (len bytes) is one list word written once or more in a row. */
static int common_repeated(const char *s, size_t len)
{
    for (size_t d = 1; d <= len; d++) {
        size_t i;
        if (len % d != 0)
            continue;
        for (i = d; i < len && memcmp(s + i, s, d) == 0; i += d)
            ;
        if (i >= len && is_common(s, d))
            return 1;
    }
    return 0;
}

int auth_password_check(const char *pw, size_t len, struct ep_error *err)
{
    char lower[AUTH_PASSWORD_MAX + 1];
    unsigned char seen[256];
    size_t chars = 0, distinct = 0, b = 0, e;

    if (len > AUTH_PASSWORD_MAX || strlen(pw) != len) {
        return ep_error_set(err, EP_EINVAL, "password",
                            "the password must be at most %d bytes, without NUL",
                            AUTH_PASSWORD_MAX);
    }
    memset(seen, 0, sizeof(seen));
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)pw[i];
        chars += (c & 0xC0) != 0x80; /* UTF-8: count lead bytes, not continuations */
        distinct += !seen[c];
        seen[c] = 1;
        lower[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    lower[len] = '\0';
    if (chars < AUTH_PASSWORD_MIN) {
        return ep_error_set(err, EP_EINVAL, "password",
                            "the password must have at least %d characters", AUTH_PASSWORD_MIN);
    }
    if (distinct < 5) {
        return ep_error_set(err, EP_EINVAL, "password",
                            "the password repeats too few characters; choose a sentence");
    }
    (void)pthread_once(&common_once, common_load);
    /* The word behind "Password2024!" or "!!sunshine12": strip digits and
     * punctuation around it. */
    e = len;
    while (b < e && strchr("0123456789!@#$%^&*()-_=+.,;:?/ ", lower[b]) != NULL)
        b++;
    while (e > b && strchr("0123456789!@#$%^&*()-_=+.,;:?/ ", lower[e - 1]) != NULL)
        e--;
    if (is_common(lower, len) || common_repeated(lower + b, e - b)) {
        return ep_error_set(err, EP_EINVAL, "password",
                            "this password is among the most common ones; choose another");
    }
    return EP_OK;
}

int auth_hash_password(const char *pw, size_t len, char out[IDENTITY_HASH_MAX + 1])
{
    memset(out, 0, IDENTITY_HASH_MAX + 1);
    if (crypto_pwhash_str(out, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return EP_ENOMEM; /* libsodium fails only when it cannot get the memory */
    return EP_OK;
}

/* An account's wait after its n-th consecutive failure: doubling from the
 * 3rd, capped so that nobody can keep its owner out (auth.h). */
static int64_t lock_delay_ms(int failures)
{
    if (failures < 3)
        return 0;
    if (failures >= 9)
        return AUTH_ACCOUNT_LOCK_MAX_MS;
    return 1000LL << (failures - 3);
}

/* The entry of addr (added, over the oldest when full); addrs_lock held. */
static struct addr_failures *addr_entry(struct auth *a, const char *addr, int64_t now)
{
    struct addr_failures *pick = NULL; /* a free entry, else the oldest */

    for (int i = 0; i < AUTH_ADDRS; i++) {
        struct addr_failures *e = &a->addrs[i];
        if (e->addr[0] != '\0' && now - e->last_ms > 3600LL * 1000)
            e->addr[0] = '\0'; /* an hour without failure: forgotten */
        if (e->addr[0] != '\0' && strcmp(e->addr, addr) == 0)
            return e;
        if (e->addr[0] == '\0') {
            if (pick == NULL || pick->addr[0] != '\0')
                pick = e;
        } else if (pick == NULL || (pick->addr[0] != '\0' && e->last_ms < pick->last_ms)) {
            pick = e;
        }
    }
    memset(pick, 0, sizeof(*pick));
    snprintf(pick->addr, sizeof(pick->addr), "%s", addr);
    pick->last_ms = now;
    return pick;
}

/* How long addr must still wait before a sign-in is heard (0: now). */
static int64_t addr_wait(struct auth *a, const char *addr, int64_t now)
{
    int64_t wait;

    pthread_mutex_lock(&a->addrs_lock);
    wait = addr_entry(a, addr, now)->wait_until_ms - now;
    pthread_mutex_unlock(&a->addrs_lock);
    return wait > 0 ? wait : 0;
}

/* Records a failure (ok 0) or a success (ok 1) from addr. */
static void addr_result(struct auth *a, const char *addr, int ok, int64_t now)
{
    struct addr_failures *e;

    pthread_mutex_lock(&a->addrs_lock);
    e = addr_entry(a, addr, now);
    if (ok) {
        e->failures = 0;
        e->wait_until_ms = 0;
    } else {
        int over = ++e->failures - AUTH_ADDR_FREE;
        int64_t d = over <= 0 ? 0 : over > 20 ? AUTH_ADDR_LOCK_MAX_MS : 1000LL << (over - 1);
        e->last_ms = now;
        e->wait_until_ms =
            d > 0 ? now + (d < AUTH_ADDR_LOCK_MAX_MS ? d : AUTH_ADDR_LOCK_MAX_MS) : 0;
    }
    pthread_mutex_unlock(&a->addrs_lock);
}

/* A hash of a random password, made once, to spend an unknown email's time. */
static int dummy_hash(struct auth *a, char out[IDENTITY_HASH_MAX + 1])
{
    int rc = EP_OK;

    pthread_mutex_lock(&a->lock);
    if (a->dummy[0] == '\0') {
        unsigned char pw[16];
        randombytes_buf(pw, sizeof(pw));
        rc = auth_hash_password((const char *)pw, sizeof(pw), a->dummy);
    }
    memcpy(out, a->dummy, IDENTITY_HASH_MAX + 1);
    pthread_mutex_unlock(&a->lock);
    return rc;
}

static void new_token(char *out, size_t len)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, len, raw, sizeof(raw), B64_NOPAD);
    sodium_memzero(raw, sizeof(raw));
}

int auth_login(struct auth *a, struct db *db, const char *email, const char *pw, size_t pwlen,
               const char *addr, int64_t now, struct auth_login_result *out)
{
    struct identity_account acc;
    char hash[IDENTITY_HASH_MAX + 1];
    unsigned char h[32];
    int known, ok, rc;

    memset(out, 0, sizeof(*out));
    out->retry_after_ms = addr_wait(a, addr, now);
    if (out->retry_after_ms > 0) {
        out->by_address = 1;
        return EP_EFORBIDDEN;
    }
    rc = identity_account_by_email(db, email, &acc);
    if (rc != EP_OK && rc != EP_ENOTFOUND)
        return rc;
    known = rc == EP_OK;
    if (known) {
        snprintf(out->account_id, sizeof(out->account_id), "%s", acc.id);
        out->failures = acc.failed_count;
        if (acc.locked_until > now) {
            out->retry_after_ms = acc.locked_until - now;
            return EP_EFORBIDDEN;
        }
    }
    if (auth_hash_acquire(a) != EP_OK)
        return EP_EBUSY;
    if (known) {
        memcpy(hash, acc.pw_hash, sizeof(hash));
        rc = EP_OK;
    } else {
        rc = dummy_hash(a, hash);
    }
    ok = rc == EP_OK && crypto_pwhash_str_verify(hash, pw, pwlen) == 0 && known;
    if (ok &&
        crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0 &&
        auth_hash_password(pw, pwlen, hash) == EP_OK)
        (void)identity_account_set_hash(db, acc.id, hash); /* next login retries if this fails */
    auth_hash_release(a);
    if (rc == EP_OK)
        addr_result(a, addr, ok, now);
    if (!known)
        return rc == EP_OK ? EP_EAUTH : rc;
    if (!ok) {
        int64_t delay;
        out->failures = acc.failed_count + 1;
        delay = lock_delay_ms(out->failures);
        out->retry_after_ms = delay;
        rc = identity_account_set_failures(db, acc.id, out->failures, delay > 0 ? now + delay : 0);
        return rc == EP_OK ? EP_EAUTH : rc;
    }
    out->failures = 0;
    rc = identity_account_set_failures(db, acc.id, 0, 0);
    new_token(out->token, sizeof(out->token));
    new_token(out->csrf, sizeof(out->csrf));
    hash32(out->token, strlen(out->token), h);
    if (rc == EP_OK)
        rc = identity_session_purge(db, now);
    if (rc == EP_OK)
        rc = identity_session_create(db, h, acc.id, out->csrf, now, now + AUTH_SESSION_MS);
    if (rc != EP_OK)
        sodium_memzero(out->token, sizeof(out->token));
    return rc;
}

/* ---- audit ----------------------------------------------------------- */

void auth_audit(struct http_req *r, const struct auth_principal *p, const char *production_id,
                const char *event, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    struct identity_audit_event e;
    int rc;

    va_start(ap, fmt);
    if (vsnprintf(detail, sizeof(detail), fmt, ap) < 0)
        detail[0] = '\0';
    va_end(ap);
    memset(&e, 0, sizeof(e));
    if (p != NULL) {
        e.production_id = p->production_id;
        e.account_id = p->account_id;
        e.member_id = p->member_id;
        e.device_id = p->device_id;
    }
    if (production_id != NULL)
        e.production_id = production_id;
    e.event = event;
    e.detail = detail;
    e.remote_addr = http_client_addr(r);
    rc = identity_audit(r->db, clock_now_ms(), &e);
    if (rc != EP_OK)
        LOG_ERROR("audit", "cannot record %s: %s", event, db_errmsg(r->db));
    LOG_INFO("audit", "%s %s from %s: %s", event, e.production_id != NULL ? e.production_id : "-",
             e.remote_addr, detail);
}

/* ---- request authentication ----------------------------------------- */

/* 1 if s is exactly n base64url characters. */
static int is_b64url(const char *s, size_t n)
{
    size_t i;
    for (i = 0; s[i] != '\0'; i++) {
        char c = s[i];
        if (i >= n || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return i == n;
}

char *auth_signing_string(const char *method, const char *path, const char *query,
                          const char *device_id, const char *counter, const char *body, size_t len,
                          size_t *outlen)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    char b64[64];
    size_t need;
    char *buf;
    int n;
    int has_query = query != NULL && query[0] != '\0';

    crypto_hash_sha256(digest, (const unsigned char *)(body != NULL ? body : ""), len);
    sodium_bin2base64(b64, sizeof(b64), digest, sizeof(digest), B64_NOPAD);
    need = strlen(method) + strlen(path) + (has_query ? strlen(query) + 1 : 0) + strlen(device_id) +
           strlen(counter) + strlen(b64) + 5;
    buf = malloc(need);
    if (buf == NULL)
        return NULL;
    n = snprintf(buf, need, "%s\n%s%s%s\n%s\n%s\n%s", method, path, has_query ? "?" : "",
                 has_query ? query : "", device_id, counter, b64);
    if (n < 0 || (size_t)n >= need) {
        free(buf);
        return NULL;
    }
    *outlen = (size_t)n;
    return buf;
}

/* Parses a canonical positive decimal (no sign, no leading zero, <= 2^53). */
static int parse_counter(const char *s, int64_t *out)
{
    int64_t v = 0;
    size_t i;

    if (s == NULL || s[0] < '1' || s[0] > '9')
        return EP_EINVAL;
    for (i = 0; s[i] != '\0'; i++) {
        if (i >= COUNTER_MAX_DIGITS || s[i] < '0' || s[i] > '9')
            return EP_EINVAL;
        v = v * 10 + (s[i] - '0');
    }
    /* JavaScript numbers are exact up to 2^53: the PWA can always count there. */
    if (v > (1LL << 53))
        return EP_EINVAL;
    *out = v;
    return EP_OK;
}

int auth_device_headers(const char *device, const char *counter, const char *signature,
                        int64_t *counter_out, unsigned char sig[64], struct ep_error *err)
{
    size_t siglen = 0;

    if (!ids_valid(device))
        return ep_error_set(err, EP_EINVAL, "X-EP-Device", "X-EP-Device must be a device id");
    if (parse_counter(counter, counter_out) != EP_OK)
        return ep_error_set(err, EP_EINVAL, "X-EP-Counter",
                            "X-EP-Counter must be a positive decimal integer up to 2^53");
    if (signature == NULL || !is_b64url(signature, SIGNATURE_B64_LEN) ||
        sodium_base642bin(sig, 64, signature, strlen(signature), NULL, &siglen, NULL, B64_NOPAD) !=
            0 ||
        siglen != 64)
        return ep_error_set(err, EP_EINVAL, "X-EP-Signature",
                            "X-EP-Signature must be 64 bytes in base64url without padding");
    return EP_OK;
}

int auth_pairing_check(const char *code, const char *public_key, const char *name,
                       unsigned char key_out[32], struct ep_error *err)
{
    size_t pklen = 0;

    if (strlen(code) != 43 || !is_b64url(code, 43))
        return ep_error_set(err, EP_EAUTH, "code",
                            "the pairing code must be 43 base64url characters");
    if (strlen(public_key) != 43 ||
        sodium_base642bin(key_out, 32, public_key, strlen(public_key), NULL, &pklen, NULL,
                          B64_NOPAD) != 0 ||
        pklen != 32 || crypto_core_ed25519_is_valid_point(key_out) != 1)
        return ep_error_set(err, EP_EINVAL, "public_key",
                            "public_key must be a 32-byte Ed25519 public key in base64url");
    if (strlen(name) == 0 || strlen(name) > 100)
        return ep_error_set(err, EP_EINVAL, "name", "name must be 1 to 100 bytes");
    return EP_OK;
}

static int fail(struct http_req *r, const struct auth_principal *p, const char *production_id,
                int status, const char *code, const char *field, const char *msg)
{
    /* Without a principal nobody proved any tie to the production in the
     * path: filing the refusal under it let anyone flood that production's
     * audit (docs/security.md). It is still recorded, account-less and
     * production-less. */
    auth_audit(r, p, p != NULL ? production_id : NULL, "auth.refused", "%d %s %s %s: %s", status,
               code, r->ri->request_method, r->ri->local_uri, msg);
    return http_error(r, status, code, field, "%s", msg);
}

/* The entry of device id, added if absent (with stored as its counter).
 * Caller holds devices_lock. NULL when out of memory. */
static struct device_seen *device_slot(struct auth *a, const char *id, int64_t stored)
{
    struct device_seen *d;

    for (size_t i = 0; i < a->ndevices; i++) {
        if (strcmp(a->devices[i].id, id) == 0)
            return &a->devices[i];
    }
    if (a->ndevices == a->devices_cap) {
        size_t cap = a->devices_cap == 0 ? 64 : a->devices_cap * 2;
        struct device_seen *n = realloc(a->devices, cap * sizeof(*n));
        if (n == NULL)
            return NULL;
        a->devices = n;
        a->devices_cap = cap;
    }
    d = &a->devices[a->ndevices++];
    memset(d, 0, sizeof(*d));
    snprintf(d->id, sizeof(d->id), "%s", id);
    d->counter = stored;
    return d;
}

/*
 * Accepts counter for dev if it is greater than every counter accepted
 * before, stored or not, and not too far ahead: EP_OK, EP_ECONFLICT (a
 * replay), EP_ETOOBIG (a leap, AUTH_COUNTER_AHEAD_MAX) or EP_ENOMEM.
 * Only memory is touched: devices_store() writes it down.
 */
static int device_accept(struct auth *a, const struct identity_device *dev, int64_t counter,
                         int64_t now)
{
    struct device_seen *d;
    int rc = EP_OK;

    pthread_mutex_lock(&a->devices_lock);
    d = device_slot(a, dev->id, dev->counter);
    if (d == NULL) {
        rc = EP_ENOMEM;
    } else if (counter <= d->counter || counter <= dev->counter) {
        rc = EP_ECONFLICT;
    } else if (counter > (d->counter > now ? d->counter : now) + AUTH_COUNTER_AHEAD_MAX) {
        /* A counter can only move forward: one leap to 2^53 would leave
         * the phone no counter to send ever again (docs/security.md). A phone counts
         * from its clock (pwa/js/store.js), so honest counters stay near
         * the time in ms. Refused, the stored counter does not move. */
        rc = EP_ETOOBIG;
    } else {
        d->counter = counter;
        d->seen_ms = now;
        if (d->dirty_ms == 0)
            d->dirty_ms = now;
    }
    pthread_mutex_unlock(&a->devices_lock);
    return rc;
}

/*
 * Writes the counters and last syncs changed at least min_age_ms ago to the
 * database, all in one transaction without an fsync of its own
 * (db_begin_write_lazy): a push's answer follows its own FULL commit, whose
 * WAL fsync covers this write too, and a counter lost in a crash only lets
 * a request be replayed, which pushes (idempotent) and pulls (reads)
 * tolerate. One write a second at most, not one per request: every write on
 * another connection empties the push writer's page cache (sync_group).
 */
static void devices_store(struct auth *a, struct db *db, int64_t min_age_ms)
{
    struct device_seen *copy = NULL;
    size_t n = 0;
    int64_t now = clock_now_ms();
    int rc;

    pthread_mutex_lock(&a->devices_lock);
    if (a->ndevices > 0)
        copy = malloc(a->ndevices * sizeof(*copy));
    for (size_t i = 0; copy != NULL && i < a->ndevices; i++) {
        const struct device_seen *d = &a->devices[i];
        if (d->dirty_ms != 0 && now - d->dirty_ms >= min_age_ms)
            copy[n++] = *d;
    }
    pthread_mutex_unlock(&a->devices_lock);
    if (n == 0)
        goto out;
    rc = db_begin_write_lazy(db);
    for (size_t i = 0; rc == EP_OK && i < n; i++) {
        rc = identity_device_advance(db, copy[i].id, copy[i].counter, copy[i].seen_ms);
        if (rc == EP_ECONFLICT)
            rc = EP_OK; /* stored already, or revoked meanwhile: nothing to keep */
        if (rc == EP_OK && copy[i].synced_ms != 0)
            rc = identity_device_synced(db, copy[i].id, copy[i].synced_ms);
    }
    if (rc == EP_OK)
        rc = db_commit(db);
    if (rc != EP_OK) {
        db_rollback(db);
        LOG_WARN("auth.device", "cannot store %zu device counters: %s", n, ep_strerror(rc));
        goto out;
    }
    pthread_mutex_lock(&a->devices_lock);
    for (size_t i = 0; i < a->ndevices; i++) {
        struct device_seen *d = &a->devices[i];
        for (size_t k = 0; k < n; k++) {
            /* Clean only if nothing changed while we wrote. */
            if (strcmp(d->id, copy[k].id) == 0 && d->counter == copy[k].counter &&
                d->synced_ms == copy[k].synced_ms)
                d->dirty_ms = 0;
        }
    }
    pthread_mutex_unlock(&a->devices_lock);
out:
    free(copy);
}

void auth_store_devices(struct auth *a, struct db *db)
{
    devices_store(a, db, 0);
}

/* At most once per DEVICE_STORE_LAG_MS, a request stores what changed. */
static void devices_sweep(struct auth *a, struct db *db)
{
    int64_t now = clock_now_ms();
    int due;

    pthread_mutex_lock(&a->devices_lock);
    due = now - a->swept_ms >= DEVICE_STORE_LAG_MS;
    if (due)
        a->swept_ms = now;
    pthread_mutex_unlock(&a->devices_lock);
    if (due)
        devices_store(a, db, 0);
}

static int device_auth(struct http_req *r, const char *body, size_t len, const char *device_hdr,
                       struct auth_principal *p)
{
    const char *counter_hdr = mg_get_header(r->conn, "X-EP-Counter");
    const char *sig_hdr = mg_get_header(r->conn, "X-EP-Signature");
    struct identity_device dev;
    struct identity_member m;
    unsigned char sig[64];
    int64_t counter = 0;
    char *msg = NULL;
    size_t msglen = 0;
    int status = 0;
    int rc;

    {
        struct ep_error err;
        if (auth_device_headers(device_hdr, counter_hdr, sig_hdr, &counter, sig, &err) != EP_OK)
            return fail(r, NULL, NULL, 400, "malformed_credentials", err.field, err.message);
    }
    rc = identity_device_get(r->db, device_hdr, &dev);
    if (rc == EP_ENOTFOUND)
        return fail(r, NULL, NULL, 401, "unknown_device", "X-EP-Device",
                    "this device is not paired with this server");
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read devices");
    snprintf(p->device_id, sizeof(p->device_id), "%s", dev.id);
    snprintf(p->member_id, sizeof(p->member_id), "%s", dev.member_id);
    snprintf(p->production_id, sizeof(p->production_id), "%s", dev.production_id);
    p->is_device = 1;
    snprintf(p->origin, sizeof(p->origin), "%s", dev.id);
    msg = auth_signing_string(r->ri->request_method, r->ri->local_uri, r->ri->query_string,
                              device_hdr, counter_hdr, body, len, &msglen);
    if (msg == NULL)
        return http_error(r, 503, "busy", NULL, "out of memory, try again later");
    rc = crypto_sign_verify_detached(sig, (const unsigned char *)msg, msglen, dev.public_key);
    free(msg);
    if (rc != 0) {
        status = fail(r, p, NULL, 401, "bad_signature", "X-EP-Signature",
                      "the signature does not match this request and device");
        goto out;
    }
    /* Checked after the signature, so only the key holder learns the state. */
    if (dev.revoked_at != 0) {
        status = fail(r, p, NULL, 403, "device_revoked", "X-EP-Device",
                      "this device was revoked; pair it again");
        goto out;
    }
    rc = device_accept(r->app->auth, &dev, counter, clock_now_ms());
    if (rc == EP_ECONFLICT) {
        char why[128];
        snprintf(why, sizeof(why), "counter %lld is not greater than the last one accepted",
                 (long long)counter);
        status = fail(r, p, NULL, 401, "replayed_request", "X-EP-Counter", why);
        goto out;
    }
    if (rc == EP_ETOOBIG) {
        status = fail(r, p, NULL, 401, "counter_too_far", "X-EP-Counter",
                      "the counter leaps too far ahead of the last one and of the time; if this "
                      "phone cannot count back, pair it again");
        goto out;
    }
    if (rc != EP_OK) {
        status = http_error(r, 503, "busy", NULL, "out of memory, try again later");
        goto out;
    }
    devices_sweep(r->app->auth, r->db);
    rc = identity_member_get(r->db, dev.production_id, dev.member_id, &m);
    if (rc != EP_OK || m.removed_at != 0) {
        status = fail(r, p, NULL, 403, "member_removed", NULL,
                      "the person this device belongs to is no longer on the production");
        goto out;
    }
    snprintf(p->department, sizeof(p->department), "%s", m.department);
    p->role = m.role;
out:
    return status;
}

/* Reads the session cookie into tok (TOKEN_B64_LEN + 1). Returns 1 found and
 * well-formed, 0 absent, -1 present but malformed. */
static int read_cookie(struct http_req *r, char *tok, size_t len)
{
    const char *cookies = mg_get_header(r->conn, "Cookie");
    int n;

    if (cookies == NULL)
        return 0;
    n = mg_get_cookie(cookies, AUTH_COOKIE, tok, len);
    if (n == -1)
        return 0;
    if (n < 0 || !is_b64url(tok, TOKEN_B64_LEN))
        return -1;
    return 1;
}

static int is_safe_method(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

/*
 * The origin of an office session's pushes (auth.h): every browser signed in
 * to an account shares its device id, "office-<account>", but not its
 * session, so own=0 hides from a browser only what that browser pushed.
 * Hashed again so that the op log never holds a session's lookup key.
 */
static void session_origin(const unsigned char token_hash[32], char *out, size_t len)
{
    unsigned char k[16];

    crypto_generichash(k, sizeof(k), token_hash, 32, NULL, 0);
    snprintf(out, len, "s-");
    sodium_bin2hex(out + 2, len - 2, k, sizeof(k));
}

static int session_auth(struct http_req *r, const char *production_id, int need_production,
                        struct auth_principal *p)
{
    char tok[TOKEN_B64_LEN + 1];
    unsigned char h[32];
    struct identity_session s;
    struct identity_member m;
    const char *csrf;
    int found = read_cookie(r, tok, sizeof(tok));
    int rc;

    if (found == 0)
        return fail(r, NULL, production_id, 401, "unauthenticated", NULL,
                    "sign in, or sign the request with a paired device");
    if (found < 0)
        return fail(r, NULL, production_id, 401, "invalid_session", NULL,
                    "the session cookie is malformed; sign in again");
    hash32(tok, TOKEN_B64_LEN, h);
    sodium_memzero(tok, sizeof(tok));
    rc = identity_session_get(r->db, h, clock_now_ms(), &s);
    if (rc == EP_ENOTFOUND)
        return fail(r, NULL, production_id, 401, "invalid_session", NULL,
                    "the session is unknown or expired; sign in again");
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read sessions");
    snprintf(p->account_id, sizeof(p->account_id), "%s", s.account_id);
    p->is_device = 0;
    session_origin(h, p->origin, sizeof(p->origin));
    p->role = SYNC_ROLE_VIEWER;
    /* SameSite=Strict already keeps the cookie off cross-site requests; the
     * token is the second lock, for browsers or proxies that get that wrong. */
    if (!is_safe_method(r->ri->request_method)) {
        csrf = mg_get_header(r->conn, "X-EP-CSRF");
        if (csrf == NULL)
            return fail(r, p, production_id, 403, "csrf_missing", "X-EP-CSRF",
                        "state-changing requests need the X-EP-CSRF header");
        if (strlen(csrf) != strlen(s.csrf) || sodium_memcmp(csrf, s.csrf, strlen(s.csrf)) != 0)
            return fail(r, p, production_id, 403, "csrf_invalid", "X-EP-CSRF",
                        "the X-EP-CSRF token does not match the session");
    }
    if (production_id == NULL && !need_production)
        return 0;
    if (production_id == NULL)
        return fail(r, p, NULL, 400, "production_required", "X-EP-Production",
                    "name the production in the X-EP-Production header");
    rc = identity_member_of_account(r->db, s.account_id, production_id, &m);
    if (rc == EP_ENOTFOUND)
        return fail(r, p, production_id, 403, "not_a_member", NULL,
                    "you are not a member of this production");
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read members");
    snprintf(p->production_id, sizeof(p->production_id), "%s", production_id);
    snprintf(p->member_id, sizeof(p->member_id), "%s", m.id);
    snprintf(p->department, sizeof(p->department), "%s", m.department);
    p->role = m.role;
    return 0;
}

int auth_session_csrf(struct http_req *r, char *buf, size_t len)
{
    char tok[TOKEN_B64_LEN + 1];
    unsigned char h[32];
    struct identity_session s;
    int rc = EP_EAUTH;

    if (read_cookie(r, tok, sizeof(tok)) != 1)
        return EP_EAUTH;
    hash32(tok, TOKEN_B64_LEN, h);
    sodium_memzero(tok, sizeof(tok));
    if (identity_session_get(r->db, h, clock_now_ms(), &s) == EP_OK && strlen(s.csrf) < len) {
        memcpy(buf, s.csrf, strlen(s.csrf) + 1);
        rc = EP_OK;
    }
    return rc;
}

int auth_session_end(struct http_req *r)
{
    char tok[TOKEN_B64_LEN + 1];
    unsigned char h[32];

    if (read_cookie(r, tok, sizeof(tok)) != 1)
        return EP_OK;
    hash32(tok, TOKEN_B64_LEN, h);
    sodium_memzero(tok, sizeof(tok));
    return identity_session_delete(r->db, h);
}

int auth_request_in(struct http_req *r, const char *body, size_t len, const char *production_id,
                    int need_production, struct auth_principal *p)
{
    const char *device = mg_get_header(r->conn, "X-EP-Device");
    const char *hdr = mg_get_header(r->conn, "X-EP-Production");
    int status;

    memset(p, 0, sizeof(*p));
    p->role = SYNC_ROLE_VIEWER;
    if (hdr != NULL && !ids_valid(hdr))
        return fail(r, NULL, NULL, 400, "malformed_credentials", "X-EP-Production",
                    "X-EP-Production must be a production id");
    if (production_id != NULL && hdr != NULL && strcmp(hdr, production_id) != 0)
        return fail(r, NULL, production_id, 403, "cross_production", "X-EP-Production",
                    "X-EP-Production names another production than the path");
    if (production_id == NULL)
        production_id = hdr;
    if (device != NULL) {
        status = device_auth(r, body, len, device, p);
        if (status == 0 && production_id != NULL && strcmp(production_id, p->production_id) != 0)
            status = fail(r, p, production_id, 403, "cross_production", NULL,
                          "this device belongs to another production");
    } else {
        status = session_auth(r, production_id, need_production, p);
    }
    if (status == 0 && r->frozen && p->production_id[0] != '\0')
        status = auth_refuse_archived(r, p->production_id, p->is_device);
    return status;
}

int auth_refuse_archived(struct http_req *r, const char *production_id, int is_device)
{
    int archived = 0;
    int rc = production_archived(r->db, production_id, &archived);

    if (rc == EP_ENOTFOUND)
        return 0; /* the handler answers its own 404 */
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot read the production");
    if (!archived)
        return 0;
    /* A phone keeps its queue on this answer (pwa/js/sync/client.js) and
     * shows it, so nothing typed is lost; a reopened production takes it at
     * the next sync. */
    return http_error(r, 409, "production_archived", NULL, "%s",
                      is_device ? "this production is archived: its record is frozen; your "
                                  "changes stay on the phone"
                                : "this production is archived: it is read-only until an "
                                  "administrator reopens it");
}

int auth_request(struct http_req *r, const char *body, size_t len, struct auth_principal *p)
{
    return auth_request_in(r, body, len, NULL, 1, p);
}

void auth_actor(const struct auth_principal *p, struct sync_actor *out)
{
    out->production_id = p->production_id;
    out->device_id = p->device_id;
    out->member_id = p->member_id[0] != '\0' ? p->member_id : NULL;
    out->department = p->department[0] != '\0' ? p->department : NULL;
    out->role = p->role;
}

void auth_note_sync(struct http_req *r, const struct auth_principal *p)
{
    struct auth *a = r->app->auth;
    int64_t now = clock_now_ms();

    if (!p->is_device)
        return;
    /* A last-sync time is worth no fsync and no wait: lost in a crash, it
     * is rewritten at the next sync (devices_store). */
    pthread_mutex_lock(&a->devices_lock);
    for (size_t i = 0; i < a->ndevices; i++) {
        struct device_seen *d = &a->devices[i];
        if (strcmp(d->id, p->device_id) == 0) {
            d->synced_ms = now;
            if (d->dirty_ms == 0)
                d->dirty_ms = now;
            break;
        }
    }
    pthread_mutex_unlock(&a->devices_lock);
}

int auth_require(struct http_req *r, const struct auth_principal *p, enum authz_action action)
{
    if (authz_endpoint(action, p->role, p->is_device) == EP_OK)
        return 0;
    auth_audit(r, p, NULL, "auth.forbidden", "role %s may not %s%s", identity_role_name(p->role),
               authz_action_name(action), p->is_device ? " from a phone" : "");
    return http_error(r, 403, "forbidden", NULL, "role '%s' may not %s%s",
                      identity_role_name(p->role), authz_action_name(action),
                      p->is_device ? " from a phone (use an office session)" : "");
}

/* ---- production keys ------------------------------------------------- */

static int prodkey_create(struct auth *a, struct db *db, const char *production_id)
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    unsigned char digest[32];
    struct identity_prodkey k;
    int rc;

    memset(&k, 0, sizeof(k));
    crypto_sign_keypair(k.public_key, sk);
    hash32(k.public_key, sizeof(k.public_key), digest);
    sodium_bin2hex(k.key_id, sizeof(k.key_id), digest, 8);
    randombytes_buf(k.sealed, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(k.sealed + crypto_secretbox_NONCEBYTES, sk, sizeof(sk), k.sealed, a->key);
    sodium_memzero(sk, sizeof(sk));
    k.sealed_len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + sizeof(sk);
    rc = identity_prodkey_insert(db, production_id, &k, clock_now_ms());
    if (rc == EP_ECONFLICT) /* foreign key: no such production */
        rc = EP_ENOTFOUND;
    return rc;
}

int auth_production_key(struct auth *a, struct db *db, const char *production_id,
                        struct identity_prodkey *out)
{
    int rc = identity_prodkey_get(db, production_id, out);

    if (rc != EP_ENOTFOUND)
        return rc;
    rc = identity_production_exists(db, production_id);
    if (rc == EP_OK)
        rc = prodkey_create(a, db, production_id);
    /* Read back rather than trust ours: a concurrent creator may have won. */
    if (rc == EP_OK)
        rc = identity_prodkey_get(db, production_id, out);
    return rc;
}

int auth_production_sign(struct auth *a, struct db *db, const char *production_id,
                         const unsigned char *msg, size_t len, unsigned char sig[64],
                         char key_id[17])
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    struct identity_prodkey k;
    int rc = auth_production_key(a, db, production_id, &k);

    if (rc != EP_OK)
        return rc;
    if (k.sealed_len != crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + sizeof(sk) ||
        crypto_secretbox_open_easy(sk, k.sealed + crypto_secretbox_NONCEBYTES,
                                   k.sealed_len - crypto_secretbox_NONCEBYTES, k.sealed,
                                   a->key) != 0) {
        rc = EP_ECORRUPT;
        goto out;
    }
    crypto_sign_detached(sig, NULL, msg, len, sk);
    memcpy(key_id, k.key_id, 17);
out:
    sodium_memzero(sk, sizeof(sk));
    return rc;
}
