/*
 * test_hostile.c - hostile clients against the real server on loopback:
 * slow-loris connections are cut at the request timeout while others are
 * served, oversized headers are refused, traversal never leaves pwa/, and
 * SQL or script text in any field is stored and returned as inert data,
 * and JSON nested 1,000 deep (which overflowed a worker's stack in Jansson and
 * killed the process) is refused on every route that parses JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "clock.h"
#include "db.h"
#include "dbpool.h"
#include "err.h"
#include "gz.h"
#include "jsonin.h"
#include "seed.h"
#include "support.h"
#include "sync.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct support_server srv;
static struct support_phone ph;
static struct support_office office;

/* A connection from source address 127.0.0.<host>: the whole 127/8 is
 * loopback, so one test plays several clients. */
static int connect_from(int host)
{
    struct sockaddr_in a, src;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    memset(&src, 0, sizeof(src));
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl(INADDR_LOOPBACK - 1 + (uint32_t)host);
    assert_int_equal(bind(fd, (struct sockaddr *)&src, sizeof(src)), 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)srv.app.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

static int connect_raw(void)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)srv.app.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void slow_loris_is_cut_and_others_are_served(void **state)
{
    int fds[3];
    char url[128];
    struct support_resp r;
    double t0;
    (void)state;

    /* Three connections that never finish their headers. */
    for (int i = 0; i < 3; i++) {
        fds[i] = connect_raw();
        assert_int_equal(write(fds[i], "GET /api/v1/health HTTP/1.1\r\nX-Slow: ", 37), 37);
    }
    /* Meanwhile a normal client is served at once. */
    snprintf(url, sizeof(url), "%s/api/v1/health", srv.base);
    t0 = now_s();
    support_http("GET", url, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_true(now_s() - t0 < 2.0);
    support_resp_free(&r);
    /* The server closes the slow ones at its request timeout (2 s here). */
    for (int i = 0; i < 3; i++) {
        struct pollfd p = {fds[i], POLLIN, 0};
        char buf[512];
        assert_int_equal(poll(&p, 1, 8000), 1);
        assert_true(read(fds[i], buf, sizeof(buf)) >= 0); /* EOF or an error page */
        close(fds[i]);
    }
}

/*
 * The server runs here with ONE database connection. Phones on a bad link
 * trickle their push bodies; the body is read before a connection is
 * borrowed, so they hold worker threads only and everyone else is served.
 */
static void trickled_bodies_hold_no_database_connection(void **state)
{
    static const char head[] = "POST /api/v1/sync/push HTTP/1.1\r\nHost: x\r\n"
                               "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                               "{\"schema\":";
    int fds[2];
    char url[128];
    double t0;
    (void)state;

    assert_int_equal(dbpool_size(srv.app.pool), 1);
    for (int i = 0; i < 2; i++) {
        fds[i] = connect_raw();
        assert_int_equal(write(fds[i], head, sizeof(head) - 1), (ssize_t)(sizeof(head) - 1));
    }
    snprintf(url, sizeof(url), "%s/api/v1/health", srv.base);
    t0 = now_s();
    for (int i = 0; i < 3; i++) {
        struct support_resp r;
        support_http("GET", url, NULL, NULL, 0, &r);
        assert_int_equal(r.status, 200); /* health reads the database */
        support_resp_free(&r);
    }
    assert_true(now_s() - t0 < 1.5);
    for (int i = 0; i < 2; i++)
        close(fds[i]);
}

static void huge_headers_are_refused(void **state)
{
    int fd = connect_raw();
    char buf[256] = "";
    static char big[70000];
    ssize_t n;
    (void)state;

    memset(big, 'a', sizeof(big));
    assert_int_equal(write(fd, "GET /api/v1/health HTTP/1.1\r\nX-Big: ", 36), 36);
    (void)!write(fd, big, sizeof(big)); /* the server may close before reading it all */
    (void)!write(fd, "\r\n\r\n", 4);
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    /* Either an error status or a closed connection; never a 200. */
    if (n > 0)
        assert_null(strstr(buf, " 200 "));
    {
        struct support_resp r;
        char url[128];
        snprintf(url, sizeof(url), "%s/api/v1/health", srv.base);
        support_http("GET", url, NULL, NULL, 0, &r);
        assert_int_equal(r.status, 200); /* still up */
        support_resp_free(&r);
    }
}

static void traversal_never_leaves_the_app(void **state)
{
    static const char *const paths[] = {
        "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",     "/..%2f..%2f..%2fetc%2fpasswd",
        "/%252e%252e/etc/passwd",  "/icons/..%5c..%5cetc%5cpasswd", "/.%2e/.%2e/etc/passwd",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        int fd = connect_raw();
        char req[256], buf[4096] = "";
        ssize_t n;
        snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                 paths[i]);
        assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        assert_true(n >= 0);
        if (strstr(buf, "root:") != NULL)
            fail_msg("%s leaked /etc/passwd", paths[i]);
    }
}

static void injection_is_inert_data(void **state)
{
    static const char *const evil[] = {
        "'); DROP TABLE sync_op; --",  "<script>alert(1)</script>",   "\" OR 1=1 --",
        "=HYPERLINK(\"http://evil\")", "\\u0000 nul and \\\" quotes",
    };
    struct support_resp r;
    char hlc[SYNC_HLC_LEN + 1];
    (void)state;

    for (size_t i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
        json_t *op, *body;
        char id[32], *text;
        snprintf(id, sizeof(id), "evil-%zu", i);
        ph.hlc = sync_hlc_tick(ph.hlc, INT64_C(1790000000000));
        sync_hlc_format(ph.hlc, hlc);
        op = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:i, s:s, s:s, s:s, s:s}}", "op", id,
                       "col", "readings", "id", id, "kind", "add", "hlc", hlc, "dev", ph.id,
                       "fields", "indicator", "van_km", "value", 1, "unit", "km", "dept", "regie",
                       "at", "2026-09-21", "note", evil[i]);
        body = json_pack("{s:i, s:s, s:[o]}", "schema", 1, "device", ph.id, "ops", op);
        text = json_dumps(body, JSON_COMPACT);
        support_phone_request(&ph, srv.base, "POST", "/api/v1/sync/push", NULL, text, -1, &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "\"applied\""));
        support_resp_free(&r);
        free(text);
        json_decref(body);
    }
    /* Everything comes back byte for byte, as JSON strings; the tables stand. */
    support_phone_request(&ph, srv.base, "GET", "/api/v1/sync/pull", "schema=1", NULL, -1, &r);
    assert_int_equal(r.status, 200);
    {
        json_t *page = support_resp_json(&r), *ops = json_object_get(page, "ops");
        assert_int_equal(json_array_size(ops), sizeof(evil) / sizeof(evil[0]));
        for (size_t i = 0; i < json_array_size(ops); i++) {
            const char *note = json_string_value(
                json_object_get(json_object_get(json_array_get(ops, i), "fields"), "note"));
            assert_string_equal(note, evil[i]);
        }
        json_decref(page);
    }
    assert_true(strstr(r.headers, "application/json") != NULL);
    support_resp_free(&r);
}

static void still_up(void);

#define SLOW 50 /* slow connections per kind, more than the server's workers */

/* Whether fd was closed by the server (EOF or reset) within ms. */
static int closed_within(int fd, int ms)
{
    double end = now_s() + ms / 1000.0;
    char buf[512];
    while (now_s() < end) {
        struct pollfd p = {fd, POLLIN, 0};
        int left = (int)((end - now_s()) * 1000) + 1;
        if (poll(&p, 1, left) == 1) {
            ssize_t n = read(fd, buf, sizeof(buf));
            if (n <= 0)
                return 1;
            continue; /* an error page first (408), then the close */
        }
    }
    return 0;
}

/*
 * Finding 2: 50 connections trickling their headers from one address and
 * 50 trickling a declared body from another, against 20 workers. The cap
 * per address (8 here) cuts all but 8 of each at once; the rest hang until
 * the request timeout (2 s), bodies included; meanwhile a client on a third
 * address is served within 1 s, again and again.
 */
static void slow_clients_cannot_hold_every_worker(void **state)
{
    static const char body_head[] = "POST /api/v1/sync/push HTTP/1.1\r\nHost: x\r\n"
                                    "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n"
                                    "{";
    int hdr[SLOW], bod[SLOW];
    int cut_h = 0, cut_b = 0;
    double t0, worst = 0;
    char url[128];
    (void)state;

    assert_int_equal(srv.cfg.threads, 20);
    assert_int_equal(srv.cfg.per_address, 8);
    for (int i = 0; i < SLOW; i++) {
        hdr[i] = connect_from(2);
        assert_int_equal(write(hdr[i], "GET /api/v1/health HTTP/1.1\r\nX-Slow: ", 37), 37);
        bod[i] = connect_from(3);
        assert_int_equal(write(bod[i], body_head, sizeof(body_head) - 1),
                         (ssize_t)(sizeof(body_head) - 1));
    }
    snprintf(url, sizeof(url), "%s/api/v1/health", srv.base);
    t0 = now_s();
    /* For 2.5 s: the slow ones trickle a byte every 100 ms, the honest
     * client asks for health again and again. */
    for (int round = 0; now_s() - t0 < 2.5; round++) {
        struct support_resp r;
        double t = now_s();
        support_http("GET", url, NULL, NULL, 0, &r);
        assert_int_equal(r.status, 200);
        support_resp_free(&r);
        if (now_s() - t > worst)
            worst = now_s() - t;
        for (int i = 0; i < SLOW; i++) {
            (void)!send(hdr[i], "a", 1, MSG_NOSIGNAL);
            (void)!send(bod[i], " ", 1, MSG_NOSIGNAL);
        }
        support_sleep_us(100000);
    }
    printf("honest client: worst %.0f ms with %d slow connections\n", worst * 1000, 2 * SLOW);
    assert_true(worst < 1.0);
    /* Every slow connection is closed: the cut ones at once, the others at
     * the request timeout, or for a body at most one read timeout after it
     * (the deadline is checked when a read returns). */
    for (int i = 0; i < SLOW; i++) {
        int h = closed_within(hdr[i], 2500), b = closed_within(bod[i], 2500);
        if (!h || !b)
            printf("slow connection %d still open at %.1f s: headers %d body %d\n", i, now_s() - t0,
                   !h, !b);
        cut_h += h;
        cut_b += b;
        close(hdr[i]);
        close(bod[i]);
    }
    assert_int_equal(cut_h, SLOW);
    assert_int_equal(cut_b, SLOW);
    still_up();
}

/* Sends raw request text from 127.0.0.<host>; returns the first bytes of
 * the answer in buf. */
static void raw_exchange(int host, const char *req, char *buf, size_t len)
{
    int fd = connect_from(host);
    size_t got = 0;
    assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
    /* Until the server closes (every request here ends the connection). */
    while (got < len - 1) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t n;
        if (poll(&p, 1, 5000) != 1)
            break;
        n = read(fd, buf + got, len - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    close(fd);
}

static long long pooled_count(const char *sql);

/* Finding 9: two different Content-Length headers are refused. */
static void conflicting_content_lengths_are_refused(void **state)
{
    char buf[1024];
    (void)state;

    raw_exchange(1,
                 "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}",
                 buf, sizeof(buf));
    assert_non_null(strstr(buf, " 400 "));
    assert_non_null(strstr(buf, "bad_framing"));
    still_up();
}

/* Finding 9, login CSRF: a cross-site form (text/plain) or another origin
 * cannot sign a browser in; the server's own origin and non-browsers can. */
static void login_takes_json_from_its_own_origin(void **state)
{
    static const char body[] = "{\"email\":\"o@test.fr\",\"password\":\"" SEED_DEMO_PASSWORD "\"}";
    char req[512], buf[2048], host[64];
    (void)state;

    snprintf(host, sizeof(host), "127.0.0.1:%d", srv.app.port);
    snprintf(req, sizeof(req),
             "POST /api/v1/auth/login HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain\r\n"
             "Origin: https://evil.example\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
             host, strlen(body), body);
    raw_exchange(1, req, buf, sizeof(buf));
    assert_non_null(strstr(buf, " 415 "));
    assert_null(strstr(buf, "ep_session="));
    snprintf(req, sizeof(req),
             "POST /api/v1/auth/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
             "Origin: https://evil.example\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
             host, strlen(body), body);
    raw_exchange(1, req, buf, sizeof(buf));
    assert_non_null(strstr(buf, " 403 "));
    assert_non_null(strstr(buf, "cross_origin"));
    snprintf(req, sizeof(req),
             "POST /api/v1/auth/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
             "Origin: http://%s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
             host, host, strlen(body), body);
    raw_exchange(1, req, buf, sizeof(buf));
    assert_non_null(strstr(buf, " 200 "));
    assert_non_null(strstr(buf, "ep_session="));
}

/* A login of email with password from 127.0.0.<host>; returns the status. */
static int login_from(int host, const char *email, const char *password)
{
    char body[256], req[512], buf[2048];
    int status = 0;

    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
    snprintf(req, sizeof(req),
             "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
             strlen(body), body);
    raw_exchange(host, req, buf, sizeof(buf));
    (void)sscanf(buf, "HTTP/1.1 %d", &status);
    return status;
}

/*
 * Finding 9, lockout: one address spraying guesses over many emails is
 * slowed down on its own, whatever email it tries next, while the owner of
 * an email the attacker hammers can still sign in from elsewhere once the
 * account's short wait (at most a minute) has passed.
 */
static void lockout_backs_off_per_address_not_for_ever(void **state)
{
    char email[64];
    (void)state;

    for (int i = 0; i < 10; i++) {
        snprintf(email, sizeof(email), "spray%d@test.fr", i);
        assert_int_equal(login_from(9, email, "wrong password here"), 401);
    }
    /* From the 11th failure on, that address waits (1 s, then doubling), even
     * with a good password. A 200 is accepted only when the wait had already
     * run out: under ASan on a loaded machine one password hash can take that
     * long, and the test would otherwise fail on time rather than on the rule. */
    int64_t failed_at = clock_now_ms();
    assert_int_equal(login_from(9, "spray10@test.fr", "wrong password here"), 401);
    int status = login_from(9, "o@test.fr", SEED_DEMO_PASSWORD);
    if (status != 429 && clock_now_ms() - failed_at < 1000)
        fail_msg("a good password from a waiting address got %d within its 1 s wait", status);
    /* Another address is not concerned. */
    assert_int_equal(login_from(10, "o@test.fr", SEED_DEMO_PASSWORD), 200);
    /* Hammering one account locks it for a while, never beyond a minute. */
    for (int i = 0; i < 8; i++)
        (void)login_from(11 + i, "o@test.fr", "wrong password here");
    assert_true(pooled_count("SELECT locked_until - (strftime('%s','now') * 1000) <= 60000 "
                             "FROM account WHERE email = 'o@test.fr'") == 1);
}

static void on_pooled_connection(const char *sql, int fail_commits);

/* The office's request on production p2 (support_office_req speaks for p1). */
static void p2_req(const char *method, const char *path, const char *body, struct support_resp *r)
{
    char url[512];
    const char *headers[] = {office.cookie, office.csrf, "X-EP-Production: p2", NULL};
    snprintf(url, sizeof(url), "%s%s", office.base, path);
    support_http(method, url, headers, body, -1, r);
}

/* A join of token with password from 127.0.0.<host>; the status, and the
 * raw answer into buf. */
static int join_from(int host, const char *token, const char *password, char *buf, size_t len)
{
    char body[256], req[512];
    int status = 0;

    snprintf(body, sizeof(body), "{\"token\":\"%s\",\"password\":\"%s\"}", token, password);
    snprintf(req, sizeof(req),
             "POST /api/v1/auth/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
             strlen(body), body);
    raw_exchange(host, req, buf, len);
    (void)sscanf(buf, "HTTP/1.1 %d", &status);
    return status;
}

/* The keys of a JSON object, sorted, comma-separated, into buf. */
static void key_set(const json_t *o, char *buf, size_t len)
{
    const char *keys[32];
    const char *k;
    json_t *v;
    size_t n = 0, used = 0;

    json_object_foreach((json_t *)o, k, v)
    {
        if (n < 32)
            keys[n++] = k;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(keys[j], keys[i]) < 0) {
                const char *t = keys[i];
                keys[i] = keys[j];
                keys[j] = t;
            }
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s:%d,", keys[i],
                                 (int)json_typeof(json_object_get(o, keys[i])));
}

/*
 * Finding 5: an administrator of another production (p2) adds an address
 * that has an account (x@test.fr, on p1) and one that has none. Both get the
 * same status and the same shape of answer; nothing is attached until the
 * person accepts with their own password; a wrong password is refused and
 * counts toward that account's lockout; p2's audit never shows x's logins.
 */
static void adding_an_account_is_an_invitation_it_accepts(void **state)
{
    static const char known[] =
        "{\"name\":\"X\",\"department\":\"regie\",\"role\":\"admin\",\"email\":\"x@test.fr\"}";
    static const char unknown[] = "{\"name\":\"Y\",\"department\":\"regie\",\"role\":\"admin\","
                                  "\"email\":\"nobody-yet@test.fr\"}";
    struct support_resp rk, ru;
    json_t *jk, *ju;
    char sk[512], su[512], token[64], buf[4096];
    (void)state;

    on_pooled_connection(
        "INSERT INTO production (id, company_id, title, kind, created_at) "
        "VALUES ('p2','co','Autre film','fiction',0);"
        "INSERT INTO member (id, production_id, account_id, name, department, role, created_at) "
        "SELECT 'm-o2', 'p2', account_id, 'O', 'production', 'admin', 0 FROM member "
        "WHERE id = 'm-o'",
        0);
    assert_int_equal(login_from(40, "x@test.fr", SEED_DEMO_PASSWORD), 200); /* x's own audit */
    p2_req("POST", "/api/v1/productions/p2/members", known, &rk);
    p2_req("POST", "/api/v1/productions/p2/members", unknown, &ru);
    if (rk.status != 201)
        fail_msg("invite x: %ld %s", rk.status, rk.body);
    assert_int_equal(ru.status, rk.status);
    jk = support_resp_json(&rk);
    ju = support_resp_json(&ru);
    key_set(jk, sk, sizeof(sk));
    key_set(ju, su, sizeof(su));
    assert_string_equal(sk, su);
    assert_true(json_is_null(json_object_get(jk, "account_id")));
    assert_string_equal(json_string_value(json_object_get(jk, "mail")),
                        json_string_value(json_object_get(ju, "mail")));
    {
        /* The token runs to the next fragment parameter ("&lang="). */
        const char *t = strstr(json_string_value(json_object_get(jk, "join_link")), "#join=") + 6;
        snprintf(token, sizeof(token), "%.*s", (int)strcspn(t, "&"), t);
    }
    json_decref(jk);
    json_decref(ju);
    support_resp_free(&rk);
    support_resp_free(&ru);
    /* Nothing attached before acceptance. */
    assert_int_equal(pooled_count("SELECT count(*) FROM member WHERE production_id = 'p2' AND "
                                  "account_id IS NOT NULL"),
                     1);
    /* The administrator holding the link cannot take x's account: wrong
     * passwords are refused, count as failed sign-ins, then make it wait. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(join_from(41 + i, token, "not x's password at all", buf, sizeof(buf)),
                         401);
    assert_true(pooled_count("SELECT failed_count FROM account WHERE email = 'x@test.fr'") >= 3);
    assert_int_equal(join_from(44, token, SEED_DEMO_PASSWORD, buf, sizeof(buf)), 429);
    assert_int_equal(pooled_count("SELECT count(*) FROM member WHERE production_id = 'p2' AND "
                                  "account_id IS NOT NULL"),
                     1);
    /* p2's audit: its own events, none of x's sign-ins or failures. */
    {
        struct support_resp r;
        p2_req("GET", "/api/v1/productions/p2/audit?limit=500", NULL, &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "member.created"));
        assert_null(strstr(r.body, "login."));
        support_resp_free(&r);
    }
    /* x, once the short wait is over, accepts with their own password. */
    support_sleep_us(2100000);
    if (join_from(45, token, SEED_DEMO_PASSWORD, buf, sizeof(buf)) != 201)
        fail_msg("x joins: %s", buf);
    assert_non_null(strstr(buf, "ep_session="));
    assert_int_equal(pooled_count("SELECT count(*) FROM member WHERE id IN (SELECT member_id FROM "
                                  "account_invite) AND account_id IS NOT NULL"),
                     1);
    assert_int_equal(join_from(46, token, SEED_DEMO_PASSWORD, buf, sizeof(buf)), 403);
    assert_non_null(strstr(buf, "join_token_used"));
}

/* Finding 9: a counter leaping to 2^53 is refused and the phone goes on;
 * a counter past 2^53 is malformed. */
static void a_counter_cannot_leap_to_the_end(void **state)
{
    struct support_resp r;
    (void)state;

    support_phone_request(&ph, srv.base, "GET", "/api/v1/sync/pull", "schema=1", NULL,
                          9007199254740992L, &r);
    assert_string_equal(support_assert_error(&r, 401, "counter_too_far"), "X-EP-Counter");
    support_resp_free(&r);
    support_phone_request(&ph, srv.base, "GET", "/api/v1/sync/pull", "schema=1", NULL,
                          9007199254740993L, &r);
    assert_int_equal(r.status, 400); /* past 2^53: a malformed header */
    support_resp_free(&r);
    /* Not bricked: its next ordinary counter is heard. */
    support_phone_request(&ph, srv.base, "GET", "/api/v1/sync/pull", "schema=1", NULL, -1, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
}

/* Finding 9: X-Forwarded-For names the client only when the peer is the
 * configured proxy, and then only its last entry (the proxy's own). */
static void forwarded_for_is_believed_only_from_the_proxy(void **state)
{
    static const char body[] = "{\"email\":\"nobody@test.fr\",\"password\":\"not the password\"}";
    static const char last[] = "SELECT remote_addr = '%s' FROM audit_log ORDER BY id DESC LIMIT 1";
    char req[512], buf[1024], q[160];
    (void)state;

    snprintf(req, sizeof(req),
             "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "X-Forwarded-For: 6.6.6.6, 203.0.113.7\r\nContent-Length: %zu\r\n"
             "Connection: close\r\n\r\n%s",
             strlen(body), body);
    /* No proxy configured: the peer's address. */
    raw_exchange(5, req, buf, sizeof(buf));
    assert_non_null(strstr(buf, " 401 "));
    snprintf(q, sizeof(q), last, "127.0.0.5");
    assert_int_equal(pooled_count(q), 1);
    /* 127.0.0.6 is the proxy: the address it appended, not the forged one. */
    snprintf(srv.cfg.trusted_proxy, sizeof(srv.cfg.trusted_proxy), "127.0.0.6");
    raw_exchange(6, req, buf, sizeof(buf));
    snprintf(q, sizeof(q), last, "203.0.113.7");
    assert_int_equal(pooled_count(q), 1);
    /* Another peer sending the same header is not believed. */
    raw_exchange(5, req, buf, sizeof(buf));
    snprintf(q, sizeof(q), last, "127.0.0.5");
    assert_int_equal(pooled_count(q), 1);
    srv.cfg.trusted_proxy[0] = '\0';
}

/* Runs sql on the server's only pooled connection between two requests. */
static void on_pooled_connection(const char *sql, int fail_commits)
{
    struct db *db = dbpool_get(srv.app.pool, 1000);
    assert_non_null(db);
    if (sql != NULL)
        assert_int_equal(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL), SQLITE_OK);
    db_fail_commits(db, fail_commits);
    dbpool_put(srv.app.pool, db);
}

static void pooled_connection_is_clean(void)
{
    struct db *db = dbpool_get(srv.app.pool, 1000);
    assert_non_null(db);
    assert_true(db_clean(db));
    dbpool_put(srv.app.pool, db);
}

/*
 * Finding 3: a failed COMMIT on a request's path answers an error and leaves
 * the server's one connection clean, so the next request works; logout
 * whose delete fails does not claim the session is closed.
 */
static void a_failed_commit_never_poisons_the_pool(void **state)
{
    struct support_office o2;
    struct support_resp r;
    char hlc[SYNC_HLC_LEN + 1], *text;
    json_t *op, *body;
    (void)state;

    /* Pushes commit on the sync group's own writer connection: fail its
     * COMMIT once. The phone gets an error, nothing is stored, the writer is
     * outside any transaction, and the retry is applied. */
    for (int attempt = 0; attempt < 2; attempt++) {
        ph.hlc = sync_hlc_tick(ph.hlc, INT64_C(1790000000000));
        sync_hlc_format(ph.hlc, hlc);
        op = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:i, s:s, s:s, s:s}}", "op", "cf-1",
                       "col", "readings", "id", "cf-1", "kind", "add", "hlc", hlc, "dev", ph.id,
                       "fields", "indicator", "van_km", "value", 1, "unit", "km", "dept", "regie",
                       "at", "2026-09-21");
        body = json_pack("{s:i, s:s, s:[o]}", "schema", 1, "device", ph.id, "ops", op);
        text = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        db_fail_commits(srv.app.writer, attempt == 0 ? 1 : 0);
        support_phone_request(&ph, srv.base, "POST", "/api/v1/sync/push", NULL, text, -1, &r);
        free(text);
        assert_true(db_clean(srv.app.writer));
        pooled_connection_is_clean();
        if (attempt == 0) {
            if (r.status < 500)
                fail_msg("push whose COMMIT failed answered %ld %s", r.status, r.body);
        } else {
            assert_int_equal(r.status, 200);
            assert_non_null(strstr(r.body, "\"applied\""));
        }
        support_resp_free(&r);
    }

    /* Logout whose DELETE fails: an error, and the session still works. */
    support_office_login(&o2, srv.base, "o@test.fr");
    on_pooled_connection("PRAGMA query_only=ON", 0);
    support_office_req(&o2, "POST", "/api/v1/auth/logout", "{}", &r);
    on_pooled_connection("PRAGMA query_only=OFF", 0);
    if (r.status < 500 || strstr(r.body, "signed_out") != NULL)
        fail_msg("logout that could not delete answered %ld %s", r.status, r.body);
    support_resp_free(&r);
    support_office_req(&o2, "GET", "/api/v1/auth/me", NULL, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    support_office_req(&o2, "POST", "/api/v1/auth/logout", "{}", &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    support_office_req(&o2, "GET", "/api/v1/auth/me", NULL, &r);
    assert_int_equal(r.status, 401);
    support_resp_free(&r);
    pooled_connection_is_clean();
}

/* Pushes one readings op with fields as the phone; returns the response. */
static void push_reading(const char *id, json_t *fields, struct support_resp *r)
{
    char hlc[SYNC_HLC_LEN + 1], *text;
    json_t *body;

    ph.hlc = sync_hlc_tick(ph.hlc, INT64_C(1790000000000));
    sync_hlc_format(ph.hlc, hlc);
    body = json_pack("{s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:o}]}", "schema", 1, "device",
                     ph.id, "ops", "op", id, "col", "readings", "id", id, "kind", "add", "hlc", hlc,
                     "dev", ph.id, "fields", fields);
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    support_phone_request(&ph, srv.base, "POST", "/api/v1/sync/push", NULL, text, -1, r);
    free(text);
}

/* Finding 4: a void of an id that does not exist (yet) is refused, so the
 * reading pushed later under that id counts. */
static void a_void_of_an_unknown_id_is_refused(void **state)
{
    struct support_resp r;
    (void)state;

    push_reading("pre-void", json_pack("{s:b, s:s}", "void", 1, "supersedes", "future-km"), &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"rejected\""));
    assert_non_null(strstr(r.body, "\"unknown_target\""));
    support_resp_free(&r);
    push_reading("future-km",
                 json_pack("{s:s, s:i, s:s, s:s, s:s}", "indicator", "van_km", "value", 7, "unit",
                           "km", "dept", "regie", "at", "2026-09-22"),
                 &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"applied\""));
    support_resp_free(&r);
    {
        struct db *db = dbpool_get(srv.app.pool, 1000);
        sqlite3_stmt *st = db_stmt(db, "SELECT superseded FROM sync_fact WHERE rid = 'future-km'");
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 0);
        db_done(st);
        dbpool_put(srv.app.pool, db);
    }
}

/* Sets one field of communication id as the office (the resolve route). */
static void comm_set(const char *id, const char *field, const char *value_json)
{
    struct support_resp r;
    char body[512];
    snprintf(body, sizeof(body),
             "{\"col\":\"communications\",\"id\":\"%s\",\"field\":\"%s\",\"value\":%s}", id, field,
             value_json);
    support_office_req(&office, "POST", "/api/v1/sync/resolve", body, &r);
    if (r.status != 200)
        fail_msg("set %s.%s: %ld %s", id, field, r.status, r.body);
    support_resp_free(&r);
}

/* Whether the phone's pull from the start carries an op of record rid. */
static int phone_pulls(const char *col, const char *rid)
{
    struct support_resp r;
    json_t *page, *op;
    size_t i;
    int found = 0;

    support_phone_request(&ph, srv.base, "GET", "/api/v1/sync/pull", "schema=1&limit=1000", NULL,
                          -1, &r);
    assert_int_equal(r.status, 200);
    page = support_resp_json(&r);
    json_array_foreach(json_object_get(page, "ops"), i, op)
    {
        found |= strcmp(json_string_value(json_object_get(op, "col")), col) == 0 &&
                 strcmp(json_string_value(json_object_get(op, "id")), rid) == 0;
    }
    json_decref(page);
    support_resp_free(&r);
    return found;
}

/* The phone (crew m-h) asks for every view of communication id. */
static void phone_views(const char *id, long want)
{
    static const char *const views[] = {"flyer.pdf", "invitation.ics", "signed"};
    for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
        struct support_resp r;
        char path[160];
        snprintf(path, sizeof(path), "/api/v1/productions/p1/communications/%s/%s", id, views[i]);
        support_phone_request(&ph, srv.base, "GET", path, NULL, NULL, -1, &r);
        if (r.status != want)
            fail_msg("GET %s as crew: %ld, want %ld", path, r.status, want);
        if (want == 200 && strcmp(views[i], "invitation.ics") == 0 &&
            strstr(r.body, "x@test.fr") != NULL)
            fail_msg("the crew's invitation carries another member's address:\n%s", r.body);
        support_resp_free(&r);
    }
}

/*
 * Findings 7 and 8: a draft is the office's, whoever it targets; once
 * published it is its audience's only; the invitation a crew member gets
 * names no one else's address.
 */
static void drafts_and_invitations_stay_within_their_audience(void **state)
{
    struct support_resp r;
    (void)state;

    comm_set("c-d", "title", "\"Plan social\"");
    comm_set("c-d", "text", "\"Confidentiel\"");
    comm_set("c-d", "kind", "\"briefing\"");
    comm_set("c-d", "starts_at", "\"2026-12-01T08:30\"");
    comm_set("c-d", "target", "{\"members\":[\"m-o\"]}");
    phone_views("c-d", 404);
    support_phone_request(&ph, srv.base, "GET",
                          "/api/v1/productions/p1/communications/c-d/audio.wav", NULL, NULL, -1,
                          &r);
    assert_int_equal(r.status, 404);
    support_resp_free(&r);
    assert_false(phone_pulls("communications", "c-d"));
    /* Published, but for someone else: still nothing. */
    support_office_req(&office, "POST", "/api/v1/productions/p1/communications/c-d/publish", "{}",
                       &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    phone_views("c-d", 404);
    assert_false(phone_pulls("communications", "c-d"));

    /* A briefing for the régie and the camera crew: the draft is hidden, the
     * published message arrives whole, its invitation names only m-h. */
    comm_set("c-p", "title", "\"Tri au barnum\"");
    comm_set("c-p", "text", "\"Rendez-vous au barnum.\"");
    comm_set("c-p", "kind", "\"briefing\"");
    comm_set("c-p", "starts_at", "\"2026-12-01T08:30\"");
    comm_set("c-p", "target", "{\"departments\":[\"regie\",\"camera\"]}");
    phone_views("c-p", 404);
    assert_false(phone_pulls("communications", "c-p"));
    support_office_req(&office, "POST", "/api/v1/productions/p1/communications/c-p/publish", "{}",
                       &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
    phone_views("c-p", 200);
    assert_true(phone_pulls("communications", "c-p"));
    /* The office still sees the address of every attendee it may see. */
    support_office_req(&office, "GET", "/api/v1/productions/p1/communications/c-d/invitation.ics",
                       NULL, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
}

static long long pooled_count(const char *sql)
{
    struct db *db = dbpool_get(srv.app.pool, 1000);
    sqlite3_stmt *st;
    long long n;
    assert_non_null(db);
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    dbpool_put(srv.app.pool, db);
    return n;
}

/* Finding 9, audit flood: requests without a session are not filed under
 * the production named in their path. */
static void unauthenticated_requests_are_not_audited_per_production(void **state)
{
    static const char q[] = "SELECT count(*) FROM audit_log WHERE production_id = 'p1'";
    long long before = pooled_count(q);
    (void)state;

    for (int i = 0; i < 5; i++) {
        struct support_resp r;
        char url[160];
        snprintf(url, sizeof(url), "%s/api/v1/productions/p1/audit", srv.base);
        support_http("GET", url, NULL, NULL, 0, &r);
        assert_int_equal(r.status, 401);
        support_resp_free(&r);
    }
    assert_int_equal(pooled_count(q), before);
}

/* {"email": + n x '[' + n x ']' + } : the body that killed the server. */
static char *deep_body(size_t n)
{
    static const char head[] = "{\"email\":";
    char *b = malloc(sizeof(head) + 2 * n + 2);
    assert_non_null(b);
    memcpy(b, head, sizeof(head) - 1);
    memset(b + sizeof(head) - 1, '[', n);
    memset(b + sizeof(head) - 1 + n, ']', n);
    memcpy(b + sizeof(head) - 1 + 2 * n, "}", 2);
    return b;
}

static void still_up(void)
{
    struct support_resp r;
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/health", srv.base);
    support_http("GET", url, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    support_resp_free(&r);
}

/*
 * Every route of the route table that reads a JSON body, sent 1,000 levels
 * deep: without a session (refused before or at the parse), with the
 * office's session and as a signed phone (refused at the parse, naming the
 * depth). The server must answer each and stay up.
 */
static void deep_nesting_is_refused_everywhere(void **state)
{
    static const struct {
        const char *method, *path;
    } routes[] = {
        {"POST", "/api/v1/auth/login"},
        {"POST", "/api/v1/devices/pair"},
        {"POST", "/api/v1/sync/push"},
        {"POST", "/api/v1/sync/resolve"},
        {"POST", "/api/v1/sync/quarantine/resolve"},
        {"POST", "/api/v1/productions/p1/diagnostic/company"},
        {"POST", "/api/v1/productions/p1/diagnostic/project"},
        {"PUT", "/api/v1/productions/p1/schedule/van_km"},
        {"POST", "/api/v1/productions/p1/members"},
        {"PUT", "/api/v1/productions/p1/members/m-h"},
        {"POST", "/api/v1/productions/p1/invites"},
        {"POST", "/api/v1/productions/p1/plan/from-library"},
        {"PUT", "/api/v1/productions/p1/members/m-h/preferences"},
        {"POST", "/api/v1/productions/p1/communications/c1/send"},
        {"POST", "/api/v1/productions/p1/communications/c1/publish"},
    };
    char *deep = deep_body(1000), *shallow = deep_body(JSONIN_MAX_DEPTH - 1);
    (void)state;

    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        struct support_resp r;
        char url[256];
        const char *const json_hdr[] = {"Content-Type: application/json", NULL};

        snprintf(url, sizeof(url), "%s%s", srv.base, routes[i].path);
        support_http(routes[i].method, url, json_hdr, deep, -1, &r);
        if (r.status < 400 || r.status >= 500)
            fail_msg("%s %s without a session answered %ld", routes[i].method, routes[i].path,
                     r.status);
        support_resp_free(&r);
        still_up();

        support_office_req(&office, routes[i].method, routes[i].path, deep, &r);
        if (r.status < 400 || r.status >= 500)
            fail_msg("%s %s as the office answered %ld", routes[i].method, routes[i].path,
                     r.status);
        if (r.status == 400 && strstr(r.body, "nested deeper") == NULL &&
            strstr(r.body, "malformed") == NULL)
            fail_msg("%s %s: %s", routes[i].method, routes[i].path, r.body);
        support_resp_free(&r);
        still_up();
    }
    {
        struct support_resp r;
        /* A signed push: the signature is good, the body is too deep. */
        support_phone_request(&ph, srv.base, "POST", "/api/v1/sync/push", NULL, deep, -1, &r);
        assert_int_equal(r.status, 400);
        assert_non_null(strstr(r.body, "nested deeper than 32 levels"));
        support_resp_free(&r);
        /* The login route names the depth too, and a body just under the
         * limit reaches the ordinary validation. */
        support_office_req(&office, "POST", "/api/v1/auth/login", deep, &r);
        support_resp_free(&r);
        {
            char url[128];
            const char *const json_hdr[] = {"Content-Type: application/json", NULL};
            snprintf(url, sizeof(url), "%s/api/v1/auth/login", srv.base);
            support_http("POST", url, json_hdr, deep, -1, &r);
            assert_int_equal(r.status, 400);
            assert_non_null(strstr(r.body, "nested deeper than 32 levels"));
            support_resp_free(&r);
            support_http("POST", url, json_hdr, shallow, -1, &r);
            assert_int_equal(r.status, 400);
            assert_null(strstr(r.body, "nested deeper"));
            support_resp_free(&r);
        }
    }
    still_up();
    free(deep);
    free(shallow);
}

/* A push of one reading, as text (caller frees). */
static char *one_reading_push(const char *id)
{
    char hlc[SYNC_HLC_LEN + 1];
    json_t *op, *body;
    char *text;
    ph.hlc = sync_hlc_tick(ph.hlc, INT64_C(1790000000000));
    sync_hlc_format(ph.hlc, hlc);
    op = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:i, s:s, s:s, s:s}}", "op", id, "col",
                   "readings", "id", id, "kind", "add", "hlc", hlc, "dev", ph.id, "fields",
                   "indicator", "van_km", "value", 7, "unit", "km", "dept", "regie", "at",
                   "2026-09-21");
    body = json_pack("{s:i, s:s, s:[o]}", "schema", 1, "device", ph.id, "ops", op);
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    assert_non_null(text);
    return text;
}

/*
 * Weak-link encodings (docs/sync-protocol.md): a push may come gzip-encoded,
 * signed over the bytes as sent; a body declared gzip that is not gzip gets
 * 400, one that inflates past the cap 413, gzip on another route 415. JSON
 * answers over 1 KiB go gzip to a client that asks for it.
 */
static void push_encodings_and_compressed_answers(void **state)
{
    const char *const gz_hdrs[] = {"Content-Type: application/json", "Content-Encoding: gzip",
                                   NULL};
    struct support_resp r;
    char *text = one_reading_push("gz-1");
    unsigned char *z = NULL;
    size_t zlen = 0;
    (void)state;

    /* A good gzip push is applied. */
    assert_int_equal(gz_compress(text, strlen(text), &z, &zlen), EP_OK);
    assert_int_equal(
        support_phone_send(&ph, srv.base, "POST", "/api/v1/sync/push", NULL, z, zlen, gz_hdrs, &r),
        CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"applied\""));
    support_resp_free(&r);
    free(z);
    /* Declared gzip, sent as plain JSON. */
    free(text);
    text = one_reading_push("gz-2");
    assert_int_equal(support_phone_send(&ph, srv.base, "POST", "/api/v1/sync/push", NULL, text,
                                        strlen(text), gz_hdrs, &r),
                     CURLE_OK);
    assert_string_equal(support_assert_error(&r, 400, "invalid_encoding"), "Content-Encoding");
    support_resp_free(&r);
    /* 64 MiB of spaces in a few KiB: stopped at the cap, 413. */
    {
        size_t big = (size_t)64 * 1024 * 1024;
        char *spaces = malloc(big);
        assert_non_null(spaces);
        memset(spaces, ' ', big);
        memcpy(spaces, "{\"schema\":1,", 12);
        assert_int_equal(gz_compress(spaces, big, &z, &zlen), EP_OK);
        free(spaces);
        assert_true(zlen < 256 * 1024);
        assert_int_equal(support_phone_send(&ph, srv.base, "POST", "/api/v1/sync/push", NULL, z,
                                            zlen, gz_hdrs, &r),
                         CURLE_OK);
        support_assert_error(&r, 413, "body_too_large");
        assert_non_null(strstr(r.body, "inflates past the limit"));
        support_resp_free(&r);
        free(z);
    }
    /* gzip where it is not accepted, and an encoding nobody accepts. */
    {
        char url[128];
        const char *const br_hdrs[] = {"Content-Type: application/json", "Content-Encoding: br",
                                       NULL};
        snprintf(url, sizeof(url), "%s/api/v1/auth/login", srv.base);
        support_http("POST", url, gz_hdrs, "{}", -1, &r);
        assert_string_equal(support_assert_error(&r, 415, "unsupported_encoding"),
                            "Content-Encoding");
        support_resp_free(&r);
        assert_int_equal(support_phone_send(&ph, srv.base, "POST", "/api/v1/sync/push", NULL, text,
                                            strlen(text), br_hdrs, &r),
                         CURLE_OK);
        support_assert_error(&r, 415, "unsupported_encoding");
        support_resp_free(&r);
    }
    free(text);
    /* The pull (over 1 KiB by now) comes gzip only to a client that asks. */
    {
        const char *const ae[] = {"Accept-Encoding: gzip, br", NULL};
        char *plain = NULL;
        size_t plen = 0;
        struct support_resp p;
        support_phone_request(&ph, srv.base, "GET", "/api/v1/sync/pull", "schema=1", NULL, -1, &p);
        assert_int_equal(p.status, 200);
        assert_true(p.len >= 1024);
        assert_null(strstr(p.headers, "Content-Encoding"));
        assert_non_null(strstr(p.headers, "Vary: Accept-Encoding"));
        assert_int_equal(support_phone_send(&ph, srv.base, "GET", "/api/v1/sync/pull", "schema=1",
                                            "", 0, ae, &r),
                         CURLE_OK);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.headers, "Content-Encoding: gzip"));
        assert_true(r.len < p.len / 2);
        assert_int_equal(gz_inflate(r.body, r.len, (size_t)1 << 24, &plain, &plen), EP_OK);
        assert_int_equal(plen, p.len);
        assert_memory_equal(plain, p.body, plen);
        free(plain);
        support_resp_free(&r);
        support_resp_free(&p);
    }
}

static int setup(void **state)
{
    (void)state;
    support_db_connections = 1;
    support_threads = 20;
    support_per_address = 8;
    support_server_start_opts(&srv, NULL, 2000);
    support_seed_people(srv.app.db_path, "[{\"id\":\"m-h\",\"name\":\"H\",\"department\":"
                                         "\"regie\",\"role\":\"crew\",\"device\":\"dev-h\"},"
                                         "{\"id\":\"m-o\",\"name\":\"O\",\"department\":"
                                         "\"production\",\"role\":\"eco_referent\","
                                         "\"email\":\"o@test.fr\"},"
                                         "{\"id\":\"m-x\",\"name\":\"X\",\"department\":"
                                         "\"camera\",\"role\":\"crew\",\"email\":\"x@test.fr\"}]");
    support_phone_init(&ph, "dev-h");
    support_office_login(&office, srv.base, "o@test.fr");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    support_server_stop(&srv);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slow_loris_is_cut_and_others_are_served),
        cmocka_unit_test(trickled_bodies_hold_no_database_connection),
        cmocka_unit_test(huge_headers_are_refused),
        cmocka_unit_test(traversal_never_leaves_the_app),
        cmocka_unit_test(injection_is_inert_data),
        cmocka_unit_test(deep_nesting_is_refused_everywhere),
        cmocka_unit_test(push_encodings_and_compressed_answers),
        cmocka_unit_test(a_failed_commit_never_poisons_the_pool),
        cmocka_unit_test(a_void_of_an_unknown_id_is_refused),
        cmocka_unit_test(drafts_and_invitations_stay_within_their_audience),
        cmocka_unit_test(unauthenticated_requests_are_not_audited_per_production),
        cmocka_unit_test(slow_clients_cannot_hold_every_worker),
        cmocka_unit_test(conflicting_content_lengths_are_refused),
        cmocka_unit_test(forwarded_for_is_believed_only_from_the_proxy),
        cmocka_unit_test(login_takes_json_from_its_own_origin),
        cmocka_unit_test(lockout_backs_off_per_address_not_for_ever),
        cmocka_unit_test(a_counter_cannot_leap_to_the_end),
        cmocka_unit_test(adding_an_account_is_an_invitation_it_accepts),
    };
    int rc;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
