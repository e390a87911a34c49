/* main.c - ecoplateau entry point: picks the subcommand, nothing else. */
#include "cmd.h"
#include "comms.h"
#include "config.h"
#include "log.h"
#include "ops.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Subcommands whose first argument is a path (backup DEST, restore SRC,
 * import FILE). */
static int takes_path(const char *cmd)
{
    return strcmp(cmd, "backup") == 0 || strcmp(cmd, "restore") == 0 || strcmp(cmd, "import") == 0;
}

int main(int argc, char **argv)
{
    struct config cfg;
    struct ep_error err = {0};
    const char *cmd = argc > 1 ? argv[1] : "";
    const char *path = NULL;
    int shift = 1; /* argv[shift] stands in for argv[0] when getopt parses */
    int rc;

    /* Everything this process creates (the database, its WAL and shared
     * memory, backups, exports, the key file, the data directory) is the
     * operator's alone: 0600 files, 0700 directories (docs/security.md). */
    umask(077);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
        return cmd_version();
    if (strcmp(cmd, "verify") == 0) {
        /* Checks an exported signed communication; needs no server. */
        if (argc != 3) {
            fprintf(stderr, "ecoplateau: usage: ecoplateau verify FILE\n");
            return 2;
        }
        if (cmd_init_libraries() != 0)
            return 1;
        return comms_verify_file(argv[2]);
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        config_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "serve") != 0 && strcmp(cmd, "migrate") != 0 &&
        strcmp(cmd, "healthcheck") != 0 && strcmp(cmd, "setup") != 0 &&
        strcmp(cmd, "setup-link") != 0 && strcmp(cmd, "export") != 0 && !takes_path(cmd)) {
        fprintf(stderr, "ecoplateau: %s command '%s'\n\n", cmd[0] ? "unknown" : "missing", cmd);
        config_usage(stderr);
        return 2;
    }
    if (takes_path(cmd)) {
        if (argc < 3 || argv[2][0] == '-' || argv[2][0] == '\0') {
            fprintf(stderr, "ecoplateau: usage: ecoplateau %s PATH [options]\n", cmd);
            return 2;
        }
        path = argv[2];
        shift = 2;
    }
    config_defaults(&cfg);
    rc = config_from_env(&cfg, &err);
    if (rc == 0)
        rc = config_from_args(&cfg, argc - shift, argv + shift, &err);
    if (rc == 1)
        return 0;
    if (rc != 0) {
        fprintf(stderr, "ecoplateau: %s\n", err.message);
        return 2;
    }
    log_threshold = cfg.log_level;
    if (strcmp(cmd, "healthcheck") == 0)
        return ops_healthcheck(&cfg);
    if (cmd_init_libraries() != 0)
        return 1;
    if (strcmp(cmd, "backup") == 0)
        return ops_backup(&cfg, path);
    if (strcmp(cmd, "restore") == 0)
        return ops_restore(&cfg, path);
    if (strcmp(cmd, "migrate") == 0)
        return cmd_migrate(&cfg);
    if (strcmp(cmd, "setup") == 0)
        return cmd_setup(&cfg);
    if (strcmp(cmd, "setup-link") == 0)
        return cmd_setup_link(&cfg);
    if (strcmp(cmd, "export") == 0)
        return cmd_export(&cfg);
    if (strcmp(cmd, "import") == 0)
        return cmd_import(&cfg, path);
    return cmd_serve(&cfg);
}
