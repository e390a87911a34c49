/*
 * company.h - the company that runs productions, and how it comes to exist:
 * the first-start setup token and the setup itself (schema/0011_productions.sql).
 *
 * First start (docs/security.md, "First start"): while the database holds no
 * account, the server mints a setup token (32 random bytes, base64url), logs
 * the link /#setup=<token> and stores only its BLAKE2b-256 hash with a 24 h
 * expiry. company_setup() redeems it once, in the same transaction that
 * creates the company, its first administrator's account and their company
 * role, so a used, expired or wrong token creates nothing. The CLI (local
 * operator, `ecoplateau setup`) calls company_setup() without a token.
 *
 * Company administrators (company_account) create, edit, archive and reopen
 * the company's productions; roles inside a production stay member.role.
 *
 * Threading: every function uses the caller's struct db (one per thread).
 * Functions marked "own transaction" must not be called inside one.
 */
#ifndef EP_COMPANY_H
#define EP_COMPANY_H

#include "err.h"
#include "identity.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define COMPANY_TOKEN_TTL_MS (24LL * 3600 * 1000)
#define COMPANY_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */
#define COMPANY_NAME_MAX 200
#define COMPANY_CITY_MAX 100

struct company {
    char id[IDENTITY_ID_MAX + 1];
    char name[COMPANY_NAME_MAX + 1];
    char siret[15]; /* 14 digits, or "" when not given */
    char city[COMPANY_CITY_MAX + 1];
};

/* Why company_setup() refused. */
enum company_setup_result {
    COMPANY_SETUP_OK = 0,
    COMPANY_SETUP_TOKEN_UNKNOWN, /* no such token */
    COMPANY_SETUP_TOKEN_EXPIRED, /* past its 24 h */
    COMPANY_SETUP_TOKEN_USED,    /* already redeemed */
    COMPANY_SETUP_DONE,          /* an account exists: the server is claimed */
};

/*
 * 1 if siret is 14 ASCII digits whose Luhn sum is a multiple of 10 (the
 * INSEE rule), else 0. La Poste's SIRETs (SIREN 356000000) use another sum
 * and are accepted when their digits add up to a multiple of 5. Pure.
 */
int company_siret_valid(const char *siret);

/*
 * Checks a company's fields: name 1-200 bytes, siret "" or valid, city at
 * most 100 bytes. Returns 0, or EP_EINVAL with err's field naming the
 * culprit ("name", "siret", "city") and its message the rule. Pure.
 */
int company_check(const struct company *c, struct ep_error *err);

/* Number of office accounts into *out (0 = a server nobody has claimed). */
int company_account_count(struct db *db, int *out);

/*
 * Mints a setup token valid until now + 24 h and stores its hash (own
 * statement, autocommit or the caller's transaction). token receives the
 * NUL-terminated base64url text (COMPANY_TOKEN_LEN + 1 bytes); the caller
 * shows it once and wipes it. Returns 0 or an EP_E* code.
 */
int company_setup_token_new(struct db *db, int64_t now, char token[COMPANY_TOKEN_LEN + 1]);

/*
 * Sets up the server, own transaction: with token non-NULL, redeems it
 * first; then, unless an account already exists, creates company c (c->id
 * is set by the caller), account a (id, email, name, pw_hash set), makes a
 * a company administrator and marks every other setup token used. On a
 * refusal returns EP_EFORBIDDEN with *result saying why and writes nothing.
 * EP_ECONFLICT when the email is taken; other EP_E* storage codes.
 */
int company_setup(struct db *db, const char *token, const struct company *c,
                  const struct identity_account *a, int64_t now, enum company_setup_result *result);

/* The company account_id administers (the oldest, if several) into out.
 * Returns 0, EP_ENOTFOUND or EP_EIO. */
int company_of_admin(struct db *db, const char *account_id, struct company *out);

/* The oldest company of the database (the one setup created) into out.
 * Returns 0, EP_ENOTFOUND or EP_EIO. */
int company_first(struct db *db, struct company *out);

/* Makes account_id an administrator of company_id (no change if already).
 * Runs in the caller's transaction. Returns 0 or an EP_E* code. */
int company_admin_add(struct db *db, const char *company_id, const char *account_id, int64_t now);

/* Every company administrator's account id, as a new JSON array of strings. */
int company_admins(struct db *db, const char *company_id, json_t **out);

/* ---- office members invited by email (account_invite) ----------------------- */

#define COMPANY_JOIN_TTL_MS (7LL * 24 * 3600 * 1000)

/* Why company_join_redeem() refused. */
enum company_join_result {
    COMPANY_JOIN_OK = 0,
    COMPANY_JOIN_UNKNOWN,   /* no such token */
    COMPANY_JOIN_EXPIRED,   /* past its 7 days */
    COMPANY_JOIN_USED,      /* already redeemed */
    COMPANY_JOIN_NO_MEMBER, /* the member was removed since */
};

/*
 * 1 in *out if production_id has an unused, unexpired invitation for email
 * (case-insensitive): inviting the same person twice is a 409.
 */
int company_join_pending(struct db *db, const char *production_id, const char *email, int64_t now,
                         int *out);

/*
 * Mints an invitation for member_id (already created, without account) of
 * production_id to join it as email: a new office account, or the existing
 * one of that address once its owner proves it with their password; stores its hash, valid
 * 7 days, in the caller's transaction or autocommit. token receives the
 * base64url text (COMPANY_TOKEN_LEN + 1 bytes). Returns 0 or an EP_E* code.
 */
int company_join_create(struct db *db, const char *production_id, const char *member_id,
                        const char *email, const char *created_by, int64_t now,
                        char token[COMPANY_TOKEN_LEN + 1]);

/* What an invitation is for (company_join_peek()). */
struct company_join_info {
    char member_id[IDENTITY_ID_MAX + 1];
    char production_id[IDENTITY_ID_MAX + 1];
    char email[IDENTITY_EMAIL_MAX + 1]; /* the invited address */
    char name[IDENTITY_NAME_MAX + 1];   /* the member's name, as the office wrote it */
};

/*
 * Reads invitation token without spending it into *info. Returns 0,
 * EP_EFORBIDDEN with *result saying why (info filled when the token is
 * known), or EP_E* codes.
 */
int company_join_peek(struct db *db, const char *token, int64_t now, struct company_join_info *info,
                      enum company_join_result *result);

/*
 * Redeems an invitation, own transaction: creates account a (id, name,
 * pw_hash set by the caller; email taken from the invitation into a->email),
 * binds it to the member and marks the invitation used. On a refusal
 * returns EP_EFORBIDDEN with *result saying why, and writes nothing;
 * EP_ECONFLICT when an account has this email already; else EP_E* codes.
 */
int company_join_redeem(struct db *db, const char *token, struct identity_account *a, int64_t now,
                        enum company_join_result *result);

/*
 * Redeems an invitation for an existing account, own transaction: the
 * caller has checked that person's password (api_auth_join); binds
 * account_id to the invited member and marks the invitation used. Refusals
 * as company_join_redeem() (an account whose address is not the invited one
 * is COMPANY_JOIN_UNKNOWN); EP_ECONFLICT when that account is already on the
 * production; else EP_E* codes. Writes nothing unless it succeeds.
 */
int company_join_bind(struct db *db, const char *token, const char *account_id, int64_t now,
                      enum company_join_result *result);

/* {"id","name","siret"|null,"city"} of c, a new object (NULL on OOM). */
json_t *company_json(const struct company *c);

#endif
