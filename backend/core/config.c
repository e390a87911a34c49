/* config.c - defaults, EP_* variables and flags (see config.h). */
#include "config.h"

#include "err.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void config_defaults(struct config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    snprintf(cfg->bind, sizeof(cfg->bind), "%s", "127.0.0.1");
    cfg->port = 8080;
    snprintf(cfg->data_dir, sizeof(cfg->data_dir), "%s", "./data");
    snprintf(cfg->pwa_dir, sizeof(cfg->pwa_dir), "%s", "./pwa");
    cfg->log_level = LOG_LEVEL_INFO;
    /* CivetWeb 1.15 pins a worker thread to each open connection and starts
     * them all at once; each has a 102,400-byte stack (Debian's build), so
     * 128 workers cost about 13 MiB of stack and serve 128 phones at once. */
    cfg->threads = 128;
    /* Enough for a household or a shared office NAT, far below the workers:
     * one address alone can never hold every worker (docs/security.md). */
    cfg->per_address = 16;
    /* Enough for concurrent pushes to share one commit (sync_group) and for
     * reads to go on meanwhile; each costs about 0.4 MiB. */
    cfg->db_connections = 16;
    cfg->request_timeout_ms = 10000;
    cfg->max_body = (size_t)2 * 1024 * 1024;
    cfg->demo = 0;
    snprintf(cfg->smtp_from, sizeof(cfg->smtp_from), "%s", "ecoplateau@localhost");
    cfg->smtp_max_bytes = (size_t)10 * 1024 * 1024;
    cfg->smtp_retry_ms = 60000;
    cfg->smtp_poll_ms = 30000;
    cfg->attachment_max = 10LL * 1024 * 1024; /* ATTACH_DEFAULT_MAX (sync/domain/attach.h) */
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return EP_EINVAL;
    *out = v;
    return EP_OK;
}

/* Copies src only if it fits whole: a truncated path would point elsewhere. */
static int copy_str(char *dst, size_t len, const char *src)
{
    size_t n = strlen(src);
    if (n >= len)
        return EP_ETOOBIG;
    memcpy(dst, src, n + 1);
    return EP_OK;
}

/* Applies one setting by name; shared by the env and flag paths. */
static int apply(struct config *cfg, const char *name, const char *value, struct ep_error *err,
                 const char *origin)
{
    long v = 0;
    int rc = EP_OK;

    if (strcmp(name, "bind") == 0) {
        rc = copy_str(cfg->bind, sizeof(cfg->bind), value);
    } else if (strcmp(name, "port") == 0) {
        rc = parse_long(value, 0, 65535, &v);
        if (rc == EP_OK)
            cfg->port = (int)v;
    } else if (strcmp(name, "data-dir") == 0) {
        rc = copy_str(cfg->data_dir, sizeof(cfg->data_dir), value);
    } else if (strcmp(name, "pwa-dir") == 0) {
        rc = copy_str(cfg->pwa_dir, sizeof(cfg->pwa_dir), value);
    } else if (strcmp(name, "log-level") == 0) {
        enum log_level lvl;
        rc = log_parse_level(value, &lvl);
        if (rc == EP_OK)
            cfg->log_level = lvl;
    } else if (strcmp(name, "request-timeout-ms") == 0) {
        rc = parse_long(value, 100, 600000, &v);
        if (rc == EP_OK)
            cfg->request_timeout_ms = (int)v;
    } else if (strcmp(name, "threads") == 0) {
        rc = parse_long(value, 2, 256, &v);
        if (rc == EP_OK)
            cfg->threads = (int)v;
    } else if (strcmp(name, "per-address") == 0) {
        rc = parse_long(value, 1, 1024, &v);
        if (rc == EP_OK)
            cfg->per_address = (int)v;
    } else if (strcmp(name, "trusted-proxy") == 0) {
        rc = copy_str(cfg->trusted_proxy, sizeof(cfg->trusted_proxy), value);
    } else if (strcmp(name, "db-connections") == 0) {
        rc = parse_long(value, 1, 64, &v);
        if (rc == EP_OK)
            cfg->db_connections = (int)v;
    } else if (strcmp(name, "max-body") == 0) {
        rc = parse_long(value, 1024, 64L * 1024 * 1024, &v);
        if (rc == EP_OK)
            cfg->max_body = (size_t)v;
    } else if (strcmp(name, "allow-demo-db") == 0) {
        rc = parse_long(value, 0, 1, &v);
        if (rc == EP_OK)
            cfg->allow_demo_db = (int)v;
    } else if (strcmp(name, "demo") == 0) {
        rc = parse_long(value, 0, 1, &v);
        if (rc == EP_OK)
            cfg->demo = (int)v;
    } else if (strcmp(name, "port-file") == 0) {
        rc = copy_str(cfg->port_file, sizeof(cfg->port_file), value);
    } else if (strcmp(name, "secret-key-file") == 0) {
        rc = copy_str(cfg->secret_key_file, sizeof(cfg->secret_key_file), value);
    } else if (strcmp(name, "smtp-url") == 0) {
        rc = copy_str(cfg->smtp_url, sizeof(cfg->smtp_url), value);
    } else if (strcmp(name, "smtp-from") == 0) {
        rc = copy_str(cfg->smtp_from, sizeof(cfg->smtp_from), value);
    } else if (strcmp(name, "smtp-user") == 0) {
        rc = copy_str(cfg->smtp_user, sizeof(cfg->smtp_user), value);
    } else if (strcmp(name, "smtp-password") == 0) {
        rc = copy_str(cfg->smtp_password, sizeof(cfg->smtp_password), value);
    } else if (strcmp(name, "smtp-max-bytes") == 0) {
        rc = parse_long(value, 4096, 100L * 1024 * 1024, &v);
        if (rc == EP_OK)
            cfg->smtp_max_bytes = (size_t)v;
    } else if (strcmp(name, "smtp-retry-ms") == 0) {
        rc = parse_long(value, 0, 86400000L, &v);
        if (rc == EP_OK)
            cfg->smtp_retry_ms = v;
    } else if (strcmp(name, "smtp-poll-ms") == 0) {
        rc = parse_long(value, 0, 86400000L, &v);
        if (rc == EP_OK)
            cfg->smtp_poll_ms = v;
    } else if (strcmp(name, "attachment-max") == 0) {
        /* The fact's own spec caps a photo at 50 MiB (schema/0008). */
        rc = parse_long(value, 1024, 50L * 1024 * 1024, &v);
        if (rc == EP_OK)
            cfg->attachment_max = v;
    } else if (strcmp(name, "public-url") == 0) {
        size_t n = strlen(value);
        rc = (strncmp(value, "http://", 7) == 0 || strncmp(value, "https://", 8) == 0) &&
                     strcspn(value, " \"'<>") == n
                 ? copy_str(cfg->public_url, sizeof(cfg->public_url), value)
                 : EP_EINVAL;
        /* One form everywhere: links append "/#..." or "/api/...". */
        while (rc == EP_OK && n > 0 && cfg->public_url[n - 1] == '/')
            cfg->public_url[--n] = '\0';
    } else if (strcmp(name, "company") == 0) {
        rc = copy_str(cfg->setup_company, sizeof(cfg->setup_company), value);
    } else if (strcmp(name, "siret") == 0) {
        rc = copy_str(cfg->setup_siret, sizeof(cfg->setup_siret), value);
    } else if (strcmp(name, "city") == 0) {
        rc = copy_str(cfg->setup_city, sizeof(cfg->setup_city), value);
    } else if (strcmp(name, "admin-email") == 0) {
        rc = copy_str(cfg->setup_admin_email, sizeof(cfg->setup_admin_email), value);
    } else if (strcmp(name, "admin-name") == 0) {
        rc = copy_str(cfg->setup_admin_name, sizeof(cfg->setup_admin_name), value);
    } else if (strcmp(name, "production") == 0) {
        rc = copy_str(cfg->export_production, sizeof(cfg->export_production), value);
    } else if (strcmp(name, "out") == 0) {
        rc = copy_str(cfg->export_out, sizeof(cfg->export_out), value);
    }
    if (rc != EP_OK && strcmp(name, "smtp-password") == 0)
        ep_error_set(err, rc, NULL, "invalid value for %s (too long)", origin); /* never echo it */
    else if (rc != EP_OK)
        ep_error_set(err, rc, NULL, "invalid value '%s' for %s", value, origin);
    return rc;
}

int config_from_env(struct config *cfg, struct ep_error *err)
{
    static const char *const vars[][2] = {
        {"EP_BIND", "bind"},
        {"EP_PORT", "port"},
        {"EP_DATA_DIR", "data-dir"},
        {"EP_PWA_DIR", "pwa-dir"},
        {"EP_LOG_LEVEL", "log-level"},
        {"EP_THREADS", "threads"},
        {"EP_PER_ADDRESS", "per-address"},
        {"EP_TRUSTED_PROXY", "trusted-proxy"},
        {"EP_DB_CONNECTIONS", "db-connections"},
        {"EP_MAX_BODY", "max-body"},
        {"EP_DEMO", "demo"},
        {"EP_ALLOW_DEMO_DB", "allow-demo-db"},
        {"EP_PORT_FILE", "port-file"},
        {"EP_SECRET_KEY_FILE", "secret-key-file"},
        {"EP_REQUEST_TIMEOUT_MS", "request-timeout-ms"},
        {"EP_SMTP_URL", "smtp-url"},
        {"EP_SMTP_FROM", "smtp-from"},
        {"EP_SMTP_USER", "smtp-user"},
        {"EP_SMTP_PASSWORD", "smtp-password"},
        {"EP_SMTP_MAX_BYTES", "smtp-max-bytes"},
        {"EP_SMTP_RETRY_MS", "smtp-retry-ms"},
        {"EP_SMTP_POLL_MS", "smtp-poll-ms"},
        {"EP_ATTACHMENT_MAX", "attachment-max"},
        {"EP_PUBLIC_URL", "public-url"},
    };
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        const char *v = getenv(vars[i][0]);
        int rc;
        if (v == NULL || *v == '\0')
            continue;
        rc = apply(cfg, vars[i][1], v, err, vars[i][0]);
        if (rc != EP_OK)
            return rc;
    }
    return EP_OK;
}

int config_from_args(struct config *cfg, int argc, char **argv, struct ep_error *err)
{
    static const struct option opts[] = {
        {"bind", required_argument, NULL, 'b'},
        {"port", required_argument, NULL, 'p'},
        {"data-dir", required_argument, NULL, 'd'},
        {"pwa-dir", required_argument, NULL, 'w'},
        {"log-level", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'},
        {"per-address", required_argument, NULL, 'n'},
        {"trusted-proxy", required_argument, NULL, 'x'},
        {"db-connections", required_argument, NULL, 'c'},
        {"max-body", required_argument, NULL, 'm'},
        {"demo", no_argument, NULL, 'D'},
        {"allow-demo-db", no_argument, NULL, 'y'},
        {"port-file", required_argument, NULL, 'P'},
        {"secret-key-file", required_argument, NULL, 'K'},
        {"request-timeout-ms", required_argument, NULL, 'T'},
        {"attachment-max", required_argument, NULL, 'A'},
        {"public-url", required_argument, NULL, 'U'},
        {"company", required_argument, NULL, 'C'},
        {"siret", required_argument, NULL, 'S'},
        {"city", required_argument, NULL, 'Y'},
        {"admin-email", required_argument, NULL, 'E'},
        {"admin-name", required_argument, NULL, 'N'},
        {"production", required_argument, NULL, 'R'},
        {"out", required_argument, NULL, 'O'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    int idx = 0;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "b:p:d:w:l:t:n:x:c:m:DyP:K:T:A:U:C:S:Y:E:N:R:O:h", opts,
                            &idx)) != -1) {
        char origin[64];
        int rc;
        if (c == 'h') {
            config_usage(stdout);
            return 1;
        }
        if (c == '?' || c == ':') {
            ep_error_set(err, EP_EINVAL, NULL, "unknown or incomplete option '%s'",
                         argv[optind - 1]);
            return EP_EINVAL;
        }
        if (c == 'D') {
            cfg->demo = 1;
            continue;
        }
        if (c == 'y') {
            cfg->allow_demo_db = 1;
            continue;
        }
        for (idx = 0; opts[idx].val != c; idx++)
            ;
        snprintf(origin, sizeof(origin), "--%s", opts[idx].name);
        rc = apply(cfg, opts[idx].name, optarg, err, origin);
        if (rc != EP_OK)
            return rc;
    }
    if (optind < argc) {
        ep_error_set(err, EP_EINVAL, NULL, "unexpected argument '%s'", argv[optind]);
        return EP_EINVAL;
    }
    return EP_OK;
}

void config_usage(void *stream)
{
    fputs("usage: ecoplateau <command> [options]\n"
          "\n"
          "commands:\n"
          "  serve      migrate the database, then serve the API and the PWA\n"
          "  migrate    bring the database schema up to date and exit\n"
          "  version    print the version and the schema version\n"
          "  verify F   check the signature of an exported communication (exit 0 if valid)\n"
          "  healthcheck  exit 0 if GET /api/v1/health answers 200 (container HEALTHCHECK)\n"
          "  backup DEST  verified online copy of the database into file or directory DEST\n"
          "  restore SRC  replace the database with backup SRC (server stopped)\n"
          "  setup-link   print a one-time link that sets up an empty server (24 h)\n"
          "  setup      create the company and its first administrator without a browser:\n"
          "             --company NAME --admin-email E --admin-name N [--siret S] [--city C],\n"
          "             password from stdin or EP_ADMIN_PASSWORD; does nothing if set up\n"
          "  export     write a whole production as one zip: --production ID --out FILE\n"
          "  import F   add the production in archive F to this server's company\n"
          "\n"
          "options (environment variable in brackets):\n"
          "  --bind ADDR        address to listen on [EP_BIND] (127.0.0.1)\n"
          "  --port N           TCP port, 0 for any free port [EP_PORT] (8080)\n"
          "  --data-dir DIR     where the database lives [EP_DATA_DIR] (./data)\n"
          "  --pwa-dir DIR      web app files served at / [EP_PWA_DIR] (./pwa)\n"
          "  --log-level LVL    debug, info, warn or error [EP_LOG_LEVEL] (info)\n"
          "  --threads N        HTTP worker threads, one per open connection, 2-256\n"
          "                     [EP_THREADS] (128)\n"
          "  --per-address N    connections one client address may hold at once, 1-1024\n"
          "                     [EP_PER_ADDRESS] (16)\n"
          "  --trusted-proxy ADDR  the reverse proxy's address: its X-Forwarded-For names\n"
          "                     the client, and it is exempt from --per-address\n"
          "                     [EP_TRUSTED_PROXY] (none)\n"
          "  --db-connections N SQLite connections the workers share, 1-64\n"
          "                     [EP_DB_CONNECTIONS] (16)\n"
          "  --request-timeout-ms MS  a request must arrive whole within MS; slow clients\n"
          "                     are cut off [EP_REQUEST_TIMEOUT_MS] (10000)\n"
          "  --max-body BYTES   request body cap [EP_MAX_BODY] (2097152)\n"
          "  --demo             seed a demo production into an empty database [EP_DEMO=1]\n"
          "  --allow-demo-db    serve a database seeded with --demo without --demo (its\n"
          "                     device keys and password are public) [EP_ALLOW_DEMO_DB=1]\n"
          "  --port-file FILE   write the bound port to FILE once listening [EP_PORT_FILE]\n"
          "  --secret-key-file FILE  server key sealing production keys, created 0600 if\n"
          "                     absent [EP_SECRET_KEY_FILE] (DATA_DIR/secret.key)\n"
          "  --attachment-max BYTES  largest photo attachment accepted, 1024-52428800\n"
          "                     [EP_ATTACHMENT_MAX] (10485760)\n"
          "  --public-url URL   how phones reach the server, for pairing QR codes and the\n"
          "                     setup link [EP_PUBLIC_URL] (from the request's Host)\n"
          "  --help             this text\n",
          (FILE *)stream);
}

int config_db_path(const struct config *cfg, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s/ecoplateau.db", cfg->data_dir);
    return (n < 0 || (size_t)n >= len) ? EP_ETOOBIG : EP_OK;
}
