/*
 * api.h - the API handlers, one function per route (see the route table in
 * server.c), filed one file per route resource (api/<resource>.c), and the
 * helpers they share (api.c). Each handler parses and validates its input,
 * calls the engine modules (no SQL here), and answers through http.h. All
 * run on worker threads.
 */
#ifndef EP_API_H
#define EP_API_H

#include "authz.h"
#include "err.h"
#include "http.h"

/* ---- shared by the handler files (api.c) ---------------------------------- */

struct auth_principal;
struct sync_opts;

/* Parses body as a JSON object (duplicate keys refused). Returns 0 and sets
 * *out (new reference), or sends 400 and returns its status (*out NULL). */
int api_parse_object(struct http_req *r, const char *body, size_t len, json_t **out);

/* The path's n-th '*' into buf, if it is a valid id (ids.h). Returns 0, or
 * sends 404 and returns it. */
int api_path_id(struct http_req *r, int n, char *buf, size_t len);

/* Writes "<prefix><16 random hex>" into buf. */
void api_new_id(const char *prefix, char *buf, size_t len);

/* 1 when the request is addressed to this machine itself, where browsers
 * accept neither HTTPS-only cookies over http nor need them. */
int api_is_localhost(struct http_req *r);

/* The origin for links into buf: the configured public URL (--public-url),
 * else this request's Host if it is a plain host[:port]. A phone scanning a
 * QR code must reach the server's public name, never the laptop's localhost. */
void api_origin(struct http_req *r, char *buf, size_t len);

/* Authenticates a request on the production named by the path's first '*'
 * (404 unless it is a valid id; body, len: the signed body, or NULL, 0) and
 * checks action (AUTHZ_SYNC_PULL for a plain read). Returns 0 and fills
 * prod and p, or the status of the error sent. */
int api_authorise(struct http_req *r, const char *body, size_t len, enum authz_action action,
                  char *prod, size_t plen, struct auth_principal *p);

/* Sends the 5xx for a storage code rc: "cannot <what>: <reason>". Returns
 * the status sent. */
int api_storage_error(struct http_req *r, int rc, const char *what);

/* Sends err as the API's JSON error {"error":{code,message,field}} with
 * status and code; the message is err's, or its code's text when it has none.
 * Returns status. */
int api_error(struct http_req *r, int status, const char *code, const struct ep_error *err);

/* Engine options for an op written on the server's behalf, now: the
 * authorisation hooks set and carbon_validate_op as the validator (it
 * checks readings and estimates and passes every other collection; set ctx
 * to a struct carbon_vctx to check readings against the production too). */
void api_opts_now(struct sync_opts *o);

/* ?today=YYYY-MM-DD into today (11 bytes; default when absent: the
 * server's date, UTC). A present value must be a real date
 * (production_day()). Returns 0, or sends 400 and returns it. */
int api_today_param(struct http_req *r, char *today);

/*
 * The language a document is written in for the person asking (p,
 * authenticated): ?lang=fr|en, else their own setting (the "language" of
 * their preferences record, theirs over the office's: sync/domain/prefs.h),
 * else French. lang receives "fr" or "en" (3 bytes). Returns 0, or sends
 * 400 (another ?lang=) and returns it.
 */
int api_lang_param(struct http_req *r, const struct auth_principal *p, char *lang);

/*
 * The name of a file a person downloads about production prod: prefix, "-",
 * the slug of the production's title (fmt_slug: ASCII, safe in a quoted
 * Content-Disposition), then suffix (".pdf", "-brouillon.pdf"...); never the
 * production's id, which means nothing to a person. Without a title (or one
 * with no writable letter) the slug is "production". Writes into buf (len
 * bytes), returns buf.
 */
char *api_file_name(struct http_req *r, const char *prod, const char *prefix, const char *suffix,
                    char *buf, size_t len);

/* The production key as {"production_id","alg","key_id","public_key"}
 * (new reference; NULL without memory). In api/key.c. */
struct identity_prodkey;
json_t *api_key_json(const char *production_id, const struct identity_prodkey *k);

/* GET /api/v1/health: version, schema version, database status. */
int api_health(struct http_req *r);

/* GET /api/v1/metrics: counters in Prometheus text format (metrics.h). */
int api_metrics(struct http_req *r);

/* Identity (docs/security.md): sessions in api/auth.c, then api/members.c,
 * api/invites.c, api/devices.c, api/key.c, api/audit.c. Production-scoped
 * routes take the production id from the path; see auth.h for how requests
 * authenticate. */
int api_auth_login(struct http_req *r);     /* POST /api/v1/auth/login */
int api_auth_logout(struct http_req *r);    /* POST /api/v1/auth/logout */
int api_auth_me(struct http_req *r);        /* GET  /api/v1/auth/me */
int api_auth_join(struct http_req *r);      /* POST /api/v1/auth/join (email invitation) */
int api_members_list(struct http_req *r);   /* GET  .../productions/P/members */
int api_members_create(struct http_req *r); /* POST .../productions/P/members (admin) */
int api_members_update(struct http_req *r); /* PUT  .../productions/P/members/M (admin) */
int api_members_delete(struct http_req *r); /* DELETE .../productions/P/members/M (admin) */
int api_invites_create(struct http_req *r); /* POST .../productions/P/invites (admin) */
int api_devices_pair(struct http_req *r);   /* POST /api/v1/devices/pair (invite code) */
int api_devices_list(struct http_req *r);   /* GET  .../productions/P/devices (admin) */
int api_devices_revoke(struct http_req *r); /* POST .../productions/P/devices/D/revoke (admin) */
int api_key_get(struct http_req *r);        /* GET  .../productions/P/key */
int api_audit_list(struct http_req *r);     /* GET  .../productions/P/audit (admin) */

/*
 * Signs email in right after the account was created (setup) and answers
 * status with the session cookie and the /auth/me body, merged with extra
 * (stolen, may be NULL). Returns the status sent. In api/auth.c.
 */
int api_auth_open_session(struct http_req *r, int status, const char *email, const char *pw,
                          size_t pwlen, json_t *extra);

/* First start (api/setup.c, docs/security.md "First start"). */
int api_setup_status(struct http_req *r); /* GET  /api/v1/setup: {"set_up": bool} */
int api_setup(struct http_req *r);        /* POST /api/v1/setup: company + first admin */

/* Productions of the company (api/productions.c, docs/operations.md). */
int api_productions_list(struct http_req *r);    /* GET  /api/v1/productions */
int api_productions_create(struct http_req *r);  /* POST /api/v1/productions */
int api_productions_get(struct http_req *r);     /* GET  /api/v1/productions/P */
int api_productions_update(struct http_req *r);  /* PUT  /api/v1/productions/P */
int api_productions_archive(struct http_req *r); /* POST .../productions/P/archive */
int api_productions_reopen(struct http_req *r);  /* POST .../productions/P/reopen */
int api_productions_export(struct http_req *r);  /* GET  .../productions/P/archive */
int api_productions_import(struct http_req *r);  /* POST /api/v1/productions/import */

/* Sync (docs/sync-protocol.md), in api/sync.c. */
struct sync_actor;

/* Storage for the strings api_sync_actor points the actor at. */
struct api_actor_buf {
    char dev[80];   /* "office-<account>" for office sessions */
    char space[80]; /* the company space (directory.h) */
};

/*
 * The sync actor for p (strings point into p and buf: keep both alive):
 * office sessions act as device "office-<account>", and company-scoped
 * collections go to the production's company space. Returns 0 or a storage
 * code (nothing sent).
 */
int api_sync_actor(struct http_req *r, const struct auth_principal *p, struct sync_actor *a,
                   struct api_actor_buf *buf);

int api_sync_push(struct http_req *r);               /* POST /api/v1/sync/push */
int api_sync_pull(struct http_req *r);               /* GET  /api/v1/sync/pull */
int api_sync_conflicts(struct http_req *r);          /* GET  /api/v1/sync/conflicts */
int api_sync_resolve(struct http_req *r);            /* POST /api/v1/sync/resolve */
int api_sync_quarantine(struct http_req *r);         /* GET  /api/v1/sync/quarantine */
int api_sync_quarantine_resolve(struct http_req *r); /* POST /api/v1/sync/quarantine/resolve */

/* Indicators and footprint (C7, C8), in api/indicators.c, api/footprint.c
 * and api/readings.c. */
int api_indicators(struct http_req *r);        /* GET /api/v1/indicators */
int api_footprint(struct http_req *r);         /* GET /api/v1/productions/ID/footprint */
int api_footprint_compare(struct http_req *r); /* GET .../footprint/compare */
int api_footprint_csv(struct http_req *r);     /* GET .../footprint.csv */
int api_footprint_xlsx(struct http_req *r);    /* GET .../footprint.xlsx */
int api_footprint_pdf(struct http_req *r);     /* GET .../footprint.pdf */
int api_factor_sets_get(struct http_req *r);   /* GET .../factor-sets */
int api_factor_sets_put(struct http_req *r);   /* PUT .../factor-sets */
int api_forecast_get(struct http_req *r);      /* GET .../forecast */
int api_forecast_file(struct http_req *r);     /* POST .../forecast */
int api_forecast_version(struct http_req *r);  /* GET .../forecast/N */
int api_readings_flagged(struct http_req *r);  /* GET .../readings/flagged */

/* The plan followed through (C4, C6) in api/plan.c, the evaluation (C9) in
 * api/evaluation.c, the kits (C10) in api/kit.c. */
int api_plan_progress(struct http_req *r);     /* GET .../plan/progress?today= */
int api_plan_dysfunctions(struct http_req *r); /* GET .../plan/dysfunctions?today= */
int api_evaluation(struct http_req *r);        /* GET .../evaluation?today= (C9) */
int api_kit(struct http_req *r);               /* GET .../kit?audience=&format=json|md|html (C10) */

/* An analysis of the production (read access) as of ?today=, computed by fn
 * (plan_progress, plan_dysfunctions...) in the reader's language (?lang=,
 * else the account's: its prose is the reader's) and answered as JSON.
 * Returns the status sent. In api/plan.c. */
struct db;
int api_plan_view(struct http_req *r,
                  int (*fn)(struct db *, const char *, const char *, const char *, json_t **));

/* The professional dossier, in api/dossier.c (docs/evaluation.md). */
int api_dossier(struct http_req *r); /* GET .../dossier?format=json|pdf|odt|md&draft=1&today= */
/* The oral defence's slides and jury sheet, in api/oral.c (docs/evaluation.md). */
int api_oral(struct http_req *r); /* GET .../oral?format=json|pdf|odp|prep&today= */

/* Directory (C3) in api/directory.c; library and plan exports in api/plan.c;
 * reassignment history in api/tasks.c; checkpoints in api/checkpoints.c
 * (docs/plan.md). */
int api_directory_csv(struct http_req *r);          /* GET  .../directory.csv */
int api_directory_import(struct http_req *r);       /* POST .../directory/import (CSV body) */
int api_plan_library(struct http_req *r);           /* GET  /api/v1/plan/library */
int api_plan_from_library(struct http_req *r);      /* POST .../plan/from-library */
int api_plan_csv(struct http_req *r);               /* GET  .../plan.csv?today= */
int api_plan_xlsx(struct http_req *r);              /* GET  .../plan.xlsx?today= */
int api_plan_pdf(struct http_req *r);               /* GET  .../plan.pdf?today= */
int api_tasks_history(struct http_req *r);          /* GET  .../tasks/ID/history */
int api_checkpoints_invitation(struct http_req *r); /* GET .../checkpoints/ID/invitation.ics */
int api_history_get(struct http_req *r);            /* GET  .../history/COL/ID */

/* The collection schedule (api/schedule.c) and what is missing
 * (api/collect.c) (C7). */
int api_schedule_get(struct http_req *r);       /* GET    .../schedule */
int api_schedule_put(struct http_req *r);       /* PUT    .../schedule/INDICATOR */
int api_schedule_group_put(struct http_req *r); /* PUT .../schedule-groups/GROUP */
int api_schedule_delete(struct http_req *r);    /* DELETE .../schedule/INDICATOR */
int api_collect_missing(struct http_req *r);    /* GET    .../collect/missing?today= */
int api_collect_mine(struct http_req *r);       /* GET    .../collect/mine?today= */

/* Signed communications (C5), in api/comms.c. */
int api_comms_publish(struct http_req *r);    /* POST .../communications/ID/publish */
int api_comms_signed(struct http_req *r);     /* GET  .../communications/ID/signed */
int api_comms_prefs(struct http_req *r);      /* PUT  .../members/ID/preferences */
int api_comms_preview(struct http_req *r);    /* GET  .../communications/ID/preview */
int api_comms_send(struct http_req *r);       /* POST .../communications/ID/send */
int api_comms_delivery(struct http_req *r);   /* GET  .../communications/ID/delivery */
int api_comms_invitation(struct http_req *r); /* GET  .../communications/ID/invitation.ics */
int api_comms_deliver(struct http_req *r);    /* POST .../productions/ID/outbox/deliver */
int api_comms_flyer(struct http_req *r);      /* GET  .../communications/ID/flyer.{pdf,png} */
int api_comms_audio(struct http_req *r);      /* GET  .../communications/ID/audio.wav */
int api_comms_callsheet(struct http_req *r);  /* GET  .../productions/ID/callsheet/eco */

/* Diagnostic (C1) and project analysis (C2), in api/diag.c. */
int api_diag_company(struct http_req *r); /* POST .../diagnostic/company */
int api_diag_project(struct http_req *r); /* POST .../diagnostic/project */
/* GET .../diagnostic/project/estimate: the C2 estimate, the forecast's start */
int api_diag_project_estimate(struct http_req *r);

/* Photo attachments (docs/sync-protocol.md "Attachments"), in api/attach.c. */
int api_attach_put(struct http_req *r);    /* PUT /api/v1/sync/attachments/ID (one chunk) */
int api_attach_status(struct http_req *r); /* GET /api/v1/sync/attachments/ID/status */
int api_attach_get(struct http_req *r);    /* GET .../productions/P/attachments/ID (bytes) */
int api_attach_list(
    struct http_req *r); /* GET .../productions/P/attachments?target_col=&target_id= */

#endif
