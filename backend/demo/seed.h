/*
 * seed.h - the demo production loaded by `make run` (ecoplateau serve --demo).
 *
 * The demo data lives in one file, backend/demo/seed.json, compiled into the
 * binary; it is loaded only into a database that has no production yet, so
 * restarting never duplicates it and a real database is never touched.
 */
#ifndef EP_SEED_H
#define EP_SEED_H

#include "err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct db;

#define SEED_DEMO_LOGIN "eco@demo.ecoplateau.fr"
#define SEED_DEMO_PASSWORD "demo-ecoplateau"

/*
 * Loads the demo into db in one transaction if the database holds no
 * production, then stores its two photos the way a phone uploads them (one
 * transaction each). Returns 0 (also when there was nothing to do) or an
 * EP_E* code with a reason in err; on a failure before the photos nothing
 * is written, on a failure of a photo the production stays without it.
 */
int seed_demo(struct db *db, struct ep_error *err);

/* The same, as if today were the day of now_ms (Unix ms, in the past): the
 * demo is dated relative to today, so tests load it on several weekdays. */
int seed_demo_at(struct db *db, int64_t now_ms, struct ep_error *err);

/*
 * Demo people for seed_demo(): people is the "people" array of seed.json,
 * each {"id","name","department","role","level"?,"email"?,"device"?}. Runs in
 * the caller's transaction. A person with an email gets an office account
 * (password SEED_DEMO_PASSWORD); with a device id, a paired demo phone whose
 * key is seed_device_seed(id) (public knowledge: demo only). Returns 0 or
 * EP_EINVAL / storage codes with a reason in err.
 */
int seed_people(struct db *db, const char *production_id, json_t *people, int64_t now,
                struct ep_error *err);

/*
 * Sends the demo's communications listed in seed.json's "activity"."send"
 * that are not sent yet, at now_ms, as the demo office, through the same
 * path as the office's "Signer et envoyer" (commsend_run): signed with the
 * production's key (app->auth), emails queued in the outbox (delivered only
 * once an SMTP server is configured), the record synced as sent, audited.
 * Does nothing on a database without the demo. Returns 0 or an EP_E* code
 * with a reason in err.
 */
int seed_send(struct app *app, struct db *db, int64_t now_ms, struct ep_error *err);

/* The 32-byte crypto_sign_seed_keypair seed of a demo device:
 * BLAKE2b-256("ecoplateau demo device " + device_id). */
void seed_device_seed(const char *device_id, unsigned char seed[32]);

#endif
