/* api_metrics.c - GET /api/v1/metrics, scraped by Prometheus (see metrics.h). */
#include "api.h"

#include "err.h"
#include "metrics.h"

#include <stdio.h>
#include <string.h>

#define METRICS_MAX 8192 /* the whole exposition: about 3 KiB today */

int api_metrics(struct http_req *r)
{
    char body[METRICS_MAX];
    char clen[32];
    size_t len = 0;

    if (metrics_render(r->app, body, sizeof(body), &len) != EP_OK)
        return http_error(r, 500, "internal", NULL, "metrics exceed %d bytes", METRICS_MAX);
    snprintf(clen, sizeof(clen), "%zu", len);
    mg_response_header_start(r->conn, 200);
    mg_response_header_add(r->conn, "Content-Type", "text/plain; version=0.0.4; charset=utf-8", -1);
    mg_response_header_add(r->conn, "Content-Length", clen, -1);
    mg_response_header_add(r->conn, "Cache-Control", "no-store", -1);
    http_security_headers(r->conn);
    mg_response_header_send(r->conn);
    if (strcmp(r->ri->request_method, "HEAD") != 0)
        mg_write(r->conn, body, len);
    return 200;
}
