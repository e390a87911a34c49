/*
 * cmd.h - the ecoplateau subcommands, callable from main() and from tests.
 * Each returns a process exit status (0 ok, 1 runtime failure, 2 usage).
 */
#ifndef EP_CMD_H
#define EP_CMD_H

#include "config.h"

struct app;

/* Initializes libsodium and Jansson's hash seed; call once, before threads. */
int cmd_init_libraries(void);

/* Creates data_dir if needed, opens and migrates the database. */
int cmd_migrate(const struct config *cfg);

/*
 * Readies app (app.h) for server_start(): opens and migrates the database,
 * seeds the demo with cfg->demo, reads the database id. cfg is borrowed and
 * must outlive app. Returns 0 or an EP_E* code (already logged).
 */
int cmd_prepare(struct app *app, const struct config *cfg);

/* Prints the version and the schema version this binary expects. */
int cmd_version(void);

/* Prints a fresh one-time setup link (/#setup=TOKEN, 24 h) for a server
 * nobody has claimed; exit 1 if an account exists. */
int cmd_setup_link(const struct config *cfg);

/* Creates the company and its first administrator from cfg's setup_*
 * fields, the password from EP_ADMIN_PASSWORD or stdin. Idempotent: on a
 * server already set up it changes nothing, says so and exits 0. */
int cmd_setup(const struct config *cfg);

/* Writes production cfg->export_production as one zip archive (transfer.h)
 * into cfg->export_out (created 0600, never overwritten). */
int cmd_export(const struct config *cfg);

/* Imports the archive in file into the server's company (the first one),
 * all or nothing; prints the production's id. Exit 1 on a corrupt archive
 * or a production already here, with the reason. */
int cmd_import(const struct config *cfg, const char *file);

/* Migrates, seeds (with --demo), serves until SIGTERM or SIGINT; on an
 * unclaimed server, prints a setup link once. */
int cmd_serve(const struct config *cfg);

#endif
