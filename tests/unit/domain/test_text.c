/*
 * test_text.c - the domain's prose per language (sync/domain/text.h): the
 * embedded French and English files hold the same keys, with the same
 * placeholders, every plural in both forms; lookups fall back as the header
 * says; placeholders are filled, and a missing value stays visible. That
 * every key the C code asks for exists is tests/js/text.test.mjs's check
 * (it reads the sources).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "err.h"
#include "strbuf.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The "{name}" placeholders of s, sorted, joined by spaces, into buf. */
static void placeholders(const char *s, char *buf, size_t len)
{
    const char *names[32];
    size_t n = 0, w = 0;

    buf[0] = '\0';
    for (const char *o = strchr(s, '{'); o != NULL && n < 32; o = strchr(o + 1, '{')) {
        const char *c = strchr(o, '}');
        if (c == NULL)
            break;
        names[n++] = o;
    }
    /* insertion sort on the names (compared up to their closing brace) */
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)(strchr(names[i], '}') - names[i]) + 1;
        assert_true(w + k + 2 < len);
        memcpy(buf + w, names[i], k);
        w += k;
        buf[w++] = ' ';
        buf[w] = '\0';
    }
}

static void both_languages_hold_the_same_keys(void **state)
{
    const json_t *fr = text_table("fr"), *en = text_table("en");
    const char *key;
    json_t *v;
    (void)state;

    assert_non_null(fr);
    assert_non_null(en);
    assert_true(json_object_size(fr) > 100);
    json_object_foreach((json_t *)fr, key, v)
    {
        const json_t *other = json_object_get(en, key);
        char a[512], b[512];
        if (other == NULL)
            fail_msg("key %s is French only", key);
        if (json_string_length(v) == 0 || json_string_length(other) == 0)
            fail_msg("key %s is empty in one language", key);
        placeholders(json_string_value(v), a, sizeof(a));
        placeholders(json_string_value(other), b, sizeof(b));
        if (strcmp(a, b) != 0)
            fail_msg("key %s: placeholders '%s' in French, '%s' in English", key, a, b);
    }
    json_object_foreach((json_t *)en, key, v)
    {
        if (json_object_get(fr, key) == NULL)
            fail_msg("key %s is English only", key);
    }
}

/* A plural is a pair: "x.one" without "x.other" (or the reverse) would
 * make text_count_key name a key that does not exist. */
static void plurals_come_in_pairs(void **state)
{
    const char *key;
    json_t *v;
    size_t pairs = 0;
    (void)state;

    json_object_foreach((json_t *)text_table("fr"), key, v)
    {
        size_t n = strlen(key);
        char other[256];
        if (n > 4 && strcmp(key + n - 4, ".one") == 0) {
            snprintf(other, sizeof(other), "%.*s.other", (int)(n - 4), key);
            if (!text_has("fr", other))
                fail_msg("%s has no .other", key);
            pairs++;
        } else if (n > 6 && strcmp(key + n - 6, ".other") == 0) {
            snprintf(other, sizeof(other), "%.*s.one", (int)(n - 6), key);
            if (!text_has("fr", other))
                fail_msg("%s has no .one", key);
        }
    }
    assert_true(pairs > 5);
}

static void lookups_and_fallbacks(void **state)
{
    (void)state;
    assert_string_equal(text_lang("en"), "en");
    assert_string_equal(text_lang("fr"), "fr");
    assert_string_equal(text_lang("de"), "fr");
    assert_string_equal(text_lang(NULL), "fr");
    assert_string_equal(text_get("fr", "dossier.part.plan"),
                        "Plan d'action, prestataires et outils");
    assert_string_equal(text_get("en", "dossier.part.plan"), "Action plan, suppliers and tools");
    /* Unknown language: French. Unknown key: the key itself, visible. */
    assert_string_equal(text_get("de", "dossier.part.plan"),
                        "Plan d'action, prestataires et outils");
    assert_string_equal(text_get("en", "no.such.key"), "no.such.key");
    assert_false(text_has("en", "no.such.key"));
    assert_false(text_has("fr", NULL));
    assert_string_equal(text_get("fr", NULL), "");
}

static void placeholders_are_filled(void **state)
{
    struct strbuf b;
    char buf[64], small[12];
    (void)state;

    strbuf_init(&b, 4096);
    assert_int_equal(text_fmt(&b, "en", "dossier.draft_mark", "pages", "14", "limit", "12", NULL),
                     EP_OK);
    assert_string_equal(b.p, "Draft — 14 pages of 12");
    strbuf_release(&b);
    /* A value not given leaves its placeholder as written. */
    strbuf_init(&b, 4096);
    assert_int_equal(text_fmt(&b, "fr", "dossier.draft_mark", "pages", "14", NULL), EP_OK);
    assert_string_equal(b.p, "Brouillon — 14 pages sur {limit}");
    strbuf_release(&b);
    /* The cap of the buffer is honoured. */
    strbuf_init(&b, 8);
    assert_int_equal(text_fmt(&b, "fr", "dossier.draft_mark", "pages", "14", "limit", "12", NULL),
                     EP_ETOOBIG);
    strbuf_release(&b);
    assert_string_equal(
        text_fmtbuf(buf, sizeof(buf), "fr", "dossier.title", "title", "Le Port", NULL),
        "Dossier professionnel — Le Port");
    /* Cut at a character boundary: "Brouillon —" would end inside the dash. */
    text_fmtbuf(small, sizeof(small), "fr", "dossier.draft_mark", "pages", "1", "limit", "2", NULL);
    assert_string_equal(small, "Brouillon ");
}

static void plural_rules(void **state)
{
    char k[64];
    (void)state;
    assert_string_equal(text_count_key(k, sizeof(k), "x", 0, "fr"), "x.one");
    assert_string_equal(text_count_key(k, sizeof(k), "x", 1, "fr"), "x.one");
    assert_string_equal(text_count_key(k, sizeof(k), "x", 2, "fr"), "x.other");
    assert_string_equal(text_count_key(k, sizeof(k), "x", 0, "en"), "x.other");
    assert_string_equal(text_count_key(k, sizeof(k), "x", 1, "en"), "x.one");
    assert_string_equal(text_count_key(k, sizeof(k), "x", 2, "en"), "x.other");
    assert_string_equal(text_count_key(k, 4, "long.key", 2, "en"), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(both_languages_hold_the_same_keys),
        cmocka_unit_test(plurals_come_in_pairs),
        cmocka_unit_test(lookups_and_fallbacks),
        cmocka_unit_test(placeholders_are_filled),
        cmocka_unit_test(plural_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
