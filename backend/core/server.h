/*
 * server.h - the CivetWeb server: lifecycle, options, route table.
 *
 * One struct app lives for the whole process (owned by main). It is filled
 * before server_start() and read-only while serving, so handlers may read it
 * from any thread without locks; anything mutable inside carries its own lock.
 *
 * Handlers receive a database connection borrowed from app->pool for the
 * request (dbpool.h) in struct http_req, after the request body was read.
 */
#ifndef EP_SERVER_H
#define EP_SERVER_H

#include "config.h"
#include "http.h"

#include <pthread.h>
#include <stdint.h>

struct app {
    const struct config *cfg;           /* borrowed from main */
    char db_path[CONFIG_PATH_MAX + 32]; /* the database file */
    char database_id[64];               /* meta.database_id, read at start */
    int64_t started_ms;                 /* wall clock at start, unix ms */
    struct mg_context *ctx;             /* owned; NULL when stopped */
    pthread_mutex_t write_lock;         /* serializes the workers' write transactions */
    struct dbpool *pool;                /* owned while serving: the connections */
    struct sync_group *sync_group;      /* owned while serving: group commit of pushes */
    struct db *writer;                  /* owned while serving: sync_group's connection */
    int port;                           /* the port actually bound */
    struct auth *auth;                  /* owned: server key, hash limiter (auth.h) */
    struct outbox *outbox;              /* owned: the email worker and its lock (outbox.h) */
};

/* One API route. method is e.g. "GET"; HEAD is accepted wherever GET is. */
struct route {
    const char *method;
    const char *path; /* exact, '*' matches one segment */
    int (*fn)(struct http_req *r);
};

/*
 * Starts listening. On success app->ctx and app->port are set. Returns 0 or
 * EP_EIO with a message (e.g. the port is taken) in errbuf.
 */
int server_start(struct app *app, char *errbuf, size_t errlen);

/* Stops accepting, lets in-flight requests finish, joins the workers. */
void server_stop(struct app *app);

/*
 * The path segment matched by the n-th '*' of the route (0-based) copied into
 * buf. Returns 0, or EP_ENOTFOUND / EP_ETOOBIG.
 */
int server_path_param(const struct http_req *r, int n, char *buf, size_t len);

/* Wall-clock time in unix milliseconds. */
int64_t server_now_ms(void);

#endif
