/*
 * support.h - fixtures shared by the test programs: temp directories, an
 * in-process server on 127.0.0.1 with an ephemeral port, and a small libcurl
 * HTTP client. Include after <cmocka.h>'s prerequisites.
 */
#ifndef EP_TEST_SUPPORT_H
#define EP_TEST_SUPPORT_H

#include "app.h"
#include "config.h"
#include "server.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Creates a fresh temp directory; path must hold 256 bytes. Aborts on failure. */
void support_tmpdir(char *path);

/* Removes a directory tree (best effort). */
void support_rmtree(const char *path);

struct support_server {
    struct config cfg;
    struct app app;
    char dir[256]; /* temp data dir, removed by support_server_stop() */
    char base[64]; /* "http://127.0.0.1:PORT" */
};

/*
 * Starts a real server on 127.0.0.1:0 over a temp database, serving
 * pwa_dir (NULL: the repository's pwa/). Aborts the test on failure.
 */
void support_server_start(struct support_server *s, const char *pwa_dir);
void support_server_stop(struct support_server *s);

/* The pool size servers started from here get; 0 leaves the default. */
extern int support_db_connections;
/* When > 0, the worker threads and the per-address cap of servers started next. */
extern int support_threads;
extern int support_per_address;

/* Same, with CivetWeb's request timeout set to timeout_ms. */
void support_server_start_opts(struct support_server *s, const char *pwa_dir, int timeout_ms);

struct support_resp {
    long status;
    char *body; /* NUL-terminated, owned; free with support_resp_free() */
    size_t len;
    char headers[4096]; /* raw response headers, truncated if longer */
};

/*
 * One HTTP request. extra_headers is a NULL-terminated list ("Name: v") or
 * NULL. body may be NULL (no body); body_len < 0 means strlen(body).
 */
void support_http(const char *method, const char *url, const char *const *extra_headers,
                  const char *body, long body_len, struct support_resp *out);
void support_resp_free(struct support_resp *r);

/* Same as support_http but returns the CURLcode instead of failing the
 * test when the server cannot be reached (crash tests expect that). */
int support_http_try(const char *method, const char *url, const char *const *extra_headers,
                     const char *body, long body_len, struct support_resp *out);

/* An office browser's session: what login returned, as request headers. */
struct support_office {
    char base[64];       /* "http://127.0.0.1:PORT" */
    char cookie[256];    /* "Cookie: ep_session=..." */
    char csrf[96];       /* "X-EP-CSRF: ..." */
    char account_id[80]; /* the account's id */
};

/* Logs email in with the demo password (support_seed_people's accounts);
 * fails the test unless the server answers 200. */
void support_office_login(struct support_office *o, const char *base, const char *email);

/* A request of that session acting on production p1. */
void support_office_req(const struct support_office *o, const char *method, const char *path,
                        const char *body, struct support_resp *out);

/* A paired demo phone: its key is seed_device_seed(id)'s. */
struct support_phone {
    char id[64];
    unsigned char pk[32], sk[64];
    long counter; /* last X-EP-Counter sent */
    uint64_t hlc; /* the phone's hybrid logical clock */
};

void support_phone_init(struct support_phone *ph, const char *device_id);

/* A request signed by ph against base ("http://127.0.0.1:PORT"); counter < 0
 * means the next one. _try returns the CURLcode; _request fails on error. */
int support_phone_try(struct support_phone *ph, const char *base, const char *method,
                      const char *path, const char *query, const char *body, long counter,
                      struct support_resp *out);
void support_phone_request(struct support_phone *ph, const char *base, const char *method,
                           const char *path, const char *query, const char *body, long counter,
                           struct support_resp *out);

/* A signed request with a binary body of body_len bytes (body may hold NULs)
 * and extra headers (NULL-terminated list or NULL), with the next counter. */
int support_phone_send(struct support_phone *ph, const char *base, const char *method,
                       const char *path, const char *query, const void *body, size_t body_len,
                       const char *const *extra_headers, struct support_resp *out);

/* One op of phone ph as JSON text (the caller frees it); fields and base are
 * JSON text (base may be NULL); hlc_ms 0 means "now". Ticks ph's clock. */
char *support_op_text(struct support_phone *ph, const char *op, const char *col, const char *id,
                      const char *kind, const char *fields, const char *base, int64_t hlc_ms);

/* Pushes ops_text (comma-separated ops) signed by ph; fails the test unless
 * the answer is 200 with a server clock. Returns the "results" array (the
 * caller decrefs it). */
json_t *support_push_ok(struct support_phone *ph, const char *base, const char *ops_text);

/*
 * The production most integration tests start from: srv started
 * (support_server_start), production p1 holding Aline (eco-referent, email
 * aline@test.fr), Bruno (crew, regie, phone dev-van, *van) and, when cook
 * is not NULL, Chloé (crew, regie, phone dev-cook, *cook), written as the
 * demo seed writes people. With office not NULL, Aline is signed in there.
 * Stop with support_server_stop(srv).
 */
void support_crew_start(struct support_server *srv, struct support_office *office,
                        struct support_phone *van, struct support_phone *cook);

/* Creates company co, production p1 and people (JSON array text, as in
 * backend/demo/seed.json) in the migrated database at db_path. */
void support_seed_people(const char *db_path, const char *people_json);

/* Parses r->body as JSON, asserting that it parses. Caller decrefs. */
json_t *support_resp_json(const struct support_resp *r);

/* Asserts the body is the API error shape with the given code; returns field or NULL. */
const char *support_assert_error(const struct support_resp *r, long status, const char *code);

/* The whole stdout of the shell command cmd (free()); fails the test unless
 * it exits 0. */
char *support_run(const char *cmd);

/* How support_file_text reads a document. */
enum support_text {
    SUPPORT_TEXT_PDF,   /* pdftotext -enc UTF-8 -nopgbrk, line breaks read as spaces */
    SUPPORT_TEXT_ODF,   /* content.xml, styles.xml and meta.xml of an ODT or ODP */
    SUPPORT_TEXT_PLAIN, /* the bytes as they are */
};

/*
 * The text of the document in file, read as kind says: a PDF's lines are
 * joined with spaces so a title the layout wraps still matches. New string
 * (free()); fails the test when the tool fails or prints nothing.
 */
char *support_file_text(const char *file, enum support_text kind);

/*
 * GETs path as o, asserts 200, and returns support_file_text() of the body
 * (written to a private temporary directory, removed after).
 */
char *support_fetch_text(const struct support_office *o, const char *path, enum support_text kind);

struct db;

/*
 * Opens dir/name as a migrated database holding company "co" and productions
 * "p1" and "p2". Aborts the test on failure. Close with db_close().
 */
struct db *support_db(const char *dir, const char *name);

/* Canonical text of a JSON value (canon.h), for equality checks. Caller frees. */
char *support_canon(const json_t *j);

/*
 * Pushes one op as the office of production p1 (admin, device "office-1"),
 * with the carbon validator; returns the ack (caller decrefs).
 */
json_t *support_office_op(struct db *db, const char *col, const char *id, const char *kind,
                          const char *fields);

/* support_office_op that fails the test unless the op is applied. */
void support_office_ok(struct db *db, const char *col, const char *id, const char *kind,
                       const char *fields);

/* Adds a reading {indicator, value, unit, dept, at} as the office, applied or the test fails. */
void support_office_reading(struct db *db, const char *id, const char *ind, const char *unit,
                            const char *dept, double value, const char *at);

/*
 * The reference production of the carbon tests: one reading per indicator
 * family (with a correction, a void and an odd 2,000 km day) and six
 * estimates, whose footprint test_carbon.c checks against hand calculations.
 */
void support_reference_production(struct db *db);

/* nanosleep for us microseconds (usleep left POSIX in 2008). */
void support_sleep_us(long us);

/*
 * Runs the real binary `bin serve` as a child on 127.0.0.1 (ephemeral port)
 * over data_dir; waits until it listens and writes "http://127.0.0.1:PORT"
 * into base. Returns its pid; aborts the test if it does not start.
 */
pid_t support_spawn_server(const char *bin, const char *data_dir, char *base, size_t len);

/* Sends sig to pid and reaps it; returns the wait status. */
int support_stop_server(pid_t pid, int sig);

#endif
