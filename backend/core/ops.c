/* ops.c - healthcheck, backup, restore and start-up checks (see ops.h). */
#include "ops.h"

#include "backup.h"
#include "db.h"
#include "err.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define OPS_HEALTH_TIMEOUT_S 3 /* below the Dockerfile's HEALTHCHECK --timeout */

/* Held open until exit: the fcntl lock lives as long as the descriptor. */
static int lock_fd = -1;

/* The ownership and mode of path, for messages that say what to fix. */
static void describe(const char *path, char *buf, size_t len)
{
    struct stat st;

    if (stat(path, &st) != 0)
        snprintf(buf, len, "%s", strerror(errno));
    else
        snprintf(buf, len, "owner uid %u gid %u, mode %04o", (unsigned)st.st_uid,
                 (unsigned)st.st_gid, (unsigned)(st.st_mode & 07777));
}

/* Writes, flushes and removes a real file: the only test that also catches
 * read-only mounts, missing permissions and a full disk alike. */
static int probe_write(const char *dir)
{
    char path[CONFIG_PATH_MAX + 64];
    char block[4096];
    char why[128];
    int fd;
    int err = 0;

    snprintf(path, sizeof(path), "%s/.ecoplateau-write-test.%ld", dir, (long)getpid());
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        err = errno;
    } else {
        memset(block, 0, sizeof(block));
        if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block) || fsync(fd) != 0)
            err = errno != 0 ? errno : EIO;
        close(fd);
        unlink(path);
    }
    if (err == 0)
        return EP_OK;
    describe(dir, why, sizeof(why));
    if (err == ENOSPC || err == EDQUOT) {
        LOG_ERROR("preflight", "disk full: cannot write in data directory '%s'", dir);
        return EP_EFULL;
    }
    if (err == EROFS) {
        LOG_ERROR("preflight",
                  "data directory '%s' is on a read-only filesystem; mount it read-write", dir);
        return EP_EIO;
    }
    if (err == EACCES || err == EPERM) {
        LOG_ERROR("preflight",
                  "data directory '%s' is not writable by uid %u (%s); give it to uid %u "
                  "(chown -R %u '%s') or mount a volume owned by that uid",
                  dir, (unsigned)getuid(), why, (unsigned)getuid(), (unsigned)getuid(), dir);
        return EP_EIO;
    }
    LOG_ERROR("preflight", "cannot write in data directory '%s': %s", dir, strerror(err));
    return EP_EIO;
}

/* The database and its WAL files, when present, must be ours to write. */
static int check_db_files(const struct config *cfg)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char db[CONFIG_PATH_MAX + 32];
    char path[CONFIG_PATH_MAX + 40];
    char why[128];

    if (config_db_path(cfg, db, sizeof(db)) != EP_OK) {
        LOG_ERROR("preflight", "data directory path too long");
        return EP_ETOOBIG;
    }
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", db, suffixes[i]);
        if (access(path, F_OK) != 0 || access(path, R_OK | W_OK) == 0)
            continue;
        describe(path, why, sizeof(why));
        LOG_ERROR("preflight",
                  "database file '%s' is not readable and writable by uid %u (%s); "
                  "chown -R %u the data directory",
                  path, (unsigned)getuid(), why, (unsigned)getuid());
        return EP_EIO;
    }
    return EP_OK;
}

static int check_free_space(const char *dir)
{
    struct statvfs vfs;
    unsigned long long avail;

    if (statvfs(dir, &vfs) != 0)
        return EP_OK; /* the write probe already proved the directory usable */
    avail = (unsigned long long)vfs.f_bavail * (unsigned long long)vfs.f_frsize;
    if (avail >= OPS_MIN_FREE_BYTES)
        return EP_OK;
    LOG_ERROR("preflight",
              "disk full: only %llu KiB free on the filesystem of data directory '%s' "
              "(at least %llu MiB needed)",
              avail / 1024, dir, OPS_MIN_FREE_BYTES / (1024ULL * 1024));
    return EP_EFULL;
}

static int take_lock(const char *dir)
{
    char path[CONFIG_PATH_MAX + 32];
    struct flock fl;
    int fd;

    if (lock_fd >= 0)
        return EP_OK;
    snprintf(path, sizeof(path), "%s/ecoplateau.lock", dir);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        LOG_ERROR("preflight", "cannot open lock file '%s': %s", path, strerror(errno));
        return EP_EIO;
    }
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        memset(&fl, 0, sizeof(fl));
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        /* The holder may be in another PID namespace (a container): pid 0. */
        if (fcntl(fd, F_GETLK, &fl) != 0)
            fl.l_pid = 0;
        LOG_ERROR("preflight",
                  "data directory '%s' is in use by another ecoplateau process (pid %ld); "
                  "stop it first",
                  dir, (long)fl.l_pid);
        close(fd);
        return EP_EBUSY;
    }
    lock_fd = fd;
    return EP_OK;
}

int ops_preflight(const struct config *cfg, int flags)
{
    const char *dir = cfg->data_dir;
    struct stat st;
    char why[128];
    int rc;

    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        rc = errno == ENOSPC ? EP_EFULL : EP_EIO;
        LOG_ERROR("preflight", "%scannot create data directory '%s': %s",
                  rc == EP_EFULL ? "disk full: " : "", dir, strerror(errno));
        return rc;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        LOG_ERROR("preflight", "data directory '%s' is not a directory", dir);
        return EP_EINVAL;
    }
    /* Anyone could swap the database or read the keys: refuse, don't warn. */
    if ((st.st_mode & S_IWOTH) != 0) {
        describe(dir, why, sizeof(why));
        LOG_ERROR("preflight", "data directory '%s' is writable by every user (%s); chmod 700 it",
                  dir, why);
        return EP_EFORBIDDEN;
    }
    rc = probe_write(dir);
    if (rc == EP_OK)
        rc = check_db_files(cfg);
    if (rc == EP_OK)
        rc = check_free_space(dir);
    if (rc == EP_OK && (flags & OPS_LOCK) != 0)
        rc = take_lock(dir);
    return rc;
}

/* A decimal number in [lo, hi] at the start of s (then a space, newline or
 * the end), or -1. */
static long leading_number(const char *s, long lo, long hi)
{
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || (*end != '\0' && *end != ' ' && *end != '\n' && *end != '\r'))
        return -1;
    return v < lo || v > hi ? -1 : v;
}

/* Port to probe: the configured one, or the one the server wrote down. */
static int health_port(const struct config *cfg)
{
    char line[32] = "";
    FILE *f;
    long port = 0;

    if (cfg->port != 0)
        return cfg->port;
    if (cfg->port_file[0] == '\0')
        return 0;
    f = fopen(cfg->port_file, "r");
    if (f == NULL)
        return 0;
    if (fgets(line, sizeof(line), f) != NULL)
        port = leading_number(line, 1, 65535);
    fclose(f);
    return port > 0 ? (int)port : 0;
}

int ops_healthcheck(const struct config *cfg)
{
    static const char req[] = "GET /api/v1/health HTTP/1.0\r\nHost: localhost\r\n"
                              "Connection: close\r\n\r\n";
    const char *host = cfg->bind;
    struct addrinfo hints;
    struct addrinfo *ai = NULL;
    struct timeval tv = {OPS_HEALTH_TIMEOUT_S, 0};
    char port_s[16];
    char head[256];
    size_t got = 0;
    int port = health_port(cfg);
    int fd = -1;
    int status = -1;
    int rc = 1;

    /* A wildcard bind is reachable on loopback; ask there. */
    if (strcmp(host, "0.0.0.0") == 0 || host[0] == '\0')
        host = "127.0.0.1";
    else if (strcmp(host, "::") == 0 || strcmp(host, "[::]") == 0)
        host = "::1";
    if (port == 0) {
        fprintf(stderr, "unhealthy: no port (EP_PORT=0 and no readable port file)\n");
        goto out;
    }
    snprintf(port_s, sizeof(port_s), "%d", port);
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    if (getaddrinfo(host, port_s, &hints, &ai) != 0 || ai == NULL) {
        fprintf(stderr, "unhealthy: bad address '%s'\n", host);
        goto out;
    }
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
        goto sys_fail;
    /* On Linux SO_SNDTIMEO bounds connect() as well. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0 ||
        connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
        send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(req) - 1))
        goto sys_fail;
    /* Only the status line matters; it arrives in the first segment. */
    while (got < sizeof(head) - 1 && memchr(head, '\n', got) == NULL) {
        ssize_t n = recv(fd, head + got, sizeof(head) - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    head[got] = '\0';
    /* "HTTP/1.1 200 OK": the status is the number after the first space. */
    if (strncmp(head, "HTTP/", 5) == 0 && strchr(head, ' ') != NULL)
        status = (int)leading_number(strchr(head, ' ') + 1, 100, 999);
    if (status < 0) {
        fprintf(stderr, "unhealthy: no HTTP answer from %s:%d\n", host, port);
        goto out;
    }
    printf("%s: HTTP %d from %s:%d\n", status == 200 ? "healthy" : "unhealthy", status, host, port);
    rc = status == 200 ? 0 : 1;
    goto out;
sys_fail:
    fprintf(stderr, "unhealthy: %s:%d: %s\n", host, port, strerror(errno));
out:
    if (fd >= 0)
        close(fd);
    if (ai != NULL)
        freeaddrinfo(ai);
    return rc;
}

/* DEST itself, or DEST/ecoplateau-<UTC time>.db when DEST is a directory. */
static int backup_target(const char *dest, char *buf, size_t len)
{
    struct stat st;
    struct tm tm;
    time_t now = time(NULL);
    char stamp[48];
    int n;

    if (stat(dest, &st) != 0 || !S_ISDIR(st.st_mode)) {
        n = snprintf(buf, len, "%s", dest);
    } else {
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
        n = snprintf(buf, len, "%s/ecoplateau-%s.db", dest, stamp);
    }
    return (n < 0 || (size_t)n >= len) ? EP_ETOOBIG : EP_OK;
}

int ops_backup(const struct config *cfg, const char *dest)
{
    char db[CONFIG_PATH_MAX + 32];
    char target[CONFIG_PATH_MAX + 64];
    struct ep_error err = {0};
    struct backup_info info;
    int rc = config_db_path(cfg, db, sizeof(db));

    if (rc == EP_OK)
        rc = backup_target(dest, target, sizeof(target));
    if (rc != EP_OK) {
        LOG_ERROR("backup", "path too long");
        return 1;
    }
    rc = backup_create(db, target, &info, &err);
    if (rc != EP_OK) {
        LOG_ERROR("backup", "backup failed: %s",
                  err.message[0] != '\0' ? err.message : ep_strerror(rc));
        return 1;
    }
    LOG_INFO("backup", "'%s' -> '%s': %lld bytes, schema %d, database %s, integrity_check ok", db,
             target, (long long)info.bytes, info.schema_version, info.database_id);
    printf("%s\n", target);
    return 0;
}

int ops_restore(const struct config *cfg, const char *src)
{
    char db[CONFIG_PATH_MAX + 32];
    char kept[CONFIG_PATH_MAX + 96] = "";
    struct ep_error err = {0};
    struct backup_info info;
    int rc;

    /* The lock refuses a restore under a running server, whose open
     * connections would keep writing into the replaced file's inode. */
    if (ops_preflight(cfg, OPS_LOCK) != EP_OK)
        return 1;
    rc = config_db_path(cfg, db, sizeof(db));
    if (rc == EP_OK)
        rc = backup_restore(src, db, &info, kept, sizeof(kept), &err);
    if (rc != EP_OK) {
        LOG_ERROR("restore", "restore refused: %s",
                  err.message[0] != '\0' ? err.message : ep_strerror(rc));
        return 1;
    }
    LOG_INFO("restore", "'%s' restored into '%s' (schema %d, new database id %s)%s%s", src, db,
             info.schema_version, info.database_id, kept[0] != '\0' ? "; previous kept as " : "",
             kept);
    if (info.schema_version < db_latest_version())
        LOG_INFO("restore", "schema %d will be migrated to %d at the next start",
                 info.schema_version, db_latest_version());
    return 0;
}
