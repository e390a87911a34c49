/* support.c - test fixtures (see support.h). */
#define _XOPEN_SOURCE 700 /* nftw() */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support.h"

#include "app.h"
#include "auth.h"
#include "canon.h"
#include "carbon.h"
#include "clock.h"
#include "cmd.h"
#include "db.h"
#include "err.h"
#include "seed.h"
#include "sync.h"

#include <curl/curl.h>
#include <ftw.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef EP_SOURCE_DIR
#error "EP_SOURCE_DIR must be defined by CMake"
#endif

void support_tmpdir(char *path)
{
    const char *base = getenv("TMPDIR");
    snprintf(path, 256, "%s/ep-test-XXXXXX", base != NULL ? base : "/tmp");
    assert_non_null(mkdtemp(path));
}

char *support_run(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    size_t cap = (size_t)1 << 20, n = 0, got;
    char *buf = malloc(cap);

    assert_non_null(f);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    if (pclose(f) != 0)
        fail_msg("%s failed:\n%.2000s", cmd, buf);
    return buf;
}

char *support_file_text(const char *file, enum support_text kind)
{
    char cmd[1200];
    char *text;

    switch (kind) {
    case SUPPORT_TEXT_PDF:
        snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 -nopgbrk '%s' -", file);
        break;
    case SUPPORT_TEXT_ODF:
        snprintf(cmd, sizeof(cmd), "unzip -p '%s' content.xml styles.xml meta.xml", file);
        break;
    default:
        snprintf(cmd, sizeof(cmd), "cat '%s'", file);
        break;
    }
    text = support_run(cmd);
    if (text[0] == '\0')
        fail_msg("%s printed nothing", cmd);
    if (kind == SUPPORT_TEXT_PDF) {
        for (char *c = text; *c != '\0'; c++) {
            if (*c == '\n')
                *c = ' ';
        }
    }
    return text;
}

char *support_fetch_text(const struct support_office *o, const char *path, enum support_text kind)
{
    struct support_resp r;
    char dir[256], file[300];
    char *text;
    FILE *f;

    support_office_req(o, "GET", path, NULL, &r);
    if (r.status != 200)
        fail_msg("GET %s: %ld %s", path, r.status, r.body != NULL ? r.body : "");
    support_tmpdir(dir);
    snprintf(file, sizeof(file), "%s/doc", dir);
    f = fopen(file, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r.body, 1, r.len, f), r.len);
    assert_int_equal(fclose(f), 0);
    support_resp_free(&r);
    text = support_file_text(file, kind);
    support_rmtree(dir);
    return text;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

void support_rmtree(const char *path)
{
    (void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void support_server_start(struct support_server *s, const char *pwa_dir)
{
    support_server_start_opts(s, pwa_dir, 10000);
}

int support_db_connections;
int support_threads;
int support_per_address;

void support_server_start_opts(struct support_server *s, const char *pwa_dir, int timeout_ms)
{
    struct ep_error err = {0};

    memset(s, 0, sizeof(*s));
    support_tmpdir(s->dir);
    config_defaults(&s->cfg);
    s->cfg.port = 0;
    s->cfg.threads = 4;
    s->cfg.request_timeout_ms = timeout_ms;
    if (support_db_connections > 0)
        s->cfg.db_connections = support_db_connections;
    if (support_threads > 0)
        s->cfg.threads = support_threads;
    if (support_per_address > 0)
        s->cfg.per_address = support_per_address;
    s->cfg.log_level = LOG_LEVEL_ERROR;
    snprintf(s->cfg.data_dir, sizeof(s->cfg.data_dir), "%s/data", s->dir);
    snprintf(s->cfg.pwa_dir, sizeof(s->cfg.pwa_dir), "%s",
             pwa_dir != NULL ? pwa_dir : EP_SOURCE_DIR "/pwa");
    log_threshold = s->cfg.log_level;
    assert_int_equal(cmd_prepare(&s->app, &s->cfg), EP_OK);
    s->app.started_ms = clock_now_ms();
    if (server_start(&s->app, &err) != EP_OK)
        fail_msg("server_start: %s", err.message);
    snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->app.port);
}

void support_server_stop(struct support_server *s)
{
    server_stop(&s->app);
    support_rmtree(s->dir);
}

struct sink {
    char *buf;
    size_t len;
};

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    struct sink *k = user;
    size_t add = size * n;
    char *nb = realloc(k->buf, k->len + add + 1);
    if (nb == NULL)
        return 0;
    memcpy(nb + k->len, data, add);
    k->buf = nb;
    k->len += add;
    k->buf[k->len] = '\0';
    return add;
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    char *h = user;
    size_t have = strlen(h);
    size_t add = size * n;
    if (have + add < 4095) {
        memcpy(h + have, data, add);
        h[have + add] = '\0';
    }
    return add;
}

void support_http(const char *method, const char *url, const char *const *extra_headers,
                  const char *body, long body_len, struct support_resp *out)
{
    int rc = support_http_try(method, url, extra_headers, body, body_len, out);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, url, curl_easy_strerror((CURLcode)rc));
}

int support_http_try(const char *method, const char *url, const char *const *extra_headers,
                     const char *body, long body_len, struct support_resp *out)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hl = NULL;
    struct sink k = {NULL, 0};
    CURLcode rc;

    assert_non_null(c);
    memset(out, 0, sizeof(*out));
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &k);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out->headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    /* Send the body verbatim, without "Expect: 100-continue" round trips. */
    hl = curl_slist_append(hl, "Expect:");
    for (const char *const *h = extra_headers; h != NULL && *h != NULL; h++)
        hl = curl_slist_append(hl, *h);
    if (body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(body_len < 0 ? (long)strlen(body) : body_len));
        hl = curl_slist_append(hl, "Content-Type: application/json");
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    out->body = k.buf != NULL ? k.buf : calloc(1, 1);
    out->len = k.len;
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    return (int)rc;
}

void support_resp_free(struct support_resp *r)
{
    free(r->body);
    r->body = NULL;
}

json_t *support_resp_json(const struct support_resp *r)
{
    json_error_t err;
    json_t *j = json_loadb(r->body, r->len, 0, &err);
    if (j == NULL)
        fail_msg("response is not JSON (%s): %.200s", err.text, r->body);
    return j;
}

const char *support_assert_error(const struct support_resp *r, long status, const char *code)
{
    static char field[128];
    json_t *j = support_resp_json(r);
    const char *got_code = NULL, *msg = NULL;
    json_t *f = NULL;

    if (r->status != status)
        fail_msg("expected status %ld, got %ld: %.300s", status, r->status, r->body);
    if (json_unpack(j, "{s:{s:s, s:s, s:o}}", "error", "code", &got_code, "message", &msg, "field",
                    &f) != 0)
        fail_msg("not the error shape: %.300s", r->body);
    assert_string_equal(got_code, code);
    assert_true(strlen(msg) > 0);
    field[0] = '\0';
    if (json_is_string(f))
        snprintf(field, sizeof(field), "%s", json_string_value(f));
    json_decref(j);
    return field[0] != '\0' ? field : NULL;
}

struct db *support_db(const char *dir, const char *name)
{
    char path[512];
    struct ep_error err = {0};
    struct db *db = NULL;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (db_open(path, &db, &err) != EP_OK || db_migrate(db, NULL, NULL, &err) != EP_OK ||
        carbon_factor_sets_load(db, &err) != EP_OK)
        fail_msg("support_db %s: %s", path, err.message);
    if (sqlite3_exec(db_handle(db),
                     "INSERT INTO company (id, name, created_at) VALUES ('co', 'Co', 0);"
                     "INSERT INTO production (id, company_id, title, kind, created_at) VALUES "
                     "('p1', 'co', 'One', 'fiction', 0), ('p2', 'co', 'Two', 'documentary', 0);",
                     NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("support_db fixtures: %s", sqlite3_errmsg(db_handle(db)));
    return db;
}

char *support_canon(const json_t *j)
{
    char *s = canon_dumps(j);
    assert_non_null(s);
    return s;
}

static long office_ops;

json_t *support_office_op(struct db *db, const char *col, const char *id, const char *kind,
                          const char *fields)
{
    static const struct sync_actor office = {"p1", "office-1", "m-o", NULL, SYNC_ROLE_ADMIN, NULL};
    struct sync_opts opts = {.now_ms = INT64_C(1790000000000), .validate = carbon_validate_op};
    char hlc[SYNC_HLC_LEN + 1], opid[32];
    json_error_t err;
    json_t *f = json_loads(fields, 0, &err), *body, *acks = NULL, *ack;

    if (f == NULL)
        fail_msg("bad fields in test: %s", err.text);
    sync_hlc_format(sync_hlc_tick(0, INT64_C(1790000000000) - 1000000 + office_ops), hlc);
    snprintf(opid, sizeof(opid), "op-%ld", office_ops++);
    body = json_pack("{s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:o}]}", "schema", 1, "device",
                     "office-1", "ops", "op", opid, "col", col, "id", id, "kind", kind, "hlc", hlc,
                     "dev", "office-1", "fields", f);
    assert_int_equal(sync_push(db, &opts, &office, body, &acks, NULL), EP_OK);
    ack = json_incref(json_array_get(acks, 0));
    json_decref(acks);
    json_decref(body);
    return ack;
}

void support_office_ok(struct db *db, const char *col, const char *id, const char *kind,
                       const char *fields)
{
    json_t *ack = support_office_op(db, col, id, kind, fields);
    if (strcmp(json_string_value(json_object_get(ack, "status")), "applied") != 0)
        fail_msg("%s %s: %s", col, id, json_string_value(json_object_get(ack, "reason")));
    json_decref(ack);
}

void support_office_reading(struct db *db, const char *id, const char *ind, const char *unit,
                            const char *dept, double value, const char *at)
{
    char f[256];
    snprintf(f, sizeof(f),
             "{\"indicator\":\"%s\",\"value\":%.15g,\"unit\":\"%s\",\"dept\":\"%s\",\"at\":\"%s\"}",
             ind, value, unit, dept, at);
    support_office_ok(db, "readings", id, "add", f);
}

#define SR(ind, val, unit, dept)                                                                   \
    "{\"indicator\":\"" ind "\",\"value\":" val ",\"unit\":\"" unit "\",\"dept\":\"" dept          \
    "\",\"at\":\"2026-09-21\"}"

void support_reference_production(struct db *db)
{
    support_office_ok(db, "readings", "r1", "add", SR("van_diesel_l", "100", "L", "regie"));
    support_office_ok(db, "readings", "r2", "add", SR("van_diesel_l", "50", "L", "regie"));
    support_office_ok(
        db, "readings", "r2c", "add",
        "{\"indicator\":\"van_diesel_l\",\"value\":60,\"unit\":\"L\",\"dept\":\"regie\","
        "\"at\":\"2026-09-21\",\"supersedes\":\"r2\"}");
    support_office_ok(db, "readings", "r3", "add", SR("generator_l", "40", "L", "image"));
    support_office_ok(db, "readings", "r4", "add", SR("generator_hours", "10", "h", "image"));
    support_office_ok(db, "readings", "r5", "add", SR("grid_kwh", "1000", "kWh", "image"));
    support_office_ok(db, "readings", "r6", "add",
                      SR("meals_vegetarian", "100", "meal", "catering"));
    support_office_ok(db, "readings", "r7", "add", SR("meals_beef", "10", "meal", "catering"));
    support_office_ok(db, "readings", "r8", "add", SR("hotel_nights", "20", "night", "production"));
    support_office_ok(db, "readings", "r9", "add", SR("waste_wood_kg", "200", "kg", "decor"));
    support_office_ok(db, "readings", "r10", "add",
                      SR("train_tgv_pkm", "10000", "p.km", "production"));
    support_office_ok(db, "readings", "r11", "add", SR("storage_tb_year", "4", "TB.yr", "post"));
    support_office_ok(db, "readings", "r12", "add", SR("paper_kg", "5", "kg", "production"));
    support_office_ok(db, "readings", "r13", "add", SR("van_km", "2000", "km", "regie"));
    support_office_ok(db, "readings", "r14", "add", SR("meals_beef", "5", "meal", "catering"));
    support_office_ok(db, "readings", "r14v", "add", "{\"void\":true,\"supersedes\":\"r14\"}");
    support_office_ok(
        db, "estimates", "e1", "put",
        "{\"indicator\":\"van_diesel_l\",\"value\":200,\"unit\":\"L\",\"dept\":\"regie\"}");
    support_office_ok(
        db, "estimates", "e2", "put",
        "{\"indicator\":\"meals_beef\",\"value\":40,\"unit\":\"meal\",\"dept\":\"catering\"}");
    support_office_ok(
        db, "estimates", "e3", "put",
        "{\"indicator\":\"storage_tb_year\",\"value\":2,\"unit\":\"TB.yr\",\"dept\":\"post\"}");
    support_office_ok(
        db, "estimates", "e4", "put",
        "{\"indicator\":\"grid_kwh\",\"value\":500,\"unit\":\"kWh\",\"dept\":\"image\"}");
    support_office_ok(db, "estimates", "e5", "put",
                      "{\"indicator\":\"hotel_nights\",\"value\":20,\"unit\":\"night\",\"dept\":"
                      "\"production\"}");
    support_office_ok(
        db, "estimates", "e6", "put",
        "{\"indicator\":\"waste_mixed_kg\",\"value\":300,\"unit\":\"kg\",\"dept\":\"regie\"}");
}

void support_phone_init(struct support_phone *ph, const char *device_id)
{
    unsigned char seed[32];
    memset(ph, 0, sizeof(*ph));
    snprintf(ph->id, sizeof(ph->id), "%s", device_id);
    seed_device_seed(ph->id, seed);
    crypto_sign_seed_keypair(ph->pk, ph->sk, seed);
}

int support_phone_try(struct support_phone *ph, const char *base, const char *method,
                      const char *path, const char *query, const char *body, long counter,
                      struct support_resp *out)
{
    char url[512], hdev[96], hcnt[64], hsig[160], cnt[32];
    unsigned char sig[64];
    char sig64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    size_t slen = 0;
    size_t blen = body != NULL ? strlen(body) : 0;
    const char *headers[4];
    char *msg;

    if (counter < 0)
        counter = ++ph->counter;
    snprintf(cnt, sizeof(cnt), "%ld", counter);
    msg = auth_signing_string(method, path, query, ph->id, cnt, body, blen, &slen);
    assert_non_null(msg);
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg, slen, ph->sk);
    free(msg);
    sodium_bin2base64(sig64, sizeof(sig64), sig, sizeof(sig),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(hdev, sizeof(hdev), "X-EP-Device: %s", ph->id);
    snprintf(hcnt, sizeof(hcnt), "X-EP-Counter: %s", cnt);
    snprintf(hsig, sizeof(hsig), "X-EP-Signature: %s", sig64);
    headers[0] = hdev;
    headers[1] = hcnt;
    headers[2] = hsig;
    headers[3] = NULL;
    snprintf(url, sizeof(url), "%s%s%s%s", base, path, query != NULL ? "?" : "",
             query != NULL ? query : "");
    return support_http_try(method, url, headers, body, -1, out);
}

int support_phone_send(struct support_phone *ph, const char *base, const char *method,
                       const char *path, const char *query, const void *body, size_t body_len,
                       const char *const *extra_headers, struct support_resp *out)
{
    char url[512], hdev[96], hcnt[64], hsig[160], cnt[32];
    unsigned char sig[64];
    char sig64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    size_t slen = 0, n = 0;
    const char *headers[16];
    char *msg;

    snprintf(cnt, sizeof(cnt), "%ld", ++ph->counter);
    msg =
        auth_signing_string(method, path, query, ph->id, cnt, (const char *)body, body_len, &slen);
    assert_non_null(msg);
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg, slen, ph->sk);
    free(msg);
    sodium_bin2base64(sig64, sizeof(sig64), sig, sizeof(sig),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(hdev, sizeof(hdev), "X-EP-Device: %s", ph->id);
    snprintf(hcnt, sizeof(hcnt), "X-EP-Counter: %s", cnt);
    snprintf(hsig, sizeof(hsig), "X-EP-Signature: %s", sig64);
    headers[n++] = hdev;
    headers[n++] = hcnt;
    headers[n++] = hsig;
    for (const char *const *h = extra_headers; h != NULL && *h != NULL && n < 15; h++)
        headers[n++] = *h;
    headers[n] = NULL;
    snprintf(url, sizeof(url), "%s%s%s%s", base, path, query != NULL ? "?" : "",
             query != NULL ? query : "");
    return support_http_try(method, url, headers, (const char *)body, (long)body_len, out);
}

/* Formats into a new buffer (asprintf is not in _XOPEN_SOURCE). */
static char *support_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *support_format(const char *fmt, ...)
{
    va_list ap;
    char *out;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    out = malloc((size_t)n + 1);
    assert_non_null(out);
    va_start(ap, fmt);
    (void)vsnprintf(out, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return out;
}

char *support_op_text(struct support_phone *ph, const char *op, const char *col, const char *id,
                      const char *kind, const char *fields, const char *base, int64_t hlc_ms)
{
    char hlc[SYNC_HLC_LEN + 1];

    ph->hlc = sync_hlc_tick(ph->hlc, hlc_ms != 0 ? hlc_ms : clock_now_ms());
    sync_hlc_format(ph->hlc, hlc);
    return support_format("{\"op\":\"%s\",\"col\":\"%s\",\"id\":\"%s\",\"kind\":\"%s\",\"hlc\":"
                          "\"%s\",\"dev\":\"%s\",\"fields\":%s%s%s}",
                          op, col, id, kind, hlc, ph->id, fields, base != NULL ? ",\"base\":" : "",
                          base != NULL ? base : "");
}

json_t *support_push_ok(struct support_phone *ph, const char *base, const char *ops_text)
{
    char *body = support_format("{\"schema\":1,\"device\":\"%s\",\"ops\":[%s]}", ph->id, ops_text);
    struct support_resp r;
    json_t *j, *res;

    support_phone_request(ph, base, "POST", "/api/v1/sync/push", NULL, body, -1, &r);
    free(body);
    if (r.status != 200)
        fail_msg("push: %ld %s", r.status, r.body);
    j = support_resp_json(&r);
    support_resp_free(&r);
    res = json_incref(json_object_get(j, "results"));
    assert_int_equal(strlen(json_string_value(json_object_get(j, "hlc"))), SYNC_HLC_LEN);
    json_decref(j);
    return res;
}

void support_phone_request(struct support_phone *ph, const char *base, const char *method,
                           const char *path, const char *query, const char *body, long counter,
                           struct support_resp *out)
{
    int rc = support_phone_try(ph, base, method, path, query, body, counter, out);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, path, curl_easy_strerror((CURLcode)rc));
}

void support_seed_people(const char *db_path, const char *people_json)
{
    struct ep_error err = {0};
    struct db *db = NULL;
    json_error_t jerr;
    json_t *people = json_loads(people_json, 0, &jerr);

    if (people == NULL)
        fail_msg("people: %s", jerr.text);
    if (db_open(db_path, &db, &err) != EP_OK)
        fail_msg("open %s: %s", db_path, err.message);
    assert_int_equal(db_begin_write(db), EP_OK);
    if (sqlite3_exec(db_handle(db),
                     "INSERT INTO company (id, name, created_at) VALUES ('co','Co',0);"
                     "INSERT INTO production (id, company_id, title, kind, created_at)"
                     " VALUES ('p1','co','Film','fiction',0)",
                     NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("production: %s", sqlite3_errmsg(db_handle(db)));
    if (seed_people(db, "p1", people, clock_now_ms(), &err) != EP_OK)
        fail_msg("seed people: %s", err.message);
    assert_int_equal(db_commit(db), EP_OK);
    db_close(db);
    json_decref(people);
}

void support_sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

pid_t support_spawn_server(const char *bin, const char *data_dir, char *base, size_t len)
{
    char portfile[600], port[16] = "";
    pid_t pid;

    snprintf(portfile, sizeof(portfile), "%s.port", data_dir);
    unlink(portfile);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char pwa[600];
        snprintf(pwa, sizeof(pwa), "%s/pwa", EP_SOURCE_DIR);
        if (freopen("/dev/null", "w", stderr) == NULL)
            _exit(126);
        execl(bin, bin, "serve", "--port", "0", "--data-dir", data_dir, "--pwa-dir", pwa,
              "--port-file", portfile, "--threads", "8", "--log-level", "error", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 400 && port[0] == '\0'; i++) {
        FILE *f = fopen(portfile, "r");
        if (f != NULL) {
            if (fgets(port, sizeof(port), f) != NULL)
                port[strcspn(port, "\n")] = '\0';
            fclose(f);
        }
        if (port[0] == '\0')
            support_sleep_us(25000);
    }
    if (port[0] == '\0')
        fail_msg("the server did not start on %s", data_dir);
    snprintf(base, len, "http://127.0.0.1:%s", port);
    return pid;
}

int support_stop_server(pid_t pid, int sig)
{
    int status = 0;
    kill(pid, sig);
    waitpid(pid, &status, 0);
    return status;
}

void support_office_login(struct support_office *o, const char *base, const char *email)
{
    char url[256], body[256];
    struct support_resp r;
    json_t *j;
    const char *c, *end;

    memset(o, 0, sizeof(*o));
    snprintf(o->base, sizeof(o->base), "%s", base);
    snprintf(url, sizeof(url), "%s/api/v1/auth/login", base);
    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"" SEED_DEMO_PASSWORD "\"}",
             email);
    support_http("POST", url, NULL, body, -1, &r);
    if (r.status != 200)
        fail_msg("login: %ld %s", r.status, r.body);
    c = strstr(r.headers, "ep_session=");
    assert_non_null(c);
    end = strpbrk(c, ";\r\n");
    snprintf(o->cookie, sizeof(o->cookie), "Cookie: %.*s", (int)(end - c), c);
    j = support_resp_json(&r);
    snprintf(o->csrf, sizeof(o->csrf), "X-EP-CSRF: %s",
             json_string_value(json_object_get(j, "csrf")));
    snprintf(o->account_id, sizeof(o->account_id), "%s",
             json_string_value(json_object_get(json_object_get(j, "account"), "id")));
    json_decref(j);
    support_resp_free(&r);
}

void support_office_req(const struct support_office *o, const char *method, const char *path,
                        const char *body, struct support_resp *out)
{
    char url[512];
    const char *headers[] = {o->cookie, o->csrf, "X-EP-Production: p1", NULL};
    snprintf(url, sizeof(url), "%s%s", o->base, path);
    support_http(method, url, headers, body, -1, out);
}

void support_crew_start(struct support_server *srv, struct support_office *office,
                        struct support_phone *van, struct support_phone *cook)
{
    static const char aline_bruno[] =
        "{\"id\":\"m-admin\",\"name\":\"Aline\",\"department\":\"production\",\"role\":"
        "\"eco_referent\",\"email\":\"aline@test.fr\"},"
        "{\"id\":\"m-van\",\"name\":\"Bruno\",\"department\":\"regie\",\"role\":\"crew\","
        "\"device\":\"dev-van\"}";
    static const char chloe[] =
        ",{\"id\":\"m-cook\",\"name\":\"Chloé\",\"department\":\"regie\",\"role\":\"crew\","
        "\"device\":\"dev-cook\"}";
    char people[sizeof(aline_bruno) + sizeof(chloe) + 2];

    snprintf(people, sizeof(people), "[%s%s]", aline_bruno, cook != NULL ? chloe : "");
    support_server_start(srv, NULL);
    support_seed_people(srv->app.db_path, people);
    support_phone_init(van, "dev-van");
    if (cook != NULL)
        support_phone_init(cook, "dev-cook");
    if (office != NULL)
        support_office_login(office, srv->base, "aline@test.fr");
}
