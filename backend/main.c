/* main.c - ecoplateau entry point: picks the subcommand, nothing else. */
#include "app.h"
#include "config.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    struct config cfg;
    char err[512] = "";
    const char *cmd = argc > 1 ? argv[1] : "";
    int rc;

    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
        return app_version();
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        config_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "serve") != 0 && strcmp(cmd, "migrate") != 0) {
        fprintf(stderr, "ecoplateau: %s command '%s'\n\n", cmd[0] ? "unknown" : "missing", cmd);
        config_usage(stderr);
        return 2;
    }
    config_defaults(&cfg);
    rc = config_from_env(&cfg, err, sizeof(err));
    if (rc == 0)
        rc = config_from_args(&cfg, argc - 1, argv + 1, err, sizeof(err));
    if (rc == 1)
        return 0;
    if (rc != 0) {
        fprintf(stderr, "ecoplateau: %s\n", err);
        return 2;
    }
    log_threshold = cfg.log_level;
    if (app_init_libraries() != 0)
        return 1;
    if (strcmp(cmd, "migrate") == 0)
        return app_migrate(&cfg);
    return app_serve(&cfg);
}
