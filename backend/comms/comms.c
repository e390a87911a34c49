/* comms.c - signing and verifying communications (see comms.h). */
#include "comms.h"
#include "jsonin.h"

#include "audience.h"
#include "auth.h"
#include "commstore.h"
#include "err.h"
#include "fmt.h"
#include "ical.h"
#include "identity.h"
#include "strbuf.h"
#include "sync.h"
#include "text.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

static int refuse(struct ep_error *err, const char *text)
{
    return ep_error_set(err, EP_EAUTH, NULL, "%s", text);
}

/* base64url of bin into a new JSON string. */
static json_t *b64(const unsigned char *bin, size_t len)
{
    size_t n = sodium_base64_ENCODED_LEN(len, B64);
    char *text = malloc(n);
    json_t *out;

    if (text == NULL)
        return NULL;
    sodium_bin2base64(text, n, bin, len, B64);
    out = json_string(text);
    free(text);
    return out;
}

int comms_sign(struct auth *a, struct db *db, const char *production_id, const char *id,
               int64_t now_ms, json_t **out, struct ep_error *err)
{
    struct identity_prodkey key;
    json_t *rec = NULL, *payload = NULL, *dur;
    unsigned char sig[64];
    char key_id[17], issued[32];
    char *bytes = NULL;
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    const char *title, *text;
    int rc;

    *out = NULL;
    rc = sync_record_get(db, production_id, "communications", id, &rec);
    if (rc != EP_OK)
        return rc;
    title = json_string_value(json_object_get(rec, "title"));
    text = json_string_value(json_object_get(rec, "text"));
    if (title == NULL || text == NULL) {
        ep_error_set(err, EP_EINVAL, NULL,
                     "a communication needs a title and a text before it is sent");
        rc = EP_EINVAL;
        goto out;
    }
    rc = auth_production_key(a, db, production_id, &key);
    if (rc != EP_OK)
        goto out;
    gmtime_r(&t, &tm);
    strftime(issued, sizeof(issued), "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* When and where a briefing takes place are signed too (the invitation
     * and the call sheet repeat them); absent fields are left out. */
    dur = json_object_get(rec, "duration_min");
    /* The English version, when written, is sent too: signed with the
     * French one, so whichever a person reads is vouched for. */
    payload =
        json_pack("{s:i, s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:s*, s:s*, s:s*, s:O*, s:s*, s:s*}",
                  "v", 1, "production", production_id, "id", id, "title", title, "text", text,
                  "falc", json_string_value(json_object_get(rec, "falc")), "issued_at", issued,
                  "key_id", key.key_id, "kind", json_string_value(json_object_get(rec, "kind")),
                  "starts_at", json_string_value(json_object_get(rec, "starts_at")), "location",
                  json_string_value(json_object_get(rec, "location")), "duration_min",
                  json_is_integer(dur) ? dur : NULL, "title_en",
                  json_string_value(json_object_get(rec, "title_en")), "text_en",
                  json_string_value(json_object_get(rec, "text_en")));
    bytes = payload != NULL ? json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (bytes == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    rc = auth_production_sign(a, db, production_id, (const unsigned char *)bytes, strlen(bytes),
                              sig, key_id);
    if (rc != EP_OK)
        goto out;
    *out = json_pack("{s:s, s:s, s:o, s:o, s:o}", "alg", "Ed25519", "key_id", key_id, "public_key",
                     b64(key.public_key, sizeof(key.public_key)), "payload",
                     b64((const unsigned char *)bytes, strlen(bytes)), "signature",
                     b64(sig, sizeof(sig)));
    rc = *out != NULL ? EP_OK : EP_ENOMEM;
out:
    free(bytes);
    json_decref(payload);
    json_decref(rec);
    return rc;
}

/* Decodes base64url text into a new buffer; *len its size. NULL if invalid. */
static unsigned char *unb64(const char *text, size_t *len)
{
    size_t cap, n = 0;
    unsigned char *bin;

    if (text == NULL)
        return NULL;
    cap = strlen(text) * 3 / 4 + 3;
    bin = malloc(cap);
    if (bin == NULL)
        return NULL;
    if (sodium_base642bin(bin, cap, text, strlen(text), NULL, &n, NULL, B64) != 0) {
        free(bin);
        return NULL;
    }
    *len = n;
    return bin;
}

int comms_verify(const json_t *env, json_t **payload, struct ep_error *err)
{
    const char *alg = NULL, *key_id = NULL, *pk_t = NULL, *pl_t = NULL, *sig_t = NULL;
    unsigned char *pk = NULL, *pl = NULL, *sig = NULL, digest[32];
    size_t pklen = 0, pllen = 0, siglen = 0;
    char expect_id[17];
    json_error_t jerr;
    int rc = EP_EAUTH;

    if (payload != NULL)
        *payload = NULL;
    if (json_unpack_ex((json_t *)env, &jerr, JSON_STRICT, "{s:s, s:s, s:s, s:s, s:s}", "alg", &alg,
                       "key_id", &key_id, "public_key", &pk_t, "payload", &pl_t, "signature",
                       &sig_t) != 0)
        return refuse(err, jerr.text);
    if (strcmp(alg, "Ed25519") != 0)
        return refuse(err, "only Ed25519 signatures are accepted");
    pk = unb64(pk_t, &pklen);
    pl = unb64(pl_t, &pllen);
    sig = unb64(sig_t, &siglen);
    if (pk == NULL || pl == NULL || sig == NULL || pklen != 32 || siglen != 64) {
        refuse(err, "malformed key, payload or signature");
        goto out;
    }
    /* The key id is derived from the key: a swapped key changes it. */
    crypto_generichash(digest, sizeof(digest), pk, pklen, NULL, 0);
    sodium_bin2hex(expect_id, sizeof(expect_id), digest, 8);
    if (strcmp(expect_id, key_id) != 0) {
        refuse(err, "the key id does not match the public key");
        goto out;
    }
    if (crypto_sign_verify_detached(sig, pl, pllen, pk) != 0) {
        refuse(err, "the signature does not match: the message was altered");
        goto out;
    }
    if (payload != NULL) {
        *payload = jsonin_loadb((const char *)pl, pllen, 0, &jerr);
        if (*payload == NULL) {
            refuse(err, "the signed payload is not JSON");
            goto out;
        }
    }
    rc = EP_OK;
out:
    free(pk);
    free(pl);
    free(sig);
    return rc;
}

int comms_verify_file(const char *path)
{
    json_error_t err;
    json_t *env = json_load_file(path, JSON_REJECT_DUPLICATES, &err), *payload = NULL;
    struct ep_error why = {0};
    int ok;

    if (env == NULL) {
        fprintf(stderr, "ecoplateau verify: cannot read '%s': %s\n", path, err.text);
        return 1;
    }
    ok = comms_verify(env, &payload, &why) == EP_OK;
    if (ok)
        printf("valid: \"%s\" signed for production %s by key %s at %s\n",
               json_string_value(json_object_get(payload, "title")),
               json_string_value(json_object_get(payload, "production")),
               json_string_value(json_object_get(payload, "key_id")),
               json_string_value(json_object_get(payload, "issued_at")));
    else
        printf("INVALID: %s\n", why.message);
    json_decref(payload);
    json_decref(env);
    return ok ? 0 : 1;
}

int comms_readable(struct db *db, const char *production_id, const char *id, enum sync_role role,
                   const char *member_id, json_t **comm)
{
    json_t *rec = NULL, *people = NULL, *rcpts = NULL, *x;
    size_t i;
    int rc = sync_record_get(db, production_id, "communications", id, &rec);

    if (comm != NULL)
        *comm = NULL;
    if (rc != EP_OK)
        goto out;
    if (role == SYNC_ROLE_ADMIN || role == SYNC_ROLE_ECO_REFERENT)
        goto readable;
    /* Until it is signed it is the office's draft (docs/security.md). */
    rc = EP_ENOTFOUND;
    if (!json_is_object(json_object_get(rec, "signed")) || member_id == NULL ||
        member_id[0] == '\0')
        goto out;
    /* Without a target it is addressed to the whole production. */
    if (json_object_get(rec, "target") == NULL || json_is_null(json_object_get(rec, "target")))
        goto readable;
    rc = commstore_people(db, production_id, &people);
    if (rc != EP_OK)
        goto out;
    rc = EP_ENOTFOUND;
    if (audience_resolve(rec, people, &rcpts, NULL) != EP_OK)
        goto out;
    json_array_foreach(rcpts, i, x)
    {
        const char *m = json_string_value(json_object_get(x, "member"));
        if (m != NULL && strcmp(m, member_id) == 0)
            goto readable;
    }
    goto out;
readable:
    rc = EP_OK;
    if (comm != NULL) {
        *comm = rec;
        rec = NULL;
    }
out:
    json_decref(rcpts);
    json_decref(people);
    json_decref(rec);
    return rc;
}

/* The n-digit decimal number at s (digits already checked). */
static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

int comms_for_reader(const json_t *comm, const char *lang, json_t **out)
{
    const char *title_en = json_string_value(json_object_get(comm, "title_en"));
    const char *text_en = json_string_value(json_object_get(comm, "text_en"));
    int en = lang != NULL && strcmp(lang, "en") == 0;
    json_t *c = json_copy((json_t *)comm);
    int bad = c == NULL;

    *out = NULL;
    if (!bad && en && text_en != NULL && text_en[0] != '\0') {
        bad = json_object_set_new(c, "text", json_string(text_en)) != 0;
        if (!bad && title_en != NULL && title_en[0] != '\0')
            bad = json_object_set_new(c, "title", json_string(title_en)) != 0;
        if (!bad)
            bad = json_object_set_new(c, "lang", json_string("en")) != 0;
    } else if (!bad) {
        bad = json_object_set_new(c, "lang", json_string("fr")) != 0;
        /* Say so rather than pass French off as the reader's language. */
        if (!bad && en)
            bad = json_object_set_new(c, "translation_missing", json_true()) != 0;
    }
    if (bad) {
        json_decref(c);
        return EP_ENOMEM;
    }
    *out = c;
    return EP_OK;
}

int comms_spoken(const json_t *comm, int falc, char **out)
{
    const char *lang = json_string_value(json_object_get(comm, "lang"));
    /* The words around the day, time and place are data (text.h,
     * "spoken.*"); the easy-to-read version is French only. */
    const char *w = falc ? "fr" : text_lang(lang);
    const char *title = json_string_value(json_object_get(comm, "title"));
    const char *text = json_string_value(json_object_get(comm, falc ? "falc" : "text"));
    const char *kind = json_string_value(json_object_get(comm, "kind"));
    const char *starts = json_string_value(json_object_get(comm, "starts_at"));
    const char *where = json_string_value(json_object_get(comm, "location"));
    json_int_t minutes = json_integer_value(json_object_get(comm, "duration_min"));
    struct strbuf b;
    int rc;

    *out = NULL;
    if (text == NULL || text[0] == '\0')
        return EP_EINVAL;
    strbuf_init(&b, (size_t)256 * 1024);
    rc = title != NULL ? strbuf_printf(&b, "%s.\n", title) : EP_OK;
    if (rc == EP_OK && kind != NULL &&
        (strcmp(kind, "briefing") == 0 || strcmp(kind, "checkpoint") == 0) && starts != NULL &&
        ical_start_ok(starts)) {
        /* ical_start_ok vouched for "YYYY-MM-DDTHH:MM": fixed-width digits. */
        int y = num(starts, 4), mo = num(starts + 5, 2), d = num(starts + 8, 2);
        int h = num(starts + 11, 2), mi = num(starts + 14, 2);
        /* Sakamoto's weekday of a Gregorian date: 0 = Sunday. */
        static const int shift[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
        int yy = mo < 3 ? y - 1 : y;
        int wd = (yy + yy / 4 - yy / 100 + yy / 400 + shift[mo - 1] + d) % 7;
        char key[32], day[8], hour[8], m[8], n[16];
        const char *what =
            text_get(w, strcmp(kind, "briefing") == 0 ? "spoken.briefing" : "spoken.checkpoint");
        const char *weekday, *month;
        snprintf(key, sizeof(key), "spoken.day.%d", wd);
        weekday = text_get(w, key);
        snprintf(key, sizeof(key), "spoken.month.%d", mo);
        month = text_get(w, key);
        snprintf(day, sizeof(day), "%d", d);
        snprintf(hour, sizeof(hour), "%d", h);
        /* "9 heures 5" but "9:05". */
        snprintf(m, sizeof(m), fmt_is_english(w) ? "%02d" : "%d", mi);
        snprintf(n, sizeof(n), "%d", minutes > 0 ? (int)minutes : 30);
        /* "à 9 heures 30" in French, "at 9:30" in English: on the hour,
         * French says no minutes. */
        rc = text_fmt(&b, w, mi != 0 ? "spoken.when_minutes" : "spoken.when", "what", what,
                      "weekday", weekday, "day", day, "month", month, "hour", hour, "minutes", m,
                      NULL);
        if (rc == EP_OK)
            rc = text_fmt(&b, w, "spoken.during", "n", n, NULL);
        if (rc == EP_OK && where != NULL && where[0] != '\0')
            rc = text_fmt(&b, w, "spoken.place", "place", where, NULL);
        if (rc == EP_OK)
            rc = strbuf_str(&b, ".\n");
    }
    if (rc == EP_OK)
        rc = strbuf_str(&b, text);
    if (rc == EP_OK)
        *out = strbuf_detach(&b, NULL);
    strbuf_release(&b);
    return rc == EP_OK && *out == NULL ? EP_ENOMEM : rc;
}
