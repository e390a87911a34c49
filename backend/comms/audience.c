/* audience.c - recipients of a communication (see audience.h). */
#include "audience.h"

#include "err.h"

#include <stdio.h>
#include <string.h>

static const char *const channels_known[] = {"app", "email", "print", "audio", NULL};
static const char *const needs_known[] = {"falc", "large_print", "audio", NULL};

int audience_has(const json_t *array, const char *s)
{
    size_t i;
    const json_t *v;

    json_array_foreach(array, i,
                       v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return 1;
    return 0;
}

static int in_list(const char *const *list, const char *s)
{
    for (; *list != NULL; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

static int check_list(const json_t *arr, const char *const *known, const char *what, char *why,
                      size_t whylen)
{
    size_t i;
    const json_t *v;

    if (!json_is_array(arr)) {
        snprintf(why, whylen, "%s must be an array of strings", what);
        return EP_EINVAL;
    }
    json_array_foreach(arr, i, v)
    {
        if (!json_is_string(v) || !in_list(known, json_string_value(v))) {
            snprintf(why, whylen, "unknown %s entry '%s'", what,
                     json_is_string(v) ? json_string_value(v) : "(not a string)");
            return EP_EINVAL;
        }
        for (size_t k = 0; k < i; k++)
            if (json_equal(json_array_get(arr, k), v)) {
                snprintf(why, whylen, "%s lists '%s' twice", what, json_string_value(v));
                return EP_EINVAL;
            }
    }
    return EP_OK;
}

int audience_check_prefs(const json_t *channels, const json_t *needs, char *why, size_t whylen)
{
    int rc = check_list(channels, channels_known, "channels", why, whylen);
    if (rc == EP_OK)
        rc = check_list(needs, needs_known, "needs", why, whylen);
    return rc;
}

/* Validated target arrays (borrowed from comm). */
struct target {
    json_t *departments, *levels, *members;
};

static int parse_target(const json_t *comm, struct target *t, char *why, size_t whylen)
{
    json_t *target = json_object_get(comm, "target");
    json_error_t err;
    size_t i;
    json_t *v;

    memset(t, 0, sizeof(*t));
    if (target == NULL || json_is_null(target)) {
        snprintf(why, whylen,
                 "choose who receives it: departments, hierarchy levels or named people");
        return EP_EINVAL;
    }
    if (json_unpack_ex(target, &err, JSON_STRICT, "{s?o, s?o, s?o}", "departments", &t->departments,
                       "levels", &t->levels, "members", &t->members) != 0) {
        snprintf(why, whylen, "target: %s", err.text);
        return EP_EINVAL;
    }
    if ((t->departments != NULL && !json_is_array(t->departments)) ||
        (t->levels != NULL && !json_is_array(t->levels)) ||
        (t->members != NULL && !json_is_array(t->members))) {
        snprintf(why, whylen, "target: departments, levels and members must be arrays");
        return EP_EINVAL;
    }
    json_array_foreach(t->departments, i, v) if (!json_is_string(v))
    {
        snprintf(why, whylen, "target: departments are names");
        return EP_EINVAL;
    }
    json_array_foreach(t->levels, i, v) if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                                            json_integer_value(v) > 9)
    {
        snprintf(why, whylen, "target: levels are integers from 0 (top) to 9");
        return EP_EINVAL;
    }
    json_array_foreach(t->members, i, v) if (!json_is_string(v))
    {
        snprintf(why, whylen, "target: members are member ids");
        return EP_EINVAL;
    }
    if (json_array_size(t->departments) + json_array_size(t->levels) +
            json_array_size(t->members) ==
        0) {
        snprintf(why, whylen,
                 "choose who receives it: departments, hierarchy levels or named people");
        return EP_EINVAL;
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

/* The recipient entry of person for communication comm. */
static json_t *recipient(const json_t *comm, const json_t *person)
{
    json_t *want = json_object_get(person, "channels"), *needs = json_object_get(person, "needs");
    const char *email = json_string_value(json_object_get(person, "email"));
    const char *falc = json_string_value(json_object_get(comm, "falc"));
    json_t *channels = json_array(), *variants = json_array(), *notes = json_array();
    size_t i;
    json_t *v;

    json_array_foreach(want, i, v)
    {
        const char *c = json_string_value(v);
        if (c == NULL)
            continue;
        if (strcmp(c, "email") == 0 && email == NULL) {
            json_array_append_new(notes, json_string("no_email_address"));
            continue;
        }
        json_array_append_new(channels, json_string(c));
    }
    /* Everyone has the app feed: a person is never left with no channel. */
    if (!audience_has(channels, "app"))
        json_array_insert_new(channels, 0, json_string("app"));
    json_array_append_new(variants, json_string("standard"));
    if (audience_has(needs, "falc")) {
        if (falc != NULL && falc[0] != '\0')
            json_array_append_new(variants, json_string("falc"));
        else
            json_array_append_new(notes, json_string("falc_missing"));
    }
    if (audience_has(needs, "large_print"))
        json_array_append_new(variants, json_string("large_print"));
    if (audience_has(needs, "audio") || audience_has(channels, "audio"))
        json_array_append_new(variants, json_string("audio"));
    return json_pack("{s:O, s:O, s:O, s:O, s:s?, s:o, s:o, s:o}", "member",
                     json_object_get(person, "id"), "name", json_object_get(person, "name"),
                     "department", json_object_get(person, "department"), "level",
                     json_object_get(person, "level"), "email", email, "channels", channels,
                     "variants", variants, "notes", notes);
}

int audience_resolve(const json_t *comm, const json_t *people, json_t **out, char *why,
                     size_t whylen, const char **field)
{
    struct target t;
    json_t *list = NULL, *v;
    size_t i;
    int rc;

    *out = NULL;
    *field = "target";
    rc = parse_target(comm, &t, why, whylen);
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
            snprintf(why, whylen, "no one with member id '%s' on this production",
                     json_string_value(v));
            return EP_EINVAL;
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
        snprintf(why, whylen, "no one on this production matches the target");
        return EP_EINVAL;
    }
    *out = list;
    return EP_OK;
}
