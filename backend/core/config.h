/*
 * config.h - server configuration from EP_* environment variables and flags.
 *
 * Precedence: built-in defaults < environment < command-line flags. A config
 * is filled once in main() before any thread starts and is read-only after.
 */
#ifndef EP_CONFIG_H
#define EP_CONFIG_H

#include "err.h"
#include "log.h"

#include <stddef.h>
#include <stdint.h>

#define CONFIG_PATH_MAX 512

struct config {
    char bind[64];                  /* EP_BIND, --bind: address to listen on */
    int port;                       /* EP_PORT, --port: 0 = pick a free port */
    char data_dir[CONFIG_PATH_MAX]; /* EP_DATA_DIR, --data-dir: database lives here */
    char pwa_dir[CONFIG_PATH_MAX];  /* EP_PWA_DIR, --pwa-dir: static files served at / */
    enum log_level log_level;       /* EP_LOG_LEVEL, --log-level */
    int threads;                    /* EP_THREADS, --threads: HTTP worker threads */
    int per_address;                /* EP_PER_ADDRESS, --per-address: connections one client
                                       address may hold at once (the trusted proxy is exempt) */
    char trusted_proxy[64];         /* EP_TRUSTED_PROXY, --trusted-proxy: the reverse proxy's
                                       address, whose X-Forwarded-For names the client; "" none */
    int db_connections;             /* EP_DB_CONNECTIONS, --db-connections: pool size */
    int request_timeout_ms; /* EP_REQUEST_TIMEOUT_MS: a request must arrive whole within this */
    size_t max_body;        /* EP_MAX_BODY, --max-body: request body cap, bytes */
    int demo;               /* EP_DEMO=1, --demo: seed a demo production if empty */
    int allow_demo_db;      /* EP_ALLOW_DEMO_DB=1, --allow-demo-db: serve a demo-seeded
                               database without --demo */
    char port_file[CONFIG_PATH_MAX]; /* EP_PORT_FILE, --port-file: write the bound port here */
    char secret_key_file[CONFIG_PATH_MAX]; /* EP_SECRET_KEY_FILE, --secret-key-file: server key,
                                           "" = <data_dir>/secret.key (auth.h) */
    /* Email channel (docs/communications.md); environment only. */
    char smtp_url[256];      /* EP_SMTP_URL: smtp://host:port, "" = email queued, not sent */
    char smtp_from[256];     /* EP_SMTP_FROM: sender and calendar organizer address */
    char smtp_user[128];     /* EP_SMTP_USER: "" = no AUTH */
    char smtp_password[128]; /* EP_SMTP_PASSWORD */
    size_t smtp_max_bytes;   /* EP_SMTP_MAX_BYTES: one message with attachments, at most */
    long smtp_retry_ms;      /* EP_SMTP_RETRY_MS: first retry delay, doubled each time */
    long smtp_poll_ms;       /* EP_SMTP_POLL_MS: outbox worker period, 0 = no worker */
    /* Photo attachments (docs/sync-protocol.md, "Attachments"). */
    int64_t attachment_max; /* EP_ATTACHMENT_MAX, --attachment-max: bytes per photo */
    /* EP_PUBLIC_URL, --public-url: how phones and browsers reach the server
     * ("https://eco.example.fr"), for the pairing QR code and the setup link;
     * "" = from the request's Host header. No trailing slash. */
    char public_url[256];
    /* `ecoplateau setup` only (flags): the company and its first administrator. */
    char setup_company[201];     /* --company */
    char setup_siret[32];        /* --siret */
    char setup_city[101];        /* --city */
    char setup_admin_email[255]; /* --admin-email */
    char setup_admin_name[201];  /* --admin-name */
    /* `ecoplateau export` only: which production, into which file. */
    char export_production[65];       /* --production */
    char export_out[CONFIG_PATH_MAX]; /* --out */
};

/* Fills cfg with the defaults. */
void config_defaults(struct config *cfg);

/*
 * Applies EP_* environment variables. Returns 0, or EP_EINVAL with a message
 * naming the variable in err.
 */
int config_from_env(struct config *cfg, struct ep_error *err);

/*
 * Applies flags from argv[first..argc). Returns 0, 1 when --help was asked
 * (usage already printed), or EP_EINVAL with a message in err.
 */
int config_from_args(struct config *cfg, int argc, char **argv, struct ep_error *err);

/* Prints the flags and variables to stream. */
void config_usage(void *stream);

/* Writes the database path (data_dir + "/ecoplateau.db") into buf. */
int config_db_path(const struct config *cfg, char *buf, size_t len);

#endif
