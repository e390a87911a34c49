#define _GNU_SOURCE /* asprintf() */
/*
 * test_comms.c - communications end to end (docs/communications.md): targeting and
 * preferences, the email channel against a real SMTP server on loopback
 * (tests/support/smtp_sink.py, aiosmtpd) with its .ics parsed back by
 * libical and its signed envelope verified, SMTP down -> queued -> retried
 * -> delivered, a 5xx bounce, an attachment too large, unsafe HTML, and the
 * follow-up (receipts, questions and answers, who has not been reached).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "audio.h"
#include "clock.h"
#include "cmd.h"
#include "comms.h"
#include "config.h"
#include "db.h"
#include "dbpool.h"
#include "err.h"
#include "fmt.h"
#include "log.h"
#include "outbox.h"
#include "seed.h"
#include "server.h"
#include "support.h"
#include "sync.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <libical/ical.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static struct support_server srv;
static struct support_office office;
static struct support_phone van;
static uint64_t office_hlc;

static void office_login(void)
{
    support_office_login(&office, srv.base, "aline@test.fr");
}

static void office_req(const char *method, const char *path, const char *body,
                       struct support_resp *out)
{
    support_office_req(&office, method, path, body, out);
}

/* Sets one field of communication id as the office. */
static void comm_set(const char *id, const char *field, const char *value_json)
{
    struct support_resp r;
    char *body = NULL;
    assert_true(asprintf(&body,
                         "{\"col\":\"communications\",\"id\":\"%s\",\"field\":\"%s\","
                         "\"value\":%s}",
                         id, field, value_json) > 0);
    office_req("POST", "/api/v1/sync/resolve", body, &r);
    if (r.status != 200)
        fail_msg("set %s.%s: %ld %s", id, field, r.status, r.body);
    support_resp_free(&r);
    free(body);
}

/* One op pushed by device dev (a phone ph, or the office when ph is NULL). */
static json_t *push_op(struct support_phone *ph, const char *col, const char *rid, const char *kind,
                       const char *fields)
{
    char hlc[SYNC_HLC_LEN + 1], dev[128], *body = NULL, url[256];
    struct support_resp r;
    json_t *j, *ack;
    uint64_t *clock = ph != NULL ? &ph->hlc : &office_hlc;
    static int seq; /* op ids are unique: the same record may be pushed twice */

    *clock = sync_hlc_tick(*clock, clock_now_ms());
    sync_hlc_format(*clock, hlc);
    snprintf(dev, sizeof(dev), "%s", ph != NULL ? ph->id : "");
    if (ph == NULL)
        snprintf(dev, sizeof(dev), "office-%s", office.account_id);
    assert_true(asprintf(&body,
                         "{\"schema\":1,\"device\":\"%s\",\"ops\":[{\"op\":\"op-%s-%d\",\"col\":"
                         "\"%s\",\"id\":\"%s\",\"kind\":\"%s\",\"hlc\":\"%s\",\"dev\":\"%s\","
                         "\"fields\":%s}]}",
                         dev, rid, ++seq, col, rid, kind, hlc, dev, fields) > 0);
    if (ph != NULL) {
        support_phone_request(ph, srv.base, "POST", "/api/v1/sync/push", NULL, body, -1, &r);
    } else {
        const char *headers[] = {office.cookie, office.csrf, "X-EP-Production: p1", NULL};
        snprintf(url, sizeof(url), "%s/api/v1/sync/push", srv.base);
        support_http("POST", url, headers, body, -1, &r);
    }
    if (r.status != 200)
        fail_msg("push: %ld %s", r.status, r.body);
    j = support_resp_json(&r);
    ack = json_incref(json_array_get(json_object_get(j, "results"), 0));
    assert_non_null(ack);
    json_decref(j);
    support_resp_free(&r);
    free(body);
    return ack;
}

static json_t *push_fact(struct support_phone *ph, const char *col, const char *rid,
                         const char *fields)
{
    return push_op(ph, col, rid, "add", fields);
}

/* ---- the SMTP server on loopback ---- */

struct sink {
    pid_t pid;
    int port;
    char dir[256];
};

/* A port nothing listens on (bound then released). */
static int free_port(void)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    int s = socket(AF_INET, SOCK_STREAM, 0), port;

    assert_true(s >= 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &alen), 0);
    port = ntohs(a.sin_port);
    close(s);
    return port;
}

static void sink_start(struct sink *k, int port)
{
    char portarg[16], script[512], ready[300];
    /* Debian's interpreter, where python3-aiosmtpd lives (not a pyenv shim). */
    char *argv[] = {"/usr/bin/python3", script, portarg, k->dir, NULL};

    k->port = port;
    snprintf(portarg, sizeof(portarg), "%d", port);
    snprintf(script, sizeof(script), "%s/tests/support/smtp_sink.py", EP_SOURCE_DIR);
    snprintf(ready, sizeof(ready), "%s/ready", k->dir);
    assert_int_equal(posix_spawn(&k->pid, "/usr/bin/python3", NULL, NULL, argv, environ), 0);
    for (int i = 0; i < 200; i++) {
        struct stat st;
        if (stat(ready, &st) == 0)
            return;
        support_sleep_us(50000);
    }
    fail_msg("the SMTP sink did not start on port %d", port);
}

static void sink_stop(struct sink *k)
{
    int st;
    char ready[300];
    if (k->pid <= 0)
        return;
    kill(k->pid, SIGTERM);
    waitpid(k->pid, &st, 0);
    k->pid = 0;
    snprintf(ready, sizeof(ready), "%s/ready", k->dir);
    unlink(ready);
}

/* The messages the sink received, as a new array (by arrival). */
static json_t *sink_messages(const struct sink *k)
{
    json_t *all = json_array();
    for (int n = 1;; n++) {
        char path[300];
        json_t *m;
        snprintf(path, sizeof(path), "%s/msg-%d.json", k->dir, n);
        m = json_load_file(path, 0, NULL);
        if (m == NULL)
            break;
        json_array_append_new(all, m);
    }
    return all;
}

/* The message the sink received for address, or NULL (borrowed from all). */
static json_t *message_to(json_t *all, const char *address)
{
    size_t i;
    json_t *m;
    json_array_foreach(
        all, i,
        m) if (json_string_value(json_array_get(json_object_get(m, "rcpt_tos"), 0)) != NULL &&
               strcmp(json_string_value(json_array_get(json_object_get(m, "rcpt_tos"), 0)),
                      address) == 0) return m;
    return NULL;
}

/* The part of m of content type (and filename, may be NULL), borrowed. */
static json_t *part(json_t *m, const char *type, const char *filename)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(m, "parts"), i, p)
    {
        const char *fn = json_string_value(json_object_get(p, "filename"));
        if (strcmp(json_string_value(json_object_get(p, "type")), type) == 0 &&
            (filename == NULL ? fn == NULL : fn != NULL && strcmp(fn, filename) == 0))
            return p;
    }
    return NULL;
}

static struct sink sink;

static int setup(void **state)
{
    (void)state;
    support_server_start(&srv, NULL);
    support_seed_people(
        srv.app.db_path,
        "[{\"id\":\"m-admin\",\"name\":\"Aline\",\"department\":\"production\",\"role\":"
        "\"eco_referent\",\"level\":0,\"email\":\"aline@test.fr\"},"
        "{\"id\":\"m-van\",\"name\":\"Bruno\",\"department\":\"regie\",\"role\":\"crew\","
        "\"device\":\"dev-van\"},"
        "{\"id\":\"m-cook\",\"name\":\"Chloé\",\"department\":\"regie\",\"role\":\"crew\"},"
        "{\"id\":\"m-cam\",\"name\":\"Dan\",\"department\":\"camera\",\"role\":\"crew\","
        "\"level\":2}]");
    support_phone_init(&van, "dev-van");
    office_login();
    support_tmpdir(sink.dir);
    /* The server sends to the sink; retries are due at once in tests. */
    snprintf(srv.cfg.smtp_from, sizeof(srv.cfg.smtp_from), "eco@production.test");
    srv.cfg.smtp_retry_ms = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sink_stop(&sink);
    support_rmtree(sink.dir);
    support_server_stop(&srv);
    return 0;
}

static void prefs(const char *member, const char *body, long status)
{
    struct support_resp r;
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/productions/p1/members/%s/preferences", member);
    office_req("PUT", path, body, &r);
    if (r.status != status)
        fail_msg("prefs %s: %ld %s", member, r.status, r.body);
    support_resp_free(&r);
}

static json_t *recipient(json_t *list, const char *member)
{
    size_t i;
    json_t *r;
    json_array_foreach(list, i, r) if (strcmp(json_string_value(json_object_get(r, "member")),
                                              member) == 0) return r;
    return NULL;
}

static int has(const json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), s) == 0) return 1;
    return 0;
}

/* The preview's entry of member m (a new reference). */
static json_t *previewed(const char *m)
{
    struct support_resp r;
    json_t *j, *v;

    office_req("GET", "/api/v1/productions/p1/communications/c-1/preview", NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    v = json_incref(recipient(json_object_get(j, "recipients"), m));
    json_decref(j);
    support_resp_free(&r);
    assert_non_null(v);
    return v;
}

/* The status of a pushed op's ack, and the ack freed. */
static char *ack_status(json_t *ack)
{
    static char st[64];
    snprintf(st, sizeof(st), "%s", json_string_value(json_object_get(ack, "status")));
    json_decref(ack);
    return st;
}

/*
 * Preferences are synced records: Bruno sets his own on his phone and they
 * win over what the office set for him, field by field; the office's change
 * afterwards does not undo his choice; nobody writes someone else's.
 */
static void own_choice_wins(void)
{
    struct support_resp r;
    json_t *v;

    /* Bad input, each refused naming its field. */
    prefs("m-van", "{\"phone\":\"06 12 ab 56\"}", 400);
    office_req("PUT", "/api/v1/productions/p1/members/m-van/preferences",
               "{\"phone\":\"06 12 ab 56\"}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "phone");
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/members/m-van/preferences",
               "{\"email\":\"bruno@test.fr\\r\\nBcc: all@test.fr\"}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "email");
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/members/m-van/preferences", "{\"language\":\"de\"}",
               &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "language");
    support_resp_free(&r);

    /* From his phone, offline-capable: a put like any other. */
    assert_string_equal(ack_status(push_op(&van, "preferences", "self-m-van", "put",
                                           "{\"channels\":[\"app\",\"email\",\"calendar\","
                                           "\"sms\"],\"language\":\"en\",\"phone\":"
                                           "\"+33 6 12 34 56 78\"}")),
                        "applied");
    /* Not someone else's choices, not the office's record, not nonsense. */
    assert_string_not_equal(
        ack_status(push_op(&van, "preferences", "self-m-cook", "put", "{\"channels\":[\"app\"]}")),
        "applied");
    assert_string_not_equal(
        ack_status(push_op(&van, "preferences", "office-m-van", "put", "{\"channels\":[\"app\"]}")),
        "applied");
    assert_string_not_equal(ack_status(push_op(&van, "preferences", "self-m-van", "put",
                                               "{\"needs\":[\"telepathy\"]}")),
                            "applied");
    /* The office then changes his channels: his own choice still wins. */
    prefs("m-van", "{\"channels\":[\"print\"]}", 200);
    v = previewed("m-van");
    assert_string_equal(json_string_value(json_object_get(v, "language")), "en");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(v, "set_by"), "channels")), "self");
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "set_by"), "email")),
                        "office");
    assert_true(has(json_object_get(v, "channels"), "email"));
    assert_false(has(json_object_get(v, "channels"), "print"));
    /* Not an event: no invitation; no SMS is sent, and the preview says so. */
    assert_false(has(json_object_get(v, "channels"), "calendar"));
    {
        char *sk = json_dumps(json_object_get(v, "skipped"), 0);
        assert_non_null(strstr(sk, "sms_not_sent"));
        free(sk);
    }
    /* Office and phone keep the large print the office had noted. */
    assert_true(has(json_object_get(v, "variants"), "large_print"));
    json_decref(v);
}

static void targeting_and_preferences(void **state)
{
    struct support_resp r;
    json_t *j, *list, *v;
    (void)state;

    /* Preferences: bad input refused with the field named. */
    office_req("PUT", "/api/v1/productions/p1/members/m-van/preferences",
               "{\"channels\":[\"app\",\"pigeon\"],\"needs\":[]}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "channels");
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/members/m-van/preferences",
               "{\"channels\":[\"app\"],\"needs\":[\"telepathy\"]}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "needs");
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/members/m-van/preferences",
               "{\"email\":\"bruno at test\",\"channels\":[\"email\"],\"needs\":[]}", &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "email");
    support_resp_free(&r);
    office_req("PUT", "/api/v1/productions/p1/members/m-van/preferences",
               "{\"channels\":[],\"needs\":[],\"colour\":\"red\"}", &r);
    support_assert_error(&r, 400, "invalid_request");
    support_resp_free(&r);
    prefs("m-ghost", "{\"channels\":[\"app\"],\"needs\":[]}", 404);
    /* A phone may not record anyone's preferences. */
    support_phone_request(&van, srv.base, "PUT", "/api/v1/productions/p1/members/m-van/preferences",
                          NULL, "{\"channels\":[\"app\"],\"needs\":[]}", -1, &r);
    assert_int_equal(r.status, 403);
    support_resp_free(&r);

    prefs("m-van",
          "{\"email\":\"bruno@test.fr\",\"channels\":[\"app\",\"email\"],"
          "\"needs\":[\"falc\",\"large_print\"]}",
          200);
    prefs("m-cook", "{\"email\":\"chloe-bounce@test.fr\",\"channels\":[\"email\"],\"needs\":[]}",
          200);
    prefs("m-cam", "{\"channels\":[\"email\",\"audio\"],\"needs\":[\"audio\"]}", 200);
    prefs("m-admin", "{\"channels\":[\"app\",\"email\"],\"needs\":[]}", 200);

    /* No target, an unknown person, a department nobody is in: clear 400s. */
    comm_set("c-1", "title", "\"Tri <script>alert(1)</script> au barnum\"");
    comm_set("c-1", "text", "\"Cinq bacs : verre & emballages.\\n\\nMerci <b>à tous</b>.\"");
    office_req("GET", "/api/v1/productions/p1/communications/c-1/preview", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "no_recipients"), "target");
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/communications/c-1/send", NULL, &r);
    support_assert_error(&r, 400, "no_recipients");
    support_resp_free(&r);
    comm_set("c-1", "target", "{\"members\":[\"m-ghost\"]}");
    office_req("GET", "/api/v1/productions/p1/communications/c-1/preview", NULL, &r);
    support_assert_error(&r, 400, "no_recipients");
    assert_non_null(strstr(r.body, "m-ghost"));
    support_resp_free(&r);
    comm_set("c-1", "target", "{\"departments\":[\"sound\"]}");
    office_req("GET", "/api/v1/productions/p1/communications/c-1/preview", NULL, &r);
    support_assert_error(&r, 400, "no_recipients");
    support_resp_free(&r);
    comm_set("c-1", "target", "{\"levels\":[\"top\"]}");
    office_req("GET", "/api/v1/productions/p1/communications/c-1/preview", NULL, &r);
    support_assert_error(&r, 400, "no_recipients");
    support_resp_free(&r);

    /* The régie, level 0 (Aline) and Dan by name. */
    comm_set("c-1", "target",
             "{\"departments\":[\"regie\"],\"levels\":[0],\"members\":[\"m-cam\"]}");
    office_req("GET", "/api/v1/productions/p1/communications/c-1/preview", NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    list = json_object_get(j, "recipients");
    assert_int_equal(json_array_size(list), 4);
    v = recipient(list, "m-van");
    assert_true(has(json_object_get(v, "channels"), "email"));
    assert_true(has(json_object_get(v, "variants"), "large_print"));
    /* Bruno needs FALC and nobody wrote it: shown, not generated. */
    assert_false(has(json_object_get(v, "variants"), "falc"));
    assert_true(has(json_object_get(v, "notes"), "falc_missing"));
    assert_false(json_boolean_value(json_object_get(j, "falc_written")));
    /* Dan asked for email and audio but has neither an address nor a
     * phone: listed as reached by nothing, each reason given. */
    v = recipient(list, "m-cam");
    assert_int_equal(json_array_size(json_object_get(v, "channels")), 0);
    assert_true(json_is_false(json_object_get(v, "reachable")));
    assert_true(has(json_object_get(v, "notes"), "no_email_address"));
    assert_true(has(json_object_get(v, "notes"), "unreachable"));
    assert_int_equal(json_array_size(json_object_get(v, "skipped")), 3); /* app, email, audio */
    /* Bruno has his phone: the app reaches him. */
    assert_true(has(json_object_get(recipient(list, "m-van"), "channels"), "app"));
    /* Chloé chose email only and has no paired phone: the email, and the
     * app feed listed as not reaching her, with the reason. */
    v = recipient(list, "m-cook");
    assert_true(has(json_object_get(v, "channels"), "email"));
    assert_false(has(json_object_get(v, "channels"), "app"));
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(v, "skipped"), 0), "reason")),
                        "no_paired_phone");
    assert_true(json_is_true(json_object_get(v, "reachable")));
    /* User text is escaped in the HTML, kept as is in the text part. */
    {
        const char *key;
        json_t *pv;
        int seen = 0;
        json_object_foreach(json_object_get(j, "email"), key, pv)
        {
            const char *html = json_string_value(json_object_get(pv, "html"));
            const char *text = json_string_value(json_object_get(pv, "text"));
            assert_null(strstr(html, "<script>"));
            assert_null(strstr(html, "<b>"));
            assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
            assert_non_null(strstr(html, "verre &amp; emballages"));
            assert_non_null(strstr(html, "<html lang=\"fr\">"));
            assert_non_null(strstr(text, "<script>alert(1)</script>"));
            seen++;
        }
        assert_true(seen >= 2); /* standard, and large print + missing FALC */
    }
    assert_true(json_is_null(json_object_get(j, "invitation"))); /* not a briefing */
    json_decref(j);
    support_resp_free(&r);

    /* The FALC version, written by a person, is then sent to Bruno. */
    comm_set("c-1", "falc", "\"Il y a 5 poubelles.\\nMettez le verre dans la poubelle verte.\"");
    office_req("GET", "/api/v1/productions/p1/communications/c-1/preview", NULL, &r);
    j = support_resp_json(&r);
    v = recipient(json_object_get(j, "recipients"), "m-van");
    assert_true(has(json_object_get(v, "variants"), "falc"));
    assert_false(has(json_object_get(v, "notes"), "falc_missing"));
    assert_true(json_boolean_value(json_object_get(j, "falc_written")));
    json_decref(j);
    support_resp_free(&r);
    own_choice_wins();
}

/*
 * The invitation read by a second, independent parser (python3-icalendar,
 * as calendar programs built on it do): 08:30 in Paris on 1 December is
 * 07:30 UTC, which only holds if the event's TZID finds its VTIMEZONE.
 */
/* What python3-icalendar reads in ics (tests/support/check_ics.py), into out. */
static void ics_read_back(const char *ics, char *out, size_t outlen)
{
    char dir[256], path[300], cmd[1024];
    const char *src = getenv("EP_SOURCE_DIR");
    FILE *f, *p;
    size_t n;

    assert_non_null(src);
    support_tmpdir(dir);
    snprintf(path, sizeof(path), "%s/invitation.ics", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(ics, 1, strlen(ics), f), strlen(ics));
    assert_int_equal(fclose(f), 0);
    snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/support/check_ics.py %s", src, path);
    p = popen(cmd, "r");
    assert_non_null(p);
    n = fread(out, 1, outlen - 1, p);
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
    support_rmtree(dir);
}

static void invitation_second_parser(const char *ics)
{
    char out[2048] = "";

    ics_read_back(ics, out, sizeof(out));
    assert_non_null(strstr(out, "TZID Europe/Paris\n"));
    assert_non_null(strstr(out, "START 2026-12-01T07:30Z\n"));
    assert_non_null(strstr(out, "MINUTES 45\n"));
    assert_non_null(strstr(out, "LOCATION Barnum cantine\n"));
}

static void invitation_parses(const char *ics, const char *attendee)
{
    icalcomponent *cal = icalparser_parse_string(ics), *ev;
    icalproperty *p;
    icalparameter *tz;
    int found = 0;

    assert_non_null(cal);
    assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
    assert_int_equal(
        icalproperty_get_method(icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY)),
        ICAL_METHOD_REQUEST);
    {
        /* The zone is named as the event names it, and holds today's rule
         * only (libical's built-in one was "/freeassociation.sourceforge.net/
         * Europe/Paris" with transitions back to 1891). */
        icalcomponent *vtz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
        assert_non_null(vtz);
        assert_string_equal(
            icalproperty_get_tzid(icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY)),
            "Europe/Paris");
        assert_null(strstr(ics, "freeassociation"));
        assert_true(strlen(ics) < 4096);
    }
    ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    assert_non_null(ev);
    assert_string_equal(icalcomponent_get_summary(ev), "Briefing tri au barnum");
    assert_string_equal(icalcomponent_get_location(ev), "Barnum cantine");
    p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
    tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    assert_non_null(tz);
    assert_string_equal(icalparameter_get_tzid(tz), "Europe/Paris");
    {
        struct icaltimetype t = icalproperty_get_dtstart(p);
        assert_int_equal(t.year, 2026);
        assert_int_equal(t.month, 12);
        assert_int_equal(t.day, 1);
        assert_int_equal(t.hour, 8);
        assert_int_equal(t.minute, 30);
    }
    assert_int_equal(icaldurationtype_as_int(icalcomponent_get_duration(ev)), 45 * 60);
    p = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
    assert_string_equal(icalproperty_get_organizer(p), "mailto:eco@production.test");
    for (p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
        char want[128];
        snprintf(want, sizeof(want), "mailto:%s", attendee);
        found |= strcmp(icalproperty_get_attendee(p), want) == 0;
    }
    assert_true(found);
    icalcomponent_free(cal);
}

static json_t *delivery(const char *id)
{
    struct support_resp r;
    char path[160];
    json_t *j;
    snprintf(path, sizeof(path), "/api/v1/productions/p1/communications/%s/delivery", id);
    office_req("GET", path, NULL, &r);
    if (r.status != 200)
        fail_msg("delivery: %ld %s", r.status, r.body);
    j = support_resp_json(&r);
    support_resp_free(&r);
    return j;
}

static json_t *person(json_t *d, const char *member)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(d, "people"), i,
                       p) if (strcmp(json_string_value(json_object_get(p, "member")), member) ==
                              0) return p;
    return NULL;
}

static json_t *deliver_now(void)
{
    struct support_resp r;
    json_t *j;
    office_req("POST", "/api/v1/productions/p1/outbox/deliver", NULL, &r);
    if (r.status != 200)
        fail_msg("deliver: %ld %s", r.status, r.body);
    j = support_resp_json(&r);
    support_resp_free(&r);
    return j;
}

static void email_to_smtp_server(void **state)
{
    struct support_resp r;
    json_t *j, *all, *m, *p, *d;
    (void)state;

    /* No SMTP configured: sending queues, delivering attempts nothing. */
    comm_set("c-2", "title", "\"Briefing tri au barnum\"");
    comm_set("c-2", "text", "\"Rendez-vous au barnum pour le tri des déchets.\"");
    comm_set("c-2", "kind", "\"briefing\"");
    comm_set("c-2", "starts_at", "\"2026-12-01T08:30\"");
    comm_set("c-2", "duration_min", "45");
    comm_set("c-2", "location", "\"Barnum cantine\"");
    comm_set("c-2", "target", "{\"departments\":[\"regie\",\"production\",\"camera\"]}");
    prefs("m-cam",
          "{\"email\":\"dan@test.fr\",\"channels\":[\"email\",\"audio\"],"
          "\"needs\":[\"audio\"]}",
          200);
    office_req("POST", "/api/v1/productions/p1/communications/c-2/send", NULL, &r);
    if (r.status != 200)
        fail_msg("send: %ld %s", r.status, r.body);
    j = support_resp_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "emails_queued")), 4);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "signed"), "alg")),
                        "Ed25519");
    json_decref(j);
    support_resp_free(&r);
    j = deliver_now();
    assert_string_equal(json_string_value(json_object_get(j, "smtp")), "not configured");
    json_decref(j);
    d = delivery("c-2");
    assert_string_equal(json_string_value(json_object_get(person(d, "m-van"), "email")), "queued");
    assert_int_equal(json_array_size(json_object_get(d, "not_reached")), 4);
    json_decref(d);

    /* The SMTP server comes up: two delivered, Chloé's address bounces. */
    sink_start(&sink, free_port());
    snprintf(srv.cfg.smtp_url, sizeof(srv.cfg.smtp_url), "smtp://127.0.0.1:%d", sink.port);
    j = deliver_now();
    assert_int_equal(json_integer_value(json_object_get(j, "sent")), 3);
    assert_int_equal(json_integer_value(json_object_get(j, "bounced")), 1);
    json_decref(j);
    all = sink_messages(&sink);
    assert_int_equal(json_array_size(all), 3);
    m = message_to(all, "bruno@test.fr");
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "subject")), "Briefing tri au barnum");
    assert_string_equal(json_string_value(json_object_get(m, "mail_from")), "eco@production.test");
    assert_string_equal(json_string_value(json_object_get(m, "content_language")), "fr");
    /* A real text part, then HTML; large print for Bruno. */
    p = part(m, "text/plain", NULL);
    assert_non_null(p);
    assert_non_null(strstr(json_string_value(json_object_get(p, "content")),
                           "Rendez-vous au barnum pour le tri des déchets."));
    assert_non_null(strstr(json_string_value(json_object_get(p, "content")),
                           "Tuesday 1 December 2026 at 08:30 (Paris time)"));
    /* Bruno chose English on his phone: the email's own words are English,
     * and with no English version written, his copy says so in English
     * before the office's French. */
    assert_non_null(strstr(json_string_value(json_object_get(p, "content")),
                           "This message has not been translated into English yet"));
    assert_non_null(
        strstr(json_string_value(json_object_get(p, "content")), "Duration: 45 minutes"));
    p = part(m, "text/html", NULL);
    assert_non_null(p);
    assert_non_null(strstr(json_string_value(json_object_get(p, "content")), "font-size:1.6em"));
    assert_non_null(strstr(json_string_value(json_object_get(p, "content")),
                           "<p lang=\"en\"><strong>Duration:</strong> 45 minutes"));
    /* Aline reads French: the same words in French. */
    {
        json_t *a = part(message_to(all, "aline@test.fr"), "text/plain", NULL);
        assert_non_null(a);
        assert_non_null(strstr(json_string_value(json_object_get(a, "content")),
                               "Quand : mardi 1er décembre 2026 à 08:30 (heure de Paris)"));
        assert_non_null(
            strstr(json_string_value(json_object_get(a, "content")), "Durée : 45 minutes"));
    }
    /* The invitation, parsed back by libical. */
    p = part(m, "text/calendar", "invitation.ics");
    assert_non_null(p);
    invitation_parses(json_string_value(json_object_get(p, "content")), "bruno@test.fr");
    /* The signed envelope verifies; one byte changed, it does not. */
    p = part(m, "application/json", "communication.json");
    assert_non_null(p);
    {
        json_t *env = json_loads(json_string_value(json_object_get(p, "content")), 0, NULL);
        json_t *payload = NULL;
        char *pl;
        struct ep_error why = {0};
        assert_non_null(env);
        assert_int_equal(comms_verify(env, &payload, &why), EP_OK);
        assert_string_equal(json_string_value(json_object_get(payload, "id")), "c-2");
        /* The time and place are signed with the text. */
        assert_string_equal(json_string_value(json_object_get(payload, "starts_at")),
                            "2026-12-01T08:30");
        assert_string_equal(json_string_value(json_object_get(payload, "location")),
                            "Barnum cantine");
        assert_int_equal(json_integer_value(json_object_get(payload, "duration_min")), 45);
        json_decref(payload);
        pl = strdup(json_string_value(json_object_get(env, "payload")));
        pl[5] = pl[5] == 'A' ? 'B' : 'A';
        json_object_set_new(env, "payload", json_string(pl));
        assert_int_equal(comms_verify(env, NULL, &why), EP_EAUTH);
        free(pl);
        json_decref(env);
    }
    /* The flyer, large print for Bruno (and the text is in the mail). */
    p = part(m, "application/pdf", "flyer.pdf");
    assert_non_null(p);
    assert_true(strncmp(json_string_value(json_object_get(p, "base64")), "JVBERi", 6) == 0);
    assert_null(part(m, "audio/wav", "message.wav")); /* Bruno did not ask for audio */
    assert_non_null(message_to(all, "aline@test.fr"));
    assert_null(message_to(all, "chloe-bounce@test.fr"));
    /* Dan asked for audio: the WAV travels with the text. */
    m = message_to(all, "dan@test.fr");
    assert_non_null(m);
    p = part(m, "audio/wav", "message.wav");
    assert_non_null(p);
    assert_true(strncmp(json_string_value(json_object_get(p, "base64")), "UklGR", 5) == 0);
    assert_non_null(part(m, "text/plain", NULL));
    json_decref(all);

    /* The bounce is recorded with the server's answer and not retried. */
    d = delivery("c-2");
    assert_string_equal(json_string_value(json_object_get(person(d, "m-van"), "email")), "sent");
    assert_string_equal(json_string_value(json_object_get(person(d, "m-cook"), "email")),
                        "bounced");
    /* Per channel: Bruno's email and invitation accepted by the server, his
     * app copy not yet opened; Chloé's bounce with the server's answer. */
    {
        json_t *pc = json_object_get(person(d, "m-van"), "per_channel");
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(pc, "email"), "status")), "sent");
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(pc, "calendar"), "status")), "sent");
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(pc, "app"), "status")),
            "delivered_when_synced");
        pc = json_object_get(json_object_get(person(d, "m-cook"), "per_channel"), "email");
        assert_string_equal(json_string_value(json_object_get(pc, "status")), "bounced");
        assert_non_null(strstr(json_string_value(json_object_get(pc, "last_error")), "550"));
    }
    {
        size_t i;
        json_t *row;
        int seen = 0;
        json_array_foreach(
            json_object_get(d, "outbox"), i,
            row) if (strcmp(json_string_value(json_object_get(row, "status")), "bounced") == 0)
        {
            assert_non_null(strstr(json_string_value(json_object_get(row, "last_error")), "550"));
            seen = 1;
        }
        assert_true(seen);
    }
    /* Chloé is not reached (bounced, no app receipt); Bruno and Aline are. */
    assert_int_equal(json_array_size(json_object_get(d, "not_reached")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(d, "not_reached"), 0), "member")),
                        "m-cook");
    json_decref(d);
    j = deliver_now();
    assert_int_equal(json_integer_value(json_object_get(j, "sent")) +
                         json_integer_value(json_object_get(j, "bounced")),
                     0);
    json_decref(j);

    /* The office downloads the invitation of all the attendees. */
    office_req("GET", "/api/v1/productions/p1/communications/c-2/invitation.ics", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "text/calendar"));
    /* Named after the communication's title, never its id. */
    assert_non_null(strstr(r.headers, "filename=\"briefing-tri-au-barnum.ics\""));
    invitation_parses(r.body, "aline@test.fr");
    invitation_second_parser(r.body);
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/communications/c-1/invitation.ics", NULL, &r);
    support_assert_error(&r, 404, "not_found");
    support_resp_free(&r);
    sink_stop(&sink);
}

static void smtp_down_then_retried(void **state)
{
    struct support_resp r;
    json_t *j, *d, *row, *all;
    int port = free_port();
    (void)state;

    /* Nothing listens on the SMTP port. */
    snprintf(srv.cfg.smtp_url, sizeof(srv.cfg.smtp_url), "smtp://127.0.0.1:%d", port);
    comm_set("c-3", "title", "\"Gourdes\"");
    comm_set("c-3", "text", "\"Pensez à vos gourdes.\"");
    comm_set("c-3", "target", "{\"members\":[\"m-van\"]}");
    office_req("POST", "/api/v1/productions/p1/communications/c-3/send", NULL, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    j = deliver_now();
    assert_int_equal(json_integer_value(json_object_get(j, "retry")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "sent")), 0);
    json_decref(j);
    d = delivery("c-3");
    row = json_array_get(json_object_get(d, "outbox"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "status")), "queued");
    assert_int_equal(json_integer_value(json_object_get(row, "attempts")), 1);
    assert_true(strlen(json_string_value(json_object_get(row, "last_error"))) > 0);
    json_decref(d);

    /* With a backoff, the next try waits: nothing is attempted now. */
    srv.cfg.smtp_retry_ms = 3600000;
    j = deliver_now();
    assert_int_equal(json_integer_value(json_object_get(j, "retry")), 1);
    json_decref(j);
    j = deliver_now(); /* second attempt pushed next_at an hour ahead */
    assert_int_equal(json_integer_value(json_object_get(j, "retry")), 0);
    json_decref(j);
    d = delivery("c-3");
    row = json_array_get(json_object_get(d, "outbox"), 0);
    assert_int_equal(json_integer_value(json_object_get(row, "attempts")), 2);
    assert_true(json_integer_value(json_object_get(row, "next_at")) > clock_now_ms() + 3500000);
    json_decref(d);

    /* The server comes back; the due message is delivered, once. */
    srv.cfg.smtp_retry_ms = 0;
    {
        /* Make it due again the way time would: a zero backoff re-marks it. */
        struct db *db = NULL;
        struct ep_error err = {0};
        assert_int_equal(db_open(srv.app.db_path, &db, &err), EP_OK);
        assert_int_equal(sqlite3_exec(db_handle(db),
                                      "UPDATE comms_outbox SET next_at = 0 WHERE status = 'queued'",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        db_close(db);
    }
    sink_start(&sink, port);
    j = deliver_now();
    assert_int_equal(json_integer_value(json_object_get(j, "sent")), 1);
    json_decref(j);
    all = sink_messages(&sink);
    assert_non_null(message_to(all, "bruno@test.fr"));
    json_decref(all);
    d = delivery("c-3");
    row = json_array_get(json_object_get(d, "outbox"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "status")), "sent");
    assert_int_equal(json_integer_value(json_object_get(row, "attempts")), 3);
    json_decref(d);
    j = deliver_now();
    assert_int_equal(json_integer_value(json_object_get(j, "sent")), 0);
    json_decref(j);
    sink_stop(&sink);
}

static void too_large_nothing_queued(void **state)
{
    struct support_resp r;
    json_t *d;
    char *big = malloc(9000), *value = NULL;
    (void)state;

    memset(big, 'x', 8999);
    big[8999] = '\0';
    assert_true(asprintf(&value, "\"%s\"", big) > 0);
    comm_set("c-4", "title", "\"Très long\"");
    comm_set("c-4", "text", value);
    comm_set("c-4", "target", "{\"members\":[\"m-van\"]}");
    srv.cfg.smtp_max_bytes = 8192;
    office_req("POST", "/api/v1/productions/p1/communications/c-4/send", NULL, &r);
    support_assert_error(&r, 413, "attachment_too_large");
    assert_non_null(strstr(r.body, "8192"));
    support_resp_free(&r);
    srv.cfg.smtp_max_bytes = 10 * 1024 * 1024;
    d = delivery("c-4");
    assert_int_equal(json_array_size(json_object_get(d, "outbox")), 0);
    json_decref(d);
    /* Not marked sent either: the record was left as it was. */
    office_req("GET", "/api/v1/productions/p1/communications/c-4/signed", NULL, &r);
    assert_int_equal(r.status, 404);
    support_resp_free(&r);
    free(value);
    free(big);
}

static void receipts_and_questions(void **state)
{
    json_t *ack, *d, *q;
    (void)state;

    /* Bruno's phone: read, then "compris", then a question. */
    ack = push_fact(&van, "receipts", "rc-1",
                    "{\"communication\":\"c-3\",\"member\":\"m-van\",\"kind\":\"read\"}");
    assert_string_equal(json_string_value(json_object_get(ack, "status")), "applied");
    json_decref(ack);
    ack = push_fact(&van, "receipts", "rc-2",
                    "{\"communication\":\"c-3\",\"member\":\"m-van\",\"kind\":\"ack\"}");
    json_decref(ack);
    /* Nobody acknowledges for someone else. */
    ack = push_fact(&van, "receipts", "rc-3",
                    "{\"communication\":\"c-1\",\"member\":\"m-cook\",\"kind\":\"ack\"}");
    assert_string_not_equal(json_string_value(json_object_get(ack, "status")), "applied");
    json_decref(ack);
    ack = push_fact(&van, "receipts", "rc-4",
                    "{\"communication\":\"c-1\",\"member\":\"m-van\",\"kind\":\"liked\"}");
    assert_string_not_equal(json_string_value(json_object_get(ack, "status")), "applied");
    json_decref(ack);
    ack = push_fact(&van, "questions", "q-1",
                    "{\"communication\":\"c-3\",\"member\":\"m-van\",\"text\":\"Et les "
                    "gourdes cassées ?\"}");
    assert_string_equal(json_string_value(json_object_get(ack, "status")), "applied");
    json_decref(ack);
    /* The office answers; the answer names the question and its asker. */
    ack = push_fact(NULL, "questions", "q-2",
                    "{\"communication\":\"c-3\",\"member\":\"m-van\",\"answers\":\"q-1\","
                    "\"text\":\"Au bac recyclage.\"}");
    assert_string_equal(json_string_value(json_object_get(ack, "status")), "applied");
    json_decref(ack);

    d = delivery("c-3");
    assert_true(json_is_true(json_object_get(person(d, "m-van"), "read")));
    assert_true(json_is_true(json_object_get(person(d, "m-van"), "acknowledged")));
    q = json_object_get(d, "questions");
    assert_int_equal(json_array_size(q), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(q, 1), "answers")), "q-1");
    json_decref(d);
    /* c-1 was never sent: nobody reached, nobody acknowledged. */
    d = delivery("c-1");
    assert_int_equal(json_array_size(json_object_get(d, "not_reached")), 4);
    assert_true(json_is_false(json_object_get(person(d, "m-van"), "acknowledged")));
    json_decref(d);
}

/* Sets one field of record (col, id) as the office. */
static void rec_set(const char *col, const char *id, const char *field, const char *value_json)
{
    struct support_resp r;
    char *body = NULL;
    assert_true(asprintf(&body, "{\"col\":\"%s\",\"id\":\"%s\",\"field\":\"%s\",\"value\":%s}", col,
                         id, field, value_json) > 0);
    office_req("POST", "/api/v1/sync/resolve", body, &r);
    if (r.status != 200)
        fail_msg("set %s/%s.%s: %ld %s", col, id, field, r.status, r.body);
    support_resp_free(&r);
    free(body);
}

/* GETs path as the office into dir/name; returns the response (caller frees). */
static void fetch_to(const char *path, const char *name, char *file, size_t flen,
                     struct support_resp *r)
{
    FILE *f;
    office_req("GET", path, NULL, r);
    snprintf(file, flen, "%s/%s", srv.dir, name);
    f = fopen(file, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r->body, 1, r->len, f), r->len);
    fclose(f);
}

/* Checks a PDF the way the export tests do: valid, tagged, titled, French. */
static void pdf_is_accessible(const char *file, const char *title)
{
    char cmd[1024], *txt;
    const char *tagged;
    snprintf(cmd, sizeof(cmd), "qpdf --check %s 2>&1", file);
    txt = support_run(cmd);
    assert_non_null(strstr(txt, "No syntax or stream encoding errors"));
    free(txt);
    snprintf(cmd, sizeof(cmd), "pdfinfo %s", file);
    txt = support_run(cmd);
    tagged = strstr(txt, "Tagged:");
    if (tagged != NULL)
        for (tagged += 7; *tagged == ' ';)
            tagged++;
    if (tagged == NULL || strncmp(tagged, "yes", 3) != 0 || strstr(txt, title) == NULL)
        fail_msg("not tagged or title '%s' not in:\n%s", title, txt);
    free(txt);
    snprintf(cmd, sizeof(cmd), "qpdf --show-object=trailer %s", file);
    txt = support_run(cmd);
    {
        const char *root = strstr(txt, "/Root ");
        long obj;
        assert_non_null(root);
        obj = strtol(root + 6, NULL, 10);
        free(txt);
        snprintf(cmd, sizeof(cmd), "qpdf --show-object=%ld %s", obj, file);
        txt = support_run(cmd);
        assert_non_null(strstr(txt, "/Lang (fr-FR)"));
        assert_non_null(strstr(txt, "/StructTreeRoot"));
    }
    free(txt);
}

/* Height in points of the first word pdftotext finds in file. */
static double first_word_height(const char *file)
{
    char cmd[600], *txt;
    const char *w;
    double y0, y1;
    snprintf(cmd, sizeof(cmd), "pdftotext -bbox %s -", file);
    txt = support_run(cmd);
    w = strstr(txt, "<word ");
    assert_non_null(w);
    y0 = strtod(strstr(w, "yMin=\"") + 6, NULL);
    y1 = strtod(strstr(w, "yMax=\"") + 6, NULL);
    free(txt);
    return y1 - y0;
}

static void printed_spoken_and_callsheet(void **state)
{
    struct support_resp r;
    char file[512], cmd[1024], *txt;
    double normal, large;
    long ms = 0;
    (void)state;

    /* The flyer: tagged, titled, French, its pictogram with alt text. */
    comm_set("c-2", "falc", "\"Demain matin, on apprend à trier.\"");
    fetch_to("/api/v1/productions/p1/communications/c-2/flyer.pdf", "flyer.pdf", file, sizeof(file),
             &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "application/pdf"));
    support_resp_free(&r);
    pdf_is_accessible(file, "Briefing tri au barnum");
    snprintf(cmd, sizeof(cmd), "pdfinfo -struct %s", file);
    txt = support_run(cmd);
    assert_non_null(strstr(txt, "Figure"));
    assert_non_null(strstr(txt, "H1"));
    assert_non_null(strstr(txt, "H2"));
    free(txt);
    /* /Alt on the Figure element, as UTF-16 text ("Pictogramme"; qpdf
     * writes the hex in lower case). */
    snprintf(cmd, sizeof(cmd),
             "qpdf --qdf --object-streams=disable %s - | grep -a -B8 -A8 '/S /Figure' | grep -a "
             "-i -c '/Alt <FEFF0050006900630074006F006700720061006D006D0065'",
             file);
    txt = support_run(cmd);
    assert_true(strtol(txt, NULL, 10) >= 1);
    free(txt);
    txt = support_file_text(file, SUPPORT_TEXT_PDF);
    assert_non_null(strstr(txt, "Version facile à lire (FALC)"));
    assert_non_null(strstr(txt, "Demain matin, on apprend à trier."));
    assert_non_null(strstr(txt, "Message signé par la production"));
    /* When, where and how long, as the email says them. */
    assert_non_null(strstr(txt, "Où : Barnum cantine"));
    assert_non_null(strstr(txt, "Durée : 45 minutes"));
    free(txt);
    normal = first_word_height(file);
    /* Large print: the same flyer, type half as big again. */
    fetch_to("/api/v1/productions/p1/communications/c-2/flyer.pdf?large=1", "large.pdf", file,
             sizeof(file), &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    pdf_is_accessible(file, "Briefing tri au barnum");
    large = first_word_height(file);
    assert_true(large > normal * 1.4);
    office_req("GET", "/api/v1/productions/p1/communications/nope/flyer.pdf", NULL, &r);
    support_assert_error(&r, 404, "not_found");
    support_resp_free(&r);
    /* The preview's page pictures: PNGs of an A4 page, portrait. */
    office_req("GET", "/api/v1/productions/p1/communications/c-2/flyer.png?large=1", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "image/png"));
    assert_memory_equal(r.body, "\x89PNG", 4);
    {
        const unsigned char *b = (const unsigned char *)r.body;
        unsigned w = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
        unsigned hgt = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
        assert_true(w > 300 && hgt > w * 13 / 10); /* 60 dpi, A4 is 1.41 tall */
    }
    support_resp_free(&r);

    /* Audio: a French WAV that decodes, for the standard and FALC texts. */
    office_req("GET", "/api/v1/productions/p1/communications/c-2/audio.wav?variant=falc", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "audio/wav"));
    assert_memory_equal(r.body, "RIFF", 4);
    assert_int_equal(audio_wav_duration(r.body, r.len, &ms), EP_OK);
    assert_true(ms > 500);
    support_resp_free(&r);
    fetch_to("/api/v1/productions/p1/communications/c-2/audio.wav", "c2.wav", file, sizeof(file),
             &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    /* An independent decoder agrees: Python's wave module reads the frames. */
    snprintf(cmd, sizeof(cmd),
             "/usr/bin/python3 -c \"import wave,sys; w=wave.open(sys.argv[1]); "
             "n=w.getnframes(); assert n > 0 and len(w.readframes(n)) > 0; "
             "print(n / w.getframerate())\" %s",
             file);
    txt = support_run(cmd);
    assert_true(strtod(txt, NULL) > 1.0);
    free(txt);
    office_req("GET", "/api/v1/productions/p1/communications/c-3/audio.wav?variant=falc", NULL, &r);
    support_assert_error(&r, 404, "not_found"); /* nobody wrote it: not generated */
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/communications/c-2/audio.wav?variant=loud", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "variant");
    support_resp_free(&r);

    /* The call sheet's eco block, in HTML and in PDF. */
    comm_set("c-1", "callsheet", "true");
    rec_set("actions", "a-1", "title", "\"Gourdes pour toute l'équipe\"");
    rec_set("actions", "a-1", "status", "\"in_progress\"");
    rec_set("actions", "a-1", "dept", "\"regie\"");
    office_req("GET", "/api/v1/productions/p1/callsheet/eco?date=2026-12-01", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "text/html"));
    assert_non_null(strstr(r.body, "<html lang=\"fr\">"));
    assert_non_null(strstr(r.body, "<td>08:30</td><td>Briefing tri au barnum</td>"));
    assert_non_null(strstr(r.body, "Gourdes pour toute l&#39;équipe (regie)"));
    /* c-1 asks for the call sheet but was never sent: it is not there. */
    assert_null(strstr(r.body, "<script>"));
    assert_null(strstr(r.body, "Tri &lt;script&gt;"));
    assert_null(strstr(r.body, "Il y a 5 poubelles."));
    assert_non_null(strstr(r.body, "Aline"));
    support_resp_free(&r);
    /* c-2 was signed and sent: once it asks for the call sheet, its FALC
     * text is what shows (read in a hurry). */
    comm_set("c-2", "callsheet", "true");
    office_req("GET", "/api/v1/productions/p1/callsheet/eco?date=2026-12-01", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Demain matin, on apprend à trier."));
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/callsheet/eco?date=2026-12-02", NULL, &r);
    assert_non_null(strstr(r.body, "Aucun rendez-vous prévu."));
    support_resp_free(&r);
    /* In the reader's language: the sheet's own words, not the office's. */
    office_req("GET", "/api/v1/productions/p1/callsheet/eco?date=2026-12-01&lang=en", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<html lang=\"en\">"));
    assert_non_null(strstr(r.body, "<th scope=\"col\">Time</th>"));
    assert_non_null(strstr(r.body, "<td>08:30</td><td>Briefing tri au barnum</td>"));
    assert_null(strstr(r.body, "Rendez-vous"));
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/callsheet/eco?date=2026-12-02&lang=en", NULL, &r);
    assert_non_null(strstr(r.body, "No appointment planned."));
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/callsheet/eco?date=2026-12-02&lang=de", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "lang");
    support_resp_free(&r);
    fetch_to("/api/v1/productions/p1/callsheet/eco?date=2026-12-01&format=pdf", "sheet.pdf", file,
             sizeof(file), &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    pdf_is_accessible(file, "feuille de service du mardi 1er décembre 2026");
    txt = support_file_text(file, SUPPORT_TEXT_PDF);
    assert_non_null(strstr(txt, "Briefing tri au barnum"));
    free(txt);
    office_req("GET", "/api/v1/productions/p1/callsheet/eco?date=2026-12-01&format=png", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body, "\x89PNG", 4);
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/callsheet/eco?date=2026-12-01&format=gif", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "format");
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/callsheet/eco?date=2026-13-01", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "date");
    support_resp_free(&r);
    office_req("GET", "/api/v1/productions/p1/callsheet/eco?date=2026-12-01&format=doc", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "format");
    support_resp_free(&r);
    /* Crew read it too, from their phone. */
    support_phone_request(&van, srv.base, "GET", "/api/v1/productions/p1/callsheet/eco",
                          "date=2026-12-01", NULL, -1, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
}

/* The worker thread delivers on its own, woken by the send. */
static void worker_delivers(void **state)
{
    struct support_resp r;
    json_t *d = NULL, *all = NULL;
    int sent = 0;
    (void)state;

    sink_start(&sink, free_port());
    snprintf(srv.cfg.smtp_url, sizeof(srv.cfg.smtp_url), "smtp://127.0.0.1:%d", sink.port);
    outbox_stop(&srv.app);
    srv.cfg.smtp_poll_ms = 60000; /* only the kick can make it this fast */
    assert_int_equal(outbox_start(&srv.app), EP_OK);
    comm_set("c-5", "title", "\"Covoiturage\"");
    comm_set("c-5", "text", "\"Départ groupé à 7 h.\"");
    comm_set("c-5", "target", "{\"members\":[\"m-admin\"]}");
    office_req("POST", "/api/v1/productions/p1/communications/c-5/send", NULL, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    for (int i = 0; i < 100 && !sent; i++) {
        support_sleep_us(100000);
        json_decref(d);
        d = delivery("c-5");
        sent = strcmp(json_string_value(json_object_get(
                          json_array_get(json_object_get(d, "outbox"), 0), "status")),
                      "sent") == 0;
    }
    assert_true(sent);
    json_decref(d);
    all = sink_messages(&sink);
    assert_non_null(message_to(all, "aline@test.fr"));
    json_decref(all);
    outbox_stop(&srv.app);
    srv.cfg.smtp_poll_ms = 0;
    assert_int_equal(outbox_start(&srv.app), EP_OK);
    sink_stop(&sink);
}

/* With a password to send, a server without STARTTLS gets nothing. */
static void credentials_need_tls(void **state)
{
    struct support_resp r;
    json_t *j, *d, *row, *all;
    (void)state;

    sink_start(&sink, free_port());
    snprintf(srv.cfg.smtp_url, sizeof(srv.cfg.smtp_url), "smtp://127.0.0.1:%d", sink.port);
    snprintf(srv.cfg.smtp_user, sizeof(srv.cfg.smtp_user), "eco");
    snprintf(srv.cfg.smtp_password, sizeof(srv.cfg.smtp_password), "secret");
    comm_set("c-6", "title", "\"Vaisselle\"");
    comm_set("c-6", "text", "\"Pas de gobelets jetables.\"");
    comm_set("c-6", "target", "{\"members\":[\"m-admin\"]}");
    office_req("POST", "/api/v1/productions/p1/communications/c-6/send", NULL, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    j = deliver_now();
    assert_int_equal(json_integer_value(json_object_get(j, "sent")), 0);
    assert_int_equal(json_integer_value(json_object_get(j, "retry")), 1);
    json_decref(j);
    d = delivery("c-6");
    row = json_array_get(json_object_get(d, "outbox"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "status")), "queued");
    assert_true(strlen(json_string_value(json_object_get(row, "last_error"))) > 0);
    json_decref(d);
    all = sink_messages(&sink);
    {
        size_t i;
        json_t *m;
        json_array_foreach(all, i, m)
            assert_string_not_equal(json_string_value(json_object_get(m, "subject")), "Vaisselle");
    }
    json_decref(all);
    srv.cfg.smtp_user[0] = '\0';
    srv.cfg.smtp_password[0] = '\0';
    sink_stop(&sink);
}

/* Runs sql on the server's database file (WAL: the server sees it at once). */
static void on_db(const char *sql)
{
    struct ep_error err = {0};
    struct db *db = NULL;
    if (db_open(srv.app.db_path, &db, &err) != EP_OK)
        fail_msg("open: %s", err.message);
    assert_int_equal(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL), SQLITE_OK);
    db_close(db);
}

/* Inviting someone by email sends them the join link through the outbox,
 * the link the office also gets in the answer. */
static void join_invitation_is_emailed(void **state)
{
    struct support_resp r;
    json_t *j, *all, *m, *p;
    char link[256];
    (void)state;

    on_db("UPDATE member SET role = 'admin' WHERE id = 'm-admin'");
    sink_start(&sink, free_port());
    snprintf(srv.cfg.smtp_url, sizeof(srv.cfg.smtp_url), "smtp://127.0.0.1:%d", sink.port);
    office_req("POST", "/api/v1/productions/p1/members",
               "{\"name\":\"Lou <b>\",\"department\":\"regie\",\"role\":\"crew\","
               "\"email\":\"lou.join@test.fr\"}",
               &r);
    if (r.status != 201)
        fail_msg("invite: %ld %s", r.status, r.body);
    j = support_resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "mail")), "queued");
    snprintf(link, sizeof(link), "%s", json_string_value(json_object_get(j, "join_link")));
    assert_non_null(strstr(link, "/#join="));
    assert_non_null(strstr(link, "&lang=fr"));
    assert_string_equal(json_string_value(json_object_get(j, "language")), "fr");
    json_decref(j);
    support_resp_free(&r);
    j = deliver_now();
    assert_true(json_integer_value(json_object_get(j, "sent")) >= 1);
    json_decref(j);
    all = sink_messages(&sink);
    m = message_to(all, "lou.join@test.fr");
    assert_non_null(m);
    assert_non_null(strstr(json_string_value(json_object_get(m, "subject")), "Film"));
    p = part(m, "text/plain", NULL);
    assert_non_null(p);
    assert_non_null(strstr(json_string_value(json_object_get(p, "content")), link));
    p = part(m, "text/html", NULL);
    assert_non_null(p);
    assert_non_null(strstr(json_string_value(json_object_get(p, "content")), "Lou &lt;b&gt;"));
    /* The words are the text files' (email.join.*), in French: the
     * inviting office has no language setting, so French. */
    assert_non_null(strstr(json_string_value(json_object_get(p, "content")),
                           "<p>Bonjour Lou &lt;b&gt;,</p><p>Vous êtes invité·e à rejoindre la "
                           "production « "));
    assert_non_null(
        strstr(json_string_value(json_object_get(p, "content")), "</a> (valable jusqu’au "));
    assert_non_null(strstr(json_string_value(json_object_get(m, "subject")), "Invitation : "));
    assert_string_equal(json_string_value(json_object_get(m, "content_language")), "fr");
    p = part(m, "text/plain", NULL);
    assert_non_null(strstr(json_string_value(json_object_get(p, "content")),
                           "Bonjour Lou <b>,\n\nVous êtes invité·e à rejoindre la production « "));
    json_decref(all);
    srv.cfg.smtp_url[0] = '\0';
    sink_stop(&sink);
    on_db("UPDATE member SET role = 'eco_referent' WHERE id = 'm-admin'");
}

/* A POST members answered 400 invalid_request naming field. */
static void member_refused(const char *body, const char *field)
{
    struct support_resp r;
    json_t *j, *e;

    office_req("POST", "/api/v1/productions/p1/members", body, &r);
    if (r.status != 400)
        fail_msg("expected 400 for %s: %ld %s", body, r.status, r.body);
    j = support_resp_json(&r);
    e = json_object_get(j, "error");
    assert_non_null(json_string_value(json_object_get(e, "code")));
    assert_string_equal(json_string_value(json_object_get(e, "code")), "invalid_request");
    if (json_string_value(json_object_get(e, "field")) == NULL)
        fail_msg("no field named: %s", r.body);
    assert_string_equal(json_string_value(json_object_get(e, "field")), field);
    json_decref(j);
    support_resp_free(&r);
}

/* The long English day of the UTC date at ms + 7 days into buf. */
static void english_last_day(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000 + 7 * 24 * 3600);
    struct tm tm;
    char iso[16];

    gmtime_r(&t, &tm);
    strftime(iso, sizeof(iso), "%Y-%m-%d", &tm);
    assert_non_null(fmt_date(buf, len, iso, FMT_DATE_LONG, "en"));
}

/* The office invites in English: the email is English through and through
 * (words, date, language headers), the link asks the page for English, and
 * any other language is refused before anyone is created. */
static void join_invitation_in_english(void **state)
{
    static const char *const french[] = {"Bonjour", "Vous ",   "invité",  "Ouvrez",   "valable",
                                         "jusqu",   "Si vous", "ignorez", "décembre", "lundi"};
    struct support_resp r;
    json_t *j, *all, *m, *p;
    char link[256], day_before[FMT_MAX], day_after[FMT_MAX], want[160];
    const char *text, *html;
    int64_t before;
    (void)state;

    on_db("UPDATE member SET role = 'admin' WHERE id = 'm-admin'");
    sink_start(&sink, free_port());
    snprintf(srv.cfg.smtp_url, sizeof(srv.cfg.smtp_url), "smtp://127.0.0.1:%d", sink.port);
    member_refused("{\"name\":\"Kim\",\"department\":\"regie\",\"role\":\"crew\","
                   "\"email\":\"kim.join@test.fr\",\"language\":\"de\"}",
                   "language");
    member_refused("{\"name\":\"Kim\",\"department\":\"regie\",\"role\":\"crew\","
                   "\"email\":\"kim.join@test.fr\",\"language\":\"EN\"}",
                   "language");
    member_refused("{\"name\":\"Kim\",\"department\":\"regie\",\"role\":\"crew\","
                   "\"email\":\"kim.join@test.fr\",\"language\":\"\"}",
                   "language");
    member_refused("{\"name\":\"Kim\",\"department\":\"regie\",\"role\":\"crew\","
                   "\"email\":\"kim.join@test.fr\",\"language\":1}",
                   "language");
    member_refused("{\"name\":\"Kim\",\"department\":\"regie\",\"role\":\"crew\","
                   "\"email\":\"kim.join@test.fr\",\"language\":null}",
                   "language");
    member_refused("{\"name\":\"Kim\",\"department\":\"regie\",\"role\":\"crew\","
                   "\"language\":\"en\"}",
                   "language");
    /* Nothing was created nor queued by the refusals: the address is free. */
    before = clock_now_ms();
    english_last_day(before, day_before, sizeof(day_before));
    office_req("POST", "/api/v1/productions/p1/members",
               "{\"name\":\"Kim\",\"department\":\"regie\",\"role\":\"crew\","
               "\"email\":\"kim.join@test.fr\",\"language\":\"en\"}",
               &r);
    if (r.status != 201)
        fail_msg("invite: %ld %s", r.status, r.body);
    english_last_day(clock_now_ms(), day_after, sizeof(day_after));
    j = support_resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "language")), "en");
    snprintf(link, sizeof(link), "%s", json_string_value(json_object_get(j, "join_link")));
    assert_non_null(strstr(link, "/#join="));
    assert_non_null(strstr(link, "&lang=en"));
    json_decref(j);
    support_resp_free(&r);
    j = deliver_now();
    assert_true(json_integer_value(json_object_get(j, "sent")) >= 1);
    json_decref(j);
    all = sink_messages(&sink);
    m = message_to(all, "kim.join@test.fr");
    assert_non_null(m);
    assert_true(strncmp(json_string_value(json_object_get(m, "subject")), "Invitation: ", 12) == 0);
    assert_string_equal(json_string_value(json_object_get(m, "content_language")), "en");
    p = part(m, "text/plain", NULL);
    assert_non_null(p);
    text = json_string_value(json_object_get(p, "content"));
    assert_non_null(strstr(text, "Hello Kim,\n\nYou are invited to join the production “"));
    assert_non_null(strstr(text, link));
    /* The last day as English writes it ("Monday 14 December 2026"). */
    snprintf(want, sizeof(want), "Open this link (valid until %s):", day_before);
    if (strstr(text, want) == NULL) {
        snprintf(want, sizeof(want), "Open this link (valid until %s):", day_after);
        assert_non_null(strstr(text, want));
    }
    p = part(m, "text/html", NULL);
    assert_non_null(p);
    html = json_string_value(json_object_get(p, "content"));
    assert_non_null(strstr(html, "<html lang=\"en\">"));
    assert_non_null(strstr(html, "</a> (valid until "));
    assert_non_null(strstr(html, "If you were not expecting this invitation"));
    for (size_t i = 0; i < sizeof(french) / sizeof(french[0]); i++) {
        if (strstr(text, french[i]) != NULL || strstr(html, french[i]) != NULL)
            fail_msg("French \"%s\" in the English invitation:\n%s", french[i], text);
    }
    json_decref(all);
    srv.cfg.smtp_url[0] = '\0';
    sink_stop(&sink);
    on_db("UPDATE member SET role = 'eco_referent' WHERE id = 'm-admin'");
}

/* The message for address about subject (borrowed from all), or NULL: a
 * sink restarted in the same directory numbers its files from 1 again. */
static json_t *message_about(json_t *all, const char *address, const char *subject)
{
    size_t i;
    json_t *m;
    json_array_foreach(all, i, m)
    {
        const char *to = json_string_value(json_array_get(json_object_get(m, "rcpt_tos"), 0));
        const char *sub = json_string_value(json_object_get(m, "subject"));
        if (to != NULL && sub != NULL && strcmp(to, address) == 0 && strcmp(sub, subject) == 0)
            return m;
    }
    return NULL;
}

static const char *content(json_t *m, const char *type, const char *filename)
{
    json_t *p = part(m, type, filename);
    if (p == NULL)
        fail_msg("no %s part %s", type, filename != NULL ? filename : "");
    return json_string_value(json_object_get(p, "content"));
}

/*
 * In each recipient's language: Bruno reads English (his own choice), Aline
 * French. With an English version written, Bruno's email, subject,
 * invitation, flyer and audio are English; both texts are signed; without
 * one, his copy says so in English.
 */
static void english_version(void **state)
{
    struct support_resp r;
    json_t *all, *m, *j, *payload = NULL;
    struct ep_error why = {0};
    char out[2048];
    (void)state;

    comm_set("c-en", "title", "\"Navette du matin\"");
    comm_set("c-en", "text", "\"Départ du parking à 7 h.\\n\\nSoyez à l'heure.\"");
    comm_set("c-en", "title_en", "\"Morning shuttle\"");
    comm_set("c-en", "text_en", "\"Leaves the car park at 7.\\n\\nPlease be on time.\"");
    comm_set("c-en", "kind", "\"briefing\"");
    comm_set("c-en", "starts_at", "\"2026-12-01T08:30\"");
    comm_set("c-en", "duration_min", "45");
    comm_set("c-en", "location", "\"Barnum cantine\"");
    comm_set("c-en", "target", "{\"members\":[\"m-van\",\"m-admin\"]}");
    /* Bruno needs the audio too: it is spoken in English. */
    prefs("m-van", "{\"needs\":[\"large_print\",\"audio\"]}", 200);
    office_req("POST", "/api/v1/productions/p1/communications/c-en/send", NULL, &r);
    if (r.status != 200)
        fail_msg("send: %ld %s", r.status, r.body);
    j = support_resp_json(&r);
    support_resp_free(&r);
    /* Both languages are vouched for by the one signature. */
    assert_int_equal(comms_verify(json_object_get(j, "signed"), &payload, &why), EP_OK);
    assert_string_equal(json_string_value(json_object_get(payload, "text_en")),
                        "Leaves the car park at 7.\n\nPlease be on time.");
    assert_string_equal(json_string_value(json_object_get(payload, "title_en")), "Morning shuttle");
    assert_string_equal(json_string_value(json_object_get(payload, "text")),
                        "Départ du parking à 7 h.\n\nSoyez à l'heure.");
    json_decref(payload);
    json_decref(j);

    sink_start(&sink, free_port());
    snprintf(srv.cfg.smtp_url, sizeof(srv.cfg.smtp_url), "smtp://127.0.0.1:%d", sink.port);
    json_decref(deliver_now());
    all = sink_messages(&sink);
    m = message_about(all, "bruno@test.fr", "Morning shuttle");
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "content_language")), "en");
    assert_non_null(strstr(content(m, "text/plain", NULL), "Leaves the car park at 7."));
    assert_null(strstr(content(m, "text/plain", NULL), "Départ du parking"));
    assert_null(strstr(content(m, "text/plain", NULL), "not been translated"));
    assert_non_null(strstr(content(m, "text/html", NULL), "<html lang=\"en\">"));
    /* The invitation's summary and description in English, read back by
     * a second parser. */
    ics_read_back(content(m, "text/calendar", "invitation.ics"), out, sizeof(out));
    assert_non_null(strstr(out, "SUMMARY Morning shuttle\n"));
    assert_non_null(strstr(out, "TZID Europe/Paris\n"));
    assert_non_null(part(m, "application/pdf", "flyer.pdf"));
    assert_non_null(part(m, "audio/wav", "message.wav"));
    /* Aline reads French: the office's French. */
    m = message_about(all, "aline@test.fr", "Navette du matin");
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "content_language")), "fr");
    assert_non_null(strstr(content(m, "text/plain", NULL), "Départ du parking à 7 h."));
    assert_null(strstr(content(m, "text/plain", NULL), "car park"));
    json_decref(all);
    sink_stop(&sink);
    srv.cfg.smtp_url[0] = '\0';

    /* The audio route speaks the listener's version. */
    {
        office_req("GET", "/api/v1/productions/p1/communications/c-en/audio.wav?lang=de", NULL, &r);
        assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "lang");
        support_resp_free(&r);
        office_req("GET", "/api/v1/productions/p1/communications/c-en/audio.wav?lang=en", NULL, &r);
        assert_int_equal(r.status, 200);
        assert_true(r.len > 44 && memcmp(r.body, "RIFF", 4) == 0);
        support_resp_free(&r);
    }
    prefs("m-van", "{\"needs\":[\"falc\",\"large_print\"]}", 200);
}

/*
 * Bad input: a line break in a field that becomes an email header (the
 * titles, the Subject:; the address, To:) is refused naming the field,
 * before anything is queued, whether it comes from the office or a phone.
 */
static void header_bound_fields_refused(void **state)
{
    struct support_resp r;
    json_t *d, *ack;
    const char *reason;
    (void)state;

    comm_set("c-crlf", "title", "\"Tri\\r\\nBcc: all@test.fr\"");
    comm_set("c-crlf", "text", "\"Cinq bacs.\"");
    comm_set("c-crlf", "target", "{\"members\":[\"m-admin\",\"m-van\"]}");
    office_req("GET", "/api/v1/productions/p1/communications/c-crlf/preview", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "title");
    support_resp_free(&r);
    office_req("POST", "/api/v1/productions/p1/communications/c-crlf/send", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "title");
    support_resp_free(&r);
    comm_set("c-crlf", "title", "\"Tri au barnum\"");
    comm_set("c-crlf", "title_en", "\"Sorting\\nBcc: all@test.fr\"");
    office_req("POST", "/api/v1/productions/p1/communications/c-crlf/send", NULL, &r);
    assert_string_equal(support_assert_error(&r, 400, "invalid_request"), "title_en");
    support_resp_free(&r);
    /* Nothing queued, nothing signed. */
    d = delivery("c-crlf");
    assert_int_equal(json_array_size(json_object_get(d, "outbox")), 0);
    json_decref(d);
    {
        json_t *rec = NULL;
        struct db *db = NULL;
        struct ep_error why = {0};
        assert_int_equal(db_open(srv.app.db_path, &db, &why), EP_OK);
        assert_int_equal(sync_record_get(db, "p1", "communications", "c-crlf", &rec), EP_OK);
        assert_null(json_object_get(rec, "signed"));
        json_decref(rec);
        db_close(db);
    }
    /* From a phone: the person's own address or number, refused by the
     * sync with the field named, not applied. */
    ack = push_op(&van, "preferences", "self-m-van", "put",
                  "{\"email\":\"bruno@test.fr\\r\\nBcc: all@test.fr\"}");
    assert_string_not_equal(json_string_value(json_object_get(ack, "status")), "applied");
    reason = json_string_value(json_object_get(ack, "reason"));
    assert_non_null(reason);
    assert_non_null(strstr(reason, "email"));
    json_decref(ack);
    ack = push_op(&van, "preferences", "self-m-van", "put", "{\"phone\":\"06 12 ab 56\"}");
    assert_string_not_equal(json_string_value(json_object_get(ack, "status")), "applied");
    reason = json_string_value(json_object_get(ack, "reason"));
    assert_non_null(reason);
    assert_non_null(strstr(reason, "phone"));
    json_decref(ack);
}

/* A request of office session o on the demo production. */
static void demo_req(const struct support_office *o, const char *method, const char *path,
                     const char *body, struct support_resp *out)
{
    char url[512];
    const char *headers[] = {o->cookie, o->csrf, "X-EP-Production: p-loue-2026", NULL};
    snprintf(url, sizeof(url), "%s%s", o->base, path);
    support_http(method, url, headers, body, -1, out);
}

static json_t *demo_json(const struct support_office *o, const char *path)
{
    struct support_resp r;
    json_t *j;
    demo_req(o, "GET", path, NULL, &r);
    if (r.status != 200)
        fail_msg("GET %s: %ld %s", path, r.status, r.body);
    j = support_resp_json(&r);
    support_resp_free(&r);
    return j;
}

/*
 * The demo really sends one briefing, through the office's send path: its
 * outbox holds true deliveries (queued while no SMTP server is configured,
 * never "delivered"), the audit records the send, a demo phone receives
 * the envelope and it verifies against the production key; once an SMTP
 * server is there, Nour gets the English version, Marie the FALC version
 * and the audio, each with an invitation a second parser reads.
 */
static void demo_sends_for_real(void **state)
{
    struct support_server d;
    struct support_office o;
    struct support_phone nour;
    struct support_resp r;
    struct sink ds;
    struct ep_error err = {0};
    char out[2048];
    const char *key_pk;
    json_t *j, *x, *env = NULL, *payload = NULL, *all, *m;
    size_t i;
    int sends = 0, queued = 0;
    (void)state;

    memset(&d, 0, sizeof(d));
    support_tmpdir(d.dir);
    config_defaults(&d.cfg);
    d.cfg.port = 0;
    d.cfg.threads = 4;
    d.cfg.demo = 1;
    d.cfg.smtp_poll_ms = 0;
    d.cfg.smtp_retry_ms = 0;
    d.cfg.log_level = LOG_LEVEL_ERROR;
    snprintf(d.cfg.data_dir, sizeof(d.cfg.data_dir), "%s/data", d.dir);
    snprintf(d.cfg.pwa_dir, sizeof(d.cfg.pwa_dir), "%s/pwa", EP_SOURCE_DIR);
    snprintf(d.cfg.smtp_from, sizeof(d.cfg.smtp_from), "eco@production.test");
    assert_int_equal(cmd_prepare(&d.app, &d.cfg), EP_OK);
    if (server_start(&d.app, &err) != EP_OK)
        fail_msg("demo server: %s", err.message);
    snprintf(d.base, sizeof(d.base), "http://127.0.0.1:%d", d.app.port);
    support_office_login(&o, d.base, SEED_DEMO_LOGIN);
    /* As on a restart with --demo: what was sent is not sent again (the
     * counts below would double). */
    {
        struct db *db = dbpool_get(d.app.pool, 5000);
        assert_non_null(db);
        assert_int_equal(seed_send(&d.app, db, clock_now_ms(), &err), EP_OK);
        dbpool_put(d.app.pool, db);
    }

    /* The outbox: one email per person who chose email, queued, none sent. */
    j = demo_json(&o, "/api/v1/productions/p-loue-2026/communications/com-cantine/delivery");
    assert_string_equal(json_string_value(json_object_get(j, "smtp")), "not_configured");
    json_array_foreach(json_object_get(j, "outbox"), i, x)
    {
        assert_string_equal(json_string_value(json_object_get(x, "status")), "queued");
        queued++;
    }
    assert_int_equal(queued, 6);
    x = json_object_get(person(j, "m-marie"), "per_channel");
    assert_string_equal(json_string_value(json_object_get(json_object_get(x, "audio"), "status")),
                        "attached");
    assert_string_equal(json_string_value(json_object_get(json_object_get(x, "email"), "opened")),
                        "not_measured");
    x = json_object_get(person(j, "m-nour"), "per_channel");
    assert_string_equal(json_string_value(json_object_get(json_object_get(x, "email"), "status")),
                        "queued");
    assert_string_equal(json_string_value(json_object_get(json_object_get(x, "app"), "status")),
                        "delivered_when_synced");
    json_decref(j);
    /* The audit names the send. */
    j = demo_json(&o, "/api/v1/productions/p-loue-2026/audit");
    {
        json_t *events = json_is_array(j) ? j : json_object_get(j, "events");
        json_array_foreach(events, i, x) if (strcmp(json_string_value(json_object_get(x, "event")),
                                                    "comms.send") == 0 &&
                                             strstr(json_string_value(json_object_get(x, "detail")),
                                                    "com-cantine") != NULL) sends++;
    }
    assert_int_equal(sends, 1);
    json_decref(j);

    /* Nour's phone receives it signed, and the signature holds against the
     * production key the phone pins, over both languages. */
    j = demo_json(&o, "/api/v1/productions/p-loue-2026/key");
    key_pk = json_string_value(json_object_get(j, "public_key"));
    assert_non_null(key_pk);
    support_phone_init(&nour, "d-demo-nour");
    support_phone_request(&nour, d.base, "GET",
                          "/api/v1/productions/p-loue-2026/communications/"
                          "com-cantine/signed",
                          NULL, NULL, -1, &r);
    assert_int_equal(r.status, 200);
    env = support_resp_json(&r);
    support_resp_free(&r);
    assert_int_equal(comms_verify(env, &payload, &err), EP_OK);
    assert_string_equal(json_string_value(json_object_get(env, "public_key")), key_pk);
    assert_string_equal(json_string_value(json_object_get(payload, "title_en")),
                        "Canteen: the last week without disposables");
    assert_non_null(json_string_value(json_object_get(payload, "falc")));
    json_decref(payload);
    json_decref(env);
    json_decref(j);

    /* An SMTP server comes up: the same queued rows go out. */
    memset(&ds, 0, sizeof(ds));
    support_tmpdir(ds.dir);
    sink_start(&ds, free_port());
    snprintf(d.cfg.smtp_url, sizeof(d.cfg.smtp_url), "smtp://127.0.0.1:%d", ds.port);
    demo_req(&o, "POST", "/api/v1/productions/p-loue-2026/outbox/deliver", NULL, &r);
    assert_int_equal(r.status, 200);
    j = support_resp_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "sent")), 6);
    json_decref(j);
    support_resp_free(&r);
    all = sink_messages(&ds);
    assert_int_equal(json_array_size(all), 6);
    /* Nour reads English: the English version, its invitation too. */
    m = message_about(all, "nour.benali@demo.ecoplateau.fr",
                      "Canteen: the last week without disposables");
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "content_language")), "en");
    assert_non_null(strstr(content(m, "text/plain", NULL), "No more disposable tableware"));
    ics_read_back(content(m, "text/calendar", "invitation.ics"), out, sizeof(out));
    assert_non_null(strstr(out, "SUMMARY Canteen: the last week without disposables\n"));
    assert_non_null(strstr(out, "MINUTES 15\n"));
    /* Marie needs FALC and audio: both, in French. */
    m = message_about(all, "marie.dubois@demo.ecoplateau.fr",
                      "Cantine : la dernière semaine sans jetable");
    assert_non_null(m);
    assert_non_null(strstr(content(m, "text/plain", NULL), "Version facile à lire"));
    assert_non_null(strstr(content(m, "text/plain", NULL), "Gardez votre gourde."));
    assert_true(
        strncmp(json_string_value(json_object_get(part(m, "audio/wav", "message.wav"), "base64")),
                "UklGR", 5) == 0);
    assert_null(part(message_about(all, "karim.haddad@demo.ecoplateau.fr",
                                   "Cantine : la dernière semaine sans jetable"),
                     "audio/wav", "message.wav"));
    json_decref(all);
    j = demo_json(&o, "/api/v1/productions/p-loue-2026/communications/com-cantine/delivery");
    x = json_object_get(person(j, "m-nour"), "per_channel");
    assert_string_equal(json_string_value(json_object_get(json_object_get(x, "email"), "status")),
                        "sent");
    json_decref(j);
    sink_stop(&ds);
    support_rmtree(ds.dir);
    server_stop(&d.app);
    support_rmtree(d.dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(targeting_and_preferences),
        cmocka_unit_test(email_to_smtp_server),
        cmocka_unit_test(english_version),
        cmocka_unit_test(header_bound_fields_refused),
        cmocka_unit_test(demo_sends_for_real),
        cmocka_unit_test(smtp_down_then_retried),
        cmocka_unit_test(too_large_nothing_queued),
        cmocka_unit_test(receipts_and_questions),
        cmocka_unit_test(printed_spoken_and_callsheet),
        cmocka_unit_test(worker_delivers),
        cmocka_unit_test(credentials_need_tls),
        cmocka_unit_test(join_invitation_is_emailed),
        cmocka_unit_test(join_invitation_in_english),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
