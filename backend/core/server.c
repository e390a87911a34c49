/*
 * server.c - CivetWeb lifecycle and the API dispatcher.
 *
 * CivetWeb serves the PWA's files from the pwa directory itself; every path
 * under /api goes to one dispatcher that walks the route table below, so the
 * 404 and 405 answers are JSON and share the error shape.
 */
#include "server.h"

#include "api.h"
#include "app.h"
#include "assets.h"
#include "auth.h"
#include "clock.h"
#include "connlimit.h"
#include "db.h"
#include "dbpool.h"
#include "err.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

/* Every API route of the server. Order does not matter: paths are exact. */
static const struct route routes[] = {
    {"GET", "/api/v1/health", api_health},
    {"POST", "/api/v1/sync/push", api_sync_push},
    {"GET", "/api/v1/sync/pull", api_sync_pull},
    {"GET", "/api/v1/sync/conflicts", api_sync_conflicts},
    {"POST", "/api/v1/sync/resolve", api_sync_resolve},
    {"GET", "/api/v1/sync/quarantine", api_sync_quarantine},
    {"POST", "/api/v1/sync/quarantine/resolve", api_sync_quarantine_resolve},
    {"GET", "/api/v1/indicators", api_indicators},
    {"POST", "/api/v1/productions/*/communications/*/publish", api_comms_publish},
    {"GET", "/api/v1/productions/*/communications/*/signed", api_comms_signed},
    {"GET", "/api/v1/productions/*/plan/progress", api_plan_progress},
    {"GET", "/api/v1/productions/*/plan/dysfunctions", api_plan_dysfunctions},
    {"GET", "/api/v1/productions/*/evaluation", api_evaluation},
    {"GET", "/api/v1/productions/*/kit", api_kit},
    {"POST", "/api/v1/productions/*/diagnostic/company", api_diag_company},
    {"POST", "/api/v1/productions/*/diagnostic/project", api_diag_project},
    {"GET", "/api/v1/productions/*/diagnostic/project/estimate", api_diag_project_estimate},
    {"GET", "/api/v1/productions/*/footprint", api_footprint},
    {"GET", "/api/v1/productions/*/footprint/compare", api_footprint_compare},
    {"GET", "/api/v1/productions/*/footprint.csv", api_footprint_csv},
    {"GET", "/api/v1/productions/*/footprint.xlsx", api_footprint_xlsx},
    {"GET", "/api/v1/productions/*/footprint.pdf", api_footprint_pdf},
    {"GET", "/api/v1/productions/*/factor-sets", api_factor_sets_get},
    {"PUT", "/api/v1/productions/*/factor-sets", api_factor_sets_put},
    {"GET", "/api/v1/productions/*/forecast", api_forecast_get},
    {"POST", "/api/v1/productions/*/forecast", api_forecast_file},
    {"GET", "/api/v1/productions/*/forecast/*", api_forecast_version},
    {"GET", "/api/v1/productions/*/readings/flagged", api_readings_flagged},
    {"GET", "/api/v1/metrics", api_metrics},
    {"GET", "/api/v1/productions/*/schedule", api_schedule_get},
    {"PUT", "/api/v1/productions/*/schedule/*", api_schedule_put},
    {"PUT", "/api/v1/productions/*/schedule-groups/*", api_schedule_group_put},
    {"DELETE", "/api/v1/productions/*/schedule/*", api_schedule_delete},
    {"GET", "/api/v1/productions/*/collect/missing", api_collect_missing},
    {"GET", "/api/v1/productions/*/collect/mine", api_collect_mine},
    {"POST", "/api/v1/auth/login", api_auth_login},
    {"POST", "/api/v1/auth/logout", api_auth_logout},
    {"GET", "/api/v1/auth/me", api_auth_me},
    {"POST", "/api/v1/auth/join", api_auth_join},
    {"GET", "/api/v1/productions/*/members", api_members_list},
    {"POST", "/api/v1/productions/*/members", api_members_create},
    {"PUT", "/api/v1/productions/*/members/*", api_members_update},
    {"DELETE", "/api/v1/productions/*/members/*", api_members_delete},
    {"POST", "/api/v1/productions/*/invites", api_invites_create},
    {"POST", "/api/v1/devices/pair", api_devices_pair},
    {"GET", "/api/v1/productions/*/devices", api_devices_list},
    {"POST", "/api/v1/productions/*/devices/*/revoke", api_devices_revoke},
    {"GET", "/api/v1/productions/*/key", api_key_get},
    {"GET", "/api/v1/productions/*/audit", api_audit_list},
    /* Directory, action library, plan exports (docs/plan.md; api/directory.c,
     * api/plan.c, api/tasks.c, api/checkpoints.c). */
    {"GET", "/api/v1/productions/*/directory.csv", api_directory_csv},
    {"POST", "/api/v1/productions/*/directory/import", api_directory_import},
    {"GET", "/api/v1/plan/library", api_plan_library},
    {"POST", "/api/v1/productions/*/plan/from-library", api_plan_from_library},
    {"GET", "/api/v1/productions/*/plan.csv", api_plan_csv},
    {"GET", "/api/v1/productions/*/plan.xlsx", api_plan_xlsx},
    {"GET", "/api/v1/productions/*/plan.pdf", api_plan_pdf},
    {"GET", "/api/v1/productions/*/tasks/*/history", api_tasks_history},
    {"GET", "/api/v1/productions/*/checkpoints/*/invitation.ics", api_checkpoints_invitation},
    {"GET", "/api/v1/productions/*/history/*/*", api_history_get},
    /* Communications: targeting, channels, follow-up (docs/communications.md). */
    {"PUT", "/api/v1/productions/*/members/*/preferences", api_comms_prefs},
    {"GET", "/api/v1/productions/*/communications/*/preview", api_comms_preview},
    {"POST", "/api/v1/productions/*/communications/*/send", api_comms_send},
    {"GET", "/api/v1/productions/*/communications/*/delivery", api_comms_delivery},
    {"GET", "/api/v1/productions/*/communications/*/invitation.ics", api_comms_invitation},
    {"POST", "/api/v1/productions/*/outbox/deliver", api_comms_deliver},
    {"GET", "/api/v1/productions/*/communications/*/flyer.pdf", api_comms_flyer},
    {"GET", "/api/v1/productions/*/communications/*/flyer.png", api_comms_flyer},
    {"GET", "/api/v1/productions/*/communications/*/audio.wav", api_comms_audio},
    {"GET", "/api/v1/productions/*/callsheet/eco", api_comms_callsheet},
    /* Photo attachments: chunks, status, bytes, list (docs/sync-protocol.md §10; api/attach.c). */
    {"PUT", "/api/v1/sync/attachments/*", api_attach_put},
    {"GET", "/api/v1/sync/attachments/*/status", api_attach_status},
    {"GET", "/api/v1/productions/*/attachments/*", api_attach_get},
    {"GET", "/api/v1/productions/*/attachments", api_attach_list},
    /* First start and the company's productions (docs/operations.md). */
    {"GET", "/api/v1/setup", api_setup_status},
    {"POST", "/api/v1/setup", api_setup},
    {"GET", "/api/v1/productions", api_productions_list},
    {"POST", "/api/v1/productions", api_productions_create},
    {"GET", "/api/v1/productions/*", api_productions_get},
    {"PUT", "/api/v1/productions/*", api_productions_update},
    {"POST", "/api/v1/productions/*/archive", api_productions_archive},
    {"POST", "/api/v1/productions/*/reopen", api_productions_reopen},
    /* A whole production as one zip, and back (docs/operations.md). */
    {"GET", "/api/v1/productions/*/archive", api_productions_export},
    {"POST", "/api/v1/productions/import", api_productions_import},
    /* The professional dossier (docs/evaluation.md). */
    {"GET", "/api/v1/productions/*/dossier", api_dossier},
    /* The oral defence: slides and jury sheet (docs/evaluation.md). */
    {"GET", "/api/v1/productions/*/oral", api_oral},
};

/*
 * An archived production is read-only (docs/operations.md, "Closing a
 * production"): every state-changing route is refused with 409
 * production_archived for the production it acts on, once the caller is
 * authenticated (auth_request_in), so nothing is written and a phone keeps
 * its queue. These are the exceptions: reopening (and archiving again, a
 * no-op), revoking a lost phone (it closes access, changes no record),
 * signing out, the two diagnostic evaluations (they compute a result from
 * the answers posted and store nothing: the answers are synced records,
 * frozen like the rest), and the company-level routes whose production is
 * in the path or the body, which productions.c checks itself.
 */
static const char *const frozen_exempt[] = {
    "POST /api/v1/auth/logout",
    "POST /api/v1/productions",
    "POST /api/v1/productions/import",
    "PUT /api/v1/productions/*",
    "POST /api/v1/productions/*/archive",
    "POST /api/v1/productions/*/reopen",
    "POST /api/v1/productions/*/devices/*/revoke",
    "POST /api/v1/productions/*/diagnostic/company",
    "POST /api/v1/productions/*/diagnostic/project",
};

/* How long a request waits for a free database connection before a 503: as
 * long as a writer may wait for the write lock (DB_BUSY_MS in sync/store/db.c). */
#define DBPOOL_WAIT_MS 5000

static int log_message(const struct mg_connection *conn, const char *message)
{
    (void)conn;
    LOG_WARN("civetweb", "%s", message);
    return 1; /* handled: keep CivetWeb from printing it again */
}

/*
 * Matches path against pattern where '*' stands for one non-empty segment.
 * Stores the start of each '*' segment in starts[] (up to max).
 */
static int path_matches(const char *pattern, const char *path)
{
    while (*pattern != '\0' && *path != '\0') {
        if (*pattern == '*') {
            if (*path == '/')
                return 0;
            while (*path != '\0' && *path != '/')
                path++;
            pattern++;
            continue;
        }
        if (*pattern != *path)
            return 0;
        pattern++;
        path++;
    }
    return *pattern == '\0' && *path == '\0';
}

int server_path_param(const struct http_req *r, int n, char *buf, size_t len)
{
    const char *path = r->ri->local_uri;
    int seen = 0;
    const struct route *rt = NULL;

    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (path_matches(routes[i].path, path)) {
            rt = &routes[i];
            break;
        }
    }
    if (rt == NULL)
        return EP_ENOTFOUND;
    for (const char *p = rt->path; *p != '\0'; p++) {
        if (*p == '*') {
            size_t seg = strcspn(path, "/");
            if (seen == n) {
                if (seg + 1 > len)
                    return EP_ETOOBIG;
                memcpy(buf, path, seg);
                buf[seg] = '\0';
                return EP_OK;
            }
            seen++;
            path += seg;
        } else {
            path++;
        }
    }
    return EP_ENOTFOUND;
}

/*
 * Reads the body first, then borrows a database connection for the handler:
 * a phone trickling its body over a bad link must hold a worker thread, not
 * one of the few connections every other request needs.
 */
static int is_frozen(const struct route *rt)
{
    size_t ml = strlen(rt->method);

    if (strcmp(rt->method, "GET") == 0)
        return 0;
    for (size_t i = 0; i < sizeof(frozen_exempt) / sizeof(frozen_exempt[0]); i++)
        if (strncmp(frozen_exempt[i], rt->method, ml) == 0 && frozen_exempt[i][ml] == ' ' &&
            strcmp(frozen_exempt[i] + ml + 1, rt->path) == 0)
            return 0;
    return 1;
}

static int run_route(struct http_req *r, const struct route *rt)
{
    const struct config *cfg = r->app->cfg;
    int64_t t0 = clock_now_ms();
    int status;

    r->frozen = is_frozen(rt);
    if (r->ri->content_length > 0 && (unsigned long long)r->ri->content_length <= cfg->max_body) {
        status = http_read_body(r, cfg->max_body, &r->body, &r->body_len);
        if (status != 0)
            return status;
    }
    r->db = dbpool_get(r->app->pool, DBPOOL_WAIT_MS);
    if (r->db == NULL) {
        status = http_error(r, 503, "busy", NULL,
                            "every database connection is busy; retry in a moment");
        goto out;
    }
    status = rt->fn(r);
    LOG_DEBUG("http.request", "%s %s %d %lldms", r->ri->request_method, r->ri->local_uri, status,
              (long long)(clock_now_ms() - t0));
out:
    dbpool_put(r->app->pool, r->db);
    r->db = NULL;
    free(r->body);
    return status;
}

static int dispatch_route(struct mg_connection *conn, void *cbdata)
{
    struct app *app = cbdata;
    struct http_req r = {conn, mg_get_request_info(conn), app, NULL, NULL, 0, "", 0};
    const char *method = r.ri->request_method;
    const char *path = r.ri->local_uri;
    char allow[64] = "";
    int path_known = 0;
    int status = http_check_framing(&r);

    if (status != 0)
        return status;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        const struct route *rt = &routes[i];
        size_t used = strlen(allow);
        if (!path_matches(rt->path, path))
            continue;
        path_known = 1;
        if (strcmp(rt->method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0)) {
            /* Only a push may arrive gzip-encoded (phones on a weak link;
             * docs/sync-protocol.md); elsewhere an encoded body would be
             * read as garbage, so it is refused before it is read. */
            const char *ce = mg_get_header(conn, "Content-Encoding");
            if (ce != NULL && strcasecmp(ce, "identity") != 0 &&
                !(strcasecmp(ce, "gzip") == 0 && strcmp(rt->path, "/api/v1/sync/push") == 0))
                return http_error(&r, 415, "unsupported_encoding", "Content-Encoding",
                                  "Content-Encoding '%.40s' is not accepted here%s", ce,
                                  strcmp(rt->path, "/api/v1/sync/push") == 0
                                      ? "; a push may be gzip"
                                      : "; send the body as is");
            return run_route(&r, rt);
        }
        snprintf(allow + used, sizeof(allow) - used, "%s%s", used ? ", " : "", rt->method);
    }
    if (!path_known)
        return http_error(&r, 404, "not_found", NULL, "no API endpoint at '%s'", path);
    /* 405 must say which methods are allowed (RFC 9110 15.5.6). */
    {
        char text[256];
        int n = snprintf(text, sizeof(text),
                         "{\"error\":{\"code\":\"method_not_allowed\",\"message\":"
                         "\"%s is not allowed here; use %s\",\"field\":null}}",
                         method, allow);
        char clen[16];
        snprintf(clen, sizeof(clen), "%d", n);
        mg_response_header_start(conn, 405);
        mg_response_header_add(conn, "Content-Type", "application/json; charset=utf-8", -1);
        mg_response_header_add(conn, "Content-Length", clen, -1);
        mg_response_header_add(conn, "Allow", allow, -1);
        mg_response_header_add(conn, "Cache-Control", "no-store", -1);
        http_security_headers(conn);
        mg_response_header_send(conn);
        mg_write(conn, text, (size_t)n);
    }
    return 405;
}

/* Every API answer, errors included, is counted and timed for /api/v1/metrics. */
static int dispatch(struct mg_connection *conn, void *cbdata)
{
    int64_t t0 = metrics_now_us();
    int status = dispatch_route(conn, cbdata);

    metrics_request(status, metrics_now_us() - t0);
    return status;
}

/* The shell's text files, compressed once at start (assets.h). */
static int serve_asset(struct mg_connection *conn, void *cbdata)
{
    const struct app *app = cbdata;

    /* 0: not one of the compressed files, CivetWeb serves it from disk. */
    return assets_serve(app->assets, conn);
}

/*
 * The service worker script must never be served from an HTTP cache, or a
 * fixed app could stay stuck on old code; everything else revalidates by ETag.
 */
static int serve_sw(struct mg_connection *conn, void *cbdata)
{
    struct app *app = cbdata;
    char path[CONFIG_PATH_MAX + 16];
    FILE *f = NULL;
    char *buf = NULL;
    long size;
    int status = 404;
    struct http_req r = {conn, mg_get_request_info(conn), app, NULL, NULL, 0, "", 0};

    snprintf(path, sizeof(path), "%s/sw.js", app->cfg->pwa_dir);
    f = fopen(path, "rb");
    if (f == NULL)
        return http_error(&r, 404, "not_found", NULL, "no service worker");
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    buf = malloc((size_t)size + 1);
    if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size)
        goto out;
    {
        char clen[32];
        snprintf(clen, sizeof(clen), "%ld", size);
        mg_response_header_start(conn, 200);
        mg_response_header_add(conn, "Content-Type", "text/javascript; charset=utf-8", -1);
        mg_response_header_add(conn, "Content-Length", clen, -1);
        mg_response_header_add(conn, "Cache-Control", "no-store", -1);
        mg_response_header_add(conn, "Service-Worker-Allowed", "/", -1);
        http_security_headers(conn);
        mg_response_header_send(conn);
        if (strcmp(r.ri->request_method, "HEAD") != 0)
            mg_write(conn, buf, (size_t)size);
        status = 200;
    }
out:
    if (status != 200)
        status = http_error(&r, 500, "internal", NULL, "cannot read the service worker");
    free(buf);
    fclose(f);
    return status;
}

/* CivetWeb knows neither .webmanifest nor .mjs; .js gets the modern type. */
static const char mime_types[] = ".webmanifest=application/manifest+json,.mjs=text/javascript,"
                                 ".js=text/javascript,.svg=image/svg+xml,.wasm=application/wasm";

/* Closes what server_start opened besides CivetWeb; no worker may run. */
static void server_release(struct app *app)
{
    dbpool_close(app->pool);
    app->pool = NULL;
    sync_group_free(app->sync_group);
    app->sync_group = NULL;
    db_close(app->writer);
    app->writer = NULL;
    connlimit_stop(app->conns);
    app->conns = NULL;
    assets_free(app->assets);
    app->assets = NULL;
}

int server_start(struct app *app, struct ep_error *err)
{
    const struct config *cfg = app->cfg;
    char ports[96];
    char threads[16];
    char timeout[16];
    char headers[1024];
    struct mg_callbacks cb;
    struct mg_init_data init;
    struct mg_error_data mgerr;
    char mgtext[EP_ERROR_MESSAGE_MAX] = "";
    unsigned code = 0;
    struct stat st;
    int rc;

    if (stat(cfg->pwa_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        ep_error_set(err, EP_EIO, NULL, "pwa directory '%s' does not exist", cfg->pwa_dir);
        return EP_EIO;
    }
    snprintf(ports, sizeof(ports), "%s:%d", cfg->bind, cfg->port);
    snprintf(threads, sizeof(threads), "%d", cfg->threads);
    snprintf(timeout, sizeof(timeout), "%d", cfg->request_timeout_ms);
    /* CivetWeb adds these to the static files it serves; the API adds its own. */
    snprintf(headers, sizeof(headers),
             "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n"
             "X-Frame-Options: DENY\r\nContent-Security-Policy: %s",
             http_csp);
    // clang-format off
    const char *options[] = {
        "listening_ports", ports,
        "num_threads", threads,
        "document_root", cfg->pwa_dir,
        "enable_directory_listing", "no",
        "enable_keep_alive", "yes",
        "request_timeout_ms", timeout,
        "keep_alive_timeout_ms", "5000",
        /* Small JSON answers must not wait for the client's delayed ACK
         * (Nagle): measured 40 ms per pull without this (bench/README.md). */
        "tcp_nodelay", "1",
        "static_file_cache_control", "no-cache",
        "extra_mime_types", mime_types,
        "additional_header", headers,
        /* Debian's CivetWeb is built with CGI and SSI: make neither pattern
         * match anything we serve, so no file under pwa/ is ever executed. */
        "cgi_pattern", "**.ep-never-cgi$",
        "ssi_pattern", "**.ep-never-ssi$",
        "hide_files_patterns", "**/.*",
        "access_control_allow_origin", "",
        NULL, NULL,
    };
    // clang-format on

    rc = assets_load(cfg->pwa_dir, &app->assets, err);
    if (rc == EP_OK) {
        size_t files, plain, gz, br;
        assets_stats(app->assets, &files, &plain, &gz, &br);
        LOG_INFO("assets", "files=%zu plain=%zu gzip=%zu br=%zu", files, plain, gz, br);
        rc = sync_group_new(&app->sync_group);
    }
    if (rc == EP_OK)
        rc = db_open(app->db_path, &app->writer, err);
    if (rc == EP_OK) {
        db_set_write_lock(app->writer, &app->write_lock);
        sync_group_set_writer(app->sync_group, app->writer);
        rc = dbpool_open(app->db_path, cfg->db_connections, &app->write_lock, &app->pool, err);
    }
    if (rc != EP_OK) {
        server_release(app);
        return rc;
    }
    memset(&cb, 0, sizeof(cb));
    cb.log_message = log_message;
    init.callbacks = &cb;
    init.user_data = app;
    init.configuration_options = options;
    memset(&mgerr, 0, sizeof(mgerr));
    mgerr.code = &code;
    mgerr.text = mgtext;
    mgerr.text_buffer_size = sizeof(mgtext);
    app->ctx = mg_start2(&init, &mgerr);
    if (app->ctx == NULL) {
        server_release(app);
        return ep_error_set(err, EP_EIO, NULL, "%s", mgtext);
    }
    mg_set_request_handler(app->ctx, "/api", dispatch, app);
    mg_set_request_handler(app->ctx, "/sw.js$", serve_sw, app);
    /* Last: CivetWeb tries pattern handlers in the order they were set, and
     * "/" matches every path the two above did not take. */
    mg_set_request_handler(app->ctx, "/", serve_asset, app);
    {
        struct mg_server_port sp[4];
        int n = mg_get_server_ports(app->ctx, 4, sp);
        app->port = n > 0 ? sp[0].port : cfg->port;
    }
    if (connlimit_start(app->port, cfg->per_address, cfg->trusted_proxy, &app->conns) != EP_OK) {
        ep_error_set(err, EP_EIO, NULL, "cannot start the connection watchdog");
        mg_stop(app->ctx);
        app->ctx = NULL;
        server_release(app);
        return EP_EIO;
    }
    if (outbox_start(app) != EP_OK) {
        ep_error_set(err, EP_EIO, NULL, "cannot start the email outbox worker");
        mg_stop(app->ctx);
        app->ctx = NULL;
        server_release(app);
        return EP_EIO;
    }
    return EP_OK;
}

void server_stop(struct app *app)
{
    outbox_stop(app);
    if (app->ctx != NULL)
        mg_stop(app->ctx);
    app->ctx = NULL;
    if (app->pool != NULL && app->auth != NULL) {
        /* No worker is left: store what the devices' last requests changed. */
        struct db *db = dbpool_get(app->pool, 0);
        auth_store_devices(app->auth, db);
        dbpool_put(app->pool, db);
    }
    server_release(app);
    /* After mg_stop: no worker can be using the key any more. */
    auth_free(app->auth);
    app->auth = NULL;
}
