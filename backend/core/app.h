/*
 * app.h - the process's state, shared by the server, the handlers (through
 * struct http_req) and the workers. cmd.h fills it in.
 */
#ifndef EP_APP_H
#define EP_APP_H

#include "config.h"

#include <pthread.h>
#include <stdint.h>

/*
 * One struct app lives for the whole process (owned by main). It is filled
 * before server_start() and read-only while serving, so handlers may read it
 * from any thread without locks; anything mutable inside carries its own lock.
 */
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
    struct connlimit *conns;            /* owned while serving: connections per address */
    struct assets *assets;              /* owned while serving: compressed PWA files */
};

#endif
