/*
 * ep_setup.c - creates the sync benchmark's database before the real server
 * starts on it: a migrated database holding production "bench", its people
 * with their paired demo phones (seed_people: keys from
 * seed_device_seed(), so ep_load can sign for them), and the records the
 * phones will edit (one task per crew member, the shared action plans),
 * written through the engine by an office actor with fixed op ids.
 *
 *   ep_setup --data-dir DIR [workload options]
 *
 * Also: `ep_setup --free-port` prints a TCP port free on 127.0.0.1 now (for
 * pouchdb-server, which cannot report an ephemeral port).
 */
#include "auth.h"
#include "db.h"
#include "err.h"
#include "seed.h"
#include "sync.h"
#include "workload.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int free_port(void)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port = -1;

    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &alen) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* The people of the production: crew with their departments, referents. */
static json_t *people_json(const struct wl_config *c)
{
    json_t *people = json_array();

    for (int i = 0; people != NULL && i < wl_phones(c); i++) {
        struct wl_phone p;
        char name[64];
        if (wl_phone_init(&p, c, i) != 0) {
            json_decref(people);
            return NULL;
        }
        snprintf(name, sizeof(name), "Bench %s", p.member);
        if (json_array_append_new(people, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", p.member,
                                                    "name", name, "department", p.dept, "role",
                                                    p.referent ? "eco_referent" : "crew", "device",
                                                    p.device)) != 0) {
            json_decref(people);
            people = NULL;
        }
        wl_phone_release(&p);
    }
    return people;
}

static int seed(struct db *db, const struct wl_config *c, struct ep_error *err)
{
    json_t *people = people_json(c);
    int rc;

    if (people == NULL)
        return EP_ENOMEM;
    rc = db_begin_write(db);
    if (rc == EP_OK)
        rc = db_map_rc(sqlite3_exec(db_handle(db),
                                    "INSERT INTO company (id, name, created_at) "
                                    "VALUES ('bench-co', 'Bench', 0);"
                                    "INSERT INTO production (id, company_id, title, kind, "
                                    "created_at) VALUES ('" WL_PRODUCTION
                                    "', 'bench-co', 'Benchmark', 'fiction', 0)",
                                    NULL, NULL, NULL));
    if (rc == EP_OK)
        rc = seed_people(db, WL_PRODUCTION, people, wl_wall_ms(), err);
    if (rc == EP_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    json_decref(people);
    return rc;
}

/* Writes the tasks and action plans as one push of the office. */
static int setup_records(struct db *db, const struct wl_config *c, char *err, size_t errlen)
{
    static const char dev[] = "office-setup";
    struct sync_actor actor = {WL_PRODUCTION, dev, NULL, "production", SYNC_ROLE_ADMIN, NULL};
    struct sync_opts opts;
    struct wl_buf b = {NULL, 0, 0};
    struct ep_error perr;
    json_t *push = NULL, *acks = NULL, *ack;
    size_t i;
    int rc;

    memset(&opts, 0, sizeof(opts));
    opts.now_ms = wl_wall_ms();
    rc = wl_buf_printf(&b, "{\"schema\":%d,\"device\":\"%s\",\"ops\":[", SYNC_PROTOCOL, dev);
    if (rc == 0)
        rc = wl_setup_ep_ops(&b, c, dev, (uint64_t)(opts.now_ms - 1000) << 16);
    if (rc == 0)
        rc = wl_buf_printf(&b, "]}");
    if (rc != 0) {
        rc = EP_ENOMEM;
        goto out;
    }
    rc = sync_decode_push(b.p, b.len, &push, &perr);
    if (rc != EP_OK)
        snprintf(err, errlen, "%s", perr.message);
    if (rc == EP_OK)
        rc = sync_push(db, &opts, &actor, push, &acks, NULL);
    if (rc != EP_OK)
        goto out;
    json_array_foreach(acks, i, ack)
    {
        const char *st = json_string_value(json_object_get(ack, "status"));
        if (st == NULL || strcmp(st, "applied") != 0) {
            snprintf(err, errlen, "setup op %zu not applied: %s", i,
                     json_string_value(json_object_get(ack, "reason")));
            rc = EP_EINVAL;
            goto out;
        }
    }
out:
    json_decref(acks);
    json_decref(push);
    wl_buf_release(&b);
    return rc;
}

int main(int argc, char **argv)
{
    struct wl_config c;
    const char *dir = NULL;
    char path[4096];
    struct ep_error err = {0};
    struct db *db = NULL;
    int rc;

    wl_config_defaults(&c);
    for (int i = 1; i < argc; i++) {
        int r = wl_config_arg(&c, argc, argv, &i);
        if (r == 1)
            continue;
        if (r == 0 && strcmp(argv[i], "--free-port") == 0) {
            int port = free_port();
            if (port < 0)
                return 1;
            printf("%d\n", port);
            return 0;
        }
        if (r == 0 && strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) {
            dir = argv[++i];
            continue;
        }
        fprintf(stderr, "usage: ep_setup --data-dir DIR [options] | --free-port\n%s", wl_usage);
        return 2;
    }
    if (dir == NULL) {
        fprintf(stderr, "ep_setup: --data-dir is required\n");
        return 2;
    }
    if (sodium_init() < 0)
        return 1;
    json_object_seed(0);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "ep_setup: cannot create '%s': %s\n", dir, strerror(errno));
        return 1;
    }
    if (snprintf(path, sizeof(path), "%s/ecoplateau.db", dir) >= (int)sizeof(path))
        return 1;
    rc = db_open(path, &db, &err);
    if (rc == EP_OK)
        rc = db_migrate(db, NULL, NULL, &err);
    if (rc == EP_OK)
        rc = seed(db, &c, &err);
    if (rc == EP_OK)
        rc = setup_records(db, &c, err.message, sizeof(err.message));
    db_close(db);
    if (rc != EP_OK) {
        fprintf(stderr, "ep_setup: %s (%s)\n", err.message[0] != '\0' ? err.message : "failed",
                ep_strerror(rc));
        return 1;
    }
    printf("ep_setup: production '%s' with %d phones and %d records in %s\n", WL_PRODUCTION,
           wl_phones(&c), wl_setup_records(&c), path);
    return 0;
}
