/*
 * app.h - the ecoplateau subcommands, callable from main() and from tests.
 * Each returns a process exit status (0 ok, 1 runtime failure, 2 usage).
 */
#ifndef EP_APP_H
#define EP_APP_H

#include "config.h"

/* Initializes libsodium and Jansson's hash seed; call once, before threads. */
int app_init_libraries(void);

/* Creates data_dir if needed, opens and migrates the database. */
int app_migrate(const struct config *cfg);

struct app;

/*
 * Readies app for server_start(): opens and migrates the database, seeds the
 * demo with cfg->demo, reads the database id. cfg is borrowed and must
 * outlive app. Returns 0 or an EP_E* code (already logged).
 */
int app_prepare(struct app *app, const struct config *cfg);

/* Migrates, seeds (with --demo), serves until SIGTERM or SIGINT. */
int app_serve(const struct config *cfg);

/* Prints the version and the schema version this binary expects. */
int app_version(void);

#endif
