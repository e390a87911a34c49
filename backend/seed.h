/*
 * seed.h - the demo production loaded by `make run` (ecoplateau serve --demo).
 *
 * The demo data lives in one file, backend/demo/seed.json, compiled into the
 * binary; it is loaded only into a database that has no production yet, so
 * restarting never duplicates it and a real database is never touched.
 */
#ifndef EP_SEED_H
#define EP_SEED_H

#include <stddef.h>

struct db;

#define SEED_DEMO_LOGIN "eco@demo.ecoplateau.fr"
#define SEED_DEMO_PASSWORD "demo-ecoplateau"

/*
 * Loads the demo into db in one transaction if the database holds no
 * production. Returns 0 (also when there was nothing to do) or an EP_E* code
 * with a reason in errbuf; on failure nothing is written.
 */
int seed_demo(struct db *db, char *errbuf, size_t errlen);

#endif
