/* cmd.c - subcommands: serve, migrate, version (see cmd.h). */
#include "cmd.h"

#include "app.h"
#include "auth.h"
#include "backup.h"
#include "bundle.h"
#include "carbon.h"
#include "clock.h"
#include "company.h"
#include "db.h"
#include "dbpool.h"
#include "err.h"
#include "log.h"
#include "ops.h"
#include "seed.h"
#include "server.h"
#include "transfer.h"
#include "version.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    struct ep_error err = {0};
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
    rc = db_open(path, out, &err);
    /* Never migrate or serve a damaged file: restoring a backup is the fix. */
    if (rc == EP_OK)
        rc = backup_quick_check(*out, &err);
    if (rc == EP_OK)
        rc = db_migrate(*out, &from, &to, &err);
    /* Factor sets are data compiled in: a new one is added, none rewritten. */
    if (rc == EP_OK)
        rc = carbon_factor_sets_load(*out, &err);
    if (rc != EP_OK) {
        LOG_ERROR("db.migrate", "%s%s%s", rc == EP_EFULL ? "disk full: " : "",
                  err.message[0] != '\0' ? err.message : ep_strerror(rc),
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
    struct ep_error err = {0};
    int rc;

    memset(app, 0, sizeof(*app));
    pthread_mutex_init(&app->write_lock, NULL);
    app->cfg = cfg;
    rc = open_migrated(cfg, app->db_path, sizeof(app->db_path), &db);
    if (rc != EP_OK)
        goto out;
    /* The server key seals every production's signing key: no key, no start. */
    rc = auth_new(cfg, &app->auth, &err);
    if (rc != EP_OK) {
        LOG_ERROR("auth.key", "%s", err.message);
        goto out;
    }
    if (cfg->demo) {
        rc = seed_demo(db, &err);
        /* One briefing really sent, so the demo's outbox and audit show
         * true deliveries: it needs the production key, hence app->auth. */
        if (rc == EP_OK)
            rc = seed_send(app, db, clock_now_ms(), &err);
        if (rc != EP_OK) {
            LOG_ERROR("seed", "demo seed failed: %s", err.message);
            goto out;
        }
    }
    if (!cfg->demo && !cfg->allow_demo_db) {
        char mark[128];
        if (db_meta_get(db, "demo", mark, sizeof(mark)) == EP_OK) {
            LOG_ERROR("db.open",
                      "%s was seeded with --demo: its device keys and password are public. "
                      "Serve it with --demo, or pass --allow-demo-db if you really mean to",
                      app->db_path);
            rc = EP_EFORBIDDEN;
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

/* The base of links people open: --public-url, else this machine on port. */
static void link_base(const struct config *cfg, int port, char *buf, size_t len)
{
    if (cfg->public_url[0] != '\0')
        snprintf(buf, len, "%s", cfg->public_url);
    else
        snprintf(buf, len, "http://localhost:%d", port);
}

/*
 * First start: on a server nobody has claimed, mints a setup token and
 * prints its link once (stdout and the log). The token is secret like a
 * password: whoever opens the link first creates the company.
 */
static void announce_setup(struct app *app)
{
    struct db *db = dbpool_get(app->pool, 5000);
    char token[COMPANY_TOKEN_LEN + 1], base[300];
    int n = 1;

    if (db != NULL && company_account_count(db, &n) == EP_OK && n == 0 &&
        company_setup_token_new(db, clock_now_ms(), token) == EP_OK) {
        link_base(app->cfg, app->port, base, sizeof(base));
        LOG_INFO("setup",
                 "no account yet: open %s/#setup=%s within 24 h to create the company "
                 "and its first administrator (or run 'ecoplateau setup')",
                 base, token);
        printf("\n  First start: nobody can sign in yet. Open this link within 24 h to create\n"
               "  the company and its first administrator (single use):\n\n"
               "    %s/#setup=%s\n\n"
               "  A new link: 'ecoplateau setup-link'. Without a browser: 'ecoplateau setup'.\n\n",
               base, token);
        fflush(stdout);
        sodium_memzero(token, sizeof(token));
    }
    dbpool_put(app->pool, db);
}

int cmd_setup_link(const struct config *cfg)
{
    char path[CONFIG_PATH_MAX + 32], token[COMPANY_TOKEN_LEN + 1], base[300];
    struct db *db = NULL;
    int n = 0;
    int rc = ops_preflight(cfg, 0);

    if (rc == EP_OK)
        rc = open_migrated(cfg, path, sizeof(path), &db);
    if (rc == EP_OK)
        rc = company_account_count(db, &n);
    if (rc == EP_OK && n > 0) {
        fprintf(stderr, "ecoplateau: this server is already set up: sign in, or ask an "
                        "administrator to invite you\n");
        db_close(db);
        return 1;
    }
    if (rc == EP_OK)
        rc = company_setup_token_new(db, clock_now_ms(), token);
    db_close(db);
    if (rc != EP_OK) {
        fprintf(stderr, "ecoplateau: cannot create a setup link: %s\n", ep_strerror(rc));
        return 1;
    }
    link_base(cfg, cfg->port, base, sizeof(base));
    printf("%s/#setup=%s\n", base, token);
    sodium_memzero(token, sizeof(token));
    return 0;
}

/* The administrator's password: EP_ADMIN_PASSWORD, else one line of stdin. */
static int read_password(char *buf, size_t len)
{
    const char *env = getenv("EP_ADMIN_PASSWORD");
    size_t n;

    if (env != NULL && env[0] != '\0') {
        if (strlen(env) >= len)
            return EP_ETOOBIG;
        snprintf(buf, len, "%s", env);
        return EP_OK;
    }
    if (isatty(STDIN_FILENO))
        fprintf(stderr,
                "Password for the administrator (%d characters or more): ", AUTH_PASSWORD_MIN);
    if (fgets(buf, (int)len, stdin) == NULL)
        return EP_EINVAL;
    n = strcspn(buf, "\r\n");
    if (buf[n] == '\0' && n == len - 1)
        return EP_ETOOBIG;
    buf[n] = '\0';
    return EP_OK;
}

int cmd_setup(const struct config *cfg)
{
    char path[CONFIG_PATH_MAX + 32], pw[AUTH_PASSWORD_MAX + 2];
    struct db *db = NULL;
    struct company c;
    struct identity_account a;
    enum company_setup_result res;
    const char *field = NULL;
    struct ep_error err = {0};
    int n = 0, status = 1;
    int rc;

    memset(&c, 0, sizeof(c));
    memset(&a, 0, sizeof(a));
    if (cfg->setup_company[0] == '\0' || cfg->setup_admin_email[0] == '\0' ||
        cfg->setup_admin_name[0] == '\0') {
        fprintf(stderr, "ecoplateau: usage: ecoplateau setup --company NAME --admin-email E "
                        "--admin-name N [--siret S] [--city C]\n"
                        "  (password from stdin or EP_ADMIN_PASSWORD)\n");
        return 2;
    }
    snprintf(c.name, sizeof(c.name), "%s", cfg->setup_company);
    snprintf(c.city, sizeof(c.city), "%s", cfg->setup_city);
    for (size_t i = 0, k = 0; cfg->setup_siret[i] != '\0' && k + 1 < sizeof(c.siret); i++) {
        if (cfg->setup_siret[i] != ' ')
            c.siret[k++] = cfg->setup_siret[i];
    }
    if (strlen(cfg->setup_siret) > 20 || company_check(&c, &err) != EP_OK) {
        field = ep_error_field(&err);
        fprintf(stderr, "ecoplateau: invalid --%s%s\n", field != NULL ? field : "siret",
                field != NULL && strcmp(field, "siret") == 0
                    ? ": a SIRET is 14 digits whose check digit is right"
                    : "");
        return 2;
    }
    if (strchr(cfg->setup_admin_email, '@') == NULL || strlen(cfg->setup_admin_email) < 3) {
        fprintf(stderr, "ecoplateau: invalid --admin-email: not an email address\n");
        return 2;
    }
    rc = ops_preflight(cfg, 0);
    if (rc == EP_OK)
        rc = open_migrated(cfg, path, sizeof(path), &db);
    if (rc == EP_OK)
        rc = company_account_count(db, &n);
    if (rc != EP_OK)
        goto out;
    /* Idempotent for scripted installs: a claimed server is left as it is. */
    if (n > 0) {
        printf("already set up: %d account(s) exist; nothing changed\n", n);
        status = 0;
        goto out;
    }
    rc = read_password(pw, sizeof(pw));
    if (rc != EP_OK || strlen(pw) < AUTH_PASSWORD_MIN || strlen(pw) > AUTH_PASSWORD_MAX) {
        fprintf(stderr,
                "ecoplateau: the password must be %d to %d bytes (stdin or "
                "EP_ADMIN_PASSWORD)\n",
                AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX);
        status = 2;
        goto out;
    }
    {
        unsigned char raw[8];
        char hex[17];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
        snprintf(c.id, sizeof(c.id), "c-%s", hex);
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
        snprintf(a.id, sizeof(a.id), "a-%s", hex);
    }
    snprintf(a.email, sizeof(a.email), "%s", cfg->setup_admin_email);
    snprintf(a.name, sizeof(a.name), "%s", cfg->setup_admin_name);
    rc = auth_hash_password(pw, strlen(pw), a.pw_hash);
    if (rc == EP_OK)
        rc = company_setup(db, NULL, &c, &a, clock_now_ms(), &res);
    if (rc == EP_EFORBIDDEN) { /* someone set it up meanwhile */
        printf("already set up; nothing changed\n");
        status = 0;
        goto out;
    }
    if (rc == EP_OK) {
        printf("company '%s' created; %s can sign in\n", c.name, a.email);
        status = 0;
    }
out:
    if (rc != EP_OK && status == 1)
        fprintf(stderr, "ecoplateau: setup failed: %s\n", ep_strerror(rc));
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(&a, sizeof(a));
    db_close(db);
    return status;
}

/* The machine's IPv4 addresses on its networks, where a phone on the same
 * Wi-Fi finds it (only reachable when bound to them, e.g. --bind 0.0.0.0). */
static void print_lan(const struct config *cfg, int port)
{
    struct ifaddrs *ifs = NULL;
    int any = 0, bound_all = strcmp(cfg->bind, "0.0.0.0") == 0;

    if (getifaddrs(&ifs) != 0)
        return;
    for (struct ifaddrs *i = ifs; i != NULL; i = i->ifa_next) {
        char ip[INET_ADDRSTRLEN];
        if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
            inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr, ip,
                      sizeof(ip)) == NULL ||
            strncmp(ip, "127.", 4) == 0) /* loopback: not reachable from a phone */
            continue;
        if (!any)
            printf("  On this network: ");
        printf("%shttp://%s:%d/", any ? ", " : "", ip, port);
        any = 1;
    }
    if (any)
        printf("%s\n", bound_all ? "" : " (once served with --bind 0.0.0.0)");
    freeifaddrs(ifs);
}

int cmd_serve(const struct config *cfg)
{
    struct app app;
    sigset_t sigs;
    int sig = 0;
    struct ep_error err = {0};

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
    if (server_start(&app, &err) != EP_OK) {
        LOG_ERROR("server.start", "cannot start: %s", err.message);
        return 1;
    }
    LOG_INFO("server.start", "ecoplateau %s listening on http://%s:%d/ (database %s)", EP_VERSION,
             cfg->bind, app.port, app.db_path);
    if (cfg->port_file[0] != '\0' && write_port_file(cfg->port_file, app.port) != EP_OK)
        LOG_WARN("server.start", "cannot write port file '%s'", cfg->port_file);
    if (cfg->demo) {
        printf("\n  ecoplateau is running: http://localhost:%d/\n"
               "  Demo production loaded. Office login: %s / %s\n",
               app.port, SEED_DEMO_LOGIN, SEED_DEMO_PASSWORD);
        /* Trying it with a real phone: the offline app (service worker,
         * WebCrypto keys) exists only in a secure context, which a phone
         * gets over HTTPS, never over http://<laptop-ip>. */
        print_lan(cfg, app.port);
        printf("\n  From a phone on the same network: serve with --bind 0.0.0.0 and put\n"
               "  HTTPS in front (deploy/README.md: Caddy), then set --public-url to that\n"
               "  https:// address so pairing QR codes point at it%s%s%s. Over plain\n"
               "  http://<this-machine-ip>:%d/ the pages load, but a phone's browser\n"
               "  refuses the offline app: service workers and WebCrypto need a secure\n"
               "  context (HTTPS, or localhost on the machine itself).\n"
               "  Stop with Ctrl-C.\n\n",
               cfg->public_url[0] != '\0' ? " (now: " : "", cfg->public_url,
               cfg->public_url[0] != '\0' ? ")" : "", app.port);
        fflush(stdout);
    }
    announce_setup(&app);
    sigwait(&sigs, &sig);
    LOG_INFO("server.stop", "signal %d: finishing in-flight requests", sig);
    server_stop(&app);
    LOG_INFO("server.stop", "stopped cleanly");
    return 0;
}

/* An archive read from disk: the same caps as the HTTP import. */
#define CMD_IMPORT_MAX ((size_t)256 * 1024 * 1024)
#define CMD_IMPORT_INFLATED_MAX ((size_t)512 * 1024 * 1024)

int cmd_export(const struct config *cfg)
{
    char path[CONFIG_PATH_MAX + 32];
    struct db *db = NULL;
    struct transfer_list l;
    char *zip = NULL;
    size_t len = 0;
    int fd = -1;
    int rc;

    memset(&l, 0, sizeof(l));
    if (cfg->export_production[0] == '\0' || cfg->export_out[0] == '\0') {
        fprintf(stderr, "ecoplateau: usage: ecoplateau export --production ID --out FILE\n");
        return 2;
    }
    rc = ops_preflight(cfg, 0);
    if (rc == EP_OK)
        rc = open_migrated(cfg, path, sizeof(path), &db);
    if (rc == EP_OK)
        rc = transfer_export(db, cfg->export_production, clock_now_ms(), &l);
    if (rc == EP_ENOTFOUND)
        fprintf(stderr, "ecoplateau: no production '%s'\n", cfg->export_production);
    if (rc == EP_OK)
        rc = bundle_pack(&l, &zip, &len);
    if (rc == EP_OK) {
        /* Never over an existing file: it may be the only copy of another. */
        fd = open(cfg->export_out, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0) {
            fprintf(stderr, "ecoplateau: cannot create '%s': %s\n", cfg->export_out,
                    strerror(errno));
            rc = EP_EIO;
        }
    }
    for (size_t off = 0; rc == EP_OK && off < len;) {
        ssize_t n = write(fd, zip + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "ecoplateau: cannot write '%s': %s\n", cfg->export_out,
                    strerror(errno));
            rc = EP_EIO;
            break;
        }
        off += (size_t)n;
    }
    if (fd >= 0 && (fsync(fd) != 0 || close(fd) != 0) && rc == EP_OK)
        rc = EP_EIO;
    if (rc == EP_OK)
        printf("exported '%s' to %s (%zu bytes)\n", cfg->export_production, cfg->export_out, len);
    else if (rc != EP_ENOTFOUND && fd < 0)
        fprintf(stderr, "ecoplateau: cannot export: %s\n", ep_strerror(rc));
    if (rc != EP_OK && fd >= 0)
        unlink(cfg->export_out); /* no half archive left behind */
    free(zip);
    transfer_list_release(&l);
    db_close(db);
    return rc == EP_OK ? 0 : 1;
}

/* The whole file at path, at most max bytes, into *out (free() it). */
static int read_file(const char *path, size_t max, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size = -1;
    int rc = EP_OK;

    *out = NULL;
    if (f == NULL)
        return EP_ENOTFOUND;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0)
        rc = EP_EIO;
    else if ((unsigned long)size > max)
        rc = EP_ETOOBIG;
    if (rc == EP_OK) {
        buf = malloc((size_t)size + 1);
        if (buf == NULL)
            rc = EP_ENOMEM;
    }
    if (rc == EP_OK && fread(buf, 1, (size_t)size, f) != (size_t)size)
        rc = EP_EIO;
    fclose(f);
    if (rc != EP_OK) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = (size_t)size;
    return EP_OK;
}

int cmd_import(const struct config *cfg, const char *file)
{
    char path[CONFIG_PATH_MAX + 32], id[80] = "";
    struct ep_error err = {0};
    struct db *db = NULL;
    struct company c;
    struct transfer_list l;
    char *data = NULL;
    size_t len = 0;
    int rc;

    memset(&l, 0, sizeof(l));
    rc = read_file(file, CMD_IMPORT_MAX, &data, &len);
    if (rc != EP_OK) {
        fprintf(stderr, "ecoplateau: cannot read '%s': %s\n", file, ep_strerror(rc));
        return 1;
    }
    rc = bundle_unpack(data, len, CMD_IMPORT_INFLATED_MAX, &l, &err);
    free(data);
    if (rc == EP_OK)
        rc = ops_preflight(cfg, 0);
    if (rc == EP_OK)
        rc = open_migrated(cfg, path, sizeof(path), &db);
    if (rc == EP_OK) {
        rc = company_first(db, &c);
        if (rc == EP_ENOTFOUND)
            ep_error_set(&err, rc, NULL, "this server has no company yet: run 'ecoplateau setup'");
    }
    if (rc == EP_OK)
        rc = transfer_import(db, &l, c.id, NULL, NULL, id, sizeof(id), &err);
    if (rc == EP_OK)
        printf("imported production '%s' into company '%s'\n", id, c.name);
    else
        fprintf(stderr, "ecoplateau: cannot import '%s': %s\n", file,
                err.message[0] != '\0' ? err.message : ep_strerror(rc));
    transfer_list_release(&l);
    db_close(db);
    return rc == EP_OK ? 0 : 1;
}
