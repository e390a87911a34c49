/* audience.c - recipients of a communication (see audience.h). */
#include "audience.h"

#include "err.h"

#include <stdio.h>
#include <string.h>

int audience_has(const json_t *array, const char *s)
{
    size_t i;
    const json_t *v;

    json_array_foreach(array, i,
                       v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return 1;
    return 0;
}

/* Validated target arrays (borrowed from comm). */
struct target {
    json_t *departments, *levels, *members;
};

static int parse_target(const json_t *comm, struct target *t, struct ep_error *err)
{
    json_t *target = json_object_get(comm, "target");
    json_error_t jerr;
    size_t i;
    json_t *v;

    memset(t, 0, sizeof(*t));
    if (target == NULL || json_is_null(target)) {
        return ep_error_set(
            err, EP_EINVAL, "target",
            "choose who receives it: departments, hierarchy levels or named people");
    }
    if (json_unpack_ex(target, &jerr, JSON_STRICT, "{s?o, s?o, s?o}", "departments",
                       &t->departments, "levels", &t->levels, "members", &t->members) != 0) {
        return ep_error_set(err, EP_EINVAL, "target", "target: %s", jerr.text);
    }
    if ((t->departments != NULL && !json_is_array(t->departments)) ||
        (t->levels != NULL && !json_is_array(t->levels)) ||
        (t->members != NULL && !json_is_array(t->members))) {
        return ep_error_set(err, EP_EINVAL, "target",
                            "target: departments, levels and members must be arrays");
    }
    json_array_foreach(t->departments, i, v) if (!json_is_string(v))
    {
        return ep_error_set(err, EP_EINVAL, "target", "target: departments are names");
    }
    json_array_foreach(t->levels, i, v) if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                                            json_integer_value(v) > 9)
    {
        return ep_error_set(err, EP_EINVAL, "target",
                            "target: levels are integers from 0 (top) to 9");
    }
    json_array_foreach(t->members, i, v) if (!json_is_string(v))
    {
        return ep_error_set(err, EP_EINVAL, "target", "target: members are member ids");
    }
    if (json_array_size(t->departments) + json_array_size(t->levels) +
            json_array_size(t->members) ==
        0) {
        return ep_error_set(
            err, EP_EINVAL, "target",
            "choose who receives it: departments, hierarchy levels or named people");
    }
    return EP_OK;
}

static int matches(const struct target *t, const json_t *person)
{
    size_t i;
    json_t *v;

    if (audience_has(t->departments, json_string_value(json_object_get(person, "department"))) ||
        audience_has(t->members, json_string_value(json_object_get(person, "id"))))
        return 1;
    json_array_foreach(t->levels, i,
                       v) if (json_integer_value(v) ==
                              json_integer_value(json_object_get(person, "level"))) return 1;
    return 0;
}

/* Whether comm is an event with a start: a briefing or checkpoint gets an invitation. */
static int is_event(const json_t *comm)
{
    const char *kind = json_string_value(json_object_get(comm, "kind"));
    return kind != NULL && (strcmp(kind, "briefing") == 0 || strcmp(kind, "checkpoint") == 0) &&
           json_is_string(json_object_get(comm, "starts_at"));
}

static void skip(json_t *skipped, const char *channel, const char *reason)
{
    json_array_append_new(skipped, json_pack("{s:s, s:s}", "channel", channel, "reason", reason));
}

/* The channels person gets for comm, and those they asked for but will not
 * get, with the reason (docs/communications.md, "Recipients"). */
static void route(const json_t *comm, const json_t *person, json_t *channels, json_t *skipped)
{
    const json_t *want = json_object_get(person, "channels");
    const json_t *needs = json_object_get(person, "needs");
    int has_email = json_is_string(json_object_get(person, "email"));
    int phones = (int)json_integer_value(json_object_get(person, "phones"));
    int wants_audio = audience_has(want, "audio") || audience_has(needs, "audio");
    int by_mail = 0;

    /* The app feed is always tried: it reaches whoever has a paired phone. */
    if (phones > 0)
        json_array_append_new(channels, json_string("app"));
    else
        skip(skipped, "app", "no_paired_phone");
    if (audience_has(want, "email")) {
        if (has_email) {
            json_array_append_new(channels, json_string("email"));
            by_mail = 1;
        } else
            skip(skipped, "email", "no_email_address");
    }
    if (audience_has(want, "calendar")) {
        if (!is_event(comm))
            skip(skipped, "calendar", "not_an_event");
        else if (has_email) {
            json_array_append_new(channels, json_string("calendar"));
            by_mail = 1;
        } else
            skip(skipped, "calendar", "no_email_address");
    }
    if (audience_has(want, "print"))
        json_array_append_new(channels, json_string("print"));
    if (audience_has(want, "callsheet")) {
        if (json_is_true(json_object_get(comm, "callsheet")))
            json_array_append_new(channels, json_string("callsheet"));
        else
            skip(skipped, "callsheet", "not_on_callsheet");
    }
    /* The recording travels attached to the email or is played on the phone. */
    if (wants_audio) {
        if (by_mail || phones > 0)
            json_array_append_new(channels, json_string("audio"));
        else
            skip(skipped, "audio", "no_email_or_phone");
    }
    /* Nothing sends text messages yet: said, never pretended. */
    if (audience_has(want, "sms"))
        skip(skipped, "sms",
             json_is_string(json_object_get(person, "phone")) ? "sms_not_sent" : "no_phone_number");
}

/* The recipient entry of person for communication comm. */
static json_t *recipient(const json_t *comm, const json_t *person)
{
    const json_t *needs = json_object_get(person, "needs");
    const char *falc = json_string_value(json_object_get(comm, "falc"));
    json_t *channels = json_array(), *skipped = json_array(), *variants = json_array();
    json_t *notes = json_array();
    size_t i;
    json_t *v;

    route(comm, person, channels, skipped);
    json_array_foreach(skipped, i, v) if (strcmp(json_string_value(json_object_get(v, "reason")),
                                                 "no_email_address") == 0 &&
                                          !audience_has(notes, "no_email_address"))
        json_array_append_new(notes, json_string("no_email_address"));
    json_array_append_new(variants, json_string("standard"));
    if (audience_has(needs, "falc")) {
        if (falc != NULL && falc[0] != '\0')
            json_array_append_new(variants, json_string("falc"));
        else
            json_array_append_new(notes, json_string("falc_missing"));
    }
    if (audience_has(needs, "large_print"))
        json_array_append_new(variants, json_string("large_print"));
    if (audience_has(channels, "audio"))
        json_array_append_new(variants, json_string("audio"));
    if (audience_has(needs, "screen_reader"))
        json_array_append_new(variants, json_string("screen_reader"));
    if (audience_has(needs, "colour_blind"))
        json_array_append_new(variants, json_string("colour_safe"));
    /* An interpreter is booked by a person, for a meeting: the office is told. */
    if (audience_has(needs, "sign_language") && is_event(comm))
        json_array_append_new(notes, json_string("sign_language_interpreter"));
    if (json_array_size(channels) == 0)
        json_array_append_new(notes, json_string("unreachable"));
    return json_pack(
        "{s:O, s:O, s:O, s:O, s:O?, s:O?, s:O?, s:O?, s:o, s:o, s:o, s:o, s:b}", "member",
        json_object_get(person, "id"), "name", json_object_get(person, "name"), "department",
        json_object_get(person, "department"), "level", json_object_get(person, "level"), "email",
        json_object_get(person, "email"), "phone", json_object_get(person, "phone"), "language",
        json_object_get(person, "language"), "set_by", json_object_get(person, "set_by"),
        "channels", channels, "skipped", skipped, "variants", variants, "notes", notes, "reachable",
        json_array_size(channels) > 0);
}

int audience_resolve(const json_t *comm, const json_t *people, json_t **out, struct ep_error *err)
{
    struct target t;
    json_t *list = NULL, *v;
    size_t i;
    int rc;

    *out = NULL;
    ep_error_clear(err);
    rc = parse_target(comm, &t, err);
    if (rc != EP_OK)
        return rc;
    /* A named person who is not (or no longer) on the production is an
     * error, not a silent skip: the office meant to reach them. */
    json_array_foreach(t.members, i, v)
    {
        size_t k;
        json_t *p;
        int found = 0;
        json_array_foreach(people, k, p) found |= json_equal(json_object_get(p, "id"), v);
        if (!found) {
            return ep_error_set(err, EP_EINVAL, "target",
                                "no one with member id '%s' on this production",
                                json_string_value(v));
        }
    }
    list = json_array();
    if (list == NULL)
        return EP_ENOMEM;
    json_array_foreach(people, i, v) if (matches(&t, v) &&
                                         json_array_append_new(list, recipient(comm, v)) != 0)
    {
        json_decref(list);
        return EP_ENOMEM;
    }
    if (json_array_size(list) == 0) {
        json_decref(list);
        return ep_error_set(err, EP_EINVAL, "target",
                            "no one on this production matches the target");
    }
    *out = list;
    return EP_OK;
}
