/*
 * server.h - the CivetWeb server: lifecycle, options, route table.
 *
 * server_start() takes the process's struct app (app.h), filled before and
 * read-only while serving. Handlers receive a database connection borrowed
 * from app->pool for the request (dbpool.h) in struct http_req, after the
 * request body was read.
 */
#ifndef EP_SERVER_H
#define EP_SERVER_H

#include "config.h"
#include "http.h"

#include <pthread.h>
#include <stdint.h>

struct app;

/* One API route. method is e.g. "GET"; HEAD is accepted wherever GET is. */
struct route {
    const char *method;
    const char *path; /* exact, '*' matches one segment */
    int (*fn)(struct http_req *r);
};

/*
 * Starts listening. On success app->ctx and app->port are set. Returns 0 or
 * EP_EIO with a message (e.g. the port is taken) in err.
 */
int server_start(struct app *app, struct ep_error *err);

/* Stops accepting, lets in-flight requests finish, joins the workers. */
void server_stop(struct app *app);

/*
 * The path segment matched by the n-th '*' of the route (0-based) copied into
 * buf. Returns 0, or EP_ENOTFOUND / EP_ETOOBIG.
 */
int server_path_param(const struct http_req *r, int n, char *buf, size_t len);

#endif
