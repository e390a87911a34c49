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

/* GET /api/v1/metrics: counters in Prometheus text format (metrics.h). */
int api_metrics(struct http_req *r);

/* Identity (api_auth.c, docs/security.md). Production-scoped routes take
 * the production id from the path; see auth.h for how requests authenticate. */
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
int api_production_key(struct http_req *r); /* GET  .../productions/P/key */
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

/* Sync (docs/sync-protocol.md), in api_sync.c. */
struct auth_principal;
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

/* Indicators and footprint (C7, C8), in api_carbon.c. */
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

/* The plan followed through (C4, C6, C9), in api_carbon.c. */
int api_plan_progress(struct http_req *r);     /* GET .../plan/progress?today= */
int api_plan_dysfunctions(struct http_req *r); /* GET .../plan/dysfunctions?today= */
int api_evaluation(struct http_req *r);        /* GET .../evaluation?today= (C9) */
int api_kit(struct http_req *r);               /* GET .../kit?audience=&format=json|md|html (C10) */

/* The professional dossier, in api_dossier.c (docs/evaluation.md). */
int api_dossier(struct http_req *r); /* GET .../dossier?format=json|pdf|odt|md&draft=1&today= */
/* The oral defence's slides and jury sheet, in api_oral.c (docs/evaluation.md). */
int api_oral(struct http_req *r); /* GET .../oral?format=json|pdf|odp|prep&today= */

/* ?today=YYYY-MM-DD into today (11 bytes; default: the server's date, UTC).
 * Returns 0, or sends 400 and returns it. In api_carbon.c. */
int api_today_param(struct http_req *r, char *today);

/* Directory (C3), library, plan exports, reassignment history, in api_plan.c
 * (docs/plan.md). */
int api_directory_csv(struct http_req *r);         /* GET  .../directory.csv */
int api_directory_import(struct http_req *r);      /* POST .../directory/import (CSV body) */
int api_plan_library(struct http_req *r);          /* GET  /api/v1/plan/library */
int api_plan_from_library(struct http_req *r);     /* POST .../plan/from-library */
int api_plan_csv(struct http_req *r);              /* GET  .../plan.csv?today= */
int api_plan_xlsx(struct http_req *r);             /* GET  .../plan.xlsx?today= */
int api_plan_pdf(struct http_req *r);              /* GET  .../plan.pdf?today= */
int api_task_history(struct http_req *r);          /* GET  .../tasks/ID/history */
int api_checkpoint_invitation(struct http_req *r); /* GET .../checkpoints/ID/invitation.ics */

/* The collection schedule and what is missing (C7), in api_collect.c. */
int api_schedule_get(struct http_req *r);    /* GET    .../schedule */
int api_schedule_put(struct http_req *r);    /* PUT    .../schedule/INDICATOR */
int api_schedule_delete(struct http_req *r); /* DELETE .../schedule/INDICATOR */
int api_collect_missing(struct http_req *r); /* GET    .../collect/missing?today= */
int api_collect_mine(struct http_req *r);    /* GET    .../collect/mine?today= */

/* Signed communications (C5), in api_comms.c. */
int api_comms_publish(struct http_req *r);    /* POST .../communications/ID/publish */
int api_comms_signed(struct http_req *r);     /* GET  .../communications/ID/signed */
int api_comms_prefs(struct http_req *r);      /* PUT  .../members/ID/preferences */
int api_comms_preview(struct http_req *r);    /* GET  .../communications/ID/preview */
int api_comms_send(struct http_req *r);       /* POST .../communications/ID/send */
int api_comms_delivery(struct http_req *r);   /* GET  .../communications/ID/delivery */
int api_comms_invitation(struct http_req *r); /* GET  .../communications/ID/invitation.ics */
int api_comms_deliver(struct http_req *r);    /* POST .../productions/ID/outbox/deliver */
int api_comms_flyer(struct http_req *r);      /* GET  .../communications/ID/flyer.pdf */
int api_comms_audio(struct http_req *r);      /* GET  .../communications/ID/audio.wav */
int api_comms_callsheet(struct http_req *r);  /* GET  .../productions/ID/callsheet/eco */

/* Diagnostic (C1) and project analysis (C2), in api_diag.c. */
int api_diag_company(struct http_req *r); /* POST .../diagnostic/company */
int api_diag_project(struct http_req *r); /* POST .../diagnostic/project */

/* Photo attachments (docs/sync-protocol.md "Attachments"), in api_attach.c. */
int api_attach_put(struct http_req *r);    /* PUT /api/v1/sync/attachments/ID (one chunk) */
int api_attach_status(struct http_req *r); /* GET /api/v1/sync/attachments/ID/status */
int api_attach_get(struct http_req *r);    /* GET .../productions/P/attachments/ID (bytes) */
int api_attach_list(
    struct http_req *r); /* GET .../productions/P/attachments?target_col=&target_id= */

#endif
