/* prefs.c - each person's channels and needs (see prefs.h). */
#include "prefs.h"

#include "err.h"
#include "sync.h"

#include <stdio.h>
#include <string.h>

const char *const prefs_channels[] = {"app",       "email", "calendar", "print",
                                      "callsheet", "audio", "sms",      NULL};
const char *const prefs_needs[] = {"screen_reader", "large_print",  "falc", "audio",
                                   "sign_language", "colour_blind", NULL};

static const char *const fields[] = {"email", "phone", "language", "channels", "needs", NULL};

int prefs_rid_parse(const char *rid, const char **member, int *self)
{
    *member = NULL;
    *self = 0;
    if (rid == NULL)
        return EP_EINVAL;
    if (strncmp(rid, "self-", 5) == 0) {
        *self = 1;
        *member = rid + 5;
    } else if (strncmp(rid, "office-", 7) == 0)
        *member = rid + 7;
    return *member != NULL && (*member)[0] != '\0' ? EP_OK : EP_EINVAL;
}

int prefs_email_ok(const char *addr)
{
    const char *at;

    if (addr == NULL || strlen(addr) < 3 || strlen(addr) > 254)
        return 0;
    for (const char *c = addr; *c != '\0'; c++)
        if ((unsigned char)*c <= ' ' || *c == '<' || *c == '>' || *c == '"' || *c == ',' ||
            *c == 0x7f)
            return 0;
    at = strchr(addr, '@');
    return at != NULL && at != addr && at[1] != '\0' && strchr(at + 1, '@') == NULL &&
           strchr(at + 1, '.') != NULL;
}

int prefs_phone_ok(const char *phone)
{
    int digits = 0;

    if (phone == NULL || (phone[0] != '+' && (phone[0] < '0' || phone[0] > '9')))
        return 0;
    for (const char *c = phone; *c != '\0'; c++) {
        if (*c >= '0' && *c <= '9')
            digits++;
        else if (!(*c == ' ' || *c == '.' || *c == '-' || (*c == '+' && c == phone)))
            return 0;
    }
    return digits >= 7 && digits <= 15;
}

static int in_list(const char *const *list, const char *s)
{
    for (; *list != NULL; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

/* Checks arr, the list named what (also the field it sits in). */
static int check_list(const json_t *arr, const char *const *known, const char *what,
                      struct ep_error *err)
{
    size_t i;
    const json_t *v;

    if (!json_is_array(arr))
        return ep_error_set(err, EP_EINVAL, what, "%s must be an array of strings", what);
    json_array_foreach(arr, i, v)
    {
        if (!json_is_string(v) || !in_list(known, json_string_value(v)))
            return ep_error_set(err, EP_EINVAL, what, "unknown %s entry '%s'", what,
                                json_is_string(v) ? json_string_value(v) : "(not a string)");
        for (size_t k = 0; k < i; k++)
            if (json_equal(json_array_get(arr, k), v))
                return ep_error_set(err, EP_EINVAL, what, "%s lists '%s' twice", what,
                                    json_string_value(v));
    }
    return EP_OK;
}

int prefs_check(const json_t *f, struct ep_error *err)
{
    const json_t *v;

    ep_error_clear(err);
    v = json_object_get(f, "email");
    if (json_is_string(v) && !prefs_email_ok(json_string_value(v)))
        return ep_error_set(err, EP_EINVAL, "email", "'%s' is not an email address",
                            json_string_value(v));
    v = json_object_get(f, "phone");
    if (json_is_string(v) && !prefs_phone_ok(json_string_value(v)))
        return ep_error_set(err, EP_EINVAL, "phone",
                            "a phone number is digits, with an optional leading + (7 to 15 "
                            "digits)");
    v = json_object_get(f, "channels");
    if (v != NULL && !json_is_null(v) && check_list(v, prefs_channels, "channels", err) != EP_OK)
        return EP_EINVAL;
    v = json_object_get(f, "needs");
    if (v != NULL && !json_is_null(v) && check_list(v, prefs_needs, "needs", err) != EP_OK)
        return EP_EINVAL;
    return EP_OK;
}

int prefs_validate_op(void *ctx, struct db *db, const struct sync_op *op, char *code,
                      size_t codelen, char *reason, size_t reasonlen)
{
    const char *member;
    struct ep_error err;
    int self;

    (void)ctx;
    (void)db;
    if (strcmp(op->col, "preferences") != 0)
        return EP_OK;
    snprintf(code, codelen, "invalid_field");
    if (prefs_rid_parse(op->rid, &member, &self) != EP_OK) {
        snprintf(reason, reasonlen, "a preferences id is \"self-<member>\" or \"office-<member>\"");
        return EP_EINVAL;
    }
    if (prefs_check(op->fields, &err) != EP_OK) {
        snprintf(reason, reasonlen, "field '%s': %s", err.field, err.message);
        return EP_EINVAL;
    }
    code[0] = '\0';
    return EP_OK;
}

/* The record fields of rid in records, or NULL. */
static const json_t *record_of(const json_t *records, const char *prefix, const char *member)
{
    size_t i;
    const json_t *r;
    size_t plen = strlen(prefix);

    json_array_foreach(records, i, r)
    {
        const char *rid = json_string_value(json_object_get(r, "id"));
        if (rid != NULL && strncmp(rid, prefix, plen) == 0 && strcmp(rid + plen, member) == 0)
            return json_object_get(r, "fields");
    }
    return NULL;
}

/* Overlays the non-null fields of rec on person, naming who in set_by. */
static int overlay(json_t *person, json_t *set_by, const json_t *rec, const char *who)
{
    for (const char *const *f = fields; *f != NULL; f++) {
        json_t *v = json_object_get(rec, *f);
        if (v == NULL || json_is_null(v))
            continue;
        if (json_object_set(person, *f, v) != 0 ||
            json_object_set_new(set_by, *f, json_string(who)) != 0)
            return EP_ENOMEM;
    }
    return EP_OK;
}

int prefs_apply(json_t *people, const json_t *records)
{
    size_t i;
    json_t *p;

    json_array_foreach(people, i, p)
    {
        const char *member = json_string_value(json_object_get(p, "id"));
        json_t *set_by = json_object();
        int rc = EP_OK;
        if (set_by == NULL || member == NULL) {
            json_decref(set_by);
            return EP_ENOMEM;
        }
        /* What the member row already says: the office's older settings
         * (PUT .../preferences before preferences were synced) and the
         * office account's address. */
        for (const char *const *f = fields; *f != NULL && rc == EP_OK; f++) {
            json_t *v = json_object_get(p, *f);
            int set =
                v != NULL && !json_is_null(v) && !(json_is_array(v) && json_array_size(v) == 0);
            if (v == NULL)
                rc = json_object_set_new(
                         p, *f, strcmp(*f, "language") == 0 ? json_string("fr") : json_null()) == 0
                         ? EP_OK
                         : EP_ENOMEM;
            if (rc == EP_OK)
                rc = json_object_set_new(set_by, *f,
                                         json_string(set && strcmp(*f, "email") == 0 ? "account"
                                                     : set                           ? "office"
                                                           : "default")) == 0
                         ? EP_OK
                         : EP_ENOMEM;
        }
        if (rc == EP_OK)
            rc = overlay(p, set_by, record_of(records, "office-", member), "office");
        if (rc == EP_OK)
            rc = overlay(p, set_by, record_of(records, "self-", member), "self");
        if (rc == EP_OK && json_object_set_new(p, "set_by", set_by) != 0)
            rc = EP_ENOMEM;
        else if (rc != EP_OK)
            json_decref(set_by);
        if (rc != EP_OK)
            return rc;
    }
    return EP_OK;
}
