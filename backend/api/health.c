/* api_health.c - GET /api/v1/health, for load balancers and the HEALTHCHECK. */
#include "api.h"
#include "app.h"
#include "clock.h"

#include "db.h"
#include "err.h"
#include "version.h"

int api_health(struct http_req *r)
{
    int version = -1;
    int rc = db_schema_version(r->db, &version);
    int ok = rc == EP_OK && version == db_latest_version();

    return http_json_new(r, ok ? 200 : 503,
                         json_pack("{s:s, s:s, s:i, s:i, s:s, s:s, s:I}", "status",
                                   ok ? "ok" : "degraded", "version", EP_VERSION, "schema_version",
                                   version, "schema_expected", db_latest_version(), "database",
                                   rc == EP_OK ? "ok" : ep_strerror(rc), "database_id",
                                   r->app->database_id, "uptime_ms",
                                   (json_int_t)(clock_now_ms() - r->app->started_ms)));
}
