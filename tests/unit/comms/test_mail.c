/*
 * test_mail.c - MIME messages (backend/comms/mail.c), invitations (backend/render/ical.c)
 * and recipient resolution (backend/comms/audience.c), without a network.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audience.h"
#include "comms.h"
#include "err.h"
#include "ical.h"
#include "mail.h"

#include <stdlib.h>
#include <string.h>

static void builds_multipart(void **state)
{
    struct mail_attachment att = {"invitation.ics", "text/calendar; method=REQUEST",
                                  "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 32};
    struct mail_msg m = {"eco@prod.test",
                         "ecoplateau",
                         "bruno@test.fr",
                         "Bruno Lévêque",
                         "Tri des déchets : les cinq bacs du barnum, et où les trouver",
                         "Texte",
                         "<p>HTML</p>",
                         &att,
                         1,
                         "fr"};
    char *out = NULL;
    size_t len = 0;
    (void)state;

    assert_int_equal(mail_build(&m, 1 << 20, &out, &len), EP_OK);
    assert_int_equal(strlen(out), len);
    /* 7-bit only, CRLF lines no longer than 78 characters. */
    for (size_t i = 0, col = 0; i < len; i++) {
        assert_true((unsigned char)out[i] < 0x80);
        if (out[i] == '\n') {
            assert_true(i > 0 && out[i - 1] == '\r');
            col = 0;
        } else {
            assert_true(++col <= 78);
        }
    }
    assert_non_null(strstr(out, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(out, "To: =?UTF-8?B?"));
    assert_non_null(strstr(out, "\r\n <bruno@test.fr>\r\n"));
    assert_non_null(strstr(out, "Content-Type: multipart/mixed;\r\n boundary="));
    assert_non_null(strstr(out, "Content-Type: multipart/alternative;\r\n boundary="));
    /* The text part comes before the HTML one (the preferred is last). */
    assert_true(strstr(out, "text/plain") < strstr(out, "text/html"));
    assert_non_null(strstr(out, " filename=\"invitation.ics\""));
    free(out);
    /* Over the cap: refused, nothing returned. */
    assert_int_equal(mail_build(&m, 600, &out, &len), EP_ETOOBIG);
    assert_null(out);
    /* Header injection through an address or a file name. */
    m.to = "bruno@test.fr>\r\nBcc: <all@test.fr";
    assert_int_equal(mail_build(&m, 1 << 20, &out, &len), EP_EINVAL);
    m.to = "bruno@test.fr";
    att.filename = "a\"b.ics";
    assert_int_equal(mail_build(&m, 1 << 20, &out, &len), EP_EINVAL);
}

static void escapes_html(void **state)
{
    struct strbuf b;
    char *s;
    (void)state;
    strbuf_init(&b, 1024);
    assert_int_equal(strbuf_html(&b, "<img src=x onerror='a()'> & \"q\""), EP_OK);
    s = strbuf_detach(&b, NULL);
    assert_string_equal(s, "&lt;img src=x onerror=&#39;a()&#39;&gt; &amp; &quot;q&quot;");
    free(s);
    assert_true(mail_address_ok("a@b.fr"));
    assert_false(mail_address_ok("a b@c.fr"));
    assert_false(mail_address_ok("a@b@c"));
    assert_false(mail_address_ok("@b.fr"));
}

static void invitation_refuses_bad_times(void **state)
{
    struct ical_person att = {"b@test.fr", "B"};
    struct ical_event e = {"u@x", "S", NULL, NULL, "2026-02-30T08:00", 30, {"o@test.fr", NULL},
                           &att,  1,   0};
    char *out = NULL;
    (void)state;
    assert_int_equal(ical_build(&e, &out), EP_EINVAL);
    e.starts_at = "2026-12-01 08:00";
    assert_int_equal(ical_build(&e, &out), EP_EINVAL);
    e.starts_at = "2026-12-01T08:00";
    e.duration_min = 0;
    assert_int_equal(ical_build(&e, &out), EP_EINVAL);
    e.duration_min = 30;
    assert_int_equal(ical_build(&e, &out), EP_OK);
    assert_non_null(strstr(out, "DTSTART;TZID=Europe/Paris:20261201T080000"));
    assert_non_null(strstr(out, "BEGIN:VTIMEZONE"));
    free(out);
}

static void resolves_audience(void **state)
{
    json_t *people = json_loads(
        "[{\"id\":\"a\",\"name\":\"A\",\"department\":\"regie\",\"level\":3,\"email\":null,"
        "\"channels\":[\"email\"],\"needs\":[\"falc\"]},"
        "{\"id\":\"b\",\"name\":\"B\",\"department\":\"camera\",\"level\":1,\"email\":\"b@t.fr\","
        "\"channels\":[\"app\",\"email\"],\"needs\":[]}]",
        0, NULL);
    json_t *comm = json_loads("{\"target\":{\"levels\":[1]},\"falc\":\"F\"}", 0, NULL);
    json_t *out = NULL;
    struct ep_error err;
    (void)state;

    assert_int_equal(audience_resolve(comm, people, &out, &err), EP_OK);
    assert_int_equal(json_array_size(out), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(out, 0), "member")), "b");
    json_decref(out);
    json_object_set_new(comm, "target", json_loads("{\"departments\":[\"regie\"]}", 0, NULL));
    assert_int_equal(audience_resolve(comm, people, &out, &err), EP_OK);
    assert_true(audience_has(json_object_get(json_array_get(out, 0), "variants"), "falc"));
    assert_true(audience_has(json_object_get(json_array_get(out, 0), "notes"), "no_email_address"));
    json_decref(out);
    json_object_set_new(comm, "target", json_loads("{\"departments\":[]}", 0, NULL));
    assert_int_equal(audience_resolve(comm, people, &out, &err), EP_EINVAL);
    assert_string_equal(err.field, "target");
    json_object_set_new(comm, "target", json_loads("{\"teams\":[\"x\"]}", 0, NULL));
    assert_int_equal(audience_resolve(comm, people, &out, &err), EP_EINVAL);
    json_object_set_new(comm, "target", json_string("everyone"));
    assert_int_equal(audience_resolve(comm, people, &out, &err), EP_EINVAL);
    json_decref(comm);
    json_decref(people);
}

/* The audio version says when and where, in words a voice reads well. */
static void spoken_says_time_and_place(void **state)
{
    json_t *comm = json_loads("{\"title\":\"Tri au barnum\",\"text\":\"Cinq bacs.\","
                              "\"falc\":\"Il y a 5 bacs.\",\"kind\":\"briefing\","
                              "\"starts_at\":\"2026-12-07T09:30\",\"duration_min\":45,"
                              "\"location\":\"plateau B\"}",
                              0, NULL);
    char *out = NULL;
    (void)state;

    assert_int_equal(comms_spoken(comm, 0, &out), EP_OK);
    assert_string_equal(out, "Tri au barnum.\nBriefing le lundi 7 décembre à 9 heures 30, pendant "
                             "45 minutes. Lieu : plateau B.\nCinq bacs.");
    free(out);
    assert_int_equal(comms_spoken(comm, 1, &out), EP_OK);
    assert_non_null(strstr(out, "Il y a 5 bacs."));
    assert_non_null(strstr(out, "9 heures 30"));
    free(out);
    json_object_set_new(comm, "kind", json_string("info"));
    assert_int_equal(comms_spoken(comm, 0, &out), EP_OK);
    assert_string_equal(out, "Tri au barnum.\nCinq bacs.");
    free(out);
    json_object_del(comm, "falc");
    assert_int_equal(comms_spoken(comm, 1, &out), EP_EINVAL);
    assert_null(out);
    json_decref(comm);
}

/* The version each reader gets: English when written and wanted, else the
 * French flagged as untranslated for an English reader; spoken in English. */
static void reader_version(void **state)
{
    json_t *comm = json_loads("{\"title\":\"Navette\",\"text\":\"Départ à 7 h.\","
                              "\"title_en\":\"Shuttle\",\"text_en\":\"Leaves at 7.\","
                              "\"kind\":\"briefing\",\"starts_at\":\"2026-12-07T09:05\","
                              "\"location\":\"plateau B\"}",
                              0, NULL);
    json_t *v = NULL;
    char *out = NULL;
    (void)state;

    assert_int_equal(comms_for_reader(comm, "en", &v), EP_OK);
    assert_string_equal(json_string_value(json_object_get(v, "title")), "Shuttle");
    assert_string_equal(json_string_value(json_object_get(v, "text")), "Leaves at 7.");
    assert_string_equal(json_string_value(json_object_get(v, "lang")), "en");
    assert_null(json_object_get(v, "translation_missing"));
    assert_int_equal(comms_spoken(v, 0, &out), EP_OK);
    assert_string_equal(out, "Shuttle.\nBriefing on Monday 7 December at 9:05, for 30 minutes. "
                             "Place: plateau B.\nLeaves at 7.");
    free(out);
    json_decref(v);
    /* French readers, and a NULL language, read the French. */
    assert_int_equal(comms_for_reader(comm, "fr", &v), EP_OK);
    assert_string_equal(json_string_value(json_object_get(v, "text")), "Départ à 7 h.");
    assert_string_equal(json_string_value(json_object_get(v, "lang")), "fr");
    json_decref(v);
    assert_int_equal(comms_for_reader(comm, NULL, &v), EP_OK);
    assert_string_equal(json_string_value(json_object_get(v, "title")), "Navette");
    json_decref(v);
    /* No English text: the French, and the English reader is told. */
    json_object_del(comm, "text_en");
    assert_int_equal(comms_for_reader(comm, "en", &v), EP_OK);
    assert_string_equal(json_string_value(json_object_get(v, "title")), "Navette");
    assert_string_equal(json_string_value(json_object_get(v, "lang")), "fr");
    assert_true(json_is_true(json_object_get(v, "translation_missing")));
    assert_int_equal(comms_spoken(v, 0, &out), EP_OK);
    assert_non_null(strstr(out, "Briefing le lundi 7 décembre à 9 heures 5"));
    free(out);
    json_decref(v);
    json_decref(comm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builds_multipart),  cmocka_unit_test(reader_version),
        cmocka_unit_test(escapes_html),      cmocka_unit_test(invitation_refuses_bad_times),
        cmocka_unit_test(resolves_audience), cmocka_unit_test(spoken_says_time_and_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
