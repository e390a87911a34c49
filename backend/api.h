/*
 * api.h - the API handlers, one function per route (see the route table in
 * server.c). Each parses and validates its input, calls the engine modules
 * (no SQL here), and answers through http.h. All run on worker threads.
 */
#ifndef EP_API_H
#define EP_API_H

#include "http.h"

/* GET /api/v1/health: version, schema version, database status. */
int api_health(struct http_req *r);

#endif
