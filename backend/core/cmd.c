/* cmd.c - subcommands: serve, migrate, version (see cmd.h). */
#include "cmd.h"

#include "app.h"
#include "auth.h"
#include "backup.h"
#include "carbon.h"
#include "clock.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "ops.h"
#include "seed.h"
#include "server.h"
#include "version.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int cmd_init_libraries(void)
{
    if (sodium_init() < 0) {
        LOG_ERROR("init", "libsodium failed to initialize");
        return 1;
    }
    /* Must run before any thread uses Jansson (Jansson's thread-safety notes). */
    json_object_seed(0);
    return 0;
}

/* Opens the database under cfg->data_dir and migrates it; *out owns it. */
static int open_migrated(const struct config *cfg, char *path, size_t pathlen, struct db **out)
{
    char err[512] = "";
    int from = 0, to = 0;
    int rc;

    *out = NULL;
    if (mkdir(cfg->data_dir, 0700) != 0 && errno != EEXIST) {
        LOG_ERROR("db.open", "cannot create data directory '%s': %s", cfg->data_dir,
                  strerror(errno));
        return EP_EIO;
    }
    rc = config_db_path(cfg, path, pathlen);
    if (rc != EP_OK) {
        LOG_ERROR("db.open", "data directory path too long");
        return rc;
    }
    rc = db_open(path, out, err, sizeof(err));
    /* Never migrate or serve a damaged file: restoring a backup is the fix. */
    if (rc == EP_OK)
        rc = backup_quick_check(*out, err, sizeof(err));
    if (rc == EP_OK)
        rc = db_migrate(*out, &from, &to, err, sizeof(err));
    /* Factor sets are data compiled in: a new one is added, none rewritten. */
    if (rc == EP_OK)
        rc = carbon_factor_sets_load(*out, err, sizeof(err));
    if (rc != EP_OK) {
        LOG_ERROR("db.migrate", "%s%s%s", rc == EP_EFULL ? "disk full: " : "",
                  err[0] != '\0' ? err : ep_strerror(rc),
                  rc == EP_ECORRUPT ? "; restore a backup with 'ecoplateau restore'" : "");
        db_close(*out);
        *out = NULL;
        return rc;
    }
    if (from != to)
        LOG_INFO("db.migrate", "schema migrated from version %d to %d", from, to);
    return EP_OK;
}

int cmd_migrate(const struct config *cfg)
{
    char path[CONFIG_PATH_MAX + 32];
    struct db *db = NULL;
    int rc = ops_preflight(cfg, 0);

    if (rc == EP_OK)
        rc = open_migrated(cfg, path, sizeof(path), &db);
    db_close(db);
    return rc == EP_OK ? 0 : 1;
}

int cmd_version(void)
{
    printf("ecoplateau %s (schema %d)\n", EP_VERSION, db_latest_version());
    return 0;
}

static int write_port_file(const char *file, int port)
{
    char tmp[CONFIG_PATH_MAX + 8];
    FILE *f;

    /* Write then rename, so a test polling the file never reads half of it. */
    snprintf(tmp, sizeof(tmp), "%s.tmp", file);
    f = fopen(tmp, "w");
    if (f == NULL)
        return EP_EIO;
    fprintf(f, "%d\n", port);
    if (fclose(f) != 0 || rename(tmp, file) != 0)
        return EP_EIO;
    return EP_OK;
}

int cmd_prepare(struct app *app, const struct config *cfg)
{
    struct db *db = NULL;
    char err[512] = "";
    int rc;

    memset(app, 0, sizeof(*app));
    pthread_mutex_init(&app->write_lock, NULL);
    app->cfg = cfg;
    rc = open_migrated(cfg, app->db_path, sizeof(app->db_path), &db);
    if (rc != EP_OK)
        goto out;
    /* The server key seals every production's signing key: no key, no start. */
    rc = auth_new(cfg, &app->auth, err, sizeof(err));
    if (rc != EP_OK) {
        LOG_ERROR("auth.key", "%s", err);
        goto out;
    }
    if (cfg->demo) {
        rc = seed_demo(db, err, sizeof(err));
        if (rc != EP_OK) {
            LOG_ERROR("seed", "demo seed failed: %s", err);
            goto out;
        }
    }
    rc = db_meta_get(db, "database_id", app->database_id, sizeof(app->database_id));
    if (rc != EP_OK)
        LOG_ERROR("db.open", "database has no id: %s", ep_strerror(rc));
out:
    db_close(db);
    return rc;
}

int cmd_serve(const struct config *cfg)
{
    struct app app;
    sigset_t sigs;
    int sig = 0;
    char err[512] = "";

    log_threshold = cfg->log_level;
    /* Refuse a bad volume, disk or secret before anything else is touched. */
    if (ops_preflight(cfg, OPS_LOCK) != EP_OK || cmd_prepare(&app, cfg) != EP_OK)
        return 1;
    /* Block the stop signals before CivetWeb spawns its threads, so they all
     * inherit the mask and only sigwait() below ever receives them. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    app.started_ms = clock_now_ms();
    if (server_start(&app, err, sizeof(err)) != EP_OK) {
        LOG_ERROR("server.start", "cannot start: %s", err);
        return 1;
    }
    LOG_INFO("server.start", "ecoplateau %s listening on http://%s:%d/ (database %s)", EP_VERSION,
             cfg->bind, app.port, app.db_path);
    if (cfg->port_file[0] != '\0' && write_port_file(cfg->port_file, app.port) != EP_OK)
        LOG_WARN("server.start", "cannot write port file '%s'", cfg->port_file);
    if (cfg->demo) {
        printf("\n  ecoplateau is running: http://localhost:%d/\n"
               "  Demo production loaded. Office login: %s / %s\n"
               "  Stop with Ctrl-C.\n\n",
               app.port, SEED_DEMO_LOGIN, SEED_DEMO_PASSWORD);
        fflush(stdout);
    }
    sigwait(&sigs, &sig);
    LOG_INFO("server.stop", "signal %d: finishing in-flight requests", sig);
    server_stop(&app);
    LOG_INFO("server.stop", "stopped cleanly");
    return 0;
}
